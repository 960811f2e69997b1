//! The raw HTTP/1.1 request parser: accepted shapes, every error, the hand-off
//! to the verifier, and property tests (round trip, never panics).

use m800_sign::http::HttpRequest;
use m800_sign::verify::{ReplayCache, ReplaySlot, Verifier};
use m800_sign::{Body, Error, Request, Signer};
use proptest::prelude::*;

fn parse(raw: &[u8]) -> Result<HttpRequest<'_>, Error> {
    HttpRequest::parse(raw)
}

fn err(raw: &str) -> Error {
    parse(raw.as_bytes()).expect_err(raw)
}

#[test]
fn minimal_get() {
    let r = parse(b"GET / HTTP/1.1\r\nHost: h\r\n\r\n").unwrap();
    assert_eq!(
        (r.method(), r.target(), r.version()),
        ("GET", "/", "HTTP/1.1")
    );
    assert_eq!(r.body(), b"");
    assert_eq!(r.headers().collect::<Vec<_>>(), [("Host", "h")]);
    assert_eq!(r.header("x-m-date"), None);
    let rx = r.to_received();
    assert_eq!(rx.request.content_type, "");
    assert_eq!(rx.x_m_date, None);
    assert_eq!(rx.authorization, "");
    assert_eq!(rx.request.body, Body::Bytes(b""));
    // No Authorization header: the verifier calls it malformed.
    let signer = Signer::new("k", b"s").unwrap();
    assert_eq!(
        Verifier::new(&signer).verify(&rx, 0, None).unwrap_err(),
        Error::MalformedAuthorization
    );
}

#[test]
fn headers_case_insensitive_and_trimmed() {
    let raw = b"POST /a?b=c HTTP/1.0\r\n\
        HOST: h\r\n\
        x-m-date:\t Fri, 28 Nov 2025 12:00:00 GMT \t\r\n\
        Content-Type:application/json; charset=utf-8\r\n\
        X-Empty:\r\n\
        X-Multi: 1\r\n\
        x-multi: 2\r\n\
        Content-Length: 0003\r\n\
        \r\n\
        a\r\n";
    let r = parse(raw).unwrap();
    assert_eq!(r.version(), "HTTP/1.0");
    assert_eq!(r.target(), "/a?b=c");
    assert_eq!(r.header("Host"), Some("h"));
    assert_eq!(r.header("X-M-DATE"), Some("Fri, 28 Nov 2025 12:00:00 GMT"));
    assert_eq!(
        r.header("content-type"),
        Some("application/json; charset=utf-8")
    );
    assert_eq!(r.header("x-empty"), Some(""));
    assert_eq!(r.header("x-multi"), Some("1"));
    assert_eq!(r.body(), b"a\r\n");
    let names: Vec<&str> = r.headers().map(|(n, _)| n).collect();
    assert_eq!(
        names,
        [
            "HOST",
            "x-m-date",
            "Content-Type",
            "X-Empty",
            "X-Multi",
            "x-multi",
            "Content-Length"
        ]
    );
    // UTF-8 in a value is kept.
    let r = parse("GET / HTTP/1.1\r\nHost: h\r\nX-Name: 老王\r\n\r\n".as_bytes()).unwrap();
    assert_eq!(r.header("x-name"), Some("老王"));
}

#[test]
fn request_line_errors() {
    for raw in [
        "\r\n\r\n",
        "GET\r\n\r\n",
        "GET /\r\n\r\n",
        "GET  / HTTP/1.1\r\n\r\n",
        "GET / HTTP/1.1 \r\n\r\n",
        " GET / HTTP/1.1\r\n\r\n",
        "GET / HTTP/1.1 x\r\n\r\n",
        "G(T / HTTP/1.1\r\n\r\n",
        "GET /a\tb HTTP/1.1\r\n\r\n",
        "GET /é HTTP/1.1\r\n\r\n",
        "GET / http/1.1\r\n\r\n",
        "GET / HTTP/11\r\n\r\n",
        "GET / HTTP/1.1.1\r\n\r\n",
    ] {
        assert_eq!(err(raw), Error::MalformedHttpRequestLine, "{raw:?}");
    }
    assert_eq!(
        parse(b"GET /\xff HTTP/1.1\r\n\r\n"),
        Err(Error::MalformedHttpRequestLine)
    );
    for raw in [
        "GET / HTTP/2.0\r\n\r\n",
        "GET / HTTP/0.9\r\n\r\n",
        "GET / HTTP/1.2\r\n\r\n",
    ] {
        assert_eq!(err(raw), Error::UnsupportedHttpVersion, "{raw:?}");
    }
}

#[test]
fn line_break_errors() {
    for raw in [
        "GET / HTTP/1.1\n\n",
        "GET / HTTP/1.1\r\nHost: h\n\r\n",
        "GET / HTTP/1.1\r\nHost: h\r\n\n",
        "GET / HTTP/1.1\rHost: h\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: a\rb\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: h\r\n\rx",
    ] {
        assert_eq!(err(raw), Error::HttpBareLineBreak, "{raw:?}");
    }
}

#[test]
fn incomplete() {
    for raw in [
        "",
        "GET",
        "GET / HTTP/1.1",
        "GET / HTTP/1.1\r",
        "GET / HTTP/1.1\r\n",
        "GET / HTTP/1.1\r\nHost: h\r\n",
        "GET / HTTP/1.1\r\nHost: h\r\n\r",
        "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nabcd",
    ] {
        assert_eq!(err(raw), Error::IncompleteHttpRequest, "{raw:?}");
    }
}

#[test]
fn header_errors() {
    for raw in [
        "GET / HTTP/1.1\r\nHost h\r\n\r\n",
        "GET / HTTP/1.1\r\n: v\r\n\r\n",
        "GET / HTTP/1.1\r\nHost : h\r\n\r\n",
        "GET / HTTP/1.1\r\nHo st: h\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: a\u{0}b\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: a\u{7f}b\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: a\u{1b}b\r\n\r\n",
        "GET / HTTP/1.1\r\nNäme: v\r\n\r\n",
    ] {
        assert_eq!(err(raw), Error::MalformedHttpHeader, "{raw:?}");
    }
    assert_eq!(
        parse(b"GET / HTTP/1.1\r\nX: \xff\xfe\r\n\r\n"),
        Err(Error::MalformedHttpHeader)
    );
    for raw in [
        "GET / HTTP/1.1\r\nX-A: 1\r\n  continued\r\n\r\n",
        "GET / HTTP/1.1\r\nX-A: 1\r\n\tcontinued\r\n\r\n",
        "GET / HTTP/1.1\r\n Host: h\r\n\r\n",
    ] {
        assert_eq!(err(raw), Error::HttpObsFold, "{raw:?}");
    }
}

#[test]
fn duplicate_headers() {
    for name in [
        "Host",
        "Content-Type",
        "content-length",
        "X-M-Date",
        "authorization",
    ] {
        let raw = format!(
            "POST / HTTP/1.1\r\n{name}: 0\r\nX-Other: 1\r\n{}: 0\r\n\r\n",
            name.to_uppercase()
        );
        assert_eq!(err(&raw), Error::DuplicateHttpHeader, "{name}");
    }
    assert_eq!(
        err("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n"),
        Error::UnsupportedTransferEncoding
    );
}

#[test]
fn transfer_encoding_and_lengths() {
    for te in ["chunked", "identity", "gzip, chunked"] {
        let raw = format!("POST / HTTP/1.1\r\nTransfer-Encoding: {te}\r\n\r\n0\r\n\r\n");
        assert_eq!(err(&raw), Error::UnsupportedTransferEncoding, "{te}");
    }
    let raw = "POST / HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\nabc";
    assert_eq!(err(raw), Error::UnsupportedTransferEncoding);
    for cl in [
        "",
        "-1",
        "+1",
        "1 2",
        "3, 3",
        "0x3",
        "3a",
        "99999999999999999999999",
        // Fits a usize, but the request with its head would not.
        &usize::MAX.to_string(),
    ] {
        let raw = format!("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: {cl}\r\n\r\nabc");
        assert_eq!(err(&raw), Error::InvalidContentLength, "{cl:?}");
        let length = HttpRequest::length(raw.as_bytes());
        assert_eq!(length, Err(Error::InvalidContentLength), "{cl:?}");
    }
    assert_eq!(
        err("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\nabc"),
        Error::HttpBodyLengthMismatch
    );
    assert_eq!(
        err("POST / HTTP/1.1\r\nHost: h\r\n\r\nabc"),
        Error::HttpBodyLengthMismatch
    );
    assert_eq!(
        err("GET / HTTP/1.1\r\nHost: h\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n"),
        Error::HttpBodyLengthMismatch
    );
    let r = parse(b"POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n").unwrap();
    assert_eq!(r.body(), b"");
}

/// A request signed by the library, then parsed and verified end to end;
/// a changed body byte in the raw bytes is then a signature mismatch.
#[test]
fn parsed_request_verifies() {
    let signer = Signer::new("a-demo-key", b"a-demo-secret").unwrap();
    let body = br#"{"requestId":"r-1","status":"delivered"}"#;
    let request = Request {
        method: "POST",
        uri: "/callback/delivery?x=1",
        content_type: "application/json",
        body: Body::Bytes(body),
    };
    let headers = signer
        .sign_request(&request, 1764331200, "cb-0001")
        .unwrap();
    let raw = format!(
        "POST /callback/delivery?x=1 HTTP/1.1\r\nHost: dev.example\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\
         X-M-Date: {}\r\nAuthorization:   {}  \r\n\r\n{}",
        body.len(),
        headers.x_m_date(),
        headers.authorization(),
        std::str::from_utf8(body).unwrap()
    );
    let parsed = parse(raw.as_bytes()).unwrap();
    let mut replay = ReplayCache::new([ReplaySlot::EMPTY; 4]);
    let verifier = Verifier::new(&signer);
    assert!(verifier
        .verify(&parsed.to_received(), 1764331200, Some(&mut replay))
        .is_ok());
    assert_eq!(
        verifier
            .verify(&parsed.to_received(), 1764331200, Some(&mut replay))
            .unwrap_err(),
        Error::ReplayedNonce
    );
    let mut tampered = raw.into_bytes();
    let last = tampered.len() - 3;
    tampered[last] ^= 1;
    let parsed = parse(&tampered).unwrap();
    assert_eq!(
        verifier
            .verify(&parsed.to_received(), 1764331200, None)
            .unwrap_err(),
        Error::SignatureMismatch
    );
    // Without X-M-Date the verifier says so.
    let raw = "POST / HTTP/1.1\r\nHost: h\r\nAuthorization: MAAIISDK10 key=\"a-demo-key\", nonce=\"n\", signature=\"00\"\r\n\r\n";
    let parsed = parse(raw.as_bytes()).unwrap();
    assert_eq!(
        verifier.verify(&parsed.to_received(), 0, None).unwrap_err(),
        Error::MissingDate
    );
}

fn token() -> impl Strategy<Value = String> {
    "[A-Za-z0-9!#$%&'*+.^_`|~-]{1,12}"
}

proptest! {
    #[test]
    fn round_trip(
        method in token(),
        target in "/[!-~]{0,40}",
        headers in proptest::collection::vec(
            (token().prop_filter("not special", |n| {
                !["host", "content-type", "content-length", "transfer-encoding", "x-m-date", "authorization"]
                    .iter().any(|s| s.eq_ignore_ascii_case(n))
            }), "[!-~]([ !-~\t]{0,20}[!-~])?|", "[ \t]{0,2}", "[ \t]{0,2}"),
            0..8,
        ),
        body in proptest::collection::vec(any::<u8>(), 0..64),
        with_length in any::<bool>(),
    ) {
        let mut raw = format!("{method} {target} HTTP/1.1\r\n").into_bytes();
        for (name, value, lead, trail) in &headers {
            raw.extend_from_slice(format!("{name}:{lead}{value}{trail}\r\n").as_bytes());
        }
        raw.extend_from_slice(b"Host: h\r\n");
        let with_length = with_length || !body.is_empty();
        if with_length {
            raw.extend_from_slice(format!("Content-Length: {}\r\n", body.len()).as_bytes());
        }
        raw.extend_from_slice(b"\r\n");
        raw.extend_from_slice(&body);
        let r = HttpRequest::parse(&raw).unwrap();
        prop_assert_eq!(r.method(), method.as_str());
        prop_assert_eq!(r.target(), target.as_str());
        prop_assert_eq!(r.body(), body.as_slice());
        let got: Vec<(&str, &str)> = r.headers().collect();
        prop_assert_eq!(got.len(), headers.len() + 1 + usize::from(with_length));
        for ((name, value, _, _), (n, v)) in headers.iter().zip(&got) {
            prop_assert_eq!(name.as_str(), *n);
            prop_assert_eq!(value.as_str(), *v);
        }
        if let Some((name, value, _, _)) = headers.first() {
            let first = headers.iter().find(|(n, _, _, _)| n.eq_ignore_ascii_case(name)).unwrap();
            prop_assert_eq!(r.header(&name.to_lowercase()), Some(first.1.as_str()));
            prop_assert_eq!(first.1.as_str(), value.as_str());
        }
        // Every strict prefix is incomplete, never accepted.
        for cut in 0..raw.len() {
            prop_assert!(HttpRequest::parse(&raw[..cut]).is_err());
        }
        // The length is known from the head alone, whatever part of the
        // body has arrived; a cut head is incomplete.
        let head_len = raw.len() - body.len();
        for cut in 0..=raw.len() {
            let want = if cut < head_len { Err(Error::IncompleteHttpRequest) } else { Ok(raw.len()) };
            prop_assert_eq!(HttpRequest::length(&raw[..cut]), want, "cut at {}", cut);
        }
        // One byte more is a length mismatch.
        let mut longer = raw.clone();
        longer.push(b'x');
        prop_assert_eq!(HttpRequest::parse(&longer), Err(Error::HttpBodyLengthMismatch));
    }

    #[test]
    fn never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
        if let Ok(r) = HttpRequest::parse(&bytes) {
            let _ = r.to_received();
            prop_assert!(r.body().len() <= bytes.len());
            prop_assert_eq!(HttpRequest::length(&bytes), Ok(bytes.len()));
        }
    }

    #[test]
    fn never_panics_near_valid(
        prefix in "(GET|POST) /[!-~]{0,8} HTTP/1\\.[01]\r\n",
        tail in proptest::collection::vec(prop_oneof![
            Just(b'\r'), Just(b'\n'), Just(b':'), Just(b' '), Just(b'\t'), any::<u8>(),
            Just(b'0'), Just(b'C')
        ], 0..64),
    ) {
        let mut raw = prefix.into_bytes();
        raw.extend_from_slice(&tail);
        let _ = HttpRequest::parse(&raw);
    }
}

/// A `Content-Type` with whitespace at either end cannot be sent verbatim:
/// an HTTP field value has none (RFC 9110 section 5.5; this parser trims it,
/// as every recipient must), so the receiver would sign another string and
/// the signature could never verify. The signer refuses it as it refuses
/// any other value no header can carry. Inner spaces (parameters) stay
/// allowed, and the value as received still verifies.
#[test]
fn content_type_with_outer_whitespace_is_refused() {
    let signer = Signer::new("k", b"s").unwrap();
    let request = |content_type| Request {
        method: "POST",
        uri: "/p",
        content_type,
        body: Body::Bytes(b"{}"),
    };
    for bad in [
        " application/json",
        "application/json ",
        " ",
        "text/plain; charset=utf-8 ",
    ] {
        assert_eq!(
            signer.sign_request(&request(bad), 0, "n").unwrap_err(),
            Error::InvalidContentType,
            "{bad:?}"
        );
    }
    let inner = "text/plain; charset=utf-8";
    let headers = signer.sign_request(&request(inner), 0, "n").unwrap();
    let raw = format!(
        "POST /p HTTP/1.1\r\nHost: h\r\nContent-Type:  {inner} \r\nContent-Length: 2\r\n\
         X-M-Date: {}\r\nAuthorization: {}\r\n\r\n{{}}",
        headers.x_m_date(),
        headers.authorization()
    );
    let parsed = parse(raw.as_bytes()).unwrap();
    assert!(Verifier::new(&signer)
        .verify(&parsed.to_received(), 0, None)
        .is_ok());
}

/// A `Host` value that is not `uri-host [":" port]` is refused (RFC 9112
/// section 3.2: a server must reject a request whose Host field value is
/// invalid), by the push writer's own rule (`http::check_host`). The empty
/// value stays allowed: RFC 9110 section 7.2 has clients send it when the
/// target has no authority.
#[test]
fn host_value_must_be_an_authority() {
    for host in [
        "a b", "user@h", "h/p", "h?q", "h:port", "[::1", "%zz", "h\t:80",
    ] {
        let raw = format!("GET / HTTP/1.1\r\nHost: {host}\r\n\r\n");
        assert_eq!(err(&raw), Error::InvalidHost, "{host:?}");
    }
    for host in [
        "h",
        "h:80",
        "api.example.com:8443",
        "[::1]:8080",
        "10.0.0.1",
        "",
    ] {
        let raw = format!("GET / HTTP/1.1\r\nhost:  {host} \r\n\r\n");
        assert_eq!(parse(raw.as_bytes()).unwrap().header("Host"), Some(host));
    }
}

/// RFC 9112 section 3.2: a server must answer 400 to an HTTP/1.1 request
/// without `Host` (its own error, `MissingHost`: there is no value to call
/// invalid) and to one with two (`DuplicateHttpHeader`, whatever their
/// case or values). HTTP/1.0 predates `Host`: it may omit it. The rule is
/// the head's, so the length a server reads by refuses it too.
#[test]
fn host_is_required_in_http_1_1() {
    for raw in [
        "GET / HTTP/1.1\r\n\r\n",
        "POST /p HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}",
        "GET / HTTP/1.1\r\nX-Host: h\r\nHosts: h\r\n\r\n",
    ] {
        assert_eq!(err(raw), Error::MissingHost, "{raw:?}");
        let length = HttpRequest::length(raw.as_bytes());
        assert_eq!(length, Err(Error::MissingHost), "{raw:?}");
    }
    // A cut head is incomplete, not yet missing its Host.
    assert_eq!(
        HttpRequest::length(b"GET / HTTP/1.1\r\nX: 1\r\n"),
        Err(Error::IncompleteHttpRequest)
    );
    for raw in [
        "GET / HTTP/1.1\r\nHost: h\r\nhost: h\r\n\r\n",
        "GET / HTTP/1.1\r\nhost: a\r\nHOST: b\r\n\r\n",
        "GET / HTTP/1.0\r\nHost: h\r\nHost: h\r\n\r\n",
    ] {
        assert_eq!(err(raw), Error::DuplicateHttpHeader, "{raw:?}");
    }
    let r = parse(b"GET / HTTP/1.0\r\n\r\n").unwrap();
    assert_eq!(r.header("host"), None);
    let r = parse(b"GET / HTTP/1.1\r\nhOsT: h\r\n\r\n").unwrap();
    assert_eq!(r.header("Host"), Some("h"));
}

/// The parser keeps the target verbatim, whatever its form; the verifier
/// signs origin-form only (PROTOCOL.md section 2), so an absolute-form,
/// authority-form or asterisk-form target (RFC 9112 section 3.2), or one
/// with a fragment, is `InvalidUri`, never a signature check against a
/// target the signer could not have signed. (With absolute-form, RFC 9112
/// section 3.2.2 has the target's authority override Host: there is no
/// such request to verify, so Host and target never disagree.)
#[test]
fn non_origin_form_targets_fail_as_invalid_uri() {
    let signer = Signer::new("k", b"s").unwrap();
    let request = Request {
        method: "GET",
        uri: "/p",
        content_type: "",
        body: Body::Bytes(b""),
    };
    let h = signer.sign_request(&request, 1000, "n-1").unwrap();
    let raw = |target: &str| {
        format!(
            "GET {target} HTTP/1.1\r\nHost: h\r\nX-M-Date: {}\r\nAuthorization: {}\r\n\r\n",
            h.x_m_date(),
            h.authorization()
        )
    };
    let verifier = Verifier::new(&signer);
    let ok = raw("/p");
    let parsed = parse(ok.as_bytes()).unwrap();
    assert!(verifier.verify(&parsed.to_received(), 1000, None).is_ok());
    for target in ["http://h/p", "https://h:443/p", "h:443", "*", "/p#f"] {
        let raw = raw(target);
        let parsed = parse(raw.as_bytes()).unwrap();
        assert_eq!(parsed.target(), target);
        assert_eq!(
            verifier.verify(&parsed.to_received(), 1000, None),
            Err(Error::InvalidUri),
            "{target}"
        );
    }
}

/// Request-smuggling shapes (RFC 9112 sections 2.2, 5, 6): the framing a
/// proxy in front could read differently is refused, each with its own
/// error; what RFC 9110 section 8.6 allows (leading zeros, OWS around the
/// value) is read as the number it is.
#[test]
fn smuggling_shapes() {
    for (cl, len) in [("0003", 3), (" 3 ", 3), ("3\t", 3), ("\t03", 3)] {
        let raw = format!("POST / HTTP/1.1\r\nHost: h\r\nContent-Length:{cl}\r\n\r\nabc");
        assert_eq!(parse(raw.as_bytes()).unwrap().body().len(), len, "{cl:?}");
    }
    for raw in [
        // Any Transfer-Encoding, whatever its case, value or version.
        "POST / HTTP/1.1\r\nHost: h\r\ntransfer-ENCODING: chunked\r\n\r\n0\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding:\r\n\r\n",
        "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n",
    ] {
        assert_eq!(err(raw), Error::UnsupportedTransferEncoding, "{raw:?}");
    }
    for raw in [
        // Two Content-Lengths, equal or not, in either version.
        "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\na",
        "POST / HTTP/1.0\r\nContent-Length: 1\r\ncontent-length: 2\r\n\r\nab",
    ] {
        assert_eq!(err(raw), Error::DuplicateHttpHeader, "{raw:?}");
    }
    for raw in [
        // Whitespace or a NUL in a name; a name hiding behind a control byte.
        "POST / HTTP/1.1\r\nHost: h\r\nContent-Length : 1\r\n\r\na",
        "POST / HTTP/1.1\r\nHost: h\r\nContent-Length\t: 1\r\n\r\na",
        "POST / HTTP/1.1\r\nHost: h\r\nContent-Length\u{0}: 1\r\n\r\na",
        "POST / HTTP/1.1\r\nHost: h\r\n\u{b}Transfer-Encoding: chunked\r\n\r\n",
    ] {
        assert_eq!(err(raw), Error::MalformedHttpHeader, "{raw:?}");
    }
    for raw in [
        // An empty line before the request line; a NUL in the target.
        "\r\nPOST / HTTP/1.1\r\nHost: h\r\n\r\n",
        "POST /\u{0} HTTP/1.1\r\nHost: h\r\n\r\n",
    ] {
        assert_eq!(err(raw), Error::MalformedHttpRequestLine, "{raw:?}");
    }
}

/// Which `Content-MD5` is verified when there are two? Neither: the MD5
/// signed is always the body's as received (PROTOCOL.md section 3), so
/// headers claiming other digests change nothing, and a changed body is a
/// mismatch whatever they say.
#[test]
fn content_md5_headers_are_never_what_is_verified() {
    let signer = Signer::new("k", b"s").unwrap();
    let request = Request {
        method: "POST",
        uri: "/p",
        content_type: "application/json",
        body: Body::Bytes(b"{}"),
    };
    let h = signer.sign_request(&request, 1000, "n-1").unwrap();
    let raw = |body: &str| {
        format!(
            "POST /p HTTP/1.1\r\nHost: h\r\nContent-Type: application/json\r\n\
             Content-MD5: 00000000000000000000000000000000\r\nContent-MD5: x\r\n\
             Content-Length: 2\r\nX-M-Date: {}\r\nAuthorization: {}\r\n\r\n{body}",
            h.x_m_date(),
            h.authorization()
        )
    };
    let verifier = Verifier::new(&signer);
    let ok = raw("{}");
    let parsed = parse(ok.as_bytes()).unwrap();
    assert!(verifier.verify(&parsed.to_received(), 1000, None).is_ok());
    let tampered = raw("[]");
    let parsed = parse(tampered.as_bytes()).unwrap();
    assert_eq!(
        verifier.verify(&parsed.to_received(), 1000, None),
        Err(Error::SignatureMismatch)
    );
}
