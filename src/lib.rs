//! # m800-sign
//!
//! A `no_std`, allocation-free signer and verifier for the M800 ("maaii") Push
//! Notification API's `MAAIISDK10` request-signing scheme.
//!
//! ## The path: sign, verify, push
//!
//! 1. **Sign** a request with a [`Signer`] (the developer key and its secret):
//!    [`Signer::sign_request`] gives the `X-M-Date`, `Content-MD5` and
//!    `Authorization` values to send with it ([`SignedHeaders`]).
//! 2. **Verify** a request you receive, such as an M800 callback: parse the raw
//!    bytes with [`http::HttpRequest::parse`] and check them with
//!    [`verify::Verifier::verify`], which also refuses replays recorded in a
//!    [`verify::ReplayCache`] (or, shared by several servers, in Redis with the
//!    `redis` feature's `replay_redis::RedisReplayStore`).
//! 3. **Push** a message: [`push::Push::write_request`] writes the complete
//!    signed HTTP/1.1 request for your TLS socket, and [`push::parse_response`]
//!    reads the answer.
//!
//! Signing:
//!
//! ```
//! use m800_sign::{Body, Request, Signer};
//!
//! let signer = Signer::new("a-demo-key", b"a-demo-secret")?;
//! let request = Request {
//!     method: "POST",
//!     uri: "/api/1.0/push/alice@m800.com",
//!     content_type: "application/json",
//!     body: Body::Bytes(br#"{"appMessage":{"content":"ping"}}"#),
//! };
//! let headers = signer.sign_request(&request, 1764334800, "19aca559e0102468acf13579bde")?;
//! assert_eq!(headers.x_m_date(), "Fri, 28 Nov 2025 13:00:00 GMT");
//! assert_eq!(headers.content_md5(), "cb0e8ec5b4ee7678bce015b9755a0156");
//! assert_eq!(
//!     headers.authorization(),
//!     "MAAIISDK10 key=\"a-demo-key\", nonce=\"19aca559e0102468acf13579bde\", \
//!      signature=\"36440251e21c8679823798b73be96777c75e1ccd7075e59c1d4314036db1c7db\""
//! );
//! # Ok::<(), m800_sign::Error>(())
//! ```
//!
//! Verifying a callback as it arrived, replay cache included:
//!
//! ```
//! use m800_sign::http::HttpRequest;
//! use m800_sign::verify::{ReplayCache, ReplaySlot, Verifier};
//! use m800_sign::{Error, Signer};
//!
//! let signer = Signer::new("a-demo-key", b"a-demo-secret")?;
//! let mut replay = ReplayCache::new([ReplaySlot::EMPTY; 64]);
//! let raw = b"POST /callback/delivery HTTP/1.1\r\nHost: dev.example.com\r\n\
//!     Content-Type: application/json\r\nContent-Length: 40\r\n\
//!     X-M-Date: Fri, 28 Nov 2025 12:00:00 GMT\r\n\
//!     Authorization: MAAIISDK10 key=\"a-demo-key\", nonce=\"cb-0001\", \
//!     signature=\"de728d2ba2b3b92dc5810b6d28d0bf9d919a118edae41ff42fec8fc648d6493e\"\r\n\
//!     \r\n{\"requestId\":\"r-1\",\"status\":\"delivered\"}";
//! let request = HttpRequest::parse(raw)?.to_received();
//! let verifier = Verifier::new(&signer);
//! assert_eq!(verifier.verify(&request, 1764331200, Some(&mut replay))?.nonce(), "cb-0001");
//! assert_eq!(verifier.verify(&request, 1764331200, Some(&mut replay)), Err(Error::ReplayedNonce));
//! # Ok::<(), m800_sign::Error>(())
//! ```
//!
//! Pushing:
//!
//! ```
//! use m800_sign::push::{self, Push, Response};
//! use m800_sign::Signer;
//!
//! let signer = Signer::new("a-demo-key", b"a-demo-secret")?;
//! let push = Push { username: "alice", carrier: "m800.com", app_message: "ping", push_content: None, sender: None };
//! let mut buf = [0u8; 512];
//! let request = push.write_request(&signer, "api.example.com", 1764334800, "19aca559e0102468acf13579bde", &mut buf)?;
//! assert!(request.head().starts_with("POST /api/1.0/push/alice@m800.com HTTP/1.1\r\n"));
//! // Send `request.as_bytes()` over TLS, then read the answer's body:
//! let answer = push::parse_response(br#"{"requestId": "r-42"}"#)?;
//! assert!(matches!(answer, Response::Accepted { request_id } if request_id.raw() == "r-42"));
//! # Ok::<(), m800_sign::Error>(())
//! ```
//!
//! ## How it is built
//!
//! Data flows one way: request parts ([`Request`]) are checked and become the
//! canonical fields ([`canonical::CanonicalFields`]), which are fed into the
//! precomputed keyed MAC ([`Signer`]), whose [`Signature`] becomes header values
//! ([`SignedHeaders`]). Each rule of the protocol lives in exactly one module:
//!
//! | module | rule |
//! | --- | --- |
//! | [`canonical`] | the six-line string to sign and what each field may contain |
//! | [`signature`] | the signature and its hex / base64 encodings |
//! | [`signer`] | the developer key with its precomputed HMAC state, and signing |
//! | [`digest`] | `Content-MD5`: lower-case hex MD5 of the body, one-shot or streaming |
//! | [`date`] | `X-M-Date`: IMF-fixdate formatting and strict parsing |
//! | [`nonce`] | the nonce generator and what a nonce may contain |
//! | [`authorization`] | the `Authorization` header: formatting and parsing |
//! | [`sign`] | the parts of a request that are signed, and the headers out |
//! | [`verify`] | checking a signed request: window, signature, replay |
//! | [`replay`] | the replay store contract and the allocation-free [`verify::ReplayCache`] |
//! | `replay_redis` | a replay store shared by several servers, on Redis (feature `redis`) |
//! | [`push`] | the push endpoint: request URI, JSON body, the signed HTTP request, the response |
//! | [`http`] | parsing a raw HTTP/1.1 request as received, for [`verify`]; the `Host` rule ([`http::check_host`]) |
//! | [`limits`] | every size limit, in one table |
//!
//! Every failure is one variant of [`Error`], with a stable name and number.
//! The wire contract is `PROTOCOL.md`, shipped with the crate; the docs cite its
//! sections.
//!
//! ## Features
//!
//! - `std` (default): `std::error::Error` for [`Error`], and the system clock
//!   and randomness (`Signer::sign_request_now`, `Nonce::fresh`). Without it
//!   the crate needs neither `std` nor an allocator.
//! - `redis`: `replay_redis::RedisReplayStore`.
//! - `ffi`: the C ABI (module `ffi`, documented in `include/m800_sign.h`);
//!   `panic-handler` adds a `#[panic_handler]` for bare-metal C firmware.
//! - `cli`: the `m800-sign` command-line tool.
#![no_std]
#![deny(missing_docs)]
#![deny(unsafe_code)]
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing,
        clippy::arithmetic_side_effects,
        clippy::unreachable,
        clippy::todo,
        clippy::unimplemented,
        clippy::string_slice
    )
)]

#[cfg(any(test, feature = "std"))]
extern crate std;

pub mod authorization;
mod block;
pub mod canonical;
pub mod date;
pub mod digest;
mod error;
#[cfg(feature = "ffi")]
#[allow(unsafe_code)]
pub mod ffi;
mod hmac;
pub mod http;
pub mod limits;
mod md5_compress;
pub mod nonce;
pub mod push;
pub mod replay;
#[cfg(feature = "redis")]
pub mod replay_redis;
mod rfc3986;
mod sha256_compress;
pub mod sign;
pub mod signature;
pub mod signer;
mod text;
pub mod verify;

pub use authorization::{Authorization, ParsedAuthorization};
pub use canonical::CanonicalFields;
pub use date::HttpDate;
pub use digest::{ContentMd5, Md5Stream};
pub use error::{Error, Result};
pub use nonce::Nonce;
pub use sign::{Body, Request, SignedHeaders};
pub use signature::{Encoding, Signature};
pub use signer::Signer;

/// The README's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
