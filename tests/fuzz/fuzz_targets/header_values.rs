//! The header-value readers on arbitrary text, each against an oracle written
//! independently of the library: `Signature::decode` (lower-case hex by hand,
//! base64 by the `base64` crate's canonical STANDARD engine), and every
//! signature read writes back to the same text; `ContentMd5::from_hex`; the
//! nonce checks, with the specific error for each failure.
#![no_main]

use base64::Engine as _;
use libfuzzer_sys::fuzz_target;
use m800_sign::limits::NONCE_MAX;
use m800_sign::{nonce, ContentMd5, Encoding, Error, Nonce, Signature};

/// Lower-case hex only: upper case is another string on the wire.
fn lower_hex(text: &str) -> Option<Vec<u8>> {
    fn digit(c: u8) -> Option<u8> {
        "0123456789abcdef"
            .bytes()
            .position(|d| d == c)
            .map(|v| v as u8)
    }
    let bytes = text.as_bytes();
    if !bytes.len().is_multiple_of(2) {
        return None;
    }
    bytes
        .chunks(2)
        .map(|pair| Some(digit(pair[0])? << 4 | digit(pair[1])?))
        .collect()
}

fn signature(text: &str) {
    // STANDARD: padding required, the unused bits of the last character zero.
    let b64 = base64::engine::general_purpose::STANDARD.decode(text).ok();
    for (encoding, oracle) in [(Encoding::Hex, lower_hex(text)), (Encoding::Base64, b64)] {
        let oracle = oracle.filter(|b| b.len() == 32);
        match (Signature::decode(text, encoding), oracle) {
            (Ok(sig), Some(bytes)) => {
                assert_eq!(&sig.as_bytes()[..], &bytes[..]);
                assert_eq!(sig.encode(encoding).as_str(), text);
                let named = match encoding {
                    Encoding::Hex => sig.to_hex(),
                    Encoding::Base64 => sig.to_base64(),
                };
                assert_eq!(named.as_str(), text);
            }
            (Err(e), None) => assert_eq!(e, Error::InvalidSignatureEncoding),
            (got, oracle) => {
                panic!("{encoding:?} {text:?}: decode gave {got:?}, oracle {oracle:?}")
            }
        }
    }
}

fn content_md5(text: &str) {
    let valid = text.is_empty() || lower_hex(text).is_some_and(|b| b.len() == 16);
    match ContentMd5::from_hex(text) {
        Ok(md5) => {
            assert!(valid, "{text:?} accepted");
            assert_eq!(md5.as_str(), text);
            assert_eq!(md5.is_present(), !text.is_empty());
            if text.is_empty() {
                assert_eq!(md5, ContentMd5::NONE);
            }
        }
        Err(e) => {
            assert!(!valid, "{text:?} refused");
            assert_eq!(e, Error::InvalidContentMd5);
        }
    }
}

fn nonces(text: &str) {
    // Length first, then characters: printable ASCII without `"` or `\`.
    let chars = if text.len() > NONCE_MAX {
        Err(Error::NonceTooLong)
    } else if text
        .bytes()
        .all(|c| (b' '..=b'~').contains(&c) && c != b'"' && c != b'\\')
    {
        Ok(())
    } else {
        Err(Error::InvalidNonce)
    };
    let header = if text.is_empty() {
        Err(Error::EmptyNonce)
    } else {
        chars
    };
    assert_eq!(nonce::check_chars(text), chars, "{text:?}");
    assert_eq!(nonce::check(text), header, "{text:?}");
    match Nonce::new(text) {
        Ok(n) => {
            assert_eq!(header, Ok(()), "{text:?}");
            assert_eq!(n.as_str(), text);
        }
        Err(e) => assert_eq!(Err(e), header, "{text:?}"),
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    signature(text);
    content_md5(text);
    nonces(text);
});
