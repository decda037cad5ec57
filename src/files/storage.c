/* The storage interface: key and prefix validation, then the backend's operation. */
#include "files/storage.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/errors.h"
#include "files/backend.h"

#define KEY_SEGMENTS_MAX 16

struct storage {
    const storage_ops *ops;
    void *impl;
};

/* True for the characters a key or prefix may hold. */
static bool key_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '/' || c == '.' || c == '_' ||
           c == '-';
}

/* Checks s against the key rules. A prefix may be empty and may end with '/' (its last segment
 * may be incomplete, so only a segment that is complete is checked for a leading '.'). */
static bool name_valid(const char *s, bool prefix)
{
    size_t n = strnlen(s, STORAGE_KEY_MAX + 1);
    if (n > STORAGE_KEY_MAX || (n == 0 && !prefix))
        return false;
    if (s[0] == '/' || strstr(s, "..") != NULL || strstr(s, "//") != NULL)
        return false;
    if (!prefix && s[n - 1] == '/')
        return false;
    int segments = n > 0;
    for (size_t i = 0; i < n; i++) {
        if (!key_char(s[i]))
            return false;
        bool starts_segment = i == 0 || s[i - 1] == '/';
        if (starts_segment && s[i] == '.')
            return false;
        if (s[i] == '/' && i + 1 < n && ++segments > KEY_SEGMENTS_MAX)
            return false;
    }
    return true;
}

bool storage_key_valid(const char *key)
{
    return key != NULL && name_valid(key, false);
}

/* Writes the refusal of an invalid key and returns IA_ERR_INVALID. */
static int bad_key(const char *what, const char *key, char *err, size_t errlen)
{
    snprintf(err, errlen,
             "invalid storage %s \"%.60s\": expected 1-%d characters of a-z, 0-9, '/', '.', '_', "
             "'-' with no empty, '.'-leading or '..' segments and no leading '/'",
             what, key ? key : "(null)", STORAGE_KEY_MAX);
    return IA_ERR_INVALID;
}

int storage_open(const ia_config *cfg, storage **out, char *err, size_t errlen)
{
    *out = NULL;
    storage *s = calloc(1, sizeof(*s));
    if (s == NULL) {
        snprintf(err, errlen, "out of memory");
        return IA_ERR_NOMEM;
    }
    int rc = cfg->storage_backend == STORAGE_S3
                 ? storage_s3_open(cfg, &s->ops, &s->impl, err, errlen)
                 : storage_local_open(cfg, &s->ops, &s->impl, err, errlen);
    if (rc != IA_OK) {
        free(s);
        return rc;
    }
    *out = s;
    return IA_OK;
}

void storage_close(storage *s)
{
    if (s == NULL)
        return;
    s->ops->close(s->impl);
    free(s);
}

const char *storage_backend_name(const storage *s)
{
    return s->ops->name;
}

int storage_put_file(storage *s, const char *key, const char *src_path, char *err, size_t errlen)
{
    if (!storage_key_valid(key))
        return bad_key("key", key, err, errlen);
    return s->ops->put_file(s->impl, key, src_path, err, errlen);
}

int storage_get_file(storage *s, const char *key, const char *dst_path, size_t max_bytes, char *err,
                     size_t errlen)
{
    if (!storage_key_valid(key))
        return bad_key("key", key, err, errlen);
    return s->ops->get_file(s->impl, key, dst_path, max_bytes, err, errlen);
}

int storage_get(storage *s, arena *a, const char *key, size_t max_bytes, char **data, size_t *len,
                char *err, size_t errlen)
{
    *data = NULL;
    *len = 0;
    if (!storage_key_valid(key))
        return bad_key("key", key, err, errlen);
    return s->ops->get(s->impl, a, key, max_bytes, data, len, err, errlen);
}

int storage_copy(storage *s, const char *src_key, const char *dst_key, char *err, size_t errlen)
{
    if (!storage_key_valid(src_key))
        return bad_key("key", src_key, err, errlen);
    if (!storage_key_valid(dst_key))
        return bad_key("key", dst_key, err, errlen);
    return s->ops->copy(s->impl, src_key, dst_key, err, errlen);
}

int storage_delete(storage *s, const char *key, char *err, size_t errlen)
{
    if (!storage_key_valid(key))
        return bad_key("key", key, err, errlen);
    return s->ops->del(s->impl, key, err, errlen);
}

int storage_list(storage *s, const char *prefix, storage_list_fn fn, void *ctx, char *err,
                 size_t errlen)
{
    if (prefix == NULL || !name_valid(prefix, true))
        return bad_key("prefix", prefix, err, errlen);
    return s->ops->list(s->impl, prefix, fn, ctx, err, errlen);
}

int storage_check(storage *s, char *err, size_t errlen)
{
    return s->ops->check(s->impl, err, errlen);
}

int storage_sweep_temp(storage *s, int64_t before_ms, long long *removed, char *err, size_t errlen)
{
    *removed = 0;
    if (s->ops->sweep_temp == NULL)
        return IA_OK;
    return s->ops->sweep_temp(s->impl, before_ms, removed, err, errlen);
}
