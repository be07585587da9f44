-- Per-client counters of the public checks (manual and file verification), shared by every
-- server process on this database. One row per limit and client: a fixed window that starts
-- with the first check and is replaced when it has passed. The key is a SHA-256 digest of the
-- limit's kind and the client's address (or IPv6 /64), never the address itself. Windows that
-- have passed are deleted by the server's periodic sweep.
CREATE TABLE rate_limits (
    limit_key    TEXT    PRIMARY KEY,
    window_start BIGINT  NOT NULL,
    count        BIGINT  NOT NULL
);
CREATE INDEX rate_limits_by_window ON rate_limits (window_start);
