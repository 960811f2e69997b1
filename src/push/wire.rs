//! The two documented shapes, for `serde-json-core`.
use serde::{Deserialize, Deserializer};
use serde_json_core::str::EscapedStr;

/// A member that may be absent but, when present, is never `null`.
pub(super) struct Present<T>(pub(super) Option<T>);

impl<T> Default for Present<T> {
    fn default() -> Self {
        Present(None)
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Present<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        T::deserialize(d).map(|v| Present(Some(v)))
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Reply<'a> {
    #[serde(rename = "requestId", borrow, default)]
    pub(super) request_id: Present<EscapedStr<'a>>,
    #[serde(borrow, default)]
    pub(super) error: Present<ErrorObject<'a>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct PushBody<'a> {
    #[serde(rename = "appMessage", borrow)]
    pub(super) app_message: Content<'a>,
    #[serde(borrow, default)]
    pub(super) push: Present<Content<'a>>,
    #[serde(borrow, default)]
    pub(super) sender: Present<EscapedStr<'a>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Content<'a> {
    #[serde(borrow)]
    pub(super) content: EscapedStr<'a>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ErrorObject<'a> {
    pub(super) status: u16,
    pub(super) code: i64,
    #[serde(borrow)]
    pub(super) message: EscapedStr<'a>,
}
