//! The one error shape that crosses IPC and the CLI's `--json` output: `{ code, message, hint }`.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Declares the error codes once: the enum, its wire names and the list of all of them.
macro_rules! error_codes {
    ($($(#[doc = $doc:literal])* $variant:ident => $wire:literal,)*) => {
        /// A stable, machine-matchable error code. The UI and the tests match on these strings,
        /// so a variant is never renamed; new ones are added at the end.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
        pub enum ErrorCode {
            $($(#[doc = $doc])* #[serde(rename = $wire)] $variant,)*
        }

        impl ErrorCode {
            /// Every code, in declaration order.
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant,)*];

            /// The code as it appears on the wire.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(ErrorCode::$variant => $wire,)*
                }
            }
        }
    };
}

error_codes! {
    /// Input from the person (an argument, a form field) is not acceptable.
    InvalidInput => "invalid_input",
    /// A folder or file that was named does not exist or cannot be read.
    PathNotFound => "path_not_found",
    /// slipway.toml could not be parsed or failed validation.
    SpecInvalid => "spec_invalid",
    /// The Docker engine does not answer on any known socket.
    DockerUnreachable => "docker_unreachable",
    /// The Docker engine answered with an error.
    DockerFailed => "docker_failed",
    /// ~/.aws/config or ~/.aws/credentials could not be parsed.
    AwsConfigInvalid => "aws_config_invalid",
    /// The named AWS profile is not defined in the AWS config files.
    AwsProfileNotFound => "aws_profile_not_found",
    /// The AWS profile uses IAM Identity Center (SSO) and its token is missing or expired.
    AwsSsoLoginRequired => "aws_sso_login_required",
    /// No credentials could be found for the chosen profile.
    AwsCredentialsMissing => "aws_credentials_missing",
    /// Credentials were found but AWS rejected them.
    AwsCredentialsInvalid => "aws_credentials_invalid",
    /// No region is set for the chosen profile.
    AwsRegionMissing => "aws_region_missing",
    /// An AWS endpoint could not be reached.
    AwsUnreachable => "aws_unreachable",
    /// An AWS API call failed for another reason.
    AwsCallFailed => "aws_call_failed",
    /// The local practice stack (moto, registry) is not running.
    PracticeStackDown => "practice_stack_down",
    /// The local store (SQLite) could not be opened or written.
    StoreFailed => "store_failed",
    /// Something that should not happen did; the message says what.
    Internal => "internal",
    /// The region has no default VPC and none was chosen.
    NoDefaultVpc => "no_default_vpc",
    /// The Dockerfile does not parse.
    DockerfileInvalid => "dockerfile_invalid",
    /// The project has no Dockerfile where the spec says it is.
    DockerfileMissing => "dockerfile_missing",
    /// An image the operation needs is not in the local engine (and cannot be pulled).
    ImageNotFound => "image_not_found",
    /// The image build failed at a Dockerfile step.
    BuildFailed => "build_failed",
    /// The person (or the app closing) cancelled the operation.
    Cancelled => "cancelled",
    /// The host port asked for is already taken by another program.
    PortInUse => "port_in_use",
    /// The container did not answer on its health path in time, or answered with an error.
    SmokeTestFailed => "smoke_test_failed",
    /// The container stopped on its own while it was expected to run.
    ContainerExited => "container_exited",
    /// A file would be overwritten and the person has not confirmed it.
    WouldOverwrite => "would_overwrite",
    /// The registry refused the login (wrong, expired or missing credentials).
    RegistryAuthFailed => "registry_auth_failed",
    /// The tag is already in a repository whose tags are immutable.
    ImageTagExists => "image_tag_exists",
    /// Pushing the image to the registry failed for another reason.
    PushFailed => "push_failed",
    /// AWS refused the call for lack of an IAM permission (the message names it).
    AccessDenied => "access_denied",
    /// A disk (the engine's or the registry's) is full.
    StorageFull => "storage_full",
    /// buildspec.yml is not valid YAML or misses what CodeBuild and the deploy need.
    BuildspecInvalid => "buildspec_invalid",
    /// imagedefinitions.json names a container the task definition does not have.
    ContainerNameMismatch => "container_name_mismatch",
    /// A CodeConnections connection waits for the person to approve it in the AWS console.
    ConnectionPending => "connection_pending",
    /// The practice emulator does not implement what the operation needs.
    PracticeUnsupported => "practice_unsupported",
    /// The operation needs the step-4 service, which is not deployed.
    ServiceNotDeployed => "service_not_deployed",
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
    /// Builds an error body; `hint` should say what the person can do about it. A message or
    /// hint longer than `MAX_TEXT` characters (one that quotes a pasted megabyte) is cut there,
    /// saying how much was left out.
    pub fn new(code: ErrorCode, message: impl Into<String>, hint: impl Into<String>) -> Self {
        Self {
            code,
            message: bounded(message.into()),
            hint: bounded(hint.into()),
        }
    }
}

/// The longest message or hint an error carries, in characters.
pub const MAX_TEXT: usize = 2000;

fn bounded(text: String) -> String {
    let total = text.chars().count();
    if total <= MAX_TEXT {
        return text;
    }
    let head: String = text.chars().take(MAX_TEXT).collect();
    format!("{head}… ({} more characters not shown)", total - MAX_TEXT)
}

/// What a person typed, for an error message: at most `max` characters, the rest said as a
/// count, and control characters shown escaped (a megabyte or a NUL pasted into a field must
/// not end up in the message as is).
pub fn clip(text: &str, max: usize) -> String {
    let shown: String = text
        .chars()
        .take(max)
        .flat_map(|c| {
            if c.is_control() {
                c.escape_default().collect::<Vec<_>>()
            } else {
                vec![c]
            }
        })
        .collect();
    let total = text.chars().count();
    if total > max {
        format!("{shown}… ({total} characters)")
    } else {
        shown
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_error_quoting_a_megabyte_is_cut_short() {
        let e = ErrorBody::new(ErrorCode::InvalidInput, "x".repeat(1 << 20), "fix it");
        assert!(e.message.chars().count() < MAX_TEXT + 60);
        assert!(
            e.message.ends_with("more characters not shown)"),
            "{}",
            &e.message[MAX_TEXT..]
        );
        assert_eq!(e.hint, "fix it");
    }

    #[test]
    fn typed_text_is_clipped_and_escaped_for_messages() {
        assert_eq!(clip("lab", 64), "lab");
        assert_eq!(clip("a\0b", 64), "a\\u{0}b");
        let long = "x".repeat(1 << 20);
        let c = clip(&long, 64);
        assert!(c.len() < 100, "{c}");
        assert!(c.ends_with("… (1048576 characters)"), "{c}");
    }

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
    fn every_code_serializes_as_its_as_str_and_is_unique() {
        let mut seen = std::collections::HashSet::new();
        for code in ErrorCode::ALL {
            assert_eq!(
                serde_json::to_value(code).unwrap(),
                serde_json::json!(code.as_str())
            );
            assert!(seen.insert(code.as_str()), "{} twice", code.as_str());
            let back: ErrorCode = serde_json::from_value(serde_json::json!(code.as_str())).unwrap();
            assert_eq!(back, *code);
        }
    }
}
