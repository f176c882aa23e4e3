//! The demo's logins (一人一个ID): one per cadre, `c001`…`c261` in the order of
//! [`District::cadres`]; one per leader in charge, `l01`…; and three members of staff.
//! `admin` is not among them: the service opens it at every start (`api::ensure_admin`).

use super::District;
use domain::user::{Account, RegisterUser};

/// The staff logins: username, display name, account.
pub const STAFF: [(&str, &str, Account); 3] = [
    ("jiwei", "区纪委监委（演示）", Account::Commission),
    ("shenji", "审计（演示）", Account::Auditor),
    ("jianguan", "监管（演示）", Account::Regulator),
];

/// The username of the `n`th cadre (from 0): `c001`.
pub fn cadre_username(n: usize) -> String {
    format!("c{:03}", n + 1)
}

/// The username of the `n`th leader in charge (from 0): `l01`.
pub fn leader_username(n: usize) -> String {
    format!("l{:02}", n + 1)
}

/// Every demo login: cadres, leaders in charge, then staff.
pub fn logins(d: &District) -> Vec<RegisterUser> {
    let cadres = d.cadres.iter().enumerate().map(|(n, c)| RegisterUser {
        username: cadre_username(n),
        display_name: c.name.clone(),
        account: Account::Cadre {
            cadre_id: c.cadre_id,
        },
    });
    let leaders = d.leaders.iter().enumerate().map(|(n, l)| RegisterUser {
        username: leader_username(n),
        display_name: l.name.clone(),
        account: Account::Leader {
            leader_id: l.leader_id,
        },
    });
    let staff = STAFF
        .iter()
        .map(|&(username, display_name, account)| RegisterUser {
            username: username.to_owned(),
            display_name: display_name.to_owned(),
            account,
        });
    cadres.chain(leaders).chain(staff).collect()
}
