//! Searching: the texts matching every keyword, dated in a range, of the kinds asked,
//! that the reader may see, newest first, a page at a time with the total.

use crate::sql;
use crate::text::{self, Plan};
use chrono::{Datelike as _, NaiveDate};
use domain::ids::{CadreId, ObligationId, ProblemId, UnitId};
use domain::org::Subject;
use domain::user::Scope;
use rusqlite::{Connection, Row, params};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::str::FromStr;

/// Longest keyword string, in characters (after trimming).
pub const MAX_KEYWORD: usize = 100;

/// What a hit points at.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HitKind {
    /// A duty entry (履责记录).
    Entry,
    /// A problem of the ledger (问题台账), by one of its steps.
    Problem,
}

impl HitKind {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Entry => "entry",
            Self::Problem => "problem",
        }
    }
}

/// The texts that can be found, by the field a hit names: a duty entry's content, or a
/// problem's description, rectification plan, progress, closing summary, rejection reason
/// or closing conclusion.
pub const FIELDS: [&str; 7] = [
    "entry",
    "description",
    "plan",
    "progress",
    "summary",
    "reason",
    "conclusion",
];

/// What to look for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchQuery {
    /// Keywords separated by white space, all of which must occur (check it with
    /// [`keyword_error`] first).
    pub keyword: String,
    /// Hits dated on or after / on or before these local dates.
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// The kinds of hit wanted; empty for all.
    pub kinds: Vec<HitKind>,
    pub limit: usize,
    /// Visible hits to skip (the page).
    pub offset: usize,
}

/// One text that matched.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Hit {
    pub kind: HitKind,
    /// The entry id or the problem id.
    pub id: String,
    /// The problem, for a problem hit.
    pub problem_id: Option<ProblemId>,
    /// The entry's obligation, for an entry hit.
    pub obligation_id: Option<ObligationId>,
    /// Who owes the entry's obligation, for an entry hit: it decides who may see the
    /// entry, as it does for the entry itself ([`sees`]).
    pub subject: Option<Subject>,
    /// The problem's unit; an entry's unit (the leadership team's, or the personal
    /// subject's when recorded). `None` for a discipline group's entries.
    pub unit_id: Option<UnitId>,
    /// The problem's named cadre; the cadre who recorded an entry.
    pub cadre_id: Option<CadreId>,
    /// The entry's performed-on date (as corrected), the problem's found-on date for its
    /// description, or the local (Asia/Shanghai) date a later step happened on.
    pub date: NaiveDate,
    /// Which text matched: one of [`FIELDS`].
    pub field: &'static str,
    /// About 80 characters of the text around the first hit.
    pub snippet: String,
}

/// Why a keyword cannot be searched for (for a 422), or `None` if it can: empty after
/// trimming, or longer than [`MAX_KEYWORD`] characters.
pub fn keyword_error(keyword: &str) -> Option<String> {
    let keyword = keyword.trim();
    let n = keyword.chars().count();
    if n == 0 {
        Some("keyword must not be empty".to_owned())
    } else if n > MAX_KEYWORD {
        Some(format!(
            "keyword must have at most {MAX_KEYWORD} characters, not {n}"
        ))
    } else {
        None
    }
}

/// Whether `scope` sees `hit` by the rules of the records it points at (ADR 0008): an
/// entry as its obligation's subject, a problem by its unit or its named cadre.
pub fn sees(scope: &Scope, hit: &Hit) -> bool {
    match (&hit.kind, &hit.subject) {
        (HitKind::Entry, Some(subject)) => scope.sees_subject(subject),
        _ => {
            hit.unit_id.is_some_and(|u| scope.sees_unit(u))
                || hit.cadre_id.is_some_and(|c| scope.sees_cadre(c))
        }
    }
}

/// Bits of a key below its date: positions must stay under 2^40 (a trillion events).
const DOC_BITS: u32 = 40;

/// A row's place in `search_docs` and its rowid in `search_fts`: the days of `date` since
/// 0001-01-01 times 2^40, plus `doc` (the event's position). Key order is the order of
/// hits, oldest first — by date, then by when written — and a date's rows are one range.
/// (Dates more than 22,000 years from year 1 share the ends of the range.)
pub(crate) fn key(date: NaiveDate, doc: i64) -> i64 {
    i64::from(date.num_days_from_ce())
        .saturating_mul(1 << DOC_BITS)
        .saturating_add(doc)
}

/// The keys of rows dated from `from` to `to`, each end included (open if `None`).
fn keys(from: Option<NaiveDate>, to: Option<NaiveDate>) -> (i64, i64) {
    let lo = from.map_or(i64::MIN, |d| key(d, 0));
    let hi = match to.map(|d| d.succ_opt()) {
        None | Some(None) => i64::MAX,
        Some(Some(next)) => key(next, 0) - 1,
    };
    (lo, hi)
}

/// The FTS5 expression of a plan's phrases (`Plan::fts`), in the `terms` column only, and
/// of the one kind wanted, if only one is.
fn expression(phrases: &str, kind: Option<HitKind>) -> String {
    match kind {
        None => format!("terms : ({phrases})"),
        Some(k) => format!("terms : ({phrases}) AND kind : {}", k.as_str()),
    }
}

fn bad(column: usize, value: &str) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(
        column,
        rusqlite::types::Type::Text,
        format!("unexpected stored value {value:?}").into(),
    )
}

fn parse<T: FromStr>(column: usize, s: &str) -> rusqlite::Result<T> {
    s.parse().map_err(|_| bad(column, s))
}

fn opt<T: FromStr>(r: &Row<'_>, column: usize) -> rusqlite::Result<Option<T>> {
    r.get::<_, Option<String>>(column)?
        .map(|s| parse(column, &s))
        .transpose()
}

/// Columns of the hit statements of [`sql`] (`hit_columns!`).
const KIND: usize = 1;
const SUBJECT: usize = 4;
const UNIT: usize = 5;
const CADRE: usize = 6;
const TEXT: usize = 9;

/// A row of the hit statements of [`sql`], without its snippet.
fn hit_row(r: &Row<'_>) -> rusqlite::Result<Hit> {
    let kind = match r.get_ref(1)?.as_str()? {
        "entry" => HitKind::Entry,
        "problem" => HitKind::Problem,
        other => return Err(bad(1, other)),
    };
    let id: String = r.get(2)?;
    let subject = r
        .get::<_, Option<String>>(4)?
        .map(|s| serde_json::from_str::<Subject>(&s).map_err(|_| bad(4, &s)))
        .transpose()?;
    let field = r.get_ref(8)?.as_str()?;
    Ok(Hit {
        kind,
        problem_id: match kind {
            HitKind::Problem => Some(parse(2, &id)?),
            HitKind::Entry => None,
        },
        id,
        obligation_id: opt(r, 3)?,
        subject,
        unit_id: opt(r, 5)?,
        cadre_id: opt(r, 6)?,
        date: parse(7, r.get_ref(7)?.as_str()?)?,
        field: FIELDS
            .iter()
            .find(|f| **f == field)
            .ok_or_else(|| bad(8, field))?,
        snippet: String::new(),
    })
}

/// Whether the row's text holds every keyword the index could not look up alone.
fn holds_substrings(r: &Row<'_>, plan: &Plan) -> rusqlite::Result<bool> {
    if plan.substrings.is_empty() {
        return Ok(true);
    }
    let folded = text::fold(r.get_ref(TEXT)?.as_str()?);
    Ok(plan.substrings.iter().all(|s| folded.contains(s.as_str())))
}

/// Who may see a row, by the rules of [`sees`], read from its columns alone: an entry's
/// subject is decoded once per distinct subject, not once per row.
struct Seen<'a> {
    scope: &'a Scope,
    subjects: HashMap<String, bool>,
}

impl Seen<'_> {
    fn row(&mut self, r: &Row<'_>) -> rusqlite::Result<bool> {
        let subject = r.get_ref(SUBJECT)?.as_str_or_null()?;
        if let (Ok("entry"), Some(s)) = (r.get_ref(KIND)?.as_str(), subject) {
            if let Some(&seen) = self.subjects.get(s) {
                return Ok(seen);
            }
            let subject: Subject = serde_json::from_str(s).map_err(|_| bad(SUBJECT, s))?;
            let seen = self.scope.sees_subject(&subject);
            self.subjects.insert(s.to_owned(), seen);
            return Ok(seen);
        }
        Ok(opt(r, UNIT)?.is_some_and(|u| self.scope.sees_unit(u))
            || opt(r, CADRE)?.is_some_and(|c| self.scope.sees_cadre(c)))
    }
}

/// What [`search`] and [`search_as`] share: the query's plan, key range and kind.
struct Asked<'q> {
    q: &'q SearchQuery,
    plan: Plan,
    keys: (i64, i64),
    kind: Option<HitKind>,
}

impl<'q> Asked<'q> {
    /// `None` for a keyword [`keyword_error`] refuses.
    fn new(q: &'q SearchQuery) -> Option<Self> {
        if keyword_error(&q.keyword).is_some() {
            return None;
        }
        let wants = |k| q.kinds.is_empty() || q.kinds.contains(&k);
        let kind = match (wants(HitKind::Entry), wants(HitKind::Problem)) {
            (true, false) => Some(HitKind::Entry),
            (false, true) => Some(HitKind::Problem),
            _ => None,
        };
        Some(Self {
            q,
            plan: text::plan(&q.keyword),
            keys: keys(q.from, q.to),
            kind,
        })
    }

    /// A hit with its snippet.
    fn hit(&self, r: &Row<'_>) -> rusqlite::Result<Hit> {
        let mut hit = hit_row(r)?;
        hit.snippet = text::snippet(r.get_ref(TEXT)?.as_str()?, &self.plan.keywords);
        Ok(hit)
    }

    /// Reads the candidates newest first, keeps those holding the plan's substrings that
    /// `visible` accepts, and decodes whole only those of the page.
    fn filtered(
        &self,
        c: &Connection,
        mut visible: impl FnMut(&Row<'_>) -> rusqlite::Result<bool>,
    ) -> rusqlite::Result<(Vec<Hit>, usize)> {
        let (lo, hi) = self.keys;
        let mut stmt = c.prepare_cached(match self.plan.fts {
            Some(_) => sql::MATCHING,
            None => sql::SCANNING,
        })?;
        let mut rows = match &self.plan.fts {
            Some(fts) => stmt.query(params![expression(fts, self.kind), lo, hi])?,
            None => stmt.query(params![lo, hi, self.kind.map(HitKind::as_str)])?,
        };
        let page = self.q.offset..self.q.offset.saturating_add(self.q.limit);
        let (mut hits, mut total) = (Vec::new(), 0);
        while let Some(r) = rows.next()? {
            if !holds_substrings(r, &self.plan)? || !visible(r)? {
                continue;
            }
            if page.contains(&total) {
                hits.push(self.hit(r)?);
            }
            total += 1;
        }
        Ok((hits, total))
    }

    /// Every match counted in the index and only the page read from `search_docs`: for a
    /// reader who sees every row, with keywords the index answers alone.
    fn counted(&self, c: &Connection, fts: &str) -> rusqlite::Result<(Vec<Hit>, usize)> {
        let ((lo, hi), fts) = (self.keys, expression(fts, self.kind));
        // The total and the page from one snapshot of the model.
        let tx = c.unchecked_transaction()?;
        let total: i64 = tx
            .prepare_cached(sql::COUNT_MATCHING)?
            .query_row(params![fts, lo, hi], |r| r.get(0))?;
        let total = usize::try_from(total).unwrap_or(0);
        let mut hits = Vec::new();
        if self.q.limit > 0 && self.q.offset < total {
            let as_i64 = |n: usize| i64::try_from(n).unwrap_or(i64::MAX);
            let mut stmt = tx.prepare_cached(sql::PAGE_MATCHING)?;
            let mut rows = stmt.query(params![
                fts,
                lo,
                hi,
                as_i64(self.q.limit),
                as_i64(self.q.offset)
            ])?;
            while let Some(r) = rows.next()? {
                hits.push(self.hit(r)?);
            }
        }
        drop(tx);
        Ok((hits, total))
    }
}

/// The hits of `q` that `visible` lets through, newest first (by date, then by when they
/// were written), `q.offset` skipped and at most `q.limit` of them, with the total number
/// of visible hits. `visible` may be any rule: it is shown each candidate decoded whole.
/// [`search_as`] applies a reader's scope, faster.
///
/// Each keyword is looked up in the bigram index as a phrase; one with a lone CJK
/// character (a one-character keyword, say) is also checked as a substring of the text,
/// and one of only such characters is found by reading every text in the date range
/// (ADR 0010). A keyword [`keyword_error`] refuses finds nothing.
pub fn search(
    c: &Connection,
    q: &SearchQuery,
    visible: impl Fn(&Hit) -> bool,
) -> rusqlite::Result<(Vec<Hit>, usize)> {
    match Asked::new(q) {
        None => Ok((Vec::new(), 0)),
        Some(asked) => asked.filtered(c, |r| Ok(visible(&hit_row(r)?))),
    }
}

/// [`search`] within `scope` by the house rules ([`sees`]), answering the same. The
/// commission's (everything) is counted in the index and only its page read, unless a
/// keyword must also be checked in the texts; a limited scope reads each match's columns
/// that decide who sees it, and decodes only the page.
pub fn search_as(
    c: &Connection,
    q: &SearchQuery,
    scope: &Scope,
) -> rusqlite::Result<(Vec<Hit>, usize)> {
    let Some(asked) = Asked::new(q) else {
        return Ok((Vec::new(), 0));
    };
    match (scope, &asked.plan.fts) {
        (Scope::Everything, Some(fts)) if asked.plan.substrings.is_empty() => asked.counted(c, fts),
        (Scope::Everything, _) => asked.filtered(c, |_| Ok(true)),
        (Scope::Only(_), _) => {
            let mut seen = Seen {
                scope,
                subjects: HashMap::new(),
            };
            asked.filtered(c, |r| seen.row(r))
        }
    }
}
