/* Measures the offline job match (ai_offline_match) on labelled resume/job-description pairs.
 * Each pair is a directory NN_slug/ holding resume.txt (parsed by the offline parser, reference
 * month 2026-11, as eval_parse does), job.txt and labels.json:
 *   { "requirements": [ { "text", "kind": "required"|"preferred", "met": bool,
 *                         "terms": [...], "evidence": string|null } ] }
 * A label is recognised in an engine requirement whose text holds one of its terms as whole
 * words, case-insensitively. Reported:
 *   - recall of missing requirements: the share of met:false labels for which some engine
 *     requirement with met:false holds one of its terms (all labels, and the required ones);
 *   - false-missing rate: the share of met:true labels for which some engine requirement with
 *     met:false holds one of its terms;
 *   - the share of labelled required items that some engine requirement holding one of their
 *     terms calls required;
 *   - the median time of one match (ai_offline_match alone).
 *
 *   eval_match              the tuning set tests/fixtures/jobmatch
 *   eval_match --dir DIR    the pairs in DIR (relative to the source root unless absolute)
 *   eval_match --check      also exit 1 below the floors of that set
 *   eval_match -v           also print, per pair, the labels missed and the engine's reading
 *
 * The fixtures are found under $IA_SOURCE_ROOT (the build sets it), else the current
 * directory. */
#include <ctype.h>
#include <dirent.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#include "ai/offline.h"
#include "core/arena.h"
#include "core/errors.h"
#include "eval_common.h"
#include "core/util.h"

#define NOW_MONTH (2026 * 12 + 10)
#define PAIRS_MAX 256
#define FILE_MAX  (1 << 20)

/* The labelled sets and the floors --check holds each to: a little below the figures measured
 * when they were set (the targets are recall 0.90 and a false-missing rate of at most 0.05).
 * The tuning set is the one the job match was tuned on. */
static const struct {
    const char *name, *dir;
    double recall, recall_required, false_missing_max, kind;
} sets[] = {
    /* Measured: recall 0.981 (52/53), required 1.000 (21/21), false-missing 0.061 (5/82),
     * required read as required 1.000 (95/95). */
    { "tuning set (the job match was tuned on it)", "tests/fixtures/jobmatch", 0.95, 0.95, 0.08,
      0.95 },
    /* The held-out pairs (tests/fixtures/heldout/jobmatch), written before the job match was
     * reworked and never used to tune it; measured once: recall 0.912 (31/34), required 0.818
     * (9/11), false-missing 0.194 (20/103, against a target of 0.05), required read as
     * required 0.939 (77/82). */
    { "held-out set (never used for tuning)", "tests/fixtures/heldout/jobmatch", 0.88, 0.78, 0.23,
      0.90 },
};

typedef struct {
    size_t missing, missing_found;         /* met:false labels, and found missing */
    size_t missing_req, missing_req_found; /* the same, required only */
    size_t met, met_as_missing;            /* met:true labels, and reported missing */
    size_t required, required_as_required; /* labelled required, called required */
    int64_t took[PAIRS_MAX];
    size_t ntook;
} tally;

/* True when text holds term as whole words, case-insensitively. */
static bool holds(const char *text, const char *term)
{
    size_t n = strlen(term);
    if (n == 0 || text == NULL)
        return false;
    for (const char *p = text; (p = strcasestr(p, term)) != NULL; p++) {
        bool before =
            p == text || !isalnum((unsigned char)p[-1]) || !isalnum((unsigned char)term[0]);
        bool after = !isalnum((unsigned char)p[n]) || !isalnum((unsigned char)term[n - 1]);
        if (before && after)
            return true;
    }
    return false;
}

/* The first engine requirement (with met equal to want_met unless any_met) holding one of the
 * label's terms, or NULL. */
static const ai_requirement *recognised(const ai_match *m, json_t *terms, bool any_met,
                                        bool want_met)
{
    for (size_t i = 0; i < m->nrequirements; i++) {
        const ai_requirement *q = &m->requirements[i];
        if (!any_met && q->met != want_met)
            continue;
        for (size_t k = 0; k < json_array_size(terms); k++)
            if (holds(q->text, json_string_value(json_array_get(terms, k))))
                return q;
    }
    return NULL;
}

static int64_t elapsed_us(const struct timespec *a, const struct timespec *b)
{
    return (int64_t)(b->tv_sec - a->tv_sec) * 1000000 + (b->tv_nsec - a->tv_nsec) / 1000;
}

static void print_match(const ai_match *m)
{
    printf("    score %.0f\n", m->match_score);
    for (size_t i = 0; i < m->nrequirements; i++) {
        const ai_requirement *q = &m->requirements[i];
        printf("    [%s %s] %s%s%s\n", q->kind, q->met ? "met" : "MISSING", q->text,
               q->evidence ? "  <= " : "", q->evidence ? q->evidence : "");
    }
    for (size_t i = 0; i < m->recommendations.n; i++)
        printf("    * %s\n", m->recommendations.v[i]);
}

/* Matches one pair and adds its comparison to the tally. */
static int eval_one(const ai_offline *e, const char *dir, const char *pair, tally *t, bool verbose)
{
    char path[1400];
    snprintf(path, sizeof(path), "%s/%s/resume.txt", dir, pair);
    char *resume = eval_read_text(path, FILE_MAX);
    snprintf(path, sizeof(path), "%s/%s/job.txt", dir, pair);
    char *job = eval_read_text(path, FILE_MAX);
    snprintf(path, sizeof(path), "%s/%s/labels.json", dir, pair);
    json_t *labels = json_load_file(path, 0, NULL);
    arena *a = arena_create(64u << 20);
    int rc = resume == NULL || job == NULL || labels == NULL ? IA_ERR_IO
             : a == NULL                                     ? IA_ERR_NOMEM
                                                             : IA_OK;
    ai_analysis an;
    ai_match m;
    if (rc == IA_OK)
        rc = ai_offline_parse(e, a, resume, NOW_MONTH, &an);
    if (rc == IA_OK) {
        ai_match_request req = { &an, job };
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        rc = ai_offline_match(e, a, &req, &m);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        if (t->ntook < PAIRS_MAX)
            t->took[t->ntook++] = elapsed_us(&t0, &t1);
    }
    if (rc == IA_OK) {
        if (verbose)
            printf("== %s\n", pair);
        json_t *reqs = json_object_get(labels, "requirements");
        for (size_t i = 0; i < json_array_size(reqs); i++) {
            json_t *l = json_array_get(reqs, i);
            json_t *terms = json_object_get(l, "terms");
            const char *text = json_string_value(json_object_get(l, "text"));
            bool met = json_is_true(json_object_get(l, "met"));
            bool required =
                strcmp(json_string_value(json_object_get(l, "kind")) ?: "", "required") == 0;
            const ai_requirement *missing = recognised(&m, terms, false, false);
            if (!met) {
                t->missing++;
                t->missing_found += missing != NULL;
                t->missing_req += required;
                t->missing_req_found += required && missing != NULL;
                if (verbose && missing == NULL)
                    printf("  missed: %s (%s)\n", text, required ? "required" : "preferred");
            } else {
                t->met++;
                t->met_as_missing += missing != NULL;
                if (verbose && missing != NULL)
                    printf("  met but reported missing: %s (as \"%s\")\n", text, missing->text);
            }
            if (required) {
                const ai_requirement *any = recognised(&m, terms, true, false);
                bool ok = any != NULL && strcmp(any->kind, "required") == 0;
                t->required++;
                t->required_as_required += ok;
                if (verbose && !ok)
                    printf("  required not read as required: %s\n", text);
            }
        }
        if (verbose)
            print_match(&m);
    }
    json_decref(labels);
    free(resume);
    free(job);
    arena_destroy(a);
    return rc;
}

static int pair_dir(const struct dirent *d)
{
    return d->d_name[0] != '.';
}

static double share(size_t n, size_t of)
{
    return of > 0 ? (double)n / (double)of : 1.0;
}

int main(int argc, char **argv)
{
    eval_args args;
    if (eval_parse_args(argc, argv, "eval_match", "[--dir DIR] [--check] [-v]", "--dir", NULL, 0,
                        sets[0].dir, &args) != 0)
        return 2;
    bool check = args.check, verbose = args.verbose;
    const char *where = args.where;
    char dir[1024];
    int set = EVAL_FIND_SET("eval_match", &args, sets, dir, dir, sizeof(dir));
    if (set == -2)
        return 2;
    struct dirent **names = NULL;
    int count = eval_scan("eval_match", dir, pair_dir, "pairs", &names);
    if (count <= 0)
        return 1;
    ai_offline *e = eval_engine("eval_match");
    if (e == NULL)
        return 1;
    static tally t;
    int failed = 0, pairs = 0;
    for (int i = 0; i < count; i++) {
        char sub[1400];
        struct stat st;
        snprintf(sub, sizeof(sub), "%s/%s", dir, names[i]->d_name);
        if (stat(sub, &st) == 0 && S_ISDIR(st.st_mode)) {
            int rc = eval_one(e, dir, names[i]->d_name, &t, verbose);
            if (rc != IA_OK) {
                fprintf(stderr, "eval_match: %s: %s\n", names[i]->d_name, ia_strerror(rc));
                failed = 1;
            }
            pairs++;
        }
        free(names[i]);
    }
    free(names);
    ai_offline_free(e);

    double recall = share(t.missing_found, t.missing);
    double recall_req = share(t.missing_req_found, t.missing_req);
    double false_missing = t.met > 0 ? (double)t.met_as_missing / (double)t.met : 0;
    double kind = share(t.required_as_required, t.required);
    qsort(t.took, t.ntook, sizeof(t.took[0]), eval_cmp_i64);
    double median_ms = t.ntook > 0 ? (double)t.took[t.ntook / 2] / 1000.0 : 0;
    printf("%d labelled pairs, %s: %s\n", pairs, set >= 0 ? sets[set].name : "fixtures", where);
    printf("recall of missing requirements   %.3f (%zu/%zu)\n", recall, t.missing_found, t.missing);
    printf("  of missing required ones       %.3f (%zu/%zu)\n", recall_req, t.missing_req_found,
           t.missing_req);
    printf("false-missing rate               %.3f (%zu/%zu met requirements reported missing)\n",
           false_missing, t.met_as_missing, t.met);
    printf("required read as required        %.3f (%zu/%zu)\n", kind, t.required_as_required,
           t.required);
    printf("median time per match            %.2f ms\n", median_ms);
    if (check && set >= 0) {
        if (recall < sets[set].recall || recall_req < sets[set].recall_required) {
            printf("  recall below its floors %.2f / %.2f\n", sets[set].recall,
                   sets[set].recall_required);
            failed = 1;
        }
        if (false_missing > sets[set].false_missing_max) {
            printf("  false-missing rate above its ceiling %.2f\n", sets[set].false_missing_max);
            failed = 1;
        }
        if (kind < sets[set].kind) {
            printf("  required items read as required below its floor %.2f\n", sets[set].kind);
            failed = 1;
        }
    }
    return failed;
}
