//! # tack
//!
//! tack turns **value files** into **validated Kubernetes manifests** for a chosen
//! **release strategy** (rolling update, recreate, blue/green, canary, ingress path
//! routing). It is a library first; the `tack` command line tool is a thin layer on it.
//!
//! Data flows one way:
//! values -> typed model -> strategy -> builders -> objects -> validate -> output.

pub mod names;
pub mod source;
pub mod validate;
pub mod values;

pub use values::{App, Strategy};
