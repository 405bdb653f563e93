//! The module graph has no circle and no arrow back up the pipeline: each top-level module
//! of `src/` may only use modules listed before it in [`LAYERS`]. A new module must be placed
//! in the list; a `use` that breaks the order fails here, naming the file and the line.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The top-level modules, lowest first: shared types and utilities, then the stages in
/// pipeline order, then what is built on the whole pipeline, then the command line.
const LAYERS: &[&str] = &[
    // Shared, knowing nothing of the pipeline.
    "source",
    "spool",
    "diagnostic",
    "kube_version",
    "names",
    "quantity",
    "input",
    "walk",
    "parallel",
    "yaml",
    // How one object looks: k8s-openapi types only.
    "build",
    // Stages, in the order data flows.
    "values",
    "validate",
    "manifest",
    "output",
    // After the strategy and templates, before validation: on the rendered objects.
    "patch",
    "checksum",
    "strategy",
    "release",
    "chart",
    "pipeline",
    // Built on the pipeline.
    "traffic_map",
    "releases",
    "lint",
    "diff",
    "git",
    "scaffold",
    "argocd",
    "krm",
    "error",
    "cli",
];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("src is readable") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level module a file belongs to (`src/values/de.rs` -> `values`).
fn module_of(src: &Path, file: &Path) -> Option<String> {
    let relative = file.strip_prefix(src).ok()?;
    let first = relative.components().next()?.as_os_str().to_str()?;
    let name = first.strip_suffix(".rs").unwrap_or(first);
    (name != "lib" && name != "main").then(|| name.to_string())
}

/// Every `crate::<module>` the code names, with its line: `crate::values::x`,
/// `use crate::{values, yaml::Limits}` (groups may span lines). Comment lines are skipped.
fn crate_references(code: &str) -> Vec<(usize, String)> {
    let cleaned: String = code
        .lines()
        .map(|line| {
            if line.trim_start().starts_with("//") {
                ""
            } else {
                line
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    let ident = |text: &str| -> String {
        text.trim_start()
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect()
    };
    let mut found = Vec::new();
    for (at, _) in cleaned.match_indices("crate::") {
        let line = cleaned[..at].matches('\n').count() + 1;
        let after = &cleaned[at + "crate::".len()..];
        if let Some(group) = after.strip_prefix('{') {
            let mut depth = 0;
            let mut part_start = 0;
            for (i, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => {
                        found.push((line, ident(&group[part_start..i])));
                        break;
                    }
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        found.push((line, ident(&group[part_start..i])));
                        part_start = i + 1;
                    }
                    _ => {}
                }
            }
        } else {
            found.push((line, ident(after)));
        }
    }
    found.retain(|(_, name)| !name.is_empty());
    found
}

#[test]
fn every_module_uses_only_modules_below_it() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let rank: BTreeMap<&str, usize> = LAYERS.iter().enumerate().map(|(i, m)| (*m, i)).collect();
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    let mut wrong = Vec::new();
    let mut edges = 0;
    for file in &files {
        let Some(module) = module_of(&src, file) else {
            continue;
        };
        let Some(&own) = rank.get(module.as_str()) else {
            wrong.push(format!(
                "{}: module `{module}` is not placed in LAYERS",
                file.display()
            ));
            continue;
        };
        let text = std::fs::read_to_string(file).expect("source is readable");
        // Tests may reach anywhere: they exercise the module, they are not part of it.
        let code = text.split("#[cfg(test)]").next().unwrap_or_default();
        for (line, used) in crate_references(code) {
            let Some(&theirs) = rank.get(used.as_str()) else {
                continue; // an item of lib.rs, such as a re-export
            };
            if used == module {
                continue;
            }
            edges += 1;
            if theirs > own {
                wrong.push(format!(
                    "{}:{line}: `{module}` uses `{used}`, which sits above it",
                    file.display()
                ));
            }
        }
    }
    assert!(
        edges > 50,
        "only {edges} references found: is the scan broken?"
    );
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn the_scan_sees_grouped_and_inline_references() {
    let names = |code: &str| -> Vec<String> {
        crate_references(code).into_iter().map(|(_, n)| n).collect()
    };
    assert_eq!(
        names("use crate::{values, yaml::Limits};"),
        ["values", "yaml"]
    );
    assert_eq!(
        names("use crate::{\n    source::{A, B},\n    diagnostic,\n};"),
        ["source", "diagnostic"]
    );
    assert_eq!(
        names("    let x = crate::names::is_dns1123_label(n);"),
        ["names"]
    );
    assert!(names("// crate::cli is mentioned here").is_empty());
    assert_eq!(crate_references("a\nb crate::walk::Visited")[0].0, 2);
}
