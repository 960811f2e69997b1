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

/// A developer key with its keyed HMAC state, precomputed once.
///
/// Each signature then pays only for the message: the keyed state is cloned,
/// never re-derived. A `Signer` is immutable, `Send + Sync`, and its key
/// material is zeroized when it is dropped. `Debug` shows the developer key only.
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

    /// The same signer, writing signatures in `encoding`.
    #[must_use]
    pub fn with_encoding(mut self, encoding: Encoding) -> Signer {
        self.encoding = encoding;
        self
    }

    /// The developer key.
    pub fn key(&self) -> &str {
        &self.key
    }

    /// The encoding of [`sign_request`](Self::sign_request)'s signatures.
    pub fn encoding(&self) -> Encoding {
        self.encoding
    }

    /// HMAC-SHA256 of raw bytes (a string to sign built elsewhere).
    pub fn sign_bytes(&self, message: &[u8]) -> Signature {
        let mut stream = self.mac.start::<MAC_BLOCKS>();
        stream.update(message);
        Signature::from_bytes(self.mac.finish(&mut stream))
    }

    /// HMAC-SHA256 of the string to sign, fed field by field: the string itself
    /// is never built.
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
    /// Signs `request` as sent at `unix_time` with `nonce`.
    ///
    /// Every part is checked first (see [`limits`](crate::limits)); nothing is
    /// ever truncated.
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
    /// owns (no 400-byte move through the return value: on a microcontroller
    /// that is stack). On error `out` is reset to [`SignedHeaders::EMPTY`],
    /// never left holding a partial result.
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
    /// comparing with a server's when signatures do not match.
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

    /// Signs `request` now, with a fresh nonce from the operating system.
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
