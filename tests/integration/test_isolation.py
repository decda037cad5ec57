"""Isolation of expensive requests (issue 18): password hashing runs on its own CPU executor
(CPU_THREADS, CPU_QUEUE_MAX, CPU_NICE), never on a handler thread. When its queue is full a
login is answered 503 CPU_BUSY with Retry-After, while /health and an authenticated GET keep
answering. Bounded request counts; the executor is made tiny so that the queue state is
deterministic; no timing is asserted."""

import threading

import httpx

from helpers import assert_error, get_metrics, positive_int, wait_for
from test_auth import PASSWORD, auth, new_account

LIMITS_OFF = dict(RATE_LIMIT="0", RATE_LIMIT_REGISTER="0", RATE_LIMIT_LOGIN="0",
                  RATE_LIMIT_LOGIN_ACCOUNT="0")


def test_full_cpu_queue_answers_cpu_busy_while_cheap_requests_keep_answering(make_server):
    # One executor thread and a queue of one; one handler thread, which logins must never take.
    # Cost 13 keeps each login on the CPU long enough for the burst below to find it busy.
    srv = make_server(CPU_THREADS=1, CPU_QUEUE_MAX=1, HANDLER_THREADS=1, PASSWORD_HASH_COST=13,
                      **LIMITS_OFF)
    user = new_account(srv.client)
    idle = get_metrics(srv.client)
    assert idle.get("interviewace_cpu_threads") == 1
    assert idle.get("interviewace_cpu_queue_capacity") == 1
    assert idle.get("interviewace_cpu_threads_niced") == 1  # CPU_NICE=10 by default

    results = []  # (status, response)
    lock = threading.Lock()
    got_503 = threading.Event()

    def log_in(barrier=None):
        with httpx.Client(base_url=srv.url, timeout=60) as c:
            if barrier is not None:
                barrier.wait()
            try:
                r = c.post("/api/v1/auth/login",
                           json={"email": user["email"], "password": PASSWORD})
            except httpx.HTTPError as exc:  # recorded, fails below
                r = exc
        with lock:
            results.append((getattr(r, "status_code", None), r))
        if getattr(r, "status_code", None) == 503:
            got_503.set()

    # The first login occupies the only executor thread; then a burst fills the queue of one
    # and is refused beyond it.
    threads = [threading.Thread(target=log_in)]
    threads[0].start()
    burst = 4
    barrier = threading.Barrier(burst)
    try:
        wait_for(lambda: get_metrics(srv.client).get("interviewace_cpu_threads_busy") == 1,
                 timeout=30, what="the executor thread to be busy")
        for _ in range(burst):
            threads.append(threading.Thread(target=log_in, args=(barrier,)))
            threads[-1].start()
        assert got_503.wait(timeout=30), "no 503 while the CPU executor was full"
        # While logins hold the executor: cheap requests are answered, the authenticated GET
        # on the one handler thread, which no login has taken.
        during = get_metrics(srv.client)
        health = srv.client.get("/health")
        me = srv.client.get("/api/v1/auth/me", headers=auth(user["access"]))
    finally:
        for t in threads:
            t.join(timeout=60)

    assert health.status_code == 200, health.text
    assert me.status_code == 200, me.text
    assert me.json()["email"] == user["email"]
    assert during.get("interviewace_handler_threads_busy") == 0, during
    assert during.get("interviewace_cpu_threads_busy") == 1, during

    statuses = [s for s, _ in results]
    assert len(results) == 1 + burst, statuses
    assert all(s in (200, 503) for s in statuses), results
    # One login runs, one waits in the queue (CPU_QUEUE_MAX=1), the rest are refused.
    assert statuses.count(200) == 2, statuses
    for s, r in results:
        if s == 503:
            assert_error(r, 503, "CPU_BUSY")
            assert positive_int(r.headers.get("retry-after")) == 2
        else:
            assert r.json()["token_type"] == "bearer"


def test_hashing_routes_never_take_a_handler_thread(make_server):
    # With the only handler thread held by a request that sleeps, a registration and a login
    # (both hash) still complete: they run on the CPU executor.
    srv = make_server(HANDLER_THREADS=1, HANDLER_QUEUE_MAX=4, TEST_ENDPOINTS="true",
                      PASSWORD_HASH_COST=4, **LIMITS_OFF)
    done = threading.Event()

    def hold():
        with httpx.Client(base_url=srv.url, timeout=60) as c:
            c.get("/__test/sleep", params={"ms": 8000})
        done.set()

    t = threading.Thread(target=hold)
    t.start()
    try:
        wait_for(lambda: get_metrics(srv.client).get("interviewace_handler_threads_busy") == 1,
                 what="the handler thread to be busy")
        email = "isolated@example.com"
        r = srv.client.post("/api/v1/auth/register",
                            json={"email": email, "full_name": "Iso Lated", "password": PASSWORD})
        assert r.status_code == 201, r.text
        r = srv.client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
        assert r.status_code == 200, r.text
        held = not done.is_set()  # the sleeper still held the thread throughout
    finally:
        t.join(timeout=60)
    assert held, "the sleeping request ended before the hashing requests were answered"
