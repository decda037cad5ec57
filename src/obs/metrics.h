/* Process-wide metrics in the Prometheus text format: request counts by route template,
 * method and status; a latency histogram per route; rejection counters; process figures; and
 * collectors that other subsystems register to add their own lines (queue depths, jobs). */
#ifndef IA_OBS_METRICS_H
#define IA_OBS_METRICS_H

#include "core/strbuf.h"

/* Records one finished request. route is a static route template (or "-"). */
void metrics_observe_request(const char *route, const char *method, int status, double seconds);

void metrics_ratelimit_rejected(const char *policy);
void metrics_handler_rejected(void);

/* A collector appends complete metric families to sb when /metrics is rendered. */
typedef void (*metrics_collector)(strbuf *sb, void *ctx);
int metrics_register_collector(metrics_collector fn, void *ctx);

/* Marks the process start (for uptime). Call once at start-up. */
void metrics_init(void);

/* Renders every metric into sb. */
int metrics_render(strbuf *sb);

#endif
