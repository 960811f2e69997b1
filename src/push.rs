//! The push endpoint (PROTOCOL.md section 1): the request URI, the JSON body,
//! the complete signed HTTP/1.1 request, and the API's JSON response.
//!
//! Everything is written into caller buffers with the required-size contract:
//! when the output does not fit, the call fails with
//! [`Error::BufferTooSmall`] carrying the size that would fit, and nothing
//! usable is written. Nothing is ever truncated or silently "fixed".
//!
//! ```
//! use m800_sign::push::{self, Push, Response};
//! use m800_sign::Signer;
//!
//! let signer = Signer::new("a-demo-key", b"a-demo-secret")?;
//! let push = Push {
//!     username: "alice",
//!     carrier: "m800.com",
//!     app_message: "ping",
//!     push_content: None,
//!     sender: None,
//! };
//! let mut out = [0u8; 512];
//! let request = push.write_request(
//!     &signer,
//!     "api.example.com",
//!     1764334800,
//!     "19aca559e0102468acf13579bde",
//!     &mut out,
//! )?;
//! assert!(request.head().starts_with("POST /api/1.0/push/alice@m800.com HTTP/1.1\r\n"));
//! assert_eq!(request.body(), r#"{"appMessage":{"content":"ping"}}"#);
//! // `request.as_bytes()` goes to the TLS socket as it is. The answer:
//! match push::parse_response(br#"{"requestId": "r-42"}"#)? {
//!     Response::Accepted { request_id } => assert_eq!(request_id.as_plain(), Some("r-42")),
//!     Response::Failed(e) => panic!("API error {} {}", e.status, e.code),
//! }
//! # Ok::<(), m800_sign::Error>(())
//! ```
#![forbid(unsafe_code)]

use core::fmt;

use crate::canonical::check_uri;
use crate::digest::Md5Stream;
use crate::limits::URI_MAX;
use crate::sign::{Body, Request, SignedHeaders};
use crate::signer::Signer;
use crate::text::Writer;
use crate::{Error, Result};

/// The method of a push request.
pub const METHOD: &str = "POST";
/// The path of the push endpoint, before `{username}@{carrier}`.
pub const PATH_PREFIX: &str = "/api/1.0/push/";
/// The `Content-Type` of a push request.
pub const CONTENT_TYPE: &str = "application/json";

// ---------------------------------------------------------------------------
// The request URI

const HEX_UPPER: &[u8; 16] = b"0123456789ABCDEF";

/// The upper-case hex digit of a value below 16.
fn hex_upper(n: u8) -> u8 {
    HEX_UPPER.get(usize::from(n)).copied().unwrap_or(b'0')
}

/// Bytes written as they are in a URI part: RFC 3986 unreserved, the
/// sub-delims and `:`. Everything else, `@` included, is percent-encoded.
const fn is_uri_literal(c: u8) -> bool {
    c.is_ascii_alphanumeric()
        || matches!(
            c,
            b'-' | b'.'
                | b'_'
                | b'~'
                | b'!'
                | b'$'
                | b'&'
                | b'\''
                | b'('
                | b')'
                | b'*'
                | b'+'
                | b','
                | b';'
                | b'='
                | b':'
        )
}

/// Checks one part of the recipient: non-empty, no control character
/// (Unicode `Cc`: U+0000..U+001F, U+007F, U+0080..U+009F).
fn check_part(part: &str, empty: Error) -> Result<()> {
    if part.is_empty() {
        return Err(empty);
    }
    if part.chars().any(char::is_control) {
        return Err(Error::ControlCharacter);
    }
    Ok(())
}

fn push_encoded(w: &mut Writer<'_>, part: &str) {
    for &b in part.as_bytes() {
        if is_uri_literal(b) {
            w.push(&[b]);
        } else {
            w.push(&[b'%', hex_upper(b >> 4), hex_upper(b & 0x0f)]);
        }
    }
}

/// Writes the push request URI `/api/1.0/push/{username}@{carrier}` into `buf`.
///
/// Each part is UTF-8, percent-encoded with upper-case hex except the RFC 3986
/// unreserved characters, the sub-delims `!$&'()*+,;=` and `:`; an `@` inside
/// a part becomes `%40`.
///
/// Errors: [`Error::EmptyUsername`], [`Error::EmptyCarrier`],
/// [`Error::ControlCharacter`], [`Error::UriTooLong`] when the URI would be
/// longer than [`URI_MAX`] (it could not be signed), and
/// [`Error::BufferTooSmall`] with the size that fits.
pub fn write_uri<'b>(username: &str, carrier: &str, buf: &'b mut [u8]) -> Result<&'b str> {
    check_part(username, Error::EmptyUsername)?;
    check_part(carrier, Error::EmptyCarrier)?;
    let mut w = Writer::new(buf);
    w.push_str(PATH_PREFIX);
    push_encoded(&mut w, username);
    w.push(b"@");
    push_encoded(&mut w, carrier);
    match w.finish_str() {
        Ok(uri) => {
            check_uri(uri)?;
            Ok(uri)
        }
        Err(Error::BufferTooSmall { needed }) if needed > URI_MAX => Err(Error::UriTooLong),
        Err(e) => Err(e),
    }
}

// ---------------------------------------------------------------------------
// JSON strings: the one escaper (and, for responses, the one unescaper)

/// Hands the JSON string literal of `s` (quotes included) to `sink` piece by
/// piece: `\"`, `\\`, `\n`, `\r`, `\t`, `\b`, `\f`, other code points below
/// U+0020 as `\u00XX` with lower-case hex, everything else raw UTF-8.
fn feed_json_string(s: &str, sink: &mut dyn FnMut(&str)) {
    sink("\"");
    let mut start = 0usize;
    for (i, b) in s.bytes().enumerate() {
        let mut unicode = [b'\\', b'u', b'0', b'0', b'0', b'0'];
        let escape: &str = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            0x00..=0x1f => {
                crate::text::hex_encode(&[b], unicode.get_mut(4..).unwrap_or_default());
                core::str::from_utf8(&unicode).unwrap_or_default()
            }
            _ => continue,
        };
        // `i` is the index of an ASCII byte: both cuts are char boundaries.
        sink(s.get(start..i).unwrap_or_default());
        sink(escape);
        start = i.saturating_add(1);
    }
    sink(s.get(start..).unwrap_or_default());
    sink("\"");
}

/// Writes `s` as a JSON string literal, quotes included, into `buf`, escaped
/// exactly as PROTOCOL.md section 1 says (see [`JsonString`]).
///
/// Fails only with [`Error::BufferTooSmall`] and the size that fits.
pub fn write_json_string<'b>(s: &str, buf: &'b mut [u8]) -> Result<&'b str> {
    let mut w = Writer::new(buf);
    feed_json_string(s, &mut |piece| w.push_str(piece));
    w.finish_str()
}

/// Displays a string as a JSON string literal, quotes included: the same
/// escaper as [`write_json_string`], for `write!` and `format!`.
///
/// ```
/// use m800_sign::push::JsonString;
/// let mut out = heapless::String::<32>::new();
/// core::fmt::write(&mut out, format_args!("{}", JsonString("a\"b\u{1}"))).unwrap();
/// assert_eq!(out, r#""a\"b\u0001""#);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct JsonString<'a>(pub &'a str);

impl fmt::Display for JsonString<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut result = Ok(());
        feed_json_string(self.0, &mut |piece| {
            if result.is_ok() {
                result = f.write_str(piece);
            }
        });
        result
    }
}

/// The value of four hex digits (either case) from `chars`.
fn hex4(chars: &mut core::str::Chars<'_>) -> Result<u32> {
    let mut value = 0u32;
    for _ in 0..4 {
        let digit = chars
            .next()
            .and_then(|c| c.to_digit(16))
            .ok_or(Error::MalformedResponse)?;
        value = value.wrapping_shl(4) | digit;
    }
    Ok(value)
}

/// Decodes the contents of a JSON string (between the quotes, RFC 8259
/// section 7) and hands each character to `sink`. Raw control characters,
/// unknown escapes and unpaired surrogates are [`Error::MalformedResponse`].
fn decode_json_string(raw: &str, sink: &mut dyn FnMut(char)) -> Result<()> {
    let malformed = Error::MalformedResponse;
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        let decoded = match c {
            '\\' => match chars.next().ok_or(malformed)? {
                '"' => '"',
                '\\' => '\\',
                '/' => '/',
                'b' => '\u{8}',
                'f' => '\u{c}',
                'n' => '\n',
                'r' => '\r',
                't' => '\t',
                'u' => match hex4(&mut chars)? {
                    high @ 0xd800..=0xdbff => {
                        if chars.next() != Some('\\') || chars.next() != Some('u') {
                            return Err(malformed);
                        }
                        let low = hex4(&mut chars)?;
                        if !(0xdc00..=0xdfff).contains(&low) {
                            return Err(malformed);
                        }
                        let code = 0x10000u32
                            .wrapping_add((high & 0x3ff).wrapping_shl(10))
                            .wrapping_add(low & 0x3ff);
                        char::from_u32(code).ok_or(malformed)?
                    }
                    code => char::from_u32(code).ok_or(malformed)?,
                },
                _ => return Err(malformed),
            },
            c if c < '\u{20}' => return Err(malformed),
            c => c,
        };
        sink(decoded);
    }
    Ok(())
}

/// A string from a JSON response, as it appears between the quotes (escapes
/// kept), borrowed from the response and already checked to decode.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct JsonText<'a>(&'a str);

impl<'a> JsonText<'a> {
    fn new(raw: &'a str) -> Result<Self> {
        decode_json_string(raw, &mut |_| {})?;
        Ok(JsonText(raw))
    }

    /// Takes `raw`, the text between the quotes of a JSON string (escapes
    /// kept), e.g. a [`raw`](Self::raw) view handed back by C code. Raw
    /// control characters, unknown escapes and unpaired surrogates are
    /// [`Error::MalformedResponse`].
    ///
    /// ```
    /// use m800_sign::push::JsonText;
    /// let text = JsonText::from_raw(r"a\u00e9\n")?;
    /// assert_eq!(text.unescape(&mut [0u8; 8])?, "a\u{e9}\n");
    /// assert!(JsonText::from_raw(r"\x").is_err());
    /// # Ok::<(), m800_sign::Error>(())
    /// ```
    pub fn from_raw(raw: &'a str) -> Result<Self> {
        Self::new(raw)
    }

    /// The text as it appears in the JSON, escapes kept.
    pub fn raw(&self) -> &'a str {
        self.0
    }

    /// The text itself when it holds no escape (the usual case), without copying.
    pub fn as_plain(&self) -> Option<&'a str> {
        (!self.0.contains('\\')).then_some(self.0)
    }

    /// Writes the decoded text into `buf` (never longer than [`raw`](Self::raw)).
    ///
    /// Fails only with [`Error::BufferTooSmall`] and the size that fits.
    pub fn unescape<'b>(&self, buf: &'b mut [u8]) -> Result<&'b str> {
        let mut w = Writer::new(buf);
        decode_json_string(self.0, &mut |c| {
            w.push_str(c.encode_utf8(&mut [0u8; 4]));
        })?;
        w.finish_str()
    }
}

/// Shows the decoded text.
impl fmt::Display for JsonText<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut result = Ok(());
        let decoded = decode_json_string(self.0, &mut |c| {
            if result.is_ok() {
                result = fmt::Write::write_char(f, c);
            }
        });
        match decoded {
            Ok(()) => result,
            Err(_) => Err(fmt::Error),
        }
    }
}

impl fmt::Debug for JsonText<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("\"")?;
        f.write_str(self.0)?;
        f.write_str("\"")
    }
}

// ---------------------------------------------------------------------------
// The body

/// Checks a sender: either empty (written as `""`, as the `push_body` vectors
/// pin), or `user@carrier` with exactly one `@`, both sides non-empty, and no
/// control character.
pub fn check_sender(sender: &str) -> Result<()> {
    let mut check = SenderCheck::default();
    sender.chars().for_each(|c| check.feed(c));
    check.finish()
}

/// [`check_sender`] fed one character at a time (also from a JSON decoder).
#[derive(Default)]
struct SenderCheck {
    /// Characters before the first `@`, `@`s, characters after the first `@`.
    user: usize,
    ats: usize,
    carrier: usize,
    control: bool,
}

impl SenderCheck {
    fn feed(&mut self, c: char) {
        self.control |= c.is_control();
        match (c, self.ats) {
            ('@', _) => self.ats = self.ats.saturating_add(1),
            (_, 0) => self.user = self.user.saturating_add(1),
            _ => self.carrier = self.carrier.saturating_add(1),
        }
    }

    fn finish(&self) -> Result<()> {
        match (self.control, self.user, self.ats, self.carrier) {
            (false, 0, 0, 0) | (false, 1.., 1, 1..) => Ok(()),
            _ => Err(Error::InvalidSender),
        }
    }
}

/// The body's layout: keys `appMessage`, `push`, `sender` in that order,
/// absent ones omitted, no whitespace.
fn feed_body(
    app_message: &str,
    push_content: Option<&str>,
    sender: Option<&str>,
    sink: &mut dyn FnMut(&str),
) {
    sink(r#"{"appMessage":{"content":"#);
    feed_json_string(app_message, sink);
    sink("}");
    if let Some(content) = push_content {
        sink(r#","push":{"content":"#);
        feed_json_string(content, sink);
        sink("}");
    }
    if let Some(sender) = sender {
        sink(r#","sender":"#);
        feed_json_string(sender, sink);
    }
    sink("}");
}

/// Writes the push body into `buf`:
/// `{"appMessage":{"content":…},"push":{"content":…},"sender":…}` with the
/// optional members omitted when `None`.
///
/// Errors: [`Error::InvalidSender`] (see [`check_sender`]) and
/// [`Error::BufferTooSmall`] with the size that fits.
pub fn write_body<'b>(
    app_message: &str,
    push_content: Option<&str>,
    sender: Option<&str>,
    buf: &'b mut [u8],
) -> Result<&'b str> {
    if let Some(sender) = sender {
        check_sender(sender)?;
    }
    let mut w = Writer::new(buf);
    feed_body(app_message, push_content, sender, &mut |piece| {
        w.push_str(piece);
    });
    w.finish_str()
}

// ---------------------------------------------------------------------------
// The whole request

/// Checks a `Host` value: a non-empty RFC 3986 authority without userinfo —
/// ASCII letters, digits, `-._~`, sub-delims, `:`, `[`, `]` and `%`.
pub fn check_host(host: &str) -> Result<()> {
    let ok = !host.is_empty()
        && host
            .bytes()
            .all(|c| is_uri_literal(c) || matches!(c, b'[' | b']' | b'%'));
    if ok {
        Ok(())
    } else {
        Err(Error::InvalidHost)
    }
}

/// Decimal digits of `n` into `buf`, returning them.
fn decimal(mut n: usize, buf: &mut [u8; 20]) -> &str {
    let mut start = buf.len();
    for slot in buf.iter_mut().rev() {
        *slot = b'0'.wrapping_add(u8::try_from(n % 10).unwrap_or(0));
        start = start.saturating_sub(1);
        n /= 10;
        if n == 0 {
            break;
        }
    }
    core::str::from_utf8(buf.get(start..).unwrap_or_default()).unwrap_or_default()
}

/// A push: the recipient and the message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Push<'a> {
    /// The receiver's user name (non-empty, no control character).
    pub username: &'a str,
    /// The receiver's carrier / domain (non-empty, no control character).
    pub carrier: &'a str,
    /// `appMessage.content`: the text for the in-app channel.
    pub app_message: &'a str,
    /// `push.content`: the text for the push channel, if any.
    pub push_content: Option<&'a str>,
    /// `sender`, if any: `user@carrier` (see [`check_sender`]).
    pub sender: Option<&'a str>,
}

impl<'a> Push<'a> {
    /// [`write_uri`] for this push's recipient.
    pub fn write_uri<'b>(&self, buf: &'b mut [u8]) -> Result<&'b str> {
        write_uri(self.username, self.carrier, buf)
    }

    /// [`write_body`] for this push's message.
    pub fn write_body<'b>(&self, buf: &'b mut [u8]) -> Result<&'b str> {
        write_body(self.app_message, self.push_content, self.sender, buf)
    }

    /// Signs the push with `signer` as sent at `unix_time` with `nonce`, and
    /// writes the complete HTTP/1.1 request into `buf`: the request line,
    /// `Host`, `Content-Type: application/json`, `Content-Length`,
    /// `Content-MD5`, `X-M-Date`, `Authorization`, the empty line, and the body.
    ///
    /// The result is ready for a (TLS) socket as it is. Every input is checked
    /// first (recipient, sender, `host` with [`check_host`], nonce, time); when
    /// the request does not fit, [`Error::BufferTooSmall`] carries its full
    /// size. Uses [`URI_MAX`] bytes of stack for the URI.
    pub fn write_request<'b>(
        &self,
        signer: &Signer,
        host: &str,
        unix_time: u64,
        nonce: &str,
        buf: &'b mut [u8],
    ) -> Result<SignedPush<'b>> {
        check_host(host)?;
        if let Some(sender) = self.sender {
            check_sender(sender)?;
        }
        let mut uri_buf = [0u8; URI_MAX];
        let uri = self.write_uri(&mut uri_buf)?;

        let mut md5 = Md5Stream::new();
        let mut body_len = 0usize;
        feed_body(
            self.app_message,
            self.push_content,
            self.sender,
            &mut |piece| {
                md5.update(piece.as_bytes());
                body_len = body_len.saturating_add(piece.len());
            },
        );
        let request = Request {
            method: METHOD,
            uri,
            content_type: CONTENT_TYPE,
            body: Body::Digest(md5.finish()),
        };
        let headers = signer.sign_request(&request, unix_time, nonce)?;

        let mut digits = [0u8; 20];
        let content_length = decimal(body_len, &mut digits);
        let mut w = Writer::new(buf);
        let mut head_len = 0usize;
        let mut put = |piece: &str| {
            w.push_str(piece);
            head_len = head_len.saturating_add(piece.len());
        };
        for piece in [METHOD, " ", uri, " HTTP/1.1\r\nHost: ", host] {
            put(piece);
        }
        put("\r\nContent-Type: ");
        put(CONTENT_TYPE);
        put("\r\nContent-Length: ");
        put(content_length);
        if !headers.content_md5().is_empty() {
            put("\r\nContent-MD5: ");
            put(headers.content_md5());
        }
        put("\r\nX-M-Date: ");
        put(headers.x_m_date());
        put("\r\nAuthorization: ");
        put(headers.authorization());
        put("\r\n\r\n");
        feed_body(
            self.app_message,
            self.push_content,
            self.sender,
            &mut |piece| w.push_str(piece),
        );
        let text = w.finish_str()?;
        Ok(SignedPush {
            text,
            head_len,
            headers,
        })
    }
}

/// A signed push request written by [`Push::write_request`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignedPush<'b> {
    text: &'b str,
    head_len: usize,
    headers: SignedHeaders,
}

impl<'b> SignedPush<'b> {
    /// The whole request, head and body: the bytes for the socket.
    pub fn as_bytes(&self) -> &'b [u8] {
        self.text.as_bytes()
    }

    /// The whole request as text (it is UTF-8).
    pub fn as_str(&self) -> &'b str {
        self.text
    }

    /// The head: request line and headers, up to and including the empty line.
    pub fn head(&self) -> &'b str {
        self.text.get(..self.head_len).unwrap_or_default()
    }

    /// The JSON body.
    pub fn body(&self) -> &'b str {
        self.text.get(self.head_len..).unwrap_or_default()
    }

    /// The signed header values, e.g. for logging the nonce.
    pub fn headers(&self) -> &SignedHeaders {
        &self.headers
    }
}

// ---------------------------------------------------------------------------
// The response

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

mod wire {
    //! The two documented shapes, for `serde-json-core`.
    use serde::{Deserialize, Deserializer};
    use serde_json_core::str::EscapedStr;

    /// A member that may be absent but, when present, is never `null`.
    pub(super) struct Present<T>(pub(super) Option<T>);

    impl<T> Default for Present<T> {
        fn default() -> Self {
            Present(None)
        }
    }

    impl<'de, T: Deserialize<'de>> Deserialize<'de> for Present<T> {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            T::deserialize(d).map(|v| Present(Some(v)))
        }
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub(super) struct Reply<'a> {
        #[serde(rename = "requestId", borrow, default)]
        pub(super) request_id: Present<EscapedStr<'a>>,
        #[serde(borrow, default)]
        pub(super) error: Present<ErrorObject<'a>>,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub(super) struct PushBody<'a> {
        #[serde(rename = "appMessage", borrow)]
        pub(super) app_message: Content<'a>,
        #[serde(borrow, default)]
        pub(super) push: Present<Content<'a>>,
        #[serde(borrow, default)]
        pub(super) sender: Present<EscapedStr<'a>>,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub(super) struct Content<'a> {
        #[serde(borrow)]
        pub(super) content: EscapedStr<'a>,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub(super) struct ErrorObject<'a> {
        pub(super) status: u16,
        pub(super) code: i64,
        #[serde(borrow)]
        pub(super) message: EscapedStr<'a>,
    }
}

/// Parses a push response body: `{"requestId": "..."}` or
/// `{"error": {"status": N, "code": N, "message": "..."}}`.
///
/// Whitespace between tokens is allowed; anything else — unknown or
/// duplicated members, both or neither of `requestId` and `error`, `null`,
/// wrong types, a status outside 100..=599, invalid escapes or UTF-8, trailing
/// bytes — is [`Error::MalformedResponse`]. The strings stay in `body`.
pub fn parse_response(body: &[u8]) -> Result<Response<'_>> {
    let malformed = Error::MalformedResponse;
    let (reply, _) = serde_json_core::from_slice::<wire::Reply<'_>>(body).map_err(|_| malformed)?;
    match (reply.request_id.0, reply.error.0) {
        (Some(id), None) => Ok(Response::Accepted {
            request_id: JsonText::new(id.0)?,
        }),
        (None, Some(e)) if (100..=599).contains(&e.status) => Ok(Response::Failed(ApiError {
            status: e.status,
            code: e.code,
            message: JsonText::new(e.message.0)?,
        })),
        _ => Err(malformed),
    }
}

// ---------------------------------------------------------------------------
// The body, as a server receives it

/// A push body as received, e.g. by a stand-in for the push endpoint.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReceivedBody<'a> {
    /// `appMessage.content`.
    pub app_message: JsonText<'a>,
    /// `push.content`, when present.
    pub push_content: Option<JsonText<'a>>,
    /// `sender`, when present (checked with [`check_sender`]).
    pub sender: Option<JsonText<'a>>,
}

/// Parses a push body: the object [`write_body`] writes, with whitespace
/// allowed between tokens and the members in any order.
///
/// Anything else — a missing `appMessage`, unknown or duplicated members,
/// `null`, wrong types, invalid escapes or UTF-8, trailing bytes — is
/// [`Error::MalformedPushBody`]; a sender not of the form `user@carrier` is
/// [`Error::InvalidSender`].
pub fn parse_body(body: &[u8]) -> Result<ReceivedBody<'_>> {
    let malformed = Error::MalformedPushBody;
    let (raw, _) =
        serde_json_core::from_slice::<wire::PushBody<'_>>(body).map_err(|_| malformed)?;
    let app_message = JsonText::new(raw.app_message.content.0).map_err(|_| malformed)?;
    let push_content = match raw.push.0 {
        Some(push) => Some(JsonText::new(push.content.0).map_err(|_| malformed)?),
        None => None,
    };
    let sender = match raw.sender.0 {
        Some(sender) => Some(JsonText::new(sender.0).map_err(|_| malformed)?),
        None => None,
    };
    if let Some(sender) = sender {
        let mut check = SenderCheck::default();
        decode_json_string(sender.raw(), &mut |c| check.feed(c)).map_err(|_| malformed)?;
        check.finish()?;
    }
    Ok(ReceivedBody {
        app_message,
        push_content,
        sender,
    })
}
