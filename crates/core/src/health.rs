//! A service's health as one snapshot: its deployments, tasks, load-balancer targets and
//! events. The health map draws it, the rollout timeline follows it, the diagnosis rules read
//! it. Adapters fill it from DescribeServices, DescribeTasks and DescribeTargetHealth.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// One deployment of the service (PRIMARY is the newest; ACTIVE ones are being replaced).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DeploymentInfo {
    pub id: String,
    /// `PRIMARY`, `ACTIVE` or `INACTIVE`.
    pub status: String,
    /// `IN_PROGRESS`, `COMPLETED` or `FAILED`.
    pub rollout_state: Option<String>,
    pub rollout_reason: Option<String>,
    pub task_definition: String,
    pub desired: i32,
    pub running: i32,
    pub pending: i32,
    pub failed: i32,
    #[ts(type = "number | null")]
    pub created_ms: Option<i64>,
    #[ts(type = "number | null")]
    pub updated_ms: Option<i64>,
}

/// One container of a task.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ContainerInfo {
    pub name: String,
    pub last_status: String,
    pub exit_code: Option<i32>,
    pub reason: Option<String>,
    /// The container health check's verdict: `HEALTHY`, `UNHEALTHY`, `UNKNOWN`.
    pub health: Option<String>,
}

/// One task of the service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct TaskInfo {
    pub arn: String,
    /// The last part of the ARN, as the console shows it.
    pub id: String,
    /// `PROVISIONING`, `PENDING`, `ACTIVATING`, `RUNNING`, `DEACTIVATING`, `STOPPING`, `STOPPED`.
    pub last_status: String,
    pub desired_status: String,
    /// The task's health from its containers' checks.
    pub health: Option<String>,
    pub availability_zone: Option<String>,
    pub private_ip: Option<String>,
    pub task_definition: String,
    /// Which deployment started it (`startedBy`).
    pub started_by: Option<String>,
    #[ts(type = "number | null")]
    pub started_ms: Option<i64>,
    #[ts(type = "number | null")]
    pub stopped_ms: Option<i64>,
    pub stopped_reason: Option<String>,
    /// `EssentialContainerExited`, `TaskFailedToStart`, `ServiceSchedulerInitiated` ...
    pub stop_code: Option<String>,
    pub containers: Vec<ContainerInfo>,
}

/// One target of the load balancer's target group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct TargetInfo {
    /// The task's IP address.
    pub id: String,
    pub port: i32,
    /// `initial`, `healthy`, `unhealthy`, `unused`, `draining`, `unavailable`.
    pub state: String,
    /// e.g. `Target.ResponseCodeMismatch`, `Target.Timeout`.
    pub reason: Option<String>,
    pub description: Option<String>,
}

/// One line of the service's event log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ServiceEvent {
    pub id: String,
    #[ts(type = "number")]
    pub at_ms: i64,
    pub message: String,
}

/// A service, whole.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ServiceHealth {
    pub cluster: String,
    pub service: String,
    /// `ACTIVE`, `DRAINING`, `INACTIVE`, or `MISSING` when it does not exist.
    pub status: String,
    pub desired: i32,
    pub running: i32,
    pub pending: i32,
    pub task_definition: String,
    pub deployments: Vec<DeploymentInfo>,
    /// Running tasks and the ones that stopped recently.
    pub tasks: Vec<TaskInfo>,
    pub targets: Vec<TargetInfo>,
    /// Newest first.
    pub events: Vec<ServiceEvent>,
    #[ts(type = "number")]
    pub observed_ms: i64,
}

impl ServiceHealth {
    /// A service that does not exist.
    pub fn missing(cluster: &str, service: &str, at_ms: i64) -> Self {
        Self {
            cluster: cluster.into(),
            service: service.into(),
            status: "MISSING".into(),
            desired: 0,
            running: 0,
            pending: 0,
            task_definition: String::new(),
            deployments: Vec::new(),
            tasks: Vec::new(),
            targets: Vec::new(),
            events: Vec::new(),
            observed_ms: at_ms,
        }
    }

    /// The newest deployment.
    pub fn primary(&self) -> Option<&DeploymentInfo> {
        self.deployments.iter().find(|d| d.status == "PRIMARY")
    }

    /// Targets the load balancer considers healthy.
    pub fn healthy_targets(&self) -> usize {
        self.targets.iter().filter(|t| t.state == "healthy").count()
    }

    /// Steady: one deployment, completed, every desired task running, and (with a load
    /// balancer) as many healthy targets as desired tasks.
    pub fn is_steady(&self, has_load_balancer: bool) -> bool {
        let Some(p) = self.primary() else {
            return false;
        };
        // A deployment the circuit breaker stopped, with nothing left running, is history.
        let one = self
            .deployments
            .iter()
            .filter(|d| {
                !(d.rollout_state.as_deref() == Some("FAILED") && d.running == 0 && d.pending == 0)
                    || d.status == "PRIMARY"
            })
            .count()
            == 1;
        let rolled = p.rollout_state.as_deref().is_none_or(|s| s == "COMPLETED");
        let counts = self.running == self.desired && p.running == p.desired && self.pending == 0;
        let targets = !has_load_balancer
            || self.desired == 0
            || self.healthy_targets() >= self.desired as usize;
        self.status == "ACTIVE" && one && rolled && counts && targets
    }

    /// The deployment rolled back by the circuit breaker, if that is what happened.
    pub fn failed_deployment(&self) -> Option<&DeploymentInfo> {
        self.deployments
            .iter()
            .find(|d| d.rollout_state.as_deref() == Some("FAILED"))
    }

    /// Tasks that stopped, newest first.
    pub fn stopped_tasks(&self) -> Vec<&TaskInfo> {
        let mut v: Vec<&TaskInfo> = self
            .tasks
            .iter()
            .filter(|t| t.last_status == "STOPPED")
            .collect();
        v.sort_by_key(|t| std::cmp::Reverse(t.stopped_ms));
        v
    }
}

/// The revision number at the end of a task definition ARN (`...:7` → 7).
pub fn revision_of(task_definition_arn: &str) -> Option<u32> {
    task_definition_arn.rsplit(':').next()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deployment(status: &str, rollout: &str, desired: i32, running: i32) -> DeploymentInfo {
        DeploymentInfo {
            id: format!("ecs-svc/{status}"),
            status: status.into(),
            rollout_state: Some(rollout.into()),
            rollout_reason: None,
            task_definition: "arn:aws:ecs:us-east-1:1:task-definition/shop:3".into(),
            desired,
            running,
            pending: desired - running,
            failed: 0,
            created_ms: None,
            updated_ms: None,
        }
    }

    fn target(state: &str) -> TargetInfo {
        TargetInfo {
            id: "10.0.1.5".into(),
            port: 8080,
            state: state.into(),
            reason: None,
            description: None,
        }
    }

    fn health(deployments: Vec<DeploymentInfo>, targets: Vec<TargetInfo>) -> ServiceHealth {
        let mut h = ServiceHealth::missing("c", "s", 0);
        h.status = "ACTIVE".into();
        h.desired = 2;
        h.running = deployments.iter().map(|d| d.running).sum();
        h.pending = deployments.iter().map(|d| d.pending).sum();
        h.deployments = deployments;
        h.targets = targets;
        h
    }

    #[test]
    fn steady_needs_one_completed_deployment_and_healthy_targets() {
        let h = health(
            vec![deployment("PRIMARY", "COMPLETED", 2, 2)],
            vec![target("healthy"), target("healthy")],
        );
        assert!(h.is_steady(true));
        let rolling = health(
            vec![
                deployment("PRIMARY", "IN_PROGRESS", 2, 1),
                deployment("ACTIVE", "COMPLETED", 2, 2),
            ],
            vec![target("healthy"), target("initial")],
        );
        assert!(!rolling.is_steady(true));
        let unhealthy = health(
            vec![deployment("PRIMARY", "COMPLETED", 2, 2)],
            vec![target("healthy"), target("unhealthy")],
        );
        assert!(!unhealthy.is_steady(true));
        assert!(
            unhealthy.is_steady(false),
            "without a load balancer targets do not count"
        );
    }

    #[test]
    fn a_failed_rollout_is_found_and_revisions_read() {
        let h = health(
            vec![
                deployment("PRIMARY", "COMPLETED", 2, 2),
                deployment("ACTIVE", "FAILED", 2, 0),
            ],
            vec![],
        );
        assert_eq!(h.failed_deployment().unwrap().status, "ACTIVE");
        assert_eq!(
            revision_of("arn:aws:ecs:us-east-1:1:task-definition/shop:3"),
            Some(3)
        );
    }
}
