//! The push request URI: `/api/1.0/push/{username}@{carrier}`, each part
//! percent-encoded (PROTOCOL.md section 1).

use super::PATH_PREFIX;
use crate::canonical::check_uri;
use crate::limits::URI_MAX;
use crate::rfc3986::is_uri_literal;
use crate::text::Writer;
use crate::{Error, Result};

/// The upper-case hex digit of a value below 16: the lower-case table's,
/// raised (a second 16-byte table would sit in the constants every firmware
/// image links).
fn hex_upper(n: u8) -> u8 {
    crate::text::nibble(n).to_ascii_uppercase()
}

/// Checks one part of the recipient: non-empty, no control character
/// (Unicode `Cc`: U+0000..U+001F, U+007F, U+0080..U+009F).
fn check_part(part: &str, empty: Error) -> Result<()> {
    if part.is_empty() {
        return Err(empty);
    }
    if part.chars().any(char::is_control) {
        return Err(Error::ControlCharacter);
    }
    Ok(())
}

fn push_encoded(w: &mut Writer<'_>, part: &str) {
    for &b in part.as_bytes() {
        if is_uri_literal(b) {
            w.push(&[b]);
        } else {
            w.push(&[b'%', hex_upper(b >> 4), hex_upper(b & 0x0f)]);
        }
    }
}

/// Writes the push request URI `/api/1.0/push/{username}@{carrier}` into `buf`.
///
/// Each part is UTF-8, percent-encoded with upper-case hex except the RFC 3986
/// unreserved characters, the sub-delims `!$&'()*+,;=` and `:`; an `@` inside
/// a part becomes `%40`.
///
/// Errors: [`Error::EmptyUsername`], [`Error::EmptyCarrier`],
/// [`Error::ControlCharacter`], [`Error::UriTooLong`] when the URI would be
/// longer than [`URI_MAX`] (it could not be signed), and
/// [`Error::BufferTooSmall`] with the size that fits.
///
/// ```
/// use m800_sign::{push::write_uri, Error};
/// let mut buf = [0u8; 64];
/// assert_eq!(write_uri("bob smith", "m800.com", &mut buf)?, "/api/1.0/push/bob%20smith@m800.com");
/// assert_eq!(write_uri("", "m800.com", &mut buf), Err(Error::EmptyUsername));
/// assert_eq!(write_uri("bob", "m800.com", &mut [0u8; 8]), Err(Error::BufferTooSmall { needed: 26 }));
/// # Ok::<(), m800_sign::Error>(())
/// ```
pub fn write_uri<'b>(username: &str, carrier: &str, buf: &'b mut [u8]) -> Result<&'b str> {
    check_part(username, Error::EmptyUsername)?;
    check_part(carrier, Error::EmptyCarrier)?;
    let mut w = Writer::new(buf);
    w.push_str(PATH_PREFIX);
    push_encoded(&mut w, username);
    w.push(b"@");
    push_encoded(&mut w, carrier);
    match w.finish_str() {
        Ok(uri) => {
            check_uri(uri)?;
            Ok(uri)
        }
        Err(Error::BufferTooSmall { needed }) if needed > URI_MAX => Err(Error::UriTooLong),
        Err(e) => Err(e),
    }
}
