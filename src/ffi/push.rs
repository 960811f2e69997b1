//! The push endpoint from C: request URI, JSON body, the signed HTTP request,
//! and the API's response. Every rule is `crate::push`'s.

use super::signer::{m800_signed_headers, m800_signer, signer};
use super::status::m800_status;
use super::{bytes, get, guard, optional_text, text, FfiResult, Out, TextOut};
use crate::limits::URI_MAX;
use crate::push::{self, JsonText, Push, ReceivedBody, Response};
use core::ffi::c_char;

/// A push: the recipient and the message. Text is UTF-8 (invalid UTF-8 is
/// `M800_ERR_INVALID_UTF8`), pointer + length, not NUL-terminated.
///
/// `username`, `carrier` and `app_message` may be NULL when their length is 0
/// (empty; an empty user name or carrier is then an error of its own).
/// `push_content` and `sender` are optional: NULL (with length 0) leaves the
/// member out of the body. A non-NULL `push_content` with length 0 writes
/// `""`; a non-NULL `sender` with length 0 is `M800_ERR_INVALID_SENDER` (not
/// `user@carrier`).
#[repr(C)]
#[derive(Clone, Copy)]
pub struct m800_push {
    /// The receiver's user name (non-empty, no control character).
    pub username: *const c_char,
    /// Length of `username` in bytes.
    pub username_len: usize,
    /// The receiver's carrier / domain (non-empty, no control character).
    pub carrier: *const c_char,
    /// Length of `carrier` in bytes.
    pub carrier_len: usize,
    /// `appMessage.content`: the text for the in-app channel.
    pub app_message: *const c_char,
    /// Length of `app_message` in bytes.
    pub app_message_len: usize,
    /// `push.content`, the text for the push channel; NULL: none.
    pub push_content: *const c_char,
    /// Length of `push_content` in bytes.
    pub push_content_len: usize,
    /// `sender`: `user@carrier` (an empty sender is `M800_ERR_INVALID_SENDER`); NULL: none.
    pub sender: *const c_char,
    /// Length of `sender` in bytes.
    pub sender_len: usize,
}

/// The push of `p` as the Rust API takes it.
///
/// # Safety
/// A non-NULL `p` must be a valid `m800_push` whose pointers are readable for
/// their lengths during `'a`.
unsafe fn push_of<'a>(p: *const m800_push) -> FfiResult<Push<'a>> {
    // SAFETY (all): the contract covers `p` and each of its pointers and lengths.
    unsafe {
        let p = get(p)?;
        Ok(Push {
            username: text(p.username, p.username_len)?,
            carrier: text(p.carrier, p.carrier_len)?,
            app_message: text(p.app_message, p.app_message_len)?,
            push_content: optional_text(p.push_content, p.push_content_len)?,
            sender: optional_text(p.sender, p.sender_len)?,
        })
    }
}

/// Writes the push request URI `/api/1.0/push/{username}@{carrier}` (each part
/// percent-encoded as PROTOCOL.md section 1 says; an `@` inside a part becomes
/// `%40`) into `out[..cap]`, NUL-terminated. `M800_URI_MAX + 1` bytes always
/// suffice.
///
/// Errors: `M800_ERR_EMPTY_USERNAME`, `M800_ERR_EMPTY_CARRIER`,
/// `M800_ERR_CONTROL_CHARACTER`, `M800_ERR_INVALID_UTF8`,
/// `M800_ERR_URI_TOO_LONG` (the URI could not be signed), and the buffer
/// contract's.
///
/// # Safety
/// Each input readable for its length; `out` valid for writes of `cap` bytes;
/// `out_len` valid for a write.
#[no_mangle]
pub unsafe extern "C" fn m800_push_uri(
    username: *const c_char,
    username_len: usize,
    carrier: *const c_char,
    carrier_len: usize,
    out: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> m800_status {
    // SAFETY: as this function's contract.
    guard(|| unsafe {
        let (username, carrier) = (text(username, username_len)?, text(carrier, carrier_len)?);
        let mut buf = [0u8; URI_MAX];
        let uri = push::write_uri(username, carrier, &mut buf)?;
        TextOut::new(out, cap, out_len)?.put(uri.as_bytes())
    })
}

/// Writes the push JSON body
/// `{"appMessage":{"content":…},"push":{"content":…},"sender":…}` into
/// `out[..cap]`, NUL-terminated (the body never holds a raw NUL: control
/// characters are escaped). `push_content` and `sender` NULL with length 0 leave
/// their member out; a non-NULL `push_content` with length 0 writes `""`, a
/// non-NULL `sender` with length 0 is `M800_ERR_INVALID_SENDER`.
///
/// Errors: `M800_ERR_INVALID_SENDER` (not `user@carrier`),
/// `M800_ERR_INVALID_UTF8`, and the buffer contract's (`*out_len` = the body's
/// length + 1).
///
/// # Safety
/// Each input NULL or readable for its length; `out` valid for writes of `cap`
/// bytes and overlapping no input; `out_len` valid for a write.
#[no_mangle]
pub unsafe extern "C" fn m800_push_body(
    app_message: *const c_char,
    app_message_len: usize,
    push_content: *const c_char,
    push_content_len: usize,
    sender: *const c_char,
    sender_len: usize,
    out: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> m800_status {
    // SAFETY: as this function's contract.
    guard(|| unsafe {
        let app_message = text(app_message, app_message_len)?;
        let push_content = optional_text(push_content, push_content_len)?;
        let sender = optional_text(sender, sender_len)?;
        TextOut::new(out, cap, out_len)?.write(|buf| {
            push::write_body(app_message, push_content, sender, buf).map(|b| (b.len(), ()))
        })
    })
}

/// Signs the push `p` with `s` as sent at `unix_time` with `nonce`, and writes
/// the complete HTTP/1.1 request into `out[..cap]`, NUL-terminated: the request
/// line, `Host: {host}`, `Content-Type: application/json`, `Content-Length`,
/// `Content-MD5`, `X-M-Date`, `Authorization`, the empty line, and the body.
/// Send its `*out_len` bytes to the (TLS) socket as they are.
///
/// On success `*head_len` (when not NULL) is the length of the head, up to and
/// including the empty line (the body is `out + *head_len`, `*out_len -
/// *head_len` bytes), and `*headers_out` (when not NULL) holds the three signed
/// header values. When the request does not fit, `M800_ERR_BUFFER_TOO_SMALL`
/// with `*out_len` = its size + 1 and nothing else written. Every input is
/// checked first: the push as for `m800_push_uri` / `m800_push_body`, `host`
/// (a non-empty `host[:port]`, else `M800_ERR_INVALID_HOST`), the nonce and
/// the time as for `m800_sign_request`. Allocation-free. To keep the caller's
/// buffer untouched on failure it signs twice: once to measure, once to write.
///
/// # Safety
/// `s` as for `m800_sign_request`; `p` a valid push; `host` and `nonce`
/// readable for their lengths; `out` valid for writes of `cap` bytes and
/// overlapping no input; `out_len` valid for a write; `head_len` and
/// `headers_out` NULL or valid for writes.
#[no_mangle]
pub unsafe extern "C" fn m800_push_request(
    s: *const m800_signer,
    p: *const m800_push,
    host: *const c_char,
    host_len: usize,
    unix_time: u64,
    nonce: *const c_char,
    nonce_len: usize,
    out: *mut c_char,
    cap: usize,
    out_len: *mut usize,
    head_len: *mut usize,
    headers_out: *mut m800_signed_headers,
) -> m800_status {
    guard(|| {
        // SAFETY: as this function's contract.
        let (signer, push, host, nonce, out) = unsafe {
            let out = TextOut::new(out, cap, out_len)?;
            let host = text(host, host_len)?;
            (signer(s)?, push_of(p)?, host, text(nonce, nonce_len)?, out)
        };
        // SAFETY: as this function's contract.
        let (head_len, headers_out) =
            unsafe { (Out::optional(head_len), Out::optional(headers_out)) };
        let (head, signed) = out.write(|buf| {
            let request = push.write_request(signer, host, unix_time, nonce, buf)?;
            let head = request.head().len();
            Ok((request.as_bytes().len(), (head, request.headers().clone())))
        })?;
        if let Some(out) = head_len {
            out.put(head);
        }
        headers_out.map_or(Ok(()), |out| out.put_headers(&signed))
    })
}

/// What a push response body says.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum m800_push_outcome {
    /// `{"requestId": "..."}`: the push was accepted.
    M800_PUSH_ACCEPTED = 1,
    /// `{"error": {"status": N, "code": N, "message": "..."}}`.
    M800_PUSH_FAILED = 2,
}

/// A parsed push response. The strings are views into the body passed to
/// `m800_push_response_parse` (valid while it is), as they appear between the
/// JSON quotes: escapes kept, not NUL-terminated. They are checked to decode;
/// `m800_json_text_unescape` writes the text itself.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct m800_push_response {
    /// Which of the two shapes the body has.
    pub outcome: m800_push_outcome,
    /// `M800_PUSH_ACCEPTED`: the `requestId` (raw JSON text); else NULL.
    pub request_id: *const c_char,
    /// Length of `request_id` in bytes.
    pub request_id_len: usize,
    /// `M800_PUSH_FAILED`: `error.status`, the HTTP status (100..=599); else 0.
    pub status: u16,
    /// `M800_PUSH_FAILED`: `error.code`, the API's error code; else 0.
    pub code: i64,
    /// `M800_PUSH_FAILED`: `error.message` (raw JSON text); else NULL.
    pub message: *const c_char,
    /// Length of `message` in bytes.
    pub message_len: usize,
}

/// Parses a push response body: `{"requestId": "..."}` or
/// `{"error": {"status": N, "code": N, "message": "..."}}`, whitespace allowed
/// between tokens. Members it does not know (at the top or inside `error`) are
/// read as any JSON value, nested at most 64 deep counting the body's own
/// braces (an empty array or object is a level too), and dropped, so that a
/// member the API adds later keeps an accepted push accepted; their names
/// must be written without escapes. Anything else (duplicate or missing
/// members, both shapes at once, `null`, wrong types, a status outside
/// 100..=599, invalid JSON, escapes or UTF-8, trailing bytes) is
/// `M800_ERR_MALFORMED_RESPONSE`.
///
/// # Safety
/// `body` readable for `body_len` bytes (and kept while the views in `*out` are
/// used); `out` valid for writes.
#[no_mangle]
pub unsafe extern "C" fn m800_push_response_parse(
    body: *const u8,
    body_len: usize,
    out: *mut m800_push_response,
) -> m800_status {
    // SAFETY: as this function's contract.
    unsafe { parse_into(body, body_len, out, push::parse_response) }
}

impl From<Response<'_>> for m800_push_response {
    fn from(response: Response<'_>) -> Self {
        let none = m800_push_response {
            outcome: m800_push_outcome::M800_PUSH_ACCEPTED,
            request_id: core::ptr::null(),
            request_id_len: 0,
            status: 0,
            code: 0,
            message: core::ptr::null(),
            message_len: 0,
        };
        match response {
            Response::Accepted { request_id } => m800_push_response {
                request_id: request_id.raw().as_ptr().cast(),
                request_id_len: request_id.raw().len(),
                ..none
            },
            Response::Failed(e) => m800_push_response {
                outcome: m800_push_outcome::M800_PUSH_FAILED,
                status: e.status,
                code: e.code,
                message: e.message.raw().as_ptr().cast(),
                message_len: e.message.raw().len(),
                ..none
            },
        }
    }
}

/// Decodes the raw text of a JSON string (between the quotes, escapes kept, as
/// `m800_push_response` holds it) into `out[..cap]`, NUL-terminated. The text
/// is never longer than `raw_len`, so `raw_len + 1` bytes always suffice. A
/// decoded `\u0000` is written as a NUL byte inside the text: use `*out_len`.
/// Raw control characters, a raw `"`, unknown escapes and unpaired surrogates
/// are `M800_ERR_MALFORMED_RESPONSE`.
///
/// # Safety
/// `raw` readable for `raw_len` bytes; `out` valid for writes of `cap` bytes
/// and overlapping `raw` nowhere; `out_len` valid for a write.
#[no_mangle]
pub unsafe extern "C" fn m800_json_text_unescape(
    raw: *const c_char,
    raw_len: usize,
    out: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> m800_status {
    // SAFETY: as this function's contract.
    guard(|| unsafe {
        let raw = JsonText::from_raw(text(raw, raw_len)?)?;
        let out = TextOut::new(out, cap, out_len)?;
        out.write(|buf| raw.unescape(buf).map(|t| (t.len(), ())))
    })
}

/// A push body as a server receives it (e.g. a stand-in for the push endpoint),
/// parsed by `m800_push_body_parse`. The strings are views into the body (valid
/// while it is), raw JSON text between the quotes, checked to decode (see
/// `m800_json_text_unescape`); an absent member is NULL with length 0.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct m800_received_push {
    /// `appMessage.content` (raw JSON text).
    pub app_message: *const c_char,
    /// Length of `app_message` in bytes.
    pub app_message_len: usize,
    /// `push.content` (raw JSON text); NULL when absent.
    pub push_content: *const c_char,
    /// Length of `push_content` in bytes.
    pub push_content_len: usize,
    /// `sender` (raw JSON text, checked to be `user@carrier`); NULL
    /// when absent.
    pub sender: *const c_char,
    /// Length of `sender` in bytes.
    pub sender_len: usize,
}

/// The pointer and length of an optional raw JSON text.
fn view(text: Option<JsonText<'_>>) -> (*const c_char, usize) {
    text.map_or((core::ptr::null(), 0), |t| {
        (t.raw().as_ptr().cast(), t.raw().len())
    })
}

/// Parses a received push body: the object `m800_push_body` writes, with
/// whitespace allowed between tokens and the members in any order. Anything
/// else (no `appMessage`, unknown or duplicate members, `null`, wrong types,
/// invalid escapes or UTF-8, trailing bytes) is `M800_ERR_MALFORMED_PUSH_BODY`;
/// a sender not of the form `user@carrier` is `M800_ERR_INVALID_SENDER`.
///
/// # Safety
/// `body` readable for `body_len` bytes (and kept while the views in `*out` are
/// used); `out` valid for writes.
#[no_mangle]
pub unsafe extern "C" fn m800_push_body_parse(
    body: *const u8,
    body_len: usize,
    out: *mut m800_received_push,
) -> m800_status {
    // SAFETY: as this function's contract.
    unsafe { parse_into(body, body_len, out, push::parse_body) }
}

impl From<ReceivedBody<'_>> for m800_received_push {
    fn from(parsed: ReceivedBody<'_>) -> Self {
        let (app_message, app_message_len) = view(Some(parsed.app_message));
        let (push_content, push_content_len) = view(parsed.push_content);
        let (sender, sender_len) = view(parsed.sender);
        m800_received_push {
            app_message,
            app_message_len,
            push_content,
            push_content_len,
            sender,
            sender_len,
        }
    }
}

/// A parser entry point: `body` read as bytes, `out` checked, and the C view of
/// what `parse` finds written only on success. The views point into `body`.
///
/// # Safety
/// `body` readable for `len` bytes; `out` valid for writes.
unsafe fn parse_into<'a, R, T: From<R>>(
    body: *const u8,
    len: usize,
    out: *mut T,
    parse: impl FnOnce(&'a [u8]) -> crate::Result<R>,
) -> m800_status {
    guard(|| {
        // SAFETY: as this function's contract.
        let (body, out) = unsafe { (bytes(body, len)?, Out::new(out)?) };
        out.put(parse(body)?.into());
        Ok(())
    })
}
