//! The C ABI: a thin skin over the Rust API, and the only place with `unsafe`.
//!
//! Built cargo-c style (`cargo rustc --lib --features ffi --crate-type
//! staticlib,cdylib`, see `ffi-tests/Makefile`); `ffi-tests/gen-header` writes the matching
//! header `include/m800_sign.h` with cbindgen. Rules every function follows:
//!
//! - one result type, [`m800_status`]; no Rust enum is ever *taken* from C;
//! - every buffer is pointer + length; a NULL pointer with length 0 is empty input;
//! - outputs are written only on success; text outputs are NUL-terminated, and
//!   on `M800_ERR_BUFFER_TOO_SMALL` `*out_len` holds the size needed (NUL included);
//! - no allocation, and no panic crosses the boundary (with `std` every entry
//!   point runs under `catch_unwind`; without it the code is panic-free by lint);
//! - no protocol rule lives here: every check is the Rust API's.
#![allow(non_camel_case_types)]

mod blocks;
#[cfg(all(feature = "panic-handler", not(feature = "std"), not(test)))]
mod panic;
mod push;
mod signer;
mod status;
#[cfg(all(test, feature = "std"))]
mod tests;
mod verify;

pub use blocks::*;
pub use push::*;
pub use signer::*;
pub use status::*;
pub use verify::*;

use core::ffi::c_char;
use status::m800_status::*;

/// What the internal functions return: `Err` holds the failure status.
type FfiResult<T = ()> = Result<T, m800_status>;

/// Runs an entry point's body; a panic (a bug) becomes `M800_ERR_INTERNAL`.
fn guard(body: impl FnOnce() -> FfiResult) -> m800_status {
    #[cfg(feature = "std")]
    let result = std::panic::catch_unwind(core::panic::AssertUnwindSafe(body))
        .unwrap_or(Err(M800_ERR_INTERNAL));
    #[cfg(not(feature = "std"))]
    let result = body();
    match result {
        Ok(()) => M800_OK,
        Err(status) => status,
    }
}

/// The bytes at `ptr`: a NULL pointer with length 0 is the empty input.
///
/// # Safety
/// A non-NULL `ptr` must point to `len` readable bytes that stay unchanged for `'a`.
unsafe fn bytes<'a>(ptr: *const u8, len: usize) -> FfiResult<&'a [u8]> {
    if ptr.is_null() {
        return if len == 0 {
            Ok(&[])
        } else {
            Err(M800_ERR_NULL_POINTER)
        };
    }
    if isize::try_from(len).is_err() {
        return Err(M800_ERR_INVALID_ARGUMENT);
    }
    // SAFETY: `ptr` is non-NULL and, by this function's contract, points to `len`
    // readable bytes that outlive 'a; `len` fits `isize` (checked above).
    Ok(unsafe { core::slice::from_raw_parts(ptr, len) })
}

/// As [`bytes`], for text: the bytes must be UTF-8.
///
/// # Safety
/// As [`bytes`].
unsafe fn text<'a>(ptr: *const c_char, len: usize) -> FfiResult<&'a str> {
    // SAFETY: forwarded contract; `c_char` and `u8` have the same layout.
    let raw = unsafe { bytes(ptr.cast(), len) }?;
    // Every input the library accepts is ASCII. `from_utf8` on short strings
    // measured at a tenth of `m800_sign_request`; a branch-free ASCII scan is a
    // few cycles. Anything else takes the full check (and is refused later, or
    // here if it is not UTF-8).
    if crate::text::all_bytes(raw, |c| c.is_ascii()) {
        // SAFETY: every byte is below 0x80, so `raw` is valid UTF-8.
        return Ok(unsafe { core::str::from_utf8_unchecked(raw) });
    }
    core::str::from_utf8(raw).map_err(|_| M800_ERR_INVALID_UTF8)
}

/// An optional text input: NULL with length 0 is absent (`None`), a non-NULL
/// pointer (even with length 0) is present.
///
/// # Safety
/// As [`bytes`].
unsafe fn optional_text<'a>(ptr: *const c_char, len: usize) -> FfiResult<Option<&'a str>> {
    if ptr.is_null() && len == 0 {
        return Ok(None);
    }
    // SAFETY: forwarded contract (a NULL with a length is rejected there).
    unsafe { text(ptr, len) }.map(Some)
}

/// A shared reference to a caller's struct, or `M800_ERR_NULL_POINTER`.
///
/// # Safety
/// A non-NULL `ptr` must be valid for reads of `T` and not written during `'a`.
unsafe fn get<'a, T>(ptr: *const T) -> FfiResult<&'a T> {
    // SAFETY: by this function's contract a non-NULL `ptr` is a valid, aligned `T`.
    unsafe { ptr.as_ref() }.ok_or(M800_ERR_NULL_POINTER)
}

/// Writes `value` through `out` (only called once the result is complete).
///
/// # Safety
/// A non-NULL `out` must be valid for writes of `T`.
unsafe fn put<T>(out: *mut T, value: T) -> FfiResult {
    if out.is_null() {
        return Err(M800_ERR_NULL_POINTER);
    }
    // SAFETY: `out` is non-NULL and, by this function's contract, valid for writes.
    // `write` does not drop the old value: the caller's memory may be uninitialised.
    unsafe { out.write(value) };
    Ok(())
}

/// Writes `text`, a NUL and zeros to the end of the caller's array `dst`,
/// in place; `M800_ERR_INTERNAL` (and nothing written) if it does not fit,
/// which the library's limits rule out.
///
/// # Safety
/// A non-NULL `dst` must be valid for writes of `[c_char; N]`.
unsafe fn put_array<const N: usize>(dst: *mut [c_char; N], text: &str) -> FfiResult {
    if dst.is_null() {
        return Err(M800_ERR_NULL_POINTER);
    }
    let text = text.as_bytes();
    let tail = N.checked_sub(text.len()).filter(|&t| t > 0);
    let Some(tail) = tail else {
        return Err(M800_ERR_INTERNAL);
    };
    let dst = dst.cast::<u8>();
    // SAFETY: `dst` is valid for `N` bytes (contract); `text.len() + tail == N`,
    // so both writes stay inside it; `text` is library memory, never the
    // caller's array, so they do not overlap.
    unsafe {
        core::ptr::copy_nonoverlapping(text.as_ptr(), dst, text.len());
        core::ptr::write_bytes(dst.add(text.len()), 0, tail);
    }
    Ok(())
}

/// Checks that `text` (and its NUL) fits `cap`: `Err(needed)` with the size needed.
fn fits(text: &[u8], cap: usize) -> Result<(), usize> {
    let needed = text.len().saturating_add(1);
    if cap < needed {
        Err(needed)
    } else {
        Ok(())
    }
}

/// Copies `text` and a NUL into `out[..cap]` and its length into `*out_len`.
/// On `M800_ERR_BUFFER_TOO_SMALL` only `*out_len` (the size needed) is written.
/// A NULL `out` with too small a `cap` (e.g. 0) is a size query.
///
/// # Safety
/// A non-NULL `out` must be valid for writes of `cap` bytes; a non-NULL `out_len`
/// valid for a write of `usize`.
unsafe fn put_text(out: *mut c_char, cap: usize, out_len: *mut usize, text: &[u8]) -> FfiResult {
    if out_len.is_null() {
        return Err(M800_ERR_NULL_POINTER);
    }
    if let Err(needed) = fits(text, cap) {
        // SAFETY: `out_len` is non-NULL and valid for writes by contract.
        unsafe { out_len.write(needed) };
        return Err(M800_ERR_BUFFER_TOO_SMALL);
    }
    if out.is_null() {
        return Err(M800_ERR_NULL_POINTER);
    }
    // SAFETY: `out` is non-NULL, valid for `cap` bytes by contract, and
    // `cap >= text.len() + 1` (checked by `fits`), so the copy and the NUL stay
    // inside it; `text` is always a local copy in Rust memory, never the caller's
    // buffer, so the two do not overlap.
    unsafe {
        core::ptr::copy_nonoverlapping(text.as_ptr(), out.cast::<u8>(), text.len());
        out.cast::<u8>().add(text.len()).write(0);
        out_len.write(text.len());
    }
    Ok(())
}

/// Runs `write`, a Rust writer with the required-size contract (it fails with
/// `Error::BufferTooSmall { needed }` when its buffer is short), straight into
/// the caller's `out[..cap]`, for outputs without a fixed bound. A dry run on
/// an empty buffer finds the size first, so on any failure nothing but
/// `*out_len` (on `M800_ERR_BUFFER_TOO_SMALL`: the size needed, NUL included)
/// is written. `write` returns the length it wrote and a value for the caller;
/// it must be deterministic (the second run repeats the first).
///
/// # Safety
/// As [`put_text`].
unsafe fn put_written<T>(
    out: *mut c_char,
    cap: usize,
    out_len: *mut usize,
    mut write: impl FnMut(&mut [u8]) -> crate::Result<(usize, T)>,
) -> FfiResult<T> {
    if out_len.is_null() {
        return Err(M800_ERR_NULL_POINTER);
    }
    let len = match write(&mut []) {
        Ok((len, _)) => len,
        Err(crate::Error::BufferTooSmall { needed }) => needed,
        Err(e) => return Err(e.into()),
    };
    let needed = len.checked_add(1).ok_or(M800_ERR_INVALID_ARGUMENT)?;
    if cap < needed {
        // SAFETY: `out_len` is non-NULL and valid for writes by contract.
        unsafe { out_len.write(needed) };
        return Err(M800_ERR_BUFFER_TOO_SMALL);
    }
    if out.is_null() {
        return Err(M800_ERR_NULL_POINTER);
    }
    if isize::try_from(cap).is_err() {
        return Err(M800_ERR_INVALID_ARGUMENT);
    }
    // SAFETY: `out` is non-NULL and valid for writes of `cap >= needed` bytes by
    // contract, and `needed` fits `isize` (it is at most `cap`); the bytes are
    // zeroed before the slice is made, so it covers initialised memory only;
    // by contract the buffer overlaps no input.
    let buf = unsafe {
        core::ptr::write_bytes(out.cast::<u8>(), 0, needed);
        core::slice::from_raw_parts_mut(out.cast::<u8>(), needed)
    };
    let (body, nul) = buf.split_at_mut_checked(len).ok_or(M800_ERR_INTERNAL)?;
    let (written, value) = write(body).map_err(|_| M800_ERR_INTERNAL)?;
    if written != len || nul.first() != Some(&0) {
        return Err(M800_ERR_INTERNAL);
    }
    // SAFETY: `out_len` is non-NULL and valid for writes by contract.
    unsafe { out_len.write(len) };
    Ok(value)
}

/// Copies `text` and a NUL into a fixed array (sized from `limits`, so it fits).
fn fill_array<const N: usize>(text: &str) -> FfiResult<[c_char; N]> {
    let mut out = [0 as c_char; N];
    if fits(text.as_bytes(), N).is_err() {
        return Err(M800_ERR_INTERNAL);
    }
    for (dst, src) in out.iter_mut().zip(text.bytes()) {
        *dst = src as c_char;
    }
    Ok(out)
}

/// The library version, e.g. `"0.1.0"`: static, NUL-terminated, never NULL.
#[no_mangle]
pub extern "C" fn m800_version() -> *const c_char {
    concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast()
}
