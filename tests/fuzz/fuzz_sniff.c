/* Fuzzes the upload content check (src/docs/extract.c extract_sniff), which runs in the
 * service's own process on every uploaded file: the first byte picks the claimed extension
 * (.pdf, .docx, .txt, in varied case) and the rest is the file, written to a private
 * temporary directory and removed after the check. Checked: a refusal says why, and the
 * result does not depend on the extension's case. */
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "core/errors.h"
#include "docs/extract.h"
#include "fuzz.h"

static bool write_file(const char *path, const uint8_t *data, size_t size)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        return false;
    bool ok = true;
    while (ok && size > 0) {
        ssize_t w = write(fd, data, size);
        ok = w > 0;
        if (ok) {
            data += w;
            size -= (size_t)w;
        }
    }
    return close(fd) == 0 && ok;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const exts[][2] = {
        { ".pdf", ".PDF" },
        { ".docx", ".DocX" },
        { ".txt", ".TXT" },
    };
    unsigned sel = fuzz_take_byte(&data, &size) % 3;
    const char *dir = fuzz_tmpdir();
    fuzz_check(dir != NULL, "a temporary directory");
    char path[512];
    snprintf(path, sizeof(path), "%s/upload%s", dir, exts[sel][0]);
    if (write_file(path, data, size)) {
        char err[256] = "";
        int rc = extract_sniff(path, exts[sel][0], err, sizeof(err));
        fuzz_check(rc == IA_OK || err[0] != '\0', "a refusal says why");
        fuzz_check(rc == IA_OK || rc == IA_ERR_INVALID, "the file is readable");
        char err2[256] = "";
        fuzz_check(extract_sniff(path, exts[sel][1], err2, sizeof(err2)) == rc,
                   "the extension's case does not matter");
    }
    unlink(path);
    return 0;
}
