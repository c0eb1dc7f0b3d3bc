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
pub use error::AwsError;
