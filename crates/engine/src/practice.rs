//! Practice mode's scheduler. The AWS emulator keeps ECS's records but never starts a task, so
//! in practice mode Slipway plays the ECS scheduler's part: it starts the service's tasks in the
//! emulator (RunTask, in the service's subnets, started by its deployment), registers their IPs
//! with the target group, stops tasks of older task definitions once the new ones run (a
//! rolling deployment, within minimum healthy / maximum percent), and derives the deployment's
//! counts from the tasks. Its calls are not the learner's: they go through a connection that
//! does not write the journal.

use slipway_aws::{AwsError, Connection};
use slipway_core::health::ServiceHealth;
use std::sync::Arc;

/// A connection to the same emulator whose calls are not journaled.
pub fn quiet(conn: &Connection) -> Connection {
    let stack = slipway_core::connection::PracticeStack {
        aws_endpoint: conn.endpoint.clone().unwrap_or_default(),
        ..slipway_core::connection::PracticeStack::from_env()
    };
    Connection::practice(
        &stack,
        Some(conn.region.clone()),
        Arc::new(slipway_core::journal::MemoryJournal::default()),
    )
}

/// Tells the emulator that ECS tasks stay RUNNING until stopped (its default walks them to
/// STOPPED on every DescribeTasks, for testing waiters). Idempotent; `scripts/practice` does it
/// too when it starts the emulator.
pub async fn settle_task_lifecycle(conn: &Connection) -> Result<(), AwsError> {
    let endpoint = conn.endpoint.clone().unwrap_or_default();
    let host = endpoint
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_string();
    let body = r#"{"model_name": "ecs::task", "transition": {"progression": "manual", "times": 1000000000}}"#;
    let fail = |detail: String| AwsError::Unreachable {
        endpoint: endpoint.clone(),
        detail,
        practice: true,
    };
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(&host)
        .await
        .map_err(|e| fail(e.to_string()))?;
    let req = format!(
        "POST /moto-api/state-manager/set-transition HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream
        .write_all(req.as_bytes())
        .await
        .map_err(|e| fail(e.to_string()))?;
    let mut answer = Vec::new();
    stream
        .read_to_end(&mut answer)
        .await
        .map_err(|e| fail(e.to_string()))?;
    if !answer.starts_with(b"HTTP/1.1 2") && !answer.starts_with(b"HTTP/1.0 2") {
        return Err(fail(
            String::from_utf8_lossy(&answer[..answer.len().min(80)]).into_owned(),
        ));
    }
    Ok(())
}

/// One round of scheduling for the service; returns whether it changed anything.
pub async fn reconcile(
    conn: &Connection,
    health: &ServiceHealth,
    target_group: Option<&str>,
) -> Result<bool, AwsError> {
    if health.status != "ACTIVE" {
        return Ok(false);
    }
    static SETTLED: tokio::sync::OnceCell<()> = tokio::sync::OnceCell::const_new();
    SETTLED
        .get_or_try_init(|| async { settle_task_lifecycle(conn).await })
        .await?;
    let ecs = conn.ecs();
    let desired = health.desired.max(0) as usize;
    let td = &health.task_definition;
    let deployment = health
        .primary()
        .map(|d| d.id.clone())
        .unwrap_or_else(|| "ecs-svc/practice".into());
    let alive: Vec<_> = health
        .tasks
        .iter()
        .filter(|t| t.last_status != "STOPPED")
        .collect();
    let current: Vec<_> = alive.iter().filter(|t| &t.task_definition == td).collect();
    let old: Vec<_> = alive.iter().filter(|t| &t.task_definition != td).collect();
    let mut changed = false;

    let svc = ecs
        .describe_services()
        .cluster(&health.cluster)
        .services(&health.service)
        .send()
        .await
        .map_err(conn.fail("ECS", "DescribeServices"))?;
    let Some(svc) = svc.services().first() else {
        return Ok(false);
    };
    // ECS cannot start a task whose image is not in the registry: its tasks stay PENDING while
    // the agent retries the pull, then stop with CannotPullContainerError. Each round either
    // fails the tasks started in the last one or starts new ones, so the map shows both.
    let pull_error = pull_error(conn, td).await?;
    if let Some(reason) = &pull_error {
        if !current.is_empty() {
            for t in &current {
                ecs.stop_task()
                    .cluster(&health.cluster)
                    .task(&t.arn)
                    .reason(reason)
                    .send()
                    .await
                    .map_err(conn.fail("ECS", "StopTask"))?;
            }
            return Ok(true);
        }
        let failed = failed_starts(health, td);
        if failed >= crate::experiments::failure_threshold(health.desired) {
            // The emulator does not keep deploymentConfiguration; Slipway applies the circuit
            // breaker with rollback unless slipway.toml turns it off (and then the experiment
            // is refused).
            let rollback = svc
                .deployment_configuration()
                .and_then(|d| d.deployment_circuit_breaker())
                .is_none_or(|b| b.enable() && b.rollback());
            return circuit_breaker(conn, health, &old, rollback).await;
        }
    }

    // Rolling: never more than max_percent in total; start what room allows.
    let max_percent = svc
        .deployment_configuration()
        .and_then(|d| d.maximum_percent())
        .unwrap_or(200)
        .max(100) as usize;
    let min_percent = svc
        .deployment_configuration()
        .and_then(|d| d.minimum_healthy_percent())
        .unwrap_or(100) as usize;
    let ceiling = (desired * max_percent).div_ceil(100).max(desired);
    let room = ceiling.saturating_sub(alive.len());
    let missing = desired
        .saturating_sub(current.len())
        .min(room.max(usize::from(old.is_empty())));
    if missing > 0 {
        let net = svc.network_configuration().cloned();
        let mut req = ecs
            .run_task()
            .cluster(&health.cluster)
            .task_definition(td)
            .count(missing as i32)
            .launch_type(aws_sdk_ecs::types::LaunchType::Fargate)
            .started_by(&deployment)
            .group(format!("service:{}", health.service));
        if let Some(n) = net {
            req = req.network_configuration(n);
        }
        let out = req.send().await.map_err(conn.fail("ECS", "RunTask"))?;
        if pull_error.is_some() {
            // They never run, so never become targets; old tasks keep serving.
            return Ok(true);
        }
        if let Some(tg) = target_group {
            let mut targets = Vec::new();
            for t in out.tasks() {
                let ip = t
                    .attachments()
                    .iter()
                    .flat_map(|a| a.details())
                    .find(|d| d.name() == Some("privateIPv4Address"))
                    .and_then(|d| d.value());
                if let Some(ip) = ip {
                    let port = svc
                        .load_balancers()
                        .first()
                        .and_then(|l| l.container_port())
                        .unwrap_or(80);
                    targets.push(
                        aws_sdk_elasticloadbalancingv2::types::TargetDescription::builder()
                            .id(ip)
                            .port(port)
                            .build(),
                    );
                }
            }
            if !targets.is_empty() {
                conn.elbv2()
                    .register_targets()
                    .target_group_arn(tg)
                    .set_targets(Some(targets))
                    .send()
                    .await
                    .map_err(conn.fail("ELBv2", "RegisterTargets"))?;
            }
        }
        changed = true;
    }
    // Old tasks stop once enough new ones run (minimum healthy percent), extra tasks when the
    // service scales in.
    let running_new = current
        .iter()
        .filter(|t| t.last_status == "RUNNING")
        .count();
    let floor = (desired * min_percent).div_ceil(100);
    let can_stop = (running_new + old.len()).saturating_sub(floor);
    let mut stop: Vec<&str> = old.iter().take(can_stop).map(|t| t.arn.as_str()).collect();
    if current.len() > desired {
        stop.extend(current.iter().skip(desired).map(|t| t.arn.as_str()));
    }
    for arn in stop {
        let task = health.tasks.iter().find(|t| t.arn == arn);
        ecs.stop_task()
            .cluster(&health.cluster)
            .task(arn)
            .reason(format!(
                "Scaling activity initiated by (deployment {deployment})"
            ))
            .send()
            .await
            .map_err(conn.fail("ECS", "StopTask"))?;
        if let (Some(tg), Some(ip)) = (target_group, task.and_then(|t| t.private_ip.as_deref())) {
            let _ = conn
                .elbv2()
                .deregister_targets()
                .target_group_arn(tg)
                .targets(
                    aws_sdk_elasticloadbalancingv2::types::TargetDescription::builder()
                        .id(ip)
                        .build(),
                )
                .send()
                .await;
        }
        changed = true;
    }
    Ok(changed)
}

/// The start of a pull failure's stopped reason, as ECS words it.
const PULL_FAILED: &str = "CannotPullContainerError";

/// Task definitions whose image is missing, with the reason their tasks stop; shared with
/// `mark_pulling` so the map shows such tasks as PENDING (pulling), not running.
fn unpullable() -> &'static std::sync::Mutex<std::collections::HashMap<String, String>> {
    static M: std::sync::OnceLock<std::sync::Mutex<std::collections::HashMap<String, String>>> =
        std::sync::OnceLock::new();
    M.get_or_init(Default::default)
}

/// `registry/repo:tag` → (`repo`, `tag`); a digest or a tagless reference is not checked.
fn repository_and_tag(image: &str) -> Option<(String, String)> {
    let (_, path) = image.split_once('/')?;
    if path.contains('@') {
        return None;
    }
    let (repo, tag) = path.rsplit_once(':')?;
    Some((repo.to_string(), tag.to_string()))
}

/// Why ECS could not pull the task definition's image, when it could not: its ECR repository
/// has no image with that tag. Only ECR images are checked; a pullable answer is kept, a
/// missing image is looked up again each round until it is there.
async fn pull_error(conn: &Connection, td: &str) -> Result<Option<String>, AwsError> {
    static PULLABLE: std::sync::OnceLock<std::sync::Mutex<std::collections::HashSet<String>>> =
        std::sync::OnceLock::new();
    let ok = PULLABLE.get_or_init(Default::default);
    if ok.lock().is_ok_and(|s| s.contains(td)) {
        return Ok(None);
    }
    let out = conn
        .ecs()
        .describe_task_definition()
        .task_definition(td)
        .send()
        .await
        .map_err(conn.fail("ECS", "DescribeTaskDefinition"))?;
    let mut missing = None;
    for c in out
        .task_definition()
        .map(|t| t.container_definitions())
        .unwrap_or_default()
    {
        let image = c.image().unwrap_or_default();
        let Some((repo, tag)) = repository_and_tag(image) else {
            continue;
        };
        if !image.contains(".dkr.ecr.") {
            continue;
        }
        let found = conn
            .ecr()
            .describe_images()
            .repository_name(&repo)
            .image_ids(
                aws_sdk_ecr::types::ImageIdentifier::builder()
                    .image_tag(&tag)
                    .build(),
            )
            .send()
            .await;
        // A repository the emulator does not know (tests that deploy a made-up image) is not
        // judged; a known repository without the tag is what a bad deploy looks like.
        if let Err(e) = found {
            if e.into_service_error().is_image_not_found_exception() {
                missing = Some(format!(
                    "{PULL_FAILED}: pull image manifest has been retried 5 time(s): failed to resolve ref {image}: {image}: not found"
                ));
                break;
            }
        }
    }
    match &missing {
        None => {
            if let Ok(mut s) = ok.lock() {
                s.insert(td.to_string());
            }
            if let Ok(mut m) = unpullable().lock() {
                m.remove(td);
            }
        }
        Some(reason) => {
            if let Ok(mut m) = unpullable().lock() {
                m.insert(td.to_string(), reason.clone());
            }
        }
    }
    Ok(missing)
}

/// Tasks of `td` that failed to start (stopped because the image could not be pulled).
fn failed_starts(health: &ServiceHealth, td: &str) -> u32 {
    health
        .tasks
        .iter()
        .filter(|t| {
            t.task_definition == td
                && t.last_status == "STOPPED"
                && t.stopped_reason
                    .as_deref()
                    .is_some_and(|r| r.starts_with(PULL_FAILED))
        })
        .count() as u32
}

/// The deployment circuit breaker, as ECS runs it: once enough tasks failed to start, it stops
/// the deployment and, with rollback on, deploys the revision the old tasks still run.
async fn circuit_breaker(
    conn: &Connection,
    health: &ServiceHealth,
    old: &[&&slipway_core::health::TaskInfo],
    rollback: bool,
) -> Result<bool, AwsError> {
    let previous = old
        .iter()
        .filter(|t| t.last_status == "RUNNING")
        .max_by_key(|t| slipway_core::health::revision_of(&t.task_definition))
        .map(|t| t.task_definition.clone());
    match (rollback, previous) {
        (true, Some(prev)) => {
            conn.ecs()
                .update_service()
                .cluster(&health.cluster)
                .service(&health.service)
                .task_definition(prev)
                .send()
                .await
                .map_err(conn.fail("ECS", "UpdateService"))?;
            Ok(true)
        }
        // Without rollback (or nothing to go back to) the deployment just stops launching.
        _ => Ok(false),
    }
}

/// Practice mode: tasks of a revision whose image cannot be pulled are shown as ECS shows them
/// while its agent retries the pull: PENDING.
pub fn mark_pulling(health: &mut ServiceHealth) {
    let Ok(m) = unpullable().lock() else { return };
    for t in &mut health.tasks {
        if t.last_status != "STOPPED" && m.contains_key(&t.task_definition) {
            t.last_status = "PENDING".into();
        }
    }
}

/// Practice mode: the service's and its deployments' counts, from the tasks the practice
/// scheduler started (the emulator does not count them itself).
pub fn derive_counts(health: &mut ServiceHealth) {
    let alive = |td: &str, status: &str| {
        health
            .tasks
            .iter()
            .filter(|t| t.task_definition == td && t.last_status == status)
            .count() as i32
    };
    let mut deployments = health.deployments.clone();
    for d in &mut deployments {
        d.running = alive(&d.task_definition, "RUNNING");
        d.pending = health
            .tasks
            .iter()
            .filter(|t| {
                t.task_definition == d.task_definition
                    && t.last_status != "RUNNING"
                    && t.last_status != "STOPPED"
            })
            .count() as i32;
        if d.status == "PRIMARY" {
            d.desired = health.desired;
        }
    }
    let others_alive = health
        .tasks
        .iter()
        .any(|t| t.task_definition != health.task_definition && t.last_status != "STOPPED");
    if let Some(p) = deployments.iter_mut().find(|d| d.status == "PRIMARY") {
        p.task_definition = health.task_definition.clone();
        p.running = alive(&health.task_definition, "RUNNING");
        let done = p.running == p.desired && !others_alive;
        p.rollout_state = Some(if done { "COMPLETED" } else { "IN_PROGRESS" }.into());
    }
    // Tasks of older task definitions still alive belong to the deployment being replaced.
    let mut older: Vec<String> = health
        .tasks
        .iter()
        .filter(|t| t.task_definition != health.task_definition && t.last_status != "STOPPED")
        .map(|t| t.task_definition.clone())
        .collect();
    older.sort();
    older.dedup();
    for td in older {
        if deployments.iter().any(|d| d.task_definition == td) {
            continue;
        }
        let running = alive(&td, "RUNNING");
        deployments.push(slipway_core::health::DeploymentInfo {
            id: format!(
                "ecs-svc/practice-{}",
                slipway_core::health::revision_of(&td).unwrap_or(0)
            ),
            status: "ACTIVE".into(),
            rollout_state: Some("COMPLETED".into()),
            rollout_reason: None,
            task_definition: td,
            desired: running,
            running,
            pending: 0,
            failed: 0,
            created_ms: None,
            updated_ms: None,
        });
    }
    health.running = health
        .tasks
        .iter()
        .filter(|t| t.last_status == "RUNNING")
        .count() as i32;
    health.pending = health
        .tasks
        .iter()
        .filter(|t| t.last_status != "RUNNING" && t.last_status != "STOPPED")
        .count() as i32;
    circuit_breaker_record(health, &mut deployments);
    health.deployments = deployments;
}

/// How long the practice record of a rolled-back deployment stays on the map.
const FAILED_SHOWN_MS: i64 = 15 * 60 * 1000;

/// The deployments the circuit breaker stopped, derived from the tasks that failed to start:
/// a newer revision than the one serving, with at least the threshold of failed starts in the
/// last 15 minutes, is a FAILED deployment rolled back (with the event ECS writes); the
/// serving revision itself failing is a FAILED primary.
fn circuit_breaker_record(
    health: &mut ServiceHealth,
    deployments: &mut Vec<slipway_core::health::DeploymentInfo>,
) {
    use slipway_core::health::revision_of;
    let threshold = crate::experiments::failure_threshold(health.desired);
    let mut failed: std::collections::BTreeMap<String, (u32, i64)> = Default::default();
    for t in &health.tasks {
        if t.last_status == "STOPPED"
            && t.stopped_reason
                .as_deref()
                .is_some_and(|r| r.starts_with(PULL_FAILED))
        {
            let e = failed.entry(t.task_definition.clone()).or_insert((0, 0));
            e.0 += 1;
            e.1 = e.1.max(t.stopped_ms.unwrap_or(0));
        }
    }
    let serving = health.task_definition.clone();
    let serving_rev = revision_of(&serving);
    for (td, (count, last)) in failed {
        if count < threshold {
            continue;
        }
        let reason = "ECS deployment circuit breaker: tasks failed to start.".to_string();
        if td == serving {
            if let Some(p) = deployments.iter_mut().find(|d| d.status == "PRIMARY") {
                p.rollout_state = Some("FAILED".into());
                p.rollout_reason = Some(reason);
                p.failed = count as i32;
            }
            continue;
        }
        let recent = last == 0 || health.observed_ms - last < FAILED_SHOWN_MS;
        if revision_of(&td) <= serving_rev || !recent {
            continue;
        }
        let id = format!("ecs-svc/practice-{}", revision_of(&td).unwrap_or(0));
        if let Some(p) = deployments.iter_mut().find(|d| d.status == "PRIMARY") {
            p.rollout_reason = Some(format!(
                "ECS deployment circuit breaker: rolling back to deploymentId {}.",
                p.id
            ));
        }
        let short = td.rsplit('/').next().unwrap_or(&td).to_string();
        health.events.insert(
            0,
            slipway_core::health::ServiceEvent {
                id: format!("practice-breaker-{short}"),
                at_ms: last,
                message: format!(
                    "(service {}) (deployment {id}) deployment failed: tasks failed to start. The circuit breaker rolled back ({count} tasks failed to start with {short}).",
                    health.service
                ),
            },
        );
        deployments.push(slipway_core::health::DeploymentInfo {
            id,
            status: "ACTIVE".into(),
            rollout_state: Some("FAILED".into()),
            rollout_reason: Some(reason),
            task_definition: td,
            desired: 0,
            running: 0,
            pending: 0,
            failed: count as i32,
            created_ms: None,
            updated_ms: (last > 0).then_some(last),
        });
    }
    health.events.sort_by_key(|e| std::cmp::Reverse(e.at_ms));
}
