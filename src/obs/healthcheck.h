/* `interviewace healthcheck`: the probes a container runtime or supervisor runs from outside
 * the process it watches, with nothing but the binary itself (no curl in the image). Each
 * writes one line saying what it found into msg. */
#ifndef IA_OBS_HEALTHCHECK_H
#define IA_OBS_HEALTHCHECK_H

#include <stddef.h>

/* GETs url (http:// only, no proxy, no redirects) within timeout_ms. Returns IA_OK when the
 * answer is 200 with a JSON body whose "status" is "healthy" (what /health answers), else
 * IA_ERR_UNAVAILABLE. */
int healthcheck_http(const char *url, long long timeout_ms, char *msg, size_t msglen);

/* Checks the heartbeat file a worker touches after each scheduler pass that reached the
 * database (`interviewace worker --heartbeat PATH`). Returns IA_OK when it was touched within
 * max_age_ms, else IA_ERR_UNAVAILABLE. */
int healthcheck_heartbeat(const char *path, long long max_age_ms, char *msg, size_t msglen);

#endif
