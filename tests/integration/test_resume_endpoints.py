"""Resumes (docs/api.md §5; issue 6): upload of each good type through to an analysed resume; every
bad upload answered with its status and leaving nothing behind (no row, no stored file); list,
get, update, delete with its file; analysis views, re-analysis and job match; sharing with a
stored and enforced expiry; export in every format; versions; the owner check of every
endpoint (another user's resume is 404); the upload's failure atomicity (a storage or database
failure injected through POST /__test/faults leaves neither a row without a file nor a file
without a row); and the sweep of stored files no resume uses (ORPHAN_FILE_AGE, run on demand
through POST /__test/periodic)."""

import base64
import json
import os
import subprocess
import time
import uuid
from pathlib import Path

import httpx
import pytest

from helpers import assert_error, assert_validation_error, positive_int, wait_for
from test_auth import auth, new_account
from test_storage import keys_under, s3_settings
from test_user_cli import admin_session

FILES = Path(__file__).resolve().parents[1] / "fixtures" / "files"
RESUMES = Path(__file__).resolve().parents[1] / "fixtures" / "resumes"
PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
TXT = "text/plain"
TASK_TIMEOUT = 60


LIMITS_OFF = dict(RATE_LIMIT="0", RATE_LIMIT_REGISTER="0", RATE_LIMIT_LOGIN="0",
                  RATE_LIMIT_LOGIN_ACCOUNT="0", RATE_LIMIT_UPLOAD="0", JOB_RETRY_BASE="20ms")
ORPHAN_AGE_S = 2  # the module's servers remove unused stored files older than this when swept


@pytest.fixture(scope="module", params=["local", "s3"])
def srv(request, module_server):
    """Every test runs on both storage backends. Many accounts and uploads in one module: the
    rate limits have their own tests."""
    if request.param == "s3":
        if not os.environ.get("TEST_S3_ENDPOINT"):
            pytest.fail("TEST_S3_ENDPOINT is not set: run through make test (scripts/services.sh)")
        return module_server(**s3_settings(), **LIMITS_OFF, ORPHAN_FILE_AGE=f"{ORPHAN_AGE_S}s")
    return module_server(**LIMITS_OFF, ORPHAN_FILE_AGE=f"{ORPHAN_AGE_S}s")


@pytest.fixture
def user(srv):
    c = srv.client
    return new_account(c)


def upload(client, token, name, data, content_type="application/octet-stream", field="file"):
    return client.post("/api/v1/resume/upload/", headers=auth(token),
                       files={field: (name, data, content_type)})


def wait_task(client, token, task_id):
    def done():
        r = client.get(f"/api/v1/tasks/{task_id}", headers=auth(token))
        assert r.status_code == 200, r.text
        return r.json() if r.json()["status"] in ("SUCCESS", "FAILURE") else None
    return wait_for(done, timeout=TASK_TIMEOUT, interval=0.1, what=f"task {task_id}")


def analysed(client, token, name, data):
    r = upload(client, token, name, data)
    assert r.status_code == 202, r.text
    body = r.json()
    task = wait_task(client, token, body["task_id"])
    assert task["status"] == "SUCCESS", task
    r = client.get(f"/api/v1/resume/{body['id']}", headers=auth(token))
    assert r.status_code == 200
    return r.json()


def fixture_text():
    return (RESUMES / sorted(p.name for p in RESUMES.glob("*.txt"))[0]).read_bytes()


def stored_files(srv):
    """The stored resume files, on whichever backend the server uses."""
    return sorted(keys_under(srv.client, "resumes/"))


def count_rows(srv, user_id):
    return int(srv.sql(f"SELECT COUNT(*) FROM resumes WHERE user_id = '{user_id}'")[0][0])


@pytest.mark.parametrize("name,path,ftype", [
    ("resume.pdf", FILES / "resume.pdf", PDF),
    ("resume.docx", FILES / "resume.docx", DOCX),
    ("resume.txt", FILES / "resume_bom_crlf.txt", TXT),
])
def test_each_good_type_is_analysed(srv, user, name, path, ftype):
    c = srv.client
    r = upload(c, user["access"], name, path.read_bytes())
    assert r.status_code == 202, r.text
    body = r.json()
    assert body["status"] == "pending" and body["file_type"] == ftype
    assert body["message"] == "Resume accepted for processing."
    assert body["file_size"] == path.stat().st_size
    wait_task(c, user["access"], body["task_id"])
    res = c.get(f"/api/v1/resume/{body['id']}", headers=auth(user["access"])).json()
    assert res["status"] == "analyzed", res
    an = res["analysis"]
    assert an["engine"] == "offline"
    assert an["name"], an
    assert isinstance(an["skills"], list) and an["skills"], an
    assert res["skills"] == [s["name"] for s in an["skills"]]
    assert 0 <= an["confidence_score"] <= 1
    # the parse titles it "Name — Role", an inferred role's words capitalised
    role = an.get("headline") or " ".join(w[:1].upper() + w[1:] for w in (an["inferred_role"] or "").split(" "))
    assert res["title"] == (f"{an['name']} — {role}" if role else an["name"])[:100]
    assert res["file_path"].startswith("resumes/") and "/" not in res["file_name"]


def test_image_only_pdf_ends_in_error_without_invented_data(srv, user):
    c = srv.client
    r = upload(c, user["access"], "scan.pdf", (FILES / "image_only.pdf").read_bytes())
    assert r.status_code == 202
    task = wait_task(c, user["access"], r.json()["task_id"])
    res = c.get(f"/api/v1/resume/{r.json()['id']}", headers=auth(user["access"])).json()
    assert res["status"] == "error"
    assert res["analysis"] == {"error": "No extractable text: the PDF contains only images"}
    assert res["skills"] == [] and res["inferred_role"] is None
    assert task["status"] in ("SUCCESS", "FAILURE")


@pytest.mark.parametrize("name,data,status,code,type_", [
    ("resume.exe", b"MZ....", 415, "UNSUPPORTED_FILE_TYPE", None),
    ("resume.docx", (FILES / "pdf_renamed.docx").read_bytes(), 415, "UNSUPPORTED_FILE_TYPE", None),
    ("resume.pdf", (FILES / "executable_renamed.pdf").read_bytes(), 415, "UNSUPPORTED_FILE_TYPE", None),
    ("resume.txt", b"bad \x00 nul", 415, "UNSUPPORTED_FILE_TYPE", None),
    ("resume.txt", b"\xff\xfe not utf-8 \xc3", 415, "UNSUPPORTED_FILE_TYPE", None),
    ("resume.txt", b"", 422, "VALIDATION_ERROR", "empty_file"),
])
def test_bad_uploads_leave_nothing_behind(srv, user, name, data, status, code, type_):
    c = srv.client
    before = stored_files(srv)
    r = upload(c, user["access"], name, data)
    if type_:
        assert_validation_error(r, ["body", "file"], type_)
    else:
        assert_error(r, status, code)
    assert count_rows(srv, user["id"]) == 0
    assert stored_files(srv) == before


def test_too_large_missing_and_several_files(srv, user):
    c = srv.client
    big = b"a" * (10 * 1024 * 1024 + 1)
    r = upload(c, user["access"], "big.txt", big)
    assert_error(r, 413, "FILE_TOO_LARGE")
    r = c.post("/api/v1/resume/upload", headers=auth(user["access"]),
               files={"other": ("a.txt", b"hello", TXT)})
    assert_validation_error(r, ["body", "file"], "missing")
    r = c.post("/api/v1/resume/upload", headers=auth(user["access"]),
               files=[("file", ("a.txt", b"hello", TXT)), ("file", ("b.txt", b"hi", TXT))])
    assert_validation_error(r, ["body", "file"], "too_many_files")
    r = c.post("/api/v1/resume/upload", headers={**auth(user["access"]), "Content-Type": "application/json"},
               content=b"{}")
    assert_error(r, 415, "UNSUPPORTED_MEDIA_TYPE")
    assert count_rows(srv, user["id"]) == 0
    tmp = Path(srv.env["DATA_DIR"]) / "tmp"
    wait_for(lambda: not any(tmp.glob("upload-*")) if tmp.exists() else True,
             what="temporary upload files removed")


def test_file_names_are_sanitized(srv, user):
    c = srv.client
    r = upload(c, user["access"], "../../etc/pa:ss*wd?.txt", fixture_text())
    assert r.status_code == 202, r.text
    assert r.json()["file_name"] == "pa" + "sswd.txt"
    r = upload(c, user["access"], "..\\..\\.txt", fixture_text())
    assert r.json()["file_name"] == "resume.txt"


def test_list_search_status_update_and_delete(srv, user):
    c = srv.client
    tok = user["access"]
    a = analysed(c, tok, "alpha.txt", fixture_text())
    b = analysed(c, tok, "beta.txt", fixture_text())
    r = c.get("/api/v1/resume/", headers=auth(tok), params={"limit": 1})
    page = r.json()
    assert page["total"] == 2 and page["has_more"] is True
    assert page["items"][0]["id"] == b["id"]  # newest first
    r = c.get("/api/v1/resume", headers=auth(tok), params={"search": "ALPH"})
    assert [x["id"] for x in r.json()["items"]] == [a["id"]]
    skill = a["skills"][0]
    r = c.get("/api/v1/resume", headers=auth(tok), params={"search": skill.upper()})
    assert r.json()["total"] == 2
    r = c.get("/api/v1/resume", headers=auth(tok), params={"status": "bogus"})
    assert_validation_error(r, ["query", "status"], "enum")
    r = c.put(f"/api/v1/resume/{a['id']}", headers=auth(tok),
              json={"title": " New title ", "description": "Mine", "tags": ["x", "y"]})
    assert r.status_code == 200, r.text
    assert (r.json()["title"], r.json()["description"], r.json()["tags"]) == ("New title", "Mine", ["x", "y"])
    r = c.put(f"/api/v1/resume/{a['id']}", headers=auth(tok), json={"description": ""})
    assert r.json()["description"] is None
    r = c.put(f"/api/v1/resume/{a['id']}", headers=auth(tok), json={"owner": "x"})
    assert_validation_error(r, ["body", "owner"], "extra_forbidden")
    files_before = stored_files(srv)
    assert a["file_path"] in files_before
    r = c.delete(f"/api/v1/resume/{a['id']}", headers=auth(tok))
    assert r.status_code == 204
    assert a["file_path"] not in stored_files(srv)
    assert c.get(f"/api/v1/resume/{a['id']}", headers=auth(tok)).status_code == 404


def test_analysis_views_reanalyze_and_match(srv, user):
    c = srv.client
    tok = user["access"]
    res = analysed(c, tok, "cv.txt", fixture_text())
    rid = res["id"]
    r = c.get(f"/api/v1/resume/analysis/{rid}", headers=auth(tok))
    assert r.status_code == 200 and r.json()["status"] == "analyzed"
    assert r.json()["analysis"]["skills"] == c.get(
        f"/api/v1/resume/analysis/{rid}/skills", headers=auth(tok)).json()
    assert isinstance(c.get(f"/api/v1/resume/analysis/{rid}/experience", headers=auth(tok)).json(), list)
    assert isinstance(c.get(f"/api/v1/resume/analysis/{rid}/education", headers=auth(tok)).json(), list)
    r = c.post(f"/api/v1/resume/analysis/{rid}/match", headers=auth(tok),
               json={"job_description": "We need Kubernetes, Terraform and Python experience, 5+ years."})
    assert r.status_code == 202, r.text
    task = wait_task(c, tok, r.json()["task_id"])
    assert task["status"] == "SUCCESS", task
    jm = c.get(f"/api/v1/resume/{rid}", headers=auth(tok)).json()["analysis"]["job_match"]
    assert 0 <= jm["match_score"] <= 100 and jm["created_at"]
    assert set(jm) >= {"matched_skills", "missing_skills", "recommendations"}
    r = c.post(f"/api/v1/resume/analysis/{rid}/match", headers=auth(tok), json={"job_description": ""})
    assert_validation_error(r, ["body", "job_description"], "string_too_short")
    r = c.post(f"/api/v1/resume/analysis/{rid}/reanalyze", headers=auth(tok))
    assert r.status_code == 202 and r.json()["status"] == "processing" and r.json()["task_id"]
    r2 = c.get(f"/api/v1/resume/analysis/{rid}/skills", headers=auth(tok))
    if r2.status_code == 409:
        assert r2.json()["code"] == "RESUME_NOT_READY"
    wait_task(c, tok, r.json()["task_id"])
    an = c.get(f"/api/v1/resume/{rid}", headers=auth(tok)).json()["analysis"]
    assert an["job_match"] is None  # a reanalyze drops it


def test_sharing_and_its_expiry(srv, user):
    c = srv.client
    tok = user["access"]
    res = analysed(c, tok, "cv.txt", fixture_text())
    rid = res["id"]
    r = c.post(f"/api/v1/resume/sharing/{rid}/share", headers=auth(tok),
               json={"is_public": True, "expiry_days": 1, "allowed_emails": ["A@Example.com"]})
    assert r.status_code == 200, r.text
    st = r.json()
    assert st["is_shared"] and len(st["share_token"]) == 43
    # No FRONTEND_URL: the link points at the address the server listens on (PORT=0 here, so
    # the port it was given when bound).
    assert st["share_url"] == f"http://localhost:{srv.port}/resume/shared/{st['share_token']}"
    assert st["allowed_emails"] == ["a@example.com"]
    r = c.get(f"/api/v1/resume/sharing/shared/{st['share_token']}")
    assert r.status_code == 200 and r.headers["x-robots-tag"] == "noindex"
    view = r.json()
    assert "email" not in view and "phone" not in view and "file_path" not in view
    assert view["name"] == res["analysis"]["name"]
    # A new share replaces the token; the old one is dead.
    r2 = c.post(f"/api/v1/resume/sharing/{rid}/share", headers=auth(tok), json={"is_public": True})
    assert c.get(f"/api/v1/resume/sharing/shared/{st['share_token']}").status_code == 404
    token = r2.json()["share_token"]
    assert r2.json()["expiry_date"] is None
    # Expiry is stored and enforced.
    srv.sql(f"UPDATE resumes SET share_expires_at = 1 WHERE id = '{rid}'")
    assert c.get(f"/api/v1/resume/sharing/shared/{token}").status_code == 404
    st = c.get(f"/api/v1/resume/sharing/{rid}/share-status", headers=auth(tok)).json()
    assert st["is_shared"] is False and st["share_token"] is None
    # Private shares are not public.
    r3 = c.post(f"/api/v1/resume/sharing/{rid}/share", headers=auth(tok), json={})
    assert c.get(f"/api/v1/resume/sharing/shared/{r3.json()['share_token']}").status_code == 404
    assert c.post(f"/api/v1/resume/sharing/{rid}/unshare", headers=auth(tok)).status_code == 204
    r = c.post(f"/api/v1/resume/sharing/{rid}/share", headers=auth(tok), json={"expiry_days": 31})
    assert_validation_error(r, ["body", "expiry_days"], "less_than_equal")


CONTACT_RESUME = """JANE ROE
Senior Backend Engineer
Portland, OR  |  jane.roe@example.com  |  (503) 555-0142

SUMMARY
Backend engineer with 9 years building APIs. Write to jane.private@example.org, call
+1 503 555 0199, visit me at 42 Maple Street, Portland, or see https://janeroe.example.net/about.

EXPERIENCE

Senior Backend Engineer                                     Jan 2022 – Present
Larchwood Payments, Portland, OR
  • Led the API team; reach the on-call lead at oncall.jane@example.com or 503-555-0177.
  • Ran the office at 17 Harbor Avenue and published notes on www.janeroe-notes.example.com/ledger.
  • Cut p95 latency from 480 ms to 120 ms for 2.1M transactions/day.

EDUCATION
B.S. Computer Science — University of Cascadia, 2013 – 2017
""".encode()

CONTACT_LEAKS = ["jane.private@example.org", "555 0199", "42 Maple Street", "janeroe.example.net",
                 "oncall.jane@example.com", "555-0177", "17 Harbor Avenue", "janeroe-notes"]


def test_shared_view_redacts_contact_details_in_free_text(srv, user):
    """The public view leaves out the email and phone fields and also hides e-mail addresses,
    phone numbers, street addresses and links written in the summary or a highlight, while
    ordinary numbers stay."""
    c = srv.client
    tok = user["access"]
    res = analysed(c, tok, "contact.txt", CONTACT_RESUME)
    stored = json.dumps(res["analysis"])
    # The owner's analysis keeps what was written: the free text really holds each kind.
    assert "jane.private@example.org" in stored and "42 Maple Street" in stored, stored
    assert "oncall.jane@example.com" in stored and "17 Harbor Avenue" in stored, stored
    r = c.post(f"/api/v1/resume/sharing/{res['id']}/share", headers=auth(tok),
               json={"is_public": True})
    assert r.status_code == 200, r.text
    view = c.get(f"/api/v1/resume/sharing/shared/{r.json()['share_token']}").json()
    # "links" is the list of profile links the view shows on purpose; everything else is checked.
    text = json.dumps({k: v for k, v in view.items() if k != "links"})
    for leak in CONTACT_LEAKS:
        assert leak not in text, (leak, text)
    for placeholder in ("[email]", "[phone]", "[address]", "[link]"):
        assert placeholder in text, (placeholder, text)
    assert "480 ms" in text and "2.1M" in text
    assert view["name"] == res["analysis"]["name"]


def test_export_formats(srv, user):
    c = srv.client
    tok = user["access"]
    data = (FILES / "resume.pdf").read_bytes()
    res = analysed(c, tok, "Résumé final.pdf", data)
    rid = res["id"]
    r = c.get(f"/api/v1/resume/export/{rid}/download", headers=auth(tok))
    assert r.status_code == 200 and r.content == data
    assert r.headers["content-type"] == PDF
    cd = r.headers["content-disposition"]
    assert cd.startswith('attachment; filename="R_sum_ final.pdf"') or cd.startswith("attachment;")
    assert "filename*=UTF-8''R%C3%A9sum%C3%A9%20final.pdf" in cd
    r = c.get(f"/api/v1/resume/export/{rid}/download", headers=auth(tok), params={"format": "json"})
    body = r.json()
    assert body["analysis"]["name"] == res["analysis"]["name"] and body["version"] == 1
    assert f'resume_export_{rid}.json' in r.headers["content-disposition"]
    for fmt, ctype in (("txt", "text/plain; charset=utf-8"), ("md", "text/markdown; charset=utf-8")):
        r = c.get(f"/api/v1/resume/export/{rid}/download", headers=auth(tok), params={"format": fmt})
        assert r.status_code == 200 and r.headers["content-type"] == ctype
        assert res["analysis"]["name"] in r.text
        assert res["skills"][0] in r.text
    assert c.get(f"/api/v1/resume/export/{rid}/download", headers=auth(tok),
                 params={"format": "md"}).text.startswith("# ")
    for fmt in ("pdf", "docx"):
        r = c.get(f"/api/v1/resume/export/{rid}/download", headers=auth(tok), params={"format": fmt})
        assert_error(r, 415, "UNSUPPORTED_EXPORT_FORMAT")
    r = c.get(f"/api/v1/resume/export/{rid}/download", headers=auth(tok), params={"format": "xml"})
    assert_validation_error(r, ["query", "format"], "enum")
    p = c.get(f"/api/v1/resume/export/{rid}/preview", headers=auth(tok)).json()
    assert p["title"] == res["title"] and len(p["skills"]) <= 5 and len(p["experience"]) <= 3


def test_versions(srv, user):
    c = srv.client
    tok = user["access"]
    v1 = analysed(c, tok, "cv.txt", fixture_text())
    r = c.post(f"/api/v1/resume/version/{v1['id']}/create-version", headers=auth(tok))
    assert r.status_code == 201, r.text
    v2 = r.json()
    assert v2["version"] == 2 and v2["parent_version_id"] == v1["id"]
    assert v2["analysis"] == v1["analysis"] and v2["file_path"] != v1["file_path"]
    assert v2["file_path"] in stored_files(srv)
    r = c.post(f"/api/v1/resume/version/{v1['id']}/create-version", headers=auth(tok))
    assert_error(r, 409, "NOT_LATEST_VERSION")
    r = c.get(f"/api/v1/resume/version/{v1['id']}/versions", headers=auth(tok)).json()
    assert r["current_version"] == 2
    assert [v["changes"] for v in r["versions"]] == [["Created from version 1"], ["Initial upload"]]
    assert c.get(f"/api/v1/resume/version/{v2['id']}/version/1", headers=auth(tok)).json()["id"] == v1["id"]
    assert c.get(f"/api/v1/resume/version/{v2['id']}/version/9", headers=auth(tok)).status_code == 404
    r = c.delete(f"/api/v1/resume/version/{v2['id']}/version/1", headers=auth(tok))
    assert_error(r, 409, "NEWER_VERSIONS_EXIST")
    assert c.delete(f"/api/v1/resume/version/{v1['id']}/version/2", headers=auth(tok)).status_code == 204
    assert v2["file_path"] not in stored_files(srv)


def test_every_endpoint_hides_another_users_resume(srv, user):
    c = srv.client
    res = analysed(c, user["access"], "cv.txt", fixture_text())
    other = new_account(c)
    rid = res["id"]
    h = auth(other["access"])
    calls = [
        ("GET", f"/api/v1/resume/{rid}", None),
        ("PUT", f"/api/v1/resume/{rid}", {"title": "x"}),
        ("DELETE", f"/api/v1/resume/{rid}", None),
        ("GET", f"/api/v1/resume/analysis/{rid}", None),
        ("POST", f"/api/v1/resume/analysis/{rid}/reanalyze", None),
        ("GET", f"/api/v1/resume/analysis/{rid}/skills", None),
        ("GET", f"/api/v1/resume/analysis/{rid}/experience", None),
        ("GET", f"/api/v1/resume/analysis/{rid}/education", None),
        ("POST", f"/api/v1/resume/analysis/{rid}/match", {"job_description": "Python"}),
        ("GET", f"/api/v1/resume/analysis/{rid}/matches", None),
        ("PATCH", f"/api/v1/resume/{rid}/analysis", {"name": "x"}),
        ("GET", f"/api/v1/resume/{rid}/analysis/versions", None),
        ("POST", f"/api/v1/resume/sharing/{rid}/share", {}),
        ("GET", f"/api/v1/resume/sharing/{rid}/share-status", None),
        ("POST", f"/api/v1/resume/sharing/{rid}/unshare", None),
        ("GET", f"/api/v1/resume/export/{rid}/download", None),
        ("GET", f"/api/v1/resume/export/{rid}/preview", None),
        ("GET", f"/api/v1/resume/version/{rid}/versions", None),
        ("POST", f"/api/v1/resume/version/{rid}/create-version", None),
        ("GET", f"/api/v1/resume/version/{rid}/version/1", None),
        ("DELETE", f"/api/v1/resume/version/{rid}/version/1", None),
    ]
    for method, path, body in calls:
        r = c.request(method, path, headers=h, json=body)
        assert_error(r, 404, "NOT_FOUND"), (method, path)
    assert c.get(f"/api/v1/resume/{rid}", headers=auth(user["access"])).status_code == 200
    assert c.get("/api/v1/resume", headers=h).json()["total"] == 0


def test_account_deletion_removes_stored_files_and_export_lists_resumes(srv):
    c = srv.client
    acct = new_account(c)
    res = analysed(c, acct["access"], "cv.txt", fixture_text())
    exported = c.get("/api/v1/auth/me/export", headers=auth(acct["access"]))
    if exported.status_code == 200:
        assert [x["id"] for x in exported.json()["resumes"]] == [res["id"]]
    assert res["file_path"] in stored_files(srv)
    r = c.request("DELETE", "/api/v1/auth/me", headers=auth(acct["access"]),
                  json={"password": acct["password"]})
    assert r.status_code == 204, r.text
    assert res["file_path"] not in stored_files(srv)


@pytest.mark.parametrize("name,maker,reason", [
    ("cut.pdf", lambda tmp: (FILES / "truncated.pdf").read_bytes(), None),
    ("locked.pdf", lambda tmp: (FILES / "encrypted.pdf").read_bytes(), None),
    ("bomb.docx", "bomb", "decompressed"),
    ("laughs.docx", lambda tmp: (FILES / "billion_laughs.docx").read_bytes(), None),
])
def test_broken_documents_end_in_error_with_a_reason(srv, user, tmp_path, name, maker, reason):
    if maker == "bomb":
        subprocess.run(["/usr/bin/python3", str(FILES.parent / "make_files.py"), "--bombs", str(tmp_path)],
                       check=True, capture_output=True)
        data = (tmp_path / "bomb.docx").read_bytes()
    else:
        data = maker(tmp_path)
    c = srv.client
    r = upload(c, user["access"], name, data)
    assert r.status_code == 202, r.text
    wait_task(c, user["access"], r.json()["task_id"])
    res = c.get(f"/api/v1/resume/{r.json()['id']}", headers=auth(user["access"])).json()
    assert res["status"] == "error", res
    assert list(res["analysis"]) == ["error"] and res["analysis"]["error"]
    if reason:
        assert reason in res["analysis"]["error"]
    assert res["skills"] == [] and res["years_of_experience"] is None


def test_chunked_upload_over_the_limit_is_refused_and_leaves_nothing(srv, user):
    c = srv.client
    before = stored_files(srv)
    boundary = "xBOUNDARYx"
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.txt\"\r\n"
            "Content-Type: text/plain\r\n\r\n").encode()

    def body():
        yield head
        for _ in range(11):
            yield b"a" * (1024 * 1024)
        yield f"\r\n--{boundary}--\r\n".encode()

    try:
        r = c.post("/api/v1/resume/upload", content=body(),
                   headers={**auth(user["access"]), "Content-Type": f"multipart/form-data; boundary={boundary}"})
        assert_error(r, 413, "FILE_TOO_LARGE")
    except httpx.TransportError:
        pass  # the server may close the connection instead of reading the rest
    assert count_rows(srv, user["id"]) == 0
    assert stored_files(srv) == before


def test_admin_retry_of_a_failed_parse_reanalyses(srv, user):
    c = srv.client
    tok = user["access"]
    good = analysed(c, tok, "cv.txt", fixture_text())
    # The stored file disappears: re-analysis fails after its attempts, the resume is `error`.
    saved = c.get("/__test/storage", params={"key": good["file_path"]})
    assert saved.status_code == 200
    assert c.delete("/__test/storage", params={"key": good["file_path"]}).status_code in (200, 204)
    r = c.post(f"/api/v1/resume/analysis/{good['id']}/reanalyze", headers=auth(tok))
    task = wait_task(c, tok, r.json()["task_id"])
    assert task["status"] == "FAILURE" and "stored file" in task["error"]
    res = c.get(f"/api/v1/resume/{good['id']}", headers=auth(tok)).json()
    assert res["status"] == "error" and "stored file" in res["analysis"]["error"]
    # The file comes back and an administrator retries: the resume is analysed again.
    r = c.put("/__test/storage", params={"key": good["file_path"]},
              json={"data_base64": base64.b64encode(saved.content).decode()})
    assert r.status_code == 201, r.text
    admin = admin_session(srv)
    r = c.post(f"/api/v1/admin/tasks/{task['task_id']}/retry", headers=auth(admin["access"]))
    assert r.status_code == 202, r.text
    wait_task(c, tok, task["task_id"])
    assert c.get(f"/api/v1/resume/{good['id']}", headers=auth(tok)).json()["status"] == "analyzed"


# ---- failure atomicity of an upload ------------------------------------------------------------


def count_parse_jobs(srv, user_id):
    return int(srv.sql(f"SELECT COUNT(*) FROM jobs WHERE kind = 'resume.parse' AND user_id = '{user_id}'")[0][0])


def assert_nothing_recorded(srv, user, files_before):
    """No resume (through the API and in the table), no parse job, no new stored file."""
    c = srv.client
    listed = c.get("/api/v1/resume", headers=auth(user["access"]))
    assert listed.status_code == 200 and listed.json()["total"] == 0, listed.text
    assert count_rows(srv, user["id"]) == 0
    assert count_parse_jobs(srv, user["id"]) == 0
    assert stored_files(srv) == files_before


def inject(client, step):
    r = client.post("/__test/faults", params={"upload": step})
    assert r.status_code == 204, r.text


@pytest.mark.parametrize("step", ["insert", "enqueue", "commit"])
def test_a_database_failure_after_the_file_is_stored_leaves_no_file(srv, user, step):
    """The file is stored first; the row insert, the parse job's enqueue (after the row was
    inserted in the same transaction) or the commit then fails: the answer is 503 with
    Retry-After, and neither the row nor the stored file remains."""
    c = srv.client
    before = stored_files(srv)
    inject(c, step)
    r = upload(c, user["access"], "cv.txt", fixture_text())
    assert_error(r, 503, "SERVICE_UNAVAILABLE")
    assert positive_int(r.headers.get("retry-after"))
    srv.wait_for_log(lambda rec: rec.get("message") == "cannot record an upload")
    assert_nothing_recorded(srv, user, before)
    # The fault was used up: the same upload now goes through, with its one file.
    r = upload(c, user["access"], "cv.txt", fixture_text())
    assert r.status_code == 202, r.text
    res = c.get(f"/api/v1/resume/{r.json()['id']}", headers=auth(user["access"])).json()
    assert stored_files(srv) == sorted(before + [res["file_path"]])


def test_a_storage_failure_leaves_no_row(srv, user):
    c = srv.client
    before = stored_files(srv)
    inject(c, "store")
    r = upload(c, user["access"], "cv.txt", fixture_text())
    assert_error(r, 503, "SERVICE_UNAVAILABLE")
    assert positive_int(r.headers.get("retry-after"))
    assert_nothing_recorded(srv, user, before)
    tmp = Path(srv.env["DATA_DIR"]) / "tmp"
    wait_for(lambda: not any(tmp.glob("upload-*")), what="temporary upload files removed")


def test_a_real_storage_failure_on_the_local_backend_leaves_no_row(make_server):
    """Not injected: a plain file where the user's directory of the local storage should be
    makes storing fail for real."""
    srv = make_server(**LIMITS_OFF)
    c = srv.client
    user = new_account(c)
    files = Path(srv.env["DATA_DIR"]) / "files" / "resumes"
    files.mkdir(parents=True, exist_ok=True)
    (files / user["id"]).write_bytes(b"not a directory")
    before = stored_files(srv)  # the blocking file itself
    r = upload(c, user["access"], "cv.txt", fixture_text())
    assert_error(r, 503, "SERVICE_UNAVAILABLE")
    assert_nothing_recorded(srv, user, before)
    (files / user["id"]).unlink()
    assert upload(c, user["access"], "cv.txt", fixture_text()).status_code == 202


def test_fault_injection_refuses_an_unknown_step(srv):
    r = srv.client.post("/__test/faults", params={"upload": "everything"})
    assert_validation_error(r, ["query", "upload"], "enum")
    assert srv.client.post("/__test/faults", params={"upload": "none"}).status_code == 204


def test_fault_injection_route_is_absent_without_test_endpoints(make_server):
    srv = make_server(TEST_ENDPOINTS=None)
    assert_error(srv.client.post("/__test/faults", params={"upload": "insert"}), 404, "NOT_FOUND")
    assert_error(srv.client.post("/__test/periodic", params={"name": "sweep_orphan_files"}),
                 404, "NOT_FOUND")


# ---- the orphan sweep ------------------------------------------------------------------------


def sweep(client):
    r = client.post("/__test/periodic", params={"name": "sweep_orphan_files"})
    assert r.status_code == 200, r.text
    assert r.json()["task"] == "sweep_orphan_files"
    return r.json()["changed"]


def wait_older_than_the_age(srv, key):
    """Waits until the stored object key is older than ORPHAN_FILE_AGE (by its own time)."""
    modified = keys_under(srv.client, key)[key]
    wait_for(lambda: time.time() * 1000 - modified > ORPHAN_AGE_S * 1000 + 300,
             timeout=ORPHAN_AGE_S + 10, interval=0.1, what=f"{key} older than the orphan age")


def test_orphan_sweep_removes_old_unused_files_and_keeps_the_rest(srv, user):
    c = srv.client
    r = upload(c, user["access"], "cv.txt", fixture_text())
    assert r.status_code == 202, r.text
    used = c.get(f"/api/v1/resume/{r.json()['id']}", headers=auth(user["access"])).json()["file_path"]
    old = f"resumes/{uuid.uuid4()}/{uuid.uuid4()}.txt"
    outside = f"t{uuid.uuid4().hex}/{uuid.uuid4()}.txt"  # not a resume file: never swept
    for key in (old, outside):
        assert c.put("/__test/storage", params={"key": key},
                     json={"data_base64": base64.b64encode(b"left behind").decode()}).status_code == 201
    wait_older_than_the_age(srv, old)
    wait_older_than_the_age(srv, used)
    young = f"resumes/{uuid.uuid4()}/{uuid.uuid4()}.pdf"
    assert c.put("/__test/storage", params={"key": young},
                 json={"data_base64": base64.b64encode(b"%PDF-1.4 young").decode()}).status_code == 201

    assert sweep(c) >= 1
    keys = stored_files(srv)
    assert old not in keys
    assert used in keys and young in keys
    assert outside in keys_under(c, outside)
    r = c.get(f"/api/v1/resume/export/{r.json()['id']}/download", headers=auth(user["access"]))
    assert r.status_code == 200 and r.content == fixture_text()

    # The young object goes once it is old enough; the used file never does.
    wait_older_than_the_age(srv, young)
    assert sweep(c) >= 1
    keys = stored_files(srv)
    assert young not in keys and used in keys
    assert c.delete("/__test/storage", params={"key": outside}).status_code == 204


def test_periodic_route_names_unknown_tasks_404(srv):
    r = srv.client.post("/__test/periodic", params={"name": "no_such_task"})
    assert_error(r, 404, "NOT_FOUND")
