/* Passwords: bcrypt through libxcrypt ($2b$, cost PASSWORD_HASH_COST, 12 by default), checks
 * of existing $2a$/$2b$/$2y$ hashes in constant time, and the policy of docs/api.md §3.1. */
#ifndef IA_AUTH_PASSWORD_H
#define IA_AUTH_PASSWORD_H

#include <jansson.h>
#include <stdbool.h>

#define PASSWORD_HASH_MAX 128
#define PASSWORD_MIN      8
#define PASSWORD_MAX      128

/* Hashes pw with a fresh salt into out. IA_OK or IA_ERR_INTERNAL. */
int password_hash(const char *pw, int cost, char out[PASSWORD_HASH_MAX]);

/* True when pw matches hash (any bcrypt variant). */
bool password_verify(const char *pw, const char *hash);

/* Spends the time of one verification without a real hash, so that an unknown account and a
 * wrong password cannot be told apart by timing. */
void password_verify_dummy(const char *pw, int cost);

enum {
    PW_TOO_SHORT = 1u << 0,
    PW_TOO_LONG = 1u << 1,
    PW_NO_UPPER = 1u << 2,
    PW_NO_LOWER = 1u << 3,
    PW_NO_DIGIT = 1u << 4,
    PW_NO_SPECIAL = 1u << 5,
    PW_BAD_CHAR = 1u << 6,
};

/* The policy in words, for the API's documentation of every field it applies to. */
#define PASSWORD_STR_(x) #x
#define PASSWORD_STR(x)  PASSWORD_STR_(x)
#define PASSWORD_POLICY_TEXT                                                                       \
    PASSWORD_STR(PASSWORD_MIN) "-" PASSWORD_STR(PASSWORD_MAX) " characters with at least one uppercase letter (A-Z), one lowercase letter (a-z), "   \
    "one digit (0-9) and one special character (anything but an ASCII letter or digit, a "     \
    "space included); no control characters. Each broken rule is its own 422 item at this "    \
    "field, of type password_too_short, password_too_long, password_no_uppercase, "            \
    "password_no_lowercase, password_no_digit, password_no_special or "                        \
    "password_invalid_character."

/* The rules pw breaks, as PW_* bits (0 = acceptable). Lengths count code points. */
unsigned password_policy(const char *pw);

/* Adds one 422 item per broken rule at ["body", field] to items. */
void password_policy_items(unsigned broken, const char *field, json_t *items);

#endif
