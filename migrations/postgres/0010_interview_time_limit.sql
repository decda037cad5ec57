-- A time limit per answer (docs/api.md §4.1): 0 (off), 1, 2, 3 or 5 minutes, set when the session
-- starts; the web app counts it down. The time taken is recorded per answer as before.
ALTER TABLE interview_sessions ADD COLUMN time_limit_minutes INTEGER NOT NULL DEFAULT 0;
