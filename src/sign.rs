//! Signing a whole request in one call: request parts in, the three header
//! values out (and, on request, the string to sign for debugging).
#![forbid(unsafe_code)]

use crate::canonical::CanonicalFields;
use crate::date::HttpDate;
use crate::digest::ContentMd5;
use crate::header::Authorization;
use crate::signature::{Signature, Signer};
use crate::Result;

/// The body of a request, for its `Content-MD5`.
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

/// The three headers of a signed request, in fixed-capacity storage.
#[derive(Clone, PartialEq, Eq)]
pub struct SignedHeaders {
    x_m_date: HttpDate,
    content_md5: ContentMd5,
    authorization: Authorization,
    signature: Signature,
}

impl SignedHeaders {
    /// Empty storage for [`Signer::sign_request_into`]: every header reads as
    /// the empty string until a signature is written into it.
    pub const EMPTY: SignedHeaders = SignedHeaders {
        x_m_date: HttpDate::UNSET,
        content_md5: ContentMd5::NONE,
        authorization: Authorization::EMPTY,
        signature: Signature::from_bytes([0; 32]),
    };

    /// The `X-M-Date` value.
    pub fn x_m_date(&self) -> &str {
        self.x_m_date.as_str()
    }
    /// The `Content-MD5` value; empty when the request has no body (then the
    /// header is omitted).
    pub fn content_md5(&self) -> &str {
        self.content_md5.as_str()
    }
    /// The `Authorization` value.
    pub fn authorization(&self) -> &str {
        self.authorization.as_str()
    }
    /// The raw signature.
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
    #[inline(never)]
    fn sign_into(
        &self,
        request: &Request<'_>,
        unix_time: u64,
        nonce: &str,
        out: &mut SignedHeaders,
        inspect: &mut dyn FnMut(&CanonicalFields<'_>) -> Result<()>,
    ) -> Result<()> {
        crate::nonce::check(nonce)?;
        out.x_m_date = HttpDate::from_unix(unix_time)?;
        out.content_md5 = request.body.content_md5();
        let fields = CanonicalFields::for_signing(
            request.method,
            request.uri,
            &out.content_md5,
            request.content_type,
            &out.x_m_date,
            nonce,
        )?;
        inspect(&fields)?;
        out.signature = self.sign_fields(&fields);
        out.authorization.write_checked(
            self.key(),
            nonce,
            out.signature.encode(self.encoding()).as_str(),
        )
    }
}

impl Default for SignedHeaders {
    fn default() -> Self {
        SignedHeaders::EMPTY
    }
}
