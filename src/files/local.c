/* The local-directory storage backend. A key is a path below STORAGE_DIR; every directory on
 * the way is opened relative to its parent with O_NOFOLLOW, so a symbolic link planted inside
 * the directory never leads out of it. A write goes to a temporary ".tmp-<random>" file in the
 * key's directory, is fsynced, renamed over the key and the directory fsynced: readers see the
 * old object or the new one, never a part. Keys never start a segment with '.', so temporary
 * files can never be mistaken for objects; those a crash leaves behind are removed by
 * storage_sweep_temp once they are old. */
#include <dirent.h>
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
#include "core/uuid.h"
#include "files/backend.h"

#define COPY_BUF    (32u * 1024u)
#define TMP_PREFIX  ".tmp-"
#define DEPTH_MAX   17 /* KEY_SEGMENTS_MAX directories and the file */
#define DIR_MODE    0700
#define FILE_MODE   0600
#define OPEN_DIR    (O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
#define OPEN_RDONLY (O_RDONLY | O_NOFOLLOW | O_CLOEXEC)

typedef struct {
    char *dir;
} local_backend;

/* Creates path and its missing parents with mode 0700. */
static int make_dirs(const char *path)
{
    char buf[4096];
    size_t n = strlen(path);
    if (n == 0 || n >= sizeof(buf))
        return IA_ERR_INVALID;
    memcpy(buf, path, n + 1);
    for (size_t i = 1; i <= n; i++) {
        if (buf[i] != '/' && buf[i] != '\0')
            continue;
        char saved = buf[i];
        buf[i] = '\0';
        if (mkdir(buf, DIR_MODE) != 0 && errno != EEXIST)
            return IA_ERR_IO;
        buf[i] = saved;
    }
    return IA_OK;
}

/* Reads exactly up to n bytes, retrying on EINTR; returns the count read (short at end of
 * file) or -1. */
static ssize_t read_full(int fd, char *buf, size_t n)
{
    size_t got = 0;
    while (got < n) {
        ssize_t r = read(fd, buf + got, n - got);
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

static int write_full(int fd, const char *buf, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, buf, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return IA_ERR_IO;
        buf += w;
        n -= (size_t)w;
    }
    return IA_OK;
}

/* Copies src to dst until end of file. More than max bytes is IA_ERR_TOO_LARGE. */
static int copy_fd(int src, int dst, size_t max)
{
    char buf[COPY_BUF];
    size_t total = 0;
    for (;;) {
        ssize_t r = read_full(src, buf, sizeof(buf));
        if (r < 0)
            return IA_ERR_IO;
        if (r == 0)
            return IA_OK;
        total += (size_t)r;
        if (total > max)
            return IA_ERR_TOO_LARGE;
        if (write_full(dst, buf, (size_t)r) != IA_OK)
            return IA_ERR_IO;
    }
}

/* Opens the storage root. */
static int open_root(const local_backend *b, int *fd, char *err, size_t errlen)
{
    *fd = open(b->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (*fd >= 0)
        return IA_OK;
    snprintf(err, errlen, "storage directory %s: %s", b->dir, storage_strerror(errno));
    return IA_ERR_IO;
}

/* Opens the directory that holds key (walking from the root without following links) and
 * points *name at the key's last segment. With create, missing directories are made (0700)
 * and their parents fsynced. Returns IA_NOT_FOUND when a directory is missing and create is
 * false. */
static int open_parent(const local_backend *b, const char *key, bool create, int *dirfd,
                       const char **name, char *err, size_t errlen)
{
    *dirfd = -1;
    int fd;
    int rc = open_root(b, &fd, err, errlen);
    if (rc != IA_OK)
        return rc;
    const char *seg = key;
    const char *slash;
    while ((slash = strchr(seg, '/')) != NULL) {
        char part[STORAGE_KEY_MAX + 1];
        size_t n = (size_t)(slash - seg);
        memcpy(part, seg, n);
        part[n] = '\0';
        int next = openat(fd, part, OPEN_DIR);
        if (next < 0 && errno == ENOENT && create) {
            if (mkdirat(fd, part, DIR_MODE) != 0 && errno != EEXIST) {
                int e = errno;
                snprintf(err, errlen, "storage: cannot create the directory of %s: %s", key,
                         storage_strerror(e));
                close(fd);
                return ia_errno_rc(e);
            }
            if (fsync(fd) != 0) {
                snprintf(err, errlen, "storage: fsync of a directory failed: %s",
                         storage_strerror(errno));
                close(fd);
                return IA_ERR_IO;
            }
            next = openat(fd, part, OPEN_DIR);
        }
        int saved = errno;
        close(fd);
        if (next < 0) {
            if (saved == ENOENT && !create)
                return IA_NOT_FOUND;
            snprintf(err, errlen, "storage: cannot open the directory of %s: %s", key,
                     saved == ELOOP ? "a symbolic link is in the way" : storage_strerror(saved));
            return IA_ERR_IO;
        }
        fd = next;
        seg = slash + 1;
    }
    *dirfd = fd;
    *name = seg;
    return IA_OK;
}

/* Opens key for reading. IA_NOT_FOUND when it does not exist, IA_ERR_TOO_LARGE when it holds
 * more than max bytes; a symbolic link or anything but a regular file is refused. */
static int open_object(const local_backend *b, const char *key, size_t max, int *fd,
                       struct stat *st, char *err, size_t errlen)
{
    *fd = -1;
    int dirfd;
    const char *name;
    int rc = open_parent(b, key, false, &dirfd, &name, err, errlen);
    if (rc == IA_NOT_FOUND)
        snprintf(err, errlen, "storage: no object %s", key);
    if (rc != IA_OK)
        return rc;
    int f = openat(dirfd, name, OPEN_RDONLY);
    int saved = errno;
    close(dirfd);
    if (f < 0) {
        if (saved == ENOENT) {
            snprintf(err, errlen, "storage: no object %s", key);
            return IA_NOT_FOUND;
        }
        snprintf(err, errlen, "storage: cannot open %s: %s", key,
                 saved == ELOOP ? "it is a symbolic link" : storage_strerror(saved));
        return IA_ERR_IO;
    }
    if (fstat(f, st) != 0 || !S_ISREG(st->st_mode)) {
        snprintf(err, errlen, "storage: %s is not a regular file", key);
        close(f);
        return IA_ERR_IO;
    }
    if ((uintmax_t)st->st_size > max) {
        snprintf(err, errlen, "storage: %s is larger than %zu bytes", key, max);
        close(f);
        return IA_ERR_TOO_LARGE;
    }
    *fd = f;
    return IA_OK;
}

/* Creates a new, empty temporary file ".tmp-<tag><random>" in dirfd; its name goes to name.
 * Returns the open descriptor or -1. */
static int create_temp(int dirfd, const char *tag, char *name, size_t len)
{
    char hex[33];
    ia_random_hex(hex, 16);
    snprintf(name, len, "%s%s%s", TMP_PREFIX, tag, hex);
    return openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, FILE_MODE);
}

/* Stores everything src_fd holds under key: a temporary file in the key's directory, fsync,
 * rename over the key, fsync of the directory. On failure the temporary file is removed and an
 * earlier object under key is untouched. */
static int store_fd(const local_backend *b, const char *key, int src_fd, char *err, size_t errlen)
{
    int dirfd;
    const char *name;
    int rc = open_parent(b, key, true, &dirfd, &name, err, errlen);
    if (rc != IA_OK)
        return rc;
    char tmp[sizeof(TMP_PREFIX) + 40];
    int fd = create_temp(dirfd, "", tmp, sizeof(tmp));
    if (fd < 0) {
        int e = errno;
        snprintf(err, errlen, "storage: cannot create a file for %s: %s", key, storage_strerror(e));
        close(dirfd);
        return ia_errno_rc(e);
    }
    const char *step = "write";
    rc = copy_fd(src_fd, fd, SIZE_MAX);
    if (rc == IA_OK && fsync(fd) != 0) {
        step = "fsync";
        rc = IA_ERR_IO;
    }
    int saved = errno;
    if (rc == IA_ERR_IO)
        rc = ia_errno_rc(saved); /* a full or read-only disk is a 503, not a 500 */
    if (close(fd) != 0 && rc == IA_OK) {
        step = "close";
        saved = errno;
        rc = ia_errno_rc(saved);
    }
    if (rc == IA_OK && renameat(dirfd, tmp, dirfd, name) != 0) {
        step = "rename";
        saved = errno;
        rc = ia_errno_rc(saved);
    }
    if (rc != IA_OK) {
        snprintf(err, errlen, "storage: %s of %s failed: %s", step, key, storage_strerror(saved));
        unlinkat(dirfd, tmp, 0);
        close(dirfd);
        return rc;
    }
    if (fsync(dirfd) != 0) {
        snprintf(err, errlen, "storage: fsync of the directory of %s failed: %s", key,
                 storage_strerror(errno));
        rc = IA_ERR_IO;
    }
    close(dirfd);
    return rc;
}

static int local_put_file(void *vb, const char *key, const char *src_path, char *err, size_t errlen)
{
    int src = open(src_path, OPEN_RDONLY);
    if (src < 0) {
        snprintf(err, errlen, "storage: cannot open the file to store: %s",
                 storage_strerror(errno));
        return IA_ERR_IO;
    }
    int rc = store_fd(vb, key, src, err, errlen);
    close(src);
    return rc;
}

static int local_get_file(void *vb, const char *key, const char *dst_path, size_t max_bytes,
                          char *err, size_t errlen)
{
    int src;
    struct stat st;
    int rc = open_object(vb, key, max_bytes, &src, &st, err, errlen);
    if (rc != IA_OK)
        return rc;
    int dst = open(dst_path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, FILE_MODE);
    if (dst < 0) {
        snprintf(err, errlen, "storage: cannot create the local copy of %s: %s", key,
                 storage_strerror(errno));
        close(src);
        return IA_ERR_IO;
    }
    rc = copy_fd(src, dst, max_bytes);
    if (close(dst) != 0 && rc == IA_OK)
        rc = IA_ERR_IO;
    close(src);
    if (rc != IA_OK) {
        if (rc == IA_ERR_TOO_LARGE)
            snprintf(err, errlen, "storage: %s is larger than %zu bytes", key, max_bytes);
        else
            snprintf(err, errlen, "storage: cannot copy %s to a local file", key);
        unlink(dst_path);
    }
    return rc;
}

static int local_get(void *vb, arena *a, const char *key, size_t max_bytes, char **data,
                     size_t *len, char *err, size_t errlen)
{
    int fd;
    struct stat st;
    int rc = open_object(vb, key, max_bytes, &fd, &st, err, errlen);
    if (rc != IA_OK)
        return rc;
    size_t size = (size_t)st.st_size;
    char *buf = arena_alloc(a, size + 1);
    if (buf == NULL) {
        snprintf(err, errlen, "storage: out of memory for %s", key);
        close(fd);
        return IA_ERR_NOMEM;
    }
    ssize_t got = read_full(fd, buf, size);
    close(fd);
    if (got < 0) {
        snprintf(err, errlen, "storage: cannot read %s: %s", key, storage_strerror(errno));
        return IA_ERR_IO;
    }
    buf[got] = '\0';
    *data = buf;
    *len = (size_t)got;
    return IA_OK;
}

static int local_copy(void *vb, const char *src_key, const char *dst_key, char *err, size_t errlen)
{
    int src;
    struct stat st;
    int rc = open_object(vb, src_key, SIZE_MAX, &src, &st, err, errlen);
    if (rc != IA_OK)
        return rc;
    rc = store_fd(vb, dst_key, src, err, errlen);
    close(src);
    return rc;
}

static int local_delete(void *vb, const char *key, char *err, size_t errlen)
{
    int dirfd;
    const char *name;
    int rc = open_parent(vb, key, false, &dirfd, &name, err, errlen);
    if (rc == IA_NOT_FOUND)
        return IA_OK;
    if (rc != IA_OK)
        return rc;
    rc = IA_OK;
    if (unlinkat(dirfd, name, 0) != 0 && errno != ENOENT) {
        snprintf(err, errlen, "storage: cannot delete %s: %s", key, storage_strerror(errno));
        rc = IA_ERR_IO;
    } else if (fsync(dirfd) != 0) {
        snprintf(err, errlen, "storage: fsync after deleting %s failed: %s", key,
                 storage_strerror(errno));
        rc = IA_ERR_IO;
    }
    close(dirfd);
    return rc;
}

typedef struct {
    const char *prefix;
    size_t prefix_len;
    storage_list_fn fn;
    void *ctx;
    char *err;
    size_t errlen;
} list_walk;

/* True when a key under the directory path dir ("a/b/", or "" for the root) could start with
 * the prefix. */
static bool may_match(const list_walk *w, const char *dir, size_t dir_len)
{
    size_t n = dir_len < w->prefix_len ? dir_len : w->prefix_len;
    return memcmp(dir, w->prefix, n) == 0;
}

/* The directory stream of the directory open as fd, which it takes over; NULL (fd closed,
 * the reason in err) when it cannot be listed. */
static DIR *open_listing(int fd, char *err, size_t errlen)
{
    DIR *d = fdopendir(fd);
    if (d == NULL) {
        close(fd);
        snprintf(err, errlen, "storage: cannot list a directory: %s", storage_strerror(errno));
    }
    return d;
}

/* Closes the listing d. When readdir ended it with an error (errno set), an IA_OK rc becomes
 * IA_ERR_IO with the reason in err. Returns rc. */
static int close_listing(DIR *d, int rc, char *err, size_t errlen)
{
    if (rc == IA_OK && errno != 0) {
        snprintf(err, errlen, "storage: cannot list a directory: %s", storage_strerror(errno));
        rc = IA_ERR_IO;
    }
    closedir(d);
    return rc;
}

/* The last modification time of st in Unix milliseconds. */
static int64_t mtime_ms(const struct stat *st)
{
    return (int64_t)st->st_mtim.tv_sec * 1000 + st->st_mtim.tv_nsec / 1000000;
}

/* Lists the directory open as fd, whose key path is path[0..len) ("" or ending in '/'), and
 * the directories below it. Takes ownership of fd. */
static int walk_dir(list_walk *w, int fd, char *path, size_t len, int depth)
{
    DIR *d = open_listing(fd, w->err, w->errlen);
    if (d == NULL)
        return IA_ERR_IO;
    int rc = IA_OK;
    struct dirent *e;
    while (rc == IA_OK && (errno = 0, e = readdir(d)) != NULL) {
        const char *name = e->d_name;
        size_t n = strlen(name);
        if (name[0] == '.' || len + n + 1 > STORAGE_KEY_MAX)
            continue; /* ".", "..", temporary files, and names no key can have */
        struct stat st;
        if (fstatat(dirfd(d), name, &st, AT_SYMLINK_NOFOLLOW) != 0)
            continue; /* deleted meanwhile */
        memcpy(path + len, name, n);
        path[len + n] = '\0';
        if (S_ISREG(st.st_mode)) {
            if (strncmp(path, w->prefix, w->prefix_len) == 0 && storage_key_valid(path))
                rc = w->fn(path, mtime_ms(&st), w->ctx);
        } else if (S_ISDIR(st.st_mode) && depth + 1 < DEPTH_MAX) {
            path[len + n] = '/';
            path[len + n + 1] = '\0';
            if (!may_match(w, path, len + n + 1))
                continue;
            int sub = openat(dirfd(d), name, OPEN_DIR);
            if (sub >= 0)
                rc = walk_dir(w, sub, path, len + n + 1, depth + 1);
        }
    }
    rc = close_listing(d, rc, w->err, w->errlen);
    path[len] = '\0';
    return rc;
}

static int local_list(void *vb, const char *prefix, storage_list_fn fn, void *ctx, char *err,
                      size_t errlen)
{
    int fd;
    int rc = open_root(vb, &fd, err, errlen);
    if (rc != IA_OK)
        return rc;
    list_walk w = { prefix, strlen(prefix), fn, ctx, err, errlen };
    char path[STORAGE_KEY_MAX + 2] = "";
    return walk_dir(&w, fd, path, 0, 0);
}

/* Readiness: the directory opens and a file can be created in it (and is removed again). */
static int local_check(void *vb, char *err, size_t errlen)
{
    const local_backend *b = vb;
    int fd;
    if (open_root(b, &fd, err, errlen) != IA_OK)
        return IA_ERR_UNAVAILABLE;
    char name[sizeof(TMP_PREFIX) + 40];
    int f = create_temp(fd, "check-", name, sizeof(name));
    int rc = IA_OK;
    if (f < 0) {
        snprintf(err, errlen, "storage directory %s: cannot create a file: %s", b->dir,
                 storage_strerror(errno));
        rc = IA_ERR_UNAVAILABLE;
    } else {
        close(f);
        unlinkat(fd, name, 0);
    }
    close(fd);
    return rc;
}

typedef struct {
    int64_t before_ms;
    long long removed;
    char *err;
    size_t errlen;
} temp_sweep;

/* Removes the ".tmp-*" regular files of the directory open as fd, and of the directories below
 * it, last modified before sw->before_ms. Takes ownership of fd. Symbolic links are neither
 * followed nor removed. */
static int sweep_dir(temp_sweep *sw, int fd, int depth)
{
    DIR *d = open_listing(fd, sw->err, sw->errlen);
    if (d == NULL)
        return IA_ERR_IO;
    int rc = IA_OK;
    struct dirent *e;
    while (rc == IA_OK && (errno = 0, e = readdir(d)) != NULL) {
        const char *name = e->d_name;
        if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
            continue;
        struct stat st;
        if (fstatat(dirfd(d), name, &st, AT_SYMLINK_NOFOLLOW) != 0)
            continue; /* deleted meanwhile */
        if (S_ISREG(st.st_mode) && strncmp(name, TMP_PREFIX, sizeof(TMP_PREFIX) - 1) == 0 &&
            mtime_ms(&st) < sw->before_ms) {
            if (unlinkat(dirfd(d), name, 0) == 0)
                sw->removed++;
        } else if (S_ISDIR(st.st_mode) && name[0] != '.' && depth + 1 < DEPTH_MAX) {
            int sub = openat(dirfd(d), name, OPEN_DIR);
            if (sub >= 0)
                rc = sweep_dir(sw, sub, depth + 1);
        }
    }
    return close_listing(d, rc, sw->err, sw->errlen);
}

/* Removes the temporary files that writes interrupted by a crash left in the directory tree. */
static int local_sweep_temp(void *vb, int64_t before_ms, long long *removed, char *err,
                            size_t errlen)
{
    int fd;
    int rc = open_root(vb, &fd, err, errlen);
    if (rc != IA_OK)
        return rc;
    temp_sweep sw = { before_ms, 0, err, errlen };
    rc = sweep_dir(&sw, fd, 0);
    *removed = sw.removed;
    return rc;
}

static void local_close(void *vb)
{
    local_backend *b = vb;
    if (b == NULL)
        return;
    free(b->dir);
    free(b);
}

static const storage_ops local_ops = {
    "local",      local_put_file, local_get_file, local_get,   local_copy,
    local_delete, local_list,     local_check,    local_close, local_sweep_temp,
};

int storage_local_open(const ia_config *cfg, const storage_ops **ops, void **out, char *err,
                       size_t errlen)
{
    *out = NULL;
    if (make_dirs(cfg->storage_dir) != IA_OK) {
        snprintf(err, errlen, "cannot create STORAGE_DIR %s: %s", cfg->storage_dir,
                 storage_strerror(errno));
        return IA_ERR_IO;
    }
    struct stat st;
    if (stat(cfg->storage_dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "STORAGE_DIR %s is not a directory", cfg->storage_dir);
        return IA_ERR_IO;
    }
    local_backend *b = calloc(1, sizeof(*b));
    if (b == NULL || (b->dir = strdup(cfg->storage_dir)) == NULL) {
        free(b);
        snprintf(err, errlen, "out of memory");
        return IA_ERR_NOMEM;
    }
    *ops = &local_ops;
    *out = b;
    return IA_OK;
}
