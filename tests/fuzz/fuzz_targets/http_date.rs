//! The X-M-Date parser on arbitrary text: never panics, and every date it
//! accepts formats back to exactly the same text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use m800_sign::{Error, HttpDate};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match HttpDate::parse(text) {
        Ok((date, unix)) => {
            assert_eq!(date.as_str(), text);
            assert_eq!(HttpDate::from_unix(unix).expect("in range").as_str(), text);
        }
        Err(e) => assert_eq!(e, Error::InvalidDate),
    }
});
