"""A fake LLM provider for the tests: one loopback HTTP server that speaks both APIs InterviewAce
calls (Python standard library only, runs under /usr/bin/python3).

  Gemini   POST /v1beta/models/{model}:generateContent   -> {"candidates":[{"content":{"parts":[{"text"}]}}]}
  OpenAI   POST {prefix}/chat/completions                -> {"choices":[{"message":{"content"}}]}

Each answer comes from a queue of scripted responses (then from the default response):

  {"status": 200,                 HTTP status (default 200)
   "json": {...},                 the model's answer object, wrapped in the right envelope
   "json_text": "...",            the model's answer text as is (e.g. broken JSON)
   "malformed": true,             shorthand: an envelope whose answer text is not JSON
   "auto": true,                  a valid answer built from the request's own response schema
   "body": "...",                 the raw HTTP body, no envelope
   "headers": {"Retry-After": "1"},
   "delay_ms": 200,               wait before answering
   "hang": true, "hang_s": 10}    never answer (until hang_s passes or the server stops)

The default response is {"auto": true}. Every request is recorded (monotonic arrival time,
method, path, lower-cased headers, body), so tests can assert on prompts, headers and timing.

Control, for use from another process: POST /_script {"responses": [...], "default": {...}},
GET /_requests, POST /_reset. In-process: FakeLLM().start(), .script(...), .set_default(...),
.requests(), .reset(), .stop(). Standalone: /usr/bin/python3 tests/fake_llm.py [--port N].
"""

import argparse
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MALFORMED_TEXT = '{"score": 71, "feedback": "unterminated'


def example_from_schema(schema, name=""):
    """A value that satisfies a JSON schema in either dialect (OpenAI strict or Gemini's
    upper-case OpenAPI subset), as a cooperative model would answer."""
    if not isinstance(schema, dict):
        return None
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    kind = (kind or "object").lower()
    if "enum" in schema:
        values = [v for v in schema["enum"] if v is not None]
        return values[0] if values else None
    if kind == "object":
        props = schema.get("properties", {})
        return {k: example_from_schema(v, k) for k, v in props.items()}
    if kind == "array":
        count = max(int(schema.get("minItems", 1) or 1), 1)
        if "maxItems" in schema:
            count = min(count, int(schema["maxItems"]))
        return [example_from_schema(schema.get("items", {}), name) for _ in range(count)]
    if kind in ("number", "integer"):
        lo = float(schema.get("minimum", 0))
        hi = float(schema.get("maximum", lo + 100))
        value = lo + (hi - lo) * 0.7
        return int(value) if kind == "integer" else round(value, 2)
    if kind == "boolean":
        return True
    return f"fake {name or 'text'}"


class FakeLLM:
    def __init__(self, host="127.0.0.1", port=0):
        self._lock = threading.Lock()
        self._queue = []
        self._default = {"auto": True}
        self._requests = []
        self._stopping = threading.Event()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # quiet
                pass

            def do_GET(self):
                if self.path == "/_requests":
                    self._send(200, json.dumps(fake.requests()).encode())
                else:
                    self._send(404, b'{"error":"not found"}')

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                if self.path == "/_script":
                    spec = json.loads(raw or b"{}")
                    fake.script(*spec.get("responses", []))
                    if "default" in spec:
                        fake.set_default(spec["default"])
                    return self._send(200, b'{"ok":true}')
                if self.path == "/_reset":
                    fake.reset()
                    return self._send(200, b'{"ok":true}')
                fake._answer(self, raw)

            def _send(self, status, body, headers=None):
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Connection", "close")
                for k, v in (headers or {}).items():
                    self.send_header(k, str(v))
                self.end_headers()
                self.wfile.write(body)
                self.close_connection = True

        self.server = ThreadingHTTPServer((host, port), Handler)
        self.server.daemon_threads = True
        self._thread = None

    # -- control ---------------------------------------------------------------------------
    @property
    def url(self):
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self):
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self):
        self._stopping.set()
        self.server.shutdown()
        self.server.server_close()

    def script(self, *responses):
        with self._lock:
            self._queue.extend(responses)
        return self

    def set_default(self, response):
        with self._lock:
            self._default = dict(response)
        return self

    def reset(self):
        with self._lock:
            self._queue.clear()
            self._requests.clear()
            self._default = {"auto": True}

    def requests(self):
        with self._lock:
            return [dict(r) for r in self._requests]

    def wait_requests(self, n, timeout=10.0):
        """Waits until at least n requests arrived; returns them."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            got = self.requests()
            if len(got) >= n:
                return got
            time.sleep(0.01)
        raise AssertionError(f"fake LLM got {len(self.requests())} requests, expected {n}")

    # -- answering -------------------------------------------------------------------------
    def _answer(self, handler, raw):
        path = handler.path
        api = "gemini" if ":generateContent" in path else "openai" if path.endswith("/chat/completions") else None
        text = raw.decode("utf-8", errors="replace")
        try:
            body = json.loads(text)
        except ValueError:
            body = None
        with self._lock:
            self._requests.append({
                "t": time.monotonic(),
                "api": api,
                "method": handler.command,
                "path": path,
                "headers": {k.lower(): v for k, v in handler.headers.items()},
                "body": text,
                "json": body,
            })
            spec = self._queue.pop(0) if self._queue else dict(self._default)
        if api is None:
            return handler._send(404, b'{"error":"unknown path"}')
        if spec.get("delay_ms"):
            self._stopping.wait(spec["delay_ms"] / 1000.0)
        if spec.get("hang"):
            self._stopping.wait(float(spec.get("hang_s", 10)))
            handler.close_connection = True
            return None
        status = int(spec.get("status", 200))
        headers = spec.get("headers") or {}
        if "body" in spec:
            payload = spec["body"] if isinstance(spec["body"], str) else json.dumps(spec["body"])
            return handler._send(status, payload.encode(), headers)
        if status != 200:
            err = {"error": {"code": status, "message": "scripted failure", "status": "FAKE"}}
            return handler._send(status, json.dumps(err).encode(), headers)
        if spec.get("malformed"):
            answer = MALFORMED_TEXT
        elif "json_text" in spec:
            answer = spec["json_text"]
        elif "json" in spec:
            answer = json.dumps(spec["json"])
        else:
            answer = json.dumps(example_from_schema(self._schema_of(api, body)))
        return handler._send(status, json.dumps(self._envelope(api, body, answer)).encode(), headers)

    @staticmethod
    def _schema_of(api, body):
        body = body or {}
        if api == "gemini":
            return body.get("generationConfig", {}).get("responseSchema", {})
        return body.get("response_format", {}).get("json_schema", {}).get("schema", {})

    @staticmethod
    def _envelope(api, body, text):
        if api == "gemini":
            return {"candidates": [{"content": {"role": "model", "parts": [{"text": text}]},
                                    "finishReason": "STOP", "index": 0}],
                    "modelVersion": "fake-gemini"}
        return {"id": "chatcmpl-fake", "object": "chat.completion",
                "model": (body or {}).get("model", "fake"),
                "choices": [{"index": 0, "message": {"role": "assistant", "content": text},
                             "finish_reason": "stop"}]}


def main():
    parser = argparse.ArgumentParser(description="Fake Gemini / OpenAI-compatible LLM server")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    fake = FakeLLM(args.host, args.port)
    print(f"fake LLM listening on {fake.url}", flush=True)
    try:
        fake.server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
