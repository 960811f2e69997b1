//! Small text helpers shared by the modules: a bounded writer over a caller
//! buffer, hex, and the character classes of HTTP.
#![forbid(unsafe_code)]

use crate::{Error, Result};

const HEX: &[u8; 16] = b"0123456789abcdef";

/// The lower-case hex digit of a value below 16 (the bound check is optimised away).
pub(crate) fn nibble(n: u8) -> u8 {
    HEX.get(usize::from(n)).copied().unwrap_or(b'0')
}

/// Lower-case hex of `bytes` into `out`, which must be exactly twice as long.
///
/// Four bytes at a time in a `u64` (SWAR): their eight nibbles are spread one
/// per byte, then turned into digits with two adds (README, "Performance").
/// Compact builds use `hex_encode_compact`.
#[cfg(not(m800_footprint = "compact"))]
pub(crate) fn hex_encode(bytes: &[u8], out: &mut [u8]) {
    let (words, tail) = bytes.as_chunks::<4>();
    for (word, dst) in words.iter().zip(out.as_chunks_mut::<8>().0) {
        *dst = hex_word(*word);
    }
    let tail_out = out
        .get_mut(words.len().saturating_mul(8)..)
        .unwrap_or_default();
    for (b, pair) in tail.iter().zip(tail_out.chunks_exact_mut(2)) {
        if let [hi, lo] = pair {
            *hi = nibble(b >> 4);
            *lo = nibble(b & 0x0f);
        }
    }
}

/// Lower-case hex of `bytes` into `out`, which must be exactly twice as long:
/// a table lookup per nibble. On a Cortex-M3 this is as fast as the SWAR
/// version (whose 64-bit arithmetic is slow there) and smaller.
#[cfg(any(test, m800_footprint = "compact"))]
pub(crate) fn hex_encode_compact(bytes: &[u8], out: &mut [u8]) {
    for (b, pair) in bytes.iter().zip(out.as_chunks_mut::<2>().0) {
        *pair = [nibble(b >> 4), nibble(b & 0x0f)];
    }
}

#[cfg(m800_footprint = "compact")]
pub(crate) use hex_encode_compact as hex_encode;

/// The eight lower-case hex digits of four bytes, in order.
#[cfg(not(m800_footprint = "compact"))]
fn hex_word(word: [u8; 4]) -> [u8; 8] {
    let x = u64::from(u32::from_be_bytes(word));
    // b0 b1 b2 b3 -> b0 b1 in the high 32 bits, b2 b3 in the low ones ...
    let x = ((x & 0xffff_0000) << 16) | (x & 0x0000_ffff);
    // ... each byte in its own 16-bit slot (0x00bb) ...
    let x = ((x & 0x0000_ff00_0000_ff00) << 8) | (x & 0x0000_00ff_0000_00ff);
    // ... and each nibble in its own byte, high nibble first (0x0h0l).
    let n = ((x << 4) & 0x0f00_0f00_0f00_0f00) | (x & 0x000f_000f_000f_000f);
    // A nibble of 10 or more carries into bit 4 when 6 is added: those get
    // 'a' - '0' - 10 = 39 more than '0' + n.
    let letters = (n.wrapping_add(0x0606_0606_0606_0606) >> 4) & 0x0101_0101_0101_0101;
    let ascii = n
        .wrapping_add(0x3030_3030_3030_3030)
        .wrapping_add(letters.wrapping_mul(39));
    ascii.to_be_bytes()
}

/// The value of one lower-case hex digit.
pub(crate) const fn hex_value(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c.wrapping_sub(b'0')),
        b'a'..=b'f' => Some(c.wrapping_sub(b'a' - 10)),
        _ => None,
    }
}

const BASE64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Standard base64 with padding of 32 bytes: exactly 44 characters.
///
/// Written out here rather than taken from the `base64` crate: the signature
/// is the only base64 in the protocol, always 32 bytes, and the general
/// engine is linked even into hex-only firmware (the encoding is chosen at
/// run time); the figures are in the README, "Performance".
pub(crate) fn base64_encode_32(bytes: &[u8; 32], out: &mut [u8; 44]) {
    let mut acc = 0u32;
    let mut bits = 0u32;
    let mut dst = out.iter_mut();
    let mut put = |value: u32| {
        if let Some(d) = dst.next() {
            *d = BASE64.get(value as usize).copied().unwrap_or(b'=');
        }
    };
    for &b in bytes {
        acc = acc << 8 | u32::from(b);
        bits = bits.wrapping_add(8);
        while bits >= 6 {
            bits = bits.wrapping_sub(6);
            put(acc >> bits & 63);
        }
    }
    // 256 bits = 42 characters and 4 bits over: one more character, zero-filled.
    put(acc << 2 & 63);
    // The last cell: index 64 is out of the alphabet and writes the padding.
    put(64);
}

/// The value of one character of the standard base64 alphabet.
const fn base64_value(c: u8) -> Option<u8> {
    match c {
        b'A'..=b'Z' => Some(c.wrapping_sub(b'A')),
        b'a'..=b'z' => Some(c.wrapping_sub(b'a' - 26)),
        b'0'..=b'9' => Some(c.wrapping_sub(b'0').wrapping_add(52)),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    }
}

/// Decodes the 44-character standard base64 (with padding) of 32 bytes.
/// Canonical only, as the `base64` crate's `STANDARD` engine: 43 alphabet
/// characters, one `=`, and the unused low bits of the last character zero.
pub(crate) fn base64_decode_32(text: &[u8]) -> Option<[u8; 32]> {
    let (digits, [b'=']) = text.split_last_chunk::<1>().map(|(d, p)| (d, *p))? else {
        return None;
    };
    if digits.len() != 43 {
        return None;
    }
    let mut out = [0u8; 32];
    let mut dst = out.iter_mut();
    let mut acc = 0u32;
    let mut bits = 0u32;
    for &c in digits {
        acc = acc << 6 | u32::from(base64_value(c)?);
        bits = bits.wrapping_add(6);
        if bits >= 8 {
            bits = bits.wrapping_sub(8);
            if let Some(d) = dst.next() {
                *d = (acc >> bits) as u8;
            }
        }
    }
    // 43 * 6 = 258 bits: 32 bytes and two bits that must be zero.
    (acc & 3 == 0).then_some(out)
}

/// RFC 9110 `tchar`. Always inlined: it runs per byte of every header name
/// and token the parsers read.
#[inline(always)]
pub(crate) const fn is_tchar(c: u8) -> bool {
    matches!(c,
        b'!' | b'#' | b'$' | b'%' | b'&' | b'\'' | b'*' | b'+' | b'-' | b'.' | b'^' | b'_'
        | b'`' | b'|' | b'~' | b'0'..=b'9' | b'A'..=b'Z' | b'a'..=b'z')
}

/// Printable ASCII other than `"` and `\`: what a key or nonce may hold, so that
/// it always fits a quoted-string without escapes.
pub(crate) const fn is_header_safe(c: u8) -> bool {
    matches!(c, 0x20..=0x7e) & (c != b'"') & (c != b'\\')
}

/// Whether every byte of `bytes` is in `class`, checked without an early exit:
/// no branch per byte, so the loop vectorizes (the inputs are short and a
/// failure is the rare path; README, "Performance").
#[inline]
pub(crate) fn all_bytes(bytes: &[u8], class: impl Fn(u8) -> bool) -> bool {
    bytes.iter().fold(true, |ok, &c| ok & class(c))
}

/// Whether every byte of `bytes` is ASCII: four bytes at a time, their bits
/// ORed together and tested once (fewer instructions than a byte loop on a
/// Cortex-M3; the loops vectorize on hosts).
#[cfg(any(test, feature = "ffi"))]
pub(crate) fn is_ascii(bytes: &[u8]) -> bool {
    let (words, tail) = bytes.as_chunks::<4>();
    let bits = words
        .iter()
        .fold(0u32, |acc, word| acc | u32::from_ne_bytes(*word));
    let bits = tail.iter().fold(bits, |acc, &c| acc | u32::from(c));
    bits & 0x8080_8080 == 0
}

/// Whether `bytes` is UTF-8, exactly as `core::str::from_utf8(bytes).is_ok()`
/// (property-tested against it): a table-free check for the C layer's text
/// inputs, where `from_utf8` would link its 256-byte table into a Cortex-M
/// image (the figure: README, "Performance").
// The rare path: kept out of the callers' frames on hosts (stack under
// m800_verify); compact builds inline it (smaller code).
#[cfg(any(test, feature = "ffi"))]
#[cfg_attr(not(m800_footprint = "compact"), cold, inline(never))]
pub(crate) fn is_utf8(bytes: &[u8]) -> bool {
    let mut rest = bytes.iter();
    while let Some(&lead) = rest.next() {
        // The continuation bytes a lead byte announces, and the smallest code
        // point that needs them (smaller is an overlong form).
        let (more, min) = match lead {
            0x00..=0x7f => continue,
            0xc2..=0xdf => (1, 0x80),
            0xe0..=0xef => (2, 0x800),
            0xf0..=0xf4 => (3, 0x1_0000),
            _ => return false,
        };
        let mut cp = u32::from(lead & (0x3f >> more));
        for _ in 0..more {
            match rest.next() {
                Some(&c) if c & 0xc0 == 0x80 => cp = (cp << 6) | u32::from(c & 0x3f),
                _ => return false,
            }
        }
        if cp < min || cp > 0x10_ffff || matches!(cp, 0xd800..=0xdfff) {
            return false;
        }
    }
    true
}

/// Interpret `bytes` as UTF-8.
pub(crate) fn utf8(bytes: &[u8]) -> Result<&str> {
    core::str::from_utf8(bytes).map_err(|_| Error::InvalidUtf8)
}

/// Appends to a caller buffer; counts what would be needed once it overflows,
/// so a caller can report the size that fits instead of truncating.
pub(crate) struct Writer<'a> {
    buf: &'a mut [u8],
    len: usize,
}

impl<'a> Writer<'a> {
    pub(crate) fn new(buf: &'a mut [u8]) -> Self {
        Writer { buf, len: 0 }
    }

    pub(crate) fn push(&mut self, bytes: &[u8]) {
        let end = self.len.saturating_add(bytes.len());
        if let Some(dst) = self.buf.get_mut(self.len..end) {
            copy(dst, bytes);
        }
        self.len = end;
    }

    pub(crate) fn push_str(&mut self, s: &str) {
        self.push(s.as_bytes());
    }

    /// The written bytes, or [`Error::BufferTooSmall`] with the size needed.
    pub(crate) fn finish(self) -> Result<&'a mut [u8]> {
        let len = self.len;
        self.buf
            .get_mut(..len)
            .ok_or(Error::BufferTooSmall { needed: len })
    }

    /// As [`finish`](Self::finish), for text that was written from `&str`s.
    pub(crate) fn finish_str(self) -> Result<&'a str> {
        let bytes: &'a [u8] = self.finish()?;
        utf8(bytes)
    }
}

impl core::fmt::Write for Writer<'_> {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        self.push_str(s);
        Ok(())
    }
}

/// Copies `src` into `dst` (callers pass slices of equal length): as
/// `copy_from_slice`, without its length-mismatch panic, which size-optimised
/// builds keep in one shared out-of-line routine (so no caller can prove it away).
#[inline(always)]
pub(crate) fn copy(dst: &mut [u8], src: &[u8]) {
    for (d, s) in dst.iter_mut().zip(src) {
        *d = *s;
    }
}

/// Safe code only: not run under Miri (slow there).
#[cfg(all(test, not(miri)))]
mod utf8_tests {
    use super::is_utf8;
    use proptest::prelude::*;

    fn agrees(bytes: &[u8]) {
        assert_eq!(
            is_utf8(bytes),
            core::str::from_utf8(bytes).is_ok(),
            "{bytes:02x?}"
        );
        assert_eq!(super::is_ascii(bytes), bytes.is_ascii(), "{bytes:02x?}");
    }

    /// Every one- and two-byte input, and each boundary of the encoding
    /// (overlong forms, surrogates, the last code point, truncations).
    #[test]
    fn small_inputs_and_boundaries_agree_with_core() {
        for a in 0..=255u8 {
            agrees(&[a]);
            for b in 0..=255u8 {
                agrees(&[a, b]);
                agrees(&[b'x', a, b]);
            }
        }
        for lead in [0xe0u8, 0xed, 0xef, 0xf0, 0xf4, 0xf5] {
            for second in 0x70..=0xc0u8 {
                for tail in [0x7fu8, 0x80, 0xbf, 0xc0] {
                    agrees(&[lead, second, tail]);
                    agrees(&[lead, second, tail, 0x80]);
                    agrees(&[lead, second, tail, tail]);
                }
            }
        }
    }

    /// ASCII text of every length up to 12 with one byte above 0x7f at each
    /// place (in a whole word and in the tail), and without.
    #[test]
    fn is_ascii_finds_each_high_byte() {
        for len in 0..=12usize {
            let text = std::vec![b'a'; len];
            agrees(&text);
            for at in 0..len {
                for high in [0x80u8, 0xc3, 0xff] {
                    let mut bytes = text.clone();
                    bytes[at] = high;
                    assert!(!super::is_ascii(&bytes), "{bytes:02x?}");
                }
            }
        }
    }

    proptest! {
        #[test]
        fn arbitrary_bytes_agree_with_core(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
            agrees(&bytes);
        }

        /// Valid text with one byte replaced: mostly near-miss encodings.
        #[test]
        fn mutated_text_agrees_with_core(s in "\\PC{0,16}", at in any::<usize>(), b in any::<u8>()) {
            let mut bytes = s.into_bytes();
            agrees(&bytes);
            if !bytes.is_empty() {
                let i = at % bytes.len();
                bytes[i] = b;
                agrees(&bytes);
                bytes.truncate(i);
                agrees(&bytes);
            }
        }
    }
}

#[cfg(test)]
mod hex_tests {
    use super::*;

    /// Every byte value, at every position of a word and in the tail.
    #[test]
    #[cfg_attr(miri, ignore = "safe code only; slow under Miri")]
    fn hex_encode_matches_format() {
        for len in 0..=9usize {
            for v in 0..=255u8 {
                let bytes: std::vec::Vec<u8> = (0..len)
                    .map(|i| v.wrapping_add((i as u8).wrapping_mul(37)))
                    .collect();
                let mut out = std::vec![0u8; 2 * len];
                let want: std::string::String =
                    bytes.iter().map(|b| std::format!("{b:02x}")).collect();
                hex_encode(&bytes, &mut out);
                assert_eq!(core::str::from_utf8(&out).unwrap(), want);
                out.fill(0);
                hex_encode_compact(&bytes, &mut out);
                assert_eq!(core::str::from_utf8(&out).unwrap(), want);
            }
        }
    }
}
