/* The offline resume parser (ai_offline_parse): plain resume text, as extracted from a PDF,
 * DOCX or TXT file, to the analysis of docs/api.md §5. It works in passes over a cleaned copy of
 * the text: contact details (ai/contact.c) from the top; a two-column page put back into
 * reading order; lines classified as headings, bullets or text and grouped into sections;
 * experience entries anchored on their date ranges (ai/dates.c); education, certifications
 * and spoken languages from their sections; skills from the taxonomy (ai/taxonomy.c); then
 * role, seniority, years, recommendations and a confidence score from what was found.
 * Nothing is invented: what the text does not show stays NULL or empty. Work is bounded: at
 * most TEXT_CAP bytes are read and every pass is linear in the lines it looks at. */
#include "ai/resume_private.h"
#include "ai/roles.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "ai/contact.h"
#include "ai/dates.h"
#include "core/errors.h"
#include "core/utf8.h"
#include "core/util.h"

#define TEXT_CAP        (128u * 1024u) /* bytes of resume text analysed; the rest is ignored */
#define LINES_MAX       6000           /* lines analysed */
#define HEAD_LINE_MAX   300            /* a longer line is prose, never an entry header */
#define SEGS_MAX        8              /* segments of one entry header */
#define COL_LINES_MAX   600            /* lines examined for a two-column layout */
#define COL_MAX         160            /* columns examined for a two-column layout */
#define SUMMARY_MAX     2000           /* bytes of summary kept */
#define DESCRIPTION_MAX 4000           /* bytes of one entry's description kept */

/* ---- small string helpers ------------------------------------------------------------------ */

static bool is_space(char c)
{
    return c == ' ';
}

/* Length of the UTF-8 character that starts with byte c (1 for anything unexpected). */
static size_t utf8_len(unsigned char c)
{
    if (c >= 0xf0 && c <= 0xf4)
        return 4;
    if (c >= 0xe0)
        return c <= 0xef ? 3 : 1;
    if (c >= 0xc2 && c <= 0xdf)
        return 2;
    return 1;
}

/* True for the three-byte dashes and bullets used as separators: – — • ‣ ◦ ▪ ● ■ · (and the
 * two-byte middle dot). Sets *n to the byte length. */
static bool sep_glyph(const char *s, size_t *n)
{
    const unsigned char *u = (const unsigned char *)s;
    if (u[0] == 0xc2 && u[1] == 0xb7) {
        *n = 2;
        return true;
    }
    if (u[0] != 0xe2 || u[1] == 0 || u[2] == 0)
        return false;
    *n = 3;
    if (u[1] == 0x80 && (u[2] == 0x93 || u[2] == 0x94 || u[2] == 0xa2 || u[2] == 0xa3))
        return true;
    if (u[1] == 0x97 && (u[2] == 0xa6 || u[2] == 0x8f || u[2] == 0x8b))
        return true;
    return u[1] == 0x96 && (u[2] == 0xaa || u[2] == 0xa0 || u[2] == 0xb8 || u[2] == 0xba);
}

/* A copy of s[0..n) with spaces and separator punctuation trimmed from both ends, and a
 * parenthesis that is not closed (or not opened) inside the copy dropped. */
static char *trim_dup(arena *a, const char *s, size_t n)
{
    static const char edge[] = " ,;:|-*+>/@";
    for (;;) {
        size_t g = 0;
        if (n > 0 && strchr(edge, s[0]) != NULL) {
            s++;
            n--;
        } else if (n >= 2 && sep_glyph(s, &g) && g <= n) {
            s += g;
            n -= g;
        } else {
            break;
        }
    }
    for (;;) {
        if (n > 0 && strchr(edge, s[n - 1]) != NULL) {
            n--;
            continue;
        }
        bool cut = false;
        for (size_t g = 2; g <= 3 && g <= n && !cut; g++) {
            size_t gl = 0;
            if (sep_glyph(s + n - g, &gl) && gl == g) {
                n -= g;
                cut = true;
            }
        }
        if (!cut)
            break;
    }
    int depth = 0;
    for (size_t i = 0; i < n; i++)
        depth += (s[i] == '(') - (s[i] == ')');
    if (depth > 0 && n > 0 && s[0] == '(') {
        s++;
        n--;
    } else if (depth > 0 && n > 0 && s[n - 1] == '(') {
        n--;
    } else if (depth < 0 && n > 0 && s[n - 1] == ')') {
        n--;
    }
    while (n > 0 && is_space(s[n - 1]))
        n--;
    while (n > 0 && is_space(s[0])) {
        s++;
        n--;
    }
    return arena_memdup(a, s, n);
}

static bool has_alnum(const char *s)
{
    for (; *s; s++)
        if (isalnum((unsigned char)*s))
            return true;
    return false;
}

/* Characters that make up a word for the word matchers below. */
static bool word_char(unsigned char c)
{
    return isalnum(c) || c == '\'' || c == '&' || c == '+' || c == '#' || c >= 0x80;
}

/* Steps *p to the next word of s (up to end); false when there is none. */
static bool next_word(const char **p, const char *end, const char **w, size_t *wl)
{
    const char *s = *p;
    while (s < end && !word_char((unsigned char)*s))
        s++;
    if (s >= end)
        return false;
    const char *b = s;
    while (s < end && word_char((unsigned char)*s))
        s++;
    *w = b;
    *wl = (size_t)(s - b);
    *p = s;
    return true;
}

bool ai_resume_in_list(const char *w, size_t n, const char *const *list, size_t count)
{
    for (size_t i = 0; i < count; i++)
        if (strlen(list[i]) == n && strncasecmp(w, list[i], n) == 0)
            return true;
    return false;
}

size_t ai_resume_words(const char *s, size_t n)
{
    size_t words = 0;
    const char *p = s, *w;
    size_t wl;
    while (next_word(&p, s + n, &w, &wl))
        words++;
    return words;
}

/* ---- cleaning and layout ------------------------------------------------------------------- */

/* A working copy of text: at most TEXT_CAP bytes, line ends as '\n', tabs expanded to
 * columns of eight, control characters, non-breaking spaces and invalid UTF-8 as spaces, a
 * byte-order mark and Markdown emphasis ("**") and heading marks ("## ") dropped. */
static char *clean_text(arena *a, const char *text)
{
    size_t n = strnlen(text, TEXT_CAP);
    size_t cap = n + n / 2 + 16;
    char *out = arena_alloc(a, cap + 1);
    if (out == NULL)
        return NULL;
    const unsigned char *s = (const unsigned char *)text;
    size_t o = 0, col = 0;
    for (size_t i = 0; i < n && o + 8 < cap;) {
        unsigned char c = s[i];
        if (c == '\r' || c == '\n') {
            out[o++] = '\n';
            col = 0;
            i += (c == '\r' && i + 1 < n && s[i + 1] == '\n') ? 2 : 1;
            continue;
        }
        if (c == '\t') {
            do
                out[o++] = ' ';
            while (++col % 8 != 0 && o + 1 < cap);
            i++;
            continue;
        }
        size_t marks = 0;
        while (col == 0 && marks < 6 && i + marks < n && s[i + marks] == '#')
            marks++;
        if (marks > 0 && i + marks < n && s[i + marks] == ' ') {
            i += marks + 1;
            continue;
        }
        if (c == '*' && i + 1 < n && s[i + 1] == '*') {
            i += 2;
            continue;
        }
        size_t len = ia_utf8_sequence(s + i, n - i);
        if (len == 0 || c < 0x20 || c == 0x7f) {
            out[o++] = ' ';
            col++;
            i++;
            continue;
        }
        if (len == 2 && c == 0xc2 && s[i + 1] == 0xa0) {
            out[o++] = ' ';
        } else if (len == 3 && c == 0xef && s[i + 1] == 0xbb && s[i + 2] == 0xbf) {
            i += 3;
            continue;
        } else {
            memcpy(out + o, s + i, len);
            o += len;
        }
        col++;
        i += len;
    }
    out[o] = '\0';
    return out;
}

/* Which kind of character each column of a line holds: 0 none, 1 space, 2 '|', 3 other. */
static void column_classes(const char *s, size_t len, unsigned char *row)
{
    memset(row, 0, COL_MAX);
    size_t col = 0;
    for (size_t i = 0; i < len && col < COL_MAX; col++) {
        row[col] = s[i] == ' ' ? 1 : s[i] == '|' ? 2 : 3;
        i += utf8_len((unsigned char)s[i]);
    }
}

/* Byte offset of column col in s[0..len). */
static size_t column_offset(const char *s, size_t len, size_t col)
{
    size_t i = 0;
    for (size_t c = 0; c < col && i < len; c++)
        i += utf8_len((unsigned char)s[i]);
    return i < len ? i : len;
}

/* True when s[0..n) holds a year (19xx or 20xx as a word of its own). */
static bool has_year(const char *s, size_t n)
{
    for (size_t i = 0; i + 4 <= n; i++)
        if ((i == 0 || !isdigit((unsigned char)s[i - 1])) &&
            (strncmp(s + i, "19", 2) == 0 || strncmp(s + i, "20", 2) == 0) &&
            isdigit((unsigned char)s[i + 2]) && isdigit((unsigned char)s[i + 3]) &&
            (i + 4 == n || !isdigit((unsigned char)s[i + 4])))
            return true;
    return false;
}

/* The column at which a two-column page splits, or 0 for a one-column page. A column starts
 * where many lines have text (or a '|' rule) right after a gap of two or more spaces, with
 * text on both sides in several of them, and almost no line runs a word across it. Dates
 * aligned to the right of entry headers do not make a column: the split must hold for a
 * quarter of the non-blank lines, and most of what stands right of it must not be dates. */
static size_t find_column(const unsigned char *grid, const char *const *ls, const size_t *ll,
                          size_t n, size_t *first)
{
    size_t nonblank = 0;
    for (size_t i = 0; i < n; i++) {
        const unsigned char *g = grid + i * COL_MAX;
        for (size_t c = 0; c < COL_MAX && g[c]; c++)
            if (g[c] >= 2) {
                nonblank++;
                break;
            }
    }
    size_t best = 0, best_support = 0;
    for (size_t c = 16; c < COL_MAX; c++) {
        size_t support = 0, both = 0, conflict = 0, dated = 0, f = n;
        for (size_t i = 0; i < n; i++) {
            const unsigned char *g = grid + i * COL_MAX;
            if (g[c] >= 2 && g[c - 1] == 1 && g[c - 2] == 1) {
                support++;
                size_t off = column_offset(ls[i], ll[i], c);
                dated += has_year(ls[i] + off, ll[i] - off);
                if (f == n)
                    f = i;
                for (size_t k = 0; k + 2 < c; k++)
                    if (g[k] >= 2) {
                        both++;
                        break;
                    }
            } else if (g[c] == 3 && (g[c - 1] == 3 || (g[c - 1] == 1 && g[c - 2] == 3))) {
                conflict++;
            }
        }
        if (support >= 6 && support * 4 >= nonblank && both >= 3 && conflict * 8 <= support &&
            dated * 2 < support && support > best_support) {
            best = c;
            best_support = support;
            *first = f;
        }
    }
    return best;
}

/* Puts a two-column page back into reading order: the lines above the columns, then the left
 * column, then the right one. A one-column text is returned as it is. */
static char *decolumn(arena *a, char *text)
{
    const char *ls[COL_LINES_MAX];
    size_t ll[COL_LINES_MAX], n = 0;
    for (const char *p = text; *p && n < COL_LINES_MAX;) {
        const char *nl = strchr(p, '\n');
        ls[n] = p;
        ll[n++] = nl ? (size_t)(nl - p) : strlen(p);
        if (nl == NULL)
            break;
        p = nl + 1;
    }
    if (n >= COL_LINES_MAX || n < 6)
        return text;
    unsigned char *grid = arena_alloc(a, n * COL_MAX);
    if (grid == NULL)
        return text;
    for (size_t i = 0; i < n; i++)
        column_classes(ls[i], ll[i], grid + i * COL_MAX);
    size_t first = 0, col = find_column(grid, ls, ll, n, &first);
    if (col == 0)
        return text;
    size_t total = strlen(text);
    char *out = arena_alloc(a, total + n + 4);
    if (out == NULL)
        return text;
    size_t o = 0;
    for (int pass = 0; pass < 3; pass++) {
        for (size_t i = pass == 0 ? 0 : first; i < (pass == 0 ? first : n); i++) {
            const unsigned char *g = grid + i * COL_MAX;
            bool crossing = g[col] == 3 && g[col - 1] == 3;
            size_t off = crossing ? ll[i] : column_offset(ls[i], ll[i], col);
            const char *s = pass == 2 ? ls[i] + off : ls[i];
            size_t len = pass == 2 ? ll[i] - off : pass == 1 ? off : ll[i];
            if (pass == 1)
                while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '|'))
                    len--;
            if (pass == 2)
                while (len > 0 && (s[0] == ' ' || s[0] == '|')) {
                    s++;
                    len--;
                }
            memcpy(out + o, s, len);
            o += len;
            out[o++] = '\n';
        }
        if (pass == 1)
            out[o++] = '\n';
    }
    out[o] = '\0';
    return out;
}

/* ---- line classes and sections ------------------------------------------------------------- */

typedef struct {
    const char *phrase;
    section sec;
    bool weak;        /* an ordinary word too: a heading only when it stands out */
    const char *lang; /* only in resumes in this language; NULL: in any */
} heading_word;

static const heading_word headings[] = {
    { "summary", SEC_SUMMARY, false },
    { "profile", SEC_SUMMARY, false },
    { "profil", SEC_SUMMARY, false },
    { "about", SEC_SUMMARY, true },
    { "about me", SEC_SUMMARY, false },
    { "objective", SEC_SUMMARY, false },
    { "overview", SEC_SUMMARY, true },
    { "introduction", SEC_SUMMARY, true },
    { "personal statement", SEC_SUMMARY, false },
    { "experience", SEC_EXPERIENCE, false },
    { "experiences", SEC_EXPERIENCE, false },
    { "work history", SEC_EXPERIENCE, false },
    { "employment", SEC_EXPERIENCE, false },
    { "employment history", SEC_EXPERIENCE, false },
    { "career history", SEC_EXPERIENCE, false },
    { "work", SEC_EXPERIENCE, true },
    { "career", SEC_EXPERIENCE, true },
    { "positions held", SEC_EXPERIENCE, false },
    { "background", SEC_EXPERIENCE, true },
    { "internships", SEC_EXPERIENCE, false },
    { "internship", SEC_EXPERIENCE, false },
    { "education", SEC_EDUCATION, false },
    { "academic background", SEC_EDUCATION, false },
    { "academics", SEC_EDUCATION, false },
    { "educational background", SEC_EDUCATION, false },
    { "training", SEC_EDUCATION, true },
    { "qualifications", SEC_EDUCATION, true },
    { "formation", SEC_EDUCATION, true },
    { "skills", SEC_SKILLS, false },
    { "skill set", SEC_SKILLS, false },
    { "skillset", SEC_SKILLS, false },
    { "skills summary", SEC_SKILLS, false },
    { "competencies", SEC_SKILLS, false },
    { "expertise", SEC_SKILLS, true },
    { "areas of expertise", SEC_SKILLS, false },
    { "tools", SEC_SKILLS, true },
    { "technologies", SEC_SKILLS, true },
    { "tech stack", SEC_SKILLS, false },
    { "proficiencies", SEC_SKILLS, false },
    { "strengths", SEC_SKILLS, true },
    { "toolkit", SEC_SKILLS, true },
    { "certifications", SEC_CERTS, false },
    { "certification", SEC_CERTS, false },
    { "certificates", SEC_CERTS, false },
    { "certificate", SEC_CERTS, true },
    { "licenses", SEC_CERTS, false },
    { "license", SEC_CERTS, false },
    { "licences", SEC_CERTS, false },
    { "licence", SEC_CERTS, false },
    { "licensure", SEC_CERTS, false },
    { "credentials", SEC_CERTS, false },
    { "accreditations", SEC_CERTS, false },
    { "languages", SEC_LANGUAGES, false },
    { "language", SEC_LANGUAGES, true },
    { "language skills", SEC_LANGUAGES, false },
    { "langues", SEC_LANGUAGES, false },
    { "projects", SEC_PROJECTS, false },
    { "project", SEC_PROJECTS, true },
    { "portfolio", SEC_PROJECTS, true },
    { "open source", SEC_PROJECTS, true },
    { "contact", SEC_CONTACT, false },
    { "contact information", SEC_CONTACT, false },
    { "contact details", SEC_CONTACT, false },
    { "contact info", SEC_CONTACT, false },
    { "personal details", SEC_CONTACT, false },
    { "personal information", SEC_CONTACT, false },
    { "awards", SEC_AWARDS, false },
    { "award", SEC_AWARDS, true },
    { "honors", SEC_AWARDS, false },
    { "honours", SEC_AWARDS, false },
    { "achievements", SEC_AWARDS, true },
    { "accomplishments", SEC_AWARDS, true },
    { "publications", SEC_PUBLICATIONS, false },
    { "volunteer", SEC_VOLUNTEER, false },
    { "volunteering", SEC_VOLUNTEER, false },
    { "volunteer experience", SEC_VOLUNTEER, false },
    { "volunteer work", SEC_VOLUNTEER, false },
    { "community involvement", SEC_VOLUNTEER, false },
    /* India, the UK, Australia and Europass. */
    { "career objective", SEC_SUMMARY, false },
    { "profile summary", SEC_SUMMARY, false },
    { "career summary", SEC_SUMMARY, false },
    { "personal profile", SEC_SUMMARY, false },
    { "educational qualifications", SEC_EDUCATION, false },
    { "educational qualification", SEC_EDUCATION, false },
    { "academic qualifications", SEC_EDUCATION, false },
    { "academic qualification", SEC_EDUCATION, false },
    { "education and training", SEC_EDUCATION, false },
    { "languages known", SEC_LANGUAGES, false },
    { "language proficiency", SEC_LANGUAGES, false },
    { "mother tongue", SEC_LANGUAGES, false },
    { "mother tongue(s)", SEC_LANGUAGES, false },
    { "other language(s)", SEC_LANGUAGES, false },
    { "other languages", SEC_LANGUAGES, false },
    { "personal skills", SEC_SKILLS, false },
    { "digital skills", SEC_SKILLS, false },
    { "key skills", SEC_SKILLS, false },
    { "registrations", SEC_CERTS, false },
    { "registration", SEC_CERTS, true },
    { "professional registration", SEC_CERTS, false },
    { "declaration", SEC_OTHER, false },
    { "referees", SEC_OTHER, false },
    { "personal data", SEC_CONTACT, false },
    { "job applied for", SEC_OTHER, false },
    { "extra-curricular activities", SEC_OTHER, false },
    { "extracurricular activities", SEC_OTHER, false },
    /* German-speaking countries (Germany, Austria, Switzerland). */
    { "lebenslauf", SEC_HEADER, false, "de" },
    { "persönliche daten", SEC_CONTACT, false, "de" },
    { "angaben zur person", SEC_CONTACT, false, "de" },
    { "kontakt", SEC_CONTACT, false, "de" },
    { "profil", SEC_SUMMARY, false, "de" },
    { "kurzprofil", SEC_SUMMARY, false, "de" },
    { "über mich", SEC_SUMMARY, false, "de" },
    { "berufserfahrung", SEC_EXPERIENCE, false, "de" },
    { "berufliche erfahrung", SEC_EXPERIENCE, false, "de" },
    { "beruflicher werdegang", SEC_EXPERIENCE, false, "de" },
    { "werdegang", SEC_EXPERIENCE, false, "de" },
    { "praxiserfahrung", SEC_EXPERIENCE, false, "de" },
    { "praktika", SEC_EXPERIENCE, false, "de" },
    { "ausbildung", SEC_EDUCATION, false, "de" },
    { "schulbildung", SEC_EDUCATION, false, "de" },
    { "studium", SEC_EDUCATION, false, "de" },
    { "bildungsweg", SEC_EDUCATION, false, "de" },
    { "akademischer werdegang", SEC_EDUCATION, false, "de" },
    { "kenntnisse", SEC_SKILLS, false, "de" },
    { "fachkenntnisse", SEC_SKILLS, false, "de" },
    { "it-kenntnisse", SEC_SKILLS, false, "de" },
    { "edv-kenntnisse", SEC_SKILLS, false, "de" },
    { "fähigkeiten", SEC_SKILLS, false, "de" },
    { "kompetenzen", SEC_SKILLS, false, "de" },
    { "sprachen", SEC_LANGUAGES, false, "de" },
    { "sprachkenntnisse", SEC_LANGUAGES, false, "de" },
    { "zertifikate", SEC_CERTS, false, "de" },
    { "zertifizierungen", SEC_CERTS, false, "de" },
    { "weiterbildung", SEC_CERTS, false, "de" },
    { "weiterbildungen", SEC_CERTS, false, "de" },
    { "projekte", SEC_PROJECTS, false, "de" },
    { "auszeichnungen", SEC_AWARDS, false, "de" },
    { "ehrenamt", SEC_VOLUNTEER, false, "de" },
    { "ehrenamtliches engagement", SEC_VOLUNTEER, false, "de" },
    { "publikationen", SEC_PUBLICATIONS, false, "de" },
    { "veröffentlichungen", SEC_PUBLICATIONS, false, "de" },
    { "interessen", SEC_OTHER, false, "de" },
    { "hobbys", SEC_OTHER, false, "de" },
    { "referenzen", SEC_OTHER, false, "de" },
    { "interests", SEC_OTHER, false },
    { "hobbies", SEC_OTHER, false },
    { "references", SEC_OTHER, false },
    { "activities", SEC_OTHER, true },
    { "leadership", SEC_OTHER, true },
    { "memberships", SEC_OTHER, false },
    { "affiliations", SEC_OTHER, false },
    { "associations", SEC_OTHER, true },
    { "courses", SEC_OTHER, true },
    { "coursework", SEC_OTHER, false },
    { "conferences", SEC_OTHER, true },
    { "patents", SEC_OTHER, false },
    { "talks", SEC_OTHER, true },
    { "presentations", SEC_OTHER, true },
    { "additional information", SEC_OTHER, false },
    { "military service", SEC_OTHER, false },
};

/* Words that qualify a heading without changing its kind ("Technical Skills", "Relevant
 * Experience", "Core Competencies"). */
static const char *const heading_modifiers[] = {
    "professional", "work",     "technical", "core",     "key",      "relevant", "selected",
    "additional",   "clinical", "career",    "academic", "personal", "other",    "related",
    "industry",     "research", "teaching",  "recent",   "previous", "prior",    "general",
    "computer",     "soft",     "hard",      "primary",  "notable",  "side",     "executive",
};

/* Which section a lower-case heading phrase names as the table writes it (qualifying words
 * such as "Technical" dropped); -1 when none. */
static int heading_exact(const char *s, size_t n, const char *lang, bool *weak)
{
    for (int drop = 0; drop < 3; drop++) {
        for (size_t i = 0; i < COUNT(headings); i++)
            if (strlen(headings[i].phrase) == n && memcmp(headings[i].phrase, s, n) == 0 &&
                (headings[i].lang == NULL || strcmp(headings[i].lang, lang) == 0)) {
                *weak = headings[i].weak;
                return (int)headings[i].sec;
            }
        const char *sp = memchr(s, ' ', n);
        if (sp == NULL ||
            !ai_resume_in_list(s, (size_t)(sp - s), heading_modifiers, COUNT(heading_modifiers)))
            return -1;
        n -= (size_t)(sp - s) + 1;
        s = sp + 1;
    }
    return -1;
}

/* Which section a lower-case heading phrase names; -1 when none. In a resume that is not in
 * English, a single word that is not in the table is compared by its Snowball stem in the
 * resume's language ("Zertifikat" and "Sprachkenntnis" are the table's "zertifikate" and
 * "sprachkenntnisse"). */
static int heading_phrase(const char *s, size_t n, const char *lang, bool *weak)
{
    int sec = heading_exact(s, n, lang, weak);
    if (sec >= 0 || strcmp(lang, "en") == 0 || n >= AI_TEXT_WORD_MAX || memchr(s, ' ', n))
        return sec;
    char word[AI_TEXT_WORD_MAX], stem[AI_TEXT_WORD_MAX];
    memcpy(word, s, n);
    word[n] = '\0';
    if (ai_text_stem_lang(lang, word, stem, sizeof(stem)) != IA_OK || strlen(stem) < 5)
        return -1;
    size_t sl = strlen(stem);
    for (size_t i = 0; i < COUNT(headings); i++) {
        size_t hl = strlen(headings[i].phrase);
        if (headings[i].lang != NULL && strcmp(headings[i].lang, lang) == 0 && hl >= sl &&
            hl <= sl + 3 && memcmp(headings[i].phrase, stem, sl) == 0) {
            *weak = headings[i].weak;
            return (int)headings[i].sec;
        }
    }
    return -1;
}

/* Which section a heading line names ("EXPERIENCE", "=== WORK EXPERIENCE ===", "Licenses &
 * Certifications", "PROFIL / PROFILE", "projects + experience"); -1 when the line is not a
 * heading. Parts joined by '/', '&', '+' or "and" must each be a heading phrase, except
 * single words in another language; the most specific kind wins. */
static int heading_of(const char *s, size_t n, const char *lang, bool *weak)
{
    if (n == 0 || n > 60)
        return -1;
    char buf[64];
    size_t o = 0;
    for (size_t i = 0; i < n && o + 1 < sizeof(buf); i++) {
        unsigned char c = (unsigned char)s[i];
        if (isdigit(c) || c == '@')
            return -1;
        /* Latin-1 capitals in UTF-8 (Ö = c3 96) to their small letters (ö = c3 b6). */
        if (i > 0 && (unsigned char)s[i - 1] == 0xc3 && c >= 0x80 && c < 0x9f && c != 0x97)
            c = (unsigned char)(c + 0x20);
        buf[o++] = (char)tolower(c);
    }
    buf[o] = '\0';
    size_t b = 0, e = o;
    for (;;) {
        size_t g = 0;
        if (b < e && strchr(" =-_*#:|~.>", buf[b]) != NULL)
            b++;
        else if (b + 2 < e && sep_glyph(buf + b, &g))
            b += g;
        else
            break;
    }
    for (;;) {
        size_t g = 0;
        if (e > b && strchr(" =-_*#:|~.<", buf[e - 1]) != NULL)
            e--;
        else if (e >= b + 3 && sep_glyph(buf + e - 3, &g) && g == 3)
            e -= 3;
        else
            break;
    }
    if (e <= b || ai_resume_words(buf + b, e - b) > 5)
        return -1;
    static const int priority[SEC_COUNT] = {
        [SEC_EXPERIENCE] = 9, [SEC_EDUCATION] = 8, [SEC_CERTS] = 7,     [SEC_SKILLS] = 6,
        [SEC_LANGUAGES] = 5,  [SEC_SUMMARY] = 4,   [SEC_PROJECTS] = 3,  [SEC_CONTACT] = 2,
        [SEC_OTHER] = 1,      [SEC_AWARDS] = 1,    [SEC_VOLUNTEER] = 1, [SEC_PUBLICATIONS] = 1,
        [SEC_HEADER] = 1
    };
    int best = -1;
    bool all_weak = true;
    for (size_t i = b; i < e;) {
        size_t j = i;
        while (j < e && buf[j] != '/' && buf[j] != '&' && buf[j] != '+' && buf[j] != ',' &&
               !(j + 5 <= e && memcmp(buf + j, " and ", 5) == 0))
            j++;
        size_t pb = i, pe = j;
        while (pb < pe && buf[pb] == ' ')
            pb++;
        while (pe > pb && buf[pe - 1] == ' ')
            pe--;
        if (pe > pb) {
            bool w = false;
            int sec = heading_phrase(buf + pb, pe - pb, lang, &w);
            if (sec < 0 && memchr(buf + pb, ' ', pe - pb) != NULL)
                return -1;
            if (sec >= 0) {
                all_weak = all_weak && w;
                if (best < 0 || priority[sec] > priority[best])
                    best = sec;
            }
        }
        i = j < e && buf[j] == ' ' ? j + 5 : j + 1;
    }
    *weak = all_weak;
    return best;
}

/* Length of the bullet mark (and the spaces after it) that starts s; 0 when there is none.
 * Bullets are ASCII marks followed by a space, or a symbol character: dashes, bullets,
 * arrows, geometric shapes, dingbats and the private-use glyphs of PDF symbol fonts. */
static size_t bullet_len(const char *s)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t n = 0;
    if (strchr("-*+>~", u[0]) != NULL && u[0] != 0 && u[1] == ' ')
        n = 1;
    else if (u[0] == 'o' && u[1] == ' ' && (isupper(u[2]) || isdigit(u[2])))
        n = 1; /* Word's hollow bullet, exported as a letter */
    else if (isdigit(u[0]) && (u[1] == '.' || u[1] == ')') && u[2] == ' ')
        n = 2; /* "1. Led ..." */
    else if (isdigit(u[0]) && isdigit(u[1]) && (u[2] == '.' || u[2] == ')') && u[3] == ' ')
        n = 3;
    else if (u[0] == 0xc2 && (u[1] == 0xb7 || u[1] == 0xbb || u[1] == 0xa7))
        n = 2;
    else if (u[0] == 0xe2 && u[1] >= 0x80 && u[1] <= 0x9e && u[2] >= 0x80 &&
             !(u[1] == 0x80 && u[2] >= 0x98 && u[2] <= 0x9f) && u[1] != 0x82 && u[1] != 0x84)
        n = 3;
    else if (u[0] == 0xef && u[1] >= 0x80 && u[1] <= 0xa3 && u[2] >= 0x80)
        n = 3;
    if (n == 0)
        return 0;
    while (u[n] == ' ')
        n++;
    return u[n] ? n : 0;
}

/* The spoken languages a "Languages" section may list, as they are displayed. */
static const char *const spoken_phrases[] = {
    "American Sign Language",
    "Haitian Creole",
    "Scottish Gaelic",
};

/* Single-word names, matched word by word. */
static const char *const spoken[] = {
    "English",     "Spanish",    "French",    "German",    "Italian",       "Portuguese",
    "Dutch",       "Swedish",    "Norwegian", "Danish",    "Finnish",       "Icelandic",
    "Irish",       "Welsh",      "Polish",    "Czech",     "Slovak",        "Hungarian",
    "Romanian",    "Bulgarian",  "Greek",     "Turkish",   "Russian",       "Ukrainian",
    "Belarusian",  "Serbian",    "Croatian",  "Bosnian",   "Slovenian",     "Macedonian",
    "Albanian",    "Lithuanian", "Latvian",   "Estonian",  "Arabic",        "Hebrew",
    "Persian",     "Farsi",      "Dari",      "Pashto",    "Kurdish",       "Urdu",
    "Hindi",       "Bengali",    "Bangla",    "Punjabi",   "Gujarati",      "Marathi",
    "Tamil",       "Telugu",     "Kannada",   "Malayalam", "Sinhala",       "Nepali",
    "Chinese",     "Mandarin",   "Cantonese", "Japanese",  "Korean",        "Vietnamese",
    "Thai",        "Indonesian", "Malay",     "Filipino",  "Tagalog",       "Khmer",
    "Burmese",     "Mongolian",  "Kazakh",    "Uzbek",     "Georgian",      "Armenian",
    "Azerbaijani", "Swahili",    "Amharic",   "Tigrinya",  "Yoruba",        "Igbo",
    "Hausa",       "Zulu",       "Xhosa",     "Afrikaans", "Somali",        "Kinyarwanda",
    "Catalan",     "Basque",     "Galician",  "Latin",     "Esperanto",     "Maori",
    "Samoan",      "Hawaiian",   "Quechua",   "Guarani",   "Luxembourgish", "Maltese",
};

/* Languages as their speakers write them, with the name displayed for them. */
static const char *const endonyms[][2] = {
    { "español", "Spanish" },
    { "castellano", "Spanish" },
    { "français", "French" },
    { "deutsch", "German" },
    { "italiano", "Italian" },
    { "português", "Portuguese" },
    { "nederlands", "Dutch" },
    { "polski", "Polish" },
    { "svenska", "Swedish" },
    { "norsk", "Norwegian" },
    { "dansk", "Danish" },
    { "suomi", "Finnish" },
    { "türkçe", "Turkish" },
    { "română", "Romanian" },
    { "čeština", "Czech" },
    { "magyar", "Hungarian" },
    { "català", "Catalan" },
    { "euskara", "Basque" },
    { "galego", "Galician" },
    { "gaeilge", "Irish" },
    { "kiswahili", "Swahili" },
    { "bahasa indonesia", "Indonesian" },
    { "tiếng việt", "Vietnamese" },
    /* German names of languages, as German CVs list them. */
    { "englisch", "English" },
    { "französisch", "French" },
    { "spanisch", "Spanish" },
    { "italienisch", "Italian" },
    { "russisch", "Russian" },
    { "polnisch", "Polish" },
    { "türkisch", "Turkish" },
    { "arabisch", "Arabic" },
    { "chinesisch", "Chinese" },
    { "japanisch", "Japanese" },
    { "portugiesisch", "Portuguese" },
    { "niederländisch", "Dutch" },
    { "schwedisch", "Swedish" },
    { "griechisch", "Greek" },
    { "kroatisch", "Croatian" },
    { "serbisch", "Serbian" },
    { "ukrainisch", "Ukrainian" },
    { "rumänisch", "Romanian" },
};

/* The spoken language an item names ("Spanish (native)", "Fluent in French", "English -
 * C1", "Español"), as displayed; NULL when it names none. */
static const char *spoken_in(const char *s, size_t n)
{
    for (size_t i = 0; i < COUNT(endonyms); i++) {
        size_t l = strlen(endonyms[i][0]);
        for (size_t k = 0; k + l <= n; k++)
            if (strncasecmp(s + k, endonyms[i][0], l) == 0 &&
                (k == 0 || !word_char((unsigned char)s[k - 1])) &&
                (k + l == n || !word_char((unsigned char)s[k + l])))
                return endonyms[i][1];
    }
    for (size_t i = 0; i < COUNT(spoken_phrases); i++) {
        size_t l = strlen(spoken_phrases[i]);
        for (size_t k = 0; k + l <= n; k++)
            if (strncasecmp(s + k, spoken_phrases[i], l) == 0)
                return spoken_phrases[i];
    }
    const char *p = s, *w;
    size_t wl;
    while (next_word(&p, s + n, &w, &wl))
        for (size_t i = 0; i < COUNT(spoken); i++)
            if (strlen(spoken[i]) == wl && strncasecmp(w, spoken[i], wl) == 0)
                return spoken[i];
    return NULL;
}

/* True when a list names at least one spoken language (so "Languages: Python, Go" in a
 * skills section is a sub-label, not the Languages section). */
static bool names_spoken_language(const char *s)
{
    return spoken_in(s, strlen(s)) != NULL;
}

/* True when every letter of s is a capital and there are at least two of them. */
static bool all_caps(const char *s, size_t n)
{
    size_t upper = 0;
    for (size_t i = 0; i < n; i++) {
        if (islower((unsigned char)s[i]))
            return false;
        upper += isupper((unsigned char)s[i]) != 0;
    }
    return upper >= 2;
}

/* True when a line has nothing to read: no letter or digit in any script (rules such as
 * "-----" or "═══" are blank). */
static bool blank_line(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (isalnum(c) || (c >= 0xc3 && c <= 0xe1) || (c >= 0xe3 && c <= 0xed))
            return false;
    }
    return true;
}

/* An inline heading: "Skills: SQL, Excel", "Languages: English, Tamil", or a label set off by
 * a gap as Europass writes them ("Mother tongue(s)     Spanish"). Returns its section and
 * sets *body to the text after the label; -1 when the line is not one. */
static int inline_heading(const char *s, section cur, const char *lang, const char **body)
{
    const char *colon = strchr(s, ':');
    size_t label = colon ? (size_t)(colon - s) : 0;
    const char *rest = colon ? colon + 1 : NULL;
    if (colon == NULL || label > 32) {
        const char *gap = strstr(s, "   ");
        if (gap == NULL || gap - s > 32)
            return -1;
        label = (size_t)(gap - s);
        rest = gap;
    }
    if (label == 0)
        return -1;
    while (*rest == ' ')
        rest++;
    if (*rest == '\0' || strncmp(rest, "//", 2) == 0)
        return -1;
    bool weak = false;
    int sec = heading_of(s, label, lang, &weak);
    if (sec != SEC_SUMMARY && sec != SEC_SKILLS && sec != SEC_CERTS && sec != SEC_LANGUAGES &&
        sec != SEC_EDUCATION)
        return -1;
    *body = rest;
    if (sec == SEC_LANGUAGES && !names_spoken_language(rest))
        return cur == SEC_SKILLS ? -1 : SEC_SKILLS;
    return sec;
}

/* Splits text into trimmed lines, classifies each and assigns sections. */
static int read_lines(parser *p, char *text)
{
    size_t n = 1;
    for (const char *c = text; *c; c++)
        n += *c == '\n';
    if (n > LINES_MAX)
        n = LINES_MAX;
    p->lines = arena_calloc(p->a, n, sizeof(rline));
    if (p->lines == NULL)
        return IA_ERR_NOMEM;
    section cur = SEC_HEADER;
    p->has[SEC_HEADER] = true;
    bool prev_blank = true;
    char *s = text;
    for (size_t i = 0; i < n && s != NULL; i++) {
        char *nl = strchr(s, '\n');
        if (nl != NULL)
            *nl = '\0';
        while (*s == ' ')
            s++;
        size_t len = strlen(s);
        while (len > 0 && s[len - 1] == ' ')
            s[--len] = '\0';
        rline *l = &p->lines[p->n++];
        l->text = s;
        l->len = len;
        l->body = s;
        l->kind = blank_line(s, len) ? LN_BLANK : LN_TEXT;
        bool weak = false;
        int h = l->kind == LN_TEXT ? heading_of(s, len, p->lang, &weak) : -1;
        if (h >= 0 && weak && !all_caps(s, len) && s[len - 1] != ':' && !prev_blank)
            h = -1;
        const char *body = NULL;
        int in = h < 0 && l->kind == LN_TEXT ? inline_heading(s, cur, p->lang, &body) : -1;
        if (h >= 0) {
            l->kind = LN_HEADING;
            cur = (section)h;
        } else if (in >= 0) {
            cur = (section)in;
            l->body = body;
        } else if (l->kind == LN_TEXT && bullet_len(s) > 0) {
            l->kind = LN_BULLET;
            l->body = s + bullet_len(s);
        }
        l->sec = cur;
        p->has[cur] = true;
        prev_blank = l->kind == LN_BLANK;
        s = nl ? nl + 1 : NULL;
    }
    return IA_OK;
}

/* ---- entry headers: segments, titles and companies ----------------------------------------- */

/* Head nouns of job titles. */
static const char role_words[] =
    "engineer|developer|programmer|architect|manager|director|lead|head|officer|analyst|"
    "scientist|designer|researcher|consultant|specialist|coordinator|administrator|assistant|"
    "associate|intern|internship|representative|executive|accountant|clerk|nurse|technician|"
    "supervisor|planner|president|vp|founder|co-founder|cofounder|owner|teacher|tutor|"
    "instructor|lecturer|professor|writer|editor|marketer|strategist|recruiter|advisor|"
    "adviser|auditor|controller|bookkeeper|cashier|physician|therapist|pharmacist|aide|"
    "trainee|apprentice|fellow|agent|operator|mechanic|electrician|chef|cook|driver|worker|"
    "volunteer|principal|sre|ceo|cto|cfo|coo|cmo|ciso|cio|rn|lpn|cna|paralegal|attorney|"
    "lawyer|counsel|dentist|hygienist|technologist|buyer|merchandiser|producer|photographer|"
    "artist|illustrator|animator|journalist|reporter|translator|interpreter|receptionist|"
    "secretary|estimator|surveyor|inspector|scheduler|dispatcher|underwriter|actuary|"
    "economist|statistician|librarian|counselor|coach|trainer|facilitator|evangelist|"
    "advocate|liaison|generalist|resident|paramedic|caregiver|midwife|doctor|partner|master|"
    "steward|chemist|biologist|bartender|server|salesperson|banker|broker|teller|"
    "investigator|sergeant|soldier|entwickler|softwareentwickler|ingenieur|leiter|berater|"
    "referent|sachbearbeiter|kaufmann|kauffrau|informatiker|projektleiter|teamleiter|pfleger|"
    "krankenpfleger|gesundheits-|werkstudent|praktikant";

/* Words that name an organisation rather than a role. */
static const char org_words[] =
    "inc|llc|ltd|corp|corporation|co|company|group|labs|lab|software|systems|solutions|"
    "technologies|bank|bancorp|hospital|center|centre|clinic|university|college|agency|"
    "studio|partners|capital|media|apps|cloud|payments|analytics|insurance|consulting|"
    "services|holdings|industries|foundation|association|department|ministry|gmbh|ag|plc|pty|"
    "limited|pvt|sa|s.a|se|kg|bv|nv|ab|oy|spa|srl|sarl|banking|"
    "llp|institute|school|bootcamp|hotel|restaurant|store|stores|retail|foods|motors|energy|"
    "pharmaceuticals|health|healthcare|network|networks|communications|logistics|"
    "manufacturing|supply|distribution";

/* How strongly a segment reads as a job title: 2 when it ends with a role word (before any
 * comma, parenthesis or grade like "II") or starts "Head of" / "Director of", 1 when a role
 * word occurs elsewhere, 0 otherwise; organisation words count against it. */
static int role_score(const char *s)
{
    size_t n = strcspn(s, ",(");
    const char *p = s, *w, *last = NULL;
    size_t wl, last_len = 0;
    int score = 0;
    while (next_word(&p, s + n, &w, &wl)) {
        if (ai_text_in_set(w, wl, role_words))
            score = 1;
        bool grade = (wl <= 3 && strspn(w, "IVX") == wl) || (wl == 1 && isdigit((unsigned char)*w));
        if (!grade) {
            last = w;
            last_len = wl;
        }
    }
    static const char *const leading[] = { "head of", "director of", "vice president", "vp of",
                                           "chief" };
    if (last != NULL && ai_text_in_set(last, last_len, role_words))
        score = 2;
    for (size_t i = 0; i < COUNT(leading); i++)
        if (ai_text_has_phrase(s, leading[i]))
            score = 2;
    p = s;
    while (next_word(&p, s + strlen(s), &w, &wl))
        if (ai_text_in_set(w, wl, org_words))
            score--;
    return score;
}

static const char places[] =
    "remote|hybrid|usa|us|u.s.|united states|canada|uk|united kingdom|ireland|germany|france|"
    "india|australia|poland|spain|italy|netherlands|brazil|mexico|japan|china|singapore|"
    "norway|sweden|denmark|finland|portugal|switzerland|austria|belgium|new zealand|"
    "south africa|nigeria|kenya|israel|scotland|england|wales|california|texas|new york|"
    "florida|washington|ontario|quebec|ohio|arizona|illinois|georgia|virginia|massachusetts|"
    "colorado|oregon|berlin|munich|münchen|hamburg|frankfurt|cologne|köln|stuttgart|"
    "düsseldorf|vienna|wien|zurich|zürich|geneva|genf|london|manchester|leeds|birmingham|"
    "edinburgh|glasgow|bristol|dublin|paris|madrid|barcelona|amsterdam|bengaluru|bangalore|"
    "mumbai|delhi|new delhi|chennai|hyderabad|pune|kolkata|noida|gurgaon|gurugram|sydney|"
    "melbourne|brisbane|perth|adelaide|canberra|toronto|vancouver|auckland|deutschland|"
    "österreich|schweiz";

/* True for a region code: two or three capitals ("OR", "NSW"). */
static bool region_code(const char *s, size_t n)
{
    return (n == 2 || n == 3) && isupper((unsigned char)s[0]) && isupper((unsigned char)s[1]) &&
           (n == 2 || isupper((unsigned char)s[2]));
}

/* True when what follows comma is a place: a region code ("OR", "NSW", then *code is set), a
 * town with its region code ("Parramatta NSW") or a known country, region or city
 * ("Ireland", "Berlin"). */
static bool place_after(const char *comma, bool *code)
{
    const char *last = comma + 1;
    while (*last == ' ')
        last++;
    size_t ll = strlen(last);
    *code = region_code(last, ll);
    if (*code || ai_text_in_set(last, ll, places))
        return true;
    const char *sp = strrchr(last, ' ');
    return sp != NULL && region_code(sp + 1, strlen(sp + 1)) && isupper((unsigned char)last[0]) &&
           ai_resume_words(last, ll) <= 3;
}

/* True for "Portland, OR", "Dublin, Ireland", "Remote": a place, not an organisation. */
static bool location_like(const char *s)
{
    size_t n = strlen(s);
    if (ai_text_in_set(s, n, places))
        return true;
    const char *comma = strrchr(s, ',');
    bool code;
    if (comma == NULL || n > 50 || !place_after(comma, &code))
        return false;
    for (const char *c = s; c < comma; c++)
        if (isdigit((unsigned char)*c) || *c == '(' || *c == ',')
            return false;
    /* "Infosys Limited, Bengaluru", "KPMG Australia, Parramatta NSW": an organisation and
     * its place. */
    const char *w = s, *word, *last = NULL;
    size_t wl = 0, lastl = 0;
    while (next_word(&w, comma, &word, &wl)) {
        if (ai_text_in_set(word, wl, org_words))
            return false;
        last = word;
        lastl = wl;
    }
    if (last != NULL && last != s && ai_text_in_set(last, lastl, places))
        return false;
    return ai_resume_words(s, (size_t)(comma - s)) <= 3;
}

/* Drops a trailing ", City, ST" or ", Country" from an organisation name. */
static void strip_location(char *s)
{
    for (int k = 0; k < 2; k++) {
        char *comma = strrchr(s, ',');
        bool code;
        if (comma == NULL || !place_after(comma, &code))
            return;
        *comma = '\0';
        char *prev = strrchr(s, ',');
        /* "Acme, Portland, OR": the city goes with the state. */
        if (prev != NULL && code && ai_resume_words(prev + 1, strlen(prev + 1)) <= 3) {
            *prev = '\0';
            return;
        }
    }
}

/* Length of the separator at s[i] (0 when there is none) for split(): any of the characters
 * chars, and bullets or middle dots; for an entry header also gaps of three spaces or more,
 * dot leaders, " - ", " @ ", " at ", an em dash and a spaced en dash (an unspaced en dash
 * joins, as in "Wisconsin–Lakeshore"). */
static size_t separator_at(const char *s, size_t i, const char *chars, bool header)
{
    size_t g = 0;
    if (strchr(chars, s[i]) != NULL)
        return 1;
    if (sep_glyph(s + i, &g)) {
        bool dash = g == 3 && (unsigned char)s[i + 1] == 0x80 &&
                    ((unsigned char)s[i + 2] == 0x93 || (unsigned char)s[i + 2] == 0x94);
        bool en = dash && (unsigned char)s[i + 2] == 0x93;
        bool spaced = i > 0 && s[i - 1] == ' ' && s[i + g] == ' ';
        if (!dash || (header && (!en || spaced)))
            return g;
        return 0;
    }
    if (!header)
        return 0;
    if ((s[i] == ' ' && s[i + 1] == ' ' && s[i + 2] == ' ') ||
        (s[i] == '.' && s[i + 1] == '.' && s[i + 2] == '.') ||
        (s[i] == ' ' && (s[i + 1] == '-' || s[i + 1] == '@') && s[i + 2] == ' '))
        return 3;
    return s[i] == ' ' && strncmp(s + i + 1, "at ", 3) == 0 ? 4 : 0;
}

/* Splits s at its separators (separator_at), never inside parentheses; the pieces are
 * trimmed copies, empty ones dropped. */
static size_t split(arena *a, const char *s, const char *chars, bool header, char **out, size_t max)
{
    size_t n = 0, start = 0, len = strlen(s);
    int depth = 0;
    for (size_t i = 0; i <= len && n < max;) {
        size_t cut = 0;
        if (i == len)
            cut = 1;
        else if (s[i] == '(')
            depth++;
        else if (s[i] == ')')
            depth -= depth > 0;
        else if (depth == 0)
            cut = separator_at(s, i, chars, header);
        if (cut == 0) {
            i++;
            continue;
        }
        char *piece = trim_dup(a, s + start, i - start);
        if (piece != NULL && has_alnum(piece))
            out[n++] = piece;
        i += cut;
        start = i;
    }
    return n;
}

/* Splits an entry header into segments; with commas set, commas separate too. */
static size_t split_segments(arena *a, const char *s, bool commas, char **out, size_t max)
{
    return split(a, s, commas ? "|," : "|", true, out, max);
}

/* Title-cases a job title written in capitals ("PROGRAM LEAD" -> "Program Lead"), keeping
 * short words that are acronyms ("SRE", "QA", "VP") and lower-casing joining words. */
static void title_case(char *s)
{
    if (!all_caps(s, strlen(s)))
        return;
    static const char *const small[] = { "of", "and", "the", "for", "in", "at", "to", "on", "by" };
    bool first = true;
    for (char *p = s; *p;) {
        if (!isalpha((unsigned char)*p)) {
            p++;
            continue;
        }
        char *w = p;
        while (isalpha((unsigned char)*p))
            p++;
        size_t wl = (size_t)(p - w);
        bool join = !first && ai_resume_in_list(w, wl, small, COUNT(small));
        if (wl > 3 || join)
            for (size_t i = join ? 0 : 1; i < wl; i++)
                w[i] = (char)tolower((unsigned char)w[i]);
        first = false;
    }
}

/* An organisation's name as displayed: a trailing note in parentheses ("(agency)", "(CRO)")
 * and a trailing location dropped. */
static char *clean_company(arena *a, char *s)
{
    size_t n = strlen(s);
    if (n > 0 && s[n - 1] == ')') {
        char *open = strrchr(s, '(');
        if (open != NULL && open > s)
            *open = '\0';
    }
    n = strlen(s);
    while (n > 0 && s[n - 1] == ' ')
        s[--n] = '\0';
    strip_location(s);
    return trim_dup(a, s, strlen(s));
}

/* ---- dates in lines ------------------------------------------------------------------------ */

/* Finds the first date range of line and where it is written: bytes [*b, *e). */
static bool date_span(const char *line, int now, ai_range *r, size_t *b, size_t *e)
{
    if (!ai_date_range(line, now, r))
        return false;
    *b = r->at;
    *e = r->at + r->len;
    return true;
}

/* line without the date range at [b, e), the two sides kept apart by a gap; brackets left
 * empty by the cut go too. */
static char *cut_span(arena *a, const char *line, size_t b, size_t e)
{
    size_t lb = b, re = e;
    while (lb > 0 && line[lb - 1] == ' ')
        lb--;
    while (line[re] == ' ')
        re++;
    if (lb > 0 && line[lb - 1] == '(' && line[re] == ')') {
        lb--;
        re++;
    }
    /* "St. Mary Hospital from March 2019 to present": the word that introduces the dates. */
    static const char *const lead_in[] = { "from", "since", "between", "during", "dates" };
    size_t w = lb;
    while (w > 0 && isalpha((unsigned char)line[w - 1]))
        w--;
    if (w < lb && (w == 0 || line[w - 1] == ' ') &&
        ai_resume_in_list(line + w, lb - w, lead_in, COUNT(lead_in)))
        for (lb = w; lb > 0 && line[lb - 1] == ' ';)
            lb--;
    return arena_printf(a, "%.*s   %s", (int)lb, line, line + re);
}

/* The last single date of a line ("2016", "May 2024") formatted, with where it is written
 * ([*b, *e), a month name included); NULL when there is none. */
static char *single_date(arena *a, const char *s, size_t *b, size_t *e)
{
    char buf[16];
    int month = 0;
    bool year_only = false;
    if (!ai_date_last(s, &month, &year_only, b, e))
        return NULL;
    ai_month_format(month, year_only, buf);
    return arena_strdup(a, buf);
}

/* ---- experience ---------------------------------------------------------------------------- */

typedef struct {
    size_t at;         /* the line with the date range */
    size_t first, end; /* header lines [first, end): the body starts at end */
    ai_range r;
    bool dated;
    char *segs[SEGS_MAX];
    size_t nsegs;
    size_t nabove;      /* how many of the segments come from lines above the date line */
    bool company_above; /* the company was a line of its own above the title */
} anchor;

/* True for a line that can be part of an entry header: short, not a sentence, mostly
 * capitalised words (words in parentheses and joining words aside). */
static bool header_like(const rline *l)
{
    if (l->kind != LN_TEXT || l->len > 160 || islower((unsigned char)l->text[0]) ||
        l->text[0] == '(')
        return false;
    if (l->text[l->len - 1] == '.') {
        const char *w = l->text + l->len - 1;
        while (w > l->text && isalpha((unsigned char)w[-1]))
            w--;
        if (l->text + l->len - 1 - w > 4 || !isupper((unsigned char)*w))
            return false;
    }
    static const char *const small[] = {
        "of",  "and", "the", "for", "in", "at", "to", "on", "de",
        "del", "la",  "le",  "du",  "da", "y",  "e",  "&",  "with"
    };
    size_t words = 0, caps = 0;
    int depth = 0;
    for (const char *p = l->text; *p;) {
        if (*p == '(' || *p == ')') {
            depth += *p == '(' ? 1 : -1;
            p++;
            continue;
        }
        if (!word_char((unsigned char)*p)) {
            p++;
            continue;
        }
        const char *w = p;
        while (*p && word_char((unsigned char)*p) && *p != '(' && *p != ')')
            p++;
        if (depth > 0 || ai_resume_in_list(w, (size_t)(p - w), small, COUNT(small)))
            continue;
        words++;
        caps += !islower((unsigned char)*w);
    }
    if (words == 0 || words > 14)
        return false;
    /* Capitalised words, or a short line in sentence case that names a role ("Senior software
     * engineer"). */
    return caps * 4 >= words * 3 || (words <= 8 && role_score(l->text) >= 1);
}

/* The first clause of a prose line when it is a job title ("Associate Product Manager. Write
 * user stories..."), or NULL. */
static char *title_clause(arena *a, const rline *l)
{
    if (l->kind != LN_TEXT)
        return NULL;
    size_t n = strcspn(l->text, ".,;:");
    if (n == 0 || n >= l->len || ai_resume_words(l->text, n) > 6)
        return NULL;
    char *t = trim_dup(a, l->text, n);
    return t != NULL && role_score(t) >= 2 ? t : NULL;
}

/* Fills the segments of one experience entry's header: the text of its date line, the header
 * lines just above it when that text is not enough, or the line just below (a company under
 * "Title  dates", or a title opening the description). limit is the first line the entry may
 * reach back to. */
static void entry_header(parser *p, anchor *an, size_t limit)
{
    rline *lines = p->lines;
    an->first = an->at;
    an->end = an->at + 1;
    an->nsegs = 0;
    char *own = lines[an->at].text;
    size_t b = 0, e = 0;
    ai_range r;
    if (an->dated && date_span(own, p->now, &r, &b, &e))
        own = cut_span(p->a, own, b, e);
    if (own == NULL)
        return;
    char *own_segs[SEGS_MAX];
    size_t nown = split_segments(p->a, own, false, own_segs, SEGS_MAX);
    if (nown < 2) {
        size_t j = an->at;
        while (j > limit && an->at - j < 2 && !lines[j - 1].used && header_like(&lines[j - 1]) &&
               lines[j - 1].sec == lines[an->at].sec)
            j--;
        for (size_t k = j; k < an->at; k++) {
            an->nsegs += split_segments(p->a, lines[k].text, false, an->segs + an->nsegs,
                                        SEGS_MAX - an->nsegs);
            lines[k].used = true;
        }
        an->first = j;
        an->nabove = an->nsegs;
    }
    for (size_t k = 0; k < nown && an->nsegs < SEGS_MAX; k++)
        an->segs[an->nsegs++] = own_segs[k];
    lines[an->at].used = true;
    /* Below: the company under "Title  dates", or title and company under a line of dates. */
    size_t want = an->nsegs == 0 ? 2 : an->nsegs == 1 && strchr(an->segs[0], ',') == NULL;
    for (size_t k = an->at + 1; want > 0 && k < p->n; k++, want--) {
        rline *next = &lines[k];
        ai_range nr;
        if (next->sec != lines[an->at].sec || !header_like(next) || location_like(next->text) ||
            ai_date_range(next->text, p->now, &nr))
            break;
        an->nsegs +=
            split_segments(p->a, next->text, false, an->segs + an->nsegs, SEGS_MAX - an->nsegs);
        next->used = true;
        an->end = k + 1;
    }
    if (an->nsegs == 1 && an->end == an->at + 1 && an->at + 1 < p->n &&
        lines[an->at + 1].sec == lines[an->at].sec && role_score(an->segs[0]) < 1) {
        char *t = title_clause(p->a, &lines[an->at + 1]);
        if (t != NULL)
            an->segs[an->nsegs++] = t;
    }
}

/* Picks the job title and the company among an entry's header segments: the segment that
 * reads most like a title is the title, the first other segment that is not a place is the
 * company. A single segment "Title, Company" is split at its first comma. */
static void title_and_company(parser *p, anchor *an, ai_experience *x)
{
    char **segs = an->segs;
    size_t n = an->nsegs;
    char *parts[SEGS_MAX];
    if (n == 1) {
        size_t k = split_segments(p->a, segs[0], true, parts, SEGS_MAX);
        if (k >= 2) {
            segs = parts;
            n = k;
        } else {
            /* One name alone: an organisation when it reads as one, else the title. */
            if (role_score(segs[0]) < 0) {
                x->company = clean_company(p->a, segs[0]);
            } else {
                title_case(segs[0]);
                x->job_title = segs[0];
            }
            return;
        }
    }
    size_t best = n;
    int best_score = -100;
    for (size_t i = 0; i < n; i++) {
        if (location_like(segs[i]))
            continue;
        int sc = role_score(segs[i]);
        if (sc > best_score) {
            best = i;
            best_score = sc;
        }
    }
    if (best == n)
        return;
    char *title = segs[best];
    title_case(title);
    x->job_title = title;
    for (size_t i = 0; i < n; i++)
        if (i != best && !location_like(segs[i])) {
            x->company = clean_company(p->a, segs[i]);
            an->company_above = segs == an->segs && i < an->nabove && best >= an->nabove;
            break;
        }
}

/* Cuts s[0..*len) back so that it does not end inside a UTF-8 character, as a bounded copy
 * may leave it. */
static void utf8_cut(char *s, size_t *len)
{
    size_t n = *len, k = n;
    while (k > 0 && n - k < 3 && ((unsigned char)s[k - 1] & 0xc0) == 0x80)
        k--;
    if (k > 0 && (unsigned char)s[k - 1] >= 0xc0 && utf8_len((unsigned char)s[k - 1]) > n - k + 1)
        n = k - 1;
    s[n] = '\0';
    *len = n;
}

/* Appends s to a text being built in buf (bounded; a cut never splits a character). */
static void append_text(char *buf, size_t cap, size_t *len, const char *s, const char *sep)
{
    if (*len + 1 >= cap)
        return;
    int w = snprintf(buf + *len, cap - *len, "%s%s", *len ? sep : "", s);
    if (w > 0)
        *len += (size_t)w < cap - *len ? (size_t)w : cap - *len - 1;
    utf8_cut(buf, len);
}

/* The body of an entry, lines [from, to): bullet points become highlights (a line that
 * continues a bullet is joined to it); the other lines are the description. */
static int entry_body(parser *p, size_t from, size_t to, ai_experience *x)
{
    char *desc = arena_alloc(p->a, DESCRIPTION_MAX);
    const char **hl = arena_calloc(p->a, AI_HIGHLIGHTS_MAX, sizeof(char *));
    if (desc == NULL || hl == NULL)
        return IA_ERR_NOMEM;
    size_t dlen = 0, nh = 0;
    desc[0] = '\0';
    char cur[1024];
    size_t clen = 0;
    bool in_bullet = false;
    for (size_t i = from; i <= to; i++) {
        const rline *l = i < to ? &p->lines[i] : NULL;
        bool cont = l != NULL && in_bullet && l->kind == LN_TEXT && !l->used;
        if (!cont && in_bullet) {
            utf8_cut(cur, &clen);
            if (nh < AI_HIGHLIGHTS_MAX)
                hl[nh++] = arena_strdup(p->a, cur);
            in_bullet = false;
        }
        if (l == NULL || l->used || l->kind == LN_BLANK || l->kind == LN_HEADING)
            continue;
        if (cont) {
            clen += (size_t)snprintf(cur + clen, sizeof(cur) - clen, " %s", l->text);
            if (clen >= sizeof(cur))
                clen = sizeof(cur) - 1;
        } else if (l->kind == LN_BULLET) {
            clen = (size_t)snprintf(cur, sizeof(cur), "%s", l->body);
            if (clen >= sizeof(cur))
                clen = sizeof(cur) - 1;
            in_bullet = true;
        } else {
            append_text(desc, DESCRIPTION_MAX, &dlen, l->text, "\n");
        }
    }
    x->description = dlen ? desc : NULL;
    x->highlights.v = hl;
    x->highlights.n = nh;
    return IA_OK;
}

/* True for a line that may anchor an experience entry: text (not a bullet) in an experience
 * section, or in the header when the resume has no experience section, short enough to be a
 * header, holding a date range. */
static bool anchor_line(parser *p, size_t i, ai_range *r)
{
    const rline *l = &p->lines[i];
    if (l->kind != LN_TEXT || l->len > HEAD_LINE_MAX)
        return false;
    if (l->sec != SEC_EXPERIENCE && !(l->sec == SEC_HEADER && !p->has[SEC_EXPERIENCE]))
        return false;
    size_t b, e;
    if (!date_span(l->text, p->now, r, &b, &e))
        return false;
    return ai_resume_words(l->text, b) + ai_resume_words(l->text + e, l->len - e) <= 14;
}

/* When an experience section has no dates at all, each block of lines (separated by blank
 * lines) whose first line reads as a header is an undated entry. */
static size_t undated_anchors(parser *p, anchor *an, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < p->n && n < max; i++) {
        const rline *l = &p->lines[i];
        bool starts =
            i == 0 || p->lines[i - 1].kind == LN_BLANK || p->lines[i - 1].kind == LN_HEADING;
        if (l->sec == SEC_EXPERIENCE && starts && header_like(l) && role_score(l->text) >= 1) {
            memset(&an[n], 0, sizeof(an[n]));
            an[n++].at = i;
        }
    }
    return n;
}

static int parse_experience(parser *p, ai_analysis *out)
{
    anchor *an = arena_calloc(p->a, AI_EXPERIENCE_MAX, sizeof(anchor));
    if (an == NULL)
        return IA_ERR_NOMEM;
    size_t n = 0;
    for (size_t i = 0; i < p->n && n < AI_EXPERIENCE_MAX; i++) {
        ai_range r;
        if (anchor_line(p, i, &r)) {
            an[n].at = i;
            an[n].r = r;
            an[n++].dated = true;
        }
    }
    if (n == 0)
        n = undated_anchors(p, an, AI_EXPERIENCE_MAX);
    if (n == 0)
        return IA_OK;
    size_t limit = 0;
    for (size_t k = 0; k < n; k++) {
        entry_header(p, &an[k], limit);
        limit = an[k].end;
    }
    out->experience = arena_calloc(p->a, n, sizeof(ai_experience));
    if (out->experience == NULL)
        return IA_ERR_NOMEM;
    for (size_t k = 0; k < n; k++) {
        ai_experience *x = &out->experience[out->nexperience];
        memset(x, 0, sizeof(*x));
        title_and_company(p, &an[k], x);
        /* Several roles under one employer's line: "Initech" / "Senior Accountant  2020 -
         * Present" / ... / "Accountant  2017 - 2020". */
        if (x->company == NULL && x->job_title != NULL && k > 0 && an[k].nabove == 0 &&
            an[k - 1].company_above && out->nexperience > 0) {
            x->company = out->experience[out->nexperience - 1].company;
            an[k].company_above = true;
        }
        if (an[k].dated) {
            char s[16], e[16];
            ai_month_format(an[k].r.start, an[k].r.year_only_start, s);
            x->start_date = arena_strdup(p->a, s);
            if (!an[k].r.open) {
                ai_month_format(an[k].r.end, an[k].r.year_only_end, e);
                x->end_date = arena_strdup(p->a, e);
            }
        }
        size_t to = k + 1 < n ? an[k + 1].first : p->n;
        size_t stop = an[k].end;
        while (stop < to && p->lines[stop].sec == p->lines[an[k].at].sec &&
               p->lines[stop].kind != LN_HEADING)
            stop++;
        int rc = entry_body(p, an[k].end, stop, x);
        if (rc != IA_OK)
            return rc;
        if (x->job_title == NULL && x->company == NULL && !an[k].dated)
            continue;
        if (an[k].dated && an[k].r.end >= an[k].r.start)
            p->ranges[p->nranges++] = an[k].r;
        out->nexperience++;
    }
    return IA_OK;
}

/* ---- education ----------------------------------------------------------------------------- */

static const char degree_abbrevs[] =
    "ba|bs|bsc|bsba|bba|bcom|bcomm|bfa|bed|beng|be|btech|barch|bdes|bpharm|bsn|bmus|ab|ma|ms|"
    "msc|mba|mfa|med|meng|me|mtech|mdes|mph|mha|msn|mpa|mpp|mres|mphil|mcs|mst|mim|mfin|macc|"
    "llb|llm|jd|md|dds|dmd|dvm|pharmd|phd|dphil|edd|dnp|psyd|aas|aa|as|aos|ged|hnd|adn|bsw|"
    "msw|mmus|mcom|bca|mca|hsc|ssc|sslc|hsslc|puc";

/* Length of a degree abbreviation at the start of s ("B.S.", "Ph.D.", "MBA", "B.Com", "BSc"),
 * 0 when s does not start with one. */
static size_t degree_abbrev(const char *s)
{
    size_t n = 0;
    while (s[n] && s[n] != ' ' && s[n] != ',' && s[n] != '(')
        n++;
    char key[16];
    size_t k = 0, upper = 0;
    bool dots = false;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '.') {
            dots = true;
            continue;
        }
        if (!isalpha((unsigned char)s[i]) || k + 1 >= sizeof(key))
            return 0;
        upper += isupper((unsigned char)s[i]) != 0;
        key[k++] = (char)tolower((unsigned char)s[i]);
    }
    if (k < 2 || !ai_text_in_set(key, k, degree_abbrevs))
        return 0;
    return dots || upper >= 2 ? n : 0;
}

/* True when a segment names a degree: an abbreviation, "Bachelor/Master/Associate/Doctor
 * ...", or a phrase holding "Degree", "Diploma" or "Certificate". */
static bool degree_like(const char *s)
{
    static const char *const starts[] = { "bachelor",     "master",          "associate of",
                                          "associate's",  "doctor of",       "doctorate",
                                          "diploma",      "certificate",     "licentiate",
                                          "postgraduate", "graduate diploma" };
    if (degree_abbrev(s) > 0)
        return true;
    for (size_t i = 0; i < COUNT(starts); i++)
        if (strncasecmp(s, starts[i], strlen(starts[i])) == 0)
            return true;
    return ai_text_has_phrase(s, "degree") || ai_text_has_phrase(s, "diploma") ||
           ai_text_has_phrase(s, "certificate");
}

static const char institution_words[] =
    "university|college|institute|school|academy|polytechnic|universidad|universidade|"
    "université|universität|università|hochschule|conservatory|seminary|bootcamp|tech|"
    "politecnico|polytechnique|escuela|école|lycée|gymnasium|universitat|universiteit|board|"
    "fachhochschule|berufsschule|realschule|gesamtschule";

static bool institution_like(const char *s)
{
    const char *p = s, *w;
    size_t wl;
    while (next_word(&p, s + strlen(s), &w, &wl))
        if (ai_text_in_set(w, wl, institution_words))
            return true;
    return false;
}

/* Drops a trailing parenthesised note: "Computer Science (Machine Learning)". */
static char *without_note(arena *a, const char *s)
{
    size_t n = strlen(s);
    if (n > 0 && s[n - 1] == ')') {
        const char *open = strrchr(s, '(');
        if (open != NULL && open > s)
            n = (size_t)(open - s);
    }
    return trim_dup(a, s, n);
}

/* Splits a degree segment into the degree and its field: "B.S. Computer Science", "Bachelor
 * of Science in Nursing (BSN)", "Associate Degree in Nursing", "Master of Accountancy",
 * "Full Stack Web Development Certificate", "B.Com (Hons) Finance". */
static void degree_and_field(arena *a, const char *s, ai_education *ed)
{
    size_t n = strlen(s);
    size_t ab = degree_abbrev(s);
    if (ab > 0) {
        size_t d = ab;
        const char *q = s + d;
        while (*q == ' ')
            q++;
        if (*q == '(' && strchr(q, ')') != NULL && strchr(q, ')') - q < 12)
            d = (size_t)(strchr(q, ')') - s) + 1;
        ed->degree = trim_dup(a, s, d);
        const char *f = s + d;
        while (*f == ' ')
            f++;
        if (strncasecmp(f, "in ", 3) == 0)
            f += 3;
        if (*f)
            ed->field_of_study = without_note(a, f);
        return;
    }
    bool abbrev_note = n > 0 && s[n - 1] == ')';
    bool whole = abbrev_note || ai_text_has_phrase(s, "degree") ||
                 ai_text_has_phrase(s, "diploma") || ai_text_has_phrase(s, "certificate");
    const char *in = NULL;
    for (const char *p = s; (p = strstr(p, " in ")) != NULL; p++)
        in = in ? in : p;
    if (whole) {
        ed->degree = trim_dup(a, s, n);
        if (in != NULL) {
            ed->field_of_study = without_note(a, in + 4);
        } else if (abbrev_note && strstr(s, " of ") != NULL) {
            ed->field_of_study = without_note(a, strstr(s, " of ") + 4);
        } else {
            static const char *const kinds[] = { " certificate", " diploma", " degree" };
            for (size_t i = 0; i < COUNT(kinds); i++) {
                size_t kl = strlen(kinds[i]);
                if (n > kl && strcasecmp(s + n - kl, kinds[i]) == 0)
                    ed->field_of_study = trim_dup(a, s, n - kl);
            }
        }
        return;
    }
    if (in != NULL) {
        ed->degree = trim_dup(a, s, (size_t)(in - s));
        ed->field_of_study = without_note(a, in + 4);
        return;
    }
    ed->degree = trim_dup(a, s, n);
}

/* Finds a grade ("GPA: 3.62/4.0", "CGPA 8.7/10", "GPA 3.45") in s, returns it and blanks it
 * out of s; NULL when there is none. */
static char *take_gpa(arena *a, char *s)
{
    for (char *p = s; *p; p++) {
        if (p > s && isalnum((unsigned char)p[-1]))
            continue;
        size_t kw = strncasecmp(p, "cgpa", 4) == 0 ? 4 : strncasecmp(p, "gpa", 3) == 0 ? 3 : 0;
        if (kw == 0 || isalpha((unsigned char)p[kw]))
            continue;
        char *q = p + kw;
        while (*q == ' ' || *q == ':' || *q == '-')
            q++;
        char *v = q;
        while (isdigit((unsigned char)*q) || *q == '.' || *q == '/')
            q++;
        while (q > v && (q[-1] == '.' || q[-1] == '/'))
            q--;
        if (q > v && isdigit((unsigned char)*v)) {
            char *g = arena_memdup(a, v, (size_t)(q - v));
            memset(p, ' ', (size_t)(q - p));
            return g;
        }
        /* The grade before the keyword: "3.9/4.0 GPA". */
        char *e = p;
        while (e > s && e[-1] == ' ')
            e--;
        v = e;
        while (v > s && (isdigit((unsigned char)v[-1]) || v[-1] == '.' || v[-1] == '/'))
            v--;
        if (v < e && isdigit((unsigned char)*v) && isdigit((unsigned char)e[-1]) &&
            (v == s || !isalnum((unsigned char)v[-1]))) {
            char *g = arena_memdup(a, v, (size_t)(e - v));
            memset(v, ' ', (size_t)(p + kw - v));
            return g;
        }
    }
    return NULL;
}

/* Words that open a detail of a degree rather than an institution or a field. */
static const char *const details[] = { "minor",      "major",    "concentration", "honors",
                                       "honours",    "thesis",   "dean's",        "specialization",
                                       "coursework", "relevant", "cum",           "magna",
                                       "summa" };

static bool education_empty(const ai_education *e)
{
    return e->degree == NULL && e->institution == NULL;
}

/* Reads the education section. An entry starts with a degree or an institution and takes
 * the dates, grade and institution (or degree) on the lines after it, until another degree
 * or institution starts the next entry. */
/* True for the header row of an education table, as Indian CVs lay it out ("Qualification |
 * Board/University | Year | Percentage"): cells that name columns, no digits. */
static bool table_header(const char *s)
{
    static const char columns[] =
        "qualification|degree|course|examination|exam|board|university|board/university|"
        "institute|institution|college|school|year|year of passing|passing year|percentage|"
        "cgpa|gpa|marks|grade|class|division|specialization|stream";
    if (strchr(s, '|') == NULL || strpbrk(s, "0123456789") != NULL)
        return false;
    size_t named = 0, cells = 0;
    for (const char *c = s; *c;) {
        while (*c == ' ' || *c == '|')
            c++;
        const char *b = c;
        while (*c && *c != '|')
            c++;
        size_t n = (size_t)(c - b);
        while (n > 0 && b[n - 1] == ' ')
            n--;
        if (n == 0)
            continue;
        cells++;
        named += ai_text_in_set(b, n, columns);
    }
    return cells >= 2 && named * 2 >= cells + 1;
}

static int parse_education(parser *p, ai_analysis *out)
{
    ai_education *ed = arena_calloc(p->a, AI_EDUCATION_MAX, sizeof(ai_education));
    if (ed == NULL)
        return IA_ERR_NOMEM;
    size_t n = 0;
    ai_education cur = { 0 };
    char *pending_start = NULL, *pending_end = NULL;
    for (size_t i = 0; i < p->n; i++) {
        const rline *l = &p->lines[i];
        if (l->sec != SEC_EDUCATION || (l->kind != LN_TEXT && l->kind != LN_BULLET) ||
            l->len > HEAD_LINE_MAX)
            continue;
        char *s = arena_strdup(p->a, l->body);
        if (s == NULL)
            return IA_ERR_NOMEM;
        if (table_header(s))
            continue; /* "Qualification | Board/University | Year | Percentage" */
        char *gpa = take_gpa(p->a, s);
        const char *colon = strchr(s, ':');
        if (gpa == NULL && colon != NULL && colon - s < 20 && !degree_like(s))
            continue; /* "Minor: Statistics", "Coursework: ..." */
        ai_range r;
        size_t b = 0, e = 0;
        char *start = NULL, *end = NULL, *rest = s;
        if (date_span(s, p->now, &r, &b, &e)) {
            char buf[16];
            ai_month_format(r.start, r.year_only_start, buf);
            start = arena_strdup(p->a, buf);
            if (!r.open) {
                ai_month_format(r.end, r.year_only_end, buf);
                end = arena_strdup(p->a, buf);
            }
            rest = cut_span(p->a, s, b, e);
        } else if ((end = single_date(p->a, s, &b, &e)) != NULL) {
            rest = cut_span(p->a, s, b, e);
        }
        if (rest == NULL)
            return IA_ERR_NOMEM;
        char *segs[SEGS_MAX];
        size_t ns = split_segments(p->a, rest, true, segs, SEGS_MAX);
        bool after_degree = false, named = false;
        for (size_t k = 0; k < ns; k++)
            named = named || (institution_like(segs[k]) && degree_abbrev(segs[k]) == 0);
        for (size_t k = 0; k < ns; k++) {
            char *sg = segs[k];
            bool detail = ai_resume_in_list(sg, strcspn(sg, " :"), details, COUNT(details));
            if (degree_abbrev(sg) > 0 || (degree_like(sg) && !institution_like(sg))) {
                if (cur.degree != NULL && n < AI_EDUCATION_MAX) {
                    ed[n++] = cur;
                    memset(&cur, 0, sizeof(cur));
                }
                degree_and_field(p->a, sg, &cur);
                after_degree = cur.field_of_study == NULL;
                continue;
            }
            if (institution_like(sg)) {
                if (cur.institution != NULL && n < AI_EDUCATION_MAX) {
                    ed[n++] = cur;
                    memset(&cur, 0, sizeof(cur));
                }
                cur.institution = sg;
            } else if (after_degree && !detail && isupper((unsigned char)sg[0])) {
                cur.field_of_study = without_note(p->a, sg);
            } else if (!named && !detail && cur.degree != NULL && cur.institution == NULL &&
                       !location_like(sg) && isupper((unsigned char)sg[0]) && k > 0) {
                cur.institution = sg;
            }
            after_degree = false;
        }
        if (education_empty(&cur) && (start != NULL || end != NULL || gpa != NULL)) {
            /* "10/2010 – 08/2015" on a line of its own above the degree. */
            pending_start = start;
            pending_end = end;
            continue;
        }
        if (start == NULL && end == NULL && (pending_start != NULL || pending_end != NULL)) {
            start = pending_start;
            end = pending_end;
        }
        pending_start = pending_end = NULL;
        if (start != NULL || end != NULL) {
            if (cur.start_date == NULL && cur.end_date == NULL) {
                cur.start_date = start;
                cur.end_date = end;
            }
        }
        if (gpa != NULL && cur.gpa == NULL)
            cur.gpa = gpa;
    }
    if (!education_empty(&cur) && n < AI_EDUCATION_MAX)
        ed[n++] = cur;
    out->education = ed;
    out->neducation = n;
    return IA_OK;
}

/* ---- lists: certifications, languages ------------------------------------------------------ */

int ai_resume_list_init(arena *a, strlist *l, size_t max)
{
    l->v = arena_calloc(a, max, sizeof(char *));
    l->n = 0;
    l->max = max;
    return l->v ? IA_OK : IA_ERR_NOMEM;
}

/* Adds s unless it is already there (in any case) or the list is full. */
void ai_resume_list_add(strlist *l, const char *s)
{
    if (s == NULL || *s == '\0' || l->n >= l->max)
        return;
    for (size_t i = 0; i < l->n; i++)
        if (strcasecmp(l->v[i], s) == 0)
            return;
    l->v[l->n++] = s;
}

/* A certification as its name: the issuer, place and year that follow it dropped ("Certified
 * Public Accountant (CPA), Wisconsin, 2017", "SAFe 6 Agilist — 2021", "CFA Level I (passed
 * 2023)"); NULL for one not yet earned ("Level II candidate"). */
static char *clean_cert(arena *a, char *s)
{
    static const char *const pending[] = { "candidate", "in progress", "expected", "pursuing",
                                           "planned" };
    for (size_t i = 0; i < COUNT(pending); i++)
        if (ai_text_has_phrase(s, pending[i]))
            return NULL;
    /* What follows the first comma is the issuer or place when the name is complete before
     * it: it ends with its abbreviation, says what it is, or one word follows. */
    static const char *const kinds[] = {
        "certified", "certification", "certificate", "license",
        "licence",   "licensed",      "credential",  "registration"
    };
    char *comma = strstr(s, ", ");
    bool named = false;
    for (size_t i = 0; comma != NULL && i < COUNT(kinds); i++) {
        char save = *comma;
        *comma = '\0';
        named = named || ai_text_has_phrase(s, kinds[i]);
        *comma = save;
    }
    if (comma != NULL && (comma[-1] == ')' || named || isdigit((unsigned char)comma[2]) ||
                          ai_resume_words(comma + 2, strlen(comma + 2)) <= 1))
        *comma = '\0';
    for (int k = 0; k < 3; k++) {
        size_t n = strlen(s);
        while (n > 0 && s[n - 1] == ' ')
            n--;
        s[n] = '\0';
        /* "(2021)", "(passed 2023)": a note with a year. */
        if (n > 0 && s[n - 1] == ')') {
            char *open = strrchr(s, '(');
            if (open != NULL && open > s && strpbrk(open, "0123456789") != NULL) {
                *open = '\0';
                continue;
            }
        }
        /* A trailing year after a dash or comma, and a word that dates it ("exp. 2027"). */
        if (n >= 4 && isdigit((unsigned char)s[n - 1]) && isdigit((unsigned char)s[n - 4]) &&
            (n == 4 || !isalnum((unsigned char)s[n - 5]))) {
            size_t m = n - 4;
            size_t g = 0;
            while (m > 0 && (s[m - 1] == ' ' || s[m - 1] == ',' || s[m - 1] == '-' ||
                             (m >= 3 && sep_glyph(s + m - 3, &g) && g == 3 && (m -= 2))))
                m--;
            static const char *const dating[] = { "exp.",  "expires",  "issued", "since",
                                                  "valid", "obtained", "earned" };
            size_t w = m;
            while (w > 0 && s[w - 1] != ' ')
                w--;
            if (w < m && ai_resume_in_list(s + w, m - w, dating, COUNT(dating)))
                for (m = w; m > 0 && (s[m - 1] == ' ' || s[m - 1] == ',');)
                    m--;
            if (m > 0 && m < n - 4) {
                s[m] = '\0';
                continue;
            }
        }
        break;
    }
    char *t = trim_dup(a, s, strlen(s));
    return t != NULL && strlen(t) >= 2 && has_alnum(t) ? t : NULL;
}

/* True for a comma-separated list of short names without years ("CISSP, OSCP, CEH", "BLS,
 * ACLS (American Heart Association)"): each item is at most three words outside
 * parentheses. A first item that ends with its abbreviation is a name followed by its issuer
 * ("Basic Life Support (BLS), American Heart Association"), not a list. */
static bool short_list(const char *s)
{
    const char *comma = strchr(s, ',');
    if (comma == NULL || strpbrk(s, "0123456789") != NULL)
        return false;
    while (comma > s && comma[-1] == ' ')
        comma--;
    if (comma > s && comma[-1] == ')')
        return false;
    size_t words = 0;
    int depth = 0;
    for (const char *p = s;; p++) {
        if (*p == ',' || *p == '\0') {
            if (words > 3)
                return false;
            if (*p == '\0')
                return true;
            words = 0;
        } else if (*p == '(' || *p == ')') {
            depth += *p == '(' ? 1 : -1;
        } else if (depth == 0 && word_char((unsigned char)*p) &&
                   (p == s || !word_char((unsigned char)p[-1]))) {
            words++;
        }
    }
}

/* A spoken language with its proficiency as written: "Spanish (fluent)", "Hindi — native",
 * "English (C1)" for "Englisch (C1)"; the language alone when the item does not begin with it
 * ("Fluent in French" is "French"). NULL when the item names no language. */
static const char *language_item(arena *a, const char *item)
{
    size_t n = strlen(item);
    const char *name = spoken_in(item, n);
    if (name == NULL)
        return NULL;
    const char *w = item, *end = item + n, *word;
    size_t wl = 0;
    if (!next_word(&w, end, &word, &wl) || word != item)
        return name;
    /* The language is the first word (or words: "American Sign Language"). */
    const char *rest = item + wl;
    size_t nl = strlen(name);
    if (strncasecmp(item, name, nl) == 0 && !word_char((unsigned char)item[nl]))
        rest = item + nl;
    if (spoken_in(item, (size_t)(rest - item)) == NULL)
        return name;
    while (*rest == ' ')
        rest++;
    if (*rest == '\0' || !has_alnum(rest))
        return name;
    return arena_printf(a, "%s %s", name, rest);
}

/* Items of a section listed one a line ("Projects", "Awards", "Volunteering",
 * "Publications"): its lines of text, or its bullets when it has only bullets (bullets under
 * a line of text describe that item); a line that continues the one above (it starts in lower
 * case) is part of it. */
static void section_items(parser *p, size_t i, bool texts, strlist *l)
{
    const rline *ln = &p->lines[i];
    if ((islower((unsigned char)ln->body[0]) && l->n > 0) || (texts && ln->kind != LN_TEXT))
        return;
    char *t = trim_dup(p->a, ln->body, strlen(ln->body));
    if (t != NULL && has_alnum(t) && strlen(t) <= 300)
        ai_resume_list_add(l, t);
}

static int parse_lists(parser *p, ai_analysis *out)
{
    strlist certs, langs, lists[4];
    static const section list_of[4] = { SEC_PROJECTS, SEC_AWARDS, SEC_VOLUNTEER, SEC_PUBLICATIONS };
    if (ai_resume_list_init(p->a, &certs, AI_LIST_MAX) != IA_OK ||
        ai_resume_list_init(p->a, &langs, AI_LIST_MAX) != IA_OK)
        return IA_ERR_NOMEM;
    bool texts[4] = { false };
    for (size_t k = 0; k < 4; k++)
        if (ai_resume_list_init(p->a, &lists[k], AI_LIST_MAX) != IA_OK)
            return IA_ERR_NOMEM;
    for (size_t i = 0; i < p->n; i++)
        for (size_t k = 0; k < 4; k++)
            texts[k] =
                texts[k] || (p->lines[i].sec == list_of[k] && p->lines[i].kind == LN_TEXT &&
                             !p->lines[i].used && !islower((unsigned char)p->lines[i].body[0]));
    for (size_t i = 0; i < p->n; i++) {
        const rline *l = &p->lines[i];
        if ((l->kind != LN_TEXT && l->kind != LN_BULLET) || l->len > HEAD_LINE_MAX)
            continue;
        char *items[24];
        if (l->sec == SEC_CERTS) {
            size_t k = split(p->a, l->body, short_list(l->body) ? ",;|" : ";|", false, items,
                             COUNT(items));
            for (size_t j = 0; j < k; j++)
                ai_resume_list_add(&certs, clean_cert(p->a, items[j]));
        } else if (l->sec == SEC_LANGUAGES) {
            size_t k = split(p->a, l->body, ",;|/", false, items, COUNT(items));
            for (size_t j = 0; j < k; j++)
                ai_resume_list_add(&langs, language_item(p->a, items[j]));
        }
        for (size_t k = 0; k < 4; k++)
            if (l->sec == list_of[k] && !l->used)
                section_items(p, i, texts[k], &lists[k]);
        /* "Bilingual English/Spanish" anywhere: both languages. */
        const char *bi = strcasestr(l->text, "bilingual");
        if (bi != NULL && !p->has[SEC_LANGUAGES]) {
            size_t k = split(p->a, bi + 9, ",;|/", false, items, 3);
            for (size_t j = 0; j < k; j++) {
                const char *w = items[j], *word;
                size_t wl;
                const char *sp = NULL;
                if (next_word(&w, items[j] + strlen(items[j]), &word, &wl))
                    sp = spoken_in(word, wl);
                ai_resume_list_add(&langs, sp);
            }
        }
    }
    out->certifications = (ai_strs){ certs.v, certs.n };
    out->languages = (ai_strs){ langs.v, langs.n };
    out->projects = (ai_strs){ lists[0].v, lists[0].n };
    out->awards = (ai_strs){ lists[1].v, lists[1].n };
    out->volunteering = (ai_strs){ lists[2].v, lists[2].n };
    out->publications = (ai_strs){ lists[3].v, lists[3].n };
    return IA_OK;
}

/* The text of the summary section as one paragraph, or NULL. */
static const char *summary_text(parser *p)
{
    char *buf = arena_alloc(p->a, SUMMARY_MAX);
    if (buf == NULL)
        return NULL;
    size_t len = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < p->n; i++) {
        const rline *l = &p->lines[i];
        if (l->sec == SEC_SUMMARY && (l->kind == LN_TEXT || l->kind == LN_BULLET))
            append_text(buf, SUMMARY_MAX, &len, l->body, " ");
    }
    return len ? buf : NULL;
}

/* ---- role, seniority, years ---------------------------------------------------------------- */

/* The role a job title names, in the engine's one role vocabulary (ai/roles.h). */
static const char *role_of_title(const char *title)
{
    const ai_role *r = ai_role_find(title);
    return r ? r->name : NULL;
}

/* The default role of each skill domain, for a resume whose titles say nothing. */
static const char *role_of_domain(const char *domain)
{
    static const char *const map[][2] = {
        { "software", "software engineer" }, { "data", "data analyst" },
        { "design", "product designer" },    { "product", "product manager" },
        { "marketing", "digital marketer" }, { "sales", "sales representative" },
        { "finance", "financial analyst" },  { "operations", "operations manager" },
        { "healthcare", "nurse" },
    };
    for (size_t i = 0; i < COUNT(map); i++)
        if (strcmp(domain, map[i][0]) == 0)
            return map[i][1];
    return NULL;
}

/* Index of the most recent experience entry: an open one first, then the latest end, the
 * order of the text breaking ties. */
static size_t most_recent(const ai_analysis *out)
{
    size_t best = 0;
    for (size_t i = 1; i < out->nexperience; i++) {
        const ai_experience *x = &out->experience[i], *b = &out->experience[best];
        bool xo = x->start_date != NULL && x->end_date == NULL;
        bool bo = b->start_date != NULL && b->end_date == NULL;
        const char *xe = x->end_date ? x->end_date : "";
        const char *be = b->end_date ? b->end_date : "";
        if ((xo && !bo) || (xo == bo && !bo && strncmp(xe, be, 4) > 0))
            best = i;
    }
    return best;
}

/* The headline under the name ("Senior Backend Engineer"): the first header line that reads
 * as a job title. */
static bool link_token(const char *s, size_t n);

/* True when a and b are the same words in any case, however many spaces separate them. */
static bool same_words(const char *a, const char *b)
{
    for (;;) {
        while (*a == ' ')
            a++;
        while (*b == ' ')
            b++;
        if (*a == '\0' || *b == '\0')
            return *a == *b;
        if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
            return false;
        bool space_a = a[1] == ' ', space_b = b[1] == ' ';
        if (space_a != space_b)
            return false;
        a++;
        b++;
    }
}

/* The part of a headline line that is the headline, as written: the name, a place and
 * contact details beside it ("Tomasz Wieczorek || Data Engineer", "Engineering Manager — Boston,
 * MA", "Enterprise Account Executive    +1 (415) 555-0117") are left out. */
static const char *headline_part(const parser *p, const char *line, const char *name)
{
    char *segs[SEGS_MAX];
    size_t n = split(p->a, line, "|", true, segs, SEGS_MAX);
    const char *first = NULL, *last_end = NULL;
    for (size_t k = 0; k < n; k++) {
        const char *sg = segs[k];
        if (strpbrk(sg, "@0123456789") != NULL || location_like(sg) ||
            (name != NULL && same_words(sg, name)) || link_token(sg, strlen(sg)))
            continue;
        const char *at = strstr(first ? first : line, sg);
        if (at == NULL)
            continue;
        if (first == NULL)
            first = at;
        last_end = at + strlen(sg);
    }
    if (first == NULL)
        return NULL;
    return arena_memdup(p->a, first, (size_t)(last_end - first));
}

static const char *headline(const parser *p, const char *name)
{
    static const char *const labels[] = { "job applied for",    "position applied for",
                                          "desired position",   "target role",
                                          "desired employment", "wunschposition" };
    for (size_t i = 0; i < p->n && i < 16; i++) {
        const rline *l = &p->lines[i];
        for (size_t k = 0; k < COUNT(labels) && l->kind == LN_TEXT; k++) {
            size_t n = strlen(labels[k]);
            if (strncasecmp(l->text, labels[k], n) == 0 &&
                (l->text[n] == ':' || l->text[n] == ' ')) {
                const char *v = l->text + n + (l->text[n] == ':');
                while (*v == ' ')
                    v++;
                if (*v != '\0')
                    return v;
            }
        }
        if (l->sec != SEC_HEADER && l->sec != SEC_CONTACT)
            break;
        if (l->kind == LN_TEXT && l->len < 160 && role_score(l->text) >= 1 &&
            strchr(l->text, ':') == NULL)
            return headline_part(p, l->text, name);
    }
    return NULL;
}

static const char *infer_role(parser *p, const ai_analysis *out, const size_t *domains_of,
                              size_t nskills)
{
    if (out->nexperience > 0) {
        size_t r = most_recent(out);
        const char *t = out->experience[r].job_title;
        const char *role = t ? role_of_title(t) : NULL;
        for (size_t i = 0; role == NULL && i < out->nexperience; i++)
            if (out->experience[i].job_title != NULL)
                role = role_of_title(out->experience[i].job_title);
        if (role != NULL) {
            p->role_conf = 0.85; /* from a job title */
            return role;
        }
    }
    const char *h = headline(p, out->name);
    if (h != NULL && role_of_title(h) != NULL) {
        p->role_conf = 0.7; /* from the headline */
        return role_of_title(h);
    }
    /* The domain most of the skills belong to. */
    static const char *const domains[] = { "software", "data",       "design",
                                           "product",  "marketing",  "sales",
                                           "finance",  "operations", "healthcare" };
    size_t counts[COUNT(domains)] = { 0 }, best = COUNT(domains), total = 0;
    for (size_t i = 0; i < nskills; i++) {
        const ai_skill *s = ai_taxonomy_get(p->tax, domains_of[i]);
        for (size_t d = 0; s != NULL && d < COUNT(domains); d++)
            if (strcmp(s->domain, domains[d]) == 0) {
                counts[d]++;
                total++;
            }
    }
    for (size_t d = 0; d < COUNT(domains); d++)
        if (counts[d] > 0 && (best == COUNT(domains) || counts[d] > counts[best]))
            best = d;
    if (total < 3 || best >= COUNT(domains))
        return NULL;
    p->role_conf = 0.45; /* a guess from the skills */
    return role_of_domain(domains[best]);
}

/* junior | mid | senior | lead from the most recent title, then from the years: a title that
 * leads people or a practice is "lead", "Senior"/"Staff" is "senior", "Junior"/"Intern"/
 * "Associate ..." is "junior"; a title without a marker is "junior" under five years of
 * experience and "mid" from there. */
static const char *infer_seniority(parser *p, const ai_analysis *out)
{
    static const char *const lead[] = {
        "lead",    "principal", "head of", "director", "vp",  "vice president",      "chief",
        "cto",     "ceo",       "cfo",     "coo",      "cmo", "engineering manager", "head",
        "founder", "partner"
    };
    static const char *const senior[] = { "senior", "sr", "expert", "iii" };
    static const char *const staff_roles[] = { "engineer", "developer", "scientist", "designer",
                                               "architect" };
    static const char *const junior[] = { "junior",      "jr",         "intern",
                                          "trainee",     "apprentice", "graduate",
                                          "entry level", "assistant",  "associate product",
                                          "new grad",    "student" };
    const char *title = NULL;
    if (out->nexperience > 0)
        title = out->experience[most_recent(out)].job_title;
    if (title == NULL)
        title = headline(p, out->name);
    p->seniority_conf = 0.85; /* a level the title states */
    if (title != NULL) {
        for (size_t i = 0; i < COUNT(lead); i++)
            if (ai_text_has_phrase(title, lead[i]))
                return "lead";
        for (size_t i = 0; i < COUNT(senior); i++)
            if (ai_text_has_phrase(title, senior[i]))
                return "senior";
        /* "Staff" is a level for engineers and scientists; a staff nurse or accountant is not
         * senior. */
        for (size_t i = 0; i < COUNT(staff_roles) && ai_text_has_phrase(title, "staff"); i++)
            if (ai_text_has_phrase(title, staff_roles[i]))
                return "senior";
        for (size_t i = 0; i < COUNT(junior); i++)
            if (ai_text_has_phrase(title, junior[i]))
                return "junior";
    }
    p->seniority_conf = 0.55; /* from the years alone */
    if (out->has_years)
        return out->years_of_experience < 5.0 ? "junior" : "mid";
    p->seniority_conf = 0.1;
    return NULL;
}

/* Months covered by the dated entries (overlaps once) in years, one decimal, halves to even. */
static void years_of_experience(const parser *p, ai_analysis *out)
{
    out->has_years = p->nranges > 0;
    if (out->has_years)
        out->years_of_experience = rint(ai_months_covered(p->ranges, p->nranges) / 12.0 * 10) / 10;
}

static int job_titles(parser *p, ai_analysis *out)
{
    strlist t;
    if (ai_resume_list_init(p->a, &t, AI_LIST_MAX) != IA_OK)
        return IA_ERR_NOMEM;
    for (size_t i = 0; i < out->nexperience; i++)
        ai_resume_list_add(&t, out->experience[i].job_title);
    out->job_titles = (ai_strs){ t.v, t.n };
    return IA_OK;
}

/* ---- skills -------------------------------------------------------------------------------- */

/* True for a token that is a link or an e-mail address ("github.com/x", "www.x.org",
 * "https://...", "a@b.com"), not a skill such as "Node.js" or "ASP.NET". */
static bool link_token(const char *s, size_t n)
{
    static const char *const tlds[] = { "com", "org", "net", "io",  "dev",  "me",   "co",
                                        "ai",  "app", "edu", "gov", "info", "page", "site" };
    if (memchr(s, '@', n) != NULL || (n > 4 && strncmp(s, "www.", 4) == 0))
        return true;
    for (size_t i = 0; i + 3 <= n; i++)
        if (memcmp(s + i, "://", 3) == 0)
            return true;
    const char *slash = memchr(s, '/', n);
    size_t host = slash ? (size_t)(slash - s) : n;
    const char *dot = NULL;
    size_t dots = 0;
    for (size_t i = 0; i < host; i++)
        if (s[i] == '.') {
            dot = s + i;
            dots++;
        }
    if (dot == NULL || (slash == NULL && dots < 2))
        return false;
    return ai_resume_in_list(dot + 1, (size_t)(s + host - dot - 1), tlds, COUNT(tlds)) &&
           islower((unsigned char)dot[1]);
}

/* The text skills are looked for in: the resume without what names people, places and
 * organisations rather than skills (the short lines of the header above the first entry:
 * name, headline, contact; entry headers with titles and companies; the education section
 * but its coursework; the contact section; headings), with links and e-mail addresses blanked and
 * bullets and middle dots turned into commas, the list separators the matcher knows. */
static char *skills_text(const parser *p)
{
    size_t total = 1, first_entry = p->n;
    for (size_t i = 0; i < p->n; i++) {
        total += p->lines[i].len + 1;
        if (p->lines[i].used && first_entry == p->n)
            first_entry = i;
    }
    char *buf = arena_alloc(p->a, total);
    if (buf == NULL)
        return NULL;
    size_t o = 0;
    for (size_t i = 0; i < p->n; i++) {
        const rline *l = &p->lines[i];
        bool coursework = strncasecmp(l->body, "course", 6) == 0 ||
                          strncasecmp(l->body, "relevant course", 15) == 0;
        if (l->kind == LN_BLANK || l->kind == LN_HEADING || l->used ||
            (l->sec == SEC_EDUCATION && !coursework) || l->sec == SEC_CONTACT)
            continue;
        size_t commas = 0;
        for (const char *c = l->text; *c; c++)
            commas += *c == ',' || *c == '|';
        if (l->sec == SEC_HEADER && i < first_entry && commas < 2 &&
            ai_resume_words(l->text, l->len) <= 8)
            continue;
        memcpy(buf + o, l->text, l->len);
        o += l->len;
        buf[o++] = '\n';
    }
    buf[o] = '\0';
    for (size_t i = 0; i < o;) {
        size_t g = 0;
        if (sep_glyph(buf + i, &g) &&
            !(g == 3 && (unsigned char)buf[i + 1] == 0x80 &&
              ((unsigned char)buf[i + 2] == 0x93 || (unsigned char)buf[i + 2] == 0x94))) {
            memset(buf + i, ' ', g);
            buf[i] = ',';
            i += g;
            continue;
        }
        if (buf[i] == ' ' || buf[i] == '\n' || buf[i] == ',' || buf[i] == '|') {
            i++;
            continue;
        }
        size_t j = i;
        while (j < o && buf[j] != ' ' && buf[j] != '\n' && buf[j] != ',' && buf[j] != '|')
            j++;
        if (link_token(buf + i, j - i))
            memset(buf + i, ' ', j - i);
        i = j;
    }
    return buf;
}

static int find_skills(parser *p, ai_analysis *out, size_t *found)
{
    const char *text = skills_text(p);
    if (text == NULL)
        return IA_ERR_NOMEM;
    size_t n = 0;
    int rc = ai_taxonomy_match(p->tax, text, found, AI_LIST_MAX, &n);
    if (rc != IA_OK)
        return rc;
    out->skills = arena_calloc(p->a, n ? n : 1, sizeof(ai_skill_item));
    if (out->skills == NULL)
        return IA_ERR_NOMEM;
    for (size_t i = 0; i < n; i++) {
        const ai_skill *s = ai_taxonomy_get(p->tax, found[i]);
        out->skills[i] = (ai_skill_item){ s->name, s->category };
    }
    out->nskills = n;
    return IA_OK;
}

int ai_offline_parse(const ai_offline *e, arena *a, const char *text, int now_month,
                     ai_analysis *out)
{
    memset(out, 0, sizeof(*out));
    if (e == NULL || a == NULL)
        return IA_ERR_INVALID;
    parser p = { .a = a, .tax = ai_offline_taxonomy(e), .now = now_month };
    char *clean = clean_text(a, text ? text : "");
    if (clean == NULL)
        return IA_ERR_NOMEM;
    p.lang = ai_lang_identify(ai_offline_lang(e), clean, strlen(clean));
    ai_contact c;
    int rc = ai_contact_parse(a, clean, &c);
    if (rc != IA_OK)
        return rc;
    out->name = c.name;
    out->email = c.email;
    out->phone = c.phone;
    out->location = c.location;
    const char **links = arena_calloc(a, AI_LINKS_MAX, sizeof(char *));
    if (links == NULL)
        return IA_ERR_NOMEM;
    for (size_t i = 0; i < c.nlinks; i++)
        links[i] = c.links[i];
    out->links = (ai_strs){ links, c.nlinks };

    char *work = arena_strdup(a, clean);
    if (work == NULL)
        return IA_ERR_NOMEM;
    work = decolumn(a, work);
    size_t found[AI_LIST_MAX];
    if ((rc = read_lines(&p, work)) != IA_OK || (rc = parse_experience(&p, out)) != IA_OK ||
        (rc = parse_education(&p, out)) != IA_OK || (rc = parse_lists(&p, out)) != IA_OK ||
        (rc = job_titles(&p, out)) != IA_OK || (rc = find_skills(&p, out, found)) != IA_OK)
        return rc;
    out->summary = summary_text(&p);
    out->headline = headline(&p, out->name);
    years_of_experience(&p, out);
    out->inferred_role = infer_role(&p, out, found, out->nskills);
    out->seniority = infer_seniority(&p, out);
    rc = ai_resume_advice(&p, out, p.has[SEC_SKILLS]);
    if (rc != IA_OK)
        return rc;
    ai_resume_field_confidence(&p, &c, out);
    out->confidence_score = ai_resume_confidence(out, clean);
    return IA_OK;
}
