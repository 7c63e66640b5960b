-- Portal accounts. Each may be linked to one PricePlan client and the
-- PricePlan user (the cabinet login) attached to it; both stay NULL until
-- an operator links the account, and the cabinet then shows a notice.
CREATE TABLE users (
    id                  INTEGER PRIMARY KEY,
    -- Stored lower-cased by the portal; NOCASE also guards the unique
    -- index against rows written by other tools.
    email               TEXT    NOT NULL UNIQUE COLLATE NOCASE,
    -- argon2id in PHC string form: algorithm, parameters, salt and hash.
    password_hash       TEXT    NOT NULL,
    display_name        TEXT    NOT NULL,
    priceplan_user_id   INTEGER,
    priceplan_client_id INTEGER,
    created_at          TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at          TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
