//! Running containers through the Engine API: a one-shot run for tests and tools, and the
//! local run of a project's image with its port published on loopback, its logs followed and
//! a smoke test of its health path. Every container Slipway starts carries its labels, so the
//! app can find and remove them (on request and when it closes).

use crate::probe::{self, ProbeResponse};
use crate::DockerError;
use bollard::models::{ContainerCreateBody, HostConfig, PortBinding};
use bollard::query_parameters::{
    CreateContainerOptionsBuilder, ListContainersOptionsBuilder, LogsOptionsBuilder,
    RemoveContainerOptionsBuilder, WaitContainerOptionsBuilder,
};
use bollard::Docker;
use futures_util::{Stream, StreamExt};
use serde::Serialize;
use std::collections::HashMap;
use std::time::{Duration, Instant};
use tokio_util::sync::CancellationToken;
use ts_rs::TS;

/// Every container Slipway starts has this label.
pub const MANAGED_LABEL: &str = "dev.slipway.managed";
/// The project (app name) a container belongs to.
pub const PROJECT_LABEL: &str = "dev.slipway.project";

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
        labels: Some(HashMap::from([(MANAGED_LABEL.into(), "true".into())])),
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
        let exit_code = wait_exit(docker, &id).await?;
        let (stdout, stderr) = collect_logs(docker, &id).await?;
        Ok(RunOutput {
            exit_code,
            stdout,
            stderr,
        })
    }
    .await;
    remove_quietly(docker, &id).await;
    result
}

async fn wait_exit(docker: &Docker, id: &str) -> Result<i64, DockerError> {
    let wait_opts = WaitContainerOptionsBuilder::default()
        .condition("not-running")
        .build();
    let mut exit_code = 0;
    let mut waits = docker.wait_container(id, Some(wait_opts));
    while let Some(w) = waits.next().await {
        match w {
            Ok(r) => exit_code = r.status_code,
            // bollard reports a non-zero exit as an error carrying the code.
            Err(bollard::errors::Error::DockerContainerWaitError { code, .. }) => exit_code = code,
            Err(e) => return Err(DockerError::Engine(e)),
        }
    }
    Ok(exit_code)
}

async fn collect_logs(docker: &Docker, id: &str) -> Result<(String, String), DockerError> {
    let log_opts = LogsOptionsBuilder::default()
        .stdout(true)
        .stderr(true)
        .build();
    let mut logs = docker.logs(id, Some(log_opts));
    let (mut stdout, mut stderr) = (String::new(), String::new());
    while let Some(chunk) = logs.next().await {
        match chunk.map_err(DockerError::Engine)? {
            bollard::container::LogOutput::StdErr { message } => {
                stderr.push_str(&String::from_utf8_lossy(&message))
            }
            other => stdout.push_str(&String::from_utf8_lossy(&other.into_bytes())),
        }
    }
    Ok((stdout, stderr))
}

async fn remove_quietly(docker: &Docker, id: &str) {
    let rm = RemoveContainerOptionsBuilder::default().force(true).build();
    if let Err(e) = docker.remove_container(id, Some(rm)).await {
        tracing::warn!(container = %id, error = %e, "could not remove container");
    }
}

/// A local run of a project's image.
#[derive(Debug, Clone, Default)]
pub struct RunRequest {
    pub image: String,
    /// The project's app name: names the container and labels it.
    pub project: String,
    /// The port the app listens on inside the container.
    pub container_port: u16,
    /// The port on 127.0.0.1 to publish it on; `None` picks the container port when it is free,
    /// else any free port.
    pub host_port: Option<u16>,
    pub env: Vec<(String, String)>,
}

/// A container started by `start_local`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct LocalContainer {
    pub id: String,
    pub name: String,
    pub image: String,
    pub host_port: u16,
    pub container_port: u16,
    /// `http://127.0.0.1:<host_port>`
    pub url: String,
}

/// The container name of a project's local run (one per project: a new run replaces it).
pub fn local_name(project: &str) -> String {
    format!("slipway-{project}-local")
}

fn port_is_free(port: u16) -> Result<(), String> {
    std::net::TcpListener::bind(("127.0.0.1", port))
        .map(drop)
        .map_err(|e| e.to_string())
}

fn pick_host_port(req: &RunRequest) -> Result<u16, DockerError> {
    match req.host_port {
        Some(port) => port_is_free(port)
            .map(|_| port)
            .map_err(|detail| DockerError::PortInUse { port, detail }),
        None => {
            if port_is_free(req.container_port).is_ok() {
                return Ok(req.container_port);
            }
            let l = std::net::TcpListener::bind(("127.0.0.1", 0)).map_err(|e| {
                DockerError::PortInUse {
                    port: 0,
                    detail: e.to_string(),
                }
            })?;
            let port = l.local_addr().map(|a| a.port()).unwrap_or(0);
            Ok(port)
        }
    }
}

/// Starts the image with its port published on 127.0.0.1 (replacing the project's previous local
/// run). The container is labelled so that `remove_managed` finds it.
pub async fn start_local(docker: &Docker, req: &RunRequest) -> Result<LocalContainer, DockerError> {
    if !crate::image::image_exists(docker, &req.image).await? {
        return Err(DockerError::ImageNotFound {
            image: req.image.clone(),
        });
    }
    let name = local_name(&req.project);
    // A previous run of this project holds the name (and maybe the port): remove it first.
    let rm = RemoveContainerOptionsBuilder::default().force(true).build();
    match docker.remove_container(&name, Some(rm)).await {
        Ok(()) => {}
        Err(bollard::errors::Error::DockerResponseServerError {
            status_code: 404, ..
        }) => {}
        Err(e) => return Err(DockerError::Engine(e)),
    }
    let host_port = pick_host_port(req)?;
    let key = format!("{}/tcp", req.container_port);
    let body = ContainerCreateBody {
        image: Some(req.image.clone()),
        env: Some(req.env.iter().map(|(k, v)| format!("{k}={v}")).collect()),
        exposed_ports: Some(vec![key.clone()]),
        labels: Some(HashMap::from([
            (MANAGED_LABEL.into(), "true".into()),
            (PROJECT_LABEL.into(), req.project.clone()),
        ])),
        host_config: Some(HostConfig {
            port_bindings: Some(HashMap::from([(
                key,
                Some(vec![PortBinding {
                    host_ip: Some("127.0.0.1".into()),
                    host_port: Some(host_port.to_string()),
                }]),
            )])),
            ..Default::default()
        }),
        ..Default::default()
    };
    let created = docker
        .create_container(
            Some(CreateContainerOptionsBuilder::default().name(&name).build()),
            body,
        )
        .await
        .map_err(DockerError::Engine)?;
    if let Err(e) = docker.start_container(&created.id, None).await {
        remove_quietly(docker, &created.id).await;
        let text = e.to_string();
        if text.contains("port is already allocated") || text.contains("address already in use") {
            return Err(DockerError::PortInUse {
                port: host_port,
                detail: text,
            });
        }
        if let Some(missing) = missing_executable(&text) {
            return Err(DockerError::Core(slipway_core::ErrorBody::new(
                slipway_core::ErrorCode::ContainerExited,
                format!("The container could not start: the command `{missing}` is not in the image."),
                format!("Install `{missing}` in the Dockerfile (for Python, add it to requirements.txt), or change CMD/ENTRYPOINT to a program the image has."),
            )));
        }
        return Err(DockerError::Engine(e));
    }
    Ok(LocalContainer {
        id: created.id,
        name,
        image: req.image.clone(),
        host_port,
        container_port: req.container_port,
        url: format!("http://127.0.0.1:{host_port}"),
    })
}

/// The program the engine could not find when starting a container, from its error text
/// (`exec: "gunicorn": executable file not found in $PATH`).
fn missing_executable(text: &str) -> Option<String> {
    let at = text.find("executable file not found")?;
    let before = &text[..at];
    let start = before.rfind("exec: \"")? + 7;
    let name = &before[start..];
    Some(name[..name.find('"')?].to_string())
}

/// One line a container wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct LogLine {
    /// `stdout` or `stderr`.
    pub stream: String,
    pub text: String,
}

/// Follows a container's output from its start, line by line, until it stops.
pub fn follow_logs<'a>(
    docker: &'a Docker,
    id: &'a str,
) -> impl Stream<Item = Result<LogLine, DockerError>> + 'a {
    let opts = LogsOptionsBuilder::default()
        .stdout(true)
        .stderr(true)
        .follow(true)
        .build();
    docker.logs(id, Some(opts)).flat_map(|chunk| {
        let lines: Vec<Result<LogLine, DockerError>> = match chunk {
            Ok(out) => {
                let stream = match &out {
                    bollard::container::LogOutput::StdErr { .. } => "stderr",
                    _ => "stdout",
                };
                String::from_utf8_lossy(&out.into_bytes())
                    .lines()
                    .filter(|l| !l.is_empty())
                    .map(|l| {
                        Ok(LogLine {
                            stream: stream.into(),
                            text: l.to_string(),
                        })
                    })
                    .collect()
            }
            Err(e) => vec![Err(DockerError::Engine(e))],
        };
        futures_util::stream::iter(lines)
    })
}

/// The last `n` lines a container wrote (both streams).
pub async fn last_lines(docker: &Docker, id: &str, n: usize) -> Vec<String> {
    let opts = LogsOptionsBuilder::default()
        .stdout(true)
        .stderr(true)
        .tail(&n.to_string())
        .build();
    let mut out = Vec::new();
    let mut logs = docker.logs(id, Some(opts));
    while let Some(Ok(chunk)) = logs.next().await {
        out.extend(
            String::from_utf8_lossy(&chunk.into_bytes())
                .lines()
                .map(str::to_string),
        );
    }
    let skip = out.len().saturating_sub(n);
    out.split_off(skip)
}

/// The result of probing a local container's health path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct SmokeTest {
    pub passed: bool,
    pub url: String,
    /// The last answer, if the app answered at all.
    pub response: Option<ProbeResponse>,
    pub attempts: u32,
    #[ts(type = "number")]
    pub elapsed_ms: u64,
    /// Why it failed, in a sentence.
    pub failure: Option<String>,
}

/// Probes `url` until it answers 2xx/3xx or `timeout` passes; stops early when the container
/// exits (the error then carries its last log lines) or `cancel` fires.
pub async fn smoke_test(
    docker: &Docker,
    container: &LocalContainer,
    health_path: &str,
    timeout: Duration,
    cancel: &CancellationToken,
    mut on_attempt: impl FnMut(u32, Result<&ProbeResponse, &probe::ProbeError>),
) -> Result<SmokeTest, DockerError> {
    let url = format!("{}{}", container.url, health_path);
    let started = Instant::now();
    let mut attempts = 0;
    let mut last_response = None;
    let mut last_error = None;
    loop {
        if cancel.is_cancelled() {
            return Err(DockerError::Cancelled);
        }
        attempts += 1;
        match probe::get(&url, Duration::from_secs(3)).await {
            Ok(r) => {
                on_attempt(attempts, Ok(&r));
                let ok = (200..400).contains(&r.status);
                last_response = Some(r);
                if ok {
                    return Ok(SmokeTest {
                        passed: true,
                        url,
                        response: last_response,
                        attempts,
                        elapsed_ms: started.elapsed().as_millis() as u64,
                        failure: None,
                    });
                }
            }
            Err(e) => {
                on_attempt(attempts, Err(&e));
                last_error = Some(e.to_string());
            }
        }
        let state = docker
            .inspect_container(&container.id, None)
            .await
            .map_err(DockerError::Engine)?
            .state;
        let running = state.as_ref().and_then(|s| s.running).unwrap_or(false);
        if !running {
            let code = state.and_then(|s| s.exit_code).unwrap_or(-1);
            return Err(DockerError::ContainerExited {
                code,
                last_lines: last_lines(docker, &container.id, 20).await,
            });
        }
        if started.elapsed() >= timeout {
            let failure = match &last_response {
                Some(r) => format!(
                    "{url} answered HTTP {} instead of 2xx/3xx{}",
                    r.status,
                    if r.status == 404 {
                        ": the health path does not exist in the app (check app.health_path)"
                    } else {
                        ""
                    }
                ),
                None => format!(
                    "nothing answered at {url} within {} s ({}): check that the app listens on 0.0.0.0:{} inside the container",
                    timeout.as_secs(),
                    last_error.unwrap_or_default(),
                    container.container_port
                ),
            };
            return Ok(SmokeTest {
                passed: false,
                url,
                response: last_response,
                attempts,
                elapsed_ms: started.elapsed().as_millis() as u64,
                failure: Some(failure),
            });
        }
        tokio::select! {
            _ = cancel.cancelled() => return Err(DockerError::Cancelled),
            _ = tokio::time::sleep(Duration::from_millis(500)) => {}
        }
    }
}

/// Seconds a container gets to stop on SIGTERM before the engine kills it.
pub const STOP_GRACE_SECS: i32 = 5;

/// Stops (5 s grace) and removes a container; one that is already gone is fine.
pub async fn stop_and_remove(docker: &Docker, id: &str) -> Result<(), DockerError> {
    // The grace period stays under the client's request timeout (10 s): an app that ignores
    // SIGTERM (a server running as PID 1 without a handler, which is common) is then killed by
    // the engine instead of the request timing out with the container still running.
    let stop = bollard::query_parameters::StopContainerOptionsBuilder::default()
        .t(STOP_GRACE_SECS)
        .build();
    match docker.stop_container(id, Some(stop)).await {
        Ok(()) => {}
        Err(bollard::errors::Error::DockerResponseServerError {
            status_code: 404, ..
        }) => return Ok(()),
        // Still stopping when the request gave up: the forced removal below kills it.
        Err(bollard::errors::Error::RequestTimeoutError) => {}
        Err(e) => return Err(DockerError::Engine(e)),
    }
    let rm = RemoveContainerOptionsBuilder::default().force(true).build();
    match docker.remove_container(id, Some(rm)).await {
        Ok(())
        | Err(bollard::errors::Error::DockerResponseServerError {
            status_code: 404, ..
        }) => Ok(()),
        Err(e) => Err(DockerError::Engine(e)),
    }
}

/// Removes every container Slipway started (or only a project's); returns how many.
pub async fn remove_managed(docker: &Docker, project: Option<&str>) -> Result<usize, DockerError> {
    let label = match project {
        Some(p) => format!("{PROJECT_LABEL}={p}"),
        None => MANAGED_LABEL.to_string(),
    };
    let opts = ListContainersOptionsBuilder::default()
        .all(true)
        .filters(&HashMap::from([("label", vec![label])]))
        .build();
    let found = docker
        .list_containers(Some(opts))
        .await
        .map_err(DockerError::Engine)?;
    let mut removed = 0;
    for c in found {
        if let Some(id) = c.id {
            remove_quietly(docker, &id).await;
            removed += 1;
        }
    }
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_missing_program_is_named_from_the_engines_error() {
        let text = "failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: \"gunicorn\": executable file not found in $PATH: unknown";
        assert_eq!(missing_executable(text).as_deref(), Some("gunicorn"));
        assert_eq!(missing_executable("something else"), None);
    }
}
