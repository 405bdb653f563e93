//! What changes between two renders, object by object and field by field.
//!
//! Secret data is compared but never shown: a changed key reads `changed`, not its values.
//! [`risks`] says what applying the change can break, and the safe sequence.

mod risks;

pub use risks::{Risk, RiskKind, risks};

use crate::manifest::Manifests;
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt;

/// One difference between two renders.
///
/// ```
/// use tack::{App, Release};
/// let before = Release::new("prod", App::new("mnist", "mnist:1").replicas(3)).render()?;
/// let after = Release::new("prod", App::new("mnist", "mnist:1").replicas(5)).render()?;
/// let changes = tack::diff::diff(&before, &after);
/// assert_eq!(changes[0].object, "Deployment/mnist");
/// assert_eq!(changes[0].to_string(), "Deployment/mnist: spec.replicas 3 -> 5");
/// # Ok::<(), tack::release::InvalidApp>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// The object, `Kind/namespace/name` or `Kind/name`.
    pub object: String,
    /// What changed.
    pub what: ChangeKind,
}

/// How an object changed.
///
/// ```
/// use tack::diff::{ChangeKind, diff};
/// use tack::{App, Release, Strategy};
/// let release = Release::new("prod", App::new("mnist", "mnist:1"));
/// let before = release.clone().strategy(Strategy::blue_green()).render()?;
/// let after = release.strategy(Strategy::blue_green().preview(true)).render()?;
/// let changes = diff(&before, &after);
/// assert!(changes.iter().any(|c| c.object == "Service/mnist-preview" && c.what == ChangeKind::Added));
/// # Ok::<(), tack::release::InvalidApp>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChangeKind {
    /// The object is new.
    Added,
    /// The object is gone.
    Removed,
    /// A field changed.
    Field {
        /// The field, e.g. `spec.template.spec.containers[0].image`.
        path: String,
        /// The old value (`None`: the field is new).
        before: Option<String>,
        /// The new value (`None`: the field is gone).
        after: Option<String>,
        /// A secret field: values are never shown.
        secret: bool,
    },
}

impl fmt::Display for Change {
    /// `Deployment/ml/mnist: spec.replicas 3 -> 5`, one line per change.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.what {
            ChangeKind::Added => write!(f, "{}: added", self.object),
            ChangeKind::Removed => write!(f, "{}: removed", self.object),
            ChangeKind::Field {
                path,
                secret: true,
                before,
                after,
            } => {
                let word = match (before, after) {
                    (None, _) => "added",
                    (_, None) => "removed",
                    _ => "changed",
                };
                write!(f, "{}: {path} {word} (secret value not shown)", self.object)
            }
            ChangeKind::Field {
                path,
                before,
                after,
                ..
            } => write!(
                f,
                "{}: {path} {} -> {}",
                self.object,
                before.as_deref().unwrap_or("(none)"),
                after.as_deref().unwrap_or("(none)")
            ),
        }
    }
}

/// The changes from `before` to `after`: objects in `after`'s order (changed and added),
/// then removed ones.
///
/// ```
/// use tack::{App, Release, Strategy};
/// let before = Release::new("prod", App::new("mnist", "mnist:1")).render()?;
/// let after = Release::new("prod", App::new("mnist", "mnist:2")).render()?;
/// let lines: Vec<String> = tack::diff::diff(&before, &after).iter().map(|c| c.to_string()).collect();
/// assert!(lines.contains(&"Deployment/mnist: spec.template.spec.containers[0].image mnist:1 -> mnist:2".to_string()));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn diff(before: &Manifests, after: &Manifests) -> Vec<Change> {
    let index = |set: &Manifests| -> BTreeMap<String, Value> {
        set.iter()
            .map(|m| (m.display_name(), m.json().clone()))
            .collect()
    };
    let old = index(before);
    let new = index(after);
    let mut changes = Vec::new();
    for manifest in after.iter() {
        let name = manifest.display_name();
        match old.get(&name) {
            None => changes.push(Change {
                object: name,
                what: ChangeKind::Added,
            }),
            Some(previous) => {
                let secret = manifest.kind() == "Secret";
                let mut fields = Vec::new();
                compare(
                    previous,
                    manifest.json(),
                    &mut String::new(),
                    secret,
                    &mut fields,
                );
                changes.extend(fields.into_iter().map(|what| Change {
                    object: name.clone(),
                    what,
                }));
            }
        }
    }
    for manifest in before.iter() {
        if !new.contains_key(&manifest.display_name()) {
            changes.push(Change {
                object: manifest.display_name(),
                what: ChangeKind::Removed,
            });
        }
    }
    changes
}

/// True when a field of a Secret holds secret data.
fn is_secret_field(path: &str) -> bool {
    path.starts_with("data.")
        || path.starts_with("stringData.")
        || path == "data"
        || path == "stringData"
}

fn compare(
    before: &Value,
    after: &Value,
    path: &mut String,
    secret: bool,
    out: &mut Vec<ChangeKind>,
) {
    match (before, after) {
        (Value::Object(a), Value::Object(b)) => {
            for (key, old) in a {
                let len = path.len();
                push_key(path, key);
                match b.get(key) {
                    Some(new) => compare(old, new, path, secret, out),
                    None => out.push(field(path, Some(old), None, secret)),
                }
                path.truncate(len);
            }
            for (key, new) in b {
                if !a.contains_key(key) {
                    let len = path.len();
                    push_key(path, key);
                    out.push(field(path, None, Some(new), secret));
                    path.truncate(len);
                }
            }
        }
        (Value::Array(a), Value::Array(b)) => compare_lists(a, b, path, secret, out),
        _ if before == after => {}
        _ => out.push(field(path, Some(before), Some(after), secret)),
    }
}

/// Lists of named items (containers, env, ports, volumes) are matched by name, so an
/// inserted item does not show every later one as changed; other lists by position.
fn compare_lists(
    a: &[Value],
    b: &[Value],
    path: &mut String,
    secret: bool,
    out: &mut Vec<ChangeKind>,
) {
    let names = |items: &[Value]| -> Option<Vec<String>> {
        let names: Option<Vec<String>> = items
            .iter()
            .map(|i| i.get("name").and_then(Value::as_str).map(str::to_string))
            .collect();
        names.filter(|n| {
            let mut sorted = n.clone();
            sorted.sort();
            sorted.dedup();
            sorted.len() == n.len()
        })
    };
    if let (Some(old_names), Some(new_names)) = (names(a), names(b)) {
        for (i, new) in b.iter().enumerate() {
            let len = path.len();
            path.push_str(&format!("[{i}]"));
            match old_names.iter().position(|n| *n == new_names[i]) {
                Some(j) => compare(&a[j], new, path, secret, out),
                None => out.push(field(path, None, Some(new), secret)),
            }
            path.truncate(len);
        }
        for (j, old) in a.iter().enumerate() {
            if !new_names.contains(&old_names[j]) {
                let len = path.len();
                path.push_str(&format!("[{j}]"));
                out.push(field(path, Some(old), None, secret));
                path.truncate(len);
            }
        }
        return;
    }
    for i in 0..a.len().max(b.len()) {
        let len = path.len();
        path.push_str(&format!("[{i}]"));
        match (a.get(i), b.get(i)) {
            (Some(old), Some(new)) => compare(old, new, path, secret, out),
            (old, new) => out.push(field(path, old, new, secret)),
        }
        path.truncate(len);
    }
}

fn push_key(path: &mut String, key: &str) {
    if !path.is_empty() {
        path.push('.');
    }
    path.push_str(&key.replace('.', "\\."));
}

fn field(path: &str, before: Option<&Value>, after: Option<&Value>, secret: bool) -> ChangeKind {
    let secret = secret && is_secret_field(path);
    let show = |v: &Value| {
        if secret {
            "<secret>".to_string()
        } else {
            show(v)
        }
    };
    ChangeKind::Field {
        path: path.to_string(),
        before: before.map(show),
        after: after.map(show),
        secret,
    }
}

/// A value on one line: strings bare (quoted when empty or padded), others as JSON.
fn show(value: &Value) -> String {
    match value {
        Value::String(s) if !s.is_empty() && s.trim() == s && !s.contains('\n') => s.clone(),
        other => serde_json::to_string(other).unwrap_or_default(),
    }
}

/// Counts for a summary line: (changed objects, added, removed).
///
/// ```
/// use tack::diff::{diff, summary};
/// use tack::{App, Release, Strategy};
/// let release = Release::new("prod", App::new("mnist", "mnist:1"));
/// let rolling = release.clone().render()?;
/// let blue_green = release.strategy(Strategy::blue_green()).render()?;
/// // The Service changes; two colour Deployments replace the one Deployment.
/// assert_eq!(summary(&diff(&rolling, &blue_green)), (1, 2, 1));
/// # Ok::<(), tack::release::InvalidApp>(())
/// ```
pub fn summary(changes: &[Change]) -> (usize, usize, usize) {
    let mut changed: Vec<&str> = changes
        .iter()
        .filter(|c| matches!(c.what, ChangeKind::Field { .. }))
        .map(|c| c.object.as_str())
        .collect();
    changed.dedup();
    let added = changes
        .iter()
        .filter(|c| c.what == ChangeKind::Added)
        .count();
    let removed = changes
        .iter()
        .filter(|c| c.what == ChangeKind::Removed)
        .count();
    (changed.len(), added, removed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::build::SecretBuilder;
    use crate::manifest::{Manifest, Object};
    use crate::{App, Release, Strategy};

    fn lines(before: &Manifests, after: &Manifests) -> Vec<String> {
        diff(before, after)
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn blue_green_flip_changes_the_selector() {
        let app = App::new("mnist", "mnist:1");
        let blue = Release::new("p", app.clone())
            .strategy(Strategy::blue_green())
            .render()
            .unwrap();
        let green = Release::new("p", app)
            .strategy(Strategy::blue_green().active(crate::values::Colour::Green))
            .render()
            .unwrap();
        let found = lines(&blue, &green);
        assert!(
            found.contains(&"Service/mnist: spec.selector.color blue -> green".to_string()),
            "{found:?}"
        );
    }

    #[test]
    fn added_and_removed_objects() {
        let app = App::new("mnist", "mnist:1");
        let rolling = Release::new("p", app.clone()).render().unwrap();
        let canary = Release::new("p", app)
            .strategy(Strategy::canary().weight(10).tag("2"))
            .render()
            .unwrap();
        let found = lines(&rolling, &canary);
        assert!(
            found.contains(&"Deployment/mnist-canary: added".to_string()),
            "{found:?}"
        );
        let back = lines(&canary, &rolling);
        assert!(
            back.contains(&"Deployment/mnist-canary: removed".to_string()),
            "{back:?}"
        );
    }

    #[test]
    fn secret_values_are_never_shown() {
        let secret = |v: &str| {
            Manifests::new(vec![Manifest::new(
                "t",
                Object::Secret(Box::new(
                    SecretBuilder::opaque("s").data("apiKey", v).build(),
                )),
            )])
        };
        let found = lines(&secret("hunter2"), &secret("hunter3"));
        assert_eq!(
            found,
            ["Secret/s: data.apiKey changed (secret value not shown)"]
        );
        assert!(lines(&secret("same"), &secret("same")).is_empty());
    }

    #[test]
    fn named_lists_match_by_name() {
        let before = Release::new("p", App::new("mnist", "m:1").env("B", "2"))
            .render()
            .unwrap();
        let after = Release::new("p", App::new("mnist", "m:1").env("A", "1").env("B", "2"))
            .render()
            .unwrap();
        let found = lines(&before, &after);
        assert_eq!(
            found,
            [
                r#"Deployment/mnist: spec.template.spec.containers[0].env[0] (none) -> {"name":"A","value":"1"}"#
            ]
        );
    }
}
