//! JSON Schemas per kind: finding them (built in, or from `--schema-dir`), compiling them
//! with the `jsonschema` crate, and turning its errors into diagnostics.

pub(crate) mod builtin;
pub(crate) mod builtin_rules;
mod emit;
mod messages;

pub(crate) use emit::Usage;
pub(crate) use messages::{describe, schema_problems};

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The draft the built-in schemas are written for. Draft 7 has every keyword they use, and
/// `jsonschema` builds its meta-schema validator (needed once per process) in about a third
/// of the time 2020-12's takes: that difference is most of a cold `tack render`'s schema cost.
const DRAFT: jsonschema::Draft = jsonschema::Draft::Draft7;

/// Where a kind's schema comes from.
#[derive(Debug, Clone)]
pub(crate) enum SchemaSource {
    /// Built in (generated from k8s-openapi).
    Builtin {
        /// The kind's definition.
        definition: &'static Value,
        /// Whether the kind is namespaced.
        namespaced: bool,
        /// The schemas of the Kubernetes version it belongs to.
        table: &'static builtin::Table,
        /// Its CEL rules (Gateway API's), if it has any.
        rules: Option<&'static builtin_rules::BuiltinRules>,
    },
    /// A CustomResourceDefinition's schema for one served version.
    Crd {
        /// The converted schema, closed in strict mode.
        schema: Arc<Value>,
        /// The converted schema as the CRD has it, for its list-map keys.
        open: Arc<Value>,
        /// The CRD's scope is `Namespaced`.
        namespaced: bool,
        /// Its CEL rules, compiled.
        rules: Arc<super::cel::SchemaRules>,
    },
    /// A file from a `--schema-dir`.
    Custom {
        /// The schema, already closed in strict mode.
        schema: Arc<Value>,
        /// The draft it declares.
        draft: jsonschema::Draft,
        /// The file it came from.
        file: PathBuf,
    },
}

/// The file names a custom schema for `kind` in `api_version` is looked up by, in a
/// `--schema-dir`: `<group>/<kind>_<version>.json`, then `<kind>_<version>.json` (the
/// layouts of the CRDs-catalog and of `openapi2jsonschema`, as kubeconform reads them), with
/// the kind in lower case.
fn custom_file_names(api_version: &str, kind: &str) -> Vec<PathBuf> {
    let (group, version) = api_version.rsplit_once('/').unwrap_or(("", api_version));
    let file = format!("{}_{}.json", kind.to_ascii_lowercase(), version);
    let mut names = Vec::new();
    if !group.is_empty() {
        names.push(Path::new(group).join(&file));
    }
    names.push(PathBuf::from(file));
    names
}

fn draft_of(schema: &Value) -> jsonschema::Draft {
    let declared = schema.get("$schema").and_then(Value::as_str).unwrap_or("");
    if declared.contains("draft-06") {
        jsonschema::Draft::Draft6
    } else if declared.contains("draft-07") {
        jsonschema::Draft::Draft7
    } else if declared.contains("2019-09") {
        jsonschema::Draft::Draft201909
    } else if declared.contains("2020-12") {
        jsonschema::Draft::Draft202012
    } else {
        // openapi2jsonschema writes `http://json-schema.org/schema#` on draft-04 style schemas.
        jsonschema::Draft::Draft4
    }
}

/// Finds the schema of a kind: custom directories first (so they can also supply schemas
/// for kinds tack does not know, or replace built-in ones), then the built-in table.
///
/// # Errors
/// A custom schema file that exists but cannot be read or is not JSON.
pub(crate) fn find(
    api_version: &str,
    kind: &str,
    schema_dirs: &[PathBuf],
    strict: bool,
    crds: &super::crd::CrdSet,
    version: crate::kube_version::KubeVersion,
) -> Result<Option<SchemaSource>, String> {
    if let Some(crd) = crds.get(api_version, kind) {
        let Some(version) = crd.served(api_version) else {
            return Err(format!(
                "{api_version} is not a version CustomResourceDefinition {} serves (it serves {})",
                crd.name,
                crd.served_names().join(", ")
            ));
        };
        let open = version.schema.clone().unwrap_or(Value::Bool(true));
        let mut schema = open.clone();
        if strict {
            emit::close_objects(&mut schema);
        }
        let rules = Arc::new(super::cel::SchemaRules::of(&open));
        return Ok(Some(SchemaSource::Crd {
            schema: Arc::new(schema),
            open: Arc::new(open),
            namespaced: crd.namespaced,
            rules,
        }));
    }
    for dir in schema_dirs {
        for name in custom_file_names(api_version, kind) {
            let file = dir.join(name);
            if !file.is_file() {
                continue;
            }
            let text = std::fs::read_to_string(&file)
                .map_err(|e| format!("cannot read schema {}: {e}", file.display()))?;
            let mut schema: Value = serde_json::from_str(&text)
                .map_err(|e| format!("schema {} is not JSON: {e}", file.display()))?;
            let draft = draft_of(&schema);
            if let Value::Object(map) = &mut schema {
                // Offline: the meta-schema URL must not be fetched.
                map.remove("$schema");
            }
            if strict {
                emit::close_objects(&mut schema);
            }
            return Ok(Some(SchemaSource::Custom {
                schema: Arc::new(schema),
                draft,
                file,
            }));
        }
    }
    let table = builtin::table(version);
    Ok(table.kind(api_version, kind).and_then(|found| {
        Some(SchemaSource::Builtin {
            definition: table.definition(&found.definition)?,
            namespaced: found.namespaced,
            table,
            rules: builtin_rules::rules_of(&found.definition),
        })
    }))
}

/// Kubernetes' base64 (Go's `StdEncoding`, which skips line breaks): the `byte` format.
fn is_base64(text: &str) -> bool {
    let mut length = 0usize;
    let mut padding = 0usize;
    for byte in text.bytes() {
        match byte {
            b'\r' | b'\n' => continue,
            b'=' => padding += 1,
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'+' | b'/' if padding == 0 => {}
            _ => return false,
        }
        length += 1;
    }
    length.is_multiple_of(4) && padding <= 2
}

/// Compiles a schema with the options every tack validator uses.
///
/// # Errors
/// The schema is not a valid JSON Schema (only possible for custom schemas).
pub(crate) fn compile(
    schema: &Value,
    draft: jsonschema::Draft,
) -> Result<jsonschema::Validator, String> {
    jsonschema::options()
        .with_draft(draft)
        .should_validate_formats(true)
        .with_format("byte", is_base64)
        .with_format("quantity", |text: &str| {
            crate::quantity::Quantity::parse(text).is_some()
        })
        .build(schema)
        .map_err(|e| format!("invalid JSON Schema: {e}"))
}

/// Where [`compile_values_schema`] registers the chart's schema.
const VALUES_SCHEMA_URI: &str = "urn:tack:values-schema";

/// Compiles a chart's `values.schema.json` without checking it against its draft's
/// meta-schema: that check is `tack lint`'s ([`meta_problem`]), not every render's.
///
/// `jsonschema` checks every schema it compiles against its meta-schema and has no switch
/// to skip it; for a 2020-12 schema it first builds that draft's meta-validator, more work
/// than the rest of a small chart's render. Resources of a registry are not checked, so the
/// schema goes into one (with its own draft, 2020-12 when it names none, as
/// `jsonschema::validator_for`) and the validator is built from a one-line root that
/// refers to it, checked against draft 7's meta-schema, which the warm-up builds on
/// another core.
///
/// # Errors
/// The schema cannot be compiled (a keyword of the wrong shape, a `$ref` to nothing).
pub(crate) fn compile_values_schema(schema: &Value) -> Result<jsonschema::Validator, String> {
    let draft = jsonschema::Draft::Draft202012.detect(schema);
    let registry = jsonschema::Registry::new()
        .draft(draft)
        .retrieve_known_draft_meta_schemas(false)
        .add(VALUES_SCHEMA_URI, schema)
        .and_then(jsonschema::RegistryBuilder::prepare)
        .map_err(|e| e.to_string())?;
    jsonschema::options()
        .with_draft(DRAFT)
        .with_registry(&registry)
        .build(&serde_json::json!({ "$ref": VALUES_SCHEMA_URI }))
        .map_err(|e| e.to_string())
}

/// What is wrong with a chart's `values.schema.json` as a JSON Schema of the draft it
/// declares (2020-12 when it declares none), if anything.
pub(crate) fn meta_problem(schema: &Value) -> Option<String> {
    jsonschema::meta::validate(schema).err().map(|error| {
        let at = error.instance_path().to_string();
        let place = if at.is_empty() {
            "the root".to_string()
        } else {
            at
        };
        format!("not a valid JSON Schema at {place}: {error}")
    })
}

/// Builds `jsonschema`'s meta-schema validator, which its first compilation in a process
/// otherwise pays for: lets a caller do it on another core while it parses.
pub(crate) fn warm_up() {
    // A schema with one property: not empty, so it goes through meta-validation.
    let _ = compile(&serde_json::json!({"properties": {"a": {}}}), DRAFT);
}

/// Compiles the validator of a kind. With `objects`, and a built-in schema, the schema is
/// cut down to what those objects reach (see [`emit`]): only valid for them.
///
/// # Errors
/// A custom schema that is not a valid JSON Schema.
pub(crate) fn compile_kind(
    source: &SchemaSource,
    objects: Option<&[&Value]>,
    strict: bool,
    api_version: &str,
    kind: &str,
) -> Result<jsonschema::Validator, String> {
    match source {
        SchemaSource::Builtin {
            definition, table, ..
        } => {
            let usage = objects.map(|objects| {
                let mut usage = Usage::new(table);
                for object in objects {
                    usage.record(definition, object);
                }
                usage
            });
            let schema =
                emit::kind_schema(table, definition, usage.as_ref(), strict, api_version, kind);
            compile(&schema, DRAFT)
        }
        SchemaSource::Custom {
            schema,
            draft,
            file,
        } => compile(schema, *draft).map_err(|e| format!("{}: {e}", file.display())),
        SchemaSource::Crd { schema, .. } => compile(schema, DRAFT)
            .map_err(|e| format!("the CustomResourceDefinition of {kind} {api_version}: {e}")),
    }
}

/// Every schema problem of `value` as the built-in definition `definition` (e.g.
/// `io.k8s.api.core.v1.SecurityContext`), strictly: each with its JSON Pointer inside `value`
/// as its path, and no location. Empty for an unknown definition.
pub(crate) fn definition_problems(
    definition: &str,
    value: &Value,
) -> Vec<crate::diagnostic::Diagnostic> {
    let Some(node) = builtin::definition(definition) else {
        return Vec::new();
    };
    let table = builtin::table(crate::kube_version::KubeVersion::LATEST);
    let mut usage = Usage::new(table);
    usage.record(node, value);
    let schema = emit::definition_schema(table, node, Some(&usage), true);
    let Ok(validator) = compile(&schema, DRAFT) else {
        return Vec::new();
    };
    let object = crate::validate::object::Object::new(
        value.clone(),
        crate::source::SourceId::default(),
        0,
        None,
    );
    let source = SchemaSource::Builtin {
        definition: node,
        namespaced: true,
        table,
        rules: None,
    };
    schema_problems(&validator, &object, &source)
        .into_iter()
        .map(|mut problem| {
            problem.object = None;
            problem.location = crate::source::Location::default();
            problem.document_line = 0;
            problem
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn base64_is_checked_like_go_does() {
        for good in ["", "Y2hhbmdlLW1l", "YQ==", "YWI=", "Y2hh\nbmdl"] {
            assert!(is_base64(good), "{good}");
        }
        for bad in ["change-me", "YQ=", "Y Q==", "YQ==YQ==", "Y===", "é"] {
            assert!(!is_base64(bad), "{bad}");
        }
    }

    #[test]
    fn custom_schemas_are_looked_up_like_kubeconform() {
        assert_eq!(
            custom_file_names("cert-manager.io/v1", "Certificate"),
            [
                PathBuf::from("cert-manager.io/certificate_v1.json"),
                PathBuf::from("certificate_v1.json")
            ]
        );
        assert_eq!(
            custom_file_names("v1", "Thing"),
            [PathBuf::from("thing_v1.json")]
        );
    }

    #[test]
    fn drafts_follow_the_declared_schema() {
        assert_eq!(
            draft_of(&json!({"$schema": "http://json-schema.org/draft-07/schema#"})),
            jsonschema::Draft::Draft7
        );
        assert_eq!(
            draft_of(&json!({"$schema": "http://json-schema.org/schema#"})),
            jsonschema::Draft::Draft4
        );
        assert_eq!(draft_of(&json!({})), jsonschema::Draft::Draft4);
    }

    fn errors(validator: &jsonschema::Validator, value: &Value) -> Vec<String> {
        let mut errors: Vec<String> = validator
            .iter_errors(value)
            .map(|e| format!("{} {}", e.instance_path(), e))
            .collect();
        errors.sort();
        errors
    }

    #[test]
    fn a_cut_down_schema_gives_the_same_errors_as_the_full_one() {
        let Some(SchemaSource::Builtin {
            definition,
            namespaced,
            table,
            ..
        }) = find(
            "apps/v1",
            "Deployment",
            &[],
            true,
            &Default::default(),
            crate::kube_version::KubeVersion::LATEST,
        )
        .unwrap_or(None)
        else {
            panic!("Deployment has a built-in schema")
        };
        assert!(namespaced);
        let deployment = json!({
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "a", "labels": {"x": "y"}, "unknown": 1},
            "spec": {
                "replicas": "3",
                "selector": {"matchLabels": {"app": "a"}},
                "template": {
                    "metadata": {"labels": {"app": "a"}},
                    "spec": {"containers": [{"name": "a", "image": "i", "imagePullPolicy": "Sometimes",
                        "ports": [{"containerPort": 99999999999u64}], "resources": {"limits": {"cpu": true}}}]}
                }
            }
        });
        let full = compile_kind(
            &SchemaSource::Builtin {
                definition,
                namespaced,
                table,
                rules: None,
            },
            None,
            true,
            "apps/v1",
            "Deployment",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let cut = compile_kind(
            &SchemaSource::Builtin {
                definition,
                namespaced,
                table,
                rules: None,
            },
            Some(&[&deployment]),
            true,
            "apps/v1",
            "Deployment",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let expected = errors(&full, &deployment);
        assert_eq!(expected.len(), 5, "{expected:#?}");
        assert_eq!(errors(&cut, &deployment), expected);
    }

    #[test]
    fn strict_mode_closes_objects_but_not_maps() {
        let Some(source) = find(
            "v1",
            "ConfigMap",
            &[],
            true,
            &Default::default(),
            crate::kube_version::KubeVersion::LATEST,
        )
        .unwrap_or(None) else {
            panic!("ConfigMap has a built-in schema")
        };
        let strict =
            compile_kind(&source, None, true, "v1", "ConfigMap").unwrap_or_else(|e| panic!("{e}"));
        let lax =
            compile_kind(&source, None, false, "v1", "ConfigMap").unwrap_or_else(|e| panic!("{e}"));
        let map = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}, "data": {"any key": "v"}});
        assert!(strict.is_valid(&map));
        let extra =
            json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}, "dat": {}});
        assert!(!strict.is_valid(&extra));
        assert!(lax.is_valid(&extra));
        let pinned = json!({"apiVersion": "v2", "kind": "ConfigMap"});
        assert!(!lax.is_valid(&pinned));
    }
}
