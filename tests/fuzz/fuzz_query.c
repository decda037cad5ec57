/* Fuzzes the parsers of form bodies and query strings (src/http/response.c http_form_value,
 * src/http/validate.c validate_query). The input is read twice: as an
 * application/x-www-form-urlencoded body (the login form), from which the fields the login
 * reads and the first key are looked up and decoded; and as a query string, cut at '&' and
 * '=' into the name/value pairs the server hands over, checked against the parameters of a
 * list endpoint (skip, limit, a status choice, search). Checked: what is accepted is in range
 * or one of the choices; a search is at most 100 characters of valid UTF-8 (anything else
 * would reach the database, where PostgreSQL refuses it). */
#include <string.h>

#include "core/arena.h"
#include "core/errors.h"
#include "core/utf8.h"
#include "fuzz.h"
#include "http/http.h"
#include "http/validate.h"

#define QUERY_MAX 32

static const char *const STATUSES[] = { "pending", "processing", "analyzed", "error", NULL };

/* The parameters of the resume list. */
static const v_field list_query[] = {
    V_QUERY_SKIP,
    V_QUERY_LIMIT("10"),
    { "status", V_STRING, 0, 0, 20, STATUSES },
    V_QUERY_SEARCH("a substring"),
};

/* Cuts s (modified in place) into at most QUERY_MAX pairs at '&' and '='. */
static size_t split_query(char *s, http_kv *kv)
{
    size_t n = 0;
    char *p = s;
    while (p != NULL && n < QUERY_MAX) {
        char *amp = strchr(p, '&');
        if (amp != NULL)
            *amp = '\0';
        char *eq = strchr(p, '=');
        if (eq != NULL)
            *eq = '\0';
        kv[n].name = p;
        kv[n].value = eq ? eq + 1 : "";
        n++;
        p = amp ? amp + 1 : NULL;
    }
    return n;
}

static void form(arena *a, const char *body, size_t len)
{
    http_req req;
    http_res res;
    fuzz_http_init(&req, &res, a);
    req.body = body;
    req.body_len = len;
    static const char *const names[] = { "username", "password", "grant_type", "", "a b", "%" };
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        (void)http_form_value(&req, names[i]);
}

static void query(arena *a, char *text)
{
    http_kv kv[QUERY_MAX];
    http_req req;
    http_res res;
    fuzz_http_init(&req, &res, a);
    req.query = kv;
    size_t nquery = split_query(text, kv);
    req.nquery = nquery;
    v_value out[V_COUNT(list_query)];
    int rc = validate_query(&req, &res, list_query, V_COUNT(list_query), out);
    if (rc != IA_OK) {
        fuzz_check(res.status == 422, "refused parameters are a 422");
        return;
    }
    fuzz_check(out[0].i >= 0, "an accepted skip is not negative");
    fuzz_check(out[1].i >= 1 && out[1].i <= 100, "an accepted limit is 1..100");
    bool known = out[2].s == NULL;
    for (size_t i = 0; !known && STATUSES[i] != NULL; i++)
        known = strcmp(STATUSES[i], out[2].s) == 0;
    fuzz_check(known, "an accepted status is one of the choices");
    long long len = out[3].s ? ia_utf8_length(out[3].s) : 0;
    fuzz_check(len >= 0 && len <= 100, "an accepted search is short UTF-8");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    arena *a = arena_create(4u << 20);
    char *text = fuzz_strndup(data, size);
    if (a != NULL && text != NULL) {
        form(a, text, size);
        query(a, text);
    }
    arena_destroy(a);
    free(text);
    return 0;
}
