"""Graceful shutdown: SIGTERM drains in-flight requests, then the process exits 0."""

import signal
import socket
import threading

import httpx

from helpers import get_metrics, wait_for


def in_flight(srv):
    return get_metrics(srv.client).get("interviewace_http_requests_in_flight")


def test_sigterm_drains_in_flight_requests_then_exits_0(make_server):
    srv = make_server()
    # On an idle server this is 0, or 1 if the /metrics request counts itself.
    baseline = in_flight(srv)
    assert baseline in (0, 1), baseline

    events = []
    lock = threading.Lock()
    result = {}

    def sleeper():
        try:
            result["r"] = httpx.get(srv.url + "/__test/sleep", params={"ms": 2000}, timeout=30)
        except httpx.HTTPError as exc:
            result["r"] = exc
        with lock:
            events.append("sleep done")

    t = threading.Thread(target=sleeper)
    t.start()
    try:
        wait_for(lambda: in_flight(srv) >= baseline + 1, timeout=10, what="the sleep request to be in flight")
        srv.send_signal(signal.SIGTERM)

        # While draining the service is not ready: either it no longer accepts connections, or
        # /ready answers 503 NOT_READY. (Polled: the signal is handled asynchronously.)
        def not_ready():
            try:
                r = httpx.get(srv.url + "/ready", timeout=5)
            except httpx.TransportError as exc:
                return f"transport error {type(exc).__name__}"
            if r.status_code == 200:
                return None
            assert r.status_code == 503, (r.status_code, r.text)
            assert r.json()["code"] == "NOT_READY" and r.json()["status"] == "not_ready", r.text
            assert r.headers.get("retry-after"), r.headers
            return "503"

        outcome = wait_for(not_ready, timeout=20, what="/ready to stop answering 200 after SIGTERM")
        with lock:
            events.append(f"not ready ({outcome})")
    finally:
        t.join(timeout=30)

    r = result["r"]
    assert isinstance(r, httpx.Response), f"in-flight request failed during drain: {r!r}\n{srv.diagnostics()}"
    assert r.status_code == 200, r.text
    assert r.json() == {"slept_ms": 2000}
    assert events[0].startswith("not ready"), events  # observed while the request was in flight

    assert srv.wait(timeout=30) == 0, srv.diagnostics()
    try:
        socket.create_connection(("127.0.0.1", srv.port), timeout=5).close()
    except ConnectionRefusedError:
        pass
    else:
        raise AssertionError("the port still accepts connections after exit")


def test_shutdown_timeout_bounds_the_drain(make_server):
    srv = make_server(SHUTDOWN_TIMEOUT="1s")
    baseline = in_flight(srv)
    result = {}

    def sleeper():
        try:
            result["r"] = httpx.get(srv.url + "/__test/sleep", params={"ms": 10000}, timeout=30)
        except httpx.HTTPError as exc:
            result["r"] = exc

    t = threading.Thread(target=sleeper)
    t.start()
    try:
        wait_for(lambda: in_flight(srv) >= baseline + 1, timeout=10, what="the sleep request to be in flight")
        srv.send_signal(signal.SIGTERM)
        srv.wait(timeout=30)
        # The process is gone, so the 10 s request cannot have completed normally.
        t.join(timeout=30)
    finally:
        t.join(timeout=30)
    r = result.get("r")
    assert not (isinstance(r, httpx.Response) and r.status_code == 200), "request outlived SHUTDOWN_TIMEOUT"
