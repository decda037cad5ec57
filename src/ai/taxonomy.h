/* The skills taxonomy of the offline engine (data/skills.json, built into the binary): every
 * skill with its category, domain and aliases, and the matcher that finds the skills a text
 * mentions. Matching is on word boundaries over a lower-cased, space-normalised copy; a
 * one-letter name (C, R) counts only as an item of a list ("Python, R, SQL"). */
#ifndef IA_AI_TAXONOMY_H
#define IA_AI_TAXONOMY_H

#include <stdbool.h>
#include <stddef.h>

typedef struct {
    const char *name;
    const char *category; /* language | framework | database | cloud | tool | soft | other */
    const char *domain;
    const char **terms; /* lower-cased name first, then the aliases */
    bool exact_case;    /* the name is also an ordinary word ("Excel", "SAFe", "Swift"): the
                           evaluator credits it only as written with the name's own capitals */
    size_t nterms;
} ai_skill;

typedef struct ai_taxonomy ai_taxonomy;

/* Parses a taxonomy document; err says what is wrong. */
int ai_taxonomy_parse(const char *json, size_t len, ai_taxonomy **out, char *err, size_t errlen);

/* The taxonomy built into the binary. */
int ai_taxonomy_builtin(ai_taxonomy **out, char *err, size_t errlen);

void ai_taxonomy_free(ai_taxonomy *t);

size_t ai_taxonomy_count(const ai_taxonomy *t);
const ai_skill *ai_taxonomy_get(const ai_taxonomy *t, size_t i);

/* The skill whose name or alias is s (any case), or NULL. */
const ai_skill *ai_taxonomy_find(const ai_taxonomy *t, const char *s);

/* Finds the skills text mentions, in order of first mention, as indexes into the taxonomy.
 * At most max are written to found; *n says how many. */
int ai_taxonomy_match(const ai_taxonomy *t, const char *text, size_t *found, size_t max, size_t *n);

#endif
