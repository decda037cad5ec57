/* Measures the offline answer evaluator on a file of labelled answers (a good, a fair and a poor
 * answer to each of a set of bank questions):
 *   - the mean score of each label;
 *   - pairwise ordering accuracy: for every question, the share of its (better, worse) label
 *     pairs where the better answer scores higher, over all pairs;
 *   - the share of good answers scoring at least 60 and of poor answers below 40;
 *   - the median time of one evaluation (ai_offline_evaluate alone, in microseconds), which
 *     --check holds under EVAL_US_MAX, except in sanitizer builds (docs/design.md "AI":
 *     evaluation stays fast);
 *   - the share of the bank's key points that their own model answer covers (how well the
 *     stemming and synonyms bridge rubric terms and natural wording; the bank's own text, so the
 *     same whichever answer file is measured).
 * Two labelled sets (sets[] below): the tuning set tests/fixtures/answers.json, read while the
 * evaluator was tuned (its good answers paraphrase the bank's model answers), and the held-out set
 * tests/fixtures/heldout/answers.json, written afterwards for other questions from their text
 * alone, without their model answers or key points, and never used for tuning.
 * Usage: eval_answers [--file PATH] [--check] [--verbose] [--feedback] [--keypoints]
 *   --file       the answer file (relative to the source root unless absolute); default the
 *                tuning set
 *   --check      exit 1 when a figure falls below its floor for that set (table below)
 *   --verbose    one line per answer with its score and dimensions
 *   --feedback   the same, with each answer's feedback, strengths and improvements
 *   --keypoints  list the key points their own model answer does not cover
 *   --synonyms   list the WordNet synonyms the lexicon holds for each key-point word
 * The fixture is read from $IA_SOURCE_ROOT (else the current directory). */
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ai/bank.h"
#include "ai/offline.h"
#include "ai/textutil.h"
#include "core/arena.h"
#include "core/errors.h"
#include "core/timeutil.h"
#include "eval_common.h"

#define ARENA_MAX   (64u * 1024u * 1024u)
#define QUESTIONS   256
#define ANSWERS_MAX 4096
#define EVAL_US_MAX 5000 /* the median evaluation must take less than 5 ms */

/* Sanitizer builds (make test-asan) run several times slower: the ceiling is not held there. */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) ||                         \
    __has_feature(undefined_behavior_sanitizer)
#define SANITIZED 1
#endif
#endif
#ifndef SANITIZED
#define SANITIZED 0
#endif

enum { F_PAIRWISE, F_GOOD, F_POOR, F_KEYPOINTS, F_FIGURES };

static const char *const figure_names[F_FIGURES] = {
    "pairwise accuracy",
    "good >= 60",
    "poor < 40",
    "key points covered by their model answer",
};

/* The labelled sets and their floors for --check: a little below the figures measured when they
 * were set, so a change that makes the evaluator worse fails the unit suite. Tuning set: 81 of
 * 81 pairs, 27 of 27 good answers, 26 of 27 poor answers, 1839 of 1889 key points. */
static const struct {
    const char *name, *file;
    double floors[F_FIGURES];
} sets[] = {
    { "tuning set (the evaluator was tuned on it)",
      "tests/fixtures/answers.json",
      {
          [F_PAIRWISE] = 0.96,  /* measured 1.000 */
          [F_GOOD] = 0.96,      /* measured 1.000 */
          [F_POOR] = 0.92,      /* measured 0.963 */
          [F_KEYPOINTS] = 0.97, /* measured 0.974 */
      } },
    { "held-out set (written after tuning, never used for it)",
      "tests/fixtures/heldout/answers.json",
      {
          [F_PAIRWISE] = 0.97,  /* measured 1.000 (72 of 72) */
          [F_GOOD] = 0.95,      /* measured 1.000 (24 of 24) */
          [F_POOR] = 0.87,      /* measured 0.917 (22 of 24) */
          [F_KEYPOINTS] = 0.97, /* the bank's own text: the same figure as above */
      } },
};

static const char *const labels[] = { "good", "fair", "poor" };

typedef struct {
    const char *id;
    double score[3];
    bool has[3];
} question_scores;

static int label_index(const char *l)
{
    for (int i = 0; i < 3; i++)
        if (l != NULL && strcmp(l, labels[i]) == 0)
            return i;
    return -1;
}

static question_scores *question_slot(question_scores *qs, size_t *n, const char *id)
{
    for (size_t i = 0; i < *n; i++)
        if (strcmp(qs[i].id, id) == 0)
            return &qs[i];
    if (*n == QUESTIONS)
        return NULL;
    qs[*n] = (question_scores){ .id = id };
    return &qs[(*n)++];
}

/* Share of the key points of one question (or template) that its own model answer covers;
 * prints the ones it misses when asked. */
static int keypoints_of(const ai_text_lexicon *lx, const ai_question *q, size_t *covered,
                        size_t *total, bool print)
{
    arena *a = arena_create(ARENA_MAX);
    ai_text t;
    int rc = a ? ai_text_tokenize(a, lx, q->model_answer, &t) : IA_ERR_NOMEM;
    for (size_t p = 0; rc == IA_OK && p < q->nkey_points; p++) {
        bool hit = false;
        for (size_t k = 0; !hit && k < q->key_points[p].terms.n; k++)
            hit = ai_text_contains(a, lx, &t, q->key_points[p].terms.v[k]);
        *covered += hit;
        (*total)++;
        if (!hit && print) {
            printf("  %-14s %s [", q->bank_id, q->key_points[p].point);
            for (size_t k = 0; k < q->key_points[p].terms.n; k++)
                printf("%s%s", k ? ", " : "", q->key_points[p].terms.v[k]);
            printf("]\n");
        }
    }
    arena_destroy(a);
    return rc;
}

static int keypoint_share(const ai_offline *e, bool print, double *share)
{
    const ai_bank *bank = ai_offline_bank(e);
    const ai_text_lexicon *lx = ai_offline_lexicon(e);
    size_t covered = 0, total = 0;
    int rc = IA_OK;
    if (print)
        printf("key points their own model answer misses:\n");
    for (size_t i = 0; rc == IA_OK && i < ai_bank_count(bank); i++)
        rc = keypoints_of(lx, &ai_bank_get(bank, i)->question, &covered, &total, print);
    for (size_t i = 0; rc == IA_OK && i < ai_bank_template_count(bank); i++)
        rc = keypoints_of(lx, &ai_bank_template(bank, i)->question, &covered, &total, print);
    *share = total ? (double)covered / (double)total : 0;
    printf("key points covered by their model answer (bank-wide): %zu of %zu (%.3f)\n", covered,
           total, *share);
    return rc;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* The median of the n measured durations (sorted in place); 0 when there are none. */
static int64_t median_us(int64_t *v, size_t n)
{
    if (n == 0)
        return 0;
    qsort(v, n, sizeof(v[0]), cmp_i64);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* What the engine's lexicon read from WordNet at creation, and with all, each key-point word's
 * synonyms (stems). */
static void print_lexicon(const ai_offline *e, bool all)
{
    const ai_text_lexicon_info *in = ai_offline_lexicon_info(e);
    printf(
        "lexicon: WordNet %s, %zu key-point words, %zu synonyms, %zu irregular forms; "
        "built in %.1f ms, %zu KiB held (%zu KiB of files read)\n",
        in->wordnet ? "read" : "not read", in->vocabulary, in->synonyms, in->forms,
        (double)in->load_us / 1000.0, in->arena_bytes / 1024, in->files_bytes / 1024);
    if (!all)
        return;
    const ai_bank *bank = ai_offline_bank(e);
    arena *a = arena_create(ARENA_MAX);
    for (size_t i = 0; a != NULL && i < ai_bank_count(bank); i++) {
        const ai_question *q = &ai_bank_get(bank, i)->question;
        for (size_t p = 0; p < q->nkey_points; p++)
            for (size_t k = 0; k < q->key_points[p].terms.n; k++) {
                ai_text_term t;
                if (ai_text_term_compile(a, ai_offline_lexicon(e), q->key_points[p].terms.v[k],
                                         &t) != IA_OK)
                    continue;
                for (size_t w = 0; w < t.variants[0].n; w++) {
                    const ai_text_alts *alts = &t.variants[0].alts[w];
                    if (alts->n == 0)
                        continue;
                    printf("  %-14s %s:", q->bank_id, t.variants[0].words[w]);
                    for (size_t s = 0; s < alts->n; s++)
                        printf(" %s", alts->stems[s]);
                    printf("\n");
                }
            }
    }
    arena_destroy(a);
}

static void print_dimensions(const ai_evaluation *ev)
{
    for (size_t d = 0; d < ev->ndimensions; d++)
        printf(" %s=%.0f", ev->dimensions[d].name, ev->dimensions[d].score);
}

int main(int argc, char **argv)
{
    bool check = false, verbose = false, keypoints = false, feedback = false, synonyms = false;
    const char *where = sets[0].file;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--check") == 0)
            check = true;
        else if (strcmp(argv[i], "--verbose") == 0)
            verbose = true;
        else if (strcmp(argv[i], "--keypoints") == 0)
            keypoints = true;
        else if (strcmp(argv[i], "--synonyms") == 0)
            synonyms = true;
        else if (strcmp(argv[i], "--feedback") == 0)
            verbose = feedback = true;
        else if (strcmp(argv[i], "--file") == 0 && i + 1 < argc)
            where = argv[++i];
        else {
            fprintf(stderr,
                    "usage: eval_answers [--file PATH] [--check] [--verbose] [--feedback] "
                    "[--keypoints] [--synonyms]\n");
            return 2;
        }
    }
    const char *known[sizeof(sets) / sizeof(sets[0])];
    for (size_t i = 0; i < sizeof(sets) / sizeof(sets[0]); i++)
        known[i] = sets[i].file;
    char path[4096];
    int set = eval_locate("eval_answers", where, check, known, sizeof(sets) / sizeof(sets[0]), path,
                          sizeof(path));
    if (set == -2)
        return 2;
    printf("%s: %s\n", set >= 0 ? sets[set].name : "answers", where);
    json_error_t jerr;
    json_t *doc = json_load_file(path, 0, &jerr);
    json_t *answers = json_object_get(doc, "answers");
    if (!json_is_array(answers)) {
        fprintf(stderr, "eval_answers: %s: %s\n", path, doc ? "no \"answers\" array" : jerr.text);
        json_decref(doc);
        return 2;
    }
    char err[256];
    ai_offline *e = NULL;
    if (ai_offline_create(&e, err, sizeof(err)) != IA_OK) {
        fprintf(stderr, "eval_answers: %s\n", err);
        json_decref(doc);
        return 2;
    }
    const ai_bank *bank = ai_offline_bank(e);
    print_lexicon(e, synonyms);
    static question_scores qs[QUESTIONS];
    static int64_t took[ANSWERS_MAX];
    size_t nq = 0, failures = 0, ntook = 0;
    double sum[3] = { 0 }, good60 = 0, poor40 = 0;
    size_t count[3] = { 0 };
    for (size_t i = 0; i < json_array_size(answers); i++) {
        json_t *it = json_array_get(answers, i);
        const char *qid = json_string_value(json_object_get(it, "question_id"));
        const char *text = json_string_value(json_object_get(it, "answer"));
        int l = label_index(json_string_value(json_object_get(it, "label")));
        const ai_bank_item *item = qid ? ai_bank_find(bank, qid) : NULL;
        question_scores *slot = item ? question_slot(qs, &nq, qid) : NULL;
        if (slot == NULL || text == NULL || l < 0) {
            fprintf(stderr, "eval_answers: answer %zu: unknown question or label\n", i);
            failures++;
            continue;
        }
        arena *a = arena_create(ARENA_MAX);
        ai_evaluation ev;
        ai_evaluate_request req = { .question = &item->question,
                                    .answer = text,
                                    .time_taken_seconds = -1 };
        int64_t t0 = ia_mono_us();
        int rc = a ? ai_offline_evaluate(e, a, &req, &ev) : IA_ERR_NOMEM;
        if (ntook < ANSWERS_MAX)
            took[ntook++] = ia_mono_us() - t0;
        if (rc != IA_OK) {
            fprintf(stderr, "eval_answers: %s (%s): %s\n", qid, labels[l], ia_strerror(rc));
            failures++;
            arena_destroy(a);
            continue;
        }
        slot->score[l] = ev.score;
        slot->has[l] = true;
        sum[l] += ev.score;
        count[l]++;
        good60 += l == 0 && ev.score >= 60;
        poor40 += l == 2 && ev.score < 40;
        if (verbose) {
            printf("%-14s %-4s %5.1f comm=%.0f", qid, labels[l], ev.score, ev.communication);
            print_dimensions(&ev);
            printf("\n");
            if (feedback) {
                printf("    feedback: %s\n", ev.feedback);
                for (size_t k = 0; k < ev.strengths.n; k++)
                    printf("    + %s\n", ev.strengths.v[k]);
                for (size_t k = 0; k < ev.improvements.n; k++)
                    printf("    - %s\n", ev.improvements.v[k]);
            }
        }
        arena_destroy(a);
    }
    size_t pairs = 0, ordered = 0;
    for (size_t i = 0; i < nq; i++)
        for (int b = 0; b < 3; b++)
            for (int w = b + 1; w < 3; w++)
                if (qs[i].has[b] && qs[i].has[w]) {
                    pairs++;
                    ordered += qs[i].score[b] > qs[i].score[w];
                    if (verbose && qs[i].score[b] <= qs[i].score[w])
                        printf("misordered: %s %s %.1f <= %s %.1f\n", qs[i].id, labels[b],
                               qs[i].score[b], labels[w], qs[i].score[w]);
                }
    double figure[F_FIGURES] = { 0 };
    figure[F_PAIRWISE] = pairs ? (double)ordered / (double)pairs : 0;
    figure[F_GOOD] = count[0] ? good60 / (double)count[0] : 0;
    figure[F_POOR] = count[2] ? poor40 / (double)count[2] : 0;
    int rc = keypoint_share(e, keypoints, &figure[F_KEYPOINTS]);
    printf("answers: %zu over %zu questions\n", count[0] + count[1] + count[2], nq);
    for (int l = 0; l < 3; l++)
        printf("mean score %-4s: %.1f (%zu answers)\n", labels[l],
               count[l] ? sum[l] / (double)count[l] : 0, count[l]);
    printf("pairwise accuracy: %zu of %zu pairs (%.3f)\n", ordered, pairs, figure[F_PAIRWISE]);
    printf("good >= 60: %.0f of %zu (%.3f)   poor < 40: %.0f of %zu (%.3f)\n", good60, count[0],
           figure[F_GOOD], poor40, count[2], figure[F_POOR]);
    int64_t median = median_us(took, ntook);
    printf("median time per evaluation: %.3f ms (%zu evaluations)\n", (double)median / 1000.0,
           ntook);
    int status = failures > 0 || rc != IA_OK ? 1 : 0;
    if (check && !SANITIZED && median >= EVAL_US_MAX) {
        printf("ABOVE CEILING: median time per evaluation %.3f ms >= %.3f ms\n",
               (double)median / 1000.0, EVAL_US_MAX / 1000.0);
        status = 1;
    }
    for (int f = 0; check && f < F_FIGURES; f++)
        if (figure[f] < sets[set].floors[f]) {
            printf("BELOW FLOOR: %s %.3f < %.3f\n", figure_names[f], figure[f],
                   sets[set].floors[f]);
            status = 1;
        }
    ai_offline_free(e);
    json_decref(doc);
    return status;
}
