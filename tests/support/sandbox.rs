//! `m800-sign sandbox` on a free loopback port with the demo credentials, its
//! log discarded; killed on drop. Shared by the CLI and sandbox tests.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

/// A running sandbox.
pub struct Sandbox {
    child: Child,
    /// `127.0.0.1:PORT`, as it printed on start-up.
    pub addr: String,
}

impl Sandbox {
    /// Starts one with the options `extra` besides `--listen 127.0.0.1:0`.
    pub fn start(extra: &[&str]) -> Sandbox {
        let mut child = Command::new(env!("CARGO_BIN_EXE_m800-sign"))
            .args(["sandbox", "--listen", "127.0.0.1:0"])
            .args(extra)
            .env("M800_SECRET", "a-demo-secret")
            .env("M800_KEY", "a-demo-key")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let addr = line
            .split_whitespace()
            .find_map(|w| w.strip_prefix("http://"))
            .unwrap_or_else(|| panic!("no address in {line:?}"))
            .to_string();
        Sandbox { child, addr }
    }

    /// `http://127.0.0.1:PORT`.
    #[allow(dead_code)] // not every test file that includes this module uses it
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
