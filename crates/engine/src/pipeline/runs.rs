//! Runs of the pipeline: start one, list the latest with status, trigger and duration, and the
//! stages and actions of the current one. The practice emulator implements starting and
//! listing runs (which it marks Succeeded at once: nothing really builds there) but not
//! GetPipelineState; there the stages are reported as unavailable rather than guessed.

use serde::Serialize;
use slipway_aws::Connection;
use slipway_core::plan::pipeline::PipelineNames;
use slipway_core::spec::ProjectSpec;
use slipway_core::{ErrorBody, ErrorCode};
use ts_rs::TS;

/// One run of the pipeline.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct PipelineRun {
    pub id: String,
    /// InProgress, Succeeded, Failed, Stopped, Stopping, Superseded, Cancelled.
    pub status: String,
    pub status_summary: Option<String>,
    /// What started it: StartPipelineExecution, CreatePipeline, Webhook, PollForSourceChanges ...
    pub trigger: Option<String>,
    /// Unix milliseconds.
    #[ts(type = "number | null")]
    pub started_ms: Option<i64>,
    #[ts(type = "number | null")]
    pub updated_ms: Option<i64>,
    /// From start to the last update, for a run that ended.
    #[ts(type = "number | null")]
    pub duration_ms: Option<i64>,
    /// The commit, S3 version or image digest each source action fetched.
    pub revisions: Vec<String>,
}

/// One action of a stage, as the current run left it.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ActionStatus {
    pub name: String,
    pub status: Option<String>,
    pub summary: Option<String>,
    /// AWS's error message when it failed.
    pub error: Option<String>,
    /// The CodeBuild build id (or other external id) of this run of the action.
    pub external_id: Option<String>,
    pub external_url: Option<String>,
}

/// One stage of the pipeline and its latest execution.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct StageStatus {
    pub name: String,
    pub status: Option<String>,
    pub run_id: Option<String>,
    pub actions: Vec<ActionStatus>,
}

/// The pipeline now: its latest runs and, where AWS reports them, its stages.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct PipelineStatus {
    pub pipeline: String,
    pub runs: Vec<PipelineRun>,
    pub stages: Vec<StageStatus>,
    /// Why `stages` is empty, when it is not because the pipeline has none.
    pub stages_unavailable: Option<ErrorBody>,
}

pub fn name_of(conn: &Connection, spec: &ProjectSpec) -> String {
    // The pipeline is named after the app; the account and region only matter for the bucket.
    PipelineNames::for_app(&spec.app.name, "", &conn.region).pipeline
}

pub(crate) fn not_found(spec: &ProjectSpec, conn: &Connection) -> ErrorBody {
    ErrorBody::new(
        ErrorCode::InvalidInput,
        format!(
            "There is no pipeline {} in {} ({}).",
            spec.app.name, conn.region, conn.profile
        ),
        "Create it with `slipway pipeline apply`.",
    )
}

/// Starts a run; returns its id.
pub async fn start(conn: &Connection, spec: &ProjectSpec) -> Result<String, ErrorBody> {
    let name = name_of(conn, spec);
    match conn
        .codepipeline()
        .start_pipeline_execution()
        .name(&name)
        .send()
        .await
    {
        Ok(out) => Ok(out.pipeline_execution_id().unwrap_or_default().to_string()),
        Err(e) if slipway_aws::error::code_of(&e) == Some("PipelineNotFoundException") => {
            Err(not_found(spec, conn))
        }
        Err(e) => Err(conn.fail("CodePipeline", "StartPipelineExecution")(e).into()),
    }
}

fn millis(t: Option<&aws_smithy_types::DateTime>) -> Option<i64> {
    t.and_then(|t| t.to_millis().ok())
}

/// The latest `max` runs, newest first.
pub async fn list(
    conn: &Connection,
    spec: &ProjectSpec,
    max: i32,
) -> Result<Vec<PipelineRun>, ErrorBody> {
    let name = name_of(conn, spec);
    let out = match conn
        .codepipeline()
        .list_pipeline_executions()
        .pipeline_name(&name)
        .max_results(max)
        .send()
        .await
    {
        Ok(o) => o,
        Err(e) if slipway_aws::error::code_of(&e) == Some("PipelineNotFoundException") => {
            return Err(not_found(spec, conn))
        }
        Err(e) => return Err(conn.fail("CodePipeline", "ListPipelineExecutions")(e).into()),
    };
    Ok(out
        .pipeline_execution_summaries()
        .iter()
        .map(|r| {
            let status = r
                .status()
                .map(|s| s.as_str().to_string())
                .unwrap_or_default();
            let started_ms = millis(r.start_time());
            let updated_ms = millis(r.last_update_time());
            let ended = !matches!(status.as_str(), "InProgress" | "Stopping");
            PipelineRun {
                id: r.pipeline_execution_id().unwrap_or_default().to_string(),
                status_summary: r.status_summary().map(str::to_string),
                trigger: r
                    .trigger()
                    .and_then(|t| t.trigger_type())
                    .map(|t| t.as_str().to_string()),
                duration_ms: match (started_ms, updated_ms) {
                    (Some(a), Some(b)) if ended => Some(b - a),
                    _ => None,
                },
                started_ms,
                updated_ms,
                revisions: r
                    .source_revisions()
                    .iter()
                    .filter_map(|s| s.revision_id().map(str::to_string))
                    .collect(),
                status,
            }
        })
        .collect())
}

/// The stages of the pipeline and the latest execution of each (GetPipelineState).
pub async fn stages(conn: &Connection, spec: &ProjectSpec) -> Result<Vec<StageStatus>, ErrorBody> {
    let name = name_of(conn, spec);
    let out = conn
        .codepipeline()
        .get_pipeline_state()
        .name(&name)
        .send()
        .await
        .map_err(|e| {
            let not_implemented = conn.practice
                && slipway_aws::error::code_of(&e).is_none_or(|c| c == "Unknown" || c.is_empty());
            if not_implemented {
                ErrorBody::new(
                    ErrorCode::PracticeUnsupported,
                    "The practice emulator does not report stage states (GetPipelineState), and it runs no build or deploy: its runs are marked Succeeded at once.",
                    "The runs are listed; to watch real stages, builds and logs, use an AWS profile.",
                )
            } else {
                ErrorBody::from(conn.fail("CodePipeline", "GetPipelineState")(e))
            }
        })?;
    Ok(out
        .stage_states()
        .iter()
        .map(|st| StageStatus {
            name: st.stage_name().unwrap_or_default().to_string(),
            status: st
                .latest_execution()
                .map(|e| e.status().as_str().to_string()),
            run_id: st
                .latest_execution()
                .map(|e| e.pipeline_execution_id().to_string()),
            actions: st
                .action_states()
                .iter()
                .map(|a| {
                    let latest = a.latest_execution();
                    ActionStatus {
                        name: a.action_name().unwrap_or_default().to_string(),
                        status: latest
                            .and_then(|l| l.status())
                            .map(|s| s.as_str().to_string()),
                        summary: latest.and_then(|l| l.summary()).map(str::to_string),
                        error: latest
                            .and_then(|l| l.error_details())
                            .and_then(|d| d.message())
                            .map(str::to_string),
                        external_id: latest
                            .and_then(|l| l.external_execution_id())
                            .map(str::to_string),
                        external_url: latest
                            .and_then(|l| l.external_execution_url())
                            .map(str::to_string),
                    }
                })
                .collect(),
        })
        .collect())
}

/// The latest runs and the stages, degrading to runs only where the stages cannot be read.
pub async fn status(conn: &Connection, spec: &ProjectSpec) -> Result<PipelineStatus, ErrorBody> {
    let runs = list(conn, spec, 10).await?;
    let (stages, stages_unavailable) = match stages(conn, spec).await {
        Ok(s) => (s, None),
        Err(e) if e.code == ErrorCode::PracticeUnsupported => (Vec::new(), Some(e)),
        Err(e) => return Err(e),
    };
    Ok(PipelineStatus {
        pipeline: name_of(conn, spec),
        runs,
        stages,
        stages_unavailable,
    })
}
