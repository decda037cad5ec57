/* SQL of resumes (docs/api.md §5): the rows, their analysis, sharing and version chains. A resume
 * belongs to one user; every lookup that serves a request takes the user id, so another
 * user's resume is simply not found. */
#ifndef IA_STORE_RESUMES_STORE_H
#define IA_STORE_RESUMES_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/arena.h"
#include "db/db.h"

typedef struct {
    const char *id, *user_id, *root_id;
    long long version;
    const char *parent_version_id;
    const char *title, *description;
    bool description_set;
    const char *tags; /* JSON array text */
    const char *file_key, *file_name;
    long long file_size;
    const char *file_type, *status, *inferred_role;
    bool has_years;
    double years_of_experience;
    const char *skills_text; /* skill names, one per line, lower case: for search */
    const char *analysis;    /* JSON text or NULL */
    int64_t analysis_created_at;
    bool has_processing_time;
    double processing_time;
    bool has_confidence;
    double confidence_score;
    bool is_public;
    const char *share_token;
    int64_t share_expires_at;         /* 0: no expiry */
    const char *share_allowed_emails; /* JSON array text */
    int64_t created_at, updated_at;
} resume_row;

/* Inserts a new row (call inside the transaction that enqueues its parse job). */
int resumes_store_insert(db *d, const resume_row *r);

/* The user's resume (IA_NOT_FOUND for another user's or none). user_id NULL: any owner (jobs). */
int resumes_store_get(db *d, arena *a, const char *user_id, const char *id, resume_row *out);

/* A page of the user's resumes, newest first; status and search may be NULL. */
int resumes_store_list(db *d, arena *a, const char *user_id, const char *status, const char *search,
                       long long skip, long long limit, resume_row **out, size_t *n,
                       long long *total);

/* Updates title, description and tags; NULL leaves a field alone. description "" clears it
 * (and marks it as set by the user). */
int resumes_store_update(db *d, const char *user_id, const char *id, const char *title,
                         const char *description, const char *tags, int64_t now);

/* Deletes the resume: a newer version pointing at it inherits its parent. The stored file key
 * is returned so that the caller removes the file after the commit. Runs in its own
 * transaction. */
int resumes_store_delete(db *d, arena *a, const char *user_id, const char *id,
                         const char **file_key);

/* Status changes of the parse job. */
int resumes_store_set_status(db *d, const char *id, const char *status, int64_t now);

/* Stores a finished analysis: status, analysis JSON, inferred role, years, skills for search,
 * processing time, confidence; sets the description from summary unless the user set one. */
int resumes_store_set_analysis(db *d, const char *id, const char *status, const char *analysis,
                               const char *inferred_role, const double *years,
                               const char *skills_text, const double *processing_time,
                               const double *confidence, const char *summary, int64_t now);

/* Replaces the analysis JSON only (a job-description match was added). */
int resumes_store_set_analysis_json(db *d, const char *id, const char *analysis, int64_t now);

/* One version of a resume's analysis (docs/api.md §5.3): the parser's or a correction. */
typedef struct {
    long long version;
    const char *source;           /* "parser" or "user" */
    const char *analysis;         /* JSON text */
    const char *corrected_fields; /* JSON array text of field names */
    int64_t created_at;
} resume_analysis_version;

/* The number the resume's next analysis version takes (1 when it has none). Call inside the
 * transaction that adds it. */
int resumes_store_next_analysis_version(db *d, arena *a, const char *resume_id, long long *next);

/* Adds one analysis version; IA_ERR_CONFLICT when that number was taken meanwhile. */
int resumes_store_add_analysis_version(db *d, const char *resume_id,
                                       const resume_analysis_version *v);

/* A page of the resume's analysis versions, newest first, with their total. */
int resumes_store_analysis_versions(db *d, arena *a, const char *resume_id, long long skip,
                                    long long limit, resume_analysis_version **out, size_t *n,
                                    long long *total);

/* Appends a job-description match (its JSON, which holds the text) to the resume's history
 * and drops all but the newest keep of them. Call inside a transaction. */
int resumes_store_add_match(db *d, const char *id, const char *resume_id,
                            const char *job_description, const char *job_match, int64_t now,
                            long long keep);

/* The resume's kept matches (JSON texts), newest first. */
int resumes_store_matches(db *d, arena *a, const char *resume_id, const char ***out, size_t *n);

/* Sharing. */
int resumes_store_share(db *d, const char *user_id, const char *id, const char *token,
                        int64_t expires_at, bool is_public, const char *emails, int64_t now);
int resumes_store_unshare(db *d, const char *user_id, const char *id, int64_t now);
/* The resume shared under token (active or not: the caller checks expiry). */
int resumes_store_by_share_token(db *d, arena *a, const char *token, resume_row *out);

/* Every version of the chain rooted at root_id, newest first. */
int resumes_store_chain(db *d, arena *a, const char *user_id, const char *root_id, resume_row **out,
                        size_t *n);

/* The file keys of every resume of the user (account deletion). */
int resumes_store_user_keys(db *d, arena *a, const char *user_id, const char ***keys, size_t *n);

/* True when some resume row uses the key (orphan removal). */
int resumes_store_key_used(db *d, arena *a, const char *key, bool *used);

/* How many of the user's resumes are usable or on their way to it: every status but `error`,
 * so that an upload whose analysis failed is not counted as a resume (the dashboard,
 * docs/api.md §6). */
int resumes_store_count_usable(db *d, arena *a, const char *user_id, long long *total);

#endif
