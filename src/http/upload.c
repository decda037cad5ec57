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
#include "http/multipart.h"

struct upload_state {
    multipart *mp;
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
    bool in_file;      /* the current part is a file part named "file" */
    int64_t part_size; /* bytes of the current part so far */
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

/* A part begins. Only a part named "file" with a file name is a file; the first one is
 * written to the temporary file, the others are counted (several files is an error the
 * handler reports). Other parts are ignored. */
static int on_part(void *ud, const char *name, const char *filename)
{
    upload_state *u = ud;
    u->in_file = name != NULL && strcmp(name, "file") == 0 && filename != NULL;
    u->part_size = 0;
    if (!u->in_file)
        return IA_OK;
    u->nfiles++;
    /* Kept whole, so that the extension is always seen: a part's header block is bounded
     * (MULTIPART_HEADERS_MAX), which bounds the name. */
    if (u->nnames < HTTP_UPLOAD_NAMES_MAX) {
        u->names[u->nnames] = arena_strdup(u->a, filename);
        if (u->names[u->nnames] == NULL)
            return IA_ERR_NOMEM;
        u->nnames++;
    }
    if (u->nfiles == 1 && open_temp(u) != IA_OK) {
        u->io_errno = errno;
        log_error("http", "cannot create a temporary file for an upload", "error", strerror(errno));
        u->io_error = true;
    }
    return IA_OK;
}

/* Content of the current part: the first file part goes to the temporary file until it
 * passes MAX_FILE_SIZE, when nothing of it is kept. */
static int on_data(void *ud, const char *data, size_t n)
{
    upload_state *u = ud;
    if (!u->in_file)
        return IA_OK;
    u->part_size += (int64_t)n;
    if (u->part_size > u->cfg->max_file_size)
        u->too_large = true;
    if (u->nfiles != 1 || u->io_error)
        return IA_OK;
    if (u->too_large) {
        if (u->fd >= 0) {
            close(u->fd);
            u->fd = -1;
            unlink(u->path);
            u->path[0] = '\0';
        }
        return IA_OK;
    }
    if (!write_all(u->fd, data, n)) {
        u->io_errno = errno;
        log_error("http", "cannot write an upload to its temporary file", "error", strerror(errno));
        u->io_error = true;
        return IA_OK;
    }
    u->size = u->part_size;
    return IA_OK;
}

/* A character RFC 2046 allows in a boundary, space aside. */
static bool boundary_char(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c != '\0' && strchr("'()+_,-./:=?", c) != NULL);
}

/* The boundary of ct when it is multipart/form-data with a usable one: the last parameter,
 * unquoted, 1 to MULTIPART_BOUNDARY_MAX characters of RFC 2046's set (without spaces). Sets
 * *len; NULL otherwise. (The rule is stricter than RFC 2046 and stays so: clients send it so,
 * and the API reference documents it.) */
static const char *boundary_of(const char *ct, size_t *len)
{
    while (*ct == ' ' || *ct == '\t')
        ct++;
    if (strncasecmp(ct, "multipart/form-data", 19) != 0 ||
        (ct[19] != ';' && ct[19] != ' ' && ct[19] != '\t'))
        return NULL;
    const char *b = strstr(ct + 19, "boundary=");
    if (b == NULL)
        return NULL;
    b += 9;
    size_t n = 0;
    while (boundary_char(b[n]))
        n++;
    if (n == 0 || n > MULTIPART_BOUNDARY_MAX || b[n] != '\0')
        return NULL;
    *len = n;
    return b;
}

int upload_begin(const char *content_type, const ia_config *cfg, arena *a, upload_state **out)
{
    size_t blen = 0;
    const char *boundary = content_type ? boundary_of(content_type, &blen) : NULL;
    if (boundary == NULL)
        return IA_ERR_INVALID;
    upload_state *u = calloc(1, sizeof(*u));
    if (u == NULL)
        return IA_ERR_NOMEM;
    u->a = a;
    u->cfg = cfg;
    u->fd = -1;
    static const multipart_callbacks cb = { .on_part = on_part, .on_data = on_data };
    u->mp = multipart_create(boundary, blen, &cb, u);
    if (u->mp == NULL) {
        free(u);
        return IA_ERR_NOMEM;
    }
    *out = u;
    return IA_OK;
}

int upload_feed(upload_state *u, const char *data, size_t len)
{
    int rc = multipart_feed(u->mp, data, len);
    if (rc != IA_OK)
        return rc == IA_ERR_NOMEM ? rc : IA_ERR_INVALID;
    return u->io_error ? ia_errno_rc(u->io_errno) : IA_OK;
}

int upload_finish(upload_state *u, http_upload *out)
{
    memset(out, 0, sizeof(*out));
    int done = multipart_finish(u->mp);
    if (u->fd >= 0) {
        if (close(u->fd) != 0 && !u->io_error) {
            u->io_errno = errno;
            u->io_error = true;
        }
        u->fd = -1;
    }
    if (u->io_error)
        return ia_errno_rc(u->io_errno);
    if (done != IA_OK)
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
    multipart_free(u->mp);
    if (u->fd >= 0)
        close(u->fd);
    if (u->path[0])
        unlink(u->path);
    free(u);
}
