//! A real `redis-server` for the tests, on a free loopback port, stopped on drop.
//!
//! Where no `redis-server` is installed the tests that need one are skipped
//! with a message, except under CI (`CI` set), where that is a failure: CI
//! installs it (`.ci/install`). `M800_REDIS_SERVER` names another binary.

use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct RedisServer {
    child: Child,
    pub port: u16,
}

impl RedisServer {
    /// A fresh server with `extra` arguments (e.g. `["--maxmemory", "1mb"]`),
    /// or `None` (skip) when none is installed outside CI.
    pub fn start(extra: &[&str]) -> Option<RedisServer> {
        Self::start_on(free_port(), extra)
    }

    /// As [`start`](Self::start), on `port`.
    pub fn start_on(port: u16, extra: &[&str]) -> Option<RedisServer> {
        let binary = std::env::var("M800_REDIS_SERVER").unwrap_or_else(|_| "redis-server".into());
        let spawned = Command::new(&binary)
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
            .args([
                "--save",
                "",
                "--appendonly",
                "no",
                "--protected-mode",
                "yes",
            ])
            .args(extra)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn();
        let child = match spawned {
            Ok(child) => child,
            Err(e) if std::env::var_os("CI").is_none() => {
                eprintln!("SKIPPED: no {binary} ({e}); install redis-server to run this test");
                return None;
            }
            Err(e) => panic!("CI needs {binary} (apt-get install -y redis-server): {e}"),
        };
        let server = RedisServer { child, port };
        let deadline = Instant::now() + Duration::from_secs(10);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "redis-server did not start on port {port}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        Some(server)
    }

    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A loopback port nothing listens on (at the time of asking).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}
