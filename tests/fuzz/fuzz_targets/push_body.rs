//! The received push body parser on arbitrary bytes: never panics, and what
//! it accepts is written back by `write_body` as an equivalent body.
#![no_main]

use libfuzzer_sys::fuzz_target;
use m800_sign::push::{parse_body, write_body};
use m800_sign::Error;

fuzz_target!(|data: &[u8]| {
    let parsed = match parse_body(data) {
        Ok(parsed) => parsed,
        Err(e) => {
            assert!(matches!(e, Error::MalformedPushBody | Error::InvalidSender));
            return;
        }
    };
    let mut app = [0u8; 4096];
    let mut push = [0u8; 4096];
    let mut sender = [0u8; 4096];
    let app = parsed.app_message.unescape(&mut app).unwrap();
    let push = parsed.push_content.map(|t| t.unescape(&mut push).unwrap());
    let sender = parsed.sender.map(|t| t.unescape(&mut sender).unwrap());
    let mut out = [0u8; 6 * 4096 + 64];
    let body = write_body(app, push, sender, &mut out).unwrap();
    let again = parse_body(body.as_bytes()).unwrap();
    assert_eq!(again.app_message.to_string(), app);
    assert_eq!(again.push_content.map(|t| t.to_string()).as_deref(), push);
    assert_eq!(again.sender.map(|t| t.to_string()).as_deref(), sender);
});
