/* Outgoing mail (verification and password-reset links). Request handlers hand a message to
 * mail_send_async(), which validates it, copies it into a bounded in-memory queue and returns
 * at once: a handler never waits for SMTP, and the call costs the same few microseconds
 * whatever later happens to the message. One outbox thread sends the queue in order through
 * libcurl's SMTP (SMTP_* settings), retrying a failed send a few times with a short backoff and
 * then logging it as an error (masked recipient and subject only, never the text). With no
 * SMTP_HOST the outbox thread writes each rendered message to a file of its own,
 * DATA_DIR/outbox/<unix-ms>-<n>.eml (mode 0600), so that local development can follow the
 * links, and logs only that it did (never the text: it holds a live single-use link).
 *
 * The queue is not persisted, on purpose: messages carry single-use tokens that must not be
 * stored in clear. A crash or a kill loses the messages still queued; the user asks for another
 * link. mail_stop() sends what it can within its timeout and drops (and logs) the rest. */
#ifndef IA_MAIL_MAIL_H
#define IA_MAIL_MAIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/config.h"

#define MAIL_QUEUE_MAX   1000        /* messages waiting in the outbox */
#define MAIL_TO_MAX      254         /* bytes of a recipient address */
#define MAIL_SUBJECT_MAX 200         /* bytes of a subject (UTF-8) */
#define MAIL_TEXT_MAX    6144        /* bytes of a text body (fits one log line) */
#define MAIL_ADDR_MAX    320         /* bytes of the address inside SMTP_FROM */
#define MAIL_RENDER_MAX  (32 * 1024) /* bytes of a rendered message, headers included */
#define MAIL_ATTEMPTS    3           /* sends of one message before it is given up */
#define MAIL_BACKOFF_MS  1000        /* pause after the first failure; doubles after each */

typedef struct {
    const char *to;      /* one address, "user@example.com" */
    const char *subject; /* UTF-8, one line */
    const char *text;    /* UTF-8 plain text; LF or CRLF line ends */
} mail_message;

/* True when SMTP_HOST is set: messages are sent (and e-mail verification is required). */
bool mail_enabled(const ia_config *cfg);

/* Starts the outbox thread. The settings it needs are copied, so cfg may be freed afterwards.
 * Returns IA_OK, IA_ERR_INVALID (SMTP_FROM without a usable address, or an SMTP_HOST that
 * cannot be part of a URL; logged), IA_ERR_CONFLICT when already started, or IA_ERR_NOMEM /
 * IA_ERR_INTERNAL. */
int mail_start(const ia_config *cfg);

/* Stops accepting messages, lets the outbox thread send what is queued for up to timeout_ms
 * (a send in progress is aborted about a second after that), then drops and logs the rest and
 * joins the thread. Does nothing when mail was not started. */
void mail_stop(int64_t timeout_ms);

/* Queues a copy of m and returns at once. Returns IA_OK; IA_ERR_INVALID when a field is
 * missing, is not valid UTF-8, or to/subject contain CR, LF or another control character (no
 * header injection) or to is not a plain address; IA_ERR_TOO_LARGE when a field passes its
 * maximum; IA_ERR_UNAVAILABLE when the queue is full or mail is not started (or stopping). */
int mail_send_async(const mail_message *m);

/* Checks m as mail_send_async() does, without queueing it. */
int mail_check(const mail_message *m);

/* Writes the bare address of a sender such as "InterviewAce <no-reply@example.com>" (or
 * "no-reply@example.com") into out. Returns IA_OK, IA_ERR_INVALID when there is no plausible
 * address or a control character, or IA_ERR_TOO_LARGE. */
int mail_from_address(const char *from, char *out, size_t outlen);

/* Renders m as the complete RFC 5322 message that is sent: Date (from now_ms), From, To,
 * Subject (RFC 2047 encoded when not ASCII), Message-ID, MIME headers, and the text as 7bit
 * when it is ASCII with short lines, else quoted-printable; every line ends in CRLF. Dot
 * stuffing is left to libcurl. out receives a NUL-terminated message. Returns IA_OK, the
 * refusals of mail_check() and mail_from_address(), or IA_ERR_TOO_LARGE when outlen is short. */
int mail_render(const ia_config *cfg, const mail_message *m, char *out, size_t outlen,
                int64_t now_ms);

#endif
