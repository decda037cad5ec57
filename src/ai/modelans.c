#include "ai/modelans.h"

#include <ctype.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/embed.h"
#include "core/errors.h"
#include "core/strbuf.h"
#include "core/util.h"

extern const embedded_file engine_files[];
extern const size_t engine_files_count;

#define SLOT_MAX 80 /* bytes of a resume value put into an answer */

static const char *const family_ids[AI_FAMILY_COUNT] = {
    [AI_FAMILY_NEUTRAL] = "neutral",       [AI_FAMILY_SOFTWARE] = "software",
    [AI_FAMILY_PRODUCT] = "product",       [AI_FAMILY_HEALTHCARE] = "healthcare",
    [AI_FAMILY_FINANCE] = "finance",       [AI_FAMILY_SALES] = "sales",
    [AI_FAMILY_OPERATIONS] = "operations", [AI_FAMILY_EDUCATION] = "education",
};

/* The family of every role of the vocabulary (src/ai/roles.c). Data roles share the software
 * family: their stories are about code, data and the systems around them. */
static const struct {
    const char *role;
    ai_family family;
} role_families[] = {
    { "software engineer", AI_FAMILY_SOFTWARE },
    { "backend engineer", AI_FAMILY_SOFTWARE },
    { "frontend engineer", AI_FAMILY_SOFTWARE },
    { "full stack engineer", AI_FAMILY_SOFTWARE },
    { "mobile engineer", AI_FAMILY_SOFTWARE },
    { "devops engineer", AI_FAMILY_SOFTWARE },
    { "site reliability engineer", AI_FAMILY_SOFTWARE },
    { "data engineer", AI_FAMILY_SOFTWARE },
    { "data scientist", AI_FAMILY_SOFTWARE },
    { "data analyst", AI_FAMILY_SOFTWARE },
    { "machine learning engineer", AI_FAMILY_SOFTWARE },
    { "security engineer", AI_FAMILY_SOFTWARE },
    { "qa engineer", AI_FAMILY_SOFTWARE },
    { "engineering manager", AI_FAMILY_SOFTWARE },
    { "clinical data analyst", AI_FAMILY_SOFTWARE },
    { "product manager", AI_FAMILY_PRODUCT },
    { "product designer", AI_FAMILY_PRODUCT },
    { "ux researcher", AI_FAMILY_PRODUCT },
    { "marketing manager", AI_FAMILY_SALES },
    { "digital marketer", AI_FAMILY_SALES },
    { "sales representative", AI_FAMILY_SALES },
    { "account executive", AI_FAMILY_SALES },
    { "customer success manager", AI_FAMILY_SALES },
    { "financial analyst", AI_FAMILY_FINANCE },
    { "accountant", AI_FAMILY_FINANCE },
    { "operations manager", AI_FAMILY_OPERATIONS },
    { "project manager", AI_FAMILY_OPERATIONS },
    { "business analyst", AI_FAMILY_OPERATIONS },
    { "nurse", AI_FAMILY_HEALTHCARE },
    { "healthcare administrator", AI_FAMILY_HEALTHCARE },
    { "teacher", AI_FAMILY_EDUCATION },
};

/* What a placeholder becomes when the resume cannot fill it: a skill that every member of the
 * family has; the job title and the company have one default each (below). */
static const char *const default_skill[AI_FAMILY_COUNT] = {
    [AI_FAMILY_NEUTRAL] = "project planning",       [AI_FAMILY_SOFTWARE] = "automated testing",
    [AI_FAMILY_PRODUCT] = "user research",          [AI_FAMILY_HEALTHCARE] = "patient assessment",
    [AI_FAMILY_FINANCE] = "financial modelling",    [AI_FAMILY_SALES] = "consultative selling",
    [AI_FAMILY_OPERATIONS] = "process improvement", [AI_FAMILY_EDUCATION] = "lesson planning",
};
static const char *const default_title[AI_FAMILY_COUNT] = {
    [AI_FAMILY_NEUTRAL] = "member of the team",    [AI_FAMILY_SOFTWARE] = "software engineer",
    [AI_FAMILY_PRODUCT] = "product manager",       [AI_FAMILY_HEALTHCARE] = "registered nurse",
    [AI_FAMILY_FINANCE] = "senior accountant",     [AI_FAMILY_SALES] = "account executive",
    [AI_FAMILY_OPERATIONS] = "operations manager", [AI_FAMILY_EDUCATION] = "classroom teacher",
};
#define DEFAULT_COMPANY "my current employer"

static const char *const slot_names[] = { "{job_title}", "{company}", "{skill}" };
enum { SLOT_TITLE, SLOT_COMPANY, SLOT_SKILL, SLOT_N };

struct ai_modelans {
    const ai_bank *bank;
    json_t *docs[AI_FAMILY_COUNT];      /* own the texts */
    const char **text[AI_FAMILY_COUNT]; /* by bank question index; NULL = none */
};

const char *ai_family_id(ai_family f)
{
    return f >= 0 && f < AI_FAMILY_COUNT ? family_ids[f] : family_ids[AI_FAMILY_NEUTRAL];
}

ai_family ai_family_of_role(const ai_role *r)
{
    for (size_t i = 0; r != NULL && i < COUNT(role_families); i++)
        if (strcmp(role_families[i].role, r->name) == 0)
            return role_families[i].family;
    return AI_FAMILY_NEUTRAL;
}

static bool blank(const char *s)
{
    while (s != NULL && isspace((unsigned char)*s))
        s++;
    return s == NULL || *s == '\0';
}

/* The resume's most recent experience entry with a job title, or NULL. */
static const ai_experience *latest_job(const ai_analysis *r)
{
    for (size_t i = 0; r != NULL && i < r->nexperience; i++)
        if (!blank(r->experience[i].job_title))
            return &r->experience[i];
    return NULL;
}

ai_family ai_family_for(const char *target_role, const ai_analysis *resume)
{
    /* A target role the vocabulary does not know is still the candidate's choice: the answer
     * is then neutral, not the story of the resume's other profession. */
    if (!blank(target_role))
        return ai_family_of_role(ai_role_find(target_role));
    if (resume == NULL)
        return AI_FAMILY_NEUTRAL;
    const ai_role *r = ai_role_find(resume->inferred_role);
    const ai_experience *x = latest_job(resume);
    if (r == NULL && x != NULL)
        r = ai_role_find(x->job_title);
    return ai_family_of_role(r);
}

int ai_modelans_create(const ai_bank *bank, ai_modelans **out)
{
    if (bank == NULL || out == NULL)
        return IA_ERR_INVALID;
    ai_modelans *m = calloc(1, sizeof(*m));
    if (m == NULL)
        return IA_ERR_NOMEM;
    m->bank = bank;
    *out = m;
    return IA_OK;
}

void ai_modelans_free(ai_modelans *m)
{
    if (m == NULL)
        return;
    for (int f = 0; f < AI_FAMILY_COUNT; f++) {
        free((void *)m->text[f]);
        json_decref(m->docs[f]);
    }
    free(m);
}

/* The index of a bank question (not a project template) with this id, or -1. */
static long question_index(const ai_bank *b, const char *id)
{
    const ai_bank_item *it = ai_bank_find(b, id);
    size_t n = ai_bank_count(b);
    if (it == NULL || n == 0)
        return -1;
    const ai_bank_item *first = ai_bank_get(b, 0);
    if (it < first || it >= first + n)
        return -1;
    return (long)(it - first);
}

/* True when every '{' and '}' of s belongs to a known placeholder. */
static bool placeholders_ok(const char *s)
{
    for (const char *p = s; *p; p++) {
        if (*p == '}')
            return false;
        if (*p != '{')
            continue;
        size_t i = 0;
        while (i < SLOT_N && strncmp(p, slot_names[i], strlen(slot_names[i])) != 0)
            i++;
        if (i == SLOT_N)
            return false;
        p += strlen(slot_names[i]) - 1;
    }
    return true;
}

int ai_modelans_add(ai_modelans *m, ai_family f, const char *json, size_t len, char *err,
                    size_t errlen)
{
    if (m == NULL || f < 0 || f >= AI_FAMILY_COUNT || json == NULL)
        return IA_ERR_INVALID;
    const char *want = family_ids[f];
    if (m->docs[f] != NULL) {
        snprintf(err, errlen, "model answers %s: loaded twice", want);
        return IA_ERR_INVALID;
    }
    json_error_t jerr;
    json_t *doc = json_loadb(json, len, 0, &jerr);
    json_t *answers = json_object_get(doc, "answers");
    const char *family = json_string_value(json_object_get(doc, "family"));
    if (doc == NULL || json_integer_value(json_object_get(doc, "version")) != 1 || family == NULL ||
        strcmp(family, want) != 0 || !json_is_object(answers)) {
        snprintf(err, errlen, "model answers %s: %s", want,
                 doc == NULL ? jerr.text
                             : "needs \"version\": 1, \"family\" naming this family and an "
                               "\"answers\" object");
        json_decref(doc);
        return IA_ERR_INVALID;
    }
    const char **text = calloc(ai_bank_count(m->bank) + 1, sizeof(char *));
    if (text == NULL) {
        json_decref(doc);
        return IA_ERR_NOMEM;
    }
    const char *id;
    json_t *v;
    json_object_foreach(answers, id, v)
    {
        long at = question_index(m->bank, id);
        const char *s = json_string_value(v);
        const char *why = at < 0     ? "is not a bank question"
                          : blank(s) ? "has an empty answer"
                          : !placeholders_ok(s)
                              ? "has a placeholder other than {job_title}, {company}, {skill}"
                              : NULL;
        if (why != NULL) {
            snprintf(err, errlen, "model answers %s: %s %s", want, id, why);
            free((void *)text);
            json_decref(doc);
            return IA_ERR_INVALID;
        }
        text[at] = s;
    }
    m->docs[f] = doc;
    m->text[f] = text;
    return IA_OK;
}

int ai_modelans_builtin(const ai_bank *bank, ai_modelans **out, char *err, size_t errlen)
{
    ai_modelans *m = NULL;
    int rc = ai_modelans_create(bank, &m);
    for (int f = 0; rc == IA_OK && f < AI_FAMILY_COUNT; f++) {
        char path[64];
        snprintf(path, sizeof(path), "data/model_answers/%s.json", family_ids[f]);
        for (size_t i = 0; rc == IA_OK && i < engine_files_count; i++)
            if (strcmp(engine_files[i].path, path) == 0)
                rc = ai_modelans_add(m, (ai_family)f, engine_files[i].data, engine_files[i].len,
                                     err, errlen);
    }
    if (rc == IA_OK && m->docs[AI_FAMILY_NEUTRAL] == NULL) {
        snprintf(err, errlen, "the binary carries no data/model_answers/neutral.json");
        rc = IA_NOT_FOUND;
    }
    if (rc != IA_OK) {
        ai_modelans_free(m);
        return rc;
    }
    *out = m;
    return IA_OK;
}

const char *ai_modelans_get(const ai_modelans *m, ai_family f, const char *bank_id)
{
    if (m == NULL || f < 0 || f >= AI_FAMILY_COUNT || m->text[f] == NULL || bank_id == NULL)
        return NULL;
    long at = question_index(m->bank, bank_id);
    return at < 0 ? NULL : m->text[f][at];
}

/* A resume value fit to stand in an answer: trimmed, on one line, without braces, at most
 * SLOT_MAX bytes; NULL when there is none. */
static const char *slot_value(arena *a, const char *s)
{
    if (blank(s))
        return NULL;
    while (isspace((unsigned char)*s))
        s++;
    size_t n = strnlen(s, SLOT_MAX + 1);
    if (n > SLOT_MAX || strpbrk(s, "{}\n\r\t") != NULL)
        return NULL;
    while (n > 0 && isspace((unsigned char)s[n - 1]))
        n--;
    return arena_memdup(a, s, n);
}

/* The resume's first skill that is not a soft skill ("Epic", "Python"), or NULL. */
static const char *hard_skill(const ai_analysis *r)
{
    for (size_t i = 0; r != NULL && i < r->nskills; i++)
        if (!blank(r->skills[i].name) &&
            (r->skills[i].category == NULL || strcmp(r->skills[i].category, "soft") != 0))
            return r->skills[i].name;
    return NULL;
}

/* True when the output so far ends a sentence (or is empty), so a default starts capitalised. */
static bool sentence_start(const strbuf *sb)
{
    const char *s = strbuf_str(sb);
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '"'))
        n--;
    return n == 0 || s[n - 1] == '.' || s[n - 1] == '!' || s[n - 1] == '?' || s[n - 1] == '\n';
}

/* "an" before a vowel letter, else "a" (job titles rarely start with a silent letter). */
static const char *article_for(const char *v)
{
    return strchr("AEIOUaeiou", v[0]) != NULL && v[0] != '\0' ? "an" : "a";
}

/* Makes the article before a job title agree with it: an "a" or "an" the answer already has
 * is corrected ("a {job_title}" with "Account Executive"), and a default title, which has
 * none of its own, gets one ("as {job_title}" reads "as a registered nurse"). */
static void put_article(strbuf *sb, const char *v, bool is_default)
{
    const char *s = strbuf_str(sb);
    size_t n = strlen(s), w = n;
    if (n > 0 && s[n - 1] == ' ') {
        w = n - 1;
        while (w > 0 && isalpha((unsigned char)s[w - 1]))
            w--;
        size_t wl = n - 1 - w;
        bool is_article =
            (wl == 1 && (s[w] == 'a' || s[w] == 'A')) ||
            (wl == 2 && (s[w] == 'a' || s[w] == 'A') && (s[w + 1] == 'n' || s[w + 1] == 'N'));
        if (is_article && (w == 0 || !isalpha((unsigned char)s[w - 1]))) {
            bool cap = s[w] == 'A';
            sb->len = w; /* drop it and write the right one */
            sb->buf[w] = '\0';
            const char *art = article_for(v);
            strbuf_putc(sb, cap ? (char)toupper((unsigned char)art[0]) : art[0]);
            strbuf_puts(sb, art + 1);
            strbuf_putc(sb, ' ');
            return;
        }
    }
    if (is_default) {
        const char *art = article_for(v);
        bool cap = sentence_start(sb);
        strbuf_putc(sb, cap ? (char)toupper((unsigned char)art[0]) : art[0]);
        strbuf_puts(sb, art + 1);
        strbuf_putc(sb, ' ');
    }
}

/* Fills text, an answer of family f, for a candidate of family who. The resume's facts stand
 * in only when its latest job is of the candidate's family (any job for a candidate of no
 * known family): a nurse applying for an analyst post is not told an analyst's story under her
 * nursing title, nor her ward's under an analyst's. Defaults are those of f. */
static int fill_for(arena *a, ai_family who, ai_family f, const char *text,
                    const ai_analysis *resume, const char **out)
{
    *out = NULL;
    if (f < 0 || f >= AI_FAMILY_COUNT || text == NULL)
        return IA_ERR_INVALID;
    const char *values[SLOT_N] = { NULL, NULL, NULL };
    const ai_experience *x = latest_job(resume);
    if (x != NULL &&
        (who == AI_FAMILY_NEUTRAL || ai_family_of_role(ai_role_find(x->job_title)) == who)) {
        values[SLOT_TITLE] = slot_value(a, x->job_title);
        values[SLOT_COMPANY] = slot_value(a, x->company);
        values[SLOT_SKILL] = slot_value(a, hard_skill(resume));
    }
    const char *defaults[SLOT_N] = { default_title[f], DEFAULT_COMPANY, default_skill[f] };
    strbuf sb;
    strbuf_init(&sb, a, AI_TEXT_MAX);
    while (*text) {
        const char *open = strchr(text, '{');
        if (open == NULL) {
            strbuf_puts(&sb, text);
            break;
        }
        strbuf_append(&sb, text, (size_t)(open - text));
        text = open;
        size_t i = 0;
        while (i < SLOT_N && strncmp(text, slot_names[i], strlen(slot_names[i])) != 0)
            i++;
        if (i == SLOT_N) {
            strbuf_putc(&sb, *text++); /* not a placeholder: kept as written */
            continue;
        }
        text += strlen(slot_names[i]);
        const char *v = values[i] != NULL ? values[i] : defaults[i];
        if (i == SLOT_TITLE)
            put_article(&sb, v, values[i] == NULL);
        bool cap = values[i] == NULL && sentence_start(&sb);
        strbuf_putc(&sb, cap ? (char)toupper((unsigned char)v[0]) : v[0]);
        strbuf_puts(&sb, v + 1);
    }
    int rc = strbuf_error(&sb);
    if (rc != IA_OK)
        return rc;
    *out = strbuf_str(&sb);
    return IA_OK;
}

int ai_modelans_fill(arena *a, ai_family f, const char *text, const ai_analysis *resume,
                     const char **out)
{
    return fill_for(a, f, f, text, resume, out);
}

int ai_modelans_pick(const ai_modelans *m, arena *a, const ai_question *q, const char *target_role,
                     const ai_analysis *resume, const char **out)
{
    *out = NULL;
    ai_family who = ai_family_for(target_role, resume), f = who;
    const char *text = ai_modelans_get(m, f, q->bank_id);
    if (text == NULL) {
        f = AI_FAMILY_NEUTRAL;
        text = ai_modelans_get(m, f, q->bank_id);
    }
    if (text == NULL) {
        *out = q->model_answer != NULL ? arena_strdup(a, q->model_answer) : NULL;
        return *out != NULL || q->model_answer == NULL ? IA_OK : IA_ERR_NOMEM;
    }
    return fill_for(a, who, f, text, resume, out);
}
