//! Running containers through the Engine API.

use crate::DockerError;
use bollard::models::ContainerCreateBody;
use bollard::query_parameters::{
    LogsOptionsBuilder, RemoveContainerOptionsBuilder, WaitContainerOptionsBuilder,
};
use bollard::Docker;
use futures_util::StreamExt;

/// What a container that ran to completion left behind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunOutput {
    pub exit_code: i64,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `image` with `cmd` (or its default command), waits for it to exit, collects its output
/// and removes the container, whatever happened.
pub async fn run_to_completion(
    docker: &Docker,
    image: &str,
    cmd: Option<Vec<String>>,
) -> Result<RunOutput, DockerError> {
    let body = ContainerCreateBody {
        image: Some(image.to_string()),
        cmd,
        ..Default::default()
    };
    let created = docker
        .create_container(None, body)
        .await
        .map_err(DockerError::Engine)?;
    let id = created.id;
    let result = async {
        docker
            .start_container(&id, None)
            .await
            .map_err(DockerError::Engine)?;
        let wait_opts = WaitContainerOptionsBuilder::default()
            .condition("not-running")
            .build();
        let mut exit_code = 0;
        let mut waits = docker.wait_container(&id, Some(wait_opts));
        while let Some(w) = waits.next().await {
            match w {
                Ok(r) => exit_code = r.status_code,
                // bollard reports a non-zero exit as an error carrying the code.
                Err(bollard::errors::Error::DockerContainerWaitError { code, .. }) => {
                    exit_code = code
                }
                Err(e) => return Err(DockerError::Engine(e)),
            }
        }
        let log_opts = LogsOptionsBuilder::default()
            .stdout(true)
            .stderr(true)
            .build();
        let mut logs = docker.logs(&id, Some(log_opts));
        let (mut stdout, mut stderr) = (String::new(), String::new());
        while let Some(chunk) = logs.next().await {
            match chunk.map_err(DockerError::Engine)? {
                bollard::container::LogOutput::StdErr { message } => {
                    stderr.push_str(&String::from_utf8_lossy(&message))
                }
                other => stdout.push_str(&String::from_utf8_lossy(&other.into_bytes())),
            }
        }
        Ok(RunOutput {
            exit_code,
            stdout,
            stderr,
        })
    }
    .await;
    let rm = RemoveContainerOptionsBuilder::default().force(true).build();
    if let Err(e) = docker.remove_container(&id, Some(rm)).await {
        tracing::warn!(container = %id, error = %e, "could not remove container");
    }
    result
}
