"""The dashboard's resume count (docs/api.md §6; issue 19): an upload whose analysis failed (status
`error`) is not a resume, so the dashboard does not count it; one that is queued or analysed is;
deleting the failed upload changes nothing, and another user's resumes never count."""

from pathlib import Path

import pytest

from test_auth import auth, new_account
from test_resume_endpoints import LIMITS_OFF, fixture_text, upload, wait_task

FILES = Path(__file__).resolve().parents[1] / "fixtures" / "files"


@pytest.fixture(scope="module")
def srv(module_server):
    """One server for the module, offline engine, limits off (they have their own tests)."""
    return module_server(**LIMITS_OFF)


def resumes_total(client, token):
    r = client.get("/api/v1/dashboard/stats", headers=auth(token))
    assert r.status_code == 200, r.text
    return r.json()["resumes"]["total"]


def uploaded(client, token, name, data):
    r = upload(client, token, name, data)
    assert r.status_code == 202, r.text
    return r.json()


def test_a_failed_upload_is_not_counted_as_a_resume(srv):
    c = srv.client
    tok = new_account(c)["access"]
    assert resumes_total(c, tok) == 0

    failed = uploaded(c, tok, "scan.pdf", (FILES / "image_only.pdf").read_bytes())
    wait_task(c, tok, failed["task_id"])
    res = c.get(f"/api/v1/resume/{failed['id']}", headers=auth(tok)).json()
    assert res["status"] == "error", res
    assert resumes_total(c, tok) == 0, "a failed upload is not a resume"
    # The resume list still shows it (with its reason), so that it can be deleted.
    listed = c.get("/api/v1/resume/", headers=auth(tok)).json()
    assert [r["id"] for r in listed["items"]] == [failed["id"]]

    good = uploaded(c, tok, "resume.txt", fixture_text())
    assert resumes_total(c, tok) == 1, "a resume being analysed counts"
    assert wait_task(c, tok, good["task_id"])["status"] == "SUCCESS"
    assert resumes_total(c, tok) == 1

    # Deleting the failed upload leaves the count alone; deleting the resume takes it to zero.
    assert c.delete(f"/api/v1/resume/{failed['id']}", headers=auth(tok)).status_code == 204
    assert resumes_total(c, tok) == 1
    assert c.delete(f"/api/v1/resume/{good['id']}", headers=auth(tok)).status_code == 204
    assert resumes_total(c, tok) == 0


def test_another_users_resumes_do_not_count(srv):
    c = srv.client
    alice, bob = new_account(c)["access"], new_account(c)["access"]
    done = uploaded(c, alice, "resume.txt", fixture_text())
    wait_task(c, alice, done["task_id"])
    assert resumes_total(c, alice) == 1
    assert resumes_total(c, bob) == 0
