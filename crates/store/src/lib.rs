//! Slipway's local store: one SQLite file in the platform's app-data folder holding projects,
//! settings, runs, the journal of every AWS call, owned resources and events.
//! Schema changes are numbered migrations applied at open (PRAGMA user_version).

mod migrations;

use rusqlite::{params, Connection, OptionalExtension};
use slipway_core::journal::{
    CallJournal, CallOutcome, CallRecord, OwnedResource, RunLog, RunSummary, StepRecord,
};
use slipway_core::project::ProjectSummary;
use slipway_core::settings::Settings;
use slipway_core::{ErrorBody, ErrorCode};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The store file's name inside the app-data folder.
pub const STORE_FILE: &str = "slipway.sqlite3";

/// What went wrong with the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot open the store at {path}: {source}")]
    Open {
        path: String,
        #[source]
        source: rusqlite::Error,
    },
    #[error("cannot create the folder {path}: {source}")]
    Folder {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("the store was written by a newer Slipway (schema {found}, this one knows {known})")]
    TooNew { found: i64, known: i64 },
    #[error("store query failed: {0}")]
    Query(#[from] rusqlite::Error),
    #[error("stored settings are unreadable: {0}")]
    Settings(#[from] serde_json::Error),
}

impl From<&StoreError> for ErrorBody {
    fn from(e: &StoreError) -> Self {
        let hint = match e {
            StoreError::TooNew { .. } => "Update Slipway to the latest version, or open it with a different data folder (SLIPWAY_DATA_DIR).",
            StoreError::Folder { .. } | StoreError::Open { .. } => "Check that the app-data folder exists, is writable and that the disk is not full.",
            _ => "Try again; if it keeps failing, the store file may be damaged: move it aside and Slipway starts a new one.",
        };
        ErrorBody::new(ErrorCode::StoreFailed, e.to_string(), hint)
    }
}

impl From<StoreError> for ErrorBody {
    fn from(e: StoreError) -> Self {
        ErrorBody::from(&e)
    }
}

/// The store. Safe to share between threads; each call takes the connection briefly.
#[derive(Debug)]
pub struct Store {
    conn: Mutex<Connection>,
    path: Option<PathBuf>,
}

impl Store {
    /// Opens (creating if needed) the store file in `dir` and brings its schema up to date.
    pub fn open_in(dir: &Path) -> Result<Self, StoreError> {
        std::fs::create_dir_all(dir).map_err(|source| StoreError::Folder {
            path: dir.display().to_string(),
            source,
        })?;
        let path = dir.join(STORE_FILE);
        let conn = Connection::open(&path).map_err(|source| StoreError::Open {
            path: path.display().to_string(),
            source,
        })?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        Self::ready(conn, Some(path))
    }

    /// A store that lives in memory, for tests.
    pub fn open_in_memory() -> Result<Self, StoreError> {
        Self::ready(Connection::open_in_memory()?, None)
    }

    fn ready(mut conn: Connection, path: Option<PathBuf>) -> Result<Self, StoreError> {
        migrations::migrate(&mut conn)?;
        Ok(Self {
            conn: Mutex::new(conn),
            path,
        })
    }

    /// The file behind the store, if it is not in memory.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    fn with<T>(
        &self,
        f: impl FnOnce(&Connection) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        // A panic while holding the lock cannot leave SQLite half-written (each call is one
        // statement or one transaction), so a poisoned lock is safe to reuse.
        let guard = self.conn.lock().unwrap_or_else(|p| p.into_inner());
        f(&guard)
    }

    /// The schema version in force.
    pub fn schema_version(&self) -> Result<i64, StoreError> {
        self.with(|c| Ok(c.pragma_query_value(None, "user_version", |r| r.get(0))?))
    }

    /// Records that a project was opened now (insert or refresh).
    pub fn touch_project(&self, p: &ProjectSummary) -> Result<(), StoreError> {
        self.with(|c| {
            c.execute(
                "INSERT INTO projects (path, name, last_opened_ms, has_spec) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT(path) DO UPDATE SET name = excluded.name, last_opened_ms = excluded.last_opened_ms, has_spec = excluded.has_spec",
                params![p.path, p.name, p.last_opened_ms, p.has_spec],
            )?;
            Ok(())
        })
    }

    /// The most recently opened projects, newest first.
    pub fn recent_projects(&self, limit: u32) -> Result<Vec<ProjectSummary>, StoreError> {
        self.with(|c| {
            let mut stmt = c.prepare("SELECT path, name, last_opened_ms, has_spec FROM projects ORDER BY last_opened_ms DESC, path LIMIT ?1")?;
            let rows = stmt.query_map([limit], |r| {
                Ok(ProjectSummary { path: r.get(0)?, name: r.get(1)?, last_opened_ms: r.get(2)?, has_spec: r.get(3)? })
            })?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
    }

    /// Removes a project from the recent list (its files are not touched).
    pub fn forget_project(&self, path: &str) -> Result<bool, StoreError> {
        self.with(|c| Ok(c.execute("DELETE FROM projects WHERE path = ?1", [path])? > 0))
    }

    /// The saved settings, or the defaults when none were saved.
    pub fn settings(&self) -> Result<Settings, StoreError> {
        self.with(|c| {
            let raw: Option<String> = c
                .query_row(
                    "SELECT value FROM settings WHERE key = 'settings'",
                    [],
                    |r| r.get(0),
                )
                .optional()?;
            Ok(match raw {
                Some(json) => serde_json::from_str(&json)?,
                None => Settings::default(),
            })
        })
    }

    /// Saves the settings.
    pub fn save_settings(&self, s: &Settings) -> Result<(), StoreError> {
        let json = serde_json::to_string(s)?;
        self.with(|c| {
            c.execute("INSERT INTO settings (key, value) VALUES ('settings', ?1) ON CONFLICT(key) DO UPDATE SET value = excluded.value", [json])?;
            Ok(())
        })
    }

    /// Appends one AWS call to the journal.
    pub fn append_call(&self, call: &CallRecord) -> Result<(), StoreError> {
        let outcome = serde_json::to_value(call.outcome)?
            .as_str()
            .unwrap_or("client_error")
            .to_string();
        self.with(|c| {
            c.execute(
                "INSERT INTO journal (profile, service, operation, params, started_ms, duration_ms, outcome, http_status, error_code, request_id)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                params![call.profile, call.service, call.operation, call.params, call.started_ms, call.duration_ms, outcome, call.http_status, call.error_code, call.request_id],
            )?;
            Ok(())
        })
    }

    /// The latest journal entries, newest first.
    pub fn recent_calls(&self, limit: u32) -> Result<Vec<CallRecord>, StoreError> {
        self.with(|c| {
            let mut stmt = c.prepare(
                "SELECT profile, service, operation, params, started_ms, duration_ms, outcome, http_status, error_code, request_id
                 FROM journal ORDER BY id DESC LIMIT ?1",
            )?;
            let rows = stmt.query_map([limit], |r| {
                let outcome: String = r.get(6)?;
                Ok(CallRecord {
                    profile: r.get(0)?,
                    service: r.get(1)?,
                    operation: r.get(2)?,
                    params: r.get(3)?,
                    started_ms: r.get(4)?,
                    duration_ms: r.get(5)?,
                    outcome: serde_json::from_value(serde_json::Value::String(outcome)).unwrap_or(CallOutcome::ClientError),
                    http_status: r.get(7)?,
                    error_code: r.get(8)?,
                    request_id: r.get(9)?,
                })
            })?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
    }
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

impl Store {
    /// Records a lab step's latest check for a project (replacing the previous one).
    pub fn save_lab_check(
        &self,
        project: &str,
        lab: &str,
        step: &str,
        result: &slipway_core::labs::CheckResult,
    ) -> Result<(), StoreError> {
        let status = serde_json::to_value(result.status)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        let evidence = serde_json::to_string(&result.evidence).unwrap_or_else(|_| "[]".into());
        self.with(|c| {
            c.execute(
                "INSERT INTO lab_checks (project_path, lab, step, status, summary, evidence, at_ms)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                 ON CONFLICT (project_path, lab, step) DO UPDATE SET
                   status = excluded.status, summary = excluded.summary,
                   evidence = excluded.evidence, at_ms = excluded.at_ms",
                params![
                    project,
                    lab,
                    step,
                    status,
                    result.summary,
                    evidence,
                    result.at_ms
                ],
            )?;
            Ok(())
        })
    }

    /// A project's latest check of each step of a lab, by step id.
    pub fn lab_checks(
        &self,
        project: &str,
        lab: &str,
    ) -> Result<Vec<(String, slipway_core::labs::CheckResult)>, StoreError> {
        self.with(|c| {
            let mut stmt = c.prepare(
                "SELECT step, status, summary, evidence, at_ms FROM lab_checks
                 WHERE project_path = ?1 AND lab = ?2",
            )?;
            let rows = stmt.query_map(params![project, lab], |r| {
                let status: String = r.get(1)?;
                let evidence: String = r.get(3)?;
                Ok((
                    r.get::<_, String>(0)?,
                    slipway_core::labs::CheckResult {
                        status: serde_json::from_value(serde_json::Value::String(status))
                            .unwrap_or(slipway_core::labs::LabStatus::NotYet),
                        summary: r.get(2)?,
                        evidence: serde_json::from_str(&evidence).unwrap_or_default(),
                        at_ms: r.get(4)?,
                    },
                ))
            })?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
    }

    /// The steps of a run, in order.
    pub fn run_steps(&self, run_id: i64) -> Result<Vec<StepRecord>, StoreError> {
        self.with(|c| {
            let mut stmt = c.prepare(
                "SELECT run_id, key, action, status, resource_id, error, started_ms, finished_ms
                 FROM run_steps WHERE run_id = ?1 ORDER BY id",
            )?;
            let rows = stmt.query_map([run_id], |r| {
                Ok(StepRecord {
                    run_id: r.get(0)?,
                    key: r.get(1)?,
                    action: r.get(2)?,
                    status: r.get(3)?,
                    resource_id: r.get(4)?,
                    error: r.get(5)?,
                    started_ms: r.get(6)?,
                    finished_ms: r.get(7)?,
                })
            })?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
    }

    /// Runs of a project, newest first.
    pub fn runs_of(&self, project: &str, limit: u32) -> Result<Vec<RunSummary>, StoreError> {
        self.with(|c| {
            let mut stmt = c.prepare(
                "SELECT id, kind, status, started_ms, finished_ms FROM runs WHERE project = ?1 ORDER BY id DESC LIMIT ?2",
            )?;
            let rows = stmt.query_map(params![project, limit], |r| {
                Ok(RunSummary {
                    id: r.get(0)?,
                    kind: r.get(1)?,
                    status: r.get(2)?,
                    started_ms: r.get(3)?,
                    finished_ms: r.get(4)?,
                })
            })?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
    }

    fn log_failure(&self, what: &str, e: StoreError) {
        tracing::warn!(error = %e, "could not record {what} in the run log");
    }
}

impl RunLog for Store {
    fn begin_run(&self, project: &str, kind: &str) -> i64 {
        let result = self.with(|c| {
            c.execute(
                "INSERT INTO runs (project_path, project, kind, started_ms, status) VALUES (NULL, ?1, ?2, ?3, 'running')",
                params![project, kind, now_ms()],
            )?;
            Ok(c.last_insert_rowid())
        });
        result.unwrap_or_else(|e| {
            self.log_failure("a run", e);
            0
        })
    }

    fn end_run(&self, run_id: i64, status: &str) {
        if let Err(e) = self.with(|c| {
            c.execute(
                "UPDATE runs SET status = ?1, finished_ms = ?2 WHERE id = ?3",
                params![status, now_ms(), run_id],
            )?;
            Ok(())
        }) {
            self.log_failure("the end of a run", e);
        }
    }

    fn step_started(&self, run_id: i64, key: &str, action: &str) {
        if let Err(e) = self.with(|c| {
            c.execute(
                "INSERT INTO run_steps (run_id, key, action, status, started_ms) VALUES (?1, ?2, ?3, 'started', ?4)",
                params![run_id, key, action, now_ms()],
            )?;
            Ok(())
        }) {
            self.log_failure("a step", e);
        }
    }

    fn step_finished(
        &self,
        run_id: i64,
        key: &str,
        status: &str,
        resource_id: Option<&str>,
        error: Option<&str>,
    ) {
        if let Err(e) = self.with(|c| {
            c.execute(
                "UPDATE run_steps SET status = ?1, resource_id = ?2, error = ?3, finished_ms = ?4
                 WHERE id = (SELECT max(id) FROM run_steps WHERE run_id = ?5 AND key = ?6 AND status = 'started')",
                params![status, resource_id, error, now_ms(), run_id, key],
            )?;
            Ok(())
        }) {
            self.log_failure("a step's end", e);
        }
    }

    fn owned(&self, r: &OwnedResource) {
        if let Err(e) = self.with(|c| {
            // One resource per key: an older one under the key (a replaced resource, an earlier
            // task definition revision) is superseded.
            c.execute(
                "UPDATE resources SET deleted_ms = ?1 WHERE project = ?2 AND profile = ?3 AND region = ?4 AND key = ?5 AND identifier != ?6 AND deleted_ms IS NULL",
                params![now_ms(), r.project, r.profile, r.region, r.key, r.id],
            )?;
            c.execute(
                "INSERT INTO resources (project_path, project, profile, region, kind, key, name, identifier, created_ms)
                 VALUES ('', ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
                 ON CONFLICT(profile, region, kind, identifier) DO UPDATE SET
                   project = excluded.project, key = excluded.key, name = excluded.name, deleted_ms = NULL",
                params![r.project, r.profile, r.region, r.kind, r.key, r.name, r.id, now_ms()],
            )?;
            Ok(())
        }) {
            self.log_failure("an owned resource", e);
        }
    }

    fn released(&self, project: &str, profile: &str, region: &str, id: &str) {
        if let Err(e) = self.with(|c| {
            c.execute(
                "UPDATE resources SET deleted_ms = ?1 WHERE project = ?2 AND profile = ?3 AND region = ?4 AND identifier = ?5 AND deleted_ms IS NULL",
                params![now_ms(), project, profile, region, id],
            )?;
            Ok(())
        }) {
            self.log_failure("a released resource", e);
        }
    }

    fn owned_by(&self, project: &str, profile: &str, region: &str) -> Vec<OwnedResource> {
        let result = self.with(|c| {
            let mut stmt = c.prepare(
                "SELECT project, profile, region, kind, key, name, identifier FROM resources
                 WHERE project = ?1 AND profile = ?2 AND region = ?3 AND deleted_ms IS NULL ORDER BY id",
            )?;
            let rows = stmt.query_map(params![project, profile, region], |r| {
                Ok(OwnedResource {
                    project: r.get(0)?,
                    profile: r.get(1)?,
                    region: r.get(2)?,
                    kind: r.get(3)?,
                    key: r.get::<_, Option<String>>(4)?.unwrap_or_default(),
                    name: r.get::<_, Option<String>>(5)?.unwrap_or_default(),
                    id: r.get(6)?,
                })
            })?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        });
        result.unwrap_or_else(|e| {
            self.log_failure("a lookup of owned resources", e);
            Vec::new()
        })
    }
}

impl CallJournal for Store {
    fn record(&self, call: CallRecord) {
        if let Err(e) = self.append_call(&call) {
            tracing::warn!(service = %call.service, operation = %call.operation, error = %e, "could not journal an AWS call");
        }
    }
}

#[cfg(test)]
mod tests;
