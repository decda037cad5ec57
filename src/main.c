/* The interviewace command line: init | serve | migrate | worker | user | ai | config check |
 * healthcheck | sentry test | version. Exit status 0 on
 * success, 1 when something fails at run time, 2 for a usage or configuration error. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "ai/chain.h"
#include "ai/request.h"
#include "api/api.h"
#include "auth/password.h"
#include "http/validate.h"
#include "store/users_store.h"
#include "core/config.h"
#include "core/env.h"
#include "core/errors.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "core/uuid.h"
#include "core/utf8.h"
#include "db/db.h"
#include "db/migrate.h"
#include "db/redis.h"
#include "docs/extract.h"
#include "files/storage.h"
#include "http/server.h"
#include "jobs/jobs.h"
#include "mail/mail.h"
#include "obs/healthcheck.h"
#include "obs/metrics.h"
#include "obs/sentry.h"

#define EXIT_USAGE       2
#define DEFAULT_ENV_FILE ".env"

static const char usage_main[] =
    "Usage: interviewace [--env-file PATH] <command> [options]\n"
    "\n"
    "InterviewAce: resume analysis, tailored mock interviews and feedback.\n"
    "\n"
    "Commands:\n"
    "  init           Write a .env file with a fresh random SECRET_KEY (never overwrites)\n"
    "  serve          Run the HTTP service (API and web app)\n"
    "  migrate        Apply pending database migrations ('migrate status' lists them)\n"
    "  worker         Run background job workers (WORKER_CONCURRENCY threads)\n"
    "  user           Create an account or change a role (user create | user set-role)\n"
    "  ai             Run one AI operation on a JSON request from standard input\n"
    "  config check   Validate the configuration and print it, secrets masked\n"
    "  healthcheck    Probe a running service's /health (or a worker's heartbeat)\n"
    "  sentry test    Send a test event to SENTRY_DSN and say whether it was accepted\n"
    "  version        Print the version\n"
    "\n"
    "Options:\n"
    "  --env-file PATH  Read settings from PATH instead of ./.env (the environment wins)\n"
    "  -h, --help       Show this help\n"
    "\n"
    "Run 'interviewace <command> --help' for a command's options.\n";

static const char usage_init[] =
    "Usage: interviewace [--env-file PATH] init\n"
    "\n"
    "Writes .env (or the --env-file path) with a fresh random SECRET_KEY, readable only by\n"
    "you (mode 0600). Refuses to overwrite an existing file.\n";

static const char usage_serve[] =
    "Usage: interviewace [--env-file PATH] serve [--migrate]\n"
    "\n"
    "Runs the HTTP service on HOST:PORT until SIGTERM or SIGINT, then stops accepting\n"
    "connections and finishes in-flight requests for up to SHUTDOWN_TIMEOUT.\n"
    "Refuses to start while database migrations are pending.\n"
    "Settings come from the environment and .env; see .env.example.\n"
    "\n"
    "Options:\n"
    "  --migrate   Apply pending migrations first\n";

static const char usage_worker[] =
    "Usage: interviewace [--env-file PATH] worker [--heartbeat PATH]\n"
    "\n"
    "Runs WORKER_CONCURRENCY threads that claim and run background jobs, and the scheduler of\n"
    "periodic maintenance, until SIGTERM or SIGINT. On a stop signal it claims nothing more,\n"
    "lets running jobs finish for up to SHUTDOWN_TIMEOUT and hands the rest back to the queue.\n"
    "\n"
    "Options:\n"
    "  --heartbeat PATH  Touch PATH after every scheduler pass that reached the database (every\n"
    "                    few seconds), for 'interviewace healthcheck --heartbeat PATH'\n";

static const char usage_healthcheck[] =
    "Usage: interviewace [--env-file PATH] healthcheck [--url URL] [--timeout DURATION]\n"
    "       interviewace [--env-file PATH] healthcheck --heartbeat PATH [--max-age DURATION]\n"
    "\n"
    "Probes a running service, for container health checks (no curl needed): GETs URL\n"
    "(default http://127.0.0.1:PORT/health with HOST and PORT from the environment and .env;\n"
    "[::1] for HOST :: or ::1, any other HOST as it is) and prints one line.\n"
    "Exit status 0 when it answers 200 with \"status\":\"healthy\" within the timeout, else 1.\n"
    "\n"
    "A worker serves no HTTP: with --heartbeat, checks instead that the file a worker started\n"
    "with 'interviewace worker --heartbeat PATH' touches was touched within --max-age, which\n"
    "it does after every scheduler pass that reached the database.\n"
    "\n"
    "Options:\n"
    "  --url URL            The http:// URL to GET\n"
    "  --timeout DURATION   Longest the GET may take, 100ms-60s (default 5s)\n"
    "  --heartbeat PATH     Check a worker's heartbeat file instead\n"
    "  --max-age DURATION   Oldest heartbeat that counts as healthy, 1s-1h (default 60s)\n";

static const char usage_user[] =
    "Usage: interviewace [--env-file PATH] user create --email E [--name \"Full Name\"] [--admin]\n"
    "       interviewace [--env-file PATH] user set-role --email E --role user|admin\n"
    "\n"
    "create    Creates an active, verified account (an administrator with --admin). The\n"
    "          password is read from standard input when it is not a terminal, else asked\n"
    "          for without echo; it must meet the password policy.\n"
    "set-role  Changes the role of an existing account.\n";

static const char usage_ai[] =
    "Usage: interviewace [--env-file PATH] ai parse|generate|evaluate|summarize|match\n"
    "                    [--repeat N]\n"
    "\n"
    "Reads one JSON request from standard input, runs the operation through the AI engine\n"
    "chain of the configuration (LLM_PRIMARY_PROVIDER, then the other configured provider,\n"
    "then the offline engine) and prints {\"result\",\"engine\",\"model\",\"latency_seconds\"}\n"
    "on standard output. Logs go to standard error.\n"
    "\n"
    "Requests:\n"
    "  parse      {\"text\": \"...resume text...\", \"now\": \"YYYY-MM\"}\n"
    "  generate   {\"resume\": analysis, \"target_role\", \"difficulty\", \"count\",\n"
    "              \"focus_areas\": [], \"job_description\", \"avoid\": [], \"seed\"}\n"
    "  evaluate   {\"question\": question, \"answer\", \"time_taken_seconds\"}\n"
    "  summarize  {\"target_role\", \"items\": [{\"question\", \"category\", \"difficulty\",\n"
    "              \"answer\", \"score\", \"communication\", \"strengths\", \"improvements\"}]}\n"
    "  match      {\"analysis\": analysis, \"job_description\"}\n"
    "\n"
    "Options:\n"
    "  --repeat N  Run the operation N times (1-100) in this process, one output line each\n"
    "              (the provider chain, its retries and circuit breaker are shared)\n"
    "\n"
    "Exit status 2 for a bad request (the reason on standard error), 1 when the operation\n"
    "fails.\n";

static const char usage_migrate[] =
    "Usage: interviewace [--env-file PATH] migrate [status]\n"
    "\n"
    "migrate          Applies every pending migration, in order, each in a transaction.\n"
    "migrate status   Lists every migration and whether it is applied.\n"
    "Safe to run from several processes at once.\n";

static const char usage_config[] =
    "Usage: interviewace [--env-file PATH] config check\n"
    "\n"
    "Validates every setting and prints the effective configuration, secrets masked.\n"
    "Exit status 2 when a setting is invalid.\n";

static const char usage_sentry[] =
    "Usage: interviewace [--env-file PATH] sentry test\n"
    "\n"
    "Sends one test event to the error-monitoring server of SENTRY_DSN, synchronously, and\n"
    "prints whether the server accepted it.\n"
    "Exit status 0 when it answered 2xx, 1 when it refused the event or could not be reached,\n"
    "2 when SENTRY_DSN is not set or invalid.\n";

static const char usage_version[] = "Usage: interviewace version\n\nPrints the version.\n";

/* Prints "interviewace: msg 'arg'" (arg may be NULL) and the pointer to --help; returns the
 * usage exit status. */
static int usage_error(const char *msg, const char *arg)
{
    if (arg != NULL)
        fprintf(stderr, "interviewace: %s '%s'\n", msg, arg);
    else
        fprintf(stderr, "interviewace: %s\n", msg);
    fprintf(stderr, "Run 'interviewace --help' for usage.\n");
    return EXIT_USAGE;
}

static bool is_help(const char *a)
{
    return strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0;
}

/* Checks a command's arguments: only --help is accepted, which prints usage. Returns -1 to go
 * on, or the exit status. */
static int no_options(int argc, char **argv, const char *usage)
{
    for (int i = 0; i < argc; i++) {
        if (is_help(argv[i])) {
            fputs(usage, stdout);
            return 0;
        }
        if (argv[i][0] == '-')
            return usage_error("unknown option", argv[i]);
        return usage_error("unexpected argument", argv[i]);
    }
    return -1;
}

/* Reads the .env file and the environment into cfg, printing any problem, and sets up logging
 * from it. Returns 0 or the exit status. */
static int load_config(const char *env_path, ia_config *cfg)
{
    char err[512];
    env_file *f = NULL;
    if (env_file_load(env_path, &f, err, sizeof(err)) != IA_OK) {
        fprintf(stderr, "interviewace: cannot read settings file: %s\n", err);
        return EXIT_USAGE;
    }
    int rc = config_load(cfg, f, err, sizeof(err));
    env_file_free(f);
    if (rc != IA_OK) {
        fprintf(stderr, "interviewace: %s\n", err);
        return EXIT_USAGE;
    }
    redis_url ru;
    if (cfg->redis_url[0] != '\0' &&
        redis_url_parse(cfg->redis_url, &ru, err, sizeof(err)) != IA_OK) {
        fprintf(stderr, "interviewace: invalid setting REDIS_URL: %s\n", err);
        config_free(cfg);
        return EXIT_USAGE;
    }
    explicit_bzero(&ru, sizeof(ru));
    log_configure((int)cfg->log_level, cfg->log_json);
    return 0;
}

static int cmd_init(const char *env_path)
{
    char key[65];
    ia_random_hex(key, 32);
    int fd = open(env_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        if (errno == EEXIST)
            fprintf(stderr,
                    "interviewace: %s already exists; not overwriting it. Remove it first to "
                    "generate a new SECRET_KEY.\n",
                    env_path);
        else
            fprintf(stderr, "interviewace: cannot create %s: %s\n", env_path, strerror(errno));
        sodium_memzero(key, sizeof(key));
        return 1;
    }
    char text[256];
    int n = snprintf(text, sizeof(text),
                     "# InterviewAce local settings, written by `interviewace init`.\n"
                     "# Every setting is documented in .env.example.\n"
                     "SECRET_KEY=%s\n",
                     key);
    sodium_memzero(key, sizeof(key));
    int rc = 0;
    if (n < 0 || write(fd, text, (size_t)n) != n || fsync(fd) != 0) {
        fprintf(stderr, "interviewace: cannot write %s: %s\n", env_path, strerror(errno));
        rc = 1;
    }
    sodium_memzero(text, sizeof(text));
    close(fd);
    if (rc != 0) {
        unlink(env_path);
        return rc;
    }
    printf("Wrote %s with a new random SECRET_KEY (mode 0600).\n", env_path);
    return 0;
}

/* Checks the arguments of a command that has one subcommand (config check, sentry test) and
 * no options but --help. Returns -1 to go on, or the exit status. */
static int one_subcommand(int argc, char **argv, const char *command, const char *sub,
                          const char *usage)
{
    char msg[128];
    if (argc == 0) {
        snprintf(msg, sizeof(msg), "'%s' needs a subcommand: %s", command, sub);
        return usage_error(msg, NULL);
    }
    if (is_help(argv[0])) {
        fputs(usage, stdout);
        return 0;
    }
    if (strcmp(argv[0], sub) != 0) {
        snprintf(msg, sizeof(msg), "unknown %s subcommand", command);
        return usage_error(msg, argv[0]);
    }
    return no_options(argc - 1, argv + 1, usage);
}

static int cmd_config(int argc, char **argv, const char *env_path)
{
    int rc = one_subcommand(argc, argv, "config", "check", usage_config);
    if (rc >= 0)
        return rc;
    ia_config cfg;
    rc = load_config(env_path, &cfg);
    if (rc != 0)
        return rc;
    printf("# configuration is valid\n");
    config_print(&cfg, stdout);
    config_free(&cfg);
    return 0;
}

/* Creates DATA_DIR (and its parents) when missing. */
static int ensure_dir(const char *path)
{
    char buf[4096];
    size_t n = strlen(path);
    if (n == 0 || n >= sizeof(buf))
        return IA_ERR_INVALID;
    memcpy(buf, path, n + 1);
    for (size_t i = 1; i <= n; i++) {
        if (buf[i] != '/' && buf[i] != '\0')
            continue;
        char saved = buf[i];
        buf[i] = '\0';
        if (mkdir(buf, 0750) != 0 && errno != EEXIST)
            return IA_ERR_IO;
        buf[i] = saved;
    }
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
        return IA_ERR_IO;
    return IA_OK;
}

/* Opens the database named by the configuration, printing why when it cannot. */
static int open_db(const ia_config *cfg, db **out)
{
    char err[512];
    if (ensure_dir(cfg->data_dir) != IA_OK) {
        fprintf(stderr, "interviewace: cannot create DATA_DIR %s: %s\n", cfg->data_dir,
                strerror(errno));
        return 1;
    }
    if (db_open(cfg->database_url, (int)cfg->db_statement_timeout_ms, out, err, sizeof(err)) !=
        IA_OK) {
        fprintf(stderr, "interviewace: %s\n", err);
        return 1;
    }
    return 0;
}

static int run_migrations(db *d)
{
    char err[1024];
    int applied = 0;
    if (migrate_apply(d, &applied, err, sizeof(err)) != IA_OK) {
        fprintf(stderr, "interviewace: %s\n", err);
        return 1;
    }
    log_info("migrate", applied > 0 ? "migrations applied" : "schema already current");
    return 0;
}

static int print_migration_status(db *d)
{
    arena *a = arena_create(4 * 1024 * 1024);
    if (a == NULL)
        return 1;
    migration_status *st = NULL;
    size_t n = 0;
    char err[512];
    int rc = migrate_status(d, a, &st, &n, err, sizeof(err));
    if (rc != IA_OK) {
        fprintf(stderr, "interviewace: %s\n", err);
        arena_destroy(a);
        return 1;
    }
    int pending = 0;
    for (size_t i = 0; i < n; i++) {
        char when[IA_ISO8601_LEN] = "";
        if (st[i].applied)
            ia_format_iso8601(st[i].applied_at, when, sizeof(when));
        const char *state = !st[i].applied       ? "pending"
                            : !st[i].checksum_ok ? "EDITED AFTER APPLY"
                            : !st[i].in_binary   ? "applied (unknown to this release)"
                                                 : "applied";
        printf("%04d  %-40s %-34s %s\n", st[i].version, st[i].name, state, when);
        pending += !st[i].applied;
    }
    printf("%d pending\n", pending);
    arena_destroy(a);
    return 0;
}

static int cmd_migrate(int argc, char **argv, const char *env_path)
{
    bool status = false;
    for (int i = 0; i < argc; i++) {
        if (is_help(argv[i])) {
            fputs(usage_migrate, stdout);
            return 0;
        }
        if (strcmp(argv[i], "status") == 0 && i == 0)
            status = true;
        else if (argv[i][0] == '-')
            return usage_error("unknown option", argv[i]);
        else
            return usage_error("unexpected argument", argv[i]);
    }
    ia_config cfg;
    int rc = load_config(env_path, &cfg);
    if (rc != 0)
        return rc;
    db *d = NULL;
    rc = open_db(&cfg, &d);
    if (rc == 0)
        rc = status ? print_migration_status(d) : run_migrations(d);
    db_close(d);
    config_free(&cfg);
    return rc;
}

/* Opens the database, applies migrations when asked, and refuses a schema that is behind. */
static int prepare_database(const ia_config *cfg, bool migrate)
{
    db *d = NULL;
    int rc = open_db(cfg, &d);
    if (rc == 0 && migrate)
        rc = run_migrations(d);
    if (rc == 0) {
        char err[1024];
        if (migrate_check(d, err, sizeof(err)) != IA_OK) {
            fprintf(stderr, "interviewace: %s\n", err);
            rc = 1;
        }
    }
    db_close(d);
    return rc;
}

/* Creates the AI engine chain of the configuration, printing why when it cannot. */
static int create_ai(const ia_config *cfg, ai_chain **out)
{
    char err[512];
    if (ai_chain_create(cfg, out, err, sizeof(err)) != IA_OK) {
        fprintf(stderr, "interviewace: cannot start the AI engine: %s\n", err);
        return 1;
    }
    return 0;
}

/* Opens the file storage the configuration names, printing why when it cannot. */
static int open_storage(const ia_config *cfg, storage **out)
{
    char err[512];
    if (storage_open(cfg, out, err, sizeof(err)) != IA_OK) {
        fprintf(stderr, "interviewace: %s\n", err);
        return 1;
    }
    log_info("main", "file storage opened", "backend", storage_backend_name(*out));
    return 0;
}

/* Blocks the stop signals in every thread created from here on; the caller waits for them. */
static void block_stop_signals(sigset_t *stop)
{
    sigemptyset(stop);
    sigaddset(stop, SIGTERM);
    sigaddset(stop, SIGINT);
    pthread_sigmask(SIG_BLOCK, stop, NULL);
    signal(SIGPIPE, SIG_IGN);
}

/* Opens the Redis client when REDIS_URL is set and says at once whether the server answers;
 * an unreachable Redis is not fatal (RATE_LIMIT_ON_REDIS_FAILURE applies until it answers). */
static int open_redis(const ia_config *cfg, redis_client **out)
{
    *out = NULL;
    if (cfg->redis_url[0] == '\0')
        return 0;
    static const char *const meanwhile[] = {
        "rate limits are counted by each process alone; revoked tokens are checked in the "
        "database",
        "rate limits are off; revoked tokens are checked in the database",
        "rate-limited requests are refused with 503; revoked tokens are checked in the database",
    };
    char err[256];
    if (redis_open(cfg->redis_url, (int)cfg->redis_timeout_ms, (size_t)cfg->redis_pool_size,
                   meanwhile[cfg->rate_limit_on_redis_failure], out, err, sizeof(err)) != IA_OK) {
        fprintf(stderr, "interviewace: invalid setting REDIS_URL: %s\n", err);
        return 1;
    }
    char shown[1024];
    config_redact_url(cfg->redis_url, shown, sizeof(shown));
    if (redis_ping(*out) == IA_OK)
        log_info("main", "redis connected", "url", shown);
    return 0;
}

/* What `serve` and `worker` share at start-up: DATA_DIR, the database (migrated first when
 * asked), the job kinds, the file storage and the AI chain, with the stop signals blocked
 * before any thread starts. app is filled only on success; app_close undoes it. */
static void app_close(ia_app *app);

static int app_open(const ia_config *cfg, bool migrate, sigset_t *stop, ia_app *app)
{
    if (ensure_dir(cfg->data_dir) != IA_OK) {
        fprintf(stderr, "interviewace: cannot create DATA_DIR %s: %s\n", cfg->data_dir,
                strerror(errno));
        return 1;
    }
    storage *files = NULL;
    if (prepare_database(cfg, migrate) != 0 || api_register_job_kinds(cfg) != IA_OK ||
        open_storage(cfg, &files) != 0)
        return 1;
    block_stop_signals(stop);
    metrics_init();
    ai_chain *chain = NULL;
    if (create_ai(cfg, &chain) != 0) {
        storage_close(files);
        return 1;
    }
    redis_client *redis = NULL;
    if (open_redis(cfg, &redis) != 0) {
        ai_chain_free(chain);
        storage_close(files);
        return 1;
    }
    *app = (ia_app){
        .cfg = cfg, .started_ms = ia_now_ms(), .storage = files, .ai = chain, .redis = redis
    };
    if (password_dummy_hash((int)cfg->password_hash_cost, app->dummy_hash) != IA_OK) {
        fprintf(stderr, "interviewace: cannot make the start-up password hash\n");
        app_close(app);
        return 1;
    }
    return 0;
}

static void app_close(ia_app *app)
{
    storage_close(app->storage);
    ai_chain_free(app->ai);
    redis_close(app->redis);
}

static int cmd_worker(int argc, char **argv, const char *env_path)
{
    const char *heartbeat = NULL;
    for (int i = 0; i < argc; i++) {
        if (is_help(argv[i])) {
            fputs(usage_worker, stdout);
            return 0;
        }
        if (strcmp(argv[i], "--heartbeat") == 0 && i + 1 < argc && argv[i + 1][0] != '\0')
            heartbeat = argv[++i];
        else if (argv[i][0] == '-')
            return usage_error("unknown or incomplete option", argv[i]);
        else
            return usage_error("unexpected argument", argv[i]);
    }
    jobs_set_heartbeat_file(heartbeat);
    ia_config cfg;
    int rc = load_config(env_path, &cfg);
    if (rc != 0)
        return rc;
    sigset_t stop;
    ia_app app;
    if (app_open(&cfg, false, &stop, &app) != 0) {
        config_free(&cfg);
        return 1;
    }
    job_runtime *rt = NULL;
    if (sentry_start(&cfg, "worker") != IA_OK ||
        jobs_start(&cfg, &app, (int)cfg.worker_concurrency, &rt) != IA_OK) {
        sentry_stop(0);
        app_close(&app);
        config_free(&cfg);
        return 1;
    }
    int sig = 0;
    sigwait(&stop, &sig);
    log_info("main", "shutting down", "signal", sig == SIGTERM ? "SIGTERM" : "SIGINT");
    jobs_stop(rt, cfg.shutdown_timeout_ms);
    sentry_stop(SENTRY_FLUSH_MAX_MS);
    app_close(&app);
    log_info("main", "stopped");
    config_free(&cfg);
    return 0;
}

/* Reads a password: from standard input when it is not a terminal, else from a prompt with
 * echo off. Returns IA_OK with the trailing newline removed. */
static int read_password(char *buf, size_t len)
{
    bool tty = isatty(STDIN_FILENO);
    struct termios old, quiet;
    if (tty) {
        fprintf(stderr, "Password: ");
        tcgetattr(STDIN_FILENO, &old);
        quiet = old;
        quiet.c_lflag &= (tcflag_t)~ECHO;
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
    }
    char *got = fgets(buf, (int)len, stdin);
    if (tty) {
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
        fputc('\n', stderr);
    }
    if (got == NULL)
        return IA_ERR_INVALID;
    size_t n = strlen(buf);
    while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
        buf[--n] = '\0';
    return IA_OK;
}

/* interviewace user create | set-role: the way to the first administrator. */
static int cmd_user(int argc, char **argv, const char *env_path)
{
    if (argc == 0 || is_help(argv[0])) {
        fputs(usage_user, argc == 0 ? stderr : stdout);
        return argc == 0 ? EXIT_USAGE : 0;
    }
    bool create = strcmp(argv[0], "create") == 0;
    if (!create && strcmp(argv[0], "set-role") != 0)
        return usage_error("unknown user subcommand", argv[0]);
    const char *email = NULL, *name = NULL, *role = NULL;
    bool admin = false;
    for (int i = 1; i < argc; i++) {
        if (is_help(argv[i])) {
            fputs(usage_user, stdout);
            return 0;
        }
        if (strcmp(argv[i], "--email") == 0 && i + 1 < argc)
            email = argv[++i];
        else if (create && strcmp(argv[i], "--name") == 0 && i + 1 < argc)
            name = argv[++i];
        else if (create && strcmp(argv[i], "--admin") == 0)
            admin = true;
        else if (!create && strcmp(argv[i], "--role") == 0 && i + 1 < argc)
            role = argv[++i];
        else
            return usage_error("unknown or incomplete option", argv[i]);
    }
    if (email == NULL)
        return usage_error("--email is required", NULL);
    if (!create && (role == NULL || (strcmp(role, "user") != 0 && strcmp(role, "admin") != 0)))
        return usage_error("--role must be user or admin", NULL);
    char lower[256];
    size_t n = strlen(email);
    if (n >= sizeof(lower) || !validate_email(email)) {
        fprintf(stderr, "interviewace: '%s' is not a valid email address\n", email);
        return 1;
    }
    for (size_t i = 0; i <= n; i++)
        lower[i] = (char)((email[i] >= 'A' && email[i] <= 'Z') ? email[i] + 32 : email[i]);
    if (name != NULL && (ia_utf8_length(name) < 1 || ia_utf8_length(name) > 100)) {
        fprintf(stderr, "interviewace: --name must be 1 to 100 characters\n");
        return 1;
    }
    ia_config cfg;
    int rc = load_config(env_path, &cfg);
    if (rc != 0)
        return rc;
    rc = prepare_database(&cfg, false);
    db *d = NULL;
    if (rc == 0)
        rc = open_db(&cfg, &d);
    int64_t now = ia_now_ms();
    if (rc == 0 && create) {
        char pw[1024], hash[PASSWORD_HASH_MAX];
        unsigned broken = 0;
        if (read_password(pw, sizeof(pw)) != IA_OK) {
            fprintf(stderr, "interviewace: no password given\n");
            rc = 1;
        } else if ((broken = password_policy(pw)) != 0) {
            const password_rule *rules[PASSWORD_RULES];
            size_t nrules = password_broken_rules(broken, rules, PASSWORD_RULES);
            fprintf(stderr, "interviewace: the password does not meet the policy:\n");
            for (size_t k = 0; k < nrules; k++)
                fprintf(stderr, "  - %s\n", rules[k]->msg);
            rc = 1;
        } else if (password_hash(pw, (int)cfg.password_hash_cost, hash) != IA_OK) {
            fprintf(stderr, "interviewace: cannot hash the password\n");
            rc = 1;
        } else {
            char id[IA_UUID_LEN];
            ia_uuid_v7(now, id);
            user_row u = { .id = id,
                           .email = lower,
                           .full_name = name ? name : lower,
                           .password_hash = hash,
                           .role = admin ? "admin" : "user",
                           .is_active = true,
                           .is_email_verified = true,
                           .created_at = now };
            int src = db_begin(d);
            if (src == IA_OK)
                src = users_store_insert(d, &u);
            if (src == IA_OK)
                src = users_store_add_password_history(d, id, hash, now);
            if (src == IA_OK)
                src = db_commit(d);
            else
                db_rollback(d);
            if (src == IA_ERR_CONFLICT)
                fprintf(stderr, "interviewace: an account with email %s already exists\n", lower);
            else if (src != IA_OK)
                fprintf(stderr, "interviewace: cannot create the account: %s\n", ia_strerror(src));
            else
                printf("Created %s %s (%s)\n", admin ? "administrator" : "user", lower, id);
            rc = src == IA_OK ? 0 : 1;
        }
        sodium_memzero(pw, sizeof(pw));
    } else if (rc == 0) {
        arena *a = arena_create(64 * 1024);
        user_row *u = NULL;
        int src = a ? users_store_by_email(d, a, lower, &u) : IA_ERR_NOMEM;
        if (src == IA_OK)
            src = users_store_set_role(d, u->id, role, now);
        if (src == IA_NOT_FOUND)
            fprintf(stderr, "interviewace: no account with email %s\n", lower);
        else if (src != IA_OK)
            fprintf(stderr, "interviewace: cannot change the role: %s\n", ia_strerror(src));
        else
            printf("%s is now %s\n", lower, role);
        arena_destroy(a);
        rc = src == IA_OK ? 0 : 1;
    }
    db_close(d);
    config_free(&cfg);
    return rc;
}

#define AI_REQUEST_MAX (8 * 1024 * 1024)
#define AI_REPEAT_MAX  100

/* Reads all of standard input, up to max bytes, into a malloc'ed string; NULL when it cannot
 * or when there is more. */
static char *read_stdin(size_t max, size_t *len)
{
    size_t cap = 65536, n = 0;
    char *buf = malloc(cap);
    if (buf == NULL)
        return NULL;
    for (;;) {
        if (n + 1 >= cap) {
            char *nb = cap <= max ? realloc(buf, cap * 2) : NULL;
            if (nb == NULL) {
                free(buf);
                return NULL;
            }
            buf = nb;
            cap *= 2;
        }
        size_t got = fread(buf + n, 1, cap - n - 1, stdin);
        n += got;
        if (got == 0)
            break;
    }
    if (ferror(stdin) || n > max) {
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    *len = n;
    return buf;
}

/* interviewace ai <op> [--repeat N]: one AI operation on a JSON request from standard input,
 * for operators and the tests. */
static int cmd_ai(int argc, char **argv, const char *env_path)
{
    if (argc == 0 || is_help(argv[0])) {
        fputs(usage_ai, argc == 0 ? stderr : stdout);
        return argc == 0 ? EXIT_USAGE : 0;
    }
    const char *op = argv[0];
    if (!ai_request_op_valid(op))
        return usage_error("unknown ai operation", op);
    long long repeat = 1;
    for (int i = 1; i < argc; i++) {
        if (is_help(argv[i])) {
            fputs(usage_ai, stdout);
            return 0;
        }
        if (strcmp(argv[i], "--repeat") == 0 && i + 1 < argc) {
            if (config_parse_int(argv[++i], 1, AI_REPEAT_MAX, &repeat) != IA_OK)
                return usage_error("--repeat must be a whole number from 1 to 100", NULL);
        } else {
            return usage_error("unknown or incomplete option", argv[i]);
        }
    }
    /* The result goes to the real standard output; everything logged goes to standard error,
     * so that the output is one JSON document per run. */
    fflush(stdout);
    int out_fd = dup(STDOUT_FILENO);
    FILE *out = out_fd >= 0 ? fdopen(out_fd, "w") : NULL;
    if (out == NULL || dup2(STDERR_FILENO, STDOUT_FILENO) < 0) {
        fprintf(stderr, "interviewace: cannot set up the output: %s\n", strerror(errno));
        return 1;
    }
    size_t len = 0;
    char *text = read_stdin(AI_REQUEST_MAX, &len);
    json_error_t jerr = { .text = "cannot read it (more than 8 MiB?)" };
    json_t *input = text ? json_loadb(text, len, 0, &jerr) : NULL;
    free(text);
    if (!json_is_object(input)) {
        fprintf(stderr, "interviewace: the request on standard input is not a JSON object: %s\n",
                input == NULL ? jerr.text : "another JSON value");
        json_decref(input);
        fclose(out);
        return EXIT_USAGE;
    }
    ia_config cfg;
    int rc = load_config(env_path, &cfg);
    if (rc != 0) {
        json_decref(input);
        fclose(out);
        return rc;
    }
    ai_chain *chain = NULL;
    rc = create_ai(&cfg, &chain);
    for (long long i = 0; rc == 0 && i < repeat; i++) {
        arena *a = arena_create(256u * 1024u * 1024u);
        char err[512] = "";
        json_t *result = NULL;
        int arc = a ? ai_request_run(chain, a, op, input, &result, err, sizeof(err)) : IA_ERR_NOMEM;
        if (arc == IA_OK) {
            char *s = json_dumps(result, JSON_COMPACT | JSON_REAL_PRECISION(15));
            if (s != NULL)
                fprintf(out, "%s\n", s);
            fflush(out);
            free(s);
        } else if (arc == IA_ERR_INVALID && err[0] != '\0') {
            fprintf(stderr, "interviewace: bad %s request: %s\n", op, err);
            rc = EXIT_USAGE;
        } else {
            fprintf(stderr, "interviewace: the %s operation failed: %s\n", op, ia_strerror(arc));
            rc = 1;
        }
        json_decref(result);
        arena_destroy(a);
    }
    ai_chain_free(chain);
    json_decref(input);
    fclose(out);
    config_free(&cfg);
    return rc;
}

/* Writes the default probe URL, http://<HOST>:<PORT>/health with a wildcard or loopback HOST
 * probed on the loopback address, from the environment and the .env file. Returns 0 or the
 * exit status (with the reason printed). */
static int default_health_url(const char *env_path, char *url, size_t len)
{
    char err[512];
    env_file *f = NULL;
    if (env_file_load(env_path, &f, err, sizeof(err)) != IA_OK) {
        fprintf(stderr, "interviewace: cannot read settings file: %s\n", err);
        return EXIT_USAGE;
    }
    const char *host = env_lookup(f, "HOST");
    const char *port_s = env_lookup(f, "PORT");
    long long port = 8000;
    int rc = 0;
    if (port_s != NULL && *port_s != '\0' && config_parse_int(port_s, 1, 65535, &port) != IA_OK) {
        fprintf(stderr,
                "interviewace: healthcheck: PORT=\"%.20s\" is not a port from 1 to 65535; pass "
                "--url\n",
                port_s);
        rc = EXIT_USAGE;
    } else if (host == NULL || *host == '\0' || strcmp(host, "0.0.0.0") == 0 ||
               strcmp(host, "127.0.0.1") == 0) {
        snprintf(url, len, "http://127.0.0.1:%lld/health", port);
    } else if (strcmp(host, "::") == 0 || strcmp(host, "::1") == 0) {
        snprintf(url, len, "http://[::1]:%lld/health", port);
    } else if (strchr(host, ':') != NULL) {
        snprintf(url, len, "http://[%s]:%lld/health", host, port);
    } else {
        snprintf(url, len, "http://%s:%lld/health", host, port);
    }
    env_file_free(f);
    return rc;
}

/* interviewace healthcheck: exit 0 when the service (or a worker's heartbeat) is healthy, 1
 * when not, with one line saying what was found. Reads no setting but HOST and PORT, so it
 * works wherever the service runs, even without its secrets. */
static int cmd_healthcheck(int argc, char **argv, const char *env_path)
{
    const char *url = NULL, *heartbeat = NULL;
    long long timeout_ms = 5000, max_age_ms = 60000;
    for (int i = 0; i < argc; i++) {
        if (is_help(argv[i])) {
            fputs(usage_healthcheck, stdout);
            return 0;
        }
        const char *opt = argv[i];
        if (i + 1 >= argc)
            return usage_error(
                opt[0] == '-' ? "unknown or incomplete option" : "unexpected argument", opt);
        const char *v = argv[++i];
        if (strcmp(opt, "--url") == 0) {
            url = v;
        } else if (strcmp(opt, "--heartbeat") == 0) {
            heartbeat = v;
        } else if (strcmp(opt, "--timeout") == 0) {
            if (config_parse_duration_ms(v, &timeout_ms) != IA_OK || timeout_ms < 100 ||
                timeout_ms > 60000)
                return usage_error("--timeout must be a duration from 100ms to 60s", NULL);
        } else if (strcmp(opt, "--max-age") == 0) {
            if (config_parse_duration_ms(v, &max_age_ms) != IA_OK || max_age_ms < 1000 ||
                max_age_ms > 3600000)
                return usage_error("--max-age must be a duration from 1s to 1h", NULL);
        } else {
            return usage_error(opt[0] == '-' ? "unknown option" : "unexpected argument", opt);
        }
    }
    if (url != NULL && heartbeat != NULL)
        return usage_error("--url and --heartbeat check different things; pass one", NULL);
    char msg[1024];
    int rc;
    if (heartbeat != NULL) {
        rc = healthcheck_heartbeat(heartbeat, max_age_ms, msg, sizeof(msg));
    } else {
        char def[512];
        if (url == NULL) {
            int urc = default_health_url(env_path, def, sizeof(def));
            if (urc != 0)
                return urc;
            url = def;
        }
        rc = healthcheck_http(url, timeout_ms, msg, sizeof(msg));
    }
    fprintf(rc == IA_OK ? stdout : stderr, "%s\n", msg);
    return rc == IA_OK ? 0 : 1;
}

/* Points a derived FRONTEND_URL at the port the server bound (with PORT=0 it is known only
 * now); runs before the first connection is accepted. */
static void on_bound(void *ctx, int port)
{
    if (config_settle_frontend_url(ctx, port) != IA_OK)
        log_warn("main", "cannot point FRONTEND_URL at the bound port: out of memory");
}

/* interviewace sentry test: one test event, sent synchronously, for operators checking
 * SENTRY_DSN. */
static int cmd_sentry(int argc, char **argv, const char *env_path)
{
    int rc = one_subcommand(argc, argv, "sentry", "test", usage_sentry);
    if (rc >= 0)
        return rc;
    ia_config cfg;
    rc = load_config(env_path, &cfg);
    if (rc != 0)
        return rc;
    if (cfg.sentry_dsn[0] == '\0') {
        fprintf(stderr, "interviewace: SENTRY_DSN is not set; error monitoring is off\n");
        config_free(&cfg);
        return EXIT_USAGE;
    }
    long status = 0;
    char id[SENTRY_EVENT_ID_LEN], err[512];
    int src = sentry_send_test(&cfg, &status, id, err, sizeof(err));
    if (src == IA_OK) {
        printf("The error-monitoring server accepted the test event (HTTP %ld, event id %s).\n",
               status, id);
        rc = 0;
    } else if (src == IA_ERR_INVALID) {
        fprintf(stderr, "interviewace: %s\n", err);
        rc = EXIT_USAGE;
    } else if (status != 0) {
        fprintf(stderr, "interviewace: the error-monitoring server refused the test event: %s\n",
                err);
        rc = 1;
    } else {
        fprintf(stderr, "interviewace: cannot reach the error-monitoring server: %s\n", err);
        rc = 1;
    }
    config_free(&cfg);
    return rc;
}

static int cmd_serve(int argc, char **argv, const char *env_path)
{
    bool migrate = false;
    for (int i = 0; i < argc; i++) {
        if (is_help(argv[i])) {
            fputs(usage_serve, stdout);
            return 0;
        }
        if (strcmp(argv[i], "--migrate") == 0)
            migrate = true;
        else if (argv[i][0] == '-')
            return usage_error("unknown option", argv[i]);
        else
            return usage_error("unexpected argument", argv[i]);
    }
    ia_config cfg;
    int rc = load_config(env_path, &cfg);
    if (rc != 0)
        return rc;
    /* Block the stop signals in every thread; the main thread waits for them below. */
    sigset_t stop;
    ia_app app;
    if (app_open(&cfg, migrate, &stop, &app) != 0) {
        config_free(&cfg);
        return 1;
    }
    http_server *srv = NULL;
    job_runtime *rt = NULL;
    int exit_code = 1;
    if (sentry_start(&cfg, "serve") != IA_OK)
        goto out;
    if (http_server_create(&cfg, &app, &srv) != IA_OK)
        goto out;
    http_server_set_bound_hook(srv, on_bound, &cfg);
    if (app.redis != NULL &&
        http_server_use_redis(srv, app.redis, (int)cfg.rate_limit_on_redis_failure) != IA_OK)
        goto out;
    if (api_register(srv, &app) != IA_OK)
        goto out;
    if (mail_start(&cfg) != IA_OK)
        goto out;
    if (http_server_start(srv) != IA_OK)
        goto out;
    /* Without embedded workers the process still removes its own abandoned temporary files. */
    int jrc = cfg.embedded_workers > 0 ? jobs_start(&cfg, &app, (int)cfg.embedded_workers, &rt)
                                       : jobs_start_local(&cfg, &app, &rt);
    if (jrc != IA_OK)
        goto out;

    int sig = 0;
    sigwait(&stop, &sig);
    log_info("main", "shutting down", "signal", sig == SIGTERM ? "SIGTERM" : "SIGINT");
    /* Requests and jobs drain together within the one SHUTDOWN_TIMEOUT. */
    int64_t deadline = ia_mono_ms() + cfg.shutdown_timeout_ms;
    if (http_server_drain(srv, cfg.shutdown_timeout_ms) != IA_OK) {
        /* Handlers still run on suspended connections: nothing they use may be freed, so the
         * process ends here, without running destructors under them. */
        log_warn("main", "stopped before every request finished");
        fflush(stdout);
        _exit(0);
    }
    int64_t left = deadline - ia_mono_ms();
    jobs_stop(rt, left > 0 ? left : 0);
    rt = NULL;
    left = deadline - ia_mono_ms();
    mail_stop(left > 1000 ? left : 1000);
    sentry_stop(SENTRY_FLUSH_MAX_MS);
    exit_code = 0;
out:
    jobs_stop(rt, 0);
    mail_stop(0);
    sentry_stop(0);
    http_server_destroy(srv);
    app_close(&app);
    log_info("main", "stopped");
    config_free(&cfg);
    return exit_code;
}

int main(int argc, char **argv)
{
    /* The hidden sandbox of resume text extraction (src/docs/sandbox.c), started by the
     * service itself: before anything else, with no configuration and no other set-up. */
    if (argc >= 2 && strcmp(argv[1], "extract-child") == 0)
        return extract_child_main(argc - 2, argv + 2);
    const char *env_path = DEFAULT_ENV_FILE;
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (is_help(argv[i])) {
            fputs(usage_main, stdout);
            return 0;
        }
        if (strcmp(argv[i], "--env-file") == 0) {
            if (i + 1 >= argc)
                return usage_error("--env-file needs a path", NULL);
            env_path = argv[++i];
        } else if (strncmp(argv[i], "--env-file=", 11) == 0) {
            env_path = argv[i] + 11;
        } else if (strcmp(argv[i], "--version") == 0) {
            printf("interviewace %s\n", IA_VERSION);
            return 0;
        } else {
            return usage_error("unknown option", argv[i]);
        }
    }
    if (i >= argc) {
        fputs(usage_main, stderr);
        return EXIT_USAGE;
    }
    if (sodium_init() < 0) {
        fprintf(stderr, "interviewace: cannot initialise libsodium\n");
        return 1;
    }
    const char *cmd = argv[i];
    int rest = argc - i - 1;
    char **args = argv + i + 1;
    int rc;
    if (strcmp(cmd, "init") == 0) {
        rc = no_options(rest, args, usage_init);
        return rc >= 0 ? rc : cmd_init(env_path);
    }
    if (strcmp(cmd, "serve") == 0)
        return cmd_serve(rest, args, env_path);
    if (strcmp(cmd, "migrate") == 0)
        return cmd_migrate(rest, args, env_path);
    if (strcmp(cmd, "worker") == 0)
        return cmd_worker(rest, args, env_path);
    if (strcmp(cmd, "user") == 0)
        return cmd_user(rest, args, env_path);
    if (strcmp(cmd, "ai") == 0)
        return cmd_ai(rest, args, env_path);
    if (strcmp(cmd, "config") == 0)
        return cmd_config(rest, args, env_path);
    if (strcmp(cmd, "healthcheck") == 0)
        return cmd_healthcheck(rest, args, env_path);
    if (strcmp(cmd, "sentry") == 0)
        return cmd_sentry(rest, args, env_path);
    if (strcmp(cmd, "version") == 0) {
        rc = no_options(rest, args, usage_version);
        if (rc >= 0)
            return rc;
        printf("interviewace %s\n", IA_VERSION);
        return 0;
    }
    if (strcmp(cmd, "help") == 0) {
        fputs(usage_main, stdout);
        return 0;
    }
    return usage_error("unknown command", cmd);
}
