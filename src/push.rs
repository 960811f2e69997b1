//! The push endpoint (PROTOCOL.md section 1): a [`Push`] becomes its request
//! URI ([`write_uri`]), its JSON body ([`write_body`]) and the complete signed
//! HTTP/1.1 request ([`Push::write_request`]); the API's answer is read with
//! [`parse_response`], and a push body as a server receives it with
//! [`parse_body`].
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

use crate::digest::Md5Stream;
use crate::limits::URI_MAX;
use crate::sign::{Body, Request, SignedHeaders};
use crate::signer::Signer;
use crate::text::Writer;
use crate::{Error, Result};
use json::{decode_json_string, feed_json_string};

/// The method of a push request.
pub const METHOD: &str = "POST";
/// The path of the push endpoint, before `{username}@{carrier}`.
pub const PATH_PREFIX: &str = "/api/1.0/push/";
/// The request's header lines around its `Content-Type` value, one constant:
/// 16-byte constants share one section of the archive that every firmware
/// image links whole, so neither the value nor its prefix is one.
const CONTENT_TYPE_LINES: &str = "\r\nContent-Type: application/json\r\nContent-Length: ";
/// The `Content-Type` of a push request: `application/json`.
pub const CONTENT_TYPE: &str = CONTENT_TYPE_LINES.split_at(16).1.split_at(16).0;

mod json;
mod response;
mod uri;
mod wire;

pub use json::{write_json_string, JsonString, JsonText};
pub use response::{parse_response, ApiError, Response};
pub use uri::write_uri;

// ---------------------------------------------------------------------------
// The body

/// Checks a sender: `user@carrier` with exactly one `@`, both sides non-empty,
/// and no control character. The empty string is an error (PROTOCOL.md
/// section 1: the guide allows a sender only as `username@carrierName`).
///
/// Fails with [`Error::InvalidSender`].
///
/// ```
/// use m800_sign::{push::check_sender, Error};
/// assert_eq!(check_sender("bob@m800.com"), Ok(()));
/// assert_eq!(check_sender("bob"), Err(Error::InvalidSender));
/// assert_eq!(check_sender("bob@m800@com"), Err(Error::InvalidSender));
/// ```
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
            (false, 1.., 1, 1..) => Ok(()),
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
///
/// ```
/// use m800_sign::{push, Error};
/// let mut buf = [0u8; 128];
/// let body = push::write_body("ping", Some("New message"), Some("bob@m800.com"), &mut buf)?;
/// assert_eq!(body, r#"{"appMessage":{"content":"ping"},"push":{"content":"New message"},"sender":"bob@m800.com"}"#);
/// assert_eq!(push::write_body("ping", None, None, &mut [0u8; 8]), Err(Error::BufferTooSmall { needed: 33 }));
/// # Ok::<(), m800_sign::Error>(())
/// ```
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

/// Checks a `Host` value (the rule is the HTTP parser's too).
pub use crate::rfc3986::check_host;

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
    ///
    /// ```
    /// use m800_sign::push::Push;
    /// let push = Push { username: "alice", carrier: "m800.com", app_message: "ping", push_content: None, sender: None };
    /// assert_eq!(push.write_uri(&mut [0u8; 64])?, "/api/1.0/push/alice@m800.com");
    /// # Ok::<(), m800_sign::Error>(())
    /// ```
    pub fn write_uri<'b>(&self, buf: &'b mut [u8]) -> Result<&'b str> {
        write_uri(self.username, self.carrier, buf)
    }

    /// [`write_body`] for this push's message.
    ///
    /// ```
    /// use m800_sign::push::Push;
    /// let push = Push { username: "alice", carrier: "m800.com", app_message: "ping", push_content: None, sender: None };
    /// assert_eq!(push.write_body(&mut [0u8; 64])?, r#"{"appMessage":{"content":"ping"}}"#);
    /// # Ok::<(), m800_sign::Error>(())
    /// ```
    pub fn write_body<'b>(&self, buf: &'b mut [u8]) -> Result<&'b str> {
        write_body(self.app_message, self.push_content, self.sender, buf)
    }

    /// Signs the push with `signer` as sent at `unix_time` with `nonce`, and
    /// writes the complete HTTP/1.1 request into `buf`: the request line,
    /// `Host`, `Content-Type: application/json`, `Content-Length`,
    /// `Content-MD5`, `X-M-Date`, `Authorization`, the empty line, and the body.
    ///
    /// The result is ready for a (TLS) socket as it is. Every input is checked
    /// first: `host` ([`Error::InvalidHost`], see [`check_host`]), the sender
    /// ([`Error::InvalidSender`]), the recipient (as [`write_uri`]), then the
    /// nonce and time (as [`Signer::sign_request`]). When the request does not
    /// fit, [`Error::BufferTooSmall`] carries its full size. Uses [`URI_MAX`]
    /// bytes of stack for the URI.
    ///
    /// ```
    /// use m800_sign::{push::Push, Error, Signer};
    /// let signer = Signer::new("a-demo-key", b"a-demo-secret")?;
    /// let push = Push { username: "alice", carrier: "m800.com", app_message: "ping", push_content: None, sender: None };
    /// let (time, nonce) = (1764334800, "19aca559e0102468acf13579bde");
    /// let mut buf = [0u8; 512];
    /// let needed = push.write_request(&signer, "api.example.com", time, nonce, &mut buf)?.as_bytes().len();
    /// assert_eq!(needed, 401);
    /// let short = push.write_request(&signer, "api.example.com", time, nonce, &mut [0u8; 64]).map(|_| ());
    /// assert_eq!(short, Err(Error::BufferTooSmall { needed }));
    /// assert_eq!(push.write_request(&signer, "a b", time, nonce, &mut buf), Err(Error::InvalidHost));
    /// # Ok::<(), m800_sign::Error>(())
    /// ```
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
        put(CONTENT_TYPE_LINES);
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
    ///
    /// ```
    /// use m800_sign::{push::Push, Signer};
    /// let signer = Signer::new("a-demo-key", b"a-demo-secret")?;
    /// let push = Push { username: "alice", carrier: "m800.com", app_message: "ping", push_content: None, sender: None };
    /// let mut buf = [0u8; 512];
    /// let request = push.write_request(&signer, "api.example.com", 1764334800, "19aca559e0102468acf13579bde", &mut buf)?;
    /// assert!(request.as_bytes().ends_with(b"\r\n\r\n{\"appMessage\":{\"content\":\"ping\"}}"));
    /// # Ok::<(), m800_sign::Error>(())
    /// ```
    pub fn as_bytes(&self) -> &'b [u8] {
        self.text.as_bytes()
    }

    /// The whole request as text (it is UTF-8).
    ///
    /// ```
    /// use m800_sign::{push::Push, Signer};
    /// let signer = Signer::new("a-demo-key", b"a-demo-secret")?;
    /// let push = Push { username: "alice", carrier: "m800.com", app_message: "ping", push_content: None, sender: None };
    /// let mut buf = [0u8; 512];
    /// let request = push.write_request(&signer, "api.example.com", 1764334800, "19aca559e0102468acf13579bde", &mut buf)?;
    /// assert_eq!(request.as_str(), format!("{}{}", request.head(), request.body()));
    /// # Ok::<(), m800_sign::Error>(())
    /// ```
    pub fn as_str(&self) -> &'b str {
        self.text
    }

    /// The head: request line and headers, up to and including the empty line.
    ///
    /// ```
    /// use m800_sign::{push::Push, Signer};
    /// let signer = Signer::new("a-demo-key", b"a-demo-secret")?;
    /// let push = Push { username: "alice", carrier: "m800.com", app_message: "ping", push_content: None, sender: None };
    /// let mut buf = [0u8; 512];
    /// let request = push.write_request(&signer, "api.example.com", 1764334800, "19aca559e0102468acf13579bde", &mut buf)?;
    /// assert_eq!(
    ///     request.head(),
    ///     "POST /api/1.0/push/alice@m800.com HTTP/1.1\r\nHost: api.example.com\r\n\
    ///      Content-Type: application/json\r\nContent-Length: 33\r\n\
    ///      Content-MD5: cb0e8ec5b4ee7678bce015b9755a0156\r\nX-M-Date: Fri, 28 Nov 2025 13:00:00 GMT\r\n\
    ///      Authorization: MAAIISDK10 key=\"a-demo-key\", nonce=\"19aca559e0102468acf13579bde\", \
    ///      signature=\"36440251e21c8679823798b73be96777c75e1ccd7075e59c1d4314036db1c7db\"\r\n\r\n"
    /// );
    /// # Ok::<(), m800_sign::Error>(())
    /// ```
    pub fn head(&self) -> &'b str {
        self.text.get(..self.head_len).unwrap_or_default()
    }

    /// The JSON body.
    ///
    /// ```
    /// use m800_sign::{push::Push, Signer};
    /// let signer = Signer::new("a-demo-key", b"a-demo-secret")?;
    /// let push = Push { username: "alice", carrier: "m800.com", app_message: "ping", push_content: None, sender: None };
    /// let mut buf = [0u8; 512];
    /// let request = push.write_request(&signer, "api.example.com", 1764334800, "19aca559e0102468acf13579bde", &mut buf)?;
    /// assert_eq!(request.body(), r#"{"appMessage":{"content":"ping"}}"#);
    /// # Ok::<(), m800_sign::Error>(())
    /// ```
    pub fn body(&self) -> &'b str {
        self.text.get(self.head_len..).unwrap_or_default()
    }

    /// The signed header values, e.g. for logging the nonce.
    ///
    /// ```
    /// use m800_sign::{push::Push, Signer};
    /// let signer = Signer::new("a-demo-key", b"a-demo-secret")?;
    /// let push = Push { username: "alice", carrier: "m800.com", app_message: "ping", push_content: None, sender: None };
    /// let mut buf = [0u8; 512];
    /// let request = push.write_request(&signer, "api.example.com", 1764334800, "19aca559e0102468acf13579bde", &mut buf)?;
    /// assert_eq!(request.headers().x_m_date(), "Fri, 28 Nov 2025 13:00:00 GMT");
    /// # Ok::<(), m800_sign::Error>(())
    /// ```
    pub fn headers(&self) -> &SignedHeaders {
        &self.headers
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
///
/// ```
/// use m800_sign::{push, Error};
/// let body = push::parse_body(br#"{ "sender": "bob@m800.com", "appMessage": {"content": "caf\u00e9"} }"#)?;
/// assert_eq!(body.app_message.raw(), r"caf\u00e9");
/// assert_eq!(body.sender.and_then(|s| s.as_plain()), Some("bob@m800.com"));
/// assert_eq!(body.push_content, None);
/// assert_eq!(push::parse_body(br#"{"push":{"content":"x"}}"#), Err(Error::MalformedPushBody));
/// # Ok::<(), m800_sign::Error>(())
/// ```
pub fn parse_body(body: &[u8]) -> Result<ReceivedBody<'_>> {
    let malformed = Error::MalformedPushBody;
    let raw = wire::push_body(body).ok_or(malformed)?;
    let app_message = JsonText::new(raw.app_message).map_err(|_| malformed)?;
    let push_content = match raw.push {
        Some(push) => Some(JsonText::new(push).map_err(|_| malformed)?),
        None => None,
    };
    let sender = match raw.sender {
        Some(sender) => Some(JsonText::new(sender).map_err(|_| malformed)?),
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

#[cfg(test)]
mod constant_tests {
    /// The value and the header lines it is cut from.
    #[test]
    fn content_type() {
        assert_eq!(super::CONTENT_TYPE, "application/json");
        assert_eq!(
            super::CONTENT_TYPE_LINES,
            "\r\nContent-Type: application/json\r\nContent-Length: "
        );
    }
}
