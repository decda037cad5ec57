"""Hard faults (issue 17): a disk that is full or read-only, and a database that refuses writes.
Writes answer 503 SERVICE_UNAVAILABLE with Retry-After and a detail naming the database or the
file storage (never a 500), GET /ready says not ready (it makes a real write), and once the
fault is gone the same process serves writes again: no restart.

The faults are real where this machine allows it: DATA_DIR lives on a small tmpfs the test
mounts itself, filled up for the full disk and covered by a read-only bind mount for the
read-only disk (existing descriptors stay writable, as after a remount that the kernel allows).
Where mounting is impossible (no root, no mount namespace) the same promises are checked
through injected faults (POST /__test/faults) instead, and the test says so in its output:
nothing is skipped. A database that refuses writes is also injected on every engine
(SQLite PRAGMA query_only, PostgreSQL default_transaction_read_only), since the test cannot
fill or remount the PostgreSQL server's disk."""

import errno
import os
import subprocess
import uuid
import warnings
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from helpers import assert_error, positive_int, wait_for
from test_auth import PASSWORD, auth, login, new_account
from test_resume_endpoints import LIMITS_OFF, fixture_text, upload

DISK_SIZE = "24m"
FILL_CHUNK = 1 << 20


def run(*cmd):
    return subprocess.run(list(cmd), capture_output=True, text=True, timeout=30)


class Disk:
    """A tmpfs mounted on a temporary directory, or None-like when mounting is impossible."""

    def __init__(self, path: Path):
        self.path = path
        self.mounted = False
        self.ro_layer = False
        self.why_not = None

    def mount(self):
        self.path.mkdir(parents=True, exist_ok=True)
        if os.environ.get("IA_TEST_NO_MOUNT"):  # to check the fallback where mounting works
            self.why_not = "IA_TEST_NO_MOUNT is set"
            return self
        if os.geteuid() != 0:
            self.why_not = "not root"
            return self
        r = run("mount", "-t", "tmpfs", "-o", f"size={DISK_SIZE},mode=0755", "tmpfs", str(self.path))
        if r.returncode != 0:
            self.why_not = r.stderr.strip() or f"mount exited {r.returncode}"
            return self
        self.mounted = True
        # Private, so the read-only bind mount below does not propagate onto itself.
        r = run("mount", "--make-private", str(self.path))
        assert r.returncode == 0, r.stderr
        return self

    def make_read_only(self):
        """Covers the disk with a read-only bind mount of itself."""
        r = run("mount", "--bind", str(self.path), str(self.path))
        assert r.returncode == 0, r.stderr
        self.ro_layer = True
        r = run("mount", "-o", "remount,bind,ro", str(self.path))
        assert r.returncode == 0, r.stderr

    def make_writable(self):
        """Removes the read-only layer. Lazily: descriptors the server opened through it (an
        SQLite connection opened while the disk was read-only) keep it alive, read-only, until
        they are closed, just as a connection SQLite opened read-only stays read-only."""
        assert run("umount", "-l", str(self.path)).returncode == 0
        self.ro_layer = False

    def fill(self):
        """Writes zeros until the disk is full, down to the last byte; returns the file."""
        filler = self.path / "filler"
        fd = os.open(filler, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            for size in (FILL_CHUNK, 65536, 4096, 512, 1):
                try:
                    while True:
                        os.write(fd, b"\0" * size)
                except OSError as exc:
                    assert exc.errno == errno.ENOSPC, exc
        finally:
            os.close(fd)
        return filler

    def close(self):
        if self.ro_layer:
            run("umount", str(self.path))
        if self.mounted:
            r = run("umount", str(self.path))
            if r.returncode != 0:
                run("umount", "-l", str(self.path))


@pytest.fixture
def disk(tmp_path):
    d = Disk(tmp_path / "disk").mount()
    yield d
    d.close()


def assert_unavailable(r, names):
    body = assert_error(r, 503, "SERVICE_UNAVAILABLE")
    assert positive_int(r.headers.get("retry-after"))
    assert names in body["detail"], body
    return body


def ready(srv):
    r = srv.client.get("/ready")
    return r.status_code, r.json()


def inject(srv, **query):
    r = srv.client.post("/__test/faults", params=query)
    assert r.status_code == 204, r.text


def register(srv):
    email = f"fault-{uuid.uuid4().hex[:12]}@example.com"
    return srv.client.post("/api/v1/auth/register",
                           json={"email": email, "full_name": "Fault Test", "password": PASSWORD})


def start_then_break(make_server, disk, fault, **env):
    """A server whose DATA_DIR is on the disk, with an account, ready; then the fault (the
    disk's own, or injected when mounting is impossible). Returns (server, account)."""
    srv = make_server(DATA_DIR=str(disk.path / "data"), **LIMITS_OFF, **env)
    user = new_account(srv.client)
    assert ready(srv)[0] == 200
    if not disk.mounted:
        warnings.warn(f"mounting impossible ({disk.why_not}): injecting the faults instead")
        inject(srv, database="readonly", upload="store")
    else:
        fault()
    return srv, user


def test_a_full_disk_answers_503_and_recovers_without_a_restart(disk, make_server, engine):
    filled = []
    srv, user = start_then_break(make_server, disk, lambda: filled.append(disk.fill()))
    c = srv.client

    # Every write that needs the disk: 503 with Retry-After, naming what failed, never 500.
    r = upload(c, user["access"], "cv.txt", fixture_text())
    assert_unavailable(r, "unavailable")
    if engine == "sqlite" or not disk.mounted:  # the database lives on the full disk
        assert_unavailable(register(srv), "database")
        r = c.post("/api/v1/auth/login", json={"email": user["email"], "password": PASSWORD})
        assert_unavailable(r, "database")
    status, body = ready(srv)
    assert status == 503 and body["code"] == "NOT_READY", body
    assert "unavailable" in (body["checks"]["storage"], body["checks"]["database"]), body

    # The disk has room again: the same process serves writes, /ready says ready.
    if not disk.mounted:
        inject(srv, database="none", upload="none")
    else:
        filled[0].unlink()
    wait_for(lambda: ready(srv)[0] == 200, what="/ready after the disk has room again")
    assert register(srv).status_code == 201
    login(c, user["email"])
    assert upload(c, user["access"], "cv.txt", fixture_text()).status_code == 202


def test_a_read_only_disk_answers_503_and_recovers_without_a_restart(disk, make_server, engine):
    srv, user = start_then_break(make_server, disk, disk.make_read_only, HANDLER_THREADS="8")
    c = srv.client
    # Concurrent reads while read-only: handler threads that had no connection yet open one now
    # (with SQLite, read-only: it must not stay so once the disk is writable again).
    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(lambda _: c.get("/api/v1/auth/me", headers=auth(user["access"])).status_code,
                                 range(24)))
    assert set(statuses) <= {200, 503}, statuses

    r = upload(c, user["access"], "cv.txt", fixture_text())
    assert_unavailable(r, "unavailable")
    status, body = ready(srv)
    assert status == 503 and body["code"] == "NOT_READY", body
    assert "unavailable" in (body["checks"]["storage"], body["checks"]["database"]), body
    assert positive_int(srv.client.get("/ready").headers.get("retry-after"))

    if not disk.mounted:
        inject(srv, database="none", upload="none")
    else:
        disk.make_writable()
    wait_for(lambda: ready(srv)[0] == 200, what="/ready after the disk is writable again")
    assert upload(c, user["access"], "cv.txt", fixture_text()).status_code == 202
    # Every handler thread's connection writes again (several rounds, in parallel).
    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(lambda _: register(srv).status_code, range(24)))
    assert statuses == [201] * 24, statuses


def test_a_database_that_refuses_writes_is_503_not_ready_and_recovers(make_server, engine):
    """SQLITE_READONLY / SQLSTATE 25006 from the engine itself: 503 naming the database, /ready
    not ready with database unavailable, reads still served; SQLite connections that met the
    fault are reopened, and writes work again without a restart."""
    srv = make_server(HANDLER_THREADS="2", **LIMITS_OFF)
    c = srv.client
    user = new_account(c)
    inject(srv, database="readonly")
    try:
        for _ in range(4):  # every handler thread's connection meets the fault
            assert_unavailable(register(srv), "database")
        status, body = ready(srv)
        assert status == 503 and body["checks"]["database"] == "unavailable", body
        assert "cannot be written" in body["detail"], body
        assert c.get("/api/v1/auth/me", headers=auth(user["access"])).status_code == 200
        line = srv.wait_for_log(lambda rec: rec.get("module") == "db" and rec.get("level") == "warn"
                                and ("read-only" in rec.get("message", "") or
                                     "cannot write" in rec.get("message", "")))
        assert line is not None
    finally:
        inject(srv, database="none")
    wait_for(lambda: ready(srv)[0] == 200, what="/ready after the database accepts writes")
    for _ in range(4):
        assert register(srv).status_code == 201
    assert not any(rec.get("level") == "error" and rec.get("fields", {}).get("status") == "500"
                   for rec in srv.logs())


def test_an_unknown_database_fault_is_refused(make_server):
    srv = make_server()
    r = srv.client.post("/__test/faults", params={"database": "melted"})
    assert r.status_code == 422, r.text
