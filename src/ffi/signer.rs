//! The signer in caller-owned memory, and signing.

use super::status::m800_status::{self, *};
use super::{bytes, get, guard, opaque, opaque_init, opaque_wipe, text};
use super::{FfiResult, Opaque, Out, TextOut};
use crate::limits::{AUTHORIZATION_MAX, CONTENT_MD5_LEN, STRING_TO_SIGN_MAX, X_M_DATE_LEN};
use crate::signer::SignedParts;
use crate::{Body, CanonicalFields, ContentMd5, Encoding, Request, SignedHeaders, Signer};
use core::ffi::c_char;
use core::mem::MaybeUninit;

/// A developer key and its precomputed HMAC state (384 bytes, 8-byte aligned), in memory the caller owns
/// (stack, static, or inside another struct: the library never allocates).
///
/// - Set it up with `m800_signer_init`, destroy it with `m800_signer_wipe`
///   (which zeroizes the secret state). Using it before init or after wipe
///   returns `M800_ERR_NOT_INITIALIZED`, but only for memory that was zeroed or
///   wiped: initialise `m800_signer s = {0};` or call `m800_signer_wipe` first.
/// - Once initialised it is read-only: any number of threads may sign and verify
///   with one signer at the same time. Init and wipe need exclusive access.
/// - It holds no pointers: it may be copied with `memcpy` (each copy must be wiped).
/// - The fields are private; their layout may change between versions.
#[repr(C)]
pub struct m800_signer {
    // MaybeUninit: the Rust state inside has padding bytes.
    pub(crate) opaque: [MaybeUninit<u64>; 48],
}

// SAFETY: `#[repr(C)]` words only; `FITS` checks the size.
unsafe impl Opaque for m800_signer {
    type Inner = Signer;
    const MAGIC: u64 = 0x4d38_3030_5349_474e; // "M800SIGN"
}

/// The signer inside an initialised `m800_signer`.
///
/// # Safety
/// A non-NULL `s` must point to an `m800_signer` that is zeroed, wiped or
/// initialised, and not written to during `'a`.
pub(crate) unsafe fn signer<'a>(s: *const m800_signer) -> FfiResult<&'a Signer> {
    // SAFETY: as this function's contract; only read (`Signer: Sync`).
    unsafe { opaque(s) }
}

/// Writes a new signer for `key`/`secret` with `encoding` into `s`.
///
/// # Safety
/// As `m800_signer_init`.
unsafe fn init(
    s: *mut m800_signer,
    key: *const c_char,
    key_len: usize,
    secret: *const u8,
    secret_len: usize,
    encoding: Encoding,
) -> m800_status {
    // SAFETY (all): as this function's contract.
    guard(|| unsafe {
        let signer = Signer::new(text(key, key_len)?, bytes(secret, secret_len)?)?;
        opaque_init(s, signer.with_encoding(encoding))
    })
}

/// Sets up `s` for `key` (the developer key: 1..=`M800_KEY_MAX` bytes of printable
/// ASCII without `"` or `\`) and `secret` (any non-empty bytes). Signatures are
/// lower-case hex. On failure `s` is left as it was. The key and secret are
/// copied: the caller may wipe its own copies afterwards.
///
/// # Safety
/// `s` must be valid for writes of `m800_signer`, with no other thread using it;
/// `key` and `secret` must be readable for their lengths.
#[no_mangle]
pub unsafe extern "C" fn m800_signer_init(
    s: *mut m800_signer,
    key: *const c_char,
    key_len: usize,
    secret: *const u8,
    secret_len: usize,
) -> m800_status {
    // SAFETY: same contract.
    unsafe { init(s, key, key_len, secret, secret_len, Encoding::Hex) }
}

/// As `m800_signer_init`, for a deployment whose signatures are base64 (with
/// padding, 44 characters) instead of hex: `m800_sign_request` and the push
/// functions write base64 signatures, and `m800_verify` expects them.
/// The encoding is fixed at init (the signer is read-only afterwards).
///
/// # Safety
/// As `m800_signer_init`.
#[no_mangle]
pub unsafe extern "C" fn m800_signer_init_base64(
    s: *mut m800_signer,
    key: *const c_char,
    key_len: usize,
    secret: *const u8,
    secret_len: usize,
) -> m800_status {
    // SAFETY: same contract.
    unsafe { init(s, key, key_len, secret, secret_len, Encoding::Base64) }
}

/// Destroys `s`: the key material is zeroized and `s` reads as uninitialised.
/// Safe on NULL and on a signer already wiped (or zeroed).
///
/// # Safety
/// A non-NULL `s` must point to an `m800_signer` that is zeroed, wiped or
/// initialised, with no other thread using it.
#[no_mangle]
pub unsafe extern "C" fn m800_signer_wipe(s: *mut m800_signer) {
    // SAFETY: same contract.
    let _ = guard(|| {
        // SAFETY: same contract.
        unsafe { opaque_wipe(s) };
        Ok(())
    });
}

/// The parts of an HTTP request that are signed. Every pointer may be NULL when
/// its length is 0 (that part is then empty/absent). Text is UTF-8, not
/// NUL-terminated (the lengths count); the library reads it only during the call.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct m800_request {
    /// The HTTP method as sent, e.g. `POST`.
    pub method: *const c_char,
    /// Length of `method` in bytes.
    pub method_len: usize,
    /// The origin-form request target as sent (path and `?query`, percent-encoded).
    pub uri: *const c_char,
    /// Length of `uri` in bytes.
    pub uri_len: usize,
    /// The `Content-Type` value verbatim; empty when there is none.
    pub content_type: *const c_char,
    /// Length of `content_type` in bytes.
    pub content_type_len: usize,
    /// The exact body bytes; empty when there is no body.
    pub body: *const u8,
    /// Length of `body` in bytes.
    pub body_len: usize,
}

/// Size of `m800_signed_headers.x_m_date` (the value and its NUL).
pub const M800_X_M_DATE_SIZE: usize = X_M_DATE_LEN + 1;
/// Size of `m800_signed_headers.content_md5` (the value and its NUL).
pub const M800_CONTENT_MD5_SIZE: usize = CONTENT_MD5_LEN + 1;
/// Size of `m800_signed_headers.authorization` (the longest value and its NUL).
pub const M800_AUTHORIZATION_SIZE: usize = AUTHORIZATION_MAX + 1;
/// Size of a buffer that holds any string to sign and its NUL.
pub const M800_STRING_TO_SIGN_SIZE: usize = STRING_TO_SIGN_MAX + 1;

/// The three header values of a signed request, NUL-terminated.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct m800_signed_headers {
    /// `X-M-Date`.
    pub x_m_date: [c_char; M800_X_M_DATE_SIZE],
    /// `Content-MD5`: empty when the request has no body (then omit the header).
    pub content_md5: [c_char; M800_CONTENT_MD5_SIZE],
    /// `Authorization`.
    pub authorization: [c_char; M800_AUTHORIZATION_SIZE],
}

/// What a request's body is: `req->body` as given ([`body_as_given`]) or,
/// for the entry points that take a `Content-MD5` value instead, that value
/// ([`digested_body`]). A call through a reference, so that the entry points
/// without a digest link none of its parsing.
pub(crate) type BodyArg<'x> = &'x dyn Fn(Body<'_>) -> FfiResult<Body<'_>>;

/// The body as the caller passed it.
pub(crate) fn body_as_given(body: Body<'_>) -> FfiResult<Body<'_>> {
    Ok(body)
}

/// The body of a request digested elsewhere: the `Content-MD5` value at `md5`
/// (empty, or 32 lower-case hex digits as `m800_md5_final` writes them); the
/// request's own `body` must be empty: a body and a digest together are
/// `M800_ERR_INVALID_ARGUMENT`.
///
/// # Safety
/// A non-NULL `md5` must be readable for `len` bytes.
pub(crate) unsafe fn digested_body(
    body: Body<'_>,
    md5: *const c_char,
    len: usize,
) -> FfiResult<Body<'_>> {
    if body != Body::Bytes(&[]) {
        return Err(M800_ERR_INVALID_ARGUMENT);
    }
    // SAFETY: as this function's contract.
    let md5 = unsafe { text(md5, len) }?;
    Ok(Body::Digest(ContentMd5::from_hex(md5)?))
}

/// The request parts of `req` as the Rust API takes them, the body as `body`
/// makes it.
///
/// # Safety
/// A non-NULL `req` must be a valid `m800_request` whose pointers are readable
/// for their lengths during `'a`.
pub(crate) unsafe fn request<'a>(
    req: *const m800_request,
    body: BodyArg<'_>,
) -> FfiResult<Request<'a>> {
    // SAFETY (all): the contract covers `req` and each of its pointers and lengths.
    unsafe {
        let req = get(req)?;
        Ok(Request {
            method: text(req.method, req.method_len)?,
            uri: text(req.uri, req.uri_len)?,
            content_type: text(req.content_type, req.content_type_len)?,
            body: body(Body::Bytes(bytes(req.body, req.body_len)?))?,
        })
    }
}

impl Out<m800_signed_headers> {
    /// Writes the headers of a signature `signer` made, each in place.
    fn put_parts(&self, signer: &Signer, parts: &SignedParts<'_>) -> FfiResult {
        // SAFETY (all three): `&raw mut` of a field of the valid struct.
        self.field(|p| unsafe { &raw mut (*p).x_m_date })?
            .put_text(parts.x_m_date.as_bytes())?;
        self.field(|p| unsafe { &raw mut (*p).content_md5 })?
            .put_text(parts.content_md5.as_bytes())?;
        let authorization = self.field(|p| unsafe { &raw mut (*p).authorization })?;
        let mut written = Ok(());
        authorization.put_with(|buf| {
            parts.write_authorization(signer, buf).unwrap_or_else(|_| {
                written = Err(M800_ERR_INTERNAL);
                0
            })
        });
        written
    }

    /// Writes `h` straight into the caller's arrays (no copy of the struct on
    /// the stack). The three values always fit (sizes from the limits).
    pub(crate) fn put_headers(self, h: &SignedHeaders) -> FfiResult {
        // SAFETY (all three): `&raw mut` of a field of the valid struct.
        self.field(|p| unsafe { &raw mut (*p).x_m_date })?
            .put_text(h.x_m_date().as_bytes())?;
        self.field(|p| unsafe { &raw mut (*p).content_md5 })?
            .put_text(h.content_md5().as_bytes())?;
        self.field(|p| unsafe { &raw mut (*p).authorization })?
            .put_text(h.authorization().as_bytes())
    }
}

/// The one signing path: signs `request` and writes the headers to `out`.
///
/// # Safety
/// As `m800_sign_request_md5`.
unsafe fn sign(
    s: *const m800_signer,
    req: *const m800_request,
    body: BodyArg<'_>,
    unix_time: u64,
    nonce: *const c_char,
    nonce_len: usize,
    out: *mut m800_signed_headers,
) -> m800_status {
    guard(|| {
        // One binding per argument, in the order they are checked: gathered
        // in a tuple, the request was copied twice more (on a Cortex-M, stack
        // and code).
        // SAFETY (all four): as this function's contract.
        let request = unsafe { request(req, body) }?;
        let signer = unsafe { signer(s) }?;
        let nonce = unsafe { text(nonce, nonce_len) }?;
        let out = unsafe { Out::new(out) }?;
        // Straight into the caller's struct: no copy of the headers is staged.
        let mut written = Err(M800_ERR_INTERNAL);
        signer.sign_request_parts(&request, unix_time, nonce, &mut |parts| {
            written = out.put_parts(signer, parts);
            Ok(())
        })?;
        written
    })
}

/// Signs `req` as sent at `unix_time` (seconds since 1970, UTC) with `nonce` and
/// writes the three header values to `*out`. Allocation-free; thread-safe for a
/// shared `s`.
///
/// # Safety
/// `s` as for `m800_signer_wipe` (read-only here); `req` a valid request;
/// `nonce` readable for `nonce_len` bytes; `out` valid for writes.
#[no_mangle]
pub unsafe extern "C" fn m800_sign_request(
    s: *const m800_signer,
    req: *const m800_request,
    unix_time: u64,
    nonce: *const c_char,
    nonce_len: usize,
    out: *mut m800_signed_headers,
) -> m800_status {
    // SAFETY: same contract (no digest).
    unsafe { sign(s, req, &body_as_given, unix_time, nonce, nonce_len, out) }
}

/// As `m800_sign_request`, for a body digested in chunks: `content_md5` is the
/// body's `Content-MD5` value from `m800_md5_final` (32 lower-case hex digits,
/// or empty for no body; anything else is `M800_ERR_INVALID_CONTENT_MD5`), and
/// `req->body` must be empty, `body_len` 0 (else `M800_ERR_INVALID_ARGUMENT`).
/// The result equals `m800_sign_request` over the whole body.
///
/// # Safety
/// As `m800_sign_request`; `content_md5` readable for `content_md5_len` bytes.
#[no_mangle]
pub unsafe extern "C" fn m800_sign_request_md5(
    s: *const m800_signer,
    req: *const m800_request,
    content_md5: *const c_char,
    content_md5_len: usize,
    unix_time: u64,
    nonce: *const c_char,
    nonce_len: usize,
    out: *mut m800_signed_headers,
) -> m800_status {
    // SAFETY: same contract (`content_md5` readable for `content_md5_len` bytes).
    unsafe {
        let body: BodyArg<'_> = &|body| digested_body(body, content_md5, content_md5_len);
        sign(s, req, body, unix_time, nonce, nonce_len, out)
    }
}

/// As `m800_sign_request`, and also writes the string to sign (for comparing
/// with a server's) into `sts[..sts_cap]`, its length into `*sts_len`.
/// `M800_STRING_TO_SIGN_SIZE` bytes always suffice. Nothing is written on failure
/// except `*sts_len` on `M800_ERR_BUFFER_TOO_SMALL`.
///
/// # Safety
/// As `m800_sign_request`; `sts` valid for writes of `sts_cap` bytes, `sts_len`
/// valid for a write.
#[no_mangle]
pub unsafe extern "C" fn m800_sign_request_with_string(
    s: *const m800_signer,
    req: *const m800_request,
    unix_time: u64,
    nonce: *const c_char,
    nonce_len: usize,
    out: *mut m800_signed_headers,
    sts: *mut c_char,
    sts_cap: usize,
    sts_len: *mut usize,
) -> m800_status {
    guard(|| {
        // SAFETY: as this function's contract.
        let (signer, request, nonce, out, sts) = unsafe {
            let request = request(req, &body_as_given)?;
            let sts = TextOut::new(sts, sts_cap, sts_len)?;
            (
                signer(s)?,
                request,
                text(nonce, nonce_len)?,
                Out::new(out)?,
                sts,
            )
        };
        let mut buf = [0u8; STRING_TO_SIGN_MAX];
        let (signed, string) =
            signer.sign_request_with_string(&request, unix_time, nonce, &mut buf)?;
        sts.put(string.as_bytes())?;
        out.put_headers(&signed)
    })
}

/// The six fields of a string to sign, verbatim (for building blocks and
/// diagnostics). Pointers may be NULL when their length is 0.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct m800_fields {
    /// The HTTP method.
    pub method: *const c_char,
    /// Length of `method`.
    pub method_len: usize,
    /// The request URI.
    pub uri: *const c_char,
    /// Length of `uri`.
    pub uri_len: usize,
    /// The `Content-MD5` value: empty or 32 lower-case hex digits.
    pub content_md5: *const c_char,
    /// Length of `content_md5`.
    pub content_md5_len: usize,
    /// The `Content-Type` value.
    pub content_type: *const c_char,
    /// Length of `content_type`.
    pub content_type_len: usize,
    /// The `X-M-Date` value.
    pub x_m_date: *const c_char,
    /// Length of `x_m_date`.
    pub x_m_date_len: usize,
    /// The nonce.
    pub nonce: *const c_char,
    /// Length of `nonce`.
    pub nonce_len: usize,
}

/// # Safety
/// A non-NULL `f` must be valid, its pointers readable for their lengths.
unsafe fn fields<'a>(f: *const m800_fields) -> FfiResult<CanonicalFields<'a>> {
    // SAFETY (all): the contract covers `f` and each of its pointers and lengths.
    unsafe {
        let f = get(f)?;
        Ok(CanonicalFields::new(
            text(f.method, f.method_len)?,
            text(f.uri, f.uri_len)?,
            text(f.content_md5, f.content_md5_len)?,
            text(f.content_type, f.content_type_len)?,
            text(f.x_m_date, f.x_m_date_len)?,
            text(f.nonce, f.nonce_len)?,
        )?)
    }
}

/// Writes the string to sign of `f` (six fields joined by `\n`) into
/// `out[..cap]`, NUL-terminated; `*out_len` = its length (or, on
/// `M800_ERR_BUFFER_TOO_SMALL`, the size needed).
///
/// # Safety
/// `f` valid; `out` valid for writes of `cap` bytes; `out_len` valid for a write.
#[no_mangle]
pub unsafe extern "C" fn m800_string_to_sign(
    f: *const m800_fields,
    out: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> m800_status {
    // SAFETY: as this function's contract.
    guard(|| unsafe {
        let fields = fields(f)?;
        TextOut::new(out, cap, out_len)?.write(|buf| Ok((fields.write(buf)?.len(), ())))
    })
}

/// # Safety
/// As `m800_signature_hex`.
unsafe fn signature(
    s: *const m800_signer,
    f: *const m800_fields,
    encoding: Encoding,
    out: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> m800_status {
    // SAFETY: as the callers' contract.
    guard(|| unsafe {
        let encoded = signer(s)?.sign_fields(&fields(f)?).encode(encoding);
        TextOut::new(out, cap, out_len)?.put(encoded.as_bytes())
    })
}

/// The signature of the string to sign of `f` in lower-case hex (64 characters;
/// `M800_SIGNATURE_HEX_LEN + 1` bytes with the NUL).
///
/// # Safety
/// As `m800_string_to_sign`, and `s` as for `m800_sign_request`.
#[no_mangle]
pub unsafe extern "C" fn m800_signature_hex(
    s: *const m800_signer,
    f: *const m800_fields,
    out: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> m800_status {
    // SAFETY: same contract.
    unsafe { signature(s, f, Encoding::Hex, out, cap, out_len) }
}

/// The signature of the string to sign of `f` in base64 with padding (44
/// characters; `M800_SIGNATURE_BASE64_LEN + 1` bytes with the NUL).
///
/// # Safety
/// As `m800_signature_hex`.
#[no_mangle]
pub unsafe extern "C" fn m800_signature_base64(
    s: *const m800_signer,
    f: *const m800_fields,
    out: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> m800_status {
    // SAFETY: same contract.
    unsafe { signature(s, f, Encoding::Base64, out, cap, out_len) }
}
