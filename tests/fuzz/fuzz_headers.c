/* Fuzzes the small readers of request headers: X-Request-ID (src/http/reqid.c) and Origin
 * against ALLOWED_ORIGINS (src/http/cors.c, with config_parse_origin's normalising). The
 * first line of the input is the header value; the second, when there is one, an origin
 * added to the allowed list. Checked: the request id used is 1-128 characters of
 * [A-Za-z0-9._-] and is the incoming one exactly when that one is valid; CORS answers only
 * for an allowed origin, and never with "*". */
#include <string.h>
#include <strings.h>

#include "core/config.h"
#include "core/errors.h"
#include "fuzz.h"
#include "http/cors.h"
#include "http/reqid.h"

static void request_id(const char *incoming)
{
    char id[HTTP_REQUEST_ID_MAX + 1];
    reqid_resolve(incoming, id);
    size_t n = strlen(id);
    fuzz_check(n >= 1 && n <= HTTP_REQUEST_ID_MAX, "a request id has 1-128 characters");
    fuzz_check(strspn(id, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") == n,
               "a request id has safe characters only");
    fuzz_check(reqid_valid(incoming) == (strcmp(id, incoming) == 0),
               "a valid incoming id is kept, any other replaced");
}

static void cors(const char *origin, const char *configured)
{
    char norm[256];
    const char *allowed[2] = { "https://app.example.com", NULL };
    size_t n = 1;
    if (config_parse_origin(configured, norm, sizeof(norm)) == IA_OK)
        allowed[n++] = norm;
    for (int preflight = 0; preflight < 2; preflight++) {
        http_kv out[CORS_HEADERS_MAX];
        size_t k = cors_headers(allowed, n, origin, preflight != 0, out);
        fuzz_check(k <= CORS_HEADERS_MAX, "CORS headers fit");
        for (size_t i = 0; i < k; i++) {
            if (strcasecmp(out[i].name, "Access-Control-Allow-Origin") != 0)
                continue;
            fuzz_check(strcmp(out[i].value, "*") != 0, "never a wildcard origin");
            fuzz_check(cors_origin_allowed(allowed, n, origin), "only an allowed origin");
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *first, *rest;
    if (fuzz_split_line(data, size, &first, &rest) != 0)
        return 0;
    request_id(first);
    cors(first, rest);
    free(first);
    free(rest);
    return 0;
}
