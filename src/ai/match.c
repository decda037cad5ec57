/* A resume against a job description (ai_offline_match).
 *
 * The job description's skills are the taxonomy skills it mentions; a skill is matched when
 * the resume analysis lists it (by taxonomy name, any case), missing otherwise. The score is
 * a weighted mean, 0-100, of up to three parts:
 *   skills  70  matched weight / total weight, a hard skill weighing 1 and a soft skill 0.5,
 *               halved for a skill the job lists as optional ("nice to have", "a plus");
 *   role    20  1 when the job's role (ai_role_find on its text) is the resume's, 0.6 when the
 *               two are related, 0 otherwise; when either role is unknown, the share of the
 *               resume's title words (inferred role, job titles) that the job text contains;
 *   years   10  1 when the resume's years reach what the job asks ("5+ years", "3-5 years",
 *               else a "senior" title near the top asks 5, "lead", "principal" or "staff" 7),
 *               else resume / asked; a resume without years (nor a seniority to guess them
 *               from: junior 1, mid 3, senior 6, lead 9) counts 0.5.
 * A part that cannot be judged (no role words on either side, no years asked) is left out and
 * the weights of the others scaled up. A job description that names no skill is scored on
 * the role part alone, and a recommendation says so. The score is rounded to a whole number. */
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "ai/offline.h"
#include "ai/roles.h"
#include "core/errors.h"
#include "core/strbuf.h"

#define JD_SKILLS_MAX   128
#define JD_TEXT_MAX     (64 * 1024) /* bytes of a job description read */
#define NAMES_IN_A_LINE 5           /* skills one recommendation names */
#define TITLE_WORDS_MAX 24
#define HEAD_BYTES      300 /* the top of a job description, where its title and level are */
#define RECOMMEND_LEN   600

#define W_SKILLS 70.0
#define W_ROLE   20.0
#define W_YEARS  10.0

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

/* The number of years a job description asks for: the largest lower bound written as
 * "5 years", "5+ years", "3-5 years" (hyphen or en dash), "3 to 5 yrs"; else a level word near the
 * top (senior 5, lead/principal/staff 7); -1 when it asks for none. */
static double years_asked(const char *jd)
{
    double best = -1;
    for (const char *p = jd; *p; p++) {
        if (!isdigit((unsigned char)*p) || (p > jd && isalnum((unsigned char)p[-1])))
            continue;
        long n = 0;
        const char *q = p;
        while (isdigit((unsigned char)*q) && n < 100)
            n = n * 10 + (*q++ - '0');
        const char *next = q; /* where the scan goes on: past the upper bound of a range */
        while (*q == '+' || *q == ' ')
            q++;
        size_t dash = *q == '-'                                                             ? 1
                      : strncmp(q, "\xe2\x80\x93", 3) == 0 || strncasecmp(q, "to ", 3) == 0 ? 3
                                                                                            : 0;
        if (dash > 0) {
            q += dash;
            while (*q == ' ')
                q++;
            while (isdigit((unsigned char)*q))
                q++;
            next = q;
            while (*q == '+' || *q == ' ')
                q++;
        }
        if (n >= 1 && n <= 30 &&
            (strncasecmp(q, "years", 5) == 0 || strncasecmp(q, "yrs", 3) == 0 ||
             (n == 1 && strncasecmp(q, "year", 4) == 0)) &&
            (double)n > best)
            best = (double)n;
        p = next - 1;
    }
    if (best >= 0)
        return best;
    char head[HEAD_BYTES + 3];
    char top[HEAD_BYTES + 1];
    snprintf(top, sizeof(top), "%s", jd);
    ai_role_normalise(top, head, sizeof(head));
    if (strstr(head, " lead ") || strstr(head, " principal ") || strstr(head, " staff "))
        return 7;
    if (strstr(head, " senior ") || strstr(head, " sr "))
        return 5;
    return -1;
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
    for (size_t i = 0; r->seniority != NULL && i < sizeof(guess) / sizeof(guess[0]); i++)
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
            for (size_t k = 0; !skipped && k < sizeof(skip) / sizeof(skip[0]); k++)
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
    names matched, missing, hard_missing, soft_missing, optional_missing;
    size_t jd_skills;
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

/* The recommendations: what to add (the missing required hard skills by name, then the soft
 * ones, then the nice-to-haves), what to highlight (the matched skills), the years gap, and how
 * the resume's role reads against the job's. */
static int advise(arena *a, const findings *f, ai_strs *out)
{
    char line[RECOMMEND_LEN], held[32], asked[32];
    int rc = IA_OK;
    if (f->jd_skills == 0)
        rc = recommend(a, out, NULL,
                       "The job description names no skill the engine recognises, so the score "
                       "rests on the role title alone; paste the full posting, with its "
                       "requirements, for a skill-by-skill comparison.",
                       NULL, NULL);
    if (rc == IA_OK && f->hard_missing.n > 0)
        rc = recommend(a, out, &f->hard_missing, "The job asks for ",
                       ", which your resume does not show: add it where you have used it, or "
                       "prepare to say how you would get up to speed.",
                       ", which your resume does not show: add each one you have used, with "
                       "where and how, or prepare to say how you would get up to speed.");
    if (rc == IA_OK && f->hard_missing.n > 0) {
        snprintf(line, sizeof(line),
                 "Before the interview, build one concrete example with %s (a small project, a "
                 "course or a certification) that you can describe in detail.",
                 f->hard_missing.v[0]);
        rc = recommend(a, out, NULL, line, NULL, NULL);
    }
    if (rc == IA_OK && f->soft_missing.n > 0)
        rc = recommend(a, out, &f->soft_missing, "Show ",
                       " with a short example in your summary or experience bullets, as the "
                       "job description asks for it.",
                       " with short examples in your summary or experience bullets, as the job "
                       "description asks for them.");
    if (rc == IA_OK && f->optional_missing.n > 0)
        rc = recommend(a, out, &f->optional_missing, "The job lists ",
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

/* Words that mark the skills of their sentence, or of the lines under a heading holding
 * them, as optional. */
static const char *const optional_markers[] = { "nice to have",  "nice-to-have", "a plus",
                                                "bonus",         "preferred",    "desirable",
                                                "optional",      "ideally",      "an advantage",
                                                "would be nice", "good to have" };

static bool marks_optional(const char *s)
{
    for (size_t i = 0; i < sizeof(optional_markers) / sizeof(optional_markers[0]); i++)
        if (ai_has_word(s, optional_markers[i], true))
            return true;
    return false;
}

/* Blanks every sentence of line (ended by ". ", "!", "?", ";" or its end) that marks its skills
 * as optional. */
static void blank_optional_sentences(char *line)
{
    for (char *p = line, *start = line;; p++) {
        bool end = *p == '\0' || *p == '!' || *p == '?' || *p == ';' ||
                   (*p == '.' && (p[1] == '\0' || isspace((unsigned char)p[1])));
        if (!end)
            continue;
        char saved = *p;
        *p = '\0';
        bool optional = marks_optional(start);
        *p = saved;
        if (optional)
            memset(start, ' ', (size_t)(p - start));
        if (saved == '\0')
            return;
        start = p + 1;
    }
}

/* Blanks in text (a copy of the job description) what it lists as optional: the lines under a
 * heading (a line ending in ':') that holds a marker, up to the next heading, and any other
 * sentence that holds one. What is left names the required skills. */
static void blank_optional(char *text)
{
    bool section = false;
    for (char *line = text; *line;) {
        char *end = strchr(line, '\n');
        if (end == NULL)
            end = line + strlen(line);
        char *last = end;
        while (last > line && isspace((unsigned char)last[-1]))
            last--;
        char saved = *end;
        *end = '\0';
        if (last > line && last[-1] == ':')
            section = marks_optional(line);
        if (section)
            memset(line, ' ', (size_t)(end - line));
        else
            blank_optional_sentences(line);
        *end = saved;
        line = saved != '\0' ? end + 1 : end;
    }
}

/* Sorts the job description's skills into matched and missing, weighs them (hard 1, soft 0.5,
 * halved again when optional) and returns the matched share of the weight in *share (-1 when
 * the job description names no skill). */
static int compare_skills(const ai_taxonomy *t, arena *a, const ai_analysis *r, const char *jd,
                          findings *f, double *share)
{
    char *required = arena_strndup(a, jd, JD_TEXT_MAX);
    if (required == NULL)
        return IA_ERR_NOMEM;
    size_t found[JD_SKILLS_MAX], n = 0, req[JD_SKILLS_MAX], nreq = 0;
    int rc = ai_taxonomy_match(t, required, found, JD_SKILLS_MAX, &n);
    if (rc != IA_OK)
        return rc;
    blank_optional(required);
    if ((rc = ai_taxonomy_match(t, required, req, JD_SKILLS_MAX, &nreq)) != IA_OK)
        return rc;
    double have = 0, want = 0;
    for (size_t i = 0; i < n; i++) {
        const ai_skill *k = ai_taxonomy_get(t, found[i]);
        bool soft = strcmp(k->category, "soft") == 0, optional = true;
        for (size_t j = 0; j < nreq && optional; j++)
            optional = req[j] != found[i];
        double w = (soft ? 0.5 : 1.0) * (optional ? 0.5 : 1.0);
        want += w;
        if (resume_has(t, r, k->name)) {
            have += w;
            names_add(&f->matched, k->name);
            continue;
        }
        names_add(&f->missing, k->name);
        names_add(optional ? &f->optional_missing
                  : soft   ? &f->soft_missing
                           : &f->hard_missing,
                  k->name);
    }
    f->jd_skills = n;
    *share = n > 0 ? have / want : -1;
    return IA_OK;
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
    double skills = -1;
    int rc = compare_skills(ai_offline_taxonomy(e), a, r, jd, &f, &skills);
    if (rc != IA_OK)
        return rc;
    f.jd_role = ai_role_find(jd);
    f.own_role = resume_role(r);
    double role = -1;
    if (f.jd_role != NULL && f.own_role != NULL)
        role = f.jd_role == f.own_role                           ? 1.0
               : ai_role_is_related(f.jd_role, f.own_role->name) ? 0.6
                                                                 : 0.0;
    else
        role = title_overlap(r, jd);
    f.asked = years_asked(jd);
    f.held = years_held(r);
    double years = f.asked < 0 ? -1 : f.held < 0 ? 0.5 : f.held >= f.asked ? 1.0 : f.held / f.asked;
    /* Only the parts that can be judged count; without skills, the role alone. */
    double sum = 0, weight = 0;
    if (skills >= 0) {
        sum += W_SKILLS * skills;
        weight += W_SKILLS;
        if (years >= 0) {
            sum += W_YEARS * years;
            weight += W_YEARS;
        }
    }
    if (role >= 0) {
        sum += W_ROLE * role;
        weight += W_ROLE;
    }
    double score = weight > 0 ? 100.0 * sum / weight : 0;
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
