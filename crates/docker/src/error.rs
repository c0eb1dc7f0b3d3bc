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
    #[error("the build failed at step {step:?}: {message}")]
    BuildFailed {
        message: String,
        step: Option<u32>,
        line: Option<u32>,
        dockerfile: String,
    },
    /// A problem the domain already describes (a bad .dockerignore, an unparsable Dockerfile).
    #[error("{}", .0.message)]
    Core(slipway_core::ErrorBody),
    #[error("cannot read the build context {path}: {source}")]
    Context {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("no Dockerfile at {path}")]
    DockerfileMissing { path: String },
    #[error("image {image} is not on this machine and could not be pulled: {detail}")]
    BaseImageMissing {
        image: String,
        line: Option<u32>,
        detail: String,
    },
    #[error("image {image} does not exist in the local engine")]
    ImageNotFound { image: String },
    /// The engine stopped answering in the middle of `during` (it crashed, or was restarted).
    #[error("the Docker engine stopped answering during the {during}")]
    EngineLost {
        during: &'static str,
        detail: String,
    },
    #[error("cancelled")]
    Cancelled,
    #[error("port {port} is already in use")]
    PortInUse { port: u16, detail: String },
    #[error("the container exited with code {code}")]
    ContainerExited { code: i64, last_lines: Vec<String> },
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
            DockerError::Engine(source) => engine_error(source),
            DockerError::BuildFailed {
                message,
                step,
                line,
                dockerfile,
            } => {
                let at = match (step, line) {
                    (_, Some(line)) => format!(" at {dockerfile} line {line}"),
                    (Some(step), None) => format!(" at step {step}"),
                    _ => String::new(),
                };
                ErrorBody::new(
                    ErrorCode::BuildFailed,
                    format!("The image build failed{at}: {message}"),
                    "Read the step's log above the error, fix that instruction, and build again (cached steps before it are reused).",
                )
            }
            DockerError::Core(body) => body.clone(),
            DockerError::Context { path, source } => ErrorBody::new(
                ErrorCode::PathNotFound,
                format!("Cannot read the build context {path}: {source}"),
                "Check that the project folder exists and is readable.",
            ),
            DockerError::DockerfileMissing { path } => ErrorBody::new(
                ErrorCode::DockerfileMissing,
                format!("There is no Dockerfile at {path}."),
                "Generate one in the Dockerfile step (or `slipway init`), or set app.dockerfile in slipway.toml to where yours is.",
            ),
            DockerError::BaseImageMissing { image, line, detail } => ErrorBody::new(
                ErrorCode::ImageNotFound,
                format!(
                    "The base image {image}{} is not on this machine and could not be pulled ({detail}).",
                    line.map(|l| format!(" (Dockerfile line {l})")).unwrap_or_default()
                ),
                "Check the image name and tag for typos. If this machine cannot reach a registry, load the image first (`docker load`), or use a base image that is already here (`docker images`).",
            ),
            DockerError::ImageNotFound { image } => ErrorBody::new(
                ErrorCode::ImageNotFound,
                format!("There is no image {image} in the local Docker engine."),
                "Build it first (step 2, or `slipway build`), or check the name and tag with `docker images`.",
            ),
            DockerError::EngineLost { during, detail } => ErrorBody::new(
                ErrorCode::DockerUnreachable,
                format!(
                    "The Docker engine stopped answering during the {during} ({detail}): it crashed or was restarted. Nothing was tagged or sent as finished."
                ),
                match *during {
                    "push" => "Wait until the engine answers again (`docker info`), then push again: layers the registry already has are not sent twice.",
                    _ => "Wait until the engine answers again (`docker info`), then build again: the steps that finished before it stopped are reused from the cache.",
                },
            ),
            DockerError::Cancelled => ErrorBody::new(
                ErrorCode::Cancelled,
                "The operation was cancelled.",
                "Start it again when you are ready; finished work (cached layers) is kept.",
            ),
            DockerError::PortInUse { port, detail } => ErrorBody::new(
                ErrorCode::PortInUse,
                format!("Port {port} on this machine is already in use ({detail})."),
                format!("Stop the program using port {port} (`ss -ltnp | grep :{port}` shows it), or choose another host port."),
            ),
            DockerError::ContainerExited { code, last_lines } => ErrorBody::new(
                ErrorCode::ContainerExited,
                format!(
                    "The container stopped by itself with exit code {code}.{}",
                    if last_lines.is_empty() {
                        String::new()
                    } else {
                        format!(" Its last lines:\n{}", last_lines.join("\n"))
                    }
                ),
                "Read the container's last log lines: usually the app failed to start (a missing module, a wrong command, or a port it cannot bind).",
            ),
        }
    }
}

/// The engine's own error, with its status code turned into advice where one is known.
fn engine_error(source: &bollard::errors::Error) -> ErrorBody {
    use bollard::errors::Error as B;
    match source {
        B::DockerResponseServerError {
            status_code: 404,
            message,
        } => ErrorBody::new(
            ErrorCode::ImageNotFound,
            format!("The Docker engine does not have it: {message}"),
            "Check the name (`docker images`, `docker ps -a`), or build the image first.",
        ),
        B::DockerResponseServerError {
            status_code: 409,
            message,
        } => ErrorBody::new(
            ErrorCode::DockerFailed,
            format!("The Docker engine refused because of a conflict: {message}"),
            "Another container or image has that name: remove it, or let Slipway pick a new name.",
        ),
        _ => ErrorBody::new(
            ErrorCode::DockerFailed,
            format!("The Docker engine refused the request: {source}"),
            "Read the engine's message above; `docker info` shows the engine's state.",
        ),
    }
}

impl From<DockerError> for ErrorBody {
    fn from(e: DockerError) -> Self {
        ErrorBody::from(&e)
    }
}

impl From<slipway_core::ErrorBody> for DockerError {
    fn from(body: slipway_core::ErrorBody) -> Self {
        DockerError::Core(body)
    }
}
