/* Fuzzes the WordNet line parsers (src/ai/wordnet.c): the input is read as lines of the
 * database files, and each line is given to the index, data and exception-list parsers.
 * Checked: what a parser accepts is well formed — every lemma is NUL-terminated, non-empty,
 * within AI_WORDNET_LEMMA_MAX bytes and free of spaces; counts stay within their arrays;
 * offsets are not negative; a data line whose offset is demanded begins with it. */
#include <stdlib.h>
#include <string.h>

#include "ai/wordnet.h"
#include "core/errors.h"
#include "fuzz.h"

static void check_lemma(const char *w)
{
    size_t n = strnlen(w, AI_WORDNET_LEMMA_MAX + 1);
    fuzz_check(n > 0 && n <= AI_WORDNET_LEMMA_MAX, "a lemma is within its bounds");
    fuzz_check(memchr(w, ' ', n) == NULL, "a lemma holds no space");
}

static void parse_line(const char *line, size_t len)
{
    ai_wordnet_index_line il;
    if (ai_wordnet_parse_index(line, len, &il) == IA_OK) {
        check_lemma(il.lemma);
        fuzz_check(il.noffsets >= 1 && il.noffsets <= AI_WORDNET_SENSES, "senses bounded");
        for (size_t i = 0; i < il.noffsets; i++)
            fuzz_check(il.offsets[i] >= 0, "offsets are not negative");
        fuzz_check(il.tagged >= 0, "tagged senses are not negative");
    }
    static ai_wordnet_synset ss;
    if (ai_wordnet_parse_data(line, len, -1, &ss) == IA_OK) {
        fuzz_check(ss.n <= AI_WORDNET_WORDS_MAX, "synset words bounded");
        for (size_t i = 0; i < ss.n; i++) {
            check_lemma(ss.words[i]);
            fuzz_check(strchr(ss.words[i], '(') == NULL, "the adjective marker is cut");
            fuzz_check(ss.lex_ids[i] >= 0 && ss.lex_ids[i] <= 15, "a lex id is one hex digit");
        }
        fuzz_check(strchr("nvasr", ss.type) != NULL && ss.type != '\0', "a synset type");
        /* The offset the line begins with is the one it is accepted for. */
        char off[9];
        memcpy(off, line, 8);
        off[8] = '\0';
        fuzz_check(ai_wordnet_parse_data(line, len, strtol(off, NULL, 10), &ss) == IA_OK,
                   "a data line is found at its own offset");
    }
    ai_wordnet_exc_line el;
    if (ai_wordnet_parse_exc(line, len, &el) == IA_OK) {
        check_lemma(el.form);
        fuzz_check(el.nbases >= 1 && el.nbases <= AI_WORDNET_BASES_MAX, "bases bounded");
        for (size_t i = 0; i < el.nbases; i++)
            check_lemma(el.bases[i]);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *p = (const char *)data, *end = p + size;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t len = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);
        parse_line(p, len);
        p += len + (nl != NULL);
    }
    return 0;
}
