/* The OpenAPI 3.1 document, generated from the route table so that it can never list a route
 * the server does not have, nor miss one it has. */
#ifndef IA_HTTP_OPENAPI_H
#define IA_HTTP_OPENAPI_H

#include <jansson.h>

#include "http/http.h"

/* Builds the document for routes; the caller owns the result (NULL on allocation failure). */
json_t *openapi_document(const http_route *const *routes, size_t n, const char *version);

#endif
