/* A job description's requirements, read from its structure (docs/design.md "AI", docs/api.md
 * §5.3): the bullets and sentences of its requirement sections ("Requirements",
 * "Qualifications", "What we're looking for" are required; "Nice to have", "Preferred",
 * "Bonus" are preferred, as is a sentence marked "a plus", "preferred", "bonus"...), each cut
 * into requirements and each requirement reduced to its distinctive terms. "X or Y", "X/Y" and
 * "X, Y or Z" are one requirement met by any of its alternatives; "X and Y" and "X, Y, Z" are
 * several. A number of years ("5+ years", "3-5 years of ...") and a degree ("Bachelor's in
 * Accounting or related") are requirements of their own kinds. A job description without such
 * sections gives the sentences that read as requirements. */
#ifndef IA_AI_JOBREQ_H
#define IA_AI_JOBREQ_H

#include <stdbool.h>
#include <stddef.h>

#include "ai/taxonomy.h"
#include "core/arena.h"

#define AI_JOBREQ_MAX   40 /* requirements read from one job description */
#define AI_JOBREQ_ALTS  6  /* alternatives of one requirement */
#define AI_JOBREQ_WORDS 8  /* distinctive words of one alternative */

typedef enum {
    AI_JOBREQ_TERMS,  /* met when the resume shows one alternative */
    AI_JOBREQ_YEARS,  /* met by the resume's years of experience */
    AI_JOBREQ_DEGREE, /* met by a degree of the level asked, or above */
} ai_jobreq_type;

/* Degree levels, in order. */
enum {
    AI_DEGREE_NONE,
    AI_DEGREE_ASSOCIATE,
    AI_DEGREE_BACHELOR,
    AI_DEGREE_MASTER,
    AI_DEGREE_DOCTOR
};

typedef struct {
    const char *text; /* as written: the part of the bullet or sentence it was read from */
    bool preferred;   /* a nice-to-have rather than a requirement */
    ai_jobreq_type type;
    double years;       /* AI_JOBREQ_YEARS: the least number of years asked */
    int degree;         /* AI_JOBREQ_DEGREE: an AI_DEGREE_ level */
    bool or_experience; /* AI_JOBREQ_DEGREE: "or equivalent experience" */
    /* Each alternative: its distinctive words, space-separated, as written ("REST APIs");
     * a word written in capitals ("CRRT", "CPA") is an abbreviation matched as written. A
     * years requirement that names skills ("5+ years of Kubernetes") has them as
     * alternatives, one of which must be shown too. */
    const char *alts[AI_JOBREQ_ALTS];
    size_t nalts;
} ai_jobreq;

typedef struct {
    ai_jobreq *v;
    size_t n;
} ai_jobreqs;

/* Reads the requirements of job description jd (at most 64 KiB of it) into out, in the
 * order written; t (may be NULL) keeps a skill's own slash ("CI/CD", "TCP/IP") from being
 * read as alternatives and splits a part naming several skills into one requirement each.
 * Never fails on odd input; IA_ERR_NOMEM when a runs out. */
int ai_jobreq_read(arena *a, const ai_taxonomy *t, const char *jd, ai_jobreqs *out);

/* The least number of years text asks for: the largest lower bound written as "5 years",
 * "5+ years", "3-5 years" (hyphen or en dash), "3 to 5 yrs"; -1 when it asks for none. */
double ai_jobreq_years(const char *text);

/* True when text holds w as a whole word written exactly so (case matters): "Go" in "Go and
 * Rust", not in "go-to"; "CPA" not in "cpa". */
bool ai_jobreq_word_as_written(const char *text, const char *w);

/* The degree level a degree's name states ("BSc", "Bachelor of Science", "MBA", "PhD",
 * "Associate Degree in Nursing"), AI_DEGREE_NONE when it states none. */
int ai_jobreq_degree_level(const char *text);

#endif
