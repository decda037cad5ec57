/* Well-formed UTF-8 (RFC 3629), the form the JSON encoder accepts. */
#ifndef IA_CORE_UTF8_H
#define IA_CORE_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The length (1-4) of the well-formed UTF-8 sequence at s, reading at most n bytes, or 0 when
 * the bytes there are not one: a stray continuation byte, a truncated sequence, an overlong
 * form, a surrogate or a code point past U+10FFFF. n must be at least 1. */
size_t ia_utf8_sequence(const unsigned char *s, size_t n);

/* Decodes the character at s (reading at most n bytes, n >= 1) into *cp and returns its length,
 * as ia_utf8_sequence measures it; 0 when the bytes there are not well-formed (*cp is then
 * U+FFFD, the replacement character). */
size_t ia_utf8_decode(const unsigned char *s, size_t n, uint32_t *cp);

/* Writes the UTF-8 form of the code point cp (at most U+10FFFF, not a surrogate) into out, which
 * has room for 4 bytes, and returns its length; 0 for a value that is not a character. */
size_t ia_utf8_encode(uint32_t cp, char out[4]);

/* True when the len-byte sequence at s (as ia_utf8_sequence measured it) is a bidirectional
 * control character: U+202A-U+202E (embeddings, overrides) or U+2066-U+2069 (isolates). */
bool ia_utf8_is_bidi_control(const unsigned char *s, size_t len);

/* Counts the code points of the NUL-terminated s; -1 when it is not well-formed UTF-8 (no
 * overlong form, surrogate or code point past U+10FFFF). */
long long ia_utf8_length(const char *s);

/* The number of bytes of the first n characters of the NUL-terminated s (all of it when it is
 * shorter): a character is a lead byte with the continuation bytes after it, so a cut there
 * never splits one. */
size_t ia_utf8_prefix_bytes(const char *s, size_t n);

/* Replaces, in place, every byte of the NUL-terminated s that does not begin a well-formed
 * sequence with '?', so that text quoting untrusted bytes (a parser's error message) can go
 * into JSON. Returns how many bytes it replaced. */
size_t ia_utf8_scrub(char *s);

#endif
