//! ECS clusters: found by name, created only when absent, always tagged with the project.

use crate::{AwsError, Connection};
use aws_sdk_ecs::types::Tag;

/// The tag key every resource Slipway creates carries; its value is the project name.
pub const PROJECT_TAG: &str = "slipway:project";

/// What Slipway knows about a cluster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClusterInfo {
    pub name: String,
    pub arn: String,
    pub status: String,
    pub project: Option<String>,
    pub running_tasks: i32,
    pub active_services: i32,
}

/// The cluster named `name`, if it exists and is not deleted.
pub async fn find_cluster(conn: &Connection, name: &str) -> Result<Option<ClusterInfo>, AwsError> {
    let out = conn
        .ecs()
        .describe_clusters()
        .clusters(name)
        .include(aws_sdk_ecs::types::ClusterField::Tags)
        .send()
        .await
        .map_err(conn.fail("ECS", "DescribeClusters"))?;
    Ok(out
        .clusters()
        .iter()
        .find(|c| c.status() != Some("INACTIVE"))
        .map(|c| ClusterInfo {
            name: c.cluster_name().unwrap_or_default().into(),
            arn: c.cluster_arn().unwrap_or_default().into(),
            status: c.status().unwrap_or_default().into(),
            project: c
                .tags()
                .iter()
                .find(|t| t.key() == Some(PROJECT_TAG))
                .and_then(|t| t.value())
                .map(str::to_string),
            running_tasks: c.running_tasks_count(),
            active_services: c.active_services_count(),
        }))
}

/// Finds the cluster or creates it with the project tag: calling it twice creates one cluster.
pub async fn ensure_cluster(
    conn: &Connection,
    name: &str,
    project: &str,
) -> Result<ClusterInfo, AwsError> {
    if let Some(found) = find_cluster(conn, name).await? {
        return Ok(found);
    }
    conn.ecs()
        .create_cluster()
        .cluster_name(name)
        .tags(Tag::builder().key(PROJECT_TAG).value(project).build())
        .send()
        .await
        .map_err(conn.fail("ECS", "CreateCluster"))?;
    find_cluster(conn, name)
        .await?
        .ok_or_else(|| AwsError::Call {
            service: "ECS",
            operation: "DescribeClusters",
            code: "NotFound".into(),
            detail: format!("cluster {name} was created but cannot be found"),
        })
}

/// Deletes the cluster if it exists. Returns whether there was one to delete.
pub async fn delete_cluster(conn: &Connection, name: &str) -> Result<bool, AwsError> {
    if find_cluster(conn, name).await?.is_none() {
        return Ok(false);
    }
    conn.ecs()
        .delete_cluster()
        .cluster(name)
        .send()
        .await
        .map_err(conn.fail("ECS", "DeleteCluster"))?;
    Ok(true)
}
