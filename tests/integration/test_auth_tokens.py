"""Tokens and sessions (docs/api.md §1.4, §3; issue 4): the JWT checks of every authenticated request
(forged with the server's SECRET_KEY where a valid signature is needed), refresh rotation with
reuse detection, cookie delivery, logout and logout-all, the session limit, and the
register → login → me → refresh → logout flow."""

import json
import re
import time
import uuid

import httpx
import pytest

from helpers import UUID_RE, assert_error, assert_validation_error
from test_auth import (
    ACCESS_S,
    AUDIENCE,
    FAST,
    ISSUER,
    PASSWORD,
    REFRESH_S,
    REGISTERED,
    USER_AGENT,
    WWW_INVALID,
    WWW_PLAIN,
    assert_auth_error,
    assert_token_pair,
    auth,
    b64url,
    claims_of,
    forge,
    jwt_parts,
    login,
    me,
    new_account,
    refresh,
    register,
    secret_of,
    unique_email,
)

COOKIE_RE = re.compile(
    r"^refresh_token=([A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]+); Path=/api/v1/auth; HttpOnly; Secure; "
    r"SameSite=Strict; Max-Age=(\d+)$"
)
CLEARED_COOKIE = "refresh_token=; Path=/api/v1/auth; HttpOnly; Secure; SameSite=Strict; Max-Age=0"
LOGGED_OUT = {"message": "Successfully logged out"}


@pytest.fixture(scope="module")
def srv(module_server):
    return module_server(**FAST)


@pytest.fixture
def client(srv):
    return srv.client


@pytest.fixture
def acct(client):
    return new_account(client)


def fresh_client(srv):
    """A client with its own (empty) cookie jar, for the cookie-delivery tests."""
    return httpx.Client(base_url=srv.url, timeout=10, headers={"User-Agent": USER_AGENT})


def logout(client, access, body=None, headers=None):
    kw = {"json": body} if body is not None else {}
    return client.post("/api/v1/auth/logout", headers={**auth(access), **(headers or {})}, **kw)


def assert_revoked(client, access=(), refresh_tokens=()):
    for token in access:
        assert_auth_error(me(client, token), 401, "TOKEN_REVOKED", WWW_INVALID)
    for token in refresh_tokens:
        assert_auth_error(refresh(client, token), 401, "TOKEN_REVOKED", WWW_INVALID)


def assert_alive(client, access=()):
    for token in access:
        r = me(client, token)
        assert r.status_code == 200, (r.status_code, r.text)


def the_cookie(r):
    """The refresh-token cookie of a response (a login also sets the device cookie, which
    test_auth_hardening.py covers)."""
    values = [v for v in r.headers.get_list("set-cookie") if not v.startswith("ia_device=")]
    assert len(values) == 1, values
    m = COOKIE_RE.match(values[0])
    assert m, values[0]
    return m.group(1), int(m.group(2))


# ---- the whole flow -----------------------------------------------------------------------


def test_register_login_me_refresh_logout(client):
    email = unique_email("flow")
    r = client.post("/api/v1/auth/register", json={"email": email, "full_name": "Flow", "password": PASSWORD})
    assert r.status_code == 201 and r.json()["message"] == REGISTERED, r.text
    user_id = r.json()["id"]

    p1 = login(client, email)
    u = me(client, p1["access_token"])
    assert u.status_code == 200 and u.json()["id"] == user_id, u.text

    r = refresh(client, p1["refresh_token"])
    p2 = assert_token_pair(r)
    assert "set-cookie" not in r.headers, r.headers
    assert me(client, p2["access_token"]).json()["id"] == user_id

    r = logout(client, p2["access_token"])
    assert r.status_code == 200 and r.json() == LOGGED_OUT, r.text
    assert r.headers.get_list("set-cookie") == [CLEARED_COOKIE], r.headers
    assert_revoked(client, access=[p1["access_token"], p2["access_token"]],
                   refresh_tokens=[p1["refresh_token"], p2["refresh_token"]])
    assert_auth_error(logout(client, p2["access_token"]), 401, "TOKEN_REVOKED", WWW_INVALID)

    # The account itself is fine: a new login is a new session.
    p3 = login(client, email)
    assert claims_of(p3["access_token"])["sid"] != claims_of(p1["access_token"])["sid"]
    assert_alive(client, [p3["access_token"]])


# ---- what counts as a valid access token ---------------------------------------------------


def test_forged_token_with_the_right_secret_is_accepted(srv, client, acct):
    """The control for the forgeries below: this signing code makes tokens the server takes."""
    claims = dict(claims_of(acct["access"]), jti=str(uuid.uuid4()))
    r = me(client, forge(secret_of(srv), claims))
    assert r.status_code == 200 and r.json()["id"] == acct["id"], r.text


def test_refresh_token_is_not_an_access_token(client, acct):
    assert_auth_error(me(client, acct["refresh"]), 401, "INVALID_TOKEN", WWW_INVALID)
    r = client.patch("/api/v1/auth/me", json={"full_name": "X"}, headers=auth(acct["refresh"]))
    assert_auth_error(r, 401, "INVALID_TOKEN", WWW_INVALID)
    assert_auth_error(logout(client, acct["refresh"]), 401, "INVALID_TOKEN", WWW_INVALID)


def test_access_token_is_not_a_refresh_token(client, acct):
    assert_auth_error(refresh(client, acct["access"]), 401, "INVALID_TOKEN", WWW_INVALID)
    r = client.post("/api/v1/auth/refresh", json={"refresh_token": acct["access"]})
    assert_auth_error(r, 401, "INVALID_TOKEN", WWW_INVALID)
    # Neither attempt used up the real refresh token.
    assert_token_pair(refresh(client, acct["refresh"]))


def _tamper_signature(secret, claims, token):
    h, p, s = token.split(".")
    i = len(s) // 2
    return f"{h}.{p}.{s[:i]}{'A' if s[i] != 'A' else 'B'}{s[i + 1:]}"


def _tamper_payload(secret, claims, token):
    h, _, s = token.split(".")
    forged = dict(claims, sub=str(uuid.uuid4()))
    return f"{h}.{b64url(json.dumps(forged, separators=(',', ':')).encode())}.{s}"


def _without(name):
    return lambda secret, claims, token: forge(secret, {k: v for k, v in claims.items() if k != name})


def _with(**changes):
    return lambda secret, claims, token: forge(secret, dict(claims, **changes))


INVALID_TOKENS = {
    "tampered-signature": _tamper_signature,
    "tampered-payload": _tamper_payload,
    "other-secret": lambda secret, claims, token: forge("another-" + secret, claims),
    "alg-none-unsigned": lambda secret, claims, token: forge(secret, claims, alg="none"),
    "alg-none-with-hs256-signature": lambda secret, claims, token: forge(secret, claims, alg="none", sign_with="HS256"),
    "alg-HS512": lambda secret, claims, token: forge(secret, claims, alg="HS512"),
    "alg-HS384": lambda secret, claims, token: forge(secret, claims, alg="HS384"),
    "alg-RS256-hmac-signed": lambda secret, claims, token: forge(secret, claims, alg="RS256", sign_with="HS256"),
    "no-alg": lambda secret, claims, token: forge(secret, claims, header={"typ": "JWT"}, sign_with="HS256"),
    "wrong-iss": _with(iss="Someone Else"),
    "wrong-aud": _with(aud="another_api"),
    "type-refresh": _with(type="refresh"),
    "type-other": _with(type="id"),
    "iat-in-the-future": lambda secret, claims, token: forge(
        secret, dict(claims, iat=int(time.time()) + 3600, exp=int(time.time()) + 7200)),
    "unknown-user": _with(sub=str(uuid.uuid4())),
    "not-a-jwt": lambda secret, claims, token: "garbage",
    "two-segments": lambda secret, claims, token: token.rsplit(".", 1)[0],
    "empty-segments": lambda secret, claims, token: "..",
    **{f"missing-{name}": _without(name) for name in ("sub", "exp", "iat", "jti", "iss", "aud", "type", "sid")},
}


@pytest.mark.parametrize("case", sorted(INVALID_TOKENS))
def test_invalid_access_tokens(srv, client, acct, case):
    claims = dict(claims_of(acct["access"]), jti=str(uuid.uuid4()))
    token = INVALID_TOKENS[case](secret_of(srv), claims, acct["access"])
    assert token != acct["access"]
    assert_auth_error(me(client, token), 401, "INVALID_TOKEN", WWW_INVALID)
    assert_alive(client, [acct["access"]])


@pytest.mark.parametrize("case", ["tampered-signature", "alg-none-unsigned", "alg-HS512", "wrong-iss", "wrong-aud",
                                  "type-other", "iat-in-the-future", "missing-sid", "missing-exp"])
def test_invalid_refresh_tokens(srv, client, acct, case):
    claims = claims_of(acct["refresh"])
    token = INVALID_TOKENS[case](secret_of(srv), claims, acct["refresh"])
    assert_auth_error(refresh(client, token), 401, "INVALID_TOKEN", WWW_INVALID)
    assert_token_pair(refresh(client, acct["refresh"]))


def test_expired_tokens(srv, client, acct):
    now = int(time.time())
    access = forge(secret_of(srv), dict(claims_of(acct["access"]), jti=str(uuid.uuid4()), iat=now - 1000, exp=now - 5))
    assert_auth_error(me(client, access), 401, "TOKEN_EXPIRED", WWW_INVALID)
    rt = forge(secret_of(srv), dict(claims_of(acct["refresh"]), iat=now - 1000, exp=now - 5))
    assert_auth_error(refresh(client, rt), 401, "TOKEN_EXPIRED", WWW_INVALID)
    assert_token_pair(refresh(client, acct["refresh"]))


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Basic dXNlcjpwYXNz"}, {"Authorization": "Token abc"},
                                     {"Authorization": "Digest username=x"}])
def test_missing_or_non_bearer_credentials(client, headers):
    r = client.get("/api/v1/auth/me", headers=headers)
    assert_auth_error(r, 401, "NOT_AUTHENTICATED", WWW_PLAIN)
    r = client.post("/api/v1/auth/logout-all", headers=headers)
    assert_auth_error(r, 401, "NOT_AUTHENTICATED", WWW_PLAIN)


def test_refresh_without_a_token(client):
    assert_auth_error(client.post("/api/v1/auth/refresh"), 401, "NOT_AUTHENTICATED", WWW_PLAIN)
    assert_auth_error(client.post("/api/v1/auth/refresh", json={}), 401, "NOT_AUTHENTICATED", WWW_PLAIN)


def test_refresh_body_validation(client, acct):
    r = client.post("/api/v1/auth/refresh", json={"refresh_token": 5})
    assert_validation_error(r, ["body", "refresh_token"], "string_type")
    r = client.post("/api/v1/auth/refresh", json={"refresh_token": acct["refresh"], "user_id": acct["id"]})
    assert_validation_error(r, ["body", "user_id"], "extra_forbidden")
    r = client.post("/api/v1/auth/refresh", content=acct["refresh"], headers={"Content-Type": "text/plain"})
    assert_error(r, 415, "UNSUPPORTED_MEDIA_TYPE")


def test_token_of_a_deleted_user(srv, client, acct):
    srv.sql(f"DELETE FROM users WHERE id = '{acct['id']}'")
    assert_auth_error(me(client, acct["access"]), 401, "INVALID_TOKEN", WWW_INVALID)
    assert_auth_error(refresh(client, acct["refresh"]), 401, "INVALID_TOKEN", WWW_INVALID)


def test_role_is_read_from_the_database_on_every_request(srv, client, acct):
    assert me(client, acct["access"]).json()["role"] == "user"
    srv.sql(f"UPDATE users SET role = 'admin' WHERE id = '{acct['id']}'")
    assert me(client, acct["access"]).json()["role"] == "admin"
    srv.sql(f"UPDATE users SET role = 'user' WHERE id = '{acct['id']}'")
    assert me(client, acct["access"]).json()["role"] == "user"


# ---- refresh ------------------------------------------------------------------------------


def test_refresh_rotates_the_pair(client, acct):
    p2 = assert_token_pair(refresh(client, acct["refresh"]))
    old_a, old_r = claims_of(acct["access"]), claims_of(acct["refresh"])
    new_a, new_r = claims_of(p2["access_token"]), claims_of(p2["refresh_token"])
    assert p2["access_token"] != acct["access"] and p2["refresh_token"] != acct["refresh"]
    assert new_a["sid"] == new_r["sid"] == old_a["sid"], (old_a, new_a, new_r)
    assert len({old_a["jti"], old_r["jti"], new_a["jti"], new_r["jti"]}) == 4
    for c, kind, life in ((new_a, "access", ACCESS_S), (new_r, "refresh", REFRESH_S)):
        assert (c["sub"], c["type"], c["iss"], c["aud"]) == (acct["id"], kind, ISSUER, AUDIENCE), c
        assert c["exp"] - c["iat"] == life and abs(c["iat"] - time.time()) < 60, c
    assert me(client, p2["access_token"]).json()["id"] == acct["id"]
    p3 = assert_token_pair(refresh(client, p2["refresh_token"]))
    assert claims_of(p3["access_token"])["sid"] == old_a["sid"]


def test_reused_refresh_token_revokes_the_session(client):
    first = new_account(client)
    other = login(client, first["email"])  # a second session of the same user
    p2 = assert_token_pair(refresh(client, first["refresh"]))

    assert_auth_error(refresh(client, first["refresh"]), 401, "TOKEN_REUSED")
    assert_revoked(client, access=[p2["access_token"], first["access"]], refresh_tokens=[p2["refresh_token"]])
    # Presenting it again does not revive anything.
    assert refresh(client, first["refresh"]).status_code == 401
    # The user's other session is untouched.
    assert_alive(client, [other["access_token"]])
    assert_token_pair(refresh(client, other["refresh_token"]))


def test_reuse_through_the_body_is_detected_too(client, acct):
    assert_token_pair(client.post("/api/v1/auth/refresh", json={"refresh_token": acct["refresh"]}))
    r = client.post("/api/v1/auth/refresh", json={"refresh_token": acct["refresh"]})
    assert_auth_error(r, 401, "TOKEN_REUSED")
    assert_revoked(client, access=[acct["access"]])


def test_refresh_token_in_the_body(client, acct):
    p2 = assert_token_pair(client.post("/api/v1/auth/refresh", json={"refresh_token": acct["refresh"]}))
    assert claims_of(p2["access_token"])["sid"] == claims_of(acct["access"])["sid"]
    assert_alive(client, [p2["access_token"]])


def test_header_wins_over_body(client, acct):
    b = login(client, acct["email"])  # session B of the same user
    r = client.post("/api/v1/auth/refresh", headers=auth(acct["refresh"]), json={"refresh_token": b["refresh_token"]})
    p = assert_token_pair(r)
    assert claims_of(p["access_token"])["sid"] == claims_of(acct["refresh"])["sid"]
    # The body's token was not used: it still refreshes (no reuse detected).
    assert_token_pair(refresh(client, b["refresh_token"]))
    # A bad header is not rescued by a good body.
    c = login(client, acct["email"])
    r = client.post("/api/v1/auth/refresh", headers=auth("garbage"), json={"refresh_token": c["refresh_token"]})
    assert_auth_error(r, 401, "INVALID_TOKEN", WWW_INVALID)
    assert_token_pair(refresh(client, c["refresh_token"]))


def test_lifetimes_are_configurable(make_server):
    srv = make_server(ACCESS_TOKEN_EXPIRE_MINUTES=2, REFRESH_TOKEN_EXPIRE_DAYS=3, **FAST)
    c = srv.client
    _, email = register(c)
    r = c.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    p = assert_token_pair(r, access_s=120)
    a, rf = claims_of(p["access_token"]), claims_of(p["refresh_token"])
    assert (a["exp"] - a["iat"], rf["exp"] - rf["iat"]) == (120, 3 * 86400), (a, rf)
    with fresh_client(srv) as fc:
        r = fc.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD},
                    headers={"X-Token-Delivery": "cookie"})
        assert_token_pair(r, cookie=True, access_s=120)
        assert the_cookie(r)[1] == 3 * 86400
    assert_token_pair(refresh(c, p["refresh_token"]), access_s=120)


# ---- cookie delivery ----------------------------------------------------------------------


def test_cookie_delivery(srv, client):
    user_id, email = register(client)
    with fresh_client(srv) as c:
        r = c.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD},
                   headers={"X-Token-Delivery": "cookie"})
        p1 = assert_token_pair(r, cookie=True)
        rt1, max_age = the_cookie(r)
        assert max_age == REFRESH_S
        c1 = claims_of(rt1)
        assert (c1["type"], c1["sub"], c1["sid"]) == ("refresh", user_id, claims_of(p1["access_token"])["sid"]), c1

        r = c.post("/api/v1/auth/refresh", headers={"X-Token-Delivery": "cookie", "Cookie": f"refresh_token={rt1}"})
        p2 = assert_token_pair(r, cookie=True)
        rt2, max_age = the_cookie(r)
        assert max_age == REFRESH_S and rt2 != rt1
        assert claims_of(rt2)["sid"] == c1["sid"]
        assert me(c, p2["access_token"]).json()["id"] == user_id

        # Among other cookies, and the spent one is a reuse.
        r = c.post("/api/v1/auth/refresh", headers={"X-Token-Delivery": "cookie",
                                                    "Cookie": f"theme=dark; refresh_token={rt2}; lang=en"})
        p3 = assert_token_pair(r, cookie=True)
        rt3, _ = the_cookie(r)
        r = c.post("/api/v1/auth/refresh", headers={"X-Token-Delivery": "cookie", "Cookie": f"refresh_token={rt1}"})
        assert_auth_error(r, 401, "TOKEN_REUSED")
        assert_revoked(c, access=[p3["access_token"]], refresh_tokens=[rt3])


def test_no_cookie_without_cookie_delivery(client):
    _, email = register(client)
    r = client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    assert_token_pair(r)
    # Only the device cookie of the lockout scheme (test_auth_hardening.py), no refresh token.
    assert [v.split("=", 1)[0] for v in r.headers.get_list("set-cookie")] == ["ia_device"], r.headers


def test_logout_and_logout_all_clear_the_cookie(srv, client):
    _, email = register(client)
    with fresh_client(srv) as c:
        for path in ("/api/v1/auth/logout", "/api/v1/auth/logout-all"):
            r = c.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD},
                       headers={"X-Token-Delivery": "cookie"})
            p = assert_token_pair(r, cookie=True)
            rt, _ = the_cookie(r)
            r = c.post(path, headers={**auth(p["access_token"]), "X-Token-Delivery": "cookie",
                                      "Cookie": f"refresh_token={rt}"})
            assert r.status_code == 200, (path, r.text)
            assert r.headers.get_list("set-cookie") == [CLEARED_COOKIE], (path, r.headers)
            r = c.post("/api/v1/auth/refresh", headers={"X-Token-Delivery": "cookie", "Cookie": f"refresh_token={rt}"})
            assert_auth_error(r, 401, "TOKEN_REVOKED", WWW_INVALID)


# ---- logout -------------------------------------------------------------------------------


def test_logout_can_end_another_session_of_the_same_user(client, acct):
    b = login(client, acct["email"])
    c = login(client, acct["email"])
    r = logout(client, acct["access"], body={"refresh_token": b["refresh_token"]})
    assert r.status_code == 200 and r.json() == LOGGED_OUT, r.text
    assert_revoked(client, access=[acct["access"], b["access_token"]],
                   refresh_tokens=[acct["refresh"], b["refresh_token"]])
    assert_alive(client, [c["access_token"]])
    assert_token_pair(refresh(client, c["refresh_token"]))


@pytest.mark.parametrize("what", ["other-user", "garbage", "expired", "empty-object"])
def test_logout_ignores_foreign_or_invalid_refresh_tokens(srv, client, acct, what):
    victim = new_account(client)
    now = int(time.time())
    body = {
        "other-user": {"refresh_token": victim["refresh"]},
        "garbage": {"refresh_token": "not.a.token"},
        "expired": {"refresh_token": forge(secret_of(srv), dict(claims_of(victim["refresh"]), exp=now - 5,
                                                                iat=now - 100))},
        "empty-object": {},
    }[what]
    r = logout(client, acct["access"], body=body)
    assert r.status_code == 200 and r.json() == LOGGED_OUT, r.text
    assert_revoked(client, access=[acct["access"]])
    assert_alive(client, [victim["access"]])
    assert_token_pair(refresh(client, victim["refresh"]))


def test_logout_all(srv, client, acct):
    sessions = [{"access_token": acct["access"], "refresh_token": acct["refresh"]}]
    sessions += [login(client, acct["email"]) for _ in range(3)]
    bystander = new_account(client)
    assert logout(client, sessions[3]["access_token"]).status_code == 200  # already ended: not counted

    r = client.post("/api/v1/auth/logout-all", headers=auth(sessions[1]["access_token"]))
    assert r.status_code == 200, r.text
    body = r.json()
    assert set(body) == {"message", "revoked_sessions"}, body
    assert isinstance(body["message"], str) and body["message"], body
    assert body["revoked_sessions"] == 3 and type(body["revoked_sessions"]) is int, body
    assert r.headers.get_list("set-cookie") == [CLEARED_COOKIE], r.headers
    assert_revoked(client, access=[s["access_token"] for s in sessions],
                   refresh_tokens=[s["refresh_token"] for s in sessions])
    (active,) = srv.sql(f"SELECT count(*) FROM auth_sessions WHERE user_id = '{acct['id']}' "
                        f"AND revoked_at IS NULL")[0]
    assert active == "0"
    assert_alive(client, [bystander["access"]])
    # A new login still works, and the next logout-all counts only it.
    p = login(client, acct["email"])
    r = client.post("/api/v1/auth/logout-all", headers=auth(p["access_token"]))
    assert r.json()["revoked_sessions"] == 1, r.text


# ---- the session limit --------------------------------------------------------------------


def test_sixth_login_revokes_the_least_recently_used_session(srv, client):
    user_id, email = register(client)
    sessions = []
    for _ in range(5):
        sessions.append(login(client, email))
        time.sleep(0.01)
    # Session 1 is refreshed, so session 2 becomes the least recently used.
    sessions[0] = assert_token_pair(refresh(client, sessions[0]["refresh_token"]))
    time.sleep(0.01)
    sixth = login(client, email)

    assert_revoked(client, access=[sessions[1]["access_token"]], refresh_tokens=[sessions[1]["refresh_token"]])
    assert_alive(client, [s["access_token"] for i, s in enumerate(sessions) if i != 1] + [sixth["access_token"]])
    (active,) = srv.sql(f"SELECT count(*) FROM auth_sessions WHERE user_id = '{user_id}' AND revoked_at IS NULL")[0]
    assert active == "5"

    # And the next login ends the now least recently used one: session 3.
    time.sleep(0.01)
    seventh = login(client, email)
    assert_revoked(client, access=[sessions[2]["access_token"]])
    assert_alive(client, [sessions[0]["access_token"], sessions[3]["access_token"], sessions[4]["access_token"],
                          sixth["access_token"], seventh["access_token"]])


def test_session_limit_is_per_user(client):
    a = new_account(client)
    b = new_account(client)
    for _ in range(5):
        login(client, b["email"])
    assert_alive(client, [a["access"]])


def test_jwt_header_is_hs256(client, acct):
    for token in (acct["access"], acct["refresh"]):
        header, claims = jwt_parts(token)
        assert header.get("alg") == "HS256", header
        assert UUID_RE.match(claims["jti"]), claims
