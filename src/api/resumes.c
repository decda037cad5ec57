/* Resumes (docs/api.md §5.1-§5.3, §5.6): upload, list, get, update, delete, analysis and
 * re-analysis, job-description match, versions. The background jobs that parse and match are
 * src/jobs/resume_jobs.c; sharing and export are in resume_share.c. Another user's resume is 404 on
 * every endpoint: every lookup carries the caller's id. */
#include <errno.h>
#include <jansson.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ai/chain.h"
#include "ai/schema.h"
#include "api/api.h"
#include "api/render.h"
#include "api/resume_edit.h"
#include "api/resumes.h"
#include "core/errors.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "core/utf8.h"
#include "core/uuid.h"
#include "docs/extract.h"
#include "files/storage.h"
#include "jobs/jobs.h"
#include "jobs/resume_jobs.h"
#include "store/resumes_store.h"
#include "core/util.h"

#define RESUME        "/api/v1/resume"
#define FILE_NAME_MAX 200
#define SEARCH_MAX    100
#define JOB_TEXT_MAX  10000

static const char *const EXTENSIONS[] = { ".pdf", ".docx", ".txt" };
static const char *const FILE_TYPES[] = {
    "application/pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "text/plain",
    NULL,
};
static const char *const STATUSES[] = { "pending", "processing", "analyzed", "error", NULL };

/* The index of name's extension in EXTENSIONS (any case), or -1. */
static int extension_of(const char *name)
{
    const char *dot = name ? strrchr(name, '.') : NULL;
    for (int i = 0; dot != NULL && i < 3; i++)
        if (strcasecmp(dot, EXTENSIONS[i]) == 0)
            return i;
    return -1;
}

int resumes_extension_of_type(const char *file_type, const char **ext)
{
    for (int i = 0; i < 3; i++)
        if (strcmp(file_type, FILE_TYPES[i]) == 0) {
            *ext = EXTENSIONS[i];
            return IA_OK;
        }
    return IA_ERR_INVALID;
}

/* Bytes of the first n code points of s (or all of s). */
static size_t code_points(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

/* The display name of an uploaded file (docs/api.md §5): directory parts, control characters (C0,
 * DEL, C1, and the bidirectional controls U+202A-U+202E, U+2066-U+2069), \ / : * ? " < > | and
 * bytes that are not well-formed UTF-8 removed, at most 200 characters keeping the extension,
 * "resume.<ext>" when nothing is left. ext is the canonical lower-case extension. */
static char *sanitize_file_name(arena *a, const char *raw, const char *ext)
{
    const char *base = raw;
    for (const char *p = raw; *p; p++)
        if (*p == '/' || *p == '\\')
            base = p + 1;
    size_t n = strlen(base);
    char *clean = arena_alloc(a, n + 1);
    if (clean == NULL)
        return NULL;
    size_t o = 0;
    for (size_t i = 0; i < n;) {
        const unsigned char *c = (const unsigned char *)base + i;
        size_t len = ia_utf8_sequence(c, n - i);
        bool control = c[0] < 0x20 || c[0] == 0x7F || (len == 2 && c[0] == 0xC2 && c[1] < 0xA0) ||
                       ia_utf8_is_bidi_control(c, len);
        if (len == 0 || control || strchr("\\/:*?\"<>|", (char)c[0]) != NULL) {
            i += len ? len : 1;
            continue;
        }
        memcpy(clean + o, c, len);
        o += len;
        i += len;
    }
    clean[o] = '\0';
    /* The stem is what precedes the extension, without the spaces and dots around it. */
    const char *dot = strrchr(clean, '.');
    const char *s = clean, *end = dot ? dot : clean + o;
    while (s < end && (*s == ' ' || *s == '.'))
        s++;
    while (end > s && (end[-1] == ' ' || end[-1] == '.'))
        end--;
    size_t stem = (size_t)(end - s);
    if (stem == 0)
        return arena_printf(a, "resume%s", ext);
    size_t keep = code_points(dot ? dot : ext);
    size_t stem_points = 0;
    for (size_t i = 0; i < stem; i++)
        stem_points += ((unsigned char)s[i] & 0xC0) != 0x80;
    if (stem_points + keep > FILE_NAME_MAX)
        stem = ia_utf8_prefix_bytes(s, FILE_NAME_MAX - keep);
    return arena_printf(a, "%.*s%s", (int)stem, s, dot ? dot : ext);
}

/* The stored analysis of a resume as rendered: an analysis stored before versions existed
 * gets analysis_version 1 and no corrected fields, and a job match stored before requirements
 * were read gets an empty list of them (docs/api.md §5.3); a failed one ({"error"}) is left as
 * it is. NULL when there is none. */
static json_t *analysis_json(const char *text)
{
    json_t *an = resume_jobs_load_json(text);
    if (!json_is_object(an) || json_object_get(an, "error") != NULL)
        return an;
    if (json_object_get(an, "analysis_version") == NULL)
        json_object_set_new(an, "analysis_version", json_integer(1));
    if (!json_is_array(json_object_get(an, "corrected_fields")))
        json_object_set_new(an, "corrected_fields", json_array());
    json_t *jm = json_object_get(an, "job_match");
    if (json_is_object(jm) && !json_is_array(json_object_get(jm, "requirements")))
        json_object_set_new(jm, "requirements", json_array());
    return an;
}

static json_t *real_or_null(bool has, double v)
{
    return has ? json_real(v) : json_null();
}

bool resumes_share_active(const resume_row *r, int64_t now)
{
    return r->share_token != NULL && (r->share_expires_at == 0 || r->share_expires_at > now);
}

json_t *resumes_render(const resume_row *r)
{
    json_t *analysis = analysis_json(r->analysis), *skills = json_array();
    json_t *list = json_object_get(analysis, "skills");
    size_t i;
    json_t *s;
    json_array_foreach(list, i, s)
    {
        const char *name = json_string_value(json_object_get(s, "name"));
        if (name != NULL)
            json_array_append_new(skills, json_string(name));
    }
    json_t *tags = resume_jobs_load_json(r->tags);
    bool shared = resumes_share_active(r, ia_now_ms());
    return json_pack(
        "{s:s, s:s, s:s, s:o, s:o, s:s, s:s, s:I, s:s, s:s, s:o, s:o, s:o, s:o, s:I, s:o, "
        "s:b, s:o, s:o, s:o}",
        "id", r->id, "user_id", r->user_id, "title", r->title, "description",
        r->description ? json_string(r->description) : json_null(), "tags",
        json_is_array(tags) ? tags : (json_decref(tags), json_array()), "file_path", r->file_key,
        "file_name", r->file_name, "file_size", (json_int_t)r->file_size, "file_type", r->file_type,
        "status", r->status, "inferred_role",
        r->inferred_role ? json_string(r->inferred_role) : json_null(), "years_of_experience",
        real_or_null(r->has_years, r->years_of_experience), "skills", skills, "analysis",
        analysis ? analysis : json_null(), "version", (json_int_t)r->version, "parent_version_id",
        r->parent_version_id ? json_string(r->parent_version_id) : json_null(), "is_public",
        r->is_public && shared, "share_token", shared ? json_string(r->share_token) : json_null(),
        "created_at", render_time(r->created_at), "updated_at", render_time(r->updated_at));
}

int resumes_load_own(http_req *req, http_res *res, db **d, resume_row *out)
{
    *d = api_db(req);
    if (*d == NULL)
        return IA_ERR_UNAVAILABLE;
    int rc = resumes_store_get(*d, req->arena, req->user_id, http_param(req, "resume_id"), out);
    if (rc == IA_NOT_FOUND) {
        http_error(res, 404, "NOT_FOUND", "Resume not found");
        return IA_NOT_FOUND;
    }
    return rc;
}

static ia_app *app_of(const http_req *req)
{
    return req->app;
}

/* ---- upload ------------------------------------------------------------------------------ */

static int upload_error(http_res *res, const char *msg, const char *type)
{
    static const char *const loc[] = { "body", "file", NULL };
    http_validation_error(res, loc, msg, type);
    return IA_ERR_INVALID;
}

/* The checks of docs/api.md §5.1 that follow streaming, in their order; IA_OK with the extension
 * index when the upload is acceptable. */
static int check_upload(const http_upload *up, http_res *res, int *ext)
{
    *ext = -1;
    for (size_t i = 0; up != NULL && i < up->nnames; i++) {
        int e = extension_of(up->names[i]);
        if (e < 0) {
            http_error(res, 415, "UNSUPPORTED_FILE_TYPE",
                       "Only .pdf, .docx and .txt files are accepted");
            return IA_ERR_INVALID;
        }
        if (i == 0)
            *ext = e;
    }
    if (up != NULL && up->too_large) {
        http_error(res, 413, "FILE_TOO_LARGE", "The file is larger than the upload limit");
        return IA_ERR_TOO_LARGE;
    }
    if (up == NULL || up->nfiles == 0)
        return upload_error(res, "A file part named \"file\" is required", "missing");
    if (up->nfiles > 1)
        return upload_error(res, "Upload one file at a time", "too_many_files");
    if (up->size == 0 || up->path == NULL)
        return upload_error(res, "The file is empty", "empty_file");
    return IA_OK;
}

/* The step at which the next upload fails on purpose (UPLOAD_FAULT_*), for the integration
 * tests' proof that a failure at any step leaves neither a row without a file nor a file
 * without a row. It is set only through POST /__test/faults (TEST_ENDPOINTS) and read only
 * when TEST_ENDPOINTS is on; one atomic, shared by the handler threads. */
static atomic_int upload_fault = UPLOAD_FAULT_NONE;

static const char *const FAULT_STEPS[] = { "none", "store", "insert", "enqueue", "commit" };

int resumes_inject_upload_fault(const char *step)
{
    for (int i = 0; step != NULL && i < (int)(COUNT(FAULT_STEPS)); i++)
        if (strcmp(step, FAULT_STEPS[i]) == 0) {
            atomic_store(&upload_fault, i);
            return IA_OK;
        }
    return IA_ERR_INVALID;
}

/* True (once) when the next upload is to fail at step; always false without TEST_ENDPOINTS. */
static bool fault_at(const ia_config *cfg, int step)
{
    if (!cfg->test_endpoints)
        return false;
    int want = step;
    return atomic_compare_exchange_strong(&upload_fault, &want, UPLOAD_FAULT_NONE);
}

/* Inserts the row and its parse job in one transaction. */
static int insert_with_job(db *d, const ia_config *cfg, const resume_row *r, char task_id[37])
{
    int rc = db_begin(d);
    if (rc != IA_OK)
        return rc;
    rc = fault_at(cfg, UPLOAD_FAULT_INSERT) ? IA_ERR_UNAVAILABLE : resumes_store_insert(d, r);
    json_t *payload = json_pack("{s:s}", "resume_id", r->id);
    if (rc == IA_OK && fault_at(cfg, UPLOAD_FAULT_ENQUEUE))
        rc = IA_ERR_UNAVAILABLE;
    else if (rc == IA_OK)
        rc = payload ? jobs_enqueue(d, "resume.parse", payload, r->user_id, task_id) : IA_ERR_NOMEM;
    json_decref(payload);
    if (rc == IA_OK && fault_at(cfg, UPLOAD_FAULT_COMMIT)) {
        db_rollback(d); /* what a commit that fails leaves: nothing committed */
        return IA_ERR_UNAVAILABLE;
    }
    if (rc == IA_OK)
        rc = db_commit(d);
    else
        db_rollback(d);
    return rc;
}

/* After a failed insert: removes the stored file unless a row uses it after all (a commit
 * whose answer was lost may still have committed). When the database cannot tell, the file
 * stays for the orphan sweep, which removes it once no row uses it. */
static void drop_uncommitted_file(db *d, storage *st, arena *a, const char *key)
{
    bool used = true;
    char err[512] = "";
    int rc = resumes_store_key_used(d, a, key, &used);
    if (rc == IA_OK && !used)
        rc = storage_delete(st, key, err, sizeof(err));
    if (rc != IA_OK)
        log_warn("resumes", "stored file left for the orphan sweep", "key", key, "error",
                 *err ? err : ia_strerror(rc));
}

static int resume_upload(http_req *req, http_res *res)
{
    const http_upload *up = req->upload;
    int ext = -1;
    int rc = check_upload(up, res, &ext);
    if (rc != IA_OK)
        return rc;
    char why[256] = "";
    if (extract_sniff(up->path, EXTENSIONS[ext], why, sizeof(why)) != IA_OK)
        return http_error(res, 415, "UNSUPPORTED_FILE_TYPE",
                          *why ? why : "The file's content does not match its extension");
    db *d = api_db(req);
    if (d == NULL)
        return IA_ERR_UNAVAILABLE;
    ia_app *app = app_of(req);
    int64_t now = ia_now_ms();
    resume_row r = { 0 };
    char id[IA_UUID_LEN], task_id[37];
    ia_uuid_v7(now, id);
    r.id = id;
    r.user_id = req->user_id;
    r.root_id = id;
    r.version = 1;
    r.file_name = sanitize_file_name(req->arena, up->names[0], EXTENSIONS[ext]);
    r.title = r.file_name ? resume_jobs_default_title(req->arena, r.file_name) : NULL;
    r.tags = "[]";
    r.file_key = arena_printf(req->arena, "resumes/%s/%s%s", req->user_id, id, EXTENSIONS[ext]);
    r.file_size = up->size;
    r.file_type = FILE_TYPES[ext];
    r.status = "pending";
    r.created_at = r.updated_at = now;
    if (r.file_name == NULL || r.title == NULL || r.file_key == NULL)
        return IA_ERR_NOMEM;
    char err[512] = "injected storage failure";
    rc = fault_at(req->cfg, UPLOAD_FAULT_STORE)
             ? IA_ERR_UNAVAILABLE
             : storage_put_file(app->storage, r.file_key, up->path, err, sizeof(err));
    if (rc != IA_OK) {
        log_error("resumes", "cannot store an upload", "error", err);
        http_error(res, 503, "SERVICE_UNAVAILABLE", "File storage is unavailable; retry later");
        http_set_header(res, "Retry-After", "5");
        return rc;
    }
    rc = insert_with_job(d, req->cfg, &r, task_id);
    if (rc != IA_OK) {
        /* No row: the file must not stay either. */
        log_error("resumes", "cannot record an upload", "error", ia_strerror(rc));
        drop_uncommitted_file(d, app->storage, req->arena, r.file_key);
        return rc;
    }
    jobs_wake();
    log_emit(LOG_INFO, "resumes", "resume uploaded",
             (log_field[]){ LOG_STR("resume_id", id), LOG_NUM("bytes", up->size) }, 2);
    return http_json(
        res, 202,
        json_pack("{s:s, s:s, s:s, s:s, s:I, s:s, s:s}", "id", id, "file_name", r.file_name,
                  "status", "pending", "message", "Resume accepted for processing.", "file_size",
                  (json_int_t)r.file_size, "file_type", r.file_type, "task_id", task_id));
}

/* ---- list, get, update, delete ------------------------------------------------------------ */

static const v_field list_query[] = {
    V_QUERY_SKIP,
    V_QUERY_LIMIT("10"),
    { "status", V_STRING, 0, 0, 20, STATUSES, .description = "Only resumes in this status" },
    V_QUERY_SEARCH("A case-insensitive substring of the title, file name, inferred role or a "
                   "skill name"),
};

static int resume_list(http_req *req, http_res *res)
{
    v_value q[V_COUNT(list_query)];
    int rc = validate_query(req, res, list_query, V_COUNT(list_query), q);
    if (rc != IA_OK)
        return rc;
    long long skip = q[0].i, limit = q[1].i;
    const char *status = q[2].s, *search = q[3].s;
    db *d = api_db(req);
    if (d == NULL)
        return IA_ERR_UNAVAILABLE;
    resume_row *list = NULL;
    size_t n = 0;
    long long total = 0;
    rc = resumes_store_list(d, req->arena, req->user_id, status, search, skip, limit, &list, &n,
                            &total);
    if (rc != IA_OK)
        return rc;
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(items, resumes_render(&list[i]));
    return http_json(res, 200, render_page(items, total, skip, limit));
}

static int resume_get(http_req *req, http_res *res)
{
    db *d = NULL;
    resume_row r;
    int rc = resumes_load_own(req, res, &d, &r);
    if (rc != IA_OK)
        return rc;
    return http_json(res, 200, resumes_render(&r));
}

static const v_field update_fields[] = {
    { "title", V_STRING, 0, 1, RESUME_TITLE_MAX, .example = "Backend engineer, 2026" },
    { "description", V_STRING, V_MULTILINE, 0, RESUME_DESCRIPTION_MAX,
      .example = "Tailored for platform roles", .description = "`\"\"` clears it" },
    { "tags", V_STRING_LIST, 0, 0, 10, NULL, 1, 50, .example = "[\"backend\", \"python\"]",
      .description = "Replaces the tags" },
};

static int resume_update(http_req *req, http_res *res)
{
    v_value in[V_COUNT(update_fields)];
    int rc = validate_body(req, res, update_fields, V_COUNT(update_fields), in, NULL);
    if (rc != IA_OK)
        return rc;
    db *d = api_db(req);
    if (d == NULL)
        return IA_ERR_UNAVAILABLE;
    char *tags = NULL;
    if (in[2].present) {
        json_t *arr = json_array();
        for (size_t i = 0; i < in[2].nlist; i++)
            json_array_append_new(arr, json_string(in[2].list[i]));
        char *dump = json_dumps(arr, JSON_COMPACT);
        json_decref(arr);
        tags = dump ? arena_strdup(req->arena, dump) : NULL;
        free(dump);
        if (tags == NULL)
            return IA_ERR_NOMEM;
    }
    rc = resumes_store_update(d, req->user_id, http_param(req, "resume_id"),
                              in[0].present ? in[0].s : NULL, in[1].present ? in[1].s : NULL, tags,
                              ia_now_ms());
    if (rc == IA_NOT_FOUND)
        return http_error(res, 404, "NOT_FOUND", "Resume not found");
    if (rc != IA_OK)
        return rc;
    return resume_get(req, res);
}

int resumes_delete(http_req *req, http_res *res, const char *id)
{
    db *d = api_db(req);
    if (d == NULL)
        return IA_ERR_UNAVAILABLE;
    const char *key = NULL;
    int rc = resumes_store_delete(d, req->arena, req->user_id, id, &key);
    if (rc == IA_NOT_FOUND)
        return http_error(res, 404, "NOT_FOUND", "Resume not found");
    if (rc != IA_OK)
        return rc;
    char err[512];
    if (storage_delete(app_of(req)->storage, key, err, sizeof(err)) != IA_OK)
        log_warn("resumes", "stored file left for the orphan sweep", "key", key, "error", err);
    log_info("resumes", "resume deleted", "resume_id", id);
    return http_empty(res, 204);
}

static int resume_delete(http_req *req, http_res *res)
{
    return resumes_delete(req, res, http_param(req, "resume_id"));
}

/* ---- analysis ----------------------------------------------------------------------------- */

static bool busy(const resume_row *r)
{
    return strcmp(r->status, "pending") == 0 || strcmp(r->status, "processing") == 0;
}

static int not_ready(http_res *res, const resume_row *r)
{
    char detail[160];
    snprintf(detail, sizeof(detail), "The resume is %s; its analysis is not ready", r->status);
    return http_error(res, 409, "RESUME_NOT_READY", detail);
}

static json_t *analysis_view(const resume_row *r)
{
    json_t *an = analysis_json(r->analysis);
    return json_pack("{s:s, s:o, s:s, s:o, s:o, s:o}", "resume_id", r->id, "analysis",
                     an ? an : json_null(), "status", r->status, "created_at",
                     render_time(r->analysis_created_at), "processing_time",
                     real_or_null(r->has_processing_time, r->processing_time), "confidence_score",
                     real_or_null(r->has_confidence, r->confidence_score));
}

static int analysis_get(http_req *req, http_res *res)
{
    db *d = NULL;
    resume_row r;
    int rc = resumes_load_own(req, res, &d, &r);
    if (rc != IA_OK)
        return rc;
    if (busy(&r))
        return not_ready(res, &r);
    return http_json(res, 200, analysis_view(&r));
}

static int analysis_reanalyze(http_req *req, http_res *res)
{
    db *d = NULL;
    resume_row r;
    int rc = resumes_load_own(req, res, &d, &r);
    if (rc != IA_OK)
        return rc;
    if (busy(&r))
        return not_ready(res, &r);
    char task_id[37];
    json_t *payload = json_pack("{s:s}", "resume_id", r.id);
    rc = payload ? db_begin(d) : IA_ERR_NOMEM;
    if (rc == IA_OK)
        rc = resumes_store_set_status(d, r.id, "processing", ia_now_ms());
    if (rc == IA_OK)
        rc = jobs_enqueue(d, "resume.parse", payload, req->user_id, task_id);
    json_decref(payload);
    if (rc == IA_OK)
        rc = db_commit(d);
    else if (payload)
        db_rollback(d);
    if (rc != IA_OK)
        return rc;
    jobs_wake();
    r.status = "processing";
    json_t *view = analysis_view(&r);
    json_object_set_new(view, "task_id", json_string(task_id));
    return http_json(res, 202, view);
}

/* The analysis' array field of an analysed resume (skills, experience, education). */
static int analysis_part(http_req *req, http_res *res, const char *field)
{
    db *d = NULL;
    resume_row r;
    int rc = resumes_load_own(req, res, &d, &r);
    if (rc != IA_OK)
        return rc;
    if (strcmp(r.status, "analyzed") != 0)
        return not_ready(res, &r);
    json_t *an = resume_jobs_load_json(r.analysis);
    json_t *part = json_object_get(an, field);
    json_t *out = json_is_array(part) ? json_incref(part) : json_array();
    json_decref(an);
    return http_json(res, 200, out);
}

static int analysis_skills(http_req *req, http_res *res)
{
    return analysis_part(req, res, "skills");
}

static int analysis_experience(http_req *req, http_res *res)
{
    return analysis_part(req, res, "experience");
}

static int analysis_education(http_req *req, http_res *res)
{
    return analysis_part(req, res, "education");
}

static const v_field match_fields[] = {
    { "job_description", V_STRING, V_REQUIRED | V_MULTILINE, 1, JOB_TEXT_MAX,
      .example = "We are hiring a backend engineer with Python, PostgreSQL and AWS." },
};

static int analysis_match(http_req *req, http_res *res)
{
    db *d = NULL;
    v_value in[V_COUNT(match_fields)];
    int rc = validate_body(req, res, match_fields, V_COUNT(match_fields), in, NULL);
    if (rc != IA_OK)
        return rc;
    resume_row r;
    rc = resumes_load_own(req, res, &d, &r);
    if (rc != IA_OK)
        return rc;
    if (strcmp(r.status, "analyzed") != 0)
        return not_ready(res, &r);
    char task_id[37];
    json_t *payload = json_pack("{s:s, s:s}", "resume_id", r.id, "job_description", in[0].s);
    rc = payload ? jobs_enqueue(d, "resume.match", payload, req->user_id, task_id) : IA_ERR_NOMEM;
    json_decref(payload);
    if (rc != IA_OK)
        return rc;
    jobs_wake();
    return http_json(res, 202, json_pack("{s:s, s:s}", "resume_id", r.id, "task_id", task_id));
}

/* ---- corrections and kept matches (docs/api.md §5.3) ------------------------------------- */

/* Inside the transaction of a correction: records the resume's current analysis as its first
 * version when it has none (an analysis stored by a copy into a new resume version), and
 * returns the number the correction takes in *next. */
static int next_version(db *d, arena *a, const resume_row *r, json_t *an, long long *next)
{
    int rc = resumes_store_next_analysis_version(d, a, r->id, next);
    if (rc != IA_OK || *next > 1)
        return rc;
    json_t *corrected = json_object_get(an, "corrected_fields");
    json_object_set_new(an, "analysis_version", json_integer(1));
    resume_analysis_version v = {
        1,
        json_array_size(corrected) > 0 ? "user" : "parser",
        resume_jobs_dump(a, an),
        resume_jobs_dump(a, corrected),
        r->analysis_created_at ? r->analysis_created_at : r->updated_at,
    };
    if (v.analysis == NULL || v.corrected_fields == NULL)
        return IA_ERR_NOMEM;
    rc = resumes_store_add_analysis_version(d, r->id, &v);
    *next = 2;
    return rc;
}

/* Applies a validated correction to the resume's analysis as its next version, in one
 * transaction with a fresh read of the row (a job match stored meanwhile is kept). The
 * corrected analysis must read back as an analysis, as the interview and match jobs read it. */
static int record_correction(http_req *req, http_res *res, db *d, const json_t *patch)
{
    resume_row r;
    int rc = db_begin(d);
    if (rc != IA_OK)
        return rc;
    rc = resumes_store_get(d, req->arena, req->user_id, http_param(req, "resume_id"), &r);
    if (rc == IA_NOT_FOUND) {
        db_rollback(d);
        return http_error(res, 404, "NOT_FOUND", "Resume not found");
    }
    if (rc == IA_OK && strcmp(r.status, "analyzed") != 0) {
        db_rollback(d);
        return not_ready(res, &r);
    }
    json_t *an = rc == IA_OK ? analysis_json(r.analysis) : NULL;
    long long version = 1;
    if (rc == IA_OK)
        rc = an ? next_version(d, req->arena, &r, an, &version) : IA_ERR_INTERNAL;
    if (rc == IA_OK)
        rc = resume_edit_apply(an, patch, version);
    ai_analysis parsed = { 0 };
    char err[256] = "";
    if (rc == IA_OK && ai_analysis_from_json(req->arena, an, &parsed, err, sizeof(err)) != IA_OK) {
        log_error("resumes", "a corrected analysis does not read back", "error", err);
        rc = IA_ERR_INTERNAL;
    }
    int64_t now = ia_now_ms();
    resume_analysis_version v = { version, "user", NULL, NULL, now };
    if (rc == IA_OK) {
        v.analysis = resume_jobs_dump(req->arena, an);
        v.corrected_fields = resume_jobs_dump(req->arena, json_object_get(an, "corrected_fields"));
        rc = v.analysis && v.corrected_fields ? resumes_store_add_analysis_version(d, r.id, &v)
                                              : IA_ERR_NOMEM;
    }
    json_decref(an);
    double years = parsed.years_of_experience;
    if (rc == IA_OK)
        rc = resumes_store_set_analysis(d, r.id, "analyzed", v.analysis, parsed.inferred_role,
                                        parsed.has_years ? &years : NULL,
                                        resume_jobs_skills_text(req->arena, &parsed),
                                        r.has_processing_time ? &r.processing_time : NULL,
                                        r.has_confidence ? &r.confidence_score : NULL,
                                        resume_jobs_description(req->arena, parsed.summary), now);
    if (rc == IA_OK)
        rc = db_commit(d);
    else
        db_rollback(d);
    if (rc == IA_ERR_CONFLICT)
        return http_error(res, 409, "ANALYSIS_CHANGED",
                          "The analysis changed at the same time; send the correction again");
    if (rc != IA_OK)
        return rc;
    log_info("resumes", "resume analysis corrected", "resume_id", r.id);
    rc = resumes_store_get(d, req->arena, req->user_id, r.id, &r);
    return rc == IA_OK ? http_json(res, 200, analysis_view(&r)) : rc;
}

static int analysis_correct(http_req *req, http_res *res)
{
    json_t *patch = NULL;
    int rc = resume_edit_validate(req, res, &patch);
    if (rc != IA_OK)
        return rc;
    db *d = NULL;
    resume_row r;
    rc = resumes_load_own(req, res, &d, &r);
    if (rc == IA_OK && strcmp(r.status, "analyzed") != 0)
        rc = not_ready(res, &r);
    else if (rc == IA_OK && json_object_size(patch) == 0)
        rc = http_json(res, 200, analysis_view(&r)); /* nothing to correct: no new version */
    else if (rc == IA_OK)
        rc = record_correction(req, res, d, patch);
    json_decref(patch);
    return rc;
}

static const v_field versions_query[] = { V_QUERY_SKIP, V_QUERY_LIMIT("10") };

static int analysis_versions(http_req *req, http_res *res)
{
    v_value q[V_COUNT(versions_query)];
    int rc = validate_query(req, res, versions_query, V_COUNT(versions_query), q);
    if (rc != IA_OK)
        return rc;
    db *d = NULL;
    resume_row r;
    rc = resumes_load_own(req, res, &d, &r);
    if (rc != IA_OK)
        return rc;
    resume_analysis_version *list = NULL;
    size_t n = 0;
    long long total = 0;
    rc = resumes_store_analysis_versions(d, req->arena, r.id, q[0].i, q[1].i, &list, &n, &total);
    if (rc != IA_OK)
        return rc;
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *an = analysis_json(list[i].analysis);
        json_t *corrected = resume_jobs_load_json(list[i].corrected_fields);
        if (!json_is_array(corrected)) {
            json_decref(corrected);
            corrected = json_array();
        }
        json_object_set_new(an, "analysis_version", json_integer(list[i].version));
        json_array_append_new(
            items, json_pack("{s:I, s:s, s:o, s:o, s:o}", "version", (json_int_t)list[i].version,
                             "source", list[i].source, "corrected_fields", corrected, "created_at",
                             render_time(list[i].created_at), "analysis", an ? an : json_null()));
    }
    return http_json(res, 200, render_page(items, total, q[0].i, q[1].i));
}

static int analysis_matches(http_req *req, http_res *res)
{
    db *d = NULL;
    resume_row r;
    int rc = resumes_load_own(req, res, &d, &r);
    if (rc != IA_OK)
        return rc;
    const char **list = NULL;
    size_t n = 0;
    rc = resumes_store_matches(d, req->arena, r.id, &list, &n);
    if (rc != IA_OK)
        return rc;
    json_t *out = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *m = resume_jobs_load_json(list[i]);
        if (json_is_object(m))
            json_array_append_new(out, m);
        else
            json_decref(m);
    }
    return http_json(res, 200, out);
}

/* ---- versions ----------------------------------------------------------------------------- */

/* The chain of the caller's resume named by the path, newest first. */
static int load_chain(http_req *req, http_res *res, db **d, resume_row *self, resume_row **chain,
                      size_t *n)
{
    int rc = resumes_load_own(req, res, d, self);
    if (rc == IA_OK)
        rc = resumes_store_chain(*d, req->arena, req->user_id, self->root_id, chain, n);
    return rc;
}

static int versions_list(http_req *req, http_res *res)
{
    db *d = NULL;
    resume_row self, *chain = NULL;
    size_t n = 0;
    int rc = load_chain(req, res, &d, &self, &chain, &n);
    if (rc != IA_OK)
        return rc;
    json_t *list = json_array();
    for (size_t i = 0; i < n; i++) {
        const resume_row *v = &chain[i];
        char change[64];
        if (v->version == 1)
            snprintf(change, sizeof(change), "Initial upload");
        else
            snprintf(change, sizeof(change), "Created from version %lld", v->version - 1);
        json_array_append_new(
            list,
            json_pack("{s:s, s:I, s:o, s:[s], s:o}", "id", v->id, "version", (json_int_t)v->version,
                      "created_at", render_time(v->created_at), "changes", change,
                      "parent_version_id",
                      v->parent_version_id ? json_string(v->parent_version_id) : json_null()));
    }
    return http_json(res, 200,
                     json_pack("{s:o, s:I}", "versions", list, "current_version",
                               (json_int_t)(n > 0 ? chain[0].version : self.version)));
}

static int version_create(http_req *req, http_res *res)
{
    db *d = NULL;
    resume_row self, *chain = NULL;
    size_t n = 0;
    int rc = load_chain(req, res, &d, &self, &chain, &n);
    if (rc != IA_OK)
        return rc;
    if (n > 0 && chain[0].version != self.version)
        return http_error(res, 409, "NOT_LATEST_VERSION",
                          "Only the latest version can be copied into a new one");
    if (busy(&self))
        return not_ready(res, &self);
    int64_t now = ia_now_ms();
    char id[IA_UUID_LEN];
    ia_uuid_v7(now, id);
    const char *ext = strrchr(self.file_key, '.');
    resume_row v = self;
    v.id = id;
    v.version = self.version + 1;
    v.parent_version_id = self.id;
    v.file_key = arena_printf(req->arena, "resumes/%s/%s%s", req->user_id, id, ext ? ext : "");
    v.created_at = v.updated_at = now;
    if (v.file_key == NULL)
        return IA_ERR_NOMEM;
    char err[512];
    ia_app *app = app_of(req);
    rc = storage_copy(app->storage, self.file_key, v.file_key, err, sizeof(err));
    if (rc != IA_OK) {
        log_error("resumes", "cannot copy a stored file", "error", err);
        return IA_ERR_UNAVAILABLE;
    }
    /* The copy's analysis starts its own history: it is the copy's first analysis version. */
    json_t *an = analysis_json(self.analysis);
    bool analysed = json_is_object(an) && json_object_get(an, "error") == NULL;
    resume_analysis_version first = { 1, "parser", NULL, "[]", now };
    if (analysed) {
        json_t *corrected = json_object_get(an, "corrected_fields");
        json_object_set_new(an, "analysis_version", json_integer(1));
        first.source = json_array_size(corrected) > 0 ? "user" : "parser";
        first.corrected_fields = resume_jobs_dump(req->arena, corrected);
        first.analysis = v.analysis = resume_jobs_dump(req->arena, an);
    }
    json_decref(an);
    if (analysed && (first.analysis == NULL || first.corrected_fields == NULL))
        return IA_ERR_NOMEM;
    rc = resumes_store_insert(d, &v);
    if (rc == IA_OK && analysed && resumes_store_add_analysis_version(d, id, &first) != IA_OK)
        log_warn("resumes", "a copied analysis has no first version yet", "resume_id", id);
    if (rc == IA_ERR_CONFLICT) {
        storage_delete(app->storage, v.file_key, err, sizeof(err));
        return http_error(res, 409, "NOT_LATEST_VERSION",
                          "Another version was created at the same time");
    }
    if (rc != IA_OK) {
        storage_delete(app->storage, v.file_key, err, sizeof(err));
        return rc;
    }
    resume_row created;
    rc = resumes_store_get(d, req->arena, req->user_id, id, &created);
    if (rc != IA_OK)
        return rc;
    return http_json(res, 201, resumes_render(&created));
}

/* The row of the chain with the path's version number, or 404. */
static int find_version(http_req *req, http_res *res, resume_row **found, resume_row **chain,
                        size_t *n)
{
    db *d = NULL;
    resume_row self;
    int rc = load_chain(req, res, &d, &self, chain, n);
    if (rc != IA_OK)
        return rc;
    long long want = strtoll(http_param(req, "version_number"), NULL, 10);
    for (size_t i = 0; i < *n; i++)
        if ((*chain)[i].version == want) {
            *found = &(*chain)[i];
            return IA_OK;
        }
    http_error(res, 404, "NOT_FOUND", "Version not found");
    return IA_NOT_FOUND;
}

static int version_get(http_req *req, http_res *res)
{
    resume_row *v = NULL, *chain = NULL;
    size_t n = 0;
    int rc = find_version(req, res, &v, &chain, &n);
    if (rc != IA_OK)
        return rc;
    return http_json(res, 200, resumes_render(v));
}

static int version_delete(http_req *req, http_res *res)
{
    resume_row *v = NULL, *chain = NULL;
    size_t n = 0;
    int rc = find_version(req, res, &v, &chain, &n);
    if (rc != IA_OK)
        return rc;
    if (chain[0].version > v->version)
        return http_error(res, 409, "NEWER_VERSIONS_EXIST",
                          "Delete the newer versions of this resume first");
    return resumes_delete(req, res, v->id);
}

/* ---- jobs (src/jobs/resume_jobs.c) ------------------------------------------------------ */

static storage *app_storage(void *app)
{
    return ((ia_app *)app)->storage;
}

static ai_chain *app_ai(void *app)
{
    return ((ia_app *)app)->ai;
}

int resumes_register_job_kinds(void)
{
    static const resume_jobs_env env = { app_storage, app_ai };
    return resume_jobs_register(&env);
}

/* ---- documentation ------------------------------------------------------------------------ */

static const char *const SKILL_CATEGORIES[] = { "language", "framework", "database", "cloud",
                                                "tool",     "soft",      "other",    NULL };
static const char *const SENIORITIES[] = { "junior", "mid", "senior", "lead", NULL };
static const char *const PENDING[] = { "pending", NULL };

static const j_field skill_fields[] = {
    { "name", J_STRING },
    { "category", J_STRING, .choices = SKILL_CATEGORIES },
};
const j_object resumes_skill_schema = J_OBJECT_OF("Skill", NULL, skill_fields);

static const j_field experience_fields[] = {
    { "job_title", J_STRING, J_NULLABLE },
    { "position", J_STRING, J_NULLABLE, .description = "The same as job_title" },
    { "company", J_STRING, J_NULLABLE },
    { "start_date", J_STRING, J_NULLABLE, .description = "`YYYY-MM` or `YYYY`" },
    { "end_date", J_STRING, J_NULLABLE, .description = "`YYYY-MM` or `YYYY`; null = current" },
    { "description", J_STRING, J_NULLABLE },
    { "highlights", J_ARRAY, .items = J_STRING },
};
const j_object resumes_experience_schema =
    J_OBJECT_OF("Experience", "One position", experience_fields);

static const j_field education_fields[] = {
    { "degree", J_STRING, J_NULLABLE },
    { "field_of_study", J_STRING, J_NULLABLE },
    { "institution", J_STRING, J_NULLABLE },
    { "start_date", J_STRING, J_NULLABLE },
    { "end_date", J_STRING, J_NULLABLE },
    { "gpa", J_STRING, J_NULLABLE, .description = "As written" },
};
const j_object resumes_education_schema =
    J_OBJECT_OF("Education", "One degree or course", education_fields);

static const char *const REQUIREMENT_KINDS[] = { "required", "preferred", NULL };
static const j_field requirement_fields[] = {
    { "text", J_STRING, .description = "As the job description states it" },
    { "kind", J_STRING, .choices = REQUIREMENT_KINDS },
    { "met", J_BOOLEAN },
    { "evidence", J_STRING, J_NULLABLE, .description = "The resume line that shows it" },
};
static const j_object requirement_schema =
    J_OBJECT_OF("JobRequirement", "One requirement of the job description", requirement_fields);

static const j_field job_match_fields[] = {
    { "match_score", J_NUMBER, J_RANGE, .min = 0, .max = 100 },
    { "matched_skills", J_ARRAY, .items = J_STRING },
    { "missing_skills", J_ARRAY, .items = J_STRING },
    { "recommendations", J_ARRAY, .items = J_STRING },
    { "requirements", J_ARRAY, .object = &requirement_schema,
      .description = "Missing required first, then missing preferred, then met; [] from LLM "
                     "providers" },
    { "created_at", J_STRING, 0, "date-time" },
};
static const j_object job_match_result_schema =
    J_OBJECT_OF("JobMatchResult", NULL, job_match_fields);
static const j_field job_match_kept_fields[] = {
    { "job_description", J_STRING, .description = "The pasted job description" },
};
static const j_object job_match_schema = {
    .name = "JobMatch",
    .description = "A job-description match (docs/api.md §5.3)",
    .base = &job_match_result_schema,
    .fields = job_match_kept_fields,
    .n = V_COUNT(job_match_kept_fields),
};

static const j_field analysis_fields[] = {
    { "name", J_STRING, J_NULLABLE },
    { "email", J_STRING, J_NULLABLE },
    { "phone", J_STRING, J_NULLABLE },
    { "location", J_STRING, J_NULLABLE },
    { "summary", J_STRING, J_NULLABLE },
    { "inferred_role", J_STRING, J_NULLABLE },
    { "seniority", J_STRING, J_NULLABLE, .choices = SENIORITIES },
    { "years_of_experience", J_NUMBER, J_NULLABLE | J_NONNEG },
    { "links", J_ARRAY, .items = J_STRING },
    { "certifications", J_ARRAY, .items = J_STRING },
    { "languages", J_ARRAY, .items = J_STRING },
    { "job_titles", J_ARRAY, .items = J_STRING },
    { "recommendations", J_ARRAY, .items = J_STRING },
    { "confidence_score", J_NUMBER, J_RANGE, .min = 0, .max = 1,
      .description = "Derived from field_confidence; never 1 by default" },
    { "headline", J_STRING, J_NULLABLE,
      .description = "The professional title line under the name, as written" },
    { "projects", J_ARRAY, .items = J_STRING },
    { "awards", J_ARRAY, .items = J_STRING },
    { "volunteering", J_ARRAY, .items = J_STRING },
    { "publications", J_ARRAY, .items = J_STRING },
    { "field_confidence", J_MAP, .items = J_NUMBER,
      .description = "Field name to 0-1: how the field was found (a labelled heading > a "
                     "pattern > a guess); 1 when corrected; absent when unknown" },
    { "skills", J_ARRAY, .object = &resumes_skill_schema },
    { "experience", J_ARRAY, .object = &resumes_experience_schema },
    { "education", J_ARRAY, .object = &resumes_education_schema },
    { "engine", J_STRING, .choices = ai_engine_names, .description = "Which engine produced it" },
    { "processing_time", J_NUMBER, J_NONNEG, .description = "Seconds" },
    { "job_match", J_OBJECT, J_NULLABLE, .object = &job_match_schema },
};
static const j_object parsed_analysis_schema = J_OBJECT_OF("ParsedAnalysis", NULL, analysis_fields);
static const j_field analysis_correction_fields[] = {
    { "analysis_version", J_INTEGER, J_RANGE, .min = 1, .max = 2147483647,
      .description = "The number of this analysis among the resume's versions" },
    { "corrected_fields", J_ARRAY, .items = J_STRING,
      .description = "The fields its owner corrected (docs/api.md §5.3)" },
};
const j_object resumes_analysis_schema = {
    .name = "Analysis",
    .description =
        "What the resume says, as corrected by its owner; nothing is invented: what "
        "the text does not contain is null or []",
    .base = &parsed_analysis_schema,
    .fields = analysis_correction_fields,
    .n = V_COUNT(analysis_correction_fields),
};

static const j_field analysis_error_fields[] = {
    { "error", J_STRING, .description = "Why the analysis failed" },
};
const j_object resumes_analysis_error_schema = J_OBJECT_OF(
    "AnalysisError", "The analysis of a resume in status `error`", analysis_error_fields);

static const j_field resume_fields[] = {
    { "id", J_STRING, 0, "uuid" },
    { "user_id", J_STRING, 0, "uuid" },
    { "title", J_STRING,
      .description = "At most 100 characters; the file name without its extension by default" },
    { "description", J_STRING, J_NULLABLE },
    { "tags", J_ARRAY, .items = J_STRING },
    { "file_path", J_STRING, .description = "An opaque storage key" },
    { "file_name", J_STRING, .description = "The original name, sanitized" },
    { "file_size", J_INTEGER, J_NONNEG, .description = "Bytes" },
    { "file_type", J_STRING, .choices = FILE_TYPES },
    { "status", J_STRING, .choices = STATUSES },
    { "inferred_role", J_STRING, J_NULLABLE },
    { "years_of_experience", J_NUMBER, J_NULLABLE | J_NONNEG },
    { "skills", J_ARRAY, .items = J_STRING, .description = "Skill names of the analysis" },
    { "analysis", J_OBJECT, J_NULLABLE, .object = &resumes_analysis_schema,
      .alt = &resumes_analysis_error_schema },
    { "version", J_INTEGER, J_RANGE, .min = 1, .max = 2147483647 },
    { "parent_version_id", J_STRING, J_NULLABLE, "uuid" },
    { "is_public", J_BOOLEAN },
    { "share_token", J_STRING, J_NULLABLE, .description = "Null unless shared" },
    { "created_at", J_STRING, 0, "date-time" },
    { "updated_at", J_STRING, 0, "date-time" },
};
const j_object resumes_schema = J_OBJECT_OF("Resume", NULL, resume_fields);

static const j_field upload_fields[] = {
    { "id", J_STRING, 0, "uuid" },
    { "file_name", J_STRING },
    { "status", J_STRING, .choices = PENDING },
    { "message", J_STRING },
    { "file_size", J_INTEGER, J_NONNEG },
    { "file_type", J_STRING, .choices = FILE_TYPES },
    { "task_id", J_STRING, 0, "uuid", .description = "The `resume.parse` task" },
};
static const j_object upload_schema = J_OBJECT_OF("UploadAccepted", NULL, upload_fields);

static const j_field analysis_view_fields[] = {
    { "resume_id", J_STRING, 0, "uuid" },
    { "analysis", J_OBJECT, J_NULLABLE, .object = &resumes_analysis_schema,
      .alt = &resumes_analysis_error_schema },
    { "status", J_STRING, .choices = STATUSES },
    { "created_at", J_STRING, J_NULLABLE, "date-time", .description = "When it was produced" },
    { "processing_time", J_NUMBER, J_NULLABLE | J_NONNEG },
    { "confidence_score", J_NUMBER, J_NULLABLE | J_RANGE, .min = 0, .max = 1 },
};
static const j_object analysis_view_schema =
    J_OBJECT_OF("ResumeAnalysis", NULL, analysis_view_fields);

static const j_field reanalysis_fields[] = {
    { "task_id", J_STRING, 0, "uuid", .description = "The `resume.parse` task" },
};
static const j_object reanalysis_schema = {
    .name = "ReanalysisAccepted",
    .description = "The analysis so far (kept until replaced) and the new task",
    .base = &analysis_view_schema,
    .fields = reanalysis_fields,
    .n = V_COUNT(reanalysis_fields),
};

static const j_field match_accepted_fields[] = {
    { "resume_id", J_STRING, 0, "uuid" },
    { "task_id", J_STRING, 0, "uuid", .description = "The `resume.match` task" },
};
static const j_object match_accepted_schema =
    J_OBJECT_OF("MatchAccepted", NULL, match_accepted_fields);

static const char *const VERSION_SOURCES[] = { "parser", "user", NULL };

static const j_field analysis_version_fields[] = {
    { "version", J_INTEGER, J_RANGE, .min = 1, .max = 2147483647 },
    { "source", J_STRING, .choices = VERSION_SOURCES,
      .description = "`parser`: a parse; `user`: a correction" },
    { "corrected_fields", J_ARRAY, .items = J_STRING },
    { "created_at", J_STRING, 0, "date-time" },
    { "analysis", J_OBJECT, .object = &resumes_analysis_schema },
};
static const j_object analysis_version_schema =
    J_OBJECT_OF("AnalysisVersion", NULL, analysis_version_fields);

static const j_field version_fields[] = {
    { "id", J_STRING, 0, "uuid" },
    { "version", J_INTEGER, J_RANGE, .min = 1, .max = 2147483647 },
    { "created_at", J_STRING, 0, "date-time" },
    { "changes", J_ARRAY, .items = J_STRING },
    { "parent_version_id", J_STRING, J_NULLABLE, "uuid" },
};
static const j_object version_schema = J_OBJECT_OF("ResumeVersion", NULL, version_fields);

static const j_field versions_fields[] = {
    { "versions", J_ARRAY, .object = &version_schema, .description = "Newest first" },
    { "current_version", J_INTEGER, J_RANGE, .min = 1, .max = 2147483647 },
};
static const j_object versions_schema = J_OBJECT_OF("ResumeVersions", NULL, versions_fields);

static const doc_error not_ready_errors[] = {
    { 409, "RESUME_NOT_READY", "the resume is pending or processing" }, { 0 }
};
static const doc_error unanalysed_errors[] = {
    { 409, "RESUME_NOT_READY", "the resume is not analyzed" }, { 0 }
};

static const http_doc upload_doc = {
    .description =
        "Checked in this order: not multipart/form-data (415), an extension other "
        "than .pdf, .docx or .txt (415), more than MAX_FILE_SIZE (413, enforced while "
        "streaming), no file part, several file parts or an empty file (422), content "
        "that does not match the extension (415). A rejected upload stores nothing. "
        "Rate-limited per user (policy `upload`).",
    .upload =
        "The resume: .pdf, .docx or .txt (any case), at most MAX_FILE_SIZE bytes (10 MiB "
        "by default). Parts other than `file` are ignored.",
    .responses = (const doc_response[]){ { 0, DOC_JSON, &upload_schema,
                                           .description = "Accepted; parsing runs in the "
                                                          "background" },
                                         { .shape = DOC_END } },
    .errors = (const doc_error[]){ { 415, "UNSUPPORTED_FILE_TYPE",
                                     "a file name or content other than PDF, DOCX or text" },
                                   { 0 } },
};

static const http_doc list_doc = {
    .description = "Newest first; each version is listed as its own resume.",
    .query = list_query,
    .nquery = V_COUNT(list_query),
    .responses = (const doc_response[]){ { 0, DOC_PAGE, &resumes_schema }, { .shape = DOC_END } },
};

static const doc_response resume_response[] = { { 0, DOC_JSON, &resumes_schema },
                                                { .shape = DOC_END } };
static const doc_response deleted_response[] = { { 0, DOC_EMPTY, .description = "Deleted" },
                                                 { .shape = DOC_END } };

static const http_doc get_doc = { .responses = resume_response };

static const http_doc update_doc = {
    .body = update_fields,
    .nbody = V_COUNT(update_fields),
    .responses = resume_response,
};

static const http_doc delete_doc = {
    .description =
        "Removes the row, its stored file and its share; interviews that used it "
        "keep existing with `resume_id` null.",
    .responses = deleted_response,
};

static const http_doc analysis_doc = {
    .responses =
        (const doc_response[]){ { 0, DOC_JSON, &analysis_view_schema }, { .shape = DOC_END } },
    .errors = not_ready_errors,
};

static const http_doc reanalyze_doc = {
    .description = "Sets `analysis.job_match` to null; the kept matches stay.",
    .responses =
        (const doc_response[]){ { 0, DOC_JSON, &reanalysis_schema }, { .shape = DOC_END } },
    .errors = not_ready_errors,
};

static const http_doc skills_doc = {
    .responses =
        (const doc_response[]){ { 0, DOC_LIST, &resumes_skill_schema }, { .shape = DOC_END } },
    .errors = unanalysed_errors,
};

static const http_doc experience_doc = {
    .responses =
        (const doc_response[]){ { 0, DOC_LIST, &resumes_experience_schema }, { .shape = DOC_END } },
    .errors = unanalysed_errors,
};

static const http_doc education_doc = {
    .responses =
        (const doc_response[]){ { 0, DOC_LIST, &resumes_education_schema }, { .shape = DOC_END } },
    .errors = unanalysed_errors,
};

static const http_doc match_doc = {
    .description =
        "The `resume.match` task stores `analysis.job_match` with the job description, "
        "replacing an earlier one, and keeps it among the resume's last 20 matches.",
    .body = match_fields,
    .nbody = V_COUNT(match_fields),
    .responses =
        (const doc_response[]){ { 0, DOC_JSON, &match_accepted_schema }, { .shape = DOC_END } },
    .errors = unanalysed_errors,
};

static const http_doc correct_doc = {
    .description =
        "Owner only. Each field given replaces the stored one (lists are replaced whole); the "
        "result becomes the current analysis and the resume's next analysis version (source "
        "`user`), the parse and earlier corrections being kept. The corrected fields join "
        "`corrected_fields` and their `field_confidence` becomes 1.0. An empty body changes "
        "nothing.",
    .body_schema = resume_edit_body_schema,
    .responses =
        (const doc_response[]){ { 0, DOC_JSON, &analysis_view_schema }, { .shape = DOC_END } },
    .errors = (const doc_error[]){ { 409, "RESUME_NOT_READY", "the resume is not analyzed" },
                                   { 409, "ANALYSIS_CHANGED",
                                     "another correction was recorded at the same time" },
                                   { 0 } },
};

static const http_doc analysis_versions_doc = {
    .description =
        "Newest first, each with its full analysis; a reanalyze adds a `parser` "
        "version, a correction a `user` one.",
    .query = versions_query,
    .nquery = V_COUNT(versions_query),
    .responses =
        (const doc_response[]){ { 0, DOC_PAGE, &analysis_version_schema }, { .shape = DOC_END } },
};

static const http_doc matches_doc = {
    .description =
        "The last 20 job-description matches with their job descriptions, newest "
        "first; a reanalyze keeps them.",
    .responses = (const doc_response[]){ { 0, DOC_LIST, &job_match_schema }, { .shape = DOC_END } },
};

static const http_doc versions_doc = {
    .description = "The whole chain the resume belongs to, newest first.",
    .responses = (const doc_response[]){ { 0, DOC_JSON, &versions_schema }, { .shape = DOC_END } },
};

static const http_doc version_create_doc = {
    .description =
        "A copy of the latest version with a new id and a copy of its file, the "
        "same analysis, status, title, description and tags, `version` + 1; not "
        "shared.",
    .responses = resume_response,
    .errors =
        (const doc_error[]){ { 409, "NOT_LATEST_VERSION", "a newer version exists" },
                             { 409, "RESUME_NOT_READY", "the resume is pending or processing" },
                             { 0 } },
};

static const http_doc version_get_doc = { .responses = resume_response };

static const http_doc version_delete_doc = {
    .description = "Only the newest version of the chain can be deleted.",
    .responses = deleted_response,
    .errors =
        (const doc_error[]){ { 409, "NEWER_VERSIONS_EXIST", "a newer version of the chain exists" },
                             { 0 } },
};

/* ---- routes ------------------------------------------------------------------------------- */

#define ID "/{resume_id:uuid}"

const http_route resume_routes[] = {
    { "POST", RESUME "/upload", resume_upload, HTTP_BODY_UPLOAD, AUTH_USER, RL_DEFAULT | RL_UPLOAD,
      202, "Upload a resume (multipart/form-data, part \"file\")", "resumes", &upload_doc },
    { "GET", RESUME, resume_list, 0, AUTH_USER, RL_DEFAULT, 200, "Your resumes, newest first",
      "resumes", &list_doc },
    { "GET", RESUME ID, resume_get, 0, AUTH_USER, RL_DEFAULT, 200, "One of your resumes", "resumes",
      &get_doc },
    { "PUT", RESUME ID, resume_update, HTTP_BODY_JSON, AUTH_USER, RL_DEFAULT, 200,
      "Update a resume's title, description or tags", "resumes", &update_doc },
    { "DELETE", RESUME ID, resume_delete, 0, AUTH_USER, RL_DEFAULT, 204,
      "Delete a resume and its stored file", "resumes", &delete_doc },
    { "GET", RESUME "/analysis" ID, analysis_get, 0, AUTH_USER, RL_DEFAULT, 200,
      "A resume's analysis", "resumes", &analysis_doc },
    { "POST", RESUME "/analysis" ID "/reanalyze", analysis_reanalyze, 0, AUTH_USER, RL_DEFAULT, 202,
      "Analyse a resume again", "resumes", &reanalyze_doc },
    { "GET", RESUME "/analysis" ID "/skills", analysis_skills, 0, AUTH_USER, RL_DEFAULT, 200,
      "Skills found in a resume", "resumes", &skills_doc },
    { "GET", RESUME "/analysis" ID "/experience", analysis_experience, 0, AUTH_USER, RL_DEFAULT,
      200, "Experience found in a resume", "resumes", &experience_doc },
    { "GET", RESUME "/analysis" ID "/education", analysis_education, 0, AUTH_USER, RL_DEFAULT, 200,
      "Education found in a resume", "resumes", &education_doc },
    { "POST", RESUME "/analysis" ID "/match", analysis_match, HTTP_BODY_JSON, AUTH_USER, RL_DEFAULT,
      202, "Match a resume against a job description", "resumes", &match_doc },
    { "GET", RESUME "/analysis" ID "/matches", analysis_matches, 0, AUTH_USER, RL_DEFAULT, 200,
      "A resume's kept job matches, newest first", "resumes", &matches_doc },
    { "PATCH", RESUME ID "/analysis", analysis_correct, HTTP_BODY_JSON, AUTH_USER, RL_DEFAULT, 200,
      "Correct a resume's analysis (kept as a new version)", "resumes", &correct_doc },
    { "GET", RESUME ID "/analysis/versions", analysis_versions, 0, AUTH_USER, RL_DEFAULT, 200,
      "Every version of a resume's analysis, newest first", "resumes", &analysis_versions_doc },
    { "GET", RESUME "/version" ID "/versions", versions_list, 0, AUTH_USER, RL_DEFAULT, 200,
      "Every version of a resume", "resumes", &versions_doc },
    { "POST", RESUME "/version" ID "/create-version", version_create, 0, AUTH_USER, RL_DEFAULT, 201,
      "Copy the latest version into a new one", "resumes", &version_create_doc },
    { "GET", RESUME "/version" ID "/version/{version_number:int}", version_get, 0, AUTH_USER,
      RL_DEFAULT, 200, "One version of a resume", "resumes", &version_get_doc },
    { "DELETE", RESUME "/version" ID "/version/{version_number:int}", version_delete, 0, AUTH_USER,
      RL_DEFAULT, 204, "Delete the newest version of a resume", "resumes", &version_delete_doc },
};
const size_t resume_routes_count = COUNT(resume_routes);
