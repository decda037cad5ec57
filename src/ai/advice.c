/* The advice and confidence of a resume analysis (docs/api.md §5 "Analysis"): the
 * recommendations, which never blame the resume's layout for what the parser could not read
 * (the user is asked to check that field instead), and field_confidence with the overall
 * confidence_score derived from it. Split from the parser (src/ai/resume.c); its state is in
 * resume_private.h. */
#include "ai/resume_private.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/errors.h"
#include "core/util.h"

static bool has_digit(const char *s)
{
    return s != NULL && strpbrk(s, "0123456789") != NULL;
}

static bool technical_role(const char *role)
{
    static const char *const roles[] = {
        "software engineer",         "backend engineer",  "frontend engineer",
        "full stack engineer",       "mobile engineer",   "devops engineer",
        "site reliability engineer", "data engineer",     "data scientist",
        "machine learning engineer", "security engineer", "qa engineer",
        "engineering manager",       "data analyst",      "clinical data analyst",
    };
    return role != NULL && ai_resume_in_list(role, strlen(role), roles, COUNT(roles));
}

/* Adds one recommendation (printf-style) unless the list is full. */
static void recommend(arena *a, strlist *l, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void recommend(arena *a, strlist *l, const char *fmt, ...)
{
    if (l->n >= l->max)
        return;
    va_list ap;
    va_start(ap, fmt);
    char *s = arena_vprintf(a, fmt, ap);
    va_end(ap);
    ai_resume_list_add(l, s);
}

/* "Senior Accountant at Kettle Moraine Brewing Co" or whichever half is known, without a
 * final full stop (the sentence that quotes it adds its own). */
static const char *entry_name(arena *a, const ai_experience *x)
{
    const char *s = x->job_title ? x->job_title : x->company ? x->company : "your latest role";
    if (x->job_title != NULL && x->company != NULL)
        s = arena_printf(a, "%s at %s", x->job_title, x->company);
    size_t n = s ? strlen(s) : 0;
    return n > 0 && s[n - 1] == '.' ? arena_memdup(a, s, n - 1) : s;
}

/* True when an education entry ended between the two months (index), so a gap in work
 * between them was time spent studying. */
static bool studied_between(const ai_analysis *out, int from, int to)
{
    for (size_t i = 0; i < out->neducation; i++) {
        int y = 0, m = 1;
        const char *d = out->education[i].end_date;
        if (d != NULL && sscanf(d, "%d-%d", &y, &m) >= 1 && y * 12 + m - 1 >= from - 12 &&
            y * 12 + m - 1 <= to)
            return true;
    }
    return false;
}

/* The longest gap, in months, between consecutive dated entries (sorted by start), with the
 * entries either side of it. */
static int longest_gap(const ai_analysis *out, size_t *before, size_t *after)
{
    int best = 0;
    for (size_t i = 0; i < out->nexperience; i++) {
        const ai_experience *x = &out->experience[i];
        if (x->start_date == NULL || x->end_date == NULL)
            continue;
        int xe = 0, xm = 1;
        if (sscanf(x->end_date, "%d-%d", &xe, &xm) < 1)
            continue;
        int end = xe * 12 + xm - 1;
        /* The entry that starts next after this one ends. */
        int next = 0;
        size_t nk = out->nexperience;
        bool overlapped = false;
        for (size_t k = 0; k < out->nexperience; k++) {
            const ai_experience *y = &out->experience[k];
            int ys = 0, ym = 1, ye = 0, yem = 1;
            if (k == i || y->start_date == NULL || sscanf(y->start_date, "%d-%d", &ys, &ym) < 1)
                continue;
            int start = ys * 12 + ym - 1;
            int yend = y->end_date && sscanf(y->end_date, "%d-%d", &ye, &yem) >= 1
                           ? ye * 12 + yem - 1
                           : 1 << 30;
            if (start <= end && yend > end)
                overlapped = true;
            if (start > end && (nk == out->nexperience || start < next)) {
                next = start;
                nk = k;
            }
        }
        if (!overlapped && nk < out->nexperience && next - end > best &&
            !studied_between(out, end, next)) {
            best = next - end;
            *before = i;
            *after = nk;
        }
    }
    return best;
}

/* "no" for zero, "only <n>" otherwise. */
static const char *count_text(arena *a, size_t n)
{
    return n == 0 ? "no" : arena_printf(a, "only %zu", n);
}

/* The first two skills of the Skills section (those a person chose to list), else the first
 * two found anywhere. */
static void listed_skills(const parser *p, const ai_analysis *out, const char *top[2])
{
    for (size_t i = 0; i < out->nskills && i < 2; i++)
        top[i] = out->skills[i].name;
    size_t len = 0;
    for (size_t i = 0; i < p->n; i++)
        len += p->lines[i].sec == SEC_SKILLS ? p->lines[i].len + 1 : 0;
    char *buf = len ? arena_alloc(p->a, len + 1) : NULL;
    if (buf == NULL)
        return;
    size_t o = 0;
    for (size_t i = 0; i < p->n; i++)
        if (p->lines[i].sec == SEC_SKILLS && p->lines[i].kind != LN_HEADING) {
            memcpy(buf + o, p->lines[i].body, strlen(p->lines[i].body));
            o += strlen(p->lines[i].body);
            buf[o++] = '\n';
        }
    buf[o] = '\0';
    size_t found[2], n = 0;
    if (ai_taxonomy_match(p->tax, buf, found, 2, &n) == IA_OK && n == 2) {
        top[0] = ai_taxonomy_get(p->tax, found[0])->name;
        top[1] = ai_taxonomy_get(p->tax, found[1])->name;
    }
}

/* Concrete advice from what the analysis lacks or what reads weak, most important first. */
int ai_resume_advice(parser *p, ai_analysis *out, bool has_skills_section)
{
    strlist r;
    if (ai_resume_list_init(p->a, &r, AI_RECOMMEND_MAX) != IA_OK)
        return IA_ERR_NOMEM;
    arena *a = p->a;
    /* What the resume has but the parser could not read is the parser's miss: the user is
     * asked to check that field of the analysis, never told to reformat the resume. */
    if (out->nexperience == 0 && p->has[SEC_EXPERIENCE])
        recommend(a, &r,
                  "Check your work experience in the analysis: your Experience section could "
                  "not be read into roles, so add them there if they are missing.");
    else if (out->nexperience == 0)
        recommend(a, &r,
                  "Add a work experience section with each role's title, company and dates, "
                  "followed by 2-4 bullet points (internships, freelance and volunteer roles "
                  "count).");
    if (out->name == NULL)
        recommend(a, &r, "Check your name in the analysis: it could not be read from the resume.");
    if (out->email == NULL && out->phone == NULL)
        recommend(a, &r,
                  "Add an email address and a phone number under your name; the resume "
                  "gives no way to contact you.");
    else if (out->email == NULL)
        recommend(a, &r, "Add an email address under your name next to your phone number.");
    if (out->summary == NULL) {
        const char *top[2] = { NULL, NULL };
        listed_skills(p, out, top);
        if (out->inferred_role != NULL && top[1] != NULL)
            recommend(a, &r,
                      "Add a 2-3 sentence summary at the top that names your target role (%s), "
                      "your years of experience and your strongest skills (e.g. %s and %s).",
                      out->inferred_role, top[0], top[1]);
        else
            recommend(a, &r,
                      "Add a 2-3 sentence summary at the top that names your target role, "
                      "your years of experience and your strongest skills.");
    }
    size_t bullets = 0, numeric = 0, bare = out->nexperience, undated = 0, year_only = 0;
    size_t weak = 0;
    const ai_experience *first_bare = NULL, *first_undated = NULL, *first_vague = NULL;
    for (size_t i = 0; i < out->nexperience; i++) {
        const ai_experience *x = &out->experience[i];
        size_t vague = 0;
        for (size_t k = 0; k < x->highlights.n; k++) {
            const char *h = x->highlights.v[k];
            bullets++;
            numeric += has_digit(h);
            vague += !has_digit(h);
            weak += strncasecmp(h, "responsible for", 15) == 0 ||
                    strncasecmp(h, "worked on", 9) == 0 || strncasecmp(h, "helped", 6) == 0 ||
                    strncasecmp(h, "duties included", 15) == 0;
        }
        if (vague > 0 && first_vague == NULL)
            first_vague = x;
        if (x->highlights.n > 0 || x->description != NULL)
            bare--;
        else if (first_bare == NULL)
            first_bare = x;
        if (x->start_date == NULL) {
            undated++;
            if (first_undated == NULL)
                first_undated = x;
        } else if (strlen(x->start_date) == 4) {
            year_only++;
        }
    }
    if (undated > 0)
        recommend(a, &r,
                  "Check the dates of %zu of your %zu roles in the analysis, starting with %s: "
                  "none could be read, which leaves them out of your years of experience. If "
                  "the resume gives none, add the month and year each role started and ended.",
                  undated, out->nexperience, entry_name(a, first_undated));
    if (bullets > 0 && numeric * 2 < bullets)
        recommend(a, &r,
                  "Quantify your results: only %zu of %zu bullet points contain a number. Add "
                  "the size of the outcome (percentages, revenue, time saved, volume, team "
                  "size), starting with %s.",
                  numeric, bullets, entry_name(a, first_vague));
    if (first_bare != NULL && bare == 1)
        recommend(a, &r,
                  "Describe what you achieved as %s with 2-4 bullet points; the role has "
                  "no description.",
                  entry_name(a, first_bare));
    else if (first_bare != NULL)
        recommend(a, &r,
                  "Describe what you achieved in each role with 2-4 bullet points, starting with "
                  "%s; %zu of your roles have no description.",
                  entry_name(a, first_bare), bare);
    if (weak > 0)
        recommend(a, &r,
                  "Start bullet points with an action verb and a result (\"Cut close time from "
                  "10 to 6 days\") instead of \"Responsible for\" or \"Worked on\" (%zu bullet "
                  "point%s).",
                  weak, weak == 1 ? "" : "s");
    if (year_only > 0)
        recommend(a, &r,
                  "Write dates as month and year (\"Mar 2021 - Present\") rather than years "
                  "alone for %zu of your roles, so the length of each role is clear.",
                  year_only);
    size_t gb = 0, ga = 0;
    int gap = longest_gap(out, &gb, &ga);
    if (gap >= 12)
        recommend(a, &r,
                  "Explain the %d-month gap between %s and %s in one line (study, caregiving, "
                  "freelance work) so readers do not have to guess.",
                  gap, entry_name(a, &out->experience[gb]), entry_name(a, &out->experience[ga]));
    if (out->nskills < 5) {
        if (!has_skills_section)
            recommend(a, &r,
                      "Add a Skills section listing the tools, methods and software you use by "
                      "name; %s recognised skill%s found in the text.",
                      count_text(a, out->nskills), out->nskills == 1 ? " was" : "s were");
        else
            recommend(a, &r,
                      "Check your skills in the analysis: %s recognised skill%s found in your "
                      "Skills section; add any that are missing, and name tools, software and "
                      "methods specifically.",
                      count_text(a, out->nskills), out->nskills == 1 ? " was" : "s were");
    }
    if (out->links.n == 0 && technical_role(out->inferred_role))
        recommend(a, &r,
                  "Add a link to your GitHub profile or portfolio; for a %s role, reviewers "
                  "look for work they can open.",
                  out->inferred_role);
    else if (out->links.n == 0 && out->inferred_role != NULL &&
             strcmp(out->inferred_role, "product designer") == 0)
        recommend(a, &r, "Add a link to your portfolio with two or three case studies.");
    else if (out->links.n == 0 && out->nexperience > 0)
        recommend(a, &r, "Add your LinkedIn profile URL to the contact line.");
    if (out->neducation == 0 && p->has[SEC_EDUCATION])
        recommend(a, &r,
                  "Check your education in the analysis: your Education section could not be "
                  "read, so add your degree and institution there if they are missing.");
    else if (out->neducation == 0)
        recommend(a, &r,
                  "Add an Education section (degree, institution, year), or your training and "
                  "certifications if you have no degree.");
    if (out->summary != NULL && ai_resume_words(out->summary, strlen(out->summary)) > 120)
        recommend(a, &r,
                  "Shorten your summary to 2-3 sentences (under 80 words); it runs to %zu "
                  "words.",
                  ai_resume_words(out->summary, strlen(out->summary)));
    out->recommendations = (ai_strs){ r.v, r.n };
    return IA_OK;
}

/* A list field's confidence: high when its own section was read into items, lower when items
 * came from elsewhere, low when the section is there but nothing was read from it, and low when
 * there is neither (the field may simply be unread). */
static double list_confidence(bool has_section, size_t items)
{
    if (has_section)
        return items > 0 ? 0.9 : 0.25;
    return items > 0 ? 0.6 : 0.3;
}

/* field_confidence (docs/api.md §5 "Analysis"), from how each field was found: a labelled
 * field or heading scores above a pattern match, a pattern above a guess, and an absent or
 * unread field low. */
void ai_resume_field_confidence(const parser *p, const ai_contact *c, ai_analysis *out)
{
    double *fc = out->field_confidence;
    fc[AI_FIELD_NAME] = out->name == NULL   ? 0.1
                        : c->name_labelled  ? 0.95
                        : c->name_line <= 1 ? 0.9
                                            : 0.75;
    fc[AI_FIELD_EMAIL] = out->email ? 0.98 : 0.2;
    fc[AI_FIELD_PHONE] = out->phone ? 0.9 : 0.2;
    static const double place[] = { 0.2, 0.55, 0.85, 0.8 };
    fc[AI_FIELD_LOCATION] =
        place[c->location_kind >= 0 && c->location_kind <= 3 ? c->location_kind : 0];
    fc[AI_FIELD_HEADLINE] = out->headline == NULL ? 0.2 : 0.7;
    fc[AI_FIELD_SKILLS] = out->nskills == 0 ? 0.1 : p->has[SEC_SKILLS] ? 0.9 : 0.65;
    size_t complete = 0, dated = 0, months = 0;
    for (size_t i = 0; i < out->nexperience; i++) {
        const ai_experience *x = &out->experience[i];
        dated += x->start_date != NULL;
        months += x->start_date != NULL && strlen(x->start_date) == 7;
        complete += x->start_date != NULL && x->job_title != NULL && x->company != NULL;
    }
    double share = out->nexperience ? (double)complete / (double)out->nexperience : 0;
    if (out->nexperience == 0)
        fc[AI_FIELD_EXPERIENCE] = p->has[SEC_EXPERIENCE] ? 0.1 : 0.25;
    else
        fc[AI_FIELD_EXPERIENCE] = (0.4 + 0.55 * share) * (p->has[SEC_EXPERIENCE] ? 1.0 : 0.8);
    size_t full = 0;
    for (size_t i = 0; i < out->neducation; i++)
        full += out->education[i].degree != NULL && out->education[i].institution != NULL;
    if (out->neducation == 0)
        fc[AI_FIELD_EDUCATION] = p->has[SEC_EDUCATION] ? 0.1 : 0.3;
    else
        fc[AI_FIELD_EDUCATION] = (0.5 + 0.4 * (double)full / (double)out->neducation) *
                                 (p->has[SEC_EDUCATION] ? 1.0 : 0.8);
    fc[AI_FIELD_CERTIFICATIONS] = list_confidence(p->has[SEC_CERTS], out->certifications.n);
    fc[AI_FIELD_LANGUAGES] = list_confidence(p->has[SEC_LANGUAGES], out->languages.n);
    if (!out->has_years)
        fc[AI_FIELD_YEARS] = 0.1;
    else
        fc[AI_FIELD_YEARS] = 0.45 + 0.3 * (double)dated / (double)out->nexperience +
                             0.2 * (double)months / (double)out->nexperience;
    fc[AI_FIELD_ROLE] = out->inferred_role ? p->role_conf : 0.1;
    fc[AI_FIELD_SENIORITY] = out->seniority ? p->seniority_conf : 0.1;
    for (int f = 0; f < AI_FIELD_COUNT; f++)
        fc[f] = rint(fc[f] * 100) / 100;
}

/* Share of the non-space bytes that are letters: garbled text scores low. */
static double letter_share(const char *text)
{
    size_t letters = 0, total = 0;
    for (const unsigned char *s = (const unsigned char *)text; *s; s++) {
        if (*s == ' ' || *s == '\n')
            continue;
        total++;
        letters += isalpha(*s) || *s >= 0xc3;
    }
    return total ? (double)letters / (double)total : 0.0;
}

/* The overall confidence: the mean of field_confidence weighted by how much each field
 * matters downstream (experience and skills most), a field that was not found counting as 0,
 * scaled down for text that is mostly not letters. Never 1: even a perfect reading is the
 * parser's reading. */
double ai_resume_confidence(const ai_analysis *out, const char *text)
{
    static const double weight[AI_FIELD_COUNT] = {
        [AI_FIELD_NAME] = 1.0,       [AI_FIELD_EMAIL] = 1.0,     [AI_FIELD_PHONE] = 0.5,
        [AI_FIELD_LOCATION] = 0.5,   [AI_FIELD_HEADLINE] = 0.25, [AI_FIELD_SKILLS] = 1.5,
        [AI_FIELD_EXPERIENCE] = 2.0, [AI_FIELD_EDUCATION] = 1.0, [AI_FIELD_CERTIFICATIONS] = 0.25,
        [AI_FIELD_LANGUAGES] = 0.25, [AI_FIELD_YEARS] = 1.0,     [AI_FIELD_ROLE] = 1.0,
        [AI_FIELD_SENIORITY] = 0.5,
    };
    const bool found[AI_FIELD_COUNT] = {
        [AI_FIELD_NAME] = out->name != NULL,
        [AI_FIELD_EMAIL] = out->email != NULL,
        [AI_FIELD_PHONE] = out->phone != NULL,
        [AI_FIELD_LOCATION] = out->location != NULL,
        [AI_FIELD_HEADLINE] = out->headline != NULL,
        [AI_FIELD_SKILLS] = out->nskills > 0,
        [AI_FIELD_EXPERIENCE] = out->nexperience > 0,
        [AI_FIELD_EDUCATION] = out->neducation > 0,
        [AI_FIELD_CERTIFICATIONS] = out->certifications.n > 0,
        [AI_FIELD_LANGUAGES] = out->languages.n > 0,
        [AI_FIELD_YEARS] = out->has_years,
        [AI_FIELD_ROLE] = out->inferred_role != NULL,
        [AI_FIELD_SENIORITY] = out->seniority != NULL,
    };
    double sum = 0, total = 0;
    for (int f = 0; f < AI_FIELD_COUNT; f++) {
        sum += found[f] ? weight[f] * out->field_confidence[f] : 0;
        total += weight[f];
    }
    double c = sum / total;
    double share = letter_share(text);
    if (share < 0.6)
        c *= share / 0.6;
    if (c > 0.99)
        c = 0.99;
    return rint(c * 100) / 100;
}
