//! The signer: a developer key with its precomputed HMAC state, and every way
//! to sign with it (raw bytes, canonical fields, a whole request).
#![forbid(unsafe_code)]

use crate::canonical::CanonicalFields;
use crate::date::HttpDate;
use crate::digest::ContentMd5;
use crate::hmac::{HmacKey, MAC_BLOCKS};
use crate::limits::KEY_MAX;
use crate::sign::{Request, SignedHeaders};
use crate::signature::{Encoding, Signature};
use crate::text::is_header_safe;
use crate::{Error, Result};

/// Checks a developer key: 1..=[`KEY_MAX`] bytes of printable ASCII without `"` or `\`.
///
/// Errors: [`Error::EmptyKey`], [`Error::KeyTooLong`], [`Error::InvalidKey`].
///
/// ```
/// use m800_sign::{signer::check_key, Error};
/// assert_eq!(check_key("a-demo-key"), Ok(()));
/// assert_eq!(check_key(""), Err(Error::EmptyKey));
/// assert_eq!(check_key(&"k".repeat(129)), Err(Error::KeyTooLong));
/// assert_eq!(check_key("a \"quoted\" key"), Err(Error::InvalidKey));
/// ```
pub fn check_key(key: &str) -> Result<()> {
    if key.is_empty() {
        return Err(Error::EmptyKey);
    }
    if key.len() > KEY_MAX {
        return Err(Error::KeyTooLong);
    }
    if !crate::text::all_bytes(key.as_bytes(), is_header_safe) {
        return Err(Error::InvalidKey);
    }
    Ok(())
}

/// A developer key with its shared secret, ready to sign: the secret is turned
/// into the keyed HMAC state once, in [`Signer::new`], and not kept otherwise.
///
/// A `Signer` is immutable and `Send + Sync`; its key material is zeroized when
/// it is dropped. `Debug` shows the developer key only. It is also the
/// [`KeyStore`](crate::verify::KeyStore) of a verifier that knows one key.
///
/// ```
/// use m800_sign::{CanonicalFields, Signer};
/// let signer = Signer::new("a-demo-key", b"a-demo-secret")?;
/// let fields = CanonicalFields::new(
///     "POST", "/api/1.0/debug/echo", "2aa2f9b90fea8843a78e434dff26f6b6",
///     "application/json", "Thu, 12 Sep 2013 18:49:58 GMT", "123456789")?;
/// assert_eq!(
///     signer.sign_fields(&fields).to_hex().as_str(),
///     "d11ede54e2ffa83d58a42d90c3a39132f928a46b729c4b0621ad1c854dff618f");
/// # Ok::<(), m800_sign::Error>(())
/// ```
pub struct Signer {
    key: heapless::String<KEY_MAX>,
    mac: HmacKey,
    encoding: Encoding,
}

impl Signer {
    /// A signer for `key` (the developer key) and `secret` (its shared secret;
    /// any non-empty bytes), writing signatures in lower-case hex.
    ///
    /// Errors: those of [`check_key`] for the key, [`Error::EmptySecret`].
    ///
    /// ```
    /// use m800_sign::{Error, Signer};
    /// let signer = Signer::new("a-demo-key", b"a-demo-secret")?;
    /// assert_eq!(signer.key(), "a-demo-key");
    /// assert_eq!(Signer::new("a-demo-key", b"").unwrap_err(), Error::EmptySecret);
    /// assert_eq!(Signer::new("a demo\tkey", b"a-demo-secret").unwrap_err(), Error::InvalidKey);
    /// # Ok::<(), m800_sign::Error>(())
    /// ```
    pub fn new(key: &str, secret: &[u8]) -> Result<Signer> {
        check_key(key)?;
        if secret.is_empty() {
            return Err(Error::EmptySecret);
        }
        let mut stored = heapless::String::new();
        stored.push_str(key).map_err(|_| Error::KeyTooLong)?;
        Ok(Signer {
            key: stored,
            mac: HmacKey::new(secret),
            encoding: Encoding::Hex,
        })
    }

    /// The same signer, writing signatures in `encoding`. A verifier built on
    /// it accepts signatures in that encoding only.
    ///
    /// ```
    /// use m800_sign::{Body, Encoding, Request, Signer};
    /// let signer = Signer::new("a-demo-key", b"a-demo-secret")?.with_encoding(Encoding::Base64);
    /// let request = Request { method: "GET", uri: "/api/1.0/debug/echo", content_type: "", body: Body::None };
    /// let headers = signer.sign_request(&request, 1764334800, "19aca559e0102468acf13579bde")?;
    /// let base64 = "signature=\"+OV7N6z2eEZYdKt6qMFY4Ao51sYkyo/H5jLPBI1sLig=\"";
    /// assert!(headers.authorization().ends_with(base64));
    /// # Ok::<(), m800_sign::Error>(())
    /// ```
    #[must_use]
    pub fn with_encoding(mut self, encoding: Encoding) -> Signer {
        self.encoding = encoding;
        self
    }

    /// The developer key.
    ///
    /// ```
    /// let signer = m800_sign::Signer::new("a-demo-key", b"a-demo-secret")?;
    /// assert_eq!(signer.key(), "a-demo-key");
    /// # Ok::<(), m800_sign::Error>(())
    /// ```
    pub fn key(&self) -> &str {
        &self.key
    }

    /// The encoding of [`sign_request`](Self::sign_request)'s signatures:
    /// [`Encoding::Hex`] unless [`with_encoding`](Self::with_encoding) said otherwise.
    ///
    /// ```
    /// use m800_sign::{Encoding, Signer};
    /// let signer = Signer::new("a-demo-key", b"a-demo-secret")?;
    /// assert_eq!(signer.encoding(), Encoding::Hex);
    /// assert_eq!(signer.with_encoding(Encoding::Base64).encoding(), Encoding::Base64);
    /// # Ok::<(), m800_sign::Error>(())
    /// ```
    pub fn encoding(&self) -> Encoding {
        self.encoding
    }

    /// HMAC-SHA256 of raw bytes (a string to sign built elsewhere).
    ///
    /// ```
    /// let signer = m800_sign::Signer::new("a-demo-key", b"a-demo-secret")?;
    /// let string_to_sign = "POST\n/api/1.0/push/alice@m800.com\n\
    ///     cb0e8ec5b4ee7678bce015b9755a0156\napplication/json\n\
    ///     Fri, 28 Nov 2025 13:00:00 GMT\n19aca559e0102468acf13579bde";
    /// assert_eq!(
    ///     signer.sign_bytes(string_to_sign.as_bytes()).to_hex().as_str(),
    ///     "36440251e21c8679823798b73be96777c75e1ccd7075e59c1d4314036db1c7db"
    /// );
    /// # Ok::<(), m800_sign::Error>(())
    /// ```
    pub fn sign_bytes(&self, message: &[u8]) -> Signature {
        let mut stream = self.mac.start::<MAC_BLOCKS>();
        stream.update(message);
        Signature::from_bytes(self.mac.finish(&mut stream))
    }

    /// HMAC-SHA256 of the string to sign, fed field by field: the string itself
    /// is never built.
    ///
    /// ```
    /// use m800_sign::{CanonicalFields, Signer};
    /// let signer = Signer::new("a-demo-key", b"a-demo-secret")?;
    /// let fields = CanonicalFields::new(
    ///     "POST", "/api/1.0/push/alice@m800.com", "cb0e8ec5b4ee7678bce015b9755a0156",
    ///     "application/json", "Fri, 28 Nov 2025 13:00:00 GMT", "19aca559e0102468acf13579bde")?;
    /// let mut buf = [0u8; 256];
    /// let string_to_sign = fields.write(&mut buf)?;
    /// assert_eq!(signer.sign_fields(&fields), signer.sign_bytes(string_to_sign.as_bytes()));
    /// # Ok::<(), m800_sign::Error>(())
    /// ```
    pub fn sign_fields(&self, fields: &CanonicalFields<'_>) -> Signature {
        self.sign_fields_in::<MAC_BLOCKS>(fields)
    }

    /// [`sign_fields`](Self::sign_fields) buffering `N` blocks (the verifier's
    /// [`VERIFY_MAC_BLOCKS`](crate::hmac::VERIFY_MAC_BLOCKS)).
    pub(crate) fn sign_fields_in<const N: usize>(&self, fields: &CanonicalFields<'_>) -> Signature {
        let mut stream = self.mac.start::<N>();
        fields.feed(|piece| stream.update(piece));
        Signature::from_bytes(self.mac.finish(&mut stream))
    }

    /// Whether `signature` is the signature of `fields`, compared in constant time.
    ///
    /// ```
    /// use m800_sign::{CanonicalFields, Encoding, Signature, Signer};
    /// let fields = CanonicalFields::new(
    ///     "POST", "/api/1.0/push/alice@m800.com", "cb0e8ec5b4ee7678bce015b9755a0156",
    ///     "application/json", "Fri, 28 Nov 2025 13:00:00 GMT", "19aca559e0102468acf13579bde")?;
    /// let hex = "36440251e21c8679823798b73be96777c75e1ccd7075e59c1d4314036db1c7db";
    /// let signature = Signature::decode(hex, Encoding::Hex)?;
    /// assert!(Signer::new("a-demo-key", b"a-demo-secret")?.verify_fields(&fields, &signature));
    /// assert!(!Signer::new("a-demo-key", b"another-secret")?.verify_fields(&fields, &signature));
    /// # Ok::<(), m800_sign::Error>(())
    /// ```
    pub fn verify_fields(&self, fields: &CanonicalFields<'_>, signature: &Signature) -> bool {
        self.sign_fields(fields).ct_eq(signature)
    }
}

impl core::fmt::Debug for Signer {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Signer")
            .field("key", &self.key.as_str())
            .field("encoding", &self.encoding)
            .finish_non_exhaustive()
    }
}

impl Signer {
    /// Signs `request` as sent at `unix_time` (Unix seconds) with `nonce`: the
    /// `X-M-Date`, `Content-MD5` and `Authorization` values to send with it.
    ///
    /// Every part is checked first (see [`limits`](crate::limits)); nothing is
    /// ever truncated. Errors: the nonce's ([`Error::EmptyNonce`],
    /// [`Error::NonceTooLong`], [`Error::InvalidNonce`]),
    /// [`Error::TimeOutOfRange`], then the method's, URI's and content type's
    /// (see [`canonical`](crate::canonical)).
    ///
    /// ```
    /// use m800_sign::{Body, Error, Request, Signer};
    /// let signer = Signer::new("a-demo-key", b"a-demo-secret")?;
    /// let request = Request { method: "GET", uri: "/api/1.0/debug/echo", content_type: "", body: Body::None };
    /// let headers = signer.sign_request(&request, 1764334800, "19aca559e0102468acf13579bde")?;
    /// assert_eq!(headers.x_m_date(), "Fri, 28 Nov 2025 13:00:00 GMT");
    /// assert_eq!(headers.content_md5(), "");
    /// assert_eq!(
    ///     headers.signature().to_hex().as_str(),
    ///     "f8e57b37acf678465874ab7aa8c158e00a39d6c624ca8fc7e632cf048d6c2e28"
    /// );
    /// assert_eq!(signer.sign_request(&request, 1764334800, "no\"quotes"), Err(Error::InvalidNonce));
    /// # Ok::<(), m800_sign::Error>(())
    /// ```
    pub fn sign_request(
        &self,
        request: &Request<'_>,
        unix_time: u64,
        nonce: &str,
    ) -> Result<SignedHeaders> {
        let mut signed = Ok(SignedHeaders::EMPTY);
        if let Ok(out) = &mut signed {
            if let Err(e) = self.sign_into(request, unix_time, nonce, out, &mut |_| Ok(())) {
                signed = Err(e);
            }
        }
        signed
    }

    /// As [`sign_request`](Self::sign_request), writing into storage the caller
    /// owns (a `static` or a field, say) rather than returning the headers. On
    /// error `out` is reset to [`SignedHeaders::EMPTY`], never left holding a
    /// partial result.
    ///
    /// ```
    /// use m800_sign::{Body, Error, Request, SignedHeaders, Signer};
    /// let signer = Signer::new("a-demo-key", b"a-demo-secret")?;
    /// let request = Request { method: "GET", uri: "/api/1.0/debug/echo", content_type: "", body: Body::None };
    /// let mut headers = SignedHeaders::EMPTY;
    /// signer.sign_request_into(&request, 1764334800, "19aca559e0102468acf13579bde", &mut headers)?;
    /// assert_eq!(headers.x_m_date(), "Fri, 28 Nov 2025 13:00:00 GMT");
    /// assert_eq!(signer.sign_request_into(&request, 1764334800, "", &mut headers), Err(Error::EmptyNonce));
    /// assert_eq!(headers, SignedHeaders::EMPTY);
    /// # Ok::<(), m800_sign::Error>(())
    /// ```
    pub fn sign_request_into(
        &self,
        request: &Request<'_>,
        unix_time: u64,
        nonce: &str,
        out: &mut SignedHeaders,
    ) -> Result<()> {
        let result = self.sign_into(request, unix_time, nonce, out, &mut |_| Ok(()));
        if result.is_err() {
            *out = SignedHeaders::EMPTY;
        }
        result
    }

    /// As [`sign_request`](Self::sign_request), and also writes the string to
    /// sign into `string_to_sign` (at most
    /// [`STRING_TO_SIGN_MAX`](crate::limits::STRING_TO_SIGN_MAX) bytes), for
    /// comparing with a server's when signatures do not match. A `string_to_sign`
    /// too short for it is [`Error::BufferTooSmall`] with the size needed; the
    /// other errors are [`sign_request`](Self::sign_request)'s.
    ///
    /// ```
    /// use m800_sign::{limits::STRING_TO_SIGN_MAX, Body, Request, Signer};
    /// let signer = Signer::new("a-demo-key", b"a-demo-secret")?;
    /// let request = Request { method: "GET", uri: "/api/1.0/debug/echo", content_type: "", body: Body::None };
    /// let mut buf = [0u8; STRING_TO_SIGN_MAX];
    /// let (headers, string_to_sign) =
    ///     signer.sign_request_with_string(&request, 1764334800, "19aca559e0102468acf13579bde", &mut buf)?;
    /// assert_eq!(
    ///     string_to_sign,
    ///     "GET\n/api/1.0/debug/echo\n\n\nFri, 28 Nov 2025 13:00:00 GMT\n19aca559e0102468acf13579bde"
    /// );
    /// assert_eq!(headers.signature(), &signer.sign_bytes(string_to_sign.as_bytes()));
    /// # Ok::<(), m800_sign::Error>(())
    /// ```
    pub fn sign_request_with_string<'b>(
        &self,
        request: &Request<'_>,
        unix_time: u64,
        nonce: &str,
        string_to_sign: &'b mut [u8],
    ) -> Result<(SignedHeaders, &'b str)> {
        let mut written: &'b str = "";
        let mut buf = Some(string_to_sign);
        let mut headers = SignedHeaders::EMPTY;
        self.sign_into(request, unix_time, nonce, &mut headers, &mut |fields| {
            if let Some(buf) = buf.take() {
                written = fields.write(buf)?;
            }
            Ok(())
        })?;
        Ok((headers, written))
    }

    /// Signs `request` now, by the system clock, with a fresh
    /// [`Nonce`](crate::Nonce) (feature `std`).
    ///
    /// Errors: [`Error::ClockBeforeEpoch`], [`Error::RandomUnavailable`], and
    /// those of the request's parts (see [`sign_request`](Self::sign_request)).
    ///
    /// ```
    /// use m800_sign::verify::{ReceivedRequest, Verifier};
    /// use m800_sign::{Body, Request, Signer};
    /// let signer = Signer::new("a-demo-key", b"a-demo-secret")?;
    /// let request = Request { method: "GET", uri: "/api/1.0/debug/echo", content_type: "", body: Body::None };
    /// let headers = signer.sign_request_now(&request)?;
    /// let received = ReceivedRequest::new(request, Some(headers.x_m_date()), headers.authorization());
    /// let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap();
    /// assert!(Verifier::new(&signer).verify(&received, now.as_secs(), None).is_ok());
    /// # Ok::<(), m800_sign::Error>(())
    /// ```
    #[cfg(feature = "std")]
    pub fn sign_request_now(&self, request: &Request<'_>) -> Result<SignedHeaders> {
        let nonce = crate::Nonce::fresh()?;
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_err(|_| crate::Error::ClockBeforeEpoch)?;
        self.sign_request(request, now.as_secs(), nonce.as_str())
    }

    /// Signs into `out`, which the caller owns: the headers are written in
    /// place rather than assembled here and moved out (on a microcontroller
    /// each move of the 400-byte [`SignedHeaders`] is stack). `out` is only
    /// meaningful when this returns `Ok`.
    fn sign_into(
        &self,
        request: &Request<'_>,
        unix_time: u64,
        nonce: &str,
        out: &mut SignedHeaders,
        inspect: &mut dyn FnMut(&CanonicalFields<'_>) -> Result<()>,
    ) -> Result<()> {
        self.sign_parts(request, unix_time, nonce, inspect, &mut |parts| {
            out.x_m_date = *parts.x_m_date;
            out.content_md5 = *parts.content_md5;
            out.signature = *parts.signature;
            let encoded = parts.signature.encode(self.encoding());
            out.authorization
                .write_checked(self.key(), parts.nonce, encoded.as_str())
        })
    }

    /// The signing procedure: every check, then the MAC; `write` receives the
    /// parts of the headers only once all checks have passed, and writes them
    /// wherever the caller keeps its headers ([`SignedHeaders`], or the C
    /// layer's `m800_signed_headers` in the caller's memory, so that no copy
    /// of the headers is staged on the stack).
    #[inline(never)]
    pub(crate) fn sign_parts(
        &self,
        request: &Request<'_>,
        unix_time: u64,
        nonce: &str,
        inspect: &mut dyn FnMut(&CanonicalFields<'_>) -> Result<()>,
        write: &mut dyn FnMut(&SignedParts<'_>) -> Result<()>,
    ) -> Result<()> {
        crate::nonce::check(nonce)?;
        let x_m_date = HttpDate::from_unix(unix_time)?;
        let content_md5 = request.body.content_md5();
        let fields = CanonicalFields::for_signing(
            request.method,
            request.uri,
            &content_md5,
            request.content_type,
            &x_m_date,
            nonce,
        )?;
        inspect(&fields)?;
        let signature = self.sign_fields(&fields);
        write(&SignedParts {
            x_m_date: &x_m_date,
            content_md5: &content_md5,
            signature: &signature,
            nonce,
        })
    }

    /// As [`sign_request_into`](Self::sign_request_into), for headers the
    /// caller lays out itself: `write` gets the parts once every check has
    /// passed (see [`SignedParts::write_authorization`]).
    #[cfg(feature = "ffi")]
    pub(crate) fn sign_request_parts(
        &self,
        request: &Request<'_>,
        unix_time: u64,
        nonce: &str,
        write: &mut dyn FnMut(&SignedParts<'_>) -> Result<()>,
    ) -> Result<()> {
        self.sign_parts(request, unix_time, nonce, &mut |_| Ok(()), write)
    }
}

/// A signature's header values before they are stored: what
/// [`Signer::sign_parts`] hands to its writer.
pub(crate) struct SignedParts<'a> {
    /// The `X-M-Date` value.
    pub(crate) x_m_date: &'a HttpDate,
    /// The `Content-MD5` value (empty: no body).
    pub(crate) content_md5: &'a ContentMd5,
    /// The MAC.
    pub(crate) signature: &'a Signature,
    /// The request's nonce (checked).
    pub(crate) nonce: &'a str,
}

impl SignedParts<'_> {
    /// Writes the `Authorization` value of `signer` (the signer that made
    /// these parts) into `buf`; its length.
    #[cfg(feature = "ffi")]
    pub(crate) fn write_authorization(&self, signer: &Signer, buf: &mut [u8]) -> Result<usize> {
        let encoded = self.signature.encode(signer.encoding());
        crate::authorization::write_checked_into(buf, signer.key(), self.nonce, encoded.as_bytes())
    }
}
