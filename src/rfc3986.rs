//! RFC 3986 syntax the library checks or writes: the characters a push URI
//! part keeps as they are, and the authority a `Host` value must be (the push
//! writer's `host` and every `Host` the HTTP parser reads).

use crate::{Error, Result};

/// Bytes written as they are in a URI part: RFC 3986 unreserved, the
/// sub-delims and `:`. Everything else, `@` included, is percent-encoded.
pub(crate) const fn is_uri_literal(c: u8) -> bool {
    c.is_ascii_alphanumeric()
        || matches!(
            c,
            b'-' | b'.'
                | b'_'
                | b'~'
                | b'!'
                | b'$'
                | b'&'
                | b'\''
                | b'('
                | b')'
                | b'*'
                | b'+'
                | b','
                | b';'
                | b'='
                | b':'
        )
}

/// Checks a `Host` value: an RFC 3986 authority without userinfo (section
/// 3.2), `host [":" port]` with a non-empty host: an IP-literal in brackets
/// (IPv6 text, checked for its characters only, or `vX.…` IPvFuture) or a
/// reg-name (letters, digits, `-._~`, sub-delims, `%` and two hex digits;
/// IPv4 addresses are reg-names), and a port of digits.
///
/// Fails with [`Error::InvalidHost`].
///
/// ```
/// use m800_sign::{http::check_host, Error};
/// assert_eq!(check_host("api.example.com:443"), Ok(()));
/// assert_eq!(check_host("[::1]:8800"), Ok(()));
/// assert_eq!(check_host("user@api.example.com"), Err(Error::InvalidHost));
/// assert_eq!(check_host(""), Err(Error::InvalidHost));
/// ```
pub fn check_host(host: &str) -> Result<()> {
    let b = host.as_bytes();
    let (host_ok, rest) = match b.split_first() {
        Some((b'[', inner)) => {
            let Some(end) = inner.iter().position(|&c| c == b']') else {
                return Err(Error::InvalidHost);
            };
            (
                is_ip_literal(inner.get(..end).unwrap_or_default()),
                inner.get(end.saturating_add(1)..).unwrap_or_default(),
            )
        }
        _ => {
            let end = b.iter().position(|&c| c == b':').unwrap_or(b.len());
            let name = b.get(..end).unwrap_or_default();
            (
                !name.is_empty() && is_reg_name(name),
                b.get(end..).unwrap_or_default(),
            )
        }
    };
    let port_ok = match rest.split_first() {
        None => true,
        Some((b':', port)) => port.iter().all(u8::is_ascii_digit),
        Some(_) => false,
    };
    if host_ok && port_ok {
        Ok(())
    } else {
        Err(Error::InvalidHost)
    }
}

/// RFC 3986 `reg-name` without `:` (the caller split the port off):
/// unreserved, sub-delims, pct-encoded.
fn is_reg_name(name: &[u8]) -> bool {
    let mut bytes = name.iter();
    while let Some(&c) = bytes.next() {
        let ok = if c == b'%' {
            bytes.next().is_some_and(u8::is_ascii_hexdigit)
                && bytes.next().is_some_and(u8::is_ascii_hexdigit)
        } else {
            c != b':' && is_uri_literal(c)
        };
        if !ok {
            return false;
        }
    }
    true
}

/// The text between an IP-literal's brackets: `v` 1*HEXDIG `.` then
/// unreserved, sub-delims or `:` (IPvFuture), or IPv6 text (hex digits,
/// `:` and the `.` of an embedded IPv4 address, at least one `:`).
fn is_ip_literal(text: &[u8]) -> bool {
    match text.split_first() {
        Some((b'v' | b'V', rest)) => {
            let dot = rest.iter().position(|&c| c == b'.').unwrap_or(0);
            let (version, tail) = (
                rest.get(..dot).unwrap_or_default(),
                rest.get(dot.saturating_add(1)..).unwrap_or_default(),
            );
            !version.is_empty()
                && version.iter().all(u8::is_ascii_hexdigit)
                && !tail.is_empty()
                && tail.iter().all(|&c| is_uri_literal(c))
        }
        _ => {
            text.contains(&b':')
                && text
                    .iter()
                    .all(|&c| c.is_ascii_hexdigit() || c == b':' || c == b'.')
        }
    }
}
