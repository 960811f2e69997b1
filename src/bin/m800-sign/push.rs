//! `m800-sign push`: sign a push and send it (or print it with `--dry-run`).

use crate::args::{Args, Spec};
use crate::{clipped, printable, Credentials};
use m800_sign::push::{parse_response, Push, Response};
use std::ffi::OsString;
use std::io::Write;
use std::process::ExitCode;

const SPEC: Spec = Spec {
    values: &[
        "key",
        "secret-file",
        "to",
        "message",
        "push",
        "sender",
        "url",
        "time",
        "nonce",
    ],
    switches: &["dry-run"],
};

/// `https://host[:port]` split into the scheme and the authority (`Host` value).
pub fn split_url(url: &str) -> Result<(&str, &str), String> {
    let (scheme, rest) = url
        .split_once("://")
        .ok_or_else(|| format!("--url '{url}': expected https://HOST[:PORT]"))?;
    if scheme != "https" && scheme != "http" {
        return Err(format!(
            "--url '{url}': the scheme must be https (or http for local testing)"
        ));
    }
    let authority = rest.strip_suffix('/').unwrap_or(rest);
    if authority.contains('/') || authority.contains('?') {
        return Err(format!(
            "--url '{url}': give only https://HOST[:PORT], without a path"
        ));
    }
    m800_sign::http::check_host(authority).map_err(|e| format!("--url '{url}': {e}"))?;
    Ok((scheme, authority))
}

pub fn run(argv: impl IntoIterator<Item = OsString>) -> Result<ExitCode, String> {
    let args = Args::parse(&SPEC, argv)?;
    let creds = Credentials::load(&args)?;
    let signer = creds.signer()?;
    let to = args.get("to").ok_or("--to USER@CARRIER is required")?;
    // The carrier is a domain and holds no '@'; the user name may.
    let (username, carrier) = to
        .rsplit_once('@')
        .ok_or_else(|| format!("--to '{to}': expected USER@CARRIER"))?;
    let push = Push {
        username,
        carrier,
        app_message: args.get("message").ok_or("--message TEXT is required")?,
        push_content: args.get("push"),
        sender: args.get("sender"),
    };
    let url = args
        .get("url")
        .ok_or("--url https://HOST[:PORT] is required")?;
    let (scheme, host) = split_url(url)?;
    let (time, nonce) = crate::time_and_nonce(&args)?;

    // Sized from the error when the first guess does not fit.
    let mut buf = vec![0u8; 4096];
    let signed = match push.write_request(&signer, host, time, nonce.as_str(), &mut buf) {
        Err(m800_sign::Error::BufferTooSmall { needed }) => {
            buf = vec![0u8; needed];
            push.write_request(&signer, host, time, nonce.as_str(), &mut buf)
        }
        other => other,
    }
    .map_err(|e| e.to_string())?;

    if args.has("dry-run") {
        // Exactly the bytes that would be sent: no newline added after the
        // body, so `verify --request` accepts the output as it is.
        let mut stdout = std::io::stdout().lock();
        stdout
            .write_all(signed.as_str().as_bytes())
            .and_then(|()| stdout.flush())
            .map_err(|e| format!("writing the request: {e}"))?;
        return Ok(ExitCode::SUCCESS);
    }

    let mut uri_buf = [0u8; m800_sign::limits::URI_MAX];
    let uri = push.write_uri(&mut uri_buf).map_err(|e| e.to_string())?;
    let headers = signed.headers();
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        // A redirect is an answer, not a delivery: followed, a 302 became a
        // GET elsewhere whose requestId was printed as the push's.
        .max_redirects(0)
        .timeout_global(Some(std::time::Duration::from_secs(30)))
        .build()
        .into();
    let mut request = agent
        .post(format!("{scheme}://{host}{uri}"))
        .header("Content-Type", "application/json")
        .header("X-M-Date", headers.x_m_date())
        .header("Authorization", headers.authorization());
    if !headers.content_md5().is_empty() {
        request = request.header("Content-MD5", headers.content_md5());
    }
    let mut response = request
        .send(signed.body().as_bytes())
        .map_err(|e| format!("sending to {url}: {e}"))?;
    let status = response.status().as_u16();
    if response.status().is_redirection() {
        // Its body (often empty) is no push answer: say what happened.
        let location = response
            .headers()
            .get("location")
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
            .unwrap_or_default();
        eprintln!(
            "m800-sign: HTTP {status}: a redirect to '{}', not followed: the push was not delivered",
            printable(&clipped(&location, 200))
        );
        return Ok(ExitCode::from(1));
    }
    let body = response
        .body_mut()
        .with_config()
        .limit(1 << 20)
        .read_to_vec()
        .map_err(|e| format!("reading the response: {e}"))?;
    match parse_response(&body) {
        Ok(Response::Accepted { request_id }) if status == 200 => {
            println!("requestId: {}", printable(&request_id.to_string()));
            Ok(ExitCode::SUCCESS)
        }
        Ok(Response::Failed(e)) => {
            eprintln!(
                "m800-sign: the server refused the push: HTTP {status}, error status {} code {}: {}",
                e.status,
                e.code,
                printable(&e.message.to_string())
            );
            Ok(ExitCode::from(1))
        }
        Ok(Response::Accepted { request_id }) => {
            eprintln!(
                "m800-sign: HTTP {status} with requestId {}",
                printable(&request_id.to_string())
            );
            Ok(ExitCode::from(1))
        }
        Err(e) => {
            eprintln!(
                "m800-sign: HTTP {status}: {e}: {}",
                printable(&clipped(&String::from_utf8_lossy(&body), 200))
            );
            Ok(ExitCode::from(1))
        }
    }
}
