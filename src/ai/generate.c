/* Interview questions from the question bank (ai_offline_generate) and what a request will get
 * (ai_offline_plan). Every bank question and every project template filled from the resume's
 * own experience becomes a candidate with a rank (focus areas, then job-description skills the
 * resume lacks, skills in both, the resume's skills, the role's fit) and a pool tier (the
 * role's own and role-free questions, then related roles, then any; a non-software role never
 * goes past related roles). The categories a session may draw on are the ones its focus areas
 * chose, else those the role's interview mix gives a share; a category the mix gives none
 * (coding for a nurse) is never drawn on, asked for or not (docs/api.md §4.1, §4.4). The
 * questions are then picked one slot at a time: first what the session must contain (half on
 * the focus areas, a third on the job description's requirements, one behavioral, one project
 * from the resume), then the category most behind its share. A slot is filled from the
 * narrowest pool first, at a difficulty that still has room; then any difficulty; only then
 * are questions the user was asked before repeated; and only when the chosen categories are
 * exhausted do the nearest other categories the role has fill the rest. Last, the picked
 * questions are tailored: a preface names the job description's requirement or the resume's
 * skill, employer or title they draw on, until most of the session names something of the
 * resume; the rubric stays the bank question's. ai_offline_follow_up composes the one follow-up
 * an answer may get, from the key points its evaluation says it missed (docs/api.md §4.6). */
#include <ctype.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "ai/offline.h"
#include "ai/roles.h"
#include "core/errors.h"
#include "core/strbuf.h"
#include "core/util.h"

#define FOCUS_MAX      10 /* focus areas of one request (docs/api.md §4.1) */
#define FOCUS_SKILLS   4  /* skills one focus area can name */
#define FOCUS_WORDS    4  /* topic words of one focus area */
#define WORD_MAX       32 /* bytes of one topic word */
#define SKILLS_MAX     64 /* skills kept from a resume, a job description or a role */
#define ENTRIES_MAX    3  /* experience entries (most recent first) the templates are filled from */
#define FILL_MAX       120 /* bytes of a company, job title or skill put into a template */
#define REPEAT_PENALTY 60  /* rank lost per earlier question on the same skill */
#define FOCUS_BONUS    1000
#define CAND_SKILLS    8   /* skills of one question that count for ranking */
#define PREFACE_MAX    400 /* bytes of the resume or job-description facts put before a question */
#define RESUME_SHARE   60  /* percent of a session that names something of the resume */

enum {
    CAT_TECHNICAL,
    CAT_CODING,
    CAT_SYSTEM_DESIGN,
    CAT_BEHAVIORAL,
    CAT_PROJECT,
    CAT_GENERAL,
    CAT_N
};
static const char *const cat_names[CAT_N] = { "technical",  "coding",  "system_design",
                                              "behavioral", "project", "general" };

enum { LVL_EASY, LVL_MEDIUM, LVL_HARD, LVL_N };
static const char *const lvl_names[LVL_N] = { "easy", "medium", "hard" };

/* Share of each category (percent, in the order above) per interview mix of ai/roles.h. */
static const int mix_weights[][CAT_N] = {
    [AI_MIX_GENERAL] = { 15, 0, 0, 35, 20, 30 },  [AI_MIX_SOFTWARE] = { 30, 20, 15, 15, 10, 10 },
    [AI_MIX_INFRA] = { 40, 5, 20, 15, 10, 10 },   [AI_MIX_DATA] = { 40, 15, 5, 15, 15, 10 },
    [AI_MIX_MANAGER] = { 25, 0, 10, 35, 15, 15 }, [AI_MIX_DOMAIN] = { 45, 0, 0, 25, 15, 15 },
};

/* For each category, the others from nearest to furthest: where a session's questions come
 * from when its chosen categories cannot fill it. */
static const int nearest[CAT_N][CAT_N - 1] = {
    [CAT_TECHNICAL] = { CAT_CODING, CAT_SYSTEM_DESIGN, CAT_PROJECT, CAT_GENERAL, CAT_BEHAVIORAL },
    [CAT_CODING] = { CAT_TECHNICAL, CAT_SYSTEM_DESIGN, CAT_PROJECT, CAT_GENERAL, CAT_BEHAVIORAL },
    [CAT_SYSTEM_DESIGN] = { CAT_TECHNICAL, CAT_CODING, CAT_PROJECT, CAT_GENERAL, CAT_BEHAVIORAL },
    [CAT_BEHAVIORAL] = { CAT_GENERAL, CAT_PROJECT, CAT_TECHNICAL, CAT_SYSTEM_DESIGN, CAT_CODING },
    [CAT_PROJECT] = { CAT_BEHAVIORAL, CAT_TECHNICAL, CAT_GENERAL, CAT_SYSTEM_DESIGN, CAT_CODING },
    [CAT_GENERAL] = { CAT_BEHAVIORAL, CAT_PROJECT, CAT_TECHNICAL, CAT_SYSTEM_DESIGN, CAT_CODING },
};

/* Words of a focus area or a category phrase that carry no topic. */
static const char *const stopwords[] = { "and",   "the",       "for",      "with",      "about",
                                         "from",  "questions", "question", "interview", "skills",
                                         "skill", "more",      "some",     "focus",     "topics",
                                         "topic", "your",      "our",      "into",      "using" };

/* Phrases of a focus area that name a category. */
static const struct {
    const char *phrase;
    int cat;
} cat_phrases[] = {
    { "system design", CAT_SYSTEM_DESIGN },
    { "systems design", CAT_SYSTEM_DESIGN },
    { "system architecture", CAT_SYSTEM_DESIGN },
    { "software architecture", CAT_SYSTEM_DESIGN },
    { "architecture", CAT_SYSTEM_DESIGN },
    { "coding", CAT_CODING },
    { "live coding", CAT_CODING },
    { "algorithms", CAT_CODING },
    { "algorithm", CAT_CODING },
    { "data structures", CAT_CODING },
    { "programming", CAT_CODING },
    { "leetcode", CAT_CODING },
    { "behavioral", CAT_BEHAVIORAL },
    { "behavioural", CAT_BEHAVIORAL },
    { "behavior", CAT_BEHAVIORAL },
    { "behaviour", CAT_BEHAVIORAL },
    { "soft skills", CAT_BEHAVIORAL },
    { "star method", CAT_BEHAVIORAL },
    { "project", CAT_PROJECT },
    { "projects", CAT_PROJECT },
    { "technical", CAT_TECHNICAL },
    { "domain knowledge", CAT_TECHNICAL },
    { "general", CAT_GENERAL },
    { "culture fit", CAT_GENERAL },
    { "cultural fit", CAT_GENERAL },
    { "motivation", CAT_GENERAL },
    { "career goals", CAT_GENERAL },
};

typedef struct {
    const char *v[SKILLS_MAX];
    size_t n;
} name_set;

/* One focus area understood: a category, skills of the taxonomy, or topic word stems. */
typedef struct {
    int cat; /* -1 when it names none */
    const ai_skill *skills[FOCUS_SKILLS];
    size_t nskills;
    char words[FOCUS_WORDS][WORD_MAX];
    size_t nwords;
} focus_area;

typedef struct {
    const ai_bank_item *item;
    const char *text;                        /* filled (templates) or the bank's own */
    const char *company, *job_title, *skill; /* template values; NULL for bank questions */
    const char *skill_slot[1];
    ai_strs skills;          /* the bank's skills, or the template's filled skill */
    size_t sid[CAND_SKILLS]; /* the skills as indexes into gen.sk */
    size_t nsid;
    int cat, lvl, tier, entry;
    long score;
    uint64_t tie;
    unsigned focus; /* bit i set: matches focus area i */
    bool avoided, jd_missing, from_resume, used;
    bool jd_req;      /* exercises a hard skill the job description asks for */
    const char *base; /* the text before tailoring */
} cand;

typedef enum {
    GOAL_FOCUS,
    GOAL_JD,
    GOAL_RESUME_PROJECT,
    GOAL_CATEGORY,
    GOAL_ANY,
    GOAL_FILL
} goal_kind;

/* A skill some candidate exercises: whether it is a soft skill, and how many picked questions
 * exercise it so far. */
typedef struct {
    const char *name;
    bool soft;
    int uses;
} skill_use;

typedef struct {
    goal_kind kind;
    int arg; /* the focus area or the category */
} goal;

#define GOALS_MAX (FOCUS_MAX + 2 * CAT_N + 4)

/* One of the resume's first ENTRIES_MAX usable experience entries: what a question can name. */
typedef struct {
    const char *company, *job_title;
    name_set skills; /* the taxonomy skills its own text mentions */
} entry_facts;

typedef struct {
    const ai_taxonomy *tax;
    const ai_generate_request *req;
    const ai_role *role;
    const ai_modelans *answers;
    int weights[CAT_N];
    int max_tier;
    name_set resume, jd_missing, jd_shared, role_skills;
    focus_area focus[FOCUS_MAX];
    size_t nfocus;
    unsigned focus_cats; /* bit per category a focus area names that the role has */
    unsigned asked;      /* bit per category a focus area names, whether the role has it or not */
    unsigned avail;      /* bit per category the role's interview has */
    unsigned allowed;    /* bit per category the session may draw on */
    int any_tier;        /* the widest pool any question may come from */
    entry_facts entry[ENTRIES_MAX];
    size_t nentries;
    size_t prefaces; /* prefaces written so far: their wording rotates */
    cand *c;
    size_t nc;
    skill_use *sk;
    size_t nsk;
    const cand *picked[AI_QUESTIONS_MAX];
    size_t npicked;
    int level_left[LVL_N], quota[CAT_N], chosen[CAT_N];
    size_t focus_target;
} gen;

static int index_of(const char *s, const char *const *names, int n)
{
    for (int i = 0; s != NULL && i < n; i++)
        if (strcmp(s, names[i]) == 0)
            return i;
    return -1;
}

/* splitmix64: a small, well-mixed generator step; the tie-break of equally ranked questions. */
static uint64_t splitmix64(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

/* FNV-1a of s, so that a question's tie-break does not depend on its place in the bank. */
static uint64_t hash_str(const char *s, uint64_t h)
{
    for (; s != NULL && *s; s++)
        h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
    return h;
}

static bool set_has(const name_set *s, const char *name)
{
    for (size_t i = 0; i < s->n; i++)
        if (strcasecmp(s->v[i], name) == 0)
            return true;
    return false;
}

static void set_add(name_set *s, const char *name)
{
    if (name != NULL && *name && s->n < SKILLS_MAX && !set_has(s, name))
        s->v[s->n++] = name;
}

static bool is_soft(const ai_taxonomy *t, const char *name)
{
    const ai_skill *k = ai_taxonomy_find(t, name);
    return k != NULL && strcmp(k->category, "soft") == 0;
}

/* Adds the taxonomy names of the skills text mentions to s. */
static int add_mentioned(const ai_taxonomy *t, const char *text, name_set *s)
{
    size_t found[SKILLS_MAX], n = 0;
    if (text == NULL || *text == '\0')
        return IA_OK;
    int rc = ai_taxonomy_match(t, text, found, SKILLS_MAX, &n);
    if (rc != IA_OK)
        return rc;
    for (size_t i = 0; i < n; i++)
        set_add(s, ai_taxonomy_get(t, found[i])->name);
    return IA_OK;
}

/* Texts equal but for case and white space. */
static bool same_text(const char *a, const char *b)
{
    while (isspace((unsigned char)*a))
        a++;
    while (isspace((unsigned char)*b))
        b++;
    while (*a && *b) {
        if (isspace((unsigned char)*a) && isspace((unsigned char)*b)) {
            while (isspace((unsigned char)*a))
                a++;
            while (isspace((unsigned char)*b))
                b++;
            continue;
        }
        if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
            return false;
        a++;
        b++;
    }
    while (isspace((unsigned char)*a))
        a++;
    while (isspace((unsigned char)*b))
        b++;
    return *a == '\0' && *b == '\0';
}

static bool is_stopword(const char *w, size_t len)
{
    for (size_t i = 0; i < COUNT(stopwords); i++)
        if (strlen(stopwords[i]) == len && strncmp(stopwords[i], w, len) == 0)
            return true;
    return false;
}

/* Counts the words of norm (as ai_role_normalise writes it) that carry a topic: three letters
 * or more and no stopword. With stems given, stores up to max of them, each cut to a stem (the
 * word less up to three final letters, at least four) so that "caching" finds "cache" and
 * "microservices" finds "microservice". */
static size_t topic_words(const char *norm, char (*stems)[WORD_MAX], size_t max)
{
    size_t n = 0;
    for (const char *p = norm + 1, *e; *p && (e = strchr(p, ' ')) != NULL; p = e + 1) {
        size_t len = (size_t)(e - p);
        if (len < 3 || len >= WORD_MAX || is_stopword(p, len))
            continue;
        if (stems != NULL && n < max) {
            size_t keep = len > 4 ? (len - 3 > 4 ? len - 3 : 4) : len;
            memcpy(stems[n], p, keep);
            stems[n][keep] = '\0';
        }
        n++;
    }
    return n;
}

/* Understands one focus area: the category it names when the rest of it is stopwords
 * ("system design questions", not "project management"), the skills it mentions, and its
 * topic words unless it names a category or a tool, language or the like (where a stem would
 * find the wrong words: "java" in "javascript"). */
static int parse_focus(const ai_taxonomy *t, const char *text, focus_area *f)
{
    char norm[128], rest[128];
    ai_role_normalise(text, norm, sizeof(norm));
    f->cat = -1;
    for (size_t i = 0; i < COUNT(cat_phrases) && f->cat < 0; i++) {
        const char *p = strstr(norm, cat_phrases[i].phrase);
        size_t len = strlen(cat_phrases[i].phrase);
        if (p == NULL || p[-1] != ' ' || p[len] != ' ')
            continue;
        snprintf(rest, sizeof(rest), "%s", norm);
        memset(rest + (p - norm), ' ', len);
        if (topic_words(rest, NULL, 0) == 0)
            f->cat = cat_phrases[i].cat;
    }
    const ai_skill *exact = ai_taxonomy_find(t, text);
    if (exact != NULL) {
        f->skills[f->nskills++] = exact;
    } else {
        size_t found[FOCUS_SKILLS], n = 0;
        int rc = ai_taxonomy_match(t, text, found, FOCUS_SKILLS, &n);
        if (rc != IA_OK)
            return rc;
        for (size_t i = 0; i < n; i++)
            f->skills[f->nskills++] = ai_taxonomy_get(t, found[i]);
    }
    bool concepts = true; /* skills such as Caching or Leadership read as topics too */
    for (size_t i = 0; i < f->nskills; i++)
        concepts = concepts && (strcmp(f->skills[i]->category, "other") == 0 ||
                                strcmp(f->skills[i]->category, "soft") == 0);
    if (f->cat < 0 && concepts) {
        size_t n = topic_words(norm, f->words, FOCUS_WORDS);
        f->nwords = n < FOCUS_WORDS ? n : FOCUS_WORDS;
    }
    return IA_OK;
}

/* True when a word of the question (text, skills, rubric terms) starts with stem. */
static bool question_has_stem(const cand *c, const char *stem)
{
    const ai_question *q = &c->item->question;
    if (ai_has_word(c->text, stem, false))
        return true;
    for (size_t i = 0; i < c->skills.n; i++)
        if (ai_has_word(c->skills.v[i], stem, false))
            return true;
    for (size_t k = 0; k < q->nkey_points; k++)
        for (size_t i = 0; i < q->key_points[k].terms.n; i++)
            if (ai_has_word(q->key_points[k].terms.v[i], stem, false))
                return true;
    return false;
}

static bool cand_has_skill(const cand *c, const char *name)
{
    for (size_t i = 0; i < c->skills.n; i++)
        if (strcasecmp(c->skills.v[i], name) == 0)
            return true;
    return false;
}

/* How candidate c answers focus area f: FOCUS_STRONG by its category, a skill of the area
 * it is tagged with, or a tool, language or the like of the area named (two letters or more)
 * in its text; FOCUS_TOPIC by a concept or soft skill of the area named in its text ("senior
 * leadership" in a budgeting question) or by all the area's topic words; else FOCUS_NONE. */
enum { FOCUS_NONE, FOCUS_TOPIC, FOCUS_STRONG };
static int matches_focus(const focus_area *f, const cand *c)
{
    if (f->cat >= 0 && c->cat == f->cat)
        return FOCUS_STRONG;
    int how = FOCUS_NONE;
    for (size_t s = 0; s < f->nskills; s++) {
        const ai_skill *k = f->skills[s];
        if (cand_has_skill(c, k->name))
            return FOCUS_STRONG;
        bool concept = strcmp(k->category, "other") == 0 || strcmp(k->category, "soft") == 0;
        for (size_t i = 0; i < k->nterms && how < (concept ? FOCUS_TOPIC : FOCUS_STRONG); i++)
            if (strlen(k->terms[i]) > 1 && ai_has_word(c->text, k->terms[i], true))
        how = concept ? FOCUS_TOPIC : FOCUS_STRONG;
    }
    if (how != FOCUS_NONE || f->nwords == 0)
        return how;
    for (size_t w = 0; w < f->nwords; w++)
        if (!question_has_stem(c, f->words[w]))
            return FOCUS_NONE;
    return FOCUS_TOPIC;
}

static bool uses(const ai_question *q, const char *placeholder)
{
    if (strstr(q->text, placeholder) != NULL || strstr(q->model_answer, placeholder) != NULL)
        return true;
    for (size_t k = 0; k < q->nkey_points; k++) {
        if (strstr(q->key_points[k].point, placeholder) != NULL)
            return true;
        for (size_t i = 0; i < q->key_points[k].terms.n; i++)
            if (strstr(q->key_points[k].terms.v[i], placeholder) != NULL)
                return true;
    }
    return false;
}

/* Copies s into the arena with {company}, {job_title} and {skill} replaced by the candidate's
 * values (a bank question is copied as it is); NULL when the arena is full. */
static const char *fill(arena *a, const cand *c, const char *s)
{
    if (!c->from_resume)
        return arena_strdup(a, s);
    static const char *const names[] = { "{company}", "{job_title}", "{skill}" };
    const char *values[] = { c->company, c->job_title, c->skill };
    strbuf sb;
    strbuf_init(&sb, a, AI_TEXT_MAX);
    while (*s) {
        const char *open = strchr(s, '{');
        if (open == NULL) {
            strbuf_puts(&sb, s);
            break;
        }
        strbuf_append(&sb, s, (size_t)(open - s));
        s = open;
        size_t i = 0;
        while (i < 3 && strncmp(s, names[i], strlen(names[i])) != 0)
            i++;
        if (i < 3 && values[i] != NULL) {
            strbuf_puts(&sb, values[i]);
            s += strlen(names[i]);
        } else {
            strbuf_putc(&sb, *s++);
        }
    }
    return strbuf_error(&sb) == IA_OK ? strbuf_str(&sb) : NULL;
}

/* True when the request avoids the question: by its bank id, its text, or a stored text that
 * is its text after a tailoring preface. */
static bool avoided(const ai_generate_request *req, const char *id, const char *text)
{
    size_t len = strlen(text);
    for (size_t i = 0; i < req->avoid.n; i++) {
        const char *s = req->avoid.v[i];
        if (s == NULL)
            continue;
        size_t n = strlen(s);
        if (strcmp(s, id) == 0 || same_text(s, text) ||
            (n > len && len > 0 && strcmp(s + n - len, text) == 0))
            return true;
    }
    return false;
}

/* Ranks a candidate and sets its pool tier. Skills: one the job description asks for and the
 * resume lacks 300, one in both 200, one of the resume's or the target role's 100 (soft skills
 * about half), +20 for each further linked skill. Role: a question tagged with the role 60,
 * a role-free one 30; a project question from the resume 150 and more the more recent the
 * entry. A focus match adds 1000 (+50 per further focus area). Tier 0 is the role's own,
 * role-free, resume-built, hard-skill-linked questions and those that match a focus area by
 * skill; tier 1 the related roles' questions and those that match a focus area by
 * its topic words only; tier 2 the rest. */
static void rank(gen *g, cand *c)
{
    long best = 0, extra = 0;
    bool linked = false;
    for (size_t i = 0; i < c->nsid; i++) {
        const char *s = g->sk[c->sid[i]].name;
        bool soft = g->sk[c->sid[i]].soft;
        long b = 0;
        if (set_has(&g->jd_missing, s)) {
            b = soft ? 150 : 300;
            c->jd_missing = true;
            c->jd_req = c->jd_req || !soft;
        } else if (set_has(&g->jd_shared, s)) {
            b = soft ? 80 : 200;
            c->jd_req = c->jd_req || !soft;
        } else if (set_has(&g->resume, s) || set_has(&g->role_skills, s)) {
            b = soft ? 40 : 100;
        }
        if (b > 0) {
            extra += best > 0;
            best = b > best ? b : best;
            linked = linked || !soft;
        }
    }
    c->score = best + 20 * extra;
    const ai_strs *roles = &c->item->roles;
    bool own = false, related = false;
    for (size_t i = 0; g->role != NULL && i < roles->n; i++) {
        own = own || strcmp(roles->v[i], g->role->name) == 0;
        related = related || ai_role_is_related(g->role, roles->v[i]);
    }
    if (c->from_resume) {
        c->tier = 0;
        c->score += 150 + 10 * (ENTRIES_MAX - c->entry);
    } else if (roles->n == 0) {
        c->tier = 0;
        c->score += 30;
    } else if (own) {
        c->tier = 0;
        c->score += 60;
    } else {
        c->tier = related ? 1 : 2;
    }
    if (linked)
        c->tier = 0;
    /* A category focus area widens no pool: "technical" for a nurse is the nurse's own
     * technical questions, not a developer's. */
    int how = FOCUS_NONE;
    for (size_t f = 0; f < g->nfocus; f++) {
        int m = matches_focus(&g->focus[f], c);
        if (m != FOCUS_NONE)
            c->focus |= 1u << f;
        if (g->focus[f].cat < 0)
            how = m > how ? m : how;
    }
    if (how != FOCUS_NONE)
        c->tier = how == FOCUS_STRONG ? 0 : c->tier < 1 ? c->tier : 1;
    if (c->focus != 0) {
        long areas = 0;
        for (unsigned m = c->focus; m != 0; m >>= 1)
            areas += m & 1u;
        c->score += FOCUS_BONUS + 50 * (areas - 1);
    }
    c->avoided = avoided(g->req, c->item->question.bank_id, c->text);
    c->tie = splitmix64(g->req->seed ^ hash_str(c->text, hash_str(c->item->question.bank_id,
                                                                  0xcbf29ce484222325ULL)));
}

/* The skill a project template asks about for one experience entry: a focus skill, then a
 * job-description skill, then any hard skill the entry's own text mentions; failing those,
 * a focus, shared or first hard skill of the resume. NULL when the resume has none. */
static int entry_skill(const gen *g, const ai_experience *x, const char **out)
{
    name_set own = { .n = 0 };
    int rc = add_mentioned(g->tax, x->description, &own);
    for (size_t i = 0; rc == IA_OK && i < x->highlights.n; i++)
        rc = add_mentioned(g->tax, x->highlights.v[i], &own);
    if (rc != IA_OK)
        return rc;
    const name_set *pools[] = { &own, &g->resume };
    *out = NULL;
    for (size_t p = 0; p < 2 && *out == NULL; p++) {
        const char *first = NULL, *jd = NULL, *focus = NULL;
        for (size_t i = 0; i < pools[p]->n; i++) {
            const char *s = pools[p]->v[i];
            if (is_soft(g->tax, s))
                continue;
            first = first ? first : s;
            if (jd == NULL && (set_has(&g->jd_shared, s) || set_has(&g->jd_missing, s)))
                jd = s;
            for (size_t f = 0; focus == NULL && f < g->nfocus; f++)
                for (size_t k = 0; k < g->focus[f].nskills; k++)
                    if (strcasecmp(g->focus[f].skills[k]->name, s) == 0)
                        focus = s;
        }
        *out = focus ? focus : jd ? jd : first;
    }
    return IA_OK;
}

/* A copy of s trimmed of surrounding white space and cut at FILL_MAX bytes; NULL when s is
 * NULL or blank. */
static const char *fill_value(arena *a, const char *s)
{
    if (s == NULL)
        return NULL;
    while (isspace((unsigned char)*s))
        s++;
    size_t n = strnlen(s, FILL_MAX);
    while (n > 0 && isspace((unsigned char)s[n - 1]))
        n--;
    return n > 0 ? arena_memdup(a, s, n) : NULL;
}

/* The index of the named skill in g->sk, added when new (g->sk has room for every skill of
 * every candidate). */
static size_t skill_index(gen *g, const char *name)
{
    for (size_t i = 0; i < g->nsk; i++)
        if (strcasecmp(g->sk[i].name, name) == 0)
            return i;
    g->sk[g->nsk] = (skill_use){ name, is_soft(g->tax, name), 0 };
    return g->nsk++;
}

/* The candidates: every bank question, and every project template that the resume's first
 * ENTRIES_MAX usable experience entries can fill completely. */
static int build_candidates(gen *g, arena *a, const ai_bank *bank)
{
    const ai_analysis *r = g->req->resume;
    size_t nt = ai_bank_template_count(bank), nq = ai_bank_count(bank);
    size_t nexp = r != NULL ? r->nexperience : 0;
    g->c = arena_calloc(a, nq + nt * ENTRIES_MAX + 1, sizeof(cand));
    if (g->c == NULL)
        return IA_ERR_NOMEM;
    for (size_t i = 0; i < nq; i++) {
        cand *c = &g->c[g->nc++];
        c->item = ai_bank_get(bank, i);
        c->text = c->item->question.text;
        c->skills = c->item->question.skills;
    }
    int entries = 0;
    for (size_t e = 0; e < nexp && entries < ENTRIES_MAX; e++) {
        const ai_experience *x = &r->experience[e];
        const char *company = fill_value(a, x->company), *title = fill_value(a, x->job_title);
        const char *skill = NULL;
        if (company == NULL && title == NULL)
            continue;
        int rc = entry_skill(g, x, &skill);
        if (rc != IA_OK)
            return rc;
        for (size_t t = 0; t < nt; t++) {
            const ai_bank_item *it = ai_bank_template(bank, t);
            if ((company == NULL && uses(&it->question, "{company}")) ||
                (title == NULL && uses(&it->question, "{job_title}")) ||
                (skill == NULL && uses(&it->question, "{skill}")))
                continue;
            cand *c = &g->c[g->nc++];
            c->item = it;
            c->from_resume = true;
            c->entry = entries;
            c->company = company;
            c->job_title = title;
            c->skill = uses(&it->question, "{skill}") ? skill : NULL;
            c->skill_slot[0] = c->skill;
            c->skills = (ai_strs){ c->skill_slot, c->skill != NULL };
            if ((c->text = fill(a, c, it->question.text)) == NULL)
                return IA_ERR_NOMEM;
        }
        entries++;
    }
    g->sk = arena_calloc(a, g->nc * CAND_SKILLS + 1, sizeof(skill_use));
    if (g->sk == NULL)
        return IA_ERR_NOMEM;
    for (size_t i = 0; i < g->nc; i++) {
        cand *c = &g->c[i];
        c->cat = index_of(c->item->question.category, cat_names, CAT_N);
        c->lvl = index_of(c->item->question.difficulty, lvl_names, LVL_N);
        if (c->cat < 0 || c->lvl < 0)
            return IA_ERR_INTERNAL;
        for (size_t k = 0; k < c->skills.n && c->nsid < CAND_SKILLS; k++)
            c->sid[c->nsid++] = skill_index(g, c->skills.v[k]);
        rank(g, c);
    }
    return IA_OK;
}

/* The skills that steer the choice: the resume's (taxonomy names where known, then those its
 * summary and experience mention), the job description's split into those the resume lacks
 * and those it shares (so that "your resume does not name" is true of the whole resume),
 * and the target role's own words ("Python Developer"). */
static int gather_skills(gen *g, const char *role_text)
{
    const ai_analysis *r = g->req->resume;
    for (size_t i = 0; r != NULL && i < r->nskills; i++) {
        const char *name = r->skills[i].name;
        if (name == NULL)
            continue;
        const ai_skill *k = ai_taxonomy_find(g->tax, name);
        set_add(&g->resume, k != NULL ? k->name : name);
    }
    int rc = r != NULL ? add_mentioned(g->tax, r->summary, &g->resume) : IA_OK;
    for (size_t e = 0; rc == IA_OK && r != NULL && e < r->nexperience; e++) {
        /* A title names skills too: a Site Reliability Engineer shows Site Reliability
         * Engineering. */
        rc = add_mentioned(g->tax, r->experience[e].job_title, &g->resume);
        if (rc == IA_OK)
            rc = add_mentioned(g->tax, r->experience[e].description, &g->resume);
        for (size_t i = 0; rc == IA_OK && i < r->experience[e].highlights.n; i++)
            rc = add_mentioned(g->tax, r->experience[e].highlights.v[i], &g->resume);
    }
    name_set jd = { .n = 0 };
    if (rc == IA_OK)
        rc = add_mentioned(g->tax, g->req->job_description, &jd);
    if (rc == IA_OK)
        rc = add_mentioned(g->tax, role_text, &g->role_skills);
    if (rc != IA_OK)
        return rc;
    for (size_t i = 0; i < jd.n; i++)
        set_add(set_has(&g->resume, jd.v[i]) ? &g->jd_shared : &g->jd_missing, jd.v[i]);
    return IA_OK;
}

/* Splits n questions over the categories by the weights (largest remainder, ties to the
 * earlier category); from five questions on, at least one behavioral and one project. */
static void set_quotas(gen *g, int n)
{
    int total = 0, given = 0;
    long rem[CAT_N];
    for (int c = 0; c < CAT_N; c++)
        total += g->weights[c];
    for (int c = 0; c < CAT_N; c++) {
        g->quota[c] = total > 0 ? n * g->weights[c] / total : 0;
        rem[c] = total > 0 ? (long)n * g->weights[c] % total : 0;
        given += g->quota[c];
    }
    for (; given < n; given++) {
        int best = 0;
        for (int c = 1; c < CAT_N; c++)
            if (rem[c] > rem[best])
                best = c;
        g->quota[best]++;
        rem[best] = -1;
    }
    static const int required[] = { CAT_BEHAVIORAL, CAT_PROJECT };
    for (size_t i = 0; n >= 5 && i < 2; i++) {
        if (g->quota[required[i]] > 0 || g->weights[required[i]] == 0)
            continue;
        int most = 0;
        for (int c = 1; c < CAT_N; c++)
            if (g->quota[c] > g->quota[most])
                most = c;
        g->quota[most]--;
        g->quota[required[i]]++;
    }
}

/* True when the session may draw on the category: one the focus areas chose (of those the role
 * has), or with none chosen one the role's interview mix gives a share. */
static bool cat_allowed(const gen *g, int cat)
{
    return (g->allowed & (1u << cat)) != 0;
}

/* How many picked questions share a hard skill with c (the most for any one of its skills). */
static long repeats(const gen *g, const cand *c)
{
    long most = 0;
    for (size_t i = 0; i < c->nsid; i++) {
        const skill_use *k = &g->sk[c->sid[i]];
        if (!k->soft && k->uses > most)
            most = k->uses;
    }
    return most;
}

/* True when c serves the goal. Every goal keeps to the allowed categories but the filling
 * one, which takes its own category (one the role has, outside the chosen ones). */
static bool goal_admits(const gen *g, const goal *gl, const cand *c)
{
    if (gl->kind == GOAL_FILL)
        return c->cat == gl->arg && (g->avail & (1u << c->cat)) != 0;
    if (!cat_allowed(g, c->cat))
        return false;
    switch (gl->kind) {
    case GOAL_FOCUS:
        return (c->focus & (1u << gl->arg)) != 0;
    case GOAL_JD:
        return c->jd_req;
    case GOAL_RESUME_PROJECT:
        return c->from_resume;
    case GOAL_CATEGORY:
        return c->cat == gl->arg;
    case GOAL_ANY:
    case GOAL_FILL:
        break;
    }
    return true;
}

/* The best unused candidate for a goal. Stage 0 keeps to the planned difficulties and leaves
 * the user's earlier questions out; stage 1 lets any difficulty in; only stage 2 lets earlier
 * questions back in, so that a repeat session repeats nothing while the bank has another
 * question that fits. Among the admitted, the narrowest pool wins, then the rank (less the
 * repeats of its skills), then the difficulty with the most room left, then the seeded
 * tie-break. */
static cand *best_for(gen *g, const goal *gl, int stage)
{
    cand *best = NULL;
    long best_score = 0;
    int max_tier = gl->kind == GOAL_ANY || gl->kind == GOAL_FILL ? g->any_tier : g->max_tier;
    for (size_t i = 0; i < g->nc; i++) {
        cand *c = &g->c[i];
        if (c->used || c->tier > max_tier || (stage < 2 && c->avoided) ||
            (stage == 0 && g->level_left[c->lvl] <= 0) || !goal_admits(g, gl, c))
            continue;
        long score = c->score - REPEAT_PENALTY * repeats(g, c);
        if (best != NULL) {
            if (c->tier != best->tier) {
                if (c->tier > best->tier)
                    continue;
            } else if (score != best_score) {
                if (score < best_score)
                    continue;
            } else if (g->level_left[c->lvl] != g->level_left[best->lvl]) {
                if (g->level_left[c->lvl] < g->level_left[best->lvl])
                    continue;
            } else if (c->tie <= best->tie) {
                continue;
            }
        }
        best = c;
        best_score = score;
    }
    return best;
}

/* The goals of the next slot, most pressing first. */
static size_t plan_goals(const gen *g, int n, goal *goals)
{
    size_t ng = 0, focus_picked = 0, per_focus[FOCUS_MAX] = { 0 }, jd_picked = 0;
    bool project_done = false, has_projects = false;
    for (size_t p = 0; p < g->npicked; p++) {
        focus_picked += g->picked[p]->focus != 0;
        for (size_t f = 0; f < g->nfocus; f++)
            per_focus[f] += (g->picked[p]->focus >> f) & 1u;
        jd_picked += g->picked[p]->jd_req;
        project_done = project_done || g->picked[p]->from_resume;
    }
    for (size_t i = 0; i < g->nc; i++)
        has_projects = has_projects || g->c[i].from_resume;
    if (focus_picked < g->focus_target) {
        /* The focus area with the fewest questions so far first. */
        bool done[FOCUS_MAX] = { false };
        for (size_t k = 0; k < g->nfocus; k++) {
            size_t pick = g->nfocus;
            for (size_t f = 0; f < g->nfocus; f++)
                if (!done[f] && (pick == g->nfocus || per_focus[f] < per_focus[pick]))
                    pick = f;
            done[pick] = true;
            goals[ng++] = (goal){ GOAL_FOCUS, (int)pick };
        }
    }
    /* A third of the session on the job description's requirements (those the resume lacks rank
     * first). */
    if (g->jd_missing.n + g->jd_shared.n > 0 && jd_picked < ((size_t)n + 2) / 3)
        goals[ng++] = (goal){ GOAL_JD, 0 };
    if (n >= 5 && g->chosen[CAT_BEHAVIORAL] == 0 && g->weights[CAT_BEHAVIORAL] > 0)
        goals[ng++] = (goal){ GOAL_CATEGORY, CAT_BEHAVIORAL };
    if (n >= 5 && has_projects && !project_done && g->weights[CAT_PROJECT] > 0)
        goals[ng++] = (goal){ GOAL_RESUME_PROJECT, 0 };
    /* Then every usable category, the one furthest behind its share first. */
    bool listed[CAT_N] = { false };
    for (int k = 0; k < CAT_N; k++) {
        int pick = -1;
        for (int c = 0; c < CAT_N; c++)
            if (!listed[c] && cat_allowed(g, c) &&
                (pick < 0 || g->quota[c] - g->chosen[c] > g->quota[pick] - g->chosen[pick]))
                pick = c;
        if (pick < 0)
            break;
        listed[pick] = true;
        goals[ng++] = (goal){ GOAL_CATEGORY, pick };
    }
    goals[ng++] = (goal){ GOAL_ANY, 0 };
    return ng;
}

/* Takes c into the session and retires every candidate that would repeat it: the same bank
 * id (a template filled for another entry) or the same text. */
static void take(gen *g, cand *c)
{
    g->picked[g->npicked++] = c;
    g->level_left[c->lvl]--;
    g->chosen[c->cat]++;
    for (size_t i = 0; i < c->nsid; i++)
        g->sk[c->sid[i]].uses++;
    for (size_t i = 0; i < g->nc; i++)
        if (&g->c[i] == c ||
            strcmp(g->c[i].item->question.bank_id, c->item->question.bank_id) == 0 ||
            same_text(g->c[i].text, c->text))
            g->c[i].used = true;
}

/* Puts the picked questions in interview order: a warm-up first (the easiest question, a
 * general one, else one on the resume's own work, else a behavioral one by preference), then the
 * technical, coding, design and project questions by rising difficulty without two of one category
 * in a row where avoidable, with the behavioral and general questions spread evenly between them.
 */
static void order(const cand **in, size_t n, const cand **out)
{
    bool done[AI_QUESTIONS_MAX] = { false };
    size_t warm = 0;
    long warm_key = -1;
    for (size_t i = 0; i < n; i++) {
        long key = 10 * (LVL_N - in[i]->lvl) + (in[i]->cat == CAT_GENERAL      ? 3
                                                : in[i]->from_resume           ? 2
                                                : in[i]->cat == CAT_BEHAVIORAL ? 1
                                                                               : 0);
        if (key > warm_key) {
            warm = i;
            warm_key = key;
        }
    }
    done[warm] = true;
    out[0] = in[warm];
    const cand *soft[AI_QUESTIONS_MAX] = { NULL }, *rest[AI_QUESTIONS_MAX] = { NULL };
    size_t ns = 0, nr = 0;
    for (int lvl = 0; lvl < LVL_N; lvl++)
        for (size_t i = 0; i < n; i++)
            if (!done[i] && in[i]->lvl == lvl) {
                if (in[i]->cat == CAT_GENERAL || in[i]->cat == CAT_BEHAVIORAL)
                    soft[ns++] = in[i];
                else
                    rest[nr++] = in[i];
            }
    /* Rest: in difficulty order, but not the category just asked when another can follow. */
    const cand *spread[AI_QUESTIONS_MAX] = { NULL };
    bool taken[AI_QUESTIONS_MAX] = { false };
    for (size_t k = 0; k < nr; k++) {
        size_t pick = nr;
        for (size_t i = 0; i < nr; i++) {
            if (taken[i])
                continue;
            if (pick == nr)
                pick = i;
            if (k == 0 || rest[i]->cat != spread[k - 1]->cat) {
                pick = i;
                break;
            }
        }
        taken[pick] = true;
        spread[k] = rest[pick];
    }
    /* Soft question j goes to slot floor((2j + 1) * m / 2s) of the m after the warm-up. */
    size_t m = n - 1, si = 0, ri = 0;
    for (size_t pos = 0; pos < m; pos++) {
        bool soft_here = si < ns && (2 * si + 1) * m / (2 * ns) <= pos;
        out[pos + 1] = soft_here || ri >= nr ? soft[si++] : spread[ri++];
    }
}

/* Copies a picked candidate into the session. A bank question's model answer is the one of the
 * candidate's role family (ai/modelans.h); a template's is filled from the resume like its text. */
static int copy_question(arena *a, const gen *g, const cand *c, ai_question *q)
{
    const ai_question *src = &c->item->question;
    q->category = cat_names[c->cat];
    q->difficulty = lvl_names[c->lvl];
    q->text = arena_strdup(a, c->text);
    q->bank_id = arena_strdup(a, src->bank_id);
    if (c->from_resume)
        q->model_answer = fill(a, c, src->model_answer);
    else if (ai_modelans_pick(g->answers, a, src, g->req->target_role, g->req->resume,
                              &q->model_answer) != IA_OK)
        q->model_answer = NULL;
    q->key_points = arena_calloc(a, src->nkey_points + 1, sizeof(ai_key_point));
    q->skills.v = arena_calloc(a, c->skills.n + 1, sizeof(char *));
    if (q->text == NULL || q->bank_id == NULL || q->model_answer == NULL || q->key_points == NULL ||
        q->skills.v == NULL)
        return IA_ERR_NOMEM;
    for (size_t i = 0; i < c->skills.n; i++)
        if ((q->skills.v[q->skills.n++] = arena_strdup(a, c->skills.v[i])) == NULL)
            return IA_ERR_NOMEM;
    for (size_t k = 0; k < src->nkey_points; k++) {
        const ai_key_point *from = &src->key_points[k];
        ai_key_point *to = &q->key_points[q->nkey_points++];
        to->point = fill(a, c, from->point);
        to->terms.v = arena_calloc(a, from->terms.n + 1, sizeof(char *));
        if (to->point == NULL || to->terms.v == NULL)
            return IA_ERR_NOMEM;
        for (size_t i = 0; i < from->terms.n; i++)
            if ((to->terms.v[to->terms.n++] = fill(a, c, from->terms.v[i])) == NULL)
                return IA_ERR_NOMEM;
    }
    /* The red flags travel with the question (docs/design.md "AI"). */
    if (src->nred_flags > 0 &&
        (q->red_flags = arena_calloc(a, src->nred_flags, sizeof(ai_red_flag))) == NULL)
        return IA_ERR_NOMEM;
    for (size_t f = 0; f < src->nred_flags; f++) {
        const ai_red_flag *from = &src->red_flags[f];
        ai_red_flag *to = &q->red_flags[q->nred_flags++];
        to->point = from->point;
        to->claim = arena_strdup(a, from->claim);
        to->correct = arena_strdup(a, from->correct);
        to->patterns.v = arena_calloc(a, from->patterns.n + 1, sizeof(char *));
        if (to->claim == NULL || to->correct == NULL || to->patterns.v == NULL)
            return IA_ERR_NOMEM;
        for (size_t i = 0; i < from->patterns.n; i++)
            if ((to->patterns.v[to->patterns.n++] = arena_strdup(a, from->patterns.v[i])) == NULL)
                return IA_ERR_NOMEM;
    }
    return IA_OK;
}

/* Checks the request and plans the difficulties: all at one level, or for "mixed" (also when
 * none is given) floor(0.3n) easy, floor(0.3n) hard and the rest medium. */
static int plan_levels(const ai_generate_request *req, int level_left[LVL_N])
{
    if (req->count < 1 || req->count > AI_QUESTIONS_MAX || req->focus_areas.n > FOCUS_MAX)
        return IA_ERR_INVALID;
    int n = req->count;
    if (req->difficulty == NULL || strcmp(req->difficulty, "mixed") == 0) {
        level_left[LVL_EASY] = level_left[LVL_HARD] = 3 * n / 10;
        level_left[LVL_MEDIUM] = n - 2 * (3 * n / 10);
        return IA_OK;
    }
    int lvl = index_of(req->difficulty, lvl_names, LVL_N);
    if (lvl < 0)
        return IA_ERR_INVALID;
    level_left[LVL_EASY] = level_left[LVL_MEDIUM] = level_left[LVL_HARD] = 0;
    level_left[lvl] = n;
    return IA_OK;
}

/* The facts of the resume's first ENTRIES_MAX usable experience entries (a company or a job
 * title): what tailored questions name. */
static int gather_entries(gen *g)
{
    const ai_analysis *r = g->req->resume;
    for (size_t e = 0; r != NULL && e < r->nexperience && g->nentries < ENTRIES_MAX; e++) {
        const ai_experience *x = &r->experience[e];
        entry_facts *f = &g->entry[g->nentries];
        f->company = x->company != NULL && *x->company ? x->company : NULL;
        f->job_title = x->job_title != NULL && *x->job_title ? x->job_title : NULL;
        if (f->company == NULL && f->job_title == NULL)
            continue;
        int rc = add_mentioned(g->tax, x->description, &f->skills);
        for (size_t i = 0; rc == IA_OK && i < x->highlights.n; i++)
            rc = add_mentioned(g->tax, x->highlights.v[i], &f->skills);
        if (rc != IA_OK)
            return rc;
        g->nentries++;
    }
    return IA_OK;
}

/* Everything selection needs: the role and its categories (those its mix gives a share, or all
 * six when no role is known), the focus areas (a category the role lacks is dropped from them,
 * and the chosen categories the role has become the only ones allowed), the skills of the
 * resume, the job description and the role, the resume's entries and every candidate. */
static int prepare(gen *g, const ai_offline *e, arena *a, const ai_generate_request *req)
{
    if (req->focus_areas.n > FOCUS_MAX)
        return IA_ERR_INVALID;
    g->tax = ai_offline_taxonomy(e);
    g->answers = ai_offline_modelans(e);
    g->req = req;
    /* The role: the target role, else the resume's inferred role, else none (general). */
    const char *role_text = req->target_role;
    if ((role_text == NULL || *role_text == '\0') && req->resume != NULL)
        role_text = req->resume->inferred_role;
    g->role = ai_role_find(role_text);
    ai_role_mix mix = g->role != NULL ? g->role->mix : AI_MIX_GENERAL;
    memcpy(g->weights, mix_weights[mix], sizeof(g->weights));
    g->max_tier = mix == AI_MIX_GENERAL || mix == AI_MIX_DOMAIN ? 1 : 2;
    /* Another profession's questions never fill a non-software role's interview. */
    g->any_tier = mix == AI_MIX_DOMAIN ? 1 : 2;
    unsigned usual = 0;
    for (int c = 0; c < CAT_N; c++) {
        if (g->role == NULL || g->weights[c] > 0)
            g->avail |= 1u << c;
        if (g->weights[c] > 0)
            usual |= 1u << c;
    }
    int rc = IA_OK;
    for (size_t i = 0; i < req->focus_areas.n; i++) {
        const char *f = req->focus_areas.v[i];
        if (f == NULL || *f == '\0')
            continue;
        focus_area *fa = &g->focus[g->nfocus];
        memset(fa, 0, sizeof(*fa));
        if ((rc = parse_focus(g->tax, f, fa)) != IA_OK)
            return rc;
        if (fa->cat >= 0) {
            g->asked |= 1u << fa->cat;
            if ((g->avail & (1u << fa->cat)) == 0)
                continue; /* left out for the role; ai_offline_plan reports it */
            g->focus_cats |= 1u << fa->cat;
        }
        g->nfocus += fa->cat >= 0 || fa->nskills > 0 || fa->nwords > 0;
    }
    g->allowed = g->focus_cats != 0 ? g->focus_cats : usual;
    if (g->focus_cats != 0) {
        int total = 0;
        for (int c = 0; c < CAT_N; c++) {
            if (!cat_allowed(g, c))
                g->weights[c] = 0;
            total += g->weights[c];
        }
        for (int c = 0; total == 0 && c < CAT_N; c++)
            g->weights[c] = cat_allowed(g, c) ? 1 : 0;
    }
    if ((rc = gather_skills(g, role_text)) != IA_OK || (rc = gather_entries(g)) != IA_OK ||
        (rc = build_candidates(g, a, ai_offline_bank(e))) != IA_OK)
        return rc;
    return IA_OK;
}

/* Distinct questions (by bank id) of category cat within the widest pool. */
static int cat_questions(const gen *g, int cat)
{
    int n = 0;
    for (size_t i = 0; i < g->nc; i++) {
        const cand *c = &g->c[i];
        if (c->cat != cat || c->tier > g->any_tier)
            continue;
        bool seen = false;
        for (size_t k = 0; k < i && !seen; k++)
            seen = g->c[k].cat == cat && g->c[k].tier <= g->any_tier &&
                   strcmp(g->c[k].item->question.bank_id, c->item->question.bank_id) == 0;
        n += !seen;
    }
    return n;
}

/* The goals that fill a session its chosen categories cannot: the categories the role has
 * outside the chosen ones, nearest first. */
static size_t fill_goals(const gen *g, goal *goals)
{
    size_t ng = 0;
    unsigned listed = g->allowed;
    for (int r = 0; r < CAT_N - 1; r++)
        for (int c = 0; c < CAT_N; c++) {
            int to = nearest[c][r];
            if (!cat_allowed(g, c) || (listed & (1u << to)) || !(g->avail & (1u << to)))
                continue;
            listed |= 1u << to;
            goals[ng++] = (goal){ GOAL_FILL, to };
        }
    return ng;
}

static const char *const cat_labels[CAT_N] = { "technical",  "coding",  "system design",
                                               "behavioral", "project", "general" };

/* The order categories are listed in the API (docs/api.md §4.4). */
static const int api_order[CAT_N] = { CAT_TECHNICAL,     CAT_BEHAVIORAL, CAT_PROJECT,
                                      CAT_SYSTEM_DESIGN, CAT_CODING,     CAT_GENERAL };

static void notice(ai_question_plan *out, const char *code, const char *category,
                   const char *message)
{
    if (out->nnotices < AI_NOTICES_MAX && message != NULL)
        out->notices[out->nnotices++] = (ai_notice){ code, category, message };
}

int ai_offline_plan(const ai_offline *e, arena *a, const ai_generate_request *req,
                    ai_question_plan *out)
{
    if (e == NULL || a == NULL || req == NULL || out == NULL || req->count < 0 ||
        req->count > AI_QUESTIONS_MAX)
        return IA_ERR_INVALID;
    *out = (ai_question_plan){ 0 };
    gen g;
    memset(&g, 0, sizeof(g));
    int rc = prepare(&g, e, a, req);
    if (rc != IA_OK)
        return rc;
    out->role = g.role != NULL ? g.role->name : NULL;
    int have[CAT_N] = { 0 };
    for (int k = 0; k < CAT_N; k++) {
        int c = api_order[k];
        ai_category_status *st = &out->categories[out->ncategories++];
        st->category = cat_names[c];
        st->available = (g.avail & (1u << c)) != 0;
        st->questions = have[c] = st->available ? cat_questions(&g, c) : 0;
        if (!st->available &&
            (st->reason = arena_printf(a, "Interviews for the %s role have no %s questions",
                                       g.role->name, cat_labels[c])) == NULL)
            return IA_ERR_NOMEM;
    }
    for (int k = 0; k < CAT_N; k++) {
        int c = api_order[k];
        if ((g.asked & (1u << c)) && !(g.avail & (1u << c)))
            notice(out, "CATEGORY_NOT_FOR_ROLE", cat_names[c],
                   arena_printf(a,
                                "%s questions are left out: interviews for the %s role have "
                                "none",
                                c == CAT_SYSTEM_DESIGN ? "System design" : "Coding", g.role->name));
    }
    if (g.asked != 0 && g.focus_cats == 0)
        notice(out, "FOCUS_CATEGORIES_IGNORED", NULL,
               arena_printf(a,
                            "None of the chosen categories applies to the %s role, so the "
                            "interview follows the role's usual mix",
                            g.role->name));
    int fit = 0;
    for (int c = 0; c < CAT_N; c++)
        fit += cat_allowed(&g, c) ? have[c] : 0;
    if (req->count > 0 && g.focus_cats != 0 && fit < req->count) {
        goal goals[CAT_N];
        size_t ng = fill_goals(&g, goals);
        const char *names = ng > 0 ? cat_labels[goals[0].arg] : "none";
        if (ng > 1)
            names = arena_printf(a, "%s, then %s", names, cat_labels[goals[1].arg]);
        notice(out, "CATEGORY_SHORT", NULL,
               names ? arena_printf(a,
                                    "Only %d questions of the chosen categories suit this role, "
                                    "so the other %d come from the nearest categories (%s)",
                                    fit, req->count - fit, names)
                     : NULL);
    }
    bool exact = g.focus_cats != 0 && (req->count == 0 || fit >= req->count);
    for (size_t i = 0; i < out->ncategories; i++) {
        int c = api_order[i];
        out->categories[i].allowed = exact ? cat_allowed(&g, c) : (g.avail & (1u << c)) != 0;
    }
    for (size_t i = 0; i < out->nnotices; i++)
        if (out->notices[i].message == NULL)
            return IA_ERR_NOMEM;
    return IA_OK;
}

/* True when text names one of the resume's hard skills, employers or job titles. */
static bool names_resume(const gen *g, const char *text)
{
    for (size_t i = 0; i < g->resume.n; i++)
        if (!is_soft(g->tax, g->resume.v[i]) && ai_has_word(text, g->resume.v[i], true))
            return true;
    for (size_t e = 0; e < g->nentries; e++)
        if ((g->entry[e].company && ai_has_word(text, g->entry[e].company, true)) ||
            (g->entry[e].job_title && ai_has_word(text, g->entry[e].job_title, true)))
            return true;
    return false;
}

/* The first entry whose own text mentions skill, or -1. */
static int entry_with(const gen *g, const char *skill)
{
    for (size_t e = 0; e < g->nentries; e++)
        if (set_has(&g->entry[e].skills, skill))
            return (int)e;
    return -1;
}

/* The skill of c a preface names: a hard skill the job asks for and the resume lacks, else one
 * it asks for and the resume has, else one of the resume's (kind 0, 1, 2); NULL when none. */
static const char *preface_skill(const gen *g, const cand *c, int *kind)
{
    const name_set *sets[] = { &g->jd_missing, &g->jd_shared, &g->resume };
    for (int k = 0; k < 3; k++)
        for (size_t i = 0; i < c->nsid; i++) {
            const skill_use *s = &g->sk[c->sid[i]];
            if (!s->soft && set_has(sets[k], s->name)) {
                *kind = k;
                return s->name;
            }
        }
    return NULL;
}

/* Where a question came from in the resume, said before it: the job description's requirement
 * it exercises (and whether the resume shows it), the resume's skill and the employer where it
 * was used; with soft, also for a question without such a skill or on a requirement the resume
 * lacks, the employer (and title) of one of the resume's entries, the turn-th in rotation. Only
 * facts the resume or the job description state are named. The rubric stays the bank question's. */
static int tailor(gen *g, arena *a, cand *c, bool soft, size_t turn)
{
    if (c->from_resume)
        return IA_OK;
    if (c->base == NULL)
        c->base = c->text;
    const entry_facts *own = g->nentries > 0 ? &g->entry[turn % g->nentries] : NULL;
    char pre[PREFACE_MAX];
    pre[0] = '\0';
    int kind = -1;
    const char *skill = preface_skill(g, c, &kind);
    int at = skill != NULL ? entry_with(g, skill) : -1;
    const entry_facts *x = at >= 0 ? &g->entry[at] : NULL;
    const char *where = x == NULL ? NULL : x->company != NULL ? x->company : x->job_title;
    const char *as = x != NULL && x->company == NULL ? "as " : "at ";
    /* "Your resume does not name" it only when the resume shows neither the requirement nor a
     * skill the question itself exercises ("Infrastructure as Code" asked through Terraform). */
    bool shown = false;
    for (size_t k = 0; skill != NULL && kind == 0 && k < c->skills.n; k++)
        shown = shown || set_has(&g->resume, c->skills.v[k]);
    for (size_t e = 0; skill != NULL && kind == 0 && e < g->nentries; e++)
        shown = shown ||
                (g->entry[e].job_title != NULL && ai_has_word(skill, g->entry[e].job_title, false));
    /* The same facts in three wordings, taken in turn, so that a session does not open every
     * question alike. */
    size_t v = g->prefaces % 3;
    if (skill != NULL && kind == 0 && shown) {
        snprintf(pre, sizeof(pre),
                 v == 0   ? "The role asks for %s. "
                 : v == 1 ? "This job lists %s among its requirements. "
                          : "The job description names %s. ",
                 skill);
    } else if (skill != NULL && kind == 0 && soft && own != NULL) {
        snprintf(pre, sizeof(pre),
                 v == 0   ? "The role asks for %s, which your resume does not name; draw on your "
                            "work %s%.*s. "
                 : v == 1 ? "This job lists %s, which your resume does not name; answer from your "
                            "work %s%.*s. "
                          : "The job description names %s, which your resume does not; draw on "
                            "your work %s%.*s. ",
                 skill, own->company ? "at " : "as ", FILL_MAX,
                 own->company ? own->company : own->job_title);
    } else if (skill != NULL && kind == 0) {
        snprintf(pre, sizeof(pre),
                 v == 0   ? "The role asks for %s, which your resume does not name. "
                 : v == 1 ? "This job lists %s, which your resume does not name. "
                          : "The job description names %s; your resume does not. ",
                 skill);
    } else if (skill != NULL && kind == 1) {
        if (where != NULL && v != 1)
            snprintf(pre, sizeof(pre),
                     v == 0 ? "The role asks for %s, which you used %s%.*s. "
                            : "This job needs %s, which you worked with %s%.*s. ",
                     skill, as, FILL_MAX, where);
        else if (where != NULL)
            snprintf(pre, sizeof(pre), "You used %s %s%.*s, and this role asks for it. ", skill, as,
                     FILL_MAX, where);
        else
            snprintf(pre, sizeof(pre),
                     v == 0 ? "The role asks for %s, which your resume lists. "
                            : "Both your resume and this job list %s. ",
                     skill);
    } else if (skill != NULL && where != NULL) {
        snprintf(pre, sizeof(pre), "%s%.*s you worked with %s. ", x->company ? "At " : "As ",
                 FILL_MAX, where, skill);
    } else if (skill != NULL && !ai_has_word(c->text, skill, true)) {
        snprintf(pre, sizeof(pre), "Your resume lists %s. ", skill);
    } else if (skill == NULL && soft && own != NULL) {
        x = own;
        if (x->company != NULL && x->job_title != NULL && turn % 2 == 0)
            snprintf(pre, sizeof(pre), "Thinking of your time as %.*s at %.*s: ", FILL_MAX,
                     x->job_title, FILL_MAX, x->company);
        else if (x->company != NULL)
            snprintf(pre, sizeof(pre), "From your work at %.*s: ", FILL_MAX, x->company);
        else
            snprintf(pre, sizeof(pre), "In your role as %.*s: ", FILL_MAX, x->job_title);
    }
    if (pre[0] == '\0')
        return IA_OK;
    g->prefaces++;
    const char *text = arena_printf(a, "%s%s", pre, c->base);
    if (text == NULL)
        return IA_ERR_NOMEM;
    c->text = text;
    return IA_OK;
}

/* Tailors the picked questions: every one a skill links to the job description or the resume,
 * then, while fewer than RESUME_SHARE percent name something of the resume, the others but
 * coding and system design exercises with an entry's employer and title. */
static int tailor_all(gen *g, arena *a)
{
    if (g->req->resume == NULL && g->jd_missing.n + g->jd_shared.n == 0)
        return IA_OK;
    size_t refs = 0, turn = 0;
    for (size_t i = 0; i < g->npicked; i++) {
        cand *c = (cand *)g->picked[i];
        int rc = tailor(g, a, c, false, 0);
        if (rc != IA_OK)
            return rc;
        refs += c->from_resume || names_resume(g, c->text);
    }
    for (size_t i = 0; i < g->npicked && refs * 100 < RESUME_SHARE * g->npicked; i++) {
        cand *c = (cand *)g->picked[i];
        if (c->from_resume || names_resume(g, c->text) || c->cat == CAT_CODING ||
            c->cat == CAT_SYSTEM_DESIGN)
            continue;
        int rc = tailor(g, a, c, true, turn++);
        if (rc != IA_OK)
            return rc;
        refs += names_resume(g, c->text);
    }
    return IA_OK;
}

int ai_offline_generate(const ai_offline *e, arena *a, const ai_generate_request *req,
                        ai_questions *out)
{
    if (e == NULL || a == NULL || req == NULL || out == NULL)
        return IA_ERR_INVALID;
    *out = (ai_questions){ 0 };
    gen g;
    memset(&g, 0, sizeof(g));
    int rc = plan_levels(req, g.level_left);
    if (rc != IA_OK || (rc = prepare(&g, e, a, req)) != IA_OK)
        return rc;
    for (size_t i = 0; i < g.nc && g.focus_target == 0; i++)
        if (g.c[i].focus != 0 && g.nfocus > 0)
            g.focus_target = ((size_t)req->count + 1) / 2;
    set_quotas(&g, req->count);
    goal fills[CAT_N];
    size_t nfills = fill_goals(&g, fills);
    for (int k = 0; k < req->count; k++) {
        goal goals[GOALS_MAX];
        size_t ng = plan_goals(&g, req->count, goals);
        cand *pick = NULL;
        for (int stage = 0; stage < 3 && pick == NULL; stage++)
            for (size_t i = 0; i < ng && pick == NULL; i++)
                pick = best_for(&g, &goals[i], stage);
        /* The chosen categories ran out: the nearest the role has (ai_offline_plan says so). */
        for (int stage = 1; stage < 3 && pick == NULL; stage++)
            for (size_t i = 0; i < nfills && pick == NULL; i++)
                pick = best_for(&g, &fills[i], stage);
        if (pick == NULL)
            return IA_NOT_FOUND; /* fewer distinct questions in the bank than asked for */
        take(&g, pick);
    }
    if ((rc = tailor_all(&g, a)) != IA_OK)
        return rc;
    const cand *ordered[AI_QUESTIONS_MAX];
    order(g.picked, g.npicked, ordered);
    out->v = arena_calloc(a, g.npicked, sizeof(ai_question));
    if (out->v == NULL)
        return IA_ERR_NOMEM;
    for (size_t i = 0; i < g.npicked; i++) {
        if ((rc = copy_question(a, &g, ordered[i], &out->v[i])) != IA_OK) {
            *out = (ai_questions){ 0 };
            return rc;
        }
    }
    out->n = g.npicked;
    return IA_OK;
}

/* The follow-up to a question whose answer missed key points (docs/api.md §4.6): it asks for
 * the first point missed, and is graded on the points missed (up to two), with the parent's
 * category, difficulty, skills and model answer. IA_NOT_FOUND when nothing was missed (an
 * answer that covered every point, or a provider's evaluation, which names no missed points). */
int ai_offline_follow_up(arena *a, const ai_question *parent, const ai_evaluation *ev,
                         ai_question *out)
{
    if (parent == NULL || ev == NULL || ev->missed.n == 0 || ev->missed.v[0] == NULL)
        return IA_NOT_FOUND;
    size_t n = 0;
    ai_key_point *kps = arena_calloc(a, 2, sizeof(*kps));
    if (kps == NULL)
        return IA_ERR_NOMEM;
    for (size_t m = 0; m < ev->missed.n && n < 2; m++)
        for (size_t p = 0; p < parent->nkey_points; p++)
            if (strcmp(parent->key_points[p].point, ev->missed.v[m]) == 0) {
                kps[n++] = parent->key_points[p];
                break;
            }
    if (n == 0)
        return IA_NOT_FOUND;
    const char *point = kps[0].point;
    bool story =
        strcmp(parent->category, "behavioral") == 0 || strcmp(parent->category, "project") == 0;
    *out = (ai_question){ 0 };
    out->text = story ? arena_printf(a,
                                     "Follow-up: going back to that example, your answer did not "
                                     "get to \u201c%s\u201d. What did you do about it, and what "
                                     "came of it?",
                                     point)
                      : arena_printf(a,
                                     "Follow-up: your answer did not get to \u201c%s\u201d. How "
                                     "does it apply here? Explain it with an example.",
                                     point);
    if (out->text == NULL)
        return IA_ERR_NOMEM;
    out->category = parent->category;
    out->difficulty = parent->difficulty;
    out->key_points = kps;
    out->nkey_points = n;
    out->model_answer = parent->model_answer;
    out->skills = parent->skills;
    return IA_OK;
}
