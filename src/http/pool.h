/* The handler pool: a fixed number of threads running blocking request handlers, fed by a
 * bounded queue. When the queue is full, submission fails at once so that the caller can
 * answer 503 instead of queueing without bound. */
#ifndef IA_HTTP_POOL_H
#define IA_HTTP_POOL_H

#include <stddef.h>

typedef struct handler_pool handler_pool;
typedef void (*pool_fn)(void *arg);

/* Starts threads threads. thread_init/thread_fini (may be NULL) run on each thread when it
 * starts and stops, for per-thread resources such as a database connection. nice above 0
 * lowers each thread's CPU priority by that much (setpriority on the thread's id, which Linux
 * applies to that thread alone), so that the threads yield the CPU to the rest of the process:
 * the CPU executor of docs/design.md "Request lifecycle". 0 keeps the process's priority. */
int pool_create(size_t threads, size_t queue_max, int nice, void (*thread_init)(void *ctx),
                void (*thread_fini)(void *ctx), void *ctx, handler_pool **out);

/* Queues fn(arg). IA_ERR_UNAVAILABLE when the queue is full or the pool is stopping. */
int pool_submit(handler_pool *p, pool_fn fn, void *arg);

size_t pool_depth(handler_pool *p);    /* jobs waiting */
size_t pool_busy(handler_pool *p);     /* threads running a job */
size_t pool_capacity(handler_pool *p); /* the queue's maximum */
size_t pool_threads(handler_pool *p);  /* threads started */

/* The nice value the pool's threads asked for, and how many of them got it (a failed
 * setpriority is logged once and leaves that thread at the process's priority). */
int pool_nice(handler_pool *p);
size_t pool_niced(handler_pool *p);

/* Runs what is queued, then stops and joins every thread and frees the pool. */
void pool_destroy(handler_pool *p);

#endif
