#include "http/multipart.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/errors.h"

/* Where the reader is. The delimiter is CRLF "--" boundary; the body's first delimiter may
 * come without the CRLF, so the reader starts as if the CRLF had been read. */
typedef enum {
    MP_PREAMBLE,   /* before the first delimiter: dropped */
    MP_AFTER,      /* just after a delimiter */
    MP_AFTER_DASH, /* after a delimiter and one '-' */
    MP_PADDING,    /* transport padding (spaces, tabs) before the CRLF */
    MP_AFTER_CR,   /* after the CR of that CRLF */
    MP_HEADERS,    /* a part's header block */
    MP_CONTENT,    /* a part's content */
    MP_EPILOGUE,   /* after the close delimiter: dropped */
} mp_state;

struct multipart {
    multipart_callbacks cb;
    void *ud;
    mp_state state;
    int error;
    char delim[4 + MULTIPART_BOUNDARY_MAX]; /* CRLF "--" boundary */
    size_t dlen;
    size_t k; /* bytes of the delimiter matched so far */
    char headers[MULTIPART_HEADERS_MAX + 1];
    size_t hlen;
};

multipart *multipart_create(const char *boundary, size_t n, const multipart_callbacks *cb, void *ud)
{
    if (n == 0 || n > MULTIPART_BOUNDARY_MAX)
        return NULL;
    multipart *m = calloc(1, sizeof(*m));
    if (m == NULL)
        return NULL;
    m->cb = *cb;
    m->ud = ud;
    memcpy(m->delim, "\r\n--", 4);
    memcpy(m->delim + 4, boundary, n);
    m->dlen = 4 + n;
    m->k = 2; /* the body may open with the delimiter, without a line end before it */
    m->state = MP_PREAMBLE;
    return m;
}

void multipart_free(multipart *m)
{
    free(m);
}

/* The value of parameter name in a Content-Disposition value v ("form-data; name=...;
 * filename=..."), copied into out (NUL-terminated); NULL when absent or too long. A quoted
 * value runs to the next quote, an unquoted one to the next ';' or space. */
static const char *disposition_param(const char *v, const char *name, char *out, size_t cap)
{
    size_t nlen = strlen(name);
    const char *p = strchr(v, ';');
    while (p != NULL) {
        p++;
        while (*p == ' ' || *p == '\t')
            p++;
        const char *eq = strchr(p, '=');
        if (eq == NULL)
            return NULL;
        const char *nend = eq;
        while (nend > p && (nend[-1] == ' ' || nend[-1] == '\t'))
            nend--;
        const char *val = eq + 1;
        while (*val == ' ' || *val == '\t')
            val++;
        const char *vend;
        const char *next;
        if (*val == '"') {
            val++;
            vend = strchr(val, '"');
            if (vend == NULL)
                return NULL;
            next = strchr(vend, ';');
        } else {
            vend = val + strcspn(val, "; \t");
            next = strchr(vend, ';');
        }
        if ((size_t)(nend - p) == nlen && strncasecmp(p, name, nlen) == 0) {
            size_t n = (size_t)(vend - val);
            if (n >= cap)
                return NULL;
            memcpy(out, val, n);
            out[n] = '\0';
            return out;
        }
        p = next;
    }
    return NULL;
}

/* Reads the complete header block of a part (headers[0..hlen), ending with an empty line)
 * and reports the part. */
static int part_begins(multipart *m)
{
    m->headers[m->hlen] = '\0';
    const char *name = NULL, *filename = NULL;
    char *namebuf = malloc(MULTIPART_HEADERS_MAX), *filebuf = malloc(MULTIPART_HEADERS_MAX);
    int rc = IA_OK;
    if (namebuf == NULL || filebuf == NULL) {
        rc = IA_ERR_NOMEM;
        goto done;
    }
    for (char *line = m->headers; *line != '\0' && *line != '\r';) {
        char *end = strstr(line, "\r\n");
        if (end == NULL)
            break;
        *end = '\0';
        char *colon = strchr(line, ':');
        if (colon == NULL) {
            rc = IA_ERR_INVALID;
            goto done;
        }
        *colon = '\0';
        if (strcasecmp(line, "Content-Disposition") == 0) {
            name = disposition_param(colon + 1, "name", namebuf, MULTIPART_HEADERS_MAX);
            filename = disposition_param(colon + 1, "filename", filebuf, MULTIPART_HEADERS_MAX);
        }
        line = end + 2;
    }
    rc = m->cb.on_part(m->ud, name, filename);
done:
    free(namebuf);
    free(filebuf);
    return rc;
}

/* Scans data[0..n) for the delimiter; content before it goes to on_data unless dropping
 * (preamble). Returns bytes consumed: all of them, or up to the end of a delimiter found. */
static size_t scan(multipart *m, const char *data, size_t n, bool drop, bool *found)
{
    size_t run = 0; /* start of content not yet handed on */
    *found = false;
    for (size_t i = 0; i < n; i++) {
        if (data[i] == m->delim[m->k]) {
            if (m->k == 0 && i > run && !drop && m->error == IA_OK)
                m->error = m->cb.on_data(m->ud, data + run, i - run);
            if (++m->k == m->dlen) {
                m->k = 0;
                *found = true;
                return i + 1;
            }
            continue;
        }
        if (m->k > 0) {
            /* What looked like a delimiter was content: hand it on from the delimiter itself
             * (a boundary holds no CR, so no new match can start inside it). */
            if (!drop && m->error == IA_OK)
                m->error = m->cb.on_data(m->ud, m->delim, m->k);
            m->k = 0;
            run = i;
            if (data[i] == m->delim[0]) {
                m->k = 1;
                run = i + 1;
            }
            continue;
        }
    }
    if (m->k == 0 && n > run && !drop && m->error == IA_OK)
        m->error = m->cb.on_data(m->ud, data + run, n - run);
    return n;
}

int multipart_feed(multipart *m, const char *data, size_t n)
{
    size_t i = 0;
    while (i < n && m->error == IA_OK) {
        char c = data[i];
        switch (m->state) {
        case MP_PREAMBLE:
        case MP_CONTENT: {
            bool found;
            i += scan(m, data + i, n - i, m->state == MP_PREAMBLE, &found);
            if (found)
                m->state = MP_AFTER;
            break;
        }
        case MP_AFTER:
            i++;
            if (c == '-')
                m->state = MP_AFTER_DASH;
            else if (c == '\r')
                m->state = MP_AFTER_CR;
            else if (c == ' ' || c == '\t')
                m->state = MP_PADDING;
            else
                m->error = IA_ERR_INVALID;
            break;
        case MP_AFTER_DASH:
            i++;
            if (c == '-')
                m->state = MP_EPILOGUE;
            else
                m->error = IA_ERR_INVALID;
            break;
        case MP_PADDING:
            i++;
            if (c == '\r')
                m->state = MP_AFTER_CR;
            else if (c != ' ' && c != '\t')
                m->error = IA_ERR_INVALID;
            break;
        case MP_AFTER_CR:
            i++;
            if (c == '\n') {
                m->state = MP_HEADERS;
                m->hlen = 0;
            } else {
                m->error = IA_ERR_INVALID;
            }
            break;
        case MP_HEADERS: {
            i++;
            if (m->hlen >= MULTIPART_HEADERS_MAX) {
                m->error = IA_ERR_INVALID;
                break;
            }
            m->headers[m->hlen++] = c;
            size_t h = m->hlen;
            bool ended = (h == 2 && memcmp(m->headers, "\r\n", 2) == 0) ||
                         (h >= 4 && memcmp(m->headers + h - 4, "\r\n\r\n", 4) == 0);
            if (ended) {
                m->error = part_begins(m);
                m->state = MP_CONTENT;
                m->k = 0;
            }
            break;
        }
        case MP_EPILOGUE:
            i = n;
            break;
        }
    }
    return m->error;
}

int multipart_finish(const multipart *m)
{
    if (m->error != IA_OK)
        return m->error;
    return m->state == MP_EPILOGUE ? IA_OK : IA_ERR_INVALID;
}
