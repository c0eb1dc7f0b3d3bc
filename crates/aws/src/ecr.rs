//! Amazon ECR: repositories (found by name, created with a learner's defaults, converged when
//! their settings drift), the registry login, images and scan findings, and PutImage (practice
//! mode registers the manifest the local registry holds).

use crate::{AwsError, Connection};
use aws_sdk_ecr::types::{
    EncryptionConfiguration, EncryptionType, ImageIdentifier, ImageScanningConfiguration,
    ImageTagMutability, Tag,
};
use base64::Engine as _;
use slipway_core::ecr::{
    lifecycle_policy_text, most_severe_first, EcrImage, Repository, ScanFinding, ScanReport,
};
use slipway_core::spec::{Encryption, ImageSpec};
use std::collections::BTreeMap;

/// The tag key every resource Slipway creates carries; its value is the project name.
pub use crate::ecs::PROJECT_TAG;

fn to_ms(t: Option<&aws_smithy_types::DateTime>) -> Option<i64> {
    t.and_then(|d| d.to_millis().ok())
}

fn repository(r: &aws_sdk_ecr::types::Repository) -> Repository {
    let enc = r.encryption_configuration();
    Repository {
        name: r.repository_name().unwrap_or_default().into(),
        uri: r.repository_uri().unwrap_or_default().into(),
        arn: r.repository_arn().unwrap_or_default().into(),
        scan_on_push: r
            .image_scanning_configuration()
            .map(|c| c.scan_on_push())
            .unwrap_or(false),
        immutable_tags: matches!(
            r.image_tag_mutability(),
            Some(ImageTagMutability::Immutable)
        ),
        encryption: match enc.map(|e| e.encryption_type()) {
            Some(EncryptionType::Kms) | Some(EncryptionType::KmsDsse) => Encryption::Kms,
            _ => Encryption::Aes256,
        },
        kms_key: enc.and_then(|e| e.kms_key()).map(str::to_string),
        lifecycle_policy: None,
        project: None,
        created_ms: to_ms(r.created_at()),
    }
}

/// The repository `name`, with its lifecycle policy and project tag, if it exists.
pub async fn find_repository(
    conn: &Connection,
    name: &str,
) -> Result<Option<Repository>, AwsError> {
    let ecr = conn.ecr();
    let out = match ecr
        .describe_repositories()
        .repository_names(name)
        .send()
        .await
    {
        Ok(o) => o,
        Err(e)
            if e.as_service_error()
                .is_some_and(|se| se.is_repository_not_found_exception()) =>
        {
            return Ok(None)
        }
        Err(e) => return Err(conn.fail("ECR", "DescribeRepositories")(e)),
    };
    let Some(r) = out.repositories().first() else {
        return Ok(None);
    };
    let mut repo = repository(r);
    repo.lifecycle_policy = match ecr
        .get_lifecycle_policy()
        .repository_name(name)
        .send()
        .await
    {
        Ok(p) => p.lifecycle_policy_text().map(str::to_string),
        Err(e)
            if e.as_service_error()
                .is_some_and(|se| se.is_lifecycle_policy_not_found_exception()) =>
        {
            None
        }
        Err(e) => return Err(conn.fail("ECR", "GetLifecyclePolicy")(e)),
    };
    let tags = ecr
        .list_tags_for_resource()
        .resource_arn(&repo.arn)
        .send()
        .await
        .map_err(conn.fail("ECR", "ListTagsForResource"))?;
    repo.project = tags
        .tags()
        .iter()
        .find(|t| t.key() == PROJECT_TAG)
        .map(|t| t.value().to_string());
    Ok(Some(repo))
}

/// Every repository of the account in the region (for the picker).
pub async fn list_repositories(conn: &Connection) -> Result<Vec<Repository>, AwsError> {
    let mut out = Vec::new();
    let mut pages = conn.ecr().describe_repositories().into_paginator().send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(conn.fail("ECR", "DescribeRepositories"))?;
        out.extend(page.repositories().iter().map(repository));
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

/// What `ensure_repository` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnsuredRepository {
    pub repository: Repository,
    pub created: bool,
    /// Settings that were changed to match the spec.
    pub updated: Vec<String>,
    /// Settings that differ but cannot change after creation (encryption).
    pub notes: Vec<String>,
}

/// Finds the repository or creates it with the spec's settings and the project tag; an
/// existing one has its changeable settings (scanning, tag mutability, lifecycle) converged.
pub async fn ensure_repository(
    conn: &Connection,
    name: &str,
    spec: &ImageSpec,
    project: &str,
) -> Result<EnsuredRepository, AwsError> {
    let ecr = conn.ecr();
    let policy = lifecycle_policy_text(spec);
    let mutability = if spec.immutable_tags {
        ImageTagMutability::Immutable
    } else {
        ImageTagMutability::Mutable
    };
    if let Some(existing) = find_repository(conn, name).await? {
        let mut updated = Vec::new();
        let mut notes = Vec::new();
        if existing.scan_on_push != spec.scan_on_push {
            ecr.put_image_scanning_configuration()
                .repository_name(name)
                .image_scanning_configuration(
                    ImageScanningConfiguration::builder()
                        .scan_on_push(spec.scan_on_push)
                        .build(),
                )
                .send()
                .await
                .map_err(conn.fail("ECR", "PutImageScanningConfiguration"))?;
            updated.push("scan on push".into());
        }
        if existing.immutable_tags != spec.immutable_tags {
            ecr.put_image_tag_mutability()
                .repository_name(name)
                .image_tag_mutability(mutability)
                .send()
                .await
                .map_err(conn.fail("ECR", "PutImageTagMutability"))?;
            updated.push("tag mutability".into());
        }
        let same_policy = existing
            .lifecycle_policy
            .as_deref()
            .and_then(|p| serde_json::from_str::<serde_json::Value>(p).ok())
            == serde_json::from_str::<serde_json::Value>(&policy).ok();
        if !same_policy {
            ecr.put_lifecycle_policy()
                .repository_name(name)
                .lifecycle_policy_text(&policy)
                .send()
                .await
                .map_err(conn.fail("ECR", "PutLifecyclePolicy"))?;
            updated.push("lifecycle policy".into());
        }
        if existing.encryption != spec.encryption {
            notes.push(format!(
                "The repository is encrypted with {:?}; encryption cannot change after creation (create a new repository to change it).",
                existing.encryption
            ));
        }
        let repository = if updated.is_empty() {
            existing
        } else {
            find_repository(conn, name).await?.unwrap_or(existing)
        };
        return Ok(EnsuredRepository {
            repository,
            created: false,
            updated,
            notes,
        });
    }
    let encryption = match spec.encryption {
        Encryption::Aes256 => EncryptionConfiguration::builder()
            .encryption_type(EncryptionType::Aes256)
            .build(),
        Encryption::Kms => {
            let mut b = EncryptionConfiguration::builder().encryption_type(EncryptionType::Kms);
            if let Some(k) = &spec.kms_key {
                b = b.kms_key(k);
            }
            b.build()
        }
    }
    .map_err(|e| AwsError::Call {
        service: "ECR",
        operation: "CreateRepository",
        code: "InvalidParameter".into(),
        detail: e.to_string(),
    })?;
    let tag = Tag::builder()
        .key(PROJECT_TAG)
        .value(project)
        .build()
        .map_err(|e| AwsError::Call {
            service: "ECR",
            operation: "CreateRepository",
            code: "InvalidParameter".into(),
            detail: e.to_string(),
        })?;
    let created = ecr
        .create_repository()
        .repository_name(name)
        .image_tag_mutability(mutability)
        .image_scanning_configuration(
            ImageScanningConfiguration::builder()
                .scan_on_push(spec.scan_on_push)
                .build(),
        )
        .encryption_configuration(encryption)
        .tags(tag)
        .send()
        .await;
    match created {
        Ok(_) => {}
        // Someone (or an earlier, interrupted run) created it in between: converge instead.
        Err(e)
            if e.as_service_error()
                .is_some_and(|se| se.is_repository_already_exists_exception()) => {}
        Err(e) => return Err(conn.fail("ECR", "CreateRepository")(e)),
    }
    ecr.put_lifecycle_policy()
        .repository_name(name)
        .lifecycle_policy_text(&policy)
        .send()
        .await
        .map_err(conn.fail("ECR", "PutLifecyclePolicy"))?;
    let repository = find_repository(conn, name)
        .await?
        .ok_or_else(|| AwsError::Call {
            service: "ECR",
            operation: "DescribeRepositories",
            code: "RepositoryNotFoundException".into(),
            detail: format!("{name} was created but cannot be found"),
        })?;
    Ok(EnsuredRepository {
        repository,
        created: true,
        updated: Vec::new(),
        notes: Vec::new(),
    })
}

/// Deletes a repository and its images; a missing one is fine.
pub async fn delete_repository(conn: &Connection, name: &str) -> Result<bool, AwsError> {
    match conn
        .ecr()
        .delete_repository()
        .repository_name(name)
        .force(true)
        .send()
        .await
    {
        Ok(_) => Ok(true),
        Err(e)
            if e.as_service_error()
                .is_some_and(|se| se.is_repository_not_found_exception()) =>
        {
            Ok(false)
        }
        Err(e) => Err(conn.fail("ECR", "DeleteRepository")(e)),
    }
}

/// A registry login from GetAuthorizationToken. Held in memory only; `Debug` hides the password.
#[derive(Clone)]
pub struct RegistryAuth {
    pub username: String,
    pub password: String,
    /// The registry host, without scheme.
    pub server: String,
    /// When the login stops working (ECR: 12 hours after it was issued).
    pub expires_ms: Option<i64>,
}

impl std::fmt::Debug for RegistryAuth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RegistryAuth")
            .field("username", &self.username)
            .field("password", &"***")
            .field("server", &self.server)
            .field("expires_ms", &self.expires_ms)
            .finish()
    }
}

/// Splits an ECR authorization token (base64 of `AWS:<password>`).
pub fn decode_token(token: &str) -> Option<(String, String)> {
    let raw = base64::engine::general_purpose::STANDARD
        .decode(token.trim())
        .ok()?;
    let text = String::from_utf8(raw).ok()?;
    let (user, password) = text.split_once(':')?;
    Some((user.to_string(), password.to_string()))
}

/// Asks ECR for a registry login.
pub async fn registry_auth(conn: &Connection) -> Result<RegistryAuth, AwsError> {
    let out = conn
        .ecr()
        .get_authorization_token()
        .send()
        .await
        .map_err(conn.fail("ECR", "GetAuthorizationToken"))?;
    let data = out
        .authorization_data()
        .first()
        .ok_or_else(|| AwsError::Call {
            service: "ECR",
            operation: "GetAuthorizationToken",
            code: "EmptyResponse".into(),
            detail: "ECR returned no authorization data".into(),
        })?;
    let (username, password) = data
        .authorization_token()
        .and_then(decode_token)
        .ok_or_else(|| AwsError::Call {
            service: "ECR",
            operation: "GetAuthorizationToken",
            code: "MalformedToken".into(),
            detail: "the token is not base64 of user:password".into(),
        })?;
    let server = data
        .proxy_endpoint()
        .unwrap_or_default()
        .trim_start_matches("https://")
        .trim_start_matches("http://")
        .to_string();
    Ok(RegistryAuth {
        username,
        password,
        server,
        expires_ms: to_ms(data.expires_at()),
    })
}

fn image(d: &aws_sdk_ecr::types::ImageDetail) -> EcrImage {
    let mut counts = BTreeMap::new();
    if let Some(summary) = d.image_scan_findings_summary() {
        if let Some(c) = summary.finding_severity_counts() {
            for (sev, n) in c {
                counts.insert(sev.as_str().to_string(), (*n).max(0) as u32);
            }
        }
    }
    EcrImage {
        digest: d.image_digest().unwrap_or_default().into(),
        tags: d.image_tags().to_vec(),
        size: d.image_size_in_bytes().unwrap_or(0),
        pushed_ms: to_ms(d.image_pushed_at()),
        scan_status: d
            .image_scan_status()
            .and_then(|s| s.status())
            .map(|s| s.as_str().to_string()),
        finding_counts: counts,
    }
}

/// The repository's images, newest first.
pub async fn list_images(conn: &Connection, repo: &str) -> Result<Vec<EcrImage>, AwsError> {
    let mut out = Vec::new();
    let mut pages = conn
        .ecr()
        .describe_images()
        .repository_name(repo)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(conn.fail("ECR", "DescribeImages"))?;
        out.extend(page.image_details().iter().map(image));
    }
    if conn.practice {
        // moto's DescribeImages leaves out the scan's status and counts that AWS reports;
        // its DescribeImageScanFindings has them.
        for img in out.iter_mut().filter(|i| i.scan_status.is_none()) {
            let asked = conn
                .ecr()
                .describe_image_scan_findings()
                .repository_name(repo)
                .image_id(ImageIdentifier::builder().image_digest(&img.digest).build())
                .max_results(1)
                .send()
                .await;
            match asked {
                Ok(out) => {
                    img.scan_status = out
                        .image_scan_status()
                        .and_then(|s| s.status())
                        .map(|s| s.as_str().to_string());
                    let counts = out
                        .image_scan_findings()
                        .and_then(|f| f.finding_severity_counts());
                    for (sev, n) in counts.into_iter().flatten() {
                        img.finding_counts
                            .insert(sev.as_str().to_string(), (*n).max(0) as u32);
                    }
                }
                Err(e)
                    if e.as_service_error()
                        .is_some_and(|se| se.is_scan_not_found_exception()) => {}
                Err(e) => return Err(conn.fail("ECR", "DescribeImageScanFindings")(e)),
            }
        }
    }
    out.sort_by(|a, b| b.pushed_ms.cmp(&a.pushed_ms).then(a.digest.cmp(&b.digest)));
    Ok(out)
}

/// The image a tag points at, if any.
pub async fn image_by_tag(
    conn: &Connection,
    repo: &str,
    tag: &str,
) -> Result<Option<EcrImage>, AwsError> {
    let id = ImageIdentifier::builder().image_tag(tag).build();
    match conn
        .ecr()
        .describe_images()
        .repository_name(repo)
        .image_ids(id)
        .send()
        .await
    {
        Ok(out) => Ok(out.image_details().first().map(image)),
        Err(e)
            if e.as_service_error()
                .is_some_and(|se| se.is_image_not_found_exception()) =>
        {
            Ok(None)
        }
        Err(e) => Err(conn.fail("ECR", "DescribeImages")(e)),
    }
}

/// Registers a manifest under a tag (PutImage). Practice mode uses it after pushing to the local
/// registry, with the registry's digest, so ECR's API reports the same digest.
pub async fn put_image(
    conn: &Connection,
    repo: &str,
    tag: &str,
    manifest: &str,
    media_type: &str,
    digest: &str,
) -> Result<(), AwsError> {
    match conn
        .ecr()
        .put_image()
        .repository_name(repo)
        .image_tag(tag)
        .image_manifest(manifest)
        .image_manifest_media_type(media_type)
        .image_digest(digest)
        .send()
        .await
    {
        Ok(_) => Ok(()),
        // The same manifest under the same tag is already there: nothing to do.
        Err(e)
            if e.as_service_error()
                .is_some_and(|se| se.is_image_already_exists_exception()) =>
        {
            Ok(())
        }
        Err(e) => Err(conn.fail("ECR", "PutImage")(e)),
    }
}

/// Starts a basic scan of an image (what ECR does by itself on push when scan on push is on).
/// A scan already done or running today is fine.
pub async fn start_scan(conn: &Connection, repo: &str, digest: &str) -> Result<(), AwsError> {
    match conn
        .ecr()
        .start_image_scan()
        .repository_name(repo)
        .image_id(ImageIdentifier::builder().image_digest(digest).build())
        .send()
        .await
    {
        Ok(_) => Ok(()),
        Err(e)
            if e.as_service_error()
                .is_some_and(|se| se.is_limit_exceeded_exception()) =>
        {
            Ok(())
        }
        Err(e) => Err(conn.fail("ECR", "StartImageScan")(e)),
    }
}

/// The scan's findings for an image, most severe first.
pub async fn scan_report(
    conn: &Connection,
    repo: &str,
    digest: &str,
) -> Result<ScanReport, AwsError> {
    let out = conn
        .ecr()
        .describe_image_scan_findings()
        .repository_name(repo)
        .image_id(ImageIdentifier::builder().image_digest(digest).build())
        .max_results(100)
        .send()
        .await
        .map_err(conn.fail("ECR", "DescribeImageScanFindings"))?;
    let mut counts = BTreeMap::new();
    let mut findings = Vec::new();
    if let Some(f) = out.image_scan_findings() {
        if let Some(c) = f.finding_severity_counts() {
            for (sev, n) in c {
                counts.insert(sev.as_str().to_string(), (*n).max(0) as u32);
            }
        }
        for x in f.findings() {
            let attr = |k: &str| {
                x.attributes()
                    .iter()
                    .find(|a| a.key() == k)
                    .and_then(|a| a.value())
                    .map(str::to_string)
            };
            findings.push(ScanFinding {
                name: x.name().unwrap_or_default().into(),
                severity: x
                    .severity()
                    .map(|s| s.as_str().to_string())
                    .unwrap_or_else(|| "UNDEFINED".into()),
                description: x.description().map(str::to_string),
                uri: x.uri().map(str::to_string),
                package: match (attr("package_name"), attr("package_version")) {
                    (Some(n), Some(v)) => Some(format!("{n} {v}")),
                    (Some(n), None) => Some(n),
                    _ => None,
                },
            });
        }
        for x in f.enhanced_findings() {
            findings.push(ScanFinding {
                name: x
                    .package_vulnerability_details()
                    .and_then(|p| p.vulnerability_id())
                    .or(x.title())
                    .unwrap_or_default()
                    .into(),
                severity: x.severity().unwrap_or("UNDEFINED").to_string(),
                description: x.description().map(str::to_string),
                uri: x
                    .package_vulnerability_details()
                    .and_then(|p| p.source_url())
                    .map(str::to_string),
                package: x
                    .package_vulnerability_details()
                    .and_then(|p| p.vulnerable_packages().first())
                    .map(|p| {
                        format!(
                            "{} {}",
                            p.name().unwrap_or_default(),
                            p.version().unwrap_or_default()
                        )
                    }),
            });
        }
    }
    Ok(ScanReport {
        status: out
            .image_scan_status()
            .and_then(|s| s.status())
            .map(|s| s.as_str().to_string()),
        description: out
            .image_scan_status()
            .and_then(|s| s.description())
            .map(str::to_string),
        finding_counts: counts,
        findings: most_severe_first(findings, 50),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_decode_to_user_and_password() {
        let token =
            base64::engine::general_purpose::STANDARD.encode("AWS:eyJwYXlsb2Fk:with:colons");
        assert_eq!(
            decode_token(&token),
            Some(("AWS".into(), "eyJwYXlsb2Fk:with:colons".into()))
        );
        assert_eq!(decode_token("not base64!"), None);
        let no_colon = base64::engine::general_purpose::STANDARD.encode("AWS");
        assert_eq!(decode_token(&no_colon), None);
    }

    #[test]
    fn debug_never_shows_the_password() {
        let a = RegistryAuth {
            username: "AWS".into(),
            password: "hunter2-secret".into(),
            server: "x".into(),
            expires_ms: None,
        };
        assert!(!format!("{a:?}").contains("hunter2"));
    }
}
