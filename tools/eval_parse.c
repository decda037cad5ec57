/* Measures the offline resume parser on a set of labelled resumes: every NN_slug.txt is parsed
 * (reference month 2026-11) and compared with NN_slug.json. One line per field: accuracy for
 * single values (a missing value must stay missing), precision and recall over all resumes for
 * lists, then an overall line (the mean of the per-field accuracies and F1 scores), the share
 * of resumes whose years of experience are within one year of the label, and the median parse
 * time per resume (CPU time of the parsing thread). Strings are compared exactly, but a language is
 * compared by its name
 * ("Spanish (fluent)" is "Spanish": the parser keeps the proficiency as written).
 *
 * Two labelled sets (sets[] below): the tuning set tests/fixtures/resumes, which the parser's
 * rules were written against, and the held-out set tests/fixtures/heldout/resumes, written after
 * that tuning and never used for it.
 *
 *   eval_parse              the tuning set
 *   eval_parse --dir DIR    the resumes in DIR (relative to the source root unless absolute)
 *   eval_parse --check      also exit 1 when a field is below its floor for that set
 *   eval_parse -v           also print, per resume, what differed
 *   eval_parse --dump       also print every analysis in full
 *
 * The fixtures are found under $IA_SOURCE_ROOT (the build sets it), else the current
 * directory. */
#include <dirent.h>
#include <jansson.h>
#include <time.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ai/offline.h"
#include "core/arena.h"
#include "core/errors.h"
#include "eval_common.h"
#include "core/util.h"

#define NOW_MONTH (2026 * 12 + 10)
#define ITEMS_MAX 128

typedef enum {
    F_NAME,
    F_EMAIL,
    F_PHONE,
    F_LOCATION,
    F_LINKS,
    F_SKILLS,
    F_TITLES,
    F_COMPANIES,
    F_DATES,
    F_INSTITUTIONS,
    F_DEGREES,
    F_CERTS,
    F_LANGUAGES,
    F_YEARS,
    F_ROLE,
    F_SENIORITY,
    F_COUNT
} field;

/* How each field is printed, and whether it is a list (precision and recall) or a single value
 * (accuracy). */
static const struct {
    const char *name;
    bool list;
} fields[F_COUNT] = {
    [F_NAME] = { "name", false },
    [F_EMAIL] = { "email", false },
    [F_PHONE] = { "phone", false },
    [F_LOCATION] = { "location", false },
    [F_LINKS] = { "links", true },
    [F_SKILLS] = { "skills", true },
    [F_TITLES] = { "job_titles", true },
    [F_COMPANIES] = { "companies", true },
    [F_DATES] = { "experience dates", true },
    [F_INSTITUTIONS] = { "education institutions", true },
    [F_DEGREES] = { "education degrees", true },
    [F_CERTS] = { "certifications", true },
    [F_LANGUAGES] = { "languages", true },
    [F_YEARS] = { "years_of_experience", false },
    [F_ROLE] = { "inferred_role", false },
    [F_SENIORITY] = { "seniority", false },
};

typedef struct {
    double precision, recall; /* for single values only precision (the accuracy) is used */
} floor_pair;

/* The target for the median parse time (docs/design.md "AI"): printed beside the measured
 * figure, never checked, as a timing depends on the machine and its load (make bench). */
#define PARSE_MS_TARGET 30.0

/* The labelled sets and the floors --check holds each to. The floors sit a little below the
 * figures measured when they were set, so a change that makes the parser worse fails the unit
 * suite. The held-out figures are the honest ones: those resumes were written after the rules
 * were tuned and were never used to tune them. */
static const struct {
    const char *name, *dir;
    floor_pair floors[F_COUNT];
    double years_within_one; /* floor of the share within one year */
} sets[] = {
    { "tuning set (the parser was tuned on it)",
      "tests/fixtures/resumes",
      /* Measured on the 38 tuning resumes: 1.000 for every field but skills (0.961 / 0.967)
       * and seniority (0.974, 37/38); years within one year 1.000. */
      {
          [F_NAME] = { 0.97, 0 },
          [F_EMAIL] = { 0.97, 0 },
          [F_PHONE] = { 0.97, 0 },
          [F_LOCATION] = { 0.97, 0 },
          [F_LINKS] = { 0.97, 0.97 },
          [F_SKILLS] = { 0.94, 0.94 },
          [F_TITLES] = { 0.97, 0.97 },
          [F_COMPANIES] = { 0.97, 0.97 },
          [F_DATES] = { 0.97, 0.97 },
          [F_INSTITUTIONS] = { 0.97, 0.97 },
          [F_DEGREES] = { 0.97, 0.97 },
          [F_CERTS] = { 0.97, 0.97 },
          [F_LANGUAGES] = { 0.97, 0.97 },
          [F_YEARS] = { 0.97, 0 },
          [F_ROLE] = { 0.97, 0 },
          [F_SENIORITY] = { 0.94, 0 },
      },
      0.97 },
    { "held-out set (written after tuning, never used for it)",
      "tests/fixtures/heldout/resumes",
      {
          [F_NAME] = { 0.75, 0 },            /* measured 0.800 (16/20) */
          [F_EMAIL] = { 0.95, 0 },           /* 1.000 */
          [F_PHONE] = { 0.95, 0 },           /* 1.000 */
          [F_LOCATION] = { 0.65, 0 },        /* 0.700 (14/20); 0.600 before the rework */
          [F_LINKS] = { 0.90, 0.90 },        /* 1.000 / 1.000 (10 links) */
          [F_SKILLS] = { 0.90, 0.85 },       /* 0.915 / 0.869 */
          [F_TITLES] = { 0.85, 0.77 },       /* 0.893 / 0.820; 0.896 / 0.705 before */
          [F_COMPANIES] = { 0.93, 0.85 },    /* 0.978 / 0.898; 0.846 / 0.673 before */
          [F_DATES] = { 0.88, 0.82 },        /* 0.930 / 0.869; 0.938 / 0.738 before */
          [F_INSTITUTIONS] = { 0.87, 0.77 }, /* 0.917 / 0.815 */
          [F_DEGREES] = { 0.79, 0.70 },      /* 0.833 / 0.741 */
          [F_CERTS] = { 0.62, 0.43 },        /* 0.688 / 0.478 */
          [F_LANGUAGES] = { 0.94, 0.70 },    /* 1.000 / 0.750 */
          [F_YEARS] = { 0.65, 0 },           /* 0.700 (14/20); 0.550 before */
          [F_ROLE] = { 0.85, 0 },            /* 0.900 (18/20); 0.950 before */
          [F_SENIORITY] = { 0.55, 0 },       /* 0.600 (12/20); 0.500 before */
      },
      0.75 }, /* years within one year: 0.800 (16/20), measured once by the integrator */
    { "second held-out set (layouts beyond the US; written before that parser work, never "
      "used for it)",
      "tests/fixtures/heldout/resumes2",
      /* Measured once when the parser had been reworked for them, without tuning on these
       * files (the targets are 0.92 overall and 0.85 per field): overall 0.805; before the
       * rework the same files scored 0.686. */
      {
          [F_NAME] = { 0.78, 0 },            /* 0.826 (19/23) */
          [F_EMAIL] = { 0.95, 0 },           /* 1.000 */
          [F_PHONE] = { 0.95, 0 },           /* 1.000 */
          [F_LOCATION] = { 0.82, 0 },        /* 0.870 (20/23) */
          [F_LINKS] = { 0.90, 0.90 },        /* 1.000 / 1.000 (7 links) */
          [F_SKILLS] = { 0.88, 0.85 },       /* 0.921 / 0.893 */
          [F_TITLES] = { 0.73, 0.73 },       /* 0.778 / 0.778 */
          [F_COMPANIES] = { 0.70, 0.65 },    /* 0.745 / 0.704 */
          [F_DATES] = { 0.85, 0.86 },        /* 0.891 / 0.905 */
          [F_INSTITUTIONS] = { 0.77, 0.77 }, /* 0.818 / 0.818 */
          [F_DEGREES] = { 0.65, 0.53 },      /* 0.704 / 0.576 */
          [F_CERTS] = { 0.55, 0.65 },        /* 0.605 / 0.697 */
          [F_LANGUAGES] = { 0.70, 0.61 },    /* 0.744 / 0.659 */
          [F_YEARS] = { 0.73, 0 },           /* 0.783 (18/23) */
          [F_ROLE] = { 0.56, 0 },            /* 0.609 (14/23) */
          [F_SENIORITY] = { 0.65, 0 },       /* 0.696 (16/23) */
      },
      0.82 }, /* years within one year: 0.870 (20/23) */
};

typedef struct {
    size_t ok, total;     /* single values */
    size_t tp, got, want; /* lists: matches, predicted, true */
} tally;

typedef struct {
    const char *v[ITEMS_MAX];
    size_t n;
} items;

static void add(items *it, const char *s)
{
    if (s != NULL && it->n < ITEMS_MAX)
        it->v[it->n++] = s;
}

/* Adds s unless an equal string is there already (companies repeat across entries). */
static void add_once(items *it, const char *s)
{
    for (size_t i = 0; s != NULL && i < it->n; i++)
        if (strcmp(it->v[i], s) == 0)
            return;
    add(it, s);
}

static void from_json(items *it, json_t *arr)
{
    for (size_t i = 0; i < json_array_size(arr); i++)
        add(it, json_string_value(json_array_get(arr, i)));
}

/* A language without its proficiency: the text before " (", " -", " —", " –", ":" or ",". */
static const char *language_name(char *buf, size_t len, const char *s)
{
    static const char *const cuts[] = { " (", " -", " \xe2\x80\x94", " \xe2\x80\x93", ":", "," };
    snprintf(buf, len, "%s", s);
    for (size_t i = 0; i < COUNT(cuts); i++) {
        char *c = strstr(buf, cuts[i]);
        if (c != NULL)
            *c = '\0';
    }
    return buf;
}

/* Counts one resume's list: matches are found one to one (a multiset intersection). */
static void score_list(tally *t, const items *got, const items *want, const char *file,
                       const char *what, bool verbose)
{
    bool used[ITEMS_MAX] = { false };
    size_t tp = 0;
    for (size_t i = 0; i < got->n; i++) {
        bool hit = false;
        for (size_t k = 0; k < want->n && !hit; k++)
            if (!used[k] && strcmp(got->v[i], want->v[k]) == 0) {
                used[k] = true;
                hit = true;
            }
        tp += hit;
        if (!hit && verbose)
            printf("  %s %s: extra \"%s\"\n", file, what, got->v[i]);
    }
    for (size_t k = 0; k < want->n && verbose; k++)
        if (!used[k])
            printf("  %s %s: missed \"%s\"\n", file, what, want->v[k]);
    t->tp += tp;
    t->got += got->n;
    t->want += want->n;
}

static void score_value(tally *t, const char *got, json_t *want, const char *file, const char *what,
                        bool verbose)
{
    const char *w = json_string_value(want);
    bool ok = (got == NULL && w == NULL) || (got != NULL && w != NULL && strcmp(got, w) == 0);
    t->ok += ok;
    t->total++;
    if (!ok && verbose)
        printf("  %s %s: got \"%s\", want \"%s\"\n", file, what, got ? got : "(null)",
               w ? w : "(null)");
}

static const char *dates_key(char *buf, size_t len, const char *start, const char *end)
{
    snprintf(buf, len, "%s..%s", start ? start : "?", end ? end : "present");
    return buf;
}

static void dump_strs(const char *what, const ai_strs *s)
{
    printf("  %s:", what);
    for (size_t i = 0; i < s->n; i++)
        printf("%s \"%s\"", i ? "," : "", s->v[i]);
    printf("\n");
}

#define OR_NULL(s) ((s) ? (s) : "(null)")

/* Prints an analysis in full, for a person reading it. */
static void dump(const char *file, const ai_analysis *an)
{
    printf("== %s\n  name: %s | email: %s | phone: %s | location: %s\n", file, OR_NULL(an->name),
           OR_NULL(an->email), OR_NULL(an->phone), OR_NULL(an->location));
    printf("  role: %s | seniority: %s | years: %.1f%s | confidence: %.2f\n",
           OR_NULL(an->inferred_role), OR_NULL(an->seniority), an->years_of_experience,
           an->has_years ? "" : " (none)", an->confidence_score);
    printf("  headline: %s\n  summary: %s\n", OR_NULL(an->headline), OR_NULL(an->summary));
    printf("  field_confidence:");
    for (int f = 0; f < AI_FIELD_COUNT; f++)
        printf(" %s %.2f", ai_field_names[f], an->field_confidence[f]);
    printf("\n");
    dump_strs("links", &an->links);
    printf("  skills:");
    for (size_t i = 0; i < an->nskills; i++)
        printf("%s %s (%s)", i ? "," : "", an->skills[i].name, an->skills[i].category);
    printf("\n");
    for (size_t i = 0; i < an->nexperience; i++) {
        const ai_experience *x = &an->experience[i];
        printf("  experience: %s | %s | %s - %s\n", OR_NULL(x->job_title), OR_NULL(x->company),
               OR_NULL(x->start_date), x->end_date ? x->end_date : "present");
        printf("    description: %s\n", OR_NULL(x->description));
        for (size_t k = 0; k < x->highlights.n; k++)
            printf("    * %s\n", x->highlights.v[k]);
    }
    for (size_t i = 0; i < an->neducation; i++) {
        const ai_education *d = &an->education[i];
        printf("  education: %s | %s | %s | %s - %s | gpa %s\n", OR_NULL(d->degree),
               OR_NULL(d->field_of_study), OR_NULL(d->institution), OR_NULL(d->start_date),
               OR_NULL(d->end_date), OR_NULL(d->gpa));
    }
    dump_strs("certifications", &an->certifications);
    dump_strs("languages", &an->languages);
    dump_strs("job_titles", &an->job_titles);
    dump_strs("projects", &an->projects);
    dump_strs("awards", &an->awards);
    dump_strs("volunteering", &an->volunteering);
    dump_strs("publications", &an->publications);
    for (size_t i = 0; i < an->recommendations.n; i++)
        printf("  recommendation: %s\n", an->recommendations.v[i]);
}

/* Parses one fixture and adds its comparison to the tallies. */
static int eval_one(const ai_offline *e, const char *dir, const char *file, tally *t, bool verbose,
                    bool full, double *ms, tally *within_one)
{
    char path[1400];
    snprintf(path, sizeof(path), "%s/%s", dir, file);
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return IA_ERR_IO;
    static char text[1 << 20];
    size_t len = fread(text, 1, sizeof(text) - 1, f);
    fclose(f);
    text[len] = '\0';
    snprintf(path + strlen(path) - 4, 6, ".json");
    json_t *truth = json_load_file(path, 0, NULL);
    if (truth == NULL)
        return IA_ERR_IO;
    arena *a = arena_create(32u << 20);
    ai_analysis an;
    /* The parsing thread's CPU time: on a shared machine the wall clock also counts the time
     * other processes held the cores. */
    struct timespec t0, t1;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t0);
    int rc = a ? ai_offline_parse(e, a, text, NOW_MONTH, &an) : IA_ERR_NOMEM;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t1);
    *ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
    if (rc != IA_OK) {
        arena_destroy(a);
        json_decref(truth);
        return rc;
    }
    if (full)
        dump(file, &an);
    score_value(&t[F_NAME], an.name, json_object_get(truth, "name"), file, "name", verbose);
    score_value(&t[F_EMAIL], an.email, json_object_get(truth, "email"), file, "email", verbose);
    score_value(&t[F_PHONE], an.phone, json_object_get(truth, "phone"), file, "phone", verbose);
    score_value(&t[F_LOCATION], an.location, json_object_get(truth, "location"), file, "location",
                verbose);
    score_value(&t[F_ROLE], an.inferred_role, json_object_get(truth, "inferred_role"), file,
                "inferred_role", verbose);
    score_value(&t[F_SENIORITY], an.seniority, json_object_get(truth, "seniority"), file,
                "seniority", verbose);

    json_t *ty = json_object_get(truth, "years_of_experience");
    bool years_ok = an.has_years && json_is_number(ty) &&
                    fabs(an.years_of_experience - json_number_value(ty)) < 0.05;
    t[F_YEARS].ok += years_ok;
    t[F_YEARS].total++;
    within_one->ok += an.has_years && json_is_number(ty) &&
                      fabs(an.years_of_experience - json_number_value(ty)) <= 1.0 + 1e-9;
    within_one->total++;
    if (!years_ok && verbose)
        printf("  %s years: got %.1f%s, want %.1f\n", file, an.years_of_experience,
               an.has_years ? "" : " (none)", json_number_value(ty));

    items got, want;
    static const char *const lists[][2] = { { "links", NULL },
                                            { "skills", NULL },
                                            { "job_titles", NULL },
                                            { "certifications", NULL },
                                            { "languages", NULL } };
    const ai_strs *mine[] = { &an.links, NULL, &an.job_titles, &an.certifications, &an.languages };
    const field which[] = { F_LINKS, F_SKILLS, F_TITLES, F_CERTS, F_LANGUAGES };
    for (size_t l = 0; l < COUNT(which); l++) {
        got.n = want.n = 0;
        static char names[2][ITEMS_MAX][64];
        if (mine[l] != NULL)
            for (size_t i = 0; i < mine[l]->n; i++)
                add(&got, which[l] == F_LANGUAGES && i < ITEMS_MAX
                              ? language_name(names[0][i], sizeof(names[0][i]), mine[l]->v[i])
                              : mine[l]->v[i]);
        else
            for (size_t i = 0; i < an.nskills; i++)
                add(&got, an.skills[i].name);
        from_json(&want, json_object_get(truth, lists[l][0]));
        for (size_t i = 0; which[l] == F_LANGUAGES && i < want.n; i++)
            want.v[i] = language_name(names[1][i], sizeof(names[1][i]), want.v[i]);
        score_list(&t[which[l]], &got, &want, file, lists[l][0], verbose);
    }

    got.n = want.n = 0;
    for (size_t i = 0; i < an.nexperience; i++)
        add_once(&got, an.experience[i].company);
    from_json(&want, json_object_get(truth, "companies"));
    score_list(&t[F_COMPANIES], &got, &want, file, "companies", verbose);

    static char keys[2][ITEMS_MAX][40];
    got.n = want.n = 0;
    for (size_t i = 0; i < an.nexperience && i < ITEMS_MAX; i++)
        add(&got, dates_key(keys[0][i], sizeof(keys[0][i]), an.experience[i].start_date,
                            an.experience[i].end_date));
    json_t *exp = json_object_get(truth, "experience");
    for (size_t i = 0; i < json_array_size(exp) && i < ITEMS_MAX; i++) {
        json_t *x = json_array_get(exp, i);
        add(&want, dates_key(keys[1][i], sizeof(keys[1][i]),
                             json_string_value(json_object_get(x, "start_date")),
                             json_string_value(json_object_get(x, "end_date"))));
    }
    score_list(&t[F_DATES], &got, &want, file, "experience dates", verbose);

    json_t *edu = json_object_get(truth, "education");
    for (int part = 0; part < 2; part++) {
        const char *key = part == 0 ? "institution" : "degree";
        got.n = want.n = 0;
        for (size_t i = 0; i < an.neducation; i++)
            add(&got, part == 0 ? an.education[i].institution : an.education[i].degree);
        for (size_t i = 0; i < json_array_size(edu); i++)
            add(&want, json_string_value(json_object_get(json_array_get(edu, i), key)));
        score_list(&t[part == 0 ? F_INSTITUTIONS : F_DEGREES], &got, &want, file, key, verbose);
    }
    arena_destroy(a);
    json_decref(truth);
    return IA_OK;
}

static int txt_only(const struct dirent *d)
{
    size_t n = strlen(d->d_name);
    return n > 4 && strcmp(d->d_name + n - 4, ".txt") == 0;
}

int main(int argc, char **argv)
{
    bool full = false;
    const eval_flag extra[] = { { "--dump", &full } };
    eval_args args;
    if (eval_parse_args(argc, argv, "eval_parse", "[--dir DIR] [--check] [-v] [--dump]", "--dir",
                        extra, COUNT(extra), sets[0].dir, &args) != 0)
        return 2;
    bool check = args.check, verbose = args.verbose;
    const char *where = args.where;
    char dir[1024];
    int set = EVAL_FIND_SET("eval_parse", &args, sets, dir, dir, sizeof(dir));
    if (set == -2)
        return 2;
    struct dirent **names = NULL;
    int count = eval_scan("eval_parse", dir, txt_only, "resumes", &names);
    if (count <= 0)
        return 1;
    ai_offline *e = eval_engine("eval_parse");
    if (e == NULL)
        return 1;
    tally t[F_COUNT], within_one = { 0 };
    memset(t, 0, sizeof(t));
    double *ms = calloc((size_t)count, sizeof(double));
    if (ms == NULL)
        return 1;
    int failed = 0;
    for (int i = 0; i < count; i++) {
        int rc = eval_one(e, dir, names[i]->d_name, t, verbose, full, &ms[i], &within_one);
        if (rc != IA_OK) {
            fprintf(stderr, "eval_parse: %s: %s\n", names[i]->d_name, ia_strerror(rc));
            failed = 1;
        }
        free(names[i]);
    }
    free(names);
    ai_offline_free(e);

    printf("%d labelled resumes, %s: %s\n", count, set >= 0 ? sets[set].name : "fixtures", where);
    double sum = 0;
    for (int f = 0; f < F_COUNT; f++) {
        const floor_pair *fl = set >= 0 ? &sets[set].floors[f] : NULL;
        if (!fields[f].list) {
            double acc = t[f].total ? (double)t[f].ok / (double)t[f].total : 0;
            printf("%-24s accuracy  %.3f (%zu/%zu)\n", fields[f].name, acc, t[f].ok, t[f].total);
            sum += acc;
            if (check && acc < fl->precision) {
                printf("  below its floor %.2f\n", fl->precision);
                failed = 1;
            }
            continue;
        }
        double p = t[f].got ? (double)t[f].tp / (double)t[f].got : 1.0;
        double r = t[f].want ? (double)t[f].tp / (double)t[f].want : 1.0;
        double f1 = p + r > 0 ? 2 * p * r / (p + r) : 0;
        printf("%-24s precision %.3f recall %.3f (%zu matched, %zu found, %zu true)\n",
               fields[f].name, p, r, t[f].tp, t[f].got, t[f].want);
        sum += f1;
        if (check && (p < fl->precision || r < fl->recall)) {
            printf("  below its floors %.2f / %.2f\n", fl->precision, fl->recall);
            failed = 1;
        }
    }
    printf("%-24s %.3f (mean of field accuracies and F1 scores)\n", "overall", sum / F_COUNT);
    double within = within_one.total ? (double)within_one.ok / (double)within_one.total : 0;
    printf("%-24s %.3f (%zu/%zu within one year)\n", "years within one year", within, within_one.ok,
           within_one.total);
    if (check && set >= 0 && within < sets[set].years_within_one) {
        printf("  below its floor %.2f\n", sets[set].years_within_one);
        failed = 1;
    }
    qsort(ms, (size_t)count, sizeof(double), eval_cmp_double);
    double median = count % 2 ? ms[count / 2] : (ms[count / 2 - 1] + ms[count / 2]) / 2;
    printf("%-24s %.2f ms per resume (median CPU time; slowest %.2f ms; target under %.0f ms)\n",
           "parse time", median, ms[count - 1], PARSE_MS_TARGET);
    free(ms);
    return failed;
}
