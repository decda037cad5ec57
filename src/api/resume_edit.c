#include "api/resume_edit.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/errors.h"
#include "core/utf8.h"
#include "http/validate.h"
#include "core/util.h"

#define YEARS_MAX      70
#define SKILLS_MAX     100
#define SKILL_NAME_MAX 60
#define ENTRY_TEXT_MAX 150
#define FREE_TEXT_MAX  3000
#define HIGHLIGHTS_MAX 30
#define HIGHLIGHT_MAX  500

static const char *const SENIORITIES[] = { "junior", "mid", "senior", "lead", NULL };
static const char *const CATEGORIES[] = { "language", "framework", "database", "cloud",
                                          "tool",     "soft",      "other",    NULL };

/* What a field of the body holds: one line of text, free text, a date, a seniority, a
 * number of years, a list of strings, of skills, of experience or of education entries. */
typedef enum { K_LINE, K_TEXT, K_DATE, K_SENIORITY, K_YEARS, K_STRINGS, K_SKILLS, K_OBJECTS } kind;

typedef struct field field;
struct field {
    const char *name;
    kind kind;
    long long max;      /* characters of text; items of a list */
    long long item_max; /* K_STRINGS: characters of each item */
    const field *sub;   /* K_OBJECTS: the fields of each entry */
    size_t nsub;
    const char *need_one; /* K_OBJECTS: an entry needs this field or `need_other` */
    const char *need_other;
};

static const field EXPERIENCE[] = {
    { "job_title", K_LINE, ENTRY_TEXT_MAX },
    { "position", K_LINE, ENTRY_TEXT_MAX },
    { "company", K_LINE, ENTRY_TEXT_MAX },
    { "start_date", K_DATE },
    { "end_date", K_DATE },
    { "description", K_TEXT, FREE_TEXT_MAX },
    { "highlights", K_STRINGS, HIGHLIGHTS_MAX, HIGHLIGHT_MAX },
};

static const field EDUCATION[] = {
    { "degree", K_LINE, ENTRY_TEXT_MAX },
    { "field_of_study", K_LINE, ENTRY_TEXT_MAX },
    { "institution", K_LINE, ENTRY_TEXT_MAX },
    { "start_date", K_DATE },
    { "end_date", K_DATE },
    { "gpa", K_LINE, 20 },
};

/* The correctable fields, in the order corrected_fields lists them. */
static const field FIELDS[] = {
    { "name", K_LINE, 100 },
    { "headline", K_LINE, 200 },
    { "location", K_LINE, 200 },
    { "summary", K_TEXT, FREE_TEXT_MAX },
    { "inferred_role", K_LINE, 100 },
    { "seniority", K_SENIORITY },
    { "years_of_experience", K_YEARS },
    { "skills", K_SKILLS, SKILLS_MAX },
    { "experience", K_OBJECTS, 30, 0, EXPERIENCE, COUNT(EXPERIENCE), "job_title", "company" },
    { "education", K_OBJECTS, 20, 0, EDUCATION, COUNT(EDUCATION), "degree", "institution" },
    { "certifications", K_STRINGS, 50, 150 },
    { "languages", K_STRINGS, 30, 80 },
};
#define NFIELDS (COUNT(FIELDS))

const char resume_edit_body_schema[] =
    "{\"type\":\"object\",\"additionalProperties\":false,"
    "\"description\":\"A partial analysis: each field given replaces the stored one; absent or "
    "null fields stay as they are; `\\\"\\\"` clears a text field. Problems inside a list are "
    "reported at the item's index (and field).\","
    "\"properties\":{"
    "\"name\":{\"type\":[\"string\",\"null\"],\"maxLength\":100},"
    "\"headline\":{\"type\":[\"string\",\"null\"],\"maxLength\":200,"
    "\"description\":\"The professional title line under the name\"},"
    "\"location\":{\"type\":[\"string\",\"null\"],\"maxLength\":200},"
    "\"summary\":{\"type\":[\"string\",\"null\"],\"maxLength\":3000,"
    "\"description\":\"May contain line breaks and tabs.\"},"
    "\"inferred_role\":{\"type\":[\"string\",\"null\"],\"maxLength\":100},"
    "\"seniority\":{\"type\":[\"string\",\"null\"],\"enum\":[\"junior\",\"mid\",\"senior\","
    "\"lead\",null]},"
    "\"years_of_experience\":{\"type\":[\"number\",\"null\"],\"minimum\":0,\"maximum\":70,"
    "\"description\":\"Rounded to one decimal\",\"examples\":[6.5]},"
    "\"skills\":{\"type\":[\"array\",\"null\"],\"maxItems\":100,\"description\":\"Replaces the "
    "list (add, remove, rename); a bare name keeps the category the skill had, else `other`; "
    "repeated names count once\",\"items\":{\"anyOf\":[{\"type\":\"string\",\"minLength\":1,"
    "\"maxLength\":60},{\"type\":\"object\",\"additionalProperties\":false,\"required\":[\"name\"],"
    "\"properties\":{\"name\":{\"type\":\"string\",\"minLength\":1,\"maxLength\":60},"
    "\"category\":{\"type\":[\"string\",\"null\"],\"enum\":[\"language\",\"framework\","
    "\"database\",\"cloud\",\"tool\",\"soft\",\"other\",null]}}}],\"examples\":[\"Python\"]}},"
    "\"experience\":{\"type\":[\"array\",\"null\"],\"maxItems\":30,\"description\":\"Replaces the "
    "list; each entry needs a job title or a company; `end_date` null = current\","
    "\"items\":{\"type\":\"object\",\"additionalProperties\":false,\"properties\":{"
    "\"job_title\":{\"type\":[\"string\",\"null\"],\"maxLength\":150},"
    "\"position\":{\"type\":[\"string\",\"null\"],\"maxLength\":150,"
    "\"description\":\"Taken for job_title when that is absent\"},"
    "\"company\":{\"type\":[\"string\",\"null\"],\"maxLength\":150},"
    "\"start_date\":{\"type\":[\"string\",\"null\"],\"pattern\":\"^[0-9]{4}(-(0[1-9]|1[0-2]))?$\"},"
    "\"end_date\":{\"type\":[\"string\",\"null\"],\"pattern\":\"^[0-9]{4}(-(0[1-9]|1[0-2]))?$\","
    "\"description\":\"Not before start_date\"},"
    "\"description\":{\"type\":[\"string\",\"null\"],\"maxLength\":3000},"
    "\"highlights\":{\"type\":[\"array\",\"null\"],\"maxItems\":30,\"items\":{\"type\":\"string\","
    "\"minLength\":1,\"maxLength\":500}}},"
    "\"examples\":[{\"job_title\":\"Backend Engineer\",\"company\":\"Acme\",\"start_date\":"
    "\"2021-03\",\"end_date\":null,\"highlights\":[\"Built the billing API\"]}]}},"
    "\"education\":{\"type\":[\"array\",\"null\"],\"maxItems\":20,\"description\":\"Replaces the "
    "list; each entry needs a degree or an institution\","
    "\"items\":{\"type\":\"object\",\"additionalProperties\":false,\"properties\":{"
    "\"degree\":{\"type\":[\"string\",\"null\"],\"maxLength\":150},"
    "\"field_of_study\":{\"type\":[\"string\",\"null\"],\"maxLength\":150},"
    "\"institution\":{\"type\":[\"string\",\"null\"],\"maxLength\":150},"
    "\"start_date\":{\"type\":[\"string\",\"null\"],\"pattern\":\"^[0-9]{4}(-(0[1-9]|1[0-2]))?$\"},"
    "\"end_date\":{\"type\":[\"string\",\"null\"],\"pattern\":\"^[0-9]{4}(-(0[1-9]|1[0-2]))?$\"},"
    "\"gpa\":{\"type\":[\"string\",\"null\"],\"maxLength\":20}},"
    "\"examples\":[{\"degree\":\"BSc\",\"field_of_study\":\"Computer Science\",\"institution\":"
    "\"University of Leeds\",\"end_date\":\"2016\"}]}},"
    "\"certifications\":{\"type\":[\"array\",\"null\"],\"maxItems\":50,\"items\":{\"type\":"
    "\"string\",\"minLength\":1,\"maxLength\":150}},"
    "\"languages\":{\"type\":[\"array\",\"null\"],\"maxItems\":30,\"description\":\"Proficiency "
    "kept as written\",\"items\":{\"type\":\"string\",\"minLength\":1,\"maxLength\":80}}}}";

/* Adds one 422 item at loc (reference stolen). */
static void add_item(json_t *items, json_t *loc, const char *msg, const char *type)
{
    json_array_append_new(items,
                          json_pack("{s:o, s:s, s:s}", "loc", loc, "msg", msg, "type", type));
}

/* The loc of a value: ["body", name], then the index and the field inside a list (index < 0
 * or sub NULL: not given). */
static json_t *loc_of(const char *name, long long index, const char *sub)
{
    json_t *loc = json_pack("[s,s]", "body", name);
    if (index >= 0)
        json_array_append_new(loc, json_integer(index));
    if (sub != NULL)
        json_array_append_new(loc, json_string(sub));
    return loc;
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Checks a text value as docs/api.md §1.2 says (a string, trimmed, no control character but
 * line breaks and tabs in free text, no bidirectional control, at most max code points, at
 * least min). Returns the trimmed value as a new JSON string (JSON null when empty and min is
 * 0), or NULL after adding an item at loc (stolen either way). */
static json_t *check_text(const json_t *v, json_t *loc, long long min, long long max,
                          bool multiline, json_t *items)
{
    if (!json_is_string(v)) {
        add_item(items, loc, "Input should be a valid string", "string_type");
        return NULL;
    }
    const char *s = json_string_value(v);
    size_t n = json_string_length(v);
    while (n > 0 && is_space(*s)) {
        s++;
        n--;
    }
    while (n > 0 && is_space(s[n - 1]))
        n--;
    json_t *out = json_stringn(s, n);
    const char *t = json_string_value(out);
    long long len = t ? ia_utf8_length(t) : -1;
    bool control = t == NULL || strlen(t) != n;
    for (size_t i = 0; !control && i < n; i++) {
        unsigned char c = (unsigned char)t[i];
        control = c == 0x7f || (c < 0x20 && !(multiline && (c == '\n' || c == '\t' || c == '\r')));
    }
    char msg[96];
    const char *why = NULL, *type = NULL;
    if (len < 0 || control) {
        why = "Value must not contain control characters";
        type = "value_error";
    } else if (validate_has_bidi(t)) {
        why = "Value must not contain bidirectional control characters";
        type = "value_error";
    } else if (len < min) {
        snprintf(msg, sizeof(msg), "String should have at least %lld character%s", min,
                 min == 1 ? "" : "s");
        why = msg;
        type = "string_too_short";
    } else if (len > max) {
        snprintf(msg, sizeof(msg), "String should have at most %lld characters", max);
        why = msg;
        type = "string_too_long";
    }
    if (why != NULL) {
        json_decref(out);
        add_item(items, loc, why, type);
        return NULL;
    }
    json_decref(loc);
    if (n == 0) {
        json_decref(out);
        return json_null();
    }
    return out;
}

/* True for "YYYY" or "YYYY-MM" with a month 01-12. */
static bool is_date(const char *s)
{
    size_t n = strlen(s);
    if (n != 4 && n != 7)
        return false;
    for (size_t i = 0; i < n; i++)
        if (i == 4 ? s[i] != '-' : !isdigit((unsigned char)s[i]))
            return false;
    return n == 4 || ((s[5] == '0' && s[6] >= '1') || (s[5] == '1' && s[6] <= '2'));
}

/* A date field: JSON null when empty, else "YYYY" or "YYYY-MM". */
static json_t *check_date(const json_t *v, json_t *loc, json_t *items)
{
    json_incref(loc);
    json_t *t = check_text(v, loc, 0, 7, false, items);
    if (t == NULL || json_is_null(t) || is_date(json_string_value(t))) {
        json_decref(loc);
        return t;
    }
    json_decref(t);
    add_item(items, loc, "Date should be YYYY-MM or YYYY", "value_error");
    return NULL;
}

/* Checks that v is a list of at most max items; adds the item and returns false otherwise. */
static bool check_list(const json_t *v, const char *name, long long index, const char *sub,
                       long long max, json_t *items)
{
    char msg[96];
    if (!json_is_array(v)) {
        add_item(items, loc_of(name, index, sub), "Input should be a valid list", "list_type");
        return false;
    }
    if ((long long)json_array_size(v) > max) {
        snprintf(msg, sizeof(msg), "List should have at most %lld items", max);
        add_item(items, loc_of(name, index, sub), msg, "too_long");
        return false;
    }
    return true;
}

/* Checks one item (index i) of a list; appends what it accepts to out and returns false after
 * adding items when it refuses it. ctx is the caller's. */
typedef bool (*item_check)(const json_t *it, size_t i, const void *ctx, json_t *out, json_t *items);

/* The list v (at most max items; name, index and sub place it as check_list does) checked item
 * by item with check: a new array of what was accepted, or NULL after adding items when the
 * list or any of its items is refused. Every item is checked, so all the errors are reported. */
static json_t *collect_list(const json_t *v, const char *name, long long index, const char *sub,
                            long long max, item_check check, const void *ctx, json_t *items)
{
    if (!check_list(v, name, index, sub, max, items))
        return NULL;
    json_t *out = json_array();
    size_t i;
    json_t *it;
    bool ok = true;
    json_array_foreach(v, i, it)
    {
        bool accepted = check(it, i, ctx, out, items);
        ok = ok && accepted;
    }
    if (!ok) {
        json_decref(out);
        return NULL;
    }
    return out;
}

/* Where a list of strings stands: its field, and the entry (index >= 0) of list name holding it. */
typedef struct {
    const field *f;
    const char *name;
    long long index;
} strings_at;

/* One string of a list of strings (collect_list's item_check; ctx is a strings_at). */
static bool check_string_item(const json_t *it, size_t i, const void *ctx, json_t *out,
                              json_t *items)
{
    const strings_at *at = ctx;
    json_t *loc = at->index >= 0 ? loc_of(at->name, at->index, at->f->name)
                                 : loc_of(at->name, (long long)i, NULL);
    json_t *s = check_text(it, loc, 1, at->f->item_max, false, items);
    if (s != NULL)
        json_array_append_new(out, s);
    return s != NULL;
}

/* A list of strings of 1..item_max characters. Inside an entry (index >= 0, sub) the items'
 * loc is that of the list, which a form shows as one field. */
static json_t *check_strings(const json_t *v, const field *f, const char *name, long long index,
                             json_t *items)
{
    const strings_at at = { f, name, index };
    return collect_list(v, name, index, index >= 0 ? f->name : NULL, f->max, check_string_item, &at,
                        items);
}

/* True when list holds an object whose name equals name in any case. */
static bool has_skill(const json_t *list, const char *name)
{
    size_t i;
    json_t *it;
    json_array_foreach(list, i, it)
    {
        const char *n = json_string_value(json_object_get(it, "name"));
        if (n != NULL && strcasecmp(n, name) == 0)
            return true;
    }
    return false;
}

/* One skill: a name or {name, category}; a name already in out (any case) is not added again
 * (collect_list's item_check). */
static bool check_skill_item(const json_t *it, size_t i, const void *ctx, json_t *out,
                             json_t *items)
{
    (void)ctx;
    bool ok = true;
    json_t *name = NULL, *category = json_null();
    if (json_is_string(it)) {
        name =
            check_text(it, loc_of("skills", (long long)i, NULL), 1, SKILL_NAME_MAX, false, items);
    } else if (json_is_object(it)) {
        const char *key;
        json_t *val;
        json_object_foreach((json_t *)it, key, val)
        {
            if (strcmp(key, "name") != 0 && strcmp(key, "category") != 0)
                add_item(items, loc_of("skills", (long long)i, key),
                         "Extra inputs are not permitted", "extra_forbidden");
        }
        json_t *n = json_object_get(it, "name");
        if (n == NULL || json_is_null(n))
            add_item(items, loc_of("skills", (long long)i, "name"), "Field required", "missing");
        else
            name = check_text(n, loc_of("skills", (long long)i, "name"), 1, SKILL_NAME_MAX, false,
                              items);
        json_t *c = json_object_get(it, "category");
        if (c != NULL && !json_is_null(c)) {
            bool known = false;
            for (size_t k = 0; json_is_string(c) && CATEGORIES[k] != NULL; k++)
                known = known || strcmp(CATEGORIES[k], json_string_value(c)) == 0;
            if (!json_is_string(c))
                add_item(items, loc_of("skills", (long long)i, "category"),
                         "Input should be a valid string", "string_type");
            else if (!known)
                add_item(items, loc_of("skills", (long long)i, "category"),
                         "Input should be one of 'language', 'framework', 'database', "
                         "'cloud', 'tool', 'soft', 'other'",
                         "enum");
            else
                category = json_incref(c);
            ok = ok && known;
        }
    } else {
        add_item(items, loc_of("skills", (long long)i, NULL),
                 "Input should be a valid string or an object with a name", "string_type");
    }
    ok = ok && name != NULL;
    if (name != NULL && !has_skill(out, json_string_value(name)))
        json_array_append_new(out, json_pack("{s:O, s:O}", "name", name, "category", category));
    json_decref(name);
    json_decref(category);
    return ok;
}

/* The skills: names or {name, category}; a repeated name (any case) counts once. */
static json_t *check_skills(const json_t *v, json_t *items)
{
    return collect_list(v, "skills", -1, NULL, SKILLS_MAX, check_skill_item, NULL, items);
}

static json_t *check_value(const json_t *v, const field *f, const char *name, long long index,
                           json_t *items);

/* One experience or education entry: every field of f->sub present in the result (null when
 * not given), unknown fields refused, dates in order, one of the two naming fields given. */
static json_t *check_entry(const json_t *v, const field *f, long long index, json_t *items)
{
    if (!json_is_object(v)) {
        add_item(items, loc_of(f->name, index, NULL), "Input should be a valid dictionary",
                 "dict_type");
        return NULL;
    }
    json_t *out = json_object();
    bool ok = true;
    const char *key;
    json_t *val;
    json_object_foreach((json_t *)v, key, val)
    {
        bool known = false;
        for (size_t k = 0; k < f->nsub && !known; k++)
            known = strcmp(f->sub[k].name, key) == 0;
        if (!known) {
            add_item(items, loc_of(f->name, index, key), "Extra inputs are not permitted",
                     "extra_forbidden");
            ok = false;
        }
    }
    for (size_t k = 0; k < f->nsub; k++) {
        const field *s = &f->sub[k];
        json_t *given = json_object_get(v, s->name);
        json_t *got = given == NULL || json_is_null(given)
                          ? (s->kind == K_STRINGS ? json_array() : json_null())
                          : check_value(given, s, f->name, index, items);
        ok = ok && got != NULL;
        if (got != NULL)
            json_object_set_new(out, s->name, got);
    }
    if (!ok) {
        json_decref(out);
        return NULL;
    }
    const char *start = json_string_value(json_object_get(out, "start_date"));
    const char *end = json_string_value(json_object_get(out, "end_date"));
    if (start != NULL && end != NULL && strncmp(end, start, strlen(end) < 7 ? 4 : 7) < 0) {
        add_item(items, loc_of(f->name, index, "end_date"),
                 "The end date should not be before the start date", "value_error");
        ok = false;
    }
    json_t *title = json_object_get(out, "position");
    if (title != NULL && json_is_null(json_object_get(out, "job_title")))
        json_object_set(out, "job_title", title); /* a client sending back the stored shape */
    if (title != NULL)
        json_object_set(out, "position", json_object_get(out, "job_title"));
    if (ok && json_is_null(json_object_get(out, f->need_one)) &&
        json_is_null(json_object_get(out, f->need_other))) {
        char msg[96];
        snprintf(msg, sizeof(msg), "An entry needs a %s or a%s %s", f->need_one,
                 strchr("aeiou", f->need_other[0]) ? "n" : "", f->need_other);
        for (char *c = msg; *c; c++)
            if (*c == '_')
                *c = ' ';
        add_item(items, loc_of(f->name, index, NULL), msg, "value_error");
        ok = false;
    }
    if (!ok) {
        json_decref(out);
        return NULL;
    }
    return out;
}

/* One entry of an experience or education list (collect_list's item_check; ctx is its field). */
static bool check_entry_item(const json_t *it, size_t i, const void *ctx, json_t *out,
                             json_t *items)
{
    json_t *e = check_entry(it, ctx, (long long)i, items);
    if (e != NULL)
        json_array_append_new(out, e);
    return e != NULL;
}

/* One value of a field (a top-level one when index < 0, else inside entry index of the list
 * `name`); a new JSON value, or NULL after adding items. */
static json_t *check_value(const json_t *v, const field *f, const char *name, long long index,
                           json_t *items)
{
    json_t *loc = index >= 0 ? loc_of(name, index, f->name) : loc_of(f->name, -1, NULL);
    switch (f->kind) {
    case K_LINE:
    case K_TEXT:
        return check_text(v, loc, 0, f->max, f->kind == K_TEXT, items);
    case K_DATE:
        return check_date(v, loc, items);
    case K_SENIORITY: {
        json_incref(loc);
        json_t *s = check_text(v, loc, 1, 20, false, items);
        for (size_t i = 0; s != NULL && SENIORITIES[i] != NULL; i++)
            if (strcmp(SENIORITIES[i], json_string_value(s)) == 0) {
                json_decref(loc);
                return s;
            }
        if (s != NULL)
            add_item(items, loc, "Input should be one of 'junior', 'mid', 'senior', 'lead'",
                     "enum");
        else
            json_decref(loc);
        json_decref(s);
        return NULL;
    }
    case K_YEARS: {
        if (!json_is_number(v)) {
            add_item(items, loc, "Input should be a valid number", "value_error");
            return NULL;
        }
        double y = json_number_value(v);
        if (y < 0 || y > YEARS_MAX) {
            add_item(items, loc,
                     y < 0 ? "Input should be greater than or equal to 0"
                           : "Input should be less than or equal to 70",
                     y < 0 ? "greater_than_equal" : "less_than_equal");
            return NULL;
        }
        json_decref(loc);
        return json_real(round(y * 10) / 10);
    }
    case K_STRINGS:
        json_decref(loc);
        return check_strings(v, f, index >= 0 ? name : f->name, index, items);
    case K_SKILLS:
        json_decref(loc);
        return check_skills(v, items);
    case K_OBJECTS: {
        json_decref(loc);
        return collect_list(v, f->name, -1, NULL, f->max, check_entry_item, f, items);
    }
    }
    json_decref(loc);
    return NULL;
}

int resume_edit_validate(http_req *req, http_res *res, json_t **patch)
{
    json_t *body = NULL;
    int rc = http_body_json_object(req, res, &body);
    if (rc != IA_OK)
        return rc;
    json_t *items = json_array(), *out = json_object();
    if (items == NULL || out == NULL) {
        json_decref(items);
        json_decref(out);
        json_decref(body);
        return IA_ERR_NOMEM;
    }
    const char *key;
    json_t *val;
    json_object_foreach(body, key, val)
    {
        bool known = false;
        for (size_t i = 0; i < NFIELDS && !known; i++)
            known = strcmp(FIELDS[i].name, key) == 0;
        if (!known)
            add_item(items, loc_of(key, -1, NULL), "Extra inputs are not permitted",
                     "extra_forbidden");
    }
    for (size_t i = 0; body != NULL && i < NFIELDS; i++) {
        json_t *v = json_object_get(body, FIELDS[i].name);
        if (v == NULL || json_is_null(v))
            continue; /* null = omitted (docs/api.md §1.2) */
        json_t *got = check_value(v, &FIELDS[i], NULL, -1, items);
        if (got != NULL)
            json_object_set_new(out, FIELDS[i].name, got);
    }
    json_decref(body);
    if (json_array_size(items) > 0) {
        json_decref(out);
        http_validation_errors(res, items);
        return IA_ERR_INVALID;
    }
    json_decref(items);
    *patch = out;
    return IA_OK;
}

/* The category the analysis gave the skill name (any case), or "other". */
static const char *category_of(const json_t *skills, const char *name)
{
    size_t i;
    json_t *it;
    json_array_foreach(skills, i, it)
    {
        const char *n = json_string_value(json_object_get(it, "name"));
        const char *c = json_string_value(json_object_get(it, "category"));
        if (n != NULL && c != NULL && strcasecmp(n, name) == 0)
            return c;
    }
    return "other";
}

/* The job titles of the experience entries, each once, in order. */
static json_t *titles_of(const json_t *experience)
{
    json_t *out = json_array();
    size_t i, k;
    json_t *it, *seen;
    json_array_foreach(experience, i, it)
    {
        const char *t = json_string_value(json_object_get(it, "job_title"));
        bool dup = t == NULL;
        json_array_foreach(out, k, seen) dup = dup || strcasecmp(json_string_value(seen), t) == 0;
        if (!dup)
            json_array_append_new(out, json_string(t));
    }
    return out;
}

int resume_edit_apply(json_t *analysis, const json_t *patch, long long version)
{
    json_t *before = json_object_get(analysis, "corrected_fields");
    json_t *fc = json_object_get(analysis, "field_confidence");
    json_t *corrected = json_array();
    if (corrected == NULL)
        return IA_ERR_NOMEM;
    for (size_t i = 0; i < NFIELDS; i++) {
        const char *name = FIELDS[i].name;
        json_t *v = json_object_get(patch, name);
        bool was = false;
        size_t k;
        json_t *it;
        json_array_foreach(before, k, it) was =
            was || (json_is_string(it) && strcmp(json_string_value(it), name) == 0);
        if (v == NULL) {
            if (was)
                json_array_append_new(corrected, json_string(name));
            continue;
        }
        json_t *value = json_deep_copy(v);
        if (value != NULL && FIELDS[i].kind == K_SKILLS) {
            json_t *old = json_object_get(analysis, "skills");
            json_array_foreach(value, k, it)
            {
                if (json_is_null(json_object_get(it, "category")))
                    json_object_set_new(it, "category",
                                        json_string(category_of(
                                            old, json_string_value(json_object_get(it, "name")))));
            }
        }
        if (value == NULL || json_object_set_new(analysis, name, value) != 0) {
            json_decref(corrected);
            return IA_ERR_NOMEM;
        }
        if (FIELDS[i].kind == K_OBJECTS && strcmp(name, "experience") == 0)
            json_object_set_new(analysis, "job_titles", titles_of(value));
        json_array_append_new(corrected, json_string(name));
        if (json_is_object(fc))
            json_object_set_new(fc, name, json_real(1.0));
    }
    json_object_set_new(analysis, "corrected_fields", corrected);
    json_object_set_new(analysis, "analysis_version", json_integer(version));
    return IA_OK;
}
