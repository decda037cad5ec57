/* Cue phrases of the offline engine's text layer (docs/design.md "AI"): any list of cues counted
 * against a tokenised text by words (not stems), and the built-in lists of filler words ("um",
 * "you know", "like" as a pause) and hedges ("I think", "sort of"), each with the context rules
 * that tell a filler or hedge from the same words used plainly. */
#include <string.h>

#include "ai/text_private.h"
#include "ai/textutil.h"

#define CUE_WORDS 8

typedef struct {
    char words[CUE_WORDS][AI_TEXT_WORD_MAX + 1];
    size_t n;
} cue_words;

static void cue_split(const char *cue, cue_words *out)
{
    out->n = 0;
    const char *p = cue;
    while (*p != '\0' && out->n < CUE_WORDS) {
        while (*p == ' ')
            p++;
        size_t l = strcspn(p, " ");
        if (l == 0)
            break;
        ai_text_join(out->words[out->n++], AI_TEXT_WORD_MAX + 1, p, l, NULL, NULL);
        p += l;
    }
}

static bool cue_at(const ai_text *t, const cue_words *c, size_t i)
{
    if (c->n == 0 || i + c->n > t->n)
        return false;
    for (size_t k = 0; k < c->n; k++) {
        const char *w = c->words[k], *tw = t->v[i + k].word;
        size_t l = strlen(w);
        if (l > 1 && w[l - 1] == '*') {
            if (strncmp(tw, w, l - 1) != 0)
                return false;
        } else if (strcmp(tw, w) != 0) {
            return false;
        }
    }
    return true;
}

/* Decides whether the occurrence of cue number `which` at token i counts. */
typedef bool (*cue_filter)(const ai_text *t, size_t which, size_t i, size_t n);

/* Adds a found cue to hits, kept in order of first occurrence and cut at max. */
static size_t hits_insert(ai_text_hit *hits, size_t nhits, size_t max, ai_text_hit h)
{
    size_t at = nhits;
    while (at > 0 && hits[at - 1].first > h.first)
        at--;
    if (at >= max)
        return nhits;
    size_t keep = nhits < max ? nhits : max - 1;
    memmove(hits + at + 1, hits + at, (keep - at) * sizeof(*hits));
    hits[at] = h;
    return keep + 1;
}

static size_t scan_cues(const ai_text *t, const char *const *cues, size_t ncues, cue_filter ok,
                        ai_text_hit *hits, size_t max, size_t *total)
{
    size_t nhits = 0, all = 0;
    for (size_t c = 0; c < ncues; c++) {
        cue_words cw;
        cue_split(cues[c], &cw);
        ai_text_hit h = { .cue = cues[c] };
        for (size_t i = 0; i < t->n; i++)
            if (cue_at(t, &cw, i) && (ok == NULL || ok(t, c, i, cw.n))) {
                if (h.count++ == 0)
                    h.first = i;
                h.last = i;
            }
        all += h.count;
        if (h.count > 0 && hits != NULL && max > 0)
            nhits = hits_insert(hits, nhits, max, h);
    }
    if (total != NULL)
        *total = all;
    return nhits;
}

size_t ai_text_cues(const ai_text *t, const char *const *cues, size_t ncues, ai_text_hit *hits,
                    size_t max, size_t *total)
{
    return scan_cues(t, cues, ncues, NULL, hits, max, total);
}

static const char *const filler_cues[] = {
    "um",     "umm",  "ummm",      "uh",        "uhh",     "uhm",       "erm",
    "hmm",    "hmmm", "basically", "literally", "totally", "you know",  "y'know",
    "i mean", "like", "er",        "ah",        "so yeah", "and stuff", "or whatever",
};

/* "like" is a filler as a pause ("it was, like, slow") or after another filler or
 * conjunction, not as a verb or in "like Redis"; "you know" and "I mean" when set off by a
 * pause; "er" and "ah" only in lower case ("ER" is a ward). */
static bool filler_ok(const ai_text *t, size_t which, size_t i, size_t n)
{
    const char *cue = filler_cues[which];
    const ai_text_token *tok = &t->v[i], *last = &t->v[i + n - 1];
    if (strcmp(cue, "like") == 0) {
        static const char *const before[] = {
            "um", "uh", "like", "and", "so", "but", "was", "were"
        };
        if (last->flags & AI_TEXT_PAUSE_AFTER)
            return true;
        return i > 0 && t->v[i - 1].sentence == tok->sentence &&
               ai_text_in_list(before, COUNT(before), t->v[i - 1].word);
    }
    if (strcmp(cue, "you know") == 0 || strcmp(cue, "i mean") == 0) {
        bool at_end = i + n >= t->n || t->v[i + n].sentence != tok->sentence;
        return (last->flags & AI_TEXT_PAUSE_AFTER) || (tok->flags & AI_TEXT_PAUSE_BEFORE) ||
               at_end || ((tok->flags & AI_TEXT_SENT_START) && strcmp(cue, "i mean") == 0);
    }
    if (strcmp(cue, "er") == 0 || strcmp(cue, "ah") == 0)
        return t->text[tok->start] >= 'a' && t->text[tok->start] <= 'z';
    return true;
}

size_t ai_text_fillers(const ai_text *t, ai_text_hit *hits, size_t max, size_t *total)
{
    return scan_cues(t, filler_cues, COUNT(filler_cues), filler_ok, hits, max, total);
}

static const char *const hedge_cues[] = {
    "i think",      "i guess",      "maybe",     "perhaps",  "probably",
    "i believe",    "i suppose",    "i assume",  "not sure", "i feel like",
    "or something", "somehow",      "hopefully", "sort of",  "kind of",
    "more or less", "i don't know", "i'd say",   "kinda",    "sorta",
};

/* "sort of" and "kind of" hedge, except after a determiner ("this kind of problem"). */
static bool hedge_ok(const ai_text *t, size_t which, size_t i, size_t n)
{
    (void)n;
    const char *cue = hedge_cues[which];
    if (strcmp(cue, "sort of") != 0 && strcmp(cue, "kind of") != 0)
        return true;
    static const char *const determiners[] = { "a",     "the",   "this", "that",   "what",  "which",
                                               "any",   "some",  "same", "every",  "each",  "no",
                                               "these", "those", "one",  "that's", "what's" };
    return i == 0 || !ai_text_in_list(determiners, COUNT(determiners), t->v[i - 1].word);
}

size_t ai_text_hedges(const ai_text *t, ai_text_hit *hits, size_t max, size_t *total)
{
    return scan_cues(t, hedge_cues, COUNT(hedge_cues), hedge_ok, hits, max, total);
}
