//! The texts of `m800_status` for C; the enum and everything about it is
//! generated from the one table in `src/error.rs`.

pub use crate::error::m800_status;
use core::ffi::{c_char, c_int};

/// A static, NUL-terminated English description of `status`; never NULL, also for
/// values that are not an `m800_status`. Thread-safe; never free it.
///
/// (The header declares the parameter as `m800_status`; it is read as a plain
/// integer, so any value is accepted.)
#[no_mangle]
pub extern "C" fn m800_status_str(status: c_int) -> *const c_char {
    m800_status::from_code(status)
        .map_or("unknown m800_status value\0", m800_status::description_nul)
        .as_ptr()
        .cast()
}

/// A static, NUL-terminated machine-readable name of `status`, e.g.
/// `"signature_mismatch"`; `"unknown"` for values that are not an
/// `m800_status`. Never NULL. Thread-safe; never free it.
#[no_mangle]
pub extern "C" fn m800_status_name(status: c_int) -> *const c_char {
    m800_status::from_code(status)
        .map_or("unknown\0", m800_status::name_nul)
        .as_ptr()
        .cast()
}
