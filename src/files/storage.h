/* Stored files (uploaded résumés and their versions) behind one interface, with two backends
 * chosen by STORAGE_BACKEND: a local directory (STORAGE_DIR) and S3-compatible object storage
 * (S3_*). Callers generate the keys, such as "resumes/<user uuid>/<uuid>.pdf"; a key is 1 to
 * 200 characters of [a-z0-9/._-] in at most 16 '/'-separated segments, none of them empty or
 * starting with '.', and no leading or trailing '/'. Anything else is IA_ERR_INVALID.
 *
 * Every function may be called from any thread at the same time. Each one that can fail
 * returns an IA_* code and writes a readable reason to err (never a secret): IA_NOT_FOUND for
 * a missing key, IA_ERR_TOO_LARGE past max_bytes, IA_ERR_UNAVAILABLE or IA_ERR_TIMEOUT when
 * the object store cannot be reached or refuses (its error code, e.g. NoSuchBucket, is in err),
 * IA_ERR_IO for a local file-system failure. */
#ifndef IA_FILES_STORAGE_H
#define IA_FILES_STORAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/config.h"

#define STORAGE_KEY_MAX 200

typedef struct storage storage;

/* Called once per stored key by storage_list, with its last modification time (Unix ms).
 * Returning IA_OK goes on; any other value stops the listing, which then returns it. */
typedef int (*storage_list_fn)(const char *key, int64_t modified_ms, void *ctx);

/* Opens the backend the configuration names. The local backend creates STORAGE_DIR (mode
 * 0700) when missing; the S3 backend checks its settings but makes no request (storage_check
 * does), so an unreachable service does not stop start-up. */
int storage_open(const ia_config *cfg, storage **out, char *err, size_t errlen);

/* Frees the storage; NULL is accepted. No call may be running. */
void storage_close(storage *s);

/* The backend's name, "local" or "s3", for logs. */
const char *storage_backend_name(const storage *s);

/* True when key is a valid storage key (the rules above). */
bool storage_key_valid(const char *key);

/* Stores the complete file src_path under key, replacing an earlier object. The object
 * appears whole or not at all; src_path is left in place for the caller to remove. */
int storage_put_file(storage *s, const char *key, const char *src_path, char *err, size_t errlen);

/* Writes the object into dst_path (created with mode 0600 or truncated). Beyond max_bytes it
 * stops with IA_ERR_TOO_LARGE; on any failure dst_path is removed. */
int storage_get_file(storage *s, const char *key, const char *dst_path, size_t max_bytes, char *err,
                     size_t errlen);

/* Reads the object into a's memory: *data (NUL-terminated after *len bytes). Beyond max_bytes
 * it stops with IA_ERR_TOO_LARGE. */
int storage_get(storage *s, arena *a, const char *key, size_t max_bytes, char **data, size_t *len,
                char *err, size_t errlen);

/* Copies src_key to dst_key (replacing it) inside the storage. IA_NOT_FOUND when src_key is
 * missing. */
int storage_copy(storage *s, const char *src_key, const char *dst_key, char *err, size_t errlen);

/* Removes the object; a key that is already absent is IA_OK. */
int storage_delete(storage *s, const char *key, char *err, size_t errlen);

/* Calls fn for every stored key that starts with prefix ("" for all; the same characters as a
 * key, without ".."), in no particular order for the local backend and in key order for S3. */
int storage_list(storage *s, const char *prefix, storage_list_fn fn, void *ctx, char *err,
                 size_t errlen);

/* Readiness: the local directory exists and a file can be created in it, or the bucket answers
 * a signed request. */
int storage_check(storage *s, char *err, size_t errlen);

/* Removes what writes that never finished left behind (a process killed while storing) and
 * that was last modified before before_ms; *removed receives how many. For the local backend
 * these are the ".tmp-*" files inside the directory; an S3 upload is whole or absent, so the S3
 * backend has nothing to remove. */
int storage_sweep_temp(storage *s, int64_t before_ms, long long *removed, char *err, size_t errlen);

#endif
