//! The checks of one object, in order: apiVersion and kind, removed APIs, schema, rules,
//! and the facts the cross-object checks need.

use super::cross::Facts;
use super::object::Object;
use super::removed::{introduced_in, removed_api};
use super::schema::{SchemaSource, builtin, schema_problems};
use super::{Config, rules};
use crate::diagnostic::{Check, Diagnostic, Severity};
use std::collections::BTreeSet;
use std::sync::{Arc, LazyLock};

/// A kind's compiled validator.
pub(crate) struct Compiled {
    /// The validator.
    pub validator: jsonschema::Validator,
    /// Where its schema came from.
    pub source: SchemaSource,
}

/// What is known about a kind's schema.
#[derive(Clone)]
pub(crate) enum Lookup {
    /// A compiled validator.
    Found(Arc<Compiled>),
    /// No schema: a custom resource (or an API removed before the built-in version).
    NoSchema,
    /// A custom schema that could not be loaded.
    Failed(String),
}

/// What checking one object found.
#[derive(Default)]
pub(crate) struct Outcome {
    pub problems: Vec<Diagnostic>,
    pub facts: Option<Facts>,
    /// `apiVersion/kind` when the object's kind has no schema.
    pub skipped: Option<String>,
    /// CEL rules of its CRD not evaluated.
    pub cel_skipped: usize,
}

/// The API groups Kubernetes itself serves: an unknown kind there is a mistake, not a
/// custom resource.
static BUILTIN_GROUPS: LazyLock<BTreeSet<&'static str>> = LazyLock::new(|| {
    builtin::all_kinds()
        .map(|(api_version, _)| group(api_version))
        .chain(
            super::removed::REMOVED_APIS
                .iter()
                .map(|r| group(r.api_version)),
        )
        .collect()
});

fn group(api_version: &str) -> &str {
    api_version.rsplit_once('/').map_or("", |(group, _)| group)
}

/// Checks one object. `lookup` gives the compiled validator of a kind.
pub(crate) fn check_object(
    config: &Config,
    object: &Object,
    lookup: &dyn Fn(&str, &str) -> Lookup,
) -> Outcome {
    let mut outcome = Outcome::default();
    let api_version = object.api_version();
    let kind = object.kind();
    let missing = match (api_version.is_empty(), kind.is_empty()) {
        (true, true) => Some("apiVersion and kind"),
        (true, false) => Some("apiVersion"),
        (false, true) => Some("kind"),
        (false, false) => None,
    };
    if let Some(missing) = missing {
        let path = if kind.is_empty() {
            "/kind"
        } else {
            "/apiVersion"
        };
        let hint = (!kind.is_empty())
            .then(|| {
                builtin::all_kinds()
                    .find(|(_, k)| *k == kind)
                    .map(|(a, _)| format!("write apiVersion: {a} (the version that serves {kind})"))
            })
            .flatten();
        outcome.problems.push(object.problem(
            Severity::Error,
            Check::Syntax,
            path,
            format!("missing {missing}: every Kubernetes object names its apiVersion and kind"),
            hint,
        ));
        return outcome;
    }
    let mut namespaced = None;
    if config.checks.removed_apis {
        removed_apis(config, object, &mut outcome.problems);
    }
    if config.checks.schema {
        match lookup(api_version, kind) {
            Lookup::Found(compiled) => {
                match &compiled.source {
                    SchemaSource::Builtin { namespaced: n, .. }
                    | SchemaSource::Crd { namespaced: n, .. } => namespaced = Some(*n),
                    SchemaSource::Custom { .. } => {}
                }
                let open = match &compiled.source {
                    SchemaSource::Crd { open, .. } => Some(open.as_ref()),
                    SchemaSource::Builtin {
                        rules: Some(builtin),
                        ..
                    } => Some(&builtin.schema),
                    _ => None,
                };
                if let Some(open) = open {
                    for (path, message) in super::crd::list_map_problems(open, &object.value) {
                        outcome.problems.push(object.problem(
                            Severity::Error,
                            Check::Schema,
                            path,
                            message,
                            Some("keep one item per key".into()),
                        ));
                    }
                }
                // The fast yes/no first: collecting errors is slower, and most objects are valid.
                let valid = compiled.validator.is_valid(&object.value);
                if !valid {
                    outcome.problems.extend(schema_problems(
                        &compiled.validator,
                        object,
                        &compiled.source,
                    ));
                }
                let rules = match &compiled.source {
                    SchemaSource::Crd { open, rules, .. } => Some((open.as_ref(), rules.as_ref())),
                    SchemaSource::Builtin {
                        rules: Some(builtin),
                        ..
                    } => Some((&builtin.schema, &builtin.rules)),
                    _ => None,
                };
                if let Some((schema, rules)) = rules.filter(|(_, rules)| !rules.is_empty()) {
                    cel_problems(
                        object,
                        &compiled.validator,
                        valid,
                        schema,
                        rules,
                        &mut outcome,
                    );
                }
            }
            Lookup::Failed(message) => outcome.problems.push(object.problem(
                Severity::Error,
                Check::Schema,
                "",
                message,
                None,
            )),
            Lookup::NoSchema => {
                if no_schema(config, object, &mut outcome) {
                    // Not a Kubernetes object at all: its rules would only add noise.
                    return outcome;
                }
            }
        }
    } else if let Some(found) = builtin::table(config.kube_version).kind(api_version, kind) {
        namespaced = Some(found.namespaced);
    }
    if config.checks.rules {
        outcome
            .problems
            .extend(rules::rule_problems(object, namespaced, config));
    }
    if config.checks.practices {
        outcome
            .problems
            .extend(super::practices::problems(object, config.practices));
    }
    if config.checks.rules || config.checks.references || config.checks.practices {
        outcome.facts = Some(Facts::of(object, namespaced));
    }
    outcome
}

/// The CEL rules of `object`'s schema. As the API server does, they do not run when a
/// value has the wrong type (a rule would read it as what it is not); other schema errors
/// do not stop them.
fn cel_problems(
    object: &Object,
    validator: &jsonschema::Validator,
    valid: bool,
    schema: &serde_json::Value,
    rules: &crate::validate::cel::SchemaRules,
    outcome: &mut Outcome,
) {
    let wrong_type = !valid
        && validator.iter_errors(&object.value).any(|e| {
            matches!(
                e.kind(),
                jsonschema::error::ValidationErrorKind::Type { .. }
            )
        });
    if wrong_type {
        outcome.problems.push(object.problem(
            Severity::Error,
            Check::Schema,
            "",
            "some validation rules were not checked because the object was invalid; correct the existing errors to complete validation",
            None,
        ));
        return;
    }
    let (problems, skipped) = rules.problems(schema, &object.value);
    outcome.cel_skipped = skipped;
    for (path, message) in problems {
        outcome
            .problems
            .push(object.problem(Severity::Error, Check::Schema, path, message, None));
    }
}

fn removed_apis(config: &Config, object: &Object, problems: &mut Vec<Diagnostic>) {
    let (api_version, kind) = (object.api_version(), object.kind());
    let target = config.kube_version;
    if let Some(removed) = removed_api(api_version, kind) {
        let replacement = removed
            .replacement
            .map_or("it has no replacement".to_string(), |r| format!("use {r}"));
        if target >= removed.removed_in {
            problems.push(object.problem(
                Severity::Error,
                Check::RemovedApi,
                "/apiVersion",
                format!(
                    "{kind} {api_version} was removed in Kubernetes {} (deprecated since {}); the target is {target}: {replacement}",
                    removed.removed_in, removed.deprecated_in
                ),
                Some(format!("what changes: {}", removed.changes)),
            ));
        } else if target >= removed.deprecated_in {
            problems.push(object.problem(
                Severity::Warning,
                Check::RemovedApi,
                "/apiVersion",
                format!(
                    "{kind} {api_version} is deprecated since Kubernetes {} and removed in {}: {replacement}",
                    removed.deprecated_in, removed.removed_in
                ),
                Some(format!("what changes: {}", removed.changes)),
            ));
        }
    }
    if let Some(introduced) = introduced_in(api_version, kind)
        && target < introduced
    {
        let older = super::removed::REMOVED_APIS
            .iter()
            .find(|r| r.kind == kind && r.replacement == Some(api_version) && r.removed_in > target)
            .map(|r| format!("for Kubernetes {target} use {}", r.api_version));
        problems.push(object.problem(
            Severity::Error,
            Check::RemovedApi,
            "/apiVersion",
            format!("{kind} {api_version} is only served from Kubernetes {introduced}; the target is {target}"),
            older.or(Some("raise --kube-version if the cluster is newer".into())),
        ));
    }
}

/// Reports an object without a schema; returns `true` when its apiVersion/kind is a mistake
/// in a Kubernetes API group (rather than a custom resource).
fn no_schema(config: &Config, object: &Object, outcome: &mut Outcome) -> bool {
    let (api_version, kind) = (object.api_version(), object.kind());
    let target = config.kube_version;
    if let Some(first) = builtin::first_serving(target, api_version, kind) {
        // Served by a later Kubernetes: say which (unless the removed-API table did).
        if introduced_in(api_version, kind).is_none_or(|v| target >= v) {
            let table = builtin::table(target);
            let served: Vec<&str> = table
                .all_kinds()
                .filter(|(_, k)| *k == kind)
                .map(|(a, _)| a)
                .collect();
            let hint = if served.is_empty() {
                "raise --kube-version if the cluster is newer".to_string()
            } else {
                format!(
                    "Kubernetes {target} serves {kind} as {}; or raise --kube-version if the cluster is newer",
                    served.join(", ")
                )
            };
            outcome.problems.push(object.problem(
                Severity::Error,
                Check::Schema,
                "/apiVersion",
                format!(
                    "{kind} {api_version} is not served by Kubernetes {target}: it is first served in 1.{first}"
                ),
                Some(hint),
            ));
        }
        return true;
    }
    let removed = removed_api(api_version, kind).is_some();
    if !removed && BUILTIN_GROUPS.contains(group(api_version)) {
        // A Kubernetes group: a typo in the kind or the version, not a custom resource.
        let versions: Vec<&str> = builtin::all_kinds()
            .filter(|(_, k)| *k == kind)
            .map(|(a, _)| a)
            .collect();
        let (message, hint) = if versions.is_empty() {
            let kinds: Vec<&str> = builtin::all_kinds()
                .filter(|(a, _)| group(a) == group(api_version))
                .map(|(_, k)| k)
                .collect();
            (
                format!("unknown kind {kind} in {api_version}"),
                crate::diagnostic::closest(kind, &kinds).map(|k| format!("did you mean {k}?")),
            )
        } else {
            (
                format!("{api_version} does not serve {kind}"),
                Some(format!("{kind} is served as {}", versions.join(", "))),
            )
        };
        outcome.problems.push(object.problem(
            Severity::Error,
            Check::Schema,
            "/apiVersion",
            message,
            hint,
        ));
        return true;
    }
    if config.reject_unknown_kinds {
        outcome.problems.push(object.problem(
            Severity::Error,
            Check::Schema,
            "/kind",
            format!("no schema for {kind} {api_version}"),
            Some("add its JSON Schema to a --schema-dir as <kind>_<version>.json, or drop --reject-unknown-kinds".into()),
        ));
    } else {
        outcome.skipped = Some(format!("{api_version}/{kind}"));
    }
    false
}
