#include "http/pool.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <unistd.h>

#include "core/errors.h"
#include "core/log.h"

typedef struct {
    pool_fn fn;
    void *arg;
} pool_job;

struct handler_pool {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    pool_job *ring;
    size_t cap, head, count;
    size_t busy;
    bool stopping;
    pthread_t *threads;
    size_t nthreads;
    int nice;
    size_t niced; /* threads whose priority was lowered */
    void (*thread_init)(void *);
    void (*thread_fini)(void *);
    void *ctx;
};

/* Lowers the calling thread's CPU priority by the pool's nice value. On Linux a nice value
 * set on a thread id (gettid) belongs to that thread alone; raising it needs no privilege.
 * Nice rather than SCHED_IDLE: an idle-class thread gets no CPU at all while any other task
 * is runnable, so on a busy machine its requests would wait until their deadline, while a
 * niced thread still gets a small, bounded share. */
static void lower_priority(handler_pool *p)
{
    if (p->nice <= 0)
        return;
    /* Relative to the value the thread inherited, so that a service started under nice
     * keeps the difference (and is never raised above its own priority). */
    id_t tid = (id_t)gettid();
    errno = 0;
    int base = getpriority(PRIO_PROCESS, tid);
    if (errno != 0)
        base = 0;
    int want = base + p->nice > 19 ? 19 : base + p->nice;
    if (setpriority(PRIO_PROCESS, tid, want) != 0) {
        log_warn("http", "cannot lower the priority of an executor thread");
        return;
    }
    pthread_mutex_lock(&p->lock);
    p->niced++;
    pthread_mutex_unlock(&p->lock);
}

static void *pool_main(void *arg)
{
    handler_pool *p = arg;
    lower_priority(p);
    if (p->thread_init)
        p->thread_init(p->ctx);
    pthread_mutex_lock(&p->lock);
    for (;;) {
        while (p->count == 0 && !p->stopping)
            pthread_cond_wait(&p->cond, &p->lock);
        if (p->count == 0 && p->stopping)
            break;
        pool_job job = p->ring[p->head];
        p->head = (p->head + 1) % p->cap;
        p->count--;
        p->busy++;
        pthread_mutex_unlock(&p->lock);
        job.fn(job.arg);
        pthread_mutex_lock(&p->lock);
        p->busy--;
    }
    pthread_mutex_unlock(&p->lock);
    if (p->thread_fini)
        p->thread_fini(p->ctx);
    return NULL;
}

int pool_create(size_t threads, size_t queue_max, int nice, void (*thread_init)(void *ctx),
                void (*thread_fini)(void *ctx), void *ctx, handler_pool **out)
{
    handler_pool *p = calloc(1, sizeof(*p));
    if (p == NULL)
        return IA_ERR_NOMEM;
    p->cap = queue_max;
    p->ring = calloc(queue_max, sizeof(*p->ring));
    p->threads = calloc(threads, sizeof(*p->threads));
    if (p->ring == NULL || p->threads == NULL) {
        free(p->ring);
        free(p->threads);
        free(p);
        return IA_ERR_NOMEM;
    }
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->cond, NULL);
    p->thread_init = thread_init;
    p->thread_fini = thread_fini;
    p->ctx = ctx;
    p->nice = nice;
    for (size_t i = 0; i < threads; i++) {
        if (pthread_create(&p->threads[i], NULL, pool_main, p) != 0) {
            log_error("http", "cannot start handler thread");
            pool_destroy(p);
            return IA_ERR_IO;
        }
        p->nthreads++;
    }
    *out = p;
    return IA_OK;
}

int pool_submit(handler_pool *p, pool_fn fn, void *arg)
{
    pthread_mutex_lock(&p->lock);
    if (p->stopping || p->count >= p->cap) {
        pthread_mutex_unlock(&p->lock);
        return IA_ERR_UNAVAILABLE;
    }
    p->ring[(p->head + p->count) % p->cap] = (pool_job){ fn, arg };
    p->count++;
    pthread_cond_signal(&p->cond);
    pthread_mutex_unlock(&p->lock);
    return IA_OK;
}

size_t pool_depth(handler_pool *p)
{
    pthread_mutex_lock(&p->lock);
    size_t n = p->count;
    pthread_mutex_unlock(&p->lock);
    return n;
}

size_t pool_busy(handler_pool *p)
{
    pthread_mutex_lock(&p->lock);
    size_t n = p->busy;
    pthread_mutex_unlock(&p->lock);
    return n;
}

size_t pool_capacity(handler_pool *p)
{
    return p->cap;
}

size_t pool_threads(handler_pool *p)
{
    return p->nthreads;
}

int pool_nice(handler_pool *p)
{
    return p->nice;
}

size_t pool_niced(handler_pool *p)
{
    pthread_mutex_lock(&p->lock);
    size_t n = p->niced;
    pthread_mutex_unlock(&p->lock);
    return n;
}

void pool_destroy(handler_pool *p)
{
    if (p == NULL)
        return;
    pthread_mutex_lock(&p->lock);
    p->stopping = true;
    pthread_cond_broadcast(&p->cond);
    pthread_mutex_unlock(&p->lock);
    for (size_t i = 0; i < p->nthreads; i++)
        pthread_join(p->threads[i], NULL);
    pthread_cond_destroy(&p->cond);
    pthread_mutex_destroy(&p->lock);
    free(p->ring);
    free(p->threads);
    free(p);
}
