/* Red flags of the offline engine (docs/design.md "AI"): the matcher that tells whether an
 * answer makes one of a question's known wrong or unsafe claims (ai_red_flag in ai/ai.h), and
 * in which sentence, so that feedback can quote it.
 *
 * A pattern is a few words separated by spaces, all of which must occur in ONE sentence of the
 * answer, in any order, and on the same side of a semicolon or of a contrastive "but",
 * "whereas", "although", "though", "however", "while" or "yet" (a sentence's segment):
 *   - a word matches by stem (with the lexicon's synonyms), so "indexes" and "indexing" match
 *     "index";
 *   - `a|b|c` gives alternatives for one slot ("delegate|hand assessment|assess*");
 *   - a word ending in `*` is a prefix of the answer's word ("encrypt*" matches "encryption");
 *   - the slot `NOT` (upper case, anywhere in the pattern) requires a negation in scope, for
 *     claims that are negative themselves ("you don't need to check the airway" is
 *     `NOT need check airway`);
 *   - the slot `ORDER` makes the words count only in the order written, for claims that the
 *     same words in the other order deny ("ORDER pain before airway": "pain before the airway"
 *     fires, "airway before pain" does not).
 * At most AI_REDFLAG_SLOTS slots of at most AI_REDFLAG_ALTS alternatives; every alternative is
 * one word as the tokeniser (ai/textutil.h) splits words (no hyphen or full stop inside). A
 * negation word cannot be a slot (use NOT).
 *
 * Negation scope. The negations are "not", "no", "never", every "n't" word, "cannot", "nor",
 * "neither", "none", "nothing", "nobody", "without", "hardly", "rarely", "seldom", "instead",
 * "rather", the prefix "non" ("non-linear") and the forms of "skip" and "avoid". Any other
 * word joined to the next by a hyphen ("no-show") is no negation, nor is "not only" or "not just"
 * unless "only" or "just" is a matched word. "without", "instead" and "rather" negate only a
 * matched word among the four words after them and before any "is", "are", "was", "were" or "be"
 * ("without memoisation" leaves "recursion is not efficient" negated once), and "non" only the
 * word it is joined to ("non-members" leaves "members" elsewhere in the sentence alone).
 *
 * A negation governs the matched words when it stands in the clause of the first matched word,
 * anywhere from that clause's start to the last matched word, or (only "not", "no", "never",
 * "cannot" and "n't" words) within three words after the last matched word in the same clause
 * ("delegating the assessment is not safe"). A clause starts at the segment's start, after a
 * comma, colon or dash, or after "because", "unless", "since", "so" or a contrastive word.
 * Negations cancel in pairs within a clause ("never skip" affirms), and the words are negated
 * when some clause of the scope holds an odd number. A pattern without NOT fires when the words
 * are not negated; with NOT, when they are.
 *
 * Each slot takes the first word of the segment that matches it and no earlier slot took (with
 * ORDER, the first after the previous slot's word); the work is bounded by the slots, their
 * alternatives and the answer's tokens (AI_TEXT_INPUT_MAX). */
#ifndef IA_AI_REDFLAG_H
#define IA_AI_REDFLAG_H

#include <stdbool.h>
#include <stddef.h>

#include "ai/ai.h"
#include "ai/textutil.h"
#include "core/arena.h"

#define AI_REDFLAG_SLOTS 8 /* word slots of one pattern, NOT included */
#define AI_REDFLAG_ALTS  8 /* alternatives of one slot */

typedef struct {
    const char *keys[AI_REDFLAG_ALTS]; /* a stem, or a word prefix */
    bool prefix[AI_REDFLAG_ALTS];
    size_t n;
} ai_redflag_slot;

typedef struct {
    const char *text;
    ai_redflag_slot slots[AI_REDFLAG_SLOTS];
    size_t nslots;
    bool negated; /* the pattern holds NOT */
    bool ordered; /* the pattern holds ORDER */
} ai_redflag_pattern;

/* The compiled patterns of one red flag. */
typedef struct {
    ai_redflag_pattern *v;
    size_t n;
} ai_redflag_compiled;

/* Compiles one pattern. lx must be the lexicon the answers are tokenised with (NULL: none).
 * IA_ERR_INVALID, with err saying why, for an empty pattern, too many slots or alternatives,
 * an empty alternative, a bare "*", an alternative that is not one word, a negation word used
 * as a slot, or a pattern that is only NOT or ORDER. */
int ai_redflag_compile_pattern(arena *a, const ai_text_lexicon *lx, const char *pattern,
                               ai_redflag_pattern *out, char *err, size_t errlen);

/* Compiles every pattern of a red flag (at most AI_PATTERNS_MAX); IA_ERR_INVALID when there is
 * none or one is invalid (err names it). */
int ai_redflag_compile(arena *a, const ai_text_lexicon *lx, const ai_strs *patterns,
                       ai_redflag_compiled *out, char *err, size_t errlen);

/* True when pattern p fires on one segment of a sentence of the answer; *sentence (may be NULL)
 * receives the index of the first sentence where it does. */
bool ai_redflag_pattern_find(const ai_text *answer, const ai_redflag_pattern *p, size_t *sentence);

/* True when any of the red flag's patterns fires in the answer; *sentence (may be NULL)
 * receives the earliest sentence where one does. */
bool ai_redflag_find(const ai_text *answer, const ai_redflag_compiled *c, size_t *sentence);

/* One red flag an answer raised. */
typedef struct {
    const ai_red_flag *flag;
    size_t index;    /* in the question's red_flags */
    size_t sentence; /* the answer's sentence that makes the claim */
} ai_redflag_hit;

/* Checks the answer (tokenised with lx) against every red flag of the question: up to max hits
 * are written in the order of the flags and their number to *nhits. A flag whose patterns do
 * not compile is skipped (the bank refuses such flags; a stored question may be older). */
int ai_redflag_check(arena *a, const ai_text_lexicon *lx, const ai_question *q,
                     const ai_text *answer, ai_redflag_hit *hits, size_t max, size_t *nhits);

/* The original text of the answer's sentence, white space collapsed and cut at max bytes on a
 * character boundary; NULL when the sentence has no token or the arena is full. */
char *ai_redflag_quote(arena *a, const ai_text *answer, size_t sentence, size_t max);

/* True when the segment of the answer's sentence that holds token at (see above) also dismisses
 * what it names as unneeded: "no need", "not necessary", "isn't needed", "don't bother", "not
 * worth", "a waste of time", "doesn't matter", "optional", "overkill", "pointless", "useless",
 * "irrelevant", "overrated", "overblown", "overstated". A negation right before a one-word
 * dismissal
 * ("never optional", "not a waste of time") denies it. A dismissed practice is a claim against it,
 * whatever question it answers, so the evaluator treats it as a red flag of the key point it names
 * (docs/design.md "AI"). *sentence (may be NULL) receives the token's sentence. */
bool ai_redflag_dismissed(const ai_text *answer, size_t at, size_t *sentence);

#endif
