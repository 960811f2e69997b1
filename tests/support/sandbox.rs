//! `m800-sign sandbox` on a free loopback port with the demo credentials, its
//! log discarded (or collected); killed on drop. Shared by the CLI and
//! sandbox tests.

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};
use std::thread::JoinHandle;

/// A running sandbox.
pub struct Sandbox {
    child: Child,
    /// `127.0.0.1:PORT`, as it printed on start-up.
    pub addr: String,
}

impl Sandbox {
    /// Starts one with the options `extra` besides `--listen 127.0.0.1:0`.
    pub fn start(extra: &[&str]) -> Sandbox {
        let mut command = Command::new(env!("CARGO_BIN_EXE_m800-sign"));
        command
            .args(["sandbox", "--listen", "127.0.0.1:0"])
            .args(extra);
        Self::spawn(command, Stdio::null())
    }

    /// As [`start`](Self::start), run by
    /// `sh -c "{setup}exec {runner}m800-sign ..."` (e.g. `setup` =
    /// `"ulimit -n 16 && "`, `runner` = `"prlimit --nproc=4 "`), with its log
    /// (stderr) collected: the text comes once the sandbox has exited (by
    /// itself, see [`wait`](Self::wait), or killed when dropped). Each
    /// runner execs the next, so [`pid`](Self::pid) is the sandbox's.
    #[allow(dead_code)] // not every test file that includes this module uses it
    pub fn start_logged(
        setup: &str,
        runner: &str,
        extra: &[&str],
    ) -> (Sandbox, JoinHandle<String>) {
        Self::start_logged_bin(env!("CARGO_BIN_EXE_m800-sign"), setup, runner, extra)
    }

    /// As [`start_logged`](Self::start_logged), with the program at `bin`
    /// (e.g. a copy that another user can run).
    #[allow(dead_code)] // not every test file that includes this module uses it
    pub fn start_logged_bin(
        bin: &str,
        setup: &str,
        runner: &str,
        extra: &[&str],
    ) -> (Sandbox, JoinHandle<String>) {
        let mut command = Command::new("sh");
        command
            .arg("-c")
            .arg(format!(
                "{setup}exec {runner}\"$0\" sandbox --listen 127.0.0.1:0 \"$@\""
            ))
            .arg(bin)
            .args(extra);
        let mut sandbox = Self::spawn(command, Stdio::piped());
        let stderr = sandbox.child.stderr.take().unwrap();
        let log = std::thread::spawn(move || {
            let mut text = String::new();
            let _ = BufReader::new(stderr).read_to_string(&mut text);
            text
        });
        (sandbox, log)
    }

    fn spawn(mut command: Command, stderr: Stdio) -> Sandbox {
        let mut child = command
            .env("M800_SECRET", "a-demo-secret")
            .env("M800_KEY", "a-demo-key")
            .stdout(Stdio::piped())
            .stderr(stderr)
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

    /// Waits for it to exit by itself (e.g. after `--max-requests`).
    #[allow(dead_code)] // not every test file that includes this module uses it
    pub fn wait(&mut self) {
        let _ = self.child.wait();
    }

    /// The sandbox's process id (for /proc/PID/stat, prlimit --pid).
    #[allow(dead_code)] // not every test file that includes this module uses it
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// CPU time (user + system) the sandbox has used so far, in seconds.
    #[allow(dead_code)] // not every test file that includes this module uses it
    pub fn cpu_s(&self) -> f64 {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.pid())).unwrap();
        // Fields after the command name (which may hold spaces): state is
        // field 3, utime and stime fields 14 and 15, in clock ticks
        // (USER_HZ, 100 on Linux).
        let fields: Vec<&str> = stat
            .rsplit_once(')')
            .unwrap()
            .1
            .split_whitespace()
            .collect();
        let ticks: u64 = fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap();
        ticks as f64 / 100.0
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
