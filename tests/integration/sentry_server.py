"""A capturing Sentry server for the integration tests, standard library only.

It listens on 127.0.0.1 (a free port by default), one thread per connection, and speaks the
envelope endpoint of the Sentry protocol, POST /api/<project_id>/envelope/. Every request is
recorded with its path, lower-cased headers and raw body; an envelope is also taken apart into
its header and items (each item header's "length" is honoured, as the protocol says):

    srv = SentryTestServer().start()
    ... point the service at srv.dsn (SENTRY_DSN) ...
    env = srv.wait_for(lambda e: e.event.get("logger") == "http", timeout=10)
    env.event["tags"]["status"], env.auth["sentry_key"], env.raw
    srv.stop()

How it answers is configurable while it runs:
    srv.answer(status=429, headers={"Retry-After": "60"})   every later request
    srv.answer(status=200, headers={"X-Sentry-Rate-Limits": "60:error:key"})
    srv.answer(delay=5.0)      wait 5 s before answering (a slow server)
    srv.answer(block=True)     hold every request until release() or stop()
    srv.reset()                answer 200 {"id": ...} at once again and forget the requests

A "dead" server is none at all: free_port() gives a port on which nothing listens.
"""

import json
import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable, Optional

MAX_BODY = 1024 * 1024
PUBLIC_KEY = "0123456789abcdef0123456789abcdef"
PROJECT_ID = "42"


def free_port() -> int:
    """A loopback port nothing listens on (bound once, then closed)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def parse_auth(value: str) -> dict:
    """'Sentry sentry_version=7, sentry_key=k, ...' -> {'sentry_version': '7', ...}"""
    value = (value or "").strip()
    if not value.startswith("Sentry "):
        return {}
    out = {}
    for part in value[len("Sentry "):].split(","):
        name, _, val = part.strip().partition("=")
        out[name] = val
    return out


def parse_envelope(raw: bytes):
    """(header, [(item_header, payload_bytes)]) of an envelope; raises ValueError when the
    envelope is malformed."""
    head, sep, rest = raw.partition(b"\n")
    if not sep:
        raise ValueError("no envelope header line")
    header = json.loads(head)
    items = []
    while rest:
        line, sep, rest = rest.partition(b"\n")
        if not line and not rest:
            break
        item_header = json.loads(line)
        length = item_header.get("length")
        if length is None:
            payload, _, rest = rest.partition(b"\n")
        else:
            if len(rest) < length:
                raise ValueError(f"item shorter than its length {length}")
            payload, rest = rest[:length], rest[length:]
            if rest.startswith(b"\n"):
                rest = rest[1:]
        items.append((item_header, payload))
    return header, items


@dataclass
class CapturedEnvelope:
    path: str
    headers: dict  # lower-case name -> value
    raw: bytes
    t: float  # monotonic arrival time
    header: dict = field(default_factory=dict)
    items: list = field(default_factory=list)
    error: Optional[str] = None  # why the envelope could not be parsed

    @property
    def auth(self) -> dict:
        return parse_auth(self.headers.get("x-sentry-auth", ""))

    @property
    def event(self) -> dict:
        """The payload of the first item of type "event", parsed ({} when there is none)."""
        for item_header, payload in self.items:
            if item_header.get("type") == "event":
                return json.loads(payload)
        return {}

    @property
    def text(self) -> str:
        return self.raw.decode("utf-8", errors="replace")


class SentryTestServer:
    def __init__(self, host="127.0.0.1", port=0, public_key=PUBLIC_KEY, project_id=PROJECT_ID):
        self.public_key = public_key
        self.project_id = project_id
        self._lock = threading.Condition()
        self._envelopes = []
        self._status = 200
        self._headers = {}
        self._delay = 0.0
        self._block = False
        self._stopping = threading.Event()
        self._release = threading.Event()
        srv = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # quiet
                pass

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(min(length, MAX_BODY)) if length else b""
                srv._record(self.path, {k.lower(): v for k, v in self.headers.items()}, raw)
                status, headers, delay, block = srv._answer_spec()
                if block:
                    while not (srv._release.is_set() or srv._stopping.is_set()):
                        srv._release.wait(0.05)
                elif delay:
                    srv._stopping.wait(delay)
                expected = f"/api/{srv.project_id}/envelope/"
                if self.path != expected:
                    status, headers = 404, {}
                body = json.dumps({"id": "0" * 32} if status == 200 else {"detail": "refused"})
                self._send(status, body.encode(), headers)

            def _send(self, status, body, headers):
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    self.send_header("Connection", "close")
                    for k, v in headers.items():
                        self.send_header(k, str(v))
                    self.end_headers()
                    self.wfile.write(body)
                except OSError:
                    pass  # the client gave up (its timeout): nothing to answer
                self.close_connection = True

        self.server = ThreadingHTTPServer((host, port), Handler)
        self.server.daemon_threads = True
        self._thread = None

    # -- control ---------------------------------------------------------------------------
    @property
    def port(self) -> int:
        return self.server.server_address[1]

    @property
    def dsn(self) -> str:
        return f"http://{self.public_key}@127.0.0.1:{self.port}/{self.project_id}"

    def start(self) -> "SentryTestServer":
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        self.server.shutdown()
        self.server.server_close()

    def answer(self, status=200, headers=None, delay=0.0, block=False) -> None:
        """How every later request is answered (see the module docstring)."""
        with self._lock:
            self._status = status
            self._headers = dict(headers or {})
            self._delay = delay
            self._block = block
            if block:
                self._release.clear()

    def release(self) -> None:
        """Lets blocked requests answer (with the current status)."""
        with self._lock:
            self._block = False
        self._release.set()

    def reset(self) -> None:
        self.answer()
        self.release()
        with self._lock:
            self._envelopes.clear()

    def _answer_spec(self):
        with self._lock:
            return self._status, dict(self._headers), self._delay, self._block

    def _record(self, path, headers, raw) -> None:
        env = CapturedEnvelope(path=path, headers=headers, raw=raw, t=time.monotonic())
        try:
            env.header, env.items = parse_envelope(raw)
        except (ValueError, json.JSONDecodeError) as exc:
            env.error = str(exc)
        with self._lock:
            self._envelopes.append(env)
            self._lock.notify_all()

    # -- reading ---------------------------------------------------------------------------
    @property
    def envelopes(self) -> list:
        with self._lock:
            return list(self._envelopes)

    def wait_for(self, predicate: Callable[[CapturedEnvelope], bool], timeout: float = 10.0):
        """The first captured envelope satisfying predicate, waiting for it if needed."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                for env in self._envelopes:
                    if predicate(env):
                        return env
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    seen = [(e.path, e.event.get("logger"), e.event.get("level")) for e in self._envelopes]
                    raise AssertionError(f"no matching envelope within {timeout}s; got {seen}")
                self._lock.wait(min(remaining, 0.1))

    def wait_count(self, n: int, timeout: float = 10.0) -> list:
        """Waits until at least n envelopes arrived; returns them all."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while len(self._envelopes) < n:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"{len(self._envelopes)} envelopes within {timeout}s, expected {n}")
                self._lock.wait(min(remaining, 0.1))
            return list(self._envelopes)


if __name__ == "__main__":  # standalone, for trying `interviewace sentry test` by hand
    server = SentryTestServer().start()
    print(f"SENTRY_DSN={server.dsn}", flush=True)
    shown = 0
    try:
        while True:
            got = server.wait_count(shown + 1, timeout=3600)
            for env in got[shown:]:
                print(json.dumps(env.event, indent=2), flush=True)
            shown = len(got)
    except KeyboardInterrupt:
        server.stop()
