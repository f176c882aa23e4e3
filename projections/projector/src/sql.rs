//! Every statement the runtime runs on a read-model file (the checkpoint DDL is in
//! `checkpoints.sql`). Projections bring their own DDL and statements.

pub(crate) const CHECKPOINTS_DDL: &str = include_str!("../checkpoints.sql");

pub(crate) const GET_CHECKPOINT: &str =
    "SELECT position, version FROM projector_checkpoints WHERE projection = ?1";

/// A projection seen for the first time starts at 0.
pub(crate) const INIT_CHECKPOINT: &str = "INSERT INTO projector_checkpoints (projection, position, version) \
     VALUES (?1, 0, ?2) ON CONFLICT (projection) DO NOTHING";

/// Moves the checkpoint only from where this writer left it, so two writers of one
/// projection cannot both apply a batch.
pub(crate) const ADVANCE_CHECKPOINT: &str =
    "UPDATE projector_checkpoints SET position = ?2 WHERE projection = ?1 AND position = ?3";

/// Sets the checkpoint and version after a rebuild.
pub(crate) const SET_CHECKPOINT: &str = "INSERT INTO projector_checkpoints (projection, position, version) \
     VALUES (?1, ?2, ?3) \
     ON CONFLICT (projection) DO UPDATE SET position = excluded.position, version = excluded.version";

/// The scratch file of a rebuild is attached under this name for the swap.
pub(crate) const SCRATCH_SCHEMA: &str = "rebuild";

pub(crate) fn attach_scratch() -> String {
    format!("ATTACH DATABASE ?1 AS {SCRATCH_SCHEMA}")
}

pub(crate) fn detach_scratch() -> String {
    format!("DETACH DATABASE {SCRATCH_SCHEMA}")
}

pub(crate) fn drop_live_table(table: &str) -> String {
    format!("DROP TABLE IF EXISTS main.{}", ident(table))
}

pub(crate) fn copy_from_scratch(table: &str) -> String {
    let t = ident(table);
    format!("INSERT INTO main.{t} SELECT * FROM {SCRATCH_SCHEMA}.{t}")
}

/// Quotes an SQL identifier.
fn ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}
