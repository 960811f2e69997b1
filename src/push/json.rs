//! JSON strings: the one escaper (for the body) and the one unescaper (for
//! responses and received bodies).

use core::fmt;

use crate::text::Writer;
use crate::{Error, Result};

/// Hands the JSON string literal of `s` (quotes included) to `sink` piece by
/// piece: `\"`, `\\`, `\n`, `\r`, `\t`, `\b`, `\f`, other code points below
/// U+0020 as `\u00XX` with lower-case hex, everything else raw UTF-8.
pub(super) fn feed_json_string(s: &str, sink: &mut dyn FnMut(&str)) {
    sink("\"");
    let mut start = 0usize;
    for (i, b) in s.bytes().enumerate() {
        let mut unicode = [b'\\', b'u', b'0', b'0', b'0', b'0'];
        let escape: &str = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            0x00..=0x1f => {
                crate::text::hex_encode(&[b], unicode.get_mut(4..).unwrap_or_default());
                core::str::from_utf8(&unicode).unwrap_or_default()
            }
            _ => continue,
        };
        // `i` is the index of an ASCII byte: both cuts are char boundaries.
        sink(s.get(start..i).unwrap_or_default());
        sink(escape);
        start = i.saturating_add(1);
    }
    sink(s.get(start..).unwrap_or_default());
    sink("\"");
}

/// Writes `s` as a JSON string literal, quotes included, into `buf`, escaped
/// as PROTOCOL.md section 1 says: `\"`, `\\`, `\n`, `\r`, `\t`, `\b`, `\f`,
/// other code points below U+0020 as `\u00XX` with lower-case hex, everything
/// else raw UTF-8 (the escaper of the push body; see also [`JsonString`]).
///
/// Fails only with [`Error::BufferTooSmall`] and the size that fits.
///
/// ```
/// use m800_sign::push::write_json_string;
/// let mut buf = [0u8; 32];
/// assert_eq!(write_json_string("say \"hi\"\n", &mut buf)?, r#""say \"hi\"\n""#);
/// # Ok::<(), m800_sign::Error>(())
/// ```
pub fn write_json_string<'b>(s: &str, buf: &'b mut [u8]) -> Result<&'b str> {
    let mut w = Writer::new(buf);
    feed_json_string(s, &mut |piece| w.push_str(piece));
    w.finish_str()
}

/// Displays a string as a JSON string literal, quotes included: the same
/// escaper as [`write_json_string`], for `write!` and `format!`.
///
/// ```
/// use m800_sign::push::JsonString;
/// let mut out = heapless::String::<32>::new();
/// core::fmt::write(&mut out, format_args!("{}", JsonString("a\"b\u{1}"))).unwrap();
/// assert_eq!(out, r#""a\"b\u0001""#);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct JsonString<'a>(pub &'a str);

impl fmt::Display for JsonString<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut result = Ok(());
        feed_json_string(self.0, &mut |piece| {
            if result.is_ok() {
                result = f.write_str(piece);
            }
        });
        result
    }
}

/// The value of four hex digits (either case) from `chars`.
fn hex4(chars: &mut core::str::Chars<'_>) -> Result<u32> {
    let mut value = 0u32;
    for _ in 0..4 {
        let digit = chars
            .next()
            .and_then(|c| c.to_digit(16))
            .ok_or(Error::MalformedResponse)?;
        value = value.wrapping_shl(4) | digit;
    }
    Ok(value)
}

/// Decodes the contents of a JSON string (between the quotes, RFC 8259
/// section 7) and hands each character to `sink`. Raw control characters, a
/// raw `"` (it would have ended the string), unknown escapes and unpaired
/// surrogates are [`Error::MalformedResponse`].
pub(super) fn decode_json_string(raw: &str, sink: &mut dyn FnMut(char)) -> Result<()> {
    let malformed = Error::MalformedResponse;
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        let decoded = match c {
            '\\' => match chars.next().ok_or(malformed)? {
                '"' => '"',
                '\\' => '\\',
                '/' => '/',
                'b' => '\u{8}',
                'f' => '\u{c}',
                'n' => '\n',
                'r' => '\r',
                't' => '\t',
                'u' => match hex4(&mut chars)? {
                    high @ 0xd800..=0xdbff => {
                        if chars.next() != Some('\\') || chars.next() != Some('u') {
                            return Err(malformed);
                        }
                        let low = hex4(&mut chars)?;
                        if !(0xdc00..=0xdfff).contains(&low) {
                            return Err(malformed);
                        }
                        let code = 0x10000u32
                            .wrapping_add((high & 0x3ff).wrapping_shl(10))
                            .wrapping_add(low & 0x3ff);
                        char::from_u32(code).ok_or(malformed)?
                    }
                    code => char::from_u32(code).ok_or(malformed)?,
                },
                _ => return Err(malformed),
            },
            c if c < '\u{20}' || c == '"' => return Err(malformed),
            c => c,
        };
        sink(decoded);
    }
    Ok(())
}

/// A string from a JSON response or a received push body, as it appears
/// between the quotes (escapes kept), borrowed from that JSON and already
/// checked to decode. `Display` shows the decoded text.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct JsonText<'a>(&'a str);

impl<'a> JsonText<'a> {
    pub(super) fn new(raw: &'a str) -> Result<Self> {
        decode_json_string(raw, &mut |_| {})?;
        Ok(JsonText(raw))
    }

    /// Takes `raw`, the text between the quotes of a JSON string (escapes
    /// kept), e.g. a [`raw`](Self::raw) view handed back by C code. Raw
    /// control characters, a raw `"`, unknown escapes and unpaired surrogates
    /// are [`Error::MalformedResponse`].
    ///
    /// ```
    /// use m800_sign::push::JsonText;
    /// let text = JsonText::from_raw(r"a\u00e9\n")?;
    /// assert_eq!(text.unescape(&mut [0u8; 8])?, "a\u{e9}\n");
    /// assert!(JsonText::from_raw(r"\x").is_err());
    /// assert!(JsonText::from_raw(r#"say "hi""#).is_err());
    /// # Ok::<(), m800_sign::Error>(())
    /// ```
    pub fn from_raw(raw: &'a str) -> Result<Self> {
        Self::new(raw)
    }

    /// The text as it appears in the JSON, escapes kept.
    ///
    /// ```
    /// use m800_sign::push::JsonText;
    /// assert_eq!(JsonText::from_raw(r"caf\u00e9")?.raw(), r"caf\u00e9");
    /// # Ok::<(), m800_sign::Error>(())
    /// ```
    pub fn raw(&self) -> &'a str {
        self.0
    }

    /// The text itself when it holds no escape (the usual case), without copying;
    /// `None` when it does (then see [`unescape`](Self::unescape)).
    ///
    /// ```
    /// use m800_sign::push::JsonText;
    /// assert_eq!(JsonText::from_raw("r-42")?.as_plain(), Some("r-42"));
    /// assert_eq!(JsonText::from_raw(r"r\/42")?.as_plain(), None);
    /// # Ok::<(), m800_sign::Error>(())
    /// ```
    pub fn as_plain(&self) -> Option<&'a str> {
        (!self.0.contains('\\')).then_some(self.0)
    }

    /// Writes the decoded text into `buf` (never longer than [`raw`](Self::raw)).
    ///
    /// Fails only with [`Error::BufferTooSmall`] and the size that fits.
    ///
    /// ```
    /// use m800_sign::{push::JsonText, Error};
    /// let text = JsonText::from_raw(r"caf\u00e9 \ud83d\ude00")?;
    /// assert_eq!(text.unescape(&mut [0u8; 16])?, "caf\u{e9} \u{1f600}");
    /// assert_eq!(text.unescape(&mut [0u8; 4]), Err(Error::BufferTooSmall { needed: 10 }));
    /// assert_eq!(text.to_string(), "caf\u{e9} \u{1f600}");
    /// # Ok::<(), m800_sign::Error>(())
    /// ```
    pub fn unescape<'b>(&self, buf: &'b mut [u8]) -> Result<&'b str> {
        let mut w = Writer::new(buf);
        decode_json_string(self.0, &mut |c| {
            w.push_str(c.encode_utf8(&mut [0u8; 4]));
        })?;
        w.finish_str()
    }
}

/// Shows the decoded text.
impl fmt::Display for JsonText<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut result = Ok(());
        let decoded = decode_json_string(self.0, &mut |c| {
            if result.is_ok() {
                result = fmt::Write::write_char(f, c);
            }
        });
        match decoded {
            Ok(()) => result,
            Err(_) => Err(fmt::Error),
        }
    }
}

impl fmt::Debug for JsonText<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("\"")?;
        f.write_str(self.0)?;
        f.write_str("\"")
    }
}
