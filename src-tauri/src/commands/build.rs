//! Step 2, build and run locally: the build streams every event over a channel, the local run
//! streams its probes and logs, and both can be cancelled or stopped.

use crate::commands::dockerfile::join_error;
use crate::state::AppState;
use serde::Deserialize;
use slipway_core::build::BuildEvent;
use slipway_core::project::resolve_project_dir;
use slipway_core::ErrorBody;
use slipway_docker::build::BuiltImage;
use slipway_docker::container::LocalContainer;
use slipway_docker::context::ContextSummary;
use slipway_docker::image::ImageReport;
use slipway_engine::local::{build_project, run_and_smoke_test, BuildOptions, RunEvent};
use slipway_engine::project::load_spec;
use std::time::Duration;
use tauri::ipc::Channel;
use tauri::State;
use ts_rs::TS;

/// The build form.
#[derive(Debug, Clone, Default, Deserialize, TS)]
pub struct BuildForm {
    pub platform: Option<String>,
    pub no_cache: bool,
    pub tag: Option<String>,
}

#[tauri::command]
pub async fn build_image(
    state: State<'_, AppState>,
    path: String,
    form: BuildForm,
    operation: String,
    on_event: Channel<BuildEvent>,
) -> Result<BuiltImage, ErrorBody> {
    let dir = resolve_project_dir(&path)?;
    let spec = load_spec(&dir)?;
    let docker = state.docker().await?;
    let op = state.operations.start(&operation);
    let options = BuildOptions {
        platform: form.platform.filter(|p| !p.is_empty()),
        no_cache: form.no_cache,
        tag: form.tag.filter(|t| !t.trim().is_empty()),
    };
    let result = build_project(&docker, &dir, &spec, &options, &op.token, |e| {
        if let Err(err) = on_event.send(e) {
            tracing::debug!(error = %err, "build channel closed");
        }
    })
    .await;
    match &result {
        Ok(b) => tracing::info!(image = %b.id, tags = ?b.tags, ms = b.duration_ms, "built"),
        Err(e) => tracing::info!(code = %e.code, "build did not finish"),
    }
    result
}

/// Cancels a running build, run or other long operation by the id the UI gave it.
#[tauri::command]
pub async fn cancel_operation(
    state: State<'_, AppState>,
    operation: String,
) -> Result<bool, ErrorBody> {
    Ok(state.operations.cancel(&operation))
}

#[tauri::command]
pub async fn context_summary(path: String) -> Result<ContextSummary, ErrorBody> {
    let dir = resolve_project_dir(&path)?;
    let spec = load_spec(&dir)?;
    let context = dir.join(&spec.app.path);
    tauri::async_runtime::spawn_blocking(move || {
        slipway_docker::context::summarize_context(&context, &spec.app.dockerfile)
            .map_err(ErrorBody::from)
    })
    .await
    .map_err(join_error)?
}

/// The layers of the project's latest image, with the base image's marked.
#[tauri::command]
pub async fn image_layers(
    state: State<'_, AppState>,
    path: String,
    image: Option<String>,
) -> Result<ImageReport, ErrorBody> {
    let dir = resolve_project_dir(&path)?;
    let spec = load_spec(&dir)?;
    let docker = state.docker().await?;
    let image = image.unwrap_or_else(|| format!("{}:latest", spec.app.name));
    let base = std::fs::read_to_string(dir.join(&spec.app.path).join(&spec.app.dockerfile))
        .ok()
        .and_then(|t| slipway_core::dockerfile::base_images(&t).ok())
        .and_then(|b| b.last().map(|b| b.image.clone()));
    slipway_docker::image::inspect_layers(&docker, &image, base.as_deref())
        .await
        .map_err(Into::into)
}

/// Runs the image locally and smoke-tests it; the container keeps running (its logs keep
/// streaming on the channel) until `stop_local` or the app closes.
#[tauri::command]
pub async fn run_local(
    state: State<'_, AppState>,
    path: String,
    image: Option<String>,
    host_port: Option<u16>,
    operation: String,
    on_event: Channel<RunEvent>,
) -> Result<LocalContainer, ErrorBody> {
    let dir = resolve_project_dir(&path)?;
    let spec = load_spec(&dir)?;
    let docker = state.docker().await?;
    let image = image.unwrap_or_else(|| format!("{}:latest", spec.app.name));
    let op = state.operations.start(&operation);
    let send = |e: RunEvent| {
        if let Err(err) = on_event.send(e) {
            tracing::debug!(error = %err, "run channel closed");
        }
    };
    let (container, smoke) = run_and_smoke_test(
        &docker,
        &spec,
        &image,
        host_port,
        Duration::from_secs(60),
        &op.token,
        |attempt, r| {
            send(RunEvent::Probe {
                attempt,
                status: r.ok().map(|r| r.status),
                error: r.err().map(|e| e.to_string()),
            })
        },
    )
    .await?;
    drop(op);
    send(RunEvent::Started {
        container: container.clone(),
    });
    send(RunEvent::Smoke { result: smoke });
    if let Ok(mut runs) = state.local_runs.lock() {
        runs.insert(dir.display().to_string(), container.id.clone());
    }
    // Follow the logs until the container stops.
    let id = container.id.clone();
    tauri::async_runtime::spawn(async move {
        use futures_util::StreamExt;
        {
            let mut logs = slipway_docker::container::follow_logs(&docker, &id);
            while let Some(Ok(line)) = logs.next().await {
                if on_event.send(RunEvent::Log { line }).is_err() {
                    return;
                }
            }
        }
        let code = docker
            .inspect_container(&id, None)
            .await
            .ok()
            .and_then(|c| c.state)
            .and_then(|s| s.exit_code);
        let _ = on_event.send(RunEvent::Stopped { code });
    });
    Ok(container)
}

/// Stops and removes the project's local run.
#[tauri::command]
pub async fn stop_local(state: State<'_, AppState>, path: String) -> Result<bool, ErrorBody> {
    let dir = resolve_project_dir(&path)?;
    let id = state
        .local_runs
        .lock()
        .ok()
        .and_then(|mut runs| runs.remove(&dir.display().to_string()));
    let Some(id) = id else { return Ok(false) };
    let docker = state.docker().await?;
    slipway_docker::container::stop_and_remove(&docker, &id).await?;
    Ok(true)
}
