//! Every vector of `tests/data/m800-vectors.json` (a copy of the shared file):
//! sections signature, request, http_date, http_date_invalid,
//! authorization_parse and verify.

use m800_sign::verify::{ReceivedRequest, ReplayCache, ReplaySlot, ReplayStore, Verifier};
use m800_sign::{
    Body, CanonicalFields, Encoding, Error, HttpDate, ParsedAuthorization, Request, Signer,
};
use serde_json::Value;

fn vectors() -> Value {
    serde_json::from_str(include_str!("data/m800-vectors.json")).expect("vector file is JSON")
}

fn s<'a>(v: &'a Value, k: &str) -> &'a str {
    v[k].as_str()
        .unwrap_or_else(|| panic!("{k} is a string in {v}"))
}

#[test]
fn signature_vectors() {
    let all = vectors();
    let list = all["signature"].as_array().unwrap();
    assert_eq!(list.len(), 6);
    for v in list {
        let fields = CanonicalFields::new(
            s(v, "method"),
            s(v, "uri"),
            s(v, "content_md5"),
            s(v, "content_type"),
            s(v, "x_m_date"),
            s(v, "nonce"),
        )
        .unwrap();
        let mut buf = [0u8; m800_sign::limits::STRING_TO_SIGN_MAX];
        assert_eq!(
            fields.write(&mut buf).unwrap(),
            s(v, "string_to_sign"),
            "{}",
            s(v, "name")
        );
        assert_eq!(fields.len(), s(v, "string_to_sign").len());
        let signer = Signer::new("any-key", s(v, "secret").as_bytes()).unwrap();
        let sig = signer.sign_fields(&fields);
        assert_eq!(
            sig.to_hex().as_str(),
            s(v, "signature_hex"),
            "{}",
            s(v, "name")
        );
        assert_eq!(
            sig.to_base64().as_str(),
            s(v, "signature_base64"),
            "{}",
            s(v, "name")
        );
        // The raw-bytes path agrees with the field-fed path.
        assert_eq!(signer.sign_bytes(s(v, "string_to_sign").as_bytes()), sig);
        // Both encodings decode back.
        assert_eq!(
            m800_sign::Signature::decode(s(v, "signature_hex"), Encoding::Hex).unwrap(),
            sig
        );
        assert_eq!(
            m800_sign::Signature::decode(s(v, "signature_base64"), Encoding::Base64).unwrap(),
            sig
        );
    }
}

#[test]
fn published_vector_byte_for_byte() {
    let signer = Signer::new("a-demo-key", b"a-demo-secret").unwrap();
    let fields = CanonicalFields::new(
        "POST",
        "/api/1.0/debug/echo",
        "2aa2f9b90fea8843a78e434dff26f6b6",
        "application/json",
        "Thu, 12 Sep 2013 18:49:58 GMT",
        "123456789",
    )
    .unwrap();
    assert_eq!(
        signer.sign_fields(&fields).to_hex().as_str(),
        "d11ede54e2ffa83d58a42d90c3a39132f928a46b729c4b0621ad1c854dff618f"
    );
}

#[test]
fn request_vectors() {
    let all = vectors();
    let list = all["request"].as_array().unwrap();
    assert_eq!(list.len(), 8);
    for v in list {
        let e = &v["expect"];
        let signer = Signer::new(s(v, "key"), s(v, "secret").as_bytes()).unwrap();
        let body = s(v, "body").as_bytes();
        let request = Request {
            method: s(v, "method"),
            uri: s(v, "uri"),
            content_type: s(v, "content_type"),
            body: Body::Bytes(body),
        };
        let time = v["unix_time"].as_u64().unwrap();
        let mut sts = [0u8; m800_sign::limits::STRING_TO_SIGN_MAX];
        let (h, string) = signer
            .sign_request_with_string(&request, time, s(v, "nonce"), &mut sts)
            .unwrap();
        let name = s(v, "name");
        assert_eq!(h.x_m_date(), s(e, "x_m_date"), "{name}");
        assert_eq!(h.content_md5(), s(e, "content_md5"), "{name}");
        assert_eq!(string, s(e, "string_to_sign"), "{name}");
        assert_eq!(h.signature().to_hex().as_str(), s(e, "signature"), "{name}");
        assert_eq!(h.authorization(), s(e, "authorization"), "{name}");
        assert_eq!(
            signer.sign_request(&request, time, s(v, "nonce")).unwrap(),
            h
        );
        // The same body through the streaming MD5, in 7-byte chunks.
        let mut md5 = m800_sign::Md5Stream::new();
        body.chunks(7).for_each(|c| md5.update(c));
        let streamed = Request {
            body: Body::Digest(md5.finish()),
            ..request
        };
        assert_eq!(
            signer.sign_request(&streamed, time, s(v, "nonce")).unwrap(),
            h,
            "{name}"
        );
    }
}

#[test]
fn http_date_vectors() {
    let all = vectors();
    for v in all["http_date"].as_array().unwrap() {
        let t = v["unix_time"].as_u64().unwrap();
        let text = s(v, "text");
        assert_eq!(HttpDate::from_unix(t).unwrap().as_str(), text);
        let (date, parsed) = HttpDate::parse(text).unwrap();
        assert_eq!(parsed, t, "{text}");
        assert_eq!(date.as_str(), text);
    }
    for v in all["http_date_invalid"].as_array().unwrap() {
        let text = v.as_str().unwrap();
        assert_eq!(HttpDate::parse(text), Err(Error::InvalidDate), "{text:?}");
    }
}

fn reason_error(reason: &str) -> Error {
    match reason {
        "scheme" => Error::UnsupportedScheme,
        "malformed" => Error::MalformedAuthorization,
        "missing" => Error::MissingAuthParam,
        "duplicate" => Error::DuplicateAuthParam,
        other => panic!("unknown reason {other}"),
    }
}

#[test]
fn authorization_parse_vectors() {
    let all = vectors();
    let list = all["authorization_parse"].as_array().unwrap();
    assert_eq!(list.len(), 20);
    for v in list {
        let header = s(v, "header");
        let got = ParsedAuthorization::parse(header);
        if v["ok"].as_bool().unwrap() {
            let p = got.unwrap_or_else(|e| panic!("{header:?}: {e}"));
            assert_eq!(p.key(), s(v, "key"), "{header:?}");
            assert_eq!(p.nonce(), s(v, "nonce"), "{header:?}");
            assert_eq!(p.signature(), s(v, "signature"), "{header:?}");
        } else {
            assert_eq!(got, Err(reason_error(s(v, "reason"))), "{header:?}");
        }
    }
}

/// Maps a vector's `expect` to the error it names (`None` for ok).
fn expect_error(expect: &str, now: u64, date: Option<&str>) -> Option<Error> {
    let skew = || {
        let (_, t) = HttpDate::parse(date.unwrap()).unwrap();
        t.abs_diff(now)
    };
    Some(match expect {
        "ok" => return None,
        "stale" => Error::DateTooOld {
            server_time: now,
            skew_s: skew(),
        },
        "future" => Error::DateInFuture {
            server_time: now,
            skew_s: skew(),
        },
        "bad_signature" => Error::SignatureMismatch,
        "replay" => Error::ReplayedNonce,
        "unknown_key" => Error::UnknownKey,
        "missing_date" => Error::MissingDate,
        "bad_date" => Error::InvalidDate,
        "header_missing" => Error::MissingAuthParam,
        "header_scheme" => Error::UnsupportedScheme,
        other => panic!("unknown expect {other}"),
    })
}

#[test]
fn verify_vectors() {
    let all = vectors();
    let list = all["verify"].as_array().unwrap();
    assert_eq!(list.len(), 16);
    for v in list {
        let name = s(v, "name");
        let signer = Signer::new(s(v, "key"), s(v, "secret").as_bytes()).unwrap();
        let now = v["now"].as_u64().unwrap();
        let window = u32::try_from(v["window_s"].as_u64().unwrap()).unwrap();
        let x_m_date = v["x_m_date"].as_str();
        let request = ReceivedRequest {
            request: Request {
                method: s(v, "method"),
                uri: s(v, "uri"),
                content_type: s(v, "content_type"),
                body: Body::Bytes(s(v, "body").as_bytes()),
            },
            x_m_date,
            authorization: s(v, "authorization"),
        };
        let mut cache = ReplayCache::new([ReplaySlot::EMPTY; 8]);
        for seen in v["seen_nonces"].as_array().unwrap() {
            let date = HttpDate::parse(x_m_date.unwrap()).unwrap().1;
            cache.check_and_record(
                s(v, "key"),
                seen.as_str().unwrap(),
                date + u64::from(window),
                now,
            );
        }
        let verifier = Verifier::new(&signer).with_window(window);
        let got = verifier.verify(&request, now, Some(&mut cache));
        match expect_error(s(v, "expect"), now, x_m_date) {
            None => {
                let ok = got.unwrap_or_else(|e| panic!("{name}: {e}"));
                assert_eq!(ok.key(), s(v, "key"));
            }
            Some(err) => assert_eq!(got.unwrap_err(), err, "{name}"),
        }
    }
}
