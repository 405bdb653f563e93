//! Release strategies: from the typed app to the objects of one release. What is public
//! here is the arithmetic users plan with; [`crate::Release`] renders strategies.
//!
//! A strategy decides *which* objects exist, their names and their labels; the builders in
//! [`crate::build`] decide how each one looks. Every strategy also renders the objects all
//! of them share (the app's Secrets); see each module for its objects.

mod blue_green;
mod canary;
mod defaults;
mod labels;
mod pod;
mod recreate;
mod rolling;
mod routing;
mod scaling;
mod shared;
mod traffic;

pub use canary::canary_replicas;
pub(crate) use labels::APP as APP_LABEL;

use crate::manifest::Object;
use crate::values::{App, StrategyType};

/// What a strategy needs to know about the release besides the app.
#[derive(Debug, Clone)]
pub(crate) struct Context<'a> {
    /// The app.
    pub app: &'a App,
    /// The release name (`app.kubernetes.io/instance`).
    pub release: &'a str,
    /// The namespace of every object, if set.
    pub namespace: Option<&'a str>,
    /// The Kubernetes version rendered for (some settings exist only from a version on).
    pub kube_version: crate::kube_version::KubeVersion,
}

/// One rendered object and the strategy part that made it (for `# Source:` lines).
#[derive(Debug, Clone)]
pub(crate) struct Rendered {
    /// Where it came from, e.g. `canary` or `shared`.
    pub origin: &'static str,
    /// The object.
    pub object: Object,
}

/// The objects of a release, in the order the strategy makes them.
pub(crate) fn objects(context: &Context<'_>) -> Vec<Rendered> {
    let mut objects = shared::secrets(context);
    objects.extend(shared::service_account(context));
    let origin = context.app.strategy.kind.as_str();
    let strategy_objects = match context.app.strategy.kind {
        StrategyType::RollingUpdate => rolling::objects(context),
        StrategyType::Recreate => recreate::objects(context),
        StrategyType::BlueGreen => blue_green::objects(context),
        StrategyType::Canary => canary::objects(context),
        StrategyType::Routing => routing::objects(context),
    };
    let scaling = scaling::objects(context, &strategy_objects);
    objects.extend(
        strategy_objects
            .into_iter()
            .map(|object| Rendered { origin, object }),
    );
    objects.extend(scaling);
    objects
}
