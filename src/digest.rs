//! `Content-MD5`: the lower-case hex MD5 of the exact body bytes (not RFC 1864's
//! base64), and the empty string when there is no body.
#![forbid(unsafe_code)]

use crate::block::{BlockFunction, BlockStream, BLOCK};
use crate::limits::CONTENT_MD5_LEN;
use crate::text::{hex_encode, hex_value};
use crate::{Error, Result};

/// A `Content-MD5` header value: 32 lower-case hex digits, or empty for no body.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct ContentMd5 {
    hex: [u8; CONTENT_MD5_LEN],
    present: bool,
}

impl ContentMd5 {
    /// The value for a request without a body: the empty string.
    pub const NONE: ContentMd5 = ContentMd5 {
        hex: [0; CONTENT_MD5_LEN],
        present: false,
    };

    /// The value for `body`, one-shot. An empty body gives [`ContentMd5::NONE`].
    pub fn of(body: &[u8]) -> ContentMd5 {
        let mut stream = Md5Stream::new();
        stream.update(body);
        stream.finish()
    }

    fn from_digest(digest: &[u8]) -> ContentMd5 {
        let mut hex = [0; CONTENT_MD5_LEN];
        hex_encode(digest, &mut hex);
        ContentMd5 { hex, present: true }
    }

    /// The header value (empty when there is no body).
    pub fn as_str(&self) -> &str {
        if self.present {
            // Only ASCII hex digits are ever stored.
            core::str::from_utf8(&self.hex).unwrap_or_default()
        } else {
            ""
        }
    }

    /// Whether the request has a body (and so a `Content-MD5` header).
    pub fn is_present(&self) -> bool {
        self.present
    }
}

impl ContentMd5 {
    /// Reads a `Content-MD5` value: the empty string ([`ContentMd5::NONE`]) or
    /// 32 lower-case hex digits, e.g. the text a finished [`Md5Stream`] gave
    /// (through the C API's `m800_md5_final`). Anything else is
    /// [`Error::InvalidContentMd5`]. This is the one check of the format.
    ///
    /// ```
    /// use m800_sign::ContentMd5;
    /// let md5 = ContentMd5::from_hex("900150983cd24fb0d6963f7d28e17f72")?;
    /// assert_eq!(md5, ContentMd5::of(b"abc"));
    /// assert_eq!(ContentMd5::from_hex("")?, ContentMd5::NONE);
    /// assert!(ContentMd5::from_hex("900150983CD24FB0D6963F7D28E17F72").is_err());
    /// # Ok::<(), m800_sign::Error>(())
    /// ```
    pub fn from_hex(text: &str) -> Result<ContentMd5> {
        if text.is_empty() {
            return Ok(ContentMd5::NONE);
        }
        let hex: [u8; CONTENT_MD5_LEN] = text
            .as_bytes()
            .try_into()
            .map_err(|_| Error::InvalidContentMd5)?;
        if !hex.iter().all(|&c| hex_value(c).is_some()) {
            return Err(Error::InvalidContentMd5);
        }
        Ok(ContentMd5 { hex, present: true })
    }
}

impl core::fmt::Debug for ContentMd5 {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_tuple("ContentMd5").field(&self.as_str()).finish()
    }
}

/// Streaming `Content-MD5`, for bodies read in chunks (from flash, a socket).
///
/// ```
/// use m800_sign::{ContentMd5, Md5Stream};
/// let mut md5 = Md5Stream::new();
/// md5.update(b"{\"appMessage\":");
/// md5.update(b"{\"content\":\"ping\"}}");
/// assert_eq!(md5.finish(), ContentMd5::of(b"{\"appMessage\":{\"content\":\"ping\"}}"));
/// ```
#[derive(Clone)]
pub struct Md5Stream(BlockStream<Md5>);

impl Default for Md5Stream {
    fn default() -> Self {
        Md5Stream(BlockStream::resume(MD5_IV, 0))
    }
}

impl Md5Stream {
    /// An empty stream.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds the next chunk of the body.
    pub fn update(&mut self, chunk: &[u8]) {
        self.0.update(chunk);
    }

    /// The value for everything added; [`ContentMd5::NONE`] when nothing was.
    pub fn finish(mut self) -> ContentMd5 {
        if self.0.is_empty() {
            return ContentMd5::NONE;
        }
        self.0.pad();
        let mut digest = [0u8; 16];
        for (dst, word) in digest.chunks_exact_mut(4).zip(self.0.state) {
            dst.copy_from_slice(&word.to_le_bytes());
        }
        ContentMd5::from_digest(&digest)
    }
}

pub(crate) const MD5_IV: [u32; 4] = [0x6745_2301, 0xefcd_ab89, 0x98ba_dcfe, 0x1032_5476];

/// MD5's compression function: `md-5`'s (unrolled, fastest) by default; with
/// `--cfg m800_footprint="compact"` (bare-metal builds) the looped one below, about
/// 1.4 KB smaller on Cortex-M.
#[derive(Clone)]
pub(crate) struct Md5;

impl BlockFunction for Md5 {
    type State = [u32; 4];
    const BIG_ENDIAN_LENGTH: bool = false;
    fn compress(state: &mut [u32; 4], blocks: &[[u8; BLOCK]]) {
        #[cfg(not(m800_footprint = "compact"))]
        md5::block_api::compress(state, blocks);
        #[cfg(m800_footprint = "compact")]
        compress_compact(state, blocks);
    }
}

#[cfg(any(test, m800_footprint = "compact"))]
/// RFC 1321's sine table: `floor(abs(sin(i + 1)) * 2^32)`.
const K: [u32; 64] = [
    0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501,
    0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821,
    0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa, 0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
    0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed, 0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a,
    0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70,
    0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
    0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
    0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391,
];
#[cfg(any(test, m800_footprint = "compact"))]
/// RFC 1321's shift amounts, four per round.
const S: [u32; 16] = [7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21];

/// MD5's compression function as one loop over the 64 steps (RFC 1321 3.4):
/// the size-optimised alternative to `md-5`'s unrolled one. The tests compare
/// the two on every build.
#[cfg(any(test, m800_footprint = "compact"))]
// Index arithmetic on bounded loop counters (i < 64, results taken mod 16).
#[allow(clippy::arithmetic_side_effects)]
pub(crate) fn compress_compact(state: &mut [u32; 4], blocks: &[[u8; BLOCK]]) {
    for block in blocks {
        let mut m = [0u32; 16];
        for (word, bytes) in m.iter_mut().zip(block.chunks_exact(4)) {
            let mut le = [0u8; 4];
            le.copy_from_slice(bytes);
            *word = u32::from_le_bytes(le);
        }
        let [mut a, mut b, mut c, mut d] = *state;
        for (i, &k) in K.iter().enumerate() {
            let (f, g) = match i / 16 {
                0 => ((b & c) | (!b & d), i),
                1 => ((d & b) | (!d & c), (5 * i + 1) % 16),
                2 => (b ^ c ^ d, (3 * i + 5) % 16),
                _ => (c ^ (b | !d), (7 * i) % 16),
            };
            let shift = S.get((i / 16) * 4 + i % 4).copied().unwrap_or(0);
            let sum = f
                .wrapping_add(a)
                .wrapping_add(k)
                .wrapping_add(m.get(g).copied().unwrap_or(0));
            a = d;
            d = c;
            c = b;
            b = b.wrapping_add(sum.rotate_left(shift));
        }
        for (s, v) in state.iter_mut().zip([a, b, c, d]) {
            *s = s.wrapping_add(v);
        }
    }
}

impl core::fmt::Debug for Md5Stream {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Md5Stream").finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The looped compression function equals md-5's on every build, so the
    /// bare-metal choice is tested on the host too.
    #[test]
    fn compact_md5_equals_md5_crate() {
        let mut x = 0x1234_5678u32;
        for n in 0..64 {
            let mut storage = [[0u8; BLOCK]; 4];
            let blocks = &mut storage[..n % 4 + 1];
            for byte in blocks.iter_mut().flatten() {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                *byte = x as u8;
            }
            let (mut a, mut b) = (MD5_IV, MD5_IV);
            compress_compact(&mut a, blocks);
            md5::block_api::compress(&mut b, blocks);
            assert_eq!(a, b, "{n}");
        }
    }
}
