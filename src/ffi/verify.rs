//! Verifying signed requests: `m800_verify` and its parameters (one signer or
//! a key-lookup callback; parsed fields, a streamed body's `Content-MD5` or the
//! raw HTTP/1.1 bytes), the simple `m800_verify_request`, the replay cache
//! on caller slots, and the caller's own replay store (a callback).

use super::signer::{
    digested_body, m800_request, m800_signer, request, signer, BodyArg, M800_STRING_TO_SIGN_SIZE,
};
use super::status::m800_status::{self, *};
use super::{bytes, get, guard, optional, text, FfiResult, Out};
use crate::http::HttpRequest;
use crate::limits::{KEY_MAX, NONCE_MAX};
use crate::verify::{
    Freshness, KeyStore, ReceivedRequest, ReplayCache, ReplaySlot, ReplayStore, Verifier,
};
use crate::{Error, Signer};
use core::cell::Cell;
use core::ffi::{c_char, c_int, c_void};
use core::mem::{align_of, size_of, MaybeUninit};

/// One entry of a replay cache: a fingerprint of `(key, nonce)` and its expiry.
/// Holds no secret. Allocate an array of them (any number) and hand it to
/// `m800_replay_cache_init`. Fields are private. 16 bytes (32 before the
/// hashed replay cache: size arrays with `sizeof`, never a literal).
#[repr(C)]
#[derive(Clone, Copy)]
pub struct m800_replay_slot {
    pub(crate) opaque: [MaybeUninit<u64>; 2],
}

const _: () = assert!(size_of::<ReplaySlot>() == size_of::<m800_replay_slot>());
const _: () = assert!(align_of::<ReplaySlot>() <= align_of::<m800_replay_slot>());

/// A fixed-capacity replay cache over caller-owned slots: remembers each
/// `(key, nonce)` until its date leaves the window, then reuses the slot. When
/// every slot is live, verification fails with `M800_ERR_REPLAY_CACHE_FULL`:
/// a replay is never accepted because the cache is full.
///
/// Not thread-safe: serialise the verify calls that share one cache. The slots
/// must outlive the cache and not be touched by the caller while it is in use.
/// Fields are private (set by `m800_replay_cache_init`).
#[repr(C)]
pub struct m800_replay_cache {
    slots: *mut m800_replay_slot,
    n_slots: usize,
    magic: u64,
}

const CACHE_MAGIC: u64 = 0x4d38_3030_5250_4c59; // "M800RPLY"

/// Sets up `c` over `slots[0..n_slots]` and empties every slot. `n_slots` may be
/// 0 (every fresh request then fails with `M800_ERR_REPLAY_CACHE_FULL`).
///
/// # Safety
/// `c` valid for writes; `slots` valid for reads and writes of `n_slots` slots
/// for as long as `c` is used.
#[no_mangle]
pub unsafe extern "C" fn m800_replay_cache_init(
    c: *mut m800_replay_cache,
    slots: *mut m800_replay_slot,
    n_slots: usize,
) -> m800_status {
    guard(|| {
        if slots.is_null() && n_slots != 0 {
            return Err(M800_ERR_NULL_POINTER);
        }
        // SAFETY: as this function's contract.
        let (slice, c) = unsafe { (slots_mut(slots, n_slots)?, Out::new(c)?) };
        ReplayCache::new(slice);
        let magic = CACHE_MAGIC;
        c.put(m800_replay_cache {
            slots,
            n_slots,
            magic,
        });
        Ok(())
    })
}

/// The slots as Rust `ReplaySlot`s.
///
/// # Safety
/// A non-NULL `slots` must be valid for reads and writes of `n` slots, used by
/// no one else during `'a`.
unsafe fn slots_mut<'a>(slots: *mut m800_replay_slot, n: usize) -> FfiResult<&'a mut [ReplaySlot]> {
    if slots.is_null() {
        return Ok(&mut []);
    }
    if n.checked_mul(size_of::<ReplaySlot>())
        .and_then(|b| isize::try_from(b).ok())
        .is_none()
    {
        return Err(M800_ERR_INVALID_ARGUMENT);
    }
    // SAFETY: `m800_replay_slot` and `ReplaySlot` have the same size and a
    // compatible alignment (asserts above); `ReplaySlot` holds only integers, so
    // any bytes are a valid value; the memory is valid and exclusive by contract,
    // and its size fits `isize` (checked above).
    Ok(unsafe { core::slice::from_raw_parts_mut(slots.cast::<ReplaySlot>(), n) })
}

/// The replay cache of an initialised `m800_replay_cache`.
///
/// # Safety
/// A non-NULL `c` must be a valid `m800_replay_cache`, zeroed or initialised by
/// `m800_replay_cache_init`, used by no one else during `'a`.
unsafe fn replay_cache<'a>(
    c: *mut m800_replay_cache,
) -> FfiResult<ReplayCache<&'a mut [ReplaySlot]>> {
    // SAFETY: forwarded contract.
    let c = unsafe { get(c) }?;
    if c.magic != CACHE_MAGIC {
        return Err(M800_ERR_NOT_INITIALIZED);
    }
    // SAFETY: init stored a slot pointer and count valid for the cache's life.
    let slots = unsafe { slots_mut(c.slots, c.n_slots) }?;
    Ok(ReplayCache::resume(slots))
}

/// What a replay store's `check_and_record` answers.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum m800_freshness {
    /// Not seen before; now recorded through `keep_until`: the request passes.
    M800_FRESH = 0,
    /// Already recorded and not yet expired: `M800_ERR_REPLAYED_NONCE`.
    M800_REPLAYED = 1,
    /// Could not check or record it (store unreachable, full, timed out):
    /// `M800_ERR_REPLAY_CACHE_FULL`, as is any value not listed here.
    M800_STORE_FAILED = 2,
}

/// Checks whether the pair `(key, nonce)` is recorded and, if not, records it
/// through the whole second `keep_until` (Unix seconds: the request's date
/// plus the window, the last second in which the request can pass; e.g. a
/// TTL of `keep_until - now + 1` seconds), in one atomic step when several
/// verifiers share the store. `key` and `nonce`
/// are NUL-terminated and `key_len` / `nonce_len` bytes long (ASCII, no NUL
/// inside); both are valid only during the call, and both may hold `:`, so
/// name the pair injectively (the Redis stores write `m800:{key}:{nonce}`
/// with each `:` of the key as `\:`). Returns `M800_FRESH` only
/// when the pair was recorded: anything that could not be recorded must be
/// `M800_STORE_FAILED`, never `M800_FRESH`.
pub type m800_replay_check_fn = Option<
    unsafe extern "C" fn(
        ctx: *mut c_void,
        key: *const c_char,
        key_len: usize,
        nonce: *const c_char,
        nonce_len: usize,
        keep_until: u64,
    ) -> m800_freshness,
>;

/// The callback as it is called: its result read as a plain `int`, so that a
/// value C invents is never taken for an `m800_freshness`.
pub(super) type CheckAbi =
    unsafe extern "C" fn(*mut c_void, *const c_char, usize, *const c_char, usize, u64) -> c_int;

/// A replay store of the caller's own (e.g. shared by several servers, on
/// Redis): usable wherever an `m800_replay_cache` is, through
/// `m800_verify_params.replay_store`. `check_and_record` is called at most
/// once per verification, on the verifying thread, and only for a request
/// whose signature, key and date have passed (a forged request never reaches
/// it). A store shared by threads must be thread-safe itself.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct m800_replay_store {
    /// Passed to `check_and_record` untouched.
    pub ctx: *mut c_void,
    /// Checks and records one pair; NULL is `M800_ERR_NULL_POINTER`.
    pub check_and_record: m800_replay_check_fn,
}

/// The replay check a verification asks for: the C layer's one `ReplayStore`.
enum Replay<'a> {
    Cache(ReplayCache<&'a mut [ReplaySlot]>),
    /// A caller's `m800_replay_store`: its callback and context.
    Callback(CheckAbi, *mut c_void),
}

impl ReplayStore for Replay<'_> {
    fn check_and_record(&mut self, key: &str, nonce: &str, keep_until: u64, now: u64) -> Freshness {
        match self {
            Replay::Cache(c) => c.check_and_record(key, nonce, keep_until, now),
            Replay::Callback(f, ctx) => ask_store(*f, *ctx, key, nonce, keep_until),
        }
    }
}

/// Asks a caller's store (out of line: its copies stay off the cache's path).
#[inline(never)]
fn ask_store(f: CheckAbi, ctx: *mut c_void, key: &str, nonce: &str, keep_until: u64) -> Freshness {
    let (mut k, mut n) = ([0; KEY_MAX + 1], [0; NONCE_MAX + 1]);
    let (Some(k), Some(n)) = (nul_terminated(key, &mut k), nul_terminated(nonce, &mut n)) else {
        return Freshness::Full;
    };
    // SAFETY: the callback follows `m800_replay_check_fn`'s contract (the
    // caller of `m800_verify` promises it); `k` and `n` are NUL-terminated
    // after `key.len()` / `nonce.len()` bytes and live during the call.
    match unsafe { f(ctx, k, key.len(), n, nonce.len(), keep_until) } {
        a if a == m800_freshness::M800_FRESH as c_int => Freshness::Fresh,
        a if a == m800_freshness::M800_REPLAYED as c_int => Freshness::Replay,
        _ => Freshness::Full,
    }
}

/// Writes `text` and a NUL into `buf`, in place; `None` if it does not fit.
fn nul_terminated(text: &str, buf: &mut [u8]) -> Option<*const c_char> {
    let (dst, nul) = buf.split_at_mut_checked(text.len())?;
    crate::text::copy(dst, text.as_bytes());
    *nul.first_mut()? = 0;
    Some(buf.as_ptr().cast())
}

/// The replay check asked for: `cache`, `store`, or none (both NULL).
///
/// # Safety
/// As `m800_verify`, for `cache` and `store`.
unsafe fn replay<'a>(
    cache: *mut m800_replay_cache,
    store: *const m800_replay_store,
) -> FfiResult<Option<Replay<'a>>> {
    if store.is_null() {
        // SAFETY: as this function's contract.
        return (!cache.is_null())
            .then(|| unsafe { replay_cache(cache) }.map(Replay::Cache))
            .transpose();
    }
    if !cache.is_null() {
        return Err(M800_ERR_INVALID_ARGUMENT);
    }
    // SAFETY: as this function's contract.
    let store = unsafe { get(store) }?;
    let f = store.check_and_record.ok_or(M800_ERR_NULL_POINTER)?;
    type Declared = <m800_replay_check_fn as IntoIterator>::Item;
    // SAFETY: the same C function, its `int`-sized result read as `c_int`.
    let f = unsafe { core::mem::transmute::<Declared, CheckAbi>(f) };
    Ok(Some(Replay::Callback(f, store.ctx)))
}

/// What `m800_verify` reports besides the status, when asked.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct m800_verify_details {
    /// The verifier's clock (`now`), Unix seconds.
    pub server_time: u64,
    /// For `M800_ERR_DATE_TOO_OLD` / `M800_ERR_DATE_IN_FUTURE`: how far the
    /// request's date lies from `server_time`, in seconds; otherwise 0.
    pub skew_s: u64,
    /// For `M800_ERR_SIGNATURE_MISMATCH`: the string to sign the verifier
    /// expected, NUL-terminated; otherwise the empty string.
    pub expected_string_to_sign: [c_char; M800_STRING_TO_SIGN_SIZE],
    /// Length of `expected_string_to_sign`.
    pub expected_string_to_sign_len: usize,
}

/// Finds the signer for a developer key: on success writes a pointer to an
/// initialised signer for `key` to `*out` and returns `M800_OK`; for an unknown
/// key returns `M800_ERR_UNKNOWN_KEY` (or `M800_OK` with `*out` NULL). Any other
/// status aborts the verification and is returned by it as is (a value that is
/// not an `m800_status` becomes `M800_ERR_INTERNAL`).
///
/// `key` is NUL-terminated and `key_len` bytes long; it is valid only during the
/// call. The signer must stay valid and unchanged until the verify call returns.
/// Called at most once per verification, on the verifying thread.
pub type m800_key_lookup_fn = Option<
    unsafe extern "C" fn(
        ctx: *mut c_void,
        key: *const c_char,
        key_len: usize,
        out: *mut *const m800_signer,
    ) -> m800_status,
>;

/// The callback as it is called: its result read as a plain `int`, so that a
/// value C invents is never taken for an `m800_status`.
pub(super) type LookupAbi =
    unsafe extern "C" fn(*mut c_void, *const c_char, usize, *mut *const m800_signer) -> c_int;

/// What `m800_verify` checks, and with what. Set it up with
/// `m800_verify_params_init` (or set `size` to `sizeof(m800_verify_params)`
/// and zero the rest), then fill in the fields the request needs:
///
/// - the key source: `signer`, or `lookup` (and `lookup_ctx`); both is
///   `M800_ERR_INVALID_ARGUMENT`, neither `M800_ERR_NULL_POINTER`;
/// - the request: `request` with the body, or `request` without a body and
///   `content_md5` for a body digested in chunks on arrival, or `http` alone:
///   one raw HTTP/1.1 request as received (its headers supply `X-M-Date` and
///   `Authorization`; `http` with `request`, `content_md5`, `x_m_date` or
///   `authorization` set is `M800_ERR_INVALID_ARGUMENT`);
/// - `x_m_date` (NULL: the header is absent) and `authorization`, unless `http`;
/// - each optional pointer (`content_md5`, `http`, `x_m_date`) is absent only
///   when NULL with length 0: NULL with a length is `M800_ERR_NULL_POINTER`;
/// - `now`, `window_s`, and for the replay check either `replay_cache` or
///   `replay_store` (both NULL: no replay check; both set:
///   `M800_ERR_INVALID_ARGUMENT`).
///
/// Growth: new fields are only ever appended, and `size` tells the library
/// which version of the struct the caller compiled: the library reads the
/// fields an older caller knows and gives the others their defaults, so old
/// callers keep working unchanged. Known sizes: `sizeof(m800_verify_params)`,
/// and `offsetof(m800_verify_params, replay_store)` (the struct before
/// `replay_store` was appended); any other `size` is
/// `M800_ERR_INVALID_ARGUMENT`. `m800_verify_params_init` passes the size
/// the caller compiled (`m800_verify_params_init_sized`), so the library
/// never writes past the caller's struct either.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct m800_verify_params {
    /// `sizeof(m800_verify_params)` as the caller compiled it.
    pub size: usize,
    /// The one signer to verify with; NULL when `lookup` is set.
    pub signer: *const m800_signer,
    /// Finds the signer for the request's key; NULL when `signer` is set.
    pub lookup: m800_key_lookup_fn,
    /// Passed to `lookup` untouched.
    pub lookup_ctx: *mut c_void,
    /// The request parts as received; NULL when `http` is set.
    pub request: *const m800_request,
    /// The `Content-MD5` value `m800_md5_final` computed from the body
    /// *received* (never a `Content-MD5` header's value), for a body digested
    /// in chunks; `request->body` must then be empty. NULL (length 0): the
    /// MD5 of `request->body`.
    pub content_md5: *const c_char,
    /// Length of `content_md5`.
    pub content_md5_len: usize,
    /// One complete raw HTTP/1.1 request (request line, headers, empty line,
    /// exactly `Content-Length` body bytes), parsed strictly; NULL (length 0):
    /// `request`.
    pub http: *const u8,
    /// Length of `http`.
    pub http_len: usize,
    /// The `X-M-Date` value; NULL (length 0): the header is absent.
    pub x_m_date: *const c_char,
    /// Length of `x_m_date`.
    pub x_m_date_len: usize,
    /// The `Authorization` value.
    pub authorization: *const c_char,
    /// Length of `authorization`.
    pub authorization_len: usize,
    /// The verifier's clock, Unix seconds.
    pub now: u64,
    /// How far (seconds) the request's date may lie from `now` either way
    /// (`m800_verify_params_init` sets 300).
    pub window_s: u32,
    /// Remembers nonces inside the window; NULL: no replay check (or
    /// `replay_store`'s).
    pub replay_cache: *mut m800_replay_cache,
    /// The caller's own replay store, instead of `replay_cache`; NULL: none.
    /// Appended after `replay_cache` (see "Growth").
    pub replay_store: *const m800_replay_store,
}

/// Sets `*params` to the defaults as the caller compiled the struct: `size`
/// bytes (`sizeof(m800_verify_params)` in the caller's build, one of the
/// known sizes, else `M800_ERR_INVALID_ARGUMENT` and nothing written), with
/// `size` = `size`, `window_s` = 300, every other field zero / NULL. Never
/// writes past `size` bytes, so a program keeps working with a later library
/// that has appended fields. `m800_verify_params_init(params)` calls this
/// with `sizeof(m800_verify_params)` (a macro in the header).
///
/// # Safety
/// `params` valid for writes of `size` bytes.
#[no_mangle]
pub unsafe extern "C" fn m800_verify_params_init_sized(
    params: *mut m800_verify_params,
    size: usize,
) -> m800_status {
    // SAFETY: as this function's contract.
    guard(|| unsafe { init_params(params, size) })
}

/// The function behind the header's `m800_verify_params_init` macro, for
/// callers that cannot use the macro (ctypes, binaries built before it): sets
/// up the struct as it is since `replay_store` was appended, and only that
/// much, also when later versions append fields. A program compiled before
/// `replay_store` was appended has a struct one pointer shorter, which this
/// writes past: it must be rebuilt with this header (the macro) first.
///
/// # Safety
/// `params` valid for writes of that struct.
#[no_mangle]
pub unsafe extern "C" fn m800_verify_params_init(params: *mut m800_verify_params) -> m800_status {
    // SAFETY: as this function's contract.
    guard(|| unsafe { init_params(params, SIZE_WITH_REPLAY_STORE) })
}

/// Writes the first `size` bytes of the defaults, with `size` = `size`.
///
/// # Safety
/// A non-NULL `params` must be valid for writes of `size` bytes.
unsafe fn init_params(params: *mut m800_verify_params, size: usize) -> FfiResult {
    if params.is_null() {
        return Err(M800_ERR_NULL_POINTER);
    }
    if !KNOWN_SIZES.contains(&size) {
        return Err(M800_ERR_INVALID_ARGUMENT);
    }
    let defaults = m800_verify_params { size, ..DEFAULTS };
    // SAFETY: `params` is non-NULL and valid for writes of `size` bytes
    // (contract); `size` is a known size, at most the struct's and ending on
    // a field boundary, so the copy writes whole fields and reads only
    // `defaults`.
    unsafe {
        core::ptr::copy_nonoverlapping(
            (&raw const defaults).cast::<u8>(),
            params.cast::<u8>(),
            size,
        );
    }
    Ok(())
}

const DEFAULTS: m800_verify_params = m800_verify_params {
    size: size_of::<m800_verify_params>(),
    window_s: crate::verify::DEFAULT_WINDOW_S,
    // SAFETY: every other field is a pointer, a length or an `Option` of a
    // function pointer: all zero is NULL, 0 and `None`.
    ..unsafe { core::mem::zeroed() }
};

/// `sizeof(m800_verify_params)` with `replay_store`, the struct that
/// `m800_verify_params_init` (the function) writes: fixed for good. When a
/// field is appended, this stays the size before it (and joins
/// `KNOWN_SIZES` as such), while `size_of` grows.
const SIZE_WITH_REPLAY_STORE: usize = size_of::<m800_verify_params>();

/// Every `size` a caller may have compiled, oldest first: the struct up to
/// each appended field, then the whole struct.
const KNOWN_SIZES: [usize; 2] = [
    core::mem::offset_of!(m800_verify_params, replay_store),
    SIZE_WITH_REPLAY_STORE,
];

/// Verifies with the caller's parameters, as much of them as its `size`
/// covers.
///
/// # Safety
/// A non-NULL `p` must be valid for reads of its `size` bytes; the rest as
/// `m800_verify`.
unsafe fn verify_sized(
    p: *const m800_verify_params,
    details: *mut m800_verify_details,
) -> FfiResult {
    // SAFETY: as this function's contract; `size` is the first field.
    let size = *unsafe { get(p.cast::<usize>()) }?;
    if size == size_of::<m800_verify_params>() {
        // SAFETY: `p` is valid for reads of the whole struct.
        return unsafe { verify(get(p)?, details) };
    }
    if !KNOWN_SIZES.contains(&size) {
        return Err(M800_ERR_INVALID_ARGUMENT);
    }
    // SAFETY: as this function's contract.
    unsafe { verify_older(p, size, details) }
}

/// An older caller's parameters: the prefix its `size` covers, copied over
/// `DEFAULTS` (out of line: the copy costs the current callers no stack).
///
/// # Safety
/// As [`verify_sized`], with `size` one of `KNOWN_SIZES`.
#[inline(never)]
unsafe fn verify_older(
    p: *const m800_verify_params,
    size: usize,
    details: *mut m800_verify_details,
) -> FfiResult {
    let mut params = DEFAULTS;
    // SAFETY: `p` is valid for reads of `size` bytes; `size` is at most the
    // struct's, and each known size ends on a field boundary, so the copy
    // writes whole fields of `params` with the caller's values of them.
    unsafe {
        core::ptr::copy_nonoverlapping(p.cast::<u8>(), (&raw mut params).cast::<u8>(), size);
        verify(&params, details)
    }
}

/// Where the keys come from: the C layer's one `KeyStore`.
enum Keys<'a> {
    One(&'a Signer),
    /// The callback, its context, and the failure it reported (other than
    /// "unknown key"), if any.
    Lookup(LookupAbi, *mut c_void, &'a Cell<m800_status>),
}

impl KeyStore for Keys<'_> {
    fn signer(&self, key: &str) -> Option<&Signer> {
        match self {
            Keys::One(signer) => signer.signer(key),
            Keys::Lookup(lookup, ctx, failure) => look_up(*lookup, *ctx, failure, key),
        }
    }
}

/// Asks the C callback for `key`'s signer; a failure other than "unknown
/// key" is kept in `failure`. Out of line: the NUL-terminated copy of the
/// key is stack only during the call, never under the verification.
#[inline(never)]
fn look_up<'a>(
    lookup: LookupAbi,
    ctx: *mut c_void,
    failure: &Cell<m800_status>,
    key: &str,
) -> Option<&'a Signer> {
    let mut name = [0u8; crate::limits::KEY_MAX + 1];
    crate::text::copy(name.get_mut(..key.len())?, key.as_bytes());
    let mut found: *const m800_signer = core::ptr::null();
    // SAFETY: `lookup` follows `m800_key_lookup_fn`'s contract (the caller
    // of `m800_verify` promises it); `name` is NUL-terminated after
    // `key.len()` bytes and lives during the call; `found` is writable.
    let status = unsafe { lookup(ctx, name.as_ptr().cast(), key.len(), &mut found) };
    let status = m800_status::from_code(status).unwrap_or(M800_ERR_INTERNAL);
    let result = match status {
        M800_OK if found.is_null() => Ok(None),
        // SAFETY: by the callback's contract `found` points to a signer
        // that stays valid and unchanged until `m800_verify` returns.
        M800_OK => unsafe { signer(found) }.map(Some),
        M800_ERR_UNKNOWN_KEY => Ok(None),
        other => Err(other),
    };
    result.unwrap_or_else(|status| {
        failure.set(status);
        None
    })
}

/// Verifies the request `params` describes (PROTOCOL.md section 3). Checks, in
/// order: the `Authorization` header, its key (against `signer`'s, or through
/// `lookup`), the `X-M-Date` against `now` ± `window_s` seconds, the signature
/// (constant time; the MD5 always of the body received), then — with a
/// `replay_cache` or a `replay_store` — the nonce (a forged request never
/// takes a slot nor reaches the store). With
/// `http`, the raw request is parsed first, strictly (request smuggling starts
/// with lenient parsers): each violation is its own status,
/// `M800_ERR_MALFORMED_HTTP_REQUEST_LINE` to `M800_ERR_HTTP_BODY_LENGTH_MISMATCH`,
/// `M800_ERR_INVALID_HOST` for a `Host` value that is not `host[:port]`, or
/// `M800_ERR_MISSING_HOST` for an `HTTP/1.1` request without `Host`.
/// Returns `M800_OK` or exactly one failure. Allocation-free.
///
/// `details` NULL asks for nothing (and costs no stack); otherwise `*details`
/// is written on every return except argument and HTTP parser errors: the
/// server time, the clock skew of a date failure (so a client can
/// resynchronise) and the expected string to sign of a signature mismatch.
///
/// # Safety
/// `params` valid for reads of its `size` bytes, each pointer in it NULL or
/// valid as its field says (signers initialised, `lookup` following
/// `m800_key_lookup_fn`'s contract, the replay cache initialised and used by no
/// other thread, the replay store's callback following
/// `m800_replay_check_fn`'s); `details` NULL or valid for writes.
#[no_mangle]
pub unsafe extern "C" fn m800_verify(
    params: *const m800_verify_params,
    details: *mut m800_verify_details,
) -> m800_status {
    // SAFETY: as this function's contract.
    guard(|| unsafe { verify_sized(params, details) })
}

/// Verifies a received request with one signer: `m800_verify` with `signer`,
/// `request`, `x_m_date` (NULL with length 0: absent; NULL with a length is
/// `M800_ERR_NULL_POINTER`), `authorization`, `now`, `window_s`
/// and `cache` (NULL: no replay check), and no details.
///
/// # Safety
/// `s` as for `m800_sign_request`; `req` a valid request; `x_m_date` NULL or
/// readable for `x_m_date_len`; `authorization` readable for
/// `authorization_len`; `cache` NULL or initialised and exclusively used.
#[no_mangle]
pub unsafe extern "C" fn m800_verify_request(
    s: *const m800_signer,
    req: *const m800_request,
    x_m_date: *const c_char,
    x_m_date_len: usize,
    authorization: *const c_char,
    authorization_len: usize,
    now: u64,
    window_s: u32,
    cache: *mut m800_replay_cache,
) -> m800_status {
    // SAFETY (all): same contract. One signer, the request's parts, the cache
    // and no details: nothing of the HTTP parser, the lookup callback, the
    // caller's store or the report is linked into an image that calls only
    // this function (and no `m800_verify_params` is staged on the stack).
    guard(|| unsafe {
        let verifier = Verifier::new(signer(s)?).with_window(window_s);
        let date = optional(x_m_date, x_m_date_len)?;
        let received = parts_received(req, None, date, (authorization, authorization_len))?;
        let mut cache = (!cache.is_null())
            .then(|| replay_cache(cache))
            .transpose()?;
        let store = cache.as_mut().map(|c| c as &mut dyn ReplayStore);
        verifier
            .check(&received, now, store)
            .map_err(m800_status::from)
    })
}

/// The one verify path of the C functions.
///
/// # Safety
/// As `m800_verify`.
unsafe fn verify(p: &m800_verify_params, details: *mut m800_verify_details) -> FfiResult {
    let failure = Cell::new(M800_OK);
    // SAFETY (all): each pointer is valid as `m800_verify`'s contract says; the
    // callback is the same C function, its `int`-sized result read as `c_int`
    // (see `LookupAbi`).
    let (keys, received) = unsafe {
        let keys = match (p.signer.is_null(), p.lookup) {
            (false, None) => Keys::One(signer(p.signer)?),
            (true, Some(f)) => {
                type Declared = <m800_key_lookup_fn as IntoIterator>::Item;
                let f = core::mem::transmute::<Declared, LookupAbi>(f);
                Keys::Lookup(f, p.lookup_ctx, &failure)
            }
            (true, None) => return Err(M800_ERR_NULL_POINTER),
            (false, Some(_)) => return Err(M800_ERR_INVALID_ARGUMENT),
        };
        (keys, received(p)?)
    };
    let verifier = Verifier::new(keys).with_window(p.window_s);
    // SAFETY: as this function's contract.
    let result = unsafe { check(&verifier, &received, p.now, p.replay_cache, p.replay_store) }?;
    if let Some(details) = Out::optional(details) {
        report(details, &verifier, &received, p.now, result)?;
    }
    match (result, failure.get()) {
        (Err(Error::UnknownKey), status) if status != M800_OK => Err(status),
        (result, _) => result.map_err(m800_status::from),
    }
}

/// The request `p` describes. Inlined, as [`parts_received`].
///
/// # Safety
/// As `m800_verify`.
#[inline(always)]
unsafe fn received<'a>(p: &m800_verify_params) -> FfiResult<ReceivedRequest<'a>> {
    let [http, md5, date] = optional_fields(p)?;
    if http {
        // SAFETY: as this function's contract.
        return unsafe { http_received(p) };
    }
    let md5 = md5.then_some((p.content_md5, p.content_md5_len));
    let date = date.then_some((p.x_m_date, p.x_m_date_len));
    let authorization = (p.authorization, p.authorization_len);
    // SAFETY: as this function's contract.
    unsafe { parts_received(p.request, md5, date, authorization) }
}

/// Whether `http`, `content_md5` and `x_m_date` are present, by [`optional`]'s
/// rule (NULL with a length is an error). Out of line: its frame is gone
/// before the verification's.
#[inline(never)]
fn optional_fields(p: &m800_verify_params) -> FfiResult<[bool; 3]> {
    Ok([
        optional(p.http, p.http_len)?.is_some(),
        optional(p.content_md5, p.content_md5_len)?.is_some(),
        optional(p.x_m_date, p.x_m_date_len)?.is_some(),
    ])
}

/// The request of `p`'s raw HTTP/1.1 bytes, parsed strictly; out of line, so
/// that the parser's frame is gone before the verification runs.
///
/// # Safety
/// As `m800_verify`.
#[inline(never)]
unsafe fn http_received<'a>(p: &m800_verify_params) -> FfiResult<ReceivedRequest<'a>> {
    let others = [
        p.request.cast(),
        p.content_md5.cast(),
        p.x_m_date,
        p.authorization,
    ];
    if others.iter().any(|q: &*const c_char| !q.is_null()) {
        return Err(M800_ERR_INVALID_ARGUMENT);
    }
    // SAFETY: as this function's contract.
    let raw = unsafe { bytes(p.http, p.http_len) }?;
    Ok(HttpRequest::parse(raw)?.to_received())
}

/// The request of `req` (with `content_md5`, a streamed body's digest, if
/// given), `x_m_date` (absent: `None`) and `authorization`, each a pointer
/// and a length. Inlined: the request is built where it is used, not
/// returned and copied (on a Cortex-M, stack).
///
/// # Safety
/// As `m800_verify`, for these fields.
#[inline(always)]
unsafe fn parts_received<'a>(
    req: *const m800_request,
    content_md5: Option<(*const c_char, usize)>,
    x_m_date: Option<(*const c_char, usize)>,
    authorization: (*const c_char, usize),
) -> FfiResult<ReceivedRequest<'a>> {
    // SAFETY (all): as this function's contract.
    unsafe {
        let x_m_date = x_m_date.map(|(d, len)| text(d, len)).transpose()?;
        let authorization = text(authorization.0, authorization.1)?;
        let body: BodyArg<'_> = &|body| match content_md5 {
            Some((md5, len)) => digested_body(body, md5, len),
            None => Ok(body),
        };
        Ok(ReceivedRequest::new(
            request(req, body)?,
            x_m_date,
            authorization,
        ))
    }
}

/// Runs `verifier` on `received` at `now`, with the replay check of `cache`
/// or `store` (both NULL: none): the verification's own result inside, an
/// argument failure outside.
///
/// # Safety
/// As `m800_verify`, for `cache` and `store`.
unsafe fn check<K: KeyStore>(
    verifier: &Verifier<K>,
    received: &ReceivedRequest<'_>,
    now: u64,
    cache: *mut m800_replay_cache,
    store: *const m800_replay_store,
) -> FfiResult<crate::Result<()>> {
    // SAFETY: as this function's contract.
    let mut replay = unsafe { replay(cache, store) }?;
    let store = replay.as_mut().map(|r| r as &mut dyn ReplayStore);
    Ok(verifier.check(received, now, store))
}

/// Writes the details of `result` into the caller's struct, in place (the
/// expected string to sign goes straight into its array): out of line, so a
/// call without details spends no stack on them.
#[inline(never)]
fn report(
    details: Out<m800_verify_details>,
    verifier: &Verifier<Keys<'_>>,
    received: &ReceivedRequest<'_>,
    now: u64,
    result: crate::Result<()>,
) -> FfiResult {
    let skew_s = match result {
        Err(Error::DateTooOld { skew_s, .. } | Error::DateInFuture { skew_s, .. }) => skew_s,
        _ => 0,
    };
    // SAFETY (the four projections): `&raw mut` of a field of the valid struct.
    details
        .field(|d| unsafe { &raw mut (*d).server_time })?
        .put(now);
    details
        .field(|d| unsafe { &raw mut (*d).skew_s })?
        .put(skew_s);
    let sts = details.field(|d| unsafe { &raw mut (*d).expected_string_to_sign })?;
    let len = details.field(|d| unsafe { &raw mut (*d).expected_string_to_sign_len })?;
    let expected = match result {
        // Under a mismatch the fields form a string to sign (a field that
        // cannot is its own error); nothing is reported if it ever did not.
        Err(Error::SignatureMismatch) => sts.put_with(|buf| {
            let expected = verifier.expected_string_to_sign(received, buf);
            expected.map_or(0, str::len)
        }),
        _ => sts.put_with(|_| 0),
    };
    len.put(expected);
    Ok(())
}
