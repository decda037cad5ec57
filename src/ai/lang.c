#include "ai/lang.h"

#include <libexttextcat/textcat.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/errors.h"
#include "core/util.h"

#define CODE_MAX 8

struct ai_lang {
    void *textcat;
    pthread_mutex_t lock; /* textcat_Classify writes into its handle */
};

/* The codes the identifier answers with; a language outside this list is answered as the
 * closest one the parser has tables for, else English. */
static const char *const known[] = { "en", "de", "fr", "es", "it", "nl", "pt", "sv", "da",
                                     "no", "nb", "fi", "pl", "cs", "hu", "ro", "tr", "ru" };

int ai_lang_create(const char *dir, ai_lang **out, char *err, size_t errlen)
{
    *out = NULL;
    ai_lang *l = calloc(1, sizeof(*l));
    if (l == NULL)
        return IA_ERR_NOMEM;
    char conf[1024], prefix[1024];
    snprintf(conf, sizeof(conf), "%s/fpdb.conf", dir);
    snprintf(prefix, sizeof(prefix), "%s/", dir);
    l->textcat = special_textcat_Init(conf, prefix);
    if (l->textcat == NULL) {
        snprintf(err, errlen, "cannot read the language fingerprints %s (libexttextcat-data)",
                 conf);
        free(l);
        return IA_ERR_IO;
    }
    pthread_mutex_init(&l->lock, NULL);
    *out = l;
    return IA_OK;
}

void ai_lang_free(ai_lang *l)
{
    if (l == NULL)
        return;
    textcat_Done(l->textcat);
    pthread_mutex_destroy(&l->lock);
    free(l);
}

/* The language code of a fingerprint name such as "[de--utf8]" into code; false when the
 * answer names no single language first. */
static bool first_code(const char *answer, char code[CODE_MAX])
{
    if (answer == NULL || answer[0] != '[')
        return false;
    size_t n = 0;
    for (const char *s = answer + 1; *s && *s != '-' && *s != ']' && n + 1 < CODE_MAX; s++)
        code[n++] = *s;
    code[n] = '\0';
    return n > 0;
}

const char *ai_lang_identify(ai_lang *l, const char *text, size_t n)
{
    if (l == NULL || text == NULL)
        return "en";
    if (n > AI_LANG_SAMPLE_MAX)
        n = AI_LANG_SAMPLE_MAX;
    /* Not in the middle of a UTF-8 character. */
    while (n > 0 && ((unsigned char)text[n] & 0xc0) == 0x80)
        n--;
    char code[CODE_MAX] = "";
    pthread_mutex_lock(&l->lock);
    const char *answer = textcat_Classify(l->textcat, text, n);
    bool ok = first_code(answer, code);
    pthread_mutex_unlock(&l->lock);
    if (!ok)
        return "en";
    for (size_t i = 0; i < COUNT(known); i++)
        if (strcmp(code, known[i]) == 0)
            return known[i];
    return "en";
}
