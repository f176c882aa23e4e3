-- Credentials and sessions (ADR 0007, ADR 0015): only what is secret or short-lived, never
-- in the event log. Kept in the log's database so that every dutytrace process sharing the
-- log shares logins and sessions. Same rows as the SQLite auth file: Argon2id PHC strings,
-- never a password; sessions by SHA-256 of their token, never a token. Instants are unix
-- milliseconds, as there.

-- One row: the random id of this deployment, the prefix of every token it issues.
CREATE TABLE auth_deployment (
    singleton     boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    deployment_id bytea   NOT NULL CHECK (octet_length(deployment_id) = 16)
);

CREATE TABLE auth_credentials (
    user_id  uuid PRIMARY KEY,
    username text NOT NULL UNIQUE,
    phc      text NOT NULL
);

-- Consecutive failed logins per username as typed, kept for unknown names too so that
-- lock-out does not reveal whether a user exists.
CREATE TABLE auth_login_failures (
    username     text    PRIMARY KEY,
    consecutive  integer NOT NULL,
    locked_until bigint            -- unix milliseconds; NULL when not locked
);

CREATE TABLE auth_sessions (
    token_sha256 bytea  PRIMARY KEY CHECK (octet_length(token_sha256) = 32),
    user_id      uuid   NOT NULL,
    created_at   bigint NOT NULL,  -- unix milliseconds
    last_seen_at bigint NOT NULL   -- unix milliseconds
);

CREATE INDEX auth_sessions_by_user ON auth_sessions (user_id);
