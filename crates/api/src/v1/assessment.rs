//! The annual assessment (考核): each unit's score for a year — the base less the points
//! for its red lights, problems gone overdue, late filings and accountability measures —
//! live and as of any instant; the commission sets each year's rules and, once the year is
//! over, finalises it (定格) as an event. Readers see the units they see.
//!
//! What counts for a year: obligations due in it that went red (orange too: made up
//! late), problems due in it that went overdue, filings of it that were late — all as
//! of the instant asked, so the year's last deadlines count once they have passed — and
//! the accountability measures decided in it.

use super::Written;
use super::accountability::{ACCOUNTABILITY, bounds, checked_year};
use crate::acting::Acting;
use crate::extract::{Body, Ids as Path, Params};
use crate::problem::ApiError;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::response::Response;
use chrono::{DateTime, NaiveDate, Utc};
use domain::assessment::{AssessmentCommand, AssessmentRules, UnitFacts, UnitScore};
use domain::ids::UnitId;
use domain::user::Scope;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use uuid::Uuid;

/// `?as_of=`
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct AsOf {
    /// The instant the scores are computed at (RFC 3339). Default: the finalised scores if
    /// the year is finalised, else now.
    #[param(format = DateTime, example = "2026-06-30T23:59:59+08:00")]
    pub as_of: Option<String>,
}

/// A year's scores.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Assessment {
    pub year: i32,
    pub rules: AssessmentRules,
    /// The local date it was finalised, if it was; the scores are then the finalised ones
    /// unless `as_of` was asked.
    pub finalised_on: Option<NaiveDate>,
    /// The instant the scores were computed at (for finalised scores: when it was finalised).
    pub as_of: DateTime<Utc>,
    /// Highest score first, then by name.
    pub scores: Vec<UnitScore>,
}

/// The scores of `year` as of `as_of`, every unit known then (unfiltered).
pub(crate) async fn live(
    s: &AppState,
    year: i32,
    rules: AssessmentRules,
    as_of: DateTime<Utc>,
) -> Result<Vec<UnitScore>, ApiError> {
    let (from, to) = bounds(year);
    let head = s.store.head().await?;
    for model in ["board", "ledger", "filings", ACCOUNTABILITY] {
        s.wait_for(model, head).await?;
    }
    s.views
        .query(move |c| {
            let mut facts: HashMap<UnitId, UnitFacts> = HashMap::new();
            for (u, n) in board::red_lights_by_unit(c, from, to, as_of)? {
                facts.entry(u).or_default().red_lights = n;
            }
            for (u, n) in ledger::overdue_problems_by_unit(c, from, to, as_of)? {
                facts.entry(u).or_default().overdue_problems = n;
            }
            for (u, n) in filings::late_filings_by_unit(c, from, to, as_of)? {
                facts.entry(u).or_default().late_filings = n;
            }
            for (u, n) in accountability::measures_by_unit(c, from, to, as_of)? {
                facts.entry(u).or_default().accountability_measures = n;
            }
            let mut scores: Vec<UnitScore> = board::district_overview(c, as_of)?
                .into_iter()
                .filter_map(|r| match r.owner {
                    board::Owner::Unit { unit_id } => Some(rules.score(
                        unit_id,
                        r.name,
                        facts.get(&unit_id).copied().unwrap_or_default(),
                    )),
                    board::Owner::DisciplineGroup { .. } => None,
                })
                .collect();
            sort(&mut scores);
            Ok(scores)
        })
        .await
}

fn sort(scores: &mut [UnitScore]) {
    scores.sort_by(|a, b| (b.score, &a.unit_name).cmp(&(a.score, &b.unit_name)));
}

/// A year's assessment for `scope`: finalised, or live as of `as_of`.
pub(crate) async fn assessment(
    s: &AppState,
    year: i32,
    as_of: Option<DateTime<Utc>>,
    scope: &Scope,
) -> Result<Assessment, ApiError> {
    let state = s.app.assessment(year).await?;
    super::accountability::caught_up(s).await?;
    let finalised = s
        .views
        .query(move |c| accountability::finalised(c, year))
        .await?;
    let (as_of, mut scores) = match (&finalised, as_of) {
        (Some(f), None) => (f.recorded_at, f.scores.clone()),
        (_, given) => {
            let at = given.unwrap_or_else(|| s.app.clock().now());
            (at, live(s, year, state.rules(), at).await?)
        }
    };
    scores.retain(|u| scope.sees_unit(u.unit_id));
    sort(&mut scores);
    Ok(Assessment {
        year,
        rules: finalised.as_ref().map_or(state.rules(), |f| f.rules),
        finalised_on: finalised.map(|f| f.finalised_on),
        as_of,
        scores,
    })
}

/// A year's assessment (考核得分) of the units one sees: the finalised scores if the year is finalised (unless `as_of` is asked), else live as of `as_of`.
#[utoipa::path(
    get,
    path = "/api/v1/assessments/{year}",
    operation_id = "get_assessment",
    tag = "assessment",
    params(("year" = i32, Path, description = "The year, 2000 to 2100.", minimum = 2000, maximum = 2100), AsOf),
    responses((status = 200, description = "The scores.", body = Assessment))
)]
pub async fn get(
    State(s): State<AppState>,
    acting: Acting,
    Path(year): Path<i32>,
    Params(q): Params<AsOf>,
) -> Result<Json<Assessment>, ApiError> {
    let scope = acting.reader()?.clone();
    let year = checked_year(year)?;
    let as_of = q
        .as_of
        .as_deref()
        .map(|v| crate::extract::as_of(Some(v), s.app.clock().now()))
        .transpose()?;
    Ok(Json(assessment(&s, year, as_of, &scope).await?))
}

/// A year's rules in force (the commission's, else the defaults: base 100; 2 per red light, 3 per problem gone overdue, 1 per late filing, 5 per accountability measure).
#[utoipa::path(
    get,
    path = "/api/v1/assessments/{year}/rules",
    operation_id = "get_assessment_rules",
    tag = "assessment",
    params(("year" = i32, Path, description = "The year, 2000 to 2100.", minimum = 2000, maximum = 2100)),
    responses((status = 200, description = "The rules.", body = AssessmentRules))
)]
pub async fn rules(
    State(s): State<AppState>,
    acting: Acting,
    Path(year): Path<i32>,
) -> Result<Json<AssessmentRules>, ApiError> {
    acting.reader()?;
    let year = checked_year(year)?;
    Ok(Json(s.app.assessment(year).await?.rules()))
}

/// Sets a year's rules (the commission only), until the year is finalised.
#[utoipa::path(
    put,
    path = "/api/v1/assessments/{year}/rules",
    operation_id = "set_assessment_rules",
    tag = "assessment",
    params(("year" = i32, Path, description = "The year, 2000 to 2100.", minimum = 2000, maximum = 2100)),
    request_body = AssessmentRules,
    responses((status = 200, description = "Set (nothing is written if unchanged).", body = Written))
)]
pub async fn set_rules(
    State(s): State<AppState>,
    acting: Acting,
    Path(year): Path<i32>,
    Body(req): Body<AssessmentRules>,
) -> Result<Response, ApiError> {
    acting.commission("set the assessment rules")?;
    let year = checked_year(year)?;
    let meta = acting.meta(&format!("PUT /assessments/{year}/rules"), &req);
    let actor = s.app.problem_actor(&acting.principal.user.account).await?;
    let c = AssessmentCommand::SetRules { year, rules: req };
    let out = s.app.assessment_command(c, actor, &meta).await?;
    Ok(Written::new(Uuid::nil(), &out).ok())
}

/// Finalises a year (考核定格), the commission only, once the year is over: every unit's score as of now (the year's obligations, problems and filings as they stand, its last deadlines passed), fixed as an event.
#[utoipa::path(
    post,
    path = "/api/v1/assessments/{year}/finalisation",
    operation_id = "finalise_assessment",
    tag = "assessment",
    params(("year" = i32, Path, description = "The year, 2000 to 2100.", minimum = 2000, maximum = 2100)),
    responses((status = 200, description = "Finalised.", body = Written))
)]
pub async fn finalise(
    State(s): State<AppState>,
    acting: Acting,
    Path(year): Path<i32>,
) -> Result<Response, ApiError> {
    acting.commission("finalise the assessment")?;
    let year = checked_year(year)?;
    let meta = acting.meta(&format!("POST /assessments/{year}/finalisation"), &());
    let actor = s.app.problem_actor(&acting.principal.user.account).await?;
    let rules = s.app.assessment(year).await?.rules();
    let scores = live(&s, year, rules, s.app.clock().now()).await?;
    let c = AssessmentCommand::Finalise { year, scores };
    let out = s.app.assessment_command(c, actor, &meta).await?;
    Ok(Written::new(Uuid::nil(), &out).ok())
}
