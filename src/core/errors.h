/* Result codes shared by every module. Functions that can fail return one of these and the
 * caller checks it at once; IA_OK is zero so `if (rc != IA_OK)` reads naturally. */
#ifndef IA_CORE_ERRORS_H
#define IA_CORE_ERRORS_H

enum {
    IA_OK = 0,
    IA_ERR_NOMEM = -1,       /* allocation failed or an arena reached its maximum */
    IA_ERR_INVALID = -2,     /* the input is malformed or out of range */
    IA_NOT_FOUND = -3,       /* no such row, key, route or file */
    IA_ERR_IO = -4,          /* a system call failed */
    IA_ERR_TOO_LARGE = -5,   /* a bounded buffer or limit would be exceeded */
    IA_ERR_UNAVAILABLE = -6, /* a dependency is down or the service is saturated: retry later */
    IA_ERR_CONFLICT = -7,    /* a uniqueness or state conflict */
    IA_ERR_INTERNAL = -8,    /* a bug or an impossible state */
    IA_ERR_TIMEOUT = -9,     /* a deadline passed */
};

/* Returns a short, static, human-readable name for a result code. */
const char *ia_strerror(int rc);

/* Maps the errno of a failed file operation: a full disk or quota (ENOSPC, EDQUOT), a read-only
 * file system (EROFS) and a failing device (EIO) are IA_ERR_UNAVAILABLE, noted as a "storage"
 * fault (ia_fault_note); anything else is IA_ERR_IO. */
int ia_errno_rc(int e);

/* Notes, for the calling thread, which dependency ("database", "storage") made the operation
 * in progress fail with IA_ERR_UNAVAILABLE, so that the response can name it. what must be a
 * static string. */
void ia_fault_note(const char *what);

/* Returns the dependency noted on this thread since the last call (or NULL) and clears it. */
const char *ia_fault_take(void);

#endif
