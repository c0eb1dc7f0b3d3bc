//! The environment doctor, streaming each check to the UI as it finishes.

use crate::state::AppState;
use slipway_aws::connection::ConnectRequest;
use slipway_core::doctor::{DoctorCheck, DoctorReport};
use slipway_core::ErrorBody;
use std::sync::Arc;
use tauri::ipc::Channel;
use tauri::State;

#[tauri::command]
pub async fn run_doctor(
    state: State<'_, AppState>,
    on_check: Channel<DoctorCheck>,
) -> Result<DoctorReport, ErrorBody> {
    let settings = state.store.settings()?;
    let request = ConnectRequest {
        profile: settings.profile,
        region: settings.region,
    };
    let report = slipway_engine::doctor::run_doctor(
        &request,
        &state.stack,
        Arc::clone(&state.store) as _,
        |check| {
            if let Err(e) = on_check.send(check.clone()) {
                tracing::debug!(error = %e, "doctor channel closed");
            }
        },
    )
    .await;
    tracing::info!(profile = %report.profile, ok = report.ok, "doctor finished");
    Ok(report)
}
