"""Hardening (issue 17), against the real binary on loopback. Each section tests one finding;
every case tried is counted (`case`) and the module prints how many it tried.

- Slow headers: connections that trickle their headers are closed after HTTP_HEADER_TIMEOUT,
  and while hundreds of them from many loopback addresses fill the connection table, a normal
  client is still served.
- A second instance on a taken port refuses to start (exit 1, a message naming the port),
  unless HTTP_REUSE_PORT=true.
- NUL and other control characters in paths (400), query values (422) and header values (400).
- Every request-line, header and framing error (missing Host, 414, 431 at any size, bad
  header names, malformed or conflicting Content-Length, Transfer-Encoding, HTTP versions)
  is answered once, with the security headers, an X-Request-ID and a JSON body
  (README, "HTTP hardening").
- Bidirectional control characters: refused in JSON text fields (422), stripped from upload
  file names.
- A malformed id in a request body is a 422 validation error."""

import socket
import subprocess
import threading
import time
import uuid

import pytest

from conftest import Server, server_env
from helpers import (SECURITY_HEADERS, UUID_RE, assert_error, assert_validation_error, free_port,
                     read_http_response, wait_for)
from test_auth import auth, new_account
from test_resume_endpoints import LIMITS_OFF, fixture_text, upload

CASES = {"tried": 0}


def case(what=""):
    """Counts one case tried (the module prints the total at its end)."""
    CASES["tried"] += 1
    return what


@pytest.fixture(scope="module", autouse=True)
def cases_summary(request):
    yield
    line = f"test_security.py: {CASES['tried']} cases tried"
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    if capture is not None and reporter is not None:
        with capture.global_and_fixture_disabled():
            reporter.write("\n" + line + "\n")
    else:
        print(line)


HEADER_TIMEOUT_S = 2


@pytest.fixture(scope="module")
def srv(module_server):
    return module_server(**LIMITS_OFF, HTTP_HEADER_TIMEOUT=f"{HEADER_TIMEOUT_S}s")


def raw(srv, data, timeout=10.0):
    """Sends data on a new connection and reads one response: (status, headers, body)."""
    with socket.create_connection(("127.0.0.1", srv.port), timeout=timeout) as s:
        s.sendall(data)
        r = read_http_response(s)
        return r.status_code, r._headers, r.body


def raw_all(srv, data, timeout=10.0):
    """Sends data and reads everything until the server closes the connection."""
    out = b""
    with socket.create_connection(("127.0.0.1", srv.port), timeout=timeout) as s:
        s.sendall(data)
        while True:
            chunk = s.recv(65536)
            if not chunk:
                return out
            out += chunk


def assert_our_error(status_headers_body, status, code):
    """An answer of our own: the status, every security header once, an X-Request-ID, and a
    JSON {"detail", "code"} body."""
    import json
    got, headers, body = status_headers_body
    assert got == status, (got, body)
    for name, value in SECURITY_HEADERS.items():
        assert headers.get(name.lower()) == [value], (name, headers)
    assert len(headers.get("x-request-id", [])) == 1, headers
    assert headers.get("content-type", [""])[0].startswith("application/json"), headers
    parsed = json.loads(body)
    assert set(parsed) == {"detail", "code"} and parsed["code"] == code, parsed
    return parsed


def assert_one_status_line(data):
    assert data.count(b"HTTP/1.1 ") == 1, data[:400]


# ---- 1. slow headers ---------------------------------------------------------------------------


class Trickler:
    """Connections that send a request line and then one header line every `every` seconds,
    never finishing; each records when the server closed it."""

    def __init__(self, port, sources, per_source, every=0.5):
        self.port = port
        self.every = every
        self.socks = []
        self.opened = {}
        self.closed = {}
        for src in sources:
            for _ in range(per_source):
                s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                s.setblocking(True)
                s.settimeout(5)
                s.bind((src, 0))
                s.connect(("127.0.0.1", port))
                s.sendall(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n")
                s.setblocking(False)
                self.opened[s] = time.monotonic()
                self.socks.append(s)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _check(self, s, now):
        try:
            data = s.recv(4096)
            if data == b"":
                self.closed[s] = now
        except BlockingIOError:
            pass
        except OSError:
            self.closed[s] = now

    def _run(self):
        n = 0
        while not self._stop.is_set():
            now = time.monotonic()
            for s in self.socks:
                if s in self.closed:
                    continue
                self._check(s, now)
                if s not in self.closed:
                    try:
                        s.send(f"X-Slow-{n}: x\r\n".encode())
                    except (BlockingIOError, InterruptedError):
                        pass
                    except OSError:
                        self.closed[s] = now
            n += 1
            self._stop.wait(self.every)

    def all_closed(self):
        return len(self.closed) == len(self.socks)

    def stop(self):
        self._stop.set()
        self._thread.join(timeout=5)
        for s in self.socks:
            s.close()


def test_slow_headers_are_closed_after_the_header_timeout(srv):
    """A few trickling connections (the table far from full) stay open until
    HTTP_HEADER_TIMEOUT, then are closed, although bytes keep coming."""
    case("trickle below the limit")
    t = Trickler(srv.port, ["127.0.0.1"], 5, every=0.3)
    try:
        time.sleep(HEADER_TIMEOUT_S * 0.6)  # the deadline itself is what is tested here
        assert not t.closed, "closed before HTTP_HEADER_TIMEOUT"
        wait_for(t.all_closed, timeout=HEADER_TIMEOUT_S + 3, what="tricklers closed")
        for s, when in t.closed.items():
            age = when - t.opened[s]
            assert HEADER_TIMEOUT_S * 0.8 <= age <= HEADER_TIMEOUT_S + 2.5, age
    finally:
        t.stop()
    assert srv.client.get("/health").status_code == 200


def test_slow_headers_cannot_fill_the_connection_table(module_server):
    """300 trickling connections from six loopback addresses against a table of 120: a normal
    client's /health keeps answering throughout, and every trickler is closed within
    HTTP_HEADER_TIMEOUT (the oldest earlier, to make room)."""
    server = module_server(HTTP_HEADER_TIMEOUT=f"{HEADER_TIMEOUT_S}s", HTTP_MAX_CONNECTIONS="120",
                           HTTP_MAX_CONNECTIONS_PER_IP="60", RATE_LIMIT="0")
    sources = [f"127.0.0.{i}" for i in range(2, 8)]
    t = Trickler(server.port, sources, 50, every=0.5)
    try:
        started = time.monotonic()
        answered = 0
        while time.monotonic() - started < HEADER_TIMEOUT_S + 1:
            case("health while crowded")
            status, _, _ = raw(server, b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                               timeout=5)
            assert status == 200
            answered += 1
            time.sleep(0.05)  # paced, not a load test of /health
        assert answered >= 5
        wait_for(t.all_closed, timeout=HEADER_TIMEOUT_S + 4, what="every trickler closed")
        latest = max(when - t.opened[s] for s, when in t.closed.items())
        assert latest <= HEADER_TIMEOUT_S + 3, latest
    finally:
        t.stop()
    server.wait_for_log(lambda r: r.get("message", "").startswith("connection table nearly full"))


def test_a_completed_request_is_not_cut_by_the_header_timeout(srv):
    """The deadline covers the headers only: a request whose handler keeps the connection past
    HTTP_HEADER_TIMEOUT is answered, and a kept-alive connection serves a second request."""
    case("keep-alive after the timeout")
    with socket.create_connection(("127.0.0.1", srv.port), timeout=10) as s:
        s.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
        assert read_http_response(s).status_code == 200
        time.sleep(HEADER_TIMEOUT_S + 0.5)  # idle (HTTP_IDLE_TIMEOUT 30s), not a header phase
        s.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
        assert read_http_response(s).status_code == 200


# ---- 4. one port, one instance -----------------------------------------------------------------


def test_a_second_instance_on_a_taken_port_refuses_to_start(make_server, binary, tmp_path):
    case("second instance refused")
    port = free_port()
    first = make_server(PORT=str(port))
    env = server_env(tmp_path, {"PORT": str(port), "DATABASE_URL": first.database_url})
    second = subprocess.run([str(binary), "serve"], cwd=tmp_path, env=env, capture_output=True,
                            timeout=30)
    assert second.returncode == 1, second
    text = (second.stdout + second.stderr).decode(errors="replace")
    assert "port is in use" in text and str(port) in text, text
    assert first.client.get("/health").status_code == 200


def test_http_reuse_port_lets_instances_share_a_port(make_server):
    case("shared port")
    port = free_port()
    a = make_server(PORT=str(port), HTTP_REUSE_PORT="true")
    b = make_server(PORT=str(port), HTTP_REUSE_PORT="true", DATABASE_URL=a.database_url)
    assert a.port == b.port == port
    assert a.client.get("/health").status_code == 200


# ---- 8. control characters in paths, queries and headers ---------------------------------------


@pytest.mark.parametrize("target", [
    "/health%00x", "/health%00", "/api/v1/interview/{id}%00", "/api/v1/resume/{id}%00",
    "/api/v1/resume/a%01b", "/he%0Alth", "/health%7F", "/health%09", "/health%1f",
])
def test_control_characters_in_the_path_are_refused(srv, target):
    case(target)
    target = target.replace("{id}", str(uuid.uuid4()))
    got = raw(srv, f"GET {target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
    assert_our_error(got, 400, "BAD_REQUEST")


@pytest.mark.parametrize("query,name", [
    ("status=analyzed%00xyz", "status"), ("status=%00", "status"), ("search=a%01b", "search"),
    ("search=tab%09tab", "search"), ("search=del%7F", "search"), ("x%00y=1", "x"),
    ("skip=0&search=%0D%0A", "search"),
    ("&".join(f"p{i}=1" for i in range(80)) + "&late=%00", "late"),  # past the kept 64
])
def test_control_characters_in_query_values_are_refused(srv, query, name):
    case(query)
    user = new_account(srv.client)
    r = srv.client.get(f"/api/v1/resume/?{query}", headers=auth(user["access"]))
    assert_validation_error(r, ["query", name], "value_error")


@pytest.mark.parametrize("line", [
    b"X-Test: a\x01b", b"X-Test: a\x7fb", b"X-Test: \x1b[31m", b"X-Te\x01st: a", b"X-Test: a\x00b",
    b"X-Test: \x00", b"X-Test: a\rb",
])
def test_control_characters_in_headers_are_refused(srv, line):
    case(repr(line))
    got = raw(srv, b"GET /health HTTP/1.1\r\nHost: x\r\n" + line + b"\r\nConnection: close\r\n\r\n")
    assert_our_error(got, 400, "BAD_REQUEST")


def test_a_control_character_after_many_headers_is_refused(srv):
    case("bad header after 150 good ones")
    many = b"".join(b"X-H%d: v\r\n" % i for i in range(150))
    got = raw(srv, b"GET /health HTTP/1.1\r\nHost: x\r\n" + many + b"X-Late: a\x01\r\n\r\n")
    assert_our_error(got, 400, "BAD_REQUEST")


def test_ordinary_paths_queries_and_header_tabs_still_pass(srv):
    case("tab in header value")
    got = raw(srv, b"GET /health HTTP/1.1\r\nHost: x\r\nX-Test: a\tb\r\nConnection: close\r\n\r\n")
    assert got[0] == 200
    case("encoded space and unicode")
    user = new_account(srv.client)
    r = srv.client.get("/api/v1/resume/?search=a%20b%C3%A9&status=analyzed", headers=auth(user["access"]))
    assert r.status_code == 200, r.text
    case("unknown id still 404")
    r = srv.client.get(f"/api/v1/interview/{uuid.uuid4()}", headers=auth(user["access"]))
    assert_error(r, 404, "NOT_FOUND")


# ---- 9. errors of the request line and headers -------------------------------------------------


def test_missing_or_repeated_host_is_answered_by_the_service(srv):
    for req in (b"GET /health HTTP/1.1\r\nConnection: close\r\n\r\n",
                b"GET /health HTTP/1.1\r\nHost: a\r\nHost: b\r\nConnection: close\r\n\r\n",
                b"POST /api/v1/auth/login HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}"):
        case(req[:40])
        data = raw_all(srv, req)
        assert_one_status_line(data)
        got = raw(srv, req)
        assert_our_error(got, 400, "BAD_REQUEST")
    case("HTTP/1.0 without Host")
    assert raw(srv, b"GET /health HTTP/1.0\r\n\r\n")[0] == 200


@pytest.mark.parametrize("name", [b"X Test", b"X-Test ", b"X(Test)", b"Transfer-Encoding "])
def test_invalid_header_names_are_answered_by_the_service(srv, name):
    case(name)
    req = b"GET /health HTTP/1.1\r\nHost: x\r\n" + name + b": v\r\nConnection: close\r\n\r\n"
    data = raw_all(srv, req)
    assert_one_status_line(data)
    assert_our_error(raw(srv, req), 400, "BAD_REQUEST")


def test_long_targets_and_large_headers_are_answered_by_the_service(srv):
    """HTTP_MAX_HEADER_BYTES (32 KiB here) is enforced by the service up to twice that size."""
    case("414")
    long_path = b"/api/v1/resume/" + b"a" * 40000
    got = raw(srv, b"GET " + long_path + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    assert_our_error(got, 414, "URI_TOO_LONG")
    case("414 via query")
    got = raw(srv, b"GET /health?q=" + b"b" * 40000 + b" HTTP/1.1\r\nHost: x\r\n\r\n")
    assert_our_error(got, 414, "URI_TOO_LONG")
    case("431 one header")
    got = raw(srv, b"GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + b"c" * 40000 + b"\r\n\r\n")
    assert_our_error(got, 431, "HEADERS_TOO_LARGE")
    case("431 many headers")
    many = b"".join(b"X-H%d: %s\r\n" % (i, b"d" * 300) for i in range(120))
    got = raw(srv, b"GET /health HTTP/1.1\r\nHost: x\r\n" + many + b"\r\n")
    assert_our_error(got, 431, "HEADERS_TOO_LARGE")
    case("just below the limit")
    got = raw(srv, b"GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + b"e" * 30000 + b"\r\n\r\n")
    assert got[0] == 200
    assert srv.client.get("/health").status_code == 200


@pytest.mark.parametrize("req,status,code", [
    (b"GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + b"f" * 100000 + b"\r\n\r\n", 431, "HEADERS_TOO_LARGE"),
    (b"GET /health HTTP/1.1\r\nHost: x\r\n" + b"X-F: g\r\n" * 20000 + b"\r\n", 431, "HEADERS_TOO_LARGE"),
    (b"GET /" + b"p" * 200000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", 414, "URI_TOO_LONG"),
])
def test_heads_far_beyond_the_limit_are_answered_by_the_service(srv, req, status, code):
    """However large the request line or headers, the answer is ours, sent once the limit is
    passed without reading the rest."""
    case(f"{status} at {len(req)} bytes")
    with socket.create_connection(("127.0.0.1", srv.port), timeout=10) as s:
        try:
            s.sendall(req)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the answer was sent and the connection closed before all of it was taken
        r = read_http_response(s)
    assert_our_error((r.status_code, r._headers, r.body), status, code)


@pytest.mark.parametrize("value", [b"-1", b"abc", b"1x", b"18446744073709551616", b"+5", b"5, 5",
                                   b"0x10", b""])
def test_malformed_content_length_is_answered_by_the_service(srv, value):
    """A malformed Content-Length is refused with our own 400 (security headers, request id,
    JSON body), one status line, and the connection closed after it."""
    case(value)
    req = b"POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Length: " + value + b"\r\n\r\n{}"
    data = raw_all(srv, req)
    assert_one_status_line(data)
    assert_our_error(raw(srv, req), 400, "BAD_REQUEST")
    assert srv.client.get("/health").status_code == 200


@pytest.mark.parametrize("head", [
    b"Content-Length: 2\r\nContent-Length: 3\r\n",               # two different lengths
    b"Content-Length: 2\r\nTransfer-Encoding: chunked\r\n",       # smuggling
])
def test_conflicting_body_framing_is_refused(srv, head):
    case(head)
    req = b"POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\n" + head + b"\r\n{}"
    data = raw_all(srv, req)
    assert_one_status_line(data)
    assert_our_error(raw(srv, req), 400, "BAD_REQUEST")


@pytest.mark.parametrize("req,status,code", [
    (b"GET /health HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n", 501, "NOT_IMPLEMENTED"),
    (b"GET /health HTTP/2.0\r\nHost: x\r\n\r\n", 505, "HTTP_VERSION_NOT_SUPPORTED"),
    (b"GET /health HTTP/1.1\r\nHost: x\r\n Folded: v\r\n\r\n", 400, "BAD_REQUEST"),
    (b"GET /health HTTP/1.1\r\nHost: x\r\nNo-Colon\r\n\r\n", 400, "BAD_REQUEST"),
    (b"GET /health HTTP/1.1\nHost: x\n\n", 400, "BAD_REQUEST"),
    (b"GET  /health HTTP/1.1\r\nHost: x\r\n\r\n", 400, "BAD_REQUEST"),
    (b"GET /he\x01alth HTTP/1.1\r\nHost: x\r\n\r\n", 400, "BAD_REQUEST"),
    (b"G(T /health HTTP/1.1\r\nHost: x\r\n\r\n", 400, "BAD_REQUEST"),
    (b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n", 200, None),
])
def test_malformed_request_lines_and_fields_are_answered_by_the_service(srv, req, status, code):
    case(req[:40])
    if code is None:
        assert raw(srv, req)[0] == status
        return
    data = raw_all(srv, req)
    assert_one_status_line(data)
    assert_our_error(raw(srv, req), status, code)


def test_malformed_chunked_body_closes_the_connection(srv):
    case("chunk size not hexadecimal")
    data = raw_all(srv, b"POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                   b"Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n")
    assert b"HTTP/1.1 200" not in data and b"HTTP/1.1 401" not in data, data[:300]
    assert srv.client.get("/health").status_code == 200


# ---- 10. bidirectional control characters ------------------------------------------------------

BIDI = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"]


@pytest.mark.parametrize("ch", BIDI)
def test_bidi_controls_are_refused_in_names(srv, ch):
    case(f"register {ord(ch):04X}")
    r = srv.client.post("/api/v1/auth/register", json={"email": f"b{uuid.uuid4().hex[:10]}@example.com",
                                                       "full_name": f"Eve{ch}gnp.exe", "password": "Str0ng!Passw0rd#"})
    assert_validation_error(r, ["body", "full_name"], "value_error")


def test_bidi_controls_are_refused_in_resume_fields_and_stripped_from_file_names(srv):
    user = new_account(srv.client)
    tok = user["access"]
    case("upload file name")
    r = upload(srv.client, tok, "cv\u202etxt.exe\u2066.txt", fixture_text(), "text/plain")
    assert r.status_code == 202, r.text
    body = r.json()
    assert body["file_name"] == "cvtxt.exe.txt", body
    rid = body["id"]
    assert UUID_RE.match(rid)
    for field, value in (("title", "My \u202ecv"), ("description", "line\u2067x"),
                         ("tags", ["ok", "t\u202aag"])):
        case(f"resume {field}")
        r = srv.client.put(f"/api/v1/resume/{rid}", headers=auth(tok), json={field: value})
        assert_validation_error(r, ["body", field], "value_error")
    case("plain title still accepted")
    r = srv.client.put(f"/api/v1/resume/{rid}", headers=auth(tok), json={"title": "Plain title"})
    assert r.status_code == 200, r.text
    case("update profile name")
    r = srv.client.patch("/api/v1/auth/me", headers=auth(tok), json={"full_name": "A\u2068B"})
    assert_validation_error(r, ["body", "full_name"], "value_error")


# ---- malformed ids in bodies -------------------------------------------------------------------


@pytest.mark.parametrize("value", ["nope", "", "1", str(uuid.uuid4())[:-1],
                                   str(uuid.uuid4()) + "0", str(uuid.uuid4()).replace("-", ""),
                                   "zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz", " " * 36])
def test_malformed_resume_id_in_a_body_is_a_validation_error(srv, value):
    case(value)
    user = new_account(srv.client)
    r = srv.client.post("/api/v1/interview/start", headers=auth(user["access"]), json={"resume_id": value})
    assert_validation_error(r, ["body", "resume_id"], "uuid_parsing")


def test_well_formed_unknown_resume_id_is_not_found(srv):
    user = new_account(srv.client)
    for value in (str(uuid.uuid4()), str(uuid.uuid4()).upper()):
        case(value)
        r = srv.client.post("/api/v1/interview/start", headers=auth(user["access"]),
                            json={"resume_id": value})
        assert_error(r, 404, "NOT_FOUND")
