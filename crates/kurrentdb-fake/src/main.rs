//! `kurrentdb-fake [--listen 127.0.0.1:2113]`: serves one fake KurrentDB until interrupted or
//! terminated. The first line on stdout is the connection string, so that a test can start
//! this binary and point child processes at one shared fake.

use std::io::Write;
use std::net::SocketAddr;
use std::process::ExitCode;

use kurrentdb_fake::FakeKurrent;

const USAGE: &str = "usage: kurrentdb-fake [--listen ADDR]   (default 127.0.0.1:0, a free port)";

#[tokio::main]
async fn main() -> ExitCode {
    let addr = match listen_address(std::env::args().skip(1)) {
        Ok(Some(addr)) => addr,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("kurrentdb-fake: {message}\n{USAGE}");
            return ExitCode::from(2);
        }
    };

    let fake = match FakeKurrent::start_on(addr).await {
        Ok(fake) => fake,
        Err(error) => {
            eprintln!("kurrentdb-fake: cannot listen on {addr}: {error}");
            return ExitCode::FAILURE;
        }
    };
    let mut stdout = std::io::stdout().lock();
    if writeln!(stdout, "{}", fake.url())
        .and_then(|()| stdout.flush())
        .is_err()
    {
        return ExitCode::FAILURE;
    }
    drop(stdout);

    if let Err(error) = stopped().await {
        eprintln!("kurrentdb-fake: cannot wait for a signal: {error}");
    }
    fake.shutdown().await;
    ExitCode::SUCCESS
}

/// The `--listen` address; `Ok(None)` for `--help`.
fn listen_address(mut args: impl Iterator<Item = String>) -> Result<Option<SocketAddr>, String> {
    let mut addr = SocketAddr::from(([127, 0, 0, 1], 0));
    while let Some(arg) = args.next() {
        let value = match arg.as_str() {
            "-h" | "--help" => return Ok(None),
            "--listen" => args.next().ok_or("--listen needs an address")?,
            other => match other.strip_prefix("--listen=") {
                Some(value) => value.to_owned(),
                None => return Err(format!("unknown argument {other:?}")),
            },
        };
        addr = value
            .parse()
            .map_err(|e| format!("bad --listen address {value:?}: {e}"))?;
    }
    Ok(Some(addr))
}

/// Waits for Ctrl-C or, on Unix, SIGTERM.
async fn stopped() -> std::io::Result<()> {
    #[cfg(unix)]
    {
        let mut terminate =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
        tokio::select! {
            result = tokio::signal::ctrl_c() => result,
            _ = terminate.recv() => Ok(()),
        }
    }
    #[cfg(not(unix))]
    {
        tokio::signal::ctrl_c().await
    }
}
