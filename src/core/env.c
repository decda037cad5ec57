#include "core/env.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/errors.h"

#define ENV_FILE_MAX    (1024 * 1024)
#define ENV_ENTRIES_MAX 512
#define ENV_VALUE_MAX   8192

typedef struct {
    char *key;
    char *value;
} env_entry;

struct env_file {
    env_entry *e;
    size_t n;
};

void env_file_free(env_file *f)
{
    if (f == NULL)
        return;
    for (size_t i = 0; i < f->n; i++) {
        free(f->e[i].key);
        free(f->e[i].value);
    }
    free(f->e);
    free(f);
}

const char *env_file_get(const env_file *f, const char *key)
{
    if (f == NULL)
        return NULL;
    /* Later lines win, as in a shell. */
    for (size_t i = f->n; i > 0; i--)
        if (strcmp(f->e[i - 1].key, key) == 0)
            return f->e[i - 1].value;
    return NULL;
}

const char *env_lookup(const env_file *f, const char *key)
{
    const char *v = getenv(key);
    if (v != NULL)
        return v;
    return env_file_get(f, key);
}

/* Decodes the value part of one line (after '=') into out. Returns IA_OK or IA_ERR_INVALID
 * with a reason. */
static int parse_value(const char *p, const char *end, char *out, size_t outlen, const char **why)
{
    size_t o = 0;
    while (p < end && (*p == ' ' || *p == '\t'))
        p++;
    if (p < end && (*p == '"' || *p == '\'')) {
        char q = *p++;
        while (p < end && *p != q) {
            char c = *p++;
            if (q == '"' && c == '\\' && p < end) {
                char n = *p++;
                c = n == 'n' ? '\n' : n == 't' ? '\t' : n == 'r' ? '\r' : n;
            }
            if (o + 1 >= outlen) {
                *why = "value too long";
                return IA_ERR_INVALID;
            }
            out[o++] = c;
        }
        if (p >= end) {
            *why = "unterminated quote";
            return IA_ERR_INVALID;
        }
        p++;
        while (p < end && (*p == ' ' || *p == '\t'))
            p++;
        if (p < end && *p != '#') {
            *why = "text after the closing quote";
            return IA_ERR_INVALID;
        }
    } else {
        const char *vend = end;
        /* An unquoted value ends at " #" (an inline comment). */
        for (const char *c = p; c < end; c++)
            if (*c == '#' && c > p && (c[-1] == ' ' || c[-1] == '\t')) {
                vend = c;
                break;
            }
        while (vend > p && (vend[-1] == ' ' || vend[-1] == '\t'))
            vend--;
        if ((size_t)(vend - p) + 1 > outlen) {
            *why = "value too long";
            return IA_ERR_INVALID;
        }
        memcpy(out, p, (size_t)(vend - p));
        o = (size_t)(vend - p);
    }
    out[o] = '\0';
    return IA_OK;
}

int env_file_parse(const char *text, size_t len, env_file **out, char *err, size_t errlen)
{
    int rc = IA_ERR_NOMEM;
    char *value = malloc(ENV_VALUE_MAX);
    env_file *f = calloc(1, sizeof(*f));
    if (f == NULL || value == NULL)
        goto fail;
    const char *p = text, *end = text + len;
    int lineno = 0;
    while (p < end) {
        lineno++;
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        const char *lend = eol ? eol : end;
        const char *next = eol ? eol + 1 : end;
        if (lend > p && lend[-1] == '\r')
            lend--;
        while (p < lend && (*p == ' ' || *p == '\t'))
            p++;
        if (p == lend || *p == '#') {
            p = next;
            continue;
        }
        if ((size_t)(lend - p) > 7 && strncmp(p, "export ", 7) == 0)
            p += 7;
        const char *k = p;
        while (p < lend && (isalnum((unsigned char)*p) || *p == '_'))
            p++;
        size_t klen = (size_t)(p - k);
        while (p < lend && (*p == ' ' || *p == '\t'))
            p++;
        if (klen == 0 || klen > 128 || isdigit((unsigned char)*k) || p >= lend || *p != '=') {
            snprintf(err, errlen, "line %d: expected NAME=value", lineno);
            rc = IA_ERR_INVALID;
            goto fail;
        }
        const char *why = NULL;
        if (parse_value(p + 1, lend, value, ENV_VALUE_MAX, &why) != IA_OK) {
            snprintf(err, errlen, "line %d: %s", lineno, why);
            rc = IA_ERR_INVALID;
            goto fail;
        }
        if (f->n >= ENV_ENTRIES_MAX) {
            snprintf(err, errlen, "line %d: more than %d settings", lineno, ENV_ENTRIES_MAX);
            rc = IA_ERR_INVALID;
            goto fail;
        }
        env_entry *ne = realloc(f->e, (f->n + 1) * sizeof(*ne));
        if (ne == NULL)
            goto fail;
        f->e = ne;
        f->e[f->n].key = strndup(k, klen);
        f->e[f->n].value = strdup(value);
        if (f->e[f->n].key == NULL || f->e[f->n].value == NULL) {
            free(f->e[f->n].key);
            free(f->e[f->n].value);
            goto fail;
        }
        f->n++;
        p = next;
    }
    free(value);
    *out = f;
    return IA_OK;
fail:
    if (rc == IA_ERR_NOMEM)
        snprintf(err, errlen, "out of memory");
    free(value);
    env_file_free(f);
    return rc;
}

int env_file_load(const char *path, env_file **out, char *err, size_t errlen)
{
    FILE *fp = fopen(path, "rb");
    if (fp == NULL) {
        if (errno == ENOENT)
            return env_file_parse("", 0, out, err, errlen);
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return IA_ERR_IO;
    }
    int rc = IA_ERR_IO;
    char *buf = malloc(ENV_FILE_MAX + 1);
    if (buf == NULL) {
        snprintf(err, errlen, "out of memory");
        fclose(fp);
        return IA_ERR_NOMEM;
    }
    size_t n = fread(buf, 1, ENV_FILE_MAX + 1, fp);
    if (ferror(fp)) {
        snprintf(err, errlen, "%s: read error", path);
    } else if (n > ENV_FILE_MAX) {
        snprintf(err, errlen, "%s: larger than %d bytes", path, ENV_FILE_MAX);
        rc = IA_ERR_TOO_LARGE;
    } else {
        char perr[200];
        rc = env_file_parse(buf, n, out, perr, sizeof(perr));
        if (rc != IA_OK)
            snprintf(err, errlen, "%s: %s", path, perr);
    }
    free(buf);
    fclose(fp);
    return rc;
}
