//! Waiting for a service to reach steady state after an apply, as a timeline a person can
//! follow (tasks starting, targets turning healthy, old tasks draining), and failing with the
//! reason when the rollout cannot finish.

use crate::practice;
use serde::Serialize;
use slipway_aws::Connection;
use slipway_core::health::ServiceHealth;
use slipway_core::{ErrorBody, ErrorCode};
use slipway_docker::CancellationToken;
use std::time::{Duration, Instant};
use ts_rs::TS;

/// What the wait reports on each look at the service.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct RolloutUpdate {
    pub health: ServiceHealth,
    pub steady: bool,
    /// A sentence for the timeline: what changed since the last look.
    pub note: Option<String>,
    #[ts(type = "number")]
    pub elapsed_ms: u64,
}

/// Where to look.
#[derive(Debug, Clone)]
pub struct ServiceRef {
    pub cluster: String,
    pub service: String,
    pub target_group: Option<String>,
}

fn note(before: Option<&ServiceHealth>, now: &ServiceHealth) -> Option<String> {
    let Some(b) = before else {
        return Some(format!(
            "{} of {} tasks running, {} healthy targets",
            now.running,
            now.desired,
            now.healthy_targets()
        ));
    };
    let mut parts = Vec::new();
    if b.running != now.running {
        parts.push(format!("{} of {} tasks running", now.running, now.desired));
    }
    if b.pending != now.pending && now.pending > 0 {
        parts.push(format!("{} starting", now.pending));
    }
    if b.healthy_targets() != now.healthy_targets() {
        parts.push(format!("{} healthy targets", now.healthy_targets()));
    }
    let stopped_before = b.stopped_tasks().len();
    let stopped_now = now.stopped_tasks();
    if stopped_now.len() > stopped_before {
        if let Some(t) = stopped_now.first() {
            parts.push(format!(
                "task {} stopped: {}",
                t.id,
                t.stopped_reason.as_deref().unwrap_or("no reason given")
            ));
        }
    }
    if let Some(e) = now.events.first() {
        if b.events.first().map(|x| &x.id) != Some(&e.id) {
            parts.push(e.message.clone());
        }
    }
    (!parts.is_empty()).then(|| parts.join("; "))
}

/// Looks at the service (in practice mode, with the counts the practice scheduler's tasks give).
pub async fn look(conn: &Connection, target: &ServiceRef) -> Result<ServiceHealth, ErrorBody> {
    let mut health = slipway_aws::health::service_health(
        conn,
        &target.cluster,
        &target.service,
        target.target_group.as_deref(),
    )
    .await?;
    if conn.practice {
        practice::mark_pulling(&mut health);
        practice::derive_counts(&mut health);
    }
    Ok(health)
}

/// Practice mode: one round of the practice scheduler after a look (elsewhere: nothing).
pub async fn schedule(
    conn: &Connection,
    target: &ServiceRef,
    health: &ServiceHealth,
) -> Result<bool, ErrorBody> {
    if !conn.practice {
        return Ok(false);
    }
    Ok(practice::reconcile(
        &practice::quiet(conn),
        health,
        target.target_group.as_deref(),
    )
    .await?)
}

/// Waits until the service is steady, reporting each look. Fails when the circuit breaker rolls
/// the deployment back, when tasks keep stopping, or after `timeout`.
pub async fn wait_steady(
    conn: &Connection,
    target: &ServiceRef,
    timeout: Duration,
    cancel: &CancellationToken,
    mut on_update: impl FnMut(&RolloutUpdate),
) -> Result<ServiceHealth, ErrorBody> {
    let started = Instant::now();
    let mut last: Option<ServiceHealth> = None;
    // Quick looks while things change, slower ones while waiting on AWS.
    let mut pause = Duration::from_millis(if conn.practice { 300 } else { 3000 });
    loop {
        let health = look(conn, target).await?;
        let steady = health.is_steady(target.target_group.is_some());
        let update = RolloutUpdate {
            note: note(last.as_ref(), &health),
            steady,
            elapsed_ms: started.elapsed().as_millis() as u64,
            health: health.clone(),
        };
        let changed = update.note.is_some();
        on_update(&update);
        if steady {
            return Ok(health);
        }
        if health.status == "MISSING" {
            return Err(ErrorBody::new(
                ErrorCode::AwsCallFailed,
                format!(
                    "The service {} does not exist in cluster {}.",
                    target.service, target.cluster
                ),
                "Apply the plan first (`slipway apply`).",
            ));
        }
        if let Some(failed) = health.failed_deployment() {
            let reasons: Vec<String> = health
                .stopped_tasks()
                .iter()
                .take(3)
                .filter_map(|t| t.stopped_reason.clone())
                .collect();
            return Err(ErrorBody::new(
                ErrorCode::AwsCallFailed,
                format!(
                    "The deployment failed and was rolled back: {}.{}",
                    failed.rollout_reason.as_deref().unwrap_or("the circuit breaker stopped it"),
                    if reasons.is_empty() {
                        String::new()
                    } else {
                        format!(" Tasks stopped because: {}", reasons.join("; "))
                    }
                ),
                "Open the Monitor step: the health map shows the failed tasks and why they stopped.",
            ));
        }
        if started.elapsed() >= timeout {
            let why = health
                .stopped_tasks()
                .first()
                .and_then(|t| t.stopped_reason.clone())
                .map(|r| format!(" The last task that stopped said: {r}."))
                .unwrap_or_default();
            return Err(ErrorBody::new(
                ErrorCode::AwsCallFailed,
                format!(
                    "The service did not become steady within {} s: {} of {} tasks running, {} healthy targets.{why}",
                    timeout.as_secs(),
                    health.running,
                    health.desired,
                    health.healthy_targets()
                ),
                "The resources exist; watch the service in the Monitor step, or run `slipway status`.",
            ));
        }
        let scheduled = schedule(conn, target, &health).await?;
        if changed || scheduled {
            pause = Duration::from_millis(if conn.practice { 300 } else { 3000 });
        } else {
            pause = (pause * 3 / 2).min(Duration::from_secs(if conn.practice { 2 } else { 15 }));
        }
        last = Some(health);
        tokio::select! {
            _ = cancel.cancelled() => {
                return Err(ErrorBody::new(
                    ErrorCode::Cancelled,
                    "Stopped waiting for the service; it keeps rolling out on AWS.",
                    "Watch it in the Monitor step, or run `slipway status`.",
                ))
            }
            _ = tokio::time::sleep(pause) => {}
        }
    }
}
