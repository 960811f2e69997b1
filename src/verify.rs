//! Verifying a signed request (PROTOCOL.md section 3): M800's callbacks to a
//! developer's server, or any server that accepts MAAIISDK10 requests.
//!
//! The checks run in this order, and the first failure is the answer:
//! 1. parse `Authorization`;
//! 2. look up the secret for its key;
//! 3. parse `X-M-Date` and check it against the clock window;
//! 4. recompute the signature from the request as received (the MD5 always
//!    from the body received, never from a `Content-MD5` header) and compare in
//!    constant time; a method, URI, content type or nonce that no string to
//!    sign may hold is its own error (e.g. [`Error::InvalidNonce`]), not a
//!    mismatch;
//! 5. record the `(key, nonce)` pair in the replay store — last, so that a
//!    forged request can never fill the store.
//!
//! ```
//! use m800_sign::verify::{ReceivedRequest, ReplayCache, ReplaySlot, Verifier};
//! use m800_sign::{Body, Request, Signer};
//!
//! let signer = Signer::new("a-demo-key", b"a-demo-secret")?;
//! let mut replay = ReplayCache::new([ReplaySlot::EMPTY; 32]);
//! let request = ReceivedRequest {
//!     request: Request {
//!         method: "POST",
//!         uri: "/callback/delivery",
//!         content_type: "application/json",
//!         body: Body::Bytes(br#"{"requestId":"r-1","status":"delivered"}"#),
//!     },
//!     x_m_date: Some("Fri, 28 Nov 2025 12:00:00 GMT"),
//!     authorization: "MAAIISDK10 key=\"a-demo-key\", nonce=\"cb-0001\", \
//!         signature=\"de728d2ba2b3b92dc5810b6d28d0bf9d919a118edae41ff42fec8fc648d6493e\"",
//! };
//! let verifier = Verifier::new(&signer);
//! let ok = verifier.verify(&request, 1764331200, Some(&mut replay))?;
//! assert_eq!(ok.nonce(), "cb-0001");
//! // The same request again is a replay.
//! assert_eq!(
//!     verifier.verify(&request, 1764331200, Some(&mut replay)).unwrap_err(),
//!     m800_sign::Error::ReplayedNonce
//! );
//! # Ok::<(), m800_sign::Error>(())
//! ```
#![forbid(unsafe_code)]

use crate::authorization::{AuthParams, Param, RawParam};
use crate::canonical::CanonicalFields;
use crate::date::HttpDate;
use crate::digest::ContentMd5;
use crate::hmac::VERIFY_MAC_BLOCKS;
use crate::limits::{KEY_MAX, NONCE_MAX};
use crate::sign::Request;
use crate::signature::{Encoding, Signature};
use crate::signer::Signer;
use crate::{Error, Result};

pub use crate::replay::{Freshness, ReplayCache, ReplaySlot, ReplayStore, PROBE_MAX};
#[cfg(feature = "redis")]
pub use crate::replay_redis::RedisReplayStore;

/// The default clock window: 300 seconds either side of the verifier's clock.
pub const DEFAULT_WINDOW_S: u32 = 300;

/// A request as received by a server: its signed parts and the two signing
/// headers it came with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReceivedRequest<'a> {
    /// The signed parts as received: the method and the request target from
    /// the request line verbatim, the `Content-Type` value verbatim (empty
    /// when absent), and the body received (or its finished streaming MD5).
    pub request: Request<'a>,
    /// The `X-M-Date` value, `None` when the header is absent.
    pub x_m_date: Option<&'a str>,
    /// The `Authorization` value.
    pub authorization: &'a str,
}

impl<'a> ReceivedRequest<'a> {
    /// `request` as received with its two signing headers (`x_m_date` `None`
    /// when the request had no `X-M-Date`).
    ///
    /// ```
    /// use m800_sign::verify::{ReceivedRequest, Verifier};
    /// use m800_sign::{Body, Error, Request, Signer};
    /// let signer = Signer::new("a-demo-key", b"a-demo-secret")?;
    /// let request = Request { method: "GET", uri: "/health", content_type: "", body: Body::None };
    /// let authorization = r#"MAAIISDK10 key="a-demo-key", nonce="n-1", signature="00""#;
    /// let received = ReceivedRequest::new(request, None, authorization);
    /// assert_eq!(Verifier::new(&signer).verify(&received, 1764334800, None), Err(Error::MissingDate));
    /// # Ok::<(), m800_sign::Error>(())
    /// ```
    pub fn new(request: Request<'a>, x_m_date: Option<&'a str>, authorization: &'a str) -> Self {
        ReceivedRequest {
            request,
            x_m_date,
            authorization,
        }
    }
}

/// Where a verifier finds the secret for a developer key: one [`Signer`], an
/// array or slice of them (searched in order), a [`KeyFn`], or a type of your own.
///
/// ```
/// use m800_sign::{verify::{KeyStore, Verifier}, Signer};
/// /// Developers by key, e.g. loaded from a configuration file.
/// struct Developers(std::collections::BTreeMap<String, Signer>);
/// impl KeyStore for Developers {
///     fn signer(&self, key: &str) -> Option<&Signer> {
///         self.0.get(key)
///     }
/// }
/// let signer = Signer::new("a-demo-key", b"a-demo-secret")?;
/// let developers = Developers([(signer.key().to_string(), signer)].into());
/// assert_eq!(developers.signer("a-demo-key").map(Signer::key), Some("a-demo-key"));
/// assert!(developers.signer("unknown-key").is_none());
/// let verifier = Verifier::new(developers);
/// # Ok::<(), m800_sign::Error>(())
/// ```
pub trait KeyStore {
    /// The signer for `key`, or `None` for an unknown key.
    ///
    /// ```
    /// use m800_sign::{verify::KeyStore, Signer};
    /// let signers = [Signer::new("a-demo-key", b"a-demo-secret")?, Signer::new("other-key", b"other-secret")?];
    /// assert_eq!(signers.signer("other-key").map(Signer::key), Some("other-key"));
    /// assert!(signers.signer("unknown-key").is_none());
    /// # Ok::<(), m800_sign::Error>(())
    /// ```
    fn signer(&self, key: &str) -> Option<&Signer>;
}

/// A single (key, secret) pair.
impl KeyStore for Signer {
    fn signer(&self, key: &str) -> Option<&Signer> {
        (self.key() == key).then_some(self)
    }
}

/// Several pairs, searched in order.
impl KeyStore for [Signer] {
    fn signer(&self, key: &str) -> Option<&Signer> {
        self.iter().find(|s| s.key() == key)
    }
}

impl<const N: usize> KeyStore for [Signer; N] {
    fn signer(&self, key: &str) -> Option<&Signer> {
        self.as_slice().signer(key)
    }
}

/// Any lookup function, e.g. over a table of developers:
/// `KeyFn::new(|key| table.iter().find(|s| s.key() == key))`.
pub struct KeyFn<'s, F> {
    lookup: F,
    _signers: core::marker::PhantomData<&'s Signer>,
}

impl<'s, F: Fn(&str) -> Option<&'s Signer>> KeyFn<'s, F> {
    /// Wraps `lookup`.
    ///
    /// ```
    /// use m800_sign::{verify::{KeyFn, KeyStore}, Signer};
    /// let table = [Signer::new("a-demo-key", b"a-demo-secret")?];
    /// let keys = KeyFn::new(|key| table.iter().find(|s| s.key() == key));
    /// assert_eq!(keys.signer("a-demo-key").map(Signer::key), Some("a-demo-key"));
    /// assert!(keys.signer("unknown-key").is_none());
    /// # Ok::<(), m800_sign::Error>(())
    /// ```
    pub fn new(lookup: F) -> Self {
        KeyFn {
            lookup,
            _signers: core::marker::PhantomData,
        }
    }
}

impl<'s, F: Fn(&str) -> Option<&'s Signer>> KeyStore for KeyFn<'s, F> {
    fn signer(&self, key: &str) -> Option<&Signer> {
        (self.lookup)(key)
    }
}

impl<K: KeyStore + ?Sized> KeyStore for &K {
    fn signer(&self, key: &str) -> Option<&Signer> {
        (**self).signer(key)
    }
}

/// What a successful verification tells: borrowed from the request's
/// `Authorization` and the verifier's key store, nothing copied (only a nonce
/// sent with a backslash escape is held unescaped).
#[derive(Clone)]
pub struct Verified<'a> {
    key: &'a str,
    nonce: Param<'a, NONCE_MAX>,
    timestamp: u64,
}

impl Verified<'_> {
    /// The developer key that signed: the key of the [`Signer`] the key store
    /// returned for the request's `key`.
    ///
    /// ```
    /// use m800_sign::verify::{ReceivedRequest, Verifier};
    /// use m800_sign::{Body, Request, Signer};
    /// let signer = Signer::new("a-demo-key", b"a-demo-secret")?;
    /// let request = Request { method: "GET", uri: "/api/1.0/debug/echo", content_type: "", body: Body::None };
    /// let headers = signer.sign_request(&request, 1764334800, "19aca559e0102468acf13579bde")?;
    /// let received = ReceivedRequest::new(request, Some(headers.x_m_date()), headers.authorization());
    /// let verifier = Verifier::new(&signer);
    /// assert_eq!(verifier.verify(&received, 1764334800, None)?.key(), "a-demo-key");
    /// # Ok::<(), m800_sign::Error>(())
    /// ```
    pub fn key(&self) -> &str {
        self.key
    }
    /// The request's nonce (unescaped), e.g. for logging.
    ///
    /// ```
    /// use m800_sign::verify::{ReceivedRequest, Verifier};
    /// use m800_sign::{Body, Request, Signer};
    /// let signer = Signer::new("a-demo-key", b"a-demo-secret")?;
    /// let request = Request { method: "GET", uri: "/api/1.0/debug/echo", content_type: "", body: Body::None };
    /// let headers = signer.sign_request(&request, 1764334800, "19aca559e0102468acf13579bde")?;
    /// let received = ReceivedRequest::new(request, Some(headers.x_m_date()), headers.authorization());
    /// let verifier = Verifier::new(&signer);
    /// assert_eq!(verifier.verify(&received, 1764334800, None)?.nonce(), "19aca559e0102468acf13579bde");
    /// # Ok::<(), m800_sign::Error>(())
    /// ```
    pub fn nonce(&self) -> &str {
        self.nonce.as_str()
    }
    /// The request's date (its `X-M-Date`), Unix seconds.
    ///
    /// ```
    /// use m800_sign::verify::{ReceivedRequest, Verifier};
    /// use m800_sign::{Body, Request, Signer};
    /// let signer = Signer::new("a-demo-key", b"a-demo-secret")?;
    /// let request = Request { method: "GET", uri: "/api/1.0/debug/echo", content_type: "", body: Body::None };
    /// let headers = signer.sign_request(&request, 1764334800, "19aca559e0102468acf13579bde")?;
    /// let received = ReceivedRequest::new(request, Some(headers.x_m_date()), headers.authorization());
    /// let verifier = Verifier::new(&signer);
    /// assert_eq!(verifier.verify(&received, 1764334860, None)?.timestamp(), 1764334800);
    /// # Ok::<(), m800_sign::Error>(())
    /// ```
    pub fn timestamp(&self) -> u64 {
        self.timestamp
    }
}

impl PartialEq for Verified<'_> {
    /// The same key, nonce and date (a nonce borrowed or unescaped alike).
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key && self.nonce() == other.nonce() && self.timestamp == other.timestamp
    }
}

impl Eq for Verified<'_> {}

impl core::fmt::Debug for Verified<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Verified")
            .field("key", &self.key)
            .field("nonce", &self.nonce())
            .field("timestamp", &self.timestamp)
            .finish()
    }
}

/// Checks signed requests against a [`KeyStore`].
#[derive(Clone, Copy, Debug)]
pub struct Verifier<K> {
    keys: K,
    window_s: u32,
}

impl<K: KeyStore> Verifier<K> {
    /// A verifier over `keys` with the default 300-second window
    /// ([`DEFAULT_WINDOW_S`]).
    ///
    /// ```
    /// use m800_sign::{verify::Verifier, Signer};
    /// let signers = [Signer::new("a-demo-key", b"a-demo-secret")?, Signer::new("other-key", b"other-secret")?];
    /// let verifier = Verifier::new(&signers[..]);
    /// assert_eq!(verifier.window_s(), 300);
    /// # Ok::<(), m800_sign::Error>(())
    /// ```
    pub fn new(keys: K) -> Self {
        Verifier {
            keys,
            window_s: DEFAULT_WINDOW_S,
        }
    }

    /// The same verifier with another window, in seconds either side of the clock.
    ///
    /// ```
    /// use m800_sign::verify::{ReceivedRequest, Verifier};
    /// use m800_sign::{Body, Request, Signer};
    /// let signer = Signer::new("a-demo-key", b"a-demo-secret")?;
    /// let request = Request { method: "GET", uri: "/api/1.0/debug/echo", content_type: "", body: Body::None };
    /// let headers = signer.sign_request(&request, 1764334800, "19aca559e0102468acf13579bde")?;
    /// let received = ReceivedRequest::new(request, Some(headers.x_m_date()), headers.authorization());
    /// let ten_minutes_later = 1764334800 + 600;
    /// assert!(Verifier::new(&signer).verify(&received, ten_minutes_later, None).is_err());
    /// assert!(Verifier::new(&signer).with_window(600).verify(&received, ten_minutes_later, None).is_ok());
    /// # Ok::<(), m800_sign::Error>(())
    /// ```
    #[must_use]
    pub fn with_window(mut self, window_s: u32) -> Self {
        self.window_s = window_s;
        self
    }

    /// The window, in seconds.
    ///
    /// ```
    /// use m800_sign::{verify::Verifier, Signer};
    /// let signer = Signer::new("a-demo-key", b"a-demo-secret")?;
    /// assert_eq!(Verifier::new(&signer).with_window(60).window_s(), 60);
    /// # Ok::<(), m800_sign::Error>(())
    /// ```
    pub fn window_s(&self) -> u32 {
        self.window_s
    }

    /// Verifies `request` at the verifier's clock `now` (Unix seconds). With
    /// `replay` set, a nonce seen before inside the window is refused. The
    /// answer borrows from the request and from this verifier's key store.
    ///
    /// The signature must be written in the encoding of the key's [`Signer`]
    /// ([`Signer::with_encoding`]; lower-case hex by default).
    ///
    /// Errors, in the order of the steps (see the [module documentation](self)):
    /// the `Authorization` header's ([`Error::MalformedAuthorization`],
    /// [`Error::UnsupportedScheme`], [`Error::MissingAuthParam`],
    /// [`Error::DuplicateAuthParam`], [`Error::KeyTooLong`],
    /// [`Error::NonceTooLong`]); [`Error::UnknownKey`]; [`Error::MissingDate`],
    /// [`Error::InvalidDate`], [`Error::DateTooOld`], [`Error::DateInFuture`];
    /// a method, URI, content type or nonce no string to sign may hold (see
    /// [`CanonicalFields::new`]); [`Error::SignatureMismatch`];
    /// [`Error::ReplayedNonce`], [`Error::ReplayStoreFull`].
    ///
    /// ```
    /// use m800_sign::verify::{ReceivedRequest, Verifier};
    /// use m800_sign::{Body, Request, Signer};
    /// let signer = Signer::new("a-demo-key", b"a-demo-secret")?;
    /// let request = Request { method: "GET", uri: "/api/1.0/debug/echo", content_type: "", body: Body::None };
    /// let headers = signer.sign_request(&request, 1764334800, "19aca559e0102468acf13579bde")?;
    /// let tampered = Request { uri: "/api/1.0/debug/echo?admin=1", ..request };
    /// let received = ReceivedRequest::new(tampered, Some(headers.x_m_date()), headers.authorization());
    /// let verifier = Verifier::new(&signer);
    /// assert_eq!(verifier.verify(&received, 1764334800, None), Err(m800_sign::Error::SignatureMismatch));
    /// # Ok::<(), m800_sign::Error>(())
    /// ```
    pub fn verify<'a>(
        &'a self,
        request: &ReceivedRequest<'a>,
        now: u64,
        replay: Option<&mut dyn ReplayStore>,
    ) -> Result<Verified<'a>> {
        self.verify_with(request, now, replay, |key, nonce, timestamp| Verified {
            key,
            nonce,
            timestamp,
        })
    }

    /// [`verify`](Self::verify) for a caller that wants the outcome only (the
    /// C layer): no [`Verified`] (with room for an unescaped nonce) is built,
    /// returned or held on the stack above the MAC.
    #[cfg(feature = "ffi")]
    pub(crate) fn check<'a>(
        &'a self,
        request: &ReceivedRequest<'a>,
        now: u64,
        replay: Option<&mut dyn ReplayStore>,
    ) -> Result<()> {
        self.verify_with(request, now, replay, |_, _, _| ())
    }

    /// The steps of [`verify`](Self::verify); `done` makes the answer from
    /// the key, the nonce and the request's date.
    #[inline(always)]
    fn verify_with<'a, T>(
        &'a self,
        request: &ReceivedRequest<'a>,
        now: u64,
        replay: Option<&mut dyn ReplayStore>,
        done: fn(&'a str, Param<'a, NONCE_MAX>, u64) -> T,
    ) -> Result<T> {
        // 1. The header, borrowed: nothing is copied unless it holds an escape
        // (read in place in the result: moving it out is a second copy on the
        // stack).
        let parsed = AuthParams::parse(request.authorization);
        let auth = match &parsed {
            Ok(auth) => auth,
            Err(e) => return Err(*e),
        };
        // 2. The key.
        let signer = self.lookup(&auth.key)?;
        let Some(nonce) = auth.nonce.borrowed() else {
            return self.verify_unescaped_nonce(request, now, replay, signer, auth, done);
        };
        // 3 to 5.
        let timestamp = self.check_rest(request, now, replay, signer, &auth.signature, nonce)?;
        Ok(done(signer.key(), Param::Borrowed(nonce), timestamp))
    }

    /// [`verify`](Self::verify) from step 3 for a nonce sent with an escape:
    /// its own frame holds the unescaped copy, which `verify`'s does not.
    #[cold]
    #[inline(never)]
    fn verify_unescaped_nonce<'a, T>(
        &'a self,
        request: &ReceivedRequest<'a>,
        now: u64,
        replay: Option<&mut dyn ReplayStore>,
        signer: &'a Signer,
        auth: &AuthParams<'a>,
        done: fn(&'a str, Param<'a, NONCE_MAX>, u64) -> T,
    ) -> Result<T> {
        let mut nonce = heapless::String::<NONCE_MAX>::new();
        auth.nonce.unescape_into(nonce.as_mut_view())?;
        let timestamp = self.check_rest(request, now, replay, signer, &auth.signature, &nonce)?;
        Ok(done(signer.key(), Param::Unescaped(nonce), timestamp))
    }

    /// Steps 3 to 5: the date window, the signature, the replay store; the
    /// request's date (Unix seconds) when all pass.
    #[inline(never)]
    fn check_rest(
        &self,
        request: &ReceivedRequest<'_>,
        now: u64,
        replay: Option<&mut dyn ReplayStore>,
        signer: &Signer,
        claimed: &RawParam<'_>,
        nonce: &str,
    ) -> Result<u64> {
        // 3. The date window.
        let (x_m_date, timestamp) = check_date(request.x_m_date, now, self.window_s)?;
        // 4. The signature.
        check_signature(&request.request, x_m_date, nonce, signer, claimed)?;
        // 5. The replay store, last.
        if let Some(store) = replay {
            record(store, signer.key(), nonce, timestamp, now, self.window_s)?;
        }
        Ok(timestamp)
    }

    /// The signer for the header's key ([`Error::UnknownKey`] when there is none).
    fn lookup(&self, key: &RawParam<'_>) -> Result<&Signer> {
        match key.borrowed() {
            Some(key) => self.keys.signer(key),
            None => self.lookup_unescaped(key)?,
        }
        .ok_or(Error::UnknownKey)
    }

    /// [`lookup`](Self::lookup) for a key sent with an escape: its own frame,
    /// so the unescaped copy costs stack only then.
    #[cold]
    #[inline(never)]
    fn lookup_unescaped(&self, key: &RawParam<'_>) -> Result<Option<&Signer>> {
        let mut unescaped = heapless::String::<KEY_MAX>::new();
        key.unescape_into(unescaped.as_mut_view())?;
        Ok(self.keys.signer(&unescaped))
    }

    /// The string to sign the verifier expects for `request` (for diagnosing a
    /// [`Error::SignatureMismatch`]), written into `buf` (at most
    /// [`STRING_TO_SIGN_MAX`](crate::limits::STRING_TO_SIGN_MAX) bytes). The
    /// key is not looked up, nor the date or signature checked.
    ///
    /// Errors: the `Authorization` header's, [`Error::MissingDate`], the
    /// fields' (see [`CanonicalFields::new`]) and [`Error::BufferTooSmall`].
    ///
    /// ```
    /// use m800_sign::verify::{ReceivedRequest, Verifier};
    /// use m800_sign::{Body, Request, Signer};
    /// let signer = Signer::new("a-demo-key", b"a-demo-secret")?;
    /// let request = Request { method: "GET", uri: "/api/1.0/debug/echo", content_type: "", body: Body::None };
    /// let headers = signer.sign_request(&request, 1764334800, "19aca559e0102468acf13579bde")?;
    /// let received = ReceivedRequest::new(request, Some(headers.x_m_date()), headers.authorization());
    /// let mut buf = [0u8; 256];
    /// assert_eq!(
    ///     Verifier::new(&signer).expected_string_to_sign(&received, &mut buf)?,
    ///     "GET\n/api/1.0/debug/echo\n\n\nFri, 28 Nov 2025 13:00:00 GMT\n19aca559e0102468acf13579bde"
    /// );
    /// # Ok::<(), m800_sign::Error>(())
    /// ```
    pub fn expected_string_to_sign<'b>(
        &self,
        request: &ReceivedRequest<'_>,
        buf: &'b mut [u8],
    ) -> Result<&'b str> {
        let auth = AuthParams::parse(request.authorization)?;
        let nonce = auth.nonce.param::<NONCE_MAX>()?;
        let x_m_date = request.x_m_date.ok_or(Error::MissingDate)?;
        let content_md5 = request.request.body.content_md5();
        received_fields(&request.request, &content_md5, x_m_date, nonce.as_str())?.write(buf)
    }
}

/// The canonical fields of a request as received: its own parts, the MD5 of the
/// body received (never a `Content-MD5` header), and the date and nonce it sent.
fn received_fields<'f>(
    request: &Request<'f>,
    content_md5: &'f ContentMd5,
    x_m_date: &'f str,
    nonce: &'f str,
) -> Result<CanonicalFields<'f>> {
    CanonicalFields::received(
        request.method,
        request.uri,
        content_md5.as_bytes(),
        request.content_type,
        x_m_date,
        nonce,
    )
}

// Each step below has its own frame (#[inline(never)]), so that the frames
// of the steps do not add up under `verify`: on a Cortex-M the deepest path
// (the MD5 of the body, or the HMAC) then sits under two small frames only.

/// Step 3: the `X-M-Date` value and its Unix time, inside the window.
#[inline(never)]
fn check_date(x_m_date: Option<&str>, now: u64, window_s: u32) -> Result<(&str, u64)> {
    let x_m_date = x_m_date.ok_or(Error::MissingDate)?;
    let (_, timestamp) = HttpDate::parse(x_m_date)?;
    check_window(timestamp, now, window_s)?;
    Ok((x_m_date, timestamp))
}

/// Step 4: the fields as received, the MD5 of the body received, then the MAC.
#[inline(never)]
fn check_signature(
    request: &Request<'_>,
    x_m_date: &str,
    nonce: &str,
    signer: &Signer,
    claimed: &RawParam<'_>,
) -> Result<()> {
    let content_md5 = request.body.content_md5();
    // A field no string to sign may hold is that field's own error: no
    // signer could have produced a signature over it.
    match received_fields(request, &content_md5, x_m_date, nonce) {
        // The MAC in this frame, not under `mac_matches`: the two frames
        // then never sit below each other.
        Ok(fields)
            if mac_matches(
                &signer.sign_fields_in::<VERIFY_MAC_BLOCKS>(&fields),
                signer.encoding(),
                claimed,
            ) =>
        {
            Ok(())
        }
        Ok(_) => Err(Error::SignatureMismatch),
        Err(e) => Err(e),
    }
}

/// Step 5: records `(key, nonce)`; a replay or a full store is an error.
#[inline(never)]
fn record(
    store: &mut dyn ReplayStore,
    key: &str,
    nonce: &str,
    timestamp: u64,
    now: u64,
    window_s: u32,
) -> Result<()> {
    // Kept while a request with this date can pass the window.
    let keep_until = timestamp.saturating_add(u64::from(window_s));
    match store.check_and_record(key, nonce, keep_until, now) {
        Freshness::Fresh => Ok(()),
        Freshness::Replay => Err(Error::ReplayedNonce),
        Freshness::Full => Err(Error::ReplayStoreFull),
    }
}

/// Whether `claimed` is the text of `mac`: the MAC is written in the
/// signer's `encoding` and compared with the claimed text, unescaped, in
/// constant time. Both encodings are canonical (lower-case hex; padded base64
/// with zero unused bits), so this accepts exactly the texts that decode to
/// the MAC, without a decoder or a copy of the claim.
#[inline(never)]
fn mac_matches(mac: &Signature, encoding: Encoding, claimed: &RawParam<'_>) -> bool {
    let expected = mac.encode(encoding);
    let expected = expected.as_bytes();
    // The length is public (the encoding's); the content is compared in
    // constant time.
    if claimed.len() != expected.len() {
        return false;
    }
    match claimed.borrowed() {
        // The usual claim, without an escape: two slices, compared in a loop
        // without a branch per byte. (Whether the claim holds an escape is
        // the sender's choice, not a secret.)
        Some(text) => crate::signature::ct_all_equal(expected.iter().copied().zip(text.bytes())),
        None => crate::signature::ct_all_equal(expected.iter().copied().zip(claimed.bytes())),
    }
}

/// The clock rule: `timestamp` may lie at most `window_s` seconds either side of `now`.
///
/// Errors: [`Error::DateTooOld`], [`Error::DateInFuture`], each with the
/// verifier's clock and the distance.
///
/// ```
/// use m800_sign::{verify::check_window, Error};
/// assert_eq!(check_window(1764331200, 1764331500, 300), Ok(()));
/// let too_old = Error::DateTooOld { server_time: 1764331501, skew_s: 301 };
/// assert_eq!(check_window(1764331200, 1764331501, 300), Err(too_old));
/// let ahead = Error::DateInFuture { server_time: 1764330899, skew_s: 301 };
/// assert_eq!(check_window(1764331200, 1764330899, 300), Err(ahead));
/// ```
pub fn check_window(timestamp: u64, now: u64, window_s: u32) -> Result<()> {
    let window = u64::from(window_s);
    if timestamp < now {
        let skew_s = now.abs_diff(timestamp);
        if skew_s > window {
            return Err(Error::DateTooOld {
                server_time: now,
                skew_s,
            });
        }
    } else {
        let skew_s = timestamp.abs_diff(now);
        if skew_s > window {
            return Err(Error::DateInFuture {
                server_time: now,
                skew_s,
            });
        }
    }
    Ok(())
}
