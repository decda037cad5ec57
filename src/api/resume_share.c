/* Resume sharing and export (docs/api.md §5.4, §5.5): unguessable share tokens with a stored and
 * enforced expiry, the redacted public view, and downloads of the original file or of the
 * analysis rendered as JSON, plain text or Markdown. */
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "api/render.h"
#include "api/resumes.h"
#include "core/errors.h"
#include "core/log.h"
#include "core/strbuf.h"
#include "core/timeutil.h"
#include "ai/redact.h"
#include "files/storage.h"
#include "http/doc.h"
#include "store/resumes_store.h"
#include "core/util.h"

#define RESUME         "/api/v1/resume"
#define ID             "/{resume_id:uuid}"
#define TOKEN_BYTES    32
#define DAY_MS         86400000LL
#define EXPORT_MAX     (4u * 1024u * 1024u)
#define PREVIEW_SKILLS 5
#define PREVIEW_JOBS   3
#define PREVIEW_SCHOOL 2

/* ---- sharing ------------------------------------------------------------------------------ */

static json_t *share_status(const http_req *req, const resume_row *r)
{
    bool active = resumes_share_active(r, ia_now_ms());
    json_t *emails = r->share_allowed_emails ? json_loads(r->share_allowed_emails, 0, NULL) : NULL;
    if (!json_is_array(emails) || !active) {
        json_decref(emails);
        emails = json_array();
    }
    char *url = active ? arena_printf(req->arena, "%s/resume/shared/%s", req->cfg->frontend_url,
                                      r->share_token)
                       : NULL;
    return json_pack("{s:b, s:o, s:o, s:o, s:b, s:o}", "is_shared", active, "share_token",
                     active ? json_string(r->share_token) : json_null(), "share_url",
                     url ? json_string(url) : json_null(), "expiry_date",
                     active && r->share_expires_at ? render_time(r->share_expires_at) : json_null(),
                     "is_public", active && r->is_public, "allowed_emails", emails);
}

static const v_field share_fields[] = {
    { "is_public", V_BOOL, 0, 0, 0, .def = "false", .example = "true",
      .description = "Whether the public view answers for the token" },
    { "expiry_days", V_INT, 0, 1, 30, .example = "7",
      .description = "Days until the share expires; absent = never" },
    { "allowed_emails", V_STRING_LIST, V_EMAIL, 0, 10, NULL, 3, 254,
      .example = "[\"recruiter@example.com\"]",
      .description = "Stored and returned; it grants nothing" },
};

static int share(http_req *req, http_res *res)
{
    v_value in[V_COUNT(share_fields)];
    int rc = validate_body(req, res, share_fields, V_COUNT(share_fields), in, NULL);
    if (rc != IA_OK)
        return rc;
    db *d = NULL;
    resume_row r;
    rc = resumes_load_own(req, res, &d, &r);
    if (rc != IA_OK)
        return rc;
    unsigned char raw[TOKEN_BYTES];
    char token[sodium_base64_ENCODED_LEN(TOKEN_BYTES, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
    randombytes_buf(raw, sizeof(raw));
    sodium_bin2base64(token, sizeof(token), raw, sizeof(raw),
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    json_t *emails = json_array();
    for (size_t i = 0; in[2].present && i < in[2].nlist; i++)
        json_array_append_new(emails, json_string(in[2].list[i]));
    char *emails_text = json_dumps(emails, JSON_COMPACT);
    json_decref(emails);
    if (emails_text == NULL)
        return IA_ERR_NOMEM;
    int64_t now = ia_now_ms();
    int64_t expires = in[1].present ? now + in[1].i * DAY_MS : 0;
    bool is_public = in[0].b;
    rc = resumes_store_share(d, req->user_id, r.id, token, expires, is_public, emails_text, now);
    free(emails_text);
    if (rc == IA_NOT_FOUND)
        return http_error(res, 404, "NOT_FOUND", "Resume not found");
    if (rc == IA_OK)
        rc = resumes_store_get(d, req->arena, req->user_id, r.id, &r);
    if (rc != IA_OK)
        return rc;
    log_info("resumes", "resume shared", "resume_id", r.id);
    return http_json(res, 200, share_status(req, &r));
}

static int share_get(http_req *req, http_res *res)
{
    db *d = NULL;
    resume_row r;
    int rc = resumes_load_own(req, res, &d, &r);
    if (rc != IA_OK)
        return rc;
    return http_json(res, 200, share_status(req, &r));
}

static int unshare(http_req *req, http_res *res)
{
    db *d = api_db(req);
    if (d == NULL)
        return IA_ERR_UNAVAILABLE;
    int rc = resumes_store_unshare(d, req->user_id, http_param(req, "resume_id"), ia_now_ms());
    if (rc == IA_NOT_FOUND)
        return http_error(res, 404, "NOT_FOUND", "Resume not found");
    if (rc != IA_OK)
        return rc;
    return http_empty(res, 204);
}

/* The analysis field or the JSON fallback (null or []) when there is none. */
static json_t *field_or(json_t *an, const char *key, json_t *fallback)
{
    json_t *v = json_object_get(an, key);
    if (v == NULL || (json_is_null(v) && !json_is_null(fallback)))
        return fallback;
    json_decref(fallback);
    return json_incref(v);
}

/* Keys of the public view whose values are names, dates or short labels, not free text: they
 * are shown as written (a company called "Booking.com" stays itself). "links" is the list the
 * owner chose to show. Every other string is free text. */
static const char *const share_structured_keys[] = {
    "title",     "name",          "company",   "institution", "degree",   "field_of_study",
    "job_title", "inferred_role", "seniority", "start_date",  "end_date", "expiry_date",
    "skills",    "languages",     "links",     "category",    "gpa",
};

static bool share_structured(const char *key)
{
    for (size_t i = 0; i < COUNT(share_structured_keys); i++)
        if (strcmp(key, share_structured_keys[i]) == 0)
            return true;
    return false;
}

/* Replaces, in place, e-mail addresses, phone numbers, street addresses and links in every
 * free-text string under v (the engine's redactor does the matching); free_text is false under
 * a key of share_structured_keys. Returns IA_OK or IA_ERR_NOMEM. */
static int share_redact(arena *a, json_t *v, bool free_text)
{
    if (json_is_string(v)) {
        const char *clean = NULL;
        if (!free_text)
            return IA_OK;
        if (ai_redact(a, json_string_value(v), &clean) != IA_OK || json_string_set(v, clean) != 0)
            return IA_ERR_NOMEM;
        return IA_OK;
    }
    const char *key;
    json_t *child;
    size_t i;
    if (json_is_object(v)) {
        json_object_foreach(v, key, child)
        {
            if (share_redact(a, child, free_text && !share_structured(key)) != IA_OK)
                return IA_ERR_NOMEM;
        }
    } else if (json_is_array(v)) {
        json_array_foreach(v, i, child)
        {
            if (share_redact(a, child, free_text) != IA_OK)
                return IA_ERR_NOMEM;
        }
    }
    return IA_OK;
}

static int shared_view(http_req *req, http_res *res)
{
    db *d = api_db(req);
    if (d == NULL)
        return IA_ERR_UNAVAILABLE;
    const char *token = http_param(req, "share_token");
    resume_row r;
    int rc =
        strlen(token) <= 64 ? resumes_store_by_share_token(d, req->arena, token, &r) : IA_NOT_FOUND;
    if (rc != IA_OK && rc != IA_NOT_FOUND)
        return rc;
    if (rc == IA_NOT_FOUND || !resumes_share_active(&r, ia_now_ms()) || !r.is_public)
        return http_error(res, 404, "NOT_FOUND", "Shared resume not found");
    json_t *an =
        strcmp(r.status, "analyzed") == 0 && r.analysis ? json_loads(r.analysis, 0, NULL) : NULL;
    json_t *view = json_pack(
        "{s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "title", r.title,
        "name", field_or(an, "name", json_null()), "location",
        field_or(an, "location", json_null()), "summary", field_or(an, "summary", json_null()),
        "inferred_role", field_or(an, "inferred_role", json_null()), "seniority",
        field_or(an, "seniority", json_null()), "years_of_experience",
        field_or(an, "years_of_experience", json_null()), "skills",
        field_or(an, "skills", json_array()), "experience",
        field_or(an, "experience", json_array()), "education",
        field_or(an, "education", json_array()), "certifications",
        field_or(an, "certifications", json_array()), "languages",
        field_or(an, "languages", json_array()), "links", field_or(an, "links", json_array()),
        "expiry_date", r.share_expires_at ? render_time(r.share_expires_at) : json_null());
    json_decref(an);
    if (view == NULL)
        return IA_ERR_NOMEM;
    rc = share_redact(req->arena, view, true);
    if (rc != IA_OK) {
        json_decref(view);
        return rc;
    }
    http_set_header(res, "X-Robots-Tag", "noindex");
    return http_json(res, 200, view);
}

/* ---- export ------------------------------------------------------------------------------- */

/* Sets Content-Disposition for name: an ASCII fallback and the UTF-8 name percent-encoded. */
static int set_attachment(http_res *res, const char *name)
{
    strbuf sb;
    strbuf_init(&sb, res->arena, 2048);
    strbuf_puts(&sb, "attachment; filename=\"");
    for (const unsigned char *p = (const unsigned char *)name; *p; p++)
        strbuf_putc(&sb, (*p < 0x20 || *p >= 0x7F || *p == '"' || *p == '\\') ? '_' : (char)*p);
    strbuf_puts(&sb, "\"; filename*=UTF-8''");
    for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
        if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
            strchr("-._~", *p) != NULL)
            strbuf_putc(&sb, (char)*p);
        else
            strbuf_appendf(&sb, "%%%02X", *p);
    }
    if (strbuf_error(&sb) != IA_OK)
        return IA_ERR_NOMEM;
    return http_set_header(res, "Content-Disposition", strbuf_str(&sb));
}

static const char *str_of(json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

/* Appends "label: value" for a present string field. */
static void put_line(strbuf *sb, const char *label, const char *value)
{
    if (value != NULL)
        strbuf_appendf(sb, "%s: %s\n", label, value);
}

/* Appends a list of strings under a heading, one per line with a bullet. */
static void put_list(strbuf *sb, const char *heading, json_t *list, bool md)
{
    if (json_array_size(list) == 0)
        return;
    strbuf_appendf(sb, md ? "\n## %s\n\n" : "\n%s\n", heading);
    size_t i;
    json_t *v;
    json_array_foreach(list, i, v)
    {
        const char *s = json_is_string(v) ? json_string_value(v) : str_of(v, "name");
        if (s != NULL)
            strbuf_appendf(sb, "- %s\n", s);
    }
}

static const char *or_present(const char *end)
{
    return end ? end : "Present";
}

/* The analysis as plain text (md false) or Markdown (md true). */
static int render_text(strbuf *sb, const resume_row *r, json_t *an, bool md)
{
    const char *name = str_of(an, "name");
    strbuf_appendf(sb, md ? "# %s\n\n" : "%s\n\n", name ? name : r->title);
    put_line(sb, md ? "**Email**" : "Email", str_of(an, "email"));
    put_line(sb, md ? "**Phone**" : "Phone", str_of(an, "phone"));
    put_line(sb, md ? "**Location**" : "Location", str_of(an, "location"));
    put_line(sb, md ? "**Role**" : "Role", str_of(an, "inferred_role"));
    put_line(sb, md ? "**Seniority**" : "Seniority", str_of(an, "seniority"));
    json_t *years = json_object_get(an, "years_of_experience");
    if (json_is_number(years))
        strbuf_appendf(sb, "%s: %.1f\n", md ? "**Years of experience**" : "Years of experience",
                       json_number_value(years));
    if (str_of(an, "summary"))
        strbuf_appendf(sb, md ? "\n## Summary\n\n%s\n" : "\nSummary\n%s\n", str_of(an, "summary"));
    put_list(sb, "Skills", json_object_get(an, "skills"), md);
    json_t *exp = json_object_get(an, "experience"), *e;
    size_t i;
    if (json_array_size(exp) > 0)
        strbuf_puts(sb, md ? "\n## Experience\n" : "\nExperience\n");
    json_array_foreach(exp, i, e)
    {
        const char *title = str_of(e, "job_title"), *company = str_of(e, "company");
        const char *start = str_of(e, "start_date");
        strbuf_appendf(sb, md ? "\n### %s%s%s\n" : "\n%s%s%s\n", title ? title : "",
                       title && company ? " - " : "", company ? company : "");
        if (start)
            strbuf_appendf(sb, md ? "*%s - %s*\n" : "%s - %s\n", start,
                           or_present(str_of(e, "end_date")));
        if (str_of(e, "description"))
            strbuf_appendf(sb, "%s\n", str_of(e, "description"));
        size_t k;
        json_t *h;
        json_array_foreach(json_object_get(e, "highlights"), k, h)
        {
            if (json_is_string(h))
                strbuf_appendf(sb, "- %s\n", json_string_value(h));
        }
    }
    json_t *edu = json_object_get(an, "education");
    if (json_array_size(edu) > 0)
        strbuf_puts(sb, md ? "\n## Education\n\n" : "\nEducation\n");
    json_array_foreach(edu, i, e)
    {
        const char *degree = str_of(e, "degree"), *field = str_of(e, "field_of_study");
        const char *school = str_of(e, "institution"), *end = str_of(e, "end_date");
        strbuf_appendf(sb, "- %s%s%s%s%s%s%s%s\n", degree ? degree : "", field ? " in " : "",
                       field ? field : "", school ? ", " : "", school ? school : "",
                       end ? " (" : "", end ? end : "", end ? ")" : "");
    }
    put_list(sb, "Certifications", json_object_get(an, "certifications"), md);
    put_list(sb, "Languages", json_object_get(an, "languages"), md);
    put_list(sb, "Links", json_object_get(an, "links"), md);
    return strbuf_error(sb);
}

static const char *const FORMATS[] = { "original", "json", "txt", "md", "pdf", "docx", NULL };

static const v_field download_query[] = {
    { "format", V_STRING, 0, 0, 10, FORMATS, .def = "original",
      .description = "`original`: the stored file; `json`, `txt`, `md`: the analysis; `pdf` and "
                     "`docx` are refused with 415" },
};

static int export_download(http_req *req, http_res *res)
{
    v_value q[V_COUNT(download_query)];
    int rc = validate_query(req, res, download_query, V_COUNT(download_query), q);
    if (rc != IA_OK)
        return rc;
    const char *format = q[0].s;
    db *d = NULL;
    resume_row r;
    rc = resumes_load_own(req, res, &d, &r);
    if (rc != IA_OK)
        return rc;
    if (strcmp(format, "pdf") == 0 || strcmp(format, "docx") == 0)
        return http_error(res, 415, "UNSUPPORTED_EXPORT_FORMAT",
                          "Export as pdf or docx is not supported; use original, json, txt or md");
    if (strcmp(format, "original") == 0) {
        char *data = NULL, err[512];
        size_t len = 0;
        rc = storage_get(((ia_app *)req->app)->storage, req->arena, r.file_key,
                         (size_t)req->cfg->max_file_size, &data, &len, err, sizeof(err));
        if (rc != IA_OK) {
            log_error("resumes", "cannot read a stored file", "key", r.file_key, "error", err);
            return rc == IA_NOT_FOUND ? IA_ERR_INTERNAL : IA_ERR_UNAVAILABLE;
        }
        rc = set_attachment(res, r.file_name);
        return rc == IA_OK ? http_body(res, 200, r.file_type, data, len) : rc;
    }
    if (strcmp(r.status, "analyzed") != 0)
        return http_error(res, 409, "RESUME_NOT_READY", "The resume has not been analysed yet");
    json_t *an = json_loads(r.analysis ? r.analysis : "null", 0, NULL);
    char *name = arena_printf(req->arena, "resume_export_%s.%s", r.id, format);
    if (name == NULL || set_attachment(res, name) != IA_OK) {
        json_decref(an);
        return IA_ERR_NOMEM;
    }
    if (strcmp(format, "json") == 0)
        return http_json(res, 200,
                         json_pack("{s:s, s:s, s:I, s:o, s:o}", "title", r.title, "file_name",
                                   r.file_name, "version", (json_int_t)r.version, "exported_at",
                                   render_time(ia_now_ms()), "analysis", an ? an : json_null()));
    strbuf sb;
    strbuf_init(&sb, req->arena, EXPORT_MAX);
    bool md = strcmp(format, "md") == 0;
    rc = render_text(&sb, &r, an, md);
    json_decref(an);
    if (rc != IA_OK)
        return rc;
    return http_body(res, 200, md ? "text/markdown; charset=utf-8" : "text/plain; charset=utf-8",
                     strbuf_str(&sb), sb.len);
}

static int export_preview(http_req *req, http_res *res)
{
    db *d = NULL;
    resume_row r;
    int rc = resumes_load_own(req, res, &d, &r);
    if (rc != IA_OK)
        return rc;
    if (strcmp(r.status, "analyzed") != 0)
        return http_error(res, 409, "RESUME_NOT_READY", "The resume has not been analysed yet");
    json_t *an = json_loads(r.analysis ? r.analysis : "null", 0, NULL);
    json_t *skills = json_array(), *jobs = json_array(), *schools = json_array(), *v;
    size_t i;
    json_array_foreach(json_object_get(an, "skills"), i, v)
    {
        if (i < PREVIEW_SKILLS && str_of(v, "name"))
            json_array_append_new(skills, json_string(str_of(v, "name")));
    }
    json_array_foreach(json_object_get(an, "experience"), i, v)
    {
        if (i >= PREVIEW_JOBS)
            break;
        const char *start = str_of(v, "start_date");
        char *duration = arena_printf(req->arena, "%s - %s", start ? start : "",
                                      or_present(str_of(v, "end_date")));
        json_array_append_new(jobs, json_pack("{s:o, s:o, s:s}", "company",
                                              field_or(v, "company", json_null()), "position",
                                              field_or(v, "job_title", json_null()), "duration",
                                              duration ? duration : ""));
    }
    json_array_foreach(json_object_get(an, "education"), i, v)
    {
        if (i >= PREVIEW_SCHOOL)
            break;
        json_array_append_new(schools, json_pack("{s:o, s:o, s:o}", "institution",
                                                 field_or(v, "institution", json_null()), "degree",
                                                 field_or(v, "degree", json_null()), "field",
                                                 field_or(v, "field_of_study", json_null())));
    }
    json_t *out = json_pack("{s:s, s:o, s:o, s:o, s:o}", "title", r.title, "summary",
                            field_or(an, "summary", json_null()), "skills", skills, "experience",
                            jobs, "education", schools);
    json_decref(an);
    return http_json(res, 200, out);
}

/* ---- documentation ------------------------------------------------------------------------ */

static const j_field share_status_fields[] = {
    { "is_shared", J_BOOLEAN, .description = "A token exists and has not expired" },
    { "share_token", J_STRING, J_NULLABLE, .description = "43 base64url characters" },
    { "share_url", J_STRING, J_NULLABLE, "uri",
      .description = "`{FRONTEND_URL}/resume/shared/{share_token}`, a page of the web app" },
    { "expiry_date", J_STRING, J_NULLABLE, "date-time", .description = "Null = no expiry" },
    { "is_public", J_BOOLEAN },
    { "allowed_emails", J_ARRAY, .items = J_STRING },
};
static const j_object share_status_schema = J_OBJECT_OF("ShareStatus", NULL, share_status_fields);

static const j_field public_fields[] = {
    { "title", J_STRING },
    { "name", J_STRING, J_NULLABLE },
    { "location", J_STRING, J_NULLABLE },
    { "summary", J_STRING, J_NULLABLE },
    { "inferred_role", J_STRING, J_NULLABLE },
    { "seniority", J_STRING, J_NULLABLE },
    { "years_of_experience", J_NUMBER, J_NULLABLE | J_NONNEG },
    { "skills", J_ARRAY, .object = &resumes_skill_schema },
    { "experience", J_ARRAY, .object = &resumes_experience_schema },
    { "education", J_ARRAY, .object = &resumes_education_schema },
    { "certifications", J_ARRAY, .items = J_STRING },
    { "languages", J_ARRAY, .items = J_STRING },
    { "links", J_ARRAY, .items = J_STRING },
    { "expiry_date", J_STRING, J_NULLABLE, "date-time" },
};
static const j_object public_schema = J_OBJECT_OF(
    "PublicResume",
    "What a public share shows: never e-mail, phone or file data; analysis fields are null or [] "
    "until analysed",
    public_fields);

static const j_field export_json_fields[] = {
    { "title", J_STRING },
    { "file_name", J_STRING },
    { "version", J_INTEGER, J_RANGE, .min = 1, .max = 2147483647 },
    { "exported_at", J_STRING, 0, "date-time" },
    { "analysis", J_OBJECT, J_NULLABLE, .object = &resumes_analysis_schema },
};
static const j_object export_json_schema =
    J_OBJECT_OF("ResumeExport", "The `json` export", export_json_fields);

static const j_field preview_job_fields[] = {
    { "company", J_STRING, J_NULLABLE },
    { "position", J_STRING, J_NULLABLE },
    { "duration", J_STRING, .description = "`<start> - <end or Present>`" },
};
static const j_object preview_job_schema = J_OBJECT_OF("PreviewJob", NULL, preview_job_fields);

static const j_field preview_school_fields[] = {
    { "institution", J_STRING, J_NULLABLE },
    { "degree", J_STRING, J_NULLABLE },
    { "field", J_STRING, J_NULLABLE },
};
static const j_object preview_school_schema =
    J_OBJECT_OF("PreviewSchool", NULL, preview_school_fields);

static const j_field preview_fields[] = {
    { "title", J_STRING },
    { "summary", J_STRING, J_NULLABLE },
    { "skills", J_ARRAY, .items = J_STRING, .description = "The first 5 skill names" },
    { "experience", J_ARRAY, .object = &preview_job_schema, .description = "The first 3" },
    { "education", J_ARRAY, .object = &preview_school_schema, .description = "The first 2" },
};
static const j_object preview_schema = J_OBJECT_OF("ResumePreview", NULL, preview_fields);

static const doc_response share_response[] = { { 0, DOC_JSON, &share_status_schema },
                                               { .shape = DOC_END } };

static const http_doc share_doc = {
    .description = "Issues a new token each time (the previous one stops working).",
    .body = share_fields,
    .nbody = V_COUNT(share_fields),
    .responses = share_response,
};

static const http_doc share_status_doc = { .responses = share_response };

static const http_doc unshare_doc = {
    .responses = (const doc_response[]){ { 0, DOC_EMPTY,
                                           .description = "Not shared (also when it was not)" },
                                         { .shape = DOC_END } },
};

static const http_doc shared_view_doc = {
    .description = "Only for an active share with `is_public` true; any other token is a 404.",
    .responses = (const doc_response[]){ { 0, DOC_JSON, &public_schema, .headers = DOC_H_NOINDEX },
                                         { .shape = DOC_END } },
};

static const http_doc download_doc = {
    .description =
        "Always an attachment. `original` is the stored file with its own type; "
        "`json`, `txt` and `md` render the analysis (`resume_export_<id>.<ext>`) and "
        "need an analysed resume.",
    .query = download_query,
    .nquery = V_COUNT(download_query),
    .responses =
        (const doc_response[]){
            { 0, DOC_JSON, &export_json_schema, .description = "`json`: the analysis.",
              .headers = DOC_H_ATTACHMENT },
            { 0, DOC_BYTES, .media = "text/plain",
              .description = "`txt`, or an `original` text file.", .headers = DOC_H_ATTACHMENT },
            { 0, DOC_BYTES, .media = "text/markdown", .description = "`md`.",
              .headers = DOC_H_ATTACHMENT },
            { 0, DOC_BYTES, .media = "application/pdf", .description = "An `original` PDF.",
              .headers = DOC_H_ATTACHMENT },
            { 0, DOC_BYTES,
              .media = "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
              .description = "An `original` DOCX.", .headers = DOC_H_ATTACHMENT },
            { .shape = DOC_END } },
    .errors = (const doc_error[]){ { 409, "RESUME_NOT_READY",
                                     "`json`, `txt` or `md` of a resume not analyzed" },
                                   { 415, "UNSUPPORTED_EXPORT_FORMAT", "`pdf` or `docx`" },
                                   { 0 } },
};

static const http_doc preview_doc = {
    .responses = (const doc_response[]){ { 0, DOC_JSON, &preview_schema }, { .shape = DOC_END } },
    .errors =
        (const doc_error[]){ { 409, "RESUME_NOT_READY", "the resume is not analyzed" }, { 0 } },
};

const http_route resume_share_routes[] = {
    { "POST", RESUME "/sharing" ID "/share", share, HTTP_BODY_JSON, AUTH_USER, RL_DEFAULT, 200,
      "Share a resume (a new token each time)", "resumes", &share_doc },
    { "GET", RESUME "/sharing" ID "/share-status", share_get, 0, AUTH_USER, RL_DEFAULT, 200,
      "A resume's share status", "resumes", &share_status_doc },
    { "POST", RESUME "/sharing" ID "/unshare", unshare, 0, AUTH_USER, RL_DEFAULT, 204,
      "Stop sharing a resume", "resumes", &unshare_doc },
    { "GET", RESUME "/sharing/shared/{share_token}", shared_view, 0, AUTH_NONE, RL_DEFAULT, 200,
      "The public view of a shared resume", "resumes", &shared_view_doc },
    { "GET", RESUME "/export" ID "/download", export_download, 0, AUTH_USER, RL_DEFAULT, 200,
      "Download a resume or its analysis", "resumes", &download_doc },
    { "GET", RESUME "/export" ID "/preview", export_preview, 0, AUTH_USER, RL_DEFAULT, 200,
      "A short preview of a resume's analysis", "resumes", &preview_doc },
};
const size_t resume_share_routes_count = COUNT(resume_share_routes);
