/* Endpoints that exist only for the integration tests (TEST_ENDPOINTS=true): a JSON echo that
 * exercises the body rules on the handler pool, and a sleep that holds a handler thread, for
 * saturation and shutdown-drain tests. */
#include <time.h>

#include "api/api.h"
#include "core/config.h"
#include "core/errors.h"

#define SLEEP_MAX_MS 10000

static int echo(http_req *req, http_res *res)
{
    json_t *body = NULL;
    int rc = http_body_json_object(req, res, &body);
    if (rc != IA_OK)
        return rc;
    return http_json(res, 200, json_pack("{s:o}", "received", body ? body : json_null()));
}

static int sleep_ms(http_req *req, http_res *res)
{
    static const char *const loc[] = { "query", "ms", NULL };
    const char *v = http_query(req, "ms");
    long long ms = 0;
    if (v != NULL && config_parse_int(v, 0, SLEEP_MAX_MS, &ms) != IA_OK)
        return http_validation_error(res, loc, "Input should be an integer from 0 to 10000",
                                     "int_type");
    struct timespec ts = { (time_t)(ms / 1000), (long)(ms % 1000) * 1000000L };
    while (nanosleep(&ts, &ts) != 0) {
    }
    return http_json(res, 200, json_pack("{s:I}", "slept_ms", (json_int_t)ms));
}

const http_route testing_routes[] = {
    { "POST", "/__test/echo", echo, HTTP_BODY_JSON, AUTH_NONE, 0, 200, "Echo a JSON body", "test" },
    { "GET", "/__test/sleep", sleep_ms, 0, AUTH_NONE, 0, 200, "Hold a handler thread", "test" },
};
const size_t testing_routes_count = sizeof(testing_routes) / sizeof(testing_routes[0]);
