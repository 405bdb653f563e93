//! "Did you mean": the one place tack guesses what a misspelled name was meant to be.

/// The candidate closest to `word`, if it is close enough to be a likely typo: at most about
/// a third of the candidate's letters differ (Damerau-Levenshtein, case-insensitive), and at
/// least one letter is the same.
///
/// ```
/// use tack::diagnostic::closest;
/// assert_eq!(closest("replicsa", ["replicas", "resources"]), Some("replicas"));
/// assert_eq!(closest("tpye", ["type", "ports"]), Some("type"));
/// assert_eq!(closest("zzz", ["replicas"]), None);
/// ```
pub fn closest<'c, S: AsRef<str> + ?Sized + 'c>(
    word: &str,
    candidates: impl IntoIterator<Item = &'c S>,
) -> Option<&'c str> {
    let lower = word.to_lowercase();
    candidates
        .into_iter()
        .map(AsRef::as_ref)
        .filter(|c| !c.is_empty())
        .map(|c| (strsim::damerau_levenshtein(&lower, &c.to_lowercase()), c))
        .filter(|(distance, c)| {
            let length = c.chars().count();
            *distance < length.max(word.chars().count())
                && *distance <= (length.max(3) / 3).max(1) + 1
        })
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, c)| c)
}

/// `did you mean `x`?` for the closest candidate, quoted with `quote` (`` ` `` for values
/// and keys, `"` for JSON fields), if there is one.
///
/// ```
/// use tack::diagnostic::did_you_mean;
/// assert_eq!(did_you_mean("prot", ["port"], '`').as_deref(), Some("did you mean `port`?"));
/// assert_eq!(did_you_mean("tpye", ["type"], '"').as_deref(), Some("did you mean \"type\"?"));
/// ```
pub fn did_you_mean<'c, S: AsRef<str> + ?Sized + 'c>(
    word: &str,
    candidates: impl IntoIterator<Item = &'c S>,
    quote: char,
) -> Option<String> {
    closest(word, candidates).map(|best| format!("did you mean {quote}{best}{quote}?"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_the_nearest_plausible_candidate() {
        let keys = ["imagePullPolicy", "image", "imagePullSecrets"];
        assert_eq!(closest("imagePullPolcy", keys), Some("imagePullPolicy"));
        assert_eq!(closest("IMAGE", keys), Some("image"));
        assert_eq!(closest("x", ["y"]), None);
        assert_eq!(closest("ab", ["ba"]), Some("ba"));
        let owned = vec!["LoadBalancer".to_string(), "NodePort".to_string()];
        assert_eq!(closest("Balancer", &owned), Some("LoadBalancer"));
    }
}
