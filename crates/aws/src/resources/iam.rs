//! IAM roles: a trust policy for one AWS service, managed policies, and one inline policy
//! (named `slipway`) when the spec needs one.

use super::{observed, strings, TAG};
use crate::{AwsError, Connection};
use aws_sdk_iam::types::Tag;
use serde_json::{json, Value};
use slipway_core::plan::{Desired, Observed, ResourceKind};
use std::collections::BTreeMap;

/// The inline policy Slipway writes on a role.
const INLINE: &str = "slipway";

/// The trust policy that lets `service` (e.g. `ecs-tasks.amazonaws.com`) assume the role.
pub fn trust_policy(service: &str) -> String {
    json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": {"Service": service},
            "Action": "sts:AssumeRole"
        }]
    })
    .to_string()
}

/// IAM returns policy documents URL-encoded.
fn decode(doc: &str) -> Value {
    let text = percent_decode(doc);
    serde_json::from_str(&text).unwrap_or(Value::Null)
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(if bytes[i] == b'+' { b' ' } else { bytes[i] });
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn trusted_service(doc: &Value) -> String {
    doc["Statement"]
        .as_array()
        .and_then(|s| s.first())
        .and_then(|st| st["Principal"]["Service"].as_str().map(str::to_string))
        .unwrap_or_default()
}

/// The role by name, with its trust, managed policies and inline policy.
pub async fn observe(conn: &Connection, want: &Desired) -> Result<Option<Observed>, AwsError> {
    let iam = conn.iam();
    let role = match iam.get_role().role_name(&want.name).send().await {
        Ok(r) => r,
        Err(e) if crate::error::code_of(&e) == Some("NoSuchEntity") => return Ok(None),
        Err(e) => return Err(conn.fail("IAM", "GetRole")(e)),
    };
    let Some(role) = role.role() else {
        return Ok(None);
    };
    let trust = role
        .assume_role_policy_document()
        .map(decode)
        .map(|d| trusted_service(&d))
        .unwrap_or_default();
    let attached = iam
        .list_attached_role_policies()
        .role_name(&want.name)
        .send()
        .await
        .map_err(conn.fail("IAM", "ListAttachedRolePolicies"))?;
    let mut managed: Vec<String> = attached
        .attached_policies()
        .iter()
        .filter_map(|p| p.policy_arn().map(str::to_string))
        .collect();
    managed.sort();
    let inline = match iam
        .get_role_policy()
        .role_name(&want.name)
        .policy_name(INLINE)
        .send()
        .await
    {
        Ok(p) => decode(p.policy_document()),
        Err(e) if crate::error::code_of(&e) == Some("NoSuchEntity") => Value::Null,
        Err(e) => return Err(conn.fail("IAM", "GetRolePolicy")(e)),
    };
    let tags = iam
        .list_role_tags()
        .role_name(&want.name)
        .send()
        .await
        .map_err(conn.fail("IAM", "ListRoleTags"))?;
    let tags: BTreeMap<String, String> = tags
        .tags()
        .iter()
        .map(|t| (t.key().to_string(), t.value().to_string()))
        .collect();
    Ok(Some(observed(
        &want.key,
        ResourceKind::Role,
        role.role_name(),
        role.arn(),
        json!({ "trust": trust, "managed_policies": managed, "inline_policy": inline }),
        &[],
        tags,
    )))
}

async fn converge_policies(
    conn: &Connection,
    name: &str,
    props: &Value,
    current: Option<&Value>,
) -> Result<(), AwsError> {
    let iam = conn.iam();
    let wanted = strings(props, "managed_policies");
    let have = current
        .map(|c| strings(c, "managed_policies"))
        .unwrap_or_default();
    for arn in wanted.iter().filter(|a| !have.contains(a)) {
        iam.attach_role_policy()
            .role_name(name)
            .policy_arn(arn)
            .send()
            .await
            .map_err(conn.fail("IAM", "AttachRolePolicy"))?;
    }
    for arn in have.iter().filter(|a| !wanted.contains(a)) {
        iam.detach_role_policy()
            .role_name(name)
            .policy_arn(arn)
            .send()
            .await
            .map_err(conn.fail("IAM", "DetachRolePolicy"))?;
    }
    let inline = props.get("inline_policy").cloned().unwrap_or(Value::Null);
    let had = current
        .and_then(|c| c.get("inline_policy"))
        .cloned()
        .unwrap_or(Value::Null);
    if inline != had {
        if inline.is_null() {
            match iam
                .delete_role_policy()
                .role_name(name)
                .policy_name(INLINE)
                .send()
                .await
            {
                Ok(_) => {}
                Err(e) if crate::error::code_of(&e) == Some("NoSuchEntity") => {}
                Err(e) => return Err(conn.fail("IAM", "DeleteRolePolicy")(e)),
            }
        } else {
            iam.put_role_policy()
                .role_name(name)
                .policy_name(INLINE)
                .policy_document(inline.to_string())
                .send()
                .await
                .map_err(conn.fail("IAM", "PutRolePolicy"))?;
        }
    }
    Ok(())
}

/// Creates the role with its trust policy, the project tag and its policies.
pub async fn create(
    conn: &Connection,
    want: &Desired,
    props: &Value,
    project: &str,
) -> Result<Observed, AwsError> {
    let service = props
        .get("trust")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let tag = Tag::builder()
        .key(TAG)
        .value(project)
        .build()
        .map_err(|e| AwsError::Call {
            service: "IAM",
            operation: "CreateRole",
            code: "InvalidTag".into(),
            detail: e.to_string(),
        })?;
    conn.iam()
        .create_role()
        .role_name(&want.name)
        .assume_role_policy_document(trust_policy(service))
        .description(want.purpose.chars().take(1000).collect::<String>())
        .tags(tag)
        .send()
        .await
        .map_err(conn.fail("IAM", "CreateRole"))?;
    converge_policies(conn, &want.name, props, None).await?;
    observe(conn, want).await?.ok_or_else(|| AwsError::Call {
        service: "IAM",
        operation: "GetRole",
        code: "NoSuchEntity".into(),
        detail: format!("{} vanished right after it was created", want.name),
    })
}

/// Attaches and detaches policies to match; writes or removes the inline policy.
pub async fn update(
    conn: &Connection,
    want: &Desired,
    props: &Value,
    current: &Observed,
) -> Result<Observed, AwsError> {
    converge_policies(conn, &want.name, props, Some(&current.props)).await?;
    observe(conn, want).await?.ok_or_else(|| AwsError::Call {
        service: "IAM",
        operation: "GetRole",
        code: "NoSuchEntity".into(),
        detail: format!("{} vanished", want.name),
    })
}

/// Detaches every policy, deletes every inline policy, then the role.
pub async fn delete(conn: &Connection, current: &Observed) -> Result<(), AwsError> {
    let iam = conn.iam();
    let name = &current.name;
    let attached = match iam
        .list_attached_role_policies()
        .role_name(name)
        .send()
        .await
    {
        Ok(a) => a,
        Err(e) if crate::error::code_of(&e) == Some("NoSuchEntity") => return Ok(()),
        Err(e) => return Err(conn.fail("IAM", "ListAttachedRolePolicies")(e)),
    };
    for p in attached.attached_policies() {
        if let Some(arn) = p.policy_arn() {
            iam.detach_role_policy()
                .role_name(name)
                .policy_arn(arn)
                .send()
                .await
                .map_err(conn.fail("IAM", "DetachRolePolicy"))?;
        }
    }
    let inline = iam
        .list_role_policies()
        .role_name(name)
        .send()
        .await
        .map_err(conn.fail("IAM", "ListRolePolicies"))?;
    for p in inline.policy_names() {
        iam.delete_role_policy()
            .role_name(name)
            .policy_name(p)
            .send()
            .await
            .map_err(conn.fail("IAM", "DeleteRolePolicy"))?;
    }
    match iam.delete_role().role_name(name).send().await {
        Ok(_) => Ok(()),
        Err(e) if crate::error::code_of(&e) == Some("NoSuchEntity") => Ok(()),
        Err(e) => Err(conn.fail("IAM", "DeleteRole")(e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_encoded_documents_decode() {
        let doc = "%7B%22Statement%22%3A%5B%7B%22Principal%22%3A%7B%22Service%22%3A%22ecs-tasks.amazonaws.com%22%7D%7D%5D%7D";
        assert_eq!(trusted_service(&decode(doc)), "ecs-tasks.amazonaws.com");
        assert_eq!(
            trusted_service(&decode(&trust_policy("codebuild.amazonaws.com"))),
            "codebuild.amazonaws.com"
        );
    }
}
