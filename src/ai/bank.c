#include "ai/bank.h"

#include <ctype.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ai/redflag.h"
#include "core/arena.h"
#include "core/embed.h"
#include "core/errors.h"

extern const embedded_file engine_files[];
extern const size_t engine_files_count;

struct ai_bank {
    json_t *doc;       /* owns every string the items point at */
    json_t *flags_doc; /* owns the red flags' strings (data/red_flags.json) */
    void **blocks;
    size_t nblocks, capblocks;
    ai_bank_item *items;
    size_t n;
    ai_bank_item *templates;
    size_t ntemplates;
};

void ai_bank_free(ai_bank *b)
{
    if (b == NULL)
        return;
    for (size_t i = 0; i < b->nblocks; i++)
        free(b->blocks[i]);
    free(b->blocks);
    free(b->items);
    free(b->templates);
    json_decref(b->flags_doc);
    json_decref(b->doc);
    free(b);
}

/* calloc that the bank frees with itself. */
static void *bank_calloc(ai_bank *b, size_t n, size_t size)
{
    if (b->nblocks == b->capblocks) {
        size_t cap = b->capblocks ? b->capblocks * 2 : 256;
        void **nb = realloc(b->blocks, cap * sizeof(void *));
        if (nb == NULL)
            return NULL;
        b->blocks = nb;
        b->capblocks = cap;
    }
    void *p = calloc(n ? n : 1, size);
    if (p != NULL)
        b->blocks[b->nblocks++] = p;
    return p;
}

/* Reads an array of strings; false when v is not an array of non-empty strings. */
static bool read_strs(ai_bank *b, json_t *v, ai_strs *out, int *rc)
{
    if (!json_is_array(v))
        return false;
    size_t n = json_array_size(v);
    out->v = bank_calloc(b, n, sizeof(char *));
    if (out->v == NULL) {
        *rc = IA_ERR_NOMEM;
        return false;
    }
    out->n = 0;
    for (size_t i = 0; i < n; i++) {
        const char *s = json_string_value(json_array_get(v, i));
        if (s == NULL || *s == '\0')
            return false;
        out->v[out->n++] = s;
    }
    return true;
}

static bool is_one_of(const char *s, const char *const *set, size_t n)
{
    for (size_t i = 0; s != NULL && i < n; i++)
        if (strcmp(s, set[i]) == 0)
            return true;
    return false;
}

/* Fills item from one entry of the document; a template has no category, roles or skills. */
static int read_item(ai_bank *b, json_t *q, bool tmpl, ai_bank_item *item, char *err, size_t errlen,
                     size_t index)
{
    static const char *const categories[] = { "technical",     "behavioral", "project",
                                              "system_design", "coding",     "general" };
    static const char *const levels[] = { "easy", "medium", "hard" };
    const char *what = tmpl ? "project template" : "question";
    int rc = IA_ERR_INVALID;
    ai_question *x = &item->question;
    x->bank_id = json_string_value(json_object_get(q, "id"));
    x->text = json_string_value(json_object_get(q, "text"));
    x->difficulty = json_string_value(json_object_get(q, "difficulty"));
    x->model_answer = json_string_value(json_object_get(q, "model_answer"));
    x->category = tmpl ? "project" : json_string_value(json_object_get(q, "category"));
    if (x->bank_id == NULL || x->text == NULL || x->model_answer == NULL ||
        !is_one_of(x->category, categories, 6) || !is_one_of(x->difficulty, levels, 3)) {
        snprintf(err, errlen,
                 "question bank: %s %zu lacks id, text, model_answer, a valid category or "
                 "difficulty",
                 what, index);
        return IA_ERR_INVALID;
    }
    if (tmpl) {
        item->roles = (ai_strs){ 0 };
        x->skills = (ai_strs){ 0 };
    } else if (!read_strs(b, json_object_get(q, "roles"), &item->roles, &rc) ||
               !read_strs(b, json_object_get(q, "skills"), &x->skills, &rc)) {
        snprintf(err, errlen, "question bank: %s %s: roles and skills must be string arrays", what,
                 x->bank_id);
        return rc;
    }
    json_t *kps = json_object_get(q, "key_points");
    size_t nk = json_array_size(kps);
    if (!json_is_array(kps) || nk == 0 || nk > AI_KEY_POINTS_MAX) {
        snprintf(err, errlen, "question bank: %s %s: 1-%d key points required", what, x->bank_id,
                 AI_KEY_POINTS_MAX);
        return IA_ERR_INVALID;
    }
    if ((x->key_points = bank_calloc(b, nk, sizeof(ai_key_point))) == NULL)
        return IA_ERR_NOMEM;
    for (size_t k = 0; k < nk; k++) {
        json_t *kp = json_array_get(kps, k);
        ai_key_point *p = &x->key_points[k];
        p->point = json_string_value(json_object_get(kp, "point"));
        if (p->point == NULL || !read_strs(b, json_object_get(kp, "terms"), &p->terms, &rc) ||
            p->terms.n == 0) {
            snprintf(err, errlen, "question bank: %s %s: key point %zu needs a point and terms",
                     what, x->bank_id, k);
            return rc;
        }
    }
    x->nkey_points = nk;
    return IA_OK;
}

int ai_bank_parse(const char *json, size_t len, ai_bank **out, char *err, size_t errlen)
{
    json_error_t jerr;
    json_t *doc = json_loadb(json, len, 0, &jerr);
    json_t *qs = json_object_get(doc, "questions"), *ts = json_object_get(doc, "project_templates");
    if (!json_is_array(qs) || !json_is_array(ts)) {
        snprintf(err, errlen, "question bank: %s",
                 doc ? "\"questions\" and \"project_templates\" must be arrays" : jerr.text);
        json_decref(doc);
        return IA_ERR_INVALID;
    }
    ai_bank *b = calloc(1, sizeof(*b));
    if (b == NULL) {
        json_decref(doc);
        return IA_ERR_NOMEM;
    }
    b->doc = doc;
    b->items = calloc(json_array_size(qs) + 1, sizeof(ai_bank_item));
    b->templates = calloc(json_array_size(ts) + 1, sizeof(ai_bank_item));
    if (b->items == NULL || b->templates == NULL) {
        ai_bank_free(b);
        return IA_ERR_NOMEM;
    }
    int rc = IA_OK;
    for (size_t i = 0; rc == IA_OK && i < json_array_size(qs); i++)
        if ((rc = read_item(b, json_array_get(qs, i), false, &b->items[i], err, errlen, i)) ==
            IA_OK)
            b->n++;
    for (size_t i = 0; rc == IA_OK && i < json_array_size(ts); i++)
        if ((rc = read_item(b, json_array_get(ts, i), true, &b->templates[i], err, errlen, i)) ==
            IA_OK)
            b->ntemplates++;
    for (size_t i = 0; rc == IA_OK && i < b->n + b->ntemplates; i++) {
        const char *id =
            i < b->n ? b->items[i].question.bank_id : b->templates[i - b->n].question.bank_id;
        for (size_t j = i + 1; j < b->n + b->ntemplates; j++) {
            const char *o =
                j < b->n ? b->items[j].question.bank_id : b->templates[j - b->n].question.bank_id;
            if (strcmp(id, o) == 0) {
                snprintf(err, errlen, "question bank: id %s is used twice", id);
                rc = IA_ERR_INVALID;
                break;
            }
        }
    }
    if (rc != IA_OK) {
        ai_bank_free(b);
        return rc;
    }
    *out = b;
    return IA_OK;
}

/* A flag of the document's "shared" section: read and checked once, then copied, with the point
 * each question gives it, into every question that uses it. */
typedef struct {
    const char *id;
    ai_red_flag flag; /* point unset: it is the question's */
    size_t uses;
} shared_flag;

/* Reads what a flag says (claim, correct, patterns) into out; its patterns are compiled once
 * here (in scratch) so that a pattern the matcher would refuse is a load error. who names the
 * flag in err ("tech-001 flag 2", "shared flag \"taking-credit\""); with_point adds the point to
 * the fields err asks for. */
static int read_flag_content(ai_bank *b, arena *scratch, json_t *f, const char *who,
                             bool with_point, ai_red_flag *out, char *err, size_t errlen)
{
    int rc = IA_ERR_INVALID;
    out->claim = json_string_value(json_object_get(f, "claim"));
    out->correct = json_string_value(json_object_get(f, "correct"));
    if (out->claim == NULL || *out->claim == '\0' || out->correct == NULL ||
        *out->correct == '\0' || (with_point && !json_is_integer(json_object_get(f, "point")))) {
        snprintf(err, errlen, "red flags: %s needs a claim, a correct%s", who,
                 with_point ? " and a point" : "");
        return IA_ERR_INVALID;
    }
    if (!read_strs(b, json_object_get(f, "patterns"), &out->patterns, &rc) ||
        out->patterns.n == 0 || out->patterns.n > AI_PATTERNS_MAX) {
        if (rc == IA_ERR_NOMEM)
            return rc;
        snprintf(err, errlen, "red flags: %s needs 1-%d non-empty patterns", who, AI_PATTERNS_MAX);
        return IA_ERR_INVALID;
    }
    ai_redflag_compiled c;
    char why[200] = "";
    rc = ai_redflag_compile(scratch, NULL, &out->patterns, &c, why, sizeof(why));
    if (rc == IA_ERR_INVALID)
        snprintf(err, errlen, "red flags: %s: %s", who, why);
    return rc;
}

/* Sets out->point from a flag's "point", which must be -1 or one of q's key point indexes. */
static int read_flag_point(const ai_question *q, json_t *point, size_t k, ai_red_flag *out,
                           char *err, size_t errlen)
{
    json_int_t pi = json_integer_value(point);
    if (pi < -1 || pi >= (json_int_t)q->nkey_points) {
        snprintf(err, errlen,
                 "red flags: %s flag %zu: point %lld is not -1 or a key point index (0-%zu)",
                 q->bank_id, k, (long long)pi, q->nkey_points - 1);
        return IA_ERR_INVALID;
    }
    out->point = (int)pi;
    return IA_OK;
}

/* Reads flag k of question q: either a flag written out in full or a reference
 * {"use":"<shared id>","point":n} to one of the shared flags, whose claim, correct and patterns
 * it then takes (the same strings, with q's own point). */
static int read_red_flag(ai_bank *b, arena *scratch, const ai_question *q, json_t *f, size_t k,
                         shared_flag *shared, size_t nshared, ai_red_flag *out, char *err,
                         size_t errlen)
{
    char who[160];
    snprintf(who, sizeof(who), "%s flag %zu", q->bank_id, k);
    json_t *use = json_object_get(f, "use"), *point = json_object_get(f, "point");
    if (use == NULL) {
        int rc = read_flag_content(b, scratch, f, who, true, out, err, errlen);
        return rc == IA_OK ? read_flag_point(q, point, k, out, err, errlen) : rc;
    }
    const char *id = json_string_value(use);
    if (id == NULL || !json_is_integer(point) || json_object_size(f) != 2) {
        snprintf(err, errlen,
                 "red flags: %s: a reference to a shared flag has a \"use\" string and a "
                 "\"point\", nothing else",
                 who);
        return IA_ERR_INVALID;
    }
    shared_flag *s = NULL;
    for (size_t i = 0; s == NULL && i < nshared; i++)
        if (strcmp(shared[i].id, id) == 0)
            s = &shared[i];
    if (s == NULL) {
        snprintf(err, errlen, "red flags: %s uses \"%s\", which is not a shared flag", who, id);
        return IA_ERR_INVALID;
    }
    s->uses++;
    *out = s->flag;
    return read_flag_point(q, point, k, out, err, errlen);
}

/* Attaches the red flags listed for one question id. */
static int read_question_flags(ai_bank *b, arena *scratch, const char *id, json_t *list,
                               shared_flag *shared, size_t nshared, char *err, size_t errlen)
{
    ai_bank_item *item = (ai_bank_item *)ai_bank_find(b, id);
    if (item == NULL) {
        snprintf(err, errlen, "red flags: no question or project template has the id \"%s\"", id);
        return IA_ERR_INVALID;
    }
    size_t n = json_array_size(list);
    if (!json_is_array(list) || n == 0 || n > AI_RED_FLAGS_MAX) {
        snprintf(err, errlen, "red flags: %s needs an array of 1-%d flags", id, AI_RED_FLAGS_MAX);
        return IA_ERR_INVALID;
    }
    ai_question *q = &item->question;
    ai_red_flag *flags = bank_calloc(b, n, sizeof(ai_red_flag));
    if (flags == NULL)
        return IA_ERR_NOMEM;
    for (size_t k = 0; k < n; k++) {
        json_t *f = json_array_get(list, k);
        int rc = read_red_flag(b, scratch, q, f, k, shared, nshared, &flags[k], err, errlen);
        if (rc != IA_OK)
            return rc;
        const char *use = json_string_value(json_object_get(f, "use"));
        for (size_t j = 0; use != NULL && j < k; j++)
            if (flags[j].claim == flags[k].claim) {
                snprintf(err, errlen, "red flags: %s uses the shared flag \"%s\" twice", id, use);
                return IA_ERR_INVALID;
            }
    }
    q->red_flags = flags;
    q->nred_flags = n;
    return IA_OK;
}

/* Reads the document's "shared" section (absent = none) into *out, a calloc'ed array the
 * caller frees. */
static int read_shared_flags(ai_bank *b, json_t *all, shared_flag **out, size_t *nout, char *err,
                             size_t errlen)
{
    *out = NULL;
    *nout = 0;
    if (all == NULL)
        return IA_OK;
    if (!json_is_object(all)) {
        snprintf(err, errlen, "red flags: \"shared\" must be an object of flags by id");
        return IA_ERR_INVALID;
    }
    shared_flag *v = calloc(json_object_size(all) + 1, sizeof(shared_flag));
    if (v == NULL)
        return IA_ERR_NOMEM;
    *out = v;
    const char *id;
    json_t *f;
    json_object_foreach(all, id, f)
    {
        char who[160];
        snprintf(who, sizeof(who), "shared flag \"%s\"", id);
        if (*id == '\0' || json_object_get(f, "point") != NULL) {
            snprintf(err, errlen,
                     "red flags: %s: a shared flag needs an id and has no point (each question "
                     "that uses it gives its own)",
                     who);
            return IA_ERR_INVALID;
        }
        arena *scratch = arena_create(1u << 20);
        int rc = scratch ? read_flag_content(b, scratch, f, who, false, &v[*nout].flag, err, errlen)
                         : IA_ERR_NOMEM;
        arena_destroy(scratch);
        if (rc == IA_ERR_NOMEM)
            snprintf(err, errlen, "red flags: out of memory at %s", who);
        if (rc != IA_OK)
            return rc;
        v[*nout].id = id;
        v[*nout].flag.point = -1;
        (*nout)++;
    }
    return IA_OK;
}

int ai_bank_parse_red_flags(ai_bank *b, const char *json, size_t len, char *err, size_t errlen)
{
    json_error_t jerr;
    json_t *doc = json_loadb(json, len, JSON_REJECT_DUPLICATES, &jerr);
    json_t *all = json_object_get(doc, "red_flags");
    if (!json_is_object(all) || json_integer_value(json_object_get(doc, "version")) != 1) {
        snprintf(err, errlen, "red flags: %s",
                 doc ? "\"version\" must be 1 and \"red_flags\" an object" : jerr.text);
        json_decref(doc);
        return IA_ERR_INVALID;
    }
    if (b->flags_doc != NULL) {
        snprintf(err, errlen, "red flags: the bank has its red flags already");
        json_decref(doc);
        return IA_ERR_INVALID;
    }
    b->flags_doc = doc;
    shared_flag *shared = NULL;
    size_t nshared = 0;
    int rc = read_shared_flags(b, json_object_get(doc, "shared"), &shared, &nshared, err, errlen);
    const char *id;
    json_t *list;
    json_object_foreach(all, id, list)
    {
        /* The compiled patterns are only checked, so each question's scratch arena goes at
         * once. */
        if (rc != IA_OK)
            continue;
        arena *scratch = arena_create(1u << 20);
        rc = scratch ? read_question_flags(b, scratch, id, list, shared, nshared, err, errlen)
                     : IA_ERR_NOMEM;
        arena_destroy(scratch);
        if (rc == IA_ERR_NOMEM)
            snprintf(err, errlen, "red flags: out of memory at %s", id);
    }
    for (size_t i = 0; rc == IA_OK && i < nshared; i++)
        if (shared[i].uses == 0) {
            snprintf(err, errlen, "red flags: no question uses the shared flag \"%s\"",
                     shared[i].id);
            rc = IA_ERR_INVALID;
        }
    free(shared);
    if (rc != IA_OK) { /* the bank is left as it was, without red flags */
        for (size_t i = 0; i < b->n + b->ntemplates; i++) {
            ai_question *q = i < b->n ? &b->items[i].question : &b->templates[i - b->n].question;
            q->red_flags = NULL;
            q->nred_flags = 0;
        }
        json_decref(b->flags_doc);
        b->flags_doc = NULL;
    }
    return rc;
}

int ai_bank_builtin(ai_bank **out, char *err, size_t errlen)
{
    const embedded_file *questions = NULL, *flags = NULL;
    for (size_t i = 0; i < engine_files_count; i++) {
        if (strcmp(engine_files[i].path, "data/questions.json") == 0)
            questions = &engine_files[i];
        else if (strcmp(engine_files[i].path, "data/red_flags.json") == 0)
            flags = &engine_files[i];
    }
    if (questions == NULL) {
        snprintf(err, errlen, "the binary carries no data/questions.json");
        return IA_NOT_FOUND;
    }
    ai_bank *b = NULL;
    int rc = ai_bank_parse(questions->data, questions->len, &b, err, errlen);
    if (rc == IA_OK && flags != NULL)
        rc = ai_bank_parse_red_flags(b, flags->data, flags->len, err, errlen);
    if (rc != IA_OK) {
        ai_bank_free(b);
        return rc;
    }
    *out = b;
    return IA_OK;
}

void ai_bank_red_flags(const ai_bank *b, const ai_question *q, const ai_red_flag **flags, size_t *n)
{
    *flags = q->red_flags;
    *n = q->nred_flags;
    if (*n > 0 || q->bank_id == NULL || b == NULL)
        return;
    const ai_bank_item *item = ai_bank_find(b, q->bank_id);
    if (item != NULL) {
        *flags = item->question.red_flags;
        *n = item->question.nred_flags;
    }
}

size_t ai_bank_count(const ai_bank *b)
{
    return b->n;
}

const ai_bank_item *ai_bank_get(const ai_bank *b, size_t i)
{
    return i < b->n ? &b->items[i] : NULL;
}

const ai_bank_item *ai_bank_find(const ai_bank *b, const char *id)
{
    for (size_t i = 0; i < b->n; i++)
        if (strcmp(b->items[i].question.bank_id, id) == 0)
            return &b->items[i];
    for (size_t i = 0; i < b->ntemplates; i++)
        if (strcmp(b->templates[i].question.bank_id, id) == 0)
            return &b->templates[i];
    return NULL;
}

size_t ai_bank_template_count(const ai_bank *b)
{
    return b->ntemplates;
}

const ai_bank_item *ai_bank_template(const ai_bank *b, size_t i)
{
    return i < b->ntemplates ? &b->templates[i] : NULL;
}

/* True when needle occurs in hay, ignoring ASCII case; an empty needle occurs everywhere. */
static bool has_text(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (const char *h = hay; n == 0 || *h; h++) {
        size_t k = 0;
        while (k < n && h[k] && tolower((unsigned char)h[k]) == tolower((unsigned char)needle[k]))
            k++;
        if (k == n)
            return true;
    }
    return false;
}

static bool keeps(const ai_bank_item *it, const ai_bank_filter *f)
{
    const ai_question *q = &it->question;
    if (f->category != NULL && strcmp(q->category, f->category) != 0)
        return false;
    if (f->difficulty != NULL && strcmp(q->difficulty, f->difficulty) != 0)
        return false;
    if (f->search != NULL && !has_text(q->text, f->search))
        return false;
    if (f->role == NULL || it->roles.n == 0)
        return true;
    for (size_t i = 0; i < it->roles.n; i++)
        if (has_text(it->roles.v[i], f->role))
            return true;
    return false;
}

size_t ai_bank_select(const ai_bank *b, const ai_bank_filter *f, size_t skip, size_t max,
                      const ai_bank_item **out, size_t *total)
{
    size_t kept = 0, written = 0;
    for (size_t i = 0; i < b->n; i++) {
        if (!keeps(&b->items[i], f))
            continue;
        if (kept >= skip && written < max)
            out[written++] = &b->items[i];
        kept++;
    }
    if (total != NULL)
        *total = kept;
    return written;
}
