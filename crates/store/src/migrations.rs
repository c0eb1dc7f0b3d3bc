//! Numbered schema migrations. A migration is never edited once released: add a new one.

use crate::StoreError;
use rusqlite::Connection;

const MIGRATIONS: &[&str] = &[
    // 1: the foundation schema.
    "CREATE TABLE projects (
        path TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        last_opened_ms INTEGER NOT NULL,
        has_spec INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE runs (
        id INTEGER PRIMARY KEY,
        project_path TEXT,
        kind TEXT NOT NULL,
        started_ms INTEGER NOT NULL,
        finished_ms INTEGER,
        status TEXT NOT NULL
    );
    CREATE TABLE journal (
        id INTEGER PRIMARY KEY,
        run_id INTEGER REFERENCES runs(id),
        profile TEXT NOT NULL,
        service TEXT NOT NULL,
        operation TEXT NOT NULL,
        params TEXT,
        started_ms INTEGER NOT NULL,
        duration_ms INTEGER NOT NULL,
        outcome TEXT NOT NULL,
        http_status INTEGER,
        error_code TEXT,
        request_id TEXT
    );
    CREATE INDEX journal_by_run ON journal(run_id);
    CREATE TABLE resources (
        id INTEGER PRIMARY KEY,
        project_path TEXT NOT NULL,
        profile TEXT NOT NULL,
        region TEXT NOT NULL,
        kind TEXT NOT NULL,
        identifier TEXT NOT NULL,
        created_ms INTEGER NOT NULL,
        deleted_ms INTEGER,
        UNIQUE(profile, region, kind, identifier)
    );
    CREATE TABLE events (
        id INTEGER PRIMARY KEY,
        run_id INTEGER REFERENCES runs(id),
        at_ms INTEGER NOT NULL,
        level TEXT NOT NULL,
        message TEXT NOT NULL
    );",
    // 2: applies and destroys, step by step (a row before and after each), and the resources a
    // project owns, by its name and the key in its graph.
    "ALTER TABLE runs ADD COLUMN project TEXT;
    CREATE TABLE run_steps (
        id INTEGER PRIMARY KEY,
        run_id INTEGER NOT NULL REFERENCES runs(id),
        key TEXT NOT NULL,
        action TEXT NOT NULL,
        status TEXT NOT NULL,
        resource_id TEXT,
        error TEXT,
        started_ms INTEGER NOT NULL,
        finished_ms INTEGER
    );
    CREATE INDEX run_steps_by_run ON run_steps(run_id);
    ALTER TABLE resources ADD COLUMN project TEXT;
    ALTER TABLE resources ADD COLUMN key TEXT;
    ALTER TABLE resources ADD COLUMN name TEXT;
    CREATE INDEX resources_by_project ON resources(project, profile, region);",
    // 3: lab mode's progress: the last check of each step, per project folder.
    "CREATE TABLE lab_checks (
        project_path TEXT NOT NULL,
        lab TEXT NOT NULL,
        step TEXT NOT NULL,
        status TEXT NOT NULL,
        summary TEXT NOT NULL,
        evidence TEXT NOT NULL,
        at_ms INTEGER NOT NULL,
        PRIMARY KEY (project_path, lab, step)
    );",
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// Applies every migration the store has not seen, each in its own transaction.
pub fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    let current: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if current > SCHEMA_VERSION {
        return Err(StoreError::TooNew {
            found: current,
            known: SCHEMA_VERSION,
        });
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(current as usize) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", (i + 1) as i64)?;
        tx.commit()?;
    }
    Ok(())
}
