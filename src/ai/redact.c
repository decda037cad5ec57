#include "ai/redact.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/errors.h"
#include "core/strbuf.h"
#include "core/util.h"

#define PHONE_GROUPS_MAX 16
#define ADDRESS_WORDS    4

/* Top-level domains a link without a scheme may end in when a path follows it. */
static const char *const path_tlds[] = { "com",  "org",  "net", "io",  "dev", "me",   "co",   "ai",
                                         "app",  "info", "biz", "us",  "uk",  "ca",   "de",   "fr",
                                         "in",   "au",   "eu",  "edu", "gov", "tech", "site", "xyz",
                                         "page", "ly",   "so",  "gg",  "sh",  "tv",   "nl",   "es",
                                         "it",   "se",   "ch",  "be",  "pl",  "br",   "jp" };

/* Top-level domains a bare host ("janedoe.com") is taken as a link for. io and net are left
 * out on purpose: "socket.io" and "asp.net" are skills. */
static const char *const bare_tlds[] = { "com", "org",  "dev",  "me",   "co",
                                         "app", "info", "page", "site", "xyz" };

/* Street words, matched case-insensitively, with an optional trailing dot. */
static const char *const street_words[] = {
    "street",  "st",    "avenue",  "ave",   "road",   "rd",      "boulevard", "blvd", "lane",
    "ln",      "drive", "dr",      "court", "ct",     "way",     "place",     "pl",   "terrace",
    "parkway", "pkwy",  "highway", "hwy",   "square", "sq",      "circle",    "cir",  "crescent",
    "close",   "row",   "alley",   "plaza", "trail",  "strasse", "straße",
};

/* Unit words that may follow a street address: "Apt 4B", "Suite 200". */
static const char *const unit_words[] = { "apt",  "apartment", "suite", "ste",
                                          "unit", "floor",     "fl",    "room" };

static bool in_list(const char *s, size_t n, const char *const *list, size_t count)
{
    for (size_t i = 0; i < count; i++)
        if (strlen(list[i]) == n && strncasecmp(s, list[i], n) == 0)
            return true;
    return false;
}

static bool local_char(unsigned char c)
{
    return isalnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-' || c == '\'';
}

static bool host_char(unsigned char c)
{
    return isalnum(c) || c == '.' || c == '-';
}

/* Characters that end a link: space, quotes, angle brackets. */
static bool link_char(unsigned char c)
{
    return c > ' ' && c != '"' && c != '<' && c != '>' && c != '`' && c != 0x7f;
}

/* Drops trailing sentence punctuation from a link that ends at s[end]. */
static size_t trim_link(const char *s, size_t start, size_t end)
{
    while (end > start && strchr(".,;:!?)]}'*", s[end - 1]) != NULL)
        end--;
    return end;
}

/* The length of a host name at s (labels of letters, digits and '-', dot-separated), with its
 * top-level domain in *tld / *tldlen; 0 when s does not start with one. */
static size_t host_len(const char *s, const char **tld, size_t *tldlen)
{
    size_t n = 0;
    while (host_char((unsigned char)s[n]))
        n++;
    while (n > 0 && (s[n - 1] == '.' || s[n - 1] == '-'))
        n--;
    const char *dot = NULL;
    for (size_t i = 0; i < n; i++)
        if (s[i] == '.')
            dot = s + i;
    if (dot == NULL || dot == s)
        return 0;
    size_t tl = (size_t)(s + n - dot - 1);
    for (size_t i = 0; i < tl; i++)
        if (!islower((unsigned char)dot[1 + i]))
            return 0; /* "ASP.NET", "Node.js" style names are not hosts here */
    *tld = dot + 1;
    *tldlen = tl;
    return tl >= 2 ? n : 0;
}

/* A link at s[i]: a scheme URL, www., or a host with a known top-level domain followed by a
 * path ("github.com/jane"), or a bare personal domain ("janedoe.dev"). */
static size_t match_link(const char *s, size_t i)
{
    static const char *const schemes[] = { "https://", "http://", "ftp://", "www." };
    for (size_t k = 0; k < COUNT(schemes); k++) {
        size_t n = strlen(schemes[k]);
        if (strncasecmp(s + i, schemes[k], n) == 0 && link_char((unsigned char)s[i + n])) {
            size_t e = i + n;
            while (link_char((unsigned char)s[e]))
                e++;
            return trim_link(s, i, e) - i;
        }
    }
    const char *tld = NULL;
    size_t tldlen = 0;
    size_t h = host_len(s + i, &tld, &tldlen);
    if (h == 0 || s[i + h] == '@')
        return 0;
    if (s[i + h] == '/' && in_list(tld, tldlen, path_tlds, COUNT(path_tlds))) {
        size_t e = i + h;
        while (link_char((unsigned char)s[e]))
            e++;
        return trim_link(s, i, e) - i;
    }
    if (!isalnum((unsigned char)s[i + h]) && in_list(tld, tldlen, bare_tlds, COUNT(bare_tlds))) {
        for (size_t k = 0; k < h; k++)
            if (isupper((unsigned char)s[i + k]))
                return 0; /* "Example.com Inc." reads as a company name */
        return h;
    }
    return 0;
}

/* An e-mail address local@domain.tld starting at s[i]. */
static size_t match_email(const char *s, size_t i)
{
    size_t j = i;
    while (local_char((unsigned char)s[j]))
        j++;
    if (j == i || s[j] != '@')
        return 0;
    size_t k = j + 1;
    while (host_char((unsigned char)s[k]))
        k++;
    while (k > j + 1 && (s[k - 1] == '.' || s[k - 1] == '-'))
        k--;
    size_t dot = 0;
    for (size_t p = j + 1; p < k; p++)
        if (s[p] == '.')
            dot = p;
    if (dot == 0 || k - dot < 3)
        return 0;
    for (size_t p = dot + 1; p < k; p++)
        if (!isalpha((unsigned char)s[p]))
            return 0;
    return k - i;
}

/* A social handle "@jane_doe" (lower-case letters, digits, '_' and '.'; "@Google" reads as
 * a company and stays). */
static size_t match_handle(const char *s, size_t i)
{
    if (s[i] != '@')
        return 0;
    size_t j = i + 1;
    while (islower((unsigned char)s[j]) || isdigit((unsigned char)s[j]) || s[j] == '_' ||
           (s[j] == '.' && (islower((unsigned char)s[j + 1]) || isdigit((unsigned char)s[j + 1]))))
        j++;
    if (j - i < 3 || isalpha((unsigned char)s[j]))
        return 0;
    return j - i;
}

/* The length of the word at s (letters, with inner apostrophes/hyphens, or an ordinal such
 * as "5th"), not counting a trailing dot. */
static size_t word_len(const char *s)
{
    size_t n = 0;
    while (isdigit((unsigned char)s[n]))
        n++;
    size_t digits = n;
    while (isalpha((unsigned char)s[n]) || (unsigned char)s[n] >= 0x80 ||
           ((s[n] == '\'' || s[n] == '-') && isalpha((unsigned char)s[n + 1])))
        n++;
    if (digits > 0 && n == digits)
        return 0;
    return n;
}

/* After a street word: ", Apt 4B", " Suite 200", " #12". Returns the length taken. */
static size_t unit_len(const char *s)
{
    size_t p = 0;
    if (s[p] == ',')
        p++;
    while (s[p] == ' ')
        p++;
    size_t w = 0;
    if (s[p] == '#') {
        w = 1;
    } else {
        while (isalpha((unsigned char)s[p + w]))
            w++;
        if (!in_list(s + p, w, unit_words, COUNT(unit_words)))
            return 0;
        if (s[p + w] == '.')
            w++;
        while (s[p + w] == ' ')
            w++;
    }
    size_t v = 0;
    while (isalnum((unsigned char)s[p + w + v]) || s[p + w + v] == '-')
        v++;
    if (v == 0 || !isdigit((unsigned char)s[p + w]))
        return 0;
    return p + w + v;
}

/* A street address at s[i]: a house number ("12", "12B", "12-14"), one to four name words
 * that start with a capital letter or a digit ("Main", "5th"), then a street word. */
static size_t match_address(const char *s, size_t i)
{
    size_t p = i;
    while (isdigit((unsigned char)s[p]))
        p++;
    if (p == i || p - i > 6)
        return 0;
    if (s[p] == '-' && isdigit((unsigned char)s[p + 1])) {
        p++;
        while (isdigit((unsigned char)s[p]))
            p++;
    }
    if (isalpha((unsigned char)s[p]) && !isalpha((unsigned char)s[p + 1]))
        p++; /* 12B */
    if (s[p] == ',')
        p++;
    if (s[p] != ' ')
        return 0;
    size_t names = 0;
    for (;;) {
        while (s[p] == ' ')
            p++;
        size_t w = word_len(s + p);
        if (w == 0)
            return 0;
        bool dot = s[p + w] == '.';
        size_t after = p + w + (dot ? 1 : 0);
        bool boundary = !isalnum((unsigned char)s[after]) && s[after] != '-' && s[after] != '@';
        if (names > 0 && boundary && in_list(s + p, w, street_words, COUNT(street_words)) &&
            (isupper((unsigned char)s[p]) || (unsigned char)s[p] >= 0x80))
            return after + unit_len(s + after) - i;
        if (!isupper((unsigned char)s[p]) && !isdigit((unsigned char)s[p]))
            return 0;
        if (++names > ADDRESS_WORDS || s[after] != ' ')
            return 0;
        p = after;
    }
}

static bool year_like(const char *s, size_t len)
{
    return len == 4 && ((s[0] == '1' && s[1] == '9') || (s[0] == '2' && s[1] == '0'));
}

/* A phone number at s[i]: an optional '+', then digit groups separated by one space, '-' or
 * '.', or parentheses, 7 to 15 digits in all (8 to 15 after '+'). Shapes that are numbers but
 * not phones are refused: years and year ranges, dates, decimals, IP addresses, rising
 * ranges ("1000-2000"), one undivided run of fewer than 10 digits, and anything followed by
 * '%' or a letter. */
static size_t match_phone(const char *s, size_t i)
{
    size_t p = i;
    bool plus = s[p] == '+';
    if (plus)
        p++;
    size_t gstart[PHONE_GROUPS_MAX], glen[PHONE_GROUPS_MAX];
    char sep[PHONE_GROUPS_MAX];
    size_t ng = 0, digits = 0, end = i;
    bool paren = false;
    for (;;) {
        size_t q = p;
        bool open = s[q] == '(';
        if (open)
            q++;
        if (!isdigit((unsigned char)s[q]) || ng == PHONE_GROUPS_MAX)
            break;
        gstart[ng] = q;
        while (isdigit((unsigned char)s[q]))
            q++;
        glen[ng] = q - gstart[ng];
        digits += glen[ng];
        if (open) {
            if (s[q] != ')')
                break;
            q++;
            paren = true;
        }
        ng++;
        end = q;
        /* the separator before the next group: " ", "-", ".", " - ", or none after ')' */
        size_t r = q;
        char kind = ' ';
        if (s[r] == ' ')
            r++;
        if (s[r] == '-' || s[r] == '.') {
            kind = s[r];
            r++;
            if (s[r] == ' ')
                r++;
        }
        if (r == q && !(open && (s[r] == '(' || isdigit((unsigned char)s[r]))))
            break;
        sep[ng] = kind;
        p = r;
    }
    if (ng == 0 || digits < (plus ? 8u : 7u) || digits > 15)
        return 0;
    if (isalnum((unsigned char)s[end]) || s[end] == '%' ||
        ((s[end] == '.' || s[end] == ',') && isdigit((unsigned char)s[end + 1])))
        return 0;
    if (!plus && !paren) {
        if (ng == 1 && digits < 10)
            return 0;
        bool all_years = true, short_after_year = year_like(s + gstart[0], glen[0]);
        bool short_before_year = year_like(s + gstart[ng - 1], glen[ng - 1]);
        bool all_dots = ng > 1;
        for (size_t g = 0; g < ng; g++) {
            all_years = all_years && year_like(s + gstart[g], glen[g]);
            if (g > 0)
                short_after_year = short_after_year && glen[g] <= 2;
            if (g + 1 < ng)
                short_before_year = short_before_year && glen[g] <= 2;
            if (g > 0)
                all_dots = all_dots && sep[g] == '.';
        }
        if (all_years || (ng > 1 && (short_after_year || short_before_year)))
            return 0;
        if (ng == 2 && sep[1] == '.')
            return 0; /* a decimal number */
        if (all_dots && ng == 4 && glen[0] <= 3 && glen[1] <= 3 && glen[2] <= 3 && glen[3] <= 3)
            return 0; /* an IP address */
        if (ng == 2 && sep[1] == '-' && glen[0] == glen[1] && s[gstart[0]] != '0' &&
            strncmp(s + gstart[0], s + gstart[1], glen[0]) < 0)
            return 0; /* a rising range such as 1000-2000 */
    }
    return end - i;
}

/* Whether a personal-data match may start at s[i]: the previous character must not continue
 * a word, a number or an address. */
static bool token_start(const char *s, size_t i, bool for_number)
{
    if (i == 0)
        return true;
    unsigned char c = (unsigned char)s[i - 1];
    if (isalnum(c) || c == '_' || c == '@' || c == '/' || c == '.' || c == '\\')
        return false;
    if (for_number && (c == '$' || c == '-' || c == '+' || c == '#' || c == ',' || c >= 0x80))
        return false; /* "$1200000", "-5551234", "#1234567", "€ 100" */
    return true;
}

int ai_redact(arena *a, const char *text, const char **out)
{
    if (text == NULL)
        text = "";
    size_t len = strlen(text);
    strbuf sb;
    strbuf_init(&sb, a, len * 2 + 64);
    size_t i = 0;
    while (i < len) {
        size_t n = 0;
        const char *ph = NULL;
        if (token_start(text, i, false) && (n = match_link(text, i)) > 0)
            ph = AI_REDACT_LINK;
        if (ph == NULL && (i == 0 || !local_char((unsigned char)text[i - 1])) &&
            (n = match_email(text, i)) > 0)
            ph = AI_REDACT_EMAIL;
        if (ph == NULL && token_start(text, i, false) && (n = match_handle(text, i)) > 0)
            ph = AI_REDACT_HANDLE;
        if (ph == NULL && token_start(text, i, true) &&
            (isdigit((unsigned char)text[i]) || text[i] == '+' || text[i] == '(')) {
            if ((n = match_address(text, i)) > 0)
                ph = AI_REDACT_ADDRESS;
            else if ((n = match_phone(text, i)) > 0)
                ph = AI_REDACT_PHONE;
        }
        if (ph != NULL) {
            strbuf_puts(&sb, ph);
            i += n;
            continue;
        }
        /* copy up to the next place a match could start: no match starts inside a word */
        size_t j = i + 1;
        if (isalnum((unsigned char)text[i]))
            while (j < len && isalnum((unsigned char)text[j]))
                j++;
        strbuf_append(&sb, text + i, j - i);
        i = j;
    }
    int rc = strbuf_error(&sb);
    if (rc != IA_OK)
        return rc;
    *out = strbuf_str(&sb);
    return IA_OK;
}
