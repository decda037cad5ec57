-- Failed logins count from this instant on (a success, a lockout's end or an unlock moves it),
-- so that the lockout window slides over login_attempts without deleting history.
ALTER TABLE users ADD COLUMN failures_reset_at BIGINT NOT NULL DEFAULT 0;
