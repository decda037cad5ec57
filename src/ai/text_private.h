/* Shared inside the text layer of the offline engine (tokenize.c, stem.c, lexicon.c, cues.c;
 * docs/design.md "AI"), not part of its interface (ai/textutil.h): small string helpers and the
 * English stemmer that the tokeniser owns for the length of one call. */
#ifndef IA_AI_TEXT_PRIVATE_H
#define IA_AI_TEXT_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>

#include "core/util.h"

struct sb_stemmer;

/* Writes the first alen bytes of a, then b and c (either may be NULL), into out, cut to
 * outlen - 1 bytes and NUL-terminated; returns the length written. */
size_t ai_text_join(char *out, size_t outlen, const char *a, size_t alen, const char *b,
                    const char *c);

/* strcmp for qsort and bsearch over arrays of strings (const char *). */
int ai_text_cmp_str(const void *a, const void *b);

/* True when w is one of the n strings of list; ai_text_in_sorted needs list sorted (strcmp). */
bool ai_text_in_list(const char *const *list, size_t n, const char *w);
bool ai_text_in_sorted(const char *const *list, size_t n, const char *w);

/* A Snowball stemmer for English (UTF-8), or NULL when out of memory. A stemmer keeps its
 * working state inside, so one must never serve two threads at once: each tokenising call
 * makes its own and frees it at the end (docs/design.md "AI" measures the cost). */
struct sb_stemmer *ai_text_stemmer_new(void);
void ai_text_stemmer_free(struct sb_stemmer *sb);

/* ai_text_stem with the caller's stemmer (not NULL). */
size_t ai_text_stem_with(struct sb_stemmer *sb, const char *word, char *out, size_t outlen);

#endif
