//! The `Authorization` header (PROTOCOL.md sections 2 and 3.1):
//!
//! ```text
//! MAAIISDK10 key="{developerKey}", nonce="{nonce}", signature="{signature}"
//! ```
//!
//! Formatting always produces that exact form. Parsing follows the RFC 7235
//! auth-param grammar: scheme and parameter names case-insensitive, values a
//! token or a quoted-string (backslash escapes allowed), optional whitespace
//! around `=` and `,`, empty list elements and unknown parameters ignored.
#![forbid(unsafe_code)]

use crate::limits::{AUTHORIZATION_MAX, KEY_MAX, NONCE_MAX, SIGNATURE_MAX};
use crate::text::is_tchar;
use crate::{Error, Result};

/// The scheme name.
pub const SCHEME: &str = "MAAIISDK10";

/// An `Authorization` value this library wrote: at most
/// [`AUTHORIZATION_MAX`] bytes, stored inline.
#[derive(Clone, PartialEq, Eq)]
pub struct Authorization(heapless::String<AUTHORIZATION_MAX>);

impl Authorization {
    /// Formats the header from its three parts. `key` and `nonce` are checked
    /// (see [`check_key`](crate::signature::check_key) and
    /// [`nonce::check`](crate::nonce::check)); `signature` must be non-empty
    /// printable ASCII without `"` or `\`, at most [`SIGNATURE_MAX`] bytes.
    pub fn new(key: &str, nonce: &str, signature: &str) -> Result<Authorization> {
        let mut out = Authorization::EMPTY;
        out.write(key, nonce, signature)?;
        Ok(out)
    }

    /// No value yet: storage for [`write`](Self::write).
    pub(crate) const EMPTY: Authorization = Authorization(heapless::String::new());

    /// [`new`](Self::new) in place: on the signing path the header is written
    /// straight into the caller's storage, not built and then moved (300
    /// bytes of stack on a microcontroller).
    pub(crate) fn write(&mut self, key: &str, nonce: &str, signature: &str) -> Result<()> {
        crate::signature::check_key(key)?;
        crate::nonce::check(nonce)?;
        if signature.is_empty()
            || signature.len() > SIGNATURE_MAX
            || !signature.bytes().all(crate::text::is_header_safe)
        {
            return Err(Error::InvalidSignatureEncoding);
        }
        self.write_checked(key, nonce, signature)
    }

    /// [`write`](Self::write) for parts already checked: a `Signer`'s key, a
    /// nonce that passed [`nonce::check`](crate::nonce::check), a signature this
    /// library encoded. Never truncates: overflow is still an error.
    pub(crate) fn write_checked(&mut self, key: &str, nonce: &str, signature: &str) -> Result<()> {
        let s = &mut self.0;
        s.clear();
        for part in [
            SCHEME,
            " key=\"",
            key,
            "\", nonce=\"",
            nonce,
            "\", signature=\"",
            signature,
            "\"",
        ] {
            // The checks bound the total by AUTHORIZATION_MAX.
            s.push_str(part).map_err(|_| Error::BufferTooSmall {
                needed: AUTHORIZATION_MAX,
            })?;
        }
        Ok(())
    }

    /// The header value.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl core::fmt::Debug for Authorization {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_tuple("Authorization")
            .field(&self.as_str())
            .finish()
    }
}

/// The parameters of a parsed `Authorization` header, unescaped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParsedAuthorization {
    key: heapless::String<KEY_MAX>,
    nonce: heapless::String<NONCE_MAX>,
    signature: heapless::String<SIGNATURE_MAX>,
}

impl ParsedAuthorization {
    /// The developer key.
    pub fn key(&self) -> &str {
        &self.key
    }
    /// The nonce.
    pub fn nonce(&self) -> &str {
        &self.nonce
    }
    /// The signature as sent (not decoded).
    pub fn signature(&self) -> &str {
        &self.signature
    }

    /// Parses an `Authorization` value.
    ///
    /// Errors: [`Error::UnsupportedScheme`] for another scheme;
    /// [`Error::MissingAuthParam`] when `key`, `nonce` or `signature` is absent or
    /// empty; [`Error::DuplicateAuthParam`] when one is given twice;
    /// [`Error::KeyTooLong`] / [`Error::NonceTooLong`] past the limits; and
    /// [`Error::MalformedAuthorization`] for everything else that breaks the
    /// grammar (no parameters, missing `=` or `,`, unterminated quotes, control
    /// characters, an over-long signature).
    pub fn parse(header: &str) -> Result<ParsedAuthorization> {
        let mut p = Parser {
            b: header.as_bytes(),
            pos: 0,
        };
        let scheme = p.take_while(is_tchar);
        if scheme.is_empty() {
            return Err(Error::MalformedAuthorization);
        }
        if !scheme.eq_ignore_ascii_case(SCHEME.as_bytes()) {
            return Err(Error::UnsupportedScheme);
        }
        if p.take_while(|c| c == b' ').is_empty() {
            return Err(Error::MalformedAuthorization);
        }
        let mut key: Option<heapless::Vec<u8, KEY_MAX>> = None;
        let mut nonce: Option<heapless::Vec<u8, NONCE_MAX>> = None;
        let mut signature: Option<heapless::Vec<u8, SIGNATURE_MAX>> = None;
        let mut params = 0usize;
        loop {
            p.skip_ows();
            match p.peek() {
                None => break,
                Some(b',') => {
                    p.bump();
                    continue;
                }
                Some(_) => {}
            }
            let name = p.take_while(is_tchar);
            if name.is_empty() {
                return Err(Error::MalformedAuthorization);
            }
            p.skip_ows();
            if p.peek() != Some(b'=') {
                return Err(Error::MalformedAuthorization);
            }
            p.bump();
            p.skip_ows();
            params = params.saturating_add(1);
            if name.eq_ignore_ascii_case(b"key") {
                fill(&mut key, &mut p, Error::KeyTooLong)?;
            } else if name.eq_ignore_ascii_case(b"nonce") {
                fill(&mut nonce, &mut p, Error::NonceTooLong)?;
            } else if name.eq_ignore_ascii_case(b"signature") {
                fill(&mut signature, &mut p, Error::MalformedAuthorization)?;
            } else {
                p.value(|_| Ok(()))?;
            }
            p.skip_ows();
            match p.peek() {
                None => break,
                Some(b',') => p.bump(),
                Some(_) => return Err(Error::MalformedAuthorization),
            }
        }
        if params == 0 {
            return Err(Error::MalformedAuthorization);
        }
        Ok(ParsedAuthorization {
            key: into_string(key)?,
            nonce: into_string(nonce)?,
            signature: into_string(signature)?,
        })
    }
}

/// Reads one parameter value into `slot`, refusing a second occurrence.
fn fill<const N: usize>(
    slot: &mut Option<heapless::Vec<u8, N>>,
    p: &mut Parser<'_>,
    too_long: Error,
) -> Result<()> {
    if slot.is_some() {
        return Err(Error::DuplicateAuthParam);
    }
    let mut value = heapless::Vec::new();
    p.value(|c| value.push(c).map_err(|_| too_long))?;
    *slot = Some(value);
    Ok(())
}

fn into_string<const N: usize>(value: Option<heapless::Vec<u8, N>>) -> Result<heapless::String<N>> {
    match value {
        Some(v) if !v.is_empty() => {
            // Only whole UTF-8 sequences of the input are copied (just ASCII
            // quotes and backslashes are dropped), so this cannot fail.
            heapless::String::from_utf8(v).map_err(|_| Error::MalformedAuthorization)
        }
        _ => Err(Error::MissingAuthParam),
    }
}

struct Parser<'a> {
    b: &'a [u8],
    pos: usize,
}

impl<'a> Parser<'a> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.pos).copied()
    }

    fn bump(&mut self) {
        self.pos = self.pos.saturating_add(1);
    }

    fn take_while(&mut self, pred: impl Fn(u8) -> bool) -> &'a [u8] {
        let start = self.pos;
        while self.peek().is_some_and(&pred) {
            self.bump();
        }
        self.b.get(start..self.pos).unwrap_or_default()
    }

    fn skip_ows(&mut self) {
        self.take_while(|c| c == b' ' || c == b'\t');
    }

    /// A token or a quoted-string; each unescaped byte goes to `out`.
    fn value(&mut self, mut out: impl FnMut(u8) -> Result<()>) -> Result<()> {
        if self.peek() != Some(b'"') {
            let token = self.take_while(is_tchar);
            if token.is_empty() {
                return Err(Error::MalformedAuthorization);
            }
            return token.iter().try_for_each(|&c| out(c));
        }
        self.bump();
        // qdtext and quoted-pair of RFC 9110: HTAB, SP, VCHAR, obs-text.
        let allowed = |c: u8| c == b'\t' || c == b' ' || (0x21..=0x7e).contains(&c) || c >= 0x80;
        loop {
            let c = self.peek().ok_or(Error::MalformedAuthorization)?;
            self.bump();
            match c {
                b'"' => return Ok(()),
                b'\\' => {
                    let escaped = self.peek().ok_or(Error::MalformedAuthorization)?;
                    self.bump();
                    if !allowed(escaped) {
                        return Err(Error::MalformedAuthorization);
                    }
                    out(escaped)?;
                }
                c if allowed(c) => out(c)?,
                _ => return Err(Error::MalformedAuthorization),
            }
        }
    }
}
