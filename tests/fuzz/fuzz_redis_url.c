/* Fuzzes the REDIS_URL parser (src/db/redis.c). Checked on every accepted URL: the host is
 * non-empty and holds none of the characters that delimit the other parts, the port is
 * 1-65535, the database is not negative, and writing the parts back as a URL (user name and
 * password percent-encoded) parses to the same parts. */
#include <stdio.h>
#include <string.h>

#include "core/errors.h"
#include "db/redis.h"
#include "fuzz.h"

/* Appends s percent-encoded (every byte but unreserved characters). */
static size_t escape(char *out, size_t o, size_t cap, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    for (; *s && o + 4 < cap; s++) {
        unsigned char c = (unsigned char)*s;
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '.' || c == '_' || c == '~') {
            out[o++] = (char)c;
        } else {
            out[o++] = '%';
            out[o++] = hex[c >> 4];
            out[o++] = hex[c & 15];
        }
    }
    out[o] = '\0';
    return o;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *url = fuzz_strndup(data, size);
    if (url == NULL)
        return 0;
    redis_url u;
    char err[256];
    if (redis_url_parse(url, &u, err, sizeof(err)) != IA_OK) {
        fuzz_check(err[0] != '\0', "a refusal says why");
        free(url);
        return 0;
    }
    fuzz_check(u.host[0] != '\0', "a host");
    fuzz_check(strpbrk(u.host, "@/?#[] ") == NULL, "no delimiter in the host");
    fuzz_check(u.port >= 1 && u.port <= 65535, "a port in range");
    fuzz_check(u.db >= 0, "a database number");
    char again[2048];
    size_t o = (size_t)snprintf(again, sizeof(again), "%s", u.tls ? "rediss://" : "redis://");
    if (u.user[0] != '\0' || u.password[0] != '\0') {
        o = escape(again, o, sizeof(again), u.user);
        if (u.password[0] != '\0') {
            again[o++] = ':';
            o = escape(again, o, sizeof(again), u.password);
        }
        again[o++] = '@';
    }
    bool v6 = strchr(u.host, ':') != NULL;
    snprintf(again + o, sizeof(again) - o, "%s%s%s:%d/%d", v6 ? "[" : "", u.host, v6 ? "]" : "",
             u.port, u.db);
    redis_url back;
    fuzz_check(redis_url_parse(again, &back, err, sizeof(err)) == IA_OK, "the parts parse again");
    fuzz_check(back.tls == u.tls && back.port == u.port && back.db == u.db &&
                   strcmp(back.host, u.host) == 0 && strcmp(back.user, u.user) == 0 &&
                   strcmp(back.password, u.password) == 0,
               "the same parts");
    free(url);
    return 0;
}
