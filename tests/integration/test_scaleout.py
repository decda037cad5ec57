"""Scale-out (issue 14): several stateless `serve` and `worker` processes over one database and
one file storage behave as one process does, proven with real processes (the make_cluster
harness, tests/integration/cluster.py) on loopback:

- a resume uploaded through one serve is analysed by a worker process and read through the
  other serve; 500 test jobs queued through two serves run exactly once across two workers;
- faults: PostgreSQL restarted under load (no 500, 503 + Retry-After during the outage,
  recovery without a restart, no job lost); worker processes SIGKILLed again and again while
  500 jobs run (every job ends SUCCESS or FAILURE, none completes twice); a serve SIGKILLed
  during uploads (after its restart and the maintenance, no row without its file, no file
  without its row, no temporary file anywhere).

Every test runs on both engines' passes (with SQLite the processes share one database file in
WAL mode, which is how several processes on one machine use it) except the PostgreSQL restart,
which exists only on the postgres pass (marker `engines`: on the sqlite pass it is listed at the
end of the run as belonging to the other pass, not skipped).

"Run to completion" for the recording job test.sleep (tests/integration/test_jobs.py): a run
writes "start" to its process's DATA_DIR/test-job-runs.log, sleeps, writes "end", and then the
worker records the outcome in the database. A run completes when its "end" is written and its
worker lives on to record it; a run whose worker is SIGKILLed before the outcome is recorded
did not complete (the job is then reclaimed after its lease and runs again, as docs/design.md
promises), whether it was killed before or after its "end".

Each fault test prints its figures (also collected at the end of the run). No test asserts a
duration beyond generous bounds; states are polled."""

import json
import random
import socket
import threading
import time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from helpers import assert_error, positive_int, wait_for
from test_auth import auth, new_account
from test_jobs import counts, enqueue, wait_status
from test_resume_endpoints import FILES, LIMITS_OFF, PDF, fixture_text, upload, wait_task

# Short job timings: a lost lease is noticed in about two seconds.
FAST_JOBS = {"JOB_POLL_INTERVAL": "100ms", "JOB_RETRY_BASE": "50ms", "JOB_LEASE_TIMEOUT": "2s"}
SETTINGS = {**LIMITS_OFF, **FAST_JOBS}  # no rate limits in the way of the load


def report(figures_list, title, **figures):
    """Prints a test's figures and keeps them for the summary at the end of the run."""
    line = f"{title}: " + ", ".join(f"{k}={v}" for k, v in figures.items())
    print(line)
    figures_list.append(line)


@pytest.fixture
def figures(request):
    lines = []
    yield lines
    request.config._ia_figures = getattr(request.config, "_ia_figures", []) + lines


def jobs_by_id(cluster):
    """{id: (status, attempts, last_error, result)} of every job."""
    rows = cluster.sql("SELECT id, status, attempts, last_error, result FROM jobs")
    return {r[0]: (r[1], int(r[2]), r[3], json.loads(r[4]) if r[4] else None) for r in rows}


def wait_all_finished(cluster, srv, total, timeout, what):
    """Polls the job counts (through srv) until total jobs are SUCCESS or FAILURE."""
    last = {}

    def done():
        last["counts"] = c = counts(srv)
        return c if c["SUCCESS"] + c["FAILURE"] >= total else None

    try:
        return wait_for(done, timeout=timeout, interval=0.2, what=what)
    except AssertionError as exc:
        stuck = cluster.sql("SELECT id, status, attempts, lease_owner, lease_expires_at, run_at, last_error "
                            "FROM jobs WHERE status NOT IN ('SUCCESS', 'FAILURE') LIMIT 5")
        raise AssertionError(f"{exc}; counts {last.get('counts')}; e.g. {stuck}\n{cluster.diagnostics()}") from None


def logged_by(proc, message, request_id):
    return [r for r in proc.logs() if r.get("message") == message and r.get("request_id") == request_id]


# ---- two serves, two workers -----------------------------------------------------------------


def test_a_resume_uploaded_through_one_serve_is_analysed_by_a_worker_and_read_through_the_other(make_cluster):
    cluster = make_cluster(serves=2, workers=2, storage="s3", **LIMITS_OFF)
    a, b = cluster.serves
    user = new_account(a.client)  # registered and logged in through a
    assert b.client.get("/api/v1/auth/me", headers=auth(user["access"])).json()["id"] == user["id"]

    data = (FILES / "resume.pdf").read_bytes()
    r = upload(a.client, user["access"], "resume.pdf", data, PDF)
    assert r.status_code == 202, r.text
    resume_id, task_id = r.json()["id"], r.json()["task_id"]

    task = wait_task(b.client, user["access"], task_id)  # followed through b
    assert task["status"] == "SUCCESS", task
    # The parse job ran on exactly one worker process, never on a serve (EMBEDDED_WORKERS=0):
    # that worker read the file from the shared storage, not from a's DATA_DIR.
    ran = [w for w in cluster.workers if logged_by(w, "job succeeded", task_id)]
    assert len(ran) == 1, [w.owner for w in ran]
    assert not any(logged_by(s, "job succeeded", task_id) for s in cluster.serves)

    h = auth(user["access"])
    got = b.client.get(f"/api/v1/resume/{resume_id}", headers=h)
    assert got.status_code == 200 and got.json()["status"] == "analyzed", got.text
    analysis = b.client.get(f"/api/v1/resume/analysis/{resume_id}", headers=h)
    assert analysis.status_code == 200, analysis.text
    assert analysis.json()["analysis"]["skills"], analysis.json()
    dl = b.client.get(f"/api/v1/resume/export/{resume_id}/download", headers=h)
    assert dl.status_code == 200 and dl.content == data

    # Deleted through b: the row and the stored object are gone for a as well.
    key = got.json()["file_path"]
    assert a.client.get("/__test/storage", params={"key": key}).content == data
    assert b.client.delete(f"/api/v1/resume/{resume_id}", headers=h).status_code == 204
    assert_error(a.client.get(f"/api/v1/resume/{resume_id}", headers=h), 404, "NOT_FOUND")
    assert_error(a.client.get("/__test/storage", params={"key": key}), 404, "NOT_FOUND")


def test_500_jobs_queued_through_two_serves_run_exactly_once_on_two_workers(make_cluster):
    total = 500
    cluster = make_cluster(serves=2, workers=2, worker_env={"WORKER_CONCURRENCY": "4"}, **FAST_JOBS)
    a, b = cluster.serves
    ids = enqueue(a, count=total // 2, ms=5) + enqueue(b, count=total - total // 2, ms=5)
    assert len(set(ids)) == total
    wait_all_finished(cluster, b, total, timeout=120, what=f"{total} jobs to finish")
    assert counts(a) == {"PENDING": 0, "STARTED": 0, "RETRY": 0, "SUCCESS": total, "FAILURE": 0}

    jobs = jobs_by_id(cluster)
    assert set(jobs) == set(ids)
    log = cluster.run_log()
    starts = Counter(j for event, j, _, _ in log if event == "start")
    ends = Counter(j for event, j, _, _ in log if event == "end")
    assert set(starts) == set(ids) and set(ends) == set(ids)
    assert set(starts.values()) == {1}, [j for j, n in starts.items() if n != 1][:10]
    assert set(ends.values()) == {1}, [j for j, n in ends.items() if n != 1][:10]
    owner_of = {j: o for event, j, o, _ in log if event == "end"}
    owners = {w.owner for w in cluster.workers}
    for job_id, (status, attempts, _, result) in jobs.items():
        assert status == "SUCCESS" and attempts == 1, (job_id, status, attempts)
        assert result == {"attempt": 1, "owner": owner_of[job_id]}, (job_id, result)
    per_worker = Counter(owner_of.values())
    assert set(per_worker) == owners, f"not every worker took part: {per_worker}"


# ---- PostgreSQL restarted under load ---------------------------------------------------------


class Load:
    """Client threads (per_serve for each serve) sending GET /api/v1/auth/me, GET
    /api/v1/resume, GET /ready and POST /__test/jobs in turn, 10 ms apart, until stopped, so
    that every handler thread of every serve (each with its own database connection) gets
    requests. Every answer is recorded as (monotonic time, serve index, endpoint, status,
    Retry-After, error code); a request that got no answer as status None."""

    ENDPOINTS = ("me", "resumes", "ready", "enqueue")

    def __init__(self, serves, token, per_serve=3):
        self.serves = serves
        self.token = token
        self.records = []
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.job_ids = []
        self.threads = [threading.Thread(target=self._run, args=(i % len(serves), i), daemon=True)
                        for i in range(len(serves) * per_serve)]

    def _send(self, client, endpoint):
        if endpoint == "me":
            return client.get("/api/v1/auth/me", headers=auth(self.token))
        if endpoint == "resumes":
            return client.get("/api/v1/resume", headers=auth(self.token))
        if endpoint == "ready":
            return client.get("/ready")
        return client.post("/__test/jobs", json={"kind": "test.sleep", "count": 1, "payload": {"ms": 0}})

    def _run(self, index, n):
        with httpx.Client(base_url=self.serves[index].url, timeout=15.0) as client:
            while not self.stop.is_set():
                endpoint = self.ENDPOINTS[n % len(self.ENDPOINTS)]
                n += 1
                sent = time.monotonic()
                try:
                    r = self._send(client, endpoint)
                except httpx.TransportError as exc:
                    rec = (time.monotonic(), index, endpoint, None, None, repr(exc), sent)
                else:
                    code = None
                    if r.status_code >= 400 and r.headers.get("content-type", "").startswith("application/json"):
                        code = r.json().get("code")
                    rec = (time.monotonic(), index, endpoint, r.status_code, r.headers.get("retry-after"), code,
                           sent)
                    if endpoint == "enqueue" and r.status_code == 201:
                        with self.lock:
                            self.job_ids += r.json()["ids"]
                with self.lock:
                    self.records.append(rec)
                self.stop.wait(0.01)

    def start(self):
        for t in self.threads:
            t.start()
        return self

    def join(self):
        self.stop.set()
        for t in self.threads:
            t.join(timeout=30)
        assert not any(t.is_alive() for t in self.threads), "a load thread is stuck"

    def snapshot(self):
        with self.lock:
            return list(self.records)

    def seen(self, since, predicate, n=1):
        """True when every (serve, endpoint) pair has n records after since satisfying predicate."""
        got = Counter((i, e) for t, i, e, s, _, _, _ in self.snapshot() if t >= since and predicate(s))
        return all(got[(i, e)] >= n for i in range(len(self.serves)) for e in self.ENDPOINTS)

    def steady(self, since, n=5):
        """True when the last n answers of every (serve, endpoint) pair after since are 2xx."""
        last = defaultdict(list)
        for t, i, e, s, _, _, _ in self.snapshot():
            if t >= since:
                last[(i, e)].append(s)
        return all(len(last[(i, e)]) >= n and all(s in (200, 201) for s in last[(i, e)][-n:])
                   for i in range(len(self.serves)) for e in self.ENDPOINTS)


@pytest.mark.engines("postgres")
@pytest.mark.run_last  # it breaks every open connection of the cluster, also other tests' servers
def test_postgresql_restart_under_load_answers_503_then_recovers_losing_nothing(make_cluster, pg_control,
                                                                               figures):
    # The test cluster runs with synchronous_commit=off (scripts/services.sh), which loses the
    # last commits in a crash; production runs with it on, and so does this database, so that
    # every job whose enqueue was answered 201 must survive the crash below.
    cluster = make_cluster(serves=2, workers=2, pg_settings={"synchronous_commit": "on"}, **SETTINGS)
    a, b = cluster.serves
    user = new_account(a.client)
    queued = enqueue(a, count=200, ms=100)  # some still queued or running when the database goes

    load = Load(cluster.serves, user["access"]).start()
    try:
        t0 = time.monotonic()
        wait_for(lambda: load.steady(t0, n=3), timeout=30, interval=0.05, what="the load to be answered 2xx")
        t_down = time.monotonic()
        pg_control.stop(mode="immediate")  # as a crash: every connection drops without a word
        t_stopped = time.monotonic()
        try:
            # Every endpoint of every serve has answered 503 several times: the outage was seen
            # everywhere. It lasts at least a lease (JOB_LEASE_TIMEOUT=2s) and a bit, so that
            # the workers' leases run out while the database is away.
            wait_for(lambda: load.seen(t_stopped, lambda s: s == 503, n=3), timeout=30, interval=0.05,
                     what="every endpoint of every serve to answer 503 while PostgreSQL is down")
            time.sleep(max(0.0, t_stopped + 3 - time.monotonic()))  # the length of the fault itself
        finally:
            pg_control.start()
        t_up = time.monotonic()
        wait_for(lambda: load.steady(t_up, n=10), timeout=30, interval=0.05,
                 what="every endpoint of every serve to answer 2xx ten times in a row after the restart")
    finally:
        load.join()

    records = load.snapshot()
    by_status = Counter(r[3] for r in records)
    after = [(r[0], r[3]) for r in records if r[0] >= t_up]
    failed_after_up = [r for r in records if r[6] >= t_up and r[3] not in (200, 201)]
    last_failure = max((t for t, s in after if s not in (200, 201)), default=t_up)
    recovery_s = last_failure - t_up
    outage = [r for r in records if t_down <= r[0] < t_up]
    jobs_total = len(queued) + len(load.job_ids)

    # No 500 and no dropped connection at any time; every 503 says when to come back.
    transport = [r for r in records if r[3] is None]
    assert not transport, f"{len(transport)} requests failed without an answer, e.g. {transport[:3]}"
    assert set(by_status) <= {200, 201, 503}, f"unexpected statuses {by_status}: " + repr(
        [r for r in records if r[3] not in (200, 201, 503)][:5])
    for t, i, endpoint, status, retry_after, code, _ in records:
        if status == 503:
            positive_int(retry_after)
            assert code == ("NOT_READY" if endpoint == "ready" else "SERVICE_UNAVAILABLE"), (endpoint, code)
    for proc in cluster.serves + cluster.workers:
        assert proc.proc.poll() is None, f"{proc.kind} pid {proc.pid} exited\n{proc.diagnostics()}"

    # Nothing lost: the jobs queued before the restart and those accepted around it all finish.
    wait_all_finished(cluster, a, jobs_total, timeout=60, what=f"{jobs_total} jobs to finish after the restart")
    assert counts(b) == {"PENDING": 0, "STARTED": 0, "RETRY": 0, "SUCCESS": jobs_total, "FAILURE": 0}
    rerun = int(cluster.sql("SELECT COUNT(*) FROM jobs WHERE attempts > 1")[0][0])

    # A restart while the service is idle: the connections the database closed are noticed and
    # replaced before they are used, so the very first requests after it succeed, on every
    # handler thread (16 at once, twice, on each serve of HANDLER_THREADS=8).
    pg_control.stop(mode="fast")
    pg_control.start()
    quiet = Counter()
    with ThreadPoolExecutor(max_workers=16) as pool:
        for srv in cluster.serves:
            for _ in range(2):
                for r in pool.map(lambda _: srv.client.get("/api/v1/auth/me", headers=auth(user["access"])),
                                  range(16)):
                    quiet[r.status_code] += 1
    assert quiet == {200: 64}, f"answers right after an idle restart: {quiet}"
    (job_id,) = enqueue(b, ms=0)
    wait_status(a, job_id, "SUCCESS", timeout=30)  # the workers reconnected too

    report(figures, "postgresql restart under load",
           requests=len(records), by_status=dict(sorted(by_status.items(), key=lambda kv: str(kv[0]))),
           during_outage=len(outage), outage_503=sum(1 for r in outage if r[3] == 503),
           outage_s=round(t_up - t_down, 1), recovery_s=round(recovery_s, 2),
           failed_when_sent_after_restart=len(failed_after_up),
           jobs=jobs_total, jobs_success=jobs_total, jobs_rerun=rerun,
           idle_restart_first_requests=dict(quiet))


# ---- worker processes SIGKILLed while jobs run ----------------------------------------------


def analyse_runs(log, killed_owners, jobs):
    """Splits the runs of every job (see the module docstring for "complete"):
    completed[j] = owners whose run of j completed; unrecorded[j] = runs that wrote "end" but
    whose worker was killed before recording it; abandoned[j] = runs that never wrote "end".
    Checks on the way that one process never runs a job twice and that a run without "end"
    belongs to a killed worker."""
    starts = defaultdict(list)
    ends = defaultdict(list)
    for event, job_id, owner, _ in log:
        (starts if event == "start" else ends)[job_id].append(owner)
    completed, unrecorded, abandoned = {}, {}, {}
    for job_id in set(starts) | set(ends):
        s, e = starts[job_id], ends[job_id]
        assert len(s) == len(set(s)), f"job {job_id}: one process started it twice: {s}"
        assert len(e) == len(set(e)) and set(e) <= set(s), f"job {job_id}: starts {s}, ends {e}"
        result = jobs[job_id][3]
        recorded_by = result["owner"] if jobs[job_id][0] == "SUCCESS" else None
        completed[job_id] = [o for o in e if o not in killed_owners or o == recorded_by]
        unrecorded[job_id] = [o for o in e if o in killed_owners and o != recorded_by]
        abandoned[job_id] = [o for o in s if o not in e]
        stray = [o for o in abandoned[job_id] if o not in killed_owners]
        assert not stray, f"job {job_id}: a run by a worker that was never killed did not end: {stray}"
    return completed, unrecorded, abandoned


def test_workers_sigkilled_again_and_again_leave_every_job_finished_once(make_cluster, figures):
    total = 500
    cluster = make_cluster(serves=1, workers=2, worker_env={"WORKER_CONCURRENCY": "4"}, **FAST_JOBS)
    (srv,) = cluster.serves
    ids = enqueue(srv, count=total, ms=100)
    rng = random.Random(14)
    killed_owners, kills, mid_run = set(), 0, 0

    def running(w):
        return int(cluster.sql(f"SELECT COUNT(*) FROM jobs WHERE status = 'STARTED' "
                               f"AND lease_owner = '{w.owner}'")[0][0])

    t0 = time.monotonic()
    for _ in range(6):
        victim = cluster.workers[rng.randrange(len(cluster.workers))]
        try:  # a worker holding jobs, unless the queue has run dry
            wait_for(lambda: running(victim) > 0 or counts(srv)["PENDING"] == 0, timeout=20, interval=0.02,
                     what=f"worker {victim.owner} to hold a job")
        except AssertionError:
            break
        if counts(srv)["PENDING"] == 0:
            break
        held = running(victim)
        assert cluster.kill(victim) == -9
        kills += 1
        mid_run += held
        killed_owners.add(victim.owner)
        cluster.restart(victim)
        time.sleep(rng.uniform(0.5, 1.0))  # the cadence of the fault, not a wait for a state
    assert kills >= 3, f"only {kills} kills happened before the queue ran dry; make the jobs longer"

    # Every job ends within the lease reclaim and its retries; none stays PENDING/STARTED/RETRY.
    wait_all_finished(cluster, srv, total, timeout=120, what=f"{total} jobs to finish after {kills} kills")
    final = counts(srv)
    assert final["PENDING"] == final["STARTED"] == final["RETRY"] == 0, final
    elapsed = time.monotonic() - t0

    jobs = jobs_by_id(cluster)
    assert set(jobs) == set(ids)
    completed, unrecorded, abandoned = analyse_runs(cluster.run_log(), killed_owners, jobs)
    duplicates = [j for j, owners in completed.items() if len(owners) > 1]
    assert not duplicates, f"{len(duplicates)} jobs ran to completion twice, e.g. " + repr(
        [(j, completed[j]) for j in duplicates[:5]])
    for job_id, (status, attempts, last_error, result) in jobs.items():
        assert attempts <= 3, (job_id, attempts)
        if status == "SUCCESS":
            assert completed.get(job_id) == [result["owner"]], (job_id, result, completed.get(job_id))
            assert result["attempt"] == attempts, (job_id, attempts, result)
        else:
            assert status == "FAILURE" and last_error, (job_id, status, last_error)
            assert not completed.get(job_id), (job_id, completed.get(job_id))
    reclaimed = sum(1 for _, attempts, _, _ in jobs.values() if attempts > 1)
    n_abandoned = sum(len(v) for v in abandoned.values())
    assert n_abandoned > 0 and reclaimed > 0, "no kill landed while a job was running"
    report(figures, "workers SIGKILLed under 500 jobs",
           kills=kills, jobs_held_at_kills=mid_run, runs_abandoned=n_abandoned,
           runs_ended_but_unrecorded=sum(len(v) for v in unrecorded.values()), jobs_rerun=reclaimed,
           by_status=dict(Counter(s for s, _, _, _ in jobs.values())), duplicates=len(duplicates),
           elapsed_s=round(elapsed, 1))


# ---- a serve SIGKILLed during uploads --------------------------------------------------------

BOUNDARY = "----iaScaleout3Zq8Rw"


def slow_upload(srv, token, data):
    """Opens an upload whose body stops half-way (the connection stays open): a request in
    flight with its temporary file in DATA_DIR/tmp. Returns the socket."""
    body = (f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"cv.txt\"\r\n"
            f"Content-Type: text/plain\r\n\r\n").encode() + data + f"\r\n--{BOUNDARY}--\r\n".encode()
    head = (f"POST /api/v1/resume/upload/ HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n"
            f"Content-Type: multipart/form-data; boundary={BOUNDARY}\r\nContent-Length: {len(body)}\r\n\r\n")
    s = socket.create_connection((srv.host, srv.port), timeout=30)
    s.sendall(head.encode() + body[: len(body) // 2])
    return s


def test_a_serve_sigkilled_during_uploads_leaves_no_orphan_after_restart_and_maintenance(make_cluster, figures):
    age_s = 1
    cluster = make_cluster(serves=2, workers=1, storage="local", ORPHAN_FILE_AGE=f"{age_s}s",
                           **SETTINGS)
    a, b = cluster.serves
    users = [new_account(b.client) for _ in range(3)]
    data = fixture_text()
    a_tmp = Path(a.env["DATA_DIR"]) / "tmp"

    # Uploads in flight on a: three stalled half-way (temporary files in a's DATA_DIR/tmp), and
    # six clients uploading one resume after another as fast as they can.
    stalled = [slow_upload(a, u["access"], data) for u in users]
    accepted, errors = [], []
    lock = threading.Lock()
    stop = threading.Event()

    def uploader(user):
        with httpx.Client(base_url=a.url, timeout=30.0) as c:
            while not stop.is_set():
                try:
                    r = upload(c, user["access"], "cv.txt", data, "text/plain")
                except httpx.TransportError as exc:
                    with lock:
                        errors.append(repr(exc))
                    return
                assert r.status_code == 202, r.text
                with lock:
                    accepted.append((user["id"], r.json()["id"]))

    threads = [threading.Thread(target=uploader, args=(users[i % 3],), daemon=True) for i in range(6)]
    for t in threads:
        t.start()
    try:
        wait_for(lambda: len(list(a_tmp.glob("upload-*"))) >= 3, timeout=20, what="the stalled uploads' files")
        wait_for(lambda: len(accepted) >= 12, timeout=60, interval=0.05, what="a dozen accepted uploads")
        assert cluster.kill(a) == -9
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=30)
        for s in stalled:
            s.close()

    # What the kill left behind, before anything cleans it up.
    rows = {r[0]: r[1] for r in cluster.sql("SELECT id, file_key FROM resumes")}
    left_tmp = cluster.temp_files()
    left_orphans = sorted(set(cluster.stored_files()) - set(rows.values()))

    # Leftovers the kill may or may not have produced, planted as a crash leaves them, so that
    # their removal is checked every time: a ".tmp-" file of an interrupted store inside the
    # storage directory and a partly received upload in a's DATA_DIR/tmp.
    user_dir = cluster.storage_dir / "resumes" / users[0]["id"]
    planted = [user_dir / (".tmp-" + "ab" * 16), a_tmp / "upload-Xy12Ab"]
    for p in planted:
        p.write_bytes(b"half of something")

    a2 = cluster.restart(a)
    assert a2.client.get("/ready").status_code == 200
    assert b.client.get("/ready").status_code == 200  # b served throughout

    # Every accepted upload has its row and its file, and its parse job finishes on the worker.
    for user_id, resume_id in accepted:
        assert resume_id in rows, f"upload {resume_id} was answered 202 but has no row"
    assert not [k for k in rows.values() if not (cluster.storage_dir / k).is_file()], "rows without a file"
    wait_for(lambda: cluster.sql("SELECT COUNT(*) FROM resumes WHERE status IN ('pending', 'processing')")
             == [("0",)], timeout=60, interval=0.2, what="every resume's parse job to finish")
    assert cluster.sql("SELECT DISTINCT status FROM resumes") == [("analyzed",)]

    # Each process removes its own abandoned temporary files once older than ORPHAN_FILE_AGE
    # (the restarted serve runs no workers, and no other process can reach its DATA_DIR)...
    try:
        wait_for(lambda: not any(a_tmp.iterdir()), timeout=30, interval=0.1,
                 what="the restarted serve to remove the temporary files of the killed one")
    except AssertionError as exc:
        raise AssertionError(f"{exc}; left: {sorted(p.name for p in a_tmp.iterdir())}") from None
    # ...and the scheduler's orphan sweep (run now, on b) removes the stored files no row uses
    # and the temporary files of interrupted stores, once older than ORPHAN_FILE_AGE: all of
    # them are, being older than the planted upload file that has just been removed for its age.
    r = b.client.post("/__test/periodic", params={"name": "sweep_orphan_files"})
    assert r.status_code == 200, r.text

    rows_after = {r[0]: r[1] for r in cluster.sql("SELECT id, file_key FROM resumes")}
    assert rows_after == rows
    stored = cluster.stored_files()
    assert sorted(stored) == sorted(rows.values()), (
        f"files without a row: {sorted(set(stored) - set(rows.values()))}; "
        f"rows without a file: {sorted(set(rows.values()) - set(stored))}")
    assert cluster.temp_files() == [], f"temporary files left: {cluster.temp_files()}"
    report(figures, "serve SIGKILLed during uploads",
           accepted_before_kill=len(accepted), uploads_in_flight_at_kill=len(errors) + len(stalled),
           rows=len(rows), left_by_kill_tmp=len(left_tmp), left_by_kill_orphan_files=len(left_orphans),
           planted=len(planted), swept=r.json()["changed"], orphans_after=0, tmp_after=0)
