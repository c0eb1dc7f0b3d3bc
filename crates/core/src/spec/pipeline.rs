//! The `[pipeline]` section: where the code comes from, how CodeBuild builds it and how the new
//! image reaches the step-4 service. Every commit (or every upload, for the S3 source) then
//! redeploys.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The CodeBuild image for x86 builds: Ubuntu with Docker, the AWS CLI and common runtimes.
pub const STANDARD_IMAGE: &str = "aws/codebuild/standard:7.0";
/// The CodeBuild image for arm64 builds (an arm64 service builds natively on ARM).
pub const ARM_IMAGE: &str = "aws/codebuild/amazonlinux-aarch64-standard:3.0";
/// The buildspec file name CodeBuild reads from the source, at its root.
pub const BUILDSPEC_FILE: &str = "buildspec.yml";

/// The whole pipeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct PipelineSpec {
    pub source: SourceSpec,
    #[serde(default)]
    pub build: BuildSettings,
    #[serde(default)]
    pub deploy: DeploySettings,
}

/// Where the pipeline takes the code from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum SourceSpec {
    /// Slipway zips the project folder (honouring .gitignore and .dockerignore) and uploads it
    /// to the pipeline's versioned bucket: the way in without GitHub.
    S3 {
        /// The object key; `source/<app>.zip` when unset.
        #[serde(default)]
        key: Option<String>,
    },
    /// A GitHub repository through an AWS CodeConnections connection, which Slipway creates
    /// and the person approves once in the AWS console.
    Github {
        /// The connection's name (1-32 letters, digits, hyphens, underscores).
        connection: String,
        /// `owner/repository`.
        repository: String,
        #[serde(default = "default_branch")]
        branch: String,
    },
    /// An AWS CodeCommit repository (in accounts that can still use CodeCommit).
    Codecommit {
        repository: String,
        #[serde(default = "default_branch")]
        branch: String,
    },
}

impl SourceSpec {
    /// The source kind as slipway.toml names it.
    pub fn kind(&self) -> &'static str {
        match self {
            SourceSpec::S3 { .. } => "s3",
            SourceSpec::Github { .. } => "github",
            SourceSpec::Codecommit { .. } => "codecommit",
        }
    }

    /// The S3 object key of an S3 source for app `app`.
    pub fn s3_key(&self, app: &str) -> Option<String> {
        match self {
            SourceSpec::S3 { key } => {
                Some(key.clone().unwrap_or_else(|| format!("source/{app}.zip")))
            }
            _ => None,
        }
    }
}

fn default_branch() -> String {
    "main".into()
}

/// The CodeBuild machine size.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, Default)]
#[serde(rename_all = "snake_case")]
pub enum ComputeType {
    /// 2 vCPU, 3 GB (the cheapest).
    #[default]
    Small,
    /// 4 vCPU, 7 GB.
    Medium,
    /// 8 vCPU, 15 GB.
    Large,
}

impl ComputeType {
    /// CodeBuild's name for it.
    pub fn aws_name(self) -> &'static str {
        match self {
            ComputeType::Small => "BUILD_GENERAL1_SMALL",
            ComputeType::Medium => "BUILD_GENERAL1_MEDIUM",
            ComputeType::Large => "BUILD_GENERAL1_LARGE",
        }
    }

    /// Its price relative to small (CodeBuild's Linux on-demand table).
    pub fn price_factor(self) -> f64 {
        match self {
            ComputeType::Small => 1.0,
            ComputeType::Medium => 2.0,
            ComputeType::Large => 4.0,
        }
    }
}

/// How CodeBuild builds the image.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields, default)]
pub struct BuildSettings {
    pub compute_type: ComputeType,
    /// The CodeBuild image; the standard image for the service's platform when unset.
    pub image: Option<String>,
    /// Commands that run the app's tests before the image is built; a failing one stops the run.
    pub test_commands: Vec<String>,
    /// Minutes a build may take before CodeBuild stops it (5-480).
    pub timeout_minutes: u32,
}

impl Default for BuildSettings {
    fn default() -> Self {
        Self {
            compute_type: ComputeType::Small,
            image: None,
            test_commands: Vec::new(),
            timeout_minutes: 30,
        }
    }
}

impl BuildSettings {
    /// The image the build runs in, for the service's `platform`.
    pub fn image_for(&self, platform: &str) -> String {
        self.image.clone().unwrap_or_else(|| {
            if platform.ends_with("arm64") {
                ARM_IMAGE.into()
            } else {
                STANDARD_IMAGE.into()
            }
        })
    }
}

/// How the new image reaches the service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, Default)]
#[serde(rename_all = "snake_case")]
pub enum DeployStrategy {
    /// ECS's rolling deployment of the step-4 service (its minimum healthy and maximum
    /// percent). Blue/green through CodeDeploy would be another variant here.
    #[default]
    Rolling,
}

/// The stages after the build.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields, default)]
pub struct DeploySettings {
    pub strategy: DeployStrategy,
    /// A manual approval stage before the deploy: someone approves each run in the console.
    pub approval: bool,
    /// After the deploy, request the service's health path and fail the run if it does not
    /// answer.
    pub smoke_test: bool,
    /// Minutes the ECS deploy action waits for the service to be steady (1-60).
    pub timeout_minutes: u32,
}

impl Default for DeploySettings {
    fn default() -> Self {
        Self {
            strategy: DeployStrategy::Rolling,
            approval: false,
            smoke_test: false,
            timeout_minutes: 15,
        }
    }
}

/// Everything wrong with the pipeline section, as (field, message).
pub fn problems(p: &PipelineSpec, platform: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut bad = |f: &str, m: String| out.push((f.to_string(), m));
    match &p.source {
        SourceSpec::S3 { key } => {
            if let Some(k) = key {
                if k.is_empty() || k.len() > 1024 || k.starts_with('/') || k.contains("//") {
                    bad(
                        "pipeline.source.key",
                        format!("'{k}' must be an S3 key such as source/app.zip (no leading slash, at most 1024 characters)"),
                    );
                } else if !k.ends_with(".zip") {
                    bad(
                        "pipeline.source.key",
                        format!(
                            "'{k}' must end with .zip: CodePipeline's S3 source reads a zip file"
                        ),
                    );
                }
            }
        }
        SourceSpec::Github {
            connection,
            repository,
            branch,
        } => {
            if connection.is_empty()
                || connection.len() > 32
                || !connection
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            {
                bad(
                    "pipeline.source.connection",
                    format!(
                        "'{connection}' must be 1 to 32 letters, digits, hyphens or underscores"
                    ),
                );
            }
            let parts: Vec<&str> = repository.split('/').collect();
            let part_ok = |s: &str| {
                !s.is_empty()
                    && s.len() <= 100
                    && s.chars()
                        .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
            };
            if parts.len() != 2 || !parts.iter().all(|s| part_ok(s)) {
                bad(
                    "pipeline.source.repository",
                    format!("'{repository}' must be the full repository id, owner/name (for https://github.com/octo/shop it is octo/shop)"),
                );
            }
            if let Err(m) = check_branch(branch) {
                bad("pipeline.source.branch", m);
            }
        }
        SourceSpec::Codecommit { repository, branch } => {
            if repository.is_empty()
                || repository.len() > 100
                || !repository
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
            {
                bad(
                    "pipeline.source.repository",
                    format!("'{repository}' must be a CodeCommit repository name: 1 to 100 letters, digits, . _ -"),
                );
            }
            if let Err(m) = check_branch(branch) {
                bad("pipeline.source.branch", m);
            }
        }
    }
    let b = &p.build;
    if !(5..=480).contains(&b.timeout_minutes) {
        bad(
            "pipeline.build.timeout_minutes",
            "CodeBuild accepts 5 to 480 minutes".into(),
        );
    }
    if let Some(image) = &b.image {
        if image.trim().is_empty() || image.chars().any(char::is_whitespace) {
            bad(
                "pipeline.build.image",
                format!("'{image}' is not an image name such as {STANDARD_IMAGE}"),
            );
        } else if platform.ends_with("arm64") && image.starts_with("aws/codebuild/standard") {
            bad(
                "pipeline.build.image",
                format!("{image} is an x86 image but the service runs linux/arm64; use {ARM_IMAGE} or leave it unset"),
            );
        } else if platform.ends_with("amd64") && image.contains("aarch64") {
            bad(
                "pipeline.build.image",
                format!("{image} is an arm64 image but the service runs linux/amd64; use {STANDARD_IMAGE} or leave it unset"),
            );
        }
    }
    for (i, c) in b.test_commands.iter().enumerate() {
        if c.trim().is_empty() {
            bad(
                "pipeline.build.test_commands",
                format!("command {} is empty", i + 1),
            );
        } else if c.contains('\n') {
            bad(
                "pipeline.build.test_commands",
                format!(
                    "command {} spans several lines; give one command per entry",
                    i + 1
                ),
            );
        }
    }
    if !(1..=60).contains(&p.deploy.timeout_minutes) {
        bad(
            "pipeline.deploy.timeout_minutes",
            "the ECS deploy action waits 1 to 60 minutes".into(),
        );
    }
    out
}

/// Git's rules for a branch name, the ones a person is likely to break.
fn check_branch(branch: &str) -> Result<(), String> {
    let bad_char = |c: char| c.is_whitespace() || c.is_control() || "~^:?*[\\".contains(c);
    if branch.is_empty()
        || branch.len() > 255
        || branch.chars().any(bad_char)
        || branch.starts_with('/')
        || branch.ends_with('/')
        || branch.ends_with(".lock")
        || branch.contains("..")
        || branch.contains("@{")
        || branch.starts_with('-')
    {
        return Err(format!(
            "'{branch}' is not a git branch name (no spaces, ~ ^ : ? * [ \\, '..' or a trailing slash)"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::ProjectSpec;

    fn parse(pipeline: &str) -> Result<ProjectSpec, crate::ErrorBody> {
        ProjectSpec::parse(&format!("[app]\nname = \"shop\"\nport = 8080\n{pipeline}"))
    }

    #[test]
    fn an_s3_source_needs_nothing_else_and_defaults_are_sensible() {
        let s = parse("[pipeline.source]\nkind = \"s3\"\n").unwrap();
        let p = s.pipeline.unwrap();
        assert_eq!(p.source.s3_key("shop").as_deref(), Some("source/shop.zip"));
        assert_eq!(p.build.compute_type, ComputeType::Small);
        assert_eq!(p.build.image_for("linux/amd64"), STANDARD_IMAGE);
        assert_eq!(p.build.image_for("linux/arm64"), ARM_IMAGE);
        assert_eq!(p.deploy.strategy, DeployStrategy::Rolling);
        assert!(!p.deploy.approval);
    }

    #[test]
    fn a_github_source_round_trips() {
        let s = parse("[pipeline.source]\nkind = \"github\"\nconnection = \"octo-github\"\nrepository = \"octo/shop\"\nbranch = \"release\"\n[pipeline.build]\ntest_commands = [\"npm test\"]\ncompute_type = \"medium\"\n[pipeline.deploy]\napproval = true\nsmoke_test = true\n").unwrap();
        assert_eq!(ProjectSpec::parse(&s.to_toml()).unwrap(), s);
        let p = s.pipeline.unwrap();
        assert_eq!(
            p.source,
            SourceSpec::Github {
                connection: "octo-github".into(),
                repository: "octo/shop".into(),
                branch: "release".into()
            }
        );
        assert_eq!(p.build.compute_type.aws_name(), "BUILD_GENERAL1_MEDIUM");
    }

    #[test]
    fn no_pipeline_section_is_fine_and_is_not_written() {
        let s = parse("").unwrap();
        assert!(s.pipeline.is_none());
        assert!(!s.to_toml().contains("pipeline"));
    }

    #[test]
    fn bad_sources_are_named_with_the_fix() {
        let err = parse("[pipeline.source]\nkind = \"github\"\nconnection = \"my connection\"\nrepository = \"https://github.com/octo/shop\"\nbranch = \"feature..x\"\n").unwrap_err();
        for f in [
            "pipeline.source.connection",
            "pipeline.source.repository",
            "pipeline.source.branch",
        ] {
            assert!(err.message.contains(f), "{f}: {}", err.message);
        }
        assert!(err.message.contains("owner/name"), "{}", err.message);
        let err = parse("[pipeline.source]\nkind = \"s3\"\nkey = \"/app.tar\"\n").unwrap_err();
        assert!(
            err.message.contains("pipeline.source.key"),
            "{}",
            err.message
        );
    }

    #[test]
    fn an_unknown_source_kind_or_field_is_a_clear_error() {
        let err = parse("[pipeline.source]\nkind = \"gitlab\"\n").unwrap_err();
        assert_eq!(err.code, crate::ErrorCode::SpecInvalid);
        assert!(err.message.contains("gitlab"), "{}", err.message);
        let err = parse("[pipeline.source]\nkind = \"s3\"\nbranch = \"main\"\n").unwrap_err();
        assert!(err.message.contains("branch"), "{}", err.message);
        let err = parse(
            "[pipeline.source]\nkind = \"s3\"\n[pipeline.deploy]\nstrategy = \"blue_green\"\n",
        )
        .unwrap_err();
        assert!(err.message.contains("blue_green"), "{}", err.message);
    }

    #[test]
    fn build_settings_are_checked_against_the_platform() {
        let err = parse("[image]\nplatform = \"linux/arm64\"\n[pipeline.source]\nkind = \"s3\"\n[pipeline.build]\nimage = \"aws/codebuild/standard:7.0\"\ntimeout_minutes = 1\ntest_commands = [\"\"]\n[pipeline.deploy]\ntimeout_minutes = 90\n").unwrap_err();
        for f in [
            "pipeline.build.image",
            "pipeline.build.timeout_minutes",
            "pipeline.build.test_commands",
            "pipeline.deploy.timeout_minutes",
        ] {
            assert!(err.message.contains(f), "{f}: {}", err.message);
        }
    }
}
