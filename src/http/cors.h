/* CORS decisions, in one place, from ALLOWED_ORIGINS only: an exact origin match gets
 * Access-Control-Allow-Origin with that origin (never "*"); anything else gets no CORS
 * headers at all. Vary: Origin is sent whenever any origin is configured, so that caches keep
 * allowed and refused answers apart. */
#ifndef IA_HTTP_CORS_H
#define IA_HTTP_CORS_H

#include <stdbool.h>
#include <stddef.h>

#include "http/http.h"

#define CORS_HEADERS_MAX 6

bool cors_origin_allowed(const char *const *allowed, size_t nallowed, const char *origin);

/* Writes the CORS response headers for a request into out (static strings and origin) and
 * returns how many. preflight is an OPTIONS request carrying
 * Access-Control-Request-Method. */
size_t cors_headers(const char *const *allowed, size_t nallowed, const char *origin, bool preflight,
                    http_kv out[CORS_HEADERS_MAX]);

#endif
