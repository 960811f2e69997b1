//! Building blocks: streaming MD5, dates, nonces, the `Authorization` header,
//! and where a raw HTTP request ends.

use super::status::m800_status;
use super::{bytes, guard, opaque_init, opaque_mut, opaque_wipe, text, Opaque, Out, TextOut};
use crate::http::HttpRequest;
use crate::limits::{KEY_MAX, NONCE_MAX, SIGNATURE_MAX};
use crate::{Authorization, HttpDate, Md5Stream, Nonce, ParsedAuthorization};
use core::ffi::c_char;
use core::mem::MaybeUninit;

/// A streaming `Content-MD5` context (128 bytes, 8-byte aligned), for bodies read in chunks, in memory the
/// caller owns. `m800_md5_init`, any number of `m800_md5_update`, then
/// `m800_md5_final`. One context belongs to one thread at a time. It holds no
/// pointers and needs no cleanup. Fields are private.
#[repr(C)]
pub struct m800_md5 {
    // MaybeUninit: the Rust state inside has padding bytes.
    opaque: [MaybeUninit<u64>; 16],
}

// SAFETY: `#[repr(C)]` words only; `FITS` checks the size.
unsafe impl Opaque for m800_md5 {
    type Inner = Md5Stream;
    const MAGIC: u64 = 0x4d38_3030_4d44_3521; // "M800MD5!"
}

/// Starts a new body digest in `ctx` (any previous content is discarded).
///
/// # Safety
/// `ctx` must be valid for writes of `m800_md5`.
#[no_mangle]
pub unsafe extern "C" fn m800_md5_init(ctx: *mut m800_md5) -> m800_status {
    // SAFETY: as this function's contract.
    guard(|| unsafe { opaque_init(ctx, Md5Stream::new()) })
}

/// Adds the next `len` bytes of the body (NULL with 0 adds nothing).
///
/// # Safety
/// `ctx` as for `m800_md5_init`, initialised; `data` readable for `len` bytes.
#[no_mangle]
pub unsafe extern "C" fn m800_md5_update(
    ctx: *mut m800_md5,
    data: *const u8,
    len: usize,
) -> m800_status {
    // SAFETY: as this function's contract.
    guard(|| unsafe {
        opaque_mut(ctx)?.update(bytes(data, len)?);
        Ok(())
    })
}

/// Writes the `Content-MD5` value (32 lower-case hex digits, or the empty string
/// when no byte was added) into `out[..cap]` and ends the context (it must be
/// initialised again before reuse). On `M800_ERR_BUFFER_TOO_SMALL` the context is
/// kept, so the call can be repeated with a larger buffer
/// (`M800_CONTENT_MD5_SIZE` bytes always suffice).
///
/// # Safety
/// `ctx` as for `m800_md5_update`; `out` valid for writes of `cap` bytes;
/// `out_len` valid for a write.
#[no_mangle]
pub unsafe extern "C" fn m800_md5_final(
    ctx: *mut m800_md5,
    out: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> m800_status {
    // SAFETY: as this function's contract.
    guard(|| unsafe {
        let md5 = opaque_mut(ctx)?.clone().finish();
        TextOut::new(out, cap, out_len)?.put(md5.as_bytes())?;
        opaque_wipe(ctx);
        Ok(())
    })
}

/// Writes the `X-M-Date` value for `unix_time` (e.g.
/// `Thu, 12 Sep 2013 18:49:58 GMT`) into `out[..cap]`;
/// `M800_X_M_DATE_SIZE` bytes always suffice.
///
/// # Safety
/// `out` valid for writes of `cap` bytes; `out_len` valid for a write.
#[no_mangle]
pub unsafe extern "C" fn m800_date_format(
    unix_time: u64,
    out: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> m800_status {
    guard(|| {
        let date = HttpDate::from_unix(unix_time)?;
        // SAFETY: as this function's contract.
        unsafe { TextOut::new(out, cap, out_len) }?.put(date.as_bytes())
    })
}

/// Parses an `X-M-Date` value strictly (IMF-fixdate, real date, matching weekday)
/// and writes its Unix time to `*out_unix_time`.
///
/// # Safety
/// `date` readable for `len` bytes; `out_unix_time` valid for a write.
#[no_mangle]
pub unsafe extern "C" fn m800_date_parse(
    date: *const c_char,
    len: usize,
    out_unix_time: *mut u64,
) -> m800_status {
    // SAFETY: as this function's contract.
    guard(|| unsafe {
        let (date, out) = (text(date, len)?, Out::new(out_unix_time)?);
        out.put(HttpDate::parse(date)?.1);
        Ok(())
    })
}

/// For a server reading a request from a connection: writes to `*length` the
/// length of the whole HTTP/1.1 request that `raw` starts with (its head, the
/// empty line and `Content-Length` body bytes; `raw` needs to hold the head,
/// not yet the body). Read until you hold `*length` bytes, then pass exactly
/// those to `m800_verify` (`params.http`); bytes past them belong to the next
/// request. The head is checked by `m800_verify`'s rules, with the same
/// statuses; `M800_ERR_INCOMPLETE_HTTP_REQUEST` while the head is cut (read
/// more). `*length` is written only on `M800_OK`. Each call parses `raw` from
/// its start: call it again when the bytes read since can end the head (a
/// CRLF CRLF, or a CR or LF outside a CRLF, refused at once), not after every
/// read, and keep `*length` once known; otherwise a head trickled in small
/// pieces costs time quadratic in its length (`ffi-tests/callback_server.c`
/// in the README does this).
///
/// # Safety
/// `raw` readable for `raw_len` bytes; `length` valid for a write.
#[no_mangle]
pub unsafe extern "C" fn m800_http_request_length(
    raw: *const u8,
    raw_len: usize,
    length: *mut usize,
) -> m800_status {
    // SAFETY: as this function's contract.
    guard(|| unsafe {
        let (raw, out) = (bytes(raw, raw_len)?, Out::new(length)?);
        out.put(HttpRequest::length(raw)?);
        Ok(())
    })
}

/// Writes a nonce in the reference clients' form: `unix_ms` in lower-case hex,
/// then the 8 bytes of `random` (from a secure source the caller owns) as 16 hex
/// digits. `random_len` must be 8. `M800_NONCE_MAX + 1` bytes always suffice.
///
/// # Safety
/// `random` readable for `random_len` bytes; `out` valid for writes of `cap`
/// bytes; `out_len` valid for a write.
#[no_mangle]
pub unsafe extern "C" fn m800_nonce_format(
    unix_ms: u64,
    random: *const u8,
    random_len: usize,
    out: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> m800_status {
    // SAFETY: as this function's contract.
    guard(|| unsafe {
        let random = bytes(random, random_len)?.try_into();
        let random = random.map_err(|_| m800_status::M800_ERR_INVALID_ARGUMENT)?;
        let nonce = Nonce::generate(unix_ms, random);
        TextOut::new(out, cap, out_len)?.put(nonce.as_str().as_bytes())
    })
}

/// Writes `MAAIISDK10 key="{key}", nonce="{nonce}", signature="{signature}"`
/// into `out[..cap]` after checking the three parts; `M800_AUTHORIZATION_SIZE`
/// bytes always suffice.
///
/// # Safety
/// Each input readable for its length; `out` valid for writes of `cap` bytes;
/// `out_len` valid for a write.
#[no_mangle]
pub unsafe extern "C" fn m800_authorization_format(
    key: *const c_char,
    key_len: usize,
    nonce: *const c_char,
    nonce_len: usize,
    signature: *const c_char,
    signature_len: usize,
    out: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> m800_status {
    // SAFETY: as this function's contract.
    guard(|| unsafe {
        let (key, nonce) = (text(key, key_len)?, text(nonce, nonce_len)?);
        let header = Authorization::new(key, nonce, text(signature, signature_len)?)?;
        TextOut::new(out, cap, out_len)?.put(header.as_str().as_bytes())
    })
}

/// The parameters of a parsed `Authorization` header, unescaped and
/// NUL-terminated (they never contain a NUL).
#[repr(C)]
#[derive(Clone, Copy)]
pub struct m800_authorization {
    /// The developer key.
    pub key: [c_char; M800_KEY_SIZE],
    /// The nonce.
    pub nonce: [c_char; M800_NONCE_SIZE],
    /// The signature as sent (not decoded).
    pub signature: [c_char; M800_SIGNATURE_SIZE],
}

/// Size of `m800_authorization.key`: the longest key and its NUL.
pub const M800_KEY_SIZE: usize = KEY_MAX + 1;
/// Size of `m800_authorization.nonce`: the longest nonce and its NUL.
pub const M800_NONCE_SIZE: usize = NONCE_MAX + 1;
/// Size of `m800_authorization.signature`: the longest signature and its NUL.
pub const M800_SIGNATURE_SIZE: usize = SIGNATURE_MAX + 1;

/// Parses an `Authorization` value (RFC 7235 auth-param grammar, scheme
/// `MAAIISDK10`) into `*out`.
///
/// # Safety
/// `header` readable for `len` bytes; `out` valid for writes.
#[no_mangle]
pub unsafe extern "C" fn m800_authorization_parse(
    header: *const c_char,
    len: usize,
    out: *mut m800_authorization,
) -> m800_status {
    // SAFETY: as this function's contract.
    guard(|| {
        // SAFETY: as this function's contract.
        let (header, out) = unsafe { (text(header, len)?, Out::new(out)?) };
        let parsed = ParsedAuthorization::parse(header)?;
        // SAFETY (all three): `&raw mut` of a field of the valid struct.
        out.field(|p| unsafe { &raw mut (*p).key })?
            .put_text(parsed.key().as_bytes())?;
        out.field(|p| unsafe { &raw mut (*p).nonce })?
            .put_text(parsed.nonce().as_bytes())?;
        out.field(|p| unsafe { &raw mut (*p).signature })?
            .put_text(parsed.signature().as_bytes())
    })
}
