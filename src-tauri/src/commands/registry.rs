//! Step 3, the registry: the project's ECR repository, pushing a local build with per-layer
//! progress, the repository's images and their scan findings.

use crate::state::AppState;
use slipway_core::ecr::{EcrImage, Repository, ScanReport};
use slipway_core::project::resolve_project_dir;
use slipway_core::ErrorBody;
use slipway_engine::local::LocalBuild;
use slipway_engine::project::load_spec;
use slipway_engine::push::{PushOutcome, PushProgress};
use tauri::ipc::Channel;
use tauri::State;

/// The project's repository, or null when it does not exist yet.
#[tauri::command]
pub async fn ecr_repository(
    state: State<'_, AppState>,
    path: String,
) -> Result<Option<Repository>, ErrorBody> {
    let spec = load_spec(&resolve_project_dir(&path)?)?;
    let conn = state.aws().await?;
    let name = spec.image.repository_name(&spec.app.name);
    Ok(slipway_aws::ecr::find_repository(&conn, &name).await?)
}

/// Every repository in the account and region, for the picker.
#[tauri::command]
pub async fn list_repositories(state: State<'_, AppState>) -> Result<Vec<Repository>, ErrorBody> {
    let conn = state.aws().await?;
    Ok(slipway_aws::ecr::list_repositories(&conn).await?)
}

/// The project's local builds, newest first (what can be pushed).
#[tauri::command]
pub async fn local_builds(
    state: State<'_, AppState>,
    path: String,
) -> Result<Vec<LocalBuild>, ErrorBody> {
    let spec = load_spec(&resolve_project_dir(&path)?)?;
    let docker = state.docker().await?;
    slipway_engine::local::local_builds(&docker, &spec).await
}

/// Pushes a local build (default: the newest) to the project's repository, creating it first.
#[tauri::command]
pub async fn push_image(
    state: State<'_, AppState>,
    path: String,
    image: Option<String>,
    operation: String,
    on_event: Channel<PushProgress>,
) -> Result<PushOutcome, ErrorBody> {
    let spec = load_spec(&resolve_project_dir(&path)?)?;
    let (docker, engine) = state.engine().await?;
    let image = match image.filter(|i| !i.trim().is_empty()) {
        Some(i) => i,
        None => slipway_engine::local::local_builds(&docker, &spec)
            .await?
            .into_iter()
            .next()
            .map(|b| b.reference)
            .ok_or_else(|| {
                ErrorBody::new(
                    slipway_core::ErrorCode::ImageNotFound,
                    format!("There is no local build of {} to push.", spec.app.name),
                    "Build the image first in step 2 (Build & run).",
                )
            })?,
    };
    let conn = state.aws().await?;
    let op = state.operations.start(&operation);
    slipway_engine::push::push_image(
        &conn,
        &docker,
        &engine,
        &state.stack,
        &state.logins,
        &spec,
        &image,
        &op.token,
        |p| {
            if let Err(e) = on_event.send(p) {
                tracing::debug!(error = %e, "push channel closed");
            }
        },
    )
    .await
}

/// The repository's images, newest first.
#[tauri::command]
pub async fn list_images(
    state: State<'_, AppState>,
    path: String,
) -> Result<Vec<EcrImage>, ErrorBody> {
    let spec = load_spec(&resolve_project_dir(&path)?)?;
    let conn = state.aws().await?;
    let name = spec.image.repository_name(&spec.app.name);
    match slipway_aws::ecr::find_repository(&conn, &name).await? {
        Some(_) => Ok(slipway_aws::ecr::list_images(&conn, &name).await?),
        None => Ok(Vec::new()),
    }
}

/// An image's scan findings, most severe first.
#[tauri::command]
pub async fn scan_report(
    state: State<'_, AppState>,
    path: String,
    digest: String,
) -> Result<ScanReport, ErrorBody> {
    let spec = load_spec(&resolve_project_dir(&path)?)?;
    let conn = state.aws().await?;
    let name = spec.image.repository_name(&spec.app.name);
    Ok(slipway_aws::ecr::scan_report(&conn, &name, &digest).await?)
}
