//! Replay protection (PROTOCOL.md section 3, step 5): the [`ReplayStore`]
//! contract a verifier records `(key, nonce)` pairs in, and [`ReplayCache`],
//! the allocation-free store over caller-owned slots with a hashed index.
//!
//! The verifier consults the store only after the signature has matched, so a
//! forged request never takes a slot.
//!
//! # The cache's index
//!
//! Open addressing with linear probing over the caller's slots (16 bytes
//! each). A pair's fingerprint (the first 64 bits of
//! SHA-256 over `key, 0, nonce`) picks its home slot; the pair lives in the
//! first of the [`PROBE_MAX`] slots from its home (wrapping at the end) that
//! held no live entry when it was recorded. Finding a pair therefore reads at
//! most `PROBE_MAX` consecutive slots whatever the cache's size, and stops at
//! the first slot that was never used.
//!
//! Expired entries met on a pair's path are removed as in Knuth's deletion
//! for linear probing (later entries move back, the last hole becomes
//! never-used), so that checks still stop early once every slot has been
//! used. A removal reads at most `2 * PROBE_MAX` slots (past that the slot
//! stays used and expired, reusable by the next pair), and a check makes at
//! most [`RECLAIM_PER_CHECK`] removals. The worst case of one check is thus
//! `PROBE_MAX * (2 + 2 * RECLAIM_PER_CHECK)` = 640 slot reads.
//!
//! When the window holds no reusable slot the answer is [`Freshness::Full`]
//! and the request is refused: a cache never answers "fresh" for a pair it
//! could not record.
//!
//! A cache no larger than `PROBE_MAX` slots is one window, and is full only
//! when every slot is live. A larger one can answer full before every slot is
//! live (when one window is). Size it with slots >= 2 x the live entries (the
//! README's sizing rule): at that load the crate's tests fill a 600,000-slot
//! cache with 300,000 live entries, and a 65,536-slot one with 30,000 at a time,
//! refilled after expiry, without one refusal.
//!
//! The index is not keyed: a holder of a valid secret who chooses nonces to
//! fill one window can make other requests whose pair hashes into that window
//! refused (as full) until the entries expire; never accepted twice.
#![forbid(unsafe_code)]

/// What a replay store answers for a `(key, nonce)` pair.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Freshness {
    /// Never seen inside the window; now recorded.
    Fresh,
    /// Already seen inside the window.
    Replay,
    /// Not seen, but there is no room to record it (or the store failed): the
    /// request must be refused.
    Full,
}

/// Remembers the nonces seen inside the window.
///
/// A multi-server deployment implements this over a shared store: the
/// `redis` feature's `RedisReplayStore` runs
/// `SET m800:{key}:{nonce} 1 NX EX {ttl}` (each `:` of the key written `\:`:
/// one name per pair), where `OK` is [`Freshness::Fresh`],
/// nil is [`Freshness::Replay`], and any error is [`Freshness::Full`].
///
/// A store of your own answers [`Freshness::Full`] whenever it cannot record
/// the pair, so that the request is refused rather than accepted unrecorded:
///
/// ```
/// use m800_sign::verify::{Freshness, ReplayStore};
/// use std::collections::{btree_map::Entry, BTreeMap};
/// /// Every pair with its `keep_until`, on the heap, at most 100,000 of them.
/// struct Seen(BTreeMap<(String, String), u64>);
/// impl ReplayStore for Seen {
///     fn check_and_record(&mut self, key: &str, nonce: &str, keep_until: u64, now: u64) -> Freshness {
///         self.0.retain(|_, until| *until >= now);
///         let full = self.0.len() >= 100_000;
///         match self.0.entry((key.into(), nonce.into())) {
///             Entry::Occupied(_) => Freshness::Replay,
///             Entry::Vacant(_) if full => Freshness::Full,
///             Entry::Vacant(pair) => { pair.insert(keep_until); Freshness::Fresh }
///         }
///     }
/// }
/// let mut seen = Seen(BTreeMap::new());
/// assert_eq!(seen.check_and_record("a-demo-key", "cb-0001", 1764331500, 1764331200), Freshness::Fresh);
/// assert_eq!(seen.check_and_record("a-demo-key", "cb-0001", 1764331500, 1764331200), Freshness::Replay);
/// ```
pub trait ReplayStore {
    /// Checks the pair and records it when fresh, to be kept at least until
    /// `keep_until` (Unix seconds; the verifier passes the request's date plus
    /// the window, the last second in which a request with this date can
    /// pass: keep it through the end of that second, e.g. a TTL of
    /// `keep_until - now + 1` seconds). `now` is the verifier's clock.
    ///
    /// ```
    /// use m800_sign::verify::{Freshness, ReplayCache, ReplaySlot, ReplayStore};
    /// let mut cache = ReplayCache::new([ReplaySlot::EMPTY; 8]);
    /// let (keep_until, now) = (1764331500, 1764331200);
    /// assert_eq!(cache.check_and_record("a-demo-key", "cb-0001", keep_until, now), Freshness::Fresh);
    /// assert_eq!(cache.check_and_record("a-demo-key", "cb-0001", keep_until, now), Freshness::Replay);
    /// // Past `keep_until` the pair is forgotten.
    /// assert_eq!(cache.check_and_record("a-demo-key", "cb-0001", 1764331801, 1764331501), Freshness::Fresh);
    /// ```
    fn check_and_record(&mut self, key: &str, nonce: &str, keep_until: u64, now: u64) -> Freshness;
}

/// How many consecutive slots a [`ReplayCache`] check reads at most: the
/// bound on its probe length (see the [module documentation](self)).
pub const PROBE_MAX: usize = 64;

/// One entry of a [`ReplayCache`]: a 64-bit fingerprint of `(key, nonce)` and
/// the time after which it may be forgotten. Holds no secret. 16 bytes, no
/// padding.
///
/// A 64-bit fingerprint: two pairs share one with probability 2^-64, and a
/// check compares at most [`PROBE_MAX`] of them; making a request look like a
/// replay of another's would take a second preimage of SHA-256's first 64
/// bits.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReplaySlot {
    id: u64,
    /// 0: never used (ends a probe); 1: used, expired; else the expiry + 2.
    stamp: u64,
}

/// [`ReplaySlot::stamp`] of a used slot whose entry is gone.
const GONE: u64 = 1;

impl ReplaySlot {
    /// An unused slot.
    pub const EMPTY: ReplaySlot = ReplaySlot { id: 0, stamp: 0 };

    fn is_live(&self, now: u64) -> bool {
        self.stamp >= now.saturating_add(2)
    }

    fn is_used(&self) -> bool {
        self.stamp != 0
    }
}

impl Default for ReplaySlot {
    fn default() -> Self {
        ReplaySlot::EMPTY
    }
}

/// The default replay store: a fixed number of slots on caller-provided storage
/// (an array it owns, or a borrowed slice), no allocation, a hashed index (at
/// most [`PROBE_MAX`] slots read per check). Entries older than the window are
/// forgotten and their slots reused; when no slot is free for a pair it answers
/// [`Freshness::Full`], never a false "fresh".
#[derive(Debug)]
pub struct ReplayCache<S> {
    slots: S,
}

impl<S: AsMut<[ReplaySlot]>> ReplayCache<S> {
    /// A cache over `slots`, which it empties: an array it owns, or a borrowed
    /// slice (e.g. a `static` buffer on a microcontroller).
    ///
    /// ```
    /// use m800_sign::verify::{Freshness, ReplayCache, ReplaySlot, ReplayStore};
    /// let mut slots = [ReplaySlot::EMPTY; 64];
    /// let mut cache = ReplayCache::new(&mut slots[..]);
    /// assert_eq!(cache.check_and_record("a-demo-key", "cb-0001", 1764331500, 1764331200), Freshness::Fresh);
    /// assert_eq!(cache.live_entries(1764331200), 1);
    /// ```
    pub fn new(mut slots: S) -> Self {
        slots.as_mut().fill(ReplaySlot::EMPTY);
        ReplayCache { slots }
    }

    /// A cache over `slots` that were set up by [`new`](Self::new) earlier and
    /// kept in between (e.g. by C code between calls): the entries are kept.
    ///
    /// ```
    /// use m800_sign::verify::{Freshness, ReplayCache, ReplaySlot, ReplayStore};
    /// let mut slots = [ReplaySlot::EMPTY; 16];
    /// ReplayCache::new(&mut slots[..]).check_and_record("a-demo-key", "cb-0001", 1764331500, 1764331200);
    /// let mut cache = ReplayCache::resume(&mut slots[..]);
    /// assert_eq!(cache.check_and_record("a-demo-key", "cb-0001", 1764331500, 1764331200), Freshness::Replay);
    /// ```
    pub fn resume(slots: S) -> Self {
        ReplayCache { slots }
    }

    /// How many slots hold an entry that is still live at `now` (reads every
    /// slot: for diagnostics and tests, not for the request path).
    ///
    /// ```
    /// use m800_sign::verify::{ReplayCache, ReplaySlot, ReplayStore};
    /// let mut cache = ReplayCache::new([ReplaySlot::EMPTY; 16]);
    /// cache.check_and_record("a-demo-key", "cb-0001", 1764331500, 1764331200);
    /// cache.check_and_record("a-demo-key", "cb-0002", 1764331600, 1764331200);
    /// assert_eq!(cache.live_entries(1764331200), 2);
    /// assert_eq!(cache.live_entries(1764331550), 1);
    /// ```
    pub fn live_entries(&mut self, now: u64) -> usize {
        self.slots
            .as_mut()
            .iter()
            .filter(|s| s.is_live(now))
            .count()
    }
}

/// The byte between key and nonce in a fingerprint. A named static, not a
/// `&[0]` literal: the compiler would merge that one-byte constant, as a C
/// string, into the section holding every NUL-terminated text of the library
/// (the C status texts), and a linker keeps that section whole.
static SEPARATOR: [u8; 1] = [0];

/// The fingerprint of a `(key, nonce)` pair.
fn fingerprint(key: &str, nonce: &str) -> u64 {
    let digest = crate::hmac::sha256(|sha| {
        sha.update(key.as_bytes());
        sha.update(&SEPARATOR);
        sha.update(nonce.as_bytes());
    });
    let mut id = [0u8; 8];
    for (dst, src) in id.iter_mut().zip(digest.iter()) {
        *dst = *src;
    }
    u64::from_le_bytes(id)
}

/// The home slot of `id` among `n` (> 0): the fingerprint scaled to `0..n`
/// (a multiply, no division).
fn home(id: u64, n: usize) -> usize {
    // Both factors are below 2^64, so the product does not wrap; and
    // (id * n) >> 64 < n, so it fits usize.
    (u128::from(id).wrapping_mul(n as u128) >> 64) as usize
}

/// The slot after `i` among `n`, wrapping.
fn next(i: usize, n: usize) -> usize {
    let j = i.wrapping_add(1);
    if j >= n {
        0
    } else {
        j
    }
}

/// How far `to` lies after `from` among `n` slots, wrapping.
fn distance(from: usize, to: usize, n: usize) -> usize {
    if to >= from {
        to.wrapping_sub(from)
    } else {
        n.wrapping_sub(from).wrapping_add(to)
    }
}

/// How many slots [`reclaim`] reads at most.
const RECLAIM_MAX: usize = 2 * PROBE_MAX;

/// How many expired entries one check removes at most (see the [module
/// documentation](self)): each entry is recorded once and removed once, so a
/// few per check keep up.
pub const RECLAIM_PER_CHECK: usize = 4;

/// Frees the non-live slot `hole` (Knuth's deletion for linear probing): each
/// later live entry whose path crosses the hole moves back into it, and the
/// last hole becomes never-used, so that checks stop there again. An entry
/// lies less than `PROBE_MAX` slots from its home, so no entry `PROBE_MAX` or
/// more slots past the hole depends on it. If `RECLAIM_MAX` slots are read
/// first, the hole stays a used, non-live slot, which checks pass over.
fn reclaim(slots: &mut [ReplaySlot], mut hole: usize, now: u64) {
    let n = slots.len();
    let mut j = hole;
    for _ in 0..RECLAIM_MAX {
        j = next(j, n);
        let Some(entry) = slots.get(j).copied() else {
            return;
        };
        if j == hole {
            break;
        }
        if !entry.is_used() || distance(hole, j, n) >= PROBE_MAX {
            if let Some(slot) = slots.get_mut(hole) {
                *slot = ReplaySlot::EMPTY;
            }
            return;
        }
        if !entry.is_live(now) {
            continue;
        }
        // It may move back to the hole iff the hole lies on its path.
        let from = home(entry.id, n);
        if distance(from, hole, n) < distance(from, j, n) {
            if let Some(slot) = slots.get_mut(hole) {
                *slot = entry;
            }
            hole = j;
        }
    }
    if let Some(slot) = slots.get_mut(hole) {
        slot.stamp = GONE;
    }
}

impl<S: AsMut<[ReplaySlot]>> ReplayStore for ReplayCache<S> {
    fn check_and_record(&mut self, key: &str, nonce: &str, keep_until: u64, now: u64) -> Freshness {
        let slots = self.slots.as_mut();
        let n = slots.len();
        if n == 0 {
            return Freshness::Full;
        }
        let id = fingerprint(key, nonce);
        let start = home(id, n);
        let window = PROBE_MAX.min(n);
        // 1. Expired entries on this path are freed, so that checks keep
        // stopping early once every slot has been used.
        {
            let mut i = start;
            let mut reclaimed = 0;
            for _ in 0..window {
                let Some(slot) = slots.get(i).copied() else {
                    break;
                };
                if !slot.is_used() {
                    break;
                }
                if !slot.is_live(now) && reclaimed < RECLAIM_PER_CHECK {
                    reclaimed = reclaimed.saturating_add(1);
                    reclaim(slots, i, now);
                    // A live entry may have moved here: look again.
                    if slots.get(i).is_some_and(|s| s.is_live(now)) {
                        continue;
                    }
                }
                i = next(i, n);
            }
        }
        // 2. The pair's window, up to the first never-used slot.
        let mut free = None;
        let mut i = start;
        for _ in 0..window {
            let Some(slot) = slots.get(i) else {
                break;
            };
            if slot.is_live(now) {
                if slot.id == id {
                    return Freshness::Replay;
                }
            } else {
                if free.is_none() {
                    free = Some(i);
                }
                // No pair lies past a never-used slot: a pair takes the first
                // non-live slot of its window, and `reclaim` empties a slot
                // only when no pair depends on it.
                if !slot.is_used() {
                    break;
                }
            }
            i = next(i, n);
        }
        match free.and_then(|i| slots.get_mut(i)) {
            Some(slot) => {
                let expires = keep_until.max(now);
                *slot = ReplaySlot {
                    id,
                    stamp: expires.saturating_add(2),
                };
                Freshness::Fresh
            }
            None => Freshness::Full,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    extern crate std;
    use std::format;
    use std::vec;

    const T: u64 = 1_764_331_200;

    fn record<S: AsMut<[ReplaySlot]>>(c: &mut ReplayCache<S>, nonce: &str, now: u64) -> Freshness {
        c.check_and_record("k", nonce, now + 300, now)
    }

    #[test]
    fn small_cache_is_one_window_full_only_when_every_slot_is_live() {
        let mut c = ReplayCache::new([ReplaySlot::EMPTY; PROBE_MAX]);
        for i in 0..PROBE_MAX {
            assert_eq!(record(&mut c, &format!("n{i}"), T), Freshness::Fresh);
        }
        assert_eq!(record(&mut c, "one-more", T), Freshness::Full);
        for i in 0..PROBE_MAX {
            assert_eq!(record(&mut c, &format!("n{i}"), T), Freshness::Replay);
        }
        // Expired entries are reclaimed, and the reclaimed pairs are fresh again.
        assert_eq!(record(&mut c, "one-more", T + 301), Freshness::Fresh);
        assert_eq!(record(&mut c, "n0", T + 301), Freshness::Fresh);
        assert_eq!(c.live_entries(T + 301), 2);
    }

    /// The window's edges: an entry is live through the whole second
    /// `keep_until` (the verifier accepts a request while
    /// `now <= date + window`) and reusable from the next one, in caches of
    /// one slot, one window and several; a `keep_until` already past is
    /// kept through `now`.
    #[test]
    fn an_entry_is_kept_through_its_last_second_and_no_longer() {
        for n in [1usize, PROBE_MAX, 1024] {
            let mut c = ReplayCache::new(vec![ReplaySlot::EMPTY; n]);
            let check = |c: &mut ReplayCache<vec::Vec<ReplaySlot>>, now| {
                c.check_and_record("k", "edge", T + 300, now)
            };
            assert_eq!(check(&mut c, T), Freshness::Fresh, "n={n}");
            assert_eq!(check(&mut c, T + 299), Freshness::Replay, "n={n}");
            assert_eq!(check(&mut c, T + 300), Freshness::Replay, "n={n}");
            assert_eq!(check(&mut c, T + 301), Freshness::Fresh, "n={n}");
            assert_eq!(c.live_entries(T + 301), 1, "n={n}");
            let mut c = ReplayCache::new(vec![ReplaySlot::EMPTY; n]);
            assert_eq!(c.check_and_record("k", "p", T - 5, T), Freshness::Fresh);
            assert_eq!(c.check_and_record("k", "p", T - 5, T), Freshness::Replay);
            assert_eq!(c.check_and_record("k", "p", T - 5, T + 1), Freshness::Fresh);
        }
    }

    #[test]
    fn empty_cache_is_full() {
        let mut c = ReplayCache::new([ReplaySlot::EMPTY; 0]);
        assert_eq!(record(&mut c, "n", T), Freshness::Full);
    }

    /// The documented sizing: half full of live entries, no refusal, every
    /// entry found again, in a 600,000-slot cache.
    #[test]
    #[cfg_attr(miri, ignore = "safe code only; too slow under Miri")]
    fn large_cache_half_full_refuses_nothing_and_finds_everything() {
        let mut c = ReplayCache::new(vec![ReplaySlot::EMPTY; 600_000]);
        for i in 0..300_000 {
            assert_eq!(record(&mut c, &format!("n{i}"), T), Freshness::Fresh, "{i}");
        }
        for i in (0..300_000).step_by(7) {
            assert_eq!(
                record(&mut c, &format!("n{i}"), T),
                Freshness::Replay,
                "{i}"
            );
        }
        assert_eq!(c.live_entries(T), 300_000);
    }

    /// Steady state: every slot used once, the cache refilled after expiry,
    /// still no refusal and no missed replay (probes then run past expired
    /// slots, never past PROBE_MAX).
    #[test]
    #[cfg_attr(miri, ignore = "safe code only; too slow under Miri")]
    fn refills_after_expiry_without_refusal() {
        let mut c = ReplayCache::new(vec![ReplaySlot::EMPTY; 65_536]);
        for round in 0..3u64 {
            let now = T + round * 1000;
            for i in 0..30_000 {
                let nonce = format!("r{round}-{i}");
                assert_eq!(record(&mut c, &nonce, now), Freshness::Fresh, "{nonce}");
                assert_eq!(record(&mut c, &nonce, now), Freshness::Replay, "{nonce}");
            }
            assert_eq!(c.live_entries(now), 30_000);
        }
    }

    /// A window of live entries answers Full, even when other slots are free.
    #[test]
    #[cfg_attr(miri, ignore = "safe code only; too slow under Miri")]
    fn a_full_window_refuses() {
        let n = 1024;
        let mut c = ReplayCache::new(vec![ReplaySlot::EMPTY; n]);
        // Nonces whose home is slot 0, found by trying.
        let at_zero: vec::Vec<_> = (0..)
            .map(|i| format!("z{i}"))
            .filter(|nonce| home(fingerprint("k", nonce), n) == 0)
            .take(PROBE_MAX + 1)
            .collect();
        for nonce in &at_zero[..PROBE_MAX] {
            assert_eq!(record(&mut c, nonce, T), Freshness::Fresh);
        }
        assert_eq!(record(&mut c, &at_zero[PROBE_MAX], T), Freshness::Full);
        assert_eq!(c.live_entries(T), PROBE_MAX);
        // The last slot of the cache is outside that window: other pairs pass.
        assert_eq!(record(&mut c, "elsewhere", T), Freshness::Fresh);
        // After expiry the window is reclaimed.
        assert_eq!(
            record(&mut c, &at_zero[PROBE_MAX], T + 301),
            Freshness::Fresh
        );
    }

    /// Against a model (a map of nonce -> expiry), with entries expiring and
    /// slots reclaimed all the time: a replay exactly when the model holds a
    /// live entry, a refusal exactly when a small cache is all live, and the
    /// same live count.
    #[test]
    #[cfg_attr(miri, ignore = "safe code only; too slow under Miri")]
    fn matches_a_model_while_entries_expire() {
        for n in [1usize, 16, 64, 65, 97, 200, 1024] {
            let mut c = ReplayCache::new(vec![ReplaySlot::EMPTY; n]);
            let mut model = std::collections::HashMap::new();
            let mut x = 0x9e37_79b9_7f4a_7c15u64 ^ n as u64;
            for step in 0..40_000u64 {
                // 8 checks a second, each entry kept 3 s: at most ~32 live.
                let now = T + step / 8;
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                let nonce = format!("n{}", x % 300);
                let live = model.get(&nonce).is_some_and(|&e| e >= now);
                let live_model = model.values().filter(|&&e| e >= now).count();
                let got = c.check_and_record("k", &nonce, now + 3, now);
                // A cache of at most one window is full only when every slot
                // is live; larger ones are not full at this load.
                let want = if live {
                    Freshness::Replay
                } else if live_model >= n {
                    Freshness::Full
                } else {
                    Freshness::Fresh
                };
                assert_eq!(got, want, "n={n} step={step} {nonce}");
                if got == Freshness::Fresh {
                    model.insert(nonce, now + 3);
                }
                if step % 997 == 0 {
                    let live_after = model.values().filter(|&&e| e >= now).count();
                    assert_eq!(c.live_entries(now), live_after, "n={n} step={step}");
                }
            }
            // Reclaimed: in a cache of several windows, many slots are
            // never-used again (the rest: live, or expired off every recent
            // path), so that checks stop early.
            if n > 2 * PROBE_MAX {
                let empty = c.slots.iter().filter(|s| !s.is_used()).count();
                assert!(empty > n / 3, "n={n}: only {empty} empty slots");
            }
        }
    }

    #[test]
    fn home_is_in_range() {
        for n in [1usize, 2, 3, 64, 600_000, usize::MAX] {
            assert!(home(u64::MAX, n) < n);
            assert_eq!(home(0, n), 0);
        }
    }
}
