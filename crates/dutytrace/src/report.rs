//! Read-only commands for operators: the filings register (`dutytrace filings`), the
//! problem ledger (`dutytrace problems`) and one user's notifications (`dutytrace
//! notifications`), straight from the log.
//!
//! Each builds the read models it needs in a scratch file from the log, so it answers what
//! the log holds now and never writes a running service's read models.

use crate::cli::StoreArgs;
use crate::config;
use anyhow::Context as _;
use chrono::{NaiveDate, Utc};
use clap::Args;
use domain::user::{Scope, normalise_username, user_id_for};
use projector::{Projection, ReadModels};
use std::sync::Arc;

/// `dutytrace filings`
#[derive(Debug, Args)]
pub struct FilingsArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    /// Only late filings.
    #[arg(long)]
    pub late: bool,
    /// Only filings whose dates reach this local date or later (YYYY-MM-DD).
    #[arg(long)]
    pub from: Option<NaiveDate>,
    /// Only filings whose dates begin by this local date (YYYY-MM-DD).
    #[arg(long)]
    pub to: Option<NaiveDate>,
    /// At most this many, newest first.
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub limit: u32,
    /// One JSON object per line instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// `dutytrace problems`
#[derive(Debug, Args)]
pub struct ProblemsArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    /// Only problems overdue now: not closed, their rectify-by date passed.
    #[arg(long)]
    pub overdue: bool,
    /// At most this many, newest first.
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub limit: u32,
    /// One JSON object per line instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// `dutytrace notifications`
#[derive(Debug, Args)]
pub struct NotificationsArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    /// Whose inbox (a username).
    #[arg(long)]
    pub user: String,
    /// Only the unread ones.
    #[arg(long)]
    pub unread: bool,
    /// One JSON object per line instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// Opens the store and builds `projections` from its log in a scratch file; runs `f` on
/// a read connection to them.
async fn with_models<T: Send + 'static>(
    store: &StoreArgs,
    projections: Vec<Arc<dyn Projection>>,
    f: impl FnOnce(&rusqlite::Connection) -> anyhow::Result<T> + Send + 'static,
) -> anyhow::Result<T> {
    let opened = store.open(config::clock(store.now)).await?;
    let result = async {
        let scratch = tempfile::tempdir()?;
        let models = ReadModels::open(scratch.path().join("report.views.db"))?;
        for p in projections {
            projector::catch_up(opened.log.clone(), &models, p).await?;
        }
        let conn = models.reader()?;
        tokio::task::spawn_blocking(move || f(&conn)).await?
    }
    .await;
    opened.close().await;
    result
}

/// Prints the filings register, as the commission sees it.
pub async fn filings(args: FilingsArgs) -> anyhow::Result<()> {
    let query = filings::FilingQuery {
        cadre: None,
        unit: None,
        from: args.from,
        to: args.to,
        late_only: args.late,
        before: None,
        limit: args.limit,
    };
    let found = with_models(&args.store, vec![Arc::new(filings::Filings)], move |c| {
        Ok(filings::filings(c, query, &Scope::Everything)?)
    })
    .await?;
    if args.json {
        for f in &found {
            println!("{}", serde_json::to_string(f)?);
        }
        return Ok(());
    }
    println!("报备日期\t干部\t单位\t事项\t日期\t逾期天数\t状态");
    for f in &found {
        let (what, dates) = match (&f.travel, &f.family_event) {
            (Some(t), _) => (
                format!("外出报备（{}）", t.destination),
                format!("{} 至 {}", t.leave_on, t.return_on),
            ),
            (_, Some(e)) => (format!("婚丧嫁娶（{}）", e.venue), e.date.to_string()),
            _ => (String::new(), String::new()),
        };
        println!(
            "{}\t{}\t{}\t{what}\t{dates}\t{}\t{}",
            f.filed_on,
            f.cadre_name.as_deref().unwrap_or("-"),
            f.unit_name
                .as_deref()
                .or(f.group_name.as_deref())
                .unwrap_or("-"),
            f.days_late,
            f.status.label_zh(),
        );
    }
    println!("{} filing(s)", found.len());
    Ok(())
}

/// Prints the problem ledger (问题台账), as the commission sees it, with each problem's light
/// as of now (`--now`, else the clock).
pub async fn problems(args: ProblemsArgs) -> anyhow::Result<()> {
    let query = ledger::ProblemQuery {
        overdue_only: args.overdue,
        as_of: args.store.now.unwrap_or_else(Utc::now),
        limit: args.limit,
        ..ledger::ProblemQuery::default()
    };
    let found = with_models(&args.store, vec![Arc::new(ledger::Ledger)], move |c| {
        Ok(ledger::problems(c, &query, &Scope::Everything)?)
    })
    .await?;
    if args.json {
        for p in &found {
            println!("{}", serde_json::to_string(p)?);
        }
        return Ok(());
    }
    println!("发现日期\t单位\t类型\t严重程度\t整改期限\t状态\t灯\t问题");
    for p in &found {
        println!(
            "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
            p.found_on,
            p.unit_name.as_deref().unwrap_or("-"),
            p.problem_type.label,
            p.severity.label_zh(),
            p.rectify_by,
            p.status.label_zh(),
            p.light.as_str(),
            p.description,
        );
    }
    println!("{} problem(s)", found.len());
    Ok(())
}

/// Prints one user's notifications, as they would see them signed in.
pub async fn notifications(args: NotificationsArgs) -> anyhow::Result<()> {
    let username = normalise_username("--user", &args.user).map_err(|e| anyhow::anyhow!("{e}"))?;
    let user_id = user_id_for(&username);
    let unread_only = args.unread;
    let (items, unread) = with_models(
        &args.store,
        vec![Arc::new(directory::Directory), Arc::new(inbox::Inbox)],
        move |c| {
            let p = directory::principal(c, user_id)?
                .with_context(|| format!("no active user {username:?} in this store"))?;
            let recipient = inbox::Recipient {
                user_id,
                role: p.role,
                scope: &p.scope,
                cadre: p.cadre(),
            };
            Ok(inbox::inbox(c, &recipient)?)
        },
    )
    .await?;
    let items: Vec<_> = items
        .into_iter()
        .filter(|n| !unread_only || !n.read)
        .collect();
    if args.json {
        for n in &items {
            println!("{}", serde_json::to_string(n)?);
        }
        return Ok(());
    }
    for n in &items {
        println!(
            "{}\t{}\t{}",
            n.occurred_at.format("%Y-%m-%d %H:%M"),
            if n.read { "已读" } else { "未读" },
            n.title
        );
    }
    println!("{} notification(s), {unread} unread", items.len());
    Ok(())
}
