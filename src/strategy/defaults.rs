//! tack's secure, zero-downtime pod defaults, each merged *under* what the values set, so a
//! key the values write wins and everything else keeps its default.
//!
//! - Security (`secureDefaults`, on by default): pods run as non-root with the runtime's
//!   seccomp profile; every container drops all capabilities, cannot escalate privileges and
//!   has a read-only root filesystem (with an emptyDir at `/tmp`). Together these are what
//!   the Pod Security Standard `restricted` asks for.
//! - Shutdown: a `preStop` pause of `shutdownDelaySeconds`, so a stopping pod keeps serving
//!   while its endpoint is removed from Services and load balancers, and a grace period
//!   above it.
//! - Spreading: with more than one replica, each Deployment's pods spread over nodes.

use super::Context;
use crate::build::Labels;
use crate::kube_version::KubeVersion;
use crate::values::{DEFAULT_GRACE_PERIOD, DEFAULT_SHUTDOWN_DELAY};
use crate::values::{Kube, KubeType, Spread, SpreadOver};
use k8s_openapi::api::core::v1::{
    Container, ExecAction, Lifecycle, LifecycleHandler, PodSecurityContext, SecurityContext,
    SleepAction, TopologySpreadConstraint, Volume, VolumeMount,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use serde_json::{Value, json};

/// The name of the emptyDir mounted at `/tmp` when the root filesystem is read-only.
pub(crate) const TMP_VOLUME: &str = "tmp";

/// The first version with `preStop: {sleep: ...}` on by default (beta in 1.30).
const SLEEP_ACTION: KubeVersion = KubeVersion::new(30);

/// The first version with `matchLabelKeys` in spread constraints on by default (beta in
/// 1.27): with `pod-template-hash`, a rollout's new pods spread among themselves instead of
/// being skewed by the old ReplicaSet's.
const MATCH_LABEL_KEYS: KubeVersion = KubeVersion::new(27);

/// `user` merged over `defaults` (RFC 7386: mappings merge, `null` deletes, the rest
/// replaces), as the Kubernetes type. `None` when both are empty.
pub(crate) fn merged<T: KubeType>(defaults: Value, user: Option<&Kube<T>>) -> Option<T> {
    let mut value = defaults;
    if let Some(user) = user {
        json_patch::merge(&mut value, user.json());
    }
    if value.as_object().is_some_and(serde_json::Map::is_empty) || value.is_null() {
        return None;
    }
    serde_json::from_value(value).ok()
}

/// The defaults of a pod's `securityContext`.
pub(crate) fn pod_security(context: &Context<'_>) -> Option<PodSecurityContext> {
    let app = context.app;
    let defaults = if app.secure_defaults {
        json!({"runAsNonRoot": true, "seccompProfile": {"type": "RuntimeDefault"}})
    } else {
        json!({})
    };
    merged(defaults, app.pod_security_context.as_ref())
}

/// The defaults of every container's `securityContext`.
fn container_security_defaults(secure: bool) -> Value {
    if secure {
        json!({
            "allowPrivilegeEscalation": false,
            "capabilities": {"drop": ["ALL"]},
            "readOnlyRootFilesystem": true,
        })
    } else {
        json!({})
    }
}

/// The app container's `securityContext`.
pub(crate) fn container_security(context: &Context<'_>) -> Option<SecurityContext> {
    let app = context.app;
    merged(
        container_security_defaults(app.secure_defaults),
        app.security_context.as_ref(),
    )
}

/// A container written in values (init container, sidecar, extra container) with the secure
/// defaults merged under its `securityContext`; `restart_always` makes it a native sidecar.
pub(crate) fn extra_container(
    context: &Context<'_>,
    container: &Kube<Container>,
    restart_always: bool,
) -> Option<Container> {
    let mut value = container.json().clone();
    if let Value::Object(map) = &mut value {
        let mut security = container_security_defaults(context.app.secure_defaults);
        if let Some(user) = map.get("securityContext") {
            json_patch::merge(&mut security, user);
        }
        if security.as_object().is_some_and(|m| !m.is_empty()) {
            map.insert("securityContext".into(), security);
        }
        if restart_always {
            map.insert("restartPolicy".into(), json!("Always"));
        }
    }
    let mut container: Container = serde_json::from_value(value).ok()?;
    mount_tmp(&mut container);
    Some(container)
}

/// Mounts the `/tmp` emptyDir into a container with a read-only root filesystem that does
/// not mount `/tmp` itself. True when it did.
pub(crate) fn mount_tmp(container: &mut Container) -> bool {
    let read_only = container
        .security_context
        .as_ref()
        .and_then(|c| c.read_only_root_filesystem)
        == Some(true);
    let mounts = container.volume_mounts.get_or_insert_with(Vec::new);
    if !read_only
        || mounts
            .iter()
            .any(|m| m.mount_path.trim_end_matches('/') == "/tmp")
    {
        if mounts.is_empty() {
            container.volume_mounts = None;
        }
        return false;
    }
    mounts.push(VolumeMount {
        name: TMP_VOLUME.to_string(),
        mount_path: "/tmp".to_string(),
        ..VolumeMount::default()
    });
    true
}

/// The emptyDir behind `/tmp`.
pub(crate) fn tmp_volume() -> Volume {
    Volume {
        name: TMP_VOLUME.to_string(),
        empty_dir: Some(Default::default()),
        ..Volume::default()
    }
}

/// The app container's `lifecycle`: the values', with a `preStop` pause of
/// `shutdownDelaySeconds` when they set no `preStop`.
pub(crate) fn lifecycle(context: &Context<'_>) -> Option<Lifecycle> {
    let app = context.app;
    let mut lifecycle: Lifecycle = app
        .lifecycle
        .as_ref()
        .and_then(Kube::typed)
        .unwrap_or_default();
    let delay = shutdown_delay(context);
    if lifecycle.pre_stop.is_none() && delay > 0 {
        lifecycle.pre_stop = Some(if context.kube_version >= SLEEP_ACTION {
            LifecycleHandler {
                sleep: Some(SleepAction {
                    seconds: i64::from(delay),
                }),
                ..LifecycleHandler::default()
            }
        } else {
            LifecycleHandler {
                exec: Some(ExecAction {
                    command: Some(vec!["sleep".to_string(), delay.to_string()]),
                }),
                ..LifecycleHandler::default()
            }
        });
    }
    (lifecycle != Lifecycle::default()).then_some(lifecycle)
}

/// The pause before stopping (0 when the values' own `preStop` replaces it).
fn shutdown_delay(context: &Context<'_>) -> u32 {
    let app = context.app;
    let own_pre_stop = app
        .lifecycle
        .as_ref()
        .is_some_and(|l| l.json().get("preStop").is_some_and(|p| !p.is_null()));
    if own_pre_stop {
        0
    } else {
        app.shutdown_delay_seconds.unwrap_or(DEFAULT_SHUTDOWN_DELAY)
    }
}

/// The grace period: the values', or the default when tack adds a pause (written out, so
/// the manifest shows the timing it relies on).
pub(crate) fn grace_period(context: &Context<'_>) -> Option<u32> {
    let app = context.app;
    app.termination_grace_period_seconds
        .or((shutdown_delay(context) > 0).then_some(DEFAULT_GRACE_PERIOD))
}

/// The spread constraints of a Deployment whose pods `selector` selects.
pub(crate) fn spread(context: &Context<'_>, selector: &Labels) -> Vec<TopologySpreadConstraint> {
    let app = context.app;
    let spread = match &app.spread {
        Some(spread) => spread.clone(),
        None if app.replicas > 1 => Spread::default(),
        None => return Vec::new(),
    };
    let mut over = spread.over.clone();
    over.dedup();
    over.iter()
        .map(|domain: &SpreadOver| TopologySpreadConstraint {
            max_skew: i32::try_from(spread.max_skew).unwrap_or(i32::MAX),
            topology_key: domain.topology_key().to_string(),
            when_unsatisfiable: spread.when_unsatisfiable.as_str().to_string(),
            label_selector: Some(LabelSelector {
                match_labels: Some(selector.clone()),
                match_expressions: None,
            }),
            match_label_keys: (context.kube_version >= MATCH_LABEL_KEYS)
                .then(|| vec!["pod-template-hash".to_string()]),
            ..TopologySpreadConstraint::default()
        })
        .collect()
}

/// Whether the pods get a ServiceAccount token: as the values say; otherwise, with secure
/// defaults, only when the pods run as a ServiceAccount chosen for them (created or named).
pub(crate) fn automount_token(context: &Context<'_>) -> Option<bool> {
    let app = context.app;
    if let Some(mount) = app.automount_service_account_token {
        return Some(mount);
    }
    let own_account = app.service_account.create
        || app.service_account.name.is_some()
        || app.service_account_name.is_some();
    (app.secure_defaults && !own_account).then_some(false)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::values::App;

    fn context(app: &App, minor: u32) -> Context<'_> {
        Context {
            app,
            release: "prod",
            namespace: None,
            kube_version: KubeVersion::new(minor),
        }
    }

    #[test]
    fn values_win_over_defaults_key_by_key() {
        let mut app = App::new("mnist", "mnist:1");
        app.security_context = Some(Kube::from_json(
            json!({"readOnlyRootFilesystem": false, "capabilities": {"add": ["NET_BIND_SERVICE"]}}),
        ));
        let security = container_security(&context(&app, 33)).unwrap();
        assert_eq!(security.read_only_root_filesystem, Some(false));
        assert_eq!(security.allow_privilege_escalation, Some(false));
        let capabilities = security.capabilities.unwrap();
        assert_eq!(capabilities.drop.unwrap(), ["ALL"]);
        assert_eq!(capabilities.add.unwrap(), ["NET_BIND_SERVICE"]);
    }

    #[test]
    fn null_removes_a_default_and_secure_defaults_false_removes_all() {
        let mut app = App::new("mnist", "mnist:1");
        app.pod_security_context = Some(Kube::from_json(json!({"runAsNonRoot": null})));
        let pod = pod_security(&context(&app, 33)).unwrap();
        assert_eq!(pod.run_as_non_root, None);
        assert!(pod.seccomp_profile.is_some());
        app.secure_defaults = false;
        app.pod_security_context = None;
        assert_eq!(pod_security(&context(&app, 33)), None);
        assert_eq!(container_security(&context(&app, 33)), None);
        assert_eq!(automount_token(&context(&app, 33)), None);
    }

    #[test]
    fn the_pause_is_a_sleep_action_from_1_30_and_an_exec_before() {
        let app = App::new("mnist", "mnist:1");
        let new = lifecycle(&context(&app, 30)).unwrap().pre_stop.unwrap();
        assert_eq!(new.sleep.map(|s| s.seconds), Some(5));
        let old = lifecycle(&context(&app, 29)).unwrap().pre_stop.unwrap();
        assert_eq!(old.exec.unwrap().command.unwrap(), ["sleep", "5"]);
        assert_eq!(grace_period(&context(&app, 33)), Some(30));
    }

    #[test]
    fn an_own_pre_stop_or_a_zero_delay_turns_the_pause_off() {
        let mut app = App::new("mnist", "mnist:1");
        app.shutdown_delay_seconds = Some(0);
        assert_eq!(lifecycle(&context(&app, 33)), None);
        assert_eq!(grace_period(&context(&app, 33)), None);
        app.shutdown_delay_seconds = None;
        app.lifecycle = Some(Kube::from_json(
            json!({"preStop": {"httpGet": {"path": "/drain", "port": 8080}}}),
        ));
        let pre_stop = lifecycle(&context(&app, 33)).unwrap().pre_stop.unwrap();
        assert!(pre_stop.sleep.is_none() && pre_stop.http_get.is_some());
    }

    #[test]
    fn spreads_over_nodes_only_with_more_than_one_replica() {
        let selector = Labels::from([("app".to_string(), "mnist".to_string())]);
        let one = App::new("mnist", "mnist:1");
        assert!(spread(&context(&one, 33), &selector).is_empty());
        let three = App::new("mnist", "mnist:1").replicas(3);
        let constraints = spread(&context(&three, 33), &selector);
        assert_eq!(constraints.len(), 1);
        assert_eq!(constraints[0].topology_key, "kubernetes.io/hostname");
        assert_eq!(constraints[0].when_unsatisfiable, "ScheduleAnyway");
        assert_eq!(
            constraints[0].match_label_keys.as_deref(),
            Some(&["pod-template-hash".to_string()][..])
        );
        assert_eq!(
            spread(&context(&three, 26), &selector)[0].match_label_keys,
            None
        );
        let mut off = three.clone();
        off.spread = Some(Spread {
            over: Vec::new(),
            ..Spread::default()
        });
        assert!(spread(&context(&off, 33), &selector).is_empty());
    }

    #[test]
    fn a_read_only_container_gets_tmp_unless_it_mounts_tmp() {
        let app = App::new("mnist", "mnist:1");
        let sidecar = Kube::from_json(json!({"name": "proxy", "image": "envoy:1"}));
        let container = extra_container(&context(&app, 33), &sidecar, true).unwrap();
        assert_eq!(container.restart_policy.as_deref(), Some("Always"));
        assert_eq!(container.volume_mounts.unwrap()[0].mount_path, "/tmp");
        let own = Kube::from_json(json!({
            "name": "proxy", "image": "envoy:1",
            "volumeMounts": [{"name": "scratch", "mountPath": "/tmp/"}],
        }));
        let container = extra_container(&context(&app, 33), &own, false).unwrap();
        assert_eq!(container.volume_mounts.unwrap().len(), 1);
    }
}
