//! What a delivery carries: the notification and the usernames it is addressed to, as the
//! inbox and the directory read models show them when it is queued.

use chrono::{DateTime, Utc};
use directory::Principal;
use domain::ids::CadreId;
use rusqlite::Connection;
use serde::Serialize;
use uuid::Uuid;

/// The JSON body of a delivery (ADR 0009). `id` is the notification's key, also sent as the
/// `Idempotency-Key` header: a receiver that sees an id twice has seen one notification.
#[derive(Debug, Serialize)]
pub(super) struct Body<'a> {
    pub id: Uuid,
    /// `yellow_week`, `admonishment`, `filing` or `rectification_overdue`.
    pub kind: &'a str,
    /// zh-CN.
    pub title: &'a str,
    pub occurred_at: DateTime<Utc>,
    /// The log position of the event it tells of.
    pub position: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub obligation_id: Option<Uuid>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub filing_id: Option<Uuid>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cadre_id: Option<CadreId>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deadline: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem_id: Option<Uuid>,
    /// The usernames of the active logins it is addressed to, sorted.
    pub recipients: Vec<&'a str>,
}

/// Every active login with its role and scope now: whom items can be addressed to.
#[derive(Debug)]
pub(super) struct Addressees(Vec<Principal>);

impl Addressees {
    pub fn load(conn: &Connection) -> rusqlite::Result<Self> {
        let mut out = Vec::new();
        for user in directory::users(conn)? {
            if !user.active {
                continue;
            }
            if let Some(p) = directory::principal(conn, user.user_id)? {
                out.push(p);
            }
        }
        out.sort_by(|a, b| a.user.username.cmp(&b.user.username));
        Ok(Self(out))
    }

    /// The body of `item`, as JSON text.
    pub fn body(&self, item: &inbox::Item) -> serde_json::Result<String> {
        let n = &item.notification;
        let recipients = self
            .0
            .iter()
            .filter(|p| {
                let r = inbox::Recipient {
                    user_id: p.user.user_id,
                    role: p.role,
                    scope: &p.scope,
                    cadre: p.cadre(),
                };
                inbox::is_addressed(&r, item)
            })
            .map(|p| p.user.username.as_str())
            .collect();
        serde_json::to_string(&Body {
            id: n.key,
            kind: &n.kind,
            title: &n.title,
            occurred_at: n.occurred_at,
            position: n.position,
            obligation_id: n.obligation_id,
            filing_id: n.filing_id,
            cadre_id: n.cadre_id,
            deadline: n.deadline.as_deref(),
            problem_id: n.problem_id,
            recipients,
        })
    }
}
