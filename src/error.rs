//! The one error type of the library.
#![forbid(unsafe_code)]

use core::fmt;

/// Shorthand for `core::result::Result<T, m800_sign::Error>`.
pub type Result<T> = core::result::Result<T, Error>;

/// Everything that can go wrong, each failure its own variant.
///
/// Messages never contain secrets (nor the input that failed: it may be one).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Error {
    /// The developer key is empty.
    EmptyKey,
    /// The developer key is longer than [`KEY_MAX`](crate::limits::KEY_MAX).
    KeyTooLong,
    /// The developer key holds a character that is not printable ASCII, or `"` or `\`.
    InvalidKey,
    /// The secret is empty.
    EmptySecret,
    /// The nonce is empty.
    EmptyNonce,
    /// The nonce is longer than [`NONCE_MAX`](crate::limits::NONCE_MAX).
    NonceTooLong,
    /// The nonce holds a character that is not printable ASCII, or `"` or `\`.
    InvalidNonce,
    /// The HTTP method is empty.
    EmptyMethod,
    /// The HTTP method is longer than [`METHOD_MAX`](crate::limits::METHOD_MAX).
    MethodTooLong,
    /// The HTTP method is not an HTTP token (RFC 9110 `tchar`s).
    InvalidMethod,
    /// The request URI is longer than [`URI_MAX`](crate::limits::URI_MAX).
    UriTooLong,
    /// The request URI is not origin-form (`/path[?query]`, visible ASCII, no `#`).
    InvalidUri,
    /// The content type is longer than [`CONTENT_TYPE_MAX`](crate::limits::CONTENT_TYPE_MAX).
    ContentTypeTooLong,
    /// The content type holds a control character or non-ASCII byte.
    InvalidContentType,
    /// A `Content-MD5` value is not empty and not 32 hex digits.
    InvalidContentMd5,
    /// The Unix time lies past `Fri, 31 Dec 9999 23:59:59 GMT`.
    TimeOutOfRange,
    /// The system clock reads before 1970.
    ClockBeforeEpoch,
    /// The operating system could not supply random bytes.
    RandomUnavailable,
    /// The text is not an IMF-fixdate (`Thu, 12 Sep 2013 18:49:58 GMT`) or names no real date.
    InvalidDate,
    /// The output buffer is too small; `needed` bytes would fit.
    BufferTooSmall {
        /// The size that would fit.
        needed: usize,
    },
    /// Text input is not valid UTF-8.
    InvalidUtf8,
    /// A signature value is not valid for the chosen encoding.
    InvalidSignatureEncoding,
    /// The `Authorization` header does not follow the auth-param grammar.
    MalformedAuthorization,
    /// The `Authorization` scheme is not `MAAIISDK10`.
    UnsupportedScheme,
    /// `key`, `nonce` or `signature` is missing or empty in `Authorization`.
    MissingAuthParam,
    /// A parameter appears twice in `Authorization`.
    DuplicateAuthParam,
    /// No secret is known for the request's developer key.
    UnknownKey,
    /// The request has no `X-M-Date` header.
    MissingDate,
    /// The request's date lies more than the window before the server's clock.
    DateTooOld {
        /// The verifier's clock, Unix seconds.
        server_time: u64,
        /// How far the request's date lies behind it, in seconds.
        skew_s: u64,
    },
    /// The request's date lies more than the window after the server's clock.
    DateInFuture {
        /// The verifier's clock, Unix seconds.
        server_time: u64,
        /// How far the request's date lies ahead of it, in seconds.
        skew_s: u64,
    },
    /// The signature does not match the request.
    SignatureMismatch,
    /// The nonce was already used inside the window.
    ReplayedNonce,
    /// The replay store has no room to record the nonce; the request is refused.
    ReplayStoreFull,
    /// A push user name is empty.
    EmptyUsername,
    /// A push carrier is empty.
    EmptyCarrier,
    /// A push user name or carrier holds a control character.
    ControlCharacter,
    /// The push sender is not of the form `user@carrier`.
    InvalidSender,
    /// The response body is not one of the API's documented shapes.
    MalformedResponse,
    /// A received push body is not the documented JSON object.
    MalformedPushBody,
    /// The `Host` value is empty or not an RFC 3986 authority (`host[:port]`, ASCII, no userinfo, path, space or control character).
    InvalidHost,
    /// The HTTP request line is not `METHOD SP request-target SP HTTP-version CRLF`.
    MalformedHttpRequestLine,
    /// The HTTP version is not `HTTP/1.1` or `HTTP/1.0`.
    UnsupportedHttpVersion,
    /// A header line has no colon, a name that is not a token (e.g. whitespace before the colon), or a control character or invalid UTF-8 in its value.
    MalformedHttpHeader,
    /// A header line starts with whitespace (obsolete line folding, RFC 9112 section 5.2).
    HttpObsFold,
    /// A CR not followed by LF, or an LF not preceded by CR, in the request head.
    HttpBareLineBreak,
    /// The input ends before the empty line that ends the head, or before the `Content-Length` bytes of the body.
    IncompleteHttpRequest,
    /// `Host`, `Content-Type`, `Content-Length`, `Transfer-Encoding`, `X-M-Date` or `Authorization` appears more than once.
    DuplicateHttpHeader,
    /// The `Content-Length` value is not a decimal number that fits a `usize`.
    InvalidContentLength,
    /// The request has a `Transfer-Encoding` header; only `Content-Length` bodies are supported.
    UnsupportedTransferEncoding,
    /// More bytes follow the head than `Content-Length` announces (or any without `Content-Length`).
    HttpBodyLengthMismatch,
}

impl Error {
    /// A stable, machine-readable name, e.g. `"signature_mismatch"`.
    pub const fn name(&self) -> &'static str {
        match self {
            Error::EmptyKey => "empty_key",
            Error::KeyTooLong => "key_too_long",
            Error::InvalidKey => "invalid_key",
            Error::EmptySecret => "empty_secret",
            Error::EmptyNonce => "empty_nonce",
            Error::NonceTooLong => "nonce_too_long",
            Error::InvalidNonce => "invalid_nonce",
            Error::EmptyMethod => "empty_method",
            Error::MethodTooLong => "method_too_long",
            Error::InvalidMethod => "invalid_method",
            Error::UriTooLong => "uri_too_long",
            Error::InvalidUri => "invalid_uri",
            Error::ContentTypeTooLong => "content_type_too_long",
            Error::InvalidContentType => "invalid_content_type",
            Error::InvalidContentMd5 => "invalid_content_md5",
            Error::TimeOutOfRange => "time_out_of_range",
            Error::ClockBeforeEpoch => "clock_before_epoch",
            Error::RandomUnavailable => "random_unavailable",
            Error::InvalidDate => "invalid_date",
            Error::BufferTooSmall { .. } => "buffer_too_small",
            Error::InvalidUtf8 => "invalid_utf8",
            Error::InvalidSignatureEncoding => "invalid_signature_encoding",
            Error::MalformedAuthorization => "malformed_authorization",
            Error::UnsupportedScheme => "unsupported_scheme",
            Error::MissingAuthParam => "missing_auth_param",
            Error::DuplicateAuthParam => "duplicate_auth_param",
            Error::UnknownKey => "unknown_key",
            Error::MissingDate => "missing_date",
            Error::DateTooOld { .. } => "date_too_old",
            Error::DateInFuture { .. } => "date_in_future",
            Error::SignatureMismatch => "signature_mismatch",
            Error::ReplayedNonce => "replayed_nonce",
            Error::ReplayStoreFull => "replay_store_full",
            Error::EmptyUsername => "empty_username",
            Error::EmptyCarrier => "empty_carrier",
            Error::ControlCharacter => "control_character",
            Error::InvalidSender => "invalid_sender",
            Error::MalformedResponse => "malformed_response",
            Error::MalformedPushBody => "malformed_push_body",
            Error::InvalidHost => "invalid_host",
            Error::MalformedHttpRequestLine => "malformed_http_request_line",
            Error::UnsupportedHttpVersion => "unsupported_http_version",
            Error::MalformedHttpHeader => "malformed_http_header",
            Error::HttpObsFold => "http_obs_fold",
            Error::HttpBareLineBreak => "http_bare_line_break",
            Error::IncompleteHttpRequest => "incomplete_http_request",
            Error::DuplicateHttpHeader => "duplicate_http_header",
            Error::InvalidContentLength => "invalid_content_length",
            Error::UnsupportedTransferEncoding => "unsupported_transfer_encoding",
            Error::HttpBodyLengthMismatch => "http_body_length_mismatch",
        }
    }

    /// A one-line English description without any input values.
    pub const fn description(&self) -> &'static str {
        match self {
            Error::EmptyKey => "the developer key is empty",
            Error::KeyTooLong => "the developer key is longer than 128 bytes",
            Error::InvalidKey => "the developer key must be printable ASCII without '\"' or '\\'",
            Error::EmptySecret => "the secret is empty",
            Error::EmptyNonce => "the nonce is empty",
            Error::NonceTooLong => "the nonce is longer than 64 bytes",
            Error::InvalidNonce => "the nonce must be printable ASCII without '\"' or '\\'",
            Error::EmptyMethod => "the HTTP method is empty",
            Error::MethodTooLong => "the HTTP method is longer than 32 bytes",
            Error::InvalidMethod => "the HTTP method is not an HTTP token",
            Error::UriTooLong => "the request URI is longer than 2048 bytes",
            Error::InvalidUri => {
                "the request URI is not origin-form ('/path[?query]', visible ASCII, no '#')"
            }
            Error::ContentTypeTooLong => "the content type is longer than 256 bytes",
            Error::InvalidContentType => "the content type holds a control or non-ASCII character",
            Error::InvalidContentMd5 => "the Content-MD5 value is not 32 lower-case hex digits",
            Error::TimeOutOfRange => "the time lies after Fri, 31 Dec 9999 23:59:59 GMT",
            Error::ClockBeforeEpoch => "the system clock reads before 1970",
            Error::RandomUnavailable => "the operating system could not supply random bytes",
            Error::InvalidDate => {
                "the date is not an IMF-fixdate such as 'Thu, 12 Sep 2013 18:49:58 GMT'"
            }
            Error::BufferTooSmall { .. } => "the output buffer is too small",
            Error::InvalidUtf8 => "the text is not valid UTF-8",
            Error::InvalidSignatureEncoding => "the signature is not valid hex or base64",
            Error::MalformedAuthorization => "the Authorization header is malformed",
            Error::UnsupportedScheme => "the Authorization scheme is not MAAIISDK10",
            Error::MissingAuthParam => "the Authorization header lacks key, nonce or signature",
            Error::DuplicateAuthParam => "the Authorization header repeats a parameter",
            Error::UnknownKey => "no secret is known for this developer key",
            Error::MissingDate => "the X-M-Date header is missing",
            Error::DateTooOld { .. } => "the request's date is too far in the past",
            Error::DateInFuture { .. } => "the request's date is too far in the future",
            Error::SignatureMismatch => "the signature does not match the request",
            Error::ReplayedNonce => "the nonce was already used",
            Error::ReplayStoreFull => "the replay store is full; request refused",
            Error::EmptyUsername => "the push user name is empty",
            Error::EmptyCarrier => "the push carrier is empty",
            Error::ControlCharacter => "the push user name or carrier holds a control character",
            Error::InvalidSender => "the sender must have the form user@carrier",
            Error::MalformedResponse => "the response is not a documented M800 response",
            Error::MalformedPushBody => "the push body is not the documented JSON object",
            Error::InvalidHost => {
                "the host is not host[:port] in ASCII without spaces or control characters"
            }
            Error::MalformedHttpRequestLine => {
                "the HTTP request line is not 'METHOD target HTTP/1.1'"
            }
            Error::UnsupportedHttpVersion => "the HTTP version is not HTTP/1.1 or HTTP/1.0",
            Error::MalformedHttpHeader => "an HTTP header line is malformed",
            Error::HttpObsFold => "an HTTP header uses obsolete line folding",
            Error::HttpBareLineBreak => "the HTTP request head has a bare CR or LF",
            Error::IncompleteHttpRequest => "the HTTP request is incomplete",
            Error::DuplicateHttpHeader => "a header that must be unique appears twice",
            Error::InvalidContentLength => "the Content-Length value is not a decimal number",
            Error::UnsupportedTransferEncoding => {
                "Transfer-Encoding is not supported; send Content-Length"
            }
            Error::HttpBodyLengthMismatch => "the body is longer than Content-Length announces",
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.description())?;
        match self {
            Error::BufferTooSmall { needed } => write!(f, " ({needed} bytes needed)"),
            Error::DateTooOld {
                server_time,
                skew_s,
            } => write!(f, " ({skew_s} s behind server time {server_time})"),
            Error::DateInFuture {
                server_time,
                skew_s,
            } => write!(f, " ({skew_s} s ahead of server time {server_time})"),
            _ => Ok(()),
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for Error {}
