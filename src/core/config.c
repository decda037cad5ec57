#include "core/config.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/errors.h"
#include "core/log.h"
#include "core/util.h"

enum cfg_type {
    CFG_STR,      /* non-empty free text */
    CFG_OPT_STR,  /* text, empty allowed (= unset) */
    CFG_HOST,     /* IP literal or host name */
    CFG_SECRET,   /* SECRET_KEY rules */
    CFG_INT,      /* integer in [min, max] */
    CFG_BOOL,     /* true/false/1/0/yes/no/on/off */
    CFG_DURATION, /* 500ms, 30s, 5m, 1h, or bare seconds; [min, max] in ms */
    CFG_URL,      /* http(s) URL */
    CFG_ORIGINS,  /* comma-separated origins */
    CFG_CIDRS,    /* comma-separated IPs/CIDRs */
    CFG_LOGLEVEL,
    CFG_LOGFORMAT,
    CFG_DBURL,      /* sqlite:///... or postgresql://..., empty = derived */
    CFG_OPT_SECRET, /* text, empty allowed, never printed */
    CFG_SMTP_TLS,   /* starttls | required | tls | none */
    CFG_LLM,        /* offline | gemini | openai */
    CFG_BACKEND,    /* local | s3 */
    CFG_OPT_URL,    /* http(s) URL, empty allowed (= unset) */
    CFG_OPT_BOOL,   /* a boolean, or empty for "decided from other settings" (-1) */
    CFG_REDISURL,   /* redis://... or rediss://..., empty allowed; printed without password */
    CFG_RLFAILURE,  /* local | open | closed */
    CFG_DSN,        /* a Sentry DSN, empty allowed (= off); its key is never printed */
    CFG_RATIO,      /* a number from 0 to 1, stored as a double */
};

typedef struct {
    const char *name;
    enum cfg_type type;
    const char *def; /* NULL = no default (required for CFG_SECRET) */
    long long min, max;
    size_t offset;
    const char *expect; /* words for the error message */
} cfg_spec;

#define OFF(f) offsetof(ia_config, f)
#define MIB    (1024LL * 1024LL)

static const cfg_spec specs[] = {
    { "HOST", CFG_HOST, "127.0.0.1", 0, 0, OFF(host), "an IP address or host name" },
    { "PORT", CFG_INT, "8000", 0, 65535, OFF(port), NULL },
    { "DATA_DIR", CFG_STR, "./data", 0, 0, OFF(data_dir), "a directory path" },
    { "SECRET_KEY", CFG_SECRET, NULL, 0, 0, OFF(secret_key), NULL },
    { "FRONTEND_URL", CFG_OPT_URL, "", 0, 0, OFF(frontend_url), NULL },
    { "ALLOWED_ORIGINS", CFG_ORIGINS, "", 0, 0, OFF(allowed_origins), NULL },
    { "TRUSTED_PROXIES", CFG_CIDRS, "", 0, 0, OFF(trusted_proxies), NULL },
    { "LOG_LEVEL", CFG_LOGLEVEL, "info", 0, 0, OFF(log_level), "one of debug, info, warn, error" },
    { "LOG_FORMAT", CFG_LOGFORMAT, "json", 0, 0, OFF(log_json), "json or text" },
    { "HTTP_IO_THREADS", CFG_INT, "2", 1, 64, OFF(http_io_threads), NULL },
    { "HANDLER_THREADS", CFG_INT, "8", 1, 256, OFF(handler_threads), NULL },
    { "HANDLER_QUEUE_MAX", CFG_INT, "256", 1, 100000, OFF(handler_queue_max), NULL },
    { "CPU_THREADS", CFG_INT, "0", 0, 64, OFF(cpu_threads), NULL },
    { "CPU_QUEUE_MAX", CFG_INT, "64", 1, 100000, OFF(cpu_queue_max), NULL },
    { "CPU_NICE", CFG_INT, "10", 0, 19, OFF(cpu_nice), NULL },
    { "MAX_JSON_BODY", CFG_INT, "1048576", 1024, 64 * MIB, OFF(max_json_body), NULL },
    { "MAX_FILE_SIZE", CFG_INT, "10485760", 1024, 1024 * MIB, OFF(max_file_size), NULL },
    { "HTTP_MAX_HEADER_BYTES", CFG_INT, "32768", 4096, 1 * MIB, OFF(http_max_header_bytes), NULL },
    { "HTTP_MAX_CONNECTIONS", CFG_INT, "1024", 1, 100000, OFF(http_max_connections), NULL },
    { "HTTP_MAX_CONNECTIONS_PER_IP", CFG_INT, "128", 0, 100000, OFF(http_max_connections_per_ip),
      NULL },
    { "HTTP_IDLE_TIMEOUT", CFG_DURATION, "30s", 1000, 3600000, OFF(http_idle_timeout_ms), NULL },
    { "HTTP_REQUEST_TIMEOUT", CFG_DURATION, "60s", 100, 3600000, OFF(http_request_timeout_ms),
      NULL },
    { "HTTP_HEADER_TIMEOUT", CFG_DURATION, "10s", 100, 3600000, OFF(http_header_timeout_ms), NULL },
    { "HTTP_REUSE_PORT", CFG_BOOL, "false", 0, 0, OFF(http_reuse_port), NULL },
    { "SHUTDOWN_TIMEOUT", CFG_DURATION, "30s", 0, 3600000, OFF(shutdown_timeout_ms), NULL },
    { "RATE_LIMIT", CFG_INT, "100", 0, 1000000, OFF(rate_limit), NULL },
    { "RATE_LIMIT_REGISTER", CFG_INT, "10", 0, 1000000, OFF(rate_limit_register), NULL },
    { "RATE_LIMIT_LOGIN", CFG_INT, "5", 0, 1000000, OFF(rate_limit_login), NULL },
    { "RATE_LIMIT_LOGIN_ACCOUNT", CFG_INT, "5", 0, 1000000, OFF(rate_limit_login_account), NULL },
    { "RATE_LIMIT_RESET", CFG_INT, "3", 0, 1000000, OFF(rate_limit_reset), NULL },
    { "RATE_LIMIT_RESEND", CFG_INT, "3", 0, 1000000, OFF(rate_limit_resend), NULL },
    { "RATE_LIMIT_UPLOAD", CFG_INT, "10", 0, 1000000, OFF(rate_limit_upload), NULL },
    { "ACCESS_TOKEN_EXPIRE_MINUTES", CFG_INT, "15", 1, 1440, OFF(access_token_expire_minutes),
      NULL },
    { "REFRESH_TOKEN_EXPIRE_DAYS", CFG_INT, "7", 1, 365, OFF(refresh_token_expire_days), NULL },
    { "MAX_SESSIONS_PER_USER", CFG_INT, "5", 1, 100, OFF(max_sessions_per_user), NULL },
    { "MAX_LOGIN_ATTEMPTS", CFG_INT, "5", 1, 100, OFF(max_login_attempts), NULL },
    { "LOGIN_ATTEMPT_WINDOW_MINUTES", CFG_INT, "15", 1, 1440, OFF(login_attempt_window_minutes),
      NULL },
    { "LOCKOUT_MINUTES", CFG_INT, "15", 1, 10080, OFF(lockout_minutes), NULL },
    { "PASSWORD_HISTORY", CFG_INT, "5", 0, 24, OFF(password_history), NULL },
    { "PASSWORD_RESET_EXPIRE_MINUTES", CFG_INT, "15", 1, 1440, OFF(password_reset_expire_minutes),
      NULL },
    { "EMAIL_VERIFICATION_EXPIRE_MINUTES", CFG_INT, "30", 1, 10080,
      OFF(email_verification_expire_minutes), NULL },
    { "TASK_RETENTION_DAYS", CFG_INT, "7", 1, 3650, OFF(task_retention_days), NULL },
    { "DATABASE_URL", CFG_DBURL, "", 0, 0, OFF(database_url), NULL },
    { "POSTGRES_SERVER", CFG_OPT_STR, "", 0, 0, OFF(postgres_server), NULL },
    { "POSTGRES_USER", CFG_OPT_STR, "postgres", 0, 0, OFF(postgres_user), NULL },
    { "POSTGRES_PASSWORD", CFG_OPT_SECRET, "", 0, 0, OFF(postgres_password), NULL },
    { "POSTGRES_DB", CFG_OPT_STR, "interviewace", 0, 0, OFF(postgres_db), NULL },
    { "POSTGRES_PORT", CFG_INT, "5432", 1, 65535, OFF(postgres_port), NULL },
    { "DB_STATEMENT_TIMEOUT", CFG_DURATION, "30s", 100, 3600000, OFF(db_statement_timeout_ms),
      NULL },
    { "EMBEDDED_WORKERS", CFG_INT, "2", 0, 64, OFF(embedded_workers), NULL },
    { "WORKER_CONCURRENCY", CFG_INT, "4", 1, 256, OFF(worker_concurrency), NULL },
    { "JOB_POLL_INTERVAL", CFG_DURATION, "2s", 50, 60000, OFF(job_poll_interval_ms), NULL },
    { "JOB_LEASE_TIMEOUT", CFG_DURATION, "60s", 1000, 3600000, OFF(job_lease_timeout_ms), NULL },
    { "JOB_RETRY_BASE", CFG_DURATION, "2s", 10, 600000, OFF(job_retry_base_ms), NULL },
    { "EXTRACT_TIMEOUT", CFG_DURATION, "30s", 1000, 600000, OFF(extract_timeout_ms), NULL },
    { "EXTRACT_CPU_LIMIT", CFG_INT, "20", 1, 600, OFF(extract_cpu_seconds), NULL },
    { "EXTRACT_MEMORY_LIMIT", CFG_INT, "536870912", 128 * MIB, 16384 * MIB,
      OFF(extract_memory_bytes), NULL },
    { "SMTP_HOST", CFG_OPT_STR, "", 0, 0, OFF(smtp_host), NULL },
    { "SMTP_PORT", CFG_INT, "587", 1, 65535, OFF(smtp_port), NULL },
    { "SMTP_USER", CFG_OPT_STR, "", 0, 0, OFF(smtp_user), NULL },
    { "SMTP_PASSWORD", CFG_OPT_SECRET, "", 0, 0, OFF(smtp_password), NULL },
    { "SMTP_FROM", CFG_STR, "InterviewAce <no-reply@localhost>", 0, 0, OFF(smtp_from),
      "a sender address such as InterviewAce <no-reply@example.com>" },
    { "SMTP_TLS", CFG_SMTP_TLS, "starttls", 0, 0, OFF(smtp_tls),
      "starttls (use it when the server offers it), required, tls (implicit, port 465) or none" },
    { "SMTP_TIMEOUT", CFG_DURATION, "10s", 100, 300000, OFF(smtp_timeout_ms), NULL },
    { "PASSWORD_HASH_COST", CFG_INT, "12", 4, 15, OFF(password_hash_cost), NULL },
    { "LLM_PRIMARY_PROVIDER", CFG_LLM, "offline", 0, 0, OFF(llm_primary_provider),
      "offline, gemini or openai" },
    { "LLM_TIMEOUT", CFG_DURATION, "30s", 100, 600000, OFF(llm_timeout_ms), NULL },
    { "LLM_MAX_RETRIES", CFG_INT, "2", 0, 5, OFF(llm_max_retries), NULL },
    { "LLM_BREAKER_FAILURES", CFG_INT, "5", 1, 1000, OFF(llm_breaker_failures), NULL },
    { "LLM_BREAKER_COOLDOWN", CFG_DURATION, "60s", 100, 3600000, OFF(llm_breaker_cooldown_ms),
      NULL },
    { "GEMINI_API_KEY", CFG_OPT_SECRET, "", 0, 0, OFF(gemini_api_key), NULL },
    { "GEMINI_MODEL", CFG_STR, "gemini-2.0-flash", 0, 0, OFF(gemini_model),
      "a model name such as gemini-2.0-flash" },
    { "GEMINI_BASE_URL", CFG_URL, "https://generativelanguage.googleapis.com", 0, 0,
      OFF(gemini_base_url), NULL },
    { "OPENAI_API_KEY", CFG_OPT_SECRET, "", 0, 0, OFF(openai_api_key), NULL },
    { "OPENAI_BASE_URL", CFG_URL, "https://api.openai.com/v1", 0, 0, OFF(openai_base_url), NULL },
    { "OPENAI_MODEL", CFG_OPT_STR, "", 0, 0, OFF(openai_model), NULL },
    { "WORDNET_DIR", CFG_STR, "/usr/share/wordnet", 0, 0, OFF(wordnet_dir), "a directory path" },
    { "STORAGE_BACKEND", CFG_BACKEND, "local", 0, 0, OFF(storage_backend),
      "local (a directory) or s3 (S3-compatible object storage)" },
    { "STORAGE_DIR", CFG_OPT_STR, "", 0, 0, OFF(storage_dir), NULL },
    { "S3_ENDPOINT", CFG_OPT_URL, "", 0, 0, OFF(s3_endpoint), NULL },
    { "S3_BUCKET", CFG_OPT_STR, "", 0, 0, OFF(s3_bucket), NULL },
    { "S3_REGION", CFG_STR, "us-east-1", 0, 0, OFF(s3_region), "a region name such as eu-west-1" },
    { "S3_ACCESS_KEY_ID", CFG_OPT_STR, "", 0, 0, OFF(s3_access_key_id), NULL },
    { "S3_SECRET_ACCESS_KEY", CFG_OPT_SECRET, "", 0, 0, OFF(s3_secret_access_key), NULL },
    { "S3_FORCE_PATH_STYLE", CFG_OPT_BOOL, "", 0, 0, OFF(s3_force_path_style), NULL },
    { "S3_TIMEOUT", CFG_DURATION, "60s", 1000, 3600000, OFF(s3_timeout_ms), NULL },
    { "ORPHAN_FILE_AGE", CFG_DURATION, "1h", 1000, 7 * 24 * 3600000LL, OFF(orphan_file_age_ms),
      NULL },
    { "REDIS_URL", CFG_REDISURL, "", 0, 0, OFF(redis_url), NULL },
    { "REDIS_TIMEOUT", CFG_DURATION, "500ms", 10, 60000, OFF(redis_timeout_ms), NULL },
    { "REDIS_POOL_SIZE", CFG_INT, "8", 1, 64, OFF(redis_pool_size), NULL },
    { "RATE_LIMIT_ON_REDIS_FAILURE", CFG_RLFAILURE, "local", 0, 0, OFF(rate_limit_on_redis_failure),
      "local (the in-process limiter), open (no limit) or closed (503 for limited requests)" },
    { "SENTRY_DSN", CFG_DSN, "", 0, 0, OFF(sentry_dsn), NULL },
    { "SENTRY_ENVIRONMENT", CFG_STR, "production", 0, 0, OFF(sentry_environment),
      "a name such as production or staging" },
    { "SENTRY_RELEASE", CFG_OPT_STR, "", 0, 0, OFF(sentry_release), NULL },
    { "SENTRY_SAMPLE_RATE", CFG_RATIO, "1.0", 0, 0, OFF(sentry_sample_rate), NULL },
    { "TEST_ENDPOINTS", CFG_BOOL, "false", 0, 0, OFF(test_endpoints), NULL },
};

#define NSPECS (COUNT(specs))

size_t config_setting_count(void)
{
    return NSPECS;
}

const char *config_setting_name(size_t i)
{
    return i < NSPECS ? specs[i].name : NULL;
}

int config_parse_int(const char *s, long long min, long long max, long long *out)
{
    if (s == NULL || *s == '\0')
        return IA_ERR_INVALID;
    const char *p = s;
    if (*p == '-' || *p == '+')
        p++;
    if (*p == '\0')
        return IA_ERR_INVALID;
    for (const char *c = p; *c; c++)
        if (!isdigit((unsigned char)*c))
            return IA_ERR_INVALID;
    errno = 0;
    char *end = NULL;
    long long v = strtoll(s, &end, 10);
    if (errno != 0 || end == NULL || *end != '\0' || v < min || v > max)
        return IA_ERR_INVALID;
    *out = v;
    return IA_OK;
}

int config_parse_bool(const char *s, bool *out)
{
    static const char *const yes[] = { "true", "1", "yes", "on" };
    static const char *const no[] = { "false", "0", "no", "off" };
    for (size_t i = 0; i < 4; i++) {
        if (strcasecmp(s, yes[i]) == 0) {
            *out = true;
            return IA_OK;
        }
        if (strcasecmp(s, no[i]) == 0) {
            *out = false;
            return IA_OK;
        }
    }
    return IA_ERR_INVALID;
}

int config_parse_duration_ms(const char *s, long long *out)
{
    const char *p = s;
    if (!isdigit((unsigned char)*p))
        return IA_ERR_INVALID;
    long long v = 0;
    while (isdigit((unsigned char)*p)) {
        if (v > (LLONG_MAX - 9) / 10)
            return IA_ERR_INVALID;
        v = v * 10 + (*p - '0');
        p++;
    }
    long long mult;
    if (*p == '\0' || strcmp(p, "s") == 0)
        mult = 1000;
    else if (strcmp(p, "ms") == 0)
        mult = 1;
    else if (strcmp(p, "m") == 0)
        mult = 60 * 1000;
    else if (strcmp(p, "h") == 0)
        mult = 3600 * 1000;
    else
        return IA_ERR_INVALID;
    if (v > LLONG_MAX / mult)
        return IA_ERR_INVALID;
    *out = v * mult;
    return IA_OK;
}

int config_check_secret(const char *s, const char **why)
{
    static const char *const placeholders[] = {
        "your-secret-key", "your_secret_key", "yoursecretkey", "secret-key-here", "changeme",
        "change-me",       "change_me",       "change-this",   "change_this",     "placeholder",
        "example",         "insecure",        "replace-me",    "replace_me",      "dummy",
    };
    if (s == NULL || *s == '\0') {
        *why = "is missing";
        return IA_ERR_INVALID;
    }
    size_t len = strlen(s);
    if (len < CONFIG_SECRET_MIN) {
        *why = "is shorter than 32 bytes";
        return IA_ERR_INVALID;
    }
    for (size_t i = 0; i < COUNT(placeholders); i++) {
        if (strcasestr(s, placeholders[i]) != NULL) {
            *why = "is a known placeholder, not a secret";
            return IA_ERR_INVALID;
        }
    }
    bool seen[256] = { false };
    int distinct = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (!seen[*p]) {
            seen[*p] = true;
            distinct++;
        }
    }
    if (distinct == 1) {
        *why = "is one repeated character";
        return IA_ERR_INVALID;
    }
    if (distinct < 8) {
        *why = "has fewer than 8 distinct characters, so it is not random";
        return IA_ERR_INVALID;
    }
    return IA_OK;
}

/* Checks the part after "scheme://": a host of letters, digits, '.', '-' (or a bracketed
 * IPv6 literal), then an optional :port; stops at end or the first '/'. Returns the length of
 * the authority, or 0 when invalid. */
static size_t authority_len(const char *p)
{
    const char *h = p;
    if (*h == '[') {
        const char *close = strchr(h, ']');
        if (close == NULL || close == h + 1)
            return 0;
        for (const char *c = h + 1; c < close; c++)
            if (!isxdigit((unsigned char)*c) && *c != ':' && *c != '.')
                return 0;
        h = close + 1;
    } else {
        while (isalnum((unsigned char)*h) || *h == '.' || *h == '-')
            h++;
        if (h == p)
            return 0;
    }
    if (*h == ':') {
        const char *d = ++h;
        long port = 0;
        while (isdigit((unsigned char)*h)) {
            port = port * 10 + (*h - '0');
            if (port > 65535)
                return 0;
            h++;
        }
        if (h == d || port == 0)
            return 0;
    }
    return (size_t)(h - p);
}

int config_parse_origin(const char *s, char *out, size_t outlen)
{
    size_t skip;
    if (strncasecmp(s, "https://", 8) == 0)
        skip = 8;
    else if (strncasecmp(s, "http://", 7) == 0)
        skip = 7;
    else
        return IA_ERR_INVALID;
    size_t alen = authority_len(s + skip);
    if (alen == 0 || s[skip + alen] != '\0')
        return IA_ERR_INVALID;
    size_t len = skip + alen;
    if (len + 1 > outlen)
        return IA_ERR_INVALID;
    for (size_t i = 0; i < len; i++)
        out[i] = (char)tolower((unsigned char)s[i]);
    out[len] = '\0';
    return IA_OK;
}

/* True when the n bytes at s are letters, digits, '-' or '_'. */
static bool key_chars(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)s[i]) && s[i] != '-' && s[i] != '_')
            return false;
    return true;
}

int config_parse_dsn(const char *s, config_dsn *out, const char **why)
{
    memset(out, 0, sizeof(*out));
    size_t skip;
    if (strncasecmp(s, "https://", 8) == 0) {
        skip = 8;
        memcpy(out->scheme, "https", 6);
    } else if (strncasecmp(s, "http://", 7) == 0) {
        skip = 7;
        memcpy(out->scheme, "http", 5);
    } else {
        *why = "not an http:// or https:// URL";
        return IA_ERR_INVALID;
    }
    const char *p = s + skip;
    const char *at = strchr(p, '@');
    const char *slash = strchr(p, '/');
    if (at == NULL || (slash != NULL && slash < at)) {
        *why = "no public key before '@'";
        return IA_ERR_INVALID;
    }
    const char *colon = memchr(p, ':', (size_t)(at - p));
    size_t klen = (size_t)((colon ? colon : at) - p);
    if (klen == 0 || klen > CONFIG_DSN_KEY_MAX || !key_chars(p, klen) ||
        (colon != NULL && !key_chars(colon + 1, (size_t)(at - colon - 1)))) {
        *why = "the public key must be 1 to 64 letters, digits, '-' or '_'";
        return IA_ERR_INVALID;
    }
    memcpy(out->public_key, p, klen);
    const char *host = at + 1;
    size_t hlen = authority_len(host);
    if (hlen == 0 || hlen > CONFIG_DSN_HOST_MAX) {
        *why = "not a valid host[:port] after '@'";
        return IA_ERR_INVALID;
    }
    memcpy(out->host, host, hlen);
    const char *rest = host + hlen;
    size_t rlen = strlen(rest);
    if (rlen > 1 && rest[rlen - 1] == '/')
        rlen--;
    const char *last = NULL;
    for (size_t i = 0; i < rlen; i++)
        if (rest[i] == '/')
            last = rest + i;
    if (last == NULL) {
        *why = "no project id after the host";
        return IA_ERR_INVALID;
    }
    size_t idlen = (size_t)(rest + rlen - last - 1);
    if (idlen == 0 || idlen > CONFIG_DSN_ID_MAX || strspn(last + 1, "0123456789") < idlen) {
        *why = "the project id at the end of the path must be 1 to 20 digits";
        return IA_ERR_INVALID;
    }
    memcpy(out->project_id, last + 1, idlen);
    size_t plen = (size_t)(last - rest);
    for (size_t i = 0; i < plen; i++) {
        unsigned char c = (unsigned char)rest[i];
        if (!isalnum(c) && strchr("/-._~", c) == NULL) {
            *why = "the path holds characters other than letters, digits and /-._~";
            return IA_ERR_INVALID;
        }
    }
    if (plen > CONFIG_DSN_PATH_MAX) {
        *why = "the path is longer than 256 characters";
        return IA_ERR_INVALID;
    }
    memcpy(out->path, rest, plen);
    return IA_OK;
}

int config_parse_ratio(const char *s, double *out)
{
    if (s == NULL)
        return IA_ERR_INVALID;
    const char *p = s;
    size_t digits = 0;
    while (isdigit((unsigned char)*p)) {
        p++;
        digits++;
    }
    if (*p == '.') {
        p++;
        while (isdigit((unsigned char)*p)) {
            p++;
            digits++;
        }
    }
    if (*p != '\0' || digits == 0)
        return IA_ERR_INVALID;
    char *end = NULL;
    double v = strtod(s, &end);
    if (end != p || !(v >= 0.0 && v <= 1.0))
        return IA_ERR_INVALID;
    *out = v;
    return IA_OK;
}

/* Validates an http(s) URL: scheme, authority, then an optional path without spaces or
 * control characters. */
static int parse_url(const char *s)
{
    size_t skip;
    if (strncasecmp(s, "https://", 8) == 0)
        skip = 8;
    else if (strncasecmp(s, "http://", 7) == 0)
        skip = 7;
    else
        return IA_ERR_INVALID;
    size_t alen = authority_len(s + skip);
    if (alen == 0)
        return IA_ERR_INVALID;
    const char *rest = s + skip + alen;
    if (*rest != '\0' && *rest != '/')
        return IA_ERR_INVALID;
    for (const unsigned char *c = (const unsigned char *)rest; *c; c++)
        if (*c <= ' ' || *c == 0x7f)
            return IA_ERR_INVALID;
    return IA_OK;
}

static int parse_host(const char *s)
{
    ia_ip ip;
    if (ia_ip_parse(s, &ip) == IA_OK)
        return IA_OK;
    size_t n = strlen(s);
    if (n == 0 || n > 253)
        return IA_ERR_INVALID;
    for (const char *c = s; *c; c++)
        if (!isalnum((unsigned char)*c) && *c != '.' && *c != '-')
            return IA_ERR_INVALID;
    return IA_OK;
}

/* Splits a comma-separated list into trimmed, non-empty items; calls fn on each. Returns the
 * first failure, with the failing item copied into bad. */
static int each_item(const char *s, int (*fn)(void *ctx, const char *item), void *ctx, char *bad,
                     size_t badlen)
{
    char item[512];
    const char *p = s;
    while (*p) {
        const char *comma = strchr(p, ',');
        const char *e = comma ? comma : p + strlen(p);
        const char *b = p;
        while (b < e && isspace((unsigned char)*b))
            b++;
        const char *t = e;
        while (t > b && isspace((unsigned char)t[-1]))
            t--;
        if (t > b) {
            size_t n = (size_t)(t - b);
            if (n >= sizeof(item)) {
                snprintf(bad, badlen, "%.40s...", b);
                return IA_ERR_INVALID;
            }
            memcpy(item, b, n);
            item[n] = '\0';
            if (fn(ctx, item) != IA_OK) {
                snprintf(bad, badlen, "%.60s", item);
                return IA_ERR_INVALID;
            }
        }
        p = comma ? comma + 1 : e;
    }
    return IA_OK;
}

static int add_origin(void *ctx, const char *item)
{
    ia_config *cfg = ctx;
    char norm[300];
    if (config_parse_origin(item, norm, sizeof(norm)) != IA_OK)
        return IA_ERR_INVALID;
    char **n = realloc(cfg->allowed_origins, (cfg->n_allowed_origins + 1) * sizeof(*n));
    if (n == NULL)
        return IA_ERR_NOMEM;
    cfg->allowed_origins = n;
    n[cfg->n_allowed_origins] = strdup(norm);
    if (n[cfg->n_allowed_origins] == NULL)
        return IA_ERR_NOMEM;
    cfg->n_allowed_origins++;
    return IA_OK;
}

static int add_cidr(void *ctx, const char *item)
{
    ia_config *cfg = ctx;
    ia_cidr c;
    if (ia_cidr_parse(item, &c) != IA_OK)
        return IA_ERR_INVALID;
    ia_cidr *n = realloc(cfg->trusted_proxies, (cfg->n_trusted_proxies + 1) * sizeof(*n));
    if (n == NULL)
        return IA_ERR_NOMEM;
    cfg->trusted_proxies = n;
    n[cfg->n_trusted_proxies++] = c;
    return IA_OK;
}

/* Writes the standard "NAME=value is wrong; expected ..." message. The value is quoted and
 * cut short, and never written for secrets. */
static void bad_value(char *err, size_t errlen, const cfg_spec *sp, const char *value,
                      const char *problem, const char *expected)
{
    snprintf(err, errlen, "invalid setting %s=\"%.60s\": %s; expected %s", sp->name, value, problem,
             expected);
}

/* Stores a copy of v in the string field of sp. */
static int store_string(ia_config *cfg, const cfg_spec *sp, const char *v)
{
    char *copy = strdup(v);
    if (copy == NULL)
        return IA_ERR_NOMEM;
    *(char **)((char *)cfg + sp->offset) = copy;
    return IA_OK;
}

static int parse_one(ia_config *cfg, const cfg_spec *sp, const char *v, char *err, size_t errlen)
{
    char *base = (char *)cfg;
    char expect[200];
    switch (sp->type) {
    case CFG_DBURL:
        if (*v != '\0' && strncmp(v, "sqlite:///", 10) != 0 &&
            strncmp(v, "postgresql://", 13) != 0 && strncmp(v, "postgres://", 11) != 0) {
            snprintf(err, errlen,
                     "invalid setting DATABASE_URL: not a database URL; expected "
                     "sqlite:///relative/file.db, sqlite:////absolute/file.db or "
                     "postgresql://user:password@host:port/database");
            return IA_ERR_INVALID;
        }
        if (strncmp(v, "sqlite:///", 10) == 0 && v[10] == '\0') {
            snprintf(err, errlen,
                     "invalid setting DATABASE_URL: sqlite:/// needs a file path, as in "
                     "sqlite:///data/interviewace.db");
            return IA_ERR_INVALID;
        }
        return store_string(cfg, sp, v);
    case CFG_OPT_SECRET:
        return store_string(cfg, sp, v);
    case CFG_REDISURL:
        /* The scheme here; the rest is checked by the client at start (src/db/redis.c). */
        if (*v != '\0' && strncmp(v, "redis://", 8) != 0 && strncmp(v, "rediss://", 9) != 0) {
            snprintf(err, errlen,
                     "invalid setting REDIS_URL: not a Redis URL; expected "
                     "redis://[user:password@]host:port[/db], rediss://... for TLS, or empty "
                     "for none");
            return IA_ERR_INVALID;
        }
        return store_string(cfg, sp, v);
    case CFG_RLFAILURE: {
        static const char *const names[] = { "local", "open", "closed" };
        for (long long k = 0; k < 3; k++)
            if (strcasecmp(v, names[k]) == 0) {
                *(long long *)(base + sp->offset) = k;
                return IA_OK;
            }
        bad_value(err, errlen, sp, v, "not a failure policy", sp->expect);
        return IA_ERR_INVALID;
    }
    case CFG_DSN: {
        config_dsn dsn;
        const char *why = NULL;
        if (*v != '\0' && config_parse_dsn(v, &dsn, &why) != IA_OK) {
            /* The key is not quoted back: only what is wrong with the value. */
            snprintf(err, errlen,
                     "invalid setting %s: %s; expected empty (error monitoring off) or "
                     "https://<public_key>@<host>[:port]/<project_id>",
                     sp->name, why);
            return IA_ERR_INVALID;
        }
        return store_string(cfg, sp, v);
    }
    case CFG_RATIO: {
        double r;
        if (config_parse_ratio(v, &r) != IA_OK) {
            bad_value(err, errlen, sp, v, "not a ratio", "a number from 0.0 to 1.0 such as 0.25");
            return IA_ERR_INVALID;
        }
        memcpy(base + sp->offset, &r, sizeof(r)); /* the field is a double */
        return IA_OK;
    }
    case CFG_SMTP_TLS: {
        static const char *const names[] = { "starttls", "required", "tls", "none" };
        for (long long k = 0; k < 4; k++)
            if (strcasecmp(v, names[k]) == 0) {
                *(long long *)(base + sp->offset) = k;
                return IA_OK;
            }
        bad_value(err, errlen, sp, v, "not a TLS mode", sp->expect);
        return IA_ERR_INVALID;
    }
    case CFG_LLM: {
        static const char *const names[] = { "offline", "gemini", "openai" };
        for (long long k = 0; k < 3; k++)
            if (strcasecmp(v, names[k]) == 0) {
                *(long long *)(base + sp->offset) = k;
                return IA_OK;
            }
        bad_value(err, errlen, sp, v, "not a provider", sp->expect);
        return IA_ERR_INVALID;
    }
    case CFG_BACKEND:
        if (strcasecmp(v, "local") == 0) {
            *(long long *)(base + sp->offset) = STORAGE_LOCAL;
        } else if (strcasecmp(v, "s3") == 0) {
            *(long long *)(base + sp->offset) = STORAGE_S3;
        } else {
            bad_value(err, errlen, sp, v, "not a storage backend", sp->expect);
            return IA_ERR_INVALID;
        }
        return IA_OK;
    case CFG_OPT_BOOL: {
        bool b;
        if (*v == '\0') {
            *(long long *)(base + sp->offset) = -1;
            return IA_OK;
        }
        if (config_parse_bool(v, &b) != IA_OK) {
            bad_value(err, errlen, sp, v, "not a boolean",
                      "true or false (also 1/0, yes/no), or empty for the default");
            return IA_ERR_INVALID;
        }
        *(long long *)(base + sp->offset) = b ? 1 : 0;
        return IA_OK;
    }
    case CFG_STR:
    case CFG_OPT_STR:
    case CFG_HOST: {
        if (sp->type != CFG_OPT_STR && *v == '\0') {
            bad_value(err, errlen, sp, v, "it is empty", sp->expect);
            return IA_ERR_INVALID;
        }
        if (sp->type == CFG_HOST && parse_host(v) != IA_OK) {
            bad_value(err, errlen, sp, v, "not a valid address", sp->expect);
            return IA_ERR_INVALID;
        }
        for (const unsigned char *c = (const unsigned char *)v; *c; c++)
            if (*c < 0x20 || *c == 0x7f) {
                bad_value(err, errlen, sp, "", "it contains control characters", "printable text");
                return IA_ERR_INVALID;
            }
        return store_string(cfg, sp, v);
    }
    case CFG_SECRET: {
        const char *why = NULL;
        if (config_check_secret(v, &why) != IA_OK) {
            snprintf(err, errlen,
                     "SECRET_KEY %s. It signs every token, so it must be at least 32 random "
                     "bytes and there is no default. Generate one with `interviewace init` "
                     "(writes .env) or `openssl rand -hex 32`.",
                     why);
            return IA_ERR_INVALID;
        }
        return store_string(cfg, sp, v);
    }
    case CFG_INT: {
        long long out;
        if (config_parse_int(v, sp->min, sp->max, &out) != IA_OK) {
            snprintf(expect, sizeof(expect), "a whole number from %lld to %lld", sp->min, sp->max);
            long long any;
            bool is_num = config_parse_int(v, LLONG_MIN, LLONG_MAX, &any) == IA_OK;
            bad_value(err, errlen, sp, v, is_num ? "out of range" : "not an integer", expect);
            return IA_ERR_INVALID;
        }
        *(long long *)(base + sp->offset) = out;
        return IA_OK;
    }
    case CFG_BOOL: {
        bool b;
        if (config_parse_bool(v, &b) != IA_OK) {
            bad_value(err, errlen, sp, v, "not a boolean", "true or false (also 1/0, yes/no)");
            return IA_ERR_INVALID;
        }
        *(bool *)(base + sp->offset) = b;
        return IA_OK;
    }
    case CFG_DURATION: {
        long long ms;
        snprintf(expect, sizeof(expect),
                 "a duration such as 500ms, 30s, 5m or 1h (a bare number is seconds) from "
                 "%lldms to %llds",
                 sp->min, sp->max / 1000);
        if (config_parse_duration_ms(v, &ms) != IA_OK) {
            bad_value(err, errlen, sp, v, "not a duration", expect);
            return IA_ERR_INVALID;
        }
        if (ms < sp->min || ms > sp->max) {
            bad_value(err, errlen, sp, v, "out of range", expect);
            return IA_ERR_INVALID;
        }
        *(long long *)(base + sp->offset) = ms;
        return IA_OK;
    }
    case CFG_OPT_URL:
    case CFG_URL: {
        if (sp->type == CFG_OPT_URL && *v == '\0')
            return store_string(cfg, sp, v);
        if (parse_url(v) != IA_OK) {
            bad_value(err, errlen, sp, v, "not a valid URL",
                      "an http:// or https:// URL such as https://app.example.com");
            return IA_ERR_INVALID;
        }
        char *copy = strdup(v);
        if (copy == NULL)
            return IA_ERR_NOMEM;
        size_t n = strlen(copy);
        while (n > 0 && copy[n - 1] == '/')
            copy[--n] = '\0';
        *(char **)(base + sp->offset) = copy;
        return IA_OK;
    }
    case CFG_ORIGINS: {
        char bad[64];
        if (each_item(v, add_origin, cfg, bad, sizeof(bad)) != IA_OK) {
            snprintf(err, errlen,
                     "invalid setting ALLOWED_ORIGINS: \"%s\" is not an origin; expected a "
                     "comma-separated list of exact origins such as https://app.example.com or "
                     "http://localhost:5173 (scheme, host and optional port; no path, no "
                     "wildcard)",
                     bad);
            return IA_ERR_INVALID;
        }
        return IA_OK;
    }
    case CFG_CIDRS: {
        char bad[64];
        if (each_item(v, add_cidr, cfg, bad, sizeof(bad)) != IA_OK) {
            snprintf(err, errlen,
                     "invalid setting TRUSTED_PROXIES: \"%s\" is not an IP address or CIDR "
                     "range; expected a comma-separated list such as 10.0.0.0/8, 127.0.0.1, "
                     "::1",
                     bad);
            return IA_ERR_INVALID;
        }
        return IA_OK;
    }
    case CFG_LOGLEVEL: {
        int lvl = log_level_parse(v);
        if (lvl < 0) {
            bad_value(err, errlen, sp, v, "not a log level", sp->expect);
            return IA_ERR_INVALID;
        }
        *(long long *)(base + sp->offset) = lvl;
        return IA_OK;
    }
    case CFG_LOGFORMAT:
        if (strcasecmp(v, "json") == 0) {
            *(bool *)(base + sp->offset) = true;
        } else if (strcasecmp(v, "text") == 0) {
            *(bool *)(base + sp->offset) = false;
        } else {
            bad_value(err, errlen, sp, v, "not a log format", sp->expect);
            return IA_ERR_INVALID;
        }
        return IA_OK;
    }
    return IA_ERR_INTERNAL;
}

void config_redact_url(const char *url, char *out, size_t outlen)
{
    const char *scheme = url ? strstr(url, "://") : NULL;
    const char *at = scheme ? strchr(scheme + 3, '@') : NULL;
    const char *colon = at ? memchr(scheme + 3, ':', (size_t)(at - scheme - 3)) : NULL;
    if (colon == NULL)
        snprintf(out, outlen, "%s", url ? url : "");
    else
        snprintf(out, outlen, "%.*s****%s", (int)(colon + 1 - url), url, at);
}

/* Appends s to buf percent-encoded for a URL's user-info or path part. */
static size_t url_escape(char *buf, size_t o, size_t cap, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    for (; *s && o + 4 < cap; s++) {
        unsigned char c = (unsigned char)*s;
        if (isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
            buf[o++] = (char)c;
        } else {
            buf[o++] = '%';
            buf[o++] = hex[c >> 4];
            buf[o++] = hex[c & 15];
        }
    }
    buf[o] = '\0';
    return o;
}

/* Settles DATABASE_URL: as given; else built from POSTGRES_* when POSTGRES_SERVER is set; else
 * a SQLite file in DATA_DIR. */
static int resolve_database_url(ia_config *cfg)
{
    if (cfg->database_url != NULL && *cfg->database_url != '\0')
        return IA_OK;
    char buf[2048];
    if (cfg->postgres_server != NULL && *cfg->postgres_server != '\0') {
        size_t o = (size_t)snprintf(buf, sizeof(buf), "postgresql://");
        o = url_escape(buf, o, sizeof(buf), cfg->postgres_user);
        if (cfg->postgres_password != NULL && *cfg->postgres_password != '\0') {
            buf[o++] = ':';
            o = url_escape(buf, o, sizeof(buf), cfg->postgres_password);
        }
        snprintf(buf + o, sizeof(buf) - o, "@%s:%lld/", cfg->postgres_server, cfg->postgres_port);
        o = strlen(buf);
        url_escape(buf, o, sizeof(buf), cfg->postgres_db);
    } else {
        const char *dir = cfg->data_dir;
        size_t n = strlen(dir);
        while (n > 1 && dir[n - 1] == '/')
            n--;
        if (strncmp(dir, "./", 2) == 0 && n > 2) {
            dir += 2;
            n -= 2;
        }
        snprintf(buf, sizeof(buf), "sqlite:///%.*s/interviewace.db", (int)n, dir);
    }
    free(cfg->database_url);
    cfg->database_url = strdup(buf);
    return cfg->database_url ? IA_OK : IA_ERR_NOMEM;
}

bool config_gemini_configured(const ia_config *cfg)
{
    return cfg->gemini_api_key != NULL && *cfg->gemini_api_key != '\0';
}

bool config_openai_configured(const ia_config *cfg)
{
    return cfg->openai_base_url != NULL && *cfg->openai_base_url != '\0' &&
           cfg->openai_model != NULL && *cfg->openai_model != '\0';
}

/* Checks the LLM settings against each other: the primary provider must be usable, and a key
 * that would be silently ignored is a mistake worth stopping for. */
static int check_llm(const ia_config *cfg, char *err, size_t errlen)
{
    if (cfg->llm_primary_provider == LLM_PROVIDER_GEMINI && !config_gemini_configured(cfg)) {
        snprintf(err, errlen,
                 "invalid setting LLM_PRIMARY_PROVIDER=gemini: GEMINI_API_KEY is empty; set "
                 "GEMINI_API_KEY to a Generative Language API key, or choose "
                 "LLM_PRIMARY_PROVIDER=offline or openai");
        return IA_ERR_INVALID;
    }
    if (cfg->llm_primary_provider == LLM_PROVIDER_OPENAI && !config_openai_configured(cfg)) {
        snprintf(err, errlen,
                 "invalid setting LLM_PRIMARY_PROVIDER=openai: OPENAI_MODEL is empty; set "
                 "OPENAI_MODEL (and OPENAI_BASE_URL for a server other than OpenAI), or choose "
                 "LLM_PRIMARY_PROVIDER=offline or gemini");
        return IA_ERR_INVALID;
    }
    if (cfg->openai_api_key != NULL && *cfg->openai_api_key != '\0' &&
        !config_openai_configured(cfg)) {
        snprintf(err, errlen,
                 "invalid setting OPENAI_MODEL: it is empty while OPENAI_API_KEY is set; "
                 "expected a model name such as gpt-4o-mini");
        return IA_ERR_INVALID;
    }
    return IA_OK;
}

/* Settles and checks the names Sentry files events under: an environment of at most 64 bytes
 * without spaces or '/', a release of at most 200 bytes without '/' or '\\' and not "." or
 * "..", interviewace@<version> when empty. */
static int resolve_sentry(ia_config *cfg, char *err, size_t errlen)
{
    if (cfg->sentry_release[0] == '\0') {
        free(cfg->sentry_release);
        cfg->sentry_release = strdup("interviewace@" IA_VERSION);
        if (cfg->sentry_release == NULL) {
            snprintf(err, errlen, "out of memory while reading SENTRY_RELEASE");
            return IA_ERR_INVALID;
        }
    }
    const char *env = cfg->sentry_environment;
    if (strlen(env) > 64 || strpbrk(env, " /") != NULL) {
        snprintf(err, errlen,
                 "invalid setting SENTRY_ENVIRONMENT=\"%.64s\": expected at most 64 characters "
                 "without spaces or '/', such as production or staging",
                 env);
        return IA_ERR_INVALID;
    }
    const char *rel = cfg->sentry_release;
    if (strlen(rel) > 200 || strpbrk(rel, "/\\") != NULL || strcmp(rel, ".") == 0 ||
        strcmp(rel, "..") == 0) {
        snprintf(err, errlen,
                 "invalid setting SENTRY_RELEASE=\"%.60s\": expected at most 200 characters "
                 "without '/' or '\\' such as interviewace@1.2.3",
                 rel);
        return IA_ERR_INVALID;
    }
    return IA_OK;
}

/* True when s is 1 to max characters, each a lowercase letter, digit or one of extra. */
static bool only_chars(const char *s, size_t max, const char *extra)
{
    size_t n = strlen(s);
    if (n == 0 || n > max)
        return false;
    for (const char *c = s; *c; c++)
        if (!(*c >= 'a' && *c <= 'z') && !(*c >= '0' && *c <= '9') && strchr(extra, *c) == NULL)
            return false;
    return true;
}

/* Settles and checks the file-storage settings together: STORAGE_DIR defaults to DATA_DIR/files,
 * S3_FORCE_PATH_STYLE to true exactly when S3_ENDPOINT is set, and STORAGE_BACKEND=s3 needs a
 * valid bucket name and both keys. Returns IA_ERR_INVALID with a message naming the setting. */
static int resolve_storage(ia_config *cfg, char *err, size_t errlen)
{
    if (*cfg->storage_dir == '\0') {
        size_t n = strlen(cfg->data_dir);
        while (n > 1 && cfg->data_dir[n - 1] == '/')
            n--;
        char buf[4096];
        if ((size_t)snprintf(buf, sizeof(buf), "%.*s/files", (int)n, cfg->data_dir) >=
            sizeof(buf)) {
            snprintf(err, errlen, "invalid setting DATA_DIR: the path is too long");
            return IA_ERR_INVALID;
        }
        free(cfg->storage_dir);
        cfg->storage_dir = strdup(buf);
        if (cfg->storage_dir == NULL)
            return IA_ERR_NOMEM;
    }
    if (cfg->s3_force_path_style < 0)
        cfg->s3_force_path_style = *cfg->s3_endpoint != '\0';
    if (strpbrk(cfg->s3_endpoint, "?#@") != NULL) {
        snprintf(err, errlen,
                 "invalid setting S3_ENDPOINT=\"%.60s\": it has a query, fragment or user name; "
                 "expected the service's base URL such as http://127.0.0.1:9000",
                 cfg->s3_endpoint);
        return IA_ERR_INVALID;
    }
    if (!only_chars(cfg->s3_region, 32, "-")) {
        snprintf(err, errlen,
                 "invalid setting S3_REGION=\"%.60s\": not a region name; expected lowercase "
                 "letters, digits and '-' such as eu-west-1",
                 cfg->s3_region);
        return IA_ERR_INVALID;
    }
    if (cfg->storage_backend != STORAGE_S3)
        return IA_OK;
    const char *b = cfg->s3_bucket;
    size_t blen = strlen(b);
    if (blen == 0) {
        snprintf(err, errlen,
                 "invalid setting S3_BUCKET: it is empty; STORAGE_BACKEND=s3 needs the name of "
                 "the bucket that holds the files");
        return IA_ERR_INVALID;
    }
    if (blen < 3 || !only_chars(b, 63, ".-") || !isalnum((unsigned char)b[0]) ||
        !isalnum((unsigned char)b[blen - 1]) || strstr(b, "..") != NULL) {
        snprintf(err, errlen,
                 "invalid setting S3_BUCKET=\"%.63s\": not a bucket name; expected 3 to 63 "
                 "lowercase letters, digits, '.' and '-', starting and ending with a letter or "
                 "digit",
                 b);
        return IA_ERR_INVALID;
    }
    const char *id = cfg->s3_access_key_id;
    if (*id == '\0') {
        snprintf(err, errlen,
                 "invalid setting S3_ACCESS_KEY_ID: it is empty; STORAGE_BACKEND=s3 needs the "
                 "access key id and S3_SECRET_ACCESS_KEY");
        return IA_ERR_INVALID;
    }
    for (const unsigned char *c = (const unsigned char *)id; *c; c++)
        if (*c <= ' ' || *c >= 0x7f || *c == ':' || c - (const unsigned char *)id >= 128) {
            snprintf(err, errlen,
                     "invalid setting S3_ACCESS_KEY_ID: not an access key id; expected up to 128 "
                     "printable characters without spaces or ':'");
            return IA_ERR_INVALID;
        }
    const char *secret = cfg->s3_secret_access_key;
    if (*secret == '\0') {
        snprintf(err, errlen,
                 "invalid setting S3_SECRET_ACCESS_KEY: it is empty; STORAGE_BACKEND=s3 needs "
                 "the secret of S3_ACCESS_KEY_ID");
        return IA_ERR_INVALID;
    }
    for (const unsigned char *c = (const unsigned char *)secret; *c; c++)
        if (*c < ' ' || *c >= 0x7f || c - (const unsigned char *)secret >= 256) {
            snprintf(err, errlen,
                     "invalid setting S3_SECRET_ACCESS_KEY: expected up to 256 printable "
                     "characters (the value is not shown)");
            return IA_ERR_INVALID;
        }
    return IA_OK;
}

/* The host part of a derived FRONTEND_URL: localhost for the loopback and wildcard addresses
 * (what a browser on this machine uses), an IPv6 literal in brackets, any other HOST as it is. */
static void frontend_host(const char *host, char *out, size_t outlen)
{
    ia_ip ip;
    static const char *const local[] = { "0.0.0.0", "::", "::1", "localhost" };
    for (size_t i = 0; i < COUNT(local); i++)
        if (strcasecmp(host, local[i]) == 0) {
            snprintf(out, outlen, "localhost");
            return;
        }
    if (ia_ip_parse(host, &ip) != IA_OK) {
        snprintf(out, outlen, "%s", host);
        return;
    }
    ia_cidr loopback;
    if (ia_cidr_parse("127.0.0.0/8", &loopback) == IA_OK && ia_cidr_contains(&loopback, &ip))
        snprintf(out, outlen, "localhost");
    else if (strchr(host, ':') != NULL)
        snprintf(out, outlen, "[%s]", host);
    else
        snprintf(out, outlen, "%s", host);
}

int config_settle_frontend_url(ia_config *cfg, long long port)
{
    if (!cfg->frontend_url_derived)
        return IA_OK;
    char host[300], url[400];
    frontend_host(cfg->host, host, sizeof(host));
    if (port > 0)
        snprintf(url, sizeof(url), "http://%s:%lld", host, port);
    else
        snprintf(url, sizeof(url), "http://%s", host);
    char *copy = strdup(url);
    if (copy == NULL)
        return IA_ERR_NOMEM;
    free(cfg->frontend_url);
    cfg->frontend_url = copy;
    return IA_OK;
}

int config_load_with(ia_config *cfg, config_lookup_fn lookup, void *ctx, char *err, size_t errlen)
{
    memset(cfg, 0, sizeof(*cfg));
    for (size_t i = 0; i < NSPECS; i++) {
        const cfg_spec *sp = &specs[i];
        const char *v = lookup(ctx, sp->name);
        if (v == NULL)
            v = sp->def;
        if (v == NULL)
            v = "";
        int rc = parse_one(cfg, sp, v, err, errlen);
        if (rc != IA_OK) {
            if (rc == IA_ERR_NOMEM)
                snprintf(err, errlen, "out of memory while reading %s", sp->name);
            config_free(cfg);
            return IA_ERR_INVALID;
        }
    }
    if (check_llm(cfg, err, errlen) != IA_OK || resolve_sentry(cfg, err, errlen) != IA_OK) {
        config_free(cfg);
        return IA_ERR_INVALID;
    }
    cfg->frontend_url_derived = *cfg->frontend_url == '\0';
    if (config_settle_frontend_url(cfg, cfg->port) != IA_OK) {
        snprintf(err, errlen, "out of memory while reading FRONTEND_URL");
        config_free(cfg);
        return IA_ERR_INVALID;
    }
    if (resolve_database_url(cfg) != IA_OK) {
        snprintf(err, errlen, "out of memory while building the database URL");
        config_free(cfg);
        return IA_ERR_INVALID;
    }
    int rc = resolve_storage(cfg, err, errlen);
    if (rc != IA_OK) {
        if (rc == IA_ERR_NOMEM)
            snprintf(err, errlen, "out of memory while reading STORAGE_DIR");
        config_free(cfg);
        return IA_ERR_INVALID;
    }
    return IA_OK;
}

static const char *lookup_env(void *ctx, const char *name)
{
    return env_lookup((const env_file *)ctx, name);
}

int config_load(ia_config *cfg, const env_file *f, char *err, size_t errlen)
{
    return config_load_with(cfg, lookup_env, (void *)f, err, errlen);
}

void config_free(ia_config *cfg)
{
    for (size_t i = 0; i < NSPECS; i++) {
        enum cfg_type t = specs[i].type;
        if (t == CFG_STR || t == CFG_OPT_STR || t == CFG_HOST || t == CFG_SECRET || t == CFG_URL ||
            t == CFG_DBURL || t == CFG_OPT_SECRET || t == CFG_OPT_URL || t == CFG_REDISURL ||
            t == CFG_DSN) {
            char **p = (char **)((char *)cfg + specs[i].offset);
            if ((t == CFG_SECRET || t == CFG_OPT_SECRET || t == CFG_DBURL || t == CFG_REDISURL) &&
                *p != NULL)
                explicit_bzero(*p, strlen(*p));
            free(*p);
            *p = NULL;
        }
    }
    for (size_t i = 0; i < cfg->n_allowed_origins; i++)
        free(cfg->allowed_origins[i]);
    free(cfg->allowed_origins);
    free(cfg->trusted_proxies);
    cfg->allowed_origins = NULL;
    cfg->trusted_proxies = NULL;
    cfg->n_allowed_origins = cfg->n_trusted_proxies = 0;
}

void config_print(const ia_config *cfg, FILE *out)
{
    const char *base = (const char *)cfg;
    for (size_t i = 0; i < NSPECS; i++) {
        const cfg_spec *sp = &specs[i];
        fprintf(out, "%s=", sp->name);
        switch (sp->type) {
        case CFG_STR:
        case CFG_OPT_STR:
        case CFG_HOST:
        case CFG_URL:
        case CFG_OPT_URL: {
            const char *s = *(char *const *)(base + sp->offset);
            fprintf(out, "%s\n", s ? s : "");
            break;
        }
        case CFG_SECRET: {
            const char *s = *(char *const *)(base + sp->offset);
            fprintf(out, "******** (set, %zu bytes)\n", s ? strlen(s) : 0);
            break;
        }
        case CFG_SMTP_TLS: {
            static const char *const names[] = { "starttls", "required", "tls", "none" };
            fprintf(out, "%s\n", names[*(const long long *)(base + sp->offset)]);
            break;
        }
        case CFG_LLM: {
            static const char *const names[] = { "offline", "gemini", "openai" };
            fprintf(out, "%s\n", names[*(const long long *)(base + sp->offset)]);
            break;
        }
        case CFG_OPT_SECRET: {
            const char *s = *(char *const *)(base + sp->offset);
            fprintf(out, "%s\n", s && *s ? "******** (set)" : "");
            break;
        }
        case CFG_DBURL:
        case CFG_REDISURL: {
            char red[1024];
            config_redact_url(*(char *const *)(base + sp->offset), red, sizeof(red));
            fprintf(out, "%s\n", red);
            break;
        }
        case CFG_RLFAILURE: {
            static const char *const names[] = { "local", "open", "closed" };
            fprintf(out, "%s\n", names[*(const long long *)(base + sp->offset)]);
            break;
        }
        case CFG_INT:
            fprintf(out, "%lld\n", *(const long long *)(base + sp->offset));
            break;
        case CFG_BOOL:
            fprintf(out, "%s\n", *(const bool *)(base + sp->offset) ? "true" : "false");
            break;
        case CFG_DURATION: {
            long long ms = *(const long long *)(base + sp->offset);
            if (ms % 1000 == 0)
                fprintf(out, "%llds\n", ms / 1000);
            else
                fprintf(out, "%lldms\n", ms);
            break;
        }
        case CFG_ORIGINS:
            for (size_t j = 0; j < cfg->n_allowed_origins; j++)
                fprintf(out, "%s%s", j ? "," : "", cfg->allowed_origins[j]);
            fputc('\n', out);
            break;
        case CFG_CIDRS:
            for (size_t j = 0; j < cfg->n_trusted_proxies; j++) {
                char buf[64];
                const ia_cidr *c = &cfg->trusted_proxies[j];
                ia_ip_format(&c->net, buf, sizeof(buf));
                bool v4 = strchr(buf, ':') == NULL;
                fprintf(out, "%s%s/%d", j ? "," : "", buf, v4 ? c->prefix - 96 : c->prefix);
            }
            fputc('\n', out);
            break;
        case CFG_LOGLEVEL: {
            static const char *const names[] = { "debug", "info", "warn", "error" };
            fprintf(out, "%s\n", names[*(const long long *)(base + sp->offset)]);
            break;
        }
        case CFG_LOGFORMAT:
            fprintf(out, "%s\n", *(const bool *)(base + sp->offset) ? "json" : "text");
            break;
        case CFG_BACKEND:
            fprintf(out, "%s\n",
                    *(const long long *)(base + sp->offset) == STORAGE_S3 ? "s3" : "local");
            break;
        case CFG_DSN: {
            const char *s = *(char *const *)(base + sp->offset);
            config_dsn d;
            const char *why = NULL;
            if (s != NULL && *s != '\0' && config_parse_dsn(s, &d, &why) == IA_OK)
                fprintf(out, "%s://****@%s%s/%s\n", d.scheme, d.host, d.path, d.project_id);
            else
                fputc('\n', out);
            break;
        }
        case CFG_RATIO: {
            double r;
            memcpy(&r, base + sp->offset, sizeof(r));
            fprintf(out, "%g\n", r);
            break;
        }
        case CFG_OPT_BOOL: {
            long long b = *(const long long *)(base + sp->offset);
            fprintf(out, "%s\n", b < 0 ? "" : b ? "true" : "false");
            break;
        }
        }
    }
}
