//! The signature: HMAC-SHA256 keyed with the secret over the string to sign,
//! in lower-case hex (M800's default) or base64.
#![forbid(unsafe_code)]

use crate::limits::{SIGNATURE_BASE64_LEN, SIGNATURE_HEX_LEN};
use crate::text::{base64_decode_32, base64_encode_32, hex_encode, hex_value};
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
        core::str::from_utf8(self.as_bytes()).unwrap_or_default()
    }

    /// The text's bytes (ASCII): what the C layer copies out, so that a
    /// firmware image links no UTF-8 check for them.
    pub(crate) fn as_bytes(&self) -> &[u8] {
        self.buf.get(..self.len).unwrap_or_default()
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
/// `subtle` (one barrier, not one per byte; README, "Performance").
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
