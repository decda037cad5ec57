#include "http/upload.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/errors.h"
#include "core/log.h"

#define POST_BUFFER  65536
#define BOUNDARY_MAX 70 /* RFC 2046 */

struct upload_state {
    struct MHD_PostProcessor *pp;
    arena *a;
    const ia_config *cfg;
    int fd;          /* the temporary file of the first file part, or -1 */
    char path[4200]; /* its name; empty when none */
    int64_t size;    /* bytes of the first file part */
    bool too_large;  /* some file part passed MAX_FILE_SIZE */
    bool io_error;
    int io_errno; /* errno of the first failed write, for the response (full disk: 503) */
    int nfiles;
    const char *names[HTTP_UPLOAD_NAMES_MAX];
    size_t nnames;
    bool empty_start;   /* the last callback began a file part without any of its bytes */
    uint64_t name_hash; /* ... and this was the hash of that part's file name */
};

/* Opens a fresh private temporary file for the first file part. */
static int open_temp(upload_state *u)
{
    char dir[4100];
    snprintf(dir, sizeof(dir), "%s/tmp", u->cfg->data_dir);
    if (mkdir(dir, 0700) != 0 && errno != EEXIST)
        return IA_ERR_IO;
    int n = snprintf(u->path, sizeof(u->path), "%s/upload-XXXXXX", dir);
    if (n < 0 || (size_t)n >= sizeof(u->path))
        return IA_ERR_TOO_LARGE;
    u->fd = mkostemp(u->path, O_CLOEXEC);
    if (u->fd < 0) {
        u->path[0] = '\0';
        return IA_ERR_IO;
    }
    return IA_OK;
}

static bool write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return false;
        p += w;
        n -= (size_t)w;
    }
    return true;
}

/* FNV-1a of a file name: what tells two file parts apart when both start at offset 0. */
static uint64_t hash_name(const char *s)
{
    uint64_t h = 14695981039346656037ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

/* Whether this callback begins a new file part. libmicrohttpd calls at offset 0 when a part's
 * data begins, with no bytes when what it holds could still be the start of a boundary (a
 * boundary split across reads), and then calls again at offset 0 with the first bytes. So a
 * call at offset 0 right after such an empty call for a file part of the same name continues
 * that part. (An empty file part followed at once by another of the same name therefore
 * counts as one.) */
static bool starts_part(upload_state *u, const char *filename, uint64_t off, size_t size)
{
    uint64_t h = hash_name(filename);
    bool starts = off == 0 && !(u->empty_start && u->name_hash == h);
    u->empty_start = off == 0 && size == 0;
    u->name_hash = h;
    return starts;
}

/* The post processor's callback. Only the first file part is written; the others are counted
 * (several files is an error the handler reports). */
static enum MHD_Result on_part(void *cls, enum MHD_ValueKind kind, const char *key,
                               const char *filename, const char *content_type,
                               const char *transfer_encoding, const char *data, uint64_t off,
                               size_t size)
{
    (void)kind;
    (void)content_type;
    (void)transfer_encoding;
    upload_state *u = cls;
    if (key == NULL || strcmp(key, "file") != 0 || filename == NULL) {
        u->empty_start = false;
        return MHD_YES; /* non-file parts are ignored */
    }
    if (starts_part(u, filename, off, size)) {
        u->nfiles++;
        /* Kept whole, so that the extension is always seen: the post processor refuses a
         * part header line longer than its buffer (POST_BUFFER), which bounds the name. */
        if (u->nnames < HTTP_UPLOAD_NAMES_MAX)
            u->names[u->nnames++] = arena_strdup(u->a, filename);
        if (u->nfiles == 1 && open_temp(u) != IA_OK) {
            u->io_errno = errno;
            log_error("http", "cannot create a temporary file for an upload", "error",
                      strerror(errno));
            u->io_error = true;
        }
    }
    if ((int64_t)(off + size) > u->cfg->max_file_size)
        u->too_large = true;
    if (u->nfiles != 1 || u->io_error)
        return MHD_YES;
    if (u->too_large) {
        /* Stop writing: nothing of an oversized file is kept. */
        if (u->fd >= 0) {
            close(u->fd);
            u->fd = -1;
            unlink(u->path);
            u->path[0] = '\0';
        }
        return MHD_YES;
    }
    if (size > 0 && !write_all(u->fd, data, size)) {
        u->io_errno = errno;
        log_error("http", "cannot write an upload to its temporary file", "error", strerror(errno));
        u->io_error = true;
        return MHD_YES;
    }
    u->size = (int64_t)(off + size);
    return MHD_YES;
}

/* A character RFC 2046 allows in a boundary, space aside. */
static bool boundary_char(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c != '\0' && strchr("'()+_,-./:=?", c) != NULL);
}

/* Whether ct is multipart/form-data with a boundary libmicrohttpd reads as it was meant. The
 * post processor takes everything after the first "boundary=" as the boundary, so the
 * parameter must be the last one and unquoted: 1 to 70 characters of RFC 2046's set (without
 * spaces). A quoted, empty or malformed boundary would otherwise be used verbatim and never
 * match the body. */
static bool boundary_usable(const char *ct)
{
    while (*ct == ' ' || *ct == '\t')
        ct++;
    if (strncasecmp(ct, "multipart/form-data", 19) != 0 ||
        (ct[19] != ';' && ct[19] != ' ' && ct[19] != '\t'))
        return false;
    const char *b = strstr(ct + 19, "boundary=");
    if (b == NULL)
        return false;
    b += 9;
    size_t n = 0;
    while (boundary_char(b[n]))
        n++;
    return n > 0 && n <= BOUNDARY_MAX && b[n] == '\0';
}

int upload_begin(struct MHD_Connection *conn, const ia_config *cfg, arena *a, upload_state **out)
{
    const char *ct =
        MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
    if (ct == NULL || !boundary_usable(ct))
        return IA_ERR_INVALID;
    upload_state *u = calloc(1, sizeof(*u));
    if (u == NULL)
        return IA_ERR_NOMEM;
    u->a = a;
    u->cfg = cfg;
    u->fd = -1;
    u->pp = MHD_create_post_processor(conn, POST_BUFFER, on_part, u);
    if (u->pp == NULL) {
        free(u);
        return IA_ERR_INVALID; /* no boundary */
    }
    *out = u;
    return IA_OK;
}

int upload_feed(upload_state *u, const char *data, size_t len)
{
    if (MHD_post_process(u->pp, data, len) != MHD_YES)
        return IA_ERR_INVALID;
    return u->io_error ? ia_errno_rc(u->io_errno) : IA_OK;
}

int upload_finish(upload_state *u, http_upload *out)
{
    memset(out, 0, sizeof(*out));
    enum MHD_Result done = MHD_destroy_post_processor(u->pp);
    u->pp = NULL;
    if (u->fd >= 0) {
        if (close(u->fd) != 0 && !u->io_error) {
            u->io_errno = errno;
            u->io_error = true;
        }
        u->fd = -1;
    }
    if (u->io_error)
        return ia_errno_rc(u->io_errno);
    if (done != MHD_YES)
        return IA_ERR_INVALID; /* the body ended inside a part */
    out->path = u->path[0] ? u->path : NULL;
    out->size = u->size;
    out->nfiles = u->nfiles;
    out->too_large = u->too_large;
    out->nnames = u->nnames;
    for (size_t i = 0; i < u->nnames; i++)
        out->names[i] = u->names[i];
    return IA_OK;
}

void upload_discard(upload_state *u)
{
    if (u == NULL)
        return;
    if (u->pp != NULL)
        MHD_destroy_post_processor(u->pp);
    if (u->fd >= 0)
        close(u->fd);
    if (u->path[0])
        unlink(u->path);
    free(u);
}
