/* Accounts and sessions (docs/api.md §3): register, login, refresh, logout, logout-all, me; and
 * the authentication hooks every protected route passes (§1.4). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api/api.h"
#include "api/render.h"
#include "auth/device.h"
#include "auth/lockout.h"
#include "auth/password.h"
#include "auth/revocation.h"
#include "auth/token.h"
#include "core/errors.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "core/uuid.h"
#include "core/utf8.h"
#include "http/doc.h"
#include "http/server.h"
#include "http/validate.h"
#include "store/users_store.h"
#include "core/util.h"

#define USER_AGENT_MAX 512
#define DEVICE_DAYS    365 /* lifetime of a device cookie */
#define DEVICE_PATH    "/api/v1/auth/login"
#define DEVICE_KEEP    20 /* devices remembered per user, most recently used first */
#define ROLE_USER      "user"
#define ROLE_ADMIN     "admin"

typedef struct {
    token_claims claims;
    user_row user;
} auth_state;

static const char *const www_plain = "Bearer";
static const char *const www_invalid = "Bearer error=\"invalid_token\"";

static int unauthorized(http_res *res, const char *code, const char *detail, bool invalid)
{
    http_error(res, 401, code, detail);
    return http_set_header(res, "WWW-Authenticate", invalid ? www_invalid : www_plain);
}

/* The bearer token of the Authorization header, or NULL. */
static const char *bearer(const http_req *req)
{
    const char *h = http_header(req, "Authorization");
    if (h == NULL || strncasecmp(h, "Bearer ", 7) != 0)
        return NULL;
    h += 7;
    while (*h == ' ')
        h++;
    return *h ? h : NULL;
}

/* Runs on the I/O thread: presence, signature, algorithm, claims and expiry of the token. */
static int auth_early(http_req *req, http_res *res, unsigned level)
{
    (void)level;
    const char *tok = bearer(req);
    if (tok == NULL)
        return unauthorized(res, "NOT_AUTHENTICATED", "Not authenticated", false);
    auth_state *st = arena_calloc(req->arena, 1, sizeof(*st));
    if (st == NULL)
        return IA_ERR_NOMEM;
    token_status ts =
        token_verify(req->cfg->secret_key, tok, TOKEN_ACCESS, ia_now_ms() / 1000, &st->claims);
    if (ts == TOKEN_EXPIRED)
        return unauthorized(res, "TOKEN_EXPIRED", "Token has expired", true);
    if (ts != TOKEN_OK)
        return unauthorized(res, "INVALID_TOKEN", "Could not validate credentials", true);
    req->auth = st;
    req->user_id = st->claims.sub; /* keys per-user limits (upload) before the body is read */
    return IA_OK;
}

/* Runs on the handler thread: the user exists and is active, the token and its session are
 * not revoked, and the role suffices. A revocation that Redis holds refuses the token at once;
 * otherwise the database decides, and the role is read from it every time. */
static int auth_late(http_req *req, http_res *res, unsigned level)
{
    auth_state *st = req->auth;
    db *d = api_db(req);
    if (st == NULL)
        return IA_ERR_INTERNAL;
    if (d == NULL)
        return IA_ERR_UNAVAILABLE;
    const ia_app *app = req->app;
    revocation_state known =
        revocation_check(app->redis, st->claims.jti, st->claims.sid, st->claims.sub);
    if (known == REVOCATION_DELETED)
        return unauthorized(res, "INVALID_TOKEN", "Could not validate credentials", true);
    if (known == REVOCATION_REVOKED)
        return unauthorized(res, "TOKEN_REVOKED", "Token has been revoked", true);
    auth_lookup lk;
    int rc = users_store_auth_lookup(d, req->arena, st->claims.sub, st->claims.sid, st->claims.jti,
                                     ia_now_ms(), &lk);
    if (rc == IA_NOT_FOUND)
        return unauthorized(res, "INVALID_TOKEN", "Could not validate credentials", true);
    if (rc != IA_OK)
        return rc;
    if (!lk.user.is_active)
        return http_error(res, 403, "ACCOUNT_DISABLED", "This account has been deactivated");
    if (lk.token_revoked || !lk.session_active)
        return unauthorized(res, "TOKEN_REVOKED", "Token has been revoked", true);
    st->user = lk.user;
    req->user_id = st->user.id;
    if (level == AUTH_ADMIN && strcmp(st->user.role, ROLE_ADMIN) != 0)
        return http_error(res, 403, "FORBIDDEN", "Administrator access required");
    return IA_OK;
}

void api_auth_install(http_server *s)
{
    http_server_set_auth(s, auth_early, auth_late);
}

const token_claims *api_current_claims(const http_req *req)
{
    const auth_state *st = req->auth;
    return st ? &st->claims : NULL;
}

const user_row *api_current_user(const http_req *req)
{
    const auth_state *st = req->auth;
    return st ? &st->user : NULL;
}

/* ---- token pairs ---- */

static const char *const DELIVERY[] = { "cookie", NULL };

/* The request header of cookie mode (docs/api.md §3.3), as login and refresh read it. */
static const v_field delivery_headers[] = {
    { "X-Token-Delivery", V_STRING, 0, 0, 16, DELIVERY,
      .description = "`cookie`: the refresh token comes back only as an HttpOnly cookie (the "
                     "body's `refresh_token` is null), and refresh falls back to that cookie" },
};

static bool cookie_mode(const http_req *req)
{
    const char *h = http_header(req, delivery_headers[0].name);
    return h != NULL && strcasecmp(h, DELIVERY[0]) == 0;
}

/* Issues an access token and a refresh token of session sid (recording the refresh token)
 * and writes the token pair response. */
static int respond_pair(http_req *req, http_res *res, db *d, const char *user_id, const char *sid,
                        const char *parent_jti)
{
    const ia_config *cfg = req->cfg;
    int64_t now_ms = ia_now_ms(), now = now_ms / 1000;
    int64_t access_s = cfg->access_token_expire_minutes * 60;
    int64_t refresh_s = cfg->refresh_token_expire_days * 86400;
    token_claims access = { .iat = now, .exp = now + access_s, .type = TOKEN_ACCESS };
    token_claims refresh = { .iat = now, .exp = now + refresh_s, .type = TOKEN_REFRESH };
    snprintf(access.sub, sizeof(access.sub), "%s", user_id);
    snprintf(refresh.sub, sizeof(refresh.sub), "%s", user_id);
    snprintf(access.sid, sizeof(access.sid), "%s", sid);
    snprintf(refresh.sid, sizeof(refresh.sid), "%s", sid);
    ia_uuid_v4(access.jti);
    ia_uuid_v4(refresh.jti);
    int rc = refresh_store_insert(d, refresh.jti, sid, parent_jti, now_ms, refresh.exp * 1000);
    if (rc != IA_OK)
        return rc;
    char *at = NULL, *rt = NULL;
    rc = token_issue(cfg->secret_key, &access, &at);
    if (rc == IA_OK)
        rc = token_issue(cfg->secret_key, &refresh, &rt);
    if (rc == IA_OK) {
        bool cookie = cookie_mode(req);
        json_t *body = json_pack("{s:s, s:o, s:s, s:I}", "access_token", at, "refresh_token",
                                 cookie ? json_null() : json_string(rt), "token_type", "bearer",
                                 "expires_in", (json_int_t)access_s);
        rc = http_json(res, 200, body);
        if (rc == IA_OK && cookie) {
            char *c = arena_printf(req->arena,
                                   "refresh_token=%s; Path=/api/v1/auth; HttpOnly; Secure; "
                                   "SameSite=Strict; Max-Age=%lld",
                                   rt, (long long)refresh_s);
            rc = c ? http_set_header(res, "Set-Cookie", c) : IA_ERR_NOMEM;
        }
    }
    free(at);
    free(rt);
    return rc;
}

static int clear_cookie(http_res *res)
{
    return http_set_header(res, "Set-Cookie",
                           "refresh_token=; Path=/api/v1/auth; HttpOnly; Secure; SameSite=Strict; "
                           "Max-Age=0");
}

/* ---- register ---- */

void api_check_password(const char *name, const v_value *v, json_t *items)
{
    if (strcmp(name, "password") != 0 && strcmp(name, "new_password") != 0)
        return;
    const password_rule *broken[PASSWORD_RULES];
    size_t n = password_broken_rules(password_policy(v->s), broken, PASSWORD_RULES);
    for (size_t i = 0; i < n; i++)
        validate_add(items, "body", name, broken[i]->msg, broken[i]->type);
}

static const v_field register_fields[] = {
    { "email", V_STRING, V_REQUIRED | V_EMAIL, 1, 254, .example = "jane@example.com",
      .description = "Stored and compared in lower case" },
    { "full_name", V_STRING, V_REQUIRED, 1, 100, .example = "Jane Doe" },
    { "password", V_STRING, V_REQUIRED | V_NO_TRIM | V_POLICY, PASSWORD_MIN, PASSWORD_MAX_BYTES,
      .example = API_PASSWORD_EXAMPLE, .description = PASSWORD_POLICY_TEXT },
};

static int auth_register(http_req *req, http_res *res)
{
    v_value in[V_COUNT(register_fields)];
    int rc =
        validate_body(req, res, register_fields, V_COUNT(register_fields), in, api_check_password);
    if (rc != IA_OK)
        return rc;
    db *d = api_db(req);
    if (d == NULL)
        return IA_ERR_UNAVAILABLE;
    char hash[PASSWORD_HASH_MAX];
    rc = password_hash(in[2].s, (int)req->cfg->password_hash_cost, hash);
    if (rc != IA_OK)
        return rc;
    int64_t now = ia_now_ms();
    char id[IA_UUID_LEN];
    ia_uuid_v7(now, id);
    user_row u = { .id = id,
                   .email = in[0].s,
                   .full_name = in[1].s,
                   .password_hash = hash,
                   .role = ROLE_USER,
                   .is_active = true,
                   .is_email_verified = false,
                   .created_at = now };
    rc = db_begin(d);
    if (rc == IA_OK)
        rc = users_store_insert(d, &u);
    if (rc == IA_OK)
        rc = users_store_add_password_history(d, id, hash, now);
    if (rc == IA_OK)
        rc = db_commit(d);
    else
        db_rollback(d);
    if (rc == IA_ERR_CONFLICT)
        return http_error(res, 409, "EMAIL_TAKEN", "An account with this email already exists");
    if (rc != IA_OK)
        return rc;
    log_info("auth", "user registered", "user_id", id);
    /* The verification link goes out (or, without SMTP, to the log); it is not required to log
     * in without SMTP. A failure here does not undo the account: a new link can be asked for. */
    if (api_send_link(req, d, &u, TOKEN_KIND_VERIFY) != IA_OK)
        log_warn("auth", "verification link not sent", "user_id", id);
    bool smtp = req->cfg->smtp_host && *req->cfg->smtp_host;
    return http_json(res, 201,
                     json_pack("{s:s, s:s}", "message",
                               smtp ? "Registration successful. Please check your email to "
                                      "verify your account."
                                    : "Registration successful. You can now log in.",
                               "id", id));
}

/* ---- login ---- */

static const v_field login_fields[] = {
    { "email", V_STRING, V_EMAIL, 1, 254, .example = "jane@example.com" },
    { "username", V_STRING, V_EMAIL, 1, 254,
      .description = "Accepted for `email`; when both are given they must be equal" },
    { "password", V_STRING, V_REQUIRED | V_NO_TRIM, 1, 1000, .example = API_PASSWORD_EXAMPLE },
};
static const char *const login_one_of[] = { "email", "username", NULL };

/* The OAuth2 password-flow form: username and password; the other fields are ignored. */
static const v_field login_form[] = {
    { "username", V_STRING, V_REQUIRED | V_EMAIL, 1, 254, .example = "jane@example.com",
      .description = "Your e-mail address" },
    { "password", V_STRING, V_REQUIRED | V_NO_TRIM, 1, 1000, .example = API_PASSWORD_EXAMPLE },
    { "grant_type", V_STRING, 0, 0, LLONG_MAX, .description = "Ignored (`password`)" },
    { "scope", V_STRING, 0, 0, LLONG_MAX, .description = "Ignored" },
    { "client_id", V_STRING, 0, 0, LLONG_MAX, .description = "Ignored" },
    { "client_secret", V_STRING, 0, 0, LLONG_MAX, .description = "Ignored" },
};

/* Reads the required fields of the login form into values (username lower-cased), or adds
 * their 422 items. */
static void read_form(http_req *req, json_t *items, const char **values)
{
    for (size_t i = 0; i < V_COUNT(login_form) && (login_form[i].flags & V_REQUIRED); i++) {
        const v_field *f = &login_form[i];
        const char *v = http_form_value(req, f->name);
        values[i] = NULL;
        if (v == NULL || *v == '\0') {
            validate_add(items, "body", f->name, "Field required", "missing");
            continue;
        }
        long long len = ia_utf8_length(v);
        if (len < 0 || len > f->max) {
            char msg[96];
            snprintf(msg, sizeof(msg), "String should have at most %lld characters", f->max);
            validate_add(items, "body", f->name,
                         len < 0 ? "Input should be a valid string (UTF-8)" : msg,
                         len < 0 ? "string_unicode" : "string_too_long");
            continue;
        }
        char *copy = arena_strdup(req->arena, v);
        for (char *c = copy; c != NULL && (f->flags & V_EMAIL) && *c; c++)
            *c = (char)((*c >= 'A' && *c <= 'Z') ? *c + 32 : *c);
        if (copy != NULL && (f->flags & V_EMAIL) && !validate_email(copy)) {
            validate_add(items, "body", f->name, "value is not a valid email address",
                         "value_error");
            continue;
        }
        values[i] = copy;
    }
}

/* Reads the credentials from a form (OAuth2 password flow) or JSON body into email/password,
 * or writes the 422. */
static int read_credentials(http_req *req, http_res *res, const char **email, const char **pw)
{
    if (http_body_is_form(req)) {
        json_t *items = json_array();
        const char *values[V_COUNT(login_form)] = { NULL };
        if (items == NULL)
            return IA_ERR_NOMEM;
        read_form(req, items, values);
        if (json_array_size(items) > 0) {
            http_validation_errors(res, items);
            return IA_ERR_INVALID;
        }
        json_decref(items);
        if (values[0] == NULL || values[1] == NULL)
            return IA_ERR_NOMEM;
        *email = values[0];
        *pw = values[1];
        return IA_OK;
    }
    v_value in[V_COUNT(login_fields)];
    int rc = validate_body(req, res, login_fields, V_COUNT(login_fields), in, NULL);
    if (rc != IA_OK)
        return rc;
    if (in[0].present && in[1].present && strcmp(in[0].s, in[1].s) != 0) {
        static const char *const loc[] = { "body", "username", NULL };
        http_validation_error(res, loc, "email and username differ", "value_error");
        return IA_ERR_INVALID;
    }
    if (!in[0].present && !in[1].present) {
        static const char *const loc[] = { "body", "email", NULL };
        http_validation_error(res, loc, "Field required", "missing");
        return IA_ERR_INVALID;
    }
    *email = in[0].present ? in[0].s : in[1].s;
    *pw = in[2].s;
    return IA_OK;
}

/* Writes the 423 of a locked client: the same status, body and headers whether the account
 * exists or not. */
static int locked(http_res *res, int64_t locked_until, int64_t now)
{
    char ra[24];
    snprintf(ra, sizeof(ra), "%lld", (long long)lockout_retry_after_s(locked_until, now));
    http_error(res, 423, "ACCOUNT_LOCKED",
               "Too many failed login attempts; the account is locked for a while");
    return http_set_header(res, "Retry-After", ra);
}

static int invalid_credentials(http_res *res)
{
    return http_error(res, 401, "INVALID_CREDENTIALS", "Incorrect email or password");
}

/* A login for an e-mail address without an account. It is locked, counted and answered
 * exactly like an account's untrusted clients, and its password is checked against the
 * start-up dummy hash, so that neither the answer nor its cost tells that the account does
 * not exist. */
static int login_unknown(http_req *req, http_res *res, db *d, const char *email, const char *pw,
                         const char *agent, int64_t now)
{
    const ia_config *cfg = req->cfg;
    const ia_app *app = req->app;
    int64_t until = 0, reset_at = 0;
    int rc = users_store_email_lock(d, email, &until, &reset_at);
    if (rc != IA_OK)
        return rc;
    if (until > now) {
        users_store_add_attempt(d, NULL, email, req->client_ip, agent, NULL, false, now);
        return locked(res, until, now);
    }
    (void)password_verify(pw, app->dummy_hash);
    users_store_add_attempt(d, NULL, email, req->client_ip, agent, NULL, false, now);
    int64_t since = lockout_window_start(now, cfg->login_attempt_window_minutes * 60000, reset_at);
    long long failures = 0;
    if (users_store_count_unknown_failures(d, email, since, &failures) == IA_OK &&
        lockout_reached(failures, cfg->max_login_attempts))
        users_store_lock_email(d, email, now + cfg->lockout_minutes * 60000);
    return invalid_credentials(res);
}

/* Records a wrong password and locks what its budget says: the device when the client came
 * with a trusted device, else the account for every untrusted client. */
static void login_failed(http_req *req, db *d, const user_row *u, const char *email,
                         const char *agent, const char *device_id, const device_row *dev,
                         int64_t now)
{
    const ia_config *cfg = req->cfg;
    int64_t window = cfg->login_attempt_window_minutes * 60000;
    int64_t until = now + cfg->lockout_minutes * 60000;
    long long failures = 0;
    users_store_add_attempt(d, u->id, email, req->client_ip, agent, device_id, false, now);
    if (device_id != NULL) {
        int64_t since = lockout_window_start(now, window, dev->failures_reset_at);
        if (users_store_count_device_failures(d, device_id, since, &failures) == IA_OK &&
            lockout_reached(failures, cfg->max_login_attempts)) {
            devices_store_lock(d, device_id, until);
            log_warn("auth", "device cookie distrusted after repeated failures", "user_id", u->id,
                     "client_ip", req->client_ip);
        }
        return;
    }
    int64_t since = lockout_window_start(now, window, u->failures_reset_at);
    if (users_store_count_failures(d, u->id, since, &failures) == IA_OK &&
        lockout_reached(failures, cfg->max_login_attempts)) {
        users_store_lock(d, u->id, until, now);
        log_warn("auth", "account locked for untrusted clients after repeated failures", "user_id",
                 u->id, "client_ip", req->client_ip);
    }
}

/* Adds the Set-Cookie of the device cookie for user_id and device_id, issued now. */
static int set_device_cookie(http_req *req, http_res *res, const char *user_id,
                             const char *device_id, int64_t now_s)
{
    device_claims c = { .issued = now_s };
    snprintf(c.user_id, sizeof(c.user_id), "%s", user_id);
    snprintf(c.device_id, sizeof(c.device_id), "%s", device_id);
    char value[DEVICE_COOKIE_MAX + 1];
    int rc = device_cookie_sign(req->cfg->secret_key, &c, value, sizeof(value));
    if (rc != IA_OK)
        return rc;
    char *h = arena_printf(req->arena,
                           DEVICE_COOKIE_NAME "=%s; Path=" DEVICE_PATH
                                              "; HttpOnly; Secure; SameSite=Strict; Max-Age=%lld",
                           value, (long long)DEVICE_DAYS * 86400);
    return h ? http_set_header(res, "Set-Cookie", h) : IA_ERR_NOMEM;
}

/* POST /login. Who may try, and against which failure budget, follows src/auth/lockout.h:
 * a valid device cookie of the account (whose device is not locked) has its own budget and is
 * never refused because of the account's lock; every other client is untrusted. */
static int auth_login(http_req *req, http_res *res)
{
    const ia_config *cfg = req->cfg;
    const char *email = NULL, *pw = NULL;
    int rc = read_credentials(req, res, &email, &pw);
    if (rc != IA_OK)
        return rc;
    rc = http_rate_check(req, res, RL_LOGIN_ACCOUNT, email);
    if (rc != IA_OK)
        return rc;
    db *d = api_db(req);
    if (d == NULL)
        return IA_ERR_UNAVAILABLE;
    const char *ua = http_header(req, "User-Agent");
    char *agent = ua ? arena_strndup(req->arena, ua, USER_AGENT_MAX) : NULL;
    int64_t now = ia_now_ms();
    user_row *u = NULL;
    rc = users_store_by_email(d, req->arena, email, &u);
    if (rc == IA_NOT_FOUND)
        return login_unknown(req, res, d, email, pw, agent, now);
    if (rc != IA_OK)
        return rc;

    device_claims dc;
    device_row dev = { 0, 0 };
    bool valid = device_cookie_find(cfg->secret_key, http_header(req, "Cookie"), u->id, now / 1000,
                                    (int64_t)DEVICE_DAYS * 86400, &dc);
    if (valid) {
        rc = devices_store_get(d, req->arena, dc.device_id, u->id, &dev);
        if (rc == IA_NOT_FOUND)
            valid = false;
        else if (rc != IA_OK)
            return rc;
    }
    lockout_budget budget = lockout_budget_for(valid, dev.locked_until, now);
    const char *device_id = budget == LOCKOUT_BUDGET_DEVICE ? dc.device_id : NULL;
    if (lockout_refuses(budget, u->locked_until, now)) {
        users_store_add_attempt(d, u->id, email, req->client_ip, agent, NULL, false, now);
        return locked(res, u->locked_until, now);
    }
    if (!password_verify(pw, u->password_hash)) {
        login_failed(req, d, u, email, agent, device_id, &dev, now);
        return invalid_credentials(res);
    }
    /* A correct password: from here on earlier failures of this budget no longer count (on
     * success, in the transaction below). */
    bool smtp = cfg->smtp_host && *cfg->smtp_host;
    if (!u->is_active || (smtp && !u->is_email_verified)) {
        if (device_id != NULL)
            devices_store_reset(d, device_id, now);
        else
            users_store_reset_failures(d, u->id, false, now);
        users_store_add_attempt(d, u->id, email, req->client_ip, agent, device_id, false, now);
        if (!u->is_active)
            return http_error(res, 403, "ACCOUNT_DISABLED", "This account has been deactivated");
        return http_error(res, 403, "EMAIL_NOT_VERIFIED",
                          "Verify your email address before logging in");
    }
    /* A hash of another cost than the configured one is replaced now that the password is
     * known: a cheaper one would answer wrong passwords faster than unknown accounts. */
    char rehash[PASSWORD_HASH_MAX];
    bool upgrade = password_needs_rehash(u->password_hash, (int)cfg->password_hash_cost);
    if (upgrade) {
        rc = password_hash(pw, (int)cfg->password_hash_cost, rehash);
        if (rc != IA_OK)
            return rc;
    }
    /* A client without a trusted device (none, or a locked one) gets a new device; a trusted
     * one keeps its id and has its cookie renewed. */
    char new_device[DEVICE_ID_LEN];
    if (device_id == NULL)
        device_new_id(new_device);
    const char *cookie_device = device_id != NULL ? device_id : new_device;
    char sid[IA_UUID_LEN];
    ia_uuid_v4(sid);
    rc = db_begin(d);
    if (rc == IA_OK)
        rc = users_store_add_attempt(d, u->id, email, req->client_ip, agent, device_id, true, now);
    if (rc == IA_OK && device_id != NULL)
        rc = devices_store_reset(d, device_id, now);
    if (rc == IA_OK && device_id != NULL)
        rc = users_store_touch_login(d, u->id, now);
    if (rc == IA_OK && device_id == NULL)
        rc = users_store_reset_failures(d, u->id, true, now);
    if (rc == IA_OK && cookie_device == new_device)
        rc = devices_store_insert(d, new_device, u->id, now);
    if (rc == IA_OK)
        rc = devices_store_trim(d, u->id, DEVICE_KEEP, now - (int64_t)DEVICE_DAYS * 86400000);
    if (rc == IA_OK && upgrade)
        rc = users_store_set_password(d, u->id, rehash, now);
    if (rc == IA_OK)
        rc = sessions_store_create(d, sid, u->id, req->client_ip, agent, now,
                                   now + cfg->refresh_token_expire_days * 86400000LL);
    if (rc == IA_OK)
        rc = sessions_store_trim(d, u->id, (int)cfg->max_sessions_per_user, now);
    if (rc == IA_OK)
        rc = respond_pair(req, res, d, u->id, sid, NULL);
    if (rc == IA_OK)
        rc = set_device_cookie(req, res, u->id, cookie_device, now / 1000);
    if (rc == IA_OK)
        rc = db_commit(d);
    else
        db_rollback(d);
    if (rc != IA_OK) {
        res->status = 0; /* nothing of the pair may leave when the commit failed */
        return rc;
    }
    if (upgrade)
        log_info("auth", "password hash upgraded to the configured cost", "user_id", u->id);
    req->user_id = u->id;
    return IA_OK;
}

/* ---- refresh ---- */

static const v_field refresh_fields[] = {
    { "refresh_token", V_STRING, V_NO_TRIM, 1, 4096,
      .description = "A refresh token, when it is not in the Authorization header (which wins)" },
};
static const v_field logout_fields[] = {
    { "refresh_token", V_STRING, V_NO_TRIM, 1, 4096,
      .description = "A refresh token of another session of yours to end as well; anything "
                     "else here is ignored" },
};

/* The refresh token: the Authorization header wins, then the body, then (cookie mode) the
 * cookie. */
static const char *cookie_token(const http_req *req)
{
    const char *c = http_header(req, "Cookie");
    while (c != NULL && *c) {
        while (*c == ' ' || *c == ';')
            c++;
        if (strncmp(c, "refresh_token=", 14) == 0) {
            const char *v = c + 14;
            size_t n = strcspn(v, ";");
            return n ? arena_memdup(req->arena, v, n) : NULL;
        }
        c = strchr(c, ';');
    }
    return NULL;
}

static int auth_refresh(http_req *req, http_res *res)
{
    v_value in[V_COUNT(refresh_fields)];
    int rc = validate_body(req, res, refresh_fields, V_COUNT(refresh_fields), in, NULL);
    if (rc != IA_OK)
        return rc;
    const char *tok = bearer(req);
    if (tok == NULL && in[0].present)
        tok = in[0].s;
    if (tok == NULL && cookie_mode(req))
        tok = cookie_token(req);
    if (tok == NULL)
        return unauthorized(res, "NOT_AUTHENTICATED", "Not authenticated", false);
    token_claims c;
    token_status ts =
        token_verify(req->cfg->secret_key, tok, TOKEN_REFRESH, ia_now_ms() / 1000, &c);
    if (ts == TOKEN_EXPIRED)
        return unauthorized(res, "TOKEN_EXPIRED", "Token has expired", true);
    if (ts != TOKEN_OK)
        return unauthorized(res, "INVALID_TOKEN", "Could not validate credentials", true);
    db *d = api_db(req);
    if (d == NULL)
        return IA_ERR_UNAVAILABLE;
    int64_t now = ia_now_ms();
    auth_lookup lk;
    rc = users_store_auth_lookup(d, req->arena, c.sub, c.sid, c.jti, now, &lk);
    if (rc == IA_NOT_FOUND)
        return unauthorized(res, "INVALID_TOKEN", "Could not validate credentials", true);
    if (rc != IA_OK)
        return rc;
    if (!lk.user.is_active)
        return http_error(res, 403, "ACCOUNT_DISABLED", "This account has been deactivated");
    if (!lk.session_active)
        return unauthorized(res, "TOKEN_REVOKED", "Token has been revoked", true);
    rc = db_begin(d);
    if (rc != IA_OK)
        return rc;
    refresh_state state = REFRESH_UNKNOWN;
    rc = refresh_store_use(d, c.jti, c.sid, now, &state);
    if (rc == IA_OK && state == REFRESH_USED) {
        /* A used token came back: someone holds a copy. End the whole session. */
        sessions_store_revoke(d, c.sid, c.sub, "refresh token reuse", now, NULL);
        rc = db_commit(d);
        log_warn("auth", "refresh token reuse; session revoked", "user_id", c.sub);
        if (rc != IA_OK)
            return rc;
        const char *sid = c.sid;
        api_note_revoked_sessions(req, &(session_id_list){ &sid, 1 });
        return unauthorized(res, "TOKEN_REUSED", "Refresh token reuse detected", true);
    }
    if (rc == IA_OK && state == REFRESH_UNKNOWN) {
        db_rollback(d);
        return unauthorized(res, "INVALID_TOKEN", "Could not validate credentials", true);
    }
    if (rc == IA_OK)
        rc = sessions_store_touch(d, c.sid, now);
    if (rc == IA_OK)
        rc = respond_pair(req, res, d, c.sub, c.sid, c.jti);
    if (rc == IA_OK)
        rc = db_commit(d);
    else
        db_rollback(d);
    if (rc != IA_OK) {
        res->status = 0;
        return rc;
    }
    req->user_id = lk.user.id;
    return IA_OK;
}

/* ---- logout ---- */

static int auth_logout(http_req *req, http_res *res)
{
    v_value in[V_COUNT(logout_fields)];
    int rc = validate_body(req, res, logout_fields, V_COUNT(logout_fields), in, NULL);
    if (rc != IA_OK)
        return rc;
    auth_state *st = req->auth;
    db *d = api_db(req);
    if (d == NULL)
        return IA_ERR_UNAVAILABLE;
    int64_t now = ia_now_ms();
    const char *ended[2] = { st->claims.sid, NULL };
    rc = db_begin(d);
    if (rc == IA_OK)
        rc = revoked_store_add(d, st->claims.jti, st->user.id, st->claims.exp * 1000);
    if (rc == IA_OK)
        rc = sessions_store_revoke(d, st->claims.sid, st->user.id, "logout", now, NULL);
    if (rc == IA_OK && in[0].present) {
        /* Another session of the same user named by its refresh token ends too; anything
         * else in that field is ignored. */
        token_claims other;
        if (token_verify(req->cfg->secret_key, in[0].s, TOKEN_REFRESH, now / 1000, &other) ==
                TOKEN_OK &&
            strcmp(other.sub, st->user.id) == 0) {
            rc = sessions_store_revoke(d, other.sid, st->user.id, "logout", now, NULL);
            ended[1] = arena_strndup(req->arena, other.sid, 64);
        }
    }
    if (rc == IA_OK)
        rc = db_commit(d);
    else
        db_rollback(d);
    if (rc != IA_OK)
        return rc;
    const ia_app *app = req->app;
    revocation_note_token(app->redis, st->claims.jti, st->claims.exp * 1000, now);
    api_note_revoked_sessions(req, &(session_id_list){ ended, ended[1] ? 2 : 1 });
    http_json(res, 200, json_pack("{s:s}", "message", "Successfully logged out"));
    return clear_cookie(res);
}

static int auth_logout_all(http_req *req, http_res *res)
{
    auth_state *st = req->auth;
    db *d = api_db(req);
    if (d == NULL)
        return IA_ERR_UNAVAILABLE;
    int64_t now = ia_now_ms();
    session_id_list ended = { NULL, 0 };
    int rc = db_begin(d);
    if (rc == IA_OK)
        rc = revoked_store_add(d, st->claims.jti, st->user.id, st->claims.exp * 1000);
    if (rc == IA_OK)
        rc = sessions_store_revoke_all(d, req->arena, st->user.id, NULL, "logout-all", now, &ended);
    if (rc == IA_OK)
        rc = db_commit(d);
    else
        db_rollback(d);
    if (rc != IA_OK)
        return rc;
    const ia_app *app = req->app;
    revocation_note_token(app->redis, st->claims.jti, st->claims.exp * 1000, now);
    api_note_revoked_sessions(req, &ended);
    http_json(res, 200,
              json_pack("{s:s, s:I}", "message", "Logged out of every session", "revoked_sessions",
                        (json_int_t)ended.n));
    return clear_cookie(res);
}

/* ---- me ---- */

static int me_get(http_req *req, http_res *res)
{
    return http_json(res, 200, render_user(api_current_user(req)));
}

static const v_field me_fields[] = {
    { "full_name", V_STRING, 0, 1, 100, .example = "Jane Q. Doe" },
};

static int me_patch(http_req *req, http_res *res)
{
    v_value in[V_COUNT(me_fields)];
    int rc = validate_body(req, res, me_fields, V_COUNT(me_fields), in, NULL);
    if (rc != IA_OK)
        return rc;
    auth_state *st = req->auth;
    db *d = api_db(req);
    if (d == NULL)
        return IA_ERR_UNAVAILABLE;
    if (in[0].present) {
        int64_t now = ia_now_ms();
        rc = users_store_set_name(d, st->user.id, in[0].s, now);
        if (rc != IA_OK)
            return rc;
        st->user.full_name = in[0].s;
        st->user.updated_at = now;
    }
    return http_json(res, 200, render_user(&st->user));
}

/* ---- documentation ---- */

static const char *const BEARER[] = { "bearer", NULL };

static const j_field registered_fields[] = {
    { "message", J_STRING,
      .description = "Whether the e-mail address must be confirmed before logging in" },
    { "id", J_STRING, 0, "uuid", .description = "The new account's id" },
};
static const j_object registered_schema = J_OBJECT_OF("Registered", NULL, registered_fields);

static const j_field token_pair_fields[] = {
    { "access_token", J_STRING, .description = "For `Authorization: Bearer`" },
    { "refresh_token", J_STRING, J_NULLABLE,
      .description = "For /refresh; null in cookie mode (it is in the cookie)" },
    { "token_type", J_STRING, .choices = BEARER },
    { "expires_in", J_INTEGER, J_NONNEG, .description = "Seconds the access token lives" },
};
static const j_object token_pair_schema = J_OBJECT_OF("TokenPair", NULL, token_pair_fields);

static const j_field logged_out_all_fields[] = {
    { "message", J_STRING },
    { "revoked_sessions", J_INTEGER, J_NONNEG, .description = "Sessions ended, this one included" },
};
static const j_object logged_out_all_schema =
    J_OBJECT_OF("LoggedOutEverywhere", NULL, logged_out_all_fields);

static const http_doc register_doc = {
    .description =
        "Without SMTP the account can log in at once; with SMTP a verification link "
        "is mailed and login waits for it.",
    .body = register_fields,
    .nbody = V_COUNT(register_fields),
    .responses =
        (const doc_response[]){ { 0, DOC_JSON, &registered_schema }, { .shape = DOC_END } },
    .errors =
        (const doc_error[]){ { 409, "EMAIL_TAKEN", "an account has this e-mail address" }, { 0 } },
};

static const http_doc login_doc = {
    .description =
        "A form (`username` = e-mail, `password`; OAuth2 password flow) or JSON. An "
        "unknown e-mail and a wrong password answer alike. The 5th failure on one "
        "account within 15 minutes locks it for 15 minutes (423, even with the right "
        "password). Each login is a session; a user keeps at most 5 and a sixth "
        "ends the least recently used. Rate-limited per client IP and per account.",
    .body = login_fields,
    .nbody = V_COUNT(login_fields),
    .body_one_of = login_one_of,
    .form = login_form,
    .nform = V_COUNT(login_form),
    .headers = delivery_headers,
    .nheaders = V_COUNT(delivery_headers),
    .responses =
        (const doc_response[]){ { 0, DOC_JSON, &token_pair_schema, .headers = DOC_H_SET_COOKIE },
                                { .shape = DOC_END } },
    .errors =
        (const doc_error[]){
            { 401, "INVALID_CREDENTIALS", "no such account, or a wrong password" },
            { 403, "EMAIL_NOT_VERIFIED", "SMTP is configured and the address is unconfirmed" },
            { 403, "ACCOUNT_DISABLED", "the account is deactivated" },
            { 423, "ACCOUNT_LOCKED", "too many failures; `Retry-After` says for how long" },
            { 0 } },
};

static const http_doc refresh_doc = {
    .description =
        "Rotates: the refresh token presented is used up and a new pair of the same "
        "session comes back. A used token presented again ends its whole session "
        "(TOKEN_REUSED). The token comes from `Authorization: Bearer`, else the "
        "body, else (cookie mode) the cookie.",
    .body = refresh_fields,
    .nbody = V_COUNT(refresh_fields),
    .headers = delivery_headers,
    .nheaders = V_COUNT(delivery_headers),
    .optional_bearer = true,
    .responses =
        (const doc_response[]){ { 0, DOC_JSON, &token_pair_schema, .headers = DOC_H_SET_COOKIE },
                                { .shape = DOC_END } },
    .errors =
        (const doc_error[]){
            { 401, "NOT_AUTHENTICATED", "no refresh token anywhere" },
            { 401, "INVALID_TOKEN", "not a valid refresh token of a known user" },
            { 401, "TOKEN_EXPIRED", "the refresh token has expired" },
            { 401, "TOKEN_REVOKED", "its session was revoked" },
            { 401, "TOKEN_REUSED", "a used refresh token came back: its session is revoked" },
            { 403, "ACCOUNT_DISABLED", "the account is deactivated" },
            { 0 } },
};

static const http_doc logout_doc = {
    .description =
        "Revokes this access token and its session (so its refresh tokens too) and "
        "clears the cookie.",
    .body = logout_fields,
    .nbody = V_COUNT(logout_fields),
    .responses = (const doc_response[]){ { 0, DOC_JSON, &render_message_schema,
                                           .headers = DOC_H_SET_COOKIE },
                                         { .shape = DOC_END } },
};

static const http_doc logout_all_doc = {
    .description = "Revokes every session of yours, this one included, and clears the cookie.",
    .responses = (const doc_response[]){ { 0, DOC_JSON, &logged_out_all_schema,
                                           .headers = DOC_H_SET_COOKIE },
                                         { .shape = DOC_END } },
};

static const http_doc me_doc = {
    .responses =
        (const doc_response[]){ { 0, DOC_JSON, &render_user_schema }, { .shape = DOC_END } },
};

static const http_doc me_patch_doc = {
    .body = me_fields,
    .nbody = V_COUNT(me_fields),
    .responses =
        (const doc_response[]){ { 0, DOC_JSON, &render_user_schema }, { .shape = DOC_END } },
};

#define AUTH_PREFIX "/api/v1/auth"

/* HTTP_CPU marks every route that hashes or verifies a password (bcrypt): they run on the CPU
 * executor, not on a handler thread (docs/design.md "Request lifecycle"). */
const http_route auth_routes[] = {
    { "POST", AUTH_PREFIX "/register", auth_register, HTTP_BODY_JSON | HTTP_CPU, AUTH_NONE,
      RL_DEFAULT | RL_REGISTER, 201, "Create an account", "auth", &register_doc },
    { "POST", AUTH_PREFIX "/login", auth_login, HTTP_BODY_JSON | HTTP_BODY_FORM | HTTP_CPU,
      AUTH_NONE, RL_DEFAULT | RL_LOGIN | RL_LOGIN_ACCOUNT, 200, "Log in (form or JSON)", "auth",
      &login_doc },
    { "POST", AUTH_PREFIX "/refresh", auth_refresh, HTTP_BODY_JSON, AUTH_NONE, RL_DEFAULT, 200,
      "Rotate a refresh token", "auth", &refresh_doc },
    { "POST", AUTH_PREFIX "/logout", auth_logout, HTTP_BODY_JSON, AUTH_USER, RL_DEFAULT, 200,
      "End this session", "auth", &logout_doc },
    { "POST", AUTH_PREFIX "/logout-all", auth_logout_all, 0, AUTH_USER, RL_DEFAULT, 200,
      "End every session", "auth", &logout_all_doc },
    { "GET", AUTH_PREFIX "/me", me_get, 0, AUTH_USER, RL_DEFAULT, 200, "Your account", "auth",
      &me_doc },
    { "PATCH", AUTH_PREFIX "/me", me_patch, HTTP_BODY_JSON, AUTH_USER, RL_DEFAULT, 200,
      "Change your name", "auth", &me_patch_doc },
};
const size_t auth_routes_count = COUNT(auth_routes);
