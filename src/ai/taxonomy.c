#include "ai/taxonomy.h"

#include <ctype.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/embed.h"
#include "core/errors.h"

#define TEXT_MAX (4u * 1024u * 1024u)

extern const embedded_file engine_files[];
extern const size_t engine_files_count;

struct ai_taxonomy {
    json_t *doc; /* owns every string the skills point at */
    ai_skill *skills;
    size_t n;
};

void ai_taxonomy_free(ai_taxonomy *t)
{
    if (t == NULL)
        return;
    for (size_t i = 0; i < t->n; i++) {
        for (size_t k = 0; k < t->skills[i].nterms; k++)
            free((char *)t->skills[i].terms[k]);
        free(t->skills[i].terms);
    }
    free(t->skills);
    json_decref(t->doc);
    free(t);
}

static char *lower_dup(const char *s)
{
    char *d = strdup(s);
    for (char *p = d; p && *p; p++)
        *p = (char)tolower((unsigned char)*p);
    return d;
}

int ai_taxonomy_parse(const char *json, size_t len, ai_taxonomy **out, char *err, size_t errlen)
{
    json_error_t jerr;
    json_t *doc = json_loadb(json, len, 0, &jerr);
    json_t *list = json_object_get(doc, "skills");
    if (!json_is_array(list)) {
        snprintf(err, errlen, "skills taxonomy: %s", doc ? "no \"skills\" array" : jerr.text);
        json_decref(doc);
        return IA_ERR_INVALID;
    }
    ai_taxonomy *t = calloc(1, sizeof(*t));
    size_t n = json_array_size(list);
    if (t == NULL || (t->skills = calloc(n + 1, sizeof(ai_skill))) == NULL) {
        free(t);
        json_decref(doc);
        return IA_ERR_NOMEM;
    }
    t->doc = doc;
    for (size_t i = 0; i < n; i++) {
        json_t *s = json_array_get(list, i), *aliases = json_object_get(s, "aliases");
        ai_skill *k = &t->skills[t->n];
        k->name = json_string_value(json_object_get(s, "name"));
        k->category = json_string_value(json_object_get(s, "category"));
        k->domain = json_string_value(json_object_get(s, "domain"));
        k->exact_case = json_is_true(json_object_get(s, "exact_case"));
        if (k->name == NULL || k->category == NULL || k->domain == NULL ||
            !json_is_array(aliases)) {
            snprintf(err, errlen,
                     "skills taxonomy: skill %zu lacks name, category, domain or "
                     "aliases",
                     i);
            ai_taxonomy_free(t);
            return IA_ERR_INVALID;
        }
        k->terms = calloc(json_array_size(aliases) + 1, sizeof(char *));
        if (k->terms == NULL) {
            ai_taxonomy_free(t);
            return IA_ERR_NOMEM;
        }
        t->n++;
        k->terms[k->nterms++] = lower_dup(k->name);
        for (size_t a = 0; a < json_array_size(aliases); a++) {
            const char *al = json_string_value(json_array_get(aliases, a));
            if (al != NULL && *al)
                k->terms[k->nterms++] = lower_dup(al);
        }
        for (size_t a = 0; a < k->nterms; a++)
            if (k->terms[a] == NULL) {
                ai_taxonomy_free(t);
                return IA_ERR_NOMEM;
            }
    }
    *out = t;
    return IA_OK;
}

int ai_taxonomy_builtin(ai_taxonomy **out, char *err, size_t errlen)
{
    for (size_t i = 0; i < engine_files_count; i++)
        if (strcmp(engine_files[i].path, "data/skills.json") == 0)
            return ai_taxonomy_parse(engine_files[i].data, engine_files[i].len, out, err, errlen);
    snprintf(err, errlen, "the binary carries no data/skills.json");
    return IA_NOT_FOUND;
}

size_t ai_taxonomy_count(const ai_taxonomy *t)
{
    return t->n;
}

const ai_skill *ai_taxonomy_get(const ai_taxonomy *t, size_t i)
{
    return i < t->n ? &t->skills[i] : NULL;
}

const ai_skill *ai_taxonomy_find(const ai_taxonomy *t, const char *s)
{
    for (size_t i = 0; i < t->n; i++)
        for (size_t k = 0; k < t->skills[i].nterms; k++)
            if (strcasecmp(t->skills[i].terms[k], s) == 0)
                return &t->skills[i];
    return NULL;
}

/* Characters that continue a word: "c" must not match inside "c++" or "c#". */
static bool word_char(char c)
{
    return isalnum((unsigned char)c) || c == '+' || c == '#';
}

/* True when the term found at pos is a list item: only separators around it. */
static bool list_item(const char *text, size_t pos, size_t len)
{
    const char *b = text + pos;
    while (b > text && b[-1] == ' ')
        b--;
    const char *e = text + pos + len;
    while (*e == ' ')
        e++;
    bool before = b == text || strchr(",|/:;(\n", b[-1]) != NULL;
    bool after = *e == '\0' || strchr(",|/;)\n", *e) != NULL;
    return before && after;
}

/* Position of the first whole-word occurrence of term in text, or -1. */
static long find_term(const char *text, const char *term)
{
    size_t len = strlen(term);
    for (const char *p = strstr(text, term); p != NULL; p = strstr(p + 1, term)) {
        size_t pos = (size_t)(p - text);
        bool start_ok = pos == 0 || !word_char(text[pos - 1]) || !word_char(term[0]);
        bool end_ok = !word_char(text[pos + len]) || !word_char(term[len - 1]);
        if (start_ok && end_ok && (len > 1 || list_item(text, pos, len)))
            return (long)pos;
    }
    return -1;
}

/* Lower-cases text and turns every run of whitespace into one space (newlines kept as
 * separators), so that multi-word terms match across line breaks in extracted text. */
static char *normalise(const char *text)
{
    size_t n = strnlen(text, TEXT_MAX);
    char *out = malloc(n + 1);
    if (out == NULL)
        return NULL;
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)text[i];
        if (c == '\n') {
            out[o++] = '\n';
        } else if (isspace(c)) {
            if (o > 0 && out[o - 1] != ' ' && out[o - 1] != '\n')
                out[o++] = ' ';
        } else {
            out[o++] = (char)tolower(c);
        }
    }
    out[o] = '\0';
    return out;
}

int ai_taxonomy_match(const ai_taxonomy *t, const char *text, size_t *found, size_t max, size_t *n)
{
    *n = 0;
    char *norm = normalise(text);
    long *first = calloc(t->n + 1, sizeof(long));
    if (norm == NULL || first == NULL) {
        free(norm);
        free(first);
        return IA_ERR_NOMEM;
    }
    size_t hits = 0;
    for (size_t i = 0; i < t->n; i++) {
        first[i] = -1;
        for (size_t k = 0; k < t->skills[i].nterms; k++) {
            long pos = find_term(norm, t->skills[i].terms[k]);
            if (pos >= 0 && (first[i] < 0 || pos < first[i]))
                first[i] = pos;
        }
        hits += first[i] >= 0;
    }
    /* Order of first mention: repeatedly take the earliest remaining. */
    while (*n < max && *n < hits) {
        size_t best = t->n;
        for (size_t i = 0; i < t->n; i++)
            if (first[i] >= 0 && (best == t->n || first[i] < first[best]))
                best = i;
        found[(*n)++] = best;
        first[best] = -1;
    }
    free(norm);
    free(first);
    return IA_OK;
}
