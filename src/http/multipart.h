/* A streaming reader of multipart/form-data bodies (RFC 7578, RFC 2046 §5.1): fed the body in
 * pieces of any size, it reports each part's name and file name and hands its content on as
 * it arrives, never holding more than a part's header block (at most MULTIPART_HEADERS_MAX
 * bytes) and the delimiter it may be in the middle of. The preamble and the epilogue are
 * ignored. File names are taken as sent between their quotes (browsers percent-encode a quote
 * and send a backslash as it is), so nothing is unescaped. Used by upload.c. */
#ifndef IA_HTTP_MULTIPART_H
#define IA_HTTP_MULTIPART_H

#include <stdbool.h>
#include <stddef.h>

#define MULTIPART_BOUNDARY_MAX 70            /* RFC 2046 */
#define MULTIPART_HEADERS_MAX  (64u * 1024u) /* one part's header block */

typedef struct {
    /* A part begins: its Content-Disposition name and filename parameters, each NULL when
     * absent (valid during the call). Returns IA_OK, or an error that stops the reader. */
    int (*on_part)(void *ud, const char *name, const char *filename);
    /* Bytes of the current part's content. Returns IA_OK, or an error that stops the reader. */
    int (*on_data)(void *ud, const char *data, size_t n);
} multipart_callbacks;

typedef struct multipart multipart;

/* A reader for the boundary boundary[0..n) (1 to MULTIPART_BOUNDARY_MAX bytes). NULL when
 * out of memory or the boundary's length is out of range. */
multipart *multipart_create(const char *boundary, size_t n, const multipart_callbacks *cb,
                            void *ud);

/* Reads the next n bytes of the body. IA_ERR_INVALID when it is malformed (a delimiter
 * followed by anything but "--" or a line end, a header block over MULTIPART_HEADERS_MAX or
 * without a colon in a line); a callback's error as it returned it. After an error every
 * later call returns the same error. */
int multipart_feed(multipart *m, const char *data, size_t n);

/* The body has ended: IA_OK when the close delimiter was read, IA_ERR_INVALID when the body
 * ended before it (inside the preamble, a part's headers or its content). */
int multipart_finish(const multipart *m);

void multipart_free(multipart *m);

#endif
