"""`interviewace healthcheck`, the probe of container health checks (Dockerfile, docker-compose.yml,
deploy/): a GET of /health that needs nothing but the binary, HOST and PORT (no SECRET_KEY, no
curl), and for workers, which serve no HTTP, the heartbeat file `interviewace worker --heartbeat`
touches after every scheduler pass that reached the database."""

import http.server
import os
import signal
import socket
import socketserver
import threading
import time

import pytest

from helpers import wait_for


class _Answer(http.server.BaseHTTPRequestHandler):
    """Answers every GET with the server's (status, body), or hangs when body is None."""

    def do_GET(self):  # noqa: N802 (the name http.server calls)
        status, body = self.server.answer
        if body is None:
            self.server.release.wait(30)
            return
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def fake_health():
    """fake_health(status, body) -> the URL of a loopback server that answers every GET so
    (body None: never answers)."""
    servers = []

    def _make(status, body):
        srv = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Answer)
        srv.daemon_threads = True
        srv.answer = (status, body)
        srv.release = threading.Event()
        threading.Thread(target=srv.serve_forever, daemon=True).start()
        servers.append(srv)
        return f"http://127.0.0.1:{srv.server_address[1]}/health"

    yield _make
    for srv in servers:
        srv.release.set()
        srv.shutdown()
        srv.server_close()


def one_line(p):
    out = (p.stdout + p.stderr).strip()
    assert len(out.splitlines()) == 1, (p.stdout, p.stderr)
    return out


def test_a_running_service_is_healthy(run_cli, server):
    p = run_cli(["healthcheck", "--url", f"{server.url}/health"])
    assert p.returncode == 0, (p.stdout, p.stderr)
    assert one_line(p) == f"healthy: {server.url}/health answered 200"


@pytest.mark.parametrize("host", [None, "0.0.0.0", "127.0.0.1"])
def test_the_default_url_comes_from_host_and_port_without_any_secret(run_cli, server, host):
    env = {"PORT": str(server.port)}
    if host is not None:
        env["HOST"] = host
    p = run_cli(["healthcheck"], env=env)  # no SECRET_KEY, no other setting
    assert p.returncode == 0, (p.stdout, p.stderr)
    assert f"http://127.0.0.1:{server.port}/health" in p.stdout


def test_the_default_port_is_read_from_the_env_file(run_cli, server, tmp_path):
    (tmp_path / "probe.env").write_text(f"PORT={server.port}\n")
    p = run_cli(["--env-file", str(tmp_path / "probe.env"), "healthcheck"])
    assert p.returncode == 0, (p.stdout, p.stderr)


def test_no_server_listening_is_unhealthy(run_cli):
    with socket.socket() as held:  # bound, never listening: connections to it are refused
        held.bind(("127.0.0.1", 0))
        p = run_cli(["healthcheck"], env={"PORT": str(held.getsockname()[1])})
    assert p.returncode == 1, (p.stdout, p.stderr)
    assert one_line(p).startswith("unhealthy: ")


@pytest.mark.parametrize(
    "status,body",
    [(200, '{"status":"ready"}'), (200, '{"status":"unhealthy"}'), (200, "not json"),
     (503, '{"status":"healthy"}'), (301, "")],
    ids=["other-status-word", "unhealthy", "not-json", "503", "redirect"],
)
def test_anything_but_200_healthy_is_unhealthy(run_cli, fake_health, status, body):
    url = fake_health(status, body)
    p = run_cli(["healthcheck", "--url", url])
    assert p.returncode == 1, (status, body, p.stdout, p.stderr)
    assert one_line(p).startswith(f"unhealthy: {url}")


def test_a_service_that_never_answers_is_unhealthy_after_the_timeout(run_cli, fake_health):
    url = fake_health(200, None)
    p = run_cli(["healthcheck", "--url", url, "--timeout", "300ms"])
    assert p.returncode == 1, (p.stdout, p.stderr)
    assert "timeout" in one_line(p).lower(), p.stderr


def test_ready_is_not_health(run_cli, server):
    p = run_cli(["healthcheck", "--url", f"{server.url}/ready"])
    assert p.returncode == 1, (p.stdout, p.stderr)


@pytest.mark.parametrize(
    "args",
    [["--url"], ["--timeout", "5 parsecs"], ["--timeout", "10m"], ["--max-age", "0s"],
     ["--url", "http://127.0.0.1:1/health", "--heartbeat", "/tmp/x"], ["--bogus", "1"], ["extra"]],
)
def test_bad_usage_exits_2(run_cli, args):
    p = run_cli(["healthcheck", *args])
    assert p.returncode == 2, (args, p.stdout, p.stderr)


def test_only_plain_http_is_probed(run_cli):
    p = run_cli(["healthcheck", "--url", "https://127.0.0.1:1/health"])
    assert p.returncode == 1 and "not an http:// URL" in p.stderr, p.stderr


# ---- workers ------------------------------------------------------------------------------


def test_a_worker_heartbeat_is_healthy_while_it_runs_and_stale_after(make_server, make_worker,
                                                                      run_cli, tmp_path):
    srv = make_server(EMBEDDED_WORKERS="0", JOB_POLL_INTERVAL="100ms")
    beat = tmp_path / "worker.heartbeat"
    check = ["healthcheck", "--heartbeat", str(beat), "--max-age", "1s"]
    p = run_cli(check)
    assert p.returncode == 1 and "no heartbeat file" in p.stderr, p.stderr

    worker = make_worker(srv, args=("worker", "--heartbeat", str(beat)))
    wait_for(lambda: run_cli(check).returncode == 0, timeout=15, what="a fresh heartbeat")
    first = os.stat(beat).st_mtime_ns
    wait_for(lambda: os.stat(beat).st_mtime_ns > first, timeout=15, what="the heartbeat to move on")
    assert "healthy: " in run_cli(check).stdout

    assert worker.stop(signal.SIGTERM) == 0
    time.sleep(1.5)
    p = run_cli(check)
    assert p.returncode == 1, (p.stdout, p.stderr)
    assert one_line(p).startswith("unhealthy: the worker's last heartbeat")


def test_worker_heartbeat_option_needs_a_path(run_cli):
    p = run_cli(["worker", "--heartbeat"])
    assert p.returncode == 2, p.stderr


def test_usage_lists_healthcheck(run_cli):
    p = run_cli(["--help"])
    assert "healthcheck" in p.stdout
    p = run_cli(["healthcheck", "--help"])
    assert p.returncode == 0 and "--heartbeat PATH" in p.stdout and "--url URL" in p.stdout
