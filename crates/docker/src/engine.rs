//! Finding and connecting to a Docker Engine API the way the Docker CLI would: DOCKER_HOST
//! first, then the default socket, Docker Desktop's per-user socket, rootless Docker and Podman.

use crate::DockerError;
use bollard::Docker;
use serde::Serialize;
use std::path::PathBuf;
use ts_rs::TS;

/// Seconds to wait for an engine before giving up on a socket.
const CONNECT_TIMEOUT_SECS: u64 = 10;

/// Which engine answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum EngineKind {
    Docker,
    Podman,
}

/// The engine Slipway is talking to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct EngineInfo {
    /// The address that answered (unix:///var/run/docker.sock, tcp://...).
    pub endpoint: String,
    pub kind: EngineKind,
    pub version: String,
    /// The API version negotiated with the engine.
    pub api_version: String,
    pub os: String,
    pub arch: String,
}

/// The addresses to try, in order. `docker_host` is the value of DOCKER_HOST, if set.
pub fn candidate_endpoints(
    docker_host: Option<&str>,
    home: Option<PathBuf>,
    runtime_dir: Option<PathBuf>,
    uid: Option<u32>,
) -> Vec<String> {
    if let Some(h) = docker_host.map(str::trim).filter(|h| !h.is_empty()) {
        return vec![h.to_string()];
    }
    let mut out = vec!["unix:///var/run/docker.sock".to_string()];
    if let Some(home) = &home {
        out.push(format!(
            "unix://{}",
            home.join(".docker/run/docker.sock").display()
        ));
        out.push(format!(
            "unix://{}",
            home.join(".docker/desktop/docker.sock").display()
        ));
    }
    let runtime_dir = runtime_dir.or_else(|| uid.map(|u| PathBuf::from(format!("/run/user/{u}"))));
    if let Some(rt) = &runtime_dir {
        out.push(format!("unix://{}", rt.join("docker.sock").display()));
        out.push(format!(
            "unix://{}",
            rt.join("podman/podman.sock").display()
        ));
    }
    out.push("unix:///run/podman/podman.sock".to_string());
    out.dedup();
    out
}

fn current_uid() -> Option<u32> {
    // The owner of /proc/self is the current user; avoids a libc dependency for one number.
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        std::fs::metadata("/proc/self").ok().map(|m| m.uid())
    }
    #[cfg(not(unix))]
    {
        None
    }
}

/// Connects to the first engine that answers and negotiates the API version.
pub async fn connect() -> Result<(Docker, EngineInfo), DockerError> {
    let candidates = candidate_endpoints(
        std::env::var("DOCKER_HOST").ok().as_deref(),
        std::env::var_os("HOME").map(PathBuf::from),
        std::env::var_os("XDG_RUNTIME_DIR").map(PathBuf::from),
        current_uid(),
    );
    connect_to_any(&candidates).await
}

/// Connects to the first of `candidates` that answers.
pub async fn connect_to_any(candidates: &[String]) -> Result<(Docker, EngineInfo), DockerError> {
    let mut last_error = None;
    for endpoint in candidates {
        let docker = match open(endpoint) {
            Ok(Some(d)) => d,
            Ok(None) => continue,
            Err(DockerError::BadDockerHost { value }) => {
                return Err(DockerError::BadDockerHost { value })
            }
            Err(_) => continue,
        };
        match probe(docker, endpoint).await {
            Ok(found) => return Ok(found),
            Err(e) => {
                tracing::debug!(%endpoint, error = %e, "engine did not answer");
                last_error = Some(e);
            }
        }
    }
    Err(DockerError::Unreachable {
        tried: candidates.join(", "),
        source: last_error,
    })
}

/// Opens a client for one address without talking to it; `None` when a socket file is absent.
fn open(endpoint: &str) -> Result<Option<Docker>, DockerError> {
    if let Some(path) = endpoint.strip_prefix("unix://") {
        if !std::path::Path::new(path).exists() {
            return Ok(None);
        }
        return Docker::connect_with_unix(path, CONNECT_TIMEOUT_SECS, bollard::API_DEFAULT_VERSION)
            .map(Some)
            .map_err(|_| DockerError::BadDockerHost {
                value: endpoint.into(),
            });
    }
    if endpoint.starts_with("tcp://") || endpoint.starts_with("http://") {
        let url = endpoint.replacen("tcp://", "http://", 1);
        return Docker::connect_with_http(&url, CONNECT_TIMEOUT_SECS, bollard::API_DEFAULT_VERSION)
            .map(Some)
            .map_err(|_| DockerError::BadDockerHost {
                value: endpoint.into(),
            });
    }
    Err(DockerError::BadDockerHost {
        value: endpoint.into(),
    })
}

async fn probe(
    docker: Docker,
    endpoint: &str,
) -> Result<(Docker, EngineInfo), bollard::errors::Error> {
    let docker = docker.negotiate_version().await?;
    let v = docker.version().await?;
    let is_podman = v.components.as_ref().is_some_and(|cs| {
        cs.iter()
            .any(|c| c.name.to_ascii_lowercase().contains("podman"))
    });
    let info = EngineInfo {
        endpoint: endpoint.to_string(),
        kind: if is_podman {
            EngineKind::Podman
        } else {
            EngineKind::Docker
        },
        version: v.version.unwrap_or_default(),
        api_version: docker.client_version().to_string(),
        os: v.os.unwrap_or_default(),
        arch: v.arch.unwrap_or_default(),
    };
    Ok((docker, info))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn docker_host_wins_over_every_default() {
        let c = candidate_endpoints(
            Some("tcp://127.0.0.1:2375"),
            Some("/home/lan".into()),
            None,
            Some(1000),
        );
        assert_eq!(c, vec!["tcp://127.0.0.1:2375"]);
    }

    #[test]
    fn defaults_cover_docker_desktop_rootless_and_podman() {
        let c = candidate_endpoints(None, Some("/home/lan".into()), None, Some(1000));
        assert_eq!(c[0], "unix:///var/run/docker.sock");
        assert!(c.contains(&"unix:///home/lan/.docker/run/docker.sock".to_string()));
        assert!(c.contains(&"unix:///run/user/1000/docker.sock".to_string()));
        assert!(c.contains(&"unix:///run/user/1000/podman/podman.sock".to_string()));
        assert!(c.contains(&"unix:///run/podman/podman.sock".to_string()));
    }

    #[tokio::test]
    async fn unreachable_socket_gives_a_clear_error_with_a_hint() {
        let dir = tempfile::tempdir().unwrap();
        let missing = format!("unix://{}", dir.path().join("nothing.sock").display());
        let err = connect_to_any(std::slice::from_ref(&missing))
            .await
            .unwrap_err();
        let body = slipway_core::ErrorBody::from(&err);
        assert_eq!(body.code, slipway_core::ErrorCode::DockerUnreachable);
        assert!(body.message.contains(&missing));
        assert!(body.hint.contains("DOCKER_HOST"));
    }

    #[tokio::test]
    async fn a_socket_that_is_not_an_engine_is_unreachable_not_a_panic() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("fake.sock");
        let _listener = std::os::unix::net::UnixListener::bind(&path).unwrap();
        drop(_listener); // the file stays, nobody answers
        let err = connect_to_any(&[format!("unix://{}", path.display())])
            .await
            .unwrap_err();
        assert!(matches!(err, DockerError::Unreachable { .. }), "{err:?}");
    }

    #[tokio::test]
    async fn unsupported_docker_host_scheme_is_named() {
        let err = connect_to_any(&["ssh://me@host".to_string()])
            .await
            .unwrap_err();
        let body = slipway_core::ErrorBody::from(&err);
        assert!(body.message.contains("ssh://me@host"), "{}", body.message);
    }
}
