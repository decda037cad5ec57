#include "ai/contact.h"

#include <ctype.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "core/errors.h"
#include "core/util.h"

#define TOP_LINES    12 /* contact details live at the top */
#define LINE_MAX_LEN 400
#define SEGMENTS_MAX 16

static bool email_char(unsigned char c)
{
    return isalnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
}

/* The first plausible e-mail address in text: local@domain.tld. */
static const char *find_email(arena *a, const char *text)
{
    for (const char *at = strchr(text, '@'); at != NULL; at = strchr(at + 1, '@')) {
        const char *b = at, *e = at + 1;
        while (b > text && email_char((unsigned char)b[-1]))
            b--;
        while (isalnum((unsigned char)*e) || *e == '.' || *e == '-')
            e++;
        while (e > at + 1 && (e[-1] == '.' || e[-1] == '-'))
            e--;
        const char *dot = NULL;
        for (const char *p = at + 1; p < e; p++)
            if (*p == '.')
                dot = p;
        if (b == at || dot == NULL || e - dot < 3)
            continue;
        bool tld_alpha = true;
        for (const char *p = dot + 1; p < e; p++)
            tld_alpha = tld_alpha && isalpha((unsigned char)*p);
        if (!tld_alpha)
            continue;
        char *out = arena_memdup(a, b, (size_t)(e - b));
        for (char *p = out; p && *p; p++)
            *p = (char)tolower((unsigned char)*p);
        return out;
    }
    return NULL;
}

/* The first run of phone characters holding 10 to 15 digits, in the top lines. */
static const char *find_phone(arena *a, const char *text, size_t limit)
{
    size_t n = strnlen(text, limit);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)text[i];
        if (!(isdigit(c) || c == '+' || c == '('))
            continue;
        if (i > 0 && (isalnum((unsigned char)text[i - 1]) || text[i - 1] == '/'))
            continue;
        size_t j = i, digits = 0;
        while (j < n && (isdigit((unsigned char)text[j]) || strchr("+-. ()", text[j]) != NULL) &&
               !(text[j] == ' ' && text[j + 1] == ' ')) {
            digits += isdigit((unsigned char)text[j]) != 0;
            j++;
        }
        while (j > i && strchr("-. (", text[j - 1]) != NULL)
            j--;
        if (digits >= 10 && digits <= 15 && (j >= n || !isalnum((unsigned char)text[j])))
            return arena_memdup(a, text + i, j - i);
        i = j;
    }
    return NULL;
}

/* Splits one line into segments at '|', bullets, dashes and gaps of at least `gap` spaces (two
 * spaces can separate the words of a name, so the name line needs three). */
static size_t segments(const char *line, size_t len, size_t gap, const char *seg[], size_t seglen[])
{
    size_t n = 0, start = 0;
    for (size_t i = 0; i <= len && n < SEGMENTS_MAX; i++) {
        size_t spaces = 0;
        while (i + spaces < len && line[i + spaces] == ' ')
            spaces++;
        bool cut = i == len || line[i] == '|' || spaces >= gap;
        size_t skip = 1;
        /* UTF-8 bullets: • (e2 80 a2) and · (c2 b7). */
        /* Bullets and dashes: • (e2 80 a2), — (e2 80 94), – (e2 80 93). */
        if (i + 2 < len && (unsigned char)line[i] == 0xe2 && (unsigned char)line[i + 1] == 0x80 &&
            ((unsigned char)line[i + 2] == 0xa2 || (unsigned char)line[i + 2] == 0x94 ||
             (unsigned char)line[i + 2] == 0x93)) {
            cut = true;
            skip = 3;
        } else if (i + 1 < len && (unsigned char)line[i] == 0xc2 &&
                   (unsigned char)line[i + 1] == 0xb7) {
            cut = true;
            skip = 2;
        }
        if (!cut)
            continue;
        size_t b = start, e = i;
        while (b < e && line[b] == ' ')
            b++;
        while (e > b && line[e - 1] == ' ')
            e--;
        if (e > b) {
            seg[n] = line + b;
            seglen[n++] = e - b;
        }
        start = i + skip;
        i += skip - 1;
    }
    return n;
}

/* True for a link-like token: a scheme, www., a path after a dotted host, or a host with two
 * dots whose labels are at least two characters (so "Node.js" and "e.g." are not links). */
static bool link_like(const char *s, size_t n)
{
    if (memchr(s, '@', n) != NULL || n < 5)
        return false;
    if ((n > 8 && strncmp(s, "https://", 8) == 0) || (n > 7 && strncmp(s, "http://", 7) == 0) ||
        (n > 4 && strncmp(s, "www.", 4) == 0))
        return true;
    const char *slash = memchr(s, '/', n);
    size_t host = slash ? (size_t)(slash - s) : n;
    int dots = 0;
    size_t label = 0;
    for (size_t i = 0; i < host; i++) {
        if (s[i] == '.') {
            if (label < 2)
                return false;
            dots++;
            label = 0;
        } else if (isalnum((unsigned char)s[i]) || s[i] == '-') {
            label++;
        } else {
            return false;
        }
    }
    if (label < 2 || dots == 0)
        return false;
    for (size_t i = host - label; i < host; i++)
        if (!isalpha((unsigned char)s[i]))
            return false;
    return (slash != NULL && slash + 1 < s + n) || dots >= 2;
}

static void find_links(arena *a, const char *text, ai_contact *out)
{
    const char *p = text;
    while (*p && out->nlinks < AI_LINKS_MAX) {
        while (*p && (isspace((unsigned char)*p) || *p == '|' || *p == ','))
            p++;
        const char *b = p;
        while (*p && !isspace((unsigned char)*p) && *p != '|' && *p != ',')
            p++;
        size_t n = (size_t)(p - b);
        while (n > 0 && (b[n - 1] == '.' || b[n - 1] == ')' || b[n - 1] == ';'))
            n--;
        if (n == 0 || !link_like(b, n))
            continue;
        bool scheme = strncmp(b, "http://", 7) == 0 || strncmp(b, "https://", 8) == 0;
        const char *link =
            scheme ? arena_memdup(a, b, n) : arena_printf(a, "https://%.*s", (int)n, b);
        bool dup = false;
        for (size_t i = 0; i < out->nlinks && link; i++)
            dup = dup || strcmp(out->links[i], link) == 0;
        if (link != NULL && !dup)
            out->links[out->nlinks++] = link;
    }
}

/* Title-cases an all-capitals name, ASCII and Latin-1 letters (É -> é), keeping hyphens. */
static void title_case(char *s)
{
    bool start = true;
    for (unsigned char *p = (unsigned char *)s; *p; p++) {
        if (*p == 0xc3 && p[1] >= 0x80 && p[1] <= 0x9e && p[1] != 0x97) {
            if (!start)
                p[1] = (unsigned char)(p[1] + 0x20);
            p++;
            start = false;
        } else if (isalpha(*p)) {
            *p = (unsigned char)(start ? toupper(*p) : tolower(*p));
            start = false;
        } else {
            start = *p == ' ' || *p == '-' || *p == '\'';
        }
    }
}

/* A name: 2-5 words of letters (UTF-8 allowed), hyphens and apostrophes; a quoted nickname and
 * anything after a comma (credentials) are left out. */
static const char *name_from(arena *a, const char *s, size_t n)
{
    char buf[LINE_MAX_LEN];
    size_t o = 0;
    bool quoted = false, upper = true, lower = false;
    for (size_t i = 0; i < n && o + 1 < sizeof(buf); i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == ',')
            break;
        if (c == '"') {
            quoted = !quoted;
            continue;
        }
        if (quoted)
            continue;
        if (isdigit(c) || c == '@' || c == '/' || c == ':' || c == '(')
            return NULL;
        if (c == ' ' && (o == 0 || buf[o - 1] == ' '))
            continue;
        if (isalpha(c)) {
            upper = upper && !islower(c);
            lower = lower || islower(c);
        }
        buf[o++] = (char)c;
    }
    while (o > 0 && buf[o - 1] == ' ')
        o--;
    buf[o] = '\0';
    int words = o ? 1 : 0;
    for (size_t i = 0; i < o; i++)
        words += buf[i] == ' ';
    if (words < 2 || words > 5)
        return NULL;
    for (size_t i = 0; i < o; i++)
        if (!(isalpha((unsigned char)buf[i]) || buf[i] == ' ' || buf[i] == '-' || buf[i] == '\'' ||
              buf[i] == '.' || (unsigned char)buf[i] >= 0x80))
            return NULL;
    /* Honorifics are not part of the name. */
    static const char *const titles[] = { "Dr. ", "Mr. ", "Ms. ", "Mrs. ", "Prof. ", "Mx. " };
    const char *start = buf;
    for (size_t i = 0; i < COUNT(titles); i++)
        if (strncmp(buf, titles[i], strlen(titles[i])) == 0)
            start = buf + strlen(titles[i]);
    char *out = arena_memdup(a, start, o - (size_t)(start - buf));
    if (out != NULL && (upper || !isupper((unsigned char)out[0])))
        title_case(out);
    return out;
}

/* True when s names a role ("Operations Manager", "QA Engineer, Acme"): a job title beside
 * the contact details, not a place. */
static bool has_role_word(const char *s, size_t n)
{
    static const char *const roles[] = { "Manager",  "Engineer",   "Analyst",    "Scientist",
                                         "Director", "Nurse",      "Designer",   "Executive",
                                         "Lead",     "Head",       "Specialist", "Developer",
                                         "Officer",  "Consultant", "Researcher", "Accountant" };
    for (size_t r = 0; r < COUNT(roles); r++) {
        size_t rl = strlen(roles[r]);
        for (size_t i = 0; i + rl <= n; i++)
            if (memcmp(s + i, roles[r], rl) == 0)
                return true;
    }
    return false;
}

/* On the line that holds the e-mail or phone, a place may go without a comma ("San Francisco
 * Bay Area", "Sacramento CA", "Remote (Kraków, Poland)"): capitalised words, no digits. */
static bool contact_line_place(const char *s, size_t n)
{
    if (n < 3 || n > 50 || !isupper((unsigned char)s[0]) || link_like(s, n) || has_role_word(s, n))
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (!(isalpha(c) || c == ' ' || c == ',' || c == '.' || c == '-' || c == '\'' || c == '(' ||
              c == ')' || c >= 0x80))
            return false;
    }
    return true;
}

/* "City, ST" or "City, Region": capitalised words, one comma, no digits or symbols. */
static bool location_like(const char *s, size_t n)
{
    const char *comma = memchr(s, ',', n);
    if (comma == NULL || n > 40 || comma == s ||
        memchr(comma + 1, ',', (size_t)(s + n - comma - 1)) || has_role_word(s, n))
        return false;
    const char *after = comma + 1;
    while (after < s + n && *after == ' ')
        after++;
    if (!isupper((unsigned char)s[0]) || after >= s + n || !isupper((unsigned char)*after))
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (!(isalpha(c) || c == ' ' || c == ',' || c == '.' || c == '-' || c == '\'' || c >= 0x80))
            return false;
    }
    return true;
}

/* True when a line is the document's title or a section heading of the contact block
 * ("Curriculum Vitae", "Lebenslauf", "Persönliche Daten", "Europass Curriculum Vitae",
 * "Personal Information"): never a name. */
static bool document_title(const char *s, size_t n)
{
    static const char *const titles[] = {
        "curriculum vitae",
        "lebenslauf",
        "resume",
        "résumé",
        "cv",
        "bio-data",
        "biodata",
        "bio data",
        "persönliche daten",
        "personal information",
        "personal details",
        "personal data",
        "personal profile",
        "contact",
        "contact details",
        "kontakt",
        "europass",
        "profile",
        "profil",
        "contact information",
        "angaben zur person",
    };
    char buf[64];
    size_t o = 0;
    for (size_t i = 0; i < n && o + 1 < sizeof(buf); i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == 0xc3 && i + 1 < n && (unsigned char)s[i + 1] >= 0x80 &&
            (unsigned char)s[i + 1] < 0xa0) {
            buf[o++] = (char)c;
            if (o + 1 < sizeof(buf))
                buf[o++] = (char)((unsigned char)s[++i] + 0x20);
            continue;
        }
        buf[o++] = (char)tolower(c);
    }
    buf[o] = '\0';
    /* "Europass Curriculum Vitae", "CURRICULUM VITAE OF", "Resume - 2024". */
    for (size_t t = 0; t < COUNT(titles); t++) {
        size_t l = strlen(titles[t]);
        if (o >= l && strncmp(buf, titles[t], l) == 0 &&
            (o == l || !isalpha((unsigned char)buf[l])))
            return true;
        if (o > l && strcmp(buf + o - l, titles[t]) == 0 && buf[o - l - 1] == ' ')
            return true;
    }
    return false;
}

/* Words of a street line ("22 Albert Road", "Lindenstraße 12", "Calle de Alcalá 45"). */
static bool street_word(const char *w, size_t n)
{
    static const char *const words[] = {
        "road",  "rd",    "street",    "st",    "avenue",  "ave",   "lane",    "ln",     "drive",
        "dr",    "blvd",  "boulevard", "way",   "court",   "ct",    "place",   "pl",     "terrace",
        "close", "cross", "main",      "nagar", "marg",    "calle", "avenida", "via",    "rue",
        "weg",   "platz", "gasse",     "allee", "ring",    "str",   "suite",   "apt",    "flat",
        "house", "floor", "sector",    "block", "highway", "hwy",   "parkway", "square",
    };
    for (size_t i = 0; i < COUNT(words); i++)
        if (strlen(words[i]) == n && strncasecmp(w, words[i], n) == 0)
            return true;
    /* German compounds: "Lindenstraße", "Hauptstrasse", "Bahnhofstr." */
    static const char *const suffixes[] = { "straße", "strasse", "str", "weg", "gasse", "platz" };
    for (size_t i = 0; i < COUNT(suffixes); i++) {
        size_t l = strlen(suffixes[i]);
        if (n > l + 2 && strncasecmp(w + n - l, suffixes[i], l) == 0)
            return true;
    }
    return false;
}

/* True when the last word of buf[0..n) is a state abbreviation in capitals ("NSW", "WA"). */
static bool all_caps_word(const char *buf, size_t n)
{
    size_t b = n;
    while (b > 0 && buf[b - 1] != ' ')
        b--;
    if (n - b < 2 || n - b > 3)
        return false;
    for (size_t i = b; i < n; i++)
        if (!isupper((unsigned char)buf[i]))
            return false;
    return true;
}

/* The number written by the n digits at s. */
static int atoi_n(const char *s, size_t n)
{
    int v = 0;
    for (size_t i = 0; i < n; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

/* True for one place of an address: capitalised words of letters ("Columbus", "WA", "Bella
 * Vista NSW"), not a role. */
static bool place_part(const char *s)
{
    size_t n = strlen(s);
    if (n < 2 || has_role_word(s, n))
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((i == 0 || s[i - 1] == ' ') && !isupper(c) && c != 0xc3)
            return false;
        if (!(isalpha(c) || c == ' ' || c == '.' || c == '-' || c == '\'' || c >= 0x80))
            return false;
    }
    return true;
}

/* True for a postcode word: five or six digits (US ZIP, German PLZ, Indian PIN), a ZIP+4,
 * four digits after a state abbreviation ("NSW 2000") or before the town ("1010 Wien"), or a
 * British outward/inward code ("LS6", "4DL"). A year or a house number alone is not one. */
static bool postcode(const char *w, size_t n, bool after_state, bool more)
{
    size_t digits = 0, letters = 0;
    for (size_t i = 0; i < n; i++) {
        digits += isdigit((unsigned char)w[i]) != 0;
        letters += isupper((unsigned char)w[i]) != 0;
    }
    int year = digits == 4 ? atoi_n(w, 4) : 0;
    if (digits == n)
        return n == 5 || n == 6 ||
               (n == 4 && (after_state || (more && (year < 1950 || year > 2100))));
    if (n == 10 && digits == 9 && w[5] == '-')
        return true;
    return letters > 0 && digits > 0 && letters + digits == n && n >= 2 && n <= 4;
}

/* A place from a postal address segment: "Seattle, WA 98101" -> "Seattle, WA", "1420 Maple
 * Avenue, Columbus, OH 43215" -> "Columbus, OH", "Sydney NSW 2000" -> "Sydney NSW",
 * "Lindenstraße 12, 10969 Berlin" -> "Berlin", "22 Albert Road, Leeds LS6 4DL" -> "Leeds",
 * "Calle de Alcalá 45, 28014 Madrid (Spain)" -> "Madrid, Spain". Street parts and postcodes
 * are dropped, and the last two places kept. NULL when the segment shows no postcode or street
 * (ordinary "City, Region" places are location_like's) or what remains is not a place. */
static const char *address_place(arena *a, const char *s, size_t n)
{
    if (n > 120)
        return NULL;
    char part[8][64];
    size_t nparts = 0;
    bool postal = false;
    for (size_t i = 0; i < n && nparts < 8;) {
        size_t j = i;
        while (j < n && s[j] != ',' && s[j] != '(' && s[j] != ')')
            j++;
        /* The words of this part, without postcodes (any word with a digit). */
        char buf[64];
        size_t o = 0, words = 0;
        bool street = false, digit_first = false;
        for (size_t k = i; k < j;) {
            while (k < j && s[k] == ' ')
                k++;
            size_t w = k;
            bool digit = false;
            for (; k < j && s[k] != ' '; k++)
                digit = digit || isdigit((unsigned char)s[k]);
            if (k == w)
                break;
            size_t wl = k - w;
            while (wl > 0 && s[w + wl - 1] == '.')
                wl--;
            if (digit) {
                postal = postal || postcode(s + w, wl, o > 0 && all_caps_word(buf, o), k < j);
                digit_first = digit_first || words == 0;
                continue;
            }
            street = street || street_word(s + w, wl);
            if (o + wl + 2 >= sizeof(buf))
                return NULL;
            if (o > 0)
                buf[o++] = ' ';
            memcpy(buf + o, s + w, wl);
            o += wl;
            words++;
        }
        buf[o] = '\0';
        if (street)
            postal = true;
        if (o > 0 && !street && !(digit_first && words > 1) && words <= 4) {
            memcpy(part[nparts], buf, o + 1);
            nparts++;
        } else if (o > 0 && (street || digit_first)) {
            nparts = 0; /* what came before the street is a house name or flat */
        }
        i = j + 1;
    }
    if (!postal || nparts == 0)
        return NULL;
    size_t first = nparts > 2 ? nparts - 2 : 0;
    for (size_t k = first; k < nparts; k++)
        if (!place_part(part[k]))
            return NULL;
    if (nparts - first == 2)
        return arena_printf(a, "%s, %s", part[first], part[first + 1]);
    return arena_strdup(a, part[first]);
}

/* The text after an address label ("Address:", "Anschrift:", "Location:"), else s itself. */
static const char *after_label(const char *s, size_t *n)
{
    static const char *const labels[] = { "address", "adresse",   "anschrift",       "location",
                                          "wohnort", "residence", "current location" };
    const char *colon = memchr(s, ':', *n);
    if (colon == NULL)
        return s;
    for (size_t i = 0; i < COUNT(labels); i++) {
        size_t l = strlen(labels[i]);
        if ((size_t)(colon - s) == l && strncasecmp(s, labels[i], l) == 0) {
            const char *b = colon + 1;
            while (b < s + *n && *b == ' ')
                b++;
            *n -= (size_t)(b - s);
            return b;
        }
    }
    return s;
}

/* The name after a "Name:" label, else NULL. */
static const char *labelled_name(arena *a, const char *s, size_t n)
{
    static const char *const labels[] = { "name", "full name", "vorname und name" };
    const char *colon = memchr(s, ':', n);
    if (colon == NULL)
        return NULL;
    for (size_t i = 0; i < COUNT(labels); i++) {
        size_t l = strlen(labels[i]);
        if ((size_t)(colon - s) == l && strncasecmp(s, labels[i], l) == 0) {
            const char *b = colon + 1;
            while (b < s + n && *b == ' ')
                b++;
            return name_from(a, b, (size_t)(s + n - b));
        }
    }
    return NULL;
}

int ai_contact_parse(arena *a, const char *text, ai_contact *out)
{
    memset(out, 0, sizeof(*out));
    const char *p = text;
    size_t top_len = 0;
    for (int line = 0; line < TOP_LINES && p[top_len]; line++) {
        const char *nl = strchr(p + top_len, '\n');
        top_len = nl ? (size_t)(nl - p) + 1 : strlen(p);
    }
    out->email = find_email(a, text);
    out->phone = find_phone(a, text, top_len);
    char *top = arena_memdup(a, text, top_len);
    if (top == NULL)
        return IA_ERR_NOMEM;
    find_links(a, top, out);
    /* Name: the first segment of the first lines that reads as one. Location: the first
     * segment of the top lines shaped like one. */
    const char *line = text;
    const char *place = NULL; /* a looser candidate, used when no "City, Region" shows up */
    int name_lines = 0;       /* lines that could hold the name: the first three with text */
    for (int i = 0; i < TOP_LINES && *line; i++) {
        const char *nl = strchr(line, '\n');
        size_t len = nl ? (size_t)(nl - line) : strlen(line);
        if (len > LINE_MAX_LEN)
            len = LINE_MAX_LEN;
        const char *seg[SEGMENTS_MAX];
        size_t seglen[SEGMENTS_MAX];
        char *copy = arena_memdup(a, line, len);
        bool contact =
            copy != NULL && (strchr(copy, '@') != NULL || find_phone(a, copy, len) != NULL);
        size_t n = segments(line, len, contact ? 2 : 3, seg, seglen);
        bool title = n > 0 && document_title(seg[0], seglen[0]);
        if (n > 0 && !title)
            name_lines++;
        for (size_t k = 0; k < n; k++) {
            if (out->name == NULL && k == 0 && !title &&
                (out->name = labelled_name(a, seg[k], seglen[k])) != NULL) {
                out->name_labelled = true;
                out->name_line = name_lines;
                continue;
            }
            /* Before a comma ("Dana Lee, RN"), a role word means a job line ("Store
             * Manager, Corner Books"); a bullet means a highlight. */
            const char *comma = memchr(seg[k], ',', seglen[k]);
            size_t before = comma ? (size_t)(comma - seg[k]) : seglen[k];
            if (out->name == NULL && name_lines <= 3 && k == 0 && !title &&
                !has_role_word(seg[k], before) && seg[k][0] != '-' && seg[k][0] != '*') {
                out->name = name_from(a, seg[k], seglen[k]);
                out->name_line = name_lines;
                if (out->name != NULL)
                    continue;
            }
            size_t sl = seglen[k];
            const char *sv = after_label(seg[k], &sl);
            const char *addr = out->location == NULL ? address_place(a, sv, sl) : NULL;
            if (addr != NULL) {
                out->location = addr;
                out->location_kind = 3;
                continue;
            }
            if (out->location == NULL && location_like(seg[k], seglen[k])) {
                out->location = arena_memdup(a, seg[k], seglen[k]);
                out->location_kind = 2;
            } else if (place == NULL && contact && contact_line_place(seg[k], seglen[k]))
                place = arena_memdup(a, seg[k], seglen[k]);
        }
        if (nl == NULL)
            break;
        line = nl + 1;
    }
    if (out->location == NULL && place != NULL) {
        out->location = place;
        out->location_kind = 1;
    }
    return IA_OK;
}
