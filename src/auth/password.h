/* Passwords: bcrypt through libxcrypt ($2b$, cost PASSWORD_HASH_COST, 12 by default), checks
 * of existing $2a$/$2b$/$2y$ hashes in constant time, and the policy of docs/api.md §3.1.
 *
 * bcrypt reads only the first 72 bytes of a password. Rather than let two passwords that
 * differ only after byte 72 be the same password, a new password longer than
 * PASSWORD_MAX_BYTES (UTF-8) is refused (password_too_long), and a login with a longer
 * password never matches. */
#ifndef IA_AUTH_PASSWORD_H
#define IA_AUTH_PASSWORD_H

#include <stdbool.h>
#include <stddef.h>

#define PASSWORD_HASH_MAX  128
#define PASSWORD_MIN       8
#define PASSWORD_MAX       128 /* code points */
#define PASSWORD_MAX_BYTES 72  /* what bcrypt reads */

/* Hashes pw with a fresh salt into out. IA_OK or IA_ERR_INTERNAL. */
int password_hash(const char *pw, int cost, char out[PASSWORD_HASH_MAX]);

/* True when pw matches hash (any bcrypt variant). A password longer than PASSWORD_MAX_BYTES
 * never matches, though the hash is still computed so that the check takes its usual time. */
bool password_verify(const char *pw, const char *hash);

/* The cost of a bcrypt hash ("$2b$12$..." is 12), or -1 when hash is not bcrypt. */
int password_hash_cost(const char *hash);

/* True when hash should be replaced at the next successful login: it is not "$2b$" or its
 * cost differs from the configured one. A cheaper hash would also answer a wrong password
 * faster than the unknown-account path does. */
bool password_needs_rehash(const char *hash, int cost);

/* Makes the hash that logins for unknown accounts are checked against: a random password
 * hashed with the configured cost at start-up, so that an unknown e-mail costs exactly what a
 * real check costs. IA_OK or an error. */
int password_dummy_hash(int cost, char out[PASSWORD_HASH_MAX]);

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
    "At least " PASSWORD_STR(PASSWORD_MIN) " characters and at most " PASSWORD_STR(                 \
        PASSWORD_MAX_BYTES) " bytes in UTF-8 (what bcrypt reads: " PASSWORD_STR(                   \
        PASSWORD_MAX_BYTES) " ASCII characters, fewer with others), with at least one "           \
    "uppercase letter (A-Z), one lowercase letter (a-z), "                                      \
    "one digit (0-9) and one special character (anything but an ASCII letter or digit, a "     \
    "space included); no control characters. Each broken rule is its own 422 item at this "    \
    "field, of type password_too_short, password_too_long, password_no_uppercase, "            \
    "password_no_lowercase, password_no_digit, password_no_special or "                        \
    "password_invalid_character."

/* The rules pw breaks, as PW_* bits (0 = acceptable). Lengths count code points. */
unsigned password_policy(const char *pw);

/* A rule of the policy: its PW_* bit, the validation type the API reports it with, and the
 * message. */
typedef struct {
    unsigned bit;
    const char *type;
    const char *msg;
} password_rule;

#define PASSWORD_RULES 7

/* Stores in out the rules that broken (PW_* bits) names, at most max, in a fixed order, and
 * returns how many it stored. The API turns them into 422 items (api/auth.c), the command line
 * into lines of text. */
size_t password_broken_rules(unsigned broken, const password_rule **out, size_t max);

#endif
