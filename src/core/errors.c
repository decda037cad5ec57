#include "core/errors.h"

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
