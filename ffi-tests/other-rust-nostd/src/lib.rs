//! Another firmware library's Rust runtime, used from C beside m800-sign's
//! embedded archive: compiler_builtins' 64-bit division (which that archive
//! carries too), core's bounds checks, and a panic handler of its own that
//! reports to the firmware.
#![no_std]
#![deny(missing_docs)]

extern "C" {
    /// The firmware's hook: this library's panic handler calls it. It reports
    /// and stops the firmware; it never returns.
    fn other_rust_panicked() -> !;
}

/// The ASCII digits, indexed by `other_rust_digit`.
const DIGITS: [u8; 10] = *b"0123456789";

/// `a / b + a % b` in 64 bits (compiler_builtins' `__aeabi_uldivmod` on a
/// 32-bit core); 0 when `b` is 0.
#[no_mangle]
pub extern "C" fn other_rust_divmod(a: u64, b: u64) -> u64 {
    match (a.checked_div(b), a.checked_rem(b)) {
        (Some(q), Some(r)) => q.wrapping_add(r),
        _ => 0,
    }
}

/// The ASCII digit `i` (0..=9). Any other `i` fails core's bounds check: a
/// panic, which this library's own handler must receive.
#[no_mangle]
pub extern "C" fn other_rust_digit(i: usize) -> u8 {
    DIGITS[i]
}

#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    // SAFETY: the firmware defines the hook as a C function without arguments
    // that does not return (two_rust.c).
    unsafe { other_rust_panicked() }
}
