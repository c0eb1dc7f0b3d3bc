//! AWS adapters over the real aws-sdk crates. One `SdkConfig` per connection; in practice mode
//! every client points at the local emulator by endpoint URL. Every call is journaled by one
//! interceptor (see `journal`), which is also where redaction happens.

pub mod connection;
pub mod ec2;
pub mod ecr;
pub mod ecs;
pub mod error;
pub mod health;
pub mod journal;
pub mod metrics;
pub mod practice;
pub mod profiles;
pub mod resources;

pub use connection::{ConnectRequest, Connection};

/// Log targets of the SDK and its HTTP stack whose TRACE output carries secrets: response
/// bodies (an ECR login token), the signed canonical request (a session token). Slipway's
/// binaries cap them at DEBUG whatever `SLIPWAY_LOG` asks for.
pub const WIRE_LOG_TARGETS: &[&str] = &[
    "aws_smithy_runtime",
    "aws_smithy_runtime_api",
    "aws_smithy_http",
    "aws_smithy_http_client",
    "aws_smithy_types",
    "aws_sigv4",
    "aws_config",
    "aws_credential_types",
    "hyper",
    "hyper_util",
    "h2",
    "bollard",
];
pub use error::AwsError;
