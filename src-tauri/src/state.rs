//! What the app keeps between commands.

use slipway_core::connection::{ConnectionInfo, PracticeStack};
use slipway_core::ErrorBody;
use slipway_docker::CancellationToken;
use slipway_store::Store;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, RwLock};

/// Managed state shared by every command.
pub struct AppState {
    pub store: Arc<Store>,
    pub stack: PracticeStack,
    pub data_dir: PathBuf,
    pub log_dir: PathBuf,
    /// The last connection the person made, with its identity once resolved.
    pub connection: RwLock<Option<ConnectionInfo>>,
    /// Long operations that can be cancelled, by the id the UI gave them.
    pub operations: Operations,
    /// The Docker engine, once reached.
    docker: tokio::sync::Mutex<Option<(bollard::Docker, slipway_docker::EngineInfo)>>,
    /// The AWS connection of the current settings, once opened.
    aws: tokio::sync::Mutex<Option<slipway_aws::Connection>>,
    /// Registry logins (kept in memory only, renewed before they expire).
    pub logins: slipway_engine::push::LoginCache,
    /// Local runs by project folder: the container id.
    pub local_runs: Mutex<HashMap<String, String>>,
    /// Whether the window is shown: watching pauses (no AWS call) while it is hidden.
    pub visible: tokio::sync::watch::Sender<bool>,
    /// The state each pipeline run had at its last look (`pipeline/run` → state), so a run
    /// that ends while followed raises one desktop notification.
    pub run_states: Mutex<HashMap<String, slipway_engine::pipeline::view::NodeState>>,
}

impl AppState {
    /// State over an opened store.
    pub fn new(store: Store, data_dir: PathBuf, log_dir: PathBuf, stack: PracticeStack) -> Self {
        Self {
            store: Arc::new(store),
            stack,
            data_dir,
            log_dir,
            connection: RwLock::new(None),
            operations: Operations::default(),
            docker: tokio::sync::Mutex::new(None),
            aws: tokio::sync::Mutex::new(None),
            logins: slipway_engine::push::LoginCache::default(),
            local_runs: Mutex::new(HashMap::new()),
            visible: tokio::sync::watch::Sender::new(true),
            run_states: Mutex::new(HashMap::new()),
        }
    }

    /// The Docker engine, connecting (again) when there is no live connection.
    pub async fn docker(&self) -> Result<bollard::Docker, ErrorBody> {
        Ok(self.engine().await?.0)
    }

    /// The Docker engine and what it is, connecting (again) when there is no live connection.
    pub async fn engine(&self) -> Result<(bollard::Docker, slipway_docker::EngineInfo), ErrorBody> {
        let mut slot = self.docker.lock().await;
        if let Some((d, info)) = slot.as_ref() {
            if d.ping().await.is_ok() {
                return Ok((d.clone(), info.clone()));
            }
        }
        let found = slipway_docker::connect().await?;
        *slot = Some(found.clone());
        Ok(found)
    }

    /// The AWS connection for the saved profile and region (opened once, reused).
    pub async fn aws(&self) -> Result<slipway_aws::Connection, ErrorBody> {
        let settings = self.store.settings()?;
        let mut slot = self.aws.lock().await;
        if let Some(c) = slot.as_ref() {
            let same_region = settings.region.as_ref().is_none_or(|r| *r == c.region);
            if c.profile == settings.profile && same_region {
                return Ok(c.clone());
            }
        }
        let request = slipway_aws::ConnectRequest {
            profile: settings.profile,
            region: settings.region,
        };
        let conn = slipway_aws::Connection::open(
            &request,
            &aws_types::os_shim_internal::Env::real(),
            &self.stack,
            Arc::clone(&self.store) as _,
        )
        .await?;
        *slot = Some(conn.clone());
        Ok(conn)
    }

    /// Forgets the cached AWS connection (after the person picks another profile or region).
    pub async fn forget_aws(&self) {
        *self.aws.lock().await = None;
    }
}

/// Cancellation tokens of running operations, keyed by the id the UI chose.
#[derive(Default)]
pub struct Operations {
    running: Mutex<HashMap<String, (u64, CancellationToken)>>,
    next: std::sync::atomic::AtomicU64,
}

impl Operations {
    /// Registers an operation (cancelling an older one under the same id); the guard forgets it
    /// when the operation ends.
    pub fn start(&self, id: &str) -> OperationGuard<'_> {
        let token = CancellationToken::new();
        let generation = self.next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        if let Ok(mut map) = self.running.lock() {
            if let Some((_, old)) = map.insert(id.to_string(), (generation, token.clone())) {
                old.cancel();
            }
        }
        OperationGuard {
            ops: self,
            id: id.to_string(),
            generation,
            token,
        }
    }

    /// Cancels an operation; false when none runs under that id.
    pub fn cancel(&self, id: &str) -> bool {
        match self.running.lock().ok().and_then(|mut m| m.remove(id)) {
            Some((_, t)) => {
                t.cancel();
                true
            }
            None => false,
        }
    }

    /// Cancels everything (the app is closing).
    pub fn cancel_all(&self) {
        if let Ok(mut map) = self.running.lock() {
            for (_, (_, t)) in map.drain() {
                t.cancel();
            }
        }
    }
}

/// A running operation; dropping it forgets the operation.
pub struct OperationGuard<'a> {
    ops: &'a Operations,
    id: String,
    generation: u64,
    pub token: CancellationToken,
}

impl Drop for OperationGuard<'_> {
    fn drop(&mut self) {
        if let Ok(mut map) = self.ops.running.lock() {
            // Only forget it if a newer operation did not take the id over.
            if map
                .get(&self.id)
                .is_some_and(|(g, _)| *g == self.generation)
            {
                map.remove(&self.id);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cancel_reaches_the_running_operation_and_a_finished_one_is_forgotten() {
        let ops = Operations::default();
        let op = ops.start("build-1");
        assert!(ops.cancel("build-1"));
        assert!(op.token.is_cancelled());
        drop(op);
        assert!(!ops.cancel("build-1"));
        let first = ops.start("x");
        let second = ops.start("x");
        assert!(
            first.token.is_cancelled(),
            "a new run under the same id replaces the old"
        );
        drop(first);
        assert!(
            ops.cancel("x"),
            "dropping the replaced run keeps the new one"
        );
        assert!(second.token.is_cancelled());
    }
}
