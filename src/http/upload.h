/* Streaming multipart/form-data uploads (routes flagged HTTP_BODY_UPLOAD): the multipart
 * reader (multipart.c) feeds the part named "file" into a temporary file under DATA_DIR/tmp
 * while the bytes are counted, so that an upload never sits in memory and a file over
 * MAX_FILE_SIZE stops being written at once. Internal to the HTTP layer; handlers see the
 * result as http_req.upload (http.h). */
#ifndef IA_HTTP_UPLOAD_H
#define IA_HTTP_UPLOAD_H

#include <stddef.h>

#include "core/arena.h"
#include "core/config.h"
#include "http/http.h"

typedef struct upload_state upload_state;

/* Starts an upload for a request of Content-Type content_type (NULL when absent);
 * IA_ERR_INVALID when it is not multipart/form-data with a usable boundary: unquoted, 1-70
 * characters of RFC 2046's set, the last parameter (answer 415). */
int upload_begin(const char *content_type, const ia_config *cfg, arena *a, upload_state **out);

/* Feeds body bytes; IA_ERR_INVALID when the multipart data is malformed, IA_ERR_IO when the
 * temporary file cannot be written. */
int upload_feed(upload_state *u, const char *data, size_t len);

/* Ends the body and describes what arrived (the temporary file stays until upload_discard). */
int upload_finish(upload_state *u, http_upload *out);

/* Removes the temporary file and frees the processor. NULL is accepted. */
void upload_discard(upload_state *u);

#endif
