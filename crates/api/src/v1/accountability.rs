//! Accountability (问责): the commission decides a measure against a unit or a cadre;
//! the commission or a discipline group stationed in the unit records an admonishment talk
//! (约谈); each cites its basis. The platform proposes a measure per unit and per cadre
//! from the facts of a year under the commission's rule table (差别化问责); a person
//! decides, and the decision records what had been proposed.
//!
//! Decisions, talks and proposals are read by the commission and the discipline groups
//! (their stationed units); a unit's own cadres and the leaders in charge do not see the
//! proposals, and read decisions of what they see like any record (ADR 0008).

use super::Written;
use crate::acting::Acting;
use crate::extract::{Body, Ids as Path, Params};
use crate::problem::ApiError;
use crate::state::AppState;
use accountability::{DecisionQuery, DecisionView, RecordKind};
use axum::Json;
use axum::extract::State;
use axum::response::Response;
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use domain::accountability::rules::SetAccountabilityRules;
use domain::accountability::{
    AccountabilityCommand, AccountabilityRule, Basis, DecideAccountability, Facts, Measure,
    Proposal, RecordTalk, Target, TargetKind, propose,
};
use domain::calendar::local_date;
use domain::ids::{CadreId, DecisionId, UnitId};
use domain::obligation::ObligationRef;
use domain::org::CadreDuty;
use domain::user::Role;
use serde::{Deserialize, Serialize};
use std::cmp::Reverse;
use std::collections::HashMap;
use uuid::Uuid;

/// The read model of decisions, talks and circulars.
pub const ACCOUNTABILITY: &str = "accountability";

/// Most records of one page.
const MAX_LIMIT: u32 = 1000;

fn missing() -> ApiError {
    ApiError::not_found("no such accountability record")
}

/// A decision to record.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewDecision {
    /// The id to give it; default: from the Idempotency-Key if sent, else a fresh UUIDv7.
    pub decision_id: Option<Uuid>,
    pub target: Target,
    /// For a unit: `written_examination` (书面检查), `circulated_criticism` (通报批评),
    /// `organisational_adjustment` (组织调整); for a cadre: `circulated_criticism`,
    /// `admonishment` (诫勉谈话), `suspension` (停职检查), `ordered_resignation` (责令辞职).
    pub measure: Measure,
    /// 1–2000 characters.
    pub reason: String,
    /// At least one obligation, problem or filing it rests on.
    pub basis: Basis,
    /// What `GET /accountability/proposals` proposed for the target, if the decider looked.
    pub proposed: Option<Measure>,
}

/// Decides an accountability measure (问责决定): the commission only.
#[utoipa::path(
    post,
    path = "/api/v1/accountability/decisions",
    operation_id = "decide_accountability",
    tag = "accountability",
    request_body = NewDecision,
    responses((status = 201, description = "Decided; `id` is the decision's.", body = Written))
)]
pub async fn decide(
    State(s): State<AppState>,
    acting: Acting,
    Body(req): Body<NewDecision>,
) -> Result<Response, ApiError> {
    acting.commission("decide accountability")?;
    let meta = acting.meta("POST /accountability/decisions", &req);
    let id = DecisionId(acting.new_id(req.decision_id, "accountability"));
    let actor = s.app.problem_actor(&acting.principal.user.account).await?;
    let refs = references(&s, &req.basis).await?;
    let c = AccountabilityCommand::Decide(DecideAccountability {
        decision_id: id,
        target: req.target,
        measure: req.measure,
        reason: req.reason,
        basis: req.basis,
        proposed: req.proposed,
    });
    let out = s.app.accountability_command(c, actor, &refs, &meta).await?;
    Ok(Written::new(id.uuid(), &out).created())
}

/// Where each cited obligation comes from, as the board knows it (an obligation the board
/// does not know is reported unknown by the decision).
async fn references(s: &AppState, basis: &Basis) -> Result<Vec<ObligationRef>, ApiError> {
    if basis.obligations.is_empty() {
        return Ok(Vec::new());
    }
    let head = s.store.head().await?;
    s.wait_for("board", head).await?;
    let ids = basis.obligations.clone();
    s.views
        .query(move |c| {
            let mut refs = Vec::new();
            for id in ids {
                refs.extend(board::obligation_ref(c, id)?);
            }
            Ok(refs)
        })
        .await
}

/// A talk to record.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewTalk {
    /// The id to give it; default: from the Idempotency-Key if sent, else a fresh UUIDv7.
    pub talk_id: Option<Uuid>,
    pub cadre_id: CadreId,
    /// The local date it was held: today or earlier.
    pub held_on: NaiveDate,
    /// Who held it, e.g. "区纪委副书记 张三", 1–100 characters.
    pub held_by: String,
    /// 1–2000 characters.
    pub summary: String,
    /// At least one obligation, problem or filing it rests on.
    pub basis: Basis,
}

/// Records an admonishment talk held (约谈): the commission, or a discipline group stationed in the cadre's unit.
#[utoipa::path(
    post,
    path = "/api/v1/accountability/talks",
    operation_id = "record_talk",
    tag = "accountability",
    request_body = NewTalk,
    responses((status = 201, description = "Recorded; `id` is the talk's.", body = Written))
)]
pub async fn talk(
    State(s): State<AppState>,
    acting: Acting,
    Body(req): Body<NewTalk>,
) -> Result<Response, ApiError> {
    let meta = acting.meta("POST /accountability/talks", &req);
    let id = DecisionId(acting.new_id(req.talk_id, "talk"));
    if !acting.scope().sees_cadre(req.cadre_id) {
        return Err(ApiError::invalid(
            "cadre_id",
            "no such cadre among those you see",
        ));
    }
    let actor = s.app.problem_actor(&acting.principal.user.account).await?;
    let refs = references(&s, &req.basis).await?;
    let c = AccountabilityCommand::Talk(RecordTalk {
        talk_id: id,
        cadre_id: req.cadre_id,
        held_on: req.held_on,
        held_by: req.held_by,
        summary: req.summary,
        basis: req.basis,
    });
    let out = s.app.accountability_command(c, actor, &refs, &meta).await?;
    Ok(Written::new(id.uuid(), &out).created())
}

/// `GET /accountability` filters.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    /// `decision` or `talk`.
    pub kind: Option<RecordKind>,
    pub unit_id: Option<UnitId>,
    pub cadre_id: Option<CadreId>,
    /// Decided (or held) on this local date or later.
    #[param(format = Date, example = "2026-01-01")]
    pub from: Option<String>,
    /// Decided (or held) on this local date or earlier.
    #[param(format = Date, example = "2026-12-31")]
    pub to: Option<String>,
    /// The `position` of the last record of the previous page.
    #[serde(default, deserialize_with = "crate::extract::position")]
    pub before: Option<u64>,
    /// At most this many (1–1,000; default 100).
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<u32>,
}

/// Accountability decisions and talks, newest first: those of the units (or cadres) one sees.
#[utoipa::path(
    get,
    path = "/api/v1/accountability",
    operation_id = "list_accountability",
    tag = "accountability",
    params(ListQuery),
    responses((status = 200, description = "Decisions and talks, newest first.", body = Vec<DecisionView>))
)]
pub async fn list(
    State(s): State<AppState>,
    acting: Acting,
    Params(q): Params<ListQuery>,
) -> Result<Json<Vec<DecisionView>>, ApiError> {
    let scope = acting.reader()?.clone();
    let limit = q.limit.unwrap_or(100);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(ApiError::invalid("limit", "must be 1 to 1000"));
    }
    let (from, to) = super::problems::range(q.from.as_deref(), q.to.as_deref())?;
    let query = DecisionQuery {
        kind: q.kind,
        unit: q.unit_id,
        cadre: q.cadre_id,
        from,
        to,
        before: q.before,
        limit,
    };
    caught_up(&s).await?;
    let rows = s
        .views
        .query(move |c| {
            accountability::decisions(c, &query, |u, cadre| scope.sees_record(u, cadre))
        })
        .await?;
    Ok(Json(rows))
}

/// Waits until the accountability read model holds everything appended so far.
pub(crate) async fn caught_up(s: &AppState) -> Result<(), ApiError> {
    let head = s.store.head().await?;
    s.wait_for(ACCOUNTABILITY, head).await
}

/// One decision or talk.
#[utoipa::path(
    get,
    path = "/api/v1/accountability/{id}",
    operation_id = "get_accountability",
    tag = "accountability",
    params(("id" = DecisionId, Path, description = "The decision or talk.")),
    responses((status = 200, description = "The decision or talk.", body = DecisionView))
)]
pub async fn get(
    State(s): State<AppState>,
    acting: Acting,
    Path(id): Path<DecisionId>,
) -> Result<Json<DecisionView>, ApiError> {
    let scope = acting.reader()?.clone();
    caught_up(&s).await?;
    s.views
        .query(move |c| accountability::decision(c, id))
        .await?
        .filter(|d| scope.sees_record(d.unit_id, d.cadre_id))
        .map(Json)
        .ok_or_else(missing)
}

/// The rule table of graded accountability in force (the commission's, else the defaults).
#[utoipa::path(
    get,
    path = "/api/v1/accountability/rules",
    operation_id = "get_accountability_rules",
    tag = "accountability",
    responses((status = 200, description = "The rules, in order.", body = Vec<AccountabilityRule>))
)]
pub async fn rules(
    State(s): State<AppState>,
    acting: Acting,
) -> Result<Json<Vec<AccountabilityRule>>, ApiError> {
    discipline(&acting)?;
    Ok(Json(s.app.accountability_rules().await?))
}

/// The whole rule table from now on.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Rules {
    /// 1–100 rules; each sets at least one threshold (≥ 1) and a measure of its target.
    pub rules: Vec<AccountabilityRule>,
}

/// Sets the rule table (the commission only).
#[utoipa::path(
    put,
    path = "/api/v1/accountability/rules",
    operation_id = "set_accountability_rules",
    tag = "accountability",
    request_body = Rules,
    responses((status = 200, description = "Set (nothing is written if unchanged).", body = Written))
)]
pub async fn set_rules(
    State(s): State<AppState>,
    acting: Acting,
    Body(req): Body<Rules>,
) -> Result<Response, ApiError> {
    acting.commission("set the accountability rules")?;
    let meta = acting.meta("PUT /accountability/rules", &req);
    let out = s
        .app
        .set_accountability_rules(SetAccountabilityRules { rules: req.rules }, &meta)
        .await?;
    Ok(Written::new(Uuid::nil(), &out).ok())
}

/// Proposals are for the commission and the discipline groups.
fn discipline(acting: &Acting) -> Result<(), ApiError> {
    match acting.role() {
        Role::Commission | Role::DisciplineGroup => Ok(()),
        _ => Err(ApiError::forbidden(
            "accountability proposals and rules are for the commission and the discipline groups",
        )),
    }
}

/// `?year=&as_of=`
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct YearQuery {
    /// The year (default: this year, local).
    #[param(minimum = 2000, maximum = 2100)]
    pub year: Option<i32>,
    /// The instant the facts are taken at (RFC 3339; default now).
    #[param(format = DateTime, example = "2026-06-30T23:59:59+08:00")]
    pub as_of: Option<String>,
}

/// What the table proposes for one unit or cadre.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ProposalRow {
    pub target: Target,
    /// The unit's or the cadre's name.
    pub name: String,
    /// The unit's name (a cadre's unit).
    pub unit_name: String,
    pub facts: Facts,
    /// What the table proposes, if anything.
    pub proposal: Option<Proposal>,
    /// The measures decided (and talks held) for it since the year began, up to `as_of`.
    pub decided: Vec<Measure>,
}

/// The proposals of a year.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Proposals {
    pub year: i32,
    pub as_of: DateTime<Utc>,
    /// Units, then cadres, with at least one fact counted; those with a proposal first.
    pub rows: Vec<ProposalRow>,
}

/// The year asked (default: this local year), checked.
pub(crate) fn year(given: Option<i32>, now: DateTime<Utc>) -> Result<i32, ApiError> {
    checked_year(given.unwrap_or_else(|| local_date(now).year()))
}

/// A year the service keeps records for, 2000 to 2100.
pub(crate) fn checked_year(y: i32) -> Result<i32, ApiError> {
    if (2000..=2100).contains(&y) {
        Ok(y)
    } else {
        Err(ApiError::invalid(
            "year",
            format!("{y} is not a year from 2000 to 2100"),
        ))
    }
}

/// Jan 1 and Dec 31 of a year.
pub(crate) fn bounds(year: i32) -> (NaiveDate, NaiveDate) {
    let d = |m, d| NaiveDate::from_ymd_opt(year, m, d).unwrap_or_default();
    (d(1, 1), d(12, 31))
}

/// Proposals of graded accountability (差别化问责) for a year, as of an instant: per unit and per cadre one sees, the facts (red lights, problems gone overdue, late filings), the measure the rule table proposes and what was already decided. The commission and the discipline groups only.
#[utoipa::path(
    get,
    path = "/api/v1/accountability/proposals",
    operation_id = "accountability_proposals",
    tag = "accountability",
    params(YearQuery),
    responses((status = 200, description = "The proposals.", body = Proposals))
)]
pub async fn proposals(
    State(s): State<AppState>,
    acting: Acting,
    Params(q): Params<YearQuery>,
) -> Result<Json<Proposals>, ApiError> {
    discipline(&acting)?;
    let scope = acting.scope().clone();
    let now = s.app.clock().now();
    let as_of = crate::extract::as_of(q.as_of.as_deref(), now)?;
    let year = year(q.year, now)?;
    let (from, to) = bounds(year);
    let rules = s.app.accountability_rules().await?;
    let head = s.store.head().await?;
    for model in ["board", "ledger", "filings", ACCOUNTABILITY] {
        s.wait_for(model, head).await?;
    }
    let rows = s
        .views
        .query(move |c| {
            let mut units: HashMap<UnitId, Facts> = HashMap::new();
            let mut cadres: HashMap<CadreId, Facts> = HashMap::new();
            for (u, n) in board::red_lights_by_unit(c, from, to, as_of)? {
                units.entry(u).or_default().red_lights = n;
            }
            for (u, n) in ledger::overdue_problems_by_unit(c, from, to, as_of)? {
                units.entry(u).or_default().overdue_problems = n;
            }
            for (u, n) in filings::late_filings_by_unit(c, from, to, as_of)? {
                units.entry(u).or_default().late_filings = n;
            }
            for (k, n) in board::red_lights_by_cadre(c, from, to, as_of)? {
                cadres.entry(k).or_default().red_lights = n;
            }
            for (k, n) in ledger::overdue_problems_by_cadre(c, from, to, as_of)? {
                cadres.entry(k).or_default().overdue_problems = n;
            }
            for (k, n) in filings::late_filings_by_cadre(c, from, to, as_of)? {
                cadres.entry(k).or_default().late_filings = n;
            }
            let mut decided: HashMap<(UnitId, Option<CadreId>), Vec<Measure>> = HashMap::new();
            // Decisions about a year are often taken early the next: since the year began.
            let until = local_date(as_of).max(from);
            for (u, k, m) in accountability::decided_targets(c, from, until)? {
                decided.entry((u, k)).or_default().push(m);
            }
            let unit_names: HashMap<UnitId, String> = board::district_overview(c, as_of)?
                .into_iter()
                .filter_map(|r| match r.owner {
                    board::Owner::Unit { unit_id } => Some((unit_id, r.name)),
                    _ => None,
                })
                .collect();
            let mut rows = Vec::new();
            for (unit_id, facts) in units {
                if !scope.sees_unit(unit_id) {
                    continue;
                }
                let name = unit_names.get(&unit_id).cloned().unwrap_or_default();
                rows.push(ProposalRow {
                    target: Target::Unit { unit_id },
                    unit_name: name.clone(),
                    name,
                    facts,
                    proposal: propose(&rules, TargetKind::Unit, facts),
                    decided: decided.remove(&(unit_id, None)).unwrap_or_default(),
                });
            }
            for cadre in board::cadres(c, as_of)? {
                let (Some(facts), Some(unit_id)) =
                    (cadres.get(&cadre.cadre_id), unit_of(&cadre.duty))
                else {
                    continue;
                };
                if !scope.sees_cadre(cadre.cadre_id) && !scope.sees_unit(unit_id) {
                    continue;
                }
                rows.push(ProposalRow {
                    target: Target::Cadre {
                        cadre_id: cadre.cadre_id,
                        unit_id,
                    },
                    name: cadre.name,
                    unit_name: unit_names.get(&unit_id).cloned().unwrap_or_default(),
                    facts: *facts,
                    proposal: propose(&rules, TargetKind::Cadre, *facts),
                    decided: decided
                        .remove(&(unit_id, Some(cadre.cadre_id)))
                        .unwrap_or_default(),
                });
            }
            rows.sort_by(|a, b| order(a).cmp(&order(b)));
            Ok(rows)
        })
        .await?;
    Ok(Json(Proposals { year, as_of, rows }))
}

/// Those with a proposal first, the most severe first; units before cadres; by name.
fn order(r: &ProposalRow) -> (Reverse<u8>, bool, &str, &str) {
    let rank = r
        .proposal
        .as_ref()
        .map_or(0, |p| p.measure.rank(r.target.kind()));
    (
        Reverse(rank),
        r.target.kind() == TargetKind::Cadre,
        &r.unit_name,
        &r.name,
    )
}

fn unit_of(duty: &CadreDuty) -> Option<UnitId> {
    match *duty {
        CadreDuty::PrincipalLeader { unit_id } | CadreDuty::TeamMember { unit_id } => Some(unit_id),
        CadreDuty::DisciplineGroup { .. } => None,
    }
}
