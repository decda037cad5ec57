"""Which questions a session gets (docs/api.md §4.1, §4.4; issue 15): the categories an
interview for a role has, answered before it starts; the notices of a start whose focus areas
ask for a category the role has none of, or more than its categories hold; and a question the
user answered long ago not asked again while others remain."""

import uuid

import pytest

from helpers import assert_error
from test_auth import auth, new_account
from test_interview_endpoints import answer, provider_questions, started, start
from test_resume_endpoints import LIMITS_OFF


@pytest.fixture(scope="module")
def srv(module_server):
    return module_server(**LIMITS_OFF)


@pytest.fixture
def user(srv):
    return new_account(srv.client)


def categories(client, token, **params):
    return client.get("/api/v1/interview/categories", headers=auth(token), params=params)


def by_name(body):
    return {c["category"]: c for c in body["categories"]}


def test_a_nurse_interview_has_no_coding_or_system_design(srv, user):
    r = categories(srv.client, user["access"], target_role="Registered Nurse")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["role"] == "nurse"
    cats = by_name(body)
    assert [c["category"] for c in body["categories"]] == [
        "technical", "behavioral", "project", "system_design", "coding", "general"]
    for name in ("coding", "system_design"):
        assert cats[name]["available"] is False and cats[name]["questions"] == 0
        assert "nurse" in cats[name]["reason"]
    for name in ("technical", "behavioral", "project", "general"):
        assert cats[name]["available"] is True and cats[name]["reason"] is None
        assert cats[name]["questions"] > 0


def test_a_software_role_and_an_unknown_role_have_every_category(srv, user):
    body = categories(srv.client, user["access"], target_role="Backend Engineer").json()
    assert body["role"] == "backend engineer"
    assert all(c["available"] and c["questions"] > 0 for c in body["categories"])
    body = categories(srv.client, user["access"]).json()
    assert body["role"] is None
    assert all(c["available"] for c in body["categories"])


def test_categories_of_a_resume_that_is_not_yours_is_404(srv, user):
    r = categories(srv.client, user["access"], resume_id=str(uuid.uuid4()))
    assert_error(r, 404, "NOT_FOUND")
    r = categories(srv.client, user["access"], resume_id="not-a-uuid")
    assert r.status_code == 422, r.text


def test_start_says_which_focus_categories_were_left_out(srv, user):
    c, tok = srv.client, user["access"]
    r = start(c, tok, question_count=6, target_role="Registered Nurse",
              focus_areas=["coding", "behavioral"])
    assert r.status_code == 202, r.text
    notices = r.json()["notices"]
    assert [(n["code"], n["category"]) for n in notices] == [("CATEGORY_NOT_FOR_ROLE", "coding")]
    assert "nurse" in notices[0]["message"]
    s = started(c, tok, question_count=6, target_role="Registered Nurse",
                focus_areas=["coding", "behavioral"])
    assert {q["category"] for q in s["questions"]} == {"behavioral"}


def test_focus_on_categories_the_role_lacks_falls_back_to_its_usual_mix(srv, user):
    c, tok = srv.client, user["access"]
    r = start(c, tok, question_count=8, target_role="Accountant",
              focus_areas=["system design", "coding"])
    assert r.status_code == 202, r.text
    codes = [n["code"] for n in r.json()["notices"]]
    assert codes == ["CATEGORY_NOT_FOR_ROLE", "CATEGORY_NOT_FOR_ROLE", "FOCUS_CATEGORIES_IGNORED"]
    s = started(c, tok, question_count=8, target_role="Accountant",
                focus_areas=["system design", "coding"])
    assert not {q["category"] for q in s["questions"]} & {"coding", "system_design"}


def test_start_says_when_the_chosen_categories_cannot_fill_the_session(srv, user):
    c, tok = srv.client, user["access"]
    have = by_name(categories(c, tok, target_role="Accountant").json())["technical"]["questions"]
    assert 0 < have < 30
    r = start(c, tok, question_count=have + 2, target_role="Accountant",
              focus_areas=["technical"])
    assert r.status_code == 202, r.text
    notices = r.json()["notices"]
    assert [n["code"] for n in notices] == ["CATEGORY_SHORT"], notices
    assert f"Only {have} questions" in notices[0]["message"], notices
    s = started(c, tok, question_count=have + 2, target_role="Accountant",
                focus_areas=["technical"])
    cats = [q["category"] for q in s["questions"]]
    assert cats.count("technical") == have and not {"coding", "system_design"} & set(cats)


def test_an_answered_question_is_not_asked_again_after_many_sessions(srv, user):
    c, tok = srv.client, user["access"]
    have = by_name(categories(c, tok, target_role="Accountant").json())["technical"]["questions"]
    first = started(c, tok, question_count=5, target_role="Accountant", focus_areas=["technical"])
    done = first["questions"][0]
    assert answer(c, tok, first["id"], done["id"]).status_code == 200
    # Five newer sessions for another role push the first out of the recent ones.
    for _ in range(5):
        started(c, tok, question_count=5, target_role="Registered Nurse")
    # Every technical question of the role but one: the answered one is the one left out.
    last = started(c, tok, question_count=have - 1, target_role="Accountant",
                   focus_areas=["technical"])
    texts = [q["question_text"] for q in last["questions"]]
    assert all(q["category"] == "technical" for q in last["questions"])
    assert not any(t.endswith(done["question_text"]) or done["question_text"].endswith(t)
                   for t in texts), done["question_text"]


def test_provider_questions_outside_the_chosen_categories_are_not_served(make_server, fake_llm):
    """A provider that ignores the focus areas is invalid output: retried once, then the
    offline engine prepares the session with the chosen category only."""
    gemini = fake_llm()
    wrong = provider_questions(["easy", "medium", "medium", "medium", "hard"])
    gemini.script({"json": wrong}, {"json": wrong})
    srv = make_server(GEMINI_API_KEY="test-gemini-key-0123456789", GEMINI_BASE_URL=gemini.url,
                      GEMINI_MODEL="gemini-test", LLM_PRIMARY_PROVIDER="gemini", **LIMITS_OFF)
    tok = new_account(srv.client)["access"]
    s = started(srv.client, tok, question_count=5, target_role="Registered Nurse",
                focus_areas=["behavioral"])
    assert {q["category"] for q in s["questions"]} == {"behavioral"}
    assert not any(q["question_text"].startswith("Provider question") for q in s["questions"])
    assert len(gemini.requests()) == 2
