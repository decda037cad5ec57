#include "obs/healthcheck.h"

#include <curl/curl.h>
#include <errno.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#include "core/errors.h"

#define BODY_MAX (64 * 1024)

typedef struct {
    char buf[BODY_MAX];
    size_t len;
} body;

/* Keeps the first BODY_MAX bytes of the answer; more ends the transfer. */
static size_t on_body(char *data, size_t size, size_t n, void *ctx)
{
    body *b = ctx;
    size_t len = size * n;
    if (len > sizeof(b->buf) - b->len)
        return 0;
    memcpy(b->buf + b->len, data, len);
    b->len += len;
    return len;
}

int healthcheck_http(const char *url, long long timeout_ms, char *msg, size_t msglen)
{
    if (strncasecmp(url, "http://", 7) != 0) {
        snprintf(msg, msglen, "unhealthy: %s is not an http:// URL", url);
        return IA_ERR_UNAVAILABLE;
    }
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        snprintf(msg, msglen, "unhealthy: cannot initialise libcurl");
        return IA_ERR_UNAVAILABLE;
    }
    body b;
    b.len = 0;
    long status = 0;
    CURLcode cc = CURLE_OUT_OF_MEMORY;
    CURL *c = curl_easy_init();
    if (c != NULL) {
        curl_easy_setopt(c, CURLOPT_URL, url);
        curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http");
        curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
        curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)timeout_ms);
        curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, (long)timeout_ms);
        curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
        curl_easy_setopt(c, CURLOPT_USERAGENT, "interviewace-healthcheck/" IA_VERSION);
        curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
        curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
        cc = curl_easy_perform(c);
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
        curl_easy_cleanup(c);
    }
    curl_global_cleanup();
    if (cc != CURLE_OK) {
        snprintf(msg, msglen, "unhealthy: %s: %s", url, curl_easy_strerror(cc));
        return IA_ERR_UNAVAILABLE;
    }
    if (status != 200) {
        snprintf(msg, msglen, "unhealthy: %s answered %ld", url, status);
        return IA_ERR_UNAVAILABLE;
    }
    json_t *doc = json_loadb(b.buf, b.len, 0, NULL);
    const char *st = json_string_value(json_object_get(doc, "status"));
    bool healthy = st != NULL && strcmp(st, "healthy") == 0;
    json_decref(doc);
    if (!healthy) {
        snprintf(msg, msglen, "unhealthy: %s answered 200 without \"status\":\"healthy\"", url);
        return IA_ERR_UNAVAILABLE;
    }
    snprintf(msg, msglen, "healthy: %s answered 200", url);
    return IA_OK;
}

int healthcheck_heartbeat(const char *path, long long max_age_ms, char *msg, size_t msglen)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        snprintf(msg, msglen, "unhealthy: no heartbeat file %s: %s", path, strerror(errno));
        return IA_ERR_UNAVAILABLE;
    }
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    long long age_ms = ((long long)now.tv_sec - (long long)st.st_mtim.tv_sec) * 1000 +
                       (now.tv_nsec - st.st_mtim.tv_nsec) / 1000000;
    if (age_ms > max_age_ms) {
        snprintf(msg, msglen, "unhealthy: the worker's last heartbeat (%s) is %lld s old", path,
                 age_ms / 1000);
        return IA_ERR_UNAVAILABLE;
    }
    snprintf(msg, msglen, "healthy: the worker's heartbeat (%s) is %lld s old", path,
             age_ms > 0 ? age_ms / 1000 : 0);
    return IA_OK;
}
