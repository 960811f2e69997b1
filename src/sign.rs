//! What a signature covers and what it produces: the request parts
//! ([`Request`], [`Body`]) and the three header values ([`SignedHeaders`]).
//! [`Signer`](crate::Signer) signs one into the other.
#![forbid(unsafe_code)]

use crate::authorization::Authorization;
use crate::date::HttpDate;
use crate::digest::ContentMd5;
use crate::signature::Signature;

/// The body of a request, for its `Content-MD5`.
///
/// A body read in chunks need not be held whole: digest it with an
/// [`Md5Stream`](crate::Md5Stream) and sign the [`Body::Digest`].
///
/// ```
/// use m800_sign::{Body, Md5Stream, Request, Signer};
/// let signer = Signer::new("a-demo-key", b"a-demo-secret")?;
/// let mut md5 = Md5Stream::new();
/// for chunk in [&br#"{"appMessage":"#[..], br#"{"content":"ping"}}"#] {
///     md5.update(chunk);
/// }
/// let request = Request { method: "POST", uri: "/api/1.0/push/alice@m800.com", content_type: "application/json", body: Body::Digest(md5.finish()) };
/// let whole = Request { body: Body::Bytes(br#"{"appMessage":{"content":"ping"}}"#), ..request };
/// let (time, nonce) = (1764334800, "19aca559e0102468acf13579bde");
/// assert_eq!(signer.sign_request(&request, time, nonce)?, signer.sign_request(&whole, time, nonce)?);
/// # Ok::<(), m800_sign::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Body<'a> {
    /// No body: `Content-MD5` is empty.
    None,
    /// The exact body bytes (an empty slice is the same as [`Body::None`]).
    Bytes(&'a [u8]),
    /// A body already digested, e.g. by a finished [`Md5Stream`](crate::Md5Stream).
    Digest(ContentMd5),
}

impl Body<'_> {
    /// The `Content-MD5` value of this body.
    ///
    /// ```
    /// use m800_sign::{Body, ContentMd5};
    /// let body = Body::Bytes(br#"{"appMessage":{"content":"ping"}}"#);
    /// assert_eq!(body.content_md5().as_str(), "cb0e8ec5b4ee7678bce015b9755a0156");
    /// assert_eq!(Body::Bytes(b"").content_md5(), ContentMd5::NONE);
    /// assert_eq!(Body::None.content_md5().as_str(), "");
    /// ```
    pub fn content_md5(&self) -> ContentMd5 {
        match self {
            Body::None => ContentMd5::NONE,
            Body::Bytes(bytes) => ContentMd5::of(bytes),
            Body::Digest(md5) => *md5,
        }
    }
}

/// The parts of an HTTP request that are signed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Request<'a> {
    /// The HTTP method as sent, e.g. `POST`.
    pub method: &'a str,
    /// The origin-form request target as sent: path and `?query`, already
    /// percent-encoded, e.g. `/api/1.0/push/alice@m800.com`.
    pub uri: &'a str,
    /// The `Content-Type` value verbatim (parameters included); empty for none.
    pub content_type: &'a str,
    /// The body.
    pub body: Body<'a>,
}

/// The three headers of a signed request, in fixed-capacity storage: what
/// [`Signer::sign_request`](crate::Signer::sign_request) returns.
#[derive(Clone, PartialEq, Eq)]
pub struct SignedHeaders {
    pub(crate) x_m_date: HttpDate,
    pub(crate) content_md5: ContentMd5,
    pub(crate) authorization: Authorization,
    pub(crate) signature: Signature,
}

impl SignedHeaders {
    /// Empty storage for [`Signer::sign_request_into`](crate::Signer::sign_request_into): every header reads as
    /// the empty string until a signature is written into it.
    ///
    /// ```
    /// use m800_sign::SignedHeaders;
    /// let headers = SignedHeaders::EMPTY;
    /// assert_eq!(headers.x_m_date(), "");
    /// assert_eq!(headers.authorization(), "");
    /// assert_eq!(headers, SignedHeaders::default());
    /// ```
    pub const EMPTY: SignedHeaders = SignedHeaders {
        x_m_date: HttpDate::UNSET,
        content_md5: ContentMd5::NONE,
        authorization: Authorization::EMPTY,
        signature: Signature::from_bytes([0; 32]),
    };

    /// The `X-M-Date` value.
    ///
    /// ```
    /// use m800_sign::{Body, Request, Signer};
    /// let signer = Signer::new("a-demo-key", b"a-demo-secret")?;
    /// let request = Request { method: "GET", uri: "/api/1.0/debug/echo", content_type: "", body: Body::None };
    /// let headers = signer.sign_request(&request, 1764334800, "19aca559e0102468acf13579bde")?;
    /// assert_eq!(headers.x_m_date(), "Fri, 28 Nov 2025 13:00:00 GMT");
    /// # Ok::<(), m800_sign::Error>(())
    /// ```
    pub fn x_m_date(&self) -> &str {
        self.x_m_date.as_str()
    }
    /// The `Content-MD5` value; empty when the request has no body (then the
    /// header is omitted).
    ///
    /// ```
    /// use m800_sign::{Body, Request, Signer};
    /// let signer = Signer::new("a-demo-key", b"a-demo-secret")?;
    /// let body = Body::Bytes(br#"{"appMessage":{"content":"ping"}}"#);
    /// let request = Request { method: "POST", uri: "/api/1.0/push/alice@m800.com", content_type: "application/json", body };
    /// let headers = signer.sign_request(&request, 1764334800, "19aca559e0102468acf13579bde")?;
    /// assert_eq!(headers.content_md5(), "cb0e8ec5b4ee7678bce015b9755a0156");
    /// # Ok::<(), m800_sign::Error>(())
    /// ```
    pub fn content_md5(&self) -> &str {
        self.content_md5.as_str()
    }
    /// The `Authorization` value.
    ///
    /// ```
    /// use m800_sign::{Body, Request, Signer};
    /// let signer = Signer::new("a-demo-key", b"a-demo-secret")?;
    /// let request = Request { method: "GET", uri: "/api/1.0/debug/echo", content_type: "", body: Body::None };
    /// let headers = signer.sign_request(&request, 1764334800, "19aca559e0102468acf13579bde")?;
    /// assert_eq!(
    ///     headers.authorization(),
    ///     "MAAIISDK10 key=\"a-demo-key\", nonce=\"19aca559e0102468acf13579bde\", \
    ///      signature=\"f8e57b37acf678465874ab7aa8c158e00a39d6c624ca8fc7e632cf048d6c2e28\""
    /// );
    /// # Ok::<(), m800_sign::Error>(())
    /// ```
    pub fn authorization(&self) -> &str {
        self.authorization.as_str()
    }
    /// The raw signature (the `Authorization` value holds it encoded in the
    /// signer's [`Encoding`](crate::Encoding)).
    ///
    /// ```
    /// use m800_sign::{Body, Request, Signer};
    /// let signer = Signer::new("a-demo-key", b"a-demo-secret")?;
    /// let request = Request { method: "GET", uri: "/api/1.0/debug/echo", content_type: "", body: Body::None };
    /// let headers = signer.sign_request(&request, 1764334800, "19aca559e0102468acf13579bde")?;
    /// assert_eq!(
    ///     headers.signature().to_base64().as_str(),
    ///     "+OV7N6z2eEZYdKt6qMFY4Ao51sYkyo/H5jLPBI1sLig="
    /// );
    /// # Ok::<(), m800_sign::Error>(())
    /// ```
    pub fn signature(&self) -> &Signature {
        &self.signature
    }
}

impl core::fmt::Debug for SignedHeaders {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("SignedHeaders")
            .field("x_m_date", &self.x_m_date())
            .field("content_md5", &self.content_md5())
            .field("authorization", &self.authorization())
            .finish()
    }
}

impl Default for SignedHeaders {
    fn default() -> Self {
        SignedHeaders::EMPTY
    }
}
