//! `m800-sign`: sign, verify and send M800 Push API requests from a shell.
//!
//! Every subcommand takes its credentials the same way: the developer key from
//! `--key` or `M800_KEY`, the secret from `M800_SECRET` or `--secret-file PATH`
//! (never from the command line, where other users can read it).

mod args;
mod descriptors;
mod push;
mod sandbox;
mod sign;
mod verify;

use std::process::ExitCode;

/// Each command: its name, one line on what it does, and its options
/// (`m800-sign COMMAND --help` prints them; `m800-sign help` lists all).
const COMMANDS: &[(&str, &str, &str)] = &[
    (
        "sign",
        "sign a request and print its headers",
        "  --uri URI              the request's origin-form URI, e.g. /api/1.0/push/alice@m800.com (required)
  --method METHOD        the HTTP method (default POST)
  --body TEXT            the request body (default: none)
  --body-file PATH       the request body, read from a file (not with --body)
  --content-type TYPE    (default application/json with a body, none without)
  --time UNIX_SECONDS    the request's date (default: now)
  --nonce NONCE          (default: a fresh random nonce)
  --encoding hex|base64  the signature's encoding (default hex)
  --format headers|json|curl
                         headers (default): the header lines to add;
                         json: every signed field, the string to sign included;
                         curl: a curl command that sends the request
  --url BASE_URL         only with --format curl: https://HOST[:PORT] to send to
",
    ),
    (
        "verify",
        "check a raw HTTP/1.1 request; exit 0 when valid, 1 when refused",
        "  --request PATH|-       the request, as sent (default: - for stdin)
  --now UNIX_SECONDS     the time to check its date against (default: now)
  --window SECONDS       the accepted clock difference (default 300)
",
    ),
    (
        "push",
        "sign a push and send it; prints the request id",
        "  --to USER@CARRIER      the recipient (required)
  --message TEXT         the app message (required)
  --push TEXT            the push notification text
  --sender USER@CARRIER  the sender
  --url https://HOST[:PORT]
                         the push endpoint (required; http:// for a local
                         sandbox); its host is sent as Host, which the
                         signature does not cover
  --dry-run              print the exact request instead of sending it (no
                         trailing newline added: `verify --request` accepts it)
  --time UNIX_SECONDS    the request's date (default: now)
  --nonce NONCE          (default: a fresh random nonce)
",
    ),
    (
        "sandbox",
        "a local push endpoint that verifies every request",
        "  --listen ADDR:PORT     (default 127.0.0.1:8800; port 0 picks a free one)
  --window SECONDS       the accepted clock difference (default 300)
  --replay-store memory|redis://HOST:PORT
                         where nonces are recorded (default memory); several
                         sandboxes sharing one Redis refuse each other's replays
  --slots N              only with memory: nonces remembered (default 65536)
  --max-connections N    connections served at once (default 1024); past them,
                         up to 16 more get 503 and any further are closed.
                         The soft file descriptor limit is raised to hold
                         them (up to the hard limit, ulimit -Hn); a value it
                         cannot hold is refused, and the default is cut to
                         what it holds (said at start-up)
  --request-timeout S    deadline for a whole request, 1 to 86400; then 408 (default 10)
  --max-requests N       exit after N requests (default: serve until killed)
",
    ),
];

const CREDENTIALS: &str =
    "credentials (every command): --key KEY or M800_KEY; M800_SECRET or --secret-file PATH\n";

/// `m800-sign help`: every command and its options.
fn usage() -> String {
    let mut out =
        String::from("usage: m800-sign <command> [options]\n       m800-sign <command> --help\n");
    for (name, what, options) in COMMANDS {
        out.push_str(&format!("\n{name}: {what}\n{options}"));
    }
    out.push('\n');
    out.push_str(CREDENTIALS);
    out
}

/// `m800-sign COMMAND --help`.
fn command_usage(command: &str) -> Option<String> {
    let (name, what, options) = COMMANDS.iter().find(|(name, _, _)| *name == command)?;
    Some(format!(
        "usage: m800-sign {name} [options]\n{what}\n\noptions:\n{options}  --help                 print this help\n\n{CREDENTIALS}"
    ))
}

fn main() -> ExitCode {
    let mut argv = std::env::args_os().skip(1);
    let command = argv.next().and_then(|c| c.into_string().ok());
    let result = match command.as_deref() {
        Some("sign") => sign::run(argv),
        Some("verify") => verify::run(argv),
        Some("push") => push::run(argv),
        Some("sandbox") => sandbox::run(argv),
        Some("help" | "--help" | "-h") => {
            print!("{}", usage());
            return ExitCode::SUCCESS;
        }
        Some("--version" | "-V") => {
            println!("m800-sign {}", env!("CARGO_PKG_VERSION"));
            return ExitCode::SUCCESS;
        }
        Some(other) => Err(format!("unknown command '{other}' (try 'm800-sign help')")),
        None => Err("missing command (try 'm800-sign help')".to_string()),
    };
    match result {
        Ok(code) => code,
        // `--help` anywhere an option may stand: that command's usage.
        Err(message) if message == args::HELP => {
            print!(
                "{}",
                command
                    .as_deref()
                    .and_then(command_usage)
                    .unwrap_or_else(usage)
            );
            ExitCode::SUCCESS
        }
        Err(message) => {
            // Messages quote what was given: one line, shown, never obeyed.
            eprintln!("m800-sign: {}", printable(&message));
            ExitCode::from(2)
        }
    }
}

/// The developer key and secret, from flags and the environment.
pub struct Credentials {
    pub key: String,
    pub secret: Vec<u8>,
}

impl Credentials {
    pub fn load(args: &args::Args) -> Result<Credentials, String> {
        let key = match args.get("key") {
            Some(k) => k.to_string(),
            None => std::env::var("M800_KEY").map_err(|e| match e {
                std::env::VarError::NotPresent => {
                    "no developer key: pass --key or set M800_KEY".to_string()
                }
                std::env::VarError::NotUnicode(_) => "M800_KEY is not valid UTF-8".to_string(),
            })?,
        };
        let secret = match args.get("secret-file") {
            Some(path) => {
                let mut bytes =
                    std::fs::read(path).map_err(|e| format!("--secret-file {path}: {e}"))?;
                // One trailing line break, as `echo secret > file` writes, is not
                // part of the secret.
                if bytes.ends_with(b"\n") {
                    bytes.pop();
                    if bytes.ends_with(b"\r") {
                        bytes.pop();
                    }
                }
                bytes
            }
            None => std::env::var_os("M800_SECRET")
                .ok_or_else(|| "no secret: set M800_SECRET or pass --secret-file PATH".to_string())?
                .into_encoded_bytes(),
        };
        Ok(Credentials { key, secret })
    }

    pub fn signer(&self) -> Result<m800_sign::Signer, String> {
        m800_sign::Signer::new(&self.key, &self.secret).map_err(|e| e.to_string())
    }
}

/// Unix seconds now.
pub fn now() -> Result<u64, String> {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .map_err(|_| m800_sign::Error::ClockBeforeEpoch.to_string())
}

/// `--time` (default: now) and `--nonce` (default: a fresh one), as `sign`
/// and `push` take them.
pub fn time_and_nonce(args: &args::Args) -> Result<(u64, m800_sign::Nonce), String> {
    let time = match args.number::<u64>("time")? {
        Some(t) => t,
        None => now()?,
    };
    let nonce = match args.get("nonce") {
        Some(n) => m800_sign::Nonce::new(n).map_err(|e| format!("--nonce: {e}"))?,
        None => m800_sign::Nonce::fresh().map_err(|e| e.to_string())?,
    };
    Ok((time, nonce))
}

/// `text` as one shell word in single quotes.
pub fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

/// `text` for a terminal: control characters (ESC, CR, BEL, ...) and the
/// bidirectional overrides that reorder a line shown as Rust escapes
/// (`\u{1b}`), so that text from a server or an argument is shown on one
/// line, never obeyed.
pub fn printable(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}') {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    out
}

/// `text` whole when it has at most `max` characters, else its first `max`
/// and its length in bytes: a line that quotes text from the network (a
/// server's answer, a client's request line) stays short, and says it was
/// cut.
pub fn clipped(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((end, _)) => format!(
            "{}...({} bytes)",
            text.get(..end).unwrap_or_default(),
            text.len()
        ),
        None => text.to_string(),
    }
}

/// `text` as a JSON string literal.
pub fn json_string(text: &str) -> String {
    m800_sign::push::JsonString(text).to_string()
}

#[cfg(test)]
mod tests {
    use super::clipped;

    #[test]
    fn clipped_keeps_short_text_and_cuts_long_text_at_a_character() {
        assert_eq!(clipped("", 0), "");
        assert_eq!(clipped("abc", 3), "abc");
        assert_eq!(clipped("abcd", 3), "abc...(4 bytes)");
        // Cut between characters, never inside one; the length in bytes.
        assert_eq!(clipped("ééé", 2), "éé...(6 bytes)");
    }
}
