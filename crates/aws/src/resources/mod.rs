//! The engine's resources on AWS: for each kind, how to observe it (by name), create it,
//! change it in place, and delete it. Every function here is idempotent: `create` first looks
//! for the resource by name and adopts it, so a retry after a crash never makes a duplicate.
//! Properties come in and go out in the shape of `slipway_core::plan::service`'s graph, so the
//! planner can compare them.

mod autoscaling;
mod codebuild;
pub mod codepipeline;
mod connections;
mod ecs;
pub use ecs::observe_deregistered_taskdef;
mod elb;
mod iam;
mod logs;
mod network;
mod s3;

use crate::{AwsError, Connection};
use serde_json::Value;
use slipway_core::plan::{Desired, Observed, ResourceKind, PROJECT_TAG};
use std::collections::BTreeMap;

/// Looks the resource up by its name (and, when known, the resolved properties that locate it:
/// a listener's load balancer, a service's cluster).
pub async fn observe(
    conn: &Connection,
    want: &Desired,
    located: Option<&Value>,
) -> Result<Option<Observed>, AwsError> {
    let found = match want.kind {
        ResourceKind::Network => network::observe(conn, want).await?,
        ResourceKind::SecurityGroup => network::observe_group(conn, want, located).await?,
        ResourceKind::LoadBalancer => elb::observe_lb(conn, want).await?,
        ResourceKind::TargetGroup => elb::observe_tg(conn, want).await?,
        ResourceKind::Listener => elb::observe_listener(conn, want, located).await?,
        ResourceKind::Role => iam::observe(conn, want).await?,
        ResourceKind::LogGroup => logs::observe(conn, want).await?,
        ResourceKind::Cluster => ecs::observe_cluster(conn, want).await?,
        ResourceKind::TaskDefinition => ecs::observe_taskdef(conn, want).await?,
        ResourceKind::Service => ecs::observe_service(conn, want, located).await?,
        ResourceKind::ScalableTarget => autoscaling::observe_target(conn, want).await?,
        ResourceKind::ScalingPolicy => autoscaling::observe_policy(conn, want).await?,
        ResourceKind::Bucket => s3::observe_bucket(conn, want).await?,
        ResourceKind::SourceObject => s3::observe_object(conn, want, located).await?,
        ResourceKind::BuildProject => codebuild::observe(conn, want).await?,
        ResourceKind::Pipeline => codepipeline::observe(conn, want).await?,
        ResourceKind::SourceConnection => connections::observe(conn, want).await?,
    };
    Ok(found)
}

/// Creates the resource with `props` (references resolved), tagged with the project. When it
/// exists already (an earlier run was interrupted after creating it) it is adopted instead.
pub async fn create(
    conn: &Connection,
    want: &Desired,
    props: &Value,
    project: &str,
) -> Result<Observed, AwsError> {
    if let Some(existing) = observe(conn, want, Some(props)).await? {
        // Already there (a task definition: a revision exists; ours is registered only if it
        // differs): converge it instead of making a second one.
        return update(conn, want, props, &existing, project).await;
    }
    match want.kind {
        ResourceKind::Network => {
            network::observe(conn, want)
                .await?
                .ok_or_else(|| AwsError::NoDefaultVpc {
                    region: conn.region.clone(),
                })
        }
        ResourceKind::SecurityGroup => network::create_group(conn, want, props, project).await,
        ResourceKind::LoadBalancer => elb::create_lb(conn, want, props, project).await,
        ResourceKind::TargetGroup => elb::create_tg(conn, want, props, project).await,
        ResourceKind::Listener => elb::create_listener(conn, want, props, project).await,
        ResourceKind::Role => iam::create(conn, want, props, project).await,
        ResourceKind::LogGroup => logs::create(conn, want, props, project).await,
        ResourceKind::Cluster => ecs::create_cluster(conn, want, project).await,
        ResourceKind::TaskDefinition => ecs::register_taskdef(conn, want, props, project).await,
        ResourceKind::Service => ecs::create_service(conn, want, props, project).await,
        ResourceKind::ScalableTarget => autoscaling::put_target(conn, want, props, project).await,
        ResourceKind::ScalingPolicy => autoscaling::put_policy(conn, want, props).await,
        ResourceKind::Bucket => s3::create_bucket(conn, want, props, project).await,
        ResourceKind::SourceObject => s3::put_object(conn, want, props).await,
        ResourceKind::BuildProject => codebuild::create(conn, want, props, project).await,
        ResourceKind::Pipeline => codepipeline::create(conn, want, props, project).await,
        ResourceKind::SourceConnection => connections::create(conn, want, props, project).await,
    }
}

/// Changes the resource in place to match `props`; returns it as it now is.
pub async fn update(
    conn: &Connection,
    want: &Desired,
    props: &Value,
    current: &Observed,
    project: &str,
) -> Result<Observed, AwsError> {
    let mut changes = Vec::new();
    slipway_core::plan::diff::compare(props, &current.props, "", &mut changes);
    if changes.is_empty() {
        return Ok(current.clone());
    }
    match want.kind {
        ResourceKind::Network => Ok(current.clone()),
        ResourceKind::SecurityGroup => network::update_group(conn, want, props, current).await,
        ResourceKind::LoadBalancer => elb::update_lb(conn, want, props, current).await,
        ResourceKind::TargetGroup => elb::update_tg(conn, want, props, current).await,
        ResourceKind::Listener => elb::update_listener(conn, want, props, current).await,
        ResourceKind::Role => iam::update(conn, want, props, current).await,
        ResourceKind::LogGroup => logs::update(conn, want, props).await,
        ResourceKind::Cluster => Ok(current.clone()),
        ResourceKind::TaskDefinition => ecs::register_taskdef(conn, want, props, project).await,
        ResourceKind::Service => ecs::update_service(conn, want, props, current).await,
        ResourceKind::ScalableTarget => autoscaling::put_target(conn, want, props, project).await,
        ResourceKind::ScalingPolicy => autoscaling::put_policy(conn, want, props).await,
        ResourceKind::Bucket => s3::update_bucket(conn, want, props, current).await,
        ResourceKind::SourceObject => s3::put_object(conn, want, props).await,
        ResourceKind::BuildProject => codebuild::update(conn, want, props, current, project).await,
        ResourceKind::Pipeline => codepipeline::update(conn, want, props).await,
        // Only its provider is set, and a new provider replaces it.
        ResourceKind::SourceConnection => Ok(current.clone()),
    }
}

/// Deletes the resource; one already gone is fine.
pub async fn delete(conn: &Connection, current: &Observed) -> Result<(), AwsError> {
    match current.kind {
        ResourceKind::Network => Ok(()),
        ResourceKind::SecurityGroup => network::delete_group(conn, current).await,
        ResourceKind::LoadBalancer => elb::delete_lb(conn, current).await,
        ResourceKind::TargetGroup => elb::delete_tg(conn, current).await,
        ResourceKind::Listener => elb::delete_listener(conn, current).await,
        ResourceKind::Role => iam::delete(conn, current).await,
        ResourceKind::LogGroup => logs::delete(conn, current).await,
        ResourceKind::Cluster => ecs::delete_cluster(conn, current).await,
        ResourceKind::TaskDefinition => ecs::delete_taskdefs(conn, current).await,
        ResourceKind::Service => ecs::delete_service(conn, current).await,
        ResourceKind::ScalableTarget => autoscaling::delete_target(conn, current).await,
        ResourceKind::ScalingPolicy => autoscaling::delete_policy(conn, current).await,
        ResourceKind::Bucket => s3::delete_bucket(conn, current).await,
        ResourceKind::SourceObject => s3::delete_object(conn, current).await,
        ResourceKind::BuildProject => codebuild::delete(conn, current).await,
        ResourceKind::Pipeline => codepipeline::delete(conn, current).await,
        ResourceKind::SourceConnection => connections::delete(conn, current).await,
    }
}

/// The project tag as a map, for `Observed::tags`.
pub(crate) fn tags_map<'a>(
    pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> BTreeMap<String, String> {
    pairs
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// Builds an `Observed` with the usual outputs (`id`, `arn`, `name`) plus `extra`.
pub(crate) fn observed(
    want_key: &str,
    kind: ResourceKind,
    name: &str,
    id: &str,
    props: Value,
    extra: &[(&str, Value)],
    tags: BTreeMap<String, String>,
) -> Observed {
    let mut outputs = BTreeMap::new();
    outputs.insert("id".to_string(), Value::String(id.to_string()));
    outputs.insert("arn".to_string(), Value::String(id.to_string()));
    outputs.insert("name".to_string(), Value::String(name.to_string()));
    for (k, v) in extra {
        outputs.insert((*k).to_string(), v.clone());
    }
    Observed {
        key: want_key.to_string(),
        kind,
        name: name.to_string(),
        id: id.to_string(),
        props,
        outputs,
        tags,
    }
}

/// A property as a string (`""` when absent).
pub(crate) fn s<'a>(props: &'a Value, key: &str) -> &'a str {
    props.get(key).and_then(Value::as_str).unwrap_or("")
}

/// A property as a number (0 when absent).
pub(crate) fn n(props: &Value, key: &str) -> i64 {
    props.get(key).and_then(Value::as_i64).unwrap_or(0)
}

/// A property as a list of strings, sorted.
pub(crate) fn strings(props: &Value, key: &str) -> Vec<String> {
    let mut v: Vec<String> = props
        .get(key)
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

/// The tag key the project carries, for adapters that build SDK tags.
pub(crate) const TAG: &str = PROJECT_TAG;

/// Retries `f` while AWS says the resource is busy (a dependency still holds it), up to `tries`
/// times with growing pauses. Used for deletes that wait on ENIs and the like.
pub(crate) async fn while_busy<T, F, Fut>(tries: u32, mut f: F) -> Result<T, AwsError>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, AwsError>>,
{
    let mut wait = std::time::Duration::from_millis(500);
    let mut attempt = 0;
    loop {
        match f().await {
            Err(AwsError::Call { code, .. })
                if attempt + 1 < tries
                    && matches!(
                        code.as_str(),
                        "DependencyViolation"
                            | "ResourceInUse"
                            | "ResourceInUseException"
                            | "InvalidParameterException"
                            | "DeleteConflict"
                    ) =>
            {
                attempt += 1;
                tokio::time::sleep(wait).await;
                wait = (wait * 2).min(std::time::Duration::from_secs(15));
            }
            other => return other,
        }
    }
}
