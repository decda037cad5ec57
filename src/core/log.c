#include "core/log.h"

#include <ctype.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/strbuf.h"
#include "core/timeutil.h"
#include "core/util.h"

#define LOG_LINE_MAX   16384
#define LOG_FIELDS_MAX 32

static int g_level = LOG_INFO;
static bool g_json = true;
static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
static _Thread_local const char *t_request_id;

static const char *const level_names[] = { "debug", "info", "warn", "error" };

void log_configure(int level, bool json)
{
    g_level = level;
    g_json = json;
}

bool log_enabled(int level)
{
    return level >= g_level;
}

void log_set_request_id(const char *request_id)
{
    t_request_id = request_id;
}

int log_level_parse(const char *s)
{
    if (strcasecmp(s, "debug") == 0)
        return LOG_DEBUG;
    if (strcasecmp(s, "info") == 0)
        return LOG_INFO;
    if (strcasecmp(s, "warn") == 0 || strcasecmp(s, "warning") == 0)
        return LOG_WARN;
    if (strcasecmp(s, "error") == 0)
        return LOG_ERROR;
    return -1;
}

/* True for field names whose values must never reach a log: passwords, tokens, secrets,
 * credentials and cookies, whatever the caller meant to do. */
static bool key_is_secret(const char *key)
{
    static const char *const words[] = { "password", "token",   "secret", "authorization",
                                         "cookie",   "api_key", "apikey" };
    for (size_t i = 0; i < COUNT(words); i++)
        if (strcasestr(key, words[i]) != NULL)
            return true;
    return false;
}

static bool mail_local_char(unsigned char c)
{
    return isalnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
}

static bool mail_domain_char(unsigned char c)
{
    return isalnum(c) || c == '.' || c == '-';
}

/* Length of the e-mail address whose '@' is at s[at], measured from its local part's start
 * (*start), or 0 when there is none: a local part and a domain with a dot inside it. */
static size_t mail_at(const char *s, size_t at, size_t *start)
{
    size_t b = at;
    while (b > 0 && mail_local_char((unsigned char)s[b - 1]))
        b--;
    size_t e = at + 1;
    bool dot = false;
    while (s[e] != '\0' && mail_domain_char((unsigned char)s[e])) {
        if (s[e] == '.' && e > at + 1 && s[e + 1] != '\0' &&
            mail_domain_char((unsigned char)s[e + 1]))
            dot = true;
        e++;
    }
    while (e > at + 1 && s[e - 1] == '.')
        e--;
    if (b == at || e == at + 1 || !dot)
        return 0;
    *start = b;
    return e - b;
}

const char *log_mask_emails(arena *a, const char *s)
{
    if (s == NULL || strchr(s, '@') == NULL)
        return s;
    size_t len = strlen(s);
    strbuf sb;
    strbuf_init(&sb, a, len + 64);
    size_t done = 0;
    for (size_t i = 0; i < len; i++) {
        size_t start = 0, n = 0;
        if (s[i] != '@' || (n = mail_at(s, i, &start)) == 0 || start < done)
            continue;
        strbuf_append(&sb, s + done, start - done);
        strbuf_putc(&sb, s[start]);
        strbuf_puts(&sb, "***");
        strbuf_append(&sb, s + i, start + n - i);
        done = start + n;
        i = done - 1;
    }
    strbuf_append(&sb, s + done, len - done);
    return strbuf_error(&sb) == 0 ? strbuf_str(&sb) : "[unloggable: masking failed]";
}

/* Appends a text-format value, quoting it when it contains spaces, quotes or '='. */
static void text_value(strbuf *sb, const char *v)
{
    if (strpbrk(v, " \t\"=") != NULL || *v == '\0')
        strbuf_json_string(sb, v);
    else
        strbuf_puts(sb, v);
}

void log_emit(int level, const char *module, const char *message, const log_field *fields,
              size_t nfields)
{
    if (level < g_level)
        return;
    if (level < LOG_DEBUG || level > LOG_ERROR)
        level = LOG_ERROR;
    arena *a = arena_create(LOG_LINE_MAX * 4);
    if (a == NULL)
        return;
    char ts[IA_ISO8601_LEN];
    ia_format_iso8601(ia_now_ms(), ts, sizeof(ts));
    message = log_mask_emails(a, message);
    strbuf sb;
    strbuf_init(&sb, a, LOG_LINE_MAX);
    if (g_json) {
        strbuf_appendf(&sb, "{\"timestamp\":\"%s\",\"level\":\"%s\",\"message\":", ts,
                       level_names[level]);
        strbuf_json_string(&sb, message);
        strbuf_puts(&sb, ",\"module\":");
        strbuf_json_string(&sb, module);
        strbuf_puts(&sb, ",\"request_id\":");
        if (t_request_id != NULL)
            strbuf_json_string(&sb, t_request_id);
        else
            strbuf_puts(&sb, "null");
        strbuf_puts(&sb, ",\"fields\":{");
        for (size_t i = 0; i < nfields; i++) {
            if (i > 0)
                strbuf_putc(&sb, ',');
            strbuf_json_string(&sb, fields[i].key);
            strbuf_putc(&sb, ':');
            if (key_is_secret(fields[i].key))
                strbuf_puts(&sb, "\"[redacted]\"");
            else if (fields[i].is_num)
                strbuf_appendf(&sb, "%lld", fields[i].num);
            else if (fields[i].str == NULL)
                strbuf_puts(&sb, "null");
            else
                strbuf_json_string(&sb, log_mask_emails(a, fields[i].str));
        }
        strbuf_puts(&sb, "}}");
    } else {
        strbuf_appendf(&sb, "%s %-5s [%s] %s", ts, level_names[level], module, message);
        for (size_t i = 0; i < nfields; i++) {
            strbuf_appendf(&sb, " %s=", fields[i].key);
            if (key_is_secret(fields[i].key))
                strbuf_puts(&sb, "[redacted]");
            else if (fields[i].is_num)
                strbuf_appendf(&sb, "%lld", fields[i].num);
            else
                text_value(&sb, fields[i].str ? log_mask_emails(a, fields[i].str) : "null");
        }
        if (t_request_id != NULL)
            strbuf_appendf(&sb, " request_id=%s", t_request_id);
    }
    strbuf_putc(&sb, '\n');
    if (strbuf_error(&sb) != 0) {
        /* Too long to write whole: say so, in the same format, rather than cut a line. */
        strbuf_init(&sb, a, 1024);
        if (g_json)
            strbuf_appendf(&sb,
                           "{\"timestamp\":\"%s\",\"level\":\"%s\",\"message\":\"log line "
                           "too long\",\"module\":\"log\",\"request_id\":null,\"fields\":{}}\n",
                           ts, level_names[level]);
        else
            strbuf_appendf(&sb, "%s %-5s [log] log line too long\n", ts, level_names[level]);
    }
    pthread_mutex_lock(&g_lock);
    fwrite(strbuf_str(&sb), 1, sb.len, stdout);
    fflush(stdout);
    pthread_mutex_unlock(&g_lock);
    arena_destroy(a);
}

void log_write(int level, const char *module, const char *message, ...)
{
    if (level < g_level)
        return;
    log_field f[LOG_FIELDS_MAX];
    size_t n = 0;
    va_list ap;
    va_start(ap, message);
    for (;;) {
        const char *k = va_arg(ap, const char *);
        if (k == NULL)
            break;
        const char *v = va_arg(ap, const char *);
        if (n < LOG_FIELDS_MAX)
            f[n++] = LOG_STR(k, v);
    }
    va_end(ap);
    log_emit(level, module, message, f, n);
}
