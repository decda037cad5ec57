-- One row that GET /ready rewrites on every check: a database that answers reads but cannot
-- write (read-only server or transaction, full disk, failing device) is not ready.
CREATE TABLE service_health (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    checked_at BIGINT NOT NULL
);
