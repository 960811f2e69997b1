//! `m800-sign sign`: the README's main job.

use crate::args::{Args, Spec};
use crate::{json_string, shell_quote, Credentials};
use m800_sign::{Body, Encoding, Request};
use std::ffi::OsString;
use std::process::ExitCode;

const SPEC: Spec = Spec {
    values: &[
        "key",
        "secret-file",
        "uri",
        "method",
        "content-type",
        "body-file",
        "body",
        "time",
        "nonce",
        "encoding",
        "format",
        "url",
    ],
    switches: &[],
};

pub fn run(argv: impl IntoIterator<Item = OsString>) -> Result<ExitCode, String> {
    let args = Args::parse(&SPEC, argv)?;
    let encoding = match args.choice("encoding", &["hex", "base64"])? {
        Some("base64") => Encoding::Base64,
        _ => Encoding::Hex,
    };
    let format = args
        .choice("format", &["headers", "json", "curl"])?
        .unwrap_or("headers");
    // An option that would do nothing is an error, not silently ignored.
    if format != "curl" && args.get("url").is_some() {
        return Err(format!(
            "--url is only for --format curl (the {format} format has no URL)"
        ));
    }
    let creds = Credentials::load(&args)?;
    let signer = creds.signer()?.with_encoding(encoding);
    let uri = args.get("uri").ok_or("--uri is required")?;
    let method = args.get("method").unwrap_or("POST");
    let body: Vec<u8> = match (args.get("body"), args.get("body-file")) {
        (Some(_), Some(_)) => return Err("give --body or --body-file, not both".into()),
        (Some(text), None) => text.as_bytes().to_vec(),
        (None, Some(path)) => {
            std::fs::read(path).map_err(|e| format!("--body-file {path}: {e}"))?
        }
        (None, None) => Vec::new(),
    };
    // The push API takes JSON: that is the content type of a body unless told.
    let content_type = match args.get("content-type") {
        Some(t) => t,
        None if body.is_empty() => "",
        None => "application/json",
    };
    let (time, nonce) = crate::time_and_nonce(&args)?;
    let request = Request {
        method,
        uri,
        content_type,
        body: Body::Bytes(&body),
    };
    let mut sts = [0u8; m800_sign::limits::STRING_TO_SIGN_MAX];
    let (headers, string_to_sign) = signer
        .sign_request_with_string(&request, time, nonce.as_str(), &mut sts)
        .map_err(|e| e.to_string())?;

    let mut out = String::new();
    match format {
        "json" => {
            out.push('{');
            for (i, (name, value)) in [
                ("x_m_date", headers.x_m_date()),
                ("content_md5", headers.content_md5()),
                ("string_to_sign", string_to_sign),
                ("signature", headers.signature().encode(encoding).as_str()),
                ("authorization", headers.authorization()),
            ]
            .into_iter()
            .enumerate()
            {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&json_string(name));
                out.push(':');
                out.push_str(&json_string(value));
            }
            out.push_str("}\n");
        }
        "curl" => {
            let base = args
                .get("url")
                .ok_or("--format curl needs --url BASE_URL (e.g. https://host:port)")?;
            let url = format!("{}{}", base.trim_end_matches('/'), uri);
            out.push_str(&format!(
                "curl -sS -X {} {}",
                shell_quote(method),
                shell_quote(&url)
            ));
            // An empty value makes curl drop a header it would add on its own.
            out.push_str(&format!(
                " -H {}",
                shell_quote(&format!("Content-Type: {content_type}"))
            ));
            if !headers.content_md5().is_empty() {
                out.push_str(&format!(
                    " -H {}",
                    shell_quote(&format!("Content-MD5: {}", headers.content_md5()))
                ));
            }
            out.push_str(&format!(
                " -H {}",
                shell_quote(&format!("X-M-Date: {}", headers.x_m_date()))
            ));
            out.push_str(&format!(
                " -H {}",
                shell_quote(&format!("Authorization: {}", headers.authorization()))
            ));
            if !body.is_empty() {
                match args.get("body-file") {
                    Some(path) => out.push_str(&format!(
                        " --data-binary {}",
                        shell_quote(&format!("@{path}"))
                    )),
                    None => out.push_str(&format!(
                        " --data-binary {}",
                        shell_quote(args.get("body").unwrap_or_default())
                    )),
                }
            }
            out.push('\n');
        }
        _ => {
            if !content_type.is_empty() {
                out.push_str(&format!("Content-Type: {content_type}\n"));
            }
            if !headers.content_md5().is_empty() {
                out.push_str(&format!("Content-MD5: {}\n", headers.content_md5()));
            }
            out.push_str(&format!("X-M-Date: {}\n", headers.x_m_date()));
            out.push_str(&format!("Authorization: {}\n", headers.authorization()));
        }
    }
    print!("{out}");
    Ok(ExitCode::SUCCESS)
}
