-- Device cookies (README "Login lockout and device cookies"): a browser that signed in to an
-- account gets a signed cookie naming one row here; a login presenting it is judged against
-- that device's own failure budget instead of the account's budget for untrusted clients.
CREATE TABLE login_devices (
    id                TEXT PRIMARY KEY,
    user_id           TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at        BIGINT NOT NULL,
    last_used_at      BIGINT NOT NULL,
    locked_until      BIGINT,
    failures_reset_at BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX login_devices_user ON login_devices (user_id);

-- Which device (NULL: an untrusted client) made an attempt.
ALTER TABLE login_attempts ADD COLUMN device_id TEXT;
CREATE INDEX login_attempts_device ON login_attempts (device_id, created_at);
CREATE INDEX login_attempts_email ON login_attempts (email, created_at);

-- An e-mail address without an account is locked exactly like an account, so that a locked
-- account and an unknown address answer alike.
CREATE TABLE login_email_locks (
    email             TEXT PRIMARY KEY,
    locked_until      BIGINT NOT NULL,
    failures_reset_at BIGINT NOT NULL
);
