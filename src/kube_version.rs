//! Kubernetes versions, in one place: the version tack renders and validates for
//! (`--kube-version`), and the `kubeVersion` ranges of `Chart.yaml` (Helm's syntax, Masterminds
//! semver: comparators joined by spaces or commas, all of which must hold, and alternatives
//! joined by `||`).

use std::fmt;
use std::str::FromStr;

/// A Kubernetes minor version such as 1.33 (the patch level does not change APIs).
///
/// ```
/// use tack::KubeVersion;
/// let v: KubeVersion = "1.33.2".parse().unwrap();
/// assert_eq!(v, "v1.33".parse().unwrap());
/// assert_eq!(v.to_string(), "1.33");
/// assert!("1.99".parse::<KubeVersion>().is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct KubeVersion {
    /// The minor version (33 for 1.33).
    pub minor: u32,
}

impl KubeVersion {
    /// The newest version tack has schemas for (the one `k8s-openapi`'s `latest` describes).
    pub const LATEST: KubeVersion = KubeVersion { minor: 37 };

    /// `1.minor`.
    ///
    /// ```
    /// assert_eq!(tack::KubeVersion::new(33).to_string(), "1.33");
    /// ```
    pub const fn new(minor: u32) -> Self {
        KubeVersion { minor }
    }

    /// The full version templates see as `capabilities.kubeVersion`: `1.33.0`.
    ///
    /// ```
    /// assert_eq!(tack::KubeVersion::new(33).full(), "1.33.0");
    /// ```
    pub fn full(self) -> String {
        format!("1.{}.0", self.minor)
    }

    /// Whether this version satisfies a `Chart.yaml` `kubeVersion` range such as `>=1.29.0`
    /// (Helm's syntax).
    ///
    /// # Errors
    /// The range is not a version range.
    ///
    /// ```
    /// let v = tack::KubeVersion::new(30);
    /// assert_eq!(v.satisfies(">=1.29.0-0"), Ok(true));
    /// assert_eq!(v.satisfies("<1.30"), Ok(false));
    /// ```
    pub fn satisfies(self, range: &str) -> Result<bool, String> {
        kube_version_satisfies(range, self.minor)
    }
}

impl Default for KubeVersion {
    fn default() -> Self {
        KubeVersion::LATEST
    }
}

impl fmt::Display for KubeVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "1.{}", self.minor)
    }
}

/// A `--kube-version` that is not a Kubernetes version tack knows.
///
/// ```
/// use tack::KubeVersion;
/// use tack::kube_version::KubeVersionError;
/// assert!(matches!("2.0".parse::<KubeVersion>(), Err(KubeVersionError::Malformed(_))));
/// let too_new = "1.99".parse::<KubeVersion>().unwrap_err();
/// assert!(matches!(too_new, KubeVersionError::TooNew(_)));
/// assert!(too_new.to_string().contains("newer than the newest version tack knows"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KubeVersionError {
    /// Not of the form `1.33` or `1.33.0`.
    #[error("`{0}` is not a Kubernetes version: write it like 1.33 or 1.33.0")]
    Malformed(String),
    /// Newer than the schemas tack carries.
    #[error("Kubernetes {0} is newer than the newest version tack knows ({latest}); use --kube-version {latest} or upgrade tack", latest = KubeVersion::LATEST)]
    TooNew(String),
}

impl FromStr for KubeVersion {
    type Err = KubeVersionError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let malformed = || KubeVersionError::Malformed(s.to_string());
        let text = s.trim().trim_start_matches('v');
        let mut parts = text.split('.');
        let (Some(major), Some(minor)) = (parts.next(), parts.next()) else {
            return Err(malformed());
        };
        let patch = parts.next();
        if parts.next().is_some()
            || major != "1"
            || patch.is_some_and(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()))
            || minor.is_empty()
            || !minor.bytes().all(|b| b.is_ascii_digit())
        {
            return Err(malformed());
        }
        let minor: u32 = minor.parse().map_err(|_| malformed())?;
        if minor > KubeVersion::LATEST.minor {
            return Err(KubeVersionError::TooNew(s.to_string()));
        }
        Ok(KubeVersion { minor })
    }
}

/// A version as three numbers; pre-release and build parts are ignored (`1.29.0-0` is
/// `1.29.0`, which is how charts write "any 1.29 build").
type Version = (u64, u64, u64);

/// Whether Kubernetes `1.<minor>` satisfies `range`, e.g. `>=1.29.0` or `>= 1.27, < 1.36`.
///
/// ```
/// use tack::kube_version::kube_version_satisfies;
/// assert_eq!(kube_version_satisfies(">=1.29.0-0", 37), Ok(true));
/// assert_eq!(kube_version_satisfies("~1.30", 31), Ok(false));
/// assert_eq!(kube_version_satisfies("1.20 - 1.25 || ^1.33", 34), Ok(true));
/// assert!(kube_version_satisfies(">=banana", 37).is_err());
/// ```
pub fn kube_version_satisfies(range: &str, minor: u32) -> Result<bool, String> {
    let version = (1, u64::from(minor), 0);
    let mut any = false;
    for alternative in range.split("||") {
        let mut all = true;
        let tokens = tokens(alternative);
        let mut i = 0;
        while i < tokens.len() {
            // Hyphen range: `A - B` is `>=A <=B`.
            if tokens.get(i + 1).is_some_and(|t| t == "-") {
                let low = parse(&tokens[i])?;
                let high = tokens
                    .get(i + 2)
                    .ok_or_else(|| format!("`{range}`: a hyphen range needs an upper bound"))?;
                all &= version >= low.0 && upper_ok(version, &parse(high)?);
                i += 3;
                continue;
            }
            all &= satisfies(&tokens[i], version, range)?;
            i += 1;
        }
        any |= all;
    }
    Ok(any)
}

fn tokens(alternative: &str) -> Vec<String> {
    // Join an operator written apart from its version (`>= 1.29`).
    let mut out: Vec<String> = Vec::new();
    for word in alternative.split([' ', ',']).filter(|w| !w.is_empty()) {
        match out.last_mut() {
            Some(last)
                if matches!(
                    last.as_str(),
                    ">" | "<" | ">=" | "<=" | "=" | "!=" | "~" | "^" | "~>"
                ) =>
            {
                last.push_str(word);
            }
            _ => out.push(word.to_string()),
        }
    }
    out
}

/// A version with the number of parts given (`1.29` has 2) for wildcards and ranges.
fn parse(text: &str) -> Result<(Version, usize), String> {
    let core = text.trim().trim_start_matches('v');
    let core = core.split(['-', '+']).next().unwrap_or_default();
    let mut parts = [0u64; 3];
    let mut given = 0;
    for (i, part) in core.split('.').enumerate() {
        if i >= 3 {
            return Err(format!("`{text}` is not a version"));
        }
        if matches!(part, "x" | "X" | "*") {
            break;
        }
        parts[i] = part
            .parse()
            .map_err(|_| format!("`{text}` is not a version"))?;
        given = i + 1;
    }
    Ok(((parts[0], parts[1], parts[2]), given))
}

/// `version` is below the end of a range bounded by `high` (wildcards cover their range).
fn upper_ok(version: Version, high: &(Version, usize)) -> bool {
    match high.1 {
        0 => true,
        1 => version.0 <= high.0.0,
        2 => (version.0, version.1) <= (high.0.0, high.0.1),
        _ => version <= high.0,
    }
}

fn satisfies(comparator: &str, version: Version, range: &str) -> Result<bool, String> {
    let ops = [">=", "<=", "!=", "~>", ">", "<", "=", "~", "^"];
    let op = ops
        .iter()
        .find(|op| comparator.starts_with(**op))
        .copied()
        .unwrap_or("");
    let (target, given) = parse(&comparator[op.len()..]).map_err(|e| format!("`{range}`: {e}"))?;
    let prefix = |n: usize| match n {
        0 => (0, 0, 0),
        1 => (version.0, 0, 0),
        2 => (version.0, version.1, 0),
        _ => version,
    };
    Ok(match op {
        ">=" => version >= target,
        "<=" => upper_ok(version, &(target, given)),
        ">" => prefix(given) > target,
        "<" => version < target,
        "!=" => prefix(given) != target,
        "~" | "~>" => {
            version >= target
                && (version.0, version.1)
                    == (target.0, if given >= 2 { target.1 } else { version.1 })
        }
        "^" => version >= target && version.0 == target.0,
        _ => prefix(given) == target,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_versions() {
        assert_eq!("1.33".parse(), Ok(KubeVersion::new(33)));
        assert_eq!("1.33.0".parse(), Ok(KubeVersion::new(33)));
        assert_eq!("v1.25.4".parse(), Ok(KubeVersion::new(25)));
        for bad in ["", "1", "2.0", "1.x", "1.33.0.1", "1.33.", "one.two"] {
            assert!(
                matches!(
                    bad.parse::<KubeVersion>(),
                    Err(KubeVersionError::Malformed(_))
                ),
                "{bad}"
            );
        }
        assert!(matches!(
            "1.38".parse::<KubeVersion>(),
            Err(KubeVersionError::TooNew(_))
        ));
    }

    #[test]
    fn comparators() {
        assert_eq!(kube_version_satisfies(">=1.29.0", 29), Ok(true));
        assert_eq!(kube_version_satisfies(">=1.29.0", 28), Ok(false));
        assert_eq!(kube_version_satisfies("<1.30", 29), Ok(true));
        assert_eq!(kube_version_satisfies("<1.30", 30), Ok(false));
        assert_eq!(kube_version_satisfies(">= 1.27, <= 1.33", 33), Ok(true));
        assert_eq!(kube_version_satisfies("1.33.x", 33), Ok(true));
        assert_eq!(kube_version_satisfies("1.33", 34), Ok(false));
        assert_eq!(kube_version_satisfies(">1.33", 33), Ok(false));
        assert_eq!(kube_version_satisfies(">1.33", 34), Ok(true));
        assert_eq!(kube_version_satisfies("^1.20", 37), Ok(true));
        assert_eq!(kube_version_satisfies("~1.30.0", 30), Ok(true));
        assert_eq!(kube_version_satisfies("1.20 - 1.25", 25), Ok(true));
        assert_eq!(kube_version_satisfies("1.20 - 1.25", 26), Ok(false));
    }
}
