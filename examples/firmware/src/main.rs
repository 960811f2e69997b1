//! m800-sign on a Cortex-M3 (QEMU `lm3s6965evb`), with semihosting output.
//!
//! Signs the published reference vector and the push request vector 0, and
//! (feature `verify`) verifies the "valid callback" vector, all taken from the
//! library's `tests/data/m800-vectors.json` by `build.rs`; measures the stack
//! each path uses (paint and scan); prints the results and exits with
//! semihosting status success only if everything matched.
//!
//! Feature `baseline` builds the same skeleton without the library, so that
//! the library's contribution to the image is a build minus the baseline.
//! No `core::fmt` here: its size would blur that difference.
#![no_std]
#![no_main]

#[cfg(all(feature = "baseline", feature = "sign"))]
compile_error!("`baseline` is the build without the library: use --no-default-features");
#[cfg(not(any(feature = "baseline", feature = "sign")))]
compile_error!("choose `sign` (default), `verify` or `baseline`");

use core::panic::PanicInfo;
use cortex_m_rt::entry;
use cortex_m_semihosting::{debug, hio};

#[allow(dead_code)]
mod vectors {
    include!(concat!(env!("OUT_DIR"), "/vectors.rs"));
}

/// What each check reports: its name and whether it matched.
type Report<'a> = &'a mut dyn FnMut(&str, bool);

#[cfg(feature = "sign")]
mod checks {
    use super::{measured, vectors::*, Report, NEW, SIGN};
    use m800_sign::{Body, CanonicalFields, Request, Signer};

    /// The published vector (fields fed straight into the keyed MAC) and a
    /// whole push request (MD5, date, string to sign, HMAC, headers).
    #[inline(never)]
    pub fn sign(report: Report<'_>) {
        published(report);
        push_request(report);
    }

    #[inline(never)]
    fn published(report: Report<'_>) {
        let Ok(signer) = measured(NEW, || Signer::new(REQ_KEY, SIG_SECRET.as_bytes())) else {
            return report("signer", false);
        };
        let published = CanonicalFields::new(
            SIG_METHOD,
            SIG_URI,
            SIG_CONTENT_MD5,
            SIG_CONTENT_TYPE,
            SIG_X_M_DATE,
            SIG_NONCE,
        )
        .map(|fields| measured(SIGN, || signer.sign_fields(&fields)));
        report(
            "published vector signature",
            published.is_ok_and(|s| s.to_hex().as_str() == SIG_SIGNATURE_HEX),
        );
    }

    #[inline(never)]
    fn push_request(report: Report<'_>) {
        let Ok(signer) = measured(NEW, || Signer::new(REQ_KEY, REQ_SECRET.as_bytes())) else {
            return report("signer", false);
        };
        let request = Request {
            method: REQ_METHOD,
            uri: REQ_URI,
            content_type: REQ_CONTENT_TYPE,
            body: Body::Bytes(REQ_BODY.as_bytes()),
        };
        // The headers live in this frame: sign_request_into writes them in
        // place instead of moving 400 bytes out through a Result.
        let mut headers = m800_sign::SignedHeaders::EMPTY;
        match measured(SIGN, || {
            signer.sign_request_into(&request, REQ_UNIX_TIME, REQ_NONCE, &mut headers)
        }) {
            Ok(()) => {
                report(
                    "push request X-M-Date",
                    headers.x_m_date() == REQ_EXPECT_X_M_DATE,
                );
                report(
                    "push request Content-MD5",
                    headers.content_md5() == REQ_EXPECT_CONTENT_MD5,
                );
                report(
                    "push request Authorization",
                    headers.authorization() == REQ_EXPECT_AUTHORIZATION,
                );
            }
            Err(_) => report("push request", false),
        }
    }

    /// The signed callback, verified with a replay cache; then the same request
    /// again, which must be refused as a replay.
    #[cfg(feature = "verify")]
    #[inline(never)]
    pub fn verify(report: Report<'_>) {
        use super::VERIFY;
        use m800_sign::verify::{ReceivedRequest, ReplayCache, ReplaySlot, Verifier};
        let Ok(signer) = measured(NEW, || Signer::new(VER_KEY, VER_SECRET.as_bytes())) else {
            return report("verifier", false);
        };
        let Ok(window) = u32::try_from(VER_WINDOW_S) else {
            return report("window", false);
        };
        let verifier = Verifier::new(&signer).with_window(window);
        let mut replay = ReplayCache::new([ReplaySlot::EMPTY; 8]);
        let request = ReceivedRequest {
            method: VER_METHOD,
            uri: VER_URI,
            content_type: VER_CONTENT_TYPE,
            body: Body::Bytes(VER_BODY.as_bytes()),
            x_m_date: Some(VER_X_M_DATE),
            authorization: VER_AUTHORIZATION,
        };
        let first = measured(VERIFY, || {
            verifier.verify(&request, VER_NOW, Some(&mut replay))
        });
        report("verify valid callback", first.is_ok());
        let again = measured(VERIFY, || {
            verifier.verify(&request, VER_NOW, Some(&mut replay))
        });
        report(
            "verify replayed callback refused",
            again == Err(m800_sign::Error::ReplayedNonce),
        );
    }
}

#[cfg(not(feature = "sign"))]
mod checks {
    use super::Report;

    /// The baseline: the same calls, measurement and report, no library.
    #[inline(never)]
    pub fn sign(report: Report<'_>) {
        let ok = super::measured(super::SIGN, || core::hint::black_box(true));
        report("baseline sign (no library)", ok);
    }
}

#[cfg(not(feature = "verify"))]
mod verify_checks {
    /// Builds without `verify` run the same skeleton.
    #[inline(never)]
    pub fn verify(report: super::Report<'_>) {
        report("verify not built", core::hint::black_box(true));
    }
}
#[cfg(not(feature = "verify"))]
use verify_checks::verify;

#[cfg(feature = "verify")]
use checks::verify;

extern "C" {
    // From cortex-m-rt's link.x: the end of .bss/.uninit (the stack can grow
    // down to here) and the initial stack pointer (the top of RAM).
    static __sheap: u32;
    static _stack_start: u32;
}

const PAINT: u32 = 0xC5AC_CE55;

/// Slots of [`CALL_STACK`]: the deepest single library call of each kind.
const SIGN: usize = 0;
#[allow(dead_code)]
const VERIFY: usize = 1;
const NEW: usize = 2;
/// Stack used by the library calls themselves (below the caller's frame,
/// which holds the `Signer`, the output and the replay cache), per kind.
static mut CALL_STACK: [u32; 3] = [0; 3];

/// Paints the free stack below this frame from the lowest free address up
/// to a little below the stack pointer.
#[inline(always)]
fn paint() -> (usize, usize) {
    let bottom = core::ptr::addr_of!(__sheap) as usize;
    let sp = cortex_m::register::msp::read() as usize;
    // Keep clear of this frame and the painting loop's own spills.
    let top = (sp - 64) & !3;
    let mut p = bottom;
    while p < top {
        // SAFETY: [__sheap, sp - 64) is free stack below every live frame:
        // nothing else lives there (no heap), so writing it is harmless.
        unsafe { core::ptr::write_volatile(p as *mut u32, PAINT) };
        p += 4;
    }
    (sp, bottom)
}

/// Bytes below `sp` that were written since [`paint`].
#[inline(always)]
fn scan(sp: usize, bottom: usize) -> u32 {
    let top = (sp - 64) & !3;
    let mut lowest = bottom;
    // SAFETY: the painted region, read back; it is inside RAM and aligned.
    while lowest < top && unsafe { core::ptr::read_volatile(lowest as *const u32) } == PAINT {
        lowest += 4;
    }
    (sp - lowest) as u32
}

/// Runs one library call `f` and records in `CALL_STACK[slot]` the most
/// stack it used: everything below this frame, so the call's own frames and
/// not the caller's storage (its result is written into the caller's frame).
#[inline(never)]
fn measured<R>(slot: usize, f: impl FnOnce() -> R) -> R {
    let (sp, bottom) = paint();
    let r = run(f);
    let used = scan(sp, bottom);
    // SAFETY: single-threaded firmware; nothing else touches CALL_STACK.
    let cell = unsafe { &mut (*core::ptr::addr_of_mut!(CALL_STACK))[slot] };
    *cell = (*cell).max(used);
    r
}

/// Keeps `f` (and everything inlined into it) out of [`measured`]'s frame.
#[inline(never)]
fn run<R>(f: impl FnOnce() -> R) -> R {
    f()
}

/// Runs `check`, first painting the free stack below this frame, and returns
/// how many bytes of stack it used (the lowest word it changed): the whole
/// path, the check's own storage (signer, output, replay cache) included.
#[inline(never)]
fn stack_used(check: fn(Report<'_>), report: Report<'_>) -> u32 {
    let (sp, bottom) = paint();
    check(report);
    scan(sp, bottom)
}

struct Out(Option<hio::HostStream>);

impl Out {
    fn str(&mut self, s: &str) {
        if let Some(h) = &mut self.0 {
            let _ = h.write_all(s.as_bytes());
        }
    }
    fn num(&mut self, mut n: u32) {
        let mut buf = [0u8; 10];
        let mut i = buf.len();
        loop {
            i -= 1;
            buf[i] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        if let Some(h) = &mut self.0 {
            let _ = h.write_all(&buf[i..]);
        }
    }
}

static mut OUT: Out = Out(None);
static mut ALL_OK: bool = true;

fn report(name: &str, ok: bool) {
    // SAFETY: single-threaded firmware without interrupt handlers touching these.
    let (out, all_ok) = unsafe {
        (
            &mut *core::ptr::addr_of_mut!(OUT),
            &mut *core::ptr::addr_of_mut!(ALL_OK),
        )
    };
    out.str(name);
    out.str(if ok { ": ok\n" } else { ": MISMATCH\n" });
    *all_ok &= ok;
}

#[entry]
fn main() -> ! {
    // SAFETY: as in `report`; main runs alone.
    let out = unsafe { &mut *core::ptr::addr_of_mut!(OUT) };
    out.0 = hio::hstdout().ok();
    out.str(if cfg!(feature = "verify") {
        "m800-sign firmware: sign+verify\n"
    } else if cfg!(feature = "sign") {
        "m800-sign firmware: sign-only\n"
    } else {
        "m800-sign firmware: baseline\n"
    });
    let mut rep = report;
    let sign_stack = stack_used(checks::sign, &mut rep);
    let verify_stack = stack_used(verify, &mut rep);
    let out = unsafe { &mut *core::ptr::addr_of_mut!(OUT) };
    // SAFETY: as in `report`; the measurements are done.
    let calls = unsafe { *core::ptr::addr_of!(CALL_STACK) };
    out.str("stack sign: ");
    out.num(calls[SIGN]);
    out.str(" bytes\nstack verify: ");
    out.num(calls[VERIFY]);
    out.str(" bytes\nstack signer new: ");
    out.num(calls[NEW]);
    out.str(" bytes\nstack sign path: ");
    out.num(sign_stack);
    out.str(" bytes\nstack verify path: ");
    out.num(verify_stack);
    // The caller-owned objects (0 in the baseline, which prints the same).
    #[cfg(feature = "sign")]
    let sizes = [
        core::mem::size_of::<m800_sign::Signer>(),
        core::mem::size_of::<m800_sign::SignedHeaders>(),
    ];
    #[cfg(not(feature = "sign"))]
    let sizes = core::hint::black_box([0usize; 2]);
    out.str(" bytes\nsize Signer: ");
    out.num(sizes[0] as u32);
    out.str(" bytes\nsize SignedHeaders: ");
    out.num(sizes[1] as u32);
    out.str(" bytes\nstack region: ");
    // Only the symbols' addresses are taken.
    let region = core::ptr::addr_of!(_stack_start) as usize - core::ptr::addr_of!(__sheap) as usize;
    out.num(region as u32);
    out.str(" bytes\n");
    // SAFETY: as in `report`.
    let ok = unsafe { ALL_OK };
    out.str(if ok {
        "result: PASS\n"
    } else {
        "result: FAIL\n"
    });
    debug::exit(if ok {
        debug::EXIT_SUCCESS
    } else {
        debug::EXIT_FAILURE
    });
    loop {
        cortex_m::asm::wfi();
    }
}

#[panic_handler]
fn panic(_: &PanicInfo) -> ! {
    debug::exit(debug::EXIT_FAILURE);
    loop {
        cortex_m::asm::wfi();
    }
}
