//! The three readers of the Authorization header on arbitrary text: the
//! compact (firmware) parser gives the general grammar's answer, each Ok
//! value and each error alike, and the canonical fast path, wherever it
//! answers, the grammar's Ok value. The comparison lives in the library
//! (`authorization::__fuzz`, built only with the `fuzzing` cfg) since the
//! readers are private; the assertion is here.
#![no_main]

use libfuzzer_sys::fuzz_target;
use m800_sign::authorization::__fuzz::disagreement;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Some(d) = disagreement(text) {
        panic!("the Authorization readers disagree: {d:?}");
    }
});
