#include "ai/bank.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/embed.h"
#include "core/errors.h"

extern const embedded_file engine_files[];
extern const size_t engine_files_count;

struct ai_bank {
    json_t *doc; /* owns every string the items point at */
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

int ai_bank_builtin(ai_bank **out, char *err, size_t errlen)
{
    for (size_t i = 0; i < engine_files_count; i++)
        if (strcmp(engine_files[i].path, "data/questions.json") == 0)
            return ai_bank_parse(engine_files[i].data, engine_files[i].len, out, err, errlen);
    snprintf(err, errlen, "the binary carries no data/questions.json");
    return IA_NOT_FOUND;
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
