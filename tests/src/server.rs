//! Starting the real binary as a server on a temporary store, speaking HTTP to it, and
//! stopping it — as an operator would.

use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running `dutytrace serve`, killed if the test ends without stopping it.
#[derive(Debug)]
pub struct Server {
    child: Child,
    pub address: String,
}

impl Server {
    /// Starts `bin serve` on `store` with the clock fixed at `now`, and waits until it is
    /// ready (its read models caught up), as an orchestrator's readiness probe would.
    pub fn start(bin: &Path, store: &str, now: &str) -> Self {
        let mut child = Command::new(bin)
            .args(["serve", "--store", store, "--listen", "127.0.0.1:0"])
            .env("DUTYTRACE_NOW", now)
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
        let server = Self { child, address };
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let (status, body) = server.get("/readyz");
            if status == 200 {
                return server;
            }
            assert!(
                Instant::now() < deadline,
                "not ready in 30 s: {status} {body}"
            );
            std::thread::yield_now();
        }
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

    /// One HTTP/1.1 request on its own connection.
    pub fn request(
        &self,
        method: &str,
        path: &str,
        body: Option<&str>,
        headers: &[(&str, &str)],
    ) -> (u16, String) {
        let mut s = TcpStream::connect(&self.address).expect("connects");
        let mut head = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n",
            self.address
        );
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
        s.write_all(head.as_bytes()).expect("sends");
        if let Some(b) = body {
            s.write_all(b.as_bytes()).expect("sends the body");
        }
        let mut response = Vec::new();
        s.read_to_end(&mut response).expect("reads");
        let response = String::from_utf8(response).expect("UTF-8");
        let status = response[9..12].parse().expect("a status code");
        let (head, body) = response.split_once("\r\n\r\n").unwrap_or((&response, ""));
        let body = if head
            .to_ascii_lowercase()
            .contains("transfer-encoding: chunked")
        {
            dechunk(body)
        } else {
            body.to_owned()
        };
        (status, body)
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
