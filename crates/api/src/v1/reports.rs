//! Spreadsheet reports (报表导出): the board, the problem ledger and the statistics as an
//! XLSX workbook or a CSV file with Chinese headers, downloaded as an attachment whose name
//! says what and when (`履责看板-2026-11-27.xlsx`). Each report is a function answering its
//! sheets, picked by name in [`report`]; every one holds only what the reader sees, by the
//! same rules as the JSON routes.

use super::board::BOARD;
use super::problems::LEDGER;
use super::statistics;
use crate::acting::Acting;
use crate::extract::{Ids as Path, Params};
use crate::problem::ApiError;
use crate::state::AppState;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use board::{ObligationView, Owner, OwnerLights};
use chrono::{DateTime, NaiveDate, Utc};
use domain::calendar::local_date;
use domain::org::Responsibility;
use domain::user::Scope;
use ledger::{ProblemDimension, ProblemQuery, ProblemView};
use serde::Deserialize;
use tabular::{Cell, Format, Sheet};

/// Problems read from the ledger at a time.
const LEDGER_PAGE: u32 = 1000;

/// `?format=&as_of=&year=&from=&to=`
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ReportQuery {
    /// `xlsx` (default) or `csv` (UTF-8 with a byte order mark; several sheets one after
    /// another, each after a line with its name); case is ignored.
    #[param(pattern = "^([xX][lL][sS][xX]|[cC][sS][vV])$", example = "xlsx")]
    pub format: Option<String>,
    /// The instant the report is as of (RFC 3339; default now).
    #[param(format = DateTime, example = "2026-06-30T23:59:59+08:00")]
    pub as_of: Option<String>,
    /// `statistics`: the year of the lights per month and of the filings; `assessment`:
    /// the year assessed (2000–2100; default the current local year).
    #[param(value_type = Option<i32>, minimum = 2000, maximum = 2100, example = 2026)]
    pub year: Option<String>,
    /// `statistics`: the first date of the completion and problem figures (default
    /// 1 January); `ledger`: only problems found on or after it (default all).
    #[param(format = Date, example = "2026-01-01")]
    pub from: Option<String>,
    /// `statistics`: the last date of the completion and problem figures (default
    /// 31 December); `ledger`: only problems found on or before it (default all).
    #[param(format = Date, example = "2026-12-31")]
    pub to: Option<String>,
}

/// What a report is asked for, parsed and defaulted.
#[derive(Debug, Clone, Copy)]
struct Ask {
    as_of: DateTime<Utc>,
    year: i32,
    /// The range, defaulted as the statistics default it.
    range: (NaiveDate, NaiveDate),
    /// The dates as given.
    given: (Option<NaiveDate>, Option<NaiveDate>),
    /// Whether `as_of` was asked (else it is now).
    as_of_given: bool,
}

/// 报表导出: downloads a report as a spreadsheet — `board` (履责看板: per unit and group one sees, the obligations by light, and a sheet of every obligation), `ledger` (问题台账: the problems one sees, newest first) `assessment` (年度考核: the year's scores of the units one sees, finalised or live as of `as_of`, and the rules) or `statistics` (统计分析: lights per unit and month, completion, and for the commission and auditors problems by type and source and filings by month). Answered as an attachment: XLSX or CSV, not JSON.
#[utoipa::path(
    get,
    path = "/api/v1/reports/{name}",
    operation_id = "download_report",
    tag = "reports",
    params(("name" = String, Path, description = "`board`, `ledger`, `assessment` or `statistics`.", pattern = "^(board|ledger|assessment|statistics)$"), ReportQuery),
    responses((status = 200, description = "The report, as an attachment named `<name>-<date>.<format>` (and in Chinese by `filename*`).",
        content(
            ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            (String = "text/csv; charset=utf-8"),
        )))
)]
pub async fn report(
    State(s): State<AppState>,
    acting: Acting,
    Path(name): Path<String>,
    Params(q): Params<ReportQuery>,
) -> Result<Response, ApiError> {
    let scope = acting.reader()?;
    let format = match q.format.as_deref() {
        None => Format::Xlsx,
        Some(f) => f
            .parse::<Format>()
            .map_err(|e| ApiError::invalid("format", e.to_string()))?,
    };
    let now = s.app.clock().now();
    let given = statistics::dates(q.from.as_deref(), q.to.as_deref())?;
    let ask = Ask {
        as_of: crate::extract::as_of(q.as_of.as_deref(), now)?,
        year: statistics::year(q.year.as_deref(), now)?,
        range: statistics::range(q.from.as_deref(), q.to.as_deref(), now)?,
        given,
        as_of_given: q.as_of.is_some(),
    };
    let (title, sheets) = match name.as_str() {
        "board" => ("履责看板", board_report(&s, scope, ask).await?),
        "ledger" => ("问题台账", ledger_report(&s, scope, ask).await?),
        "statistics" => ("统计分析", statistics_report(&s, scope, ask).await?),
        "assessment" => ("年度考核", assessment_report(&s, scope, ask).await?),
        _ => {
            return Err(ApiError::not_found(
                "no such report: board, ledger, assessment or statistics",
            ));
        }
    };
    let bytes = tabular::write(format, &sheets).map_err(ApiError::internal)?;
    // The name is one of the reports above: ASCII, safe in a quoted string.
    let (date, ext) = (local_date(ask.as_of), format.extension());
    let disposition = format!(
        "attachment; filename=\"{name}-{date}.{ext}\"; filename*=UTF-8''{}",
        percent_encode(&format!("{title}-{date}.{ext}")),
    );
    let disposition = HeaderValue::from_str(&disposition).map_err(ApiError::internal)?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static(format.content_type()),
            ),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        bytes,
    )
        .into_response())
}

/// 年度考核: the scores (finalised, or live as of `as_of` when it is asked or the year is
/// not finalised) and the rules they were computed with.
async fn assessment_report(s: &AppState, scope: &Scope, ask: Ask) -> Result<Vec<Sheet>, ApiError> {
    let given = ask.as_of_given.then_some(ask.as_of);
    let a = super::assessment::assessment(s, ask.year, given, scope).await?;
    let mut scores = Sheet::new(
        format!("{}年度考核得分", a.year),
        &[
            "单位",
            "红灯",
            "逾期整改问题",
            "逾期报备",
            "问责",
            "扣分",
            "得分",
        ],
    );
    for u in &a.scores {
        scores.push(vec![
            u.unit_name.as_str().into(),
            u.facts.red_lights.into(),
            u.facts.overdue_problems.into(),
            u.facts.late_filings.into(),
            u.facts.accountability_measures.into(),
            u.deduction.into(),
            u.score.into(),
        ]);
    }
    let mut rules = Sheet::new("考核规则", &["项目", "分值"]);
    let r = a.rules;
    for (item, points) in [
        ("基础分", r.base),
        ("每个红灯扣分", r.per_red_light),
        ("每个逾期整改问题扣分", r.per_overdue_problem),
        ("每次逾期报备扣分", r.per_late_filing),
        ("每项问责扣分", r.per_accountability),
    ] {
        rules.push(vec![item.into(), points.into()]);
    }
    let status = match a.finalised_on {
        Some(d) => format!("{d} 定格"),
        None => format!("截至 {}", a.as_of.to_rfc3339()),
    };
    rules.push(vec!["状态".into(), status.into()]);
    Ok(vec![scores, rules])
}

/// `value` as RFC 8187 `ext-value` characters: UTF-8, every byte outside `attr-char`
/// percent-encoded.
fn percent_encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len() * 3);
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn count(n: u32) -> Cell {
    Cell::from(n)
}

/// The board rows of the units and groups one sees.
fn visible(scope: &Scope, row: &OwnerLights) -> bool {
    match row.owner {
        Owner::Unit { unit_id } => scope.sees_unit(unit_id),
        Owner::DisciplineGroup { group_id } => scope.sees_group(group_id),
    }
}

fn responsibility(r: Responsibility) -> &'static str {
    match r {
        Responsibility::Principal => "主体责任",
        Responsibility::Supervisory => "监督责任",
    }
}

/// 履责看板: one row per unit and group one sees (as `GET /board` counts them), and 义务明细:
/// each of their obligations one sees, with its light.
async fn board_report(s: &AppState, scope: &Scope, ask: Ask) -> Result<Vec<Sheet>, ApiError> {
    statistics::caught_up(s, BOARD).await?;
    let as_of = ask.as_of;
    let scope_for_query = scope.clone();
    let (rows, obligations) = s
        .views
        .query(move |c| {
            let rows: Vec<OwnerLights> = board::district_overview(c, as_of)?
                .into_iter()
                .filter(|r| visible(&scope_for_query, r))
                .collect();
            let mut obligations: Vec<(String, ObligationView)> = Vec::new();
            for r in &rows {
                let found = match r.owner {
                    Owner::Unit { unit_id } => board::unit_obligations(c, unit_id, as_of)?,
                    Owner::DisciplineGroup { group_id } => {
                        board::group_obligations(c, group_id, as_of)?
                    }
                };
                obligations.extend(
                    found
                        .unwrap_or_default()
                        .into_iter()
                        .filter(|o| scope_for_query.sees_subject(&o.subject))
                        .map(|o| (r.name.clone(), o)),
                );
            }
            Ok((rows, obligations))
        })
        .await?;
    let mut board = Sheet::new(
        "履责看板",
        &["单位", "类型", "绿", "黄", "红", "橙", "未到期", "合计"],
    );
    for r in &rows {
        let l = &r.lights;
        board.push(vec![
            r.name.as_str().into(),
            r.kind.label_zh().into(),
            count(l.green),
            count(l.yellow),
            count(l.red),
            count(l.orange),
            count(l.pending),
            count(l.total()),
        ]);
    }
    let mut detail = Sheet::new(
        "义务明细",
        &[
            "单位",
            "履责对象",
            "对象名称",
            "责任",
            "类别",
            "内容",
            "期间",
            "截止日期",
            "要求次数",
            "已记录",
            "按时",
            "灯",
        ],
    );
    for (owner, o) in obligations {
        detail.push(vec![
            owner.into(),
            o.subject.kind().label_zh().into(),
            o.subject_name.into(),
            responsibility(o.responsibility).into(),
            o.category.into(),
            o.content.into(),
            o.period_label.into(),
            o.deadline.into(),
            count(o.required_count),
            count(o.count),
            count(o.on_time),
            o.light.label_zh().into(),
        ]);
    }
    Ok(vec![board, detail])
}

/// 问题台账: every problem one sees (found in the range, if one is given), newest first,
/// with its light as of the instant.
async fn ledger_report(s: &AppState, scope: &Scope, ask: Ask) -> Result<Vec<Sheet>, ApiError> {
    statistics::caught_up(s, LEDGER).await?;
    let query = ProblemQuery {
        from: ask.given.0,
        to: ask.given.1,
        as_of: ask.as_of,
        limit: LEDGER_PAGE,
        ..ProblemQuery::default()
    };
    let scope = scope.clone();
    let problems = s
        .views
        .query(move |c| {
            let mut all: Vec<ProblemView> = Vec::new();
            let mut q = query;
            loop {
                let page = ledger::problems(c, &q, &scope)?;
                let full = page.len() >= LEDGER_PAGE as usize;
                q.before = page.last().map(|p| p.position);
                all.extend(page);
                if !full {
                    return Ok(all);
                }
            }
        })
        .await?;
    let mut sheet = Sheet::new(
        "问题台账",
        &[
            "单位",
            "干部",
            "来源",
            "类型",
            "严重程度",
            "问题描述",
            "发现日期",
            "整改期限",
            "状态",
            "灯",
            "销号日期",
        ],
    );
    for p in problems {
        sheet.push(vec![
            p.unit_name.unwrap_or_else(|| p.unit_id.to_string()).into(),
            p.cadre_name.into(),
            p.source.label_zh().into(),
            p.problem_type.label.into(),
            p.severity.label_zh().into(),
            p.description.into(),
            p.found_on.into(),
            p.rectify_by.into(),
            p.status.label_zh().into(),
            p.light.label_zh().into(),
            p.closed_on.into(),
        ]);
    }
    Ok(vec![sheet])
}

/// A share as a percentage with one decimal.
fn percent(share: f64) -> Cell {
    Cell::Number((share * 1000.0).round() / 10.0)
}

/// 统计分析: the per-unit sheets (lights per unit and month, completion) for everyone, cut to
/// the units one sees; the district-wide ones (problems by type and by source, filings by
/// month) only for a reader who sees the whole district.
async fn statistics_report(s: &AppState, scope: &Scope, ask: Ask) -> Result<Vec<Sheet>, ApiError> {
    let mut sheets = Vec::new();
    let mut lights = Sheet::new(
        "各单位各月亮灯",
        &["单位", "月份", "绿", "黄", "红", "橙", "未到期", "合计"],
    );
    for r in statistics::lights(s, scope, ask.year, ask.as_of).await? {
        lights.push(vec![
            r.unit_name.into(),
            format!("{}-{:02}", ask.year, r.month).into(),
            count(r.green),
            count(r.yellow),
            count(r.red),
            count(r.orange),
            count(r.pending),
            count(r.green + r.yellow + r.red + r.orange + r.pending),
        ]);
    }
    sheets.push(lights);
    let mut completion = Sheet::new(
        "完成率",
        &[
            "单位",
            "到期",
            "按时完成",
            "补录完成",
            "未完成",
            "完成率(%)",
            "按时完成率(%)",
        ],
    );
    for u in statistics::completion(s, scope, ask.range, ask.as_of).await? {
        completion.push(vec![
            u.unit_name.into(),
            count(u.due),
            count(u.green),
            count(u.orange),
            count(u.red),
            percent(u.rate),
            percent(u.on_time_rate),
        ]);
    }
    sheets.push(completion);
    if !statistics::sees_district(scope) {
        return Ok(sheets);
    }
    for (name, heading, dimension) in [
        ("问题类型", "类型", ProblemDimension::Type),
        ("问题来源", "来源", ProblemDimension::Source),
    ] {
        let mut sheet = Sheet::new(name, &[heading, "问题数", "未销号", "逾期", "已销号"]);
        for b in statistics::problems(s, scope, dimension, ask.range, ask.as_of).await? {
            sheet.push(vec![
                b.label.into(),
                count(b.count),
                count(b.open),
                count(b.overdue),
                count(b.closed),
            ]);
        }
        sheets.push(sheet);
    }
    let mut filings = Sheet::new(
        "报备按月",
        &["月份", "外出报备", "婚丧嫁娶报备", "逾期报备", "已撤销"],
    );
    for m in statistics::filings(s, ask.year, ask.as_of).await? {
        filings.push(vec![
            format!("{}-{:02}", ask.year, m.month).into(),
            count(m.travel),
            count(m.family),
            count(m.late),
            count(m.cancelled),
        ]);
    }
    sheets.push(filings);
    Ok(sheets)
}
