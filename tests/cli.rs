//! End-to-end tests of the `m800-sign` tool over real loopback HTTP:
//! `sign` (all formats), `verify`, `push` against `sandbox`, and a plain curl
//! command built by `sign --format curl`.

use std::io::Write;
use std::process::{Command, Output, Stdio};

#[path = "support/sandbox.rs"]
mod sandbox;

use sandbox::Sandbox;

const BIN: &str = env!("CARGO_BIN_EXE_m800-sign");

fn cmd(args: &[&str], secret: &str) -> Command {
    let mut c = Command::new(BIN);
    c.args(args)
        .env("M800_SECRET", secret)
        .env("M800_KEY", "a-demo-key");
    c
}

fn run(args: &[&str]) -> Output {
    cmd(args, "a-demo-secret").output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

const BODY: &str = r#"{"appMessage":{"content":"Hello from M800"},"push":{"content":"You have a new message"},"sender":"bob@m800.com"}"#;

#[test]
fn sign_json_matches_the_request_vector() {
    let o = run(&[
        "sign",
        "--uri",
        "/api/1.0/push/alice@m800.com",
        "--body",
        BODY,
        "--time",
        "1764331200",
        "--nonce",
        "19aca559e000123456789abcdef",
        "--format",
        "json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["x_m_date"], "Fri, 28 Nov 2025 12:00:00 GMT");
    assert_eq!(v["content_md5"], "184bc37c95ce9368ecaf336b2c6a63c9");
    assert_eq!(
        v["signature"],
        "a4e4138dd518c6f3651cff481b5939d3f749f63898e4054faa0ffbc0420e32d6"
    );
    assert_eq!(
        v["string_to_sign"],
        "POST\n/api/1.0/push/alice@m800.com\n184bc37c95ce9368ecaf336b2c6a63c9\napplication/json\nFri, 28 Nov 2025 12:00:00 GMT\n19aca559e000123456789abcdef"
    );
    assert_eq!(
        v["authorization"],
        "MAAIISDK10 key=\"a-demo-key\", nonce=\"19aca559e000123456789abcdef\", signature=\"a4e4138dd518c6f3651cff481b5939d3f749f63898e4054faa0ffbc0420e32d6\""
    );
    assert_eq!(v.as_object().unwrap().len(), 5);
}

#[test]
fn sign_headers_default_and_body_file_and_secret_file() {
    let dir = std::env::temp_dir().join(format!("m800-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let body = dir.join("body.json");
    std::fs::write(&body, BODY).unwrap();
    let secret = dir.join("secret");
    std::fs::write(&secret, "a-demo-secret\n").unwrap();
    let o = Command::new(BIN)
        .args([
            "sign",
            "--key",
            "a-demo-key",
            "--secret-file",
            secret.to_str().unwrap(),
        ])
        .args([
            "--uri",
            "/api/1.0/push/alice@m800.com",
            "--body-file",
            body.to_str().unwrap(),
        ])
        .args([
            "--time",
            "1764331200",
            "--nonce",
            "19aca559e000123456789abcdef",
        ])
        .env_remove("M800_SECRET")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "Content-Type: application/json\nContent-MD5: 184bc37c95ce9368ecaf336b2c6a63c9\nX-M-Date: Fri, 28 Nov 2025 12:00:00 GMT\nAuthorization: MAAIISDK10 key=\"a-demo-key\", nonce=\"19aca559e000123456789abcdef\", signature=\"a4e4138dd518c6f3651cff481b5939d3f749f63898e4054faa0ffbc0420e32d6\"\n"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn sign_defaults_to_now_and_a_fresh_nonce() {
    let a = run(&["sign", "--uri", "/x", "--format", "json"]);
    let b = run(&["sign", "--uri", "/x", "--format", "json"]);
    assert!(a.status.success() && b.status.success());
    let (a, b): (serde_json::Value, serde_json::Value) = (
        serde_json::from_str(&stdout(&a)).unwrap(),
        serde_json::from_str(&stdout(&b)).unwrap(),
    );
    assert_ne!(
        a["authorization"], b["authorization"],
        "two runs share a nonce"
    );
    assert_eq!(a["content_md5"], "");
    let sts = a["string_to_sign"].as_str().unwrap();
    assert!(sts.starts_with("POST\n/x\n\n\n"), "{sts}");
    let nonce = sts.rsplit('\n').next().unwrap();
    assert!(
        nonce.len() >= 27 && nonce.bytes().all(|c| c.is_ascii_hexdigit()),
        "{nonce}"
    );
}

#[test]
fn bad_input_is_one_line_and_nonzero() {
    let cases: &[(&[&str], &str)] = &[
        (&["sign"], "--uri is required"),
        (&["sign", "--uri", "no-slash"], "origin-form"),
        (&["sign", "--uri", "/x", "--nonce", "a\"b"], "nonce"),
        (
            &["sign", "--uri", "/x", "--time", "soon"],
            "not a valid number",
        ),
        (&["sign", "--uri", "/x", "--time", "253402300800"], "9999"),
        (&["sign", "--uri", "/x", "--encoding", "hex2"], "not one of"),
        (&["sign", "--uri", "/x", "--bogus", "1"], "unknown option"),
        (
            &["sign", "--uri", "/x", "--body", "a", "--body-file", "b"],
            "not both",
        ),
        (&["sign", "--uri", "/x", "--format", "curl"], "--url"),
        // An option that would do nothing is refused.
        (
            &["sign", "--uri", "/x", "--url", "https://push.example"],
            "only for --format curl",
        ),
        (
            &["sign", "--uri", "/x", "--format", "json", "--url=https://a"],
            "only for --format curl",
        ),
        (
            &[
                "sandbox",
                "--replay-store",
                "redis://127.0.0.1:1",
                "--slots",
                "5",
            ],
            "only with the in-memory replay store",
        ),
        (&["frobnicate"], "unknown command"),
    ];
    for (args, needle) in cases {
        let o = run(args);
        assert!(!o.status.success(), "{args:?} succeeded");
        let err = stderr(&o);
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
        assert!(err.contains(needle), "{args:?}: {err}");
    }
    // No secret anywhere: a specific error, and the secret never echoed.
    let o = Command::new(BIN)
        .args(["sign", "--key", "k", "--uri", "/x"])
        .env_remove("M800_SECRET")
        .output()
        .unwrap();
    assert!(!o.status.success());
    assert!(stderr(&o).contains("M800_SECRET"));
}

fn raw_request(headers: &str, body: &str) -> String {
    format!("POST /callback/delivery HTTP/1.1\r\nHost: example\r\nContent-Type: application/json\r\n{headers}Content-Length: {}\r\n\r\n{body}", body.len())
}

#[test]
fn verify_reads_a_raw_request_from_stdin() {
    let body = r#"{"requestId":"r-1","status":"delivered"}"#;
    let auth = "Authorization: MAAIISDK10 key=\"a-demo-key\", nonce=\"cb-0001\", signature=\"de728d2ba2b3b92dc5810b6d28d0bf9d919a118edae41ff42fec8fc648d6493e\"\r\n";
    let date = "X-M-Date: Fri, 28 Nov 2025 12:00:00 GMT\r\n";
    let check = |raw: String, now: &str, secret: &str| {
        let mut child = cmd(&["verify", "--now", now], secret)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(raw.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    };
    let ok = check(
        raw_request(&format!("{date}{auth}"), body),
        "1764331200",
        "a-demo-secret",
    );
    assert!(ok.status.success(), "{}", stderr(&ok));
    assert!(stdout(&ok).contains("nonce=cb-0001"));
    // Refused: exit 1, whether the signature fails or the request does not
    // parse (exit 2 is for the command's own arguments).
    let cut = raw_request(&format!("{date}{auth}"), body);
    let cut = check(
        cut[..cut.len() - 1].to_owned(),
        "1764331200",
        "a-demo-secret",
    );
    assert_eq!(cut.status.code(), Some(1), "{}", stderr(&cut));
    assert!(
        stderr(&cut).starts_with("incomplete_http_request"),
        "{}",
        stderr(&cut)
    );

    let bad = check(
        raw_request(&format!("{date}{auth}"), body),
        "1764331200",
        "wrong",
    );
    assert_eq!(bad.status.code(), Some(1));
    let err = stderr(&bad);
    assert!(err.starts_with("signature_mismatch"), "{err}");
    // One line, as the sandbox's 401 message: the failure, then the string
    // to sign the verifier expected.
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains(r#"; expected string to sign: "POST\n/callback/delivery\n"#),
        "{err}"
    );
    assert!(!err.contains("wrong"), "secret leaked: {err}");

    let stale = check(
        raw_request(&format!("{date}{auth}"), body),
        "1764331501",
        "a-demo-secret",
    );
    assert!(
        stderr(&stale).starts_with("date_too_old"),
        "{}",
        stderr(&stale)
    );
    // The expected string to sign only diagnoses a mismatch (as in the
    // sandbox and in C's details): a stale date is not helped by it.
    assert!(
        !stderr(&stale).contains("expected string to sign"),
        "{}",
        stderr(&stale)
    );
    let missing = check(raw_request(auth, body), "1764331200", "a-demo-secret");
    assert!(
        stderr(&missing).starts_with("missing_date"),
        "{}",
        stderr(&missing)
    );
}

fn push(url: &str, secret: &str, extra: &[&str]) -> Output {
    let mut args = vec![
        "push",
        "--to",
        "alice@m800.com",
        "--message",
        "hi",
        "--url",
        url,
    ];
    args.extend_from_slice(extra);
    cmd(&args, secret).output().unwrap()
}

#[test]
fn push_to_the_sandbox_gets_a_request_id_and_each_failure_its_401() {
    let sandbox = Sandbox::start(&[]);
    let ok = push(
        &sandbox.url(),
        "a-demo-secret",
        &["--push", "new message", "--sender", "bob@m800.com"],
    );
    assert!(ok.status.success(), "{}", stderr(&ok));
    assert!(stdout(&ok).starts_with("requestId: "), "{}", stdout(&ok));

    let wrong = push(&sandbox.url(), "not-the-secret", &[]);
    assert!(!wrong.status.success());
    let err = stderr(&wrong);
    assert!(
        err.contains("401") && err.contains("signature_mismatch"),
        "{err}"
    );
    assert!(err.contains("expected string to sign"), "{err}");

    let stale = push(&sandbox.url(), "a-demo-secret", &["--time", "1000000000"]);
    assert!(
        stderr(&stale).contains("401") && stderr(&stale).contains("date_too_old"),
        "{}",
        stderr(&stale)
    );

    let nonce = "fixed-nonce-for-replay";
    let first = push(&sandbox.url(), "a-demo-secret", &["--nonce", nonce]);
    assert!(first.status.success(), "{}", stderr(&first));
    let again = push(&sandbox.url(), "a-demo-secret", &["--nonce", nonce]);
    assert!(
        stderr(&again).contains("401") && stderr(&again).contains("replayed_nonce"),
        "{}",
        stderr(&again)
    );
}

#[test]
fn push_dry_run_prints_the_exact_request() {
    let o = run(&[
        "push",
        "--to",
        "alice@m800.com",
        "--message",
        "Hello from M800",
        "--push",
        "You have a new message",
        "--sender",
        "bob@m800.com",
        "--url",
        "https://push.example",
        "--dry-run",
        "--time",
        "1764331200",
        "--nonce",
        "19aca559e000123456789abcdef",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(
        text.starts_with("POST /api/1.0/push/alice@m800.com HTTP/1.1\r\nHost: push.example\r\n"),
        "{text}"
    );
    assert!(
        text.contains("\r\nContent-MD5: 184bc37c95ce9368ecaf336b2c6a63c9\r\n"),
        "{text}"
    );
    assert!(
        text.contains(
            "signature=\"a4e4138dd518c6f3651cff481b5939d3f749f63898e4054faa0ffbc0420e32d6\""
        ),
        "{text}"
    );
    // Exactly the bytes sent: the body is the last thing, no newline added.
    assert!(text.ends_with(&format!("\r\n\r\n{BODY}")), "{text:?}");

    // `verify --request FILE` accepts the output as it is.
    let dir = std::env::temp_dir().join(format!("m800-cli-dry-run-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("r.http");
    std::fs::write(&file, &o.stdout).unwrap();
    let path = file.to_str().unwrap();
    let v = run(&["verify", "--request", path, "--now", "1764331200"]);
    assert!(v.status.success(), "{}", stderr(&v));
    assert!(
        stdout(&v).starts_with("ok key=a-demo-key nonce=19aca559e000123456789abcdef"),
        "{}",
        stdout(&v)
    );
    // One byte more after the body (what the old output added) is refused.
    let mut longer = o.stdout.clone();
    longer.push(b'\n');
    std::fs::write(&file, &longer).unwrap();
    let v = run(&["verify", "--request", path, "--now", "1764331200"]);
    assert!(!v.status.success());
    assert!(
        stderr(&v).contains("http_body_length_mismatch"),
        "{}",
        stderr(&v)
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn every_command_has_help_on_stdout() {
    let commands: &[(&str, &[&str])] = &[
        (
            "sign",
            &[
                "--uri",
                "--method",
                "--body",
                "--body-file",
                "--content-type",
                "--time",
                "--nonce",
                "--encoding",
                "--format",
                "--url",
                "--key",
                "--secret-file",
            ],
        ),
        (
            "verify",
            &["--request", "--now", "--window", "--key", "--secret-file"],
        ),
        (
            "push",
            &[
                "--to",
                "--message",
                "--push",
                "--sender",
                "--url",
                "--dry-run",
                "--time",
                "--nonce",
                "--key",
                "--secret-file",
            ],
        ),
        (
            "sandbox",
            &[
                "--listen",
                "--window",
                "--slots",
                "--max-requests",
                "--key",
                "--secret-file",
            ],
        ),
    ];
    for (command, options) in commands {
        for flag in ["--help", "-h"] {
            // Help needs no credentials, and wins over other options.
            let o = Command::new(BIN)
                .args([command, "--key", "k", flag])
                .env_remove("M800_SECRET")
                .env_remove("M800_KEY")
                .output()
                .unwrap();
            assert_eq!(o.status.code(), Some(0), "{command} {flag}: {}", stderr(&o));
            assert_eq!(stderr(&o), "", "{command} {flag}");
            let text = stdout(&o);
            assert!(
                text.starts_with(&format!("usage: m800-sign {command} ")),
                "{command} {flag}: {text}"
            );
            for option in *options {
                assert!(
                    text.contains(option),
                    "{command} --help lacks {option}: {text}"
                );
            }
        }
    }
    // `--help` as an option's value is that value, not a request for help.
    let o = run(&[
        "sign", "--uri", "/x", "--body", "--help", "--format", "json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("\"content_md5\":\""), "{}", stdout(&o));
    // The overview lists every command.
    let o = run(&["help"]);
    assert!(o.status.success());
    for (command, _) in commands {
        assert!(
            stdout(&o).contains(&format!("\n{command}: ")),
            "{}",
            stdout(&o)
        );
    }
}

/// Runs, with `sh`, the curl command `sign --format curl` prints for a push
/// with `body` to `url`; curl appends the HTTP status to its output.
fn curl_from_sign(url: &str, body: &str) -> Output {
    let o = run(&[
        "sign",
        "--uri",
        "/api/1.0/push/alice@m800.com",
        "--body",
        body,
        "--format",
        "curl",
        "--url",
        url,
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    Command::new("sh")
        .arg("-c")
        .arg(format!("{} -w ' %{{http_code}}'", stdout(&o).trim()))
        .output()
        .unwrap()
}

#[test]
fn sandbox_rejects_a_malformed_body_with_400() {
    let sandbox = Sandbox::start(&[]);
    // Signed correctly, but not a push body.
    let curl = curl_from_sign(&sandbox.url(), "{\"text\":1}");
    let out = stdout(&curl);
    assert!(out.ends_with(" 400"), "{out}");
    assert!(out.contains("malformed body"), "{out}");
}

#[test]
fn a_curl_command_from_sign_is_accepted_by_the_sandbox() {
    let sandbox = Sandbox::start(&[]);
    let curl = curl_from_sign(&sandbox.url(), BODY);
    assert!(curl.status.success(), "{}", stderr(&curl));
    let out = stdout(&curl);
    assert!(
        out.starts_with("{\"requestId\":\"") && out.ends_with(" 200"),
        "{out}"
    );
}

/// A one-shot HTTP server on a free loopback port that reads one request and
/// answers `status` with the header lines `headers` (each ending in CRLF)
/// and the JSON `body`: the push endpoint's answers, as any server (or
/// anyone on the path of an http:// URL) may send them. Its URL, and the
/// request it got (once answered).
fn answer_once(
    status: u16,
    headers: String,
    body: &'static str,
) -> (String, std::thread::JoinHandle<Vec<u8>>) {
    use std::io::Read;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let served = std::thread::spawn(move || {
        let (mut s, _) = listener.accept().unwrap();
        s.set_read_timeout(Some(std::time::Duration::from_secs(30)))
            .unwrap();
        let mut raw = Vec::new();
        let mut chunk = [0u8; 4096];
        // The head, then the body its Content-Length announces.
        loop {
            let n = s.read(&mut chunk).unwrap();
            raw.extend_from_slice(&chunk[..n]);
            let text = String::from_utf8_lossy(&raw).to_ascii_lowercase();
            if let Some(end) = text.find("\r\n\r\n") {
                let length: usize = text
                    .lines()
                    .find_map(|l| l.strip_prefix("content-length:"))
                    .map_or(0, |v| v.trim().parse().unwrap());
                if raw.len() >= end + 4 + length {
                    break;
                }
            }
            if n == 0 {
                break;
            }
        }
        let response = format!(
            "HTTP/1.1 {status} X\r\n{headers}Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
        s.write_all(response.as_bytes()).unwrap();
        raw
    });
    (url, served)
}

/// What the server answers reaches the terminal with its control characters
/// escaped: an error message, a request id or a malformed body holding ANSI
/// escapes (which clear the screen, rewrite earlier lines, set the window
/// title...) or other control characters is shown, not obeyed.
#[test]
fn push_shows_the_servers_control_characters_escaped() {
    let cases: &[(u16, &str, &str)] = &[
        (
            401,
            r#"{"error":{"status":401,"code":40108,"message":"bad\u001b[2J\u001b]0;owned\u0007\r\nm800-sign: fake line"}}"#,
            r"bad\u{1b}[2J",
        ),
        (
            200,
            r#"{"requestId":"id\u001b[31mred"}"#,
            r"id\u{1b}[31mred",
        ),
        (
            202,
            r#"{"requestId":"id\u001b[31mred"}"#,
            r"id\u{1b}[31mred",
        ),
        (500, "\u{1b}[2Jnot json\r", r"\u{1b}[2Jnot json\u{d}"),
    ];
    for (status, body, shown) in cases {
        let (url, _) = answer_once(*status, String::new(), body);
        let o = push(&url, "a-demo-secret", &[]);
        let out = format!("{}{}", stdout(&o), stderr(&o));
        assert!(
            !out.bytes().any(|b| b.is_ascii_control() && b != b'\n'),
            "{status} {body}: {out:?}"
        );
        assert_eq!(out.lines().count(), 1, "{status} {body}: {out:?}");
        assert!(out.contains(shown), "{status} {body}: {out:?}");
    }
}

/// A redirect is not a delivered push: the client does not follow it (a
/// 302 turned the signed POST into a GET to wherever `Location` said, and
/// printed that server's requestId with exit 0 though the push endpoint
/// had taken nothing), and reports the status as a failure.
#[test]
fn push_does_not_follow_redirects() {
    for status in [301, 302, 303, 307, 308] {
        let (elsewhere, _) = answer_once(200, String::new(), r#"{"requestId":"elsewhere"}"#);
        let (url, served) = answer_once(
            status,
            format!("Location: {elsewhere}/api/1.0/push/alice@m800.com\r\n"),
            "",
        );
        let o = push(&url, "a-demo-secret", &[]);
        assert_eq!(o.status.code(), Some(1), "{status}: {}", stderr(&o));
        assert!(
            !stdout(&o).contains("elsewhere"),
            "{status}: {}",
            stdout(&o)
        );
        assert!(
            stderr(&o).contains(&format!("HTTP {status}: a redirect to '{elsewhere}/")),
            "{status}: {}",
            stderr(&o)
        );
        assert!(stderr(&o).contains("not followed"), "{}", stderr(&o));
        assert!(served
            .join()
            .unwrap()
            .starts_with(b"POST /api/1.0/push/alice@m800.com "));
    }
}

/// An error that quotes what was given (a value, a path, an unknown word)
/// stays one line with no control characters, whatever the argument holds:
/// a newline or an ANSI escape in it is shown escaped.
#[test]
fn errors_quote_arguments_with_control_characters_escaped() {
    let cases: &[(&[&str], &str)] = &[
        (
            &["sign", "--uri", "/x", "--time", "1\nfake: line"],
            r"1\u{a}fake",
        ),
        (
            &["sign", "--uri", "/x", "--format", "json\u{1b}[2J"],
            r"json\u{1b}[2J",
        ),
        (
            &["sign", "--uri", "/x", "--body-file", "no\nsuch"],
            r"no\u{a}such",
        ),
        (
            &[
                "push",
                "--to",
                "alice\r\n",
                "--message",
                "m",
                "--url",
                "https://h",
            ],
            r"alice\u{d}\u{a}",
        ),
        (&["sign", "--uri", "/x", "--bo\ngus", "1"], r"--bo\u{a}gus"),
        (&["sign", "stray\u{7}"], r"stray\u{7}"),
        (&["frob\nnicate"], r"frob\u{a}nicate"),
    ];
    for (args, shown) in cases {
        let o = run(args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let err = stderr(&o);
        assert_eq!(err.lines().count(), 1, "{args:?}: {err:?}");
        assert!(
            !err.trim_end_matches('\n')
                .bytes()
                .any(|b| b.is_ascii_control()),
            "{args:?}: {err:?}"
        );
        assert!(err.contains(shown), "{args:?}: {err:?}");
    }
}

/// An M800_KEY that is set but not UTF-8 is named as such, not reported as
/// missing.
#[test]
fn a_non_utf8_key_in_the_environment_is_named() {
    use std::os::unix::ffi::OsStrExt;
    let o = Command::new(BIN)
        .args(["sign", "--uri", "/x"])
        .env("M800_SECRET", "a-demo-secret")
        .env("M800_KEY", std::ffi::OsStr::from_bytes(b"key\xff"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("M800_KEY is not valid UTF-8"), "{err}");
}
