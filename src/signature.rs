//! The signature: HMAC-SHA256 keyed with the secret over the string to sign,
//! in lower-case hex (M800's default) or base64.
#![forbid(unsafe_code)]

use crate::canonical::CanonicalFields;
use crate::hmac::HmacKey;
use crate::limits::{KEY_MAX, SIGNATURE_BASE64_LEN, SIGNATURE_HEX_LEN};
use crate::text::{base64_decode_32, base64_encode_32, hex_encode, hex_value, is_header_safe};
use crate::{Error, Result};
use subtle::ConstantTimeEq;

/// How a signature is written in the `Authorization` header.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Encoding {
    /// 64 lower-case hex digits: M800's default.
    #[default]
    Hex,
    /// 44 characters of standard base64 with padding.
    Base64,
}

/// A raw HMAC-SHA256 value.
/// `PartialEq` is for tests and tables; compare untrusted input with
/// [`Signature::ct_eq`] (the verifier does).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Signature([u8; 32]);

/// A signature written out in one [`Encoding`]: at most 64 ASCII bytes.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct EncodedSignature {
    buf: [u8; SIGNATURE_HEX_LEN],
    len: usize,
}

impl EncodedSignature {
    /// The text.
    pub fn as_str(&self) -> &str {
        let bytes = self.buf.get(..self.len).unwrap_or_default();
        core::str::from_utf8(bytes).unwrap_or_default()
    }
}

impl core::fmt::Debug for EncodedSignature {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_tuple("EncodedSignature")
            .field(&self.as_str())
            .finish()
    }
}

impl Signature {
    /// The 32 bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// Wraps 32 bytes.
    pub const fn from_bytes(bytes: [u8; 32]) -> Signature {
        Signature(bytes)
    }

    /// Writes the signature in `encoding`.
    pub fn encode(&self, encoding: Encoding) -> EncodedSignature {
        let mut buf = [0u8; SIGNATURE_HEX_LEN];
        let len = match encoding {
            Encoding::Hex => {
                hex_encode(&self.0, &mut buf);
                SIGNATURE_HEX_LEN
            }
            Encoding::Base64 => {
                if let Some(b64) = buf.first_chunk_mut::<SIGNATURE_BASE64_LEN>() {
                    base64_encode_32(&self.0, b64);
                }
                SIGNATURE_BASE64_LEN
            }
        };
        EncodedSignature { buf, len }
    }

    /// Lower-case hex.
    pub fn to_hex(&self) -> EncodedSignature {
        self.encode(Encoding::Hex)
    }

    /// Base64.
    pub fn to_base64(&self) -> EncodedSignature {
        self.encode(Encoding::Base64)
    }

    /// Reads a signature written in `encoding`. Hex must be lower-case: upper-case
    /// hex is a different string on the wire, so it is not accepted.
    pub fn decode(text: &str, encoding: Encoding) -> Result<Signature> {
        let mut out = [0u8; 32];
        match encoding {
            Encoding::Hex => {
                if text.len() != SIGNATURE_HEX_LEN {
                    return Err(Error::InvalidSignatureEncoding);
                }
                for (byte, pair) in out.iter_mut().zip(text.as_bytes().chunks_exact(2)) {
                    let (hi, lo) = match pair {
                        [hi, lo] => (hex_value(*hi), hex_value(*lo)),
                        _ => (None, None),
                    };
                    *byte = hi
                        .zip(lo)
                        .map(|(hi, lo)| hi << 4 | lo)
                        .ok_or(Error::InvalidSignatureEncoding)?;
                }
            }
            Encoding::Base64 => {
                out = base64_decode_32(text.as_bytes()).ok_or(Error::InvalidSignatureEncoding)?;
            }
        }
        Ok(Signature(out))
    }
}

impl Signature {
    /// Compares in constant time: the time taken does not depend on where the
    /// two signatures differ.
    pub fn ct_eq(&self, other: &Signature) -> bool {
        ct_all_equal(self.0.iter().copied().zip(other.0.iter().copied()))
    }
}

/// Whether every pair holds equal bytes, in constant time: the differences
/// are ORed together (no branch, no early exit), then tested once with
/// `subtle`. A `Choice` per byte, each behind an optimisation barrier,
/// measured at a tenth of a verification.
pub(crate) fn ct_all_equal(pairs: impl Iterator<Item = (u8, u8)>) -> bool {
    let diff = pairs.fold(0u8, |acc, (a, b)| acc | (a ^ b));
    bool::from(diff.ct_eq(&0))
}

impl core::fmt::Debug for Signature {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_tuple("Signature")
            .field(&self.to_hex().as_str())
            .finish()
    }
}

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
        let mut stream = self.mac.start();
        stream.update(message);
        Signature(self.mac.finish(&mut stream))
    }

    /// HMAC-SHA256 of the string to sign, fed field by field: the string itself
    /// is never built.
    pub fn sign_fields(&self, fields: &CanonicalFields<'_>) -> Signature {
        let mut stream = self.mac.start();
        fields.feed(|piece| stream.update(piece));
        Signature(self.mac.finish(&mut stream))
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
