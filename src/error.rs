//! The one table of failures: each is declared once, in `m800_status`'s
//! literal definition below (its C name, stable value, C doc, machine name,
//! description and, for a library failure, its Rust [`Error`] variant).
//! `error_table!` turns that one declaration into [`Error`] with `name()` and
//! `description()`, and, with the `ffi` feature, the C enum `m800_status`, its
//! texts, the list of all values and the conversions between the two. The enum
//! stays literal so that cbindgen (which does not expand macros) reads it.
#![forbid(unsafe_code)]

use core::fmt;
use macro_rules_attribute::apply;

/// Shorthand for `core::result::Result<T, m800_sign::Error>`.
pub type Result<T> = core::result::Result<T, Error>;

/// Expands the status table (see the module docs). A row is
/// `#[status(name, description)]` for an outcome of the C layer alone, or
/// `#[error(name, description, RustVariant [{ fields }])]` for a library failure,
/// followed by the C doc and `M800_NAME = value`.
macro_rules! error_table {
    (
        $(#[doc = $enum_doc:literal])*
        #[repr(C)]
        pub enum m800_status {
            $(
                #[$kind:ident($name:literal, $text:literal $(, $variant:ident $({
                    $(#[doc = $field_doc:literal] $field:ident: $field_ty:ty),* $(,)?
                })?)?)]
                $(#[doc = $doc:literal])*
                $cname:ident = $value:literal,
            )*
        }
    ) => {
        /// Everything that can go wrong, each failure its own variant.
        ///
        /// Each has a stable machine name ([`name`](Error::name)), a one-line
        /// English description ([`description`](Error::description); `Display`
        /// adds the numbers a variant carries) and a stable number
        /// ([`code`](Error::code), the value of the C API's status). Messages
        /// never contain secrets (nor the input that failed: it may be one).
        ///
        /// ```
        /// use m800_sign::{verify::check_window, Error};
        /// let error = check_window(1764331200, 1764331501, 300).unwrap_err();
        /// assert!(matches!(error, Error::DateTooOld { skew_s: 301, .. }));
        /// assert_eq!((error.name(), error.code()), ("date_too_old", 33));
        /// assert_eq!(error.to_string(), "the request's date is too far in the past (301 s behind server time 1764331501)");
        /// ```
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        // The docs are the descriptions: `host[:port]` is text, not a link.
        #[allow(rustdoc::broken_intra_doc_links)]
        pub enum Error {
            $($(
                #[doc = $text]
                $variant $({ $(#[doc = $field_doc] $field: $field_ty),* })?,
            )?)*
        }

        impl Error {
            /// A stable, machine-readable name, e.g. `"signature_mismatch"`.
            ///
            /// ```
            /// use m800_sign::Error;
            /// assert_eq!(Error::SignatureMismatch.name(), "signature_mismatch");
            /// assert_eq!(Error::BufferTooSmall { needed: 64 }.name(), "buffer_too_small");
            /// ```
            pub const fn name(&self) -> &'static str {
                match self {
                    $($(Error::$variant { .. } => $name,)?)*
                }
            }

            /// A one-line English description without any input values.
            ///
            /// ```
            /// use m800_sign::Error;
            /// let error = Error::BufferTooSmall { needed: 64 };
            /// assert_eq!(error.description(), "the output buffer is too small");
            /// assert_eq!(error.to_string(), "the output buffer is too small (64 bytes needed)");
            /// ```
            pub const fn description(&self) -> &'static str {
                match self {
                    $($(Error::$variant { .. } => $text,)?)*
                }
            }

            /// The failure's stable number: the value of its C status (e.g.
            /// 35 for `signature_mismatch`, `M800_ERR_SIGNATURE_MISMATCH`),
            /// for logs and answers read by other languages.
            ///
            /// ```
            /// assert_eq!(m800_sign::Error::SignatureMismatch.code(), 35);
            /// ```
            pub const fn code(&self) -> u16 {
                match self {
                    $($(Error::$variant { .. } => $value,)?)*
                }
            }
        }

        $(#[doc = $enum_doc])*
        #[cfg(feature = "ffi")]
        #[repr(C)]
        #[allow(non_camel_case_types)]
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum m800_status {
            $($(#[doc = $doc])* $cname = $value,)*
        }

        #[cfg(feature = "ffi")]
        impl m800_status {
            /// Every status, in declaration order.
            pub const ALL: &'static [m800_status] = &[$(m800_status::$cname),*];

            /// The status with value `code`, if there is one.
            pub const fn from_code(code: core::ffi::c_int) -> Option<Self> {
                match code {
                    $($value => Some(m800_status::$cname),)*
                    _ => None,
                }
            }

            /// The machine-readable name, NUL-terminated.
            pub const fn name_nul(self) -> &'static str {
                match self {
                    $(m800_status::$cname => concat!($name, "\0"),)*
                }
            }

            /// The English description, NUL-terminated.
            pub const fn description_nul(self) -> &'static str {
                match self {
                    $(m800_status::$cname => concat!($text, "\0"),)*
                }
            }
        }

        #[cfg(feature = "ffi")]
        impl From<Error> for m800_status {
            fn from(error: Error) -> Self {
                match error {
                    $($(Error::$variant { .. } => m800_status::$cname,)?)*
                }
            }
        }
    };
}

/// The result of every fallible `m800_*` function: `M800_OK` (0) or exactly one
/// failure. Values and names are stable; new values are only ever appended.
///
/// Functions *return* `m800_status`; functions that *take* a status (such as
/// `m800_status_str`) accept any integer, so a value C invents is never a problem.
#[apply(error_table!)]
#[repr(C)]
pub enum m800_status {
    #[status("ok", "success")]
    /// Success.
    M800_OK = 0,
    #[status("null_pointer", "a required pointer is NULL")]
    /// A required pointer is NULL (or NULL with a non-zero length).
    M800_ERR_NULL_POINTER = 1,
    #[error("buffer_too_small", "the output buffer is too small", BufferTooSmall { #[doc = "The size that would fit."] needed: usize })]
    /// The output buffer is too small; `*out_len` holds the size needed, NUL included.
    M800_ERR_BUFFER_TOO_SMALL = 2,
    #[status("invalid_argument", "an argument is out of range")]
    /// An argument is out of its range (a length past `PTRDIFF_MAX`, a wrong-sized array, a body given together with its `Content-MD5`).
    M800_ERR_INVALID_ARGUMENT = 3,
    #[error("invalid_utf8", "the text is not valid UTF-8", InvalidUtf8)]
    /// Text input is not valid UTF-8.
    M800_ERR_INVALID_UTF8 = 4,
    #[status("not_initialized", "the object is not initialised or was wiped")]
    /// The signer, MD5 context or replay cache is not initialised (or was wiped).
    M800_ERR_NOT_INITIALIZED = 5,
    #[status("internal", "internal error (a bug in m800-sign)")]
    /// An internal error (a caught panic): a bug, please report it.
    M800_ERR_INTERNAL = 6,
    #[error("empty_key", "the developer key is empty", EmptyKey)]
    /// The developer key is empty.
    M800_ERR_EMPTY_KEY = 7,
    #[error(
        "key_too_long",
        "the developer key is longer than 128 bytes",
        KeyTooLong
    )]
    /// The developer key is longer than `M800_KEY_MAX`.
    M800_ERR_KEY_TOO_LONG = 8,
    #[error(
        "invalid_key",
        "the developer key must be printable ASCII without '\"' or '\\'",
        InvalidKey
    )]
    /// The developer key holds a character that is not printable ASCII, or `"` or `\`.
    M800_ERR_INVALID_KEY = 9,
    #[error("empty_secret", "the secret is empty", EmptySecret)]
    /// The secret is empty.
    M800_ERR_EMPTY_SECRET = 10,
    #[error("empty_nonce", "the nonce is empty", EmptyNonce)]
    /// The nonce is empty.
    M800_ERR_EMPTY_NONCE = 11,
    #[error("nonce_too_long", "the nonce is longer than 64 bytes", NonceTooLong)]
    /// The nonce is longer than `M800_NONCE_MAX`.
    M800_ERR_NONCE_TOO_LONG = 12,
    #[error(
        "invalid_nonce",
        "the nonce must be printable ASCII without '\"' or '\\'",
        InvalidNonce
    )]
    /// The nonce holds a character that is not printable ASCII, or `"` or `\`.
    M800_ERR_INVALID_NONCE = 13,
    #[error("empty_method", "the HTTP method is empty", EmptyMethod)]
    /// The HTTP method is empty.
    M800_ERR_EMPTY_METHOD = 14,
    #[error(
        "method_too_long",
        "the HTTP method is longer than 32 bytes",
        MethodTooLong
    )]
    /// The HTTP method is longer than `M800_METHOD_MAX`.
    M800_ERR_METHOD_TOO_LONG = 15,
    #[error(
        "invalid_method",
        "the HTTP method is not an HTTP token",
        InvalidMethod
    )]
    /// The HTTP method is not an HTTP token.
    M800_ERR_INVALID_METHOD = 16,
    #[error(
        "uri_too_long",
        "the request URI is longer than 2048 bytes",
        UriTooLong
    )]
    /// The request URI is longer than `M800_URI_MAX`.
    M800_ERR_URI_TOO_LONG = 17,
    #[error(
        "invalid_uri",
        "the request URI is not origin-form ('/path[?query]', visible ASCII, no '#')",
        InvalidUri
    )]
    /// The request URI is not origin-form (`/path[?query]`, visible ASCII, no `#`).
    M800_ERR_INVALID_URI = 18,
    #[error(
        "content_type_too_long",
        "the content type is longer than 256 bytes",
        ContentTypeTooLong
    )]
    /// The content type is longer than `M800_CONTENT_TYPE_MAX`.
    M800_ERR_CONTENT_TYPE_TOO_LONG = 19,
    #[error(
        "invalid_content_type",
        "the content type holds a control or non-ASCII character, or starts or ends with a space",
        InvalidContentType
    )]
    /// The content type holds a control character or non-ASCII byte, or starts or ends with a space.
    M800_ERR_INVALID_CONTENT_TYPE = 20,
    #[error(
        "invalid_content_md5",
        "the Content-MD5 value is not 32 lower-case hex digits",
        InvalidContentMd5
    )]
    /// A `Content-MD5` value is not empty and not 32 lower-case hex digits.
    M800_ERR_INVALID_CONTENT_MD5 = 21,
    #[error(
        "time_out_of_range",
        "the time lies after Fri, 31 Dec 9999 23:59:59 GMT",
        TimeOutOfRange
    )]
    /// The Unix time lies past `Fri, 31 Dec 9999 23:59:59 GMT`.
    M800_ERR_TIME_OUT_OF_RANGE = 22,
    #[error(
        "clock_before_epoch",
        "the system clock reads before 1970",
        ClockBeforeEpoch
    )]
    /// The system clock reads before 1970.
    M800_ERR_CLOCK_BEFORE_EPOCH = 23,
    #[error(
        "random_unavailable",
        "the operating system could not supply random bytes",
        RandomUnavailable
    )]
    /// The operating system could not supply random bytes.
    M800_ERR_RANDOM_UNAVAILABLE = 24,
    #[error(
        "invalid_date",
        "the date is not an IMF-fixdate such as 'Thu, 12 Sep 2013 18:49:58 GMT'",
        InvalidDate
    )]
    /// The text is not an IMF-fixdate or names no real date.
    M800_ERR_INVALID_DATE = 25,
    #[error(
        "invalid_signature_encoding",
        "the signature is not valid hex or base64",
        InvalidSignatureEncoding
    )]
    /// A signature value is not valid for its encoding.
    M800_ERR_INVALID_SIGNATURE_ENCODING = 26,
    #[error(
        "malformed_authorization",
        "the Authorization header is malformed",
        MalformedAuthorization
    )]
    /// The `Authorization` header does not follow the auth-param grammar.
    M800_ERR_MALFORMED_AUTHORIZATION = 27,
    #[error(
        "unsupported_scheme",
        "the Authorization scheme is not MAAIISDK10",
        UnsupportedScheme
    )]
    /// The `Authorization` scheme is not `MAAIISDK10`.
    M800_ERR_UNSUPPORTED_SCHEME = 28,
    #[error(
        "missing_auth_param",
        "the Authorization header lacks key, nonce or signature",
        MissingAuthParam
    )]
    /// `key`, `nonce` or `signature` is missing or empty in `Authorization`.
    M800_ERR_MISSING_AUTH_PARAM = 29,
    #[error(
        "duplicate_auth_param",
        "the Authorization header repeats a parameter",
        DuplicateAuthParam
    )]
    /// A parameter appears twice in `Authorization`.
    M800_ERR_DUPLICATE_AUTH_PARAM = 30,
    #[error("unknown_key", "no secret is known for this developer key", UnknownKey)]
    /// No secret is known for the request's developer key.
    M800_ERR_UNKNOWN_KEY = 31,
    #[error("missing_date", "the X-M-Date header is missing", MissingDate)]
    /// The request has no `X-M-Date` header.
    M800_ERR_MISSING_DATE = 32,
    #[error("date_too_old", "the request's date is too far in the past", DateTooOld { #[doc = "The verifier's clock, Unix seconds."] server_time: u64, #[doc = "How far the request's date lies behind it, in seconds."] skew_s: u64 })]
    /// The request's date lies more than the window before the verifier's clock.
    M800_ERR_DATE_TOO_OLD = 33,
    #[error("date_in_future", "the request's date is too far in the future", DateInFuture { #[doc = "The verifier's clock, Unix seconds."] server_time: u64, #[doc = "How far the request's date lies ahead of it, in seconds."] skew_s: u64 })]
    /// The request's date lies more than the window after the verifier's clock.
    M800_ERR_DATE_IN_FUTURE = 34,
    #[error(
        "signature_mismatch",
        "the signature does not match the request",
        SignatureMismatch
    )]
    /// The signature does not match the request.
    M800_ERR_SIGNATURE_MISMATCH = 35,
    #[error("replayed_nonce", "the nonce was already used", ReplayedNonce)]
    /// The nonce was already used inside the window.
    M800_ERR_REPLAYED_NONCE = 36,
    #[error(
        "replay_cache_full",
        "the replay store is full; request refused",
        ReplayStoreFull
    )]
    /// The replay cache has no free slot; the request is refused.
    M800_ERR_REPLAY_CACHE_FULL = 37,
    #[error("empty_username", "the push user name is empty", EmptyUsername)]
    /// A push user name is empty.
    M800_ERR_EMPTY_USERNAME = 38,
    #[error("empty_carrier", "the push carrier is empty", EmptyCarrier)]
    /// A push carrier is empty.
    M800_ERR_EMPTY_CARRIER = 39,
    #[error(
        "control_character",
        "the push user name or carrier holds a control character",
        ControlCharacter
    )]
    /// A push user name or carrier holds a control character.
    M800_ERR_CONTROL_CHARACTER = 40,
    #[error(
        "invalid_sender",
        "the sender must have the form user@carrier",
        InvalidSender
    )]
    /// The push sender is not of the form `user@carrier`.
    M800_ERR_INVALID_SENDER = 41,
    #[error(
        "malformed_response",
        "the response is not a documented M800 response",
        MalformedResponse
    )]
    /// The response body is not one of the API's documented shapes.
    M800_ERR_MALFORMED_RESPONSE = 42,
    #[error(
        "malformed_push_body",
        "the push body is not the documented JSON object",
        MalformedPushBody
    )]
    /// A received push body is not the documented JSON object.
    M800_ERR_MALFORMED_PUSH_BODY = 43,
    #[error(
        "invalid_host",
        "the host is not host[:port] in ASCII without spaces or control characters",
        InvalidHost
    )]
    /// The `Host` value is empty or not an RFC 3986 authority (`host[:port]`, ASCII, no userinfo, path, space or control character).
    M800_ERR_INVALID_HOST = 44,
    #[error(
        "malformed_http_request_line",
        "the HTTP request line is not 'METHOD target HTTP/1.1'",
        MalformedHttpRequestLine
    )]
    /// The HTTP request line is not `METHOD SP request-target SP HTTP-version CRLF`.
    M800_ERR_MALFORMED_HTTP_REQUEST_LINE = 45,
    #[error(
        "unsupported_http_version",
        "the HTTP version is not HTTP/1.1 or HTTP/1.0",
        UnsupportedHttpVersion
    )]
    /// The HTTP version is not `HTTP/1.1` or `HTTP/1.0`.
    M800_ERR_UNSUPPORTED_HTTP_VERSION = 46,
    #[error(
        "malformed_http_header",
        "an HTTP header line is malformed",
        MalformedHttpHeader
    )]
    /// A header line has no colon, a name that is not a token (e.g. whitespace before the colon), or a control character or invalid UTF-8 in its value.
    M800_ERR_MALFORMED_HTTP_HEADER = 47,
    #[error(
        "http_obs_fold",
        "an HTTP header uses obsolete line folding",
        HttpObsFold
    )]
    /// A header line starts with whitespace (obsolete line folding, RFC 9112 section 5.2).
    M800_ERR_HTTP_OBS_FOLD = 48,
    #[error(
        "http_bare_line_break",
        "the HTTP request head has a bare CR or LF",
        HttpBareLineBreak
    )]
    /// A CR not followed by LF, or an LF not preceded by CR, in the request head.
    M800_ERR_HTTP_BARE_LINE_BREAK = 49,
    #[error(
        "incomplete_http_request",
        "the HTTP request is incomplete",
        IncompleteHttpRequest
    )]
    /// The input ends before the empty line that ends the head, or before the `Content-Length` bytes of the body.
    M800_ERR_INCOMPLETE_HTTP_REQUEST = 50,
    #[error(
        "duplicate_http_header",
        "a header that must be unique appears twice",
        DuplicateHttpHeader
    )]
    /// `Host`, `Content-Type`, `Content-Length`, `Transfer-Encoding`, `X-M-Date` or `Authorization` appears more than once.
    M800_ERR_DUPLICATE_HTTP_HEADER = 51,
    #[error(
        "invalid_content_length",
        "the Content-Length value is not a decimal number",
        InvalidContentLength
    )]
    /// The `Content-Length` value is not a decimal number that fits a `usize`.
    M800_ERR_INVALID_CONTENT_LENGTH = 52,
    #[error(
        "unsupported_transfer_encoding",
        "Transfer-Encoding is not supported; send Content-Length",
        UnsupportedTransferEncoding
    )]
    /// The request has a `Transfer-Encoding` header; only `Content-Length` bodies are supported.
    M800_ERR_UNSUPPORTED_TRANSFER_ENCODING = 53,
    #[error(
        "http_body_length_mismatch",
        "the body is longer than Content-Length announces",
        HttpBodyLengthMismatch
    )]
    /// More bytes follow the head than `Content-Length` announces (or any without `Content-Length`).
    M800_ERR_HTTP_BODY_LENGTH_MISMATCH = 54,
    #[error("missing_host", "the HTTP/1.1 request has no Host header", MissingHost)]
    /// An `HTTP/1.1` request has no `Host` header (RFC 9112 section 3.2; an `HTTP/1.0` one may omit it).
    M800_ERR_MISSING_HOST = 55,
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
