#include "ai/schema.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "ai/redflag.h"
#include "core/errors.h"
#include "core/util.h"

static const char *const SKILL_CATEGORIES[] = { "language", "framework", "database", "cloud",
                                                "tool",     "soft",      "other" };
static const char *const QUESTION_CATEGORIES[] = { "technical",     "behavioral", "project",
                                                   "system_design", "coding",     "general" };
static const char *const DIFFICULTIES[] = { "easy", "medium", "hard" };
static const char *const SENIORITIES[] = { "junior", "mid", "senior", "lead" };

/* The reading state: the arena, and where the first problem is described. */
typedef struct {
    arena *a;
    char *err;
    size_t errlen;
    int rc;
} reader;

__attribute__((format(printf, 2, 3))) static int fail(reader *r, const char *fmt, ...)
{
    if (r->rc == IA_OK) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(r->err, r->errlen, fmt, ap);
        va_end(ap);
        r->rc = IA_ERR_INVALID;
    }
    return r->rc;
}

static int nomem(reader *r)
{
    if (r->rc == IA_OK) {
        snprintf(r->err, r->errlen, "out of memory");
        r->rc = IA_ERR_NOMEM;
    }
    return r->rc;
}

/* Copies s into the arena, cut at AI_TEXT_MAX bytes on a UTF-8 character boundary and with
 * surrounding white space removed. Returns NULL for an empty result. */
static const char *text_copy(reader *r, const char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    size_t n = strnlen(s, AI_TEXT_MAX + 1);
    if (n > AI_TEXT_MAX) {
        n = AI_TEXT_MAX;
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--;
    }
    while (n > 0 && isspace((unsigned char)s[n - 1]))
        n--;
    if (n == 0)
        return NULL;
    char *d = arena_memdup(r->a, s, n);
    if (d == NULL)
        nomem(r);
    return d;
}

/* A string or null (or absent) field: *out is NULL for null, absent or blank. */
static int opt_string(reader *r, const json_t *obj, const char *key, const char **out)
{
    const json_t *v = json_object_get(obj, key);
    *out = NULL;
    if (v == NULL || json_is_null(v))
        return IA_OK;
    if (!json_is_string(v))
        return fail(r, "%s must be a string or null", key);
    *out = text_copy(r, json_string_value(v));
    return r->rc;
}

/* A required, non-blank string field. */
static int req_string(reader *r, const json_t *obj, const char *key, const char **out)
{
    if (opt_string(r, obj, key, out) != IA_OK)
        return r->rc;
    if (*out == NULL)
        return fail(r, "%s is required", key);
    return IA_OK;
}

/* A number clamped into [lo, hi]. A missing or null field is an error when required, else
 * *out = dflt. */
static int number_in(reader *r, const json_t *obj, const char *key, bool required, double lo,
                     double hi, double dflt, double *out)
{
    const json_t *v = json_object_get(obj, key);
    if (v == NULL || json_is_null(v)) {
        if (required)
            return fail(r, "%s is required", key);
        *out = dflt;
        return IA_OK;
    }
    if (!json_is_number(v))
        return fail(r, "%s must be a number", key);
    double d = json_number_value(v);
    if (!isfinite(d))
        return fail(r, "%s must be a finite number", key);
    *out = d < lo ? lo : d > hi ? hi : d;
    return IA_OK;
}

/* An array of strings: null or absent is empty; blank and non-string items are skipped;
 * at most max are kept, duplicates (ignoring case) once. */
static int string_list(reader *r, const json_t *obj, const char *key, size_t max, ai_strs *out)
{
    const json_t *v = json_object_get(obj, key);
    *out = (ai_strs){ 0 };
    if (v == NULL || json_is_null(v))
        return IA_OK;
    if (!json_is_array(v))
        return fail(r, "%s must be an array of strings", key);
    size_t n = json_array_size(v);
    if ((out->v = arena_calloc(r->a, n < max ? n + 1 : max + 1, sizeof(char *))) == NULL)
        return nomem(r);
    for (size_t i = 0; i < n && out->n < max; i++) {
        const json_t *item = json_array_get(v, i);
        if (!json_is_string(item))
            continue;
        const char *s = text_copy(r, json_string_value(item));
        if (r->rc != IA_OK)
            return r->rc;
        bool dup = false;
        for (size_t k = 0; s != NULL && k < out->n && !dup; k++)
            dup = strcasecmp(out->v[k], s) == 0;
        if (s != NULL && !dup)
            out->v[out->n++] = s;
    }
    return IA_OK;
}

/* The allowed value equal to s ignoring case, spaces and hyphens ("System Design" is
 * "system_design"), or NULL. */
static const char *one_of(const char *s, const char *const *set, size_t n)
{
    if (s == NULL)
        return NULL;
    char norm[64];
    size_t k = 0;
    for (; *s && k + 1 < sizeof(norm); s++)
        norm[k++] = (*s == ' ' || *s == '-') ? '_' : (char)tolower((unsigned char)*s);
    norm[k] = '\0';
    for (size_t i = 0; i < n; i++)
        if (strcmp(norm, set[i]) == 0)
            return set[i];
    return NULL;
}

/* A date as "YYYY-MM" or "YYYY"; anything else is dropped (NULL), since a wrong date is worse
 * than none. */
static const char *date_or_null(const char *s)
{
    if (s == NULL)
        return NULL;
    size_t n = strlen(s);
    for (size_t i = 0; i < 4; i++)
        if (i >= n || !isdigit((unsigned char)s[i]))
            return NULL;
    if (n == 4)
        return s;
    if (n == 7 && s[4] == '-' && isdigit((unsigned char)s[5]) && isdigit((unsigned char)s[6])) {
        int m = (s[5] - '0') * 10 + (s[6] - '0');
        return m >= 1 && m <= 12 ? s : NULL;
    }
    return NULL;
}

/* The array at key (null or absent: none); *n items, at most max. */
static const json_t *object_array(reader *r, const json_t *obj, const char *key, size_t max,
                                  size_t *n)
{
    const json_t *v = json_object_get(obj, key);
    *n = 0;
    if (v == NULL || json_is_null(v))
        return NULL;
    if (!json_is_array(v)) {
        fail(r, "%s must be an array", key);
        return NULL;
    }
    *n = json_array_size(v) < max ? json_array_size(v) : max;
    return v;
}

static int read_skills(reader *r, const json_t *j, ai_analysis *out)
{
    size_t n;
    const json_t *arr = object_array(r, j, "skills", AI_LIST_MAX, &n);
    if (r->rc != IA_OK || n == 0)
        return r->rc;
    if ((out->skills = arena_calloc(r->a, n, sizeof(ai_skill_item))) == NULL)
        return nomem(r);
    for (size_t i = 0; i < json_array_size(arr) && out->nskills < n; i++) {
        const json_t *s = json_array_get(arr, i);
        ai_skill_item it = { 0 };
        const char *cat = NULL;
        if (json_is_string(s)) {
            it.name = text_copy(r, json_string_value(s));
        } else if (json_is_object(s)) {
            if (opt_string(r, s, "name", &it.name) != IA_OK ||
                opt_string(r, s, "category", &cat) != IA_OK)
                return r->rc;
        }
        if (it.name == NULL)
            continue;
        bool dup = false;
        for (size_t k = 0; k < out->nskills && !dup; k++)
            dup = strcasecmp(out->skills[k].name, it.name) == 0;
        if (dup)
            continue;
        it.category = one_of(cat, SKILL_CATEGORIES, COUNT(SKILL_CATEGORIES));
        if (it.category == NULL)
            it.category = "other";
        out->skills[out->nskills++] = it;
    }
    return r->rc;
}

static int read_experience(reader *r, const json_t *j, ai_analysis *out)
{
    size_t n;
    const json_t *arr = object_array(r, j, "experience", AI_EXPERIENCE_MAX, &n);
    if (r->rc != IA_OK || n == 0)
        return r->rc;
    if ((out->experience = arena_calloc(r->a, n, sizeof(ai_experience))) == NULL)
        return nomem(r);
    for (size_t i = 0; i < n; i++) {
        const json_t *e = json_array_get(arr, i);
        ai_experience *x = &out->experience[out->nexperience];
        if (!json_is_object(e))
            return fail(r, "experience[%zu] must be an object", i);
        if (opt_string(r, e, "job_title", &x->job_title) != IA_OK ||
            (x->job_title == NULL && opt_string(r, e, "position", &x->job_title) != IA_OK) ||
            opt_string(r, e, "company", &x->company) != IA_OK ||
            opt_string(r, e, "start_date", &x->start_date) != IA_OK ||
            opt_string(r, e, "end_date", &x->end_date) != IA_OK ||
            opt_string(r, e, "description", &x->description) != IA_OK ||
            string_list(r, e, "highlights", AI_HIGHLIGHTS_MAX, &x->highlights) != IA_OK)
            return r->rc;
        x->start_date = date_or_null(x->start_date);
        x->end_date = date_or_null(x->end_date);
        if (x->job_title != NULL || x->company != NULL)
            out->nexperience++;
    }
    return IA_OK;
}

static int read_education(reader *r, const json_t *j, ai_analysis *out)
{
    size_t n;
    const json_t *arr = object_array(r, j, "education", AI_EDUCATION_MAX, &n);
    if (r->rc != IA_OK || n == 0)
        return r->rc;
    if ((out->education = arena_calloc(r->a, n, sizeof(ai_education))) == NULL)
        return nomem(r);
    for (size_t i = 0; i < n; i++) {
        const json_t *e = json_array_get(arr, i);
        ai_education *x = &out->education[out->neducation];
        if (!json_is_object(e))
            return fail(r, "education[%zu] must be an object", i);
        if (opt_string(r, e, "degree", &x->degree) != IA_OK ||
            opt_string(r, e, "field_of_study", &x->field_of_study) != IA_OK ||
            opt_string(r, e, "institution", &x->institution) != IA_OK ||
            opt_string(r, e, "start_date", &x->start_date) != IA_OK ||
            opt_string(r, e, "end_date", &x->end_date) != IA_OK)
            return r->rc;
        /* A GPA is text as written, but a provider may send a number. */
        const json_t *gpa = json_object_get(e, "gpa");
        if (json_is_number(gpa)) {
            if ((x->gpa = arena_printf(r->a, "%g", json_number_value(gpa))) == NULL)
                return nomem(r);
        } else if (opt_string(r, e, "gpa", &x->gpa) != IA_OK) {
            return r->rc;
        }
        x->start_date = date_or_null(x->start_date);
        x->end_date = date_or_null(x->end_date);
        if (x->degree != NULL || x->institution != NULL)
            out->neducation++;
    }
    return IA_OK;
}

/* Rounds to one decimal, half to even (the rule the offline engine's figures use). */
static double round1(double d)
{
    double x = d * 10.0;
    double f = floor(x), diff = x - f;
    if (diff > 0.5 + 1e-9 || (fabs(diff - 0.5) <= 1e-9 && fmod(f, 2.0) != 0.0))
        f += 1.0;
    return f / 10.0;
}

static reader reader_init(arena *a, char *err, size_t errlen)
{
    if (errlen > 0)
        err[0] = '\0';
    return (reader){ a, err, errlen, IA_OK };
}

static int need_object(reader *r, const json_t *j, const char *what)
{
    if (!json_is_object(j))
        return fail(r, "%s must be a JSON object", what);
    return IA_OK;
}

const char *const ai_field_names[AI_FIELD_COUNT] = {
    [AI_FIELD_NAME] = "name",
    [AI_FIELD_EMAIL] = "email",
    [AI_FIELD_PHONE] = "phone",
    [AI_FIELD_LOCATION] = "location",
    [AI_FIELD_HEADLINE] = "headline",
    [AI_FIELD_SKILLS] = "skills",
    [AI_FIELD_EXPERIENCE] = "experience",
    [AI_FIELD_EDUCATION] = "education",
    [AI_FIELD_CERTIFICATIONS] = "certifications",
    [AI_FIELD_LANGUAGES] = "languages",
    [AI_FIELD_YEARS] = "years_of_experience",
    [AI_FIELD_ROLE] = "inferred_role",
    [AI_FIELD_SENIORITY] = "seniority",
};

int ai_field_of(const char *name)
{
    for (int i = 0; name != NULL && i < AI_FIELD_COUNT; i++)
        if (strcmp(name, ai_field_names[i]) == 0)
            return i;
    return -1;
}

/* field_confidence (absent or null: every field unknown, -1); names it does not know are
 * ignored, so a newer analysis still reads. */
static int read_field_confidence(reader *r, const json_t *j, ai_analysis *out)
{
    for (int i = 0; i < AI_FIELD_COUNT; i++)
        out->field_confidence[i] = -1;
    const json_t *fc = json_object_get(j, "field_confidence");
    if (fc == NULL || json_is_null(fc))
        return IA_OK;
    if (!json_is_object(fc))
        return fail(r, "field_confidence must be an object");
    for (int i = 0; i < AI_FIELD_COUNT; i++) {
        const json_t *v = json_object_get(fc, ai_field_names[i]);
        if (v == NULL || json_is_null(v))
            continue;
        if (!json_is_number(v) || json_number_value(v) < 0 || json_number_value(v) > 1)
            return fail(r, "field_confidence.%s must be a number from 0 to 1", ai_field_names[i]);
        out->field_confidence[i] = json_number_value(v);
    }
    return IA_OK;
}

int ai_analysis_from_json(arena *a, const json_t *j, ai_analysis *out, char *err, size_t errlen)
{
    reader r = reader_init(a, err, errlen);
    *out = (ai_analysis){ 0 };
    if (need_object(&r, j, "the analysis") != IA_OK)
        return r.rc;
    const char *seniority = NULL;
    const json_t *years = json_object_get(j, "years_of_experience");
    if (opt_string(&r, j, "name", &out->name) != IA_OK ||
        opt_string(&r, j, "email", &out->email) != IA_OK ||
        opt_string(&r, j, "phone", &out->phone) != IA_OK ||
        opt_string(&r, j, "location", &out->location) != IA_OK ||
        opt_string(&r, j, "summary", &out->summary) != IA_OK ||
        opt_string(&r, j, "headline", &out->headline) != IA_OK ||
        opt_string(&r, j, "inferred_role", &out->inferred_role) != IA_OK ||
        opt_string(&r, j, "seniority", &seniority) != IA_OK ||
        string_list(&r, j, "links", AI_LIST_MAX, &out->links) != IA_OK ||
        string_list(&r, j, "certifications", AI_LIST_MAX, &out->certifications) != IA_OK ||
        string_list(&r, j, "languages", AI_LIST_MAX, &out->languages) != IA_OK ||
        string_list(&r, j, "job_titles", AI_LIST_MAX, &out->job_titles) != IA_OK ||
        string_list(&r, j, "recommendations", AI_RECOMMEND_MAX, &out->recommendations) != IA_OK ||
        string_list(&r, j, "projects", AI_LIST_MAX, &out->projects) != IA_OK ||
        string_list(&r, j, "awards", AI_LIST_MAX, &out->awards) != IA_OK ||
        string_list(&r, j, "volunteering", AI_LIST_MAX, &out->volunteering) != IA_OK ||
        string_list(&r, j, "publications", AI_LIST_MAX, &out->publications) != IA_OK ||
        read_field_confidence(&r, j, out) != IA_OK || read_skills(&r, j, out) != IA_OK ||
        read_experience(&r, j, out) != IA_OK || read_education(&r, j, out) != IA_OK ||
        number_in(&r, j, "confidence_score", true, 0.0, 1.0, 0.0, &out->confidence_score) != IA_OK)
        return r.rc;
    out->seniority = one_of(seniority, SENIORITIES, COUNT(SENIORITIES));
    if (years != NULL && !json_is_null(years)) {
        if (number_in(&r, j, "years_of_experience", true, 0.0, 70.0, 0.0,
                      &out->years_of_experience) != IA_OK)
            return r.rc;
        out->has_years = true;
        out->years_of_experience = round1(out->years_of_experience);
    }
    return IA_OK;
}

/* ---- writing ------------------------------------------------------------------------------ */

static json_t *str_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

static json_t *strs_json(const ai_strs *l)
{
    json_t *arr = json_array();
    for (size_t i = 0; arr != NULL && i < l->n; i++)
        if (json_array_append_new(arr, json_string(l->v[i])) != 0) {
            json_decref(arr);
            return NULL;
        }
    return arr;
}

/* Sets key on obj to v (stolen); false when either is missing, so a chain of sets can stop. */
static bool put(json_t *obj, const char *key, json_t *v)
{
    if (obj == NULL || v == NULL) {
        json_decref(v);
        return false;
    }
    return json_object_set_new(obj, key, v) == 0;
}

static bool append(json_t *arr, json_t *v)
{
    if (arr == NULL || v == NULL) {
        json_decref(v);
        return false;
    }
    return json_array_append_new(arr, v) == 0;
}

/* A new array stored under key in obj at once (obj owns it; the caller fills the borrowed
 * reference), or NULL. */
static json_t *put_array(json_t *obj, const char *key)
{
    json_t *arr = json_array();
    return put(obj, key, arr) ? arr : NULL;
}

static json_t *put_object(json_t *obj, const char *key)
{
    json_t *o = json_object();
    return put(obj, key, o) ? o : NULL;
}

/* Returns obj when every step of building it succeeded, else frees it and returns NULL. */
static json_t *built(json_t *obj, bool ok)
{
    if (!ok) {
        json_decref(obj);
        return NULL;
    }
    return obj;
}

json_t *ai_analysis_to_json(const ai_analysis *an)
{
    json_t *o = json_object();
    bool ok =
        put(o, "name", str_or_null(an->name)) && put(o, "email", str_or_null(an->email)) &&
        put(o, "phone", str_or_null(an->phone)) && put(o, "location", str_or_null(an->location)) &&
        put(o, "summary", str_or_null(an->summary)) &&
        put(o, "inferred_role", str_or_null(an->inferred_role)) &&
        put(o, "seniority", str_or_null(an->seniority)) &&
        put(o, "years_of_experience",
            an->has_years ? json_real(round1(an->years_of_experience)) : json_null()) &&
        put(o, "links", strs_json(&an->links)) &&
        put(o, "certifications", strs_json(&an->certifications)) &&
        put(o, "languages", strs_json(&an->languages)) &&
        put(o, "job_titles", strs_json(&an->job_titles)) &&
        put(o, "recommendations", strs_json(&an->recommendations)) &&
        put(o, "headline", str_or_null(an->headline)) &&
        put(o, "projects", strs_json(&an->projects)) && put(o, "awards", strs_json(&an->awards)) &&
        put(o, "volunteering", strs_json(&an->volunteering)) &&
        put(o, "publications", strs_json(&an->publications)) &&
        put(o, "confidence_score", json_real(an->confidence_score));
    json_t *fc = ok ? put_object(o, "field_confidence") : NULL;
    for (int i = 0; fc != NULL && ok && i < AI_FIELD_COUNT; i++)
        if (an->field_confidence[i] >= 0)
            ok = put(fc, ai_field_names[i], json_real(rint(an->field_confidence[i] * 100) / 100));
    ok = ok && fc != NULL;
    json_t *skills = ok ? put_array(o, "skills") : NULL;
    json_t *exp = skills ? put_array(o, "experience") : NULL;
    json_t *edu = exp ? put_array(o, "education") : NULL;
    ok = edu != NULL;
    for (size_t i = 0; ok && i < an->nskills; i++)
        ok = append(skills, json_pack("{s:s,s:s}", "name", an->skills[i].name, "category",
                                      an->skills[i].category));
    for (size_t i = 0; ok && i < an->nexperience; i++) {
        const ai_experience *x = &an->experience[i];
        json_t *e = json_object();
        ok = append(exp, e) && put(e, "job_title", str_or_null(x->job_title)) &&
             put(e, "position", str_or_null(x->job_title)) &&
             put(e, "company", str_or_null(x->company)) &&
             put(e, "start_date", str_or_null(x->start_date)) &&
             put(e, "end_date", str_or_null(x->end_date)) &&
             put(e, "description", str_or_null(x->description)) &&
             put(e, "highlights", strs_json(&x->highlights));
    }
    for (size_t i = 0; ok && i < an->neducation; i++) {
        const ai_education *x = &an->education[i];
        json_t *e = json_object();
        ok = append(edu, e) && put(e, "degree", str_or_null(x->degree)) &&
             put(e, "field_of_study", str_or_null(x->field_of_study)) &&
             put(e, "institution", str_or_null(x->institution)) &&
             put(e, "start_date", str_or_null(x->start_date)) &&
             put(e, "end_date", str_or_null(x->end_date)) && put(e, "gpa", str_or_null(x->gpa));
    }
    return built(o, ok);
}

/* ---- questions ---------------------------------------------------------------------------- */

/* The question's red flags (docs/design.md "AI"), as the bank writes them: a flag without a
 * claim, a correct statement or any pattern the matcher accepts (ai/redflag.h) is dropped, so
 * are its refused patterns, and a point that names no key point becomes -1. */
static int read_red_flags(reader *r, const json_t *j, ai_question *q)
{
    size_t n;
    const json_t *flags = object_array(r, j, "red_flags", AI_RED_FLAGS_MAX, &n);
    if (r->rc != IA_OK || n == 0)
        return r->rc;
    if ((q->red_flags = arena_calloc(r->a, n, sizeof(ai_red_flag))) == NULL)
        return nomem(r);
    for (size_t i = 0; i < n; i++) {
        const json_t *f = json_array_get(flags, i);
        ai_red_flag *x = &q->red_flags[q->nred_flags];
        *x = (ai_red_flag){ .point = -1 };
        if (!json_is_object(f))
            continue;
        ai_strs patterns;
        if (opt_string(r, f, "claim", &x->claim) != IA_OK ||
            opt_string(r, f, "correct", &x->correct) != IA_OK ||
            string_list(r, f, "patterns", AI_PATTERNS_MAX, &patterns) != IA_OK)
            return r->rc;
        const json_t *point = json_object_get(f, "point");
        if (json_is_integer(point) && json_integer_value(point) >= 0 &&
            json_integer_value(point) < (json_int_t)q->nkey_points)
            x->point = (int)json_integer_value(point);
        x->patterns = (ai_strs){ .v = patterns.v };
        for (size_t k = 0; k < patterns.n; k++) {
            ai_redflag_pattern compiled;
            char why[160];
            int rc =
                ai_redflag_compile_pattern(r->a, NULL, patterns.v[k], &compiled, why, sizeof(why));
            if (rc == IA_ERR_NOMEM)
                return nomem(r);
            if (rc == IA_OK)
                x->patterns.v[x->patterns.n++] = patterns.v[k];
        }
        if (x->claim != NULL && x->correct != NULL && x->patterns.n > 0)
            q->nred_flags++;
    }
    return IA_OK;
}

static int read_question(reader *r, const json_t *j, ai_question *q)
{
    *q = (ai_question){ 0 };
    const char *cat = NULL, *level = NULL;
    if (need_object(r, j, "a question") != IA_OK ||
        opt_string(r, j, "question_text", &q->text) != IA_OK ||
        (q->text == NULL && opt_string(r, j, "text", &q->text) != IA_OK) ||
        opt_string(r, j, "category", &cat) != IA_OK ||
        opt_string(r, j, "difficulty", &level) != IA_OK ||
        opt_string(r, j, "bank_id", &q->bank_id) != IA_OK ||
        opt_string(r, j, "model_answer", &q->model_answer) != IA_OK ||
        string_list(r, j, "skills", AI_LIST_MAX, &q->skills) != IA_OK)
        return r->rc;
    if (q->text == NULL)
        return fail(r, "question_text is required");
    q->category = one_of(cat, QUESTION_CATEGORIES, COUNT(QUESTION_CATEGORIES));
    if (q->category == NULL)
        q->category = "general";
    q->difficulty = one_of(level, DIFFICULTIES, COUNT(DIFFICULTIES));
    if (q->difficulty == NULL)
        q->difficulty = "medium";
    size_t n;
    const json_t *kps = object_array(r, j, "key_points", AI_KEY_POINTS_MAX, &n);
    if (r->rc != IA_OK)
        return r->rc;
    if (n > 0 && (q->key_points = arena_calloc(r->a, n, sizeof(ai_key_point))) == NULL)
        return nomem(r);
    for (size_t i = 0; i < n; i++) {
        const json_t *kp = json_array_get(kps, i);
        ai_key_point *p = &q->key_points[q->nkey_points];
        if (json_is_string(kp)) {
            p->point = text_copy(r, json_string_value(kp));
        } else if (json_is_object(kp)) {
            if (opt_string(r, kp, "point", &p->point) != IA_OK ||
                string_list(r, kp, "terms", AI_LIST_MAX, &p->terms) != IA_OK)
                return r->rc;
        }
        if (p->point != NULL)
            q->nkey_points++;
    }
    return read_red_flags(r, j, q);
}

int ai_question_from_json(arena *a, const json_t *j, ai_question *out, char *err, size_t errlen)
{
    reader r = reader_init(a, err, errlen);
    return read_question(&r, j, out);
}

json_t *ai_question_to_json(const ai_question *q)
{
    json_t *o = json_object();
    bool ok = put(o, "question_text", json_string(q->text)) &&
              put(o, "category", json_string(q->category)) &&
              put(o, "difficulty", json_string(q->difficulty)) &&
              put(o, "bank_id", str_or_null(q->bank_id)) &&
              put(o, "model_answer", str_or_null(q->model_answer)) &&
              put(o, "skills", strs_json(&q->skills));
    json_t *kps = ok ? put_array(o, "key_points") : NULL;
    ok = kps != NULL;
    for (size_t i = 0; ok && i < q->nkey_points; i++) {
        json_t *kp = json_object();
        ok = append(kps, kp) && put(kp, "point", json_string(q->key_points[i].point)) &&
             put(kp, "terms", strs_json(&q->key_points[i].terms));
    }
    json_t *flags = ok && q->nred_flags > 0 ? put_array(o, "red_flags") : NULL;
    ok = ok && (q->nred_flags == 0 || flags != NULL);
    for (size_t i = 0; ok && i < q->nred_flags; i++) {
        const ai_red_flag *f = &q->red_flags[i];
        json_t *fo = json_object();
        ok = append(flags, fo) && put(fo, "claim", json_string(f->claim)) &&
             put(fo, "correct", json_string(f->correct)) &&
             put(fo, "point", json_integer(f->point)) &&
             put(fo, "patterns", strs_json(&f->patterns));
    }
    return built(o, ok);
}

int ai_questions_from_json(arena *a, const json_t *j, size_t count, ai_questions *out, char *err,
                           size_t errlen)
{
    reader r = reader_init(a, err, errlen);
    *out = (ai_questions){ 0 };
    if (need_object(&r, j, "the questions") != IA_OK)
        return r.rc;
    const json_t *arr = json_object_get(j, "questions");
    if (!json_is_array(arr))
        return fail(&r, "questions must be an array");
    if (count > AI_QUESTIONS_MAX)
        count = AI_QUESTIONS_MAX;
    if (json_array_size(arr) < count)
        return fail(&r, "%zu questions were asked for, %zu came back", count, json_array_size(arr));
    if ((out->v = arena_calloc(a, count + 1, sizeof(ai_question))) == NULL)
        return nomem(&r);
    for (size_t i = 0; i < count; i++) {
        if (read_question(&r, json_array_get(arr, i), &out->v[i]) != IA_OK)
            return r.rc;
        for (size_t k = 0; k < i; k++)
            if (strcasecmp(out->v[k].text, out->v[i].text) == 0)
                return fail(&r, "question %zu repeats question %zu", i + 1, k + 1);
        out->n++;
    }
    return IA_OK;
}

json_t *ai_questions_to_json(const ai_questions *qs)
{
    json_t *arr = json_array();
    bool ok = arr != NULL;
    for (size_t i = 0; ok && i < qs->n; i++)
        ok = append(arr, ai_question_to_json(&qs->v[i]));
    if (!ok) {
        json_decref(arr);
        return NULL;
    }
    return json_pack("{s:o}", "questions", arr);
}

/* ---- evaluation --------------------------------------------------------------------------- */

int ai_evaluation_from_json(arena *a, const json_t *j, ai_evaluation *out, char *err, size_t errlen)
{
    reader r = reader_init(a, err, errlen);
    *out = (ai_evaluation){ 0 };
    if (need_object(&r, j, "the evaluation") != IA_OK ||
        number_in(&r, j, "score", true, 0.0, 100.0, 0.0, &out->score) != IA_OK ||
        number_in(&r, j, "communication", false, 0.0, 100.0, -1.0, &out->communication) != IA_OK ||
        req_string(&r, j, "feedback", &out->feedback) != IA_OK ||
        string_list(&r, j, "strengths", AI_FEEDBACK_ITEMS, &out->strengths) != IA_OK ||
        string_list(&r, j, "improvements", AI_FEEDBACK_ITEMS, &out->improvements) != IA_OK ||
        opt_string(&r, j, "model_answer", &out->model_answer) != IA_OK)
        return r.rc;
    const json_t *dims = json_object_get(j, "dimensions");
    if (dims != NULL && !json_is_null(dims) && !json_is_object(dims))
        return fail(&r, "dimensions must be an object of scores");
    const char *key;
    const json_t *v;
    json_object_foreach((json_t *)dims, key, v)
    {
        if (out->ndimensions == AI_DIMENSIONS_MAX)
            break;
        ai_dimension *d = &out->dimensions[out->ndimensions];
        if (!json_is_number(v) || !isfinite(json_number_value(v)))
            return fail(&r, "dimensions.%s must be a number", key);
        if ((d->name = text_copy(&r, key)) == NULL) {
            if (r.rc != IA_OK)
                return r.rc;
            continue;
        }
        double s = json_number_value(v);
        d->score = s < 0 ? 0 : s > 100 ? 100 : s;
        out->ndimensions++;
    }
    /* Without its own communication score, the answer's score stands for it. */
    if (out->communication < 0)
        out->communication = out->score;
    return IA_OK;
}

json_t *ai_evaluation_to_json(const ai_evaluation *ev)
{
    json_t *o = json_object();
    bool ok = put(o, "score", json_real(ev->score)) &&
              put(o, "communication", json_real(ev->communication)) &&
              put(o, "feedback", str_or_null(ev->feedback)) &&
              put(o, "strengths", strs_json(&ev->strengths)) &&
              put(o, "improvements", strs_json(&ev->improvements)) &&
              put(o, "model_answer", str_or_null(ev->model_answer));
    json_t *dims = ok ? put_object(o, "dimensions") : NULL;
    ok = dims != NULL;
    for (size_t i = 0; ok && i < ev->ndimensions; i++)
        ok = put(dims, ev->dimensions[i].name, json_real(ev->dimensions[i].score));
    return built(o, ok);
}

/* ---- summary ------------------------------------------------------------------------------ */

int ai_summary_from_json(arena *a, const json_t *j, ai_summary *out, char *err, size_t errlen)
{
    reader r = reader_init(a, err, errlen);
    *out = (ai_summary){ 0 };
    if (need_object(&r, j, "the summary") != IA_OK ||
        number_in(&r, j, "final_score", false, 0.0, 100.0, 0.0, &out->final_score) != IA_OK ||
        req_string(&r, j, "summary", &out->summary) != IA_OK ||
        string_list(&r, j, "strengths", AI_FEEDBACK_ITEMS, &out->strengths) != IA_OK ||
        string_list(&r, j, "weaknesses", AI_FEEDBACK_ITEMS, &out->weaknesses) != IA_OK)
        return r.rc;
    const json_t *bd = json_object_get(j, "score_breakdown");
    if (bd != NULL && !json_is_null(bd) && !json_is_object(bd))
        return fail(&r, "score_breakdown must be an object of scores");
    const char *key;
    const json_t *v;
    json_object_foreach((json_t *)bd, key, v)
    {
        const char *cat = one_of(key, QUESTION_CATEGORIES, COUNT(QUESTION_CATEGORIES));
        if (cat == NULL && strcmp(key, "communication") == 0)
            cat = "communication";
        if (cat == NULL && strcmp(key, "overall") == 0)
            cat = "overall";
        if (cat == NULL || out->nbreakdown == COUNT(out->breakdown))
            continue;
        if (!json_is_number(v) || !isfinite(json_number_value(v)))
            return fail(&r, "score_breakdown.%s must be a number", key);
        double s = json_number_value(v);
        out->breakdown[out->nbreakdown++] = (ai_category_score){ cat, s < 0     ? 0
                                                                      : s > 100 ? 100
                                                                                : s };
    }
    return IA_OK;
}

json_t *ai_summary_to_json(const ai_summary *s)
{
    json_t *o = json_object();
    bool ok = put(o, "final_score", json_real(s->final_score)) &&
              put(o, "strengths", strs_json(&s->strengths)) &&
              put(o, "weaknesses", strs_json(&s->weaknesses)) &&
              put(o, "summary", str_or_null(s->summary));
    json_t *bd = ok ? put_object(o, "score_breakdown") : NULL;
    ok = bd != NULL;
    for (size_t i = 0; ok && i < s->nbreakdown; i++)
        ok = put(bd, s->breakdown[i].category, json_real(s->breakdown[i].score));
    return built(o, ok);
}

/* ---- match -------------------------------------------------------------------------------- */

/* The match's requirements (docs/api.md §5.3): absent or null is none (LLM providers write
 * none); an item without a text is skipped; kind is "required" unless it says "preferred"; met
 * is false unless true. At most AI_REQUIREMENTS_MAX are kept, in the order given. */
static int read_requirements(reader *r, const json_t *j, ai_match *out)
{
    size_t n;
    const json_t *arr = object_array(r, j, "requirements", AI_REQUIREMENTS_MAX, &n);
    if (r->rc != IA_OK || n == 0)
        return r->rc;
    if ((out->requirements = arena_calloc(r->a, n, sizeof(ai_requirement))) == NULL)
        return nomem(r);
    for (size_t i = 0; i < n; i++) {
        const json_t *e = json_array_get(arr, i);
        ai_requirement *q = &out->requirements[out->nrequirements];
        const char *kind = NULL;
        if (!json_is_object(e))
            return fail(r, "requirements[%zu] must be an object", i);
        if (opt_string(r, e, "text", &q->text) != IA_OK ||
            opt_string(r, e, "kind", &kind) != IA_OK ||
            opt_string(r, e, "evidence", &q->evidence) != IA_OK)
            return r->rc;
        q->kind = kind != NULL && strcmp(kind, "preferred") == 0 ? "preferred" : "required";
        q->met = json_is_true(json_object_get(e, "met"));
        if (q->text != NULL)
            out->nrequirements++;
    }
    return IA_OK;
}

int ai_match_from_json(arena *a, const json_t *j, ai_match *out, char *err, size_t errlen)
{
    reader r = reader_init(a, err, errlen);
    *out = (ai_match){ 0 };
    if (need_object(&r, j, "the match") != IA_OK ||
        number_in(&r, j, "match_score", true, 0.0, 100.0, 0.0, &out->match_score) != IA_OK ||
        string_list(&r, j, "matched_skills", AI_LIST_MAX, &out->matched_skills) != IA_OK ||
        string_list(&r, j, "missing_skills", AI_LIST_MAX, &out->missing_skills) != IA_OK ||
        string_list(&r, j, "recommendations", AI_RECOMMEND_MAX, &out->recommendations) != IA_OK ||
        read_requirements(&r, j, out) != IA_OK)
        return r.rc;
    return IA_OK;
}

json_t *ai_match_to_json(const ai_match *m)
{
    json_t *o = json_object();
    bool ok = put(o, "match_score", json_real(m->match_score)) &&
              put(o, "matched_skills", strs_json(&m->matched_skills)) &&
              put(o, "missing_skills", strs_json(&m->missing_skills)) &&
              put(o, "recommendations", strs_json(&m->recommendations));
    json_t *reqs = ok ? put_array(o, "requirements") : NULL;
    ok = reqs != NULL;
    for (size_t i = 0; ok && i < m->nrequirements; i++) {
        const ai_requirement *q = &m->requirements[i];
        json_t *e = json_object();
        ok = put(e, "text", json_string(q->text)) &&
             put(e, "kind", json_string(q->kind ? q->kind : "required")) &&
             put(e, "met", json_boolean(q->met)) && put(e, "evidence", str_or_null(q->evidence));
        ok = append(reqs, built(e, ok)) && ok;
    }
    return built(o, ok);
}
