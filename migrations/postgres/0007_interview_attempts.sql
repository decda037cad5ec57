-- Earlier attempts at a question (docs/api.md §4.2): retrying an answer moves the answer it
-- replaces here with its evaluation, so every attempt stays with its score and feedback while
-- the question row keeps the latest, which is the one the session's score counts.
CREATE TABLE interview_attempts (
    id                  TEXT PRIMARY KEY,
    question_id         TEXT NOT NULL REFERENCES interview_questions (id) ON DELETE CASCADE,
    session_id          TEXT NOT NULL REFERENCES interview_sessions (id) ON DELETE CASCADE,
    attempt_number      INTEGER NOT NULL CHECK (attempt_number >= 1),
    answer_text         TEXT NOT NULL,
    time_taken_seconds  INTEGER,
    answered_at         BIGINT,
    evaluation_status   TEXT NOT NULL CHECK (evaluation_status IN ('evaluated', 'failed')),
    evaluation_score    DOUBLE PRECISION,
    communication_score DOUBLE PRECISION,
    feedback_comment    TEXT,
    strengths           TEXT,
    improvements        TEXT,
    evaluation_engine   TEXT,
    created_at          BIGINT NOT NULL,
    UNIQUE (question_id, attempt_number)
);
CREATE INDEX interview_attempts_session ON interview_attempts (session_id, question_id, attempt_number);
