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

/// Bytes of tar handed to the engine at a time; with the channel's depth this bounds memory.
const CHUNK: usize = 256 * 1024;
const CHUNKS_IN_FLIGHT: usize = 8;

/// A `Write` that sends full chunks down a bounded channel (blocking when the engine lags).
struct ChunkWriter {
    tx: tokio::sync::mpsc::Sender<Result<bytes::Bytes, std::io::Error>>,
    buf: Vec<u8>,
}

impl ChunkWriter {
    fn flush_chunk(&mut self) -> std::io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let chunk = bytes::Bytes::from(std::mem::replace(&mut self.buf, Vec::with_capacity(CHUNK)));
        self.tx.blocking_send(Ok(chunk)).map_err(|_| {
            std::io::Error::new(
                std::io::ErrorKind::BrokenPipe,
                "the engine stopped reading the context",
            )
        })
    }
}

impl std::io::Write for ChunkWriter {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.buf.extend_from_slice(data);
        if self.buf.len() >= CHUNK {
            self.flush_chunk()?;
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.flush_chunk()
    }
}

/// Streams the context of `context_dir` as a tar archive while walking it: `.dockerignore`
/// applied, memory bounded by a few chunks whatever the size of the context.
pub fn stream_context(
    context_dir: &Path,
    dockerfile: &str,
) -> Result<tokio_stream::wrappers::ReceiverStream<Result<bytes::Bytes, std::io::Error>>, DockerError>
{
    let entries = crate::context::context_entries(context_dir, dockerfile)?;
    let (tx, rx) = tokio::sync::mpsc::channel(CHUNKS_IN_FLIGHT);
    let root = context_dir.to_path_buf();
    tokio::task::spawn_blocking(move || {
        let err_tx = tx.clone();
        let mut builder = tar::Builder::new(ChunkWriter {
            tx,
            buf: Vec::with_capacity(CHUNK),
        });
        builder.follow_symlinks(false);
        let result = (|| {
            for e in &entries {
                builder.append_path_with_name(root.join(&e.path), &e.path)?;
            }
            builder.finish()?;
            builder.get_mut().flush_chunk()
        })();
        if let Err(e) = result {
            let _ = err_tx.blocking_send(Err(e));
        }
    });
    Ok(tokio_stream::wrappers::ReceiverStream::new(rx))
}

/// Builds `context_dir` with `dockerfile` (relative to it) as `tag`, reporting each line.
pub async fn build_image(
    docker: &Docker,
    context_dir: &Path,
    dockerfile: &str,
    tag: &str,
    mut on_event: impl FnMut(BuildEvent),
) -> Result<String, DockerError> {
    let context = stream_context(context_dir, dockerfile)?;
    let options = BuildImageOptionsBuilder::default()
        .dockerfile(dockerfile)
        .t(tag)
        .rm(true)
        .forcerm(true)
        .build();
    let mut stream = docker.build_image(options, None, Some(bollard::body_try_stream(context)));
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
