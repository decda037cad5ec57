/* Text extraction from uploaded résumés (.pdf, .docx, .txt).
 *
 * extract_sniff() checks, in the calling process and with bounded work, that a file's content
 * matches its extension (docs/api.md §5.1 step 5). extract_text() turns the file into UTF-8 text.
 *
 * PDF and DOCX are parsed by libraries (poppler-glib; libzip + libxml2) that see hostile input,
 * so they never run in the service's process: extract_text() starts the service binary again as
 * `interviewace extract-child <type> <cpu_s> <memory_bytes> <max_text_bytes>` with posix_spawn
 * (the service is multi-threaded, so no plain fork), the document open on its standard input,
 * an empty environment and no other descriptor. The child (sandbox.c) sets its resource limits,
 * reads the document into memory, installs a seccomp filter (no file may be opened, no socket,
 * no process, no executable memory), parses from memory and writes the text to its standard
 * output. The parent reads the text with a cap and a wall-clock deadline, kills (SIGKILL) and
 * reaps the child on timeout, and always reaps it: no zombie, no descriptor left behind.
 *
 * TXT needs no parser, only our own UTF-8 check, so it is read in the calling process (with the
 * same text cap): no child is started for it.
 *
 * Outcomes of extract_text():
 *   IA_OK            the text, NUL-terminated, valid UTF-8, in the caller's arena
 *   IA_ERR_INVALID   a document problem, with the reason in err for the user (encrypted or
 *                    damaged PDF, EXTRACT_NO_TEXT_PDF, a DOCX without word/document.xml, too many
 *                    parts, too large when decompressed, too much text, ...)
 *   IA_ERR_TIMEOUT   "text extraction timed out after Ns"
 *   IA_ERR_INTERNAL  "text extraction crashed (signal N)" (a crash, the seccomp filter, the CPU
 *                    limit) or "text extraction failed (...)": never the document's fault alone
 *   IA_ERR_IO        the file cannot be opened or read, or the child cannot be started
 *   IA_ERR_NOMEM     the arena is full
 *
 * Test modes: when the environment has IA_EXTRACT_TEST_MODES=1 (in the caller, which passes it
 * on to the child, and so in the child), extract_text() also takes these extensions, which make
 * the child, after its limits are set: "test:sleep" sleep (a timeout); then, after the filter is
 * installed: "test:crash" raise SIGSEGV; "test:spin" spin until its CPU limit; "test:alloc"
 * malloc 1 GiB; "test:env" write its environment; "test:open" open /etc/passwd and write what it
 * reads; "test:socket" call socket(2). The unit tests use them to prove the sandbox. Without the
 * variable they are unsupported types, in the parent and in the child. */
#ifndef IA_EXTRACT_EXTRACT_H
#define IA_EXTRACT_EXTRACT_H

#include <stddef.h>

#include "core/arena.h"
#include "core/config.h"

/* The reason stored for a PDF that has pages but no text (a scanned résumé), as docs/api.md §5
 * says. */
#define EXTRACT_NO_TEXT_PDF "No extractable text: the PDF contains only images"

#define EXTRACT_CPU_SECONDS_DEFAULT 20                /* RLIMIT_CPU of the child */
#define EXTRACT_MEMORY_DEFAULT      (512LL << 20)     /* RLIMIT_AS of the child */
#define EXTRACT_TIMEOUT_MS_DEFAULT  30000             /* wall clock, spawn to reap */
#define EXTRACT_TEXT_MAX_DEFAULT    ((size_t)4 << 20) /* bytes of extracted text */
#define EXTRACT_INPUT_MAX           (64LL << 20)      /* bytes of a document the child reads */
#define EXTRACT_PDF_PAGES_MAX       50                /* pages read; later pages are ignored */
#define EXTRACT_ZIP_ENTRIES_MAX     1000              /* parts of a DOCX */
#define EXTRACT_DOCX_XML_MAX        (20LL << 20)      /* bytes of word/document.xml, inflated */
#define EXTRACT_REASON_MAX          200               /* bytes of a reason from the child */

typedef struct {
    long long cpu_seconds;  /* CPU time of the child (RLIMIT_CPU; SIGXCPU, then SIGKILL) */
    long long memory_bytes; /* address space of the child (RLIMIT_AS); 0 = no limit. Not
                             * applied in sanitizer builds, whose shadow memory needs terabytes
                             * of address space */
    long long timeout_ms;   /* wall clock from spawn to exit */
    size_t max_text_bytes;  /* more text than this is refused (IA_ERR_INVALID) */
    const char *exe_path;   /* the interviewace binary; NULL = /proc/self/exe */
} extract_limits;

/* Fills lim with the defaults above (exe_path NULL). */
void extract_limits_default(extract_limits *lim);

/* Fills lim from EXTRACT_TIMEOUT, EXTRACT_CPU_LIMIT and EXTRACT_MEMORY_LIMIT, the rest from
 * the defaults. */
void extract_limits_from_config(const ia_config *cfg, extract_limits *lim);

/* Checks that the file at path has the content its extension claims: ".pdf" starts with
 * "%PDF-"; ".docx" is a ZIP archive (read-only, consistency-checked, at most
 * EXTRACT_ZIP_ENTRIES_MAX entries, nothing inflated) with a "word/document.xml" entry; ".txt"
 * is valid UTF-8 without NUL (a BOM is fine), read in 64 KiB chunks. ext is compared without
 * regard to case. Returns IA_OK, IA_ERR_INVALID with err saying what is wrong ("the file is not
 * a PDF"), or IA_ERR_IO when the file cannot be read. */
int extract_sniff(const char *path, const char *ext, char *err, size_t errlen);

/* Extracts the text of the file at path, of type ext (".pdf", ".docx" or ".txt", any case),
 * within lim (NULL = defaults). On IA_OK, *text is NUL-terminated UTF-8 of *len bytes in a, with
 * LF line ends and at least one non-blank character; otherwise err says why (see the outcomes
 * above). Safe to call from several threads at once. */
int extract_text(const extract_limits *lim, const char *path, const char *ext, arena *a,
                 char **text, size_t *len, char *err, size_t errlen);

/* The child side: `interviewace extract-child ...` with argc/argv after "extract-child".
 * Returns only on a usage error; otherwise it ends the process with one of the exit codes
 * below. */
int extract_child_main(int argc, char **argv);

enum {
    EXTRACT_EXIT_OK = 0,       /* text on stdout */
    EXTRACT_EXIT_INTERNAL = 1, /* out of memory, a read or write failed; reason on stderr */
    EXTRACT_EXIT_USAGE = 2,    /* bad arguments */
    EXTRACT_EXIT_DOCUMENT = 3, /* the document cannot be used; the reason is the last stderr line */
};

#endif
