/* The role vocabulary of the offline engine: the thirty lower-case roles the question bank is
 * tagged with and "teacher" (no question is), the interview mix that suits each, the roles
 * closest to each, and the mapping from free text (a target role, a job title, a job
 * description) onto them. Read-only tables; safe to share between threads. */
#ifndef IA_AI_ROLES_H
#define IA_AI_ROLES_H

#include <stdbool.h>
#include <stddef.h>

/* Which kind of interview a role calls for; the generator turns it into category weights. */
typedef enum {
    AI_MIX_GENERAL,  /* no role known: behavioral, general, project, skill-led technical */
    AI_MIX_SOFTWARE, /* builds software: coding and system design weigh in */
    AI_MIX_INFRA,    /* runs systems: technical and system design lead, a little coding */
    AI_MIX_DATA,     /* works with data: technical leads, some coding, little system design */
    AI_MIX_MANAGER,  /* leads engineers: behavioral and technical, some system design */
    AI_MIX_DOMAIN,   /* not a software role: the domain's technical questions, no coding */
} ai_role_mix;

#define AI_ROLE_RELATED_MAX 4

typedef struct {
    const char *name; /* as the question bank spells it */
    ai_role_mix mix;
    const char *related[AI_ROLE_RELATED_MAX]; /* the closest roles first, NULL-padded */
} ai_role;

/* The vocabulary role that text names, or NULL when it names none. Words are compared
 * case-insensitively on word boundaries; the earliest specific phrase wins ("Senior Backend
 * Developer" is a backend engineer, "SRE" a site reliability engineer), and generic words
 * ("engineer", "sales", "marketing") count only when no specific phrase occurs. Only the first
 * AI_ROLE_SCAN_MAX bytes are read, where a job description names its role. */
#define AI_ROLE_SCAN_MAX 4096
const ai_role *ai_role_find(const char *text);

/* The roles of the vocabulary, one by one (NULL past the end). */
size_t ai_role_count(void);
const ai_role *ai_role_at(size_t i);

/* True when name (a bank role) is r itself or one of the roles related to it. */
bool ai_role_is_related(const ai_role *r, const char *name);

/* Writes a lower-cased copy of text into out (cap bytes, cap >= 3) with every run of
 * characters other than letters, digits, '+' and '#' made one space and a space at both ends,
 * so that strstr(out, " two words ") finds words on their boundaries. At most
 * AI_ROLE_SCAN_MAX bytes of text are read. */
void ai_role_normalise(const char *text, char *out, size_t cap);

/* True when text holds w (any case) as a whole word, or with whole false as the start of a
 * word ("cach" in "caching"). */
bool ai_has_word(const char *text, const char *w, bool whole);

#endif
