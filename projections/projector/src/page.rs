//! A page of a read model's rows for one reader: a statement with optional filters, read in
//! order and kept only where the reader's scope lets them see the row, until the page is
//! full — so the scope applies before the limit (a page holds `limit` rows whenever that many
//! visible rows are left). Shared by read models whose rows are scoped per row.

use rusqlite::types::Value;
use rusqlite::{Connection, Row, params_from_iter};

/// A paged, filtered, scoped query.
#[derive(Debug)]
pub struct Page<'a> {
    /// The statement up to its `WHERE` clause's first condition, whose one parameter is
    /// `first` (e.g. a cursor: `… WHERE cursor < ?`).
    pub select: &'a str,
    pub first: Value,
    /// `(" AND column = ?", value)`: each given value adds its fragment and parameter.
    pub filters: Vec<(&'a str, Option<String>)>,
    /// What closes the statement (`ORDER BY …`).
    pub order: &'a str,
    /// At most this many rows; 0 answers none.
    pub limit: u32,
}

impl Page<'_> {
    /// The rows `visible` keeps, each read by `row`, up to the limit.
    pub fn read<T>(
        self,
        c: &Connection,
        visible: impl Fn(&Row<'_>) -> rusqlite::Result<bool>,
        row: impl Fn(&Row<'_>) -> rusqlite::Result<T>,
    ) -> rusqlite::Result<Vec<T>> {
        let limit = usize::try_from(self.limit).unwrap_or(usize::MAX);
        if limit == 0 {
            return Ok(Vec::new());
        }
        let mut statement = String::from(self.select);
        let mut args = vec![self.first];
        for (fragment, value) in self.filters {
            if let Some(v) = value {
                statement.push_str(fragment);
                args.push(Value::Text(v));
            }
        }
        statement.push_str(self.order);
        let mut stmt = c.prepare_cached(&statement)?;
        let mut rows = stmt.query(params_from_iter(args))?;
        let mut page = Vec::new();
        while let Some(r) = rows.next()? {
            if !visible(r)? {
                continue;
            }
            page.push(row(r)?);
            if page.len() == limit {
                break;
            }
        }
        Ok(page)
    }
}
