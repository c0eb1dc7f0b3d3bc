//! Step 5, the pipeline: the buildspec (generated, checked), plan with cost, apply with
//! per-step progress, runs (start, list, one drawn with its failure explained, stop, retry),
//! a build's log page by page, and destroy.

use crate::state::AppState;
use serde::Serialize;
use slipway_core::buildspec::{self, BuildspecSummary};
use slipway_core::cost::CostEstimate;
use slipway_core::plan::{Action, Plan};
use slipway_core::project::resolve_project_dir;
use slipway_core::spec::BUILDSPEC_FILE;
use slipway_core::{ErrorBody, ErrorCode};
use slipway_engine::apply::{ApplyEvent, ApplyReport, DEFAULT_CONCURRENCY};
use slipway_engine::pipeline::runs::{self, PipelineRun};
use slipway_engine::pipeline::view::{self, LogPage, RunView};
use slipway_engine::pipeline::{self as engine, PipelineOutcome};
use slipway_engine::project::load_spec;
use tauri::ipc::Channel;
use tauri::{AppHandle, Runtime, State};
use tauri_plugin_notification::NotificationExt;
use ts_rs::TS;

/// The buildspec as the Pipeline step shows it.
#[derive(Debug, Clone, Serialize, TS)]
pub struct BuildspecInfo {
    /// What Slipway writes for this project.
    pub generated: String,
    /// The project's buildspec.yml, when it has one.
    pub existing: Option<String>,
    /// The container imagedefinitions.json must name (the task definition's).
    pub container: String,
    /// The project's file checked: its summary, or what is wrong with it.
    pub summary: Option<BuildspecSummary>,
    pub problem: Option<ErrorBody>,
}

/// A pipeline plan as the Pipeline step shows it.
#[derive(Debug, Clone, Serialize, TS)]
pub struct PipelinePlan {
    pub plan: Plan,
    pub cost: CostEstimate,
    /// A GitHub connection that waits for the person (approve it in the console).
    pub connection: Option<ErrorBody>,
}

/// What pipeline destroy did.
#[derive(Debug, Clone, Serialize, TS)]
pub struct PipelineDestroyOutcome {
    pub report: ApplyReport,
    /// What is still there afterwards (empty when everything went).
    pub left: Vec<String>,
}

#[tauri::command]
pub async fn pipeline_buildspec(path: String) -> Result<BuildspecInfo, ErrorBody> {
    let dir = resolve_project_dir(&path)?;
    let spec = load_spec(&dir)?;
    let container = buildspec::container_name(&spec);
    let existing = match std::fs::read_to_string(dir.join(BUILDSPEC_FILE)) {
        Ok(t) => Some(t),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => {
            return Err(ErrorBody::new(
                ErrorCode::InvalidInput,
                format!("{BUILDSPEC_FILE} cannot be read: {e}."),
                "Check that you can read the file.",
            ))
        }
    };
    let (summary, problem) = match existing.as_deref().map(|t| buildspec::check(t, &container)) {
        Some(Ok(s)) => (Some(s), None),
        Some(Err(e)) => (None, Some(e)),
        None => (None, None),
    };
    Ok(BuildspecInfo {
        generated: buildspec::generate(&spec),
        existing,
        container,
        summary,
        problem,
    })
}

/// Checks a buildspec the person is editing (not yet saved).
#[tauri::command]
pub async fn check_buildspec(path: String, text: String) -> Result<BuildspecSummary, ErrorBody> {
    let spec = load_spec(&resolve_project_dir(&path)?)?;
    buildspec::check(&text, &buildspec::container_name(&spec))
}

#[tauri::command]
pub async fn plan_pipeline(
    state: State<'_, AppState>,
    path: String,
) -> Result<PipelinePlan, ErrorBody> {
    let dir = resolve_project_dir(&path)?;
    let spec = load_spec(&dir)?;
    let conn = state.aws().await?;
    let change = engine::plan_pipeline(&conn, &spec, &dir, &engine::scratch_dir()).await?;
    Ok(PipelinePlan {
        connection: engine::connection_notice(&conn, change.observed.get("connection")),
        plan: change.plan,
        cost: slipway_core::cost::pipeline_cost_for(&spec, &conn.region),
    })
}

fn changes(p: &Plan) -> Vec<(String, Action)> {
    let mut v: Vec<(String, Action)> = p
        .steps
        .iter()
        .filter(|s| s.action.changes())
        .map(|s| (s.key.clone(), s.action))
        .collect();
    v.sort_by(|a, b| a.0.cmp(&b.0));
    v
}

/// Plans again (nothing is applied from a stale plan) and applies; `expected` is the plan the
/// person confirmed.
#[tauri::command]
pub async fn apply_pipeline(
    state: State<'_, AppState>,
    path: String,
    expected: Plan,
    operation: String,
    on_event: Channel<ApplyEvent>,
) -> Result<PipelineOutcome, ErrorBody> {
    let dir = resolve_project_dir(&path)?;
    let spec = load_spec(&dir)?;
    let conn = state.aws().await?;
    let change = engine::plan_pipeline(&conn, &spec, &dir, &engine::scratch_dir()).await?;
    if changes(&change.plan) != changes(&expected) {
        return Err(ErrorBody::new(
            ErrorCode::InvalidInput,
            "What exists (or the project folder) changed since the plan was made; nothing was applied.",
            "Look at the new plan and confirm it again.",
        ));
    }
    let op = state.operations.start(&operation);
    Ok(engine::apply_pipeline(
        &conn,
        state.store.as_ref(),
        &spec,
        &change,
        DEFAULT_CONCURRENCY,
        &op.token,
        |e| {
            if let Err(err) = on_event.send(e) {
                tracing::debug!(error = %err, "pipeline channel closed");
            }
        },
    )
    .await)
}

#[tauri::command]
pub async fn plan_pipeline_destroy(
    state: State<'_, AppState>,
    path: String,
) -> Result<Plan, ErrorBody> {
    let spec = load_spec(&resolve_project_dir(&path)?)?;
    let conn = state.aws().await?;
    Ok(
        engine::plan_pipeline_destroy(&conn, state.store.as_ref(), &spec)
            .await?
            .plan,
    )
}

#[tauri::command]
pub async fn destroy_pipeline(
    state: State<'_, AppState>,
    path: String,
    operation: String,
    on_event: Channel<ApplyEvent>,
) -> Result<PipelineDestroyOutcome, ErrorBody> {
    let spec = load_spec(&resolve_project_dir(&path)?)?;
    let conn = state.aws().await?;
    let change = engine::plan_pipeline_destroy(&conn, state.store.as_ref(), &spec).await?;
    let op = state.operations.start(&operation);
    let (report, left) = engine::destroy_pipeline(
        &conn,
        state.store.as_ref(),
        &spec,
        &change,
        DEFAULT_CONCURRENCY,
        &op.token,
        |e| {
            if let Err(err) = on_event.send(e) {
                tracing::debug!(error = %err, "destroy channel closed");
            }
        },
    )
    .await?;
    Ok(PipelineDestroyOutcome { report, left })
}

/// The latest runs, newest first.
#[tauri::command]
pub async fn pipeline_runs(
    state: State<'_, AppState>,
    path: String,
) -> Result<Vec<PipelineRun>, ErrorBody> {
    let spec = load_spec(&resolve_project_dir(&path)?)?;
    let conn = state.aws().await?;
    runs::list(&conn, &spec, 20).await
}

#[tauri::command]
pub async fn start_pipeline_run(
    state: State<'_, AppState>,
    path: String,
) -> Result<String, ErrorBody> {
    let spec = load_spec(&resolve_project_dir(&path)?)?;
    let conn = state.aws().await?;
    runs::start(&conn, &spec).await
}

/// One run drawn (the latest when `run` is null). A run that ended since the previous look
/// raises a desktop notification (succeeded, failed with why, stopped).
#[tauri::command]
pub async fn pipeline_run<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    path: String,
    run: Option<String>,
) -> Result<RunView, ErrorBody> {
    let spec = load_spec(&resolve_project_dir(&path)?)?;
    let conn = state.aws().await?;
    let v = view::run_view(&conn, &spec, run.as_deref()).await?;
    let key = format!("{}/{}", v.pipeline, v.run.id);
    let before = state
        .run_states
        .lock()
        .map(|mut m| m.insert(key, v.state))
        .unwrap_or(None);
    if let Some(m) = view::run_milestone(before, &v) {
        notify_run(&app, &v.pipeline, &m);
    }
    Ok(v)
}

/// A desktop notification for a run that ended while it was followed.
fn notify_run<R: Runtime>(app: &AppHandle<R>, pipeline: &str, m: &view::RunMilestone) {
    let short = |run: &str| run.chars().take(8).collect::<String>();
    let (title, body) = match m {
        view::RunMilestone::Succeeded { run } => (
            format!("{pipeline}: run succeeded"),
            format!("Run {} deployed.", short(run)),
        ),
        view::RunMilestone::Failed { run, why } => (
            format!("{pipeline}: run failed"),
            format!(
                "Run {}: {} Open Slipway to see why.",
                short(run),
                why.as_deref().unwrap_or("an action failed.")
            ),
        ),
        view::RunMilestone::Stopped { run } => (
            format!("{pipeline}: run stopped"),
            format!("Run {} was stopped.", short(run)),
        ),
    };
    if let Err(e) = app.notification().builder().title(title).body(body).show() {
        tracing::debug!(error = %e, "notification not shown");
    }
}

#[tauri::command]
pub async fn stop_pipeline_run(
    state: State<'_, AppState>,
    path: String,
    run: String,
    abandon: bool,
) -> Result<(), ErrorBody> {
    let spec = load_spec(&resolve_project_dir(&path)?)?;
    let conn = state.aws().await?;
    view::stop(&conn, &spec, &run, abandon).await
}

/// Re-runs the failed actions of the run's failed stage; returns the run id.
#[tauri::command]
pub async fn retry_pipeline_stage(
    state: State<'_, AppState>,
    path: String,
    run: String,
    stage: String,
) -> Result<String, ErrorBody> {
    let spec = load_spec(&resolve_project_dir(&path)?)?;
    let conn = state.aws().await?;
    view::retry(&conn, &spec, &run, &stage).await
}

/// A page of a build's log, from the start (`token` null) or after the last page.
#[tauri::command]
pub async fn build_log(
    state: State<'_, AppState>,
    group: String,
    stream: String,
    token: Option<String>,
) -> Result<LogPage, ErrorBody> {
    if !group.starts_with("/aws/codebuild/") {
        return Err(ErrorBody::new(
            ErrorCode::InvalidInput,
            format!("{group} is not a CodeBuild log group."),
            "Open the log from a build in the Pipeline step.",
        ));
    }
    let conn = state.aws().await?;
    view::build_log(&conn, &group, &stream, token.as_deref(), 500).await
}
