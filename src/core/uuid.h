/* UUID generation and validation. Ids are UUIDv7 (time-ordered); request ids and other
 * unpredictable values are UUIDv4. Randomness comes from libsodium. */
#ifndef IA_CORE_UUID_H
#define IA_CORE_UUID_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define IA_UUID_LEN 37 /* 36 characters and the NUL */

void ia_uuid_v4(char out[IA_UUID_LEN]);

/* A UUIDv7 for the given Unix millisecond time (pass ia_now_ms()). */
void ia_uuid_v7(int64_t now_ms, char out[IA_UUID_LEN]);

/* True when s is a canonical 8-4-4-4-12 hexadecimal UUID, in either case. */
bool ia_uuid_valid(const char *s);

/* Fills out with n random bytes rendered as 2n lowercase hex characters and a NUL. */
void ia_random_hex(char *out, size_t n);

#endif
