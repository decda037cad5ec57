/* The resume background jobs (resume.parse, resume.match, the sweep of stored files no resume
 * uses) and the resume text helpers the API's upload and correction handlers share with them
 * (docs/design.md "Background jobs"). Nothing here knows about HTTP. */
#ifndef IA_JOBS_RESUME_JOBS_H
#define IA_JOBS_RESUME_JOBS_H

#include <jansson.h>

#include "ai/chain.h"
#include "core/arena.h"
#include "files/storage.h"

#define RESUME_TITLE_MAX       100 /* characters of a resume's title (docs/api.md §5) */
#define RESUME_DESCRIPTION_MAX 500 /* characters of a resume's description */

/* How the jobs reach the application's shared services from a job context's app pointer. */
typedef struct {
    storage *(*storage)(void *app);
    ai_chain *(*ai)(void *app);
} resume_jobs_env;

/* Registers resume.parse, resume.match and the periodic sweep of stored files no resume uses
 * ("sweep_orphan_files", removing those older than ORPHAN_FILE_AGE); e is copied. */
int resume_jobs_register(const resume_jobs_env *e);

/* The default title of an upload: the file name without its extension, at most
 * RESUME_TITLE_MAX characters, in a. */
char *resume_jobs_default_title(arena *a, const char *file_name);

/* The summary cut to a description's length (RESUME_DESCRIPTION_MAX characters), in a; NULL when
 * there is none. */
char *resume_jobs_description(arena *a, const char *summary);

/* Skill names of the analysis, lower case, one per line, in a: what the list search looks in. */
char *resume_jobs_skills_text(arena *a, const ai_analysis *an);

/* A stored JSON text parsed (a new reference), or NULL for NULL or malformed text. */
json_t *resume_jobs_load_json(const char *text);

/* JSON text of v in a (NULL when it cannot be written). */
char *resume_jobs_dump(arena *a, const json_t *v);

#endif
