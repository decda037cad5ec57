#include "auth/password.h"

#include <crypt.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "core/errors.h"
#include "core/utf8.h"
#include "core/util.h"

int password_hash(const char *pw, int cost, char out[PASSWORD_HASH_MAX])
{
    char setting[CRYPT_GENSALT_OUTPUT_SIZE];
    if (crypt_gensalt_rn("$2b$", (unsigned long)cost, NULL, 0, setting, sizeof(setting)) == NULL)
        return IA_ERR_INTERNAL;
    struct crypt_data *cd = calloc(1, sizeof(*cd));
    if (cd == NULL)
        return IA_ERR_NOMEM;
    const char *h = crypt_r(pw, setting, cd);
    int rc = IA_ERR_INTERNAL;
    if (h != NULL && h[0] == '$' && strlen(h) < PASSWORD_HASH_MAX) {
        memcpy(out, h, strlen(h) + 1);
        rc = IA_OK;
    }
    sodium_memzero(cd, sizeof(*cd));
    free(cd);
    return rc;
}

bool password_verify(const char *pw, const char *hash)
{
    if (hash == NULL || strlen(hash) != 60 ||
        (strncmp(hash, "$2a$", 4) != 0 && strncmp(hash, "$2b$", 4) != 0 &&
         strncmp(hash, "$2y$", 4) != 0))
        return false;
    struct crypt_data *cd = calloc(1, sizeof(*cd));
    if (cd == NULL)
        return false;
    const char *h = crypt_r(pw, hash, cd);
    bool ok = h != NULL && strlen(h) == 60 && sodium_memcmp(h, hash, 60) == 0;
    sodium_memzero(cd, sizeof(*cd));
    free(cd);
    /* bcrypt stopped at byte 72: a longer password would match on its prefix alone. */
    return ok && strlen(pw) <= PASSWORD_MAX_BYTES;
}

int password_hash_cost(const char *hash)
{
    if (hash == NULL || strlen(hash) != 60 || hash[0] != '$' || hash[1] != '2' ||
        (hash[2] != 'a' && hash[2] != 'b' && hash[2] != 'y') || hash[3] != '$' || hash[4] < '0' ||
        hash[4] > '9' || hash[5] < '0' || hash[5] > '9' || hash[6] != '$')
        return -1;
    return (hash[4] - '0') * 10 + (hash[5] - '0');
}

bool password_needs_rehash(const char *hash, int cost)
{
    return strncmp(hash, "$2b$", 4) != 0 || password_hash_cost(hash) != cost;
}

int password_dummy_hash(int cost, char out[PASSWORD_HASH_MAX])
{
    unsigned char raw[24];
    char pw[2 * sizeof(raw) + 1];
    randombytes_buf(raw, sizeof(raw));
    sodium_bin2hex(pw, sizeof(pw), raw, sizeof(raw));
    int rc = password_hash(pw, cost, out);
    sodium_memzero(pw, sizeof(pw));
    return rc;
}

unsigned password_policy(const char *pw)
{
    unsigned broken = 0;
    long long len = ia_utf8_length(pw);
    bool upper = false, lower = false, digit = false, special = false;
    for (const unsigned char *p = (const unsigned char *)pw; *p; p++) {
        if (*p < 0x20 || *p == 0x7f)
            broken |= PW_BAD_CHAR;
        else if (*p >= 'A' && *p <= 'Z')
            upper = true;
        else if (*p >= 'a' && *p <= 'z')
            lower = true;
        else if (*p >= '0' && *p <= '9')
            digit = true;
        else
            special = true; /* anything else, space and non-ASCII included */
    }
    if (len < 0)
        broken |= PW_BAD_CHAR;
    if (len >= 0 && len < PASSWORD_MIN)
        broken |= PW_TOO_SHORT;
    if (len > PASSWORD_MAX || strlen(pw) > PASSWORD_MAX_BYTES)
        broken |= PW_TOO_LONG;
    if (!upper)
        broken |= PW_NO_UPPER;
    if (!lower)
        broken |= PW_NO_LOWER;
    if (!digit)
        broken |= PW_NO_DIGIT;
    if (!special)
        broken |= PW_NO_SPECIAL;
    return broken;
}

/* One entry per PW_* bit, in the order the rules are reported. */
static const password_rule rules[] = {
    { PW_TOO_SHORT, "password_too_short", "Password must be at least 8 characters long" },
    { PW_TOO_LONG, "password_too_long",
      "Password must be at most 72 bytes long (UTF-8): 72 ASCII characters, fewer "
      "when it has other characters" },
    { PW_NO_UPPER, "password_no_uppercase",
      "Password must contain at least one uppercase letter (A-Z)" },
    { PW_NO_LOWER, "password_no_lowercase",
      "Password must contain at least one lowercase letter (a-z)" },
    { PW_NO_DIGIT, "password_no_digit", "Password must contain at least one digit (0-9)" },
    { PW_NO_SPECIAL, "password_no_special",
      "Password must contain at least one special character (not a letter or digit)" },
    { PW_BAD_CHAR, "password_invalid_character", "Password must not contain control characters" },
};

_Static_assert(COUNT(rules) == PASSWORD_RULES, "PASSWORD_RULES is the rule count");

size_t password_broken_rules(unsigned broken, const password_rule **out, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < COUNT(rules) && n < max; i++)
        if (broken & rules[i].bit)
            out[n++] = &rules[i];
    return n;
}
