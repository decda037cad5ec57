/* Reading a job description's requirements (ai/jobreq.h; docs/api.md §5.3).
 *
 * The text is read line by line. A heading (a short line, or the words before a colon) names
 * its section: required ("Requirements", "Qualifications", "What you'll need"), preferred
 * ("Nice to have", "Preferred qualifications", "Bonus"), duties ("Responsibilities", "What you
 * will do") or other ("About us", "Benefits"). The bullets and sentences of the required and
 * preferred sections are the requirements; when the text has no such section, its sentences
 * that read as requirements (naming a skill, a number of years, a degree, or words such as
 * "experience", "must", "knowledge of") are, the first line (the title) left out.
 *
 * A sentence ("; " ends one too) marked "a plus", "preferred", "bonus", "nice to have"... is
 * preferred wherever it stands. A sentence that asks for years or a degree is one requirement
 * of that kind. Any other sentence is cut at commas, "and", "&", "or" and "/" (not inside
 * parentheses, not inside a skill's own name such as "CI/CD"): parts joined by "or" or "/" are
 * the alternatives of one requirement, and a comma takes the meaning of the next "and" or "or"
 * of its list ("X, Y or Z" is one requirement). Each part is reduced to its distinctive words:
 * function words and the generic words of job ads ("experience", "strong", "knowledge") go; a
 * part naming several skills of the taxonomy gives one requirement per skill, and a long part
 * naming one gives that skill. A short parenthesis ("(ACLS)", "(IFRS 16)") is one more
 * alternative, and a credential's abbreviation and its full name stand for each other. */
#include "ai/jobreq.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "ai/roles.h"
#include "ai/textutil.h"
#include "core/errors.h"
#include "core/util.h"

#define JD_TEXT_MAX   (64 * 1024)
#define LINE_MAX_LEN  2000 /* bytes of one line read */
#define PARTS_MAX     24   /* parts of one sentence */
#define SKILLS_MAX    16   /* skills of one part */
#define ALT_LEN       160  /* bytes of one alternative */
#define TITLE_WORDS   10   /* a first line this short is the job's title */
#define HEADING_WORDS 7    /* a line this short can be a heading */

typedef enum { SEC_NONE, SEC_REQUIRED, SEC_PREFERRED, SEC_DUTIES, SEC_OTHER } section;

/* Heading words, tried in this order: a preferred heading often holds a required word too
 * ("Preferred qualifications"), and "you will need" must be read before "you will". */
static const char *const preferred_heads[] = {
    "nice to have", "nice-to-have",  "nice to haves", "preferred",        "bonus",
    "desirable",    "a plus",        "pluses",        "good to have",     "ideally",
    "extra credit", "not required",  "desired",       "desirable skills", "would be great",
    "optional",     "nice-to-haves", "bonus points",  "even better"
};
static const char *const required_heads[] = {
    "requirements",  "required",    "qualifications", "must have",      "must-have",
    "must haves",    "you'll need", "you will need",  "what you need",  "looking for",
    "about you",     "who you are", "you bring",      "you have",       "we need",
    "essential",     "minimum",     "competencies",   "eligibility",    "ideal candidate",
    "your profile",  "key skills",  "you'll bring",   "you will bring", "you should have",
    "what it takes", "must-haves"
};
static const char *const duty_heads[] = {
    "responsibilities",    "what you will do", "what you'll do", "duties",
    "day to day",          "day-to-day",       "the role",       "your role",
    "your impact",         "you will",         "role overview",  "key tasks",
    "in this role",        "the job",          "overview",       "tasks",
    "what you'll be doing"
};
static const char *const other_heads[] = { "about us",     "benefits",
                                           "perks",        "we offer",
                                           "compensation", "salary",
                                           "how to apply", "equal opportunity",
                                           "why join",     "about the company",
                                           "who we are",   "what we offer",
                                           "our team",     "schedule",
                                           "location",     "pay",
                                           "the company",  "about" };
/* Weak heading words: a heading only on a line of at most three words ("Skills",
 * "Skills & Experience"). */
static const char *const weak_required_heads[] = { "skills",    "experience", "profile",
                                                   "knowledge", "education",  "certifications",
                                                   "licenses",  "licences",   "credentials" };

/* Words marking a sentence as a nice-to-have. */
static const char *const optional_markers[] = {
    "nice to have", "nice-to-have", "a plus",       "bonus",         "preferred",    "desirable",
    "optional",     "ideally",      "an advantage", "would be nice", "good to have", "preferably",
    "is a plus",    "advantageous", "encouraged",   "not required"
};

/* Words that say a sentence asks for something, when no section says so. */
static const char *const requirement_cues[] = {
    "experience",    "experienced",   "required",   "require",     "requires",
    "must",          "knowledge",     "proficient", "proficiency", "familiar",
    "familiarity",   "license",       "licence",    "licensed",    "certified",
    "certification", "degree",        "ability",    "skills",      "background",
    "qualified",     "understanding", "expertise",  "fluent",      "fluency"
};

/* The generic words of job ads, left out of a requirement's distinctive words (lower-case). */
static const char *const generic_words[] = { "ability",
                                             "able",
                                             "active",
                                             "advantage",
                                             "advantageous",
                                             "also",
                                             "applicant",
                                             "applicants",
                                             "background",
                                             "big",
                                             "bonus",
                                             "candidate",
                                             "candidates",
                                             "certificate",
                                             "certification",
                                             "certifications",
                                             "comfortable",
                                             "current",
                                             "currently",
                                             "deep",
                                             "demonstrable",
                                             "demonstrated",
                                             "desirable",
                                             "desired",
                                             "e.g",
                                             "eg",
                                             "equivalent",
                                             "etc",
                                             "excellent",
                                             "exceptional",
                                             "experience",
                                             "experienced",
                                             "experiences",
                                             "expert",
                                             "expertise",
                                             "extensive",
                                             "familiar",
                                             "familiarity",
                                             "good",
                                             "great",
                                             "hands",
                                             "hands-on",
                                             "have",
                                             "having",
                                             "highly",
                                             "history",
                                             "i.e",
                                             "ideal",
                                             "ideally",
                                             "ie",
                                             "include",
                                             "includes",
                                             "including",
                                             "knowledge",
                                             "knowledgeable",
                                             "least",
                                             "licence",
                                             "licenses",
                                             "license",
                                             "licensure",
                                             "like",
                                             "minimum",
                                             "must",
                                             "nice",
                                             "optional",
                                             "part",
                                             "plus",
                                             "practical",
                                             "prefer",
                                             "preferably",
                                             "preferred",
                                             "previous",
                                             "prior",
                                             "professional",
                                             "proficiency",
                                             "proficient",
                                             "proven",
                                             "qualification",
                                             "qualifications",
                                             "qualified",
                                             "record",
                                             "related",
                                             "relevant",
                                             "require",
                                             "required",
                                             "requirement",
                                             "requirements",
                                             "requires",
                                             "role",
                                             "should",
                                             "similar",
                                             "skill",
                                             "skilled",
                                             "skills",
                                             "solid",
                                             "strong",
                                             "stronger",
                                             "successful",
                                             "such",
                                             "technologies",
                                             "technology",
                                             "tool",
                                             "tools",
                                             "track",
                                             "understanding",
                                             "use",
                                             "used",
                                             "using",
                                             "valid",
                                             "well",
                                             "working",
                                             "work",
                                             "year",
                                             "years",
                                             "yr",
                                             "yrs",
                                             "will",
                                             "would",
                                             "field",
                                             "environment",
                                             "various",
                                             "within",
                                             "willingness",
                                             "willing",
                                             "eager",
                                             "excellent",
                                             "thorough",
                                             "sound",
                                             "fluent",
                                             "fluency",
                                             "demonstrate",
                                             "show",
                                             "equally",
                                             "setting",
                                             "settings",
                                             "level",
                                             "program",
                                             "programs",
                                             "concept",
                                             "concepts",
                                             "principles",
                                             "practices",
                                             "team",
                                             "teams",
                                             "language",
                                             "languages",
                                             "above",
                                             "below",
                                             "production",
                                             "environments",
                                             "day",
                                             "daily",
                                             "every",
                                             "areas",
                                             "area",
                                             "industry" };

/* A credential's or a field's abbreviation and its full name, which stand for each other. */
static const struct {
    const char *abbr, *full;
} credentials[] = {
    { "RN", "registered nurse" },
    { "LPN", "licensed practical nurse" },
    { "BLS", "basic life support" },
    { "ACLS", "advanced cardiac life support" },
    { "ACLS", "advanced cardiovascular life support" },
    { "PALS", "pediatric advanced life support" },
    { "NRP", "neonatal resuscitation" },
    { "TNCC", "trauma nursing core course" },
    { "CCRN", "critical care registered nurse" },
    { "CRRT", "continuous renal replacement therapy" },
    { "ICU", "intensive care" },
    { "CPA", "certified public accountant" },
    { "CMA", "certified management accountant" },
    { "CFA", "chartered financial analyst" },
    { "CIMA", "chartered management accountant" },
    { "ACCA", "chartered certified accountant" },
    { "GAAP", "generally accepted accounting principles" },
    { "IFRS", "international financial reporting standards" },
    { "SOX", "sarbanes-oxley" },
    { "PMP", "project management professional" },
    { "CAPM", "certified associate in project management" },
    { "CSM", "certified scrummaster" },
    { "CSM", "certified scrum master" },
    { "PSM", "professional scrum master" },
    { "CISSP", "certified information systems security professional" },
    { "CDL", "commercial driver's license" },
    { "CRM", "customer relationship management" },
    { "KPI", "key performance indicator" },
    { "QTS", "qualified teacher status" },
    { "PGCE", "postgraduate certificate in education" },
    { "ESL", "english as a second language" },
    { "IEP", "individualized education program" },
    { "SEN", "special educational needs" },
    { "OSHA", "occupational safety and health" },
    { "WMS", "warehouse management system" },
    { "ERP", "enterprise resource planning" },
};

/* Degree names by level; matched as whole words, case-insensitively except the short
 * capitalised abbreviations (matched as written). */
static const struct {
    const char *word;
    int level;
    bool exact_case;
} degree_words[] = {
    { "associate degree", AI_DEGREE_ASSOCIATE, false },
    { "associate's", AI_DEGREE_ASSOCIATE, false },
    { "associates", AI_DEGREE_ASSOCIATE, false },
    { "associate of", AI_DEGREE_ASSOCIATE, false },
    { "ADN", AI_DEGREE_ASSOCIATE, true },
    { "AAS", AI_DEGREE_ASSOCIATE, true },
    { "bachelor", AI_DEGREE_BACHELOR, false },
    { "bachelor's", AI_DEGREE_BACHELOR, false },
    { "bachelors", AI_DEGREE_BACHELOR, false },
    { "undergraduate degree", AI_DEGREE_BACHELOR, false },
    { "BS", AI_DEGREE_BACHELOR, true },
    { "B.S", AI_DEGREE_BACHELOR, true },
    { "BA", AI_DEGREE_BACHELOR, true },
    { "B.A", AI_DEGREE_BACHELOR, true },
    { "BSc", AI_DEGREE_BACHELOR, true },
    { "B.Sc", AI_DEGREE_BACHELOR, true },
    { "BEng", AI_DEGREE_BACHELOR, true },
    { "B.Tech", AI_DEGREE_BACHELOR, true },
    { "BTech", AI_DEGREE_BACHELOR, true },
    { "B.E", AI_DEGREE_BACHELOR, true },
    { "BBA", AI_DEGREE_BACHELOR, true },
    { "BSN", AI_DEGREE_BACHELOR, true },
    { "B.Com", AI_DEGREE_BACHELOR, true },
    { "BCom", AI_DEGREE_BACHELOR, true },
    { "BEd", AI_DEGREE_BACHELOR, true },
    { "B.Ed", AI_DEGREE_BACHELOR, true },
    { "master", AI_DEGREE_MASTER, false },
    { "master's", AI_DEGREE_MASTER, false },
    { "masters", AI_DEGREE_MASTER, false },
    { "graduate degree", AI_DEGREE_MASTER, false },
    { "MS", AI_DEGREE_MASTER, true },
    { "M.S", AI_DEGREE_MASTER, true },
    { "MSc", AI_DEGREE_MASTER, true },
    { "M.Sc", AI_DEGREE_MASTER, true },
    { "MA", AI_DEGREE_MASTER, true },
    { "MBA", AI_DEGREE_MASTER, true },
    { "MSN", AI_DEGREE_MASTER, true },
    { "MEng", AI_DEGREE_MASTER, true },
    { "M.Tech", AI_DEGREE_MASTER, true },
    { "MPH", AI_DEGREE_MASTER, true },
    { "MEd", AI_DEGREE_MASTER, true },
    { "M.Ed", AI_DEGREE_MASTER, true },
    { "doctorate", AI_DEGREE_DOCTOR, false },
    { "doctoral", AI_DEGREE_DOCTOR, false },
    { "doctor of", AI_DEGREE_DOCTOR, false },
    { "PhD", AI_DEGREE_DOCTOR, true },
    { "Ph.D", AI_DEGREE_DOCTOR, true },
    { "DNP", AI_DEGREE_DOCTOR, true },
};

static bool in_list(const char *const *list, size_t n, const char *w)
{
    for (size_t i = 0; i < n; i++)
        if (strcasecmp(list[i], w) == 0)
            return true;
    return false;
}

static bool has_any(const char *text, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (ai_has_word(text, list[i], true))
            return true;
    return false;
}

bool ai_jobreq_word_as_written(const char *text, const char *w)
{
    size_t n = strlen(w);
    for (const char *p = strstr(text, w); p != NULL; p = strstr(p + 1, w)) {
        bool before = p == text || !isalnum((unsigned char)p[-1]);
        bool after =
            !isalnum((unsigned char)p[n]) && !(p[n] == '.' && isalpha((unsigned char)p[n + 1]));
        if (before && after)
            return true;
    }
    return false;
}

/* The highest (or with lowest, the lowest) degree level text names, AI_DEGREE_NONE for none. */
static int degree_level(const char *text, bool lowest)
{
    int best = AI_DEGREE_NONE;
    if (text == NULL)
        return best;
    for (size_t i = 0; i < COUNT(degree_words); i++) {
        bool hit = degree_words[i].exact_case
                       ? ai_jobreq_word_as_written(text, degree_words[i].word)
                       : ai_has_word(text, degree_words[i].word, true);
        if (hit && (best == AI_DEGREE_NONE ||
                    (lowest ? degree_words[i].level < best : degree_words[i].level > best)))
            best = degree_words[i].level;
    }
    return best;
}

int ai_jobreq_degree_level(const char *text)
{
    return degree_level(text, false);
}

/* The number a written-out number word at p stands for ("five" 5), 0 when none; *end is set
 * past the word. */
static int number_word(const char *p, const char **end)
{
    static const char *const words[] = { "one",    "two",    "three",    "four",     "five",
                                         "six",    "seven",  "eight",    "nine",     "ten",
                                         "eleven", "twelve", "thirteen", "fourteen", "fifteen" };
    for (size_t i = 0; i < COUNT(words); i++) {
        size_t n = strlen(words[i]);
        if (strncasecmp(p, words[i], n) == 0 && !isalpha((unsigned char)p[n])) {
            *end = p + n;
            return (int)i + 1;
        }
    }
    return 0;
}

double ai_jobreq_years(const char *s)
{
    double best = -1;
    /* Written out: "five years", "three (3) years", "two+ years". */
    for (const char *p = s; *p; p++) {
        const char *q = NULL;
        int n = (p == s || !isalpha((unsigned char)p[-1])) ? number_word(p, &q) : 0;
        if (n == 0)
            continue;
        while (*q == ' ' || *q == '+' || *q == '(' || *q == ')' || isdigit((unsigned char)*q))
            q++;
        if ((strncasecmp(q, "years", 5) == 0 || strncasecmp(q, "yrs", 3) == 0 ||
             (n == 1 && strncasecmp(q, "year", 4) == 0)) &&
            n > best)
            best = n;
    }
    for (const char *p = s; *p; p++) {
        if (!isdigit((unsigned char)*p) || (p > s && isalnum((unsigned char)p[-1])))
            continue;
        long n = 0;
        const char *q = p;
        while (isdigit((unsigned char)*q) && n < 100)
            n = n * 10 + (*q++ - '0');
        while (isdigit((unsigned char)*q))
            q++;
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
    return best;
}

/* The section a heading names, SEC_NONE when it names none. words is its number of words. */
static section heading_section(const char *h, size_t words)
{
    if (has_any(h, preferred_heads, COUNT(preferred_heads)))
        return SEC_PREFERRED;
    if (has_any(h, required_heads, COUNT(required_heads)))
        return SEC_REQUIRED;
    if (has_any(h, duty_heads, COUNT(duty_heads)))
        return SEC_DUTIES;
    if (has_any(h, other_heads, COUNT(other_heads)))
        return SEC_OTHER;
    if (words <= 3 && has_any(h, weak_required_heads, COUNT(weak_required_heads)))
        return SEC_REQUIRED;
    return SEC_NONE;
}

static size_t count_words(const char *s, size_t len)
{
    size_t n = 0;
    bool in = false;
    for (size_t i = 0; i < len; i++) {
        bool w = !isspace((unsigned char)s[i]);
        n += w && !in;
        in = w;
    }
    return n;
}

/* Skips a bullet marker (-, *, •, ·, ▪, ◦, –, —, "1.", "a)") and spaces at the start of s;
 * *bullet says whether there was one. */
static char *skip_bullet(char *s, bool *bullet)
{
    static const char *const marks[] = { "\xe2\x80\xa2",
                                         "\xc2\xb7",
                                         "\xe2\x96\xaa",
                                         "\xe2\x97\xa6",
                                         "\xe2\x80\x93",
                                         "\xe2\x80\x94",
                                         "\xe2\x97\x8f",
                                         "-",
                                         "*",
                                         "+",
                                         ">" };
    *bullet = false;
    while (isspace((unsigned char)*s))
        s++;
    for (size_t i = 0; i < COUNT(marks); i++) {
        size_t n = strlen(marks[i]);
        if (strncmp(s, marks[i], n) == 0 && (s[n] == ' ' || s[n] == '\t')) {
            *bullet = true;
            s += n;
            break;
        }
    }
    if (!*bullet && isdigit((unsigned char)s[0]) && (s[1] == '.' || s[1] == ')') && s[2] == ' ') {
        *bullet = true;
        s += 2;
    }
    while (isspace((unsigned char)*s))
        s++;
    return s;
}

/* The reader's state: where requirements go, and the taxonomy. */
typedef struct {
    arena *a;
    const ai_taxonomy *t;
    ai_jobreqs *out;
    int rc;
} reader;

static ai_jobreq *new_req(reader *r, const char *text, size_t len, bool preferred)
{
    if (r->out->n >= AI_JOBREQ_MAX || r->rc != IA_OK)
        return NULL;
    while (len > 0 && (isspace((unsigned char)text[len - 1]) || text[len - 1] == ',' ||
                       text[len - 1] == ':' || text[len - 1] == '.'))
        len--;
    while (len > 0 && (isspace((unsigned char)*text) || *text == ',')) {
        text++;
        len--;
    }
    if (len == 0)
        return NULL; /* nothing written: ", and" alone */
    char *copy = arena_strndup(r->a, text, len);
    if (copy == NULL) {
        r->rc = IA_ERR_NOMEM;
        return NULL;
    }
    ai_jobreq *q = &r->out->v[r->out->n++];
    *q = (ai_jobreq){ .text = copy, .preferred = preferred };
    return q;
}

static void add_alt(reader *r, ai_jobreq *q, const char *alt)
{
    if (q == NULL || alt == NULL || alt[0] == '\0' || q->nalts >= AI_JOBREQ_ALTS)
        return;
    for (size_t i = 0; i < q->nalts; i++)
        if (strcasecmp(q->alts[i], alt) == 0)
            return;
    const char *copy = arena_strdup(r->a, alt);
    if (copy == NULL) {
        r->rc = IA_ERR_NOMEM;
        return;
    }
    q->alts[q->nalts++] = copy;
}

/* Adds the other name of each alternative that is a credential's abbreviation or full name. */
static void add_credential_names(reader *r, ai_jobreq *q)
{
    size_t n = q != NULL ? q->nalts : 0;
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < COUNT(credentials); k++) {
            if (ai_jobreq_word_as_written(q->alts[i], credentials[k].abbr)) {
                add_alt(r, q, credentials[k].abbr);
                add_alt(r, q, credentials[k].full);
            } else if (strcasecmp(q->alts[i], credentials[k].full) == 0 ||
                       ai_has_word(q->alts[i], credentials[k].full, true))
                add_alt(r, q, credentials[k].abbr);
        }
}

/* Writes the distinctive words of s[0..len) into out: the words (letters, digits and the
 * marks of "C++", "C#", "node.js", "sarbanes-oxley") that are neither function words, generic
 * words nor bare numbers, as written, space-separated, at most AI_JOBREQ_WORDS. */
static void distinctive(const char *s, size_t len, char *out, size_t outlen)
{
    size_t o = 0, words = 0;
    out[0] = '\0';
    for (size_t i = 0; i < len && words < AI_JOBREQ_WORDS;) {
        if (!isalnum((unsigned char)s[i]) && (unsigned char)s[i] < 0x80) {
            i++;
            continue;
        }
        size_t j = i;
        while (j < len &&
               (isalnum((unsigned char)s[j]) || (unsigned char)s[j] >= 0x80 || s[j] == '+' ||
                s[j] == '#' || s[j] == '\'' ||
                ((s[j] == '.' || s[j] == '-') && j + 1 < len && isalnum((unsigned char)s[j + 1]))))
            j++;
        char w[48], lower[48];
        size_t n = j - i < sizeof(w) - 1 ? j - i : sizeof(w) - 1;
        memcpy(w, s + i, n);
        w[n] = '\0';
        while (n > 0 && w[n - 1] == '\'')
            w[--n] = '\0';
        if (n > 2 && strcmp(w + n - 2, "'s") == 0)
            w[n -= 2] = '\0';
        for (size_t k = 0; k <= n; k++)
            lower[k] = (char)tolower((unsigned char)w[k]);
        bool number = isdigit((unsigned char)w[0]); /* "30", "5M", "24x7": figures, not terms */
        bool keep = n > 0 && !number && !ai_text_is_stopword(lower) &&
                    !in_list(generic_words, COUNT(generic_words), lower);
        if (keep && o + n + 2 < outlen) {
            if (o > 0)
                out[o++] = ' ';
            memcpy(out + o, w, n);
            o += n;
            out[o] = '\0';
            words++;
        }
        i = j;
    }
}

/* Adds to q the alternatives a parenthesis gives ("(ACLS)", "(ACCA/CIMA/ACA)", "(IFRS 16)"):
 * at most three words each, none of "e.g." lists, which only illustrate. */
static void paren_alts(reader *r, ai_jobreq *q, const char *s, size_t len)
{
    char buf[ALT_LEN], word[ALT_LEN];
    size_t n = len < sizeof(buf) - 1 ? len : sizeof(buf) - 1;
    memcpy(buf, s, n);
    buf[n] = '\0';
    if (ai_has_word(buf, "e.g", true) || ai_has_word(buf, "eg", true) ||
        ai_has_word(buf, "such as", true) || ai_has_word(buf, "including", true) ||
        ai_has_word(buf, "ideally", true) || ai_has_word(buf, "preferred", true))
        return;
    for (char *p = buf; *p;) {
        char *end = p + strcspn(p, "/,;");
        char saved = *end;
        *end = '\0';
        if (count_words(p, strlen(p)) <= 3) {
            distinctive(p, strlen(p), word, sizeof(word));
            add_alt(r, q, word);
        }
        if (saved == '\0')
            break;
        p = end + 1;
    }
}

/* A part of a sentence: bytes [start, end) and how it is joined to the next part. */
typedef enum { JOIN_NONE, JOIN_COMMA, JOIN_AND, JOIN_OR } join;
typedef struct {
    size_t start, end;
    join next;
} part;

/* True when the slash at s[i] belongs to a word of its own: a skill's name ("CI/CD"), a
 * figure ("24/7") or a short pair such as "A/B". */
static bool slash_in_name(const reader *r, const char *s, size_t len, size_t i)
{
    size_t b = i, e = i + 1;
    while (b > 0 && !isspace((unsigned char)s[b - 1]) && s[b - 1] != ',' && s[b - 1] != '(')
        b--;
    while (e < len && !isspace((unsigned char)s[e]) && s[e] != ',' && s[e] != ')')
        e++;
    if (i > 0 && isdigit((unsigned char)s[i - 1]) && i + 1 < len &&
        isdigit((unsigned char)s[i + 1]))
        return true;
    if (i - b <= 1 || e - i - 1 <= 1)
        return true;
    char word[64];
    if (e - b >= sizeof(word) || r->t == NULL)
        return false;
    memcpy(word, s + b, e - b);
    word[e - b] = '\0';
    return ai_taxonomy_find(r->t, word) != NULL;
}

/* Cuts s[0..len) into parts at commas, "and", "&", "or", "/" outside parentheses. */
static size_t cut_parts(const reader *r, const char *s, size_t len, part *parts, size_t max)
{
    size_t n = 0, start = 0;
    int depth = 0;
    for (size_t i = 0; i < len && n + 1 < max; i++) {
        if (s[i] == '(' || s[i] == '[')
            depth++;
        else if ((s[i] == ')' || s[i] == ']') && depth > 0)
            depth--;
        if (depth > 0)
            continue;
        join j = JOIN_NONE;
        size_t skip = 0;
        bool space_before = i > 0 && s[i - 1] == ' ';
        if (s[i] == ',') {
            j = JOIN_COMMA;
            skip = 1;
        } else if (s[i] == '/' && !slash_in_name(r, s, len, i)) {
            j = JOIN_OR;
            skip = 1;
        } else if (space_before && strncasecmp(s + i, "and/or ", 7) == 0) {
            j = JOIN_OR;
            skip = 6;
        } else if (space_before && strncasecmp(s + i, "or ", 3) == 0) {
            j = JOIN_OR;
            skip = 2;
        } else if (space_before && strncasecmp(s + i, "and ", 4) == 0) {
            j = JOIN_AND;
            skip = 3;
        } else if (space_before && strncmp(s + i, "& ", 2) == 0) {
            j = JOIN_AND;
            skip = 1;
        } else if (space_before && strncasecmp(s + i, "as well as ", 11) == 0) {
            j = JOIN_AND;
            skip = 10;
        }
        if (j == JOIN_NONE)
            continue;
        /* ", and" / ", or": the comma takes the word's meaning. */
        if (j != JOIN_COMMA && n > 0 && parts[n - 1].next == JOIN_COMMA &&
            count_words(s + start, i - start) == 0) {
            parts[n - 1].next = j;
            start = i + skip;
            i += skip - 1;
            continue;
        }
        parts[n++] = (part){ start, i, j };
        start = i + skip;
        i += skip - 1;
    }
    parts[n++] = (part){ start, len, JOIN_NONE };
    /* A comma joins as the next "and" or "or" of its list does. */
    for (size_t k = n; k-- > 0;)
        if (parts[k].next == JOIN_COMMA)
            parts[k].next =
                k + 1 < n && parts[k + 1].next != JOIN_NONE ? parts[k + 1].next : JOIN_AND;
    return n;
}

/* The taxonomy skills named in s[0..len), as indexes; their number. */
static size_t skills_in(const reader *r, const char *s, size_t len, size_t *found)
{
    if (r->t == NULL)
        return 0;
    char buf[LINE_MAX_LEN + 1];
    size_t n = len < LINE_MAX_LEN ? len : LINE_MAX_LEN, got = 0;
    memcpy(buf, s, n);
    buf[n] = '\0';
    if (ai_taxonomy_match(r->t, buf, found, SKILLS_MAX, &got) != IA_OK)
        return 0;
    /* A skill found only inside another's name ("js" of "Next.js") is not named. */
    size_t kept = 0;
    for (size_t i = 0; i < got; i++) {
        const ai_skill *b = ai_taxonomy_get(r->t, found[i]);
        bool inside = false;
        for (size_t k = 0; k < got && !inside; k++) {
            const ai_skill *a = ai_taxonomy_get(r->t, found[k]);
            for (size_t t = 0; k != i && t < b->nterms && !inside; t++)
                inside = strlen(a->name) > strlen(b->terms[t]) &&
                         ai_has_word(a->name, b->terms[t], true) &&
                         !ai_has_word(buf, b->name, true);
        }
        if (!inside)
            found[kept++] = found[i];
    }
    return kept;
}

/* Copies s[0..len) into out (LINE_MAX_LEN + 1 bytes) without what stands in parentheses;
 * returns the length copied. */
static size_t without_parens(const char *s, size_t len, char *out)
{
    size_t m = 0;
    int depth = 0;
    for (size_t i = 0; i < len && m < LINE_MAX_LEN; i++) {
        if (s[i] == '(')
            depth++;
        else if (s[i] == ')' && depth > 0)
            depth--;
        else if (depth == 0)
            out[m++] = s[i];
    }
    out[m] = '\0';
    return m;
}

/* True when words (distinctive words, space-separated) hold a word that is not part of the
 * names or aliases of the n skills found: "AWS networking" asks for more than AWS, "Kubernetes"
 * and "Infrastructure code Terraform" do not. */
static bool beyond_skills(const reader *r, const char *words, const size_t *found, size_t n)
{
    char w[AI_TEXT_WORD_MAX + 1];
    for (const char *p = words; *p;) {
        size_t len = strcspn(p, " ");
        size_t c = len < AI_TEXT_WORD_MAX ? len : AI_TEXT_WORD_MAX;
        memcpy(w, p, c);
        w[c] = '\0';
        bool in_skill = false;
        for (size_t k = 0; k < n && !in_skill; k++) {
            const ai_skill *sk = ai_taxonomy_get(r->t, found[k]);
            for (size_t t = 0; t < sk->nterms && !in_skill; t++)
                in_skill = ai_has_word(sk->terms[t], w, true);
            in_skill = in_skill || ai_has_word(sk->name, w, true);
        }
        if (!in_skill && c > 0)
            return true;
        p += len;
        while (*p == ' ')
            p++;
    }
    return false;
}

/* Adds the alternatives of one part to q: its skills when it names any and is long, else its
 * distinctive words, and its parenthesis. */
static void part_alts(reader *r, ai_jobreq *q, const char *s, size_t len)
{
    char main[LINE_MAX_LEN + 1], words[ALT_LEN];
    const char *paren = NULL;
    size_t plen = 0;
    size_t m = without_parens(s, len, main);
    const char *open = memchr(s, '(', len);
    if (open != NULL) {
        paren = open + 1;
        const char *close = memchr(paren, ')', len - (size_t)(paren - s));
        plen = close != NULL ? (size_t)(close - paren) : len - (size_t)(paren - s);
    }
    distinctive(main, m, words, sizeof(words));
    size_t found[SKILLS_MAX];
    size_t nskills = skills_in(r, main, m, found);
    /* "State management with Redux", "Scripting in Python": the skill is one way to meet it. */
    bool by_example = ai_has_word(main, "with", true) || ai_has_word(main, "in", true) ||
                      ai_has_word(main, "using", true) || ai_has_word(main, "via", true);
    bool skills = nskills > 0 && (count_words(words, strlen(words)) > 3 || by_example ||
                                  !beyond_skills(r, words, found, nskills));
    for (size_t k = 0; skills && k < nskills; k++)
        add_alt(r, q, ai_taxonomy_get(r->t, found[k])->name);
    if (!skills || (by_example && count_words(words, strlen(words)) <= 3))
        add_alt(r, q, words);
    if (paren != NULL && plen > 0)
        paren_alts(r, q, paren, plen);
}

/* True when s[0..len) is one word ending in "ing" ("Designing", "planning"). */
static bool lone_verb(const char *s, size_t len)
{
    while (len > 0 && isspace((unsigned char)*s)) {
        s++;
        len--;
    }
    while (len > 0 && isspace((unsigned char)s[len - 1]))
        len--;
    if (len < 5 || count_words(s, len) != 1)
        return false;
    for (size_t i = 0; i < len; i++)
        if (!isalpha((unsigned char)s[i]))
            return false;
    return strncasecmp(s + len - 3, "ing", 3) == 0;
}

/* Reads one sentence s[0..len) into requirements. */
static void read_sentence(reader *r, const char *s, size_t len, bool preferred, bool loose)
{
    char buf[LINE_MAX_LEN + 1];
    size_t n = len < LINE_MAX_LEN ? len : LINE_MAX_LEN;
    while (n > 0 && n < len && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--; /* cut on a character boundary */
    memcpy(buf, s, n);
    buf[n] = '\0';
    if (count_words(buf, n) == 0)
        return;
    if (has_any(buf, optional_markers, COUNT(optional_markers)))
        preferred = true;
    else if (ai_has_word(buf, "required", true) || ai_has_word(buf, "must", true))
        preferred = false;
    double years = ai_jobreq_years(buf);
    int degree = degree_level(buf, true); /* "ADN or BSN": the ADN meets it */
    if (degree == AI_DEGREE_NONE && ai_has_word(buf, "degree", true))
        degree = AI_DEGREE_BACHELOR;
    if (years > 0) {
        ai_jobreq *q = new_req(r, s, n, preferred);
        if (q != NULL) {
            q->type = AI_JOBREQ_YEARS;
            q->years = years;
            /* "5+ years of Kubernetes": the years and one of the skills named. */
            char bare[LINE_MAX_LEN + 1];
            size_t nb = without_parens(buf, n, bare), found[SKILLS_MAX];
            size_t nskills = skills_in(r, bare, nb, found);
            for (size_t k = 0; k < nskills; k++) {
                const ai_skill *sk = ai_taxonomy_get(r->t, found[k]);
                if (strcmp(sk->category, "other") != 0 && strcmp(sk->category, "soft") != 0)
                    add_alt(r, q, sk->name); /* a tool, not a field ("software engineering") */
            }
        }
    }
    if (degree != AI_DEGREE_NONE) {
        ai_jobreq *q = new_req(r, s, n, preferred);
        if (q != NULL) {
            q->type = AI_JOBREQ_DEGREE;
            q->degree = degree;
            q->or_experience = ai_has_word(buf, "equivalent", true);
        }
    }
    if (years > 0 || degree != AI_DEGREE_NONE)
        return;
    /* Outside a requirement section a sentence without a word of asking keeps only the parts
     * that name a skill ("You will design services in Python", not "keep them observable"). */
    bool skills_only = loose && !has_any(buf, requirement_cues, COUNT(requirement_cues));
    part parts[PARTS_MAX];
    size_t np = cut_parts(r, s, n, parts, PARTS_MAX);
    size_t from = SIZE_MAX; /* where the next requirement's text starts, when earlier */
    for (size_t k = 0; k < np && r->rc == IA_OK;) {
        size_t last = k;
        while (last + 1 < np && parts[last].next == JOIN_OR)
            last++;
        if (last == k && parts[k].next == JOIN_AND &&
            lone_verb(s + parts[k].start, parts[k].end - parts[k].start)) {
            /* "Designing and building REST APIs": the verb belongs to what follows. */
            if (from == SIZE_MAX)
                from = parts[k].start;
            k++;
            continue;
        }
        size_t start = from != SIZE_MAX ? from : parts[k].start;
        from = SIZE_MAX;
        if (last == k) {
            /* One part: one requirement per skill when it names several. */
            char bare[LINE_MAX_LEN + 1];
            size_t nb = without_parens(s + parts[k].start, parts[k].end - parts[k].start, bare);
            size_t found[SKILLS_MAX];
            size_t nskills = skills_in(r, bare, nb, found);
            if (nskills >= 2 && count_words(bare, nb) > 2 * nskills + 3) {
                for (size_t i = 0; i < nskills; i++) {
                    const char *name = ai_taxonomy_get(r->t, found[i])->name;
                    ai_jobreq *q = new_req(r, name, strlen(name), preferred);
                    add_alt(r, q, name);
                    add_credential_names(r, q);
                }
                k = last + 1;
                continue;
            }
        }
        if (skills_only) {
            size_t found[SKILLS_MAX];
            if (skills_in(r, s + parts[k].start, parts[last].end - parts[k].start, found) == 0) {
                k = last + 1;
                continue;
            }
        }
        ai_jobreq *q = new_req(r, s + start, parts[last].end - start, preferred);
        for (size_t i = k; i <= last && q != NULL; i++)
            part_alts(r, q, s + parts[i].start, parts[i].end - parts[i].start);
        add_credential_names(r, q);
        if (q != NULL && q->nalts == 0)
            r->out->n--; /* nothing distinctive: "excellent skills" */
        k = last + 1;
    }
}

/* Reads a line of a requirement section: each of its sentences (ended by ". ", "; ", "!",
 * "?") is read on its own. */
static void read_line(reader *r, const char *s, bool preferred, bool loose)
{
    size_t start = 0, len = strlen(s);
    for (size_t i = 0; i <= len; i++) {
        bool end = i == len || s[i] == ';' || s[i] == '!' || s[i] == '?' ||
                   (s[i] == '.' && (i + 1 == len || s[i + 1] == ' ') &&
                    !(i >= 2 && (strncasecmp(s + i - 2, "e.g", 3) == 0 ||
                                 strncasecmp(s + i - 2, "i.e", 3) == 0)));
        if (!end)
            continue;
        if (i > start)
            read_sentence(r, s + start, i - start, preferred, loose);
        start = i + 1;
    }
}

/* True when a line outside any requirement section reads as one: it names a skill, a number
 * of years or a degree, or holds a word such as "experience" or "must". */
static bool reads_as_requirement(const reader *r, const char *s)
{
    size_t found[SKILLS_MAX];
    return has_any(s, requirement_cues, COUNT(requirement_cues)) || ai_jobreq_years(s) > 0 ||
           ai_jobreq_degree_level(s) != AI_DEGREE_NONE || skills_in(r, s, strlen(s), found) > 0;
}

/* Goes through the lines of text (a copy of the job description), keeping track of the
 * section each stands in; returns whether any section is a requirement section. With read, it
 * also reads the requirements: those of the requirement sections, or with loose (the text has
 * none) every line outside the "about us" and benefits sections that reads as one. */
static bool scan(reader *r, char *text, bool read, bool loose)
{
    bool sectioned = false, first = true;
    section sec = SEC_NONE;
    for (char *line = text; *line && r->rc == IA_OK && !(read && r->out->n >= AI_JOBREQ_MAX);) {
        char *end = strchr(line, '\n');
        if (end == NULL)
            end = line + strlen(line);
        char saved = *end;
        *end = '\0';
        bool bullet = false;
        char *s = skip_bullet(line, &bullet);
        size_t len = strlen(s);
        while (len > 0 && isspace((unsigned char)s[len - 1]))
            s[--len] = '\0';
        size_t words = count_words(s, len);
        char *colon = strchr(s, ':');
        bool title = first && words > 0 && words <= TITLE_WORDS && !bullet && colon == NULL &&
                     strstr(s, ". ") == NULL && ai_jobreq_years(s) < 0 &&
                     !has_any(s, requirement_cues, COUNT(requirement_cues));
        if (words > 0)
            first = false;
        const char *body = s;
        if (title) {
            body = "";
        } else if (!bullet && words > 0 && words <= HEADING_WORDS && colon == NULL &&
                   s[len - 1] != '.') {
            section h = heading_section(s, words);
            if (h != SEC_NONE) {
                sec = h;
                body = "";
            }
        } else if (colon != NULL && !bullet && count_words(s, (size_t)(colon - s)) <= 5) {
            *colon = '\0';
            section h = heading_section(s, count_words(s, strlen(s)));
            *colon = ':';
            if (h != SEC_NONE || colon[1] == '\0') {
                sec = h;
                body = colon + 1;
            }
        }
        sectioned = sectioned || sec == SEC_REQUIRED || sec == SEC_PREFERRED;
        if (read && *body != '\0') {
            if (sec == SEC_REQUIRED || sec == SEC_PREFERRED)
                read_line(r, body, sec == SEC_PREFERRED, false);
            else if (loose && sec != SEC_OTHER && reads_as_requirement(r, body))
                read_line(r, body, false, true);
        }
        *end = saved;
        line = saved != '\0' ? end + 1 : end;
    }
    return sectioned;
}

int ai_jobreq_read(arena *a, const ai_taxonomy *t, const char *jd, ai_jobreqs *out)
{
    *out = (ai_jobreqs){ 0 };
    if (a == NULL || jd == NULL)
        return IA_ERR_INVALID;
    out->v = arena_calloc(a, AI_JOBREQ_MAX, sizeof(ai_jobreq));
    char *text = arena_strndup(a, jd, JD_TEXT_MAX);
    if (out->v == NULL || text == NULL)
        return IA_ERR_NOMEM;
    reader r = { a, t, out, IA_OK };
    bool sectioned = scan(&r, text, false, false);
    scan(&r, text, true, !sectioned);
    return r.rc;
}
