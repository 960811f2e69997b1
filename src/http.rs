//! A zero-copy parser of one raw HTTP/1.1 request as a server receives it
//! (request line, headers, body), for [`verify`](crate::verify).
//!
//! It is strict, because a lenient parser in front of a signature check is how
//! request smuggling starts. It rejects, each with its own [`Error`]:
//! - lines not ended by CRLF: a bare CR or LF ([`Error::HttpBareLineBreak`]);
//! - a request line other than `METHOD SP target SP HTTP/1.x`
//!   ([`Error::MalformedHttpRequestLine`], [`Error::UnsupportedHttpVersion`]);
//! - obsolete line folding ([`Error::HttpObsFold`]); header names that are not
//!   tokens (whitespace before the colon included), control characters (other
//!   than HTAB) or invalid UTF-8 in values ([`Error::MalformedHttpHeader`]);
//! - a second `Host`, `Content-Type`, `Content-Length`, `Transfer-Encoding`,
//!   `X-M-Date` or `Authorization` ([`Error::DuplicateHttpHeader`]);
//! - a `Host` value that is neither empty nor `host[:port]`
//!   ([`Error::InvalidHost`], by [`check_host`]),
//!   or an `HTTP/1.1` request without `Host` ([`Error::MissingHost`]; RFC
//!   9112 section 3.2: `HTTP/1.0` may omit it);
//! - any `Transfer-Encoding` ([`Error::UnsupportedTransferEncoding`]);
//! - a `Content-Length` that is not a plain decimal number
//!   ([`Error::InvalidContentLength`]);
//! - input that ends early ([`Error::IncompleteHttpRequest`]) or has bytes after
//!   the `Content-Length` body, or any body without `Content-Length`
//!   ([`Error::HttpBodyLengthMismatch`]).
//!
//! ```
//! use m800_sign::http::HttpRequest;
//!
//! let raw = b"POST /api/1.0/push/alice@m800.com HTTP/1.1\r\n\
//!     Host: api.example.com\r\n\
//!     content-type:  application/json \r\n\
//!     Content-Length: 2\r\n\
//!     \r\n\
//!     {}";
//! let request = HttpRequest::parse(raw)?;
//! assert_eq!(request.method(), "POST");
//! assert_eq!(request.target(), "/api/1.0/push/alice@m800.com");
//! assert_eq!(request.header("Content-Type"), Some("application/json"));
//! assert_eq!(request.body(), b"{}");
//! let received = request.to_received();
//! assert_eq!(received.x_m_date, None);
//! # Ok::<(), m800_sign::Error>(())
//! ```
#![forbid(unsafe_code)]

pub use crate::rfc3986::check_host;
use crate::sign::{Body, Request};
use crate::text::is_tchar;
use crate::verify::ReceivedRequest;
use crate::{Error, Result};

/// Headers that must appear at most once (compared case-insensitively).
const UNIQUE_HEADERS: [&str; 6] = [
    "host",
    "content-type",
    "content-length",
    "transfer-encoding",
    "x-m-date",
    "authorization",
];

/// The next CRLF-terminated line of `raw` from `pos`: the line without its
/// CRLF, and where the following line starts.
fn next_line(raw: &[u8], pos: usize) -> Result<(&[u8], usize)> {
    let rest = raw.get(pos..).unwrap_or_default();
    let Some(at) = rest.iter().position(|&c| c == b'\r' || c == b'\n') else {
        return Err(Error::IncompleteHttpRequest);
    };
    if rest.get(at) == Some(&b'\n') {
        return Err(Error::HttpBareLineBreak);
    }
    match rest.get(at.saturating_add(1)) {
        Some(b'\n') => Ok((
            rest.get(..at).unwrap_or_default(),
            pos.saturating_add(at).saturating_add(2),
        )),
        Some(_) => Err(Error::HttpBareLineBreak),
        None => Err(Error::IncompleteHttpRequest),
    }
}

// The splitting below works on bytes with `position` and `get`, never with
// `str`'s pattern searches: those link core's panicking index paths
// (`panic_bounds_check`, `slice_index_fail`) into a firmware image.

/// `text` around its first `sep` (an ASCII byte), or `None` without one.
fn split_at_byte(text: &str, sep: u8) -> Option<(&str, &str)> {
    let i = text.bytes().position(|c| c == sep)?;
    Some((text.get(..i)?, text.get(i.saturating_add(1)..)?))
}

/// Trims optional whitespace (SP, HTAB) from both ends.
fn trim_ows(value: &str) -> &str {
    let bytes = value.as_bytes();
    let ows = |c: &u8| *c == b' ' || *c == b'\t';
    let start = bytes.iter().position(|c| !ows(c)).unwrap_or(bytes.len());
    let end = bytes
        .iter()
        .rposition(|c| !ows(c))
        .map_or(start, |i| i.saturating_add(1));
    value.get(start..end).unwrap_or_default()
}

/// Splits a checked header line into its name and its OWS-trimmed value.
fn split_header(line: &str) -> (&str, &str) {
    match split_at_byte(line, b':') {
        Some((name, value)) => (name, trim_ows(value)),
        None => (line, ""),
    }
}

/// Checks one header line and returns it as text.
fn check_header_line(line: &[u8]) -> Result<&str> {
    if matches!(line.first(), Some(b' ' | b'\t')) {
        return Err(Error::HttpObsFold);
    }
    let colon = line
        .iter()
        .position(|&c| c == b':')
        .ok_or(Error::MalformedHttpHeader)?;
    let name = line.get(..colon).unwrap_or_default();
    let value = line.get(colon..).unwrap_or_default();
    let value_ok = value
        .iter()
        .all(|&c| c == b'\t' || (c >= 0x20 && c != 0x7f));
    if name.is_empty() || !name.iter().copied().all(is_tchar) || !value_ok {
        return Err(Error::MalformedHttpHeader);
    }
    core::str::from_utf8(line).map_err(|_| Error::MalformedHttpHeader)
}

/// Parses a `Content-Length` value: 1*DIGIT, fitting a `usize`.
fn parse_content_length(value: &str) -> Result<usize> {
    if value.is_empty() {
        return Err(Error::InvalidContentLength);
    }
    value.bytes().try_fold(0usize, |n, c| {
        let digit = match c {
            b'0'..=b'9' => usize::from(c.wrapping_sub(b'0')),
            _ => return Err(Error::InvalidContentLength),
        };
        n.checked_mul(10)
            .and_then(|n| n.checked_add(digit))
            .ok_or(Error::InvalidContentLength)
    })
}

/// Checks the request line and splits it into method, target and version.
fn parse_request_line(line: &[u8]) -> Result<(&str, &str, &str)> {
    let malformed = Error::MalformedHttpRequestLine;
    let text = core::str::from_utf8(line).map_err(|_| malformed)?;
    // Exactly three parts, split at single spaces.
    let (method, rest) = split_at_byte(text, b' ').ok_or(malformed)?;
    let (target, version) = split_at_byte(rest, b' ').ok_or(malformed)?;
    if version.bytes().any(|c| c == b' ') {
        return Err(malformed);
    }
    if method.is_empty() || !method.bytes().all(is_tchar) {
        return Err(malformed);
    }
    if target.is_empty() || !target.bytes().all(|c| c.is_ascii_graphic()) {
        return Err(malformed);
    }
    match version.as_bytes() {
        b"HTTP/1.1" | b"HTTP/1.0" => Ok((method, target, version)),
        [b'H', b'T', b'T', b'P', b'/', major, b'.', minor]
            if major.is_ascii_digit() && minor.is_ascii_digit() =>
        {
            Err(Error::UnsupportedHttpVersion)
        }
        _ => Err(malformed),
    }
}

/// One HTTP/1.1 (or HTTP/1.0) request, borrowed from the bytes it was parsed
/// from by [`HttpRequest::parse`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HttpRequest<'a> {
    method: &'a str,
    target: &'a str,
    version: &'a str,
    /// The header lines, each ended by CRLF (checked).
    headers: &'a str,
    body: &'a [u8],
}

/// A checked head: the request line and header lines up to the empty line.
struct Head<'a> {
    method: &'a str,
    target: &'a str,
    version: &'a str,
    headers: &'a str,
    /// Where the body starts (after the empty line).
    body_start: usize,
    /// The whole request's length: `body_start` + `Content-Length` (0 when
    /// absent).
    length: usize,
}

impl<'a> Head<'a> {
    /// Checks the head at the start of `raw` (every rule of the [module
    /// documentation](self) but the body's); `raw` may hold any part of the
    /// body after it. [`Error::IncompleteHttpRequest`] when the head is cut;
    /// a `Content-Length` that takes the request past `usize::MAX` is
    /// [`Error::InvalidContentLength`].
    fn parse(raw: &'a [u8]) -> Result<Head<'a>> {
        let (line, headers_start) = next_line(raw, 0)?;
        let (method, target, version) = parse_request_line(line)?;

        let mut seen = [false; UNIQUE_HEADERS.len()];
        let mut content_length = None;
        let mut has_host = false;
        let mut pos = headers_start;
        loop {
            let (line, next) = next_line(raw, pos)?;
            if line.is_empty() {
                break;
            }
            let (name, value) = split_header(check_header_line(line)?);
            if let Some(i) = UNIQUE_HEADERS
                .iter()
                .position(|u| u.eq_ignore_ascii_case(name))
            {
                match seen.get_mut(i) {
                    Some(true) => return Err(Error::DuplicateHttpHeader),
                    Some(slot) => *slot = true,
                    None => {}
                }
            }
            if name.eq_ignore_ascii_case("transfer-encoding") {
                return Err(Error::UnsupportedTransferEncoding);
            }
            if name.eq_ignore_ascii_case("content-length") {
                content_length = Some(parse_content_length(value)?);
            }
            if name.eq_ignore_ascii_case("host") {
                has_host = true;
                // RFC 9112 section 3.2; empty is allowed (RFC 9110 section 7.2).
                if !value.is_empty() {
                    check_host(value)?;
                }
            }
            pos = next;
        }
        // RFC 9112 section 3.2: an HTTP/1.1 request must carry a Host
        // (HTTP/1.0 predates it).
        if version == "HTTP/1.1" && !has_host {
            return Err(Error::MissingHost);
        }
        let headers = raw
            .get(headers_start..pos)
            .and_then(|h| core::str::from_utf8(h).ok())
            .ok_or(Error::MalformedHttpHeader)?;
        let body_start = pos.saturating_add(2);
        let length = body_start
            .checked_add(content_length.unwrap_or(0))
            .ok_or(Error::InvalidContentLength)?;
        Ok(Head {
            method,
            target,
            version,
            headers,
            body_start,
            length,
        })
    }
}

impl<'a> HttpRequest<'a> {
    /// Parses exactly one complete request: `raw` must end where the body ends
    /// (see the [module documentation](self) for every rule and error).
    ///
    /// ```
    /// use m800_sign::{http::HttpRequest, Error};
    /// let request = HttpRequest::parse(b"GET /health HTTP/1.1\r\nHost: api.example.com\r\n\r\n")?;
    /// assert_eq!(request.target(), "/health");
    /// assert_eq!(HttpRequest::parse(b"GET /health HTTP/1.1\r\n\r\n"), Err(Error::MissingHost));
    /// assert_eq!(HttpRequest::parse(b"GET /health HTTP/1.1\nHost: h\n\n"), Err(Error::HttpBareLineBreak));
    /// # Ok::<(), m800_sign::Error>(())
    /// ```
    pub fn parse(raw: &'a [u8]) -> Result<HttpRequest<'a>> {
        let head = Head::parse(raw)?;
        if raw.len() < head.length {
            return Err(Error::IncompleteHttpRequest);
        }
        if raw.len() > head.length {
            return Err(Error::HttpBodyLengthMismatch);
        }
        let body = raw.get(head.body_start..).unwrap_or_default();
        Ok(HttpRequest {
            method: head.method,
            target: head.target,
            version: head.version,
            headers: head.headers,
            body,
        })
    }

    /// The length of the whole request that `raw` starts with (its head, the
    /// empty line and `Content-Length` body bytes), for a server reading it
    /// from a connection: `raw` needs to hold the head, not yet the body. The
    /// head is checked by the rules of [`parse`](Self::parse), with the same
    /// errors; [`Error::IncompleteHttpRequest`] while the head is cut.
    ///
    /// ```
    /// use m800_sign::http::HttpRequest;
    ///
    /// let head = b"POST /p HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhel";
    /// assert_eq!(HttpRequest::length(head), Ok(head.len() + 2));
    /// let bad = b"POST /p HTTP/1.1\r\nHost: h\r\nContent-Length: +5\r\n\r\n";
    /// assert_eq!(HttpRequest::length(bad), Err(m800_sign::Error::InvalidContentLength));
    /// ```
    pub fn length(raw: &[u8]) -> Result<usize> {
        Head::parse(raw).map(|head| head.length)
    }

    /// The method, e.g. `POST`.
    ///
    /// ```
    /// use m800_sign::http::HttpRequest;
    /// let request = HttpRequest::parse(b"GET /health?full=1 HTTP/1.1\r\nHost: api.example.com\r\n\r\n")?;
    /// assert_eq!(request.method(), "GET");
    /// # Ok::<(), m800_sign::Error>(())
    /// ```
    pub fn method(&self) -> &'a str {
        self.method
    }

    /// The request target (request URI) verbatim, e.g. `/api/1.0/push/alice@m800.com`.
    ///
    /// ```
    /// use m800_sign::http::HttpRequest;
    /// let request = HttpRequest::parse(b"GET /health?full=1 HTTP/1.1\r\nHost: api.example.com\r\n\r\n")?;
    /// assert_eq!(request.target(), "/health?full=1");
    /// # Ok::<(), m800_sign::Error>(())
    /// ```
    pub fn target(&self) -> &'a str {
        self.target
    }

    /// The HTTP version, `HTTP/1.1` or `HTTP/1.0`.
    ///
    /// ```
    /// use m800_sign::http::HttpRequest;
    /// let request = HttpRequest::parse(b"GET /health?full=1 HTTP/1.1\r\nHost: api.example.com\r\n\r\n")?;
    /// assert_eq!(request.version(), "HTTP/1.1");
    /// # Ok::<(), m800_sign::Error>(())
    /// ```
    pub fn version(&self) -> &'a str {
        self.version
    }

    /// The value of the first header named `name` (case-insensitive), with
    /// leading and trailing whitespace trimmed.
    ///
    /// ```
    /// use m800_sign::http::HttpRequest;
    /// let request = HttpRequest::parse(b"GET / HTTP/1.1\r\nHost: h\r\nX-M-Date:\t Fri, 28 Nov 2025 12:00:00 GMT \r\n\r\n")?;
    /// assert_eq!(request.header("x-m-date"), Some("Fri, 28 Nov 2025 12:00:00 GMT"));
    /// assert_eq!(request.header("Authorization"), None);
    /// # Ok::<(), m800_sign::Error>(())
    /// ```
    pub fn header(&self, name: &str) -> Option<&'a str> {
        self.headers()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
    }

    /// Every header as `(name, value)` in order, values trimmed.
    ///
    /// ```
    /// use m800_sign::http::HttpRequest;
    /// let request = HttpRequest::parse(b"GET / HTTP/1.1\r\nHost: h\r\nAccept:  */* \r\n\r\n")?;
    /// let mut headers = request.headers();
    /// assert_eq!(headers.next(), Some(("Host", "h")));
    /// assert_eq!(headers.next(), Some(("Accept", "*/*")));
    /// assert_eq!(headers.next(), None);
    /// # Ok::<(), m800_sign::Error>(())
    /// ```
    pub fn headers(&self) -> impl Iterator<Item = (&'a str, &'a str)> + 'a {
        // Every line ends with CRLF, and no CR or LF stands alone (checked).
        let mut rest = self.headers;
        core::iter::from_fn(move || {
            while !rest.is_empty() {
                let (line, after) = split_at_byte(rest, b'\n').unwrap_or((rest, ""));
                rest = after;
                let line = match line.as_bytes().last() {
                    Some(b'\r') => line.get(..line.len().saturating_sub(1)).unwrap_or(line),
                    _ => line,
                };
                if !line.is_empty() {
                    return Some(split_header(line));
                }
            }
            None
        })
    }

    /// The body: exactly `Content-Length` bytes (empty without it).
    ///
    /// ```
    /// use m800_sign::http::HttpRequest;
    /// let request = HttpRequest::parse(b"POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\n{}")?;
    /// assert_eq!(request.body(), b"{}");
    /// # Ok::<(), m800_sign::Error>(())
    /// ```
    pub fn body(&self) -> &'a [u8] {
        self.body
    }

    /// The request as the verifier takes it: `Content-Type` empty when absent,
    /// `X-M-Date` `None` when absent, `Authorization` empty when absent (which
    /// the verifier rejects as malformed).
    ///
    /// ```
    /// use m800_sign::{http::HttpRequest, verify::Verifier, Signer};
    /// let raw = b"POST /callback/delivery HTTP/1.1\r\nHost: dev.example.com\r\n\
    ///     Content-Type: application/json\r\nContent-Length: 40\r\n\
    ///     X-M-Date: Fri, 28 Nov 2025 12:00:00 GMT\r\n\
    ///     Authorization: MAAIISDK10 key=\"a-demo-key\", nonce=\"cb-0001\", \
    ///     signature=\"de728d2ba2b3b92dc5810b6d28d0bf9d919a118edae41ff42fec8fc648d6493e\"\r\n\
    ///     \r\n{\"requestId\":\"r-1\",\"status\":\"delivered\"}";
    /// let received = HttpRequest::parse(raw)?.to_received();
    /// let signer = Signer::new("a-demo-key", b"a-demo-secret")?;
    /// assert_eq!(Verifier::new(&signer).verify(&received, 1764331200, None)?.nonce(), "cb-0001");
    /// # Ok::<(), m800_sign::Error>(())
    /// ```
    pub fn to_received(&self) -> ReceivedRequest<'a> {
        ReceivedRequest {
            request: Request {
                method: self.method,
                uri: self.target,
                content_type: self.header("content-type").unwrap_or(""),
                body: Body::Bytes(self.body),
            },
            x_m_date: self.header("x-m-date"),
            authorization: self.header("authorization").unwrap_or(""),
        }
    }
}
