//! The push response parser on arbitrary bytes: never panics, and every
//! string it accepts decodes, within the size it reports.
#![no_main]

use libfuzzer_sys::fuzz_target;
use m800_sign::push::{parse_response, JsonText, Response};
use m800_sign::Error;

fn check(text: JsonText<'_>) {
    let raw = text.raw();
    // Decoding never makes text longer.
    let mut buf = [0u8; 4096];
    let room = buf.len().min(raw.len());
    let decoded = text.unescape(&mut buf[..room]).map(str::len);
    assert!(decoded.is_ok(), "{decoded:?}");
    if let Some(plain) = text.as_plain() {
        assert_eq!(text.unescape(&mut buf).ok(), Some(plain));
    }
    if let Ok(len) = decoded {
        if len > 0 {
            assert_eq!(
                text.unescape(&mut buf[..len - 1]),
                Err(Error::BufferTooSmall { needed: len })
            );
        }
    }
}

fuzz_target!(|data: &[u8]| {
    match parse_response(data) {
        Ok(Response::Accepted { request_id }) => check(request_id),
        Ok(Response::Failed(e)) => {
            assert!((100..=599).contains(&e.status));
            check(e.message);
        }
        Err(e) => assert_eq!(e, Error::MalformedResponse),
    }
});
