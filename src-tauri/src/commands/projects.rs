//! Opening project folders and the recent-projects list.

use crate::state::AppState;
use slipway_core::project::{folder_name, resolve_project_dir, ProjectSummary};
use slipway_core::spec::{ProjectSpec, SPEC_FILE};
use slipway_core::ErrorBody;
use tauri::State;

/// How many recent projects the picker shows.
const RECENT_LIMIT: u32 = 12;

#[tauri::command]
pub async fn recent_projects(state: State<'_, AppState>) -> Result<Vec<ProjectSummary>, ErrorBody> {
    state
        .store
        .recent_projects(RECENT_LIMIT)
        .map_err(Into::into)
}

#[tauri::command]
pub async fn open_project(
    state: State<'_, AppState>,
    path: String,
) -> Result<ProjectSummary, ErrorBody> {
    let dir = resolve_project_dir(&path)?;
    let spec_path = dir.join(SPEC_FILE);
    let spec_name = std::fs::read_to_string(&spec_path)
        .ok()
        .and_then(|t| ProjectSpec::parse(&t).ok())
        .map(|s| s.app.name);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0);
    let summary = ProjectSummary {
        path: dir.display().to_string(),
        name: spec_name.unwrap_or_else(|| folder_name(&dir)),
        last_opened_ms: now,
        has_spec: spec_path.is_file(),
    };
    state.store.touch_project(&summary)?;
    Ok(summary)
}

#[tauri::command]
pub async fn forget_project(state: State<'_, AppState>, path: String) -> Result<(), ErrorBody> {
    state.store.forget_project(&path)?;
    Ok(())
}
