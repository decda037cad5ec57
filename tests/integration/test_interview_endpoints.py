"""Interviews and the dashboard (docs/api.md §4, §6; issue 7): the whole flow start → next → answer
each question → per-answer feedback → complete → summary → history → dashboard, with the
offline engine and with a fake LLM provider; a general interview without a resume; every 4xx
of the contract, each leaving nothing changed; concurrent answers to one question; the owner
check of every endpoint; recent questions avoided by the next session; an administrator's
retry of a failed generation; and a provider that hangs delaying no other request."""

import concurrent.futures
import json
import uuid

import httpx
import pytest

from helpers import assert_error, assert_validation_error, wait_for
from test_auth import auth, new_account
from test_resume_endpoints import LIMITS_OFF, fixture_text, upload, wait_task
from test_user_cli import admin_session

QUESTION_FIELDS = {"id", "session_id", "question_text", "category", "difficulty", "order_index",
                   "answer_text", "time_taken_seconds", "evaluation_status", "evaluation_score",
                   "feedback_comment", "strengths", "improvements", "model_answer",
                   "evaluation_engine", "created_at", "updated_at", "attempt_number", "attempts",
                   "draft_text", "draft_saved_at", "parent_id", "input_mode", "voice_stats"}
SESSION_FIELDS = {"id", "user_id", "resume_id", "status", "difficulty", "question_count",
                  "focus_areas", "target_role", "job_description", "started_at", "completed_at",
                  "final_score", "feedback_summary", "score_breakdown", "strengths", "weaknesses",
                  "answered_count", "task_id", "error", "questions", "title", "cancelled_at",
                  "follow_ups", "time_limit_minutes", "kind"}
NEXT_FIELDS = {"question_id", "question_text", "category", "difficulty", "order_index", "number",
               "total", "parent_id"}
SUMMARY_FIELDS = {"session_id", "status", "user_full_name", "resume_id", "started_at",
                  "completed_at", "final_score", "feedback_summary", "score_breakdown",
                  "strengths", "weaknesses", "strengths_weaknesses", "questions", "title"}
CATEGORIES = {"technical", "behavioral", "project", "system_design", "coding", "general"}
NOT_AVAILABLE = "Not available. Complete the interview to get feedback."

ANSWER = ("In my last role I owned the payments API. The situation was a 40% rise in latency "
          "after a traffic spike; my task was to bring p99 back under 200 ms. I profiled the "
          "service, added a Redis cache in front of the slowest PostgreSQL queries, added an "
          "index and batched writes. As a result p99 dropped from 900 ms to 180 ms and error "
          "rates fell by 60%, and I wrote a runbook so the team could repeat it.")
POOR = "I don't know."


@pytest.fixture(scope="module")
def srv(module_server):
    """One server for the module, offline engine, limits off (they have their own tests)."""
    return module_server(**LIMITS_OFF)


@pytest.fixture
def user(srv):
    return new_account(srv.client)


def start(client, token, **body):
    """Starts a session; without follow-up questions unless asked (the flows here are about
    the planned questions; follow-ups have their own tests in test_interview_practice.py)."""
    body.setdefault("follow_ups", False)
    return client.post("/api/v1/interview/start", headers=auth(token), json=body)


def started(client, token, **body):
    """Starts a session and waits for its questions: the Session, in_progress."""
    r = start(client, token, **body)
    assert r.status_code == 202, r.text
    s = r.json()
    task = wait_task(client, token, s["task_id"])
    assert task["status"] == "SUCCESS", task
    assert task["type"] == "interview.generate"
    assert task["result"] == {"session_id": s["id"], "status": "in_progress",
                              "question_count": s["question_count"]}, task
    r = client.get(f"/api/v1/interview/{s['id']}", headers=auth(token))
    assert r.status_code == 200, r.text
    return r.json()


def answer(client, token, sid, qid, text=ANSWER, seconds=42):
    body = {"answer_text": text}
    if seconds is not None:
        body["time_taken_seconds"] = seconds
    return client.post(f"/api/v1/interview/{sid}/{qid}/answer", headers=auth(token), json=body)


def answer_all(client, token, session, text=ANSWER):
    """Answers every question in order through /next; returns the evaluation task ids."""
    tasks = []
    for i, q in enumerate(session["questions"]):
        r = client.get(f"/api/v1/interview/{session['id']}/next", headers=auth(token))
        assert r.status_code == 200, r.text
        nxt = r.json()
        assert set(nxt) == NEXT_FIELDS
        assert nxt["question_id"] == q["id"] and nxt["number"] == i + 1
        assert nxt["total"] == len(session["questions"])
        r = answer(client, token, session["id"], q["id"], text)
        assert r.status_code == 200, r.text
        body = r.json()
        tasks.append(body["evaluation_task_id"])
        if i + 1 < len(session["questions"]):
            assert body["next_question"]["question_id"] == session["questions"][i + 1]["id"]
        else:
            assert body["next_question"] is None
    return tasks


def completed(client, token, session):
    r = client.post(f"/api/v1/interview/{session['id']}/complete", headers=auth(token))
    assert r.status_code == 202, r.text
    body = r.json()
    assert body["session_id"] == session["id"]
    task = wait_task(client, token, body["task_id"])
    assert task["status"] == "SUCCESS", task
    return task


def get_session(client, token, sid):
    r = client.get(f"/api/v1/interview/{sid}", headers=auth(token))
    assert r.status_code == 200, r.text
    return r.json()


def analysed_resume(client, token):
    r = upload(client, token, "resume.txt", fixture_text())
    assert r.status_code == 202, r.text
    assert wait_task(client, token, r.json()["task_id"])["status"] == "SUCCESS"
    return r.json()["id"]


def mean(values):
    return sum(values) / len(values)


def assert_full_flow(srv, user, resume_id=None, engine="offline"):
    """The journey of issue 7 on one server, every answer graded by engine: returns the
    completed session."""
    c, tok = srv.client, user["access"]
    body = {"question_count": 5, "difficulty": "mixed", "target_role": "Backend Engineer",
            "focus_areas": ["python", "system design"],
            "job_description": "We need a backend engineer with Python, PostgreSQL and AWS."}
    if resume_id:
        body["resume_id"] = resume_id
    r = start(c, tok, **body)
    assert r.status_code == 202, r.text
    s = r.json()
    assert set(s) == SESSION_FIELDS | {"notices"}
    assert s["notices"] == []
    assert s["status"] == "preparing" and s["questions"] == [] and s["task_id"]
    assert s["resume_id"] == resume_id and s["question_count"] == 5
    assert s["focus_areas"] == ["python", "system design"]
    assert s["final_score"] is None and s["completed_at"] is None and s["answered_count"] == 0
    task = wait_task(c, tok, s["task_id"])
    assert task["status"] == "SUCCESS", task
    session = get_session(c, tok, s["id"])
    assert session["status"] == "in_progress" and session["error"] is None
    qs = session["questions"]
    assert [q["order_index"] for q in qs] == list(range(5))
    for q in qs:
        assert set(q) == QUESTION_FIELDS
        assert q["category"] in CATEGORIES and q["question_text"]
        assert q["evaluation_status"] == "not_answered" and q["answer_text"] is None
        assert q["model_answer"] is None and q["evaluation_score"] is None
        assert q["evaluation_engine"] is None
    # mixed: floor(0.3n) easy, floor(0.3n) hard, the rest medium
    diffs = [q["difficulty"] for q in qs]
    assert (diffs.count("easy"), diffs.count("hard"), diffs.count("medium")) == (1, 1, 3), diffs

    tasks = answer_all(c, tok, session)
    assert c.get(f"/api/v1/interview/{s['id']}/next", headers=auth(tok)).status_code == 204
    for t in tasks:
        done = wait_task(c, tok, t)
        assert done["status"] == "SUCCESS" and done["type"] == "interview.evaluate_answer", done
        assert done["result"]["session_id"] == s["id"]
        assert 0 <= done["result"]["evaluation_score"] <= 100
    session = get_session(c, tok, s["id"])
    assert session["answered_count"] == 5
    for q in session["questions"]:
        assert q["answer_text"] == ANSWER and q["time_taken_seconds"] == 42
        assert q["evaluation_status"] == "evaluated", q
        assert 0 <= q["evaluation_score"] <= 100
        assert q["feedback_comment"] and q["model_answer"]
        assert q["evaluation_engine"] == engine, q
        assert isinstance(q["strengths"], list) and isinstance(q["improvements"], list)
        assert q["strengths"] or q["improvements"]

    r = c.get(f"/api/v1/interview/{s['id']}/summary", headers=auth(tok))
    assert r.status_code == 200
    assert r.json()["strengths_weaknesses"] == NOT_AVAILABLE and r.json()["final_score"] is None

    task = completed(c, tok, session)
    assert task["type"] == "interview.complete"
    session = get_session(c, tok, s["id"])
    assert session["status"] == "completed" and session["completed_at"]
    scores = [q["evaluation_score"] for q in session["questions"]]
    assert session["final_score"] == pytest.approx(mean(scores), abs=0.051)
    assert task["result"] == {"session_id": s["id"], "final_score": session["final_score"]}
    breakdown = session["score_breakdown"]
    assert breakdown["overall"] == session["final_score"]
    for cat in {q["category"] for q in session["questions"]}:
        mine = [q["evaluation_score"] for q in session["questions"] if q["category"] == cat]
        assert breakdown[cat] == pytest.approx(mean(mine), abs=0.051), (cat, breakdown)
    assert 0 <= breakdown["communication"] <= 100
    assert set(breakdown) - CATEGORIES == {"communication", "overall"}
    assert session["feedback_summary"]
    assert 1 <= len(session["strengths"]) <= 5 and 1 <= len(session["weaknesses"]) <= 5

    r1 = c.get(f"/api/v1/interview/{s['id']}/summary", headers=auth(tok))
    r2 = c.get(f"/api/v1/interview/{s['id']}/summary", headers=auth(tok))
    assert r1.status_code == 200 and r1.json() == r2.json()
    summary = r1.json()
    assert set(summary) == SUMMARY_FIELDS
    assert summary["final_score"] == session["final_score"]
    assert summary["score_breakdown"] == breakdown
    assert summary["strengths_weaknesses"] == (
        "Strengths:\n" + "\n".join(f"- {x}" for x in session["strengths"]) +
        "\n\nWeaknesses:\n" + "\n".join(f"- {x}" for x in session["weaknesses"]))
    assert [q["question_id"] for q in summary["questions"]] == [q["id"] for q in session["questions"]]
    for sq, q in zip(summary["questions"], session["questions"]):
        assert sq["question"] == q["question_text"] and sq["answer"] == ANSWER
        assert sq["evaluation_score"] == q["evaluation_score"]
        assert sq["model_answer"] == q["model_answer"] and sq["time_taken_seconds"] == 42
        assert sq["evaluation_engine"] == engine
    me = c.get("/api/v1/auth/me", headers=auth(tok)).json()
    assert summary["user_full_name"] == me["full_name"]

    # Once completed: no more answers or completes.
    q0 = session["questions"][0]["id"]
    assert_error(answer(c, tok, s["id"], q0), 409, "ALREADY_COMPLETED")
    assert_error(c.post(f"/api/v1/interview/{s['id']}/complete", headers=auth(tok)), 409,
                 "ALREADY_COMPLETED")

    history = c.get("/api/v1/interview/history", headers=auth(tok)).json()
    assert history["items"][0]["id"] == s["id"] and history["items"][0]["questions"] == []
    assert history["items"][0]["status"] == "completed"

    dash = c.get("/api/v1/dashboard/stats", headers=auth(tok))
    assert dash.status_code == 200, dash.text
    dash = dash.json()
    assert dash["interviews"]["completed"] >= 1
    assert any(t["session_id"] == s["id"] and t["final_score"] == session["final_score"]
               for t in dash["score_trend"])
    assert dash["recent_sessions"][0]["session_id"] == s["id"]
    assert sum(v["count"] for v in dash["category_breakdown"].values()) >= 5
    return session


# ---- the flow ---------------------------------------------------------------------------------

def test_full_flow_with_a_resume_offline(srv, user):
    resume_id = analysed_resume(srv.client, user["access"])
    session = assert_full_flow(srv, user, resume_id)
    engines = srv.sql("SELECT DISTINCT evaluation_engine FROM interview_questions "
                      f"WHERE session_id = '{session['id']}'")
    assert engines == [("offline",)], engines
    dash = srv.client.get("/api/v1/dashboard/stats", headers=auth(user["access"])).json()
    assert dash["interviews"] == {"total": 1, "completed": 1,
                                  "avg_score": session["final_score"],
                                  "best_score": session["final_score"]}
    assert dash["resumes"] == {"total": 1}
    weakest = dash["weakest_categories"]
    assert 1 <= len(weakest) <= 3
    assert [w["avg_score"] for w in weakest] == sorted(w["avg_score"] for w in weakest)
    assert weakest[0]["avg_score"] == min(v["avg_score"] for v in dash["category_breakdown"].values())

    # Deleting the resume keeps the interview, with resume_id null.
    r = srv.client.delete(f"/api/v1/resume/{resume_id}", headers=auth(user["access"]))
    assert r.status_code == 204
    assert get_session(srv.client, user["access"], session["id"])["resume_id"] is None


def test_general_interview_without_a_resume_takes_the_defaults(srv, user):
    c, tok = srv.client, user["access"]
    r = c.post("/api/v1/interview/start", headers=auth(tok))  # no body at all
    assert r.status_code == 202, r.text
    assert r.json()["question_count"] == 12 and r.json()["difficulty"] == "mixed"
    s = started(c, tok)
    assert s["resume_id"] is None and s["focus_areas"] is None and s["target_role"] is None
    diffs = [q["difficulty"] for q in s["questions"]]
    assert (diffs.count("easy"), diffs.count("hard"), diffs.count("medium")) == (3, 3, 6)
    s = started(c, tok, difficulty="hard", question_count=5)
    assert {q["difficulty"] for q in s["questions"]} == {"hard"} and len(s["questions"]) == 5


def provider_questions(difficulties, category="technical"):
    """A provider's answer to a generation request: distinct questions with rubrics."""
    return {"questions": [{
        "question_text": f"Provider question {i + 1}: how would you design a {topic} service?",
        "category": category, "difficulty": d,
        "key_points": [{"point": "Caching", "terms": ["cache", "redis"]},
                       {"point": "Measurement", "terms": ["latency", "p99"]}],
        "model_answer": "I would measure latency first, then add a Redis cache.",
        "skills": ["Redis"]} for i, (d, topic) in enumerate(
            zip(difficulties, ["payments", "search", "billing", "chat", "feed", "auth"]))]}


def test_full_flow_with_a_provider(make_server, fake_llm):
    gemini = fake_llm()
    # assert_full_flow's focus areas choose system design, so the provider keeps to it
    gemini.script({"json": provider_questions(["easy", "medium", "medium", "medium", "hard"],
                                              "system_design")})
    srv = make_server(GEMINI_API_KEY="test-gemini-key-0123456789", GEMINI_BASE_URL=gemini.url,
                      GEMINI_MODEL="gemini-test", LLM_PRIMARY_PROVIDER="gemini",
                      LLM_TIMEOUT="5s", **LIMITS_OFF)
    user = new_account(srv.client)
    session = assert_full_flow(srv, user, engine="gemini")
    paths = [r["path"] for r in gemini.requests()]
    assert paths and all(":generateContent" in p for p in paths)
    # generation, one evaluation per answer and the summary went to the provider
    assert len(paths) >= 1 + 5 + 1, len(paths)
    engines = srv.sql("SELECT DISTINCT evaluation_engine FROM interview_questions "
                      f"WHERE session_id = '{session['id']}'")
    assert [tuple(e) for e in engines] == [("gemini",)], engines
    # the provider's questions are the ones served
    assert all(q["question_text"].startswith("Provider question") for q in session["questions"])


# ---- validation and state errors --------------------------------------------------------------

@pytest.mark.parametrize("body,loc", [
    ({"question_count": 4}, ["body", "question_count"]),
    ({"question_count": 31}, ["body", "question_count"]),
    ({"question_count": "12"}, ["body", "question_count"]),
    ({"difficulty": "expert"}, ["body", "difficulty"]),
    ({"focus_areas": [f"area {i}" for i in range(11)]}, ["body", "focus_areas"]),
    ({"focus_areas": ["x" * 51]}, ["body", "focus_areas"]),
    ({"focus_areas": [""]}, ["body", "focus_areas"]),
    ({"job_description": "x" * 10001}, ["body", "job_description"]),
    ({"target_role": "x" * 101}, ["body", "target_role"]),
    ({"resume_id": 7}, ["body", "resume_id"]),
    ({"unknown": 1}, ["body", "unknown"]),
])
def test_start_rejects_bad_bodies_and_creates_nothing(srv, user, body, loc):
    c, tok = srv.client, user["access"]
    r = start(c, tok, **body)
    assert r.status_code == 422, r.text
    assert r.json()["code"] == "VALIDATION_ERROR"
    assert any(e["loc"][:2] == loc for e in r.json()["detail"]), r.json()
    assert c.get("/api/v1/interview/history", headers=auth(tok)).json()["total"] == 0


def test_start_with_a_resume_that_is_not_yours_or_not_ready(srv, user):
    c, tok = srv.client, user["access"]
    other = new_account(c)
    theirs = analysed_resume(c, other["access"])
    assert_error(start(c, tok, resume_id=theirs), 404, "NOT_FOUND")
    assert_error(start(c, tok, resume_id=str(uuid.uuid4())), 404, "NOT_FOUND")
    # A malformed id in a body is a validation error; 404 stays for ids in paths.
    assert_validation_error(start(c, tok, resume_id="not-a-uuid"), ["body", "resume_id"], "uuid_parsing")
    mine = analysed_resume(c, tok)
    for status in ("pending", "processing", "error"):
        srv.sql(f"UPDATE resumes SET status = '{status}' WHERE id = '{mine}'")
        assert_error(start(c, tok, resume_id=mine), 409, "RESUME_NOT_READY")
    assert c.get("/api/v1/interview/history", headers=auth(tok)).json()["total"] == 0


def test_answer_validation_and_ownership_of_questions(srv, user):
    c, tok = srv.client, user["access"]
    s = started(c, tok, question_count=5)
    other = started(c, tok, question_count=5)
    q = s["questions"][0]["id"]
    for body, field in [({"answer_text": ""}, "answer_text"), ({}, "answer_text"),
                        ({"answer_text": "x" * 5001}, "answer_text"),
                        ({"answer_text": "ok", "time_taken_seconds": 3601}, "time_taken_seconds"),
                        ({"answer_text": "ok", "time_taken_seconds": -1}, "time_taken_seconds")]:
        r = c.post(f"/api/v1/interview/{s['id']}/{q}/answer", headers=auth(tok), json=body)
        assert r.status_code == 422, (body, r.text)
        assert any(e["loc"][:2] == ["body", field] for e in r.json()["detail"]), r.json()
    # a question of another session, or none
    assert_error(answer(c, tok, s["id"], other["questions"][0]["id"]), 404, "NOT_FOUND")
    assert_error(answer(c, tok, s["id"], str(uuid.uuid4())), 404, "NOT_FOUND")
    assert_error(answer(c, tok, s["id"], "nope"), 404, "NOT_FOUND")
    fresh = get_session(c, tok, s["id"])
    assert fresh["answered_count"] == 0
    assert all(x["evaluation_status"] == "not_answered" for x in fresh["questions"])
    # 5000 characters (multi-byte) and no time are accepted
    r = answer(c, tok, s["id"], q, "é" * 5000, seconds=None)
    assert r.status_code == 200, r.text
    assert get_session(c, tok, s["id"])["questions"][0]["time_taken_seconds"] is None


def test_preparing_and_failed_sessions_refuse_next_answer_and_complete(srv, user):
    c, tok = srv.client, user["access"]
    s = started(c, tok, question_count=5)
    sid, q = s["id"], s["questions"][0]["id"]
    for status, code in (("preparing", "SESSION_NOT_READY"), ("failed", "SESSION_FAILED")):
        srv.sql(f"UPDATE interview_sessions SET status = '{status}' WHERE id = '{sid}'")
        assert_error(c.get(f"/api/v1/interview/{sid}/next", headers=auth(tok)), 409, code)
        assert_error(answer(c, tok, sid, q), 409, code)
        assert_error(c.post(f"/api/v1/interview/{sid}/complete", headers=auth(tok)), 409, code)
        r = c.get(f"/api/v1/interview/{sid}/summary", headers=auth(tok))
        assert r.status_code == 200 and r.json()["strengths_weaknesses"] == NOT_AVAILABLE
    srv.sql(f"UPDATE interview_sessions SET status = 'in_progress' WHERE id = '{sid}'")
    assert get_session(c, tok, sid)["answered_count"] == 0


def test_complete_with_unanswered_questions_says_how_many(srv, user):
    c, tok = srv.client, user["access"]
    s = started(c, tok, question_count=5)
    for q in s["questions"][:2]:
        assert answer(c, tok, s["id"], q["id"]).status_code == 200
    r = c.post(f"/api/v1/interview/{s['id']}/complete", headers=auth(tok))
    assert_error(r, 400, "UNANSWERED_QUESTIONS", "3 of 5 questions are unanswered")
    after = get_session(c, tok, s["id"])
    assert after["status"] == "in_progress" and after["final_score"] is None
    assert after["task_id"] == s["task_id"]


def test_completion_accepted_closes_answers_until_it_fails(srv, user):
    """Between an accepted complete and its end the session is still in_progress but takes no
    answer or complete; a failed completion reopens it (the task's failure effect)."""
    c, tok = srv.client, user["access"]
    s = started(c, tok, question_count=5)
    for q in s["questions"]:
        assert answer(c, tok, s["id"], q["id"]).status_code == 200
    # Accepted but not yet run: simulate by recording the request without a job.
    srv.sql("UPDATE interview_sessions SET completion_requested_at = 1 "
            f"WHERE id = '{s['id']}'")
    assert_error(answer(c, tok, s["id"], s["questions"][0]["id"]), 409, "ALREADY_COMPLETED")
    assert_error(c.post(f"/api/v1/interview/{s['id']}/complete", headers=auth(tok)), 409,
                 "ALREADY_COMPLETED")
    srv.sql("UPDATE interview_sessions SET completion_requested_at = NULL "
            f"WHERE id = '{s['id']}'")
    completed(c, tok, get_session(c, tok, s["id"]))


def block_completion(srv, engine):
    """A database fault for the test: storing a completed session fails until unblocked."""
    if engine == "postgres":
        srv.sql("CREATE OR REPLACE FUNCTION test_block_complete() RETURNS trigger AS $$ BEGIN "
                "IF NEW.status = 'completed' THEN RAISE EXCEPTION 'blocked by the test'; END IF; "
                "RETURN NEW; END $$ LANGUAGE plpgsql")
        srv.sql("CREATE TRIGGER test_block_complete BEFORE UPDATE ON interview_sessions "
                "FOR EACH ROW EXECUTE FUNCTION test_block_complete()")
    else:
        srv.sql("CREATE TRIGGER test_block_complete BEFORE UPDATE ON interview_sessions "
                "WHEN NEW.status = 'completed' BEGIN SELECT RAISE(ABORT, 'blocked by the test'); "
                "END")


def unblock_completion(srv, engine):
    srv.sql("DROP TRIGGER test_block_complete" + (" ON interview_sessions"
                                                  if engine == "postgres" else ""))


def test_a_failed_completion_reopens_the_session(make_server, engine):
    srv = make_server(**LIMITS_OFF)
    c = srv.client
    tok = new_account(c)["access"]
    s = started(c, tok, question_count=5)
    for q in s["questions"]:
        assert answer(c, tok, s["id"], q["id"]).status_code == 200
    block_completion(srv, engine)
    r = c.post(f"/api/v1/interview/{s['id']}/complete", headers=auth(tok))
    assert r.status_code == 202
    task = wait_task(c, tok, r.json()["task_id"])
    assert task["status"] == "FAILURE" and task["error"], task
    reopened = get_session(c, tok, s["id"])
    assert reopened["status"] == "in_progress" and reopened["final_score"] is None
    # reopened: answers are taken again, and a new complete succeeds
    r = answer(c, tok, s["id"], s["questions"][0]["id"], POOR)
    assert r.status_code == 200, r.text
    unblock_completion(srv, engine)
    completed(c, tok, reopened)
    done = get_session(c, tok, s["id"])
    assert done["status"] == "completed" and done["questions"][0]["answer_text"] == POOR
    assert done["questions"][0]["evaluation_status"] == "evaluated"


def test_reanswering_replaces_the_answer_and_evaluates_again(srv, user):
    c, tok = srv.client, user["access"]
    s = started(c, tok, question_count=5)
    sid, q = s["id"], s["questions"][0]["id"]
    r = answer(c, tok, sid, q, POOR)
    assert wait_task(c, tok, r.json()["evaluation_task_id"])["status"] == "SUCCESS"
    first = get_session(c, tok, sid)["questions"][0]
    assert first["answer_text"] == POOR and first["evaluation_status"] == "evaluated"
    better = first["model_answer"]
    assert better
    r = answer(c, tok, sid, q, better, seconds=120)
    assert r.status_code == 200
    # the next question is still the first unanswered one
    assert r.json()["next_question"]["question_id"] == s["questions"][1]["id"]
    pending = get_session(c, tok, sid)["questions"][0]
    assert pending["answer_text"] == better and pending["time_taken_seconds"] == 120
    assert pending["evaluation_status"] in ("pending", "evaluated")
    assert wait_task(c, tok, r.json()["evaluation_task_id"])["status"] == "SUCCESS"
    second = get_session(c, tok, sid)["questions"][0]
    assert second["evaluation_status"] == "evaluated"
    assert second["evaluation_score"] > first["evaluation_score"], (first, second)
    assert get_session(c, tok, sid)["answered_count"] == 1


def test_concurrent_answers_leave_one_consistent_answer_and_evaluation(srv, user):
    c, tok = srv.client, user["access"]
    s = started(c, tok, question_count=5)
    sid, q = s["id"], s["questions"][0]["id"]
    texts = [f"{ANSWER} Variant {i}:" + " detail" * i for i in range(8)]

    def send(text):
        with httpx.Client(base_url=srv.url, timeout=30) as cl:
            return answer(cl, tok, sid, q, text)

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        responses = list(pool.map(send, texts))
    assert all(r.status_code == 200 for r in responses), [r.text for r in responses]
    task_ids = [r.json()["evaluation_task_id"] for r in responses]
    results = [wait_task(c, tok, t) for t in task_ids]
    assert all(t["status"] == "SUCCESS" for t in results), results
    final = get_session(c, tok, sid)["questions"][0]
    assert final["answer_text"] in texts and final["evaluation_status"] == "evaluated"
    (revision,) = srv.sql(f"SELECT answer_revision FROM interview_questions WHERE id = '{q}'")[0]
    assert int(revision) == len(texts)
    # The task of the stored revision is the one whose score is stored; the others stored nothing.
    rows = srv.sql(f"SELECT id, payload FROM jobs WHERE kind = 'interview.evaluate_answer' "
                   f"AND id IN ({','.join(repr(t) for t in task_ids)})")
    by_revision = {json.loads(p)["revision"]: i for i, p in rows}
    winner = next(t for t in results if t["task_id"] == by_revision[int(revision)])
    assert winner["result"].get("superseded") is not True, winner
    assert winner["result"]["evaluation_score"] == final["evaluation_score"]
    assert len(set(by_revision)) == len(texts)


def test_every_endpoint_is_404_for_another_users_session(srv, user):
    c, tok = srv.client, user["access"]
    s = started(c, tok, question_count=5)
    other = new_account(c)["access"]
    sid, q = s["id"], s["questions"][0]["id"]
    for method, path, body in [
        ("GET", f"/api/v1/interview/{sid}", None),
        ("GET", f"/api/v1/interview/{sid}/next", None),
        ("POST", f"/api/v1/interview/{sid}/{q}/answer", {"answer_text": "mine now"}),
        ("POST", f"/api/v1/interview/{sid}/complete", None),
        ("GET", f"/api/v1/interview/{sid}/summary", None),
    ]:
        r = c.request(method, path, headers=auth(other), json=body)
        assert_error(r, 404, "NOT_FOUND")
    for path in (f"/api/v1/interview/{uuid.uuid4()}", "/api/v1/interview/not-a-uuid/summary"):
        assert c.get(path, headers=auth(tok)).status_code == 404
    assert c.get("/api/v1/interview/history", headers=auth(other)).json()["total"] == 0
    assert get_session(c, tok, sid)["questions"][0]["answer_text"] is None
    assert c.get(f"/api/v1/interview/{sid}").status_code == 401


def test_history_pages_newest_first_with_a_status_filter(srv, user):
    c, tok = srv.client, user["access"]
    ids = [started(c, tok, question_count=5)["id"] for _ in range(3)]
    r = c.get("/api/v1/interview/history?limit=2", headers=auth(tok)).json()
    assert r["total"] == 3 and r["has_more"] is True and r["limit"] == 2
    assert [s["id"] for s in r["items"]] == ids[::-1][:2]
    r = c.get("/api/v1/interview/history?skip=2&limit=2", headers=auth(tok)).json()
    assert [s["id"] for s in r["items"]] == [ids[0]] and r["has_more"] is False
    assert c.get("/api/v1/interview/history?status=completed", headers=auth(tok)).json()["total"] == 0
    assert c.get("/api/v1/interview/history?status=in_progress",
                 headers=auth(tok)).json()["total"] == 3
    assert_validation_error(c.get("/api/v1/interview/history?status=done", headers=auth(tok)),
                            ["query", "status"], "enum")
    assert c.get("/api/v1/interview/history?limit=101", headers=auth(tok)).status_code == 422


def test_consecutive_sessions_avoid_recent_questions(srv, user):
    c, tok = srv.client, user["access"]
    first = started(c, tok, question_count=8, target_role="Backend Engineer")
    second = started(c, tok, question_count=8, target_role="Backend Engineer")
    a = {q["question_text"] for q in first["questions"]}
    b = {q["question_text"] for q in second["questions"]}
    assert len(a) == 8 and len(b) == 8
    assert not a & b, a & b


def test_dashboard_of_a_new_user_is_empty(srv, user):
    r = srv.client.get("/api/v1/dashboard/stats", headers=auth(user["access"]))
    assert r.status_code == 200
    assert r.json() == {"interviews": {"total": 0, "completed": 0, "avg_score": None,
                                       "best_score": None},
                        "resumes": {"total": 0}, "recent_sessions": [], "category_breakdown": {},
                        "score_trend": [], "weakest_categories": []}
    assert srv.client.get("/api/v1/dashboard/stats").status_code == 401


def test_dashboard_trend_and_averages_over_several_sessions(srv, user):
    c, tok = srv.client, user["access"]
    finals = []
    for text in (POOR, ANSWER):
        s = started(c, tok, question_count=5)
        for t in answer_all(c, tok, s, text):
            wait_task(c, tok, t)
        completed(c, tok, s)
        finals.append((s["id"], get_session(c, tok, s["id"])["final_score"]))
    started(c, tok, question_count=5)  # in progress: counted, not scored
    d = c.get("/api/v1/dashboard/stats", headers=auth(tok)).json()
    assert d["interviews"]["total"] == 3 and d["interviews"]["completed"] == 2
    assert d["interviews"]["avg_score"] == pytest.approx(mean([f for _, f in finals]), abs=0.051)
    assert d["interviews"]["best_score"] == max(f for _, f in finals)
    assert [(t["session_id"], t["final_score"]) for t in d["score_trend"]] == finals
    assert len(d["recent_sessions"]) == 3 and d["recent_sessions"][0]["status"] == "in_progress"
    assert sum(v["count"] for v in d["category_breakdown"].values()) == 10


def test_export_includes_interviews_with_questions(srv, user):
    c, tok = srv.client, user["access"]
    s = started(c, tok, question_count=5)
    answer(c, tok, s["id"], s["questions"][0]["id"])
    r = c.get("/api/v1/auth/me/export", headers=auth(tok))
    assert r.status_code == 200
    (exported,) = r.json()["interviews"]
    assert exported["id"] == s["id"] and len(exported["questions"]) == 5
    assert exported["questions"][0]["answer_text"] == ANSWER


def test_admin_retry_of_a_failed_generation_prepares_the_session_again(srv, user):
    c, tok = srv.client, user["access"]
    s = started(c, tok, question_count=5)
    # A generation that ended in FAILURE: the session failed, its questions never stored.
    srv.sql(f"DELETE FROM interview_questions WHERE session_id = '{s['id']}'")
    srv.sql("UPDATE interview_sessions SET status = 'failed', error = 'provider down' "
            f"WHERE id = '{s['id']}'")
    srv.sql(f"UPDATE jobs SET status = 'FAILURE', last_error = 'provider down' "
            f"WHERE id = '{s['task_id']}'")
    failed = get_session(c, tok, s["id"])
    assert failed["status"] == "failed" and failed["error"] == "provider down"
    admin = admin_session(srv)
    r = c.post(f"/api/v1/admin/tasks/{s['task_id']}/retry", headers=auth(admin["access"]))
    assert r.status_code == 202, r.text
    assert get_session(c, tok, s["id"])["status"] in ("preparing", "in_progress")
    assert wait_task(c, tok, s["task_id"])["status"] == "SUCCESS"
    again = get_session(c, tok, s["id"])
    assert again["status"] == "in_progress" and again["error"] is None
    assert len(again["questions"]) == 5


def test_provider_questions_off_the_difficulty_plan_are_not_served(make_server, fake_llm):
    """A provider that ignores the requested mix is invalid output: retried once, then the
    offline engine prepares the session with the contract's split."""
    gemini = fake_llm()
    wrong = provider_questions(["easy"] * 5)
    gemini.script({"json": wrong}, {"json": wrong})
    srv = make_server(GEMINI_API_KEY="test-gemini-key-0123456789", GEMINI_BASE_URL=gemini.url,
                      GEMINI_MODEL="gemini-test", LLM_PRIMARY_PROVIDER="gemini", **LIMITS_OFF)
    tok = new_account(srv.client)["access"]
    s = started(srv.client, tok, question_count=5, difficulty="mixed")
    diffs = [q["difficulty"] for q in s["questions"]]
    assert (diffs.count("easy"), diffs.count("hard"), diffs.count("medium")) == (1, 1, 3)
    assert not any(q["question_text"].startswith("Provider question") for q in s["questions"])
    assert len(gemini.requests()) == 2


def test_a_hanging_provider_delays_no_other_request(make_server, fake_llm):
    gemini = fake_llm()
    gemini.set_default({"hang": True, "hang_s": 20})
    srv = make_server(GEMINI_API_KEY="test-gemini-key-0123456789", GEMINI_BASE_URL=gemini.url,
                      GEMINI_MODEL="gemini-test", LLM_PRIMARY_PROVIDER="gemini",
                      LLM_TIMEOUT="3s", LLM_MAX_RETRIES="0", **LIMITS_OFF)
    c = srv.client
    user = new_account(c)
    tok = user["access"]
    r = start(c, tok, question_count=5)
    assert r.status_code == 202
    sid = r.json()["id"]
    wait_for(lambda: gemini.requests(), timeout=10, what="the provider call")
    # While the generation waits on the provider, every other request is answered at once
    # (a client timeout well below the provider's hang).
    with httpx.Client(base_url=srv.url, timeout=2.0) as quick:
        for _ in range(5):
            assert quick.get("/health").status_code == 200
            assert quick.get("/api/v1/interview/history", headers=auth(tok)).status_code == 200
            assert quick.get(f"/api/v1/interview/{sid}", headers=auth(tok)).json()["status"] \
                == "preparing"
            assert_error(quick.get(f"/api/v1/interview/{sid}/next", headers=auth(tok)), 409,
                         "SESSION_NOT_READY")
    # The chain gives up on the provider and the offline engine prepares the session.
    task = wait_task(c, tok, r.json()["task_id"])
    assert task["status"] == "SUCCESS", task
    s = get_session(c, tok, sid)
    assert s["status"] == "in_progress" and len(s["questions"]) == 5
