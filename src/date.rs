//! `X-M-Date`: the RFC 7231 IMF-fixdate, e.g. `Thu, 12 Sep 2013 18:49:58 GMT`.
//!
//! Always `GMT`, English names, two-digit day; years 1970 through 9999. Parsing is
//! strict: exactly that layout, a real calendar date, and the weekday it falls on.
#![forbid(unsafe_code)]

use crate::limits::{UNIX_TIME_MAX, X_M_DATE_LEN};
use crate::{Error, Result};

const WEEKDAYS: [[u8; 3]; 7] = [
    *b"Thu", *b"Fri", *b"Sat", *b"Sun", *b"Mon", *b"Tue", *b"Wed",
];
const MONTHS: [[u8; 3]; 12] = [
    *b"Jan", *b"Feb", *b"Mar", *b"Apr", *b"May", *b"Jun", *b"Jul", *b"Aug", *b"Sep", *b"Oct",
    *b"Nov", *b"Dec",
];
const SECONDS_PER_DAY: u32 = 86_400;

/// An `X-M-Date` value: 29 ASCII bytes, made by [`HttpDate::from_unix`] or
/// [`HttpDate::parse`].
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct HttpDate([u8; X_M_DATE_LEN]);

/// Days since 1970-01-01 of a civil date (proleptic Gregorian; year >= 1970).
/// Howard Hinnant's `days_from_civil`, restricted to non-negative values.
// Calendar arithmetic on bounded values: day counts up to UNIX_TIME_MAX / 86400,
// years 1970..=9999, at most four digits: nothing here can overflow or underflow
// (days_from_civil is only called with year >= 1970, month 1..=12, day >= 1).
#[allow(clippy::arithmetic_side_effects)]
fn days_from_civil(year: u32, month: u32, day: u32) -> u32 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y / 400;
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date of a day count since 1970-01-01 (Hinnant's `civil_from_days`).
// Calendar arithmetic on bounded values: day counts up to UNIX_TIME_MAX / 86400,
// years 1970..=9999, at most four digits: nothing here can overflow or underflow
// (days_from_civil is only called with year >= 1970, month 1..=12, day >= 1).
#[allow(clippy::arithmetic_side_effects)]
fn civil_from_days(days: u32) -> (u32, u32, u32) {
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u32::from(month <= 2);
    (year, month, day)
}

// Calendar arithmetic on bounded values: day counts up to UNIX_TIME_MAX / 86400,
// years 1970..=9999, at most four digits: nothing here can overflow or underflow
// (days_from_civil is only called with year >= 1970, month 1..=12, day >= 1).
#[allow(clippy::arithmetic_side_effects)]
#[inline(never)] // six calls: one copy of the two divisions (smaller on Cortex-M)
fn two_digits(out: &mut [u8], value: u32) {
    if let [tens, ones] = out {
        *tens = b'0' + (value / 10 % 10) as u8;
        *ones = b'0' + (value % 10) as u8;
    }
}

// Calendar arithmetic on bounded values: day counts up to UNIX_TIME_MAX / 86400,
// years 1970..=9999, at most four digits: nothing here can overflow or underflow
// (days_from_civil is only called with year >= 1970, month 1..=12, day >= 1).
#[allow(clippy::arithmetic_side_effects)]
fn digits(bytes: &[u8]) -> Option<u32> {
    bytes.iter().try_fold(0u32, |acc, &c| {
        c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
    })
}

impl HttpDate {
    /// All zero bytes: a placeholder for storage filled in before it is
    /// handed out (zeros, so that it costs a memset, not a copy from flash).
    pub(crate) const UNSET: HttpDate = HttpDate([0; X_M_DATE_LEN]);

    /// The date for `unix_time` (seconds since 1970-01-01 00:00:00 UTC).
    ///
    /// Fails with [`Error::TimeOutOfRange`] past `Fri, 31 Dec 9999 23:59:59 GMT`
    /// ([`UNIX_TIME_MAX`]).
    ///
    /// ```
    /// use m800_sign::{Error, HttpDate};
    /// assert_eq!(HttpDate::from_unix(1764334800)?.as_str(), "Fri, 28 Nov 2025 13:00:00 GMT");
    /// assert_eq!(HttpDate::from_unix(0)?.as_str(), "Thu, 01 Jan 1970 00:00:00 GMT");
    /// assert_eq!(HttpDate::from_unix(253_402_300_800), Err(Error::TimeOutOfRange));
    /// # Ok::<(), m800_sign::Error>(())
    /// ```
    #[allow(clippy::arithmetic_side_effects, clippy::indexing_slicing)]
    // The range check below bounds every value: years <= 9999, so no arithmetic
    // overflows, and all indices are constants into the fixed 29-byte array.
    pub fn from_unix(unix_time: u64) -> Result<HttpDate> {
        if unix_time > UNIX_TIME_MAX {
            return Err(Error::TimeOutOfRange);
        }
        // All calendar arithmetic runs in 32 bits (Cortex-M has no 64-bit
        // divide: the library routine alone was 866 bytes). 86400 = 2^7 * 675
        // and UNIX_TIME_MAX >> 7 < 2^31, so the day count is an exact u32
        // quotient, and the seconds of the day are what the days leave over.
        let days = u32::try_from(unix_time >> 7).map_err(|_| Error::TimeOutOfRange)? / 675;
        let day_start = u64::from(days) * u64::from(SECONDS_PER_DAY);
        let secs = u32::try_from(unix_time - day_start).map_err(|_| Error::TimeOutOfRange)?;
        let (year, month, day) = civil_from_days(days);
        let mut out = *b"Thu, 01 Jan 1970 00:00:00 GMT";
        out[..3].copy_from_slice(&WEEKDAYS[(days % 7) as usize]);
        two_digits(&mut out[5..7], day);
        // month is 1..=12: (month + 11) % 12 is month - 1, provably in bounds.
        out[8..11].copy_from_slice(&MONTHS[((month + 11) % 12) as usize]);
        two_digits(&mut out[12..14], year / 100);
        two_digits(&mut out[14..16], year);
        two_digits(&mut out[17..19], secs / 3600);
        two_digits(&mut out[20..22], secs / 60 % 60);
        two_digits(&mut out[23..25], secs % 60);
        Ok(HttpDate(out))
    }

    /// Parses an IMF-fixdate strictly and returns it with its Unix time.
    ///
    /// Anything else — another layout, a time zone other than `GMT`, a day that
    /// does not exist, a weekday that does not match, a year before 1970 — is
    /// [`Error::InvalidDate`].
    ///
    /// ```
    /// use m800_sign::{Error, HttpDate};
    /// let (date, unix) = HttpDate::parse("Fri, 28 Nov 2025 13:00:00 GMT")?;
    /// assert_eq!(unix, 1764334800);
    /// assert_eq!(date, HttpDate::from_unix(unix)?);
    /// assert_eq!(HttpDate::parse("Thu, 28 Nov 2025 13:00:00 GMT"), Err(Error::InvalidDate));
    /// assert_eq!(HttpDate::parse("Fri, 28 Nov 2025 13:00:00 UTC"), Err(Error::InvalidDate));
    /// # Ok::<(), m800_sign::Error>(())
    /// ```
    pub fn parse(text: &str) -> Result<(HttpDate, u64)> {
        let bytes: &[u8; X_M_DATE_LEN] =
            text.as_bytes().try_into().map_err(|_| Error::InvalidDate)?;
        let unix = parse_fields(bytes).ok_or(Error::InvalidDate)?;
        Ok((HttpDate(*bytes), unix))
    }

    /// The header value: 29 bytes of ASCII. (`Display` writes the same text.)
    ///
    /// ```
    /// let date = m800_sign::HttpDate::from_unix(1764331200)?;
    /// assert_eq!(date.as_str(), "Fri, 28 Nov 2025 12:00:00 GMT");
    /// assert_eq!(date.to_string(), date.as_str());
    /// # Ok::<(), m800_sign::Error>(())
    /// ```
    pub fn as_str(&self) -> &str {
        // Only ASCII is ever stored.
        core::str::from_utf8(self.as_bytes()).unwrap_or_default()
    }

    /// The header value's bytes (ASCII): what the signing path and the C layer
    /// use, so that a firmware image links no UTF-8 check for them.
    pub(crate) fn as_bytes(&self) -> &[u8] {
        if self.0.first() == Some(&0) {
            return b""; // UNSET
        }
        &self.0
    }
}

/// The Unix time of a 29-byte IMF-fixdate, or `None`.
///
/// Reads the numbers and the month at their fixed places, then formats that
/// time again: the text is valid exactly when it is what [`HttpDate::from_unix`]
/// writes, which checks the layout, `GMT`, the weekday, days past the end of
/// the month and out-of-range times at once, by the one definition of the format.
// Calendar arithmetic on bounded values: years 1970..=9999, days 1..=99, times
// below 100 * 3600: nothing here can overflow or underflow.
#[allow(clippy::arithmetic_side_effects)]
fn parse_fields(b: &[u8; X_M_DATE_LEN]) -> Option<u64> {
    let [_, _, _, _, _, d0, d1, _, m0, m1, m2, _, y0, y1, y2, y3, _, h0, h1, _, n0, n1, _, s0, s1, ..] =
        *b;
    let month = MONTHS.iter().position(|m| *m == [m0, m1, m2])? as u32 + 1;
    let day = digits(&[d0, d1])?;
    let year = digits(&[y0, y1, y2, y3])?;
    let (hour, minute, second) = (digits(&[h0, h1])?, digits(&[n0, n1])?, digits(&[s0, s1])?);
    if year < 1970 || day == 0 {
        return None; // days_from_civil's domain
    }
    let unix = u64::from(days_from_civil(year, month, day)) * u64::from(SECONDS_PER_DAY)
        + u64::from(hour * 3600 + minute * 60 + second);
    (HttpDate::from_unix(unix).ok()?.0 == *b).then_some(unix)
}

impl core::fmt::Debug for HttpDate {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_tuple("HttpDate").field(&self.as_str()).finish()
    }
}

impl core::fmt::Display for HttpDate {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.as_str())
    }
}
