//! The one error shape that crosses IPC and the CLI's `--json` output: `{ code, message, hint }`.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A stable, machine-matchable error code. The UI and the tests match on these strings, so a
/// variant is never renamed; new ones are added at the end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// Input from the person (an argument, a form field) is not acceptable.
    InvalidInput,
    /// A folder or file that was named does not exist or cannot be read.
    PathNotFound,
    /// slipway.toml could not be parsed or failed validation.
    SpecInvalid,
    /// The Docker engine does not answer on any known socket.
    DockerUnreachable,
    /// The Docker engine answered with an error.
    DockerFailed,
    /// ~/.aws/config or ~/.aws/credentials could not be parsed.
    AwsConfigInvalid,
    /// The named AWS profile is not defined in the AWS config files.
    AwsProfileNotFound,
    /// The AWS profile uses IAM Identity Center (SSO) and its token is missing or expired.
    AwsSsoLoginRequired,
    /// No credentials could be found for the chosen profile.
    AwsCredentialsMissing,
    /// Credentials were found but AWS rejected them.
    AwsCredentialsInvalid,
    /// No region is set for the chosen profile.
    AwsRegionMissing,
    /// An AWS endpoint could not be reached.
    AwsUnreachable,
    /// An AWS API call failed for another reason.
    AwsCallFailed,
    /// The local practice stack (moto, registry) is not running.
    PracticeStackDown,
    /// The local store (SQLite) could not be opened or written.
    StoreFailed,
    /// Something that should not happen did; the message says what.
    Internal,
    /// The region has no default VPC and none was chosen.
    NoDefaultVpc,
}

impl ErrorCode {
    /// The code as it appears on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::InvalidInput => "invalid_input",
            ErrorCode::PathNotFound => "path_not_found",
            ErrorCode::SpecInvalid => "spec_invalid",
            ErrorCode::DockerUnreachable => "docker_unreachable",
            ErrorCode::DockerFailed => "docker_failed",
            ErrorCode::AwsConfigInvalid => "aws_config_invalid",
            ErrorCode::AwsProfileNotFound => "aws_profile_not_found",
            ErrorCode::AwsSsoLoginRequired => "aws_sso_login_required",
            ErrorCode::AwsCredentialsMissing => "aws_credentials_missing",
            ErrorCode::AwsCredentialsInvalid => "aws_credentials_invalid",
            ErrorCode::AwsRegionMissing => "aws_region_missing",
            ErrorCode::AwsUnreachable => "aws_unreachable",
            ErrorCode::AwsCallFailed => "aws_call_failed",
            ErrorCode::PracticeStackDown => "practice_stack_down",
            ErrorCode::StoreFailed => "store_failed",
            ErrorCode::Internal => "internal",
            ErrorCode::NoDefaultVpc => "no_default_vpc",
        }
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a person (or a script) sees when something fails: a stable code, what went wrong, and
/// what to do next.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, thiserror::Error)]
#[error("{message}")]
pub struct ErrorBody {
    pub code: ErrorCode,
    pub message: String,
    pub hint: String,
}

impl ErrorBody {
    /// Builds an error body; `hint` should say what the person can do about it.
    pub fn new(code: ErrorCode, message: impl Into<String>, hint: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            hint: hint.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_body_serializes_to_the_documented_ipc_shape() {
        let body = ErrorBody::new(
            ErrorCode::DockerUnreachable,
            "No Docker engine answers at /var/run/docker.sock",
            "Start Docker, or set DOCKER_HOST",
        );
        let json = serde_json::to_value(&body).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "code": "docker_unreachable",
                "message": "No Docker engine answers at /var/run/docker.sock",
                "hint": "Start Docker, or set DOCKER_HOST"
            })
        );
    }

    #[test]
    fn every_code_serializes_as_its_as_str() {
        use ErrorCode::*;
        for code in [
            InvalidInput,
            PathNotFound,
            SpecInvalid,
            DockerUnreachable,
            DockerFailed,
            AwsConfigInvalid,
            AwsProfileNotFound,
            AwsSsoLoginRequired,
            AwsCredentialsMissing,
            AwsCredentialsInvalid,
            AwsRegionMissing,
            AwsUnreachable,
            AwsCallFailed,
            PracticeStackDown,
            StoreFailed,
            Internal,
            NoDefaultVpc,
        ] {
            assert_eq!(
                serde_json::to_value(code).unwrap(),
                serde_json::json!(code.as_str())
            );
        }
    }
}
