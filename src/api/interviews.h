/* What the interview files of src/api share: the Session rendering for the data export, and
 * the job kinds. */
#ifndef IA_API_INTERVIEWS_H
#define IA_API_INTERVIEWS_H

#include <jansson.h>

#include "core/arena.h"
#include "db/db.h"
#include "http/doc.h"
#include "store/interviews_store.h"

/* The Session object of docs/api.md §4 (with its questions), as a field table. */
extern const j_object interviews_session_schema;

/* Every session of the user with its questions, newest first (GET /auth/me/export); NULL
 * with *rc set on failure. */
json_t *interviews_export(db *d, arena *a, const char *user_id, int *rc);

/* The session's one name (docs/api.md §4.5): its stored title, else (sessions started before
 * names) its role or "General interview". */
const char *interviews_session_title(const interview_session_row *s);

/* Registers interview.generate, interview.evaluate_answer and interview.complete. */
int interviews_register_job_kinds(void);

#endif
