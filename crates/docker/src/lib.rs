//! The Docker Engine adapter: finds the engine the person has (Docker, Docker Desktop, Podman),
//! and builds and runs images through its API with bollard. No Docker CLI is involved.

pub mod container;
pub mod context;
pub mod engine;
pub mod error;
pub mod image;

pub use engine::{connect, EngineInfo, EngineKind};
pub use error::DockerError;
