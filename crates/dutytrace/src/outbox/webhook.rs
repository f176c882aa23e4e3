//! The webhook: its URL, checked once at start, and one POST of one delivery.

use reqwest::header::{CONTENT_TYPE, HeaderName};
use reqwest::{Client, Url};
use std::fmt;
use std::time::Duration;
use uuid::Uuid;

/// The header that carries a delivery's stable id.
pub const IDEMPOTENCY_KEY: HeaderName = HeaderName::from_static("idempotency-key");

/// A webhook URL: plain `http://` with a host. Shown (in logs, `Debug`) as its origin only,
/// since a webhook's path or query often holds a secret token.
#[derive(Clone, PartialEq, Eq)]
pub struct Webhook {
    url: Url,
}

impl Webhook {
    /// Checks a URL. The message of an error never repeats the URL.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let url = Url::parse(raw.trim()).map_err(|e| format!("not a URL ({e})"))?;
        match url.scheme() {
            "http" => {}
            "https" => {
                return Err(
                    "https is not supported: this build has no TLS stack (ADR 0009); \
                     use http:// to a receiver on this machine or a TLS-terminating proxy"
                        .into(),
                );
            }
            other => return Err(format!("the scheme must be http, not {other:?}")),
        }
        if url.host_str().is_none_or(str::is_empty) {
            return Err("the URL has no host".into());
        }
        Ok(Self { url })
    }

    /// The scheme, host and port.
    pub fn origin(&self) -> String {
        self.url.origin().ascii_serialization()
    }
}

impl fmt::Debug for Webhook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Webhook({}/…)", self.origin())
    }
}

impl fmt::Display for Webhook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/…", self.origin())
    }
}

/// The client every delivery goes through: a whole request (connect, send, answer) may take
/// at most `timeout`; redirects are not followed (a 3xx is a failed attempt).
pub(crate) fn client(timeout: Duration) -> reqwest::Result<Client> {
    Client::builder()
        .timeout(timeout)
        .connect_timeout(timeout)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("dutytrace/", env!("CARGO_PKG_VERSION")))
        .build()
}

/// Why an attempt failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Failure {
    /// The status answered, if there was an answer.
    pub status: Option<u16>,
    /// A short reason, without the URL or any body.
    pub error: String,
}

/// POSTs one delivery; `Ok(status)` only on a 2xx.
pub(crate) async fn post(
    client: &Client,
    webhook: &Webhook,
    key: Uuid,
    body: String,
) -> Result<u16, Failure> {
    let sent = client
        .post(webhook.url.clone())
        .header(IDEMPOTENCY_KEY, key.to_string())
        .header(CONTENT_TYPE, "application/json")
        .body(body)
        .send()
        .await;
    match sent {
        Ok(answer) if answer.status().is_success() => Ok(answer.status().as_u16()),
        Ok(answer) => Err(Failure {
            status: Some(answer.status().as_u16()),
            error: format!("answered {}", answer.status()),
        }),
        Err(e) => Err(Failure {
            status: e.status().map(|s| s.as_u16()),
            error: describe(e),
        }),
    }
}

/// A transport error in a few words, its causes included, the URL left out.
fn describe(e: reqwest::Error) -> String {
    let what = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "cannot connect"
    } else {
        "request failed"
    };
    let e = e.without_url();
    let mut causes = Vec::new();
    let mut source = std::error::Error::source(&e);
    while let Some(s) = source {
        causes.push(s.to_string());
        source = s.source();
    }
    if causes.is_empty() {
        what.to_owned()
    } else {
        format!("{what}: {}", causes.join(": "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_http_with_a_host_is_taken_and_errors_never_repeat_the_url() {
        let w = Webhook::parse(" http://127.0.0.1:9000/hooks/s3cr3t?token=abc ").unwrap();
        assert_eq!(w.origin(), "http://127.0.0.1:9000");
        assert_eq!(w.to_string(), "http://127.0.0.1:9000/…");
        assert!(!format!("{w:?}").contains("s3cr3t"));
        for (raw, says) in [
            ("https://example.test/hook?token=s3cr3t", "no TLS"),
            ("ftp://example.test/s3cr3t", "scheme"),
            ("s3cr3t", "not a URL"),
            ("http://", "not a URL"),
        ] {
            let e = Webhook::parse(raw).unwrap_err();
            assert!(e.contains(says), "{raw}: {e}");
            assert!(!e.contains("s3cr3t"), "{raw}: {e}");
        }
    }
}
