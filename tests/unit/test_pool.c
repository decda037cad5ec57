/* Unit tests for src/http/pool.c: a bounded queue that refuses at once when full, every queued
 * job run before the pool stops, and the lower CPU priority of the CPU executor's threads
 * (docs/design.md "Request lifecycle"). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdatomic.h>
#include <sys/resource.h>
#include <unistd.h>

#include "core/errors.h"
#include "http/pool.h"

/* A gate the first job waits at, so that the test controls when the pool's one thread is
 * free. */
typedef struct {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    bool open;
    bool entered;
    atomic_int ran;
    atomic_int nice_seen;
} gate;

static gate g;

static void gate_reset(void)
{
    pthread_mutex_init(&g.lock, NULL);
    pthread_cond_init(&g.cond, NULL);
    g.open = false;
    g.entered = false;
    atomic_init(&g.ran, 0);
    atomic_init(&g.nice_seen, -100);
}

static void blocking_job(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&g.lock);
    g.entered = true;
    pthread_cond_broadcast(&g.cond);
    while (!g.open)
        pthread_cond_wait(&g.cond, &g.lock);
    pthread_mutex_unlock(&g.lock);
    atomic_fetch_add(&g.ran, 1);
}

static void counting_job(void *arg)
{
    (void)arg;
    atomic_fetch_add(&g.ran, 1);
}

/* Records the nice value of the thread running it (getpriority on its own thread id). */
static void nice_job(void *arg)
{
    (void)arg;
    errno = 0;
    int v = getpriority(PRIO_PROCESS, (id_t)gettid());
    atomic_store(&g.nice_seen, errno == 0 ? v : -100);
    atomic_fetch_add(&g.ran, 1);
}

static void wait_entered(void)
{
    pthread_mutex_lock(&g.lock);
    while (!g.entered)
        pthread_cond_wait(&g.cond, &g.lock);
    pthread_mutex_unlock(&g.lock);
}

static void open_gate(void)
{
    pthread_mutex_lock(&g.lock);
    g.open = true;
    pthread_cond_broadcast(&g.cond);
    pthread_mutex_unlock(&g.lock);
}

static void test_a_full_queue_refuses_at_once_and_queued_jobs_still_run(void **state)
{
    (void)state;
    gate_reset();
    handler_pool *p = NULL;
    assert_int_equal(pool_create(1, 2, 0, NULL, NULL, NULL, &p), IA_OK);
    assert_int_equal(pool_submit(p, blocking_job, NULL), IA_OK);
    wait_entered(); /* the one thread is busy: the queue alone holds what follows */
    assert_int_equal(pool_busy(p), 1);
    assert_int_equal(pool_submit(p, counting_job, NULL), IA_OK);
    assert_int_equal(pool_submit(p, counting_job, NULL), IA_OK);
    assert_int_equal(pool_depth(p), 2);
    assert_int_equal(pool_submit(p, counting_job, NULL), IA_ERR_UNAVAILABLE);
    assert_int_equal(pool_capacity(p), 2);
    assert_int_equal(pool_threads(p), 1);
    open_gate();
    pool_destroy(p); /* runs what is queued, then joins */
    assert_int_equal(atomic_load(&g.ran), 3);
}

static void test_a_niced_pool_runs_its_jobs_at_the_lower_priority(void **state)
{
    (void)state;
    gate_reset();
    errno = 0;
    int base = getpriority(PRIO_PROCESS, (id_t)gettid());
    assert_int_equal(errno, 0);
    handler_pool *p = NULL;
    assert_int_equal(pool_create(2, 4, 10, NULL, NULL, NULL, &p), IA_OK);
    assert_int_equal(pool_nice(p), 10);
    assert_int_equal(pool_submit(p, nice_job, NULL), IA_OK);
    pool_destroy(p);
    assert_int_equal(atomic_load(&g.ran), 1);
    /* The pool's nice value adds to the thread's inherited one, capped at 19. */
    int want = base + 10 > 19 ? 19 : base + 10;
    assert_int_equal(atomic_load(&g.nice_seen), want);
    /* The calling thread keeps its own priority. */
    assert_int_equal(getpriority(PRIO_PROCESS, (id_t)gettid()), base);
}

static void test_an_unniced_pool_keeps_the_process_priority(void **state)
{
    (void)state;
    gate_reset();
    int base = getpriority(PRIO_PROCESS, (id_t)gettid());
    handler_pool *p = NULL;
    assert_int_equal(pool_create(1, 1, 0, NULL, NULL, NULL, &p), IA_OK);
    assert_int_equal(pool_submit(p, nice_job, NULL), IA_OK);
    pool_destroy(p);
    assert_int_equal(atomic_load(&g.nice_seen), base);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_a_full_queue_refuses_at_once_and_queued_jobs_still_run),
        cmocka_unit_test(test_a_niced_pool_runs_its_jobs_at_the_lower_priority),
        cmocka_unit_test(test_an_unniced_pool_keeps_the_process_priority),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
