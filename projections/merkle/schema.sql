-- The Merkle tree over the global log (RFC 9162): the hash of every perfect subtree, level 0
-- being the leaves (the SHA-256 of 0x00 and the event's canonical line), the node at
-- (level, idx) covering the events at positions idx·2^level + 1 … (idx+1)·2^level.
-- Rows are only added: a new event completes its leaf and the perfect subtrees it closes.
-- Roots of any size and the nodes of any proof are computed from these rows.
-- Built by projections/merkle; rebuilt from zero when its version changes.

CREATE TABLE IF NOT EXISTS merkle_nodes (
    level INTEGER NOT NULL,
    idx   INTEGER NOT NULL,
    hash  BLOB    NOT NULL,  -- 32 bytes
    PRIMARY KEY (level, idx)
) WITHOUT ROWID;
