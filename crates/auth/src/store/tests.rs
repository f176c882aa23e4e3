//! The store against a real file: hashes, lock-out, tokens, and that no secret leaks.

use super::*;
use crate::{HashCost, PasswordRule, Secret};
use chrono::{DateTime, Utc};
use chrono::{TimeDelta, TimeZone};
use uuid::Uuid;

const PASSWORD: &str = "Tall-Ledger-42!";

fn config() -> AuthConfig {
    AuthConfig {
        hash_cost: HashCost::insecure_fast_for_tests(),
        ..AuthConfig::default()
    }
}

fn open(dir: &tempfile::TempDir, name: &str) -> CredentialStore {
    CredentialStore::open_with(dir.path().join(name), config()).expect("opens")
}

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 3, 1, 9, 0, 0)
        .single()
        .expect("valid")
}

fn minutes(n: i64) -> DateTime<Utc> {
    t0() + TimeDelta::minutes(n)
}

/// A store with user `alice` whose password is [`PASSWORD`].
fn with_alice() -> (tempfile::TempDir, CredentialStore, Uuid) {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = open(&dir, "log.db.auth.db");
    let alice = Uuid::now_v7();
    store
        .set_password(alice, "alice", &Secret::new(PASSWORD))
        .expect("sets");
    (dir, store, alice)
}

fn stored_phc(store: &CredentialStore, user: Uuid) -> String {
    store.credential_of(user).expect("has credentials").1
}

/// Every byte of the auth file (and its journal, if any is left).
fn file_bytes(dir: &tempfile::TempDir) -> Vec<u8> {
    let mut bytes = Vec::new();
    for entry in std::fs::read_dir(dir.path()).expect("lists") {
        bytes.extend(std::fs::read(entry.expect("entry").path()).expect("reads"));
    }
    bytes
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

#[test]
fn the_auth_file_lives_beside_the_log() {
    assert_eq!(
        auth_path_for(Path::new("/var/lib/dutytrace.db")),
        Path::new("/var/lib/dutytrace.auth.db")
    );
    assert_eq!(
        auth_path_for(Path::new("/var/lib/log")),
        Path::new("/var/lib/log.auth.db")
    );
}

#[test]
fn stores_an_argon2id_phc_string_and_never_the_password() {
    let (_dir, store, alice) = with_alice();
    let phc = stored_phc(&store, alice);
    assert!(phc.starts_with("$argon2id$v=19$"), "{phc}");
    assert!(!phc.contains(PASSWORD));
}

#[test]
fn verify_accepts_the_password_and_names_the_user() {
    let (_dir, store, alice) = with_alice();
    assert_eq!(
        store.verify("alice", &Secret::new(PASSWORD), t0()),
        Ok(alice)
    );
}

#[test]
fn wrong_password_and_unknown_user_are_the_same_error() {
    let (_dir, store, _) = with_alice();
    let wrong = store.verify("alice", &Secret::new("Tall-Ledger-43!"), t0());
    let unknown = store.verify("bob", &Secret::new(PASSWORD), t0());
    assert_eq!(wrong, Err(AuthError::InvalidCredentials));
    assert_eq!(unknown, wrong);
    assert_eq!(format!("{unknown:?}"), format!("{wrong:?}"));
}

#[test]
fn weak_passwords_and_taken_usernames_are_refused_by_rule() {
    let (_dir, store, alice) = with_alice();
    let bob = Uuid::now_v7();
    assert_eq!(
        store.set_password(bob, "bob", &Secret::new("short")),
        Err(AuthError::WeakPassword(PasswordRule::TooShort { min: 10 }))
    );
    assert_eq!(
        store.set_password(bob, "bob.zhang.01", &Secret::new("BOB.ZHANG.01")),
        Err(AuthError::WeakPassword(PasswordRule::SameAsUsername))
    );
    assert_eq!(
        store.set_password(bob, "alice", &Secret::new("another password")),
        Err(AuthError::UsernameTaken)
    );
    assert_eq!(
        store.reset_password(alice, &Secret::new("alice")),
        Err(AuthError::WeakPassword(PasswordRule::TooShort { min: 10 }))
    );
    assert_eq!(
        store.reset_password(bob, &Secret::new("a fine password")),
        Err(AuthError::NoCredentials)
    );
}

#[test]
fn five_failures_lock_out_for_doubling_periods_and_success_resets() {
    let (_dir, store, alice) = with_alice();
    let (good, bad) = (Secret::new(PASSWORD), Secret::new("not the password"));
    for _ in 0..5 {
        assert_eq!(
            store.verify("alice", &bad, t0()),
            Err(AuthError::InvalidCredentials)
        );
    }
    // Locked: even the right password is refused, and the refusal does not count.
    let locked = |retry_after| Err(AuthError::LockedOut { retry_after });
    assert_eq!(
        store.verify("alice", &good, t0()),
        locked(TimeDelta::minutes(1))
    );
    assert_eq!(
        store.verify("alice", &good, t0() + TimeDelta::seconds(30)),
        locked(TimeDelta::seconds(30))
    );
    // Each further failure doubles the lock.
    assert_eq!(
        store.verify("alice", &bad, minutes(1)),
        Err(AuthError::InvalidCredentials)
    );
    assert_eq!(
        store.verify("alice", &good, minutes(1)),
        locked(TimeDelta::minutes(2))
    );
    assert_eq!(
        store.verify("alice", &bad, minutes(3)),
        Err(AuthError::InvalidCredentials)
    );
    assert_eq!(
        store.verify("alice", &good, minutes(3)),
        locked(TimeDelta::minutes(4))
    );
    // Success after the lock ends resets the counter: four failures lock nothing.
    assert_eq!(store.verify("alice", &good, minutes(7)), Ok(alice));
    for _ in 0..4 {
        assert_eq!(
            store.verify("alice", &bad, minutes(7)),
            Err(AuthError::InvalidCredentials)
        );
    }
    assert_eq!(store.verify("alice", &good, minutes(7)), Ok(alice));
}

#[test]
fn unknown_usernames_lock_out_exactly_like_known_ones() {
    let (_dir, store, _) = with_alice();
    let bad = Secret::new("not the password");
    let run = |name: &str| -> Vec<Result<Uuid, AuthError>> {
        (0..7)
            .map(|i| store.verify(name, &bad, minutes(i)))
            .collect()
    };
    let known = run("alice");
    assert_eq!(known, run("nobody"));
    assert!(known.contains(&Err(AuthError::LockedOut {
        retry_after: TimeDelta::minutes(1)
    })));
}

#[test]
fn change_password_needs_the_old_one_and_ends_sessions() {
    let (_dir, store, alice) = with_alice();
    let (old, new) = (Secret::new(PASSWORD), Secret::new("Brand-New-Secret-7"));
    let token = store.issue(alice, t0()).expect("issues");
    assert_eq!(
        store.change_password(alice, &new, &new, t0()),
        Err(AuthError::InvalidCredentials)
    );
    assert_eq!(
        store.change_password(alice, &old, &Secret::new("alice"), t0()),
        Err(AuthError::WeakPassword(PasswordRule::TooShort { min: 10 }))
    );
    assert_eq!(store.change_password(alice, &old, &new, t0()), Ok(()));
    assert_eq!(
        store.verify("alice", &old, t0()),
        Err(AuthError::InvalidCredentials)
    );
    assert_eq!(store.verify("alice", &new, t0()), Ok(alice));
    assert_eq!(
        store.authenticate(&token, t0()),
        Err(AuthError::InvalidToken)
    );
}

#[test]
fn reset_password_ends_sessions_and_lifts_the_lock_out() {
    let (_dir, store, alice) = with_alice();
    let token = store.issue(alice, t0()).expect("issues");
    let bad = Secret::new("not the password");
    for _ in 0..5 {
        let _ = store.verify("alice", &bad, t0());
    }
    let new = Secret::new("Reset-By-Admin-2025");
    assert_eq!(store.reset_password(alice, &new), Ok(()));
    assert_eq!(
        store.authenticate(&token, t0()),
        Err(AuthError::InvalidToken)
    );
    assert_eq!(store.verify("alice", &new, t0()), Ok(alice));
}

#[test]
fn a_valid_token_gives_its_session_and_sliding_expiry() {
    let (_dir, store, alice) = with_alice();
    let token = store.issue(alice, t0()).expect("issues");
    let session = store.authenticate(&token, t0()).expect("valid");
    assert_eq!(session.user_id, alice);
    assert_eq!(session.expires_at, t0() + TimeDelta::hours(2));
    // Used every 90 minutes it lives, but never past 12 hours.
    let mut at = t0();
    while at + TimeDelta::minutes(90) < t0() + TimeDelta::hours(12) {
        at += TimeDelta::minutes(90);
        let session = store.authenticate(&token, at).expect("still valid");
        assert!(session.expires_at <= t0() + TimeDelta::hours(12));
    }
    assert_eq!(
        store.authenticate(&token, t0() + TimeDelta::hours(12)),
        Err(AuthError::InvalidToken)
    );
}

#[test]
fn an_idle_token_expires() {
    let (_dir, store, alice) = with_alice();
    let token = store.issue(alice, t0()).expect("issues");
    assert_eq!(
        store.authenticate(&token, t0() + TimeDelta::hours(2)),
        Err(AuthError::InvalidToken)
    );
    // And stays expired: the row is gone.
    assert_eq!(
        store.authenticate(&token, t0()),
        Err(AuthError::InvalidToken)
    );
}

#[test]
fn tampered_truncated_and_foreign_tokens_are_invalid() {
    let (dir, store, alice) = with_alice();
    let token = store.issue(alice, t0()).expect("issues");
    let text = token.expose();
    for i in [0, 20, 40, 63] {
        let mut chars: Vec<char> = text.chars().collect();
        chars[i] = if chars[i] == 'A' { 'B' } else { 'A' };
        let tampered = Secret::new(chars.into_iter().collect::<String>());
        assert_eq!(
            store.authenticate(&tampered, t0()),
            Err(AuthError::InvalidToken),
            "{i}"
        );
    }
    for bad in [
        &text[..63],
        &text[..32],
        "",
        "not a token at all",
        &format!("{text}A"),
    ] {
        assert_eq!(
            store.authenticate(&Secret::new(bad), t0()),
            Err(AuthError::InvalidToken)
        );
    }
    let other = open(&dir, "other.db.auth.db");
    let foreign = other.issue(alice, t0()).expect("issues");
    assert_eq!(
        store.authenticate(&foreign, t0()),
        Err(AuthError::InvalidToken)
    );
    assert!(other.authenticate(&foreign, t0()).is_ok());
    assert!(
        store.authenticate(&token, t0()).is_ok(),
        "the original still works"
    );
}

#[test]
fn revoked_tokens_are_invalid() {
    let (_dir, store, alice) = with_alice();
    let (a, b, c) = (
        store.issue(alice, t0()).expect("issues"),
        store.issue(alice, t0()).expect("issues"),
        store.issue(alice, t0()).expect("issues"),
    );
    store.revoke(&a).expect("revokes");
    store.revoke(&Secret::new("garbage")).expect("ignored");
    assert_eq!(store.authenticate(&a, t0()), Err(AuthError::InvalidToken));
    assert!(store.authenticate(&b, t0()).is_ok());
    assert_eq!(store.revoke_all(alice), Ok(2));
    assert_eq!(store.authenticate(&b, t0()), Err(AuthError::InvalidToken));
    assert_eq!(store.authenticate(&c, t0()), Err(AuthError::InvalidToken));
}

#[test]
fn tokens_survive_reopening_the_file() {
    let (dir, store, alice) = with_alice();
    let token = store.issue(alice, t0()).expect("issues");
    drop(store);
    let reopened = open(&dir, "log.db.auth.db");
    assert_eq!(
        reopened.authenticate(&token, t0()).map(|s| s.user_id),
        Ok(alice)
    );
}

#[test]
fn a_copy_keeps_logins_tokens_and_lock_outs_and_goes_only_into_an_empty_store() {
    let (dir, store, alice) = with_alice();
    let token = store.issue(alice, t0()).expect("issues");
    for _ in 0..5 {
        let _ = store.verify("mallory", &Secret::new("Wrong-Guess-99"), t0());
    }
    let dump = store.export().expect("exports");
    assert_eq!(dump.credentials.len(), 1);
    assert_eq!(dump.sessions.len(), 1);

    let target = open(&dir, "copy.auth.db");
    assert_eq!(target.is_empty(), Ok(true));
    target.import(&dump).expect("imports");
    drop(target);
    let copy = open(&dir, "copy.auth.db");
    assert_eq!(copy.is_empty(), Ok(false));
    assert_eq!(copy.export().expect("exports"), dump);
    assert_eq!(
        copy.authenticate(&token, t0()).map(|s| s.user_id),
        Ok(alice)
    );
    assert_eq!(
        copy.verify("alice", &Secret::new(PASSWORD), t0()),
        Ok(alice)
    );
    assert!(matches!(
        copy.verify("mallory", &Secret::new("Wrong-Guess-99"), t0()),
        Err(AuthError::LockedOut { .. })
    ));

    // A second copy into a store that has credentials is refused and changes nothing.
    let other = Uuid::now_v7();
    copy.set_password(other, "bob", &Secret::new(PASSWORD))
        .expect("sets");
    let before = copy.export().expect("exports");
    assert!(matches!(copy.import(&dump), Err(AuthError::Storage(m)) if m.contains("already")));
    assert_eq!(copy.export().expect("exports"), before);
}

#[test]
fn purge_removes_only_ended_sessions() {
    let (_dir, store, alice) = with_alice();
    let old = store.issue(alice, t0()).expect("issues");
    let fresh = store.issue(alice, minutes(90)).expect("issues");
    assert_eq!(store.purge_expired(minutes(120)), Ok(1));
    assert!(store.authenticate(&fresh, minutes(120)).is_ok());
    assert_eq!(
        store.authenticate(&old, minutes(60)),
        Err(AuthError::InvalidToken)
    );
}

#[test]
fn no_password_or_token_in_the_file_or_in_any_message() {
    let (dir, store, alice) = with_alice();
    let new = Secret::new("Second-Password-99");
    let token = store.issue(alice, t0()).expect("issues");
    let second = store.issue(alice, t0()).expect("issues");
    let mut messages = vec![format!("{store:?}"), format!("{token} {token:?} {new:?}")];
    let mut record = |r: Result<String, AuthError>| {
        if let Err(e) = r {
            messages.push(format!("{e} {e:?} {e:#?}"));
        }
    };
    record(store.verify("alice", &token, t0()).map(|u| u.to_string()));
    record(store.verify("nobody", &new, t0()).map(|u| u.to_string()));
    record(
        store
            .set_password(alice, "alice", &Secret::new("alice"))
            .map(|()| String::new()),
    );
    let tampered = Secret::new(format!("{}x", token.expose()));
    record(
        store
            .authenticate(&tampered, t0())
            .map(|s| format!("{s:?}")),
    );
    for _ in 0..5 {
        record(store.verify("alice", &new, t0()).map(|u| u.to_string()));
    }
    store
        .change_password(alice, &Secret::new(PASSWORD), &new, minutes(60))
        .expect("changes");
    record(
        store
            .authenticate(&second, minutes(60))
            .map(|s| format!("{s:?}")),
    );
    let third = store.issue(alice, minutes(60)).expect("issues");
    messages.push(format!("{:?}", store.authenticate(&third, minutes(60))));

    let bytes = file_bytes(&dir);
    for secret in [
        PASSWORD,
        new.expose(),
        token.expose(),
        second.expose(),
        third.expose(),
    ] {
        assert!(!contains(&bytes, secret), "the auth file holds a secret");
        for m in &messages {
            assert!(!m.contains(secret), "a message shows a secret: {m}");
        }
    }
    assert!(messages.iter().any(|m| m.contains("LockedOut")));
    assert!(messages.iter().any(|m| m.contains("InvalidToken")));
}

#[test]
fn a_remembered_session_is_forgotten_by_every_revocation_at_once() {
    let (_dir, store, alice) = with_alice();
    let new = Secret::new("another fine password");
    type Revoke<'a> = Box<dyn Fn(&Secret) + 'a>;
    let revocations: Vec<(&str, Revoke<'_>)> = vec![
        (
            "logout",
            Box::new(|t: &Secret| store.revoke(t).expect("revokes")),
        ),
        (
            "revoke all",
            Box::new(|_: &Secret| {
                store.revoke_all(alice).expect("revokes");
            }),
        ),
        (
            "reset",
            Box::new(|_: &Secret| store.reset_password(alice, &new).expect("resets")),
        ),
        (
            "purge",
            Box::new(|_: &Secret| {
                store.purge_expired(t0()).expect("purges");
            }),
        ),
    ];
    for (what, revoke) in revocations {
        let token = store.issue(alice, t0()).expect("issues");
        assert!(
            store.remembered(&token, t0()).is_none(),
            "{what}: not checked yet"
        );
        store.authenticate(&token, t0()).expect("valid");
        assert_eq!(
            store.remembered(&token, t0()).map(|s| s.user_id),
            Some(alice),
            "{what}: remembered after a check"
        );
        revoke(&token);
        if what == "purge" {
            // Nothing expired: the purge forgets, the file still knows it.
            assert!(store.remembered(&token, t0()).is_none());
            assert!(store.authenticate(&token, t0()).is_ok());
            continue;
        }
        assert!(store.remembered(&token, t0()).is_none(), "{what}");
        assert_eq!(
            store.authenticate(&token, t0()),
            Err(AuthError::InvalidToken),
            "{what}"
        );
    }
    // Another deployment's store remembers nothing of ours.
    let token = store.issue(alice, t0()).expect("issues");
    store.authenticate(&token, t0()).expect("valid");
    let (_other_dir, other, _) = with_alice();
    assert!(other.remembered(&token, t0()).is_none());
}
