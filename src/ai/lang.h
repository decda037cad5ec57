/* The language a resume is written in (docs/design.md "AI"), identified with libexttextcat's
 * n-gram fingerprints (Debian libexttextcat-data, read from its standard path at start-up), so
 * the parser can use that language's headings, month names and stemmer. When the text is too
 * short or the guess unsure, the answer is English. */
#ifndef IA_AI_LANG_H
#define IA_AI_LANG_H

#include <stddef.h>

#define AI_LANG_DIR_DEFAULT "/usr/share/libexttextcat"
#define AI_LANG_SAMPLE_MAX  1500 /* bytes of text classified: a few hundred suffice */

typedef struct ai_lang ai_lang;

/* Loads the fingerprints listed in dir/fpdb.conf. IA_ERR_IO (with err set) when they cannot
 * be read; callers may run without an identifier (everything is then English). */
int ai_lang_create(const char *dir, ai_lang **out, char *err, size_t errlen);

void ai_lang_free(ai_lang *l);

/* The ISO 639-1 code of the language of text[0..n) ("en", "de", "es", ...); "en" when l is
 * NULL, the text is too short or no language stands out. Safe from several threads. */
const char *ai_lang_identify(ai_lang *l, const char *text, size_t n);

#endif
