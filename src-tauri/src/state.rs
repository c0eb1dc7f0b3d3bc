//! What the app keeps between commands.

use slipway_core::connection::{ConnectionInfo, PracticeStack};
use slipway_store::Store;
use std::path::PathBuf;
use std::sync::{Arc, RwLock};

/// Managed state shared by every command.
pub struct AppState {
    pub store: Arc<Store>,
    pub stack: PracticeStack,
    pub data_dir: PathBuf,
    pub log_dir: PathBuf,
    /// The last connection the person made, with its identity once resolved.
    pub connection: RwLock<Option<ConnectionInfo>>,
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
        }
    }
}
