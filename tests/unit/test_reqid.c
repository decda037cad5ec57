/* Unit tests for src/http/reqid.c: an incoming X-Request-ID of 1-128 characters of
 * [A-Za-z0-9._-] is kept verbatim; anything else is replaced by a fresh UUIDv4
 * (docs/api.md §1.7). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sodium.h>
#include <string.h>

#include "core/uuid.h"
#include "http/http.h"
#include "http/reqid.h"
#include "core/util.h"

static int setup(void **state)
{
    (void)state;
    return sodium_init() < 0 ? -1 : 0;
}

/* Fails unless out is a canonical lower-case UUIDv4. */
static void assert_generated_uuid(const char *out, const char *incoming)
{
    if (strlen(out) != 36 || !ia_uuid_valid(out))
        fail_msg("incoming \"%s\" gave \"%s\", expected a 36-character UUID", incoming, out);
    assert_int_equal(out[14], '4');
    assert_non_null(strchr("89ab", out[19]));
    for (const char *p = out; *p; p++)
        if (*p >= 'A' && *p <= 'F')
            fail_msg("generated id %s is not lower case", out);
}

static void test_valid_ids_are_kept_verbatim(void **state)
{
    (void)state;
    static const char *const ids[] = {
        "a", "Z", "0", "req-123_abc.DEF", "550e8400-e29b-41d4-a716-446655440000", "...", "-_-",
    };
    for (size_t i = 0; i < COUNT(ids); i++) {
        char out[HTTP_REQUEST_ID_MAX + 1];
        assert_true(reqid_valid(ids[i]));
        reqid_resolve(ids[i], out);
        assert_string_equal(out, ids[i]);
    }
}

static void test_id_of_128_characters_is_kept(void **state)
{
    (void)state;
    static const char alphabet[] =
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-";
    char id[129];
    for (size_t i = 0; i < 128; i++)
        id[i] = alphabet[i % (sizeof(alphabet) - 1)];
    id[128] = '\0';
    char out[HTTP_REQUEST_ID_MAX + 1];
    assert_true(reqid_valid(id));
    reqid_resolve(id, out);
    assert_string_equal(out, id);
}

static void test_id_of_129_characters_is_replaced(void **state)
{
    (void)state;
    char id[130];
    memset(id, 'a', 129);
    id[129] = '\0';
    char out[HTTP_REQUEST_ID_MAX + 1];
    assert_false(reqid_valid(id));
    reqid_resolve(id, out);
    assert_generated_uuid(out, "a x 129");
}

static void test_invalid_ids_are_replaced_by_a_uuid(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "",    " ",   "has space", "a/b",  "../etc",      "a\tb", "a\nb",   "a\rb",  "a;b",
        "a:b", "a+b", "a=b",       "{id}", "caf\xc3\xa9", "\xff", "id\x7f", "a%20b", "<script>",
    };
    for (size_t i = 0; i < COUNT(bad); i++) {
        char out[HTTP_REQUEST_ID_MAX + 1];
        if (reqid_valid(bad[i]))
            fail_msg("\"%s\" considered valid", bad[i]);
        reqid_resolve(bad[i], out);
        assert_generated_uuid(out, bad[i]);
    }
}

static void test_missing_id_is_replaced_by_a_uuid(void **state)
{
    (void)state;
    char out[HTTP_REQUEST_ID_MAX + 1];
    assert_false(reqid_valid(NULL));
    reqid_resolve(NULL, out);
    assert_generated_uuid(out, "(none)");
}

static void test_generated_ids_differ(void **state)
{
    (void)state;
    char a[HTTP_REQUEST_ID_MAX + 1], b[HTTP_REQUEST_ID_MAX + 1];
    reqid_resolve(NULL, a);
    reqid_resolve("", b);
    assert_string_not_equal(a, b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_ids_are_kept_verbatim),
        cmocka_unit_test(test_id_of_128_characters_is_kept),
        cmocka_unit_test(test_id_of_129_characters_is_replaced),
        cmocka_unit_test(test_invalid_ids_are_replaced_by_a_uuid),
        cmocka_unit_test(test_missing_id_is_replaced_by_a_uuid),
        cmocka_unit_test(test_generated_ids_differ),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
