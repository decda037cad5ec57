-- One row that GET /ready rewrites on every check: a database that answers reads but cannot
-- write (read-only file or disk, full disk, failing device) is not ready.
CREATE TABLE service_health (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    checked_at INTEGER NOT NULL
);
