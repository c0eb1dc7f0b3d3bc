//! Step 4, the service: plan with cost, apply with per-step progress and the rollout, the
//! service's health now, and destroy (planned first, then confirmed).

use crate::state::AppState;
use serde::Serialize;
use slipway_core::cost::CostEstimate;
use slipway_core::health::ServiceHealth;
use slipway_core::plan::Plan;
use slipway_core::project::resolve_project_dir;
use slipway_core::ErrorBody;
use slipway_engine::apply::{ApplyEvent, ApplyReport, DEFAULT_CONCURRENCY};
use slipway_engine::deploy::{self, DeployEvent, DeployOutcome};
use slipway_engine::project::load_spec;
use std::time::Duration;
use tauri::ipc::Channel;
use tauri::State;
use ts_rs::TS;

/// A plan as the Service step shows it.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ServicePlan {
    pub plan: Plan,
    pub cost: CostEstimate,
    /// The image the plan deploys.
    pub image: String,
}

/// A destroy plan, and what else goes with it.
#[derive(Debug, Clone, Serialize, TS)]
pub struct DestroyPlan {
    pub plan: Plan,
    /// The ECR repository, when it exists (deleted unless the person keeps it).
    pub repository: Option<String>,
}

/// What destroy did.
#[derive(Debug, Clone, Serialize, TS)]
pub struct DestroyOutcome {
    pub report: ApplyReport,
    /// What is still there afterwards (empty when everything went).
    pub left: Vec<String>,
    pub repository_deleted: bool,
}

#[tauri::command]
pub async fn plan_service(
    state: State<'_, AppState>,
    path: String,
    image: Option<String>,
) -> Result<ServicePlan, ErrorBody> {
    let spec = load_spec(&resolve_project_dir(&path)?)?;
    let conn = state.aws().await?;
    let image = deploy::resolve_image(&conn, &spec, image.as_deref()).await?;
    let change = deploy::plan_service(&conn, &spec, &image).await?;
    Ok(ServicePlan {
        plan: change.plan,
        cost: slipway_core::cost::service_cost(&spec, &conn.region),
        image,
    })
}

/// Plans again (nothing is applied from a stale plan), applies, and waits for steady state.
/// `expected` is the plan the person confirmed: when the new plan changes other things, nothing
/// is applied and the new plan is reported instead.
#[tauri::command]
pub async fn apply_service(
    state: State<'_, AppState>,
    path: String,
    image: String,
    expected: Plan,
    operation: String,
    on_event: Channel<DeployEvent>,
) -> Result<DeployOutcome, ErrorBody> {
    let spec = load_spec(&resolve_project_dir(&path)?)?;
    let conn = state.aws().await?;
    let change = deploy::plan_service(&conn, &spec, &image).await?;
    let changes = |p: &Plan| {
        let mut v: Vec<(String, slipway_core::plan::Action)> = p
            .steps
            .iter()
            .filter(|s| s.action.changes())
            .map(|s| (s.key.clone(), s.action))
            .collect();
        v.sort_by(|a, b| a.0.cmp(&b.0));
        v
    };
    if changes(&change.plan) != changes(&expected) {
        return Err(ErrorBody::new(
            slipway_core::ErrorCode::InvalidInput,
            "What exists changed since the plan was made; nothing was applied.",
            "Look at the new plan and confirm it again.",
        ));
    }
    let op = state.operations.start(&operation);
    let outcome = deploy::deploy(
        &conn,
        state.store.as_ref(),
        &spec,
        &change,
        DEFAULT_CONCURRENCY,
        Some(Duration::from_secs(900)),
        &op.token,
        |e| {
            if let Err(err) = on_event.send(e) {
                tracing::debug!(error = %err, "deploy channel closed");
            }
        },
    )
    .await;
    Ok(outcome)
}

/// The service's health now (deployments, tasks, targets, events).
#[tauri::command]
pub async fn service_health(
    state: State<'_, AppState>,
    path: String,
) -> Result<ServiceHealth, ErrorBody> {
    let spec = load_spec(&resolve_project_dir(&path)?)?;
    let conn = state.aws().await?;
    let target = deploy::service_ref(&conn, &spec).await?;
    let health = slipway_engine::rollout::look(&conn, &target).await?;
    Ok(health)
}

#[tauri::command]
pub async fn plan_destroy(
    state: State<'_, AppState>,
    path: String,
    keep_logs: bool,
) -> Result<DestroyPlan, ErrorBody> {
    let spec = load_spec(&resolve_project_dir(&path)?)?;
    let conn = state.aws().await?;
    let change = deploy::plan_destroy(&conn, state.store.as_ref(), &spec, keep_logs).await?;
    let repo = spec.image.repository_name(&spec.app.name);
    let repository = slipway_aws::ecr::find_repository(&conn, &repo)
        .await?
        .map(|r| r.name);
    Ok(DestroyPlan {
        plan: change.plan,
        repository,
    })
}

#[tauri::command]
pub async fn destroy_service(
    state: State<'_, AppState>,
    path: String,
    keep_logs: bool,
    keep_repository: bool,
    operation: String,
    on_event: Channel<ApplyEvent>,
) -> Result<DestroyOutcome, ErrorBody> {
    let spec = load_spec(&resolve_project_dir(&path)?)?;
    let conn = state.aws().await?;
    let change = deploy::plan_destroy(&conn, state.store.as_ref(), &spec, keep_logs).await?;
    let op = state.operations.start(&operation);
    let (report, mut left) = deploy::destroy(
        &conn,
        state.store.as_ref(),
        &spec,
        &change,
        keep_logs,
        DEFAULT_CONCURRENCY,
        &op.token,
        |e| {
            if let Err(err) = on_event.send(e) {
                tracing::debug!(error = %err, "destroy channel closed");
            }
        },
    )
    .await?;
    let mut repository_deleted = false;
    if !keep_repository && report.succeeded() {
        let repo = spec.image.repository_name(&spec.app.name);
        match slipway_aws::ecr::delete_repository(&conn, &repo).await {
            Ok(deleted) => repository_deleted = deleted,
            Err(e) => left.push(format!("{repo}: {}", ErrorBody::from(e).message)),
        }
    }
    Ok(DestroyOutcome {
        report,
        left,
        repository_deleted,
    })
}
