//! Every size limit of the library, in one place.
//!
//! Input longer than a limit is rejected with an [`Error`](crate::Error) (the
//! key, nonce, method, URI and content type each with its own `…TooLong`
//! variant; an over-long signature is a malformed or wrongly encoded one);
//! nothing is ever truncated. The limits size the fixed buffers of
//! [`SignedHeaders`](crate::SignedHeaders) and the C header's `#define`s.
#![forbid(unsafe_code)]

/// Longest developer key, in bytes.
pub const KEY_MAX: usize = 128;
/// Longest nonce, in bytes (M800's Java client emits 47 characters).
pub const NONCE_MAX: usize = 64;
/// Longest HTTP method, in bytes.
pub const METHOD_MAX: usize = 32;
/// Longest request URI (origin-form target), in bytes.
pub const URI_MAX: usize = 2048;
/// Longest `Content-Type` value, in bytes.
pub const CONTENT_TYPE_MAX: usize = 256;
/// Length of an `X-M-Date` value (`Thu, 12 Sep 2013 18:49:58 GMT`).
pub const X_M_DATE_LEN: usize = 29;
/// Length of a `Content-MD5` value (lower-case hex MD5); it is empty without a body.
pub const CONTENT_MD5_LEN: usize = 32;
/// Length of a signature in lower-case hex.
pub const SIGNATURE_HEX_LEN: usize = 64;
/// Length of a signature in base64 (with padding).
pub const SIGNATURE_BASE64_LEN: usize = 44;
/// Longest signature value accepted in an `Authorization` header.
pub const SIGNATURE_MAX: usize = SIGNATURE_HEX_LEN;
/// Longest `Authorization` value this library produces.
pub const AUTHORIZATION_MAX: usize =
    r#"MAAIISDK10 key="", nonce="", signature="""#.len() + KEY_MAX + NONCE_MAX + SIGNATURE_MAX;
/// Longest string to sign: six fields and five line feeds.
pub const STRING_TO_SIGN_MAX: usize =
    METHOD_MAX + URI_MAX + CONTENT_MD5_LEN + CONTENT_TYPE_MAX + X_M_DATE_LEN + NONCE_MAX + 5;
/// Largest Unix time an `X-M-Date` can hold: `Fri, 31 Dec 9999 23:59:59 GMT`.
pub const UNIX_TIME_MAX: u64 = 253_402_300_799;
