//! Checks of `autoscaling` and `disruptionBudget`.

use super::Checker;
use crate::values::model::App;

impl Checker {
    pub(super) fn scaling(&mut self, app: &App) {
        let scaling = &app.autoscaling;
        if scaling.enabled {
            let min = scaling.min_replicas.unwrap_or(app.replicas);
            match scaling.max_replicas {
                None => self.report(
                    "autoscaling.maxReplicas",
                    "autoscaling needs `maxReplicas`",
                    Some("e.g. `maxReplicas: 10`"),
                ),
                Some(max) if max < min => self.report(
                    if scaling.min_replicas.is_some() {
                        "autoscaling.minReplicas"
                    } else {
                        "autoscaling.maxReplicas"
                    },
                    format!("`minReplicas` ({min}) is above `maxReplicas` ({max})"),
                    Some(if scaling.min_replicas.is_some() {
                        "lower `minReplicas` or raise `maxReplicas`"
                    } else {
                        "`minReplicas` defaults to `replicas`: set it, or raise `maxReplicas`"
                    }),
                ),
                Some(_) => {}
            }
            if min == 0 {
                self.report(
                    "autoscaling.minReplicas",
                    "`minReplicas` must be at least 1",
                    Some("scaling to zero needs the HPAScaleToZero feature gate, which tack does not assume"),
                );
            }
            for (field, value) in [
                ("autoscaling.cpuUtilization", scaling.cpu_utilization),
                ("autoscaling.memoryUtilization", scaling.memory_utilization),
            ] {
                if let Some(percent) = value
                    && !(1..=100).contains(&percent)
                {
                    self.report(
                        field,
                        format!("expected a utilization from 1 to 100 (percent of the request), found {percent}"),
                        None,
                    );
                }
            }
        }
        let budget = &app.disruption_budget;
        if budget.enabled && budget.min_available.is_some() && budget.max_unavailable.is_some() {
            self.report(
                "disruptionBudget",
                "set `minAvailable` or `maxUnavailable`, not both",
                Some("`maxUnavailable: 1` keeps working as the Deployment scales"),
            );
        }
    }
}
