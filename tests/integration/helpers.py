"""Small helpers shared by the integration tests: contract constants, raw HTTP over a socket,
a Prometheus text parser and polling."""

import re
import socket
import time

VERSION = "0.1.0"

# API.md §1.7 — exact values, on every response.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; object-src 'none'; "
    "base-uri 'self'; frame-ancestors 'none'; form-action 'self'",
    "Strict-Transport-Security": "max-age=31536000; includeSubDomains",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Permissions-Policy": "camera=(), geolocation=(), payment=(), microphone=(self)",
}

UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
TIMESTAMP_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")


def header_tokens(value):
    """'GET, HEAD,OPTIONS' -> ['GET', 'HEAD', 'OPTIONS']"""
    return [t.strip() for t in (value or "").split(",") if t.strip()]


def assert_security_headers(headers, what=""):
    for name, expected in SECURITY_HEADERS.items():
        values = headers.get_list(name) if hasattr(headers, "get_list") else headers.get(name.lower(), [])
        assert values == [expected], f"{what}: {name} = {values!r}, expected exactly [{expected!r}]"


def assert_error(response, status, code, detail=None):
    """A {"detail": ..., "code": ...} error body (exactly those two keys, JSON content type)."""
    assert response.status_code == status, (status, response.status_code, response.text)
    assert response.headers.get("content-type", "").startswith("application/json"), response.headers
    body = response.json()
    assert set(body) == {"detail", "code"}, body
    assert body["code"] == code, body
    if detail is not None:
        assert body["detail"] == detail, body
    else:
        assert isinstance(body["detail"], (str, list)) and body["detail"], body
    return body


def assert_validation_error(response, loc, type_):
    """422 VALIDATION_ERROR whose detail list has an item {loc, msg, type} with this loc/type."""
    assert response.status_code == 422, (response.status_code, response.text)
    body = response.json()
    assert set(body) == {"detail", "code"}, body
    assert body["code"] == "VALIDATION_ERROR", body
    assert isinstance(body["detail"], list) and body["detail"], body
    for item in body["detail"]:
        assert set(item) == {"loc", "msg", "type"}, item
        assert isinstance(item["msg"], str) and item["msg"], item
        assert item["loc"] and item["loc"][0] in ("body", "query"), item
    assert any(i["loc"] == loc and i["type"] == type_ for i in body["detail"]), body
    return body


def positive_int(value):
    assert value is not None and re.fullmatch(r"[0-9]+", value) and int(value) > 0, value
    return int(value)


def wait_for(predicate, timeout=10.0, interval=0.02, what="condition"):
    """Polls predicate() until it returns a truthy value; returns that value."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(interval)


# ---- raw HTTP -----------------------------------------------------------------------------


class RawResponse:
    def __init__(self, status, headers, body):
        self.status_code = status
        self._headers = headers  # lower-case name -> [values]
        self.body = body

    @property
    def headers(self):
        return {k: ", ".join(v) for k, v in self._headers.items()}

    def header_list(self, name):
        return self._headers.get(name.lower(), [])

    def json(self):
        import json

        return json.loads(self.body)


def read_http_response(sock):
    """Reads one HTTP/1.x response (Content-Length, chunked or until close) from sock."""
    buf = b""
    while b"\r\n\r\n" not in buf:
        chunk = sock.recv(65536)
        if not chunk:
            raise AssertionError(f"connection closed before a complete response head: {buf!r}")
        buf += chunk
    head, _, rest = buf.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers.setdefault(name.strip().lower(), []).append(value.strip())
    if "content-length" in headers:
        length = int(headers["content-length"][0])
        while len(rest) < length:
            chunk = sock.recv(65536)
            if not chunk:
                break
            rest += chunk
        body = rest[:length]
    elif "chunked" in ",".join(headers.get("transfer-encoding", [])).lower():
        while not rest.endswith(b"0\r\n\r\n"):
            chunk = sock.recv(65536)
            if not chunk:
                break
            rest += chunk
        body, data = b"", rest
        while data:
            size_line, _, data = data.partition(b"\r\n")
            size = int(size_line.split(b";")[0], 16)
            if size == 0:
                break
            body, data = body + data[:size], data[size + 2 :]
    else:
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            rest += chunk
        body = rest
    return RawResponse(status, headers, body)


def connect(port, host="127.0.0.1", timeout=15.0):
    return socket.create_connection((host, port), timeout=timeout)


# ---- Prometheus text format ----------------------------------------------------------------

_SAMPLE_RE = re.compile(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+-?\d+)?$")
_LABEL_RE = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


class Metrics:
    def __init__(self, text):
        self.text = text
        self.samples = []  # (name, {labels}, value)
        self.types = {}  # name -> type
        for line in text.splitlines():
            if not line.strip():
                continue
            if line.startswith("#"):
                parts = line.split()
                if len(parts) >= 4 and parts[1] == "TYPE":
                    self.types[parts[2]] = parts[3]
                continue
            m = _SAMPLE_RE.match(line)
            assert m, f"unparseable metrics line: {line!r}"
            labels = dict(_LABEL_RE.findall(m.group(2) or ""))
            self.samples.append((m.group(1), labels, float(m.group(3))))

    def names(self):
        return {n for n, _, _ in self.samples} | set(self.types)

    def get(self, name, default=None, **labels):
        """Value of the sample with exactly these labels."""
        for n, lab, value in self.samples:
            if n == name and lab == labels:
                return value
        return default

    def find(self, name, **labels):
        """All samples of name whose labels include the given ones."""
        return [(lab, v) for n, lab, v in self.samples if n == name and all(lab.get(k) == w for k, w in labels.items())]


def get_metrics(client):
    r = client.get("/metrics")
    assert r.status_code == 200, r.text
    return Metrics(r.text)
