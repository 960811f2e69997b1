//! Small text helpers shared by the modules: a bounded writer over a caller
//! buffer, hex, and the character classes of HTTP.
#![forbid(unsafe_code)]

use crate::{Error, Result};

const HEX: &[u8; 16] = b"0123456789abcdef";

/// The lower-case hex digit of a value below 16 (the bound check is optimised away).
fn nibble(n: u8) -> u8 {
    HEX.get(usize::from(n)).copied().unwrap_or(b'0')
}

/// Lower-case hex of `bytes` into `out`, which must be exactly twice as long.
pub(crate) fn hex_encode(bytes: &[u8], out: &mut [u8]) {
    for (b, pair) in bytes.iter().zip(out.chunks_exact_mut(2)) {
        if let [hi, lo] = pair {
            *hi = nibble(b >> 4);
            *lo = nibble(b & 0x0f);
        }
    }
}

/// The value of one lower-case hex digit.
pub(crate) const fn hex_value(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c.wrapping_sub(b'0')),
        b'a'..=b'f' => Some(c.wrapping_sub(b'a' - 10)),
        _ => None,
    }
}

/// RFC 9110 `tchar`.
pub(crate) const fn is_tchar(c: u8) -> bool {
    matches!(c,
        b'!' | b'#' | b'$' | b'%' | b'&' | b'\'' | b'*' | b'+' | b'-' | b'.' | b'^' | b'_'
        | b'`' | b'|' | b'~' | b'0'..=b'9' | b'A'..=b'Z' | b'a'..=b'z')
}

/// Printable ASCII other than `"` and `\`: what a key or nonce may hold, so that
/// it always fits a quoted-string without escapes.
pub(crate) const fn is_header_safe(c: u8) -> bool {
    matches!(c, 0x20..=0x7e) && c != b'"' && c != b'\\'
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
            dst.copy_from_slice(bytes);
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
