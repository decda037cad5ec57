"""The durable job queue (issue 3, docs/design.md "Background jobs"): claim and complete, retries
with backoff, FAILURE as the dead letter, lease reclaim after a worker is SIGKILLed, exactly-once
processing by two worker processes, graceful shutdown (release or finish), job metrics, the
once-per-cluster scheduler, and (PostgreSQL) a database restart under a running service.

Jobs come from the test-only API (TEST_ENDPOINTS=true): POST /__test/jobs queues test.sleep
(sleeps payload.ms, fails while attempt <= payload.fail_first; 3 attempts) or test.fail (always
fails; 2 attempts), GET /__test/jobs[/{id}] reads them back. Every test.sleep run appends
"start|end <job id> <owner> <us>" to DATA_DIR/test-job-runs.log with one write per line, so the
file order of those lines is the order in which the runs really started and ended.

No test asserts a duration: states are polled with generous timeouts."""

import json
import os
import re
import secrets
import signal
import time
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from helpers import UUID_RE, assert_error, get_metrics, positive_int, read_run_log, wait_for

# Small intervals keep the file fast; JOB_LEASE_TIMEOUT is raised where expiry must not matter.
FAST = {"JOB_POLL_INTERVAL": "100ms", "JOB_RETRY_BASE": "50ms", "JOB_LEASE_TIMEOUT": "2s"}
OWNER_RE = re.compile(r"^[^:\s]+:(\d+):[0-9a-f]+$")
STATUSES = ("PENDING", "STARTED", "RETRY", "SUCCESS", "FAILURE")


# ---- helpers -------------------------------------------------------------------------------


def enqueue(srv, kind="test.sleep", count=1, **payload):
    r = srv.client.post("/__test/jobs", json={"kind": kind, "count": count, "payload": payload})
    assert r.status_code == 201, r.text
    ids = r.json()["ids"]
    assert len(ids) == count and len(set(ids)) == count, ids
    assert all(UUID_RE.match(i) for i in ids), ids
    return ids


def get_job(srv, job_id):
    r = srv.client.get(f"/__test/jobs/{job_id}")
    assert r.status_code == 200, r.text
    return r.json()


def wait_job(srv, job_id, predicate, timeout=30.0, what="the job", unavailable_ok=False):
    """Polls GET /__test/jobs/{id} until predicate(job); with unavailable_ok, a 503 (a database
    connection being re-established) counts as "not yet"."""
    last = {}

    def check():
        if unavailable_ok:
            r = srv.client.get(f"/__test/jobs/{job_id}")
            if r.status_code == 503:
                return None
            assert r.status_code == 200, r.text
            last["job"] = r.json()
        else:
            last["job"] = get_job(srv, job_id)
        return last["job"] if predicate(last["job"]) else None

    try:
        return wait_for(check, timeout=timeout, interval=0.02, what=what)
    except AssertionError as exc:
        raise AssertionError(f"{exc}; last state: {last.get('job')}\n{srv.diagnostics()}") from None


def wait_status(srv, job_id, status, timeout=30.0):
    return wait_job(srv, job_id, lambda j: j["status"] == status, timeout, f"job {job_id} to be {status}")


def counts(srv):
    r = srv.client.get("/__test/jobs")
    assert r.status_code == 200, r.text
    c = r.json()["counts"]
    assert set(c) == set(STATUSES), c
    return c


def run_log(srv):
    """The test.sleep run log: [(event, job_id, owner, microseconds)] in file (= write) order."""
    return read_run_log(Path(srv.env["DATA_DIR"]) / "test-job-runs.log")


def runs_by_job(log):
    """{job_id: [(owner, start_us, end_us)]} from the run log, checking on the way that the runs
    of one job never overlap: in write order, an 'end' always closes the open run of the same
    owner, and a 'start' while a run is open is accepted only when that open run was abandoned
    (its worker died: end_us is then "abandoned" and that owner never runs the job again)."""
    runs = defaultdict(list)
    open_run = {}  # job_id -> index into runs[job_id]
    for event, job_id, owner, us in log:
        if event == "start":
            if job_id in open_run:
                prev_owner = runs[job_id][open_run[job_id]][0]
                # Only acceptable if the previous run's worker never comes back (checked below).
                runs[job_id][open_run[job_id]] = (prev_owner, runs[job_id][open_run[job_id]][1], "abandoned")
            runs[job_id].append((owner, us, None))
            open_run[job_id] = len(runs[job_id]) - 1
        else:
            assert job_id in open_run, f"'end' of job {job_id} by {owner} without a run in progress:\n{log}"
            i = open_run.pop(job_id)
            run_owner, start_us, _ = runs[job_id][i]
            assert run_owner == owner, f"job {job_id}: run started by {run_owner} ended by {owner}"
            runs[job_id][i] = (owner, start_us, us)
    # An abandoned run must really be dead: its owner wrote nothing more for that job.
    for job_id, rs in runs.items():
        for k, (owner, _, end) in enumerate(rs):
            if end == "abandoned":
                later = [o for o, _, _ in rs[k + 1:]]
                assert owner not in later, f"job {job_id}: {owner} started it again while its run was open: {rs}"
    return dict(runs)


def assert_no_overlap(runs):
    """No two runs of a job overlap in time either (timestamps, for the record; tolerance 1 ms
    for the sub-millisecond part of the stamps)."""
    for job_id, rs in runs.items():
        closed = [(s, e) for _, s, e in rs if isinstance(e, int)]
        for (s1, e1), (s2, e2) in zip(closed, closed[1:]):
            assert s2 >= e1 - 1000, f"job {job_id}: runs overlap: {rs}"


def owner_pid(owner):
    m = OWNER_RE.match(owner or "")
    assert m, f"lease owner {owner!r} is not host:pid:nonce"
    return int(m.group(1))


def messages(proc, message):
    return [r for r in proc.logs() if r.get("message") == message]


def wait_log(proc, message, timeout=20.0):
    return proc.wait_for_log(lambda r: r.get("message") == message, timeout=timeout)


def now_ms():
    return int(time.time() * 1000)


# ---- enqueue, claim, complete ----------------------------------------------------------------


def test_queued_jobs_wait_for_a_worker_then_run_to_success(make_server, make_worker):
    srv = make_server(EMBEDDED_WORKERS=0, **FAST)
    ids = enqueue(srv, count=3, ms=0)
    # No worker anywhere: the jobs wait, untouched.
    for job_id in ids:
        j = get_job(srv, job_id)
        assert j["status"] == "PENDING" and j["attempts"] == 0 and j["lease_owner"] is None, j
        assert j["kind"] == "test.sleep" and j["max_attempts"] == 3 and j["result"] is None, j
    assert counts(srv) == {"PENDING": 3, "STARTED": 0, "RETRY": 0, "SUCCESS": 0, "FAILURE": 0}

    worker = make_worker(srv)
    for job_id in ids:
        j = wait_status(srv, job_id, "SUCCESS")
        assert j["attempts"] == 1 and j["last_error"] is None and j["lease_owner"] is None, j
        assert j["result"] == {"attempt": 1, "owner": worker.owner}, j
        assert j["finished_at"] >= j["run_at"] > 0, j
    assert counts(srv) == {"PENDING": 0, "STARTED": 0, "RETRY": 0, "SUCCESS": 3, "FAILURE": 0}

    runs = runs_by_job(run_log(srv))
    assert set(runs) == set(ids)
    for job_id in ids:
        assert len(runs[job_id]) == 1 and runs[job_id][0][0] == worker.owner, runs[job_id]
        assert isinstance(runs[job_id][0][2], int), runs[job_id]  # it ended


def test_unknown_job_is_404(make_server):
    srv = make_server(EMBEDDED_WORKERS=0)
    r = srv.client.get("/__test/jobs/01900000-0000-7000-8000-000000000000")
    assert_error(r, 404, "NOT_FOUND")


# ---- retries ---------------------------------------------------------------------------------


def test_failed_attempts_are_retried_with_backoff_until_success(make_server):
    base_ms = 1000  # long enough for every RETRY state to be seen by polling
    srv = make_server(EMBEDDED_WORKERS=1, JOB_POLL_INTERVAL="100ms", JOB_RETRY_BASE=f"{base_ms}ms",
                      JOB_LEASE_TIMEOUT="5s")
    (job_id,) = enqueue(srv, ms=0, fail_first=2)

    seen = []  # distinct states, in order

    def done():
        j = get_job(srv, job_id)
        key = (j["status"], j["attempts"], j["last_error"])
        if not seen or (seen[-1]["status"], seen[-1]["attempts"], seen[-1]["last_error"]) != key:
            seen.append(j)
        return j["status"] in ("SUCCESS", "FAILURE")

    wait_for(done, timeout=60, interval=0.02, what="the job to finish")
    final = seen[-1]
    assert final["status"] == "SUCCESS", seen
    assert final["attempts"] == 3 and final["result"] == {"attempt": 3, "owner": final["result"]["owner"]}, final
    assert owner_pid(final["result"]["owner"]) == srv.pid, final  # an embedded worker of serve
    assert final["last_error"] is None and final["lease_owner"] is None, final

    retries = [j for j in seen if j["status"] == "RETRY"]
    assert [(j["attempts"], j["last_error"]) for j in retries] == [
        (1, "Planned failure of attempt 1"),
        (2, "Planned failure of attempt 2"),
    ], seen
    for j in retries:
        assert j["lease_owner"] is None, j
    # Backoff: the retry is scheduled in the future, the first delay within JOB_RETRY_BASE and the
    # second about doubled (jitter only ever takes off up to half, so a retry is never immediate).
    d1 = retries[0]["run_at"] - retries[0]["updated_at"]
    d2 = retries[1]["run_at"] - retries[1]["updated_at"]
    assert base_ms // 2 <= d1 <= base_ms, (d1, retries)
    assert base_ms <= d2 <= 2 * base_ms, (d2, retries)

    runs = runs_by_job(run_log(srv))[job_id]
    assert len(runs) == 3 and all(isinstance(e, int) for _, _, e in runs), runs
    assert_no_overlap({job_id: runs})
    assert len(messages(srv, "job will be retried")) == 2, srv.diagnostics()


def test_a_job_that_keeps_failing_ends_failure_with_its_last_error(make_server):
    srv = make_server(EMBEDDED_WORKERS=1, **FAST)
    (job_id,) = enqueue(srv, kind="test.fail")
    j = wait_status(srv, job_id, "FAILURE")
    assert j["attempts"] == 2 and j["max_attempts"] == 2, j
    assert j["last_error"] == "This job always fails", j
    assert j["lease_owner"] is None and j["result"] is None, j
    assert j["finished_at"] > 0, j

    # FAILURE is final: after another job has gone through the same worker, it is unchanged.
    (other,) = enqueue(srv, ms=0)
    wait_status(srv, other, "SUCCESS")
    assert get_job(srv, job_id) == j
    assert counts(srv) == {"PENDING": 0, "STARTED": 0, "RETRY": 0, "SUCCESS": 1, "FAILURE": 1}

    m = get_metrics(srv.client)
    assert m.get("interviewace_jobs_total", kind="test.fail", outcome="retry") == 1, m.text
    assert m.get("interviewace_jobs_total", kind="test.fail", outcome="failure") == 1, m.text
    assert m.get("interviewace_jobs_total", kind="test.fail", outcome="success") in (None, 0), m.text


# ---- leases ----------------------------------------------------------------------------------


def test_a_job_of_a_sigkilled_worker_is_reclaimed_and_completed(make_server, make_worker):
    srv = make_server(EMBEDDED_WORKERS=0, **FAST)  # JOB_LEASE_TIMEOUT=2s
    doomed = make_worker(srv, WORKER_CONCURRENCY=1)
    (job_id,) = enqueue(srv, ms=2000)
    j = wait_job(srv, job_id, lambda j: j["status"] == "STARTED" and j["lease_owner"] == doomed.owner,
                 timeout=20, what="the job to be STARTED by the first worker")
    assert owner_pid(j["lease_owner"]) == doomed.pid and j["attempts"] == 1, j

    assert doomed.kill() == -signal.SIGKILL
    j = get_job(srv, job_id)
    assert j["status"] == "STARTED" and j["lease_owner"] == doomed.owner, j  # killed mid-job

    rescuer = make_worker(srv, WORKER_CONCURRENCY=1)
    j = wait_status(srv, job_id, "SUCCESS", timeout=40)
    assert j["attempts"] == 2 and j["result"] == {"attempt": 2, "owner": rescuer.owner}, j
    assert j["lease_owner"] is None, j
    wait_log(rescuer, "reclaimed jobs whose worker stopped")

    runs = runs_by_job(run_log(srv))[job_id]
    assert [(o, e == "abandoned") for o, _, e in runs] == [(doomed.owner, True), (rescuer.owner, False)], runs
    assert isinstance(runs[1][2], int), runs


def test_a_job_longer_than_its_lease_keeps_it_by_heartbeat(make_server, make_worker):
    srv = make_server(EMBEDDED_WORKERS=0, JOB_POLL_INTERVAL="100ms", JOB_RETRY_BASE="50ms", JOB_LEASE_TIMEOUT="1s")
    workers = make_worker.several(srv, 2, WORKER_CONCURRENCY=1)  # an idle one ready to steal it
    (job_id,) = enqueue(srv, ms=2500)
    j = wait_status(srv, job_id, "SUCCESS", timeout=30)
    assert j["attempts"] == 1 and j["result"]["attempt"] == 1, j
    runs = runs_by_job(run_log(srv))[job_id]
    assert len(runs) == 1 and isinstance(runs[0][2], int), runs
    for w in workers:
        assert not messages(w, "reclaimed jobs whose worker stopped"), w.diagnostics()


def test_two_worker_processes_run_1000_jobs_exactly_once(make_server, make_worker, engine):
    total = 1000
    srv = make_server(EMBEDDED_WORKERS=0, **FAST)
    workers = make_worker.several(srv, 2, WORKER_CONCURRENCY=4)
    owners = {w.owner for w in workers}
    assert len(owners) == 2

    ids = enqueue(srv, count=total, ms=5)
    wait_for(lambda: counts(srv)["SUCCESS"] + counts(srv)["FAILURE"] >= total, timeout=180, interval=0.2,
             what=f"{total} jobs to finish")
    assert counts(srv) == {"PENDING": 0, "STARTED": 0, "RETRY": 0, "SUCCESS": total, "FAILURE": 0}

    rows = srv.sql("SELECT id, attempts, result FROM jobs")
    assert {r[0] for r in rows} == set(ids)
    retried = [r for r in rows if r[1] != "1"]
    assert not retried, f"{len(retried)} jobs needed more than one attempt, e.g. {retried[:5]}"
    result_owner = {r[0]: json.loads(r[2])["owner"] for r in rows}

    log = run_log(srv)
    starts = Counter(job_id for event, job_id, _, _ in log if event == "start")
    ends = Counter(job_id for event, job_id, _, _ in log if event == "end")
    assert set(starts) == set(ids) and set(ends) == set(ids)
    assert set(starts.values()) == {1}, [i for i, n in starts.items() if n != 1][:10]
    assert set(ends.values()) == {1}, [i for i, n in ends.items() if n != 1][:10]
    runs = runs_by_job(log)
    assert_no_overlap(runs)
    for job_id, rs in runs.items():
        ((owner, _, end),) = rs
        assert isinstance(end, int), rs
        assert owner in owners and result_owner[job_id] == owner, (job_id, rs, result_owner[job_id])
    per_owner = Counter(rs[0][0] for rs in runs.values())
    assert set(per_owner) == owners, f"not every worker took part: {per_owner}"


# ---- graceful shutdown -----------------------------------------------------------------------


def test_sigterm_past_shutdown_timeout_releases_the_job_to_another_worker(make_server, make_worker):
    # A long lease: only the release, not an expiry, can hand the job over quickly.
    srv = make_server(EMBEDDED_WORKERS=0, JOB_POLL_INTERVAL="100ms", JOB_RETRY_BASE="50ms",
                      JOB_LEASE_TIMEOUT="60s")
    leaving = make_worker(srv, WORKER_CONCURRENCY=1, SHUTDOWN_TIMEOUT="1s")
    (job_id,) = enqueue(srv, ms=30000)
    wait_job(srv, job_id, lambda j: j["status"] == "STARTED" and j["lease_owner"] == leaving.owner,
             timeout=20, what="the job to be STARTED by the worker")

    assert leaving.stop(signal.SIGTERM, timeout=20) == 0, leaving.diagnostics()
    j = get_job(srv, job_id)
    assert j["status"] == "RETRY" and j["attempts"] == 0 and j["lease_owner"] is None, j
    rec = wait_log(leaving, "shutdown timeout: released running jobs", timeout=1)
    assert rec["fields"]["released"] == 1, rec

    # The 30 s sleep is not what this test is about: the next run sleeps 0 ms.
    srv.sql(f"UPDATE jobs SET payload = '{{\"ms\": 0}}' WHERE id = '{job_id}'")
    successor = make_worker(srv, WORKER_CONCURRENCY=1)
    j = wait_status(srv, job_id, "SUCCESS", timeout=20)  # well before the 60 s lease would expire
    assert j["attempts"] == 1 and j["result"] == {"attempt": 1, "owner": successor.owner}, j

    runs = runs_by_job(run_log(srv))[job_id]
    assert [(o, e == "abandoned") for o, _, e in runs] == [(leaving.owner, True), (successor.owner, False)], runs


def test_sigterm_lets_a_short_job_finish_before_exit(make_server, make_worker):
    srv = make_server(EMBEDDED_WORKERS=0, **FAST)
    worker = make_worker(srv, WORKER_CONCURRENCY=1, SHUTDOWN_TIMEOUT="30s")
    (job_id,) = enqueue(srv, ms=2000)
    wait_job(srv, job_id, lambda j: j["status"] == "STARTED" and j["lease_owner"] == worker.owner,
             timeout=20, what="the job to be STARTED by the worker")
    (queued,) = enqueue(srv, ms=0)  # waits: the worker's only thread is busy

    assert worker.stop(signal.SIGTERM, timeout=40) == 0, worker.diagnostics()
    j = get_job(srv, job_id)
    assert j["status"] == "SUCCESS" and j["attempts"] == 1, j
    assert j["result"] == {"attempt": 1, "owner": worker.owner}, j
    # A stopping worker claims nothing more.
    q = get_job(srv, queued)
    assert q["status"] == "PENDING" and q["attempts"] == 0 and q["lease_owner"] is None, q

    logs = [r.get("message") for r in worker.logs()]
    assert "shutting down" in logs and "job succeeded" in logs, logs
    assert logs.index("shutting down") < logs.index("job succeeded"), logs  # finished after the signal
    assert "shutdown timeout: released running jobs" not in logs, logs
    assert "workers stopped" in logs, logs


# ---- metrics ---------------------------------------------------------------------------------


def test_metrics_count_jobs_by_kind_and_outcome_and_the_queue(make_server):
    srv = make_server(EMBEDDED_WORKERS=2, **FAST)
    ids = enqueue(srv, count=2, ms=0)
    for job_id in ids:
        j = wait_status(srv, job_id, "SUCCESS")
        assert owner_pid(j["result"]["owner"]) == srv.pid, j

    m = get_metrics(srv.client)
    assert m.get("interviewace_jobs_total", kind="test.sleep", outcome="success") >= 2, m.text
    assert m.types.get("interviewace_jobs_total") == "counter", m.types
    assert m.get("interviewace_job_duration_seconds_count", kind="test.sleep") >= 2, m.text
    assert m.get("interviewace_job_workers") == 2, m.text

    # The queue gauge is refreshed every few seconds from the database.
    def queue():
        mm = get_metrics(srv.client)
        found = {lab.get("status"): v for lab, v in mm.find("interviewace_job_queue")}
        return (mm, found) if found.get("SUCCESS", 0) >= 2 else None

    mm, found = wait_for(queue, timeout=30, interval=0.2, what="interviewace_job_queue{status=\"SUCCESS\"} >= 2")
    assert set(found) == set(STATUSES), found
    assert mm.types.get("interviewace_job_queue") == "gauge", mm.types
    assert found["PENDING"] == found["STARTED"] == found["RETRY"] == found["FAILURE"] == 0, found


# ---- scheduler -------------------------------------------------------------------------------


def test_maintenance_runs_once_per_cluster(make_server, make_worker):
    srv = make_server(EMBEDDED_WORKERS=0, **FAST)
    now = now_ms()
    day = 24 * 3600 * 1000
    srv.sql(f"INSERT INTO revoked_tokens (jti, user_id, expires_at) VALUES ('expired-1', NULL, {now - 60000})")
    srv.sql(f"INSERT INTO revoked_tokens (jti, user_id, expires_at) VALUES ('valid-1', NULL, {now + day})")
    # Finished tasks: one past TASK_RETENTION_DAYS (default 7), one recent.
    for name, finished in (("old", now - 8 * day), ("recent", now - day)):
        job_id = f"01900000-0000-7000-8000-{secrets.token_hex(6)}"
        srv.sql("INSERT INTO jobs (id, kind, payload, status, attempts, max_attempts, run_at, created_at, "
                f"updated_at, finished_at, result) VALUES ('{job_id}', 'test.sleep', '{{}}', 'SUCCESS', 1, 3, "
                f"{finished}, {finished}, {finished}, {finished}, '{{\"{name}\": true}}')")
    # Temporary files: one abandoned two hours ago, one fresh.
    tmp = Path(srv.env["DATA_DIR"]) / "tmp"
    tmp.mkdir(exist_ok=True)
    (tmp / "abandoned.part").write_text("x")
    os.utime(tmp / "abandoned.part", (time.time() - 7200, time.time() - 7200))
    (tmp / "fresh.part").write_text("x")

    workers = make_worker.several(srv, 3)
    owners = {w.owner for w in workers}

    def tokens():
        return {r[0] for r in srv.sql("SELECT jti FROM revoked_tokens")}

    wait_for(lambda: tokens() == {"valid-1"}, timeout=20, what="the expired token row to be pruned")
    wait_for(lambda: any(messages(w, "pruned expired token rows") for w in workers), timeout=10,
             what="a 'pruned expired token rows' log line")
    wait_for(lambda: srv.sql("SELECT count(*) FROM jobs")[0][0] == "1", timeout=20,
             what="the finished task past retention to be pruned")
    assert srv.sql("SELECT result FROM jobs") == [('{"recent": true}',)]
    wait_for(lambda: not (tmp / "abandoned.part").exists(), timeout=20, what="the abandoned file to be removed")
    assert (tmp / "fresh.part").exists()

    def loggers(message):
        return [w for w in workers if messages(w, message)]

    pruned = loggers("pruned expired token rows")
    assert len(pruned) == 1 and len(messages(pruned[0], "pruned expired token rows")) == 1, \
        [(w.owner, messages(w, "pruned expired token rows")) for w in workers]
    assert messages(pruned[0], "pruned expired token rows")[0]["fields"]["deleted"] == 1
    last_owner = srv.sql("SELECT last_owner FROM scheduled_tasks WHERE name = 'prune_tokens'")
    assert last_owner and last_owner[0][0] in owners, last_owner

    # Once per interval: a row that expires now is left alone by every worker's next ticks...
    srv.sql(f"INSERT INTO revoked_tokens (jti, user_id, expires_at) VALUES ('expired-2', NULL, {now_ms() - 1000})")
    deadline = time.monotonic() + 1.5  # 15 scheduler ticks of each worker at JOB_POLL_INTERVAL=100ms
    while time.monotonic() < deadline:
        assert "expired-2" in tokens(), "maintenance ran again before its interval"
        time.sleep(0.1)
    # ...until the task is due again; then exactly one more run, by one process.
    srv.sql("UPDATE scheduled_tasks SET next_run_at = 0 WHERE name = 'prune_tokens'")
    wait_for(lambda: tokens() == {"valid-1"}, timeout=20, what="the second expired row to be pruned")
    wait_for(lambda: sum(len(messages(w, "pruned expired token rows")) for w in workers) >= 2, timeout=10,
             what="a second 'pruned expired token rows' line")
    assert sum(len(messages(w, "pruned expired token rows")) for w in workers) == 2
    assert len(loggers("removed abandoned temporary files")) == 1
    assert len(loggers("pruned finished tasks past retention")) == 1


# ---- PostgreSQL restart ------------------------------------------------------------------------


@pytest.mark.run_last  # it breaks every open connection of the cluster, also other tests' servers
def test_service_survives_a_postgresql_restart(make_server, pg_control):
    srv = make_server(EMBEDDED_WORKERS=2, **FAST)
    assert srv.client.get("/ready").status_code == 200
    assert srv.client.get("/__test/jobs").status_code == 200

    pg_control.stop()
    try:
        for _ in range(3):  # several requests, which may land on different handler threads
            r = srv.client.get("/ready")
            assert r.status_code == 503, r.text
            body = r.json()
            assert body["code"] == "NOT_READY" and body["status"] == "not_ready", body
            assert body["checks"]["database"] == "unavailable", body
            positive_int(r.headers.get("retry-after"))

            r = srv.client.get("/__test/jobs")
            assert_error(r, 503, "SERVICE_UNAVAILABLE")
            positive_int(r.headers.get("retry-after"))
        assert srv.client.get("/health").status_code == 200  # alive, just not ready
    finally:
        pg_control.start()

    def recovered():
        return (srv.client.get("/ready").status_code == 200
                and srv.client.get("/__test/jobs").status_code == 200)

    wait_for(recovered, timeout=60, interval=0.1, what="/ready and /__test/jobs to answer 200 again")
    # A handler thread whose connection dropped fails once at most; soon every request works.
    streak = {"n": 0}

    def steady():
        streak["n"] = streak["n"] + 1 if srv.client.get("/__test/jobs").status_code == 200 else 0
        return streak["n"] >= 20

    wait_for(steady, timeout=30, interval=0, what="20 requests in a row to answer 200")
    # The embedded workers reconnected too.
    (job_id,) = enqueue(srv, ms=0)
    wait_status(srv, job_id, "SUCCESS", timeout=30)
    assert srv.proc.poll() is None


@pytest.mark.run_last
def test_a_job_running_across_a_postgresql_restart_still_finishes(make_server, pg_control):
    srv = make_server(EMBEDDED_WORKERS=1, **FAST)  # JOB_LEASE_TIMEOUT=2s
    (job_id,) = enqueue(srv, ms=3000)
    wait_status(srv, job_id, "STARTED", timeout=20)
    pg_control.stop()
    pg_control.start()
    # Its outcome is recorded after the restart, or the job runs again once its lease is gone:
    # either way it must not stay STARTED for ever. (test.sleep is idempotent.)
    j = wait_job(srv, job_id, lambda j: j["status"] == "SUCCESS", timeout=30,
                 what="the job to end SUCCESS after the restart", unavailable_ok=True)
    assert j["lease_owner"] is None and j["attempts"] in (1, 2), j
