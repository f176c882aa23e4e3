//! Given/when/then tests of `user.rs`.

use super::*;

fn now() -> DateTime<Utc> {
    DateTime::<Utc>::UNIX_EPOCH
}

fn register(username: &str, account: Account) -> UserCommand {
    UserCommand::Register(RegisterUser {
        username: username.into(),
        display_name: "张三".into(),
        account,
    })
}

fn linked() -> UserContext {
    UserContext {
        link_exists: true,
        link_taken_by: None,
    }
}

fn decide(
    state: &Option<UserState>,
    c: UserCommand,
    ctx: &UserContext,
) -> Result<Vec<Event>, DomainError> {
    UserAggregate::decide(state, c, ctx, now())
}

fn registered(username: &str) -> Option<UserState> {
    let events = decide(&None, register(username, Account::Auditor), &linked()).unwrap();
    UserAggregate::fold(&events)
}

#[test]
fn usernames_are_normalised_and_the_id_follows_the_username() {
    let events = decide(
        &None,
        register("  Zhang.San ", Account::Commission),
        &linked(),
    )
    .unwrap();
    let Event::UserRegistered(e) = &events[0] else {
        panic!("expected UserRegistered, got {events:?}");
    };
    assert_eq!(e.username, "zhang.san");
    assert_eq!(e.user_id, user_id_for("zhang.san"));
    assert_ne!(user_id_for("zhang.san"), user_id_for("zhang.si"));
    assert_eq!(events[0].stream(), format!("user-{}", e.user_id));
}

#[test]
fn bad_usernames_name_the_field_and_the_rule() {
    let long = "a".repeat(33);
    for (raw, rule) in [
        ("ab", "3 to 32"),
        (long.as_str(), "3 to 32"),
        ("张三丰", "a-z"),
        ("has space", "a-z"),
        ("-dash", "start with"),
        ("_x1", "start with"),
    ] {
        match decide(&None, register(raw, Account::Auditor), &linked()).unwrap_err() {
            DomainError::Invalid { field, reason } => {
                assert_eq!(field, "username", "{raw:?}");
                assert!(reason.contains(rule), "{raw:?}: {reason}");
            }
            other => panic!("{raw:?}: {other:?}"),
        }
    }
}

#[test]
fn a_username_is_taken_once() {
    let state = registered("auditor1");
    let err = decide(&state, register("AUDITOR1", Account::Auditor), &linked()).unwrap_err();
    assert!(
        matches!(err, DomainError::AlreadyExists { what: "user", .. }),
        "{err:?}"
    );
}

#[test]
fn a_cadre_login_needs_the_cadre_and_only_one_login_per_person() {
    let cadre = Account::Cadre {
        cadre_id: CadreId::new(),
    };
    let missing = decide(&None, register("c0001", cadre), &UserContext::default()).unwrap_err();
    assert!(
        matches!(&missing, DomainError::Invalid { field: "account", reason } if reason.contains("does not exist")),
        "{missing:?}"
    );
    let taken = UserContext {
        link_exists: true,
        link_taken_by: Some("c0009".into()),
    };
    let twice = decide(&None, register("c0001", cadre), &taken).unwrap_err();
    assert!(
        matches!(&twice, DomainError::Invalid { field: "account", reason } if reason.contains("c0009")),
        "{twice:?}"
    );
    let leader = Account::Leader {
        leader_id: LeaderId::new(),
    };
    assert!(decide(&None, register("l0001", leader), &UserContext::default()).is_err());
    // Staff accounts link to nobody.
    assert!(
        decide(
            &None,
            register("reg01", Account::Regulator),
            &UserContext::default()
        )
        .is_ok()
    );
}

#[test]
fn deactivation_and_reactivation_toggle_and_repeat_as_no_ops() {
    let deactivate = || UserCommand::Deactivate {
        reason: "调离".into(),
    };
    let mut state = registered("auditor1");
    let off = decide(&state, deactivate(), &linked()).unwrap();
    assert_eq!(off.len(), 1);
    for e in &off {
        UserAggregate::evolve(&mut state, e);
    }
    assert!(!state.as_ref().unwrap().active);
    assert!(decide(&state, deactivate(), &linked()).unwrap().is_empty());
    let on = decide(&state, UserCommand::Reactivate, &linked()).unwrap();
    assert_eq!(on.len(), 1);
    for e in &on {
        UserAggregate::evolve(&mut state, e);
    }
    assert!(state.as_ref().unwrap().active);
    assert!(
        decide(&state, UserCommand::Reactivate, &linked())
            .unwrap()
            .is_empty()
    );
}

#[test]
fn commands_on_an_unknown_user_are_not_found() {
    for c in [
        UserCommand::Reactivate,
        UserCommand::ResetPassword,
        UserCommand::Deactivate { reason: "x".into() },
    ] {
        let err = decide(&None, c, &linked()).unwrap_err();
        assert!(
            matches!(err, DomainError::NotFound { what: "user", .. }),
            "{err:?}"
        );
    }
}

#[test]
fn events_round_trip_through_the_wire() {
    let e: Event = UserRegistered {
        user_id: user_id_for("c0001"),
        username: "c0001".into(),
        display_name: "李四".into(),
        account: Account::Cadre {
            cadre_id: CadreId::new(),
        },
    }
    .into();
    let json = e.payload().to_string();
    assert!(json.contains(r#""kind":"cadre""#), "{json}");
    assert_eq!(Event::decode("UserRegistered", 1, &json).unwrap(), e);
}

#[test]
fn role_wire_names_are_stable() {
    for role in Role::ALL {
        let json = serde_json::to_string(&role).unwrap();
        assert_eq!(json, format!("\"{}\"", role.as_str()));
        assert_eq!(serde_json::from_str::<Role>(&json).unwrap(), role);
    }
}
