//! The push response parser against serde_json: `parse_response` accepts
//! exactly when serde_json reads the documented shape `{"requestId":S}` /
//! `{"error":{"status":u16,"code":i64,"message":S}}` as strictly (see
//! `shape_oracle`), one of the two members, a status in 100..=599; then the
//! strings decode to serde_json's and the integers are equal. On refusal,
//! `MalformedResponse`. Every string decodes within the size it reports.
#![no_main]

mod shape_oracle;

use libfuzzer_sys::fuzz_target;
use m800_sign::push::{parse_response, JsonText, Response};
use m800_sign::Error;
use serde::Deserialize;
use serde_json::value::RawValue;
use shape_oracle::{present, read};

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct Reply {
    #[serde(default, deserialize_with = "present")]
    request_id: Option<String>,
    #[serde(default, deserialize_with = "present")]
    error: Option<ErrorObject>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ErrorObject {
    status: u16,
    /// Read as written, for [`code`].
    code: Box<RawValue>,
    message: String,
}

/// `error.code` as an `i64`, by serde_json. Except `-0`: serde_json reads a
/// lone minus zero as the float -0.0 (JSON numbers have no integer kind; it
/// keeps the sign that way) and so refuses it for an `i64`; our documented
/// integer rule (commit d1d774e, tests/push.rs response_reader_edges) reads
/// it as the integer 0. Only that exact text: `-0.0`, `-0e0` or `-00` stay
/// refused by both.
fn code(raw: &RawValue) -> Option<i64> {
    match raw.get() {
        "-0" => Some(0),
        text => serde_json::from_str::<i64>(text).ok(),
    }
}

#[derive(Debug, PartialEq)]
enum Answer {
    Accepted(String),
    Failed(u16, i64, String),
}

fn expected(data: &[u8]) -> Option<Answer> {
    let reply = read::<Reply>(data)?;
    // Exactly one of the two members, and a status an HTTP status can be:
    // our rules (the parse_response contract); serde_json reads both as optional.
    match (reply.request_id, reply.error) {
        (Some(id), None) => Some(Answer::Accepted(id)),
        (None, Some(e)) if (100..=599).contains(&e.status) => {
            Some(Answer::Failed(e.status, code(&e.code)?, e.message))
        }
        _ => None,
    }
}

fn check(text: JsonText<'_>) {
    let raw = text.raw();
    // Decoding never makes text longer.
    let mut buf = [0u8; 4096];
    let room = buf.len().min(raw.len());
    let decoded = text.unescape(&mut buf[..room]).map(str::len);
    assert!(decoded.is_ok(), "{decoded:?}");
    if let Some(plain) = text.as_plain() {
        assert_eq!(text.unescape(&mut buf).ok(), Some(plain));
    }
    if let Ok(len) = decoded {
        if len > 0 {
            assert_eq!(
                text.unescape(&mut buf[..len - 1]),
                Err(Error::BufferTooSmall { needed: len })
            );
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let parsed = parse_response(data);
    let got = match parsed {
        Ok(Response::Accepted { request_id }) => {
            check(request_id);
            Ok(Answer::Accepted(request_id.to_string()))
        }
        Ok(Response::Failed(e)) => {
            check(e.message);
            Ok(Answer::Failed(e.status, e.code, e.message.to_string()))
        }
        Err(e) => Err(e),
    };
    let want = expected(data).ok_or(Error::MalformedResponse);
    assert_eq!(got, want, "{:?}", String::from_utf8_lossy(data));
});
