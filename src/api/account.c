/* Account maintenance (docs/api.md §3.2): changing and resetting the password, e-mail verification
 * by single-use links and deleting the account (the export of what is stored is export.c's). */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "files/storage.h"
#include "store/resumes_store.h"
#include "api/render.h"
#include "auth/password.h"
#include "core/errors.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "http/doc.h"
#include "http/validate.h"
#include "mail/mail.h"
#include "store/users_store.h"
#include "core/util.h"

#define ROLE_ADMIN       "admin"
#define LINK_TOKEN_BYTES 32
#define AUTH_PREFIX      "/api/v1/auth"

/* The stored form of a link token: its SHA-256, in hex. */
static void token_digest(const char *token, char hash[65])
{
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(digest, (const unsigned char *)token, strlen(token));
    sodium_bin2hex(hash, 65, digest, sizeof(digest));
}

/* Makes a random token for a link (43 base64url characters) and its stored form, the SHA-256
 * hex digest: the database never holds a usable token. */
static void link_token(char token[64], char hash[65])
{
    unsigned char raw[LINK_TOKEN_BYTES];
    randombytes_buf(raw, sizeof(raw));
    sodium_bin2base64(token, 64, raw, sizeof(raw), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    token_digest(token, hash);
    sodium_memzero(raw, sizeof(raw));
}

/* Issues a link token of kind for u (retiring earlier ones) and queues the message. */
int api_send_link(http_req *req, db *d, const user_row *u, token_kind kind)
{
    const ia_config *cfg = req->cfg;
    char token[64], hash[65];
    link_token(token, hash);
    int64_t now = ia_now_ms();
    int64_t ttl = kind == TOKEN_KIND_RESET ? cfg->password_reset_expire_minutes
                                           : cfg->email_verification_expire_minutes;
    int rc = tokens_store_issue(d, kind, hash, u->id, now, now + ttl * 60000);
    if (rc != IA_OK)
        return rc;
    const char *path = kind == TOKEN_KIND_RESET ? "reset-password" : "verify-email";
    char *text = arena_printf(
        req->arena,
        kind == TOKEN_KIND_RESET
            ? "Hello %s,\n\nSomeone asked to reset the password of your InterviewAce account. "
              "To choose a new password, open this link within %lld minutes:\n\n%s/%s?token=%s\n\n"
              "If you did not ask for this, ignore this message; your password stays as it is.\n"
            : "Hello %s,\n\nWelcome to InterviewAce. Confirm your e-mail address by opening this "
              "link within %lld minutes:\n\n%s/%s?token=%s\n\nIf you did not create an "
              "account, ignore this message.\n",
        u->full_name, (long long)ttl, cfg->frontend_url, path, token);
    sodium_memzero(token, sizeof(token));
    if (text == NULL)
        return IA_ERR_NOMEM;
    mail_message m = { .to = u->email,
                       .subject = kind == TOKEN_KIND_RESET ? "Reset your InterviewAce password"
                                                           : "Confirm your e-mail address",
                       .text = text };
    rc = mail_send_async(&m);
    if (rc != IA_OK)
        log_warn("auth", "could not queue a message", "user_id", u->id, "error", ia_strerror(rc));
    return IA_OK;
}

/* True when pw matches the current password or one of the last PASSWORD_HISTORY ones. */
static int password_reused(http_req *req, db *d, const user_row *u, const char *pw, bool *reused)
{
    *reused = password_verify(pw, u->password_hash);
    if (*reused || req->cfg->password_history == 0)
        return IA_OK;
    const char **hashes = NULL;
    size_t n = 0;
    /* The history holds the current hash too: the current one and PASSWORD_HISTORY before it. */
    int rc = users_store_password_history(d, req->arena, u->id, (int)req->cfg->password_history + 1,
                                          &hashes, &n);
    for (size_t i = 0; rc == IA_OK && i < n && !*reused; i++)
        *reused = password_verify(pw, hashes[i]);
    return rc;
}

/* Stores a new password hash for u and remembers it for the reuse rule. */
static int store_new_password(http_req *req, db *d, const char *user_id, const char *pw,
                              int64_t now)
{
    char hash[PASSWORD_HASH_MAX];
    int rc = password_hash(pw, (int)req->cfg->password_hash_cost, hash);
    if (rc == IA_OK)
        rc = users_store_set_password(d, user_id, hash, now);
    if (rc == IA_OK)
        rc = users_store_add_password_history(d, user_id, hash, now);
    return rc;
}

static const v_field change_fields[] = {
    { "old_password", V_STRING, V_REQUIRED | V_NO_TRIM, 1, 1000, .example = API_PASSWORD_EXAMPLE,
      .description = "Your current password" },
    { "new_password", V_STRING, V_REQUIRED | V_NO_TRIM | V_POLICY, PASSWORD_MIN, PASSWORD_MAX_BYTES,
      .example = "N3w#Passw0rd!", .description = PASSWORD_POLICY_TEXT },
};

static int change_password(http_req *req, http_res *res)
{
    v_value in[V_COUNT(change_fields)];
    int rc = validate_body(req, res, change_fields, V_COUNT(change_fields), in, api_check_password);
    if (rc != IA_OK)
        return rc;
    const user_row *me = api_current_user(req);
    const token_claims *claims = api_current_claims(req);
    db *d = api_db(req);
    if (d == NULL)
        return IA_ERR_UNAVAILABLE;
    if (!password_verify(in[0].s, me->password_hash))
        return http_error(res, 400, "INVALID_PASSWORD", "The current password is incorrect");
    bool reused = false;
    rc = password_reused(req, d, me, in[1].s, &reused);
    if (rc != IA_OK)
        return rc;
    if (reused)
        return http_error(res, 400, "PASSWORD_REUSED",
                          "Choose a password you have not used recently");
    int64_t now = ia_now_ms();
    session_id_list ended = { NULL, 0 };
    rc = db_begin(d);
    if (rc == IA_OK)
        rc = store_new_password(req, d, me->id, in[1].s, now);
    /* Every other session ends; this one stays. */
    if (rc == IA_OK)
        rc = sessions_store_revoke_all(d, req->arena, me->id, claims->sid, "password changed", now,
                                       &ended);
    if (rc == IA_OK)
        rc = db_commit(d);
    else
        db_rollback(d);
    if (rc != IA_OK)
        return rc;
    api_note_revoked_sessions(req, &ended);
    log_info("auth", "password changed", "user_id", me->id);
    return http_json(res, 200, json_pack("{s:s}", "message", "Password changed successfully"));
}

static const v_field delete_fields[] = {
    { "password", V_STRING, V_REQUIRED | V_NO_TRIM, 1, 1000, .example = API_PASSWORD_EXAMPLE,
      .description = "Your current password" },
};

static int me_delete(http_req *req, http_res *res)
{
    v_value in[V_COUNT(delete_fields)];
    int rc = validate_body(req, res, delete_fields, V_COUNT(delete_fields), in, NULL);
    if (rc != IA_OK)
        return rc;
    const user_row *me = api_current_user(req);
    db *d = api_db(req);
    if (d == NULL)
        return IA_ERR_UNAVAILABLE;
    if (!password_verify(in[0].s, me->password_hash))
        return http_error(res, 400, "INVALID_PASSWORD", "The password is incorrect");
    rc = db_begin(d);
    if (rc != IA_OK)
        return rc;
    if (strcmp(me->role, ROLE_ADMIN) == 0) {
        long long admins = 0;
        rc = users_store_count_active_admins(d, &admins);
        if (rc == IA_OK && admins <= 1) {
            db_rollback(d);
            return http_error(res, 409, "LAST_ADMIN",
                              "You are the only active administrator; appoint another first");
        }
    }
    /* Foreign keys remove sessions, tokens, attempts, resumes, interviews and tasks; the
     * stored files go once the rows are gone (a file left by a failure here is an orphan the
     * scheduler removes). */
    const char **keys = NULL;
    size_t nkeys = 0;
    if (rc == IA_OK)
        rc = resumes_store_user_keys(d, req->arena, me->id, &keys, &nkeys);
    if (rc == IA_OK)
        rc = users_store_delete(d, me->id);
    if (rc == IA_OK)
        rc = db_commit(d);
    else
        db_rollback(d);
    if (rc != IA_OK)
        return rc;
    api_note_account(req, me->id, REVOCATION_ACCOUNT_DELETED);
    for (size_t i = 0; i < nkeys; i++) {
        char err[512];
        if (storage_delete(((ia_app *)req->app)->storage, keys[i], err, sizeof(err)) != IA_OK)
            log_warn("auth", "stored file left for the orphan sweep", "key", keys[i], "error", err);
    }
    log_info("auth", "account deleted", "user_id", me->id);
    return http_empty(res, 204);
}

static const v_field email_fields[] = {
    { "email", V_STRING, V_REQUIRED | V_EMAIL, 1, 254, .example = "jane@example.com" },
};

static int reset_request(http_req *req, http_res *res)
{
    v_value in[V_COUNT(email_fields)];
    int rc = validate_body(req, res, email_fields, V_COUNT(email_fields), in, NULL);
    if (rc != IA_OK)
        return rc;
    db *d = api_db(req);
    if (d == NULL)
        return IA_ERR_UNAVAILABLE;
    user_row *u = NULL;
    rc = users_store_by_email(d, req->arena, in[0].s, &u);
    if (rc == IA_OK && u->is_active)
        rc = api_send_link(req, d, u, TOKEN_KIND_RESET);
    if (rc != IA_OK && rc != IA_NOT_FOUND)
        return rc;
    return http_json(res, 200,
                     json_pack("{s:s}", "message",
                               "If an account with that email exists, you will receive a reset "
                               "link shortly."));
}

static const v_field reset_fields[] = {
    { "token", V_STRING, V_REQUIRED | V_NO_TRIM, 1, 512,
      .example = "cd2IVXlPUo8Mh9nqLzjX0k1HfYEBdz5Rk7s2q0aWbTg",
      .description = "The token of the e-mailed reset link" },
    { "new_password", V_STRING, V_REQUIRED | V_NO_TRIM | V_POLICY, PASSWORD_MIN, PASSWORD_MAX_BYTES,
      .example = "N3w#Passw0rd!", .description = PASSWORD_POLICY_TEXT },
};

static int reset_confirm(http_req *req, http_res *res)
{
    v_value in[V_COUNT(reset_fields)];
    int rc = validate_body(req, res, reset_fields, V_COUNT(reset_fields), in, api_check_password);
    if (rc != IA_OK)
        return rc;
    db *d = api_db(req);
    if (d == NULL)
        return IA_ERR_UNAVAILABLE;
    char hash[65];
    token_digest(in[0].s, hash);
    int64_t now = ia_now_ms();
    token_lookup tk;
    user_row *u = NULL;
    rc = tokens_store_find(d, req->arena, TOKEN_KIND_RESET, hash, now, &tk);
    if (rc == IA_OK && !tk.used && !tk.expired)
        rc = users_store_by_id(d, req->arena, tk.user_id, &u);
    if (rc == IA_NOT_FOUND || (rc == IA_OK && (tk.used || tk.expired)))
        return http_error(res, 400, "INVALID_RESET_TOKEN",
                          "This reset link is invalid or has expired; ask for a new one");
    if (rc != IA_OK)
        return rc;
    bool reused = false;
    rc = password_reused(req, d, u, in[1].s, &reused);
    if (rc != IA_OK)
        return rc;
    if (reused)
        return http_error(res, 400, "PASSWORD_REUSED",
                          "Choose a password you have not used recently");
    rc = db_begin(d);
    if (rc == IA_OK)
        rc = tokens_store_consume(d, TOKEN_KIND_RESET, hash, now);
    if (rc == IA_OK)
        rc = store_new_password(req, d, u->id, in[1].s, now);
    session_id_list ended = { NULL, 0 };
    if (rc == IA_OK)
        rc = sessions_store_revoke_all(d, req->arena, u->id, NULL, "password reset", now, &ended);
    if (rc == IA_OK)
        rc = users_store_reset_failures(d, u->id, false, now);
    if (rc == IA_OK)
        rc = users_store_set_verified(d, u->id, now);
    if (rc == IA_OK)
        rc = db_commit(d);
    else
        db_rollback(d);
    if (rc == IA_NOT_FOUND)
        return http_error(res, 400, "INVALID_RESET_TOKEN",
                          "This reset link is invalid or has expired; ask for a new one");
    if (rc != IA_OK)
        return rc;
    api_note_revoked_sessions(req, &ended);
    log_info("auth", "password reset", "user_id", u->id);
    return http_json(res, 200,
                     json_pack("{s:s}", "message", "Password has been reset successfully."));
}

static const v_field verify_fields[] = {
    { "token", V_STRING, V_REQUIRED | V_NO_TRIM, 1, 512,
      .example = "Zq3mN8xWv0Lk2Jh5Gf7Ds9Ap1Bo4Ci6Eu8Ty0Rr2Ww",
      .description = "The token of the e-mailed verification link" },
};

static int verify_email(http_req *req, http_res *res)
{
    v_value in[V_COUNT(verify_fields)];
    int rc = validate_body(req, res, verify_fields, V_COUNT(verify_fields), in, NULL);
    if (rc != IA_OK)
        return rc;
    db *d = api_db(req);
    if (d == NULL)
        return IA_ERR_UNAVAILABLE;
    char hash[65];
    token_digest(in[0].s, hash);
    int64_t now = ia_now_ms();
    token_lookup tk;
    user_row *u = NULL;
    rc = tokens_store_find(d, req->arena, TOKEN_KIND_VERIFY, hash, now, &tk);
    if (rc == IA_OK)
        rc = users_store_by_id(d, req->arena, tk.user_id, &u);
    if (rc == IA_OK && u->is_email_verified)
        return http_json(res, 200, json_pack("{s:s}", "message", "Email already verified."));
    if (rc == IA_NOT_FOUND || (rc == IA_OK && (tk.used || tk.expired)))
        return http_error(res, 400, "INVALID_VERIFICATION_TOKEN",
                          "This verification link is invalid or has expired; ask for a new one");
    if (rc != IA_OK)
        return rc;
    rc = db_begin(d);
    if (rc == IA_OK)
        rc = tokens_store_consume(d, TOKEN_KIND_VERIFY, hash, now);
    if (rc == IA_OK)
        rc = users_store_set_verified(d, u->id, now);
    if (rc == IA_OK)
        rc = db_commit(d);
    else
        db_rollback(d);
    if (rc == IA_NOT_FOUND)
        return http_error(res, 400, "INVALID_VERIFICATION_TOKEN",
                          "This verification link is invalid or has expired; ask for a new one");
    if (rc != IA_OK)
        return rc;
    return http_json(
        res, 200,
        json_pack("{s:s}", "message", "Email verified successfully. You can now log in."));
}

static int resend_verification(http_req *req, http_res *res)
{
    v_value in[V_COUNT(email_fields)];
    int rc = validate_body(req, res, email_fields, V_COUNT(email_fields), in, NULL);
    if (rc != IA_OK)
        return rc;
    db *d = api_db(req);
    if (d == NULL)
        return IA_ERR_UNAVAILABLE;
    user_row *u = NULL;
    rc = users_store_by_email(d, req->arena, in[0].s, &u);
    if (rc == IA_OK && u->is_active && !u->is_email_verified)
        rc = api_send_link(req, d, u, TOKEN_KIND_VERIFY);
    if (rc != IA_OK && rc != IA_NOT_FOUND)
        return rc;
    return http_json(res, 200,
                     json_pack("{s:s}", "message",
                               "If the account exists and is not verified, a new verification "
                               "email has been sent."));
}

/* ---- documentation ---- */

static const doc_response message_response[] = { { 0, DOC_JSON, &render_message_schema },
                                                 { .shape = DOC_END } };

static const http_doc delete_doc = {
    .description =
        "Deletes the account with its sessions, resumes and stored files, interviews "
        "and tasks.",
    .body = delete_fields,
    .nbody = V_COUNT(delete_fields),
    .responses =
        (const doc_response[]){ { 0, DOC_EMPTY, .description = "Deleted" }, { .shape = DOC_END } },
    .errors = (const doc_error[]){ { 400, "INVALID_PASSWORD", "the password is wrong" },
                                   { 409, "LAST_ADMIN", "you are the only active administrator" },
                                   { 0 } },
};

static const http_doc change_doc = {
    .description = "Ends every other session of yours.",
    .body = change_fields,
    .nbody = V_COUNT(change_fields),
    .responses = message_response,
    .errors = (const doc_error[]){ { 400, "INVALID_PASSWORD", "old_password is wrong" },
                                   { 400, "PASSWORD_REUSED",
                                     "new_password is the current or one of the last 5" },
                                   { 0 } },
};

static const http_doc reset_request_doc = {
    .description =
        "Answers the same, in similar time, whether or not the account exists; a "
        "deactivated account gets no mail. The link lives 15 minutes.",
    .body = email_fields,
    .nbody = V_COUNT(email_fields),
    .responses = message_response,
};

static const http_doc reset_confirm_doc = {
    .description =
        "Consumes the token, ends every session, clears a lockout and marks the "
        "address verified.",
    .body = reset_fields,
    .nbody = V_COUNT(reset_fields),
    .responses = message_response,
    .errors =
        (const doc_error[]){
            { 400, "INVALID_RESET_TOKEN", "an unknown, expired or used token" },
            { 400, "PASSWORD_REUSED", "new_password is the current or one of the last 5" },
            { 0 } },
};

static const http_doc verify_doc = {
    .body = verify_fields,
    .nbody = V_COUNT(verify_fields),
    .responses = message_response,
    .errors = (const doc_error[]){ { 400, "INVALID_VERIFICATION_TOKEN",
                                     "an unknown token, or an expired one of an unverified "
                                     "account" },
                                   { 0 } },
};

static const http_doc resend_doc = {
    .description =
        "Answers the same whether or not the account exists or is verified. The link "
        "lives 30 minutes.",
    .body = email_fields,
    .nbody = V_COUNT(email_fields),
    .responses = message_response,
};

/* HTTP_CPU: the routes that hash or verify a password run on the CPU executor (auth.c). */
const http_route account_routes[] = {
    { "DELETE", AUTH_PREFIX "/me", me_delete, HTTP_BODY_JSON | HTTP_CPU, AUTH_USER, RL_DEFAULT, 204,
      "Delete your account and everything stored about you", "auth", &delete_doc },
    { "POST", AUTH_PREFIX "/change-password", change_password, HTTP_BODY_JSON | HTTP_CPU, AUTH_USER,
      RL_DEFAULT, 200, "Change your password", "auth", &change_doc },
    { "POST", AUTH_PREFIX "/reset-password-request", reset_request, HTTP_BODY_JSON, AUTH_NONE,
      RL_DEFAULT | RL_RESET, 200, "Ask for a password-reset link", "auth", &reset_request_doc },
    { "POST", AUTH_PREFIX "/reset-password-confirm", reset_confirm, HTTP_BODY_JSON | HTTP_CPU,
      AUTH_NONE, RL_DEFAULT, 200, "Set a new password with a reset link", "auth",
      &reset_confirm_doc },
    { "POST", AUTH_PREFIX "/verify-email", verify_email, HTTP_BODY_JSON, AUTH_NONE, RL_DEFAULT, 200,
      "Confirm your e-mail address", "auth", &verify_doc },
    { "POST", AUTH_PREFIX "/resend-verification", resend_verification, HTTP_BODY_JSON, AUTH_NONE,
      RL_DEFAULT | RL_RESEND, 200, "Ask for a new verification link", "auth", &resend_doc },
};
const size_t account_routes_count = COUNT(account_routes);
