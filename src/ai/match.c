/* A resume against a job description (ai_offline_match; docs/api.md §5.3).
 *
 * The job description's requirements are read from its structure (ai/jobreq.h: required and
 * preferred sections and markers, "X or Y" alternatives, years, degrees, credentials, domain
 * terms). Each is looked for in the whole resume analysis: its summary, its job titles, the
 * descriptions and highlights of its experience, its education, certifications, languages
 * and skills, one line at a time, through the answer evaluator's matching (ai/textutil.h:
 * Snowball stems, the lexicon's synonyms and WordNet's), so "Built REST and gRPC APIs" meets
 * "REST APIs" and "Mentor four engineers" meets "Mentoring". An alternative of one or two
 * distinctive words is met by a line holding all of them; of three or more, by a line holding
 * two thirds of their weight, each word weighing by how telling it is across the question bank
 * (ai/corpus.h, at least 0.2). A word in capitals ("CRRT", "CPA") matches only as written,
 * without synonyms; a taxonomy skill the analysis lists meets an alternative naming it by any
 * of its aliases. Years are met by the analysis's years of experience (or a guess from its
 * seniority: junior 1, mid 3, senior 6, lead 9), and when they name skills ("5+ years of
 * Kubernetes") by one of those shown too; a degree by an education entry of that level or
 * above, or, for "or equivalent experience", by four years of experience.
 *
 * The score, 0-100, rounded to a whole number:
 *   requirements  80  met weight / total weight, a required requirement weighing 1 and a
 *                     preferred one 0.4;
 *   role          20  1 when the job's role (ai_role_find on its text) is the resume's, 0.6
 *                     when the two are related, 0 otherwise; when either role is unknown, the
 *                     share of the resume's title words (inferred role, job titles) that the
 *                     job text contains; left out when neither side has title words.
 * While a required requirement is missing the score is at most 90. A job description with no
 * requirement the engine can read is scored on the role part alone, and a recommendation says
 * so.
 *
 * matched_skills are the taxonomy skills the job description names that the resume shows;
 * missing_skills those it does not show, except a skill of a requirement met through another
 * alternative. */
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "ai/jobreq.h"
#include "ai/offline.h"
#include "ai/roles.h"
#include "core/errors.h"
#include "core/strbuf.h"
#include "core/util.h"

#define JD_SKILLS_MAX   128
#define JD_TEXT_MAX     (64 * 1024) /* bytes of a job description read */
#define NAMES_IN_A_LINE 5           /* requirements or skills one recommendation names */
#define TITLE_WORDS_MAX 24
#define RECOMMEND_LEN   900
#define LINES_MAX       400 /* resume lines searched for evidence */
#define EVIDENCE_LEN    300 /* bytes of one evidence line */
#define NAME_LEN        90  /* bytes of a requirement named in a recommendation */
#define MIN_WEIGHT      0.2 /* of a word's weight, however common it is in the bank */
#define SHARE_NEEDED    0.67

#define W_REQUIRED   1.0
#define W_PREFERRED  0.4
#define W_REQS       80.0
#define W_ROLE       20.0
#define CAP_MISSING  90.0
#define DEGREE_YEARS 4.0 /* years that stand for a degree "or equivalent experience" */

typedef struct {
    const char *v[AI_LIST_MAX];
    size_t n;
} names;

static void names_add(names *s, const char *name)
{
    if (s->n < AI_LIST_MAX)
        s->v[s->n++] = name;
}

static bool resume_has(const ai_taxonomy *t, const ai_analysis *r, const char *skill)
{
    for (size_t i = 0; i < r->nskills; i++) {
        const char *name = r->skills[i].name;
        if (name == NULL)
            continue;
        const ai_skill *k = ai_taxonomy_find(t, name);
        if (strcasecmp(k != NULL ? k->name : name, skill) == 0)
            return true;
    }
    return false;
}

/* The resume's years of experience, or a guess from its seniority; -1 when neither is known. */
static double years_held(const ai_analysis *r)
{
    if (r->has_years)
        return r->years_of_experience;
    static const struct {
        const char *level;
        double years;
    } guess[] = { { "junior", 1 }, { "mid", 3 }, { "senior", 6 }, { "lead", 9 } };
    for (size_t i = 0; r->seniority != NULL && i < COUNT(guess); i++)
        if (strcmp(r->seniority, guess[i].level) == 0)
            return guess[i].years;
    return -1;
}

/* The resume's role: its inferred role, else its first job title, else its latest entry's. */
static const ai_role *resume_role(const ai_analysis *r)
{
    const ai_role *role = ai_role_find(r->inferred_role);
    if (role == NULL && r->job_titles.n > 0)
        role = ai_role_find(r->job_titles.v[0]);
    if (role == NULL && r->nexperience > 0)
        role = ai_role_find(r->experience[0].job_title);
    return role;
}

/* The share of the resume's title words (three letters or more, level words left out) that
 * the job description contains; -1 when the resume has no title words. */
static double title_overlap(const ai_analysis *r, const char *jd)
{
    static const char *const skip[] = { "senior", "junior", "lead",   "principal", "staff",
                                        "and",    "the",    "head",   "intern",    "assistant",
                                        "for",    "chief",  "trainee" };
    const char *titles[6] = { r->inferred_role };
    size_t nt = 1;
    for (size_t i = 0; i < r->job_titles.n && nt < 6; i++)
        titles[nt++] = r->job_titles.v[i];
    size_t words = 0, found = 0;
    char seen[TITLE_WORDS_MAX][32];
    for (size_t t = 0; t < nt; t++) {
        if (titles[t] == NULL)
            continue;
        char norm[256];
        ai_role_normalise(titles[t], norm, sizeof(norm));
        for (char *w = norm + 1; *w && words < TITLE_WORDS_MAX;) {
            char *e = strchr(w, ' ');
            if (e == NULL)
                break;
            *e = '\0';
            bool skipped = strlen(w) < 3 || strlen(w) >= sizeof(seen[0]);
            for (size_t k = 0; !skipped && k < COUNT(skip); k++)
                skipped = strcmp(w, skip[k]) == 0;
            for (size_t k = 0; !skipped && k < words; k++)
                skipped = strcmp(w, seen[k]) == 0;
            if (!skipped) {
                snprintf(seen[words++], sizeof(seen[0]), "%s", w);
                found += ai_has_word(jd, w, true);
            }
            w = e + 1;
        }
    }
    return words > 0 ? (double)found / (double)words : -1;
}

/* "A", "A and B", "A, B and C" of the first (at most NAMES_IN_A_LINE) names. */
static void join(strbuf *sb, const names *s)
{
    size_t n = s->n < NAMES_IN_A_LINE ? s->n : NAMES_IN_A_LINE;
    for (size_t i = 0; i < n; i++) {
        if (i > 0)
            strbuf_puts(sb, i + 1 == n && n == s->n ? " and " : ", ");
        strbuf_puts(sb, s->v[i]);
    }
    if (n < s->n)
        strbuf_appendf(sb, " and %zu more", s->n - n);
}

/* Adds one recommendation (while there is room): before, then, when a list is given, its
 * names joined and after_one or after_many as the list has one name or more. */
static int recommend(arena *a, ai_strs *out, const names *list, const char *before,
                     const char *after_one, const char *after_many)
{
    if (out->n >= AI_RECOMMEND_MAX)
        return IA_OK;
    strbuf sb;
    strbuf_init(&sb, a, RECOMMEND_LEN);
    strbuf_puts(&sb, before);
    if (list != NULL) {
        join(&sb, list);
        strbuf_puts(&sb, list->n == 1 ? after_one : after_many);
    }
    int rc = strbuf_error(&sb);
    if (rc != IA_OK)
        return rc;
    out->v[out->n++] = strbuf_str(&sb);
    return IA_OK;
}

static int copy_names(arena *a, const names *s, ai_strs *out)
{
    out->v = arena_calloc(a, s->n + 1, sizeof(char *));
    if (out->v == NULL)
        return IA_ERR_NOMEM;
    for (size_t i = 0; i < s->n; i++)
        if ((out->v[out->n++] = arena_strdup(a, s->v[i])) == NULL)
            return IA_ERR_NOMEM;
    return IA_OK;
}

/* What the comparison found, for the recommendations. */
typedef struct {
    names matched, missing;
    names missing_required, missing_preferred; /* requirements, as written */
    const char *example; /* what to build an example with: a missing required term */
    size_t nrequirements;
    double asked, held; /* years; -1 when unknown */
    const ai_role *jd_role, *own_role;
} findings;

/* Years as a person would write them: "6", "3.5" (held within 0-99). */
static void years_text(char *buf, size_t len, double years)
{
    int tenths = (int)((years < 0 ? 0 : years > 99 ? 99 : years) * 10 + 0.5);
    if (tenths % 10 == 0)
        snprintf(buf, len, "%d", tenths / 10);
    else
        snprintf(buf, len, "%d.%d", tenths / 10, tenths % 10);
}

/* The recommendations: the missing required requirements first, by name, then an example to
 * prepare, the missing nice-to-haves, what to highlight (the matched skills), the years gap,
 * and how the resume's role reads against the job's. */
static int advise(arena *a, const findings *f, ai_strs *out)
{
    char line[RECOMMEND_LEN], held[32], asked[32];
    int rc = IA_OK;
    if (f->nrequirements == 0)
        rc = recommend(a, out, NULL,
                       "The job description states no requirement and names no skill the engine "
                       "recognises, so the score rests on the role title alone; paste the full "
                       "posting, with its requirements, for a requirement-by-requirement "
                       "comparison.",
                       NULL, NULL);
    if (rc == IA_OK && f->missing_required.n > 0)
        rc = recommend(a, out, &f->missing_required, "The job requires ",
                       ", which your resume does not show: add it where you have it, or "
                       "prepare to say how you would get up to speed.",
                       ", which your resume does not show: add each one you have, with where "
                       "and how, or prepare to say how you would get up to speed.");
    if (rc == IA_OK && f->example != NULL) {
        snprintf(line, sizeof(line),
                 "Before the interview, build one concrete example with %s (a small project, a "
                 "course or a certification) that you can describe in detail.",
                 f->example);
        rc = recommend(a, out, NULL, line, NULL, NULL);
    }
    if (rc == IA_OK && f->missing_preferred.n > 0)
        rc = recommend(a, out, &f->missing_preferred, "The job lists ",
                       " as a plus; mention any exposure you have to it.",
                       " as a plus; mention any exposure you have to them.");
    if (rc == IA_OK && f->matched.n > 0)
        rc = recommend(a, out, &f->matched, "Highlight ",
                       " near the top of your resume and in your summary: the job asks for it "
                       "and you have it.",
                       " near the top of your resume and in your summary: the job asks for "
                       "them and you have them.");
    if (rc == IA_OK && f->asked >= 0) {
        years_text(asked, sizeof(asked), f->asked);
        years_text(held, sizeof(held), f->held);
        if (f->held < 0)
            snprintf(line, sizeof(line),
                     "The job asks for %s+ years of experience; give every position clear "
                     "start and end dates so your years can be counted.",
                     asked);
        else if (f->held < f->asked)
            snprintf(line, sizeof(line),
                     "The job asks for %s+ years of experience and your resume shows %s; "
                     "stress the scope, ownership and results of your work to close the gap.",
                     asked, held);
        else
            snprintf(line, sizeof(line),
                     "Your %s years of experience meet the %s+ years the job asks for; state "
                     "them in your summary.",
                     held, asked);
        rc = recommend(a, out, NULL, line, NULL, NULL);
    }
    if (rc == IA_OK && f->jd_role != NULL && f->own_role != NULL) {
        const char *own = f->own_role->name, *job = f->jd_role->name;
        if (f->jd_role == f->own_role)
            snprintf(line, sizeof(line),
                     "Your background as a %s fits this role; use the job's own title and "
                     "wording in your summary.",
                     own);
        else if (ai_role_is_related(f->jd_role, own))
            snprintf(line, sizeof(line),
                     "Your %s background is close to this %s role; bring forward the work you "
                     "did that a %s does.",
                     own, job, job);
        else
            snprintf(line, sizeof(line),
                     "Your resume reads as a %s while the job is for a %s; lead with the "
                     "experience closest to %s work and use its vocabulary.",
                     own, job, job);
        rc = recommend(a, out, NULL, line, NULL, NULL);
    }
    return rc;
}

/* One line of the resume, tokenised, and the text quoted as evidence. */
typedef struct {
    const char *text;
    ai_text t;
} line;

typedef struct {
    line *v;
    size_t n;
} lines;

/* Adds text to ls as one line (cut at EVIDENCE_LEN bytes on a character boundary), leading
 * bullets and spaces left out. */
static int add_line(arena *a, const ai_text_lexicon *lx, lines *ls, const char *text, size_t len)
{
    static const char *const bullets[] = {
        "\xe2\x80\xa2", "\xe2\x80\x93", "\xe2\x80\x94", "\xc2\xb7", "-", "*"
    };
    for (bool more = true; more && len > 0;) {
        more = false;
        while (len > 0 && isspace((unsigned char)*text)) {
            text++;
            len--;
        }
        for (size_t i = 0; i < COUNT(bullets) && !more; i++) {
            size_t n = strlen(bullets[i]);
            if (len >= n && strncmp(text, bullets[i], n) == 0) {
                text += n;
                len -= n;
                more = true;
            }
        }
    }
    while (len > 0 && isspace((unsigned char)text[len - 1]))
        len--;
    if (len == 0 || ls->n >= LINES_MAX)
        return IA_OK;
    if (len > EVIDENCE_LEN) {
        len = EVIDENCE_LEN;
        while (len > 0 && ((unsigned char)text[len] & 0xC0) == 0x80)
            len--;
    }
    line *l = &ls->v[ls->n];
    if ((l->text = arena_strndup(a, text, len)) == NULL)
        return IA_ERR_NOMEM;
    int rc = ai_text_tokenize(a, lx, l->text, &l->t);
    if (rc != IA_OK)
        return rc;
    ls->n += l->t.n > 0;
    return IA_OK;
}

/* Adds each line of text (split at line ends and at "; ") to ls. */
static int add_lines(arena *a, const ai_text_lexicon *lx, lines *ls, const char *text)
{
    if (text == NULL)
        return IA_OK;
    int rc = IA_OK;
    for (const char *p = text; *p && rc == IA_OK;) {
        size_t n = strcspn(p, "\n;");
        rc = add_line(a, lx, ls, p, n);
        p += n;
        if (*p)
            p++;
    }
    return rc;
}

/* The resume's lines in the order evidence is preferred: experience (descriptions and
 * highlights, then titles), summary, certifications, education, skills, languages. */
static int resume_lines(arena *a, const ai_text_lexicon *lx, const ai_analysis *r, lines *ls)
{
    ls->v = arena_calloc(a, LINES_MAX, sizeof(line));
    if (ls->v == NULL)
        return IA_ERR_NOMEM;
    int rc = IA_OK;
    for (size_t i = 0; i < r->nexperience && rc == IA_OK; i++) {
        const ai_experience *x = &r->experience[i];
        rc = add_lines(a, lx, ls, x->description);
        for (size_t k = 0; k < x->highlights.n && rc == IA_OK; k++)
            rc = add_lines(a, lx, ls, x->highlights.v[k]);
    }
    for (size_t i = 0; i < r->nexperience && rc == IA_OK; i++) {
        const ai_experience *x = &r->experience[i];
        char buf[EVIDENCE_LEN];
        snprintf(buf, sizeof(buf), "%s%s%s", x->job_title ? x->job_title : "",
                 x->job_title && x->company ? ", " : "", x->company ? x->company : "");
        rc = add_line(a, lx, ls, buf, strlen(buf));
    }
    for (size_t i = 0; i < r->job_titles.n && rc == IA_OK; i++)
        rc = add_lines(a, lx, ls, r->job_titles.v[i]);
    if (rc == IA_OK)
        rc = add_lines(a, lx, ls, r->headline);
    if (rc == IA_OK)
        rc = add_lines(a, lx, ls, r->summary);
    if (rc == IA_OK)
        rc = add_lines(a, lx, ls, r->inferred_role);
    /* Projects, awards, volunteering and publications are evidence too ("Led a CRRT
     * in-service" under Projects). */
    const ai_strs *more[] = { &r->projects, &r->awards, &r->volunteering, &r->publications };
    for (size_t m = 0; m < COUNT(more); m++)
        for (size_t i = 0; i < more[m]->n && rc == IA_OK; i++)
            rc = add_lines(a, lx, ls, more[m]->v[i]);
    for (size_t i = 0; i < r->certifications.n && rc == IA_OK; i++)
        rc = add_lines(a, lx, ls, r->certifications.v[i]);
    for (size_t i = 0; i < r->neducation && rc == IA_OK; i++) {
        char buf[EVIDENCE_LEN];
        const ai_education *d = &r->education[i];
        snprintf(buf, sizeof(buf), "%s%s%s%s%s", d->degree ? d->degree : "",
                 d->field_of_study && d->degree ? ", " : "",
                 d->field_of_study ? d->field_of_study : "", d->institution ? ", " : "",
                 d->institution ? d->institution : "");
        rc = add_line(a, lx, ls, buf, strlen(buf));
    }
    for (size_t i = 0; i < r->nskills && rc == IA_OK; i++)
        if (r->skills[i].name != NULL)
            rc = add_lines(a, lx, ls, r->skills[i].name);
    for (size_t i = 0; i < r->languages.n && rc == IA_OK; i++)
        rc = add_lines(a, lx, ls, r->languages.v[i]);
    return rc;
}

/* True when w is an abbreviation written in capitals ("CRRT", "CPA", "IFRS"): two or more
 * capitals, digits allowed, no lower-case letter. */
static bool is_abbreviation(const char *w, size_t n)
{
    size_t caps = 0;
    for (size_t i = 0; i < n; i++) {
        if (islower((unsigned char)w[i]))
            return false;
        caps += isupper((unsigned char)w[i]) != 0;
    }
    return caps >= 2;
}

/* An alternative compiled for matching: its words, each with its weight, and, for a phrase
 * without abbreviations, the whole phrase (which also matches the lexicon's phrase synonyms). */
typedef struct {
    ai_text_term words[AI_JOBREQ_WORDS];
    double weight[AI_JOBREQ_WORDS];
    size_t n;
    ai_text_term whole;
    bool has_whole;
    bool all; /* every word must occur (a skill's name) */
} alt_terms;

static int compile_alt(const ai_offline *e, arena *a, const char *alt, bool all, alt_terms *out)
{
    const ai_text_lexicon *lx = ai_offline_lexicon(e);
    out->n = 0;
    out->has_whole = false;
    out->all = all;
    bool abbreviations = false;
    for (const char *p = alt; *p && out->n < AI_JOBREQ_WORDS;) {
        while (*p == ' ')
            p++;
        size_t len = strcspn(p, " ");
        if (len == 0)
            break;
        char w[AI_TEXT_WORD_MAX + 1];
        size_t n = len < AI_TEXT_WORD_MAX ? len : AI_TEXT_WORD_MAX;
        memcpy(w, p, n);
        w[n] = '\0';
        bool abbr = is_abbreviation(w, n);
        abbreviations = abbreviations || abbr;
        ai_text_term *t = &out->words[out->n];
        int rc = ai_text_term_compile(a, abbr ? NULL : lx, w, t);
        if (rc == IA_OK) {
            const char *stem = t->variants[0].n > 0 ? t->variants[0].stems[0] : "";
            double wt = ai_corpus_weight(ai_offline_corpus(e), stem);
            out->weight[out->n++] = wt > MIN_WEIGHT ? wt : MIN_WEIGHT;
        } else if (rc != IA_ERR_INVALID) {
            return rc;
        }
        p += len;
    }
    if (out->n >= 2 && !abbreviations) {
        int rc = ai_text_term_compile(a, lx, alt, &out->whole);
        if (rc == IA_OK)
            out->has_whole = true;
        else if (rc != IA_ERR_INVALID)
            return rc;
    }
    return IA_OK;
}

/* True when line l meets the compiled alternative (the file's header says how). */
static bool line_meets(const line *l, const alt_terms *c)
{
    if (c->n == 0)
        return false;
    if (c->has_whole && ai_text_find(&l->t, &c->whole, 0, NULL) >= 0)
        return true;
    double have = 0, want = 0;
    size_t found = 0;
    for (size_t i = 0; i < c->n; i++) {
        want += c->weight[i];
        if (ai_text_find(&l->t, &c->words[i], 0, NULL) >= 0) {
            have += c->weight[i];
            found++;
        }
    }
    if (c->n == 1 || c->all)
        return found == c->n;
    return have >= SHARE_NEEDED * want;
}

/* True when text names skill sk: its name or an alias as whole words, any case, or for a name
 * that is also an ordinary word ("Go", "Excel") the name as written. */
static bool line_names_skill(const char *text, const ai_skill *sk)
{
    if (sk->exact_case)
        return ai_jobreq_word_as_written(text, sk->name);
    if (ai_has_word(text, sk->name, true))
        return true;
    for (size_t i = 0; i < sk->nterms; i++)
        if (ai_has_word(text, sk->terms[i], true))
            return true;
    return false;
}

/* The first line meeting an alternative of q (a TERMS requirement), or NULL. An alternative
 * that names a skill the analysis lists is met by that skill. */
static int find_terms(const ai_offline *e, arena *a, const ai_analysis *r, const lines *ls,
                      const ai_jobreq *q, const char **evidence)
{
    *evidence = NULL;
    const ai_taxonomy *t = ai_offline_taxonomy(e);
    size_t best = ls->n;
    for (size_t k = 0; k < q->nalts; k++) {
        const ai_skill *sk = ai_taxonomy_find(t, q->alts[k]);
        if (sk != NULL) {
            for (size_t i = 0; i < best; i++)
                if (line_names_skill(ls->v[i].text, sk)) {
                    best = i;
                    break;
                }
            if (best == ls->n && resume_has(t, r, sk->name))
                *evidence = sk->name;
            if (sk->exact_case)
                continue; /* an ordinary word as a name is matched as written ("Go", not "went") */
        }
        alt_terms c;
        int rc = compile_alt(e, a, q->alts[k], sk != NULL, &c);
        if (rc != IA_OK)
            return rc;
        for (size_t i = 0; i < best; i++)
            if (line_meets(&ls->v[i], &c)) {
                best = i;
                break;
            }
    }
    if (best < ls->n)
        *evidence = ls->v[best].text;
    return IA_OK;
}

/* The education entry of the highest degree level, or NULL; *level receives the level. */
static const ai_education *best_degree(const ai_analysis *r, int *level)
{
    const ai_education *best = NULL;
    *level = AI_DEGREE_NONE;
    for (size_t i = 0; i < r->neducation; i++) {
        int l = ai_jobreq_degree_level(r->education[i].degree);
        if (l > *level) {
            *level = l;
            best = &r->education[i];
        }
    }
    return best;
}

/* Decides whether the resume meets q, and with what evidence. */
static int judge(const ai_offline *e, arena *a, const ai_analysis *r, const lines *ls,
                 const ai_jobreq *q, bool *met, const char **evidence)
{
    *met = false;
    *evidence = NULL;
    double held = years_held(r);
    char buf[EVIDENCE_LEN];
    if (q->type == AI_JOBREQ_YEARS) {
        if (held >= q->years && q->nalts > 0) {
            int rc = find_terms(e, a, r, ls, q, evidence);
            *met = *evidence != NULL;
            return rc;
        }
        if (held >= q->years) {
            char y[32];
            years_text(y, sizeof(y), held);
            snprintf(buf, sizeof(buf), "%s years of experience", y);
            *met = true;
            *evidence = arena_strdup(a, buf);
            return *evidence != NULL ? IA_OK : IA_ERR_NOMEM;
        }
        return IA_OK;
    }
    if (q->type == AI_JOBREQ_DEGREE) {
        int level = AI_DEGREE_NONE;
        const ai_education *d = best_degree(r, &level);
        if (d != NULL && level >= q->degree) {
            snprintf(buf, sizeof(buf), "%s%s%s", d->degree, d->institution ? ", " : "",
                     d->institution ? d->institution : "");
            *met = true;
            *evidence = arena_strdup(a, buf);
            return *evidence != NULL ? IA_OK : IA_ERR_NOMEM;
        }
        if (q->or_experience && held >= DEGREE_YEARS) {
            char y[32];
            years_text(y, sizeof(y), held);
            snprintf(buf, sizeof(buf), "%s years of experience", y);
            *met = true;
            *evidence = arena_strdup(a, buf);
            return *evidence != NULL ? IA_OK : IA_ERR_NOMEM;
        }
        return IA_OK;
    }
    int rc = find_terms(e, a, r, ls, q, evidence);
    *met = *evidence != NULL;
    return rc;
}

/* A requirement as a recommendation names it: its text, or its first alternative when the
 * text is long. */
static const char *short_name(arena *a, const ai_jobreq *q)
{
    static const char *const tails[] = { " (required)", " is required", " required",
                                         " is a plus",  " preferred",   " (preferred)" };
    if (strlen(q->text) > NAME_LEN && q->nalts > 0)
        return q->alts[0];
    size_t len = strlen(q->text);
    for (size_t i = 0; i < COUNT(tails); i++) {
        size_t n = strlen(tails[i]);
        if (len > n && strcasecmp(q->text + len - n, tails[i]) == 0) {
            char *cut = arena_strndup(a, q->text, len - n);
            return cut != NULL ? cut : q->text;
        }
    }
    return q->text;
}

/* Judges every requirement and writes them to out in the contract's order (missing required,
 * missing preferred, met); fills the findings and the requirements' share of the score. */
static int judge_all(const ai_offline *e, arena *a, const ai_analysis *r, const ai_jobreqs *qs,
                     ai_match *out, findings *f, double *share, size_t *missing_required)
{
    lines ls = { 0 };
    int rc = resume_lines(a, ai_offline_lexicon(e), r, &ls);
    if (rc != IA_OK)
        return rc;
    ai_requirement *all = arena_calloc(a, qs->n + 1, sizeof(ai_requirement));
    out->requirements = arena_calloc(a, qs->n + 1, sizeof(ai_requirement));
    if (all == NULL || out->requirements == NULL)
        return IA_ERR_NOMEM;
    double have = 0, want = 0;
    *missing_required = 0;
    for (size_t i = 0; i < qs->n; i++) {
        const ai_jobreq *q = &qs->v[i];
        bool met = false;
        const char *evidence = NULL;
        if ((rc = judge(e, a, r, &ls, q, &met, &evidence)) != IA_OK)
            return rc;
        all[i] =
            (ai_requirement){ q->text, q->preferred ? "preferred" : "required", met, evidence };
        double w = q->preferred ? W_PREFERRED : W_REQUIRED;
        want += w;
        have += met ? w : 0;
        if (q->type == AI_JOBREQ_YEARS && (f->asked < 0 || q->years > f->asked))
            f->asked = q->years;
        if (met)
            continue;
        if (q->preferred) {
            names_add(&f->missing_preferred, short_name(a, q));
        } else {
            names_add(&f->missing_required, short_name(a, q));
            (*missing_required)++;
            if (f->example == NULL && q->type == AI_JOBREQ_TERMS && q->nalts > 0)
                f->example = q->alts[0];
        }
    }
    /* Missing required, missing preferred, met. */
    for (int pass = 0; pass < 3; pass++)
        for (size_t i = 0; i < qs->n; i++) {
            bool pick = pass == 0   ? !all[i].met && strcmp(all[i].kind, "required") == 0
                        : pass == 1 ? !all[i].met && strcmp(all[i].kind, "preferred") == 0
                                    : all[i].met;
            if (pick)
                out->requirements[out->nrequirements++] = all[i];
        }
    *share = want > 0 ? have / want : -1;
    return IA_OK;
}

/* The taxonomy skills a text names, as indexes. */
typedef struct {
    size_t v[JD_SKILLS_MAX];
    size_t n;
} skill_set;

static bool set_has(const skill_set *s, size_t skill)
{
    for (size_t i = 0; i < s->n; i++)
        if (s->v[i] == skill)
            return true;
    return false;
}

/* Sorts the job description's skills into matched (the resume lists them, or a met requirement
 * naming them quotes them) and missing (neither, and no met requirement names them: a skill of
 * a requirement met through another alternative is not missing). */
static int sort_skills(const ai_offline *e, arena *a, const ai_analysis *r, const char *jd,
                       const ai_match *m, findings *f)
{
    const ai_taxonomy *t = ai_offline_taxonomy(e);
    char *text = arena_strndup(a, jd, JD_TEXT_MAX);
    skill_set *named = arena_calloc(a, 2 * m->nrequirements + 1, sizeof(skill_set));
    if (text == NULL || named == NULL)
        return IA_ERR_NOMEM;
    size_t found[JD_SKILLS_MAX], n = 0;
    int rc = ai_taxonomy_match(t, text, found, JD_SKILLS_MAX, &n);
    /* named[2q]: the skills of met requirement q's text; named[2q + 1]: of its evidence; read
     * when first needed (known[q]). */
    bool *known = arena_calloc(a, m->nrequirements + 1, sizeof(bool));
    if (known == NULL)
        return IA_ERR_NOMEM;
    for (size_t i = 0; rc == IA_OK && i < n; i++) {
        const ai_skill *k = ai_taxonomy_get(t, found[i]);
        bool shown = resume_has(t, r, k->name), covered = false;
        for (size_t q = 0; rc == IA_OK && q < m->nrequirements && !shown; q++) {
            const ai_requirement *rq = &m->requirements[q];
            if (!rq->met || rq->evidence == NULL)
                continue;
            if (!known[q]) {
                known[q] = true;
                rc = ai_taxonomy_match(t, rq->text, named[2 * q].v, JD_SKILLS_MAX, &named[2 * q].n);
                if (rc == IA_OK)
                    rc = ai_taxonomy_match(t, rq->evidence, named[2 * q + 1].v, JD_SKILLS_MAX,
                                           &named[2 * q + 1].n);
            }
            bool in_text = set_has(&named[2 * q], found[i]);
            covered = covered || in_text;
            shown = in_text && set_has(&named[2 * q + 1], found[i]);
        }
        if (shown)
            names_add(&f->matched, k->name);
        else if (!covered)
            names_add(&f->missing, k->name);
    }
    return rc;
}

int ai_offline_match(const ai_offline *e, arena *a, const ai_match_request *req, ai_match *out)
{
    if (e == NULL || a == NULL || req == NULL || req->resume == NULL || out == NULL)
        return IA_ERR_INVALID;
    *out = (ai_match){ 0 };
    const ai_analysis *r = req->resume;
    const char *jd = req->job_description != NULL ? req->job_description : "";
    findings f;
    memset(&f, 0, sizeof(f));
    f.asked = -1;
    f.held = years_held(r);
    ai_jobreqs qs;
    int rc = ai_jobreq_read(a, ai_offline_taxonomy(e), jd, &qs);
    double share = -1;
    size_t missing_required = 0;
    if (rc == IA_OK)
        rc = judge_all(e, a, r, &qs, out, &f, &share, &missing_required);
    if (rc == IA_OK)
        rc = sort_skills(e, a, r, jd, out, &f);
    if (rc != IA_OK) {
        *out = (ai_match){ 0 };
        return rc;
    }
    f.nrequirements = qs.n;
    f.jd_role = ai_role_find(jd);
    f.own_role = resume_role(r);
    double role = -1;
    if (f.jd_role != NULL && f.own_role != NULL)
        role = f.jd_role == f.own_role                           ? 1.0
               : ai_role_is_related(f.jd_role, f.own_role->name) ? 0.6
                                                                 : 0.0;
    else
        role = title_overlap(r, jd);
    /* Only the parts that can be judged count; without requirements, the role alone. */
    double sum = 0, weight = 0;
    if (share >= 0) {
        sum += W_REQS * share;
        weight += W_REQS;
    }
    if (role >= 0) {
        sum += W_ROLE * role;
        weight += W_ROLE;
    }
    double score = weight > 0 ? 100.0 * sum / weight : 0;
    if (missing_required > 0 && score > CAP_MISSING)
        score = CAP_MISSING;
    out->match_score = (double)(long)(score + 0.5);
    out->recommendations.v = arena_calloc(a, AI_RECOMMEND_MAX, sizeof(char *));
    if (out->recommendations.v == NULL)
        return IA_ERR_NOMEM;
    if ((rc = copy_names(a, &f.matched, &out->matched_skills)) != IA_OK ||
        (rc = copy_names(a, &f.missing, &out->missing_skills)) != IA_OK ||
        (rc = advise(a, &f, &out->recommendations)) != IA_OK) {
        *out = (ai_match){ 0 };
        return rc;
    }
    return IA_OK;
}
