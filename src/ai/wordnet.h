/* A small reader of the WordNet database files (Debian wordnet-base; the formats of wndb(5)):
 * the index files (index.noun, index.verb, index.adj), the data files they point into and the
 * exception lists of irregular forms (noun.exc, verb.exc, adj.exc). It does not use libwordnet,
 * whose state is global: ai_wordnet_load reads what the engine needs, once, into an arena, and
 * the result is plain read-only data (docs/design.md "AI").
 *
 * What it reads is bounded by the vocabulary it is given (the words of the question bank's key
 * points): for each word, the single-word lemmas of its first AI_WORDNET_SENSES senses as a
 * noun, a verb and an adjective (the senses seen in WordNet's sense-tagged texts, cntlist.rev),
 * each lemma kept only when it too is seen in that sense, minus stop words, very short words
 * and a curated deny-list; and the irregular forms whose base form is a vocabulary word ("ran" ->
 * "run"). */
#ifndef IA_AI_WORDNET_H
#define IA_AI_WORDNET_H

#include <stdbool.h>
#include <stddef.h>

#include "core/arena.h"

#define AI_WORDNET_DIR_DEFAULT "/usr/share/wordnet"
#define AI_WORDNET_SENSES      2  /* senses of each part of speech read */
#define AI_WORDNET_LEMMA_MAX   40 /* bytes of one lemma; longer ones are skipped */
#define AI_WORDNET_WORDS_MAX   32 /* lemmas of one synset read */
#define AI_WORDNET_BASES_MAX   4  /* base forms of one irregular form read */
#define AI_WORDNET_SYN_MAX     8  /* synonyms kept for one vocabulary word */
#define AI_WORDNET_VOCAB_MAX   16384

/* One line of an index file: the lemma, the synset offsets of its first senses and how many
 * of its senses are seen in WordNet's sense-tagged texts (the first ones). */
typedef struct {
    char lemma[AI_WORDNET_LEMMA_MAX + 1];
    long offsets[AI_WORDNET_SENSES];
    size_t noffsets;
    long tagged;
} ai_wordnet_index_line;

/* The lemmas of one synset, as written in its data line (an adjective's "(a)" marker cut),
 * with what makes their sense keys: the synset type, lexicographer file and lex ids. */
typedef struct {
    char words[AI_WORDNET_WORDS_MAX][AI_WORDNET_LEMMA_MAX + 1];
    int lex_ids[AI_WORDNET_WORDS_MAX];
    size_t n;
    char type; /* n, v, a, s (adjective satellite) or r */
    int lex_file;
} ai_wordnet_synset;

/* One line of an exception list: an irregular form and its base forms. */
typedef struct {
    char form[AI_WORDNET_LEMMA_MAX + 1];
    char bases[AI_WORDNET_BASES_MAX][AI_WORDNET_LEMMA_MAX + 1];
    size_t nbases;
} ai_wordnet_exc_line;

/* The line parsers, on len bytes (no NUL needed, no newline expected). IA_ERR_INVALID when the
 * bytes are not such a line (the license header of a file included); a lemma too long for the
 * buffers makes an index or exception line invalid and is left out of a synset. */
int ai_wordnet_parse_index(const char *line, size_t len, ai_wordnet_index_line *out);
/* offset is the synset's offset as the index gave it; the line must begin with it (-1: any). */
int ai_wordnet_parse_data(const char *line, size_t len, long offset, ai_wordnet_synset *out);
int ai_wordnet_parse_exc(const char *line, size_t len, ai_wordnet_exc_line *out);

/* A word and another word: a vocabulary word and its synonym, or an irregular form and its
 * base form (a vocabulary word). */
typedef struct {
    const char *word, *other;
} ai_wordnet_pair;

typedef struct {
    ai_wordnet_pair *synonyms;
    size_t nsynonyms;
    ai_wordnet_pair *forms;
    size_t nforms;
    size_t files_bytes; /* bytes of the index and exception files read */
} ai_wordnet;

/* Reads the synonyms and irregular forms of the vocabulary (nvocab lower-case words, sorted by
 * strcmp and distinct, at most AI_WORDNET_VOCAB_MAX) from the WordNet files in dir into a.
 * IA_ERR_IO when a file is missing or unreadable, IA_ERR_INVALID when one is not in the
 * WordNet format, IA_ERR_NOMEM; err says which file. */
int ai_wordnet_load(arena *a, const char *dir, const char *const *vocab, size_t nvocab,
                    ai_wordnet *out, char *err, size_t errlen);

/* True when a synonym WordNet gives for word is on the curated deny-list: generic words that
 * would match almost any answer ("make", "get") and senses that are wrong for the question bank
 * ("client" of "server" is not "waiter"). */
bool ai_wordnet_denied(const char *word, const char *synonym);

#endif
