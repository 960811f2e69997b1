//! The nonce: what it may hold, and the generator.
//!
//! Any printable ASCII without `"` or `\` is accepted on the wire (at most
//! [`NONCE_MAX`] bytes). The generator produces the form of M800's reference
//! clients: the millisecond Unix time in lower-case hex, then 16 hex digits of
//! secure randomness.
#![forbid(unsafe_code)]

use crate::limits::NONCE_MAX;
use crate::text::{hex_encode, is_header_safe};
use crate::{Error, Result};

/// A checked nonce, stored inline: made by [`Nonce::new`], [`Nonce::generate`]
/// or (feature `std`) `Nonce::fresh`.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Nonce(heapless::String<NONCE_MAX>);

impl Nonce {
    /// Checks `text` as a nonce for a header: 1..=[`NONCE_MAX`] bytes of printable
    /// ASCII without `"` or `\`. Errors: those of [`check`].
    ///
    /// ```
    /// use m800_sign::{Error, Nonce};
    /// assert_eq!(Nonce::new("cb-0001")?.as_str(), "cb-0001");
    /// assert_eq!(Nonce::new(""), Err(Error::EmptyNonce));
    /// assert_eq!(Nonce::new("a\"b"), Err(Error::InvalidNonce));
    /// # Ok::<(), m800_sign::Error>(())
    /// ```
    pub fn new(text: &str) -> Result<Nonce> {
        check(text)?;
        let mut s = heapless::String::new();
        s.push_str(text).map_err(|_| Error::NonceTooLong)?;
        Ok(Nonce(s))
    }

    /// The generator's form: `unix_ms` in lower-case hex without leading zeros,
    /// then `random` (8 bytes from a secure source) as 16 hex digits. For
    /// targets without `std`, which bring their own clock and random source.
    ///
    /// ```
    /// use m800_sign::Nonce;
    /// let nonce = Nonce::generate(1764331200001, [0x02, 0x46, 0x8a, 0xcf, 0x13, 0x57, 0x9b, 0xde]);
    /// assert_eq!(nonce.as_str(), "19aca559e0102468acf13579bde");
    /// assert_eq!(Nonce::generate(0, [0xff; 8]).as_str(), "0ffffffffffffffff");
    /// ```
    pub fn generate(unix_ms: u64, random: [u8; 8]) -> Nonce {
        let mut time_hex = [0u8; 16];
        hex_encode(&unix_ms.to_be_bytes(), &mut time_hex);
        let skip = time_hex
            .iter()
            .position(|&c| c != b'0')
            .unwrap_or(time_hex.len().saturating_sub(1));
        let mut rand_hex = [0u8; 16];
        hex_encode(&random, &mut rand_hex);
        let mut s = heapless::String::new();
        for c in time_hex.iter().skip(skip).chain(rand_hex.iter()) {
            // At most 32 ASCII digits: always fits the 64-byte capacity.
            let _ = s.push(char::from(*c));
        }
        Nonce(s)
    }

    /// A fresh nonce from the system clock and the operating system's random
    /// source (feature `std`): [`generate`](Self::generate) with the current
    /// millisecond time and 8 random bytes.
    ///
    /// Errors: [`Error::ClockBeforeEpoch`], [`Error::RandomUnavailable`].
    ///
    /// ```
    /// use m800_sign::Nonce;
    /// let (a, b) = (Nonce::fresh()?, Nonce::fresh()?);
    /// assert_ne!(a, b);
    /// // 11 hex digits of milliseconds (until the year 2527), 16 random ones.
    /// assert_eq!(a.as_str().len(), 27);
    /// # Ok::<(), m800_sign::Error>(())
    /// ```
    #[cfg(feature = "std")]
    pub fn fresh() -> Result<Nonce> {
        let unix_ms = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_err(|_| Error::ClockBeforeEpoch)?
            .as_millis();
        let mut random = [0u8; 8];
        getrandom::fill(&mut random).map_err(|_| Error::RandomUnavailable)?;
        Ok(Nonce::generate(
            u64::try_from(unix_ms).unwrap_or(u64::MAX),
            random,
        ))
    }

    /// The text.
    ///
    /// ```
    /// let nonce = m800_sign::Nonce::new("19aca559e0102468acf13579bde")?;
    /// assert_eq!(nonce.as_str(), "19aca559e0102468acf13579bde");
    /// # Ok::<(), m800_sign::Error>(())
    /// ```
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Checks a nonce for a header: non-empty, at most [`NONCE_MAX`] bytes, printable
/// ASCII without `"` or `\`.
///
/// Errors: [`Error::EmptyNonce`], [`Error::NonceTooLong`], [`Error::InvalidNonce`].
///
/// ```
/// use m800_sign::{nonce, Error};
/// assert_eq!(nonce::check("19aca559e0102468acf13579bde"), Ok(()));
/// assert_eq!(nonce::check(""), Err(Error::EmptyNonce));
/// assert_eq!(nonce::check(&"n".repeat(65)), Err(Error::NonceTooLong));
/// ```
pub fn check(nonce: &str) -> Result<()> {
    if nonce.is_empty() {
        return Err(Error::EmptyNonce);
    }
    check_chars(nonce)
}

/// Checks a nonce's length and characters only: the string to sign allows an
/// empty nonce (a header does not; see [`check`]).
///
/// Errors: [`Error::NonceTooLong`], [`Error::InvalidNonce`].
///
/// ```
/// use m800_sign::{nonce, Error};
/// assert_eq!(nonce::check_chars(""), Ok(()));
/// assert_eq!(nonce::check_chars("new\nline"), Err(Error::InvalidNonce));
/// ```
pub fn check_chars(nonce: &str) -> Result<()> {
    if nonce.len() > NONCE_MAX {
        return Err(Error::NonceTooLong);
    }
    if !crate::text::all_bytes(nonce.as_bytes(), is_header_safe) {
        return Err(Error::InvalidNonce);
    }
    Ok(())
}

impl core::fmt::Debug for Nonce {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_tuple("Nonce").field(&self.as_str()).finish()
    }
}
