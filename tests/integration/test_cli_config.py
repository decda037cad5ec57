"""Command line and configuration: start-up refusals, .env handling, init, config check."""

import os
import re
import secrets
import stat

import pytest

SETTINGS = """HOST PORT DATA_DIR SECRET_KEY FRONTEND_URL ALLOWED_ORIGINS TRUSTED_PROXIES LOG_LEVEL LOG_FORMAT
HTTP_IO_THREADS HANDLER_THREADS HANDLER_QUEUE_MAX MAX_JSON_BODY MAX_FILE_SIZE HTTP_MAX_HEADER_BYTES
HTTP_MAX_CONNECTIONS HTTP_MAX_CONNECTIONS_PER_IP HTTP_IDLE_TIMEOUT HTTP_REQUEST_TIMEOUT SHUTDOWN_TIMEOUT
RATE_LIMIT RATE_LIMIT_REGISTER RATE_LIMIT_LOGIN RATE_LIMIT_LOGIN_ACCOUNT RATE_LIMIT_RESET RATE_LIMIT_RESEND
RATE_LIMIT_UPLOAD ACCESS_TOKEN_EXPIRE_MINUTES REFRESH_TOKEN_EXPIRE_DAYS MAX_SESSIONS_PER_USER
MAX_LOGIN_ATTEMPTS LOGIN_ATTEMPT_WINDOW_MINUTES LOCKOUT_MINUTES PASSWORD_HISTORY
PASSWORD_RESET_EXPIRE_MINUTES EMAIL_VERIFICATION_EXPIRE_MINUTES TASK_RETENTION_DAYS SMTP_HOST
TEST_ENDPOINTS""".split()

KEY_LINE = re.compile(r"^SECRET_KEY=([0-9A-Fa-f]+)\s*$", re.M)


def serve_env(tmp_path, **overrides):
    """A valid configuration for `serve` (any port), with overrides (None removes)."""
    env = {"SECRET_KEY": secrets.token_hex(32), "HOST": "127.0.0.1", "PORT": "0",
           "DATA_DIR": str(tmp_path / "data"), "LOG_FORMAT": "json"}
    env.update(overrides)
    return env


def assert_never_listened(p):
    assert '"listening"' not in p.stdout, p.stdout


# ---- start-up refusals ------------------------------------------------------------------------

BAD_SECRETS = {
    "unset": None,
    "empty": "",
    "31 bytes": secrets.token_hex(16)[:31],
    "placeholder": "your-secret-key-here",
    "changeme": "changeme",
    "one repeated char": "a" * 40,
    "long placeholder": "your-secret-key-here-change-in-production-please",
    "few distinct chars": "abcabc1212abcabc1212abcabc1212abcabc",
    "example": "this-is-an-example-key-" + secrets.token_hex(8),
    "insecure": "insecure-" + secrets.token_hex(16),
}


@pytest.mark.parametrize("name", list(BAD_SECRETS))
def test_serve_refuses_a_bad_secret_key(run_cli, tmp_path, name):
    p = run_cli(["serve"], env=serve_env(tmp_path, SECRET_KEY=BAD_SECRETS[name]), timeout=10)
    assert p.returncode == 2, (p.returncode, p.stderr)
    assert "SECRET_KEY" in p.stderr, p.stderr
    assert "interviewace init" in p.stderr, p.stderr
    assert "openssl rand -hex 32" in p.stderr, p.stderr
    assert_never_listened(p)
    if BAD_SECRETS[name]:
        assert BAD_SECRETS[name] not in p.stdout


@pytest.mark.parametrize(
    "name,value",
    [("PORT", "abc"), ("PORT", "70000"), ("PORT", "-1"), ("LOG_LEVEL", "loud"), ("LOG_FORMAT", "xml"),
     ("HTTP_IDLE_TIMEOUT", "forever"), ("SHUTDOWN_TIMEOUT", "10parsecs"), ("ALLOWED_ORIGINS", "not-a-url"),
     ("TRUSTED_PROXIES", "300.1.1.1"), ("TRUSTED_PROXIES", "10.0.0.0/33"), ("HANDLER_QUEUE_MAX", "many"),
     ("MAX_JSON_BODY", "-5")],
)
def test_serve_refuses_an_invalid_setting(run_cli, tmp_path, name, value):
    p = run_cli(["serve"], env=serve_env(tmp_path, **{name: value}), timeout=10)
    assert p.returncode == 2, (p.returncode, p.stderr)
    assert name in p.stderr, p.stderr
    assert_never_listened(p)


def test_config_check_refuses_an_invalid_setting(run_cli, tmp_path):
    p = run_cli(["config", "check"], env=serve_env(tmp_path, PORT="abc"))
    assert p.returncode == 2, (p.returncode, p.stdout, p.stderr)
    assert "PORT" in p.stderr


@pytest.mark.parametrize(
    "name,value",
    [("HTTP_REQUEST_TIMEOUT", "500ms"), ("HTTP_IDLE_TIMEOUT", "1500ms"), ("HTTP_IDLE_TIMEOUT", "30s"),
     ("SHUTDOWN_TIMEOUT", "5m"), ("HTTP_REQUEST_TIMEOUT", "1h"), ("HTTP_IDLE_TIMEOUT", "30")],
)
def test_duration_forms_are_accepted(run_cli, tmp_path, name, value):
    p = run_cli(["config", "check"], env=serve_env(tmp_path, **{name: value}))
    assert p.returncode == 0, (name, value, p.stderr)


# ---- .env ------------------------------------------------------------------------------------


def test_dotenv_supplies_the_secret_key(make_server):
    key = secrets.token_hex(32)
    srv = make_server(SECRET_KEY=None, files={".env": f"# written by a test\n\nSECRET_KEY={key}\n"})
    assert srv.client.get("/health").status_code == 200


def test_environment_wins_over_dotenv(make_server):
    dotenv = f"SECRET_KEY={secrets.token_hex(32)}\nPORT=not-a-port\n"
    srv = make_server(PORT="0", files={".env": dotenv})  # env PORT=0 beats the invalid .env PORT
    assert srv.client.get("/health").status_code == 200


def test_config_check_shows_dotenv_and_environment_precedence(run_cli, tmp_path):
    (tmp_path / ".env").write_text(f"SECRET_KEY={secrets.token_hex(32)}\nPORT=8123\nHOST=127.0.0.9\n")
    p = run_cli(["config", "check"], env={"PORT": "8124"}, cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    assert "8124" in p.stdout and "8123" not in p.stdout, p.stdout
    assert "127.0.0.9" in p.stdout, p.stdout


def test_env_file_option(run_cli, tmp_path):
    key = secrets.token_hex(32)
    env_file = tmp_path / "elsewhere.env"
    env_file.write_text(f"SECRET_KEY={key}\nPORT=8125\n")
    workdir = tmp_path / "work"
    workdir.mkdir()
    p = run_cli(["--env-file", env_file, "config", "check"], cwd=workdir)
    assert p.returncode == 0, p.stderr
    assert "8125" in p.stdout
    assert key not in p.stdout + p.stderr


# ---- commands --------------------------------------------------------------------------------


@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_help_lists_commands(run_cli, flag):
    p = run_cli([flag])
    assert p.returncode == 0, p.stderr
    for command in ("init", "serve", "config", "version"):
        assert command in p.stdout, p.stdout


@pytest.mark.parametrize("args", [["serve"], ["init"], ["version"], ["config", "check"]], ids=" ".join)
def test_command_help(run_cli, tmp_path, args):
    p = run_cli([*args, "--help"], timeout=10)  # no SECRET_KEY needed for help
    assert p.returncode == 0, (p.returncode, p.stderr)
    assert args[0] in p.stdout, p.stdout
    assert_never_listened(p)
    assert not (tmp_path / ".env").exists()


def test_version(run_cli):
    p = run_cli(["version"])
    assert p.returncode == 0, p.stderr
    assert p.stdout.strip() == "interviewace 0.1.0"


def test_unknown_command(run_cli):
    p = run_cli(["frobnicate"])
    assert p.returncode == 2
    assert "frobnicate" in p.stderr, p.stderr


@pytest.mark.parametrize("args", [["--bogus"], ["--bogus", "version"], ["version", "--bogus"], ["serve", "--bogus"]],
                         ids=" ".join)
def test_unknown_option(run_cli, tmp_path, args):
    p = run_cli(args, env=serve_env(tmp_path), timeout=10)
    assert p.returncode == 2, (p.returncode, p.stderr)
    assert p.stderr.strip(), "no message on stderr"
    assert_never_listened(p)


def test_init_writes_a_private_env_with_a_fresh_key(run_cli, tmp_path):
    p = run_cli(["init"], cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    env_file = tmp_path / ".env"
    assert stat.S_IMODE(env_file.stat().st_mode) == 0o600
    keys = KEY_LINE.findall(env_file.read_text())
    assert len(keys) == 1 and len(keys[0]) >= 64, env_file.read_text()
    assert keys[0] not in p.stdout + p.stderr  # never echoed
    # The written file is a valid configuration.
    check = run_cli(["config", "check"], cwd=tmp_path)
    assert check.returncode == 0, check.stderr


def test_second_init_refuses_and_keeps_the_file(run_cli, tmp_path):
    assert run_cli(["init"], cwd=tmp_path).returncode == 0
    env_file = tmp_path / ".env"
    before = env_file.read_bytes()
    p = run_cli(["init"], cwd=tmp_path)
    assert p.returncode == 1, (p.returncode, p.stderr)
    assert p.stderr.strip()
    assert env_file.read_bytes() == before
    assert stat.S_IMODE(env_file.stat().st_mode) == 0o600


def test_two_inits_give_different_keys(run_cli, tmp_path):
    keys = []
    for name in ("one", "two"):
        d = tmp_path / name
        d.mkdir()
        assert run_cli(["init"], cwd=d).returncode == 0
        keys += KEY_LINE.findall((d / ".env").read_text())
    assert len(keys) == 2 and keys[0] != keys[1]


def test_config_check_prints_settings_with_the_secret_masked(run_cli, tmp_path):
    key = secrets.token_hex(32)
    p = run_cli(["config", "check"], env=serve_env(tmp_path, SECRET_KEY=key, PORT="8126", HANDLER_QUEUE_MAX="77"))
    assert p.returncode == 0, p.stderr
    out = p.stdout + p.stderr
    windows = {key[i:i + 12] for i in range(len(key) - 11)}
    leaked = [w for w in windows if w in out]
    assert not leaked, f"secret leaked in config check output: {leaked[:3]}"
    assert "8126" in p.stdout and "77" in p.stdout, p.stdout
    missing = [s for s in SETTINGS if s not in p.stdout]
    assert not missing, f"settings not printed: {missing}\n{p.stdout}"
