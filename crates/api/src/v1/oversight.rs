//! Oversight records (廉情数据): the commission enters one record at a time, or imports a
//! spreadsheet (CSV in UTF-8 or GBK, or XLSX) of many, all or nothing — a file with a bad
//! row stores nothing and answers every bad row by line and column (`import_rejected`);
//! the same file twice is `already_exists`. Records are read by whoever sees their unit
//! (or the cadre named), like problems (ADR 0008).

use super::Written;
use crate::acting::Acting;
use crate::extract::{Body, Ids as Path, Params};
use crate::problem::{ApiError, RowReport};
use crate::state::AppState;
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use domain::calendar::local_date;
use domain::ids::{CadreId, ImportId, OversightId, UnitId};
use domain::oversight::import::{self, ImportError};
use domain::oversight::{
    ImportOversight, OversightKind, OversightRecord, RecordOversight, import_id_for,
};
use oversight::{ImportView, RecordQuery, RecordView};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// The read model these queries use.
pub const OVERSIGHT: &str = "oversight";

/// Largest file accepted for an import (also the route's body limit).
pub const MAX_FILE_BYTES: usize = 32 * 1024 * 1024;

/// Most records of one page.
const MAX_LIMIT: u32 = 1000;

/// One record to enter.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewRecord {
    /// The id to give it; default: from the Idempotency-Key if sent, else a fresh UUIDv7.
    pub record_id: Option<Uuid>,
    pub kind: OversightKind,
    pub unit_id: UnitId,
    /// A cadre of that unit, if the record concerns one.
    pub cadre_id: Option<CadreId>,
    /// The local date it happened: today or earlier.
    pub occurred_on: NaiveDate,
    /// 1–2000 characters.
    pub summary: String,
    /// A document number (文号), up to 100 characters.
    pub reference: Option<String>,
}

/// Enters one oversight record (登记廉情数据): the commission only.
#[utoipa::path(
    post,
    path = "/api/v1/oversight-records",
    operation_id = "record_oversight",
    tag = "oversight",
    request_body = NewRecord,
    responses((status = 201, description = "Recorded; `id` is the record's.", body = Written))
)]
pub async fn record(
    State(s): State<AppState>,
    acting: Acting,
    Body(req): Body<NewRecord>,
) -> Result<Response, ApiError> {
    acting.commission("enter oversight records")?;
    let meta = acting.meta("POST /oversight-records", &req);
    let record_id = OversightId(acting.new_id(req.record_id, "oversight"));
    let org = org_index(&s).await?;
    let c = RecordOversight {
        record: OversightRecord {
            record_id,
            kind: req.kind,
            unit_id: req.unit_id,
            cadre_id: req.cadre_id,
            occurred_on: req.occurred_on,
            summary: req.summary,
            reference: req.reference,
        },
    };
    let out = s.app.record_oversight(c, &org, &meta).await?;
    Ok(Written::new(record_id.uuid(), &out).created())
}

/// The units and cadres as the read model knows them, once it has caught up with the log.
async fn org_index(s: &AppState) -> Result<domain::oversight::OrgIndex, ApiError> {
    let head = s.store.head().await?;
    s.wait_for(OVERSIGHT, head).await?;
    s.views.query(oversight::org_index).await
}

/// `?file_name=`
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct Upload {
    /// The file's name, kept with the import (default `upload`).
    pub file_name: Option<String>,
}

/// What an import stored.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Imported {
    pub import_id: ImportId,
    pub file_name: String,
    /// How the file was read: `xlsx`, `utf-8` or `gb18030` (GBK).
    pub encoding: String,
    /// Records stored.
    pub rows: usize,
    /// The global position of its last event.
    pub position: u64,
}

/// What the fingerprint of an import covers: the file's name and content.
#[derive(Serialize)]
struct Fingerprint<'a> {
    file_name: &'a str,
    sha256: &'a str,
}

fn unreadable(e: &tabular::ReadError) -> ApiError {
    ApiError::new("unreadable_file", e.to_string())
}

/// Imports oversight records from a spreadsheet (导入廉情数据), the commission only: the request body is the file itself, a CSV (UTF-8, with or without BOM, or GBK/GB18030) or an XLSX (first sheet). The header names the columns 类别, 单位, 干部 (optional), 日期, 摘要, 文号 (optional). All or nothing: one bad row stores nothing and the answer (`import_rejected`) lists every bad cell by line and column. The same file twice is `already_exists`.
#[utoipa::path(
    post,
    path = "/api/v1/oversight-imports",
    operation_id = "import_oversight",
    tag = "oversight",
    params(Upload),
    request_body(content = Vec<u8>, content_type = "text/csv", description = "The CSV or XLSX file."),
    responses((status = 201, description = "Every row stored.", body = Imported))
)]
pub async fn import(
    State(s): State<AppState>,
    acting: Acting,
    Params(q): Params<Upload>,
    file: Bytes,
) -> Result<Response, ApiError> {
    acting.commission("import oversight records")?;
    if file.is_empty() {
        return Err(ApiError::invalid(
            "file",
            "the request body (the file) is empty",
        ));
    }
    let file_name = q.file_name.unwrap_or_else(|| "upload".to_owned());
    let sha256 = hex(&Sha256::digest(&file));
    let import_id = import_id_for(&sha256);
    let meta = acting.meta(
        "POST /oversight-imports",
        &Fingerprint {
            file_name: &file_name,
            sha256: &sha256,
        },
    );
    let (table, encoding) = tokio::task::spawn_blocking(move || read(&file))
        .await
        .map_err(ApiError::internal)??;
    let org = org_index(&s).await?;
    let today = local_date(s.app.clock().now());
    let records = tokio::task::spawn_blocking(move || {
        import::read(
            &table.headers,
            table.rows.iter().map(|r| (r.line, r.cells.as_slice())),
            &org,
            import_id,
            today,
        )
    })
    .await
    .map_err(ApiError::internal)?
    .map_err(refused)?;
    let rows = records.len();
    let c = ImportOversight {
        import_id,
        file_name: file_name.clone(),
        encoding: encoding.clone(),
        records,
    };
    let out = s.app.import_oversight(c, &meta).await?;
    let body = Imported {
        import_id,
        file_name,
        encoding,
        rows,
        position: out.positions.last().copied().unwrap_or_default(),
    };
    Ok((StatusCode::CREATED, Json(body)).into_response())
}

/// Reads the upload: XLSX by its zip signature, else CSV with its encoding detected.
fn read(file: &[u8]) -> Result<(tabular::Table, String), ApiError> {
    if file.starts_with(b"PK\x03\x04") {
        let t = tabular::read_xlsx(file).map_err(|e| unreadable(&e))?;
        return Ok((t, "xlsx".to_owned()));
    }
    let (t, encoding) = tabular::read_csv(file).map_err(|e| unreadable(&e))?;
    let name = match encoding {
        tabular::Encoding::Gb18030 => "gb18030",
        tabular::Encoding::Utf8 | tabular::Encoding::Utf8Bom => "utf-8",
    };
    Ok((t, name.to_owned()))
}

fn refused(e: ImportError) -> ApiError {
    match e {
        ImportError::Header(m) => ApiError::invalid("header", m),
        ImportError::Empty => ApiError::invalid("file", "the file has no records under its header"),
        ImportError::TooManyRows { .. } => ApiError::invalid("file", e.to_string()),
        ImportError::Rows {
            errors,
            bad_rows,
            rows,
        } => {
            let first = errors
                .first()
                .map(|r| format!("; first: line {} ({}): {}", r.line, r.column, r.message))
                .unwrap_or_default();
            ApiError {
                rows: Some(Box::new(RowReport {
                    bad_rows,
                    rows,
                    errors,
                })),
                ..ApiError::new(
                    "import_rejected",
                    format!("{bad_rows} of {rows} rows are invalid; nothing was stored{first}"),
                )
            }
        }
    }
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::with_capacity(64), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// `GET /oversight-records` filters.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct RecordsQuery {
    pub kind: Option<OversightKind>,
    pub unit_id: Option<UnitId>,
    pub cadre_id: Option<CadreId>,
    /// Only records of an import.
    pub import_id: Option<ImportId>,
    /// Only records that happened on this local date or later.
    #[param(format = Date, example = "2026-01-01")]
    pub from: Option<String>,
    /// Only records that happened on this local date or earlier.
    #[param(format = Date, example = "2026-12-31")]
    pub to: Option<String>,
    /// The `cursor` of the last record of the previous page.
    #[serde(default, deserialize_with = "crate::extract::position")]
    pub before: Option<u64>,
    /// At most this many (1–1,000; default 100).
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<u32>,
}

/// Oversight records (廉情数据), newest first: those of the units (or cadres) one sees.
#[utoipa::path(
    get,
    path = "/api/v1/oversight-records",
    operation_id = "list_oversight_records",
    tag = "oversight",
    params(RecordsQuery),
    responses((status = 200, description = "Records, newest first.", body = Vec<RecordView>))
)]
pub async fn list(
    State(s): State<AppState>,
    acting: Acting,
    Params(q): Params<RecordsQuery>,
) -> Result<Json<Vec<RecordView>>, ApiError> {
    let scope = acting.reader()?.clone();
    let limit = q.limit.unwrap_or(100);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(ApiError::invalid("limit", "must be 1 to 1000"));
    }
    let (from, to) = super::problems::range(q.from.as_deref(), q.to.as_deref())?;
    let query = RecordQuery {
        kind: q.kind,
        unit: q.unit_id,
        cadre: q.cadre_id,
        from,
        to,
        import_id: q.import_id,
        before: q.before,
        limit,
    };
    let head = s.store.head().await?;
    s.wait_for(OVERSIGHT, head).await?;
    let rows = s
        .views
        .query(move |c| oversight::records(c, &query, |u, cadre| scope.sees_record(u, cadre)))
        .await?;
    Ok(Json(rows))
}

/// The imports (导入记录), newest first: the commission only.
#[utoipa::path(
    get,
    path = "/api/v1/oversight-imports",
    operation_id = "list_oversight_imports",
    tag = "oversight",
    responses((status = 200, description = "Every import, newest first.", body = Vec<ImportView>))
)]
pub async fn imports(
    State(s): State<AppState>,
    acting: Acting,
) -> Result<Json<Vec<ImportView>>, ApiError> {
    acting.commission("list the imports")?;
    let head = s.store.head().await?;
    s.wait_for(OVERSIGHT, head).await?;
    Ok(Json(s.views.query(oversight::imports).await?))
}

/// One import: the commission only.
#[utoipa::path(
    get,
    path = "/api/v1/oversight-imports/{id}",
    operation_id = "get_oversight_import",
    tag = "oversight",
    params(("id" = ImportId, Path, description = "The import.")),
    responses((status = 200, description = "The import.", body = ImportView))
)]
pub async fn get_import(
    State(s): State<AppState>,
    acting: Acting,
    Path(id): Path<ImportId>,
) -> Result<Json<ImportView>, ApiError> {
    acting.commission("read the imports")?;
    let head = s.store.head().await?;
    s.wait_for(OVERSIGHT, head).await?;
    s.views
        .query(move |c| oversight::import(c, id))
        .await?
        .map(Json)
        .ok_or_else(|| ApiError::not_found("no such import"))
}
