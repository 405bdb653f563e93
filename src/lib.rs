//! # tack
//!
//! tack turns **value files** into **validated Kubernetes manifests** for a chosen
//! **release strategy** (rolling update, recreate, blue/green, canary, ingress path
//! routing). It is a library first; the `tack` command line tool is a thin layer on it.
//!
//! Data flows one way, each stage in its own module with its own error type:
//!
//! ```text
//! values -> typed App -> strategy -> builders -> objects -> templates -> validate -> output
//! ```
//!
//! Two ways in:
//!
//! - **Charts**, as the command line renders them: a [`Renderer`] runs the whole
//!   [`pipeline`] for a [`RenderRequest`] (chart folder, value files, `--set` flags);
//! - **Apps built in code**: an [`App`] and a [`Strategy`] make a [`Release`], whose objects
//!   are typed `k8s-openapi` values ([`k8s_openapi`] is re-exported, so the builders'
//!   arguments need no extra dependency).
//!
//! ```
//! use tack::{App, Release, Strategy};
//!
//! let app = App::new("mnist", "ghcr.io/acme/mnist-serving:1.9.1")
//!     .port(5000)
//!     .replicas(10);
//! let release = Release::new("prod", app)
//!     .namespace("ml")
//!     .strategy(Strategy::canary().weight(10).image("ghcr.io/acme/mnist-serving:2.0.0"));
//! let manifests = release.render()?;      // typed k8s-openapi objects, in install order
//! manifests.validate(&tack::Validator::default())?; // schema + cross-object checks
//! print!("{}", manifests.to_yaml());       // deterministic multi-document YAML
//! # Ok::<(), tack::Error>(())
//! ```
//!
//! Every problem tack finds, in any stage, is a [`diagnostic::Diagnostic`]; every error type
//! can give its diagnostics, and [`diagnostic::human`], [`diagnostic::json`] and
//! [`diagnostic::junit`] print them.

#![deny(clippy::print_stdout, clippy::print_stderr)]
// `.ci/run` checks that every public item has an example (a nightly rustdoc lint, enabled
// with `RUSTC_BOOTSTRAP=1 RUSTDOCFLAGS="--cfg doc_examples"`).
#![cfg_attr(doc_examples, feature(rustdoc_missing_doc_code_examples))]
#![cfg_attr(doc_examples, deny(rustdoc::missing_doc_code_examples))]

pub mod argocd;
pub mod build;
pub mod chart;
mod checksum;
pub mod cli;
pub mod diagnostic;
pub mod diff;
mod error;
mod git;
pub mod input;
pub mod krm;
pub mod kube_version;
pub mod lint;
pub mod manifest;
mod names;
pub mod output;
mod parallel;
mod patch;
pub mod pipeline;
mod quantity;
pub mod release;
pub mod releases;
mod scaffold;
pub mod source;
mod spool;
pub mod strategy;
pub mod traffic_map;
pub mod validate;
pub mod values;
mod walk;
mod yaml;

pub use error::Error;
pub use k8s_openapi;
pub use kube_version::KubeVersion;
pub use manifest::{Manifest, Manifests, Object};
pub use pipeline::{RenderRequest, Rendered, Renderer};
pub use release::Release;
pub use validate::Validator;
pub use values::{App, Strategy};
