//! Blue/green: Deployments `<app>-blue` and `<app>-green` (label `color`), each with its own
//! image; the Service `<app>` selects the active colour, the optional `<app>-preview` the
//! idle one. Flipping `active` and applying moves all traffic at once; flipping back is the
//! rollback.

use super::labels::ReleaseLabels;
use super::pod::AppPod;
use super::{Context, shared};
use crate::manifest::Object;
use crate::values::Colour;

/// The label that tells the colours apart.
pub const COLOR: &str = "color";

/// The live Service, the preview Service, both Deployments and the Ingress.
pub fn objects(context: &Context<'_>) -> Vec<Object> {
    let app = context.app;
    let settings = app.strategy.blue_green.clone().unwrap_or_default();
    let labels = ReleaseLabels::new(context);
    let pod = AppPod::new(app);
    let tag_of = |colour: Colour| {
        let image = match colour {
            Colour::Blue => &settings.blue,
            Colour::Green => &settings.green,
        };
        image.tag.clone().or_else(|| app.image.tag.clone())
    };
    let image_of = |colour: Colour| {
        let image = match colour {
            Colour::Blue => &settings.blue,
            Colour::Green => &settings.green,
        };
        pod.image(image.repository.as_deref(), image.tag.as_deref())
    };
    let active = settings.active;
    let idle = active.other();
    let active_tag = tag_of(active);
    let mut objects = vec![Object::Service(Box::new(
        shared::service(
            context,
            &app.name,
            labels.selector(Some((COLOR, active.as_str()))),
            active_tag.as_deref(),
        )
        .build(),
    ))];
    if settings.preview {
        objects.push(Object::Service(Box::new(
            shared::internal_service(
                context,
                &format!("{}-preview", app.name),
                labels.selector(Some((COLOR, idle.as_str()))),
                tag_of(idle).as_deref(),
            )
            .build(),
        )));
    }
    for colour in [Colour::Blue, Colour::Green] {
        let replicas = if colour == active {
            app.replicas
        } else {
            settings.idle_replicas.unwrap_or(app.replicas)
        };
        let deployment = shared::deployment(
            context,
            &format!("{}-{}", app.name, colour.as_str()),
            &image_of(colour),
            tag_of(colour).as_deref(),
            replicas,
            labels.selector(Some((COLOR, colour.as_str()))),
        );
        objects.push(Object::Deployment(Box::new(deployment.build())));
    }
    if let Some(ingress) = shared::ingress(context, &app.name, active_tag.as_deref()) {
        objects.push(Object::Ingress(Box::new(ingress.build())));
    }
    objects
}
