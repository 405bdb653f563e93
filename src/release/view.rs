//! What templates see of the objects the strategy rendered, as `objects`: their names and
//! selector labels, so that a template-written HPA, ServiceMonitor, PodMonitor or
//! NetworkPolicy follows a strategy switch instead of hard-coding `{app: mnist, track: stable}`.
//!
//! ```text
//! objects:
//!   selector: {app: mnist}              # every pod of the app, whatever the track or colour
//!   service: {name: mnist, type: LoadBalancer, port: 80, selector: {app: mnist, track: stable}}
//!   services: [...]                     # every Service, the same shape
//!   deployments:                        # every Deployment
//!     - {name: mnist, replicas: 9, selector: {app: mnist, track: stable}}
//!     - {name: mnist-canary, replicas: 1, selector: {app: mnist, track: canary}}
//!   ingresses: [mnist]
//!   serviceAccount: mnist               # or null
//! ```

use crate::manifest::{Manifests, Object};
use crate::values::App;
use serde_json::{Value, json};

/// The `objects` of a release whose strategy rendered `manifests`.
pub(crate) fn template_objects(app: &App, manifests: &Manifests) -> Value {
    let mut deployments = Vec::new();
    let mut services = Vec::new();
    let mut ingresses = Vec::new();
    let mut service_account = Value::Null;
    for manifest in manifests {
        match manifest.object() {
            Object::Deployment(deployment) => {
                let spec = &deployment.spec;
                deployments.push(json!({
                    "name": manifest.name(),
                    "replicas": spec.replicas,
                    "selector": spec.selector.match_labels,
                }));
            }
            Object::Service(service) => {
                let spec = service.spec.as_ref();
                services.push(json!({
                    "name": manifest.name(),
                    "type": spec.and_then(|s| s.type_.as_deref()),
                    "port": spec.and_then(|s| s.ports.as_ref()?.first()).map(|p| p.port),
                    "selector": spec.and_then(|s| s.selector.as_ref()),
                }));
            }
            Object::Ingress(_) => ingresses.push(json!(manifest.name())),
            Object::ServiceAccount(_) => service_account = json!(manifest.name()),
            _ => {}
        }
    }
    let service = services
        .iter()
        .find(|s| s["name"] == app.name.as_str())
        .or(services.first())
        .cloned()
        .unwrap_or(Value::Null);
    json!({
        "selector": {crate::strategy::APP_LABEL: app.name},
        "service": service,
        "services": services,
        "deployments": deployments,
        "ingresses": ingresses,
        "serviceAccount": service_account,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Release, Strategy};

    #[test]
    fn a_canary_shows_both_tracks_and_the_main_service() {
        let app = App::new("mnist", "mnist:1").replicas(10);
        let release = Release::new("prod", app.clone()).strategy(Strategy::canary().weight(10));
        let objects = template_objects(&app, &release.objects());
        assert_eq!(objects["selector"], json!({"app": "mnist"}));
        assert_eq!(objects["service"]["name"], "mnist");
        let names: Vec<&Value> = objects["deployments"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| &d["name"])
            .collect();
        assert_eq!(names, [&json!("mnist"), &json!("mnist-canary")]);
        assert_eq!(
            objects["deployments"][1]["selector"],
            json!({"app": "mnist", "track": "canary"})
        );
        assert_eq!(objects["deployments"][1]["replicas"], 1);
        assert_eq!(objects["serviceAccount"], Value::Null);
    }
}
