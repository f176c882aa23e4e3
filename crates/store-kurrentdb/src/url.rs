//! The store URL: KurrentDB's own connection strings, with one parameter of ours
//! (`prefix=NAME`), and how they are shown in messages.

use event_store::StoreError;

/// Whether a URL names the KurrentDB backend.
pub fn is_kurrentdb_url(url: &str) -> bool {
    [
        "kurrentdb://",
        "kurrentdb+discover://",
        "esdb://",
        "esdb+discover://",
    ]
    .iter()
    .any(|s| url.starts_with(s))
}

/// A URL with any password replaced by `***`.
pub fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    match authority.rsplit_once('@') {
        Some((userinfo, host)) => match userinfo.split_once(':') {
            Some((user, _)) => format!("{scheme}://{user}:***@{host}{tail}"),
            None => url.to_owned(),
        },
        None => url.to_owned(),
    }
}

/// Splits our own `prefix=` parameter off a connection string: (the client's URL, prefix).
pub fn split_prefix(url: &str) -> Result<(String, String), StoreError> {
    let Some((base, query)) = url.split_once('?') else {
        return Ok((url.to_owned(), String::new()));
    };
    let mut prefix = String::new();
    let mut kept = Vec::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        match pair.split_once('=') {
            Some((k, v)) if k.eq_ignore_ascii_case("prefix") => {
                if v.is_empty()
                    || v.starts_with('$')
                    || !v
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
                {
                    return Err(StoreError::Unavailable(format!(
                        "prefix={v:?} in the store URL: a prefix is letters, digits, '-', \
                         '_' or '.', and does not begin with '$'"
                    )));
                }
                prefix = v.to_owned();
            }
            _ => kept.push(pair),
        }
    }
    let url = if kept.is_empty() {
        base.to_owned()
    } else {
        format!("{base}?{}", kept.join("&"))
    };
    Ok((url, prefix))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn our_prefix_parameter_is_split_off_and_checked() {
        assert_eq!(
            split_prefix("kurrentdb://h:2113?tls=false&prefix=t1-").expect("valid"),
            ("kurrentdb://h:2113?tls=false".to_owned(), "t1-".to_owned())
        );
        assert_eq!(
            split_prefix("esdb://h:2113").expect("valid"),
            ("esdb://h:2113".to_owned(), String::new())
        );
        let err = split_prefix("kurrentdb://h?prefix=$x").expect_err("system prefix");
        assert!(err.to_string().contains("prefix"), "{err}");
    }

    #[test]
    fn urls_are_recognised_and_passwords_never_shown() {
        assert!(is_kurrentdb_url("kurrentdb+discover://a,b,c"));
        assert!(is_kurrentdb_url("esdb://localhost:2113"));
        assert!(!is_kurrentdb_url("postgres://x"));
        assert_eq!(
            redact("kurrentdb://admin:changeit@db:2113?tls=false"),
            "kurrentdb://admin:***@db:2113?tls=false"
        );
    }
}
