-- Drafts that survive (docs/api.md §4.2): the answer being typed is saved per question, so a
-- reload, a navigation or another device finds it; storing the answer clears it.
ALTER TABLE interview_questions ADD COLUMN draft_text TEXT;
ALTER TABLE interview_questions ADD COLUMN draft_saved_at BIGINT;
