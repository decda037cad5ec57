/* Files built into the binary by tools/embed_files.c (migrations, the API reference page). */
#ifndef IA_CORE_EMBED_H
#define IA_CORE_EMBED_H

#include <stddef.h>

typedef struct {
    const char *path; /* relative to the embedded root, e.g. "sqlite/0001_initial_schema.sql" */
    const char *data;
    size_t len;
} embedded_file;

#endif
