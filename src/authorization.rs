//! The `Authorization` header (PROTOCOL.md section 2, and section 3 step 1):
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
/// [`AUTHORIZATION_MAX`] bytes, stored inline. A [`Signer`](crate::Signer)
/// writes one for each request; [`Authorization::new`] formats one from parts.
#[derive(Clone, PartialEq, Eq)]
pub struct Authorization(heapless::String<AUTHORIZATION_MAX>);

impl Authorization {
    /// Formats the header from its three parts. `key` and `nonce` are checked
    /// (see [`check_key`](crate::signer::check_key) and
    /// [`nonce::check`](crate::nonce::check)); `signature` must be non-empty
    /// printable ASCII without `"` or `\`, at most [`SIGNATURE_MAX`] bytes
    /// (it is not decoded: any encoding passes).
    ///
    /// Errors: the key's and the nonce's, and
    /// [`Error::InvalidSignatureEncoding`] for a signature that breaks that rule.
    ///
    /// ```
    /// use m800_sign::{Authorization, Error};
    /// let auth = Authorization::new("a-demo-key", "cb-0001", "de728d2ba2b3b92dc5810b6d28d0bf9d919a118edae41ff42fec8fc648d6493e")?;
    /// assert!(auth.as_str().starts_with("MAAIISDK10 key=\"a-demo-key\", nonce=\"cb-0001\", signature="));
    /// assert_eq!(Authorization::new("a-demo-key", "cb-0001", ""), Err(Error::InvalidSignatureEncoding));
    /// assert_eq!(Authorization::new("a-demo-key", "", "de728d2ba2b3b92dc5810b6d28d0bf9d919a118edae41ff42fec8fc648d6493e"), Err(Error::EmptyNonce));
    /// # Ok::<(), m800_sign::Error>(())
    /// ```
    pub fn new(key: &str, nonce: &str, signature: &str) -> Result<Authorization> {
        crate::signer::check_key(key)?;
        crate::nonce::check(nonce)?;
        if signature.is_empty()
            || signature.len() > SIGNATURE_MAX
            || !crate::text::all_bytes(signature.as_bytes(), crate::text::is_header_safe)
        {
            return Err(Error::InvalidSignatureEncoding);
        }
        let mut out = Authorization::EMPTY;
        out.write_checked(key, nonce, signature)?;
        Ok(out)
    }

    /// No value yet: storage for [`write_checked`](Self::write_checked).
    pub(crate) const EMPTY: Authorization = Authorization(heapless::String::new());

    /// [`new`](Self::new) in place, for parts already checked: a `Signer`'s
    /// key, a nonce that passed [`nonce::check`](crate::nonce::check), a
    /// signature this library encoded. The signing path writes the header
    /// straight into the caller's storage. Never truncates: overflow is still
    /// an error.
    pub(crate) fn write_checked(&mut self, key: &str, nonce: &str, signature: &str) -> Result<()> {
        let s = &mut self.0;
        s.clear();
        for part in pieces(key, nonce, signature, |s| s) {
            // The checks bound the total by AUTHORIZATION_MAX.
            s.push_str(part).map_err(|_| Error::BufferTooSmall {
                needed: AUTHORIZATION_MAX,
            })?;
        }
        Ok(())
    }

    /// The header value.
    ///
    /// ```
    /// let auth = m800_sign::Authorization::new("a-demo-key", "cb-0001", "NkQCUeIchnmCN5i3O+lnd8deHM1wdeWcHUMUA22xx9s=")?;
    /// assert_eq!(
    ///     auth.as_str(),
    ///     r#"MAAIISDK10 key="a-demo-key", nonce="cb-0001", signature="NkQCUeIchnmCN5i3O+lnd8deHM1wdeWcHUMUA22xx9s=""#
    /// );
    /// # Ok::<(), m800_sign::Error>(())
    /// ```
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The header from already checked parts (as [`Authorization::write_checked`])
/// written into `buf`, storage the caller lays out (the C layer's
/// `m800_signed_headers`); its length. Never truncates: a short `buf` is
/// [`Error::BufferTooSmall`].
#[cfg(feature = "ffi")]
pub(crate) fn write_checked_into(
    buf: &mut [u8],
    key: &str,
    nonce: &str,
    signature: &[u8],
) -> Result<usize> {
    let mut len: usize = 0;
    for part in pieces(key.as_bytes(), nonce.as_bytes(), signature, |s| {
        s.as_bytes()
    }) {
        let end = len.checked_add(part.len());
        let dst = end.and_then(|end| buf.get_mut(len..end));
        let dst = dst.ok_or(Error::BufferTooSmall {
            needed: AUTHORIZATION_MAX,
        })?;
        crate::text::copy(dst, part);
        len = len.saturating_add(part.len());
    }
    Ok(len)
}

/// The header's pieces, in order (PROTOCOL.md section 2), as text or as bytes
/// (`lit` turns the literal pieces into `T`s).
fn pieces<'p, T: ?Sized>(
    key: &'p T,
    nonce: &'p T,
    signature: &'p T,
    lit: impl Fn(&'static str) -> &'p T,
) -> [&'p T; 8] {
    [
        lit(SCHEME),
        lit(" key=\""),
        key,
        lit("\", nonce=\""),
        nonce,
        lit("\", signature=\""),
        signature,
        lit("\""),
    ]
}

impl core::fmt::Debug for Authorization {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_tuple("Authorization")
            .field(&self.as_str())
            .finish()
    }
}

/// The parameters of a parsed `Authorization` header, unescaped.
///
/// A value without a backslash escape is borrowed from the header; only a
/// quoted-string holding a quoted-pair is copied (unescaped) into the struct.
#[derive(Clone)]
pub struct ParsedAuthorization<'a> {
    key: Param<'a, KEY_MAX>,
    nonce: Param<'a, NONCE_MAX>,
    signature: Param<'a, SIGNATURE_MAX>,
}

impl<'a> ParsedAuthorization<'a> {
    /// The developer key.
    ///
    /// ```
    /// let header = "MAAIISDK10 key=\"a-demo-key\", nonce=\"cb-0001\", \
    ///     signature=\"de728d2ba2b3b92dc5810b6d28d0bf9d919a118edae41ff42fec8fc648d6493e\"";
    /// let parsed = m800_sign::ParsedAuthorization::parse(header)?;
    /// assert_eq!(parsed.key(), "a-demo-key");
    /// # Ok::<(), m800_sign::Error>(())
    /// ```
    pub fn key(&self) -> &str {
        self.key.as_str()
    }
    /// The nonce.
    ///
    /// ```
    /// let header = "MAAIISDK10 key=\"a-demo-key\", nonce=\"cb-0001\", \
    ///     signature=\"de728d2ba2b3b92dc5810b6d28d0bf9d919a118edae41ff42fec8fc648d6493e\"";
    /// let parsed = m800_sign::ParsedAuthorization::parse(header)?;
    /// assert_eq!(parsed.nonce(), "cb-0001");
    /// # Ok::<(), m800_sign::Error>(())
    /// ```
    pub fn nonce(&self) -> &str {
        self.nonce.as_str()
    }
    /// The signature as sent (not decoded).
    ///
    /// ```
    /// let header = "MAAIISDK10 key=\"a-demo-key\", nonce=\"cb-0001\", \
    ///     signature=\"de728d2ba2b3b92dc5810b6d28d0bf9d919a118edae41ff42fec8fc648d6493e\"";
    /// let parsed = m800_sign::ParsedAuthorization::parse(header)?;
    /// assert_eq!(parsed.signature(), "de728d2ba2b3b92dc5810b6d28d0bf9d919a118edae41ff42fec8fc648d6493e");
    /// # Ok::<(), m800_sign::Error>(())
    /// ```
    pub fn signature(&self) -> &str {
        self.signature.as_str()
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
    ///
    /// ```
    /// use m800_sign::{Error, ParsedAuthorization};
    /// // Any case for the names, a token or a quoted-string with escapes for the values.
    /// let parsed = ParsedAuthorization::parse(r#"maaiisdk10 nonce=cb-0001 , KEY="a-demo\-key", signature="abc""#)?;
    /// assert_eq!((parsed.key(), parsed.nonce(), parsed.signature()), ("a-demo-key", "cb-0001", "abc"));
    /// assert_eq!(ParsedAuthorization::parse("Basic YWxhZGRpbjpvcGVuc2VzYW1l"), Err(Error::UnsupportedScheme));
    /// assert_eq!(ParsedAuthorization::parse(r#"MAAIISDK10 key="a-demo-key", nonce="n""#), Err(Error::MissingAuthParam));
    /// # Ok::<(), m800_sign::Error>(())
    /// ```
    pub fn parse(header: &'a str) -> Result<ParsedAuthorization<'a>> {
        let raw = AuthParams::parse(header)?;
        Ok(ParsedAuthorization {
            key: raw.key.param()?,
            nonce: raw.nonce.param()?,
            signature: raw.signature.param()?,
        })
    }
}

impl PartialEq for ParsedAuthorization<'_> {
    /// Equal values, whether borrowed or unescaped.
    fn eq(&self, other: &Self) -> bool {
        self.key() == other.key()
            && self.nonce() == other.nonce()
            && self.signature() == other.signature()
    }
}

impl Eq for ParsedAuthorization<'_> {}

impl core::fmt::Debug for ParsedAuthorization<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("ParsedAuthorization")
            .field("key", &self.key())
            .field("nonce", &self.nonce())
            .field("signature", &self.signature())
            .finish()
    }
}

/// An unescaped parameter value: the header's own text when it holds no
/// escape, else a copy of at most `N` bytes.
#[derive(Clone)]
pub(crate) enum Param<'a, const N: usize> {
    Borrowed(&'a str),
    Unescaped(heapless::String<N>),
}

impl<const N: usize> Param<'_, N> {
    pub(crate) fn as_str(&self) -> &str {
        match self {
            Param::Borrowed(s) => s,
            Param::Unescaped(s) => s,
        }
    }
}

/// One parameter value as it stands in the header: a token, or the inside of
/// a quoted-string with its quoted-pairs still escaped, and its length once
/// unescaped (checked against the parameter's limit while parsing).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct RawParam<'a> {
    text: &'a str,
    len: usize,
}

impl<'a> RawParam<'a> {
    /// The value when it holds no escape: the header's own text.
    pub(crate) fn borrowed(&self) -> Option<&'a str> {
        (self.len == self.text.len()).then_some(self.text)
    }

    /// The length of the value, unescaped.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// The bytes of the value, unescaped (each quoted-pair's backslash dropped).
    pub(crate) fn bytes(&self) -> impl Iterator<Item = u8> + 'a {
        let mut quoted = false;
        self.text.bytes().filter(move |&c| {
            let backslash = c == b'\\' && !quoted;
            quoted = backslash;
            !backslash
        })
    }

    /// The value, borrowed when it can be, else unescaped.
    pub(crate) fn param<const N: usize>(&self) -> Result<Param<'a, N>> {
        match self.borrowed() {
            Some(s) => Ok(Param::Borrowed(s)),
            None => self.unescape().map(Param::Unescaped),
        }
    }

    /// The value, unescaped into at most `N` bytes: each quoted-pair's
    /// backslash dropped, the text between copied as text (so no UTF-8 check
    /// of the result is linked).
    pub(crate) fn unescape<const N: usize>(&self) -> Result<heapless::String<N>> {
        let mut out = heapless::String::new();
        self.unescape_into(out.as_mut_view())?;
        Ok(out)
    }

    /// [`unescape`](Self::unescape) into any capacity: one copy of the code
    /// for every parameter.
    #[cold]
    #[inline(never)]
    pub(crate) fn unescape_into(&self, out: &mut heapless::string::StringView) -> Result<()> {
        let text = self.text;
        let mut push = |start: usize, end: usize| {
            let piece = text.get(start..end).ok_or(Error::MalformedAuthorization)?;
            out.push_str(piece)
                .map_err(|_| Error::MalformedAuthorization)
        };
        // Runs of text between quoted-pairs' backslashes, each run starting
        // with the escaped byte (a backslash too). A backslash is ASCII, so
        // both ends of every run are character boundaries.
        let mut start = 0;
        let mut i = 0;
        while let Some(&c) = text.as_bytes().get(i) {
            if c == b'\\' {
                push(start, i)?;
                start = i.wrapping_add(1);
                i = start;
            }
            i = i.wrapping_add(1);
        }
        push(start, text.len())
    }
}

/// The three parameters of an `Authorization` value, borrowed from it, still
/// escaped: what [`ParsedAuthorization::parse`] and the verifier share (the
/// verifier unescapes only what it needs, and only when there is an escape).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct AuthParams<'a> {
    pub(crate) key: RawParam<'a>,
    pub(crate) nonce: RawParam<'a>,
    pub(crate) signature: RawParam<'a>,
}

impl<'a> AuthParams<'a> {
    /// The grammar and errors of [`ParsedAuthorization::parse`]. Its own
    /// frame: the parser's state is gone before the verifier's next step.
    #[inline(never)]
    pub(crate) fn parse(header: &'a str) -> Result<AuthParams<'a>> {
        // The compact (firmware) build reads every header with the grammar
        // alone: the canonical reading is speed, not behaviour (the tests
        // hold the two to the same answers).
        #[cfg(not(m800_footprint = "compact"))]
        if let Some(params) = Self::parse_canonical(header) {
            return Ok(params);
        }
        #[cfg(not(m800_footprint = "compact"))]
        return Self::parse_general(header);
        #[cfg(m800_footprint = "compact")]
        return Self::parse_compact(header);
    }

    /// The grammar of [`parse_general`](Self::parse_general), with its
    /// answers for every input (Ok values and each error; the tests compare
    /// the two), as one straight pass over byte positions: the compact
    /// (firmware) build's parser, a fraction of the size.
    #[cfg(any(test, fuzzing, m800_footprint = "compact"))]
    fn parse_compact(header: &'a str) -> Result<AuthParams<'a>> {
        use Error::MalformedAuthorization as Bad;
        let b = header.as_bytes();
        let at = |i: usize| b.get(i).copied();
        // The first position at or after `i` whose byte is not `f`.
        let skip = |mut i: usize, f: fn(u8) -> bool| {
            while at(i).is_some_and(f) {
                i = i.wrapping_add(1);
            }
            i
        };
        let ows = |c: u8| c == b' ' || c == b'\t';
        let mut i = skip(0, is_tchar);
        if i == 0 {
            return Err(Bad);
        }
        if !b
            .get(..i)
            .is_some_and(|s| s.eq_ignore_ascii_case(SCHEME.as_bytes()))
        {
            return Err(Error::UnsupportedScheme);
        }
        let j = skip(i, |c| c == b' ');
        if j == i {
            return Err(Bad);
        }
        i = j;
        let mut slots: [Option<RawParam<'a>>; 3] = [None; 3];
        let mut params = false;
        loop {
            i = skip(i, ows);
            match at(i) {
                None => break,
                Some(b',') => {
                    i = i.wrapping_add(1);
                    continue;
                }
                Some(_) => {}
            }
            let start = i;
            i = skip(i, is_tchar);
            let name = b.get(start..i).unwrap_or_default();
            if name.is_empty() {
                return Err(Bad);
            }
            i = skip(i, ows);
            if at(i) != Some(b'=') {
                return Err(Bad);
            }
            i = skip(i.wrapping_add(1), ows);
            params = true;
            let known = [&b"key"[..], b"nonce", b"signature"]
                .iter()
                .position(|n| name.eq_ignore_ascii_case(n));
            let max = match known {
                Some(0) => KEY_MAX,
                Some(1) => NONCE_MAX,
                Some(_) => SIGNATURE_MAX,
                None => usize::MAX,
            };
            // Only reached past a limit: an unknown parameter has none.
            let too_long = || match known {
                Some(0) => Error::KeyTooLong,
                Some(1) => Error::NonceTooLong,
                _ => Bad,
            };
            let slot = known.and_then(|k| slots.get_mut(k));
            if slot.as_ref().is_some_and(|s| s.is_some()) {
                return Err(Error::DuplicateAuthParam);
            }
            let (start, end, len);
            if at(i) == Some(b'"') {
                i = i.wrapping_add(1);
                start = i;
                let mut n = 0usize;
                loop {
                    let c = at(i).ok_or(Bad)?;
                    i = i.wrapping_add(1);
                    if c == b'"' {
                        break;
                    }
                    // A quoted-pair: the escaped byte is checked instead.
                    let c = if c == b'\\' {
                        let q = at(i).ok_or(Bad)?;
                        i = i.wrapping_add(1);
                        q
                    } else {
                        c
                    };
                    // qdtext and quoted-pair of RFC 9110: HTAB, SP, VCHAR,
                    // obs-text.
                    if c != b'\t' && (c < b' ' || c == 0x7f) {
                        return Err(Bad);
                    }
                    n = n.wrapping_add(1);
                    if n > max {
                        return Err(too_long());
                    }
                }
                (end, len) = (i.wrapping_sub(1), n);
            } else {
                start = i;
                i = skip(i, is_tchar);
                (end, len) = (i, i.wrapping_sub(start));
                if len == 0 {
                    return Err(Bad);
                }
                if len > max {
                    return Err(too_long());
                }
            }
            let text = header.get(start..end).ok_or(Bad)?;
            if let Some(slot) = slot {
                *slot = Some(RawParam { text, len });
            }
            i = skip(i, ows);
            match at(i) {
                None => break,
                Some(b',') => i = i.wrapping_add(1),
                Some(_) => return Err(Bad),
            }
        }
        if !params {
            return Err(Bad);
        }
        Self::from_slots(slots)
    }

    /// The parameters once the list is read: each must have been there
    /// ([`Error::MissingAuthParam`] otherwise).
    #[inline(always)]
    fn from_slots(slots: [Option<RawParam<'a>>; 3]) -> Result<AuthParams<'a>> {
        let [key, nonce, signature] = slots;
        Ok(AuthParams {
            key: present(key)?,
            nonce: present(nonce)?,
            signature: present(signature)?,
        })
    }

    /// The form this library writes, `MAAIISDK10 key="K", nonce="N",
    /// signature="S"` with plain values within their limits, read without
    /// the general grammar's state machine; `None` for anything else, which
    /// [`parse_general`](Self::parse_general) then reads (the same answer
    /// for every header this accepts: see the tests).
    #[cfg(any(test, not(m800_footprint = "compact")))]
    fn parse_canonical(header: &'a str) -> Option<AuthParams<'a>> {
        let b = header.as_bytes();
        let rest = b.get(SCHEME.len()..)?;
        if !b
            .get(..SCHEME.len())?
            .eq_ignore_ascii_case(SCHEME.as_bytes())
        {
            return None;
        }
        let mut pos = SCHEME.len();
        let mut rest = rest;
        let mut value = |prefix: &[u8], max: usize| -> Option<RawParam<'a>> {
            rest = rest.strip_prefix(prefix)?;
            pos = pos.checked_add(prefix.len())?;
            let len = plain_run(rest.get(..max.saturating_add(1)).unwrap_or(rest));
            if len == 0 || len > max || rest.get(len) != Some(&b'"') {
                return None;
            }
            let text = header.get(pos..pos.checked_add(len)?)?;
            rest = rest.get(len.checked_add(1)?..)?;
            pos = pos.checked_add(len)?.checked_add(1)?;
            Some(RawParam { text, len })
        };
        let key = value(b" key=\"", KEY_MAX)?;
        let nonce = value(b", nonce=\"", NONCE_MAX)?;
        let signature = value(b", signature=\"", SIGNATURE_MAX)?;
        rest.is_empty().then_some(AuthParams {
            key,
            nonce,
            signature,
        })
    }

    /// The whole grammar: RFC 7235 auth-params (see the module documentation).
    #[cfg(any(test, not(m800_footprint = "compact")))]
    fn parse_general(header: &'a str) -> Result<AuthParams<'a>> {
        let mut p = Parser {
            s: header,
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
        // The parameters read, each with its limit and the error past it.
        let names = [
            (&b"key"[..], KEY_MAX, Error::KeyTooLong),
            (b"nonce", NONCE_MAX, Error::NonceTooLong),
            (b"signature", SIGNATURE_MAX, Error::MalformedAuthorization),
        ];
        let mut slots = [None; 3];
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
            let mut known = names.iter().zip(slots.iter_mut());
            match known.find(|((n, ..), _)| name.eq_ignore_ascii_case(n)) {
                Some(((_, max, too_long), slot)) => fill(slot, &mut p, *max, *too_long)?,
                None => {
                    p.value(usize::MAX, Error::MalformedAuthorization)?;
                }
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
        Self::from_slots(slots)
    }
}

/// Reads one parameter value into `slot`, refusing a second occurrence.
#[cfg(any(test, not(m800_footprint = "compact")))]
fn fill<'a>(
    slot: &mut Option<RawParam<'a>>,
    p: &mut Parser<'a>,
    max: usize,
    too_long: Error,
) -> Result<()> {
    if slot.is_some() {
        return Err(Error::DuplicateAuthParam);
    }
    *slot = Some(p.value(max, too_long)?);
    Ok(())
}

/// A parameter that was given with a non-empty value (an escape always
/// stands for one byte, so an empty raw text is an empty value).
fn present(value: Option<RawParam<'_>>) -> Result<RawParam<'_>> {
    match value {
        Some(v) if !v.text.is_empty() => Ok(v),
        _ => Err(Error::MissingAuthParam),
    }
}

/// The three readers held to one answer: what the unit tests and the
/// differential fuzz target (`tests/fuzz/fuzz_targets/authorization_readers.rs`,
/// built with the `fuzzing` cfg that cargo-fuzz sets) check. Not part of the
/// API. The comparison reports instead of asserting, so the library stays
/// panic-free in every build; the fuzz target does the asserting.
#[cfg(any(test, all(fuzzing, not(m800_footprint = "compact"))))]
#[doc(hidden)]
pub mod __fuzz {
    use super::AuthParams;
    use crate::Result;

    /// Two readers' different answers for one header: read through `Debug`.
    pub struct Disagreement<'a> {
        header: &'a str,
        reader: &'static str,
        answer: Result<AuthParams<'a>>,
        general: Result<AuthParams<'a>>,
    }

    impl core::fmt::Debug for Disagreement<'_> {
        fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
            f.debug_struct("Disagreement")
                .field("header", &self.header)
                .field("reader", &self.reader)
                .field("answer", &self.answer)
                .field("general", &self.general)
                .finish()
        }
    }

    /// The first disagreement for `header`, if any: the compact reader must
    /// give the general grammar's answer (each Ok value and each error), and
    /// the canonical reading, wherever it answers, the grammar's Ok value.
    pub fn disagreement(header: &str) -> Option<Disagreement<'_>> {
        let general = AuthParams::parse_general(header);
        let compact = AuthParams::parse_compact(header);
        if compact != general {
            return Some(Disagreement {
                header,
                reader: "compact",
                answer: compact,
                general,
            });
        }
        let canonical = AuthParams::parse_canonical(header)?;
        (general != Ok(canonical)).then_some(Disagreement {
            header,
            reader: "canonical",
            answer: Ok(canonical),
            general,
        })
    }
}

/// Whether `c` is plain quoted-string text: SP, VCHAR other than `"` and
/// `\\`, or obs-text (HTAB, allowed but rare, is left to the byte loop).
#[cfg(any(test, not(m800_footprint = "compact")))]
fn is_plain(c: u8) -> bool {
    c == b' ' || ((0x21..=0x7e).contains(&c) && c != b'"' && c != b'\\') || c >= 0x80
}

/// How many leading bytes of `b` are plain ([`is_plain`]), one at a time: the
/// rule the word-wise one is tested against (compact builds read quoted
/// values with the byte loop of `Parser::value` alone).
#[cfg(test)]
fn plain_run_bytewise(b: &[u8]) -> usize {
    b.iter().position(|&c| !is_plain(c)).unwrap_or(b.len())
}

#[cfg(all(test, m800_footprint = "compact"))]
use plain_run_bytewise as plain_run;

/// How many leading bytes of `b` are plain ([`is_plain`]). Eight bytes at a
/// time, without a branch per byte: a byte loop was the largest part of the
/// `Authorization` parse.
#[cfg(not(m800_footprint = "compact"))]
fn plain_run(b: &[u8]) -> usize {
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // Bit 7 of each byte that is zero, exactly (no carry crosses a byte).
    fn zero_bytes(x: u64) -> u64 {
        !((x & LOW7).wrapping_add(LOW7) | x | LOW7)
    }
    let mut n = 0usize;
    let mut chunks = b.chunks_exact(8);
    for chunk in &mut chunks {
        let x = <[u8; 8]>::try_from(chunk).map_or(0, u64::from_le_bytes);
        // Bytes below 0x20: bit 7 clear in both the byte and its low 7 bits
        // plus 0x60.
        let control = !((x & LOW7).wrapping_add(0x6060_6060_6060_6060) | x) & HIGH;
        let stop = control
            | zero_bytes(x ^ 0x2222_2222_2222_2222)
            | zero_bytes(x ^ 0x5c5c_5c5c_5c5c_5c5c)
            | zero_bytes(x ^ 0x7f7f_7f7f_7f7f_7f7f);
        if stop != 0 {
            return n.wrapping_add((stop.trailing_zeros() / 8) as usize);
        }
        n = n.wrapping_add(8);
    }
    let rest = chunks.remainder();
    n.wrapping_add(
        rest.iter()
            .position(|&c| !is_plain(c))
            .unwrap_or(rest.len()),
    )
}

#[cfg(any(test, not(m800_footprint = "compact")))]
struct Parser<'a> {
    s: &'a str,
    b: &'a [u8],
    pos: usize,
}

#[cfg(any(test, not(m800_footprint = "compact")))]
impl<'a> Parser<'a> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.pos).copied()
    }

    fn bump(&mut self) {
        self.pos = self.pos.saturating_add(1);
    }

    #[inline]
    fn take_while(&mut self, pred: impl Fn(u8) -> bool) -> &'a [u8] {
        let rest = self.b.get(self.pos..).unwrap_or_default();
        let taken = rest
            .get(..rest.iter().position(|&c| !pred(c)).unwrap_or(rest.len()))
            .unwrap_or_default();
        self.pos = self.pos.saturating_add(taken.len());
        taken
    }

    fn skip_ows(&mut self) {
        self.take_while(|c| c == b' ' || c == b'\t');
    }

    /// The header's text from `start` to `end`: both sit next to ASCII
    /// delimiters (or the ends), so they are character boundaries.
    fn text(&self, start: usize, end: usize) -> Result<&'a str> {
        self.s.get(start..end).ok_or(Error::MalformedAuthorization)
    }

    /// A token or a quoted-string, at most `max` bytes once unescaped
    /// (`too_long` past that, as soon as it is reached).
    fn value(&mut self, max: usize, too_long: Error) -> Result<RawParam<'a>> {
        if self.peek() != Some(b'"') {
            let start = self.pos;
            let token = self.take_while(is_tchar);
            if token.is_empty() {
                return Err(Error::MalformedAuthorization);
            }
            if token.len() > max {
                return Err(too_long);
            }
            return Ok(RawParam {
                text: self.text(start, self.pos)?,
                len: token.len(),
            });
        }
        self.bump();
        let start = self.pos;
        // qdtext and quoted-pair of RFC 9110: HTAB, SP, VCHAR, obs-text.
        let allowed = |c: u8| c == b'\t' || c == b' ' || (0x21..=0x7e).contains(&c) || c >= 0x80;
        // The common case first: no escape. Plain bytes up to the closing
        // quote, read no further than one past `max` (the same answers as the
        // loop below, which then resumes with what was read). Compact builds
        // leave every byte to the loop.
        #[cfg(not(m800_footprint = "compact"))]
        let plain = plain_run(
            self.b
                .get(start..)
                .unwrap_or_default()
                .get(..max.saturating_add(1))
                .unwrap_or_else(|| self.b.get(start..).unwrap_or_default()),
        );
        #[cfg(m800_footprint = "compact")]
        let plain = 0;
        let mut len = plain;
        self.pos = start.saturating_add(plain);
        if len > max {
            return Err(too_long);
        }
        loop {
            let c = self.peek().ok_or(Error::MalformedAuthorization)?;
            let end = self.pos;
            self.bump();
            match c {
                b'"' => {
                    return Ok(RawParam {
                        text: self.text(start, end)?,
                        len,
                    })
                }
                b'\\' => {
                    let quoted = self.peek().ok_or(Error::MalformedAuthorization)?;
                    self.bump();
                    if !allowed(quoted) {
                        return Err(Error::MalformedAuthorization);
                    }
                }
                c if allowed(c) => {}
                _ => return Err(Error::MalformedAuthorization),
            }
            len = len.saturating_add(1);
            if len > max {
                return Err(too_long);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::__fuzz::disagreement;
    use super::{plain_run, plain_run_bytewise, AuthParams, RawParam};
    extern crate std;
    use proptest::prelude::*;
    use std::string::String;
    use std::vec::Vec;

    proptest! {
        /// The unescaped copy holds exactly the bytes the constant-time
        /// comparison reads (`RawParam::bytes`), for any text: quoted-pairs,
        /// escaped backslashes and multi-byte characters, a dangling backslash.
        #[test]
        #[cfg_attr(miri, ignore = "safe code only; slow under Miri")]
        fn unescape_matches_the_byte_rule(text in "([a-z\\\\\"é€😀 ]){0,40}") {
            let len = RawParam { text: &text, len: 0 }.bytes().count();
            let raw = RawParam { text: &text, len };
            let want = String::from_utf8(raw.bytes().collect()).unwrap();
            let got = raw.unescape::<256>().unwrap();
            prop_assert_eq!(got.as_str(), want.as_str());
            if len > 0 {
                prop_assert!(raw.unescape::<0>().is_err());
            }
        }
    }

    /// The compact parser's answer for `h` against the full grammar's: the
    /// same parameters or the same error (and the canonical reading's, where
    /// it answers: see [`disagreement`]).
    fn same_answer(h: &str) -> Result<(), TestCaseError> {
        match disagreement(h) {
            None => Ok(()),
            Some(d) => Err(TestCaseError::fail(std::format!("{d:?}"))),
        }
    }

    /// A value of `n` bytes (`x`, some escaped) for the limit tests.
    fn long(n: usize, escaped: bool) -> String {
        (0..n)
            .map(|i| if escaped && i % 3 == 0 { "\\x" } else { "x" })
            .collect()
    }

    proptest! {
        /// The compact parser (the firmware's) gives the full grammar's
        /// answer, Ok values and each error alike, on text built from the
        /// grammar's own pieces.
        #[test]
        #[cfg_attr(miri, ignore = "safe code only; slow under Miri")]
        fn compact_parser_agrees_on_grammar_pieces(
            h in "(MAAIISDK10 |maaiisdk10\t)?(MAAIISDK10|maaiisdk10|Basic|key|KEY|nonce|signature|sig|[ \t,=\"\\\\]|[a-z0-9.~]{1,3}|[\\x00\\x1f\\x7fé€]){0,40}"
        ) {
            same_answer(&h)?;
        }

        /// The same on arbitrary text.
        #[test]
        #[cfg_attr(miri, ignore = "safe code only; slow under Miri")]
        fn compact_parser_agrees_on_any_text(h in "\\PC{0,80}|.{0,80}") {
            same_answer(&h)?;
        }

        /// The same on valid headers (quoted or token values, escapes,
        /// values at and past each limit, spacing, empty elements, unknown
        /// and repeated parameters) with up to three bytes replaced,
        /// inserted or dropped.
        #[test]
        #[cfg_attr(miri, ignore = "safe code only; slow under Miri")]
        fn compact_parser_agrees_on_mutated_headers(
            key_len in prop_oneof![1usize..8, 125usize..131],
            nonce_len in prop_oneof![1usize..8, 61usize..67],
            sig_len in prop_oneof![1usize..8, 61usize..67],
            escaped in any::<bool>(),
            token in any::<bool>(),
            sep in prop_oneof![Just(", "), Just(","), Just(" ,\t, "), Just(" , ")],
            extra in prop_oneof![Just(""), Just(", realm=\"r\""), Just(", key=\"k\""), Just(", x=y,")],
            edits in proptest::collection::vec(
                (0usize..400, 0u8..3, prop_oneof![
                    Just(b' '), Just(b'\t'), Just(b'"'), Just(b','), Just(b'\\'),
                    Just(b'='), Just(b'a'), Just(0x7f), Just(0u8), Just(b'\n')
                ]),
                0..4
            ),
        ) {
            let value = |n: usize| {
                if token { long(n, false) } else { std::format!("\"{}\"", long(n, escaped)) }
            };
            let h = std::format!(
                "MAAIISDK10 key={}{sep}nonce={}{sep}signature={}{extra}",
                value(key_len), value(nonce_len), value(sig_len)
            );
            same_answer(&h)?;
            let mut b = h.into_bytes();
            for (at, op, c) in edits {
                let at = at % (b.len() + 1);
                match op {
                    0 if at < b.len() => b[at] = c,
                    1 => b.insert(at, c),
                    _ if at < b.len() => { b.remove(at); }
                    _ => {}
                }
            }
            same_answer(core::str::from_utf8(&b).unwrap())?;
        }
    }

    /// The in-place writer of the C layer writes exactly what
    /// `Authorization::write_checked` does, and refuses a buffer one byte
    /// short instead of truncating.
    #[cfg(feature = "ffi")]
    #[test]
    fn write_checked_into_matches_write_checked() {
        let key = "k".repeat(crate::limits::KEY_MAX);
        let nonce = "n".repeat(crate::limits::NONCE_MAX);
        let sig = "s".repeat(crate::limits::SIGNATURE_MAX);
        for (k, n, s) in [
            ("a-demo-key", "19aca559e000", "de728d2b"),
            (&key, &nonce, &sig),
        ] {
            let mut a = super::Authorization::EMPTY;
            a.write_checked(k, n, s).unwrap();
            let mut buf = [0u8; crate::limits::AUTHORIZATION_MAX];
            let len = super::write_checked_into(&mut buf, k, n, s.as_bytes()).unwrap();
            assert_eq!(&buf[..len], a.as_str().as_bytes());
            let short = &mut buf[..len - 1];
            assert_eq!(
                super::write_checked_into(short, k, n, s.as_bytes()),
                Err(crate::Error::BufferTooSmall {
                    needed: crate::limits::AUTHORIZATION_MAX
                })
            );
        }
    }

    /// Wherever the canonical reading answers, the general grammar gives the
    /// same parameters: canonical headers, and each of them with every byte
    /// replaced by each of a set of bytes, one byte dropped, or one inserted.
    #[test]
    #[cfg_attr(miri, ignore = "safe code only; slow under Miri")]
    fn canonical_reading_agrees_with_the_grammar() {
        let nonce_max = "n".repeat(crate::limits::NONCE_MAX);
        let bases = [
            String::from(
                r#"MAAIISDK10 key="a-demo-key", nonce="19aca559e000", signature="de728d2b""#,
            ),
            String::from(r#"maaiisdk10 key="k", nonce="n", signature="s""#),
            std::format!(r#"MAAIISDK10 key="k", nonce="{nonce_max}", signature="s""#),
        ];
        let bytes = b" \t\",\\=aZ\x7f\x00\xc3";
        let mut headers: Vec<Vec<u8>> = Vec::new();
        for base in &bases {
            let b = base.as_bytes();
            headers.push(b.to_vec());
            for i in 0..=b.len() {
                for &c in bytes {
                    if i < b.len() {
                        let mut h = b.to_vec();
                        h[i] = c;
                        headers.push(h);
                    }
                    let mut h = b.to_vec();
                    h.insert(i, c);
                    headers.push(h);
                }
                if i < b.len() {
                    let mut h = b.to_vec();
                    h.remove(i);
                    headers.push(h);
                }
            }
        }
        let mut canonical = 0;
        for h in &headers {
            let Ok(h) = core::str::from_utf8(h) else {
                continue;
            };
            if AuthParams::parse_canonical(h).is_some() {
                canonical += 1;
            }
            if let Some(d) = disagreement(h) {
                panic!("{d:?}");
            }
        }
        assert!(canonical > 100, "{canonical}");
    }

    /// Every byte value at every position of a 20-byte run (the 8-byte words
    /// and the remainder) against the byte-wise definition.
    #[test]
    #[cfg_attr(miri, ignore = "safe code only; slow under Miri")]
    fn plain_run_matches_the_byte_rule() {
        let plain = |c: u8| {
            c == b' ' || ((0x21..=0x7e).contains(&c) && c != b'"' && c != b'\\') || c >= 0x80
        };
        for c in 0..=u8::MAX {
            for at in 0..20 {
                let mut b = [b'a'; 20];
                b[at] = c;
                let want = if plain(c) { 20 } else { at };
                assert_eq!(plain_run(&b), want, "byte {c:#x} at {at}");
                assert_eq!(plain_run_bytewise(&b), want, "byte {c:#x} at {at}");
                // Bytes >= 0x80 around it do not disturb the words.
                let mut b = [0xffu8; 20];
                b[at] = c;
                assert_eq!(plain_run(&b), want, "byte {c:#x} at {at} among 0xff");
                assert_eq!(
                    plain_run_bytewise(&b),
                    want,
                    "byte {c:#x} at {at} among 0xff"
                );
            }
        }
        assert_eq!(plain_run(b""), 0);
        assert_eq!(plain_run_bytewise(b""), 0);
    }
}
