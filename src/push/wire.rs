//! The two documented shapes (`{"requestId"}` / `{"error"}` and the push
//! body), read by a strict JSON reader of our own: objects whose members are
//! strings, integers or such objects, whitespace (space, tab, CR, LF) between
//! tokens, no duplicated member, no `null` for a member we read, nothing
//! after the value but whitespace. Strings stay raw (escapes kept, checked
//! later by `JsonText`). `None` is any departure from that; callers name the
//! error.
//!
//! The push body admits no other member. The API's answer admits members we
//! do not know, at any place (so that a member M800 adds later does not turn
//! an accepted push into a failure): each is read as any JSON value
//! ([`Reader::skip_value`], nested at most [`DEPTH_MAX`] deep) and dropped.
//! Their names must be written without escapes, as ours are matched as
//! written: `"request\u0049d"` would otherwise be a second `requestId` read
//! as an unknown member.
//!
//! In place of serde-json-core, which read the same shapes with the same
//! answers: its string scanner links `core::panicking` into bare-metal images
//! (bounds checks it cannot prove), which the C firmware check forbids.

use super::json::decode_json_string;

/// How deep an answer may nest objects and arrays, counting its own braces:
/// deeper is refused (the reader keeps one bit a level).
pub(super) const DEPTH_MAX: u32 = 64;

/// A cursor over the bytes of a JSON text.
struct Reader<'a> {
    rest: &'a [u8],
}

impl<'a> Reader<'a> {
    /// The next byte after whitespace, not consumed.
    fn peek(&mut self) -> Option<u8> {
        while let [b' ' | b'\t' | b'\r' | b'\n', rest @ ..] = self.rest {
            self.rest = rest;
        }
        self.rest.first().copied()
    }

    /// Consumes `byte` (after whitespace), or fails.
    fn eat(&mut self, byte: u8) -> Option<()> {
        match self.peek() {
            Some(b) if b == byte => {
                self.rest = self.rest.get(1..)?;
                Some(())
            }
            _ => None,
        }
    }

    /// A string's raw text between its quotes: up to the first `"` that no
    /// backslash escapes, and UTF-8.
    fn string(&mut self) -> Option<&'a str> {
        self.eat(b'"')?;
        let text = self.rest;
        let mut len = 0usize;
        let mut escaped = false;
        for &b in text {
            match b {
                b'"' if !escaped => {
                    self.rest = text.get(len.checked_add(1)?..)?;
                    return core::str::from_utf8(text.get(..len)?).ok();
                }
                b'\\' => escaped = !escaped,
                _ => escaped = false,
            }
            len = len.checked_add(1)?;
        }
        None
    }

    /// The digits of an integer: `0`, or `1`-`9` then digits; each digit
    /// handed to `push` (which fails on overflow). A `0` followed by a digit
    /// is left for the caller's next token to refuse.
    fn digits(&mut self, push: &mut dyn FnMut(u8) -> Option<()>) -> Option<()> {
        match self.rest.first() {
            Some(b'0') => {
                self.rest = self.rest.get(1..)?;
                push(0)
            }
            Some(b'1'..=b'9') => {
                while let [d @ b'0'..=b'9', rest @ ..] = self.rest {
                    push(d.wrapping_sub(b'0'))?;
                    self.rest = rest;
                }
                Some(())
            }
            _ => None,
        }
    }

    /// An integer that fits `u16`; no sign.
    fn u16(&mut self) -> Option<u16> {
        self.peek()?;
        let mut n = 0u16;
        self.digits(&mut |d| {
            n = n.checked_mul(10)?.checked_add(u16::from(d))?;
            Some(())
        })?;
        Some(n)
    }

    /// An integer that fits `i64`, with an optional `-` right before its digits.
    fn i64(&mut self) -> Option<i64> {
        let negative = self.peek()? == b'-';
        if negative {
            self.rest = self.rest.get(1..)?;
        }
        let mut n = 0i64;
        self.digits(&mut |d| {
            let d = i64::from(d);
            n = n
                .checked_mul(10)?
                .checked_add(if negative { d.checked_neg()? } else { d })?;
            Some(())
        })?;
        Some(n)
    }

    /// An object: each member's key (raw) to `member`, which reads the value
    /// (and fails on a key it does not know or has seen).
    fn object(&mut self, member: &mut dyn FnMut(&mut Self, &'a str) -> Option<()>) -> Option<()> {
        self.eat(b'{')?;
        if self.eat(b'}').is_some() {
            return Some(());
        }
        loop {
            let key = self.string()?;
            self.eat(b':')?;
            member(self, key)?;
            if self.eat(b',').is_none() {
                return self.eat(b'}');
            }
        }
    }

    /// Reads any one JSON value and drops it: a string that decodes, a
    /// number (RFC 8259 section 6), `true`, `false`, `null`, or arrays and
    /// objects of them nested at most `depth` levels (this one included).
    /// Without recursion: bit `n` of `objects` says whether level `n` is an
    /// object (else an array).
    fn skip_value(&mut self, depth: u32) -> Option<()> {
        let (mut objects, mut level) = (0u64, 0u32);
        loop {
            // One value, or the opening of a container.
            let opened = match self.peek()? {
                open @ (b'{' | b'[') => {
                    self.rest = self.rest.get(1..)?;
                    // An empty container is a level too.
                    let inner = level.checked_add(1).filter(|&l| l <= depth)?;
                    let close = if open == b'{' { b'}' } else { b']' };
                    if self.eat(close).is_some() {
                        false
                    } else {
                        level = inner;
                        let bit = 1u64.checked_shl(level.wrapping_sub(1))?;
                        if open == b'{' {
                            objects |= bit;
                            self.skip_key()?;
                        } else {
                            objects &= !bit;
                        }
                        true
                    }
                }
                b'"' => {
                    decode_json_string(self.string()?, &mut |_| {}).ok()?;
                    false
                }
                b't' => self.literal(b"true")?,
                b'f' => self.literal(b"false")?,
                b'n' => self.literal(b"null")?,
                _ => self.number()?,
            };
            if opened {
                continue;
            }
            // After a whole value: a comma goes on, else close containers.
            loop {
                let Some(top) = level.checked_sub(1) else {
                    return Some(());
                };
                let in_object = objects.checked_shr(top)? & 1 == 1;
                if self.eat(b',').is_some() {
                    if in_object {
                        self.skip_key()?;
                    }
                    break;
                }
                self.eat(if in_object { b'}' } else { b']' })?;
                level = top;
            }
        }
    }

    /// An object member's name (a string that decodes) and its `:`.
    fn skip_key(&mut self) -> Option<()> {
        decode_json_string(self.string()?, &mut |_| {}).ok()?;
        self.eat(b':')
    }

    /// Consumes `word` (after whitespace); `Some(false)`: a whole value, no
    /// container opened.
    fn literal(&mut self, word: &[u8]) -> Option<bool> {
        self.peek()?;
        // Byte by byte: a slice comparison here would be the firmware's
        // only other caller of core's, which then stops being inlined.
        let mut rest = self.rest.iter();
        if !word.iter().all(|w| rest.next() == Some(w)) {
            return None;
        }
        self.rest = rest.as_slice();
        Some(false)
    }

    /// A number: `-`? then `0` or `1`-`9` digits, then `.` digits?, then
    /// `e`/`E`, a sign? and digits? (RFC 8259 section 6). `Some(false)` as
    /// for [`literal`](Self::literal).
    fn number(&mut self) -> Option<bool> {
        self.peek()?;
        if let [b'-', rest @ ..] = self.rest {
            self.rest = rest;
        }
        self.digits(&mut |_| Some(()))?;
        if let [b'.', rest @ ..] = self.rest {
            self.rest = rest;
            self.some_digits()?;
        }
        if let [b'e' | b'E', rest @ ..] = self.rest {
            self.rest = rest;
            if let [b'+' | b'-', rest @ ..] = self.rest {
                self.rest = rest;
            }
            self.some_digits()?;
        }
        Some(false)
    }

    /// One or more decimal digits.
    fn some_digits(&mut self) -> Option<()> {
        let count = self.rest.iter().take_while(|b| b.is_ascii_digit()).count();
        self.rest = self.rest.get(count..).filter(|_| count > 0)?;
        Some(())
    }

    /// Only whitespace is left.
    fn end(&mut self) -> Option<()> {
        self.peek().is_none().then_some(())
    }
}

/// Reads one whole JSON text with `value`: whitespace around it, nothing else.
fn whole<'a, T>(bytes: &'a [u8], value: impl FnOnce(&mut Reader<'a>) -> Option<T>) -> Option<T> {
    let mut r = Reader { rest: bytes };
    let v = value(&mut r)?;
    r.end()?;
    Some(v)
}

/// Fills `slot` with a member's value, once.
fn set<T>(slot: &mut Option<T>, value: Option<T>) -> Option<()> {
    if slot.is_some() {
        return None;
    }
    *slot = Some(value?);
    Some(())
}

/// `{"content": "..."}`.
fn content<'a>(r: &mut Reader<'a>) -> Option<&'a str> {
    let mut text = None;
    r.object(&mut |r, key| match key {
        "content" => set(&mut text, r.string()),
        _ => None,
    })?;
    text
}

/// A member of the answer we do not know: its name written without escapes
/// (see the module doc), its value any JSON nested at most `depth` deep,
/// dropped.
fn unknown(r: &mut Reader<'_>, name: &str, depth: u32) -> Option<()> {
    if name.bytes().any(|b| b == b'\\') {
        return None;
    }
    decode_json_string(name, &mut |_| {}).ok()?;
    r.skip_value(depth)
}

/// A push response: `requestId` and `error` each at most once (which of
/// them is the caller's question).
pub(super) struct Reply<'a> {
    pub(super) request_id: Option<&'a str>,
    pub(super) error: Option<ErrorObject<'a>>,
}

/// `{"status": N, "code": N, "message": "..."}`, all three.
pub(super) struct ErrorObject<'a> {
    pub(super) status: u16,
    pub(super) code: i64,
    pub(super) message: &'a str,
}

pub(super) fn reply(body: &[u8]) -> Option<Reply<'_>> {
    whole(body, |r| {
        let (mut request_id, mut error) = (None, None);
        r.object(&mut |r, key| match key {
            "requestId" => set(&mut request_id, r.string()),
            "error" => set(&mut error, error_object(r)),
            other => unknown(r, other, DEPTH_MAX - 1),
        })?;
        Some(Reply { request_id, error })
    })
}

fn error_object<'a>(r: &mut Reader<'a>) -> Option<ErrorObject<'a>> {
    let (mut status, mut code, mut message) = (None, None, None);
    r.object(&mut |r, key| match key {
        "status" => set(&mut status, r.u16()),
        "code" => set(&mut code, r.i64()),
        "message" => set(&mut message, r.string()),
        other => unknown(r, other, DEPTH_MAX - 2),
    })?;
    Some(ErrorObject {
        status: status?,
        code: code?,
        message: message?,
    })
}

/// A push body: `appMessage` (required), `push` and `sender`.
pub(super) struct PushBody<'a> {
    pub(super) app_message: &'a str,
    pub(super) push: Option<&'a str>,
    pub(super) sender: Option<&'a str>,
}

pub(super) fn push_body(body: &[u8]) -> Option<PushBody<'_>> {
    whole(body, |r| {
        let (mut app_message, mut push, mut sender) = (None, None, None);
        r.object(&mut |r, key| match key {
            "appMessage" => set(&mut app_message, content(r)),
            "push" => set(&mut push, content(r)),
            "sender" => set(&mut sender, r.string()),
            _ => None,
        })?;
        Some(PushBody {
            app_message: app_message?,
            push,
            sender,
        })
    })
}
