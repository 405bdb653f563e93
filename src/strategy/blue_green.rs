//! Blue/green: Deployments `<app>-blue` and `<app>-green` (label `color`), each with its own
//! image; the Service `<app>` selects the active colour, the optional `<app>-preview` the
//! idle one. Flipping `active` and applying moves all traffic at once; flipping back is the
//! rollback.

use super::labels::ReleaseLabels;
use super::pod::AppPod;
use super::scaling::serving_replicas;
use super::traffic::{self, Rule};
use super::{Context, shared};
use crate::manifest::Object;
use crate::values::{BlueGreen, Colour};

/// The header that sends a request to the idle colour, unless `previewHeader` says.
pub const DEFAULT_PREVIEW_HEADER: &str = "x-preview";

/// The route `<app>-preview` to the idle colour's Service `<app>-preview`: on its own host
/// name (`previewHostname`), or on the live host names for requests with the preview header
/// (value `true`).
fn preview_route(context: &Context<'_>, settings: &BlueGreen, tag: Option<&str>) -> Object {
    let name = format!("{}-preview", context.app.name);
    let rule = Rule::to(&name);
    match &settings.preview_hostname {
        Some(hostname) => {
            traffic::route(context, &name, std::slice::from_ref(hostname), tag, &[rule])
        }
        None => {
            let header = settings
                .preview_header
                .as_deref()
                .unwrap_or(DEFAULT_PREVIEW_HEADER);
            let rule = rule.with_header(header, "true");
            traffic::route(context, &name, &traffic::hostnames(context), tag, &[rule])
        }
    }
}

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
            serving_replicas(context, app.replicas)
        } else {
            Some(settings.idle_replicas.unwrap_or(app.replicas))
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
    objects.extend(shared::entry(context, &app.name, active_tag.as_deref()));
    if settings.preview && app.traffic.is_gateway() {
        objects.push(preview_route(context, &settings, tag_of(idle).as_deref()));
    }
    objects
}
