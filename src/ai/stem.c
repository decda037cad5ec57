/* Stemming and spelling of the offline engine's text layer (docs/design.md "AI"): British
 * spellings turned American ("optimise" -> "optimize"), then the Snowball English stemmer
 * (libstemmer, Debian libstemmer0d), and a German Snowball stemmer for the resume parser.
 *
 * A Snowball stemmer is not thread-safe (it keeps its working buffers inside), and the engine
 * runs on every handler thread. So no stemmer is shared: ai_text_tokenize makes one for the
 * length of its call (creating and freeing one costs well under a microsecond, against several
 * microseconds for the words of even a short answer), and ai_text_stem and ai_text_stem_lang
 * make one per call. Nothing here is global or mutable. */
#include <libstemmer.h>
#include <string.h>

#include "ai/text_private.h"
#include "ai/textutil.h"
#include "core/errors.h"

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

/* Rewrites an "-ise"/"-yse" ending when the word is one that American English spells "-ize". */
static bool rewrite_ise(const char *w, size_t n, char *out, size_t outlen, size_t *len)
{
    for (size_t i = 0; i < COUNT(yse_endings); i++)
        if (ends_with(w, n, yse_endings[i].from) && n - strlen(yse_endings[i].from) >= 2) {
            *len = ai_text_join(out, outlen, w, n - strlen(yse_endings[i].from), yse_endings[i].to,
                                NULL);
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
        *len = ai_text_join(out, outlen, w, stem, ise_endings[i].to, NULL);
        return true;
    }
    return false;
}

size_t ai_text_spelling(const char *word, char *out, size_t outlen)
{
    size_t n = strlen(word), len = 0;
    for (size_t i = 0; i < COUNT(spelling_words); i++)
        if (strcmp(word, spelling_words[i].from) == 0)
            return ai_text_join(out, outlen, spelling_words[i].to, strlen(spelling_words[i].to),
                                NULL, NULL);
    for (size_t i = 0; i < COUNT(spelling_prefixes); i++) {
        size_t k = strlen(spelling_prefixes[i].from);
        if (n >= k && memcmp(word, spelling_prefixes[i].from, k) == 0)
            return ai_text_join(out, outlen, spelling_prefixes[i].to,
                                strlen(spelling_prefixes[i].to), word + k, NULL);
    }
    for (size_t i = 0; i < COUNT(our_words); i++) {
        size_t k = strlen(our_words[i]);
        if (n >= k && memcmp(word, our_words[i], k) == 0) /* "colourful" -> "colorful" */
            return ai_text_join(out, outlen, word, k - 2, word + k - 1, NULL);
    }
    for (size_t i = 0; i < COUNT(re_stems); i++) {
        size_t k = strlen(re_stems[i]);
        if (n < k + 1 || n > k + 2 || memcmp(word, re_stems[i], k) != 0 || word[k] != 'e')
            continue;
        const char *rest = word + k + 1; /* "centre", "centres", "centred" */
        if (*rest == '\0' || strcmp(rest, "s") == 0 || strcmp(rest, "d") == 0)
            return ai_text_join(out, outlen, word, k - 1, "er", *rest == 'd' ? "ed" : rest);
    }
    for (size_t i = 0; i < COUNT(ll_stems); i++) {
        size_t k = strlen(ll_stems[i]);
        if (n > k + 1 && memcmp(word, ll_stems[i], k) == 0 && word[k] == 'l') {
            const char *rest = word + k + 1;
            if (strcmp(rest, "ing") == 0 || strcmp(rest, "ed") == 0 || strcmp(rest, "er") == 0 ||
                strcmp(rest, "ers") == 0 || strcmp(rest, "ings") == 0)
                return ai_text_join(out, outlen, word, k, rest, NULL);
        }
    }
    if (rewrite_ise(word, n, out, outlen, &len))
        return len;
    return ai_text_join(out, outlen, word, n, NULL, NULL);
}

/* ---- Snowball stemmer ---------------------------------------------------------------------- */

struct sb_stemmer *ai_text_stemmer_new(void)
{
    return sb_stemmer_new("english", "UTF_8");
}

void ai_text_stemmer_free(struct sb_stemmer *sb)
{
    if (sb != NULL)
        sb_stemmer_delete(sb);
}

/* The Snowball stem of w[0..n) into out; w unchanged when the stemmer fails (out of memory). */
static size_t snowball(struct sb_stemmer *sb, const char *w, size_t n, char *out, size_t outlen)
{
    const sb_symbol *s = sb_stemmer_stem(sb, (const sb_symbol *)w, (int)n);
    if (s == NULL)
        return ai_text_join(out, outlen, w, n, NULL, NULL);
    return ai_text_join(out, outlen, (const char *)s, (size_t)sb_stemmer_length(sb), NULL, NULL);
}

size_t ai_text_stem_with(struct sb_stemmer *sb, const char *word, char *out, size_t outlen)
{
    char b[AI_TEXT_WORD_MAX + 1];
    size_t n = strnlen(word, AI_TEXT_WORD_MAX);
    memcpy(b, word, n);
    b[n] = '\0';
    /* Possessives: "team's" -> "team", "teams'" -> "teams". */
    if (n > 2 && b[n - 2] == '\'' && b[n - 1] == 's')
        n -= 2;
    else if (n > 1 && b[n - 1] == '\'')
        n--;
    b[n] = '\0';
    /* Words with digits, other apostrophes or non-ASCII letters, and words of one or two
     * letters, are left as they are ("p99", "don't", "ml"). */
    bool letters = n > 2;
    for (size_t i = 0; i < n && letters; i++)
        letters = b[i] >= 'a' && b[i] <= 'z';
    if (!letters || sb == NULL)
        return ai_text_join(out, outlen, b, n, NULL, NULL);
    return snowball(sb, b, n, out, outlen);
}

size_t ai_text_stem(const char *word, char *out, size_t outlen)
{
    struct sb_stemmer *sb = ai_text_stemmer_new();
    size_t n = ai_text_stem_with(sb, word, out, outlen);
    ai_text_stemmer_free(sb);
    return n;
}

int ai_text_stem_lang(const char *lang, const char *word, char *out, size_t outlen)
{
    static const struct {
        const char *code, *name;
    } langs[] = { { "en", "english" }, { "de", "german" } };
    const char *name = NULL;
    for (size_t i = 0; lang != NULL && i < COUNT(langs) && name == NULL; i++)
        if (strcmp(lang, langs[i].code) == 0 || strcmp(lang, langs[i].name) == 0)
            name = langs[i].name;
    if (name == NULL || word == NULL || outlen == 0)
        return IA_ERR_INVALID;
    if (strcmp(name, "english") == 0) {
        ai_text_stem(word, out, outlen);
        return IA_OK;
    }
    struct sb_stemmer *sb = sb_stemmer_new(name, "UTF_8");
    if (sb == NULL)
        return IA_ERR_NOMEM;
    snowball(sb, word, strnlen(word, AI_TEXT_WORD_MAX), out, outlen);
    sb_stemmer_delete(sb);
    return IA_OK;
}
