//! The push endpoint's answer: `{"requestId"}` or `{"error"}`.

use super::json::JsonText;
use super::wire;
use crate::{Error, Result};

/// The error object of an API error response.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ApiError<'a> {
    /// `error.status`: the HTTP status (100..=599).
    pub status: u16,
    /// `error.code`: the API's error code.
    pub code: i64,
    /// `error.message`.
    pub message: JsonText<'a>,
}

/// A push response body.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Response<'a> {
    /// `{"requestId": "..."}`: the push was accepted.
    Accepted {
        /// The request id.
        request_id: JsonText<'a>,
    },
    /// `{"error": {"status": N, "code": N, "message": "..."}}`.
    Failed(ApiError<'a>),
}

/// Parses a push response body: `{"requestId": "..."}` or
/// `{"error": {"status": N, "code": N, "message": "..."}}`.
///
/// Whitespace between tokens is allowed, and so are members this reader does
/// not know, at the top or inside `error`: any JSON value (nested at most 64
/// deep, the answer's own braces counted) under a name written without
/// escapes, dropped, so that a member M800 adds later does not turn an
/// accepted push into a failure. Anything else — duplicated members, both or
/// neither of `requestId` and `error`, `null`, wrong types, a status outside
/// 100..=599, invalid JSON, escapes or UTF-8, trailing bytes — is
/// [`Error::MalformedResponse`]. The strings stay in `body`.
///
/// ```
/// use m800_sign::push::{parse_response, ApiError, JsonText, Response};
/// let body = br#"{"error": {"status": 401, "code": 40108, "message": "signature mismatch", "traceId": "t-9"}}"#;
/// let message = JsonText::from_raw("signature mismatch")?;
/// assert_eq!(parse_response(body)?, Response::Failed(ApiError { status: 401, code: 40108, message }));
/// assert_eq!(parse_response(b"{}"), Err(m800_sign::Error::MalformedResponse));
/// # Ok::<(), m800_sign::Error>(())
/// ```
pub fn parse_response(body: &[u8]) -> Result<Response<'_>> {
    let malformed = Error::MalformedResponse;
    let reply = wire::reply(body).ok_or(malformed)?;
    match (reply.request_id, reply.error) {
        (Some(id), None) => Ok(Response::Accepted {
            request_id: JsonText::new(id)?,
        }),
        (None, Some(e)) if (100..=599).contains(&e.status) => Ok(Response::Failed(ApiError {
            status: e.status,
            code: e.code,
            message: JsonText::new(e.message)?,
        })),
        _ => Err(malformed),
    }
}
