//! A chart's `crds/` folder, Helm's convention: CustomResourceDefinitions installed before
//! anything else, never templated. tack renders them first in the output and checks the
//! chart's custom resources against them.

use super::{Error, inside, read_text};
use crate::yaml::Limits;
use crate::yaml::Parsed;
use crate::yaml::json::read_documents;
use serde_json::Value;
use std::path::Path;

/// One CustomResourceDefinition of a chart's `crds/` folder.
///
/// ```
/// let chart = tack::chart::Chart::load("tests/cases/render-chart-crds/chart".as_ref())?;
/// let crd = &chart.crds()[0];
/// assert_eq!((crd.file.as_str(), crd.line), ("certificates.yaml", 3));
/// assert_eq!(crd.value["spec"]["names"]["kind"], "Certificate");
/// # Ok::<(), tack::chart::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct CrdDocument {
    /// The file in `crds/`, e.g. `certificates.yaml`.
    pub file: String,
    /// The line its document starts on.
    pub line: u32,
    /// The CRD.
    pub value: Value,
}

/// The CRDs of `dir/crds/`, its `.yaml`, `.yml` and `.json` files in name order.
///
/// # Errors
/// A file outside the chart (a symlink), unreadable, not YAML, or holding a document that
/// is not an `apiextensions.k8s.io/v1` CustomResourceDefinition.
pub(super) fn load(dir: &Path, root: &Path) -> Result<Vec<CrdDocument>, Error> {
    let folder = dir.join("crds");
    if !folder.is_dir() {
        return Ok(Vec::new());
    }
    inside(root, &folder)?;
    let mut files: Vec<std::path::PathBuf> = std::fs::read_dir(&folder)
        .map_err(|source| {
            Error::Read(crate::input::InputError::Io {
                path: folder.clone(),
                source,
            })
        })?
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|p| {
            p.extension()
                .is_some_and(|e| e == "yaml" || e == "yml" || e == "json")
        })
        .collect();
    files.sort();
    let mut crds = Vec::new();
    for path in files {
        inside(root, &path)?;
        let text = read_text(&path)?;
        let file = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let bad = |line: u32, message: String| Error::BadCrd {
            path: path.clone(),
            line,
            message,
        };
        for parsed in read_documents(&text, 1, &Limits::MANIFESTS) {
            match parsed {
                Parsed::Empty => {}
                Parsed::Error(error) => return Err(bad(error.line, error.to_string())),
                Parsed::Document(document) => {
                    let value = document.value;
                    if !crate::validate::crd::is_crd(&value) {
                        return Err(bad(
                            document.line,
                            format!(
                                "crds/ holds apiextensions.k8s.io/v1 CustomResourceDefinitions only; found {} {}",
                                value["apiVersion"].as_str().unwrap_or("(no apiVersion)"),
                                value["kind"].as_str().unwrap_or("(no kind)")
                            ),
                        ));
                    }
                    crds.push(CrdDocument {
                        file: file.clone(),
                        line: document.line,
                        value,
                    });
                }
            }
        }
    }
    Ok(crds)
}
