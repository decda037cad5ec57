"""A capturing SMTP server for the integration tests, standard library only.

It listens on 127.0.0.1 (a free port by default), one thread per connection, and speaks enough
ESMTP for a real client such as libcurl: EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, VRFY, QUIT
and, when created with credentials, AUTH PLAIN and AUTH LOGIN. It never advertises STARTTLS (a
client set to SMTP_TLS=required must therefore refuse to send). Every accepted message is kept,
parsed with the email package, in a thread-safe list:

    srv = SmtpTestServer().start()
    ... make the service send mail to srv.host:srv.port ...
    msg = srv.wait_for(lambda m: "alice@example.org" in m.rcpt_tos, timeout=10)
    msg.subject, msg.body, msg.link("/verify-email"), msg.token("/verify-email")
    srv.stop()

Failure injection for retry tests: srv.fail_next(n, code=451) answers the next n MAIL commands
with that code (4xx: a client should retry; 5xx: it should give up), and reject_rcpt (a
predicate on the address) answers 550 to matching RCPT commands.
"""

import base64
import binascii
import email
import email.policy
import re
import socket
import socketserver
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from typing import Callable, Optional

MAX_LINE = 4096  # longest command line accepted (RFC 5321 asks for at least 512)
MAX_DATA = 10 * 1024 * 1024  # largest message accepted (advertised as SIZE)
IDLE_TIMEOUT = 30.0  # seconds a connection may stay silent

_ADDR = re.compile(r"^\s*<([^<>]*)>(.*)$")


@dataclass
class CapturedMessage:
    """One message as received: the envelope, the raw DATA (dot-unstuffed, CRLF line ends as
    sent) and the parsed message (LF line ends)."""

    mail_from: str
    rcpt_tos: list
    data: bytes
    helo: str = ""
    auth: Optional[tuple] = None  # (user, password) when the client authenticated
    message: email.message.EmailMessage = field(default=None, repr=False)

    def __post_init__(self):
        if self.message is None:
            # Parsed with LF line ends, so that body and headers read as Python text.
            self.message = email.message_from_bytes(self.data.replace(b"\r\n", b"\n"),
                                                    policy=email.policy.default)

    @property
    def subject(self) -> str:
        """The Subject header, RFC 2047 words decoded."""
        return str(self.message.get("Subject", ""))

    @property
    def to(self) -> str:
        return str(self.message.get("To", ""))

    @property
    def sender(self) -> str:
        return str(self.message.get("From", ""))

    @property
    def body(self) -> str:
        """The text/plain body, transfer encoding and charset decoded."""
        part = self.message.get_body(preferencelist=("plain",))
        return part.get_content() if part is not None else ""

    def links(self) -> list:
        """Every http(s) URL in the body, in order."""
        return re.findall(r"https?://[^\s<>\"']+", self.body)

    def link(self, contains: str = "") -> str:
        """The first URL in the body containing `contains` (AssertionError if there is none)."""
        for url in self.links():
            if contains in url:
                return url
        raise AssertionError(f"no link containing {contains!r} in message body:\n{self.body}")

    def token(self, contains: str = "", param: str = "token") -> str:
        """The `param` query parameter of link(contains)."""
        values = urllib.parse.parse_qs(urllib.parse.urlsplit(self.link(contains)).query).get(param)
        if not values:
            raise AssertionError(f"no {param!r} parameter in {self.link(contains)!r}")
        return values[0]


class _Handler(socketserver.StreamRequestHandler):
    timeout = IDLE_TIMEOUT

    def setup(self):
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.srv: "SmtpTestServer" = self.server.owner
        self.helo = ""
        self.auth = None
        self._reset()

    def _reset(self):
        self.mail_from = None
        self.rcpt_tos = []

    def reply(self, *lines: str) -> None:
        """Sends one reply (several lines for a multi-line reply) in a single write."""
        self.wfile.write(b"".join(ln.encode("utf-8") + b"\r\n" for ln in lines))
        self.wfile.flush()

    def readline(self) -> Optional[bytes]:
        """One line without its line end; None at EOF, b"\\0" (a sentinel) when too long."""
        line = self.rfile.readline(MAX_LINE + 2)
        if not line:
            return None
        if not line.endswith(b"\n"):
            # Too long: discard the rest of the line.
            while line and not line.endswith(b"\n"):
                line = self.rfile.readline(MAX_LINE + 2)
            return b"\0"
        return line.rstrip(b"\r\n")

    def handle(self):
        self.srv._count_connection()
        try:
            self.reply(f"220 {self.srv.hostname} ESMTP InterviewAce test server")
            while True:
                raw = self.readline()
                if raw is None:
                    return
                if raw == b"\0":
                    self.reply("500 5.5.2 Line too long")
                    continue
                line = raw.decode("utf-8", errors="replace")
                verb, _, arg = line.partition(" ")
                verb = verb.upper()
                method = getattr(self, "smtp_" + verb, None)
                if method is None:
                    self.reply("500 5.5.1 Command not recognized")
                    continue
                if method(arg.strip()) is False:
                    return
        except (OSError, socket.timeout):
            return

    # -- commands -----------------------------------------------------------------------------
    def smtp_EHLO(self, arg):
        if not arg:
            return self.reply("501 5.5.4 EHLO needs a domain")
        self.helo = arg
        self._reset()
        lines = [self.srv.hostname, "8BITMIME", "SMTPUTF8", f"SIZE {MAX_DATA}", "ENHANCEDSTATUSCODES"]
        if self.srv.credentials is not None:
            lines.append("AUTH PLAIN LOGIN")
        lines.append("HELP")
        self.reply(*["250-" + ln for ln in lines[:-1]], "250 " + lines[-1])

    def smtp_HELO(self, arg):
        if not arg:
            return self.reply("501 5.5.4 HELO needs a domain")
        self.helo = arg
        self._reset()
        self.reply(f"250 {self.srv.hostname}")

    def smtp_AUTH(self, arg):
        if self.srv.credentials is None:
            return self.reply("502 5.5.1 AUTH not available")
        if self.auth is not None:
            return self.reply("503 5.5.1 Already authenticated")
        mech, _, initial = arg.partition(" ")
        mech = mech.upper()
        try:
            if mech == "PLAIN":
                if not initial:
                    self.reply("334 ")
                    initial = (self.readline() or b"").decode()
                _, user, password = base64.b64decode(initial, validate=True).decode().split("\0", 2)
            elif mech == "LOGIN":
                if initial:
                    user = base64.b64decode(initial, validate=True).decode()
                else:
                    self.reply("334 " + base64.b64encode(b"Username:").decode())
                    user = base64.b64decode(self.readline() or b"", validate=True).decode()
                self.reply("334 " + base64.b64encode(b"Password:").decode())
                password = base64.b64decode(self.readline() or b"", validate=True).decode()
            else:
                return self.reply("504 5.5.4 Unrecognized authentication type")
        except (ValueError, binascii.Error, UnicodeDecodeError):
            return self.reply("501 5.5.2 Cannot decode the response")
        if (user, password) != tuple(self.srv.credentials):
            return self.reply("535 5.7.8 Authentication credentials invalid")
        self.auth = (user, password)
        self.reply("235 2.7.0 Authentication successful")

    def smtp_MAIL(self, arg):
        if not self.helo:
            return self.reply("503 5.5.1 Send EHLO or HELO first")
        if self.srv.credentials is not None and self.auth is None:
            return self.reply("530 5.7.0 Authentication required")
        if self.mail_from is not None:
            return self.reply("503 5.5.1 Nested MAIL command")
        m = _ADDR.match(arg[5:]) if arg.upper().startswith("FROM:") else None
        if m is None:
            return self.reply("501 5.5.4 Syntax: MAIL FROM:<address>")
        code = self.srv._take_failure()
        if code is not None:
            return self.reply(f"{code} {'4.3.0' if code < 500 else '5.3.0'} Injected failure")
        self.mail_from = m.group(1)
        self.rcpt_tos = []
        self.reply("250 2.1.0 OK")

    def smtp_RCPT(self, arg):
        if self.mail_from is None:
            return self.reply("503 5.5.1 Need MAIL before RCPT")
        m = _ADDR.match(arg[3:]) if arg.upper().startswith("TO:") else None
        if m is None or not m.group(1):
            return self.reply("501 5.5.4 Syntax: RCPT TO:<address>")
        address = m.group(1)
        if self.srv.reject_rcpt is not None and self.srv.reject_rcpt(address):
            return self.reply("550 5.1.1 Recipient rejected")
        self.rcpt_tos.append(address)
        self.reply("250 2.1.5 OK")

    def smtp_DATA(self, arg):
        if arg:
            return self.reply("501 5.5.4 DATA takes no argument")
        if not self.rcpt_tos:
            return self.reply("503 5.5.1 Need RCPT before DATA")
        self.reply("354 End data with <CR><LF>.<CR><LF>")
        chunks = []
        size = 0
        too_big = False
        while True:
            line = self.rfile.readline(MAX_DATA + 2)
            if not line:
                return False  # the client went away mid-message
            if line in (b".\r\n", b".\n"):
                break
            if line.startswith(b"."):
                line = line[1:]  # undo dot stuffing
            size += len(line)
            if size > MAX_DATA:
                too_big = True
            elif not too_big:
                chunks.append(line)
        if too_big:
            self._reset()
            return self.reply("552 5.3.4 Message too big")
        msg = CapturedMessage(
            mail_from=self.mail_from,
            rcpt_tos=list(self.rcpt_tos),
            data=b"".join(chunks),
            helo=self.helo,
            auth=self.auth,
        )
        self.srv._store(msg)
        self._reset()
        self.reply("250 2.0.0 OK: queued")

    def smtp_RSET(self, arg):
        self._reset()
        self.reply("250 2.0.0 OK")

    def smtp_NOOP(self, arg):
        self.reply("250 2.0.0 OK")

    def smtp_VRFY(self, arg):
        self.reply("252 2.1.5 Cannot VRFY user")

    def smtp_STARTTLS(self, arg):
        self.reply("454 4.7.0 TLS not available")

    def smtp_QUIT(self, arg):
        self.reply("221 2.0.0 Bye")
        return False


class _TCPServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    block_on_close = False


class SmtpTestServer:
    """The server: start(), stop(), and the captured messages (see the module docstring)."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, credentials: Optional[tuple] = None,
                 hostname: str = "smtp.test"):
        self.hostname = hostname
        self.credentials = credentials  # (user, password): require AUTH before MAIL
        self.reject_rcpt: Optional[Callable[[str], bool]] = None
        self._bind = (host, port)
        self._server = None
        self._thread = None
        self._cond = threading.Condition()
        self._messages = []
        self._failures = []  # reply codes for the next MAIL commands
        self.connections = 0

    # -- lifecycle ----------------------------------------------------------------------------
    def start(self) -> "SmtpTestServer":
        self._server = _TCPServer(self._bind, _Handler)
        self._server.owner = self
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="smtp-test-server", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(timeout=5)
            self._server = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    @property
    def host(self) -> str:
        return self._server.server_address[0]

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    @property
    def env(self) -> dict:
        """Settings that point the service at this server (plain SMTP, no login)."""
        env = {"SMTP_HOST": self.host, "SMTP_PORT": str(self.port), "SMTP_TLS": "none"}
        if self.credentials is not None:
            env["SMTP_USER"], env["SMTP_PASSWORD"] = self.credentials
        return env

    # -- captured messages ---------------------------------------------------------------------
    @property
    def messages(self) -> list:
        """A copy of the messages received so far, oldest first."""
        with self._cond:
            return list(self._messages)

    def clear(self) -> None:
        with self._cond:
            self._messages.clear()

    def wait_for(self, predicate: Optional[Callable[[CapturedMessage], bool]] = None,
                 timeout: float = 10.0) -> CapturedMessage:
        """The first message satisfying predicate (any message when None), waiting up to timeout
        seconds for it; AssertionError listing what did arrive otherwise."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for msg in self._messages:
                    if predicate is None or predicate(msg):
                        return msg
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    seen = [(m.rcpt_tos, m.subject) for m in self._messages]
                    raise AssertionError(f"no matching message within {timeout}s; received: {seen}")
                self._cond.wait(min(remaining, 0.1))

    def wait_for_to(self, address: str, timeout: float = 10.0) -> CapturedMessage:
        """The first message whose envelope recipients include address (case-insensitive)."""
        address = address.lower()
        return self.wait_for(lambda m: address in (r.lower() for r in m.rcpt_tos), timeout)

    def fail_next(self, count: int = 1, code: int = 451) -> None:
        """Answers the next `count` MAIL commands with `code` instead of accepting them."""
        with self._cond:
            self._failures.extend([code] * count)

    # -- called by the handler threads ---------------------------------------------------------
    def _store(self, msg: CapturedMessage) -> None:
        with self._cond:
            self._messages.append(msg)
            self._cond.notify_all()

    def _take_failure(self) -> Optional[int]:
        with self._cond:
            return self._failures.pop(0) if self._failures else None

    def _count_connection(self) -> None:
        with self._cond:
            self.connections += 1
