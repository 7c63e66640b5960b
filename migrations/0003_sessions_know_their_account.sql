-- The account a session is signed in to (NULL before sign-in). A signed-in
-- session keeps the account's PricePlan ids; relinking the account finds
-- its sessions by this column and drops the old ids from them.
ALTER TABLE sessions ADD COLUMN user_id INTEGER;

CREATE INDEX sessions_user_id ON sessions (user_id);
