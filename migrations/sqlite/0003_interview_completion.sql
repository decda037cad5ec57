-- When completion was accepted (API.md §4.2): from then on answers and completes are refused
-- with ALREADY_COMPLETED while the session is still in_progress; a failed completion clears it.
-- The history lists a user's sessions newest first, the dashboard their completed ones.
ALTER TABLE interview_sessions ADD COLUMN completion_requested_at INTEGER;
CREATE INDEX interview_sessions_completed ON interview_sessions (user_id, completed_at);
