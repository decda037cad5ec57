"""The account commands of the command line (docs/api.md §8; issue 4): `interviewace user create
--email E [--name N] [--admin]` with the password read from standard input when it is not a
terminal, and `interviewace user set-role --email E --role user|admin`.

The commands run against the database of a running server (its DATABASE_URL, or the SQLite file
in its DATA_DIR), which is then used to prove the effect through the API. The server has SMTP
configured (a capturing test server), so that logging in proves the account is verified.

Also imported by test_admin.py and test_account.py: cli_env, cli_create, admin_session."""

import secrets

import pytest

from conftest import run_cli
from helpers import UUID_RE, assert_error
from smtp_server import SmtpTestServer
from test_auth import PASSWORD, assert_token_pair, auth, me, register, sql_bool, try_login

CLI_PASSWORD = "Adm1n#Passw0rd"

# A cheap hash and rate limits out of the way (the rate-limit tests set their own).
FAST = {
    "PASSWORD_HASH_COST": 4,
    "RATE_LIMIT": 10000,
    "RATE_LIMIT_LOGIN": 1000,
    "RATE_LIMIT_LOGIN_ACCOUNT": 1000,
    "RATE_LIMIT_REGISTER": 1000,
    "RATE_LIMIT_RESET": 1000,
    "RATE_LIMIT_RESEND": 1000,
}


# ---- helpers (also used by test_admin.py and test_account.py) --------------------------------


def cli_env(srv, **extra):
    """The settings a command needs to work on srv's database: the same SECRET_KEY, DATA_DIR and
    DATABASE_URL (none with SQLite: the default file in DATA_DIR) and a cheap hash."""
    env = {"SECRET_KEY": srv.env["SECRET_KEY"], "DATA_DIR": srv.env["DATA_DIR"],
           "DATABASE_URL": srv.env.get("DATABASE_URL"), "PASSWORD_HASH_COST": "4"}
    env.update(extra)
    return env


def cli_create(srv, email, password=CLI_PASSWORD, admin=False, name=None, stdin=None):
    """Runs `user create` against srv's database; returns the CompletedProcess."""
    args = ["user", "create", "--email", email]
    if name is not None:
        args += ["--name", name]
    if admin:
        args.append("--admin")
    return run_cli(args, env=cli_env(srv), input=stdin if stdin is not None else password + "\n")


def cli_set_role(srv, email, role):
    return run_cli(["user", "set-role", "--email", email, "--role", role], env=cli_env(srv))


def admin_session(srv, email=None, password=CLI_PASSWORD):
    """An administrator created with the command line and logged in:
    dict(id, email, password, access, refresh)."""
    email = email or f"admin-{secrets.token_hex(6)}@example.com"
    p = cli_create(srv, email, password, admin=True)
    assert p.returncode == 0, (p.returncode, p.stdout, p.stderr)
    pair = assert_token_pair(try_login(srv.client, email, password))
    (user_id,) = srv.sql(f"SELECT id FROM users WHERE email = '{email}'")[0]
    return {"id": user_id, "email": email, "password": password,
            "access": pair["access_token"], "refresh": pair["refresh_token"]}


def accounts_with_email(srv, email):
    return int(srv.sql(f"SELECT count(*) FROM users WHERE lower(email) = lower('{email}')")[0][0])


def unique_email(tag="cli"):
    return f"{tag}-{secrets.token_hex(6)}@example.com"


# ---- fixtures ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def mailer():
    smtp = SmtpTestServer().start()
    yield smtp
    smtp.stop()


@pytest.fixture(scope="module")
def srv(module_server, mailer):
    """With SMTP: an account can log in only once its e-mail is verified."""
    return module_server(**FAST, **mailer.env)


@pytest.fixture
def client(srv):
    return srv.client


# ---- user create ---------------------------------------------------------------------------


def test_create_reads_the_password_from_stdin(srv, client):
    email = unique_email()
    p = cli_create(srv, email, name="Grace Hopper")
    assert p.returncode == 0, (p.stdout, p.stderr)
    assert CLI_PASSWORD not in p.stdout + p.stderr
    rows = srv.sql(f"SELECT id, full_name, role, is_active, is_email_verified, password_hash FROM users "
                   f"WHERE email = '{email}'")
    assert len(rows) == 1, rows
    user_id, name, role, active, verified, stored = rows[0]
    assert UUID_RE.match(user_id), user_id
    assert (name, role, sql_bool(active), sql_bool(verified)) == ("Grace Hopper", "user", True, True)
    assert stored.startswith("$2b$") and CLI_PASSWORD not in stored
    # Verified: logs in although the server requires verification (SMTP is configured).
    pair = assert_token_pair(try_login(client, email, CLI_PASSWORD))
    u = me(client, pair["access_token"]).json()
    assert (u["id"], u["email"], u["full_name"], u["role"], u["is_active"], u["is_email_verified"]) == \
        (user_id, email, "Grace Hopper", "user", True, True), u
    # An ordinary user: no admin endpoints.
    assert_error(client.get("/api/v1/admin/stats", headers=auth(pair["access_token"])), 403, "FORBIDDEN")
    assert_error(try_login(client, email, CLI_PASSWORD + "x"), 401, "INVALID_CREDENTIALS")


def test_create_admin(srv, client):
    email = unique_email("first-admin")
    p = cli_create(srv, email, admin=True)
    assert p.returncode == 0, (p.stdout, p.stderr)
    (role, active, verified) = srv.sql(f"SELECT role, is_active, is_email_verified FROM users "
                                       f"WHERE email = '{email}'")[0]
    assert (role, sql_bool(active), sql_bool(verified)) == ("admin", True, True)
    pair = assert_token_pair(try_login(client, email, CLI_PASSWORD))
    assert me(client, pair["access_token"]).json()["role"] == "admin"
    r = client.get("/api/v1/admin/stats", headers=auth(pair["access_token"]))
    assert r.status_code == 200, r.text


def test_create_lowercases_the_email_and_keeps_the_password_as_typed(srv, client):
    tag = secrets.token_hex(5)
    password = " Spaced Out#9 "  # spaces count as special characters and are not trimmed
    p = cli_create(srv, f"Mixed.{tag}@Example.COM", password)
    assert p.returncode == 0, (p.stdout, p.stderr)
    email = f"mixed.{tag}@example.com"
    assert srv.sql(f"SELECT email FROM users WHERE lower(email) = '{email}'") == [(email,)]
    assert_token_pair(try_login(client, email, password))
    assert_error(try_login(client, email, password.strip()), 401, "INVALID_CREDENTIALS")


def test_create_accepts_a_password_without_a_final_newline(srv, client):
    email = unique_email()
    p = cli_create(srv, email, stdin=CLI_PASSWORD)
    assert p.returncode == 0, (p.stdout, p.stderr)
    assert_token_pair(try_login(client, email, CLI_PASSWORD))


def test_create_refuses_a_weak_password_with_the_policy_messages(srv, client):
    weak = "weakpw"
    # The API's messages for the same password: the command line applies the same policy.
    r = client.post("/api/v1/auth/register", json={"email": unique_email(), "full_name": "W", "password": weak})
    assert r.status_code == 422, r.text
    expected = {i["type"]: i["msg"] for i in r.json()["detail"]}
    assert set(expected) == {"password_too_short", "password_no_uppercase", "password_no_digit",
                             "password_no_special"}, expected
    email = unique_email("weak")
    p = cli_create(srv, email, weak, admin=True)
    assert p.returncode != 0, (p.stdout, p.stderr)
    for msg in expected.values():
        assert msg in p.stderr, (msg, p.stderr)
    assert weak not in p.stdout + p.stderr
    assert accounts_with_email(srv, email) == 0


@pytest.mark.parametrize("password,rule", [
    ("Abcdefg1", "password_no_special"),
    ("abcdef1!", "password_no_uppercase"),
    ("Ab1!" + "x" * 125, "password_too_long"),
])
def test_create_refuses_each_broken_rule(srv, client, password, rule):
    r = client.post("/api/v1/auth/register", json={"email": unique_email(), "full_name": "W", "password": password})
    (msg,) = [i["msg"] for i in r.json()["detail"] if i["type"] == rule]
    email = unique_email("weak")
    p = cli_create(srv, email, password)
    assert p.returncode != 0 and msg in p.stderr, (p.returncode, p.stderr)
    assert accounts_with_email(srv, email) == 0


def test_create_without_a_password_fails(srv):
    email = unique_email("nopw")
    p = cli_create(srv, email, stdin="")
    assert p.returncode != 0, (p.stdout, p.stderr)
    assert p.stderr.strip(), p.stderr
    assert accounts_with_email(srv, email) == 0


def test_create_refuses_a_duplicate_email(srv, client):
    user_id, email = register(client, email=unique_email("taken"))
    for address in (email, email.upper()):
        p = cli_create(srv, address, admin=True)
        assert p.returncode != 0, (p.stdout, p.stderr)
        assert p.stderr.strip(), p.stderr
    assert srv.sql(f"SELECT id, role FROM users WHERE lower(email) = '{email}'") == [(user_id, "user")]
    # And one created by the command line cannot be created twice either.
    email2 = unique_email()
    assert cli_create(srv, email2).returncode == 0
    assert cli_create(srv, email2, "An0ther#Password").returncode != 0
    assert accounts_with_email(srv, email2) == 1
    assert_token_pair(try_login(client, email2, CLI_PASSWORD))


def test_create_refuses_an_invalid_email(srv):
    before = srv.sql("SELECT count(*) FROM users")
    for bad in ("not-an-email", "a@", "@example.com", "two@@example.com"):
        p = cli_create(srv, bad)
        assert p.returncode != 0, (bad, p.stdout, p.stderr)
        assert p.stderr.strip(), p.stderr
    assert srv.sql("SELECT count(*) FROM users") == before


# ---- user set-role -------------------------------------------------------------------------


def true_literal(engine):
    return "true" if engine == "postgres" else "1"


def test_set_role_is_visible_at_once(srv, client, engine):
    user_id, email = register(client, email=unique_email("promote"))
    srv.sql(f"UPDATE users SET is_email_verified = {true_literal(engine)} WHERE id = '{user_id}'")
    pair = assert_token_pair(try_login(client, email, PASSWORD))
    token = pair["access_token"]
    assert me(client, token).json()["role"] == "user"
    assert_error(client.get("/api/v1/admin/stats", headers=auth(token)), 403, "FORBIDDEN")

    p = cli_set_role(srv, email, "admin")
    assert p.returncode == 0, (p.stdout, p.stderr)
    assert me(client, token).json()["role"] == "admin"  # the same token: role read per request
    assert client.get("/api/v1/admin/stats", headers=auth(token)).status_code == 200

    p = cli_set_role(srv, email.upper(), "user")  # e-mails compare case-insensitively
    assert p.returncode == 0, (p.stdout, p.stderr)
    assert me(client, token).json()["role"] == "user"
    assert_error(client.get("/api/v1/admin/stats", headers=auth(token)), 403, "FORBIDDEN")
    assert srv.sql(f"SELECT role FROM users WHERE id = '{user_id}'") == [("user",)]


def test_set_role_demotes_an_admin(srv, client):
    admin = admin_session(srv)
    p = cli_set_role(srv, admin["email"], "user")
    assert p.returncode == 0, (p.stdout, p.stderr)
    assert me(client, admin["access"]).json()["role"] == "user"
    assert_error(client.get("/api/v1/admin/users", headers=auth(admin["access"])), 403, "FORBIDDEN")


def test_set_role_of_an_unknown_email_fails(srv):
    before = srv.sql("SELECT id, role FROM users ORDER BY id")
    p = cli_set_role(srv, unique_email("nobody"), "admin")
    assert p.returncode != 0, (p.stdout, p.stderr)
    assert p.stderr.strip(), p.stderr
    assert srv.sql("SELECT id, role FROM users ORDER BY id") == before


@pytest.mark.parametrize("role", ["moderator", "ADMIN", "", "superuser"])
def test_set_role_refuses_other_roles_with_usage_status(srv, role):
    user_id, email = register(srv.client, email=unique_email("role"))
    p = cli_set_role(srv, email, role)
    assert p.returncode == 2, (p.returncode, p.stdout, p.stderr)
    assert srv.sql(f"SELECT role FROM users WHERE id = '{user_id}'") == [("user",)]


# ---- usage ---------------------------------------------------------------------------------


@pytest.mark.parametrize("args", [
    ["user", "create"],
    ["user", "create", "--admin"],
    ["user", "create", "--name", "No Mail"],
    ["user", "set-role", "--role", "admin"],
    ["user", "set-role"],
    ["user", "set-role", "--email", "someone@example.com"],
    ["user", "create", "--email"],
    ["user", "create", "--email", "x@example.com", "--bogus"],
    ["user", "bogus"],
    ["user"],
])
def test_usage_errors_exit_2(srv, args):
    before = srv.sql("SELECT count(*) FROM users")
    p = run_cli(args, env=cli_env(srv), input=CLI_PASSWORD + "\n")
    assert p.returncode == 2, (args, p.returncode, p.stdout, p.stderr)
    assert p.stderr.strip(), p.stderr
    assert srv.sql("SELECT count(*) FROM users") == before


@pytest.mark.parametrize("args", [["user", "--help"], ["user", "create", "--help"], ["user", "set-role", "--help"]])
def test_help_exits_0(srv, args):
    p = run_cli(args, env=cli_env(srv))
    assert p.returncode == 0, (p.returncode, p.stdout, p.stderr)
    assert "user create" in p.stdout and "set-role" in p.stdout, p.stdout
