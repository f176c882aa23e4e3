//! The OpenAPI 3.1 description of the API, served at `GET /api/openapi.json` and kept in
//! `schemas/openapi.json`; the `openapi` test fails when the two drift
//! (`DUTYTRACE_BLESS=1 cargo test -p api openapi` rewrites the file).
//!
//! Each handler describes its path, parameters, body and success answer with
//! `#[utoipa::path]` (listed in `v1::Doc` beside the routes). What every route shares is
//! added here, once, by [`conventions`], so it cannot differ from route to route:
//! - the problem+json answers (from [`CODES`]) that an operation of its kind can give, as
//!   shared `components/responses` named by their codes;
//! - the optional `Idempotency-Key` header of every command (`POST`, `PUT`);
//! - the `200` of a retry answered again (a command whose answer is `201`), and the
//!   `X-Dutytrace-Position` header of every command's answer.

use crate::problem::{Body as Problem, CODES};
use axum::http::header;
use axum::response::IntoResponse;
use std::collections::BTreeMap;
use std::sync::LazyLock;
use utoipa::openapi::header::{Header, HeaderBuilder};
use utoipa::openapi::path::{Operation, Parameter, ParameterBuilder, ParameterIn};
use utoipa::openapi::response::{Response, ResponseBuilder};
use utoipa::openapi::schema::{AllOfBuilder, ObjectBuilder, Type};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme};
use utoipa::openapi::{Content, Ref, RefOr, Required};
use utoipa::{OpenApi, ToSchema};

/// The media type of every error.
pub const PROBLEM_JSON: &str = "application/problem+json";

#[derive(OpenApi)]
#[openapi(
    info(
        title = "dutytrace",
        description = "履责纪实: duty records, obligations and their traffic lights for a \
                       district's Party committees, working committees, Party groups and \
                       stationed discipline inspection groups.\n\n\
                       Every `as_of` is an RFC 3339 instant. Every error is \
                       `application/problem+json` with a stable `code`. Every command \
                       (`POST`, `PUT`) takes an optional `Idempotency-Key`, and answers the \
                       `position` of what it wrote: pass it as `min_position` to a query to \
                       read your own write.\n\n\
                       Sign in with `POST /api/v1/auth/login`, then send \
                       `Authorization: Bearer <token>`. Each user sees only what their role \
                       lets them see (DESIGN.md §2); a target outside it is answered 404, \
                       exactly as one that does not exist.",
        license(name = "Apache-2.0", identifier = "Apache-2.0"),
    ),
    paths(
        crate::health::healthz,
        crate::health::readyz,
        crate::metrics::metrics,
        openapi_json,
    ),
    // `EntryId` is named only by a path parameter, which does not collect its schema.
    components(schemas(Problem, domain::ids::EntryId)),
    tags(
        (name = "organisation", description = "Units, discipline groups, cadres and leaders in charge."),
        (name = "lists", description = "Responsibility lists (责任清单) and annual key tasks."),
        (name = "auth", description = "Sign-in (登录), sign-out, who am I, one's own password."),
        (name = "users", description = "Logins (账号), administered by the commission."),
        (name = "entries", description = "Duty entries (履责记录), made by the signed-in cadre."),
        (name = "notifications", description = "My notifications (通知提醒): reminders and filings to acknowledge."),
        (name = "history", description = "Cadres' histories (履责档案) and the record of who read them."),
        (name = "board", description = "The board (红黄绿灯) and obligations, as of any instant."),
        (name = "filings", description = "Filings (事项报备): travel out of Ningbo and family events, their lateness, and who acknowledged them."),
        (name = "problems", description = "The problem ledger (问题台账): problems found, their rectification and closing (销号整改), and the problem types."),
        (name = "oversight", description = "Oversight records (廉情数据): entered one at a time or imported from CSV/XLSX, all or nothing."),
        (name = "accountability", description = "Accountability (问责): proposals graded by the facts (差别化问责), decisions citing their basis, talks held (约谈), the rule table."),
        (name = "circulars", description = "Circulars (通报): drafted from the facts of a period, edited and published to every unit."),
        (name = "assessment", description = "The annual assessment (考核): scores live, as of any instant, and finalised after the year."),
        (name = "statistics", description = "Statistics (统计分析): lights by unit and month, completion, problems, filings."),
        (name = "search", description = "Search of duty entries and problems by keyword and date range (Chinese words found inside sentences)."),
        (name = "reports", description = "The board, the ledger, the assessment and the statistics as XLSX or CSV with Chinese headers."),
        (name = "evidence", description = "Tamper evidence: signed checkpoints of the Merkle tree over the log (RFC 9162), its public key, inclusion and consistency proofs."),
        (name = "operations", description = "Health, readiness, metrics and this description."),
    )
)]
struct ApiDoc;

/// The whole description: the operational routes and `/api/v1`, with the conventions.
pub fn document() -> utoipa::openapi::OpenApi {
    let mut doc = ApiDoc::openapi();
    doc.merge(crate::v1::Doc::openapi());
    conventions(&mut doc);
    doc
}

/// The document as served and as kept in `schemas/openapi.json`: pretty JSON and a final
/// newline.
pub fn document_json() -> &'static str {
    static JSON: LazyLock<String> = LazyLock::new(|| {
        let mut s = document()
            .to_pretty_json()
            .expect("an OpenAPI document always serialises");
        s.push('\n');
        s
    });
    &JSON
}

/// This description.
#[utoipa::path(
    get,
    path = "/api/openapi.json",
    tag = "operations",
    security(()),
    responses((status = 200, description = "The OpenAPI 3.1 description of the API.", body = Object))
)]
pub(crate) async fn openapi_json() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "application/json")],
        document_json(),
    )
}

/// Adds what every operation of `/api/v1` shares (see the module docs).
fn conventions(doc: &mut utoipa::openapi::OpenApi) {
    let mut errors = BTreeMap::new();
    for (path, item) in doc.paths.paths.iter_mut() {
        if !path.starts_with("/api/v1/") {
            continue;
        }
        let has_path_params = path.contains('{');
        let operations = [
            (false, item.get.as_mut()),
            (true, item.post.as_mut()),
            (true, item.put.as_mut()),
            (true, item.patch.as_mut()),
            (true, item.delete.as_mut()),
        ];
        for (command, op) in operations {
            if let Some(op) = op {
                describe(op, command, has_path_params, &mut errors);
            }
        }
    }
    let components = doc.components.get_or_insert_with(Default::default);
    components.responses.extend(errors);
    components.add_security_scheme(
        "bearer",
        SecurityScheme::Http(
            HttpBuilder::new()
                .scheme(HttpAuthScheme::Bearer)
                .description(Some(
                    "The `token` of `POST /api/v1/auth/login`. The web pages send it as the \
                     `dutytrace_session` cookie instead, with `X-CSRF-Token` on every change.",
                ))
                .build(),
        ),
    );
    doc.security = Some(vec![SecurityRequirement::new(
        "bearer",
        Vec::<String>::new(),
    )]);
}

fn describe(
    op: &mut Operation,
    command: bool,
    has_path_params: bool,
    errors: &mut BTreeMap<String, RefOr<Response>>,
) {
    let params = op.parameters.get_or_insert_with(Vec::new);
    // Only sign-in takes no token (it says so with an empty security requirement).
    let public = op.security.as_ref().is_some_and(|s| !s.is_empty());
    let signs_in = matches!(
        op.operation_id.as_deref(),
        Some("login" | "change_password")
    );
    if command {
        // Sign-in is not replayed (each answers a session of its own): it takes no key.
        if !public {
            params.push(idempotency_key());
        }
        let written = op.responses.responses.get("201").cloned();
        if let Some(written) = written {
            op.responses
                .responses
                .entry("200".to_owned())
                .or_insert_with(|| replayed(written));
        }
        for response in op.responses.responses.values_mut() {
            if let RefOr::T(r) = response {
                r.headers
                    .entry("X-Dutytrace-Position".to_owned())
                    .or_insert_with(position_header);
            }
        }
    }
    // Which stable codes an operation of this kind can answer.
    let can_answer = |code: &str| match code {
        "malformed_request" | "invalid_field" | "internal" | "unavailable" => true,
        "unauthenticated" | "invalid_token" | "forbidden" => !public,
        "csrf_failed" => command && !public,
        "invalid_credentials" | "locked_out" => signs_in,
        // per user: commands of a signed-in user, and sign-in attempts per username
        "rate_limited" => (command && !public) || signs_in,
        "timed_out" => true,
        "not_found" => has_path_params || command,
        "idempotency_key_reused" => command && !public,
        "already_exists"
        | "conflict"
        | "unsupported_media_type"
        | "payload_too_large"
        | "storage_full" => command,
        // answered by the router itself, for any path
        _ => false,
    };
    let mut statuses: Vec<u16> = CODES
        .iter()
        .filter(|(c, _, _)| can_answer(c))
        .map(|(_, s, _)| *s)
        .collect();
    statuses.sort_unstable();
    statuses.dedup();
    for status in statuses {
        let codes: Vec<_> = CODES
            .iter()
            .filter(|(c, s, _)| *s == status && can_answer(c))
            .collect();
        // Named by its codes, e.g. `NotFound`, `InvalidFieldOrIdempotencyKeyReused`.
        let name = codes
            .iter()
            .map(|(c, _, _)| camel_case(c))
            .collect::<Vec<_>>()
            .join("Or");
        errors
            .entry(name.clone())
            .or_insert_with(|| problem(status, &codes).into());
        op.responses
            .responses
            .insert(status.to_string(), Ref::from_response_name(name).into());
    }
}

fn camel_case(code: &str) -> String {
    code.split('_')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// An error answer: a problem whose `status` and `code` are those given.
fn problem(status: u16, codes: &[&(&str, u16, &str)]) -> Response {
    let description = codes
        .iter()
        .map(|(c, _, t)| format!("`{c}`: {t}"))
        .collect::<Vec<_>>()
        .join("; ");
    let narrowed = ObjectBuilder::new()
        .property(
            "status",
            ObjectBuilder::new()
                .schema_type(Type::Integer)
                .enum_values(Some([status])),
        )
        .property(
            "code",
            ObjectBuilder::new()
                .schema_type(Type::String)
                .enum_values(Some(codes.iter().map(|(c, _, _)| *c))),
        );
    let schema = AllOfBuilder::new()
        .item(Ref::from_schema_name(Problem::<'static>::name()))
        .item(narrowed);
    ResponseBuilder::new()
        .description(description)
        .content(PROBLEM_JSON, Content::new(Some(schema)))
        .build()
}

/// The `200` of a command whose first answer is `201`.
fn replayed(mut created: RefOr<Response>) -> RefOr<Response> {
    if let RefOr::T(r) = &mut created {
        r.description = "A retry with the same Idempotency-Key: the first answer again, with \
                         `replayed: true`; nothing new was written."
            .to_owned();
    }
    created
}

fn idempotency_key() -> Parameter {
    ParameterBuilder::new()
        .name("Idempotency-Key")
        .parameter_in(ParameterIn::Header)
        .required(Required::False)
        .description(Some(
            "Makes the command safe to retry: a retry with the same key (from the same actor) \
             gets the first answer again and writes nothing; the same key with another \
             request is refused (`idempotency_key_reused`). 1 to 200 visible ASCII \
             characters.",
        ))
        .schema(Some(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .pattern(Some("^[!-~]{1,200}$")),
        ))
        .build()
}

fn position_header() -> Header {
    HeaderBuilder::new()
        .schema(
            ObjectBuilder::new()
                .schema_type(Type::Integer)
                .format(Some(utoipa::openapi::SchemaFormat::KnownFormat(
                    utoipa::openapi::KnownFormat::Int64,
                )))
                .minimum(Some(0)),
        )
        .description(Some(
            "The `position` of the body: the global position of the command's last event.",
        ))
        .build()
}
