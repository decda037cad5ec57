/* The S3 storage backend: REST calls signed by libcurl (CURLOPT_AWS_SIGV4). curl signs the
 * payload hash it is given in x-amz-content-sha256 but does not compute it for a streamed
 * body, so every request carries that header with the SHA-256 of its body, computed here.
 * Addressing is path-style (<endpoint>/<bucket>/<key>) or virtual-hosted
 * (<bucket>.<endpoint host>/<key>). Easy handles are kept in a small locked pool, so calls from
 * several threads reuse connections without sharing a handle. */
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/curlx.h"
#include "core/errors.h"
#include "files/backend.h"

#define EMPTY_SHA256       "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
#define URL_MAX            1536
#define ERRBODY_MAX        4096
#define LIST_BODY_MAX      (8u * 1024u * 1024u)
#define COPY_BODY_MAX      (64u * 1024u)
#define CHECK_TIMEOUT_MS   10000L
#define CONNECT_TIMEOUT_MS 10000L
#define TOKEN_MAX          1024
#define POOL_MAX           8
#define HASH_BUF           (32u * 1024u)

typedef struct {
    char base[URL_MAX];           /* an object's URL is base + "/" + key */
    char bucket_url[URL_MAX + 2]; /* ListObjectsV2 is bucket_url + "?" + query */
    char bucket[64];
    char sigv4[96]; /* "aws:amz:<region>:s3" */
    char key_id[129];
    char secret[257];
    long timeout_ms;
    pthread_mutex_t pool_lock;
    CURL *idle[POOL_MAX];
    int n_idle;
} s3_backend;

/* One request and where its response body goes. */
typedef struct {
    const char *method; /* GET, PUT, DELETE */
    const char *url;
    const char *what;           /* "GET <key>", for messages */
    const char *payload_sha256; /* hex SHA-256 of the request body */
    const char *copy_source;    /* x-amz-copy-source, or NULL */
    int in_fd;                  /* PUT body, or -1 for an empty one */
    curl_off_t in_size;
    long timeout_ms;
} s3_request;

typedef struct {
    CURL *c;
    int in_fd;
    long status; /* read at the first body byte; 0 until then */
    /* a 2xx body goes to out_fd, or into a's memory, or is counted and dropped */
    int out_fd;
    arena *a;
    char *mem;
    size_t cap;
    size_t got;
    size_t max;
    bool too_large;
    bool sink_failed;
    int sink_errno;
    /* any other body is kept, cut short, to read the error code from */
    char errbody[ERRBODY_MAX + 1];
    size_t errbody_len;
} s3_xfer;

static void xfer_init(s3_xfer *x, size_t max)
{
    memset(x, 0, sizeof(*x));
    x->in_fd = -1;
    x->out_fd = -1;
    x->max = max;
}

/* ---- the handle pool ------------------------------------------------------------------- */

static CURL *handle_get(s3_backend *b)
{
    CURL *c = NULL;
    pthread_mutex_lock(&b->pool_lock);
    if (b->n_idle > 0)
        c = b->idle[--b->n_idle];
    pthread_mutex_unlock(&b->pool_lock);
    if (c == NULL)
        return curl_easy_init();
    curl_easy_reset(c); /* options go, open connections stay */
    return c;
}

static void handle_put(s3_backend *b, CURL *c)
{
    pthread_mutex_lock(&b->pool_lock);
    if (b->n_idle < POOL_MAX) {
        b->idle[b->n_idle++] = c;
        c = NULL;
    }
    pthread_mutex_unlock(&b->pool_lock);
    curl_easy_cleanup(c);
}

/* ---- libcurl callbacks ------------------------------------------------------------------ */

/* Makes room for need bytes in the memory sink, growing by doubling up to max + 1 (the
 * terminating NUL). */
static bool mem_reserve(s3_xfer *x, size_t need)
{
    if (need <= x->cap)
        return true;
    size_t cap = x->cap > 0 ? x->cap : 16384;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    size_t limit = x->max < SIZE_MAX ? x->max + 1 : SIZE_MAX;
    if (cap > limit)
        cap = limit;
    if (cap < need)
        return false;
    char *n = arena_alloc(x->a, cap);
    if (n == NULL)
        return false;
    if (x->got > 0)
        memcpy(n, x->mem, x->got);
    x->mem = n;
    x->cap = cap;
    return true;
}

/* Receives response body bytes: an error body is kept (cut short) for its code; a success body
 * goes to the sink, and the transfer stops once it passes max. */
static size_t on_body(char *p, size_t size, size_t nmemb, void *ud)
{
    s3_xfer *x = ud;
    size_t n = size * nmemb;
    if (x->status == 0) {
        if (curl_easy_getinfo(x->c, CURLINFO_RESPONSE_CODE, &x->status) != CURLE_OK)
            x->status = -1;
        curl_off_t cl = -1;
        if (x->status >= 200 && x->status <= 299 &&
            curl_easy_getinfo(x->c, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &cl) == CURLE_OK &&
            cl >= 0) {
            if ((uint64_t)cl > x->max) {
                x->too_large = true;
                return 0;
            }
            if (x->a != NULL && !mem_reserve(x, (size_t)cl + 1)) {
                x->sink_failed = true;
                return 0;
            }
        }
    }
    if (x->status < 200 || x->status > 299) {
        size_t room = ERRBODY_MAX - x->errbody_len;
        size_t k = n < room ? n : room;
        memcpy(x->errbody + x->errbody_len, p, k);
        x->errbody_len += k;
        x->errbody[x->errbody_len] = '\0';
        return n;
    }
    if (n > x->max - x->got) {
        x->too_large = true;
        return 0;
    }
    if (x->out_fd >= 0) {
        const char *q = p;
        size_t left = n;
        while (left > 0) {
            ssize_t w = write(x->out_fd, q, left);
            if (w < 0 && errno == EINTR)
                continue;
            if (w <= 0) {
                x->sink_failed = true;
                x->sink_errno = w < 0 ? errno : ENOSPC;
                return 0;
            }
            q += w;
            left -= (size_t)w;
        }
    } else if (x->a != NULL) {
        if (!mem_reserve(x, x->got + n + 1)) {
            x->sink_failed = true;
            return 0;
        }
        memcpy(x->mem + x->got, p, n);
    }
    x->got += n;
    return n;
}

/* Supplies the request body from the file. */
static size_t on_read(char *buf, size_t size, size_t nmemb, void *ud)
{
    const s3_xfer *x = ud;
    if (x->in_fd < 0)
        return 0;
    for (;;) {
        ssize_t r = read(x->in_fd, buf, size * nmemb);
        if (r < 0 && errno == EINTR)
            continue;
        return r < 0 ? CURL_READFUNC_ABORT : (size_t)r;
    }
}

/* Rewinds the request body when libcurl must send it again. */
static int on_seek(void *ud, curl_off_t offset, int origin)
{
    const s3_xfer *x = ud;
    if (x->in_fd < 0)
        return offset == 0 ? CURL_SEEKFUNC_OK : CURL_SEEKFUNC_FAIL;
    return lseek(x->in_fd, (off_t)offset, origin) < 0 ? CURL_SEEKFUNC_FAIL : CURL_SEEKFUNC_OK;
}

/* ---- responses -------------------------------------------------------------------------- */

/* Copies the text of the first <tag>...</tag> in body[0..len) into out. Non-printable bytes
 * become '?'. With cut, a longer text is shortened; without it, a text that does not fit is
 * IA_ERR_TOO_LARGE. IA_NOT_FOUND when the element is absent or unclosed. */
static int xml_text(const char *body, size_t len, const char *tag, char *out, size_t outlen,
                    bool cut)
{
    char open[64], close[64];
    int no = snprintf(open, sizeof(open), "<%s>", tag);
    int nc = snprintf(close, sizeof(close), "</%s>", tag);
    const char *s = memmem(body, len, open, (size_t)no);
    if (s == NULL)
        return IA_NOT_FOUND;
    s += no;
    const char *e = memmem(s, len - (size_t)(s - body), close, (size_t)nc);
    if (e == NULL)
        return IA_NOT_FOUND;
    size_t n = (size_t)(e - s);
    if (n >= outlen) {
        if (!cut)
            return IA_ERR_TOO_LARGE;
        n = outlen - 1;
    }
    for (size_t i = 0; i < n; i++)
        out[i] = (s[i] >= 0x20 && s[i] < 0x7f) ? s[i] : '?';
    out[n] = '\0';
    return IA_OK;
}

/* Turns a finished transfer into a result code, with the reason in err: the transport error,
 * or the S3 error code and message of a non-2xx answer. A 404 NoSuchKey is IA_NOT_FOUND. */
static int s3_result(const s3_request *r, s3_xfer *x, CURLcode cc, const char *cerr, char *err,
                     size_t errlen)
{
    if (x->too_large) {
        snprintf(err, errlen, "S3 %s: the object is larger than %zu bytes", r->what, x->max);
        return IA_ERR_TOO_LARGE;
    }
    if (x->sink_failed) {
        snprintf(err, errlen, "S3 %s: cannot keep the response: %s", r->what,
                 x->out_fd >= 0 ? storage_strerror(x->sink_errno) : "out of memory");
        return x->out_fd >= 0 ? IA_ERR_IO : IA_ERR_NOMEM;
    }
    if (cc != CURLE_OK) {
        snprintf(err, errlen, "S3 %s: %s%s%s", r->what, curl_easy_strerror(cc),
                 cerr[0] != '\0' ? ": " : "", cerr);
        return cc == CURLE_OPERATION_TIMEDOUT ? IA_ERR_TIMEOUT : IA_ERR_UNAVAILABLE;
    }
    long status = 0;
    if (curl_easy_getinfo(x->c, CURLINFO_RESPONSE_CODE, &status) != CURLE_OK)
        status = 0;
    if (status >= 200 && status <= 299)
        return IA_OK;
    char code[64] = "", message[256] = "";
    xml_text(x->errbody, x->errbody_len, "Code", code, sizeof(code), true);
    xml_text(x->errbody, x->errbody_len, "Message", message, sizeof(message), true);
    if (code[0] == '\0')
        snprintf(err, errlen, "S3 %s: HTTP %ld without an S3 error code", r->what, status);
    else
        snprintf(err, errlen, "S3 %s: %s (HTTP %ld)%s%s", r->what, code, status,
                 message[0] != '\0' ? ": " : "", message);
    if (status == 404 && strcmp(code, "NoSuchKey") == 0)
        return IA_NOT_FOUND;
    return IA_ERR_UNAVAILABLE;
}

/* Runs one signed request. The response body goes where x says. */
static int s3_perform(s3_backend *b, const s3_request *r, s3_xfer *x, char *err, size_t errlen)
{
    char sha_header[128], copy_header[STORAGE_KEY_MAX + 128];
    snprintf(sha_header, sizeof(sha_header), "x-amz-content-sha256: %s", r->payload_sha256);
    struct curl_slist *headers = curl_slist_append(NULL, sha_header);
    struct curl_slist *h2 = headers;
    if (headers != NULL && r->copy_source != NULL) {
        snprintf(copy_header, sizeof(copy_header), "x-amz-copy-source: %s", r->copy_source);
        h2 = curl_slist_append(headers, copy_header);
    }
    CURL *c = handle_get(b);
    if (headers == NULL || h2 == NULL || c == NULL) {
        curl_slist_free_all(headers);
        if (c != NULL)
            handle_put(b, c);
        snprintf(err, errlen, "S3 %s: out of memory", r->what);
        return IA_ERR_NOMEM;
    }
    x->c = c;
    x->in_fd = r->in_fd;
    long timeout = r->timeout_ms > 0 ? r->timeout_ms : b->timeout_ms;
    char cerr[CURL_ERROR_SIZE];
    cerr[0] = '\0';
    curlx_opts o;
    curlx_init(&o, c);
#define SET(opt, val) CURLX_SET(&o, opt, val)
    SET(CURLOPT_URL, r->url);
    SET(CURLOPT_PROTOCOLS_STR, "http,https");
    SET(CURLOPT_AWS_SIGV4, b->sigv4);
    SET(CURLOPT_USERNAME, b->key_id);
    SET(CURLOPT_PASSWORD, b->secret);
    SET(CURLOPT_HTTPHEADER, headers);
    SET(CURLOPT_WRITEFUNCTION, on_body);
    SET(CURLOPT_WRITEDATA, x);
    SET(CURLOPT_TIMEOUT_MS, timeout);
    SET(CURLOPT_CONNECTTIMEOUT_MS, timeout < CONNECT_TIMEOUT_MS ? timeout : CONNECT_TIMEOUT_MS);
    SET(CURLOPT_NOSIGNAL, 1L);
    SET(CURLOPT_SSL_VERIFYPEER, 1L);
    SET(CURLOPT_SSL_VERIFYHOST, 2L);
    SET(CURLOPT_ERRORBUFFER, cerr);
    if (strcmp(r->method, "PUT") == 0) {
        SET(CURLOPT_UPLOAD, 1L);
        SET(CURLOPT_READFUNCTION, on_read);
        SET(CURLOPT_READDATA, x);
        SET(CURLOPT_SEEKFUNCTION, on_seek);
        SET(CURLOPT_SEEKDATA, x);
        SET(CURLOPT_INFILESIZE_LARGE, r->in_size);
    } else if (strcmp(r->method, "DELETE") == 0) {
        SET(CURLOPT_CUSTOMREQUEST, "DELETE");
    }
#undef SET
    CURLcode cc = o.rc;
    if (cc == CURLE_OK)
        cc = curl_easy_perform(c);
    int rc = s3_result(r, x, cc, cerr, err, errlen);
    curl_slist_free_all(headers);
    x->c = NULL;
    handle_put(b, c);
    return rc;
}

/* ---- operations ------------------------------------------------------------------------- */

static void object_url(const s3_backend *b, const char *key, char *out, size_t outlen)
{
    snprintf(out, outlen, "%s/%s", b->base, key);
}

/* Hashes the rest of fd with SHA-256 into hex (65 bytes) and rewinds it. */
static int hash_file(int fd, char hex[65])
{
    crypto_hash_sha256_state st;
    crypto_hash_sha256_init(&st);
    unsigned char buf[HASH_BUF];
    for (;;) {
        ssize_t r = read(fd, buf, sizeof(buf));
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return IA_ERR_IO;
        if (r == 0)
            break;
        crypto_hash_sha256_update(&st, buf, (unsigned long long)r);
    }
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_final(&st, digest);
    sodium_bin2hex(hex, 65, digest, sizeof(digest));
    return lseek(fd, 0, SEEK_SET) == 0 ? IA_OK : IA_ERR_IO;
}

static int s3_put_file(void *vb, const char *key, const char *src_path, char *err, size_t errlen)
{
    s3_backend *b = vb;
    int fd = open(src_path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "S3 PUT %s: cannot open the file to store: %s", key,
                 fd < 0 ? storage_strerror(errno) : "not a regular file");
        if (fd >= 0)
            close(fd);
        return IA_ERR_IO;
    }
    char hex[65];
    if (hash_file(fd, hex) != IA_OK) {
        snprintf(err, errlen, "S3 PUT %s: cannot read the file to store: %s", key,
                 storage_strerror(errno));
        close(fd);
        return IA_ERR_IO;
    }
    char url[URL_MAX + STORAGE_KEY_MAX + 2], what[STORAGE_KEY_MAX + 16];
    object_url(b, key, url, sizeof(url));
    snprintf(what, sizeof(what), "PUT %s", key);
    s3_request r = { "PUT", url, what, hex, NULL, fd, (curl_off_t)st.st_size, 0 };
    s3_xfer x;
    xfer_init(&x, SIZE_MAX);
    int rc = s3_perform(b, &r, &x, err, errlen);
    close(fd);
    return rc;
}

/* GET of key into the sink x describes. */
static int get_object(s3_backend *b, const char *key, s3_xfer *x, char *err, size_t errlen)
{
    char url[URL_MAX + STORAGE_KEY_MAX + 2], what[STORAGE_KEY_MAX + 16];
    object_url(b, key, url, sizeof(url));
    snprintf(what, sizeof(what), "GET %s", key);
    s3_request r = { "GET", url, what, EMPTY_SHA256, NULL, -1, 0, 0 };
    return s3_perform(b, &r, x, err, errlen);
}

static int s3_get_file(void *vb, const char *key, const char *dst_path, size_t max_bytes, char *err,
                       size_t errlen)
{
    int fd = open(dst_path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) {
        snprintf(err, errlen, "S3 GET %s: cannot create the local copy: %s", key,
                 storage_strerror(errno));
        return IA_ERR_IO;
    }
    s3_xfer x;
    xfer_init(&x, max_bytes);
    x.out_fd = fd;
    int rc = get_object(vb, key, &x, err, errlen);
    if (close(fd) != 0 && rc == IA_OK) {
        snprintf(err, errlen, "S3 GET %s: cannot write the local copy: %s", key,
                 storage_strerror(errno));
        rc = IA_ERR_IO;
    }
    if (rc != IA_OK)
        unlink(dst_path);
    return rc;
}

static int s3_get(void *vb, arena *a, const char *key, size_t max_bytes, char **data, size_t *len,
                  char *err, size_t errlen)
{
    s3_xfer x;
    xfer_init(&x, max_bytes);
    x.a = a;
    int rc = get_object(vb, key, &x, err, errlen);
    if (rc != IA_OK)
        return rc;
    if (x.mem == NULL && !mem_reserve(&x, 1)) {
        snprintf(err, errlen, "S3 GET %s: out of memory", key);
        return IA_ERR_NOMEM;
    }
    x.mem[x.got] = '\0';
    *data = x.mem;
    *len = x.got;
    return IA_OK;
}

/* Runs r with its 2xx body read into memory, at most max bytes, in a fresh arena *a that the
 * caller destroys (also on failure). */
static int perform_to_memory(s3_backend *b, const s3_request *r, size_t max, arena **a, s3_xfer *x,
                             char *err, size_t errlen)
{
    xfer_init(x, max);
    *a = arena_create(2 * max + 65536);
    if (*a == NULL) {
        snprintf(err, errlen, "S3 %s: out of memory", r->what);
        return IA_ERR_NOMEM;
    }
    x->a = *a;
    return s3_perform(b, r, x, err, errlen);
}

/* CopyObject may answer 200 with an <Error> body: a copy succeeded only when its body holds no
 * error. */
static int s3_copy(void *vb, const char *src_key, const char *dst_key, char *err, size_t errlen)
{
    s3_backend *b = vb;
    char url[URL_MAX + STORAGE_KEY_MAX + 2], what[2 * STORAGE_KEY_MAX + 32];
    char source[sizeof(b->bucket) + STORAGE_KEY_MAX + 4];
    object_url(b, dst_key, url, sizeof(url));
    snprintf(what, sizeof(what), "COPY %s to %s", src_key, dst_key);
    snprintf(source, sizeof(source), "/%s/%s", b->bucket, src_key);
    s3_request r = { "PUT", url, what, EMPTY_SHA256, source, -1, 0, 0 };
    s3_xfer x;
    arena *a = NULL;
    int rc = perform_to_memory(b, &r, COPY_BODY_MAX, &a, &x, err, errlen);
    char code[64] = "", message[256] = "";
    if (rc == IA_OK && x.got > 0 &&
        xml_text(x.mem, x.got, "Code", code, sizeof(code), true) == IA_OK) {
        xml_text(x.mem, x.got, "Message", message, sizeof(message), true);
        snprintf(err, errlen, "S3 %s: %s%s%s", what, code, message[0] ? ": " : "", message);
        rc = strcmp(code, "NoSuchKey") == 0 ? IA_NOT_FOUND : IA_ERR_UNAVAILABLE;
    }
    arena_destroy(a);
    return rc;
}

static int s3_delete(void *vb, const char *key, char *err, size_t errlen)
{
    s3_backend *b = vb;
    char url[URL_MAX + STORAGE_KEY_MAX + 2], what[STORAGE_KEY_MAX + 16];
    object_url(b, key, url, sizeof(url));
    snprintf(what, sizeof(what), "DELETE %s", key);
    s3_request r = { "DELETE", url, what, EMPTY_SHA256, NULL, -1, 0, 0 };
    s3_xfer x;
    xfer_init(&x, SIZE_MAX);
    int rc = s3_perform(b, &r, &x, err, errlen);
    return rc == IA_NOT_FOUND ? IA_OK : rc; /* some S3-compatible servers answer NoSuchKey */
}

/* Parses "2026-03-02T10:15:30.123Z" into Unix milliseconds; -1 when malformed. */
static int64_t parse_time_ms(const char *s)
{
    int y, mo, d, h, mi, sec, used = 0;
    if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec, &used) != 6)
        return -1;
    const char *p = s + used;
    int ms = 0, digits = 0;
    if (*p == '.') {
        for (p++; *p >= '0' && *p <= '9'; p++)
            if (digits < 3) {
                ms = ms * 10 + (*p - '0');
                digits++;
            }
        for (; digits < 3; digits++)
            ms *= 10;
    }
    if (strcmp(p, "Z") != 0 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 ||
        sec > 60)
        return -1;
    struct tm tm = { 0 };
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = sec;
    time_t t = timegm(&tm);
    return t == (time_t)-1 ? -1 : (int64_t)t * 1000 + ms;
}

/* Percent-encodes s as SigV4 wants a query value: everything but A-Z a-z 0-9 - _ . ~. */
static void query_escape(const char *s, char *out, size_t outlen)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t o = 0;
    for (; *s && o + 4 < outlen; s++) {
        unsigned char c = (unsigned char)*s;
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '_' || c == '.' || c == '~') {
            out[o++] = (char)c;
        } else {
            out[o++] = '%';
            out[o++] = hex[c >> 4];
            out[o++] = hex[c & 15];
        }
    }
    out[o] = '\0';
}

/* Calls fn for each <Contents> of a ListObjectsV2 page whose key is valid and starts with
 * prefix; sets *truncated and the next continuation token. */
static int parse_list_page(const char *body, size_t len, const char *prefix, storage_list_fn fn,
                           void *ctx, bool *truncated, char *token, size_t tokenlen, char *err,
                           size_t errlen)
{
    static const char open[] = "<Contents>", close[] = "</Contents>";
    size_t plen = strlen(prefix);
    const char *p = body, *end = body + len;
    const char *c;
    while ((c = memmem(p, (size_t)(end - p), open, sizeof(open) - 1)) != NULL) {
        const char *e = memmem(c, (size_t)(end - c), close, sizeof(close) - 1);
        if (e == NULL) {
            snprintf(err, errlen, "S3 LIST: malformed response (an unclosed <Contents>)");
            return IA_ERR_UNAVAILABLE;
        }
        size_t blen = (size_t)(e - c);
        char key[STORAGE_KEY_MAX + 1], when[64];
        int krc = xml_text(c, blen, "Key", key, sizeof(key), false);
        if (krc == IA_NOT_FOUND ||
            xml_text(c, blen, "LastModified", when, sizeof(when), false) != IA_OK) {
            snprintf(err, errlen,
                     "S3 LIST: malformed response (an object without Key or "
                     "LastModified)");
            return IA_ERR_UNAVAILABLE;
        }
        p = e + sizeof(close) - 1;
        if (krc != IA_OK || strncmp(key, prefix, plen) != 0 || !storage_key_valid(key))
            continue; /* not one of ours */
        int64_t ms = parse_time_ms(when);
        if (ms < 0) {
            snprintf(err, errlen, "S3 LIST: malformed LastModified \"%s\"", when);
            return IA_ERR_UNAVAILABLE;
        }
        int rc = fn(key, ms, ctx);
        if (rc != IA_OK)
            return rc;
    }
    char flag[16] = "";
    xml_text(body, len, "IsTruncated", flag, sizeof(flag), true);
    *truncated = strcmp(flag, "true") == 0;
    token[0] = '\0';
    if (*truncated &&
        (xml_text(body, len, "NextContinuationToken", token, tokenlen, false) != IA_OK ||
         token[0] == '\0' || strchr(token, '&') != NULL)) {
        snprintf(err, errlen, "S3 LIST: a truncated page without a usable continuation token");
        return IA_ERR_UNAVAILABLE;
    }
    return IA_OK;
}

/* ListObjectsV2, page by page. The prefix sent to the server stops before its first '/': a
 * '/' in a query value must be signed as %2F, which AWS accepts but some S3-compatible servers
 * (moto among them) decode before checking the signature. The full prefix is applied to the
 * keys returned. */
static int s3_list(void *vb, const char *prefix, storage_list_fn fn, void *ctx, char *err,
                   size_t errlen)
{
    s3_backend *b = vb;
    char sent[STORAGE_KEY_MAX + 1];
    snprintf(sent, sizeof(sent), "%.*s", (int)strcspn(prefix, "/"), prefix);
    char token[TOKEN_MAX + 1] = "", escaped[3 * TOKEN_MAX + 1];
    char url[URL_MAX + 4 * TOKEN_MAX], what[STORAGE_KEY_MAX + 16];
    snprintf(what, sizeof(what), "LIST %s", prefix);
    for (;;) {
        query_escape(token, escaped, sizeof(escaped));
        snprintf(url, sizeof(url), "%s?%s%s%slist-type=2&max-keys=1000%s%s", b->bucket_url,
                 token[0] ? "continuation-token=" : "", escaped, token[0] ? "&" : "",
                 sent[0] ? "&prefix=" : "", sent);
        s3_request r = { "GET", url, what, EMPTY_SHA256, NULL, -1, 0, 0 };
        s3_xfer x;
        arena *a = NULL;
        int rc = perform_to_memory(b, &r, LIST_BODY_MAX, &a, &x, err, errlen);
        if (rc == IA_ERR_TOO_LARGE) {
            snprintf(err, errlen, "S3 %s: a page of the listing is larger than %u bytes", what,
                     LIST_BODY_MAX);
            rc = IA_ERR_UNAVAILABLE;
        }
        bool truncated = false;
        if (rc == IA_OK && x.got > 0)
            rc = parse_list_page(x.mem, x.got, prefix, fn, ctx, &truncated, token, sizeof(token),
                                 err, errlen);
        arena_destroy(a);
        if (rc != IA_OK || !truncated)
            return rc;
    }
}

/* Readiness: a signed ListObjectsV2 of at most one key answers 200. (A HEAD of the bucket
 * needs the same permission but has no body, so its failures carry no S3 error code.) */
static int s3_check(void *vb, char *err, size_t errlen)
{
    s3_backend *b = vb;
    char url[URL_MAX + 64], what[sizeof(b->bucket) + 16];
    snprintf(url, sizeof(url), "%s?list-type=2&max-keys=1", b->bucket_url);
    snprintf(what, sizeof(what), "bucket %s", b->bucket);
    long timeout = b->timeout_ms < CHECK_TIMEOUT_MS ? b->timeout_ms : CHECK_TIMEOUT_MS;
    s3_request r = { "GET", url, what, EMPTY_SHA256, NULL, -1, 0, timeout };
    s3_xfer x;
    xfer_init(&x, SIZE_MAX);
    int rc = s3_perform(b, &r, &x, err, errlen);
    return rc == IA_OK ? IA_OK : IA_ERR_UNAVAILABLE;
}

static void s3_close(void *vb)
{
    s3_backend *b = vb;
    if (b == NULL)
        return;
    for (int i = 0; i < b->n_idle; i++)
        curl_easy_cleanup(b->idle[i]);
    pthread_mutex_destroy(&b->pool_lock);
    sodium_memzero(b->secret, sizeof(b->secret));
    free(b);
    curl_global_cleanup();
}

static const storage_ops s3_ops = {
    "s3", s3_put_file, s3_get_file, s3_get, s3_copy, s3_delete, s3_list, s3_check, s3_close, NULL,
};

/* Builds the object and bucket URLs from the endpoint (the AWS one for the region when unset)
 * and the addressing style. */
static int build_urls(s3_backend *b, const ia_config *cfg, char *err, size_t errlen)
{
    char endpoint[URL_MAX - 128];
    if (cfg->s3_endpoint[0] != '\0')
        snprintf(endpoint, sizeof(endpoint), "%s", cfg->s3_endpoint);
    else
        snprintf(endpoint, sizeof(endpoint), "https://s3.%s.amazonaws.com", cfg->s3_region);
    const char *rest = strstr(endpoint, "://");
    if (rest == NULL || strlen(cfg->s3_endpoint) >= sizeof(endpoint)) {
        snprintf(err, errlen, "invalid setting S3_ENDPOINT: not a usable URL");
        return IA_ERR_INVALID;
    }
    rest += 3;
    if (cfg->s3_force_path_style) {
        snprintf(b->base, sizeof(b->base), "%s/%.63s", endpoint, cfg->s3_bucket);
        snprintf(b->bucket_url, sizeof(b->bucket_url), "%s", b->base);
    } else {
        snprintf(b->base, sizeof(b->base), "%.*s%.63s.%s", (int)(rest - endpoint), endpoint,
                 cfg->s3_bucket, rest);
        snprintf(b->bucket_url, sizeof(b->bucket_url), "%s/", b->base);
    }
    return IA_OK;
}

int storage_s3_open(const ia_config *cfg, const storage_ops **ops, void **out, char *err,
                    size_t errlen)
{
    *out = NULL;
    s3_backend *b = calloc(1, sizeof(*b));
    if (b == NULL) {
        snprintf(err, errlen, "out of memory");
        return IA_ERR_NOMEM;
    }
    if (strlen(cfg->s3_bucket) >= sizeof(b->bucket) ||
        strlen(cfg->s3_access_key_id) >= sizeof(b->key_id) ||
        strlen(cfg->s3_secret_access_key) >= sizeof(b->secret) || strlen(cfg->s3_region) > 32) {
        snprintf(err, errlen, "the S3 settings are too long");
        free(b);
        return IA_ERR_INVALID;
    }
    int rc = build_urls(b, cfg, err, errlen);
    if (rc != IA_OK) {
        free(b);
        return rc;
    }
    snprintf(b->bucket, sizeof(b->bucket), "%s", cfg->s3_bucket);
    snprintf(b->sigv4, sizeof(b->sigv4), "aws:amz:%s:s3", cfg->s3_region);
    snprintf(b->key_id, sizeof(b->key_id), "%s", cfg->s3_access_key_id);
    snprintf(b->secret, sizeof(b->secret), "%s", cfg->s3_secret_access_key);
    b->timeout_ms = (long)cfg->s3_timeout_ms;
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        snprintf(err, errlen, "cannot initialise libcurl");
        sodium_memzero(b->secret, sizeof(b->secret));
        free(b);
        return IA_ERR_INTERNAL;
    }
    pthread_mutex_init(&b->pool_lock, NULL);
    *ops = &s3_ops;
    *out = b;
    return IA_OK;
}
