/* Text utilities of the offline engine (docs/design.md "AI", "The offline engine's text layer"):
 * UTF-8-safe tokenisation into lower-case words (ai/tokenize.c), British spellings turned
 * American ("optimise" -> "optimize", "behaviour" -> "behavior") and Snowball stemming
 * (ai/stem.c), synonyms — a built-in table ("db" ~ "database", "latency" ~ "response time") and
 * WordNet's synonyms and irregular forms of the key-point words — with phrase matching of a
 * stemmed multi-word term against a tokenised text (ai/lexicon.c), and counting helpers
 * (figures, percentages, durations, filler words, hedging, any list of cue phrases; ai/cues.c).
 *
 * A text is tokenised once; every token keeps its place in the original bytes, so a caller can
 * quote the words around a match. Synonyms live in a lexicon, built once when the engine is
 * created and read-only afterwards (the engine keeps no mutable global state); a NULL lexicon
 * means "no synonyms". Everything else is allocated in the caller's arena, and the work on one
 * text is bounded by AI_TEXT_INPUT_MAX. */
#ifndef IA_AI_TEXTUTIL_H
#define IA_AI_TEXTUTIL_H

#include <stdbool.h>
#include <stddef.h>

#include "ai/ai.h"
#include "core/arena.h"

#define AI_TEXT_WORD_MAX     40          /* bytes of one word; longer words are cut */
#define AI_TEXT_INPUT_MAX    (64 * 1024) /* bytes of one text; the rest is ignored */
#define AI_TEXT_TERM_WORDS   8           /* words of one term or phrase */
#define AI_TEXT_VARIANTS_MAX 12          /* synonym variants of one term, itself included */

/* Token flags. */
enum {
    AI_TEXT_NUMBER = 1u << 0,     /* digits: "40", "3.5", "2,000" (word without the comma) */
    AI_TEXT_NUMWORD = 1u << 1,    /* a number written out: "three", "twenty", "dozen" */
    AI_TEXT_STOP = 1u << 2,       /* a function word: "the", "and", "i'd" */
    AI_TEXT_CAPITAL = 1u << 3,    /* written with a capital, not as the first word of a sentence */
    AI_TEXT_SENT_START = 1u << 4, /* the first word of its sentence */
    AI_TEXT_PAUSE_BEFORE = 1u << 5, /* a comma, semicolon, colon or dash right before it */
    AI_TEXT_PAUSE_AFTER = 1u << 6,  /* a comma, semicolon, colon or dash right after it */
    AI_TEXT_MONEY = 1u << 7,        /* a number with a currency sign: "$40", "€3.5" */
};

typedef struct {
    const char *word;  /* lower-case, American spelling */
    const char *stem;  /* Snowball stem of word, then the canonical stem of its synonym group */
    size_t start, len; /* the token's bytes in the original text ("%" gives the word "percent") */
    unsigned sentence; /* index of its sentence, from 0 */
    unsigned flags;
} ai_text_token;

typedef struct {
    const char *text; /* the text tokenised; not copied, it must outlive the tokens */
    ai_text_token *v;
    size_t n;
    size_t nsentences;
} ai_text;

typedef struct ai_text_lexicon ai_text_lexicon;

/* Builds the synonym lexicon of the built-in table alone (stemmed) in a, without WordNet (the
 * engine's own lexicon comes from ai_text_lexicon_load, once). It is read-only afterwards and
 * can serve any number of texts and terms. IA_ERR_INTERNAL when the built-in table puts one
 * stem in two groups (a unit test builds it, so such a table never ships). */
int ai_text_lexicon_build(arena *a, const ai_text_lexicon **out);

/* What ai_text_lexicon_load read, for the start-up log and for measuring. */
typedef struct {
    bool wordnet;       /* WordNet was read */
    size_t vocabulary;  /* distinct words of the texts looked up */
    size_t synonyms;    /* (word, synonym) pairs kept */
    size_t forms;       /* irregular forms kept */
    size_t files_bytes; /* bytes of the index and exception files read (then freed) */
    size_t arena_bytes; /* bytes of a the lexicon holds */
    long long load_us;  /* time taken */
} ai_text_lexicon_info;

/* Builds the offline engine's lexicon once, at engine creation: the built-in table, and from
 * the WordNet files in wordnet_dir (ai/wordnet.h) the synonyms and irregular forms of the words
 * of texts (the question bank's key-point terms and points). When the files are missing or
 * unreadable it logs one warning naming the directory and keeps the built-in table alone; a
 * NULL or empty wordnet_dir means no WordNet. info (may be NULL) receives what was read. */
int ai_text_lexicon_load(arena *a, const char *wordnet_dir, const char *const *texts, size_t ntexts,
                         const ai_text_lexicon **out, ai_text_lexicon_info *info);

/* Splits text (NUL-terminated; at most AI_TEXT_INPUT_MAX bytes are read) into word tokens.
 * Any byte sequence is accepted: invalid UTF-8 separates words, non-ASCII letters belong to
 * words. lx may be NULL (stems are then plain Snowball stems). */
int ai_text_tokenize(arena *a, const ai_text_lexicon *lx, const char *text, ai_text *out);

/* Writes word with British spellings turned American into out (at most outlen - 1 bytes,
 * NUL-terminated) and returns its length. word must be lower-case. */
size_t ai_text_spelling(const char *word, char *out, size_t outlen);

/* Writes the Snowball English stem of a lower-case word into out and returns its length:
 * "scaled", "scaling", "scales" and "scale" share the stem "scale", "caching" and "cache" share
 * "cach". A possessive "'s" is dropped; words with digits, other apostrophes or non-ASCII
 * letters, and words of one or two letters, are left as they are. */
size_t ai_text_stem(const char *word, char *out, size_t outlen);

/* Writes the Snowball stem of a lower-case UTF-8 word in language lang ("en" or "english", "de"
 * or "german") into out (at most outlen - 1 bytes, NUL-terminated): "häuser" -> "haus".
 * English goes through ai_text_stem. IA_ERR_INVALID for another language, IA_ERR_NOMEM. */
int ai_text_stem_lang(const char *lang, const char *word, char *out, size_t outlen);

/* True when the lower-case word is an English function word ("the", "because", "i'm"). */
bool ai_text_is_stopword(const char *word);

/* The canonical stem of stem's synonym group, or stem itself. */
const char *ai_text_synonym(const ai_text_lexicon *lx, const char *stem);

/* A term compiled for matching: the stems of its words, and of its synonym variants
 * ("response time" for "latency"); with a lexicon that read WordNet, each word also matches the
 * stems of its WordNet synonyms ("reduce": "cut", "trim"). A word of at least five letters also
 * matches words it begins, so that a truncated term ("responsib", "priorit") matches "responsible".
 */
typedef struct {
    const char *const *stems;
    size_t n;
} ai_text_alts;

typedef struct {
    const char *words[AI_TEXT_TERM_WORDS]; /* as written (spelling normalised) */
    const char *stems[AI_TEXT_TERM_WORDS];
    ai_text_alts alts[AI_TEXT_TERM_WORDS]; /* WordNet synonyms of each word: stems that match it */
    size_t n;
} ai_text_phrase;

/* The WordNet synonyms (stems) that match this term word (lower-case, spelling normalised, as
 * ai_text_phrase.words holds it), or NULL. */
const ai_text_alts *ai_text_alternatives(const ai_text_lexicon *lx, const char *word);

typedef struct {
    const char *text;
    ai_text_phrase variants[AI_TEXT_VARIANTS_MAX]; /* variants[0] is the term itself */
    size_t nvariants;
} ai_text_term;

/* Compiles term (a word or a phrase of up to AI_TEXT_TERM_WORDS words; more are cut).
 * IA_ERR_INVALID when it holds no word at all. */
int ai_text_term_compile(arena *a, const ai_text_lexicon *lx, const char *term, ai_text_term *out);

/* Index of the first token at or after from where any variant of term occurs in t, or -1;
 * *len (may be NULL) receives how many tokens the occurrence spans. */
long ai_text_find(const ai_text *t, const ai_text_term *term, size_t from, size_t *len);

/* Compiles term and tells whether it occurs in t. */
bool ai_text_contains(arena *a, const ai_text_lexicon *lx, const ai_text *t, const char *term);

/* Cue phrases are lower-case words separated by spaces (at most eight), matched against the
 * tokens' words, not stems, so "i'd just" is told from "I just"; a word ending in '*' matches
 * any word it begins ("deliver*"). Each cue of a list is counted on its own: "i think" and
 * "think" in one list both count "I think". */
typedef struct {
    const char *cue; /* the cue as listed (filler and hedge lists: the phrase itself) */
    size_t count;    /* occurrences */
    size_t first;    /* token index of the first occurrence */
    size_t last;     /* token index of the last occurrence */
} ai_text_hit;

/* Counts the cues of the list in t. Up to max distinct cues found are written to hits in order
 * of first occurrence; the number written is returned and *total (may be NULL) receives the
 * number of occurrences of all cues. */
size_t ai_text_cues(const ai_text *t, const char *const *cues, size_t ncues, ai_text_hit *hits,
                    size_t max, size_t *total);

/* Filler words ("um", "uh", "you know", "basically", "like" used as a pause). Same contract as
 * ai_text_cues. */
size_t ai_text_fillers(const ai_text *t, ai_text_hit *hits, size_t max, size_t *total);

/* Hedging ("I think", "maybe", "I guess", "sort of", "probably"). Same contract. */
size_t ai_text_hedges(const ai_text *t, ai_text_hit *hits, size_t max, size_t *total);

typedef struct {
    size_t words;            /* all word tokens, numbers included */
    size_t content_words;    /* neither function words nor numbers */
    size_t sentences;        /* sentences holding at least one word */
    size_t longest_sentence; /* in words */
    size_t numbers;          /* figures: digits, or a number written out (not "one") */
    size_t percentages;      /* a figure followed by "%", "percent" or "percentage points" */
    size_t durations;        /* a figure followed by a unit of time ("3 weeks", "40 ms") */
    size_t money;            /* a figure with a currency sign or word ("$40k", "2 million
                                dollars") */
    size_t fillers;
    size_t hedges;
} ai_text_counts;

/* Counts the words, sentences, figures, filler words and hedges of t. */
void ai_text_count(const ai_text *t, ai_text_counts *out);

/* Copies the original bytes of tokens [from, to) into a, whitespace runs turned into single
 * spaces and cut (on a character boundary) at max bytes. */
char *ai_text_span(arena *a, const ai_text *t, size_t from, size_t to, size_t max);

/* Appends s to a list that has room for max entries, unless s is NULL or the list is full
 * (feedback lists: "at most five strengths"). */
void ai_text_list_add(ai_strs *list, size_t max, const char *s);

/* The same with a printf format, the string allocated in a. */
void ai_text_list_addf(arena *a, ai_strs *list, size_t max, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* True when w[0..n) is one of the '|'-separated entries of set ("inc|llc|ltd"), in any
 * case. */
bool ai_text_in_set(const char *w, size_t n, const char *set);

/* True when phrase (lower case, words separated by single spaces) occurs in s on word
 * boundaries, in any case. */
bool ai_text_has_phrase(const char *s, const char *phrase);

#endif
