#include "obs/metrics.h"

#include <dirent.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/errors.h"
#include "core/timeutil.h"
#include "core/util.h"

#define REQ_SERIES_MAX 1024
#define ROUTES_MAX     256
#define POLICIES_MAX   16
#define COLLECTORS_MAX 16

static const double buckets[] = { 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30 };
#define NBUCKETS (COUNT(buckets))

typedef struct {
    const char *route;
    const char *method;
    int status;
    uint64_t count;
} req_series;

typedef struct {
    const char *route;
    uint64_t bucket[NBUCKETS];
    uint64_t count;
    double sum;
} route_hist;

static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
static req_series g_req[REQ_SERIES_MAX];
static size_t g_nreq;
static route_hist g_hist[ROUTES_MAX];
static size_t g_nhist;
static struct {
    const char *policy;
    uint64_t count;
} g_rl[POLICIES_MAX];
static size_t g_nrl;
static uint64_t g_handler_rejected;
static struct {
    metrics_collector fn;
    void *ctx;
} g_collectors[COLLECTORS_MAX];
static size_t g_ncollectors;
static int64_t g_start_ms;

void metrics_init(void)
{
    g_start_ms = ia_mono_ms();
}

/* Method names are limited to the known set so that a client cannot create series. */
static const char *method_label(const char *m)
{
    static const char *const known[] = {
        "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"
    };
    for (size_t i = 0; i < COUNT(known); i++)
        if (strcmp(m, known[i]) == 0)
            return known[i];
    return "OTHER";
}

void metrics_observe_request(const char *route, const char *method, int status, double seconds)
{
    const char *ml = method_label(method);
    pthread_mutex_lock(&g_lock);
    size_t i;
    for (i = 0; i < g_nreq; i++)
        if (g_req[i].status == status && g_req[i].method == ml &&
            strcmp(g_req[i].route, route) == 0)
            break;
    if (i == g_nreq && g_nreq < REQ_SERIES_MAX)
        g_req[g_nreq++] = (req_series){ route, ml, status, 0 };
    if (i < g_nreq)
        g_req[i].count++;
    for (i = 0; i < g_nhist; i++)
        if (strcmp(g_hist[i].route, route) == 0)
            break;
    if (i == g_nhist && g_nhist < ROUTES_MAX) {
        memset(&g_hist[i], 0, sizeof(g_hist[i]));
        g_hist[i].route = route;
        g_nhist++;
    }
    if (i < g_nhist) {
        for (size_t b = 0; b < NBUCKETS; b++)
            if (seconds <= buckets[b])
                g_hist[i].bucket[b]++;
        g_hist[i].count++;
        g_hist[i].sum += seconds;
    }
    pthread_mutex_unlock(&g_lock);
}

void metrics_ratelimit_rejected(const char *policy)
{
    pthread_mutex_lock(&g_lock);
    size_t i;
    for (i = 0; i < g_nrl; i++)
        if (strcmp(g_rl[i].policy, policy) == 0)
            break;
    if (i == g_nrl && g_nrl < POLICIES_MAX) {
        g_rl[i].policy = policy;
        g_rl[i].count = 0;
        g_nrl++;
    }
    if (i < g_nrl)
        g_rl[i].count++;
    pthread_mutex_unlock(&g_lock);
}

void metrics_handler_rejected(void)
{
    pthread_mutex_lock(&g_lock);
    g_handler_rejected++;
    pthread_mutex_unlock(&g_lock);
}

int metrics_register_collector(metrics_collector fn, void *ctx)
{
    pthread_mutex_lock(&g_lock);
    if (g_ncollectors >= COLLECTORS_MAX) {
        pthread_mutex_unlock(&g_lock);
        return IA_ERR_TOO_LARGE;
    }
    g_collectors[g_ncollectors].fn = fn;
    g_collectors[g_ncollectors].ctx = ctx;
    g_ncollectors++;
    pthread_mutex_unlock(&g_lock);
    return IA_OK;
}

/* Resident memory from /proc/self/statm (pages), in bytes; 0 when unreadable. */
static long long resident_bytes(void)
{
    FILE *f = fopen("/proc/self/statm", "r");
    if (f == NULL)
        return 0;
    long long size = 0, rss = 0;
    int n = fscanf(f, "%lld %lld", &size, &rss);
    fclose(f);
    if (n != 2)
        return 0;
    return rss * sysconf(_SC_PAGESIZE);
}

static long long open_fds(void)
{
    DIR *d = opendir("/proc/self/fd");
    if (d == NULL)
        return 0;
    long long n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        if (e->d_name[0] != '.')
            n++;
    closedir(d);
    return n > 0 ? n - 1 : 0; /* minus the directory stream itself */
}

int metrics_render(strbuf *sb)
{
    strbuf_puts(sb,
                "# HELP interviewace_build_info Build information.\n"
                "# TYPE interviewace_build_info gauge\n");
    strbuf_appendf(sb, "interviewace_build_info{version=\"%s\"} 1\n", IA_VERSION);

    pthread_mutex_lock(&g_lock);
    strbuf_puts(sb,
                "# HELP interviewace_http_requests_total HTTP requests by route template, "
                "method and status.\n# TYPE interviewace_http_requests_total counter\n");
    for (size_t i = 0; i < g_nreq; i++)
        strbuf_appendf(sb,
                       "interviewace_http_requests_total{route=\"%s\",method=\"%s\",status=\"%d\"}"
                       " %llu\n",
                       g_req[i].route, g_req[i].method, g_req[i].status,
                       (unsigned long long)g_req[i].count);
    strbuf_puts(sb,
                "# HELP interviewace_http_request_duration_seconds Request latency by route "
                "template.\n# TYPE interviewace_http_request_duration_seconds histogram\n");
    for (size_t i = 0; i < g_nhist; i++) {
        const route_hist *h = &g_hist[i];
        for (size_t b = 0; b < NBUCKETS; b++)
            strbuf_appendf(
                sb,
                "interviewace_http_request_duration_seconds_bucket{route=\"%s\",le=\"%g\"}"
                " %llu\n",
                h->route, buckets[b], (unsigned long long)h->bucket[b]);
        strbuf_appendf(sb,
                       "interviewace_http_request_duration_seconds_bucket{route=\"%s\",le=\"+Inf\"}"
                       " %llu\n",
                       h->route, (unsigned long long)h->count);
        strbuf_appendf(sb, "interviewace_http_request_duration_seconds_sum{route=\"%s\"} %.6f\n",
                       h->route, h->sum);
        strbuf_appendf(sb, "interviewace_http_request_duration_seconds_count{route=\"%s\"} %llu\n",
                       h->route, (unsigned long long)h->count);
    }
    strbuf_puts(sb,
                "# HELP interviewace_ratelimit_rejections_total Requests refused with 429, "
                "by policy.\n# TYPE interviewace_ratelimit_rejections_total counter\n");
    for (size_t i = 0; i < g_nrl; i++)
        strbuf_appendf(sb, "interviewace_ratelimit_rejections_total{policy=\"%s\"} %llu\n",
                       g_rl[i].policy, (unsigned long long)g_rl[i].count);
    strbuf_puts(sb,
                "# HELP interviewace_handler_rejected_total Requests refused with 503 because "
                "the handler queue was full.\n"
                "# TYPE interviewace_handler_rejected_total counter\n");
    strbuf_appendf(sb, "interviewace_handler_rejected_total %llu\n",
                   (unsigned long long)g_handler_rejected);
    size_t ncol = g_ncollectors;
    pthread_mutex_unlock(&g_lock);

    for (size_t i = 0; i < ncol; i++)
        g_collectors[i].fn(sb, g_collectors[i].ctx);

    strbuf_puts(sb,
                "# HELP interviewace_uptime_seconds Seconds since the process started.\n"
                "# TYPE interviewace_uptime_seconds gauge\n");
    strbuf_appendf(sb, "interviewace_uptime_seconds %.3f\n",
                   (double)(ia_mono_ms() - g_start_ms) / 1000.0);
    strbuf_puts(sb,
                "# HELP process_resident_memory_bytes Resident memory size in bytes.\n"
                "# TYPE process_resident_memory_bytes gauge\n");
    strbuf_appendf(sb, "process_resident_memory_bytes %lld\n", resident_bytes());
    strbuf_puts(sb,
                "# HELP process_open_fds Number of open file descriptors.\n"
                "# TYPE process_open_fds gauge\n");
    strbuf_appendf(sb, "process_open_fds %lld\n", open_fds());
    return strbuf_error(sb);
}
