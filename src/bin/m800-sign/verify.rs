//! `m800-sign verify`: check a raw HTTP/1.1 request (from a file or stdin).

use crate::args::{Args, Spec};
use crate::Credentials;
use m800_sign::http::HttpRequest;
use m800_sign::verify::{KeyStore, ReceivedRequest, Verifier};
use m800_sign::Error;
use std::ffi::OsString;
use std::io::Read;
use std::process::ExitCode;

const SPEC: Spec = Spec {
    values: &["key", "secret-file", "request", "now", "window"],
    switches: &[],
};

pub fn run(argv: impl IntoIterator<Item = OsString>) -> Result<ExitCode, String> {
    let args = Args::parse(&SPEC, argv)?;
    let creds = Credentials::load(&args)?;
    let signer = creds.signer()?;
    let raw = match args.get("request") {
        None | Some("-") => {
            let mut raw = Vec::new();
            std::io::stdin()
                .read_to_end(&mut raw)
                .map_err(|e| format!("reading stdin: {e}"))?;
            raw
        }
        Some(path) => std::fs::read(path).map_err(|e| format!("--request {path}: {e}"))?,
    };
    let now = match args.number::<u64>("now")? {
        Some(t) => t,
        None => crate::now()?,
    };
    let window = args
        .number::<u32>("window")?
        .unwrap_or(m800_sign::verify::DEFAULT_WINDOW_S);
    // A request that does not parse is refused like any other (exit 1): it
    // is the input under test, not a usage error (exit 2).
    let http = match HttpRequest::parse(&raw) {
        Ok(http) => http,
        Err(e) => {
            eprintln!("{}: {e}", e.name());
            return Ok(ExitCode::from(1));
        }
    };
    let received = http.to_received();
    let verifier = Verifier::new(&signer).with_window(window);
    match verifier.verify(&received, now, None) {
        Ok(ok) => {
            println!(
                "ok key={} nonce={} date={}",
                ok.key(),
                ok.nonce(),
                ok.timestamp()
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            eprintln!("{}", refusal(&verifier, &received, e));
            Ok(ExitCode::from(1))
        }
    }
}

/// A refused request in one line, as `verify` and the sandbox report it: the
/// failure's name and text, and after a signature mismatch the string to sign
/// the verifier expected (the one thing the sender needs to compare).
pub fn refusal<K: KeyStore>(
    verifier: &Verifier<K>,
    received: &ReceivedRequest<'_>,
    e: Error,
) -> String {
    let mut message = format!("{}: {e}", e.name());
    if e == Error::SignatureMismatch {
        let mut buf = [0u8; m800_sign::limits::STRING_TO_SIGN_MAX];
        if let Ok(expected) = verifier.expected_string_to_sign(received, &mut buf) {
            message.push_str("; expected string to sign: ");
            message.push_str(&crate::json_string(expected));
        }
    }
    message
}
