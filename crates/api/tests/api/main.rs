//! The API, called through the router with `oneshot`: one integration binary.

#![allow(clippy::unwrap_used, reason = "test helpers fail loudly by design")]

mod access;
mod filings;
mod notifications;
mod openapi;
mod ops;
mod problems;
mod secrets;
mod support;
mod v1;
