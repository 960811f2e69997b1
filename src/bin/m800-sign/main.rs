//! `m800-sign`: sign, verify and send M800 Push API requests from a shell.
//!
//! Every subcommand takes its credentials the same way: the developer key from
//! `--key` or `M800_KEY`, the secret from `M800_SECRET` or `--secret-file PATH`
//! (never from the command line, where other users can read it).

mod args;
mod push;
mod sandbox;
mod sign;
mod verify;

use std::process::ExitCode;

const USAGE: &str = "\
usage: m800-sign <command> [options]

commands:
  sign     sign a request and print its headers
           --uri URI [--method POST] [--content-type TYPE]
           [--body-file PATH | --body TEXT] [--time UNIX_SECONDS] [--nonce NONCE]
           [--encoding hex|base64] [--format headers|json|curl] [--url BASE_URL]

  verify   check a raw HTTP/1.1 request; exit 0 when valid
           [--request PATH|-] [--now UNIX_SECONDS] [--window SECONDS]
  push     sign a push and send it; prints the request id
           --to USER@CARRIER --message TEXT [--push TEXT] [--sender USER@CARRIER]
           --url https://HOST[:PORT] [--dry-run] [--time UNIX_SECONDS] [--nonce NONCE]
  sandbox  a local push endpoint that verifies every request
           [--listen 127.0.0.1:8800] [--window SECONDS] [--slots N] [--max-requests N]

credentials (every command): --key KEY or M800_KEY; M800_SECRET or --secret-file PATH
";

fn main() -> ExitCode {
    let mut argv = std::env::args_os().skip(1);
    let command = argv.next().and_then(|c| c.into_string().ok());
    let result = match command.as_deref() {
        Some("sign") => sign::run(argv),
        Some("verify") => verify::run(argv),
        Some("push") => push::run(argv),
        Some("sandbox") => sandbox::run(argv),
        Some("help" | "--help" | "-h") => {
            print!("{USAGE}");
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
        Err(message) => {
            eprintln!("m800-sign: {message}");
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
            None => std::env::var("M800_KEY")
                .map_err(|_| "no developer key: pass --key or set M800_KEY".to_string())?,
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

/// `text` as one shell word in single quotes.
pub fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

/// `text` as a JSON string literal.
pub fn json_string(text: &str) -> String {
    m800_sign::push::JsonString(text).to_string()
}
