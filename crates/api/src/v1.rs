//! `/api/v1`: the commands and queries of the duty domain.

mod accountability;
mod assessment;
mod auth;
pub(crate) mod board;
mod circulars;
mod entries;
mod evidence;
mod filings;
mod history;
mod lists;
mod notifications;
mod org;
mod oversight;
pub(crate) mod problems;
mod reports;
mod search;
mod statistics;
mod timeline;
mod users;
mod written;

use crate::state::AppState;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post, put};

pub use written::Written;

/// The `/api/v1` routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/auth/login", post(auth::login))
        .route("/auth/logout", post(auth::logout))
        .route("/auth/me", get(auth::whoami))
        .route("/auth/password", post(auth::change_password))
        .route("/users", post(users::register).get(users::list))
        .route("/users/{id}/password", post(users::reset_password))
        .route("/users/{id}/deactivation", post(users::deactivate))
        .route("/users/{id}/reactivation", post(users::reactivate))
        .route("/cadres/{id}/history", get(history::cadre_history))
        .route("/cadres/{id}/history/diff", get(timeline::cadre_diff))
        .route("/units/{id}/history", get(timeline::unit_history))
        .route("/units/{id}/history/diff", get(timeline::unit_diff))
        .route("/access-log", get(history::access_log))
        .route("/notifications", get(notifications::list))
        .route("/notifications/read", post(notifications::mark_read))
        .route("/units", post(org::register_unit).get(board::units))
        .route("/units/{id}/obligations", get(board::unit_obligations))
        .route("/groups", post(org::register_group))
        .route("/groups/{id}/stationing", put(org::change_stationing))
        .route("/groups/{id}/obligations", get(board::group_obligations))
        .route("/cadres", post(org::register_cadre).get(board::cadres))
        .route("/cadres/{id}/transfer", post(org::transfer_cadre))
        .route("/cadres/{id}/obligations", get(board::cadre_obligations))
        .route("/leaders", post(org::register_leader))
        .route("/leaders/{id}/units", put(org::change_leader_units))
        .route("/lists", post(lists::publish))
        .route("/lists/{id}/revisions", post(lists::revise))
        .route("/lists/{id}/assignments", post(lists::assign))
        .route("/key-tasks", post(lists::set_key_task))
        .route("/obligations/{id}/entries", post(entries::record))
        .route(
            "/obligations/{id}/entries/{entry_id}/corrections",
            post(entries::correct),
        )
        .route(
            "/obligations/{id}/entries/{entry_id}/withdrawal",
            post(entries::withdraw),
        )
        .route("/board", get(board::board))
        .route("/filings", get(filings::list))
        .route("/filings/travel", post(filings::file_travel))
        .route("/filings/family-events", post(filings::file_family_event))
        .route("/filings/{id}", get(filings::get))
        .route("/filings/{id}/revisions", post(filings::revise))
        .route("/filings/{id}/cancellation", post(filings::cancel))
        .route("/filings/{id}/return", post(filings::report_return))
        .route("/filings/{id}/acknowledgement", post(filings::acknowledge))
        .route("/problems", post(problems::register).get(problems::list))
        .route("/problems/{id}", get(problems::get))
        .route("/problems/{id}/plan", post(problems::plan))
        .route("/problems/{id}/progress", post(problems::progress))
        .route(
            "/problems/{id}/closing-request",
            post(problems::request_closing),
        )
        .route("/problems/{id}/rejection", post(problems::reject))
        .route("/problems/{id}/closure", post(problems::close))
        .route(
            "/problem-types",
            get(problems::types).put(problems::set_types),
        )
        .route("/statistics/lights", get(statistics::lights_by_month))
        .route(
            "/statistics/completion",
            get(statistics::completion_by_unit),
        )
        .route("/statistics/problems", get(statistics::problems_by))
        .route(
            "/statistics/problem-concentration",
            get(statistics::problem_concentration),
        )
        .route("/statistics/filings", get(statistics::filings_by_month))
        .route("/search", get(search::search))
        .route("/reports/{name}", get(reports::report))
        .route(
            "/oversight-records",
            post(oversight::record).get(oversight::list),
        )
        .route(
            "/oversight-imports",
            post(oversight::import)
                .get(oversight::imports)
                .layer(DefaultBodyLimit::max(oversight::MAX_FILE_BYTES)),
        )
        .route("/oversight-imports/{id}", get(oversight::get_import))
        .route("/accountability", get(accountability::list))
        .route("/accountability/decisions", post(accountability::decide))
        .route("/accountability/talks", post(accountability::talk))
        .route(
            "/accountability/rules",
            get(accountability::rules).put(accountability::set_rules),
        )
        .route("/accountability/proposals", get(accountability::proposals))
        .route("/accountability/{id}", get(accountability::get))
        .route("/circulars", post(circulars::draft).get(circulars::list))
        .route(
            "/circulars/{id}",
            get(circulars::get).put(circulars::revise),
        )
        .route("/circulars/{id}/publication", post(circulars::publish))
        .route("/checkpoints", post(evidence::make))
        .route("/checkpoints/latest", get(evidence::latest))
        .route("/checkpoints/public-key", get(evidence::public_key))
        .route("/proofs/inclusion", get(evidence::inclusion))
        .route("/proofs/consistency", get(evidence::consistency))
        .route("/export", get(evidence::export_log))
        .route("/assessments/{year}", get(assessment::get))
        .route(
            "/assessments/{year}/rules",
            get(assessment::rules).put(assessment::set_rules),
        )
        .route(
            "/assessments/{year}/finalisation",
            post(assessment::finalise),
        )
}

/// The description of every route above (one `paths(...)` entry per handler); a route added
/// without it fails the `openapi` test.
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    auth::login,
    auth::logout,
    auth::whoami,
    auth::change_password,
    users::register,
    users::list,
    users::reset_password,
    users::deactivate,
    users::reactivate,
    history::cadre_history,
    timeline::cadre_diff,
    timeline::unit_history,
    timeline::unit_diff,
    history::access_log,
    notifications::list,
    notifications::mark_read,
    org::register_unit,
    board::units,
    board::unit_obligations,
    org::register_group,
    org::change_stationing,
    board::group_obligations,
    org::register_cadre,
    board::cadres,
    org::transfer_cadre,
    board::cadre_obligations,
    org::register_leader,
    org::change_leader_units,
    lists::publish,
    lists::revise,
    lists::assign,
    lists::set_key_task,
    entries::record,
    entries::correct,
    entries::withdraw,
    board::board,
    filings::list,
    filings::file_travel,
    filings::file_family_event,
    filings::get,
    filings::revise,
    filings::cancel,
    filings::report_return,
    filings::acknowledge,
    problems::register,
    problems::list,
    problems::get,
    problems::plan,
    problems::progress,
    problems::request_closing,
    problems::reject,
    problems::close,
    problems::types,
    problems::set_types,
    statistics::lights_by_month,
    statistics::completion_by_unit,
    statistics::problems_by,
    statistics::problem_concentration,
    statistics::filings_by_month,
    search::search,
    reports::report,
    oversight::record,
    oversight::list,
    oversight::import,
    oversight::imports,
    oversight::get_import,
    accountability::list,
    accountability::decide,
    accountability::talk,
    accountability::rules,
    accountability::set_rules,
    accountability::proposals,
    accountability::get,
    circulars::draft,
    circulars::list,
    circulars::get,
    circulars::revise,
    circulars::publish,
    assessment::get,
    evidence::make,
    evidence::latest,
    evidence::public_key,
    evidence::inclusion,
    evidence::consistency,
    evidence::export_log,
    assessment::rules,
    assessment::set_rules,
    assessment::finalise,
))]
pub(crate) struct Doc;
