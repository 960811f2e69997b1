//! The C ABI itself, called as C calls it, against the contract of
//! `include/m800_sign.h`: inputs are exact-size heap copies (ASan sees a read
//! past a length) or NULL when empty; text outputs get a fuzzer-chosen
//! capacity with canary bytes behind it; every outcome must match the Rust
//! API's on the same input (the status its error converts to, the same text
//! or views on success), outputs are written only as documented, and every
//! returned status is a defined, non-internal value.
#![no_main]

use core::ffi::{c_char, c_int, CStr};
use core::mem::{size_of, MaybeUninit};
use core::ptr;
use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;
use m800_sign::ffi::m800_status::{self, *};
use m800_sign::ffi::*;
use m800_sign::http::HttpRequest;
use m800_sign::limits::STRING_TO_SIGN_MAX;
use m800_sign::push::{self, JsonText, Response};
use m800_sign::verify::{ReplayCache, ReplaySlot, ReplayStore, Verifier};
use m800_sign::{
    Body, CanonicalFields, ContentMd5, Encoding, Error, HttpDate, ParsedAuthorization, Request,
    Signer,
};

const KEY: &str = "a-demo-key";
const SECRET: &[u8] = b"a-demo-secret";
/// Bytes behind every text buffer's capacity that no call may touch.
const CANARY: usize = 16;
/// What `*out_len` holds before a call: a failure must leave it so.
const UNSET: usize = 0x5a5a_5a5a;

/// What a C function answers: the text (or parsed value) or a failure.
type Outcome<T> = Result<T, m800_status>;

/// One C entry point and its arguments.
#[derive(Arbitrary, Debug)]
enum Call<'a> {
    Verify(VerifyIn<'a>),
    AuthorizationParse(AuthIn<'a>, u8),
    DateParse(DateIn<'a>),
    JsonTextUnescape(Bytes<'a>, Cap),
    PushBodyParse(PushBodyIn<'a>, u8),
    PushResponseParse(PushResponseIn<'a>, u8),
    StringToSign(FieldsIn<'a>, Cap),
    SignatureHex(SignerChoice, FieldsIn<'a>, Cap),
    SignatureBase64(SignerChoice, FieldsIn<'a>, Cap),
    Md5(Md5In<'a>),
    HttpRequestLength(Bytes<'a>),
}

/// An `Authorization` value: bytes, or one built from its three parameters
/// (so that the accepting path is reached as well).
#[derive(Arbitrary, Debug)]
enum AuthIn<'a> {
    Raw(Bytes<'a>),
    Built {
        key: &'a str,
        nonce: &'a str,
        signature: &'a str,
    },
}

/// An `X-M-Date` value: bytes, or the one `m800_date_format` writes for a
/// time (checked against `HttpDate::from_unix`, and parsed back to it).
#[derive(Arbitrary, Debug)]
enum DateIn<'a> {
    Raw(Bytes<'a>),
    Unix(u64, Cap),
}

/// A push body: bytes, or the one `m800_push_body` writes (checked against
/// `push::write_body`).
#[derive(Arbitrary, Debug)]
enum PushBodyIn<'a> {
    Raw(Bytes<'a>),
    Built {
        app_message: Bytes<'a>,
        /// NULL (empty and `null`): the member is left out.
        push_content: Bytes<'a>,
        sender: Bytes<'a>,
        cap: Cap,
    },
}

/// A push response: bytes, or one of the two shapes with JSON-escaped
/// strings.
#[derive(Arbitrary, Debug)]
enum PushResponseIn<'a> {
    Raw(Bytes<'a>),
    Accepted(&'a str),
    Failed(u16, i64, &'a str),
}

/// A pointer + length input: `null` passes NULL when it is empty.
#[derive(Arbitrary, Debug)]
struct Bytes<'a> {
    data: &'a [u8],
    null: bool,
}

/// A text output's capacity; `null` passes a NULL buffer when it is 0;
/// `fill` is the byte the buffer holds before the call.
#[derive(Arbitrary, Debug)]
struct Cap {
    size: CapSize,
    null: bool,
    fill: u8,
}

#[derive(Arbitrary, Debug)]
enum CapSize {
    Small(u8),
    Large(u16),
}

/// The signer a signature function gets.
#[derive(Arbitrary, Debug, Clone, Copy)]
enum SignerChoice {
    Hex,
    Base64,
    Zeroed,
    Wiped,
    Null,
}

/// The six fields of an `m800_fields`.
#[derive(Arbitrary, Debug)]
struct FieldsIn<'a> {
    method: Bytes<'a>,
    uri: Bytes<'a>,
    content_md5: Bytes<'a>,
    content_type: Bytes<'a>,
    x_m_date: Bytes<'a>,
    nonce: Bytes<'a>,
}

/// A body digested in chunks: each chunk's length (clamped to what is left;
/// NULL when it is 0 and `null`); the rest goes in one last update.
#[derive(Arbitrary, Debug)]
struct Md5In<'a> {
    body: &'a [u8],
    chunks: Vec<(u8, bool)>,
    cap: Cap,
}

#[derive(Arbitrary, Debug)]
struct VerifyIn<'a> {
    request: Http<'a>,
    window_s: u16,
    /// A replay cache with this many slots (mod 5).
    replay_slots: Option<u8>,
    /// Ask for details, the struct filled with this byte first.
    details: Option<u8>,
    base64: bool,
}

#[derive(Arbitrary, Debug)]
enum Http<'a> {
    /// Raw bytes as received, verified at `now`.
    Raw { bytes: Bytes<'a>, now: u64 },
    /// A request signed with `m800_sign_request` and written out as HTTP, so
    /// that the signature, replay and accept paths are reached.
    Signed(SignedIn<'a>),
}

#[derive(Arbitrary, Debug)]
struct SignedIn<'a> {
    method: Part<'a>,
    uri: Part<'a>,
    content_type: Part<'a>,
    body: Bytes<'a>,
    time: u64,
    nonce: Part<'a>,
    /// The verifier's clock minus `time`.
    skew: i16,
    /// XOR one byte of the raw request (index mod its length) with this.
    tamper: Option<(u16, u8)>,
    /// The byte `m800_signed_headers` holds before signing.
    fill: u8,
}

/// A request part: a typical valid value (so that signing succeeds and the
/// verifier's accept path is reached), or the fuzzer's bytes.
#[derive(Arbitrary, Debug)]
enum Part<'a> {
    Typical,
    Bytes(Bytes<'a>),
}

impl Part<'_> {
    fn input(&self, typical: &str) -> CInput {
        match self {
            Part::Typical => CInput::of(typical.as_bytes()),
            Part::Bytes(b) => CInput::new(b),
        }
    }
}

/// An input as C passes it: an exact-size heap copy, or NULL (when empty and
/// asked for).
struct CInput {
    bytes: Box<[u8]>,
    null: bool,
}

impl CInput {
    fn new(b: &Bytes<'_>) -> Self {
        CInput {
            bytes: b.data.into(),
            null: b.null && b.data.is_empty(),
        }
    }

    fn of(data: &[u8]) -> Self {
        CInput {
            bytes: data.into(),
            null: false,
        }
    }

    fn ptr(&self) -> *const u8 {
        if self.null {
            ptr::null()
        } else {
            self.bytes.as_ptr()
        }
    }

    fn chr(&self) -> *const c_char {
        self.ptr().cast()
    }

    fn len(&self) -> usize {
        self.bytes.len()
    }

    /// The text the library reads: invalid UTF-8 is `M800_ERR_INVALID_UTF8`.
    fn text(&self) -> Outcome<&str> {
        core::str::from_utf8(&self.bytes).map_err(|_| M800_ERR_INVALID_UTF8)
    }

    /// An optional text: NULL is absent, anything else (even empty) present.
    fn optional_text(&self) -> Outcome<Option<&str>> {
        match self.null {
            true => Ok(None),
            false => self.text().map(Some),
        }
    }
}

/// The C status for a Rust error.
fn status(e: Error) -> m800_status {
    e.into()
}

/// Every status a function returns is a defined value, never "internal".
fn defined(s: m800_status) -> m800_status {
    let name = m800_status_name(s as c_int);
    // SAFETY: `m800_status_name` returns a static NUL-terminated string.
    let name = unsafe { CStr::from_ptr(name) }.to_bytes();
    assert_ne!(name, b"unknown", "{s:?} is not an m800_status");
    assert_ne!(s, M800_ERR_INTERNAL, "a bug reported as M800_ERR_INTERNAL");
    s
}

/// A call's outcome must equal the Rust API's.
#[track_caller]
fn agree<T: PartialEq + core::fmt::Debug>(c: &Outcome<T>, rust: &Outcome<T>) {
    assert_eq!(c, rust, "the C ABI disagrees with the Rust API");
}

/// A status as an outcome: `M800_OK` or the failure.
fn outcome(s: m800_status) -> Outcome<()> {
    match s {
        M800_OK => Ok(()),
        failure => Err(failure),
    }
}

/// A call that fills `out` returned `s` where the Rust API gave `rust`: the
/// same failure with `out` untouched (`None`), or both succeeded and the
/// struct the call wrote is returned with the Rust value, to be compared.
#[track_caller]
fn written<'o, T, R>(
    s: m800_status,
    rust: Outcome<R>,
    out: &'o OutStruct<T>,
) -> Option<(&'o T, R)> {
    match (s, rust) {
        // SAFETY: M800_OK: the struct was written.
        (M800_OK, Ok(r)) => Some((unsafe { out.get() }, r)),
        (s, Err(e)) if s == e => {
            assert!(out.untouched(), "output written on {s:?}");
            None
        }
        (s, rust) => panic!("C {s:?}, Rust {:?}", rust.map(|_| ())),
    }
}

/// Calls a text-output function with the capacity `cap` asks for and checks
/// the buffer contract: on success NUL-terminated at `*out_len` and nothing
/// behind the NUL touched; on `M800_ERR_BUFFER_TOO_SMALL` only `*out_len`
/// (the size with the NUL) written, and a call with exactly that capacity
/// succeeds; on any other failure nothing written. Returns the text.
fn text_call(
    cap: &Cap,
    mut call: impl FnMut(*mut c_char, usize, *mut usize) -> m800_status,
) -> Outcome<Vec<u8>> {
    let capacity = match cap.size {
        CapSize::Small(n) => usize::from(n),
        CapSize::Large(n) => usize::from(n),
    };
    let mut buf = vec![cap.fill; capacity + CANARY].into_boxed_slice();
    let out = if cap.null && capacity == 0 {
        ptr::null_mut()
    } else {
        buf.as_mut_ptr().cast()
    };
    let mut out_len = UNSET;
    let untouched = |b: &[u8], fill: u8| b.iter().all(|&x| x == fill);
    match defined(call(out, capacity, &mut out_len)) {
        M800_OK => {
            assert!(
                out_len < capacity,
                "length {out_len} >= capacity {capacity}"
            );
            assert_eq!(buf[out_len], 0, "no NUL at *out_len");
            assert!(
                untouched(&buf[out_len + 1..], cap.fill),
                "written past the NUL"
            );
            Ok(buf[..out_len].to_vec())
        }
        M800_ERR_BUFFER_TOO_SMALL => {
            assert!(
                untouched(&buf, cap.fill),
                "buffer written on BUFFER_TOO_SMALL"
            );
            assert!(
                out_len > capacity,
                "needs {out_len} bytes but {capacity} were too few"
            );
            let needed = out_len;
            let fill = !cap.fill;
            let mut exact = vec![fill; needed + CANARY].into_boxed_slice();
            let mut len = UNSET;
            let again = defined(call(exact.as_mut_ptr().cast(), needed, &mut len));
            assert_eq!(
                again, M800_OK,
                "the size asked for ({needed}) was not enough"
            );
            assert_eq!(len + 1, needed, "the size asked for was not the text's + 1");
            assert_eq!(exact[len], 0, "no NUL at *out_len");
            assert!(
                untouched(&exact[needed..], fill),
                "written past the capacity"
            );
            Ok(exact[..len].to_vec())
        }
        failure => {
            assert_eq!(out_len, UNSET, "*out_len written on {failure:?}");
            assert!(untouched(&buf, cap.fill), "buffer written on {failure:?}");
            Err(failure)
        }
    }
}

/// An output struct on the heap, every byte `fill` before the call, so that
/// "not written" can be checked.
struct OutStruct<T> {
    slot: Box<MaybeUninit<T>>,
    fill: u8,
}

impl<T> OutStruct<T> {
    fn new(fill: u8) -> Self {
        let mut slot = Box::new(MaybeUninit::<T>::uninit());
        // SAFETY: the box holds `size_of::<T>()` writable bytes.
        unsafe {
            slot.as_mut_ptr()
                .cast::<u8>()
                .write_bytes(fill, size_of::<T>())
        };
        OutStruct { slot, fill }
    }

    fn ptr(&mut self) -> *mut T {
        self.slot.as_mut_ptr()
    }

    /// Every byte still `fill`. Asked only where the contract says the call
    /// wrote nothing (if it wrote a value after all, its padding may read as
    /// anything, and the check fails as it should).
    fn untouched(&self) -> bool {
        // SAFETY: `new` initialised every byte; the box holds `size_of::<T>()`.
        let bytes =
            unsafe { core::slice::from_raw_parts(self.slot.as_ptr().cast::<u8>(), size_of::<T>()) };
        bytes.iter().all(|&b| b == self.fill)
    }

    /// The value the call wrote.
    ///
    /// # Safety
    /// The call must have written a whole valid `T` (it returned `M800_OK`).
    unsafe fn get(&self) -> &T {
        // SAFETY: as this function's contract.
        unsafe { self.slot.assume_init_ref() }
    }
}

/// The text of a NUL-terminated array (which must hold a NUL).
fn c_text(a: &[c_char]) -> Vec<u8> {
    let bytes: Vec<u8> = a.iter().map(|&c| c as u8).collect();
    let nul = bytes
        .iter()
        .position(|&b| b == 0)
        .expect("no NUL in the array");
    bytes[..nul].to_vec()
}

/// A signer in C memory and the same one in Rust.
struct Signers {
    c: Box<MaybeUninit<m800_signer>>,
    rust: Signer,
}

impl Signers {
    fn new(base64: bool) -> Self {
        let mut c = Box::new(MaybeUninit::<m800_signer>::zeroed());
        let init = if base64 {
            m800_signer_init_base64
        } else {
            m800_signer_init
        };
        // SAFETY: `c` is zeroed signer memory; key and secret are readable.
        let s = unsafe {
            init(
                c.as_mut_ptr(),
                KEY.as_ptr().cast(),
                KEY.len(),
                SECRET.as_ptr(),
                SECRET.len(),
            )
        };
        assert_eq!(defined(s), M800_OK);
        let encoding = if base64 {
            Encoding::Base64
        } else {
            Encoding::Hex
        };
        let rust = Signer::new(KEY, SECRET)
            .expect("demo key")
            .with_encoding(encoding);
        Signers { c, rust }
    }

    fn ptr(&self) -> *const m800_signer {
        self.c.as_ptr()
    }
}

impl Drop for Signers {
    fn drop(&mut self) {
        // SAFETY: an initialised (or already wiped) signer nobody else uses.
        unsafe { m800_signer_wipe(self.c.as_mut_ptr()) };
    }
}

fuzz_target!(|call: Call<'_>| match call {
    Call::Verify(v) => verify(&v),
    Call::AuthorizationParse(header, fill) => authorization_parse(&header, fill),
    Call::DateParse(DateIn::Raw(date)) => {
        let _ = date_parse(&CInput::new(&date));
    }
    Call::DateParse(DateIn::Unix(t, cap)) => date_round_trip(t, &cap),
    Call::JsonTextUnescape(raw, cap) => json_text_unescape(&raw, &cap),
    Call::PushBodyParse(body, fill) => push_body_parse(&body, fill),
    Call::PushResponseParse(body, fill) => push_response_parse(&body, fill),
    Call::StringToSign(f, cap) => string_to_sign(&f, &cap),
    Call::SignatureHex(s, f, cap) => signature(s, &f, &cap, Encoding::Hex),
    Call::SignatureBase64(s, f, cap) => signature(s, &f, &cap, Encoding::Base64),
    Call::Md5(m) => md5(&m),
    Call::HttpRequestLength(raw) => http_request_length(&CInput::new(&raw)),
});

fn authorization_parse(header: &AuthIn<'_>, fill: u8) {
    let input = match header {
        AuthIn::Raw(b) => CInput::new(b),
        AuthIn::Built {
            key,
            nonce,
            signature,
        } => CInput::of(
            format!(r#"MAAIISDK10 key="{key}", nonce="{nonce}", signature="{signature}""#)
                .as_bytes(),
        ),
    };
    let mut out = OutStruct::<m800_authorization>::new(fill);
    // SAFETY: the input is readable for its length; `out` is writable.
    let s = defined(unsafe { m800_authorization_parse(input.chr(), input.len(), out.ptr()) });
    let rust = input
        .text()
        .and_then(|h| ParsedAuthorization::parse(h).map_err(status));
    if let Some((a, p)) = written(s, rust, &out) {
        assert_eq!(c_text(&a.key), p.key().as_bytes());
        assert_eq!(c_text(&a.nonce), p.nonce().as_bytes());
        assert_eq!(c_text(&a.signature), p.signature().as_bytes());
    }
}

/// `m800_http_request_length` on `input`, as `HttpRequest::length`; and the
/// length it gives frames a request `m800_verify`'s parser reads whole:
/// neither cut nor followed by bytes of its own.
fn http_request_length(input: &CInput) {
    let mut out = UNSET;
    // SAFETY: the input is readable for its length; `out` is writable.
    let s = defined(unsafe { m800_http_request_length(input.ptr(), input.len(), &mut out) });
    let c = outcome(s).map(|()| out);
    if s != M800_OK {
        assert_eq!(out, UNSET, "output written on {s:?}");
    }
    agree(&c, &HttpRequest::length(&input.bytes).map_err(status));
    if let Some(whole) = c.ok().and_then(|n| input.bytes.get(..n)) {
        let parsed = HttpRequest::parse(whole).map(|_| ());
        assert!(
            !matches!(
                parsed,
                Err(Error::IncompleteHttpRequest | Error::HttpBodyLengthMismatch)
            ),
            "{parsed:?} for a request of the length given"
        );
    }
}

/// `m800_date_parse` on `input`; its outcome.
fn date_parse(input: &CInput) -> Outcome<u64> {
    let mut out = UNSET as u64;
    // SAFETY: the input is readable for its length; `out` is writable.
    let s = defined(unsafe { m800_date_parse(input.chr(), input.len(), &mut out) });
    let c = outcome(s).map(|()| out);
    if s != M800_OK {
        assert_eq!(out, UNSET as u64, "output written on {s:?}");
    }
    let rust = input
        .text()
        .and_then(|d| HttpDate::parse(d).map(|(_, t)| t).map_err(status));
    agree(&c, &rust);
    c
}

/// `m800_date_format` for `t`, as `HttpDate::from_unix`; what it writes
/// parses back to `t`.
fn date_round_trip(t: u64, cap: &Cap) {
    let c = text_call(cap, |out, cap, out_len| {
        // SAFETY: the buffer contract as in `text_call`.
        unsafe { m800_date_format(t, out, cap, out_len) }
    });
    let rust = HttpDate::from_unix(t).map(|d| d.as_str().as_bytes().to_vec());
    agree(&c, &rust.map_err(status));
    if let Ok(date) = c {
        assert_eq!(date_parse(&CInput::of(&date)), Ok(t));
    }
}

fn json_text_unescape(raw: &Bytes<'_>, cap: &Cap) {
    let input = CInput::new(raw);
    let c = text_call(cap, |out, cap, out_len| {
        // SAFETY: the input is readable for its length, `out` (NULL only with
        // cap 0) writable for `cap` bytes, `out_len` writable.
        unsafe { m800_json_text_unescape(input.chr(), input.len(), out, cap, out_len) }
    });
    let rust = input.text().and_then(|t| {
        let text = JsonText::from_raw(t).map_err(status)?;
        let mut buf = vec![0u8; t.len()];
        text.unescape(&mut buf)
            .map(|u| u.as_bytes().to_vec())
            .map_err(status)
    });
    agree(&c, &rust);
}

/// A view the parser wrote: NULL with 0 for an absent member, else a range
/// inside `input`, the very bytes the Rust parser points at.
fn view(input: &CInput, ptr: *const c_char, len: usize, rust: Option<JsonText<'_>>) {
    let Some(text) = rust else {
        assert!(ptr.is_null() && len == 0, "an absent member is not NULL/0");
        return;
    };
    let (start, end) = (
        input.bytes.as_ptr() as usize,
        input.bytes.as_ptr() as usize + input.len(),
    );
    let at = ptr as usize;
    assert!(
        start <= at && at + len <= end,
        "a view points outside the input"
    );
    assert_eq!((at, len), (text.raw().as_ptr() as usize, text.raw().len()));
}

/// `m800_push_body` on the parts, as `push::write_body`; the body written.
fn push_body(
    app_message: &Bytes<'_>,
    push_content: &Bytes<'_>,
    sender: &Bytes<'_>,
    cap: &Cap,
) -> Outcome<Vec<u8>> {
    let app = CInput::new(app_message);
    let (content, from) = (CInput::new(push_content), CInput::new(sender));
    let c = text_call(cap, |out, cap, out_len| {
        // SAFETY: each input NULL or readable for its length; the buffer
        // contract as in `text_call`.
        unsafe {
            m800_push_body(
                app.chr(),
                app.len(),
                content.chr(),
                content.len(),
                from.chr(),
                from.len(),
                out,
                cap,
                out_len,
            )
        }
    });
    let rust = (|| {
        let (app, content, from) = (app.text()?, content.optional_text()?, from.optional_text()?);
        let needed = match push::write_body(app, content, from, &mut []) {
            Err(Error::BufferTooSmall { needed }) => needed,
            other => other.map_err(status)?.len(),
        };
        let mut buf = vec![0u8; needed];
        let body = push::write_body(app, content, from, &mut buf).map_err(status)?;
        Ok(body.as_bytes().to_vec())
    })();
    agree(&c, &rust);
    c
}

fn push_body_parse(body: &PushBodyIn<'_>, fill: u8) {
    let input = match body {
        PushBodyIn::Raw(b) => CInput::new(b),
        PushBodyIn::Built {
            app_message,
            push_content,
            sender,
            cap,
        } => match push_body(app_message, push_content, sender, cap) {
            Ok(written) => CInput::of(&written),
            Err(_) => return,
        },
    };
    let mut out = OutStruct::<m800_received_push>::new(fill);
    // SAFETY: the input is readable for its length; `out` is writable.
    let s = defined(unsafe { m800_push_body_parse(input.ptr(), input.len(), out.ptr()) });
    let rust = push::parse_body(&input.bytes).map_err(status);
    if let Some((r, p)) = written(s, rust, &out) {
        view(
            &input,
            r.app_message,
            r.app_message_len,
            Some(p.app_message),
        );
        view(&input, r.push_content, r.push_content_len, p.push_content);
        view(&input, r.sender, r.sender_len, p.sender);
    }
}

fn push_response_parse(body: &PushResponseIn<'_>, fill: u8) {
    let json = |s: &str| serde_json::to_string(s).expect("a string");
    let input = match body {
        PushResponseIn::Raw(b) => CInput::new(b),
        PushResponseIn::Accepted(id) => {
            CInput::of(format!(r#"{{"requestId":{}}}"#, json(id)).as_bytes())
        }
        PushResponseIn::Failed(status, code, message) => CInput::of(
            format!(
                r#"{{"error": {{"status": {status}, "code": {code}, "message": {}}}}}"#,
                json(message)
            )
            .as_bytes(),
        ),
    };
    let mut out = OutStruct::<m800_push_response>::new(fill);
    // SAFETY: the input is readable for its length; `out` is writable.
    let s = defined(unsafe { m800_push_response_parse(input.ptr(), input.len(), out.ptr()) });
    let rust = push::parse_response(&input.bytes).map_err(status);
    match written(s, rust, &out) {
        Some((r, Response::Accepted { request_id })) => {
            assert_eq!(r.outcome, m800_push_outcome::M800_PUSH_ACCEPTED);
            assert_eq!((r.status, r.code), (0, 0));
            view(&input, r.request_id, r.request_id_len, Some(request_id));
            view(&input, r.message, r.message_len, None);
        }
        Some((r, Response::Failed(e))) => {
            assert_eq!(r.outcome, m800_push_outcome::M800_PUSH_FAILED);
            assert_eq!((r.status, r.code), (e.status, e.code));
            view(&input, r.request_id, r.request_id_len, None);
            view(&input, r.message, r.message_len, Some(e.message));
        }
        None => {}
    }
}

/// The six inputs of an `m800_fields`, and the struct pointing at them.
struct Fields {
    inputs: [CInput; 6],
}

impl Fields {
    fn new(f: &FieldsIn<'_>) -> Self {
        let parts = [
            &f.method,
            &f.uri,
            &f.content_md5,
            &f.content_type,
            &f.x_m_date,
            &f.nonce,
        ];
        Fields {
            inputs: parts.map(CInput::new),
        }
    }

    fn c(&self) -> m800_fields {
        let [m, u, md5, ct, d, n] = &self.inputs;
        m800_fields {
            method: m.chr(),
            method_len: m.len(),
            uri: u.chr(),
            uri_len: u.len(),
            content_md5: md5.chr(),
            content_md5_len: md5.len(),
            content_type: ct.chr(),
            content_type_len: ct.len(),
            x_m_date: d.chr(),
            x_m_date_len: d.len(),
            nonce: n.chr(),
            nonce_len: n.len(),
        }
    }

    /// The Rust API's fields (UTF-8 checked first, as the C layer does).
    fn rust(&self) -> Outcome<CanonicalFields<'_>> {
        let [m, u, md5, ct, d, n] = &self.inputs;
        let (m, u, md5) = (m.text()?, u.text()?, md5.text()?);
        let (ct, d, n) = (ct.text()?, d.text()?, n.text()?);
        CanonicalFields::new(m, u, md5, ct, d, n).map_err(status)
    }
}

fn string_to_sign(f: &FieldsIn<'_>, cap: &Cap) {
    let fields = Fields::new(f);
    let c_fields = Box::new(fields.c());
    let c = text_call(cap, |out, cap, out_len| {
        // SAFETY: `c_fields` points at inputs readable for their lengths; the
        // buffer contract as in `text_call`.
        unsafe { m800_string_to_sign(&*c_fields, out, cap, out_len) }
    });
    let rust = fields.rust().and_then(|f| {
        let mut buf = vec![0u8; STRING_TO_SIGN_MAX];
        f.write(&mut buf)
            .map(|s| s.as_bytes().to_vec())
            .map_err(status)
    });
    agree(&c, &rust);
}

fn signature(choice: SignerChoice, f: &FieldsIn<'_>, cap: &Cap, encoding: Encoding) {
    let signers = Signers::new(matches!(choice, SignerChoice::Base64));
    let mut blank = Box::new(MaybeUninit::<m800_signer>::zeroed());
    let s: *const m800_signer = match choice {
        SignerChoice::Hex | SignerChoice::Base64 => signers.ptr(),
        SignerChoice::Zeroed => blank.as_ptr(),
        SignerChoice::Wiped => {
            let mut wiped = Signers::new(false);
            // SAFETY: an initialised signer nobody else uses.
            unsafe { m800_signer_wipe(wiped.c.as_mut_ptr()) };
            // Its memory, now wiped, replaces the zeroed one.
            blank = core::mem::replace(&mut wiped.c, Box::new(MaybeUninit::zeroed()));
            blank.as_ptr()
        }
        SignerChoice::Null => ptr::null(),
    };
    let fields = Fields::new(f);
    let c_fields = Box::new(fields.c());
    let function = match encoding {
        Encoding::Hex => m800_signature_hex,
        _ => m800_signature_base64,
    };
    let c = text_call(cap, |out, cap, out_len| {
        // SAFETY: `s` is NULL, zeroed, wiped or initialised; `c_fields` points
        // at inputs readable for their lengths; the buffer as in `text_call`.
        unsafe { function(s, &*c_fields, out, cap, out_len) }
    });
    let rust = match choice {
        SignerChoice::Null => Err(M800_ERR_NULL_POINTER),
        SignerChoice::Zeroed | SignerChoice::Wiped => Err(M800_ERR_NOT_INITIALIZED),
        SignerChoice::Hex | SignerChoice::Base64 => fields.rust().map(|f| {
            let sig = signers.rust.sign_fields(&f).encode(encoding);
            sig.as_str().as_bytes().to_vec()
        }),
    };
    agree(&c, &rust);
    drop(blank);
}

fn md5(m: &Md5In<'_>) {
    let mut ctx = Box::new(MaybeUninit::<m800_md5>::zeroed());
    // SAFETY: `ctx` is writable MD5 context memory.
    assert_eq!(defined(unsafe { m800_md5_init(ctx.as_mut_ptr()) }), M800_OK);
    let mut rest = m.body;
    for &(len, null) in &m.chunks {
        let (chunk, after) = rest.split_at(usize::from(len).min(rest.len()));
        rest = after;
        let input = CInput::new(&Bytes { data: chunk, null });
        // SAFETY: an initialised context; the chunk is readable for its length.
        let s = unsafe { m800_md5_update(ctx.as_mut_ptr(), input.ptr(), input.len()) };
        assert_eq!(defined(s), M800_OK);
    }
    let input = CInput::of(rest);
    // SAFETY: as above.
    let s = unsafe { m800_md5_update(ctx.as_mut_ptr(), input.ptr(), input.len()) };
    assert_eq!(defined(s), M800_OK);
    let final_call = |cap: &Cap, ctx: *mut m800_md5| {
        text_call(cap, |out, cap, out_len| {
            // SAFETY: an initialised (or ended) context; the buffer as in `text_call`.
            unsafe { m800_md5_final(ctx, out, cap, out_len) }
        })
    };
    let c = final_call(&m.cap, ctx.as_mut_ptr());
    agree(&c, &Ok(ContentMd5::of(m.body).as_str().as_bytes().to_vec()));
    // The final call ended the context.
    // SAFETY: an ended context; the input is readable.
    let s = unsafe { m800_md5_update(ctx.as_mut_ptr(), input.ptr(), input.len()) };
    assert_eq!(defined(s), M800_ERR_NOT_INITIALIZED);
    let again = final_call(&m.cap, ctx.as_mut_ptr());
    agree(&again, &Err(M800_ERR_NOT_INITIALIZED));
}

/// `m800_sign_request` on the fuzzer's parts, checked against
/// `Signer::sign_request`; the raw HTTP request of the parts with the signed
/// headers (or without them when signing failed).
fn signed_http(signers: &Signers, r: &SignedIn<'_>) -> Vec<u8> {
    let method = r.method.input("POST");
    let uri = r.uri.input("/api/1.0/push/alice@m800.example");
    let content_type = r.content_type.input("application/json");
    let (body, nonce) = (
        CInput::new(&r.body),
        r.nonce.input("18b1f2a3c4d0123456789abcdef0"),
    );
    let request = Box::new(m800_request {
        method: method.chr(),
        method_len: method.len(),
        uri: uri.chr(),
        uri_len: uri.len(),
        content_type: content_type.chr(),
        content_type_len: content_type.len(),
        body: body.ptr(),
        body_len: body.len(),
    });
    let mut out = OutStruct::<m800_signed_headers>::new(r.fill);
    // SAFETY: an initialised signer; the request's and the nonce's pointers
    // readable for their lengths; `out` writable.
    let s = unsafe {
        m800_sign_request(
            signers.ptr(),
            &*request,
            r.time,
            nonce.chr(),
            nonce.len(),
            out.ptr(),
        )
    };
    let rust = (|| {
        let (m, u, ct) = (method.text()?, uri.text()?, content_type.text()?);
        let request = Request {
            method: m,
            uri: u,
            content_type: ct,
            body: Body::Bytes(&body.bytes),
        };
        let n = nonce.text()?;
        signers
            .rust
            .sign_request(&request, r.time, n)
            .map_err(status)
    })();
    let mut raw = Vec::new();
    raw.extend_from_slice(&method.bytes);
    raw.push(b' ');
    raw.extend_from_slice(&uri.bytes);
    raw.extend_from_slice(b" HTTP/1.1\r\nHost: push.example\r\n");
    if !content_type.bytes.is_empty() {
        raw.extend_from_slice(b"Content-Type: ");
        raw.extend_from_slice(&content_type.bytes);
        raw.extend_from_slice(b"\r\n");
    }
    if !body.bytes.is_empty() {
        raw.extend_from_slice(format!("Content-Length: {}\r\n", body.len()).as_bytes());
    }
    if let Some((c, h)) = written(defined(s), rust, &out) {
        assert_eq!(c_text(&c.x_m_date), h.x_m_date().as_bytes());
        assert_eq!(c_text(&c.content_md5), h.content_md5().as_bytes());
        assert_eq!(c_text(&c.authorization), h.authorization().as_bytes());
        if !h.content_md5().is_empty() {
            raw.extend_from_slice(format!("Content-MD5: {}\r\n", h.content_md5()).as_bytes());
        }
        raw.extend_from_slice(format!("X-M-Date: {}\r\n", h.x_m_date()).as_bytes());
        raw.extend_from_slice(format!("Authorization: {}\r\n", h.authorization()).as_bytes());
    }
    raw.extend_from_slice(b"\r\n");
    raw.extend_from_slice(&body.bytes);
    if let Some((at, xor)) = r.tamper {
        let at = usize::from(at) % raw.len().max(1);
        if let Some(b) = raw.get_mut(at) {
            *b ^= xor;
        }
    }
    raw
}

/// A replay cache in C memory, over exact-size slots.
struct CCache {
    _slots: Box<[MaybeUninit<m800_replay_slot>]>,
    c: Box<MaybeUninit<m800_replay_cache>>,
}

impl CCache {
    fn new(n: usize) -> Self {
        let mut slots: Box<[_]> = (0..n).map(|_| MaybeUninit::uninit()).collect();
        let mut c = Box::new(MaybeUninit::<m800_replay_cache>::uninit());
        // SAFETY: `c` is writable; `slots` holds `n` writable slots that live
        // as long as the cache (both in this struct).
        let s = unsafe { m800_replay_cache_init(c.as_mut_ptr(), slots.as_mut_ptr().cast(), n) };
        assert_eq!(defined(s), M800_OK);
        CCache { _slots: slots, c }
    }
}

fn verify(v: &VerifyIn<'_>) {
    let signers = Signers::new(v.base64);
    let (raw, now) = match &v.request {
        Http::Raw { bytes, now } => (CInput::new(bytes), *now),
        Http::Signed(r) => {
            let now = r.time.saturating_add_signed(i64::from(r.skew));
            (CInput::of(&signed_http(&signers, r)), now)
        }
    };
    let slots = v.replay_slots.map(|n| usize::from(n % 5));
    let mut c_cache = slots.map(CCache::new);
    let mut rust_cache = slots.map(|n| ReplayCache::new(vec![ReplaySlot::EMPTY; n]));
    let mut params = Box::new(MaybeUninit::<m800_verify_params>::uninit());
    // SAFETY: `params` is writable.
    assert_eq!(
        defined(unsafe { m800_verify_params_init(params.as_mut_ptr()) }),
        M800_OK
    );
    // SAFETY: M800_OK: every field was written.
    let params = unsafe { params.assume_init_mut() };
    params.signer = signers.ptr();
    params.http = raw.ptr();
    params.http_len = raw.len();
    params.now = now;
    params.window_s = u32::from(v.window_s);
    params.replay_cache = c_cache
        .as_mut()
        .map_or(ptr::null_mut(), |c| c.c.as_mut_ptr());
    let mut details = v.details.map(OutStruct::<m800_verify_details>::new);
    let details_ptr = details.as_mut().map_or(ptr::null_mut(), |d| d.ptr());
    // SAFETY: the parameters point at an initialised signer, raw bytes
    // readable for `http_len` and an initialised cache used by no one else;
    // `details` is NULL or writable.
    let s = defined(unsafe { m800_verify(&*params, details_ptr) });

    // `http` NULL is no raw request (and no `request` either): a NULL pointer.
    let received = match raw.null {
        true => Err(M800_ERR_NULL_POINTER),
        false => HttpRequest::parse(&raw.bytes)
            .map(|p| p.to_received())
            .map_err(status),
    };
    let verifier = Verifier::new(&signers.rust).with_window(params.window_s);
    let mut run = |received: &m800_sign::verify::ReceivedRequest<'_>| {
        let store = rust_cache.as_mut().map(|c| c as &mut dyn ReplayStore);
        verifier.verify(received, now, store).map(|_| ())
    };
    let rust = received.as_ref().map_err(|&e| e).map(&mut run);
    let flat = |r: &Outcome<Result<(), Error>>| r.and_then(|r| r.map_err(status));
    agree(&outcome(s), &flat(&rust));
    if let Some(d) = &details {
        match (&received, rust) {
            // An argument or HTTP parser error: the details are not written.
            (Err(_), _) | (_, Err(_)) => assert!(d.untouched(), "details written on {s:?}"),
            (Ok(received), Ok(result)) => {
                // SAFETY: a verification ran: the details were written.
                let d = unsafe { d.get() };
                assert_eq!(d.server_time, now, "details: server_time");
                let skew = match result {
                    Err(Error::DateTooOld { skew_s, .. } | Error::DateInFuture { skew_s, .. }) => {
                        skew_s
                    }
                    _ => 0,
                };
                assert_eq!(d.skew_s, skew, "details: skew_s");
                let mut buf = vec![0u8; STRING_TO_SIGN_MAX];
                let expected = match result {
                    Err(Error::SignatureMismatch) => verifier
                        .expected_string_to_sign(received, &mut buf)
                        .map_or(&[][..], str::as_bytes),
                    _ => &[],
                };
                let len = d.expected_string_to_sign_len;
                assert_eq!(c_text(&d.expected_string_to_sign).len(), len);
                assert_eq!(c_text(&d.expected_string_to_sign), expected);
            }
        }
    }
    // The same request again: with a cache, an accepted one is now a replay.
    // SAFETY: as for the first call; no details.
    let again = defined(unsafe { m800_verify(&*params, ptr::null_mut()) });
    let rust = received.as_ref().map_err(|&e| e).map(&mut run);
    agree(&outcome(again), &flat(&rust));
}
