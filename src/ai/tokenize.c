/* Tokenising and counting of the offline engine's text layer (docs/design.md "AI"): a text is
 * split once into lower-case words that keep their place in the original bytes, each with its
 * spelling-normalised word, its stem (ai/stem.c) mapped through the engine's lexicon
 * (ai/lexicon.c), its sentence and its flags; then counted (words, sentences, figures,
 * percentages, durations, money). UTF-8 is decoded by core/utf8.c; invalid bytes separate words.
 * Also the small helpers the other files of the text layer share (ai/text_private.h). */
#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ai/text_private.h"
#include "ai/textutil.h"
#include "core/errors.h"
#include "core/utf8.h"

/* ---- word lists and helpers ---------------------------------------------------------------- */

/* English function words, sorted (bsearch). */
static const char *const stopwords[] = {
    "a",       "about",    "above",      "after",     "again",   "against",   "all",
    "also",    "am",       "an",         "and",       "any",     "are",       "aren't",
    "as",      "at",       "be",         "because",   "been",    "before",    "being",
    "below",   "between",  "both",       "but",       "by",      "can",       "can't",
    "could",   "couldn't", "did",        "didn't",    "do",      "does",      "doesn't",
    "doing",   "don't",    "down",       "during",    "each",    "either",    "else",
    "etc",     "even",     "ever",       "every",     "few",     "for",       "from",
    "further", "get",      "gets",       "getting",   "got",     "had",       "hadn't",
    "has",     "hasn't",   "have",       "haven't",   "having",  "he",        "he'd",
    "he's",    "her",      "here",       "hers",      "herself", "him",       "himself",
    "his",     "how",      "however",    "i",         "i'd",     "i'll",      "i'm",
    "i've",    "if",       "in",         "into",      "is",      "isn't",     "it",
    "it's",    "its",      "itself",     "just",      "let's",   "lot",       "lots",
    "me",      "might",    "more",       "most",      "much",    "must",      "my",
    "myself",  "neither",  "no",         "nor",       "not",     "now",       "of",
    "off",     "often",    "on",         "once",      "one",     "only",      "onto",
    "or",      "other",    "others",     "our",       "ours",    "ourselves", "out",
    "over",    "own",      "per",        "quite",     "rather",  "really",    "same",
    "shall",   "she",      "should",     "shouldn't", "so",      "some",      "something",
    "still",   "such",     "than",       "that",      "that's",  "the",       "their",
    "theirs",  "them",     "themselves", "then",      "there",   "there's",   "these",
    "they",    "they'd",   "they're",    "they've",   "thing",   "things",    "this",
    "those",   "though",   "through",    "thus",      "to",      "too",       "under",
    "until",   "up",       "upon",       "us",        "very",    "via",       "was",
    "wasn't",  "way",      "we",         "we'd",      "we'll",   "we're",     "we've",
    "were",    "weren't",  "what",       "what's",    "when",    "where",     "whether",
    "which",   "while",    "who",        "whom",      "whose",   "why",       "will",
    "with",    "within",   "without",    "won't",     "would",   "wouldn't",  "yes",
    "yet",     "you",      "you'd",      "you'll",    "you're",  "you've",    "your",
    "yours",   "yourself",
};

/* Numbers written out ("one" is left out: it is mostly a pronoun). Sorted. */
static const char *const number_words[] = {
    "billion",   "billions", "dozen",    "dozens", "eight",    "eighteen", "eighty", "eleven",
    "fifteen",   "fifty",    "five",     "forty",  "four",     "fourteen", "half",   "hundred",
    "hundreds",  "million",  "millions", "nine",   "nineteen", "ninety",   "seven",  "seventeen",
    "seventy",   "six",      "sixteen",  "sixty",  "ten",      "thirteen", "thirty", "thousand",
    "thousands", "three",    "twelve",   "twenty", "twice",    "two",
};

/* Words that make a figure a duration. */
static const char *const time_units[] = {
    "ms",       "millisecond", "milliseconds", "second",  "seconds", "sec",
    "secs",     "s",           "minute",       "minutes", "min",     "mins",
    "hour",     "hours",       "hr",           "hrs",     "h",       "day",
    "days",     "week",        "weeks",        "month",   "months",  "quarter",
    "quarters", "year",        "years",        "sprint",  "sprints", "weekend",
    "weekends", "night",       "nights",
};

static const char *const currency_words[] = { "dollars", "dollar", "euros", "euro",
                                              "pounds",  "usd",    "eur",   "gbp" };

int ai_text_cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

bool ai_text_in_sorted(const char *const *list, size_t n, const char *w)
{
    return bsearch(&w, list, n, sizeof(list[0]), ai_text_cmp_str) != NULL;
}

bool ai_text_in_list(const char *const *list, size_t n, const char *w)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(list[i], w) == 0)
            return true;
    return false;
}

bool ai_text_is_stopword(const char *word)
{
    return ai_text_in_sorted(stopwords, COUNT(stopwords), word);
}

/* Writes the first alen bytes of a, then b and c (either may be NULL), into out, cut to
 * outlen - 1 bytes and NUL-terminated; returns the length written. */
size_t ai_text_join(char *out, size_t outlen, const char *a, size_t alen, const char *b,
                    const char *c)
{
    if (outlen == 0)
        return 0;
    size_t o = 0;
    const char *parts[3] = { a, b, c };
    size_t lens[3] = { alen, b ? strlen(b) : 0, c ? strlen(c) : 0 };
    for (size_t p = 0; p < 3; p++) {
        size_t l = lens[p] < outlen - 1 - o ? lens[p] : outlen - 1 - o;
        if (l > 0)
            memcpy(out + o, parts[p], l);
        o += l;
    }
    out[o] = '\0';
    return o;
}

/* ---- characters ---------------------------------------------------------------------------- */

typedef enum {
    CH_SPACE,
    CH_NEWLINE,
    CH_LETTER,
    CH_DIGIT,
    CH_APOS,     /* ' and typographic apostrophes */
    CH_HYPHEN,   /* - and Unicode hyphens: joins words, or a dash when spaced */
    CH_DASH,     /* en and em dashes */
    CH_PAUSE,    /* , ; : */
    CH_END,      /* . ! ? and the ellipsis */
    CH_PERCENT,  /* % */
    CH_CURRENCY, /* $ £ € ¥ ₹ */
    CH_PLUS,     /* + and # ("c++", "c#") */
    CH_PUNCT,    /* anything else that separates words */
} ch_class;

/* Decodes the character at s[i] (i < n) into *cp and returns its length (core/utf8.c); an
 * invalid or truncated sequence is one byte long and decodes as U+FFFD. */
static size_t utf8_next(const unsigned char *s, size_t n, size_t i, uint32_t *cp)
{
    size_t len = ia_utf8_decode(s + i, n - i, cp);
    return len > 0 ? len : 1;
}

static ch_class classify(uint32_t cp)
{
    if (cp < 0x80) {
        if ((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z'))
            return CH_LETTER;
        if (cp >= '0' && cp <= '9')
            return CH_DIGIT;
        switch (cp) {
        case '\n':
            return CH_NEWLINE;
        case ' ':
        case '\t':
        case '\r':
        case '\f':
        case '\v':
            return CH_SPACE;
        case '\'':
            return CH_APOS;
        case '-':
            return CH_HYPHEN;
        case ',':
        case ';':
        case ':':
            return CH_PAUSE;
        case '.':
        case '!':
        case '?':
            return CH_END;
        case '%':
            return CH_PERCENT;
        case '$':
            return CH_CURRENCY;
        case '+':
        case '#':
            return CH_PLUS;
        default:
            return cp < 0x20 || cp == 0x7F ? CH_SPACE : CH_PUNCT;
        }
    }
    if (cp == 0x85 || cp == 0x2028 || cp == 0x2029)
        return CH_NEWLINE;
    if (cp == 0xA0 || (cp >= 0x2000 && cp <= 0x200D) || cp == 0x202F || cp == 0x205F ||
        cp == 0x2060 || cp == 0x3000 || cp == 0xFEFF || (cp >= 0xFE00 && cp <= 0xFE0F) ||
        (cp >= 0x80 && cp < 0xA0))
        return CH_SPACE;
    if (cp == 0x2018 || cp == 0x2019 || cp == 0x02BC)
        return CH_APOS;
    if (cp == 0x2010 || cp == 0x2011)
        return CH_HYPHEN;
    if (cp >= 0x2012 && cp <= 0x2015)
        return CH_DASH;
    if (cp == 0x2026 || cp == 0x3002 || cp == 0xFF01 || cp == 0xFF0E || cp == 0xFF1F)
        return CH_END;
    if (cp == 0x3001 || cp == 0xFF0C || cp == 0xFF1A || cp == 0xFF1B)
        return CH_PAUSE;
    if (cp == 0xA3 || cp == 0xA5 || cp == 0x20AC || cp == 0x20B9)
        return CH_CURRENCY;
    if ((cp >= 0xA1 && cp <= 0xBF && cp != 0xAA && cp != 0xB5 && cp != 0xBA) || cp == 0xD7 ||
        cp == 0xF7 || (cp >= 0x2016 && cp <= 0x2BFF) || (cp >= 0x3003 && cp <= 0x303F) ||
        (cp >= 0xFF00 && cp <= 0xFF20) || (cp >= 0xE000 && cp <= 0xF8FF) || cp == 0xFFFD ||
        (cp >= 0x1F000 && cp <= 0x1FAFF))
        return CH_PUNCT;
    return CH_LETTER;
}

/* Lower case for ASCII, Latin-1, Latin Extended-A, Greek and Cyrillic capitals. */
static uint32_t lower_cp(uint32_t cp)
{
    if (cp >= 'A' && cp <= 'Z')
        return cp + 32;
    if (cp < 0x80)
        return cp;
    if (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7)
        return cp + 32;
    if (cp >= 0x100 && cp <= 0x177 && cp % 2 == 0 && cp != 0x130 && cp != 0x138)
        return cp + 1;
    if (cp >= 0x391 && cp <= 0x3A9 && cp != 0x3A2)
        return cp + 32;
    if (cp >= 0x410 && cp <= 0x42F)
        return cp + 32;
    if (cp >= 0x400 && cp <= 0x40F)
        return cp + 80;
    return cp;
}

static bool upper_cp(uint32_t cp)
{
    return lower_cp(cp) != cp;
}

/* ---- tokeniser ----------------------------------------------------------------------------- */

typedef struct {
    arena *a;
    const ai_text_lexicon *lx;
    struct sb_stemmer *sb; /* this call's own stemmer (ai/text_private.h) */
    ai_text_token *v;      /* NULL while counting */
    size_t cap, n;
    unsigned sentence;
    bool has_words; /* the current sentence has a word */
    bool pause;     /* a pause mark since the last word */
    bool money;     /* a currency sign since the last word */
    char last[8];   /* the last word (cut), and where it ended: "e.g." does not end a sentence */
    size_t last_end;
    int rc;
} scanner;

/* Words that a full stop follows without ending the sentence ("e.g.", "vs.", "Dr."). */
static bool abbreviation(const scanner *sc, size_t dot)
{
    static const char *const list[] = { "vs",  "approx", "mr", "mrs", "ms", "dr",  "prof",
                                        "inc", "ltd",    "jr", "sr",  "st", "fig", "eg",
                                        "ie",  "cf",     "al", "esp", "min" };
    if (sc->last_end != dot || sc->last[0] == '\0')
        return false;
    bool letter = sc->last[0] >= 'a' && sc->last[0] <= 'z';
    return (letter && sc->last[1] == '\0') || ai_text_in_list(list, COUNT(list), sc->last);
}

static void end_sentence(scanner *sc)
{
    if (sc->has_words) {
        sc->sentence++;
        sc->has_words = false;
    }
}

static void mark_pause(scanner *sc)
{
    sc->pause = true;
    if (sc->v != NULL && sc->n > 0 && sc->v[sc->n - 1].sentence == sc->sentence && sc->has_words)
        sc->v[sc->n - 1].flags |= AI_TEXT_PAUSE_AFTER;
}

/* Adds the token word[0..wlen) found at text[start..start+len). */
static void emit(scanner *sc, size_t start, size_t len, const char *word, size_t wlen, bool capital)
{
    if (wlen == 0 || sc->rc != IA_OK)
        return;
    if (sc->v != NULL && sc->n < sc->cap) {
        ai_text_token *t = &sc->v[sc->n];
        char buf[AI_TEXT_WORD_MAX + 1], spelled[AI_TEXT_WORD_MAX + 1], stem[AI_TEXT_WORD_MAX + 1];
        memcpy(buf, word, wlen);
        buf[wlen] = '\0';
        ai_text_spelling(buf, spelled, sizeof(spelled));
        ai_text_stem_with(sc->sb, spelled, stem, sizeof(stem));
        t->word = arena_strdup(sc->a, spelled);
        const char *canon = ai_text_synonym(sc->lx, stem);
        t->stem = canon != stem                ? canon
                  : strcmp(stem, spelled) == 0 ? t->word
                                               : arena_strdup(sc->a, stem);
        if (t->word == NULL || t->stem == NULL) {
            sc->rc = IA_ERR_NOMEM;
            return;
        }
        t->start = start;
        t->len = len;
        t->sentence = sc->sentence;
        t->flags = 0;
        if (word[0] >= '0' && word[0] <= '9')
            t->flags |= AI_TEXT_NUMBER | (sc->money ? AI_TEXT_MONEY : 0u);
        if (ai_text_in_sorted(number_words, COUNT(number_words), t->word))
            t->flags |= AI_TEXT_NUMWORD;
        if (ai_text_is_stopword(t->word))
            t->flags |= AI_TEXT_STOP;
        if (!sc->has_words)
            t->flags |= AI_TEXT_SENT_START;
        else if (capital && strcmp(t->word, "i") != 0 && strncmp(t->word, "i'", 2) != 0)
            t->flags |= AI_TEXT_CAPITAL;
        if (sc->pause)
            t->flags |= AI_TEXT_PAUSE_BEFORE;
    }
    ai_text_join(sc->last, sizeof(sc->last), word, wlen < sizeof(sc->last) ? wlen : 0, NULL, NULL);
    sc->last_end = start + len;
    sc->n++;
    sc->has_words = true;
    sc->pause = false;
    sc->money = false;
}

/* True when the sentence mark at text[i] ends a sentence: it is followed by the end of the
 * text, or by white space and then anything but a lower-case letter ("e.g. the" goes on). */
static bool sentence_ends(const unsigned char *s, size_t n, size_t i)
{
    uint32_t cp;
    while (i < n) {
        size_t l = utf8_next(s, n, i, &cp);
        if (classify(cp) == CH_END || cp == '"' || cp == '\'' || cp == ')' || cp == ']' ||
            cp == 0x201D || cp == 0x2019) {
            i += l;
            continue;
        }
        break;
    }
    if (i >= n)
        return true;
    utf8_next(s, n, i, &cp);
    ch_class c = classify(cp);
    if (c != CH_SPACE && c != CH_NEWLINE)
        return false;
    while (i < n) {
        size_t l = utf8_next(s, n, i, &cp);
        c = classify(cp);
        if (c != CH_SPACE && c != CH_NEWLINE)
            break;
        i += l;
    }
    return i >= n || !(cp >= 'a' && cp <= 'z');
}

/* One pass over the text; counts tokens when sc->v is NULL, stores them otherwise. */
static void scan(scanner *sc, const unsigned char *s, size_t n)
{
    char word[AI_TEXT_WORD_MAX + 1];
    size_t wl = 0, wstart = 0;
    bool capital = false, full = false;
    uint32_t cp, next;
    for (size_t i = 0; i < n && sc->rc == IA_OK;) {
        size_t l = utf8_next(s, n, i, &cp);
        ch_class c = classify(cp);
        next = 0;
        if (i + l < n)
            utf8_next(s, n, i + l, &next);
        ch_class cn = i + l < n ? classify(next) : CH_SPACE;
        bool in_number = wl > 0 && word[0] >= '0' && word[0] <= '9';
        bool keep = false;
        if (c == CH_LETTER || c == CH_DIGIT)
            keep = true;
        else if (c == CH_APOS && wl > 0 && cn == CH_LETTER && next < 0x80 && !in_number)
            cp = '\'', keep = true;
        else if (c == CH_END && cp == '.' && in_number && cn == CH_DIGIT)
            keep = true;
        else if (c == CH_PAUSE && cp == ',' && in_number && cn == CH_DIGIT) {
            /* "2,000": a thousands separator is skipped, a list comma is not. */
            size_t d = 0;
            while (i + 1 + d < n && s[i + 1 + d] >= '0' && s[i + 1 + d] <= '9')
                d++;
            if (d == 3) {
                i += l;
                continue;
            }
        } else if (c == CH_PLUS && wl > 0 && !in_number && cn != CH_LETTER && cn != CH_DIGIT)
            keep = true;
        if (keep) {
            if (wl == 0) {
                wstart = i;
                capital = upper_cp(cp);
                full = false;
            }
            char enc[4];
            size_t el = ia_utf8_encode(lower_cp(cp), enc);
            if (!full && wl + el <= AI_TEXT_WORD_MAX) {
                memcpy(word + wl, enc, el);
                wl += el;
            } else {
                full = true;
            }
            i += l;
            continue;
        }
        bool after_word = wl > 0;
        if (wl > 0) {
            emit(sc, wstart, i - wstart, word, wl, capital);
            wl = 0;
        }
        switch (c) {
        case CH_NEWLINE:
            end_sentence(sc);
            break;
        case CH_END:
            if (!(cp == '.' && abbreviation(sc, i)) && sentence_ends(s, n, i))
                end_sentence(sc);
            break;
        case CH_PAUSE:
        case CH_DASH:
            mark_pause(sc);
            break;
        case CH_HYPHEN: /* a spaced hyphen is a dash; inside a word it only separates */
            if (!(after_word && (cn == CH_LETTER || cn == CH_DIGIT)))
                mark_pause(sc);
            break;
        case CH_PERCENT:
            emit(sc, i, l, "percent", 7, false);
            break;
        case CH_CURRENCY:
            sc->money = true;
            break;
        default:
            break;
        }
        i += l;
    }
    if (wl > 0)
        emit(sc, wstart, n - wstart, word, wl, capital);
}

int ai_text_tokenize(arena *a, const ai_text_lexicon *lx, const char *text, ai_text *out)
{
    *out = (ai_text){ .text = text ? text : "" };
    const unsigned char *s = (const unsigned char *)out->text;
    size_t n = strnlen(out->text, AI_TEXT_INPUT_MAX);
    if (n == AI_TEXT_INPUT_MAX) /* a cut text ends on a character boundary */
        while (n > 0 && (s[n] & 0xC0u) == 0x80u)
            n--;
    scanner sc = { .a = a, .lx = lx, .rc = IA_OK };
    scan(&sc, s, n);
    if (sc.n == 0)
        return IA_OK;
    size_t count = sc.n;
    sc = (scanner){ .a = a, .lx = lx, .rc = IA_OK, .cap = count };
    if ((sc.v = arena_calloc(a, count, sizeof(ai_text_token))) == NULL ||
        (sc.sb = ai_text_stemmer_new()) == NULL)
        return IA_ERR_NOMEM;
    scan(&sc, s, n);
    ai_text_stemmer_free(sc.sb);
    if (sc.rc != IA_OK)
        return sc.rc;
    out->v = sc.v;
    out->n = sc.n < count ? sc.n : count;
    out->nsentences = sc.sentence + (sc.has_words ? 1u : 0u);
    return IA_OK;
}

/* ---- counts -------------------------------------------------------------------------------- */

static bool is_figure(const ai_text_token *t)
{
    return (t->flags & (AI_TEXT_NUMBER | AI_TEXT_NUMWORD)) != 0;
}

/* The letters a figure carries ("40ms" -> "ms"), or "" (always for "three"). */
static const char *figure_unit(const ai_text_token *t)
{
    if (!(t->flags & AI_TEXT_NUMBER))
        return "";
    const char *p = t->word;
    while (*p != '\0' && ((*p >= '0' && *p <= '9') || *p == '.'))
        p++;
    return p;
}

void ai_text_count(const ai_text *t, ai_text_counts *out)
{
    *out = (ai_text_counts){ .words = t->n, .sentences = t->nsentences };
    size_t run = 0;
    for (size_t i = 0; i < t->n; i++) {
        const ai_text_token *k = &t->v[i];
        run = i > 0 && t->v[i - 1].sentence == k->sentence ? run + 1 : 1;
        if (run > out->longest_sentence)
            out->longest_sentence = run;
        if (!(k->flags & (AI_TEXT_STOP | AI_TEXT_NUMBER | AI_TEXT_NUMWORD)))
            out->content_words++;
        if (!is_figure(k))
            continue;
        out->numbers++;
        const char *unit = figure_unit(k);
        const char *next = i + 1 < t->n ? t->v[i + 1].word : "";
        if (strcmp(next, "percent") == 0 || strcmp(next, "percentage") == 0 ||
            strcmp(next, "pct") == 0 || strcmp(next, "pp") == 0)
            out->percentages++;
        if ((*unit != '\0' && ai_text_in_list(time_units, COUNT(time_units), unit)) ||
            (*unit == '\0' && ai_text_in_list(time_units, COUNT(time_units), next)))
            out->durations++;
        if ((k->flags & AI_TEXT_MONEY) ||
            ai_text_in_list(currency_words, COUNT(currency_words), next))
            out->money++;
    }
    ai_text_fillers(t, NULL, 0, &out->fillers);
    ai_text_hedges(t, NULL, 0, &out->hedges);
}

void ai_text_list_add(ai_strs *list, size_t max, const char *s)
{
    if (s != NULL && list->n < max)
        list->v[list->n++] = s;
}

void ai_text_list_addf(arena *a, ai_strs *list, size_t max, const char *fmt, ...)
{
    if (list->n >= max)
        return;
    va_list ap;
    va_start(ap, fmt);
    ai_text_list_add(list, max, arena_vprintf(a, fmt, ap));
    va_end(ap);
}

char *ai_text_span(arena *a, const ai_text *t, size_t from, size_t to, size_t max)
{
    if (from >= to || to > t->n)
        return arena_strdup(a, "");
    size_t b = t->v[from].start, e = t->v[to - 1].start + t->v[to - 1].len;
    /* Close the brackets the span opened: "O(n^2)", not "O(n^2". */
    int open = 0;
    for (size_t i = b; i < e; i++)
        open += (t->text[i] == '(' || t->text[i] == '[') - (t->text[i] == ')' || t->text[i] == ']');
    while (open-- > 0 && (t->text[e] == ')' || t->text[e] == ']'))
        e++;
    char *out = arena_alloc(a, (e - b < max ? e - b : max) + 1);
    if (out == NULL)
        return NULL;
    size_t o = 0;
    bool space = false;
    for (size_t i = b; i < e; i++) {
        unsigned char c = (unsigned char)t->text[i];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            space = true;
            continue;
        }
        bool gap = space && o > 0;
        if (o + gap + 1 > max)
            break;
        if (gap)
            out[o++] = ' ';
        space = false;
        out[o++] = (char)c;
    }
    /* Drop a character the cut left incomplete. */
    size_t lead = o;
    while (lead > 0 && ((unsigned char)out[lead - 1] & 0xC0u) == 0x80u)
        lead--;
    if (lead > 0) {
        unsigned char c = (unsigned char)out[lead - 1];
        size_t want = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
        if (o - (lead - 1) < want)
            o = lead - 1;
    }
    out[o] = '\0';
    return out;
}

bool ai_text_in_set(const char *w, size_t n, const char *set)
{
    for (const char *p = set;;) {
        const char *bar = strchr(p, '|');
        size_t l = bar ? (size_t)(bar - p) : strlen(p);
        if (l == n && strncasecmp(w, p, n) == 0)
            return true;
        if (bar == NULL)
            return false;
        p = bar + 1;
    }
}

bool ai_text_has_phrase(const char *s, const char *phrase)
{
    size_t pl = strlen(phrase);
    for (const char *p = s; *p; p++) {
        if (p > s && isalnum((unsigned char)p[-1]))
            continue;
        if (strncasecmp(p, phrase, pl) == 0 && !isalnum((unsigned char)p[pl]))
            return true;
    }
    return false;
}
