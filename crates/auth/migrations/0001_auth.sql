-- Credentials and sessions: only what is secret or short-lived. Who a user is (name, role,
-- linked cadre) belongs to the event log; this file never leaves the server.

-- One row: the random id of this deployment, the prefix of every token it issues.
CREATE TABLE deployment (
    singleton     INTEGER PRIMARY KEY CHECK (singleton = 1),
    deployment_id BLOB    NOT NULL CHECK (length(deployment_id) = 16)
);

-- Argon2id PHC strings (algorithm, parameters, salt and hash); never a password.
CREATE TABLE credentials (
    user_id    TEXT    PRIMARY KEY,
    username   TEXT    NOT NULL UNIQUE,
    phc        TEXT    NOT NULL
);

-- Consecutive failed logins per username as typed, kept for unknown names too so that
-- lock-out does not reveal whether a user exists.
CREATE TABLE login_failures (
    username     TEXT    PRIMARY KEY,
    consecutive  INTEGER NOT NULL,
    locked_until INTEGER -- unix milliseconds; NULL when not locked
);

-- Sessions by SHA-256 of the token, so a copy of this file cannot be replayed as tokens.
CREATE TABLE sessions (
    token_sha256 BLOB    PRIMARY KEY CHECK (length(token_sha256) = 32),
    user_id      TEXT    NOT NULL,
    created_at   INTEGER NOT NULL, -- unix milliseconds
    last_seen_at INTEGER NOT NULL  -- unix milliseconds
);

CREATE INDEX sessions_by_user ON sessions (user_id);
