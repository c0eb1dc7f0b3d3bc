//! ECS: the cluster, the task definition (a new revision per change) and the Fargate service.

use super::{n, observed, s, strings, TAG};
use crate::{AwsError, Connection};
use aws_sdk_ecs::types::{
    AssignPublicIp, AwsVpcConfiguration, Compatibility, ContainerDefinition, CpuArchitecture,
    DeploymentCircuitBreaker, DeploymentConfiguration, KeyValuePair, LaunchType, LoadBalancer,
    LogConfiguration, LogDriver, NetworkConfiguration, NetworkMode, OsFamily, PortMapping,
    RuntimePlatform, Secret, Tag, TaskDefinitionField, TransportProtocol,
};
use serde_json::{json, Value};
use slipway_core::plan::{Desired, Observed, ResourceKind};
use std::collections::BTreeMap;

fn tag(project: &str) -> Tag {
    Tag::builder().key(TAG).value(project).build()
}

fn tags_of(tags: &[Tag]) -> BTreeMap<String, String> {
    tags.iter()
        .map(|t| {
            (
                t.key().unwrap_or_default().to_string(),
                t.value().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

/// The cluster by name (an INACTIVE one counts as gone).
pub async fn observe_cluster(
    conn: &Connection,
    want: &Desired,
) -> Result<Option<Observed>, AwsError> {
    Ok(crate::ecs::find_cluster(conn, &want.name).await?.map(|c| {
        let tags = c
            .project
            .as_deref()
            .map(|p| super::tags_map([(TAG, p)]))
            .unwrap_or_default();
        observed(
            &want.key,
            ResourceKind::Cluster,
            &c.name,
            &c.arn,
            json!({}),
            &[],
            tags,
        )
    }))
}

/// Creates the cluster (ECS's CreateCluster is itself idempotent by name).
pub async fn create_cluster(
    conn: &Connection,
    want: &Desired,
    project: &str,
) -> Result<Observed, AwsError> {
    let out = conn
        .ecs()
        .create_cluster()
        .cluster_name(&want.name)
        .tags(tag(project))
        .send()
        .await
        .map_err(conn.fail("ECS", "CreateCluster"))?;
    let c = out.cluster().ok_or_else(|| empty("CreateCluster"))?;
    Ok(observed(
        &want.key,
        ResourceKind::Cluster,
        c.cluster_name().unwrap_or_default(),
        c.cluster_arn().unwrap_or_default(),
        json!({}),
        &[],
        super::tags_map([(TAG, project)]),
    ))
}

/// Deletes the cluster.
pub async fn delete_cluster(conn: &Connection, current: &Observed) -> Result<(), AwsError> {
    super::while_busy(8, || async {
        match conn
            .ecs()
            .delete_cluster()
            .cluster(&current.id)
            .send()
            .await
        {
            Ok(_) => Ok(()),
            Err(e) if crate::error::code_of(&e) == Some("ClusterNotFoundException") => Ok(()),
            Err(e) => Err(conn.fail("ECS", "DeleteCluster")(e)),
        }
    })
    .await
}

fn empty(op: &'static str) -> AwsError {
    AwsError::Call {
        service: "ECS",
        operation: op,
        code: "EmptyResponse".into(),
        detail: "AWS answered without the resource".into(),
    }
}

fn taskdef_observed(
    key: &str,
    td: &aws_sdk_ecs::types::TaskDefinition,
    tags: BTreeMap<String, String>,
) -> Observed {
    let c = td.container_definitions().first();
    let mut environment: Vec<Value> = c
        .map(|c| {
            c.environment()
                .iter()
                .map(|kv| json!({"name": kv.name().unwrap_or_default(), "value": kv.value().unwrap_or_default()}))
                .collect()
        })
        .unwrap_or_default();
    environment.sort_by_key(|v| v.to_string());
    let mut secrets: Vec<Value> = c
        .map(|c| {
            c.secrets()
                .iter()
                .map(|s| json!({"name": s.name(), "value_from": s.value_from()}))
                .collect()
        })
        .unwrap_or_default();
    secrets.sort_by_key(|v| v.to_string());
    let log = c
        .and_then(|c| c.log_configuration())
        .and_then(|l| l.options());
    let arn = td.task_definition_arn().unwrap_or_default();
    observed(
        key,
        ResourceKind::TaskDefinition,
        td.family().unwrap_or_default(),
        arn,
        json!({
            "cpu": td.cpu().and_then(|v| v.parse::<i64>().ok()).unwrap_or(0),
            "memory": td.memory().and_then(|v| v.parse::<i64>().ok()).unwrap_or(0),
            "cpu_architecture": td.runtime_platform().and_then(|r| r.cpu_architecture()).map(|a| a.as_str()).unwrap_or("X86_64"),
            "execution_role": td.execution_role_arn(),
            "task_role": td.task_role_arn(),
            "container": {
                "name": c.and_then(|c| c.name()).unwrap_or_default(),
                "image": c.and_then(|c| c.image()).unwrap_or_default(),
                "port": c.and_then(|c| c.port_mappings().first()).and_then(|p| p.container_port()).unwrap_or(0),
                "environment": environment,
                "secrets": secrets,
                "log_group": log.and_then(|o| o.get("awslogs-group")).cloned().unwrap_or_default(),
                "log_region": log.and_then(|o| o.get("awslogs-region")).cloned().unwrap_or_default(),
            },
        }),
        &[
            ("revision", json!(td.revision())),
            ("family", json!(td.family().unwrap_or_default())),
        ],
        tags,
    )
}

/// The family's latest ACTIVE revision.
pub async fn observe_taskdef(
    conn: &Connection,
    want: &Desired,
) -> Result<Option<Observed>, AwsError> {
    match conn
        .ecs()
        .describe_task_definition()
        .task_definition(&want.name)
        .include(TaskDefinitionField::Tags)
        .send()
        .await
    {
        Ok(out) => Ok(out
            .task_definition()
            .filter(|td| td.status().map(|s| s.as_str()) != Some("INACTIVE"))
            .map(|td| taskdef_observed(&want.key, td, tags_of(out.tags())))),
        Err(e)
            if matches!(
                crate::error::code_of(&e),
                Some("ClientException") | Some("InvalidParameterException")
            ) || crate::error::message_of(&e)
                .is_some_and(|m| m.contains("Unable to describe task definition")) =>
        {
            Ok(None)
        }
        Err(e) => Err(conn.fail("ECS", "DescribeTaskDefinition")(e)),
    }
}

/// Registers a revision with the wanted container (awsvpc, Fargate, awslogs).
pub async fn register_taskdef(
    conn: &Connection,
    want: &Desired,
    props: &Value,
    project: &str,
) -> Result<Observed, AwsError> {
    let c = props.get("container").cloned().unwrap_or(Value::Null);
    let environment: Vec<KeyValuePair> = c
        .get("environment")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .map(|kv| {
                    KeyValuePair::builder()
                        .name(s(kv, "name"))
                        .value(s(kv, "value"))
                        .build()
                })
                .collect()
        })
        .unwrap_or_default();
    let mut secrets = Vec::new();
    for sec in c
        .get("secrets")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
    {
        secrets.push(
            Secret::builder()
                .name(s(&sec, "name"))
                .value_from(s(&sec, "value_from"))
                .build()
                .map_err(|e| invalid("RegisterTaskDefinition", e))?,
        );
    }
    let port = n(&c, "port") as i32;
    let container = ContainerDefinition::builder()
        .name(s(&c, "name"))
        .image(s(&c, "image"))
        .essential(true)
        // The one container gets the whole task's memory; saying so explicitly also lets
        // emulators (the practice stack) place the task.
        .memory_reservation(n(props, "memory") as i32)
        .port_mappings(
            PortMapping::builder()
                .container_port(port)
                .protocol(TransportProtocol::Tcp)
                .build(),
        )
        .set_environment(Some(environment))
        .set_secrets(if secrets.is_empty() {
            None
        } else {
            Some(secrets)
        })
        .log_configuration(
            LogConfiguration::builder()
                .log_driver(LogDriver::Awslogs)
                .options("awslogs-group", s(&c, "log_group"))
                .options("awslogs-region", s(&c, "log_region"))
                .options("awslogs-stream-prefix", "ecs")
                .build()
                .map_err(|e| invalid("RegisterTaskDefinition", e))?,
        )
        .build();
    let mut req = conn
        .ecs()
        .register_task_definition()
        .family(&want.name)
        .network_mode(NetworkMode::Awsvpc)
        .requires_compatibilities(Compatibility::Fargate)
        .cpu(n(props, "cpu").to_string())
        .memory(n(props, "memory").to_string())
        .runtime_platform(
            RuntimePlatform::builder()
                .cpu_architecture(CpuArchitecture::from(s(props, "cpu_architecture")))
                .operating_system_family(OsFamily::Linux)
                .build(),
        )
        .execution_role_arn(s(props, "execution_role"))
        .container_definitions(container)
        .tags(tag(project));
    if let Some(task_role) = props.get("task_role").and_then(Value::as_str) {
        req = req.task_role_arn(task_role);
    }
    let before = family_revisions(
        conn,
        &want.name,
        aws_sdk_ecs::types::TaskDefinitionStatus::Active,
    )
    .await?;
    let out = req
        .send()
        .await
        .map_err(conn.fail("ECS", "RegisterTaskDefinition"))?;
    let td = out
        .task_definition()
        .ok_or_else(|| empty("RegisterTaskDefinition"))?;
    // A retried call whose first answer was lost registered one more revision than asked:
    // the revisions that appeared meanwhile, other than the one returned, are deregistered.
    let returned = td.task_definition_arn().unwrap_or_default();
    for arn in family_revisions(
        conn,
        &want.name,
        aws_sdk_ecs::types::TaskDefinitionStatus::Active,
    )
    .await?
    {
        if arn != returned && !before.contains(&arn) {
            conn.ecs()
                .deregister_task_definition()
                .task_definition(&arn)
                .send()
                .await
                .map_err(conn.fail("ECS", "DeregisterTaskDefinition"))?;
        }
    }
    Ok(taskdef_observed(
        &want.key,
        td,
        super::tags_map([(TAG, project)]),
    ))
}

fn invalid(op: &'static str, e: impl std::fmt::Display) -> AwsError {
    AwsError::Call {
        service: "ECS",
        operation: op,
        code: "InvalidParameter".into(),
        detail: e.to_string(),
    }
}

/// The family's revisions with `status` (ACTIVE or INACTIVE), oldest first.
async fn family_revisions(
    conn: &Connection,
    family: &str,
    status: aws_sdk_ecs::types::TaskDefinitionStatus,
) -> Result<Vec<String>, AwsError> {
    let mut arns = Vec::new();
    let mut pages = conn
        .ecs()
        .list_task_definitions()
        .family_prefix(family)
        .status(status)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(conn.fail("ECS", "ListTaskDefinitions"))?;
        arns.extend(
            page.task_definition_arns()
                .iter()
                // family_prefix is a prefix: "web" also lists "web-worker".
                .filter(|a| {
                    a.rsplit('/')
                        .next()
                        .and_then(|f| f.rsplit_once(':'))
                        .map(|(f, _)| f)
                        == Some(family)
                })
                .cloned(),
        );
    }
    Ok(arns)
}

/// For destroy: a family with no ACTIVE revision may still hold deregistered (INACTIVE) ones
/// that were never deleted (a destroy interrupted between the two calls). The newest of them
/// is returned so that destroy finishes the job; apply never uses this.
pub async fn observe_deregistered_taskdef(
    conn: &Connection,
    want: &Desired,
) -> Result<Option<Observed>, AwsError> {
    let inactive = family_revisions(
        conn,
        &want.name,
        aws_sdk_ecs::types::TaskDefinitionStatus::Inactive,
    )
    .await?;
    let Some(newest) = inactive.last() else {
        return Ok(None);
    };
    let out = conn
        .ecs()
        .describe_task_definition()
        .task_definition(newest)
        .include(TaskDefinitionField::Tags)
        .send()
        .await
        .map_err(conn.fail("ECS", "DescribeTaskDefinition"))?;
    Ok(out
        .task_definition()
        .map(|td| taskdef_observed(&want.key, td, tags_of(out.tags()))))
}

/// Deregisters every active revision of the family, then deletes every revision (the ones an
/// earlier, interrupted destroy had only deregistered included).
pub async fn delete_taskdefs(conn: &Connection, current: &Observed) -> Result<(), AwsError> {
    let ecs = conn.ecs();
    let family = current
        .outputs
        .get("family")
        .and_then(Value::as_str)
        .unwrap_or(&current.name)
        .to_string();
    let active = family_revisions(
        conn,
        &family,
        aws_sdk_ecs::types::TaskDefinitionStatus::Active,
    )
    .await?;
    for arn in &active {
        ecs.deregister_task_definition()
            .task_definition(arn)
            .send()
            .await
            .map_err(conn.fail("ECS", "DeregisterTaskDefinition"))?;
    }
    let all = family_revisions(
        conn,
        &family,
        aws_sdk_ecs::types::TaskDefinitionStatus::Inactive,
    )
    .await?;
    for chunk in all.chunks(10) {
        if let Err(e) = ecs
            .delete_task_definitions()
            .set_task_definitions(Some(chunk.to_vec()))
            .send()
            .await
        {
            // Older regions and emulators may not support deleting; deregistered is enough.
            tracing::debug!(error = %crate::error::error_chain(&e), "DeleteTaskDefinitions not done");
        }
    }
    Ok(())
}

fn service_observed(key: &str, svc: &aws_sdk_ecs::types::Service) -> Observed {
    let net = svc
        .network_configuration()
        .and_then(|n| n.awsvpc_configuration());
    let mut subnets: Vec<String> = net.map(|a| a.subnets().to_vec()).unwrap_or_default();
    subnets.sort();
    let mut groups: Vec<String> = net
        .map(|a| a.security_groups().to_vec())
        .unwrap_or_default();
    groups.sort();
    let lb = svc.load_balancers().first();
    let mut props = json!({
            "cluster": svc.cluster_arn().unwrap_or_default(),
            "task_definition": svc.task_definition().unwrap_or_default(),
            "desired_count": svc.desired_count(),
            "launch_type": svc.launch_type().map(|l| l.as_str()).unwrap_or("FARGATE"),
            "subnets": subnets,
            "security_groups": groups,
            "assign_public_ip": net.and_then(|a| a.assign_public_ip()).map(|a| a == &AssignPublicIp::Enabled).unwrap_or(false),
            "target_group": lb.and_then(|l| l.target_group_arn()).unwrap_or_default(),
            "container_name": lb.and_then(|l| l.container_name()).unwrap_or_default(),
            "container_port": lb.and_then(|l| l.container_port()).unwrap_or(0),
    });
    // Fields AWS did not report are left out, so the planner does not compare them.
    if let Some(dc) = svc.deployment_configuration() {
        props["min_healthy_percent"] = json!(dc.minimum_healthy_percent().unwrap_or(100));
        props["max_percent"] = json!(dc.maximum_percent().unwrap_or(200));
        props["circuit_breaker"] = json!(dc
            .deployment_circuit_breaker()
            .map(|c| c.enable())
            .unwrap_or(false));
    }
    if let Some(grace) = svc.health_check_grace_period_seconds() {
        props["grace_period_seconds"] = json!(grace);
    }
    observed(
        key,
        ResourceKind::Service,
        svc.service_name().unwrap_or_default(),
        svc.service_arn().unwrap_or_default(),
        props,
        &[("cluster", json!(svc.cluster_arn().unwrap_or_default()))],
        tags_of(svc.tags()),
    )
}

/// The service in its cluster (which the properties name); DRAINING or INACTIVE counts as gone.
pub async fn observe_service(
    conn: &Connection,
    want: &Desired,
    located: Option<&Value>,
) -> Result<Option<Observed>, AwsError> {
    let cluster = located.map(|p| s(p, "cluster")).unwrap_or("");
    if cluster.is_empty() || cluster.contains("${") {
        return Ok(None);
    }
    let out = match conn
        .ecs()
        .describe_services()
        .cluster(cluster)
        .services(&want.name)
        .include(aws_sdk_ecs::types::ServiceField::Tags)
        .send()
        .await
    {
        Ok(o) => o,
        Err(e) if crate::error::code_of(&e) == Some("ClusterNotFoundException") => return Ok(None),
        Err(e) => return Err(conn.fail("ECS", "DescribeServices")(e)),
    };
    Ok(out
        .services()
        .iter()
        .find(|s| s.status() == Some("ACTIVE"))
        .map(|s| service_observed(&want.key, s)))
}

fn deployment(props: &Value) -> DeploymentConfiguration {
    let breaker = props
        .get("circuit_breaker")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    DeploymentConfiguration::builder()
        .minimum_healthy_percent(n(props, "min_healthy_percent") as i32)
        .maximum_percent(n(props, "max_percent") as i32)
        .deployment_circuit_breaker(
            DeploymentCircuitBreaker::builder()
                .enable(breaker)
                .rollback(breaker)
                .build(),
        )
        .build()
}

fn network(props: &Value) -> Result<NetworkConfiguration, AwsError> {
    let public = props
        .get("assign_public_ip")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    Ok(NetworkConfiguration::builder()
        .awsvpc_configuration(
            AwsVpcConfiguration::builder()
                .set_subnets(Some(strings(props, "subnets")))
                .set_security_groups(Some(strings(props, "security_groups")))
                .assign_public_ip(if public {
                    AssignPublicIp::Enabled
                } else {
                    AssignPublicIp::Disabled
                })
                .build()
                .map_err(|e| invalid("CreateService", e))?,
        )
        .build())
}

fn load_balancer(props: &Value) -> LoadBalancer {
    LoadBalancer::builder()
        .target_group_arn(s(props, "target_group"))
        .container_name(s(props, "container_name"))
        .container_port(n(props, "container_port") as i32)
        .build()
}

/// Creates the Fargate service behind the target group, with the rolling deployment settings.
pub async fn create_service(
    conn: &Connection,
    want: &Desired,
    props: &Value,
    project: &str,
) -> Result<Observed, AwsError> {
    let out = conn
        .ecs()
        .create_service()
        .cluster(s(props, "cluster"))
        .service_name(&want.name)
        .task_definition(s(props, "task_definition"))
        .desired_count(n(props, "desired_count") as i32)
        .launch_type(LaunchType::Fargate)
        .deployment_configuration(deployment(props))
        .network_configuration(network(props)?)
        .load_balancers(load_balancer(props))
        .health_check_grace_period_seconds(n(props, "grace_period_seconds") as i32)
        .enable_ecs_managed_tags(true)
        .propagate_tags(aws_sdk_ecs::types::PropagateTags::Service)
        .tags(tag(project))
        .send()
        .await
        .map_err(conn.fail("ECS", "CreateService"))?;
    let svc = out.service().ok_or_else(|| empty("CreateService"))?;
    let mut o = service_observed(&want.key, svc);
    o.tags = super::tags_map([(TAG, project)]);
    Ok(o)
}

/// Updates the service in place: a new task definition starts a rolling deployment.
pub async fn update_service(
    conn: &Connection,
    want: &Desired,
    props: &Value,
    current: &Observed,
) -> Result<Observed, AwsError> {
    let out = conn
        .ecs()
        .update_service()
        .cluster(s(props, "cluster"))
        .service(&want.name)
        .task_definition(s(props, "task_definition"))
        .desired_count(n(props, "desired_count") as i32)
        .deployment_configuration(deployment(props))
        .network_configuration(network(props)?)
        .load_balancers(load_balancer(props))
        .health_check_grace_period_seconds(n(props, "grace_period_seconds") as i32)
        .send()
        .await
        .map_err(conn.fail("ECS", "UpdateService"))?;
    let svc = out.service().ok_or_else(|| empty("UpdateService"))?;
    let mut o = service_observed(&want.key, svc);
    o.tags = current.tags.clone();
    Ok(o)
}

/// Scales the service to zero and deletes it.
pub async fn delete_service(conn: &Connection, current: &Observed) -> Result<(), AwsError> {
    let cluster = current
        .outputs
        .get("cluster")
        .and_then(Value::as_str)
        .unwrap_or_else(|| s(&current.props, "cluster"))
        .to_string();
    let ecs = conn.ecs();
    match ecs
        .update_service()
        .cluster(&cluster)
        .service(&current.name)
        .desired_count(0)
        .send()
        .await
    {
        Ok(_) => {}
        Err(e)
            if matches!(
                crate::error::code_of(&e),
                Some("ServiceNotFoundException")
                    | Some("ServiceNotActiveException")
                    | Some("ClusterNotFoundException")
            ) =>
        {
            return Ok(())
        }
        Err(e) => return Err(conn.fail("ECS", "UpdateService")(e)),
    }
    match ecs
        .delete_service()
        .cluster(&cluster)
        .service(&current.name)
        .force(true)
        .send()
        .await
    {
        Ok(_) => Ok(()),
        Err(e)
            if matches!(
                crate::error::code_of(&e),
                Some("ServiceNotFoundException") | Some("ClusterNotFoundException")
            ) =>
        {
            Ok(())
        }
        Err(e) => Err(conn.fail("ECS", "DeleteService")(e)),
    }
}
