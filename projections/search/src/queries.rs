//! Searching: the texts matching every keyword, dated in a range, of the kinds asked,
//! that the reader may see, newest first, a page at a time with the total.

use crate::sql;
use crate::text::{self, Plan};
use chrono::NaiveDate;
use domain::ids::{CadreId, ObligationId, ProblemId, UnitId};
use domain::org::Subject;
use domain::user::Scope;
use rusqlite::{Connection, Row, params};
use serde::{Deserialize, Serialize};
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

/// Column of the text in [`sql::MATCHING`] and [`sql::SCANNING`].
const TEXT: usize = 9;

/// A row of [`sql::MATCHING`] or [`sql::SCANNING`], without its snippet.
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

/// The hits of `q` that `visible` lets through, newest first (by date, then by when they
/// were written), `q.offset` skipped and at most `q.limit` of them, with the total number
/// of visible hits. `visible` is the reader's scope; [`sees`] applies the house rules.
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
    if keyword_error(&q.keyword).is_some() {
        return Ok((Vec::new(), 0));
    }
    let plan = text::plan(&q.keyword);
    let wants = |k| q.kinds.is_empty() || q.kinds.contains(&k);
    let kind = match (wants(HitKind::Entry), wants(HitKind::Problem)) {
        (true, false) => Some(HitKind::Entry.as_str()),
        (false, true) => Some(HitKind::Problem.as_str()),
        _ => None,
    };
    let (from, to) = (q.from.map(|d| d.to_string()), q.to.map(|d| d.to_string()));
    let mut stmt = c.prepare_cached(match plan.fts {
        Some(_) => sql::MATCHING,
        None => sql::SCANNING,
    })?;
    let mut rows = match &plan.fts {
        Some(fts) => stmt.query(params![fts, from, to, kind])?,
        None => stmt.query(params![from, to, kind])?,
    };
    let page = q.offset..q.offset.saturating_add(q.limit);
    let (mut hits, mut total) = (Vec::new(), 0);
    while let Some(r) = rows.next()? {
        if !holds_substrings(r, &plan)? {
            continue;
        }
        let mut hit = hit_row(r)?;
        if !visible(&hit) {
            continue;
        }
        if page.contains(&total) {
            hit.snippet = text::snippet(r.get_ref(TEXT)?.as_str()?, &plan.keywords);
            hits.push(hit);
        }
        total += 1;
    }
    Ok((hits, total))
}
