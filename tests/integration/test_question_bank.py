"""The question bank and single-question practice (docs/api.md §4.7; issue 19): browsing the
bank by role, category, difficulty and text with pagination and 422s, never showing a model
answer; practising one question as a one-question session that the answer, retry, complete and
summary endpoints serve like any interview, that is another user's 404, and that the dashboard
leaves out of its session averages; and the words-per-minute and filler figures of a dictated
answer (§4.2)."""

import uuid

import pytest

from helpers import assert_error
from test_auth import auth, new_account
from test_interview_endpoints import ANSWER, answer, completed, get_session
from test_resume_endpoints import LIMITS_OFF, wait_task

ITEM_FIELDS = {"id", "text", "category", "difficulty", "roles", "skills", "key_points_count"}


@pytest.fixture(scope="module")
def srv(module_server):
    return module_server(**LIMITS_OFF)


@pytest.fixture
def user(srv):
    return new_account(srv.client)


def bank(client, token, **params):
    return client.get("/api/v1/questions", headers=auth(token), params=params)


def practise(client, token, **body):
    return client.post("/api/v1/interview/practice", headers=auth(token), json=body)


def test_the_bank_pages_and_filters_without_model_answers(srv, user):
    c, tok = srv.client, user["access"]
    r = bank(c, tok)
    assert r.status_code == 200, r.text
    page = r.json()
    assert page["total"] >= 400 and page["skip"] == 0 and page["limit"] == 20
    assert len(page["items"]) == 20 and page["has_more"] is True
    for it in page["items"]:
        assert set(it) == ITEM_FIELDS, it
        assert it["key_points_count"] >= 1
    nxt = bank(c, tok, skip=20, limit=5).json()
    assert len(nxt["items"]) == 5
    assert not {i["id"] for i in nxt["items"]} & {i["id"] for i in page["items"]}
    hard = bank(c, tok, category="coding", difficulty="hard", limit=100).json()
    assert hard["total"] >= 1
    assert all(i["category"] == "coding" and i["difficulty"] == "hard" for i in hard["items"])
    role = bank(c, tok, role="BACKEND engineer", limit=100).json()
    assert role["total"] >= 1 and role["total"] < page["total"]
    assert all(not i["roles"] or any("backend engineer" in x for x in i["roles"])
               for i in role["items"])
    found = bank(c, tok, search="GENERATOR").json()
    assert found["total"] >= 1
    assert all("generator" in i["text"].lower() for i in found["items"])
    assert bank(c, tok, search="zzzz no such words").json()["items"] == []
    one = c.get(f"/api/v1/questions/{page['items'][0]['id']}", headers=auth(tok))
    assert one.status_code == 200 and one.json() == page["items"][0]
    assert_error(c.get("/api/v1/questions/no-such-question", headers=auth(tok)), 404, "NOT_FOUND")


@pytest.mark.parametrize("params,name", [({"category": "cooking"}, "category"),
                                         ({"difficulty": "brutal"}, "difficulty"),
                                         ({"limit": "101"}, "limit"), ({"skip": "-1"}, "skip"),
                                         ({"role": "x" * 101}, "role"),
                                         ({"search": "y" * 101}, "search")])
def test_bad_bank_filters_are_422(srv, user, params, name):
    r = bank(srv.client, user["access"], **params)
    assert r.status_code == 422, r.text
    assert any(e["loc"] == ["query", name] for e in r.json()["detail"]), r.json()


def test_the_bank_needs_a_user(srv):
    assert srv.client.get("/api/v1/questions").status_code == 401
    assert srv.client.post("/api/v1/interview/practice", json={"question_id": "x"}).status_code == 401


def test_practising_one_question_is_a_session_like_any_other(srv, user):
    c, tok = srv.client, user["access"]
    item = bank(c, tok, category="behavioral", limit=1).json()["items"][0]
    r = practise(c, tok, question_id=item["id"], time_limit_minutes=2)
    assert r.status_code == 201, r.text
    s = r.json()
    assert s["kind"] == "practice" and s["status"] == "in_progress"
    assert s["question_count"] == 1 and len(s["questions"]) == 1
    assert s["follow_ups"] is False and s["time_limit_minutes"] == 2
    assert s["title"].startswith("Practice: ")
    q = s["questions"][0]
    assert q["question_text"] == item["text"] and q["category"] == "behavioral"
    assert q["difficulty"] == item["difficulty"] and q["model_answer"] is None
    assert answer(c, tok, s["id"], q["id"]).status_code == 200
    done = wait_task(c, tok, answer_task(c, tok, s["id"]))
    assert done["status"] == "SUCCESS", done
    got = get_session(c, tok, s["id"])["questions"][0]
    assert got["evaluation_status"] == "evaluated" and got["evaluation_score"] is not None
    assert got["feedback_comment"] and got["model_answer"]
    assert got["input_mode"] == "text" and got["voice_stats"] is None
    # retried like any answer
    r = c.post(f"/api/v1/interview/{s['id']}/questions/{q['id']}/attempts", headers=auth(tok),
               json={"answer_text": ANSWER + " We also added alerting."})
    assert r.status_code == 202, r.text
    assert wait_task(c, tok, r.json()["evaluation_task_id"])["status"] == "SUCCESS"
    completed(c, tok, s)
    after = get_session(c, tok, s["id"])
    assert after["status"] == "completed" and after["final_score"] is not None
    summary = c.get(f"/api/v1/interview/{s['id']}/summary", headers=auth(tok)).json()
    assert len(summary["questions"]) == 1 and summary["title"] == s["title"]
    history = c.get("/api/v1/interview/history", headers=auth(tok)).json()
    assert [h["kind"] for h in history["items"] if h["id"] == s["id"]] == ["practice"]
    # the dashboard leaves a practice out of its session averages and trend
    stats = c.get("/api/v1/dashboard/stats", headers=auth(tok)).json()
    assert stats["interviews"]["avg_score"] is None and stats["interviews"]["best_score"] is None
    assert stats["score_trend"] == [] and stats["interviews"]["completed"] == 1


def answer_task(client, token, sid):
    """The evaluation task of the session's latest answer, from a fresh answer's response."""
    s = get_session(client, token, sid)
    q = s["questions"][0]
    r = answer(client, token, sid, q["id"])
    assert r.status_code == 200, r.text
    return r.json()["evaluation_task_id"]


def test_practice_validation_and_ownership(srv, user):
    c, tok = srv.client, user["access"]
    for body, field in [({}, "question_id"), ({"question_id": ""}, "question_id"),
                        ({"question_id": "x" * 101}, "question_id"),
                        ({"question_id": "tech-py-001", "time_limit_minutes": 4},
                         "time_limit_minutes"),
                        ({"question_id": "tech-py-001", "extra": 1}, "extra")]:
        r = practise(c, tok, **body)
        assert r.status_code == 422, (body, r.text)
        assert any(e["loc"][:2] == ["body", field] for e in r.json()["detail"]), r.json()
    assert_error(practise(c, tok, question_id="no-such-question"), 404, "NOT_FOUND")
    template = c.get("/api/v1/questions", headers=auth(tok), params={"search": "{company}"}).json()
    assert template["total"] == 0  # project templates are not bank questions
    s = practise(c, tok, question_id="tech-py-001").json()
    other = new_account(c)["access"]
    assert_error(c.get(f"/api/v1/interview/{s['id']}", headers=auth(other)), 404, "NOT_FOUND")
    assert_error(answer(c, other, s["id"], s["questions"][0]["id"]), 404, "NOT_FOUND")
    assert practise(c, tok, question_id=str(uuid.uuid4())).status_code == 404


def test_a_dictated_answer_gets_words_per_minute_and_fillers(srv, user):
    c, tok = srv.client, user["access"]
    s = practise(c, tok, question_id="tech-py-001").json()
    sid, qid = s["id"], s["questions"][0]["id"]
    url = f"/api/v1/interview/{sid}/{qid}/answer"
    text = ("Um, so Python counts references, uh, and a cycle collector, you know, finds cycles. "
            "A generator is, like, lazy: it yields one item at a time and keeps memory flat.")
    words = len(text.replace(",", " ").replace(":", " ").replace(".", " ").split())
    for body in [{"answer_text": text, "voice_seconds": 0},
                 {"answer_text": text, "voice_seconds": 3601},
                 {"answer_text": text, "voice_seconds": "fast"},
                 {"answer_text": text, "input_mode": "voice"}]:
        r = c.post(url, headers=auth(tok), json=body)
        assert r.status_code == 422, (body, r.text)
        field = "input_mode" if "input_mode" in body else "voice_seconds"
        assert any(e["loc"][:2] == ["body", field] for e in r.json()["detail"]), r.json()
    r = c.post(url, headers=auth(tok), json={"answer_text": text, "voice_seconds": 15})
    assert r.status_code == 200, r.text
    v = r.json()["voice_stats"]
    assert v["seconds"] == 15 and v["filler_count"] >= 4
    assert abs(v["words_per_minute"] - words * 4) <= 8, (v, words)
    q = get_session(c, tok, sid)["questions"][0]
    assert q["input_mode"] == "voice" and q["voice_stats"] == v
    summary = c.get(f"/api/v1/interview/{sid}/summary", headers=auth(tok)).json()
    assert summary["questions"][0]["voice_stats"] == v
    # a typed answer afterwards clears the figures
    assert answer(c, tok, sid, qid).status_code == 200
    q = get_session(c, tok, sid)["questions"][0]
    assert q["input_mode"] == "text" and q["voice_stats"] is None
