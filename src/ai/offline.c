#include "ai/offline.h"

#include <stdlib.h>

#include "core/errors.h"

struct ai_offline {
    ai_taxonomy *taxonomy;
    ai_bank *bank;
    ai_modelans *answers;
};

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

int ai_offline_create(ai_offline **out, char *err, size_t errlen)
{
    ai_offline *e = calloc(1, sizeof(*e));
    if (e == NULL)
        return IA_ERR_NOMEM;
    int rc = ai_taxonomy_builtin(&e->taxonomy, err, errlen);
    if (rc == IA_OK)
        rc = ai_bank_builtin(&e->bank, err, errlen);
    if (rc == IA_OK)
        rc = ai_modelans_builtin(e->bank, &e->answers, err, errlen);
    if (rc != IA_OK) {
        ai_offline_free(e);
        return rc;
    }
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
    free(e);
}

const ai_taxonomy *ai_offline_taxonomy(const ai_offline *e)
{
    return e->taxonomy;
}

const ai_bank *ai_offline_bank(const ai_offline *e)
{
    return e->bank;
}

const ai_modelans *ai_offline_modelans(const ai_offline *e)
{
    return e->answers;
}
