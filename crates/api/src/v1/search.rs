//! Full-text search (检索) of duty entries and of the problem ledger's texts, Chinese
//! included (ADR 0010), within what the reader sees: a hit outside the scope is neither
//! answered nor counted in `total`.

use crate::acting::Acting;
use crate::extract::Params;
use crate::problem::ApiError;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use search::{Hit, HitKind, SearchQuery};
use serde::{Deserialize, Serialize};

/// The read model searched.
pub const SEARCH: &str = "search";

/// Most hits of one page.
const MAX_LIMIT: usize = 200;
/// Hits of one page by default.
const DEFAULT_LIMIT: usize = 50;
/// Farthest a page may start.
const MAX_OFFSET: usize = 10_000;

/// `?q=&from=&to=&kind=&limit=&offset=`
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct SearchParams {
    /// Keywords separated by spaces, all of which must occur (1–100 characters), e.g. `廉政`.
    #[param(required = true, min_length = 1, max_length = 100, example = "廉政")]
    pub q: Option<String>,
    /// Only hits dated on or after this local date.
    #[param(format = Date, example = "2026-01-01")]
    pub from: Option<String>,
    /// Only hits dated on or before this local date.
    #[param(format = Date, example = "2026-12-31")]
    pub to: Option<String>,
    /// Only `entry` (duty entries) or `problem` (the ledger's texts); default both.
    #[param(value_type = Option<HitKind>)]
    pub kind: Option<String>,
    /// At most this many hits (1–200; default 50).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 200)]
    pub limit: Option<String>,
    /// Visible hits to skip (0–10,000; default 0).
    #[param(value_type = Option<u32>, minimum = 0, maximum = 10000)]
    pub offset: Option<String>,
}

/// One page of hits.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SearchResults {
    /// Every visible hit, on this page or not.
    pub total: usize,
    /// Newest first (by date, then by when written).
    pub hits: Vec<Hit>,
}

/// A whole number in `bounds`, or 422 naming `field`.
fn number(
    field: &'static str,
    value: Option<&str>,
    default: usize,
    bounds: std::ops::RangeInclusive<usize>,
) -> Result<usize, ApiError> {
    let Some(raw) = value else {
        return Ok(default);
    };
    // As sent: " 5" is not the integer the description asks for.
    match raw.parse::<usize>() {
        Ok(n) if bounds.contains(&n) => Ok(n),
        _ => Err(ApiError::invalid(
            field,
            format!(
                "{raw:?} is not a whole number from {} to {}",
                bounds.start(),
                bounds.end()
            ),
        )),
    }
}

/// 检索: the duty entries and problem texts holding every keyword (Chinese found inside words, e.g. 廉政 in 召开党风廉政建设专题会议), of those one sees, newest first, a page at a time with the total.
#[utoipa::path(
    get,
    path = "/api/v1/search",
    operation_id = "search",
    tag = "search",
    params(SearchParams),
    responses((status = 200, description = "A page of hits and the total.", body = SearchResults))
)]
pub async fn search(
    State(s): State<AppState>,
    acting: Acting,
    Params(q): Params<SearchParams>,
) -> Result<Json<SearchResults>, ApiError> {
    let scope = acting.reader()?.clone();
    let keyword = q.q.unwrap_or_default();
    // The description's 100 characters bound `q` as sent: blanks around a longer keyword
    // (trimmed before it is searched for) do not bring it within them.
    let sent = keyword.chars().count();
    if sent > search::MAX_KEYWORD {
        return Err(ApiError::invalid(
            "q",
            format!(
                "keyword must have at most {} characters, not {sent}",
                search::MAX_KEYWORD
            ),
        ));
    }
    if let Some(why) = search::keyword_error(&keyword) {
        return Err(ApiError::invalid("q", why));
    }
    let (from, to) = super::statistics::dates(q.from.as_deref(), q.to.as_deref())?;
    let kinds = match q.kind.as_deref() {
        None => Vec::new(),
        Some("entry") => vec![HitKind::Entry],
        Some("problem") => vec![HitKind::Problem],
        Some(other) => {
            return Err(ApiError::invalid(
                "kind",
                format!("{other:?} is not a kind: expected entry or problem"),
            ));
        }
    };
    let limit = number("limit", q.limit.as_deref(), DEFAULT_LIMIT, 1..=MAX_LIMIT)?;
    let offset = number("offset", q.offset.as_deref(), 0, 0..=MAX_OFFSET)?;
    let query = SearchQuery {
        keyword,
        from,
        to,
        kinds,
        limit,
        offset,
    };
    super::statistics::caught_up(&s, SEARCH).await?;
    let (hits, total) = s
        .views
        .query(move |c| search::search_as(c, &query, &scope))
        .await?;
    Ok(Json(SearchResults { total, hits }))
}
