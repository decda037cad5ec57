-- Every analysis a resume has had (docs/api.md §5.3 "Corrections"): the parser's, and each
-- correction by its owner, numbered from 1 per resume. The resume row keeps the current one.
CREATE TABLE resume_analysis_versions (
    resume_id        TEXT NOT NULL REFERENCES resumes (id) ON DELETE CASCADE,
    version          INTEGER NOT NULL CHECK (version >= 1),
    source           TEXT NOT NULL CHECK (source IN ('parser', 'user')),
    analysis         TEXT NOT NULL,
    corrected_fields TEXT NOT NULL DEFAULT '[]',
    created_at       INTEGER NOT NULL,
    PRIMARY KEY (resume_id, version)
);

-- The analyses stored before versions existed become each resume's first version.
INSERT INTO resume_analysis_versions (resume_id, version, source, analysis, corrected_fields,
                                      created_at)
SELECT id, 1, 'parser', analysis, '[]', COALESCE(analysis_created_at, updated_at)
FROM resumes WHERE status = 'analyzed' AND analysis IS NOT NULL;

-- The job-description matches of a resume (docs/api.md §5.3 "Kept matches"), newest kept.
CREATE TABLE resume_job_matches (
    id              TEXT PRIMARY KEY,
    resume_id       TEXT NOT NULL REFERENCES resumes (id) ON DELETE CASCADE,
    job_description TEXT NOT NULL,
    job_match       TEXT NOT NULL,
    created_at      INTEGER NOT NULL
);
CREATE INDEX resume_job_matches_resume ON resume_job_matches (resume_id, created_at);
