//! Calls the extern functions from Rust with valid, NULL, too-small and wiped
//! inputs. Small on purpose: `cargo +nightly miri test --features ffi ffi::`
//! checks every `unsafe` block here under Miri.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use super::verify::{CheckAbi, LookupAbi};
use super::*;
use core::ffi::{c_char, c_int, c_void, CStr};
use core::ptr::{null, null_mut};
use std::borrow::ToOwned;

const KEY: &str = "a-demo-key";
const SECRET: &[u8] = b"a-demo-secret";
const BODY: &[u8] = br#"{"appMessage":{"content":"ping"}}"#;
const URI: &str = "/api/1.0/push/alice@m800.com";
const NONCE: &str = "19aca559e0102468acf13579bde";
const SIGNATURE: &str = "36440251e21c8679823798b73be96777c75e1ccd7075e59c1d4314036db1c7db";

fn zeroed_signer() -> m800_signer {
    // SAFETY (test): an all-zero m800_signer is its documented "not initialised" state.
    unsafe { core::mem::zeroed() }
}

/// The signer `init` (`m800_signer_init` or `m800_signer_init_base64`) makes
/// for the demo credentials.
fn signer_by(init: SignerInit) -> m800_signer {
    let mut s = zeroed_signer();
    let (key, secret) = (KEY.as_ptr().cast(), SECRET.as_ptr());
    let st = unsafe { init(&mut s, key, KEY.len(), secret, SECRET.len()) };
    assert_eq!(st, m800_status::M800_OK);
    s
}

type SignerInit =
    unsafe extern "C" fn(*mut m800_signer, *const c_char, usize, *const u8, usize) -> m800_status;

fn signer() -> m800_signer {
    signer_by(m800_signer_init)
}

fn request() -> m800_request {
    m800_request {
        method: "POST".as_ptr().cast(),
        method_len: 4,
        uri: URI.as_ptr().cast(),
        uri_len: URI.len(),
        content_type: "application/json".as_ptr().cast(),
        content_type_len: 16,
        body: BODY.as_ptr(),
        body_len: BODY.len(),
    }
}

fn cstr(bytes: &[c_char]) -> &str {
    // SAFETY (test): the arrays the library fills are NUL-terminated.
    unsafe { CStr::from_ptr(bytes.as_ptr()) }.to_str().unwrap()
}

fn sign(s: &m800_signer, time: u64, nonce: &str) -> (m800_status, m800_signed_headers) {
    let mut h = m800_signed_headers {
        x_m_date: [0; M800_X_M_DATE_SIZE],
        content_md5: [0; M800_CONTENT_MD5_SIZE],
        authorization: [0; M800_AUTHORIZATION_SIZE],
    };
    let st = unsafe {
        m800_sign_request(
            s,
            &request(),
            time,
            nonce.as_ptr().cast(),
            nonce.len(),
            &mut h,
        )
    };
    (st, h)
}

#[test]
fn signer_lifecycle() {
    let mut s = zeroed_signer();
    assert_eq!(sign(&s, 0, NONCE).0, m800_status::M800_ERR_NOT_INITIALIZED);
    let st = unsafe { m800_signer_init(&mut s, KEY.as_ptr().cast(), KEY.len(), null(), 0) };
    assert_eq!(st, m800_status::M800_ERR_EMPTY_SECRET);
    let st = unsafe {
        m800_signer_init(
            null_mut(),
            KEY.as_ptr().cast(),
            KEY.len(),
            SECRET.as_ptr(),
            1,
        )
    };
    assert_eq!(st, m800_status::M800_ERR_NULL_POINTER);
    let bad = [0xffu8];
    let st = unsafe { m800_signer_init(&mut s, bad.as_ptr().cast(), 1, SECRET.as_ptr(), 1) };
    assert_eq!(st, m800_status::M800_ERR_INVALID_UTF8);

    let mut s = signer();
    let (st, h) = sign(&s, 1_764_334_800, NONCE);
    assert_eq!(st, m800_status::M800_OK);
    assert_eq!(cstr(&h.x_m_date), "Fri, 28 Nov 2025 13:00:00 GMT");
    assert_eq!(cstr(&h.content_md5), "cb0e8ec5b4ee7678bce015b9755a0156");
    assert!(cstr(&h.authorization).contains(SIGNATURE));
    // A failed re-init leaves the signer as it was.
    let st = unsafe { m800_signer_init(&mut s, null(), 0, SECRET.as_ptr(), 1) };
    assert_eq!(st, m800_status::M800_ERR_EMPTY_KEY);
    assert_eq!(sign(&s, 0, NONCE).0, m800_status::M800_OK);
    // Errors from the core come through as their own statuses.
    assert_eq!(sign(&s, 0, "").0, m800_status::M800_ERR_EMPTY_NONCE);
    assert_eq!(
        sign(&s, u64::MAX, NONCE).0,
        m800_status::M800_ERR_TIME_OUT_OF_RANGE
    );

    unsafe { m800_signer_wipe(&mut s) };
    // SAFETY (test): wiping wrote zeros to every word.
    assert!(s.opaque.iter().all(|w| unsafe { w.assume_init() } == 0));
    assert_eq!(sign(&s, 0, NONCE).0, m800_status::M800_ERR_NOT_INITIALIZED);
    unsafe { m800_signer_wipe(&mut s) };
    unsafe { m800_signer_wipe(null_mut()) };
    let st =
        unsafe { m800_sign_request(null(), &request(), 0, NONCE.as_ptr().cast(), 1, null_mut()) };
    assert_eq!(st, m800_status::M800_ERR_NULL_POINTER);
}

#[test]
fn buffers_and_building_blocks() {
    let mut len = 0usize;
    let mut buf = [0x5a as c_char; 40];
    let date =
        |out: *mut c_char, cap, len: *mut usize| unsafe { m800_date_format(0, out, cap, len) };
    assert_eq!(
        date(null_mut(), 0, &mut len),
        m800_status::M800_ERR_BUFFER_TOO_SMALL
    );
    assert_eq!(len, 30);
    assert_eq!(
        date(buf.as_mut_ptr(), 29, &mut len),
        m800_status::M800_ERR_BUFFER_TOO_SMALL
    );
    assert!(buf.iter().all(|&c| c == 0x5a));
    assert_eq!(
        date(buf.as_mut_ptr(), 40, null_mut()),
        m800_status::M800_ERR_NULL_POINTER
    );
    assert_eq!(
        date(null_mut(), 40, &mut len),
        m800_status::M800_ERR_NULL_POINTER
    );
    assert_eq!(date(buf.as_mut_ptr(), 30, &mut len), m800_status::M800_OK);
    assert_eq!((len, cstr(&buf)), (29, "Thu, 01 Jan 1970 00:00:00 GMT"));
    assert_eq!(buf[30], 0x5a);

    let mut t = 7u64;
    let st = unsafe { m800_date_parse(buf.as_ptr(), 29, &mut t) };
    assert_eq!((st, t), (m800_status::M800_OK, 0));
    let st = unsafe { m800_date_parse(null(), 3, &mut t) };
    assert_eq!(st, m800_status::M800_ERR_NULL_POINTER);

    let mut md5: m800_md5 = unsafe { core::mem::zeroed() };
    let st = unsafe { m800_md5_update(&mut md5, BODY.as_ptr(), 1) };
    assert_eq!(st, m800_status::M800_ERR_NOT_INITIALIZED);
    assert_eq!(unsafe { m800_md5_init(&mut md5) }, m800_status::M800_OK);
    for chunk in BODY.chunks(5) {
        assert_eq!(
            unsafe { m800_md5_update(&mut md5, chunk.as_ptr(), chunk.len()) },
            m800_status::M800_OK
        );
    }
    let st = unsafe { m800_md5_final(&mut md5, buf.as_mut_ptr(), 32, &mut len) };
    assert_eq!((st, len), (m800_status::M800_ERR_BUFFER_TOO_SMALL, 33));
    let st = unsafe { m800_md5_final(&mut md5, buf.as_mut_ptr(), 33, &mut len) };
    assert_eq!(
        (st, cstr(&buf)),
        (m800_status::M800_OK, "cb0e8ec5b4ee7678bce015b9755a0156")
    );
    assert_eq!(
        unsafe { m800_md5_update(&mut md5, null(), 0) },
        m800_status::M800_ERR_NOT_INITIALIZED
    );

    let random = [1u8, 2, 3, 4, 5, 6, 7, 8];
    let st =
        unsafe { m800_nonce_format(0x19ac, random.as_ptr(), 8, buf.as_mut_ptr(), 40, &mut len) };
    assert_eq!(
        (st, cstr(&buf)),
        (m800_status::M800_OK, "19ac0102030405060708")
    );
    let st = unsafe { m800_nonce_format(1, random.as_ptr(), 7, buf.as_mut_ptr(), 40, &mut len) };
    assert_eq!(st, m800_status::M800_ERR_INVALID_ARGUMENT);

    let header = "MAAIISDK10 key=\"k\", nonce=n, signature=\"s\"";
    let mut a: m800_authorization = unsafe { core::mem::zeroed() };
    let st = unsafe { m800_authorization_parse(header.as_ptr().cast(), header.len(), &mut a) };
    assert_eq!(st, m800_status::M800_OK);
    assert_eq!(
        (cstr(&a.key), cstr(&a.nonce), cstr(&a.signature)),
        ("k", "n", "s")
    );
    let st = unsafe { m800_authorization_parse(header.as_ptr().cast(), 5, &mut a) };
    assert_eq!(st, m800_status::M800_ERR_UNSUPPORTED_SCHEME);

    let s = signer();
    let f = m800_fields {
        method: "GET".as_ptr().cast(),
        method_len: 3,
        uri: "/".as_ptr().cast(),
        uri_len: 1,
        content_md5: null(),
        content_md5_len: 0,
        content_type: null(),
        content_type_len: 0,
        x_m_date: buf.as_ptr(),
        x_m_date_len: 0,
        nonce: "n".as_ptr().cast(),
        nonce_len: 1,
    };
    let mut sts = [0 as c_char; 16];
    let st = unsafe { m800_string_to_sign(&f, sts.as_mut_ptr(), sts.len(), &mut len) };
    assert_eq!((st, cstr(&sts)), (m800_status::M800_OK, "GET\n/\n\n\n\nn"));
    let mut sig = [0 as c_char; 45];
    let st = unsafe { m800_signature_base64(&s, &f, sig.as_mut_ptr(), sig.len(), &mut len) };
    assert_eq!((st, len), (m800_status::M800_OK, 44));
    let st = unsafe { m800_signature_hex(&s, &f, sig.as_mut_ptr(), sig.len(), &mut len) };
    assert_eq!((st, len), (m800_status::M800_ERR_BUFFER_TOO_SMALL, 65));
}

#[test]
fn verify_with_cache_and_details() {
    let s = signer();
    let (_, h) = sign(&s, 1_000_000, "n-1");
    let date = cstr(&h.x_m_date);
    let auth = cstr(&h.authorization);
    let mut slots = [m800_replay_slot {
        opaque: [core::mem::MaybeUninit::new(9); 2],
    }; 1];
    let mut cache: m800_replay_cache = unsafe { core::mem::zeroed() };
    let req = request();
    let verify = |cache: *mut m800_replay_cache, now: u64, d: *mut m800_verify_details| unsafe {
        let p = params(|p| {
            p.signer = &s;
            p.request = &req;
            (p.x_m_date, p.x_m_date_len) = (date.as_ptr().cast(), date.len());
            (p.authorization, p.authorization_len) = (auth.as_ptr().cast(), auth.len());
            (p.now, p.replay_cache) = (now, cache);
        });
        m800_verify(&p, d)
    };
    assert_eq!(
        verify(&mut cache, 1_000_000, null_mut()),
        m800_status::M800_ERR_NOT_INITIALIZED
    );
    let st = unsafe { m800_replay_cache_init(&mut cache, slots.as_mut_ptr(), slots.len()) };
    assert_eq!(st, m800_status::M800_OK);
    assert_eq!(
        verify(&mut cache, 1_000_000, null_mut()),
        m800_status::M800_OK
    );
    assert_eq!(
        verify(&mut cache, 1_000_000, null_mut()),
        m800_status::M800_ERR_REPLAYED_NONCE
    );
    assert_eq!(
        verify(null_mut(), 1_000_000, null_mut()),
        m800_status::M800_OK
    );

    let mut d: m800_verify_details = unsafe { core::mem::zeroed() };
    assert_eq!(
        verify(null_mut(), 1_000_400, &mut d),
        m800_status::M800_ERR_DATE_TOO_OLD
    );
    assert_eq!((d.server_time, d.skew_s), (1_000_400, 400));
    assert_eq!(
        verify(null_mut(), 999_000, &mut d),
        m800_status::M800_ERR_DATE_IN_FUTURE
    );
    assert_eq!((d.server_time, d.skew_s), (999_000, 1000));

    let other = m800_request {
        body_len: 3,
        ..request()
    };
    let p = params(|p| {
        p.signer = &s;
        p.request = &other;
        (p.x_m_date, p.x_m_date_len) = (date.as_ptr().cast(), date.len());
        (p.authorization, p.authorization_len) = (auth.as_ptr().cast(), auth.len());
        p.now = 1_000_000;
    });
    let st = unsafe { m800_verify(&p, &mut d) };
    assert_eq!(st, m800_status::M800_ERR_SIGNATURE_MISMATCH);
    let both = m800_verify_params {
        lookup: lookup_fn(),
        ..p
    };
    let st = unsafe { m800_verify(&both, null_mut()) };
    assert_eq!(st, m800_status::M800_ERR_INVALID_ARGUMENT);
    let old = m800_verify_params { size: 8, ..p };
    let st = unsafe { m800_verify(&old, null_mut()) };
    assert_eq!(st, m800_status::M800_ERR_INVALID_ARGUMENT);
    let expected = cstr(&d.expected_string_to_sign);
    assert_eq!(expected.len(), d.expected_string_to_sign_len);
    assert!(expected.starts_with("POST\n/api/1.0/push/alice@m800.com\n"));
    assert!(expected.ends_with("\nn-1"));

    let st = unsafe {
        m800_verify_request(
            &s,
            &request(),
            null(),
            0,
            auth.as_ptr().cast(),
            auth.len(),
            1_000_000,
            300,
            null_mut(),
        )
    };
    assert_eq!(st, m800_status::M800_ERR_MISSING_DATE);
}

unsafe extern "C" fn lookup(
    ctx: *mut c_void,
    key: *const c_char,
    key_len: usize,
    out: *mut *const m800_signer,
) -> c_int {
    let signer = ctx.cast::<m800_signer>().cast_const();
    let key = unsafe { core::slice::from_raw_parts(key.cast::<u8>(), key_len + 1) };
    match key {
        b"a-demo-key\0" => {
            unsafe { out.write(signer) };
            0
        }
        b"db-down\0" => 12345,
        _ => m800_status::M800_ERR_UNKNOWN_KEY as c_int,
    }
}

/// Defaults from `m800_verify_params_init`, then `set`.
fn params(set: impl FnOnce(&mut m800_verify_params)) -> m800_verify_params {
    let mut p = core::mem::MaybeUninit::uninit();
    assert_eq!(
        unsafe { m800_verify_params_init(p.as_mut_ptr()) },
        m800_status::M800_OK
    );
    let mut p = unsafe { p.assume_init() };
    set(&mut p);
    p
}

/// `m800_verify_params_init_sized` writes exactly the size the caller
/// compiled: a struct from before `replay_store` gets its fields and no byte
/// more; sizes the library does not know, and NULL, get nothing.
#[test]
fn verify_params_init_writes_only_the_callers_size() {
    use core::mem::{offset_of, size_of};
    let old = offset_of!(m800_verify_params, replay_store);
    let canary = u64::from_ne_bytes([0xa5; 8]);
    let mut words = [canary; size_of::<m800_verify_params>() / 8 + 2];
    let p = words.as_mut_ptr().cast::<m800_verify_params>();
    assert_eq!(
        unsafe { m800_verify_params_init_sized(p, old) },
        m800_status::M800_OK
    );
    // Read only whole words the library wrote no padding into: `size`, and
    // everything past the old struct.
    assert_eq!(usize::try_from(words[0]).unwrap(), old);
    assert!(words[old / 8..].iter().all(|&w| w == canary));
    let full = size_of::<m800_verify_params>();
    for bad in [0, 8, old + 1, full - 1, full + 8] {
        let mut words = [canary; size_of::<m800_verify_params>() / 8 + 2];
        let p = words.as_mut_ptr().cast::<m800_verify_params>();
        let st = unsafe { m800_verify_params_init_sized(p, bad) };
        assert_eq!(st, m800_status::M800_ERR_INVALID_ARGUMENT, "size {bad}");
        assert!(words.iter().all(|&w| w == canary));
    }
    let st = unsafe { m800_verify_params_init_sized(null_mut(), full) };
    assert_eq!(st, m800_status::M800_ERR_NULL_POINTER);
    // The function itself: the struct with `replay_store`, whole.
    let p = params(|_| {});
    assert_eq!(p.size, full);
    assert!(p.replay_store.is_null() && p.window_s == 300);
}

/// The test callback, stored as the header's type (read back as `c_int`).
fn lookup_fn() -> m800_key_lookup_fn {
    type Declared = <m800_key_lookup_fn as IntoIterator>::Item;
    Some(unsafe { core::mem::transmute::<LookupAbi, Declared>(lookup) })
}

#[test]
fn verify_multi_key() {
    let mut s = signer();
    let (_, h) = sign(&s, 1_000_000, "n-1");
    let date = cstr(&h.x_m_date).as_bytes().to_vec();
    let req = request();
    let run = |s: &mut m800_signer, auth: &str| unsafe {
        let p = params(|p| {
            (p.lookup, p.lookup_ctx) = (lookup_fn(), (s as *mut m800_signer).cast());
            p.request = &req;
            (p.x_m_date, p.x_m_date_len) = (date.as_ptr().cast(), date.len());
            (p.authorization, p.authorization_len) = (auth.as_ptr().cast(), auth.len());
            p.now = 1_000_000;
        });
        m800_verify(&p, null_mut())
    };
    let auth = cstr(&h.authorization).to_owned();
    assert_eq!(run(&mut s, &auth), m800_status::M800_OK);
    let unknown = auth.replace("a-demo-key", "someone");
    assert_eq!(run(&mut s, &unknown), m800_status::M800_ERR_UNKNOWN_KEY);
    let broken = auth.replace("a-demo-key", "db-down");
    assert_eq!(run(&mut s, &broken), m800_status::M800_ERR_INTERNAL);
    unsafe { m800_signer_wipe(&mut s) };
    assert_eq!(run(&mut s, &auth), m800_status::M800_ERR_NOT_INITIALIZED);
}

/// A replay store over a list, for `m800_replay_store`: records each pair
/// with its `keep_until`; `answer` overrides the reply when set.
#[derive(Default)]
struct ListStore {
    seen: std::vec::Vec<(std::string::String, std::string::String, u64)>,
    answer: Option<c_int>,
}

unsafe extern "C" fn check_in_list(
    ctx: *mut c_void,
    key: *const c_char,
    key_len: usize,
    nonce: *const c_char,
    nonce_len: usize,
    keep_until: u64,
) -> c_int {
    let store = unsafe { &mut *ctx.cast::<ListStore>() };
    let text = |p: *const c_char, len: usize| {
        let with_nul = unsafe { core::slice::from_raw_parts(p.cast::<u8>(), len + 1) };
        assert_eq!(with_nul[len], 0, "NUL-terminated");
        std::str::from_utf8(&with_nul[..len]).unwrap().to_owned()
    };
    let pair = (text(key, key_len), text(nonce, nonce_len));
    if let Some(answer) = store.answer {
        return answer;
    }
    if store
        .seen
        .iter()
        .any(|(k, n, _)| (k, n) == (&pair.0, &pair.1))
    {
        return m800_freshness::M800_REPLAYED as c_int;
    }
    store.seen.push((pair.0, pair.1, keep_until));
    m800_freshness::M800_FRESH as c_int
}

/// The test store's callback, stored as the header's type (read back as `c_int`).
fn check_fn() -> m800_replay_check_fn {
    type Declared = <m800_replay_check_fn as IntoIterator>::Item;
    Some(unsafe { core::mem::transmute::<CheckAbi, Declared>(check_in_list) })
}

#[test]
fn verify_with_replay_store() {
    let s = signer();
    let req = request();
    let mut list = ListStore::default();
    let store = m800_replay_store {
        ctx: (&raw mut list).cast(),
        check_and_record: check_fn(),
    };
    let run = |h: &m800_signed_headers, set: &dyn Fn(&mut m800_verify_params)| {
        let (date, auth) = (cstr(&h.x_m_date), cstr(&h.authorization));
        let p = params(|p| {
            p.signer = &s;
            p.request = &req;
            (p.x_m_date, p.x_m_date_len) = (date.as_ptr().cast(), date.len());
            (p.authorization, p.authorization_len) = (auth.as_ptr().cast(), auth.len());
            (p.now, p.replay_store) = (1_000_000, &store);
            set(p);
        });
        unsafe { m800_verify(&p, null_mut()) }
    };
    let (_, h) = sign(&s, 1_000_000, "n-1");
    let mut forged = h;
    forged.authorization[80] ^= 1;
    assert_eq!(
        run(&forged, &|_| ()),
        m800_status::M800_ERR_SIGNATURE_MISMATCH
    );
    assert_eq!(run(&h, &|_| ()), m800_status::M800_OK);
    assert_eq!(run(&h, &|_| ()), m800_status::M800_ERR_REPLAYED_NONCE);
    assert_eq!(
        run(&h, &|p| p.window_s = 60),
        m800_status::M800_ERR_REPLAYED_NONCE
    );
    // Only the valid request reached the store, kept until date + window.
    assert_eq!(
        unsafe { &*store.ctx.cast::<ListStore>() }.seen,
        [(KEY.to_owned(), "n-1".to_owned(), 1_000_300)]
    );
    // A failure, and any value that is not an m800_freshness, refuse.
    let (_, h2) = sign(&s, 1_000_000, "n-2");
    for answer in [
        m800_freshness::M800_STORE_FAILED as c_int,
        3,
        -1,
        c_int::MAX,
    ] {
        unsafe { (*store.ctx.cast::<ListStore>()).answer = Some(answer) };
        assert_eq!(run(&h2, &|_| ()), m800_status::M800_ERR_REPLAY_CACHE_FULL);
    }
    unsafe { (*store.ctx.cast::<ListStore>()).answer = None };
    // Both a cache and a store; a store without a callback.
    let mut cache: m800_replay_cache = unsafe { core::mem::zeroed() };
    let st = unsafe { m800_replay_cache_init(&mut cache, null_mut(), 0) };
    assert_eq!(st, m800_status::M800_OK);
    let cache: *mut m800_replay_cache = &raw mut cache;
    let both = move |p: &mut m800_verify_params| p.replay_cache = cache;
    assert_eq!(run(&h2, &both), m800_status::M800_ERR_INVALID_ARGUMENT);
    let empty = m800_replay_store {
        ctx: null_mut(),
        check_and_record: None,
    };
    let st = run(&h2, &|p| p.replay_store = &empty);
    assert_eq!(st, m800_status::M800_ERR_NULL_POINTER);
    assert_eq!(run(&h2, &|_| ()), m800_status::M800_OK);
}

#[test]
fn verify_params_of_an_older_size() {
    // A caller compiled before `replay_store` existed: its struct ends at
    // `replay_cache`, and whatever follows in memory is not read.
    let s = signer();
    let (_, h) = sign(&s, 1_000_000, "n-1");
    let (date, auth) = (cstr(&h.x_m_date), cstr(&h.authorization));
    let req = request();
    let old_size = core::mem::offset_of!(m800_verify_params, replay_store);
    let mut slots = [m800_replay_slot {
        opaque: [core::mem::MaybeUninit::new(0); 2],
    }; 4];
    let mut cache: m800_replay_cache = unsafe { core::mem::zeroed() };
    let st = unsafe { m800_replay_cache_init(&mut cache, slots.as_mut_ptr(), slots.len()) };
    assert_eq!(st, m800_status::M800_OK);
    let garbage = m800_replay_store {
        ctx: null_mut(),
        check_and_record: None,
    };
    let p = params(|p| {
        p.size = old_size;
        p.signer = &s;
        p.request = &req;
        (p.x_m_date, p.x_m_date_len) = (date.as_ptr().cast(), date.len());
        (p.authorization, p.authorization_len) = (auth.as_ptr().cast(), auth.len());
        (p.now, p.replay_cache) = (1_000_000, &raw mut cache);
        p.replay_store = &garbage; // past the old struct: ignored
    });
    assert_eq!(unsafe { m800_verify(&p, null_mut()) }, m800_status::M800_OK);
    let st = unsafe { m800_verify(&p, null_mut()) };
    assert_eq!(st, m800_status::M800_ERR_REPLAYED_NONCE);
    let between = m800_verify_params {
        size: old_size + 1,
        ..p
    };
    let st = unsafe { m800_verify(&between, null_mut()) };
    assert_eq!(st, m800_status::M800_ERR_INVALID_ARGUMENT);
}

#[test]
fn status_texts() {
    let all = m800_status::ALL;
    for (i, &st) in all.iter().enumerate() {
        assert_eq!(st as usize, i);
        let name = unsafe { CStr::from_ptr(m800_status_name(i as c_int)) }
            .to_str()
            .unwrap();
        let text = unsafe { CStr::from_ptr(m800_status_str(i as c_int)) }
            .to_str()
            .unwrap();
        assert!(!name.is_empty() && !text.is_empty() && name != "unknown");
        for &other in &all[..i] {
            let o = unsafe { CStr::from_ptr(m800_status_name(other as c_int)) };
            assert_ne!(o.to_str().unwrap(), name);
        }
    }
    for code in [-1, all.len() as c_int, c_int::MAX, c_int::MIN] {
        assert_eq!(
            unsafe { CStr::from_ptr(m800_status_name(code)) }
                .to_str()
                .unwrap(),
            "unknown"
        );
        assert!(!m800_status_str(code).is_null());
    }
    assert_eq!(
        unsafe {
            CStr::from_ptr(m800_status_str(
                m800_status::M800_ERR_SIGNATURE_MISMATCH as c_int,
            ))
        }
        .to_str()
        .unwrap(),
        crate::Error::SignatureMismatch.description()
    );
    let version = unsafe { CStr::from_ptr(m800_version()) }.to_str().unwrap();
    assert_eq!(version, env!("CARGO_PKG_VERSION"));
}

fn text_of(buf: &[c_char], len: usize) -> &str {
    // SAFETY (test): `c_char` and `u8` have the same layout.
    let bytes = unsafe { core::slice::from_raw_parts(buf.as_ptr().cast::<u8>(), len) };
    core::str::from_utf8(bytes).unwrap()
}

#[test]
fn push_uri_body_and_request() {
    let mut buf = [0x5a as c_char; 512];
    let mut len = 0usize;
    let st = unsafe {
        m800_push_uri(
            "a b".as_ptr().cast(),
            3,
            "c".as_ptr().cast(),
            1,
            buf.as_mut_ptr(),
            buf.len(),
            &mut len,
        )
    };
    assert_eq!(
        (st, cstr(&buf)),
        (m800_status::M800_OK, "/api/1.0/push/a%20b@c")
    );

    // Body: size query, too small (untouched), exact fit; optional members.
    let body = |out: *mut c_char, cap: usize, len: *mut usize, sender: *const c_char| unsafe {
        m800_push_body(
            "ping".as_ptr().cast(),
            4,
            null(),
            0,
            sender,
            0,
            out,
            cap,
            len,
        )
    };
    assert_eq!(
        body(null_mut(), 0, &mut len, null()),
        m800_status::M800_ERR_BUFFER_TOO_SMALL
    );
    assert_eq!(len, BODY.len() + 1);
    buf.fill(0x5a);
    assert_eq!(
        body(buf.as_mut_ptr(), BODY.len(), &mut len, null()),
        m800_status::M800_ERR_BUFFER_TOO_SMALL
    );
    assert!(buf.iter().all(|&c| c == 0x5a));
    assert_eq!(
        body(buf.as_mut_ptr(), BODY.len() + 1, &mut len, null()),
        m800_status::M800_OK
    );
    assert_eq!((len, cstr(&buf).as_bytes()), (BODY.len(), BODY));
    assert_eq!(buf[BODY.len() + 1], 0x5a);
    // A present but empty sender is an error (PROTOCOL.md section 1).
    assert_eq!(
        body(buf.as_mut_ptr(), buf.len(), &mut len, "".as_ptr().cast()),
        m800_status::M800_ERR_INVALID_SENDER
    );
    let st = unsafe {
        m800_push_body(
            "x".as_ptr().cast(),
            1,
            null(),
            0,
            "bob".as_ptr().cast(),
            3,
            buf.as_mut_ptr(),
            buf.len(),
            &mut len,
        )
    };
    assert_eq!(st, m800_status::M800_ERR_INVALID_SENDER);

    // The whole request, then a raw-HTTP verify of it.
    let s = signer();
    let push = m800_push {
        username: "alice".as_ptr().cast(),
        username_len: 5,
        carrier: "m800.com".as_ptr().cast(),
        carrier_len: 8,
        app_message: "ping".as_ptr().cast(),
        app_message_len: 4,
        push_content: null(),
        push_content_len: 0,
        sender: null(),
        sender_len: 0,
    };
    let mut wire = [0 as c_char; 512];
    let mut head = 0usize;
    let mut h: m800_signed_headers = unsafe { core::mem::zeroed() };
    let request = |out: *mut c_char, cap: usize, len: &mut usize, head: *mut usize, h| unsafe {
        m800_push_request(
            &s,
            &push,
            "h".as_ptr().cast(),
            1,
            1_764_334_800,
            NONCE.as_ptr().cast(),
            NONCE.len(),
            out,
            cap,
            len,
            head,
            h,
        )
    };
    let st = request(wire.as_mut_ptr(), 10, &mut len, &mut head, &mut h);
    assert_eq!((st, head), (m800_status::M800_ERR_BUFFER_TOO_SMALL, 0));
    let need = len;
    let st = request(wire.as_mut_ptr(), need, &mut len, &mut head, &mut h);
    assert_eq!((st, len), (m800_status::M800_OK, need - 1));
    let text = text_of(&wire, len);
    assert!(text.starts_with("POST /api/1.0/push/alice@m800.com HTTP/1.1\r\nHost: h\r\n"));
    assert_eq!(&text.as_bytes()[head..], BODY);
    assert!(cstr(&h.authorization).contains(SIGNATURE));
    let st = request(
        wire.as_mut_ptr(),
        wire.len(),
        &mut len,
        null_mut(),
        null_mut(),
    );
    assert_eq!(st, m800_status::M800_OK);

    let http = |raw: &[c_char], now| {
        params(|p| {
            p.signer = &s;
            (p.http, p.http_len, p.now) = (raw.as_ptr().cast(), raw.len(), now);
        })
    };
    let verify = |raw: &[c_char], now| unsafe { m800_verify(&http(raw, now), null_mut()) };
    assert_eq!(verify(&wire[..len], 1_764_334_800), m800_status::M800_OK);
    assert_eq!(
        verify(&wire[..len - 1], 1_764_334_800),
        m800_status::M800_ERR_INCOMPLETE_HTTP_REQUEST
    );
    let mut d: m800_verify_details = unsafe { core::mem::zeroed() };
    let st = unsafe { m800_verify(&http(&wire[..len], 1_764_335_800), &mut d) };
    assert_eq!((st, d.skew_s), (m800_status::M800_ERR_DATE_TOO_OLD, 1000));
    let mut table = signer();
    let p = m800_verify_params {
        signer: null(),
        lookup: lookup_fn(),
        lookup_ctx: (&mut table as *mut m800_signer).cast(),
        ..http(&wire[..len], 1_764_334_800)
    };
    let st = unsafe { m800_verify(&p, null_mut()) };
    assert_eq!(st, m800_status::M800_OK);
}

#[test]
fn push_responses() {
    let body = br#"{"error": {"status": 401, "code": 7, "message": "a\u00e9\n"}}"#;
    let mut r = m800_push_response {
        outcome: m800_push_outcome::M800_PUSH_ACCEPTED,
        request_id: null(),
        request_id_len: 0,
        status: 0,
        code: 0,
        message: null(),
        message_len: 0,
    };
    let st = unsafe { m800_push_response_parse(body.as_ptr(), body.len(), &mut r) };
    assert_eq!(st, m800_status::M800_OK);
    assert_eq!(r.outcome, m800_push_outcome::M800_PUSH_FAILED);
    assert_eq!((r.status, r.code, r.message_len), (401, 7, 9));
    let mut out = [0 as c_char; 16];
    let mut len = 0usize;
    let st =
        unsafe { m800_json_text_unescape(r.message, r.message_len, out.as_mut_ptr(), 4, &mut len) };
    assert_eq!((st, len), (m800_status::M800_ERR_BUFFER_TOO_SMALL, 5));
    let st =
        unsafe { m800_json_text_unescape(r.message, r.message_len, out.as_mut_ptr(), 5, &mut len) };
    assert_eq!(
        (st, text_of(&out, len)),
        (m800_status::M800_OK, "a\u{e9}\n")
    );

    let body = br#"{"requestId":"r-1"}"#;
    let st = unsafe { m800_push_response_parse(body.as_ptr(), body.len(), &mut r) };
    assert_eq!(st, m800_status::M800_OK);
    assert_eq!(r.outcome, m800_push_outcome::M800_PUSH_ACCEPTED);
    assert_eq!(
        (r.request_id, r.request_id_len),
        (body[14..].as_ptr().cast(), 3)
    );
    let st = unsafe { m800_push_response_parse(body.as_ptr(), 5, &mut r) };
    assert_eq!(st, m800_status::M800_ERR_MALFORMED_RESPONSE);

    let body = br#"{"appMessage":{"content":"hi"},"sender":"a@b"}"#;
    let mut p: m800_received_push = unsafe { core::mem::zeroed() };
    let st = unsafe { m800_push_body_parse(body.as_ptr(), body.len(), &mut p) };
    assert_eq!(st, m800_status::M800_OK);
    assert_eq!((p.app_message_len, p.sender_len), (2, 3));
    assert!(p.push_content.is_null());
    let st = unsafe { m800_push_body_parse(body.as_ptr(), 3, &mut p) };
    assert_eq!(st, m800_status::M800_ERR_MALFORMED_PUSH_BODY);
}

#[test]
fn streamed_md5_and_base64() {
    let s = signer();
    let head = m800_request {
        body: null(),
        body_len: 0,
        ..request()
    };
    let md5 = "cb0e8ec5b4ee7678bce015b9755a0156";
    let mut h: m800_signed_headers = unsafe { core::mem::zeroed() };
    let st = unsafe {
        m800_sign_request_md5(
            &s,
            &head,
            md5.as_ptr().cast(),
            md5.len(),
            1_764_334_800,
            NONCE.as_ptr().cast(),
            NONCE.len(),
            &mut h,
        )
    };
    assert_eq!(st, m800_status::M800_OK);
    assert_eq!(
        h.authorization,
        sign(&s, 1_764_334_800, NONCE).1.authorization
    );
    let st = unsafe {
        m800_sign_request_md5(
            &s,
            &request(),
            md5.as_ptr().cast(),
            32,
            0,
            NONCE.as_ptr().cast(),
            1,
            &mut h,
        )
    };
    assert_eq!(st, m800_status::M800_ERR_INVALID_ARGUMENT);
    let verify = |md5: &str| unsafe {
        let (date, auth) = (cstr(&h.x_m_date), cstr(&h.authorization));
        let p = params(|p| {
            (p.signer, p.request) = (&s, &head);
            (p.content_md5, p.content_md5_len) = (md5.as_ptr().cast(), md5.len());
            (p.x_m_date, p.x_m_date_len) = (date.as_ptr().cast(), date.len());
            (p.authorization, p.authorization_len) = (auth.as_ptr().cast(), auth.len());
            p.now = 1_764_334_800;
        });
        m800_verify(&p, null_mut())
    };
    assert_eq!(verify(md5), m800_status::M800_OK);
    assert_eq!(verify(""), m800_status::M800_ERR_SIGNATURE_MISMATCH);
    assert_eq!(verify("CB0E"), m800_status::M800_ERR_INVALID_CONTENT_MD5);

    let mut b64 = signer_by(m800_signer_init_base64);
    let (st, h) = sign(&b64, 1_764_334_800, NONCE);
    assert_eq!(st, m800_status::M800_OK);
    let auth = cstr(&h.authorization);
    let sig = auth.rsplit("signature=\"").next().unwrap();
    assert_eq!(sig.len(), crate::limits::SIGNATURE_BASE64_LEN + 1); // and the quote
    unsafe { m800_signer_wipe(&mut b64) };
}

/// The headers are written straight into the caller's arrays: each value, its
/// NUL, then zeros over whatever the caller's memory held.
#[test]
fn sign_overwrites_the_whole_headers_struct() {
    let s = signer();
    let mut h = m800_signed_headers {
        x_m_date: [0x55; M800_X_M_DATE_SIZE],
        content_md5: [0x55; M800_CONTENT_MD5_SIZE],
        authorization: [0x55; M800_AUTHORIZATION_SIZE],
    };
    let st = unsafe {
        m800_sign_request(
            &s,
            &request(),
            1_764_334_800,
            NONCE.as_ptr().cast(),
            NONCE.len(),
            &mut h,
        )
    };
    assert_eq!(st, m800_status::M800_OK);
    let (clean, zeros) = (sign(&s, 1_764_334_800, NONCE).1, |a: &[c_char]| {
        let nul = a.iter().position(|&c| c == 0).expect("NUL-terminated");
        a[nul..].iter().all(|&c| c == 0)
    });
    assert_eq!(cstr(&h.authorization), cstr(&clean.authorization));
    assert_eq!(cstr(&h.x_m_date), cstr(&clean.x_m_date));
    assert!(zeros(&h.x_m_date) && zeros(&h.content_md5) && zeros(&h.authorization));
}

/// Text that is valid UTF-8 but not ASCII passes the UTF-8 check and is then
/// refused for what it is (here: a key with a non-ASCII character).
#[test]
fn non_ascii_utf8_is_checked_not_mistaken_for_invalid_utf8() {
    let mut s = zeroed_signer();
    let key = "k\u{e9}y";
    let st =
        unsafe { m800_signer_init(&mut s, key.as_ptr().cast(), key.len(), SECRET.as_ptr(), 1) };
    assert_eq!(st, m800_status::M800_ERR_INVALID_KEY);
}

/// Where a raw request ends: the head, then `Content-Length` body bytes; a
/// cut head asks for more; a bad head gets the parser's status; `*length` is
/// written only on success.
#[test]
fn http_request_length_frames_a_request() {
    let length = |raw: &[u8]| {
        let mut n = usize::MAX;
        let st = unsafe { m800_http_request_length(raw.as_ptr(), raw.len(), &mut n) };
        (st, n)
    };
    let head = b"POST /p HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\n";
    assert_eq!(length(head), (m800_status::M800_OK, head.len() + 5));
    let mut two = head.to_vec();
    two.extend_from_slice(b"hello");
    two.extend_from_slice(head);
    assert_eq!(length(&two), (m800_status::M800_OK, head.len() + 5));
    assert_eq!(
        length(&head[..head.len() - 1]),
        (m800_status::M800_ERR_INCOMPLETE_HTTP_REQUEST, usize::MAX)
    );
    assert_eq!(
        length(b"POST /p HTTP/1.1\r\nContent-Length: 5\r\n\r\n"),
        (m800_status::M800_ERR_MISSING_HOST, usize::MAX)
    );
    assert_eq!(
        length(b"POST /p HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"),
        (
            m800_status::M800_ERR_UNSUPPORTED_TRANSFER_ENCODING,
            usize::MAX
        )
    );
    let st = unsafe { m800_http_request_length(null(), 3, &mut 0) };
    assert_eq!(st, m800_status::M800_ERR_NULL_POINTER);
    let st = unsafe { m800_http_request_length(head.as_ptr(), head.len(), null_mut()) };
    assert_eq!(st, m800_status::M800_ERR_NULL_POINTER);
}
