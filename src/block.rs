//! The Merkle–Damgård framing that SHA-256 and MD5 share: 64-byte blocks, a
//! `0x80` byte, zeros, and the message length in bits as 64 bits (big-endian
//! for SHA-256, little-endian for MD5). One buffer, fed in pieces of any size,
//! over a compression function from the hash crates.
#![forbid(unsafe_code)]

/// Bytes per block.
pub(crate) const BLOCK: usize = 64;

/// A compression function and how its length field is written.
pub(crate) trait BlockFunction {
    /// The chaining state.
    type State: Copy;
    /// Whether the length field is big-endian (SHA-256) or little-endian (MD5).
    const BIG_ENDIAN_LENGTH: bool;
    /// Compresses `blocks` into `state`.
    fn compress(state: &mut Self::State, blocks: &[[u8; BLOCK]]);
}

/// A hash computation in progress.
#[derive(Clone)]
pub(crate) struct BlockStream<F: BlockFunction> {
    pub(crate) state: F::State,
    pub(crate) block: [u8; BLOCK],
    fill: usize,
    /// Blocks compressed so far (including any precomputed key block).
    blocks: u64,
}

impl<F: BlockFunction> BlockStream<F> {
    /// Continues from `state` after `blocks` whole blocks.
    pub(crate) fn resume(state: F::State, blocks: u64) -> Self {
        BlockStream {
            state,
            block: [0; BLOCK],
            fill: 0,
            blocks,
        }
    }

    /// Whether anything was fed since [`resume`](Self::resume) with 0 blocks.
    pub(crate) fn is_empty(&self) -> bool {
        self.blocks == 0 && self.fill == 0
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
            F::compress(&mut self.state, core::slice::from_ref(&self.block));
            self.blocks = self.blocks.wrapping_add(1);
            self.fill = 0;
        }
        let (blocks, rest) = data.as_chunks::<BLOCK>();
        if !blocks.is_empty() {
            F::compress(&mut self.state, blocks);
            self.blocks = self.blocks.wrapping_add(blocks.len() as u64);
        }
        if let Some(dst) = self.block.get_mut(..rest.len()) {
            dst.copy_from_slice(rest);
        }
        self.fill = rest.len();
    }

    /// Appends the padding and compresses it, in place: the digest is then
    /// `self.state`. No copy of the stream is made (on Cortex-M every copy is
    /// stack).
    pub(crate) fn pad(&mut self) {
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
            F::compress(&mut self.state, core::slice::from_ref(&self.block));
            self.block.fill(0);
        }
        if let Some(len) = self.block.last_chunk_mut::<8>() {
            *len = if F::BIG_ENDIAN_LENGTH {
                bits.to_be_bytes()
            } else {
                bits.to_le_bytes()
            };
        }
        F::compress(&mut self.state, core::slice::from_ref(&self.block));
    }
}
