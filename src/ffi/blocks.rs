//! Building blocks: streaming MD5, dates, nonces, the `Authorization` header.

use super::status::m800_status::{self, *};
use super::{bytes, fill_array, guard, put, put_text, text};
use crate::limits::{KEY_MAX, NONCE_MAX, SIGNATURE_MAX};
use crate::{Authorization, HttpDate, Md5Stream, Nonce, ParsedAuthorization};
use core::ffi::c_char;
use core::mem::{align_of, size_of, MaybeUninit};
use zeroize::Zeroize;

/// A streaming `Content-MD5` context (128 bytes, 8-byte aligned), for bodies read in chunks, in memory the
/// caller owns. `m800_md5_init`, any number of `m800_md5_update`, then
/// `m800_md5_final`. One context belongs to one thread at a time. It holds no
/// pointers and needs no cleanup. Fields are private.
#[repr(C)]
pub struct m800_md5 {
    // MaybeUninit: the Rust state inside has padding bytes.
    opaque: [MaybeUninit<u64>; 16],
}

const MD5_MAGIC: u64 = 0x4d38_3030_4d44_3521; // "M800MD5!"

#[repr(C)]
struct Md5State {
    magic: u64,
    stream: Md5Stream,
}

const _: () = assert!(size_of::<Md5State>() <= size_of::<m800_md5>());
const _: () = assert!(align_of::<Md5State>() <= align_of::<m800_md5>());

/// The stream inside an initialised context.
///
/// # Safety
/// A non-NULL `ctx` must point to an `m800_md5`, valid for reads and writes and
/// used by no one else during `'a`.
unsafe fn md5_state<'a>(ctx: *mut m800_md5) -> Result<&'a mut Md5Stream, m800_status> {
    if ctx.is_null() {
        return Err(M800_ERR_NULL_POINTER);
    }
    let state = ctx.cast::<Md5State>();
    // SAFETY: `Md5State` fits `m800_md5` (asserts above); `magic` is its first
    // field, a u64 valid for any bit pattern.
    if unsafe { core::ptr::addr_of!((*state).magic).read() } != MD5_MAGIC {
        return Err(M800_ERR_NOT_INITIALIZED);
    }
    // SAFETY: the magic is only written by `m800_md5_init` together with a valid
    // `Md5Stream`, and cleared by `m800_md5_final`; exclusive use by contract.
    Ok(unsafe { &mut (*state).stream })
}

/// Starts a new body digest in `ctx` (any previous content is discarded).
///
/// # Safety
/// `ctx` must be valid for writes of `m800_md5`.
#[no_mangle]
pub unsafe extern "C" fn m800_md5_init(ctx: *mut m800_md5) -> m800_status {
    guard(|| {
        let state = Md5State {
            magic: MD5_MAGIC,
            stream: Md5Stream::new(),
        };
        // SAFETY: valid for writes by contract; the old content is not read.
        unsafe { put(ctx.cast::<Md5State>(), state) }
    })
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
    guard(|| {
        // SAFETY: forwarded from this function's contract.
        let (stream, data) = unsafe { (md5_state(ctx)?, bytes(data, len)?) };
        stream.update(data);
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
    guard(|| {
        // SAFETY: forwarded from this function's contract.
        let stream = unsafe { md5_state(ctx) }?;
        let md5 = stream.clone().finish();
        // SAFETY: forwarded; `md5` is a local value.
        unsafe { put_text(out, cap, out_len, md5.as_str().as_bytes()) }?;
        // SAFETY: `ctx` is non-NULL (checked by `md5_state`) and valid for
        // writes; the stream holds no resources, only bytes to clear.
        unsafe { (*ctx).opaque.zeroize() };
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
        // SAFETY: forwarded; `date` is a local value.
        unsafe { put_text(out, cap, out_len, date.as_str().as_bytes()) }
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
    guard(|| {
        // SAFETY: forwarded from this function's contract.
        let date = unsafe { text(date, len) }?;
        if out_unix_time.is_null() {
            return Err(M800_ERR_NULL_POINTER);
        }
        let (_, unix_time) = HttpDate::parse(date)?;
        // SAFETY: valid for writes by contract.
        unsafe { put(out_unix_time, unix_time) }
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
    guard(|| {
        // SAFETY: forwarded from this function's contract.
        let random = unsafe { bytes(random, random_len) }?;
        let random: [u8; 8] = random.try_into().map_err(|_| M800_ERR_INVALID_ARGUMENT)?;
        let nonce = Nonce::generate(unix_ms, random);
        // SAFETY: forwarded; `nonce` is a local value.
        unsafe { put_text(out, cap, out_len, nonce.as_str().as_bytes()) }
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
    guard(|| {
        // SAFETY: forwarded from this function's contract.
        let (key, nonce, signature) = unsafe {
            (
                text(key, key_len)?,
                text(nonce, nonce_len)?,
                text(signature, signature_len)?,
            )
        };
        let header = Authorization::new(key, nonce, signature)?;
        // SAFETY: forwarded; `header` is a local value.
        unsafe { put_text(out, cap, out_len, header.as_str().as_bytes()) }
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
    guard(|| {
        // SAFETY: forwarded from this function's contract.
        let header = unsafe { text(header, len) }?;
        if out.is_null() {
            return Err(M800_ERR_NULL_POINTER);
        }
        let parsed = ParsedAuthorization::parse(header)?;
        let value = m800_authorization {
            key: fill_array(parsed.key())?,
            nonce: fill_array(parsed.nonce())?,
            signature: fill_array(parsed.signature())?,
        };
        // SAFETY: valid for writes by contract.
        unsafe { put(out, value) }
    })
}
