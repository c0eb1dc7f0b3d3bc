//! Lab mode: the built-in labs, each step checked against the learner's real state (never ticked
//! by hand), progress kept per project, and the AWS calls Slipway made written as AWS CLI
//! commands so a learner can repeat them by hand.

use crate::state::AppState;
use serde::Serialize;
use slipway_core::awscli::{cli_command, CliCommand};
use slipway_core::labs::{self, CheckResult, Lab};
use slipway_core::project::resolve_project_dir;
use slipway_core::{ErrorBody, ErrorCode};
use slipway_engine::experiments::{self, BadDeploy, LoadReport, LoadSample, LoadTarget};
use slipway_engine::labs::{run_check, LabContext};
use slipway_engine::project::load_spec;
use tauri::ipc::Channel;
use tauri::State;
use ts_rs::TS;

/// A step's latest check.
#[derive(Debug, Clone, Serialize, TS)]
pub struct StepCheck {
    pub step: String,
    pub result: CheckResult,
}

fn lab(id: &str) -> Result<Lab, ErrorBody> {
    labs::find(id).ok_or_else(|| {
        ErrorBody::new(
            ErrorCode::InvalidInput,
            format!("There is no lab {id:?}."),
            "Pick one of the labs Slipway lists.",
        )
    })
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// Every built-in lab, in teaching order.
#[tauri::command]
pub async fn list_labs() -> Result<Vec<Lab>, ErrorBody> {
    labs::built_in().map_err(|e| {
        ErrorBody::new(
            ErrorCode::Internal,
            e.to_string(),
            "This is a bug in a built-in lab file; please report it.",
        )
    })
}

/// The project's latest check of each step of `lab`.
#[tauri::command]
pub async fn lab_progress(
    state: State<'_, AppState>,
    path: String,
    lab: String,
) -> Result<Vec<StepCheck>, ErrorBody> {
    let l = self::lab(&lab)?;
    let dir = resolve_project_dir(&path)?;
    let key = dir.to_string_lossy().to_string();
    let saved = state.store.lab_checks(&key, &l.id)?;
    Ok(l.steps
        .iter()
        .filter_map(|s| {
            saved
                .iter()
                .find(|(id, _)| *id == s.id)
                .map(|(_, r)| StepCheck {
                    step: s.id.clone(),
                    result: r.clone(),
                })
        })
        .collect())
}

/// Runs one step's check (with the learner's answer for a question) and saves the result.
#[tauri::command]
pub async fn check_lab_step(
    state: State<'_, AppState>,
    path: String,
    lab: String,
    step: String,
    answer: Option<u32>,
) -> Result<CheckResult, ErrorBody> {
    let l = self::lab(&lab)?;
    let s = l.steps.iter().find(|s| s.id == step).ok_or_else(|| {
        ErrorBody::new(
            ErrorCode::InvalidInput,
            format!("The lab {} has no step {step:?}.", l.id),
            "Pick one of the lab's steps.",
        )
    })?;
    let dir = resolve_project_dir(&path)?;
    let spec = load_spec(&dir).ok();
    // What is not reachable makes the check say "not yet" with the reason, not fail the call.
    let docker = state.docker().await.ok();
    let conn = if s.check.reads_aws() {
        state.aws().await.ok()
    } else {
        None
    };
    let saved = state.store.lab_checks(&dir.to_string_lossy(), &l.id)?;
    let created = l.created_something(|id| {
        saved
            .iter()
            .any(|(s, r)| s == id && r.status == labs::LabStatus::Pass)
    });
    let ctx = LabContext {
        dir: &dir,
        spec: spec.as_ref(),
        docker: docker.as_ref(),
        conn: conn.as_ref(),
        now_ms: now_ms(),
        created,
    };
    let result = run_check(&ctx, &s.check, answer).await;
    state
        .store
        .save_lab_check(&dir.to_string_lossy(), &l.id, &s.id, &result)?;
    Ok(result)
}

/// The latest AWS calls that changed something, newest first, as AWS CLI commands.
#[tauri::command]
pub async fn aws_cli_history(
    state: State<'_, AppState>,
    limit: u32,
) -> Result<Vec<CliCommand>, ErrorBody> {
    let region = state
        .connection
        .read()
        .ok()
        .and_then(|c| c.as_ref().and_then(|c| c.region.clone()))
        .unwrap_or_else(|| "us-east-1".into());
    let calls = state.store.recent_calls(limit.clamp(1, 2000) * 4)?;
    Ok(calls
        .iter()
        .map(|c| cli_command(c, &region))
        .filter(|c| c.changes)
        .take(limit as usize)
        .collect())
}

/// The high-availability experiment: stops one running task of the project's service so the
/// learner watches the service replace it. Returns the stopped task's id.
#[tauri::command]
pub async fn stop_one_task(state: State<'_, AppState>, path: String) -> Result<String, ErrorBody> {
    let spec = load_spec(&resolve_project_dir(&path)?)?;
    let conn = state.aws().await?;
    slipway_engine::labs::stop_one_task(&conn, &spec).await
}

/// Where the load-test experiment should go: the service's URL, or in practice mode the app
/// running on this machine (the emulator's load balancer is not real), with what to know.
#[tauri::command]
pub async fn experiment_target(
    state: State<'_, AppState>,
    path: String,
) -> Result<LoadTarget, ErrorBody> {
    let spec = load_spec(&resolve_project_dir(&path)?)?;
    let conn = state.aws().await?;
    let docker = state.docker().await.ok();
    experiments::load_target(&conn, docker.as_ref(), &spec).await
}

/// The load-test experiment: `requests` GETs of `url`, `concurrency` at a time (bounded: 5,000
/// requests, 20 at once, 60 s), only to the project's own load balancer or this machine;
/// progress streamed, cancelled by `cancel_operation(operation)`.
#[tauri::command]
pub async fn load_test(
    state: State<'_, AppState>,
    path: String,
    url: String,
    requests: u32,
    concurrency: u32,
    operation: String,
    on_sample: Channel<LoadSample>,
) -> Result<LoadReport, ErrorBody> {
    let spec = load_spec(&resolve_project_dir(&path)?)?;
    experiments::check_load_bounds(&url, requests, concurrency)?;
    let conn = state.aws().await?;
    let own = if conn.practice {
        None
    } else {
        experiments::service_url(&conn, &spec).await?
    };
    experiments::check_load_url(&url, own.as_deref())?;
    let op = state.operations.start(&operation);
    let report = experiments::load_test(&url, requests, concurrency, &op.token, |s| {
        if let Err(e) = on_sample.send(s.clone()) {
            tracing::debug!(error = %e, "load-test channel closed");
        }
    })
    .await;
    report
}

/// The bad-deploy experiment: deploys a revision whose image cannot be pulled, so the learner
/// watches the circuit breaker roll back on the health map.
#[tauri::command]
pub async fn bad_deploy(state: State<'_, AppState>, path: String) -> Result<BadDeploy, ErrorBody> {
    let spec = load_spec(&resolve_project_dir(&path)?)?;
    let conn = state.aws().await?;
    let target = slipway_engine::deploy::service_ref(&conn, &spec).await?;
    let now_s = (now_ms() / 1000).max(0) as u64;
    experiments::bad_deploy(&conn, &target, &spec, now_s).await
}

/// Writes the lab report (Markdown, in `lang`) into the project folder, atomically, and returns
/// the file's path.
#[tauri::command]
pub async fn export_lab_report(
    state: State<'_, AppState>,
    path: String,
    lab: String,
    lang: String,
) -> Result<String, ErrorBody> {
    let l = self::lab(&lab)?;
    let dir = resolve_project_dir(&path)?;
    let key = dir.to_string_lossy().to_string();
    let checks = state.store.lab_checks(&key, &l.id)?;
    let md = labs::report_markdown(&l, &checks, &lang, &key, |ms| {
        // The worklog's precision: the day and the minute, in UTC.
        slipway_core::journal::utc_minute(ms)
    });
    let file = dir.join(format!("slipway-lab-{}.md", l.id));
    slipway_core::atomic::write_atomic(&file, md.as_bytes()).map_err(|e| {
        ErrorBody::new(
            ErrorCode::InvalidInput,
            format!("Could not write {}: {e}", file.display()),
            "Check that the project folder is writable and the disk is not full.",
        )
    })?;
    Ok(file.to_string_lossy().to_string())
}
