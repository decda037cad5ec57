/* The application: its shared context and the registration of every resource's routes with
 * the HTTP server. One file per resource; each exports its route table. */
#ifndef IA_API_API_H
#define IA_API_API_H

#include <stdint.h>

#include "ai/chain.h"
#include "core/config.h"
#include "db/db.h"
#include "db/redis.h"
#include "auth/password.h"
#include "auth/revocation.h"
#include "auth/token.h"
#include "files/storage.h"
#include "http/http.h"
#include "http/validate.h"
#include "store/users_store.h"

typedef struct {
    const ia_config *cfg;
    int64_t started_ms;  /* wall clock at start, for diagnostics */
    ai_chain *ai;        /* the AI engine chain, shared by every worker thread */
    storage *storage;    /* stored files; opened once at start-up, shared by every thread */
    redis_client *redis; /* REDIS_URL's client, or NULL: rate limits and revocations */
    /* A hash of a random password at PASSWORD_HASH_COST, made at start-up: logins for unknown
     * e-mails are checked against it so that they cost what a real check costs. */
    char dummy_hash[PASSWORD_HASH_MAX];
} ia_app;

/* The calling handler thread's database connection, opened on first use and re-opened after a
 * failure; NULL when the database cannot be reached (answer 503). */
db *api_db(const http_req *req);

/* Record, after their commit, that the sessions in ids ended, or what happened to the
 * account user_id, so that every replica refuses their tokens at once
 * (src/auth/revocation.h). */
void api_note_revoked_sessions(const http_req *req, const session_id_list *ids);
void api_note_account(const http_req *req, const char *user_id, revocation_account what);

/* Handler-thread hooks: api_thread_fini closes the thread's connection. */
void api_thread_init(void *app);
void api_thread_fini(void *app);

/* Installs the authentication hooks of src/api/auth.c on the server. */
void api_auth_install(http_server *s);

/* The authenticated user of a request on an AUTH_USER/AUTH_ADMIN route. */
const user_row *api_current_user(const http_req *req);

/* The verified token of a request on an AUTH_USER/AUTH_ADMIN route. */
const token_claims *api_current_claims(const http_req *req);

/* A password that meets the policy, and stays valid cut to any length from 8 characters: the
 * example of every password field in the API's documentation. */
#define API_PASSWORD_EXAMPLE "Str0ng#Passw0rd"

/* The password policy as a validation check (register, change, reset). */
void api_check_password(const char *name, const v_value *v, json_t *items);

/* Issues a single-use link of kind for u, retiring earlier ones, and queues the message. */
int api_send_link(http_req *req, db *d, const user_row *u, token_kind kind);

/* Registers every job kind the configuration enables (serve and worker both call it). */
int api_register_job_kinds(const ia_config *cfg);

/* Serves the web app (src/api/web.c) on every GET outside the service's own paths. */
void api_web_install(http_server *s);

/* The content type of a served file, by its name's extension (web app and /docs files);
 * application/octet-stream when unknown. */
const char *api_web_content_type(const char *name);

/* Registers every route the configuration enables. */
int api_register(http_server *s, ia_app *app);

/* Route tables, one per resource file. */
extern const http_route service_routes[];
extern const size_t service_routes_count;
extern const http_route auth_routes[];
extern const size_t auth_routes_count;
extern const http_route docs_routes[];
extern const size_t docs_routes_count;
extern const http_route account_routes[];
extern const size_t account_routes_count;
extern const http_route export_routes[];
extern const size_t export_routes_count;
extern const http_route admin_routes[];
extern const size_t admin_routes_count;
extern const http_route task_routes[];
extern const size_t task_routes_count;
extern const http_route resume_routes[];
extern const size_t resume_routes_count;
extern const http_route resume_share_routes[];
extern const size_t resume_share_routes_count;
extern const http_route interview_routes[];
extern const size_t interview_routes_count;
extern const http_route question_routes[];
extern const size_t question_routes_count;
extern const http_route dashboard_routes[];
extern const size_t dashboard_routes_count;
extern const http_route testing_routes[];
extern const size_t testing_routes_count;
int testing_register_job_kinds(void);

#endif
