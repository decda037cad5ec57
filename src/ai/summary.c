/* ai_offline_summarize: a completed session's scores and feedback (docs/api.md §4).
 *
 * final_score is the mean of every item's score, an unanswered item (answer NULL) counting 0.
 * The breakdown has one entry per category present, in the fixed order technical,
 * behavioral, project, system_design, coding, general (an unknown category counts as
 * general), each the mean of its items' scores; then "communication", the mean of the items'
 * communication scores; then "overall", equal to final_score. Scores are rounded to one
 * decimal. Strengths and weaknesses (at most five each) name the best and weakest categories
 * with their scores and the strengths and improvements that recur across answers, counted;
 * the summary is a few sentences naming the target role, the final score, the best and
 * weakest areas and next steps built from this session's weakest category, most recurring
 * improvement and missed key points (never one fixed line). Deterministic for the same
 * request. */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "ai/offline.h"
#include "ai/textutil.h"
#include "core/errors.h"
#include "core/strbuf.h"
#include "core/util.h"

#define KINDS_MAX   64 /* distinct feedback items tracked across a session */
#define SIG_MAX     48
#define LABEL_MAX   90
#define QUESTION_IN 70 /* bytes of a question quoted in a strength or weakness */
#define SUMMARY_MAX 2048

static const char *const category_order[] = { "technical",     "behavioral", "project",
                                              "system_design", "coding",     "general" };

/* Kinds of per-answer feedback the offline evaluator writes, by how the item begins: what a
 * recurring one says about the session, and the next step it suggests. */
typedef struct {
    const char *prefix;
    const char *label;
    const char *next_step;
    const char *unless; /* a strength that does not count when the same answer has this
                           improvement (every key point covered: no "Cover" item) */
} feedback_kind;

static const feedback_kind strength_kinds[] = {
    { "Covered", "Covered every key point", NULL, "Cover \u201c" },
    { "Clear STAR structure", "Told stories in a clear STAR structure", NULL },
    { "Explained the reasoning", "Explained the reasoning, with examples and trade-offs", NULL },
    { "Backed the explanation", "Backed explanations with concrete examples", NULL },
    { "Quantified", "Quantified answers with figures", NULL },
    { "Named concrete tools", "Named concrete tools and skills", NULL },
    { "Concise", "Kept answers concise and easy to follow", NULL },
};

static const feedback_kind improvement_kinds[] = {
    { "Cover \u201c", "Missed key points the questions look for",
      "before answering, list the two or three points the question is really after" },
    { "Answer the question head-on", "Deflected instead of answering",
      "answer each question directly first, then add context" },
    { "Use STAR", "Stories lacked a complete STAR structure",
      "practise telling stories as situation, task, action and result" },
    { "Tell a real example", "Said what you would do instead of what you did",
      "prepare real stories from your own experience for common behavioral questions" },
    { "Illustrate", "Few concrete examples from your own work",
      "prepare two or three concrete examples from your own work to draw on" },
    { "Mention the trade-offs", "Rarely weighed trade-offs or limits",
      "close technical answers with the trade-offs and when you would choose differently" },
    { "Explain why", "Explained what, not why", "say why an approach works, not only what it is" },
    { "Add a measurable result", "Few measurable results",
      "prepare the numbers behind your achievements: percentages, time saved, scale" },
    { "Add specifics", "Few figures or specifics",
      "prepare the numbers behind your achievements: percentages, time saved, scale" },
    { "Cut the filler", "Filler words", "practise aloud and pause instead of using fillers" },
    { "State your points directly", "Hedging", "state your points plainly, without hedging" },
    { "Break up long sentences", "Long sentences", "use shorter sentences, one idea each" },
    { "Avoid repeating", "Repetition", "make every sentence add something new" },
    { "Develop the answer", "Answers too short",
      "give fuller answers: the point, an example and the result" },
    { "Tighten the answer", "Answers too long", "lead with the point and keep answers tight" },
    { "Stay on the question", "Off-topic answers",
      "restate the question to yourself and answer exactly that" },
    { "Close with", "Answers without a closing takeaway",
      "end each answer with a one-sentence takeaway tied to the role" },
};

/* One recurring kind of feedback: how many answers had it, and where it was first seen. */
typedef struct {
    char sig[SIG_MAX];         /* of free text (kind NULL) */
    const feedback_kind *kind; /* NULL for text the evaluator did not write */
    const char *text;          /* the first item of this kind */
    size_t answers;
    size_t first;
    size_t last_item; /* item index that last counted, so an answer counts once */
} tally;

static double round1(double x)
{
    return round(x * 10.0) / 10.0;
}

static double clamp_score(double s)
{
    return isnan(s) || s < 0 ? 0 : s > 100 ? 100 : s;
}

static const char *category_of(const char *c)
{
    for (size_t i = 0; c != NULL && i < COUNT(category_order); i++)
        if (strcmp(c, category_order[i]) == 0)
            return category_order[i];
    return "general";
}

static const char *category_label(const char *c)
{
    return strcmp(c, "system_design") == 0 ? "system design" : c;
}

static const feedback_kind *kind_of(const char *s, const feedback_kind *kinds, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strncasecmp(s, kinds[i].prefix, strlen(kinds[i].prefix)) == 0)
            return &kinds[i];
    return NULL;
}

static bool has_prefix(const ai_strs *list, const char *prefix)
{
    for (size_t k = 0; k < list->n; k++)
        if (list->v[k] != NULL && strncmp(list->v[k], prefix, strlen(prefix)) == 0)
            return true;
    return false;
}

/* The signature of free text: its first two words before any quote, colon or bracket, lower
 * case, so "Add more numbers (e.g. ...)" and "add more numbers: ..." are one kind. */
static void signature(const char *s, char out[SIG_MAX])
{
    size_t o = 0, words = 0;
    bool in_word = false;
    for (const char *p = s; *p && o + 1 < SIG_MAX; p++) {
        unsigned char c = (unsigned char)*p;
        if (c == ':' || c == '(' || c == '"' || c == 0xE2 /* “ and — */)
            break;
        bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80;
        if (letter && !in_word && ++words > 2)
            break;
        if (letter)
            out[o++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
        else if (in_word)
            out[o++] = ' ';
        in_word = letter;
    }
    while (o > 0 && out[o - 1] == ' ')
        o--;
    out[o] = '\0';
}

/* Counts the kinds of items across answers; each answer counts once per kind. */
static void count_kinds(const ai_summary_request *req, bool strengths, const feedback_kind *kinds,
                        size_t nkinds, tally *t, size_t *nt)
{
    size_t order = 0;
    for (size_t i = 0; i < req->n; i++) {
        const ai_summary_item *it = &req->items[i];
        const ai_strs *list = strengths ? &it->strengths : &it->improvements;
        if (it->answer == NULL)
            continue;
        for (size_t k = 0; k < list->n; k++) {
            const char *s = list->v[k];
            if (s == NULL || *s == '\0')
                continue;
            const feedback_kind *kind = kind_of(s, kinds, nkinds);
            if (kind != NULL && kind->unless != NULL && has_prefix(&it->improvements, kind->unless))
                continue;
            char sig[SIG_MAX] = "";
            if (kind == NULL)
                signature(s, sig);
            if (kind == NULL && sig[0] == '\0')
                continue;
            size_t j = 0;
            while (j < *nt && (t[j].kind != kind || (kind == NULL && strcmp(t[j].sig, sig) != 0)))
                j++;
            if (j == *nt) {
                if (*nt == KINDS_MAX)
                    continue;
                t[j] = (tally){ .kind = kind, .text = s, .first = order++, .last_item = SIZE_MAX };
                memcpy(t[j].sig, sig, sizeof(sig));
                (*nt)++;
            }
            if (t[j].last_item != i) {
                t[j].answers++;
                t[j].last_item = i;
            }
        }
    }
    /* Most frequent first; ties in order of first appearance. */
    for (size_t a = 1; a < *nt; a++)
        for (size_t b = a;
             b > 0 && (t[b].answers > t[b - 1].answers ||
                       (t[b].answers == t[b - 1].answers && t[b].first < t[b - 1].first));
             b--) {
            tally tmp = t[b];
            t[b] = t[b - 1];
            t[b - 1] = tmp;
        }
}

/* What a tally says: the kind's label, or the item's own text up to a quote or bracket. */
static const char *tally_label(arena *a, const tally *t)
{
    if (t->kind != NULL)
        return t->kind->label;
    size_t n = strcspn(t->text, "(:\"");
    const char *dash = strstr(t->text, "\xe2\x80");
    if (dash != NULL && (size_t)(dash - t->text) < n)
        n = (size_t)(dash - t->text);
    while (n > 0 && t->text[n - 1] == ' ')
        n--;
    if (n > LABEL_MAX)
        n = LABEL_MAX;
    while (n > 0 && ((unsigned char)t->text[n] & 0xC0u) == 0x80u)
        n--; /* on a character boundary */
    return n > 0 ? arena_strndup(a, t->text, n) : t->text;
}

/* A question shortened for quoting. */
static const char *short_question(arena *a, const char *q)
{
    if (q == NULL)
        return "";
    size_t n = strlen(q);
    if (n <= QUESTION_IN)
        return q;
    size_t cut = QUESTION_IN;
    while (cut > 0 && q[cut] != ' ')
        cut--;
    if (cut == 0)
        cut = QUESTION_IN;
    while (cut > 0 && ((unsigned char)q[cut] & 0xC0u) == 0x80u)
        cut--;
    return arena_printf(a, "%.*s\u2026", (int)cut, q);
}

/* What to practise for each category (in category_order), said of its weakest. */
static const char *const category_drill[] = {
    "explain how and why before naming tools, then close with the trade-offs",
    "tell one real story per question: situation, task, your own actions and the result",
    "walk through your own decisions on the project and the outcome you measured",
    "state the requirements and the scale first, then the components and their trade-offs",
    "say the approach and its cost before the code, then test it on the edge cases",
    "tie each answer to the role and back it with something you have done",
};

/* The point of the first "Cover “point”" improvement of an item, or NULL. */
static const char *missed_point(arena *a, const ai_summary_item *it)
{
    static const char open[] = "Cover \u201c";
    for (size_t k = 0; k < it->improvements.n; k++) {
        const char *s = it->improvements.v[k];
        if (s == NULL || strncmp(s, open, strlen(open)) != 0)
            continue;
        s += strlen(open);
        const char *end = strstr(s, "\u201d");
        size_t n = end != NULL ? (size_t)(end - s) : strlen(s);
        if (n > LABEL_MAX)
            return NULL;
        return n > 0 ? arena_strndup(a, s, n) : NULL;
    }
    return NULL;
}

/* The closing advice, built from this session's answers: answer everything when some were
 * left blank; the weakest category (when below 75) with what to practise for it; the
 * improvement that recurred most, with how often; and a key point the lowest-scoring answer
 * missed, with its question. Falls back to a harder round of the weakest category when the
 * session gives nothing to work on. */
static void next_steps(arena *a, strbuf *sb, const ai_summary_request *req, size_t answered,
                       const char *low_cat, double low_mean, const tally *tw, size_t ntw)
{
    size_t parts = 0;
    strbuf_puts(sb, " Next steps: ");
    if (answered < req->n) {
        strbuf_puts(sb, "answer every question, even briefly, as a blank scores 0");
        parts++;
    }
    if (low_cat != NULL && low_mean < 75) {
        size_t k = 0;
        while (k + 1 < COUNT(category_order) && strcmp(category_order[k], low_cat) != 0)
            k++;
        strbuf_appendf(sb, "%sfor %s questions, your lowest at %.1f, %s", parts ? "; " : "",
                       category_label(low_cat), low_mean, category_drill[k]);
        parts++;
    }
    const ai_summary_item *weakest = NULL;
    const char *point = NULL;
    for (size_t i = 0; i < req->n; i++) {
        const ai_summary_item *it = &req->items[i];
        const char *p = it->answer != NULL ? missed_point(a, it) : NULL;
        if (p != NULL && (weakest == NULL || it->score < weakest->score)) {
            weakest = it;
            point = p;
        }
    }
    for (size_t i = 0; i < ntw; i++) {
        const feedback_kind *kind = tw[i].kind;
        if (kind == NULL || (point != NULL && strcmp(kind->prefix, "Cover \u201c") == 0))
            continue;
        char first = kind->label[0] >= 'A' && kind->label[0] <= 'Z' ? (char)(kind->label[0] + 32)
                                                                    : kind->label[0];
        strbuf_appendf(sb, "%s%s (%c%s in %zu of %zu answers)", parts ? "; " : "", kind->next_step,
                       first, kind->label + 1, tw[i].answers, answered);
        parts++;
        break;
    }
    if (point != NULL) {
        strbuf_appendf(sb, "%srevisit \u201c%s\u201d, which your answer to \u201c%s\u201d missed",
                       parts ? "; " : "", point, short_question(a, weakest->question));
        parts++;
    }
    if (parts == 0 && low_cat != NULL)
        strbuf_appendf(sb, "try a harder round of %s questions", category_label(low_cat));
    else if (parts == 0)
        strbuf_puts(sb, "try a harder round");
    strbuf_puts(sb, ".");
}

int ai_offline_summarize(const ai_offline *e, arena *a, const ai_summary_request *req,
                         ai_summary *out)
{
    (void)e;
    if (req == NULL || out == NULL || req->n == 0 || req->items == NULL)
        return IA_ERR_INVALID;
    *out = (ai_summary){ 0 };

    /* Means, by category in the fixed order. */
    double sum = 0, comm = 0, cat_sum[COUNT(category_order)] = { 0 };
    size_t cat_n[COUNT(category_order)] = { 0 }, answered = 0, best = 0, worst = 0;
    double best_s = -1, worst_s = 101;
    for (size_t i = 0; i < req->n; i++) {
        const ai_summary_item *it = &req->items[i];
        double s = it->answer ? clamp_score(it->score) : 0;
        double c = it->answer ? clamp_score(it->communication) : 0;
        sum += s;
        comm += c;
        answered += it->answer != NULL;
        const char *cat = category_of(it->category);
        for (size_t k = 0; k < COUNT(category_order); k++)
            if (strcmp(cat, category_order[k]) == 0) {
                cat_sum[k] += s;
                cat_n[k]++;
            }
        if (s > best_s)
            best = i, best_s = s;
        if (s < worst_s)
            worst = i, worst_s = s;
    }
    double n = (double)req->n;
    out->final_score = round1(sum / n);
    size_t top = COUNT(category_order), low = COUNT(category_order), present = 0;
    double cat_mean[COUNT(category_order)] = { 0 };
    for (size_t k = 0; k < COUNT(category_order); k++) {
        if (cat_n[k] == 0)
            continue;
        present++;
        cat_mean[k] = round1(cat_sum[k] / (double)cat_n[k]);
        out->breakdown[out->nbreakdown++] = (ai_category_score){ category_order[k], cat_mean[k] };
        if (top == COUNT(category_order) || cat_mean[k] > cat_mean[top])
            top = k;
        if (low == COUNT(category_order) || cat_mean[k] < cat_mean[low])
            low = k;
    }
    double communication = round1(comm / n);
    out->breakdown[out->nbreakdown++] = (ai_category_score){ "communication", communication };
    out->breakdown[out->nbreakdown++] = (ai_category_score){ "overall", out->final_score };

    /* Strengths and weaknesses. */
    ai_strs st = { arena_calloc(a, AI_FEEDBACK_ITEMS, sizeof(char *)), 0 };
    ai_strs wk = { arena_calloc(a, AI_FEEDBACK_ITEMS, sizeof(char *)), 0 };
    tally *ts = arena_calloc(a, KINDS_MAX, sizeof(tally));
    tally *tw = arena_calloc(a, KINDS_MAX, sizeof(tally));
    if (st.v == NULL || wk.v == NULL || ts == NULL || tw == NULL)
        return IA_ERR_NOMEM;
    size_t nts = 0, ntw = 0;
    count_kinds(req, true, strength_kinds, COUNT(strength_kinds), ts, &nts);
    count_kinds(req, false, improvement_kinds, COUNT(improvement_kinds), tw, &ntw);

    const char *top_name = category_label(category_order[top]);
    const char *low_name = category_label(category_order[low]);
    if (present > 1 && cat_mean[top] >= 60)
        ai_text_list_addf(a, &st, AI_FEEDBACK_ITEMS, "Strongest area: %s questions, averaging %.1f",
                          top_name, cat_mean[top]);
    else if (present == 1 && cat_mean[top] >= 60)
        ai_text_list_addf(a, &st, AI_FEEDBACK_ITEMS, "All %s questions averaged %.1f", top_name,
                          cat_mean[top]);
    for (size_t i = 0; i < nts && st.n < AI_FEEDBACK_ITEMS - 1; i++)
        if (ts[i].answers >= 2)
            ai_text_list_addf(a, &st, AI_FEEDBACK_ITEMS, "%s (in %zu of %zu answers)",
                              tally_label(a, &ts[i]), ts[i].answers, answered);
    const ai_summary_item *bi = &req->items[best];
    if (bi->answer != NULL && best_s >= 70)
        ai_text_list_addf(a, &st, AI_FEEDBACK_ITEMS, "Best answer (%.1f): \u201c%s\u201d",
                          round1(best_s), short_question(a, bi->question));
    if (communication >= 75)
        ai_text_list_addf(a, &st, AI_FEEDBACK_ITEMS,
                          "Clear communication: %.1f on clarity and structure", communication);
    if (st.n == 0 && answered > 0)
        ai_text_list_addf(a, &st, AI_FEEDBACK_ITEMS, "Answered %zu of %zu questions", answered,
                          req->n);

    if (present > 1 && cat_mean[low] < 70)
        ai_text_list_addf(a, &wk, AI_FEEDBACK_ITEMS, "Weakest area: %s questions, averaging %.1f",
                          low_name, cat_mean[low]);
    else if (present == 1 && cat_mean[low] < 60)
        ai_text_list_addf(a, &wk, AI_FEEDBACK_ITEMS, "All %s questions averaged %.1f", low_name,
                          cat_mean[low]);
    if (answered < req->n)
        ai_text_list_addf(a, &wk, AI_FEEDBACK_ITEMS, "%zu of %zu questions unanswered",
                          req->n - answered, req->n);
    for (size_t i = 0; i < ntw && wk.n < AI_FEEDBACK_ITEMS - 1; i++)
        if (tw[i].answers >= 2)
            ai_text_list_addf(a, &wk, AI_FEEDBACK_ITEMS, "%s (in %zu of %zu answers)",
                              tally_label(a, &tw[i]), tw[i].answers, answered);
    const ai_summary_item *wi = &req->items[worst];
    if (wi->answer != NULL && worst_s < 50)
        ai_text_list_addf(a, &wk, AI_FEEDBACK_ITEMS, "Weakest answer (%.1f): \u201c%s\u201d",
                          round1(worst_s), short_question(a, wi->question));
    if (communication < 60 && answered > 0)
        ai_text_list_addf(a, &wk, AI_FEEDBACK_ITEMS,
                          "Communication averaged %.1f on clarity and structure", communication);
    if (wk.n == 0 && wi->answer != NULL)
        ai_text_list_addf(a, &wk, AI_FEEDBACK_ITEMS, "Lowest score: %.1f on \u201c%s\u201d",
                          round1(worst_s), short_question(a, wi->question));
    out->strengths = st;
    out->weaknesses = wk;

    /* The prose. */
    strbuf sb;
    strbuf_init(&sb, a, SUMMARY_MAX);
    if (req->target_role != NULL && *req->target_role != '\0')
        strbuf_appendf(&sb, "In this practice interview for the %.100s role, you",
                       req->target_role);
    else
        strbuf_puts(&sb, "In this practice interview you");
    strbuf_appendf(&sb, " scored %.1f overall across %zu question%s", out->final_score, req->n,
                   req->n == 1 ? "" : "s");
    if (answered < req->n)
        strbuf_appendf(&sb, ", %zu of them unanswered", req->n - answered);
    strbuf_puts(&sb, ".");
    if (present > 1 && cat_mean[top] > cat_mean[low])
        strbuf_appendf(&sb, " Your strongest area was %s (%.1f) and your weakest was %s (%.1f).",
                       top_name, cat_mean[top], low_name, cat_mean[low]);
    else if (present == 1)
        strbuf_appendf(&sb, " All %s questions averaged %.1f.", top_name, cat_mean[top]);
    else
        strbuf_appendf(&sb, " Every category averaged %.1f.", cat_mean[top]);
    strbuf_appendf(&sb, " Communication, meaning clarity and structure, averaged %.1f.",
                   communication);
    next_steps(a, &sb, req, answered, present > 0 ? category_order[low] : NULL,
               present > 0 ? cat_mean[low] : 0, tw, ntw);
    if (strbuf_error(&sb) != IA_OK)
        return strbuf_error(&sb);
    out->summary = strbuf_str(&sb);
    return IA_OK;
}
