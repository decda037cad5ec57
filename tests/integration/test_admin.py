"""Administration (docs/api.md §7, §1.4, §1.6; issue 4): every admin endpoint refused to anonymous
callers (401) and to ordinary users (403); service counts; the user list with its paging and
search; the user detail with the login history; deactivation (revoking the user's tokens at
once), activation (lifting a lockout), role changes (read from the database on every request),
the refusal to modify oneself; the task list with its filters, and retry.

Administrators are created with `interviewace user create --admin` against the server's
database (test_user_cli.admin_session). The servers run no embedded workers unless a test needs
them, so that a retried task stays where the API put it."""

import json
import random
import secrets
import time
import uuid

import pytest

from helpers import TIMESTAMP_RE, UUID_RE, assert_error, assert_validation_error, wait_for
from test_auth import (
    PASSWORD,
    WWW_INVALID,
    WWW_PLAIN,
    assert_auth_error,
    assert_token_pair,
    auth,
    iso_ms,
    login,
    me,
    new_account,
    now_ms,
    refresh,
    register,
    sql_bool,
    try_login,
)
from test_user_cli import FAST, admin_session

ADMIN = "/api/v1/admin"
ADMIN_USER_FIELDS = {"id", "email", "full_name", "role", "is_active", "is_verified", "created_at",
                     "interview_count", "resume_count"}
DETAIL_FIELDS = ADMIN_USER_FIELDS | {"updated_at", "last_login_at", "locked_until", "failed_login_count",
                                     "recent_login_attempts"}
ADMIN_TASK_FIELDS = {"task_id", "type", "status", "result", "error", "created_at", "updated_at", "user_id",
                     "attempts"}
STATS_FIELDS = {"total_users", "active_users", "total_interviews", "completed_interviews", "total_resumes",
                "average_score", "failed_tasks"}
PAGE_FIELDS = {"items", "total", "skip", "limit", "has_more"}
WRONG = "Wr0ng!Password"


# ---- fixtures and helpers ------------------------------------------------------------------


@pytest.fixture(scope="module")
def srv(module_server):
    """Behind a trusted proxy (login records from several client IPs), no embedded workers."""
    return module_server(**FAST, TRUSTED_PROXIES="127.0.0.1", EMBEDDED_WORKERS=0)


@pytest.fixture(scope="module")
def admin(srv):
    return admin_session(srv)


@pytest.fixture
def client(srv):
    return srv.client


def from_ip(ip):
    return {"X-Forwarded-For": ip}


def lit(v):
    return "NULL" if v is None else "'" + str(v).replace("'", "''") + "'"


def insert_job(srv, user_id, status="FAILURE", kind="resume.parse", attempts=1, created=None, result=None,
               last_error=None, payload="{}", run_at=None):
    """A jobs row as the queue would leave it; never due unless run_at says so."""
    job_id = str(uuid.uuid4())
    created = created or now_ms() - 60000
    updated = created + 1234
    run_at = run_at or now_ms() + 86400000
    finished = updated if status in ("SUCCESS", "FAILURE") else None
    srv.sql("INSERT INTO jobs (id, kind, payload, user_id, status, attempts, run_at, last_error, result, "
            "created_at, updated_at, started_at, finished_at) VALUES "
            f"({lit(job_id)}, {lit(kind)}, {lit(payload)}, {lit(user_id)}, {lit(status)}, {attempts}, {run_at}, "
            f"{lit(last_error)}, {lit(result)}, {created}, {updated}, {created}, {lit(finished)})")
    return {"task_id": job_id, "type": kind, "status": status,
            "result": json.loads(result) if status == "SUCCESS" and result else None,
            "error": last_error if status in ("RETRY", "FAILURE") else None,
            "created_at": iso_ms(created), "updated_at": iso_ms(updated), "user_id": user_id, "attempts": attempts}


def insert_resume(srv, user_id):
    rid = str(uuid.uuid4())
    t = now_ms()
    srv.sql("INSERT INTO resumes (id, user_id, root_id, title, file_key, file_name, file_size, file_type, "
            f"created_at, updated_at) VALUES ('{rid}', '{user_id}', '{rid}', 'CV', 'k/{rid}', 'cv.txt', 10, "
            f"'txt', {t}, {t})")
    return rid


def insert_interview(srv, user_id, status, score=None):
    sid = str(uuid.uuid4())
    t = now_ms()
    srv.sql("INSERT INTO interview_sessions (id, user_id, status, difficulty, question_count, started_at, "
            f"completed_at, final_score, updated_at) VALUES ('{sid}', '{user_id}', '{status}', 'medium', 5, {t}, "
            f"{t if status == 'completed' else 'NULL'}, {lit(score)}, {t})")
    return sid


def get(client, token, path, **params):
    return client.get(ADMIN + path, params=params or None, headers=auth(token))


def patch(client, token, path, body=None):
    kw = {"json": body} if body is not None else {}
    return client.patch(ADMIN + path, headers=auth(token), **kw)


def assert_page(r, total, skip, limit, n_items):
    assert r.status_code == 200, (r.status_code, r.text)
    page = r.json()
    assert set(page) == PAGE_FIELDS, page
    assert (page["total"], page["skip"], page["limit"], len(page["items"])) == (total, skip, limit, n_items), \
        {k: v for k, v in page.items() if k != "items"} | {"n": len(page["items"])}
    assert page["has_more"] is (skip + n_items < total), page
    return page["items"]


def user_state(srv, user_id):
    return srv.sql(f"SELECT role, is_active, locked_until FROM users WHERE id = '{user_id}'")[0]


# ---- access --------------------------------------------------------------------------------


def endpoints(user_id, task_id):
    return [
        ("GET", f"{ADMIN}/stats", None),
        ("GET", f"{ADMIN}/users", None),
        ("GET", f"{ADMIN}/users/{user_id}", None),
        ("PATCH", f"{ADMIN}/users/{user_id}/deactivate", None),
        ("PATCH", f"{ADMIN}/users/{user_id}/activate", None),
        ("PATCH", f"{ADMIN}/users/{user_id}/role", {"role": "admin"}),
        ("GET", f"{ADMIN}/tasks", None),
        ("POST", f"{ADMIN}/tasks/{task_id}/retry", None),
    ]


def test_every_admin_endpoint_refuses_anonymous_callers_and_users(srv, client, admin):
    user = new_account(client)
    victim = new_account(client)
    task = insert_job(srv, victim["id"], status="FAILURE", last_error="boom")
    before = user_state(srv, victim["id"]), user_state(srv, user["id"])
    for method, path, body in endpoints(victim["id"], task["task_id"]):
        kw = {"json": body} if body is not None else {}
        r = client.request(method, path, **kw)
        assert_auth_error(r, 401, "NOT_AUTHENTICATED", WWW_PLAIN)
        r = client.request(method, path, headers={"Authorization": "Basic YWRtaW46YWRtaW4="}, **kw)
        assert_auth_error(r, 401, "NOT_AUTHENTICATED", WWW_PLAIN)
        r = client.request(method, path, headers=auth(user["access"]), **kw)
        assert_error(r, 403, "FORBIDDEN")
        # A refresh token is no access token, not even an administrator's.
        r = client.request(method, path, headers=auth(admin["refresh"]), **kw)
        assert_auth_error(r, 401, "INVALID_TOKEN", WWW_INVALID)
        # Authentication comes before validation: an invalid body is still 401/403.
        if body is not None:
            assert_error(client.request(method, path, json={"role": "root"}), 401, "NOT_AUTHENTICATED")
            r = client.request(method, path, json={"role": "root"}, headers=auth(user["access"]))
            assert_error(r, 403, "FORBIDDEN")
    # Nothing changed, and the administrator is let through everywhere.
    assert (user_state(srv, victim["id"]), user_state(srv, user["id"])) == before
    assert srv.sql(f"SELECT status FROM jobs WHERE id = '{task['task_id']}'") == [("FAILURE",)]
    for method, path, body in endpoints(victim["id"], task["task_id"]):
        kw = {"json": body} if body is not None else {}
        r = client.request(method, path, headers=auth(admin["access"]), **kw)
        assert r.status_code in (200, 202), (method, path, r.status_code, r.text)


def test_a_deactivated_admin_is_refused(srv, client, admin):
    other = admin_session(srv)
    assert get(client, other["access"], "/stats").status_code == 200
    assert patch(client, admin["access"], f"/users/{other['id']}/deactivate").status_code == 200
    assert_error(get(client, other["access"], "/stats"), 403, "ACCOUNT_DISABLED")
    assert patch(client, admin["access"], f"/users/{other['id']}/activate").status_code == 200


# ---- stats ---------------------------------------------------------------------------------


def test_stats_counts(make_server):
    srv = make_server(**FAST, EMBEDDED_WORKERS=0)
    c = srv.client
    adm = admin_session(srv)
    r = get(c, adm["access"], "/stats")
    assert r.status_code == 200, r.text
    assert r.json() == {"total_users": 1, "active_users": 1, "total_interviews": 0, "completed_interviews": 0,
                        "total_resumes": 0, "average_score": None, "failed_tasks": 0}, r.json()

    u1, _ = register(c)
    u2, _ = register(c)
    u3, _ = register(c)
    assert patch(c, adm["access"], f"/users/{u2}/deactivate").status_code == 200
    for score in (70.0, 71.0):
        insert_interview(srv, u1, "completed", score)
    insert_interview(srv, u1, "in_progress")
    insert_interview(srv, u3, "completed", 71.0)
    insert_interview(srv, u3, "failed")
    insert_interview(srv, u2, "preparing")
    for uid in (u1, u1, u3):
        insert_resume(srv, uid)
    insert_job(srv, u1, status="FAILURE", last_error="boom")
    insert_job(srv, None, status="FAILURE", kind="interview.generate", last_error="boom")
    insert_job(srv, u3, status="SUCCESS", result='{"ok": true}')
    insert_job(srv, u3, status="RETRY", last_error="later")
    insert_job(srv, u3, status="PENDING")

    r = get(c, adm["access"], "/stats")
    assert r.status_code == 200, r.text
    s = r.json()
    assert set(s) == STATS_FIELDS, s
    # (70 + 71 + 71) / 3 = 70.67, one decimal.
    assert s == {"total_users": 4, "active_users": 3, "total_interviews": 6, "completed_interviews": 3,
                 "total_resumes": 3, "average_score": 70.7, "failed_tasks": 2}, s
    for name in STATS_FIELDS - {"average_score"}:
        assert type(s[name]) is int, (name, s)

    # The same counts per user in the list.
    items = assert_page(get(c, adm["access"], "/users"), 4, 0, 20, 4)
    counts = {u["id"]: (u["interview_count"], u["resume_count"], u["is_active"]) for u in items}
    assert counts == {u1: (3, 2, True), u2: (1, 0, False), u3: (2, 1, True), adm["id"]: (0, 0, True)}, counts


# ---- users list ----------------------------------------------------------------------------


def test_users_list_is_newest_first_and_paged(srv, client, admin):
    tag, ntag = secrets.token_hex(4), secrets.token_hex(4)
    ids = []
    for i in range(25):
        uid, _ = register(client, email=f"pg{tag}-{i:02d}@example.com", full_name=f"Pager {ntag} {i}")
        ids.append(uid)
    # Creation times in an order unrelated to the ids (which are time-ordered themselves).
    order = list(range(25))
    random.Random(tag).shuffle(order)
    base = now_ms() - 10 * 86400000
    for uid, k in zip(ids, order):
        srv.sql(f"UPDATE users SET created_at = {base + k * 1000} WHERE id = '{uid}'")
    newest_first = [uid for _, uid in sorted(zip(order, ids), reverse=True)]

    items = assert_page(get(client, admin["access"], "/users", search=tag), 25, 0, 20, 20)
    assert [u["id"] for u in items] == newest_first[:20]
    for u in items:
        assert set(u) == ADMIN_USER_FIELDS, u
        k = order[ids.index(u["id"])]
        i = ids.index(u["id"])
        assert u == {"id": ids[i], "email": f"pg{tag}-{i:02d}@example.com", "full_name": f"Pager {ntag} {i}",
                     "role": "user", "is_active": True, "is_verified": False,
                     "created_at": iso_ms(base + k * 1000), "interview_count": 0, "resume_count": 0}, u
    items = assert_page(get(client, admin["access"], "/users", search=tag, skip=20), 25, 20, 20, 5)
    assert [u["id"] for u in items] == newest_first[20:]
    items = assert_page(get(client, admin["access"], "/users", search=tag, skip=3, limit=7), 25, 3, 7, 7)
    assert [u["id"] for u in items] == newest_first[3:10]
    items = assert_page(get(client, admin["access"], "/users", search=tag, skip=18, limit=7), 25, 18, 7, 7)
    assert [u["id"] for u in items] == newest_first[18:]
    assert assert_page(get(client, admin["access"], "/users", search=tag, skip=25), 25, 25, 20, 0) == []
    assert assert_page(get(client, admin["access"], "/users", search=tag, skip=1000), 25, 1000, 20, 0) == []
    items = assert_page(get(client, admin["access"], "/users", search=tag, limit=100), 25, 0, 100, 25)
    assert [u["id"] for u in items] == newest_first
    items = assert_page(get(client, admin["access"], "/users", search=tag, limit=1), 25, 0, 1, 1)
    assert [u["id"] for u in items] == newest_first[:1]

    # Without a search (or an empty one): every account, the newest first.
    latest, _ = register(client)
    srv.sql(f"UPDATE users SET created_at = {now_ms() + 86400000} WHERE id = '{latest}'")
    (total,) = srv.sql("SELECT count(*) FROM users")[0]
    for params in ({}, {"search": ""}):
        items = assert_page(get(client, admin["access"], "/users", **params), int(total), 0, 20, 20)
        assert items[0]["id"] == latest, items[0]
        stamps = [u["created_at"] for u in items]
        assert stamps == sorted(stamps, reverse=True), stamps


def test_users_search_by_email_and_name_case_insensitive(srv, client, admin):
    tag, ntag = secrets.token_hex(4), secrets.token_hex(4)
    ids = {}
    for i in (1, 2, 10, 11, 3):
        ids[i], _ = register(client, email=f"srch{tag}-{i}@example.com", full_name=f"Seeker {ntag} {i}")
    other, _ = register(client, email=f"zz{tag[::-1]}@example.com", full_name="Unrelated Person")

    def found(search, **params):
        r = get(client, admin["access"], "/users", search=search, **params)
        assert r.status_code == 200, r.text
        return {u["id"] for u in r.json()["items"]}

    assert found(tag) == set(ids.values())                          # an e-mail substring
    assert found(f"SRCH{tag.upper()}") == set(ids.values())         # in any case
    assert found(f"srch{tag}-1") == {ids[1], ids[10], ids[11]}
    assert found(f"{tag}-2@EXAMPLE.com") == {ids[2]}
    assert found(f"seeker {ntag} 1") == {ids[1], ids[10], ids[11]}  # a name substring
    assert found(f"SEEKER {ntag.upper()} 3") == {ids[3]}
    assert found(f"eKeR {ntag}") == set(ids.values())
    assert found(tag[::-1]) == {other}
    assert found(f"nothing-{secrets.token_hex(8)}") == set()
    r = get(client, admin["access"], "/users", search=ntag, limit=2)
    assert_page(r, 5, 0, 2, 2)


def test_users_search_treats_wildcards_literally(srv, client, admin):
    ltag = secrets.token_hex(4)
    names = {k: f"{ltag} {k}" for k in ("100% sure", "1000 sure", "a_b", "axb", "back\\slash", "backxslash")}
    ids = {k: register(client, full_name=name)[0] for k, name in names.items()}
    _, under = register(client, email=f"under_{ltag}@example.com")
    _, plain = register(client, email=f"underx{ltag}@example.com")

    def found(search):
        r = get(client, admin["access"], "/users", search=search)
        assert r.status_code == 200, r.text
        return {u["id"] for u in r.json()["items"]}

    assert found(f"{ltag} 100%") == {ids["100% sure"]}
    assert found(f"{ltag} a_b") == {ids["a_b"]}
    assert found(f"{ltag} back\\s") == {ids["back\\slash"]}
    assert found(f"{ltag} 100") == {ids["100% sure"], ids["1000 sure"]}
    # "%" alone matches only what contains a "%": nobody else on this server.
    assert found("%") == {ids["100% sure"]}
    assert found(f"under_{ltag}") == {srv.sql(f"SELECT id FROM users WHERE email = '{under}'")[0][0]}
    assert plain not in {u["email"] for u in get(client, admin["access"], "/users", search=f"under_{ltag}")
                         .json()["items"]}


@pytest.mark.parametrize("params,loc,type_", [
    ({"limit": 101}, ["query", "limit"], "less_than_equal"),
    ({"limit": 0}, ["query", "limit"], "greater_than_equal"),
    ({"limit": -5}, ["query", "limit"], "greater_than_equal"),
    ({"skip": -1}, ["query", "skip"], "greater_than_equal"),
    ({"limit": "ten"}, ["query", "limit"], "int_type"),
    ({"skip": "1.5"}, ["query", "skip"], "int_type"),
])
@pytest.mark.parametrize("path", ["/users", "/tasks"])
def test_list_paging_validation(client, admin, path, params, loc, type_):
    assert_validation_error(get(client, admin["access"], path, **params), loc, type_)


# A search that is not UTF-8 (an overlong form, a surrogate, a lone byte) is refused before it
# reaches the database, where PostgreSQL would refuse it with an error (tests/fuzz/fuzz_query).
@pytest.mark.parametrize("raw", ["%FF", "ab%C0%AF", "%ED%A0%80"])
@pytest.mark.parametrize("path", ["/users"])
def test_search_must_be_utf8(client, admin, path, raw):
    r = client.get(f"{ADMIN}{path}?search={raw}", headers=auth(admin["access"]))
    assert_validation_error(r, ["query", "search"], "string_unicode")


# ---- user detail ---------------------------------------------------------------------------


def test_user_detail_with_login_history(srv, client, admin):
    user_id, email = register(client, full_name="Detail User")
    r = get(client, admin["access"], f"/users/{user_id}")
    assert r.status_code == 200, r.text
    d = r.json()
    assert set(d) == DETAIL_FIELDS, d
    created, updated = srv.sql(f"SELECT created_at, updated_at FROM users WHERE id = '{user_id}'")[0]
    assert d == {"id": user_id, "email": email, "full_name": "Detail User", "role": "user", "is_active": True,
                 "is_verified": False, "created_at": iso_ms(int(created)), "interview_count": 0,
                 "resume_count": 0, "updated_at": iso_ms(int(updated)), "last_login_at": None,
                 "locked_until": None, "failed_login_count": 0, "recent_login_attempts": []}, d

    attempts = []  # (ip, success), oldest first

    def attempt(ip, ok):
        time.sleep(0.003)  # distinct milliseconds, so that "newest first" is well defined
        r = try_login(client, email, PASSWORD if ok else WRONG, headers=from_ip(ip))
        assert r.status_code == (200 if ok else 401), r.text
        attempts.append((ip, ok))

    for i in (1, 2, 3):
        attempt(f"198.51.100.{i}", False)
    d = get(client, admin["access"], f"/users/{user_id}").json()
    assert (d["failed_login_count"], d["last_login_at"], d["locked_until"]) == (3, None, None), d
    assert [(a["ip_address"], a["success"]) for a in d["recent_login_attempts"]] == attempts[::-1]

    attempt("198.51.100.4", True)
    d = get(client, admin["access"], f"/users/{user_id}").json()
    (last_login,) = srv.sql(f"SELECT last_login_at FROM users WHERE id = '{user_id}'")[0]
    assert d["last_login_at"] == iso_ms(int(last_login)), d
    assert abs(int(last_login) - now_ms()) < 60000
    assert d["failed_login_count"] == 0, d

    attempt("198.51.100.5", False)
    attempt("2001:db8::6", True)
    for i in (7, 8, 9, 10):
        attempt(f"198.51.100.{i}", False)
    attempt("198.51.100.11", True)
    attempt("198.51.100.12", False)
    assert len(attempts) == 12
    d = get(client, admin["access"], f"/users/{user_id}").json()
    assert d["failed_login_count"] == 1, d
    rows = srv.sql(f"SELECT created_at, ip_address, success FROM login_attempts WHERE user_id = '{user_id}' "
                   "ORDER BY created_at DESC")[:10]
    expected = [{"created_at": iso_ms(int(t)), "ip_address": ip, "success": sql_bool(ok)} for t, ip, ok in rows]
    assert d["recent_login_attempts"] == expected, d["recent_login_attempts"]
    assert [(a["ip_address"], a["success"]) for a in d["recent_login_attempts"]] == attempts[::-1][:10]
    for a in d["recent_login_attempts"]:
        assert set(a) == {"created_at", "ip_address", "success"} and TIMESTAMP_RE.match(a["created_at"]), a
    stamps = [a["created_at"] for a in d["recent_login_attempts"]]
    assert stamps == sorted(stamps, reverse=True) and len(set(stamps)) == 10, stamps

    # The detail counts what it shows in the list too.
    insert_resume(srv, user_id)
    insert_interview(srv, user_id, "completed", 50.0)
    d = get(client, admin["access"], f"/users/{user_id}").json()
    assert (d["interview_count"], d["resume_count"]) == (1, 1), d


def test_user_detail_of_a_locked_account(srv, client, admin):
    user_id, email = register(client)
    for i in range(5):
        time.sleep(0.003)
        assert_error(try_login(client, email, WRONG, headers=from_ip(f"203.0.113.{i}")), 401,
                     "INVALID_CREDENTIALS")
    d = get(client, admin["access"], f"/users/{user_id}").json()
    (locked,) = srv.sql(f"SELECT locked_until FROM users WHERE id = '{user_id}'")[0]
    assert locked is not None and abs(int(locked) - (now_ms() + 15 * 60000)) < 60000, locked
    assert d["locked_until"] == iso_ms(int(locked)), d
    assert [(a["ip_address"], a["success"]) for a in d["recent_login_attempts"]] == \
        [(f"203.0.113.{i}", False) for i in range(4, -1, -1)], d
    # The failures that locked the account are what the administrator sees.
    assert d["failed_login_count"] == 5, d


def test_user_detail_of_an_admin_and_by_uppercase_id(srv, client, admin):
    d = get(client, admin["access"], f"/users/{admin['id']}").json()
    assert (d["id"], d["role"], d["is_verified"], d["is_active"]) == (admin["id"], "admin", True, True), d
    assert d["last_login_at"] is not None and TIMESTAMP_RE.match(d["last_login_at"]), d
    assert any(a["success"] for a in d["recent_login_attempts"]), d
    r = get(client, admin["access"], f"/users/{admin['id'].upper()}")
    assert r.status_code == 200 and r.json()["id"] == admin["id"], r.text


@pytest.mark.parametrize("method,suffix", [("GET", ""), ("PATCH", "/deactivate"), ("PATCH", "/activate"),
                                           ("PATCH", "/role")])
def test_unknown_or_malformed_user_is_404(client, admin, method, suffix):
    body = {"json": {"role": "user"}} if suffix == "/role" else {}
    known = str(uuid.uuid4())
    for uid in (known, "not-a-uuid", "123", known.replace("-", ""), known + "0", known[:-1]):
        r = client.request(method, f"{ADMIN}/users/{uid}{suffix}", headers=auth(admin["access"]), **body)
        assert_error(r, 404, "NOT_FOUND")


# ---- activation ----------------------------------------------------------------------------


def test_deactivate_refuses_existing_tokens_at_once(srv, client, admin):
    user = new_account(client)
    second = login(client, user["email"])
    bystander = new_account(client)
    r = patch(client, admin["access"], f"/users/{user['id']}/deactivate")
    assert r.status_code == 200, r.text
    assert r.json() == {"detail": f"User {user['id']} deactivated."}
    assert_error(me(client, user["access"]), 403, "ACCOUNT_DISABLED")
    assert_error(me(client, second["access_token"]), 403, "ACCOUNT_DISABLED")
    assert_error(refresh(client, user["refresh"]), 403, "ACCOUNT_DISABLED")
    assert_error(try_login(client, user["email"], PASSWORD), 403, "ACCOUNT_DISABLED")
    assert me(client, bystander["access"]).status_code == 200
    # Idempotent.
    r = patch(client, admin["access"], f"/users/{user['id']}/deactivate")
    assert r.status_code == 200 and r.json() == {"detail": f"User {user['id']} deactivated."}, r.text
    d = get(client, admin["access"], f"/users/{user['id']}").json()
    assert d["is_active"] is False, d
    # Every session was revoked: the old tokens stay dead after reactivation.
    assert srv.sql(f"SELECT count(*) FROM auth_sessions WHERE user_id = '{user['id']}' "
                   "AND revoked_at IS NULL") == [("0",)]
    r = patch(client, admin["access"], f"/users/{user['id']}/activate")
    assert r.status_code == 200, r.text
    assert r.json() == {"detail": f"User {user['id']} activated."}
    r = patch(client, admin["access"], f"/users/{user['id']}/activate")
    assert r.status_code == 200 and r.json() == {"detail": f"User {user['id']} activated."}, r.text
    assert_auth_error(me(client, user["access"]), 401, "TOKEN_REVOKED", WWW_INVALID)
    assert_auth_error(refresh(client, user["refresh"]), 401, "TOKEN_REVOKED", WWW_INVALID)
    assert_auth_error(refresh(client, second["refresh_token"]), 401, "TOKEN_REVOKED", WWW_INVALID)
    pair = login(client, user["email"])
    assert me(client, pair["access_token"]).json()["is_active"] is True
    assert get(client, admin["access"], f"/users/{user['id']}").json()["is_active"] is True


def test_activate_lifts_a_lockout(srv, client, admin):
    user_id, email = register(client)
    for _ in range(5):
        assert_error(try_login(client, email, WRONG), 401, "INVALID_CREDENTIALS")
    assert_error(try_login(client, email, PASSWORD), 423, "ACCOUNT_LOCKED")
    assert get(client, admin["access"], f"/users/{user_id}").json()["locked_until"] is not None
    r = patch(client, admin["access"], f"/users/{user_id}/activate")  # already active
    assert r.status_code == 200 and r.json() == {"detail": f"User {user_id} activated."}, r.text
    d = get(client, admin["access"], f"/users/{user_id}").json()
    assert (d["locked_until"], d["failed_login_count"], d["is_active"]) == (None, 0, True), d
    assert srv.sql(f"SELECT locked_until FROM users WHERE id = '{user_id}'") == [(None,)]
    # The earlier failures no longer count: one more is an ordinary 401, not a new lock.
    assert_error(try_login(client, email, WRONG), 401, "INVALID_CREDENTIALS")
    pair = assert_token_pair(try_login(client, email, PASSWORD))
    assert me(client, pair["access_token"]).status_code == 200


def test_admin_cannot_modify_itself(srv, client, admin):
    for uid in (admin["id"], admin["id"].upper()):
        for path, body in (("/deactivate", None), ("/activate", None), ("/role", {"role": "user"}),
                           ("/role", {"role": "admin"})):
            r = patch(client, admin["access"], f"/users/{uid}{path}", body)
            assert_error(r, 400, "CANNOT_MODIFY_SELF")
    assert user_state(srv, admin["id"])[:2] in (("admin", "1"), ("admin", "t"))
    u = me(client, admin["access"]).json()
    assert (u["role"], u["is_active"]) == ("admin", True), u
    assert get(client, admin["access"], "/stats").status_code == 200


# ---- roles ---------------------------------------------------------------------------------


def test_role_change_takes_effect_on_the_next_request(srv, client, admin):
    user = new_account(client)
    assert_error(get(client, user["access"], "/stats"), 403, "FORBIDDEN")
    r = patch(client, admin["access"], f"/users/{user['id']}/role", {"role": "admin"})
    assert r.status_code == 200, r.text
    assert r.json() == {"detail": f"User {user['id']} role changed to admin."}
    # The same token: the role is read from the database on every request.
    assert get(client, user["access"], "/stats").status_code == 200
    assert get(client, user["access"], "/users").status_code == 200
    assert me(client, user["access"]).json()["role"] == "admin"
    assert get(client, admin["access"], f"/users/{user['id']}").json()["role"] == "admin"
    # The new administrator cannot modify itself either.
    r = patch(client, user["access"], f"/users/{user['id']}/role", {"role": "user"})
    assert_error(r, 400, "CANNOT_MODIFY_SELF")

    r = patch(client, admin["access"], f"/users/{user['id']}/role", {"role": "user"})
    assert r.status_code == 200, r.text
    assert r.json() == {"detail": f"User {user['id']} role changed to user."}
    assert_error(get(client, user["access"], "/stats"), 403, "FORBIDDEN")
    assert me(client, user["access"]).json()["role"] == "user"
    # Setting the role it already has is fine.
    r = patch(client, admin["access"], f"/users/{user['id']}/role", {"role": "user"})
    assert r.status_code == 200 and r.json() == {"detail": f"User {user['id']} role changed to user."}, r.text


@pytest.mark.parametrize("body,loc,type_", [
    ({"role": "superuser"}, ["body", "role"], "enum"),
    ({"role": "moderator"}, ["body", "role"], "enum"),
    ({"role": "ADMIN"}, ["body", "role"], "enum"),
    ({"role": ""}, ["body", "role"], None),
    ({"role": 1}, ["body", "role"], "string_type"),
    ({"role": True}, ["body", "role"], "string_type"),
    ({}, ["body", "role"], "missing"),
    ({"role": "admin", "is_active": False}, ["body", "is_active"], "extra_forbidden"),
    ({"role": "admin", "id": "x"}, ["body", "id"], "extra_forbidden"),
    (["admin"], ["body"], "dict_type"),
])
def test_role_validation(srv, client, admin, body, loc, type_):
    user = new_account(client)
    before = user_state(srv, user["id"])
    r = patch(client, admin["access"], f"/users/{user['id']}/role", body)
    if type_ is None:
        assert r.status_code == 422 and r.json()["code"] == "VALIDATION_ERROR", r.text
        assert any(i["loc"] == loc for i in r.json()["detail"]), r.text
    else:
        assert_validation_error(r, loc, type_)
    assert user_state(srv, user["id"]) == before
    assert me(client, user["access"]).json()["role"] == "user"


def test_role_body_rules(srv, client, admin):
    user = new_account(client)
    path = f"{ADMIN}/users/{user['id']}/role"
    r = client.patch(path, content=b'{"role": ', headers={**auth(admin["access"]), "Content-Type": "application/json"})
    assert_validation_error(r, ["body"], "json_invalid")
    r = client.patch(path, content=b"role=admin", headers={**auth(admin["access"]),
                                                           "Content-Type": "application/x-www-form-urlencoded"})
    assert_error(r, 415, "UNSUPPORTED_MEDIA_TYPE")
    assert me(client, user["access"]).json()["role"] == "user"


# ---- tasks ---------------------------------------------------------------------------------


def test_tasks_list_filters_and_pages(make_server):
    srv = make_server(**FAST, EMBEDDED_WORKERS=0)
    c = srv.client
    adm = admin_session(srv)
    u1, _ = register(c)
    u2, _ = register(c)
    assert srv.sql("SELECT count(*) FROM jobs") == [("0",)]
    base = now_ms() - 3600000
    specs = [  # status, kind, user, attempts, minutes after base, result, error
        ("PENDING", "resume.parse", u1, 0, 5, None, None),
        ("STARTED", "interview.generate", u1, 1, 1, None, None),
        ("RETRY", "resume.parse", u2, 2, 7, '{"stale": true}', "provider timed out"),
        ("SUCCESS", "resume.match", u2, 1, 3, '{"resume_id": "r", "job_match": {"score": 1}}', "earlier error"),
        ("FAILURE", "resume.parse", None, 5, 2, None, "No extractable text"),
        ("FAILURE", "interview.generate", u1, 3, 6, None, "LLM refused"),
        ("SUCCESS", "interview.complete", u1, 1, 4, '{"session_id": "s", "final_score": 80.5}', None),
    ]
    tasks = [insert_job(srv, user, status=st, kind=kind, attempts=att, created=base + m * 60000, result=res,
                        last_error=err) for st, kind, user, att, m, res, err in specs]
    newest_first = [t for _, t in sorted(zip([s[4] for s in specs], tasks), key=lambda p: p[0], reverse=True)]

    items = assert_page(get(c, adm["access"], "/tasks"), 7, 0, 20, 7)
    for item in items:
        assert set(item) == ADMIN_TASK_FIELDS, item
        assert TIMESTAMP_RE.match(item["created_at"]) and UUID_RE.match(item["task_id"]), item
    assert items == newest_first

    for status in ("PENDING", "STARTED", "RETRY", "SUCCESS", "FAILURE"):
        want = [t for t in newest_first if t["status"] == status]
        assert assert_page(get(c, adm["access"], "/tasks", status=status), len(want), 0, 20, len(want)) == want
    for kind in ("resume.parse", "interview.generate", "resume.match", "interview.complete"):
        want = [t for t in newest_first if t["type"] == kind]
        assert assert_page(get(c, adm["access"], "/tasks", type=kind), len(want), 0, 20, len(want)) == want
    want = [t for t in newest_first if t["type"] == "resume.parse" and t["status"] == "FAILURE"]
    r = get(c, adm["access"], "/tasks", status="FAILURE", type="resume.parse")
    assert assert_page(r, 1, 0, 20, 1) == want
    assert assert_page(get(c, adm["access"], "/tasks", type="no.such.kind"), 0, 0, 20, 0) == []

    assert assert_page(get(c, adm["access"], "/tasks", limit=3), 7, 0, 3, 3) == newest_first[:3]
    assert assert_page(get(c, adm["access"], "/tasks", skip=3, limit=3), 7, 3, 3, 3) == newest_first[3:6]
    assert assert_page(get(c, adm["access"], "/tasks", skip=6, limit=3), 7, 6, 3, 1) == newest_first[6:]
    r = get(c, adm["access"], "/tasks", status="FAILURE", limit=1)
    assert assert_page(r, 2, 0, 1, 1) == [t for t in newest_first if t["status"] == "FAILURE"][:1]

    for bad in ("failure", "DONE", "SUCCESS,FAILURE", "1"):
        assert_validation_error(get(c, adm["access"], "/tasks", status=bad), ["query", "status"], "enum")


def test_retry_a_failed_task(make_server):
    srv = make_server(**FAST, EMBEDDED_WORKERS=0)
    c = srv.client
    adm = admin_session(srv)
    user_id, _ = register(c)
    failed = insert_job(srv, user_id, status="FAILURE", kind="interview.generate", attempts=5,
                        last_error="LLM refused")
    assert get(c, adm["access"], "/stats").json()["failed_tasks"] == 1
    before = now_ms()
    r = c.post(f"{ADMIN}/tasks/{failed['task_id']}/retry", headers=auth(adm["access"]))
    assert r.status_code == 202, r.text
    t = r.json()
    assert set(t) == ADMIN_TASK_FIELDS, t
    assert (t["task_id"], t["type"], t["status"], t["result"], t["error"], t["user_id"]) == \
        (failed["task_id"], "interview.generate", "PENDING", None, None, user_id), t
    assert t["created_at"] == failed["created_at"] and t["updated_at"] >= iso_ms(before), t
    assert isinstance(t["attempts"], int), t
    status, run_at, finished = srv.sql(f"SELECT status, run_at, finished_at FROM jobs "
                                       f"WHERE id = '{failed['task_id']}'")[0]
    assert (status, finished) == ("PENDING", None) and int(run_at) <= now_ms(), (status, run_at, finished)
    assert get(c, adm["access"], "/stats").json()["failed_tasks"] == 0
    listed = get(c, adm["access"], "/tasks", status="PENDING").json()["items"]
    assert [x["task_id"] for x in listed] == [failed["task_id"]], listed
    # The user sees the task pending again.
    # Retrying it again: it is no longer failed.
    r = c.post(f"{ADMIN}/tasks/{failed['task_id']}/retry", headers=auth(adm["access"]))
    assert_error(r, 409, "TASK_NOT_FAILED")
    # Upper-case ids match too.
    again = insert_job(srv, None, status="FAILURE", last_error="boom")
    r = c.post(f"{ADMIN}/tasks/{again['task_id'].upper()}/retry", headers=auth(adm["access"]))
    assert r.status_code == 202 and r.json()["task_id"] == again["task_id"], r.text


@pytest.mark.parametrize("status", ["PENDING", "STARTED", "RETRY", "SUCCESS"])
def test_retry_of_a_task_that_did_not_fail_is_409(srv, client, admin, status):
    task = insert_job(srv, None, status=status, result='{"ok": true}', last_error="x")
    r = client.post(f"{ADMIN}/tasks/{task['task_id']}/retry", headers=auth(admin["access"]))
    assert_error(r, 409, "TASK_NOT_FAILED")
    assert srv.sql(f"SELECT status, attempts FROM jobs WHERE id = '{task['task_id']}'") == [(status, "1")]


def test_retry_of_an_unknown_or_malformed_task_is_404(client, admin):
    known = str(uuid.uuid4())
    for tid in (known, "not-a-uuid", "42", known.replace("-", ""), known[:-1]):
        r = client.post(f"{ADMIN}/tasks/{tid}/retry", headers=auth(admin["access"]))
        assert_error(r, 404, "NOT_FOUND")


def test_a_retried_task_runs_again(make_server):
    """With workers: the retried task is picked up and finishes (test.sleep, TEST_ENDPOINTS)."""
    srv = make_server(**FAST)
    c = srv.client
    adm = admin_session(srv)
    task = insert_job(srv, None, status="FAILURE", kind="test.sleep", attempts=3, payload='{"ms": 0}',
                      last_error="Planned failure of attempt 3")
    r = c.post(f"{ADMIN}/tasks/{task['task_id']}/retry", headers=auth(adm["access"]))
    assert r.status_code == 202, r.text
    assert r.json()["task_id"] == task["task_id"]
    # PENDING when answered (a worker may have claimed it in the meantime).
    assert r.json()["status"] in ("PENDING", "STARTED", "SUCCESS"), r.json()

    def done():
        (status,) = srv.sql(f"SELECT status FROM jobs WHERE id = '{task['task_id']}'")[0]
        return status == "SUCCESS"

    wait_for(done, timeout=15, what="the retried task to succeed")
    (item,) = get(c, adm["access"], "/tasks", type="test.sleep").json()["items"]
    assert (item["status"], item["error"]) == ("SUCCESS", None), item
    assert item["result"]["attempt"] >= 1, item
