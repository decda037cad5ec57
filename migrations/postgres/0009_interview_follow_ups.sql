-- Follow-up questions (docs/api.md §4.6): a session asks them unless turned off when it starts;
-- a follow-up is a question of the session linked to the question whose answer it follows up,
-- and goes with it.
ALTER TABLE interview_sessions ADD COLUMN follow_ups INTEGER NOT NULL DEFAULT 1;
ALTER TABLE interview_questions ADD COLUMN parent_id TEXT REFERENCES interview_questions (id) ON DELETE CASCADE;
CREATE INDEX interview_questions_parent ON interview_questions (parent_id);
