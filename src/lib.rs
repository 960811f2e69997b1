//! # m800-sign
//!
//! A `no_std`, allocation-free signer and verifier for the M800 ("maaii") Push
//! Notification API's `MAAIISDK10` request-signing scheme.
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
//! | [`push`] | the push endpoint: request URI, JSON body, the signed HTTP request, the response |
//! | [`http`] | parsing a raw HTTP/1.1 request as received, for [`verify`] |
//! | [`limits`] | every size limit, in one table |
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
