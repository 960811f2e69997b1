//! Another library's Rust runtime, used from C: std's heap and formatting, and
//! an unwind caught by its own personality routine.

/// `a + b`, worked out through a `String` (std's formatting, parsing and heap);
/// -1 when `a` is negative, after unwinding out of the sum and catching it.
#[no_mangle]
pub extern "C" fn other_rust_sum(a: i32, b: i32) -> i32 {
    std::panic::catch_unwind(|| {
        if a < 0 {
            // Unwinds without calling the panic hook (nothing on stderr).
            std::panic::resume_unwind(Box::new("negative"));
        }
        let text = format!("{a}+{b}");
        text.split('+')
            .map(|n| n.parse::<i32>().unwrap_or(0))
            .sum::<i32>()
    })
    .unwrap_or(-1)
}
