//! `duration()` and `timestamp()` for rules that compare or add them
//! (`duration(self.backendRequest) > duration(self.request)`).
//!
//! Both are CEL integers here, in nanoseconds (a timestamp since 1970-01-01T00:00:00Z), so
//! comparisons, `+` and `-` give the results CEL's own types give. What differs: `string()`
//! of one gives the number, and the accessors (`getHours()`...) are not provided, so rules
//! that call them are skipped and counted rather than answered wrongly. The `cel` crate's
//! own types come with its `chrono` feature, which links a time-zone database: 2 MB of
//! binary and a third more start-up work for every run, for rules that rarely need it.

use cel::extractors::This;
use cel::{Context, ExecutionError};
use std::sync::Arc;

/// The functions registered here (their error messages are tack's own).
pub(super) const NAMES: [&str; 2] = ["duration", "timestamp"];

/// Registers `duration()` and `timestamp()`.
pub(super) fn register(context: &mut Context<'_, '_>) {
    let _ = context.add_function(
        "duration",
        |This(text): This<Arc<String>>| -> Result<i64, ExecutionError> {
            parse_duration(&text).ok_or_else(|| {
                ExecutionError::function_error(
                    "duration",
                    "not a duration (write it like 1h30m, 500ms or 10s)",
                )
            })
        },
    );
    let _ = context.add_function(
        "timestamp",
        |This(text): This<Arc<String>>| -> Result<i64, ExecutionError> {
            parse_timestamp(&text).ok_or_else(|| {
                ExecutionError::function_error(
                    "timestamp",
                    "not an RFC 3339 timestamp between 1678 and 2262",
                )
            })
        },
    );
}

/// Nanoseconds in a Go duration (`1h30m`, `-1.5s`, `300ms`, `2us`); `None` when it does not
/// parse or overflows.
pub(super) fn parse_duration(text: &str) -> Option<i64> {
    let (negative, mut rest) = match text.as_bytes().first()? {
        b'-' => (true, &text[1..]),
        b'+' => (false, &text[1..]),
        _ => (false, text),
    };
    if rest == "0" {
        return Some(0);
    }
    if rest.is_empty() {
        return None;
    }
    let mut total: i128 = 0;
    while !rest.is_empty() {
        let number_end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let (number, after) = rest.split_at(number_end);
        let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
        if whole.is_empty() && fraction.is_empty() || fraction.contains('.') {
            return None;
        }
        let unit_end = after
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(after.len());
        let (unit, next) = after.split_at(unit_end);
        let scale: i128 = match unit {
            "ns" => 1,
            "us" | "µs" | "μs" => 1_000,
            "ms" => 1_000_000,
            "s" => 1_000_000_000,
            "m" => 60_000_000_000,
            "h" => 3_600_000_000_000,
            _ => return None,
        };
        let whole: i128 = if whole.is_empty() {
            0
        } else {
            whole.get(..whole.len().min(20))?.parse().ok()?
        };
        let mut part = whole.checked_mul(scale)?;
        let mut unit_fraction = scale;
        for digit in fraction.bytes().take(18) {
            unit_fraction /= 10;
            part = part.checked_add(i128::from(digit - b'0') * unit_fraction)?;
        }
        total = total.checked_add(part)?;
        rest = next;
    }
    let total = if negative { -total } else { total };
    i64::try_from(total).ok()
}

/// Nanoseconds since the Unix epoch of an RFC 3339 timestamp
/// (`2026-12-02T05:50:11Z`, `2026-12-02T05:50:11.5+01:00`).
pub(super) fn parse_timestamp(text: &str) -> Option<i64> {
    let bytes = text.as_bytes();
    let digits = |range: std::ops::Range<usize>| -> Option<i64> {
        let part = text.get(range)?;
        part.bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| part.parse().ok())?
    };
    if bytes.len() < 20 || bytes[4] != b'-' || bytes[7] != b'-' || !matches!(bytes[10], b'T' | b't')
    {
        return None;
    }
    if bytes[13] != b':' || bytes[16] != b':' {
        return None;
    }
    let (year, month, day) = (digits(0..4)?, digits(5..7)?, digits(8..10)?);
    let (hour, minute, second) = (digits(11..13)?, digits(14..16)?, digits(17..19)?);
    if !(1..=12).contains(&month)
        || day < 1
        || day > days_in_month(year, month)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    let mut rest = &text[19..];
    let mut nanos: i64 = 0;
    if let Some(fraction) = rest.strip_prefix('.') {
        let end = fraction
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(fraction.len());
        if end == 0 || end > 9 {
            return None;
        }
        let padded = format!("{:0<9}", &fraction[..end]);
        nanos = padded.parse().ok()?;
        rest = &fraction[end..];
    }
    let offset_seconds = match rest {
        "Z" | "z" => 0,
        _ => {
            let sign = match rest.as_bytes().first()? {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            if rest.len() != 6 || rest.as_bytes()[3] != b':' {
                return None;
            }
            let hours: i64 = rest.get(1..3)?.parse().ok()?;
            let minutes: i64 = rest.get(4..6)?.parse().ok()?;
            if hours > 23 || minutes > 59 {
                return None;
            }
            sign * (hours * 3600 + minutes * 60)
        }
    };
    let days = days_from_civil(year, month, day);
    let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset_seconds;
    seconds.checked_mul(1_000_000_000)?.checked_add(nanos)
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let shifted_month = (month + 9) % 12;
    let day_of_year = (153 * shifted_month + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_parse_like_go() {
        assert_eq!(parse_duration("1h30m"), Some(5_400_000_000_000));
        assert_eq!(parse_duration("500ms"), Some(500_000_000));
        assert_eq!(parse_duration("1.5s"), Some(1_500_000_000));
        assert_eq!(parse_duration("-2us"), Some(-2_000));
        assert_eq!(parse_duration("0"), Some(0));
        for bad in [
            "",
            "10",
            "1d",
            "1..5s",
            "s",
            "1h 30m",
            "99999999999999999999h",
        ] {
            assert_eq!(parse_duration(bad), None, "{bad}");
        }
    }

    #[test]
    fn timestamps_parse_rfc3339() {
        assert_eq!(parse_timestamp("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(
            parse_timestamp("2026-12-02T05:50:11Z"),
            Some(1_796_190_611_000_000_000)
        );
        assert_eq!(
            parse_timestamp("1970-01-01T01:00:00.5+01:00"),
            Some(500_000_000)
        );
        for bad in [
            "2026-13-01T00:00:00Z",
            "2026-02-30T00:00:00Z",
            "2026-12-02 05:50:11Z",
            "2026-12-02T05:50:11",
            "9999-12-31T23:59:59Z",
        ] {
            assert_eq!(parse_timestamp(bad), None, "{bad}");
        }
    }
}
