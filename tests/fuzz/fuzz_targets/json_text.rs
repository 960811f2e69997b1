//! `JsonText` (what `m800_json_text_unescape` runs on any caller text)
//! against serde_json: the raw text between the quotes is accepted exactly
//! when serde_json reads `"` + raw + `"` as a JSON string, and decodes to the
//! same string, within the size it reports. The escaper writes each decoded
//! string as serde_json does (PROTOCOL.md section 1 asks for the same form).
#![no_main]

use libfuzzer_sys::fuzz_target;
use m800_sign::push::{JsonString, JsonText};
use m800_sign::Error;

fuzz_target!(|data: &[u8]| {
    let Ok(raw) = std::str::from_utf8(data) else {
        return;
    };
    let oracle = serde_json::from_str::<String>(&format!("\"{raw}\"")).ok();
    let (text, expected) = match (JsonText::from_raw(raw), oracle) {
        (Ok(text), Some(expected)) => (text, expected),
        (Err(e), None) => {
            assert_eq!(e, Error::MalformedResponse);
            return;
        }
        (got, oracle) => panic!("{raw:?}: from_raw gave {got:?}, serde_json {oracle:?}"),
    };
    assert_eq!(text.raw(), raw);
    // The whole decoded text fits a buffer of the raw text's size (the C
    // function promises `raw_len + 1` with the NUL), and exactly its own size.
    let mut buf = vec![0u8; raw.len()];
    assert_eq!(text.unescape(&mut buf), Ok(expected.as_str()));
    let len = expected.len();
    assert_eq!(text.unescape(&mut buf[..len]), Ok(expected.as_str()));
    if len > 0 {
        assert_eq!(
            text.unescape(&mut buf[..len - 1]),
            Err(Error::BufferTooSmall { needed: len })
        );
    }
    assert_eq!(text.to_string(), expected);
    // No escape: the raw text is the text.
    assert_eq!(text.as_plain(), (!raw.contains('\\')).then_some(raw));
    if let Some(plain) = text.as_plain() {
        assert_eq!(plain, expected);
    }
    // Escaping the decoded text again: serde_json's form, and it reads back.
    let escaped = JsonString(&expected).to_string();
    assert_eq!(escaped, serde_json::to_string(&expected).expect("a string"));
    let inner = &escaped[1..escaped.len() - 1];
    assert_eq!(
        JsonText::from_raw(inner).map(|t| t.to_string()),
        Ok(expected)
    );
});
