//! # tack
//!
//! tack turns **value files** into **validated Kubernetes manifests** for a chosen
//! **release strategy** (rolling update, recreate, blue/green, canary, ingress path
//! routing). It is a library first; the `tack` command line tool is a thin layer on it.
//!
//! Data flows one way:
//! values -> typed model -> strategy -> builders -> objects -> validate -> output.
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

pub mod build;
pub mod chart;
pub mod diff;
mod error;
pub mod git;
pub mod lint;
pub mod manifest;
pub mod names;
pub mod parallel;
pub mod release;
pub mod releases;
pub mod render;
pub mod scaffold;
pub mod source;
pub mod strategy;
pub mod validate;
pub mod values;

pub use error::Error;
pub use manifest::{Manifest, Manifests, Object};
pub use release::Release;
pub use render::{RenderRequest, RenderValidators, Rendered, render};
pub use validate::Validator;
pub use values::{App, Strategy};
