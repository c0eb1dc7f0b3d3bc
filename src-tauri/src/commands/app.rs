//! App information and settings.

use crate::state::AppState;
use serde::Serialize;
use slipway_core::settings::Settings;
use slipway_core::ErrorBody;
use tauri::State;
use ts_rs::TS;

/// What the About box and the Settings screen show.
#[derive(Debug, Clone, Serialize, TS)]
pub struct AppInfo {
    pub version: String,
    pub data_dir: String,
    pub log_dir: String,
    /// Whether the practice stack's AWS endpoint answers right now.
    pub practice_stack: bool,
}

#[tauri::command]
pub async fn app_info(state: State<'_, AppState>) -> Result<AppInfo, ErrorBody> {
    let practice_stack = slipway_aws::practice::probe_aws_endpoint(&state.stack)
        .await
        .is_ok();
    Ok(AppInfo {
        version: env!("CARGO_PKG_VERSION").to_string(),
        data_dir: state.data_dir.display().to_string(),
        log_dir: state.log_dir.display().to_string(),
        practice_stack,
    })
}

#[tauri::command]
pub async fn get_settings(state: State<'_, AppState>) -> Result<Settings, ErrorBody> {
    state.store.settings().map_err(Into::into)
}

#[tauri::command]
pub async fn save_settings(
    state: State<'_, AppState>,
    settings: Settings,
) -> Result<Settings, ErrorBody> {
    if let Some(region) = settings.region.as_deref() {
        if !slipway_core::connection::is_valid_region(region) {
            return Err(ErrorBody::new(
                slipway_core::ErrorCode::InvalidInput,
                format!("'{region}' is not an AWS region name."),
                "Use a region code such as ap-southeast-1, or leave it empty to use the profile's region.",
            ));
        }
    }
    if settings.profile.trim().is_empty() {
        return Err(ErrorBody::new(
            slipway_core::ErrorCode::InvalidInput,
            "The profile name is empty.",
            "Pick a profile from the list.",
        ));
    }
    state.store.save_settings(&settings)?;
    Ok(settings)
}
