"""File storage (issue 6): both backends end to end through the TEST_ENDPOINTS routes

    PUT /__test/storage?key=K {"data_base64"}   GET /__test/storage?key=K[&max=N][&via=file]
    DELETE /__test/storage?key=K                POST /__test/storage/copy?from=A&to=B
    GET /__test/storage/list?prefix=P

The local backend is a directory (STORAGE_DIR, default DATA_DIR/files). The S3 backend runs
against moto's S3-compatible server started by scripts/services.sh, which checks SigV4
signatures (a wrong secret is refused); its tests are skipped only when TEST_S3_ENDPOINT is not
set (`eval "$(scripts/services.sh env)"`; `make test` always sets it). The suite does not touch
the database, so it runs the same on every engine; every test uses keys under its own random
prefix, so runs can share the bucket.
"""

import base64
import hashlib
import http.client
import http.server
import os
import secrets
import stat
import threading

import pytest

from helpers import assert_error

MIB = 1024 * 1024
BIG_BODY = {"MAX_JSON_BODY": str(32 * MIB)}  # a 10 MiB object travels base64-encoded
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()


def s3_env():
    return {
        "endpoint": os.environ.get("TEST_S3_ENDPOINT", ""),
        "bucket": os.environ.get("TEST_S3_BUCKET", ""),
        "region": os.environ.get("TEST_S3_REGION", "us-east-1"),
        "key_id": os.environ.get("TEST_S3_ACCESS_KEY_ID", ""),
        "secret": os.environ.get("TEST_S3_SECRET_ACCESS_KEY", ""),
    }


def need_s3():
    if not os.environ.get("TEST_S3_ENDPOINT"):
        pytest.skip('TEST_S3_ENDPOINT is not set: scripts/services.sh start s3 && eval "$(scripts/services.sh env)"')


def s3_settings(**overrides):
    """Server settings for the S3 backend against the test server (UPPER-case overrides)."""
    e = s3_env()
    settings = {
        "STORAGE_BACKEND": "s3",
        "S3_ENDPOINT": e["endpoint"],
        "S3_BUCKET": e["bucket"],
        "S3_REGION": e["region"],
        "S3_ACCESS_KEY_ID": e["key_id"],
        "S3_SECRET_ACCESS_KEY": e["secret"],
        "S3_TIMEOUT": "30s",
    }
    settings.update(BIG_BODY)
    settings.update(overrides)
    return settings


def prefix() -> str:
    """A fresh key prefix, so that tests (and runs sharing the bucket) never meet."""
    return f"t{secrets.token_hex(8)}/"


def put(client, key, data: bytes):
    return client.put("/__test/storage", params={"key": key},
                      json={"data_base64": base64.b64encode(data).decode()})


def get(client, key, **params):
    return client.get("/__test/storage", params={"key": key, **params})


def delete(client, key):
    return client.delete("/__test/storage", params={"key": key})


def copy(client, src, dst):
    return client.post("/__test/storage/copy", params={"from": src, "to": dst})


def keys_under(client, pfx) -> dict:
    r = client.get("/__test/storage/list", params={"prefix": pfx})
    assert r.status_code == 200, r.text
    return {item["key"]: item["modified_ms"] for item in r.json()["keys"]}


def must_put(client, key, data: bytes):
    r = put(client, key, data)
    assert r.status_code == 201, r.text
    assert r.json() == {"key": key, "size": len(data)}


@pytest.fixture(scope="module", params=["local", "s3"])
def storage_server(request, module_server):
    """One server per backend, shared by the module's round-trip tests."""
    if request.param == "s3":
        need_s3()
        return module_server(**s3_settings())
    return module_server(**BIG_BODY)


# ---- both backends ---------------------------------------------------------------------------


def test_put_get_list_delete_round_trip(storage_server):
    api = storage_server.client
    p = prefix()
    a, b, other = p + "resumes/u1/a.pdf", p + "resumes/u1/b.txt", p + "elsewhere/c.docx"
    must_put(api, a, b"%PDF-1.7 first")
    must_put(api, b, "naïve résumé\n".encode())
    must_put(api, other, b"")

    r = get(api, a)
    assert r.status_code == 200 and r.content == b"%PDF-1.7 first"
    assert r.headers["content-type"] == "application/octet-stream"
    assert get(api, b, via="file").content == "naïve résumé\n".encode()
    assert get(api, other).content == b""

    listed = keys_under(api, p + "resumes/")
    assert set(listed) == {a, b}
    assert set(keys_under(api, p + "resumes/u1/b")) == {b}
    assert set(keys_under(api, p)) == {a, b, other}
    assert all(ms > 1_600_000_000_000 for ms in listed.values()), listed

    must_put(api, a, b"replaced")
    assert get(api, a).content == b"replaced"

    assert delete(api, a).status_code == 204
    assert_error(get(api, a), 404, "NOT_FOUND")
    assert_error(get(api, a, via="file"), 404, "NOT_FOUND")
    assert delete(api, a).status_code == 204  # absent already: still fine
    assert set(keys_under(api, p)) == {b, other}
    for k in (b, other):
        assert delete(api, k).status_code == 204
    assert keys_under(api, p) == {}


def test_a_10_mib_object_round_trips_and_reads_are_bounded(storage_server):
    api = storage_server.client
    key = prefix() + "big.bin"
    data = os.urandom(10 * MIB)
    must_put(api, key, data)
    r = get(api, key)  # MAX_FILE_SIZE (10 MiB) is the default bound
    assert r.status_code == 200
    assert hashlib.sha256(r.content).hexdigest() == hashlib.sha256(data).hexdigest()
    assert get(api, key, via="file").content == data
    assert_error(get(api, key, max=str(10 * MIB - 1)), 413, "PAYLOAD_TOO_LARGE")
    assert_error(get(api, key, max=str(10 * MIB - 1), via="file"), 413, "PAYLOAD_TOO_LARGE")
    assert delete(api, key).status_code == 204


def test_copy_makes_an_independent_object(storage_server):
    api = storage_server.client
    p = prefix()
    must_put(api, p + "v1.pdf", b"version one")
    r = copy(api, p + "v1.pdf", p + "versions/v2.pdf")
    assert r.status_code == 204, r.text
    assert delete(api, p + "v1.pdf").status_code == 204
    assert get(api, p + "versions/v2.pdf").content == b"version one"
    assert_error(copy(api, p + "missing.pdf", p + "x.pdf"), 404, "NOT_FOUND")
    assert_error(get(api, p + "x.pdf"), 404, "NOT_FOUND")
    assert delete(api, p + "versions/v2.pdf").status_code == 204


@pytest.mark.parametrize("key", ["../x", "/abs", "a//b", "a/../b", ".env", "Upper.pdf", "a b", ""])
def test_invalid_keys_are_refused_by_every_operation(storage_server, key):
    api = storage_server.client
    for r in (put(api, key, b"x"), get(api, key), delete(api, key), copy(api, key, "ok"),
              copy(api, "ok", key)):
        body = assert_error(r, 422, "INVALID_KEY")
        assert "invalid storage key" in body["detail"]
    assert_error(api.get("/__test/storage/list", params={"prefix": "../"}), 422, "INVALID_KEY")


# ---- local backend ---------------------------------------------------------------------------


def test_local_objects_are_private_files_under_data_dir(make_server):
    srv = make_server()
    key = prefix() + "resumes/u1/a.pdf"
    must_put(srv.client, key, b"data")
    root = srv.workdir / "data" / "files"
    assert stat.S_IMODE(root.stat().st_mode) == 0o700
    path = root / key
    assert path.read_bytes() == b"data"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert not [p for p in root.rglob(".tmp-*")], "temporary files left behind"
    # Nothing of the upload is left in the temporary directory either.
    assert not list((srv.workdir / "data" / "tmp").iterdir())


def test_storage_dir_setting_and_ready_reports_a_lost_directory(make_server, tmp_path):
    files = tmp_path / "elsewhere" / "files"
    srv = make_server(STORAGE_DIR=str(files))
    assert stat.S_IMODE(files.stat().st_mode) == 0o700
    must_put(srv.client, "k.txt", b"1")
    assert (files / "k.txt").read_bytes() == b"1"
    assert srv.client.get("/ready").status_code == 200

    (files / "k.txt").unlink()
    files.rmdir()
    files.write_text("not a directory\n")
    r = srv.client.get("/ready")
    body = assert_error_ready(r)
    assert str(files) in body["detail"], body
    assert_error(put(srv.client, "k.txt", b"2"), 503, "STORAGE_UNAVAILABLE")


def assert_error_ready(r):
    assert r.status_code == 503, r.text
    body = r.json()
    assert body["status"] == "not_ready" and body["code"] == "NOT_READY", body
    assert body["checks"]["storage"] == "unavailable", body
    assert body["checks"]["database"] == "ok", body
    assert body["detail"].startswith("Storage is unavailable: "), body
    return body


# ---- S3 backend ------------------------------------------------------------------------------


def test_s3_virtual_hosted_addressing(make_server):
    need_s3()
    # *.localhost resolves to loopback without DNS, so the bucket can be a host name here.
    port = s3_env()["endpoint"].rsplit(":", 1)[1]
    srv = make_server(**s3_settings(S3_ENDPOINT=f"http://localhost:{port}", S3_FORCE_PATH_STYLE="false"))
    assert srv.client.get("/ready").status_code == 200
    key = prefix() + "v.txt"
    must_put(srv.client, key, b"virtual")
    assert get(srv.client, key).content == b"virtual"
    assert set(keys_under(srv.client, key.split("/")[0] + "/")) == {key}
    assert delete(srv.client, key).status_code == 204


def test_s3_wrong_secret_makes_ready_503_naming_storage(make_server):
    need_s3()
    wrong = s3_env()["secret"][:-4] + "XXXX"
    srv = make_server(**s3_settings(S3_SECRET_ACCESS_KEY=wrong))
    body = assert_error_ready(srv.client.get("/ready"))
    assert "SignatureDoesNotMatch" in body["detail"], body
    assert "HTTP 403" in body["detail"], body
    r = put(srv.client, prefix() + "x.txt", b"data")
    assert "SignatureDoesNotMatch" in assert_error(r, 503, "STORAGE_UNAVAILABLE")["detail"]
    assert srv.client.get("/health").status_code == 200  # liveness is not readiness
    everything = "\n".join(srv.raw_logs()) + srv.stderr
    assert wrong not in everything and s3_env()["secret"] not in everything


def test_s3_unknown_bucket_is_a_clear_error(make_server):
    need_s3()
    bucket = "no-such-bucket-" + secrets.token_hex(4)
    srv = make_server(**s3_settings(S3_BUCKET=bucket))
    body = assert_error_ready(srv.client.get("/ready"))
    assert "NoSuchBucket" in body["detail"] and bucket in body["detail"], body
    r = put(srv.client, prefix() + "x.txt", b"data")
    assert "NoSuchBucket" in assert_error(r, 503, "STORAGE_UNAVAILABLE")["detail"]


def test_s3_unreachable_endpoint_does_not_stop_start_up(make_server):
    srv = make_server(**s3_settings(S3_ENDPOINT="http://127.0.0.1:9", S3_BUCKET="bucket",
                                    S3_ACCESS_KEY_ID="AKIDEXAMPLE", S3_SECRET_ACCESS_KEY="secret"))
    body = assert_error_ready(srv.client.get("/ready"))
    assert "S3 bucket bucket" in body["detail"], body


class RecordingProxy:
    """A reverse proxy in front of the S3 server that records every request (method, path,
    headers, SHA-256 of the body) and the status the server answered."""

    HOP = {"connection", "keep-alive", "expect", "transfer-encoding", "proxy-connection"}

    def __init__(self, target: str):
        host, port = target.split("://", 1)[1].split(":")
        self.target = (host, int(port))
        self.records = []
        self.lock = threading.Lock()
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # answers Expect: 100-continue

            def log_message(self, *args):
                pass

            def relay(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                conn = http.client.HTTPConnection(*proxy.target, timeout=60)
                conn.putrequest(self.command, self.path, skip_host=True, skip_accept_encoding=True)
                for name, value in self.headers.items():
                    if name.lower() not in proxy.HOP:
                        conn.putheader(name, value)
                conn.endheaders(body)
                resp = conn.getresponse()
                data = resp.read()
                with proxy.lock:
                    proxy.records.append({
                        "method": self.command,
                        "path": self.path,
                        "headers": {k.lower(): v for k, v in self.headers.items()},
                        "body_sha256": hashlib.sha256(body).hexdigest(),
                        "body_len": len(body),
                        "status": resp.status,
                    })
                self.send_response(resp.status)
                for name, value in resp.getheaders():
                    if name.lower() not in proxy.HOP and name.lower() != "content-length":
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(data)
                conn.close()

            do_GET = do_PUT = do_DELETE = do_POST = do_HEAD = relay

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def test_s3_every_request_carries_the_sha256_of_its_body(make_server):
    """curl signs x-amz-content-sha256 but does not compute it: the service must send the real
    hash of each body (moto takes the header on trust; real S3 checks it)."""
    need_s3()
    with RecordingProxy(s3_env()["endpoint"]) as proxy:
        srv = make_server(**s3_settings(S3_ENDPOINT=proxy.url))
        api = srv.client
        p = prefix()
        small, large = b"small body", os.urandom(3 * MIB)  # large: sent after 100-continue
        must_put(api, p + "s.txt", small)
        must_put(api, p + "l.bin", large)
        assert get(api, p + "l.bin").content == large
        assert copy(api, p + "s.txt", p + "c.txt").status_code == 204
        assert set(keys_under(api, p)) == {p + "s.txt", p + "l.bin", p + "c.txt"}
        for k in ("s.txt", "l.bin", "c.txt"):
            assert delete(api, p + k).status_code == 204
        assert srv.client.get("/ready").status_code == 200

    records = proxy.records
    methods = sorted({r["method"] for r in records})
    assert methods == ["DELETE", "GET", "PUT"], methods
    for r in records:
        h = r["headers"]
        assert h.get("x-amz-content-sha256") == r["body_sha256"], r
        auth = h.get("authorization", "")
        assert auth.startswith("AWS4-HMAC-SHA256 Credential="), r
        signed = auth.split("SignedHeaders=", 1)[1].split(",", 1)[0].split(";")
        assert "x-amz-content-sha256" in signed and "host" in signed, r
        assert 200 <= r["status"] < 300, r  # moto verified every signature
    puts = [r for r in records if r["method"] == "PUT" and "x-amz-copy-source" not in r["headers"]]
    assert sorted(r["body_len"] for r in puts) == [len(small), len(large)]
    assert all(r["body_sha256"] != EMPTY_SHA256 for r in puts)
    copies = [r for r in records if "x-amz-copy-source" in r["headers"]]
    assert len(copies) == 1 and copies[0]["body_sha256"] == EMPTY_SHA256
    assert copies[0]["headers"]["x-amz-copy-source"] == f"/{s3_env()['bucket']}/{p}s.txt"


def test_s3_server_refuses_a_wrong_payload_signature():
    """The S3 test server really checks signatures: a request whose body does not match the hash
    curl signed (here: no x-amz-content-sha256 header, so curl signs the empty body) is refused."""
    need_s3()
    import subprocess

    e = s3_env()
    url = f"{e['endpoint']}/{e['bucket']}/{prefix()}unsigned.txt"
    out = subprocess.run(
        ["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--aws-sigv4", f"aws:amz:{e['region']}:s3",
         "--user", f"{e['key_id']}:{e['secret']}", "-T", "-", url],
        input=b"some bytes", capture_output=True, timeout=30)
    assert out.stdout == b"403", out


# ---- configuration ---------------------------------------------------------------------------


@pytest.mark.parametrize("missing", ["S3_BUCKET", "S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY"])
def test_s3_backend_without_its_settings_refuses_to_start(run_cli, missing):
    env = {
        "SECRET_KEY": secrets.token_hex(32),
        "STORAGE_BACKEND": "s3",
        "S3_BUCKET": "bucket",
        "S3_ACCESS_KEY_ID": "AKIDEXAMPLE",
        "S3_SECRET_ACCESS_KEY": "never-printed-secret-value",
    }
    env[missing] = ""
    r = run_cli(["config", "check"], env=env)
    assert r.returncode == 2, (r.stdout, r.stderr)
    assert f"invalid setting {missing}" in r.stderr, r.stderr
    assert "STORAGE_BACKEND=s3" in r.stderr, r.stderr
    assert "never-printed-secret-value" not in r.stdout + r.stderr
    r = run_cli(["serve"], env=env)
    assert r.returncode == 2 and f"invalid setting {missing}" in r.stderr, (r.stdout, r.stderr)


def test_config_check_prints_storage_settings_with_the_secret_masked(run_cli):
    env = {
        "SECRET_KEY": secrets.token_hex(32),
        "DATA_DIR": "/srv/ia",
        "STORAGE_BACKEND": "s3",
        "S3_ENDPOINT": "http://127.0.0.1:9000/",
        "S3_BUCKET": "resumes",
        "S3_ACCESS_KEY_ID": "AKIDEXAMPLE",
        "S3_SECRET_ACCESS_KEY": "never-printed-secret-value",
    }
    r = run_cli(["config", "check"], env=env)
    assert r.returncode == 0, r.stderr
    lines = dict(line.split("=", 1) for line in r.stdout.splitlines() if "=" in line)
    assert lines["STORAGE_BACKEND"] == "s3"
    assert lines["STORAGE_DIR"] == "/srv/ia/files"
    assert lines["S3_ENDPOINT"] == "http://127.0.0.1:9000"
    assert lines["S3_REGION"] == "us-east-1"
    assert lines["S3_FORCE_PATH_STYLE"] == "true"  # the default with a custom endpoint
    assert lines["S3_SECRET_ACCESS_KEY"] == "******** (set)"
    assert "never-printed-secret-value" not in r.stdout + r.stderr
    env.pop("S3_ENDPOINT")
    r = run_cli(["config", "check"], env=env)
    assert "S3_FORCE_PATH_STYLE=false" in r.stdout  # AWS: virtual-hosted
    r = run_cli(["config", "check"], env={**env, "S3_BUCKET": "Bad_Bucket"})
    assert r.returncode == 2 and "invalid setting S3_BUCKET" in r.stderr, r.stderr
    r = run_cli(["config", "check"], env={**env, "STORAGE_BACKEND": "ftp"})
    assert r.returncode == 2 and "invalid setting STORAGE_BACKEND" in r.stderr, r.stderr
