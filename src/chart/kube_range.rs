//! `kubeVersion` ranges of `Chart.yaml` (Helm's syntax, Masterminds semver): comparators
//! joined by spaces or commas (all must hold), alternatives joined by `||`.

/// A version as three numbers; pre-release and build parts are ignored (`1.29.0-0` is
/// `1.29.0`, which is how charts write "any 1.29 build").
type Version = (u64, u64, u64);

/// Whether Kubernetes `1.<minor>` satisfies `range`, e.g. `>=1.29.0` or `>= 1.27, < 1.36`.
///
/// ```
/// use tack::chart::kube_version_satisfies;
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
