//! The received push body parser against serde_json: `parse_body` accepts
//! exactly when serde_json reads the documented shape
//! `{"appMessage":{"content":S},"push":{"content":S}?,"sender":S?}` as
//! strictly (see `shape_oracle`) and the sender is `user@carrier`, and then
//! every string decodes to serde_json's; on refusal, the specific error. What
//! it accepts is written back by `write_body` as an equivalent body.
#![no_main]

mod shape_oracle;

use libfuzzer_sys::fuzz_target;
use m800_sign::push::{parse_body, write_body};
use m800_sign::Error;
use serde::Deserialize;
use shape_oracle::{present, read};

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct Body {
    app_message: Content,
    #[serde(default, deserialize_with = "present")]
    push: Option<Content>,
    #[serde(default, deserialize_with = "present")]
    sender: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Content {
    content: String,
}

/// The sender rule, ours alone (PROTOCOL.md section 1, `username@carrierName`;
/// serde_json only reads a string): exactly one `@`, text on both sides, no
/// control character.
fn sender_ok(sender: &str) -> bool {
    let mut sides = sender.split('@');
    let one_at = matches!(
        (sides.next(), sides.next(), sides.next()),
        (Some(user), Some(carrier), None) if !user.is_empty() && !carrier.is_empty()
    );
    one_at && !sender.chars().any(char::is_control)
}

fn expected(data: &[u8]) -> Result<(String, Option<String>, Option<String>), Error> {
    let body = read::<Body>(data).ok_or(Error::MalformedPushBody)?;
    if body.sender.as_deref().is_some_and(|s| !sender_ok(s)) {
        return Err(Error::InvalidSender);
    }
    Ok((
        body.app_message.content,
        body.push.map(|p| p.content),
        body.sender,
    ))
}

fuzz_target!(|data: &[u8]| {
    let parsed = parse_body(data);
    let got = parsed.map(|b| {
        (
            b.app_message.to_string(),
            b.push_content.map(|t| t.to_string()),
            b.sender.map(|t| t.to_string()),
        )
    });
    let want = expected(data);
    assert_eq!(got, want, "{:?}", String::from_utf8_lossy(data));
    let Ok((app, push, sender)) = got else {
        return;
    };
    let (push, sender) = (push.as_deref(), sender.as_deref());
    let mut out = vec![0u8; 6 * data.len() + 64];
    let body = write_body(&app, push, sender, &mut out).unwrap();
    let again = parse_body(body.as_bytes()).unwrap();
    assert_eq!(again.app_message.to_string(), app);
    assert_eq!(again.push_content.map(|t| t.to_string()).as_deref(), push);
    assert_eq!(again.sender.map(|t| t.to_string()).as_deref(), sender);
});
