//! Starting the real binary as a server on a temporary store, signing in and speaking HTTP
//! to it, and stopping it — as an operator would.
//!
//! The server is started with `DUTYTRACE_ADMIN_PASSWORD` set to [`ADMIN_PASSWORD`] and the
//! harness signs in as `admin`: the requests of [`Server`] carry the administrator's bearer
//! token. [`Server::sign_in`] gives a [`Client`] that speaks as another user, and
//! [`Server::anonymous`] one that sends no token at all.

use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The password the server under test gives `admin` (it is never a real one).
pub const ADMIN_PASSWORD: &str = "test-admin-password";

/// A running `dutytrace serve`, killed if the test ends without stopping it.
#[derive(Debug)]
pub struct Server {
    child: Child,
    pub address: String,
    /// The administrator's bearer token.
    admin: String,
}

/// Someone speaking to a [`Server`]: a signed-in user (their token on every request) or
/// nobody.
#[derive(Debug, Clone)]
pub struct Client<'a> {
    address: &'a str,
    token: Option<String>,
}

/// Starts `bin serve` on `store` with the clock fixed at `now`, the administrator's
/// password [`ADMIN_PASSWORD`] and `env`; answers the process and its address once
/// `/readyz` says it is ready (its read models caught up), as an orchestrator's readiness
/// probe would. For tests that handle the process themselves (signals); others use
/// [`Server`].
pub fn spawn_serve(bin: &Path, store: &str, now: &str, env: &[(&str, &str)]) -> (Child, String) {
    let mut child = Command::new(bin)
        .args(["serve", "--store", store, "--listen", "127.0.0.1:0"])
        .envs(env.iter().copied())
        .env("DUTYTRACE_NOW", now)
        .env("DUTYTRACE_ADMIN_PASSWORD", ADMIN_PASSWORD)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("the binary starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout is piped"))
        .read_line(&mut line)
        .expect("the server prints its address");
    let address = line
        .split("http://")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or_else(|| panic!("no address in {line:?}"))
        .to_owned();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let (status, body) = Client::at(&address, None).get("/readyz");
        if status == 200 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "not ready in 30 s: {status} {body}"
        );
        std::thread::yield_now();
    }
    (child, address)
}

impl Server {
    /// Starts `bin serve` on `store` with the clock fixed at `now` and the administrator's
    /// password [`ADMIN_PASSWORD`], waits until it is ready (its read models caught up), as
    /// an orchestrator's readiness probe would, and signs in as `admin`.
    pub fn start(bin: &Path, store: &str, now: &str) -> Self {
        Self::start_with(bin, store, now, &[])
    }

    /// [`Server::start`] with more environment variables (e.g. `DUTYTRACE_DATA_DIR`).
    pub fn start_with(bin: &Path, store: &str, now: &str, env: &[(&str, &str)]) -> Self {
        let (child, address) = spawn_serve(bin, store, now, env);
        let mut server = Self {
            child,
            address,
            admin: String::new(),
        };
        let admin = server.sign_in("admin", ADMIN_PASSWORD);
        server.admin = admin.token().expect("a token").to_owned();
        server
    }

    /// Stops the server with SIGTERM and checks it exits cleanly.
    pub fn stop(mut self) {
        let pid = self.child.id().to_string();
        let sent = Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .expect("kill runs");
        assert!(sent.success());
        let status = self.child.wait().expect("the server exits");
        assert!(status.success(), "exit status {status}");
    }

    /// Kills the server with SIGKILL, as a crash or an out-of-memory kill would.
    pub fn kill(mut self) {
        self.child.kill().expect("SIGKILL");
        let status = self.child.wait().expect("the server exits");
        assert!(!status.success(), "killed, not exited: {status}");
    }

    /// `POST /api/v1/auth/login`: (status, body).
    pub fn login(&self, username: &str, password: &str) -> (u16, Value) {
        self.anonymous().post(
            "/api/v1/auth/login",
            &json!({"username": username, "password": password}),
            &[],
        )
    }

    /// Signs in as `username`; panics unless that succeeds.
    pub fn sign_in(&self, username: &str, password: &str) -> Client<'_> {
        let (status, body) = self.login(username, password);
        assert_eq!(status, 200, "sign-in as {username}: {body}");
        let token = body["token"].as_str().expect("a token").to_owned();
        Client {
            address: &self.address,
            token: Some(token),
        }
    }

    /// The administrator `admin` (whom the requests of `Server` itself are sent as).
    pub fn admin(&self) -> Client<'_> {
        Client {
            address: &self.address,
            token: Some(self.admin.clone()),
        }
    }

    /// Nobody: requests without a token.
    pub fn anonymous(&self) -> Client<'_> {
        Client {
            address: &self.address,
            token: None,
        }
    }

    /// GET as the administrator: (status, body).
    pub fn get(&self, path: &str) -> (u16, String) {
        self.admin().get(path)
    }

    /// GET as the administrator, as JSON; panics unless 200.
    pub fn get_json(&self, path: &str) -> Value {
        self.admin().get_json(path)
    }

    /// POST a JSON body as the administrator: (status, parsed body).
    pub fn post(&self, path: &str, body: &Value, headers: &[(&str, &str)]) -> (u16, Value) {
        self.admin().post(path, body, headers)
    }

    /// One request as the administrator.
    pub fn request(
        &self,
        method: &str,
        path: &str,
        body: Option<&str>,
        headers: &[(&str, &str)],
    ) -> (u16, String) {
        self.admin().request(method, path, body, headers)
    }
}

impl<'a> Client<'a> {
    /// Someone speaking to the server at `address`, with `token` if signed in.
    pub fn at(address: &'a str, token: Option<String>) -> Self {
        Self { address, token }
    }
}

impl Client<'_> {
    /// The bearer token sent, if any.
    pub fn token(&self) -> Option<&str> {
        self.token.as_deref()
    }

    /// GET: (status, body).
    pub fn get(&self, path: &str) -> (u16, String) {
        self.request("GET", path, None, &[])
    }

    /// GET, as JSON; panics unless 200.
    pub fn get_json(&self, path: &str) -> Value {
        let (status, body) = self.get(path);
        assert_eq!(status, 200, "GET {path}: {body}");
        serde_json::from_str(&body).expect("JSON")
    }

    /// POST a JSON body: (status, parsed body).
    pub fn post(&self, path: &str, body: &Value, headers: &[(&str, &str)]) -> (u16, Value) {
        let (status, text) = self.request("POST", path, Some(&body.to_string()), headers);
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    /// One HTTP/1.1 request on its own connection, with `Authorization: Bearer` when
    /// signed in.
    pub fn request(
        &self,
        method: &str,
        path: &str,
        body: Option<&str>,
        headers: &[(&str, &str)],
    ) -> (u16, String) {
        let (status, _, body) = self.exchange(method, path, body, headers);
        (status, body)
    }

    /// One request: (status, response head with lower-case header names, body).
    pub fn exchange(
        &self,
        method: &str,
        path: &str,
        body: Option<&str>,
        headers: &[(&str, &str)],
    ) -> (u16, String, String) {
        self.try_exchange(method, path, body, headers)
            .unwrap_or_else(|e| panic!("{method} {path}: {e}"))
    }

    /// One request, or the error of a server that could not be reached or hung up.
    pub fn try_exchange(
        &self,
        method: &str,
        path: &str,
        body: Option<&str>,
        headers: &[(&str, &str)],
    ) -> std::io::Result<(u16, String, String)> {
        let mut s = TcpStream::connect(self.address)?;
        let mut head = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n",
            self.address
        );
        if let Some(token) = &self.token {
            head.push_str(&format!("Authorization: Bearer {token}\r\n"));
        }
        for (k, v) in headers {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
        if let Some(b) = body {
            head.push_str(&format!(
                "Content-Type: application/json\r\nContent-Length: {}\r\n",
                b.len()
            ));
        }
        head.push_str("\r\n");
        s.write_all(head.as_bytes())?;
        if let Some(b) = body {
            s.write_all(b.as_bytes())?;
        }
        let mut response = Vec::new();
        s.read_to_end(&mut response)?;
        let response = String::from_utf8(response)
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))?;
        let status = response
            .get(9..12)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| {
                std::io::Error::new(std::io::ErrorKind::InvalidData, "no status line")
            })?;
        let (head, body) = response.split_once("\r\n\r\n").unwrap_or((&response, ""));
        let head = head.to_ascii_lowercase();
        let body = if head.contains("transfer-encoding: chunked") {
            dechunk(body)
        } else {
            body.to_owned()
        };
        Ok((status, head, body))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Decodes a chunked body.
fn dechunk(mut s: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = s.split_once("\r\n") {
        let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if n == 0 {
            break;
        }
        out.push_str(&rest[..n]);
        s = rest[n..].trim_start_matches("\r\n");
    }
    out
}
