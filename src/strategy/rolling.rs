//! Rolling update: one Deployment `<app>` whose pods are replaced gradually, the Service
//! `<app>`, and the Ingress `<app>` when enabled.
//!
//! The Deployment selects `{app: <app>, track: stable}`, the same as the stable track of a
//! canary, so switching between rolling update, recreate and canary never changes a
//! Deployment's (immutable) selector.

use super::labels::ReleaseLabels;
use super::pod::AppPod;
use super::scaling::serving_replicas;
use super::{Context, shared};
use crate::manifest::Object;

/// The label value of the main (non-canary) track.
pub const STABLE: (&str, &str) = ("track", "stable");

/// The Service, the Deployment and the Ingress.
pub fn objects(context: &Context<'_>) -> Vec<Object> {
    let app = context.app;
    let tag = app.image.tag.as_deref();
    let labels = ReleaseLabels::new(context);
    let selector = labels.selector(Some(STABLE));
    let image = AppPod::new(app).image(None, None);
    let mut objects = vec![
        Object::Service(Box::new(
            shared::service(context, &app.name, selector.clone(), tag).build(),
        )),
        Object::Deployment(Box::new(
            shared::deployment(
                context,
                &app.name,
                &image,
                tag,
                serving_replicas(context, app.replicas),
                selector,
            )
            .build(),
        )),
    ];
    objects.extend(shared::entry(context, &app.name, tag));
    objects
}
