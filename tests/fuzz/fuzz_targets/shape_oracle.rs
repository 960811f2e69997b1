//! The oracle of the push targets: serde_json reading one of the documented
//! shapes, each optional member through [`present`] (absent is `None`, `null`
//! is refused). For the push body, [`read`]: a struct derived with
//! `deny_unknown_fields` (serde's derive refuses a duplicated field too),
//! plus the two rules of `src/push/wire.rs` that a derived struct cannot say.
//! (The answer admits unknown members: push_response.rs has its own rules.)

use serde::de::{self, Deserialize, Deserializer, MapAccess, Visitor};
use std::fmt;

/// An optional member: absent is `None` (with `#[serde(default)]`), present
/// is its value, and `null` is refused like any other wrong type (a plain
/// `Option` field would read `null` as absent).
pub fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Option<T>, D::Error> {
    T::deserialize(d).map(Some)
}

/// `data` read as `T` by serde_json, where the JSON text also passes [`Plain`].
pub fn read<'a, T: Deserialize<'a>>(data: &'a [u8]) -> Option<T> {
    let value = serde_json::from_slice::<T>(data).ok()?;
    serde_json::from_slice::<Plain>(data).ok()?;
    Some(value)
}

/// What serde_json accepts for a derived struct and our reader refuses, on
/// purpose, checked over the whole text:
/// - an array: serde_json hands a derived struct a JSON array as its fields
///   in order (`[{"content":"a"}]` is a push body to it); the documented
///   shapes are objects, and an array is no object.
/// - a key with an escape (`"request\u0049d"`): our reader matches keys as
///   written, as serde-json-core did (tests/push.rs, response_reader_edges);
///   serde_json decodes them. A refusal, never a wrong acceptance. The key is
///   read as a borrowed `&str`, which serde_json can give only for a key
///   without escapes (an escaped one is decoded into a copy).
pub struct Plain;

impl<'de> Deserialize<'de> for Plain {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(PlainVisitor)
    }
}

struct PlainVisitor;

impl<'de> Visitor<'de> for PlainVisitor {
    type Value = Plain;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("objects with unescaped keys, strings and numbers")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Plain, A::Error> {
        while map.next_key::<&'de str>()?.is_some() {
            map.next_value::<Plain>()?;
        }
        Ok(Plain)
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<Plain, E> {
        Ok(Plain)
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Plain, E> {
        Ok(Plain)
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Plain, E> {
        Ok(Plain)
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Plain, E> {
        Ok(Plain)
    }
}
