//! Verifying signed requests: one key, many keys (a C callback), and the
//! extended form that reports clock details; the replay cache on caller slots.

use super::signer::{
    m800_request, m800_signer, request, request_md5, signer, M800_STRING_TO_SIGN_SIZE,
};
use super::status::m800_status::{self, *};
use super::{bytes, guard, put, text, FfiResult};
use crate::http::HttpRequest;
use crate::limits::STRING_TO_SIGN_MAX;
use crate::sign::Request;
use crate::verify::{KeyFn, KeyStore, ReceivedRequest, ReplayCache, ReplaySlot, Verifier};
use crate::{Error, Signer};
use core::ffi::{c_char, c_int, c_void};
use core::mem::{align_of, size_of, MaybeUninit};

/// One entry of a replay cache: a fingerprint of `(key, nonce)` and its expiry.
/// Holds no secret. Allocate an array of them (any number) and hand it to
/// `m800_replay_cache_init`. Fields are private.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct m800_replay_slot {
    // MaybeUninit: the Rust slot inside has padding bytes.
    pub(crate) opaque: [MaybeUninit<u64>; 4],
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
        if c.is_null() || (slots.is_null() && n_slots != 0) {
            return Err(M800_ERR_NULL_POINTER);
        }
        // SAFETY: forwarded contract; the slot memory is valid for writes.
        let slice = unsafe { slots_mut(slots, n_slots) }?;
        ReplayCache::new(slice);
        let cache = m800_replay_cache {
            slots,
            n_slots,
            magic: CACHE_MAGIC,
        };
        // SAFETY: `c` valid for writes by contract.
        unsafe { put(c, cache) }
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

/// The replay cache of an initialised `m800_replay_cache`, or `None` for NULL.
///
/// # Safety
/// A non-NULL `c` must be a valid `m800_replay_cache`, zeroed or initialised by
/// `m800_replay_cache_init`, used by no one else during `'a`.
unsafe fn replay_cache<'a>(
    c: *mut m800_replay_cache,
) -> FfiResult<Option<ReplayCache<&'a mut [ReplaySlot]>>> {
    // SAFETY: forwarded contract.
    let Some(c) = (unsafe { c.as_ref() }) else {
        return Ok(None);
    };
    if c.magic != CACHE_MAGIC {
        return Err(M800_ERR_NOT_INITIALIZED);
    }
    // SAFETY: init stored a slot pointer and count valid for the cache's life.
    let slots = unsafe { slots_mut(c.slots, c.n_slots) }?;
    Ok(Some(ReplayCache::resume(slots)))
}

/// What `m800_verify_request_ex` reports besides the status.
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

/// # Safety
/// `req` as for `request`; `x_m_date` NULL or readable for its length;
/// `authorization` readable for its length.
unsafe fn received<'a>(
    req: *const m800_request,
    x_m_date: *const c_char,
    x_m_date_len: usize,
    authorization: *const c_char,
    authorization_len: usize,
) -> FfiResult<ReceivedRequest<'a>> {
    // SAFETY: forwarded contract.
    let r = unsafe { request(req) }?;
    // SAFETY: forwarded contract.
    unsafe { received_with(r, x_m_date, x_m_date_len, authorization, authorization_len) }
}

/// The request parts `r` with the two signed headers as received.
///
/// # Safety
/// `x_m_date` NULL or readable for its length; `authorization` readable for
/// its length.
unsafe fn received_with<'a>(
    r: Request<'a>,
    x_m_date: *const c_char,
    x_m_date_len: usize,
    authorization: *const c_char,
    authorization_len: usize,
) -> FfiResult<ReceivedRequest<'a>> {
    let x_m_date = if x_m_date.is_null() {
        None
    } else {
        // SAFETY: forwarded contract.
        Some(unsafe { text(x_m_date, x_m_date_len) }?)
    };
    // SAFETY: forwarded contract.
    let authorization = unsafe { text(authorization, authorization_len) }?;
    Ok(ReceivedRequest {
        method: r.method,
        uri: r.uri,
        content_type: r.content_type,
        body: r.body,
        x_m_date,
        authorization,
    })
}

/// Runs the Rust verifier and fills `details` when asked.
fn run<K: KeyStore>(
    keys: K,
    received: &ReceivedRequest<'_>,
    now: u64,
    window_s: u32,
    cache: Option<ReplayCache<&mut [ReplaySlot]>>,
    details: Option<&mut m800_verify_details>,
) -> FfiResult {
    let verifier = Verifier::new(keys).with_window(window_s);
    let mut cache = cache;
    let result = verifier.verify(
        received,
        now,
        cache
            .as_mut()
            .map(|c| c as &mut dyn crate::verify::ReplayStore),
    );
    if let Some(details) = details {
        let mut out = m800_verify_details {
            server_time: now,
            skew_s: 0,
            expected_string_to_sign: [0; M800_STRING_TO_SIGN_SIZE],
            expected_string_to_sign_len: 0,
        };
        match result {
            Err(Error::DateTooOld { skew_s, .. } | Error::DateInFuture { skew_s, .. }) => {
                out.skew_s = skew_s;
            }
            Err(Error::SignatureMismatch) => {
                let mut buf = [0u8; STRING_TO_SIGN_MAX];
                // A request whose fields cannot even form a string to sign has
                // none to report.
                if let Ok(expected) = verifier.expected_string_to_sign(received, &mut buf) {
                    out.expected_string_to_sign = super::fill_array(expected)?;
                    out.expected_string_to_sign_len = expected.len();
                }
            }
            _ => {}
        }
        *details = out;
    }
    result.map(|_| ()).map_err(m800_status::from)
}

/// Verifies a received request with one signer (PROTOCOL.md section 3). Checks, in
/// order: the `Authorization` header, its key against the signer's, the
/// `X-M-Date` against `now` ± `window_s` seconds, the signature (constant time;
/// the MD5 always from `req->body`), then — with a `cache` — the nonce (a forged
/// request never takes a slot). Returns `M800_OK` or exactly one failure.
///
/// `x_m_date` NULL means the header is absent (`M800_ERR_MISSING_DATE`);
/// `cache` NULL skips the replay check. Allocation-free. The signer may be
/// shared between threads; the cache may not.
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
    // SAFETY: same contract.
    unsafe {
        m800_verify_request_ex(
            s,
            req,
            x_m_date,
            x_m_date_len,
            authorization,
            authorization_len,
            now,
            window_s,
            cache,
            core::ptr::null_mut(),
        )
    }
}

/// As `m800_verify_request`, and, when `details` is not NULL, fills `*details`
/// on every return except argument errors (`M800_ERR_NULL_POINTER`,
/// `M800_ERR_INVALID_UTF8`, ...): the server time, the clock skew of a date
/// failure (so a client can resynchronise) and the expected string to sign of a
/// signature mismatch.
///
/// # Safety
/// As `m800_verify_request`; `details` NULL or valid for writes.
#[no_mangle]
pub unsafe extern "C" fn m800_verify_request_ex(
    s: *const m800_signer,
    req: *const m800_request,
    x_m_date: *const c_char,
    x_m_date_len: usize,
    authorization: *const c_char,
    authorization_len: usize,
    now: u64,
    window_s: u32,
    cache: *mut m800_replay_cache,
    details: *mut m800_verify_details,
) -> m800_status {
    guard(|| {
        // SAFETY: forwarded from this function's contract.
        let (signer, received, cache, details) = unsafe {
            (
                signer(s)?,
                received(
                    req,
                    x_m_date,
                    x_m_date_len,
                    authorization,
                    authorization_len,
                )?,
                replay_cache(cache)?,
                details.as_mut(),
            )
        };
        run(signer, &received, now, window_s, cache, details)
    })
}

/// Finds the signer for a developer key: on success writes a pointer to an
/// initialised signer for `key` to `*out` and returns `M800_OK`; for an unknown
/// key returns `M800_ERR_UNKNOWN_KEY` (or `M800_OK` with `*out` NULL). Any other
/// status aborts the verification and is returned as is (e.g. a database error
/// as `M800_ERR_INTERNAL`).
///
/// `key` is NUL-terminated and `key_len` bytes long; it is valid only during the
/// call. The signer must stay valid and unchanged until the verify call returns.
/// Called at most once per verification, on the verifying thread.
///
/// (Declared in the header as returning `m800_status`; read as an integer, so
/// a value the callback invents is safe.)
pub type m800_key_lookup_fn = Option<
    unsafe extern "C" fn(
        ctx: *mut c_void,
        key: *const c_char,
        key_len: usize,
        out: *mut *const m800_signer,
    ) -> c_int,
>;

/// Asks the C callback for the signer of `key`; a failure other than "unknown
/// key" is kept in `failure`.
///
/// # Safety
/// `lookup` must follow `m800_key_lookup_fn`'s contract for `ctx`; the signer it
/// returns must stay valid and unchanged during `'s`.
unsafe fn find_signer<'s>(
    lookup: LookupFn,
    ctx: *mut c_void,
    key: &str,
    failure: &core::cell::Cell<m800_status>,
) -> Option<&'s Signer> {
    let mut name = [0u8; crate::limits::KEY_MAX + 1];
    name.get_mut(..key.len())?.copy_from_slice(key.as_bytes());
    let mut found: *const m800_signer = core::ptr::null();
    // SAFETY: `lookup` follows its contract (this function's); `name` is
    // NUL-terminated after `key.len()` bytes and lives during the call; `found`
    // is a valid out-pointer.
    let status = unsafe { lookup(ctx, name.as_ptr().cast(), key.len(), &mut found) };
    if status != M800_OK as c_int {
        if status != M800_ERR_UNKNOWN_KEY as c_int {
            failure.set(m800_status::from_code(status).unwrap_or(M800_ERR_INTERNAL));
        }
        return None;
    }
    if found.is_null() {
        return None;
    }
    // SAFETY: by the callback's contract `found` points to a signer that stays
    // valid and unchanged during 's.
    match unsafe { signer(found) } {
        Ok(signer) => Some(signer),
        Err(status) => {
            failure.set(status);
            None
        }
    }
}

/// As `m800_verify_request_ex` (`details` may be NULL), with the signer found by
/// `lookup(ctx, key, ...)` for the request's key.
///
/// # Safety
/// As `m800_verify_request_ex`; `lookup` a valid function following
/// `m800_key_lookup_fn`'s contract; `ctx` is passed to it untouched.
#[no_mangle]
pub unsafe extern "C" fn m800_verify_request_multi(
    lookup: m800_key_lookup_fn,
    ctx: *mut c_void,
    req: *const m800_request,
    x_m_date: *const c_char,
    x_m_date_len: usize,
    authorization: *const c_char,
    authorization_len: usize,
    now: u64,
    window_s: u32,
    cache: *mut m800_replay_cache,
    details: *mut m800_verify_details,
) -> m800_status {
    guard(|| {
        let lookup = lookup.ok_or(M800_ERR_NULL_POINTER)?;
        // SAFETY: forwarded from this function's contract.
        let (received, cache, details) = unsafe {
            (
                received(
                    req,
                    x_m_date,
                    x_m_date_len,
                    authorization,
                    authorization_len,
                )?,
                replay_cache(cache)?,
                details.as_mut(),
            )
        };
        // SAFETY: forwarded from this function's contract.
        unsafe { run_multi(lookup, ctx, &received, now, window_s, cache, details) }
    })
}

/// The C callback's signature (`m800_key_lookup_fn` without the `Option`).
type LookupFn =
    unsafe extern "C" fn(*mut c_void, *const c_char, usize, *mut *const m800_signer) -> c_int;

/// [`run`] with the signer found by the C callback; the callback's own
/// failure is reported instead of "unknown key".
///
/// # Safety
/// `lookup` must follow `m800_key_lookup_fn`'s contract for `ctx`.
unsafe fn run_multi(
    lookup: LookupFn,
    ctx: *mut c_void,
    received: &ReceivedRequest<'_>,
    now: u64,
    window_s: u32,
    cache: Option<ReplayCache<&mut [ReplaySlot]>>,
    details: Option<&mut m800_verify_details>,
) -> FfiResult {
    let failure = core::cell::Cell::new(M800_OK);
    // SAFETY: forwarded from this function's contract.
    let find = |key: &str| unsafe { find_signer(lookup, ctx, key, &failure) };
    let result = run(KeyFn::new(find), received, now, window_s, cache, details);
    match (result, failure.get()) {
        (Err(M800_ERR_UNKNOWN_KEY), status) if status != M800_OK => Err(status),
        (result, _) => result,
    }
}

/// As `m800_verify_request_ex`, for a body digested in chunks on arrival:
/// `content_md5` is the `Content-MD5` value `m800_md5_final` computed from the
/// body *received* (never a `Content-MD5` header's value: the check would then
/// prove nothing about the body), empty for no body; `req->body` must be NULL
/// with `body_len` 0 (else `M800_ERR_INVALID_ARGUMENT`). A value that is not
/// empty or 32 lower-case hex digits is `M800_ERR_INVALID_CONTENT_MD5`.
/// `details` may be NULL.
///
/// # Safety
/// As `m800_verify_request_ex`; `content_md5` readable for `content_md5_len`.
#[no_mangle]
pub unsafe extern "C" fn m800_verify_request_md5(
    s: *const m800_signer,
    req: *const m800_request,
    content_md5: *const c_char,
    content_md5_len: usize,
    x_m_date: *const c_char,
    x_m_date_len: usize,
    authorization: *const c_char,
    authorization_len: usize,
    now: u64,
    window_s: u32,
    cache: *mut m800_replay_cache,
    details: *mut m800_verify_details,
) -> m800_status {
    guard(|| {
        // SAFETY: forwarded from this function's contract.
        let (signer, received, cache, details) = unsafe {
            (
                signer(s)?,
                received_with(
                    request_md5(req, content_md5, content_md5_len)?,
                    x_m_date,
                    x_m_date_len,
                    authorization,
                    authorization_len,
                )?,
                replay_cache(cache)?,
                details.as_mut(),
            )
        };
        run(signer, &received, now, window_s, cache, details)
    })
}

/// Parses one complete raw HTTP/1.1 request (request line, headers, empty line,
/// exactly `Content-Length` body bytes), as the Rust `http::HttpRequest` does.
///
/// # Safety
/// `raw` readable for `raw_len` bytes during `'a`.
unsafe fn http_received<'a>(raw: *const u8, raw_len: usize) -> FfiResult<ReceivedRequest<'a>> {
    // SAFETY: forwarded contract.
    let raw = unsafe { bytes(raw, raw_len) }?;
    Ok(HttpRequest::parse(raw)?.to_received())
}

/// Verifies a raw HTTP/1.1 request exactly as received from the socket: the
/// request line, the headers, the empty line and exactly `Content-Length` body
/// bytes (`raw_len` must end where the body ends). The parser is strict
/// (request smuggling starts with lenient parsers): each violation is its own
/// status, `M800_ERR_MALFORMED_HTTP_REQUEST_LINE` to
/// `M800_ERR_HTTP_BODY_LENGTH_MISMATCH` (no `Transfer-Encoding`, no obsolete
/// line folding, CRLF only, no duplicate `Host`, `Content-Type`,
/// `Content-Length`, `X-M-Date` or `Authorization`). Then it checks the
/// request as `m800_verify_request` does, with the method and target of the
/// request line, the `Content-Type`, `X-M-Date` and `Authorization` headers
/// (absent: empty, missing, empty) and the MD5 of the body. Allocation-free.
///
/// # Safety
/// `s` as for `m800_verify_request`; `raw` readable for `raw_len` bytes;
/// `cache` NULL or initialised and exclusively used.
#[no_mangle]
pub unsafe extern "C" fn m800_verify_http_request(
    s: *const m800_signer,
    raw: *const u8,
    raw_len: usize,
    now: u64,
    window_s: u32,
    cache: *mut m800_replay_cache,
) -> m800_status {
    // SAFETY: same contract.
    unsafe {
        m800_verify_http_request_ex(s, raw, raw_len, now, window_s, cache, core::ptr::null_mut())
    }
}

/// As `m800_verify_http_request`, and, when `details` is not NULL, fills
/// `*details` as `m800_verify_request_ex` does (not on argument or HTTP parser
/// errors).
///
/// # Safety
/// As `m800_verify_http_request`; `details` NULL or valid for writes.
#[no_mangle]
pub unsafe extern "C" fn m800_verify_http_request_ex(
    s: *const m800_signer,
    raw: *const u8,
    raw_len: usize,
    now: u64,
    window_s: u32,
    cache: *mut m800_replay_cache,
    details: *mut m800_verify_details,
) -> m800_status {
    guard(|| {
        // SAFETY: forwarded from this function's contract.
        let (signer, received, cache, details) = unsafe {
            (
                signer(s)?,
                http_received(raw, raw_len)?,
                replay_cache(cache)?,
                details.as_mut(),
            )
        };
        run(signer, &received, now, window_s, cache, details)
    })
}

/// As `m800_verify_http_request_ex` (`details` may be NULL), with the signer
/// found by `lookup(ctx, key, ...)` for the request's key, as
/// `m800_verify_request_multi` does.
///
/// # Safety
/// As `m800_verify_http_request_ex`; `lookup` a valid function following
/// `m800_key_lookup_fn`'s contract; `ctx` is passed to it untouched.
#[no_mangle]
pub unsafe extern "C" fn m800_verify_http_request_multi(
    lookup: m800_key_lookup_fn,
    ctx: *mut c_void,
    raw: *const u8,
    raw_len: usize,
    now: u64,
    window_s: u32,
    cache: *mut m800_replay_cache,
    details: *mut m800_verify_details,
) -> m800_status {
    guard(|| {
        let lookup = lookup.ok_or(M800_ERR_NULL_POINTER)?;
        // SAFETY: forwarded from this function's contract.
        let (received, cache, details) = unsafe {
            (
                http_received(raw, raw_len)?,
                replay_cache(cache)?,
                details.as_mut(),
            )
        };
        // SAFETY: forwarded from this function's contract.
        unsafe { run_multi(lookup, ctx, &received, now, window_s, cache, details) }
    })
}
