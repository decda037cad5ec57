-- Single-question practice and voice answers (docs/api.md §4.7, §4.2). A session is either a
-- mock interview or the practice of one bank question; a practice session is left out of the
-- dashboard's session averages and score trend (its answer still counts in its category).
ALTER TABLE interview_sessions ADD COLUMN kind TEXT NOT NULL DEFAULT 'interview';
-- How the current answer was given (typed or voice) and, for a dictated one, how long it was
-- spoken, its words per minute and its filler words (computed by the server).
ALTER TABLE interview_questions ADD COLUMN input_mode TEXT;
ALTER TABLE interview_questions ADD COLUMN input_seconds DOUBLE PRECISION;
ALTER TABLE interview_questions ADD COLUMN words_per_minute DOUBLE PRECISION;
ALTER TABLE interview_questions ADD COLUMN filler_count INTEGER;
