/* Unit tests for src/http/router.c: literal-over-parameter precedence, the optional trailing
 * slash, 404 versus 405 with its Allow list, HEAD and OPTIONS, parameters and their types, the
 * checks router_add makes, and the GET fallback the web app is served by. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "core/arena.h"
#include "core/errors.h"
#include "http/http.h"
#include "http/router.h"
#include "core/util.h"

#define UUID_LOWER "550e8400-e29b-41d4-a716-446655440000"
#define UUID_UPPER "550E8400-E29B-41D4-A716-446655440000"

static int handler_stub(http_req *req, http_res *res)
{
    (void)req;
    (void)res;
    return IA_OK;
}

static const http_route health_get = { "GET", "/api/v1/health", handler_stub };
static const http_route history_get = { "GET", "/api/v1/interview/history", handler_stub };
static const http_route session_get = { "GET", "/api/v1/interview/{session_id:uuid}",
                                        handler_stub };
static const http_route session_delete = { "DELETE", "/api/v1/interview/{session_id:uuid}",
                                           handler_stub };
static const http_route upload_post = { "POST", "/api/v1/resume/upload/", handler_stub };
static const http_route version_get = { "GET",
                                        "/api/v1/resume/{resume_id:uuid}/versions/{version:int}",
                                        handler_stub };
static const http_route items_get = { "GET", "/api/v1/items", handler_stub };
static const http_route items_post = { "POST", "/api/v1/items", handler_stub };
static const http_route tag_get = { "GET", "/api/v1/tags/{name}", handler_stub };
static const http_route root_get = { "GET", "/", handler_stub };

typedef struct {
    router *r;
    arena *a;
} fixture;

/* A router holding the routes above (history added after the parameter route that could
 * shadow it) and an arena for parameter values. */
static int setup(void **state)
{
    static fixture fx;
    static const http_route *const routes[] = {
        &health_get,  &session_get, &history_get, &session_delete, &upload_post,
        &version_get, &items_get,   &items_post,  &tag_get,        &root_get,
    };
    fx.r = router_create();
    fx.a = arena_create(1024 * 1024);
    if (fx.r == NULL || fx.a == NULL)
        return -1;
    for (size_t i = 0; i < COUNT(routes); i++)
        if (router_add(fx.r, routes[i]) != IA_OK)
            return -1;
    *state = &fx;
    return 0;
}

static int teardown(void **state)
{
    fixture *fx = *state;
    router_free(fx->r);
    arena_destroy(fx->a);
    return 0;
}

static router_result match(void **state, const char *method, const char *path, router_match *m)
{
    fixture *fx = *state;
    return router_match_path(fx->r, fx->a, method, path, m);
}

/* ---- precedence ----------------------------------------------------------------------------- */

static void test_literal_segment_beats_a_parameter_whatever_the_order_added(void **state)
{
    router_match m;
    assert_int_equal(match(state, "GET", "/api/v1/interview/history", &m), ROUTER_FOUND);
    assert_ptr_equal(m.route, &history_get);
    assert_int_equal(m.nparams, 0);

    /* The same two routes added literal first. */
    router *r = router_create();
    arena *a = arena_create(64 * 1024);
    assert_int_equal(router_add(r, &history_get), IA_OK);
    assert_int_equal(router_add(r, &session_get), IA_OK);
    assert_int_equal(router_match_path(r, a, "GET", "/api/v1/interview/history", &m), ROUTER_FOUND);
    assert_ptr_equal(m.route, &history_get);
    assert_int_equal(router_match_path(r, a, "GET", "/api/v1/interview/" UUID_LOWER, &m),
                     ROUTER_FOUND);
    assert_ptr_equal(m.route, &session_get);
    router_free(r);
    arena_destroy(a);
}

static void test_parameter_route_matches_other_values(void **state)
{
    router_match m;
    assert_int_equal(match(state, "GET", "/api/v1/interview/" UUID_LOWER, &m), ROUTER_FOUND);
    assert_ptr_equal(m.route, &session_get);
    assert_string_equal(m.pattern, "/api/v1/interview/{session_id}");
    assert_int_equal(m.nparams, 1);
    assert_string_equal(m.names[0], "session_id");
    assert_string_equal(m.values[0], UUID_LOWER);
    assert_int_equal(m.types[0], 'u');
}

/* ---- trailing slash ------------------------------------------------------------------------- */

static void test_one_trailing_slash_is_optional_on_path_and_pattern(void **state)
{
    router_match m;
    assert_int_equal(match(state, "GET", "/api/v1/health", &m), ROUTER_FOUND);
    assert_ptr_equal(m.route, &health_get);
    assert_int_equal(match(state, "GET", "/api/v1/health/", &m), ROUTER_FOUND);
    assert_ptr_equal(m.route, &health_get);
    /* The pattern was written with the slash. */
    assert_int_equal(match(state, "POST", "/api/v1/resume/upload/", &m), ROUTER_FOUND);
    assert_ptr_equal(m.route, &upload_post);
    assert_int_equal(match(state, "POST", "/api/v1/resume/upload", &m), ROUTER_FOUND);
    assert_ptr_equal(m.route, &upload_post);
    assert_int_equal(match(state, "GET", "/", &m), ROUTER_FOUND);
    assert_ptr_equal(m.route, &root_get);
}

static void test_empty_segment_inside_a_path_is_not_found(void **state)
{
    router_match m;
    assert_int_equal(match(state, "GET", "/api//v1/health", &m), ROUTER_NOT_FOUND);
    assert_int_equal(match(state, "GET", "//api/v1/health", &m), ROUTER_NOT_FOUND);
    assert_int_equal(match(state, "GET", "/api/v1//health", &m), ROUTER_NOT_FOUND);
    assert_int_equal(match(state, "GET", "api/v1/health", &m), ROUTER_NOT_FOUND);
    assert_int_equal(match(state, "GET", "", &m), ROUTER_NOT_FOUND);
}

/* Only one trailing slash is optional: "/x//" is not "/x". */
static void test_two_trailing_slashes_do_not_match(void **state)
{
    static const char *const paths[] = {
        "/api/v1/health//",
        "/api/v1/interview/history//",
        "/api/v1/resume/upload//",
        "//",
    };
    char matched[512] = "";
    size_t o = 0;
    for (size_t i = 0; i < COUNT(paths); i++) {
        router_match m;
        router_result rr = match(state, "GET", paths[i], &m);
        if (rr != ROUTER_NOT_FOUND)
            o += (size_t)snprintf(matched + o, sizeof(matched) - o, " %s (result %d)", paths[i],
                                  (int)rr);
    }
    if (o > 0)
        fail_msg("paths with two trailing slashes matched a route:%s", matched);
}

/* ---- 404, 405, HEAD, OPTIONS ---------------------------------------------------------------- */

static void test_unknown_path_is_not_found(void **state)
{
    router_match m;
    assert_int_equal(match(state, "GET", "/api/v1/nothing", &m), ROUTER_NOT_FOUND);
    assert_int_equal(match(state, "GET", "/api/v1/health/extra", &m), ROUTER_NOT_FOUND);
    assert_int_equal(match(state, "GET", "/api/v1", &m), ROUTER_NOT_FOUND);
    assert_int_equal(match(state, "GET", "/API/V1/HEALTH", &m), ROUTER_NOT_FOUND);
    assert_null(m.route);
}

static void test_known_path_with_other_method_is_405_with_the_allow_list(void **state)
{
    router_match m;
    assert_int_equal(match(state, "POST", "/api/v1/health", &m), ROUTER_METHOD_NOT_ALLOWED);
    assert_null(m.route);
    assert_string_equal(m.allow, "GET, HEAD, OPTIONS");
    assert_string_equal(m.pattern, "/api/v1/health");

    assert_int_equal(match(state, "DELETE", "/api/v1/items", &m), ROUTER_METHOD_NOT_ALLOWED);
    assert_string_equal(m.allow, "GET, HEAD, POST, OPTIONS");

    assert_int_equal(match(state, "PUT", "/api/v1/interview/" UUID_LOWER, &m),
                     ROUTER_METHOD_NOT_ALLOWED);
    assert_string_equal(m.allow, "GET, HEAD, DELETE, OPTIONS");

    assert_int_equal(match(state, "GET", "/api/v1/resume/upload", &m), ROUTER_METHOD_NOT_ALLOWED);
    assert_string_equal(m.allow, "POST, OPTIONS");
    assert_int_equal(m.methods, HTTP_POST | HTTP_OPTIONS);
}

static void test_unknown_or_lower_case_method_is_405(void **state)
{
    router_match m;
    assert_int_equal(match(state, "BREW", "/api/v1/health", &m), ROUTER_METHOD_NOT_ALLOWED);
    assert_string_equal(m.allow, "GET, HEAD, OPTIONS");
    assert_int_equal(match(state, "get", "/api/v1/health", &m), ROUTER_METHOD_NOT_ALLOWED);
}

static void test_head_is_served_by_the_get_route(void **state)
{
    router_match m;
    assert_int_equal(match(state, "HEAD", "/api/v1/health", &m), ROUTER_FOUND);
    assert_ptr_equal(m.route, &health_get);
    assert_int_equal(match(state, "HEAD", "/api/v1/interview/" UUID_LOWER, &m), ROUTER_FOUND);
    assert_ptr_equal(m.route, &session_get);
    /* No GET route, no HEAD. */
    assert_int_equal(match(state, "HEAD", "/api/v1/resume/upload", &m), ROUTER_METHOD_NOT_ALLOWED);
}

static void test_options_matches_any_pattern_with_no_route(void **state)
{
    router_match m;
    assert_int_equal(match(state, "OPTIONS", "/api/v1/items", &m), ROUTER_FOUND);
    assert_null(m.route);
    assert_string_equal(m.allow, "GET, HEAD, POST, OPTIONS");
    assert_int_equal(m.methods, HTTP_GET | HTTP_HEAD | HTTP_POST | HTTP_OPTIONS);
    assert_int_equal(match(state, "OPTIONS", "/api/v1/resume/upload/", &m), ROUTER_FOUND);
    assert_null(m.route);
    assert_string_equal(m.allow, "POST, OPTIONS");
    assert_int_equal(match(state, "OPTIONS", "/api/v1/nothing", &m), ROUTER_NOT_FOUND);
}

/* ---- parameters ----------------------------------------------------------------------------- */

static void test_parameters_are_extracted_in_order_with_their_types(void **state)
{
    router_match m;
    assert_int_equal(match(state, "GET", "/api/v1/resume/" UUID_UPPER "/versions/12/", &m),
                     ROUTER_FOUND);
    assert_ptr_equal(m.route, &version_get);
    assert_int_equal(m.nparams, 2);
    assert_string_equal(m.names[0], "resume_id");
    assert_string_equal(m.values[0], UUID_UPPER);
    assert_int_equal(m.types[0], 'u');
    assert_string_equal(m.names[1], "version");
    assert_string_equal(m.values[1], "12");
    assert_int_equal(m.types[1], 'i');

    assert_int_equal(match(state, "GET", "/api/v1/tags/any%20thing", &m), ROUTER_FOUND);
    assert_int_equal(m.nparams, 1);
    assert_string_equal(m.values[0], "any%20thing");
    assert_int_equal(m.types[0], 's');
}

static void test_uuid_parameter_is_valid_in_either_case_and_nothing_else(void **state)
{
    static const char *const good[] = { UUID_LOWER, UUID_UPPER,
                                        "550e8400-E29B-41d4-A716-446655440000" };
    static const char *const bad[] = {
        "not-a-uuid",
        "550e8400e29b41d4a716446655440000",
        "550e8400-e29b-41d4-a716-44665544000",
        "550e8400-e29b-41d4-a716-4466554400000",
        "550e8400-e29b-41d4-a716-44665544000g",
        "{550e8400-e29b-41d4-a716-446655440000}",
        "history",
    };
    char path[256];
    router_match m;
    for (size_t i = 0; i < COUNT(good); i++) {
        snprintf(path, sizeof(path), "/api/v1/resume/%s/versions/1", good[i]);
        assert_int_equal(match(state, "GET", path, &m), ROUTER_FOUND);
        if (!router_params_valid(&m))
            fail_msg("uuid %s refused", good[i]);
    }
    for (size_t i = 0; i < COUNT(bad); i++) {
        snprintf(path, sizeof(path), "/api/v1/resume/%s/versions/1", bad[i]);
        assert_int_equal(match(state, "GET", path, &m), ROUTER_FOUND);
        if (router_params_valid(&m))
            fail_msg("\"%s\" accepted as a uuid", bad[i]);
    }
}

static void test_int_parameter_is_a_short_non_negative_integer(void **state)
{
    static const char *const good[] = { "0", "7", "42", "007", "999999999" };
    static const char *const bad[] = { "-1", "+1", "1.5", "abc", "12a", "1e3", "1234567890" };
    char path[256];
    router_match m;
    for (size_t i = 0; i < COUNT(good); i++) {
        snprintf(path, sizeof(path), "/api/v1/resume/" UUID_LOWER "/versions/%s", good[i]);
        assert_int_equal(match(state, "GET", path, &m), ROUTER_FOUND);
        if (!router_params_valid(&m))
            fail_msg("int %s refused", good[i]);
    }
    for (size_t i = 0; i < COUNT(bad); i++) {
        snprintf(path, sizeof(path), "/api/v1/resume/" UUID_LOWER "/versions/%s", bad[i]);
        assert_int_equal(match(state, "GET", path, &m), ROUTER_FOUND);
        if (router_params_valid(&m))
            fail_msg("\"%s\" accepted as an int", bad[i]);
    }
}

static void test_untyped_parameter_is_always_valid(void **state)
{
    router_match m;
    assert_int_equal(match(state, "GET", "/api/v1/tags/-anything.at~all-", &m), ROUTER_FOUND);
    assert_true(router_params_valid(&m));
}

/* ---- router_add ----------------------------------------------------------------------------- */

static void test_same_method_and_shape_is_a_conflict(void **state)
{
    (void)state;
    static const http_route a = { "GET", "/api/v1/things/{id}", handler_stub };
    static const http_route same = { "GET", "/api/v1/things/{id}", handler_stub };
    static const http_route renamed = { "GET", "/api/v1/things/{other:int}", handler_stub };
    static const http_route slash = { "GET", "/api/v1/things/{id}/", handler_stub };
    static const http_route other_method = { "PUT", "/api/v1/things/{id}", handler_stub };
    static const http_route literal = { "GET", "/api/v1/things/mine", handler_stub };
    router *r = router_create();
    assert_int_equal(router_add(r, &a), IA_OK);
    assert_int_equal(router_add(r, &same), IA_ERR_CONFLICT);
    assert_int_equal(router_add(r, &renamed), IA_ERR_CONFLICT);
    assert_int_equal(router_add(r, &slash), IA_ERR_CONFLICT);
    assert_int_equal(router_add(r, &other_method), IA_OK);
    assert_int_equal(router_add(r, &literal), IA_OK);
    size_t n = 0;
    const http_route *const *all = router_routes(r, &n);
    assert_int_equal(n, 3);
    assert_ptr_equal(all[0], &a);
    assert_ptr_equal(all[1], &other_method);
    assert_ptr_equal(all[2], &literal);
    router_free(r);
}

static void test_malformed_patterns_and_methods_are_refused(void **state)
{
    (void)state;
    static const char *const bad_patterns[] = {
        "",
        "api/v1/x",
        "/a//b",
        "/{}",
        "/{:uuid}",
        "/{id",
        "/{id:float}",
        "/{id:}",
        "/{id:UUID}",
        "/a/{id:int",
        "/a/b/c/d/e/f/g/h/i/j/k/l/m",
    };
    router *r = router_create();
    for (size_t i = 0; i < COUNT(bad_patterns); i++) {
        http_route route = { "GET", bad_patterns[i], handler_stub };
        int rc = router_add(r, &route);
        if (rc != IA_ERR_INVALID)
            fail_msg("pattern \"%s\": rc %d, expected IA_ERR_INVALID", bad_patterns[i], rc);
    }
    static const http_route bad_method = { "FETCH", "/x", handler_stub };
    static const http_route lower_method = { "get", "/x", handler_stub };
    static const http_route options = { "OPTIONS", "/x", handler_stub };
    static const http_route no_handler = { "GET", "/x", NULL };
    assert_int_equal(router_add(r, &bad_method), IA_ERR_INVALID);
    assert_int_equal(router_add(r, &lower_method), IA_ERR_INVALID);
    assert_int_equal(router_add(r, &options), IA_ERR_INVALID);
    assert_int_equal(router_add(r, &no_handler), IA_ERR_INVALID);
    size_t n = 99;
    router_routes(r, &n);
    assert_int_equal(n, 0);
    router_free(r);
}

/* Only one trailing slash is optional in a pattern, as in a path. */
static void test_pattern_with_two_trailing_slashes_is_refused(void **state)
{
    (void)state;
    static const char *const patterns[] = { "/a//", "/api/v1/health//", "//" };
    char accepted[256] = "";
    size_t o = 0;
    for (size_t i = 0; i < COUNT(patterns); i++) {
        router *r = router_create();
        http_route route = { "GET", patterns[i], handler_stub };
        int rc = router_add(r, &route);
        router_free(r);
        if (rc != IA_ERR_INVALID)
            o += (size_t)snprintf(accepted + o, sizeof(accepted) - o, " %s (rc %d)", patterns[i],
                                  rc);
    }
    if (o > 0)
        fail_msg("patterns with two trailing slashes accepted:%s", accepted);
}

static void test_twelve_segments_route_and_thirteen_do_not(void **state)
{
    (void)state;
    static const http_route twelve = { "GET", "/a/b/c/d/e/f/g/h/i/j/k/{last}", handler_stub };
    router *r = router_create();
    arena *a = arena_create(64 * 1024);
    assert_int_equal(router_add(r, &twelve), IA_OK);
    router_match m;
    assert_int_equal(router_match_path(r, a, "GET", "/a/b/c/d/e/f/g/h/i/j/k/l", &m), ROUTER_FOUND);
    assert_int_equal(router_match_path(r, a, "GET", "/a/b/c/d/e/f/g/h/i/j/k/l/m", &m),
                     ROUTER_NOT_FOUND);
    assert_int_equal(router_match_path(r, a, "GET", "/a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p/q/r", &m),
                     ROUTER_NOT_FOUND);
    router_free(r);
    arena_destroy(a);
}

static void test_overlong_segment_is_not_found(void **state)
{
    char path[600];
    memcpy(path, "/api/v1/tags/", 13);
    memset(path + 13, 'x', 300);
    path[313] = '\0';
    router_match m;
    assert_int_equal(match(state, "GET", path, &m), ROUTER_NOT_FOUND);
    path[13 + 256] = '\0'; /* 256 characters is the longest segment */
    assert_int_equal(match(state, "GET", path, &m), ROUTER_FOUND);
}

static void test_method_bits_cover_the_seven_methods(void **state)
{
    (void)state;
    assert_int_equal(http_method_bit("GET"), HTTP_GET);
    assert_int_equal(http_method_bit("HEAD"), HTTP_HEAD);
    assert_int_equal(http_method_bit("POST"), HTTP_POST);
    assert_int_equal(http_method_bit("PUT"), HTTP_PUT);
    assert_int_equal(http_method_bit("PATCH"), HTTP_PATCH);
    assert_int_equal(http_method_bit("DELETE"), HTTP_DELETE);
    assert_int_equal(http_method_bit("OPTIONS"), HTTP_OPTIONS);
    assert_int_equal(http_method_bit("TRACE"), 0);
    assert_int_equal(http_method_bit(""), 0);
}

/* ---- fallback (the web app) ------------------------------------------------------------------ */

static const http_route app_get = { "GET", "/{web app file}", handler_stub };
static const char *const reserved[] = { "/api", "/health", NULL };

/* A router with the fixture's GET /api/v1/items and /api/v1/health routes and the fallback. */
static router *fallback_router(void)
{
    router *r = router_create();
    assert_non_null(r);
    assert_int_equal(router_add(r, &items_get), IA_OK);
    assert_int_equal(router_add(r, &items_post), IA_OK);
    router_set_fallback(r, &app_get, reserved);
    return r;
}

static void test_without_a_fallback_unmatched_paths_stay_not_found(void **state)
{
    router_match m;
    assert_int_equal(match(state, "GET", "/dashboard", &m), ROUTER_NOT_FOUND);
    assert_null(m.route);
}

static void test_fallback_answers_unmatched_get_and_head(void **state)
{
    (void)state;
    router *r = fallback_router();
    arena *a = arena_create(64 * 1024);
    router_match m;
    static const char *const paths[] = { "/",     "/dashboard", "/resume/shared/abc", "/x/y/z/",
                                         "/apix", "/healthy",   "/assets/app-0123.js" };
    for (size_t i = 0; i < COUNT(paths); i++) {
        for (int head = 0; head < 2; head++) {
            assert_int_equal(router_match_path(r, a, head ? "HEAD" : "GET", paths[i], &m),
                             ROUTER_FOUND);
            assert_ptr_equal(m.route, &app_get);
            assert_string_equal(m.pattern, "/{web app file}");
            assert_int_equal(m.nparams, 0);
            assert_string_equal(m.allow, "GET, HEAD");
        }
    }
    /* A path too deep for any pattern is still the app's to judge. */
    assert_int_equal(router_match_path(r, a, "GET", "/a/b/c/d/e/f/g/h/i/j/k/l/m/n", &m),
                     ROUTER_FOUND);
    assert_ptr_equal(m.route, &app_get);
    router_free(r);
    arena_destroy(a);
}

static void test_fallback_never_takes_other_methods_or_reserved_trees(void **state)
{
    (void)state;
    router *r = fallback_router();
    arena *a = arena_create(64 * 1024);
    router_match m;
    static const char *const methods[] = { "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE" };
    for (size_t i = 0; i < COUNT(methods); i++)
        assert_int_equal(router_match_path(r, a, methods[i], "/dashboard", &m), ROUTER_NOT_FOUND);
    static const char *const kept[] = { "/api",         "/api/",     "/api/v1",
                                        "/api/v1/nope", "/health/x", "/health//" };
    for (size_t i = 0; i < COUNT(kept); i++) {
        assert_int_equal(router_match_path(r, a, "GET", kept[i], &m), ROUTER_NOT_FOUND);
        assert_null(m.route);
    }
    /* Known routes win, and a wrong method on them is still 405. */
    assert_int_equal(router_match_path(r, a, "GET", "/api/v1/items", &m), ROUTER_FOUND);
    assert_ptr_equal(m.route, &items_get);
    assert_int_equal(router_match_path(r, a, "DELETE", "/api/v1/items", &m),
                     ROUTER_METHOD_NOT_ALLOWED);
    /* The fallback is not one of the listed routes (OpenAPI stays the API's). */
    size_t n = 0;
    const http_route *const *all = router_routes(r, &n);
    assert_int_equal(n, 2);
    for (size_t i = 0; i < n; i++)
        assert_ptr_not_equal(all[i], &app_get);
    router_free(r);
    arena_destroy(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_literal_segment_beats_a_parameter_whatever_the_order_added),
        cmocka_unit_test(test_parameter_route_matches_other_values),
        cmocka_unit_test(test_one_trailing_slash_is_optional_on_path_and_pattern),
        cmocka_unit_test(test_empty_segment_inside_a_path_is_not_found),
        cmocka_unit_test(test_two_trailing_slashes_do_not_match),
        cmocka_unit_test(test_unknown_path_is_not_found),
        cmocka_unit_test(test_known_path_with_other_method_is_405_with_the_allow_list),
        cmocka_unit_test(test_unknown_or_lower_case_method_is_405),
        cmocka_unit_test(test_head_is_served_by_the_get_route),
        cmocka_unit_test(test_options_matches_any_pattern_with_no_route),
        cmocka_unit_test(test_parameters_are_extracted_in_order_with_their_types),
        cmocka_unit_test(test_uuid_parameter_is_valid_in_either_case_and_nothing_else),
        cmocka_unit_test(test_int_parameter_is_a_short_non_negative_integer),
        cmocka_unit_test(test_untyped_parameter_is_always_valid),
        cmocka_unit_test(test_same_method_and_shape_is_a_conflict),
        cmocka_unit_test(test_malformed_patterns_and_methods_are_refused),
        cmocka_unit_test(test_pattern_with_two_trailing_slashes_is_refused),
        cmocka_unit_test(test_twelve_segments_route_and_thirteen_do_not),
        cmocka_unit_test(test_overlong_segment_is_not_found),
        cmocka_unit_test(test_method_bits_cover_the_seven_methods),
        cmocka_unit_test(test_without_a_fallback_unmatched_paths_stay_not_found),
        cmocka_unit_test(test_fallback_answers_unmatched_get_and_head),
        cmocka_unit_test(test_fallback_never_takes_other_methods_or_reserved_trees),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
