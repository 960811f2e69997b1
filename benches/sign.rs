//! Speed of the signing and verifying paths (issue 6), and the crypto floor.
//!
//! `cargo bench --bench sign` runs every group in well under two minutes;
//! `cargo bench --bench sign -- --test` compiles and runs each once.
//!
//! The floor: the SHA-256 compressions a signature cannot avoid once the keyed
//! state is precomputed, i.e. the inner message blocks after the ipad block
//! (padding included) plus one outer block, timed with `compress256` itself.
//! `signature_vs_floor` times the signature and three ways of calling the
//! compression function interleaved in the same run and prints the ratios
//! (target: at most 1.3 against HMAC's two calls; see its documentation).
//!
//! `verify_ratios` (issue 13) times signing, verifying, and verifying fresh
//! requests against a 64-slot and a 600,000-slot replay cache (each half full
//! of live entries) interleaved in the same run, and prints the ratios
//! (targets: verify / sign <= 1.25; 600,000 / 64 slots <= 1.35).

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{criterion_group, BatchSize, Criterion, Throughput};
use m800_sign::verify::{
    Freshness, ReceivedRequest, ReplayCache, ReplaySlot, ReplayStore, Verifier,
};
use m800_sign::{Body, CanonicalFields, Md5Stream, Request, SignedHeaders, Signer};
use sha2::block_api::compress256;

const KEY: &str = "a-demo-key";
const SECRET: &[u8] = b"a-demo-secret";
const NOW: u64 = 1_764_331_200;
const NONCE: &str = "19aca559e000123456789abcdef";
const URI: &str = "/api/1.0/push/alice@m800.com";
const CONTENT_TYPE: &str = "application/json";

/// A typical push body: 200 bytes of JSON.
fn body_200() -> Vec<u8> {
    let head = r#"{"appMessage":{"content":"Hello from M800, "#;
    let tail = r#""},"push":{"content":"You have a new message"},"sender":"bob@m800.com"}"#;
    let mut body = head.as_bytes().to_vec();
    body.resize(200 - tail.len(), b'x');
    body.extend_from_slice(tail.as_bytes());
    assert_eq!(body.len(), 200);
    serde_json::from_slice::<serde_json::Value>(&body).expect("the body is JSON");
    body
}

/// The SHA-256 compressions an HMAC over `message_len` bytes needs with the
/// ipad and opad blocks precomputed: inner blocks after the ipad block
/// (message + 0x80 + 8-byte length, rounded up) and one outer block (32 + 9 bytes).
fn compressions_needed(message_len: usize) -> usize {
    (message_len + 9).div_ceil(64) + 1
}

fn typical_fields<'a>(md5: &'a str) -> CanonicalFields<'a> {
    CanonicalFields::new(
        "POST",
        URI,
        md5,
        CONTENT_TYPE,
        "Fri, 28 Nov 2025 12:00:00 GMT",
        NONCE,
    )
    .expect("valid fields")
}

fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .sample_size(20)
        .configure_from_args()
}

fn signing(c: &mut Criterion) {
    let signer = Signer::new(KEY, SECRET).expect("signer");
    let body = body_200();
    let md5 = m800_sign::ContentMd5::of(&body);
    let fields = typical_fields(md5.as_str());
    let mut buf = [0u8; m800_sign::limits::STRING_TO_SIGN_MAX];

    let mut g = c.benchmark_group("sign");
    g.bench_function("string_to_sign", |b| {
        b.iter(|| {
            let f = typical_fields(black_box(md5.as_str()));
            f.write(&mut buf).map(|s| s.len()).expect("fits")
        })
    });
    g.bench_function("signature_sign_fields", |b| {
        b.iter(|| signer.sign_fields(black_box(&fields)))
    });
    let request = Request {
        method: "POST",
        uri: URI,
        content_type: CONTENT_TYPE,
        body: Body::Bytes(&body),
    };
    g.throughput(Throughput::Bytes(body.len() as u64));
    g.bench_function("push_request_200B", |b| {
        b.iter(|| {
            signer
                .sign_request(black_box(&request), NOW, NONCE)
                .expect("signs")
        })
    });
    g.finish();
}

fn md5_stream(c: &mut Criterion) {
    let mut g = c.benchmark_group("md5_stream");
    let chunk = vec![0x5au8; 4096];
    for (name, total) in [("4KiB", 4096usize), ("1MiB", 1 << 20)] {
        g.throughput(Throughput::Bytes(total as u64));
        g.bench_function(name, |b| {
            b.iter(|| {
                let mut md5 = Md5Stream::new();
                for _ in 0..total / chunk.len() {
                    md5.update(black_box(&chunk));
                }
                md5.finish()
            })
        });
    }
    g.finish();
}

fn received<'a>(body: &'a [u8], authorization: &'a str) -> ReceivedRequest<'a> {
    ReceivedRequest {
        request: Request {
            method: "POST",
            uri: URI,
            content_type: CONTENT_TYPE,
            body: Body::Bytes(body),
        },
        x_m_date: Some("Fri, 28 Nov 2025 12:00:00 GMT"),
        authorization,
    }
}

fn verifying(c: &mut Criterion) {
    let signer = Signer::new(KEY, SECRET).expect("signer");
    let body = body_200();
    let sign = |nonce: &str| {
        let request = Request {
            method: "POST",
            uri: URI,
            content_type: CONTENT_TYPE,
            body: Body::Bytes(&body),
        };
        signer.sign_request(&request, NOW, nonce).expect("signs")
    };
    let req_with = |authorization| received(&body, authorization);
    let valid = sign(NONCE);
    // A forged signature: the valid one with its last hex digit changed.
    let forged_auth = {
        let a = valid.authorization();
        let last = a.len() - 2;
        let flipped = if &a[last..=last] == "0" { "1" } else { "0" };
        format!("{}{flipped}\"", &a[..last])
    };
    let verifier = Verifier::new(&signer);
    assert!(verifier
        .verify(&req_with(valid.authorization()), NOW, None)
        .is_ok());
    assert_eq!(
        verifier
            .verify(&req_with(&forged_auth), NOW, None)
            .unwrap_err(),
        m800_sign::Error::SignatureMismatch
    );

    let mut g = c.benchmark_group("verify");
    g.bench_function("valid_no_cache", |b| {
        let req = req_with(valid.authorization());
        b.iter(|| verifier.verify(black_box(&req), NOW, None).expect("valid"))
    });
    g.bench_function("forged_no_cache", |b| {
        let req = req_with(&forged_auth);
        b.iter(|| verifier.verify(black_box(&req), NOW, None).unwrap_err())
    });
    g.bench_function("forged_with_cache", |b| {
        let req = req_with(&forged_auth);
        let mut cache = ReplayCache::new([ReplaySlot::EMPTY; 32]);
        b.iter(|| {
            verifier
                .verify(black_box(&req), NOW, Some(&mut cache))
                .unwrap_err()
        })
    });
    // Each iteration a request with a fresh nonce, checked against a cache of
    // 32 slots that already holds 16 live entries (the setup is not timed).
    g.bench_function("valid_with_cache", |b| {
        let mut n = 0u64;
        b.iter_batched_ref(
            || {
                n += 1;
                let mut cache = ReplayCache::new([ReplaySlot::EMPTY; 32]);
                for i in 0..16 {
                    cache.check_and_record(KEY, &format!("other-{i}"), NOW + 300, NOW);
                }
                (sign(&format!("{NONCE}-{n}")), cache)
            },
            |(headers, cache)| {
                verifier
                    .verify(&received(&body, headers.authorization()), NOW, Some(cache))
                    .expect("fresh and valid")
                    // The answer borrows the request built here: return its date.
                    .timestamp()
            },
            BatchSize::SmallInput,
        )
    });
    g.finish();
}

/// Fresh, valid requests verified against a replay cache, timed in batches
/// of [`BATCH`]. Each batch is signed (not timed) with its own date, 601 s
/// after the previous one, so that the previous batch's entries have expired
/// and the cache stays as prepared; each request has a nonce of its own, so
/// each check lands on another part of the cache.
struct FreshRequests {
    signer: Signer,
    body: Vec<u8>,
    batch: u64,
    nonce: u64,
}

const BATCH: u64 = 8;
/// The date of the resident entries: they never expire during a run.
const FOREVER: u64 = u64::MAX / 2;

impl FreshRequests {
    fn new() -> Self {
        FreshRequests {
            signer: Signer::new(KEY, SECRET).expect("signer"),
            body: body_200(),
            batch: 0,
            nonce: 0,
        }
    }

    /// `n` verifications against `cache`; the time they took.
    fn verify(&mut self, cache: &mut dyn ReplayStore, n: u64) -> Duration {
        let verifier = Verifier::new(&self.signer);
        let request = Request {
            method: "POST",
            uri: URI,
            content_type: CONTENT_TYPE,
            body: Body::Bytes(&self.body),
        };
        let mut total = Duration::ZERO;
        let mut done = 0;
        while done < n {
            let k = (n - done).min(BATCH);
            self.batch += 1;
            let date = NOW + self.batch * 601;
            let signed: Vec<SignedHeaders> = (0..k)
                .map(|_| {
                    self.nonce += 1;
                    self.signer
                        .sign_request(&request, date, &format!("{NONCE}-{}", self.nonce))
                        .expect("signs")
                })
                .collect();
            let received: Vec<ReceivedRequest> = signed
                .iter()
                .map(|h| ReceivedRequest {
                    x_m_date: Some(h.x_m_date()),
                    ..received(&self.body, h.authorization())
                })
                .collect();
            let t = Instant::now();
            for r in &received {
                black_box(
                    verifier
                        .verify(black_box(r), date, Some(&mut *cache))
                        .expect("fresh and valid")
                        .timestamp(),
                );
            }
            total += t.elapsed();
            done += k;
        }
        total
    }
}

/// A cache of `slots` slots, half of them holding entries that never expire.
fn half_full(slots: usize) -> ReplayCache<Vec<ReplaySlot>> {
    let mut cache = ReplayCache::new(vec![ReplaySlot::EMPTY; slots]);
    for i in 0..slots / 2 {
        let fresh = cache.check_and_record(KEY, &format!("resident-{i}"), FOREVER, NOW);
        assert_eq!(fresh, Freshness::Fresh);
    }
    cache
}

/// Verification with a small and a large replay cache, each half full of live
/// entries (issue 13: the large one at most 1.35x the small one).
fn replay_scale(c: &mut Criterion) {
    let mut g = c.benchmark_group("verify");
    for (name, slots) in [
        ("fresh_cache_64_half", 64),
        ("fresh_cache_600k_half", 600_000),
    ] {
        let mut cache = half_full(slots);
        let mut requests = FreshRequests::new();
        g.bench_function(name, |b| b.iter_custom(|n| requests.verify(&mut cache, n)));
    }
    g.finish();
}

/// Verification against signing, and the large cache against the small one,
/// timed interleaved in the same run; the ratios printed.
fn verify_ratios(test_mode: bool) {
    let signer = Signer::new(KEY, SECRET).expect("signer");
    let body = body_200();
    let request = Request {
        method: "POST",
        uri: URI,
        content_type: CONTENT_TYPE,
        body: Body::Bytes(&body),
    };
    let valid = signer.sign_request(&request, NOW, NONCE).expect("signs");
    let received = received(&body, valid.authorization());
    let verifier = Verifier::new(&signer);
    let mut small = half_full(64);
    let mut large = half_full(600_000);
    let mut fresh = FreshRequests::new();
    let (rounds, per_round) = if test_mode { (1, 8) } else { (301, 2_000) };
    // Sign, verify (no cache), fresh with 64 slots, fresh with 600,000.
    let mut ns: [Vec<f64>; 4] = Default::default();
    for _ in 0..rounds {
        let t = Instant::now();
        for _ in 0..per_round {
            black_box(
                signer
                    .sign_request(black_box(&request), NOW, NONCE)
                    .expect("signs"),
            );
        }
        ns[0].push(t.elapsed().as_nanos() as f64 / per_round as f64);
        let t = Instant::now();
        for _ in 0..per_round {
            black_box(
                verifier
                    .verify(black_box(&received), NOW, None)
                    .expect("valid")
                    .timestamp(),
            );
        }
        ns[1].push(t.elapsed().as_nanos() as f64 / per_round as f64);
        let per_fresh = per_round / 4;
        ns[2].push(fresh.verify(&mut small, per_fresh).as_nanos() as f64 / per_fresh as f64);
        ns[3].push(fresh.verify(&mut large, per_fresh).as_nanos() as f64 / per_fresh as f64);
    }
    for v in &mut ns {
        v.sort_by(f64::total_cmp);
    }
    let median = |i: usize| ns[i][ns[i].len() / 2];
    // The fastest rounds: the ones the other work on a shared machine
    // disturbed least.
    let fastest = |i: usize| ns[i][0];
    println!(
        "verify_ratios: medians of {rounds} interleaved rounds, 200-byte body, ns per call \
         (fastest rounds in brackets):"
    );
    for (i, what) in [
        (0, "sign_request"),
        (1, "verify, no replay cache"),
        (2, "verify fresh, 64 slots half full"),
        (3, "verify fresh, 600,000 slots half full"),
    ] {
        println!("  {what:<38} {:7.1} ({:.1})", median(i), fastest(i));
    }
    println!(
        "  verify / sign          {:.3} ({:.3})  target <= 1.25",
        median(1) / median(0),
        fastest(1) / fastest(0)
    );
    println!(
        "  600,000 / 64 slots     {:.3} ({:.3})  target <= 1.35",
        median(3) / median(2),
        fastest(3) / fastest(2)
    );
}

fn floor(c: &mut Criterion) {
    let body = body_200();
    let md5 = m800_sign::ContentMd5::of(&body);
    let fields = typical_fields(md5.as_str());
    let blocks = [[0x36u8; 64]; 8];
    let n = compressions_needed(fields.len());
    let mut g = c.benchmark_group("floor");
    g.bench_function(format!("compress256_x{n}"), |b| {
        let mut state = [0x6a09e667u32; 8];
        b.iter(|| {
            compress256(black_box(&mut state), black_box(&blocks[..n]));
        })
    });
    g.finish();
}

/// The signature and its floor timed interleaved, the ratios printed.
///
/// Three floors, all over the same `n` compressions of blocks already in
/// place, chained through one state:
/// - *HMAC's* (the target's): the `n - 1` inner blocks in one `compress256`
///   call, then the outer block in a second. No HMAC can do with fewer calls:
///   the outer block holds the inner hash.
/// - *one call*: all `n` blocks in a single call, stricter than any HMAC.
/// - *per block*: one call per compression.
fn signature_vs_floor(test_mode: bool) {
    let signer = Signer::new(KEY, SECRET).expect("signer");
    let body = body_200();
    let md5 = m800_sign::ContentMd5::of(&body);
    let fields = typical_fields(md5.as_str());
    let n = compressions_needed(fields.len());
    let blocks = [[0x36u8; 64]; 8];
    let mut state = [0x6a09e667u32; 8];
    let (rounds, per_round) = if test_mode { (1, 10) } else { (401, 2_000) };
    // Signature, HMAC's floor, one call, per block.
    let mut ns: [Vec<f64>; 4] = Default::default();
    let mut time = |i: usize, f: &mut dyn FnMut()| {
        let t = Instant::now();
        for _ in 0..per_round {
            f();
        }
        ns[i].push(t.elapsed().as_nanos() as f64 / per_round as f64);
    };
    for _ in 0..rounds {
        time(0, &mut || {
            black_box(signer.sign_fields(black_box(&fields)));
        });
        time(1, &mut || {
            compress256(black_box(&mut state), black_box(&blocks[..n - 1]));
            compress256(black_box(&mut state), black_box(&blocks[n - 1..n]));
        });
        time(2, &mut || {
            compress256(black_box(&mut state), black_box(&blocks[..n]));
        });
        time(3, &mut || {
            for block in &blocks[..n] {
                compress256(
                    black_box(&mut state),
                    black_box(core::slice::from_ref(block)),
                );
            }
        });
    }
    for v in &mut ns {
        v.sort_by(f64::total_cmp);
    }
    let median = |i: usize| ns[i][ns[i].len() / 2];
    // The fastest rounds: the ones the other work on a shared machine
    // disturbed least.
    let fastest = |i: usize| ns[i][0];
    println!(
        "signature_vs_floor: string to sign {} bytes -> {n} compressions; medians of {rounds} \
         interleaved rounds (fastest rounds in brackets):",
        fields.len()
    );
    println!(
        "  signature                  {:7.1} ns ({:.1})",
        median(0),
        fastest(0)
    );
    for (i, what) in [
        (1, "HMAC's floor (2 calls)"),
        (2, "one call (stricter)"),
        (3, "one call per block"),
    ] {
        println!(
            "  {what:<26} {:7.1} ns ({:.1})  signature / floor {:.3} ({:.3}){}",
            median(i),
            fastest(i),
            median(0) / median(i),
            fastest(0) / fastest(i),
            if i == 1 { "  target <= 1.3" } else { "" }
        );
    }
}

criterion_group! {
    name = benches;
    config = config();
    targets = signing, md5_stream, verifying, replay_scale, floor
}

fn main() {
    benches();
    let test_mode = std::env::args().any(|a| a == "--test");
    let filtered = std::env::args()
        .skip(1)
        .any(|a| !a.starts_with('-') && !"signature_vs_floor".contains(a.as_str()));
    if !filtered {
        signature_vs_floor(test_mode);
    }
    let ratios_filtered = std::env::args()
        .skip(1)
        .any(|a| !a.starts_with('-') && !"verify_ratios".contains(a.as_str()));
    if !ratios_filtered {
        verify_ratios(test_mode);
    }
    Criterion::default().configure_from_args().final_summary();
}
