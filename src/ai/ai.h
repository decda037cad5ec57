/* The AI engine's interface (docs/design.md "AI"): the five operations InterviewAce asks of an
 * engine, their inputs and the validated C structures they return. Every structure lives in
 * the caller's arena. The offline engine (ai/offline.h) and the LLM providers (ai/chain.h)
 * produce exactly these structures, and ai/schema.h converts them to and from the JSON that
 * is stored and served (docs/api.md §4, §5). */
#ifndef IA_AI_AI_H
#define IA_AI_AI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Limits every engine's output is held to (validation clamps to them). */
#define AI_LIST_MAX       50    /* skills, links, certifications, ... */
#define AI_EXPERIENCE_MAX 30    /* experience entries */
#define AI_EDUCATION_MAX  10    /* education entries */
#define AI_HIGHLIGHTS_MAX 10    /* highlights of one experience entry */
#define AI_FEEDBACK_ITEMS 5     /* strengths, improvements, weaknesses */
#define AI_RECOMMEND_MAX  8     /* recommendations */
#define AI_KEY_POINTS_MAX 8     /* rubric key points of one question */
#define AI_DIMENSIONS_MAX 8     /* per-dimension scores of one evaluation */
#define AI_CATEGORIES_MAX 6     /* interview question categories */
#define AI_QUESTIONS_MAX  30    /* questions of one session (docs/api.md §4.1) */
#define AI_TEXT_MAX       20000 /* any single free-text field, in bytes */
#define AI_RED_FLAGS_MAX  8     /* red flags of one question */
#define AI_PATTERNS_MAX   8     /* phrasing patterns of one red flag */

typedef enum { AI_ENGINE_OFFLINE, AI_ENGINE_GEMINI, AI_ENGINE_OPENAI } ai_engine;

/* "offline", "gemini" or "openai". */
const char *ai_engine_name(ai_engine e);

/* Every engine name, NULL-terminated (the choices of an `engine` field, docs/api.md §4, §5). */
extern const char *const ai_engine_names[];

/* A list of strings. */
typedef struct {
    const char **v;
    size_t n;
} ai_strs;

/* Which engine produced a result, with which model, and how long it took. */
typedef struct {
    ai_engine engine;
    const char *model;      /* "offline-1" for the offline engine */
    double latency_seconds; /* wall clock of the whole operation, retries included */
} ai_meta;

/* ---- 1. Resume analysis (docs/api.md §5 Analysis) -------------------------------------------- */

typedef struct {
    const char *name;
    const char *category; /* language | framework | database | cloud | tool | soft | other */
} ai_skill_item;

typedef struct {
    const char *job_title; /* also served as `position` */
    const char *company;
    const char *start_date; /* "YYYY-MM" or "YYYY" or NULL */
    const char *end_date;   /* NULL = current (or unknown when start_date is NULL too) */
    const char *description;
    ai_strs highlights;
} ai_experience;

typedef struct {
    const char *degree;
    const char *field_of_study;
    const char *institution;
    const char *start_date, *end_date;
    const char *gpa; /* as written */
} ai_education;

/* The fields an analysis carries a confidence for (docs/api.md §5 "Analysis",
 * `field_confidence`), in the order of ai_field_names. */
typedef enum {
    AI_FIELD_NAME,
    AI_FIELD_EMAIL,
    AI_FIELD_PHONE,
    AI_FIELD_LOCATION,
    AI_FIELD_HEADLINE,
    AI_FIELD_SKILLS,
    AI_FIELD_EXPERIENCE,
    AI_FIELD_EDUCATION,
    AI_FIELD_CERTIFICATIONS,
    AI_FIELD_LANGUAGES,
    AI_FIELD_YEARS,
    AI_FIELD_ROLE,
    AI_FIELD_SENIORITY,
    AI_FIELD_COUNT
} ai_field;

/* The JSON names of the ai_field values ("name", ..., "years_of_experience", ...). */
extern const char *const ai_field_names[AI_FIELD_COUNT];

/* The ai_field a JSON name stands for; -1 when none. */
int ai_field_of(const char *name);

/* What the text does not contain is NULL or empty; nothing is invented. */
typedef struct {
    const char *name, *email, *phone, *location, *summary;
    const char *headline; /* the professional title line under the name, as written */
    const char *inferred_role;
    const char *seniority; /* junior | mid | senior | lead | NULL */
    bool has_years;
    double years_of_experience; /* one decimal, rounded half to even */
    ai_strs links, certifications, languages, job_titles, recommendations;
    ai_strs projects, awards, volunteering, publications; /* items of those sections */
    ai_skill_item *skills;
    size_t nskills;
    ai_experience *experience;
    size_t nexperience;
    ai_education *education;
    size_t neducation;
    double confidence_score; /* 0-1, derived from field_confidence when it is known */
    /* 0-1 per field: how the field was found (a labelled heading or field > a pattern > a
     * guess; absent or unread fields low); a corrected field is 1. -1 when unknown (LLM
     * providers, analyses stored before it existed). */
    double field_confidence[AI_FIELD_COUNT];
} ai_analysis;

/* ---- 2. Question generation --------------------------------------------------------------- */

typedef struct {
    const char *point;
    ai_strs terms; /* lower-case words or phrases that show the point is covered */
} ai_key_point;

/* A common misconception or an unsafe claim an answer to a question can make, with the
 * phrasings that express it. The pattern syntax is ai/redflag.h's (docs/design.md "AI"). */
typedef struct {
    const char *claim;   /* the wrong or unsafe claim, stated plainly */
    const char *correct; /* what is right instead, one sentence */
    int point;           /* index of the key point it contradicts, -1 for none */
    ai_strs patterns;    /* phrasings that express it */
} ai_red_flag;

/* A question with the rubric the evaluator scores against. bank_id is the question bank id
 * (or project template id) for offline questions, NULL for a provider's own question. */
typedef struct {
    const char *text;
    const char *category;   /* technical|behavioral|project|system_design|coding|general */
    const char *difficulty; /* easy | medium | hard */
    const char *bank_id;
    ai_key_point *key_points;
    size_t nkey_points;
    const char *model_answer;
    ai_strs skills; /* taxonomy skill names the question exercises */
    ai_red_flag *red_flags;
    size_t nred_flags; /* ≤ AI_RED_FLAGS_MAX */
} ai_question;

typedef struct {
    const ai_analysis *resume;   /* NULL: a general interview */
    const char *target_role;     /* NULL: the resume's inferred role, else any */
    const char *difficulty;      /* easy | medium | hard | mixed */
    int count;                   /* 5-30 */
    ai_strs focus_areas;         /* free text: skills, categories or topics */
    const char *job_description; /* NULL or text */
    ai_strs avoid;               /* question texts (or bank ids) of the user's recent sessions */
    uint64_t seed;               /* varies the choice among equally good questions */
} ai_generate_request;

typedef struct {
    ai_question *v;
    size_t n;
} ai_questions;

/* ---- 3. Answer evaluation ----------------------------------------------------------------- */

typedef struct {
    const char *name; /* "coverage", "relevance", "structure", "specificity", "clarity", ... */
    double score;     /* 0-100 */
} ai_dimension;

typedef struct {
    const ai_question *question;
    const char *answer;
    int time_taken_seconds;  /* -1 when unknown */
    const char *target_role; /* may be NULL */
} ai_evaluate_request;

typedef struct {
    double score;         /* 0-100 overall */
    double communication; /* 0-100: clarity and structure, feeds score_breakdown.communication */
    ai_dimension dimensions[AI_DIMENSIONS_MAX];
    size_t ndimensions;
    const char *feedback; /* a paragraph that quotes or points at the answer */
    ai_strs strengths;    /* ≤ AI_FEEDBACK_ITEMS */
    ai_strs improvements; /* ≤ AI_FEEDBACK_ITEMS */
    const char *model_answer;
    ai_strs missed; /* the key points the answer missed, as the rubric words them (the offline
                       engine's; empty from a provider, which then asks no follow-up) */
} ai_evaluation;

/* ---- 4. Session summary ------------------------------------------------------------------- */

typedef struct {
    const char *question;
    const char *category;
    const char *difficulty;
    const char *answer; /* NULL when unanswered */
    double score;       /* the stored evaluation_score */
    double communication;
    ai_strs strengths, improvements; /* the stored per-answer feedback */
} ai_summary_item;

typedef struct {
    const char *target_role; /* may be NULL */
    const ai_summary_item *items;
    size_t n;
} ai_summary_request;

typedef struct {
    const char *category; /* a question category, "communication" or "overall" */
    double score;
} ai_category_score;

/* final_score and breakdown are computed from the items (docs/api.md §4: means of the stored
 * scores), never taken from a provider; providers write the prose. */
typedef struct {
    double final_score;
    ai_category_score breakdown[AI_CATEGORIES_MAX + 2];
    size_t nbreakdown;
    ai_strs strengths, weaknesses; /* ≤ AI_FEEDBACK_ITEMS each */
    const char *summary;
} ai_summary;

/* ---- 5. Job-description match ------------------------------------------------------------- */

typedef struct {
    const ai_analysis *resume;
    const char *job_description;
} ai_match_request;

#define AI_REQUIREMENTS_MAX 40 /* requirements of one match */

/* One requirement a job description states (docs/api.md §5.3), as written; an "X or Y"
 * alternative is one requirement. */
typedef struct {
    const char *text;
    const char *kind; /* required | preferred */
    bool met;
    const char *evidence; /* the resume line that shows it, or NULL */
} ai_requirement;

typedef struct {
    double match_score; /* 0-100 */
    ai_strs matched_skills, missing_skills;
    ai_strs recommendations; /* ≤ AI_RECOMMEND_MAX */
    /* Missing required first, then missing preferred, then met; none from an LLM provider. */
    ai_requirement *requirements;
    size_t nrequirements; /* ≤ AI_REQUIREMENTS_MAX */
} ai_match;

#endif
