/* The extraction child: `interviewace extract-child <type> <cpu_s> <memory_bytes> <max_text>`.
 *
 * Order matters. The child first lowers its resource limits, then reads the whole document
 * from standard input (an already open file: it needs no path and no file system), then
 * installs the seccomp filter, and only then hands the bytes to poppler-glib or to libzip and
 * libxml2, parsing from memory. After the filter, the process may read and write the
 * descriptors it has, manage memory (never executable), and exit: opening a file fails with
 * EACCES (libraries that probe for data files carry on without them), and any other system
 * call, a socket, a new process or executable memory among them, kills the process (SIGSYS).
 *
 * The text goes to standard output; a document problem ends with exit code
 * EXTRACT_EXIT_DOCUMENT and the reason as the last line on standard error. The process ends
 * with _exit, without atexit handlers or destructors, which would need more system calls. */
#include "docs/extract.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib.h>
#include <libxml/parser.h>
#include <libxml/xmlreader.h>
#include <poppler.h>
#include <seccomp.h>
#include <zip.h>

#include "core/config.h"
#include "core/errors.h"
#include "core/util.h"

/* AddressSanitizer reserves terabytes of address space for its shadow memory, so RLIMIT_AS
 * cannot be applied in sanitizer builds; its run-time also needs a few more system calls. */
#if defined(__SANITIZE_ADDRESS__)
#define EXTRACT_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define EXTRACT_SANITIZED 1
#endif
#endif
#ifndef EXTRACT_SANITIZED
#define EXTRACT_SANITIZED 0
#endif

#define W_NS        "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
#define W_NS_STRICT "http://purl.oclc.org/ooxml/wordprocessingml/main"
#define MC_NS       "http://schemas.openxmlformats.org/markup-compatibility/2006"
#define READ_CHUNK  (64 * 1024)

/* The text being built, in plain malloc memory: the child is a short-lived process of its own
 * and ends right after writing it. */
typedef struct {
    char *buf;
    size_t len;
    size_t cap;
    size_t max;
} textbuf;

/* Writes a one-line reason to stderr and ends the process with code. */
static _Noreturn void child_fail(int code, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static _Noreturn void child_fail(int code, const char *fmt, ...)
{
    char line[EXTRACT_REASON_MAX + 2];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
    va_end(ap);
    size_t len = n < 0 ? 0 : (size_t)n < sizeof(line) - 1 ? (size_t)n : sizeof(line) - 2;
    line[len++] = '\n';
    ssize_t w = write(STDERR_FILENO, line, len);
    (void)w;
    _exit(code);
}

/* realloc that ends the process when memory runs out: the child has nothing to clean up. */
static void *grow(void *p, size_t n)
{
    void *q = realloc(p, n);
    if (q == NULL)
        child_fail(EXTRACT_EXIT_INTERNAL, "out of memory");
    return q;
}

/* Appends n bytes; more text than the maximum is a document problem. */
static void tb_append(textbuf *tb, const char *s, size_t n)
{
    if (n > tb->max - tb->len)
        child_fail(EXTRACT_EXIT_DOCUMENT, "the document has more than %zu bytes of text", tb->max);
    if (tb->len + n + 1 > tb->cap) {
        size_t cap = tb->cap ? tb->cap : 64 * 1024;
        while (cap < tb->len + n + 1)
            cap *= 2;
        tb->buf = grow(tb->buf, cap);
        tb->cap = cap;
    }
    memcpy(tb->buf + tb->len, s, n);
    tb->len += n;
    tb->buf[tb->len] = '\0';
}

/* True when the text has a character other than ASCII white space. */
static bool has_visible(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r' && s[i] != '\f' &&
            s[i] != '\v')
            return true;
    return false;
}

/* ---- limits, input, filter ------------------------------------------------------------- */

/* Lowers the limits of this process: no core file, no file growth, no new process, no new
 * descriptor, cpu_s of CPU time (SIGXCPU, then SIGKILL one second later) and mem bytes of
 * address space (0 = unchanged; never in sanitizer builds). */
static int set_limits(long long cpu_s, long long mem)
{
    struct rlimit zero = { 0, 0 };
    struct rlimit nofile = { 3, 3 };
    struct rlimit cpu = { (rlim_t)cpu_s, (rlim_t)cpu_s + 1 };
    if (setrlimit(RLIMIT_CORE, &zero) != 0 || setrlimit(RLIMIT_FSIZE, &zero) != 0 ||
        setrlimit(RLIMIT_NPROC, &zero) != 0 || setrlimit(RLIMIT_NOFILE, &nofile) != 0 ||
        setrlimit(RLIMIT_CPU, &cpu) != 0)
        return IA_ERR_IO;
    if (mem > 0 && !EXTRACT_SANITIZED) {
        struct rlimit as = { (rlim_t)mem, (rlim_t)mem };
        if (setrlimit(RLIMIT_AS, &as) != 0)
            return IA_ERR_IO;
    }
    return IA_OK;
}

/* A source of bytes for read_capped: the count read, 0 at the end, -1 on an error. */
typedef ssize_t (*read_fn)(void *ctx, char *buf, size_t n);

/* Reads a whole stream into a malloc'ed buffer, in chunks, starting with room for hint bytes.
 * Passing max bytes ends the process with too_large as the document's problem (so a lying size
 * costs at most max + 1 bytes); a read error ends it with err_code and err_msg. */
static void read_capped(read_fn rd, void *ctx, size_t max, size_t hint, const char *too_large,
                        int err_code, const char *err_msg, char **out, size_t *len)
{
    size_t cap = hint > 0 && hint <= max ? hint + 1 : READ_CHUNK, n = 0;
    char *buf = grow(NULL, cap);
    for (;;) {
        if (n == cap) {
            cap = cap * 2 < max + 1 ? cap * 2 : max + 1;
            buf = grow(buf, cap);
        }
        ssize_t r = rd(ctx, buf + n, cap - n);
        if (r < 0)
            child_fail(err_code, "%s", err_msg);
        if (r == 0)
            break;
        n += (size_t)r;
        if (n > max)
            child_fail(EXTRACT_EXIT_DOCUMENT, "%s", too_large);
    }
    *out = buf;
    *len = n;
}

static ssize_t read_stdin(void *ctx, char *buf, size_t n)
{
    (void)ctx;
    ssize_t r;
    do
        r = read(STDIN_FILENO, buf, n);
    while (r < 0 && errno == EINTR);
    return r;
}

static ssize_t read_zip(void *ctx, char *buf, size_t n)
{
    return (ssize_t)zip_fread(ctx, buf, n);
}

/* Reads all of standard input (the document, an open regular file) into memory. */
static void read_input(char **out, size_t *len)
{
    struct stat st;
    size_t hint = fstat(STDIN_FILENO, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0
                      ? (size_t)st.st_size
                      : 0;
    char too_large[64];
    snprintf(too_large, sizeof(too_large), "the document is larger than %lld MiB",
             EXTRACT_INPUT_MAX >> 20);
    read_capped(read_stdin, NULL, (size_t)EXTRACT_INPUT_MAX, hint, too_large, EXTRACT_EXIT_INTERNAL,
                "cannot read the document", out, len);
}

/* Adds one rule; a system call unknown on this architecture is skipped. */
static int add_rule(scmp_filter_ctx ctx, uint32_t action, int nr, unsigned n_args,
                    const struct scmp_arg_cmp *arg)
{
    int rc = n_args ? seccomp_rule_add_array(ctx, action, nr, n_args, arg)
                    : seccomp_rule_add(ctx, action, nr, 0);
    return rc == 0 || rc == -EDOM ? IA_OK : IA_ERR_INTERNAL;
}

/* Installs the filter described at the top of this file. */
static int install_filter(void)
{
    static const int allowed[] = {
        SCMP_SYS(read),
        SCMP_SYS(write),
        SCMP_SYS(lseek),
        SCMP_SYS(close),
        SCMP_SYS(fstat),
        SCMP_SYS(munmap),
        SCMP_SYS(mremap),
        SCMP_SYS(brk),
        SCMP_SYS(madvise),
        SCMP_SYS(futex),
        SCMP_SYS(exit),
        SCMP_SYS(exit_group),
        SCMP_SYS(rt_sigreturn),
        SCMP_SYS(getrandom),
#if EXTRACT_SANITIZED
        SCMP_SYS(sigaltstack), /* the sanitizer run-time's exit */
#endif
    };
    /* Probes of the file system get "permission denied" instead of killing the process. */
    static const int denied[] = { SCMP_SYS(open),       SCMP_SYS(openat),   SCMP_SYS(openat2),
                                  SCMP_SYS(creat),      SCMP_SYS(access),   SCMP_SYS(faccessat),
                                  SCMP_SYS(faccessat2), SCMP_SYS(stat),     SCMP_SYS(lstat),
                                  SCMP_SYS(statx),      SCMP_SYS(readlink), SCMP_SYS(readlinkat) };
    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_KILL_PROCESS);
    if (ctx == NULL)
        return IA_ERR_INTERNAL;
    int rc = IA_OK;
    for (size_t i = 0; rc == IA_OK && i < COUNT(allowed); i++)
        rc = add_rule(ctx, SCMP_ACT_ALLOW, allowed[i], 0, NULL);
    for (size_t i = 0; rc == IA_OK && i < COUNT(denied); i++)
        rc = add_rule(ctx, SCMP_ACT_ERRNO(EACCES), denied[i], 0, NULL);
    /* Memory, never executable. */
    struct scmp_arg_cmp no_exec = SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0);
    if (rc == IA_OK)
        rc = add_rule(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mmap), 1, &no_exec);
    if (rc == IA_OK)
        rc = add_rule(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mprotect), 1, &no_exec);
    /* fstat() is newfstatat(fd, "", AT_EMPTY_PATH); a path lookup is denied. */
    struct scmp_arg_cmp empty_path = SCMP_A3(SCMP_CMP_MASKED_EQ, AT_EMPTY_PATH, AT_EMPTY_PATH);
    struct scmp_arg_cmp a_path = SCMP_A3(SCMP_CMP_MASKED_EQ, AT_EMPTY_PATH, 0);
    if (rc == IA_OK)
        rc = add_rule(ctx, SCMP_ACT_ALLOW, SCMP_SYS(newfstatat), 1, &empty_path);
    if (rc == IA_OK)
        rc = add_rule(ctx, SCMP_ACT_ERRNO(EACCES), SCMP_SYS(newfstatat), 1, &a_path);
    if (rc == IA_OK && seccomp_load(ctx) != 0)
        rc = IA_ERR_INTERNAL;
    seccomp_release(ctx);
    return rc;
}

/* ---- PDF --------------------------------------------------------------------------------- */

/* The text of the first EXTRACT_PDF_PAGES_MAX pages, one page after the other. */
static void extract_pdf(const char *data, size_t len, textbuf *tb)
{
    GBytes *bytes = g_bytes_new_static(data, len);
    GError *gerr = NULL;
    PopplerDocument *doc = poppler_document_new_from_bytes(bytes, NULL, &gerr);
    if (doc == NULL) {
        if (gerr != NULL && gerr->domain == POPPLER_ERROR && gerr->code == POPPLER_ERROR_ENCRYPTED)
            child_fail(EXTRACT_EXIT_DOCUMENT, "the PDF is protected by a password");
        child_fail(EXTRACT_EXIT_DOCUMENT, "the PDF is damaged and cannot be read");
    }
    int pages = poppler_document_get_n_pages(doc);
    if (pages <= 0)
        child_fail(EXTRACT_EXIT_DOCUMENT, "the PDF has no pages");
    if (pages > EXTRACT_PDF_PAGES_MAX)
        pages = EXTRACT_PDF_PAGES_MAX;
    bool visible = false;
    for (int i = 0; i < pages; i++) {
        PopplerPage *page = poppler_document_get_page(doc, i);
        if (page == NULL)
            continue;
        char *text = poppler_page_get_text(page);
        if (text != NULL) {
            size_t n = strlen(text);
            if (tb->len > 0)
                tb_append(tb, "\n", 1);
            tb_append(tb, text, n);
            visible = visible || has_visible(text, n);
            g_free(text);
        }
        g_object_unref(page);
    }
    g_object_unref(doc);
    g_bytes_unref(bytes);
    if (!visible)
        child_fail(EXTRACT_EXIT_DOCUMENT, "%s", EXTRACT_NO_TEXT_PDF);
}

/* ---- DOCX -------------------------------------------------------------------------------- */

/* Inflates word/document.xml of the archive in memory, at most EXTRACT_DOCX_XML_MAX bytes. */
static void docx_document_xml(const char *data, size_t len, char **xml, size_t *xml_len)
{
    zip_error_t zerr;
    zip_error_init(&zerr);
    zip_source_t *src = zip_source_buffer_create(data, len, 0, &zerr);
    if (src == NULL)
        child_fail(EXTRACT_EXIT_INTERNAL, "out of memory");
    zip_t *za = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &zerr);
    if (za == NULL)
        child_fail(EXTRACT_EXIT_DOCUMENT, "the Word document is damaged (not a ZIP archive)");
    zip_int64_t entries = zip_get_num_entries(za, 0);
    if (entries > EXTRACT_ZIP_ENTRIES_MAX)
        child_fail(EXTRACT_EXIT_DOCUMENT, "the Word document has more than %d parts",
                   EXTRACT_ZIP_ENTRIES_MAX);
    zip_int64_t idx = zip_name_locate(za, "word/document.xml", 0);
    if (idx < 0)
        child_fail(EXTRACT_EXIT_DOCUMENT, "the file is not a Word document (no word/document.xml)");
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat_index(za, (zip_uint64_t)idx, 0, &st) == 0 && (st.valid & ZIP_STAT_SIZE) &&
        st.size > (zip_uint64_t)EXTRACT_DOCX_XML_MAX)
        child_fail(EXTRACT_EXIT_DOCUMENT, "the document is too large when decompressed");
    zip_file_t *zf = zip_fopen_index(za, (zip_uint64_t)idx, 0);
    if (zf == NULL) {
        int ze = zip_error_code_zip(zip_get_error(za));
        if (ze == ZIP_ER_NOPASSWD || ze == ZIP_ER_WRONGPASSWD || ze == ZIP_ER_ENCRNOTSUPP)
            child_fail(EXTRACT_EXIT_DOCUMENT, "the Word document is protected by a password");
        child_fail(EXTRACT_EXIT_DOCUMENT, "the Word document is damaged and cannot be read");
    }
    /* The declared size may lie: inflate in chunks and stop one byte past the cap. */
    read_capped(read_zip, zf, (size_t)EXTRACT_DOCX_XML_MAX,
                (st.valid & ZIP_STAT_SIZE) ? (size_t)st.size : 0,
                "the document is too large when decompressed", EXTRACT_EXIT_DOCUMENT,
                "the Word document is damaged and cannot be read", xml, xml_len);
    zip_fclose(zf);
    zip_discard(za);
}

/* Where the text of a paragraph goes: a paragraph is a line, except inside a table cell, where
 * paragraphs are joined by a space; cells are separated by a tab and rows end a line. */
typedef struct {
    textbuf *tb;
    int cells; /* depth of open w:tc elements */
    char pending;
} docx_out;

static void docx_text(docx_out *o, const char *s, size_t n)
{
    if (n == 0)
        return;
    if (o->pending) {
        tb_append(o->tb, &o->pending, 1);
        o->pending = 0;
    }
    tb_append(o->tb, s, n);
}

static void docx_break(docx_out *o)
{
    if (o->cells > 0) {
        if (o->pending == 0)
            o->pending = ' ';
    } else {
        o->pending = 0;
        tb_append(o->tb, "\n", 1);
    }
}

static void docx_end(docx_out *o, const char *name)
{
    if (strcmp(name, "p") == 0) {
        docx_break(o);
    } else if (strcmp(name, "tc") == 0) {
        if (o->cells > 0)
            o->cells--;
        o->pending = '\t';
    } else if (strcmp(name, "tr") == 0) {
        o->pending = 0;
        tb_append(o->tb, "\n", 1);
    }
}

static bool is_ns(const xmlChar *ns, const char *want)
{
    return ns != NULL && strcmp((const char *)ns, want) == 0;
}

/* Ignores libxml2's error messages: the reader's return code says enough. */
static void xml_quiet(void *ctx, const char *msg, ...)
{
    (void)ctx;
    (void)msg;
}

/* The text of word/document.xml: w:t text, w:tab as a tab, w:br and w:cr as a line break,
 * paragraphs and table cells as above, and only one branch of each mc:AlternateContent (the
 * mc:Fallback copy is skipped). Parsed with a streaming reader, without entity substitution,
 * DTD loading, network access or the "huge" option: an entity stays an unexpanded reference
 * that contributes no text. */
static void extract_docx(const char *data, size_t len, textbuf *tb)
{
    char *xml = NULL;
    size_t xml_len = 0;
    docx_document_xml(data, len, &xml, &xml_len);
    xmlTextReaderPtr r =
        xmlReaderForMemory(xml, (int)xml_len, "word/document.xml", NULL,
                           XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (r == NULL)
        child_fail(EXTRACT_EXIT_INTERNAL, "out of memory");
    docx_out o = { .tb = tb };
    bool in_t = false;
    int skip_depth = -1, rc;
    while ((rc = xmlTextReaderRead(r)) == 1) {
        int type = xmlTextReaderNodeType(r);
        int depth = xmlTextReaderDepth(r);
        const xmlChar *ns = xmlTextReaderConstNamespaceUri(r);
        const char *name = (const char *)xmlTextReaderConstLocalName(r);
        if (skip_depth >= 0) {
            if (type == XML_READER_TYPE_END_ELEMENT && depth == skip_depth)
                skip_depth = -1;
            continue;
        }
        bool w = is_ns(ns, W_NS) || is_ns(ns, W_NS_STRICT);
        if (type == XML_READER_TYPE_ELEMENT) {
            bool empty = xmlTextReaderIsEmptyElement(r) == 1;
            if (is_ns(ns, MC_NS) && strcmp(name, "Fallback") == 0) {
                if (!empty)
                    skip_depth = depth;
            } else if (w && strcmp(name, "t") == 0) {
                in_t = !empty;
            } else if (w && strcmp(name, "tab") == 0) {
                docx_text(&o, "\t", 1);
            } else if (w && (strcmp(name, "br") == 0 || strcmp(name, "cr") == 0)) {
                docx_break(&o);
            } else if (w && strcmp(name, "noBreakHyphen") == 0) {
                docx_text(&o, "-", 1);
            } else if (w && strcmp(name, "tc") == 0) {
                o.cells++;
                if (empty)
                    docx_end(&o, name);
            } else if (w && empty) {
                docx_end(&o, name);
            }
        } else if (type == XML_READER_TYPE_END_ELEMENT && w) {
            if (strcmp(name, "t") == 0)
                in_t = false;
            else
                docx_end(&o, name);
        } else if (in_t && (type == XML_READER_TYPE_TEXT || type == XML_READER_TYPE_CDATA ||
                            type == XML_READER_TYPE_SIGNIFICANT_WHITESPACE ||
                            type == XML_READER_TYPE_WHITESPACE)) {
            const char *v = (const char *)xmlTextReaderConstValue(r);
            if (v != NULL)
                docx_text(&o, v, strlen(v));
        }
    }
    xmlFreeTextReader(r);
    free(xml);
    if (rc < 0)
        child_fail(EXTRACT_EXIT_DOCUMENT, "the Word document is damaged (its XML is not valid)");
    if (!has_visible(tb->buf, tb->len))
        child_fail(EXTRACT_EXIT_DOCUMENT, "No extractable text: the document is empty");
}

/* ---- test modes -------------------------------------------------------------------------- */

/* The hidden types that prove the sandbox in the unit tests (see extract.h). Each returns only
 * when it failed to do what it should; "open" writes what it could read. */
static void test_mode(const char *type, textbuf *tb)
{
    if (strcmp(type, "test:crash") == 0) {
        /* An unmapped address that is not NULL, which a sanitizer would report first. */
        volatile int *volatile nowhere = (volatile int *)(uintptr_t)64;
        *nowhere = 1;
    } else if (strcmp(type, "test:socket") == 0) {
        int s = socket(AF_INET, SOCK_STREAM, 0);
        child_fail(EXTRACT_EXIT_INTERNAL, "socket() was allowed (%d)", s);
    } else if (strcmp(type, "test:spin") == 0) {
        for (volatile unsigned long i = 0;; i++)
            continue;
    } else if (strcmp(type, "test:alloc") == 0) {
        char *p = malloc((size_t)1 << 30);
        if (p == NULL)
            child_fail(EXTRACT_EXIT_INTERNAL, "out of memory");
        tb_append(tb, "allocated 1 GiB", 15);
    } else if (strcmp(type, "test:env") == 0) {
        for (char **e = environ; *e != NULL; e++) {
            tb_append(tb, *e, strlen(*e));
            tb_append(tb, "\n", 1);
        }
    } else if (strcmp(type, "test:open") == 0) {
        int fd = open("/etc/passwd", O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            child_fail(EXTRACT_EXIT_DOCUMENT, "open(/etc/passwd): %s", strerror(errno));
        char buf[4096];
        ssize_t n = read(fd, buf, sizeof(buf));
        tb_append(tb, buf, n > 0 ? (size_t)n : 0);
    }
}

/* ---- main -------------------------------------------------------------------------------- */

int extract_child_main(int argc, char **argv)
{
    static const char usage[] =
        "usage: interviewace extract-child pdf|docx CPU_SECONDS "
        "MEMORY_BYTES MAX_TEXT_BYTES (internal; reads stdin)\n";
    long long cpu = 0, mem = 0, max_text = 0;
    if (argc != 4 || config_parse_int(argv[1], 1, 86400, &cpu) != IA_OK ||
        config_parse_int(argv[2], 0, 1LL << 40, &mem) != IA_OK ||
        config_parse_int(argv[3], 1, 1LL << 30, &max_text) != IA_OK) {
        fputs(usage, stderr);
        return EXTRACT_EXIT_USAGE;
    }
    const char *type = argv[0];
    const char *modes = getenv("IA_EXTRACT_TEST_MODES");
    bool test = strncmp(type, "test:", 5) == 0;
    if ((strcmp(type, "pdf") != 0 && strcmp(type, "docx") != 0 && !test) ||
        (test && (modes == NULL || strcmp(modes, "1") != 0))) {
        fputs(usage, stderr);
        return EXTRACT_EXIT_USAGE;
    }
    if (set_limits(cpu, mem) != IA_OK)
        child_fail(EXTRACT_EXIT_INTERNAL, "cannot set resource limits: %s", strerror(errno));
    if (strcmp(type, "test:sleep") == 0)
        for (;;)
            pause();

    char *data = NULL;
    size_t len = 0;
    read_input(&data, &len);
    xmlInitParser();
    xmlSetGenericErrorFunc(NULL, xml_quiet);
    if (strcmp(type, "test:crash") == 0)
        signal(SIGSEGV, SIG_DFL); /* the kernel's SIGSEGV, not a sanitizer's report */
    if (install_filter() != IA_OK)
        child_fail(EXTRACT_EXIT_INTERNAL, "cannot install the seccomp filter");

    textbuf tb = { .max = (size_t)max_text };
    if (test)
        test_mode(type, &tb);
    else if (strcmp(type, "pdf") == 0)
        extract_pdf(data, len, &tb);
    else
        extract_docx(data, len, &tb);

    for (size_t off = 0; off < tb.len;) {
        ssize_t w = write(STDOUT_FILENO, tb.buf + off, tb.len - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            child_fail(EXTRACT_EXIT_INTERNAL, "cannot write the text: %s", strerror(errno));
        off += (size_t)w;
    }
    _exit(EXTRACT_EXIT_OK);
}
