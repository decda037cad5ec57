"""The cluster harness of the scale-out tests (issue 14): several `interviewace serve` and
`interviewace worker` processes over ONE database and ONE file storage, sharing SECRET_KEY, as
replicas behind a load balancer are. Tests get it from the make_cluster fixture (conftest.py):

    cluster = make_cluster(serves=2, workers=2, storage="s3", RATE_LIMIT="0")
    a, b = cluster.serves            # conftest.Server objects (.client, .url, .logs(), ...)
    w1, w2 = cluster.workers         # conftest.Worker objects (.owner, .kill(), ...)

Each process is its own "host": its own working directory and DATA_DIR (where temporary uploads
and the test job run log go). The processes share only what their environment names:

- the database: a fresh PostgreSQL database with IA_TEST_ENGINE=postgres, or one SQLite file
  (WAL mode) in the cluster's directory with sqlite; `cluster.database_url`, `cluster.sql(q)`;
- the file storage: `storage="local"` (default) is one STORAGE_DIR for all, `cluster.storage_dir`;
  `storage="s3"` is the bucket of the S3-compatible test server (TEST_S3_* from
  scripts/services.sh; the test fails when they are not set);
- SECRET_KEY, TEST_ENDPOINTS=true, LOG_FORMAT=json, and every UPPER-case keyword argument of
  make_cluster (None removes a setting), e.g. REDIS_URL=os.environ["TEST_REDIS_URL"].
  serve_env={...} and worker_env={...} add settings for one kind of process only;
  pg_settings={"synchronous_commit": "on"} sets PostgreSQL parameters on the database.

`serve` processes run with EMBEDDED_WORKERS=0 unless told otherwise, so that every job runs on a
`worker` process. The first serve applies the migrations (`serve --migrate`); the other
processes then start together with plain `serve` and `worker`.

During a test: add_serve(**env) / add_worker(**env) start one more process; kill(proc) sends
SIGKILL; restart(proc) starts a new process of the same kind in the same working directory (the
same "host", so the same DATA_DIR) with the same settings, and puts it in proc's place in
`serves` or `workers`. run_log() merges the test.sleep run logs of every worker's DATA_DIR;
temp_files() lists the temporary files every process and the local storage hold.

At teardown every process still running is stopped with SIGTERM (workers first); one that
exited by itself, exited non-zero on that SIGTERM, or printed a sanitizer report fails the test;
processes the test killed are not held against it. Then the PostgreSQL database is dropped."""

import os
import secrets
import signal
from pathlib import Path

import pytest

from conftest import Server, Worker, redis_for_every_server, server_env, teardown_processes
from helpers import PLAIN_SERVE_ARGS, SERVE_ARGS, fresh_redis_url, pg_database_name, read_run_log, sql

STORAGE_KINDS = ("local", "s3")


def s3_settings() -> dict:
    """STORAGE_BACKEND=s3 against the test server of scripts/services.sh."""
    names = ("TEST_S3_ENDPOINT", "TEST_S3_BUCKET", "TEST_S3_ACCESS_KEY_ID", "TEST_S3_SECRET_ACCESS_KEY")
    missing = [n for n in names if not os.environ.get(n)]
    if missing:
        pytest.fail(f"{', '.join(missing)} not set: start the S3 server with scripts/services.sh start s3 and "
                    'eval "$(scripts/services.sh env)" (make test does both)', pytrace=False)
    return {
        "STORAGE_BACKEND": "s3",
        "S3_ENDPOINT": os.environ["TEST_S3_ENDPOINT"],
        "S3_BUCKET": os.environ["TEST_S3_BUCKET"],
        "S3_REGION": os.environ.get("TEST_S3_REGION", "us-east-1"),
        "S3_ACCESS_KEY_ID": os.environ["TEST_S3_ACCESS_KEY_ID"],
        "S3_SECRET_ACCESS_KEY": os.environ["TEST_S3_SECRET_ACCESS_KEY"],
        "S3_TIMEOUT": "30s",
    }


class Cluster:
    """serve and worker processes on one database and one storage (see the module docstring)."""

    def __init__(self, binary, root: Path, database_url: str, storage: str = "local", env=None,
                 serve_env=None, worker_env=None):
        if storage not in STORAGE_KINDS:
            raise ValueError(f"storage={storage!r}: expected one of {STORAGE_KINDS}")
        self.binary = Path(binary)
        self.root = Path(root)
        self.database_url = database_url
        self.storage = storage
        self.storage_dir = self.root / "storage" if storage == "local" else None
        shared = {"SECRET_KEY": secrets.token_hex(32), "DATABASE_URL": database_url}
        shared.update(s3_settings() if storage == "s3" else {"STORAGE_DIR": str(self.storage_dir)})
        shared.update(env or {})
        self.env = shared
        self.serve_env = {"EMBEDDED_WORKERS": "0", **(serve_env or {})}
        self.worker_env = dict(worker_env or {})
        self.serves = []
        self.workers = []
        self.processes = []  # every process ever started, for teardown
        self._count = {"serve": 0, "worker": 0}

    # -- starting and stopping ---------------------------------------------------------------
    def _new(self, kind, args, workdir=None, env=None):
        if workdir is None:
            workdir = self.root / f"{kind}-{self._count[kind]}"
            self._count[kind] += 1
            workdir.mkdir(parents=True)
        overrides = {**self.env, **(self.serve_env if kind == "serve" else self.worker_env), **(env or {})}
        full = server_env(workdir, overrides)  # None values remove a setting
        cls = Server if kind == "serve" else Worker
        proc = cls(self.binary, workdir, full, args=args)
        proc.kind = kind
        self.processes.append(proc)
        return proc

    @staticmethod
    def _wait(proc):
        return proc.wait_started() if isinstance(proc, Worker) else proc.wait_ready()

    def _start_all(self, procs):
        """Spawns every process, then waits for each; on failure SIGKILLs them all."""
        try:
            for p in procs:
                p.spawn()
            for p in procs:
                self._wait(p)
        except BaseException:
            for p in procs:
                if p.proc is not None:
                    p.stop(sig=signal.SIGKILL, timeout=5, _by="start-failure")
            raise
        return procs

    def start(self, serves: int, workers: int) -> "Cluster":
        """The first serve migrates the database; the others and the workers then start together."""
        if serves < 1:
            raise ValueError("a cluster needs at least one serve process (it migrates the database)")
        first = self._new("serve", SERVE_ARGS)
        self._start_all([first])
        rest = [self._new("serve", PLAIN_SERVE_ARGS) for _ in range(serves - 1)]
        ws = [self._new("worker", ("worker",)) for _ in range(workers)]
        self._start_all(rest + ws)
        self.serves = [first, *rest]
        self.workers = ws
        return self

    def add_serve(self, **env) -> Server:
        (srv,) = self._start_all([self._new("serve", PLAIN_SERVE_ARGS, env=env)])
        self.serves.append(srv)
        return srv

    def add_worker(self, **env) -> Worker:
        (w,) = self._start_all([self._new("worker", ("worker",), env=env)])
        self.workers.append(w)
        return w

    def kill(self, proc) -> int:
        """SIGKILL; returns the exit code (-9)."""
        return proc.stop(sig=signal.SIGKILL, timeout=10)

    def restart(self, proc, wait: bool = True):
        """A new process of proc's kind in proc's working directory with proc's settings, in
        proc's place in serves/workers. proc must have exited (kill it first). With wait=False
        it is only spawned: call wait_ready() / wait_started() on it."""
        if proc.proc is None or proc.proc.poll() is None:
            raise AssertionError(f"restart: pid {proc.pid} is still running; kill or stop it first")
        args = PLAIN_SERVE_ARGS if proc.kind == "serve" else ("worker",)
        new = self._new(proc.kind, args, workdir=proc.workdir)
        new.env = dict(proc.env)
        group = self.serves if proc.kind == "serve" else self.workers
        if proc in group:
            group[group.index(proc)] = new
        else:
            group.append(new)
        if wait:
            self._start_all([new])
        else:
            new.spawn()
        return new

    def close(self) -> None:
        teardown_processes(sorted(self.processes, key=lambda p: p.kind != "worker"))  # workers first

    # -- looking at the shared state -----------------------------------------------------------
    def sql(self, query):
        """helpers.sql against the cluster's database (rows as tuples of text)."""
        return sql(self.database_url, query, cwd=self.root)

    def data_dirs(self):
        """The DATA_DIR of every working directory ever used, in start order."""
        seen = []
        for proc in self.processes:
            d = Path(proc.env["DATA_DIR"])
            if d not in seen:
                seen.append(d)
        return seen

    def run_log(self):
        """The test.sleep runs of every process: [(event, job_id, owner, us)] — each process's
        lines in the order it wrote them, the processes one after the other (the stamps of
        different processes are not comparable below a millisecond)."""
        return [run for d in self.data_dirs() for run in read_run_log(d / "test-job-runs.log")]

    def temp_files(self):
        """Temporary files left behind: everything in each DATA_DIR/tmp and, with local storage,
        every '.tmp-*' file anywhere under STORAGE_DIR (paths as strings, sorted)."""
        found = []
        for d in self.data_dirs():
            tmp = d / "tmp"
            if tmp.is_dir():
                found += [str(p) for p in tmp.iterdir()]
        if self.storage_dir is not None and self.storage_dir.exists():
            found += [str(p) for p in self.storage_dir.rglob(".tmp-*")]
        return sorted(found)

    def stored_files(self, prefix="resumes/"):
        """With local storage: the keys of the regular files under STORAGE_DIR that start with
        prefix (temporary files excluded)."""
        if self.storage_dir is None:
            raise AssertionError("stored_files reads the local storage; this cluster uses S3")
        if not self.storage_dir.exists():
            return []
        keys = []
        for p in self.storage_dir.rglob("*"):
            key = p.relative_to(self.storage_dir).as_posix()
            if p.is_file() and not p.name.startswith(".") and key.startswith(prefix):
                keys.append(key)
        return sorted(keys)

    def diagnostics(self) -> str:
        return "\n\n".join(f"=== {p.kind} pid {p.pid} ({p.workdir.name})\n{p.diagnostics()}"
                           for p in self.processes if p.proc is not None)


class ClusterFactory:
    """make_cluster(serves=2, workers=2, storage="local", serve_env=None, worker_env=None,
    pg_settings=None, **env); pg_settings (PostgreSQL only) are set on the fresh database
    (ALTER DATABASE ... SET) before any process starts."""

    def __init__(self, binary, tmp_path_factory, databases):
        self.binary = binary
        self.tmp = tmp_path_factory
        self.databases = databases
        self.clusters = []

    def __call__(self, serves=2, workers=2, storage="local", serve_env=None, worker_env=None,
                 pg_settings=None, **env):
        root = self.tmp.mktemp("cluster")
        if "REDIS_URL" not in env and redis_for_every_server():
            env["REDIS_URL"] = fresh_redis_url(os.environ["TEST_REDIS_URL"])
        if self.databases.engine == "sqlite":
            url = "sqlite:///" + str(root / "cluster.db")  # an absolute path: sqlite:////...
        else:
            url = self.databases.new()
            for name, value in (pg_settings or {}).items():  # for every session of the database
                sql(url, f'ALTER DATABASE "{pg_database_name(url)}" SET {name} = {value}')
        cluster = Cluster(self.binary, root, url, storage, env, serve_env, worker_env)
        self.clusters.append(cluster)
        return cluster.start(serves, workers)

    def close(self):
        """Closes every cluster (each one even when an earlier one failed), then drops the
        databases; the first failure is raised at the end."""
        failure = None
        try:
            for c in self.clusters:
                try:
                    c.close()
                except BaseException as exc:  # pytest.fail: report it after the rest is stopped
                    failure = failure or exc
        finally:
            self.databases.close()
        if failure is not None:
            raise failure
