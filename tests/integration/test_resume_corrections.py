"""Corrections of a resume analysis and kept job matches (docs/api.md §5.3; issue 16): the
PATCH body validated field by field (422 items located inside lists), the owner check (404)
and the state check (409); every correction kept as a version next to the original parse, a
reanalyze adding a parser version; corrections used downstream (the Resume, search, job match,
interview questions, the public share view); the job description and past matches kept across
a reanalyze; the title a parse gives a resume whose title is still the file name."""

import time

import pytest

from helpers import assert_error, wait_for
from test_auth import auth, new_account
from test_resume_endpoints import LIMITS_OFF, analysed, fixture_text, upload, wait_task


@pytest.fixture(scope="module")
def srv(module_server):
    return module_server(**LIMITS_OFF)


@pytest.fixture
def user(srv):
    return new_account(srv.client)


@pytest.fixture
def resume(srv, user):
    return analysed(srv.client, user["access"], "cv.txt", fixture_text())


def patch(c, tok, rid, body):
    return c.patch(f"/api/v1/resume/{rid}/analysis", headers=auth(tok), json=body)


def versions(c, tok, rid, **params):
    r = c.get(f"/api/v1/resume/{rid}/analysis/versions", headers=auth(tok), params=params)
    assert r.status_code == 200, r.text
    return r.json()


def items(r):
    assert r.status_code == 422, r.text
    assert r.json()["code"] == "VALIDATION_ERROR"
    return {(tuple(i["loc"]), i["type"]) for i in r.json()["detail"]}


def test_every_problem_is_reported_at_its_field(srv, user, resume):
    c, tok, rid = srv.client, user["access"], resume["id"]
    r = patch(c, tok, rid, {
        "name": 5,
        "seniority": "boss",
        "years_of_experience": -1,
        "skills": [{"name": ""}, {"name": "Go", "category": "lang"}, 7, "x" * 61],
        "experience": [
            {"job_title": "Engineer", "start_date": "2020-13"},
            {"job_title": "Engineer", "start_date": "2021", "end_date": "2019-05"},
            {"highlights": ["Shipped it"]},
            {"company": "Acme", "boss": "me", "highlights": ["", "fine"]},
        ],
        "education": [{"gpa": "3.9"}, "BSc"],
        "certifications": ["x" * 151],
        "languages": "English",
        "role": "admin",
    })
    got = items(r)
    assert got == {
        (("body", "name"), "string_type"),
        (("body", "seniority"), "enum"),
        (("body", "years_of_experience"), "greater_than_equal"),
        (("body", "skills", 0, "name"), "string_too_short"),
        (("body", "skills", 1, "category"), "enum"),
        (("body", "skills", 2), "string_type"),
        (("body", "skills", 3), "string_too_long"),
        (("body", "experience", 0, "start_date"), "value_error"),
        (("body", "experience", 1, "end_date"), "value_error"),
        (("body", "experience", 2), "value_error"),
        (("body", "experience", 3, "boss"), "extra_forbidden"),
        (("body", "experience", 3, "highlights"), "string_too_short"),
        (("body", "education", 0), "value_error"),
        (("body", "education", 1), "dict_type"),
        (("body", "certifications", 0), "string_too_long"),
        (("body", "languages"), "list_type"),
        (("body", "role"), "extra_forbidden"),
    }, sorted(got)
    assert items(patch(c, tok, rid, {"years_of_experience": "5"})) == {
        (("body", "years_of_experience"), "value_error")}
    assert items(patch(c, tok, rid, {"years_of_experience": 71})) == {
        (("body", "years_of_experience"), "less_than_equal")}
    assert items(patch(c, tok, rid, {"summary": "a\x01b"})) == {(("body", "summary"), "value_error")}
    assert items(patch(c, tok, rid, {"skills": ["x"] * 101})) == {(("body", "skills"), "too_long")}
    # Nothing of a refused body is stored.
    assert versions(c, tok, rid)["total"] == 1


def test_other_users_resume_is_404_and_an_unanalysed_one_409(srv, user, resume):
    c, rid = srv.client, resume["id"]
    bob = new_account(c)
    assert_error(patch(c, bob["access"], rid, {"name": "Bob"}), 404, "NOT_FOUND")
    for path in (f"/api/v1/resume/{rid}/analysis/versions", f"/api/v1/resume/analysis/{rid}/matches"):
        assert_error(c.get(path, headers=auth(bob["access"])), 404, "NOT_FOUND")
    # Validation comes before the lookup (docs/api.md §1.3).
    assert items(patch(c, bob["access"], rid, {"name": 5})) == {(("body", "name"), "string_type")}
    for status in ("processing", "pending", "error"):
        srv.sql(f"UPDATE resumes SET status = '{status}' WHERE id = '{rid}'")
        assert_error(patch(c, user["access"], rid, {"name": "Jane"}), 409, "RESUME_NOT_READY")
    srv.sql(f"UPDATE resumes SET status = 'analyzed' WHERE id = '{rid}'")
    assert patch(c, user["access"], rid, {"name": "Jane"}).status_code == 200


def test_a_correction_is_a_new_version_and_the_parse_is_kept(srv, user, resume):
    c, tok, rid = srv.client, user["access"], resume["id"]
    original = resume["analysis"]
    assert original["analysis_version"] == 1 and original["corrected_fields"] == []
    first = versions(c, tok, rid)
    assert first["total"] == 1 and first["items"][0]["source"] == "parser"
    assert first["items"][0]["analysis"]["name"] == original["name"]

    old_skill = original["skills"][0]
    r = patch(c, tok, rid, {
        "name": "  Jane Q. Public ",
        "location": "Sydney NSW 2000",
        "skills": [{"name": "Elixir", "category": "language"}, old_skill["name"], "elixir"],
        "experience": [{"job_title": "Platform Engineer", "company": "Zyxwave Labs",
                        "start_date": "2019-04", "end_date": None,
                        "highlights": ["Cut deploy time from 40 to 6 minutes", "Mentor four engineers"]}],
        "years_of_experience": 6.04,
        "seniority": None,  # null = left as it is
    })
    assert r.status_code == 200, r.text
    body = r.json()
    assert set(body) == {"resume_id", "analysis", "status", "created_at", "processing_time",
                         "confidence_score"}
    an = body["analysis"]
    assert an["name"] == "Jane Q. Public" and an["location"] == "Sydney NSW 2000"
    assert an["skills"] == [{"name": "Elixir", "category": "language"}, old_skill]
    assert an["experience"][0]["position"] == "Platform Engineer"
    assert an["experience"][0]["highlights"][1] == "Mentor four engineers"
    assert an["job_titles"] == ["Platform Engineer"]
    assert an["years_of_experience"] == 6.0 and an["seniority"] == original["seniority"]
    assert an["analysis_version"] == 2
    assert an["corrected_fields"] == ["name", "location", "years_of_experience", "skills", "experience"]
    if isinstance(an.get("field_confidence"), dict):
        assert all(an["field_confidence"][f] == 1.0 for f in an["corrected_fields"])
    assert an["summary"] == original["summary"] and an["education"] == original["education"]

    # A second correction keeps the first one's fields as corrected; "" clears a text field.
    r = patch(c, tok, rid, {"location": ""})
    assert r.status_code == 200, r.text
    an = r.json()["analysis"]
    assert an["location"] is None and an["analysis_version"] == 3
    assert an["corrected_fields"] == ["name", "location", "years_of_experience", "skills", "experience"]
    # An empty body changes nothing and records nothing.
    assert patch(c, tok, rid, {}).json()["analysis"]["analysis_version"] == 3

    v = versions(c, tok, rid)
    assert [x["version"] for x in v["items"]] == [3, 2, 1]
    assert [x["source"] for x in v["items"]] == ["user", "user", "parser"]
    assert v["items"][2]["analysis"]["name"] == original["name"]
    assert v["items"][1]["analysis"]["location"] == "Sydney NSW 2000"
    page = versions(c, tok, rid, skip=1, limit=1)
    assert page["total"] == 3 and page["has_more"] and [x["version"] for x in page["items"]] == [2]

    # A reanalyze adds a parser version; the corrections stay in the history.
    r = c.post(f"/api/v1/resume/analysis/{rid}/reanalyze", headers=auth(tok))
    assert r.status_code == 202, r.text
    assert wait_task(c, tok, r.json()["task_id"])["status"] == "SUCCESS"
    an = c.get(f"/api/v1/resume/analysis/{rid}", headers=auth(tok)).json()["analysis"]
    assert an["analysis_version"] == 4 and an["corrected_fields"] == []
    assert an["name"] == original["name"]
    v = versions(c, tok, rid)
    assert [(x["version"], x["source"]) for x in v["items"]] == [
        (4, "parser"), (3, "user"), (2, "user"), (1, "parser")]

    # A copy into a new resume version starts its own analysis history from the current one.
    copy = c.post(f"/api/v1/resume/version/{rid}/create-version", headers=auth(tok))
    assert copy.status_code == 201, copy.text
    cid = copy.json()["id"]
    assert copy.json()["analysis"]["analysis_version"] == 1
    cv = versions(c, tok, cid)
    assert cv["total"] == 1 and cv["items"][0]["analysis"]["name"] == original["name"]
    r = patch(c, tok, cid, {"name": "Copy Person"})
    assert r.json()["analysis"]["analysis_version"] == 2
    assert versions(c, tok, rid)["total"] == 4  # the original's history is its own
    assert c.delete(f"/api/v1/resume/{cid}", headers=auth(tok)).status_code == 204

    # Deleting the resume deletes its versions.
    assert c.delete(f"/api/v1/resume/{rid}", headers=auth(tok)).status_code == 204
    left = srv.sql(f"SELECT COUNT(*) FROM resume_analysis_versions WHERE resume_id = '{rid}'")
    assert int(left[0][0]) == 0


def test_headline_is_corrected_where_the_analysis_has_one(srv, user, resume):
    c, tok, rid = srv.client, user["access"], resume["id"]
    if "headline" not in resume["analysis"]:
        pytest.skip("this build's parser has no headline field (issue 16, parser part)")
    r = patch(c, tok, rid, {"headline": "Staff Engineer"})
    assert r.status_code == 200, r.text
    an = r.json()["analysis"]
    assert an["headline"] == "Staff Engineer" and an["corrected_fields"] == ["headline"]


def test_corrections_are_used_downstream(srv, user, resume):
    c, tok, rid = srv.client, user["access"], resume["id"]
    r = patch(c, tok, rid, {
        "name": "Quillon Varga",
        "inferred_role": "Site Reliability Engineer",
        "skills": ["Elixir", "Kubernetes"],
        "experience": [{"job_title": "Site Reliability Engineer", "company": "Zyxwave Labs",
                        "start_date": "2018-01", "highlights": ["Ran Kubernetes clusters for 40 teams"]}],
    })
    assert r.status_code == 200, r.text
    # The Resume and the list search.
    res = c.get(f"/api/v1/resume/{rid}", headers=auth(tok)).json()
    assert res["skills"] == ["Elixir", "Kubernetes"] and res["inferred_role"] == "Site Reliability Engineer"
    found = c.get("/api/v1/resume", headers=auth(tok), params={"search": "elixir"}).json()
    assert [x["id"] for x in found["items"]] == [rid]
    assert c.get(f"/api/v1/resume/analysis/{rid}/skills", headers=auth(tok)).json()[0]["name"] == "Elixir"
    # The job match reads the corrected skills.
    r = c.post(f"/api/v1/resume/analysis/{rid}/match", headers=auth(tok),
               json={"job_description": "Required: Elixir and Kubernetes. Nice to have: Haskell."})
    assert r.status_code == 202, r.text
    task = wait_task(c, tok, r.json()["task_id"])
    assert task["status"] == "SUCCESS", task
    jm = task["result"]["job_match"]
    assert "Elixir" in jm["matched_skills"] and "Elixir" not in jm["missing_skills"], jm
    # The interview questions are built from the corrected resume.
    r = c.post("/api/v1/interview/start", headers=auth(tok), json={"resume_id": rid, "question_count": 8})
    assert r.status_code == 202, r.text
    assert wait_task(c, tok, r.json()["task_id"])["status"] == "SUCCESS"
    session = c.get(f"/api/v1/interview/{r.json()['id']}", headers=auth(tok)).json()
    text = " ".join(q["question_text"] for q in session["questions"])
    assert any(w in text for w in ("Zyxwave Labs", "Elixir", "Kubernetes", "Site Reliability")), text
    original_company = (resume["analysis"]["experience"] or [{}])[0].get("company")
    if original_company:
        assert original_company not in text, text
    # The public share view shows the corrected name.
    r = c.post(f"/api/v1/resume/sharing/{rid}/share", headers=auth(tok), json={"is_public": True})
    view = c.get(f"/api/v1/resume/sharing/shared/{r.json()['share_token']}").json()
    assert view["name"] == "Quillon Varga" and view["skills"][0]["name"] == "Elixir"
    assert view["experience"][0]["highlights"] == ["Ran Kubernetes clusters for 40 teams"]


def test_job_descriptions_and_past_matches_are_kept(srv, user, resume):
    c, tok, rid = srv.client, user["access"], resume["id"]
    assert c.get(f"/api/v1/resume/analysis/{rid}/matches", headers=auth(tok)).json() == []
    jds = ["We need Python and PostgreSQL.", "Looking for Kubernetes, Terraform and AWS, 5+ years."]
    for jd in jds:
        r = c.post(f"/api/v1/resume/analysis/{rid}/match", headers=auth(tok), json={"job_description": jd})
        assert r.status_code == 202, r.text
        task = wait_task(c, tok, r.json()["task_id"])
        assert task["status"] == "SUCCESS", task
        assert task["result"]["job_match"]["job_description"] == jd
        time.sleep(0.01)  # distinct created_at
    an = c.get(f"/api/v1/resume/analysis/{rid}", headers=auth(tok)).json()["analysis"]
    assert an["job_match"]["job_description"] == jds[1]
    kept = c.get(f"/api/v1/resume/analysis/{rid}/matches", headers=auth(tok)).json()
    assert [m["job_description"] for m in kept] == jds[::-1]
    assert kept[0] == an["job_match"]
    # A correction keeps the latest match in the analysis.
    assert patch(c, tok, rid, {"name": "Kept Match"}).json()["analysis"]["job_match"] == an["job_match"]
    # A reanalyze sets analysis.job_match to null; the kept matches stay.
    r = c.post(f"/api/v1/resume/analysis/{rid}/reanalyze", headers=auth(tok))
    wait_task(c, tok, r.json()["task_id"])
    assert c.get(f"/api/v1/resume/analysis/{rid}", headers=auth(tok)).json()["analysis"]["job_match"] is None
    kept2 = c.get(f"/api/v1/resume/analysis/{rid}/matches", headers=auth(tok)).json()
    assert kept2 == kept


def test_at_most_twenty_matches_are_kept(srv, user, resume):
    c, tok, rid = srv.client, user["access"], resume["id"]
    tasks = []
    for i in range(22):
        r = c.post(f"/api/v1/resume/analysis/{rid}/match", headers=auth(tok),
                   json={"job_description": f"Job {i}: Python and SQL"})
        assert r.status_code == 202, r.text
        tasks.append(r.json()["task_id"])
    for t in tasks:
        wait_task(c, tok, t)
    kept = c.get(f"/api/v1/resume/analysis/{rid}/matches", headers=auth(tok)).json()
    assert len(kept) == 20
    assert {m["job_description"] for m in kept} <= {f"Job {i}: Python and SQL" for i in range(22)}
    stamps = [m["created_at"] for m in kept]
    assert stamps == sorted(stamps, reverse=True)


def test_the_parse_titles_a_resume_still_named_after_its_file(srv, user):
    c, tok = srv.client, user["access"]
    res = analysed(c, tok, "my-cv.txt", fixture_text())
    an = res["analysis"]
    role = an.get("headline") or " ".join(w[:1].upper() + w[1:] for w in (an["inferred_role"] or "").split(" "))
    assert an["name"], an
    assert res["title"] == (f"{an['name']} — {role}" if role else an["name"])
    # A title the user set is left alone by a reanalyze.
    c.put(f"/api/v1/resume/{res['id']}", headers=auth(tok), json={"title": "Mine"})
    r = c.post(f"/api/v1/resume/analysis/{res['id']}/reanalyze", headers=auth(tok))
    wait_task(c, tok, r.json()["task_id"])
    assert c.get(f"/api/v1/resume/{res['id']}", headers=auth(tok)).json()["title"] == "Mine"
