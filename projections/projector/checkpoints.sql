-- One row per projection: how far into the event log its tables reflect, and which version
-- of its DDL and fold built them. Written in the same transaction as the projection's rows,
-- so the two always agree.
CREATE TABLE IF NOT EXISTS projector_checkpoints (
    projection TEXT    PRIMARY KEY,
    position   INTEGER NOT NULL,  -- every event at or below it has been applied or filtered out
    version    INTEGER NOT NULL   -- Projection::version() of the fold that wrote the rows
) STRICT;
