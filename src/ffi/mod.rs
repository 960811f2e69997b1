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
use core::mem::{align_of, size_of, MaybeUninit};
use status::m800_status::*;
use zeroize::Zeroize;

/// What the internal functions return: `Err` holds the failure status.
type FfiResult<T = ()> = Result<T, m800_status>;

/// The one panic guard: runs an entry point's body; a panic (a bug) becomes
/// `M800_ERR_INTERNAL`.
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
    // SAFETY: as this function's contract; `c_char` and `u8` have one layout.
    let raw = unsafe { bytes(ptr.cast(), len) }?;
    // Every input the library accepts is ASCII: a branch-free scan first.
    let utf8 = crate::text::is_ascii(raw) || crate::text::is_utf8(raw);
    if !utf8 {
        return Err(M800_ERR_INVALID_UTF8);
    }
    // SAFETY: `raw` is valid UTF-8: every byte below 0x80, or accepted by
    // `is_utf8`, which accepts exactly what `core::str::from_utf8` accepts
    // (property-tested in `text::utf8_tests`).
    Ok(unsafe { core::str::from_utf8_unchecked(raw) })
}

/// An optional input, pointer and length: NULL with length 0 is absent
/// (`None`), a non-NULL pointer (even with length 0) is present, and NULL with
/// a length is `M800_ERR_NULL_POINTER` (a caller's bug, never "absent").
fn optional<P>(ptr: *const P, len: usize) -> FfiResult<Option<(*const P, usize)>> {
    match (ptr.is_null(), len) {
        (false, _) => Ok(Some((ptr, len))),
        (true, 0) => Ok(None),
        (true, _) => Err(M800_ERR_NULL_POINTER),
    }
}

/// An optional text input, as [`optional`] (which [`text`] enforces itself:
/// it refuses NULL with a length).
///
/// # Safety
/// As [`bytes`].
unsafe fn optional_text<'a>(ptr: *const c_char, len: usize) -> FfiResult<Option<&'a str>> {
    if ptr.is_null() && len == 0 {
        return Ok(None);
    }
    // SAFETY: as this function's contract (a NULL with a length is refused there).
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

/// The one wrapper for output pointers: NULL is checked once, here, when the
/// entry point converts its arguments; writing needs no further check.
struct Out<T>(core::ptr::NonNull<T>);

impl<T> Out<T> {
    /// `M800_ERR_NULL_POINTER` for NULL.
    ///
    /// # Safety
    /// A non-NULL `ptr` must be valid for writes of `T`, and not read or written
    /// by anyone else until the entry point returns.
    unsafe fn new(ptr: *mut T) -> FfiResult<Self> {
        core::ptr::NonNull::new(ptr)
            .map(Out)
            .ok_or(M800_ERR_NULL_POINTER)
    }

    /// `None` for NULL (an optional output).
    ///
    /// # Safety
    /// As [`Out::new`].
    unsafe fn optional(ptr: *mut T) -> Option<Self> {
        core::ptr::NonNull::new(ptr).map(Out)
    }

    /// Writes `value` (without reading or dropping what was there: the
    /// caller's memory may be uninitialised).
    fn put(self, value: T) {
        // SAFETY: non-NULL and valid for writes (`Out::new`'s contract).
        unsafe { self.0.as_ptr().write(value) }
    }
}

impl<T> Out<T> {
    /// The output for one field of `*self`: `project` maps the struct's
    /// address to the field's (with `&raw mut`, which reads nothing).
    fn field<U>(&self, project: impl FnOnce(*mut T) -> *mut U) -> FfiResult<Out<U>> {
        let field = core::ptr::NonNull::new(project(self.0.as_ptr()));
        field.map(Out).ok_or(M800_ERR_INTERNAL)
    }
}

impl<const N: usize> Out<[c_char; N]> {
    /// Writes `text`, a NUL and zeros to the end of the array, in place;
    /// `M800_ERR_INTERNAL` (and nothing written) if it does not fit, which
    /// the library's limits rule out.
    fn put_text(self, text: &[u8]) -> FfiResult {
        let tail = N.checked_sub(text.len()).filter(|&t| t > 0);
        let tail = tail.ok_or(M800_ERR_INTERNAL)?;
        let dst = self.0.as_ptr().cast::<u8>();
        // SAFETY: `dst` is valid for writes of `N` bytes (`Out::new`'s
        // contract); `text.len() + tail == N`, so both writes stay inside it;
        // `text` is library memory, never the caller's array.
        unsafe {
            core::ptr::copy_nonoverlapping(text.as_ptr(), dst, text.len());
            core::ptr::write_bytes(dst.add(text.len()), 0, tail);
        }
        Ok(())
    }
}

impl<const N: usize> Out<[c_char; N]> {
    /// Lets `write` fill the array in place (all but its last byte) and
    /// returns the length it reports; every byte past that length is zeroed,
    /// so the text is NUL-terminated whatever `write` left there.
    fn put_with(self, write: impl FnOnce(&mut [u8]) -> usize) -> usize {
        let dst = self.0.as_ptr().cast::<u8>();
        // SAFETY: `dst` is valid for writes of `N` bytes (`Out::new`'s
        // contract), zeroed before the slice is made, and not used by anyone
        // else during the call.
        let buf = unsafe {
            core::ptr::write_bytes(dst, 0, N);
            core::slice::from_raw_parts_mut(dst, N)
        };
        let len = buf
            .len()
            .checked_sub(1)
            .map_or(0, |last| buf.get_mut(..last).map_or(0, write));
        if let Some(tail) = buf.get_mut(len..) {
            tail.fill(0);
        }
        len
    }
}

/// A text output: `out[..cap]` and `*out_len`. The text is written with a NUL
/// and its length to `*out_len`; when it does not fit, only `*out_len` (the size
/// needed, NUL included) and `M800_ERR_BUFFER_TOO_SMALL`: a NULL `out` with too
/// small a `cap` (e.g. 0) is a size query.
struct TextOut {
    out: *mut c_char,
    cap: usize,
    len: Out<usize>,
}

impl TextOut {
    /// # Safety
    /// A non-NULL `out` must be valid for writes of `cap` bytes, overlapping no
    /// input; `out_len` as for [`Out::new`].
    unsafe fn new(out: *mut c_char, cap: usize, out_len: *mut usize) -> FfiResult<Self> {
        // SAFETY: as this function's contract.
        let len = unsafe { Out::new(out_len) }?;
        Ok(TextOut { out, cap, len })
    }

    /// Writes `text`.
    fn put(self, text: &[u8]) -> FfiResult {
        self.write(|buf| {
            let dst = buf
                .get_mut(..text.len())
                .ok_or(crate::Error::BufferTooSmall { needed: text.len() })?;
            crate::text::copy(dst, text);
            Ok((text.len(), ()))
        })
    }

    /// Runs `write`, a Rust writer with the required-size contract (it fails
    /// with `Error::BufferTooSmall { needed }` when its buffer is short),
    /// straight into the caller's buffer. A dry run on an empty buffer finds the
    /// size first, so on any failure nothing but `*out_len` is written. `write`
    /// returns the length it wrote and a value for the caller; it must be
    /// deterministic (the second run repeats the first).
    fn write<T>(
        self,
        mut write: impl FnMut(&mut [u8]) -> crate::Result<(usize, T)>,
    ) -> FfiResult<T> {
        let len = match write(&mut []) {
            Ok((len, _)) => len,
            Err(crate::Error::BufferTooSmall { needed }) => needed,
            Err(e) => return Err(e.into()),
        };
        let needed = len.checked_add(1).ok_or(M800_ERR_INVALID_ARGUMENT)?;
        if self.cap < needed {
            self.len.put(needed);
            return Err(M800_ERR_BUFFER_TOO_SMALL);
        }
        if self.out.is_null() {
            return Err(M800_ERR_NULL_POINTER);
        }
        if isize::try_from(self.cap).is_err() {
            return Err(M800_ERR_INVALID_ARGUMENT);
        }
        // SAFETY: `out` is non-NULL and valid for writes of `cap >= needed` bytes
        // (`new`'s contract), and `needed <= cap` fits `isize`; the bytes are
        // zeroed before the slice is made, so it covers initialised memory only;
        // the buffer overlaps no input.
        let buf = unsafe {
            core::ptr::write_bytes(self.out.cast::<u8>(), 0, needed);
            core::slice::from_raw_parts_mut(self.out.cast::<u8>(), needed)
        };
        let (body, nul) = buf.split_at_mut_checked(len).ok_or(M800_ERR_INTERNAL)?;
        let (written, value) = write(body).map_err(|_| M800_ERR_INTERNAL)?;
        if written != len || nul.first() != Some(&0) {
            return Err(M800_ERR_INTERNAL);
        }
        self.len.put(len);
        Ok(value)
    }
}

/// An object C keeps in memory it owns (signer, MD5 context): an array of
/// words holding a magic word and the Rust value. Memory that is zeroed or
/// wiped reads as uninitialised.
///
/// # Safety
/// `Self` must be `#[repr(C)]` with only `MaybeUninit` words, big and aligned
/// enough for `State<Self::Inner>` (checked by [`Opaque::FITS`]).
unsafe trait Opaque: Sized {
    /// The Rust value inside.
    type Inner;
    /// Marks an initialised object.
    const MAGIC: u64;
    /// Compile-time proof that the state fits.
    const FITS: () = assert!(
        size_of::<State<Self::Inner>>() <= size_of::<Self>()
            && align_of::<State<Self::Inner>>() <= align_of::<Self>()
    );
}

/// What an [`Opaque`] object really holds.
#[repr(C)]
struct State<T> {
    magic: u64,
    value: T,
}

/// The value inside an initialised object, shared.
///
/// # Safety
/// A non-NULL `p` must point to an `O` that is zeroed, wiped or initialised,
/// and not written during `'a`.
unsafe fn opaque<'a, O: Opaque>(p: *const O) -> FfiResult<&'a O::Inner> {
    // SAFETY: as this function's contract.
    Ok(unsafe { &*opaque_value(p)? })
}

/// The value inside an initialised object, exclusive.
///
/// # Safety
/// A non-NULL `p` must point to an `O` that is zeroed, wiped or initialised,
/// valid for writes and used by no one else during `'a`.
unsafe fn opaque_mut<'a, O: Opaque>(p: *mut O) -> FfiResult<&'a mut O::Inner> {
    // SAFETY: as this function's contract; the pointer comes from `p`, which
    // may write.
    Ok(unsafe { &mut *opaque_value(p)?.cast_mut() })
}

/// Where the value of an initialised object lives.
///
/// # Safety
/// A non-NULL `p` must point to an `O` that is zeroed, wiped or initialised.
unsafe fn opaque_value<O: Opaque>(p: *const O) -> FfiResult<*const O::Inner> {
    let () = O::FITS;
    if p.is_null() {
        return Err(M800_ERR_NULL_POINTER);
    }
    let state = p.cast::<State<O::Inner>>();
    // SAFETY: the state fits `O` (`FITS`), `magic` is its first field, a u64
    // that any bit pattern makes valid.
    if unsafe { core::ptr::addr_of!((*state).magic).read() } != O::MAGIC {
        return Err(M800_ERR_NOT_INITIALIZED);
    }
    // SAFETY: the magic word is only written by `opaque_init`, together with a
    // valid value, and cleared by `opaque_wipe` before that value is dropped;
    // `&raw const` reads nothing.
    Ok(unsafe { &raw const (*state).value })
}

/// Wipes `p` and writes `value` into it.
///
/// # Safety
/// As [`opaque_wipe`].
unsafe fn opaque_init<O: Opaque>(p: *mut O, value: O::Inner) -> FfiResult {
    if p.is_null() {
        return Err(M800_ERR_NULL_POINTER);
    }
    // SAFETY: as this function's contract.
    unsafe { opaque_wipe(p) };
    let state = State {
        magic: O::MAGIC,
        value,
    };
    // SAFETY: non-NULL, valid for writes (contract), big enough (`FITS`).
    unsafe { p.cast::<State<O::Inner>>().write(state) };
    Ok(())
}

/// Drops the value of an initialised `p` and zeroizes its memory (volatile
/// writes: not optimised away). Safe on NULL, zeroed and wiped objects.
///
/// # Safety
/// A non-NULL `p` must point to an `O` that is zeroed, wiped or initialised,
/// valid for writes and used by no one else.
unsafe fn opaque_wipe<O: Opaque>(p: *mut O) {
    // SAFETY: as this function's contract.
    if let Ok(value) = unsafe { opaque_mut::<O>(p) } {
        // SAFETY: an initialised value, dropped exactly once: the magic is
        // zeroed right below, so a second wipe does not drop again.
        unsafe { core::ptr::drop_in_place(value) };
    }
    if !p.is_null() {
        // SAFETY: non-NULL and valid for writes of `O`; `O` is plain words.
        let words = unsafe {
            core::slice::from_raw_parts_mut(
                p.cast::<MaybeUninit<u64>>(),
                size_of::<O>().div_euclid(size_of::<u64>()),
            )
        };
        words.zeroize();
    }
}

/// The library version, e.g. `"0.1.0"`: static, NUL-terminated, never NULL.
#[no_mangle]
pub extern "C" fn m800_version() -> *const c_char {
    concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast()
}
