/* Structured logging: one line per event on stdout, JSON (default) or text for people at a
 * terminal. Every line carries the time, level, message, module, the id of the request being
 * handled on this thread (or null) and a set of key/value fields. Field values under keys that
 * name secrets (password, token, secret, authorization, cookie) are never written, and e-mail
 * addresses in the message and in field values are masked (j***@example.com). */
#ifndef IA_CORE_LOG_H
#define IA_CORE_LOG_H

#include <stdbool.h>
#include <stddef.h>

#include "core/arena.h"

enum { LOG_DEBUG = 0, LOG_INFO = 1, LOG_WARN = 2, LOG_ERROR = 3 };

typedef struct {
    const char *key;
    const char *str; /* used when is_num is false; NULL is written as null */
    long long num;
    bool is_num;
} log_field;

#define LOG_STR(k, v) ((log_field){ (k), (v), 0, false })
#define LOG_NUM(k, v) ((log_field){ (k), NULL, (long long)(v), true })

/* Sets the minimum level written and the format (json when true, text otherwise). */
void log_configure(int level, bool json);

bool log_enabled(int level);

/* Sets the request id attached to lines logged by this thread; NULL clears it. The string must
 * outlive its use (it is the request's own copy). */
void log_set_request_id(const char *request_id);

/* Writes one line with typed fields. */
void log_emit(int level, const char *module, const char *message, const log_field *fields,
              size_t nfields);

/* Writes one line whose fields are string pairs: key, value, key, value, ..., NULL. */
void log_write(int level, const char *module, const char *message, ...);

#define log_debug(...) log_write(LOG_DEBUG, __VA_ARGS__, (const char *)0)
#define log_info(...)  log_write(LOG_INFO, __VA_ARGS__, (const char *)0)
#define log_warn(...)  log_write(LOG_WARN, __VA_ARGS__, (const char *)0)
#define log_error(...) log_write(LOG_ERROR, __VA_ARGS__, (const char *)0)

/* Returns s with the local part of every e-mail address in it masked to its first character
 * ("jane@example.com" becomes "j***@example.com"), in a; s itself when it holds none. Every
 * line's message and string field values pass through it, so no caller can log an address. */
const char *log_mask_emails(arena *a, const char *s);

/* Parses "debug", "info", "warn"/"warning", "error"; returns -1 for anything else. */
int log_level_parse(const char *s);

#endif
