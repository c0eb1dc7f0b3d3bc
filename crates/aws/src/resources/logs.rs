//! CloudWatch log groups with a retention.

use super::{n, observed, TAG};
use crate::{AwsError, Connection};
use serde_json::{json, Value};
use slipway_core::plan::{Desired, Observed, ResourceKind};
use std::collections::{BTreeMap, HashMap};

/// The log group by exact name.
pub async fn observe(conn: &Connection, want: &Desired) -> Result<Option<Observed>, AwsError> {
    let out = conn
        .logs()
        .describe_log_groups()
        .log_group_name_prefix(&want.name)
        .send()
        .await
        .map_err(conn.fail("Logs", "DescribeLogGroups"))?;
    let Some(g) = out
        .log_groups()
        .iter()
        .find(|g| g.log_group_name() == Some(want.name.as_str()))
    else {
        return Ok(None);
    };
    let arn = g
        .arn()
        .unwrap_or_default()
        .trim_end_matches(":*")
        .to_string();
    let tags: BTreeMap<String, String> = match conn
        .logs()
        .list_tags_for_resource()
        .resource_arn(&arn)
        .send()
        .await
    {
        Ok(t) => t
            .tags()
            .map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
            .unwrap_or_default(),
        Err(_) => BTreeMap::new(),
    };
    Ok(Some(observed(
        &want.key,
        ResourceKind::LogGroup,
        &want.name,
        &arn,
        json!({ "retention_days": g.retention_in_days() }),
        &[],
        tags,
    )))
}

/// Creates the log group with the project tag and its retention.
pub async fn create(
    conn: &Connection,
    want: &Desired,
    props: &Value,
    project: &str,
) -> Result<Observed, AwsError> {
    match conn
        .logs()
        .create_log_group()
        .log_group_name(&want.name)
        .set_tags(Some(HashMap::from([(
            TAG.to_string(),
            project.to_string(),
        )])))
        .send()
        .await
    {
        Ok(_) => {}
        Err(e) if crate::error::code_of(&e) == Some("ResourceAlreadyExistsException") => {}
        Err(e) => return Err(conn.fail("Logs", "CreateLogGroup")(e)),
    }
    update(conn, want, props).await
}

/// Sets the retention.
pub async fn update(
    conn: &Connection,
    want: &Desired,
    props: &Value,
) -> Result<Observed, AwsError> {
    conn.logs()
        .put_retention_policy()
        .log_group_name(&want.name)
        .retention_in_days(n(props, "retention_days") as i32)
        .send()
        .await
        .map_err(conn.fail("Logs", "PutRetentionPolicy"))?;
    observe(conn, want).await?.ok_or_else(|| AwsError::Call {
        service: "Logs",
        operation: "DescribeLogGroups",
        code: "ResourceNotFoundException".into(),
        detail: format!("{} vanished", want.name),
    })
}

/// Deletes the log group and its logs.
pub async fn delete(conn: &Connection, current: &Observed) -> Result<(), AwsError> {
    match conn
        .logs()
        .delete_log_group()
        .log_group_name(&current.name)
        .send()
        .await
    {
        Ok(_) => Ok(()),
        Err(e) if crate::error::code_of(&e) == Some("ResourceNotFoundException") => Ok(()),
        Err(e) => Err(conn.fail("Logs", "DeleteLogGroup")(e)),
    }
}
