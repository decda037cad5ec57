/* What the resume files of src/api share: the Resume rendering, the share state, deletion
 * with its stored file, and the job kinds. */
#ifndef IA_API_RESUMES_H
#define IA_API_RESUMES_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "db/db.h"
#include "http/http.h"
#include "store/resumes_store.h"

/* The Resume object of API.md §5. */
json_t *resumes_render(const resume_row *r);

/* True while the resume's share token exists and has not expired. */
bool resumes_share_active(const resume_row *r, int64_t now);

/* The caller's resume named by the path's resume_id, with the handler thread's database in
 * *d; answers 404 (and returns IA_NOT_FOUND) when there is none. */
int resumes_load_own(http_req *req, http_res *res, db **d, resume_row *out);

/* Deletes the caller's resume id with its stored file and answers 204 (or 404). */
int resumes_delete(http_req *req, http_res *res, const char *id);

/* The extension (".pdf", ".docx", ".txt") of a stored file type. */
int resumes_extension_of_type(const char *file_type, const char **ext);

/* Registers resume.parse and resume.match. */
int resumes_register_job_kinds(void);

#endif
