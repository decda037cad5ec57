/* Scrubbing of text that leaves the process as a diagnostic (error reports): e-mail addresses
 * are replaced, the text is cut to a bound at a character boundary, and bytes that are not
 * well-formed UTF-8 are replaced, so that the result can go into JSON. Knows nothing of what
 * the text is about; over-scrubbing a word is preferred to letting an address through. */
#ifndef IA_CORE_SCRUB_H
#define IA_CORE_SCRUB_H

#include <stddef.h>

#define IA_SCRUB_EMAIL "[email]"

/* Copies text into out (outlen > 0 bytes, always NUL-terminated), replacing every word that
 * holds an e-mail address with "[email]". A word is a run of bytes other than white space,
 * control characters and "'<>()[]{},; (a quote or bracket ends it); it holds an address when
 * an '@', or its URL encoding %40, has a byte of the word on each side. The copy stops, at a
 * character boundary and never inside "[email]", when out is full; malformed UTF-8 bytes
 * become '?'. Returns the length written. */
size_t ia_scrub_text(const char *text, char *out, size_t outlen);

/* Copies text into out as ia_scrub_text does (cut at a character boundary, malformed UTF-8
 * replaced) but keeps e-mail-like words: for names an operator chose, such as a release
 * "app@1.2.3". Returns the length written. */
size_t ia_clean_text(const char *text, char *out, size_t outlen);

#endif
