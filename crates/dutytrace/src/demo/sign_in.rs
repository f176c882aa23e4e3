//! Signing in to the demo: every demo login gets the password [`DEMO_PASSWORD`] at every
//! start (one Argon2 hash for all of them, so a start stays fast), and the start prints one
//! login per role and how to use it.

use super::plan::Plan;
use anyhow::Context;
use auth::{CredentialStore, Secret};
use domain::org::CadreDuty;
use domain::user::{Account, Role, user_id_for};
use std::fmt::Write as _;
use std::net::SocketAddr;
use std::sync::Arc;
use uuid::Uuid;

/// The password of every demo login (and of `admin`, unless `DUTYTRACE_ADMIN_PASSWORD` is
/// set). It is printed at start: the demo's logins are for trying the service, nothing else.
pub const DEMO_PASSWORD: &str = "dutytrace-demo";

/// Gives every login of `plan` the password [`DEMO_PASSWORD`], with one hash. Run at every
/// start, also on a store seeded before, so the printed password always signs in.
pub async fn set_passwords(auth: Arc<CredentialStore>, plan: &Plan) -> anyhow::Result<()> {
    let users: Vec<(Uuid, String)> = plan
        .logins
        .iter()
        .map(|u| (user_id_for(&u.username).uuid(), u.username.clone()))
        .collect();
    tokio::task::spawn_blocking(move || auth.set_same_password(&users, &Secret::new(DEMO_PASSWORD)))
        .await?
        .context("setting the password of the demo logins")
}

/// A demo login that shows what one role sees.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Example {
    pub role: Role,
    pub username: String,
    pub display_name: String,
    /// The unit, group or units the login is about, in Chinese.
    pub place: String,
}

/// The first login of each role, in the order of [`Role::ALL`] but people before staff:
/// a principal leader, a team member, a discipline-group member, a leader in charge, then
/// the commission, the auditor and the regulator.
pub fn examples(plan: &Plan) -> Vec<Example> {
    let d = &plan.district;
    let unit_name = |id| {
        d.units
            .iter()
            .find(|u| u.unit_id == id)
            .map_or_else(String::new, |u| u.name.clone())
    };
    let described = plan.logins.iter().map(|u| {
        let (role, place) = match u.account {
            Account::Cadre { cadre_id } => {
                let duty = d
                    .cadres
                    .iter()
                    .find(|c| c.cadre_id == cadre_id)
                    .map(|c| c.duty);
                let place = match duty {
                    Some(
                        CadreDuty::PrincipalLeader { unit_id } | CadreDuty::TeamMember { unit_id },
                    ) => unit_name(unit_id),
                    Some(CadreDuty::DisciplineGroup { group_id }) => d
                        .groups
                        .iter()
                        .find(|g| g.group_id == group_id)
                        .map_or_else(String::new, |g| g.name.clone()),
                    None => String::new(),
                };
                (Role::of(&u.account, duty.as_ref()), place)
            }
            Account::Leader { leader_id } => {
                let units = d
                    .leaders
                    .iter()
                    .find(|l| l.leader_id == leader_id)
                    .map(|l| l.units.clone())
                    .unwrap_or_default();
                let first = units.first().map(|&u| unit_name(u)).unwrap_or_default();
                let place = format!("{first}等{}个单位", units.len());
                (Role::LeaderInCharge, place)
            }
            Account::Commission | Account::Auditor | Account::Regulator => {
                (Role::of(&u.account, None), "全区".to_owned())
            }
        };
        Example {
            role,
            username: u.username.clone(),
            display_name: u.display_name.clone(),
            place,
        }
    });
    let order = [
        Role::PrincipalLeader,
        Role::TeamMember,
        Role::DisciplineGroup,
        Role::LeaderInCharge,
        Role::Commission,
        Role::Auditor,
        Role::Regulator,
    ];
    let described: Vec<Example> = described.collect();
    order
        .iter()
        .filter_map(|role| described.iter().find(|e| e.role == *role).cloned())
        .collect()
}

/// Columns a terminal gives `s`: two for each CJK character, one for the rest.
fn width(s: &str) -> usize {
    s.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum()
}

/// `s` padded with spaces to `columns` terminal columns.
fn pad(s: &str, columns: usize) -> String {
    format!("{s}{}", " ".repeat(columns.saturating_sub(width(s))))
}

/// How to sign in to the demo served at `address`: one login per role, `admin` last (whose
/// password is the demo's unless `admin_from_env`, which is never printed), then `curl`
/// lines for signing in and for using the token.
pub fn guide(address: SocketAddr, plan: &Plan, admin_from_env: bool) -> String {
    let mut rows: Vec<[String; 5]> = examples(plan)
        .into_iter()
        .map(|e| {
            [
                format!("{} {}", e.role.label_zh(), e.role.as_str()),
                e.username,
                e.display_name,
                e.place,
                DEMO_PASSWORD.to_owned(),
            ]
        })
        .collect();
    rows.push([
        format!("系统管理员 {}", Role::Commission.as_str()),
        api::ADMIN.to_owned(),
        "系统管理员".to_owned(),
        "全区".to_owned(),
        if admin_from_env {
            format!("${}", crate::config::ADMIN_PASSWORD_ENV)
        } else {
            DEMO_PASSWORD.to_owned()
        },
    ]);
    let header = ["role", "username", "name", "unit / group", "password"].map(str::to_owned);
    let widths: Vec<usize> = (0..5)
        .map(|i| {
            rows.iter()
                .chain([&header])
                .map(|r| width(&r[i]))
                .max()
                .unwrap_or(0)
        })
        .collect();
    let (cadres, leaders) = plan
        .logins
        .iter()
        .fold((0, 0), |(c, l), u| match u.account {
            Account::Cadre { .. } => (c + 1, l),
            Account::Leader { .. } => (c, l + 1),
            _ => (c, l),
        });
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Sign in (登录) with one of these logins, one per role (every cadre has one, c001–c{cadres:03}, \
         and every leader in charge, l01–l{leaders:02}; all with the password {DEMO_PASSWORD}):"
    );
    for row in [&header].into_iter().chain(&rows) {
        let cells: Vec<String> = row.iter().zip(&widths).map(|(c, w)| pad(c, *w)).collect();
        let _ = writeln!(out, "  {}", cells.join("  ").trim_end());
    }
    let _ = writeln!(
        out,
        "  curl -X POST http://{address}/api/v1/auth/login -H 'content-type: application/json' \
         -d '{{\"username\":\"c001\",\"password\":\"{DEMO_PASSWORD}\"}}'"
    );
    let _ = writeln!(
        out,
        "Then send the \"token\" of the answer with every request under /api/v1:"
    );
    let _ = writeln!(out, "  TOKEN=<the token>");
    let _ = write!(
        out,
        "  curl -H \"Authorization: Bearer $TOKEN\" http://{address}/api/v1/board"
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_guide_shows_one_login_of_each_role_and_never_the_admin_password() {
        let plan = Plan::build();
        let examples = examples(&plan);
        let roles: Vec<Role> = examples.iter().map(|e| e.role).collect();
        assert_eq!(
            roles,
            [
                Role::PrincipalLeader,
                Role::TeamMember,
                Role::DisciplineGroup,
                Role::LeaderInCharge,
                Role::Commission,
                Role::Auditor,
                Role::Regulator,
            ]
        );
        // c001 is the first unit's principal leader, and the curl line uses it.
        assert_eq!(examples[0].username, "c001");
        assert_eq!(examples[0].place, plan.district.units[0].name);
        assert!(examples.iter().all(|e| !e.place.is_empty()));
        let address: SocketAddr = "127.0.0.1:8080".parse().expect("an address");
        let text = guide(address, &plan, true);
        assert!(text.contains("$DUTYTRACE_ADMIN_PASSWORD"), "{text}");
        assert!(
            text.contains("c001–c261") && text.contains("l01–l08"),
            "{text}"
        );
        assert!(
            text.contains(r#"-d '{"username":"c001","password":"dutytrace-demo"}'"#),
            "{text}"
        );
        assert!(text.contains("Authorization: Bearer $TOKEN"), "{text}");
        assert_eq!(text.matches(DEMO_PASSWORD).count(), 9, "{text}");
        assert_eq!(
            guide(address, &plan, false).matches(DEMO_PASSWORD).count(),
            10
        );
    }

    #[test]
    fn columns_count_chinese_characters_twice() {
        assert_eq!(width("c001"), 4);
        assert_eq!(width("区纪委监委"), 10);
        assert_eq!(pad("审计", 6), "审计  ");
    }
}
