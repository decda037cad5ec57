/* SQL of the administration views: counts across the service, the user list with search and
 * per-user counts, and the task list. */
#ifndef IA_STORE_ADMIN_STORE_H
#define IA_STORE_ADMIN_STORE_H

#include <stdint.h>

#include "core/arena.h"
#include "db/db.h"
#include "store/jobs_store.h"
#include "store/users_store.h"

typedef struct {
    long long total_users, active_users, total_interviews, completed_interviews, total_resumes,
        failed_tasks;
    double average_score; /* < 0 when no interview is completed */
} admin_stats;

int admin_store_stats(db *d, arena *a, admin_stats *out);

typedef struct {
    user_row user;
    long long interview_count;
    long long resume_count;
} admin_user;

/* A page of users, newest first; search (may be NULL) matches e-mail or name, any case. */
int admin_store_users(db *d, arena *a, const char *search, long long skip, long long limit,
                      admin_user **out, size_t *n, long long *total);
int admin_store_user(db *d, arena *a, const char *id, admin_user **out);

/* A page of tasks, newest first, filtered by status and kind when given. */
int admin_store_tasks(db *d, arena *a, const char *status, const char *kind, long long skip,
                      long long limit, job_row **out, size_t *n, long long *total);

/* Puts a FAILURE job back to PENDING with its attempts reset. IA_NOT_FOUND for an unknown id,
 * IA_ERR_CONFLICT when the job is not FAILURE. */
int admin_store_retry_task(db *d, const char *id, int64_t now);

#endif
