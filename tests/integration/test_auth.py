"""Accounts (docs/api.md §1.2–§1.5, §1.8, §3; issue 4): registration with its input rules and
password policy, login in its three shapes, the login records, lockout and its expiry, the
register/login rate limits, GET/PATCH /me, deactivated accounts, background tasks, and that no
response or log line ever carries a password, a password hash or a token.

Token handling (JWT checks, refresh rotation and reuse, logout, sessions, cookie delivery) is in
test_auth_tokens.py, which imports the helpers below.

Servers that register many users hash with PASSWORD_HASH_COST=4 and have their rate limits
raised; one test keeps every default and checks the stored hash is bcrypt cost 12."""

import base64
import datetime
import hashlib
import hmac
import json
import secrets
import statistics
import time
import uuid

import httpx
import pytest

from helpers import TIMESTAMP_RE, UUID_RE, assert_error, assert_validation_error, positive_int

PASSWORD = "Corr3ct!Horse"
USER_AGENT = "ia-auth-tests/1.0"
REGISTERED = "Registration successful. You can now log in."
USER_FIELDS = {"id", "email", "full_name", "is_active", "is_email_verified", "role", "created_at", "updated_at"}
PAIR_FIELDS = {"access_token", "refresh_token", "token_type", "expires_in"}
TASK_FIELDS = {"task_id", "type", "status", "result", "error", "created_at", "updated_at"}
ISSUER, AUDIENCE = "Interview Ace", "interview_ace_api"
ACCESS_S, REFRESH_S = 15 * 60, 7 * 86400
WWW_PLAIN, WWW_INVALID = "Bearer", 'Bearer error="invalid_token"'

# Rate limits out of the way (10**6 is the largest accepted value) and a cheap hash.
FAST = {
    "PASSWORD_HASH_COST": 4,
    "RATE_LIMIT": 1000000,
    "RATE_LIMIT_REGISTER": 1000000,
    "RATE_LIMIT_LOGIN": 1000000,
    "RATE_LIMIT_LOGIN_ACCOUNT": 1000000,
}


# ---- helpers (also used by test_auth_tokens.py) ---------------------------------------------


def unique_email(tag="user"):
    return f"{tag}-{secrets.token_hex(6)}@example.com"


def auth(token):
    return {"Authorization": f"Bearer {token}", "User-Agent": USER_AGENT}


def register(client, email=None, password=PASSWORD, full_name="Test User"):
    """Registers an account (asserting 201) and returns (id, email)."""
    email = email or unique_email()
    r = client.post("/api/v1/auth/register", json={"email": email, "full_name": full_name, "password": password})
    assert r.status_code == 201, (r.status_code, r.text)
    return r.json()["id"], email


def login(client, email, password=PASSWORD, headers=None):
    """A JSON login that must succeed; returns the token pair."""
    r = client.post("/api/v1/auth/login", json={"email": email, "password": password},
                    headers={"User-Agent": USER_AGENT, **(headers or {})})
    assert r.status_code == 200, (r.status_code, r.text)
    return assert_token_pair(r)


def try_login(client, email, password, headers=None):
    return client.post("/api/v1/auth/login", json={"email": email, "password": password},
                       headers={"User-Agent": USER_AGENT, **(headers or {})})


def new_account(client, password=PASSWORD):
    """A registered account with one logged-in session: dict(id, email, password, access, refresh)."""
    user_id, email = register(client, password=password)
    pair = login(client, email, password)
    return {"id": user_id, "email": email, "password": password,
            "access": pair["access_token"], "refresh": pair["refresh_token"]}


def me(client, token):
    return client.get("/api/v1/auth/me", headers=auth(token))


def refresh(client, token):
    return client.post("/api/v1/auth/refresh", headers=auth(token))


def assert_token_pair(r, cookie=False, access_s=ACCESS_S):
    assert r.status_code == 200, (r.status_code, r.text)
    assert r.headers.get("content-type", "").startswith("application/json"), r.headers
    body = r.json()
    assert set(body) == PAIR_FIELDS, body
    assert body["token_type"] == "bearer", body
    assert body["expires_in"] == access_s and isinstance(body["expires_in"], int), body
    assert isinstance(body["access_token"], str) and body["access_token"].count(".") == 2, body
    if cookie:
        assert body["refresh_token"] is None, body
    else:
        assert isinstance(body["refresh_token"], str) and body["refresh_token"].count(".") == 2, body
    return body


def assert_auth_error(r, status, code, www=None):
    """An auth error with exactly this WWW-Authenticate (None: not checked)."""
    assert_error(r, status, code)
    if www is not None:
        assert r.headers.get_list("www-authenticate") == [www], r.headers
    return r


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def jwt_parts(token):
    """(header, claims) of a JWT, unverified."""
    h, p, _ = token.split(".")
    return json.loads(b64url_decode(h)), json.loads(b64url_decode(p))


def claims_of(token):
    return jwt_parts(token)[1]


def forge(secret, claims, alg="HS256", header=None, sign_with=None):
    """A JWT with these claims and header {"alg": alg, "typ": "JWT"} (or `header`), signed with
    the HMAC named by sign_with (default: alg) under secret; "none" leaves the signature empty."""
    hdr = header if header is not None else {"alg": alg, "typ": "JWT"}
    signing_input = b64url(json.dumps(hdr, separators=(",", ":")).encode()) + "." + \
        b64url(json.dumps(claims, separators=(",", ":")).encode())
    how = sign_with or alg
    digests = {"HS256": hashlib.sha256, "HS384": hashlib.sha384, "HS512": hashlib.sha512}
    if how == "none":
        sig = b""
    else:
        sig = hmac.new(secret.encode(), signing_input.encode(), digests[how]).digest()
    return signing_input + "." + b64url(sig)


def secret_of(srv):
    return srv.env["SECRET_KEY"]


def sql_bool(value):
    """A boolean column as read by helpers.sql on either engine ('1'/'0' or 't'/'f')."""
    assert value in ("1", "0", "t", "f"), value
    return value in ("1", "t")


def false_literal(engine):
    return "false" if engine == "postgres" else "0"


def now_ms():
    return int(time.time() * 1000)


def iso_ms(ms):
    dt = datetime.datetime.fromtimestamp(ms // 1000, tz=datetime.timezone.utc)
    return dt.strftime("%Y-%m-%dT%H:%M:%S") + f".{ms % 1000:03d}Z"


def user_row(srv, user_id):
    rows = srv.sql(f"SELECT email, full_name, role, is_active, password_hash FROM users WHERE id = '{user_id}'")
    assert len(rows) == 1, rows
    return rows[0]


def users_with_email(srv, email):
    return int(srv.sql(f"SELECT count(*) FROM users WHERE lower(email) = lower('{email}')")[0][0])


@pytest.fixture(scope="module")
def srv(module_server):
    return module_server(**FAST)


@pytest.fixture
def client(srv):
    return srv.client


# ---- register -----------------------------------------------------------------------------


def test_register_creates_an_account(srv, client):
    tag = secrets.token_hex(4)
    r = client.post("/api/v1/auth/register",
                    json={"email": f"  Mixed.Case-{tag}@Example.COM ", "full_name": "  Ada Lovelace\t",
                          "password": PASSWORD})
    assert r.status_code == 201, r.text
    body = r.json()
    assert body == {"message": REGISTERED, "id": body["id"]}, body
    assert UUID_RE.match(body["id"]), body
    email, full_name, role, is_active, _ = user_row(srv, body["id"])
    assert (email, full_name, role, sql_bool(is_active)) == (f"mixed.case-{tag}@example.com", "Ada Lovelace", "user", True)

    pair = login(client, f"mixed.case-{tag}@example.com")
    u = me(client, pair["access_token"])
    assert u.status_code == 200, u.text
    assert u.json()["email"] == f"mixed.case-{tag}@example.com"
    assert u.json()["full_name"] == "Ada Lovelace"


def test_register_accepts_json_with_parameters_in_content_type(client):
    r = client.post("/api/v1/auth/register", headers={"Content-Type": "application/json; charset=utf-8"},
                    content=json.dumps({"email": unique_email(), "full_name": "A", "password": PASSWORD}))
    assert r.status_code == 201, r.text


def test_register_hashes_with_bcrypt_cost_12_by_default(make_server):
    """Default settings throughout (cost 12, every rate limit at its default): the stored hash,
    a login with it, and an unknown e-mail that costs about as much as a wrong password."""
    srv = make_server()
    c = srv.client
    user_id, email = register(c)
    (stored,) = srv.sql(f"SELECT password_hash FROM users WHERE id = '{user_id}'")[0]
    assert stored.startswith("$2b$12$") and len(stored) == 60, stored
    history = srv.sql(f"SELECT password_hash FROM password_history WHERE user_id = '{user_id}'")
    assert history == [(stored,)], history

    # Five logins: exactly the default per-IP login quota. Two wrong passwords and two unknown
    # e-mails: the unknown ones check a dummy hash, so they cannot be told apart by time.
    def timed(e, p):
        t0 = time.monotonic()
        r = try_login(c, e, p)
        return r, time.monotonic() - t0

    wrong = [timed(email, "Wr0ng!Password") for _ in range(2)]
    unknown = [timed(unique_email("nobody"), "Wr0ng!Password") for _ in range(2)]
    for r, _ in wrong + unknown:
        assert_error(r, 401, "INVALID_CREDENTIALS")
    assert wrong[0][0].json() == unknown[0][0].json()
    t_wrong = statistics.median(t for _, t in wrong)
    t_unknown = statistics.median(t for _, t in unknown)
    assert t_wrong > 0.02, f"a cost-12 bcrypt check took only {t_wrong:.4f}s"
    assert t_unknown > 0.3 * t_wrong, f"unknown e-mail {t_unknown:.4f}s vs wrong password {t_wrong:.4f}s"
    assert_token_pair(try_login(c, email, PASSWORD))


def test_duplicate_email_in_any_case_is_409(srv, client):
    tag = secrets.token_hex(4)
    register(client, email=f"dup-{tag}@example.com")
    for variant in (f"dup-{tag}@example.com", f"DUP-{tag}@Example.Com", f"  Dup-{tag}@EXAMPLE.com  "):
        r = client.post("/api/v1/auth/register", json={"email": variant, "full_name": "Other", "password": PASSWORD})
        assert_error(r, 409, "EMAIL_TAKEN")
    assert users_with_email(srv, f"dup-{tag}@example.com") == 1


# Each password breaks exactly one rule of docs/api.md §3.1.
PASSWORD_RULES = [
    ("Ab1!xyz", "password_too_short"),
    ("Ab1!" + "x" * 125, "password_too_long"),  # 129
    ("Ab1!" + "x" * 69, "password_too_long"),  # 73 bytes: more than bcrypt reads
    ("Ab1!" + "é" * 35, "password_too_long"),  # 39 code points, 74 bytes
    ("abcdef1!", "password_no_uppercase"),
    ("ABCDEF1!", "password_no_lowercase"),
    ("Abcdefg!", "password_no_digit"),
    ("Abcdefg1", "password_no_special"),
    ("Abcdef1!\x01", "password_invalid_character"),
    ("Abcdef1!\n", "password_invalid_character"),
    ("Abcdef1!\t", "password_invalid_character"),
    ("Abcdef1!\x7f", "password_invalid_character"),
    ("Ab1!ééé", "password_too_short"),  # 7 code points, 10 bytes
]


@pytest.mark.parametrize("password,rule", PASSWORD_RULES, ids=[f"{t}-{i}" for i, (_, t) in enumerate(PASSWORD_RULES)])
def test_each_password_rule_is_its_own_422_item(srv, client, password, rule):
    email = unique_email("weak")
    r = client.post("/api/v1/auth/register", json={"email": email, "full_name": "Weak", "password": password})
    body = assert_validation_error(r, ["body", "password"], rule)
    assert [i["type"] for i in body["detail"]] == [rule], body
    assert users_with_email(srv, email) == 0


def test_every_broken_password_rule_is_reported(client):
    r = client.post("/api/v1/auth/register", json={"email": unique_email(), "full_name": "W", "password": "abc"})
    body = assert_validation_error(r, ["body", "password"], "password_too_short")
    assert all(i["loc"] == ["body", "password"] for i in body["detail"]), body
    types = [i["type"] for i in body["detail"]]
    assert sorted(types) == sorted(["password_too_short", "password_no_uppercase", "password_no_digit",
                                    "password_no_special"]), body
    msgs = [i["msg"] for i in body["detail"]]
    assert len(set(msgs)) == len(msgs), msgs


@pytest.mark.parametrize("password", [
    "Abcdef1!",                 # exactly 8
    "Ab1!" + "x" * 68,          # exactly 72 bytes, all bcrypt reads
    "Abc def1",                 # a space is a special character
    "Abcdefg1é",                # so is any non-ASCII character
    "Ab1!" + "é" * 34,          # 38 code points, 72 bytes
    " Lead1ng!Space ",          # passwords are not trimmed (and still log in, below)
])
def test_passwords_meeting_the_policy_are_accepted(client, password):
    _, email = register(client, password=password)
    login(client, email, password)
    if password != password.strip():
        assert_error(try_login(client, email, password.strip()), 401, "INVALID_CREDENTIALS")


def test_register_missing_fields(client):
    r = client.post("/api/v1/auth/register", json={})
    for field in ("email", "full_name", "password"):
        assert_validation_error(r, ["body", field], "missing")
    assert len(r.json()["detail"]) == 3, r.text

    r = client.post("/api/v1/auth/register", json={"email": None, "full_name": "A", "password": PASSWORD})
    assert_validation_error(r, ["body", "email"], "missing")


@pytest.mark.parametrize("field,value", [("role", "admin"), ("is_active", True), ("id", str(uuid.uuid4())),
                                         ("is_email_verified", True)])
def test_register_refuses_mass_assignment(srv, client, field, value):
    email = unique_email("mass")
    r = client.post("/api/v1/auth/register",
                    json={"email": email, "full_name": "Mallory", "password": PASSWORD, field: value})
    body = assert_validation_error(r, ["body", field], "extra_forbidden")
    assert len(body["detail"]) == 1, body
    assert users_with_email(srv, email) == 0
    assert srv.sql("SELECT count(*) FROM users WHERE role = 'admin'") == [("0",)]


@pytest.mark.parametrize("field,value", [("email", 5), ("email", ["a@example.com"]), ("full_name", 12),
                                         ("full_name", {"x": 1}), ("password", 12345678), ("password", True)])
def test_register_wrong_types_are_string_type(client, field, value):
    body = {"email": unique_email(), "full_name": "Typed", "password": PASSWORD, field: value}
    r = client.post("/api/v1/auth/register", json=body)
    assert_validation_error(r, ["body", field], "string_type")


@pytest.mark.parametrize("email", ["not-an-email", "a@b", "a@@example.com", "a b@example.com", "@example.com",
                                   "user@", "user@.example.com", "user@example..com"])
def test_register_invalid_email_is_value_error(srv, client, email):
    r = client.post("/api/v1/auth/register", json={"email": email, "full_name": "E", "password": PASSWORD})
    assert_validation_error(r, ["body", "email"], "value_error")


def test_register_email_and_name_lengths(client):
    long_email = "a" * 64 + "@" + "b" * 61 + "." + "c" * 61 + "." + "d" * 61 + ".com"  # 254
    too_long = "a" * 64 + "@" + "b" * 62 + "." + "c" * 61 + "." + "d" * 61 + ".com"  # 255
    assert (len(long_email), len(too_long)) == (254, 255)
    ok = client.post("/api/v1/auth/register", json={"email": long_email, "full_name": "N" * 100, "password": PASSWORD})
    assert ok.status_code == 201, ok.text
    r = client.post("/api/v1/auth/register", json={"email": too_long, "full_name": "N", "password": PASSWORD})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "email"], r.text
    r = client.post("/api/v1/auth/register", json={"email": unique_email(), "full_name": "N" * 101, "password": PASSWORD})
    assert_validation_error(r, ["body", "full_name"], "string_too_long")
    for blank in ("", "   "):
        r = client.post("/api/v1/auth/register", json={"email": unique_email(), "full_name": blank, "password": PASSWORD})
        assert_validation_error(r, ["body", "full_name"], "string_too_short")
    r = client.post("/api/v1/auth/register", json={"email": unique_email(), "full_name": "Bell\x07", "password": PASSWORD})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "full_name"], r.text


def test_register_invalid_json_and_non_objects(client):
    r = client.post("/api/v1/auth/register", content=b'{"email": ', headers={"Content-Type": "application/json"})
    body = assert_validation_error(r, ["body"], "json_invalid")
    assert len(body["detail"]) == 1
    for raw in (b"[]", b'"text"', b"42", b"null"):
        r = client.post("/api/v1/auth/register", content=raw, headers={"Content-Type": "application/json"})
        assert_validation_error(r, ["body"], "dict_type")


@pytest.mark.parametrize("ctype", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
                                   "application/jsonx"])
def test_register_needs_json_content_type(srv, client, ctype):
    email = unique_email("ctype")
    r = client.post("/api/v1/auth/register", headers={"Content-Type": ctype},
                    content=json.dumps({"email": email, "full_name": "C", "password": PASSWORD}))
    assert_error(r, 415, "UNSUPPORTED_MEDIA_TYPE")
    assert users_with_email(srv, email) == 0


# ---- login --------------------------------------------------------------------------------


def test_login_with_json_email(srv, client):
    user_id, email = register(client)
    r = try_login(client, email, PASSWORD)
    pair = assert_token_pair(r)
    assert r.headers.get("cache-control") == "no-store", r.headers
    for token, kind, life in ((pair["access_token"], "access", ACCESS_S), (pair["refresh_token"], "refresh", REFRESH_S)):
        header, c = jwt_parts(token)
        assert header["alg"] == "HS256", header
        assert c["sub"] == user_id and c["type"] == kind, c
        assert c["iss"] == ISSUER and c["aud"] == AUDIENCE, c
        assert UUID_RE.match(c["jti"]) and UUID_RE.match(c["sid"]), c
        assert c["exp"] - c["iat"] == life, c
        assert abs(c["iat"] - time.time()) < 60, c
    a, rf = claims_of(pair["access_token"]), claims_of(pair["refresh_token"])
    assert a["sid"] == rf["sid"] and a["jti"] != rf["jti"], (a, rf)
    assert me(client, pair["access_token"]).status_code == 200


def test_login_with_json_username_and_any_case(client):
    _, email = register(client)
    assert_token_pair(client.post("/api/v1/auth/login", json={"username": email, "password": PASSWORD}))
    assert_token_pair(client.post("/api/v1/auth/login", json={"email": f"  {email.upper()} ", "password": PASSWORD}))
    # Both given and equal is fine.
    assert_token_pair(client.post("/api/v1/auth/login", json={"email": email, "username": email, "password": PASSWORD}))


def test_login_with_oauth2_form(client):
    user_id, email = register(client)
    form = {"username": email.upper(), "password": PASSWORD, "grant_type": "password", "scope": "",
            "client_id": "some-client", "client_secret": "some-secret"}
    r = client.post("/api/v1/auth/login", data=form)
    assert r.request.headers["content-type"].startswith("application/x-www-form-urlencoded")
    pair = assert_token_pair(r)
    assert claims_of(pair["access_token"])["sub"] == user_id
    assert me(client, pair["access_token"]).json()["id"] == user_id
    # Form fields are percent-decoded: a password with '&', '=', '+' and a space.
    tricky = "P&ss=w+rd 1A"
    _, email2 = register(client, password=tricky)
    assert_token_pair(client.post("/api/v1/auth/login", data={"username": email2, "password": tricky}))
    r = client.post("/api/v1/auth/login", data={"username": email2, "password": "wrong"})
    assert_error(r, 401, "INVALID_CREDENTIALS")


def test_login_email_and_username_different_is_422(client):
    _, a = register(client)
    _, b = register(client)
    r = client.post("/api/v1/auth/login", json={"email": a, "username": b, "password": PASSWORD})
    assert r.status_code == 422 and r.json()["code"] == "VALIDATION_ERROR", r.text
    assert r.json()["detail"][0]["loc"] in (["body", "email"], ["body", "username"]), r.text


def test_login_validation(client):
    r = client.post("/api/v1/auth/login", json={"password": PASSWORD})
    assert r.status_code == 422 and r.json()["code"] == "VALIDATION_ERROR", r.text
    r = client.post("/api/v1/auth/login", json={"email": unique_email()})
    assert_validation_error(r, ["body", "password"], "missing")
    r = client.post("/api/v1/auth/login", json={"email": "not-an-email", "password": PASSWORD})
    assert_validation_error(r, ["body", "email"], "value_error")
    r = client.post("/api/v1/auth/login", json={"email": unique_email(), "password": PASSWORD, "remember": True})
    assert_validation_error(r, ["body", "remember"], "extra_forbidden")
    r = client.post("/api/v1/auth/login", data={"username": unique_email()})
    assert_validation_error(r, ["body", "password"], "missing")
    r = client.post("/api/v1/auth/login", content=b"{", headers={"Content-Type": "application/json"})
    assert_validation_error(r, ["body"], "json_invalid")
    r = client.post("/api/v1/auth/login", content=b"username=a&password=b", headers={"Content-Type": "text/plain"})
    assert_error(r, 415, "UNSUPPORTED_MEDIA_TYPE")


def test_unknown_email_and_wrong_password_look_the_same(client):
    _, email = register(client)
    wrong = try_login(client, email, "Wr0ng!Password")
    unknown = try_login(client, unique_email("nobody"), "Wr0ng!Password")
    assert_error(wrong, 401, "INVALID_CREDENTIALS")
    assert_error(unknown, 401, "INVALID_CREDENTIALS")
    assert wrong.json() == unknown.json()
    assert wrong.headers.get("www-authenticate") == unknown.headers.get("www-authenticate")


def attempts(srv, email):
    rows = srv.sql(f"SELECT user_id, ip_address, user_agent, success FROM login_attempts "
                   f"WHERE email = '{email}' ORDER BY created_at, id")
    return [(u, ip, ua, sql_bool(s)) for u, ip, ua, s in rows]


def test_every_login_attempt_is_recorded(srv, client):
    user_id, email = register(client)
    try_login(client, email, "Wr0ng!Password", headers={"User-Agent": "agent-one"})
    assert try_login(client, email, PASSWORD, headers={"User-Agent": "agent-two"}).status_code == 200
    client.post("/api/v1/auth/login", data={"username": email, "password": PASSWORD},
                headers={"User-Agent": "agent-three"})
    assert attempts(srv, email) == [
        (user_id, "127.0.0.1", "agent-one", False),
        (user_id, "127.0.0.1", "agent-two", True),
        (user_id, "127.0.0.1", "agent-three", True),
    ]
    nobody = unique_email("nobody")
    try_login(client, nobody, PASSWORD, headers={"User-Agent": "agent-four"})
    assert attempts(srv, nobody) == [(None, "127.0.0.1", "agent-four", False)]
    (last_login,) = srv.sql(f"SELECT last_login_at FROM users WHERE id = '{user_id}'")[0]
    assert last_login is not None and abs(int(last_login) - now_ms()) < 60000, last_login


# ---- lockout ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def proxied(module_server):
    """Behind a trusted proxy, so that failures can come from several client IPs."""
    return module_server(TRUSTED_PROXIES="127.0.0.1", **FAST)


def from_ip(ip):
    return {"X-Forwarded-For": ip}


def locked_until(srv, user_id):
    (v,) = srv.sql(f"SELECT locked_until FROM users WHERE id = '{user_id}'")[0]
    return None if v is None else int(v)


def test_fifth_failure_locks_the_account(proxied):
    c = proxied.client
    user_id, email = register(c)
    _, bystander = register(c)
    ips = ["198.51.100.1", "198.51.100.2", "203.0.113.7", "203.0.113.8", "192.0.2.9"]
    for ip in ips:  # any IP: failures count per account
        assert_error(try_login(c, email, "Wr0ng!Password", headers=from_ip(ip)), 401, "INVALID_CREDENTIALS")
    recorded = attempts(proxied, email)
    assert [(ip, ok) for _, ip, _, ok in recorded] == [(ip, False) for ip in ips], recorded

    before = locked_until(proxied, user_id)
    assert before is not None and abs(before - (now_ms() + 15 * 60000)) < 60000, before
    for password in (PASSWORD, "Wr0ng!Password"):
        r = try_login(c, email, password, headers=from_ip("192.0.2.77"))
        assert_error(r, 423, "ACCOUNT_LOCKED")
        retry = positive_int(r.headers.get("retry-after"))
        assert 15 * 60 - 60 <= retry <= 15 * 60, retry
    r = c.post("/api/v1/auth/login", data={"username": email, "password": PASSWORD})
    assert_error(r, 423, "ACCOUNT_LOCKED")
    # Attempts during the lock are recorded but not counted: they do not extend it.
    for _ in range(5):
        assert try_login(c, email, "Wr0ng!Password").status_code == 423
    assert locked_until(proxied, user_id) == before
    assert len(attempts(proxied, email)) == len(ips) + 3 + 5
    assert not any(ok for *_, ok in attempts(proxied, email))
    # Another account is not affected.
    assert_token_pair(try_login(c, bystander, PASSWORD))


def test_lock_expiry_lets_the_account_log_in(proxied, engine):
    c = proxied.client
    user_id, email = register(c)
    for _ in range(5):
        try_login(c, email, "Wr0ng!Password")
    assert try_login(c, email, PASSWORD).status_code == 423
    proxied.sql(f"UPDATE users SET locked_until = {now_ms() - 1000} WHERE id = '{user_id}'")
    pair = assert_token_pair(try_login(c, email, PASSWORD))
    assert me(c, pair["access_token"]).status_code == 200
    # The lock is over: one more failure is an ordinary 401.
    assert_error(try_login(c, email, "Wr0ng!Password"), 401, "INVALID_CREDENTIALS")
    assert_token_pair(try_login(c, email, PASSWORD))


def test_success_clears_the_failure_count(proxied):
    c = proxied.client
    user_id, email = register(c)
    for _ in range(4):
        assert_error(try_login(c, email, "Wr0ng!Password"), 401, "INVALID_CREDENTIALS")
    assert_token_pair(try_login(c, email, PASSWORD))
    for _ in range(4):
        assert_error(try_login(c, email, "Wr0ng!Password"), 401, "INVALID_CREDENTIALS")
    assert_token_pair(try_login(c, email, PASSWORD))
    assert locked_until(proxied, user_id) is None


def test_unknown_email_failures_lock_like_an_account(proxied):
    # An unknown address is locked exactly like an account, so that the 423 tells nothing
    # about existence (test_auth_hardening.py compares the two answers in full).
    c = proxied.client
    nobody = unique_email("nobody")
    for _ in range(5):
        assert_error(try_login(c, nobody, "Wr0ng!Password"), 401, "INVALID_CREDENTIALS")
    for _ in range(2):
        r = try_login(c, nobody, "Wr0ng!Password")
        assert_error(r, 423, "ACCOUNT_LOCKED")
        assert 15 * 60 - 60 <= positive_int(r.headers.get("retry-after")) <= 15 * 60


# ---- rate limits --------------------------------------------------------------------------


def test_login_account_limit_is_per_email(make_server):
    srv = make_server(RATE_LIMIT_LOGIN_ACCOUNT=2, RATE_LIMIT_LOGIN=100, PASSWORD_HASH_COST=4)
    c = srv.client
    _, email = register(c)
    _, other = register(c)
    policy = '"default";q=100;w=60, "login";q=100;w=60, "login-account";q=2;w=60'
    r1 = try_login(c, email, PASSWORD, headers=from_ip("203.0.113.1"))
    r2 = try_login(c, email, "Wr0ng!Password", headers=from_ip("203.0.113.2"))
    assert (r1.status_code, r2.status_code) == (200, 401), (r1.text, r2.text)
    assert r1.headers.get("ratelimit-policy") == policy, r1.headers
    assert '"login-account";r=1;' in r1.headers.get("ratelimit", ""), r1.headers
    # Without TRUSTED_PROXIES the forwarded address is ignored: same client, same e-mail.
    r3 = try_login(c, email.upper(), PASSWORD, headers=from_ip("203.0.113.3"))
    assert_error(r3, 429, "RATE_LIMITED", "Rate limit exceeded")
    assert '"login-account";q=2;w=60' in r3.headers.get("ratelimit-policy", ""), r3.headers
    assert '"login-account";r=0;' in r3.headers.get("ratelimit", ""), r3.headers
    assert positive_int(r3.headers.get("retry-after")) <= 60
    r4 = c.post("/api/v1/auth/login", data={"username": email, "password": PASSWORD})
    assert_error(r4, 429, "RATE_LIMITED")
    # Another account from the same address still logs in.
    r5 = try_login(c, other, PASSWORD)
    assert_token_pair(r5)
    assert r5.headers.get("ratelimit-policy") == policy, r5.headers


def test_login_ip_limit(make_server):
    srv = make_server(RATE_LIMIT_LOGIN=2, PASSWORD_HASH_COST=4)
    c = srv.client
    _, a = register(c)
    _, b = register(c)
    assert try_login(c, a, PASSWORD).status_code == 200
    assert try_login(c, b, PASSWORD).status_code == 200
    r = try_login(c, unique_email(), PASSWORD)
    assert_error(r, 429, "RATE_LIMITED", "Rate limit exceeded")
    assert '"login";q=2;w=60' in r.headers.get("ratelimit-policy", ""), r.headers
    positive_int(r.headers.get("retry-after"))


def test_register_limit(make_server):
    srv = make_server(RATE_LIMIT_REGISTER=2, PASSWORD_HASH_COST=4)
    c = srv.client
    first, _ = register(c)
    r2 = c.post("/api/v1/auth/register", json={"email": unique_email(), "full_name": "B", "password": PASSWORD})
    assert r2.status_code == 201, r2.text
    assert r2.headers.get("ratelimit-policy") == '"default";q=100;w=60, "register";q=2;w=60', r2.headers
    email = unique_email()
    r3 = c.post("/api/v1/auth/register", json={"email": email, "full_name": "C", "password": PASSWORD})
    assert_error(r3, 429, "RATE_LIMITED", "Rate limit exceeded")
    assert '"register";q=2;w=60' in r3.headers.get("ratelimit-policy", ""), r3.headers
    positive_int(r3.headers.get("retry-after"))
    assert users_with_email(srv, email) == 0
    assert srv.sql("SELECT count(*) FROM users") == [("2",)]


# ---- GET / PATCH /me ----------------------------------------------------------------------


def test_me_returns_exactly_the_user_object(srv, client):
    user_id, email = register(client, full_name="Grace Hopper")
    pair = login(client, email)
    r = me(client, pair["access_token"])
    assert r.status_code == 200, r.text
    u = r.json()
    assert set(u) == USER_FIELDS, u
    assert u["id"] == user_id and u["email"] == email and u["full_name"] == "Grace Hopper", u
    assert (u["is_active"], u["is_email_verified"], u["role"]) == (True, False, "user"), u
    assert TIMESTAMP_RE.match(u["created_at"]) and TIMESTAMP_RE.match(u["updated_at"]), u
    (created,) = srv.sql(f"SELECT created_at FROM users WHERE id = '{user_id}'")[0]
    assert u["created_at"] == iso_ms(int(created)), (u, created)
    assert "password" not in r.text and "$2" not in r.text and "hash" not in r.text, r.text


def test_patch_me_changes_the_name(srv, client):
    acct = new_account(client)
    before = me(client, acct["access"]).json()
    time.sleep(0.01)
    r = client.patch("/api/v1/auth/me", json={"full_name": "  New Name "}, headers=auth(acct["access"]))
    assert r.status_code == 200, r.text
    u = r.json()
    assert set(u) == USER_FIELDS, u
    assert u["full_name"] == "New Name" and u["email"] == acct["email"] and u["id"] == acct["id"], u
    assert u["created_at"] == before["created_at"] and u["updated_at"] > before["updated_at"], (before, u)
    assert me(client, acct["access"]).json() == u
    assert user_row(srv, acct["id"])[1] == "New Name"
    # Nothing to change (an empty object, or null = omitted) is fine.
    for body in ({}, {"full_name": None}):
        r = client.patch("/api/v1/auth/me", json=body, headers=auth(acct["access"]))
        assert r.status_code == 200 and r.json()["full_name"] == "New Name", r.text


@pytest.mark.parametrize("body,loc,type_", [
    ({"full_name": ""}, ["body", "full_name"], "string_too_short"),
    ({"full_name": "   "}, ["body", "full_name"], "string_too_short"),
    ({"full_name": "x" * 101}, ["body", "full_name"], "string_too_long"),
    ({"full_name": 7}, ["body", "full_name"], "string_type"),
    ({"role": "admin"}, ["body", "role"], "extra_forbidden"),
    ({"is_active": False}, ["body", "is_active"], "extra_forbidden"),
    ({"email": "new@example.com"}, ["body", "email"], "extra_forbidden"),
    ({"is_email_verified": True}, ["body", "is_email_verified"], "extra_forbidden"),
    ({"full_name": "Ok", "role": "admin"}, ["body", "role"], "extra_forbidden"),
])
def test_patch_me_validation(srv, client, body, loc, type_):
    acct = new_account(client)
    before = user_row(srv, acct["id"])
    r = client.patch("/api/v1/auth/me", json=body, headers=auth(acct["access"]))
    assert_validation_error(r, loc, type_)
    assert user_row(srv, acct["id"]) == before
    assert me(client, acct["access"]).json()["role"] == "user"


def test_patch_me_needs_json_and_auth(client):
    acct = new_account(client)
    r = client.patch("/api/v1/auth/me", content=b"full_name=x", headers={**auth(acct["access"]),
                                                                           "Content-Type": "text/plain"})
    assert_error(r, 415, "UNSUPPORTED_MEDIA_TYPE")
    r = client.patch("/api/v1/auth/me", json={"full_name": "X"})
    assert_auth_error(r, 401, "NOT_AUTHENTICATED", WWW_PLAIN)


# ---- deactivated accounts -----------------------------------------------------------------


def test_deactivated_user_is_refused_at_once(srv, client, engine):
    acct = new_account(client)
    assert me(client, acct["access"]).status_code == 200
    srv.sql(f"UPDATE users SET is_active = {false_literal(engine)} WHERE id = '{acct['id']}'")
    assert_error(me(client, acct["access"]), 403, "ACCOUNT_DISABLED")
    r = client.patch("/api/v1/auth/me", json={"full_name": "Still here"}, headers=auth(acct["access"]))
    assert_error(r, 403, "ACCOUNT_DISABLED")
    assert_error(refresh(client, acct["refresh"]), 403, "ACCOUNT_DISABLED")
    assert_error(try_login(client, acct["email"], PASSWORD), 403, "ACCOUNT_DISABLED")
    assert_error(try_login(client, acct["email"], "Wr0ng!Password"), 401, "INVALID_CREDENTIALS")
    assert user_row(srv, acct["id"])[1] == "Test User"


# ---- legacy hashes ------------------------------------------------------------------------

# crypt(3) of "Legacy#Pass1" with the salt "abcdefghijklmnopqrstuu", cost 5, in each prefix.
LEGACY = "Legacy#Pass1"
LEGACY_HASHES = ["$2a$05$abcdefghijklmnopqrstuuquZyNZP8gKq21sb10f1k4.i8cUsq1bC",
                 "$2y$05$abcdefghijklmnopqrstuuquZyNZP8gKq21sb10f1k4.i8cUsq1bC",
                 "$2b$05$abcdefghijklmnopqrstuuquZyNZP8gKq21sb10f1k4.i8cUsq1bC"]


@pytest.mark.parametrize("stored", LEGACY_HASHES, ids=["2a", "2y", "2b"])
def test_existing_bcrypt_hashes_verify(srv, client, stored):
    user_id, email = register(client)
    srv.sql(f"UPDATE users SET password_hash = '{stored}' WHERE id = '{user_id}'")
    assert_token_pair(try_login(client, email, LEGACY))
    assert_error(try_login(client, email, PASSWORD), 401, "INVALID_CREDENTIALS")


# ---- tasks --------------------------------------------------------------------------------


def insert_job(srv, user_id, status="SUCCESS", result=None, last_error=None, kind="resume.parse",
               created=None, updated=None):
    job_id = str(uuid.uuid4())
    created = created or now_ms() - 60000 + 123
    updated = updated or created + 4567
    run_at = now_ms() + 86400000  # never due: no worker touches it

    def lit(v):
        return "NULL" if v is None else "'" + str(v).replace("'", "''") + "'"

    finished = updated if status in ("SUCCESS", "FAILURE") else None
    srv.sql("INSERT INTO jobs (id, kind, payload, user_id, status, attempts, run_at, last_error, result, "
            "created_at, updated_at, started_at, finished_at) VALUES "
            f"({lit(job_id)}, {lit(kind)}, '{{}}', {lit(user_id)}, {lit(status)}, 1, {run_at}, {lit(last_error)}, "
            f"{lit(result)}, {created}, {updated}, {created}, {lit(finished)})")
    return job_id, created, updated


def test_task_of_the_user(srv, client):
    acct = new_account(client)
    result = {"resume_id": str(uuid.uuid4()), "status": "analyzed"}
    job_id, created, updated = insert_job(srv, acct["id"], result=json.dumps(result),
                                          last_error="a transient failure before the retry")
    r = client.get(f"/api/v1/tasks/{job_id}", headers=auth(acct["access"]))
    assert r.status_code == 200, r.text
    t = r.json()
    assert set(t) == TASK_FIELDS, t
    assert t == {"task_id": job_id, "type": "resume.parse", "status": "SUCCESS", "result": result,
                 "error": None, "created_at": iso_ms(created), "updated_at": iso_ms(updated)}, t
    assert TIMESTAMP_RE.match(t["created_at"]) and TIMESTAMP_RE.match(t["updated_at"]), t
    # One trailing slash is optional; path UUIDs match case-insensitively.
    assert client.get(f"/api/v1/tasks/{job_id}/", headers=auth(acct["access"])).json() == t
    upper = client.get(f"/api/v1/tasks/{job_id.upper()}", headers=auth(acct["access"]))
    assert upper.status_code == 200 and upper.json() == t, (upper.status_code, upper.text)


@pytest.mark.parametrize("status,result,error", [
    ("FAILURE", None, "No extractable text: the PDF contains only images"),
    ("RETRY", None, "provider timed out"),
    ("PENDING", None, None),
])
def test_task_error_and_result_by_status(srv, client, status, result, error):
    acct = new_account(client)
    job_id, _, _ = insert_job(srv, acct["id"], status=status, result='{"stale": true}', last_error=error,
                              kind="interview.generate")
    t = client.get(f"/api/v1/tasks/{job_id}", headers=auth(acct["access"])).json()
    assert (t["status"], t["type"], t["result"], t["error"]) == (status, "interview.generate", result, error), t


def test_tasks_of_others_unknown_and_malformed_are_404(srv, client):
    owner = new_account(client)
    other = new_account(client)
    job_id, _, _ = insert_job(srv, owner["id"], result='{"ok": true}')
    assert client.get(f"/api/v1/tasks/{job_id}", headers=auth(owner["access"])).status_code == 200
    assert_error(client.get(f"/api/v1/tasks/{job_id}", headers=auth(other["access"])), 404, "NOT_FOUND")
    assert_error(client.get(f"/api/v1/tasks/{uuid.uuid4()}", headers=auth(owner["access"])), 404, "NOT_FOUND")
    for bad in ("not-a-uuid", "123", job_id[:-1], job_id + "0", job_id.replace("-", "")):
        r = client.get(f"/api/v1/tasks/{bad}", headers=auth(owner["access"]))
        assert_error(r, 404, "NOT_FOUND")
    # A system job without an owner is nobody's task.
    sys_id, _, _ = insert_job(srv, None, result='{"ok": true}', kind="maintenance.prune")
    assert_error(client.get(f"/api/v1/tasks/{sys_id}", headers=auth(owner["access"])), 404, "NOT_FOUND")


def test_tasks_need_authentication(srv, client):
    owner = new_account(client)
    job_id, _, _ = insert_job(srv, owner["id"], result='{"ok": true}')
    assert_auth_error(client.get(f"/api/v1/tasks/{job_id}"), 401, "NOT_AUTHENTICATED", WWW_PLAIN)
    assert_auth_error(client.get(f"/api/v1/tasks/{job_id}", headers=auth(owner["refresh"])),
                      401, "INVALID_TOKEN", WWW_INVALID)


# ---- secrets never leak -------------------------------------------------------------------


def test_no_password_hash_or_token_in_responses_or_logs(make_server):
    srv = make_server(**FAST)
    password, wrong, weak = "S3cret!Leak-Probe", "Wr0ng!Leak-Probe", "weakleakprobe"
    responses, tokens = [], []
    with httpx.Client(base_url=srv.url, timeout=10) as c:
        def call(method, path, **kw):
            r = c.request(method, path, **kw)
            responses.append(r)
            return r

        call("POST", "/api/v1/auth/register", json={"email": unique_email(), "full_name": "W", "password": weak})
        email = unique_email("leak")
        assert call("POST", "/api/v1/auth/register",
                    json={"email": email, "full_name": "Leak", "password": password}).status_code == 201
        call("POST", "/api/v1/auth/register", json={"email": email, "full_name": "Leak", "password": password})
        call("POST", "/api/v1/auth/login", json={"email": email, "password": wrong})
        p1 = assert_token_pair(call("POST", "/api/v1/auth/login", json={"email": email, "password": password}))
        p2 = assert_token_pair(call("POST", "/api/v1/auth/login", data={"username": email, "password": password}))
        r = call("POST", "/api/v1/auth/login", json={"email": email, "password": password},
                 headers={"X-Token-Delivery": "cookie"})
        p3 = assert_token_pair(r, cookie=True)
        cookie_rt = r.headers["set-cookie"].split(";")[0].split("=", 1)[1]
        tokens += [p1["access_token"], p1["refresh_token"], p2["access_token"], p2["refresh_token"],
                   p3["access_token"], cookie_rt]
        call("GET", "/api/v1/auth/me", headers=auth(p1["access_token"]))
        call("PATCH", "/api/v1/auth/me", json={"full_name": "Leak Two"}, headers=auth(p1["access_token"]))
        call("PATCH", "/api/v1/auth/me", json={"password": password}, headers=auth(p1["access_token"]))
        p4 = assert_token_pair(call("POST", "/api/v1/auth/refresh", headers=auth(p1["refresh_token"])))
        p5 = assert_token_pair(call("POST", "/api/v1/auth/refresh", json={"refresh_token": p2["refresh_token"]}))
        r = call("POST", "/api/v1/auth/refresh", headers={"X-Token-Delivery": "cookie",
                                                          "Cookie": f"refresh_token={cookie_rt}"})
        assert_token_pair(r, cookie=True)
        tokens += [p4["access_token"], p4["refresh_token"], p5["access_token"], p5["refresh_token"],
                   r.json()["access_token"], r.headers["set-cookie"].split(";")[0].split("=", 1)[1]]
        call("POST", "/api/v1/auth/refresh", headers=auth(p1["refresh_token"]))  # reuse
        call("GET", "/api/v1/auth/me", headers=auth(p1["refresh_token"]))      # wrong type
        call("POST", "/api/v1/auth/logout", json={"refresh_token": p5["refresh_token"]},
             headers=auth(p5["access_token"]))
        call("GET", "/api/v1/auth/me", headers=auth(p5["access_token"]))       # revoked
        rid = "leak-" + uuid.uuid4().hex
        call("POST", "/api/v1/auth/logout-all", headers={**auth(p4["access_token"]), "X-Request-ID": rid})

    (stored,) = srv.sql(f"SELECT password_hash FROM users WHERE email = '{email}'")[0]
    assert stored.startswith("$2b$")
    secrets_in_play = [password, wrong, weak, stored, "$2b$"]
    for r in responses:
        texts = [r.text] + [f"{k}: {v}" for k, v in r.headers.multi_items()]
        for text in texts:
            for s in secrets_in_play:
                assert s not in text, (r.request.method, r.request.url.path, s, text)
    assert len({t for t in tokens}) == len(tokens)

    srv.access_log(rid)
    lines = srv.raw_logs()
    assert any("user registered" in line for line in lines)  # the log is really captured
    for line in lines:
        for s in secrets_in_play + tokens + [t.split(".")[2] for t in tokens]:
            assert s not in line, (s, line)
