//! SHA-256 mid-stream states over `sha2`'s compression function, and the
//! HMAC-SHA256 construction (RFC 2104) on top of them.
//!
//! Why not the `hmac` crate's `Hmac<Sha256>`: a signature here is a handful of
//! short pieces fed into a precomputed keyed state, so the fixed costs around
//! the compression function dominate. The keyed state is two bare SHA-256
//! midstates (64 bytes) and the outer block is written directly (the figures
//! behind this are in the README's performance section). The `hmac` crate
//! remains the oracle: the property tests compare every output with it.
#![forbid(unsafe_code)]

use crate::block::{BlockFunction, BlockStream, BLOCK};
use crate::sha256_compress::compress as compress256;
use zeroize::Zeroize;

pub(crate) const IV: [u32; 8] = [
    0x6a09_e667,
    0xbb67_ae85,
    0x3c6e_f372,
    0xa54f_f53a,
    0x510e_527f,
    0x9b05_688c,
    0x1f83_d9ab,
    0x5be0_cd19,
];
/// SHA-256's compression function, from `sha2`.
#[derive(Clone)]
pub(crate) struct Sha256;

impl BlockFunction for Sha256 {
    type State = [u32; 8];
    const BIG_ENDIAN_LENGTH: bool = true;
    fn compress(state: &mut [u32; 8], blocks: &[[u8; BLOCK]]) {
        compress256(state, blocks);
    }
    #[cfg(m800_footprint = "compact")]
    fn compress_words(state: &mut [u32], blocks: &[[u8; BLOCK]]) {
        if let Ok(state) = state.try_into() {
            Self::compress(state, blocks);
        }
    }
}

/// A SHA-256 computation in progress, buffering one block.
///
/// Started from a keyed midstate it holds key material until its first
/// compression; [`HmacKey::finish`] always compresses, so none is left once a
/// MAC is finished, and the per-request state needs no wiping.
pub(crate) type Sha256Stream = BlockStream<Sha256>;

/// Blocks a MAC computation buffers. Four (256 bytes) hold a typical string to
/// sign with its padding, so its inner hash is one compression call made after
/// the whole message is written (benches/sign.rs, `signature_vs_floor`).
/// `--cfg m800_footprint="compact"` keeps one block, for the smallest stack on
/// microcontrollers.
#[cfg(not(m800_footprint = "compact"))]
pub(crate) const MAC_BLOCKS: usize = 4;
/// Blocks a MAC computation buffers: one, for the smallest stack.
#[cfg(m800_footprint = "compact")]
pub(crate) const MAC_BLOCKS: usize = 1;

/// Blocks the verifier's MAC buffers: three (192 bytes) still hold a typical
/// received string to sign in one call, and the block less is stack under the
/// verifier's own frames.
#[cfg(not(m800_footprint = "compact"))]
pub(crate) const VERIFY_MAC_BLOCKS: usize = 3;
/// Blocks the verifier's MAC buffers: one, as [`MAC_BLOCKS`].
#[cfg(m800_footprint = "compact")]
pub(crate) const VERIFY_MAC_BLOCKS: usize = 1;

/// A MAC computation in progress, buffering `N` blocks (see [`MAC_BLOCKS`]).
pub(crate) type MacStream<const N: usize = MAC_BLOCKS> = BlockStream<Sha256, N>;

/// A plain SHA-256 of everything `feed` hands over.
pub(crate) fn sha256(feed: impl FnOnce(&mut Sha256Stream)) -> [u8; 32] {
    let mut stream = Sha256Stream::resume(IV, 0);
    feed(&mut stream);
    stream.pad();
    state_bytes(&stream.state)
}

fn state_bytes(state: &[u32; 8]) -> [u8; 32] {
    let mut out = [0u8; 32];
    put_state(state, &mut out);
    out
}

/// Writes the state big-endian into the first 32 bytes of `out`.
fn put_state(state: &[u32; 8], out: &mut [u8]) {
    for (dst, word) in out.as_chunks_mut::<4>().0.iter_mut().zip(state) {
        *dst = word.to_be_bytes();
    }
}

/// The keyed HMAC-SHA256 state: SHA-256 midstates after the inner (`key ^ ipad`)
/// and outer (`key ^ opad`) key blocks. Zeroized on drop.
#[derive(Clone)]
pub(crate) struct HmacKey {
    inner: [u32; 8],
    outer: [u32; 8],
}

impl HmacKey {
    pub(crate) fn new(secret: &[u8]) -> HmacKey {
        // One stream serves for everything: it hashes a long secret, and its
        // block then holds the key block, XORed in place with each pad.
        let mut h = Sha256Stream::resume(IV, 0);
        let mut key = [0u8; BLOCK];
        if secret.len() > BLOCK {
            h.update(secret);
            h.pad();
            put_state(&h.state, &mut key);
        } else if let Some(dst) = key.get_mut(..secret.len()) {
            crate::text::copy(dst, secret);
        }
        let mut midstate = |pad: u8| {
            for k in key.iter_mut() {
                *k ^= pad;
            }
            let mut state = IV;
            compress256(&mut state, core::slice::from_ref(&key));
            state
        };
        let inner = midstate(0x36);
        // The block now holds key ^ ipad: XOR with ipad ^ opad gives key ^ opad.
        let outer = midstate(0x36 ^ 0x5c);
        key.zeroize();
        if let Some(block) = h.first_block() {
            block.zeroize();
        }
        h.state.zeroize();
        HmacKey { inner, outer }
    }

    /// A MAC computation over this key: feed the message, then [`finish`](Self::finish).
    pub(crate) fn start<const N: usize>(&self) -> MacStream<N> {
        MacStream::resume(self.inner, 1)
    }

    /// The tag of the message fed into `stream` (from [`start`](Self::start)).
    /// The outer hash reuses the stream's own block and state, so a MAC needs
    /// no second 64-byte buffer.
    pub(crate) fn finish<const N: usize>(&self, stream: &mut MacStream<N>) -> [u8; 32] {
        stream.pad();
        let (state, block) = stream.state_and_first_block();
        if let Some(block) = block {
            // The outer message is the 32-byte inner hash after one key block:
            // one block with fixed padding, (64 + 32) * 8 = 768 bits.
            let (digest, padding) = block.split_at_mut(32);
            put_state(state, digest);
            put_outer_padding(padding);
        }
        *state = self.outer;
        stream.compress_final(1);
        state_bytes(&stream.state)
    }
}

/// Writes the outer block's padding half: `0x80`, zeros, the length 768 bits.
/// By default one constant: whole-lane stores that the compression's 16-byte
/// loads can read straight back.
#[cfg(not(m800_footprint = "compact"))]
fn put_outer_padding(padding: &mut [u8]) {
    const OUTER_PADDING: [u8; 32] = {
        let mut p = [0u8; 32];
        p[0] = 0x80;
        let bits = 768u16.to_be_bytes();
        p[30] = bits[0];
        p[31] = bits[1];
        p
    };
    crate::text::copy(padding, &OUTER_PADDING);
}

/// Writes the outer block's padding half: `0x80`, zeros, the length 768 bits.
/// Compact builds clear and set three bytes (a 32-byte constant would join
/// the section of 32-byte constants every firmware image links).
#[cfg(m800_footprint = "compact")]
fn put_outer_padding(padding: &mut [u8]) {
    padding.fill(0);
    if let Some(first) = padding.first_mut() {
        *first = 0x80;
    }
    if let Some(bits) = padding.last_chunk_mut::<2>() {
        *bits = 768u16.to_be_bytes();
    }
}

impl Drop for HmacKey {
    fn drop(&mut self) {
        self.inner.zeroize();
        self.outer.zeroize();
    }
}
