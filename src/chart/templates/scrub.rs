//! Keeping secret values out of template messages.
//!
//! A template can put a secret into a message in many shapes: `fail(values.secrets.k.value)`,
//! `| upper`, `| b64encode`, a slice, a reversal. A message is therefore scrubbed of every
//! run of four or more characters that also occurs in a secret, in any of those shapes,
//! ignoring case: over-scrubbing a harmless word costs a less readable message, missing a
//! shape would print the secret.

use base64::Engine;
use std::collections::HashSet;

/// The shortest run of characters taken for a piece of a secret.
const WINDOW: usize = 4;

/// The pieces of a set of secrets that may not appear in a message.
#[derive(Debug, Default)]
pub(crate) struct Scrubber {
    windows: HashSet<Vec<char>>,
}

fn lowercase(text: &str) -> Vec<char> {
    text.chars().flat_map(char::to_lowercase).collect()
}

impl Scrubber {
    /// A scrubber for `secrets` (values shorter than the window are ignored: they cannot be
    /// told apart from ordinary text).
    pub(crate) fn new(secrets: &[String]) -> Self {
        let mut windows = HashSet::new();
        let engines = [
            base64::engine::general_purpose::STANDARD,
            base64::engine::general_purpose::URL_SAFE,
        ];
        for secret in secrets.iter().filter(|s| s.chars().count() >= WINDOW) {
            let mut shapes = vec![secret.clone(), secret.chars().rev().collect()];
            for skip in 0..3 {
                let tail = secret.as_bytes().get(skip..).unwrap_or_default();
                for engine in &engines {
                    shapes.push(engine.encode(tail));
                }
            }
            for shape in shapes {
                let chars = lowercase(&shape);
                for window in chars.windows(WINDOW) {
                    windows.insert(window.to_vec());
                }
            }
        }
        Scrubber { windows }
    }

    /// `text` with every run that matches a piece of a secret replaced by `***`.
    pub(crate) fn scrub(&self, text: &str) -> String {
        if self.windows.is_empty() {
            return text.to_string();
        }
        let chars: Vec<char> = text.chars().collect();
        let lower: Vec<char> = chars
            .iter()
            .map(|c| c.to_lowercase().next().unwrap_or(*c))
            .collect();
        let mut hidden = vec![false; chars.len()];
        for (start, window) in lower.windows(WINDOW).enumerate() {
            if self.windows.contains(window) {
                hidden[start..start + WINDOW]
                    .iter_mut()
                    .for_each(|h| *h = true);
            }
        }
        let mut out = String::with_capacity(text.len());
        let mut previous_hidden = false;
        for (c, hide) in chars.iter().zip(&hidden) {
            if *hide {
                if !previous_hidden {
                    out.push_str("***");
                }
            } else {
                out.push(*c);
            }
            previous_hidden = *hide;
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine;

    fn scrubbed(secret: &str, message: &str) -> String {
        Scrubber::new(&[secret.to_string()]).scrub(message)
    }

    #[test]
    fn transformed_secrets_are_scrubbed() {
        let secret = "Sup3rSecretToken";
        let b64 = base64::engine::general_purpose::STANDARD.encode(secret);
        for shape in [
            secret.to_string(),
            secret.to_uppercase(),
            secret.to_lowercase(),
            secret[3..11].to_string(),
            secret.chars().rev().collect(),
            b64.clone(),
            base64::engine::general_purpose::STANDARD.encode(&secret[1..]),
        ] {
            let out = scrubbed(secret, &format!("bad key {shape} here"));
            assert_eq!(out, "bad key *** here", "{shape}");
        }
    }

    #[test]
    fn unrelated_text_and_short_values_stay() {
        assert_eq!(
            scrubbed("Sup3rSecretToken", "undefined: `values.nope`"),
            "undefined: `values.nope`"
        );
        assert_eq!(Scrubber::new(&["ab".into()]).scrub("ab cd"), "ab cd");
    }
}
