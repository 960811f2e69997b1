//! `m800-sign sandbox`: a local stand-in for the push endpoint. Every request is
//! checked with the library's verifier (clock window and replay store included)
//! and answered like the API.

use crate::args::{Args, Spec};
use crate::{json_string, Credentials};
use m800_sign::http::HttpRequest;
use m800_sign::verify::{ReplayCache, ReplaySlot, Verifier};
use m800_sign::Error;
use std::ffi::OsString;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::ExitCode;
use std::time::Duration;

const SPEC: Spec = Spec {
    values: &[
        "key",
        "secret-file",
        "listen",
        "window",
        "slots",
        "max-requests",
    ],
    switches: &[],
};

/// Largest request the sandbox reads.
const MAX_REQUEST: usize = 1 << 20;

struct Reply {
    status: u16,
    body: String,
    log: String,
}

fn error_reply(status: u16, code: u32, message: &str, log: String) -> Reply {
    Reply {
        status,
        body: format!(
            "{{\"error\":{{\"status\":{status},\"code\":{code},\"message\":{}}}}}",
            json_string(message)
        ),
        log,
    }
}

/// The API-style error code of a verification failure.
fn code(e: &Error) -> u32 {
    match e {
        Error::MalformedAuthorization | Error::MissingAuthParam | Error::DuplicateAuthParam => {
            40101
        }
        Error::UnsupportedScheme => 40102,
        Error::UnknownKey => 40103,
        Error::MissingDate => 40104,
        Error::InvalidDate => 40105,
        Error::DateTooOld { .. } => 40106,
        Error::DateInFuture { .. } => 40107,
        Error::SignatureMismatch => 40108,
        Error::ReplayedNonce => 40109,
        Error::ReplayStoreFull => 40110,
        _ => 40100,
    }
}

/// Reads one request: the head, then as many body bytes as it announces.
fn read_request(stream: &mut TcpStream) -> Result<Vec<u8>, String> {
    let mut raw = Vec::new();
    let mut chunk = [0u8; 8192];
    loop {
        let n = stream.read(&mut chunk).map_err(|e| format!("read: {e}"))?;
        if n == 0 {
            return Ok(raw);
        }
        raw.extend_from_slice(chunk.get(..n).unwrap_or_default());
        if raw.len() > MAX_REQUEST {
            return Err("request too large".into());
        }
        if raw.windows(4).any(|w| w == b"\r\n\r\n") {
            match HttpRequest::parse(&raw) {
                Err(Error::IncompleteHttpRequest) => continue,
                _ => return Ok(raw),
            }
        }
    }
}

fn handle(
    raw: &[u8],
    verifier: &Verifier<&m800_sign::Signer>,
    cache: &mut ReplayCache<Vec<ReplaySlot>>,
    now: u64,
) -> Reply {
    let http = match HttpRequest::parse(raw) {
        Ok(h) => h,
        Err(e) => {
            return error_reply(
                400,
                40000,
                &format!("{}: {e}", e.name()),
                format!("400 {}", e.name()),
            )
        }
    };
    let line = format!("{} {}", http.method(), http.target());
    let received = http.to_received();
    if let Err(e) = verifier.verify(&received, now, Some(cache)) {
        let mut message = format!("{}: {e}", e.name());
        if e == Error::SignatureMismatch {
            let mut buf = [0u8; m800_sign::limits::STRING_TO_SIGN_MAX];
            if let Ok(expected) = verifier.expected_string_to_sign(&received, &mut buf) {
                message.push_str(&format!(
                    "; expected string to sign: {}",
                    json_string(expected)
                ));
            }
        }
        return error_reply(
            401,
            code(&e),
            &message,
            format!("{line} -> 401 {}", e.name()),
        );
    }
    if http.method() != "POST" || !http.target().starts_with("/api/1.0/push/") {
        return error_reply(
            404,
            40400,
            "no such endpoint: POST /api/1.0/push/{username}@{carrier}",
            format!("{line} -> 404"),
        );
    }
    if let Err(e) = m800_sign::push::parse_body(http.body()) {
        return error_reply(
            400,
            40001,
            &format!("malformed body: {}: {e}", e.name()),
            format!("{line} -> 400 {}", e.name()),
        );
    }
    let id = m800_sign::Nonce::fresh()
        .map(|n| n.as_str().to_string())
        .unwrap_or_default();
    Reply {
        status: 200,
        body: format!("{{\"requestId\":{}}}", json_string(&id)),
        log: format!("{line} -> 200 requestId={id}"),
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        404 => "Not Found",
        _ => "Error",
    }
}

pub fn run(argv: impl IntoIterator<Item = OsString>) -> Result<ExitCode, String> {
    let args = Args::parse(&SPEC, argv)?;
    let creds = Credentials::load(&args)?;
    let signer = creds.signer()?;
    let listen = args.get("listen").unwrap_or("127.0.0.1:8800");
    let window = args
        .number::<u32>("window")?
        .unwrap_or(m800_sign::verify::DEFAULT_WINDOW_S);
    let slots = args.number::<usize>("slots")?.unwrap_or(4096);
    let max_requests = args.number::<u64>("max-requests")?;
    let listener = TcpListener::bind(listen).map_err(|e| format!("--listen {listen}: {e}"))?;
    let local = listener.local_addr().map_err(|e| e.to_string())?;
    println!(
        "m800-sign sandbox listening on http://{local} (key {})",
        signer.key()
    );
    std::io::stdout().flush().map_err(|e| e.to_string())?;

    let verifier = Verifier::new(&signer).with_window(window);
    let mut cache = ReplayCache::new(vec![ReplaySlot::EMPTY; slots]);
    let mut served = 0u64;
    for stream in listener.incoming() {
        let mut stream = match stream {
            Ok(s) => s,
            Err(e) => {
                eprintln!("accept: {e}");
                continue;
            }
        };
        let peer = stream
            .peer_addr()
            .map(|a| a.to_string())
            .unwrap_or_default();
        let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
        let reply = match read_request(&mut stream) {
            Ok(raw) => handle(&raw, &verifier, &mut cache, crate::now()?),
            Err(e) => error_reply(400, 40000, &e, format!("400 {e}")),
        };
        eprintln!("{peer} {}", reply.log);
        let response = format!(
            "HTTP/1.1 {} {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{}",
            reply.status,
            reason(reply.status),
            reply.body.len(),
            reply.body
        );
        if let Err(e) = stream.write_all(response.as_bytes()) {
            eprintln!("{peer} write: {e}");
        }
        served += 1;
        if max_requests.is_some_and(|max| served >= max) {
            break;
        }
    }
    Ok(ExitCode::SUCCESS)
}
