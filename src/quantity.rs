//! Resource quantities (`250m`, `1Gi`, `1e3`), parsed exactly so they can be compared: one
//! parser for the values model, the schema's `quantity` format and the API-server rules.

use serde_json::Value;
use std::cmp::Ordering;

/// A quantity as `numerator / 10^scale`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Quantity {
    numerator: i128,
    scale: u32,
}

impl Quantity {
    /// Reads a quantity from a manifest value: a string in Kubernetes' syntax, or a number.
    pub(crate) fn from_value(value: &Value) -> Option<Quantity> {
        match value {
            Value::String(s) => Quantity::parse(s),
            Value::Number(n) => Quantity::parse(&n.to_string()),
            _ => None,
        }
    }

    /// Parses `<signedNumber><suffix>` where the suffix is a binary SI (`Ki`..`Ei`), decimal
    /// SI (`n`, `u`, `m`, ``, `k`, `M`..`E`) or `e<int>` exponent.
    pub(crate) fn parse(text: &str) -> Option<Quantity> {
        let bytes = text.as_bytes();
        let (negative, start) = match bytes.first()? {
            b'-' => (true, 1),
            b'+' => (false, 1),
            _ => (false, 0),
        };
        let number_end = bytes[start..]
            .iter()
            .position(|b| !(b.is_ascii_digit() || *b == b'.'))
            .map_or(bytes.len(), |i| start + i);
        let number = &text[start..number_end];
        let suffix = &text[number_end..];
        let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
        if whole.is_empty() && fraction.is_empty() || fraction.contains('.') {
            return None;
        }
        let digits = format!("{whole}{fraction}");
        let mut numerator: i128 = if digits.is_empty() {
            0
        } else {
            digits.parse().ok()?
        };
        let mut scale = u32::try_from(fraction.len()).ok()?;
        let times_ten = |power: i32, numerator: &mut i128, scale: &mut u32| -> Option<()> {
            if power >= 0 {
                *numerator = numerator.checked_mul(10i128.checked_pow(power.unsigned_abs())?)?;
            } else {
                *scale = scale.checked_add(power.unsigned_abs())?;
            }
            Some(())
        };
        match suffix {
            "" => {}
            "Ki" | "Mi" | "Gi" | "Ti" | "Pi" | "Ei" => {
                let power = 10 * (1 + "KMGTPE".find(&suffix[..1])?);
                numerator = numerator.checked_mul(1i128 << power)?;
            }
            "n" => times_ten(-9, &mut numerator, &mut scale)?,
            "u" => times_ten(-6, &mut numerator, &mut scale)?,
            "m" => times_ten(-3, &mut numerator, &mut scale)?,
            "k" => times_ten(3, &mut numerator, &mut scale)?,
            "M" => times_ten(6, &mut numerator, &mut scale)?,
            "G" => times_ten(9, &mut numerator, &mut scale)?,
            "T" => times_ten(12, &mut numerator, &mut scale)?,
            "P" => times_ten(15, &mut numerator, &mut scale)?,
            "E" => times_ten(18, &mut numerator, &mut scale)?,
            _ => {
                let exponent = suffix.strip_prefix(['e', 'E'])?;
                let valid = exponent
                    .strip_prefix(['+', '-'])
                    .unwrap_or(exponent)
                    .bytes()
                    .all(|b| b.is_ascii_digit());
                if exponent.is_empty() || !valid {
                    return None;
                }
                let power: i32 = exponent.parse().ok()?;
                if power.unsigned_abs() > 30 {
                    return None;
                }
                times_ten(power, &mut numerator, &mut scale)?;
            }
        }
        if negative {
            numerator = -numerator;
        }
        Some(Quantity { numerator, scale })
    }

    fn scaled(&self, scale: u32) -> Option<i128> {
        self.numerator
            .checked_mul(10i128.checked_pow(scale.checked_sub(self.scale)?)?)
    }

    /// The quantity as an exact integer, if it is one (`1k` -> 1000; `250m` -> none).
    pub(crate) fn as_integer(&self) -> Option<i128> {
        let divisor = 10i128.checked_pow(self.scale)?;
        (self.numerator % divisor == 0).then(|| self.numerator / divisor)
    }

    /// The quantity as the nearest float.
    pub(crate) fn as_f64(&self) -> f64 {
        self.numerator as f64 / 10f64.powi(i32::try_from(self.scale).unwrap_or(i32::MAX))
    }

    /// -1, 0 or 1.
    pub(crate) fn sign(&self) -> i64 {
        i64::from(self.numerator.signum() as i8)
    }

    /// The sum (or, with `negate`, the difference); `None` on overflow.
    pub(crate) fn add(&self, other: &Quantity, negate: bool) -> Option<Quantity> {
        let scale = self.scale.max(other.scale);
        let right = other.scaled(scale)?;
        let right = if negate { right.checked_neg()? } else { right };
        Some(Quantity {
            numerator: self.scaled(scale)?.checked_add(right)?,
            scale,
        })
    }

    /// An integer as a quantity.
    pub(crate) fn from_integer(value: i64) -> Quantity {
        Quantity {
            numerator: i128::from(value),
            scale: 0,
        }
    }
}

/// How to write a quantity, with a fix for the usual mistakes (`3GB`, `500mb`, `1 Gi`, `1K`).
pub(crate) fn help(text: &str) -> String {
    const HOW: &str = "write it like 250m or 0.5 (CPU), 512Mi or 1Gi (memory, storage: Ki, Mi, Gi, Ti are powers of 1024; k, M, G, T of 1000): no spaces, suffixes are case-sensitive";
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let mut candidates = vec![compact.clone()];
    // `3GB`, `500mb`, `1KB`, `1K`: a unit letter meant as bytes, binary or decimal.
    let unit = compact
        .strip_suffix(['B', 'b'])
        .unwrap_or(&compact)
        .to_string();
    if let Some(letter) = unit.chars().last().filter(|c| "kKmMgGtTpPeE".contains(*c)) {
        let number = &unit[..unit.len() - 1];
        let upper = letter.to_ascii_uppercase();
        let decimal = if upper == 'K' { 'k' } else { upper };
        if unit.len() < compact.len() || letter == 'K' {
            candidates.push(format!("{number}{upper}i"));
            candidates.push(format!("{number}{decimal}"));
        }
    }
    let mut fixes: Vec<String> = Vec::new();
    for candidate in candidates {
        for spelled in [candidate.clone(), fix_case(&candidate)] {
            if spelled != text && Quantity::parse(&spelled).is_some() && !fixes.contains(&spelled) {
                fixes.push(spelled);
            }
        }
    }
    match fixes.as_slice() {
        [] => HOW.to_string(),
        [one] => format!("did you mean {one}? ({HOW})"),
        [first, second, ..] => format!("did you mean {first} or {second}? ({HOW})"),
    }
}

/// `500mi` -> `500Mi`, `2gi` -> `2Gi`: binary suffixes with the case Kubernetes wants.
fn fix_case(text: &str) -> String {
    let lower = text.to_ascii_lowercase();
    for suffix in ["ki", "mi", "gi", "ti", "pi", "ei"] {
        if let Some(number) = lower.strip_suffix(suffix) {
            return format!("{number}{}i", suffix[..1].to_ascii_uppercase());
        }
    }
    text.to_string()
}

impl PartialOrd for Quantity {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        let scale = self.scale.max(other.scale);
        Some(self.scaled(scale)?.cmp(&other.scaled(scale)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn q(s: &str) -> Quantity {
        Quantity::parse(s).unwrap_or_else(|| panic!("{s} is a quantity"))
    }

    #[test]
    fn parses_kubernetes_quantities() {
        for good in [
            "1", "250m", "0.5", ".5", "1.", "1Gi", "512Mi", "1e3", "1E-3", "+2", "-1k", "100n",
        ] {
            assert!(Quantity::parse(good).is_some(), "{good}");
        }
        for bad in [
            "", "1 Gi", "1K", "1GB", "500mb", "1.2.3", "abc", "1e", "e3", "1Gi2",
        ] {
            assert!(Quantity::parse(bad).is_none(), "{bad}");
        }
        assert!(Quantity::from_value(&json!(2)).is_some());
        assert!(Quantity::from_value(&json!(true)).is_none());
    }

    #[test]
    fn help_suggests_the_usual_fixes() {
        assert!(
            help("3GB").starts_with("did you mean 3Gi or 3G?"),
            "{}",
            help("3GB")
        );
        assert!(
            help("500mi").starts_with("did you mean 500Mi?"),
            "{}",
            help("500mi")
        );
        assert!(
            help("1 Gi").starts_with("did you mean 1Gi?"),
            "{}",
            help("1 Gi")
        );
        assert!(
            help("500mb").starts_with("did you mean 500Mi or 500M?"),
            "{}",
            help("500mb")
        );
        assert!(
            help("1K").starts_with("did you mean 1Ki or 1k?"),
            "{}",
            help("1K")
        );
        assert!(help("lots").starts_with("write it like"));
    }

    #[test]
    fn compares_exactly_across_suffixes() {
        assert!(q("100m") == q("0.1") || q("100m").partial_cmp(&q("0.1")) == Some(Ordering::Equal));
        assert_eq!(q("100m").partial_cmp(&q("0.1")), Some(Ordering::Equal));
        assert!(q("1Gi") > q("1G"));
        assert!(
            q("1024Mi") == q("1Gi") || q("1024Mi").partial_cmp(&q("1Gi")) == Some(Ordering::Equal)
        );
        assert!(q("2") > q("1500m"));
        assert!(q("1e3") > q("999"));
        assert!(q("250m") < q("1"));
    }

    #[test]
    fn adds_and_converts() {
        let sum = q("250m").add(&q("1"), false).expect("no overflow");
        assert_eq!(sum.partial_cmp(&q("1250m")), Some(Ordering::Equal));
        let difference = q("1Gi").add(&q("512Mi"), true).expect("no overflow");
        assert_eq!(difference.as_integer(), Some(512 * 1024 * 1024));
        assert_eq!(q("250m").as_integer(), None);
        assert_eq!(q("1k").as_integer(), Some(1000));
        assert!((q("1.5").as_f64() - 1.5).abs() < 1e-12);
        assert_eq!(q("-2").sign(), -1);
        assert_eq!(q("0").sign(), 0);
        assert_eq!(
            Quantity::from_integer(3).partial_cmp(&q("3000m")),
            Some(Ordering::Equal)
        );
    }
}
