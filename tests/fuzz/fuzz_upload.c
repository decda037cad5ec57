/* Fuzzes multipart upload parsing (src/http/upload.c over libmicrohttpd's post processor):
 * the input is a Content-Type value (its first line) and a request body (the rest), sent as
 * one POST through a real libmicrohttpd daemon whose access handler drives upload_begin,
 * upload_feed, upload_finish and upload_discard as the server does. The post processor needs
 * a connection, so the request travels over a socketpair handed to the daemon with
 * MHD_add_connection: no listening socket, no network. The first byte of the input sets the
 * size of the pieces the body is fed in (1 to 256 bytes, or as received), so that boundaries
 * split across reads are tried. Files go to a private temporary directory (DATA_DIR), with
 * MAX_FILE_SIZE small enough that the limit is crossed. Checked: a finished upload describes
 * a temporary file that exists with the size it reports, within MAX_FILE_SIZE, and no file
 * is left behind after upload_discard. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/config.h"
#include "core/errors.h"
#include "fuzz.h"
#include "http/upload.h"

#define MAX_FILE     4096
#define RUN_ROUNDS   20000
#define REQUEST_HEAD 512

typedef struct {
    arena *a;
    upload_state *u;
    bool stopped; /* refused or failed: the rest of the body is drained, not fed */
} conn_state;

static ia_config cfg;
static size_t piece;   /* bytes per upload_feed call; 0 = as received */
static bool completed; /* the daemon finished the request */
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

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
    (void)cls;
    (void)url;
    (void)method;
    (void)version;
    conn_state *st = *con_cls;
    if (st == NULL) {
        st = calloc(1, sizeof(*st));
        if (st == NULL)
            return MHD_NO;
        st->a = arena_create(1u << 20);
        *con_cls = st;
        st->stopped = st->a == NULL || upload_begin(conn, &cfg, st->a, &st->u) != IA_OK;
        return MHD_YES;
    }
    if (*upload_data_size > 0) {
        size_t n = *upload_data_size, step = piece ? piece : n;
        for (size_t o = 0; o < n && !st->stopped; o += step) {
            size_t k = n - o < step ? n - o : step;
            st->stopped = upload_feed(st->u, upload_data + o, k) != IA_OK;
        }
        *upload_data_size = 0;
        return MHD_YES;
    }
    unsigned status = 400;
    if (!st->stopped) {
        http_upload up;
        if (upload_finish(st->u, &up) == IA_OK) {
            check_upload(&up);
            status = 200;
        }
    }
    struct MHD_Response *r = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
    if (r == NULL)
        return MHD_NO;
    enum MHD_Result ok = MHD_queue_response(conn, status, r);
    MHD_destroy_response(r);
    return ok;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)cls;
    (void)conn;
    (void)toe;
    conn_state *st = *con_cls;
    if (st != NULL) {
        upload_discard(st->u);
        arena_destroy(st->a);
        free(st);
        *con_cls = NULL;
    }
    completed = true;
}

/* The daemon, made once: no listening socket, driven by MHD_run from this thread. */
static struct MHD_Daemon *daemon_once(void)
{
    static struct MHD_Daemon *d;
    if (d != NULL)
        return d;
    const char *dir = fuzz_tmpdir();
    fuzz_check(dir != NULL, "a temporary directory");
    snprintf(tmp_dir, sizeof(tmp_dir), "%s", dir);
    cfg.data_dir = tmp_dir;
    cfg.max_file_size = MAX_FILE;
    d = MHD_start_daemon(MHD_USE_NO_LISTEN_SOCKET, 0, NULL, NULL, on_request, NULL,
                         MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
                         MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)32768,
                         MHD_OPTION_STRICT_FOR_CLIENT, 1, MHD_OPTION_END);
    fuzz_check(d != NULL, "the daemon");
    return d;
}

static unsigned connections(struct MHD_Daemon *d)
{
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_CURRENT_CONNECTIONS);
    return info ? info->num_connections : 0;
}

/* Sends the request over one end of a socketpair while the daemon serves the other, until
 * the request completes (or a bound of rounds), then closes and lets the daemon clean up. */
static void exchange(struct MHD_Daemon *d, const char *req, size_t len)
{
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv) != 0)
        return;
    struct sockaddr_in peer;
    memset(&peer, 0, sizeof(peer));
    peer.sin_family = AF_INET;
    peer.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (MHD_add_connection(d, sv[0], (const struct sockaddr *)&peer, sizeof(peer)) != MHD_YES) {
        close(sv[0]);
        close(sv[1]);
        return;
    }
    completed = false;
    size_t sent = 0;
    char sink[4096];
    for (int round = 0; round < RUN_ROUNDS && !completed; round++) {
        if (sent < len) {
            ssize_t w = send(sv[1], req + sent, len - sent, MSG_NOSIGNAL);
            if (w > 0)
                sent += (size_t)w;
            else if (w < 0 && errno != EAGAIN)
                break;
        }
        MHD_run(d);
        while (recv(sv[1], sink, sizeof(sink), 0) > 0)
            ;
    }
    close(sv[1]);
    for (int round = 0; round < RUN_ROUNDS && connections(d) > 0; round++)
        MHD_run(d);
    fuzz_check(connections(d) == 0, "the connection is closed");
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
    static bool registered;
    struct MHD_Daemon *d = daemon_once();
    if (!registered) {
        atexit(remove_tmp); /* runs before the directory's own removal (registered earlier) */
        registered = true;
    }
    unsigned sel = fuzz_take_byte(&data, &size);
    piece = sel == 0 ? 0 : sel;
    char *ctype, *body;
    if (fuzz_split_line(data, size, &ctype, &body) != 0)
        return 0;
    size_t ct_len = strlen(ctype);
    while (ct_len > 0 && ctype[ct_len - 1] == '\r')
        ctype[--ct_len] = '\0';
    const uint8_t *nl = memchr(data, '\n', size);
    size_t body_len = nl ? size - (size_t)(nl - data) - 1 : 0;
    size_t cap = REQUEST_HEAD + ct_len + body_len;
    char *req = malloc(cap);
    if (req != NULL) {
        int n = snprintf(req, cap,
                         "POST /upload HTTP/1.1\r\nHost: fuzz\r\nContent-Type: %s\r\n"
                         "Content-Length: %zu\r\nConnection: close\r\n\r\n",
                         ctype, body_len);
        if (n > 0 && (size_t)n + body_len <= cap) {
            memcpy(req + n, nl ? nl + 1 : (const uint8_t *)"", body_len);
            exchange(d, req, (size_t)n + body_len);
            fuzz_check(files_left() == 0, "no temporary file is left behind");
        }
        free(req);
    }
    free(ctype);
    free(body);
    return 0;
}
