//! `slipway.toml`, the project spec: the one truth about what the person wants deployed.
//! The wizard edits it, the CLI reads it. Later steps add sections (service, pipeline).

mod pipeline;
mod service;

pub use pipeline::{
    BuildSettings, ComputeType, DeploySettings, DeployStrategy, PipelineSpec, SourceSpec,
    ARM_IMAGE, BUILDSPEC_FILE, STANDARD_IMAGE,
};
pub use service::{AutoscalingSpec, HealthCheckSpec, NetworkSpec, ServiceSpec};

use crate::connection::is_valid_region;
use crate::{ErrorBody, ErrorCode};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The file name of the spec inside a project folder.
pub const SPEC_FILE: &str = "slipway.toml";

/// The whole spec.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct ProjectSpec {
    pub app: AppSpec,
    #[serde(default)]
    pub aws: AwsSpec,
    #[serde(default)]
    pub image: ImageSpec,
    #[serde(default)]
    pub service: ServiceSpec,
    #[serde(default)]
    pub network: NetworkSpec,
    /// Step 5: the CodePipeline that rebuilds and redeploys on every commit; none until set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub pipeline: Option<PipelineSpec>,
}

/// The application: where its code is and how it listens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct AppSpec {
    /// Names every resource Slipway creates: lowercase letters, digits and hyphens.
    pub name: String,
    /// The app folder, relative to slipway.toml.
    #[serde(default = "default_path")]
    pub path: String,
    #[serde(default = "default_dockerfile")]
    pub dockerfile: String,
    /// The port the container listens on.
    pub port: u16,
    /// The path the load balancer's health check requests.
    #[serde(default = "default_health_path")]
    pub health_path: String,
}

/// Where on AWS: profile and region.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, Default)]
#[serde(deny_unknown_fields)]
pub struct AwsSpec {
    pub profile: Option<String>,
    pub region: Option<String>,
}

/// How images are built and tagged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields, default)]
pub struct ImageSpec {
    /// The platform Fargate runs the image on: `linux/amd64` or `linux/arm64`.
    pub platform: String,
    /// How each build is tagged (`latest` is added locally either way).
    pub tag_policy: TagPolicy,
    /// The ECR repository; the app's name when unset.
    pub repository: Option<String>,
    /// Scan every pushed image for known vulnerabilities.
    pub scan_on_push: bool,
    /// Refuse to move a tag to another image, so a tag always means the same build (rollbacks
    /// to a tag then deploy exactly what was tested).
    pub immutable_tags: bool,
    /// Encryption at rest: `aes256` (AWS-managed keys) or `kms` (with `kms_key`, or AWS's key).
    pub encryption: Encryption,
    /// A KMS key ARN or alias for `kms` encryption; AWS's managed key when unset.
    pub kms_key: Option<String>,
    /// The lifecycle policy keeps this many tagged images ...
    pub keep_tagged: u32,
    /// ... and expires untagged images after this many days.
    pub expire_untagged_days: u32,
    /// Refuse to deploy an image whose scan found CRITICAL vulnerabilities.
    pub block_on_critical: bool,
}

impl Default for ImageSpec {
    fn default() -> Self {
        Self {
            platform: "linux/amd64".into(),
            tag_policy: TagPolicy::GitSha,
            repository: None,
            scan_on_push: true,
            immutable_tags: true,
            encryption: Encryption::Aes256,
            kms_key: None,
            keep_tagged: 10,
            expire_untagged_days: 7,
            block_on_critical: false,
        }
    }
}

impl ImageSpec {
    /// The ECR repository name for an app.
    pub fn repository_name(&self, app: &str) -> String {
        self.repository.clone().unwrap_or_else(|| app.to_string())
    }
}

/// How ECR encrypts images at rest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, Default)]
#[serde(rename_all = "snake_case")]
pub enum Encryption {
    #[default]
    Aes256,
    Kms,
}

/// How a build's tag is chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, Default)]
#[serde(rename_all = "snake_case")]
pub enum TagPolicy {
    /// The git commit's short SHA (with a time suffix when the work tree has changes); a
    /// timestamp outside a git repository.
    #[default]
    GitSha,
    /// A UTC timestamp, `20261123-141502`.
    Timestamp,
}

fn default_path() -> String {
    ".".into()
}
fn default_dockerfile() -> String {
    "Dockerfile".into()
}
fn default_health_path() -> String {
    "/".into()
}

/// One thing wrong with a spec, tied to the field it concerns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SpecProblem {
    /// Dotted path of the field, e.g. `app.port`.
    pub field: String,
    pub message: String,
}

impl ProjectSpec {
    /// Parses and validates the text of a slipway.toml.
    pub fn parse(text: &str) -> Result<Self, ErrorBody> {
        let spec: ProjectSpec = toml::from_str(text).map_err(|e| {
            ErrorBody::new(
                ErrorCode::SpecInvalid,
                format!("slipway.toml cannot be read: {}", e.to_string().trim()),
                "Fix the line shown, or delete slipway.toml and let the wizard write it again.",
            )
        })?;
        let problems = spec.problems();
        if let Some(first) = problems.first() {
            let all = problems
                .iter()
                .map(|p| format!("{}: {}", p.field, p.message))
                .collect::<Vec<_>>()
                .join("; ");
            return Err(ErrorBody::new(
                ErrorCode::SpecInvalid,
                format!("slipway.toml has {} problem(s): {all}", problems.len()),
                format!("Correct {} in slipway.toml.", first.field),
            ));
        }
        Ok(spec)
    }

    /// Renders the spec as TOML.
    pub fn to_toml(&self) -> String {
        toml::to_string_pretty(self).expect("a validated spec always serializes")
    }

    /// Everything wrong with the spec; empty when it is valid.
    pub fn problems(&self) -> Vec<SpecProblem> {
        let mut out = Vec::new();
        let mut bad = |field: &str, message: String| {
            out.push(SpecProblem {
                field: field.into(),
                message,
            })
        };
        if let Err(m) = validate_app_name(&self.app.name) {
            bad("app.name", m);
        }
        if self.app.port == 0 {
            bad(
                "app.port",
                "port 0 cannot be reached; use the port your app listens on (1-65535)".into(),
            );
        }
        if !self.app.health_path.starts_with('/')
            || self.app.health_path.chars().any(char::is_whitespace)
        {
            bad(
                "app.health_path",
                format!(
                    "'{}' must start with '/' and contain no spaces",
                    self.app.health_path
                ),
            );
        }
        for (field, value) in [
            ("app.path", &self.app.path),
            ("app.dockerfile", &self.app.dockerfile),
        ] {
            if value.trim().is_empty() {
                bad(field, "must not be empty".into());
            } else if std::path::Path::new(value).is_absolute()
                || value.split(['/', '\\']).any(|c| c == "..")
            {
                bad(
                    field,
                    format!("'{value}' must be a path inside the project folder"),
                );
            }
        }
        if !crate::generate::PLATFORMS.contains(&self.image.platform.as_str()) {
            bad(
                "image.platform",
                format!(
                    "'{}' is not a platform Fargate runs; use linux/amd64 or linux/arm64",
                    self.image.platform
                ),
            );
        }
        if let Err(rule) = crate::names::check(
            crate::names::NameKind::EcrRepository,
            &self.image.repository_name(&self.app.name),
        ) {
            bad(
                "image.repository",
                format!("not a valid ECR repository name: it {rule}"),
            );
        }
        if self.image.keep_tagged == 0 || self.image.keep_tagged > 10_000 {
            bad(
                "image.keep_tagged",
                "keep between 1 and 10000 tagged images".into(),
            );
        }
        if self.image.expire_untagged_days == 0 || self.image.expire_untagged_days > 3650 {
            bad(
                "image.expire_untagged_days",
                "expire untagged images after 1 to 3650 days".into(),
            );
        }
        if self.image.encryption == Encryption::Aes256 && self.image.kms_key.is_some() {
            bad(
                "image.kms_key",
                "a KMS key needs encryption = \"kms\"".into(),
            );
        }
        for (field, message) in service::problems(&self.service, &self.network) {
            bad(&field, message);
        }
        if let Some(p) = &self.pipeline {
            for (field, message) in pipeline::problems(p, &self.image.platform) {
                bad(&field, message);
            }
        }
        if let Some(region) = &self.aws.region {
            if !is_valid_region(region) {
                bad(
                    "aws.region",
                    format!("'{region}' is not an AWS region name such as ap-southeast-1"),
                );
            }
        }
        if let Some(profile) = &self.aws.profile {
            if profile.trim().is_empty()
                || profile
                    .chars()
                    .any(|c| c.is_whitespace() || c == '[' || c == ']')
            {
                bad(
                    "aws.profile",
                    format!("'{profile}' is not a valid profile name"),
                );
            }
        }
        out
    }
}

/// App names become parts of AWS resource names (ECR, ECS, ALB: at most 32 characters for an
/// ALB), so they are kept to lowercase letters, digits and single hyphens.
pub fn validate_app_name(name: &str) -> Result<(), String> {
    if name.is_empty() || name.len() > 32 {
        return Err(format!("'{name}' must be 1 to 32 characters long"));
    }
    if !name.starts_with(|c: char| c.is_ascii_lowercase()) {
        return Err(format!("'{name}' must start with a lowercase letter"));
    }
    if !name
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        return Err(format!(
            "'{name}' may contain only lowercase letters, digits and hyphens"
        ));
    }
    if name.ends_with('-') || name.contains("--") {
        return Err(format!(
            "'{name}' must not end with a hyphen or contain two in a row"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const GOOD: &str = r#"
[app]
name = "shop-api"
port = 8080
health_path = "/health"

[aws]
region = "ap-southeast-1"
"#;

    #[test]
    fn parses_a_minimal_spec_with_defaults() {
        let spec = ProjectSpec::parse(GOOD).unwrap();
        assert_eq!(spec.app.name, "shop-api");
        assert_eq!(spec.app.dockerfile, "Dockerfile");
        assert_eq!(spec.app.path, ".");
        assert_eq!(spec.aws.region.as_deref(), Some("ap-southeast-1"));
    }

    #[test]
    fn round_trips_through_toml() {
        let spec = ProjectSpec::parse(GOOD).unwrap();
        assert_eq!(ProjectSpec::parse(&spec.to_toml()).unwrap(), spec);
    }

    #[test]
    fn syntax_errors_name_the_line() {
        let err = ProjectSpec::parse("[app]\nname = \"x\"\nport = \n").unwrap_err();
        assert_eq!(err.code, ErrorCode::SpecInvalid);
        assert!(err.message.contains("line 3"), "{}", err.message);
    }

    #[test]
    fn unknown_fields_are_reported_not_ignored() {
        let err = ProjectSpec::parse("[app]\nname = \"x\"\nport = 80\nprot = 1\n").unwrap_err();
        assert!(err.message.contains("prot"), "{}", err.message);
    }

    #[test]
    fn out_of_range_port_is_a_clear_error() {
        let err = ProjectSpec::parse("[app]\nname = \"x\"\nport = 70000\n").unwrap_err();
        assert_eq!(err.code, ErrorCode::SpecInvalid);
        let err = ProjectSpec::parse("[app]\nname = \"x\"\nport = 0\n").unwrap_err();
        assert!(err.message.contains("app.port"), "{}", err.message);
    }

    #[test]
    fn every_problem_is_listed_and_the_hint_names_the_first() {
        let err = ProjectSpec::parse("[app]\nname = \"Shop_API\"\nport = 80\nhealth_path = \"health\"\ndockerfile = \"../Dockerfile\"\n[aws]\nregion = \"mars-1\"\n").unwrap_err();
        for field in [
            "app.name",
            "app.health_path",
            "app.dockerfile",
            "aws.region",
        ] {
            assert!(
                err.message.contains(field),
                "{field} missing from {}",
                err.message
            );
        }
        assert!(err.hint.contains("app.name"));
    }

    proptest! {
        #[test]
        fn valid_names_are_safe_in_aws_resource_names(name in "[a-z][a-z0-9-]{0,40}") {
            if validate_app_name(&name).is_ok() {
                prop_assert!(name.len() <= 32);
                prop_assert!(!name.ends_with('-') && !name.contains("--"));
                prop_assert!(name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'));
            }
        }

        #[test]
        fn parse_never_panics_on_arbitrary_text(text in "\\PC{0,200}") {
            let _ = ProjectSpec::parse(&text);
        }
    }
}
