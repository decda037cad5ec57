/* The WordNet reader of the offline engine (ai/wordnet.h; formats in wndb(5)). Index and
 * exception files are read whole (a few megabytes, freed after loading) and searched by
 * bisection over their sorted lines; synsets are read by offset from the data files with
 * pread, one line each. Nothing is kept but the pairs written to the caller's arena. */
#include "ai/wordnet.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ai/text_private.h"
#include "ai/textutil.h"
#include "core/errors.h"

#define FILE_MAX       (32u * 1024u * 1024u) /* bytes of one index or exception file */
#define DATA_LINE_READ 4096                  /* bytes read of a synset's data line */
#define WORD_MIN       3                     /* letters of the shortest synonym kept */

/* ---- line parsers -------------------------------------------------------------------------- */

typedef struct {
    const char *p, *end;
} cursor;

/* The next space-separated field of the line, or false at its end. */
static bool field(cursor *c, const char **f, size_t *flen)
{
    while (c->p < c->end && *c->p == ' ')
        c->p++;
    if (c->p >= c->end)
        return false;
    *f = c->p;
    while (c->p < c->end && *c->p != ' ')
        c->p++;
    *flen = (size_t)(c->p - *f);
    return true;
}

/* A decimal (base 10) or hexadecimal (base 16) field of at most 9 digits, or -1. */
static long number(const char *f, size_t len, int base)
{
    if (len == 0 || len > 9)
        return -1;
    long v = 0;
    for (size_t i = 0; i < len; i++) {
        int d = f[i] >= '0' && f[i] <= '9'                 ? f[i] - '0'
                : base == 16 && f[i] >= 'a' && f[i] <= 'f' ? f[i] - 'a' + 10
                                                           : -1;
        if (d < 0)
            return -1;
        v = v * base + d;
    }
    return v;
}

/* A part of speech or synset type: n, v, a, s (adjective satellite) or r. */
static bool pos_char(char c)
{
    return c != '\0' && strchr("nvasr", c) != NULL;
}

static bool copy_lemma(char *out, const char *f, size_t len)
{
    if (len == 0 || len > AI_WORDNET_LEMMA_MAX || memchr(f, '\0', len) != NULL)
        return false;
    memcpy(out, f, len);
    out[len] = '\0';
    return true;
}

int ai_wordnet_parse_index(const char *line, size_t len, ai_wordnet_index_line *out)
{
    cursor c = { line, line + len };
    const char *f;
    size_t fl;
    out->noffsets = 0;
    if (len == 0 || line[0] == ' ' || !field(&c, &f, &fl) || !copy_lemma(out->lemma, f, fl))
        return IA_ERR_INVALID;
    if (!field(&c, &f, &fl) || fl != 1 || !pos_char(f[0]))
        return IA_ERR_INVALID;
    long synsets = -1, pointers = -1;
    if (!field(&c, &f, &fl) || (synsets = number(f, fl, 10)) < 1)
        return IA_ERR_INVALID;
    if (!field(&c, &f, &fl) || (pointers = number(f, fl, 10)) < 0)
        return IA_ERR_INVALID;
    for (long i = 0; i < pointers; i++)
        if (!field(&c, &f, &fl))
            return IA_ERR_INVALID;
    if (!field(&c, &f, &fl) || number(f, fl, 10) < 0) /* sense_cnt */
        return IA_ERR_INVALID;
    if (!field(&c, &f, &fl) || (out->tagged = number(f, fl, 10)) < 0)
        return IA_ERR_INVALID;
    for (long i = 0; i < synsets && out->noffsets < AI_WORDNET_SENSES; i++) {
        long off = -1;
        if (!field(&c, &f, &fl) || fl != 8 || (off = number(f, fl, 10)) < 0)
            return IA_ERR_INVALID;
        out->offsets[out->noffsets++] = off;
    }
    return IA_OK;
}

int ai_wordnet_parse_data(const char *line, size_t len, long offset, ai_wordnet_synset *out)
{
    cursor c = { line, line + len };
    const char *f;
    size_t fl;
    out->n = 0;
    long off = -1, words = -1, lex_file = -1;
    if (len == 0 || line[0] == ' ' || !field(&c, &f, &fl) || fl != 8 ||
        (off = number(f, fl, 10)) < 0 || (offset >= 0 && off != offset))
        return IA_ERR_INVALID;
    if (!field(&c, &f, &fl) || fl != 2 || (lex_file = number(f, fl, 10)) < 0)
        return IA_ERR_INVALID;
    if (!field(&c, &f, &fl) || fl != 1 || !pos_char(f[0])) /* ss_type */
        return IA_ERR_INVALID;
    out->type = f[0];
    out->lex_file = (int)lex_file;
    if (!field(&c, &f, &fl) || fl != 2 || (words = number(f, fl, 16)) < 1)
        return IA_ERR_INVALID;
    for (long i = 0; i < words; i++) {
        const char *lid;
        size_t lidl;
        long lex_id = -1;
        if (!field(&c, &f, &fl) || !field(&c, &lid, &lidl) || lidl != 1 ||
            (lex_id = number(lid, lidl, 16)) < 0)
            return IA_ERR_INVALID;
        const char *paren = memchr(f, '(', fl); /* "galore(ip)": the adjective's position */
        if (paren != NULL)
            fl = (size_t)(paren - f);
        if (out->n < AI_WORDNET_WORDS_MAX && copy_lemma(out->words[out->n], f, fl))
            out->lex_ids[out->n++] = (int)lex_id;
    }
    return IA_OK;
}

int ai_wordnet_parse_exc(const char *line, size_t len, ai_wordnet_exc_line *out)
{
    cursor c = { line, line + len };
    const char *f;
    size_t fl;
    out->nbases = 0;
    if (len == 0 || line[0] == ' ' || !field(&c, &f, &fl) || !copy_lemma(out->form, f, fl))
        return IA_ERR_INVALID;
    while (out->nbases < AI_WORDNET_BASES_MAX && field(&c, &f, &fl))
        if (copy_lemma(out->bases[out->nbases], f, fl))
            out->nbases++;
    return out->nbases > 0 ? IA_OK : IA_ERR_INVALID;
}

/* ---- deny-list ----------------------------------------------------------------------------- */

/* Synonyms never used: generic words that would match almost any answer, and words whose
 * WordNet sense is rarely the one an interview answer means. Sorted. */
static const char *const denied_words[] = {
    "act",   "ass",     "bang",     "bed",      "begin",   "behind", "biscuit", "bit",
    "bite",  "bitter",  "blare",    "blister",  "boom",    "bottom", "break",   "bring",
    "burn",  "buttock", "call",     "carry",    "chip",    "clap",   "clip",    "clock",
    "come",  "cook",    "do",       "dog",      "drop",    "earth",  "ego",     "end",
    "fall",  "feed",    "fight",    "find",     "fire",    "fit",    "fleck",   "flock",
    "foot",  "gas",     "get",      "gild",     "gilt",    "girl",   "give",    "glow",
    "go",    "gold",    "green",    "harrow",   "haunt",   "have",   "hold",    "humble",
    "keep",  "kill",    "know",     "lam",      "lay",     "lead",   "leap",    "leave",
    "let",   "lift",    "line",     "live",     "look",    "lord",   "lowly",   "make",
    "mark",  "meet",    "mess",     "mint",     "move",    "nail",   "name",    "number",
    "odd",   "pardner", "park",     "paroxysm", "pass",    "pilfer", "place",   "plank",
    "play",  "plow",    "point",    "pull",     "purloin", "put",    "ring",    "rob",
    "room",  "run",     "say",      "scene",    "scrap",   "see",    "seem",    "send",
    "set",   "sheer",   "show",     "sight",    "smash",   "soak",   "spouse",  "spring",
    "stand", "start",   "state",    "sting",    "stuff",   "swerve", "tail",    "take",
    "tally", "tan",     "tantrum",  "tell",     "thing",   "time",   "try",     "turn",
    "use",   "veer",    "virulent", "want",     "wild",    "wind",   "work",
};

/* Synonyms wrong for one word in the question bank's sense ("word:synonym"). Sorted. */
static const char *const denied_pairs[] = {
    "client:guest",    "client:node",     "curve:cut",      "customer:guest", "error:erroneousness",
    "experience:live", "hold:appreciate", "left:remain",    "miss:lose",      "missed:lose",
    "missing:lose",    "moments:minute",  "moments:second", "result:answer",  "result:fix",
    "results:answer",  "results:fix",     "run:test",       "run:trial",      "sampling:taste",
    "second:minute",   "server:waiter",   "test:trial",     "time:clock",     "trial:test",
    "tried:essay",     "tried:test",
};

bool ai_wordnet_denied(const char *word, const char *synonym)
{
    if (ai_text_in_sorted(denied_words, COUNT(denied_words), synonym))
        return true;
    char pair[2 * AI_WORDNET_LEMMA_MAX + 2];
    snprintf(pair, sizeof(pair), "%s:%s", word, synonym);
    return ai_text_in_sorted(denied_pairs, COUNT(denied_pairs), pair);
}

/* ---- files --------------------------------------------------------------------------------- */

/* A file read whole, and the starts of its lines. */
typedef struct {
    char *buf;
    size_t len;
    size_t *lines;
    size_t nlines;
} text_file;

static void file_free(text_file *f)
{
    free(f->buf);
    free(f->lines);
    *f = (text_file){ 0 };
}

static int file_read(const char *dir, const char *name, text_file *f, char *err, size_t errlen)
{
    *f = (text_file){ 0 };
    char path[4096];
    if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >= sizeof(path)) {
        snprintf(err, errlen, "%s/%s: path too long", dir, name);
        return IA_ERR_INVALID;
    }
    int rc = IA_ERR_IO;
    errno = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > FILE_MAX)
        goto out;
    f->len = (size_t)st.st_size;
    if ((f->buf = malloc(f->len + 1)) == NULL) {
        rc = IA_ERR_NOMEM;
        goto out;
    }
    for (size_t got = 0; got < f->len;) {
        ssize_t r = read(fd, f->buf + got, f->len - got);
        if (r <= 0)
            goto out;
        got += (size_t)r;
    }
    f->buf[f->len] = '\0';
    for (const char *p = f->buf; (p = memchr(p, '\n', f->len - (size_t)(p - f->buf))) != NULL; p++)
        f->nlines++;
    if ((f->lines = malloc((f->nlines + 1) * sizeof(size_t))) == NULL) {
        rc = IA_ERR_NOMEM;
        goto out;
    }
    f->nlines = 0;
    for (size_t i = 0; i < f->len;) { /* the start of every line that has a byte */
        f->lines[f->nlines++] = i;
        const char *nl = memchr(f->buf + i, '\n', f->len - i);
        i = nl != NULL ? (size_t)(nl - f->buf) + 1 : f->len;
    }
    rc = IA_OK;
out:
    if (fd >= 0)
        close(fd);
    if (rc != IA_OK) {
        snprintf(err, errlen, "%s: %s", path,
                 rc == IA_ERR_NOMEM ? "out of memory"
                 : errno != 0       ? strerror(errno)
                                    : "not a readable file");
        file_free(f);
    }
    return rc;
}

static size_t line_len(const text_file *f, size_t i)
{
    const char *s = f->buf + f->lines[i], *nl = memchr(s, '\n', f->len - f->lines[i]);
    return nl != NULL ? (size_t)(nl - s) : f->len - f->lines[i];
}

/* The index of the line whose first field is key in a file sorted by that field, or -1. */
static long file_find(const text_file *f, const char *key)
{
    size_t klen = strlen(key), lo = 0, hi = f->nlines;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const char *s = f->buf + f->lines[mid];
        size_t n = strcspn(s, " \n");
        int c = memcmp(s, key, n < klen ? n : klen);
        if (c == 0)
            c = (n > klen) - (n < klen);
        if (c == 0)
            return (long)mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

/* True when a line of f begins with prefix (f sorted by its lines' first fields). */
static bool file_has_prefix(const text_file *f, const char *prefix)
{
    size_t plen = strlen(prefix), lo = 0, hi = f->nlines;
    while (lo < hi) { /* the first line not below prefix */
        size_t mid = lo + (hi - lo) / 2;
        const char *s = f->buf + f->lines[mid];
        size_t n = strcspn(s, " \n");
        int c = memcmp(s, prefix, n < plen ? n : plen);
        if (c < 0 || (c == 0 && n < plen))
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < f->nlines && strncmp(f->buf + f->lines[lo], prefix, plen) == 0;
}

/* ---- loading ------------------------------------------------------------------------------- */

typedef struct {
    arena *a;
    const char *const *vocab;
    size_t nvocab;
    ai_wordnet *out;
    size_t cap_syn, cap_forms;
    size_t *kept;            /* synonyms kept for each vocabulary word */
    const text_file *counts; /* cntlist.rev: sense keys seen in the tagged texts */
} loader;

/* True when lemma is seen, in WordNet's sense-tagged texts, in the sense of the synset's
 * word k: its sense key ("cut%2:30:00::"; an adjective satellite's head word left open) is
 * listed in cntlist.rev. */
static bool sense_tagged(const loader *ld, const ai_wordnet_synset *ss, size_t k)
{
    static const char types[] = "nvars";
    const char *t = strchr(types, ss->type);
    char key[AI_WORDNET_LEMMA_MAX + 32];
    snprintf(key, sizeof(key), "%s%%%d:%02d:%02d:", ss->words[k], t ? (int)(t - types) + 1 : 0,
             ss->lex_file, ss->lex_ids[k]);
    return file_has_prefix(ld->counts, key);
}

/* True for a lemma worth keeping: lower-case letters only (no phrases, no proper names), at
 * least WORD_MIN of them, and not a function word. */
static bool plain_word(const char *w)
{
    size_t n = strlen(w);
    if (n < WORD_MIN || n > AI_TEXT_WORD_MAX)
        return false;
    for (size_t i = 0; i < n; i++)
        if (w[i] < 'a' || w[i] > 'z')
            return false;
    return !ai_text_is_stopword(w);
}

static int add_pair(loader *ld, bool synonym, const char *word, const char *other)
{
    ai_wordnet_pair **v = synonym ? &ld->out->synonyms : &ld->out->forms;
    size_t *n = synonym ? &ld->out->nsynonyms : &ld->out->nforms;
    size_t *cap = synonym ? &ld->cap_syn : &ld->cap_forms;
    for (size_t i = *n; i > 0 && strcmp((*v)[i - 1].word, word) == 0; i--)
        if (strcmp((*v)[i - 1].other, other) == 0)
            return IA_OK;
    if (*n == *cap) {
        size_t ncap = *cap ? *cap * 2 : 256;
        ai_wordnet_pair *nv = arena_calloc(ld->a, ncap, sizeof(*nv));
        if (nv == NULL)
            return IA_ERR_NOMEM;
        if (*n > 0)
            memcpy(nv, *v, *n * sizeof(*nv));
        *v = nv;
        *cap = ncap;
    }
    const char *o = arena_strdup(ld->a, other);
    if (o == NULL)
        return IA_ERR_NOMEM;
    (*v)[(*n)++] = (ai_wordnet_pair){ word, o };
    return IA_OK;
}

/* The index line of the base form of w in one part of speech ('n', 'v' or 'a'), or -1: w
 * itself, its base in the exception list, or w with an inflection taken off by WordNet's
 * rules of detachment ("customers" -> "customer", "reduced" -> "reduce"). */
static long base_form(const text_file *index, const text_file *exc, char pos, const char *w)
{
    static const struct {
        char pos;
        const char *from, *to;
    } rules[] = {
        { 'n', "s", "" },      { 'n', "ses", "s" },   { 'n', "xes", "x" },   { 'n', "zes", "z" },
        { 'n', "ches", "ch" }, { 'n', "shes", "sh" }, { 'n', "men", "man" }, { 'n', "ies", "y" },
        { 'v', "s", "" },      { 'v', "ies", "y" },   { 'v', "es", "e" },    { 'v', "es", "" },
        { 'v', "ed", "e" },    { 'v', "ed", "" },     { 'v', "ing", "e" },   { 'v', "ing", "" },
        { 'a', "er", "" },     { 'a', "est", "" },    { 'a', "er", "e" },    { 'a', "est", "e" },
    };
    long at = file_find(index, w);
    if (at >= 0)
        return at;
    long e = file_find(exc, w);
    if (e >= 0) {
        ai_wordnet_exc_line el;
        if (ai_wordnet_parse_exc(exc->buf + exc->lines[e], line_len(exc, (size_t)e), &el) == IA_OK)
            return file_find(index, el.bases[0]);
    }
    size_t n = strlen(w);
    for (size_t r = 0; r < COUNT(rules); r++) {
        size_t k = strlen(rules[r].from);
        if (rules[r].pos != pos || n <= k + 1 || strcmp(w + n - k, rules[r].from) != 0)
            continue;
        char base[AI_WORDNET_LEMMA_MAX + 1];
        ai_text_join(base, sizeof(base), w, n - k, rules[r].to, NULL);
        if ((at = file_find(index, base)) >= 0)
            return at;
    }
    return -1;
}

/* The synonyms of one part of speech: for each vocabulary word in its index, the plain lemmas
 * of its first senses' synsets, read from the data file. */
static int load_synonyms(loader *ld, const text_file *index, const text_file *exc, char pos,
                         int data_fd, char *err, size_t errlen, const char *data_name)
{
    char *line = malloc(DATA_LINE_READ + 1);
    ai_wordnet_synset *ss = malloc(sizeof(*ss));
    int rc = line && ss ? IA_OK : IA_ERR_NOMEM;
    for (size_t v = 0; rc == IA_OK && v < ld->nvocab; v++) {
        const char *w = ld->vocab[v];
        if (strlen(w) < WORD_MIN)
            continue;
        long at = base_form(index, exc, pos, w);
        ai_wordnet_index_line il;
        if (at < 0 || ai_wordnet_parse_index(index->buf + index->lines[at],
                                             line_len(index, (size_t)at), &il) != IA_OK)
            continue;
        for (size_t s = 0; rc == IA_OK && s < il.noffsets && (long)s < il.tagged; s++) {
            ssize_t got = pread(data_fd, line, DATA_LINE_READ, (off_t)il.offsets[s]);
            if (got <= 0) {
                snprintf(err, errlen, "%s: cannot read the synset at %ld", data_name,
                         il.offsets[s]);
                rc = IA_ERR_IO;
                break;
            }
            line[got] = '\0';
            size_t len = strcspn(line, "\n");
            if (ai_wordnet_parse_data(line, len, il.offsets[s], ss) != IA_OK) {
                snprintf(err, errlen, "%s: no synset at %ld", data_name, il.offsets[s]);
                rc = IA_ERR_INVALID;
                break;
            }
            for (size_t k = 0; rc == IA_OK && k < ss->n && ld->kept[v] < AI_WORDNET_SYN_MAX; k++) {
                const char *syn = ss->words[k];
                if (strcmp(syn, w) == 0 || !plain_word(syn) || ai_wordnet_denied(w, syn) ||
                    !sense_tagged(ld, ss, k))
                    continue;
                size_t before = ld->out->nsynonyms;
                rc = add_pair(ld, true, w, syn);
                ld->kept[v] += ld->out->nsynonyms > before;
            }
        }
    }
    free(line);
    free(ss);
    return rc;
}

/* The irregular forms of one part of speech whose base is a vocabulary word, unless the form
 * is a word of that part of speech in its own right ("found" is a verb; "ran" is not). */
static int load_forms(loader *ld, const text_file *exc, const text_file *index)
{
    int rc = IA_OK;
    for (size_t i = 0; rc == IA_OK && i < exc->nlines; i++) {
        ai_wordnet_exc_line el;
        if (ai_wordnet_parse_exc(exc->buf + exc->lines[i], line_len(exc, i), &el) != IA_OK ||
            !plain_word(el.form) || file_find(index, el.form) >= 0)
            continue;
        for (size_t b = 0; b < el.nbases; b++) {
            if (strcmp(el.bases[b], el.form) != 0 &&
                ai_text_in_sorted(ld->vocab, ld->nvocab, el.bases[b])) {
                const char *form = arena_strdup(ld->a, el.form);
                rc = form ? add_pair(ld, false, form, el.bases[b]) : IA_ERR_NOMEM;
                break;
            }
        }
    }
    return rc;
}

int ai_wordnet_load(arena *a, const char *dir, const char *const *vocab, size_t nvocab,
                    ai_wordnet *out, char *err, size_t errlen)
{
    static const struct {
        const char *index, *data, *exc;
        char pos;
    } parts[] = {
        { "index.noun", "data.noun", "noun.exc", 'n' },
        { "index.verb", "data.verb", "verb.exc", 'v' },
        { "index.adj", "data.adj", "adj.exc", 'a' },
    };
    *out = (ai_wordnet){ 0 };
    if (nvocab > AI_WORDNET_VOCAB_MAX) {
        snprintf(err, errlen, "the vocabulary has more than %d words", AI_WORDNET_VOCAB_MAX);
        return IA_ERR_TOO_LARGE;
    }
    text_file counts;
    int rc = file_read(dir, "cntlist.rev", &counts, err, errlen);
    if (rc != IA_OK)
        return rc;
    out->files_bytes += counts.len;
    loader ld = { .a = a, .vocab = vocab, .nvocab = nvocab, .out = out, .counts = &counts };
    if ((ld.kept = calloc(nvocab + 1, sizeof(size_t))) == NULL) {
        file_free(&counts);
        return IA_ERR_NOMEM;
    }
    for (size_t p = 0; rc == IA_OK && p < COUNT(parts); p++) {
        text_file index, exc = { 0 };
        rc = file_read(dir, parts[p].index, &index, err, errlen);
        if (rc != IA_OK)
            break;
        char path[4096];
        snprintf(path, sizeof(path), "%s/%s", dir, parts[p].data);
        int fd = -1;
        if ((rc = file_read(dir, parts[p].exc, &exc, err, errlen)) == IA_OK &&
            (fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
            snprintf(err, errlen, "%s: %s", path, strerror(errno));
            rc = IA_ERR_IO;
        }
        if (rc == IA_OK)
            rc = load_forms(&ld, &exc, &index);
        if (rc == IA_OK)
            rc = load_synonyms(&ld, &index, &exc, parts[p].pos, fd, err, errlen, path);
        if (fd >= 0)
            close(fd);
        out->files_bytes += index.len + exc.len;
        file_free(&exc);
        file_free(&index);
    }
    free(ld.kept);
    file_free(&counts);
    if (rc == IA_ERR_NOMEM)
        snprintf(err, errlen, "out of memory while reading WordNet from %s", dir);
    return rc;
}
