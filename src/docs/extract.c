/* Text extraction, the calling side: the content check of uploads, TXT read in-process, and
 * the start, supervision and reaping of the sandboxed child that parses PDF and DOCX
 * (sandbox.c). See extract.h for the design and the outcomes. */
#include "docs/extract.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <zip.h>

#include "core/errors.h"
#include "core/timeutil.h"
#include "core/util.h"

#define SNIFF_CHUNK (16 * 1024)
#define STDERR_TAIL 1024
#define ENV_MAX     1024 /* bytes of one variable passed on to the child */
#define NO_TEXT     "No extractable text: the document is empty"

enum doc_type { DOC_UNKNOWN, DOC_PDF, DOC_DOCX, DOC_TXT, DOC_TEST };

/* The variables the child may see: the test switch and the sanitizers' options. Everything
 * else (SECRET_KEY, DATABASE_URL, ...) stays out of the process that parses hostile input. */
static const char *const child_env_names[] = { "IA_EXTRACT_TEST_MODES", "ASAN_OPTIONS",
                                               "UBSAN_OPTIONS", "LSAN_OPTIONS" };
#define CHILD_ENV_N (COUNT(child_env_names))

void extract_limits_default(extract_limits *lim)
{
    lim->cpu_seconds = EXTRACT_CPU_SECONDS_DEFAULT;
    lim->memory_bytes = EXTRACT_MEMORY_DEFAULT;
    lim->timeout_ms = EXTRACT_TIMEOUT_MS_DEFAULT;
    lim->max_text_bytes = EXTRACT_TEXT_MAX_DEFAULT;
    lim->exe_path = NULL;
}

void extract_limits_from_config(const ia_config *cfg, extract_limits *lim)
{
    extract_limits_default(lim);
    lim->cpu_seconds = cfg->extract_cpu_seconds;
    lim->memory_bytes = cfg->extract_memory_bytes;
    lim->timeout_ms = cfg->extract_timeout_ms;
}

static bool test_modes_enabled(void)
{
    const char *v = getenv("IA_EXTRACT_TEST_MODES");
    return v != NULL && strcmp(v, "1") == 0;
}

static enum doc_type doc_type_of(const char *ext)
{
    if (ext == NULL)
        return DOC_UNKNOWN;
    if (strcasecmp(ext, ".pdf") == 0)
        return DOC_PDF;
    if (strcasecmp(ext, ".docx") == 0)
        return DOC_DOCX;
    if (strcasecmp(ext, ".txt") == 0)
        return DOC_TXT;
    if (strncmp(ext, "test:", 5) == 0 && test_modes_enabled())
        return DOC_TEST;
    return DOC_UNKNOWN;
}

/* Checks s[0..n) as UTF-8 without NUL, overlong forms, surrogates or code points past
 * U+10FFFF. Returns -1 at the first invalid byte, else the length of the complete sequences:
 * a sequence cut by the end of the buffer is left for the caller's next chunk. */
static ssize_t utf8_prefix(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned char c = s[i];
        if (c == 0)
            return -1;
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t need;
        unsigned char lo = 0x80, hi = 0xBF;
        if (c >= 0xC2 && c <= 0xDF) {
            need = 1;
        } else if (c >= 0xE0 && c <= 0xEF) {
            need = 2;
            lo = c == 0xE0 ? 0xA0 : 0x80;
            hi = c == 0xED ? 0x9F : 0xBF;
        } else if (c >= 0xF0 && c <= 0xF4) {
            need = 3;
            lo = c == 0xF0 ? 0x90 : 0x80;
            hi = c == 0xF4 ? 0x8F : 0xBF;
        } else {
            return -1;
        }
        for (size_t k = 1; k <= need; k++) {
            if (i + k >= n)
                return (ssize_t)i;
            unsigned char d = s[i + k];
            if (k == 1 ? (d < lo || d > hi) : (d < 0x80 || d > 0xBF))
                return -1;
        }
        i += need + 1;
    }
    return (ssize_t)i;
}

/* read(2) until n bytes or end of file; returns the count, or -1 on an error. */
static ssize_t read_full(int fd, void *buf, size_t n)
{
    size_t got = 0;
    while (got < n) {
        ssize_t r = read(fd, (char *)buf + got, n - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return -1;
        if (r == 0)
            break;
        got += (size_t)r;
    }
    return (ssize_t)got;
}

/* ---- content check --------------------------------------------------------------------- */

static int sniff_pdf(int fd, char *err, size_t errlen)
{
    char head[5];
    ssize_t n = read_full(fd, head, sizeof(head));
    if (n < 0)
        return IA_ERR_IO;
    if (n != 5 || memcmp(head, "%PDF-", 5) != 0) {
        snprintf(err, errlen, "the file is not a PDF");
        return IA_ERR_INVALID;
    }
    return IA_OK;
}

/* Opens the archive read-only from fd (which libzip then owns) and looks up the entry: no
 * entry is inflated. */
static int sniff_docx(int fd, char *err, size_t errlen)
{
    int zerr = 0;
    zip_t *za = zip_fdopen(fd, ZIP_CHECKCONS, &zerr);
    if (za == NULL) {
        close(fd);
        snprintf(err, errlen, "the file is not a Word document (not a ZIP archive)");
        return IA_ERR_INVALID;
    }
    int rc = IA_OK;
    if (zip_get_num_entries(za, 0) > EXTRACT_ZIP_ENTRIES_MAX) {
        snprintf(err, errlen, "the Word document has more than %d parts", EXTRACT_ZIP_ENTRIES_MAX);
        rc = IA_ERR_INVALID;
    } else if (zip_name_locate(za, "word/document.xml", 0) < 0) {
        snprintf(err, errlen, "the file is not a Word document (no word/document.xml)");
        rc = IA_ERR_INVALID;
    }
    zip_discard(za);
    return rc;
}

static int sniff_txt(int fd, char *err, size_t errlen)
{
    unsigned char buf[SNIFF_CHUNK + 4];
    size_t carry = 0;
    for (;;) {
        ssize_t r = read(fd, buf + carry, SNIFF_CHUNK);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return IA_ERR_IO;
        size_t n = carry + (size_t)r;
        ssize_t ok = utf8_prefix(buf, n);
        if (ok < 0 || (r == 0 && (size_t)ok != n)) {
            snprintf(err, errlen, "the file is not UTF-8 text");
            return IA_ERR_INVALID;
        }
        if (r == 0)
            return IA_OK;
        carry = n - (size_t)ok;
        memmove(buf, buf + ok, carry);
    }
}

/* Resolves ext (test types only when test_types) and opens path read-only, close-on-exec. */
static int open_document(const char *path, const char *ext, bool test_types, enum doc_type *t,
                         int *fd, char *err, size_t errlen)
{
    err[0] = '\0';
    *t = doc_type_of(ext);
    if (*t == DOC_UNKNOWN || (*t == DOC_TEST && !test_types)) {
        snprintf(err, errlen, "unsupported file type");
        return IA_ERR_INVALID;
    }
    *fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (*fd < 0) {
        snprintf(err, errlen, "cannot open the file: %s", strerror(errno));
        return IA_ERR_IO;
    }
    return IA_OK;
}

int extract_sniff(const char *path, const char *ext, char *err, size_t errlen)
{
    enum doc_type t;
    int fd = -1;
    int rc = open_document(path, ext, false, &t, &fd, err, errlen);
    if (rc != IA_OK)
        return rc;
    if (t == DOC_DOCX)
        return sniff_docx(fd, err, errlen); /* closes fd */
    rc = t == DOC_PDF ? sniff_pdf(fd, err, errlen) : sniff_txt(fd, err, errlen);
    if (rc == IA_ERR_IO)
        snprintf(err, errlen, "cannot read the file: %s", strerror(errno));
    close(fd);
    return rc;
}

/* ---- the text ---------------------------------------------------------------------------- */

/* Normalises text in place: CRLF and lone CR become LF, other control characters but tab and
 * LF are dropped. Returns the new length. */
static size_t normalise(char *s, size_t n)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '\r') {
            s[o++] = '\n';
            if (i + 1 < n && s[i + 1] == '\n')
                i++;
        } else if (c >= 0x20 || c == '\t' || c == '\n') {
            s[o++] = (char)c;
        }
    }
    s[o] = '\0';
    return o;
}

static bool has_visible(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n')
            return true;
    return false;
}

/* Reads a TXT file into the arena, refusing more than max bytes and anything but UTF-8, and
 * drops a leading byte-order mark. */
static int read_txt(int fd, size_t max, arena *a, char **text, size_t *len, char *err,
                    size_t errlen)
{
    struct stat st;
    if (fstat(fd, &st) != 0)
        return IA_ERR_IO;
    if ((unsigned long long)st.st_size > max) {
        snprintf(err, errlen, "the document has more than %zu bytes of text", max);
        return IA_ERR_INVALID;
    }
    size_t size = (size_t)st.st_size;
    char *buf = arena_alloc(a, size + 2);
    if (buf == NULL)
        return IA_ERR_NOMEM;
    /* One byte more than the size shows a file that grew since fstat. */
    ssize_t n = read_full(fd, buf, size + 1);
    if (n < 0) {
        snprintf(err, errlen, "cannot read the document: %s", strerror(errno));
        return IA_ERR_IO;
    }
    if ((size_t)n > size) {
        snprintf(err, errlen, "the document changed while it was read");
        return IA_ERR_IO;
    }
    if (utf8_prefix((const unsigned char *)buf, (size_t)n) != n) {
        snprintf(err, errlen, "the file is not UTF-8 text");
        return IA_ERR_INVALID;
    }
    size_t skip = n >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    *text = buf + skip;
    *len = (size_t)n - skip;
    (*text)[*len] = '\0';
    return IA_OK;
}

/* ---- the child ----------------------------------------------------------------------------- */

/* Starts `exe extract-child type cpu mem max` with in_fd as its stdin, out_fd and err_fd as its
 * stdout and stderr, nothing else open, no blocked or handled signal and the environment reduced
 * to child_env_names. */
static int spawn_child(const extract_limits *lim, const char *type, int in_fd, int out_fd,
                       int err_fd, pid_t *pid)
{
    char cpu[24], mem[24], max[24];
    snprintf(cpu, sizeof(cpu), "%lld", lim->cpu_seconds);
    snprintf(mem, sizeof(mem), "%lld", lim->memory_bytes);
    snprintf(max, sizeof(max), "%zu", lim->max_text_bytes);
    char *argv[] = { "interviewace", "extract-child", (char *)type, cpu, mem, max, NULL };

    char env_buf[CHILD_ENV_N][ENV_MAX];
    char *envp[CHILD_ENV_N + 1];
    size_t n_env = 0;
    for (size_t i = 0; i < CHILD_ENV_N; i++) {
        const char *v = getenv(child_env_names[i]);
        if (v == NULL)
            continue;
        int w = snprintf(env_buf[n_env], ENV_MAX, "%s=%s", child_env_names[i], v);
        if (w > 0 && w < ENV_MAX)
            envp[n_env] = env_buf[n_env], n_env++;
    }
    envp[n_env] = NULL;

    posix_spawn_file_actions_t fa;
    posix_spawnattr_t attr;
    if (posix_spawn_file_actions_init(&fa) != 0)
        return IA_ERR_NOMEM;
    if (posix_spawnattr_init(&attr) != 0) {
        posix_spawn_file_actions_destroy(&fa);
        return IA_ERR_NOMEM;
    }
    sigset_t none, all;
    sigemptyset(&none);
    sigfillset(&all);
    int e = posix_spawn_file_actions_adddup2(&fa, in_fd, STDIN_FILENO);
    if (e == 0)
        e = posix_spawn_file_actions_adddup2(&fa, out_fd, STDOUT_FILENO);
    if (e == 0)
        e = posix_spawn_file_actions_adddup2(&fa, err_fd, STDERR_FILENO);
    if (e == 0)
        e = posix_spawn_file_actions_addclosefrom_np(&fa, STDERR_FILENO + 1);
    if (e == 0)
        e = posix_spawnattr_setsigmask(&attr, &none);
    if (e == 0)
        e = posix_spawnattr_setsigdefault(&attr, &all);
    if (e == 0)
        e = posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    const char *exe = lim->exe_path != NULL ? lim->exe_path : "/proc/self/exe";
    if (e == 0)
        e = posix_spawn(pid, exe, &fa, &attr, argv, envp);
    posix_spawnattr_destroy(&attr);
    posix_spawn_file_actions_destroy(&fa);
    errno = e;
    return e == 0 ? IA_OK : IA_ERR_IO;
}

/* What the parent collects from the child's two pipes. */
typedef struct {
    char *out; /* malloc'ed; at most max + 1 bytes */
    size_t out_len;
    size_t out_cap;
    size_t max;
    bool over; /* the child wrote more than max bytes */
    char tail[STDERR_TAIL + 1];
    size_t tail_len;
} child_io;

/* Takes one read from fd into io; returns false at end of file (or on an error). */
static bool drain(child_io *io, int fd, bool is_out)
{
    char chunk[16 * 1024];
    ssize_t r = read(fd, chunk, sizeof(chunk));
    if (r < 0 && (errno == EINTR || errno == EAGAIN))
        return true;
    if (r <= 0)
        return false;
    size_t n = (size_t)r;
    if (!is_out) {
        if (n >= STDERR_TAIL) {
            memcpy(io->tail, chunk + n - STDERR_TAIL, STDERR_TAIL);
            io->tail_len = STDERR_TAIL;
        } else {
            size_t keep = io->tail_len + n > STDERR_TAIL ? STDERR_TAIL - n : io->tail_len;
            memmove(io->tail, io->tail + io->tail_len - keep, keep);
            memcpy(io->tail + keep, chunk, n);
            io->tail_len = keep + n;
        }
        return true;
    }
    if (n > io->max - io->out_len) {
        io->over = true;
        return true;
    }
    if (io->out_len + n + 1 > io->out_cap) {
        size_t cap = io->out_cap ? io->out_cap : 64 * 1024;
        while (cap < io->out_len + n + 1)
            cap *= 2;
        char *p = realloc(io->out, cap);
        if (p == NULL) {
            io->over = true;
            return true;
        }
        io->out = p;
        io->out_cap = cap;
    }
    memcpy(io->out + io->out_len, chunk, n);
    io->out_len += n;
    return true;
}

/* Reads both pipes until both end, the deadline passes (returns IA_ERR_TIMEOUT) or the text
 * passes its cap (io->over). */
static int collect(child_io *io, int out_fd, int err_fd, int64_t deadline)
{
    struct pollfd pfd[2] = { { .fd = out_fd, .events = POLLIN },
                             { .fd = err_fd, .events = POLLIN } };
    while ((pfd[0].fd >= 0 || pfd[1].fd >= 0) && !io->over) {
        int64_t left = deadline - ia_mono_ms();
        if (left <= 0)
            return IA_ERR_TIMEOUT;
        int pr = poll(pfd, 2, left > INT_MAX ? INT_MAX : (int)left);
        if (pr < 0 && errno != EINTR)
            return IA_ERR_IO;
        for (int i = 0; pr > 0 && i < 2; i++)
            if (pfd[i].fd >= 0 && (pfd[i].revents & (POLLIN | POLLHUP | POLLERR)) &&
                !drain(io, pfd[i].fd, i == 0))
                pfd[i].fd = -1;
    }
    return IA_OK;
}

/* Reaps the child: waits for it until the deadline unless kill_now, then kills it (SIGKILL)
 * and waits for that. *killed says whether it was killed here. */
static int reap(pid_t pid, int64_t deadline, bool kill_now, bool *killed, int *status)
{
    *killed = false;
    while (!kill_now) {
        pid_t w = waitpid(pid, status, WNOHANG);
        if (w == pid)
            return IA_OK;
        if (w < 0 && errno != EINTR)
            return IA_ERR_IO;
        if (ia_mono_ms() >= deadline)
            break;
        struct timespec ms = { 0, 1000000 };
        nanosleep(&ms, NULL);
    }
    kill(pid, SIGKILL);
    *killed = true;
    for (;;) {
        pid_t w = waitpid(pid, status, 0);
        if (w == pid)
            return IA_OK;
        if (w < 0 && errno != EINTR)
            return IA_ERR_IO;
    }
}

/* The child's last non-empty stderr line, printable ASCII only, at most EXTRACT_REASON_MAX. */
static void last_line(const child_io *io, char *out, size_t outlen)
{
    size_t end = io->tail_len;
    while (end > 0 && (io->tail[end - 1] == '\n' || io->tail[end - 1] == '\r'))
        end--;
    size_t start = end;
    while (start > 0 && io->tail[start - 1] != '\n')
        start--;
    size_t o = 0;
    for (size_t i = start; i < end && o + 1 < outlen && o < EXTRACT_REASON_MAX; i++) {
        unsigned char c = (unsigned char)io->tail[i];
        out[o++] = c >= 0x20 && c < 0x7f ? (char)c : '?';
    }
    out[o] = '\0';
}

/* Formats a duration in milliseconds as seconds: "30s", "0.25s". */
static void format_seconds(long long ms, char *out, size_t outlen)
{
    if (ms % 1000 == 0) {
        snprintf(out, outlen, "%llds", ms / 1000);
        return;
    }
    int n = snprintf(out, outlen, "%lld.%03lld", ms / 1000, ms % 1000);
    while (n > 0 && (size_t)n < outlen && out[n - 1] == '0')
        out[--n] = '\0';
    snprintf(out + n, outlen - (size_t)n, "s");
}

/* Runs the child on in_fd and turns what happened into a result (see extract.h). */
static int run_child(const extract_limits *lim, const char *type, int in_fd, arena *a, char **text,
                     size_t *len, char *err, size_t errlen)
{
    int out[2] = { -1, -1 }, errp[2] = { -1, -1 };
    child_io io = { .max = lim->max_text_bytes };
    pid_t pid = -1;
    int rc = IA_ERR_IO;
    if (pipe2(out, O_CLOEXEC) != 0 || pipe2(errp, O_CLOEXEC) != 0) {
        snprintf(err, errlen, "cannot start text extraction: %s", strerror(errno));
        goto done;
    }
    int64_t deadline = ia_mono_ms() + lim->timeout_ms;
    rc = spawn_child(lim, type, in_fd, out[1], errp[1], &pid);
    close(out[1]);
    close(errp[1]);
    out[1] = errp[1] = -1;
    if (rc != IA_OK) {
        snprintf(err, errlen, "cannot start text extraction: %s", strerror(errno));
        pid = -1;
        goto done;
    }

    int crc = collect(&io, out[0], errp[0], deadline);
    bool killed = false;
    int status = 0;
    rc = reap(pid, deadline, crc != IA_OK || io.over, &killed, &status);
    pid = -1;
    if (rc != IA_OK) {
        snprintf(err, errlen, "text extraction: cannot wait for the child: %s", strerror(errno));
        goto done;
    }
    char secs[32], reason[EXTRACT_REASON_MAX + 1];
    last_line(&io, reason, sizeof(reason));
    if (crc == IA_ERR_TIMEOUT || (killed && !io.over && crc == IA_OK)) {
        format_seconds(lim->timeout_ms, secs, sizeof(secs));
        snprintf(err, errlen, "text extraction timed out after %s", secs);
        rc = IA_ERR_TIMEOUT;
    } else if (crc != IA_OK) {
        snprintf(err, errlen, "text extraction: cannot read from the child: %s", strerror(errno));
        rc = IA_ERR_IO;
    } else if (io.over) {
        snprintf(err, errlen, "the document has more than %zu bytes of text", lim->max_text_bytes);
        rc = IA_ERR_INVALID;
    } else if (WIFSIGNALED(status)) {
        snprintf(err, errlen, "text extraction crashed (signal %d)", WTERMSIG(status));
        rc = IA_ERR_INTERNAL;
    } else if (WEXITSTATUS(status) == EXTRACT_EXIT_DOCUMENT) {
        snprintf(err, errlen, "%s", reason[0] ? reason : "the document cannot be read");
        rc = IA_ERR_INVALID;
    } else if (WEXITSTATUS(status) != EXTRACT_EXIT_OK) {
        snprintf(err, errlen, "text extraction failed (exit %d%s%s)", WEXITSTATUS(status),
                 reason[0] ? ": " : "", reason);
        rc = IA_ERR_INTERNAL;
    } else if (utf8_prefix((const unsigned char *)io.out, io.out_len) != (ssize_t)io.out_len) {
        snprintf(err, errlen, "text extraction produced text that is not UTF-8");
        rc = IA_ERR_INTERNAL;
    } else {
        *text = arena_memdup(a, io.out != NULL ? io.out : "", io.out_len);
        *len = io.out_len;
        rc = *text != NULL ? IA_OK : IA_ERR_NOMEM;
    }
done:
    for (int i = 0; i < 2; i++) {
        if (out[i] >= 0)
            close(out[i]);
        if (errp[i] >= 0)
            close(errp[i]);
    }
    free(io.out);
    return rc;
}

int extract_text(const extract_limits *lim, const char *path, const char *ext, arena *a,
                 char **text, size_t *len, char *err, size_t errlen)
{
    extract_limits def;
    if (lim == NULL) {
        extract_limits_default(&def);
        lim = &def;
    }
    *text = NULL;
    *len = 0;
    enum doc_type t;
    int fd = -1;
    int rc = open_document(path, ext, true, &t, &fd, err, errlen);
    if (rc != IA_OK)
        return rc;
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "the document is not a regular file");
        rc = IA_ERR_IO;
    } else if (t == DOC_TXT) {
        rc = read_txt(fd, lim->max_text_bytes, a, text, len, err, errlen);
    } else {
        const char *type = t == DOC_PDF ? "pdf" : t == DOC_DOCX ? "docx" : ext;
        rc = run_child(lim, type, fd, a, text, len, err, errlen);
    }
    close(fd);
    if (rc != IA_OK) {
        *text = NULL;
        *len = 0;
        return rc;
    }
    *len = normalise(*text, *len);
    if (!has_visible(*text, *len) && t != DOC_TEST) {
        snprintf(err, errlen, "%s", t == DOC_PDF ? EXTRACT_NO_TEXT_PDF : NO_TEXT);
        *text = NULL;
        *len = 0;
        return IA_ERR_INVALID;
    }
    return IA_OK;
}
