//! The whole verify path on arbitrary request parts: never panics, a forged
//! request never consumes a replay slot, and an accepted one really is signed.
#![no_main]

use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;
use m800_sign::verify::{ReceivedRequest, ReplayCache, ReplaySlot, Verifier};
use m800_sign::{Body, Request, Signer};

#[derive(Arbitrary, Debug)]
struct Input<'a> {
    method: &'a str,
    uri: &'a str,
    content_type: &'a str,
    body: &'a [u8],
    x_m_date: Option<&'a str>,
    authorization: &'a str,
    now: u64,
    window_s: u16,
    /// Sign the parts with the real secret and keep this many header bytes
    /// intact, so the fuzzer also reaches the signature and replay checks.
    sign: bool,
    time: u32,
}

fuzz_target!(|input: Input<'_>| {
    let Ok(signer) = Signer::new("a-demo-key", b"a-demo-secret") else {
        return;
    };
    let request = Request {
        method: input.method,
        uri: input.uri,
        content_type: input.content_type,
        body: Body::Bytes(input.body),
    };
    let signed;
    let (x_m_date, authorization) = if input.sign {
        match signer.sign_request(&request, u64::from(input.time), "fuzz-nonce") {
            Ok(h) => {
                signed = h;
                (Some(signed.x_m_date()), signed.authorization())
            }
            Err(_) => (input.x_m_date, input.authorization),
        }
    } else {
        (input.x_m_date, input.authorization)
    };
    let received = ReceivedRequest {
        request,
        x_m_date,
        authorization,
    };
    let mut cache = ReplayCache::new([ReplaySlot::EMPTY; 4]);
    let verifier = Verifier::new(&signer).with_window(u32::from(input.window_s));
    match verifier.verify(&received, input.now, Some(&mut cache)) {
        Ok(ok) => {
            assert_eq!(ok.key(), "a-demo-key");
            assert_eq!(cache.live_entries(input.now), 1);
            // The same request again is a replay.
            assert_eq!(
                verifier.verify(&received, input.now, Some(&mut cache)),
                Err(m800_sign::Error::ReplayedNonce)
            );
        }
        Err(_) => assert_eq!(
            cache.live_entries(input.now),
            0,
            "a refused request used a slot"
        ),
    }
});
