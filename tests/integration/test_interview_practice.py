"""Practice features of interviews (docs/api.md §4.5; issue 19): sessions the user controls —
cancel (kept in the history as cancelled, left out of the dashboard's figures, twice is 409),
delete (gone with its answers and tasks, also while a task runs, leaving no orphan) — and one
name per session, with the target role taken from the resume when none is given."""

import time
import uuid

import pytest

from helpers import assert_error, wait_for
from test_auth import auth, login, new_account
from test_interview_endpoints import (ANSWER, analysed_resume, answer, completed, get_session,
                                      start, started)
from test_resume_endpoints import LIMITS_OFF, wait_task


@pytest.fixture(scope="module")
def srv(module_server):
    return module_server(**LIMITS_OFF)


@pytest.fixture
def user(srv):
    return new_account(srv.client)


def cancel(client, token, sid):
    return client.post(f"/api/v1/interview/{sid}/cancel", headers=auth(token))


def delete(client, token, sid):
    return client.delete(f"/api/v1/interview/{sid}", headers=auth(token))


def finished(client, token, session):
    """Answers every question of a started session and completes it: the completed Session."""
    for q in session["questions"]:
        assert answer(client, token, session["id"], q["id"]).status_code == 200
    completed(client, token, session)
    return get_session(client, token, session["id"])


def stats(client, token):
    r = client.get("/api/v1/dashboard/stats", headers=auth(token))
    assert r.status_code == 200, r.text
    return r.json()


def test_cancel_keeps_the_session_as_cancelled_and_closes_it(srv, user):
    c, tok = srv.client, user["access"]
    s = started(c, tok, question_count=5, target_role="Backend Engineer")
    q = s["questions"][0]["id"]
    assert answer(c, tok, s["id"], q).status_code == 200
    r = cancel(c, tok, s["id"])
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["status"] == "cancelled" and body["cancelled_at"] and body["id"] == s["id"]
    assert body["final_score"] is None and body["title"] == "Backend Engineer"
    after = get_session(c, tok, s["id"])
    assert after["status"] == "cancelled" and len(after["questions"]) == 5
    assert after["questions"][0]["answer_text"] == ANSWER  # its rows stay
    # Closed: no answer, next question or completion; cancelling again is its own 409.
    assert_error(answer(c, tok, s["id"], q), 409, "SESSION_CANCELLED")
    assert_error(c.get(f"/api/v1/interview/{s['id']}/next", headers=auth(tok)), 409,
                 "SESSION_CANCELLED")
    assert_error(c.post(f"/api/v1/interview/{s['id']}/complete", headers=auth(tok)), 409,
                 "SESSION_CANCELLED")
    assert_error(cancel(c, tok, s["id"]), 409, "ALREADY_CANCELLED")
    # Kept in the history, also under its own status filter.
    h = c.get("/api/v1/interview/history", headers=auth(tok)).json()
    assert [(i["id"], i["status"]) for i in h["items"]] == [(s["id"], "cancelled")]
    h = c.get("/api/v1/interview/history", params={"status": "cancelled"}, headers=auth(tok))
    assert h.status_code == 200 and h.json()["total"] == 1
    h = c.get("/api/v1/interview/history", params={"status": "in_progress"}, headers=auth(tok))
    assert h.json()["total"] == 0
    summary = c.get(f"/api/v1/interview/{s['id']}/summary", headers=auth(tok)).json()
    assert summary["status"] == "cancelled" and summary["title"] == "Backend Engineer"


def test_a_cancelled_session_leaves_the_dashboards_figures(srv, user):
    c, tok = srv.client, user["access"]
    final = finished(c, tok, started(c, tok, question_count=5, target_role="Backend Engineer"))
    before = stats(c, tok)
    other = started(c, tok, question_count=5, target_role="Backend Engineer")
    for q in other["questions"]:
        r = answer(c, tok, other["id"], q["id"], text="I don't know.")
        assert r.status_code == 200
        assert wait_task(c, tok, r.json()["evaluation_task_id"])["status"] == "SUCCESS"
    assert cancel(c, tok, other["id"]).status_code == 200
    after = stats(c, tok)
    assert after["interviews"]["total"] == 2 and after["interviews"]["completed"] == 1
    assert after["interviews"]["avg_score"] == before["interviews"]["avg_score"] \
        == round(final["final_score"], 1)
    # Its (poor) answers count in no category.
    assert after["category_breakdown"] == before["category_breakdown"]
    assert after["weakest_categories"] == before["weakest_categories"]
    assert {s["session_id"]: s["status"] for s in after["recent_sessions"]}[other["id"]] \
        == "cancelled"


def test_cancel_refuses_completed_completing_and_failed_sessions(srv, user):
    c, tok = srv.client, user["access"]
    s = finished(c, tok, started(c, tok, question_count=5))
    assert_error(cancel(c, tok, s["id"]), 409, "ALREADY_COMPLETED")
    s = started(c, tok, question_count=5)
    srv.sql(f"UPDATE interview_sessions SET completion_requested_at = 1 WHERE id = '{s['id']}'")
    assert_error(cancel(c, tok, s["id"]), 409, "ALREADY_COMPLETED")
    srv.sql(f"UPDATE interview_sessions SET completion_requested_at = NULL, status = 'failed' "
            f"WHERE id = '{s['id']}'")
    assert_error(cancel(c, tok, s["id"]), 409, "SESSION_FAILED")
    assert get_session(c, tok, s["id"])["status"] == "failed"


def test_cancel_while_preparing_stores_no_questions(srv, user):
    c, tok = srv.client, user["access"]
    s = started(c, tok, question_count=5)
    # Back to preparing, as if generation had not run yet: cancelled, the generation stores
    # nothing.
    srv.sql(f"UPDATE interview_sessions SET status = 'preparing' WHERE id = '{s['id']}'")
    assert cancel(c, tok, s["id"]).status_code == 200
    srv.sql(f"DELETE FROM interview_questions WHERE session_id = '{s['id']}'")
    srv.sql("INSERT INTO jobs (id, kind, payload, user_id, status, attempts, max_attempts, "
            f"run_at, created_at, updated_at) VALUES ('{uuid.uuid4()}', 'interview.generate', "
            f"'{{\"session_id\":\"{s['id']}\"}}', '{user['id']}', 'PENDING', 0, 3, 0, 0, 0)")
    wait_for(lambda: srv.sql("SELECT COUNT(*) FROM jobs WHERE status = 'PENDING' AND kind = "
                             "'interview.generate'") == [("0",)], timeout=15, what="the job")
    after = get_session(c, tok, s["id"])
    assert after["status"] == "cancelled" and after["questions"] == []


def test_delete_removes_the_session_its_answers_and_tasks(srv, user):
    c, tok = srv.client, user["access"]
    keep = finished(c, tok, started(c, tok, question_count=5, target_role="Backend Engineer"))
    s = started(c, tok, question_count=5, target_role="Backend Engineer")
    tasks = [s["task_id"]]
    for q in s["questions"]:
        r = answer(c, tok, s["id"], q["id"])
        tasks.append(r.json()["evaluation_task_id"])
    tasks.append(completed(c, tok, s)["task_id"])
    both = stats(c, tok)
    assert both["interviews"]["completed"] == 2
    r = delete(c, tok, s["id"])
    assert r.status_code == 204 and r.content == b""
    assert_error(c.get(f"/api/v1/interview/{s['id']}", headers=auth(tok)), 404, "NOT_FOUND")
    assert_error(c.get(f"/api/v1/interview/{s['id']}/summary", headers=auth(tok)), 404,
                 "NOT_FOUND")
    for t in tasks:
        assert_error(c.get(f"/api/v1/tasks/{t}", headers=auth(tok)), 404, "NOT_FOUND")
    assert srv.sql(f"SELECT COUNT(*) FROM interview_questions WHERE session_id = '{s['id']}'") \
        == [("0",)]
    h = c.get("/api/v1/interview/history", headers=auth(tok)).json()
    assert [i["id"] for i in h["items"]] == [keep["id"]]
    one = stats(c, tok)
    assert one["interviews"]["total"] == 1 and one["interviews"]["completed"] == 1
    assert one["interviews"]["avg_score"] == round(get_session(c, tok, keep["id"])["final_score"],
                                                   1)
    assert [t["session_id"] for t in one["score_trend"]] == [keep["id"]]
    assert sum(v["count"] for v in one["category_breakdown"].values()) == 5
    # The kept session's task is still there; deleting twice is 404.
    assert c.get(f"/api/v1/tasks/{keep['task_id']}", headers=auth(tok)).status_code == 200
    assert_error(delete(c, tok, s["id"]), 404, "NOT_FOUND")


def test_cancel_and_delete_are_404_for_another_user_and_bad_ids(srv, user):
    c, tok = srv.client, user["access"]
    s = started(c, tok, question_count=5)
    bob = new_account(c)["access"]
    assert_error(cancel(c, bob, s["id"]), 404, "NOT_FOUND")
    assert_error(delete(c, bob, s["id"]), 404, "NOT_FOUND")
    for bad in (str(uuid.uuid4()), "not-a-uuid"):
        assert_error(cancel(c, tok, bad), 404, "NOT_FOUND")
        assert_error(delete(c, tok, bad), 404, "NOT_FOUND")
    assert get_session(c, tok, s["id"])["status"] == "in_progress"
    assert_error(c.post(f"/api/v1/interview/{s['id']}/cancel"), 401, "NOT_AUTHENTICATED")
    assert_error(c.delete(f"/api/v1/interview/{s['id']}"), 401, "NOT_AUTHENTICATED")


def test_delete_while_a_task_runs_leaves_no_orphan(make_server, fake_llm):
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
    sid, task = r.json()["id"], r.json()["task_id"]
    wait_for(lambda: gemini.requests(), timeout=10, what="the provider call")
    assert srv.sql(f"SELECT status FROM jobs WHERE id = '{task}'") == [("STARTED",)]
    assert delete(c, tok, sid).status_code == 204
    assert_error(c.get(f"/api/v1/tasks/{task}", headers=auth(tok)), 404, "NOT_FOUND")
    # The worker gives up on the provider, generates offline and finds nothing to store it in.
    wait_for(lambda: any("lease lost" in (e.get("message") or "") for e in srv.logs()),
             timeout=20, what="the worker to finish the deleted session's task")
    time.sleep(0.2)
    assert srv.sql(f"SELECT COUNT(*) FROM interview_questions WHERE session_id = '{sid}'") \
        == [("0",)]
    assert srv.sql(f"SELECT COUNT(*) FROM interview_sessions WHERE id = '{sid}'") == [("0",)]
    assert srv.sql("SELECT COUNT(*) FROM jobs") == [("0",)]
    assert c.get("/api/v1/interview/history", headers=auth(tok)).json()["total"] == 0


def test_one_name_per_session_and_the_resumes_role_by_default(srv, user):
    c, tok = srv.client, user["access"]
    rid = analysed_resume(c, tok)
    resume = c.get(f"/api/v1/resume/{rid}", headers=auth(tok)).json()
    assert resume["inferred_role"], resume
    s = started(c, tok, question_count=5, resume_id=rid)
    assert s["target_role"] == resume["inferred_role"]
    assert s["title"] == f"{resume['inferred_role']} · {resume['title']}"
    named = started(c, tok, question_count=5, resume_id=rid, target_role="Data Engineer")
    assert named["target_role"] == "Data Engineer"
    assert named["title"] == f"Data Engineer · {resume['title']}"
    general = started(c, tok, question_count=5)
    assert general["title"] == "General interview" and general["target_role"] is None
    role_only = started(c, tok, question_count=5, target_role="Nurse")
    assert role_only["title"] == "Nurse"
    # The same name in the history, the summary and the dashboard.
    titles = {x["id"]: x["title"] for x in
              c.get("/api/v1/interview/history", headers=auth(tok)).json()["items"]}
    recent = {x["session_id"]: x["title"] for x in stats(c, tok)["recent_sessions"]}
    for x in (s, named, general, role_only):
        assert titles[x["id"]] == recent[x["id"]] == x["title"]
        summary = c.get(f"/api/v1/interview/{x['id']}/summary", headers=auth(tok)).json()
        assert summary["title"] == x["title"]
    # A session stored before names is named after its role.
    srv.sql(f"UPDATE interview_sessions SET title = NULL WHERE id = '{named['id']}'")
    assert get_session(c, tok, named["id"])["title"] == "Data Engineer"


# ---- retrying an answer (docs/api.md §4.2) ----------------------------------------------------

def retry(client, token, sid, qid, text=ANSWER, seconds=30, **extra):
    body = {"answer_text": text, **extra}
    if seconds is not None:
        body["time_taken_seconds"] = seconds
    return client.post(f"/api/v1/interview/{sid}/questions/{qid}/attempts", headers=auth(token),
                       json=body)


def evaluated(client, token, response):
    assert response.status_code in (200, 202), response.text
    task = wait_task(client, token, response.json()["evaluation_task_id"])
    assert task["status"] == "SUCCESS", task
    return task


def test_a_retry_keeps_every_attempt_and_the_latest_counts(srv, user):
    c, tok = srv.client, user["access"]
    s = started(c, tok, question_count=5, target_role="Backend Engineer")
    q = s["questions"][0]
    assert q["attempt_number"] == 0 and q["attempts"] == []
    evaluated(c, tok, answer(c, tok, s["id"], q["id"], text="I don't know.", seconds=12))
    first = get_session(c, tok, s["id"])["questions"][0]
    assert first["attempt_number"] == 1 and first["attempts"] == []
    r = retry(c, tok, s["id"], q["id"])
    assert r.status_code == 202, r.text
    assert r.json()["attempt_number"] == 2 and r.json()["question_id"] == q["id"]
    evaluated(c, tok, r)
    now = get_session(c, tok, s["id"])["questions"][0]
    assert now["attempt_number"] == 2 and now["answer_text"] == ANSWER
    assert now["time_taken_seconds"] == 30 and now["evaluation_status"] == "evaluated"
    [kept] = now["attempts"]
    assert kept["attempt_number"] == 1 and kept["answer_text"] == "I don't know."
    assert kept["evaluation_score"] == first["evaluation_score"]
    assert kept["feedback_comment"] == first["feedback_comment"]
    assert kept["strengths"] == first["strengths"] and kept["improvements"] == first["improvements"]
    assert kept["time_taken_seconds"] == 12 and kept["evaluation_status"] == "evaluated"
    assert now["evaluation_score"] > kept["evaluation_score"], (now, kept)
    # The rest answered, the session completes on the latest attempts; the summary lists them.
    for other in s["questions"][1:]:
        evaluated(c, tok, answer(c, tok, s["id"], other["id"]))
    completed(c, tok, s)
    done = get_session(c, tok, s["id"])
    scores = [x["evaluation_score"] for x in done["questions"]]
    assert done["final_score"] == pytest.approx(sum(scores) / len(scores), abs=0.06)
    summary = c.get(f"/api/v1/interview/{s['id']}/summary", headers=auth(tok)).json()
    assert summary["questions"][0]["attempt_number"] == 2
    assert summary["questions"][0]["attempts"] == now["attempts"]
    assert summary["questions"][1]["attempts"] == [] and summary["questions"][1]["attempt_number"] == 1
    # After completion a retry is refused.
    assert_error(retry(c, tok, s["id"], q["id"]), 409, "ALREADY_COMPLETED")


def test_retry_validation_state_and_limits(srv, user):
    c, tok = srv.client, user["access"]
    s = started(c, tok, question_count=5)
    q, unanswered = s["questions"][0]["id"], s["questions"][1]["id"]
    r = retry(c, tok, s["id"], q, text="")
    assert r.status_code == 422, r.text
    r = retry(c, tok, s["id"], q, seconds=3601)
    assert r.status_code == 422, r.text
    r = retry(c, tok, s["id"], q, score=100)
    assert r.status_code == 422 and r.json()["detail"][0]["type"] == "extra_forbidden"
    assert_error(retry(c, tok, s["id"], unanswered), 409, "NOT_ANSWERED")
    assert_error(retry(c, tok, s["id"], str(uuid.uuid4())), 404, "NOT_FOUND")
    evaluated(c, tok, answer(c, tok, s["id"], q))
    # Still being scored: wait for the feedback first.
    srv.sql(f"UPDATE interview_questions SET evaluation_status = 'pending' WHERE id = '{q}'")
    assert_error(retry(c, tok, s["id"], q), 409, "EVALUATION_PENDING")
    srv.sql(f"UPDATE interview_questions SET evaluation_status = 'failed' WHERE id = '{q}'")
    # A failed evaluation can be retried; it is kept as failed.
    evaluated(c, tok, retry(c, tok, s["id"], q))
    assert get_session(c, tok, s["id"])["questions"][0]["attempts"][0]["evaluation_status"] \
        == "failed"
    for n in (3, 4, 5):
        r = retry(c, tok, s["id"], q, text=f"{ANSWER} ({n})")
        assert r.json()["attempt_number"] == n
        evaluated(c, tok, r)
    assert_error(retry(c, tok, s["id"], q), 409, "TOO_MANY_ATTEMPTS",
                 "A question takes at most 5 attempts")
    mine = get_session(c, tok, s["id"])["questions"][0]
    assert mine["attempt_number"] == 5
    assert [a["attempt_number"] for a in mine["attempts"]] == [1, 2, 3, 4]
    # Another user's session is not there; a cancelled one takes no retry.
    bob = new_account(c)["access"]
    assert_error(retry(c, bob, s["id"], q), 404, "NOT_FOUND")
    evaluated(c, tok, answer(c, tok, s["id"], unanswered))
    assert cancel(c, tok, s["id"]).status_code == 200
    assert_error(retry(c, tok, s["id"], unanswered), 409, "SESSION_CANCELLED")
    # Deleting the session takes its attempts with it.
    assert delete(c, tok, s["id"]).status_code == 204
    assert srv.sql(f"SELECT COUNT(*) FROM interview_attempts WHERE session_id = '{s['id']}'") \
        == [("0",)]


# ---- drafts (docs/api.md §4.2) ----------------------------------------------------------------

def draft(client, token, sid, qid, text, **extra):
    return client.put(f"/api/v1/interview/{sid}/questions/{qid}/draft", headers=auth(token),
                      json={"draft_text": text, **extra})


def test_a_draft_is_kept_per_question_until_the_answer_replaces_it(srv, user):
    c, tok = srv.client, user["access"]
    s = started(c, tok, question_count=5)
    q0, q1 = s["questions"][0]["id"], s["questions"][1]["id"]
    assert s["questions"][0]["draft_text"] is None and s["questions"][0]["draft_saved_at"] is None
    r = draft(c, tok, s["id"], q0, "Situation: our deploys\nkept failing")
    assert r.status_code == 200, r.text
    assert r.json()["question_id"] == q0 and r.json()["draft_saved_at"]
    assert r.json()["draft_text"] == "Situation: our deploys\nkept failing"
    assert draft(c, tok, s["id"], q1, "Second question's notes").status_code == 200
    # Another device (a new login) finds both, each on its own question.
    elsewhere = login(c, user["email"], user["password"])["access_token"]
    assert elsewhere != tok
    again = get_session(c, elsewhere, s["id"])["questions"]
    assert again[0]["draft_text"] == "Situation: our deploys\nkept failing"
    assert again[1]["draft_text"] == "Second question's notes"
    # Saving again replaces; an empty text clears; the answer clears the draft.
    assert draft(c, tok, s["id"], q1, "").json() == {"question_id": q1, "draft_text": None,
                                                     "draft_saved_at": None}
    assert get_session(c, tok, s["id"])["questions"][1]["draft_text"] is None
    assert answer(c, tok, s["id"], q0).status_code == 200
    q = get_session(c, tok, s["id"])["questions"][0]
    assert q["draft_text"] is None and q["answer_text"] == ANSWER


def test_draft_validation_ownership_and_state(srv, user):
    c, tok = srv.client, user["access"]
    s = started(c, tok, question_count=5)
    q = s["questions"][0]["id"]
    for body, loc, type_ in (({"draft_text": "x" * 5001}, "draft_text", "string_too_long"),
                             ({}, "draft_text", "missing"),
                             ({"draft_text": "ok", "answer_text": "x"}, "answer_text",
                              "extra_forbidden"),
                             ({"draft_text": 5}, "draft_text", "string_type")):
        r = c.put(f"/api/v1/interview/{s['id']}/questions/{q}/draft", headers=auth(tok), json=body)
        assert r.status_code == 422, r.text
        assert r.json()["detail"][0]["loc"] == ["body", loc] and r.json()["detail"][0]["type"] == type_
    assert draft(c, tok, s["id"], q, "é" * 5000).status_code == 200
    bob = new_account(c)["access"]
    assert_error(draft(c, bob, s["id"], q, "mine"), 404, "NOT_FOUND")
    assert_error(draft(c, tok, s["id"], str(uuid.uuid4()), "x"), 404, "NOT_FOUND")
    other = started(c, tok, question_count=5)
    assert_error(draft(c, tok, other["id"], q, "x"), 404, "NOT_FOUND")  # not this session's
    assert get_session(c, tok, s["id"])["questions"][0]["draft_text"] == "é" * 5000
    srv.sql(f"UPDATE interview_sessions SET completion_requested_at = 1 WHERE id = '{s['id']}'")
    assert_error(draft(c, tok, s["id"], q, "late"), 409, "ALREADY_COMPLETED")
    srv.sql(f"UPDATE interview_sessions SET completion_requested_at = NULL WHERE id = '{s['id']}'")
    assert cancel(c, tok, s["id"]).status_code == 200
    assert_error(draft(c, tok, s["id"], q, "late"), 409, "SESSION_CANCELLED")
    assert get_session(c, tok, s["id"])["questions"][0]["draft_text"] == "é" * 5000


# ---- follow-up questions (docs/api.md §4.6) ---------------------------------------------------

POOR = "I don't know."


def test_a_vague_answer_gets_one_follow_up_graded_like_any_question(srv, user):
    c, tok = srv.client, user["access"]
    s = started(c, tok, question_count=5, target_role="Backend Engineer", follow_ups=True)
    assert s["follow_ups"] is True
    parent = s["questions"][0]
    evaluated(c, tok, answer(c, tok, s["id"], parent["id"], text=POOR))
    qs = get_session(c, tok, s["id"])["questions"]
    assert len(qs) == 6
    follow = qs[5]
    assert follow["parent_id"] == parent["id"] and follow["order_index"] == 5
    assert follow["category"] == parent["category"] and follow["difficulty"] == parent["difficulty"]
    assert follow["question_text"].startswith("Follow-up:")
    assert follow["evaluation_status"] == "not_answered"
    assert all(q["parent_id"] is None for q in qs[:5])
    # It targets what the answer missed: the first key point the feedback names as missed.
    assert "\u201c" in follow["question_text"]
    # Retrying the parent asks no second follow-up.
    evaluated(c, tok, retry(c, tok, s["id"], parent["id"], text=POOR + " Really."))
    assert len(get_session(c, tok, s["id"])["questions"]) == 6
    # Completing needs the follow-ups answered, like any question; each follows up a different
    # planned question, after the planned ones.
    for q in s["questions"][1:]:
        evaluated(c, tok, answer(c, tok, s["id"], q["id"]))
    qs = get_session(c, tok, s["id"])["questions"]
    follows = [q for q in qs if q["parent_id"]]
    assert [q["order_index"] for q in follows] == list(range(5, len(qs)))
    assert len({q["parent_id"] for q in follows}) == len(follows) <= 5
    assert [q["id"] for q in qs if q["answer_text"] is None] == [q["id"] for q in follows]
    r = c.post(f"/api/v1/interview/{s['id']}/complete", headers=auth(tok))
    assert_error(r, 400, "UNANSWERED_QUESTIONS",
                 f"{len(follows)} of {len(qs)} questions are unanswered")
    nxt = c.get(f"/api/v1/interview/{s['id']}/next", headers=auth(tok)).json()
    assert nxt["question_id"] == follow["id"] and nxt["parent_id"] == parent["id"]
    assert nxt["total"] == len(qs) and nxt["number"] == 6
    # Answered vaguely again: graded, and no follow-up of a follow-up.
    for f in follows:
        evaluated(c, tok, answer(c, tok, s["id"], f["id"], text=POOR))
    after = get_session(c, tok, s["id"])["questions"]
    assert len(after) == len(qs)
    assert all(q["evaluation_status"] == "evaluated" for q in after)
    completed(c, tok, s)
    done = get_session(c, tok, s["id"])
    scores = [q["evaluation_score"] for q in done["questions"]]
    assert done["final_score"] == pytest.approx(sum(scores) / len(scores), abs=0.06)
    summary = c.get(f"/api/v1/interview/{s['id']}/summary", headers=auth(tok)).json()
    assert summary["questions"][5]["parent_id"] == parent["id"]


def test_follow_ups_are_on_by_default_and_can_be_turned_off(srv, user):
    c, tok = srv.client, user["access"]
    r = c.post("/api/v1/interview/start", headers=auth(tok), json={"question_count": 5})
    assert r.status_code == 202 and r.json()["follow_ups"] is True
    r = c.post("/api/v1/interview/start", headers=auth(tok), json={"follow_ups": "yes"})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "follow_ups"]
    s = started(c, tok, question_count=5, follow_ups=False)
    assert s["follow_ups"] is False
    evaluated(c, tok, answer(c, tok, s["id"], s["questions"][0]["id"], text=POOR))
    assert len(get_session(c, tok, s["id"])["questions"]) == 5


def test_a_follow_up_added_once_completion_is_accepted_is_dropped(srv, user):
    c, tok = srv.client, user["access"]
    s = started(c, tok, question_count=5, follow_ups=True)
    for q in s["questions"]:
        evaluated(c, tok, answer(c, tok, s["id"], q["id"], text=POOR))
    qs = get_session(c, tok, s["id"])["questions"]
    assert len(qs) == 10 and sum(1 for q in qs if q["parent_id"]) == 5
    # As if the follow-ups had been added while completion was being accepted: completion
    # leaves them out.
    srv.sql(f"UPDATE interview_sessions SET completion_requested_at = 1 WHERE id = '{s['id']}'")
    srv.sql("INSERT INTO jobs (id, kind, payload, user_id, status, attempts, max_attempts, "
            f"run_at, created_at, updated_at) VALUES ('{uuid.uuid4()}', 'interview.complete', "
            f"'{{\"session_id\":\"{s['id']}\"}}', '{user['id']}', 'PENDING', 0, 3, 0, 0, 0)")
    wait_for(lambda: get_session(c, tok, s["id"])["status"] == "completed", timeout=30,
             what="completion")
    done = get_session(c, tok, s["id"])
    assert len(done["questions"]) == 5 and done["final_score"] is not None


# ---- a time limit per answer (docs/api.md §4.1) -----------------------------------------------

def test_a_time_limit_per_answer_is_set_at_start_and_kept(srv, user):
    c, tok = srv.client, user["access"]
    r = c.post("/api/v1/interview/start", headers=auth(tok), json={"question_count": 5})
    assert r.json()["time_limit_minutes"] == 0
    for minutes in (1, 2, 3, 5):
        s = started(c, tok, question_count=5, time_limit_minutes=minutes)
        assert s["time_limit_minutes"] == minutes
    for bad, type_ in ((4, "enum"), (6, "less_than_equal"), (-1, "greater_than_equal"),
                       ("2", "int_type"), (1.5, "int_type")):
        r = c.post("/api/v1/interview/start", headers=auth(tok),
                   json={"question_count": 5, "time_limit_minutes": bad})
        assert r.status_code == 422, (bad, r.text)
        assert r.json()["detail"][0]["loc"] == ["body", "time_limit_minutes"]
        assert r.json()["detail"][0]["type"] == type_, (bad, r.text)
    # The time taken is recorded as given, past the limit too.
    s = started(c, tok, question_count=5, time_limit_minutes=1)
    assert answer(c, tok, s["id"], s["questions"][0]["id"], seconds=95).status_code == 200
    assert get_session(c, tok, s["id"])["questions"][0]["time_taken_seconds"] == 95
