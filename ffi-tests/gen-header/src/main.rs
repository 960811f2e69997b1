//! Writes `include/m800_sign.h` (the C header) with cbindgen, on request only:
//! `make -C ffi-tests header` rewrites the checked-in copy, and
//! `ffi-tests/check-header.sh` (run by CI) writes a fresh copy to a temporary
//! file and fails when the checked-in one differs. The library has no build
//! script: no Rust dependant compiles cbindgen, and no build writes into the
//! source tree.
//!
//! Usage: `cargo run --locked --manifest-path ffi-tests/gen-header/Cargo.toml -- OUT`

use std::env;
use std::fmt::Write as _;
use std::fs;
use std::path::Path;
use std::process::ExitCode;

/// The size limits, from the one table in the library.
#[allow(dead_code)]
#[path = "../../../src/limits.rs"]
mod limits;

fn main() -> ExitCode {
    let mut args = env::args_os().skip(1);
    let (Some(out), None) = (args.next(), args.next()) else {
        eprintln!("usage: gen-header OUT (the header to write, e.g. include/m800_sign.h)");
        return ExitCode::from(2);
    };
    // The repository root: this crate lives in ffi-tests/gen-header.
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let header = generate(&dir);
    let out = Path::new(&out);
    if let Err(e) = fs::write(out, header) {
        eprintln!("gen-header: cannot write {}: {e}", out.display());
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

fn generate(dir: &Path) -> String {
    let mut config = cbindgen::Config::from_file(dir.join("ffi-tests/cbindgen.toml"))
        .expect("read ffi-tests/cbindgen.toml");
    config.header = Some(PREAMBLE.trim_end().to_owned());
    config.after_includes = Some(defines());
    config.trailer = Some(TRAILER.trim_end().to_owned());
    let mut out = Vec::new();
    cbindgen::Builder::new()
        .with_config(config)
        .with_src(dir.join("src/ffi/mod.rs"))
        // The status enum: the one failure table, literal for cbindgen.
        .with_src(dir.join("src/error.rs"))
        .generate()
        .expect("cbindgen parses src/ffi")
        .write(&mut out);
    String::from_utf8(out).expect("cbindgen writes UTF-8")
}

/// `#define`s for every limit, and the buffer sizes (limit + NUL) of the structs.
fn defines() -> String {
    use limits::*;
    let mut s =
        String::from("\n/* Limits, from src/limits.rs (lengths in bytes, without a NUL). */\n");
    for (name, value) in [
        ("KEY_MAX", KEY_MAX),
        ("NONCE_MAX", NONCE_MAX),
        ("METHOD_MAX", METHOD_MAX),
        ("URI_MAX", URI_MAX),
        ("CONTENT_TYPE_MAX", CONTENT_TYPE_MAX),
        ("X_M_DATE_LEN", X_M_DATE_LEN),
        ("CONTENT_MD5_LEN", CONTENT_MD5_LEN),
        ("SIGNATURE_HEX_LEN", SIGNATURE_HEX_LEN),
        ("SIGNATURE_BASE64_LEN", SIGNATURE_BASE64_LEN),
        ("SIGNATURE_MAX", SIGNATURE_MAX),
        ("AUTHORIZATION_MAX", AUTHORIZATION_MAX),
        ("STRING_TO_SIGN_MAX", STRING_TO_SIGN_MAX),
    ] {
        writeln!(s, "#define M800_{name} {value}").expect("write to a String");
    }
    s.push_str("\n/* Buffer sizes: the longest value and its NUL. */\n");
    for (name, value) in [
        ("X_M_DATE_SIZE", X_M_DATE_LEN + 1),
        ("CONTENT_MD5_SIZE", CONTENT_MD5_LEN + 1),
        ("AUTHORIZATION_SIZE", AUTHORIZATION_MAX + 1),
        ("STRING_TO_SIGN_SIZE", STRING_TO_SIGN_MAX + 1),
        ("KEY_SIZE", KEY_MAX + 1),
        ("NONCE_SIZE", NONCE_MAX + 1),
        ("SIGNATURE_SIZE", SIGNATURE_MAX + 1),
    ] {
        writeln!(s, "#define M800_{name} {value}").expect("write to a String");
    }
    writeln!(s, "#define M800_UNIX_TIME_MAX UINT64_C({UNIX_TIME_MAX})").expect("write to a String");
    s
}

const PREAMBLE: &str = r#"
/*
 * m800_sign.h: C API of m800-sign, the request signer and verifier for the
 * M800 ("maaii") Push Notification API (scheme MAAIISDK10).
 * Needs C99 or later, or C++11 or later (it uses // comments, <stdint.h> and
 * trailing commas in enums); self-contained: include it first or alone.
 *
 * Conventions (every function):
 *  - Every fallible function returns m800_status: M800_OK (0) or one failure.
 *    m800_status_str() describes any value.
 *  - Inputs are pointer + length (text is UTF-8 and need not be NUL-terminated);
 *    a NULL pointer with length 0 is an empty input; any other NULL is
 *    M800_ERR_NULL_POINTER.
 *  - Outputs are written only on success. Text outputs take a buffer and its
 *    capacity plus `size_t *out_len`: on success the text is NUL-terminated and
 *    *out_len is its length without the NUL; on M800_ERR_BUFFER_TOO_SMALL only
 *    *out_len is written, with the size needed INCLUDING the NUL (so a call with
 *    a NULL buffer and capacity 0 asks for the size). Output buffers must not
 *    overlap inputs.
 *  - Nothing allocates: signers, MD5 contexts and replay caches live in memory
 *    the caller owns (stack, static, or inside its own structs). The library
 *    keeps no pointer to an input after a call returns.
 *  - No panic crosses the boundary: with the default (std) build a bug is
 *    reported as M800_ERR_INTERNAL; the no_std build is panic-free by lint.
 *
 * Threading:
 *  - An initialised m800_signer is read-only: any number of threads may sign and
 *    verify with it at once. m800_signer_init / m800_signer_wipe need exclusive
 *    access (no thread may use the signer meanwhile).
 *  - An m800_md5 context and an m800_replay_cache (with its slots) belong to one
 *    thread at a time: serialise calls that share one.
 *  - All other functions are reentrant; static strings are never freed.
 */

#ifndef M800_SIGN_H
#define M800_SIGN_H
"#;

/// The declarations that take a status *from* C: written by hand so that the
/// header shows `m800_status` while Rust reads a plain `int` (a value C invents
/// must never become a Rust enum). `src/ffi/status.rs` defines them; ffi-tests
/// compile and call every one.
const TRAILER: &str = r#"
#ifdef __cplusplus
extern "C" {
#endif

/* A static, NUL-terminated English description of `status`; never NULL, also
 * for values that are not an m800_status. Thread-safe; never free it. */
const char *m800_status_str(m800_status status);

/* A static, NUL-terminated machine-readable name of `status`, e.g.
 * "signature_mismatch"; "unknown" for other values. Never NULL. */
const char *m800_status_name(m800_status status);

#ifdef __cplusplus
}  /* extern "C" */
#endif

/* Sets up *params for m800_verify, passing the size of m800_verify_params as
 * this header defines it: the library (this one or a later one with fields
 * appended) writes exactly the caller's struct. The function of the same name
 * stays exported for callers that cannot use a macro (ctypes): it writes the
 * struct with replay_store and no more. (m800_verify_params_init)(params)
 * calls it from C. */
#define m800_verify_params_init(params) \
  m800_verify_params_init_sized((params), sizeof(m800_verify_params))

#endif  /* M800_SIGN_H */
"#;
