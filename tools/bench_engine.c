/* bench_engine: the offline engine's median time per operation, for `make bench`
 * (bench/README.md). Three operations, each repeated and timed alone:
 *   - parse: a two-page PDF end to end, the sandboxed text extraction (a child process, as the
 *     service runs it, docs/design.md "Layout") and then ai_offline_parse;
 *   - generate: ai_offline_generate of a 12-question session from that analysis;
 *   - evaluate: ai_offline_evaluate of one answer to each generated question in turn.
 * Prints one line per operation: "<name> <runs> <median ms> <min ms> <max ms>". It asserts no
 * duration; the engine is built once before any timing (the lexicon takes a fraction of a
 * second, see docs/design.md "The offline engine's text layer").
 *
 * Usage: bench_engine --binary PATH [--pdf PATH] [--runs N] */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ai/offline.h"
#include "core/arena.h"
#include "core/config.h"
#include "core/errors.h"
#include "docs/extract.h"

#define ARENA_MAX (64u << 20)
#define RUNS_MAX  1000
#define NOW_MONTH (2026 * 12 + 11)
#define BENCH_ANSWER                                                                               \
    "In my last role I owned the checkout service. Latency had grown to 900 ms at p99, so I "      \
    "profiled it, found an N+1 query and a missing index, added a cache for the catalogue "        \
    "and measured again: p99 fell to 120 ms and error rates fell by 60%. I wrote a runbook "       \
    "so the team could repeat it, and we added an alert on the p99."

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Sorts the n durations and prints the operation's line. */
static void report(const char *name, double *v, size_t n)
{
    if (n == 0) {
        printf("%s 0 - - -\n", name);
        return;
    }
    qsort(v, n, sizeof(*v), cmp_double);
    printf("%s %zu %.3f %.3f %.3f\n", name, n, v[n / 2], v[0], v[n - 1]);
}

int main(int argc, char **argv)
{
    const char *binary = NULL, *pdf = "tests/fixtures/files/resume.pdf";
    long long runs = 20;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--binary") == 0 && i + 1 < argc)
            binary = argv[++i];
        else if (strcmp(argv[i], "--pdf") == 0 && i + 1 < argc)
            pdf = argv[++i];
        else if (strcmp(argv[i], "--runs") == 0 && i + 1 < argc &&
                 config_parse_int(argv[++i], 1, RUNS_MAX, &runs) == IA_OK)
            continue;
        else {
            fprintf(stderr, "usage: bench_engine --binary PATH [--pdf PATH] [--runs 1-%d]\n",
                    RUNS_MAX);
            return 2;
        }
    }
    if (binary == NULL) {
        fprintf(stderr, "bench_engine: --binary (the interviewace binary) is required\n");
        return 2;
    }
    char err[512];
    ai_offline *e = NULL;
    if (ai_offline_create(&e, err, sizeof(err)) != IA_OK) {
        fprintf(stderr, "bench_engine: %s\n", err);
        return 1;
    }
    extract_limits lim;
    extract_limits_default(&lim);
    lim.exe_path = binary;
    static double times[RUNS_MAX];
    int status = 0;

    /* Parse: extraction in its sandboxed child, then the analysis. */
    size_t n = 0;
    ai_analysis an;
    arena *keep = arena_create(ARENA_MAX); /* holds the last analysis for the next steps */
    for (long long r = 0; r < runs && keep != NULL; r++) {
        arena *a = r + 1 == runs ? keep : arena_create(ARENA_MAX);
        char *text = NULL;
        size_t len = 0;
        double t0 = now_ms();
        int rc =
            a ? extract_text(&lim, pdf, ".pdf", a, &text, &len, err, sizeof(err)) : IA_ERR_NOMEM;
        if (rc == IA_OK)
            rc = ai_offline_parse(e, a, text, NOW_MONTH, &an);
        double t1 = now_ms();
        if (a != keep)
            arena_destroy(a);
        if (rc != IA_OK) {
            fprintf(stderr, "bench_engine: parse %s: %s %s\n", pdf, ia_strerror(rc), err);
            status = 1;
            break;
        }
        times[n++] = t1 - t0;
    }
    report("parse_pdf", times, n);

    /* Generate: a 12-question session from the analysis, a different seed each time. */
    ai_questions qs = { 0 };
    arena *qa = arena_create(ARENA_MAX);
    n = 0;
    for (long long r = 0; status == 0 && r < runs && qa != NULL; r++) {
        arena *a = r + 1 == runs ? qa : arena_create(ARENA_MAX);
        ai_generate_request req = { .resume = &an, .difficulty = "mixed", .count = 12 };
        req.seed = (uint64_t)r + 1;
        double t0 = now_ms();
        int rc = a ? ai_offline_generate(e, a, &req, &qs) : IA_ERR_NOMEM;
        double t1 = now_ms();
        if (a != qa)
            arena_destroy(a);
        if (rc != IA_OK) {
            fprintf(stderr, "bench_engine: generate: %s\n", ia_strerror(rc));
            status = 1;
            break;
        }
        times[n++] = t1 - t0;
    }
    report("generate", times, n);

    /* Evaluate: the same answer to each generated question in turn. */
    n = 0;
    for (long long r = 0; status == 0 && qs.n > 0 && r < runs * 5 && r < RUNS_MAX; r++) {
        arena *a = arena_create(ARENA_MAX);
        ai_evaluation ev;
        ai_evaluate_request req = { .question = &qs.v[(size_t)r % qs.n],
                                    .answer = BENCH_ANSWER,
                                    .time_taken_seconds = 90 };
        double t0 = now_ms();
        int rc = a ? ai_offline_evaluate(e, a, &req, &ev) : IA_ERR_NOMEM;
        double t1 = now_ms();
        arena_destroy(a);
        if (rc != IA_OK) {
            fprintf(stderr, "bench_engine: evaluate: %s\n", ia_strerror(rc));
            status = 1;
            break;
        }
        times[n++] = t1 - t0;
    }
    report("evaluate", times, n);

    arena_destroy(qa);
    arena_destroy(keep);
    ai_offline_free(e);
    return status;
}
