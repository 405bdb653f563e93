//! Recreate: as rolling update, but the Deployment replaces all pods at once (for apps that
//! cannot run two versions side by side, e.g. one writer on a ReadWriteOnce volume).

use super::labels::ReleaseLabels;
use super::pod::AppPod;
use super::rolling::STABLE;
use super::scaling::serving_replicas;
use super::{Context, shared};
use crate::manifest::Object;

/// The Service, the Deployment (strategy `Recreate`) and the Ingress or route.
pub fn objects(context: &Context<'_>) -> Vec<Object> {
    let app = context.app;
    let tag = app.image.tag.as_deref();
    let settings = app.strategy.recreate.clone().unwrap_or_default();
    let selector = ReleaseLabels::new(context).selector(Some(STABLE));
    let image = AppPod::new(app).image(None, None);
    let deployment = shared::deployment(
        context,
        &app.name,
        &image,
        tag,
        serving_replicas(context, app.replicas),
        selector.clone(),
    )
    .recreate()
    .min_ready_seconds(settings.min_ready_seconds)
    .progress_deadline_seconds(settings.progress_deadline_seconds)
    .revision_history_limit(settings.revision_history_limit);
    let mut objects = vec![
        Object::Service(Box::new(
            shared::service(context, &app.name, selector, tag).build(),
        )),
        Object::Deployment(Box::new(deployment.build())),
    ];
    objects.extend(shared::entry(context, &app.name, tag));
    objects
}
