/* What the resume files of src/api share: the Resume rendering, the share state, deletion
 * with its stored file, and the job kinds. */
#ifndef IA_API_RESUMES_H
#define IA_API_RESUMES_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "db/db.h"
#include "http/doc.h"
#include "http/http.h"
#include "store/resumes_store.h"

/* The Resume object of docs/api.md §5, and its field table. */
json_t *resumes_render(const resume_row *r);
extern const j_object resumes_schema;

/* The Analysis object of docs/api.md §5 and its parts (skills, experience, education), and
 * what an analysis holds instead when it failed ({"error"}). */
extern const j_object resumes_analysis_schema;
extern const j_object resumes_analysis_error_schema;
extern const j_object resumes_skill_schema;
extern const j_object resumes_experience_schema;
extern const j_object resumes_education_schema;

/* True while the resume's share token exists and has not expired. */
bool resumes_share_active(const resume_row *r, int64_t now);

/* The caller's resume named by the path's resume_id, with the handler thread's database in
 * *d; answers 404 (and returns IA_NOT_FOUND) when there is none. */
int resumes_load_own(http_req *req, http_res *res, db **d, resume_row *out);

/* Deletes the caller's resume id with its stored file and answers 204 (or 404). */
int resumes_delete(http_req *req, http_res *res, const char *id);

/* The extension (".pdf", ".docx", ".txt") of a stored file type. */
int resumes_extension_of_type(const char *file_type, const char **ext);

/* Registers resume.parse, resume.match and the periodic sweep of stored files no resume uses
 * ("sweep_orphan_files", removing those older than ORPHAN_FILE_AGE). */
int resumes_register_job_kinds(void);

/* The steps of an upload that the integration tests can make fail (TEST_ENDPOINTS only):
 * storing the file, inserting the row, queueing its parse job, committing. */
enum {
    UPLOAD_FAULT_NONE,
    UPLOAD_FAULT_STORE,
    UPLOAD_FAULT_INSERT,
    UPLOAD_FAULT_ENQUEUE,
    UPLOAD_FAULT_COMMIT
};

/* Makes the next upload fail at step ("store", "insert", "enqueue", "commit"; "none" clears)
 * as if that dependency had failed. Has an effect only when TEST_ENDPOINTS is on; returns
 * IA_ERR_INVALID for an unknown step. */
int resumes_inject_upload_fault(const char *step);

#endif
