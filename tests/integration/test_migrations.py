"""Database migrations (issue 3): `interviewace migrate` and `migrate status`, serve refusing a
schema that is behind (`serve --migrate` applying first), checksums of applied migrations, the
tables of the API, and concurrent `migrate` runs on PostgreSQL (advisory lock)."""

import json
import os
import re
import secrets
import subprocess
from pathlib import Path

import pytest

from helpers import create_pg_database, drop_pg_database, sql

REPO = Path(__file__).resolve().parents[2]

API_TABLES = {
    "users", "login_attempts", "auth_sessions", "refresh_tokens", "revoked_tokens",
    "password_history", "password_reset_tokens", "email_verification_tokens", "resumes",
    "interview_sessions", "interview_questions", "jobs", "scheduled_tasks",
}

EDITED_RE = re.compile(r"edited after it was applied", re.I)


def migration_files(engine):
    """[(version, name)] of the repository's migrations for the engine, in order."""
    folder = REPO / "migrations" / ("sqlite" if engine == "sqlite" else "postgres")
    out = []
    for path in sorted(folder.glob("*.sql")):
        m = re.fullmatch(r"(\d{4})_(.+)\.sql", path.name)
        assert m, f"badly named migration file {path}"
        out.append((int(m.group(1)), m.group(2)))
    assert out, f"no migrations in {folder}"
    return out


def cli_env(tmp_path, database_url, **extra):
    env = {"SECRET_KEY": secrets.token_hex(32), "DATABASE_URL": database_url, "LOG_FORMAT": "json",
           "LOG_LEVEL": "info", "DATA_DIR": str(tmp_path / "data"), "HOST": "127.0.0.1", "PORT": "0"}
    env.update(extra)
    return env


def log_records(text):
    out = []
    for line in text.splitlines():
        try:
            rec = json.loads(line)
        except ValueError:
            continue
        if isinstance(rec, dict):
            out.append(rec)
    return out


def messages(text):
    return [r.get("message") for r in log_records(text)]


def status_rows(stdout):
    """`migrate status` output -> ({version: (name, state)}, pending count from the last line)."""
    lines = [ln for ln in stdout.splitlines() if ln.strip()]
    assert lines, "empty `migrate status` output"
    last = re.fullmatch(r"(\d+) pending", lines[-1].strip())
    assert last, f"last line of `migrate status` is not 'N pending': {stdout!r}"
    rows = {}
    for ln in lines[:-1]:
        m = re.match(r"^(\d{4})\s+(\S+)\s+(.*?)\s*$", ln)
        assert m, f"unexpected `migrate status` line {ln!r}"
        rows[int(m.group(1))] = (m.group(2), m.group(3))
    return rows, int(last.group(1))


def table_names(url, engine):
    if engine == "sqlite":
        rows = sql(url, "SELECT name FROM sqlite_master WHERE type = 'table'")
    else:
        rows = sql(url, "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()")
    return {r[0] for r in rows}


def applied_rows(url):
    return sql(url, "SELECT version, name, checksum, applied_at FROM schema_migrations ORDER BY version")


def migrate(run_cli, tmp_path, database_url, *args):
    return run_cli(["migrate", *args], env=cli_env(tmp_path, database_url))


def assert_refused_edit(p, what, first):
    assert p.returncode == 1, (what, p.returncode, p.stdout, p.stderr)
    assert EDITED_RE.search(p.stderr), (what, p.stderr)
    assert "checksum" in p.stderr and f"{first[0]:04d}_{first[1]}" in p.stderr, (what, p.stderr)
    assert '"listening"' not in p.stdout and "workers started" not in p.stdout, (what, p.stdout)


# ---- apply, status, re-apply -----------------------------------------------------------------


def test_fresh_apply_then_status_shows_every_migration_applied(run_cli, tmp_path, database_url, engine):
    files = migration_files(engine)

    before = migrate(run_cli, tmp_path, database_url, "status")
    assert before.returncode == 0, before.stderr
    rows, pending = status_rows(before.stdout)
    assert pending == len(files), before.stdout
    assert {v: name for v, (name, _) in rows.items()} == dict(files), before.stdout
    assert all(state == "pending" for _, state in rows.values()), before.stdout

    p = migrate(run_cli, tmp_path, database_url)
    assert p.returncode == 0, (p.stdout, p.stderr)
    applied = [r["fields"] for r in log_records(p.stdout) if r.get("message") == "applied migration"]
    assert [(int(f["version"]), f["name"]) for f in applied] == files, p.stdout
    assert "migrations applied" in messages(p.stdout), p.stdout

    after = migrate(run_cli, tmp_path, database_url, "status")
    assert after.returncode == 0, after.stderr
    rows, pending = status_rows(after.stdout)
    assert pending == 0, after.stdout
    assert after.stdout.rstrip().endswith("0 pending"), after.stdout
    assert {v: name for v, (name, _) in rows.items()} == dict(files), after.stdout
    for version, (_, state) in rows.items():
        assert state.split()[0] == "applied" and "EDITED" not in state, (version, after.stdout)

    recorded = applied_rows(database_url)
    assert [(int(v), n) for v, n, _, _ in recorded] == files, recorded
    for _, _, checksum, applied_at in recorded:
        assert checksum and len(checksum) >= 32, recorded
        assert int(applied_at) > 0, recorded


def test_migrate_again_is_a_no_op(run_cli, tmp_path, database_url):
    first = migrate(run_cli, tmp_path, database_url)
    assert first.returncode == 0, first.stderr
    recorded = applied_rows(database_url)

    again = migrate(run_cli, tmp_path, database_url)
    assert again.returncode == 0, (again.stdout, again.stderr)
    assert "schema already current" in messages(again.stdout), again.stdout
    assert "applied migration" not in messages(again.stdout), again.stdout
    assert "migrations applied" not in messages(again.stdout), again.stdout
    assert applied_rows(database_url) == recorded  # same rows, same checksums, same applied_at


def test_schema_has_the_tables_of_the_api(run_cli, tmp_path, database_url, engine):
    p = migrate(run_cli, tmp_path, database_url)
    assert p.returncode == 0, p.stderr
    missing = API_TABLES - table_names(database_url, engine)
    assert not missing, f"tables missing after migrate: {sorted(missing)}"


# ---- serve and the schema --------------------------------------------------------------------


def test_plain_serve_refuses_an_empty_database(run_cli, tmp_path, database_url, engine):
    p = run_cli(["serve"], env=cli_env(tmp_path, database_url))
    assert p.returncode == 1, (p.returncode, p.stdout, p.stderr)
    assert "interviewace migrate" in p.stderr, p.stderr
    assert '"listening"' not in p.stdout, p.stdout
    # It applied nothing.
    if engine == "postgres" or os.path.exists(database_url[len("sqlite:///"):]):
        assert not API_TABLES & table_names(database_url, engine)


def test_serve_with_migrate_applies_then_serves(database_url, make_server, run_cli, tmp_path, engine):
    srv = make_server(args=["serve", "--migrate"], DATABASE_URL=database_url)
    assert "migrations applied" in [r.get("message") for r in srv.logs()], srv.diagnostics()
    r = srv.client.get("/ready")
    assert r.status_code == 200 and r.json()["checks"]["database"] == "ok", r.text
    assert API_TABLES <= table_names(database_url, engine)
    status = migrate(run_cli, tmp_path, database_url, "status")
    assert status.returncode == 0 and status_rows(status.stdout)[1] == 0, status.stdout

    # Now that the schema is current, plain `serve` starts too.
    plain = make_server(migrate=False, DATABASE_URL=database_url)
    assert plain.client.get("/ready").status_code == 200


# ---- checksums -------------------------------------------------------------------------------


def test_an_edited_migration_is_refused_by_migrate_serve_and_worker(run_cli, tmp_path, database_url, engine):
    first = migration_files(engine)[0]
    p = migrate(run_cli, tmp_path, database_url)
    assert p.returncode == 0, p.stderr
    tampered = "0" * 64
    sql(database_url, f"UPDATE schema_migrations SET checksum = '{tampered}' WHERE version = {first[0]}")

    env = cli_env(tmp_path, database_url)
    assert_refused_edit(run_cli(["migrate"], env=env), "migrate", first)
    assert_refused_edit(run_cli(["serve"], env=env), "serve", first)
    assert_refused_edit(run_cli(["serve", "--migrate"], env=env), "serve --migrate", first)
    assert_refused_edit(run_cli(["worker"], env=dict(env, TEST_ENDPOINTS="true")), "worker", first)

    status = run_cli(["migrate", "status"], env=env)
    rows, _ = status_rows(status.stdout)
    assert "EDITED" in rows[first[0]][1].upper(), status.stdout
    # Nothing "repaired" the record.
    assert sql(database_url, f"SELECT checksum FROM schema_migrations WHERE version = {first[0]}") == [(tampered,)]


# ---- PostgreSQL: concurrent runs ---------------------------------------------------------------


def test_concurrent_migrate_runs_on_postgresql_apply_each_migration_once(binary, tmp_path, engine):
    if engine != "postgres":
        pytest.skip("postgres only")
    from conftest import minimal_env

    files = migration_files(engine)
    admin = os.environ["TEST_POSTGRES_URL"]
    for round_ in range(3):  # a race: several rounds on fresh databases
        url = create_pg_database(admin)
        try:
            env = minimal_env(cli_env(tmp_path, url))
            procs = [subprocess.Popen([str(binary), "migrate"], cwd=tmp_path, env=env, stdin=subprocess.DEVNULL,
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                     for _ in range(2)]
            outs = []
            for proc in procs:
                try:
                    out, err = proc.communicate(timeout=60)
                except subprocess.TimeoutExpired:
                    for q in procs:
                        q.kill()
                    raise
                outs.append((proc.returncode, out, err))
            for code, out, err in outs:
                assert code == 0, (round_, code, out, err)
            applied = [(int(r["fields"]["version"]), r["fields"]["name"])
                       for _, out, _ in outs for r in log_records(out) if r.get("message") == "applied migration"]
            assert sorted(applied) == files, (round_, outs)  # each migration applied by exactly one run
            assert [(int(v), n) for v, n, _, _ in applied_rows(url)] == files
            assert API_TABLES <= table_names(url, engine)
        finally:
            drop_pg_database(admin, url)
