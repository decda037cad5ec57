"""Small helpers shared by the integration tests: contract constants, raw HTTP over a socket,
a Prometheus text parser, polling, and database access (engines, fresh databases, SQL)."""

import os
import pwd
import re
import secrets
import shutil
import socket
import sqlite3
import subprocess
import time
import urllib.parse

VERSION = "0.1.0"

# docs/api.md §1.7 — exact values, on every response.
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


def read_run_log(path):
    """The run log a test.sleep job writes in its process's DATA_DIR (test-job-runs.log):
    [(event, job_id, owner, microseconds)] in file (= write) order; [] when there is none."""
    if not os.path.exists(path):
        return []
    out = []
    with open(path) as f:
        for line in f.read().splitlines():
            parts = line.split(" ")
            assert len(parts) == 4 and parts[0] in ("start", "end"), f"bad run-log line {line!r} in {path}"
            out.append((parts[0], parts[1], parts[2], int(parts[3])))
    return out


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


# ---- databases -----------------------------------------------------------------------------
#
# IA_TEST_ENGINE=sqlite (default) or postgres picks the engine of every server the harness
# starts; postgres needs TEST_POSTGRES_URL, the admin URL of a throw-away cluster:
#     scripts/services.sh start && eval "$(scripts/services.sh env)"

ENGINES = ("sqlite", "postgres")

# How the harness starts a server: applying pending migrations first. IA_SERVE_ARGS overrides
# it (e.g. IA_SERVE_ARGS=serve for a binary without --migrate). PLAIN_SERVE_ARGS is `serve`
# alone, which refuses to start on a schema that is behind.
SERVE_ARGS = tuple(os.environ.get("IA_SERVE_ARGS", "serve --migrate").split())
PLAIN_SERVE_ARGS = ("serve",)

SQL_TIMEOUT = 30.0
_FIELD_SEP, _RECORD_SEP, _NULL = "\x1f", "\x1e", "\x1d"  # psql output, never in test data


def engine_from_env() -> str:
    engine = os.environ.get("IA_TEST_ENGINE", "sqlite").strip() or "sqlite"
    if engine not in ENGINES:
        raise ValueError(f"IA_TEST_ENGINE={engine!r}: expected one of {', '.join(ENGINES)}")
    return engine


def psql_path() -> str:
    """psql from TEST_PG_BIN when set (the cluster's own version), else from PATH."""
    bin_dir = os.environ.get("TEST_PG_BIN")
    if bin_dir and os.access(os.path.join(bin_dir, "psql"), os.X_OK):
        return os.path.join(bin_dir, "psql")
    found = shutil.which("psql")
    if not found:
        raise AssertionError("psql not found (install postgresql-client: scripts/install-deps.sh)")
    return found


def _psql(url, query, timeout=SQL_TIMEOUT):
    env = dict(os.environ, PGCONNECT_TIMEOUT="10")
    for name in ("PGSERVICE", "PGOPTIONS", "PGDATABASE", "PGUSER", "PGHOST", "PGPORT"):
        env.pop(name, None)
    p = subprocess.run(
        [psql_path(), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-A", "-t", "-F", _FIELD_SEP, "-R", _RECORD_SEP,
         "-P", "null=" + _NULL, "-d", url, "-c", query],
        stdin=subprocess.DEVNULL, capture_output=True, text=True, env=env, timeout=timeout,
    )
    if p.returncode != 0:
        raise AssertionError(f"psql failed ({p.returncode}) on {redact_url(url)}: {query!r}\n{p.stderr.strip()}")
    return p.stdout


def sqlite_path(url, cwd=None) -> str:
    """The file of a sqlite:/// URL ('sqlite:///rel.db' is relative to cwd, default the current
    directory; 'sqlite:////abs.db' is absolute)."""
    if not url.startswith("sqlite:///"):
        raise ValueError(f"not a sqlite:/// URL: {url!r}")
    path = urllib.parse.unquote(url[len("sqlite:///"):].split("?", 1)[0])
    return path if os.path.isabs(path) else os.path.join(cwd or os.getcwd(), path)


def sql(url, query, cwd=None):
    """Runs one SQL statement against a test database and returns its rows as a list of tuples.

    Values are text on both engines, as psql prints them (NULL is None; SQLite integers and
    floats are str()-ed, blobs rendered as '\\x<hex>' like bytea), so that one assertion holds
    for both: sql(url, "SELECT count(*) FROM users") == [("1",)]. Booleans differ by schema
    (PostgreSQL 't'/'f', SQLite '1'/'0'). PostgreSQL runs through `psql` (autocommit); SQLite
    through Python's sqlite3 on an existing file only (never creates one)."""
    if url.startswith(("postgresql://", "postgres://")):
        out = _psql(url, query)
        if out == "":
            return []
        out = out[:-1] if out.endswith("\n") else out
        return [tuple(None if v == _NULL else v for v in rec.split(_FIELD_SEP)) for rec in out.split(_RECORD_SEP)]
    path = sqlite_path(url, cwd)
    if not os.path.exists(path):
        raise AssertionError(f"no SQLite database at {path}")
    conn = sqlite3.connect(f"file:{urllib.parse.quote(path)}?mode=rw", uri=True, timeout=10, isolation_level=None)
    try:
        conn.execute("PRAGMA busy_timeout = 10000")
        rows = conn.execute(query).fetchall()
    finally:
        conn.close()
    return [tuple(_sqlite_text(v) for v in row) for row in rows]


def _sqlite_text(value):
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, (bytes, bytearray, memoryview)):
        return "\\x" + bytes(value).hex()
    return str(value)


def redact_url(url) -> str:
    """The URL with any password replaced by '***' (for messages)."""
    parts = urllib.parse.urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(":" + parts.password + "@", ":***@", 1)
    return urllib.parse.urlunsplit(parts._replace(netloc=netloc))


def pg_database_url(admin_url, name) -> str:
    """admin_url with its database replaced by name."""
    parts = urllib.parse.urlsplit(admin_url)
    return urllib.parse.urlunsplit(parts._replace(path="/" + name))


def pg_database_name(url) -> str:
    return urllib.parse.unquote(urllib.parse.urlsplit(url).path.lstrip("/"))


_file_copy = {}  # admin URL -> whether the server knows CREATE DATABASE ... STRATEGY (15+)


def create_pg_database(admin_url) -> str:
    """CREATE DATABASE ia_test_<random> through admin_url; returns its URL."""
    if admin_url not in _file_copy:
        _file_copy[admin_url] = int(_psql(admin_url, "SHOW server_version_num").strip()) >= 150000
    name = "ia_test_" + secrets.token_hex(6)
    # FILE_COPY: much faster than the default WAL_LOG on the wal_level=minimal test cluster.
    strategy = " STRATEGY = FILE_COPY" if _file_copy[admin_url] else ""
    _psql(admin_url, f'CREATE DATABASE "{name}"{strategy}')
    return pg_database_url(admin_url, name)


def drop_pg_database(admin_url, url) -> None:
    """DROP DATABASE (closing any connection still open to it)."""
    name = pg_database_name(url)
    assert re.fullmatch(r"ia_test_[0-9a-f]+", name), f"refusing to drop {name!r}: not a test database"
    _psql(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class PgControl:
    """The throw-away PostgreSQL cluster of scripts/services.sh (TEST_PG_* variables): stop()
    and start() it with pg_ctl as its owner (via runuser when running as root), waiting (-w)."""

    def __init__(self, bin_dir, data_dir, ctl_user, port, log=None):
        self.bin_dir = bin_dir
        self.data_dir = data_dir
        self.ctl_user = ctl_user
        self.port = int(port)
        self.log = log or os.path.join(os.path.dirname(data_dir.rstrip("/")), "postgres.log")

    @classmethod
    def from_env(cls) -> "PgControl":
        names = ("TEST_PG_BIN", "TEST_PG_DATA", "TEST_PG_CTL_USER", "TEST_PG_PORT")
        missing = [n for n in names if not os.environ.get(n)]
        if missing:
            raise AssertionError(
                f"{', '.join(missing)} not set: start the cluster with scripts/services.sh start and "
                'eval "$(scripts/services.sh env)"'
            )
        return cls(*(os.environ[n] for n in names), log=os.environ.get("TEST_PG_LOG"))

    def _command(self, *args):
        cmd = [os.path.join(self.bin_dir, "pg_ctl"), "-D", self.data_dir, *args]
        me = pwd.getpwuid(os.geteuid()).pw_name
        if me == self.ctl_user:
            return cmd
        if os.geteuid() == 0:
            return ["runuser", "-u", self.ctl_user, "--", *cmd]
        raise AssertionError(f"cannot run pg_ctl as {self.ctl_user!r} (running as {me!r}, not root)")

    def _run(self, *args, timeout=90):
        # pg_ctl -l sends the server's output to the log, so the pipes close when pg_ctl exits.
        return subprocess.run(self._command(*args), cwd="/", stdin=subprocess.DEVNULL,
                              capture_output=True, text=True, timeout=timeout)

    def running(self) -> bool:
        return self._run("status").returncode == 0

    def stop(self, mode="fast") -> None:
        p = self._run("-w", "-t", "60", "stop", "-m", mode)
        if p.returncode != 0:
            raise AssertionError(f"pg_ctl stop failed ({p.returncode}): {p.stderr.strip()}")

    def start(self) -> None:
        p = self._run("-w", "-t", "60", "-l", self.log, "start")
        if p.returncode != 0:
            raise AssertionError(f"pg_ctl start failed ({p.returncode}): {p.stderr.strip()}\n"
                                 f"log: {self.log}")


# ---- Redis (scripts/services.sh starts one; TEST_REDIS_URL) ----------------------------------


def _resp_encode(*args) -> bytes:
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        b = a if isinstance(a, bytes) else str(a).encode()
        out.append(b"$%d\r\n%s\r\n" % (len(b), b))
    return b"".join(out)


def _resp_read(f):
    line = f.readline()
    if not line:
        raise ConnectionError("redis closed the connection")
    kind, rest = line[:1], line[1:-2]
    if kind == b"+":
        return rest.decode()
    if kind == b"-":
        raise RuntimeError(rest.decode())
    if kind == b":":
        return int(rest)
    if kind == b"$":
        n = int(rest)
        if n < 0:
            return None
        data = f.read(n + 2)[:-2]
        return data.decode(errors="replace")
    if kind == b"*":
        n = int(rest)
        return None if n < 0 else [_resp_read(f) for _ in range(n)]
    raise RuntimeError(f"unexpected reply {line!r}")


def redis_cmd(url, *args, timeout=5.0):
    """Runs one command on the Redis server of url (redis://host:port[/db]) and returns the
    reply: str, int, None or list; an error reply raises RuntimeError."""
    u = urllib.parse.urlsplit(url)
    with socket.create_connection((u.hostname, u.port or 6379), timeout=timeout) as s:
        f = s.makefile("rb")
        db = u.path.lstrip("/")
        if u.password:
            s.sendall(_resp_encode("AUTH", *([u.username] if u.username else []), u.password))
            _resp_read(f)
        if db:
            s.sendall(_resp_encode("SELECT", db))
            _resp_read(f)
        s.sendall(_resp_encode(*args))
        return _resp_read(f)


_redis_db_counter = [0]


def fresh_redis_url(base_url):
    """A Redis URL of base_url's server with a database of its own (1-4095; the test server
    has 4096), emptied first, so that one test server's counters never meet another's."""
    _redis_db_counter[0] = _redis_db_counter[0] % 4095 + 1
    url = f"{base_url.rstrip('/')}/{_redis_db_counter[0]}"
    redis_cmd(url, "FLUSHDB")
    return url


class RedisServer:
    """A private redis-server on loopback for tests that stop and start it (the shared one of
    scripts/services.sh stays up). Same port across restarts; nothing persisted."""

    def __init__(self, workdir, port=None, extra=()):
        self.dir = str(workdir)
        os.makedirs(self.dir, exist_ok=True)
        self.port = port or free_port()
        self.extra = list(extra)
        self.proc = None

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}"

    def start(self, timeout=10.0):
        self.proc = subprocess.Popen(
            ["redis-server", "--bind", "127.0.0.1", "--port", str(self.port), "--dir", self.dir,
             "--save", "", "--appendonly", "no", "--loglevel", "warning", *self.extra],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for(self._answers, timeout=timeout, what=f"redis-server on port {self.port}")
        return self

    def _answers(self):
        if self.proc.poll() is not None:
            raise AssertionError(f"redis-server exited with {self.proc.returncode}")
        try:
            return redis_cmd(self.url, "PING", timeout=0.5) == "PONG"
        except OSError:
            return False
        except RuntimeError as exc:  # --requirepass: it answers, just not to strangers
            return str(exc).startswith("NOAUTH")

    def kill(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)

    def stop(self):
        self.kill()


def free_port():
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
