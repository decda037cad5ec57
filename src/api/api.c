#include "api/api.h"

#include "core/errors.h"
#include "core/log.h"
#include "http/server.h"

int api_register(http_server *s, ia_app *app)
{
    int rc = http_server_add_routes(s, service_routes, service_routes_count);
    if (rc != IA_OK)
        return rc;
    if (app->cfg->test_endpoints) {
        log_warn("api",
                 "TEST_ENDPOINTS is on: /__test routes are served; never do this in "
                 "production");
        rc = http_server_add_routes(s, testing_routes, testing_routes_count);
    }
    return rc;
}
