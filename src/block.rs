//! The Merkle–Damgård framing that SHA-256 and MD5 share: 64-byte blocks, a
//! `0x80` byte, zeros, and the message length in bits as 64 bits (big-endian
//! for SHA-256, little-endian for MD5). One buffer of `N` blocks, fed in pieces
//! of any size, over a compression function from the hash crates.
//!
//! `N` is the buffer's capacity in blocks, fixed by the type. The buffer is
//! compressed only when it is full or the message ends, so a message that fits
//! (a typical string to sign fits four blocks) is compressed in one call, after
//! all of it is written: each call costs a state load and store, and a block
//! read back right after being written piecewise stalls the loads. One block
//! (the default) keeps the stack smallest.
#![forbid(unsafe_code)]

/// Bytes per block.
pub(crate) const BLOCK: usize = 64;

/// A compression function and how its length field is written.
pub(crate) trait BlockFunction {
    /// The chaining state.
    type State: Copy + AsMut<[u32]>;
    /// Whether the length field is big-endian (SHA-256) or little-endian (MD5).
    const BIG_ENDIAN_LENGTH: bool;
    /// Compresses `blocks` into `state`.
    fn compress(state: &mut Self::State, blocks: &[[u8; BLOCK]]);
    /// [`compress`](Self::compress) on the state's words (compact builds:
    /// one function pointer type for MD5 and SHA-256); a slice of another
    /// length compresses nothing.
    #[cfg(m800_footprint = "compact")]
    fn compress_words(state: &mut [u32], blocks: &[[u8; BLOCK]]);
}

/// A hash computation in progress, buffering up to `N` blocks.
#[derive(Clone)]
pub(crate) struct BlockStream<F: BlockFunction, const N: usize = 1> {
    pub(crate) state: F::State,
    buffer: Buffer<N>,
}

/// How a [`Buffer`] reaches the compression function and the state.
trait Compress {
    /// Compresses `blocks` into the state.
    fn compress(&mut self, blocks: &[[u8; BLOCK]]);
}

/// `F::compress` on the state, called directly (and inlined).
#[cfg(not(m800_footprint = "compact"))]
struct Direct<'s, F: BlockFunction>(&'s mut F::State);

#[cfg(not(m800_footprint = "compact"))]
impl<F: BlockFunction> Compress for Direct<'_, F> {
    #[inline(always)]
    fn compress(&mut self, blocks: &[[u8; BLOCK]]) {
        F::compress(self.0, blocks);
    }
}

/// The state as words and the compression function as a pointer: one type
/// for MD5 and SHA-256, so that compact builds link one copy of the buffer's
/// code.
#[cfg(m800_footprint = "compact")]
struct Erased<'s> {
    state: &'s mut [u32],
    function: fn(&mut [u32], &[[u8; BLOCK]]),
}

#[cfg(m800_footprint = "compact")]
impl Compress for Erased<'_> {
    fn compress(&mut self, blocks: &[[u8; BLOCK]]) {
        (self.function)(self.state, blocks);
    }
}

/// The [`Compress`] of a stream's `$state` for its `F`.
#[cfg(not(m800_footprint = "compact"))]
macro_rules! compressor {
    ($state:expr) => {
        &mut Direct::<F>($state)
    };
}
#[cfg(m800_footprint = "compact")]
macro_rules! compressor {
    ($state:expr) => {
        &mut Erased {
            state: $state.as_mut(),
            function: F::compress_words,
        }
    };
}

impl<F: BlockFunction, const N: usize> BlockStream<F, N> {
    /// Continues from `state` after `blocks` whole blocks.
    pub(crate) fn resume(state: F::State, blocks: u64) -> Self {
        BlockStream {
            state,
            buffer: Buffer {
                buf: [[0; BLOCK]; N],
                fill: 0,
                blocks,
            },
        }
    }

    /// Whether anything was fed since [`resume`](Self::resume) with 0 blocks.
    pub(crate) fn is_empty(&self) -> bool {
        self.buffer.blocks == 0 && self.buffer.fill == 0
    }

    /// The first block of the buffer, for a caller that frames a block itself
    /// (the HMAC outer block) or wipes it; `None` only for the (rejected) N = 0.
    pub(crate) fn first_block(&mut self) -> Option<&mut [u8; BLOCK]> {
        self.buffer.buf.first_mut()
    }

    /// The state and [`first_block`](Self::first_block), borrowed together.
    pub(crate) fn state_and_first_block(&mut self) -> (&mut F::State, Option<&mut [u8; BLOCK]>) {
        (&mut self.state, self.buffer.buf.first_mut())
    }

    /// Adds `data`. Pieces that fit the buffer are only copied.
    #[inline]
    pub(crate) fn update(&mut self, data: &[u8]) {
        self.buffer.update(data, compressor!(&mut self.state));
    }

    /// Compresses the first `count` blocks of the buffer as they stand, for the
    /// last time: the buffer is left as it is, and only
    /// [`first_block`](Self::first_block) and this may follow.
    pub(crate) fn compress_final(&mut self, count: usize) {
        self.buffer
            .compress_final(count, compressor!(&mut self.state));
    }

    /// Appends the padding and compresses everything buffered, in place: the
    /// digest is then `self.state`. No copy of the stream is made (on Cortex-M
    /// every copy is stack). This ends the stream: only
    /// [`first_block`](Self::first_block) and
    /// [`compress_final`](Self::compress_final) may follow.
    pub(crate) fn pad(&mut self) {
        self.buffer
            .pad(F::BIG_ENDIAN_LENGTH, compressor!(&mut self.state));
    }
}

/// A [`BlockStream`]'s buffer and counters: everything but the state, so that
/// its code does not depend on the compression function (see `compressor!`).
///
/// In this order (`repr(C)`) by default, so that LLVM clears `buf` inline
/// rather than merging it with `fill` into a `memset` call; compact builds
/// keep Rust's order, which is smaller (README, "Performance").
#[derive(Clone)]
#[cfg_attr(not(m800_footprint = "compact"), repr(C))]
struct Buffer<const N: usize> {
    /// Bytes waiting in `buf`: `0..=N * BLOCK` (a full buffer is compressed by
    /// the next byte that does not fit, or by [`pad`](Self::pad)). Every byte
    /// of `buf` past `fill` is zero, so padding needs no clearing.
    fill: usize,
    /// Blocks compressed so far (including any precomputed key block).
    blocks: u64,
    buf: [[u8; BLOCK]; N],
}

impl<const N: usize> Buffer<N> {
    const CAPACITY: usize = {
        assert!(N >= 1, "a block stream buffers at least one block");
        N * BLOCK
    };

    /// Adds `data`. Pieces that fit the buffer are only copied.
    #[inline]
    fn update(&mut self, data: &[u8], compress: &mut impl Compress) {
        let end = self.fill.saturating_add(data.len());
        if let Some(dst) = self.buf.as_flattened_mut().get_mut(self.fill..end) {
            copy_short(dst, data);
            self.fill = end;
        } else {
            self.update_overflowing(data, compress);
        }
    }

    /// [`update`](Self::update) for data that does not fit what is left of
    /// the buffer: top it up and compress it, compress whole blocks straight
    /// from `data`, and buffer the rest.
    #[cfg_attr(not(m800_footprint = "compact"), inline(never))]
    fn update_overflowing(&mut self, mut data: &[u8], compress: &mut impl Compress) {
        if self.fill > 0 {
            let flat = self.buf.as_flattened_mut();
            let take = data.len().min(Self::CAPACITY.saturating_sub(self.fill));
            let (head, rest) = data.split_at(take);
            let end = self.fill.saturating_add(take);
            if let Some(dst) = flat.get_mut(self.fill..end) {
                crate::text::copy(dst, head);
            }
            self.fill = end;
            data = rest;
            if self.fill < Self::CAPACITY {
                return;
            }
            self.compress_buffer(N, compress);
        }
        let (blocks, rest) = data.as_chunks::<BLOCK>();
        if !blocks.is_empty() {
            compress.compress(blocks);
            self.blocks = self.blocks.wrapping_add(blocks.len() as u64);
        }
        // `rest` is shorter than a block, so it fits the emptied buffer.
        if let Some(dst) = self.buf.as_flattened_mut().get_mut(..rest.len()) {
            crate::text::copy(dst, rest);
        }
        self.fill = rest.len();
    }

    /// Compresses the first `count` blocks of the buffer as they stand and
    /// empties it (zeroing what was used).
    fn compress_buffer(&mut self, count: usize, compress: &mut impl Compress) {
        self.compress_final(count, compress);
        if let Some(blocks) = self.buf.get_mut(..count) {
            blocks.as_flattened_mut().fill(0);
        }
    }

    /// As [`BlockStream::compress_final`].
    #[cfg_attr(not(m800_footprint = "compact"), inline)]
    fn compress_final(&mut self, count: usize, compress: &mut impl Compress) {
        if let Some(blocks) = self.buf.get(..count) {
            compress.compress(blocks);
            self.blocks = self.blocks.wrapping_add(blocks.len() as u64);
        }
        self.fill = 0;
    }

    /// As [`BlockStream::pad`]; the length field big-endian (SHA-256) or
    /// little-endian (MD5).
    #[cfg_attr(not(m800_footprint = "compact"), inline)]
    fn pad(&mut self, big_endian: bool, compress: &mut impl Compress) {
        let bits = self
            .blocks
            .wrapping_mul(BLOCK as u64)
            .wrapping_add(self.fill as u64)
            .wrapping_mul(8);
        if self.fill == Self::CAPACITY {
            self.compress_buffer(N, compress);
        }
        let fill = self.fill;
        // The padded message ends at the first block boundary with room for
        // the 0x80 byte and the 8-byte length; the zeros are already there.
        let end = fill.saturating_add(1 + 8).next_multiple_of(BLOCK);
        if let Some(first) = self.buf.as_flattened_mut().get_mut(fill) {
            *first = 0x80;
        }
        let blocks = if end > Self::CAPACITY {
            // The 0x80 byte took the buffer's last room: the length goes alone
            // in one more block.
            self.compress_buffer(N, compress);
            1
        } else {
            end / BLOCK
        };
        let length_end = blocks.saturating_mul(BLOCK);
        if let Some(len) = self
            .buf
            .as_flattened_mut()
            .get_mut(length_end.saturating_sub(8)..length_end)
        {
            crate::text::copy(
                len,
                &if big_endian {
                    bits.to_be_bytes()
                } else {
                    bits.to_le_bytes()
                },
            );
        }
        self.compress_final(blocks, compress);
    }
}

/// `dst.copy_from_slice(src)` for slices of equal length, inlined for the
/// short pieces a string to sign is made of: two overlapping fixed-width
/// copies instead of a call to `memcpy` (a plain call in compact builds).
#[inline(always)]
fn copy_short(dst: &mut [u8], src: &[u8]) {
    if cfg!(m800_footprint = "compact") {
        crate::text::copy(dst, src);
        return;
    }
    fn overlapping<const W: usize>(dst: &mut [u8], src: &[u8]) {
        if let (Some(d), Some(s)) = (dst.first_chunk_mut::<W>(), src.first_chunk::<W>()) {
            *d = *s;
        }
        if let (Some(d), Some(s)) = (dst.last_chunk_mut::<W>(), src.last_chunk::<W>()) {
            *d = *s;
        }
    }
    match src.len() {
        16..=32 => overlapping::<16>(dst, src),
        8..=15 => overlapping::<8>(dst, src),
        4..=7 => overlapping::<4>(dst, src),
        _ => crate::text::copy(dst, src),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::digest::Md5;
    use crate::hmac::Sha256;
    use proptest::prelude::*;
    use sha2::Digest;
    use std::{vec, vec::Vec};

    /// Hashes `data` fed in the pieces `cuts` makes, through an `N`-block buffer.
    fn hash<F: BlockFunction, const N: usize>(
        iv: F::State,
        data: &[u8],
        cuts: &[usize],
    ) -> F::State {
        let mut stream = BlockStream::<F, N>::resume(iv, 0);
        let mut rest = data;
        for &cut in cuts {
            let (piece, tail) = rest.split_at(cut.min(rest.len()));
            stream.update(piece);
            rest = tail;
        }
        stream.update(rest);
        stream.pad();
        stream.state
    }

    fn sha256_bytes(state: [u32; 8]) -> Vec<u8> {
        state.iter().flat_map(|w| w.to_be_bytes()).collect()
    }

    fn md5_bytes(state: [u32; 4]) -> Vec<u8> {
        state.iter().flat_map(|w| w.to_le_bytes()).collect()
    }

    proptest! {
        /// Every buffer size, any way of cutting the message (pieces that
        /// fill the buffer exactly, overflow it, or span several blocks) and
        /// every padding case gives the hash crates' digests.
        #[test]
        #[cfg_attr(miri, ignore = "safe code only; too slow under Miri")]
        fn any_buffer_any_pieces(
            data in proptest::collection::vec(any::<u8>(), 0..700),
            cuts in proptest::collection::vec(0usize..300, 0..8),
        ) {
            let sha = sha2::Sha256::digest(&data).to_vec();
            let iv = crate::hmac::IV;
            prop_assert_eq!(sha256_bytes(hash::<Sha256, 1>(iv, &data, &cuts)), sha.clone());
            prop_assert_eq!(sha256_bytes(hash::<Sha256, 2>(iv, &data, &cuts)), sha.clone());
            prop_assert_eq!(sha256_bytes(hash::<Sha256, 4>(iv, &data, &cuts)), sha);
            let md5 = md5::Md5::digest(&data).to_vec();
            let iv = crate::digest::MD5_IV;
            prop_assert_eq!(md5_bytes(hash::<Md5, 1>(iv, &data, &cuts)), md5.clone());
            prop_assert_eq!(md5_bytes(hash::<Md5, 4>(iv, &data, &cuts)), md5);
        }
    }

    /// Lengths around every block and buffer boundary, byte by byte.
    #[test]
    #[cfg_attr(miri, ignore = "safe code only; too slow under Miri")]
    fn boundaries() {
        let data: Vec<u8> = (0..=600u32).map(|i| (i * 7 + 3) as u8).collect();
        for len in 0..data.len() {
            let message = &data[..len];
            let want = sha2::Sha256::digest(message).to_vec();
            let cuts: Vec<usize> = vec![1; len];
            assert_eq!(
                sha256_bytes(hash::<Sha256, 4>(crate::hmac::IV, message, &[])),
                want,
                "{len}"
            );
            assert_eq!(
                sha256_bytes(hash::<Sha256, 4>(crate::hmac::IV, message, &cuts)),
                want,
                "{len}"
            );
            assert_eq!(
                sha256_bytes(hash::<Sha256, 1>(crate::hmac::IV, message, &cuts)),
                want,
                "{len}"
            );
        }
    }
}
