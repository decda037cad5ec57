/* The resume background jobs (docs/design.md "Background jobs"): resume.parse extracts a stored
 * upload's text in the sandbox and analyses it through the AI chain, resume.match measures the
 * stored analysis against a job description, and the periodic sweep removes stored files no
 * resume uses. They take a job context, never a request; the text helpers the upload and
 * correction handlers share with them live here too (resume_jobs.h). */
#include "jobs/resume_jobs.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ai/schema.h"
#include "core/errors.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "core/utf8.h"
#include "core/util.h"
#include "core/uuid.h"
#include "docs/extract.h"
#include "jobs/jobs.h"
#include "store/resumes_store.h"

#define PARSE_ATTEMPTS  3
#define MATCH_ATTEMPTS  3
#define ORPHAN_SWEEP_MS 3600000LL /* the age itself is ORPHAN_FILE_AGE */
#define MATCHES_KEPT    20        /* job matches kept per resume (docs/api.md §5.3) */

/* The application's stored files and AI chain, as resume_jobs_register was given them. */
static resume_jobs_env env;

char *resume_jobs_default_title(arena *a, const char *file_name)
{
    const char *dot = strrchr(file_name, '.');
    size_t len = dot ? (size_t)(dot - file_name) : strlen(file_name);
    char *stem = arena_strndup(a, file_name, len);
    if (stem == NULL)
        return NULL;
    stem[ia_utf8_prefix_bytes(stem, RESUME_TITLE_MAX)] = '\0';
    return stem;
}

json_t *resume_jobs_load_json(const char *text)
{
    return text ? json_loads(text, 0, NULL) : NULL;
}

char *resume_jobs_dump(arena *a, const json_t *v)
{
    char *text = json_dumps(v, JSON_COMPACT);
    char *copy = text ? arena_strdup(a, text) : NULL;
    free(text);
    return copy;
}

char *resume_jobs_description(arena *a, const char *summary)
{
    char *s = summary ? arena_strdup(a, summary) : NULL;
    if (s != NULL)
        s[ia_utf8_prefix_bytes(s, RESUME_DESCRIPTION_MAX)] = '\0';
    return s;
}

/* Marks the resume `error` with the reason as its analysis (the only content of an errored
 * analysis, docs/api.md §5). */
static int store_error(job_ctx *ctx, const char *resume_id, const char *reason)
{
    json_t *an = json_pack("{s:s}", "error", reason);
    char *text = an ? json_dumps(an, JSON_COMPACT) : NULL;
    json_decref(an);
    if (text == NULL)
        return IA_ERR_NOMEM;
    int rc = resumes_store_set_analysis(ctx->db, resume_id, "error", text, NULL, NULL, "", NULL,
                                        NULL, NULL, ia_now_ms());
    free(text);
    return rc;
}

char *resume_jobs_skills_text(arena *a, const ai_analysis *an)
{
    size_t len = 1;
    for (size_t i = 0; i < an->nskills; i++)
        len += strlen(an->skills[i].name) + 1;
    char *s = arena_alloc(a, len);
    if (s == NULL)
        return NULL;
    size_t o = 0;
    for (size_t i = 0; i < an->nskills; i++) {
        for (const char *p = an->skills[i].name; *p; p++)
            s[o++] = (*p >= 'A' && *p <= 'Z') ? (char)(*p + 32) : *p;
        s[o++] = '\n';
    }
    s[o] = '\0';
    return s;
}

/* Fetches the stored file of the resume to a private temporary file in DATA_DIR/tmp (created
 * when missing: a worker process may never have received an upload); path receives its name. */
static int fetch_file(job_ctx *ctx, const resume_row *r, char *path, size_t len)
{
    const char *ext = strrchr(r->file_key, '.');
    snprintf(path, len, "%s/tmp", ctx->cfg->data_dir);
    if (mkdir(path, 0700) != 0 && errno != EEXIST) {
        const char *why = strerrordesc_np(errno);
        snprintf(ctx->error, sizeof(ctx->error), "cannot create DATA_DIR/tmp: %s",
                 why ? why : "unknown error");
        return IA_ERR_IO;
    }
    snprintf(path, len, "%s/tmp/parse-%s%s", ctx->cfg->data_dir, ctx->id, ext ? ext : "");
    char err[400];
    int rc = storage_get_file(env.storage(ctx->app), r->file_key, path,
                              (size_t)ctx->cfg->max_file_size, err, sizeof(err));
    if (rc != IA_OK)
        snprintf(ctx->error, sizeof(ctx->error), "cannot read the stored file: %s", err);
    return rc;
}

/* The title an analysis gives a resume whose title is still the upload's default, the file
 * name's stem (docs/api.md §5): "Name — Role", the role being the headline, else the
 * inferred role; NULL when the user set a title or the analysis found no name. */
static char *title_from_analysis(arena *a, const resume_row *r, const json_t *doc)
{
    const char *stem = resume_jobs_default_title(a, r->file_name);
    const char *name = json_string_value(json_object_get(doc, "name"));
    const char *role = json_string_value(json_object_get(doc, "headline"));
    bool inferred = role == NULL || *role == '\0';
    if (inferred)
        role = json_string_value(json_object_get(doc, "inferred_role"));
    if (stem == NULL || strcmp(stem, r->title) != 0 || name == NULL || *name == '\0')
        return NULL;
    bool with_role = role != NULL && *role != '\0';
    char *title =
        with_role ? arena_printf(a, "%s \xe2\x80\x94 %s", name, role) : arena_strdup(a, name);
    if (title == NULL)
        return NULL;
    /* An inferred role is a lower-case name ("devops engineer"): its words start upper-case. */
    for (char *p = title + strlen(name) + 5; inferred && with_role && *p; p++)
        if (*p >= 'a' && *p <= 'z' && p[-1] == ' ')
            *p = (char)(*p - 'a' + 'A');
    title[ia_utf8_prefix_bytes(title, RESUME_TITLE_MAX)] = '\0';
    return title;
}

/* Stores a parse as the resume's current analysis and its next version (source "parser"),
 * with the title of title_from_analysis, in one transaction. */
static int store_parsed(job_ctx *ctx, const resume_row *r, json_t *doc, const ai_analysis *an,
                        double seconds)
{
    int64_t now = ia_now_ms();
    long long version = 1;
    int rc = db_begin(ctx->db);
    if (rc != IA_OK)
        return rc;
    rc = resumes_store_next_analysis_version(ctx->db, ctx->arena, r->id, &version);
    json_object_set_new(doc, "analysis_version", json_integer(version));
    resume_analysis_version v = { version, "parser", resume_jobs_dump(ctx->arena, doc), "[]", now };
    if (rc == IA_OK)
        rc = v.analysis ? resumes_store_add_analysis_version(ctx->db, r->id, &v) : IA_ERR_NOMEM;
    double years = an->years_of_experience, confidence = an->confidence_score;
    if (rc == IA_OK)
        rc = resumes_store_set_analysis(
            ctx->db, r->id, "analyzed", v.analysis, an->inferred_role,
            an->has_years ? &years : NULL, resume_jobs_skills_text(ctx->arena, an), &seconds,
            &confidence, resume_jobs_description(ctx->arena, an->summary), now);
    const char *title = rc == IA_OK ? title_from_analysis(ctx->arena, r, doc) : NULL;
    if (title != NULL)
        rc = resumes_store_update(ctx->db, r->user_id, r->id, title, NULL, NULL, now);
    if (rc == IA_OK)
        rc = db_commit(ctx->db);
    else
        db_rollback(ctx->db);
    return rc;
}

/* resume.parse: extract the text in the sandbox, analyse it through the AI chain, store. */
static int job_resume_parse(job_ctx *ctx)
{
    const char *id = json_string_value(json_object_get(ctx->payload, "resume_id"));
    resume_row r;
    int rc = id ? resumes_store_get(ctx->db, ctx->arena, NULL, id, &r) : IA_NOT_FOUND;
    if (rc == IA_NOT_FOUND) {
        ctx->result = json_pack("{s:s, s:s}", "resume_id", id ? id : "", "status", "deleted");
        return IA_OK; /* deleted meanwhile: nothing to do */
    }
    if (rc == IA_OK)
        rc = resumes_store_set_status(ctx->db, r.id, "processing", ia_now_ms());
    if (rc != IA_OK)
        return rc;
    int64_t started = ia_mono_us();
    char path[4300];
    rc = fetch_file(ctx, &r, path, sizeof(path));
    if (rc != IA_OK)
        return rc;
    const char *ext = strrchr(r.file_key, '.');
    char *text = NULL;
    size_t len = 0;
    char err[400] = "";
    extract_limits lim;
    extract_limits_from_config(ctx->cfg, &lim);
    rc = extract_text(&lim, path, ext ? ext : ".txt", ctx->arena, &text, &len, err, sizeof(err));
    unlink(path);
    if (rc == IA_ERR_INVALID) {
        /* The document itself is the problem: a final state, not a failure to retry. */
        rc = store_error(ctx, r.id, err);
        ctx->result =
            json_pack("{s:s, s:s, s:s}", "resume_id", r.id, "status", "error", "error", err);
        return rc;
    }
    if (rc != IA_OK) {
        snprintf(ctx->error, sizeof(ctx->error), "%s", *err ? err : ia_strerror(rc));
        ctx->permanent = rc != IA_ERR_UNAVAILABLE;
        return rc;
    }
    size_t blank = 0;
    while (blank < len && (text[blank] == ' ' || text[blank] == '\n' || text[blank] == '\t' ||
                           text[blank] == '\r'))
        blank++;
    if (blank == len) {
        rc = store_error(ctx, r.id, "No extractable text: the document is empty");
        ctx->result = json_pack("{s:s, s:s}", "resume_id", r.id, "status", "error");
        return rc;
    }
    struct tm tm;
    time_t now_s = (time_t)(ia_now_ms() / 1000);
    gmtime_r(&now_s, &tm);
    ai_analysis an = { 0 };
    ai_meta meta = { 0 };
    rc = ai_chain_parse(env.ai(ctx->app), ctx->arena, text, (tm.tm_year + 1900) * 12 + tm.tm_mon,
                        &an, &meta);
    if (rc != IA_OK) {
        snprintf(ctx->error, sizeof(ctx->error), "resume analysis failed: %s", ia_strerror(rc));
        return rc;
    }
    double seconds = (double)(ia_mono_us() - started) / 1e6;
    json_t *doc = ai_analysis_to_json(&an);
    if (doc == NULL)
        return IA_ERR_NOMEM;
    json_object_set_new(doc, "engine", json_string(ai_engine_name(meta.engine)));
    json_object_set_new(doc, "processing_time", json_real(seconds));
    json_object_set_new(doc, "job_match", json_null());
    json_object_set_new(doc, "corrected_fields", json_array());
    rc = store_parsed(ctx, &r, doc, &an, seconds);
    json_decref(doc);
    if (rc != IA_OK)
        return rc;
    log_info("resumes", "resume analysed", "resume_id", r.id, "engine",
             ai_engine_name(meta.engine));
    ctx->result = json_pack("{s:s, s:s}", "resume_id", r.id, "status", "analyzed");
    return IA_OK;
}

static void job_resume_parse_failed(job_ctx *ctx)
{
    const char *id = json_string_value(json_object_get(ctx->payload, "resume_id"));
    if (id != NULL && store_error(ctx, id, *ctx->error ? ctx->error : "analysis failed") != IA_OK)
        log_warn("resumes", "cannot mark a resume as failed", "resume_id", id);
}

/* Stores a job match as the analysis' job_match (on a fresh read of the analysis, so that a
 * correction made meanwhile is kept) and appends it to the resume's kept matches, in one
 * transaction. */
static int store_match(job_ctx *ctx, const char *id, const char *jd, json_t *jm, int64_t now)
{
    resume_row r;
    int rc = db_begin(ctx->db);
    if (rc != IA_OK)
        return rc;
    rc = resumes_store_get(ctx->db, ctx->arena, NULL, id, &r);
    json_t *doc = rc == IA_OK ? resume_jobs_load_json(r.analysis) : NULL;
    if (rc == IA_OK && !json_is_object(doc))
        rc = IA_ERR_CONFLICT; /* analysed again meanwhile, and that failed */
    const char *dump = NULL, *match = resume_jobs_dump(ctx->arena, jm);
    if (rc == IA_OK) {
        json_object_set(doc, "job_match", jm);
        dump = resume_jobs_dump(ctx->arena, doc);
        rc = dump && match ? resumes_store_set_analysis_json(ctx->db, id, dump, now) : IA_ERR_NOMEM;
    }
    json_decref(doc);
    char mid[IA_UUID_LEN];
    ia_uuid_v7(now, mid);
    if (rc == IA_OK)
        rc = resumes_store_add_match(ctx->db, mid, id, jd, match, now, MATCHES_KEPT);
    if (rc == IA_OK)
        rc = db_commit(ctx->db);
    else
        db_rollback(ctx->db);
    return rc;
}

/* resume.match: the stored analysis against a job description; the result replaces any
 * earlier job_match inside the analysis and joins the resume's kept matches. */
static int job_resume_match(job_ctx *ctx)
{
    const char *id = json_string_value(json_object_get(ctx->payload, "resume_id"));
    const char *jd = json_string_value(json_object_get(ctx->payload, "job_description"));
    resume_row r;
    int rc = id && jd ? resumes_store_get(ctx->db, ctx->arena, NULL, id, &r) : IA_NOT_FOUND;
    if (rc == IA_NOT_FOUND || (rc == IA_OK && strcmp(r.status, "analyzed") != 0)) {
        snprintf(ctx->error, sizeof(ctx->error), "the resume is gone or no longer analysed");
        ctx->permanent = true;
        return IA_ERR_CONFLICT;
    }
    if (rc != IA_OK)
        return rc;
    json_t *doc = resume_jobs_load_json(r.analysis);
    ai_analysis an = { 0 };
    char err[256];
    rc = doc ? ai_analysis_from_json(ctx->arena, doc, &an, err, sizeof(err)) : IA_ERR_INVALID;
    if (rc != IA_OK) {
        json_decref(doc);
        snprintf(ctx->error, sizeof(ctx->error), "the stored analysis is unreadable");
        ctx->permanent = true;
        return rc;
    }
    ai_match m = { 0 };
    ai_meta meta = { 0 };
    ai_match_request mr = { &an, jd };
    rc = ai_chain_match(env.ai(ctx->app), ctx->arena, &mr, &m, &meta);
    json_t *jm = rc == IA_OK ? ai_match_to_json(&m) : NULL;
    if (jm == NULL) {
        json_decref(doc);
        snprintf(ctx->error, sizeof(ctx->error), "job match failed: %s", ia_strerror(rc));
        return rc != IA_OK ? rc : IA_ERR_NOMEM;
    }
    json_decref(doc);
    int64_t now = ia_now_ms();
    char created[IA_ISO8601_LEN];
    ia_format_iso8601(now, created, sizeof(created));
    json_object_set_new(jm, "created_at", json_string(created));
    json_object_set_new(jm, "job_description", json_string(jd));
    rc = store_match(ctx, r.id, jd, jm, now);
    if (rc != IA_OK) {
        json_decref(jm);
        return rc;
    }
    ctx->result = json_pack("{s:s, s:o}", "resume_id", r.id, "job_match", jm);
    return IA_OK;
}

static int job_resume_parse_retried(db *d, json_t *payload, int64_t now)
{
    const char *id = json_string_value(json_object_get(payload, "resume_id"));
    return id ? resumes_store_set_status(d, id, "processing", now) : IA_OK;
}

static const job_kind resume_job_kinds[] = {
    { "resume.parse", job_resume_parse, job_resume_parse_failed, PARSE_ATTEMPTS,
      job_resume_parse_retried },
    { "resume.match", job_resume_match, NULL, MATCH_ATTEMPTS },
};

typedef struct {
    db *d;
    arena *a;
    storage *st;
    int64_t before;
    long long removed;
} sweep_ctx;

/* One stored object: removed when it is old enough that no upload can still be committing
 * its row, and no row uses it. */
static int sweep_one(const char *key, int64_t modified_ms, void *cls)
{
    sweep_ctx *sw = cls;
    bool used = true;
    if (modified_ms > sw->before || resumes_store_key_used(sw->d, sw->a, key, &used) != IA_OK ||
        used)
        return IA_OK;
    char err[512];
    if (storage_delete(sw->st, key, err, sizeof(err)) == IA_OK) {
        log_info("resumes", "removed a stored file no resume uses", "key", key);
        sw->removed++;
    }
    return IA_OK;
}

/* The scheduler's sweep of stored files left without a row (a crash between storing and
 * committing, a delete whose file removal failed) and of the temporary files of stores that a
 * crash interrupted, both once older than ORPHAN_FILE_AGE. Returns how many files it removed. */
static long long sweep_orphans(db *d, void *app, const ia_config *cfg)
{
    storage *st = app != NULL ? env.storage(app) : NULL;
    if (st == NULL)
        return 0;
    arena *a = arena_create(4u << 20);
    if (a == NULL)
        return IA_ERR_NOMEM;
    sweep_ctx sw = { d, a, st, ia_now_ms() - cfg->orphan_file_age_ms, 0 };
    char err[512];
    int rc = storage_list(st, "resumes/", sweep_one, &sw, err, sizeof(err));
    if (rc != IA_OK)
        log_warn("resumes", "cannot list stored files for the orphan sweep", "error", err);
    arena_destroy(a);
    long long temps = 0;
    rc = storage_sweep_temp(st, sw.before, &temps, err, sizeof(err));
    if (rc != IA_OK)
        log_warn("resumes", "cannot sweep the temporary files of the storage", "error", err);
    if (temps > 0)
        log_emit(LOG_INFO, "resumes", "removed temporary files of interrupted stores",
                 (log_field[]){ LOG_NUM("removed", temps) }, 1);
    return sw.removed + temps;
}

int resume_jobs_register(const resume_jobs_env *e)
{
    env = *e;
    int rc = jobs_register(resume_job_kinds, COUNT(resume_job_kinds));
    if (rc == IA_OK)
        rc = jobs_register_periodic("sweep_orphan_files", ORPHAN_SWEEP_MS, sweep_orphans);
    return rc;
}
