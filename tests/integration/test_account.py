"""Account self-service (docs/api.md §3.1, §3.2; issue 4): e-mail verification and password reset
through a capturing SMTP server, change-password with the password history, DELETE /me,
GET /me/export, the reset/resend rate limits, and that no log line carries a password or token.

With SMTP configured (the `mailing` server) login needs a verified e-mail; the `plain` server
has no SMTP, writes its messages to DATA_DIR/outbox and lets unverified accounts log in. The outbox
sends messages one at a time, in order: once a later message has arrived, an earlier one that
was never received was never sent (mail_barrier)."""

import email as email_lib
from email.utils import parseaddr
import json
import secrets
import socket
import stat
import uuid
from pathlib import Path

import httpx
import pytest

from helpers import TIMESTAMP_RE, assert_error, assert_validation_error, wait_for
from smtp_server import SmtpTestServer
from test_admin import insert_interview, insert_job, insert_resume
from test_auth import (
    PASSWORD,
    USER_FIELDS,
    USER_AGENT,
    WWW_INVALID,
    assert_auth_error,
    assert_token_pair,
    auth,
    false_literal,
    iso_ms,
    login,
    me,
    new_account,
    now_ms,
    refresh,
    register,
    sql_bool,
    try_login,
    unique_email,
)
from test_user_cli import FAST, admin_session

FRONTEND = "https://app.example.test"
AUTH = "/api/v1/auth"
WRONG = "Wr0ng!Password"
SMTP_REGISTERED = "Registration successful. Please check your email to verify your account."
VERIFIED = "Email verified successfully. You can now log in."
ALREADY_VERIFIED = "Email already verified."
RESEND_MESSAGE = {"message": "If the account exists and is not verified, a new verification email has been sent."}
RESET_REQUESTED = {"message": "If an account with that email exists, you will receive a reset link shortly."}
RESET_DONE = {"message": "Password has been reset successfully."}
CHANGED = {"message": "Password changed successfully"}
WEAK_TYPES = {"password_too_short", "password_no_uppercase", "password_no_digit", "password_no_special"}


# ---- fixtures ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def mailer():
    smtp = SmtpTestServer().start()
    yield smtp
    smtp.stop()


@pytest.fixture(scope="module")
def mailing(module_server, mailer):
    """SMTP configured: verification required, links sent by mail."""
    return module_server(**FAST, **mailer.env, FRONTEND_URL=FRONTEND)


@pytest.fixture(scope="module")
def plain(module_server):
    """No SMTP: messages go to the log, login needs no verification."""
    return module_server(**FAST, FRONTEND_URL=FRONTEND)


# ---- helpers -------------------------------------------------------------------------------


def post(client, path, body=None, token=None, **kw):
    headers = {"User-Agent": USER_AGENT, **(auth(token) if token else {}), **kw.pop("headers", {})}
    return client.post(AUTH + path, json=body, headers=headers, **kw)


def mails_to(mailer, address):
    return [m for m in mailer.messages if address.lower() in (r.lower() for r in m.rcpt_tos)]


def mail_barrier(client, mailer):
    """Waits until everything queued so far has been sent: registers a new account and waits for
    its verification mail, which the outbox sends after every earlier message."""
    _, email = register(client)
    mailer.wait_for_to(email)


def wait_for_mail_count(mailer, address, n, timeout=10.0):
    wait_for(lambda: len(mails_to(mailer, address)) >= n, timeout=timeout, what=f"{n} mails to {address}")
    return mails_to(mailer, address)


def verify_token_of(mail):
    return mail.token("/verify-email")


def reset_token_of(mail):
    return mail.token("/reset-password")


def verified_account(client, mailer, password=PASSWORD):
    """Registers, follows the verification link from the mail and logs in."""
    user_id, email = register(client, password=password)
    token = verify_token_of(mailer.wait_for_to(email))
    r = post(client, "/verify-email", {"token": token})
    assert r.status_code == 200 and r.json() == {"message": VERIFIED}, r.text
    pair = login(client, email, password)
    return {"id": user_id, "email": email, "password": password,
            "access": pair["access_token"], "refresh": pair["refresh_token"]}


def request_reset(client, mailer, email, n):
    """Asks for a reset link and returns the token of the n-th reset mail to email."""
    r = post(client, "/reset-password-request", {"email": email})
    assert r.status_code == 200 and r.json() == RESET_REQUESTED, r.text
    wait_for(lambda: len([m for m in mails_to(mailer, email) if "/reset-password" in m.body]) >= n,
             what=f"reset mail {n} to {email}")
    return reset_token_of([m for m in mails_to(mailer, email) if "/reset-password" in m.body][n - 1])


def confirm_reset(client, token, new_password):
    return post(client, "/reset-password-confirm", {"token": token, "new_password": new_password})


def change_password(client, token, old, new):
    return post(client, "/change-password", {"old_password": old, "new_password": new}, token=token)


def is_verified(srv, user_id):
    return sql_bool(srv.sql(f"SELECT is_email_verified FROM users WHERE id = '{user_id}'")[0][0])


def assert_password_items(r, loc, types=WEAK_TYPES):
    body = assert_validation_error(r, loc, sorted(types)[0])
    assert {i["type"] for i in body["detail"]} == set(types), body
    assert all(i["loc"] == loc for i in body["detail"]), body


def lock(client, email):
    for _ in range(5):
        assert_error(try_login(client, email, WRONG), 401, "INVALID_CREDENTIALS")
    assert_error(try_login(client, email, PASSWORD), 423, "ACCOUNT_LOCKED")


# ---- e-mail verification -------------------------------------------------------------------


def test_register_sends_a_verification_link(mailing, mailer):
    c = mailing.client
    email = unique_email("verify")
    r = c.post(f"{AUTH}/register", json={"email": email, "full_name": "Vera Fy", "password": PASSWORD})
    assert r.status_code == 201, r.text
    assert r.json() == {"message": SMTP_REGISTERED, "id": r.json()["id"]}, r.json()
    user_id = r.json()["id"]
    mail = mailer.wait_for_to(email)
    assert mail.rcpt_tos == [email] and email in mail.to, (mail.rcpt_tos, mail.to)
    assert mail.subject.strip(), mail.subject
    link = mail.link("/verify-email")
    assert link.startswith(f"{FRONTEND}/verify-email?token="), link
    token = verify_token_of(mail)
    assert len(token) >= 22 and token not in (user_id, email), token  # >= 128 bits
    assert not is_verified(mailing, user_id)

    # Not verified: no login (a wrong password is still just wrong).
    assert_error(try_login(c, email, PASSWORD), 403, "EMAIL_NOT_VERIFIED")
    assert_error(try_login(c, email, WRONG), 401, "INVALID_CREDENTIALS")

    r = post(c, "/verify-email", {"token": token})
    assert r.status_code == 200 and r.json() == {"message": VERIFIED}, r.text
    assert is_verified(mailing, user_id)
    pair = login(c, email)
    u = me(c, pair["access_token"]).json()
    assert set(u) == USER_FIELDS and u["is_email_verified"] is True and u["id"] == user_id, u

    # The same link again: already verified.
    r = post(c, "/verify-email", {"token": token})
    assert r.status_code == 200 and r.json() == {"message": ALREADY_VERIFIED}, r.text


def test_unknown_verification_token_is_400(mailing):
    c = mailing.client
    for token in (secrets.token_urlsafe(32), "x", "a" * 512):
        r = post(c, "/verify-email", {"token": token})
        assert_error(r, 400, "INVALID_VERIFICATION_TOKEN")


@pytest.mark.parametrize("body,loc,type_", [
    ({}, ["body", "token"], "missing"),
    ({"token": 5}, ["body", "token"], "string_type"),
    ({"token": "abc", "email": "a@example.com"}, ["body", "email"], "extra_forbidden"),
])
def test_verify_email_validation(mailing, body, loc, type_):
    assert_validation_error(post(mailing.client, "/verify-email", body), loc, type_)


def test_expired_verification_link_is_400(mailing, mailer):
    c = mailing.client
    user_id, email = register(c)
    token = verify_token_of(mailer.wait_for_to(email))
    mailing.sql(f"UPDATE email_verification_tokens SET expires_at = 1 WHERE user_id = '{user_id}'")
    assert_error(post(c, "/verify-email", {"token": token}), 400, "INVALID_VERIFICATION_TOKEN")
    assert not is_verified(mailing, user_id)
    assert_error(try_login(c, email, PASSWORD), 403, "EMAIL_NOT_VERIFIED")
    # A new link works.
    assert post(c, "/resend-verification", {"email": email}).json() == RESEND_MESSAGE
    fresh = verify_token_of(wait_for_mail_count(mailer, email, 2)[1])
    assert fresh != token
    assert post(c, "/verify-email", {"token": fresh}).json() == {"message": VERIFIED}
    login(c, email)


def test_resend_verification_answers_alike_and_mails_only_the_unverified(mailing, mailer, engine):
    c = mailing.client
    unverified_id, unverified = register(c)
    first = verify_token_of(mailer.wait_for_to(unverified))
    verified = verified_account(c, mailer)["email"]
    disabled_id, disabled = register(c)
    mailer.wait_for_to(disabled)
    mailing.sql(f"UPDATE users SET is_active = {false_literal(engine)} WHERE id = '{disabled_id}'")
    unknown = unique_email("nobody")

    answers = []
    for email in (unknown, verified, disabled, unverified, unverified.upper()):
        r = post(c, "/resend-verification", {"email": email})
        answers.append((r.status_code, r.json()))
    assert answers == [(200, RESEND_MESSAGE)] * 5, answers

    mail_barrier(c, mailer)
    assert len(mails_to(mailer, unverified)) == 3  # registration + two resends
    assert len(mails_to(mailer, verified)) == 1    # registration only
    assert len(mails_to(mailer, disabled)) == 1
    assert mails_to(mailer, unknown) == []

    second, third = (verify_token_of(m) for m in mails_to(mailer, unverified)[1:])
    assert len({first, second, third}) == 3
    assert mails_to(mailer, unverified)[2].link("/verify-email").startswith(f"{FRONTEND}/verify-email?token=")
    # Each new link retired the earlier ones.
    assert_error(post(c, "/verify-email", {"token": first}), 400, "INVALID_VERIFICATION_TOKEN")
    assert_error(post(c, "/verify-email", {"token": second}), 400, "INVALID_VERIFICATION_TOKEN")
    assert not is_verified(mailing, unverified_id)
    assert post(c, "/verify-email", {"token": third}).json() == {"message": VERIFIED}
    # Once verified, any known token of the account says so.
    assert post(c, "/verify-email", {"token": first}).json() == {"message": ALREADY_VERIFIED}
    login(c, unverified)
    # A verified account gets nothing more.
    post(c, "/resend-verification", {"email": unverified})
    mail_barrier(c, mailer)
    assert len(mails_to(mailer, unverified)) == 3


@pytest.mark.parametrize("path", ["/resend-verification", "/reset-password-request"])
@pytest.mark.parametrize("body,loc,type_", [
    ({}, ["body", "email"], "missing"),
    ({"email": "not-an-email"}, ["body", "email"], "value_error"),
    ({"email": 7}, ["body", "email"], "string_type"),
    ({"email": "a@example.com", "full_name": "x"}, ["body", "full_name"], "extra_forbidden"),
])
def test_email_body_validation(mailing, path, body, loc, type_):
    assert_validation_error(post(mailing.client, path, body), loc, type_)


# ---- password reset ------------------------------------------------------------------------


def test_reset_request_answers_alike_and_mails_only_active_accounts(mailing, mailer, engine):
    c = mailing.client
    active = verified_account(c, mailer)
    disabled = verified_account(c, mailer)
    mailing.sql(f"UPDATE users SET is_active = {false_literal(engine)} WHERE id = '{disabled['id']}'")
    unknown = unique_email("nobody")
    answers = []
    for email in (unknown, disabled["email"], active["email"].upper()):
        r = post(c, "/reset-password-request", {"email": email})
        answers.append((r.status_code, r.json(), r.headers.get("content-type")))
    assert answers == [(200, RESET_REQUESTED, "application/json")] * 3, answers
    mail_barrier(c, mailer)
    resets = [m for m in mails_to(mailer, active["email"]) if "/reset-password" in m.body]
    assert len(resets) == 1, [m.body for m in mails_to(mailer, active["email"])]
    assert resets[0].link("/reset-password").startswith(f"{FRONTEND}/reset-password?token="), resets[0].body
    assert "/verify-email" not in resets[0].body
    assert not [m for m in mails_to(mailer, disabled["email"]) if "/reset-password" in m.body]
    assert mails_to(mailer, unknown) == []


def test_reset_confirm(mailing, mailer):
    c = mailing.client
    acct = verified_account(c, mailer)
    other = login(c, acct["email"])
    token = request_reset(c, mailer, acct["email"], 1)
    lock(c, acct["email"])  # the reset lifts a lockout

    # Refusals leave the token usable.
    assert_password_items(confirm_reset(c, token, "weak"), ["body", "new_password"])
    assert_error(confirm_reset(c, token, PASSWORD), 400, "PASSWORD_REUSED")

    new = "N3w!Reset-Password"
    r = confirm_reset(c, token, new)
    assert r.status_code == 200 and r.json() == RESET_DONE, r.text
    # Every session ends.
    for access in (acct["access"], other["access_token"]):
        assert_auth_error(me(c, access), 401, "TOKEN_REVOKED", WWW_INVALID)
    for rt in (acct["refresh"], other["refresh_token"]):
        assert_auth_error(refresh(c, rt), 401, "TOKEN_REVOKED", WWW_INVALID)
    # The lock is gone; only the new password works.
    assert_error(try_login(c, acct["email"], PASSWORD), 401, "INVALID_CREDENTIALS")
    pair = login(c, acct["email"], new)
    assert me(c, pair["access_token"]).status_code == 200
    # Single use.
    assert_error(confirm_reset(c, token, "An0ther!Password"), 400, "INVALID_RESET_TOKEN")
    login(c, acct["email"], new)


def test_reset_marks_the_email_verified(mailing, mailer):
    c = mailing.client
    user_id, email = register(c)
    verification = verify_token_of(mailer.wait_for_to(email))
    assert_error(try_login(c, email, PASSWORD), 403, "EMAIL_NOT_VERIFIED")
    token = request_reset(c, mailer, email, 1)
    assert confirm_reset(c, token, "Res3t!Verified").json() == RESET_DONE
    assert is_verified(mailing, user_id)
    assert me(c, login(c, email, "Res3t!Verified")["access_token"]).json()["is_email_verified"] is True
    assert post(c, "/verify-email", {"token": verification}).json() == {"message": ALREADY_VERIFIED}


def test_reset_refuses_recent_passwords(mailing, mailer):
    c = mailing.client
    acct = verified_account(c, mailer)
    assert change_password(c, acct["access"], PASSWORD, "Second#Pass1").json() == CHANGED
    assert change_password(c, acct["access"], "Second#Pass1", "Third#Pass1").json() == CHANGED
    token = request_reset(c, mailer, acct["email"], 1)
    for old in (PASSWORD, "Second#Pass1", "Third#Pass1"):
        assert_error(confirm_reset(c, token, old), 400, "PASSWORD_REUSED")
    assert confirm_reset(c, token, "Fourth#Pass1").json() == RESET_DONE
    login(c, acct["email"], "Fourth#Pass1")


def test_a_new_reset_link_retires_the_earlier_one(mailing, mailer):
    c = mailing.client
    acct = verified_account(c, mailer)
    first = request_reset(c, mailer, acct["email"], 1)
    second = request_reset(c, mailer, acct["email"], 2)
    assert first != second
    assert_error(confirm_reset(c, first, "Fresh#Passw0rd"), 400, "INVALID_RESET_TOKEN")
    login(c, acct["email"])
    assert confirm_reset(c, second, "Fresh#Passw0rd").json() == RESET_DONE
    login(c, acct["email"], "Fresh#Passw0rd")


def test_expired_or_unknown_reset_token_is_400(mailing, mailer):
    c = mailing.client
    acct = verified_account(c, mailer)
    token = request_reset(c, mailer, acct["email"], 1)
    mailing.sql(f"UPDATE password_reset_tokens SET expires_at = 1 WHERE user_id = '{acct['id']}'")
    assert_error(confirm_reset(c, token, "Late#Passw0rd"), 400, "INVALID_RESET_TOKEN")
    assert_error(confirm_reset(c, secrets.token_urlsafe(32), "Late#Passw0rd"), 400, "INVALID_RESET_TOKEN")
    # A verification token is no reset token.
    assert_error(confirm_reset(c, verify_token_of(mailer.wait_for_to(acct["email"])), "Late#Passw0rd"),
                 400, "INVALID_RESET_TOKEN")
    assert me(c, acct["access"]).status_code == 200  # nothing happened
    login(c, acct["email"])


@pytest.mark.parametrize("body,loc,type_", [
    ({"new_password": "Val1d!Password"}, ["body", "token"], "missing"),
    ({"token": "abc"}, ["body", "new_password"], "missing"),
    ({"token": "abc", "new_password": "Val1d!Password", "email": "a@example.com"}, ["body", "email"],
     "extra_forbidden"),
    ({"token": "abc", "new_password": 12345678}, ["body", "new_password"], "string_type"),
])
def test_reset_confirm_validation(mailing, body, loc, type_):
    assert_validation_error(post(mailing.client, "/reset-password-confirm", body), loc, type_)


def test_link_tokens_are_stored_hashed(mailing, mailer):
    c = mailing.client
    user_id, email = register(c)
    vtoken = verify_token_of(mailer.wait_for_to(email))
    rtoken = request_reset(c, mailer, email, 1)
    for table, token in (("password_reset_tokens", rtoken), ("email_verification_tokens", vtoken)):
        rows = mailing.sql(f"SELECT * FROM {table} WHERE user_id = '{user_id}'")
        assert len(rows) == 1, rows
        (token_hash,) = mailing.sql(f"SELECT token_hash FROM {table} WHERE user_id = '{user_id}'")[0]
        assert token_hash and token_hash != token, (table, token_hash)
        for value in rows[0]:
            assert value is None or token not in value, (table, rows[0])
        assert mailing.sql(f"SELECT count(*) FROM {table} WHERE token_hash = '{token}'") == [("0",)]
    # And the stored values are no usable tokens.
    (stored,) = mailing.sql(f"SELECT token_hash FROM password_reset_tokens WHERE user_id = '{user_id}'")[0]
    assert_error(confirm_reset(c, stored, "Hash3d!Token"), 400, "INVALID_RESET_TOKEN")
    (stored,) = mailing.sql(f"SELECT token_hash FROM email_verification_tokens WHERE user_id = '{user_id}'")[0]
    assert_error(post(c, "/verify-email", {"token": stored}), 400, "INVALID_VERIFICATION_TOKEN")
    assert confirm_reset(c, rtoken, "Hash3d!Token").json() == RESET_DONE


# ---- without SMTP ------------------------------------------------------------------------


def outbox_link(srv, email, path, seen=()):
    """The link to path in the newest outbox message to email that is not in seen, waiting for
    it: without SMTP each message is written to DATA_DIR/outbox/<time>-<n>.eml."""
    outbox = Path(srv.env["DATA_DIR"]) / "outbox"

    def find():
        for f in sorted(outbox.glob("*.eml")) if outbox.is_dir() else []:
            if f.name in seen:
                continue
            msg = email_lib.message_from_bytes(f.read_bytes())
            body = msg.get_payload(decode=True).decode()
            if parseaddr(msg["To"])[1] == email and f"{FRONTEND}{path}?token=" in body:
                return f, body
        return None
    f, body = wait_for(find, what=f"an outbox message to {email} with {path}")
    token = body.split(f"{FRONTEND}{path}?token=", 1)[1]
    return f, token[:next(i for i, ch in enumerate(token) if not (ch.isalnum() or ch in "-_"))]


def test_without_smtp_links_go_to_the_outbox_never_the_log(plain):
    c = plain.client
    email = unique_email("nosmtp")
    r = c.post(f"{AUTH}/register", json={"email": email, "full_name": "No Smtp", "password": PASSWORD})
    assert r.status_code == 201 and r.json()["message"] == "Registration successful. You can now log in.", r.text
    verify_file, vtoken = outbox_link(plain, email, "/verify-email")
    assert stat.S_IMODE(verify_file.stat().st_mode) == 0o600
    pair = login(c, email)  # unverified, allowed
    assert me(c, pair["access_token"]).json()["is_email_verified"] is False
    post(c, "/reset-password-request", {"email": email})
    reset_file, token = outbox_link(plain, email, "/reset-password", seen={verify_file.name})
    assert confirm_reset(c, token, "L0gged!Link").json() == RESET_DONE
    login(c, email, "L0gged!Link")
    # The log says where each message went, with the recipient masked, and never holds a live
    # token or the full address.
    masked = email[0] + "***@" + email.split("@", 1)[1]
    rec = plain.wait_for_log(lambda rec: rec.get("module") == "mail" and
                             rec["fields"].get("file", "").endswith(reset_file.name))
    assert rec["fields"]["to"] == masked, rec
    text = "\n".join(json.dumps(r) for r in plain.logs())
    assert vtoken not in text and token not in text
    assert email not in text
    assert "?token=" not in text


# ---- change-password -----------------------------------------------------------------------


def test_change_password(plain):
    c = plain.client
    acct = new_account(c)
    other = login(c, acct["email"])
    assert_error(change_password(c, acct["access"], WRONG, "N3w!Password"), 400, "INVALID_PASSWORD")
    assert_password_items(change_password(c, acct["access"], PASSWORD, "weak"), ["body", "new_password"])
    assert_error(change_password(c, acct["access"], PASSWORD, PASSWORD), 400, "PASSWORD_REUSED")
    assert me(c, other["access_token"]).status_code == 200  # refusals revoke nothing

    r = change_password(c, acct["access"], PASSWORD, "N3w!Password")
    assert r.status_code == 200 and r.json() == CHANGED, r.text
    # Every other session ends; this one keeps working, its refresh token included.
    assert_auth_error(me(c, other["access_token"]), 401, "TOKEN_REVOKED", WWW_INVALID)
    assert_auth_error(refresh(c, other["refresh_token"]), 401, "TOKEN_REVOKED", WWW_INVALID)
    assert me(c, acct["access"]).status_code == 200
    pair = assert_token_pair(refresh(c, acct["refresh"]))
    assert me(c, pair["access_token"]).status_code == 200
    assert_error(try_login(c, acct["email"], PASSWORD), 401, "INVALID_CREDENTIALS")
    login(c, acct["email"], "N3w!Password")
    (stored,) = plain.sql(f"SELECT password_hash FROM users WHERE id = '{acct['id']}'")[0]
    assert stored.startswith("$2b$") and "N3w!Password" not in stored


def test_password_history_refuses_the_current_and_the_last_five(plain):
    c = plain.client
    acct = new_account(c)
    token = acct["access"]
    passwords = [PASSWORD] + [f"Hist0ry#{i}" for i in range(1, 7)]
    for old, new in zip(passwords[:5], passwords[1:6]):  # five changes: P0 -> ... -> P5
        assert change_password(c, token, old, new).json() == CHANGED
    current = passwords[5]
    # The current password and the five before it (P4 down to P0) are refused.
    for p in reversed(passwords[:6]):
        assert_error(change_password(c, token, current, p), 400, "PASSWORD_REUSED")
    assert change_password(c, token, current, passwords[6]).json() == CHANGED  # sixth change
    current = passwords[6]
    for p in reversed(passwords[1:7]):
        assert_error(change_password(c, token, current, p), 400, "PASSWORD_REUSED")
    # P0 has dropped out of the last five.
    assert change_password(c, token, current, passwords[0]).json() == CHANGED
    login(c, acct["email"], passwords[0])



@pytest.mark.parametrize("history", [0, 1, 2])
def test_password_history_setting_counts_previous_passwords(make_server, history):
    """PASSWORD_HISTORY = the number of previous passwords refused, besides the current one."""
    srv = make_server(**FAST, PASSWORD_HISTORY=history)
    c = srv.client
    acct = new_account(c)
    passwords = [PASSWORD, "Sec0nd#Pass", "Th1rd#Pass", "F0urth#Pass"]
    for old, new in zip(passwords, passwords[1:]):  # three changes: P0 -> P1 -> P2 -> P3
        assert change_password(c, acct["access"], old, new).json() == CHANGED
    current = passwords[3]
    assert_error(change_password(c, acct["access"], current, current), 400, "PASSWORD_REUSED")
    for back in range(1, 4):  # P2, P1, P0
        r = change_password(c, acct["access"], current, passwords[3 - back])
        if back <= history:
            assert_error(r, 400, "PASSWORD_REUSED")
        else:
            assert r.status_code == 200 and r.json() == CHANGED, (history, back, r.text)
            break

@pytest.mark.parametrize("body,loc,type_", [
    ({"new_password": "N3w!Password"}, ["body", "old_password"], "missing"),
    ({"old_password": PASSWORD}, ["body", "new_password"], "missing"),
    ({"old_password": PASSWORD, "new_password": "N3w!Password", "role": "admin"}, ["body", "role"],
     "extra_forbidden"),
    ({"old_password": PASSWORD, "new_password": 5}, ["body", "new_password"], "string_type"),
])
def test_change_password_validation(plain, body, loc, type_):
    c = plain.client
    acct = new_account(c)
    assert_validation_error(post(c, "/change-password", body, token=acct["access"]), loc, type_)
    login(c, acct["email"])


def test_change_password_needs_authentication(plain):
    r = post(plain.client, "/change-password", {"old_password": PASSWORD, "new_password": "N3w!Password"})
    assert_error(r, 401, "NOT_AUTHENTICATED")


# ---- DELETE /me ----------------------------------------------------------------------------


def delete_me(client, token, password):
    return client.request("DELETE", f"{AUTH}/me", json={"password": password}, headers=auth(token))


def test_delete_me_removes_the_account_and_its_rows(plain):
    c = plain.client
    acct = new_account(c)
    bystander = new_account(c)
    uid = acct["id"]
    second = login(c, acct["email"])
    refreshed = assert_token_pair(refresh(c, second["refresh_token"]))
    assert_error(try_login(c, acct["email"], WRONG), 401, "INVALID_CREDENTIALS")
    assert change_password(c, acct["access"], PASSWORD, "Bef0re!Delete").json() == CHANGED
    post(c, "/reset-password-request", {"email": acct["email"]})
    wait_for(lambda: plain.sql(f"SELECT count(*) FROM password_reset_tokens WHERE user_id = '{uid}'") == [("1",)])
    job = insert_job(plain, uid, status="SUCCESS", result='{"ok": true}')
    insert_resume(plain, uid)
    insert_interview(plain, uid, "completed", 80.0)
    other_job = insert_job(plain, bystander["id"], status="SUCCESS", result='{"ok": true}')
    sessions = [s for (s,) in plain.sql(f"SELECT id FROM auth_sessions WHERE user_id = '{uid}'")]
    assert len(sessions) == 2

    assert_error(delete_me(c, acct["access"], PASSWORD), 400, "INVALID_PASSWORD")  # the old one
    assert_validation_error(c.request("DELETE", f"{AUTH}/me", json={}, headers=auth(acct["access"])),
                            ["body", "password"], "missing")
    assert plain.sql(f"SELECT count(*) FROM users WHERE id = '{uid}'") == [("1",)]

    r = delete_me(c, acct["access"], "Bef0re!Delete")
    assert r.status_code == 204, r.text
    assert r.content == b""
    tables = {"users": "id", "auth_sessions": "user_id", "login_attempts": "user_id", "jobs": "user_id",
              "password_history": "user_id", "password_reset_tokens": "user_id",
              "email_verification_tokens": "user_id", "revoked_tokens": "user_id", "resumes": "user_id",
              "interview_sessions": "user_id"}
    for table, column in tables.items():
        assert plain.sql(f"SELECT count(*) FROM {table} WHERE {column} = '{uid}'") == [("0",)], table
    listed = ", ".join(f"'{s}'" for s in sessions)
    assert plain.sql(f"SELECT count(*) FROM refresh_tokens WHERE session_id IN ({listed})") == [("0",)]
    assert plain.sql(f"SELECT count(*) FROM jobs WHERE id = '{job['task_id']}'") == [("0",)]
    # Its tokens name an unknown user now.
    for token in (acct["access"], refreshed["access_token"]):
        assert_auth_error(me(c, token), 401, "INVALID_TOKEN", WWW_INVALID)
    assert_auth_error(refresh(c, refreshed["refresh_token"]), 401, "INVALID_TOKEN", WWW_INVALID)
    assert_error(try_login(c, acct["email"], "Bef0re!Delete"), 401, "INVALID_CREDENTIALS")
    # Nobody else lost anything, and the address is free again.
    assert me(c, bystander["access"]).status_code == 200
    assert plain.sql(f"SELECT count(*) FROM jobs WHERE id = '{other_job['task_id']}'") == [("1",)]
    register(c, email=acct["email"])


def test_delete_me_refuses_the_last_active_admin(make_server, engine):
    srv = make_server(**FAST)
    c = srv.client
    first = admin_session(srv)
    assert_error(delete_me(c, first["access"], WRONG), 400, "INVALID_PASSWORD")
    assert_error(delete_me(c, first["access"], first["password"]), 409, "LAST_ADMIN")
    # A deactivated administrator does not count.
    second = admin_session(srv)
    srv.sql(f"UPDATE users SET is_active = {false_literal(engine)} WHERE id = '{second['id']}'")
    assert_error(delete_me(c, first["access"], first["password"]), 409, "LAST_ADMIN")
    assert srv.sql(f"SELECT count(*) FROM users WHERE id = '{first['id']}'") == [("1",)]
    # With another active administrator it goes.
    third = admin_session(srv)
    assert delete_me(c, first["access"], first["password"]).status_code == 204
    assert srv.sql(f"SELECT count(*) FROM users WHERE id = '{first['id']}'") == [("0",)]
    assert_error(delete_me(c, third["access"], third["password"]), 409, "LAST_ADMIN")
    # An ordinary user is never the last admin.
    user = new_account(c)
    assert delete_me(c, user["access"], PASSWORD).status_code == 204


# ---- export --------------------------------------------------------------------------------


def test_export(plain):
    c = plain.client
    acct = new_account(c)  # one session (agent USER_AGENT)
    other = new_account(c)
    second = login(c, acct["email"], headers={"User-Agent": "second-agent/2"})
    assert post(c, "/logout", token=second["access_token"]).status_code == 200
    assert_error(try_login(c, acct["email"], WRONG, headers={"User-Agent": "x"}), 401, "INVALID_CREDENTIALS")
    before = now_ms()
    r = c.get(f"{AUTH}/me/export", headers=auth(acct["access"]))
    assert r.status_code == 200, r.text
    assert r.headers.get("content-type", "").startswith("application/json"), r.headers
    assert r.headers.get_list("content-disposition") == \
        [f'attachment; filename="interviewace-export-{acct["id"]}.json"'], r.headers
    body = r.json()
    assert set(body) == {"exported_at", "user", "resumes", "interviews", "login_sessions", "login_attempts"}, body
    assert TIMESTAMP_RE.match(body["exported_at"]) and body["exported_at"] >= iso_ms(before - 1000), body
    assert body["user"] == me(c, acct["access"]).json()
    assert (body["resumes"], body["interviews"]) == ([], []), body

    rows = plain.sql(f"SELECT id, created_at, last_used_at, ip_address, user_agent, revoked_at FROM auth_sessions "
                     f"WHERE user_id = '{acct['id']}'")
    expected = [{"id": sid, "created_at": iso_ms(int(ca)), "last_used_at": iso_ms(int(lu)), "ip_address": ip,
                 "user_agent": ua, "revoked": rv is not None} for sid, ca, lu, ip, ua, rv in rows]
    assert sorted(body["login_sessions"], key=lambda s: s["id"]) == sorted(expected, key=lambda s: s["id"])
    by_agent = {s["user_agent"]: s for s in body["login_sessions"]}
    assert set(by_agent) == {USER_AGENT, "second-agent/2"}, body["login_sessions"]
    assert by_agent[USER_AGENT]["revoked"] is False and by_agent["second-agent/2"]["revoked"] is True
    assert all(s["ip_address"] == "127.0.0.1" for s in body["login_sessions"])

    rows = plain.sql(f"SELECT created_at, ip_address, success FROM login_attempts WHERE user_id = '{acct['id']}'")
    expected = [{"created_at": iso_ms(int(t)), "ip_address": ip, "success": sql_bool(ok)} for t, ip, ok in rows]
    key = lambda a: (a["created_at"], a["success"])  # noqa: E731
    assert sorted(body["login_attempts"], key=key) == sorted(expected, key=key)
    assert sorted(a["success"] for a in body["login_attempts"]) == [False, True, True]
    for a in body["login_attempts"]:
        assert set(a) == {"created_at", "ip_address", "success"}, a

    # Nothing secret, nothing of anyone else.
    (stored,) = plain.sql(f"SELECT password_hash FROM users WHERE id = '{acct['id']}'")[0]
    for secret in (PASSWORD, stored, "$2b$", "password", "hash", acct["access"], acct["refresh"], other["id"],
                   other["email"]):
        assert secret not in r.text, secret
    assert_error(c.get(f"{AUTH}/me/export"), 401, "NOT_AUTHENTICATED")


# ---- rate limits ---------------------------------------------------------------------------


@pytest.mark.parametrize("path,policy,setting", [
    ("/reset-password-request", "reset", "RATE_LIMIT_RESET"),
    ("/resend-verification", "resend", "RATE_LIMIT_RESEND"),
])
def test_reset_and_resend_limits_per_client_ip(make_server, path, policy, setting):
    srv = make_server(PASSWORD_HASH_COST=4, TRUSTED_PROXIES="127.0.0.1", **{setting: 2})
    c = srv.client
    _, email = register(c)
    ip = {"X-Forwarded-For": "198.51.100.20"}
    for left in (1, 0):
        r = post(c, path, {"email": email}, headers=ip)
        assert r.status_code == 200, r.text
        assert r.headers.get("ratelimit-policy") == f'"default";q=100;w=60, "{policy}";q=2;w=60', r.headers
        assert f'"{policy}";r={left};' in r.headers.get("ratelimit", ""), r.headers
    r = post(c, path, {"email": unique_email()}, headers=ip)
    assert_error(r, 429, "RATE_LIMITED", "Rate limit exceeded")
    assert 0 < int(r.headers["retry-after"]) <= 60, r.headers
    # Another client is not affected, nor are the other link endpoints.
    assert post(c, path, {"email": email}, headers={"X-Forwarded-For": "198.51.100.21"}).status_code == 200
    r = post(c, "/verify-email", {"token": "nope"}, headers=ip)
    assert_error(r, 400, "INVALID_VERIFICATION_TOKEN")
    assert f'"{policy}"' not in r.headers.get("ratelimit-policy", ""), r.headers


# ---- secrets -------------------------------------------------------------------------------


def test_no_password_or_token_in_logs_or_responses(make_server, smtp_server):
    srv = make_server(**FAST, **smtp_server.env, FRONTEND_URL=FRONTEND)
    p0, p1, p2, wrong, weak = "Leak#Probe-Zero0", "Leak#Probe-One1", "Leak#Probe-Two2", "Leak#Probe-Wrong3", "leakweak"
    responses, tokens = [], []
    email = unique_email("leak")
    with httpx.Client(base_url=srv.url, timeout=10) as c:
        def call(method, path, **kw):
            r = c.request(method, AUTH + path, **kw)
            responses.append(r)
            return r

        call("POST", "/register", json={"email": unique_email(), "full_name": "W", "password": weak})
        assert call("POST", "/register", json={"email": email, "full_name": "Leak", "password": p0}).status_code == 201
        vtoken = verify_token_of(smtp_server.wait_for_to(email))
        call("POST", "/login", json={"email": email, "password": p0})  # not verified yet
        call("POST", "/verify-email", json={"token": vtoken + "x"})
        assert call("POST", "/verify-email", json={"token": vtoken}).status_code == 200
        call("POST", "/login", json={"email": email, "password": wrong})
        pair1 = assert_token_pair(call("POST", "/login", json={"email": email, "password": p0}))
        pair2 = assert_token_pair(call("POST", "/refresh", headers=auth(pair1["refresh_token"])))
        call("POST", "/refresh", json={"refresh_token": pair1["refresh_token"]})  # reuse
        pair3 = assert_token_pair(call("POST", "/login", data={"username": email, "password": p0}))
        call("POST", "/change-password", json={"old_password": wrong, "new_password": p1},
             headers=auth(pair3["access_token"]))
        call("POST", "/change-password", json={"old_password": p0, "new_password": weak},
             headers=auth(pair3["access_token"]))
        assert call("POST", "/change-password", json={"old_password": p0, "new_password": p1},
                    headers=auth(pair3["access_token"])).status_code == 200
        call("POST", "/reset-password-request", json={"email": email})
        rtoken = reset_token_of(wait_for(lambda: [m for m in mails_to(smtp_server, email)
                                                  if "/reset-password" in m.body], what="reset mail")[0])
        call("POST", "/reset-password-confirm", json={"token": rtoken, "new_password": weak})
        call("POST", "/reset-password-confirm", json={"token": rtoken, "new_password": p0})
        assert call("POST", "/reset-password-confirm", json={"token": rtoken, "new_password": p2}).status_code == 200
        call("POST", "/reset-password-confirm", json={"token": rtoken, "new_password": p2})
        pair4 = assert_token_pair(call("POST", "/login", json={"email": email, "password": p2}))
        call("GET", "/me", headers=auth(pair4["access_token"]))
        call("GET", "/me/export", headers=auth(pair4["access_token"]))
        call("POST", "/resend-verification", json={"email": email})
        call("DELETE", "/me", json={"password": wrong}, headers=auth(pair4["access_token"]))
        rid = "leak-" + uuid.uuid4().hex
        call("POST", "/logout", headers={**auth(pair4["access_token"]), "X-Request-ID": rid})
        for pair in (pair1, pair2, pair3, pair4):
            tokens += [pair["access_token"], pair["refresh_token"]]

    mail_barrier(srv.client, smtp_server)
    srv.access_log(rid)
    hashes = [h for (h,) in srv.sql("SELECT password_hash FROM password_history")]
    assert len(hashes) >= 4
    passwords = [p0, p1, p2, wrong, weak]
    link_tokens = [vtoken, rtoken]
    for r in responses:
        for s in passwords + hashes + ["$2b$"]:
            assert s not in r.text, (r.request.method, r.request.url.path, s, r.text)
    lines = srv.raw_logs()
    assert any("password changed" in line for line in lines)  # the log is really captured
    assert any(rid in line for line in lines)
    for line in lines:
        for s in passwords + hashes + link_tokens + tokens + [t.split(".")[2] for t in tokens]:
            assert s not in line, (s, line)
    for s in passwords + link_tokens + tokens:
        assert s not in srv.stderr, s


# ---- FRONTEND_URL --------------------------------------------------------------------------


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize("fixed", [True, False], ids=["fixed-port", "port-0"])
def test_links_point_at_the_listening_port_when_frontend_url_is_unset(make_server, smtp_server, fixed):
    """Without FRONTEND_URL the e-mailed links use the address the service listens on: a
    non-default PORT, or with PORT=0 the port known only once the server is bound."""
    srv = make_server(**FAST, **smtp_server.env, PORT=free_port() if fixed else 0)
    _, email = register(srv.client)
    link = smtp_server.wait_for_to(email).link("/verify-email")
    assert link.startswith(f"http://localhost:{srv.port}/verify-email?token="), (srv.port, link)
    assert srv.port != 8000


def test_an_explicit_frontend_url_wins_over_the_listening_port(make_server, smtp_server):
    srv = make_server(**FAST, **smtp_server.env, PORT=free_port(), FRONTEND_URL=FRONTEND + "/")
    _, email = register(srv.client)
    link = smtp_server.wait_for_to(email).link("/verify-email")
    assert link.startswith(f"{FRONTEND}/verify-email?token="), link
