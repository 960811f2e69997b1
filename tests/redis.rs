//! The Redis replay store (feature `redis`) against a real `redis-server`
//! started by the test on a free loopback port (tests/support/redis_server.rs).

#[path = "support/redis_server.rs"]
mod redis_server;

use m800_sign::replay_redis::{redis_key, RedisReplayStore};
use m800_sign::verify::{Freshness, ReceivedRequest, ReplayStore, Verifier};
use m800_sign::{Body, Error, Request, Signer};
use redis_server::{free_port, RedisServer};
use std::time::Duration;

const T: u64 = 1_764_331_200;
const DATE: &str = "Fri, 28 Nov 2025 12:00:00 GMT";

/// Checks and records the pair at `T` for a request dated `T` (kept for the
/// 300 s window).
fn check(store: &mut RedisReplayStore, key: &str, nonce: &str) -> Freshness {
    store.check_and_record(key, nonce, T + 300, T)
}

fn client(server: &RedisServer) -> redis::Connection {
    redis::Client::open(server.url())
        .and_then(|c| c.get_connection())
        .expect("connects")
}

#[test]
fn fresh_then_replay_with_the_window_as_ttl() {
    let Some(server) = RedisServer::start(&[]) else {
        return;
    };
    let mut store = RedisReplayStore::open(&server.url()).expect("url");
    assert_eq!(check(&mut store, "k", "n1"), Freshness::Fresh);
    assert_eq!(check(&mut store, "k", "n1"), Freshness::Replay);
    // Another key, the same nonce: another pair.
    assert_eq!(check(&mut store, "k2", "n1"), Freshness::Fresh);
    // A request dated 100 s ago is kept 200 s more, through its last second.
    assert_eq!(
        store.check_and_record("k", "n2", T + 200, T),
        Freshness::Fresh
    );
    let mut c = client(&server);
    let ttl: i64 = redis::cmd("TTL").arg("m800:k:n1").query(&mut c).unwrap();
    assert!((300..=301).contains(&ttl), "ttl {ttl}");
    let ttl: i64 = redis::cmd("TTL").arg("m800:k:n2").query(&mut c).unwrap();
    assert!((200..=201).contains(&ttl), "ttl {ttl}");
    let keys: Vec<String> = redis::cmd("KEYS").arg("m800:*").query(&mut c).unwrap();
    assert_eq!(keys.len(), 3, "{keys:?}");
    assert_eq!(redis_key("k", "n1"), "m800:k:n1");
}

/// Keys and nonces may both hold `:`: the Redis key must still name one pair
/// (`a` + `b:c` and `a:b` + `c` are two requests, not a replay).
#[test]
fn a_colon_in_the_key_does_not_join_two_pairs() {
    assert_ne!(redis_key("a", "b:c"), redis_key("a:b", "c"));
    assert_eq!(redis_key("a:b", "c"), "m800:a\\:b:c");
    assert_eq!(redis_key("k", "n:1"), "m800:k:n:1");
    let Some(server) = RedisServer::start(&[]) else {
        return;
    };
    let mut store = RedisReplayStore::open(&server.url()).expect("url");
    assert_eq!(check(&mut store, "a", "b:c"), Freshness::Fresh);
    assert_eq!(check(&mut store, "a:b", "c"), Freshness::Fresh);
    assert_eq!(check(&mut store, "a:b", "c"), Freshness::Replay);
}

#[test]
fn two_stores_on_one_server_share_nonces() {
    let Some(server) = RedisServer::start(&[]) else {
        return;
    };
    let mut a = RedisReplayStore::open(&server.url()).expect("url");
    let mut b = a.clone();
    assert_eq!(check(&mut a, "k", "shared"), Freshness::Fresh);
    assert_eq!(check(&mut b, "k", "shared"), Freshness::Replay);
}

fn signed(signer: &Signer, body: &[u8], nonce: &str) -> String {
    let request = Request {
        method: "POST",
        uri: "/callback",
        content_type: "application/json",
        body: Body::Bytes(body),
    };
    signer
        .sign_request(&request, T, nonce)
        .expect("signs")
        .authorization()
        .to_string()
}

fn received<'a>(body: &'a [u8], authorization: &'a str) -> ReceivedRequest<'a> {
    ReceivedRequest {
        request: Request {
            method: "POST",
            uri: "/callback",
            content_type: "application/json",
            body: Body::Bytes(body),
        },
        x_m_date: Some(DATE),
        authorization,
    }
}

#[test]
fn verifier_refuses_replays_and_forged_requests_take_no_key() {
    let Some(server) = RedisServer::start(&[]) else {
        return;
    };
    let signer = Signer::new("a-demo-key", b"a-demo-secret").unwrap();
    let verifier = Verifier::new(&signer);
    let mut store = RedisReplayStore::open(&server.url()).expect("url");
    let body = br#"{"status":"delivered"}"#;
    let auth = signed(&signer, body, "v-1");
    assert!(verifier
        .verify(&received(body, &auth), T, Some(&mut store))
        .is_ok());
    assert_eq!(
        verifier
            .verify(&received(body, &auth), T, Some(&mut store))
            .unwrap_err(),
        Error::ReplayedNonce
    );
    let forged = signed(
        &Signer::new("a-demo-key", b"not-the-secret").unwrap(),
        body,
        "v-2",
    );
    assert_eq!(
        verifier
            .verify(&received(body, &forged), T, Some(&mut store))
            .unwrap_err(),
        Error::SignatureMismatch
    );
    let size: u64 = redis::cmd("DBSIZE").query(&mut client(&server)).unwrap();
    assert_eq!(size, 1, "only the valid request was recorded");
}

#[test]
fn unreachable_redis_refuses() {
    // Runs without a server: nothing listens on this port.
    let port = free_port();
    let mut store = RedisReplayStore::open(&format!("redis://127.0.0.1:{port}"))
        .expect("url")
        .with_timeout(Duration::from_millis(300))
        .expect("a non-zero timeout");
    assert_eq!(check(&mut store, "k", "n"), Freshness::Full);
    assert_eq!(check(&mut store, "k", "n"), Freshness::Full);
    let signer = Signer::new("a-demo-key", b"a-demo-secret").unwrap();
    let body = b"{}";
    let auth = signed(&signer, body, "u-1");
    assert_eq!(
        Verifier::new(&signer)
            .verify(&received(body, &auth), T, Some(&mut store))
            .unwrap_err(),
        Error::ReplayStoreFull
    );
    assert!(RedisReplayStore::open("not a url").is_err());
}

#[test]
fn zero_timeout_is_an_error_not_a_default() {
    let store = RedisReplayStore::open("redis://127.0.0.1:1").expect("url");
    let err = store.with_timeout(Duration::ZERO).unwrap_err();
    assert_eq!(err.kind(), redis::ErrorKind::InvalidClientConfig);
    assert!(err.to_string().contains("zero timeout"), "{err}");
}

#[test]
fn redis_that_went_away_refuses_then_recovers() {
    let Some(server) = RedisServer::start(&[]) else {
        return;
    };
    let port = server.port;
    let mut store = RedisReplayStore::open(&server.url())
        .expect("url")
        .with_timeout(Duration::from_millis(500))
        .expect("a non-zero timeout");
    assert_eq!(check(&mut store, "k", "a"), Freshness::Fresh);
    drop(server);
    assert_eq!(check(&mut store, "k", "b"), Freshness::Full);
    // A new server on the same port: the store reconnects.
    let Some(again) = RedisServer::start_on(port, &[]) else {
        return;
    };
    assert_eq!(check(&mut store, "k", "b"), Freshness::Fresh);
    drop(again);
}

#[test]
fn full_redis_refuses() {
    let Some(server) =
        RedisServer::start(&["--maxmemory", "1mb", "--maxmemory-policy", "noeviction"])
    else {
        return;
    };
    let mut c = client(&server);
    // Fill it: values of 64 KiB, then smaller and smaller, until even a
    // key as small as the store's is refused with OOM.
    let mut filled = 0;
    for size in [64 * 1024, 1024, 16] {
        let value = vec![b'x'; size];
        let oom = (0..100_000).any(|i| {
            let r: redis::RedisResult<()> = redis::cmd("SET")
                .arg(format!("filler:{size}:{i}"))
                .arg(&value)
                .query(&mut c);
            match r {
                Ok(()) => {
                    filled += 1;
                    false
                }
                Err(e) => {
                    assert!(e.to_string().contains("OOM"), "{e}");
                    true
                }
            }
        });
        assert!(oom, "maxmemory 1mb never filled with {size}-byte values");
    }
    assert!(filled > 0);
    let mut store = RedisReplayStore::open(&server.url()).expect("url");
    assert_eq!(check(&mut store, "k", "late"), Freshness::Full);
    let size_before: u64 = redis::cmd("DBSIZE").query(&mut c).unwrap();
    assert_eq!(check(&mut store, "k", "late"), Freshness::Full);
    let size_after: u64 = redis::cmd("DBSIZE").query(&mut c).unwrap();
    assert_eq!(size_before, size_after);
}

/// The verifier accepts a request while `now <= date + window` in whole
/// seconds, so a pair must stay recorded through the whole second
/// `keep_until`: until `keep_until + 1`. `EX (keep_until - now)` set at a
/// moment inside second `now` expired up to a second early: a replay in the
/// last part of the window's last second found no key and was accepted.
/// The key's expiry is read from Redis as an absolute time (`TIME` and
/// `PTTL` in one `MULTI`), so that delays in the test cannot fail it.
#[test]
fn a_pair_is_kept_through_the_last_second_of_the_window() {
    let Some(server) = RedisServer::start(&[]) else {
        return;
    };
    let mut c = client(&server);
    let mut store = RedisReplayStore::open(&server.url()).expect("url");
    for (nonce, ahead) in [("edge-300", 300), ("edge-1", 1), ("edge-0", 0)] {
        // The verifier's clock, as it reads it: whole seconds, rounded down.
        let (now_s, _): (u64, u64) = redis::cmd("TIME").query(&mut c).unwrap();
        let keep_until = now_s + ahead;
        assert_eq!(
            store.check_and_record("k", nonce, keep_until, now_s),
            Freshness::Fresh
        );
        let ((time_s, time_us), pttl_ms): ((u64, u64), i64) = redis::pipe()
            .atomic()
            .cmd("TIME")
            .cmd("PTTL")
            .arg(redis_key("k", nonce))
            .query(&mut c)
            .unwrap();
        assert!(pttl_ms > 0, "{nonce}: pttl {pttl_ms}");
        let expires_ms = time_s * 1000 + time_us / 1000 + pttl_ms as u64;
        // PTTL rounds; a millisecond of slack.
        assert!(
            expires_ms + 1 >= (keep_until + 1) * 1000,
            "{nonce}: expires at {expires_ms} ms, before the end of second {keep_until}"
        );
    }
}
