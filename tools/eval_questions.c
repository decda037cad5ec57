/* Measures the offline question generator on the held-out resumes (tests/fixtures/heldout/
 * resumes, parsed by the offline parser) and the job descriptions of tests/fixtures/jobs. Every
 * resume gets sessions of SESSION_QUESTIONS questions: one without a job description, one with
 * the job description closest to its role, one per set of focus areas in focus_sets[], and a
 * second plain session that avoids the first one's questions. It reports:
 *   - resume: the share of questions naming something specific of that resume (a hard skill,
 *     an employer or a job title, as whole words in the question text);
 *   - jd: in the sessions with a job description, the share of questions naming one of its
 *     requirements (a hard skill of the taxonomy that the job description mentions), and how
 *     many of those the resume does not show;
 *   - focus violations: questions outside the categories a session's focus areas chose (those
 *     of them that suit the role), which must be 0;
 *   - role-inappropriate: coding or system design questions for a role whose interview has none
 *     (docs/api.md §4.4: the non-software roles; coding for engineering managers), which must
 *     be 0 even when a focus area asks for them;
 *   - repeats: questions of the second session that the first one asked (same bank id or text).
 * The judging rules are written here, apart from the generator, so that the generator cannot
 * grade itself.
 * Usage: eval_questions [--check] [--verbose]
 *   --check    exit 1 when a figure misses its floor (resume >= 0.50, jd >= 0.33, the counts 0)
 *   --verbose  every question of every session, with what it references
 * The fixtures are read from $IA_SOURCE_ROOT (else the current directory). */
#include <dirent.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ai/offline.h"
#include "ai/roles.h"
#include "ai/taxonomy.h"
#include "core/arena.h"
#include "core/errors.h"
#include "eval_common.h"
#include "core/util.h"

#define NOW_MONTH         (2026 * 12 + 10)
#define SESSION_QUESTIONS 10
#define FILES_MAX         64
#define TERMS_MAX         160
#define TEXT_MAX          (256 * 1024)
#define RESUME_DIR        "tests/fixtures/heldout/resumes"
#define JOBS_DIR          "tests/fixtures/jobs"

#define FLOOR_RESUME 0.50
#define FLOOR_JD     0.33

/* Sets of focus areas every resume is interviewed with. */
static const char *const focus_sets[][3] = {
    { "Technical", "Behavioral", "System design" },
    { "behavioral", NULL, NULL },
    { "coding", NULL, NULL },
    { "project", "general", NULL },
};
#define FOCUS_SETS (COUNT(focus_sets))

static const char *const categories[] = { "technical",  "coding",  "system_design",
                                          "behavioral", "project", "general" };

typedef struct {
    const char *v[TERMS_MAX];
    size_t n;
} terms;

typedef struct {
    char name[256];
    char *text;
    const ai_role *role;
    terms skills; /* hard skills the job description mentions */
} job;

typedef struct {
    size_t questions, resume_refs, jd_questions, jd_refs, jd_missing_refs, focus_questions,
        violations, inappropriate, repeats, repeat_questions;
} totals;

static bool verbose;

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The sorted names of dir's files ending in ext; returns how many (at most FILES_MAX). */
static size_t list_dir(const char *dir, const char *ext, char **names)
{
    DIR *d = opendir(dir);
    size_t n = 0;
    if (d == NULL)
        return 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL && n < FILES_MAX) {
        size_t len = strlen(e->d_name), el = strlen(ext);
        if (len > el && strcmp(e->d_name + len - el, ext) == 0)
            names[n++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof(char *), by_name);
    return n;
}

static void add_term(terms *t, const char *s)
{
    if (s == NULL || strlen(s) < 2 || t->n >= TERMS_MAX)
        return;
    for (size_t i = 0; i < t->n; i++)
        if (strcasecmp(t->v[i], s) == 0)
            return;
    t->v[t->n++] = s;
}

static bool soft(const ai_taxonomy *tax, const char *name)
{
    const ai_skill *k = ai_taxonomy_find(tax, name);
    return k != NULL && strcmp(k->category, "soft") == 0;
}

/* The specific things of a resume a question can name: hard skills, employers, job titles. */
static void resume_terms(const ai_taxonomy *tax, const ai_analysis *an, terms *t)
{
    t->n = 0;
    for (size_t i = 0; i < an->nskills; i++)
        if (an->skills[i].name != NULL && !soft(tax, an->skills[i].name))
            add_term(t, an->skills[i].name);
    for (size_t i = 0; i < an->nexperience; i++) {
        add_term(t, an->experience[i].company);
        add_term(t, an->experience[i].job_title);
    }
}

static const char *names_one(const char *text, const terms *t)
{
    for (size_t i = 0; i < t->n; i++)
        if (ai_has_word(text, t->v[i], true))
            return t->v[i];
    return NULL;
}

/* True when a category makes no sense for the role: coding and system design for roles outside
 * software, infrastructure, data and engineering management; coding for engineering managers. */
static bool inappropriate(const ai_role *r, const char *category)
{
    if (r == NULL)
        return false;
    bool coding = strcmp(category, "coding") == 0;
    bool design = strcmp(category, "system_design") == 0;
    if (r->mix == AI_MIX_DOMAIN)
        return coding || design;
    if (r->mix == AI_MIX_MANAGER)
        return coding;
    return false;
}

static uint64_t seed_of(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

/* The job description closest to a role: the same role, else a related one, else the same
 * interview mix; NULL when none is close. */
static const job *closest_job(const job *jobs, size_t n, const ai_role *r)
{
    const job *best = NULL;
    int best_score = 0;
    for (size_t i = 0; r != NULL && i < n; i++) {
        const ai_role *jr = jobs[i].role;
        if (jr == NULL)
            continue;
        int s = jr == r                                                              ? 3
                : ai_role_is_related(r, jr->name) || ai_role_is_related(jr, r->name) ? 2
                : jr->mix == r->mix                                                  ? 1
                                                                                     : 0;
        if (s > best_score) {
            best = &jobs[i];
            best_score = s;
        }
    }
    return best;
}

/* Generates one session and adds its figures to t. */
static int session(const ai_offline *e, arena *a, const char *file, const ai_analysis *an,
                   const ai_role *role, const job *jd, const char *const *focus, size_t nfocus,
                   const ai_strs *avoid, uint64_t seed, totals *t, ai_questions *out)
{
    ai_generate_request req = { 0 };
    req.resume = an;
    req.difficulty = "mixed";
    req.count = SESSION_QUESTIONS;
    req.focus_areas = (ai_strs){ (const char **)focus, nfocus };
    req.job_description = jd ? jd->text : NULL;
    req.seed = seed;
    if (avoid != NULL)
        req.avoid = *avoid;
    int rc = ai_offline_generate(e, a, &req, out);
    if (rc != IA_OK) {
        fprintf(stderr, "eval_questions: %s: generation failed: %s\n", file, ia_strerror(rc));
        return rc;
    }
    terms rt;
    resume_terms(ai_offline_taxonomy(e), an, &rt);
    /* The categories the focus areas chose, less those that make no sense for the role. */
    bool chosen[6] = { false }, any_chosen = false;
    for (size_t f = 0; f < nfocus; f++)
        for (size_t c = 0; c < 6; c++) {
            char want[32];
            snprintf(want, sizeof(want), "%s", categories[c]);
            for (char *p = want; *p; p++)
                if (*p == '_')
                    *p = ' ';
            if (strcasecmp(focus[f], want) == 0 && !inappropriate(role, categories[c]))
                chosen[c] = any_chosen = true;
        }
    if (verbose)
        printf("%s%s%s%s\n", file, jd ? " + " : "", jd ? jd->name : "",
               nfocus > 0 ? " (focus)" : "");
    for (size_t i = 0; i < out->n; i++) {
        const ai_question *q = &out->v[i];
        const char *r = names_one(q->text, &rt);
        const char *j = jd ? names_one(q->text, &jd->skills) : NULL;
        t->questions++;
        t->resume_refs += r != NULL;
        if (jd != NULL) {
            t->jd_questions++;
            t->jd_refs += j != NULL;
            t->jd_missing_refs += j != NULL && names_one(j, &rt) == NULL;
        }
        bool bad_cat = inappropriate(role, q->category);
        t->inappropriate += bad_cat;
        bool off_focus = false;
        if (any_chosen) {
            t->focus_questions++;
            for (size_t c = 0; c < 6; c++)
                if (strcmp(q->category, categories[c]) == 0)
                    off_focus = !chosen[c];
            t->violations += off_focus;
        }
        if (verbose)
            printf("  [%-13s%s%s] %s%s%s%s%s\n    %s\n", q->category, bad_cat ? " WRONG-ROLE" : "",
                   off_focus ? " OFF-FOCUS" : "", r ? "resume: " : "", r ? r : "",
                   j ? "  jd: " : "", j ? j : "", "", q->text);
    }
    return IA_OK;
}

static void print_share(const char *label, size_t num, size_t den)
{
    printf("%-34s %6.3f  (%zu of %zu)\n", label, den ? (double)num / (double)den : 0.0, num, den);
}

int main(int argc, char **argv)
{
    eval_args args;
    if (eval_parse_args(argc, argv, "eval_questions", "[--check] [--verbose]", NULL, NULL, 0, NULL,
                        &args) != 0)
        return 2;
    bool check = args.check;
    verbose = args.verbose;
    const char *root = getenv("IA_SOURCE_ROOT");
    if (root == NULL)
        root = ".";
    char dir[1024], jobs_dir[1024], path[2048];
    snprintf(dir, sizeof(dir), "%s/%s", root, RESUME_DIR);
    snprintf(jobs_dir, sizeof(jobs_dir), "%s/%s", root, JOBS_DIR);
    ai_offline *e = eval_engine("eval_questions");
    if (e == NULL)
        return 1;
    const ai_taxonomy *tax = ai_offline_taxonomy(e);
    arena *a = arena_create(256u << 20);
    char *resume_files[FILES_MAX], *job_files[FILES_MAX];
    size_t nr = list_dir(dir, ".txt", resume_files), nj = list_dir(jobs_dir, ".txt", job_files);
    job jobs[FILES_MAX];
    for (size_t i = 0; i < nj; i++) {
        snprintf(path, sizeof(path), "%s/%s", jobs_dir, job_files[i]);
        snprintf(jobs[i].name, sizeof(jobs[i].name), "%s", job_files[i]);
        jobs[i].text = eval_read_text(path, TEXT_MAX);
        jobs[i].role = jobs[i].text ? ai_role_find(jobs[i].text) : NULL;
        jobs[i].skills.n = 0;
        size_t found[TERMS_MAX], n = 0;
        if (jobs[i].text && ai_taxonomy_match(tax, jobs[i].text, found, TERMS_MAX, &n) == IA_OK)
            for (size_t k = 0; k < n; k++)
                if (strcmp(ai_taxonomy_get(tax, found[k])->category, "soft") != 0)
                    add_term(&jobs[i].skills, ai_taxonomy_get(tax, found[k])->name);
    }
    if (a == NULL || nr == 0 || nj == 0) {
        fprintf(stderr, "eval_questions: no resumes in %s or no job descriptions in %s\n", dir,
                jobs_dir);
        return 1;
    }
    totals plain = { 0 }, with_jd = { 0 }, focused = { 0 }, second = { 0 };
    int rc = IA_OK;
    for (size_t i = 0; i < nr && rc == IA_OK; i++) {
        snprintf(path, sizeof(path), "%s/%s", dir, resume_files[i]);
        char *text = eval_read_text(path, TEXT_MAX);
        ai_analysis an;
        rc = text ? ai_offline_parse(e, a, text, NOW_MONTH, &an) : IA_ERR_IO;
        if (rc != IA_OK) {
            fprintf(stderr, "eval_questions: %s: %s\n", resume_files[i], ia_strerror(rc));
            free(text);
            break;
        }
        const ai_role *role = ai_role_find(an.inferred_role);
        uint64_t seed = seed_of(resume_files[i]);
        ai_questions first, q;
        rc = session(e, a, resume_files[i], &an, role, NULL, NULL, 0, NULL, seed, &plain, &first);
        const job *jd = closest_job(jobs, nj, role);
        if (rc == IA_OK && jd != NULL)
            rc = session(e, a, resume_files[i], &an, role, jd, NULL, 0, NULL, seed, &with_jd, &q);
        for (size_t f = 0; rc == IA_OK && f < FOCUS_SETS; f++) {
            size_t nf = 0;
            while (nf < 3 && focus_sets[f][nf] != NULL)
                nf++;
            rc = session(e, a, resume_files[i], &an, role, NULL, focus_sets[f], nf, NULL, seed,
                         &focused, &q);
        }
        /* The second session avoids the first one's texts and bank ids, as the API passes them. */
        const char **avoid = arena_calloc(a, 2 * first.n + 1, sizeof(char *));
        size_t na = 0;
        for (size_t k = 0; avoid != NULL && rc == IA_OK && k < first.n; k++) {
            avoid[na++] = first.v[k].text;
            if (first.v[k].bank_id != NULL)
                avoid[na++] = first.v[k].bank_id;
        }
        ai_strs av = { avoid, na };
        if (rc == IA_OK)
            rc = session(e, a, resume_files[i], &an, role, NULL, NULL, 0, &av, seed + 1, &second,
                         &q);
        for (size_t k = 0; rc == IA_OK && k < q.n; k++) {
            second.repeat_questions++;
            for (size_t m = 0; m < first.n; m++)
                if (strcmp(q.v[k].text, first.v[m].text) == 0 ||
                    (q.v[k].bank_id && first.v[m].bank_id &&
                     strcmp(q.v[k].bank_id, first.v[m].bank_id) == 0)) {
                    second.repeats++;
                    break;
                }
        }
        free(text);
    }
    if (rc != IA_OK)
        return 1;
    size_t all_q = plain.questions + with_jd.questions + focused.questions + second.questions;
    size_t all_r =
        plain.resume_refs + with_jd.resume_refs + focused.resume_refs + second.resume_refs;
    printf("%zu held-out resumes, %zu job descriptions, %d questions a session\n", nr, nj,
           SESSION_QUESTIONS);
    print_share("resume, sessions without a JD", plain.resume_refs, plain.questions);
    print_share("resume, sessions with a JD", with_jd.resume_refs, with_jd.questions);
    print_share("resume, every session", all_r, all_q);
    print_share("jd requirements", with_jd.jd_refs, with_jd.jd_questions);
    print_share("jd requirements the resume lacks", with_jd.jd_missing_refs, with_jd.jd_questions);
    size_t inappropriate_n =
        plain.inappropriate + with_jd.inappropriate + focused.inappropriate + second.inappropriate;
    printf("%-34s %6zu  (of %zu focused questions)\n", "focus violations", focused.violations,
           focused.focus_questions);
    printf("%-34s %6zu  (of %zu questions)\n", "role-inappropriate categories", inappropriate_n,
           all_q);
    printf("%-34s %6zu  (of %zu questions of second sessions)\n", "repeats with avoid",
           second.repeats, second.repeat_questions);
    int failed = 0;
    if (check) {
        double resume = all_q ? (double)all_r / (double)all_q : 0;
        double jdshare =
            with_jd.jd_questions ? (double)with_jd.jd_refs / (double)with_jd.jd_questions : 0;
        if (resume < FLOOR_RESUME)
            failed = printf("FAIL resume %.3f < %.2f\n", resume, FLOOR_RESUME);
        if (jdshare < FLOOR_JD)
            failed = printf("FAIL jd %.3f < %.2f\n", jdshare, FLOOR_JD);
        if (focused.violations > 0)
            failed = printf("FAIL %zu focus violations\n", focused.violations);
        if (inappropriate_n > 0)
            failed = printf("FAIL %zu role-inappropriate questions\n", inappropriate_n);
        if (second.repeats > 0)
            failed = printf("FAIL %zu repeats\n", second.repeats);
    }
    for (size_t i = 0; i < nr; i++)
        free(resume_files[i]);
    for (size_t i = 0; i < nj; i++) {
        free(job_files[i]);
        free(jobs[i].text);
    }
    arena_destroy(a);
    ai_offline_free(e);
    return failed ? 1 : 0;
}
