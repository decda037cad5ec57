/* Speaking figures of a dictated answer (docs/api.md §4.2, "Voice answers"): how many words a
 * minute it was spoken at and how many filler words ("um", "uh", "like" as a pause, "you
 * know") it holds. The filler words are ai/cues.c's list, the one the evaluator counts. */
#ifndef IA_AI_VOICE_H
#define IA_AI_VOICE_H

#include <stdbool.h>
#include <stddef.h>

#include "core/arena.h"

typedef struct {
    size_t words;            /* word tokens, numbers included */
    size_t fillers;          /* occurrences of filler words */
    bool has_wpm;            /* false when seconds was not positive */
    double words_per_minute; /* words / minutes, rounded to one decimal */
} ai_voice_stats;

/* Measures text spoken in `seconds` (0 or less: unknown, no words per minute). Tokenises in a;
 * IA_ERR_NOMEM when a runs out. */
int ai_voice_measure(arena *a, const char *text, double seconds, ai_voice_stats *out);

#endif
