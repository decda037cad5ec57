#include "http/cors.h"

#include <string.h>

bool cors_origin_allowed(const char *const *allowed, size_t nallowed, const char *origin)
{
    if (origin == NULL || *origin == '\0')
        return false;
    for (size_t i = 0; i < nallowed; i++)
        if (strcmp(allowed[i], origin) == 0)
            return true;
    return false;
}

size_t cors_headers(const char *const *allowed, size_t nallowed, const char *origin, bool preflight,
                    http_kv out[CORS_HEADERS_MAX])
{
    size_t n = 0;
    if (nallowed == 0)
        return 0;
    out[n++] = (http_kv){ "Vary", "Origin" };
    if (!cors_origin_allowed(allowed, nallowed, origin))
        return n;
    out[n++] = (http_kv){ "Access-Control-Allow-Origin", origin };
    if (preflight) {
        out[n++] = (http_kv){ "Access-Control-Allow-Methods", "GET, POST, PUT, PATCH, DELETE" };
        out[n++] = (http_kv){ "Access-Control-Allow-Headers",
                              "Authorization, Content-Type, X-Request-ID, X-Token-Delivery" };
        out[n++] = (http_kv){ "Access-Control-Max-Age", "600" };
    } else {
        out[n++] = (http_kv){ "Access-Control-Expose-Headers",
                              "X-Request-ID, RateLimit, RateLimit-Policy, Retry-After, "
                              "Content-Disposition" };
    }
    return n;
}
