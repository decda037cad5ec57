/* Request ids: an incoming X-Request-ID is kept when it is 1-128 characters of
 * [A-Za-z0-9._-]; anything else is replaced by a fresh UUID. */
#ifndef IA_HTTP_REQID_H
#define IA_HTTP_REQID_H

#include <stdbool.h>

#include "http/http.h"

bool reqid_valid(const char *s);

/* Writes the request id to use into out: incoming when valid, else a new UUIDv4. */
void reqid_resolve(const char *incoming, char out[HTTP_REQUEST_ID_MAX + 1]);

#endif
