//! The push module: `push_uri`, `push_body` and the `push` objects of the
//! `request` vectors, the HTTP request head, every error path, the
//! required-size contract, and property tests against serde_json.

use m800_sign::http::HttpRequest;
use m800_sign::push::{self, JsonString, Push, Response};
use m800_sign::verify::Verifier;
use m800_sign::{Error, Signer};
use proptest::prelude::*;
use serde_json::Value;

fn vectors() -> Value {
    serde_json::from_str(include_str!("data/m800-vectors.json")).expect("vector file is JSON")
}

fn s<'a>(v: &'a Value, k: &str) -> &'a str {
    v[k].as_str()
        .unwrap_or_else(|| panic!("{k} is a string in {v}"))
}

fn opt<'a>(v: &'a Value, k: &str) -> Option<&'a str> {
    match &v[k] {
        Value::Null => None,
        Value::String(s) => Some(s),
        other => panic!("{k} is a string or null, not {other}"),
    }
}

/// Runs `f` with a buffer of exactly the needed size, after checking the
/// required-size contract at zero capacity and one byte short.
fn check_size_contract<F>(expected: &str, mut f: F)
where
    F: FnMut(&mut [u8]) -> Result<String, Error>,
{
    let n = expected.len();
    assert_eq!(f(&mut []), Err(Error::BufferTooSmall { needed: n }));
    if n > 0 {
        assert_eq!(
            f(&mut vec![0u8; n - 1]),
            Err(Error::BufferTooSmall { needed: n })
        );
    }
    assert_eq!(f(&mut vec![0u8; n]).as_deref(), Ok(expected));
    assert_eq!(f(&mut vec![0xffu8; n + 7]).as_deref(), Ok(expected));
}

#[test]
fn push_uri_vectors() {
    let all = vectors();
    let list = all["push_uri"].as_array().unwrap();
    assert_eq!(list.len(), 10);
    for v in list {
        let (user, carrier) = (s(v, "username"), s(v, "carrier"));
        let mut buf = [0u8; 256];
        let got = push::write_uri(user, carrier, &mut buf);
        match opt(v, "uri") {
            Some(uri) => {
                assert_eq!(got, Ok(uri), "{user:?} @ {carrier:?}");
                check_size_contract(uri, |b| {
                    push::write_uri(user, carrier, b).map(str::to_owned)
                });
            }
            None => {
                let expected = if user.is_empty() {
                    Error::EmptyUsername
                } else if carrier.is_empty() {
                    Error::EmptyCarrier
                } else {
                    Error::ControlCharacter
                };
                assert_eq!(got, Err(expected), "{user:?} @ {carrier:?}");
            }
        }
    }
}

#[test]
fn push_body_vectors() {
    let all = vectors();
    let list = all["push_body"].as_array().unwrap();
    assert_eq!(list.len(), 7);
    for v in list {
        let (app, push_content, sender) = (
            s(v, "app_message"),
            opt(v, "push_content"),
            opt(v, "sender"),
        );
        let body = s(v, "body");
        let mut buf = [0u8; 512];
        assert_eq!(
            push::write_body(app, push_content, sender, &mut buf),
            Ok(body)
        );
        check_size_contract(body, |b| {
            push::write_body(app, push_content, sender, b).map(str::to_owned)
        });
        // The body is JSON that decodes to the same strings.
        let json: Value = serde_json::from_str(body).unwrap();
        assert_eq!(json["appMessage"]["content"], app);
    }
}

#[test]
fn request_vectors_build_uri_body_and_sign() {
    let all = vectors();
    let mut checked = 0;
    for v in all["request"].as_array().unwrap() {
        let p = &v["push"];
        if p.is_null() {
            continue;
        }
        let message = Push {
            username: s(p, "username"),
            carrier: s(p, "carrier"),
            app_message: s(p, "app_message"),
            push_content: opt(p, "push_content"),
            sender: opt(p, "sender"),
        };
        let name = s(v, "name");
        let mut uri_buf = [0u8; 256];
        let mut body_buf = [0u8; 512];
        let uri = message.write_uri(&mut uri_buf).unwrap();
        let body = message.write_body(&mut body_buf).unwrap();
        assert_eq!(uri, s(v, "uri"), "{name}");
        assert_eq!(body, s(v, "body"), "{name}");
        assert_eq!(s(v, "method"), push::METHOD);
        assert_eq!(s(v, "content_type"), push::CONTENT_TYPE);

        let signer = Signer::new(s(v, "key"), s(v, "secret").as_bytes()).unwrap();
        let unix_time = v["unix_time"].as_u64().unwrap();
        let nonce = s(v, "nonce");
        let expect = &v["expect"];
        let mut out = [0u8; 1024];
        let request = message
            .write_request(&signer, "api.example.com", unix_time, nonce, &mut out)
            .unwrap();
        assert_eq!(
            request.headers().authorization(),
            s(expect, "authorization"),
            "{name}"
        );
        assert_eq!(request.headers().content_md5(), s(expect, "content_md5"));
        assert_eq!(request.headers().x_m_date(), s(expect, "x_m_date"));
        assert_eq!(request.body(), body);

        // The head carries exactly those values, and a server reading the
        // bytes gets the same request back and verifies it.
        let parsed = HttpRequest::parse(request.as_bytes()).unwrap();
        assert_eq!(parsed.method(), "POST");
        assert_eq!(parsed.target(), uri);
        assert_eq!(parsed.header("host"), Some("api.example.com"));
        assert_eq!(parsed.header("content-type"), Some("application/json"));
        assert_eq!(
            parsed.header("content-length"),
            Some(body.len().to_string().as_str())
        );
        assert_eq!(parsed.header("content-md5"), Some(s(expect, "content_md5")));
        assert_eq!(parsed.header("x-m-date"), Some(s(expect, "x_m_date")));
        assert_eq!(
            parsed.header("authorization"),
            Some(s(expect, "authorization"))
        );
        assert_eq!(parsed.body(), body.as_bytes());
        let verifier = Verifier::new(&signer);
        let ok = verifier
            .verify(&parsed.to_received(), unix_time, None)
            .unwrap();
        assert_eq!(ok.nonce(), nonce);

        // Required-size contract for the whole request.
        let whole = request.as_str().to_owned();
        check_size_contract(&whole, |b| {
            message
                .write_request(&signer, "api.example.com", unix_time, nonce, b)
                .map(|r| r.as_str().to_owned())
        });
        checked += 1;
    }
    assert_eq!(checked, 7);
}

#[test]
fn request_head_bytes_exact() {
    let signer = Signer::new("a-demo-key", b"a-demo-secret").unwrap();
    let message = Push {
        username: "alice",
        carrier: "m800.com",
        app_message: "Hello from M800",
        push_content: Some("You have a new message"),
        sender: Some("bob@m800.com"),
    };
    let mut out = [0u8; 1024];
    let request = message
        .write_request(
            &signer,
            "push.m800.example:8443",
            1764331200,
            "19aca559e000123456789abcdef",
            &mut out,
        )
        .unwrap();
    let body = r#"{"appMessage":{"content":"Hello from M800"},"push":{"content":"You have a new message"},"sender":"bob@m800.com"}"#;
    let head = "POST /api/1.0/push/alice@m800.com HTTP/1.1\r\n\
        Host: push.m800.example:8443\r\n\
        Content-Type: application/json\r\n\
        Content-Length: 112\r\n\
        Content-MD5: 184bc37c95ce9368ecaf336b2c6a63c9\r\n\
        X-M-Date: Fri, 28 Nov 2025 12:00:00 GMT\r\n\
        Authorization: MAAIISDK10 key=\"a-demo-key\", nonce=\"19aca559e000123456789abcdef\", \
        signature=\"a4e4138dd518c6f3651cff481b5939d3f749f63898e4054faa0ffbc0420e32d6\"\r\n\
        \r\n";
    assert_eq!(body.len(), 112);
    assert_eq!(request.head(), head);
    assert_eq!(request.body(), body);
    assert_eq!(request.as_bytes(), format!("{head}{body}").as_bytes());
}

#[test]
fn uri_errors() {
    let mut buf = [0u8; 64];
    assert_eq!(
        push::write_uri("", "c", &mut buf),
        Err(Error::EmptyUsername)
    );
    assert_eq!(push::write_uri("u", "", &mut buf), Err(Error::EmptyCarrier));
    // Emptiness is checked before the buffer, and the username first.
    assert_eq!(push::write_uri("", "", &mut []), Err(Error::EmptyUsername));
    for bad in ["a\u{0}", "\t", "x\u{7f}", "\u{85}y", "a\u{1f}b"] {
        assert_eq!(
            push::write_uri(bad, "c", &mut buf),
            Err(Error::ControlCharacter),
            "{bad:?}"
        );
        assert_eq!(
            push::write_uri("u", bad, &mut buf),
            Err(Error::ControlCharacter),
            "{bad:?}"
        );
    }
    // A URI longer than the signer accepts is refused, whatever the buffer.
    let long = "x".repeat(m800_sign::limits::URI_MAX);
    assert_eq!(push::write_uri(&long, "c", &mut []), Err(Error::UriTooLong));
    assert_eq!(
        push::write_uri(&long, "c", &mut vec![0; 4 * m800_sign::limits::URI_MAX]),
        Err(Error::UriTooLong)
    );
    // The longest URI that fits the limit is accepted.
    let prefix = push::PATH_PREFIX.len() + "@c".len();
    let longest = "x".repeat(m800_sign::limits::URI_MAX - prefix);
    let mut big = vec![0; m800_sign::limits::URI_MAX];
    assert_eq!(
        push::write_uri(&longest, "c", &mut big).map(str::len),
        Ok(m800_sign::limits::URI_MAX)
    );
}

#[test]
fn uri_encoding_table() {
    // Every ASCII byte that is not a control character: literal or %XX.
    let literal = "ABCXYZabcxyz0189-._~!$&'()*+,;=:";
    for c in (0x20u8..0x7f).map(char::from) {
        let mut buf = [0u8; 64];
        let uri = push::write_uri(&c.to_string(), "c", &mut buf).unwrap();
        let part = uri.strip_prefix(push::PATH_PREFIX).unwrap();
        let part = part.strip_suffix("@c").unwrap();
        if c.is_ascii_alphanumeric() || literal.contains(c) {
            assert_eq!(part, c.to_string(), "{c:?}");
        } else {
            assert_eq!(part, format!("%{:02X}", c as u8), "{c:?}");
        }
    }
}

#[test]
fn sender_rules() {
    let mut buf = [0u8; 256];
    for good in ["a@b", "bob@m800.com", "老王@m800.hk"] {
        assert!(push::check_sender(good).is_ok(), "{good:?}");
        assert!(push::write_body("x", None, Some(good), &mut buf).is_ok());
    }
    for bad in [
        "",
        "bob",
        "@m800.com",
        "bob@",
        "@",
        "a@b@c",
        "a@@b",
        "a@b\n",
        "a\u{0}@b",
    ] {
        assert_eq!(
            push::check_sender(bad),
            Err(Error::InvalidSender),
            "{bad:?}"
        );
        assert_eq!(
            push::write_body("x", None, Some(bad), &mut buf),
            Err(Error::InvalidSender),
            "{bad:?}"
        );
        // The sender is checked before the buffer size.
        assert_eq!(
            push::write_body("x", None, Some(bad), &mut []),
            Err(Error::InvalidSender)
        );
    }
}

#[test]
fn json_escapes_exact() {
    let cases = [
        ("", r#""""#),
        ("plain", r#""plain""#),
        ("\"\\", r#""\"\\""#),
        ("\n\r\t\u{8}\u{c}", r#""\n\r\t\b\f""#),
        ("\u{0}\u{1}\u{1a}\u{1f}", r#""\u0000\u0001\u001a\u001f""#),
        ("/ \u{7f} \u{2028} é 👋", "\"/ \u{7f} \u{2028} é 👋\""),
    ];
    for (input, expected) in cases {
        check_size_contract(expected, |b| {
            push::write_json_string(input, b).map(str::to_owned)
        });
        assert_eq!(JsonString(input).to_string(), expected);
    }
}

/// `check_host` follows the RFC 3986 authority grammar it documents:
/// `host [":" port]`, the host an IP-literal in brackets or a reg-name
/// (unreserved, sub-delims, `%` with two hex digits), the port digits.
#[test]
fn host_rules() {
    for good in [
        "api.example.com",
        "api.example.com:443",
        "localhost:8080",
        "h:",
        "10.0.0.1",
        "127.0.0.1:8080",
        "[::1]",
        "[::1]:443",
        "[2001:db8::7]:443",
        "[::ffff:10.0.0.1]",
        "[v1.fe80::a+en1]",
        "a%2Db.example",
        "sub-delims!$&'()*+,;=.example",
    ] {
        assert_eq!(m800_sign::http::check_host(good), Ok(()), "{good:?}");
        // The name callers had before the rule moved to src/rfc3986.rs.
        assert_eq!(push::check_host(good), Ok(()), "{good:?}");
    }
    for bad in [
        "",
        "a b",
        "a\r\nX-Evil: 1",
        "a\n",
        "a\t",
        "user@host",
        "host/path",
        "host?q",
        "host#f",
        "hé.example",
        "a\"b",
        "a[b",
        "exa]mple.com",
        "[::1",
        "::1]",
        "[]",
        "[::1]x",
        "[::1]:x",
        "[[::1]]",
        "%",
        "%zz.example",
        "a%4",
        "h:1:2",
        "h:port",
        "h:-1",
        ":443",
    ] {
        assert_eq!(
            m800_sign::http::check_host(bad),
            Err(Error::InvalidHost),
            "{bad:?}"
        );
        assert_eq!(push::check_host(bad), Err(Error::InvalidHost), "{bad:?}");
    }
}

#[test]
fn write_request_errors() {
    let signer = Signer::new("k", b"s").unwrap();
    let ok = Push {
        username: "u",
        carrier: "c",
        app_message: "m",
        push_content: None,
        sender: None,
    };
    let mut out = [0u8; 1024];
    let t = 1_764_331_200;
    let run = |p: &Push<'_>, host: &str, t: u64, nonce: &str, out: &mut [u8]| {
        p.write_request(&signer, host, t, nonce, out)
            .map(|r| r.as_str().to_owned())
    };
    assert!(run(&ok, "h", t, "n", &mut out).is_ok());
    assert_eq!(run(&ok, "h h", t, "n", &mut out), Err(Error::InvalidHost));
    assert_eq!(
        run(&Push { username: "", ..ok }, "h", t, "n", &mut out),
        Err(Error::EmptyUsername)
    );
    assert_eq!(
        run(&Push { carrier: "", ..ok }, "h", t, "n", &mut out),
        Err(Error::EmptyCarrier)
    );
    assert_eq!(
        run(
            &Push {
                carrier: "a\rb",
                ..ok
            },
            "h",
            t,
            "n",
            &mut out
        ),
        Err(Error::ControlCharacter)
    );
    assert_eq!(
        run(
            &Push {
                sender: Some("x"),
                ..ok
            },
            "h",
            t,
            "n",
            &mut out
        ),
        Err(Error::InvalidSender)
    );
    assert_eq!(run(&ok, "h", t, "", &mut out), Err(Error::EmptyNonce));
    assert_eq!(run(&ok, "h", t, "a\"b", &mut out), Err(Error::InvalidNonce));
    assert_eq!(
        run(&ok, "h", u64::MAX, "n", &mut out),
        Err(Error::TimeOutOfRange)
    );
    // Validation comes before the size check.
    assert_eq!(run(&ok, "", t, "n", &mut []), Err(Error::InvalidHost));
}

#[test]
fn response_shapes() {
    let accepted = push::parse_response(br#"{"requestId":"r-1"}"#).unwrap();
    let Response::Accepted { request_id } = accepted else {
        panic!("{accepted:?}")
    };
    assert_eq!(request_id.as_plain(), Some("r-1"));
    assert_eq!(request_id.raw(), "r-1");

    let spaced = push::parse_response(b" {\n \"requestId\" : \"r-2\" \t}\r\n").unwrap();
    assert!(matches!(spaced, Response::Accepted { request_id } if request_id.raw() == "r-2"));

    let failed = push::parse_response(
        br#"{"error": {"status": 401, "code": 40101, "message": "bad \"sig\" \u00e9\ud83d\udc4b"}}"#,
    )
    .unwrap();
    let Response::Failed(e) = failed else {
        panic!("{failed:?}")
    };
    assert_eq!((e.status, e.code), (401, 40101));
    assert_eq!(e.message.as_plain(), None);
    assert_eq!(e.message.to_string(), "bad \"sig\" é👋");
    let expected = "bad \"sig\" é👋";
    check_size_contract(expected, |b| e.message.unescape(b).map(str::to_owned));

    // Members in any order, negative codes.
    let r = push::parse_response(br#"{"error":{"message":"","code":-1,"status":500}}"#).unwrap();
    assert!(matches!(r, Response::Failed(e) if e.code == -1 && e.status == 500));
}

#[test]
fn json_text_from_raw_rules() {
    use m800_sign::push::JsonText;
    let decoded = |raw| JsonText::from_raw(raw).map(|t| t.to_string());
    assert_eq!(
        decoded(r#"say \"hi\" \\ \/"#).as_deref(),
        Ok(r#"say "hi" \ /"#)
    );
    assert_eq!(decoded("\u{7f}é").as_deref(), Ok("\u{7f}é"));
    // Not the text between the quotes of any JSON string. A raw quote would
    // have ended it (found by the json_text fuzz target: it was accepted).
    for raw in [
        r#"say "hi""#,
        "\"",
        r#"a\""b"#,
        "a\u{1f}",
        r"\",
        r"\x",
        r"\u12",
        r"\ud800",
        r"\udc00",
        r"\ud800\u0041",
    ] {
        assert_eq!(decoded(raw), Err(Error::MalformedResponse), "{raw:?}");
    }
}

#[test]
fn response_malformed() {
    let bad: &[&[u8]] = &[
        b"",
        b"{}",
        b"[]",
        b"null",
        b"\"r\"",
        br#"{"requestId":null}"#,
        br#"{"requestId":1}"#,
        br#"{"requestId":"a","error":{"status":400,"code":1,"message":"m"}}"#,
        br#"{"requestId":"a","requestId":"b"}"#,
        br#"{"requestid":"a"}"#,
        br#"{"requestId":"a"} x"#,
        br#"{"requestId":"a"}{}"#,
        br#"{"requestId":"a",}"#,
        br#"{"requestId":"a"#,
        br#"{"requestId":"a\q"}"#,
        br#"{"requestId":"a\u12"}"#,
        br#"{"requestId":"\ud800"}"#,
        br#"{"requestId":"\udc00"}"#,
        br#"{"requestId":"\ud83d\u0041"}"#,
        b"{\"requestId\":\"a\x01b\"}",
        b"{\"requestId\":\"\xff\"}",
        br#"{"error":null}"#,
        br#"{"error":{"status":400,"code":1}}"#,
        br#"{"error":{"status":"400","code":1,"message":"m"}}"#,
        br#"{"error":{"status":99,"code":1,"message":"m"}}"#,
        br#"{"error":{"status":600,"code":1,"message":"m"}}"#,
        br#"{"error":{"status":70000,"code":1,"message":"m"}}"#,
        br#"{"error":{"status":400.0,"code":1,"message":"m"}}"#,
        br#"{"error":{"status":400,"code":1.5,"message":"m"}}"#,
        br#"{"error":{"status":400,"code":1,"message":null}}"#,
        br#"{"error":"oops"}"#,
    ];
    for body in bad {
        assert_eq!(
            push::parse_response(body),
            Err(Error::MalformedResponse),
            "{}",
            String::from_utf8_lossy(body)
        );
    }
}

/// Members the answer may gain later are read as any JSON value and dropped,
/// at the top and inside `error`, so an accepted push stays accepted; the
/// rest of the text stays as strict as before.
#[test]
fn response_unknown_members() {
    let accepted = |body: &str| match push::parse_response(body.as_bytes()) {
        Ok(Response::Accepted { request_id }) => Some(request_id.raw().to_owned()),
        other => panic!("{body}: {other:?}"),
    };
    for extra in [
        "1",
        "-0.5e+3",
        "1E9",
        "0",
        "true",
        "false",
        "null",
        r#""\u00e9\n""#,
        "[]",
        "{}",
        r#"[1, "a", {"b": [null, {"c": false}]}, []]"#,
        r#"{"requestId": "not this one", "error": null}"#,
        r#"{"x\u0041": 1}"#,
        // RFC 8259 section 6's number forms, and empty containers anywhere.
        "-0",
        "0.0e+00",
        "1E5",
        "-1.25E-7",
        "1e400",
        "[ ]",
        "{ }",
        "[{}]",
        r#"{"a":[]}"#,
        "[[], {}, [[]]]",
        " \t\r\n[ \t\r\n1 \t\r\n, \t\r\n{ \t\r\n\"k\" \t\r\n: \t\r\nnull } ]",
    ] {
        let body = format!(r#"{{"queued": {extra}, "requestId": "r1", "queued": {extra}}}"#);
        assert_eq!(accepted(&body).as_deref(), Some("r1"), "{body}");
    }
    let failed = push::parse_response(
        br#"{"error":{"details":[{"field":"username"}],"status":404,"code":1,"message":"m"},"trace":"t"}"#,
    );
    assert!(matches!(failed, Ok(Response::Failed(e)) if e.status == 404 && e.code == 1));

    // Every level of nesting the reader keeps (DEPTH_MAX = 64, the answer's
    // own braces counted), and one more.
    let nested = |levels: usize| {
        format!(
            r#"{{"requestId":"r","x":{}1{}}}"#,
            "[".repeat(levels),
            "]".repeat(levels)
        )
    };
    assert_eq!(accepted(&nested(63)).as_deref(), Some("r"));
    assert_eq!(
        push::parse_response(nested(64).as_bytes()),
        Err(Error::MalformedResponse)
    );

    // An empty container is a level too: `[]` or `{}` innermost, at 65
    // levels, is one too many (it was read as not opening a level).
    for empty in ["[]", "{}"] {
        let body = |levels: usize| {
            format!(
                r#"{{"requestId":"r","x":{}{empty}{}}}"#,
                "[".repeat(levels),
                "]".repeat(levels)
            )
        };
        assert_eq!(accepted(&body(62)).as_deref(), Some("r"), "{empty}");
        assert_eq!(
            push::parse_response(body(63).as_bytes()),
            Err(Error::MalformedResponse),
            "{empty}"
        );
    }
    // Inside `error`, its braces are the second level.
    let in_error = |levels: usize| {
        format!(
            r#"{{"error":{{"status":500,"code":1,"message":"m","x":{}1{}}}}}"#,
            "[".repeat(levels),
            "]".repeat(levels)
        )
    };
    assert!(matches!(
        push::parse_response(in_error(62).as_bytes()),
        Ok(Response::Failed(e)) if e.status == 500
    ));
    assert_eq!(
        push::parse_response(in_error(63).as_bytes()),
        Err(Error::MalformedResponse)
    );

    for bad in [
        // A name written with an escape could be a known one in disguise.
        r#"{"requestId":"a","request\u0049d":"b"}"#,
        r#"{"requestId":"a","x\"y":1}"#,
        // Values that are not JSON.
        r#"{"requestId":"a","x":01}"#,
        r#"{"requestId":"a","x":-01}"#,
        r#"{"requestId":"a","x":-.5}"#,
        r#"{"requestId":"a","x":1.e3}"#,
        r#"{"requestId":"a","x":- 1}"#,
        r#"{"requestId":"a","x":1 .5}"#,
        r#"{"requestId":"a","x":1e+}"#,
        r#"{"requestId":"a","x":0x1}"#,
        r#"{"requestId":"a","x":NaN}"#,
        "{\"requestId\":\"a\",\"x\":[\u{c}1]}",
        r#"{"requestId":"a","x":[1]]}"#,
        r#"{"requestId":"a","x":{"k":1]}"#,
        r#"{"requestId":"a","x":1.}"#,
        r#"{"requestId":"a","x":.5}"#,
        r#"{"requestId":"a","x":1e}"#,
        r#"{"requestId":"a","x":-}"#,
        r#"{"requestId":"a","x":+1}"#,
        r#"{"requestId":"a","x":tru}"#,
        r#"{"requestId":"a","x":nulll}"#,
        r#"{"requestId":"a","x":[1,]}"#,
        r#"{"requestId":"a","x":[1 2]}"#,
        r#"{"requestId":"a","x":{"k"}}"#,
        r#"{"requestId":"a","x":{"k":1,}}"#,
        r#"{"requestId":"a","x":{1:1}}"#,
        r#"{"requestId":"a","x":[}"#,
        r#"{"requestId":"a","x":"\q"}"#,
        // Every string passed over must decode: an unpaired surrogate is
        // refused there as in a string we keep (push_response's oracle says
        // where serde_json differs).
        r#"{"requestId":"a","x":"\ud800"}"#,
        r#"{"requestId":"a","x":{"\udc00":1}}"#,
        "{\"requestId\":\"a\",\"x\":\"\u{1}\"}",
        "{\"requestId\":\"a\",\"x\u{1}\":1}",
        r#"{"requestId":"a","x":}"#,
        r#"{"requestId":"a","x"}"#,
        r#"{"requestId":"a","x":[1]"#,
        // Known members are as strict as ever.
        r#"{"requestId":"a","requestId":"b"}"#,
        r#"{"requestId":null,"x":1}"#,
        r#"{"x":1}"#,
    ] {
        assert_eq!(
            push::parse_response(bad.as_bytes()),
            Err(Error::MalformedResponse),
            "{bad}"
        );
    }
}

/// The reader's edges (src/push/wire.rs): integers as serde-json-core read
/// them (which it replaced), strings ended by the first unescaped quote.
#[test]
fn response_reader_edges() {
    let failed = |body: &str| match push::parse_response(body.as_bytes()) {
        Ok(Response::Failed(e)) => Some((e.status, e.code, e.message.raw().to_owned())),
        _ => None,
    };
    let with_code =
        |code: &str| format!(r#"{{"error":{{"status":500,"code":{code},"message":"m"}}}}"#);
    for (code, want) in [
        ("0", 0),
        ("-0", 0),
        ("-1", -1),
        ("9223372036854775807", i64::MAX),
        ("-9223372036854775808", i64::MIN),
    ] {
        assert_eq!(
            failed(&with_code(code)),
            Some((500, want, "m".into())),
            "{code}"
        );
    }
    for code in [
        "01",
        "-01",
        "00",
        "9223372036854775808",
        "-9223372036854775809",
        "- 1",
        "-",
        "+1",
        "1e3",
        "\"1\"",
        "true",
    ] {
        assert_eq!(failed(&with_code(code)), None, "{code}");
    }
    let with_status =
        |status: &str| format!(r#"{{"error":{{"status":{status},"code":1,"message":"m"}}}}"#);
    assert_eq!(failed(&with_status("599")), Some((599, 1, "m".into())));
    assert_eq!(failed(&with_status(" 100 ")), Some((100, 1, "m".into())));
    for status in ["65536", "-500", "0500", "5 00"] {
        assert_eq!(failed(&with_status(status)), None, "{status}");
    }
    // Escapes: an even run of backslashes before a quote ends the string.
    let accepted = |body: &str| match push::parse_response(body.as_bytes()) {
        Ok(Response::Accepted { request_id }) => Some(request_id.raw().to_owned()),
        _ => None,
    };
    assert_eq!(accepted(r#"{"requestId":"a\\"}"#).as_deref(), Some(r"a\\"));
    assert_eq!(
        accepted(r#"{"requestId":"a\"b"}"#).as_deref(),
        Some(r#"a\"b"#)
    );
    assert_eq!(
        accepted(r#"{"requestId":"a\\\"b"}"#).as_deref(),
        Some(r#"a\\\"b"#)
    );
    assert_eq!(accepted(r#"{"requestId":"a\\"b"}"#), None);
    assert_eq!(accepted(r#"{"requestId":"a\"}"#), None);
    // Members in any order, whitespace of the four kinds only, around everything.
    assert_eq!(
        failed(" \t\r\n{ \"error\" :\n{\"message\":\"m\" , \"code\" : 7,\"status\":404 } }\n"),
        Some((404, 7, "m".into()))
    );
    assert_eq!(accepted("\u{b}{\"requestId\":\"a\"}"), None);
    assert_eq!(accepted("{\"requestId\":\"a\"}\u{c}"), None);
    assert_eq!(accepted(r#"{,"requestId":"a"}"#), None);
    assert_eq!(accepted(r#"{"requestId" "a"}"#), None);
    assert_eq!(accepted(r#"{"requestId":"a" "error":1}"#), None);
    assert_eq!(accepted(r#"{"request\u0049d":"a"}"#), None);
}

fn decode_uri_part(part: &str) -> Vec<u8> {
    let bytes = part.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap();
            assert_eq!(hex, hex.to_ascii_uppercase(), "upper-case hex");
            out.push(u8::from_str_radix(hex, 16).unwrap());
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    out
}

proptest! {
    #[test]
    fn body_round_trips_through_serde_json(
        app in any::<String>(),
        push_content in proptest::option::of(any::<String>()),
        user in "[^@\\p{Cc}]+",
        carrier in "[^@\\p{Cc}]+",
        with_sender in any::<bool>(),
    ) {
        let sender = format!("{user}@{carrier}");
        let sender = with_sender.then_some(sender.as_str());
        let mut buf = vec![0u8; 16 + 6 * (app.len() + push_content.as_ref().map_or(0, String::len) + sender.map_or(0, str::len)) + 64];
        let body = push::write_body(&app, push_content.as_deref(), sender, &mut buf).unwrap();
        let json: Value = serde_json::from_str(body).unwrap();
        let obj = json.as_object().unwrap();
        let keys: Vec<&str> = obj.keys().map(String::as_str).collect();
        let mut expected_keys = vec!["appMessage"];
        if push_content.is_some() { expected_keys.push("push"); }
        if sender.is_some() { expected_keys.push("sender"); }
        prop_assert_eq!(keys.len(), expected_keys.len());
        prop_assert_eq!(json["appMessage"]["content"].as_str(), Some(app.as_str()));
        prop_assert_eq!(json["push"]["content"].as_str(), push_content.as_deref());
        prop_assert_eq!(json["sender"].as_str(), sender);
        // No whitespace outside strings: serde_json's compact output agrees
        // with ours except for its escaping of DEL and above, which we never do.
        prop_assert_eq!(serde_json::to_string(&json).unwrap(), body);
    }

    #[test]
    fn json_string_round_trips(text in any::<String>()) {
        let mut buf = vec![0u8; 6 * text.len() + 2];
        let lit = push::write_json_string(&text, &mut buf).unwrap();
        prop_assert_eq!(serde_json::from_str::<String>(lit).unwrap(), text.clone());
        prop_assert_eq!(JsonString(&text).to_string(), lit);
        // Our own decoder reads it back too.
        let wrapped = format!("{{\"requestId\":{lit}}}");
        let parsed = push::parse_response(wrapped.as_bytes()).unwrap();
        let Response::Accepted { request_id } = parsed else { panic!() };
        prop_assert_eq!(request_id.to_string(), text);
    }

    #[test]
    fn serde_json_output_parses(id in any::<String>(), status in 100u16..600, code in any::<i64>(), message in any::<String>()) {
        let ok = serde_json::json!({ "requestId": id }).to_string();
        let parsed = push::parse_response(ok.as_bytes()).unwrap();
        let Response::Accepted { request_id } = parsed else { panic!() };
        prop_assert_eq!(request_id.to_string(), id);
        let err = serde_json::json!({ "error": { "status": status, "code": code, "message": message } });
        let err = serde_json::to_string_pretty(&err).unwrap();
        let parsed = push::parse_response(err.as_bytes()).unwrap();
        let Response::Failed(e) = parsed else { panic!() };
        prop_assert_eq!((e.status, e.code), (status, code));
        prop_assert_eq!(e.message.to_string(), message);
    }

    #[test]
    fn uri_decodes_to_the_parts(user in "[^\\p{Cc}]+", carrier in "[^\\p{Cc}]+") {
        let mut buf = vec![0u8; 3 * (user.len() + carrier.len()) + 32];
        let uri = push::write_uri(&user, &carrier, &mut buf).unwrap();
        let rest = uri.strip_prefix(push::PATH_PREFIX).unwrap();
        let (u, c) = rest.split_once('@').unwrap();
        prop_assert!(!c.contains('@'));
        prop_assert_eq!(decode_uri_part(u), user.as_bytes());
        prop_assert_eq!(decode_uri_part(c), carrier.as_bytes());
    }

    #[test]
    fn response_parser_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
        let _ = push::parse_response(&bytes);
    }
}

#[test]
fn received_body_parses_what_write_body_writes() {
    let all = vectors();
    for v in all["push_body"].as_array().unwrap() {
        let parsed = push::parse_body(s(v, "body").as_bytes()).unwrap();
        assert_eq!(parsed.app_message.to_string(), s(v, "app_message"));
        assert_eq!(
            parsed.push_content.map(|t| t.to_string()).as_deref(),
            opt(v, "push_content")
        );
        assert_eq!(
            parsed.sender.map(|t| t.to_string()).as_deref(),
            opt(v, "sender")
        );
    }
    // Whitespace and any member order.
    let parsed = push::parse_body(
        br#" { "sender" : "a@b" , "push" : { "content" : "p" } , "appMessage" : { "content" : "m" } } "#,
    )
    .unwrap();
    assert_eq!(parsed.app_message.as_plain(), Some("m"));
    assert_eq!(parsed.push_content.and_then(|t| t.as_plain()), Some("p"));
    assert_eq!(parsed.sender.and_then(|t| t.as_plain()), Some("a@b"));
}

#[test]
fn received_body_errors() {
    let malformed: &[&[u8]] = &[
        b"",
        b"{}",
        br#"{"push":{"content":"p"}}"#,
        br#"{"appMessage":"m"}"#,
        br#"{"appMessage":null}"#,
        br#"{"appMessage":{"content":null}}"#,
        br#"{"appMessage":{"content":1}}"#,
        br#"{"appMessage":{}}"#,
        br#"{"appMessage":{"content":"m","x":1}}"#,
        br#"{"appMessage":{"content":"m"},"push":null}"#,
        br#"{"appMessage":{"content":"m"},"sender":null}"#,
        br#"{"appMessage":{"content":"m"},"extra":"x"}"#,
        br#"{"appMessage":{"content":"m"},"appMessage":{"content":"m"}}"#,
        br#"{"appMessage":{"content":"m"}} {}"#,
        br#"{"appMessage":{"content":"\x"}}"#,
        b"{\"appMessage\":{\"content\":\"\n\"}}",
    ];
    for body in malformed {
        assert_eq!(
            push::parse_body(body),
            Err(Error::MalformedPushBody),
            "{}",
            String::from_utf8_lossy(body)
        );
    }
    for sender in ["bob", "a@b@c", "@b", "a@", r"a\u0040b@c", r"a@b\n"] {
        let body = format!(r#"{{"appMessage":{{"content":"m"}},"sender":"{sender}"}}"#);
        assert_eq!(
            push::parse_body(body.as_bytes()),
            Err(Error::InvalidSender),
            "{sender}"
        );
    }
}

proptest! {
    #[test]
    fn body_round_trips_through_parse_body(
        app in any::<String>(),
        push_content in proptest::option::of(any::<String>()),
        sender in proptest::option::of("[^@\\p{Cc}]+@[^@\\p{Cc}]+"),
    ) {
        let mut buf = vec![0u8; 6 * (app.len() + push_content.as_ref().map_or(0, String::len) + sender.as_ref().map_or(0, String::len)) + 64];
        let body = push::write_body(&app, push_content.as_deref(), sender.as_deref(), &mut buf).unwrap();
        let parsed = push::parse_body(body.as_bytes()).unwrap();
        prop_assert_eq!(parsed.app_message.to_string(), app);
        prop_assert_eq!(parsed.push_content.map(|t| t.to_string()), push_content);
        prop_assert_eq!(parsed.sender.map(|t| t.to_string()), sender);
    }

    #[test]
    fn body_parser_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
        let _ = push::parse_body(&bytes);
    }
}
