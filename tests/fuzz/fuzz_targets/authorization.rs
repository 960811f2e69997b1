//! The Authorization parser on arbitrary text: never panics; what it accepts
//! round-trips through the formatter when the values are formattable.
#![no_main]

use libfuzzer_sys::fuzz_target;
use m800_sign::{Authorization, Error, ParsedAuthorization};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match ParsedAuthorization::parse(text) {
        Ok(p) => {
            assert!(!p.key().is_empty() && !p.nonce().is_empty() && !p.signature().is_empty());
            if let Ok(header) = Authorization::new(p.key(), p.nonce(), p.signature()) {
                let again =
                    ParsedAuthorization::parse(header.as_str()).expect("formatted header parses");
                assert_eq!(again, p);
            }
        }
        Err(e) => assert!(matches!(
            e,
            Error::MalformedAuthorization
                | Error::UnsupportedScheme
                | Error::MissingAuthParam
                | Error::DuplicateAuthParam
                | Error::KeyTooLong
                | Error::NonceTooLong
        )),
    }
});
