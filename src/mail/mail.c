#include "mail/mail.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/curlx.h"
#include "core/errors.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "core/uuid.h"

#define FROM_NAME_MAX  200 /* bytes of the display name in SMTP_FROM */
#define URL_MAX        600
#define WORD_BYTES     42  /* bytes of subject per RFC 2047 word: keeps header lines <= 78 */
#define LINE_MAX_OCTET 998 /* RFC 5322 line limit, CRLF excluded */
#define QP_LINE_MAX    76  /* RFC 2045 quoted-printable line limit */

/* ---- validation ------------------------------------------------------------------------- */

/* Returns the length of the well-formed UTF-8 sequence at p (n bytes available), or 0 when
 * it is malformed: overlong, a surrogate, past U+10FFFF or cut short. */
static size_t utf8_seq_len(const unsigned char *p, size_t n)
{
    unsigned c = p[0];
    size_t len;
    unsigned cp;
    unsigned min;
    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf) {
        len = 2;
        cp = c & 0x1f;
        min = 0x80;
    } else if ((c & 0xf0) == 0xe0) {
        len = 3;
        cp = c & 0x0f;
        min = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
        len = 4;
        cp = c & 0x07;
        min = 0x10000;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((p[i] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (p[i] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return len;
}

/* Checks that s is well-formed UTF-8 of at most max bytes without control characters; a
 * multiline field may hold tab, CR and LF. Returns IA_OK, IA_ERR_TOO_LARGE or IA_ERR_INVALID. */
static int check_field(const char *s, size_t max, bool multiline)
{
    if (s == NULL)
        return IA_ERR_INVALID;
    size_t n = strnlen(s, max + 1);
    if (n > max)
        return IA_ERR_TOO_LARGE;
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; i < n;) {
        if (p[i] < 0x20 || p[i] == 0x7f) {
            if (!multiline || (p[i] != '\t' && p[i] != '\r' && p[i] != '\n'))
                return IA_ERR_INVALID;
        }
        size_t k = utf8_seq_len(p + i, n - i);
        if (k == 0)
            return IA_ERR_INVALID;
        i += k;
    }
    return IA_OK;
}

/* True when the n bytes at s are one plain address, local@domain: no spaces, controls or the
 * characters that would make it a display name, a group, a list or a route. */
static bool address_ok(const char *s, size_t n)
{
    if (n == 0)
        return false;
    const char *at = memrchr(s, '@', n);
    if (at == NULL || at == s || at == s + n - 1)
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c <= 0x20 || c == 0x7f || strchr("<>()[],;:\\\"", c) != NULL)
            return false;
    }
    const char *domain = at + 1;
    size_t dlen = (size_t)(s + n - domain);
    if (domain[0] == '.' || domain[dlen - 1] == '.' || memmem(domain, dlen, "..", 2) != NULL)
        return false;
    return true;
}

int mail_check(const mail_message *m)
{
    if (m == NULL || m->to == NULL || m->subject == NULL || m->text == NULL)
        return IA_ERR_INVALID;
    int rc = check_field(m->to, MAIL_TO_MAX, false);
    if (rc != IA_OK)
        return rc;
    if (!address_ok(m->to, strlen(m->to)))
        return IA_ERR_INVALID;
    rc = check_field(m->subject, MAIL_SUBJECT_MAX, false);
    if (rc != IA_OK)
        return rc;
    if (m->subject[0] == '\0')
        return IA_ERR_INVALID;
    return check_field(m->text, MAIL_TEXT_MAX, true);
}

/* Splits a sender ("Name <addr>", "\"Name\" <addr>" or "addr") into its display name (quotes
 * removed, backslash escapes undone, written to name) and its address (a pointer into from).
 * Returns IA_OK, IA_ERR_INVALID or IA_ERR_TOO_LARGE. */
static int split_from(const char *from, char name[FROM_NAME_MAX + 1], const char **addr,
                      size_t *addrlen)
{
    if (from == NULL)
        return IA_ERR_INVALID;
    int rc = check_field(from, FROM_NAME_MAX + MAIL_ADDR_MAX + 8, false);
    if (rc != IA_OK)
        return rc;
    name[0] = '\0';
    const char *lt = strchr(from, '<');
    const char *a = from;
    const char *end = from + strlen(from);
    if (lt != NULL) {
        const char *gt = strchr(lt, '>');
        if (gt == NULL || gt[1 + strspn(gt + 1, " \t")] != '\0')
            return IA_ERR_INVALID;
        a = lt + 1;
        end = gt;
        /* The display name: trimmed, unquoted. */
        const char *ns = from + strspn(from, " \t");
        const char *ne = lt;
        while (ne > ns && (ne[-1] == ' ' || ne[-1] == '\t'))
            ne--;
        if (ne - ns >= 2 && ns[0] == '"' && ne[-1] == '"') {
            ns++;
            ne--;
        }
        size_t k = 0;
        for (const char *p = ns; p < ne; p++) {
            if (*p == '\\' && p + 1 < ne)
                p++;
            if (k >= FROM_NAME_MAX)
                return IA_ERR_TOO_LARGE;
            name[k++] = *p;
        }
        name[k] = '\0';
    } else {
        a += strspn(a, " \t");
        while (end > a && (end[-1] == ' ' || end[-1] == '\t'))
            end--;
    }
    size_t n = (size_t)(end - a);
    if (!address_ok(a, n))
        return IA_ERR_INVALID;
    if (n >= MAIL_ADDR_MAX)
        return IA_ERR_TOO_LARGE;
    *addr = a;
    *addrlen = n;
    return IA_OK;
}

int mail_from_address(const char *from, char *out, size_t outlen)
{
    char name[FROM_NAME_MAX + 1];
    const char *a = NULL;
    size_t n = 0;
    int rc = split_from(from, name, &a, &n);
    if (rc != IA_OK)
        return rc;
    if (n >= outlen)
        return IA_ERR_TOO_LARGE;
    memcpy(out, a, n);
    out[n] = '\0';
    return IA_OK;
}

/* ---- rendering -------------------------------------------------------------------------- */

/* A fixed buffer that is always NUL-terminated; the first append that does not fit sets err
 * and every later one is ignored, so a renderer can check once at the end. */
typedef struct {
    char *p;
    size_t len;
    size_t cap;
    int err;
} outbuf;

static void ob_put(outbuf *o, const char *s, size_t n)
{
    if (o->err != IA_OK)
        return;
    if (n >= o->cap - o->len) {
        o->err = IA_ERR_TOO_LARGE;
        return;
    }
    memcpy(o->p + o->len, s, n);
    o->len += n;
    o->p[o->len] = '\0';
}

static void ob_puts(outbuf *o, const char *s)
{
    ob_put(o, s, strlen(s));
}

__attribute__((format(printf, 2, 3))) static void ob_putf(outbuf *o, const char *fmt, ...)
{
    if (o->err != IA_OK)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(o->p + o->len, o->cap - o->len, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= o->cap - o->len) {
        o->p[o->len] = '\0';
        o->err = IA_ERR_TOO_LARGE;
        return;
    }
    o->len += (size_t)n;
}

static bool is_ascii(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p >= 0x80)
            return false;
    return true;
}

/* Appends UTF-8 text as RFC 2047 "B" encoded words of whole characters, folded with CRLF SP,
 * so that no header line grows past 78 characters. */
static void put_encoded_words(outbuf *o, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n = strlen(s);
    size_t i = 0;
    while (i < n) {
        size_t chunk = 0;
        while (i + chunk < n) {
            size_t k = utf8_seq_len(p + i + chunk, n - i - chunk);
            if (k == 0)
                k = 1; /* not reached: the text was checked */
            if (chunk + k > WORD_BYTES)
                break;
            chunk += k;
        }
        char b64[sodium_base64_ENCODED_LEN(WORD_BYTES, sodium_base64_VARIANT_ORIGINAL)];
        sodium_bin2base64(b64, sizeof(b64), p + i, chunk, sodium_base64_VARIANT_ORIGINAL);
        if (i > 0)
            ob_puts(o, "\r\n ");
        ob_puts(o, "=?UTF-8?B?");
        ob_puts(o, b64);
        ob_puts(o, "?=");
        i += chunk;
    }
}

/* True when every byte of a display name is RFC 5322 atext or a space, so that it can be
 * written as it is. */
static bool name_is_atoms(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (!(*p == ' ' || (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
              (*p >= '0' && *p <= '9') || strchr("!#$%&'*+-/=?^_`{|}~", *p) != NULL))
            return false;
    return true;
}

/* Appends the From header: the display name as atoms, a quoted string or encoded words. */
static void put_from(outbuf *o, const char *name, const char *addr, size_t addrlen)
{
    ob_puts(o, "From: ");
    if (name[0] != '\0') {
        if (!is_ascii(name)) {
            put_encoded_words(o, name);
        } else if (name_is_atoms(name)) {
            ob_puts(o, name);
        } else {
            ob_put(o, "\"", 1);
            for (const char *p = name; *p; p++) {
                if (*p == '"' || *p == '\\')
                    ob_put(o, "\\", 1);
                ob_put(o, p, 1);
            }
            ob_put(o, "\"", 1);
        }
        ob_puts(o, " ");
    }
    ob_puts(o, "<");
    ob_put(o, addr, addrlen);
    ob_puts(o, ">\r\n");
}

/* Appends the Date header for now_ms in the fixed English form of RFC 5322, in UTC. */
static void put_date(outbuf *o, int64_t now_ms)
{
    static const char days[7][4] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
    static const char months[12][4] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
    time_t secs = (time_t)(now_ms / 1000);
    struct tm tm;
    if (gmtime_r(&secs, &tm) == NULL) {
        o->err = IA_ERR_INVALID;
        return;
    }
    ob_putf(o, "Date: %s, %02d %s %04d %02d:%02d:%02d +0000\r\n", days[tm.tm_wday], tm.tm_mday,
            months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* True when the text can travel as 7bit: ASCII only and no line longer than 998 octets. */
static bool text_is_7bit(const char *s)
{
    size_t line = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p >= 0x80)
            return false;
        if (*p == '\r' || *p == '\n')
            line = 0;
        else if (++line > LINE_MAX_OCTET)
            return false;
    }
    return true;
}

/* Appends the text as it is, every line end (LF, CR or CRLF) made CRLF, ending in CRLF. */
static void put_body_7bit(outbuf *o, const char *s)
{
    const char *p = s;
    while (*p) {
        size_t run = strcspn(p, "\r\n");
        ob_put(o, p, run);
        p += run;
        if (*p == '\0')
            break;
        ob_put(o, "\r\n", 2);
        p += (p[0] == '\r' && p[1] == '\n') ? 2 : 1;
    }
    if (p > s && p[-1] != '\n' && p[-1] != '\r')
        ob_put(o, "\r\n", 2);
}

/* Appends the text quoted-printable (RFC 2045): line ends become CRLF, long lines get soft
 * breaks so that no line passes 76 characters, and a space or tab before a line end is
 * encoded. */
static void put_body_qp(outbuf *o, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    const unsigned char *p = (const unsigned char *)s;
    size_t col = 0;
    while (*p) {
        if (*p == '\r' || *p == '\n') {
            ob_put(o, "\r\n", 2);
            col = 0;
            p += (p[0] == '\r' && p[1] == '\n') ? 2 : 1;
            continue;
        }
        bool eol = p[1] == '\0' || p[1] == '\r' || p[1] == '\n';
        char tok[3];
        size_t n;
        if ((*p >= 33 && *p <= 126 && *p != '=') || ((*p == ' ' || *p == '\t') && !eol)) {
            tok[0] = (char)*p;
            n = 1;
        } else {
            tok[0] = '=';
            tok[1] = hex[*p >> 4];
            tok[2] = hex[*p & 0x0f];
            n = 3;
        }
        /* A soft break is an '=' of its own, so a line that goes on may use one column less. */
        if (col + n > (eol ? QP_LINE_MAX : QP_LINE_MAX - 1)) {
            ob_put(o, "=\r\n", 3);
            col = 0;
        }
        ob_put(o, tok, n);
        col += n;
        p++;
    }
    if ((const char *)p > s && p[-1] != '\n' && p[-1] != '\r')
        ob_put(o, "\r\n", 2);
}

/* Renders m as sent by the sender from (SMTP_FROM); see mail_render(). */
static int render(const char *from, const mail_message *m, char *out, size_t outlen, int64_t now_ms)
{
    if (out == NULL || outlen == 0)
        return IA_ERR_TOO_LARGE;
    out[0] = '\0';
    int rc = mail_check(m);
    if (rc != IA_OK)
        return rc;
    char name[FROM_NAME_MAX + 1];
    const char *addr = NULL;
    size_t addrlen = 0;
    rc = split_from(from, name, &addr, &addrlen);
    if (rc != IA_OK)
        return rc;
    const char *domain = (const char *)memrchr(addr, '@', addrlen) + 1;
    int dlen = (int)(addr + addrlen - domain);
    char id[IA_UUID_LEN];
    ia_uuid_v7(now_ms, id);
    bool seven = text_is_7bit(m->text);

    outbuf o = { out, 0, outlen, IA_OK };
    put_date(&o, now_ms);
    put_from(&o, name, addr, addrlen);
    ob_putf(&o, "To: <%s>\r\n", m->to);
    ob_puts(&o, "Subject: ");
    if (is_ascii(m->subject))
        ob_puts(&o, m->subject);
    else
        put_encoded_words(&o, m->subject);
    ob_puts(&o, "\r\n");
    ob_putf(&o, "Message-ID: <%s@%.*s>\r\n", id, dlen, domain);
    ob_puts(&o,
            "Auto-Submitted: auto-generated\r\n"
            "MIME-Version: 1.0\r\n"
            "Content-Type: text/plain; charset=utf-8\r\n");
    ob_puts(&o, seven ? "Content-Transfer-Encoding: 7bit\r\n\r\n"
                      : "Content-Transfer-Encoding: quoted-printable\r\n\r\n");
    if (seven)
        put_body_7bit(&o, m->text);
    else
        put_body_qp(&o, m->text);
    if (o.err != IA_OK) {
        sodium_memzero(out, outlen);
        out[0] = '\0';
    }
    return o.err;
}

int mail_render(const ia_config *cfg, const mail_message *m, char *out, size_t outlen,
                int64_t now_ms)
{
    if (cfg == NULL)
        return IA_ERR_INVALID;
    return render(cfg->smtp_from, m, out, outlen, now_ms);
}

bool mail_enabled(const ia_config *cfg)
{
    return cfg != NULL && cfg->smtp_host != NULL && cfg->smtp_host[0] != '\0';
}

/* ---- the outbox ------------------------------------------------------------------------- */

/* One queued message; the strings live in the same allocation, after the struct. */
typedef struct {
    char *to;
    char *subject;
    char *text;
    size_t size;
} mail_item;

static struct {
    pthread_mutex_t lock;
    pthread_cond_t cond; /* CLOCK_MONOTONIC; signalled on enqueue and on stop */
    pthread_t thread;
    bool started;   /* the thread exists */
    bool accepting; /* mail_send_async queues */
    bool stopping;
    int64_t deadline_ms; /* monotonic; meaningful while stopping */
    mail_item *ring[MAIL_QUEUE_MAX];
    size_t head;
    size_t count;
    long long sent, failed, dropped, logged;
    /* settings, copied at start */
    bool smtp;
    bool curl_ready;
    char url[URL_MAX];
    char mail_from[MAIL_ADDR_MAX + 2]; /* "<addr>" */
    char *from;
    char *user;
    char *password;
    char *outbox_dir; /* DATA_DIR/outbox: where messages go without SMTP */
    long long tls;
    long long timeout_ms;
} g_out = { .lock = PTHREAD_MUTEX_INITIALIZER };

/* Monotonic time after which a send in progress is aborted (set by mail_stop). */
static _Atomic int64_t g_abort_at = INT64_MAX;

/* Frees an item, wiping it first: the text may hold a single-use token. */
static void item_free(mail_item *it)
{
    if (it == NULL)
        return;
    sodium_memzero(it, it->size);
    free(it);
}

/* Copies m into one allocation; NULL when memory is short. */
static mail_item *item_new(const mail_message *m)
{
    size_t lt = strlen(m->to) + 1;
    size_t ls = strlen(m->subject) + 1;
    size_t lx = strlen(m->text) + 1;
    size_t size = sizeof(mail_item) + lt + ls + lx;
    mail_item *it = malloc(size);
    if (it == NULL)
        return NULL;
    char *p = (char *)(it + 1);
    it->to = memcpy(p, m->to, lt);
    it->subject = memcpy(p + lt, m->subject, ls);
    it->text = memcpy(p + lt + ls, m->text, lx);
    it->size = size;
    return it;
}

static void free_settings(void)
{
    if (g_out.password != NULL)
        sodium_memzero(g_out.password, strlen(g_out.password));
    free(g_out.password);
    free(g_out.user);
    free(g_out.from);
    free(g_out.outbox_dir);
    g_out.outbox_dir = NULL;
    g_out.password = NULL;
    g_out.user = NULL;
    g_out.from = NULL;
}

/* Converts a monotonic time in milliseconds into a timespec for pthread_cond_timedwait. */
static struct timespec mono_timespec(int64_t ms)
{
    struct timespec ts;
    ts.tv_sec = (time_t)(ms / 1000);
    ts.tv_nsec = (long)(ms % 1000) * 1000000L;
    return ts;
}

/* Waits ms milliseconds, less when mail_stop's deadline comes first. Returns false when that
 * deadline has passed, so the caller gives up. */
static bool outbox_pause(int64_t ms)
{
    int64_t until = ia_mono_ms() + ms;
    bool ok = true;
    pthread_mutex_lock(&g_out.lock);
    for (;;) {
        int64_t now = ia_mono_ms();
        if (g_out.stopping && now >= g_out.deadline_ms) {
            ok = false;
            break;
        }
        if (now >= until)
            break;
        int64_t end = until;
        if (g_out.stopping && g_out.deadline_ms < end)
            end = g_out.deadline_ms;
        struct timespec ts = mono_timespec(end);
        pthread_cond_timedwait(&g_out.cond, &g_out.lock, &ts);
    }
    pthread_mutex_unlock(&g_out.lock);
    return ok;
}

typedef struct {
    const char *data;
    size_t len;
    size_t pos;
} upload;

/* libcurl's read callback: hands over the next part of the rendered message. */
static size_t upload_read(char *dst, size_t size, size_t nmemb, void *userdata)
{
    upload *u = userdata;
    size_t room = size * nmemb;
    size_t n = u->len - u->pos;
    if (n > room)
        n = room;
    memcpy(dst, u->data + u->pos, n);
    u->pos += n;
    return n;
}

/* libcurl's progress callback: aborts the transfer once mail_stop's deadline has passed. */
static int upload_progress(void *clientp, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
                           curl_off_t ulnow)
{
    (void)clientp;
    (void)dltotal;
    (void)dlnow;
    (void)ultotal;
    (void)ulnow;
    return ia_mono_ms() >= atomic_load(&g_abort_at) ? 1 : 0;
}

/* True when sending again cannot help: the server refused for good (5xx), TLS or the login
 * was refused, or mail_stop aborted the transfer. */
static bool send_is_permanent(CURLcode cc, long smtp_code)
{
    switch (cc) {
    case CURLE_USE_SSL_FAILED:
    case CURLE_LOGIN_DENIED:
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_ABORTED_BY_CALLBACK:
        return true;
    default:
        return smtp_code >= 500 && smtp_code <= 599;
    }
}

/* Sends one rendered message to one recipient over a fresh SMTP connection. Returns IA_OK or
 * IA_ERR_UNAVAILABLE with a readable reason in err and *permanent set when retrying is
 * useless. */
static int smtp_send(const char *to, const char *data, char *err, size_t errlen, bool *permanent)
{
    *permanent = false;
    char rcpt_addr[MAIL_TO_MAX + 3];
    snprintf(rcpt_addr, sizeof(rcpt_addr), "<%s>", to);
    char cerr[CURL_ERROR_SIZE];
    cerr[0] = '\0';
    upload u = { data, strlen(data), 0 };
    struct curl_slist *rcpt = curl_slist_append(NULL, rcpt_addr);
    CURL *c = curl_easy_init();
    if (rcpt == NULL || c == NULL) {
        snprintf(err, errlen, "out of memory");
        curl_slist_free_all(rcpt);
        curl_easy_cleanup(c);
        return IA_ERR_NOMEM;
    }
    long use_ssl = CURLUSESSL_NONE;
    if (g_out.tls == SMTP_TLS_STARTTLS)
        use_ssl = CURLUSESSL_TRY;
    else if (g_out.tls == SMTP_TLS_REQUIRED || g_out.tls == SMTP_TLS_IMPLICIT)
        use_ssl = CURLUSESSL_ALL;

    curlx_opts o;
    curlx_init(&o, c);
#define SET(opt, val) CURLX_SET(&o, opt, val)
    SET(CURLOPT_URL, g_out.url);
    SET(CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    SET(CURLOPT_MAIL_FROM, g_out.mail_from);
    SET(CURLOPT_MAIL_RCPT, rcpt);
    SET(CURLOPT_UPLOAD, 1L);
    SET(CURLOPT_READFUNCTION, upload_read);
    SET(CURLOPT_READDATA, &u);
    SET(CURLOPT_INFILESIZE_LARGE, (curl_off_t)u.len);
    SET(CURLOPT_USE_SSL, use_ssl);
    SET(CURLOPT_TIMEOUT_MS, (long)g_out.timeout_ms);
    SET(CURLOPT_CONNECTTIMEOUT_MS, (long)g_out.timeout_ms);
    SET(CURLOPT_NOSIGNAL, 1L);
    SET(CURLOPT_ERRORBUFFER, cerr);
    SET(CURLOPT_NOPROGRESS, 0L);
    SET(CURLOPT_XFERINFOFUNCTION, upload_progress);
    if (g_out.user != NULL) {
        SET(CURLOPT_USERNAME, g_out.user);
        SET(CURLOPT_PASSWORD, g_out.password != NULL ? g_out.password : "");
    }
#undef SET
    CURLcode cc = o.rc;
    long code = 0;
    if (cc == CURLE_OK)
        cc = curl_easy_perform(c);
    if (cc != CURLE_OK) {
        if (curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code) != CURLE_OK)
            code = 0;
        snprintf(err, errlen, "%s%s%s (last SMTP reply %ld)", curl_easy_strerror(cc),
                 cerr[0] != '\0' ? ": " : "", cerr, code);
        *permanent = send_is_permanent(cc, code);
    }
    curl_slist_free_all(rcpt);
    curl_easy_cleanup(c);
    return cc == CURLE_OK ? IA_OK : IA_ERR_UNAVAILABLE;
}

/* Without SMTP: writes the rendered message to DATA_DIR/outbox/<time>-<n>.eml (mode 0600, under
 * a temporary name first, so a reader never sees half a file) and logs that it did, without
 * the text: the text holds a live single-use link. buf (MAIL_RENDER_MAX bytes, may be NULL)
 * receives the rendered message. */
static void outbox_write(const mail_message *m, char *buf)
{
    static _Atomic unsigned long long seq;
    const char *why = "out of memory";
    char tmp[PATH_MAX], path[PATH_MAX];
    tmp[0] = '\0';
    path[0] = '\0';
    int fd = -1;
    bool ok = false;
    if (buf == NULL || g_out.outbox_dir == NULL)
        goto out;
    why = "cannot render the message";
    if (render(g_out.from, m, buf, MAIL_RENDER_MAX, ia_now_ms()) != IA_OK)
        goto out;
    why = "cannot create the outbox directory";
    if (mkdir(g_out.outbox_dir, 0700) != 0 && errno != EEXIST)
        goto out;
    unsigned long long n = atomic_fetch_add(&seq, 1);
    long long now = (long long)ia_now_ms();
    int w1 = snprintf(tmp, sizeof(tmp), "%s/.%lld-%06llu.eml.tmp", g_out.outbox_dir, now, n);
    int w2 = snprintf(path, sizeof(path), "%s/%lld-%06llu.eml", g_out.outbox_dir, now, n);
    why = "outbox path too long";
    if (w1 < 0 || (size_t)w1 >= sizeof(tmp) || w2 < 0 || (size_t)w2 >= sizeof(path))
        goto out;
    why = "cannot write the outbox file";
    fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0)
        goto out;
    size_t len = strlen(buf), done = 0;
    while (done < len) {
        ssize_t k = write(fd, buf + done, len - done);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            goto out;
        done += (size_t)k;
    }
    if (fsync(fd) != 0 || close(fd) != 0) {
        fd = -1;
        goto out;
    }
    fd = -1;
    if (rename(tmp, path) != 0)
        goto out;
    ok = true;
out:
    if (fd >= 0)
        close(fd);
    if (buf != NULL)
        sodium_memzero(buf, MAIL_RENDER_MAX);
    if (ok) {
        log_info("mail", "mail not sent (no SMTP_HOST); written to the outbox", "to", m->to,
                 "subject", m->subject, "file", path);
    } else {
        if (fd < 0 && tmp[0] != '\0')
            unlink(tmp);
        log_error("mail", "mail not sent (no SMTP_HOST) and not written to the outbox", "to", m->to,
                  "subject", m->subject, "error", why, "errno", strerror(errno));
    }
}

/* Delivers one message: to the log without SMTP, else rendered and sent with retries. Counts
 * the outcome. buf (MAIL_RENDER_MAX bytes, may be NULL) holds the rendered message. */
static void deliver(const mail_item *it, char *buf)
{
    const mail_message m = { it->to, it->subject, it->text };
    if (!g_out.smtp) {
        outbox_write(&m, buf);
        pthread_mutex_lock(&g_out.lock);
        g_out.logged++;
        pthread_mutex_unlock(&g_out.lock);
        return;
    }
    char err[CURL_ERROR_SIZE + 128];
    snprintf(err, sizeof(err), "out of memory");
    int rc = buf != NULL ? render(g_out.from, &m, buf, MAIL_RENDER_MAX, ia_now_ms()) : IA_ERR_NOMEM;
    if (rc != IA_OK && buf != NULL)
        snprintf(err, sizeof(err), "cannot render the message: %s", ia_strerror(rc));
    int attempt = 0;
    while (rc == IA_OK) {
        attempt++;
        bool permanent = false;
        if (smtp_send(it->to, buf, err, sizeof(err), &permanent) == IA_OK) {
            char n[16];
            snprintf(n, sizeof(n), "%d", attempt);
            log_info("mail", "mail sent", "to", it->to, "subject", it->subject, "attempts", n);
            break;
        }
        if (permanent || attempt >= MAIL_ATTEMPTS) {
            rc = IA_ERR_UNAVAILABLE;
            break;
        }
        log_warn("mail", "mail send failed; retrying", "to", it->to, "subject", it->subject,
                 "error", err);
        if (!outbox_pause((int64_t)MAIL_BACKOFF_MS << (attempt - 1))) {
            rc = IA_ERR_TIMEOUT;
            break;
        }
    }
    if (rc != IA_OK) {
        char n[16];
        snprintf(n, sizeof(n), "%d", attempt);
        log_error("mail", "mail not sent", "to", it->to, "subject", it->subject, "error", err,
                  "attempts", n);
    }
    if (buf != NULL)
        sodium_memzero(buf, MAIL_RENDER_MAX);
    pthread_mutex_lock(&g_out.lock);
    if (rc == IA_OK)
        g_out.sent++;
    else
        g_out.failed++;
    pthread_mutex_unlock(&g_out.lock);
}

/* The outbox thread: sends queued messages in order until mail_stop, then keeps sending until
 * the queue is empty or the stop deadline passes, and drops what is left. */
static void *outbox_main(void *arg)
{
    (void)arg;
    char *buf = malloc(MAIL_RENDER_MAX);
    pthread_mutex_lock(&g_out.lock);
    for (;;) {
        while (g_out.count == 0 && !g_out.stopping)
            pthread_cond_wait(&g_out.cond, &g_out.lock);
        if (g_out.count == 0)
            break;
        if (g_out.stopping && ia_mono_ms() >= g_out.deadline_ms)
            break;
        mail_item *it = g_out.ring[g_out.head];
        g_out.ring[g_out.head] = NULL;
        g_out.head = (g_out.head + 1) % MAIL_QUEUE_MAX;
        g_out.count--;
        pthread_mutex_unlock(&g_out.lock);
        deliver(it, buf);
        item_free(it);
        pthread_mutex_lock(&g_out.lock);
    }
    while (g_out.count > 0) {
        mail_item *it = g_out.ring[g_out.head];
        g_out.ring[g_out.head] = NULL;
        g_out.head = (g_out.head + 1) % MAIL_QUEUE_MAX;
        g_out.count--;
        g_out.dropped++;
        log_error("mail", "mail not sent: dropped at shutdown", "to", it->to, "subject",
                  it->subject);
        item_free(it);
    }
    pthread_mutex_unlock(&g_out.lock);
    free(buf);
    return NULL;
}

/* Builds smtp[s]://host:port into g_out.url, bracketing an IPv6 literal. Returns IA_OK, or
 * IA_ERR_INVALID when the host holds characters that have no place in a host name. */
static int build_url(const ia_config *cfg)
{
    const char *h = cfg->smtp_host;
    size_t n = strlen(h);
    bool bracketed = n >= 2 && h[0] == '[' && h[n - 1] == ']';
    const char *inner = bracketed ? h + 1 : h;
    size_t ilen = bracketed ? n - 2 : n;
    if (ilen == 0)
        return IA_ERR_INVALID;
    bool colon = false;
    for (size_t i = 0; i < ilen; i++) {
        char c = inner[i];
        if (c == ':')
            colon = true;
        else if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                   c == '.' || c == '-' || c == '_'))
            return IA_ERR_INVALID;
    }
    const char *scheme = cfg->smtp_tls == SMTP_TLS_IMPLICIT ? "smtps" : "smtp";
    int w = snprintf(g_out.url, sizeof(g_out.url), "%s://%s%.*s%s:%lld", scheme, colon ? "[" : "",
                     (int)ilen, inner, colon ? "]" : "", cfg->smtp_port);
    if (w < 0 || (size_t)w >= sizeof(g_out.url))
        return IA_ERR_INVALID;
    return IA_OK;
}

static const char *tls_name(long long tls)
{
    static const char *const names[] = { "starttls", "required", "tls", "none" };
    return tls >= 0 && tls <= 3 ? names[tls] : "?";
}

int mail_start(const ia_config *cfg)
{
    if (cfg == NULL)
        return IA_ERR_INVALID;
    char addr[MAIL_ADDR_MAX];
    if (mail_from_address(cfg->smtp_from, addr, sizeof(addr)) != IA_OK) {
        log_error("mail", "SMTP_FROM has no usable sender address", "value", cfg->smtp_from,
                  "expected", "a sender such as InterviewAce <no-reply@example.com>");
        return IA_ERR_INVALID;
    }
    pthread_mutex_lock(&g_out.lock);
    if (g_out.started) {
        pthread_mutex_unlock(&g_out.lock);
        return IA_ERR_CONFLICT;
    }
    int rc = IA_ERR_NOMEM;
    bool cond_ready = false;
    g_out.smtp = mail_enabled(cfg);
    g_out.url[0] = '\0';
    if (!g_out.smtp) {
        char dir[PATH_MAX];
        int w = snprintf(dir, sizeof(dir), "%s/outbox", cfg->data_dir ? cfg->data_dir : ".");
        if (w < 0 || (size_t)w >= sizeof(dir)) {
            log_error("mail", "DATA_DIR is too long for the mail outbox");
            rc = IA_ERR_INVALID;
            goto out;
        }
        g_out.outbox_dir = strdup(dir);
        if (g_out.outbox_dir == NULL)
            goto out;
    }
    snprintf(g_out.mail_from, sizeof(g_out.mail_from), "<%s>", addr);
    g_out.tls = cfg->smtp_tls;
    g_out.timeout_ms = cfg->smtp_timeout_ms;
    g_out.from = strdup(cfg->smtp_from);
    if (g_out.from == NULL)
        goto out;
    if (cfg->smtp_user != NULL && cfg->smtp_user[0] != '\0') {
        g_out.user = strdup(cfg->smtp_user);
        g_out.password = strdup(cfg->smtp_password != NULL ? cfg->smtp_password : "");
        if (g_out.user == NULL || g_out.password == NULL)
            goto out;
    }
    if (g_out.smtp) {
        rc = build_url(cfg);
        if (rc != IA_OK) {
            log_error("mail", "SMTP_HOST is not a host name or address", "expected",
                      "a host such as smtp.example.com, 192.0.2.1 or [2001:db8::1]");
            goto out;
        }
        rc = IA_ERR_INTERNAL;
        if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
            goto out;
        g_out.curl_ready = true;
    }
    pthread_condattr_t ca;
    rc = IA_ERR_INTERNAL;
    if (pthread_condattr_init(&ca) != 0)
        goto out;
    int e = pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    if (e == 0)
        e = pthread_cond_init(&g_out.cond, &ca);
    pthread_condattr_destroy(&ca);
    if (e != 0)
        goto out;
    cond_ready = true;
    g_out.head = 0;
    g_out.count = 0;
    g_out.sent = g_out.failed = g_out.dropped = g_out.logged = 0;
    g_out.stopping = false;
    atomic_store(&g_abort_at, INT64_MAX);
    if (pthread_create(&g_out.thread, NULL, outbox_main, NULL) != 0)
        goto out;
    (void)pthread_setname_np(g_out.thread, "ia-mail"); /* cosmetic: a name in top and gdb */
    g_out.started = true;
    g_out.accepting = true;
    rc = IA_OK;
out:
    if (rc != IA_OK) {
        if (cond_ready)
            pthread_cond_destroy(&g_out.cond);
        if (g_out.curl_ready)
            curl_global_cleanup();
        g_out.curl_ready = false;
        free_settings();
    }
    pthread_mutex_unlock(&g_out.lock);
    if (rc == IA_OK)
        log_info("mail", "mail outbox started", "mode", g_out.smtp ? "smtp" : "log", "server",
                 g_out.smtp ? g_out.url : NULL, "tls", g_out.smtp ? tls_name(g_out.tls) : NULL);
    return rc;
}

void mail_stop(int64_t timeout_ms)
{
    pthread_mutex_lock(&g_out.lock);
    if (!g_out.started || g_out.stopping) {
        pthread_mutex_unlock(&g_out.lock);
        return;
    }
    g_out.accepting = false;
    g_out.stopping = true;
    g_out.deadline_ms = ia_mono_ms() + (timeout_ms > 0 ? timeout_ms : 0);
    atomic_store(&g_abort_at, g_out.deadline_ms);
    pthread_cond_broadcast(&g_out.cond);
    pthread_mutex_unlock(&g_out.lock);

    pthread_join(g_out.thread, NULL);

    pthread_mutex_lock(&g_out.lock);
    g_out.started = false;
    g_out.stopping = false;
    pthread_cond_destroy(&g_out.cond);
    if (g_out.curl_ready)
        curl_global_cleanup();
    g_out.curl_ready = false;
    free_settings();
    log_field f[] = { LOG_NUM("dropped", g_out.dropped), LOG_NUM("sent", g_out.sent),
                      LOG_NUM("failed", g_out.failed), LOG_NUM("logged", g_out.logged) };
    pthread_mutex_unlock(&g_out.lock);
    atomic_store(&g_abort_at, INT64_MAX);
    log_emit(f[0].num > 0 ? LOG_WARN : LOG_INFO, "mail", "mail outbox stopped", f, 4);
}

int mail_send_async(const mail_message *m)
{
    int rc = mail_check(m);
    if (rc != IA_OK)
        return rc;
    mail_item *it = item_new(m);
    if (it == NULL)
        return IA_ERR_NOMEM;
    pthread_mutex_lock(&g_out.lock);
    if (!g_out.accepting || g_out.count == MAIL_QUEUE_MAX) {
        bool full = g_out.accepting;
        pthread_mutex_unlock(&g_out.lock);
        if (full)
            log_warn("mail", "mail queue full; message refused", "to", m->to, "subject",
                     m->subject);
        item_free(it);
        return IA_ERR_UNAVAILABLE;
    }
    g_out.ring[(g_out.head + g_out.count) % MAIL_QUEUE_MAX] = it;
    g_out.count++;
    pthread_cond_signal(&g_out.cond);
    pthread_mutex_unlock(&g_out.lock);
    return IA_OK;
}
