//! Step 6, watching: the service's health map with what is wrong explained, looked at again
//! within the call budget (paused while the window is hidden), desktop notifications when a
//! rollout completes or rolls back, and the zero-downtime check.

use crate::state::AppState;
use serde::Serialize;
use slipway_core::diagnose::Expectations;
use slipway_core::metrics::ServiceMetrics;
use slipway_core::project::resolve_project_dir;
use slipway_core::{ErrorBody, ErrorCode};
use slipway_engine::deploy;
use slipway_engine::monitor::{self, DowntimeReport, Milestone, MonitorUpdate, ProbeSample};
use slipway_engine::project::load_spec;
use tauri::ipc::Channel;
use tauri::{AppHandle, Runtime, State};
use tauri_plugin_notification::NotificationExt;
use ts_rs::TS;

/// What the watch sends: a look, or a milestone worth a notification.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "snake_case", tag = "kind", content = "data")]
pub enum MonitorEvent {
    Update(Box<MonitorUpdate>),
    Milestone(Milestone),
}

fn notify<R: Runtime>(app: &AppHandle<R>, service: &str, m: &Milestone) {
    let (title, body) = match m {
        Milestone::RolloutCompleted { task_definition } => (
            format!("{service}: rollout complete"),
            format!("{task_definition} is serving."),
        ),
        Milestone::RolledBack { failed, serving } => (
            format!("{service}: rolled back"),
            format!("{failed} failed; ECS went back to {serving}. Open Slipway to see why."),
        ),
    };
    if let Err(e) = app.notification().builder().title(title).body(body).show() {
        // No notification daemon (a headless session): the UI shows it anyway.
        tracing::debug!(error = %e, "notification not shown");
    }
}

/// Watches the project's service until `cancel_operation(operation)`.
#[tauri::command]
pub async fn watch_service<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    path: String,
    operation: String,
    on_event: Channel<MonitorEvent>,
) -> Result<(), ErrorBody> {
    let spec = load_spec(&resolve_project_dir(&path)?)?;
    let conn = state.aws().await?.metered_apart();
    let target = deploy::service_ref(&conn, &spec).await?;
    let want = Expectations::of(&spec);
    let op = state.operations.start(&operation);
    let events = on_event.clone();
    monitor::watch_service(
        &conn,
        &target,
        &want,
        state.visible.subscribe(),
        &op.token,
        |u| {
            if let Err(e) = on_event.send(MonitorEvent::Update(Box::new(u))) {
                tracing::debug!(error = %e, "monitor channel closed");
            }
        },
        |m| {
            notify(&app, &spec.app.name, &m);
            if let Err(e) = events.send(MonitorEvent::Milestone(m)) {
                tracing::debug!(error = %e, "monitor channel closed");
            }
        },
    )
    .await;
    Ok(())
}

/// The service's charts over the last hour (CloudWatch: CPU, memory, requests, 5xx, response
/// time). Two AWS calls; the UI asks once a minute while the Monitor is open and visible.
#[tauri::command]
pub async fn service_metrics(
    state: State<'_, AppState>,
    path: String,
) -> Result<ServiceMetrics, ErrorBody> {
    let spec = load_spec(&resolve_project_dir(&path)?)?;
    let conn = state.aws().await?;
    let target = deploy::service_ref(&conn, &spec).await?;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0);
    monitor::service_metrics(&conn, &target, now).await
}

/// The window was shown or hidden: watching pauses while it is hidden.
#[tauri::command]
pub async fn set_window_visible(
    state: State<'_, AppState>,
    visible: bool,
) -> Result<(), ErrorBody> {
    state.visible.send_replace(visible);
    Ok(())
}

/// Probes the service's URL (at most 10 a second) until `cancel_operation(operation)`, sending
/// each sample; returns the summary.
#[tauri::command]
pub async fn zero_downtime_check(
    state: State<'_, AppState>,
    path: String,
    url: String,
    rate: u32,
    operation: String,
    on_sample: Channel<ProbeSample>,
) -> Result<DowntimeReport, ErrorBody> {
    let spec = load_spec(&resolve_project_dir(&path)?)?;
    let conn = state.aws().await?;
    if conn.practice {
        return Err(ErrorBody::new(
            ErrorCode::PracticeUnsupported,
            "In practice mode the load balancer is not real: there is no URL that answers to probe.",
            "Run the check against a service deployed with an AWS profile, or probe the app you run locally (step 2).",
        ));
    }
    if !url.starts_with("http://") {
        return Err(ErrorBody::new(
            ErrorCode::InvalidInput,
            format!("{url} is not an http:// URL."),
            format!(
                "Use the service's URL (http://…), e.g. the one step 4 shows for {}.",
                spec.app.name
            ),
        ));
    }
    let op = state.operations.start(&operation);
    Ok(monitor::zero_downtime_check(&url, rate, &op.token, |s| {
        if let Err(e) = on_sample.send(s.clone()) {
            tracing::debug!(error = %e, "probe channel closed");
        }
    })
    .await)
}
