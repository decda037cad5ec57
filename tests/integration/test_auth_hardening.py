"""Login hardening (tracker issue 17, findings 5-7; README "Login lockout and device cookies").

- Lockout cannot be turned against a victim: a browser that signed in to an account before
  holds a signed device cookie and is judged against that device's own failure budget, so it
  still signs in while strangers have locked the account for untrusted clients; a device that
  fails too often is distrusted; forged, foreign or expired cookies count for nothing.
- No user enumeration: an unknown e-mail is locked exactly like an account and answers with the
  same status, body and headers; a hash of another cost than PASSWORD_HASH_COST is replaced at
  the next successful login.
- bcrypt reads 72 bytes: longer new passwords are refused with 422 everywhere one is set, and a
  password that differs only after byte 72 never signs in.

Every request here is sent without a cookie jar, so that a client is trusted only when a test
hands it a device cookie."""

import base64
import hashlib
import hmac
import re
import time

import httpx
import pytest

from helpers import assert_error, assert_validation_error, positive_int
from test_auth import (FAST, LEGACY, LEGACY_HASHES, PASSWORD, assert_token_pair, auth, now_ms, register,
                       unique_email)

WRONG = "Wr0ng!Password"
DEVICE_RE = re.compile(
    r"^ia_device=(v1\.([0-9a-f-]+)\.([0-9a-f]{32})\.(\d+)\.([A-Za-z0-9_-]{43})); Path=/api/v1/auth/login; "
    r"HttpOnly; Secure; SameSite=Strict; Max-Age=31536000$")
KEY_LABEL = b"interviewace device cookie v1"


@pytest.fixture(scope="module")
def srv(module_server):
    """Behind a trusted proxy, so that failures can come from several client addresses."""
    return module_server(TRUSTED_PROXIES="127.0.0.1", **FAST)


def attempt(srv, email, password, cookie=None, ip="198.51.100.10", form=False):
    """One login from address ip, with the device cookie value `cookie` (None: none), through
    no cookie jar."""
    headers = {"X-Forwarded-For": ip, "User-Agent": "ia-hardening-tests/1.0"}
    if cookie is not None:
        headers["Cookie"] = f"theme=light; ia_device={cookie}"
    if form:
        return httpx.post(srv.url + "/api/v1/auth/login", data={"username": email, "password": password},
                          headers=headers, timeout=30)
    return httpx.post(srv.url + "/api/v1/auth/login", json={"email": email, "password": password},
                      headers=headers, timeout=30)


def device_cookie(r):
    """(value, user id, device id, issued) of the device cookie a login set."""
    values = [v for v in r.headers.get_list("set-cookie") if v.startswith("ia_device=")]
    assert len(values) == 1, r.headers.get_list("set-cookie")
    m = DEVICE_RE.match(values[0])
    assert m, values[0]
    return m.group(1), m.group(2), m.group(3), int(m.group(4))


def sign(secret, user_id, device_id, issued):
    """A device cookie value signed as the service signs it (HMAC-SHA256 under a key derived
    from SECRET_KEY)."""
    key = hmac.new(secret.encode(), KEY_LABEL, hashlib.sha256).digest()
    payload = f"v1.{user_id}.{device_id}.{issued}"
    mac = hmac.new(key, payload.encode(), hashlib.sha256).digest()
    return payload + "." + base64.urlsafe_b64encode(mac).rstrip(b"=").decode()


def trusted_login(srv, email, password=PASSWORD):
    """A first login from the user's own browser; returns its device cookie value."""
    r = attempt(srv, email, password, ip="192.0.2.200")
    assert_token_pair(r)
    return device_cookie(r)[0]


def lock_untrusted(srv, email, ips=("203.0.113.1", "203.0.113.2", "203.0.113.3", "203.0.113.4", "203.0.113.5")):
    """Strangers at several addresses guess until the account is locked for untrusted clients."""
    for ip in ips:
        assert_error(attempt(srv, email, WRONG, ip=ip), 401, "INVALID_CREDENTIALS")
    r = attempt(srv, email, PASSWORD, ip="203.0.113.99")
    assert_error(r, 423, "ACCOUNT_LOCKED")
    return r


def device_row(srv, device_id):
    rows = srv.sql(f"SELECT user_id, locked_until FROM login_devices WHERE id = '{device_id}'")
    assert len(rows) == 1, rows
    return rows[0][0], None if rows[0][1] is None else int(rows[0][1])


# ---- device cookies (finding 5) ------------------------------------------------------------


def test_login_sets_a_signed_device_cookie_of_the_account(srv):
    user_id, email = register(srv.client)
    before = int(time.time())
    r = attempt(srv, email, PASSWORD)
    assert_token_pair(r)
    value, cookie_user, device_id, issued = device_cookie(r)
    assert cookie_user == user_id
    assert before - 5 <= issued <= int(time.time()) + 5, issued
    # Bound to the account by an HMAC under a key derived from SECRET_KEY (not SECRET_KEY itself).
    assert value == sign(srv.env["SECRET_KEY"], user_id, device_id, issued)
    plain = hmac.new(srv.env["SECRET_KEY"].encode(), value.rsplit(".", 1)[0].encode(), hashlib.sha256).digest()
    assert value.rsplit(".", 1)[1] != base64.urlsafe_b64encode(plain).rstrip(b"=").decode()
    assert device_row(srv, device_id) == (user_id, None)
    # Another login from the same device renews the cookie of the same device.
    again = attempt(srv, email, PASSWORD, cookie=value)
    assert_token_pair(again)
    assert device_cookie(again)[2] == device_id
    # A client without the cookie becomes a new device.
    assert device_cookie(attempt(srv, email, PASSWORD))[2] != device_id


def test_trusted_device_signs_in_while_strangers_lock_the_account(srv):
    user_id, email = register(srv.client)
    mine = trusted_login(srv, email)
    r = lock_untrusted(srv, email)
    assert 15 * 60 - 60 <= positive_int(r.headers.get("retry-after")) <= 15 * 60
    # Every untrusted client is refused, even with the right password and in either shape.
    assert_error(attempt(srv, email, PASSWORD, ip="192.0.2.200"), 423, "ACCOUNT_LOCKED")
    assert_error(attempt(srv, email, PASSWORD, form=True), 423, "ACCOUNT_LOCKED")
    # The owner's browser is not: its own budget is untouched.
    r = attempt(srv, email, PASSWORD, cookie=mine, ip="192.0.2.200")
    pair = assert_token_pair(r)
    assert srv.client.get("/api/v1/auth/me", headers=auth(pair["access_token"])).json()["id"] == user_id
    attempt(srv, email, PASSWORD, cookie=mine, form=True).raise_for_status()
    # Its success does not hand the strangers a fresh budget: they stay locked out.
    assert_error(attempt(srv, email, PASSWORD), 423, "ACCOUNT_LOCKED")
    # A wrong password from the trusted device is an ordinary 401, counted against the device.
    assert_error(attempt(srv, email, WRONG, cookie=mine), 401, "INVALID_CREDENTIALS")
    device_id = mine.split(".")[2]
    rows = srv.sql(f"SELECT count(*) FROM login_attempts WHERE device_id = '{device_id}'")
    assert int(rows[0][0]) == 3, rows  # two successes and this failure


def test_a_device_that_fails_too_often_is_distrusted(srv):
    user_id, email = register(srv.client)
    mine = trusted_login(srv, email)
    device_id = mine.split(".")[2]
    # Five failures with the device cookie spend the device's budget, not the account's.
    for _ in range(5):
        assert_error(attempt(srv, email, WRONG, cookie=mine), 401, "INVALID_CREDENTIALS")
    _, locked = device_row(srv, device_id)
    assert locked is not None and abs(locked - (now_ms() + 15 * 60000)) < 60000, locked
    (account_lock,) = srv.sql(f"SELECT locked_until FROM users WHERE id = '{user_id}'")[0]
    assert account_lock is None
    # The distrusted device is now an untrusted client: it shares their budget ...
    for _ in range(5):
        assert_error(attempt(srv, email, WRONG, cookie=mine), 401, "INVALID_CREDENTIALS")
    # ... and their lock, even with the right password.
    assert_error(attempt(srv, email, PASSWORD, cookie=mine), 423, "ACCOUNT_LOCKED")
    assert_error(attempt(srv, email, PASSWORD), 423, "ACCOUNT_LOCKED")


def test_a_good_password_from_a_distrusted_device_gets_a_new_device(srv):
    _, email = register(srv.client)
    mine = trusted_login(srv, email)
    for _ in range(5):
        attempt(srv, email, WRONG, cookie=mine)
    # The account is not locked for untrusted clients, so the password works, as an untrusted
    # client: the locked device is not renewed; a new one is issued.
    r = attempt(srv, email, PASSWORD, cookie=mine)
    assert_token_pair(r)
    assert device_cookie(r)[2] != mine.split(".")[2]


def test_forged_foreign_expired_or_unknown_cookies_are_untrusted(srv):
    secret = srv.env["SECRET_KEY"]
    user_id, email = register(srv.client)
    _, other_email = register(srv.client)
    mine = trusted_login(srv, email)
    theirs = trusted_login(srv, other_email)
    lock_untrusted(srv, email)
    device_id = mine.split(".")[2]
    tampered = mine[:-2] + ("AA" if not mine.endswith("AA") else "BB")
    year_ago = sign(secret, user_id, device_id, int(time.time()) - 365 * 86400 - 60)
    unknown_device = sign(secret, user_id, "0" * 32, int(time.time()))
    other_key = sign("another-secret-0123456789abcdefghijklmnop", user_id, device_id, int(time.time()))
    for bad in (theirs, tampered, year_ago, unknown_device, other_key, "v1", mine + ".x", '"' + mine):
        r = attempt(srv, email, PASSWORD, cookie=bad)
        assert_error(r, 423, "ACCOUNT_LOCKED")
    # The genuine cookie, even alongside a foreign one, still works.
    r = httpx.post(srv.url + "/api/v1/auth/login", json={"email": email, "password": PASSWORD},
                   headers={"Cookie": f"ia_device={theirs}; ia_device={mine}"}, timeout=30)
    assert_token_pair(r)


def test_lock_expiry_readmits_untrusted_clients_and_the_device_keeps_working(srv):
    user_id, email = register(srv.client)
    mine = trusted_login(srv, email)
    lock_untrusted(srv, email)
    srv.sql(f"UPDATE users SET locked_until = {now_ms() - 1000} WHERE id = '{user_id}'")
    assert_token_pair(attempt(srv, email, PASSWORD))
    assert_token_pair(attempt(srv, email, PASSWORD, cookie=mine))


# ---- enumeration (finding 6) ---------------------------------------------------------------

VARYING = {"date", "x-request-id", "retry-after", "ratelimit"}


def comparable(r):
    return (r.status_code, r.json(), sorted(r.headers.keys()),
            {k: v for k, v in r.headers.items() if k not in VARYING})


def test_unknown_and_locked_accounts_answer_alike(srv):
    _, known = register(srv.client)
    unknown = unique_email("nobody")
    for i in range(5):
        a = attempt(srv, known, WRONG, ip=f"203.0.113.{10 + i}")
        b = attempt(srv, unknown, WRONG, ip=f"203.0.113.{10 + i}")
        assert_error(a, 401, "INVALID_CREDENTIALS")
        assert comparable(a) == comparable(b), (a.headers, b.headers)
    for password in (WRONG, PASSWORD):
        a = attempt(srv, known, password)
        b = attempt(srv, unknown, password)
        assert_error(a, 423, "ACCOUNT_LOCKED")
        assert comparable(a) == comparable(b), (a.headers, b.headers)
        ra, rb = positive_int(a.headers["retry-after"]), positive_int(b.headers["retry-after"])
        assert abs(ra - rb) <= 5 and 15 * 60 - 60 <= ra <= 15 * 60, (ra, rb)
    # Every attempt is recorded, the unknown ones without an account.
    rows = srv.sql(f"SELECT count(*) FROM login_attempts WHERE email = '{unknown}' AND user_id IS NULL")
    assert int(rows[0][0]) == 7, rows
    # The unknown address's lock ends like an account's.
    srv.sql(f"UPDATE login_email_locks SET locked_until = {now_ms() - 1000} WHERE email = '{unknown}'")
    assert_error(attempt(srv, unknown, WRONG), 401, "INVALID_CREDENTIALS")


def stored_hash(srv, user_id):
    return srv.sql(f"SELECT password_hash FROM users WHERE id = '{user_id}'")[0][0]


@pytest.mark.parametrize("stored", LEGACY_HASHES, ids=["2a", "2y", "2b"])
def test_login_rehashes_to_the_configured_cost(make_server, stored):
    srv = make_server(PASSWORD_HASH_COST=6, RATE_LIMIT_LOGIN=1000000, RATE_LIMIT_LOGIN_ACCOUNT=1000000)
    user_id, email = register(srv.client, password=PASSWORD)
    assert stored_hash(srv, user_id).startswith("$2b$06$")
    srv.sql(f"UPDATE users SET password_hash = '{stored}' WHERE id = '{user_id}'")
    # A wrong password changes nothing.
    assert_error(attempt(srv, email, WRONG), 401, "INVALID_CREDENTIALS")
    assert stored_hash(srv, user_id) == stored
    assert_token_pair(attempt(srv, email, LEGACY))
    upgraded = stored_hash(srv, user_id)
    assert upgraded.startswith("$2b$06$") and len(upgraded) == 60, upgraded
    srv.wait_for_log(lambda e: e.get("message") == "password hash upgraded to the configured cost"
                     and e["fields"].get("user_id") == user_id)
    # The new hash is of the same password; a hash of the configured cost is left alone.
    assert_token_pair(attempt(srv, email, LEGACY))
    assert stored_hash(srv, user_id) == upgraded
    assert_error(attempt(srv, email, PASSWORD), 401, "INVALID_CREDENTIALS")


def test_login_rehashes_up_to_the_default_cost_12(make_server):
    srv = make_server(RATE_LIMIT_LOGIN=1000000, RATE_LIMIT_LOGIN_ACCOUNT=1000000)
    user_id, email = register(srv.client)
    srv.sql(f"UPDATE users SET password_hash = '{LEGACY_HASHES[2]}' WHERE id = '{user_id}'")
    assert_token_pair(attempt(srv, email, LEGACY))
    assert stored_hash(srv, user_id).startswith("$2b$12$")


# ---- bcrypt's 72 bytes (finding 7) ---------------------------------------------------------

P72 = "Ab1!" + "x" * 68
P100 = P72 + "y" * 28


def test_passwords_over_72_bytes_are_refused_where_they_are_set(srv):
    assert (len(P72.encode()), len(P100.encode())) == (72, 100)
    email = unique_email("long")
    r = srv.client.post("/api/v1/auth/register", json={"email": email, "full_name": "L", "password": P100})
    body = assert_validation_error(r, ["body", "password"], "password_too_long")
    assert any("72 bytes" in i["msg"] for i in body["detail"]), body
    # Multi-byte characters count by their bytes: 39 code points, 74 bytes.
    r = srv.client.post("/api/v1/auth/register",
                        json={"email": email, "full_name": "L", "password": "Ab1" + "é" * 35 + "!"})
    assert_validation_error(r, ["body", "password"], "password_too_long")
    acct_id, acct_email = register(srv.client)
    pair = assert_token_pair(attempt(srv, acct_email, PASSWORD))
    r = srv.client.post("/api/v1/auth/change-password", json={"old_password": PASSWORD, "new_password": P100},
                        headers=auth(pair["access_token"]))
    assert_validation_error(r, ["body", "new_password"], "password_too_long")
    r = srv.client.post("/api/v1/auth/reset-password-confirm", json={"token": "x" * 43, "new_password": P100})
    assert_validation_error(r, ["body", "new_password"], "password_too_long")


def test_a_password_differing_after_byte_72_does_not_sign_in(srv):
    user_id, email = register(srv.client, password=P72)
    assert_token_pair(attempt(srv, email, P72))
    # bcrypt alone would accept it (it reads 72 bytes); the service does not.
    assert_error(attempt(srv, email, P100), 401, "INVALID_CREDENTIALS")
    assert_error(attempt(srv, email, P72 + "!"), 401, "INVALID_CREDENTIALS")
    assert_token_pair(attempt(srv, email, P72))


def test_devices_per_account_are_bounded(srv):
    """A client that never keeps cookies gets a new device at each login; the account keeps
    the 20 most recently used, and a forgotten device's cookie is untrusted."""
    user_id, email = register(srv.client)
    first = trusted_login(srv, email)
    for _ in range(20):
        assert_token_pair(attempt(srv, email, PASSWORD))
    rows = srv.sql(f"SELECT count(*) FROM login_devices WHERE user_id = '{user_id}'")
    assert int(rows[0][0]) == 20, rows
    assert srv.sql(f"SELECT id FROM login_devices WHERE id = '{first.split('.')[2]}'") == []
    lock_untrusted(srv, email)
    assert_error(attempt(srv, email, PASSWORD, cookie=first), 423, "ACCOUNT_LOCKED")
