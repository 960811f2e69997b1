//! The raw HTTP/1.1 request parser on arbitrary bytes: never panics, what it
//! accepts is consistent with the input, and `HttpRequest::length` agrees.
#![no_main]

use libfuzzer_sys::fuzz_target;
use m800_sign::http::HttpRequest;
use m800_sign::Body;

fuzz_target!(|data: &[u8]| {
    // The length a server reads by is the one the parser then accepts: a
    // request parses exactly when it is as long as its head says, and the
    // head's errors are the parser's.
    let length = HttpRequest::length(data);
    let parsed = HttpRequest::parse(data);
    match (&length, &parsed) {
        (Ok(n), Ok(_)) => assert_eq!(*n, data.len()),
        (Ok(n), Err(e)) => assert!(
            (*n > data.len() && *e == m800_sign::Error::IncompleteHttpRequest)
                || (*n < data.len() && *e == m800_sign::Error::HttpBodyLengthMismatch),
            "length {n} of {} bytes, parse {e:?}",
            data.len()
        ),
        (Err(l), Err(p)) => assert_eq!(l, p),
        (Err(l), Ok(_)) => panic!("parsed, but length says {l:?}"),
    }
    let Ok(request) = parsed else {
        return;
    };
    // The body is the tail of the input, exactly Content-Length long.
    assert!(data.ends_with(request.body()));
    match request.header("content-length") {
        Some(len) => assert_eq!(len.parse::<usize>().ok(), Some(request.body().len())),
        None => assert!(request.body().is_empty()),
    }
    assert!(request.header("transfer-encoding").is_none());
    // RFC 9112 section 3.2: HTTP/1.1 needs a Host (HTTP/1.0 may omit it).
    assert!(request.version() == "HTTP/1.0" || request.header("host").is_some());
    for (name, value) in request.headers() {
        assert!(!name.is_empty());
        assert_eq!(value, value.trim_matches([' ', '\t']));
        assert!(request.header(name).is_some());
    }
    let received = request.to_received();
    assert_eq!(received.request.method, request.method());
    assert_eq!(received.request.uri, request.target());
    assert_eq!(received.request.body, Body::Bytes(request.body()));
    // Feeding it to the verifier must not panic either.
    if let Ok(signer) = m800_sign::Signer::new("k", b"s") {
        let _ = m800_sign::verify::Verifier::new(&signer).verify(&received, 0, None);
    }
});
