//! The Docker Engine adapter: finds the engine the person has (Docker, Docker Desktop, Podman),
//! and builds, inspects and runs images through its API with bollard. No Docker CLI is involved.

pub mod build;
pub mod container;
pub mod context;
pub mod engine;
pub mod error;
pub mod image;
pub mod probe;
pub mod push;
pub mod registry;
pub mod tarstream;

pub use engine::{connect, EngineInfo, EngineKind};
pub use error::DockerError;
pub use tokio_util::sync::CancellationToken;
