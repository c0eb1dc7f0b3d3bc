//! Application Auto Scaling of the service's task count: the scalable target and a
//! target-tracking policy on average CPU.

use super::{n, observed, s, TAG};
use crate::{AwsError, Connection};
use aws_sdk_applicationautoscaling::types::{
    MetricType, PolicyType, PredefinedMetricSpecification, ScalableDimension, ServiceNamespace,
    TargetTrackingScalingPolicyConfiguration,
};
use serde_json::{json, Value};
use slipway_core::plan::{Desired, Observed, ResourceKind};
use std::collections::{BTreeMap, HashMap};

const DIMENSION: ScalableDimension = ScalableDimension::EcsServiceDesiredCount;

/// The scalable target whose resource id is the desired name (`service/<cluster>/<service>`).
pub async fn observe_target(
    conn: &Connection,
    want: &Desired,
) -> Result<Option<Observed>, AwsError> {
    let out = conn
        .autoscaling()
        .describe_scalable_targets()
        .service_namespace(ServiceNamespace::Ecs)
        .resource_ids(&want.name)
        .scalable_dimension(DIMENSION)
        .send()
        .await
        .map_err(conn.fail("AutoScaling", "DescribeScalableTargets"))?;
    Ok(out.scalable_targets().first().map(|t| {
        observed(
            &want.key,
            ResourceKind::ScalableTarget,
            t.resource_id(),
            t.scalable_target_arn().unwrap_or(t.resource_id()),
            json!({ "min": t.min_capacity(), "max": t.max_capacity() }),
            &[("resource_id", json!(t.resource_id()))],
            BTreeMap::new(),
        )
    }))
}

/// Registers (or changes) the scalable target.
pub async fn put_target(
    conn: &Connection,
    want: &Desired,
    props: &Value,
    project: &str,
) -> Result<Observed, AwsError> {
    conn.autoscaling()
        .register_scalable_target()
        .service_namespace(ServiceNamespace::Ecs)
        .resource_id(&want.name)
        .scalable_dimension(DIMENSION)
        .min_capacity(n(props, "min") as i32)
        .max_capacity(n(props, "max") as i32)
        .set_tags(Some(HashMap::from([(
            TAG.to_string(),
            project.to_string(),
        )])))
        .send()
        .await
        .map_err(conn.fail("AutoScaling", "RegisterScalableTarget"))?;
    observe_target(conn, want)
        .await?
        .ok_or_else(|| gone(&want.name))
}

fn gone(name: &str) -> AwsError {
    AwsError::Call {
        service: "AutoScaling",
        operation: "Describe",
        code: "ObjectNotFoundException".into(),
        detail: format!("{name} vanished"),
    }
}

/// Deregisters the scalable target (and with it its policies).
pub async fn delete_target(conn: &Connection, current: &Observed) -> Result<(), AwsError> {
    match conn
        .autoscaling()
        .deregister_scalable_target()
        .service_namespace(ServiceNamespace::Ecs)
        .resource_id(&current.name)
        .scalable_dimension(DIMENSION)
        .send()
        .await
    {
        Ok(_) => Ok(()),
        Err(e) if crate::error::code_of(&e) == Some("ObjectNotFoundException") => Ok(()),
        Err(e) => Err(conn.fail("AutoScaling", "DeregisterScalableTarget")(e)),
    }
}

/// The target-tracking policy by name.
pub async fn observe_policy(
    conn: &Connection,
    want: &Desired,
) -> Result<Option<Observed>, AwsError> {
    let resource = s(&want.props, "resource");
    let out = conn
        .autoscaling()
        .describe_scaling_policies()
        .service_namespace(ServiceNamespace::Ecs)
        .policy_names(&want.name)
        .resource_id(resource)
        .scalable_dimension(DIMENSION)
        .send()
        .await
        .map_err(conn.fail("AutoScaling", "DescribeScalingPolicies"))?;
    Ok(out.scaling_policies().first().map(|p| {
        let target = p
            .target_tracking_scaling_policy_configuration()
            .map(|c| c.target_value())
            .unwrap_or(0.0);
        observed(
            &want.key,
            ResourceKind::ScalingPolicy,
            p.policy_name(),
            p.policy_arn(),
            json!({ "resource": p.resource_id(), "cpu_target": target.round() as i64 }),
            &[],
            BTreeMap::new(),
        )
    }))
}

/// Puts the CPU target-tracking policy.
pub async fn put_policy(
    conn: &Connection,
    want: &Desired,
    props: &Value,
) -> Result<Observed, AwsError> {
    let config = TargetTrackingScalingPolicyConfiguration::builder()
        .target_value(n(props, "cpu_target") as f64)
        .predefined_metric_specification(
            PredefinedMetricSpecification::builder()
                .predefined_metric_type(MetricType::EcsServiceAverageCpuUtilization)
                .build()
                .map_err(|e| AwsError::Call {
                    service: "AutoScaling",
                    operation: "PutScalingPolicy",
                    code: "InvalidParameter".into(),
                    detail: e.to_string(),
                })?,
        )
        .scale_in_cooldown(60)
        .scale_out_cooldown(60)
        .build()
        .map_err(|e| AwsError::Call {
            service: "AutoScaling",
            operation: "PutScalingPolicy",
            code: "InvalidParameter".into(),
            detail: e.to_string(),
        })?;
    conn.autoscaling()
        .put_scaling_policy()
        .policy_name(&want.name)
        .service_namespace(ServiceNamespace::Ecs)
        .resource_id(s(props, "resource"))
        .scalable_dimension(DIMENSION)
        .policy_type(PolicyType::TargetTrackingScaling)
        .target_tracking_scaling_policy_configuration(config)
        .send()
        .await
        .map_err(conn.fail("AutoScaling", "PutScalingPolicy"))?;
    observe_policy(conn, want)
        .await?
        .ok_or_else(|| gone(&want.name))
}

/// Deletes the policy.
pub async fn delete_policy(conn: &Connection, current: &Observed) -> Result<(), AwsError> {
    let resource = s(&current.props, "resource");
    match conn
        .autoscaling()
        .delete_scaling_policy()
        .policy_name(&current.name)
        .service_namespace(ServiceNamespace::Ecs)
        .resource_id(resource)
        .scalable_dimension(DIMENSION)
        .send()
        .await
    {
        Ok(_) => Ok(()),
        Err(e) if crate::error::code_of(&e) == Some("ObjectNotFoundException") => Ok(()),
        Err(e) => Err(conn.fail("AutoScaling", "DeleteScalingPolicy")(e)),
    }
}
