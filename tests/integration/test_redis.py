"""Redis (REDIS_URL): rate limits counted once for every replica, revocations refused by every
replica at once, and a service that keeps answering when Redis is down, slow or restarted.

The shared servers come from scripts/services.sh (TEST_REDIS_URL, `make test` starts it); tests
that stop, restart or misconfigure Redis start a private redis-server of their own."""

import base64
import json
import os
import socket
import subprocess
import threading
import time
from collections import Counter

import httpx
import pytest

from helpers import (
    RedisServer,
    assert_error,
    free_port,
    fresh_redis_url,
    get_metrics,
    redis_cmd,
    wait_for,
)
from test_auth import auth, login, me, new_account
from test_user_cli import admin_session

ME = "/api/v1/auth/me"


@pytest.fixture
def redis_url():
    base = os.environ.get("TEST_REDIS_URL")
    assert base, "TEST_REDIS_URL is not set: run through `make test`, or scripts/services.sh start redis"
    return fresh_redis_url(base)


@pytest.fixture
def private_redis(tmp_path):
    servers = []

    def start(extra=()):
        srv = RedisServer(tmp_path / f"redis{len(servers)}", extra=extra).start()
        servers.append(srv)
        return srv

    yield start
    for srv in servers:
        srv.stop()


def claims(token):
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def replicas(make_cluster, redis_url, n=2):
    """n serve processes on one database, one storage and one SECRET_KEY (the scale-out
    harness, tests/integration/cluster.py), all on redis_url."""
    return make_cluster(serves=n, workers=0, REDIS_URL=redis_url).serves


def warn_lines(server, message):
    return [r for r in server.logs() if r.get("message") == message]


# ---- shared across replicas -------------------------------------------------------------


def test_one_rate_limit_for_every_replica(make_server, redis_url):
    a, b = make_server(REDIS_URL=redis_url, RATE_LIMIT=6), make_server(REDIS_URL=redis_url, RATE_LIMIT=6)
    remaining = []
    for i in range(6):
        r = (a if i % 2 == 0 else b).client.get(ME)
        assert r.status_code == 401, r.text  # allowed through the limiter; no token
        remaining.append(int(r.headers["RateLimit"].split("r=")[1].split(";")[0]))
    # One counter: each replica sees the other's requests.
    assert remaining == [5, 4, 3, 2, 1, 0], remaining
    for srv in (a, b):
        r = srv.client.get(ME)
        assert_error(r, 429, "RATE_LIMITED")
        assert int(r.headers["Retry-After"]) >= 1


def test_two_serves_and_two_workers_behave_as_one(make_cluster, redis_url):
    """The deployment of the issue: two serve and two worker processes on one database, one
    Redis and one S3 store. A logout through one serve is refused by the other at once, and
    the two count one limit: each request, whichever serve gets it, takes one from the same
    remaining count, and once it is spent both refuse."""
    cluster = make_cluster(serves=2, workers=2, storage="s3", REDIS_URL=redis_url, RATE_LIMIT=12)
    a, b = cluster.serves
    acct = new_account(a.client)
    token = acct["access"]
    assert me(b.client, token).status_code == 200
    assert a.client.post("/api/v1/auth/logout", headers=auth(token), json={}).status_code == 200
    assert_error(me(b.client, token), 401, "TOKEN_REVOKED")

    def remaining(r):
        return int(r.headers["RateLimit"].split("r=")[1].split(";")[0])

    left = []
    for i in range(40):
        r = (a if i % 2 == 0 else b).client.get(ME)
        if r.status_code == 429:
            break
        assert r.status_code == 401, r.text
        left.append(remaining(r))
    # One shared count (a quota regained with time, one per 5 s, may show as a step back up).
    steps = [x - y for x, y in zip(left, left[1:])]
    assert left and left[-1] == 0 and steps.count(1) >= len(steps) - 2, left
    for srv in (a, b):
        assert_error(srv.client.get(ME), 429, "RATE_LIMITED")


def test_bodies_with_shared_limits(make_server, redis_url):
    """With Redis the limits are decided on a handler thread while the connection waits: the
    body of an admitted request still arrives whole (also chunked), and a refused one is
    answered 429 once its body is read, on a connection that stays usable."""
    srv = make_server(REDIS_URL=redis_url, RATE_LIMIT_REGISTER=2, RATE_LIMIT_UPLOAD=1)

    def register(chunked):
        body = json.dumps({"email": f"body-{os.urandom(5).hex()}@example.com",
                           "full_name": "Body Check", "password": "Body-Check-Pass1"}).encode()
        content = iter([body[:9], body[9:]]) if chunked else body
        return srv.client.post("/api/v1/auth/register", content=content,
                               headers={"Content-Type": "application/json"})

    r = register(chunked=False)
    assert r.status_code == 201, r.text
    r = register(chunked=True)
    assert r.status_code == 201, r.text
    assert_error(register(chunked=False), 429, "RATE_LIMITED")
    assert_error(register(chunked=True), 429, "RATE_LIMITED")
    assert srv.client.get("/health").status_code == 200
    up = make_server(REDIS_URL=fresh_redis_url(os.environ["TEST_REDIS_URL"]), RATE_LIMIT_UPLOAD=1)
    acct = new_account(up.client)
    resume = b"Jane Doe\nBackend Engineer\nPython, PostgreSQL\n" * 50
    files = {"file": ("resume.txt", resume, "text/plain")}
    r = up.client.post("/api/v1/resume/upload/", headers=auth(acct["access"]), files=files)
    assert r.status_code == 202, r.text
    r = up.client.post("/api/v1/resume/upload/", headers=auth(acct["access"]), files=files)
    assert_error(r, 429, "RATE_LIMITED")


def test_revocation_through_one_replica_is_refused_by_the_other(make_cluster, redis_url):
    a, b = replicas(make_cluster, redis_url)
    acct = new_account(a.client)
    assert me(b.client, acct["access"]).status_code == 200
    c = claims(acct["access"])
    r = a.client.post("/api/v1/auth/logout", headers=auth(acct["access"]), json={})
    assert r.status_code == 200, r.text
    assert_error(me(b.client, acct["access"]), 401, "TOKEN_REVOKED")
    # Written to Redis with an expiry no longer than the token's remaining life.
    ttl = redis_cmd(redis_url, "PTTL", f"ia:rv:j:{c['jti']}")
    assert 0 < ttl <= (c["exp"] - time.time()) * 1000 + 1000, ttl
    assert redis_cmd(redis_url, "GET", f"ia:rv:s:{c['sid']}") == "r"
    assert 0 < redis_cmd(redis_url, "PTTL", f"ia:rv:s:{c['sid']}") <= 15 * 60 * 1000


def test_logout_all_and_password_change_reach_every_replica(make_cluster, redis_url):
    a, b = replicas(make_cluster, redis_url)
    acct = new_account(a.client)
    second = login(b.client, acct["email"], acct["password"])["access_token"]
    third = login(b.client, acct["email"], acct["password"])["access_token"]
    r = a.client.post("/api/v1/auth/change-password", headers=auth(acct["access"]),
                      json={"old_password": acct["password"], "new_password": "N3w-Pass!word-42"})
    assert r.status_code == 200, r.text
    for token in (second, third):  # other sessions end; this one stays
        assert_error(me(b.client, token), 401, "TOKEN_REVOKED")
        assert redis_cmd(redis_url, "GET", f"ia:rv:s:{claims(token)['sid']}") == "r"
    assert me(b.client, acct["access"]).status_code == 200
    r = b.client.post("/api/v1/auth/logout-all", headers=auth(acct["access"]))
    assert r.status_code == 200, r.text
    assert_error(me(a.client, acct["access"]), 401, "TOKEN_REVOKED")


def test_deactivation_reaches_every_replica(make_cluster, redis_url):
    a, b = replicas(make_cluster, redis_url)
    admin = admin_session(a)["access"]
    user = new_account(b.client)
    r = a.client.patch(f"/api/v1/admin/users/{user['id']}/deactivate", headers=auth(admin))
    assert r.status_code == 200, r.text
    assert redis_cmd(redis_url, "GET", f"ia:rv:s:{claims(user['access'])['sid']}") == "r"
    assert redis_cmd(redis_url, "GET", f"ia:rv:u:{user['id']}") == "d"
    assert_error(me(b.client, user["access"]), 403, "ACCOUNT_DISABLED")
    # Activated again: the database decides, and the old session stays ended.
    r = b.client.patch(f"/api/v1/admin/users/{user['id']}/activate", headers=auth(admin))
    assert r.status_code == 200, r.text
    assert_error(me(a.client, user["access"]), 401, "TOKEN_REVOKED")


def test_deleted_account_reaches_every_replica(make_cluster, redis_url):
    a, b = replicas(make_cluster, redis_url)
    acct = new_account(a.client)
    other = login(b.client, acct["email"], acct["password"])["access_token"]
    assert a.client.post("/api/v1/auth/logout", headers=auth(other), json={}).status_code == 200
    r = a.client.request("DELETE", "/api/v1/auth/me", headers=auth(acct["access"]),
                         json={"password": acct["password"]})
    assert r.status_code == 204, r.text
    assert redis_cmd(redis_url, "GET", f"ia:rv:u:{acct['id']}") == "x"
    # An unknown user, as the database would say, even for the token logged out before.
    for token in (acct["access"], other):
        assert_error(me(b.client, token), 401, "INVALID_TOKEN")


def test_redis_is_asked_before_the_database(make_server, redis_url):
    srv = make_server(REDIS_URL=redis_url)
    acct = new_account(srv.client)
    sid = claims(acct["access"])["sid"]
    # A revocation that only Redis knows refuses the token.
    redis_cmd(redis_url, "SET", f"ia:rv:s:{sid}", "r", "PX", "60000")
    assert_error(me(srv.client, acct["access"]), 401, "TOKEN_REVOKED")
    redis_cmd(redis_url, "DEL", f"ia:rv:s:{sid}")
    assert me(srv.client, acct["access"]).status_code == 200


def test_counters_expire_and_name_no_one(make_server, redis_url):
    srv = make_server(REDIS_URL=redis_url)
    email = "someone.private@example.com"
    for _ in range(3):
        srv.client.post("/api/v1/auth/login", json={"email": email, "password": "wrong-password"})
    keys = redis_cmd(redis_url, "KEYS", "*")
    assert keys and all(k.startswith("ia:rl:") and len(k) == 6 + 32 for k in keys), keys
    assert not any("example" in k or "127.0.0.1" in k for k in keys), keys
    for k in keys:
        assert 0 < redis_cmd(redis_url, "PTTL", k) <= 60_000, k


def test_script_is_loaded_again_after_a_flush(make_server, redis_url):
    srv = make_server(REDIS_URL=redis_url, RATE_LIMIT=3)
    assert srv.client.get(ME).headers["RateLimit"].startswith('"default";r=2')
    assert redis_cmd(redis_url, "SCRIPT", "FLUSH") == "OK"
    r = srv.client.get(ME)  # NOSCRIPT, loaded again, counted
    assert r.status_code == 401 and r.headers["RateLimit"].startswith('"default";r=1'), r.headers
    srv.client.get(ME)
    assert_error(srv.client.get(ME), 429, "RATE_LIMITED")


# ---- Redis unreachable -----------------------------------------------------------------------


def test_local_policy_when_redis_dies_and_comes_back(make_server, private_redis):
    redis = private_redis()
    srv = make_server(REDIS_URL=redis.url, RATE_LIMIT=4)
    assert srv.client.get("/ready").json()["checks"]["redis"] == "ok"
    redis.kill()
    statuses = [srv.client.get(ME).status_code for _ in range(12)]
    # The in-process limiter takes over: four through, then 429; never a 500.
    assert statuses[:4] == [401] * 4 and set(statuses[4:]) == {429}, statuses
    r = srv.client.get("/ready")
    assert r.status_code == 200 and r.json()["checks"]["redis"] == "degraded", r.text
    assert get_metrics(srv.client).get("interviewace_redis_up") == 0
    assert len(warn_lines(srv, "redis unreachable")) == 1  # once per change, not per request
    redis.start()
    wait_for(lambda: srv.client.get("/ready").json()["checks"]["redis"] == "ok", timeout=10,
             what="redis ok again")
    assert get_metrics(srv.client).get("interviewace_redis_up") == 1
    assert len(warn_lines(srv, "redis unreachable")) == 1
    assert len(warn_lines(srv, "redis reachable again")) == 1
    # Counting resumes in Redis (a new, empty one): four through, then 429.
    statuses = [srv.client.get(ME).status_code for _ in range(6)]
    assert statuses == [401] * 4 + [429] * 2, statuses
    assert len(redis_cmd(redis.url, "KEYS", "ia:rl:*")) == 1


def test_open_policy_lets_requests_through(make_server, private_redis):
    redis = private_redis()
    srv = make_server(REDIS_URL=redis.url, RATE_LIMIT=2, RATE_LIMIT_ON_REDIS_FAILURE="open")
    redis.kill()
    for _ in range(6):
        r = srv.client.get(ME)
        assert r.status_code == 401, r.text
        assert "RateLimit" not in r.headers
    assert srv.client.get("/ready").status_code == 200


def test_closed_policy_refuses_limited_requests(make_server, private_redis):
    redis = private_redis()
    srv = make_server(REDIS_URL=redis.url, RATE_LIMIT_ON_REDIS_FAILURE="closed")
    redis.kill()
    r = srv.client.get(ME)
    assert_error(r, 503, "SERVICE_UNAVAILABLE")
    assert int(r.headers["Retry-After"]) >= 1
    assert srv.client.get("/health").status_code == 200  # not limited
    r = srv.client.get("/ready")
    assert r.status_code == 503 and r.json()["checks"]["redis"] == "unavailable", r.text
    redis.start()
    wait_for(lambda: srv.client.get(ME).status_code == 401, timeout=10, what="limits back")


def test_redis_killed_and_restarted_under_load(make_server, private_redis):
    redis = private_redis()
    srv = make_server(REDIS_URL=redis.url, RATE_LIMIT=1_000_000, REDIS_TIMEOUT="200ms")
    acct = new_account(srv.client)
    stop = threading.Event()
    counts = Counter()
    lock = threading.Lock()

    def hammer():
        with httpx.Client(base_url=srv.url, timeout=10) as c:
            while not stop.is_set():
                status = c.get(ME, headers=auth(acct["access"])).status_code
                with lock:
                    counts[status] += 1

    threads = [threading.Thread(target=hammer) for _ in range(4)]
    for t in threads:
        t.start()
    try:
        downtime = []
        for _ in range(2):
            time.sleep(0.5)
            redis.kill()
            t0 = time.monotonic()
            time.sleep(0.5)
            redis.start()
            wait_for(lambda: srv.client.get("/ready").json()["checks"]["redis"] == "ok",
                     timeout=15, what="redis ok again")
            downtime.append(time.monotonic() - t0)
        time.sleep(0.3)
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=20)
    total = sum(counts.values())
    print(f"\nredis restarts under load: {total} requests, by status {dict(counts)}, "
          f"seconds until /ready said ok again: {[round(d, 2) for d in downtime]}")
    assert counts[500] == 0 and set(counts) == {200}, counts
    assert total > 50
    # One line each way per outage, not one per request.
    assert len(warn_lines(srv, "redis unreachable")) == 2
    # Limits resume: the restarted server (which counts only its own calls) decides them.
    r = srv.client.get(ME)
    assert r.headers["RateLimit-Policy"] == '"default";q=1000000;w=60', r.headers
    stats = redis_cmd(redis.url, "INFO", "commandstats")
    assert "cmdstat_evalsha:calls=" in stats, stats


def test_a_silent_redis_costs_at_most_the_timeout(make_server):
    """A server that accepts connections and never answers: limited requests wait one
    REDIS_TIMEOUT on a handler thread and then fall back, and cheap requests, answered on the
    I/O threads, do not wait for Redis at all (a blocked I/O thread would hold /health for the
    whole timeout)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    accepted = []

    def accept():
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            accepted.append(conn)

    threading.Thread(target=accept, daemon=True).start()
    timeout_s = 5
    try:
        port = listener.getsockname()[1]
        srv = make_server(REDIS_URL=f"redis://127.0.0.1:{port}", REDIS_TIMEOUT=f"{timeout_s}s",
                          RATE_LIMIT=100)
        results = []

        def limited():
            t0 = time.monotonic()
            status = srv.client.get(ME).status_code
            results.append((status, time.monotonic() - t0))

        threads = [threading.Thread(target=limited) for _ in range(8)]
        for t in threads:
            t.start()
        wait_for(lambda: accepted, timeout=10, what="a connection to the silent server")
        health = []
        for _ in range(10):
            t0 = time.monotonic()
            assert srv.client.get("/health").status_code == 200
            health.append(time.monotonic() - t0)
        in_flight = len(results) < 8
        for t in threads:
            t.join(timeout=60)
        print(f"\nsilent redis: limited requests {[(s, round(d, 3)) for s, d in results]}, "
              f"/health {max(health):.3f}s at most")
        assert in_flight  # /health was measured while Redis calls were waiting
        assert [s for s, _ in results] == [401] * 8
        assert max(d for _, d in results) < 3 * timeout_s  # one timeout, then the fallback
        assert sum(health) < timeout_s, health
        assert srv.client.get("/ready").json()["checks"]["redis"] == "degraded"
    finally:
        listener.close()
        for conn in accepted:
            conn.close()


# ---- configuration -------------------------------------------------------------------------


def test_password_and_database_in_the_url(make_server, private_redis, run_cli):
    redis = private_redis(extra=["--requirepass", "s3cret-pass"])
    url = f"redis://:s3cret-pass@127.0.0.1:{redis.port}/5"
    srv = make_server(REDIS_URL=url, RATE_LIMIT=5)
    assert srv.client.get("/ready").json()["checks"]["redis"] == "ok"
    srv.client.get(ME)
    assert redis_cmd(url, "KEYS", "ia:rl:*")
    assert not redis_cmd(f"redis://:s3cret-pass@127.0.0.1:{redis.port}/0", "KEYS", "*")
    out = run_cli(["config", "check"], env={"REDIS_URL": url, "SECRET_KEY": os.urandom(32).hex()})
    assert out.returncode == 0, out.stderr
    assert "s3cret-pass" not in out.stdout and f"REDIS_URL=redis://:****@127.0.0.1:{redis.port}/5" in out.stdout
    wrong = make_server(REDIS_URL=f"redis://:wrong@127.0.0.1:{redis.port}")
    assert wrong.client.get("/ready").json()["checks"]["redis"] == "degraded"
    line = warn_lines(wrong, "redis unreachable")[0]
    assert "AUTH refused" in line["fields"]["error"] and ":wrong@" not in json.dumps(line), line


@pytest.mark.parametrize("value, words", [
    ("http://127.0.0.1:6379", "not a Redis URL"),
    ("redis://127.0.0.1:99999", "port"),
    ("redis://127.0.0.1:6379/x", "database"),
    ("redis://", "host"),
])
def test_bad_redis_url_is_refused_at_start(run_cli, value, words):
    out = run_cli(["config", "check"], env={"REDIS_URL": value, "SECRET_KEY": os.urandom(32).hex()})
    assert out.returncode == 2, (out.returncode, out.stdout, out.stderr)
    assert "REDIS_URL" in out.stderr and words in out.stderr, out.stderr


def test_bad_failure_policy_is_refused(run_cli):
    out = run_cli(["config", "check"], env={"RATE_LIMIT_ON_REDIS_FAILURE": "sometimes",
                                            "SECRET_KEY": os.urandom(32).hex()})
    assert out.returncode == 2 and "RATE_LIMIT_ON_REDIS_FAILURE" in out.stderr, out.stderr


def _make_certs(d):
    d.mkdir()

    def ossl(*args):
        subprocess.run(["openssl", *args], cwd=d, check=True, capture_output=True, timeout=60)

    ossl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem",
         "-days", "2", "-subj", "/CN=InterviewAce test CA")
    ossl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "srv.key", "-out", "srv.csr",
         "-subj", "/CN=localhost")
    (d / "ext").write_text("subjectAltName=DNS:localhost\n")
    ossl("x509", "-req", "-in", "srv.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
         "-out", "srv.pem", "-days", "2", "-extfile", "ext")
    return d


def test_rediss_verifies_the_server(make_server, private_redis, tmp_path):
    certs = _make_certs(tmp_path / "certs")
    tls_port = free_port()
    redis = private_redis(extra=[
        "--tls-port", str(tls_port), "--tls-cert-file", str(certs / "srv.pem"),
        "--tls-key-file", str(certs / "srv.key"), "--tls-ca-cert-file", str(certs / "ca.pem"),
        "--tls-auth-clients", "no"])
    url = f"rediss://localhost:{tls_port}/2"
    trusted = make_server(REDIS_URL=url, SSL_CERT_FILE=str(certs / "ca.pem"), RATE_LIMIT=2)
    assert trusted.client.get("/ready").json()["checks"]["redis"] == "ok"
    statuses = [trusted.client.get(ME).status_code for _ in range(3)]
    assert statuses == [401, 401, 429], statuses
    assert redis_cmd(f"{redis.url}/2", "KEYS", "ia:rl:*")  # the same server, on its plain port
    # Without the CA the certificate is refused, and the service says why.
    untrusted = make_server(REDIS_URL=url, SSL_CERT_FILE=str(certs / "srv.pem"))
    assert untrusted.client.get("/ready").json()["checks"]["redis"] == "degraded"
    assert "certificate" in warn_lines(untrusted, "redis unreachable")[0]["fields"]["error"]
