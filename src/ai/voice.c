#include "ai/voice.h"

#include <math.h>

#include "ai/textutil.h"
#include "core/errors.h"

int ai_voice_measure(arena *a, const char *text, double seconds, ai_voice_stats *out)
{
    *out = (ai_voice_stats){ 0 };
    ai_text t;
    int rc = ai_text_tokenize(a, NULL, text, &t);
    if (rc != IA_OK)
        return rc;
    ai_text_counts c;
    ai_text_count(&t, &c);
    out->words = c.words;
    out->fillers = c.fillers;
    if (seconds > 0 && isfinite(seconds)) {
        out->has_wpm = true;
        out->words_per_minute = round((double)c.words * 600.0 / seconds) / 10.0;
    }
    return IA_OK;
}
