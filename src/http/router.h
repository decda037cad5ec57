/* The route table: patterns with literal segments and {name}, {name:uuid}, {name:int}
 * parameters. One trailing slash is optional; a literal segment beats a parameter at the
 * first position where two matching patterns differ. Parameter types are checked separately
 * (router_params_valid), because docs/api.md checks them after authentication and body rules. */
#ifndef IA_HTTP_ROUTER_H
#define IA_HTTP_ROUTER_H

#include <stdbool.h>
#include <stddef.h>

#include "core/arena.h"
#include "http/http.h"

#define ROUTER_MAX_SEGMENTS 12
#define ROUTER_ALLOW_MAX    64

typedef struct router router;

typedef enum { ROUTER_FOUND, ROUTER_NOT_FOUND, ROUTER_METHOD_NOT_ALLOWED } router_result;

typedef struct {
    const http_route *route;      /* NULL unless ROUTER_FOUND */
    const char *pattern;          /* the matched pattern (also for 405 and OPTIONS) */
    unsigned methods;             /* HTTP_* bits the pattern answers, HEAD and OPTIONS included */
    char allow[ROUTER_ALLOW_MAX]; /* "GET, HEAD, OPTIONS" */
    size_t nparams;
    const char *names[HTTP_MAX_PARAMS];
    const char *values[HTTP_MAX_PARAMS];
    char types[HTTP_MAX_PARAMS]; /* 's' any, 'u' uuid, 'i' int */
} router_match;

router *router_create(void);
void router_free(router *r);

/* Adds a route. Fails with IA_ERR_INVALID for a malformed pattern or method and
 * IA_ERR_CONFLICT when the same method and pattern shape is already taken. */
int router_add(router *r, const http_route *route);

/* Sets the route that answers GET and HEAD for a path no pattern matches (the web app's files
 * and client routes), except paths inside a reserved tree: each entry of reserved (NULL
 * terminated, kept by reference) is a prefix such as "/api" that covers "/api" itself and
 * everything below "/api/"; those paths stay 404. The fallback is not listed by
 * router_routes, and other methods on unmatched paths stay 404. */
void router_set_fallback(router *r, const http_route *route, const char *const *reserved);

/* Matches method and path. OPTIONS matches any pattern (route NULL, methods filled). HEAD
 * uses the GET route. An unmatched GET or HEAD outside the reserved trees gets the fallback
 * route, with pattern set to the route's pattern and no parameters. Parameter values are
 * copied into a. */
router_result router_match_path(const router *r, arena *a, const char *method, const char *path,
                                router_match *m);

/* True when every typed parameter of m has the right form (UUID, non-negative integer). */
bool router_params_valid(const router_match *m);

/* The method bit for a method name, 0 when unknown. */
unsigned http_method_bit(const char *method);

/* All routes in the order they were added. */
const http_route *const *router_routes(const router *r, size_t *n);

#endif
