/* Interview questions from the question bank (ai_offline_generate). Every bank question and
 * every project template filled from the resume's own experience becomes a candidate with a
 * rank (focus areas, then job-description skills the resume lacks, skills in both, the
 * resume's skills, the role's fit) and a pool tier (the role's own and role-free questions,
 * then related roles, then any). The questions are then picked one slot at a time: first what
 * the session must contain (half on the focus areas, one on a skill the job asks for and the
 * resume lacks, one behavioral, one project from the resume), then the category most behind
 * its share for the role. A slot is filled from the narrowest pool first, at a difficulty that
 * still has room; only when no pool can fill a slot are questions of the user's recent
 * sessions repeated, and only after that does a difficulty give way. */
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

#define FOCUS_MAX      10 /* focus areas of one request (docs/api.md §4.1) */
#define FOCUS_SKILLS   4  /* skills one focus area can name */
#define FOCUS_WORDS    4  /* topic words of one focus area */
#define WORD_MAX       32 /* bytes of one topic word */
#define SKILLS_MAX     64 /* skills kept from a resume, a job description or a role */
#define ENTRIES_MAX    3  /* experience entries (most recent first) the templates are filled from */
#define FILL_MAX       120 /* bytes of a company, job title or skill put into a template */
#define REPEAT_PENALTY 60  /* rank lost per earlier question on the same skill */
#define FOCUS_BONUS    1000
#define CAND_SKILLS    8 /* skills of one question that count for ranking */

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
} cand;

typedef enum { GOAL_FOCUS, GOAL_JD, GOAL_RESUME_PROJECT, GOAL_CATEGORY, GOAL_ANY } goal_kind;

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

#define GOALS_MAX (FOCUS_MAX + CAT_N + 4)

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
    unsigned focus_cats; /* bit per category a focus area names */
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
    for (size_t i = 0; i < sizeof(stopwords) / sizeof(stopwords[0]); i++)
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
    for (size_t i = 0; i < sizeof(cat_phrases) / sizeof(cat_phrases[0]) && f->cat < 0; i++) {
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

static bool avoided(const ai_generate_request *req, const char *id, const char *text)
{
    for (size_t i = 0; i < req->avoid.n; i++) {
        const char *s = req->avoid.v[i];
        if (s != NULL && (strcmp(s, id) == 0 || same_text(s, text)))
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
 * category or skill; tier 1 the related roles' questions and those that match a focus area by
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
        } else if (set_has(&g->jd_shared, s)) {
            b = soft ? 80 : 200;
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
    int how = FOCUS_NONE;
    for (size_t f = 0; f < g->nfocus; f++) {
        int m = matches_focus(&g->focus[f], c);
        if (m != FOCUS_NONE)
            c->focus |= 1u << f;
        how = m > how ? m : how;
    }
    if (c->focus != 0) {
        c->tier = how == FOCUS_STRONG ? 0 : c->tier < 1 ? c->tier : 1;
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

/* The skills that steer the choice: the resume's (taxonomy names where known), the job
 * description's split into those the resume lacks and those it shares, and the target role's
 * own words ("Python Developer"). */
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
    name_set jd = { .n = 0 };
    int rc = add_mentioned(g->tax, g->req->job_description, &jd);
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
        if (g->quota[required[i]] > 0)
            continue;
        int most = 0;
        for (int c = 1; c < CAT_N; c++)
            if (g->quota[c] > g->quota[most])
                most = c;
        g->quota[most]--;
        g->quota[required[i]]++;
    }
}

static bool cat_allowed(const gen *g, int cat)
{
    return g->weights[cat] > 0 || (g->focus_cats & (1u << cat)) != 0;
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

static bool goal_admits(const gen *g, const goal *gl, const cand *c)
{
    switch (gl->kind) {
    case GOAL_FOCUS:
        return (c->focus & (1u << gl->arg)) != 0;
    case GOAL_JD:
        return c->jd_missing && cat_allowed(g, c->cat);
    case GOAL_RESUME_PROJECT:
        return c->from_resume;
    case GOAL_CATEGORY:
        return c->cat == gl->arg && (cat_allowed(g, c->cat) || c->focus != 0);
    case GOAL_ANY:
        break;
    }
    return true;
}

/* The best unused candidate for a goal. Stage 0 keeps to the planned difficulties and leaves
 * recent questions out; stage 1 lets recent questions back in; stage 2 lets any difficulty in.
 * Among the admitted, the narrowest pool wins, then the rank (less the repeats of its skills),
 * then the difficulty with the most room left, then the seeded tie-break. */
static cand *best_for(gen *g, const goal *gl, int stage)
{
    cand *best = NULL;
    long best_score = 0;
    int max_tier = gl->kind == GOAL_ANY ? 2 : g->max_tier;
    for (size_t i = 0; i < g->nc; i++) {
        cand *c = &g->c[i];
        if (c->used || c->tier > max_tier || (stage == 0 && c->avoided) ||
            (stage < 2 && g->level_left[c->lvl] <= 0) || !goal_admits(g, gl, c))
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
    size_t ng = 0, focus_picked = 0, per_focus[FOCUS_MAX] = { 0 };
    bool jd_done = false, project_done = false, has_projects = false;
    for (size_t p = 0; p < g->npicked; p++) {
        focus_picked += g->picked[p]->focus != 0;
        for (size_t f = 0; f < g->nfocus; f++)
            per_focus[f] += (g->picked[p]->focus >> f) & 1u;
        jd_done = jd_done || g->picked[p]->jd_missing;
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
    if (g->jd_missing.n > 0 && !jd_done)
        goals[ng++] = (goal){ GOAL_JD, 0 };
    if (n >= 5 && g->chosen[CAT_BEHAVIORAL] == 0)
        goals[ng++] = (goal){ GOAL_CATEGORY, CAT_BEHAVIORAL };
    if (n >= 5 && has_projects && !project_done)
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

int ai_offline_generate(const ai_offline *e, arena *a, const ai_generate_request *req,
                        ai_questions *out)
{
    if (e == NULL || a == NULL || req == NULL || out == NULL)
        return IA_ERR_INVALID;
    *out = (ai_questions){ 0 };
    gen g;
    memset(&g, 0, sizeof(g));
    int rc = plan_levels(req, g.level_left);
    if (rc != IA_OK)
        return rc;
    g.tax = ai_offline_taxonomy(e);
    g.answers = ai_offline_modelans(e);
    g.req = req;
    /* The role: the target role, else the resume's inferred role, else none (general). */
    const char *role_text = req->target_role;
    if ((role_text == NULL || *role_text == '\0') && req->resume != NULL)
        role_text = req->resume->inferred_role;
    g.role = ai_role_find(role_text);
    ai_role_mix mix = g.role != NULL ? g.role->mix : AI_MIX_GENERAL;
    memcpy(g.weights, mix_weights[mix], sizeof(g.weights));
    g.max_tier = mix == AI_MIX_GENERAL || mix == AI_MIX_DOMAIN ? 1 : 2;
    for (size_t i = 0; i < req->focus_areas.n; i++) {
        const char *f = req->focus_areas.v[i];
        if (f == NULL || *f == '\0')
            continue;
        focus_area *fa = &g.focus[g.nfocus];
        if ((rc = parse_focus(g.tax, f, fa)) != IA_OK)
            return rc;
        if (fa->cat >= 0)
            g.focus_cats |= 1u << fa->cat;
        g.nfocus += fa->cat >= 0 || fa->nskills > 0 || fa->nwords > 0;
    }
    if ((rc = gather_skills(&g, role_text)) != IA_OK ||
        (rc = build_candidates(&g, a, ai_offline_bank(e))) != IA_OK)
        return rc;
    for (size_t i = 0; i < g.nc && g.focus_target == 0; i++)
        if (g.c[i].focus != 0)
            g.focus_target = ((size_t)req->count + 1) / 2;
    set_quotas(&g, req->count);
    for (int k = 0; k < req->count; k++) {
        goal goals[GOALS_MAX];
        size_t ng = plan_goals(&g, req->count, goals);
        cand *pick = NULL;
        for (int stage = 0; stage < 3 && pick == NULL; stage++)
            for (size_t i = 0; i < ng && pick == NULL; i++)
                pick = best_for(&g, &goals[i], stage);
        if (pick == NULL)
            return IA_NOT_FOUND; /* fewer distinct questions in the bank than asked for */
        take(&g, pick);
    }
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
