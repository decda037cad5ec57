"""Integration-test harness: starts the real `interviewace` binary and talks HTTP to it.

The binary is $INTERVIEWACE_BIN or <repo>/build/interviewace. Every server runs in a fresh
temporary directory (so no `.env` from the repository is read) with a minimal environment, a
random SECRET_KEY and PORT=0; the port is taken from the JSON "listening" log line. All servers
and command-line processes started here are stopped at fixture teardown, also when a test fails.

Redis: with IA_TEST_REDIS=1 every server gets REDIS_URL, a database of its own on the server of
TEST_REDIS_URL (scripts/services.sh starts one); `make test` does so on the PostgreSQL pass.

Databases: IA_TEST_ENGINE=sqlite (default) or postgres. Every server gets a fresh database: with
sqlite the default file in its own DATA_DIR (no DATABASE_URL); with postgres a new database
ia_test_<random> created through TEST_POSTGRES_URL, passed as DATABASE_URL and dropped at
teardown. Servers start with helpers.SERVE_ARGS (`serve --migrate`; IA_SERVE_ARGS overrides);
make_server(migrate=False) starts plain `serve`. run_cli runs exactly the arguments it is given.

Run with Debian's interpreter:  /usr/bin/python3 -m pytest -q tests/integration
Against PostgreSQL:
    scripts/services.sh start && eval "$(scripts/services.sh env)"
    IA_TEST_ENGINE=postgres /usr/bin/python3 -m pytest -q tests/integration
    scripts/services.sh stop
"""

import json
import os
import secrets
import signal
import subprocess
import threading
import time
import warnings
from pathlib import Path

import httpx
import pytest

from openapi_check import Contract
from helpers import (
    PLAIN_SERVE_ARGS,
    fresh_redis_url,
    SERVE_ARGS,
    PgControl,
    create_pg_database,
    drop_pg_database,
    engine_from_env,
    redact_url,
    sql,
)

REPO = Path(__file__).resolve().parents[2]
START_TIMEOUT = 20.0  # seconds until "listening" + GET /health == 200 (generous for ASan builds)
CLI_TIMEOUT = 20.0
CLIENT_TIMEOUT = 10.0

# Sanitizer settings are passed through so that `make test-asan` can tune them.
PASSTHROUGH_ENV = ("ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS", "LLVM_SYMBOLIZER_PATH")
SANITIZER_MARKERS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:")

# The OpenAPI document of the binary under test (openapi_check.py), set once per session by the
# openapi_contract fixture: every Server.client holds each response it receives to it.
CONTRACT = {"contract": None}


def redis_for_every_server() -> bool:
    """IA_TEST_REDIS=1 (the Makefile sets it for the PostgreSQL pass): every server gets a
    Redis database of its own on TEST_REDIS_URL, as a deployment of replicas would have."""
    return os.environ.get("IA_TEST_REDIS") == "1"


def binary_path() -> Path:
    raw = os.environ.get("INTERVIEWACE_BIN") or str(REPO / "build" / "interviewace")
    path = Path(raw)
    if not path.is_absolute():
        # Relative to the current directory (as `make` passes it), else to the repository.
        path = Path.cwd() / path if (Path.cwd() / path).exists() else REPO / path
    return path.resolve()


def minimal_env(overrides=None) -> dict:
    """PATH (and sanitizer options) only, plus overrides; an override of None removes the name."""
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}
    for name in PASSTHROUGH_ENV:
        if name in os.environ:
            env[name] = os.environ[name]
    for name, value in (overrides or {}).items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = str(value)
    return env


def server_env(workdir: Path, overrides=None) -> dict:
    """The settings every test server starts with, merged with overrides (None removes)."""
    defaults = {
        "SECRET_KEY": secrets.token_hex(32),
        "HOST": "127.0.0.1",
        "PORT": "0",
        "DATA_DIR": str(Path(workdir) / "data"),
        "LOG_FORMAT": "json",
        "LOG_LEVEL": "debug",
        "TEST_ENDPOINTS": "true",
    }
    defaults.update(overrides or {})
    return minimal_env(defaults)


class ServerStartError(AssertionError):
    pass


class Server:
    """One `interviewace serve` child process with its captured stdout (JSON log) and stderr."""

    label = "server"  # in messages: "server pid 1234"

    def __init__(self, binary: Path, workdir: Path, env: dict, args=SERVE_ARGS):
        self.binary = Path(binary)
        self.workdir = Path(workdir)
        self.env = dict(env)
        self.args = list(args)
        self.proc = None
        self.port = None
        self.host = None
        self.returncode = None
        self.stopped_by = None  # "test" or "teardown"
        self._raw = []
        self._records = []
        self._stderr = []
        self._cond = threading.Condition()
        self._threads = []
        self._client = None
        self._stdout_eof = False

    # -- lifecycle -------------------------------------------------------------------------
    def _launch(self) -> None:
        """Starts the process and the threads that read its output."""
        self.proc = subprocess.Popen(
            [str(self.binary), *self.args],
            cwd=self.workdir,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for target, stream in ((self._read_stdout, self.proc.stdout), (self._read_stderr, self.proc.stderr)):
            t = threading.Thread(target=target, args=(stream,), daemon=True)
            t.start()
            self._threads.append(t)

    def start(self, timeout: float = START_TIMEOUT) -> "Server":
        self._launch()
        return self.wait_ready(timeout)

    def spawn(self) -> "Server":
        """Starts the process without waiting for it to listen (see wait_ready)."""
        self._launch()
        return self

    def wait_ready(self, timeout: float = START_TIMEOUT) -> "Server":
        """Waits for the "listening" log line, then for GET /health to answer 200."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while self.port is None:
                if self.proc.poll() is not None:
                    raise ServerStartError(
                        f"server exited with {self.proc.returncode} before listening\n{self.diagnostics()}"
                    )
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise ServerStartError(f"no 'listening' log line within {timeout}s\n{self.diagnostics()}")
                self._cond.wait(min(remaining, 0.05))

        bind = self.env.get("HOST", "127.0.0.1")
        self.host = "127.0.0.1" if bind in ("", "0.0.0.0", "::") else bind
        last = None
        while True:
            try:
                r = httpx.get(self.url + "/health", timeout=2.0)
                if r.status_code == 200:
                    break
                last = f"{r.status_code} {r.text!r}"
            except httpx.TransportError as exc:
                last = repr(exc)
            if self.proc.poll() is not None:
                raise ServerStartError(f"server exited with {self.proc.returncode}\n{self.diagnostics()}")
            if time.monotonic() > deadline:
                raise ServerStartError(f"GET /health never answered 200 (last: {last})\n{self.diagnostics()}")
            time.sleep(0.02)
        return self

    def send_signal(self, sig=signal.SIGTERM) -> None:
        """Signals the server; the test then owns its exit status."""
        self.stopped_by = self.stopped_by or "test"
        self.proc.send_signal(sig)

    def wait(self, timeout: float = 30) -> int:
        """Waits for the process to exit (without signalling it); returns its exit code."""
        self.stopped_by = self.stopped_by or "test"
        self.returncode = self.proc.wait(timeout=timeout)
        self._join_readers()
        return self.returncode

    def stop(self, sig=signal.SIGTERM, timeout: float = 30, _by: str = "test") -> int:
        """Sends `sig`, waits up to `timeout` s, then SIGKILLs; returns the exit code."""
        if self.proc is None:
            return None
        if self.stopped_by is None:
            self.stopped_by = _by
        if self.proc.poll() is None:
            try:
                self.proc.send_signal(sig)
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self.returncode = self.proc.returncode
        self._join_readers()
        if self._client is not None:
            self._client.close()
            self._client = None
        return self.returncode

    def _join_readers(self) -> None:
        for t in self._threads:
            t.join(timeout=5)

    # -- output capture --------------------------------------------------------------------
    def _read_stdout(self, stream) -> None:
        for raw in iter(stream.readline, b""):
            line = raw.decode("utf-8", errors="replace").rstrip("\r\n")
            record = None
            try:
                parsed = json.loads(line)
                if isinstance(parsed, dict):
                    record = parsed
            except ValueError:
                pass
            with self._cond:
                self._raw.append(line)
                if record is not None:
                    self._records.append(record)
                    if self.port is None and record.get("message") == "listening":
                        try:
                            self.port = int(record["fields"]["port"])
                        except (KeyError, TypeError, ValueError):
                            pass
                self._cond.notify_all()
        with self._cond:
            self._stdout_eof = True
            self._cond.notify_all()
        stream.close()

    def _read_stderr(self, stream) -> None:
        for raw in iter(stream.readline, b""):
            with self._cond:
                self._stderr.append(raw.decode("utf-8", errors="replace"))
        stream.close()

    # -- accessors -------------------------------------------------------------------------
    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def client(self) -> httpx.Client:
        if self._client is None:
            self._client = httpx.Client(base_url=self.url, timeout=CLIENT_TIMEOUT,
                                        event_hooks=contract_hooks())
        return self._client

    @property
    def pid(self) -> int:
        return self.proc.pid

    @property
    def database_url(self) -> str:
        """The server's DATABASE_URL; without one, the default SQLite file in its DATA_DIR
        (as an absolute sqlite:/// URL, usable with helpers.sql)."""
        url = self.env.get("DATABASE_URL")
        if url:
            return url
        data_dir = Path(self.env.get("DATA_DIR", "./data"))
        if not data_dir.is_absolute():
            data_dir = self.workdir / data_dir
        return "sqlite:///" + str(data_dir / "interviewace.db")

    def sql(self, query):
        """helpers.sql against this server's database."""
        return sql(self.database_url, query, cwd=self.workdir)

    @property
    def stderr(self) -> str:
        with self._cond:
            return "".join(self._stderr)

    def logs(self) -> list:
        """The parsed JSON log lines so far."""
        with self._cond:
            return list(self._records)

    def raw_logs(self) -> list:
        """Every stdout line so far, JSON or not."""
        with self._cond:
            return list(self._raw)

    def wait_for_log(self, predicate, timeout: float = 10.0) -> dict:
        """Returns the first parsed log line satisfying predicate, waiting for it if needed."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for rec in self._records:
                    if predicate(rec):
                        return rec
                remaining = deadline - time.monotonic()
                if remaining <= 0 or (self._stdout_eof and self.proc.poll() is not None):
                    tail = "\n".join(self._raw[-30:])
                    raise AssertionError(f"no matching log line within {timeout}s; last lines:\n{tail}")
                self._cond.wait(min(remaining, 0.1))

    def access_log(self, request_id: str, timeout: float = 10.0) -> dict:
        """The access line (module "access") of the request with this X-Request-ID."""
        return self.wait_for_log(
            lambda r: r.get("module") == "access" and r.get("request_id") == request_id, timeout
        )

    def diagnostics(self) -> str:
        with self._cond:
            out = "\n".join(self._raw[-40:])
            err = "".join(self._stderr)[-4000:]
        return f"--- stdout (tail) ---\n{out}\n--- stderr (tail) ---\n{err}"

    def sanitizer_report(self) -> str:
        err = self.stderr
        return err if any(m in err for m in SANITIZER_MARKERS) else ""


def contract_hooks() -> dict:
    """httpx event hooks that hold every response to the OpenAPI document (none when the
    document is not loaded yet, or with IA_CONTRACT_CHECK=0)."""
    contract = CONTRACT["contract"]
    if contract is None or os.environ.get("IA_CONTRACT_CHECK") == "0":
        return {}
    return {"response": [contract.hook]}


def teardown_processes(processes) -> None:
    """Stops every process (servers or workers) in order with SIGTERM; one that crashed, exited
    non-zero on SIGTERM, or printed a sanitizer report is an error of the test that owned it.
    Processes the test stopped itself (with stop(), kill() or send_signal()) are not checked."""
    problems = []
    for srv in processes:
        if srv.proc is None:
            continue
        name = f"{srv.label} pid {srv.pid}"
        already = srv.proc.poll() is not None and srv.stopped_by is None
        code = srv.stop(timeout=30, _by="teardown")
        if srv.stopped_by == "teardown":
            if already:
                problems.append(f"{name} had exited by itself with {code}\n{srv.diagnostics()}")
            elif code != 0:
                problems.append(f"{name} exited with {code} on SIGTERM\n{srv.diagnostics()}")
        report = srv.sanitizer_report()
        if report:
            problems.append(f"sanitizer report from {name}:\n{report[-6000:]}")
    if problems:
        pytest.fail("\n\n".join(problems), pytrace=False)


class Databases:
    """Fresh databases of one engine for one fixture scope; close() drops those it created."""

    def __init__(self, engine, tmp_path_factory):
        self.engine = engine
        self.tmp = tmp_path_factory
        self.admin_url = os.environ.get("TEST_POSTGRES_URL", "")
        self.created = []

    def new(self) -> str:
        """A URL to a new, empty database: sqlite:////<tmp>/test.db or postgresql://…/ia_test_…"""
        if self.engine == "sqlite":
            return "sqlite:///" + str(self.tmp.mktemp("db") / "test.db")
        url = create_pg_database(self.admin_url)
        self.created.append(url)
        return url

    def for_server(self):
        """DATABASE_URL for a new server: None (the default file in its DATA_DIR) with sqlite."""
        return None if self.engine == "sqlite" else self.new()

    def close(self) -> None:
        while self.created:
            url = self.created.pop()
            try:
                drop_pg_database(self.admin_url, url)
            except Exception as exc:  # a stopped cluster must not hide the test's own failure
                warnings.warn(f"could not drop test database {redact_url(url)}: {exc}")


class _Factory:
    def __init__(self, binary, tmp_path_factory, prefix, engine):
        self.binary = binary
        self.tmp = tmp_path_factory
        self.prefix = prefix
        self.servers = []
        self.databases = Databases(engine, tmp_path_factory)

    def __call__(self, files=None, args=None, migrate=True, **env) -> Server:
        """Starts a server. `files` = {name: text} written into its working directory first;
        keyword arguments in UPPER case are environment overrides (None removes the variable).
        The command is SERVE_ARGS (`serve --migrate`), or `serve` alone with migrate=False, or
        exactly `args`. Without a DATABASE_URL override the server gets a fresh database."""
        if args is None:
            args = SERVE_ARGS if migrate else PLAIN_SERVE_ARGS
        if "DATABASE_URL" not in env:
            url = self.databases.for_server()
            if url is not None:
                env["DATABASE_URL"] = url
        if "REDIS_URL" not in env and redis_for_every_server():
            env["REDIS_URL"] = fresh_redis_url(os.environ["TEST_REDIS_URL"])
        workdir = self.tmp.mktemp(self.prefix)
        srv = Server(self.binary, workdir, server_env(workdir, env), args=args)
        self.servers.append(srv)
        for name, content in (files or {}).items():
            (workdir / name).write_text(content)
        try:
            srv.start()
        except BaseException:
            srv.stop(sig=signal.SIGKILL, timeout=5, _by="start-failure")
            raise
        return srv

    def close(self) -> None:
        try:
            teardown_processes(self.servers)
        finally:
            self.databases.close()


def pytest_report_header(config):
    try:
        engine = engine_from_env()
    except ValueError as exc:
        return f"interviewace: {exc}"
    where = ""
    if engine == "postgres":
        where = f" ({redact_url(os.environ.get('TEST_POSTGRES_URL', 'TEST_POSTGRES_URL not set'))})"
    return f"interviewace: engine {engine}{where}; servers run `{' '.join(SERVE_ARGS)}`"


def pytest_sessionstart(session):
    """A wrong engine setting stops the run before any test (rather than in the first test that
    starts a server)."""
    _check_engine()


def _check_engine() -> str:
    try:
        name = engine_from_env()
    except ValueError as exc:
        pytest.exit(str(exc), returncode=1)
    if name == "postgres":
        admin = os.environ.get("TEST_POSTGRES_URL")
        if not admin:
            pytest.exit(
                "IA_TEST_ENGINE=postgres needs TEST_POSTGRES_URL (the admin URL of a test cluster):\n"
                '  scripts/services.sh start && eval "$(scripts/services.sh env)"',
                returncode=1,
            )
        try:
            sql(admin, "SELECT 1")
        except Exception as exc:
            pytest.exit(f"cannot reach TEST_POSTGRES_URL={redact_url(admin)}: {exc}", returncode=1)
    return name


@pytest.fixture(scope="session")
def engine() -> str:
    """The database engine under test: IA_TEST_ENGINE = sqlite (default) or postgres."""
    return engine_from_env()


@pytest.fixture
def database_url(engine, tmp_path_factory):
    """A URL to a fresh, empty database for CLI tests (sqlite:////<tmp>/test.db, or a new
    PostgreSQL database dropped at teardown)."""
    dbs = Databases(engine, tmp_path_factory)
    yield dbs.new()
    dbs.close()


@pytest.fixture
def pg_control(engine):
    """PgControl for the test cluster (stop()/start() with pg_ctl -w, as its owner); postgres
    only. A cluster the test left stopped is started again at teardown."""
    if engine != "postgres":
        pytest.skip("postgres only")
    try:
        ctl = PgControl.from_env()
    except AssertionError as exc:
        pytest.fail(str(exc), pytrace=False)
    yield ctl
    if not ctl.running():
        ctl.start()


@pytest.fixture(scope="session")
def binary() -> Path:
    path = binary_path()
    if not path.is_file() or not os.access(path, os.X_OK):
        pytest.exit(
            f"interviewace binary not found or not executable: {path}\n"
            "Build it (`make build`) or point INTERVIEWACE_BIN at it.",
            returncode=1,
        )
    return path


@pytest.fixture
def make_server(binary, tmp_path_factory, engine):
    """Factory: make_server(files=None, args=None, migrate=True, **env_overrides) -> a started
    Server with a fresh database, stopped (and its database dropped) at teardown."""
    factory = _Factory(binary, tmp_path_factory, "srv", engine)
    yield factory
    factory.close()


@pytest.fixture(scope="module")
def module_server(binary, tmp_path_factory, engine):
    """Like make_server, for servers shared by the tests of one module."""
    factory = _Factory(binary, tmp_path_factory, "modsrv", engine)
    yield factory
    factory.close()


@pytest.fixture(scope="session", autouse=True)
def openapi_contract(binary, tmp_path_factory, engine):
    """The binary's OpenAPI document as a Contract, from a server of its own (so that fetching
    it spends no test server's rate limit); installed for every Server.client."""
    factory = _Factory(binary, tmp_path_factory, "contract-srv", engine)
    try:
        srv = factory(RATE_LIMIT="0")
        r = httpx.get(srv.url + "/openapi.json", timeout=CLIENT_TIMEOUT)
        assert r.status_code == 200, r.text
        contract = Contract(r.json())
    finally:
        factory.close()
    CONTRACT["contract"] = contract
    yield contract
    CONTRACT["contract"] = None


@pytest.fixture(scope="session")
def server(binary, tmp_path_factory, engine):
    """One server with the default test settings, shared by the read-only tests."""
    factory = _Factory(binary, tmp_path_factory, "session-srv", engine)
    srv = factory()
    yield srv
    factory.close()


@pytest.fixture
def api(server) -> httpx.Client:
    return server.client


def run_cli(args, env=None, cwd=None, input=None, timeout=CLI_TIMEOUT, binary=None):
    """Runs `interviewace <args>` with a minimal environment (PATH + env; None removes) and
    returns the CompletedProcess (text stdout/stderr). The default cwd is a fresh temp dir.
    The arguments are used as given: ["serve"] is plain serve, [*SERVE_ARGS] migrates first;
    pass DATABASE_URL (the database_url fixture) in env for a fresh database of the engine."""
    if cwd is None:
        import tempfile

        cwd = tempfile.mkdtemp(prefix="ia-cli-")
    try:
        return subprocess.run(
            [str(binary or binary_path()), *[str(a) for a in args]],
            cwd=cwd,
            env=minimal_env(env),
            input=input,
            stdin=None if input is not None else subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired as exc:
        pytest.fail(
            f"`interviewace {' '.join(map(str, args))}` did not exit within {timeout}s (killed)\n"
            f"stdout: {exc.stdout!r}\nstderr: {exc.stderr!r}",
            pytrace=False,
        )


@pytest.fixture(name="run_cli")
def run_cli_fixture(binary, tmp_path):
    """run_cli(args, env=None, cwd=None, input=None): cwd defaults to the test's tmp_path."""

    def _run(args, env=None, cwd=None, input=None, timeout=CLI_TIMEOUT):
        return run_cli(args, env=env, cwd=cwd or tmp_path, input=input, timeout=timeout, binary=binary)

    return _run


# ---- worker processes ----------------------------------------------------------------------


class Worker(Server):
    """One `interviewace worker` child process with its captured stdout (JSON log) and stderr.

    It shares a server's settings (DATA_DIR, DATABASE_URL, TEST_ENDPOINTS, ...) and working
    directory. It listens on no port: it counts as started once it logs "workers started";
    `owner` is then its lease owner, "host:pid:nonce". stop() (SIGTERM by default) and kill()
    (SIGKILL) return the exit code (negative signal number when killed)."""

    label = "worker"

    def __init__(self, binary: Path, workdir: Path, env: dict, args=("worker",)):
        super().__init__(binary, workdir, env, args=args)
        self.owner = None

    def spawn(self) -> "Worker":
        """Starts the process without waiting for it to be ready (see wait_started)."""
        self._launch()
        return self

    def wait_started(self, timeout: float = START_TIMEOUT) -> "Worker":
        """Waits for the "workers started" log line and takes the owner from it."""
        try:
            rec = self.wait_for_log(lambda r: r.get("message") == "workers started", timeout)
        except AssertionError:
            code = self.proc.poll()
            state = f"exited with {code}" if code is not None else f"still running after {timeout}s"
            raise ServerStartError(f"worker pid {self.pid} never logged 'workers started' ({state})\n"
                                   f"{self.diagnostics()}") from None
        self.owner = (rec.get("fields") or {}).get("owner")
        assert self.owner and f":{self.pid}:" in self.owner, f"unexpected owner in {rec!r}"
        return self

    def start(self, timeout: float = START_TIMEOUT) -> "Worker":
        return self.spawn().wait_started(timeout)

    def kill(self) -> int:
        """SIGKILL; returns the exit code (-9)."""
        return self.stop(sig=signal.SIGKILL, timeout=10)

    @property
    def url(self) -> str:
        raise AttributeError("a worker process serves no HTTP")


class _WorkerFactory:
    def __init__(self, binary):
        self.binary = binary
        self.workers = []

    def _new(self, server, env, args=("worker",)) -> Worker:
        merged = dict(server.env)
        for name, value in env.items():
            if value is None:
                merged.pop(name, None)
            else:
                merged[name] = str(value)
        w = Worker(self.binary, server.workdir, merged, args=args)
        self.workers.append(w)
        return w

    def __call__(self, server, args=("worker",), **env) -> Worker:
        """Starts `interviewace worker` (or exactly `args`) with server's environment (its
        DATA_DIR, DATABASE_URL, TEST_ENDPOINTS, ...) and working directory, merged with the
        UPPER-case overrides (None removes); returns it once it has logged "workers started"."""
        w = self._new(server, env, args)
        try:
            return w.start()
        except BaseException:
            w.stop(sig=signal.SIGKILL, timeout=5, _by="start-failure")
            raise

    def several(self, server, count: int, **env) -> list:
        """Starts `count` workers at once (all spawned before any is waited for)."""
        workers = [self._new(server, env) for _ in range(count)]
        try:
            for w in workers:
                w.spawn()
            for w in workers:
                w.wait_started()
        except BaseException:
            for w in workers:
                w.stop(sig=signal.SIGKILL, timeout=5, _by="start-failure")
            raise
        return workers

    def close(self) -> None:
        teardown_processes(self.workers)


@pytest.fixture
def make_worker(binary, make_server):
    """Factory: make_worker(server, **env_overrides) -> a started `interviewace worker` process
    sharing server's DATA_DIR, DATABASE_URL and settings; make_worker.several(server, n, **env)
    starts n at once. Every worker is stopped with SIGTERM at teardown (before make_server's
    servers and databases); one that exited by itself, exited non-zero on that SIGTERM, or printed
    a sanitizer report fails the test."""
    factory = _WorkerFactory(binary)
    yield factory
    factory.close()


# ---- clusters ------------------------------------------------------------------------------


@pytest.fixture
def make_cluster(binary, tmp_path_factory, engine):
    """Factory: make_cluster(serves=2, workers=2, storage="local", serve_env=None,
    worker_env=None, **env) -> a started cluster.Cluster: that many `serve` and `worker`
    processes on one database of the engine under test (PostgreSQL, or one SQLite file in WAL
    mode), one file storage ("local": a shared STORAGE_DIR; "s3": the test S3 server) and one
    SECRET_KEY, with the UPPER-case settings given (e.g. REDIS_URL) on every process. See
    tests/integration/cluster.py. Everything is stopped, and the database dropped, at teardown."""
    from cluster import ClusterFactory

    factory = ClusterFactory(binary, tmp_path_factory, Databases(engine, tmp_path_factory))
    yield factory
    factory.close()


# ---- ordering ------------------------------------------------------------------------------


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "run_last: run after every other test of the session (e.g. a test that restarts the shared "
        "PostgreSQL cluster, which breaks the open connections of servers other tests still use)",
    )
    config.addinivalue_line(
        "markers",
        "engines(*names): run only on these database engines' passes (e.g. engines(\"postgres\") for a "
        "PostgreSQL restart); on the other pass the test is left out and listed at the end of the run",
    )


def pytest_collection_modifyitems(session, config, items):
    """Leaves out the tests whose `engines` marker does not name the engine under test (they
    are listed at the end of the run, not reported as skipped), then moves the tests marked
    run_last to the end, keeping the order of everything else."""
    try:
        engine = engine_from_env()
    except ValueError:
        engine = None  # pytest_sessionstart has stopped the run already
    if engine is not None:
        other = [item for item in items
                 if item.get_closest_marker("engines") and engine not in item.get_closest_marker("engines").args]
        if other:
            config.hook.pytest_deselected(items=other)
            items[:] = [item for item in items if item not in other]
            config._ia_other_engine = [(item.nodeid, item.get_closest_marker("engines").args) for item in other]
    last = [item for item in items if item.get_closest_marker("run_last")]
    if last:
        items[:] = [item for item in items if not item.get_closest_marker("run_last")] + last


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """Prints the figures the fault tests reported (the `figures` fixture of test_scaleout.py)
    and names the tests that belong to another engine's pass, so that leaving them out is seen."""
    figures = getattr(config, "_ia_figures", [])
    if figures:
        terminalreporter.section("figures of the fault tests")
        for line in figures:
            terminalreporter.line(line)
    other = getattr(config, "_ia_other_engine", [])
    if other:
        terminalreporter.section("tests of another engine's pass (not run on this engine)")
        for nodeid, engines in other:
            terminalreporter.line(f"{nodeid}: runs on {', '.join(engines)} only")


# ---- mail ----------------------------------------------------------------------------------

from smtp_server import SmtpTestServer  # noqa: E402  (tests/integration/smtp_server.py)


@pytest.fixture
def smtp_server():
    """A capturing SMTP server on 127.0.0.1 and a free port (smtp_server.py), stopped at teardown.
    Point a server at it with make_server(**smtp_server.env) (SMTP_HOST, SMTP_PORT, SMTP_TLS=none);
    then smtp_server.wait_for_to("alice@example.org") or wait_for(predicate, timeout) returns the
    captured message (.subject, .body, .rcpt_tos, .link("/verify-email"), .token("/verify-email")),
    .messages lists them all and .clear() forgets them. fail_next(n, code) and reject_rcpt inject
    SMTP failures."""
    srv = SmtpTestServer().start()
    yield srv
    srv.stop()


# ---- error monitoring ------------------------------------------------------------------------

from sentry_server import SentryTestServer  # noqa: E402  (tests/integration/sentry_server.py)


@pytest.fixture
def sentry_server():
    """A capturing Sentry server on 127.0.0.1 and a free port (sentry_server.py), stopped at
    teardown. Point a server at it with make_server(SENTRY_DSN=sentry_server.dsn); then
    sentry_server.wait_for(predicate) returns a captured envelope (.event, .auth, .headers, .raw),
    .envelopes lists them all, and answer(status, headers, delay, block) changes how it answers
    (429 with Retry-After or X-Sentry-Rate-Limits, slow, or blocked until release())."""
    srv = SentryTestServer().start()
    yield srv
    srv.stop()


# ---- fake LLM providers ----------------------------------------------------------------------

import sys  # noqa: E402

sys.path.insert(0, str(REPO / "tests"))
from fake_llm import FakeLLM  # noqa: E402  (tests/fake_llm.py)


@pytest.fixture
def fake_llm():
    """Factory: fake_llm() -> a started FakeLLM (tests/fake_llm.py) on 127.0.0.1 and a free port,
    speaking both the Gemini and the OpenAI-compatible API; every one is stopped at teardown.
    Point the service at it with GEMINI_BASE_URL=fake.url or OPENAI_BASE_URL=fake.url + "/v1";
    script answers with fake.script({...}, ...) / fake.set_default({...}) and read what was
    sent with fake.requests() (arrival time "t", "path", lower-cased "headers", "body")."""
    fakes = []

    def _make():
        fake = FakeLLM().start()
        fakes.append(fake)
        return fake

    yield _make
    for fake in fakes:
        fake.stop()
