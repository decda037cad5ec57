/* ai_offline_evaluate: one answer scored against its question's rubric, on substance rather than
 * vocabulary (docs/design.md "AI").
 *
 * First, what the answer is made of: passages copied from the question (three or more words
 * that all occur in it), sentences that are prose rather than a bare list of terms (function
 * words link them), claims a negation denies ("we did not test"), measured changes in any
 * common form ("from 9 minutes to 45 seconds", "halved", "by a third", "2x"), and how much of
 * it is substance rather than filler, hedging, deflection or "I don't know".
 *
 * Six dimensions, each 0-100, and the overall score as their weighted mean:
 *   coverage    30%  the rubric's key points: a point counts when one of its terms (stemmed,
 *                    with synonyms and spelling variants) occurs outside copied text and not
 *                    denied; fully in a sentence, a fifth in a list; a point about a measurable
 *                    result counts for any measured change. Without key points, the share of
 *                    the model answer's words it shares. Coverage counts as far as the answer
 *                    is about the question (topicality, below).
 *   relevance   15%  topicality: each content word weighs by how telling it is in the bank
 *                    (ai/corpus.h), and the share of that weight on the question's own
 *                    vocabulary (text, key points, terms, model answer) against the rest, a
 *                    word of the role's other questions counting a quarter; less evasive
 *                    phrases ("I don't really", "I'd just")
 *   structure   15%  behavioral and project questions: situation, task, action and result;
 *                    others: explanation, example or evidence, trade-offs or limits, and an
 *                    order (first, then, finally) over several sentences
 *   specificity 20%  figures, durations and percentages, named tools and skills (taxonomy,
 *                    as written: "safe" is not SAFe), proper names, and outcome verbs
 *   clarity     10%  sentence length, filler words, hedging and repetition
 *   length      10%  words against a range for the category and difficulty
 * The form dimensions (structure to length) count as far as the answer is on the question,
 * written in sentences and covering key points. Then ceilings: an answer mostly about something
 * else is capped near CAP_OFF_TOPIC, a list of terms near CAP_LIST, an answer without substance
 * (the question pasted back, filler, "I don't know") at CAP_NONE; each deflecting phrase takes
 * 8% off, at most three times. communication is 60% clarity and 40% structure, scaled the same
 * way. Feedback says only what is true of the answer: every quote is the answer's own words and
 * holds the evidence it is quoted for, hints are whole words, nothing is praised in an answer
 * without substance, and every evaluation ends by saying what the offline coach checks and that
 * it does not verify every fact. An answer without a single word scores 0 with feedback that
 * says so; a question without text, or with a key point lacking its point or terms, is
 * IA_ERR_INVALID. The time taken is not scored. Everything is deterministic, and the work is
 * bounded by the tokeniser's input limit. */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ai/corpus.h"
#include "ai/offline.h"
#include "ai/redflag.h"
#include "ai/roles.h"
#include "ai/taxonomy.h"
#include "ai/textutil.h"
#include "core/errors.h"
#include "core/strbuf.h"
#include "core/util.h"

#define W_COVERAGE     0.30
#define W_RELEVANCE    0.15
#define W_STRUCTURE    0.15
#define W_SPECIFICITY  0.20
#define W_CLARITY      0.10
#define W_LENGTH       0.10
#define EVASION_FACTOR 0.08 /* the score loses 8% per deflecting phrase, at most three */
/* Topicality: the share of an answer's telling words that are the question's own vocabulary.
 * Below TOPIC_LOW an answer is about something else (its form earns nothing and its score is
 * capped at CAP_OFF_TOPIC); from TOPIC_HIGH it is wholly on the question; TOPIC_FULL gives full
 * relevance. */
#define TOPIC_LOW      0.10
#define TOPIC_HIGH     0.25
#define TOPIC_FULL     0.45
#define CAP_OFF_TOPIC  25.0
#define NO_STORY_SHARE 0.5  /* key points of a story question answered without a story */
#define DOMAIN_SHARE   0.25 /* a word of the role's other questions counts this much on topic */
/* A key point shown by a single word that is common across the bank (corpus weight below
 * GENERIC_WEIGHT: in more questions than the square root of their number, about 20 of 411)
 * earns GENERIC_SHARE of an occurrence's credit. */
#define GENERIC_WEIGHT 0.5
#define GENERIC_SHARE  0.7
#define CAP_LIST       35.0 /* an answer that is a list of terms, not sentences */
#define CAP_NONE       5.0  /* no substance: "I don't know", filler, the question copied */
#define CAP_RED_FLAG   35.0 /* a known wrong or unsafe claim; 25 with two or more */
#define RED_HITS_MAX   8

#define FEEDBACK_MAX 4096
/* Closes every offline evaluation: what was checked, and what was not. */
#define CHECKED_NOTE                                                                               \
    "(Offline coach: it checks coverage of the key points, relevance to the question, structure, " \
    "specifics and known mistakes; it does not verify every fact.)"
#define QUOTE_MAX  90 /* bytes of a quoted phrase */
#define ITEM_MAX   300
#define SKILLS_MAX 32
#define HITS_MAX   4

enum { D_COVERAGE, D_RELEVANCE, D_STRUCTURE, D_SPECIFICITY, D_CLARITY, D_LENGTH, D_COUNT };

static const char *const dim_names[D_COUNT] = { "coverage",    "relevance", "structure",
                                                "specificity", "clarity",   "length" };

/* Cue lists (American spelling, lower case; '*' ends a prefix). */
static const char *const situation_cues[] = {
    "situation",     "context",      "background",    "at my last",     "at my previous",
    "at my current", "at my first",  "in my last",    "in my previous", "in my first",
    "in my current", "when i was",   "when we were",  "last year",      "years ago",
    "at the time",   "there was",    "we had",        "i had a",        "i had an",
    "i was working", "i worked",     "when i worked", "while i was",    "our",
    "my team",       "last spring",  "last summer",   "last fall",      "last autumn",
    "last winter",   "last month",   "last quarter",  "months ago",     "in my role",
    "in 20*",        "we were",      "our team",      "one of my",      "a client",
    "a customer",    "on a project", "on one",        "in one",         "once",
    "during",
};
static const char *const task_cues[] = {
    "task",        "my role",      "my job",  "responsib*", "i needed to", "i had to",
    "i was asked", "i was tasked", "my goal", "the goal",   "goal was",    "i wanted to",
    "as the",      "as a",         "as his",  "as her",     "as their",    "as our",
    "needed to",   "had to",       "was to",  "i owned",    "on me",       "my part",
};
static const char *const action_label_cues[] = { "action",  "actions",   "so i",     "then i",
                                                 "first i", "i decided", "i started" };
static const char *const result_cues[] = {
    "result*",   "outcome",  "in the end", "ended up",   "which meant", "led to",   "delivered",
    "reduc*",    "increas*", "improv*",    "saved",      "cut",         "dropped",  "grew",
    "went from", "shipped",  "launched",   "renewed",    "achieved",    "resolved", "finished",
    "learned",   "lesson",   "since then", "afterward*", "now i",       "percent",  "got better",
    "better",    "faster",   "quicker",    "happy with", "liked it",
};
static const char *const hypothetical_cues[] = { "i'd", "i would", "i will", "i'll" };
static const char *const explain_cues[] = {
    "because",    "so that",      "which means", "that means", "this means", "in other words",
    "the reason", "works by",     "refers to",   "therefore",  "that way",   "this way",
    "since",      "which is why", "due to",      "so the",     "so it",      "so we",
    "when",       "if",           "means",       "instead of", "while",
};
static const char *const example_cues[] = {
    "for example", "for instance",   "e g",        "such as",       "like when",      "in one",
    "at my last",  "at my previous", "in my last", "in my current", "in my previous", "we had",
    "i used",      "i've used",      "we used",    "in practice",   "a typical",      "a classic",
    "last year",   "on a",           "on one",     "our team",      "i built",        "we built",
    "test case",   "complexity",     "edge case",  "estimate*",     "requirement*",   "for a",
};
static const char *const tradeoff_cues[] = {
    "trade off",   "tradeoff*", "however",           "downside", "drawback*", "pitfall*",
    "gotcha",      "caveat",    "on the other hand", "unless",   "whereas",   "at the cost",
    "depends",     "only if",   "rather than",       "versus",   "vs",        "compared to",
    "limitation*", "the catch", "although",          "avoid",    "watch out", "be careful",
    "risk*",       "but",       "instead",           "cost*",    "still",     "otherwise",
};
static const char *const order_cues[] = {
    "first", "firstly", "then", "next",     "finally", "after that", "second",
    "third", "lastly",  "step", "start by", "once",    "before",     "afterward*",
};
static const char *const outcome_cues[] = {
    "reduc*",    "increas*", "improv*",  "saved",     "saving*", "cut",    "dropped",
    "grew",      "doubl*",   "halv*",    "tripl*",    "boost*",  "lower*", "shorten*",
    "eliminat*", "prevent*", "deliver*", "shipped",   "launch*", "renew*", "retain*",
    "achiev*",   "exceed*",  "won",      "went from", "sped up", "fell",   "rose",
};
/* Phrases that dodge or dismiss the question instead of answering it. Absolutes such as "I
 * never" are left out: "I never rely on colour alone" is a good answer. */
static const char *const evasive_cues[] = {
    "not really",
    "don't really",
    "didn't really",
    "never really",
    "never had",
    "can't think of",
    "cannot think of",
    "can't really think",
    "can't remember",
    "no specific example",
    "don't have a specific",
    "don't have one specific",
    "don't have an example",
    "don't have any example*",
    "not something i",
    "not something you",
    "not something we",
    "don't need to worry",
    "no need to worry",
    "don't worry about",
    "don't have to worry",
    "doesn't need much",
    "not worth it",
    "not worth the",
    "i'd just",
    "i just",
    "always just",
    "just use",
    "leave it to",
    "leave them to",
    "leave that to",
    "let someone else",
    "not my job",
    "not my responsibility",
    "i don't know",
    "no idea",
    "good enough",
    "doesn't matter",
    "don't bother",
    "not a big deal",
    "usually just",
    "just follow",
    "add it later",
    "deal with it later",
    "worry about it later",
    "if someone asks",
    "later if someone",
    "don't need to think",
    "don't have to think",
    "no need to think",
};

/* Everything measured on one answer. */
typedef struct {
    const ai_question *q;
    const ai_corpus *corpus;                                  /* NULL: every word weighs the same */
    const ai_corpus_domain *domains[AI_ROLE_RELATED_MAX + 2]; /* the question's roles' words */
    size_t ndomains;
    const char *category;
    bool star; /* behavioral and project questions */
    ai_text ans;
    ai_text qt;         /* the question */
    bool *echo;         /* per answer token: part of a passage copied from the question */
    bool *prose;        /* per sentence: words linked by function words, not a bare list */
    double prose_share; /* share of the answer's words in such sentences */
    size_t substantive; /* content words neither copied, filler, hedging nor deflection */
    bool nonanswer;     /* nothing of substance: "I don't know", filler, the question */
    double credit[AI_KEY_POINTS_MAX]; /* 0-1: 1 explained in a sentence, a fraction when listed */
    bool measured; /* a measured change: "from 9 minutes to 45 seconds", "halved" */
    size_t measured_at, measured_len;
    double cap;                         /* the highest score the answer can earn */
    ai_redflag_hit flags[RED_HITS_MAX]; /* known wrong or unsafe claims the answer makes */
    size_t nflags;
    bool contradicted[AI_KEY_POINTS_MAX];   /* a red flag denies the point */
    bool dismissed[AI_KEY_POINTS_MAX];      /* called unneeded ("no need to monitor") */
    size_t dismissed_at[AI_KEY_POINTS_MAX]; /* the sentence that dismisses it */
    size_t ndismissed;
    ai_text_counts counts;
    size_t npoints, ncovered;
    bool covered[AI_KEY_POINTS_MAX];
    long at[AI_KEY_POINTS_MAX]; /* token where the point is shown, or -1 */
    size_t atlen[AI_KEY_POINTS_MAX];
    size_t evidence[AI_KEY_POINTS_MAX]; /* length of the term that matched there */
    bool parts[4];                      /* STAR, or explanation / example / trade-off / order */
    size_t actions;
    bool hypothetical; /* a behavioral answer that only says what one would do */
    size_t figures;    /* figures that do not merely repeat the question's ("the three ...") */
    size_t figures_at; /* token of the first of them, or SIZE_MAX */
    size_t nskills;
    const char *skills[4];
    size_t outcomes, capitals, evasive;
    ai_text_hit evasive_hits[HITS_MAX];
    size_t nevasive_hits;
    ai_text_hit fillers[HITS_MAX], hedges[HITS_MAX];
    size_t nfillers, nhedges;
    double repetition;
    double topical; /* 0-1: how far the answer is about the question at all */
    size_t lo, hi;  /* sensible length in words */
    double dim[D_COUNT];
} view;

static double clamp01(double x)
{
    return x < 0 ? 0 : x > 1 ? 1 : x;
}

static double round1(double x)
{
    return round(x * 10.0) / 10.0;
}

static const char *category_of(const ai_question *q)
{
    static const char *const known[] = { "technical",     "behavioral", "project",
                                         "system_design", "coding",     "general" };
    for (size_t i = 0; q->category != NULL && i < COUNT(known); i++)
        if (strcmp(q->category, known[i]) == 0)
            return known[i];
    return "general";
}

static const char *category_label(const char *c)
{
    return strcmp(c, "system_design") == 0 ? "system design" : c;
}

static bool has_cue(const ai_text *t, const char *const *cues, size_t n, size_t *first)
{
    ai_text_hit h[1];
    size_t found = ai_text_cues(t, cues, n, h, 1, NULL);
    if (found > 0 && first != NULL)
        *first = h[0].first;
    return found > 0;
}

/* True when a cue of the list occurs at or after token `from`. */
static bool cue_from(const ai_text *t, const char *const *cues, size_t n, size_t from)
{
    ai_text_hit h[16];
    for (size_t c = 0; c < n; c += 16) {
        size_t found = ai_text_cues(t, cues + c, n - c < 16 ? n - c : 16, h, 16, NULL);
        for (size_t i = 0; i < found; i++)
            if (h[i].last >= from)
                return true;
    }
    return false;
}

static size_t cue_total(const ai_text *t, const char *const *cues, size_t n)
{
    size_t total = 0;
    ai_text_cues(t, cues, n, NULL, 0, &total);
    return total;
}

/* ---- dimensions ---------------------------------------------------------------------------- */

static bool content(const ai_text_token *t)
{
    return !(t->flags & (AI_TEXT_STOP | AI_TEXT_NUMBER | AI_TEXT_NUMWORD)) && t->word[1] != '\0';
}

/* Adds the content stems of text to the set, and the stems of their WordNet synonyms where the
 * lexicon has them (the key points' words): an answer that says "client" for "customer" is on
 * the question. */
static int set_add_text(arena *a, const ai_text_lexicon *lx, ai_stems *s, const char *text)
{
    ai_text t;
    int rc = ai_text_tokenize(a, lx, text, &t);
    for (size_t i = 0; rc == IA_OK && i < t.n; i++) {
        if (!content(&t.v[i]))
            continue;
        rc = ai_stems_push(a, s, t.v[i].stem);
        const ai_text_alts *alts = lx != NULL ? ai_text_alternatives(lx, t.v[i].word) : NULL;
        for (size_t k = 0; rc == IA_OK && alts != NULL && k < alts->n; k++)
            rc = ai_stems_push(a, s, alts->stems[k]);
    }
    return rc;
}

/* The share of the set's stems that the answer uses, into *out. */
static int set_recall(const ai_stems *s, const ai_text *ans, arena *a, double *out)
{
    *out = 0;
    if (s->n == 0)
        return IA_OK;
    bool *seen = arena_calloc(a, s->n, sizeof(bool));
    if (seen == NULL)
        return IA_ERR_NOMEM;
    size_t hit = 0;
    for (size_t i = 0; i < ans->n; i++) {
        long at = ai_stems_index(s, ans->v[i].stem);
        if (at >= 0 && !seen[at]) {
            seen[at] = true;
            hit++;
        }
    }
    *out = (double)hit / (double)s->n;
    return IA_OK;
}

/* ---- what the answer is made of ------------------------------------------------------------ */

static bool word_is(const ai_text_token *t, const char *w)
{
    return strcmp(t->word, w) == 0;
}

/* Verbal negations, which deny what follows them in the clause: "we did not test", "I never
 * checked". "No" and "without" are left out: "no downtime" is a claim, not a denial. */
static const char *const negations[] = {
    "not",      "never",   "don't",   "doesn't",  "didn't", "won't",
    "wouldn't", "can't",   "cannot",  "couldn't", "isn't",  "wasn't",
    "aren't",   "weren't", "haven't", "hasn't",   "hadn't", "shouldn't",
};

/* Phrases that say the answer has no answer. */
static const char *const unknown_cues[] = {
    "i don't know",  "i do not know", "i dont know",  "no idea",   "not sure",
    "i'm not sure",  "no clue",       "never done",   "never did", "haven't done",
    "have not done", "i can't say",   "can't answer", "pass",      "skip this",
};

/* Words that open a new clause, so that a negation before them does not reach past them. */
static const char *const clause_openers[] = {
    "but", "so", "because", "which", "although", "though", "while",   "then",    "yet",
    "i",   "we", "they",    "he",    "she",      "you",    "instead", "however", "until",
};

/* True when the negation at token k is not one: "not only", "didn't just", "not just". */
static bool weak_negation(const ai_text *t, size_t k)
{
    return k + 1 < t->n && (word_is(&t->v[k + 1], "only") || word_is(&t->v[k + 1], "just"));
}

/* True when a negation governs token i: a verbal negation, "no" or "without" earlier in its
 * clause (back to the sentence start or a word that opens a new clause, at most twelve words),
 * or "rather than" / "instead of" right before. A negation reaches over lists: "I didn't offer
 * acetaminophen or positioning or any non-drug measures" denies all three. */
static bool negated(const ai_text *t, size_t i)
{
    unsigned s = t->v[i].sentence;
    for (size_t k = 1; k <= 12 && k <= i; k++) {
        size_t at = i - k;
        const ai_text_token *w = &t->v[at];
        if (w->sentence != s)
            break;
        bool neg = word_is(w, "no") || word_is(w, "without") || word_is(w, "nothing") ||
                   word_is(w, "none");
        for (size_t n = 0; !neg && n < COUNT(negations); n++)
            neg = strcmp(w->word, negations[n]) == 0;
        if (neg && !weak_negation(t, at))
            return true;
        if (k <= 3 && at > 0 &&
            ((word_is(w, "than") && word_is(&t->v[at - 1], "rather")) ||
             (word_is(w, "of") && word_is(&t->v[at - 1], "instead"))))
            return true;
        for (size_t c = 0; c < COUNT(clause_openers); c++)
            if (strcmp(w->word, clause_openers[c]) == 0)
                return false;
    }
    return false;
}

/* Marks the answer's tokens that repeat the question: runs of at least three words, two of them
 * content words, that all occur in the question, in any order ("the question pasted back", or
 * lightly rephrased). Copied text earns nothing. */
static int mark_echo(view *v, arena *a)
{
    const ai_text *t = &v->ans, *q = &v->qt;
    if ((v->echo = arena_calloc(a, t->n ? t->n : 1, sizeof(bool))) == NULL)
        return IA_ERR_NOMEM;
    ai_stems qs = { 0 };
    for (size_t j = 0; j < q->n; j++)
        if (ai_stems_push(a, &qs, q->v[j].stem) != IA_OK)
            return IA_ERR_NOMEM;
    ai_stems_finish(&qs);
    for (size_t i = 0; i < t->n;) {
        size_t k = 0, words = 0;
        while (i + k < t->n && t->v[i + k].sentence == t->v[i].sentence &&
               ai_stems_has(&qs, t->v[i + k].stem)) {
            words += content(&t->v[i + k]);
            k++;
        }
        if (k >= 3 && words >= 2)
            for (size_t m = 0; m < k; m++)
                v->echo[i + m] = true;
        i += k > 0 ? k : 1;
    }
    return IA_OK;
}

/* A sentence reads as prose when function words link its terms (at least one word in eight,
 * as in any sentence that makes a claim); "STAR situation task result 30% stakeholder" does
 * not. Sentences of one or two words count with the prose around them. */
static int mark_prose(view *v, arena *a)
{
    const ai_text *t = &v->ans;
    size_t ns = t->nsentences ? t->nsentences : 1;
    size_t *words = arena_calloc(a, ns, sizeof(size_t)),
           *stops = arena_calloc(a, ns, sizeof(size_t));
    if ((v->prose = arena_calloc(a, ns, sizeof(bool))) == NULL || words == NULL || stops == NULL)
        return IA_ERR_NOMEM;
    for (size_t i = 0; i < t->n; i++) {
        unsigned s = t->v[i].sentence < ns ? t->v[i].sentence : (unsigned)(ns - 1);
        words[s]++;
        stops[s] += (t->v[i].flags & AI_TEXT_STOP) != 0;
    }
    size_t linked = 0, all = 0, long_linked = 0;
    for (size_t s = 0; s < ns; s++) {
        all += words[s];
        if (words[s] >= 3) {
            if (stops[s] * 8 >= words[s]) {
                v->prose[s] = true;
                long_linked += words[s];
            }
        }
    }
    /* Short sentences ("Airway first.") take the character of the rest: prose when most of the
     * answer's words are in linked sentences, list items otherwise ("Trie node. Insert. DFS."). */
    bool rest = long_linked * 2 >= all;
    /* Many sentences of two or three words are a list split by full stops ("Trie node.
     * Children map. Insert. DFS."): none of its short fragments is prose. */
    bool fragments = ns >= 5 && all * 2 < ns * 9;
    for (size_t s = 0; s < ns; s++) {
        if (words[s] < 3)
            v->prose[s] = rest && !fragments;
        else if (fragments && words[s] < 6)
            v->prose[s] = false;
    }
    for (size_t s = 0; s < ns; s++)
        linked += v->prose[s] ? words[s] : 0;
    v->prose_share = all ? (double)linked / (double)all : 0;
    return IA_OK;
}

static bool is_figure(const ai_text_token *t)
{
    return (t->flags & (AI_TEXT_NUMBER | AI_TEXT_NUMWORD)) != 0;
}

/* "2x", "10x": a multiple written with its figure. */
static bool is_multiple(const ai_text_token *t)
{
    const char *w = t->word;
    size_t l = strlen(w), d = 0;
    while (d < l && ((w[d] >= '0' && w[d] <= '9') || w[d] == '.'))
        d++;
    return d > 0 && d + 1 == l && w[d] == 'x';
}

/* Finds a measured change in the answer, in any common form: "from 9 minutes to 45 seconds",
 * "by 30%", "halved", "cut by a third", "2x", "three times faster". */
static void find_measured(view *v)
{
    static const char *const changes[] = {
        "halved",     "halving",      "doubled",    "doubling",     "tripled",       "quadrupled",
        "in half",    "by half",      "by a third", "by a quarter", "by two thirds", "twice as",
        "a third of", "a quarter of", "a fifth of", "tenfold",      "threefold",     "twofold",
    };
    const ai_text *t = &v->ans;
    ai_text_hit h[1];
    size_t cue_at = SIZE_MAX, cue_len = 0;
    for (size_t c = 0; c < COUNT(changes); c++)
        if (ai_text_cues(t, changes + c, 1, h, 1, NULL) == 1 && !v->echo[h[0].first] &&
            h[0].first < cue_at) {
            cue_at = h[0].first;
            cue_len = 1 + (size_t)(strchr(changes[c], ' ') != NULL) +
                      (size_t)(strchr(changes[c], ' ') && strchr(strchr(changes[c], ' ') + 1, ' '));
        }
    for (size_t i = 0; i < t->n && i < cue_at; i++) {
        if (v->echo[i])
            continue;
        const ai_text_token *w = &t->v[i];
        size_t len = 0;
        if (word_is(w, "from") && i + 1 < t->n && is_figure(&t->v[i + 1])) {
            for (size_t k = i + 2; k < t->n && k < i + 8 && len == 0; k++)
                if (word_is(&t->v[k], "to") && k + 1 < t->n && is_figure(&t->v[k + 1]))
                    len = k + 2 - i;
        } else if (word_is(w, "by") && i + 1 < t->n && is_figure(&t->v[i + 1])) {
            len = 2;
        } else if (is_multiple(w)) {
            len = 1;
        } else if (is_figure(w) && i + 1 < t->n && word_is(&t->v[i + 1], "times")) {
            len = 2;
        } else if (is_figure(w) && i + 1 < t->n && word_is(&t->v[i + 1], "percent")) {
            len = 2;
        }
        if (len > 0) {
            cue_at = i;
            cue_len = len;
            break;
        }
    }
    if (cue_at != SIZE_MAX) {
        v->measured = true;
        v->measured_at = cue_at;
        v->measured_len = cue_len;
    }
}

/* Counts the content words that carry the answer: not copied from the question, and net of
 * filler, hedging, deflection and "I don't know". Too few of them and there is no answer. */
static void count_substance(view *v)
{
    size_t n = 0, noise = 0, unknown = 0;
    for (size_t i = 0; i < v->ans.n; i++)
        n += content(&v->ans.v[i]) && !v->echo[i];
    ai_text_cues(&v->ans, unknown_cues, COUNT(unknown_cues), NULL, 0, &unknown);
    noise = v->counts.fillers + v->counts.hedges + v->evasive + unknown;
    v->substantive = n > noise ? n - noise : 0;
    v->nonanswer = v->substantive < 5 || (unknown > 0 && v->substantive < 12);
}

/* Finds the known wrong or unsafe claims of the question (its own red flags, or the bank's for a
 * question stored before it had them) that the answer makes, and the key points they deny. A
 * claim in text copied from the question is the question's, not the answer's. */
static int find_red_flags(view *v, const ai_offline *e, arena *a, const ai_text_lexicon *lx)
{
    ai_question with = *v->q;
    if (e != NULL) {
        const ai_red_flag *flags = NULL;
        size_t n = 0;
        ai_bank_red_flags(ai_offline_bank(e), v->q, &flags, &n);
        with.red_flags = (ai_red_flag *)flags;
        with.nred_flags = n;
    }
    ai_redflag_hit hits[RED_HITS_MAX];
    size_t n = 0;
    int rc = ai_redflag_check(a, lx, &with, &v->ans, hits, RED_HITS_MAX, &n);
    for (size_t h = 0; rc == IA_OK && h < n; h++) {
        bool own = false;
        for (size_t i = 0; i < v->ans.n && !own; i++)
            own = v->ans.v[i].sentence == hits[h].sentence && !v->echo[i] && content(&v->ans.v[i]);
        if (!own)
            continue;
        v->flags[v->nflags++] = hits[h];
        int p = hits[h].flag->point;
        if (p >= 0 && (size_t)p < AI_KEY_POINTS_MAX)
            v->contradicted[p] = true;
    }
    return rc;
}

/* True when the point's own text says "measurable" or the like: a measured change in any form
 * shows it, whatever its listed terms. */
static bool point_is_measure(const ai_key_point *kp)
{
    static const char *const w[] = { "measur", "quantif", "metric", "percent", "number" };
    for (size_t i = 0; i < COUNT(w); i++)
        if (ai_has_word(kp->point, w[i], false))
            return true;
    return false;
}

/* True when the point itself is phrased as a denial ("Never share credentials"), so that a
 * negation in the answer agrees with it rather than contradicting it. */
static bool point_is_negative(const ai_key_point *kp)
{
    for (size_t n = 0; n < COUNT(negations); n++)
        if (ai_has_word(kp->point, negations[n], true))
            return true;
    static const char *const w[] = { "no", "avoid", "without", "zero", "prevent", "instead" };
    for (size_t i = 0; i < COUNT(w); i++)
        if (ai_has_word(kp->point, w[i], true))
            return true;
    return false;
}

/* The credit of one occurrence: copied from the question or denied, nothing; in a sentence that
 * makes a claim, all of it; in a bare list of terms, a fifth. */
static double occurrence_credit(const view *v, size_t at, bool negative_point)
{
    if (v->echo[at] || (!negative_point && negated(&v->ans, at)))
        return 0;
    unsigned s = v->ans.v[at].sentence;
    return v->prose[s < v->ans.nsentences ? s : 0] ? 1.0 : 0.2;
}

/* Coverage: key points whose terms occur in the answer, each occurrence weighed by how it is
 * said (occurrence_credit); the best occurrence of any term is the point's evidence. */
static int score_coverage(view *v, arena *a, const ai_text_lexicon *lx)
{
    const ai_question *q = v->q;
    v->npoints = q->nkey_points < AI_KEY_POINTS_MAX ? q->nkey_points : AI_KEY_POINTS_MAX;
    double total = 0;
    for (size_t p = 0; p < v->npoints; p++) {
        v->at[p] = -1;
        const ai_key_point *kp = &q->key_points[p];
        bool negative = point_is_negative(kp), dismissal = false;
        size_t dismissal_at = 0;
        for (size_t k = 0; k < kp->terms.n; k++) {
            ai_text_term term;
            int rc = ai_text_term_compile(a, lx, kp->terms.v[k], &term);
            if (rc == IA_ERR_INVALID)
                continue;
            if (rc != IA_OK)
                return rc;
            size_t len = 0, chars = strlen(kp->terms.v[k]);
            for (long at = ai_text_find(&v->ans, &term, 0, &len); at >= 0;
                 at = ai_text_find(&v->ans, &term, (size_t)at + 1, &len)) {
                double c = occurrence_credit(v, (size_t)at, negative);
                /* One common word ("days", "result", "value") shows a point less than a
                 * telling word or a phrase does. */
                if (len == 1 && ai_corpus_weight(v->corpus, v->ans.v[at].stem) < GENERIC_WEIGHT)
                    c *= GENERIC_SHARE;
                size_t s;
                /* A practice the answer calls unneeded earns nothing where it does so. */
                if (!negative && !v->echo[at] && ai_redflag_dismissed(&v->ans, (size_t)at, &s)) {
                    if (!dismissal) {
                        dismissal = true;
                        dismissal_at = s;
                    }
                    c = 0;
                }
                /* The strongest evidence: the most credit, then the match of most words, then
                 * the longest term. */
                if (c > 0 &&
                    (v->at[p] < 0 || c > v->credit[p] ||
                     (c == v->credit[p] &&
                      (len > v->atlen[p] || (len == v->atlen[p] && chars > v->evidence[p]))))) {
                    v->at[p] = at;
                    v->atlen[p] = len;
                    v->evidence[p] = chars;
                    v->credit[p] = c;
                }
                if (v->credit[p] >= 1.0)
                    break;
            }
        }
        if (v->credit[p] < 1.0 && v->measured && point_is_measure(kp)) {
            double c = occurrence_credit(v, v->measured_at, false);
            if (c > v->credit[p]) {
                v->at[p] = (long)v->measured_at;
                v->atlen[p] = v->measured_len;
                v->evidence[p] = v->measured_len;
                v->credit[p] = c;
            }
        }
        if (v->contradicted[p]) { /* a wrong claim about the point undoes its credit */
            v->credit[p] = 0;
            v->at[p] = -1;
        } else if (dismissal) {
            /* dismissed and nowhere else explained: a claim against the point */
            v->dismissed[p] = true;
            v->dismissed_at[p] = dismissal_at;
            v->ndismissed++;
            v->credit[p] = 0;
            v->at[p] = -1;
        }
        v->covered[p] = v->credit[p] >= 1.0;
        v->ncovered += v->covered[p];
        total += v->credit[p];
    }
    if (v->npoints > 0) {
        v->dim[D_COVERAGE] = 100.0 * total / (double)v->npoints;
        return IA_OK;
    }
    /* No rubric: how much of the model answer's (or the question's) vocabulary it shares. */
    ai_stems ref = { 0 };
    int rc = set_add_text(a, lx, &ref, q->model_answer ? q->model_answer : q->text);
    if (rc != IA_OK)
        return rc;
    ai_stems_finish(&ref);
    double recall = 0;
    rc = set_recall(&ref, &v->ans, a, &recall);
    v->dim[D_COVERAGE] = 100.0 * clamp01(recall / 0.4) * v->prose_share;
    return rc;
}

/* Relevance: how much of the answer is about the question. Each content word that is not
 * copied from the question weighs by how telling it is in the bank (ai/corpus.h), so "team"
 * and "time" say little and "triage" or "flour" much; the share of that weight that falls on
 * the question's own vocabulary (its text, key points, terms and model answer) is the answer's
 * topicality. An answer mostly about something else has its score capped. */
static int score_relevance(view *v, arena *a, const ai_text_lexicon *lx)
{
    const ai_question *q = v->q;
    ai_stems ref = { 0 }, qs = { 0 };
    int rc = set_add_text(a, lx, &ref, q->text);
    if (rc == IA_OK)
        rc = set_add_text(a, lx, &qs, q->text);
    if (rc == IA_OK && q->model_answer != NULL)
        rc = set_add_text(a, lx, &ref, q->model_answer);
    for (size_t p = 0; rc == IA_OK && p < q->nkey_points; p++) {
        rc = set_add_text(a, lx, &ref, q->key_points[p].point);
        for (size_t k = 0; rc == IA_OK && k < q->key_points[p].terms.n; k++)
            rc = set_add_text(a, lx, &ref, q->key_points[p].terms.v[k]);
    }
    if (rc != IA_OK)
        return rc;
    ai_stems_finish(&ref);
    ai_stems_finish(&qs);
    double all = 0, on = 0, onq = 0;
    for (size_t i = 0; i < v->ans.n; i++) {
        const ai_text_token *t = &v->ans.v[i];
        /* Names ("Epic", "Kubernetes") are specifics, not the topic. */
        if (!content(t) || v->echo[i] || (t->flags & AI_TEXT_CAPITAL))
            continue;
        double w = ai_corpus_weight(v->corpus, t->stem);
        all += w;
        if (ai_stems_has(&ref, t->stem))
            on += w, onq += w;
        else
            for (size_t d = 0; d < v->ndomains; d++)
                if (ai_corpus_domain_has(v->domains[d], t->stem)) {
                    on += DOMAIN_SHARE * w; /* the profession's words, not this question's */
                    break;
                }
    }
    double precision = all > 0 ? on / all : 0, on_question = 0;
    if ((rc = set_recall(&qs, &v->ans, a, &on_question)) != IA_OK)
        return rc;
    on_question = clamp01(on_question / 0.5);
    v->nevasive_hits = ai_text_cues(&v->ans, evasive_cues, COUNT(evasive_cues), v->evasive_hits,
                                    HITS_MAX, &v->evasive);
    /* Topicality counts the question's own words only: a word of the profession shows the
     * answer is in the right field, not that it answers this question. */
    double own = all > 0 ? onq / all : 0;
    v->topical = clamp01((own - TOPIC_LOW) / (TOPIC_HIGH - TOPIC_LOW));
    double s = 100.0 * (0.7 * clamp01(precision / TOPIC_FULL) + 0.3 * on_question);
    s -= 15.0 * (double)(v->evasive < 4 ? v->evasive : 4);
    v->dim[D_RELEVANCE] = s < 0 ? 0 : s;
    return IA_OK;
}

/* Counts "I" followed by a past-tense verb: the actions of a story. */
static size_t first_person_actions(const ai_text *t)
{
    static const char *const irregular[] = {
        "built",   "wrote", "made",  "ran",     "led",   "set",    "took",    "sat",
        "met",     "went",  "spoke", "brought", "gave",  "found",  "began",   "chose",
        "drove",   "got",   "held",  "kept",    "sent",  "spent",  "told",    "taught",
        "thought", "did",   "put",   "cut",     "drew",  "paid",   "sold",    "stood",
        "won",     "felt",  "left",  "broke",   "split", "sought", "rewrote", "read",
    };
    size_t n = 0;
    for (size_t i = 0; i + 1 < t->n; i++) {
        if (strcmp(t->v[i].word, "i") != 0 && strcmp(t->v[i].word, "we") != 0)
            continue;
        const char *w = t->v[i + 1].word;
        size_t l = strlen(w);
        bool past = (l > 3 && strcmp(w + l - 2, "ed") == 0 && strcmp(w, "need") != 0);
        for (size_t k = 0; !past && k < COUNT(irregular); k++)
            past = strcmp(w, irregular[k]) == 0;
        /* "I also built", "I then wrote" */
        if (!past && i + 2 < t->n &&
            (strcmp(w, "also") == 0 || strcmp(w, "then") == 0 || strcmp(w, "quickly") == 0)) {
            const char *w2 = t->v[i + 2].word;
            size_t l2 = strlen(w2);
            past = l2 > 3 && strcmp(w2 + l2 - 2, "ed") == 0;
        }
        n += past;
    }
    return n;
}

static void score_structure(view *v)
{
    const ai_text *t = &v->ans;
    size_t sentences = v->counts.sentences;
    if (v->star) {
        size_t s_at = SIZE_MAX;
        v->actions = first_person_actions(t);
        v->parts[0] = has_cue(t, situation_cues, COUNT(situation_cues), &s_at) && s_at < t->n / 2;
        v->parts[1] = has_cue(t, task_cues, COUNT(task_cues), NULL);
        bool labelled = has_cue(t, action_label_cues, COUNT(action_label_cues), NULL);
        v->parts[2] = v->actions >= 2 || (v->actions >= 1 && labelled);
        /* A result comes after the story has begun: a cue in the last two thirds. */
        v->parts[3] = cue_from(t, result_cues, COUNT(result_cues), t->n / 3);
        /* "I would go to HR...": what one would do, not what one did. */
        v->hypothetical =
            v->actions == 0 && cue_total(t, hypothetical_cues, COUNT(hypothetical_cues)) > 0;
        double action = v->parts[2] ? 25.0 : v->actions == 1 ? 15.0 : 0;
        double s =
            (v->parts[0] ? 25.0 : 0) + (v->parts[1] ? 25.0 : 0) + action + (v->parts[3] ? 25.0 : 0);
        v->dim[D_STRUCTURE] = v->hypothetical ? s * 0.5 : s;
        return;
    }
    size_t explain = cue_total(t, explain_cues, COUNT(explain_cues));
    size_t tradeoff = cue_total(t, tradeoff_cues, COUNT(tradeoff_cues));
    v->parts[0] = explain >= 2 || (explain >= 1 && sentences >= 3);
    v->parts[1] = has_cue(t, example_cues, COUNT(example_cues), NULL) || v->figures >= 2;
    v->parts[2] =
        tradeoff >= 2 || (tradeoff >= 1 && !has_cue(t, (const char *const[]){ "but" }, 1, NULL));
    v->parts[3] =
        sentences >= 3 && (has_cue(t, order_cues, COUNT(order_cues), NULL) || sentences >= 5);
    /* Explanation 30, example 30, trade-offs 25, order 15; a lone cue earns part. */
    double why = v->parts[0] ? 30.0 : explain ? 15.0 : 0;
    double limits = v->parts[2] ? 25.0 : tradeoff ? 10.0 : 0;
    double s = why + (v->parts[1] ? 30.0 : 0) + limits + (v->parts[3] ? 15.0 : 0);
    v->dim[D_STRUCTURE] = s;
}

/* The skill as the answer writes it, or NULL when the answer does not name it: the first
 * occurrence of its name or an alias as whole words. A name that is also an ordinary word
 * (exact_case: "SAFe", "Excel") or a short lower-case one ("Go") counts only with the name's
 * own capitals, so that "safe" or "sales go up" names nothing. */
static const char *skill_as_written(arena *a, const ai_text *t, const ai_skill *s)
{
    size_t nlen = strlen(s->name);
    bool lower = false;
    for (const char *c = s->name; *c; c++)
        lower = lower || (*c >= 'a' && *c <= 'z');
    bool exact = s->exact_case || (nlen <= 3 && lower);
    for (size_t k = 0; k < s->nterms; k++) {
        char words[AI_TEXT_TERM_WORDS][AI_TEXT_WORD_MAX + 1];
        size_t nw = 0;
        for (const char *p = s->terms[k]; *p != '\0' && nw < AI_TEXT_TERM_WORDS;) {
            while (*p == ' ')
                p++;
            size_t l = strcspn(p, " ");
            if (l == 0 || l > AI_TEXT_WORD_MAX)
                break;
            memcpy(words[nw], p, l);
            words[nw++][l] = '\0';
            p += l;
        }
        if (nw == 0)
            continue;
        for (size_t i = 0; i + nw <= t->n; i++) {
            size_t m = 0;
            while (m < nw && strcmp(t->v[i + m].word, words[m]) == 0)
                m++;
            if (m < nw)
                continue;
            size_t from = t->v[i].start, to = t->v[i + nw - 1].start + t->v[i + nw - 1].len;
            if (exact && (to - from != nlen || memcmp(t->text + from, s->name, nlen) != 0))
                continue;
            return ai_text_span(a, t, i, i + nw, QUOTE_MAX);
        }
    }
    return NULL;
}

/* True when the question itself has the token's word: repeating "the three statements" or the
 * question's own tool names is not a specific of the answer. */
static bool echoes(const ai_text *question, const ai_text_token *tok)
{
    for (size_t k = 0; k < question->n; k++)
        if (strcmp(question->v[k].stem, tok->stem) == 0)
            return true;
    return false;
}

static bool found_in(const size_t *found, size_t n, size_t skill)
{
    for (size_t i = 0; i < n; i++)
        if (found[i] == skill)
            return true;
    return false;
}

/* Specificity: figures, named tools and skills, proper names and outcome verbs, beyond what
 * the question already says. */
static int score_specificity(view *v, const ai_offline *e, arena *a, const ai_text_lexicon *lx)
{
    const ai_text *t = &v->ans, *qt = &v->qt;
    int rc = IA_OK;
    (void)lx;
    v->figures_at = SIZE_MAX;
    for (size_t i = 0; i < t->n; i++) {
        const ai_text_token *tok = &t->v[i];
        if ((tok->flags & AI_TEXT_CAPITAL) && !echoes(qt, tok))
            v->capitals++;
        if (!(tok->flags & (AI_TEXT_NUMBER | AI_TEXT_NUMWORD)) || echoes(qt, tok) || v->echo[i])
            continue;
        if (v->figures++ == 0)
            v->figures_at = i;
    }
    size_t found[SKILLS_MAX], n = 0, asked[SKILLS_MAX], nasked = 0;
    const ai_taxonomy *tax = e ? ai_offline_taxonomy(e) : NULL;
    /* The matcher reads no more of the answer than the tokeniser did. */
    const char *text = arena_strndup(a, t->text, AI_TEXT_INPUT_MAX);
    if (text == NULL)
        return IA_ERR_NOMEM;
    if (tax != NULL &&
        ((rc = ai_taxonomy_match(tax, text, found, SKILLS_MAX, &n)) != IA_OK ||
         (rc = ai_taxonomy_match(tax, v->q->text, asked, SKILLS_MAX, &nasked)) != IA_OK))
        return rc;
    for (size_t i = 0; i < n; i++) {
        const ai_skill *s = ai_taxonomy_get(tax, found[i]);
        if (s == NULL || strcmp(s->category, "soft") == 0 || found_in(asked, nasked, found[i]))
            continue;
        const char *written = skill_as_written(a, t, s);
        if (written == NULL)
            continue;
        if (v->nskills < COUNT(v->skills))
            v->skills[v->nskills] = written;
        v->nskills++;
    }
    v->outcomes = cue_total(t, outcome_cues, COUNT(outcome_cues));
    double x = (double)(v->figures < 6 ? v->figures : 6) +
               0.8 * (double)(v->nskills < 4 ? v->nskills : 4) +
               0.4 * (double)(v->capitals < 4 ? v->capitals : 4) +
               0.6 * (double)(v->outcomes < 4 ? v->outcomes : 4);
    v->dim[D_SPECIFICITY] = 100.0 * (1.0 - exp(-x / 4.0));
    return IA_OK;
}

/* Repeated word triples (by stem) as a share of all triples. */
static double repetition(arena *a, const ai_text *t)
{
    if (t->n < 12)
        return 0;
    size_t n = t->n - 2;
    uint64_t *h = arena_alloc(a, n * sizeof(uint64_t));
    if (h == NULL)
        return 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t x = 1469598103934665603ull;
        for (size_t k = 0; k < 3; k++) {
            for (const char *p = t->v[i + k].stem; *p; p++)
                x = (x ^ (unsigned char)*p) * 1099511628211ull;
            x = (x ^ 0xFFu) * 1099511628211ull;
        }
        h[i] = x;
    }
    /* Insertion into a sorted copy would be quadratic; sort instead. */
    for (size_t gap = n / 2; gap > 0; gap /= 2)
        for (size_t i = gap; i < n; i++)
            for (size_t j = i; j >= gap && h[j - gap] > h[j]; j -= gap) {
                uint64_t tmp = h[j];
                h[j] = h[j - gap];
                h[j - gap] = tmp;
            }
    size_t dups = 0;
    for (size_t i = 1; i < n; i++)
        dups += h[i] == h[i - 1];
    return (double)dups / (double)n;
}

static void score_clarity(view *v, arena *a)
{
    const ai_text_counts *c = &v->counts;
    double words = (double)c->words;
    double per100 = 100.0 / (words > 50 ? words : 50);
    double mean = c->sentences ? words / (double)c->sentences : words;
    double s = 100.0;
    if (mean > 25)
        s -= fmin(35.0, (mean - 25.0) * 2.0);
    if (c->longest_sentence > 60)
        s -= 10.0;
    s -= fmin(40.0, 8.0 * (double)c->fillers * per100);
    s -= fmin(25.0, 5.0 * (double)c->hedges * per100);
    v->repetition = repetition(a, &v->ans);
    if (v->repetition > 0.05)
        s -= fmin(60.0, (v->repetition - 0.05) * 200.0);
    /* Too few words to judge: clarity cannot be better than the evidence. */
    s *= fmin(1.0, words / 25.0);
    v->dim[D_CLARITY] = s < 0 ? 0 : s;
}

/* The sensible length of an answer, in words, for the category and difficulty. */
static void length_range(const view *v, size_t *lo, size_t *hi)
{
    const char *c = v->category, *d = v->q->difficulty ? v->q->difficulty : "medium";
    size_t l = 70, h = 220;
    if (v->star)
        l = 90, h = 260;
    else if (strcmp(c, "system_design") == 0)
        l = 110, h = 320;
    else if (strcmp(c, "coding") == 0)
        l = 60, h = 220;
    else if (strcmp(c, "general") == 0)
        l = 60, h = 200;
    if (strcmp(d, "easy") == 0)
        l -= 15, h -= 20;
    else if (strcmp(d, "hard") == 0)
        l += 15, h += 40;
    *lo = l;
    *hi = h;
}

static void score_length(view *v)
{
    length_range(v, &v->lo, &v->hi);
    /* Repeated phrases do not make an answer longer. */
    double w = (double)v->counts.words * (1.0 - v->repetition), lo = (double)v->lo,
           hi = (double)v->hi;
    double s = 100.0;
    if (w < lo)
        s = 100.0 * pow(w / lo, 1.5);
    else if (w > hi)
        s = fmax(40.0, 100.0 - 60.0 * (w - hi) / hi);
    v->dim[D_LENGTH] = s;
}

/* ---- feedback ------------------------------------------------------------------------------ */

/* The answer's words around tokens [at, at + len): back to the start of the clause (at most
 * four words) and on to its end (at most six), within the sentence, and never more than
 * QUOTE_MAX bytes; the context is shortened first, so the quote always holds the evidence. */
static const char *quote(arena *a, const ai_text *t, size_t at, size_t len)
{
    size_t from = at, to = at + len;
    unsigned s = t->v[at].sentence;
    for (size_t k = 0; k < 4 && from > 0 && t->v[from - 1].sentence == s &&
                       !(t->v[from].flags & AI_TEXT_PAUSE_BEFORE);
         k++)
        from--;
    for (size_t k = 0; k < 6 && to < t->n && t->v[to].sentence == s &&
                       !(t->v[to - 1].flags & AI_TEXT_PAUSE_AFTER);
         k++)
        to++;
#define SPAN_BYTES(f, e) (t->v[(e)-1].start + t->v[(e)-1].len - t->v[(f)].start)
    while (from < at && SPAN_BYTES(from, to) > QUOTE_MAX)
        from++;
    while (to > at + len && SPAN_BYTES(from, to) > QUOTE_MAX)
        to--;
#undef SPAN_BYTES
    return ai_text_span(a, t, from, to, QUOTE_MAX);
}

/* "“um” ×3, “I think” ×2": the cues found, the pronoun I in capitals. */
static void append_hits(strbuf *sb, const ai_text_hit *h, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        strbuf_puts(sb, i ? ", \u201c" : "\u201c");
        for (const char *c = h[i].cue; *c; c++) {
            bool pronoun = *c == 'i' && (c == h[i].cue || c[-1] == ' ') &&
                           (c[1] == ' ' || c[1] == '\'' || c[1] == '\0');
            strbuf_putc(sb, pronoun ? 'I' : *c);
        }
        strbuf_appendf(sb, "\u201d \u00d7%zu", h[i].count);
    }
}

static const char *hits_text(arena *a, const ai_text_hit *h, size_t n)
{
    strbuf sb;
    strbuf_init(&sb, a, 512);
    append_hits(&sb, h, n);
    return strbuf_error(&sb) == IA_OK ? strbuf_str(&sb) : "";
}

/* A term of a missed point to suggest ("e.g. mention random access or multiple passes"). */
/* The word of text (lower-cased into out) that begins with prefix, if any: a truncated rubric
 * term ("responsib") completed from the point or model answer ("responsibility"). */
static bool complete_word(const char *text, const char *prefix, char *out, size_t cap)
{
    size_t pl = strlen(prefix);
    for (const char *p = text; p != NULL && *p != '\0'; p++) {
        bool start = p == text || !((p[-1] | 0x20) >= 'a' && (p[-1] | 0x20) <= 'z');
        if (!start || strncasecmp(p, prefix, pl) != 0)
            continue;
        size_t l = pl;
        while (((p[l] | 0x20) >= 'a' && (p[l] | 0x20) <= 'z') || p[l] == '-')
            l++;
        if (l >= cap)
            return false;
        for (size_t i = 0; i < l; i++)
            out[i] = (char)((p[i] >= 'A' && p[i] <= 'Z') ? p[i] + 32 : p[i]);
        out[l] = '\0';
        return true;
    }
    return false;
}

/* " — e.g. mention X or Y": two of the point's terms as whole words. A term written as a
 * truncated stem is completed from the point or the model answer, or left out. */
static void append_terms(strbuf *sb, const ai_question *q, const ai_key_point *kp)
{
    size_t shown = 0;
    for (size_t k = 0; k < kp->terms.n && shown < 2; k++) {
        const char *term = kp->terms.v[k];
        char last[AI_TEXT_WORD_MAX + 1];
        const char *sp = strrchr(term, ' ');
        const char *tail = sp ? sp + 1 : term;
        bool whole = ai_has_word(kp->point, tail, true) ||
                     (q->model_answer != NULL && ai_has_word(q->model_answer, tail, true));
        if (!whole && !complete_word(kp->point, tail, last, sizeof(last)) &&
            (q->model_answer == NULL || !complete_word(q->model_answer, tail, last, sizeof(last))))
            continue;
        strbuf_puts(sb, shown == 0 ? " \u2014 e.g. mention " : " or ");
        if (whole)
            strbuf_puts(sb, term);
        else
            strbuf_appendf(sb, "%.*s%s", (int)(tail - term), term, last);
        shown++;
    }
}

static const char *const star_names[4] = { "situation", "task", "action", "result" };
static const char *const explain_names[4] = { "an explanation of why", "a concrete example",
                                              "the trade-offs or limits", "a clear order" };

/* "the task and result" from the parts missing. */
static void append_missing(strbuf *sb, const bool parts[4], const char *const names[4])
{
    size_t missing = 0, total = 0;
    for (size_t i = 0; i < 4; i++)
        total += !parts[i];
    for (size_t i = 0; i < 4; i++) {
        if (parts[i])
            continue;
        missing++;
        strbuf_appendf(sb, "%s%s", missing == 1 ? "" : missing == total ? " and " : ", ", names[i]);
    }
}

/* The feedback being written: the paragraph, the strengths and the improvements. */
typedef struct {
    const view *v;
    arena *a;
    strbuf sb;
    ai_strs st, im;
    bool form; /* off-topic answers get no credit for form */
} feedback;

/* Adds a formatted item to a list (strengths or improvements) of at most five. */
static void item(feedback *fb, ai_strs *list, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void item(feedback *fb, ai_strs *list, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    ai_text_list_add(list, AI_FEEDBACK_ITEMS, arena_vprintf(fb->a, fmt, ap));
    va_end(ap);
}

static const char *point_of(const view *v, size_t p)
{
    return v->q->key_points[p].point;
}

/* The point as part of a sentence: its first letter lower-cased unless it starts an acronym or a
 * name ("Use ABCs" -> "use ABCs", "SQL joins" stays). */
static const char *point_lower(arena *a, const view *v, size_t p)
{
    const char *pt = point_of(v, p);
    char *c = arena_strdup(a, pt);
    if (c != NULL && c[0] >= 'A' && c[0] <= 'Z' && !(c[1] >= 'A' && c[1] <= 'Z'))
        c[0] = (char)(c[0] + 32);
    return c != NULL ? c : pt;
}

/* Known wrong or unsafe claims: named plainly, with what is right. */
static void feedback_red_flags(feedback *fb)
{
    const view *v = fb->v;
    for (size_t h = 0; h < v->nflags; h++) {
        const ai_red_flag *f = v->flags[h].flag;
        const char *q = ai_redflag_quote(fb->a, &v->ans, v->flags[h].sentence, QUOTE_MAX * 2);
        strbuf_appendf(&fb->sb, "%s\u201c%s\u201d is a known error (%s): %s", h ? " " : "",
                       q ? q : "", f->claim, f->correct);
        size_t l = strlen(f->correct);
        if (l == 0 || (f->correct[l - 1] != '.' && f->correct[l - 1] != '!'))
            strbuf_putc(&fb->sb, '.');
        item(fb, &fb->im, "Correct the error: %s", f->correct);
    }
    bool any = v->nflags > 0;
    for (size_t p = 0; p < v->npoints; p++) {
        if (!v->dismissed[p])
            continue;
        const char *q = ai_redflag_quote(fb->a, &v->ans, v->dismissed_at[p], QUOTE_MAX * 2);
        strbuf_appendf(&fb->sb,
                       "%s\u201c%s\u201d is a known error (calling a needed step unnecessary): "
                       "\u201c%s\u201d is part of a sound answer.",
                       any ? " " : "", q ? q : "", point_of(v, p));
        any = true;
        item(fb, &fb->im, "Correct the error: \u201c%s\u201d is needed, not optional",
             point_of(v, p));
    }
    if (v->nflags > 0 || v->ndismissed > 0)
        strbuf_putc(&fb->sb, ' ');
}

/* The key points the answer did not cover, in rubric order, for a follow-up question. */
static int missed_points(arena *a, const view *v, ai_strs *out)
{
    *out = (ai_strs){ NULL, 0 };
    if (v->npoints == 0)
        return IA_OK;
    out->v = arena_calloc(a, v->npoints, sizeof(*out->v));
    if (out->v == NULL)
        return IA_ERR_NOMEM;
    for (size_t p = 0; p < v->npoints; p++)
        if (!v->covered[p])
            out->v[out->n++] = point_of(v, p);
    return IA_OK;
}

/* Key points: quote what showed one, name what was missed. */
static void feedback_points(feedback *fb)
{
    const view *v = fb->v;
    const ai_text *t = &v->ans;
    size_t missed[AI_KEY_POINTS_MAX], nmissed = 0, best = v->npoints, shown = 0;
    for (size_t p = 0; p < v->npoints; p++) {
        if (!v->covered[p])
            missed[nmissed++] = p;
        else if (best == v->npoints || v->atlen[p] > v->atlen[best] ||
                 (v->atlen[p] == v->atlen[best] && v->evidence[p] > v->evidence[best]))
            best = p; /* the strongest evidence is quoted first */
    }
    if (v->npoints == 0) {
        strbuf_appendf(&fb->sb, "Measured against the model answer, the coverage is %.0f%%.",
                       v->dim[D_COVERAGE]);
        return;
    }
    if (v->ncovered == 0) {
        strbuf_appendf(&fb->sb,
                       "The answer does not reach the key points this question looks for, "
                       "such as \u201c%s\u201d",
                       point_of(v, 0));
        if (v->npoints > 1)
            strbuf_appendf(&fb->sb, " and \u201c%s\u201d", point_of(v, 1));
        strbuf_puts(&fb->sb, ".");
    } else {
        strbuf_appendf(&fb->sb,
                       "You covered %zu of %zu key points: \u201c%s\u201d addresses "
                       "\u201c%s\u201d.",
                       v->ncovered, v->npoints,
                       quote(fb->a, t, (size_t)v->at[best], v->atlen[best]), point_of(v, best));
        for (size_t p = 0; p < v->npoints && shown < 3 && fb->form && v->substantive >= 12; p++)
            if (v->covered[p]) {
                item(fb, &fb->st, "Covered the key point %s: \u201c%s\u201d",
                     point_lower(fb->a, v, p), quote(fb->a, t, (size_t)v->at[p], v->atlen[p]));
                shown++;
            }
        if (nmissed > 0) {
            strbuf_appendf(&fb->sb, " It misses \u201c%s\u201d", point_of(v, missed[0]));
            if (nmissed > 1)
                strbuf_appendf(&fb->sb, "%s \u201c%s\u201d", nmissed > 2 ? "," : " and",
                               point_of(v, missed[1]));
            if (nmissed > 2)
                strbuf_appendf(&fb->sb, " and %zu more", nmissed - 2);
            strbuf_puts(&fb->sb, ".");
        }
    }
    for (size_t m = 0; m < nmissed && m < 2; m++) {
        strbuf it;
        strbuf_init(&it, fb->a, ITEM_MAX * 2);
        strbuf_appendf(&it, "Cover \u201c%s\u201d", point_of(v, missed[m]));
        append_terms(&it, v->q, &v->q->key_points[missed[m]]);
        ai_text_list_add(&fb->im, AI_FEEDBACK_ITEMS,
                         strbuf_error(&it) == IA_OK ? strbuf_str(&it) : NULL);
    }
}

/* An answer with nothing to score: "I don't know", filler, the question repeated. */
static void feedback_nonanswer(feedback *fb)
{
    const view *v = fb->v;
    size_t copied = 0;
    for (size_t i = 0; i < v->ans.n; i++)
        copied += v->echo[i];
    if (copied * 2 >= v->ans.n)
        strbuf_puts(&fb->sb,
                    "The answer repeats the question instead of answering it, so there "
                    "is nothing to score.");
    else if (v->substantive < 5)
        strbuf_puts(&fb->sb,
                    "The answer has almost no content: no claim, example or step that "
                    "answers the question.");
    else
        strbuf_puts(&fb->sb, "The answer says you do not know, with too little besides to score.");
    if (v->npoints > 0)
        strbuf_appendf(&fb->sb, " A strong answer would start with \u201c%s\u201d.",
                       point_of(v, 0));
    item(fb, &fb->im, "Give a real attempt: say what you would check or do first, and why");
    if (v->npoints > 0) {
        strbuf it;
        strbuf_init(&it, fb->a, ITEM_MAX * 2);
        strbuf_appendf(&it, "Cover \u201c%s\u201d", point_of(v, 0));
        append_terms(&it, v->q, &v->q->key_points[0]);
        ai_text_list_add(&fb->im, AI_FEEDBACK_ITEMS,
                         strbuf_error(&it) == IA_OK ? strbuf_str(&it) : NULL);
    }
}

/* Off-topic and deflecting answers. */
static void feedback_focus(feedback *fb)
{
    const view *v = fb->v;
    if (!fb->form) {
        strbuf_puts(&fb->sb,
                    " Most of it is about something other than the question, so it "
                    "earns little.");
        item(fb, &fb->im, "Stay on the question: %s", v->q->text);
    }
    if (v->prose_share < 0.5) {
        strbuf_puts(&fb->sb,
                    " It lists terms rather than explaining them: a term earns credit "
                    "when a sentence says what it means, what you did or why.");
        item(fb, &fb->im,
             "Write sentences that connect the terms: what you did, how it works and why");
    }
    if (v->nevasive_hits > 0) {
        const ai_text_hit *h = &v->evasive_hits[0];
        size_t to = h->first + 4 < v->ans.n ? h->first + 4 : v->ans.n;
        const char *q = ai_text_span(fb->a, &v->ans, h->first, to, QUOTE_MAX);
        strbuf_appendf(&fb->sb,
                       " Phrases like \u201c%s\u201d read as deflecting rather than answering.", q);
        item(fb, &fb->im, "Answer the question head-on instead of deflecting (\u201c%s\u201d)", q);
    }
    if (v->hypothetical) {
        strbuf_puts(&fb->sb, " It says what you would do rather than what you did.");
        item(fb, &fb->im,
             "Tell a real example from your past: what you did and what happened, "
             "not what you would do");
    }
}

/* STAR for stories; explanation, example, trade-offs and order otherwise. */
static void feedback_structure(feedback *fb)
{
    const view *v = fb->v;
    bool all = v->parts[0] && v->parts[1] && v->parts[2] && v->parts[3];
    if (v->star && all) {
        strbuf_puts(&fb->sb, " The story follows STAR: situation, task, action and result.");
        if (fb->form)
            item(fb, &fb->st, "Clear STAR structure: situation, task, action and result");
    } else if (v->star) {
        strbuf_appendf(&fb->sb, " For a %s question, make the STAR structure explicit: the ",
                       category_label(v->category));
        append_missing(&fb->sb, v->parts, star_names);
        size_t nmiss = 4 - (size_t)v->parts[0] - v->parts[1] - v->parts[2] - v->parts[3];
        strbuf_puts(&fb->sb, nmiss > 1 ? " are not clear." : " is not clear.");
        strbuf it;
        strbuf_init(&it, fb->a, ITEM_MAX);
        strbuf_puts(&it, "Use STAR: add the ");
        append_missing(&it, v->parts, star_names);
        ai_text_list_add(&fb->im, AI_FEEDBACK_ITEMS,
                         strbuf_error(&it) == IA_OK ? strbuf_str(&it) : NULL);
    } else if (all) {
        strbuf_puts(&fb->sb, " It explains the why, gives an example and weighs trade-offs.");
        if (fb->form)
            item(fb, &fb->st, "Explained the reasoning, gave an example and weighed trade-offs");
    } else {
        strbuf_puts(&fb->sb, " It lacks ");
        append_missing(&fb->sb, v->parts, explain_names);
        strbuf_puts(&fb->sb, ".");
        if (v->parts[1] && fb->form)
            item(fb, &fb->st, "Backed the explanation with a concrete example");
        if (!v->parts[1])
            item(fb, &fb->im, "Illustrate with a concrete example from your own work");
        else if (!v->parts[2])
            item(fb, &fb->im,
                 "Mention the trade-offs or limits of the approach and when you "
                 "would choose differently");
        else if (!v->parts[0])
            item(fb, &fb->im, "Explain why it works, not only what it is (because..., so...)");
    }
}

/* Figures and named tools. */
static void feedback_specifics(feedback *fb)
{
    const view *v = fb->v;
    const ai_text *t = &v->ans;
    if (v->figures_at != SIZE_MAX) {
        const char *fig = quote(fb->a, t, v->figures_at, 1);
        strbuf_appendf(&fb->sb, " Figures such as \u201c%s\u201d make it concrete.", fig);
        if (v->figures >= 2 && fb->form)
            item(fb, &fb->st, "Quantified the answer (\u201c%s\u201d)", fig);
    } else {
        strbuf_puts(&fb->sb, " It gives no figures or measurable outcomes.");
        if (v->star)
            item(fb, &fb->im,
                 "Add a measurable result: a number, percentage or time saved "
                 "that shows the impact");
        else
            item(fb, &fb->im,
                 "Add specifics: a number, a scale or a measured effect from "
                 "practice");
    }
    if (v->nskills > 0 && fb->form) {
        strbuf it;
        strbuf_init(&it, fb->a, ITEM_MAX);
        strbuf_puts(&it, "Named concrete tools and skills: ");
        for (size_t i = 0; i < v->nskills && i < COUNT(v->skills); i++)
            strbuf_appendf(&it, "%s%s", i ? ", " : "", v->skills[i]);
        ai_text_list_add(&fb->st, AI_FEEDBACK_ITEMS,
                         strbuf_error(&it) == IA_OK ? strbuf_str(&it) : NULL);
    }
}

/* Filler words, hedging, long sentences, repetition and length. */
static void feedback_delivery(feedback *fb)
{
    const view *v = fb->v;
    const ai_text_counts *c = &v->counts;
    if (c->fillers > 0) {
        const char *h = hits_text(fb->a, v->fillers, v->nfillers);
        strbuf_appendf(&fb->sb, " Filler words came up %zu time%s (%s).", c->fillers,
                       c->fillers == 1 ? "" : "s", h);
        if (c->fillers >= 2)
            item(fb, &fb->im, "Cut the filler words (%s); pause instead", h);
    }
    if (c->hedges > 0) {
        const char *h = hits_text(fb->a, v->hedges, v->nhedges);
        strbuf_appendf(&fb->sb, " Hedging (%s) undercuts your points.", h);
        item(fb, &fb->im, "State your points directly instead of hedging (%s)", h);
    }
    double mean = c->sentences ? (double)c->words / (double)c->sentences : (double)c->words;
    if (mean > 30 && c->words >= 40)
        item(fb, &fb->im, "Break up long sentences (about %.0f words each on average)", mean);
    if (v->repetition > 0.08) {
        strbuf_appendf(&fb->sb, " Much of it repeats itself (%.0f%% of its word sequences).",
                       100.0 * v->repetition);
        item(fb, &fb->im, "Avoid repeating the same phrases; make each sentence add something");
    }
    if (c->words < v->lo) {
        const char *level = v->q->difficulty ? v->q->difficulty : "medium";
        strbuf_appendf(&fb->sb,
                       " At %zu words it is short for %s %s %s question; aim for about %zu-%zu.",
                       c->words, level[0] == 'e' ? "an" : "a", level, category_label(v->category),
                       v->lo, v->hi);
        item(fb, &fb->im, "Develop the answer to about %zu-%zu words (now %zu)", v->lo, v->hi,
             c->words);
    } else if (c->words > v->hi) {
        strbuf_appendf(&fb->sb, " At %zu words it runs long; aim for under %zu.", c->words, v->hi);
        item(fb, &fb->im, "Tighten the answer to under %zu words (now %zu)", v->hi, c->words);
    } else if (v->dim[D_CLARITY] >= 85 && fb->form) {
        item(fb, &fb->st, "Concise and easy to follow (%zu words, %zu sentences)", c->words,
             c->sentences);
    }
}

/* Writes the feedback paragraph, strengths and improvements of a scored answer. Neither list
 * is empty: a weak answer is still told what it attempted, a strong one what would top it. */
static int build_feedback(view *v, arena *a, ai_evaluation *out)
{
    feedback fb = { .v = v,
                    .a = a,
                    .form = v->topical >= 0.5 && v->prose_share >= 0.5 && v->dim[D_COVERAGE] > 0 };
    strbuf_init(&fb.sb, a, FEEDBACK_MAX);
    fb.st.v = arena_calloc(a, AI_FEEDBACK_ITEMS, sizeof(char *));
    fb.im.v = arena_calloc(a, AI_FEEDBACK_ITEMS, sizeof(char *));
    if (fb.st.v == NULL || fb.im.v == NULL)
        return IA_ERR_NOMEM;
    if (v->nonanswer) {
        feedback_nonanswer(&fb);
    } else {
        feedback_red_flags(&fb);
        feedback_points(&fb);
        feedback_focus(&fb);
        feedback_structure(&fb);
        feedback_specifics(&fb);
        feedback_delivery(&fb);
    }
    /* Praise only what is there: an answer on the question, in its own words. */
    if (fb.st.n == 0 && !v->nonanswer && fb.form && v->substantive >= 12) {
        size_t from = 0;
        while (from < v->ans.n && (!content(&v->ans.v[from]) || v->echo[from]))
            from++;
        if (from < v->ans.n)
            item(&fb, &fb.st, "Answered the question in your own words (\u201c%s\u201d)",
                 quote(a, &v->ans, from, 1));
    }
    if (fb.im.n == 0)
        item(&fb, &fb.im, "Close with a one-sentence takeaway that ties the answer to the role");
    strbuf_puts(&fb.sb, " " CHECKED_NOTE);
    if (strbuf_error(&fb.sb) != IA_OK)
        return strbuf_error(&fb.sb);
    out->feedback = strbuf_str(&fb.sb);
    out->strengths = fb.st;
    out->improvements = fb.im;
    return missed_points(a, v, &out->missed);
}

/* The domains the answer may draw on: those of the bank question's roles, and of the candidate's
 * target role (a behavioural question has no roles of its own; a nurse's story is about
 * patients). */
static void set_domains(view *v, const ai_offline *e, const char *target_role)
{
    const ai_bank_item *item =
        e != NULL && v->q->bank_id != NULL ? ai_bank_find(ai_offline_bank(e), v->q->bank_id) : NULL;
    for (size_t r = 0; item != NULL && r < item->roles.n && v->ndomains < AI_ROLE_RELATED_MAX + 1;
         r++) {
        const ai_corpus_domain *d = ai_corpus_domain_of(v->corpus, item->roles.v[r]);
        if (d != NULL)
            v->domains[v->ndomains++] = d;
    }
    const ai_role *role = target_role != NULL ? ai_role_find(target_role) : NULL;
    const ai_corpus_domain *d = role != NULL ? ai_corpus_domain_of(v->corpus, role->name) : NULL;
    if (d != NULL)
        v->domains[v->ndomains++] = d;
}

/* ---- the operation ------------------------------------------------------------------------- */

static void set_dimensions(ai_evaluation *out, const double dim[D_COUNT])
{
    out->ndimensions = 0;
    for (size_t d = 0; d < D_COUNT && d < AI_DIMENSIONS_MAX; d++)
        out->dimensions[out->ndimensions++] = (ai_dimension){ dim_names[d], round1(dim[d]) };
}

/* The evaluation of an answer with no word in it. */
static int evaluate_empty(arena *a, const ai_question *q, ai_evaluation *out)
{
    double zero[D_COUNT] = { 0 };
    set_dimensions(out, zero);
    out->score = 0;
    out->communication = 0;
    if (q->nkey_points > 0)
        out->feedback = arena_printf(a,
                                     "No answer was given, so there is nothing to score. A "
                                     "strong answer would start with \u201c%s\u201d.",
                                     q->key_points[0].point);
    else
        out->feedback = arena_strdup(a, "No answer was given, so there is nothing to score.");
    const char **im = arena_calloc(a, 1, sizeof(char *));
    if (out->feedback == NULL || im == NULL)
        return IA_ERR_NOMEM;
    im[0] = "Give an answer: even a short, structured attempt scores better than none";
    out->improvements = (ai_strs){ im, 1 };
    out->strengths = (ai_strs){ NULL, 0 };
    return IA_OK;
}

/* A question the evaluator can read: text, and every key point with its point and terms. */
static bool question_ok(const ai_question *q)
{
    if (q == NULL || q->text == NULL || (q->nkey_points > 0 && q->key_points == NULL))
        return false;
    for (size_t p = 0; p < q->nkey_points && p < AI_KEY_POINTS_MAX; p++) {
        const ai_key_point *kp = &q->key_points[p];
        if (kp->point == NULL || (kp->terms.n > 0 && kp->terms.v == NULL))
            return false;
        for (size_t k = 0; k < kp->terms.n; k++)
            if (kp->terms.v[k] == NULL)
                return false;
    }
    return true;
}

int ai_offline_evaluate(const ai_offline *e, arena *a, const ai_evaluate_request *req,
                        ai_evaluation *out)
{
    if (req == NULL || out == NULL || !question_ok(req->question))
        return IA_ERR_INVALID;
    *out = (ai_evaluation){ 0 };
    const ai_question *q = req->question;
    if (q->model_answer != NULL && (out->model_answer = arena_strdup(a, q->model_answer)) == NULL)
        return IA_ERR_NOMEM;
    const ai_text_lexicon *lx = ai_offline_lexicon(e);
    int rc;
    view *v = arena_calloc(a, 1, sizeof(view));
    if (v == NULL)
        return IA_ERR_NOMEM;
    v->q = q;
    v->corpus = e ? ai_offline_corpus(e) : NULL;
    set_domains(v, e, req->target_role);
    v->category = category_of(q);
    v->star = strcmp(v->category, "behavioral") == 0 || strcmp(v->category, "project") == 0;
    rc = ai_text_tokenize(a, lx, req->answer ? req->answer : "", &v->ans);
    if (rc != IA_OK)
        return rc;
    if (v->ans.n == 0)
        return evaluate_empty(a, q, out);
    ai_text_count(&v->ans, &v->counts);
    v->nfillers = ai_text_fillers(&v->ans, v->fillers, HITS_MAX, NULL);
    v->nhedges = ai_text_hedges(&v->ans, v->hedges, HITS_MAX, NULL);
    if ((rc = ai_text_tokenize(a, lx, q->text, &v->qt)) != IA_OK ||
        (rc = mark_echo(v, a)) != IA_OK || (rc = mark_prose(v, a)) != IA_OK)
        return rc;
    find_measured(v);
    if ((rc = find_red_flags(v, e, a, lx)) != IA_OK || (rc = score_coverage(v, a, lx)) != IA_OK ||
        (rc = score_relevance(v, a, lx)) != IA_OK || (rc = score_specificity(v, e, a, lx)) != IA_OK)
        return rc;
    count_substance(v);
    score_structure(v);
    score_clarity(v, a);
    score_length(v);
    /* A behavioral or project question asks for a real example: without a single action of the
     * speaker's ("I called", "we rebuilt"), general statements earn half the points. */
    if (v->star && v->actions == 0)
        v->dim[D_COVERAGE] *= NO_STORY_SHARE;
    static const double weights[D_COUNT] = { W_COVERAGE,    W_RELEVANCE, W_STRUCTURE,
                                             W_SPECIFICITY, W_CLARITY,   W_LENGTH };
    /* Form (structure, specifics, clarity, length) counts as far as the answer is on the
     * question and written as sentences. */
    double gate = 0.5 + 0.5 * clamp01(v->dim[D_COVERAGE] / 60.0);
    double form = v->topical * v->prose_share * gate, score = 0;
    /* Key points count as far as the answer is about the question. */
    double points = 0.5 + 0.5 * v->topical;
    for (size_t d = 0; d < D_COUNT; d++)
        score += weights[d] * v->dim[d] *
                 (d == D_COVERAGE    ? points
                  : d == D_RELEVANCE ? 1.0
                                     : form);
    /* A deflecting answer cannot score well on keywords alone. */
    score *= 1.0 - EVASION_FACTOR * (double)(v->evasive < 3 ? v->evasive : 3);
    v->cap = 100.0;
    if (v->topical < 1.0)
        v->cap = CAP_OFF_TOPIC + (100.0 - CAP_OFF_TOPIC) * pow(clamp01(v->topical / 0.7), 1.5);
    if (v->prose_share < 0.5)
        v->cap = fmin(v->cap, CAP_LIST + (100.0 - CAP_LIST) * v->prose_share);
    size_t wrong = v->nflags + v->ndismissed;
    if (wrong > 0)
        v->cap = fmin(v->cap, wrong > 1 ? CAP_RED_FLAG - 10.0 : CAP_RED_FLAG);
    if (v->nonanswer)
        v->cap = CAP_NONE;
    score = fmin(score, v->cap);
    out->score = round1(score < 0 ? 0 : score > 100 ? 100 : score);
    out->communication =
        round1(fmin(v->cap, form * (0.6 * v->dim[D_CLARITY] + 0.4 * v->dim[D_STRUCTURE])));
    set_dimensions(out, v->dim);
    return build_feedback(v, a, out);
}
