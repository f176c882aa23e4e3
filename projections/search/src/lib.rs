//! Full-text search of duty entries (履责记录) and of the problem ledger's steps (问题台账):
//! a keyword finds the texts holding it — Chinese included, where words are not separated
//! by spaces, so "廉政" must be found inside "召开党风廉政建设专题会议" (ADR 0010).
//!
//! Every text is indexed in SQLite FTS5 as its [`bigrams`]: each run of CJK characters as
//! overlapping character bigrams, every other word whole, after folding case and
//! full-width forms. A keyword is looked up as the phrase of its own bigrams. Indexed:
//! an entry's content (recorded or backfilled; a correction replaces it, a withdrawal
//! removes it) and a problem's description, plan, progress, closing summary, rejection
//! reason and conclusion, each a hit pointing at the problem.
//!
//! Tables (`schema.sql`): `search_docs`, `search_fts`, `search_cadres`. Run [`Search`]
//! with the `projector` runtime; query it with [`search_as`] on a read connection, within
//! the reader's scope ([`sees`]), or with [`search`] and any rule of who sees what.

mod projection;
mod queries;
mod sql;
mod text;

pub use projection::Search;
pub use queries::{
    FIELDS, Hit, HitKind, MAX_KEYWORD, SearchQuery, keyword_error, search, search_as, sees,
};
pub use text::bigrams;
