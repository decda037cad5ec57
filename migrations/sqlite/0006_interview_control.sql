-- Sessions the user controls (docs/api.md §4.5): a cancelled session keeps its rows and reads as
-- status `cancelled` from then on; its answers leave the dashboard's figures. `title` is the one
-- name of a session (its role and resume), fixed when the session starts.
ALTER TABLE interview_sessions ADD COLUMN cancelled_at INTEGER;
ALTER TABLE interview_sessions ADD COLUMN title TEXT;
