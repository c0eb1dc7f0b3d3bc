//! Building images from a folder through the Engine API (the classic builder's /build).

use crate::DockerError;
use bollard::query_parameters::BuildImageOptionsBuilder;
use bollard::Docker;
use futures_util::StreamExt;
use std::path::Path;

/// One thing the build reported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BuildEvent {
    /// A line of build output (a step, a command's output).
    Line(String),
    /// The image was built; its id.
    Built(String),
}

/// Packs `context_dir` into an uncompressed tar archive, in memory. Symlinks are kept as links.
pub fn pack_context(context_dir: &Path) -> Result<Vec<u8>, DockerError> {
    let mut builder = tar::Builder::new(Vec::new());
    builder.follow_symlinks(false);
    builder
        .append_dir_all(".", context_dir)
        .and_then(|_| builder.into_inner())
        .map_err(|source| DockerError::Context {
            path: context_dir.display().to_string(),
            source,
        })
}

/// Builds `context_dir` with `dockerfile` (relative to it) as `tag`, reporting each line.
pub async fn build_image(
    docker: &Docker,
    context_dir: &Path,
    dockerfile: &str,
    tag: &str,
    mut on_event: impl FnMut(BuildEvent),
) -> Result<String, DockerError> {
    let archive = pack_context(context_dir)?;
    let options = BuildImageOptionsBuilder::default()
        .dockerfile(dockerfile)
        .t(tag)
        .rm(true)
        .forcerm(true)
        .build();
    let mut stream = docker.build_image(options, None, Some(bollard::body_full(archive.into())));
    let mut image_id = None;
    while let Some(item) = stream.next().await {
        let info = item.map_err(|e| match e {
            bollard::errors::Error::DockerStreamError { error } => DockerError::BuildFailed(error),
            other => DockerError::Engine(other),
        })?;
        if let Some(detail) = info.error_detail {
            return Err(DockerError::BuildFailed(
                detail.message.unwrap_or_else(|| "unknown error".into()),
            ));
        }
        if let Some(line) = info.stream {
            let line = line.trim_end();
            if !line.is_empty() {
                on_event(BuildEvent::Line(line.to_string()));
            }
        }
        if let Some(aux) = info.aux.and_then(|a| a.id) {
            image_id = Some(aux);
        }
    }
    let id = match image_id {
        Some(id) => id,
        None => docker
            .inspect_image(tag)
            .await
            .map_err(DockerError::Engine)?
            .id
            .unwrap_or_default(),
    };
    on_event(BuildEvent::Built(id.clone()));
    Ok(id)
}

/// Removes an image by name or id, and its untagged parents.
pub async fn remove_image(docker: &Docker, image: &str) -> Result<(), DockerError> {
    let opts = bollard::query_parameters::RemoveImageOptionsBuilder::default()
        .force(true)
        .build();
    docker
        .remove_image(image, Some(opts), None)
        .await
        .map(|_| ())
        .map_err(DockerError::Engine)
}

/// Whether the engine has an image by this name or id.
pub async fn image_exists(docker: &Docker, image: &str) -> Result<bool, DockerError> {
    match docker.inspect_image(image).await {
        Ok(_) => Ok(true),
        Err(bollard::errors::Error::DockerResponseServerError {
            status_code: 404, ..
        }) => Ok(false),
        Err(e) => Err(DockerError::Engine(e)),
    }
}
