/* Fuzzes multipart upload parsing (src/http/upload.c over src/http/multipart.c): the input
 * is a Content-Type value (its first line) and a request body (the rest), driven through
 * upload_begin, upload_feed, upload_finish and upload_discard as the server does. The first
 * byte of the input sets the size of the pieces the body is fed in (1 to 255 bytes, or all at
 * once), so that boundaries split across reads are tried. Files go to a private temporary
 * directory (DATA_DIR), with MAX_FILE_SIZE small enough that the limit is crossed. Checked: a
 * finished upload describes a temporary file that exists with the size it reports, within
 * MAX_FILE_SIZE, the same whatever the piece size, and no file is left behind after
 * upload_discard. */
#include <dirent.h>
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/config.h"
#include "core/errors.h"
#include "fuzz.h"
#include "http/upload.h"

#define MAX_FILE 4096

static ia_config cfg;
static char tmp_dir[300];

/* Checks what a finished upload describes. */
static void check_upload(const http_upload *up)
{
    fuzz_check(up->nnames <= HTTP_UPLOAD_NAMES_MAX, "file names fit");
    fuzz_check((size_t)up->nfiles >= up->nnames, "every name is a file part");
    if (up->path == NULL)
        return;
    struct stat st;
    fuzz_check(stat(up->path, &st) == 0, "the temporary file exists");
    fuzz_check(st.st_size == up->size, "the temporary file has the size reported");
    fuzz_check(up->size <= MAX_FILE && !up->too_large, "a kept file is within the limit");
    fuzz_check(strncmp(up->path, tmp_dir, strlen(tmp_dir)) == 0, "the file is under DATA_DIR");
}

/* What one run ended with, to compare runs with different piece sizes. */
typedef struct {
    int rc; /* of begin, the first failed feed, or finish */
    int nfiles;
    int64_t size;
    bool too_large;
} outcome;

/* Runs one upload of body in pieces of piece bytes (0: at once). */
static outcome run(const char *ctype, const char *body, size_t len, size_t piece)
{
    outcome o = { 0 };
    arena *a = arena_create(1u << 20);
    if (a == NULL) {
        o.rc = IA_ERR_NOMEM;
        return o;
    }
    upload_state *u = NULL;
    o.rc = upload_begin(ctype, &cfg, a, &u);
    size_t step = piece ? piece : (len ? len : 1);
    for (size_t off = 0; o.rc == IA_OK && off < len; off += step)
        o.rc = upload_feed(u, body + off, len - off < step ? len - off : step);
    if (o.rc == IA_OK) {
        http_upload up;
        o.rc = upload_finish(u, &up);
        if (o.rc == IA_OK) {
            check_upload(&up);
            o.nfiles = up.nfiles;
            o.size = up.size;
            o.too_large = up.too_large;
        }
    }
    upload_discard(u);
    arena_destroy(a);
    return o;
}

/* Counts the files left in the temporary directory. */
static int files_left(void)
{
    DIR *dir = opendir(tmp_dir);
    int n = 0;
    if (dir == NULL)
        return 0;
    struct dirent *e;
    while ((e = readdir(dir)) != NULL) {
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0 &&
            strcmp(e->d_name, "tmp") != 0)
            n++;
    }
    closedir(dir);
    char sub[400];
    snprintf(sub, sizeof(sub), "%s/tmp", tmp_dir);
    if ((dir = opendir(sub)) != NULL) {
        while ((e = readdir(dir)) != NULL)
            n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
        closedir(dir);
    }
    return n;
}

/* Removes DATA_DIR/tmp at exit, before fuzz_tmpdir's own directory goes. */
static void remove_tmp(void)
{
    char sub[400];
    snprintf(sub, sizeof(sub), "%s/tmp", tmp_dir);
    rmdir(sub);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (tmp_dir[0] == '\0') {
        const char *dir = fuzz_tmpdir();
        fuzz_check(dir != NULL, "a temporary directory");
        snprintf(tmp_dir, sizeof(tmp_dir), "%s", dir);
        cfg.data_dir = tmp_dir;
        cfg.max_file_size = MAX_FILE;
        atexit(remove_tmp); /* runs before the directory's own removal (registered earlier) */
    }
    size_t piece = fuzz_take_byte(&data, &size);
    char *ctype, *body;
    if (fuzz_split_line(data, size, &ctype, &body) != 0)
        return 0;
    size_t ct_len = strlen(ctype);
    while (ct_len > 0 && ctype[ct_len - 1] == '\r')
        ctype[--ct_len] = '\0';
    const uint8_t *nl = memchr(data, '\n', size);
    size_t body_len = nl ? size - (size_t)(nl - data) - 1 : 0;
    const char *raw = nl ? (const char *)nl + 1 : "";
    outcome cut = run(ctype, raw, body_len, piece);
    fuzz_check(files_left() == 0, "no temporary file is left behind");
    outcome whole = run(ctype, raw, body_len, 0);
    fuzz_check(files_left() == 0, "no temporary file is left behind");
    fuzz_check(cut.rc == whole.rc && cut.nfiles == whole.nfiles && cut.size == whole.size &&
                   cut.too_large == whole.too_large,
               "the outcome depends on how the body is cut");
    free(ctype);
    free(body);
    return 0;
}
