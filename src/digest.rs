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
    ///
    /// ```
    /// use m800_sign::ContentMd5;
    /// assert_eq!(ContentMd5::of(b"abc").as_str(), "900150983cd24fb0d6963f7d28e17f72");
    /// assert_eq!(ContentMd5::of(b""), ContentMd5::NONE);
    /// ```
    pub fn of(body: &[u8]) -> ContentMd5 {
        let mut stream = Md5Stream::new();
        stream.update(body);
        stream.finish_in_place()
    }

    /// The header value (empty when there is no body).
    ///
    /// ```
    /// use m800_sign::ContentMd5;
    /// let md5 = ContentMd5::of(br#"{"appMessage":{"content":"ping"}}"#);
    /// assert_eq!(md5.as_str(), "cb0e8ec5b4ee7678bce015b9755a0156");
    /// assert_eq!(ContentMd5::NONE.as_str(), "");
    /// ```
    pub fn as_str(&self) -> &str {
        // Only ASCII hex digits are ever stored.
        core::str::from_utf8(self.as_bytes()).unwrap_or_default()
    }

    /// The header value's bytes (ASCII hex; empty when there is no body): what
    /// the signing path and the C layer use, so that a firmware image links no
    /// UTF-8 check for them.
    pub(crate) fn as_bytes(&self) -> &[u8] {
        if self.present {
            &self.hex
        } else {
            b""
        }
    }

    /// Whether the request has a body (and so a `Content-MD5` header).
    ///
    /// ```
    /// use m800_sign::ContentMd5;
    /// assert!(ContentMd5::of(b"{}").is_present());
    /// assert!(!ContentMd5::of(b"").is_present());
    /// ```
    pub fn is_present(&self) -> bool {
        self.present
    }
}

impl ContentMd5 {
    /// Reads a `Content-MD5` value: the empty string ([`ContentMd5::NONE`]) or
    /// 32 lower-case hex digits, e.g. a digest computed earlier and kept as
    /// text. Anything else is
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
    ///
    /// ```
    /// use m800_sign::{ContentMd5, Md5Stream};
    /// assert_eq!(Md5Stream::new().finish(), ContentMd5::NONE);
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds the next chunk of the body. Chunks may have any size, empty included.
    ///
    /// ```
    /// use m800_sign::{ContentMd5, Md5Stream};
    /// let mut md5 = Md5Stream::new();
    /// for chunk in [&b"a"[..], b"", b"bc"] {
    ///     md5.update(chunk);
    /// }
    /// assert_eq!(md5.finish(), ContentMd5::of(b"abc"));
    /// ```
    pub fn update(&mut self, chunk: &[u8]) {
        self.0.update(chunk);
    }

    /// The value for everything added; [`ContentMd5::NONE`] when nothing was.
    /// Use it as [`Body::Digest`](crate::Body::Digest) to sign the body.
    ///
    /// ```
    /// use m800_sign::Md5Stream;
    /// let mut md5 = Md5Stream::new();
    /// md5.update(br#"{"appMessage":{"content":"ping"}}"#);
    /// assert_eq!(md5.finish().as_str(), "cb0e8ec5b4ee7678bce015b9755a0156");
    /// ```
    pub fn finish(mut self) -> ContentMd5 {
        self.finish_in_place()
    }

    /// [`finish`](Self::finish) without moving the stream (on a Cortex-M a
    /// move is a second copy of it on the stack); the stream is spent.
    fn finish_in_place(&mut self) -> ContentMd5 {
        if self.0.is_empty() {
            return ContentMd5::NONE;
        }
        self.0.pad();
        // Each state word's hex, little-endian: no 16-byte digest staged.
        let mut hex = [0; CONTENT_MD5_LEN];
        for (dst, word) in hex.as_chunks_mut::<8>().0.iter_mut().zip(self.0.state) {
            hex_encode(&word.to_le_bytes(), dst);
        }
        ContentMd5 { hex, present: true }
    }
}

pub(crate) const MD5_IV: [u32; 4] = [0x6745_2301, 0xefcd_ab89, 0x98ba_dcfe, 0x1032_5476];

/// MD5's compression function ([`crate::md5_compress`]).
#[derive(Clone)]
pub(crate) struct Md5;

impl BlockFunction for Md5 {
    type State = [u32; 4];
    const BIG_ENDIAN_LENGTH: bool = false;
    fn compress(state: &mut [u32; 4], blocks: &[[u8; BLOCK]]) {
        crate::md5_compress::compress(state, blocks);
    }
    #[cfg(m800_footprint = "compact")]
    fn compress_words(state: &mut [u32], blocks: &[[u8; BLOCK]]) {
        if let Ok(state) = state.try_into() {
            Self::compress(state, blocks);
        }
    }
}

impl core::fmt::Debug for Md5Stream {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Md5Stream").finish_non_exhaustive()
    }
}
