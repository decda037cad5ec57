"""Hostile multipart uploads (docs/api.md §5.1, §1.3; issue 6), sent as raw HTTP over a socket to the
server on loopback: a body dribbled in 1-byte and odd-sized pieces so that the boundary is split
across reads (also chunked), part headers of 100 KiB, a missing or empty boundary parameter, a
body that ends or a connection that closes inside a part, the boundary string inside the file's
content, 1000 tiny non-file parts, a file part without a file name, a Content-Length shorter or
longer than the body, and file names with path traversal and control characters.

Each case gets its status code and leaves nothing it should not: no resume row and no stored
file for a rejected upload (exactly one row and its file for an accepted one), and never a
temporary upload file in DATA_DIR/tmp. After each case the server still answers. `make
test-asan` runs this module against the AddressSanitizer build, where a crash, leak or
out-of-bounds access in the multipart code fails the test at teardown."""

import select
import socket
import time
from pathlib import Path

import httpx
import pytest

from helpers import assert_error, assert_validation_error, read_http_response, wait_for
from test_auth import auth, new_account
from test_resume_endpoints import LIMITS_OFF, count_rows, fixture_text, stored_files

PATH = "/api/v1/resume/upload/"
BOUNDARY = "----iaHostile7MA4YWxkTrZu0gW"
IDLE_TIMEOUT_S = 2  # HTTP_IDLE_TIMEOUT of the module's server: a stalled client is dropped
REQUEST_TIMEOUT_S = 8  # HTTP_REQUEST_TIMEOUT: a body that trickles on forever is cut off


@pytest.fixture(scope="module")
def srv(module_server):
    server = module_server(**LIMITS_OFF, HTTP_IDLE_TIMEOUT=f"{IDLE_TIMEOUT_S}s",
                           HTTP_REQUEST_TIMEOUT=f"{REQUEST_TIMEOUT_S}s")
    # The server closes a connection idle for IDLE_TIMEOUT_S: a pooled keep-alive connection
    # could be closed just as the client reuses it, so this client opens one per request.
    server._client = httpx.Client(base_url=server.url, timeout=10.0,
                                  limits=httpx.Limits(max_keepalive_connections=0))
    return server


@pytest.fixture
def user(srv):
    return new_account(srv.client)


# ---- building and sending raw requests -------------------------------------------------------


def part(name, data=b"", filename=None, ctype=None, extra=()):
    """One multipart part (without its delimiter line)."""
    disp = f'form-data; name="{name}"'
    if filename is not None:
        disp += f'; filename="{filename}"'
    lines = [f"Content-Disposition: {disp}"]
    if ctype:
        lines.append(f"Content-Type: {ctype}")
    lines.extend(extra)
    head = "\r\n".join(lines).encode("utf-8", "surrogateescape")
    return head + b"\r\n\r\n" + data


def file_part(data=None, filename="cv.txt", ctype="text/plain", extra=()):
    return part("file", fixture_text() if data is None else data, filename, ctype, extra)


def multipart(parts, boundary=BOUNDARY, close=True):
    body = b"".join(b"--" + boundary.encode() + b"\r\n" + p + b"\r\n" for p in parts)
    return body + (b"--" + boundary.encode() + b"--\r\n" if close else b"")


def head(token, content_type=f"multipart/form-data; boundary={BOUNDARY}", length=None,
         chunked=False, close=True):
    lines = [f"POST {PATH} HTTP/1.1", "Host: 127.0.0.1", f"Authorization: Bearer {token}"]
    if content_type is not None:
        lines.append(f"Content-Type: {content_type}")
    if chunked:
        lines.append("Transfer-Encoding: chunked")
    elif length is not None:
        lines.append(f"Content-Length: {length}")
    if close:
        lines.append("Connection: close")
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def connect(srv, timeout=15.0):
    s = socket.create_connection((srv.host, srv.port), timeout=timeout)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s


def dribble(sock, data, sizes, pause=0.0005):
    """Sends data in pieces whose sizes cycle through sizes, pausing between them so that the
    server's reads see them apart."""
    i = n = 0
    while i < len(data):
        step = sizes[n % len(sizes)]
        sock.sendall(data[i:i + step])
        i += step
        n += 1
        if pause:
            time.sleep(pause)


def post(srv, token, body, sizes=None, **head_args):
    """Sends a whole request (Content-Length = len(body) unless given) and reads the answer."""
    head_args.setdefault("length", len(body))
    with connect(srv) as s:
        s.sendall(head(token, **head_args))
        if sizes:
            dribble(s, body, sizes)
        else:
            s.sendall(body)
        return answer(s)


def answer(sock):
    """The next response on sock, with .text for the shared assertion helpers."""
    r = read_http_response(sock)
    r.text = r.body.decode("utf-8", "replace")
    return r


def chunked(data, sizes):
    """data in HTTP/1.1 chunked encoding, chunk sizes cycling through sizes."""
    out, i, n = b"", 0, 0
    while i < len(data):
        piece = data[i:i + sizes[n % len(sizes)]]
        out += f"{len(piece):x}\r\n".encode() + piece + b"\r\n"
        i += len(piece)
        n += 1
    return out + b"0\r\n\r\n"


# ---- what a case must leave behind ------------------------------------------------------------


def temp_uploads(srv):
    tmp = Path(srv.env["DATA_DIR"]) / "tmp"
    return sorted(p.name for p in tmp.glob("upload-*")) if tmp.exists() else []


def assert_clean(srv, user, files_before, accepted=None):
    """The server still answers; no temporary upload file stays; a rejected upload left no row
    and no stored file, an accepted one (its 202 body) exactly its row and its file."""
    c = srv.client
    assert c.get("/health").status_code == 200
    wait_for(lambda: temp_uploads(srv) == [], timeout=10, what="temporary upload files removed")
    rows = c.get("/api/v1/resume", headers=auth(user["access"])).json()
    if accepted is None:
        assert rows["total"] == 0, rows
        assert count_rows(srv, user["id"]) == 0
        assert stored_files(srv) == files_before
        return None
    assert [r["id"] for r in rows["items"]] == [accepted["id"]], rows
    res = rows["items"][0]
    assert stored_files(srv) == sorted(files_before + [res["file_path"]])
    return res


def download(srv, user, resume_id):
    r = srv.client.get(f"/api/v1/resume/export/{resume_id}/download", headers=auth(user["access"]))
    assert r.status_code == 200, r.text
    return r.content


def assert_malformed(r):
    assert_validation_error(r, ["body"], "value_error")


# ---- split reads -----------------------------------------------------------------------------


@pytest.mark.parametrize("sizes", [[1], [7, 3, 13, 1, 29], [BOUNDARY.__len__() + 3, 2]],
                         ids=["1-byte", "odd-sizes", "around-the-boundary"])
def test_a_body_dribbled_in_small_pieces_is_stored_exactly(srv, user, sizes):
    before = stored_files(srv)
    data = b"Jane Doe\nPython developer\n" + bytes(range(32, 127)) + b"\n--" + b"x" * 40 + b"\n"
    body = multipart([part("note", b"hello"), file_part(data)])
    r = post(srv, user["access"], body, sizes=sizes)
    assert r.status_code == 202, r.body
    res = assert_clean(srv, user, before, r.json())
    assert res["file_size"] == len(data)
    assert download(srv, user, res["id"]) == data


def test_a_chunked_body_in_odd_sized_chunks_is_stored_exactly(srv, user):
    before = stored_files(srv)
    data = fixture_text()
    body = multipart([file_part(data)])
    r = post(srv, user["access"], chunked(body, [1, 5, 17, 2, 64]), sizes=[11, 3, 40], chunked=True)
    assert r.status_code == 202, r.body
    res = assert_clean(srv, user, before, r.json())
    assert download(srv, user, res["id"]) == data


# ---- part headers, boundaries and parts ---------------------------------------------------------


def test_part_headers_of_100_kib_are_refused(srv, user):
    before = stored_files(srv)
    body = multipart([file_part(extra=["X-Padding: " + "a" * (100 * 1024)])])
    r = post(srv, user["access"], body)
    assert_malformed(r)
    assert_clean(srv, user, before)


def test_a_file_name_of_100_kib_is_refused(srv, user):
    before = stored_files(srv)
    body = multipart([file_part(filename="a" * (100 * 1024) + ".txt")])
    r = post(srv, user["access"], body)
    assert_malformed(r)
    assert_clean(srv, user, before)


@pytest.mark.parametrize("ctype", [
    "multipart/form-data",
    "multipart/form-data; boundary=",
    'multipart/form-data; boundary=""',
    "multipart/form-data; charset=utf-8",
    # Quoted or not the last parameter: refused (docs/api.md §5.1 states the boundary rule).
    f'multipart/form-data; boundary="{BOUNDARY}"',
    f"multipart/form-data; boundary={BOUNDARY}; charset=utf-8",
    "multipart/form-data; boundary=" + "b" * 71,
    f"multipart/form-data; boundary={BOUNDARY[:10]} {BOUNDARY[10:]}",
    f"multipart/form-datax; boundary={BOUNDARY}",
], ids=["none", "empty", "empty-quoted", "other-parameter", "quoted", "not-last", "71-chars",
        "space", "other-type"])
def test_a_missing_empty_or_unusable_boundary_is_415(srv, user, ctype):
    before = stored_files(srv)
    body = multipart([file_part()])
    r = post(srv, user["access"], body, content_type=ctype)
    assert_error(r, 415, "UNSUPPORTED_MEDIA_TYPE")
    assert_clean(srv, user, before)


def test_a_boundary_of_70_characters_from_the_whole_rfc_2046_set_works(srv, user):
    before = stored_files(srv)
    b = "'()+_,-./:=?" + "Z9" * 29
    assert len(b) == 70
    r = post(srv, user["access"], multipart([file_part()], boundary=b), sizes=[3, 1],
             content_type=f"multipart/form-data; boundary={b}")
    assert r.status_code == 202, r.body
    assert_clean(srv, user, before, r.json())


def test_a_dribbled_body_still_counts_its_files(srv, user):
    """Split reads make the parser report a part's start twice; it is still one part, and two
    parts are still two."""
    before = stored_files(srv)
    r = post(srv, user["access"], multipart([file_part(), file_part(filename="b.txt")]), sizes=[1])
    assert_validation_error(r, ["body", "file"], "too_many_files")
    r = post(srv, user["access"], multipart([file_part(), file_part()]), sizes=[2, 1])
    assert_validation_error(r, ["body", "file"], "too_many_files")
    r = post(srv, user["access"], multipart([file_part(b"")]), sizes=[1])
    assert_validation_error(r, ["body", "file"], "empty_file")
    r = post(srv, user["access"], multipart([file_part(b""), file_part(filename="b.txt")]), sizes=[1])
    assert_validation_error(r, ["body", "file"], "too_many_files")
    assert_clean(srv, user, before)


def test_a_nested_multipart_file_part_is_refused(srv, user):
    before = stored_files(srv)
    inner = multipart([part("x", b"one", filename="a.txt"), part("y", b"two", filename="b.txt")],
                      boundary="INNER")
    r = post(srv, user["access"], multipart([part("file", inner, ctype="multipart/mixed; boundary=INNER")]))
    assert r.status_code == 422, r.body
    assert_clean(srv, user, before)


def test_a_preamble_before_the_first_boundary_is_ignored(srv, user):
    before = stored_files(srv)
    r = post(srv, user["access"], b"This is a preamble.\r\n" + multipart([file_part()]), sizes=[64, 5])
    assert r.status_code == 202, r.body
    assert_clean(srv, user, before, r.json())


def test_a_body_that_ends_inside_a_part_is_refused(srv, user):
    before = stored_files(srv)
    body = multipart([file_part()], close=False)[:-2]  # the file's data, then nothing
    r = post(srv, user["access"], body)
    assert_malformed(r)
    assert_clean(srv, user, before)


def test_a_body_without_its_closing_delimiter_is_refused(srv, user):
    before = stored_files(srv)
    body = multipart([file_part()], close=False)
    r = post(srv, user["access"], body)
    assert_malformed(r)
    assert_clean(srv, user, before)


def test_a_connection_closed_inside_a_part_leaves_nothing(srv, user):
    before = stored_files(srv)
    body = multipart([file_part(b"x" * 200_000)])
    with connect(srv) as s:
        s.sendall(head(user["access"], length=len(body)))
        s.sendall(body[: len(body) // 2])
        time.sleep(0.2)
    assert_clean(srv, user, before)
    srv.wait_for_log(lambda rec: rec.get("module") == "access" and rec["fields"].get("status") == 499
                     and rec["fields"].get("route", "").endswith("/upload"))


def test_the_boundary_string_inside_the_content_is_data(srv, user):
    before = stored_files(srv)
    b = BOUNDARY.encode()
    data = (b"starts --" + b + b" in a line\n--" + b + b"\nand --" + b + b"-- too\r\n-" + b
            + b"\r\n--" + b[:-1] + b"\r\nend\n")
    r = post(srv, user["access"], multipart([file_part(data)]), sizes=[5, 1, 9])
    assert r.status_code == 202, r.body
    res = assert_clean(srv, user, before, r.json())
    assert download(srv, user, res["id"]) == data


def test_a_thousand_tiny_non_file_parts_are_ignored(srv, user):
    before = stored_files(srv)
    tiny = [part(f"f{i}", str(i).encode()) for i in range(1000)]
    r = post(srv, user["access"], multipart(tiny))
    assert_validation_error(r, ["body", "file"], "missing")
    assert_clean(srv, user, before)
    r = post(srv, user["access"], multipart(tiny + [file_part()] + tiny))
    assert r.status_code == 202, r.body
    assert_clean(srv, user, before, r.json())


def test_a_file_part_without_a_file_name_is_not_a_file(srv, user):
    before = stored_files(srv)
    r = post(srv, user["access"], multipart([part("file", fixture_text(), ctype="text/plain")]))
    assert_validation_error(r, ["body", "file"], "missing")
    assert_clean(srv, user, before)


# ---- Content-Length that lies -------------------------------------------------------------------


def test_a_content_length_shorter_than_the_body_is_refused(srv, user):
    before = stored_files(srv)
    body = multipart([file_part()])
    with connect(srv, timeout=10) as s:
        s.sendall(head(user["access"], length=len(body) // 2, close=False) + body)
        r = answer(s)
    assert_malformed(r)
    assert_clean(srv, user, before)


def test_a_content_length_longer_than_the_body_is_dropped_after_the_idle_timeout(srv, user):
    before = stored_files(srv)
    body = multipart([file_part()])
    with connect(srv, timeout=IDLE_TIMEOUT_S + 10) as s:  # a hang fails with socket.timeout
        s.sendall(head(user["access"], length=len(body) + 1000) + body)
        try:
            rest = s.recv(65536)
        except ConnectionResetError:
            rest = b""
    assert rest == b"" or rest.startswith(b"HTTP/1.1 408"), rest  # closed, never answered 2xx
    assert_clean(srv, user, before)


def test_a_body_that_trickles_on_forever_is_cut_off_at_the_request_timeout(srv, user):
    """One byte every quarter second keeps the connection busy, so the idle timeout never
    fires; the request's own deadline does."""
    before = stored_files(srv)
    head_part = b"--" + BOUNDARY.encode() + b"\r\n" + file_part(b"")
    closed = False
    with connect(srv, timeout=5) as s:
        s.sendall(head(user["access"], length=10 * 1024 * 1024) + head_part)
        started = time.monotonic()
        while time.monotonic() - started < REQUEST_TIMEOUT_S + 15:  # bounded: never hangs
            try:
                s.sendall(b"x")
                readable, _, _ = select.select([s], [], [], 0.25)
                if readable and s.recv(65536) == b"":
                    closed = True
                    break
            except (BrokenPipeError, ConnectionResetError):
                closed = True
                break
    assert closed, "the server kept reading a body that never ends"
    srv.wait_for_log(lambda rec: rec.get("message") == "request deadline passed while reading the body")
    assert_clean(srv, user, before)


# ---- file names -------------------------------------------------------------------------------


@pytest.mark.parametrize("raw,expected", [
    ("../../../etc/passwd.txt", "passwd.txt"),
    ("..\\..\\windows\\system32\\cv.txt", "cv.txt"),
    ("/abs/olute/cv.txt", "cv.txt"),
    ("cv\x01\x02\x1b[31m\x7f.txt", "cv[31m.txt"),
    ("\tta\tb\x0b.txt", "tab.txt"),
    ("../\x01/..", None),
])
def test_hostile_file_names_are_sanitized_and_never_used_as_paths(srv, user, raw, expected):
    before = stored_files(srv)
    r = post(srv, user["access"], multipart([file_part(filename=raw)]))
    if expected is None:
        assert_error(r, 415, "UNSUPPORTED_FILE_TYPE")
        assert_clean(srv, user, before)
        return
    assert r.status_code == 202, r.body
    assert r.json()["file_name"] == expected
    res = assert_clean(srv, user, before, r.json())
    assert res["file_path"] == f"resumes/{user['id']}/{res['id']}.txt"
    data_dir = Path(srv.env["DATA_DIR"])
    assert not (data_dir / "etc").exists() and not (data_dir.parent / "etc").exists()


@pytest.mark.parametrize("raw,expected", [
    (b"cv\xff\xfe.txt", "cv.txt"),  # not UTF-8
    (b"caf\xc3.txt", "caf.txt"),  # a truncated sequence
    (b"\xed\xa0\x80x\xc0\xafy\xf4\x90\x80\x80.txt", "xy.txt"),  # surrogate, overlong, > U+10FFFF
    (b"r\xc2\x85\xc2\x9fsum\xc3\xa9.txt", "r" + "sum\u00e9.txt"),  # C1 controls go, \u00e9 stays
], ids=["invalid", "truncated", "forbidden-forms", "c1-controls"])
def test_file_names_that_are_not_clean_utf8_lose_the_bad_bytes(srv, user, raw, expected):
    before = stored_files(srv)
    body = multipart([part("file", fixture_text(), filename=raw.decode("utf-8", "surrogateescape"),
                           ctype="text/plain")])
    r = post(srv, user["access"], body)
    assert r.status_code == 202, r.body
    assert r.json()["file_name"] == expected
    res = assert_clean(srv, user, before, r.json())  # the list renders it too
    assert res["file_name"] == expected
    # The title starts as the cleaned file name and a successful parse replaces it with the
    # analysis' "Name — Role" (docs/api.md §5): either way no control character is left.
    assert res["title"] == expected[:-4] or " — " in res["title"], res["title"]
    assert not any(ord(ch) < 0x20 or 0x7f <= ord(ch) < 0xa0 for ch in res["title"]), res["title"]


@pytest.mark.parametrize("stem", ["\u00e9" * 1500, "a" * 60000], ids=["3000-bytes", "60000-bytes"])
def test_a_very_long_file_name_keeps_its_extension(srv, user, stem):
    before = stored_files(srv)
    r = post(srv, user["access"], multipart([file_part(filename=stem + ".txt")]))
    assert r.status_code == 202, r.body
    name = r.json()["file_name"]
    assert name == stem[:196] + ".txt" and len(name) == 200
    assert_clean(srv, user, before, r.json())


def test_a_nul_in_the_file_name_does_not_smuggle_an_extension(srv, user):
    """The parser reads the name up to its closing quote as a C string: the NUL hides the
    quote, so the part has no file name and is no file part at all."""
    before = stored_files(srv)
    r = post(srv, user["access"], multipart([file_part(filename="cv.exe\x00.txt")]))
    assert_validation_error(r, ["body", "file"], "missing")
    assert_clean(srv, user, before)


def test_the_server_still_serves_after_every_hostile_case(srv, user):
    """Independent of the order the cases run in: it makes hostile uploads of its own first (a
    connection closed inside a part, a body without its closing delimiter, one that ends inside
    a part, a Content-Length shorter than the body, part headers of 100 KiB), then uploads."""
    body = multipart([file_part(b"x" * 200_000)])
    with connect(srv) as s:
        s.sendall(head(user["access"], length=len(body)))
        s.sendall(body[: len(body) // 2])
        time.sleep(0.2)
    assert_malformed(post(srv, user["access"], multipart([file_part()], close=False)))
    assert_malformed(post(srv, user["access"], multipart([file_part()], close=False)[:-2]))
    body = multipart([file_part()])
    with connect(srv, timeout=10) as s:
        s.sendall(head(user["access"], length=len(body) // 2, close=False) + body)
        assert_malformed(answer(s))
    assert_malformed(post(srv, user["access"],
                          multipart([file_part(extra=["X-Padding: " + "a" * (100 * 1024)])])))
    r = srv.client.post(PATH, headers=auth(user["access"]), files={"file": ("cv.txt", fixture_text(), "text/plain")})
    assert r.status_code == 202, r.text
    wait_for(lambda: temp_uploads(srv) == [], what="temporary upload files removed")

