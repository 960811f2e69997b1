//! Zero heap allocations on every signing and verifying path: a counting global
//! allocator (per thread, so the test harness's own threads do not interfere)
//! around each call.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::hint::black_box;

use m800_sign::verify::{ReceivedRequest, ReplayCache, ReplaySlot, Verifier};
use m800_sign::{
    Authorization, Body, ContentMd5, Error, HttpDate, Md5Stream, ParsedAuthorization, Request,
    Signer,
};

struct Counting;

thread_local! {
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

fn bump() {
    // `try_with`: the counter may already be gone while a thread shuts down.
    let _ = ALLOCATIONS.try_with(|n| n.set(n.get() + 1));
}

// SAFETY: every call is forwarded unchanged to the system allocator.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        bump();
        // SAFETY: forwarded with the caller's layout.
        unsafe { System.alloc(layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        bump();
        // SAFETY: forwarded with the caller's layout.
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        bump();
        // SAFETY: forwarded with the caller's pointer, layout and size.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded with the caller's pointer and layout.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Runs `f` and returns its result with the number of heap allocations it made
/// on this thread.
fn allocations<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let before = ALLOCATIONS.with(Cell::get);
    let out = black_box(f());
    (out, ALLOCATIONS.with(Cell::get) - before)
}

#[track_caller]
fn assert_no_alloc<T>(what: &str, f: impl FnOnce() -> T) -> T {
    let (out, n) = allocations(f);
    assert_eq!(n, 0, "{what} made {n} heap allocations");
    out
}

// The published push request vector (request[0] of the vector file).
const BODY: &[u8] = br#"{"appMessage":{"content":"Hello from M800"},"push":{"content":"You have a new message"},"sender":"bob@m800.com"}"#;
const NONCE: &str = "19aca559e000123456789abcdef";
const NOW: u64 = 1_764_331_200;
const AUTH: &str = "MAAIISDK10 key=\"a-demo-key\", nonce=\"19aca559e000123456789abcdef\", signature=\"a4e4138dd518c6f3651cff481b5939d3f749f63898e4054faa0ffbc0420e32d6\"";

fn request() -> Request<'static> {
    Request {
        method: "POST",
        uri: "/api/1.0/push/alice@m800.com",
        content_type: "application/json",
        body: Body::Bytes(BODY),
    }
}

#[test]
fn the_counter_sees_allocations() {
    // Proof that the instrument works: a Vec allocates.
    let (_, n) = allocations(|| vec![1u8; 16]);
    assert_eq!(n, 1);
}

#[test]
fn signing_paths_do_not_allocate() {
    let signer = Signer::new("a-demo-key", b"a-demo-secret").unwrap();
    let req = request();

    let headers = assert_no_alloc("sign_request", || signer.sign_request(&req, NOW, NONCE));
    assert_eq!(headers.unwrap().authorization(), AUTH);

    let mut buf = [0u8; m800_sign::limits::STRING_TO_SIGN_MAX];
    let (headers, string) = assert_no_alloc("sign_request_with_string", || {
        signer.sign_request_with_string(&req, NOW, NONCE, &mut buf)
    })
    .unwrap();
    assert_eq!(headers.authorization(), AUTH);
    assert_eq!(
        string,
        "POST\n/api/1.0/push/alice@m800.com\n184bc37c95ce9368ecaf336b2c6a63c9\napplication/json\nFri, 28 Nov 2025 12:00:00 GMT\n19aca559e000123456789abcdef"
    );

    // Errors do not allocate either.
    let err = assert_no_alloc("sign_request, bad nonce", || {
        signer.sign_request(&req, NOW, "bad\"nonce")
    });
    assert_eq!(err.unwrap_err(), Error::InvalidNonce);
    let mut small = [0u8; 8];
    let err = assert_no_alloc("sign_request_with_string, small buffer", || {
        signer
            .sign_request_with_string(&req, NOW, NONCE, &mut small)
            .map(|_| ())
    });
    assert!(matches!(err, Err(Error::BufferTooSmall { .. })));

    let md5 = assert_no_alloc("Md5Stream", || {
        let mut md5 = Md5Stream::new();
        for chunk in BODY.chunks(7) {
            md5.update(chunk);
        }
        md5.finish()
    });
    assert_eq!(md5.as_str(), "184bc37c95ce9368ecaf336b2c6a63c9");
    assert_eq!(
        assert_no_alloc("ContentMd5::of", || ContentMd5::of(BODY)),
        md5
    );
}

#[test]
fn header_values_do_not_allocate() {
    let date = assert_no_alloc("HttpDate::from_unix", || HttpDate::from_unix(NOW)).unwrap();
    assert_eq!(date.as_str(), "Fri, 28 Nov 2025 12:00:00 GMT");
    let (parsed, unix) =
        assert_no_alloc("HttpDate::parse", || HttpDate::parse(date.as_str())).unwrap();
    assert_eq!((parsed, unix), (date, NOW));
    assert_eq!(
        assert_no_alloc("HttpDate::parse, invalid", || HttpDate::parse(
            "Thu, 31 Sep 2013 18:49:58 GMT"
        )),
        Err(Error::InvalidDate)
    );

    let auth = assert_no_alloc("Authorization::new", || {
        Authorization::new(
            "a-demo-key",
            NONCE,
            "a4e4138dd518c6f3651cff481b5939d3f749f63898e4054faa0ffbc0420e32d6",
        )
    })
    .unwrap();
    assert_eq!(auth.as_str(), AUTH);
    let parsed = assert_no_alloc("ParsedAuthorization::parse", || {
        ParsedAuthorization::parse(auth.as_str())
    })
    .unwrap();
    assert_eq!((parsed.key(), parsed.nonce()), ("a-demo-key", NONCE));
    assert_eq!(
        assert_no_alloc("ParsedAuthorization::parse, malformed", || {
            ParsedAuthorization::parse("MAAIISDK10 key=\"k\", nonce=\"n\", signature=\"abc")
        }),
        Err(Error::MalformedAuthorization)
    );
}

#[test]
fn verifying_paths_do_not_allocate() {
    let signer = Signer::new("a-demo-key", b"a-demo-secret").unwrap();
    let verifier = Verifier::new(&signer);
    let received = |authorization| ReceivedRequest {
        request: Request {
            method: "POST",
            uri: "/api/1.0/push/alice@m800.com",
            content_type: "application/json",
            body: Body::Bytes(BODY),
        },
        x_m_date: Some("Fri, 28 Nov 2025 12:00:00 GMT"),
        authorization,
    };
    let valid = received(AUTH);
    let forged_auth = AUTH.replace("e32d6\"", "e32d7\"");
    let forged = received(&forged_auth);

    let ok = assert_no_alloc("verify, valid", || verifier.verify(&valid, NOW, None)).unwrap();
    assert_eq!(ok.nonce(), NONCE);
    assert_eq!(
        assert_no_alloc("verify, forged", || verifier
            .verify(&forged, NOW, None)
            .map(|_| ())),
        Err(Error::SignatureMismatch)
    );

    let mut cache = ReplayCache::new([ReplaySlot::EMPTY; 8]);
    assert!(assert_no_alloc("verify, valid, with cache", || verifier
        .verify(&valid, NOW, Some(&mut cache))
        .is_ok()));
    assert_eq!(
        assert_no_alloc("verify, replayed, with cache", || verifier
            .verify(&valid, NOW, Some(&mut cache))
            .map(|_| ())),
        Err(Error::ReplayedNonce)
    );
    assert_eq!(
        assert_no_alloc("verify, forged, with cache", || verifier
            .verify(&forged, NOW, Some(&mut cache))
            .map(|_| ())),
        Err(Error::SignatureMismatch)
    );
    assert_eq!(cache.live_entries(NOW), 1);
}
