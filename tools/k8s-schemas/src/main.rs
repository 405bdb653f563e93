//! Generates tack's Kubernetes JSON Schemas for every supported minor version, with the
//! repairs of `tests/validate_schemas.rs` (shared: `repair.rs`), and merges them into
//! `schemas/k8s/versions.json`: each older version as its kinds and its differences from the
//! checked-in newest version. See README.md.
//!
//! ```sh
//! cargo run --release --features run-a -- OUT_DIR   # 1.30 1.31 1.32 1.33
//! cargo run --release --features run-b -- OUT_DIR   # 1.34 1.35 1.36 1.37
//! cargo run --release -- merge OUT_DIR              # writes schemas/k8s/versions.json
//! ```

mod repair;

use repair::{AbsentField, ENUMS, Kind};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// The supported Kubernetes versions, oldest first. The last is the base: the one
/// `schemas/k8s/definitions.json` and `kinds.json` hold, written by `tests/validate_schemas.rs`.
const KUBERNETES_VERSIONS: &[&str] = &[
    "1.30", "1.31", "1.32", "1.33", "1.34", "1.35", "1.36", "1.37",
];

/// Who writes the per-version files, as their comments say.
const GENERATOR: &str = "tools/k8s-schemas";

/// One Kubernetes version of this run (listed by build.rs in `kinds.rs`).
struct Version {
    kubernetes: &'static str,
    k8s_openapi: &'static str,
    kinds: fn() -> Vec<Kind>,
}

/// Turns a resource type of one `k8s-openapi` version (renamed to `$krate`) into a [`Kind`],
/// as `tests/validate_schemas.rs` does; `None` for a sub-resource (`Scale`, `TokenRequest`).
#[allow(unused_macros)]
macro_rules! kind_function {
    ($name:ident, $krate:ident) => {
        fn $name<T>() -> Option<Kind>
        where
            T: $krate::Resource + schemars::JsonSchema,
            T::Scope: 'static,
        {
            use std::any::TypeId;
            if TypeId::of::<T::Scope>() == TypeId::of::<$krate::SubResourceScope>() {
                return None;
            }
            let generator = schemars::generate::SchemaSettings::draft2020_12().into_generator();
            let schema = serde_json::to_value(generator.into_root_schema_for::<T>())
                .expect("a generated schema serializes");
            let definition = schema["title"]
                .as_str()
                .expect("every k8s-openapi resource schema has a title")
                .to_string();
            Some(Kind {
                api_version: T::API_VERSION,
                kind: T::KIND,
                definition,
                namespaced: TypeId::of::<T::Scope>()
                    == TypeId::of::<$krate::NamespaceResourceScope>(),
                schema,
            })
        }
    };
}

#[cfg(any(feature = "run-a", feature = "run-b"))]
kind_function!(k26_kind, k26);
#[cfg(any(feature = "run-a", feature = "run-b"))]
kind_function!(k27_kind, k27);
#[cfg(any(feature = "run-a", feature = "run-b"))]
kind_function!(k28_kind, k28);
#[cfg(any(feature = "run-a", feature = "run-b"))]
kind_function!(k29_kind, k29);

include!(concat!(env!("OUT_DIR"), "/kinds.rs"));

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.as_slice() {
        [mode, out] if mode == "merge" => merge(Path::new(out), &default_schemas_dir()),
        [mode, out, schemas] if mode == "merge" => merge(Path::new(out), Path::new(schemas)),
        [out] if !out.starts_with('-') => generate(Path::new(out)),
        _ => Err("usage: k8s-schemas OUT_DIR (built with --features run-a or run-b)\n       k8s-schemas merge OUT_DIR [SCHEMAS_DIR (default: schemas/k8s of the repository)]".into()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn default_schemas_dir() -> PathBuf {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../schemas/k8s");
    path.canonicalize().unwrap_or(path)
}

/// Writes `OUT/<version>/definitions.json` and `kinds.json` for each version of this run.
fn generate(out: &Path) -> Result<(), String> {
    if VERSIONS.is_empty() {
        return Err("built without Kubernetes versions: pass --features run-a or run-b".into());
    }
    let newest = KUBERNETES_VERSIONS[KUBERNETES_VERSIONS.len() - 1];
    for version in VERSIONS {
        let kinds = (version.kinds)();
        let kind_count = kinds.len();
        // The newest version must have every field of the enum table; an older one may lack
        // the newer ones.
        let absent = if version.kubernetes == newest {
            AbsentField::Problem
        } else {
            AbsentField::Skip
        };
        let tables = repair::tables(kinds, absent).map_err(|problems| {
            format!(
                "Kubernetes {} (k8s-openapi {}): schema generation problems:\n{}",
                version.kubernetes,
                version.k8s_openapi,
                problems.join("\n")
            )
        })?;
        let dir = out.join(version.kubernetes);
        std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        for (name, text) in [
            (
                "definitions.json",
                repair::definitions_file(version.kubernetes, GENERATOR, &tables.definitions),
            ),
            (
                "kinds.json",
                repair::kinds_file(version.kubernetes, GENERATOR, &tables.kinds),
            ),
        ] {
            let path = dir.join(name);
            std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))?;
        }
        eprintln!(
            "Kubernetes {} (k8s-openapi {}): {} kinds, {} definitions -> {}",
            version.kubernetes,
            version.k8s_openapi,
            kind_count,
            tables.definitions.len(),
            dir.display()
        );
        for (definition, property, ..) in ENUMS {
            match tables.definitions.get(*definition) {
                None => eprintln!("  enum {definition}.{property}: no such definition, skipped"),
                Some(schema) if schema.pointer(&format!("/properties/{property}")).is_none() => {
                    eprintln!("  enum {definition}.{property}: no such field, skipped")
                }
                Some(_) => {}
            }
        }
    }
    Ok(())
}

/// One version's tables as read back from its files.
struct Read {
    definitions: BTreeMap<String, Value>,
    kinds: BTreeMap<String, Value>,
}

fn read_json(path: &Path) -> Result<Value, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
}

fn read_tables(dir: &Path, version: &str) -> Result<Read, String> {
    let definitions = read_json(&dir.join("definitions.json"))?;
    let kinds = read_json(&dir.join("kinds.json"))?;
    if kinds["kubernetesVersion"] != version {
        return Err(format!(
            "{}: kubernetesVersion is {}, not {version}",
            dir.join("kinds.json").display(),
            kinds["kubernetesVersion"]
        ));
    }
    let table = |value: &Value, key: &str| -> Result<BTreeMap<String, Value>, String> {
        match &value[key] {
            Value::Object(map) => Ok(map.iter().map(|(k, v)| (k.clone(), v.clone())).collect()),
            _ => Err(format!("{}: no {key:?} object", dir.display())),
        }
    };
    Ok(Read {
        definitions: table(&definitions, "definitions")?,
        kinds: table(&kinds, "kinds")?,
    })
}

/// Serializes `names` as a JSON array with one name per line.
fn lines_array(names: &[&String]) -> String {
    let mut out = String::new();
    for (index, name) in names.iter().enumerate() {
        out.push_str(&serde_json::to_string(name).expect("a string serializes"));
        if index + 1 != names.len() {
            out.push(',');
        }
        out.push('\n');
    }
    out
}

/// Writes `SCHEMAS/versions.json` from the per-version files under `out`, after checking that
/// the newest version there is the one checked in (`SCHEMAS/definitions.json`, `kinds.json`).
fn merge(out: &Path, schemas: &Path) -> Result<(), String> {
    let (older, newest) = KUBERNETES_VERSIONS.split_at(KUBERNETES_VERSIONS.len() - 1);
    let newest = newest[0];
    let base = read_tables(schemas, newest)?;
    let generated = read_tables(&out.join(newest), newest)?;
    if generated.definitions != base.definitions || generated.kinds != base.kinds {
        return Err(format!(
            "Kubernetes {newest} under {} differs from {}: regenerate that first (`SNAPSHOTS=overwrite cargo test --test validate_schemas`) or rerun run-b",
            out.display(),
            schemas.display()
        ));
    }
    let mut text = format!(
        "{{\n\"$comment\": \"Kubernetes {first}-{last} object schemas, each version as its kinds and its differences from definitions.json (Kubernetes {newest}): its definitions replace or add, absent ones are removed; generated from k8s-openapi by {GENERATOR}; do not edit\",\n\"base\": \"{newest}\",\n\"versions\": {{\n",
        first = older[0],
        last = older[older.len() - 1],
    );
    let mut report = Vec::new();
    for (index, version) in older.iter().enumerate() {
        let tables = read_tables(&out.join(version), version)?;
        let changed: BTreeMap<String, Value> = tables
            .definitions
            .iter()
            .filter(|(name, schema)| base.definitions.get(*name) != Some(schema))
            .map(|(name, schema)| (name.clone(), schema.clone()))
            .collect();
        let added = changed
            .keys()
            .filter(|name| !base.definitions.contains_key(*name))
            .count();
        let names: BTreeSet<&String> = tables.definitions.keys().collect();
        let absent: Vec<&String> = base
            .definitions
            .keys()
            .filter(|name| !names.contains(name))
            .collect();
        let start = text.len();
        text.push_str(&format!(
            "{}: {{\n\"kinds\": {{\n{}}},\n\"absent\": [\n{}],\n\"definitions\": {{\n{}}}\n}}{}\n",
            serde_json::to_string(version).expect("a string serializes"),
            repair::lines_object(&tables.kinds),
            lines_array(&absent),
            repair::lines_object(&changed),
            if index + 1 == older.len() { "" } else { "," }
        ));
        report.push(format!(
            "{version}: {} kinds, {} definitions: {} shared with {newest}, {} differing ({} changed, {added} added), {} of {newest}'s absent; {} bytes",
            tables.kinds.len(),
            tables.definitions.len(),
            tables.definitions.len() - changed.len(),
            changed.len(),
            changed.len() - added,
            absent.len(),
            text.len() - start,
        ));
    }
    text.push_str("}\n}\n");
    serde_json::from_str::<Value>(&text).map_err(|e| format!("versions.json is not JSON: {e}"))?;
    let path = schemas.join("versions.json");
    std::fs::write(&path, &text).map_err(|e| format!("{}: {e}", path.display()))?;
    println!(
        "{}: {} bytes; base {newest}: {} definitions, {} kinds",
        path.display(),
        text.len(),
        base.definitions.len(),
        base.kinds.len()
    );
    for line in report {
        println!("  {line}");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn an_older_version_skips_the_enum_fields_it_lacks() {
        let schema = json!({"type": "object", "properties": {"image": {"type": "string"}}});
        let mut problems = Vec::new();
        let mut older = schema.clone();
        repair::repair_version(
            "io.k8s.api.core.v1.Container",
            &mut older,
            &mut problems,
            AbsentField::Skip,
        );
        assert!(problems.is_empty(), "{problems:?}");
        let mut newest = schema;
        repair::repair("io.k8s.api.core.v1.Container", &mut newest, &mut problems);
        assert!(
            problems
                .iter()
                .any(|p| p.contains("no property imagePullPolicy")),
            "{problems:?}"
        );
    }

    /// Writes `dir/definitions.json` and `dir/kinds.json` of `version`.
    fn write_tables(dir: &Path, version: &str, definitions: Value, kinds: &Value) {
        let map = |value: &Value| -> BTreeMap<String, Value> {
            value.as_object().unwrap().clone().into_iter().collect()
        };
        std::fs::create_dir_all(dir).unwrap();
        let text = repair::definitions_file(version, GENERATOR, &map(&definitions));
        std::fs::write(dir.join("definitions.json"), text).unwrap();
        let text = repair::kinds_file(version, GENERATOR, &map(kinds));
        std::fs::write(dir.join("kinds.json"), text).unwrap();
    }

    #[test]
    fn merge_keeps_only_the_differences_from_the_newest_version() {
        let root = std::env::temp_dir().join(format!("k8s-schemas-test-{}", std::process::id()));
        let (out, schemas) = (root.join("out"), root.join("schemas"));
        let (older, newest) = KUBERNETES_VERSIONS.split_at(KUBERNETES_VERSIONS.len() - 1);
        let newest = newest[0];
        let kinds = json!({"v1/Pod": {"definition": "Pod", "namespaced": true}});
        let shared = json!({"type": "object", "properties": {"a": {"type": "string"}}});
        let base = json!({"Pod": {"type": "object"}, "New": {"type": "string"}, "Shared": shared});
        write_tables(&schemas, newest, base.clone(), &kinds);
        write_tables(&out.join(newest), newest, base, &kinds);
        let old =
            json!({"Pod": {"type": "object", "required": ["spec"]}, "Old": {}, "Shared": shared});
        for version in older {
            write_tables(&out.join(version), version, old.clone(), &kinds);
        }
        merge(&out, &schemas).unwrap();
        let text = std::fs::read_to_string(schemas.join("versions.json")).unwrap();
        let merged: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(merged["base"], newest);
        assert_eq!(merged["versions"].as_object().unwrap().len(), older.len());
        let oldest = &merged["versions"][older[0]];
        assert_eq!(oldest["kinds"], kinds);
        assert_eq!(oldest["absent"], json!(["New"]));
        assert_eq!(
            oldest["definitions"],
            json!({"Old": {}, "Pod": {"type": "object", "required": ["spec"]}})
        );

        // A newest version that is not the checked-in one is refused.
        write_tables(&out.join(newest), newest, old, &kinds);
        assert!(merge(&out, &schemas).unwrap_err().contains("differs from"));
        std::fs::remove_dir_all(&root).unwrap();
    }
}
