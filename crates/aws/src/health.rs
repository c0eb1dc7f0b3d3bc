//! One snapshot of a service's health in a few batched calls: DescribeServices, ListTasks
//! (running and recently stopped), DescribeTasks (up to 100 per call), DescribeTargetHealth.

use crate::{AwsError, Connection};
use slipway_core::health::{
    ContainerInfo, DeploymentInfo, ServiceEvent, ServiceHealth, TargetInfo, TaskInfo,
};

fn ms(t: Option<&aws_smithy_types::DateTime>) -> Option<i64> {
    t.and_then(|d| d.to_millis().ok())
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// At most this many events are kept (the console shows 100).
const EVENTS: usize = 50;

/// The service's health now. A service that does not exist comes back with status `MISSING`.
pub async fn service_health(
    conn: &Connection,
    cluster: &str,
    service: &str,
    target_group: Option<&str>,
) -> Result<ServiceHealth, AwsError> {
    let ecs = conn.ecs();
    let out = match ecs
        .describe_services()
        .cluster(cluster)
        .services(service)
        .send()
        .await
    {
        Ok(o) => o,
        Err(e) if crate::error::code_of(&e) == Some("ClusterNotFoundException") => {
            return Ok(ServiceHealth::missing(cluster, service, now_ms()))
        }
        Err(e) => return Err(conn.fail("ECS", "DescribeServices")(e)),
    };
    let Some(svc) = out
        .services()
        .iter()
        .find(|s| s.status() != Some("INACTIVE"))
    else {
        return Ok(ServiceHealth::missing(cluster, service, now_ms()));
    };
    let deployments = svc
        .deployments()
        .iter()
        .map(|d| DeploymentInfo {
            id: d.id().unwrap_or_default().into(),
            status: d.status().unwrap_or_default().into(),
            rollout_state: d.rollout_state().map(|r| r.as_str().to_string()),
            rollout_reason: d.rollout_state_reason().map(str::to_string),
            task_definition: d.task_definition().unwrap_or_default().into(),
            desired: d.desired_count(),
            running: d.running_count(),
            pending: d.pending_count(),
            failed: d.failed_tasks(),
            created_ms: ms(d.created_at()),
            updated_ms: ms(d.updated_at()),
        })
        .collect();
    let events = svc
        .events()
        .iter()
        .take(EVENTS)
        .map(|e| ServiceEvent {
            id: e.id().unwrap_or_default().into(),
            at_ms: ms(e.created_at()).unwrap_or(0),
            message: e.message().unwrap_or_default().into(),
        })
        .collect();
    // Tasks: the running ones and those that stopped recently (ECS keeps them about an hour).
    let mut arns = Vec::new();
    for status in [
        aws_sdk_ecs::types::DesiredStatus::Running,
        aws_sdk_ecs::types::DesiredStatus::Stopped,
    ] {
        let listed = ecs
            .list_tasks()
            .cluster(cluster)
            .service_name(service)
            .desired_status(status)
            .send()
            .await
            .map_err(conn.fail("ECS", "ListTasks"))?;
        arns.extend(listed.task_arns().iter().cloned());
    }
    arns.sort();
    arns.dedup();
    let mut tasks = Vec::new();
    for chunk in arns.chunks(100) {
        let described = ecs
            .describe_tasks()
            .cluster(cluster)
            .set_tasks(Some(chunk.to_vec()))
            .send()
            .await
            .map_err(conn.fail("ECS", "DescribeTasks"))?;
        for t in described.tasks() {
            // Only this service's tasks (some emulators list a whole cluster's).
            if t.group().is_some_and(|g| g != format!("service:{service}")) {
                continue;
            }
            let detail = |name: &str| {
                t.attachments()
                    .iter()
                    .flat_map(|a| a.details())
                    .find(|d| d.name() == Some(name))
                    .and_then(|d| d.value())
                    .map(str::to_string)
            };
            let arn = t.task_arn().unwrap_or_default().to_string();
            tasks.push(TaskInfo {
                id: arn.rsplit('/').next().unwrap_or_default().to_string(),
                arn,
                last_status: t.last_status().unwrap_or_default().into(),
                desired_status: t.desired_status().unwrap_or_default().into(),
                health: t.health_status().map(|h| h.as_str().to_string()),
                availability_zone: t.availability_zone().map(str::to_string),
                private_ip: detail("privateIPv4Address"),
                task_definition: t.task_definition_arn().unwrap_or_default().into(),
                started_by: t.started_by().map(str::to_string),
                started_ms: ms(t.started_at()),
                stopped_ms: ms(t.stopped_at()),
                stopped_reason: t
                    .stopped_reason()
                    .filter(|r| !r.is_empty())
                    .map(str::to_string),
                stop_code: t.stop_code().map(|c| c.as_str().to_string()),
                containers: t
                    .containers()
                    .iter()
                    .map(|c| ContainerInfo {
                        name: c.name().unwrap_or_default().into(),
                        last_status: c.last_status().unwrap_or_default().into(),
                        exit_code: c.exit_code(),
                        reason: c.reason().map(str::to_string),
                        health: c.health_status().map(|h| h.as_str().to_string()),
                    })
                    .collect(),
            });
        }
    }
    tasks.sort_by(|a, b| b.started_ms.cmp(&a.started_ms).then(a.id.cmp(&b.id)));
    let mut targets = Vec::new();
    if let Some(tg) = target_group.filter(|t| !t.is_empty()) {
        match conn
            .elbv2()
            .describe_target_health()
            .target_group_arn(tg)
            .send()
            .await
        {
            Ok(th) => {
                for d in th.target_health_descriptions() {
                    let health = d.target_health();
                    targets.push(TargetInfo {
                        id: d
                            .target()
                            .and_then(|t| t.id())
                            .unwrap_or_default()
                            .to_string(),
                        port: d.target().and_then(|t| t.port()).unwrap_or(0),
                        state: health
                            .and_then(|h| h.state())
                            .map(|s| s.as_str().to_string())
                            .unwrap_or_default(),
                        reason: health
                            .and_then(|h| h.reason())
                            .map(|r| r.as_str().to_string()),
                        description: health.and_then(|h| h.description()).map(str::to_string),
                    });
                }
            }
            Err(e) if crate::error::code_of(&e) == Some("TargetGroupNotFound") => {}
            Err(e) => return Err(conn.fail("ELBv2", "DescribeTargetHealth")(e)),
        }
    }
    Ok(ServiceHealth {
        cluster: cluster.into(),
        service: service.into(),
        status: svc.status().unwrap_or_default().into(),
        desired: svc.desired_count(),
        running: svc.running_count(),
        pending: svc.pending_count(),
        task_definition: svc.task_definition().unwrap_or_default().into(),
        deployments,
        tasks,
        targets,
        events,
        observed_ms: now_ms(),
    })
}
