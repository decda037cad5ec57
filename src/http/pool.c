#include "http/pool.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

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
    void (*thread_init)(void *);
    void (*thread_fini)(void *);
    void *ctx;
};

static void *pool_main(void *arg)
{
    handler_pool *p = arg;
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

int pool_create(size_t threads, size_t queue_max, void (*thread_init)(void *ctx),
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
