//! The push response parser against serde_json: `parse_response` accepts
//! exactly when serde_json reads the documented shape `{"requestId":S}` /
//! `{"error":{"status":u16,"code":i64,"message":S}}`, with any other members
//! (any JSON, dropped), one of the two members, a status in 100..=599, and
//! the rules of `src/push/wire.rs` a derived struct cannot say ([`Shape`]);
//! then the strings decode to serde_json's and the integers are equal. On
//! refusal, `MalformedResponse`. Every string decodes within the size it
//! reports.
#![no_main]

// `read` and its `Plain` are push_body's; only `present` is shared.
#[allow(dead_code)]
mod shape_oracle;

use libfuzzer_sys::fuzz_target;
use m800_sign::push::{parse_response, JsonText, Response};
use m800_sign::Error;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;
use shape_oracle::present;
use std::fmt;

/// Members we do not know are dropped by both (serde's derive ignores them
/// without `deny_unknown_fields`); a duplicated known one is refused by both.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Reply {
    #[serde(default, deserialize_with = "present")]
    request_id: Option<String>,
    #[serde(default, deserialize_with = "present")]
    error: Option<ErrorObject>,
}

#[derive(Deserialize)]
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

/// What serde_json accepts for the derived structs and our reader refuses,
/// on purpose:
/// - an array for the answer or for `error`: serde_json hands a derived
///   struct a JSON array as its fields in order; the documented shapes are
///   objects.
/// - a member name with an escape at either of the two levels we read
///   (`"request\u0049d"`): our reader matches names as written, and an
///   escaped name could be a known one in disguise. Read as a borrowed
///   `&str`, which serde_json can give only for a name without escapes.
///   Inside a dropped value, names are any JSON string.
/// - bytes that are not UTF-8 inside a dropped string: serde_json skips
///   such a string without reading it as text; JSON text is UTF-8 (RFC 8259
///   section 8.1), and our reader checks every string it passes.
/// - an unpaired surrogate escape (`"\ud800"`) in a dropped string, or a
///   dropped value's member name: serde_json skips such a string without
///   decoding it; our reader checks that every string it passes decodes
///   (RFC 8259 section 8.2: its meaning is unpredictable), as it does for the
///   strings it keeps. [`strings_decode`] has serde_json decode each one.
/// - nesting deeper than 64 (`DEPTH_MAX` in src/push/wire.rs, the answer's own
///   braces counted): serde_json skips a dropped value at any depth (its
///   `ignore_value` keeps a stack of its own, outside the recursion limit).
#[derive(Clone, Copy)]
enum Shape {
    Answer,
    Error,
}

impl<'de> DeserializeSeed<'de> for Shape {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Shape {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object with member names written without escapes")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(name) = map.next_key::<&'de str>()? {
            match (self, name) {
                (Shape::Answer, "error") => map.next_value_seed(Shape::Error)?,
                _ => map.next_value::<IgnoredAny>().map(drop)?,
            }
        }
        Ok(())
    }

    fn visit_seq<A: de::SeqAccess<'de>>(self, _: A) -> Result<(), A::Error> {
        Err(de::Error::custom("an array is no object"))
    }
}

/// How deep `data` (valid JSON) nests objects and arrays.
fn depth(data: &[u8]) -> usize {
    let (mut level, mut deepest, mut in_string, mut escaped) = (0usize, 0, false, false);
    for &b in data {
        match (in_string, b) {
            (true, b'\\') => escaped = !escaped,
            (true, b'"') if !escaped => in_string = false,
            (true, _) => escaped = false,
            (false, b'"') => in_string = true,
            (false, b'{' | b'[') => {
                level += 1;
                deepest = deepest.max(level);
            }
            (false, b'}' | b']') => level -= 1,
            _ => {}
        }
    }
    deepest
}

/// Whether every string of `data` (valid JSON), member names included,
/// decodes to text by serde_json.
fn strings_decode(data: &[u8]) -> bool {
    let (mut start, mut escaped) = (None, false);
    for (i, &b) in data.iter().enumerate() {
        match (start, b) {
            (Some(_), b'\\') => escaped = !escaped,
            (Some(s), b'"') if !escaped => {
                if serde_json::from_slice::<String>(&data[s..=i]).is_err() {
                    return false;
                }
                start = None;
            }
            (Some(_), _) => escaped = false,
            (None, b'"') => start = Some(i),
            _ => {}
        }
    }
    true
}

fn expected(data: &[u8]) -> Option<Answer> {
    let reply = serde_json::from_slice::<Reply>(data).ok()?;
    core::str::from_utf8(data).ok()?;
    Shape::Answer
        .deserialize(&mut serde_json::Deserializer::from_slice(data))
        .ok()?;
    if depth(data) > 64 || !strings_decode(data) {
        return None;
    }
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
