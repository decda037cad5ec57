/* Unit tests for src/files/: the key rules, and the local backend's promises — round trips,
 * copy, delete, list, bounded reads, atomic replacement that leaves no temporary file behind,
 * symbolic links never followed, the readiness check, concurrent use, and the sweep of the
 * temporary files that interrupted writes leave. The S3 backend is
 * opened without network access here; its requests are tested against a real S3-compatible
 * server in tests/integration/test_storage.py. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/config.h"
#include "core/errors.h"
#include "files/storage.h"
#include "core/util.h"

#define THREADS         4
#define KEYS_PER_THREAD 40

typedef struct {
    char root[256]; /* a fresh temporary directory */
    char dir[320];  /* STORAGE_DIR, two levels below root, created by storage_open */
    char src[320];  /* a scratch file to store */
    char dst[320];  /* a scratch file to fetch into */
    ia_config cfg;
    storage *s;
    arena *a;
    char err[512];
} fixture;

/* Writes len bytes of a repeating pattern that starts at seed into path. */
static void write_file(const char *path, size_t len, unsigned seed)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    for (size_t i = 0; i < len; i++)
        fputc((int)((seed + i * 7) & 0xff), f);
    assert_int_equal(fclose(f), 0);
}

static bool same_pattern(const char *data, size_t len, size_t want, unsigned seed)
{
    if (len != want)
        return false;
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)data[i] != (unsigned char)((seed + i * 7) & 0xff))
            return false;
    return true;
}

static void remove_tree(const char *path)
{
    char cmd[600];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", path);
    assert_int_equal(system(cmd), 0);
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof(*f));
    assert_non_null(f);
    snprintf(f->root, sizeof(f->root), "/tmp/ia-test-storage-XXXXXX");
    assert_non_null(mkdtemp(f->root));
    snprintf(f->dir, sizeof(f->dir), "%s/data/files", f->root);
    snprintf(f->src, sizeof(f->src), "%s/upload.tmp", f->root);
    snprintf(f->dst, sizeof(f->dst), "%s/fetched.tmp", f->root);
    f->cfg.storage_backend = STORAGE_LOCAL;
    f->cfg.storage_dir = f->dir;
    assert_int_equal(storage_open(&f->cfg, &f->s, f->err, sizeof(f->err)), IA_OK);
    f->a = arena_create(64u * 1024u * 1024u);
    assert_non_null(f->a);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    storage_close(f->s);
    arena_destroy(f->a);
    remove_tree(f->root);
    free(f);
    return 0;
}

/* Stores len bytes of pattern seed under key. */
static void put(fixture *f, const char *key, size_t len, unsigned seed)
{
    write_file(f->src, len, seed);
    int rc = storage_put_file(f->s, key, f->src, f->err, sizeof(f->err));
    if (rc != IA_OK)
        fail_msg("put %s: %s (%s)", key, ia_strerror(rc), f->err);
}

/* Number of entries of dir whose name starts with ".tmp-". */
static int temp_files_in(const char *dir)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        n += strncmp(e->d_name, ".tmp-", 5) == 0;
    closedir(d);
    return n;
}

/* ---- key rules ----------------------------------------------------------------------------- */

static void test_keys_follow_the_documented_rules(void **state)
{
    (void)state;
    char longest[STORAGE_KEY_MAX + 2], deep[64];
    memset(longest, 'a', STORAGE_KEY_MAX);
    longest[STORAGE_KEY_MAX] = '\0';
    assert_true(storage_key_valid(longest));
    longest[STORAGE_KEY_MAX] = 'a';
    longest[STORAGE_KEY_MAX + 1] = '\0';
    assert_false(storage_key_valid(longest));
    snprintf(deep, sizeof(deep), "a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p");
    assert_true(storage_key_valid(deep)); /* 16 segments */
    snprintf(deep, sizeof(deep), "a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p/q");
    assert_false(storage_key_valid(deep));

    static const char *const good[] = {
        "a",
        "resumes/0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b/0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5c.pdf",
        "x_y-z.1/2",
        "a.b.c",
    };
    for (size_t i = 0; i < COUNT(good); i++)
        if (!storage_key_valid(good[i]))
            fail_msg("refused the valid key \"%s\"", good[i]);
    static const char *const bad[] = {
        "",     "../x", "/abs",  "a/../b", "a/..",  "..",         "a//b",  "a/",
        ".env", "a/.b", "A.pdf", "a b",    "a\\b",  "%2e%2e/x",   "a\nb",  "resumes/x?y",
        "é",    "a:b",  ".",     "./a",    "a/./b", "a/b/.tmp-1", "a\x7f",
    };
    for (size_t i = 0; i < COUNT(bad); i++)
        if (storage_key_valid(bad[i]))
            fail_msg("accepted the invalid key \"%s\"", bad[i]);
    assert_false(storage_key_valid(NULL));
}

static void test_every_operation_refuses_an_invalid_key(void **state)
{
    fixture *f = *state;
    write_file(f->src, 10, 1);
    char *data = NULL;
    size_t len = 0;
    static const char *const bad[] = { "../x", "/abs", "a/../../etc/passwd", "" };
    for (size_t i = 0; i < COUNT(bad); i++) {
        const char *k = bad[i];
        assert_int_equal(storage_put_file(f->s, k, f->src, f->err, sizeof(f->err)), IA_ERR_INVALID);
        assert_non_null(strstr(f->err, "invalid storage key"));
        assert_int_equal(storage_get(f->s, f->a, k, 100, &data, &len, f->err, sizeof(f->err)),
                         IA_ERR_INVALID);
        assert_int_equal(storage_get_file(f->s, k, f->dst, 100, f->err, sizeof(f->err)),
                         IA_ERR_INVALID);
        assert_int_equal(storage_copy(f->s, "ok", k, f->err, sizeof(f->err)), IA_ERR_INVALID);
        assert_int_equal(storage_copy(f->s, k, "ok", f->err, sizeof(f->err)), IA_ERR_INVALID);
        assert_int_equal(storage_delete(f->s, k, f->err, sizeof(f->err)), IA_ERR_INVALID);
    }
    assert_int_equal(storage_list(f->s, "../", NULL, NULL, f->err, sizeof(f->err)), IA_ERR_INVALID);
    assert_int_equal(storage_list(f->s, "/x", NULL, NULL, f->err, sizeof(f->err)), IA_ERR_INVALID);
    /* Nothing was written outside (or inside) the storage directory. */
    char outside[400];
    snprintf(outside, sizeof(outside), "%s/data/x", f->root);
    assert_int_equal(access(outside, F_OK), -1);
}

/* ---- the local backend --------------------------------------------------------------------- */

static void test_open_creates_the_directory_readable_by_the_owner_only(void **state)
{
    fixture *f = *state;
    struct stat st;
    assert_int_equal(stat(f->dir, &st), 0);
    assert_true(S_ISDIR(st.st_mode));
    assert_int_equal(st.st_mode & 0777, 0700);
    assert_string_equal(storage_backend_name(f->s), "local");
    assert_int_equal(storage_check(f->s, f->err, sizeof(f->err)), IA_OK);
}

static void test_put_then_get_returns_the_same_bytes(void **state)
{
    fixture *f = *state;
    const char *key = "resumes/u1/a.pdf";
    put(f, key, 100000, 3);
    char *data = NULL;
    size_t len = 0;
    assert_int_equal(storage_get(f->s, f->a, key, 100000, &data, &len, f->err, sizeof(f->err)),
                     IA_OK);
    assert_true(same_pattern(data, len, 100000, 3));
    assert_int_equal(data[len], '\0');
    assert_int_equal(storage_get_file(f->s, key, f->dst, 100000, f->err, sizeof(f->err)), IA_OK);
    char *copy = NULL;
    FILE *fp = fopen(f->dst, "rb");
    assert_non_null(fp);
    copy = malloc(100001);
    assert_non_null(copy);
    size_t got = fread(copy, 1, 100001, fp);
    fclose(fp);
    assert_true(same_pattern(copy, got, 100000, 3));
    free(copy);
    /* The stored object and its directory are private to the service. */
    char path[512];
    struct stat st;
    snprintf(path, sizeof(path), "%s/%s", f->dir, key);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    snprintf(path, sizeof(path), "%s/resumes/u1", f->dir);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0700);
    /* The source file is the caller's: it is still there. */
    assert_int_equal(access(f->src, F_OK), 0);
}

static void test_empty_objects_round_trip(void **state)
{
    fixture *f = *state;
    put(f, "empty.txt", 0, 0);
    char *data = NULL;
    size_t len = 99;
    assert_int_equal(storage_get(f->s, f->a, "empty.txt", 10, &data, &len, f->err, sizeof(f->err)),
                     IA_OK);
    assert_int_equal(len, 0);
    assert_string_equal(data, "");
}

static void test_put_replaces_an_object(void **state)
{
    fixture *f = *state;
    put(f, "k/v.txt", 500, 1);
    put(f, "k/v.txt", 300, 9);
    char *data = NULL;
    size_t len = 0;
    assert_int_equal(storage_get(f->s, f->a, "k/v.txt", 1000, &data, &len, f->err, sizeof(f->err)),
                     IA_OK);
    assert_true(same_pattern(data, len, 300, 9));
    char dir[400];
    snprintf(dir, sizeof(dir), "%s/k", f->dir);
    assert_int_equal(temp_files_in(dir), 0);
}

static void test_a_missing_key_is_not_found(void **state)
{
    fixture *f = *state;
    char *data = NULL;
    size_t len = 0;
    put(f, "resumes/u1/a.pdf", 10, 1);
    static const char *const missing[] = { "resumes/u1/b.pdf", "resumes/u2/a.pdf", "nothing" };
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(
            storage_get(f->s, f->a, missing[i], 100, &data, &len, f->err, sizeof(f->err)),
            IA_NOT_FOUND);
        assert_int_equal(storage_get_file(f->s, missing[i], f->dst, 100, f->err, sizeof(f->err)),
                         IA_NOT_FOUND);
        assert_int_equal(access(f->dst, F_OK), -1);
        assert_int_equal(storage_copy(f->s, missing[i], "x/y", f->err, sizeof(f->err)),
                         IA_NOT_FOUND);
    }
    /* A directory is not an object. */
    assert_int_not_equal(
        storage_get(f->s, f->a, "resumes/u1", 100, &data, &len, f->err, sizeof(f->err)), IA_OK);
}

static void test_get_is_bounded_by_max_bytes(void **state)
{
    fixture *f = *state;
    put(f, "big.bin", 1000, 5);
    char *data = NULL;
    size_t len = 0;
    assert_int_equal(storage_get(f->s, f->a, "big.bin", 999, &data, &len, f->err, sizeof(f->err)),
                     IA_ERR_TOO_LARGE);
    assert_null(data);
    assert_non_null(strstr(f->err, "larger than 999 bytes"));
    assert_int_equal(storage_get(f->s, f->a, "big.bin", 1000, &data, &len, f->err, sizeof(f->err)),
                     IA_OK);
    assert_true(same_pattern(data, len, 1000, 5));
    assert_int_equal(storage_get_file(f->s, "big.bin", f->dst, 999, f->err, sizeof(f->err)),
                     IA_ERR_TOO_LARGE);
    assert_int_equal(access(f->dst, F_OK), -1); /* no partial copy left */
    assert_int_equal(storage_get_file(f->s, "big.bin", f->dst, 1000, f->err, sizeof(f->err)),
                     IA_OK);
}

static void test_copy_makes_an_independent_object(void **state)
{
    fixture *f = *state;
    put(f, "resumes/u1/v1.pdf", 2000, 4);
    assert_int_equal(storage_copy(f->s, "resumes/u1/v1.pdf", "resumes/u1/versions/v2.pdf", f->err,
                                  sizeof(f->err)),
                     IA_OK);
    assert_int_equal(storage_delete(f->s, "resumes/u1/v1.pdf", f->err, sizeof(f->err)), IA_OK);
    char *data = NULL;
    size_t len = 0;
    assert_int_equal(storage_get(f->s, f->a, "resumes/u1/versions/v2.pdf", 5000, &data, &len,
                                 f->err, sizeof(f->err)),
                     IA_OK);
    assert_true(same_pattern(data, len, 2000, 4));
}

static void test_delete_removes_and_an_absent_key_is_ok(void **state)
{
    fixture *f = *state;
    put(f, "d/x.txt", 10, 1);
    assert_int_equal(storage_delete(f->s, "d/x.txt", f->err, sizeof(f->err)), IA_OK);
    char *data = NULL;
    size_t len = 0;
    assert_int_equal(storage_get(f->s, f->a, "d/x.txt", 100, &data, &len, f->err, sizeof(f->err)),
                     IA_NOT_FOUND);
    assert_int_equal(storage_delete(f->s, "d/x.txt", f->err, sizeof(f->err)), IA_OK);
    assert_int_equal(storage_delete(f->s, "no/such/dir/x.txt", f->err, sizeof(f->err)), IA_OK);
}

typedef struct {
    char keys[32][STORAGE_KEY_MAX + 1];
    int n;
    int stop_after; /* 0 = never */
    int64_t min_ms, max_ms;
} listing;

static int collect(const char *key, int64_t modified_ms, void *ctx)
{
    listing *l = ctx;
    if (l->n >= 32)
        return IA_ERR_TOO_LARGE;
    snprintf(l->keys[l->n++], STORAGE_KEY_MAX + 1, "%s", key);
    if (l->min_ms == 0 || modified_ms < l->min_ms)
        l->min_ms = modified_ms;
    if (modified_ms > l->max_ms)
        l->max_ms = modified_ms;
    if (l->stop_after > 0 && l->n >= l->stop_after)
        return IA_ERR_CONFLICT;
    return IA_OK;
}

static int by_name(const void *a, const void *b)
{
    return strcmp((const char *)a, (const char *)b);
}

/* Lists prefix into l (sorted) and returns the result code. */
static int list_sorted(fixture *f, const char *prefix, listing *l)
{
    memset(l, 0, sizeof(*l));
    int rc = storage_list(f->s, prefix, collect, l, f->err, sizeof(f->err));
    qsort(l->keys, (size_t)l->n, sizeof(l->keys[0]), by_name);
    return rc;
}

static void test_list_reports_the_keys_under_a_prefix_with_their_times(void **state)
{
    fixture *f = *state;
    int64_t before = (int64_t)time(NULL) * 1000 - 2000;
    put(f, "resumes/u1/a.pdf", 1, 1);
    put(f, "resumes/u1/b.docx", 1, 1);
    put(f, "resumes/u2/c.txt", 1, 1);
    put(f, "resumesx/d.txt", 1, 1);
    put(f, "other/e.txt", 1, 1);
    int64_t after = (int64_t)time(NULL) * 1000 + 2000;

    listing l;
    assert_int_equal(list_sorted(f, "resumes/", &l), IA_OK);
    assert_int_equal(l.n, 3);
    assert_string_equal(l.keys[0], "resumes/u1/a.pdf");
    assert_string_equal(l.keys[1], "resumes/u1/b.docx");
    assert_string_equal(l.keys[2], "resumes/u2/c.txt");
    assert_true(l.min_ms >= before && l.max_ms <= after);

    assert_int_equal(list_sorted(f, "resumes/u1/", &l), IA_OK);
    assert_int_equal(l.n, 2);
    assert_int_equal(list_sorted(f, "resumes/u1/a", &l), IA_OK);
    assert_int_equal(l.n, 1);
    assert_int_equal(list_sorted(f, "resumes", &l), IA_OK);
    assert_int_equal(l.n, 4);
    assert_int_equal(list_sorted(f, "", &l), IA_OK);
    assert_int_equal(l.n, 5);
    assert_int_equal(list_sorted(f, "nothing/", &l), IA_OK);
    assert_int_equal(l.n, 0);

    /* The callback can stop the listing; its code comes back. */
    memset(&l, 0, sizeof(l));
    l.stop_after = 2;
    assert_int_equal(storage_list(f->s, "", collect, &l, f->err, sizeof(f->err)), IA_ERR_CONFLICT);
    assert_int_equal(l.n, 2);

    /* Deleting from inside the callback (as orphan removal does) is safe. */
    assert_int_equal(list_sorted(f, "resumes/u1/", &l), IA_OK);
    for (int i = 0; i < l.n; i++)
        assert_int_equal(storage_delete(f->s, l.keys[i], f->err, sizeof(f->err)), IA_OK);
    assert_int_equal(list_sorted(f, "resumes/", &l), IA_OK);
    assert_int_equal(l.n, 1);
}

static void test_a_failed_write_leaves_no_temporary_file_and_the_old_object(void **state)
{
    fixture *f = *state;
    put(f, "resumes/u1/a.pdf", 1000, 1);
    write_file(f->src, 256 * 1024, 2);

    /* The file-size limit makes the copy fail part-way, as a full disk would. */
    struct rlimit old, small = { 64 * 1024, 0 };
    assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
    small.rlim_max = old.rlim_max;
    void (*prev)(int) = signal(SIGXFSZ, SIG_IGN);
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &small), 0);
    int rc = storage_put_file(f->s, "resumes/u1/a.pdf", f->src, f->err, sizeof(f->err));
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
    signal(SIGXFSZ, prev);
    assert_int_equal(rc, IA_ERR_IO);
    assert_non_null(strstr(f->err, "resumes/u1/a.pdf"));

    char dir[400];
    snprintf(dir, sizeof(dir), "%s/resumes/u1", f->dir);
    assert_int_equal(temp_files_in(dir), 0);
    char *data = NULL;
    size_t len = 0;
    assert_int_equal(
        storage_get(f->s, f->a, "resumes/u1/a.pdf", 1 << 20, &data, &len, f->err, sizeof(f->err)),
        IA_OK);
    assert_true(same_pattern(data, len, 1000, 1));

    /* A source that cannot be read (a directory) fails the same clean way. */
    assert_int_equal(storage_put_file(f->s, "resumes/u1/b.pdf", f->root, f->err, sizeof(f->err)),
                     IA_ERR_IO);
    assert_int_equal(temp_files_in(dir), 0);
    assert_int_equal(
        storage_get(f->s, f->a, "resumes/u1/b.pdf", 100, &data, &len, f->err, sizeof(f->err)),
        IA_NOT_FOUND);
    /* A missing source creates nothing either. */
    assert_int_equal(
        storage_put_file(f->s, "resumes/u9/c.pdf", "/nonexistent/file", f->err, sizeof(f->err)),
        IA_ERR_IO);
}

static void test_symbolic_links_inside_the_directory_are_never_followed(void **state)
{
    fixture *f = *state;
    char outside[300], link[400], secret[400], flink[400];
    snprintf(outside, sizeof(outside), "%s/outside", f->root);
    assert_int_equal(mkdir(outside, 0700), 0);
    snprintf(secret, sizeof(secret), "%s/secret.txt", outside);
    write_file(secret, 50, 7);
    snprintf(link, sizeof(link), "%s/evil", f->dir);
    assert_int_equal(symlink(outside, link), 0);
    snprintf(flink, sizeof(flink), "%s/file.txt", f->dir);
    assert_int_equal(symlink(secret, flink), 0);

    char *data = NULL;
    size_t len = 0;
    write_file(f->src, 10, 1);
    assert_int_equal(storage_put_file(f->s, "evil/x.txt", f->src, f->err, sizeof(f->err)),
                     IA_ERR_IO);
    assert_int_equal(temp_files_in(outside), 0);
    snprintf(link, sizeof(link), "%s/x.txt", outside);
    assert_int_equal(access(link, F_OK), -1);
    assert_int_equal(
        storage_get(f->s, f->a, "evil/secret.txt", 100, &data, &len, f->err, sizeof(f->err)),
        IA_ERR_IO);
    assert_int_equal(storage_get(f->s, f->a, "file.txt", 100, &data, &len, f->err, sizeof(f->err)),
                     IA_ERR_IO);
    assert_null(data);
    /* Replacing a symlinked key stores a file in its place; the target is untouched. */
    assert_int_equal(storage_put_file(f->s, "file.txt", f->src, f->err, sizeof(f->err)), IA_OK);
    struct stat st;
    assert_int_equal(lstat(flink, &st), 0);
    assert_true(S_ISREG(st.st_mode));
    assert_int_equal(stat(secret, &st), 0);
    assert_int_equal(st.st_size, 50);
    listing l;
    assert_int_equal(list_sorted(f, "", &l), IA_OK);
    assert_int_equal(l.n, 1); /* file.txt; nothing through "evil" */
    assert_string_equal(l.keys[0], "file.txt");
}

static void test_check_fails_when_the_directory_is_gone(void **state)
{
    fixture *f = *state;
    assert_int_equal(storage_check(f->s, f->err, sizeof(f->err)), IA_OK);
    remove_tree(f->dir);
    write_file(f->dir, 3, 0); /* a regular file where the directory was */
    assert_int_equal(storage_check(f->s, f->err, sizeof(f->err)), IA_ERR_UNAVAILABLE);
    assert_non_null(strstr(f->err, f->dir));
    unlink(f->dir);
}

typedef struct {
    fixture *f;
    int id;
    int failures;
} worker_arg;

/* Each thread stores, reads back, copies and deletes its own keys in shared directories. */
static void *worker(void *p)
{
    worker_arg *w = p;
    char src[400], err[512];
    snprintf(src, sizeof(src), "%s/src-%d", w->f->root, w->id);
    arena *a = arena_create(1 << 20);
    for (int i = 0; i < KEYS_PER_THREAD && a != NULL; i++) {
        char key[64], copy[64];
        snprintf(key, sizeof(key), "resumes/shared/t%d-%d.bin", w->id, i);
        snprintf(copy, sizeof(copy), "resumes/copies/t%d-%d.bin", w->id, i);
        FILE *fp = fopen(src, "wb");
        if (fp == NULL) {
            w->failures++;
            continue;
        }
        for (int k = 0; k < 1000; k++)
            fputc((w->id * 31 + i + k) & 0xff, fp);
        fclose(fp);
        char *data = NULL;
        size_t len = 0;
        if (storage_put_file(w->f->s, key, src, err, sizeof(err)) != IA_OK ||
            storage_copy(w->f->s, key, copy, err, sizeof(err)) != IA_OK ||
            storage_get(w->f->s, a, copy, 1000, &data, &len, err, sizeof(err)) != IA_OK ||
            len != 1000 || (unsigned char)data[999] != ((w->id * 31 + i + 999) & 0xff) ||
            storage_delete(w->f->s, key, err, sizeof(err)) != IA_OK)
            w->failures++;
    }
    arena_destroy(a);
    return NULL;
}

static void test_concurrent_use_from_several_threads(void **state)
{
    fixture *f = *state;
    pthread_t t[THREADS];
    worker_arg args[THREADS];
    for (int i = 0; i < THREADS; i++) {
        args[i] = (worker_arg){ f, i, 0 };
        assert_int_equal(pthread_create(&t[i], NULL, worker, &args[i]), 0);
    }
    for (int i = 0; i < THREADS; i++) {
        pthread_join(t[i], NULL);
        assert_int_equal(args[i].failures, 0);
    }
    listing l;
    memset(&l, 0, sizeof(l));
    int count = 0;
    assert_int_equal(list_sorted(f, "resumes/shared/", &l), IA_OK);
    count = l.n;
    assert_int_equal(count, 0);
    char dir[400];
    snprintf(dir, sizeof(dir), "%s/resumes/copies", f->dir);
    assert_int_equal(temp_files_in(dir), 0);
}

/* Creates path (a ".tmp-" file of an interrupted write, say) last modified age_s seconds ago. */
static void write_aged(const char *path, time_t age_s)
{
    write_file(path, 10, 3);
    struct timespec times[2];
    clock_gettime(CLOCK_REALTIME, &times[0]);
    times[0].tv_sec -= age_s;
    times[1] = times[0];
    assert_int_equal(utimensat(AT_FDCWD, path, times, 0), 0);
}

static void test_sweep_removes_old_temporary_files_of_interrupted_writes_only(void **state)
{
    fixture *f = *state;
    put(f, "resumes/u1/a.pdf", 100, 1);
    char dir[400], deep[400], outside[400], path[500], link[500];
    snprintf(dir, sizeof(dir), "%s/resumes/u1", f->dir);
    snprintf(deep, sizeof(deep), "%s/resumes/u2/v", f->dir);
    put(f, "resumes/u2/v/b.pdf", 100, 2);
    /* Two old ones (one deep down, one at the top), one young, one old outside the directory
     * reached through a symbolic link, and an old object that merely looks old. */
    snprintf(path, sizeof(path), "%s/.tmp-0123456789abcdef0123456789abcdef", dir);
    write_aged(path, 7200);
    snprintf(path, sizeof(path), "%s/.tmp-check-00112233445566778899aabbccddeeff", f->dir);
    write_aged(path, 7200);
    snprintf(path, sizeof(path), "%s/.tmp-fedcba9876543210fedcba9876543210", deep);
    write_aged(path, 7200);
    snprintf(path, sizeof(path), "%s/.tmp-ffffffffffffffffffffffffffffffff", deep);
    write_aged(path, 0);
    snprintf(outside, sizeof(outside), "%s/outside", f->root);
    assert_int_equal(mkdir(outside, 0700), 0);
    snprintf(path, sizeof(path), "%s/.tmp-00000000000000000000000000000000", outside);
    write_aged(path, 7200);
    snprintf(link, sizeof(link), "%s/resumes/linked", f->dir);
    assert_int_equal(symlink(outside, link), 0);
    snprintf(path, sizeof(path), "%s/a.pdf", dir);
    write_aged(path, 7200);

    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    int64_t hour_ago = (int64_t)now.tv_sec * 1000 - 3600 * 1000;
    long long removed = -1;
    assert_int_equal(storage_sweep_temp(f->s, hour_ago, &removed, f->err, sizeof(f->err)), IA_OK);
    assert_int_equal(removed, 3);
    assert_int_equal(temp_files_in(dir), 0);
    assert_int_equal(temp_files_in(f->dir), 0);
    assert_int_equal(temp_files_in(deep), 1); /* the young one */
    assert_int_equal(temp_files_in(outside), 1);
    listing l;
    assert_int_equal(list_sorted(f, "resumes/", &l), IA_OK);
    assert_int_equal(l.n, 2); /* objects are never swept, however old */

    /* Nothing left to remove: a second sweep finds nothing. */
    assert_int_equal(storage_sweep_temp(f->s, hour_ago, &removed, f->err, sizeof(f->err)), IA_OK);
    assert_int_equal(removed, 0);
}

/* ---- the S3 backend, offline ----------------------------------------------------------------- */

static void test_s3_backend_opens_without_a_request_and_checks_keys_first(void **state)
{
    fixture *f = *state;
    ia_config cfg;
    memset(&cfg, 0, sizeof(cfg));
    cfg.storage_backend = STORAGE_S3;
    cfg.s3_endpoint = "http://127.0.0.1:9"; /* the discard port: nothing answers */
    cfg.s3_bucket = "bucket";
    cfg.s3_region = "us-east-1";
    cfg.s3_access_key_id = "AKIDEXAMPLE";
    cfg.s3_secret_access_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    cfg.s3_force_path_style = 1;
    cfg.s3_timeout_ms = 2000;
    storage *s = NULL;
    assert_int_equal(storage_open(&cfg, &s, f->err, sizeof(f->err)), IA_OK);
    assert_string_equal(storage_backend_name(s), "s3");
    write_file(f->src, 10, 1);
    assert_int_equal(storage_put_file(s, "../x", f->src, f->err, sizeof(f->err)), IA_ERR_INVALID);
    /* An unreachable endpoint is a clear, non-secret error. */
    assert_int_equal(storage_check(s, f->err, sizeof(f->err)), IA_ERR_UNAVAILABLE);
    assert_non_null(strstr(f->err, "S3 bucket bucket"));
    assert_null(strstr(f->err, cfg.s3_secret_access_key));
    /* An interrupted upload leaves nothing in a bucket: the sweep has nothing to do. */
    long long removed = -1;
    assert_int_equal(storage_sweep_temp(s, INT64_MAX, &removed, f->err, sizeof(f->err)), IA_OK);
    assert_int_equal(removed, 0);
    storage_close(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_keys_follow_the_documented_rules),
        cmocka_unit_test_setup_teardown(test_every_operation_refuses_an_invalid_key, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_open_creates_the_directory_readable_by_the_owner_only,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_put_then_get_returns_the_same_bytes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_empty_objects_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_put_replaces_an_object, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_missing_key_is_not_found, setup, teardown),
        cmocka_unit_test_setup_teardown(test_get_is_bounded_by_max_bytes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_copy_makes_an_independent_object, setup, teardown),
        cmocka_unit_test_setup_teardown(test_delete_removes_and_an_absent_key_is_ok, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_list_reports_the_keys_under_a_prefix_with_their_times,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_a_failed_write_leaves_no_temporary_file_and_the_old_object, setup, teardown),
        cmocka_unit_test_setup_teardown(test_symbolic_links_inside_the_directory_are_never_followed,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_check_fails_when_the_directory_is_gone, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_concurrent_use_from_several_threads, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_sweep_removes_old_temporary_files_of_interrupted_writes_only, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_s3_backend_opens_without_a_request_and_checks_keys_first, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
