//! The API, called through the router with `oneshot`: one integration binary.

#![allow(clippy::unwrap_used, reason = "test helpers fail loudly by design")]

mod access;
mod accountability;
mod evidence;
mod filings;
mod fuzzed;
mod history;
mod notifications;
mod openapi;
mod ops;
mod oversight;
mod problems;
mod reports;
mod search;
mod secrets;
mod statistics;
mod support;
mod timeline;
mod v1;
