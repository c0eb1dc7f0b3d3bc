//! The build context as a tar stream, written while the folder is walked: memory is bounded by
//! a few chunks in flight, whatever the size of the context.

use crate::context::{ContextSummary, ContextTally, ContextWalker};
use crate::DockerError;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// Bytes of tar handed to the engine at a time; with the channel's depth this bounds memory.
const CHUNK: usize = 256 * 1024;
const CHUNKS_IN_FLIGHT: usize = 8;

/// A `Write` that sends full chunks down a bounded channel (blocking when the engine lags).
struct ChunkWriter {
    tx: tokio::sync::mpsc::Sender<Result<bytes::Bytes, std::io::Error>>,
    buf: Vec<u8>,
    sent: Arc<AtomicU64>,
}

impl ChunkWriter {
    fn flush_chunk(&mut self) -> std::io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let chunk = bytes::Bytes::from(std::mem::replace(&mut self.buf, Vec::with_capacity(CHUNK)));
        let len = chunk.len() as u64;
        self.tx.blocking_send(Ok(chunk)).map_err(|_| {
            std::io::Error::new(
                std::io::ErrorKind::BrokenPipe,
                "the engine stopped reading the context",
            )
        })?;
        self.sent.fetch_add(len, Ordering::Relaxed);
        Ok(())
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

/// Live counters of a context being streamed, readable from any task.
#[derive(Debug, Clone, Default)]
pub struct ContextProgress {
    files: Arc<AtomicU64>,
    bytes_sent: Arc<AtomicU64>,
    tally: Arc<Mutex<Option<ContextSummary>>>,
}

impl ContextProgress {
    /// Files put in the archive so far.
    pub fn files(&self) -> u64 {
        self.files.load(Ordering::Relaxed)
    }

    /// Bytes of tar handed to the engine so far.
    pub fn bytes_sent(&self) -> u64 {
        self.bytes_sent.load(Ordering::Relaxed)
    }

    /// What the whole context weighed, once the archive is complete.
    pub fn summary(&self) -> Option<ContextSummary> {
        self.tally.lock().ok().and_then(|t| t.clone())
    }
}

/// The stream of tar chunks the engine reads.
pub type ContextStream =
    tokio_stream::wrappers::ReceiverStream<Result<bytes::Bytes, std::io::Error>>;

/// Streams the context of `context_dir` as a tar archive while walking it (`.dockerignore`
/// applied). Errors while walking end the stream with that error.
pub fn stream_context(
    context_dir: &Path,
    dockerfile: &str,
) -> Result<(ContextStream, ContextProgress), DockerError> {
    let walker = ContextWalker::new(context_dir, dockerfile)?;
    let (tx, rx) = tokio::sync::mpsc::channel(CHUNKS_IN_FLIGHT);
    let progress = ContextProgress::default();
    let p = progress.clone();
    tokio::task::spawn_blocking(move || {
        let err_tx = tx.clone();
        let root = walker.root().to_path_buf();
        let mut tally = ContextTally::default();
        let mut builder = tar::Builder::new(ChunkWriter {
            tx,
            buf: Vec::with_capacity(CHUNK),
            sent: p.bytes_sent.clone(),
        });
        builder.follow_symlinks(false);
        let result = (|| {
            for entry in walker {
                let entry = entry.map_err(|e| std::io::Error::other(e.to_string()))?;
                builder.append_path_with_name(root.join(&entry.path), &entry.path)?;
                tally.add(&entry);
                if !entry.is_dir {
                    p.files.fetch_add(1, Ordering::Relaxed);
                }
            }
            builder.finish()?;
            builder.get_mut().flush_chunk()
        })();
        if let Ok(mut slot) = p.tally.lock() {
            *slot = Some(tally.summary());
        }
        if let Err(e) = result {
            let _ = err_tx.blocking_send(Err(e));
        }
    });
    Ok((tokio_stream::wrappers::ReceiverStream::new(rx), progress))
}
