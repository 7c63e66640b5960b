-- Server-side session state. The browser's cookie holds only a random key;
-- the table keeps its SHA-256, so a copy of the database cannot be used to
-- take over sessions. Signing out deletes the row, so an old cookie is dead.
CREATE TABLE sessions (
    key_hash   TEXT    PRIMARY KEY,
    -- The session's entries as a JSON object of strings.
    state      TEXT    NOT NULL,
    -- Unix time in seconds after which the row is ignored and removed.
    expires_at INTEGER NOT NULL
);

CREATE INDEX sessions_expires_at ON sessions (expires_at);
