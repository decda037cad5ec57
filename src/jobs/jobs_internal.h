/* Shared between jobs.c and worker.c only. */
#ifndef IA_JOBS_JOBS_INTERNAL_H
#define IA_JOBS_JOBS_INTERNAL_H

#include <pthread.h>

#include "jobs/jobs.h"

extern pthread_mutex_t jobs_wake_lock;
extern pthread_cond_t jobs_wake_cond;
extern unsigned long jobs_wake_seq;

/* The registered kind named kind, or NULL. */
const job_kind *jobs_find_kind(const char *kind);

typedef struct {
    const char *name;
    int64_t interval_ms;
    job_periodic_fn fn;
} job_periodic;

/* Copies the registered periodic tasks into out; returns how many. */
size_t jobs_periodic_list(job_periodic *out, size_t max);

#endif
