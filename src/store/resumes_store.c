#include "store/resumes_store.h"

#include <string.h>

#include "core/errors.h"
#include "store/common.h"
#include "core/util.h"

#define COLUMNS                                                                                    \
    "id, user_id, root_id, version, parent_version_id, title, description, description_set, "      \
    "tags, file_key, file_name, file_size, file_type, status, inferred_role, "                     \
    "years_of_experience, skills_text, analysis, analysis_created_at, processing_time, "           \
    "confidence_score, is_public, share_token, share_expires_at, share_allowed_emails, "           \
    "created_at, updated_at"

static void from_row(const db_result *r, size_t i, resume_row *o)
{
    memset(o, 0, sizeof(*o));
    o->id = db_get(r, i, 0);
    o->user_id = db_get(r, i, 1);
    o->root_id = db_get(r, i, 2);
    o->version = db_get_int(r, i, 3, 1);
    o->parent_version_id = db_get(r, i, 4);
    o->title = db_get(r, i, 5);
    o->description = db_get(r, i, 6);
    o->description_set = db_get_bool(r, i, 7);
    o->tags = db_get(r, i, 8);
    o->file_key = db_get(r, i, 9);
    o->file_name = db_get(r, i, 10);
    o->file_size = db_get_int(r, i, 11, 0);
    o->file_type = db_get(r, i, 12);
    o->status = db_get(r, i, 13);
    o->inferred_role = db_get(r, i, 14);
    o->has_years = db_get(r, i, 15) != NULL;
    o->years_of_experience = db_get_real(r, i, 15, 0);
    o->skills_text = db_get(r, i, 16);
    o->analysis = db_get(r, i, 17);
    o->analysis_created_at = db_get_int(r, i, 18, 0);
    o->has_processing_time = db_get(r, i, 19) != NULL;
    o->processing_time = db_get_real(r, i, 19, 0);
    o->has_confidence = db_get(r, i, 20) != NULL;
    o->confidence_score = db_get_real(r, i, 20, 0);
    o->is_public = db_get_bool(r, i, 21);
    o->share_token = db_get(r, i, 22);
    o->share_expires_at = db_get_int(r, i, 23, 0);
    o->share_allowed_emails = db_get(r, i, 24);
    o->created_at = db_get_int(r, i, 25, 0);
    o->updated_at = db_get_int(r, i, 26, 0);
}

static int rows(arena *a, const db_result *r, resume_row **out, size_t *n)
{
    resume_row *list = arena_calloc(a, r->nrows + 1, sizeof(*list));
    if (list == NULL)
        return IA_ERR_NOMEM;
    for (size_t i = 0; i < r->nrows; i++)
        from_row(r, i, &list[i]);
    *out = list;
    *n = r->nrows;
    return IA_OK;
}

int resumes_store_insert(db *d, const resume_row *r)
{
    db_param p[] = {
        DB_TEXT(r->id),
        DB_TEXT(r->user_id),
        DB_TEXT(r->root_id),
        DB_INT(r->version),
        DB_TEXT(r->parent_version_id),
        DB_TEXT(r->title),
        DB_TEXT(r->description),
        DB_BOOL(r->description_set),
        DB_TEXT(r->tags),
        DB_TEXT(r->file_key),
        DB_TEXT(r->file_name),
        DB_INT(r->file_size),
        DB_TEXT(r->file_type),
        DB_TEXT(r->status),
        DB_TEXT(r->inferred_role),
        r->has_years ? DB_REAL(r->years_of_experience) : DB_NULL,
        DB_TEXT(r->skills_text ? r->skills_text : ""),
        DB_TEXT(r->analysis),
        r->analysis_created_at ? DB_INT(r->analysis_created_at) : DB_NULL,
        r->has_processing_time ? DB_REAL(r->processing_time) : DB_NULL,
        r->has_confidence ? DB_REAL(r->confidence_score) : DB_NULL,
        DB_INT(r->created_at),
        DB_INT(r->updated_at),
    };
    return db_exec(d, NULL,
                   "INSERT INTO resumes (id, user_id, root_id, version, parent_version_id, title, "
                   "description, description_set, tags, file_key, file_name, file_size, "
                   "file_type, status, inferred_role, years_of_experience, skills_text, analysis, "
                   "analysis_created_at, processing_time, confidence_score, created_at, "
                   "updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, "
                   "$14, $15, $16, $17, $18, $19, $20, $21, $22, $23)",
                   p, COUNT(p), NULL);
}

int resumes_store_get(db *d, arena *a, const char *user_id, const char *id, resume_row *out)
{
    db_result *r = NULL;
    int rc = db_query_one(d, a,
                          "SELECT " COLUMNS
                          " FROM resumes WHERE id = $1 AND "
                          "(CAST($2 AS TEXT) IS NULL OR user_id = $2)",
                          (db_param[]){ DB_TEXT(id), DB_TEXT(user_id) }, 2, &r);
    if (rc == IA_OK)
        from_row(r, 0, out);
    return rc;
}

int resumes_store_list(db *d, arena *a, const char *user_id, const char *status, const char *search,
                       long long skip, long long limit, resume_row **out, size_t *n,
                       long long *total)
{
    const char *pattern = search && *search ? store_like_pattern(a, search) : NULL;
    if (search && *search && pattern == NULL)
        return IA_ERR_NOMEM;
    static const char where[] =
        " FROM resumes WHERE user_id = $1 AND (CAST($2 AS TEXT) IS NULL OR status = $2) AND "
        "(CAST($3 AS TEXT) IS NULL OR LOWER(title) LIKE $3 ESCAPE '\\' OR LOWER(file_name) "
        "LIKE $3 ESCAPE '\\' OR LOWER(COALESCE(inferred_role, '')) LIKE $3 ESCAPE '\\' OR "
        "skills_text LIKE $3 ESCAPE '\\')";
    db_param p[] = { DB_TEXT(user_id), DB_TEXT(status), DB_TEXT(pattern), DB_INT(limit),
                     DB_INT(skip) };
    db_result *r = NULL;
    int rc =
        db_query_one(d, a, (const char *)arena_printf(a, "SELECT COUNT(*)%s", where), p, 3, &r);
    if (rc != IA_OK)
        return rc;
    *total = db_get_int(r, 0, 0, 0);
    const char *sql = arena_printf(
        a, "SELECT " COLUMNS "%s ORDER BY created_at DESC, id DESC LIMIT $4 OFFSET $5", where);
    if (sql == NULL)
        return IA_ERR_NOMEM;
    rc = db_exec(d, a, sql, p, 5, &r);
    if (rc != IA_OK)
        return rc;
    return rows(a, r, out, n);
}

int resumes_store_update(db *d, const char *user_id, const char *id, const char *title,
                         const char *description, const char *tags, int64_t now)
{
    db_param p[] = { DB_TEXT(id),
                     DB_TEXT(user_id),
                     DB_TEXT(title),
                     DB_BOOL(description != NULL),
                     DB_TEXT(description && *description ? description : NULL),
                     DB_TEXT(tags),
                     DB_INT(now) };
    return store_exec_one(d,
                          "UPDATE resumes SET title = COALESCE(CAST($3 AS TEXT), title), "
                          "description = CASE WHEN $4 THEN CAST($5 AS TEXT) ELSE description END, "
                          "description_set = CASE WHEN $4 THEN $4 ELSE description_set END, "
                          "tags = COALESCE(CAST($6 AS TEXT), tags), updated_at = $7 "
                          "WHERE id = $1 AND user_id = $2",
                          p, COUNT(p));
}

int resumes_store_delete(db *d, arena *a, const char *user_id, const char *id,
                         const char **file_key)
{
    resume_row row;
    int rc = db_begin(d);
    if (rc != IA_OK)
        return rc;
    rc = resumes_store_get(d, a, user_id, id, &row);
    if (rc == IA_OK)
        rc = db_exec(d, NULL,
                     "UPDATE resumes SET parent_version_id = $2 WHERE parent_version_id = $1",
                     (db_param[]){ DB_TEXT(id), DB_TEXT(row.parent_version_id) }, 2, NULL);
    if (rc == IA_OK)
        rc = db_exec(d, NULL, "DELETE FROM resumes WHERE id = $1", (db_param[]){ DB_TEXT(id) }, 1,
                     NULL);
    if (rc == IA_OK)
        rc = db_commit(d);
    else
        db_rollback(d);
    if (rc == IA_OK)
        *file_key = row.file_key;
    return rc;
}

int resumes_store_set_status(db *d, const char *id, const char *status, int64_t now)
{
    return db_exec(d, NULL, "UPDATE resumes SET status = $2, updated_at = $3 WHERE id = $1",
                   (db_param[]){ DB_TEXT(id), DB_TEXT(status), DB_INT(now) }, 3, NULL);
}

int resumes_store_set_analysis(db *d, const char *id, const char *status, const char *analysis,
                               const char *inferred_role, const double *years,
                               const char *skills_text, const double *processing_time,
                               const double *confidence, const char *summary, int64_t now)
{
    db_param p[] = {
        DB_TEXT(id),
        DB_TEXT(status),
        DB_TEXT(analysis),
        DB_TEXT(inferred_role),
        years ? DB_REAL(*years) : DB_NULL,
        DB_TEXT(skills_text ? skills_text : ""),
        processing_time ? DB_REAL(*processing_time) : DB_NULL,
        confidence ? DB_REAL(*confidence) : DB_NULL,
        DB_TEXT(summary),
        DB_INT(now),
    };
    return db_exec(d, NULL,
                   "UPDATE resumes SET status = $2, analysis = $3, inferred_role = $4, "
                   "years_of_experience = $5, skills_text = $6, processing_time = $7, "
                   "confidence_score = $8, analysis_created_at = $10, updated_at = $10, "
                   "description = CASE WHEN description_set THEN description ELSE $9 END "
                   "WHERE id = $1",
                   p, COUNT(p), NULL);
}

int resumes_store_set_analysis_json(db *d, const char *id, const char *analysis, int64_t now)
{
    return db_exec(d, NULL, "UPDATE resumes SET analysis = $2, updated_at = $3 WHERE id = $1",
                   (db_param[]){ DB_TEXT(id), DB_TEXT(analysis), DB_INT(now) }, 3, NULL);
}

int resumes_store_next_analysis_version(db *d, arena *a, const char *resume_id, long long *next)
{
    db_result *r = NULL;
    int rc = db_query_one(d, a,
                          "SELECT COALESCE(MAX(version), 0) + 1 FROM resume_analysis_versions "
                          "WHERE resume_id = $1",
                          (db_param[]){ DB_TEXT(resume_id) }, 1, &r);
    if (rc == IA_OK)
        *next = db_get_int(r, 0, 0, 1);
    return rc;
}

int resumes_store_add_analysis_version(db *d, const char *resume_id,
                                       const resume_analysis_version *v)
{
    db_param p[] = { DB_TEXT(resume_id),
                     DB_INT(v->version),
                     DB_TEXT(v->source),
                     DB_TEXT(v->analysis),
                     DB_TEXT(v->corrected_fields ? v->corrected_fields : "[]"),
                     DB_INT(v->created_at) };
    return db_exec(d, NULL,
                   "INSERT INTO resume_analysis_versions (resume_id, version, source, analysis, "
                   "corrected_fields, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
                   p, COUNT(p), NULL);
}

int resumes_store_analysis_versions(db *d, arena *a, const char *resume_id, long long skip,
                                    long long limit, resume_analysis_version **out, size_t *n,
                                    long long *total)
{
    db_result *r = NULL;
    int rc =
        db_query_one(d, a, "SELECT COUNT(*) FROM resume_analysis_versions WHERE resume_id = $1",
                     (db_param[]){ DB_TEXT(resume_id) }, 1, &r);
    if (rc != IA_OK)
        return rc;
    *total = db_get_int(r, 0, 0, 0);
    rc = db_exec(d, a,
                 "SELECT version, source, analysis, corrected_fields, created_at "
                 "FROM resume_analysis_versions WHERE resume_id = $1 "
                 "ORDER BY version DESC LIMIT $2 OFFSET $3",
                 (db_param[]){ DB_TEXT(resume_id), DB_INT(limit), DB_INT(skip) }, 3, &r);
    if (rc != IA_OK)
        return rc;
    resume_analysis_version *list = arena_calloc(a, r->nrows + 1, sizeof(*list));
    if (list == NULL)
        return IA_ERR_NOMEM;
    for (size_t i = 0; i < r->nrows; i++) {
        list[i].version = db_get_int(r, i, 0, 1);
        list[i].source = db_get(r, i, 1);
        list[i].analysis = db_get(r, i, 2);
        list[i].corrected_fields = db_get(r, i, 3);
        list[i].created_at = db_get_int(r, i, 4, 0);
    }
    *out = list;
    *n = r->nrows;
    return IA_OK;
}

int resumes_store_add_match(db *d, const char *id, const char *resume_id,
                            const char *job_description, const char *job_match, int64_t now,
                            long long keep)
{
    db_param p[] = { DB_TEXT(id), DB_TEXT(resume_id), DB_TEXT(job_description), DB_TEXT(job_match),
                     DB_INT(now) };
    int rc = db_exec(d, NULL,
                     "INSERT INTO resume_job_matches (id, resume_id, job_description, job_match, "
                     "created_at) VALUES ($1, $2, $3, $4, $5)",
                     p, COUNT(p), NULL);
    if (rc == IA_OK)
        rc = db_exec(d, NULL,
                     "DELETE FROM resume_job_matches WHERE resume_id = $1 AND id NOT IN "
                     "(SELECT id FROM resume_job_matches WHERE resume_id = $1 "
                     "ORDER BY created_at DESC, id DESC LIMIT $2)",
                     (db_param[]){ DB_TEXT(resume_id), DB_INT(keep) }, 2, NULL);
    return rc;
}

int resumes_store_matches(db *d, arena *a, const char *resume_id, const char ***out, size_t *n)
{
    db_result *r = NULL;
    int rc = db_exec(d, a,
                     "SELECT job_match FROM resume_job_matches WHERE resume_id = $1 "
                     "ORDER BY created_at DESC, id DESC",
                     (db_param[]){ DB_TEXT(resume_id) }, 1, &r);
    if (rc != IA_OK)
        return rc;
    const char **list = arena_calloc(a, r->nrows + 1, sizeof(char *));
    if (list == NULL)
        return IA_ERR_NOMEM;
    for (size_t i = 0; i < r->nrows; i++)
        list[i] = db_get(r, i, 0);
    *out = list;
    *n = r->nrows;
    return IA_OK;
}

int resumes_store_share(db *d, const char *user_id, const char *id, const char *token,
                        int64_t expires_at, bool is_public, const char *emails, int64_t now)
{
    db_param p[] = { DB_TEXT(id),        DB_TEXT(user_id),
                     DB_TEXT(token),     expires_at ? DB_INT(expires_at) : DB_NULL,
                     DB_BOOL(is_public), DB_TEXT(emails),
                     DB_INT(now) };
    return store_exec_one(
        d,
        "UPDATE resumes SET share_token = $3, share_expires_at = $4, is_public = $5, "
        "share_allowed_emails = $6, updated_at = $7 WHERE id = $1 AND user_id = $2",
        p, COUNT(p));
}

int resumes_store_unshare(db *d, const char *user_id, const char *id, int64_t now)
{
    return store_exec_one(
        d,
        "UPDATE resumes SET share_token = NULL, share_expires_at = NULL, "
        "is_public = $3, share_allowed_emails = '[]', updated_at = $4 "
        "WHERE id = $1 AND user_id = $2",
        (db_param[]){ DB_TEXT(id), DB_TEXT(user_id), DB_BOOL(false), DB_INT(now) }, 4);
}

int resumes_store_by_share_token(db *d, arena *a, const char *token, resume_row *out)
{
    db_result *r = NULL;
    int rc = db_query_one(d, a, "SELECT " COLUMNS " FROM resumes WHERE share_token = $1",
                          (db_param[]){ DB_TEXT(token) }, 1, &r);
    if (rc == IA_OK)
        from_row(r, 0, out);
    return rc;
}

int resumes_store_chain(db *d, arena *a, const char *user_id, const char *root_id, resume_row **out,
                        size_t *n)
{
    db_result *r = NULL;
    int rc = db_exec(d, a,
                     "SELECT " COLUMNS
                     " FROM resumes WHERE root_id = $1 AND user_id = $2 "
                     "ORDER BY version DESC",
                     (db_param[]){ DB_TEXT(root_id), DB_TEXT(user_id) }, 2, &r);
    if (rc != IA_OK)
        return rc;
    return rows(a, r, out, n);
}

int resumes_store_user_keys(db *d, arena *a, const char *user_id, const char ***keys, size_t *n)
{
    db_result *r = NULL;
    int rc = db_exec(d, a, "SELECT file_key FROM resumes WHERE user_id = $1",
                     (db_param[]){ DB_TEXT(user_id) }, 1, &r);
    if (rc != IA_OK)
        return rc;
    const char **list = arena_calloc(a, r->nrows + 1, sizeof(char *));
    if (list == NULL)
        return IA_ERR_NOMEM;
    for (size_t i = 0; i < r->nrows; i++)
        list[i] = db_get(r, i, 0);
    *keys = list;
    *n = r->nrows;
    return IA_OK;
}

int resumes_store_key_used(db *d, arena *a, const char *key, bool *used)
{
    db_result *r = NULL;
    int rc = db_query_one(d, a, "SELECT 1 FROM resumes WHERE file_key = $1",
                          (db_param[]){ DB_TEXT(key) }, 1, &r);
    *used = rc == IA_OK;
    return rc == IA_NOT_FOUND ? IA_OK : rc;
}

int resumes_store_count_usable(db *d, arena *a, const char *user_id, long long *total)
{
    db_result *r = NULL;
    int rc =
        db_query_one(d, a, "SELECT COUNT(*) FROM resumes WHERE user_id = $1 AND status <> 'error'",
                     (db_param[]){ DB_TEXT(user_id) }, 1, &r);
    if (rc != IA_OK)
        return rc;
    *total = db_get_int(r, 0, 0, 0);
    return IA_OK;
}
