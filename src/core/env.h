/* The .env file: KEY=VALUE lines read into memory, consulted after the real environment
 * (the environment wins). Supports comments, blank lines, an optional `export ` prefix, and
 * single- or double-quoted values (double quotes understand \n, \t, \" and \\). */
#ifndef IA_CORE_ENV_H
#define IA_CORE_ENV_H

#include <stddef.h>

typedef struct env_file env_file;

/* Reads path. A missing file is not an error: *out is an empty set. A malformed line fails
 * with IA_ERR_INVALID and a message naming the line in err. */
int env_file_load(const char *path, env_file **out, char *err, size_t errlen);

/* Parses the text of a .env file (used by env_file_load and by tests). */
int env_file_parse(const char *text, size_t len, env_file **out, char *err, size_t errlen);

/* The value for key from the file, or NULL. */
const char *env_file_get(const env_file *f, const char *key);

void env_file_free(env_file *f);

/* The value for key: the process environment first, then the file (which may be NULL). */
const char *env_lookup(const env_file *f, const char *key);

#endif
