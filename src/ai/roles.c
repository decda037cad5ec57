#include "ai/roles.h"

#include <ctype.h>
#include <stddef.h>
#include <string.h>
#include <strings.h>
#include "core/util.h"

enum {
    R_SWE,
    R_BACKEND,
    R_FRONTEND,
    R_FULLSTACK,
    R_MOBILE,
    R_DEVOPS,
    R_SRE,
    R_DATA_ENG,
    R_DATA_SCI,
    R_DATA_ANALYST,
    R_ML,
    R_SECURITY,
    R_QA,
    R_ENG_MANAGER,
    R_PRODUCT_MANAGER,
    R_DESIGNER,
    R_UX_RESEARCH,
    R_MARKETING,
    R_DIGITAL,
    R_SALES,
    R_ACCOUNT_EXEC,
    R_CSM,
    R_FIN_ANALYST,
    R_ACCOUNTANT,
    R_OPERATIONS,
    R_PROJECT_MANAGER,
    R_BUSINESS_ANALYST,
    R_NURSE,
    R_HEALTH_ADMIN,
    R_CLINICAL_DATA,
    R_TEACHER,
    R_COUNT
};

static const ai_role roles[R_COUNT] = {
    [R_SWE] = { "software engineer",
                AI_MIX_SOFTWARE,
                { "backend engineer", "full stack engineer", "frontend engineer", NULL } },
    [R_BACKEND] = { "backend engineer",
                    AI_MIX_SOFTWARE,
                    { "software engineer", "full stack engineer", "site reliability engineer",
                      "data engineer" } },
    [R_FRONTEND] = { "frontend engineer",
                     AI_MIX_SOFTWARE,
                     { "full stack engineer", "software engineer", "mobile engineer", NULL } },
    [R_FULLSTACK] = { "full stack engineer",
                      AI_MIX_SOFTWARE,
                      { "backend engineer", "frontend engineer", "software engineer", NULL } },
    [R_MOBILE] = { "mobile engineer",
                   AI_MIX_SOFTWARE,
                   { "frontend engineer", "software engineer", "full stack engineer", NULL } },
    [R_DEVOPS] = { "devops engineer",
                   AI_MIX_INFRA,
                   { "site reliability engineer", "backend engineer", "security engineer", NULL } },
    [R_SRE] = { "site reliability engineer",
                AI_MIX_INFRA,
                { "devops engineer", "backend engineer", "security engineer", NULL } },
    [R_DATA_ENG] = { "data engineer",
                     AI_MIX_DATA,
                     { "backend engineer", "data scientist", "data analyst", NULL } },
    [R_DATA_SCI] = { "data scientist",
                     AI_MIX_DATA,
                     { "machine learning engineer", "data analyst", "data engineer", NULL } },
    [R_DATA_ANALYST] = { "data analyst",
                         AI_MIX_DATA,
                         { "business analyst", "data scientist", "clinical data analyst", NULL } },
    [R_ML] = { "machine learning engineer",
               AI_MIX_DATA,
               { "data scientist", "data engineer", "backend engineer", NULL } },
    [R_SECURITY] = { "security engineer",
                     AI_MIX_INFRA,
                     { "devops engineer", "site reliability engineer", "backend engineer", NULL } },
    [R_QA] = { "qa engineer",
               AI_MIX_SOFTWARE,
               { "software engineer", "frontend engineer", "backend engineer", NULL } },
    [R_ENG_MANAGER] = { "engineering manager",
                        AI_MIX_MANAGER,
                        { "project manager", "software engineer", "product manager", NULL } },
    [R_PRODUCT_MANAGER] = { "product manager",
                            AI_MIX_DOMAIN,
                            { "product designer", "business analyst", "project manager", NULL } },
    [R_DESIGNER] = { "product designer",
                     AI_MIX_DOMAIN,
                     { "ux researcher", "product manager", NULL, NULL } },
    [R_UX_RESEARCH] = { "ux researcher",
                        AI_MIX_DOMAIN,
                        { "product designer", "product manager", NULL, NULL } },
    [R_MARKETING] = { "marketing manager",
                      AI_MIX_DOMAIN,
                      { "digital marketer", "product manager", NULL, NULL } },
    [R_DIGITAL] = { "digital marketer",
                    AI_MIX_DOMAIN,
                    { "marketing manager", "data analyst", NULL, NULL } },
    [R_SALES] = { "sales representative",
                  AI_MIX_DOMAIN,
                  { "account executive", "customer success manager", NULL, NULL } },
    [R_ACCOUNT_EXEC] = { "account executive",
                         AI_MIX_DOMAIN,
                         { "sales representative", "customer success manager", NULL, NULL } },
    [R_CSM] = { "customer success manager",
                AI_MIX_DOMAIN,
                { "account executive", "sales representative", NULL, NULL } },
    [R_FIN_ANALYST] = { "financial analyst",
                        AI_MIX_DOMAIN,
                        { "accountant", "business analyst", "data analyst", NULL } },
    [R_ACCOUNTANT] = { "accountant", AI_MIX_DOMAIN, { "financial analyst", NULL, NULL, NULL } },
    [R_OPERATIONS] = { "operations manager",
                       AI_MIX_DOMAIN,
                       { "project manager", "business analyst", NULL, NULL } },
    [R_PROJECT_MANAGER] = { "project manager",
                            AI_MIX_DOMAIN,
                            { "operations manager", "product manager", "engineering manager",
                              NULL } },
    [R_BUSINESS_ANALYST] = { "business analyst",
                             AI_MIX_DOMAIN,
                             { "data analyst", "product manager", "project manager", NULL } },
    [R_NURSE] = { "nurse", AI_MIX_DOMAIN, { "healthcare administrator", NULL, NULL, NULL } },
    [R_HEALTH_ADMIN] = { "healthcare administrator",
                         AI_MIX_DOMAIN,
                         { "nurse", "operations manager", "clinical data analyst", NULL } },
    [R_CLINICAL_DATA] = { "clinical data analyst",
                          AI_MIX_DOMAIN,
                          { "data analyst", "healthcare administrator", NULL, NULL } },
    /* The bank tags no question with it: a teacher is interviewed like a candidate of no known
     * role (behavioral, general, project), and is told a teacher's model answers. */
    [R_TEACHER] = { "teacher", AI_MIX_GENERAL, { NULL, NULL, NULL, NULL } },
};

/* Phrases (lower case, words separated by one space, as ai_role_normalise writes them) that name a
 * role. A weak phrase is a generic word that names a role only when nothing specific does. */
typedef struct {
    const char *phrase;
    unsigned char role;
    bool weak;
} role_phrase;

static const role_phrase phrases[] = {
    { "clinical data", R_CLINICAL_DATA, false },
    { "clinical analyst", R_CLINICAL_DATA, false },
    { "healthcare data", R_CLINICAL_DATA, false },
    { "health data", R_CLINICAL_DATA, false },
    { "healthcare administrator", R_HEALTH_ADMIN, false },
    { "healthcare administration", R_HEALTH_ADMIN, false },
    { "hospital administrator", R_HEALTH_ADMIN, false },
    { "health services manager", R_HEALTH_ADMIN, false },
    { "practice manager", R_HEALTH_ADMIN, false },
    { "medical office", R_HEALTH_ADMIN, false },
    { "nurse", R_NURSE, false },
    { "nurses", R_NURSE, false },
    { "nursing", R_NURSE, false },
    { "rn", R_NURSE, false },
    { "lpn", R_NURSE, false },
    { "site reliability", R_SRE, false },
    { "sre", R_SRE, false },
    { "devops", R_DEVOPS, false },
    { "dev ops", R_DEVOPS, false },
    { "platform engineer", R_DEVOPS, false },
    { "infrastructure engineer", R_DEVOPS, false },
    { "cloud engineer", R_DEVOPS, false },
    { "release engineer", R_DEVOPS, false },
    { "security engineer", R_SECURITY, false },
    { "security analyst", R_SECURITY, false },
    { "cybersecurity", R_SECURITY, false },
    { "cyber security", R_SECURITY, false },
    { "appsec", R_SECURITY, false },
    { "infosec", R_SECURITY, false },
    { "penetration tester", R_SECURITY, false },
    { "machine learning", R_ML, false },
    { "ml engineer", R_ML, false },
    { "mlops", R_ML, false },
    { "ai engineer", R_ML, false },
    { "deep learning", R_ML, false },
    { "data scientist", R_DATA_SCI, false },
    { "data science", R_DATA_SCI, false },
    { "applied scientist", R_DATA_SCI, false },
    { "data engineer", R_DATA_ENG, false },
    { "data engineering", R_DATA_ENG, false },
    { "etl developer", R_DATA_ENG, false },
    { "analytics engineer", R_DATA_ENG, false },
    { "data analyst", R_DATA_ANALYST, false },
    { "data analytics", R_DATA_ANALYST, false },
    { "bi analyst", R_DATA_ANALYST, false },
    { "bi developer", R_DATA_ANALYST, false },
    { "business intelligence", R_DATA_ANALYST, false },
    { "reporting analyst", R_DATA_ANALYST, false },
    { "engineering manager", R_ENG_MANAGER, false },
    { "head of engineering", R_ENG_MANAGER, false },
    { "director of engineering", R_ENG_MANAGER, false },
    { "vp of engineering", R_ENG_MANAGER, false },
    { "vp engineering", R_ENG_MANAGER, false },
    { "software development manager", R_ENG_MANAGER, false },
    { "cto", R_ENG_MANAGER, false },
    { "qa", R_QA, false },
    { "quality assurance", R_QA, false },
    { "test engineer", R_QA, false },
    { "test automation", R_QA, false },
    { "sdet", R_QA, false },
    { "software tester", R_QA, false },
    { "mobile", R_MOBILE, false },
    { "ios", R_MOBILE, false },
    { "android", R_MOBILE, false },
    { "react native", R_MOBILE, false },
    { "flutter", R_MOBILE, false },
    { "full stack", R_FULLSTACK, false },
    { "fullstack", R_FULLSTACK, false },
    { "frontend", R_FRONTEND, false },
    { "front end", R_FRONTEND, false },
    { "ui engineer", R_FRONTEND, false },
    { "ui developer", R_FRONTEND, false },
    { "web developer", R_FRONTEND, false },
    { "backend", R_BACKEND, false },
    { "back end", R_BACKEND, false },
    { "server side", R_BACKEND, false },
    { "api developer", R_BACKEND, false },
    { "ux researcher", R_UX_RESEARCH, false },
    { "ux research", R_UX_RESEARCH, false },
    { "user researcher", R_UX_RESEARCH, false },
    { "user research", R_UX_RESEARCH, false },
    { "design researcher", R_UX_RESEARCH, false },
    { "product designer", R_DESIGNER, false },
    { "product design", R_DESIGNER, false },
    { "ux designer", R_DESIGNER, false },
    { "ui designer", R_DESIGNER, false },
    { "ux ui", R_DESIGNER, false },
    { "ui ux", R_DESIGNER, false },
    { "interaction designer", R_DESIGNER, false },
    { "visual designer", R_DESIGNER, false },
    { "product manager", R_PRODUCT_MANAGER, false },
    { "product owner", R_PRODUCT_MANAGER, false },
    { "product management", R_PRODUCT_MANAGER, false },
    { "head of product", R_PRODUCT_MANAGER, false },
    { "project manager", R_PROJECT_MANAGER, false },
    { "project management", R_PROJECT_MANAGER, false },
    { "program manager", R_PROJECT_MANAGER, false },
    { "scrum master", R_PROJECT_MANAGER, false },
    { "delivery manager", R_PROJECT_MANAGER, false },
    { "project coordinator", R_PROJECT_MANAGER, false },
    { "business analyst", R_BUSINESS_ANALYST, false },
    { "business analysis", R_BUSINESS_ANALYST, false },
    { "systems analyst", R_BUSINESS_ANALYST, false },
    { "digital marketer", R_DIGITAL, false },
    { "digital marketing", R_DIGITAL, false },
    { "growth marketer", R_DIGITAL, false },
    { "growth marketing", R_DIGITAL, false },
    { "performance marketing", R_DIGITAL, false },
    { "content marketer", R_DIGITAL, false },
    { "content marketing", R_DIGITAL, false },
    { "social media", R_DIGITAL, false },
    { "seo", R_DIGITAL, false },
    { "ppc", R_DIGITAL, false },
    { "marketing manager", R_MARKETING, false },
    { "brand manager", R_MARKETING, false },
    { "head of marketing", R_MARKETING, false },
    { "customer success", R_CSM, false },
    { "client success", R_CSM, false },
    { "account manager", R_CSM, false },
    { "account executive", R_ACCOUNT_EXEC, false },
    { "enterprise sales", R_ACCOUNT_EXEC, false },
    { "sales representative", R_SALES, false },
    { "sales rep", R_SALES, false },
    { "sales development", R_SALES, false },
    { "inside sales", R_SALES, false },
    { "business development", R_SALES, false },
    { "sdr", R_SALES, false },
    { "bdr", R_SALES, false },
    { "financial analyst", R_FIN_ANALYST, false },
    { "finance analyst", R_FIN_ANALYST, false },
    { "fp a", R_FIN_ANALYST, false },
    { "fpa", R_FIN_ANALYST, false },
    { "investment analyst", R_FIN_ANALYST, false },
    { "credit analyst", R_FIN_ANALYST, false },
    { "financial planning", R_FIN_ANALYST, false },
    { "accountant", R_ACCOUNTANT, false },
    { "accounting", R_ACCOUNTANT, false },
    { "bookkeeper", R_ACCOUNTANT, false },
    { "bookkeeping", R_ACCOUNTANT, false },
    { "cpa", R_ACCOUNTANT, false },
    { "auditor", R_ACCOUNTANT, false },
    { "payroll", R_ACCOUNTANT, false },
    { "operations manager", R_OPERATIONS, false },
    { "supply chain", R_OPERATIONS, false },
    { "logistics", R_OPERATIONS, false },
    { "procurement", R_OPERATIONS, false },
    { "plant manager", R_OPERATIONS, false },
    { "teacher", R_TEACHER, false },
    { "teachers", R_TEACHER, false },
    { "teaching assistant", R_TEACHER, false },
    { "lecturer", R_TEACHER, false },
    { "tutor", R_TEACHER, false },
    { "educator", R_TEACHER, false },
    { "headteacher", R_TEACHER, false },
    { "software engineer", R_SWE, false },
    { "software developer", R_SWE, false },
    { "software engineering", R_SWE, false },
    { "programmer", R_SWE, false },
    { "swe", R_SWE, false },
    { "sde", R_SWE, false },
    /* Generic words: a role only when nothing above occurs. */
    { "engineer", R_SWE, true },
    { "developer", R_SWE, true },
    { "software", R_SWE, true },
    { "coder", R_SWE, true },
    { "security", R_SECURITY, true },
    { "designer", R_DESIGNER, true },
    { "marketing", R_MARKETING, true },
    { "marketer", R_MARKETING, true },
    { "sales", R_SALES, true },
    { "finance", R_FIN_ANALYST, true },
    { "financial", R_FIN_ANALYST, true },
    { "audit", R_ACCOUNTANT, true },
    { "tax", R_ACCOUNTANT, true },
    { "operations", R_OPERATIONS, true },
    { "analytics", R_DATA_ANALYST, true },
    { "healthcare", R_HEALTH_ADMIN, true },
    { "hospital", R_HEALTH_ADMIN, true },
    { "clinic", R_HEALTH_ADMIN, true },
    { "medical", R_HEALTH_ADMIN, true },
};

void ai_role_normalise(const char *text, char *out, size_t cap)
{
    size_t o = 0;
    out[o++] = ' ';
    for (size_t i = 0; i < AI_ROLE_SCAN_MAX && text[i] != '\0' && o + 2 < cap; i++) {
        unsigned char c = (unsigned char)text[i];
        if (isalnum(c) || c == '+' || c == '#')
            out[o++] = (char)tolower(c);
        else if (out[o - 1] != ' ')
            out[o++] = ' ';
    }
    if (out[o - 1] != ' ')
        out[o++] = ' ';
    out[o] = '\0';
}

bool ai_has_word(const char *text, const char *w, bool whole)
{
    size_t len = strlen(w);
    if (text == NULL || len == 0)
        return false;
    for (const char *p = text; *p; p++) {
        if (p != text && isalnum((unsigned char)p[-1]))
            continue;
        if (strncasecmp(p, w, len) != 0)
            continue;
        if (!whole || !isalnum((unsigned char)p[len]) || !isalnum((unsigned char)w[len - 1]))
            return true;
    }
    return false;
}

/* Offset of " phrase " in norm, or -1. */
static long phrase_at(const char *norm, const char *phrase)
{
    size_t len = strlen(phrase);
    for (const char *p = strstr(norm + 1, phrase); p != NULL; p = strstr(p + 1, phrase))
        if (p[-1] == ' ' && p[len] == ' ')
            return (long)(p - norm);
    return -1;
}

const ai_role *ai_role_find(const char *text)
{
    if (text == NULL)
        return NULL;
    char norm[AI_ROLE_SCAN_MAX + 3];
    ai_role_normalise(text, norm, sizeof(norm));
    for (size_t r = 0; r < R_COUNT; r++) {
        size_t len = strlen(roles[r].name);
        if (strncmp(norm + 1, roles[r].name, len) == 0 && strcmp(norm + 1 + len, " ") == 0)
            return &roles[r];
    }
    /* Pass 0 looks for specific phrases, pass 1 for generic words. */
    for (int pass = 0; pass < 2; pass++) {
        long best_at = -1;
        size_t best_len = 0;
        const ai_role *best = NULL;
        for (size_t i = 0; i < COUNT(phrases); i++) {
            if (phrases[i].weak != (pass == 1))
                continue;
            long at = phrase_at(norm, phrases[i].phrase);
            size_t len = strlen(phrases[i].phrase);
            if (at >= 0 && (best == NULL || at < best_at || (at == best_at && len > best_len))) {
                best = &roles[phrases[i].role];
                best_at = at;
                best_len = len;
            }
        }
        if (best != NULL)
            return best;
    }
    return NULL;
}

bool ai_role_is_related(const ai_role *r, const char *name)
{
    if (r == NULL || name == NULL)
        return false;
    if (strcmp(r->name, name) == 0)
        return true;
    for (size_t i = 0; i < AI_ROLE_RELATED_MAX && r->related[i] != NULL; i++)
        if (strcmp(r->related[i], name) == 0)
            return true;
    return false;
}

size_t ai_role_count(void)
{
    return R_COUNT;
}

const ai_role *ai_role_at(size_t i)
{
    return i < R_COUNT ? &roles[i] : NULL;
}
