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

/// A raw HMAC-SHA256 value: what [`Signer`](crate::Signer) computes, and what
/// [`encode`](Signature::encode) writes for the `Authorization` header.
///
/// `PartialEq` is for tests and tables; compare untrusted input with
/// [`Signature::ct_eq`] (the verifier does). `Debug` shows the lower-case hex.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Signature([u8; 32]);

/// A signature written out in one [`Encoding`]: 64 (hex) or 44 (base64) ASCII
/// bytes, stored inline. Made by [`Signature::encode`].
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct EncodedSignature {
    buf: [u8; SIGNATURE_HEX_LEN],
    len: usize,
}

impl EncodedSignature {
    /// The text.
    ///
    /// ```
    /// use m800_sign::Signature;
    /// let encoded = Signature::from_bytes([0xab; 32]).to_base64();
    /// assert_eq!(encoded.as_str(), "q6urq6urq6urq6urq6urq6urq6urq6urq6urq6urq6s=");
    /// assert_eq!(encoded.as_str().len(), 44);
    /// ```
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
    ///
    /// ```
    /// use m800_sign::{Encoding, Signature};
    /// let hex = "36440251e21c8679823798b73be96777c75e1ccd7075e59c1d4314036db1c7db";
    /// let signature = Signature::decode(hex, Encoding::Hex)?;
    /// assert_eq!(signature.as_bytes()[..4], [0x36, 0x44, 0x02, 0x51]);
    /// assert_eq!(signature.as_bytes()[31], 0xdb);
    /// # Ok::<(), m800_sign::Error>(())
    /// ```
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// Wraps 32 bytes, e.g. a MAC computed elsewhere.
    ///
    /// ```
    /// use m800_sign::Signature;
    /// let signature = Signature::from_bytes([0x01; 32]);
    /// assert_eq!(signature.as_bytes(), &[0x01; 32]);
    /// assert_eq!(&signature.to_hex().as_str()[..6], "010101");
    /// ```
    pub const fn from_bytes(bytes: [u8; 32]) -> Signature {
        Signature(bytes)
    }

    /// Writes the signature in `encoding`, as it goes into the `Authorization`
    /// header.
    ///
    /// ```
    /// use m800_sign::{Encoding, Signature};
    /// let signature = Signature::from_bytes([0xff; 32]);
    /// assert_eq!(signature.encode(Encoding::Hex).as_str(), "ff".repeat(32));
    /// assert_eq!(
    ///     signature.encode(Encoding::Base64).as_str(),
    ///     "//////////////////////////////////////////8="
    /// );
    /// ```
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

    /// Lower-case hex: [`encode`](Self::encode) with [`Encoding::Hex`].
    ///
    /// ```
    /// use m800_sign::Signature;
    /// let signature = Signature::from_bytes([0xab; 32]);
    /// assert_eq!(signature.to_hex().as_str(), "ab".repeat(32));
    /// ```
    pub fn to_hex(&self) -> EncodedSignature {
        self.encode(Encoding::Hex)
    }

    /// Standard base64 with padding: [`encode`](Self::encode) with
    /// [`Encoding::Base64`].
    ///
    /// ```
    /// use m800_sign::Signature;
    /// let signature = Signature::from_bytes([0; 32]);
    /// assert_eq!(signature.to_base64().as_str(), "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=");
    /// ```
    pub fn to_base64(&self) -> EncodedSignature {
        self.encode(Encoding::Base64)
    }

    /// Reads a signature written in `encoding`. Hex must be lower-case: upper-case
    /// hex is a different string on the wire, so it is not accepted. Base64 must
    /// be the 44-character padded form with its unused bits zero: the one text
    /// [`encode`](Self::encode) writes.
    ///
    /// Fails with [`Error::InvalidSignatureEncoding`] for anything else.
    ///
    /// ```
    /// use m800_sign::{Encoding, Error, Signature};
    /// let hex = "36440251e21c8679823798b73be96777c75e1ccd7075e59c1d4314036db1c7db";
    /// let signature = Signature::decode(hex, Encoding::Hex)?;
    /// assert_eq!(signature.to_base64().as_str(), "NkQCUeIchnmCN5i3O+lnd8deHM1wdeWcHUMUA22xx9s=");
    /// let upper = hex.to_ascii_uppercase();
    /// assert_eq!(Signature::decode(&upper, Encoding::Hex), Err(Error::InvalidSignatureEncoding));
    /// # Ok::<(), m800_sign::Error>(())
    /// ```
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
    /// two signatures differ. Use it for a signature that came from outside.
    ///
    /// ```
    /// use m800_sign::Signature;
    /// let a = Signature::from_bytes([7; 32]);
    /// let mut other = [7; 32];
    /// other[31] = 8;
    /// assert!(a.ct_eq(&Signature::from_bytes([7; 32])));
    /// assert!(!a.ct_eq(&Signature::from_bytes(other)));
    /// ```
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
