"""Error monitoring with the Sentry protocol (tracker issue 13): 5xx answers, jobs that end
FAILURE and crashes arrive at a capturing Sentry server (sentry_server.py) as envelopes with the
right auth header and fields, and nothing personal; a dead, slow or blocked server never delays
a request, and the queue stays bounded; the server's 429 / Retry-After / X-Sentry-Rate-Limits
and the client-side limit are honoured; `interviewace sentry test` and the settings.

Failures come from the test-only API (TEST_ENDPOINTS=true): POST /__test/fail answers a 5xx
(its body's status and detail) or, with no status, fails so that the server answers its own 500;
/__test/fail/user does the same for a signed-in user; POST /__test/crash?signal=SIG... raises a
fatal signal in the serving process; the job kind test.fail always fails (payload.error is its
error). Outcomes are read from interviewace_sentry_events_total{outcome} in /metrics.

No test asserts a duration except that requests stay fast (under a generous second) while the
capture server is dead or slow: an outcome, not a benchmark."""

import json
import math
import secrets
import signal
import socket
import time
from pathlib import Path

import httpx
import pytest

from helpers import get_metrics, wait_for
from sentry_server import PROJECT_ID, PUBLIC_KEY, free_port
from test_auth import FAST as AUTH_FAST
from test_auth import PASSWORD, auth, new_account

VERSION = "0.1.0"
QUEUE_MAX = 64  # SENTRY_QUEUE_MAX
PER_MINUTE = 60  # SENTRY_EVENTS_PER_MINUTE
JOBS_FAST = {"JOB_POLL_INTERVAL": "100ms", "JOB_RETRY_BASE": "50ms"}
FAST_REQUEST_S = 1.0  # generous: requests must not wait for the capture server
OUTCOMES = ("sent", "dropped", "failed", "rate_limited", "sampled_out")
SIGNALS = {"SIGSEGV": signal.SIGSEGV, "SIGABRT": signal.SIGABRT, "SIGBUS": signal.SIGBUS,
           "SIGFPE": signal.SIGFPE}


# ---- helpers -------------------------------------------------------------------------------


def outcomes(srv) -> dict:
    m = get_metrics(srv.client)
    return {o: int(m.get("interviewace_sentry_events_total", 0, outcome=o)) for o in OUTCOMES}


def wait_outcomes(srv, predicate, timeout=15.0, what="sentry outcomes"):
    last = {}

    def check():
        last["o"] = outcomes(srv)
        return last["o"] if predicate(last["o"]) else None

    try:
        return wait_for(check, timeout=timeout, interval=0.05, what=what)
    except AssertionError as exc:
        raise AssertionError(f"{exc}; last: {last.get('o')}") from None


def fail(srv, status=500, detail=None, **extra):
    """POST /__test/fail; status None lets the handler fail (the server's own 500)."""
    body = dict(extra)
    if status is not None:
        body["status"] = status
    if detail is not None:
        body["detail"] = detail
    return srv.client.post("/__test/fail", json=body)


def exception(event) -> dict:
    values = event["exception"]["values"]
    assert len(values) == 1, event
    return values[0]


def assert_auth(env):
    assert env.error is None, env.error
    assert env.path == f"/api/{PROJECT_ID}/envelope/", env.path
    assert env.headers.get("content-type") == "application/x-sentry-envelope", env.headers
    assert env.auth == {"sentry_version": "7", "sentry_key": PUBLIC_KEY,
                        "sentry_client": f"interviewace/{VERSION}"}, env.headers.get("x-sentry-auth")
    event = env.event
    assert env.header["event_id"] == event["event_id"], (env.header, event)
    assert len(event["event_id"]) == 32 and int(event["event_id"], 16) >= 0, event
    return event


def spool_files(data_dir) -> list:
    return sorted(Path(data_dir).glob("sentry-crash-*.json"))


# ---- what is reported ------------------------------------------------------------------------


def test_a_5xx_answer_arrives_with_route_method_status_and_request_id(make_server, sentry_server):
    srv = make_server(SENTRY_DSN=sentry_server.dsn, SENTRY_ENVIRONMENT="ci")
    r = srv.client.post("/__test/fail", json={"status": 503, "detail": "Planned outage"},
                        headers={"X-Request-ID": "req-sentry-503"})
    assert r.status_code == 503, r.text
    env = sentry_server.wait_for(lambda e: e.event.get("logger") == "http")
    event = assert_auth(env)
    assert event["level"] == "error", event
    assert event["platform"] == "c", event
    assert event["release"] == f"interviewace@{VERSION}", event
    assert event["environment"] == "ci", event
    assert event["server_name"] == socket.gethostname(), event
    assert event["transaction"] == "POST /__test/fail", event
    assert exception(event) == {"type": "HTTP 503", "value": "TEST_FAILURE: Planned outage"}, event
    assert event["tags"] == {"route": "/__test/fail", "method": "POST", "status": "503",
                             "request_id": "req-sentry-503"}, event
    assert "user" not in event, event
    assert event["sdk"] == {"name": "interviewace", "version": VERSION}, event


def test_the_servers_own_500_is_reported_and_4xx_answers_are_not(make_server, sentry_server):
    srv = make_server(SENTRY_DSN=sentry_server.dsn)
    assert srv.client.get("/api/v1/no-such-thing").status_code == 404
    assert srv.client.post("/__test/fail", json={"status": 200}).status_code == 422
    assert srv.client.get("/api/v1/auth/me").status_code == 401
    r = fail(srv, status=None)
    assert r.status_code == 500, r.text
    env = sentry_server.wait_for(lambda e: e.event.get("logger") == "http")
    event = assert_auth(env)
    assert exception(event) == {"type": "HTTP 500", "value": "INTERNAL_ERROR: Internal server error"}
    assert event["tags"]["request_id"] == r.headers["X-Request-ID"], event
    # Events are sent in the order they were captured: the 500 came last, so any report of the
    # 4xx answers would have arrived before it.
    assert len(sentry_server.envelopes) == 1, [e.event for e in sentry_server.envelopes]
    wait_outcomes(srv, lambda o: o["sent"] == 1)  # counted once the answer is read


def test_a_signed_in_users_5xx_carries_the_account_id_and_nothing_personal(make_server,
                                                                          sentry_server):
    srv = make_server(SENTRY_DSN=sentry_server.dsn, **AUTH_FAST, **JOBS_FAST)
    user = new_account(srv.client)
    secret_text = "RESUME-TEXT-" + secrets.token_hex(8)
    r = srv.client.post("/__test/fail/user", headers=auth(user["access"]), json={
        "status": 500, "detail": f"Lookup of {user['email']} failed",
        "password": user["password"], "resume_text": secret_text, "answer": secret_text})
    assert r.status_code == 500, r.text
    env = sentry_server.wait_for(lambda e: e.event.get("transaction") == "POST /__test/fail/user")
    event = assert_auth(env)
    assert event["user"] == {"id": user["id"]}, event
    assert exception(event)["value"] == "TEST_FAILURE: Lookup of [email] failed", event
    # A failed job whose error quotes the address too.
    r = srv.client.post("/__test/jobs", json={"kind": "test.fail", "payload": {
        "error": f"Could not mail {user['email']}"}})
    assert r.status_code == 201, r.text
    sentry_server.wait_for(lambda e: e.event.get("logger") == "jobs", timeout=30)
    everything = "\n".join(e.text for e in sentry_server.envelopes)
    local_part = user["email"].split("@")[0]
    for personal in (user["email"], local_part, PASSWORD, user["access"], user["refresh"],
                     secret_text, "Bearer"):
        assert personal not in everything, (personal, everything)


def test_a_job_that_ends_failure_arrives_with_kind_attempts_and_scrubbed_error(make_server,
                                                                              sentry_server):
    srv = make_server(SENTRY_DSN=sentry_server.dsn, **JOBS_FAST)
    r = srv.client.post("/__test/jobs", json={"kind": "test.fail", "payload": {
        "error": "Mailbox jane.doe+cv@example.org is full"}})
    assert r.status_code == 201, r.text
    (job_id,) = r.json()["ids"]
    env = sentry_server.wait_for(lambda e: e.event.get("logger") == "jobs", timeout=30)
    event = assert_auth(env)
    assert event["level"] == "error", event
    assert event["transaction"] == "job test.fail", event
    assert exception(event) == {"type": "JobFailed",
                                "value": "Job test.fail failed after 2 attempts: Mailbox [email] is full"}
    assert event["tags"] == {"job_kind": "test.fail", "job_id": job_id, "attempts": "2"}, event
    assert "user" not in event, event  # a test job belongs to no account
    assert "jane.doe" not in env.text
    j = srv.client.get(f"/__test/jobs/{job_id}").json()
    assert j["status"] == "FAILURE", j
    # Only the final failure is reported, not the retried attempt before it.
    assert len([e for e in sentry_server.envelopes if e.event.get("logger") == "jobs"]) == 1


@pytest.mark.parametrize("name,restart", [("SIGSEGV", "serve"), ("SIGABRT", "worker"),
                                          ("SIGBUS", "serve"), ("SIGFPE", "worker")])
def test_a_crash_is_reported_by_the_next_process_on_the_same_data_dir(make_server, make_worker,
                                                                      sentry_server, name, restart):
    srv = make_server(SENTRY_DSN=sentry_server.dsn, SENTRY_ENVIRONMENT="crashed-env")
    before = int(time.time())
    with pytest.raises(httpx.TransportError):
        srv.client.post(f"/__test/crash?signal={name}")
    assert srv.wait(timeout=20) == -SIGNALS[name], srv.diagnostics()
    data_dir = srv.env["DATA_DIR"]
    spool = Path(data_dir) / f"sentry-crash-{srv.pid}.json"
    assert spool_files(data_dir) == [spool]
    report = json.loads(spool.read_text())
    assert report["signal"] == SIGNALS[name] and report["process"] == "serve", report
    assert report["pid"] == srv.pid and before <= report["time"] <= time.time(), report
    assert sentry_server.envelopes == []  # the dying process sends nothing

    if restart == "serve":
        make_server(SENTRY_DSN=sentry_server.dsn, SENTRY_ENVIRONMENT="next-env",
                    DATA_DIR=data_dir, DATABASE_URL=srv.database_url)
    else:
        make_worker(srv, SENTRY_ENVIRONMENT="next-env")
    env = sentry_server.wait_for(lambda e: e.event.get("logger") == "crash", timeout=20)
    event = assert_auth(env)
    assert event["level"] == "fatal", event
    assert event["environment"] == "crashed-env", event  # the crashed process's, from its report
    assert event["release"] == f"interviewace@{VERSION}", event
    assert exception(event)["type"] == name, event
    assert exception(event)["value"] == (f"Fatal signal {name} ({SIGNALS[name]:d}) in serve, "
                                         f"pid {srv.pid}"), event
    assert event["tags"] == {"process": "serve", "signal": str(int(SIGNALS[name]))}, event
    assert event["timestamp"][:4].isdigit(), event
    wait_for(lambda: spool_files(data_dir) == [], timeout=10, what="the crash report removed")
    assert len(sentry_server.envelopes) == 1


def test_a_refused_crash_report_is_kept_for_the_next_start(make_server, sentry_server):
    srv = make_server(SENTRY_DSN=sentry_server.dsn)
    with pytest.raises(httpx.TransportError):
        srv.client.post("/__test/crash?signal=SIGABRT")
    srv.wait(timeout=20)
    data_dir = srv.env["DATA_DIR"]
    sentry_server.answer(status=503)
    again = make_server(SENTRY_DSN=sentry_server.dsn, DATA_DIR=data_dir,
                        DATABASE_URL=srv.database_url)
    wait_outcomes(again, lambda o: o["failed"] >= 1)
    assert len(spool_files(data_dir)) == 1  # not accepted: kept
    again.stop()
    sentry_server.reset()
    make_server(SENTRY_DSN=sentry_server.dsn, DATA_DIR=data_dir, DATABASE_URL=srv.database_url)
    sentry_server.wait_for(lambda e: e.event.get("logger") == "crash", timeout=20)
    wait_for(lambda: spool_files(data_dir) == [], timeout=10, what="the crash report removed")


# ---- the server's limits and ours ------------------------------------------------------------


def test_429_with_retry_after_stops_sending_until_the_deadline(make_server, sentry_server):
    sentry_server.answer(status=429, headers={"Retry-After": "60"})
    srv = make_server(SENTRY_DSN=sentry_server.dsn)
    assert fail(srv).status_code == 500
    sentry_server.wait_count(1)
    wait_outcomes(srv, lambda o: o["rate_limited"] == 1)
    for _ in range(3):
        assert fail(srv).status_code == 500
    wait_outcomes(srv, lambda o: o["rate_limited"] == 4)
    assert len(sentry_server.envelopes) == 1
    assert outcomes(srv)["sent"] == 0


def test_x_sentry_rate_limits_stops_only_the_categories_it_names(make_server, sentry_server):
    sentry_server.answer(status=200, headers={"X-Sentry-Rate-Limits": "60:transaction;session:key"})
    srv = make_server(SENTRY_DSN=sentry_server.dsn)
    for _ in range(2):
        assert fail(srv).status_code == 500
    sentry_server.wait_count(2)
    wait_outcomes(srv, lambda o: o["sent"] == 2)
    # Accepted, but errors are limited from now on: the next events stay home.
    sentry_server.answer(status=200, headers={"X-Sentry-Rate-Limits": "60:error;default:key:quota"})
    for _ in range(4):
        assert fail(srv).status_code == 500
    wait_outcomes(srv, lambda o: o["sent"] == 3 and o["rate_limited"] == 3)
    assert len(sentry_server.envelopes) == 3


def test_the_client_side_limit_caps_events_per_minute(make_server, sentry_server):
    started = time.monotonic()
    srv = make_server(SENTRY_DSN=sentry_server.dsn)
    total = PER_MINUTE + 40
    for _ in range(total):
        assert fail(srv).status_code == 500
    o = wait_outcomes(srv, lambda o: sum(o.values()) == total, timeout=60)
    elapsed = time.monotonic() - started
    # A full bucket at start, then one more event a second.
    assert o["sent"] <= PER_MINUTE + math.ceil(elapsed) + 1, (o, elapsed)
    assert o["rate_limited"] + o["dropped"] + o["failed"] >= total - (PER_MINUTE + math.ceil(elapsed) + 1), o
    assert len(sentry_server.envelopes) == o["sent"]


def test_sample_rate_zero_sends_no_error_event(make_server, sentry_server):
    srv = make_server(SENTRY_DSN=sentry_server.dsn, SENTRY_SAMPLE_RATE="0")
    for _ in range(5):
        assert fail(srv).status_code == 500
    o = wait_outcomes(srv, lambda o: o["sampled_out"] == 5)
    assert o["sent"] == 0 and o["dropped"] == 0, o
    # Sampling happens when the event is captured: nothing was queued that could still arrive.
    assert get_metrics(srv.client).get("interviewace_sentry_queue_depth") == 0
    assert sentry_server.envelopes == []


# ---- never in the way ----------------------------------------------------------------------


def timed(fn):
    t0 = time.monotonic()
    r = fn()
    return r, time.monotonic() - t0


def test_a_dead_server_never_delays_a_request(make_server):
    srv = make_server(SENTRY_DSN=f"http://{PUBLIC_KEY}@127.0.0.1:{free_port()}/{PROJECT_ID}")
    for _ in range(10):
        r, took = timed(lambda: fail(srv))
        assert r.status_code == 500 and took < FAST_REQUEST_S, took
    r, took = timed(lambda: srv.client.get("/health"))
    assert r.status_code == 200 and took < FAST_REQUEST_S, took
    wait_outcomes(srv, lambda o: o["failed"] == 10)
    assert any(rec.get("module") == "sentry" and rec.get("message") == "error reports cannot be sent"
               for rec in srv.logs())


def test_a_slow_server_never_delays_a_request(make_server, sentry_server):
    sentry_server.answer(delay=5.0)
    srv = make_server(SENTRY_DSN=sentry_server.dsn)
    for _ in range(5):
        r, took = timed(lambda: fail(srv))
        assert r.status_code == 500 and took < FAST_REQUEST_S, took
    sentry_server.wait_count(1)  # the sender is now waiting for the slow answer
    for path in ("/health", "/metrics"):
        r, took = timed(lambda: srv.client.get(path))
        assert r.status_code == 200 and took < FAST_REQUEST_S, (path, took)
    r, took = timed(lambda: fail(srv))
    assert r.status_code == 500 and took < FAST_REQUEST_S, took


def test_the_queue_stays_bounded_while_the_server_is_blocked(make_server, sentry_server):
    sentry_server.answer(block=True)
    srv = make_server(SENTRY_DSN=sentry_server.dsn)
    total = 3 * QUEUE_MAX
    for _ in range(total):
        assert fail(srv).status_code == 500
    sentry_server.wait_count(1)
    # Events still being captured after their answers went out are counted within a moment.
    o = wait_outcomes(srv, lambda o: o["dropped"] > 0)
    depth = get_metrics(srv.client).get("interviewace_sentry_queue_depth")
    assert depth is not None and depth <= QUEUE_MAX, depth
    # Whatever did not fit was dropped: the queue plus the few events taken off it (one is
    # waiting for the blocked server) account for the rest.
    taken = len(sentry_server.envelopes) + o["rate_limited"]
    assert o["dropped"] >= total - QUEUE_MAX - taken - 1, (o, depth, taken)
    sentry_server.release()
    o = wait_outcomes(srv, lambda o: sum(o.values()) == total, timeout=60)
    assert len(sentry_server.envelopes) <= QUEUE_MAX + 2, o
    assert get_metrics(srv.client).get("interviewace_sentry_queue_depth") == 0


def test_shutdown_waits_a_bounded_time_for_a_blocked_server(make_server, sentry_server):
    sentry_server.answer(block=True)
    srv = make_server(SENTRY_DSN=sentry_server.dsn)
    for _ in range(5):
        assert fail(srv).status_code == 500
    sentry_server.wait_count(1)
    t0 = time.monotonic()
    assert srv.stop(timeout=30) == 0, srv.diagnostics()
    assert time.monotonic() - t0 < 15, "shutdown waited on the blocked server"
    stopped = srv.wait_for_log(lambda r: r.get("message") == "error monitoring stopped")
    assert stopped["fields"]["dropped"] >= 3, stopped


# ---- the command line and the settings -------------------------------------------------------


def cli_env(**overrides):
    env = {"SECRET_KEY": secrets.token_hex(32), "LOG_FORMAT": "json"}
    env.update(overrides)
    return env


def test_sentry_test_exits_0_when_the_server_accepts_the_event(run_cli, sentry_server):
    p = run_cli(["sentry", "test"], env=cli_env(SENTRY_DSN=sentry_server.dsn,
                                                 SENTRY_ENVIRONMENT="cli-env"))
    assert p.returncode == 0, (p.stdout, p.stderr)
    assert "accepted" in p.stdout, p.stdout
    (env,) = sentry_server.envelopes
    event = assert_auth(env)
    assert event["event_id"] in p.stdout, p.stdout
    assert event["logger"] == "cli" and event["environment"] == "cli-env", event
    assert exception(event)["type"] == "TestEvent", event


@pytest.mark.parametrize("status,headers", [(403, {}), (429, {"Retry-After": "60"}), (500, {})])
def test_sentry_test_exits_1_when_the_server_refuses(run_cli, sentry_server, status, headers):
    sentry_server.answer(status=status, headers=headers)
    p = run_cli(["sentry", "test"], env=cli_env(SENTRY_DSN=sentry_server.dsn))
    assert p.returncode == 1, (p.stdout, p.stderr)
    assert f"HTTP {status}" in p.stderr, p.stderr
    assert len(sentry_server.envelopes) == 1


def test_sentry_test_exits_1_when_the_server_cannot_be_reached(run_cli):
    dsn = f"http://{PUBLIC_KEY}@127.0.0.1:{free_port()}/{PROJECT_ID}"
    p = run_cli(["sentry", "test"], env=cli_env(SENTRY_DSN=dsn))
    assert p.returncode == 1, (p.stdout, p.stderr)
    assert "cannot reach" in p.stderr, p.stderr


def test_sentry_test_exits_2_without_a_usable_dsn(run_cli):
    p = run_cli(["sentry", "test"], env=cli_env())
    assert p.returncode == 2, (p.stdout, p.stderr)
    assert "SENTRY_DSN is not set" in p.stderr, p.stderr
    p = run_cli(["sentry", "test"], env=cli_env(SENTRY_DSN="https://sentry.example.com/42"))
    assert p.returncode == 2, (p.stdout, p.stderr)
    assert "SENTRY_DSN" in p.stderr, p.stderr
    p = run_cli(["sentry", "bogus"], env=cli_env())
    assert p.returncode == 2, p.stderr
    p = run_cli(["sentry", "--help"], env=cli_env())
    assert p.returncode == 0 and "sentry test" in p.stdout, p.stdout


@pytest.mark.parametrize("name,value", [
    ("SENTRY_DSN", "https://o1.ingest.sentry.io/42"),
    ("SENTRY_DSN", "https://key@o1.ingest.sentry.io/not-a-project"),
    ("SENTRY_SAMPLE_RATE", "1.5"),
    ("SENTRY_ENVIRONMENT", "has space"),
    ("SENTRY_RELEASE", "a/b"),
])
def test_serve_refuses_an_invalid_sentry_setting_naming_it(run_cli, tmp_path, name, value):
    p = run_cli(["serve"], env=cli_env(HOST="127.0.0.1", PORT="0", DATA_DIR=str(tmp_path / "d"),
                                       **{name: value}), timeout=10)
    assert p.returncode == 2, (p.returncode, p.stderr)
    assert name in p.stderr, p.stderr
    assert '"listening"' not in p.stdout


def test_config_check_masks_the_dsn_key(run_cli):
    dsn = "https://f00dfeedf00dfeed@o1.ingest.sentry.io/4504"
    p = run_cli(["config", "check"], env=cli_env(SENTRY_DSN=dsn))
    assert p.returncode == 0, p.stderr
    assert "SENTRY_DSN=https://****@o1.ingest.sentry.io/4504\n" in p.stdout, p.stdout
    assert "f00dfeed" not in p.stdout
    assert f"SENTRY_RELEASE=interviewace@{VERSION}\n" in p.stdout, p.stdout
    assert "SENTRY_SAMPLE_RATE=1\n" in p.stdout, p.stdout


def test_without_a_dsn_monitoring_is_off(make_server):
    srv = make_server()
    assert fail(srv).status_code == 500
    m = get_metrics(srv.client)
    assert m.get("interviewace_sentry_enabled") == 0, m.text
    assert all(m.get("interviewace_sentry_events_total", outcome=o) == 0 for o in OUTCOMES), m.text
    assert not spool_files(srv.env["DATA_DIR"])
