//! A panic handler for C firmware that links the `no_std` staticlib (feature
//! `panic-handler`). The library code is panic-free by lint, so this only runs
//! on a bug: it parks the core instead of continuing with broken state.
#![allow(clippy::empty_loop)]

#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    loop {
        core::hint::spin_loop();
    }
}
