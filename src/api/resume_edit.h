/* Corrections of a resume analysis by its owner (docs/api.md §5.3, "Corrections"): the body of
 * PATCH /api/v1/resume/{resume_id}/analysis, validated, and its application to a stored
 * analysis. The route and the versions live in resumes.c. */
#ifndef IA_API_RESUME_EDIT_H
#define IA_API_RESUME_EDIT_H

#include <jansson.h>

#include "http/http.h"

/* The JSON Schema of the correction body, for the OpenAPI document (http_doc.body_schema). */
extern const char resume_edit_body_schema[];

/* Validates the request body as a partial analysis. Every problem is one 422 item whose loc
 * names the field, inside lists by index ("body", "experience", 2, "start_date"); on failure
 * writes the 422 and returns IA_ERR_INVALID. On success *patch (the caller owns it) holds the
 * given fields only, strings trimmed, "" as null, skills as {name, category} with a NULL
 * category where the body gave a bare name. An empty body is an empty patch. */
int resume_edit_validate(http_req *req, http_res *res, json_t **patch);

/* Applies a validated patch to an analysis in place: each given field replaces the stored
 * one (a bare skill name keeps the category the same skill had, else "other"; experience and
 * education entries take the full stored shape), the names of the corrected fields join
 * corrected_fields, their field_confidence (when the analysis has one) becomes 1.0, and
 * analysis_version becomes version. Returns IA_OK or IA_ERR_NOMEM. */
int resume_edit_apply(json_t *analysis, const json_t *patch, long long version);

#endif
