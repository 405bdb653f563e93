//! Offline validation of Kubernetes objects: schema, removed APIs, API-server rules and
//! cross-object checks.

mod document;
mod report;
mod yaml;

pub use document::Document;
pub use report::{Check, CheckedObject, Checks, Problem, Report, Severity, Skipped, UnknownCheck};
mod object;
mod parse;
mod removed;
mod rules;
mod schema;
mod split;
