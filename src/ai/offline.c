#include "ai/offline.h"

#include <stdio.h>
#include <stdlib.h>

#include "ai/corpus.h"
#include "ai/wordnet.h"
#include "core/errors.h"
#include "core/log.h"

#define LEXICON_ARENA_MAX (64u * 1024u * 1024u)

struct ai_offline {
    ai_taxonomy *taxonomy;
    ai_bank *bank;
    ai_corpus *corpus;
    arena *lexicon_arena; /* the lexicon's, for the engine's life */
    const ai_text_lexicon *lexicon;
    ai_text_lexicon_info lexicon_info;
    ai_modelans *answers;
    ai_lang *lang; /* NULL without fingerprints: every resume is then read as English */
};

const char *const ai_engine_names[] = { "offline", "gemini", "openai", NULL };

const char *ai_engine_name(ai_engine e)
{
    switch (e) {
    case AI_ENGINE_GEMINI:
        return "gemini";
    case AI_ENGINE_OPENAI:
        return "openai";
    case AI_ENGINE_OFFLINE:
        break;
    }
    return "offline";
}

/* Adds the key-point terms and points of q to texts (n of them so far, room for cap). */
static size_t keypoint_texts(const ai_question *q, const char **texts, size_t n, size_t cap)
{
    for (size_t p = 0; p < q->nkey_points; p++) {
        if (n < cap && q->key_points[p].point != NULL)
            texts[n++] = q->key_points[p].point;
        for (size_t k = 0; k < q->key_points[p].terms.n && n < cap; k++)
            texts[n++] = q->key_points[p].terms.v[k];
    }
    return n;
}

/* Builds the engine's lexicon once: the built-in synonyms, and WordNet's for the words of the
 * bank's key points (docs/design.md "AI"). It is read-only afterwards and shared by every
 * thread. The time and memory it took are logged. */
static int lexicon_create(ai_offline *e, const char *wordnet_dir)
{
    const ai_bank *b = e->bank;
    size_t cap = 0;
    for (size_t i = 0; i < ai_bank_count(b); i++)
        for (size_t p = 0; p < ai_bank_get(b, i)->question.nkey_points; p++)
            cap += 1 + ai_bank_get(b, i)->question.key_points[p].terms.n;
    for (size_t i = 0; i < ai_bank_template_count(b); i++)
        for (size_t p = 0; p < ai_bank_template(b, i)->question.nkey_points; p++)
            cap += 1 + ai_bank_template(b, i)->question.key_points[p].terms.n;
    if ((e->lexicon_arena = arena_create(LEXICON_ARENA_MAX)) == NULL)
        return IA_ERR_NOMEM;
    const char **texts = arena_calloc(e->lexicon_arena, cap + 1, sizeof(char *));
    if (texts == NULL)
        return IA_ERR_NOMEM;
    size_t n = 0;
    for (size_t i = 0; i < ai_bank_count(b); i++)
        n = keypoint_texts(&ai_bank_get(b, i)->question, texts, n, cap);
    for (size_t i = 0; i < ai_bank_template_count(b); i++)
        n = keypoint_texts(&ai_bank_template(b, i)->question, texts, n, cap);
    ai_text_lexicon_info info;
    int rc = ai_text_lexicon_load(e->lexicon_arena, wordnet_dir, texts, n, &e->lexicon, &info);
    e->lexicon_info = info;
    if (rc == IA_OK && info.wordnet) {
        char vocab[24], syn[24], forms[24], ms[24], kib[24];
        snprintf(vocab, sizeof(vocab), "%zu", info.vocabulary);
        snprintf(syn, sizeof(syn), "%zu", info.synonyms);
        snprintf(forms, sizeof(forms), "%zu", info.forms);
        snprintf(ms, sizeof(ms), "%.1f", (double)info.load_us / 1000.0);
        snprintf(kib, sizeof(kib), "%zu", info.arena_bytes / 1024);
        log_debug("ai", "WordNet read for the offline engine", "wordnet_dir", wordnet_dir,
                  "vocabulary", vocab, "synonyms", syn, "irregular_forms", forms, "load_ms", ms,
                  "lexicon_kib", kib);
    }
    return rc;
}

int ai_offline_create(ai_offline **out, char *err, size_t errlen)
{
    return ai_offline_create_with(AI_WORDNET_DIR_DEFAULT, out, err, errlen);
}

int ai_offline_create_with(const char *wordnet_dir, ai_offline **out, char *err, size_t errlen)
{
    ai_offline *e = calloc(1, sizeof(*e));
    if (e == NULL)
        return IA_ERR_NOMEM;
    int rc = ai_taxonomy_builtin(&e->taxonomy, err, errlen);
    if (rc == IA_OK)
        rc = ai_bank_builtin(&e->bank, err, errlen);
    if (rc == IA_OK && (rc = lexicon_create(e, wordnet_dir)) != IA_OK)
        snprintf(err, errlen, "cannot build the offline engine's lexicon: %s", ia_strerror(rc));
    if (rc == IA_OK && (rc = ai_corpus_build(e->bank, e->lexicon, &e->corpus)) != IA_OK)
        snprintf(err, errlen, "question bank statistics: %s", ia_strerror(rc));
    if (rc == IA_OK)
        rc = ai_modelans_builtin(e->bank, &e->answers, err, errlen);
    if (rc != IA_OK) {
        ai_offline_free(e);
        return rc;
    }
    char lang_err[256];
    if (ai_lang_create(AI_LANG_DIR_DEFAULT, &e->lang, lang_err, sizeof(lang_err)) != IA_OK)
        log_warn("ai", "resumes are read as English", "error", lang_err);
    *out = e;
    return IA_OK;
}

void ai_offline_free(ai_offline *e)
{
    if (e == NULL)
        return;
    ai_taxonomy_free(e->taxonomy);
    ai_modelans_free(e->answers);
    ai_bank_free(e->bank);
    ai_corpus_free(e->corpus);
    ai_lang_free(e->lang);
    arena_destroy(e->lexicon_arena);
    free(e);
}

ai_lang *ai_offline_lang(const ai_offline *e)
{
    return e->lang;
}

const ai_taxonomy *ai_offline_taxonomy(const ai_offline *e)
{
    return e->taxonomy;
}

const ai_bank *ai_offline_bank(const ai_offline *e)
{
    return e->bank;
}

const ai_corpus *ai_offline_corpus(const ai_offline *e)
{
    return e->corpus;
}

const ai_text_lexicon *ai_offline_lexicon(const ai_offline *e)
{
    return e->lexicon;
}

const ai_text_lexicon_info *ai_offline_lexicon_info(const ai_offline *e)
{
    return &e->lexicon_info;
}

const ai_modelans *ai_offline_modelans(const ai_offline *e)
{
    return e->answers;
}
