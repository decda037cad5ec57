"""HTTP core of issue 2: routing errors, methods, trailing slash, request ids and the access log,
JSON body rules, slow clients, handler-pool saturation and the connection limit per client
address (which spares TRUSTED_PROXIES)."""

import json
import socket
import threading
import uuid

import httpx
import pytest

from helpers import (
    UUID_RE,
    assert_error,
    assert_validation_error,
    connect,
    get_metrics,
    header_tokens,
    positive_int,
    read_http_response,
    wait_for,
)

# ---- routing ------------------------------------------------------------------------------


def test_unknown_path_is_404(api):
    # Outside /api and the service's own paths, a GET is the web app's (test_web_static.py).
    assert_error(api.get("/api/v1/no/such/path"), 404, "NOT_FOUND", "Not Found")
    assert_error(api.post("/no/such/path"), 404, "NOT_FOUND", "Not Found")


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_wrong_method_is_405_with_allow(api, method):
    r = api.request(method, "/health")
    assert_error(r, 405, "METHOD_NOT_ALLOWED", "Method Not Allowed")
    allow = header_tokens(r.headers.get("allow"))
    assert {"GET", "HEAD", "OPTIONS"} <= set(allow), r.headers.get("allow")


def test_options_on_known_path_is_204_with_allow(api):
    r = api.options("/health")
    assert r.status_code == 204, r.text
    assert r.content == b""
    assert {"GET", "HEAD", "OPTIONS"} <= set(header_tokens(r.headers.get("allow"))), r.headers


def test_options_lists_post_for_echo(api):
    r = api.options("/__test/echo")
    assert r.status_code == 204
    assert "POST" in header_tokens(r.headers.get("allow")), r.headers


def test_head_health_is_200_without_body(api):
    r = api.head("/health")
    assert r.status_code == 200
    assert r.content == b""


@pytest.mark.parametrize("path", ["/health/", "/ready/", "/openapi.json/"])
def test_one_trailing_slash_is_optional(api, path):
    r = api.get(path)
    assert r.status_code == 200, (path, r.status_code, r.text)
    assert r.headers.get("location") is None
    if path == "/health/":
        assert r.json() == {"status": "healthy", "version": "0.1.0"}


def test_two_trailing_slashes_are_not_a_route(api):
    assert_error(api.get("/health//"), 404, "NOT_FOUND", "Not Found")


def test_api_v1_responses_are_not_cached(api):
    r = api.get("/api/v1/no-such-endpoint")
    assert r.status_code == 404
    assert r.headers.get("cache-control") == "no-store", r.headers


# ---- request id and access log ----------------------------------------------------------


@pytest.mark.parametrize("rid", ["abc.DEF_123-xyz", "a", "x" * 128, str(uuid.uuid4())])
def test_valid_request_id_is_echoed(api, rid):
    r = api.get("/health", headers={"X-Request-ID": rid})
    assert r.headers.get_list("x-request-id") == [rid]


@pytest.mark.parametrize(
    "rid", ["x" * 129, "has space", "a/b", "semi;colon", "quote\"d", "", "ünï"], ids=lambda v: repr(v)[:20]
)
def test_invalid_request_id_is_replaced_by_uuid(api, rid):
    headers = {"X-Request-ID": rid.encode("utf-8")}
    r = api.get("/health", headers=headers)
    got = r.headers.get_list("x-request-id")
    assert len(got) == 1 and UUID_RE.match(got[0]), got
    assert got[0] != rid


def test_missing_request_id_gets_a_fresh_uuid_each_time(api):
    ids = {api.get("/health").headers["x-request-id"] for _ in range(3)}
    assert len(ids) == 3 and all(UUID_RE.match(i) for i in ids), ids


def test_error_responses_carry_a_request_id(api):
    for r in (api.get("/api/v1/nope"), api.delete("/health")):
        assert UUID_RE.match(r.headers.get("x-request-id", "")), r.headers


def test_access_log_line_carries_request_id_and_fields(server, api):
    rid = "access-" + uuid.uuid4().hex
    r = api.get("/health", headers={"X-Request-ID": rid})
    assert r.status_code == 200
    line = server.access_log(rid)
    assert line["message"] == "request" and line["level"] == "info", line
    f = line["fields"]
    assert f["method"] == "GET" and f["route"] == "/health" and f["status"] == 200, line
    assert isinstance(f["bytes"], int) and f["bytes"] >= 0, line
    assert isinstance(f["duration_ms"], (int, float)) and f["duration_ms"] >= 0, line
    assert f["client_ip"] == "127.0.0.1", line


def test_access_log_route_is_dash_when_unmatched(server, api):
    rid = "unmatched-" + uuid.uuid4().hex
    assert api.get("/api/v1/no/such/thing", headers={"X-Request-ID": rid}).status_code == 404
    f = server.access_log(rid)["fields"]
    assert f["route"] == "-" and f["status"] == 404, f


def test_generated_request_id_is_logged(server, api):
    """The id is the server's own, not an echo: for a request without one and for one with an
    invalid one, the answer carries a UUID that differs from what was sent and from the other's,
    and the access line of that request carries the same UUID."""
    sent = "bad id"
    bad = api.get("/health", headers={"X-Request-ID": sent}).headers.get_list("x-request-id")
    none = api.get("/health").headers.get_list("x-request-id")
    assert len(bad) == 1 and len(none) == 1, (bad, none)
    for rid in (bad[0], none[0]):
        assert UUID_RE.match(rid) and rid != sent, rid
        line = server.access_log(rid)
        assert line["request_id"] == rid and line["fields"]["route"] == "/health", line
    assert bad[0] != none[0]


def test_access_log_never_contains_the_query_string(server, api):
    rid = "query-" + uuid.uuid4().hex
    assert api.get("/health?token=supersecret", headers={"X-Request-ID": rid}).status_code == 200
    server.access_log(rid)
    leaked = [line for line in server.raw_logs() if "supersecret" in line]
    assert not leaked, leaked
    assert "supersecret" not in server.stderr


# ---- JSON body rules (POST /__test/echo) ----------------------------------------------------


def test_json_object_is_echoed(api):
    r = api.post("/__test/echo", content=b'{"k": "v", "n": [1, 2]}',
                 headers={"Content-Type": "application/json; charset=utf-8"})
    assert r.status_code == 200, r.text
    assert r.json() == {"received": {"k": "v", "n": [1, 2]}}


@pytest.mark.parametrize("ctype", ["text/plain", "application/x-www-form-urlencoded", None])
def test_wrong_content_type_is_415(api, ctype):
    headers = {"Content-Type": ctype} if ctype else {}
    r = api.post("/__test/echo", content=b'{"a": 1}', headers=headers)
    assert_error(r, 415, "UNSUPPORTED_MEDIA_TYPE")


@pytest.mark.parametrize("body", [b'{"a":', b"{'a': 1}", b"not json", b'{"a": 1} trailing'])
def test_invalid_json_is_422_json_invalid(api, body):
    r = api.post("/__test/echo", content=body, headers={"Content-Type": "application/json"})
    assert_validation_error(r, ["body"], "json_invalid")


@pytest.mark.parametrize("body", [[1, 2], "text", 3, None, True])
def test_non_object_json_is_422_dict_type(api, body):
    r = api.post("/__test/echo", content=json.dumps(body).encode(), headers={"Content-Type": "application/json"})
    assert_validation_error(r, ["body"], "dict_type")


@pytest.fixture(scope="module")
def small_body_server(module_server):
    return module_server(MAX_JSON_BODY=1024)


def _json_of_size(n):
    doc = b'{"pad":"' + b"x" * (n - 10) + b'"}'
    assert len(doc) == n
    return doc


def test_body_at_the_limit_is_accepted(small_body_server):
    r = small_body_server.client.post("/__test/echo", content=_json_of_size(1024),
                                      headers={"Content-Type": "application/json"})
    assert r.status_code == 200, r.text


@pytest.mark.parametrize("size", [1025, 2000])
def test_body_over_the_limit_is_413(small_body_server, size):
    r = small_body_server.client.post("/__test/echo", content=_json_of_size(size),
                                      headers={"Content-Type": "application/json"})
    assert_error(r, 413, "PAYLOAD_TOO_LARGE")


def test_chunked_body_over_the_limit_is_413(small_body_server):
    # No Content-Length: the limit must hold while the body streams in. Raw socket, so that the
    # outcome does not depend on the client's write timing.
    body = _json_of_size(2000)
    chunked = b"".join(b"%x\r\n%s\r\n" % (len(body[i:i + 500]), body[i:i + 500]) for i in range(0, 2000, 500))
    with connect(small_body_server.port) as s:
        s.sendall(b"POST /__test/echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  b"Transfer-Encoding: chunked\r\n\r\n" + chunked + b"0\r\n\r\n")
        r = read_http_response(s)
    assert r.status_code == 413, (r.status_code, r.body)
    assert r.json()["code"] == "PAYLOAD_TOO_LARGE", r.body


def test_chunked_body_under_the_limit_is_accepted(small_body_server):
    body = b'{"a": [1, 2, 3]}'
    with connect(small_body_server.port) as s:
        s.sendall(b"POST /__test/echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                  + b"%x\r\n%s\r\n0\r\n\r\n" % (len(body), body))
        r = read_http_response(s)
    assert r.status_code == 200, (r.status_code, r.body)
    assert r.json() == {"received": {"a": [1, 2, 3]}}


def test_huge_content_length_is_refused_before_the_body_is_sent(server):
    with connect(server.port) as s:
        s.sendall(
            b"POST /__test/echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Content-Length: 50000000\r\n\r\n" + b'{"a":'
        )
        r = read_http_response(s)  # never sends the other ~50 MB
    assert r.status_code == 413, (r.status_code, r.body)
    body = r.json()
    assert set(body) == {"detail", "code"} and body["code"] == "PAYLOAD_TOO_LARGE", body


# ---- slow clients ---------------------------------------------------------------------------


def test_idle_connection_with_partial_request_is_closed(make_server):
    srv = make_server(HTTP_IDLE_TIMEOUT="1s")
    with connect(srv.port, timeout=15) as s:
        s.sendall(b"GET /health HT")
        received = b""
        try:
            while chunk := s.recv(65536):  # socket.timeout (15 s) fails the test
                received += chunk
        except ConnectionResetError:
            pass
    # Closed by the server. (A 408 before closing would be acceptable; a 200 would not.)
    assert b" 200 " not in received.split(b"\r\n", 1)[0], received
    assert srv.client.get("/health").status_code == 200


# ---- handler pool saturation ------------------------------------------------------------------


def test_saturated_handler_pool_answers_503_and_health_stays_up(make_server):
    srv = make_server(HANDLER_THREADS=1, HANDLER_QUEUE_MAX=1)
    events = []  # (kind, status, response) in arrival order
    lock = threading.Lock()
    got_503 = threading.Event()

    def sleeper(barrier=None):
        with httpx.Client(base_url=srv.url, timeout=30) as c:
            if barrier is not None:
                barrier.wait()
            try:
                r = c.get("/__test/sleep", params={"ms": 3000})
            except httpx.HTTPError as exc:  # recorded, fails below
                r = exc
        with lock:
            events.append(("sleep", getattr(r, "status_code", None), r))
        if getattr(r, "status_code", None) == 503:
            got_503.set()

    # First occupy the only handler thread, so that the queue state below does not depend on
    # how fast the worker picks its first job up.
    threads = [threading.Thread(target=sleeper)]
    threads[0].start()
    burst = 4
    barrier = threading.Barrier(burst)
    try:
        wait_for(lambda: get_metrics(srv.client).get("interviewace_handler_threads_busy") == 1,
                 what="the handler thread to be busy")
        for _ in range(burst):
            threads.append(threading.Thread(target=sleeper, args=(barrier,)))
            threads[-1].start()
        assert got_503.wait(timeout=25), "no 503 while the pool was saturated"
        h = srv.client.get("/health")
        with lock:
            events.append(("health", h.status_code, h))
        during = get_metrics(srv.client)
    finally:
        for t in threads:
            t.join(timeout=30)

    kinds = [(k, s) for k, s, _ in events]
    sleeps = [(s, r) for k, s, r in events if k == "sleep"]
    assert len(sleeps) == 1 + burst, kinds
    assert all(s in (200, 503) for s, _ in sleeps), [(s, r) for s, r in sleeps]
    # One request runs, one waits in the queue (HANDLER_QUEUE_MAX=1), the rest are refused.
    assert [s for s, _ in sleeps].count(200) == 2, kinds
    first_200 = kinds.index(("sleep", 200))
    assert kinds.index(("sleep", 503)) < first_200, kinds
    assert kinds.index(("health", 200)) < first_200, kinds  # /health answered during saturation

    for s, r in sleeps:
        if s == 200:
            assert r.json() == {"slept_ms": 3000}
        else:
            assert_error(r, 503, "SERVICE_UNAVAILABLE")
            positive_int(r.headers.get("retry-after"))
    assert during.get("interviewace_handler_queue_capacity") == 1
    assert during.get("interviewace_handler_queue_depth") == 1
    assert during.get("interviewace_handler_threads_busy") == 1
    rejected = get_metrics(srv.client).get("interviewace_handler_rejected_total")
    assert rejected == burst - 1, rejected


# ---- connections per client address ---------------------------------------------------------


def served_connection(port, source):
    """A keep-alive connection from the loopback address source that has been answered once:
    the open socket, or None when the server closed it instead of answering."""
    s = socket.create_connection(("127.0.0.1", port), timeout=10, source_address=(source, 0))
    try:
        s.sendall(b"GET /health HTTP/1.1\r\nHost: test\r\n\r\n")
        r = read_http_response(s)
    except (AssertionError, ConnectionResetError, BrokenPipeError):  # closed unanswered
        s.close()
        return None
    assert r.status_code == 200, r.body
    return s


def test_connection_limit_per_ip_spares_trusted_proxies(make_server):
    """A reverse proxy carries many clients' connections from one address: the addresses of
    TRUSTED_PROXIES are not held to HTTP_MAX_CONNECTIONS_PER_IP, every other address is."""
    srv = make_server(HTTP_MAX_CONNECTIONS_PER_IP=2, TRUSTED_PROXIES="127.0.0.2")
    held = []
    try:
        proxy = [served_connection(srv.port, "127.0.0.2") for _ in range(5)]
        held += proxy
        assert all(proxy), proxy
        client = [served_connection(srv.port, "127.0.0.3") for _ in range(3)]
        held += client
        assert client[0] is not None and client[1] is not None, client
        assert client[2] is None, "a third connection from an untrusted address was served"
        other = served_connection(srv.port, "127.0.0.4")  # each address has its own count
        held.append(other)
        assert other is not None
        # A closed connection gives its place back.
        client[0].close()
        again = wait_for(lambda: served_connection(srv.port, "127.0.0.3"), what="a place given back")
        held.append(again)
        assert served_connection(srv.port, "127.0.0.3") is None
    finally:
        for s in held:
            if s is not None:
                s.close()


# ---- the transport: keep-alive, pipelining, Expect, HTTP/1.0, HEAD ---------------------------


def _read_all(s):
    out = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            return out
        out += chunk


def _split_responses(data):
    """Cuts a byte stream of responses with Content-Length into (status, headers, body)."""
    out = []
    while data:
        head, _, rest = data.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        n = int(headers.get("content-length", "0"))
        out.append((int(lines[0].split()[1]), headers, rest[:n]))
        data = rest[n:]
    return out


def test_pipelined_requests_are_answered_in_order(server):
    reqs = b"".join(b"GET /health HTTP/1.1\r\nHost: x\r\nX-Request-ID: pipe-%d\r\n\r\n" % i
                    for i in range(1, 6))
    reqs += b"POST /__test/echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 8\r\n\r\n{\"a\": 1}"
    reqs += b"GET /health HTTP/1.1\r\nHost: x\r\nX-Request-ID: pipe-last\r\nConnection: close\r\n\r\n"
    with connect(server.port) as s:
        s.sendall(reqs)
        got = _split_responses(_read_all(s))
    assert [g[0] for g in got] == [200] * 7, got
    ids = [g[1]["x-request-id"] for g in got]
    assert ids[:5] == [f"pipe-{i}" for i in range(1, 6)] and ids[6] == "pipe-last", ids
    assert json.loads(got[5][2]) == {"received": {"a": 1}}
    assert got[6][1].get("connection") == "close"
    assert all("connection" not in g[1] for g in got[:6]), got


def test_expect_100_continue_is_answered_before_the_body(server):
    body = b'{"b": 2}'
    with connect(server.port) as s:
        s.sendall(b"POST /__test/echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  b"Expect: 100-continue\r\nContent-Length: %d\r\n\r\n" % len(body))
        interim = b""
        while b"\r\n\r\n" not in interim:
            chunk = s.recv(4096)
            assert chunk, interim
            interim += chunk
        assert interim == b"HTTP/1.1 100 Continue\r\n\r\n", interim
        s.sendall(body)
        r = read_http_response(s)
    assert r.status_code == 200 and r.json() == {"received": {"b": 2}}, r.body


def test_expect_100_continue_is_not_sent_when_refused_from_the_headers(server):
    with connect(server.port) as s:
        s.sendall(b"POST /__test/echo HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\n"
                  b"Expect: 100-continue\r\nContent-Length: 5\r\n\r\n")
        r = read_http_response(s)
    assert r.status_code == 415, r.body  # no 100 first: the body is never wanted


def test_http10_closes_unless_kept_alive(server):
    with connect(server.port) as s:
        s.sendall(b"GET /health HTTP/1.0\r\n\r\n")
        got = _split_responses(_read_all(s))  # the server closes after one answer
    assert len(got) == 1 and got[0][0] == 200 and got[0][1].get("connection") == "close"
    with connect(server.port) as s:
        for _ in range(2):
            s.sendall(b"GET /health HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
            r = read_http_response(s)
            assert r.status_code == 200 and "connection" not in r._headers, r._headers


def test_head_has_the_get_length_and_no_body(server):
    with connect(server.port) as s:
        s.sendall(b"HEAD /health HTTP/1.1\r\nHost: x\r\n\r\nGET /health HTTP/1.1\r\nHost: x\r\n"
                  b"Connection: close\r\n\r\n")
        data = _read_all(s)
    head, _, rest = data.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200 ")
    length = int([l for l in head.split(b"\r\n") if l.lower().startswith(b"content-length:")][0].split(b":")[1])
    assert length > 0
    # The next bytes are the GET's answer, not a body of the HEAD.
    assert rest.startswith(b"HTTP/1.1 200 "), rest[:60]
    assert len(_split_responses(rest)[0][2]) == length


def test_an_answer_before_the_body_closes_the_connection(server):
    with connect(server.port) as s:
        s.sendall(b"POST /__test/echo HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\n"
                  b"Content-Length: 100000\r\n\r\n" + b"x" * 1000)
        data = _read_all(s)
    got = _split_responses(data)
    assert len(got) == 1 and got[0][0] == 415 and got[0][1].get("connection") == "close", got


def test_a_malformed_chunked_body_closes_the_connection(server):
    with connect(server.port) as s:
        s.sendall(b"POST /__test/echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  b"Transfer-Encoding: chunked\r\n\r\n8\r\n{\"a\": 1}XX")
        assert _read_all(s) == b""
    assert server.client.get("/health").status_code == 200
