/* The application: its shared context and the registration of every resource's routes with
 * the HTTP server. One file per resource; each exports its route table. */
#ifndef IA_API_API_H
#define IA_API_API_H

#include <stdint.h>

#include "core/config.h"
#include "http/http.h"

typedef struct {
    const ia_config *cfg;
    int64_t started_ms; /* wall clock at start, for diagnostics */
} ia_app;

/* Registers every route the configuration enables. */
int api_register(http_server *s, ia_app *app);

/* Route tables, one per resource file. */
extern const http_route service_routes[];
extern const size_t service_routes_count;
extern const http_route testing_routes[];
extern const size_t testing_routes_count;

#endif
