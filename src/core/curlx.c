#include "core/curlx.h"

#include "core/log.h"

void curlx_init(curlx_opts *o, CURL *c)
{
    o->c = c;
    o->rc = c != NULL ? CURLE_OK : CURLE_FAILED_INIT;
    o->failed = c != NULL ? NULL : "curl_easy_init";
}

CURLcode curlx_note(curlx_opts *o, CURLcode rc, const char *name)
{
    if (o->rc != CURLE_OK || rc == CURLE_OK)
        return o->rc;
    o->rc = rc;
    o->failed = name;
    log_error("curl", "cannot set a transfer option", "option", name, "error",
              curl_easy_strerror(rc));
    return rc;
}
