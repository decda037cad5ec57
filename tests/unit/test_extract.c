/* Unit tests for src/docs/: the content check of uploads and the sandboxed text extraction,
 * on the fixtures of tests/fixtures/files (made by tests/fixtures/make_files.py) and the zip
 * bombs the build writes into IA_BOMB_DIR. The PDF and DOCX cases start the real child: the
 * built binary named by IA_BINARY (meson.build sets both variables). The sandbox itself is
 * proven through the hidden test types of the child, enabled here with IA_EXTRACT_TEST_MODES=1
 * (see extract.h). After every extraction the test process must have no child left, zombie or
 * not, and no more descriptors than before. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/config.h"
#include "core/errors.h"
#include "docs/extract.h"
#include "core/util.h"

#if defined(__SANITIZE_ADDRESS__)
#define SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SANITIZED 1
#endif
#endif
#ifndef SANITIZED
#define SANITIZED 0
#endif

#define ARENA_MAX (16 * 1024 * 1024)
#define THREADS   4

/* ---- helpers ---------------------------------------------------------------------------- */

static const char *fixture(const char *name)
{
    static char path[4096];
    const char *root = getenv("IA_SOURCE_ROOT");
    snprintf(path, sizeof(path), "%s/tests/fixtures/files/%s", root ? root : ".", name);
    return path;
}

static const char *bomb(const char *name)
{
    static char path[4096];
    const char *dir = getenv("IA_BOMB_DIR");
    if (dir == NULL)
        fail_msg("IA_BOMB_DIR is not set (run the test through meson)");
    snprintf(path, sizeof(path), "%s/%s", dir ? dir : ".", name);
    return path;
}

static void limits(extract_limits *lim)
{
    extract_limits_default(lim);
    lim->exe_path = getenv("IA_BINARY");
    if (lim->exe_path == NULL)
        fail_msg("IA_BINARY is not set (run the test through meson)");
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int count_fds(void)
{
    DIR *d = opendir("/proc/self/fd");
    int n = 0;
    if (d == NULL)
        return -1;
    while (readdir(d) != NULL)
        n++;
    closedir(d);
    return n;
}

/* Every child has been reaped: waitpid finds none at all. */
static void assert_no_child(void)
{
    errno = 0;
    assert_int_equal(waitpid(-1, NULL, WNOHANG), -1);
    assert_int_equal(errno, ECHILD);
}

typedef struct {
    int rc;
    char *text;
    size_t len;
    char err[512];
    double seconds;
} outcome;

/* Extracts path as ext within lim (NULL = the test defaults) and checks the hygiene that every
 * outcome owes: no child left, no descriptor left, text only on success. */
static outcome extract(arena *a, const extract_limits *lim, const char *path, const char *ext)
{
    extract_limits def;
    if (lim == NULL) {
        limits(&def);
        lim = &def;
    }
    outcome o;
    memset(&o, 0, sizeof(o));
    int fds = count_fds();
    double t0 = now_s();
    o.rc = extract_text(lim, path, ext, a, &o.text, &o.len, o.err, sizeof(o.err));
    o.seconds = now_s() - t0;
    assert_no_child();
    assert_int_equal(count_fds(), fds);
    if (o.rc == IA_OK) {
        assert_non_null(o.text);
        assert_int_equal(strlen(o.text), o.len);
    } else {
        assert_null(o.text);
        assert_true(o.err[0] != '\0');
    }
    return o;
}

static int sniff(const char *path, const char *ext, char *err, size_t errlen)
{
    int fds = count_fds();
    int rc = extract_sniff(path, ext, err, errlen);
    assert_int_equal(count_fds(), fds);
    return rc;
}

/* Writes n bytes to a fresh temporary file and returns its path (static buffer). */
static const char *temp_file(const void *data, size_t n)
{
    static char path[64];
    snprintf(path, sizeof(path), "/tmp/ia_extract_XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, data, n), (ssize_t)n);
    close(fd);
    return path;
}

static size_t count_of(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = strstr(hay, needle); p != NULL; p = strstr(p + 1, needle))
        n++;
    return n;
}

static int setup(void **state)
{
    *state = arena_create(ARENA_MAX);
    return *state == NULL ? -1 : 0;
}

static int teardown(void **state)
{
    arena_destroy(*state);
    return 0;
}

/* ---- the content check ------------------------------------------------------------------ */

static void test_sniff_accepts_each_good_type(void **state)
{
    (void)state;
    static const char *const ok[][2] = {
        { "resume.pdf", ".pdf" },
        { "resume.docx", ".docx" },
        { "resume_bom_crlf.txt", ".txt" },
        { "image_only.pdf", ".pdf" },
        { "encrypted.pdf", ".pdf" },
        { "truncated.pdf", ".pdf" }, /* starts well: only extraction finds the damage */
        { "external_entity.docx", ".docx" },
        { "billion_laughs.docx", ".docx" },
        { "resume.pdf", ".PDF" },
    };
    char err[256];
    for (size_t i = 0; i < COUNT(ok); i++) {
        int rc = sniff(fixture(ok[i][0]), ok[i][1], err, sizeof(err));
        if (rc != IA_OK)
            fail_msg("%s as %s: %s", ok[i][0], ok[i][1], err);
    }
    /* The bombs are well-formed archives; nothing is inflated to check them. */
    assert_int_equal(sniff(bomb("bomb.docx"), ".docx", err, sizeof(err)), IA_OK);
    assert_int_equal(sniff(bomb("bomb_lying.docx"), ".docx", err, sizeof(err)), IA_OK);
}

static void test_sniff_refuses_content_that_does_not_match(void **state)
{
    (void)state;
    static const char *const bad[][3] = {
        { "pdf_renamed.docx", ".docx", "the file is not a Word document (not a ZIP archive)" },
        { "executable_renamed.pdf", ".pdf", "the file is not a PDF" },
        { "no_document.docx", ".docx", "the file is not a Word document (no word/document.xml)" },
        { "resume.docx", ".pdf", "the file is not a PDF" },
        { "resume.pdf", ".txt", "the file is not UTF-8 text" },
        { "executable_renamed.pdf", ".txt", "the file is not UTF-8 text" },
        { "resume.txt.missing", ".exe", "unsupported file type" },
    };
    char err[256];
    for (size_t i = 0; i < COUNT(bad); i++) {
        int rc = sniff(fixture(bad[i][0]), bad[i][1], err, sizeof(err));
        if (rc != IA_ERR_INVALID || strcmp(err, bad[i][2]) != 0)
            fail_msg("%s as %s: rc %d, \"%s\"", bad[i][0], bad[i][1], rc, err);
    }
    assert_int_equal(sniff(fixture("no-such-file.pdf"), ".pdf", err, sizeof(err)), IA_ERR_IO);
}

/* UTF-8 is checked in chunks: sequences cut by a chunk boundary are fine, broken ones are not
 * (NUL, overlong forms, surrogates, past U+10FFFF, cut at the end of the file). */
static void test_sniff_checks_utf8_across_chunks(void **state)
{
    (void)state;
    static const char unit[] = "a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80"; /* a é € 😀: 10 bytes */
    size_t n = 100 * 1024;
    char *buf = malloc(n + 8);
    assert_non_null(buf);
    for (size_t i = 0; i < n; i += 10)
        memcpy(buf + i, unit, 10);
    char err[256];
    const char *path = temp_file(buf, n);
    assert_int_equal(sniff(path, ".txt", err, sizeof(err)), IA_OK);
    unlink(path);

    static const char *const broken[] = { "\x00",         "\xC0\xAF",
                                          "\xED\xA0\x80", "\xF4\x90\x80\x80",
                                          "\xE2\x82",     "\xFF" };
    static const size_t broken_len[] = { 1, 2, 3, 4, 2, 1 };
    for (size_t k = 0; k < COUNT(broken); k++) {
        memcpy(buf + n - 5, broken[k], broken_len[k]);
        path = temp_file(buf, n - 5 + broken_len[k]);
        int rc = sniff(path, ".txt", err, sizeof(err));
        unlink(path);
        if (rc != IA_ERR_INVALID)
            fail_msg("broken sequence %zu was accepted", k);
        assert_string_equal(err, "the file is not UTF-8 text");
    }
    free(buf);
}

/* ---- extraction of good documents ------------------------------------------------------- */

static void test_pdf_text_of_every_page(void **state)
{
    outcome o = extract(*state, NULL, fixture("resume.pdf"), ".pdf");
    if (o.rc != IA_OK)
        fail_msg("%s", o.err);
    printf("resume.pdf: %zu bytes of text in %.3f s\n", o.len, o.seconds);
    assert_non_null(strstr(o.text, "MARTA OKONKWO-LIND\nSenior Backend Engineer\n"));
    assert_non_null(strstr(o.text, "Languages: Python, Golang, SQL, Bash"));
    assert_non_null(strstr(o.text, "Jan 2022 \xE2\x80\x93 Present")); /* en dash, WinAnsi */
    assert_non_null(strstr(o.text, "Quillfeather Labs"));             /* page 2 */
    assert_non_null(strstr(o.text, "University of Cascadia"));
    assert_null(strchr(o.text, '\r'));
}

static void test_docx_paragraphs_breaks_and_table_cells(void **state)
{
    outcome o = extract(*state, NULL, fixture("resume.docx"), ".docx");
    if (o.rc != IA_OK)
        fail_msg("%s", o.err);
    assert_true(strncmp(o.text, "Devin Achterberg\n", 17) == 0);
    assert_non_null(strstr(o.text, "devin.achterberg@example.com\t555-214-7781\tColumbus, Ohio\n"));
    assert_non_null(strstr(o.text, "Tallgrass Media\n2024-07 to present\n")); /* w:br */
    assert_non_null(strstr(o.text, "\nLanguages\tJavaScript (ES2022), TypeScript\n"));
    assert_non_null(strstr(o.text, "\nFrameworks\tReact Redux\n")); /* two paragraphs, one cell */
    assert_non_null(strstr(o.text, "\nTools\tJest, Git, Webpack\n"));
    /* A text box is written twice (mc:Choice and mc:Fallback); its text appears once. */
    assert_int_equal(count_of(o.text, "Open to relocation"), 1);
}

static void test_txt_without_bom_and_crlf(void **state)
{
    outcome o = extract(*state, NULL, fixture("resume_bom_crlf.txt"), ".txt");
    if (o.rc != IA_OK)
        fail_msg("%s", o.err);
    assert_true(strncmp(o.text, "Priya Raman \xE2\x80\x94 DevOps Engineer\n", 28) == 0);
    assert_null(strchr(o.text, '\r'));
    assert_non_null(strstr(o.text, "\nEXPERIENCE\nDevOps Engineer, Mesquite Cloud"));
}

/* ---- documents refused -------------------------------------------------------------------- */

static void test_scanned_pdf_has_no_extractable_text(void **state)
{
    outcome o = extract(*state, NULL, fixture("image_only.pdf"), ".pdf");
    assert_int_equal(o.rc, IA_ERR_INVALID);
    assert_string_equal(o.err, "No extractable text: the PDF contains only images");
    assert_string_equal(o.err, EXTRACT_NO_TEXT_PDF);
}

static void test_broken_documents_are_refused_with_a_reason(void **state)
{
    static const char *const cases[][3] = {
        { "encrypted.pdf", ".pdf", "the PDF is protected by a password" },
        { "truncated.pdf", ".pdf", "the PDF is damaged and cannot be read" },
        { "executable_renamed.pdf", ".pdf", "the PDF is damaged and cannot be read" },
        { "no_document.docx", ".docx", "the file is not a Word document (no word/document.xml)" },
        { "pdf_renamed.docx", ".docx", "the Word document is damaged (not a ZIP archive)" },
        { "resume.pdf", ".txt", "the file is not UTF-8 text" },
        { "resume.pdf", ".rtf", "unsupported file type" },
    };
    for (size_t i = 0; i < COUNT(cases); i++) {
        outcome o = extract(*state, NULL, fixture(cases[i][0]), cases[i][1]);
        if (o.rc != IA_ERR_INVALID || strcmp(o.err, cases[i][2]) != 0)
            fail_msg("%s as %s: rc %d, \"%s\"", cases[i][0], cases[i][1], o.rc, o.err);
    }
}

/* 100 MiB of XML behind 100 KiB of deflate, with honest and with lying headers: refused after
 * at most EXTRACT_DOCX_XML_MAX bytes, well within the time limit. */
static void test_zip_bombs_are_refused_in_bounded_time(void **state)
{
    extract_limits lim;
    limits(&lim);
    lim.timeout_ms = 10000;
    static const char *const bombs[] = { "bomb.docx", "bomb_lying.docx" };
    for (size_t i = 0; i < 2; i++) {
        outcome o = extract(*state, &lim, bomb(bombs[i]), ".docx");
        printf("%s: \"%s\" in %.3f s\n", bombs[i], o.err, o.seconds);
        assert_int_equal(o.rc, IA_ERR_INVALID);
        assert_string_equal(o.err, "the document is too large when decompressed");
    }
}

/* The entity declared on file:///etc/passwd is neither loaded nor expanded; the nested "lol"
 * entities are not expanded either (libxml2 refuses the document). */
static void test_xml_entities_are_never_expanded(void **state)
{
    outcome o = extract(*state, NULL, fixture("external_entity.docx"), ".docx");
    if (o.rc != IA_OK)
        fail_msg("%s", o.err);
    assert_non_null(strstr(o.text, "Name: Eve Example"));
    assert_null(strstr(o.text, "root:"));
    assert_true(o.len < 100);

    o = extract(*state, NULL, fixture("billion_laughs.docx"), ".docx");
    printf("billion_laughs.docx: rc %d \"%s\" in %.3f s\n", o.rc, o.err, o.seconds);
    if (o.rc == IA_OK)
        assert_true(o.len < 1000 && strstr(o.text, "lollol") == NULL);
    else
        assert_int_equal(o.rc, IA_ERR_INVALID);
}

static void test_too_much_text_is_refused(void **state)
{
    extract_limits lim;
    limits(&lim);
    lim.max_text_bytes = 100;
    static const char *const cases[][2] = { { "resume.pdf", ".pdf" },
                                            { "resume.docx", ".docx" },
                                            { "resume_bom_crlf.txt", ".txt" } };
    for (size_t i = 0; i < 3; i++) {
        outcome o = extract(*state, &lim, fixture(cases[i][0]), cases[i][1]);
        assert_int_equal(o.rc, IA_ERR_INVALID);
        assert_string_equal(o.err, "the document has more than 100 bytes of text");
    }
}

/* ---- the sandbox ------------------------------------------------------------------------ */

static void test_timeout_kills_and_reaps_the_child(void **state)
{
    extract_limits lim;
    limits(&lim);
    lim.timeout_ms = 300;
    outcome o = extract(*state, &lim, fixture("resume.pdf"), "test:sleep");
    assert_int_equal(o.rc, IA_ERR_TIMEOUT);
    assert_string_equal(o.err, "text extraction timed out after 0.3s");
    assert_true(o.seconds >= 0.3 && o.seconds < 5);
}

static void test_a_crash_is_an_internal_error(void **state)
{
    outcome o = extract(*state, NULL, fixture("resume.pdf"), "test:crash");
    assert_int_equal(o.rc, IA_ERR_INTERNAL);
    assert_string_equal(o.err, "text extraction crashed (signal 11)");
}

static void test_the_filter_denies_files_and_kills_on_sockets(void **state)
{
    outcome o = extract(*state, NULL, fixture("resume.pdf"), "test:open");
    assert_int_equal(o.rc, IA_ERR_INVALID);
    assert_string_equal(o.err, "open(/etc/passwd): Permission denied");

    o = extract(*state, NULL, fixture("resume.pdf"), "test:socket");
    assert_int_equal(o.rc, IA_ERR_INTERNAL);
    assert_string_equal(o.err, "text extraction crashed (signal 31)"); /* SIGSYS */
}

static void test_cpu_and_memory_limits(void **state)
{
    extract_limits lim;
    limits(&lim);
    lim.cpu_seconds = 1;
    outcome o = extract(*state, &lim, fixture("resume.pdf"), "test:spin");
    printf("test:spin with 1 s of CPU: \"%s\" after %.3f s\n", o.err, o.seconds);
    assert_int_equal(o.rc, IA_ERR_INTERNAL);
    assert_string_equal(o.err, "text extraction crashed (signal 24)"); /* SIGXCPU */

    if (SANITIZED) {
        printf("memory limit not applied in sanitizer builds: skipped\n");
        return;
    }
    limits(&lim);
    lim.memory_bytes = 256LL << 20;
    o = extract(*state, &lim, fixture("resume.pdf"), "test:alloc");
    assert_int_equal(o.rc, IA_ERR_INTERNAL);
    assert_string_equal(o.err, "text extraction failed (exit 1: out of memory)");
}

/* The child sees none of the service's environment (SECRET_KEY, DATABASE_URL, ...). */
static void test_the_child_gets_no_secrets(void **state)
{
    setenv("SECRET_KEY", "child-must-not-see-this-0123456789abcdef", 1);
    outcome o = extract(*state, NULL, fixture("resume.pdf"), "test:env");
    unsetenv("SECRET_KEY");
    if (o.rc != IA_OK)
        fail_msg("%s", o.err);
    assert_non_null(strstr(o.text, "IA_EXTRACT_TEST_MODES=1\n"));
    assert_null(strstr(o.text, "SECRET_KEY"));
    assert_null(strstr(o.text, "IA_SOURCE_ROOT"));
}

static void test_a_missing_binary_is_an_io_error(void **state)
{
    extract_limits lim;
    limits(&lim);
    lim.exe_path = "/nonexistent/interviewace";
    outcome o = extract(*state, &lim, fixture("resume.pdf"), ".pdf");
    assert_int_equal(o.rc, IA_ERR_IO);
    assert_string_equal(o.err, "cannot start text extraction: No such file or directory");
    o = extract(*state, NULL, fixture("no-such-file.pdf"), ".pdf");
    assert_int_equal(o.rc, IA_ERR_IO);
}

typedef struct {
    const char *path;
    const char *ext;
    int failures;
} thread_job;

static void *extract_thread(void *p)
{
    thread_job *job = p;
    extract_limits lim;
    extract_limits_default(&lim);
    lim.exe_path = getenv("IA_BINARY");
    for (int i = 0; i < 3; i++) {
        arena *a = arena_create(1024 * 1024);
        char *text = NULL, err[256];
        size_t len = 0;
        if (a == NULL ||
            extract_text(&lim, job->path, job->ext, a, &text, &len, err, sizeof(err)) != IA_OK ||
            strstr(text, job->ext[1] == 'p' ? "Quillfeather" : "Tallgrass") == NULL)
            job->failures++;
        arena_destroy(a);
    }
    return NULL;
}

static void test_pdf_and_docx_from_several_threads(void **state)
{
    (void)state;
    char pdf[4096], docx[4096];
    snprintf(pdf, sizeof(pdf), "%s", fixture("resume.pdf"));
    snprintf(docx, sizeof(docx), "%s", fixture("resume.docx"));
    int fds = count_fds();
    pthread_t th[THREADS];
    thread_job jobs[THREADS];
    for (int i = 0; i < THREADS; i++) {
        jobs[i] = (thread_job){ i % 2 ? docx : pdf, i % 2 ? ".docx" : ".pdf", 0 };
        assert_int_equal(pthread_create(&th[i], NULL, extract_thread, &jobs[i]), 0);
    }
    for (int i = 0; i < THREADS; i++) {
        pthread_join(th[i], NULL);
        assert_int_equal(jobs[i].failures, 0);
    }
    assert_no_child();
    assert_int_equal(count_fds(), fds);
}

static void test_limits_come_from_the_configuration(void **state)
{
    (void)state;
    ia_config cfg;
    memset(&cfg, 0, sizeof(cfg));
    cfg.extract_timeout_ms = 12000;
    cfg.extract_cpu_seconds = 7;
    cfg.extract_memory_bytes = 128LL << 20;
    extract_limits lim;
    extract_limits_from_config(&cfg, &lim);
    assert_int_equal(lim.timeout_ms, 12000);
    assert_int_equal(lim.cpu_seconds, 7);
    assert_int_equal(lim.memory_bytes, 128LL << 20);
    assert_int_equal(lim.max_text_bytes, EXTRACT_TEXT_MAX_DEFAULT);
    assert_null(lim.exe_path);
}

int main(void)
{
    setenv("IA_EXTRACT_TEST_MODES", "1", 1);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sniff_accepts_each_good_type),
        cmocka_unit_test(test_sniff_refuses_content_that_does_not_match),
        cmocka_unit_test(test_sniff_checks_utf8_across_chunks),
        cmocka_unit_test(test_pdf_text_of_every_page),
        cmocka_unit_test(test_docx_paragraphs_breaks_and_table_cells),
        cmocka_unit_test(test_txt_without_bom_and_crlf),
        cmocka_unit_test(test_pdf_and_docx_from_several_threads),
        cmocka_unit_test(test_scanned_pdf_has_no_extractable_text),
        cmocka_unit_test(test_broken_documents_are_refused_with_a_reason),
        cmocka_unit_test(test_zip_bombs_are_refused_in_bounded_time),
        cmocka_unit_test(test_xml_entities_are_never_expanded),
        cmocka_unit_test(test_too_much_text_is_refused),
        cmocka_unit_test(test_timeout_kills_and_reaps_the_child),
        cmocka_unit_test(test_a_crash_is_an_internal_error),
        cmocka_unit_test(test_the_filter_denies_files_and_kills_on_sockets),
        cmocka_unit_test(test_cpu_and_memory_limits),
        cmocka_unit_test(test_the_child_gets_no_secrets),
        cmocka_unit_test(test_a_missing_binary_is_an_io_error),
        cmocka_unit_test(test_limits_come_from_the_configuration),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
