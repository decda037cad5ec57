/* The service's configuration: every setting, its type, default, range and meaning in one
 * table (config.c), read from the environment and an optional .env file. Invalid values stop
 * start-up with a message that names the variable, says what is wrong and what is expected. */
#ifndef IA_CORE_CONFIG_H
#define IA_CORE_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "core/env.h"
#include "core/netaddr.h"

#define CONFIG_SECRET_MIN 32

typedef struct {
    /* server */
    char *host;
    long long port;
    char *data_dir;
    char *secret_key;
    char *frontend_url;        /* FRONTEND_URL, or derived from HOST and PORT when unset */
    bool frontend_url_derived; /* FRONTEND_URL was empty: it follows the listening address */
    char **allowed_origins;
    size_t n_allowed_origins;
    ia_cidr *trusted_proxies;
    size_t n_trusted_proxies;
    long long log_level;
    bool log_json;
    /* HTTP limits */
    long long http_io_threads;
    long long handler_threads;
    long long handler_queue_max;
    long long cpu_threads;   /* password hashing executor; 0 = one per online core */
    long long cpu_queue_max; /* requests that may wait for it before 503 CPU_BUSY */
    long long cpu_nice;      /* how much lower its threads' CPU priority is */
    long long max_json_body;
    long long max_file_size;
    long long http_max_header_bytes;
    long long http_max_connections;
    long long http_max_connections_per_ip;
    long long http_idle_timeout_ms;
    long long http_request_timeout_ms;
    long long http_header_timeout_ms;
    bool http_reuse_port;
    long long shutdown_timeout_ms;
    /* rate limits, requests per 60 s; 0 turns a policy off */
    long long rate_limit;
    long long rate_limit_register;
    long long rate_limit_login;
    long long rate_limit_login_account;
    long long rate_limit_reset;
    long long rate_limit_resend;
    long long rate_limit_upload;
    /* accounts and tokens */
    long long access_token_expire_minutes;
    long long refresh_token_expire_days;
    long long max_sessions_per_user;
    long long max_login_attempts;
    long long login_attempt_window_minutes;
    long long lockout_minutes;
    long long password_history;
    long long password_reset_expire_minutes;
    long long email_verification_expire_minutes;
    long long task_retention_days;
    /* database and background jobs */
    char *database_url; /* DATABASE_URL, or built from POSTGRES_*, or SQLite in DATA_DIR */
    char *postgres_server;
    char *postgres_user;
    char *postgres_password;
    char *postgres_db;
    long long postgres_port;
    long long db_statement_timeout_ms;
    long long embedded_workers;
    long long worker_concurrency;
    long long job_poll_interval_ms;
    long long job_lease_timeout_ms;
    long long job_retry_base_ms;
    /* text extraction (src/docs/) */
    long long extract_timeout_ms;
    long long extract_cpu_seconds;
    long long extract_memory_bytes;
    /* mail */
    char *smtp_host;
    long long smtp_port;
    char *smtp_user;
    char *smtp_password;
    char *smtp_from;
    long long smtp_tls; /* SMTP_TLS_* */
    long long smtp_timeout_ms;
    long long password_hash_cost;
    /* AI engine: LLM providers in front of the built-in offline engine */
    long long llm_primary_provider; /* LLM_PROVIDER_* */
    long long llm_timeout_ms;
    long long llm_max_retries;
    long long llm_breaker_failures;
    long long llm_breaker_cooldown_ms;
    char *gemini_api_key;
    char *gemini_model;
    char *gemini_base_url;
    char *openai_api_key;
    char *openai_base_url;
    char *openai_model;
    char *wordnet_dir; /* WORDNET_DIR: the offline engine's WordNet files */
    /* file storage */
    long long storage_backend; /* STORAGE_LOCAL or STORAGE_S3 */
    char *storage_dir;         /* STORAGE_DIR, or DATA_DIR/files */
    char *s3_endpoint;         /* empty = AWS: https://s3.<region>.amazonaws.com */
    char *s3_bucket;
    char *s3_region;
    char *s3_access_key_id;
    char *s3_secret_access_key;
    long long s3_force_path_style; /* 1 path-style, 0 virtual-hosted (settled at load) */
    long long s3_timeout_ms;
    long long orphan_file_age_ms; /* past this age: stored files no resume uses, and the
                                     temporary files a crash left, are removed */
    /* Redis: shared rate limits and revoked tokens across replicas (empty URL = none) */
    char *redis_url;
    long long redis_timeout_ms;
    long long redis_pool_size;
    long long rate_limit_on_redis_failure; /* RL_FAILURE_* */
    /* error monitoring (src/obs/sentry.c) */
    char *sentry_dsn; /* empty = off; checked by config_parse_dsn */
    char *sentry_environment;
    char *sentry_release;
    double sentry_sample_rate; /* 0.0-1.0, of error events */
    /* testing */
    bool test_endpoints;
} ia_config;

enum { SMTP_TLS_STARTTLS = 0, SMTP_TLS_REQUIRED = 1, SMTP_TLS_IMPLICIT = 2, SMTP_TLS_NONE = 3 };

enum { LLM_PROVIDER_OFFLINE = 0, LLM_PROVIDER_GEMINI = 1, LLM_PROVIDER_OPENAI = 2 };

/* Whether a provider has what it needs to be called: a key for gemini, a base URL and a model
 * for openai (a key is optional there: local servers such as Ollama need none). */
bool config_gemini_configured(const ia_config *cfg);
bool config_openai_configured(const ia_config *cfg);

enum { STORAGE_LOCAL = 0, STORAGE_S3 = 1 };

/* What rate limiting does while Redis is unreachable: the in-process limiter, no limit, or
 * 503 for every limited request. */
enum { RL_FAILURE_LOCAL = 0, RL_FAILURE_OPEN = 1, RL_FAILURE_CLOSED = 2 };

typedef const char *(*config_lookup_fn)(void *ctx, const char *name);

/* Loads every setting through lookup (NULL = unset). On failure returns IA_ERR_INVALID, writes
 * the message to err and leaves cfg freed. */
int config_load_with(ia_config *cfg, config_lookup_fn lookup, void *ctx, char *err, size_t errlen);

/* Points a derived FRONTEND_URL (one that was not set) at the address the service listens
 * on, http://<HOST>:<port> with localhost for loopback and wildcard addresses; port 0 leaves
 * the port out (the real one is known only once the server is bound, which calls this again).
 * An explicit FRONTEND_URL is left as it is. Returns IA_OK or IA_ERR_NOMEM. */
int config_settle_frontend_url(ia_config *cfg, long long port);

/* Loads from the process environment, then the .env file f (may be NULL). */
int config_load(ia_config *cfg, const env_file *f, char *err, size_t errlen);

void config_free(ia_config *cfg);

/* Writes NAME=value lines of the effective configuration, secrets masked. */
void config_print(const ia_config *cfg, FILE *out);

/* The names of all settings, in table order, for documentation checks. */
size_t config_setting_count(void);
const char *config_setting_name(size_t i);

/* The typed parsers behind the table, exposed for tests. Each returns IA_OK or
 * IA_ERR_INVALID. */
int config_parse_int(const char *s, long long min, long long max, long long *out);
int config_parse_bool(const char *s, bool *out);
int config_parse_duration_ms(const char *s, long long *out);

/* Checks a SECRET_KEY candidate; on refusal returns IA_ERR_INVALID and sets *why. */
int config_check_secret(const char *s, const char **why);

/* Copies url with its password replaced by "****", for logs and `config check`. */
void config_redact_url(const char *url, char *out, size_t outlen);

#define CONFIG_DSN_HOST_MAX 262
#define CONFIG_DSN_PATH_MAX 256
#define CONFIG_DSN_KEY_MAX  64
#define CONFIG_DSN_ID_MAX   20

/* A Sentry DSN taken apart: {scheme}://{public_key}@{host}{path}/{project_id}. */
typedef struct {
    char scheme[6];                          /* "http" or "https" */
    char host[CONFIG_DSN_HOST_MAX + 1];      /* host[:port], an IPv6 literal in brackets */
    char path[CONFIG_DSN_PATH_MAX + 1];      /* "" or "/prefix", before the project id */
    char public_key[CONFIG_DSN_KEY_MAX + 1]; /* letters, digits, '-' and '_' */
    char project_id[CONFIG_DSN_ID_MAX + 1];  /* digits */
} config_dsn;

/* Parses a DSN of the form https://<public_key>@<host>[:port][/path]/<project_id> (http for
 * local servers; a legacy ":secret" after the key is accepted and dropped). Returns IA_OK, or
 * IA_ERR_INVALID with *why saying what is wrong. */
int config_parse_dsn(const char *s, config_dsn *out, const char **why);

/* Parses a ratio such as 0, 0.25 or 1.0 within [0, 1]. Returns IA_OK or IA_ERR_INVALID. */
int config_parse_ratio(const char *s, double *out);

/* Validates and normalises an origin ("https://app.example.com[:port]", no path) into out. */
int config_parse_origin(const char *s, char *out, size_t outlen);

#endif
