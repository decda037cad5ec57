/* Personal data removed from text before it leaves the service for an external LLM provider
 * (docs/design.md "AI"): e-mail addresses, phone numbers (international and local forms), street
 * addresses ("12 Main Street", "4 Elm Ave, Apt 3"), links (http/https/www, profile links such
 * as linkedin.com/in/..., github.com/..., personal domains) and @handles. Each is replaced by
 * a placeholder, so the provider still sees that something was there. Ordinary numbers
 * (percentages, amounts, years and date ranges, versions) are left alone. */
#ifndef IA_AI_REDACT_H
#define IA_AI_REDACT_H

#include "core/arena.h"

#define AI_REDACT_EMAIL   "[email]"
#define AI_REDACT_PHONE   "[phone]"
#define AI_REDACT_ADDRESS "[address]"
#define AI_REDACT_LINK    "[link]"
#define AI_REDACT_HANDLE  "[handle]"

/* Writes a copy of text with personal data replaced into *out (in a). NULL text gives "". */
int ai_redact(arena *a, const char *text, const char **out);

#endif
