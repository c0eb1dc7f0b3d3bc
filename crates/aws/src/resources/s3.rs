//! S3: the pipeline's artifact bucket (versioned, encrypted with S3-managed keys, public access
//! blocked, tagged) and the S3 source's archive in it. Deleting the bucket first deletes every
//! version and delete marker in it: S3 refuses to delete a bucket that holds anything.

use super::{observed, s, TAG};
use crate::{AwsError, Connection};
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{
    BucketLocationConstraint, BucketVersioningStatus, CreateBucketConfiguration, Delete,
    ObjectIdentifier, PublicAccessBlockConfiguration, ServerSideEncryption,
    ServerSideEncryptionByDefault, ServerSideEncryptionConfiguration, ServerSideEncryptionRule,
    Tag, Tagging, VersioningConfiguration,
};
use serde_json::{json, Value};
use slipway_core::plan::{Desired, Observed, ResourceKind};
use std::collections::BTreeMap;

/// The metadata key that carries the archive's SHA-256, so a plan can tell whether the project
/// changed since the last upload without downloading it.
const SHA_META: &str = "slipway-sha256";

fn build_err(
    op: &'static str,
) -> impl Fn(aws_smithy_types::error::operation::BuildError) -> AwsError {
    move |e| AwsError::Call {
        service: "S3",
        operation: op,
        code: "InvalidRequest".into(),
        detail: e.to_string(),
    }
}

/// The bucket by name, with its versioning, encryption, public access block and tags; `None`
/// when it does not exist or is not this account's (bucket names are global).
pub async fn observe_bucket(
    conn: &Connection,
    want: &Desired,
) -> Result<Option<Observed>, AwsError> {
    let s3 = conn.s3();
    let name = &want.name;
    let region = match s3.head_bucket().bucket(name).send().await {
        Ok(h) => h.bucket_region().map(str::to_string),
        Err(e)
            if matches!(
                crate::error::code_of(&e),
                Some("NotFound" | "NoSuchBucket" | "404")
            ) =>
        {
            return Ok(None)
        }
        Err(e) if e.raw_response().is_some_and(|r| r.status().as_u16() == 404) => return Ok(None),
        // Another account's bucket (names are global), or no permission to see it: not ours
        // either way. CreateBucket says which, with BucketAlreadyExists.
        Err(e) if e.raw_response().is_some_and(|r| r.status().as_u16() == 403) => return Ok(None),
        Err(e) => return Err(conn.fail("S3", "HeadBucket")(e)),
    };
    let versioning = match s3.get_bucket_versioning().bucket(name).send().await {
        Ok(v) => v.status().map(|v| v.as_str().to_string()),
        // The emulator answers with a `GetBucketVersioningResponse` root element, which the
        // SDK refuses: read the status from its raw answer (practice only).
        Err(e) if conn.practice && crate::error::code_of(&e).is_none() => e
            .raw_response()
            .and_then(|r| r.body().bytes())
            .and_then(|b| xml_element(&String::from_utf8_lossy(b), "Status")),
        Err(e) => return Err(conn.fail("S3", "GetBucketVersioning")(e)),
    };
    let encryption = match s3.get_bucket_encryption().bucket(name).send().await {
        Ok(out) => out
            .server_side_encryption_configuration()
            .and_then(|c| c.rules().first())
            .and_then(|r| r.apply_server_side_encryption_by_default())
            .map(|d| d.sse_algorithm().as_str().to_string()),
        Err(e)
            if crate::error::code_of(&e)
                == Some("ServerSideEncryptionConfigurationNotFoundError") =>
        {
            None
        }
        Err(e) => return Err(conn.fail("S3", "GetBucketEncryption")(e)),
    };
    let blocked = match s3.get_public_access_block().bucket(name).send().await {
        Ok(out) => out.public_access_block_configuration().is_some_and(|c| {
            c.block_public_acls() == Some(true)
                && c.ignore_public_acls() == Some(true)
                && c.block_public_policy() == Some(true)
                && c.restrict_public_buckets() == Some(true)
        }),
        Err(e) if crate::error::code_of(&e) == Some("NoSuchPublicAccessBlockConfiguration") => {
            false
        }
        Err(e) => return Err(conn.fail("S3", "GetPublicAccessBlock")(e)),
    };
    let tags: BTreeMap<String, String> = match s3.get_bucket_tagging().bucket(name).send().await {
        Ok(out) => out
            .tag_set()
            .iter()
            .map(|t| (t.key().to_string(), t.value().to_string()))
            .collect(),
        Err(e) if crate::error::code_of(&e) == Some("NoSuchTagSet") => BTreeMap::new(),
        Err(e) => return Err(conn.fail("S3", "GetBucketTagging")(e)),
    };
    let region = region.unwrap_or_else(|| conn.region.clone());
    let arn = format!(
        "arn:{}:s3:::{name}",
        slipway_core::plan::pipeline::partition(&region)
    );
    let mut o = observed(
        &want.key,
        ResourceKind::Bucket,
        name,
        &arn,
        json!({
            "region": region,
            "versioning": versioning,
            "encryption": encryption,
            "public_access_block": blocked,
        }),
        &[],
        tags,
    );
    // Other resources refer to the bucket by name.
    o.outputs.insert("name".into(), Value::String(name.clone()));
    Ok(Some(o))
}

/// The text of the first `<name>` element of an XML document.
fn xml_element(xml: &str, name: &str) -> Option<String> {
    let open = format!("<{name}>");
    let start = xml.find(&open)? + open.len();
    let end = xml[start..].find(&format!("</{name}>"))? + start;
    Some(xml[start..end].to_string())
}

/// Creates the bucket in the connection's region, then converges its settings and tag.
pub async fn create_bucket(
    conn: &Connection,
    want: &Desired,
    props: &Value,
    project: &str,
) -> Result<Observed, AwsError> {
    let mut req = conn.s3().create_bucket().bucket(&want.name);
    // us-east-1 is the one region that takes no location constraint.
    if conn.region != "us-east-1" {
        req = req.create_bucket_configuration(
            CreateBucketConfiguration::builder()
                .location_constraint(BucketLocationConstraint::from(conn.region.as_str()))
                .build(),
        );
    }
    match req.send().await {
        Ok(_) => {}
        Err(e) if crate::error::code_of(&e) == Some("BucketAlreadyOwnedByYou") => {}
        Err(e) if crate::error::code_of(&e) == Some("BucketAlreadyExists") => {
            return Err(AwsError::Call {
                service: "S3",
                operation: "CreateBucket",
                code: "BucketAlreadyExists".into(),
                detail: format!(
                    "the bucket name {} is taken by another AWS account (bucket names are global)",
                    want.name
                ),
            })
        }
        Err(e) => return Err(conn.fail("S3", "CreateBucket")(e)),
    }
    converge_bucket(conn, &want.name, props, None, Some(project)).await?;
    observe_bucket(conn, want)
        .await?
        .ok_or_else(|| vanished(&want.name))
}

/// Turns versioning, encryption and the public access block on where they are not.
pub async fn update_bucket(
    conn: &Connection,
    want: &Desired,
    props: &Value,
    current: &Observed,
) -> Result<Observed, AwsError> {
    converge_bucket(conn, &want.name, props, Some(&current.props), None).await?;
    observe_bucket(conn, want)
        .await?
        .ok_or_else(|| vanished(&want.name))
}

async fn converge_bucket(
    conn: &Connection,
    name: &str,
    props: &Value,
    current: Option<&Value>,
    tag_with: Option<&str>,
) -> Result<(), AwsError> {
    let s3 = conn.s3();
    let differs = |k: &str| current.is_none_or(|c| c.get(k) != props.get(k));
    if let Some(project) = tag_with {
        s3.put_bucket_tagging()
            .bucket(name)
            .tagging(
                Tagging::builder()
                    .tag_set(
                        Tag::builder()
                            .key(TAG)
                            .value(project)
                            .build()
                            .map_err(build_err("PutBucketTagging"))?,
                    )
                    .build()
                    .map_err(build_err("PutBucketTagging"))?,
            )
            .send()
            .await
            .map_err(conn.fail("S3", "PutBucketTagging"))?;
    }
    if differs("public_access_block") && props.get("public_access_block") == Some(&json!(true)) {
        s3.put_public_access_block()
            .bucket(name)
            .public_access_block_configuration(
                PublicAccessBlockConfiguration::builder()
                    .block_public_acls(true)
                    .ignore_public_acls(true)
                    .block_public_policy(true)
                    .restrict_public_buckets(true)
                    .build(),
            )
            .send()
            .await
            .map_err(conn.fail("S3", "PutPublicAccessBlock"))?;
    }
    if differs("encryption") {
        let algorithm = ServerSideEncryption::from(s(props, "encryption"));
        s3.put_bucket_encryption()
            .bucket(name)
            .server_side_encryption_configuration(
                ServerSideEncryptionConfiguration::builder()
                    .rules(
                        ServerSideEncryptionRule::builder()
                            .apply_server_side_encryption_by_default(
                                ServerSideEncryptionByDefault::builder()
                                    .sse_algorithm(algorithm)
                                    .build()
                                    .map_err(build_err("PutBucketEncryption"))?,
                            )
                            .build(),
                    )
                    .build()
                    .map_err(build_err("PutBucketEncryption"))?,
            )
            .send()
            .await
            .map_err(conn.fail("S3", "PutBucketEncryption"))?;
    }
    if differs("versioning") {
        s3.put_bucket_versioning()
            .bucket(name)
            .versioning_configuration(
                VersioningConfiguration::builder()
                    .status(BucketVersioningStatus::from(s(props, "versioning")))
                    .build(),
            )
            .send()
            .await
            .map_err(conn.fail("S3", "PutBucketVersioning"))?;
    }
    Ok(())
}

fn vanished(name: &str) -> AwsError {
    AwsError::Call {
        service: "S3",
        operation: "HeadBucket",
        code: "NoSuchBucket".into(),
        detail: format!("{name} vanished right after it was changed"),
    }
}

/// Deletes every object version and delete marker, then the bucket; one already gone is fine.
pub async fn delete_bucket(conn: &Connection, current: &Observed) -> Result<(), AwsError> {
    let s3 = conn.s3();
    let name = &current.name;
    let mut key_marker: Option<String> = None;
    let mut version_marker: Option<String> = None;
    loop {
        let out = match s3
            .list_object_versions()
            .bucket(name)
            .set_key_marker(key_marker.clone())
            .set_version_id_marker(version_marker.clone())
            .send()
            .await
        {
            Ok(o) => o,
            Err(e) if crate::error::code_of(&e) == Some("NoSuchBucket") => return Ok(()),
            Err(e) => return Err(conn.fail("S3", "ListObjectVersions")(e)),
        };
        let mut ids = Vec::new();
        for v in out.versions() {
            ids.push((v.key().unwrap_or_default(), v.version_id()));
        }
        for m in out.delete_markers() {
            ids.push((m.key().unwrap_or_default(), m.version_id()));
        }
        // DeleteObjects takes up to 1000 keys; a listing page holds at most 1000 of each.
        for chunk in ids.chunks(1000) {
            let mut objects = Vec::new();
            for (key, version) in chunk {
                objects.push(
                    ObjectIdentifier::builder()
                        .key(*key)
                        .set_version_id(version.map(str::to_string))
                        .build()
                        .map_err(build_err("DeleteObjects"))?,
                );
            }
            if objects.is_empty() {
                continue;
            }
            let deleted = s3
                .delete_objects()
                .bucket(name)
                .delete(
                    Delete::builder()
                        .set_objects(Some(objects))
                        .quiet(true)
                        .build()
                        .map_err(build_err("DeleteObjects"))?,
                )
                .send()
                .await
                .map_err(conn.fail("S3", "DeleteObjects"))?;
            if let Some(first) = deleted.errors().first() {
                return Err(AwsError::Call {
                    service: "S3",
                    operation: "DeleteObjects",
                    code: first.code().unwrap_or("Unknown").to_string(),
                    detail: format!(
                        "{} of {name}: {}",
                        first.key().unwrap_or_default(),
                        first.message().unwrap_or_default()
                    ),
                });
            }
        }
        if out.is_truncated() == Some(true) {
            key_marker = out.next_key_marker().map(str::to_string);
            version_marker = out.next_version_id_marker().map(str::to_string);
        } else {
            break;
        }
    }
    match s3.delete_bucket().bucket(name).send().await {
        Ok(_) => Ok(()),
        Err(e) if crate::error::code_of(&e) == Some("NoSuchBucket") => Ok(()),
        Err(e) => Err(conn.fail("S3", "DeleteBucket")(e)),
    }
}

/// The source archive: its key and the SHA-256 it was uploaded with.
pub async fn observe_object(
    conn: &Connection,
    want: &Desired,
    located: Option<&Value>,
) -> Result<Option<Observed>, AwsError> {
    let bucket = located.map(|l| s(l, "bucket")).unwrap_or_default();
    if bucket.is_empty() || bucket.contains("${") {
        return Ok(None);
    }
    let key = &want.name;
    let head = match conn.s3().head_object().bucket(bucket).key(key).send().await {
        Ok(h) => h,
        Err(e) if e.raw_response().is_some_and(|r| r.status().as_u16() == 404) => return Ok(None),
        Err(e)
            if matches!(
                crate::error::code_of(&e),
                Some("NotFound" | "NoSuchKey" | "NoSuchBucket")
            ) =>
        {
            return Ok(None)
        }
        Err(e) => return Err(conn.fail("S3", "HeadObject")(e)),
    };
    let sha = head.metadata().and_then(|m| m.get(SHA_META)).cloned();
    let version = head.version_id().unwrap_or_default().to_string();
    Ok(Some(observed(
        &want.key,
        ResourceKind::SourceObject,
        key,
        &format!("s3://{bucket}/{key}"),
        json!({ "bucket": bucket, "key": key, "sha256": sha }),
        &[("version", Value::String(version))],
        BTreeMap::new(),
    )))
}

/// Uploads the archive named by `props.file` (a new version of the object).
pub async fn put_object(
    conn: &Connection,
    want: &Desired,
    props: &Value,
) -> Result<Observed, AwsError> {
    let (bucket, file, sha) = (s(props, "bucket"), s(props, "file"), s(props, "sha256"));
    if file.is_empty() {
        return Err(AwsError::Call {
            service: "S3",
            operation: "PutObject",
            code: "NoArchive".into(),
            detail: "the plan has no source archive to upload; plan again from the project folder"
                .into(),
        });
    }
    let body = ByteStream::from_path(file)
        .await
        .map_err(|e| AwsError::Call {
            service: "S3",
            operation: "PutObject",
            code: "ArchiveUnreadable".into(),
            detail: format!("{file}: {e}"),
        })?;
    conn.s3()
        .put_object()
        .bucket(bucket)
        .key(&want.name)
        .body(body)
        .content_type("application/zip")
        .server_side_encryption(ServerSideEncryption::Aes256)
        .metadata(SHA_META, sha)
        .send()
        .await
        .map_err(conn.fail("S3", "PutObject"))?;
    observe_object(conn, want, Some(props))
        .await?
        .ok_or_else(|| vanished(&format!("s3://{bucket}/{}", want.name)))
}

/// Deletes the archive's current version marker (the bucket's delete removes every version).
pub async fn delete_object(conn: &Connection, current: &Observed) -> Result<(), AwsError> {
    let bucket = s(&current.props, "bucket");
    match conn
        .s3()
        .delete_object()
        .bucket(bucket)
        .key(&current.name)
        .send()
        .await
    {
        Ok(_) => Ok(()),
        Err(e)
            if matches!(
                crate::error::code_of(&e),
                Some("NoSuchBucket" | "NoSuchKey")
            ) =>
        {
            Ok(())
        }
        Err(e) => Err(conn.fail("S3", "DeleteObject")(e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_element_is_read_from_raw_xml() {
        let xml = r#"<?xml version="1.0"?><GetBucketVersioningResponse xmlns="x"><Status>Enabled</Status></GetBucketVersioningResponse>"#;
        assert_eq!(xml_element(xml, "Status").as_deref(), Some("Enabled"));
        assert_eq!(xml_element("<A/>", "Status"), None);
    }
}
