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

    // Rolling: never more than max_percent in total; start what room allows.
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
    health.deployments = deployments;
}
