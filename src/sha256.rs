//! SHA-256 mid-stream states over `sha2`'s compression function, and the
//! HMAC-SHA256 construction (RFC 2104) on top of them.
//!
//! Why not the `hmac` crate's `Hmac<Sha256>`: a signature here is a handful of
//! short pieces fed into a precomputed keyed state, so the fixed costs around
//! the compression function dominate. Keeping the keyed state as two bare
//! SHA-256 midstates (64 bytes) and writing the outer block directly measured
//! faster on x86-64 and smaller in code and stack on Cortex-M than the generic
//! block-buffer machinery (see the README's performance notes). The `hmac`
//! crate remains the oracle: the property tests compare every output with it.
#![forbid(unsafe_code)]

use sha2::block_api::compress256;
use zeroize::Zeroize;

const IV: [u32; 8] = [
    0x6a09_e667,
    0xbb67_ae85,
    0x3c6e_f372,
    0xa54f_f53a,
    0x510e_527f,
    0x9b05_688c,
    0x1f83_d9ab,
    0x5be0_cd19,
];
const BLOCK: usize = 64;

/// A SHA-256 computation in progress.
///
/// Started from a keyed midstate it holds key material until its first
/// compression; [`HmacKey::finish`] always compresses, so none is left once a
/// MAC is finished, and the per-request state needs no wiping (which measured
/// at a third of a signature's cost).
#[derive(Clone)]
pub(crate) struct Sha256Stream {
    state: [u32; 8],
    block: [u8; BLOCK],
    fill: usize,
    /// Blocks compressed so far (including any precomputed key block).
    blocks: u64,
}

impl Sha256Stream {
    /// A plain SHA-256.
    pub(crate) fn new() -> Self {
        Self::resume(IV, 0)
    }

    /// Continues from `state` after `blocks` whole blocks.
    fn resume(state: [u32; 8], blocks: u64) -> Self {
        Sha256Stream {
            state,
            block: [0; BLOCK],
            fill: 0,
            blocks,
        }
    }

    pub(crate) fn update(&mut self, mut data: &[u8]) {
        if self.fill > 0 {
            let take = data.len().min(BLOCK.saturating_sub(self.fill));
            let (head, rest) = data.split_at(take);
            let end = self.fill.saturating_add(take);
            if let Some(dst) = self.block.get_mut(self.fill..end) {
                dst.copy_from_slice(head);
            }
            self.fill = end;
            data = rest;
            if self.fill < BLOCK {
                return;
            }
            compress256(&mut self.state, core::slice::from_ref(&self.block));
            self.blocks = self.blocks.wrapping_add(1);
            self.fill = 0;
        }
        let (blocks, rest) = data.as_chunks::<BLOCK>();
        if !blocks.is_empty() {
            compress256(&mut self.state, blocks);
            self.blocks = self.blocks.wrapping_add(blocks.len() as u64);
        }
        if let Some(dst) = self.block.get_mut(..rest.len()) {
            dst.copy_from_slice(rest);
        }
        self.fill = rest.len();
    }

    /// The digest of everything fed in.
    pub(crate) fn finalize(mut self) -> [u8; 32] {
        self.pad();
        state_bytes(&self.state)
    }

    /// Appends the padding and compresses it, in place: the digest is then
    /// `self.state`. No copy of the stream is made (on Cortex-M every copy of
    /// its 112 bytes is stack).
    fn pad(&mut self) {
        let bits = self
            .blocks
            .wrapping_mul(BLOCK as u64)
            .wrapping_add(self.fill as u64)
            .wrapping_mul(8);
        let fill = self.fill;
        if let Some(tail) = self.block.get_mut(fill..) {
            tail.fill(0);
            if let Some(first) = tail.first_mut() {
                *first = 0x80;
            }
        }
        if fill >= BLOCK - 8 {
            compress256(&mut self.state, core::slice::from_ref(&self.block));
            self.block.fill(0);
        }
        if let Some(len) = self.block.last_chunk_mut::<8>() {
            *len = bits.to_be_bytes();
        }
        compress256(&mut self.state, core::slice::from_ref(&self.block));
    }
}

fn state_bytes(state: &[u32; 8]) -> [u8; 32] {
    let mut out = [0u8; 32];
    put_state(state, &mut out);
    out
}

/// Writes the state big-endian into the first 32 bytes of `out`.
fn put_state(state: &[u32; 8], out: &mut [u8]) {
    for (dst, word) in out.chunks_exact_mut(4).zip(state) {
        dst.copy_from_slice(&word.to_be_bytes());
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
        let mut h = Sha256Stream::new();
        if secret.len() > BLOCK {
            h.update(secret);
            h.pad();
            h.block.fill(0);
            put_state(&h.state, &mut h.block);
        } else if let Some(dst) = h.block.get_mut(..secret.len()) {
            dst.copy_from_slice(secret);
        }
        let mut midstate = |pad: u8| {
            for k in h.block.iter_mut() {
                *k ^= pad;
            }
            let mut state = IV;
            compress256(&mut state, core::slice::from_ref(&h.block));
            state
        };
        let inner = midstate(0x36);
        // The block now holds key ^ ipad: XOR with ipad ^ opad gives key ^ opad.
        let outer = midstate(0x36 ^ 0x5c);
        h.block.zeroize();
        h.state.zeroize();
        HmacKey { inner, outer }
    }

    /// A MAC computation over this key: feed the message, then [`finish`](Self::finish).
    pub(crate) fn start(&self) -> Sha256Stream {
        Sha256Stream::resume(self.inner, 1)
    }

    /// The tag of the message fed into `stream` (from [`start`](Self::start)).
    /// The outer hash reuses the stream's own block and state, so a MAC needs
    /// no second 64-byte buffer.
    pub(crate) fn finish(&self, stream: &mut Sha256Stream) -> [u8; 32] {
        stream.pad();
        // The outer message is the 32-byte inner hash after one key block:
        // one block with fixed padding, (64 + 32) * 8 = 768 bits.
        stream.block.fill(0);
        put_state(&stream.state, &mut stream.block);
        if let Some(first) = stream.block.get_mut(32) {
            *first = 0x80;
        }
        if let Some(len) = stream.block.last_chunk_mut::<2>() {
            *len = 768u16.to_be_bytes();
        }
        stream.state = self.outer;
        compress256(&mut stream.state, core::slice::from_ref(&stream.block));
        state_bytes(&stream.state)
    }
}

impl Drop for HmacKey {
    fn drop(&mut self) {
        self.inner.zeroize();
        self.outer.zeroize();
    }
}
