#include "ai/textutil.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/errors.h"

#define COUNT(a)        (sizeof(a) / sizeof((a)[0]))
#define PREFIX_MIN      5 /* letters a term word needs before it may match the words it begins */
#define STEM_PREFIX_MIN 6 /* letters a stem needs before it may match longer stems */
#define CUE_WORDS       8

/* ---- word lists ---------------------------------------------------------------------------- */

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

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static bool in_sorted(const char *const *list, size_t n, const char *w)
{
    return bsearch(&w, list, n, sizeof(list[0]), cmp_str) != NULL;
}

static bool in_list(const char *const *list, size_t n, const char *w)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(list[i], w) == 0)
            return true;
    return false;
}

bool ai_text_is_stopword(const char *word)
{
    return in_sorted(stopwords, COUNT(stopwords), word);
}

/* ---- spelling ------------------------------------------------------------------------------ */

typedef struct {
    const char *from, *to;
} rewrite;

/* Whole words. */
static const rewrite spelling_words[] = {
    { "acknowledgement", "acknowledgment" },
    { "acknowledgements", "acknowledgments" },
    { "ageing", "aging" },
    { "aluminium", "aluminum" },
    { "amongst", "among" },
    { "analogue", "analog" },
    { "artefact", "artifact" },
    { "artefacts", "artifacts" },
    { "burnt", "burned" },
    { "catalogue", "catalog" },
    { "catalogued", "cataloged" },
    { "catalogues", "catalogs" },
    { "cheque", "check" },
    { "cheques", "checks" },
    { "cosy", "cozy" },
    { "defence", "defense" },
    { "dialogue", "dialog" },
    { "dialogues", "dialogs" },
    { "draught", "draft" },
    { "dreamt", "dreamed" },
    { "enrol", "enroll" },
    { "enrolment", "enrollment" },
    { "enrolments", "enrollments" },
    { "fulfil", "fulfill" },
    { "fulfilment", "fulfillment" },
    { "fulfils", "fulfills" },
    { "grey", "gray" },
    { "instil", "instill" },
    { "jewellery", "jewelry" },
    { "judgement", "judgment" },
    { "judgements", "judgments" },
    { "learnt", "learned" },
    { "licence", "license" },
    { "licences", "licenses" },
    { "manoeuvre", "maneuver" },
    { "mould", "mold" },
    { "offence", "offense" },
    { "plough", "plow" },
    { "practise", "practice" },
    { "practised", "practiced" },
    { "practises", "practices" },
    { "practising", "practicing" },
    { "pretence", "pretense" },
    { "programme", "program" },
    { "programmes", "programs" },
    { "sceptic", "skeptic" },
    { "sceptical", "skeptical" },
    { "scepticism", "skepticism" },
    { "skilful", "skillful" },
    { "spelt", "spelled" },
    { "spilt", "spilled" },
    { "storey", "story" },
    { "towards", "toward" },
    { "tyre", "tire" },
    { "tyres", "tires" },
    { "whilst", "while" },
    { "wilful", "willful" },
};

/* Word beginnings (medical spellings, mostly). */
static const rewrite spelling_prefixes[] = {
    { "anaem", "anem" },         { "anaesth", "anesth" },
    { "diarrhoea", "diarrhea" }, { "encyclopaed", "encycloped" },
    { "faec", "fec" },           { "foet", "fet" },
    { "gynaec", "gynec" },       { "haem", "hem" },
    { "leukaem", "leukem" },     { "oedem", "edem" },
    { "oesophag", "esophag" },   { "oestrogen", "estrogen" },
    { "orthopaed", "orthoped" }, { "paediatr", "pediatr" },
};

/* Words spelt "-our" in British English; their derivatives follow ("colourful"). */
static const char *const our_words[] = {
    "armour",  "behaviour", "candour", "clamour", "colour",  "endeavour", "favour",
    "fervour", "flavour",   "harbour", "honour",  "humour",  "labour",    "neighbour",
    "odour",   "parlour",   "rigour",  "rumour",  "saviour", "savour",    "splendour",
    "tumour",  "valour",    "vapour",  "vigour",
};

/* Stems of words spelt "-re" in British English ("centre", "metres", "fibred"). */
static const char *const re_stems[] = {
    "calibr", "centimetr", "centr",     "fibr", "kilometr", "litr",   "lustr",
    "meagr",  "metr",      "millimetr", "sabr", "sombr",    "spectr", "theatr",
};

/* Words whose final l doubles in British English ("modelling", "cancelled"). */
static const char *const ll_stems[] = {
    "cancel",  "channel", "counsel", "dial",    "enamel", "equal",  "fuel",   "funnel", "initial",
    "jewel",   "label",   "level",   "marshal", "marvel", "model",  "panel",  "pedal",  "pencil",
    "quarrel", "rival",   "shovel",  "signal",  "total",  "travel", "tunnel",
};

/* What comes before "ise" in words that keep "ise" in American English too ("advertise",
 * "compromise"); matched as the end of the part before "ise". */
static const char *const ise_keep[] = {
    "advert",  "chast", "chem",   "circumc", "compr",  "comprom",  "conc",  "desp",  "disgu",
    "enterpr", "exerc", "expert", "franch",  "improv", "merchand", "moonr", "mort",  "parad",
    "prec",    "prem",  "prom",   "repr",    "sunr",   "superv",   "surpr", "telev", "treat",
};

/* "-ise" endings and their American forms. */
static const rewrite ise_endings[] = {
    { "isations", "izations" }, { "isational", "izational" }, { "isation", "ization" },
    { "isable", "izable" },     { "ising", "izing" },         { "isers", "izers" },
    { "ised", "ized" },         { "iser", "izer" },           { "ises", "izes" },
    { "ise", "ize" },
};

static const rewrite yse_endings[] = {
    { "ysing", "yzing" },
    { "ysed", "yzed" },
    { "yser", "yzer" },
    { "yse", "yze" },
};

static bool ends_with(const char *s, size_t n, const char *suffix)
{
    size_t k = strlen(suffix);
    return n >= k && memcmp(s + n - k, suffix, k) == 0;
}

/* Writes the first alen bytes of a, then b and c (either may be NULL), into out, cut to
 * outlen - 1 bytes and NUL-terminated; returns the length written. */
static size_t join3(char *out, size_t outlen, const char *a, size_t alen, const char *b,
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

/* Rewrites an "-ise"/"-yse" ending when the word is one that American English spells "-ize". */
static bool rewrite_ise(const char *w, size_t n, char *out, size_t outlen, size_t *len)
{
    for (size_t i = 0; i < COUNT(yse_endings); i++)
        if (ends_with(w, n, yse_endings[i].from) && n - strlen(yse_endings[i].from) >= 2) {
            *len = join3(out, outlen, w, n - strlen(yse_endings[i].from), yse_endings[i].to, NULL);
            return true;
        }
    for (size_t i = 0; i < COUNT(ise_endings); i++) {
        if (!ends_with(w, n, ise_endings[i].from))
            continue;
        size_t stem = n - strlen(ise_endings[i].from);
        /* "rise", "noise", "wise", "cruise", "raise": too short or ending in a vowel or w. */
        if (stem < 4 || strchr("aeiouw", w[stem - 1]) != NULL)
            return false;
        for (size_t k = 0; k < COUNT(ise_keep); k++)
            if (ends_with(w, stem, ise_keep[k]))
                return false;
        *len = join3(out, outlen, w, stem, ise_endings[i].to, NULL);
        return true;
    }
    return false;
}

size_t ai_text_spelling(const char *word, char *out, size_t outlen)
{
    size_t n = strlen(word), len = 0;
    for (size_t i = 0; i < COUNT(spelling_words); i++)
        if (strcmp(word, spelling_words[i].from) == 0)
            return join3(out, outlen, spelling_words[i].to, strlen(spelling_words[i].to), NULL,
                         NULL);
    for (size_t i = 0; i < COUNT(spelling_prefixes); i++) {
        size_t k = strlen(spelling_prefixes[i].from);
        if (n >= k && memcmp(word, spelling_prefixes[i].from, k) == 0)
            return join3(out, outlen, spelling_prefixes[i].to, strlen(spelling_prefixes[i].to),
                         word + k, NULL);
    }
    for (size_t i = 0; i < COUNT(our_words); i++) {
        size_t k = strlen(our_words[i]);
        if (n >= k && memcmp(word, our_words[i], k) == 0) /* "colourful" -> "colorful" */
            return join3(out, outlen, word, k - 2, word + k - 1, NULL);
    }
    for (size_t i = 0; i < COUNT(re_stems); i++) {
        size_t k = strlen(re_stems[i]);
        if (n < k + 1 || n > k + 2 || memcmp(word, re_stems[i], k) != 0 || word[k] != 'e')
            continue;
        const char *rest = word + k + 1; /* "centre", "centres", "centred" */
        if (*rest == '\0' || strcmp(rest, "s") == 0 || strcmp(rest, "d") == 0)
            return join3(out, outlen, word, k - 1, "er", *rest == 'd' ? "ed" : rest);
    }
    for (size_t i = 0; i < COUNT(ll_stems); i++) {
        size_t k = strlen(ll_stems[i]);
        if (n > k + 1 && memcmp(word, ll_stems[i], k) == 0 && word[k] == 'l') {
            const char *rest = word + k + 1;
            if (strcmp(rest, "ing") == 0 || strcmp(rest, "ed") == 0 || strcmp(rest, "er") == 0 ||
                strcmp(rest, "ers") == 0 || strcmp(rest, "ings") == 0)
                return join3(out, outlen, word, k, rest, NULL);
        }
    }
    if (rewrite_ise(word, n, out, outlen, &len))
        return len;
    return join3(out, outlen, word, n, NULL, NULL);
}

/* ---- Porter stemmer ------------------------------------------------------------------------ */

/* The stemmer of M. F. Porter, "An algorithm for suffix stripping" (1980), on b[0..k]. */
typedef struct {
    char b[AI_TEXT_WORD_MAX + 1];
    int k, j;
} porter;

static bool p_cons(const porter *p, int i)
{
    switch (p->b[i]) {
    case 'a':
    case 'e':
    case 'i':
    case 'o':
    case 'u':
        return false;
    case 'y':
        return i == 0 ? true : !p_cons(p, i - 1);
    default:
        return true;
    }
}

/* The number of vowel-consonant sequences in b[0..j] (Porter's m in [C](VC)^m[V]). */
static int p_m(const porter *p)
{
    int n = 0;
    bool vowel = false;
    for (int i = 0; i <= p->j; i++) {
        bool c = p_cons(p, i);
        n += c && vowel;
        vowel = !c;
    }
    return n;
}

static bool p_vowel_in_stem(const porter *p)
{
    for (int i = 0; i <= p->j; i++)
        if (!p_cons(p, i))
            return true;
    return false;
}

static bool p_double(const porter *p, int j)
{
    return j >= 1 && j < AI_TEXT_WORD_MAX && p->b[j] == p->b[j - 1] && p_cons(p, j);
}

/* Consonant-vowel-consonant ending at i, the last not w, x or y ("hop", not "snow"). */
static bool p_cvc(const porter *p, int i)
{
    if (i < 2 || i >= AI_TEXT_WORD_MAX || !p_cons(p, i) || p_cons(p, i - 1) || !p_cons(p, i - 2))
        return false;
    char c = p->b[i];
    return c != 'w' && c != 'x' && c != 'y';
}

static bool p_ends(porter *p, const char *s)
{
    int len = (int)strlen(s);
    if (len > p->k + 1 || memcmp(p->b + p->k - len + 1, s, (size_t)len) != 0)
        return false;
    p->j = p->k - len;
    return true;
}

static void p_setto(porter *p, const char *s)
{
    int len = (int)strlen(s);
    memcpy(p->b + p->j + 1, s, (size_t)len);
    p->k = p->j + len;
}

static void p_r(porter *p, const char *s)
{
    if (p_m(p) > 0)
        p_setto(p, s);
}

/* Plurals and -ed or -ing: caresses -> caress, ponies -> poni, meetings -> meet. */
static void p_step1ab(porter *p)
{
    if (p->b[p->k] == 's') {
        if (p_ends(p, "sses"))
            p->k -= 2;
        else if (p_ends(p, "ies"))
            p_setto(p, "i");
        else if (p->b[p->k - 1] != 's')
            p->k--;
    }
    if (p_ends(p, "eed")) {
        if (p_m(p) > 0)
            p->k--;
    } else if ((p_ends(p, "ed") || p_ends(p, "ing")) && p_vowel_in_stem(p)) {
        p->k = p->j;
        if (p_ends(p, "at"))
            p_setto(p, "ate");
        else if (p_ends(p, "bl"))
            p_setto(p, "ble");
        else if (p_ends(p, "iz"))
            p_setto(p, "ize");
        else if (p_double(p, p->k)) {
            p->k--;
            char c = p->b[p->k];
            if (c == 'l' || c == 's' || c == 'z')
                p->k++;
        } else {
            p->j = p->k;
            if (p_m(p) == 1 && p_cvc(p, p->k))
                p_setto(p, "e");
        }
    }
}

/* Terminal y to i when there is another vowel in the stem. */
static void p_step1c(porter *p)
{
    if (p_ends(p, "y") && p_vowel_in_stem(p))
        p->b[p->k] = 'i';
}

/* Double suffixes to single ones: -ization -> -ize, -ational -> -ate. */
static void p_step2(porter *p)
{
    static const rewrite rules[] = {
        { "ational", "ate" }, { "tional", "tion" }, { "enci", "ence" },   { "anci", "ance" },
        { "izer", "ize" },    { "bli", "ble" },     { "alli", "al" },     { "entli", "ent" },
        { "eli", "e" },       { "ousli", "ous" },   { "ization", "ize" }, { "ation", "ate" },
        { "ator", "ate" },    { "alism", "al" },    { "iveness", "ive" }, { "fulness", "ful" },
        { "ousness", "ous" }, { "aliti", "al" },    { "iviti", "ive" },   { "biliti", "ble" },
        { "logi", "log" },
    };
    if (p->k < 1)
        return;
    for (size_t i = 0; i < COUNT(rules); i++)
        if (p_ends(p, rules[i].from)) {
            p_r(p, rules[i].to);
            return;
        }
}

/* -ic-, -full, -ness and the like. */
static void p_step3(porter *p)
{
    static const rewrite rules[] = {
        { "icate", "ic" }, { "ative", "" }, { "alize", "al" }, { "iciti", "ic" },
        { "ical", "ic" },  { "ful", "" },   { "ness", "" },
    };
    for (size_t i = 0; i < COUNT(rules); i++)
        if (p_ends(p, rules[i].from)) {
            p_r(p, rules[i].to);
            return;
        }
}

/* -ant, -ence and other suffixes, when the stem is long enough (m > 1). */
static void p_step4(porter *p)
{
    static const char *const suffixes[] = {
        "al",  "ance", "ence", "er",  "ic",  "able", "ible", "ant", "ement", "ment",
        "ent", "ion",  "ou",   "ism", "ate", "iti",  "ous",  "ive", "ize",
    };
    if (p->k < 1)
        return;
    for (size_t i = 0; i < COUNT(suffixes); i++) {
        if (!p_ends(p, suffixes[i]))
            continue;
        if (strcmp(suffixes[i], "ion") == 0 &&
            !(p->j >= 0 && (p->b[p->j] == 's' || p->b[p->j] == 't')))
            return;
        if (p_m(p) > 1)
            p->k = p->j;
        return;
    }
}

/* A final -e, and -ll to -l, on long stems. */
static void p_step5(porter *p)
{
    p->j = p->k;
    if (p->b[p->k] == 'e') {
        int a = p_m(p);
        if (a > 1 || (a == 1 && !p_cvc(p, p->k - 1)))
            p->k--;
    }
    if (p->b[p->k] == 'l' && p_double(p, p->k) && p_m(p) > 1)
        p->k--;
}

size_t ai_text_stem(const char *word, char *out, size_t outlen)
{
    size_t n = strnlen(word, AI_TEXT_WORD_MAX);
    porter p;
    memcpy(p.b, word, n);
    p.b[n] = '\0';
    /* Possessives: "team's" -> "team", "teams'" -> "teams". */
    if (n > 2 && p.b[n - 2] == '\'' && p.b[n - 1] == 's')
        n -= 2;
    else if (n > 1 && p.b[n - 1] == '\'')
        n--;
    p.b[n] = '\0';
    /* "ties" -> "tie", as "tie" stays "tie" (Porter would give "ti"). */
    if (n == 4 && memcmp(p.b + 1, "ies", 3) == 0)
        p.b[--n] = '\0';
    bool letters = n > 2;
    for (size_t i = 0; i < n && letters; i++)
        letters = p.b[i] >= 'a' && p.b[i] <= 'z';
    if (letters) {
        p.k = (int)n - 1;
        p.j = 0;
        p_step1ab(&p);
        if (p.k > 0) {
            p_step1c(&p);
            p_step2(&p);
            p_step3(&p);
            p_step4(&p);
            p_step5(&p);
        }
        n = (size_t)p.k + 1;
    }
    return join3(out, outlen, p.b, n, NULL, NULL);
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

/* Decodes the UTF-8 character at s[i] (i < n) into *cp and returns its length; an invalid or
 * truncated sequence is one byte long and decodes as U+FFFD. */
static size_t utf8_next(const unsigned char *s, size_t n, size_t i, uint32_t *cp)
{
    unsigned char c = s[i];
    size_t len;
    uint32_t v, min;
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2, v = c & 0x1Fu, min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3, v = c & 0x0Fu, min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4, v = c & 0x07u, min = 0x10000;
    } else {
        *cp = 0xFFFD;
        return 1;
    }
    if (i + len > n) {
        *cp = 0xFFFD;
        return 1;
    }
    for (size_t k = 1; k < len; k++) {
        if ((s[i + k] & 0xC0u) != 0x80u) {
            *cp = 0xFFFD;
            return 1;
        }
        v = (v << 6) | (s[i + k] & 0x3Fu);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) {
        *cp = 0xFFFD;
        return 1;
    }
    *cp = v;
    return len;
}

static size_t utf8_put(uint32_t cp, char *out)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
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

/* ---- lexicon ------------------------------------------------------------------------------- */

#define GROUP_MAX 10

/* Synonym groups: words and phrases that show the same point. The first single word of a group
 * is its canonical form; every other single word is stemmed to it, and phrases become variants
 * of the terms that contain a member. Kept general: the same words mean the same thing in any
 * question of any role. */
static const char *const synonym_groups[][GROUP_MAX] = {
    { "database", "db" },
    { "kubernetes", "k8s" },
    { "postgresql", "postgres" },
    { "javascript", "js" },
    { "latency", "lag", "response time" },
    { "customer", "client" },
    { "colleague", "coworker", "teammate", "co worker", "team member" },
    { "manager", "boss", "supervisor", "line manager" },
    { "test", "verify" },
    { "mistake", "error", "blunder", "slip up" },
    { "fail", "failure", "broke", "broken", "went wrong", "fell through" },
    { "problem", "issue" },
    { "goal", "aim" },
    { "result", "outcome", "as a result", "led to", "resulting in" },
    { "learn", "lesson", "takeaway", "realize", "taught me", "took away" },
    { "improve", "enhance", "get better", "getting better" },
    { "reduce", "decrease", "shrink", "minimize", "cut down" },
    { "increase", "boost" },
    { "fast", "quick", "rapid", "speedy" },
    { "decide", "decision", "choose", "choice", "chose", "chosen" },
    { "disagree", "disagreement", "conflict", "clash", "dispute" },
    { "responsible", "responsibility", "accountable", "accountability" },
    { "priority", "prioritize", "prioritization" },
    { "analyze", "analysis" },
    { "hypothesis", "hypotheses", "hypothesize" },
    { "automate", "automation", "automatic", "automatically" },
    { "scale", "scalability", "scalable" },
    { "reliable", "reliability" },
    { "available", "availability" },
    { "complex", "complicated", "intricate" },
    { "ambiguous", "ambiguity", "unclear", "vague", "undefined" },
    { "frustrated", "frustration", "angry", "upset", "annoyed", "furious" },
    { "help", "assist" },
    { "fix", "repair", "resolve", "solve", "solution" },
    { "launch", "ship", "roll out", "rolled out", "go live", "went live" },
    { "metric", "kpi", "key performance indicator" },
    { "deadline", "due date" },
    { "requirement", "spec", "specification" },
    { "documentation", "docs" },
    { "configuration", "config" },
    { "environment", "env" },
    { "repository", "repo" },
    { "application", "app" },
    { "authentication", "auth" },
    { "performance", "perf" },
    { "machine learning", "ml" },
    { "artificial intelligence", "ai" },
    { "continuous integration", "ci" },
    { "user interface", "ui" },
    { "user experience", "ux" },
    { "roi", "payback", "return on investment", "pay off", "paid off", "pays off" },
    { "sla", "service level agreement" },
    { "nps", "net promoter score" },
    { "csat", "customer satisfaction" },
    { "qa", "quality assurance" },
    { "crm", "customer relationship management" },
    { "seo", "search engine optimization" },
    { "ctr", "click through rate" },
    { "cac", "customer acquisition cost" },
    { "ltv", "clv", "lifetime value", "customer lifetime value" },
    { "ehr", "emr", "electronic health record", "electronic medical record" },
    { "cdn", "content delivery network" },
    { "experiment", "a b test", "ab test", "split test" },
    { "private", "privately", "one on one", "1 1", "1 on 1", "one to one" },
    { "personally", "physically", "in person", "face to face" },
    { "root cause", "underlying cause" },
    { "tradeoff", "trade off" },
    { "percent", "percentage", "pct" },
    { "p99", "99th percentile", "tail latency" },
    { "cross functional", "cross team", "across teams", "across departments" },
    { "initiative", "proactive", "proactively", "without being asked", "nobody asked",
      "nobody had asked", "no one asked", "no one had asked" },
    { "since then", "now i", "ever since", "going forward", "from then on", "these days",
      "i still" },
    { "next time", "in future", "in the future", "going forward" },
    { "time saved", "saved time", "saves time", "hours saved", "saved hours" },
    { "my role", "my job", "my part", "my contribution", "i was responsible", "responsible for",
      "i owned", "i was in charge" },
    { "looking for", "seeking", "searching for" },
    { "seek feedback", "ask for feedback", "asked for feedback", "asking for feedback" },
    { "excited", "enthusiastic", "eager", "keen" },
    { "strength", "strong at", "good at" },
    { "legacy", "outdated", "old system" },
    { "slow", "sluggish" },
    { "churn", "attrition" },
    { "cost", "expense" },
    { "employee", "staff" },
    { "recognize", "recognition", "praise", "commend" },
    { "discrepancy", "mismatch", "inconsistency" },
    { "stuck", "blocked", "no progress", "without progress" },
    { "risk", "danger", "hazard", "harm" },
    { "difficult", "challenging", "tough" },
    { "unpopular", "controversial" },
    { "pushback", "resist", "resistance", "oppose", "opposition", "push back" },
    { "time zone", "timezone" },
    { "notice", "observe", "spot", "spotted" },
    { "idea", "suggestion" },
    { "necessary", "needed" },
    { "regular", "periodic", "recurring", "weekly", "monthly", "daily", "biweekly" },
    { "confirm", "double check", "cross check" },
    { "measure", "quantify", "profile" },
    { "trust", "confidence" },
    { "perspective", "viewpoint", "point of view" },
    { "compromise", "middle ground", "meet halfway" },
    { "workload", "work load" },
    { "uneven", "unequal", "imbalance", "imbalanced" },
    { "hashmap", "hashtable", "dictionary", "dict", "hash map", "hash table" },
    { "linear", "o(n)" },
    { "quadratic", "o(n^2)", "o(n2)", "n squared" },
    { "memory", "ram" },
    { "garbage collector", "gc", "garbage collection" },
    { "stakeholder", "business partner" },
    { "report", "writeup", "write up" },
    { "listen", "hear out", "heard out" },
    { "incomplete", "partial" },
    { "request", "asked to", "asked me to", "asked us to", "was asked" },
    { "reject", "rejection", "turned down" },
    { "believe", "belief", "convinced" },
    { "merger", "merge" },
    { "shortfall", "fell short", "short of" },
    { "executive", "exec", "ceo", "cfo", "cto", "coo", "c suite", "c level" },
    { "struggle", "found it hard", "find it hard", "found it difficult", "find it difficult" },
    { "feedback", "pointed out", "pointed this out", "pointed it out" },
    { "this role", "this position", "this job" },
    { "this team", "your team" },
    { "also bring", "i'd add", "i would add", "i bring", "i can bring" },
    { "what i know", "what i do know" },
    { "long term", "longer term", "long run" },
    { "deliver", "delivery" },
    { "recover", "recovery", "rollback", "revert", "roll back", "rolled back" },
    { "discover", "discovery" },
    { "limit", "maximum", "max", "cap" },
    { "sanitize", "neutralize" },
    { "missing at random", "missing completely at random" },
    { "leak", "leakage" },
    { "cycle", "circular" },
    { "incident", "outage" },
};

typedef struct {
    const char *stem, *canon;
    size_t order;
} syn_pair;

typedef struct {
    ai_text_phrase p;
    size_t group;
} syn_phrase;

struct ai_text_lexicon {
    syn_pair *pairs; /* sorted by stem */
    size_t npairs;
    syn_phrase *phrases; /* in group order */
    size_t nphrases;
};

static int cmp_pair(const void *a, const void *b)
{
    const syn_pair *x = a, *y = b;
    int c = strcmp(x->stem, y->stem);
    return c != 0 ? c : (x->order > y->order) - (x->order < y->order);
}

const char *ai_text_synonym(const ai_text_lexicon *lx, const char *stem)
{
    if (lx == NULL || lx->npairs == 0)
        return stem;
    size_t lo = 0, hi = lx->npairs;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(lx->pairs[mid].stem, stem);
        if (c == 0)
            return lx->pairs[mid].canon;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return stem;
}

static bool phrase_same(const ai_text_phrase *a, const ai_text_phrase *b)
{
    if (a->n != b->n)
        return false;
    for (size_t i = 0; i < a->n; i++)
        if (strcmp(a->stems[i], b->stems[i]) != 0)
            return false;
    return true;
}

/* Fills a phrase from the first AI_TEXT_TERM_WORDS tokens of t. */
static void phrase_from(const ai_text *t, ai_text_phrase *p)
{
    p->n = t->n < AI_TEXT_TERM_WORDS ? t->n : AI_TEXT_TERM_WORDS;
    for (size_t i = 0; i < p->n; i++) {
        p->words[i] = t->v[i].word;
        p->stems[i] = t->v[i].stem;
    }
}

/* Single words: each one's plain stem points at its group's first single word, whose stem is
 * written to canon[g] (NULL for a group of phrases only). */
static int lexicon_words(arena *a, ai_text_lexicon *lx, const char **canon)
{
    for (size_t g = 0; g < COUNT(synonym_groups); g++) {
        canon[g] = NULL;
        for (size_t m = 0; m < GROUP_MAX && synonym_groups[g][m] != NULL; m++) {
            ai_text t;
            int rc = ai_text_tokenize(a, NULL, synonym_groups[g][m], &t);
            if (rc != IA_OK)
                return rc;
            if (t.n != 1)
                continue;
            if (canon[g] == NULL) {
                canon[g] = t.v[0].stem;
            } else if (strcmp(t.v[0].stem, canon[g]) != 0) {
                lx->pairs[lx->npairs] = (syn_pair){ t.v[0].stem, canon[g], lx->npairs };
                lx->npairs++;
            }
        }
    }
    qsort(lx->pairs, lx->npairs, sizeof(syn_pair), cmp_pair);
    return IA_OK;
}

/* The table is consistent when no stem belongs to two groups: Porter gives "objection" and
 * "objective" one stem, so they cannot sit in different groups. IA_ERR_INTERNAL otherwise. */
static int lexicon_check(const ai_text_lexicon *lx, const char **canon)
{
    for (size_t i = 1; i < lx->npairs; i++)
        if (strcmp(lx->pairs[i - 1].stem, lx->pairs[i].stem) == 0 &&
            strcmp(lx->pairs[i - 1].canon, lx->pairs[i].canon) != 0)
            return IA_ERR_INTERNAL;
    for (size_t g = 0; g < COUNT(synonym_groups); g++) {
        if (canon[g] == NULL)
            continue;
        if (ai_text_synonym(lx, canon[g]) != canon[g])
            return IA_ERR_INTERNAL;
        for (size_t h = 0; h < g; h++)
            if (canon[h] != NULL && strcmp(canon[h], canon[g]) == 0)
                return IA_ERR_INTERNAL;
    }
    return IA_OK;
}

/* Phrases: every member of a group that has a phrase, stemmed through the single words. */
static int lexicon_phrases(arena *a, ai_text_lexicon *lx)
{
    for (size_t g = 0; g < COUNT(synonym_groups); g++) {
        size_t first = lx->nphrases;
        bool multi = false;
        for (size_t m = 0; m < GROUP_MAX && synonym_groups[g][m] != NULL; m++) {
            ai_text t;
            int rc = ai_text_tokenize(a, lx, synonym_groups[g][m], &t);
            if (rc != IA_OK)
                return rc;
            if (t.n == 0)
                continue;
            multi = multi || t.n > 1;
            syn_phrase sp = { .group = g };
            phrase_from(&t, &sp.p);
            bool dup = false;
            for (size_t k = first; k < lx->nphrases && !dup; k++)
                dup = phrase_same(&lx->phrases[k].p, &sp.p);
            if (!dup)
                lx->phrases[lx->nphrases++] = sp;
        }
        if (!multi)
            lx->nphrases = first; /* single words only: the stems already say it */
    }
    return IA_OK;
}

int ai_text_lexicon_build(arena *a, const ai_text_lexicon **out)
{
    ai_text_lexicon *lx = arena_calloc(a, 1, sizeof(*lx));
    const char **canon = arena_calloc(a, COUNT(synonym_groups), sizeof(char *));
    size_t members = COUNT(synonym_groups) * GROUP_MAX;
    if (lx == NULL || canon == NULL ||
        (lx->pairs = arena_calloc(a, members, sizeof(syn_pair))) == NULL ||
        (lx->phrases = arena_calloc(a, members, sizeof(syn_phrase))) == NULL)
        return IA_ERR_NOMEM;
    int rc = lexicon_words(a, lx, canon);
    if (rc == IA_OK)
        rc = lexicon_check(lx, canon);
    if (rc == IA_OK)
        rc = lexicon_phrases(a, lx);
    if (rc == IA_OK)
        *out = lx;
    return rc;
}

/* ---- tokeniser ----------------------------------------------------------------------------- */

typedef struct {
    arena *a;
    const ai_text_lexicon *lx;
    ai_text_token *v; /* NULL while counting */
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
    return (letter && sc->last[1] == '\0') || in_list(list, COUNT(list), sc->last);
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
        ai_text_stem(spelled, stem, sizeof(stem));
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
        if (in_sorted(number_words, COUNT(number_words), t->word))
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
    join3(sc->last, sizeof(sc->last), word, wlen < sizeof(sc->last) ? wlen : 0, NULL, NULL);
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
            size_t el = utf8_put(lower_cp(cp), enc);
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
    if ((sc.v = arena_calloc(a, count, sizeof(ai_text_token))) == NULL)
        return IA_ERR_NOMEM;
    scan(&sc, s, n);
    if (sc.rc != IA_OK)
        return sc.rc;
    out->v = sc.v;
    out->n = sc.n < count ? sc.n : count;
    out->nsentences = sc.sentence + (sc.has_words ? 1u : 0u);
    return IA_OK;
}

/* ---- terms --------------------------------------------------------------------------------- */

int ai_text_term_compile(arena *a, const ai_text_lexicon *lx, const char *term, ai_text_term *out)
{
    *out = (ai_text_term){ .text = term };
    ai_text t;
    int rc = ai_text_tokenize(a, lx, term, &t);
    if (rc != IA_OK)
        return rc;
    if (t.n == 0)
        return IA_ERR_INVALID;
    ai_text_phrase *base = &out->variants[0];
    phrase_from(&t, base);
    out->nvariants = 1;
    if (lx == NULL)
        return IA_OK;
    /* Each synonym phrase found in the term gives variants with the other members in its
     * place ("p99 latency" -> "p99 response time"). */
    for (size_t i = 0; i < lx->nphrases; i++) {
        const ai_text_phrase *p = &lx->phrases[i].p;
        for (size_t at = 0; at + p->n <= base->n; at++) {
            bool here = true;
            for (size_t k = 0; k < p->n && here; k++)
                here = strcmp(base->stems[at + k], p->stems[k]) == 0;
            if (!here)
                continue;
            for (size_t q = 0; q < lx->nphrases; q++) {
                const ai_text_phrase *alt = &lx->phrases[q].p;
                if (lx->phrases[q].group != lx->phrases[i].group || q == i ||
                    base->n - p->n + alt->n > AI_TEXT_TERM_WORDS ||
                    out->nvariants == AI_TEXT_VARIANTS_MAX)
                    continue;
                ai_text_phrase v = { .n = 0 };
                for (size_t k = 0; k < at; k++, v.n++)
                    v.words[v.n] = base->words[k], v.stems[v.n] = base->stems[k];
                for (size_t k = 0; k < alt->n; k++, v.n++)
                    v.words[v.n] = alt->words[k], v.stems[v.n] = alt->stems[k];
                for (size_t k = at + p->n; k < base->n; k++, v.n++)
                    v.words[v.n] = base->words[k], v.stems[v.n] = base->stems[k];
                bool dup = false;
                for (size_t k = 0; k < out->nvariants && !dup; k++)
                    dup = phrase_same(&out->variants[k], &v);
                if (!dup)
                    out->variants[out->nvariants++] = v;
            }
        }
    }
    return IA_OK;
}

/* What may follow a truncated term word in the word it begins: "responsib" + "ility",
 * "priorit" + "ization", "analy" + "sis"; not "event" + "ual" or "count" + "ry". */
static const char *const suffixes[] = {
    "e",     "es",      "ed",      "ing",      "ings",    "ion",    "ions",   "ional",   "ive",
    "ively", "ivity",   "y",       "ies",      "ied",     "ity",    "ities",  "ize",     "ized",
    "izes",  "izing",   "ization", "izations", "le",      "ly",     "ility",  "ilities", "ably",
    "ibly",  "able",    "ible",    "ability",  "ibility", "is",     "ys",     "sis",     "ses",
    "st",    "sts",     "ze",      "zed",      "zing",    "zes",    "zation", "tic",     "tics",
    "tical", "tically", "ic",      "ics",      "ical",    "ically", "ance",   "ence",    "ancy",
    "ency",  "ant",     "ent",     "er",       "ers",     "or",     "ors",    "al",      "ally",
    "ation", "ations",  "ate",     "ated",     "ates",    "ating",  "ator",   "ators",   "ory",
    "ure",   "ures",    "ured",    "uring",    "ness",    "ful",    "fully",  "ous",     "ously",
    "ist",   "ists",    "ism",     "iation",   "iations", "iate",   "iated",  "iating",  "s",
};

/* True when a term word (its written form and stem) matches a token: same stem, or a term
 * word of five letters or more that begins the token's word before a suffix ("responsib" ->
 * "responsibility"), or stems of six letters or more one of which begins the other with at
 * most two letters more ("reconcil", "reconcili"). */
static bool word_matches(const char *word, const char *stem, const ai_text_token *tok)
{
    if (strcmp(stem, tok->stem) == 0)
        return true;
    if (tok->flags & AI_TEXT_NUMBER)
        return false;
    size_t wl = strlen(word), tl = strlen(tok->word);
    if (wl >= PREFIX_MIN && tl > wl && memcmp(tok->word, word, wl) == 0 &&
        in_list(suffixes, COUNT(suffixes), tok->word + wl))
        return true;
    size_t sl = strlen(stem), ul = strlen(tok->stem);
    const char *shorter = sl <= ul ? stem : tok->stem, *longer = sl <= ul ? tok->stem : stem;
    size_t a = sl <= ul ? sl : ul, b = sl <= ul ? ul : sl;
    return a >= STEM_PREFIX_MIN && b - a <= 2 && memcmp(shorter, longer, a) == 0;
}

static bool phrase_at(const ai_text *t, const ai_text_phrase *p, size_t i)
{
    if (p->n == 0 || i + p->n > t->n)
        return false;
    for (size_t k = 0; k < p->n; k++)
        if (!word_matches(p->words[k], p->stems[k], &t->v[i + k]))
            return false;
    return true;
}

long ai_text_find(const ai_text *t, const ai_text_term *term, size_t from, size_t *len)
{
    for (size_t i = from; i < t->n; i++)
        for (size_t v = 0; v < term->nvariants; v++)
            if (phrase_at(t, &term->variants[v], i)) {
                if (len != NULL)
                    *len = term->variants[v].n;
                return (long)i;
            }
    return -1;
}

bool ai_text_contains(arena *a, const ai_text_lexicon *lx, const ai_text *t, const char *term)
{
    ai_text_term c;
    return ai_text_term_compile(a, lx, term, &c) == IA_OK && ai_text_find(t, &c, 0, NULL) >= 0;
}

/* ---- cues ---------------------------------------------------------------------------------- */

typedef struct {
    char words[CUE_WORDS][AI_TEXT_WORD_MAX + 1];
    size_t n;
} cue_words;

static void cue_split(const char *cue, cue_words *out)
{
    out->n = 0;
    const char *p = cue;
    while (*p != '\0' && out->n < CUE_WORDS) {
        while (*p == ' ')
            p++;
        size_t l = strcspn(p, " ");
        if (l == 0)
            break;
        join3(out->words[out->n++], AI_TEXT_WORD_MAX + 1, p, l, NULL, NULL);
        p += l;
    }
}

static bool cue_at(const ai_text *t, const cue_words *c, size_t i)
{
    if (c->n == 0 || i + c->n > t->n)
        return false;
    for (size_t k = 0; k < c->n; k++) {
        const char *w = c->words[k], *tw = t->v[i + k].word;
        size_t l = strlen(w);
        if (l > 1 && w[l - 1] == '*') {
            if (strncmp(tw, w, l - 1) != 0)
                return false;
        } else if (strcmp(tw, w) != 0) {
            return false;
        }
    }
    return true;
}

/* Decides whether the occurrence of cue number `which` at token i counts. */
typedef bool (*cue_filter)(const ai_text *t, size_t which, size_t i, size_t n);

/* Adds a found cue to hits, kept in order of first occurrence and cut at max. */
static size_t hits_insert(ai_text_hit *hits, size_t nhits, size_t max, ai_text_hit h)
{
    size_t at = nhits;
    while (at > 0 && hits[at - 1].first > h.first)
        at--;
    if (at >= max)
        return nhits;
    size_t keep = nhits < max ? nhits : max - 1;
    memmove(hits + at + 1, hits + at, (keep - at) * sizeof(*hits));
    hits[at] = h;
    return keep + 1;
}

static size_t scan_cues(const ai_text *t, const char *const *cues, size_t ncues, cue_filter ok,
                        ai_text_hit *hits, size_t max, size_t *total)
{
    size_t nhits = 0, all = 0;
    for (size_t c = 0; c < ncues; c++) {
        cue_words cw;
        cue_split(cues[c], &cw);
        ai_text_hit h = { .cue = cues[c] };
        for (size_t i = 0; i < t->n; i++)
            if (cue_at(t, &cw, i) && (ok == NULL || ok(t, c, i, cw.n))) {
                if (h.count++ == 0)
                    h.first = i;
                h.last = i;
            }
        all += h.count;
        if (h.count > 0 && hits != NULL && max > 0)
            nhits = hits_insert(hits, nhits, max, h);
    }
    if (total != NULL)
        *total = all;
    return nhits;
}

size_t ai_text_cues(const ai_text *t, const char *const *cues, size_t ncues, ai_text_hit *hits,
                    size_t max, size_t *total)
{
    return scan_cues(t, cues, ncues, NULL, hits, max, total);
}

static const char *const filler_cues[] = {
    "um",     "umm",  "ummm",      "uh",        "uhh",     "uhm",       "erm",
    "hmm",    "hmmm", "basically", "literally", "totally", "you know",  "y'know",
    "i mean", "like", "er",        "ah",        "so yeah", "and stuff", "or whatever",
};

static bool word_in(const char *w, const char *const *list, size_t n)
{
    return in_list(list, n, w);
}

/* "like" is a filler as a pause ("it was, like, slow") or after another filler or
 * conjunction, not as a verb or in "like Redis"; "you know" and "I mean" when set off by a
 * pause; "er" and "ah" only in lower case ("ER" is a ward). */
static bool filler_ok(const ai_text *t, size_t which, size_t i, size_t n)
{
    const char *cue = filler_cues[which];
    const ai_text_token *tok = &t->v[i], *last = &t->v[i + n - 1];
    if (strcmp(cue, "like") == 0) {
        static const char *const before[] = {
            "um", "uh", "like", "and", "so", "but", "was", "were"
        };
        if (last->flags & AI_TEXT_PAUSE_AFTER)
            return true;
        return i > 0 && t->v[i - 1].sentence == tok->sentence &&
               word_in(t->v[i - 1].word, before, COUNT(before));
    }
    if (strcmp(cue, "you know") == 0 || strcmp(cue, "i mean") == 0) {
        bool at_end = i + n >= t->n || t->v[i + n].sentence != tok->sentence;
        return (last->flags & AI_TEXT_PAUSE_AFTER) || (tok->flags & AI_TEXT_PAUSE_BEFORE) ||
               at_end || ((tok->flags & AI_TEXT_SENT_START) && strcmp(cue, "i mean") == 0);
    }
    if (strcmp(cue, "er") == 0 || strcmp(cue, "ah") == 0)
        return t->text[tok->start] >= 'a' && t->text[tok->start] <= 'z';
    return true;
}

size_t ai_text_fillers(const ai_text *t, ai_text_hit *hits, size_t max, size_t *total)
{
    return scan_cues(t, filler_cues, COUNT(filler_cues), filler_ok, hits, max, total);
}

static const char *const hedge_cues[] = {
    "i think",      "i guess",      "maybe",     "perhaps",  "probably",
    "i believe",    "i suppose",    "i assume",  "not sure", "i feel like",
    "or something", "somehow",      "hopefully", "sort of",  "kind of",
    "more or less", "i don't know", "i'd say",   "kinda",    "sorta",
};

/* "sort of" and "kind of" hedge, except after a determiner ("this kind of problem"). */
static bool hedge_ok(const ai_text *t, size_t which, size_t i, size_t n)
{
    (void)n;
    const char *cue = hedge_cues[which];
    if (strcmp(cue, "sort of") != 0 && strcmp(cue, "kind of") != 0)
        return true;
    static const char *const determiners[] = { "a",     "the",   "this", "that",   "what",  "which",
                                               "any",   "some",  "same", "every",  "each",  "no",
                                               "these", "those", "one",  "that's", "what's" };
    return i == 0 || !word_in(t->v[i - 1].word, determiners, COUNT(determiners));
}

size_t ai_text_hedges(const ai_text *t, ai_text_hit *hits, size_t max, size_t *total)
{
    return scan_cues(t, hedge_cues, COUNT(hedge_cues), hedge_ok, hits, max, total);
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
        if ((*unit != '\0' && in_list(time_units, COUNT(time_units), unit)) ||
            (*unit == '\0' && in_list(time_units, COUNT(time_units), next)))
            out->durations++;
        if ((k->flags & AI_TEXT_MONEY) || in_list(currency_words, COUNT(currency_words), next))
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
