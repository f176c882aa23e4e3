//! Every statement run against the auth file; the SQL itself is in `queries/*.sql`.

macro_rules! query {
    ($name:ident, $file:literal) => {
        pub(crate) const $name: &str = include_str!(concat!("../queries/", $file, ".sql"));
    };
}

query!(DEPLOYMENT_GET, "deployment_get");
query!(DEPLOYMENT_INIT, "deployment_init");
query!(DEPLOYMENT_REPLACE, "deployment_replace");
query!(CREDENTIAL_UPSERT, "credential_upsert");
query!(CREDENTIAL_SET_PHC, "credential_set_phc");
query!(CREDENTIAL_BY_USERNAME, "credential_by_username");
query!(CREDENTIAL_BY_USER_ID, "credential_by_user_id");
query!(CREDENTIALS_ALL, "credentials_all");
query!(FAILURES_GET, "failures_get");
query!(FAILURES_PUT, "failures_put");
query!(FAILURES_CLEAR, "failures_clear");
query!(FAILURES_ALL, "failures_all");
query!(SESSION_INSERT, "session_insert");
query!(SESSION_IMPORT, "session_import");
query!(SESSION_GET, "session_get");
query!(SESSION_TOUCH, "session_touch");
query!(SESSION_DELETE, "session_delete");
query!(SESSION_DELETE_USER, "session_delete_user");
query!(SESSION_PURGE, "session_purge");
query!(SESSIONS_ALL, "sessions_all");
query!(IS_EMPTY, "is_empty");
