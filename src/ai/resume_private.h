/* What the offline resume parser's files share (src/ai/resume.c, advice.c; docs/design.md
 * "AI"): the parser's state over the lines of a resume, and the few helpers more than one of
 * them uses. Not an interface for the rest of the engine: that is ai_offline_parse. */
#ifndef IA_AI_RESUME_PRIVATE_H
#define IA_AI_RESUME_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>

#include "ai/contact.h"
#include "ai/dates.h"
#include "ai/offline.h"
#include "core/arena.h"

typedef enum {
    SEC_HEADER, /* before the first heading: name, contact, headline */
    SEC_SUMMARY,
    SEC_EXPERIENCE,
    SEC_EDUCATION,
    SEC_SKILLS,
    SEC_CERTS,
    SEC_LANGUAGES,
    SEC_PROJECTS,
    SEC_CONTACT,
    SEC_AWARDS,
    SEC_VOLUNTEER,
    SEC_PUBLICATIONS,
    SEC_OTHER,
    SEC_COUNT
} section;

typedef enum { LN_BLANK, LN_TEXT, LN_BULLET, LN_HEADING } line_kind;

typedef struct {
    char *text; /* the line, trimmed */
    size_t len;
    const char *body; /* text after a bullet mark or an inline "Skills:" label */
    line_kind kind;
    section sec; /* the section the line belongs to */
    bool used;   /* taken as part of an experience entry's header */
} rline;

typedef struct {
    arena *a;
    const ai_taxonomy *tax;
    int now;
    const char *lang;                 /* the resume's language (ai/lang.h): "en", "de", ... */
    double role_conf, seniority_conf; /* how inferred_role and seniority were found */
    rline *lines;
    size_t n;
    bool has[SEC_COUNT];
    ai_range ranges[AI_EXPERIENCE_MAX]; /* the dated experience entries */
    size_t nranges;
} parser;

/* A list of strings being built, at most max. */
typedef struct {
    const char **v;
    size_t n, max;
} strlist;

/* Words in s[0..n): runs of letters and digits. */
size_t ai_resume_words(const char *s, size_t n);

/* True when w[0..n) is one of list (any case). */
bool ai_resume_in_list(const char *w, size_t n, const char *const *list, size_t count);

/* An empty list with room for max strings in a. */
int ai_resume_list_init(arena *a, strlist *l, size_t max);

/* Adds s unless it is already there (in any case) or the list is full. */
void ai_resume_list_add(strlist *l, const char *s);

/* The recommendations of an analysis (src/ai/advice.c): what to add or change, and which field
 * to check where the parser could not read what the resume has. */
int ai_resume_advice(parser *p, ai_analysis *out, bool has_skills_section);

/* field_confidence of an analysis from how each field was found (src/ai/advice.c). */
void ai_resume_field_confidence(const parser *p, const ai_contact *c, ai_analysis *out);

/* confidence_score from field_confidence and the share of letters in text. */
double ai_resume_confidence(const ai_analysis *out, const char *text);

#endif
