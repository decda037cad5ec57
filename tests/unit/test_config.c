/* Unit tests for src/core/config.c and src/core/env.c: the typed parsers, the SECRET_KEY rules,
 * loading through a lookup function, the masked print, the .env.example contract and the .env
 * file reader. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/config.h"
#include "core/env.h"
#include "core/errors.h"
#include "core/log.h"
#include "core/netaddr.h"
#include "core/util.h"

/* A fixed 64-hex-digit key, as `openssl rand -hex 32` prints one. */
#define GOOD_SECRET "3f9a1c7e5b2d8f604a1e9c3b7d5f2a8e6c4b0d9f1e3a5c7b9d2f4e6a8c0b1d3e"

/* ---- helpers ---------------------------------------------------------------------------- */

typedef struct {
    const char *name;
    const char *value;
} setting;

typedef struct {
    const setting *items;
    size_t n;
} setting_table;

/* The lookup function handed to config_load_with: the first entry with that name, else NULL. */
static const char *table_lookup(void *ctx, const char *name)
{
    const setting_table *t = ctx;
    for (size_t i = 0; i < t->n; i++)
        if (strcmp(t->items[i].name, name) == 0)
            return t->items[i].value;
    return NULL;
}

/* Loads a configuration with a valid SECRET_KEY and one more setting (name may be NULL, and
 * may be SECRET_KEY itself, which then overrides the valid one). */
static int load_with_one(ia_config *cfg, const char *name, const char *value, char *err,
                         size_t errlen)
{
    setting items[2] = { { name ? name : "UNUSED_NAME", value }, { "SECRET_KEY", GOOD_SECRET } };
    setting_table t = { items, 2 };
    return config_load_with(cfg, table_lookup, &t, err, errlen);
}

/* What config_print writes for cfg, as a malloc'ed string. */
static char *printed(const ia_config *cfg)
{
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    assert_non_null(out);
    config_print(cfg, out);
    assert_int_equal(fclose(out), 0);
    assert_non_null(text);
    return text;
}

/* Parses a NUL-terminated .env text. */
static int env_parse_str(const char *text, env_file **f, char *err, size_t errlen)
{
    err[0] = '\0';
    return env_file_parse(text, strlen(text), f, err, errlen);
}

/* ---- config_parse_int --------------------------------------------------------------------- */

static void test_parse_int_accepts_values_inside_the_range_including_bounds(void **state)
{
    (void)state;
    long long v = -1;
    assert_int_equal(config_parse_int("0", 0, 65535, &v), IA_OK);
    assert_int_equal(v, 0);
    assert_int_equal(config_parse_int("65535", 0, 65535, &v), IA_OK);
    assert_int_equal(v, 65535);
    assert_int_equal(config_parse_int("8000", 0, 65535, &v), IA_OK);
    assert_int_equal(v, 8000);
}

static void test_parse_int_rejects_values_outside_the_range(void **state)
{
    (void)state;
    long long v = 42;
    assert_int_equal(config_parse_int("65536", 0, 65535, &v), IA_ERR_INVALID);
    assert_int_equal(config_parse_int("-1", 0, 65535, &v), IA_ERR_INVALID);
    assert_int_equal(config_parse_int("0", 1, 64, &v), IA_ERR_INVALID);
    assert_int_equal(v, 42); /* untouched on failure */
}

static void test_parse_int_handles_signs(void **state)
{
    (void)state;
    long long v = 0;
    assert_int_equal(config_parse_int("+7", 0, 10, &v), IA_OK);
    assert_int_equal(v, 7);
    assert_int_equal(config_parse_int("-7", -10, 10, &v), IA_OK);
    assert_true(v == -7);
    assert_int_equal(config_parse_int("-", -10, 10, &v), IA_ERR_INVALID);
    assert_int_equal(config_parse_int("+", -10, 10, &v), IA_ERR_INVALID);
    assert_int_equal(config_parse_int("--1", -10, 10, &v), IA_ERR_INVALID);
    assert_int_equal(config_parse_int("+-1", -10, 10, &v), IA_ERR_INVALID);
}

static void test_parse_int_rejects_junk(void **state)
{
    (void)state;
    static const char *const junk[] = { "",     "abc", "12abc", "abc12", " 12",      "12 ", "1 2",
                                        "0x10", "1e3", "1.5",   "1,000", "\xd9\xa3", "\t1" };
    long long v = 0;
    for (size_t i = 0; i < COUNT(junk); i++)
        if (config_parse_int(junk[i], LLONG_MIN, LLONG_MAX, &v) != IA_ERR_INVALID)
            fail_msg("config_parse_int accepted junk \"%s\"", junk[i]);
    assert_int_equal(config_parse_int(NULL, 0, 10, &v), IA_ERR_INVALID);
}

static void test_parse_int_rejects_overflow_and_accepts_the_extremes(void **state)
{
    (void)state;
    long long v = 0;
    assert_int_equal(config_parse_int("9223372036854775807", LLONG_MIN, LLONG_MAX, &v), IA_OK);
    assert_true(v == LLONG_MAX);
    assert_int_equal(config_parse_int("-9223372036854775808", LLONG_MIN, LLONG_MAX, &v), IA_OK);
    assert_true(v == LLONG_MIN);
    assert_int_equal(config_parse_int("9223372036854775808", LLONG_MIN, LLONG_MAX, &v),
                     IA_ERR_INVALID);
    assert_int_equal(config_parse_int("-9223372036854775809", LLONG_MIN, LLONG_MAX, &v),
                     IA_ERR_INVALID);
    assert_int_equal(config_parse_int("99999999999999999999999", LLONG_MIN, LLONG_MAX, &v),
                     IA_ERR_INVALID);
}

/* ---- config_parse_bool -------------------------------------------------------------------- */

static void test_parse_bool_accepts_the_documented_words_in_any_case(void **state)
{
    (void)state;
    static const char *const yes[] = { "true", "TRUE", "True", "1", "yes", "YES", "on", "On" };
    static const char *const no[] = { "false", "FALSE", "0", "no", "No", "off", "OFF" };
    for (size_t i = 0; i < COUNT(yes); i++) {
        bool b = false;
        if (config_parse_bool(yes[i], &b) != IA_OK || !b)
            fail_msg("\"%s\" is not read as true", yes[i]);
    }
    for (size_t i = 0; i < COUNT(no); i++) {
        bool b = true;
        if (config_parse_bool(no[i], &b) != IA_OK || b)
            fail_msg("\"%s\" is not read as false", no[i]);
    }
}

static void test_parse_bool_rejects_anything_else(void **state)
{
    (void)state;
    static const char *const bad[] = { "", "maybe", "2", "y", "n", "t", " true", "true ", "yess" };
    for (size_t i = 0; i < COUNT(bad); i++) {
        bool b = false;
        if (config_parse_bool(bad[i], &b) != IA_ERR_INVALID)
            fail_msg("config_parse_bool accepted \"%s\"", bad[i]);
    }
}

/* ---- config_parse_duration_ms ------------------------------------------------------------- */

static void test_parse_duration_understands_ms_s_m_h_and_bare_seconds(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        long long ms;
    } cases[] = {
        { "500ms", 500 }, { "30s", 30000 }, { "5m", 300000 }, { "1h", 3600000 },
        { "45", 45000 },  { "0", 0 },       { "0ms", 0 },     { "100ms", 100 },
    };
    for (size_t i = 0; i < COUNT(cases); i++) {
        long long ms = -1;
        if (config_parse_duration_ms(cases[i].in, &ms) != IA_OK)
            fail_msg("\"%s\" refused", cases[i].in);
        if (ms != cases[i].ms)
            fail_msg("\"%s\" read as %lld ms, expected %lld", cases[i].in, ms, cases[i].ms);
    }
}

static void test_parse_duration_rejects_junk(void **state)
{
    (void)state;
    static const char *const junk[] = { "",     "forever", "ms", "s",   "-5s", "+5s", "5x",  "5 s",
                                        "5sec", "1.5s",    " 5", "5s ", "5ss", "h1",  "5msx" };
    for (size_t i = 0; i < COUNT(junk); i++) {
        long long ms = 0;
        if (config_parse_duration_ms(junk[i], &ms) != IA_ERR_INVALID)
            fail_msg("config_parse_duration_ms accepted \"%s\"", junk[i]);
    }
}

static void test_parse_duration_rejects_overflow(void **state)
{
    (void)state;
    long long ms = 0;
    /* Too many digits for any unit. */
    assert_int_equal(config_parse_duration_ms("99999999999999999999ms", &ms), IA_ERR_INVALID);
    /* The number fits, the product with the unit does not. */
    assert_int_equal(config_parse_duration_ms("9223372036854776s", &ms), IA_ERR_INVALID);
    assert_int_equal(config_parse_duration_ms("3000000000000000000", &ms), IA_ERR_INVALID);
    assert_int_equal(config_parse_duration_ms("3000000000000000h", &ms), IA_ERR_INVALID);
    /* Large but representable: 9223372036854775s is 9223372036854775000 ms. */
    assert_int_equal(config_parse_duration_ms("9223372036854775s", &ms), IA_OK);
    assert_true(ms == 9223372036854775000LL);
}

/* ---- config_check_secret ------------------------------------------------------------------ */

static void test_secret_missing_or_empty_is_refused(void **state)
{
    (void)state;
    const char *why = NULL;
    assert_int_equal(config_check_secret(NULL, &why), IA_ERR_INVALID);
    assert_non_null(why);
    assert_non_null(strstr(why, "missing"));
    why = NULL;
    assert_int_equal(config_check_secret("", &why), IA_ERR_INVALID);
    assert_non_null(why);
    assert_non_null(strstr(why, "missing"));
}

static void test_secret_of_31_bytes_is_refused_and_32_random_bytes_pass(void **state)
{
    (void)state;
    char key[65];
    const char *why = NULL;
    memcpy(key, GOOD_SECRET, 31);
    key[31] = '\0';
    assert_int_equal(config_check_secret(key, &why), IA_ERR_INVALID);
    assert_non_null(why);
    assert_non_null(strstr(why, "32"));
    memcpy(key, GOOD_SECRET, 32);
    key[32] = '\0';
    assert_int_equal(config_check_secret(key, &why), IA_OK);
}

static void test_secret_placeholders_are_refused_whatever_their_length(void **state)
{
    (void)state;
    static const char *const placeholders[] = {
        "your-secret-key-here-change-in-production-xx",
        "changeme0123456789abcdefghijklmnopqrstuv",
        "0123456789abcdefghijklmnopqrstuvCHANGEME",
        "this-is-an-example-key-0123456789abcdef",
        "insecure-0123456789abcdef0123456789abcdef",
        "Your_Secret_Key_0123456789abcdefghijklmnop",
    };
    for (size_t i = 0; i < COUNT(placeholders); i++) {
        const char *why = NULL;
        assert_true(strlen(placeholders[i]) >= CONFIG_SECRET_MIN);
        if (config_check_secret(placeholders[i], &why) != IA_ERR_INVALID)
            fail_msg("placeholder \"%s\" accepted as a secret", placeholders[i]);
        assert_non_null(why);
        assert_non_null(strstr(why, "placeholder"));
    }
}

static void test_secret_of_one_repeated_character_is_refused(void **state)
{
    (void)state;
    char key[41];
    memset(key, 'a', 40);
    key[40] = '\0';
    const char *why = NULL;
    assert_int_equal(config_check_secret(key, &why), IA_ERR_INVALID);
    assert_non_null(why);
    assert_non_null(strstr(why, "repeated"));
}

static void test_secret_with_fewer_than_8_distinct_characters_is_refused(void **state)
{
    (void)state;
    /* 7 distinct characters, 42 bytes. */
    const char *seven = "abcdefgabcdefgabcdefgabcdefgabcdefgabcdefg";
    const char *why = NULL;
    assert_int_equal(config_check_secret(seven, &why), IA_ERR_INVALID);
    assert_non_null(why);
    assert_non_null(strstr(why, "distinct"));
    /* 8 distinct characters pass this rule (the boundary). */
    assert_int_equal(config_check_secret("abcdefghabcdefghabcdefghabcdefgh", &why), IA_OK);
}

static void test_secret_of_64_random_hex_characters_is_accepted(void **state)
{
    (void)state;
    const char *why = NULL;
    assert_int_equal(strlen(GOOD_SECRET), 64);
    assert_int_equal(config_check_secret(GOOD_SECRET, &why), IA_OK);
}

/* ---- config_parse_origin ------------------------------------------------------------------ */

static void test_origin_is_normalised_to_lower_case(void **state)
{
    (void)state;
    char out[128];
    assert_int_equal(config_parse_origin("HTTPS://App.Example.COM", out, sizeof(out)), IA_OK);
    assert_string_equal(out, "https://app.example.com");
    assert_int_equal(config_parse_origin("http://LocalHost:5173", out, sizeof(out)), IA_OK);
    assert_string_equal(out, "http://localhost:5173");
    assert_int_equal(config_parse_origin("http://[::1]:8080", out, sizeof(out)), IA_OK);
    assert_string_equal(out, "http://[::1]:8080");
    assert_int_equal(config_parse_origin("https://127.0.0.1:65535", out, sizeof(out)), IA_OK);
    assert_string_equal(out, "https://127.0.0.1:65535");
}

static void test_origin_with_path_slash_wildcard_or_without_scheme_is_refused(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "https://app.example.com/",
        "https://app.example.com/path",
        "https://app.example.com?x=1",
        "https://app.example.com#frag",
        "*",
        "https://*.example.com",
        "https://*",
        "app.example.com",
        "//app.example.com",
        "ftp://app.example.com",
        "https://",
        "",
        "not-a-url",
        "https://user@app.example.com",
        "https://app example.com",
        "https://[::1",
        "https://app.example.com:0",
        "https://app.example.com:65536",
        "https://app.example.com:",
        "https://app.example.com:abc",
        "https://app.example.com:99999999999",
    };
    for (size_t i = 0; i < COUNT(bad); i++) {
        char out[128];
        if (config_parse_origin(bad[i], out, sizeof(out)) != IA_ERR_INVALID)
            fail_msg("origin \"%s\" accepted", bad[i]);
    }
}

static void test_origin_longer_than_the_output_buffer_is_refused(void **state)
{
    (void)state;
    char out[16];
    assert_int_equal(config_parse_origin("https://app.example.com", out, sizeof(out)),
                     IA_ERR_INVALID);
}

/* ---- config_load_with ----------------------------------------------------------------------- */

static void test_load_uses_the_documented_defaults_when_only_the_secret_is_set(void **state)
{
    (void)state;
    ia_config cfg;
    char err[512] = "";
    int rc = load_with_one(&cfg, NULL, NULL, err, sizeof(err));
    if (rc != IA_OK)
        fail_msg("load failed: %s", err);
    assert_string_equal(cfg.host, "127.0.0.1");
    assert_int_equal(cfg.port, 8000);
    assert_string_equal(cfg.data_dir, "./data");
    assert_string_equal(cfg.secret_key, GOOD_SECRET);
    assert_string_equal(cfg.frontend_url, "http://localhost:8000");
    assert_int_equal(cfg.n_allowed_origins, 0);
    assert_int_equal(cfg.n_trusted_proxies, 0);
    assert_int_equal(cfg.log_level, LOG_INFO);
    assert_true(cfg.log_json);
    assert_int_equal(cfg.rate_limit, 100);
    assert_int_equal(cfg.rate_limit_register, 10);
    assert_int_equal(cfg.rate_limit_login, 5);
    assert_int_equal(cfg.rate_limit_login_account, 5);
    assert_int_equal(cfg.rate_limit_reset, 3);
    assert_int_equal(cfg.rate_limit_resend, 3);
    assert_int_equal(cfg.rate_limit_upload, 10);
    assert_int_equal(cfg.max_json_body, 1048576);
    assert_int_equal(cfg.max_file_size, 10485760);
    assert_int_equal(cfg.http_idle_timeout_ms, 30000);
    assert_int_equal(cfg.http_request_timeout_ms, 60000);
    assert_int_equal(cfg.shutdown_timeout_ms, 30000);
    assert_int_equal(cfg.access_token_expire_minutes, 15);
    assert_int_equal(cfg.refresh_token_expire_days, 7);
    assert_int_equal(cfg.task_retention_days, 7);
    assert_int_equal(cfg.orphan_file_age_ms, 3600000);
    assert_string_equal(cfg.smtp_host, "");
    assert_string_equal(cfg.sentry_dsn, "");
    assert_string_equal(cfg.sentry_environment, "production");
    assert_string_equal(cfg.sentry_release, "interviewace@" IA_VERSION);
    assert_true(cfg.sentry_sample_rate == 1.0);
    assert_false(cfg.test_endpoints);
    config_free(&cfg);
}

static void test_load_reads_set_values(void **state)
{
    (void)state;
    static const setting items[] = {
        { "SECRET_KEY", GOOD_SECRET },
        { "PORT", "9090" },
        { "LOG_LEVEL", "WARNING" },
        { "LOG_FORMAT", "text" },
        { "HTTP_REQUEST_TIMEOUT", "500ms" },
        { "TEST_ENDPOINTS", "yes" },
        { "FRONTEND_URL", "https://app.example.com/" },
        { "ORPHAN_FILE_AGE", "90m" },
    };
    setting_table t = { items, COUNT(items) };
    ia_config cfg;
    char err[512] = "";
    int rc = config_load_with(&cfg, table_lookup, &t, err, sizeof(err));
    if (rc != IA_OK)
        fail_msg("load failed: %s", err);
    assert_int_equal(cfg.port, 9090);
    assert_int_equal(cfg.log_level, LOG_WARN);
    assert_false(cfg.log_json);
    assert_int_equal(cfg.http_request_timeout_ms, 500);
    assert_true(cfg.test_endpoints);
    assert_string_equal(cfg.frontend_url, "https://app.example.com");
    assert_int_equal(cfg.orphan_file_age_ms, 90 * 60000);
    config_free(&cfg);
}

/* Loads SECRET_KEY plus the given HOST, PORT and FRONTEND_URL (NULL = unset). */
static void load_frontend(ia_config *cfg, const char *host, const char *port, const char *url)
{
    setting items[4] = { { "SECRET_KEY", GOOD_SECRET } };
    size_t n = 1;
    if (host != NULL)
        items[n++] = (setting){ "HOST", host };
    if (port != NULL)
        items[n++] = (setting){ "PORT", port };
    if (url != NULL)
        items[n++] = (setting){ "FRONTEND_URL", url };
    setting_table t = { items, n };
    char err[512] = "";
    if (config_load_with(cfg, table_lookup, &t, err, sizeof(err)) != IA_OK)
        fail_msg("load failed: %s", err);
}

static void test_frontend_url_defaults_to_the_listening_address(void **state)
{
    (void)state;
    static const struct {
        const char *host, *port, *want;
    } cases[] = {
        { NULL, "9090", "http://localhost:9090" },
        { "0.0.0.0", "8080", "http://localhost:8080" },
        { "127.0.0.2", "8000", "http://localhost:8000" },
        { "::", "8000", "http://localhost:8000" },
        { "::1", "8001", "http://localhost:8001" },
        { "10.1.2.3", "8000", "http://10.1.2.3:8000" },
        { "fd00::5", "8000", "http://[fd00::5]:8000" },
        { "app.internal", "80", "http://app.internal:80" },
        { NULL, "0", "http://localhost" },
        { NULL, NULL, "http://localhost:8000" },
    };
    for (size_t i = 0; i < COUNT(cases); i++) {
        ia_config cfg;
        load_frontend(&cfg, cases[i].host, cases[i].port, "");
        if (strcmp(cfg.frontend_url, cases[i].want) != 0)
            fail_msg("HOST=%s PORT=%s: FRONTEND_URL=%s, expected %s", cases[i].host, cases[i].port,
                     cfg.frontend_url, cases[i].want);
        assert_true(cfg.frontend_url_derived);
        config_free(&cfg);
    }
}

static void test_frontend_url_follows_the_bound_port_unless_it_was_set(void **state)
{
    (void)state;
    ia_config cfg;
    load_frontend(&cfg, "0.0.0.0", "0", NULL);
    assert_int_equal(config_settle_frontend_url(&cfg, 41234), IA_OK);
    assert_string_equal(cfg.frontend_url, "http://localhost:41234");
    config_free(&cfg);

    load_frontend(&cfg, NULL, "0", "https://app.example.com/");
    assert_false(cfg.frontend_url_derived);
    assert_int_equal(config_settle_frontend_url(&cfg, 41234), IA_OK);
    assert_string_equal(cfg.frontend_url, "https://app.example.com");
    config_free(&cfg);
}

static void test_load_rejects_each_invalid_value_naming_the_variable(void **state)
{
    (void)state;
    static const setting bad[] = {
        { "PORT", "abc" },
        { "PORT", "70000" },
        { "PORT", "-1" },
        { "LOG_LEVEL", "loud" },
        { "LOG_FORMAT", "xml" },
        { "HTTP_IDLE_TIMEOUT", "forever" },
        { "HTTP_IDLE_TIMEOUT", "500ms" }, /* below its 1 s minimum */
        { "ALLOWED_ORIGINS", "not-a-url" },
        { "ALLOWED_ORIGINS", "https://ok.example.com,https://bad.example.com/path" },
        { "TRUSTED_PROXIES", "300.1.1.1" },
        { "TRUSTED_PROXIES", "10.0.0.0/8,1.2.3.4/33" },
        { "TEST_ENDPOINTS", "maybe" },
        { "HOST", "" },
        { "HOST", "bad host" },
        { "FRONTEND_URL", "app.example.com" },
        { "MAX_JSON_BODY", "1023" },
        { "RATE_LIMIT", "lots" },
        { "ORPHAN_FILE_AGE", "500ms" }, /* below its 1 s minimum */
        { "ORPHAN_FILE_AGE", "8d" },
        { "ORPHAN_FILE_AGE", "169h" }, /* above its 7 days */
        { "SENTRY_DSN", "sentry.example.com/42" },
        { "SENTRY_DSN", "https://o1.ingest.sentry.io/42" },
        { "SENTRY_DSN", "https://key@o1.ingest.sentry.io/project" },
        { "SENTRY_ENVIRONMENT", "" },
        { "SENTRY_ENVIRONMENT", "my env" },
        { "SENTRY_ENVIRONMENT", "a/b" },
        { "SENTRY_RELEASE", "app/1.0" },
        { "SENTRY_RELEASE", ".." },
        { "SENTRY_SAMPLE_RATE", "1.5" },
        { "SENTRY_SAMPLE_RATE", "-0.1" },
        { "SENTRY_SAMPLE_RATE", "half" },
        { "SENTRY_SAMPLE_RATE", "1e-1" },
        { "SENTRY_SAMPLE_RATE", "" },
    };
    for (size_t i = 0; i < COUNT(bad); i++) {
        ia_config cfg;
        char err[512] = "";
        int rc = load_with_one(&cfg, bad[i].name, bad[i].value, err, sizeof(err));
        config_free(&cfg);
        if (rc != IA_ERR_INVALID)
            fail_msg("%s=\"%s\": rc %d, expected IA_ERR_INVALID", bad[i].name, bad[i].value, rc);
        if (strstr(err, bad[i].name) == NULL)
            fail_msg("%s=\"%s\": message does not name the variable: %s", bad[i].name, bad[i].value,
                     err);
    }
}

static void test_load_message_for_a_bad_value_quotes_it_and_the_expected_range(void **state)
{
    (void)state;
    ia_config cfg;
    char err[512] = "";
    assert_int_equal(load_with_one(&cfg, "PORT", "70000", err, sizeof(err)), IA_ERR_INVALID);
    config_free(&cfg);
    assert_non_null(strstr(err, "70000"));
    assert_non_null(strstr(err, "0 to 65535"));
}

static void test_load_secret_messages_point_to_the_generators_and_never_echo_the_value(void **state)
{
    (void)state;
    static const char *const bad[] = {
        NULL,
        "",
        "3f9a1c7e5b2d8f604a1e9c3b7d5f2a8",
        "your-secret-key-here-change-in-production-xx",
        "changemechangemechangemechangeme12345678",
        "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz",
        "abcdefgabcdefgabcdefgabcdefgabcdefgabcdefg",
    };
    for (size_t i = 0; i < COUNT(bad); i++) {
        setting items[1] = { { "SECRET_KEY", bad[i] } };
        setting_table t = { items, 1 };
        ia_config cfg;
        char err[512] = "";
        int rc = config_load_with(&cfg, table_lookup, &t, err, sizeof(err));
        config_free(&cfg);
        const char *shown = bad[i] ? bad[i] : "(unset)";
        if (rc != IA_ERR_INVALID)
            fail_msg("SECRET_KEY %s accepted", shown);
        if (strstr(err, "SECRET_KEY") == NULL)
            fail_msg("SECRET_KEY %s: message does not name it: %s", shown, err);
        if (strstr(err, "interviewace init") == NULL)
            fail_msg("SECRET_KEY %s: message lacks `interviewace init`: %s", shown, err);
        if (strstr(err, "openssl rand -hex 32") == NULL)
            fail_msg("SECRET_KEY %s: message lacks `openssl rand -hex 32`: %s", shown, err);
        if (bad[i] != NULL && bad[i][0] != '\0' && strstr(err, bad[i]) != NULL)
            fail_msg("SECRET_KEY message echoes the value: %s", err);
    }
}

static void test_load_parses_two_origins_and_two_cidrs(void **state)
{
    (void)state;
    static const setting items[] = {
        { "SECRET_KEY", GOOD_SECRET },
        { "ALLOWED_ORIGINS", " https://App.Example.com , http://localhost:5173 ," },
        { "TRUSTED_PROXIES", "10.0.0.0/8, ::1" },
    };
    setting_table t = { items, COUNT(items) };
    ia_config cfg;
    char err[512] = "";
    int rc = config_load_with(&cfg, table_lookup, &t, err, sizeof(err));
    if (rc != IA_OK)
        fail_msg("load failed: %s", err);
    assert_int_equal(cfg.n_allowed_origins, 2);
    assert_string_equal(cfg.allowed_origins[0], "https://app.example.com");
    assert_string_equal(cfg.allowed_origins[1], "http://localhost:5173");
    assert_int_equal(cfg.n_trusted_proxies, 2);
    ia_ip inside, outside, loop6;
    assert_int_equal(ia_ip_parse("10.200.3.4", &inside), IA_OK);
    assert_int_equal(ia_ip_parse("11.0.0.1", &outside), IA_OK);
    assert_int_equal(ia_ip_parse("::1", &loop6), IA_OK);
    assert_true(ia_cidr_contains(&cfg.trusted_proxies[0], &inside));
    assert_false(ia_cidr_contains(&cfg.trusted_proxies[0], &outside));
    assert_true(ia_cidr_contains(&cfg.trusted_proxies[1], &loop6));
    assert_false(ia_cidr_contains(&cfg.trusted_proxies[1], &inside));
    config_free(&cfg);
}

static void test_print_masks_the_secret_and_shows_the_other_values(void **state)
{
    (void)state;
    static const setting items[] = {
        { "SECRET_KEY", GOOD_SECRET },
        { "ALLOWED_ORIGINS", "https://app.example.com,http://localhost:5173" },
        { "TRUSTED_PROXIES", "10.0.0.0/8,::1" },
    };
    setting_table t = { items, COUNT(items) };
    ia_config cfg;
    char err[512] = "";
    int rc = config_load_with(&cfg, table_lookup, &t, err, sizeof(err));
    if (rc != IA_OK)
        fail_msg("load failed: %s", err);
    char *text = printed(&cfg);
    config_free(&cfg);
    assert_null(strstr(text, GOOD_SECRET));
    assert_null(strstr(text, "3f9a1c7e5b2d")); /* not even a prefix */
    assert_non_null(strstr(text, "SECRET_KEY=****"));
    assert_non_null(strstr(text, "\nPORT=8000\n"));
    assert_non_null(strstr(text, "\nHTTP_IDLE_TIMEOUT=30s\n"));
    assert_non_null(strstr(text, "\nLOG_LEVEL=info\n"));
    assert_non_null(
        strstr(text, "\nALLOWED_ORIGINS=https://app.example.com,http://localhost:5173\n"));
    assert_non_null(strstr(text, "\nTRUSTED_PROXIES=10.0.0.0/8,::1/128\n"));
    free(text);
}

/* ---- error monitoring ---------------------------------------------------------------------- */

static void test_sentry_settings_are_read_and_the_dsn_key_never_printed(void **state)
{
    (void)state;
    static const setting items[] = {
        { "SECRET_KEY", GOOD_SECRET },
        { "SENTRY_DSN", "https://f00dfeedf00dfeed@o1.ingest.sentry.io/4504" },
        { "SENTRY_ENVIRONMENT", "staging" },
        { "SENTRY_RELEASE", "interviewace@2.0.0-rc1" },
        { "SENTRY_SAMPLE_RATE", "0.25" },
    };
    setting_table t = { items, COUNT(items) };
    ia_config cfg;
    char err[512] = "";
    if (config_load_with(&cfg, table_lookup, &t, err, sizeof(err)) != IA_OK)
        fail_msg("load failed: %s", err);
    assert_string_equal(cfg.sentry_environment, "staging");
    assert_string_equal(cfg.sentry_release, "interviewace@2.0.0-rc1");
    assert_true(cfg.sentry_sample_rate == 0.25);
    char *text = printed(&cfg);
    config_free(&cfg);
    assert_null(strstr(text, "f00dfeed"));
    assert_non_null(strstr(text, "\nSENTRY_DSN=https://****@o1.ingest.sentry.io/4504\n"));
    assert_non_null(strstr(text, "\nSENTRY_SAMPLE_RATE=0.25\n"));
    assert_non_null(strstr(text, "\nSENTRY_RELEASE=interviewace@2.0.0-rc1\n"));
    free(text);

    /* A refused DSN is named, and its key is not quoted back. */
    assert_int_equal(
        load_with_one(&cfg, "SENTRY_DSN", "https://f00dfeed@host/not-a-project", err, sizeof(err)),
        IA_ERR_INVALID);
    assert_non_null(strstr(err, "SENTRY_DSN"));
    assert_non_null(strstr(err, "project id"));
    assert_null(strstr(err, "f00dfeed"));
}

static void test_sample_rate_accepts_ratios_from_zero_to_one(void **state)
{
    (void)state;
    static const char *const good[] = { "0", "0.0", "1", "1.0", "0.5", ".5", "0.000001" };
    for (size_t i = 0; i < COUNT(good); i++) {
        double v = -1;
        if (config_parse_ratio(good[i], &v) != IA_OK || v < 0 || v > 1)
            fail_msg("refused the ratio \"%s\"", good[i]);
    }
    static const char *const bad[] = { "",     ".",   "1.01", "2",   "+0.5", "-0", " 0.5",
                                       "0.5 ", "0,5", "nan",  "inf", "1e0",  "0x1" };
    for (size_t i = 0; i < COUNT(bad); i++) {
        double v = 0.5;
        if (config_parse_ratio(bad[i], &v) != IA_ERR_INVALID)
            fail_msg("accepted the ratio \"%s\"", bad[i]);
        assert_true(v == 0.5);
    }
}

/* ---- the LLM settings ---------------------------------------------------------------------- */

static void test_llm_defaults_are_offline_only(void **state)
{
    (void)state;
    ia_config cfg;
    char err[512];
    assert_int_equal(load_with_one(&cfg, NULL, NULL, err, sizeof(err)), IA_OK);
    assert_int_equal(cfg.llm_primary_provider, LLM_PROVIDER_OFFLINE);
    assert_int_equal(cfg.llm_timeout_ms, 30000);
    assert_int_equal(cfg.llm_max_retries, 2);
    assert_int_equal(cfg.llm_breaker_failures, 5);
    assert_int_equal(cfg.llm_breaker_cooldown_ms, 60000);
    assert_string_equal(cfg.gemini_base_url, "https://generativelanguage.googleapis.com");
    assert_string_equal(cfg.openai_base_url, "https://api.openai.com/v1");
    assert_false(config_gemini_configured(&cfg));
    assert_false(config_openai_configured(&cfg));
    config_free(&cfg);
}

static void test_llm_primary_without_its_settings_is_refused_naming_them(void **state)
{
    (void)state;
    ia_config cfg;
    char err[512];
    assert_int_equal(load_with_one(&cfg, "LLM_PRIMARY_PROVIDER", "gemini", err, sizeof(err)),
                     IA_ERR_INVALID);
    assert_non_null(strstr(err, "GEMINI_API_KEY"));
    assert_int_equal(load_with_one(&cfg, "LLM_PRIMARY_PROVIDER", "openai", err, sizeof(err)),
                     IA_ERR_INVALID);
    assert_non_null(strstr(err, "OPENAI_MODEL"));
    assert_int_equal(load_with_one(&cfg, "OPENAI_API_KEY", "sk-abc", err, sizeof(err)),
                     IA_ERR_INVALID);
    assert_non_null(strstr(err, "OPENAI_MODEL"));
    assert_null(strstr(err, "sk-abc"));
    assert_int_equal(load_with_one(&cfg, "LLM_PRIMARY_PROVIDER", "claude", err, sizeof(err)),
                     IA_ERR_INVALID);
    assert_non_null(strstr(err, "LLM_PRIMARY_PROVIDER"));
    assert_int_equal(load_with_one(&cfg, "LLM_MAX_RETRIES", "6", err, sizeof(err)), IA_ERR_INVALID);
    assert_int_equal(load_with_one(&cfg, "OPENAI_BASE_URL", "localhost:11434", err, sizeof(err)),
                     IA_ERR_INVALID);
}

static void test_llm_providers_configured_and_keys_never_printed(void **state)
{
    (void)state;
    setting items[] = {
        { "SECRET_KEY", GOOD_SECRET },         { "LLM_PRIMARY_PROVIDER", "OpenAI" },
        { "GEMINI_API_KEY", "gk-0123456789" }, { "OPENAI_BASE_URL", "http://127.0.0.1:11434/v1/" },
        { "OPENAI_MODEL", "llama3.1:8b" },     { "LLM_TIMEOUT", "1500ms" }
    };
    setting_table t = { items, COUNT(items) };
    ia_config cfg;
    char err[512];
    assert_int_equal(config_load_with(&cfg, table_lookup, &t, err, sizeof(err)), IA_OK);
    assert_int_equal(cfg.llm_primary_provider, LLM_PROVIDER_OPENAI);
    assert_true(config_gemini_configured(&cfg));
    assert_true(config_openai_configured(&cfg)); /* a local server needs no key */
    assert_string_equal(cfg.openai_base_url, "http://127.0.0.1:11434/v1");
    assert_int_equal(cfg.llm_timeout_ms, 1500);
    char *text = printed(&cfg);
    assert_null(strstr(text, "gk-0123456789"));
    assert_non_null(strstr(text, "\nGEMINI_API_KEY=******** (set)\n"));
    assert_non_null(strstr(text, "\nLLM_PRIMARY_PROVIDER=openai\n"));
    assert_non_null(strstr(text, "\nLLM_TIMEOUT=1500ms\n"));
    free(text);
    config_free(&cfg);
}

/* ---- file storage ------------------------------------------------------------------------ */

static void test_storage_defaults_to_a_directory_inside_data_dir(void **state)
{
    (void)state;
    setting items[] = { { "SECRET_KEY", GOOD_SECRET }, { "DATA_DIR", "/srv/ia/" } };
    setting_table t = { items, 2 };
    ia_config cfg;
    char err[512];
    assert_int_equal(config_load_with(&cfg, table_lookup, &t, err, sizeof(err)), IA_OK);
    assert_int_equal(cfg.storage_backend, STORAGE_LOCAL);
    assert_string_equal(cfg.storage_dir, "/srv/ia/files");
    assert_string_equal(cfg.s3_region, "us-east-1");
    assert_int_equal(cfg.s3_force_path_style, 0);
    config_free(&cfg);
}

/* Loads STORAGE_BACKEND=s3 with every S3 setting valid except the override (value NULL =
 * unset). */
static int load_s3(ia_config *cfg, const char *name, const char *value, char *err, size_t errlen)
{
    setting items[] = {
        { name, value },
        { "SECRET_KEY", GOOD_SECRET },
        { "STORAGE_BACKEND", "s3" },
        { "S3_ENDPOINT", "http://127.0.0.1:9000" },
        { "S3_BUCKET", "resumes" },
        { "S3_ACCESS_KEY_ID", "AKIDEXAMPLE" },
        { "S3_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" },
    };
    setting_table t = { items, COUNT(items) };
    return config_load_with(cfg, table_lookup, &t, err, errlen);
}

static void test_s3_backend_needs_a_bucket_and_both_keys(void **state)
{
    (void)state;
    ia_config cfg;
    char err[512];
    assert_int_equal(load_s3(&cfg, "UNUSED_NAME", NULL, err, sizeof(err)), IA_OK);
    assert_int_equal(cfg.storage_backend, STORAGE_S3);
    assert_int_equal(cfg.s3_force_path_style, 1); /* the default with an endpoint */
    config_free(&cfg);
    assert_int_equal(load_s3(&cfg, "S3_FORCE_PATH_STYLE", "false", err, sizeof(err)), IA_OK);
    assert_int_equal(cfg.s3_force_path_style, 0);
    config_free(&cfg);

    static const char *const required[] = { "S3_BUCKET", "S3_ACCESS_KEY_ID",
                                            "S3_SECRET_ACCESS_KEY" };
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(load_s3(&cfg, required[i], "", err, sizeof(err)), IA_ERR_INVALID);
        if (strstr(err, required[i]) == NULL || strstr(err, "STORAGE_BACKEND=s3") == NULL)
            fail_msg("the refusal does not name %s and the backend: %s", required[i], err);
        assert_null(strstr(err, "wJalrXUtnFEMI"));
    }
    static const setting bad[] = {
        { "S3_BUCKET", "Upper_Case" }, { "S3_BUCKET", "ab" },
        { "S3_BUCKET", "a..b" },       { "S3_REGION", "us east" },
        { "S3_ENDPOINT", "ftp://x" },  { "S3_ENDPOINT", "http://h:9000/?x=1" },
        { "S3_ACCESS_KEY_ID", "a:b" }, { "S3_FORCE_PATH_STYLE", "maybe" },
        { "STORAGE_BACKEND", "ftp" },  { "S3_TIMEOUT", "0s" },
    };
    for (size_t i = 0; i < COUNT(bad); i++) {
        if (load_s3(&cfg, bad[i].name, bad[i].value, err, sizeof(err)) != IA_ERR_INVALID)
            fail_msg("accepted %s=%s", bad[i].name, bad[i].value);
        if (strstr(err, bad[i].name) == NULL)
            fail_msg("the refusal of %s does not name it: %s", bad[i].name, err);
    }
}

/* ---- the .env.example contract ------------------------------------------------------------ */

#define NAMES_MAX 256
#define NAME_LEN  64

/* Reads the names of the NAME= lines of $IA_SOURCE_ROOT/.env.example into names. */
static size_t read_env_example_names(char names[][NAME_LEN], size_t max)
{
    const char *root = getenv("IA_SOURCE_ROOT");
    char path[4096];
    snprintf(path, sizeof(path), "%s/.env.example", root ? root : ".");
    FILE *fp = fopen(path, "r");
    if (fp == NULL)
        fail_msg("cannot open %s", path);
    size_t n = 0;
    char line[4096];
    while (fgets(line, sizeof(line), fp) != NULL) {
        if (line[0] < 'A' || line[0] > 'Z')
            continue;
        size_t k = 1;
        while ((line[k] >= 'A' && line[k] <= 'Z') || (line[k] >= '0' && line[k] <= '9') ||
               line[k] == '_')
            k++;
        if (line[k] != '=' || k >= NAME_LEN)
            continue;
        if (n >= max) {
            fclose(fp);
            fail_msg("more than %zu settings in %s", max, path);
        }
        memcpy(names[n], line, k);
        names[n][k] = '\0';
        n++;
    }
    fclose(fp);
    return n;
}

static bool name_in(const char *name, char names[][NAME_LEN], size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(names[i], name) == 0)
            return true;
    return false;
}

static void test_env_example_documents_exactly_the_settings_config_reads(void **state)
{
    (void)state;
    static char documented[NAMES_MAX][NAME_LEN];
    static char known[NAMES_MAX][NAME_LEN];
    size_t ndoc = read_env_example_names(documented, NAMES_MAX);
    size_t nknown = config_setting_count();
    assert_true(nknown > 0 && nknown <= NAMES_MAX);
    for (size_t i = 0; i < nknown; i++) {
        const char *name = config_setting_name(i);
        assert_non_null(name);
        assert_true(strlen(name) < NAME_LEN);
        snprintf(known[i], NAME_LEN, "%s", name);
    }
    assert_null(config_setting_name(nknown));

    char undocumented[2048] = "", unknown[2048] = "";
    size_t u1 = 0, u2 = 0;
    for (size_t i = 0; i < nknown; i++)
        if (!name_in(known[i], documented, ndoc))
            u1 += (size_t)snprintf(undocumented + u1, sizeof(undocumented) - u1, " %s", known[i]);
    for (size_t i = 0; i < ndoc; i++)
        if (!name_in(documented[i], known, nknown))
            u2 += (size_t)snprintf(unknown + u2, sizeof(unknown) - u2, " %s", documented[i]);
    if (u1 > 0 || u2 > 0)
        fail_msg(
            "read by config but missing from .env.example:%s\n"
            "in .env.example but unknown to config:%s",
            u1 ? undocumented : " (none)", u2 ? unknown : " (none)");
}

/* ---- env_file_parse ----------------------------------------------------------------------- */

static void test_env_skips_comments_and_blank_lines_and_strips_export(void **state)
{
    (void)state;
    const char *text =
        "# a comment\n"
        "\n"
        "   \t\n"
        "   # indented comment\n"
        "A=1\n"
        "export B=two\n"
        "  C = three  \n"
        "EMPTY=\n"
        "lower_case9=ok";
    env_file *f = NULL;
    char err[256];
    int rc = env_parse_str(text, &f, err, sizeof(err));
    if (rc != IA_OK)
        fail_msg("parse failed: %s", err);
    assert_string_equal(env_file_get(f, "A"), "1");
    assert_string_equal(env_file_get(f, "B"), "two");
    assert_null(env_file_get(f, "export B"));
    assert_string_equal(env_file_get(f, "C"), "three");
    assert_string_equal(env_file_get(f, "EMPTY"), "");
    assert_string_equal(env_file_get(f, "lower_case9"), "ok");
    assert_null(env_file_get(f, "a"));
    assert_null(env_file_get(f, "MISSING"));
    env_file_free(f);
}

static void test_env_quotes_single_literal_and_double_with_escapes(void **state)
{
    (void)state;
    const char *text =
        "S='it has spaces # and a hash \\n'\n"
        "D=\"line1\\nline2 \\\"quoted\\\" tab\\tback\\\\slash\"\n"
        "H=\"value # not a comment\" # a comment\n"
        "E=\"\"\n";
    env_file *f = NULL;
    char err[256];
    int rc = env_parse_str(text, &f, err, sizeof(err));
    if (rc != IA_OK)
        fail_msg("parse failed: %s", err);
    assert_string_equal(env_file_get(f, "S"), "it has spaces # and a hash \\n");
    assert_string_equal(env_file_get(f, "D"), "line1\nline2 \"quoted\" tab\tback\\slash");
    assert_string_equal(env_file_get(f, "H"), "value # not a comment");
    assert_string_equal(env_file_get(f, "E"), "");
    env_file_free(f);
}

static void test_env_inline_comment_ends_an_unquoted_value_only_after_whitespace(void **state)
{
    (void)state;
    const char *text =
        "A=value # comment\n"
        "B=value\t# comment\n"
        "C=val#ue\n"
        "D=https://example.com/#anchor\n";
    env_file *f = NULL;
    char err[256];
    int rc = env_parse_str(text, &f, err, sizeof(err));
    if (rc != IA_OK)
        fail_msg("parse failed: %s", err);
    assert_string_equal(env_file_get(f, "A"), "value");
    assert_string_equal(env_file_get(f, "B"), "value");
    assert_string_equal(env_file_get(f, "C"), "val#ue");
    assert_string_equal(env_file_get(f, "D"), "https://example.com/#anchor");
    env_file_free(f);
}

static void test_env_crlf_line_endings_are_not_part_of_values(void **state)
{
    (void)state;
    const char *text = "A=1\r\nB=\"two\"\r\n# c\r\nC=three # c\r\nD=four\r\n";
    env_file *f = NULL;
    char err[256];
    int rc = env_parse_str(text, &f, err, sizeof(err));
    if (rc != IA_OK)
        fail_msg("parse failed: %s", err);
    assert_string_equal(env_file_get(f, "A"), "1");
    assert_string_equal(env_file_get(f, "B"), "two");
    assert_string_equal(env_file_get(f, "C"), "three");
    assert_string_equal(env_file_get(f, "D"), "four");
    env_file_free(f);
}

static void test_env_later_lines_win(void **state)
{
    (void)state;
    env_file *f = NULL;
    char err[256];
    assert_int_equal(env_parse_str("A=first\nB=b\nA=second\n", &f, err, sizeof(err)), IA_OK);
    assert_string_equal(env_file_get(f, "A"), "second");
    assert_string_equal(env_file_get(f, "B"), "b");
    env_file_free(f);
}

static void test_env_malformed_line_fails_naming_its_line_number(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        const char *line;
    } cases[] = {
        { "A=1\n\n# c\nNOT A SETTING\n", "line 4" },
        { "A=1\nNOEQUALS\n", "line 2" },
        { "=value\n", "line 1" },
        { "A=1\r\nB=2\r\n1ABC=3\r\n", "line 3" },
        { "A=1\nBAD-NAME=2\n", "line 2" },
        { "A=1\nB=\"x\" trailing\n", "line 2" },
    };
    for (size_t i = 0; i < COUNT(cases); i++) {
        env_file *f = NULL;
        char err[256];
        int rc = env_parse_str(cases[i].text, &f, err, sizeof(err));
        if (rc != IA_ERR_INVALID) {
            env_file_free(f);
            fail_msg("case %zu: rc %d, expected IA_ERR_INVALID", i, rc);
        }
        if (strstr(err, cases[i].line) == NULL)
            fail_msg("case %zu: message \"%s\" does not say \"%s\"", i, err, cases[i].line);
    }
}

static void test_env_unterminated_quote_fails(void **state)
{
    (void)state;
    static const char *const texts[] = { "A=\"never closed\n", "A=1\nB='never closed\n",
                                         "A=\"escaped at end\\\"\n" };
    for (size_t i = 0; i < COUNT(texts); i++) {
        env_file *f = NULL;
        char err[256];
        int rc = env_parse_str(texts[i], &f, err, sizeof(err));
        if (rc != IA_ERR_INVALID) {
            env_file_free(f);
            fail_msg("case %zu: unterminated quote accepted", i);
        }
        if (strstr(err, "unterminated") == NULL || strstr(err, "line") == NULL)
            fail_msg("case %zu: message \"%s\"", i, err);
    }
}

static void test_env_missing_file_is_an_empty_set(void **state)
{
    (void)state;
    env_file *f = NULL;
    char err[256] = "";
    assert_int_equal(env_file_load("/nonexistent-ia-unit-test/.env", &f, err, sizeof(err)), IA_OK);
    assert_non_null(f);
    assert_null(env_file_get(f, "SECRET_KEY"));
    env_file_free(f);
}

#define LOOKUP_VAR "IA_UNIT_TEST_ENV_LOOKUP_7F3A"

static void test_env_lookup_prefers_the_real_environment_over_the_file(void **state)
{
    (void)state;
    env_file *f = NULL;
    char err[256];
    assert_int_equal(env_parse_str(LOOKUP_VAR "=from-file\n", &f, err, sizeof(err)), IA_OK);
    assert_int_equal(setenv(LOOKUP_VAR, "from-environment", 1), 0);
    assert_string_equal(env_lookup(f, LOOKUP_VAR), "from-environment");
    assert_int_equal(setenv(LOOKUP_VAR, "", 1), 0);
    assert_string_equal(env_lookup(f, LOOKUP_VAR), ""); /* set-but-empty still wins */
    assert_int_equal(unsetenv(LOOKUP_VAR), 0);
    assert_string_equal(env_lookup(f, LOOKUP_VAR), "from-file");
    assert_null(env_lookup(NULL, LOOKUP_VAR));
    env_file_free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_int_accepts_values_inside_the_range_including_bounds),
        cmocka_unit_test(test_parse_int_rejects_values_outside_the_range),
        cmocka_unit_test(test_parse_int_handles_signs),
        cmocka_unit_test(test_parse_int_rejects_junk),
        cmocka_unit_test(test_parse_int_rejects_overflow_and_accepts_the_extremes),
        cmocka_unit_test(test_parse_bool_accepts_the_documented_words_in_any_case),
        cmocka_unit_test(test_parse_bool_rejects_anything_else),
        cmocka_unit_test(test_parse_duration_understands_ms_s_m_h_and_bare_seconds),
        cmocka_unit_test(test_parse_duration_rejects_junk),
        cmocka_unit_test(test_parse_duration_rejects_overflow),
        cmocka_unit_test(test_secret_missing_or_empty_is_refused),
        cmocka_unit_test(test_secret_of_31_bytes_is_refused_and_32_random_bytes_pass),
        cmocka_unit_test(test_secret_placeholders_are_refused_whatever_their_length),
        cmocka_unit_test(test_secret_of_one_repeated_character_is_refused),
        cmocka_unit_test(test_secret_with_fewer_than_8_distinct_characters_is_refused),
        cmocka_unit_test(test_secret_of_64_random_hex_characters_is_accepted),
        cmocka_unit_test(test_origin_is_normalised_to_lower_case),
        cmocka_unit_test(test_origin_with_path_slash_wildcard_or_without_scheme_is_refused),
        cmocka_unit_test(test_origin_longer_than_the_output_buffer_is_refused),
        cmocka_unit_test(test_load_uses_the_documented_defaults_when_only_the_secret_is_set),
        cmocka_unit_test(test_load_reads_set_values),
        cmocka_unit_test(test_frontend_url_defaults_to_the_listening_address),
        cmocka_unit_test(test_frontend_url_follows_the_bound_port_unless_it_was_set),
        cmocka_unit_test(test_load_rejects_each_invalid_value_naming_the_variable),
        cmocka_unit_test(test_load_message_for_a_bad_value_quotes_it_and_the_expected_range),
        cmocka_unit_test(
            test_load_secret_messages_point_to_the_generators_and_never_echo_the_value),
        cmocka_unit_test(test_load_parses_two_origins_and_two_cidrs),
        cmocka_unit_test(test_print_masks_the_secret_and_shows_the_other_values),
        cmocka_unit_test(test_sentry_settings_are_read_and_the_dsn_key_never_printed),
        cmocka_unit_test(test_sample_rate_accepts_ratios_from_zero_to_one),
        cmocka_unit_test(test_llm_defaults_are_offline_only),
        cmocka_unit_test(test_llm_primary_without_its_settings_is_refused_naming_them),
        cmocka_unit_test(test_llm_providers_configured_and_keys_never_printed),
        cmocka_unit_test(test_storage_defaults_to_a_directory_inside_data_dir),
        cmocka_unit_test(test_s3_backend_needs_a_bucket_and_both_keys),
        cmocka_unit_test(test_env_example_documents_exactly_the_settings_config_reads),
        cmocka_unit_test(test_env_skips_comments_and_blank_lines_and_strips_export),
        cmocka_unit_test(test_env_quotes_single_literal_and_double_with_escapes),
        cmocka_unit_test(test_env_inline_comment_ends_an_unquoted_value_only_after_whitespace),
        cmocka_unit_test(test_env_crlf_line_endings_are_not_part_of_values),
        cmocka_unit_test(test_env_later_lines_win),
        cmocka_unit_test(test_env_malformed_line_fails_naming_its_line_number),
        cmocka_unit_test(test_env_unterminated_quote_fails),
        cmocka_unit_test(test_env_missing_file_is_an_empty_set),
        cmocka_unit_test(test_env_lookup_prefers_the_real_environment_over_the_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
