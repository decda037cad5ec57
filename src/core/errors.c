#include "core/errors.h"

#include <errno.h>
#include <stddef.h>

static _Thread_local const char *t_fault;

const char *ia_strerror(int rc)
{
    switch (rc) {
    case IA_OK:
        return "ok";
    case IA_ERR_NOMEM:
        return "out of memory";
    case IA_ERR_INVALID:
        return "invalid input";
    case IA_NOT_FOUND:
        return "not found";
    case IA_ERR_IO:
        return "i/o error";
    case IA_ERR_TOO_LARGE:
        return "too large";
    case IA_ERR_UNAVAILABLE:
        return "unavailable";
    case IA_ERR_CONFLICT:
        return "conflict";
    case IA_ERR_INTERNAL:
        return "internal error";
    case IA_ERR_TIMEOUT:
        return "timed out";
    default:
        return "unknown error";
    }
}

int ia_errno_rc(int e)
{
    if (e == ENOSPC || e == EDQUOT || e == EROFS || e == EIO) {
        ia_fault_note("storage");
        return IA_ERR_UNAVAILABLE;
    }
    return IA_ERR_IO;
}

void ia_fault_note(const char *what)
{
    t_fault = what;
}

const char *ia_fault_take(void)
{
    const char *what = t_fault;
    t_fault = NULL;
    return what;
}
