//! Step 2, building and running a project's image locally: tags from the project's tag policy,
//! the build through the engine with every step reported, and the local run whose smoke test is
//! the gate before pushing.

use bollard::Docker;
use slipway_core::build::BuildEvent;
use slipway_core::spec::{ProjectSpec, TagPolicy};
use slipway_core::ErrorBody;
use slipway_docker::build::{build, BuildRequest, BuiltImage};
use slipway_docker::container::{smoke_test, start_local, LocalContainer, RunRequest, SmokeTest};
use slipway_docker::probe::{ProbeError, ProbeResponse};
use slipway_docker::CancellationToken;
use std::collections::HashMap;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

/// The tag a build of `dir` gets under `policy`: the short git SHA (suffixed with the time when
/// the work tree has uncommitted changes, so immutable registries never see two builds under
/// one tag), or a UTC timestamp.
pub fn tag_for(dir: &Path, policy: TagPolicy) -> String {
    let stamp = timestamp();
    if policy == TagPolicy::Timestamp {
        return stamp;
    }
    let git = |args: &[&str]| {
        Command::new("git")
            .arg("-C")
            .arg(dir)
            .args(args)
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
    };
    match git(&["rev-parse", "--short=7", "HEAD"]) {
        Some(sha) if !sha.is_empty() => {
            let dirty = git(&["status", "--porcelain", "--untracked-files=no"])
                .is_some_and(|s| !s.is_empty());
            if dirty {
                format!("{sha}-dirty-{stamp}")
            } else {
                sha
            }
        }
        _ => stamp,
    }
}

fn timestamp() -> String {
    let now = time::OffsetDateTime::now_utc();
    let fmt = time::macros::format_description!("[year][month][day]-[hour][minute][second]");
    now.format(&fmt).unwrap_or_else(|_| "build".into())
}

/// The local image name of a project (its tags are `<name>:<tag>` and `<name>:latest`).
pub fn local_repository(spec: &ProjectSpec) -> String {
    spec.app.name.clone()
}

/// Options of one build.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// Overrides the spec's platform.
    pub platform: Option<String>,
    pub no_cache: bool,
    /// Overrides the tag policy (e.g. a tag the person typed).
    pub tag: Option<String>,
}

/// Builds the project in `dir` as `<name>:<tag>` and `<name>:latest`.
pub async fn build_project(
    docker: &Docker,
    dir: &Path,
    spec: &ProjectSpec,
    options: &BuildOptions,
    cancel: &CancellationToken,
    on_event: impl FnMut(BuildEvent),
) -> Result<BuiltImage, ErrorBody> {
    let repo = local_repository(spec);
    let tag = options
        .tag
        .clone()
        .unwrap_or_else(|| tag_for(dir, spec.image.tag_policy));
    let context_dir = dir.join(&spec.app.path);
    let request = BuildRequest {
        context_dir,
        dockerfile: spec.app.dockerfile.clone(),
        tags: vec![format!("{repo}:{tag}"), format!("{repo}:latest")],
        platform: Some(
            options
                .platform
                .clone()
                .unwrap_or_else(|| spec.image.platform.clone()),
        ),
        // No labels: the classic builder would add a LABEL step that is not in the Dockerfile.
        labels: HashMap::new(),
        build_args: HashMap::new(),
        no_cache: options.no_cache,
    };
    build(docker, &request, cancel, on_event)
        .await
        .map_err(ErrorBody::from)
}

/// One local build of the project, as the push step offers it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
pub struct LocalBuild {
    /// `<name>:<tag>`
    pub reference: String,
    pub tag: String,
    pub id: String,
    #[ts(type = "number")]
    pub size: i64,
    #[ts(type = "number")]
    pub created_s: i64,
    /// Whether `<name>:latest` points at this build.
    pub latest: bool,
}

/// The project's local builds (its tags other than `latest`), newest first.
pub async fn local_builds(
    docker: &Docker,
    spec: &ProjectSpec,
) -> Result<Vec<LocalBuild>, ErrorBody> {
    let repo = local_repository(spec);
    let opts = bollard::query_parameters::ListImagesOptionsBuilder::default()
        .filters(&HashMap::from([("reference", vec![repo.clone()])]))
        .build();
    let images = docker
        .list_images(Some(opts))
        .await
        .map_err(|e| ErrorBody::from(slipway_docker::DockerError::Engine(e)))?;
    let mut out = Vec::new();
    for img in images {
        let latest = img.repo_tags.iter().any(|t| *t == format!("{repo}:latest"));
        for t in &img.repo_tags {
            let Some(tag) = t.strip_prefix(&format!("{repo}:")) else {
                continue;
            };
            if tag == "latest" {
                continue;
            }
            out.push(LocalBuild {
                reference: t.clone(),
                tag: tag.to_string(),
                id: img.id.clone(),
                size: img.size,
                created_s: img.created,
                latest,
            });
        }
    }
    out.sort_by(|a, b| b.created_s.cmp(&a.created_s).then(b.tag.cmp(&a.tag)));
    Ok(out)
}

/// What a local run reports while it starts, is probed and runs.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RunEvent {
    /// The container is up, published at `container.url`.
    Started { container: LocalContainer },
    /// One try of the health path: the status it answered, or why nothing did.
    Probe {
        attempt: u32,
        status: Option<u16>,
        error: Option<String>,
    },
    /// The smoke test's verdict.
    Smoke { result: SmokeTest },
    /// A line the app wrote.
    Log {
        line: slipway_docker::container::LogLine,
    },
    /// The container stopped (by request, or by itself).
    Stopped { code: Option<i64> },
}

/// Starts `image` for the project with its port on loopback, and smoke-tests the health path.
/// The container keeps running after a passing test (the person looks at it, then stops it).
pub async fn run_and_smoke_test(
    docker: &Docker,
    spec: &ProjectSpec,
    image: &str,
    host_port: Option<u16>,
    timeout: Duration,
    cancel: &CancellationToken,
    on_attempt: impl FnMut(u32, Result<&ProbeResponse, &ProbeError>),
) -> Result<(LocalContainer, SmokeTest), ErrorBody> {
    let container = start_local(
        docker,
        &RunRequest {
            image: image.to_string(),
            project: spec.app.name.clone(),
            container_port: spec.app.port,
            host_port,
            env: vec![("PORT".into(), spec.app.port.to_string())],
        },
    )
    .await?;
    let result = smoke_test(
        docker,
        &container,
        &spec.app.health_path,
        timeout,
        cancel,
        on_attempt,
    )
    .await;
    match result {
        Ok(test) => Ok((container, test)),
        Err(e) => {
            // A container that crashed or a cancelled test leaves nothing running.
            let _ = slipway_docker::container::stop_and_remove(docker, &container.id).await;
            Err(e.into())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outside_git_the_tag_is_a_timestamp() {
        let dir = tempfile::tempdir().unwrap();
        let tag = tag_for(dir.path(), TagPolicy::GitSha);
        assert_eq!(tag.len(), 15, "{tag}");
        assert!(tag.chars().all(|c| c.is_ascii_digit() || c == '-'));
    }

    #[test]
    fn in_git_the_tag_is_the_short_sha_and_dirty_trees_get_a_suffix() {
        let dir = tempfile::tempdir().unwrap();
        let git = |args: &[&str]| {
            assert!(Command::new("git")
                .arg("-C")
                .arg(dir.path())
                .args(args)
                .output()
                .unwrap()
                .status
                .success());
        };
        git(&["init", "-q"]);
        std::fs::write(dir.path().join("a.txt"), "1").unwrap();
        git(&["add", "a.txt"]);
        git(&[
            "-c",
            "user.email=t@example.com",
            "-c",
            "user.name=t",
            "commit",
            "-qm",
            "one",
        ]);
        let clean = tag_for(dir.path(), TagPolicy::GitSha);
        assert_eq!(clean.len(), 7, "{clean}");
        std::fs::write(dir.path().join("a.txt"), "2").unwrap();
        let dirty = tag_for(dir.path(), TagPolicy::GitSha);
        assert!(dirty.starts_with(&format!("{clean}-dirty-")), "{dirty}");
        assert_eq!(tag_for(dir.path(), TagPolicy::Timestamp).len(), 15);
    }
}
