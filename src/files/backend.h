/* The operations a storage backend provides (local.c, s3.c). storage.c validates every key and
 * prefix before it calls them, so a backend can rely on the key rules of storage.h. */
#ifndef IA_FILES_BACKEND_H
#define IA_FILES_BACKEND_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/arena.h"
#include "core/config.h"
#include "files/storage.h"

typedef struct {
    const char *name;
    int (*put_file)(void *b, const char *key, const char *src_path, char *err, size_t errlen);
    int (*get_file)(void *b, const char *key, const char *dst_path, size_t max_bytes, char *err,
                    size_t errlen);
    int (*get)(void *b, arena *a, const char *key, size_t max_bytes, char **data, size_t *len,
               char *err, size_t errlen);
    int (*copy)(void *b, const char *src_key, const char *dst_key, char *err, size_t errlen);
    int (*del)(void *b, const char *key, char *err, size_t errlen);
    int (*list)(void *b, const char *prefix, storage_list_fn fn, void *ctx, char *err,
                size_t errlen);
    int (*check)(void *b, char *err, size_t errlen);
    void (*close)(void *b);
    /* NULL for a backend whose writes leave nothing behind when interrupted. */
    int (*sweep_temp)(void *b, int64_t before_ms, long long *removed, char *err, size_t errlen);
} storage_ops;

/* The description of an errno value. Unlike strerror it is safe on every thread at once. */
static inline const char *storage_strerror(int e)
{
    const char *s = strerrordesc_np(e);
    return s != NULL ? s : "unknown error";
}

/* Opens the local-directory backend on cfg->storage_dir, creating it when missing. */
int storage_local_open(const ia_config *cfg, const storage_ops **ops, void **out, char *err,
                       size_t errlen);

/* Opens the S3 backend from the S3_* settings; no request is made. */
int storage_s3_open(const ia_config *cfg, const storage_ops **ops, void **out, char *err,
                    size_t errlen);

#endif
