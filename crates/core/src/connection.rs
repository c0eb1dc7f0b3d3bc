//! Connection profiles: the built-in practice profile and the person's AWS profiles.

use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use ts_rs::TS;

/// The name of the built-in profile that points every client at the local practice stack.
pub const PRACTICE_PROFILE: &str = "practice";
/// The region the practice stack pretends to be in.
pub const PRACTICE_REGION: &str = "us-east-1";

/// How an AWS profile gets its credentials, as far as the config files tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ProfileKind {
    /// Slipway's local practice stack (moto and a local registry).
    Practice,
    /// Long-lived keys in the credentials file.
    StaticKeys,
    /// IAM Identity Center (SSO); needs `aws sso login`.
    Sso,
    /// Assumes a role from another profile or a web identity.
    AssumeRole,
    /// Runs a credential_process.
    Process,
    /// Credentials come from environment variables.
    Environment,
    /// Something else (instance metadata, a container, ...).
    Other,
}

/// One profile the person can pick in the connection bar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ProfileSummary {
    pub name: String,
    pub kind: ProfileKind,
    /// The region configured for the profile, if any.
    pub region: Option<String>,
}

/// What the connection bar shows: who we are talking to, where.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ConnectionInfo {
    pub profile: String,
    pub practice: bool,
    pub region: Option<String>,
    /// The AWS account id from STS GetCallerIdentity, once known.
    pub account: Option<String>,
    /// The caller's ARN from STS GetCallerIdentity, once known.
    pub arn: Option<String>,
    /// The endpoint override in force (practice mode), if any.
    pub endpoint: Option<String>,
}

/// Where the local practice stack lives. Values come from the environment or the defaults that
/// `scripts/practice` uses; both sides read the same variables.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PracticeStack {
    /// The moto server: the AWS endpoint URL for every SDK client.
    pub aws_endpoint: String,
    /// host:port of the local registry standing in for ECR's registry endpoint.
    pub registry: String,
    /// The basic-auth user of the local registry.
    pub registry_user: String,
    /// The folder holding the stack's state, logs and the registry password file.
    pub state_dir: PathBuf,
}

impl PracticeStack {
    /// The stack as configured by SLIPWAY_PRACTICE_* variables, with the script's defaults.
    pub fn from_env() -> Self {
        let var = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
        let state_dir = var("SLIPWAY_PRACTICE_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(default_state_dir);
        let moto_port = var("SLIPWAY_MOTO_PORT").unwrap_or_else(|| "4566".into());
        let registry_port = var("SLIPWAY_REGISTRY_PORT").unwrap_or_else(|| "5050".into());
        PracticeStack {
            aws_endpoint: format!("http://127.0.0.1:{moto_port}"),
            registry: format!("127.0.0.1:{registry_port}"),
            registry_user: "slipway".into(),
            state_dir,
        }
    }

    /// The file the practice script writes the registry password to (mode 0600).
    pub fn registry_password_file(&self) -> PathBuf {
        self.state_dir.join("registry").join("password")
    }

    /// The folder holding the stack's log files.
    pub fn log_dir(&self) -> PathBuf {
        self.state_dir.join("logs")
    }

    /// The local registry's log (scripts/practice starts it writing there).
    pub fn registry_log(&self) -> PathBuf {
        self.log_dir().join("registry.log")
    }

    /// Where the local registry keeps its blobs and manifests.
    pub fn registry_data_dir(&self) -> PathBuf {
        self.state_dir.join("registry").join("data")
    }
}

fn default_state_dir() -> PathBuf {
    let base = std::env::var_os("XDG_STATE_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/state")))
        .unwrap_or_else(|| PathBuf::from("/tmp"));
    base.join("slipway").join("practice")
}

/// Validates an AWS region name (`us-east-1`, `ap-southeast-1`, `us-gov-west-1`, `cn-north-1`).
pub fn is_valid_region(region: &str) -> bool {
    let parts: Vec<&str> = region.split('-').collect();
    if parts.len() < 3 || parts.len() > 4 {
        return false;
    }
    let (last, head) = parts.split_last().expect("len checked above");
    last.chars().all(|c| c.is_ascii_digit())
        && !last.is_empty()
        && head
            .iter()
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_lowercase()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_real_region_names() {
        for r in [
            "us-east-1",
            "ap-southeast-1",
            "eu-central-2",
            "us-gov-west-1",
            "cn-north-1",
        ] {
            assert!(is_valid_region(r), "{r} should be valid");
        }
    }

    #[test]
    fn rejects_malformed_region_names() {
        for r in [
            "",
            "us",
            "us-east",
            "US-EAST-1",
            "us-east-1a",
            "us--1",
            "us_east_1",
            "-us-east-1",
        ] {
            assert!(!is_valid_region(r), "{r:?} should be rejected");
        }
    }

    #[test]
    fn practice_stack_reads_its_ports_from_the_environment_layout() {
        let stack = PracticeStack {
            aws_endpoint: "http://127.0.0.1:4566".into(),
            registry: "127.0.0.1:5050".into(),
            registry_user: "slipway".into(),
            state_dir: PathBuf::from("/state"),
        };
        assert_eq!(
            stack.registry_password_file(),
            PathBuf::from("/state/registry/password")
        );
        assert_eq!(stack.log_dir(), PathBuf::from("/state/logs"));
    }
}
