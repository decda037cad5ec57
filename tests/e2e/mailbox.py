"""The browser tests' mailbox: the integration tests' capturing SMTP server
(tests/integration/smtp_server.py) plus a small JSON view of what it received, both on
127.0.0.1 at free ports. The first line printed is {"smtp_port": N, "http_port": M}; it runs
until its standard input closes or it is signalled.

    GET /messages  ->  [{"to": [...], "subject": "...", "body": "...", "links": [...]}, ...]
"""

import json
import signal
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "integration"))
from smtp_server import SmtpTestServer  # noqa: E402


def main() -> int:
    smtp = SmtpTestServer().start()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server's naming)
            if self.path.split("?")[0] != "/messages":
                self.send_error(404)
                return
            body = json.dumps([
                {"to": m.rcpt_tos, "subject": m.subject, "body": m.body, "links": m.links()}
                for m in smtp.messages
            ]).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, fmt, *args):
            pass

    http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=http.serve_forever, daemon=True).start()
    print(json.dumps({"smtp_port": smtp.port, "http_port": http.server_address[1]}), flush=True)

    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    threading.Thread(target=lambda: (sys.stdin.read(), done.set()), daemon=True).start()
    try:
        done.wait()
    except KeyboardInterrupt:
        pass
    http.shutdown()
    smtp.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
