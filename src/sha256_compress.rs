//! SHA-256's compression function (FIPS 180-4 6.2.2): `sha2`'s own by default,
//! and under `--cfg m800_footprint="compact"` a rolled one written for small
//! cores: on a Cortex-M3 neither of `sha2`'s backends meets the embedded budgets
//! (signature speed no worse than Mbed TLS, sign-only library at most 8 KiB;
//! the figures are in the README, "Performance"). Two rounds per loop pass,
//! the second naming the working variables in rotated order, so only the pass
//! moves them (once, two places); the message schedule is the 16-word window,
//! updated in place two words per pass. `sha2` is the tests' oracle.
#![forbid(unsafe_code)]

#[cfg(any(test, m800_footprint = "compact"))]
use crate::block::BLOCK;

/// SHA-256's compression function for this build: folds each block into `state`.
#[cfg(not(m800_footprint = "compact"))]
pub(crate) use sha2::block_api::compress256 as compress;

/// SHA-256's compression function for this build: folds each block into `state`.
#[cfg(m800_footprint = "compact")]
pub(crate) use compress_rolled as compress;

/// FIPS 180-4 4.2.2: the round constants.
#[cfg(any(test, m800_footprint = "compact"))]
const K: [[u32; 4]; 16] = [
    [0x428a_2f98, 0x7137_4491, 0xb5c0_fbcf, 0xe9b5_dba5],
    [0x3956_c25b, 0x59f1_11f1, 0x923f_82a4, 0xab1c_5ed5],
    [0xd807_aa98, 0x1283_5b01, 0x2431_85be, 0x550c_7dc3],
    [0x72be_5d74, 0x80de_b1fe, 0x9bdc_06a7, 0xc19b_f174],
    [0xe49b_69c1, 0xefbe_4786, 0x0fc1_9dc6, 0x240c_a1cc],
    [0x2de9_2c6f, 0x4a74_84aa, 0x5cb0_a9dc, 0x76f9_88da],
    [0x983e_5152, 0xa831_c66d, 0xb003_27c8, 0xbf59_7fc7],
    [0xc6e0_0bf3, 0xd5a7_9147, 0x06ca_6351, 0x1429_2967],
    [0x27b7_0a85, 0x2e1b_2138, 0x4d2c_6dfc, 0x5338_0d13],
    [0x650a_7354, 0x766a_0abb, 0x81c2_c92e, 0x9272_2c85],
    [0xa2bf_e8a1, 0xa81a_664b, 0xc24b_8b70, 0xc76c_51a3],
    [0xd192_e819, 0xd699_0624, 0xf40e_3585, 0x106a_a070],
    [0x19a4_c116, 0x1e37_6c08, 0x2748_774c, 0x34b0_bcb5],
    [0x391c_0cb3, 0x4ed8_aa4a, 0x5b9c_ca4f, 0x682e_6ff3],
    [0x748f_82ee, 0x78a5_636f, 0x84c8_7814, 0x8cc7_0208],
    [0x90be_fffa, 0xa450_6ceb, 0xbef9_a3f7, 0xc671_78f2],
];

/// SHA-256's compression function, two rounds per loop pass (the schedule
/// inlined: out of line, its call costs more code than it saves).
#[cfg(any(test, m800_footprint = "compact"))]
// Every index is masked to its array's length (`& 31` of the 32 constant
// pairs, `& 7` of the window's 8 pairs), so no index is out of bounds (and
// the firmware CI checks that no panic path is linked).
#[allow(clippy::indexing_slicing)]
pub(crate) fn compress_rolled(state: &mut [u32; 8], blocks: &[[u8; BLOCK]]) {
    for block in blocks {
        // One array, filled in place (`map` on the block's words builds two
        // more 64-byte copies on the stack at opt-level z).
        let mut w = [0u32; 16];
        for (word, bytes) in w.iter_mut().zip(block.as_chunks::<4>().0) {
            *word = u32::from_be_bytes(*bytes);
        }
        let [mut a, mut b, mut c, mut d, mut e, mut f, mut g, mut h] = *state;
        let k2 = K.as_flattened().as_chunks::<2>().0;
        for pass in 0..32usize {
            let k = &k2[pass & 31];
            // Rounds 2 * pass, 2 * pass + 1 read the window's pair pass % 8;
            // passes 8.. first advance it by two words.
            if pass >= 8 {
                schedule(&mut w, pass & 7);
            }
            let pair = &w.as_chunks::<2>().0[pass & 7];
            // One round: `d` and `h` are the only variables it writes.
            macro_rules! round {
                ($a:ident, $b:ident, $c:ident, $d:ident, $e:ident, $f:ident, $g:ident, $h:ident, $r:literal) => {{
                    let s1 = $e.rotate_right(6) ^ $e.rotate_right(11) ^ $e.rotate_right(25);
                    let ch = $g ^ ($e & ($f ^ $g));
                    let t1 = $h
                        .wrapping_add(s1)
                        .wrapping_add(ch)
                        .wrapping_add(k[$r])
                        .wrapping_add(pair[$r]);
                    let s0 = $a.rotate_right(2) ^ $a.rotate_right(13) ^ $a.rotate_right(22);
                    let maj = ($a & $b) | ($c & ($a | $b));
                    $d = $d.wrapping_add(t1);
                    $h = t1.wrapping_add(s0).wrapping_add(maj);
                }};
            }
            round!(a, b, c, d, e, f, g, h, 0);
            round!(h, a, b, c, d, e, f, g, 1);
            // Two rounds moved every name two places.
            (a, b, c, d, e, f, g, h) = (g, h, a, b, c, d, e, f);
        }
        let [s0, s1, s2, s3, s4, s5, s6, s7] = state;
        *s0 = s0.wrapping_add(a);
        *s1 = s1.wrapping_add(b);
        *s2 = s2.wrapping_add(c);
        *s3 = s3.wrapping_add(d);
        *s4 = s4.wrapping_add(e);
        *s5 = s5.wrapping_add(f);
        *s6 = s6.wrapping_add(g);
        *s7 = s7.wrapping_add(h);
    }
}

/// The message schedule (FIPS 180-4 6.2.2 step 1) for the next two rounds:
/// replaces the window's pair `pair` (words 2 * pair, 2 * pair + 1, which
/// hold W[t-16] and W[t-15]) with W[t] and W[t+1]. Neither needs the other,
/// and every word it reads is at a fixed place in one of the window's pairs.
#[cfg(any(test, m800_footprint = "compact"))]
// Pairs are indexed mod 8 (`& 7`) of 8: no index is out of bounds.
#[allow(clippy::indexing_slicing)]
#[inline(always)]
fn schedule(w: &mut [u32; 16], pair: usize) {
    fn s0(x: u32) -> u32 {
        x.rotate_right(7) ^ x.rotate_right(18) ^ (x >> 3)
    }
    fn s1(x: u32) -> u32 {
        x.rotate_right(17) ^ x.rotate_right(19) ^ (x >> 10)
    }
    let p = w.as_chunks_mut::<2>().0;
    let [w16, w15] = p[pair & 7]; // W[t-16], W[t-15]
    let [w14, _] = p[pair.wrapping_add(1) & 7]; // W[t-14]
    let [_, w7] = p[pair.wrapping_add(4) & 7]; // W[t-7]
    let [w6, _] = p[pair.wrapping_add(5) & 7]; // W[t-6]
    let [w2, w1] = p[pair.wrapping_add(7) & 7]; // W[t-2], W[t-1]
    p[pair & 7] = [
        w16.wrapping_add(s0(w15))
            .wrapping_add(w7)
            .wrapping_add(s1(w2)),
        w15.wrapping_add(s0(w14))
            .wrapping_add(w6)
            .wrapping_add(s1(w1)),
    ];
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::vec::Vec;

    const IV: [u32; 8] = crate::hmac::IV;

    fn theirs(state: [u32; 8], blocks: &[[u8; 64]]) -> [u32; 8] {
        let mut s = state;
        sha2::block_api::compress256(&mut s, blocks);
        s
    }

    fn ours(state: [u32; 8], blocks: &[[u8; 64]]) -> [u32; 8] {
        let mut s = state;
        compress_rolled(&mut s, blocks);
        s
    }

    /// FIPS 180-4's "abc", padded by hand, gives the published digest (so the
    /// comparison with `sha2` is not two equal wrong answers).
    #[test]
    fn fips_abc() {
        let mut block = [0u8; 64];
        block[..3].copy_from_slice(b"abc");
        block[3] = 0x80;
        block[63] = 24;
        assert_eq!(
            ours(IV, &[block]),
            [
                0xba78_16bf,
                0x8f01_cfea,
                0x4141_40de,
                0x5dae_2223,
                0xb003_61a3,
                0x9617_7a9c,
                0xb410_ff61,
                0xf200_15ad
            ]
        );
    }

    /// All-zero and all-one blocks (carries through every add), each single-bit
    /// block (every 61st under Miri), and all of them at once.
    #[test]
    fn equals_sha2_on_edge_blocks() {
        let mut blocks = std::vec![[0u8; 64], [0xff; 64]];
        for bit in (0..512).step_by(if cfg!(miri) { 61 } else { 1 }) {
            let mut block = [0u8; 64];
            block[bit / 8] = 1 << (bit % 8);
            blocks.push(block);
        }
        for block in &blocks {
            let one = core::slice::from_ref(block);
            assert_eq!(ours(IV, one), theirs(IV, one), "{block:?}");
        }
        assert_eq!(ours(IV, &blocks), theirs(IV, &blocks));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(if cfg!(miri) { 2 } else { 256 }))]
        #[test]
        #[cfg_attr(miri, ignore)]
        fn equals_sha2(state in any::<[u32; 8]>(), data in proptest::collection::vec(any::<u8>(), 0..320)) {
            let blocks: Vec<[u8; 64]> = data.as_chunks::<64>().0.to_vec();
            prop_assert_eq!(ours(state, &blocks), theirs(state, &blocks));
        }
    }
}
