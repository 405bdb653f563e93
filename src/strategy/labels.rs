//! Labels: Kubernetes' recommended labels on every object, and the selector labels that tie
//! Services to pods.

use super::Context;
use crate::build::Labels;

/// The label that selects all pods of the app, whatever the track, colour or version.
pub const APP: &str = "app";

/// Labels of one release.
#[derive(Debug, Clone)]
pub struct ReleaseLabels<'a> {
    context: &'a Context<'a>,
}

impl<'a> ReleaseLabels<'a> {
    /// Labels for this release.
    pub fn new(context: &'a Context<'a>) -> Self {
        ReleaseLabels { context }
    }

    /// The recommended labels (`app.kubernetes.io/*`) of an object running `tag`.
    pub fn common(&self, tag: Option<&str>) -> Labels {
        let app = self.context.app;
        let mut labels = Labels::from([
            ("app.kubernetes.io/name".to_string(), app.name.clone()),
            (
                "app.kubernetes.io/instance".to_string(),
                self.context.release.to_string(),
            ),
            (
                "app.kubernetes.io/managed-by".to_string(),
                "tack".to_string(),
            ),
        ]);
        if let Some(version) = tag.filter(|t| !t.is_empty() && crate::names::is_label_value(t)) {
            labels.insert("app.kubernetes.io/version".to_string(), version.to_string());
        }
        labels
    }

    /// The selector of all the app's pods, plus one distinguishing label.
    pub fn selector(&self, extra: Option<(&str, &str)>) -> Labels {
        let mut labels = Labels::from([(APP.to_string(), self.context.app.name.clone())]);
        if let Some((key, value)) = extra {
            labels.insert(key.to_string(), value.to_string());
        }
        labels
    }
}
