//! Property tests of the core: round-trips, streaming equivalence, and the
//! verifier's sensitivity to every signed part.

use m800_sign::canonical::{check_content_type, check_method, check_uri};
use m800_sign::limits::{KEY_MAX, NONCE_MAX, UNIX_TIME_MAX};
use m800_sign::verify::{ReceivedRequest, ReplayCache, ReplaySlot, Verifier};
use m800_sign::{
    Authorization, Body, ContentMd5, Encoding, Error, HttpDate, Md5Stream, ParsedAuthorization,
    Request, Signature, Signer,
};
use proptest::prelude::*;

/// Characters a key or nonce may hold: printable ASCII without `"` and `\`.
fn header_safe(max: usize) -> impl Strategy<Value = String> {
    proptest::collection::vec(
        (0x20u8..=0x7e).prop_filter("no quote or backslash", |c| *c != b'"' && *c != b'\\'),
        1..=max,
    )
    .prop_map(|v| String::from_utf8(v).unwrap())
}

/// The `base64` crate's engine: the oracle for the signature's own base64.
fn base64_engine() -> base64::engine::GeneralPurpose {
    base64::engine::general_purpose::STANDARD
}

proptest! {
    #[test]
    fn base64_equals_the_base64_crate(bytes in any::<[u8; 32]>()) {
        use base64::Engine as _;
        let sig = Signature::from_bytes(bytes);
        let encoded = sig.to_base64();
        let text = encoded.as_str();
        let oracle = base64_engine().encode(bytes);
        prop_assert_eq!(text, oracle.as_str());
        prop_assert_eq!(Signature::decode(text, Encoding::Base64), Ok(sig));
    }

    #[test]
    fn base64_decode_agrees_with_the_base64_crate(text in "[A-Za-z0-9+/=]{42,46}|[A-Za-z0-9+/]{43}[=]") {
        use base64::Engine as _;
        let ours = Signature::decode(&text, Encoding::Base64).ok().map(|s| *s.as_bytes());
        let oracle = base64_engine()
            .decode(&text)
            .ok()
            .and_then(|v| <[u8; 32]>::try_from(v).ok())
            .filter(|_| text.len() == 44);
        prop_assert_eq!(ours, oracle);
    }

    #[test]
    fn base64_decode_refuses_any_changed_byte(bytes in any::<[u8; 32]>(), i in 0usize..44, b in any::<u8>()) {
        use base64::Engine as _;
        let mut text = base64_engine().encode(bytes).into_bytes();
        prop_assume!(text[i] != b);
        text[i] = b;
        let text = String::from_utf8_lossy(&text).into_owned();
        let oracle = base64_engine().decode(&text).ok().and_then(|v| <[u8; 32]>::try_from(v).ok());
        let ours = Signature::decode(&text, Encoding::Base64).ok().map(|s| *s.as_bytes());
        prop_assert_eq!(ours, oracle.filter(|_| text.len() == 44));
    }

    #[test]
    fn date_round_trip(t in 0..=UNIX_TIME_MAX) {
        let date = HttpDate::from_unix(t).unwrap();
        let (parsed, back) = HttpDate::parse(date.as_str()).unwrap();
        prop_assert_eq!(back, t);
        prop_assert_eq!(parsed, date);
    }

    #[test]
    fn date_past_range_is_refused(t in (UNIX_TIME_MAX + 1)..=u64::MAX) {
        prop_assert_eq!(HttpDate::from_unix(t), Err(Error::TimeOutOfRange));
    }

    #[test]
    fn date_parser_never_accepts_a_changed_byte(t in 0..=UNIX_TIME_MAX, i in 0usize..29, b in any::<u8>()) {
        let date = HttpDate::from_unix(t).unwrap();
        let mut bytes = date.as_str().as_bytes().to_vec();
        prop_assume!(bytes[i] != b);
        bytes[i] = b;
        if let Ok(text) = std::str::from_utf8(&bytes) {
            // Either refused, or it names another instant (e.g. a changed digit
            // that still makes a valid date with the same weekday).
            match HttpDate::parse(text) {
                Err(e) => prop_assert_eq!(e, Error::InvalidDate),
                Ok((_, other)) => prop_assert_ne!(other, t),
            }
        }
    }

    #[test]
    fn authorization_round_trip(key in header_safe(KEY_MAX), nonce in header_safe(NONCE_MAX), sig in "[0-9a-f]{64}") {
        let header = Authorization::new(&key, &nonce, &sig).unwrap();
        let parsed = ParsedAuthorization::parse(header.as_str()).unwrap();
        prop_assert_eq!(parsed.key(), key.as_str());
        prop_assert_eq!(parsed.nonce(), nonce.as_str());
        prop_assert_eq!(parsed.signature(), sig.as_str());
    }

    /// Quoted-pairs in the values (RFC 7235) change nothing: the escaped
    /// header verifies like the plain one, with the same key and nonce, under
    /// both encodings; one changed signature character is still a mismatch.
    #[test]
    fn escaped_authorization_verifies_like_the_plain_one(
        key in header_safe(KEY_MAX),
        nonce in header_safe(NONCE_MAX),
        mask in any::<u64>(),
        base64 in any::<bool>(),
        flip in any::<prop::sample::Index>(),
    ) {
        let encoding = if base64 { Encoding::Base64 } else { Encoding::Hex };
        let signer = Signer::new(&key, b"s3cret").unwrap().with_encoding(encoding);
        let req = Request { method: "POST", uri: "/cb", content_type: "", body: Body::None };
        let t = 1_764_331_200;
        let h = signer.sign_request(&req, t, &nonce).unwrap();
        let sig = h.signature().encode(encoding);
        // Escape the characters whose bit in `mask` (rotated by `shift`) is set.
        let escape = |v: &str, shift: u32| -> String {
            let mut out = String::new();
            for (i, c) in v.chars().enumerate() {
                if mask.rotate_right(shift.wrapping_add(i as u32) % 64) & 1 == 1 {
                    out.push('\\');
                }
                out.push(c);
            }
            out
        };
        let header = |sig: &str| {
            format!(
                "MAAIISDK10 key=\"{}\", nonce=\"{}\", signature=\"{}\"",
                escape(&key, 0),
                escape(&nonce, 21),
                escape(sig, 42)
            )
        };
        let escaped = header(sig.as_str());
        let received = |authorization| ReceivedRequest {
            request: Request {
                method: "POST",
                uri: "/cb",
                content_type: "",
                body: Body::None,
            },
            x_m_date: Some(h.x_m_date()),
            authorization,
        };
        let verifier = Verifier::new(&signer);
        let parsed = ParsedAuthorization::parse(&escaped).unwrap();
        prop_assert_eq!(parsed, ParsedAuthorization::parse(h.authorization()).unwrap());
        let request = received(escaped.as_str());
        let ok = verifier.verify(&request, t, None).unwrap();
        prop_assert_eq!((ok.key(), ok.nonce(), ok.timestamp()), (key.as_str(), nonce.as_str(), t));

        // One signature character changed (to another of its alphabet).
        let mut forged_sig: Vec<u8> = sig.as_str().bytes().collect();
        let i = flip.index(forged_sig.len() - usize::from(base64));
        forged_sig[i] = if forged_sig[i] == b'a' { b'b' } else { b'a' };
        let forged = header(std::str::from_utf8(&forged_sig).unwrap());
        let request = received(forged.as_str());
        prop_assert_eq!(verifier.verify(&request, t, None), Err(Error::SignatureMismatch));
    }

    /// `Signature::ct_eq`: equal to itself; any one flipped bit, anywhere, is
    /// a difference.
    #[test]
    fn signature_ct_eq_sees_every_bit(bytes in any::<[u8; 32]>(), at in 0usize..32, bit in 0u8..8) {
        let a = m800_sign::Signature::from_bytes(bytes);
        prop_assert!(a.ct_eq(&m800_sign::Signature::from_bytes(bytes)));
        let mut flipped = bytes;
        flipped[at] ^= 1 << bit;
        prop_assert!(!a.ct_eq(&m800_sign::Signature::from_bytes(flipped)));
    }

    #[test]
    fn authorization_parser_never_panics(header in ".{0,300}") {
        let _ = ParsedAuthorization::parse(&header);
    }

    #[test]
    fn streaming_md5_equals_one_shot(body in proptest::collection::vec(any::<u8>(), 0..2000), cuts in proptest::collection::vec(0usize..2000, 0..12)) {
        let mut cuts: Vec<usize> = cuts.into_iter().map(|c| c.min(body.len())).collect();
        cuts.sort_unstable();
        let mut stream = Md5Stream::new();
        let mut start = 0;
        for cut in cuts.into_iter().chain([body.len()]) {
            stream.update(&body[start..cut]);
            start = cut;
        }
        prop_assert_eq!(stream.finish(), ContentMd5::of(&body));
    }

    #[test]
    fn sign_then_verify_accepts_and_any_change_rejects(
        body in proptest::collection::vec(any::<u8>(), 0..300),
        path in "/[a-z0-9/@.]{0,40}",
        nonce in header_safe(NONCE_MAX),
        t in 1_000_000_000u64..4_000_000_000,
        which in 0usize..7,
        pos in any::<prop::sample::Index>(),
        delta in 1u8..=255,
    ) {
        let signer = Signer::new("k", b"s3cret").unwrap();
        let content_type = "application/json";
        let req = Request { method: "POST", uri: &path, content_type, body: Body::Bytes(&body) };
        let h = signer.sign_request(&req, t, &nonce).unwrap();
        let received = ReceivedRequest {
            request: req,
            x_m_date: Some(h.x_m_date()),
            authorization: h.authorization(),
        };
        let verifier = Verifier::new(&signer);
        let mut slots = [ReplaySlot::EMPTY; 4];
        let mut cache = ReplayCache::new(&mut slots[..]);
        prop_assert!(verifier.verify(&received, t, Some(&mut cache)).is_ok());

        // Change one byte of one signed part; the result must be a rejection.
        let header = h.authorization();
        let mut parts: [Vec<u8>; 6] = [
            b"POST".to_vec(),
            path.as_bytes().to_vec(),
            content_type.as_bytes().to_vec(),
            body.clone(),
            h.x_m_date().as_bytes().to_vec(),
            header.as_bytes().to_vec(),
        ];
        // Which part, and which byte range of it, the change lands in.
        let (part, range) = match which {
            5 => (5, header.find("nonce=\"").unwrap() + 7..header.find("nonce=\"").unwrap() + 7 + nonce.len()),
            6 => (5, header.find("signature=\"").unwrap() + 11..header.find("signature=\"").unwrap() + 75),
            p => (p, 0..parts[p].len()),
        };
        let target = &mut parts[part];
        if range.is_empty() {
            target.push(delta);
        } else {
            let i = range.start + pos.index(range.len());
            target[i] = target[i].wrapping_add(delta);
        }
        // Text that stops being UTF-8 never reaches the verifier as `&str`.
        let text = |b: &[u8]| std::str::from_utf8(b).map(str::to_owned);
        let (Ok(m), Ok(u), Ok(c), Ok(d), Ok(a)) =
            (text(&parts[0]), text(&parts[1]), text(&parts[2]), text(&parts[4]), text(&parts[5]))
        else {
            return Ok(());
        };
        let changed = ReceivedRequest {
            request: Request {
                method: &m,
                uri: &u,
                content_type: &c,
                body: Body::Bytes(&parts[3]),
            },
            x_m_date: Some(&d),
            authorization: &a,
        };
        let mut fresh_slots = [ReplaySlot::EMPTY; 4];
        let mut fresh = ReplayCache::new(&mut fresh_slots[..]);
        let got = verifier.verify(&changed, t, Some(&mut fresh));
        prop_assert!(got.is_err(), "change {} accepted", which);
        let err = got.unwrap_err();
        // A changed field that no string to sign may hold is that field's own
        // error; any other change is a mismatch.
        let own = |check: Result<(), Error>| check.err().unwrap_or(Error::SignatureMismatch);
        match which {
            0 => prop_assert_eq!(err, own(check_method(&m))),
            1 => prop_assert_eq!(err, own(check_uri(&u))),
            2 => prop_assert_eq!(err, own(check_content_type(&c))),
            // A changed date is either unreadable or moves out of / within the window;
            // inside the window it must fail the signature.
            4 => prop_assert!(matches!(err, Error::InvalidDate | Error::DateTooOld { .. } | Error::DateInFuture { .. } | Error::SignatureMismatch), "{:?}", err),
            // A changed nonce byte may break the header grammar, or give a
            // nonce no string to sign may hold.
            5 => prop_assert!(matches!(err, Error::SignatureMismatch | Error::InvalidNonce | Error::MalformedAuthorization | Error::UnsupportedScheme), "{:?}", err),
            // A changed signature byte may break the header grammar.
            6 => prop_assert!(matches!(err, Error::SignatureMismatch | Error::MalformedAuthorization | Error::UnsupportedScheme), "{:?}", err),
            _ => prop_assert_eq!(err, Error::SignatureMismatch),
        }
        // A forged request never consumed a replay slot.
        prop_assert_eq!(fresh.live_entries(t), 0);
    }
}

fn demo() -> Signer {
    Signer::new("a-demo-key", b"a-demo-secret").unwrap()
}

fn sign(req: Request<'_>, t: u64, nonce: &str) -> Result<m800_sign::SignedHeaders, Error> {
    demo().sign_request(&req, t, nonce)
}

const OK: Request<'static> = Request {
    method: "POST",
    uri: "/api/1.0/push/alice@m800.com",
    content_type: "application/json",
    body: Body::Bytes(b"{}"),
};

#[test]
fn every_limit_has_its_own_error() {
    let long_key = "k".repeat(KEY_MAX + 1);
    assert!(Signer::new(&"k".repeat(KEY_MAX), b"s").is_ok());
    assert_eq!(Signer::new(&long_key, b"s").unwrap_err(), Error::KeyTooLong);
    assert_eq!(Signer::new("", b"s").unwrap_err(), Error::EmptyKey);
    for bad in [
        "a\"b",
        "a\\b",
        "a\rb",
        "a\nb",
        "a\u{1}b",
        "caf\u{e9}",
        "a\u{7f}",
    ] {
        assert_eq!(
            Signer::new(bad, b"s").unwrap_err(),
            Error::InvalidKey,
            "{bad:?}"
        );
    }
    assert_eq!(Signer::new("k", b"").unwrap_err(), Error::EmptySecret);

    assert!(sign(OK, 0, &"n".repeat(NONCE_MAX)).is_ok());
    assert_eq!(
        sign(OK, 0, &"n".repeat(NONCE_MAX + 1)).unwrap_err(),
        Error::NonceTooLong
    );
    assert_eq!(sign(OK, 0, "").unwrap_err(), Error::EmptyNonce);
    for bad in ["a\"b", "a\\b", "a\rb", "a\nb", "a\tb", "\u{e9}"] {
        assert_eq!(
            sign(OK, 0, bad).unwrap_err(),
            Error::InvalidNonce,
            "{bad:?}"
        );
    }

    fn m(method: &str) -> Request<'_> {
        Request { method, ..OK }
    }
    assert!(sign(m(&"M".repeat(32)), 0, "n").is_ok());
    assert_eq!(
        sign(m(&"M".repeat(33)), 0, "n").unwrap_err(),
        Error::MethodTooLong
    );
    assert_eq!(sign(m(""), 0, "n").unwrap_err(), Error::EmptyMethod);
    for bad in ["PO ST", "GET\r\n", "P(ST", "P\u{e9}"] {
        assert_eq!(
            sign(m(bad), 0, "n").unwrap_err(),
            Error::InvalidMethod,
            "{bad:?}"
        );
    }

    fn u(uri: &str) -> Request<'_> {
        Request { uri, ..OK }
    }
    let max_uri = format!("/{}", "a".repeat(2047));
    assert!(sign(u(&max_uri), 0, "n").is_ok());
    assert_eq!(
        sign(u(&format!("{max_uri}a")), 0, "n").unwrap_err(),
        Error::UriTooLong
    );
    for bad in [
        "",
        "api",
        "http://host/a",
        "*",
        "/a b",
        "/a#frag",
        "/a\r\n",
        "/caf\u{e9}",
    ] {
        assert_eq!(
            sign(u(bad), 0, "n").unwrap_err(),
            Error::InvalidUri,
            "{bad:?}"
        );
    }

    fn c(content_type: &str) -> Request<'_> {
        Request { content_type, ..OK }
    }
    let max_ct = "t".repeat(256);
    assert!(sign(c(&max_ct), 0, "n").is_ok());
    assert_eq!(
        sign(c(&format!("{max_ct}t")), 0, "n").unwrap_err(),
        Error::ContentTypeTooLong
    );
    for bad in ["a\rb", "a\nb", "a\u{0}", "\u{e9}"] {
        assert_eq!(
            sign(c(bad), 0, "n").unwrap_err(),
            Error::InvalidContentType,
            "{bad:?}"
        );
    }

    assert!(sign(OK, UNIX_TIME_MAX, "n").is_ok());
    assert_eq!(
        sign(OK, UNIX_TIME_MAX + 1, "n").unwrap_err(),
        Error::TimeOutOfRange
    );

    // The string to sign never truncates: a short buffer reports the size needed.
    let mut small = [0u8; 10];
    let needed = "POST\n/api/1.0/push/alice@m800.com\n99914b932bd37a50b983c5e7c90ae93b\napplication/json\nThu, 01 Jan 1970 00:00:00 GMT\nn".len();
    assert_eq!(
        demo()
            .sign_request_with_string(&OK, 0, "n", &mut small)
            .unwrap_err(),
        Error::BufferTooSmall { needed }
    );
    let mut exact = vec![0u8; needed];
    assert!(demo()
        .sign_request_with_string(&OK, 0, "n", &mut exact)
        .is_ok());
}

#[test]
fn error_text_names_the_limits_and_never_the_input() {
    use m800_sign::limits::*;
    assert!(Error::KeyTooLong.to_string().contains(&KEY_MAX.to_string()));
    assert!(Error::NonceTooLong
        .to_string()
        .contains(&NONCE_MAX.to_string()));
    assert!(Error::MethodTooLong
        .to_string()
        .contains(&METHOD_MAX.to_string()));
    assert!(Error::UriTooLong.to_string().contains(&URI_MAX.to_string()));
    assert!(Error::ContentTypeTooLong
        .to_string()
        .contains(&CONTENT_TYPE_MAX.to_string()));
    let signer = Signer::new("a-demo-key", b"top-secret-value").unwrap();
    let debug = format!("{signer:?}");
    assert!(
        debug.contains("a-demo-key") && !debug.contains("top-secret"),
        "{debug}"
    );
}

#[test]
fn replay_cache_fails_closed_and_reuses_expired_slots() {
    use m800_sign::verify::{Freshness, ReplayStore};
    let mut cache = ReplayCache::new([ReplaySlot::EMPTY; 2]);
    let t = 1_764_331_200;
    assert_eq!(
        cache.check_and_record("k", "a", t + 300, t),
        Freshness::Fresh
    );
    assert_eq!(
        cache.check_and_record("k", "b", t + 300, t),
        Freshness::Fresh
    );
    // Full: a third fresh nonce is refused, and the two recorded stay replays.
    assert_eq!(
        cache.check_and_record("k", "c", t + 300, t),
        Freshness::Full
    );
    assert_eq!(
        cache.check_and_record("k", "a", t + 300, t + 300),
        Freshness::Replay
    );
    // The same nonce under another key is another pair.
    assert_eq!(
        cache.check_and_record("k2", "a", t + 300, t),
        Freshness::Full
    );
    // Once the entries are older than the window, their slots are reused.
    assert_eq!(
        cache.check_and_record("k", "c", t + 601, t + 301),
        Freshness::Fresh
    );
    assert_eq!(cache.live_entries(t + 301), 1);
}

#[test]
fn a_full_store_refuses_even_valid_requests() {
    let signer = demo();
    let mut cache = ReplayCache::new([ReplaySlot::EMPTY; 1]);
    let verifier = Verifier::new(&signer);
    let t = 1_764_331_200;
    for (i, nonce) in ["n1", "n2"].into_iter().enumerate() {
        let h = signer.sign_request(&OK, t, nonce).unwrap();
        let r = ReceivedRequest {
            request: OK,
            x_m_date: Some(h.x_m_date()),
            authorization: h.authorization(),
        };
        let got = verifier.verify(&r, t, Some(&mut cache));
        if i == 0 {
            assert!(got.is_ok());
        } else {
            assert_eq!(got.unwrap_err(), Error::ReplayStoreFull);
        }
    }
}

mod against_reference {
    //! The HMAC built on SHA-256 midstates (src/hmac.rs) against the `hmac`
    //! crate, for every key length class (short, one block, hashed) and message
    //! lengths around the padding boundaries.
    use hmac::{KeyInit, Mac};
    use proptest::prelude::*;

    fn reference(secret: &[u8], message: &[u8]) -> [u8; 32] {
        let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret).unwrap();
        mac.update(message);
        mac.finalize().into_bytes().into()
    }

    proptest! {
        #[test]
        fn sign_bytes_equals_the_hmac_crate(
            secret in proptest::collection::vec(any::<u8>(), 1..200),
            message in proptest::collection::vec(any::<u8>(), 0..300),
        ) {
            let signer = m800_sign::Signer::new("k", &secret).unwrap();
            let ours = *signer.sign_bytes(&message).as_bytes();
            prop_assert_eq!(ours, reference(&secret, &message));
        }
    }

    #[test]
    fn every_length_around_the_block_boundaries() {
        for secret_len in [1, 31, 32, 63, 64, 65, 127, 128, 129] {
            let secret: Vec<u8> = (0..secret_len).map(|i| i as u8 ^ 0xa5).collect();
            let signer = m800_sign::Signer::new("k", &secret).unwrap();
            for len in 0..=200 {
                let message: Vec<u8> = (0..len).map(|i| (i * 7) as u8).collect();
                assert_eq!(
                    signer.sign_bytes(&message).as_bytes(),
                    &reference(&secret, &message),
                    "{secret_len}/{len}"
                );
            }
        }
    }

    #[test]
    fn rfc4231_case_2() {
        let signer = m800_sign::Signer::new("k", b"Jefe").unwrap();
        assert_eq!(
            signer
                .sign_bytes(b"what do ya want for nothing?")
                .to_hex()
                .as_str(),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }
}

#[test]
fn signer_is_send_and_sync_and_shares_across_threads() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Signer>();
    let signer = demo();
    let expected = signer.sign_request(&OK, 1_764_331_200, "n").unwrap();
    std::thread::scope(|s| {
        for _ in 0..4 {
            s.spawn(|| {
                for _ in 0..100 {
                    assert_eq!(
                        signer.sign_request(&OK, 1_764_331_200, "n").unwrap(),
                        expected
                    );
                }
            });
        }
    });
}

#[test]
fn sign_request_into_writes_in_place_and_resets_on_error() {
    let signer = demo();
    let mut out = m800_sign::SignedHeaders::EMPTY;
    assert_eq!(
        (out.x_m_date(), out.content_md5(), out.authorization()),
        ("", "", "")
    );
    signer
        .sign_request_into(&OK, 1_764_331_200, "n", &mut out)
        .unwrap();
    assert_eq!(out, signer.sign_request(&OK, 1_764_331_200, "n").unwrap());
    let bad = Request {
        uri: "no-slash",
        ..OK
    };
    assert_eq!(
        signer.sign_request_into(&bad, 1_764_331_200, "n", &mut out),
        Err(Error::InvalidUri)
    );
    assert_eq!(out, m800_sign::SignedHeaders::EMPTY);
}

/// A received field that no string to sign may hold is that field's own error,
/// even under a signature computed over exactly those bytes: an operator can
/// tell a client that sends a bad nonce from one with the wrong secret.
#[test]
fn received_fields_no_string_to_sign_may_hold_are_their_own_errors() {
    let signer = Signer::new("k", b"s3cret").unwrap();
    let date = "Fri, 28 Nov 2025 12:00:00 GMT";
    let t = HttpDate::parse(date).unwrap().1;
    let verify = |method: &str, uri: &str, nonce: &str| {
        // The MAC over the raw bytes, as a signer that checks nothing would send it.
        let message = format!("{method}\n{uri}\n\n\n{date}\n{nonce}");
        let signature = signer.sign_bytes(message.as_bytes()).to_hex();
        let authorization = format!(
            "MAAIISDK10 key=\"k\", nonce=\"{nonce}\", signature=\"{}\"",
            signature.as_str()
        );
        let request = Request {
            method,
            uri,
            content_type: "",
            body: Body::None,
        };
        Verifier::new(&signer)
            .verify(
                &ReceivedRequest::new(request, Some(date), &authorization),
                t,
                None,
            )
            .map(|ok| ok.nonce().to_owned())
    };
    assert_eq!(verify("POST", "/cb", "n-1"), Ok("n-1".to_owned()));
    assert_eq!(verify("POST", "/cb", "a\tb"), Err(Error::InvalidNonce));
    assert_eq!(verify("POST", "/cb#frag", "n-1"), Err(Error::InvalidUri));
    assert_eq!(verify("PO(ST", "/cb", "n-1"), Err(Error::InvalidMethod));
}
