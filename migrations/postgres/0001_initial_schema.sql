-- InterviewAce schema, PostgreSQL dialect. Ids are UUIDv7 text; times are Unix milliseconds;
-- JSON documents are stored as text. Deleting a user removes everything that belongs to them;
-- deleting a resume keeps its interviews (resume_id becomes NULL).

CREATE TABLE users (
    id                 TEXT PRIMARY KEY,
    email              TEXT NOT NULL UNIQUE,
    full_name          TEXT NOT NULL,
    password_hash      TEXT NOT NULL,
    role               TEXT NOT NULL DEFAULT 'user' CHECK (role IN ('user', 'admin')),
    is_active          BOOLEAN NOT NULL DEFAULT TRUE,
    is_email_verified  BOOLEAN NOT NULL DEFAULT FALSE,
    failed_login_count INTEGER NOT NULL DEFAULT 0,
    locked_until       BIGINT,
    last_login_at      BIGINT,
    created_at         BIGINT NOT NULL,
    updated_at         BIGINT NOT NULL
);
CREATE INDEX users_created_at ON users (created_at);

CREATE TABLE login_attempts (
    id         TEXT PRIMARY KEY,
    user_id    TEXT REFERENCES users (id) ON DELETE CASCADE,
    email      TEXT NOT NULL,
    ip_address TEXT,
    user_agent TEXT,
    success    BOOLEAN NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX login_attempts_user ON login_attempts (user_id, created_at);
CREATE INDEX login_attempts_created ON login_attempts (created_at);

-- A login session: one successful login and every refresh token descended from it.
CREATE TABLE auth_sessions (
    id             TEXT PRIMARY KEY,
    user_id        TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    ip_address     TEXT,
    user_agent     TEXT,
    created_at     BIGINT NOT NULL,
    last_used_at   BIGINT NOT NULL,
    expires_at     BIGINT NOT NULL,
    revoked_at     BIGINT,
    revoked_reason TEXT
);
CREATE INDEX auth_sessions_user ON auth_sessions (user_id, revoked_at, last_used_at);
CREATE INDEX auth_sessions_expires ON auth_sessions (expires_at);

CREATE TABLE refresh_tokens (
    jti        TEXT PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES auth_sessions (id) ON DELETE CASCADE,
    parent_jti TEXT,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at    BIGINT
);
CREATE INDEX refresh_tokens_session ON refresh_tokens (session_id);
CREATE INDEX refresh_tokens_expires ON refresh_tokens (expires_at);

-- Access-token ids revoked before they expire; rows are pruned once expires_at passes.
CREATE TABLE revoked_tokens (
    jti        TEXT PRIMARY KEY,
    user_id    TEXT REFERENCES users (id) ON DELETE CASCADE,
    expires_at BIGINT NOT NULL
);
CREATE INDEX revoked_tokens_expires ON revoked_tokens (expires_at);

CREATE TABLE password_history (
    id            TEXT PRIMARY KEY,
    user_id       TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    password_hash TEXT NOT NULL,
    created_at    BIGINT NOT NULL
);
CREATE INDEX password_history_user ON password_history (user_id, created_at);

CREATE TABLE password_reset_tokens (
    token_hash TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at    BIGINT
);
CREATE INDEX password_reset_tokens_user ON password_reset_tokens (user_id);
CREATE INDEX password_reset_tokens_expires ON password_reset_tokens (expires_at);

CREATE TABLE email_verification_tokens (
    token_hash TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at    BIGINT
);
CREATE INDEX email_verification_tokens_user ON email_verification_tokens (user_id);
CREATE INDEX email_verification_tokens_expires ON email_verification_tokens (expires_at);

-- A resume version is a row; versions of one resume share root_id and form a chain through
-- parent_version_id.
CREATE TABLE resumes (
    id                   TEXT PRIMARY KEY,
    user_id              TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    root_id              TEXT NOT NULL,
    version              INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    parent_version_id    TEXT REFERENCES resumes (id) ON DELETE SET NULL,
    title                TEXT NOT NULL,
    description          TEXT,
    description_set      BOOLEAN NOT NULL DEFAULT FALSE,
    tags                 TEXT NOT NULL DEFAULT '[]',
    file_key             TEXT NOT NULL,
    file_name            TEXT NOT NULL,
    file_size            BIGINT NOT NULL,
    file_type            TEXT NOT NULL,
    status               TEXT NOT NULL DEFAULT 'pending'
                         CHECK (status IN ('pending', 'processing', 'analyzed', 'error')),
    inferred_role        TEXT,
    years_of_experience  DOUBLE PRECISION,
    skills_text          TEXT NOT NULL DEFAULT '',
    analysis             TEXT,
    analysis_created_at  BIGINT,
    processing_time      DOUBLE PRECISION,
    confidence_score     DOUBLE PRECISION,
    is_public            BOOLEAN NOT NULL DEFAULT FALSE,
    share_token          TEXT UNIQUE,
    share_expires_at     BIGINT,
    share_allowed_emails TEXT NOT NULL DEFAULT '[]',
    created_at           BIGINT NOT NULL,
    updated_at           BIGINT NOT NULL
);
CREATE INDEX resumes_user ON resumes (user_id, created_at);
CREATE UNIQUE INDEX resumes_chain ON resumes (root_id, version);
CREATE INDEX resumes_parent ON resumes (parent_version_id);

CREATE TABLE interview_sessions (
    id               TEXT PRIMARY KEY,
    user_id          TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    resume_id        TEXT REFERENCES resumes (id) ON DELETE SET NULL,
    status           TEXT NOT NULL DEFAULT 'preparing'
                     CHECK (status IN ('preparing', 'in_progress', 'completed', 'failed')),
    difficulty       TEXT NOT NULL CHECK (difficulty IN ('easy', 'medium', 'hard', 'mixed')),
    question_count   INTEGER NOT NULL,
    focus_areas      TEXT,
    target_role      TEXT,
    job_description  TEXT,
    started_at       BIGINT NOT NULL,
    completed_at     BIGINT,
    final_score      DOUBLE PRECISION,
    feedback_summary TEXT,
    score_breakdown  TEXT,
    strengths        TEXT,
    weaknesses       TEXT,
    task_id          TEXT,
    error            TEXT,
    updated_at       BIGINT NOT NULL
);
CREATE INDEX interview_sessions_user ON interview_sessions (user_id, started_at);
CREATE INDEX interview_sessions_resume ON interview_sessions (resume_id);

CREATE TABLE interview_questions (
    id                  TEXT PRIMARY KEY,
    session_id          TEXT NOT NULL REFERENCES interview_sessions (id) ON DELETE CASCADE,
    order_index         INTEGER NOT NULL CHECK (order_index >= 0),
    question_text       TEXT NOT NULL,
    category            TEXT NOT NULL CHECK (category IN ('technical', 'behavioral', 'project',
                                                          'system_design', 'coding', 'general')),
    difficulty          TEXT NOT NULL CHECK (difficulty IN ('easy', 'medium', 'hard')),
    bank_id             TEXT,
    rubric              TEXT,
    answer_text         TEXT,
    answer_revision     INTEGER NOT NULL DEFAULT 0,
    time_taken_seconds  INTEGER,
    answered_at         BIGINT,
    evaluation_status   TEXT NOT NULL DEFAULT 'not_answered'
                        CHECK (evaluation_status IN ('not_answered', 'pending', 'evaluated',
                                                     'failed')),
    evaluation_score    DOUBLE PRECISION,
    communication_score DOUBLE PRECISION,
    feedback_comment    TEXT,
    strengths           TEXT,
    improvements        TEXT,
    model_answer        TEXT,
    evaluation_engine   TEXT,
    created_at          BIGINT NOT NULL,
    updated_at          BIGINT NOT NULL,
    UNIQUE (session_id, order_index)
);
CREATE INDEX interview_questions_bank ON interview_questions (bank_id);

-- The durable job queue (DESIGN.md "Background jobs").
CREATE TABLE jobs (
    id               TEXT PRIMARY KEY,
    kind             TEXT NOT NULL,
    payload          TEXT NOT NULL DEFAULT '{}',
    user_id          TEXT REFERENCES users (id) ON DELETE CASCADE,
    status           TEXT NOT NULL DEFAULT 'PENDING'
                     CHECK (status IN ('PENDING', 'STARTED', 'RETRY', 'SUCCESS', 'FAILURE')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    max_attempts     INTEGER NOT NULL DEFAULT 5,
    run_at           BIGINT NOT NULL,
    lease_owner      TEXT,
    lease_expires_at BIGINT,
    last_error       TEXT,
    result           TEXT,
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL,
    started_at       BIGINT,
    finished_at      BIGINT
);
CREATE INDEX jobs_runnable ON jobs (run_at) WHERE status IN ('PENDING', 'RETRY');
CREATE INDEX jobs_leases ON jobs (lease_expires_at) WHERE status = 'STARTED';
CREATE INDEX jobs_user ON jobs (user_id, created_at);
CREATE INDEX jobs_status ON jobs (status, updated_at);

-- Periodic maintenance: one row per task; whoever moves next_run_at forward runs it, so each
-- run happens once per cluster however many workers there are.
CREATE TABLE scheduled_tasks (
    name        TEXT PRIMARY KEY,
    next_run_at BIGINT NOT NULL,
    last_run_at BIGINT,
    last_owner  TEXT
);
