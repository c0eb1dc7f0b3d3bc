//! Profiles and the active connection.

use crate::state::AppState;
use aws_types::os_shim_internal::Env;
use slipway_aws::connection::{ConnectRequest, Connection};
use slipway_core::connection::{ConnectionInfo, ProfileSummary};
use slipway_core::ErrorBody;
use std::sync::Arc;
use tauri::State;

#[tauri::command]
pub async fn list_profiles() -> Result<Vec<ProfileSummary>, ErrorBody> {
    slipway_aws::profiles::list_profiles(&Env::real())
        .await
        .map_err(Into::into)
}

/// Resolves a profile, asks STS who it is, remembers it as the active connection.
pub async fn connect_to(
    state: &AppState,
    profile: String,
    region: Option<String>,
) -> Result<ConnectionInfo, ErrorBody> {
    let region = region.filter(|r| !r.trim().is_empty());
    let request = ConnectRequest { profile, region };
    let conn = Connection::open(
        &request,
        &Env::real(),
        &state.stack,
        Arc::clone(&state.store) as _,
    )
    .await?;
    let identity = conn.identity().await?;
    let info = conn.info(Some(&identity));
    if let Ok(mut slot) = state.connection.write() {
        *slot = Some(info.clone());
    }
    Ok(info)
}

#[tauri::command]
pub async fn connect(
    state: State<'_, AppState>,
    profile: String,
    region: Option<String>,
) -> Result<ConnectionInfo, ErrorBody> {
    let info = connect_to(&state, profile, region.clone()).await?;
    let mut settings = state.store.settings()?;
    settings.profile = info.profile.clone();
    settings.region = region.filter(|r| !r.trim().is_empty());
    state.store.save_settings(&settings)?;
    state.forget_aws().await;
    Ok(info)
}

#[tauri::command]
pub async fn current_connection(state: State<'_, AppState>) -> Result<ConnectionInfo, ErrorBody> {
    if let Some(info) = state.connection.read().ok().and_then(|c| c.clone()) {
        return Ok(info);
    }
    let settings = state.store.settings()?;
    connect_to(&state, settings.profile, settings.region).await
}
