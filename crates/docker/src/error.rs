//! Errors of the Docker adapter, each mapped to the IPC error shape with a hint.

use slipway_core::{ErrorBody, ErrorCode};

/// What went wrong talking to the Docker Engine.
#[derive(Debug, thiserror::Error)]
pub enum DockerError {
    #[error("no Docker engine answers (tried {tried})")]
    Unreachable {
        tried: String,
        #[source]
        source: Option<bollard::errors::Error>,
    },
    #[error("DOCKER_HOST='{value}' is not a supported address")]
    BadDockerHost { value: String },
    #[error("the Docker engine refused the request: {0}")]
    Engine(#[source] bollard::errors::Error),
    #[error("the build failed: {0}")]
    BuildFailed(String),
    #[error("{}", .0.message)]
    Ignore(slipway_core::ErrorBody),
    #[error("cannot read the build context {path}: {source}")]
    Context {
        path: String,
        #[source]
        source: std::io::Error,
    },
}

impl From<&DockerError> for ErrorBody {
    fn from(e: &DockerError) -> Self {
        match e {
            DockerError::Unreachable { tried, .. } => ErrorBody::new(
                ErrorCode::DockerUnreachable,
                format!("No Docker engine answers. Tried: {tried}."),
                "Start Docker (Linux: `sudo systemctl start docker`; Docker Desktop: open it), or set DOCKER_HOST to the engine's socket, e.g. unix:///run/user/1000/podman/podman.sock.",
            ),
            DockerError::BadDockerHost { value } => ErrorBody::new(
                ErrorCode::DockerUnreachable,
                format!("DOCKER_HOST='{value}' is not an address Slipway can use."),
                "Set DOCKER_HOST to unix:///path/to/docker.sock or tcp://127.0.0.1:2375, or unset it to use the default socket.",
            ),
            DockerError::Engine(source) => ErrorBody::new(
                ErrorCode::DockerFailed,
                format!("The Docker engine refused the request: {source}"),
                "Read the engine's message above; `docker info` shows the engine's state.",
            ),
            DockerError::BuildFailed(msg) => ErrorBody::new(
                ErrorCode::DockerFailed,
                format!("The image build failed: {msg}"),
                "Fix the Dockerfile step named in the message and build again.",
            ),
            DockerError::Ignore(body) => body.clone(),
            DockerError::Context { path, source } => ErrorBody::new(
                ErrorCode::PathNotFound,
                format!("Cannot read the build context {path}: {source}"),
                "Check that the project folder exists and is readable.",
            ),
        }
    }
}

impl From<DockerError> for ErrorBody {
    fn from(e: DockerError) -> Self {
        ErrorBody::from(&e)
    }
}
