#include "ai/redflag.h"

#include <stdio.h>
#include <string.h>

#include "core/errors.h"
#include "core/util.h"

/* Negations that govern the words after them in their clause (redflag.h, "Negation scope");
 * "n't" words are negations too. */
static const char *const negations[] = {
    "not",    "no",      "never",    "cannot", "nor",    "neither", "none",     "nothing",
    "nobody", "without", "hardly",   "rarely", "seldom", "instead", "rather",   "skip",
    "skips",  "skipped", "skipping", "avoid",  "avoids", "avoided", "avoiding", "non",
};
/* Contrastive words: a pattern's words must all stand on one side of them. */
static const char *const contrast_words[] = { "but",     "whereas", "although", "though",
                                              "however", "while",   "yet" };
/* Words after which a new clause starts, besides the contrastive ones. */
static const char *const clause_words[] = { "because", "unless", "since", "so" };

static bool in_list(const char *const *list, size_t n, const char *w)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(list[i], w) == 0)
            return true;
    return false;
}

static bool ends_nt(const char *w)
{
    size_t n = strlen(w);
    return n > 3 && strcmp(w + n - 3, "n't") == 0;
}

/* True when the lower-case word is a negation; strict ones also negate a few words before
 * them ("is not safe"). */
static bool negation_word(const char *w, bool *strict)
{
    *strict = ends_nt(w) || strcmp(w, "not") == 0 || strcmp(w, "no") == 0 ||
              strcmp(w, "never") == 0 || strcmp(w, "cannot") == 0;
    return *strict || in_list(negations, COUNT(negations), w);
}

/* Token i of t as a negation. A word joined to the next by a hyphen ("no-show") negates
 * nothing, but the prefix "non" ("non-linear") always negates, and "not only" and "not just" affirm
 * unless "only" or "just" is a matched word itself ("not only when they complain" denies "only when
 * they complain"). */
static bool negation_at(const ai_text *t, size_t i, bool next_is_slot, bool *strict)
{
    if (!negation_word(t->v[i].word, strict))
        return false;
    if (t->text[t->v[i].start + t->v[i].len] == '-' && strcmp(t->v[i].word, "non") != 0)
        return false;
    if (strcmp(t->v[i].word, "not") == 0 && i + 1 < t->n && !next_is_slot &&
        t->v[i + 1].sentence == t->v[i].sentence &&
        (strcmp(t->v[i + 1].word, "only") == 0 || strcmp(t->v[i + 1].word, "just") == 0))
        return false;
    return true;
}

/* True when a semicolon stands between token i - 1 and token i. */
static bool semicolon_before(const ai_text *t, size_t i)
{
    size_t from = t->v[i - 1].start + t->v[i - 1].len;
    return memchr(t->text + from, ';', t->v[i].start - from) != NULL;
}

/* True when token i starts a new segment of its sentence: after a semicolon, or at a
 * contrastive word. */
static bool segment_start(const ai_text *t, size_t i)
{
    return i > 0 && t->v[i - 1].sentence == t->v[i].sentence &&
           (semicolon_before(t, i) || in_list(contrast_words, COUNT(contrast_words), t->v[i].word));
}

/* True when token i starts a clause of its sentence (see redflag.h). */
static bool clause_start(const ai_text *t, size_t i)
{
    const ai_text_token *k = &t->v[i];
    if ((k->flags & (AI_TEXT_SENT_START | AI_TEXT_PAUSE_BEFORE)) || i == 0 ||
        t->v[i - 1].sentence != k->sentence)
        return true;
    return in_list(clause_words, COUNT(clause_words), t->v[i - 1].word) ||
           in_list(contrast_words, COUNT(contrast_words), t->v[i - 1].word);
}

/* Compiles one alternative of a slot; IA_ERR_INVALID with err set when it is not one word. */
static int compile_alt(arena *a, const ai_text_lexicon *lx, const char *alt, size_t len,
                       ai_redflag_slot *slot, char *err, size_t errlen)
{
    bool prefix = len > 0 && alt[len - 1] == '*';
    if (prefix)
        len--;
    if (len == 0) {
        snprintf(err, errlen, "an empty alternative or a bare '*'");
        return IA_ERR_INVALID;
    }
    if (len > AI_TEXT_WORD_MAX) {
        snprintf(err, errlen, "the word \"%.*s\" is too long", (int)len, alt);
        return IA_ERR_INVALID;
    }
    if (slot->n == AI_REDFLAG_ALTS) {
        snprintf(err, errlen, "more than %d alternatives in one slot", AI_REDFLAG_ALTS);
        return IA_ERR_INVALID;
    }
    char *word = arena_strndup(a, alt, len);
    if (word == NULL)
        return IA_ERR_NOMEM;
    ai_text t;
    int rc = ai_text_tokenize(a, lx, word, &t);
    if (rc != IA_OK)
        return rc;
    if (t.n != 1 || t.v[0].len != len) {
        snprintf(err, errlen, "\"%s\" is not one word", word);
        return IA_ERR_INVALID;
    }
    bool strict;
    if (negation_word(t.v[0].word, &strict)) {
        snprintf(err, errlen, "the negation \"%s\" cannot be a slot (write NOT)", word);
        return IA_ERR_INVALID;
    }
    slot->keys[slot->n] = prefix ? t.v[0].word : t.v[0].stem;
    slot->prefix[slot->n] = prefix;
    slot->n++;
    return IA_OK;
}

int ai_redflag_compile_pattern(arena *a, const ai_text_lexicon *lx, const char *pattern,
                               ai_redflag_pattern *out, char *err, size_t errlen)
{
    *out = (ai_redflag_pattern){ .text = pattern };
    const char *s = pattern ? pattern : "";
    while (*s) {
        while (*s == ' ' || *s == '\t')
            s++;
        if (*s == '\0')
            break;
        const char *end = s;
        while (*end && *end != ' ' && *end != '\t')
            end++;
        size_t len = (size_t)(end - s);
        if (len == 3 && strncmp(s, "NOT", 3) == 0) {
            out->negated = true;
            s = end;
            continue;
        }
        if (len == 5 && strncmp(s, "ORDER", 5) == 0) {
            out->ordered = true;
            s = end;
            continue;
        }
        if (out->nslots == AI_REDFLAG_SLOTS) {
            snprintf(err, errlen, "more than %d words", AI_REDFLAG_SLOTS);
            return IA_ERR_INVALID;
        }
        ai_redflag_slot *slot = &out->slots[out->nslots];
        *slot = (ai_redflag_slot){ .n = 0 };
        for (const char *alt = s; alt <= end;) {
            const char *bar = memchr(alt, '|', (size_t)(end - alt));
            const char *stop = bar ? bar : end;
            int rc = compile_alt(a, lx, alt, (size_t)(stop - alt), slot, err, errlen);
            if (rc != IA_OK)
                return rc;
            alt = stop + 1;
        }
        out->nslots++;
        s = end;
    }
    if (out->nslots == 0) {
        snprintf(err, errlen, "a pattern needs at least one word");
        return IA_ERR_INVALID;
    }
    return IA_OK;
}

int ai_redflag_compile(arena *a, const ai_text_lexicon *lx, const ai_strs *patterns,
                       ai_redflag_compiled *out, char *err, size_t errlen)
{
    *out = (ai_redflag_compiled){ 0 };
    if (patterns->n == 0 || patterns->n > AI_PATTERNS_MAX) {
        snprintf(err, errlen, "a red flag needs 1-%d patterns", AI_PATTERNS_MAX);
        return IA_ERR_INVALID;
    }
    if ((out->v = arena_calloc(a, patterns->n, sizeof(ai_redflag_pattern))) == NULL)
        return IA_ERR_NOMEM;
    for (size_t i = 0; i < patterns->n; i++) {
        char why[160] = "";
        int rc = ai_redflag_compile_pattern(a, lx, patterns->v[i], &out->v[i], why, sizeof(why));
        if (rc != IA_OK) {
            snprintf(err, errlen, "pattern \"%s\": %s", patterns->v[i] ? patterns->v[i] : "", why);
            return rc;
        }
        out->n++;
    }
    return IA_OK;
}

static bool slot_matches(const ai_redflag_slot *slot, const ai_text_token *k)
{
    for (size_t i = 0; i < slot->n; i++) {
        if (slot->prefix[i] ? strncmp(k->word, slot->keys[i], strlen(slot->keys[i])) == 0
                            : strcmp(k->stem, slot->keys[i]) == 0)
            return true;
    }
    return false;
}

/* Words that negate only what follows them closely ("without memoisation", "instead of
 * delegating"): they govern the match only when a matched word is among the next four, before
 * any verb "to be" ("without memoisation is not efficient": "without" stops at "is"). The
 * prefix "non" governs only the word it is joined to ("non-linear"). */
static const char *const local_negations[] = { "without", "instead", "rather", "non" };
static const char *const copulas[] = { "is", "are", "was", "were", "be", "been", "being" };

/* Whether the negation at token i governs the matched words taken[0..n). */
static bool governs(const ai_text *t, size_t i, const size_t *taken, size_t n)
{
    if (!in_list(local_negations, COUNT(local_negations), t->v[i].word))
        return true;
    size_t reach = strcmp(t->v[i].word, "non") == 0 ? 1 : 4;
    for (size_t j = i + 1; j <= i + reach && j < t->n; j++) {
        if (in_list(copulas, COUNT(copulas), t->v[j].word))
            return false;
        for (size_t k = 0; k < n; k++)
            if (taken[k] == j)
                return true;
    }
    return false;
}

/* Whether p fires on the segment of tokens [from, to) of one sentence (see redflag.h). */
static bool fires_in(const ai_text *t, size_t from, size_t to, const ai_redflag_pattern *p)
{
    size_t taken[AI_REDFLAG_SLOTS];
    size_t first = to, last = from;
    for (size_t s = 0; s < p->nslots; s++) {
        size_t i = p->ordered && s > 0 ? taken[s - 1] + 1 : from;
        for (; i < to; i++) {
            bool used = false;
            for (size_t k = 0; k < s && !used; k++)
                used = taken[k] == i;
            if (!used && slot_matches(&p->slots[s], &t->v[i]))
                break;
        }
        if (i >= to)
            return false;
        taken[s] = i;
        first = i < first ? i : first;
        last = i > last ? i : last;
    }
    size_t start = first;
    while (start > from && !clause_start(t, start))
        start--;
    /* Negations cancel in pairs within a clause; the words are negated when any clause of the
     * scope holds an odd number. */
    unsigned count = 0;
    bool negated = false, strict;
    for (size_t i = start; i <= last; i++) {
        if (i > start && clause_start(t, i)) {
            negated = negated || count % 2 == 1;
            count = 0;
        }
        bool is_slot = false, next_slot = false;
        for (size_t k = 0; k < p->nslots; k++) {
            is_slot = is_slot || taken[k] == i;
            next_slot = next_slot || taken[k] == i + 1;
        }
        if (!is_slot && negation_at(t, i, next_slot, &strict) && governs(t, i, taken, p->nslots))
            count++;
    }
    for (size_t i = last + 1; i < to && i <= last + 3 && !clause_start(t, i); i++) {
        if (strcmp(t->v[i].word, "and") == 0 || strcmp(t->v[i].word, "or") == 0)
            break;
        if (negation_at(t, i, false, &strict) && strict)
            count++;
    }
    negated = negated || count % 2 == 1;
    return negated == p->negated;
}

bool ai_redflag_pattern_find(const ai_text *answer, const ai_redflag_pattern *p, size_t *sentence)
{
    for (size_t from = 0; from < answer->n;) {
        size_t to = from + 1;
        while (to < answer->n && answer->v[to].sentence == answer->v[from].sentence &&
               !segment_start(answer, to))
            to++;
        if (fires_in(answer, from, to, p)) {
            if (sentence != NULL)
                *sentence = answer->v[from].sentence;
            return true;
        }
        from = to;
    }
    return false;
}

bool ai_redflag_find(const ai_text *answer, const ai_redflag_compiled *c, size_t *sentence)
{
    bool found = false;
    size_t best = 0;
    for (size_t i = 0; i < c->n; i++) {
        size_t s;
        if (ai_redflag_pattern_find(answer, &c->v[i], &s) && (!found || s < best)) {
            found = true;
            best = s;
        }
    }
    if (found && sentence != NULL)
        *sentence = best;
    return found;
}

int ai_redflag_check(arena *a, const ai_text_lexicon *lx, const ai_question *q,
                     const ai_text *answer, ai_redflag_hit *hits, size_t max, size_t *nhits)
{
    *nhits = 0;
    for (size_t f = 0; f < q->nred_flags && *nhits < max; f++) {
        ai_redflag_compiled c;
        char err[200];
        int rc = ai_redflag_compile(a, lx, &q->red_flags[f].patterns, &c, err, sizeof(err));
        if (rc == IA_ERR_INVALID)
            continue;
        if (rc != IA_OK)
            return rc;
        size_t s;
        if (ai_redflag_find(answer, &c, &s))
            hits[(*nhits)++] =
                (ai_redflag_hit){ .flag = &q->red_flags[f], .index = f, .sentence = s };
    }
    return IA_OK;
}

char *ai_redflag_quote(arena *a, const ai_text *answer, size_t sentence, size_t max)
{
    size_t from = 0;
    while (from < answer->n && answer->v[from].sentence != sentence)
        from++;
    if (from == answer->n)
        return NULL;
    size_t to = from;
    while (to < answer->n && answer->v[to].sentence == sentence)
        to++;
    return ai_text_span(a, answer, from, to, max);
}

/* Dismissals (redflag.h): word sequences; "NT" stands for any "n't" word, "*" ends a prefix. */
static const char *const dismissals[][4] = {
    { "no", "need" },       { "no", "point" },       { "not", "necessary" },
    { "not", "needed" },    { "not", "required" },   { "not", "worth" },
    { "not", "important" }, { "NT", "necessary" },   { "NT", "needed" },
    { "NT", "required" },   { "NT", "need" },        { "NT", "really", "need" },
    { "NT", "bother" },     { "NT", "worth" },       { "NT", "matter" },
    { "NT", "important" },  { "barely", "matter*" }, { "rarely", "matter*" },
    { "rarely", "useful" }, { "rarely", "needed" },  { "waste", "of", "time" },
    { "unnecessary" },      { "optional" },          { "overkill" },
    { "pointless" },        { "useless" },           { "irrelevant" },
    { "overrated" },        { "needless" },          { "overblown" },
    { "overstated" },
};

/* True when word w matches the dismissal word d. */
static bool dismissal_word(const char *d, const char *w)
{
    size_t n = strlen(d);
    if (strcmp(d, "NT") == 0)
        return ends_nt(w) || strcmp(w, "cannot") == 0;
    if (n > 0 && d[n - 1] == '*')
        return strncmp(w, d, n - 1) == 0;
    return strcmp(w, d) == 0;
}

/* The number of words of the dismissal d that start at token i, or 0. */
static size_t dismissal_at(const ai_text *t, size_t i, const char *const d[4])
{
    size_t k = 0;
    for (; k < 4 && d[k] != NULL; k++)
        if (i + k >= t->n || t->v[i + k].sentence != t->v[i].sentence ||
            !dismissal_word(d[k], t->v[i + k].word))
            return 0;
    return k;
}

/* Words that make a one-word dismissal a claim about something ("is optional", "made it
 * optional") rather than a description ("optional multi-factor", "where unnecessary"). */
static const char *const predicates[] = {
    "is",         "are",     "was",        "were",      "be",      "been",    "being",
    "seem",       "seems",   "seemed",     "it's",      "that's",  "they're", "becomes",
    "make",       "makes",   "made",       "making",    "treat",   "treated", "consider",
    "considered", "totally", "completely", "basically", "largely",
};

/* True when one of the two words before token i of the segment that starts at token from
 * makes a one-word dismissal there a claim ("is optional", "are largely unnecessary"). */
static bool predicative(const ai_text *t, size_t from, size_t i)
{
    for (size_t k = i; k > from && k + 1 >= i; k--)
        if (in_list(predicates, COUNT(predicates), t->v[k - 1].word))
            return true;
    return false;
}

/* True when a strict negation stands among the three words before token i of the segment that
 * starts at token from ("never optional", "not a waste of time"). */
static bool denied_before(const ai_text *t, size_t from, size_t i)
{
    bool strict;
    for (size_t k = i; k > from && k + 2 >= i; k--)
        if (negation_word(t->v[k - 1].word, &strict) && strict)
            return true;
    return false;
}

bool ai_redflag_dismissed(const ai_text *answer, size_t at, size_t *sentence)
{
    if (at >= answer->n)
        return false;
    size_t from = at, to = at + 1;
    while (from > 0 && answer->v[from - 1].sentence == answer->v[at].sentence &&
           !segment_start(answer, from))
        from--;
    while (to < answer->n && answer->v[to].sentence == answer->v[at].sentence &&
           !segment_start(answer, to))
        to++;
    for (size_t i = from; i < to; i++)
        for (size_t d = 0; d < COUNT(dismissals); d++) {
            if (dismissal_at(answer, i, dismissals[d]) == 0)
                continue;
            /* a one-word dismissal, or "waste of time", can be denied in turn */
            bool deniable = dismissals[d][1] == NULL || strcmp(dismissals[d][0], "waste") == 0;
            if (deniable && (denied_before(answer, from, i) ||
                             (dismissals[d][1] == NULL && !predicative(answer, from, i))))
                continue;
            /* what a dismissal covers: the segment before it, and its own clause after it
             * ("late data is useless, like video calls" does not dismiss video calls) */
            bool covers = true;
            for (size_t k = i + 1; k <= at && covers; k++)
                covers = !clause_start(answer, k);
            if (!covers)
                continue;
            if (sentence != NULL)
                *sentence = answer->v[at].sentence;
            return true;
        }
    return false;
}
