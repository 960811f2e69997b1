//! The string to sign (PROTOCOL.md section 2), and what each of its fields may hold.
//!
//! ```text
//! {METHOD}\n{REQUEST-URI}\n{CONTENT-MD5}\n{CONTENT-TYPE}\n{X-M-DATE}\n{NONCE}
//! ```
//!
//! Six fields joined by a single line feed, no trailing line feed; an empty field
//! keeps its line feed. This module is the only place that knows the layout: the
//! signer feeds the same pieces straight into the keyed MAC, and
//! [`CanonicalFields::write`] lays them out for people comparing strings.
#![forbid(unsafe_code)]

use crate::limits::{CONTENT_TYPE_MAX, METHOD_MAX, URI_MAX};
use crate::nonce::check_chars as check_nonce_chars;
use crate::text::{all_bytes, is_tchar, Writer};
use crate::{Error, Result};

/// Checks an HTTP method: 1..=[`METHOD_MAX`] `tchar`s (RFC 9110 token
/// characters). It is signed as given: case matters.
///
/// Errors: [`Error::EmptyMethod`], [`Error::MethodTooLong`], [`Error::InvalidMethod`].
///
/// ```
/// use m800_sign::{canonical::check_method, Error};
/// assert_eq!(check_method("POST"), Ok(()));
/// assert_eq!(check_method(""), Err(Error::EmptyMethod));
/// assert_eq!(check_method("PO ST"), Err(Error::InvalidMethod));
/// ```
pub fn check_method(method: &str) -> Result<()> {
    if method.is_empty() {
        return Err(Error::EmptyMethod);
    }
    if method.len() > METHOD_MAX {
        return Err(Error::MethodTooLong);
    }
    // Compact builds: the branch-free scan (smaller on a Cortex-M3 than the
    // early exit, which hosts keep).
    let tchars = if cfg!(m800_footprint = "compact") {
        all_bytes(method.as_bytes(), is_tchar)
    } else {
        method.bytes().all(is_tchar)
    };
    if !tchars {
        return Err(Error::InvalidMethod);
    }
    Ok(())
}

/// Checks a request URI: origin-form (`/` then visible ASCII, no `#`), at most
/// [`URI_MAX`] bytes. It is signed exactly as given: already percent-encoded.
///
/// Errors: [`Error::UriTooLong`], [`Error::InvalidUri`] (the empty string included).
///
/// ```
/// use m800_sign::{canonical::check_uri, Error};
/// assert_eq!(check_uri("/api/1.0/push/alice@m800.com?x=1"), Ok(()));
/// assert_eq!(check_uri("https://api.example.com/"), Err(Error::InvalidUri));
/// assert_eq!(check_uri("/a b"), Err(Error::InvalidUri));
/// assert_eq!(check_uri("/page#top"), Err(Error::InvalidUri));
/// ```
pub fn check_uri(uri: &str) -> Result<()> {
    if uri.len() > URI_MAX {
        return Err(Error::UriTooLong);
    }
    let bytes = uri.as_bytes();
    if bytes.first() != Some(&b'/') || !all_bytes(bytes, |c| c.is_ascii_graphic() & (c != b'#')) {
        return Err(Error::InvalidUri);
    }
    Ok(())
}

/// Checks a `Content-Type` value (empty means none): at most [`CONTENT_TYPE_MAX`]
/// bytes of printable ASCII (spaces allowed between parameters, not at either
/// end: an HTTP field value has none, RFC 9110 section 5.5, so the receiver
/// would sign the value without them).
///
/// Errors: [`Error::ContentTypeTooLong`], [`Error::InvalidContentType`].
///
/// ```
/// use m800_sign::{canonical::check_content_type, Error};
/// assert_eq!(check_content_type("application/json; charset=utf-8"), Ok(()));
/// assert_eq!(check_content_type(""), Ok(()));
/// assert_eq!(check_content_type(" application/json"), Err(Error::InvalidContentType));
/// ```
pub fn check_content_type(content_type: &str) -> Result<()> {
    if content_type.len() > CONTENT_TYPE_MAX {
        return Err(Error::ContentTypeTooLong);
    }
    let bytes = content_type.as_bytes();
    let outer_space = (bytes.first() == Some(&b' ')) | (bytes.last() == Some(&b' '));
    if outer_space || !all_bytes(bytes, |c| matches!(c, 0x20..=0x7e)) {
        return Err(Error::InvalidContentType);
    }
    Ok(())
}

/// The six fields of the string to sign, each checked.
///
/// Build it with [`CanonicalFields::new`]; the fields are read-only afterwards.
/// [`Signer::sign_fields`](crate::Signer::sign_fields) signs it, and
/// [`write`](CanonicalFields::write) lays it out as text.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct CanonicalFields<'a> {
    method: &'a str,
    uri: &'a str,
    // `Content-MD5` and `X-M-Date` as bytes (ASCII, checked): the signing path
    // takes them from `ContentMd5` and `HttpDate` without a UTF-8 check.
    content_md5: &'a [u8],
    content_type: &'a str,
    x_m_date: &'a [u8],
    nonce: &'a str,
}

impl core::fmt::Debug for CanonicalFields<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("CanonicalFields")
            .field("method", &self.method)
            .field("uri", &self.uri)
            .field("content_md5", &self.content_md5())
            .field("content_type", &self.content_type)
            .field("x_m_date", &self.x_m_date())
            .field("nonce", &self.nonce)
            .finish()
    }
}

impl<'a> CanonicalFields<'a> {
    /// Checks each field and keeps them.
    ///
    /// `content_md5` and `x_m_date` are the header values verbatim (take them
    /// from [`ContentMd5`](crate::ContentMd5) and [`HttpDate`](crate::HttpDate)
    /// when signing). `content_md5` must be empty or 32 lower-case hex digits;
    /// `x_m_date` is not parsed as a date here (a verifier signs what it
    /// received), only checked to be at most 29 bytes of printable ASCII. The
    /// nonce may be empty here (the string to sign allows it; a header does not).
    ///
    /// Errors: [`Error::InvalidContentMd5`]; the method's, URI's and content
    /// type's (see [`check_method`], [`check_uri`], [`check_content_type`]);
    /// [`Error::InvalidDate`]; [`Error::NonceTooLong`], [`Error::InvalidNonce`].
    ///
    /// ```
    /// use m800_sign::{CanonicalFields, Error};
    /// let fields = CanonicalFields::new("GET", "/", "", "", "Fri, 28 Nov 2025 13:00:00 GMT", "n-1")?;
    /// assert_eq!(fields.uri(), "/");
    /// let upper_md5 = CanonicalFields::new("GET", "/", "CB0E8EC5B4EE7678BCE015B9755A0156", "", "", "");
    /// assert_eq!(upper_md5, Err(Error::InvalidContentMd5));
    /// # Ok::<(), m800_sign::Error>(())
    /// ```
    #[inline(always)]
    pub fn new(
        method: &'a str,
        uri: &'a str,
        content_md5: &'a str,
        content_type: &'a str,
        x_m_date: &'a str,
        nonce: &'a str,
    ) -> Result<Self> {
        crate::ContentMd5::from_hex(content_md5)?;
        Self::received(
            method,
            uri,
            content_md5.as_bytes(),
            content_type,
            x_m_date,
            nonce,
        )
    }

    /// As [`new`](Self::new), with a `Content-MD5` value already checked (or
    /// computed: a verifier's MD5 of the body it received).
    #[inline(always)]
    pub(crate) fn received(
        method: &'a str,
        uri: &'a str,
        content_md5: &'a [u8],
        content_type: &'a str,
        x_m_date: &'a str,
        nonce: &'a str,
    ) -> Result<Self> {
        check_method(method)?;
        check_uri(uri)?;
        check_content_type(content_type)?;
        if x_m_date.len() > crate::limits::X_M_DATE_LEN
            || !all_bytes(x_m_date.as_bytes(), |c| matches!(c, 0x20..=0x7e))
        {
            return Err(Error::InvalidDate);
        }
        check_nonce_chars(nonce)?;
        Ok(CanonicalFields {
            method,
            uri,
            content_md5,
            content_type,
            x_m_date: x_m_date.as_bytes(),
            nonce,
        })
    }

    /// The signing path's constructor: the `Content-MD5` and `X-M-Date` values
    /// come typed (so they are well-formed by construction) and the nonce was
    /// already checked with [`nonce::check`](crate::nonce::check); only the
    /// caller's method, URI and content type are checked here. Every input is
    /// checked exactly once per signature.
    pub(crate) fn for_signing(
        method: &'a str,
        uri: &'a str,
        content_md5: &'a crate::ContentMd5,
        content_type: &'a str,
        x_m_date: &'a crate::HttpDate,
        checked_nonce: &'a str,
    ) -> Result<Self> {
        check_method(method)?;
        check_uri(uri)?;
        check_content_type(content_type)?;
        Ok(CanonicalFields {
            method,
            uri,
            content_md5: content_md5.as_bytes(),
            content_type,
            x_m_date: x_m_date.as_bytes(),
            nonce: checked_nonce,
        })
    }

    /// Hands the string to sign to `sink` piece by piece, in order: each field
    /// and each line feed between them. This is the one definition of the layout.
    ///
    /// ```
    /// use m800_sign::CanonicalFields;
    /// let fields = CanonicalFields::new(
    ///     "POST", "/api/1.0/push/alice@m800.com", "cb0e8ec5b4ee7678bce015b9755a0156",
    ///     "application/json", "Fri, 28 Nov 2025 13:00:00 GMT", "19aca559e0102468acf13579bde")?;
    /// let mut md5 = m800_sign::Md5Stream::new();
    /// let mut pieces = 0;
    /// fields.feed(|piece| { md5.update(piece); pieces += 1; });
    /// assert_eq!(pieces, 11);
    /// assert_eq!(md5.finish(), m800_sign::ContentMd5::of(fields.write(&mut [0; 256])?.as_bytes()));
    /// # Ok::<(), m800_sign::Error>(())
    /// ```
    pub fn feed(&self, mut sink: impl FnMut(&[u8])) {
        sink(self.method.as_bytes());
        sink(b"\n");
        sink(self.uri.as_bytes());
        sink(b"\n");
        sink(self.content_md5);
        sink(b"\n");
        sink(self.content_type.as_bytes());
        sink(b"\n");
        sink(self.x_m_date);
        sink(b"\n");
        sink(self.nonce.as_bytes());
    }

    /// Length of the string to sign, in bytes.
    ///
    /// ```
    /// use m800_sign::CanonicalFields;
    /// let fields = CanonicalFields::new(
    ///     "POST", "/api/1.0/push/alice@m800.com", "cb0e8ec5b4ee7678bce015b9755a0156",
    ///     "application/json", "Fri, 28 Nov 2025 13:00:00 GMT", "19aca559e0102468acf13579bde")?;
    /// assert_eq!(fields.len(), 141);
    /// # Ok::<(), m800_sign::Error>(())
    /// ```
    pub fn len(&self) -> usize {
        let mut len = 0usize;
        self.feed(|piece| len = len.saturating_add(piece.len()));
        len
    }

    /// Always false: the string to sign holds at least five line feeds.
    ///
    /// ```
    /// let fields = m800_sign::CanonicalFields::new("GET", "/", "", "", "", "")?;
    /// assert!(!fields.is_empty());
    /// assert_eq!(fields.len(), 9);
    /// # Ok::<(), m800_sign::Error>(())
    /// ```
    pub fn is_empty(&self) -> bool {
        false
    }

    /// Writes the string to sign into `buf` and returns it.
    ///
    /// Fails with [`Error::BufferTooSmall`] (and writes nothing usable) when it
    /// does not fit; at most [`STRING_TO_SIGN_MAX`](crate::limits::STRING_TO_SIGN_MAX)
    /// bytes are ever needed.
    ///
    /// ```
    /// use m800_sign::{CanonicalFields, Error};
    /// let fields = CanonicalFields::new("GET", "/health", "", "", "Fri, 28 Nov 2025 13:00:00 GMT", "n-1")?;
    /// let mut buf = [0u8; 64];
    /// assert_eq!(fields.write(&mut buf)?, "GET\n/health\n\n\nFri, 28 Nov 2025 13:00:00 GMT\nn-1");
    /// assert_eq!(fields.write(&mut [0u8; 8]), Err(Error::BufferTooSmall { needed: 47 }));
    /// # Ok::<(), m800_sign::Error>(())
    /// ```
    pub fn write<'b>(&self, buf: &'b mut [u8]) -> Result<&'b str> {
        let mut w = Writer::new(buf);
        self.feed(|piece| w.push(piece));
        w.finish_str()
    }

    /// The method.
    ///
    /// ```
    /// use m800_sign::CanonicalFields;
    /// let fields = CanonicalFields::new(
    ///     "POST", "/api/1.0/push/alice@m800.com", "cb0e8ec5b4ee7678bce015b9755a0156",
    ///     "application/json", "Fri, 28 Nov 2025 13:00:00 GMT", "19aca559e0102468acf13579bde")?;
    /// assert_eq!(fields.method(), "POST");
    /// # Ok::<(), m800_sign::Error>(())
    /// ```
    pub fn method(&self) -> &'a str {
        self.method
    }
    /// The request URI.
    ///
    /// ```
    /// use m800_sign::CanonicalFields;
    /// let fields = CanonicalFields::new(
    ///     "POST", "/api/1.0/push/alice@m800.com", "cb0e8ec5b4ee7678bce015b9755a0156",
    ///     "application/json", "Fri, 28 Nov 2025 13:00:00 GMT", "19aca559e0102468acf13579bde")?;
    /// assert_eq!(fields.uri(), "/api/1.0/push/alice@m800.com");
    /// # Ok::<(), m800_sign::Error>(())
    /// ```
    pub fn uri(&self) -> &'a str {
        self.uri
    }
    /// The `Content-MD5` value (empty without a body).
    ///
    /// ```
    /// use m800_sign::CanonicalFields;
    /// let fields = CanonicalFields::new(
    ///     "POST", "/api/1.0/push/alice@m800.com", "cb0e8ec5b4ee7678bce015b9755a0156",
    ///     "application/json", "Fri, 28 Nov 2025 13:00:00 GMT", "19aca559e0102468acf13579bde")?;
    /// assert_eq!(fields.content_md5(), "cb0e8ec5b4ee7678bce015b9755a0156");
    /// # Ok::<(), m800_sign::Error>(())
    /// ```
    pub fn content_md5(&self) -> &'a str {
        // Checked ASCII (`new`) or a `ContentMd5`'s hex digits.
        core::str::from_utf8(self.content_md5).unwrap_or_default()
    }
    /// The `Content-Type` value (empty without one).
    ///
    /// ```
    /// use m800_sign::CanonicalFields;
    /// let fields = CanonicalFields::new(
    ///     "POST", "/api/1.0/push/alice@m800.com", "cb0e8ec5b4ee7678bce015b9755a0156",
    ///     "application/json", "Fri, 28 Nov 2025 13:00:00 GMT", "19aca559e0102468acf13579bde")?;
    /// assert_eq!(fields.content_type(), "application/json");
    /// # Ok::<(), m800_sign::Error>(())
    /// ```
    pub fn content_type(&self) -> &'a str {
        self.content_type
    }
    /// The `X-M-Date` value.
    ///
    /// ```
    /// use m800_sign::CanonicalFields;
    /// let fields = CanonicalFields::new(
    ///     "POST", "/api/1.0/push/alice@m800.com", "cb0e8ec5b4ee7678bce015b9755a0156",
    ///     "application/json", "Fri, 28 Nov 2025 13:00:00 GMT", "19aca559e0102468acf13579bde")?;
    /// assert_eq!(fields.x_m_date(), "Fri, 28 Nov 2025 13:00:00 GMT");
    /// # Ok::<(), m800_sign::Error>(())
    /// ```
    pub fn x_m_date(&self) -> &'a str {
        // Checked printable ASCII (`new`) or an `HttpDate`'s.
        core::str::from_utf8(self.x_m_date).unwrap_or_default()
    }
    /// The nonce.
    ///
    /// ```
    /// use m800_sign::CanonicalFields;
    /// let fields = CanonicalFields::new(
    ///     "POST", "/api/1.0/push/alice@m800.com", "cb0e8ec5b4ee7678bce015b9755a0156",
    ///     "application/json", "Fri, 28 Nov 2025 13:00:00 GMT", "19aca559e0102468acf13579bde")?;
    /// assert_eq!(fields.nonce(), "19aca559e0102468acf13579bde");
    /// # Ok::<(), m800_sign::Error>(())
    /// ```
    pub fn nonce(&self) -> &'a str {
        self.nonce
    }
}
