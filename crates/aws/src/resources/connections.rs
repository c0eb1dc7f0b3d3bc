//! CodeConnections: the connection a GitHub source reads through. Slipway creates it by API;
//! it stays PENDING until the person approves it once in the AWS console (AWS offers no API for
//! that handshake), so its status is an output the plan and the CLI report.

use super::{observed, s, TAG};
use crate::{AwsError, Connection};
use aws_sdk_codeconnections::types::{ProviderType, Tag};
use serde_json::{json, Value};
use slipway_core::plan::{Desired, Observed, ResourceKind};
use std::collections::BTreeMap;

/// The connection by name (names are unique in an account and region).
pub async fn observe(conn: &Connection, want: &Desired) -> Result<Option<Observed>, AwsError> {
    let client = conn.codeconnections();
    let mut token: Option<String> = None;
    loop {
        let out = client
            .list_connections()
            .set_next_token(token.clone())
            .send()
            .await
            .map_err(conn.fail("CodeConnections", "ListConnections"))?;
        if let Some(c) = out
            .connections()
            .iter()
            .find(|c| c.connection_name() == Some(want.name.as_str()))
        {
            let arn = c.connection_arn().unwrap_or_default().to_string();
            let status = c
                .connection_status()
                .map(|s| s.as_str().to_string())
                .unwrap_or_default();
            let tags: BTreeMap<String, String> = match client
                .list_tags_for_resource()
                .resource_arn(&arn)
                .send()
                .await
            {
                Ok(t) => t
                    .tags()
                    .iter()
                    .map(|t| (t.key().to_string(), t.value().to_string()))
                    .collect(),
                Err(_) => BTreeMap::new(),
            };
            return Ok(Some(observed(
                &want.key,
                ResourceKind::SourceConnection,
                &want.name,
                &arn,
                json!({ "provider": c.provider_type().map(|p| p.as_str()) }),
                &[("status", Value::String(status))],
                tags,
            )));
        }
        token = out
            .next_token()
            .filter(|t| !t.is_empty())
            .map(str::to_string);
        if token.is_none() {
            return Ok(None);
        }
    }
}

/// Creates the connection (it starts PENDING), tagged with the project.
pub async fn create(
    conn: &Connection,
    want: &Desired,
    props: &Value,
    project: &str,
) -> Result<Observed, AwsError> {
    let tag = Tag::builder()
        .key(TAG)
        .value(project)
        .build()
        .map_err(|e| AwsError::Call {
            service: "CodeConnections",
            operation: "CreateConnection",
            code: "InvalidRequest".into(),
            detail: e.to_string(),
        })?;
    conn.codeconnections()
        .create_connection()
        .connection_name(&want.name)
        .provider_type(ProviderType::from(s(props, "provider")))
        .tags(tag)
        .send()
        .await
        .map_err(conn.fail("CodeConnections", "CreateConnection"))?;
    observe(conn, want).await?.ok_or_else(|| AwsError::Call {
        service: "CodeConnections",
        operation: "ListConnections",
        code: "ResourceNotFoundException".into(),
        detail: format!("{} vanished right after it was created", want.name),
    })
}

/// Deletes the connection.
pub async fn delete(conn: &Connection, current: &Observed) -> Result<(), AwsError> {
    match conn
        .codeconnections()
        .delete_connection()
        .connection_arn(&current.id)
        .send()
        .await
    {
        Ok(_) => Ok(()),
        Err(e) if crate::error::code_of(&e) == Some("ResourceNotFoundException") => Ok(()),
        Err(e) => Err(conn.fail("CodeConnections", "DeleteConnection")(e)),
    }
}
