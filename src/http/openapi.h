/* The OpenAPI 3.1 document, generated from the route table and the tables each route's
 * documentation points at (http/doc.h): the field tables its handler validates, the object
 * tables of what it renders, its responses and error codes. It cannot list a route the server
 * does not have, nor miss one it has, nor describe an input other than the one validated. */
#ifndef IA_HTTP_OPENAPI_H
#define IA_HTTP_OPENAPI_H

#include <jansson.h>

#include "http/http.h"

typedef struct {
    const char *name;
    const char *description;
} openapi_tag;

/* What the document says about the API as a whole. */
typedef struct {
    const char *title;
    const char *version;
    const char *description; /* CommonMark */
    const openapi_tag *tags; /* in the order the reference shows them */
    size_t ntags;
} openapi_info;

/* Builds the document for routes (those under /__test are left out); the caller owns the
 * result. NULL on allocation failure or when two different object tables claim one component
 * name. */
json_t *openapi_document(const http_route *const *routes, size_t n, const openapi_info *info);

#endif
