//! `m800_status`: one C enum for every outcome, and its static texts.

use crate::Error;
use core::ffi::{c_char, c_int};

/// The result of every fallible `m800_*` function: `M800_OK` (0) or exactly one
/// failure. Values and names are stable; new values are only ever appended.
///
/// Functions *return* `m800_status`; functions that *take* a status (such as
/// `m800_status_str`) accept any integer, so a value C invents is never a problem.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum m800_status {
    /// Success.
    M800_OK = 0,
    /// A required pointer is NULL (or NULL with a non-zero length).
    M800_ERR_NULL_POINTER = 1,
    /// The output buffer is too small; `*out_len` holds the size needed, NUL included.
    M800_ERR_BUFFER_TOO_SMALL = 2,
    /// An argument is out of its range (a length past `PTRDIFF_MAX`, a wrong-sized array, a body given together with its `Content-MD5`).
    M800_ERR_INVALID_ARGUMENT = 3,
    /// Text input is not valid UTF-8.
    M800_ERR_INVALID_UTF8 = 4,
    /// The signer, MD5 context or replay cache is not initialised (or was wiped).
    M800_ERR_NOT_INITIALIZED = 5,
    /// An internal error (a caught panic): a bug, please report it.
    M800_ERR_INTERNAL = 6,
    /// The developer key is empty.
    M800_ERR_EMPTY_KEY = 7,
    /// The developer key is longer than `M800_KEY_MAX`.
    M800_ERR_KEY_TOO_LONG = 8,
    /// The developer key holds a character that is not printable ASCII, or `"` or `\`.
    M800_ERR_INVALID_KEY = 9,
    /// The secret is empty.
    M800_ERR_EMPTY_SECRET = 10,
    /// The nonce is empty.
    M800_ERR_EMPTY_NONCE = 11,
    /// The nonce is longer than `M800_NONCE_MAX`.
    M800_ERR_NONCE_TOO_LONG = 12,
    /// The nonce holds a character that is not printable ASCII, or `"` or `\`.
    M800_ERR_INVALID_NONCE = 13,
    /// The HTTP method is empty.
    M800_ERR_EMPTY_METHOD = 14,
    /// The HTTP method is longer than `M800_METHOD_MAX`.
    M800_ERR_METHOD_TOO_LONG = 15,
    /// The HTTP method is not an HTTP token.
    M800_ERR_INVALID_METHOD = 16,
    /// The request URI is longer than `M800_URI_MAX`.
    M800_ERR_URI_TOO_LONG = 17,
    /// The request URI is not origin-form (`/path[?query]`, visible ASCII, no `#`).
    M800_ERR_INVALID_URI = 18,
    /// The content type is longer than `M800_CONTENT_TYPE_MAX`.
    M800_ERR_CONTENT_TYPE_TOO_LONG = 19,
    /// The content type holds a control character or non-ASCII byte.
    M800_ERR_INVALID_CONTENT_TYPE = 20,
    /// A `Content-MD5` value is not empty and not 32 lower-case hex digits.
    M800_ERR_INVALID_CONTENT_MD5 = 21,
    /// The Unix time lies past `Fri, 31 Dec 9999 23:59:59 GMT`.
    M800_ERR_TIME_OUT_OF_RANGE = 22,
    /// The system clock reads before 1970.
    M800_ERR_CLOCK_BEFORE_EPOCH = 23,
    /// The operating system could not supply random bytes.
    M800_ERR_RANDOM_UNAVAILABLE = 24,
    /// The text is not an IMF-fixdate or names no real date.
    M800_ERR_INVALID_DATE = 25,
    /// A signature value is not valid for its encoding.
    M800_ERR_INVALID_SIGNATURE_ENCODING = 26,
    /// The `Authorization` header does not follow the auth-param grammar.
    M800_ERR_MALFORMED_AUTHORIZATION = 27,
    /// The `Authorization` scheme is not `MAAIISDK10`.
    M800_ERR_UNSUPPORTED_SCHEME = 28,
    /// `key`, `nonce` or `signature` is missing or empty in `Authorization`.
    M800_ERR_MISSING_AUTH_PARAM = 29,
    /// A parameter appears twice in `Authorization`.
    M800_ERR_DUPLICATE_AUTH_PARAM = 30,
    /// No secret is known for the request's developer key.
    M800_ERR_UNKNOWN_KEY = 31,
    /// The request has no `X-M-Date` header.
    M800_ERR_MISSING_DATE = 32,
    /// The request's date lies more than the window before the verifier's clock.
    M800_ERR_DATE_TOO_OLD = 33,
    /// The request's date lies more than the window after the verifier's clock.
    M800_ERR_DATE_IN_FUTURE = 34,
    /// The signature does not match the request.
    M800_ERR_SIGNATURE_MISMATCH = 35,
    /// The nonce was already used inside the window.
    M800_ERR_REPLAYED_NONCE = 36,
    /// The replay cache has no free slot; the request is refused.
    M800_ERR_REPLAY_CACHE_FULL = 37,
    /// A push user name is empty.
    M800_ERR_EMPTY_USERNAME = 38,
    /// A push carrier is empty.
    M800_ERR_EMPTY_CARRIER = 39,
    /// A push user name or carrier holds a control character.
    M800_ERR_CONTROL_CHARACTER = 40,
    /// The push sender is not of the form `user@carrier`.
    M800_ERR_INVALID_SENDER = 41,
    /// The response body is not one of the API's documented shapes.
    M800_ERR_MALFORMED_RESPONSE = 42,
    /// A received push body is not the documented JSON object.
    M800_ERR_MALFORMED_PUSH_BODY = 43,
    /// The `Host` value is empty or not an RFC 3986 authority (`host[:port]`, ASCII, no userinfo, path, space or control character).
    M800_ERR_INVALID_HOST = 44,
    /// The HTTP request line is not `METHOD SP request-target SP HTTP-version CRLF`.
    M800_ERR_MALFORMED_HTTP_REQUEST_LINE = 45,
    /// The HTTP version is not `HTTP/1.1` or `HTTP/1.0`.
    M800_ERR_UNSUPPORTED_HTTP_VERSION = 46,
    /// A header line has no colon, a name that is not a token (e.g. whitespace before the colon), or a control character or invalid UTF-8 in its value.
    M800_ERR_MALFORMED_HTTP_HEADER = 47,
    /// A header line starts with whitespace (obsolete line folding, RFC 9112 section 5.2).
    M800_ERR_HTTP_OBS_FOLD = 48,
    /// A CR not followed by LF, or an LF not preceded by CR, in the request head.
    M800_ERR_HTTP_BARE_LINE_BREAK = 49,
    /// The input ends before the empty line that ends the head, or before the `Content-Length` bytes of the body.
    M800_ERR_INCOMPLETE_HTTP_REQUEST = 50,
    /// `Host`, `Content-Type`, `Content-Length`, `Transfer-Encoding`, `X-M-Date` or `Authorization` appears more than once.
    M800_ERR_DUPLICATE_HTTP_HEADER = 51,
    /// The `Content-Length` value is not a decimal number that fits a `usize`.
    M800_ERR_INVALID_CONTENT_LENGTH = 52,
    /// The request has a `Transfer-Encoding` header; only `Content-Length` bodies are supported.
    M800_ERR_UNSUPPORTED_TRANSFER_ENCODING = 53,
    /// More bytes follow the head than `Content-Length` announces (or any without `Content-Length`).
    M800_ERR_HTTP_BODY_LENGTH_MISMATCH = 54,
}

use m800_status::*;

/// Every status, in value order (checked at compile time below).
const ALL: [m800_status; 55] = [
    M800_OK,
    M800_ERR_NULL_POINTER,
    M800_ERR_BUFFER_TOO_SMALL,
    M800_ERR_INVALID_ARGUMENT,
    M800_ERR_INVALID_UTF8,
    M800_ERR_NOT_INITIALIZED,
    M800_ERR_INTERNAL,
    M800_ERR_EMPTY_KEY,
    M800_ERR_KEY_TOO_LONG,
    M800_ERR_INVALID_KEY,
    M800_ERR_EMPTY_SECRET,
    M800_ERR_EMPTY_NONCE,
    M800_ERR_NONCE_TOO_LONG,
    M800_ERR_INVALID_NONCE,
    M800_ERR_EMPTY_METHOD,
    M800_ERR_METHOD_TOO_LONG,
    M800_ERR_INVALID_METHOD,
    M800_ERR_URI_TOO_LONG,
    M800_ERR_INVALID_URI,
    M800_ERR_CONTENT_TYPE_TOO_LONG,
    M800_ERR_INVALID_CONTENT_TYPE,
    M800_ERR_INVALID_CONTENT_MD5,
    M800_ERR_TIME_OUT_OF_RANGE,
    M800_ERR_CLOCK_BEFORE_EPOCH,
    M800_ERR_RANDOM_UNAVAILABLE,
    M800_ERR_INVALID_DATE,
    M800_ERR_INVALID_SIGNATURE_ENCODING,
    M800_ERR_MALFORMED_AUTHORIZATION,
    M800_ERR_UNSUPPORTED_SCHEME,
    M800_ERR_MISSING_AUTH_PARAM,
    M800_ERR_DUPLICATE_AUTH_PARAM,
    M800_ERR_UNKNOWN_KEY,
    M800_ERR_MISSING_DATE,
    M800_ERR_DATE_TOO_OLD,
    M800_ERR_DATE_IN_FUTURE,
    M800_ERR_SIGNATURE_MISMATCH,
    M800_ERR_REPLAYED_NONCE,
    M800_ERR_REPLAY_CACHE_FULL,
    M800_ERR_EMPTY_USERNAME,
    M800_ERR_EMPTY_CARRIER,
    M800_ERR_CONTROL_CHARACTER,
    M800_ERR_INVALID_SENDER,
    M800_ERR_MALFORMED_RESPONSE,
    M800_ERR_MALFORMED_PUSH_BODY,
    M800_ERR_INVALID_HOST,
    M800_ERR_MALFORMED_HTTP_REQUEST_LINE,
    M800_ERR_UNSUPPORTED_HTTP_VERSION,
    M800_ERR_MALFORMED_HTTP_HEADER,
    M800_ERR_HTTP_OBS_FOLD,
    M800_ERR_HTTP_BARE_LINE_BREAK,
    M800_ERR_INCOMPLETE_HTTP_REQUEST,
    M800_ERR_DUPLICATE_HTTP_HEADER,
    M800_ERR_INVALID_CONTENT_LENGTH,
    M800_ERR_UNSUPPORTED_TRANSFER_ENCODING,
    M800_ERR_HTTP_BODY_LENGTH_MISMATCH,
];

impl From<Error> for m800_status {
    fn from(error: Error) -> Self {
        match error {
            Error::EmptyKey => M800_ERR_EMPTY_KEY,
            Error::KeyTooLong => M800_ERR_KEY_TOO_LONG,
            Error::InvalidKey => M800_ERR_INVALID_KEY,
            Error::EmptySecret => M800_ERR_EMPTY_SECRET,
            Error::EmptyNonce => M800_ERR_EMPTY_NONCE,
            Error::NonceTooLong => M800_ERR_NONCE_TOO_LONG,
            Error::InvalidNonce => M800_ERR_INVALID_NONCE,
            Error::EmptyMethod => M800_ERR_EMPTY_METHOD,
            Error::MethodTooLong => M800_ERR_METHOD_TOO_LONG,
            Error::InvalidMethod => M800_ERR_INVALID_METHOD,
            Error::UriTooLong => M800_ERR_URI_TOO_LONG,
            Error::InvalidUri => M800_ERR_INVALID_URI,
            Error::ContentTypeTooLong => M800_ERR_CONTENT_TYPE_TOO_LONG,
            Error::InvalidContentType => M800_ERR_INVALID_CONTENT_TYPE,
            Error::InvalidContentMd5 => M800_ERR_INVALID_CONTENT_MD5,
            Error::TimeOutOfRange => M800_ERR_TIME_OUT_OF_RANGE,
            Error::ClockBeforeEpoch => M800_ERR_CLOCK_BEFORE_EPOCH,
            Error::RandomUnavailable => M800_ERR_RANDOM_UNAVAILABLE,
            Error::InvalidDate => M800_ERR_INVALID_DATE,
            Error::BufferTooSmall { .. } => M800_ERR_BUFFER_TOO_SMALL,
            Error::InvalidUtf8 => M800_ERR_INVALID_UTF8,
            Error::InvalidSignatureEncoding => M800_ERR_INVALID_SIGNATURE_ENCODING,
            Error::MalformedAuthorization => M800_ERR_MALFORMED_AUTHORIZATION,
            Error::UnsupportedScheme => M800_ERR_UNSUPPORTED_SCHEME,
            Error::MissingAuthParam => M800_ERR_MISSING_AUTH_PARAM,
            Error::DuplicateAuthParam => M800_ERR_DUPLICATE_AUTH_PARAM,
            Error::UnknownKey => M800_ERR_UNKNOWN_KEY,
            Error::MissingDate => M800_ERR_MISSING_DATE,
            Error::DateTooOld { .. } => M800_ERR_DATE_TOO_OLD,
            Error::DateInFuture { .. } => M800_ERR_DATE_IN_FUTURE,
            Error::SignatureMismatch => M800_ERR_SIGNATURE_MISMATCH,
            Error::ReplayedNonce => M800_ERR_REPLAYED_NONCE,
            Error::ReplayStoreFull => M800_ERR_REPLAY_CACHE_FULL,
            Error::EmptyUsername => M800_ERR_EMPTY_USERNAME,
            Error::EmptyCarrier => M800_ERR_EMPTY_CARRIER,
            Error::ControlCharacter => M800_ERR_CONTROL_CHARACTER,
            Error::InvalidSender => M800_ERR_INVALID_SENDER,
            Error::MalformedResponse => M800_ERR_MALFORMED_RESPONSE,
            Error::MalformedPushBody => M800_ERR_MALFORMED_PUSH_BODY,
            Error::InvalidHost => M800_ERR_INVALID_HOST,
            Error::MalformedHttpRequestLine => M800_ERR_MALFORMED_HTTP_REQUEST_LINE,
            Error::UnsupportedHttpVersion => M800_ERR_UNSUPPORTED_HTTP_VERSION,
            Error::MalformedHttpHeader => M800_ERR_MALFORMED_HTTP_HEADER,
            Error::HttpObsFold => M800_ERR_HTTP_OBS_FOLD,
            Error::HttpBareLineBreak => M800_ERR_HTTP_BARE_LINE_BREAK,
            Error::IncompleteHttpRequest => M800_ERR_INCOMPLETE_HTTP_REQUEST,
            Error::DuplicateHttpHeader => M800_ERR_DUPLICATE_HTTP_HEADER,
            Error::InvalidContentLength => M800_ERR_INVALID_CONTENT_LENGTH,
            Error::UnsupportedTransferEncoding => M800_ERR_UNSUPPORTED_TRANSFER_ENCODING,
            Error::HttpBodyLengthMismatch => M800_ERR_HTTP_BODY_LENGTH_MISMATCH,
        }
    }
}

/// The library error a status stands for; `None` for the statuses of the C
/// layer itself (`M800_OK`, NULL pointers, ...). The texts come from here, so
/// every message is written once, in [`Error`].
const fn error_of(status: m800_status) -> Option<Error> {
    Some(match status {
        M800_OK
        | M800_ERR_NULL_POINTER
        | M800_ERR_INVALID_ARGUMENT
        | M800_ERR_NOT_INITIALIZED
        | M800_ERR_INTERNAL => return None,
        M800_ERR_BUFFER_TOO_SMALL => Error::BufferTooSmall { needed: 0 },
        M800_ERR_INVALID_UTF8 => Error::InvalidUtf8,
        M800_ERR_EMPTY_KEY => Error::EmptyKey,
        M800_ERR_KEY_TOO_LONG => Error::KeyTooLong,
        M800_ERR_INVALID_KEY => Error::InvalidKey,
        M800_ERR_EMPTY_SECRET => Error::EmptySecret,
        M800_ERR_EMPTY_NONCE => Error::EmptyNonce,
        M800_ERR_NONCE_TOO_LONG => Error::NonceTooLong,
        M800_ERR_INVALID_NONCE => Error::InvalidNonce,
        M800_ERR_EMPTY_METHOD => Error::EmptyMethod,
        M800_ERR_METHOD_TOO_LONG => Error::MethodTooLong,
        M800_ERR_INVALID_METHOD => Error::InvalidMethod,
        M800_ERR_URI_TOO_LONG => Error::UriTooLong,
        M800_ERR_INVALID_URI => Error::InvalidUri,
        M800_ERR_CONTENT_TYPE_TOO_LONG => Error::ContentTypeTooLong,
        M800_ERR_INVALID_CONTENT_TYPE => Error::InvalidContentType,
        M800_ERR_INVALID_CONTENT_MD5 => Error::InvalidContentMd5,
        M800_ERR_TIME_OUT_OF_RANGE => Error::TimeOutOfRange,
        M800_ERR_CLOCK_BEFORE_EPOCH => Error::ClockBeforeEpoch,
        M800_ERR_RANDOM_UNAVAILABLE => Error::RandomUnavailable,
        M800_ERR_INVALID_DATE => Error::InvalidDate,
        M800_ERR_INVALID_SIGNATURE_ENCODING => Error::InvalidSignatureEncoding,
        M800_ERR_MALFORMED_AUTHORIZATION => Error::MalformedAuthorization,
        M800_ERR_UNSUPPORTED_SCHEME => Error::UnsupportedScheme,
        M800_ERR_MISSING_AUTH_PARAM => Error::MissingAuthParam,
        M800_ERR_DUPLICATE_AUTH_PARAM => Error::DuplicateAuthParam,
        M800_ERR_UNKNOWN_KEY => Error::UnknownKey,
        M800_ERR_MISSING_DATE => Error::MissingDate,
        M800_ERR_DATE_TOO_OLD => Error::DateTooOld {
            server_time: 0,
            skew_s: 0,
        },
        M800_ERR_DATE_IN_FUTURE => Error::DateInFuture {
            server_time: 0,
            skew_s: 0,
        },
        M800_ERR_SIGNATURE_MISMATCH => Error::SignatureMismatch,
        M800_ERR_REPLAYED_NONCE => Error::ReplayedNonce,
        M800_ERR_REPLAY_CACHE_FULL => Error::ReplayStoreFull,
        M800_ERR_EMPTY_USERNAME => Error::EmptyUsername,
        M800_ERR_EMPTY_CARRIER => Error::EmptyCarrier,
        M800_ERR_CONTROL_CHARACTER => Error::ControlCharacter,
        M800_ERR_INVALID_SENDER => Error::InvalidSender,
        M800_ERR_MALFORMED_RESPONSE => Error::MalformedResponse,
        M800_ERR_MALFORMED_PUSH_BODY => Error::MalformedPushBody,
        M800_ERR_INVALID_HOST => Error::InvalidHost,
        M800_ERR_MALFORMED_HTTP_REQUEST_LINE => Error::MalformedHttpRequestLine,
        M800_ERR_UNSUPPORTED_HTTP_VERSION => Error::UnsupportedHttpVersion,
        M800_ERR_MALFORMED_HTTP_HEADER => Error::MalformedHttpHeader,
        M800_ERR_HTTP_OBS_FOLD => Error::HttpObsFold,
        M800_ERR_HTTP_BARE_LINE_BREAK => Error::HttpBareLineBreak,
        M800_ERR_INCOMPLETE_HTTP_REQUEST => Error::IncompleteHttpRequest,
        M800_ERR_DUPLICATE_HTTP_HEADER => Error::DuplicateHttpHeader,
        M800_ERR_INVALID_CONTENT_LENGTH => Error::InvalidContentLength,
        M800_ERR_UNSUPPORTED_TRANSFER_ENCODING => Error::UnsupportedTransferEncoding,
        M800_ERR_HTTP_BODY_LENGTH_MISMATCH => Error::HttpBodyLengthMismatch,
    })
}

const fn description(status: m800_status) -> &'static str {
    match error_of(status) {
        Some(error) => error.description(),
        None => match status {
            M800_ERR_NULL_POINTER => "a required pointer is NULL",
            M800_ERR_INVALID_ARGUMENT => "an argument is out of range",
            M800_ERR_NOT_INITIALIZED => "the object is not initialised or was wiped",
            M800_ERR_INTERNAL => "internal error (a bug in m800-sign)",
            _ => "success",
        },
    }
}

const fn name(status: m800_status) -> &'static str {
    match error_of(status) {
        // The one status whose C name differs from the Rust error's.
        Some(Error::ReplayStoreFull) => "replay_cache_full",
        Some(error) => error.name(),
        None => match status {
            M800_ERR_NULL_POINTER => "null_pointer",
            M800_ERR_INVALID_ARGUMENT => "invalid_argument",
            M800_ERR_NOT_INITIALIZED => "not_initialized",
            M800_ERR_INTERNAL => "internal",
            _ => "ok",
        },
    }
}

/// Room for the longest text and its NUL.
const TEXT_CAP: usize = 96;
type Texts = [[u8; TEXT_CAP]; ALL.len()];

/// NUL-terminated copies of every status's name or description, built at
/// compile time (a text that does not fit stops the build).
// Compile-time evaluation only: an out-of-range index or overflow is a build error.
#[allow(clippy::indexing_slicing, clippy::arithmetic_side_effects)]
const fn table(names: bool) -> Texts {
    let mut out = [[0u8; TEXT_CAP]; ALL.len()];
    let mut i = 0;
    while i < ALL.len() {
        assert!(ALL[i] as usize == i, "ALL is in value order");
        let text = if names {
            name(ALL[i])
        } else {
            description(ALL[i])
        }
        .as_bytes();
        assert!(text.len() < TEXT_CAP, "status text too long");
        let mut j = 0;
        while j < text.len() {
            assert!(text[j] != 0, "status text holds a NUL");
            out[i][j] = text[j];
            j += 1;
        }
        i += 1;
    }
    out
}

static DESCRIPTIONS: Texts = table(false);
static NAMES: Texts = table(true);

fn lookup(texts: &'static Texts, status: c_int, unknown: &'static [u8]) -> *const c_char {
    usize::try_from(status)
        .ok()
        .and_then(|i| texts.get(i))
        .map_or(unknown.as_ptr(), |text| text.as_ptr())
        .cast()
}

/// A static, NUL-terminated English description of `status`; never NULL, also for
/// values that are not an `m800_status`. Thread-safe; never free it.
///
/// (The header declares the parameter as `m800_status`; it is read as a plain
/// integer, so any value is accepted.)
#[no_mangle]
pub extern "C" fn m800_status_str(status: c_int) -> *const c_char {
    lookup(&DESCRIPTIONS, status, b"unknown m800_status value\0")
}

/// A static, NUL-terminated machine-readable name of `status`, e.g.
/// `"signature_mismatch"`; `"unknown"` for values that are not an
/// `m800_status`. Never NULL. Thread-safe; never free it.
#[no_mangle]
pub extern "C" fn m800_status_name(status: c_int) -> *const c_char {
    lookup(&NAMES, status, b"unknown\0")
}

/// The status with value `code`; `M800_ERR_INTERNAL` for a value that is not one
/// (e.g. returned by a misbehaving callback).
pub(crate) fn from_code(code: c_int) -> m800_status {
    usize::try_from(code)
        .ok()
        .and_then(|i| ALL.get(i))
        .copied()
        .unwrap_or(M800_ERR_INTERNAL)
}

#[cfg(test)]
pub(crate) fn all() -> &'static [m800_status] {
    &ALL
}
