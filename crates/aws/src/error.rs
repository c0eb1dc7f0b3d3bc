//! Errors of the AWS adapters, mapped to the IPC error shape with what to do next.

use slipway_core::{ErrorBody, ErrorCode};

/// What went wrong reaching or using AWS.
#[derive(Debug, thiserror::Error)]
pub enum AwsError {
    #[error("the AWS config files cannot be read: {0}")]
    ConfigInvalid(String),
    #[error("profile '{name}' is not defined")]
    ProfileNotFound { name: String, known: Vec<String> },
    #[error("profile '{profile}' needs an SSO login")]
    SsoLoginRequired { profile: String, detail: String },
    #[error("no credentials for profile '{profile}'")]
    CredentialsMissing { profile: String, detail: String },
    #[error("AWS rejected the credentials of profile '{profile}': {code}")]
    CredentialsInvalid {
        profile: String,
        code: String,
        detail: String,
    },
    #[error("no region is set for profile '{profile}'")]
    RegionMissing { profile: String },
    #[error("'{0}' is not an AWS region name")]
    RegionInvalid(String),
    #[error("cannot reach {endpoint}: {detail}")]
    Unreachable {
        endpoint: String,
        detail: String,
        practice: bool,
    },
    #[error("region {region} has no default VPC")]
    NoDefaultVpc { region: String },
    #[error("{service}.{operation} was not sent: the request budget is spent")]
    BudgetSpent {
        service: &'static str,
        operation: &'static str,
    },
    #[error("{service}.{operation} was denied: {detail}")]
    AccessDenied {
        service: &'static str,
        operation: &'static str,
        detail: String,
    },
    #[error("{service}.{operation} failed: {code}: {detail}")]
    Call {
        service: &'static str,
        operation: &'static str,
        code: String,
        detail: String,
    },
}

impl From<&AwsError> for ErrorBody {
    fn from(e: &AwsError) -> Self {
        use AwsError::*;
        match e {
            ConfigInvalid(detail) => ErrorBody::new(
                ErrorCode::AwsConfigInvalid,
                format!("Your AWS config files cannot be read: {detail}"),
                "Fix the line named above in ~/.aws/config or ~/.aws/credentials (every setting must sit under a [profile name] header), or run `aws configure` to rewrite them.",
            ),
            ProfileNotFound { name, known } => {
                let name = slipway_core::error::clip(name, 64);
                ErrorBody::new(
                ErrorCode::AwsProfileNotFound,
                format!("There is no AWS profile named '{name}'."),
                if known.is_empty() {
                    "No profiles are defined yet: run `aws configure --profile NAME`, or use the built-in practice profile.".to_string()
                } else {
                    format!("Pick one of: {}, or create it with `aws configure --profile {name}`.", known.join(", "))
                },
            )
            }
            SsoLoginRequired { profile, detail } => ErrorBody::new(
                ErrorCode::AwsSsoLoginRequired,
                format!("Profile '{profile}' signs in through IAM Identity Center (SSO) and its session is missing or expired ({detail})."),
                format!("Run `aws sso login --profile {profile}` in a terminal, then connect again."),
            ),
            CredentialsMissing { profile, detail } => ErrorBody::new(
                ErrorCode::AwsCredentialsMissing,
                format!("No AWS credentials were found for profile '{profile}' ({detail})."),
                format!("Run `aws configure --profile {profile}` to add access keys, or choose another profile."),
            ),
            CredentialsInvalid { profile, code, detail } => ErrorBody::new(
                ErrorCode::AwsCredentialsInvalid,
                format!("AWS rejected the credentials of profile '{profile}': {code} ({detail})."),
                "The keys may be deleted, rotated or expired: create new access keys in IAM and run `aws configure` again.",
            ),
            RegionMissing { profile } => ErrorBody::new(
                ErrorCode::AwsRegionMissing,
                format!("No region is set for profile '{profile}'."),
                format!("Choose a region in Settings, or run `aws configure set region ap-southeast-1 --profile {profile}`."),
            ),
            RegionInvalid(region) => ErrorBody::new(
                ErrorCode::InvalidInput,
                format!("'{}' is not an AWS region name.", slipway_core::error::clip(region, 64)),
                "Use a region code such as ap-southeast-1 or us-east-1.",
            ),
            Unreachable { endpoint, detail, practice } => ErrorBody::new(
                if *practice { ErrorCode::PracticeStackDown } else { ErrorCode::AwsUnreachable },
                format!("Cannot reach {endpoint}: {detail}"),
                if *practice {
                    "Start the practice stack with `scripts/practice start` (from the Slipway folder).".to_string()
                } else {
                    "Check your network connection and any proxy settings (HTTPS_PROXY).".to_string()
                },
            ),
            NoDefaultVpc { region } => ErrorBody::new(
                ErrorCode::NoDefaultVpc,
                format!("Region {region} has no default VPC, so there is no ready-made network to put the service in."),
                "Create one with `aws ec2 create-default-vpc`, or pick a VPC and at least two subnets in different zones in the Service step.",
            ),
            BudgetSpent { service, operation } => ErrorBody::new(
                ErrorCode::AwsCallFailed,
                format!("{service} {operation} was not sent: this operation used up its request budget."),
                "Something asked AWS far more often than it should; try again, and if it repeats, the History screen shows the calls.",
            ),
            AccessDenied { service, operation, detail } => ErrorBody::new(
                ErrorCode::AccessDenied,
                format!("AWS denied {service} {operation}: {detail}"),
                format!(
                    "The profile's IAM identity lacks the permission {}:{operation}. Ask your account's administrator to allow it (or attach a policy that does), then try again.",
                    iam_prefix(service)
                ),
            ),
            Call { service, operation, code, detail } => ErrorBody::new(
                ErrorCode::AwsCallFailed,
                format!("{service} {operation} failed: {code}: {detail}"),
                "Read AWS's message above; the History screen lists every call Slipway made.",
            ),
        }
    }
}

/// The IAM action prefix of a service as Slipway names it in calls.
pub fn iam_prefix(service: &str) -> &'static str {
    match service {
        "ECR" => "ecr",
        "ECS" => "ecs",
        "EC2" => "ec2",
        "ELBv2" => "elasticloadbalancing",
        "IAM" => "iam",
        "Logs" => "logs",
        "CloudWatch" => "cloudwatch",
        "S3" => "s3",
        "STS" => "sts",
        "CodeBuild" => "codebuild",
        "CodePipeline" => "codepipeline",
        "AutoScaling" => "application-autoscaling",
        "Tagging" => "tag",
        "CodeConnections" => "codeconnections",
        _ => "unknown",
    }
}

impl From<AwsError> for ErrorBody {
    fn from(e: AwsError) -> Self {
        ErrorBody::from(&e)
    }
}

/// An error and its sources as one line (the SDK nests the useful part several levels deep).
pub fn error_chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut cur = e.source();
    while let Some(s) = cur {
        let msg = s.to_string();
        if !out.contains(&msg) {
            out.push_str(": ");
            out.push_str(&msg);
        }
        cur = s.source();
    }
    out
}

/// The AWS error code of an SDK error, when AWS answered with one.
pub fn code_of<E, R>(err: &aws_smithy_runtime_api::client::result::SdkError<E, R>) -> Option<&str>
where
    E: aws_smithy_types::error::metadata::ProvideErrorMetadata,
{
    use aws_smithy_types::error::metadata::ProvideErrorMetadata;
    err.code()
}

/// AWS's message of an SDK error, when AWS answered with one.
pub fn message_of<E, R>(
    err: &aws_smithy_runtime_api::client::result::SdkError<E, R>,
) -> Option<&str>
where
    E: aws_smithy_types::error::metadata::ProvideErrorMetadata,
{
    use aws_smithy_types::error::metadata::ProvideErrorMetadata;
    err.message()
}

/// Classifies an SDK error of any operation into an `AwsError`.
pub fn classify<E, R>(
    err: aws_smithy_runtime_api::client::result::SdkError<E, R>,
    service: &'static str,
    operation: &'static str,
    profile: &str,
    endpoint: &str,
    practice: bool,
) -> AwsError
where
    E: aws_smithy_types::error::metadata::ProvideErrorMetadata
        + std::error::Error
        + Send
        + Sync
        + 'static,
    R: std::fmt::Debug,
{
    use aws_smithy_runtime_api::client::result::SdkError;
    use aws_smithy_types::error::metadata::ProvideErrorMetadata;
    // The journal interceptor refused the call before it was sent.
    if format!("{err:?}").contains(crate::journal::BUDGET_SPENT) {
        return AwsError::BudgetSpent { service, operation };
    }
    match &err {
        SdkError::DispatchFailure(d) => {
            let detail = if d.is_timeout() {
                "timed out".to_string()
            } else if d.is_io() {
                "connection failed".to_string()
            } else {
                "the request could not be sent".to_string()
            };
            AwsError::Unreachable {
                endpoint: endpoint.to_string(),
                detail,
                practice,
            }
        }
        SdkError::TimeoutError(_) => AwsError::Unreachable {
            endpoint: endpoint.to_string(),
            detail: "timed out".into(),
            practice,
        },
        _ => {
            let code = err.code().unwrap_or("Unknown").to_string();
            let detail = err
                .message()
                .map(str::to_string)
                .unwrap_or_else(|| format!("{err}"));
            const AUTH: &[&str] = &[
                "InvalidClientTokenId",
                "SignatureDoesNotMatch",
                "ExpiredToken",
                "UnrecognizedClientException",
                "AuthFailure",
                "InvalidAccessKeyId",
            ];
            const DENIED: &[&str] = &[
                "AccessDenied",
                "AccessDeniedException",
                "UnauthorizedOperation",
                "UnauthorizedException",
            ];
            if DENIED.contains(&code.as_str()) {
                return AwsError::AccessDenied {
                    service,
                    operation,
                    detail,
                };
            }
            if AUTH.contains(&code.as_str()) {
                AwsError::CredentialsInvalid {
                    profile: profile.to_string(),
                    code,
                    detail,
                }
            } else {
                AwsError::Call {
                    service,
                    operation,
                    code,
                    detail,
                }
            }
        }
    }
}
