//! A [`ReplayStore`] shared by several servers, on Redis (feature `redis`).
//!
//! Each check is one command, atomic on the server:
//! `SET m800:{key}:{nonce} 1 NX EX {ttl}` ([`redis_key`]: a `:` in the key is
//! written `\:`), with `ttl` the seconds until
//! `keep_until`, plus 1. `OK` is [`Freshness::Fresh`], nil is
//! [`Freshness::Replay`], and anything else — no connection, a timeout, an
//! error reply such as `OOM` from a full Redis — is [`Freshness::Full`]: the
//! request is refused, never accepted without being recorded.
//!
//! ```no_run
//! use m800_sign::replay_redis::RedisReplayStore;
//! use m800_sign::verify::{ReceivedRequest, Verifier};
//! use m800_sign::{Body, Error, Request, Signer};
//! let signer = Signer::new("a-demo-key", b"a-demo-secret")?;
//! let request = Request { method: "GET", uri: "/api/1.0/debug/echo", content_type: "", body: Body::None };
//! let headers = signer.sign_request(&request, 1764334800, "19aca559e0102468acf13579bde")?;
//! let received = ReceivedRequest::new(request, Some(headers.x_m_date()), headers.authorization());
//! let mut store = RedisReplayStore::open("redis://127.0.0.1:6379").expect("a redis:// URL");
//! let verifier = Verifier::new(&signer);
//! assert!(verifier.verify(&received, 1764334800, Some(&mut store)).is_ok());
//! // Every server sharing this Redis now refuses the same request.
//! assert_eq!(verifier.verify(&received, 1764334800, Some(&mut store)), Err(Error::ReplayedNonce));
//! # Ok::<(), m800_sign::Error>(())
//! ```
#![forbid(unsafe_code)]

use crate::replay::{Freshness, ReplayStore};
use std::string::String;
use std::time::Duration;

/// The default bound on connecting to Redis and on each reply.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(1);

/// A replay store on one Redis server. Connects on first use and again after
/// any failure (each failed check answers [`Freshness::Full`]). One connection,
/// used by one thread at a time: give each thread its own store (a clone).
pub struct RedisReplayStore {
    client: redis::Client,
    connection: Option<redis::Connection>,
    timeout: Duration,
}

impl RedisReplayStore {
    /// A store for the server at `url` (`redis://HOST:PORT[/DB]`, as the
    /// `redis` crate reads it). Does not connect yet: an unreachable server
    /// shows as refused requests, not as an error here. A URL the `redis`
    /// crate cannot read is an error.
    ///
    /// ```
    /// use m800_sign::replay_redis::RedisReplayStore;
    /// assert!(RedisReplayStore::open("redis://127.0.0.1:6379/0").is_ok());
    /// assert!(RedisReplayStore::open("http://127.0.0.1:6379").is_err());
    /// ```
    pub fn open(url: &str) -> Result<Self, redis::RedisError> {
        Ok(RedisReplayStore {
            client: redis::Client::open(url)?,
            connection: None,
            timeout: DEFAULT_TIMEOUT,
        })
    }

    /// The same store with another bound on connecting and on each reply
    /// (resolving a host name is the system resolver's and not under it: an
    /// IP address in the URL avoids the lookup).
    /// A zero duration would mean no bound at all, so it is an error
    /// (`InvalidClientConfig`), not a default.
    ///
    /// ```
    /// use m800_sign::replay_redis::RedisReplayStore;
    /// use std::time::Duration;
    /// let store = RedisReplayStore::open("redis://127.0.0.1:6379")?;
    /// assert!(store.clone().with_timeout(Duration::from_millis(250)).is_ok());
    /// assert!(store.with_timeout(Duration::ZERO).is_err());
    /// # Ok::<(), redis::RedisError>(())
    /// ```
    pub fn with_timeout(mut self, timeout: Duration) -> Result<Self, redis::RedisError> {
        if timeout.is_zero() {
            return Err(redis::RedisError::from((
                redis::ErrorKind::InvalidClientConfig,
                "a zero timeout would leave connecting and replies unbounded",
            )));
        }
        self.timeout = timeout;
        self.connection = None;
        Ok(self)
    }

    fn connection(&mut self) -> redis::RedisResult<&mut redis::Connection> {
        if self.connection.is_none() {
            let connection = self.client.get_connection_with_timeout(self.timeout)?;
            connection.set_read_timeout(Some(self.timeout))?;
            connection.set_write_timeout(Some(self.timeout))?;
            self.connection = Some(connection);
        }
        self.connection
            .as_mut()
            .ok_or_else(|| redis::RedisError::from((redis::ErrorKind::Io, "not connected")))
    }

    /// `SET ... NX EX`: `Some(())` when set, `None` when the key was there.
    fn set_nx(&mut self, name: &str, ttl_s: u64) -> redis::RedisResult<Option<()>> {
        let reply: Option<String> = redis::cmd("SET")
            .arg(name)
            .arg(1)
            .arg("NX")
            .arg("EX")
            .arg(ttl_s)
            .query(self.connection()?)?;
        match reply.as_deref() {
            None => Ok(None),
            Some("OK") => Ok(Some(())),
            Some(_) => Err(redis::RedisError::from((
                redis::ErrorKind::Parse,
                "unexpected reply to SET",
            ))),
        }
    }
}

impl Clone for RedisReplayStore {
    /// The same server and timeout, with a connection of its own.
    fn clone(&self) -> Self {
        RedisReplayStore {
            client: self.client.clone(),
            connection: None,
            timeout: self.timeout,
        }
    }
}

impl core::fmt::Debug for RedisReplayStore {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        // The URL may hold a password: not shown.
        f.debug_struct("RedisReplayStore")
            .field("connected", &self.connection.is_some())
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

/// The Redis key of a pair: `m800:{key}:{nonce}`, each `:` of the key written
/// `\:` (keys and nonces may hold `:`, never `\`): one Redis key per pair,
/// and for keys without `:` the plain `m800:{key}:{nonce}`.
///
/// ```
/// use m800_sign::replay_redis::redis_key;
/// assert_eq!(redis_key("a-demo-key", "cb-0001"), "m800:a-demo-key:cb-0001");
/// assert_eq!(redis_key("a-demo:key", "cb-0001"), "m800:a-demo\\:key:cb-0001");
/// ```
pub fn redis_key(key: &str, nonce: &str) -> String {
    let colons = key.matches(':').count();
    let len = key.len().saturating_add(colons).saturating_add(nonce.len());
    let mut name = String::with_capacity(len.saturating_add(6));
    name.push_str("m800:");
    for part in key.split_inclusive(':') {
        match part.strip_suffix(':') {
            Some(head) => {
                name.push_str(head);
                name.push_str("\\:");
            }
            None => name.push_str(part),
        }
    }
    name.push(':');
    name.push_str(nonce);
    name
}

impl ReplayStore for RedisReplayStore {
    fn check_and_record(&mut self, key: &str, nonce: &str, keep_until: u64, now: u64) -> Freshness {
        // Through the whole second `keep_until`, as the verifier accepts a
        // request while `now <= date + window`: `now` is rounded down, so
        // `EX keep_until - now` set late in second `now` expired up to a
        // second early, and a replay then was accepted.
        let ttl_s = keep_until.saturating_sub(now).saturating_add(1);
        match self.set_nx(&redis_key(key, nonce), ttl_s) {
            Ok(Some(())) => Freshness::Fresh,
            Ok(None) => Freshness::Replay,
            Err(_) => {
                // Start afresh next time: the connection may be broken.
                self.connection = None;
                Freshness::Full
            }
        }
    }
}
