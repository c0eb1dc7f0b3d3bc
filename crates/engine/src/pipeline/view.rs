//! One run of the pipeline as the person sees it: every stage and action of the pipeline's
//! declaration with its state in *this* run (not the latest run's), the CodeBuild phases of
//! its build, and, when it failed, what failed explained in plain words with the evidence (the
//! failing phase and the last log lines, or the ECS deployment that the circuit breaker rolled
//! back). The UI draws this as it is; the tests assert it.
//!
//! Sources: GetPipeline (the declaration: stages, actions, categories, order),
//! GetPipelineExecution (the run), ListActionExecutions filtered to the run (what each action
//! did), GetPipelineState (a stage's Stopped/Cancelled state, which actions do not carry),
//! BatchGetBuilds (phases, logs), GetLogEvents (the log's tail) and DescribeServices (the
//! deployment a failed deploy left). The practice emulator has only the first two; there the
//! actions are reported as unknown with the reason, never guessed.

use super::runs::{self, PipelineRun};
use serde::Serialize;
use slipway_aws::Connection;
use slipway_core::spec::ProjectSpec;
use slipway_core::{ErrorBody, ErrorCode};
use ts_rs::TS;

/// A node's state in the diagram.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum NodeState {
    NotStarted,
    InProgress,
    Succeeded,
    Failed,
    Stopping,
    Stopped,
    Superseded,
    /// Abandoned or cancelled: the run moved on without it.
    Abandoned,
    /// The endpoint does not report it (the practice emulator).
    Unknown,
}

impl NodeState {
    fn of_action(s: &str) -> Self {
        match s {
            "InProgress" => Self::InProgress,
            "Succeeded" => Self::Succeeded,
            "Failed" => Self::Failed,
            "Abandoned" => Self::Abandoned,
            _ => Self::Unknown,
        }
    }
    fn of_stage(s: &str) -> Self {
        match s {
            "InProgress" => Self::InProgress,
            "Succeeded" | "Skipped" => Self::Succeeded,
            "Failed" => Self::Failed,
            "Stopping" => Self::Stopping,
            "Stopped" => Self::Stopped,
            "Cancelled" => Self::Abandoned,
            _ => Self::Unknown,
        }
    }
    fn of_run(s: &str) -> Self {
        match s {
            "InProgress" => Self::InProgress,
            "Succeeded" => Self::Succeeded,
            "Failed" => Self::Failed,
            "Stopping" => Self::Stopping,
            "Stopped" => Self::Stopped,
            "Superseded" => Self::Superseded,
            "Cancelled" => Self::Abandoned,
            _ => Self::Unknown,
        }
    }
    pub fn ended(self) -> bool {
        !matches!(
            self,
            Self::InProgress | Self::Stopping | Self::NotStarted | Self::Unknown
        )
    }
}

/// What kind of work an action does (its category in the declaration).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ActionKind {
    Source,
    Build,
    Test,
    Deploy,
    Approval,
    Invoke,
    Compute,
}

impl ActionKind {
    fn of(c: &str) -> Self {
        match c {
            "Source" => Self::Source,
            "Build" => Self::Build,
            "Test" => Self::Test,
            "Deploy" => Self::Deploy,
            "Approval" => Self::Approval,
            "Compute" => Self::Compute,
            _ => Self::Invoke,
        }
    }
}

/// One phase of a CodeBuild build.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct BuildPhase {
    /// SUBMITTED, QUEUED, PROVISIONING, DOWNLOAD_SOURCE, INSTALL, PRE_BUILD, BUILD,
    /// POST_BUILD, UPLOAD_ARTIFACTS, FINALIZING, COMPLETED.
    pub name: String,
    pub state: NodeState,
    /// CodeBuild's own status (SUCCEEDED, FAILED, FAULT, TIMED_OUT, STOPPED, CLIENT_ERROR).
    pub status: Option<String>,
    #[ts(type = "number | null")]
    pub duration_s: Option<i64>,
    /// CodeBuild's message for the phase, e.g. the command that failed and its exit status.
    pub message: Option<String>,
}

/// The build an action ran.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct BuildInfo {
    pub id: String,
    pub status: Option<String>,
    pub current_phase: Option<String>,
    pub phases: Vec<BuildPhase>,
    pub log_group: Option<String>,
    pub log_stream: Option<String>,
    /// The console's page for the log.
    pub log_link: Option<String>,
}

/// One action of a stage in this run.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ActionView {
    pub name: String,
    pub kind: ActionKind,
    /// The provider: S3, CodeBuild, ECS, Manual ...
    pub provider: String,
    pub run_order: i32,
    pub state: NodeState,
    #[ts(type = "number | null")]
    pub started_ms: Option<i64>,
    #[ts(type = "number | null")]
    pub updated_ms: Option<i64>,
    pub summary: Option<String>,
    pub error: Option<String>,
    pub external_id: Option<String>,
    pub external_url: Option<String>,
    pub build: Option<BuildInfo>,
}

/// One stage in this run.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct StageView {
    pub name: String,
    pub state: NodeState,
    pub actions: Vec<ActionView>,
}

/// What a failure was, for the explanation and the UI's icon.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum FailureKind {
    Source,
    BuildPhase,
    Deploy,
    CircuitBreaker,
    ContainerName,
    PassRole,
    Approval,
    Other,
}

/// The ECS deployment a failed deploy action left behind.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct DeployFacts {
    /// The deployment that failed, with ECS's reason.
    pub failed_task_definition: Option<String>,
    pub failed_reason: Option<String>,
    /// The deployment now serving (the one ECS rolled back to).
    pub serving_task_definition: Option<String>,
    pub rolled_back: bool,
    /// The service's latest events, newest first.
    pub events: Vec<String>,
}

/// A failed run explained.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct Failure {
    pub kind: FailureKind,
    pub stage: String,
    pub action: String,
    /// One line: what went wrong.
    pub title: String,
    /// What it means, in plain words.
    pub explanation: String,
    /// What to do.
    pub hint: String,
    /// AWS's own message.
    pub aws_message: Option<String>,
    /// The build phase that failed.
    pub phase: Option<String>,
    /// The last lines of the build's log.
    pub log_tail: Vec<String>,
    pub deploy: Option<DeployFacts>,
    /// Which explanation this is, for the UI's catalogues (`pipeline.failure.k.<key>`): `pass_role`,
    /// `approval`, `source_branch`, `source_connection`, `source_missing`, `build`,
    /// `container_name`, `circuit_breaker`, `deploy`, `other`. The English fields above are
    /// what the CLI prints and the UI's fallback.
    pub key: String,
    /// The values the texts name (`stage`, `action`, `phase`, `message`, `container`, `serving`).
    pub params: std::collections::BTreeMap<String, String>,
}

/// One run, drawn.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct RunView {
    pub pipeline: String,
    pub run: PipelineRun,
    pub state: NodeState,
    /// The revision flowing through: S3 version or commit, with its summary (commit message).
    pub revision: Option<String>,
    pub revision_summary: Option<String>,
    pub stages: Vec<StageView>,
    pub failure: Option<Failure>,
    /// Why the action states are unknown, when they are.
    pub actions_unavailable: Option<ErrorBody>,
    /// A failed stage that RetryStageExecution can re-run.
    pub retryable_stage: Option<String>,
    /// Whether StopPipelineExecution applies.
    pub stoppable: bool,
}

/// True when a practice emulator answered an operation it does not implement.
pub(crate) fn practice_gap<E, R>(
    conn: &Connection,
    e: &aws_smithy_runtime_api::client::result::SdkError<E, R>,
) -> bool
where
    E: aws_smithy_types::error::metadata::ProvideErrorMetadata,
{
    conn.practice && slipway_aws::error::code_of(e).is_none_or(|c| c == "Unknown" || c.is_empty())
}

fn millis(t: Option<&aws_smithy_types::DateTime>) -> Option<i64> {
    t.and_then(|t| t.to_millis().ok())
}

/// Raw facts about one action execution, before the view is drawn.
#[derive(Debug, Clone)]
struct Executed {
    stage: String,
    action: String,
    status: String,
    started_ms: Option<i64>,
    updated_ms: Option<i64>,
    summary: Option<String>,
    error: Option<String>,
    external_id: Option<String>,
    external_url: Option<String>,
}

/// Reads one run (the latest when `run_id` is None) and draws it.
pub async fn run_view(
    conn: &Connection,
    spec: &ProjectSpec,
    run_id: Option<&str>,
) -> Result<RunView, ErrorBody> {
    let name = runs::name_of(conn, spec);
    let cp = conn.codepipeline();
    let declared = match cp.get_pipeline().name(&name).send().await {
        Ok(o) => o,
        Err(e) if slipway_aws::error::code_of(&e) == Some("PipelineNotFoundException") => {
            return Err(runs::not_found(spec, conn))
        }
        Err(e) => return Err(conn.fail("CodePipeline", "GetPipeline")(e).into()),
    };
    let run_id = match run_id {
        Some(id) => id.to_string(),
        None => match runs::list(conn, spec, 1).await?.into_iter().next() {
            Some(r) => r.id,
            None => {
                return Err(ErrorBody::new(
                    ErrorCode::InvalidInput,
                    format!("The pipeline {name} has not run yet."),
                    "Start a run (`slipway pipeline run`, or Start run in the Pipeline step).",
                ))
            }
        },
    };
    let exec = cp
        .get_pipeline_execution()
        .pipeline_name(&name)
        .pipeline_execution_id(&run_id)
        .send()
        .await
        .map_err(|e| {
            if slipway_aws::error::code_of(&e) == Some("PipelineExecutionNotFoundException") {
                ErrorBody::new(
                    ErrorCode::InvalidInput,
                    format!("The pipeline {name} has no run {run_id}."),
                    "List the runs with `slipway pipeline status` and pick one of them.",
                )
            } else {
                conn.fail("CodePipeline", "GetPipelineExecution")(e).into()
            }
        })?;
    let exec = exec.pipeline_execution().cloned().unwrap_or_else(|| {
        aws_sdk_codepipeline::types::PipelineExecution::builder()
            .pipeline_execution_id(&run_id)
            .build()
    });
    // The run's summary (start time, trigger) comes from the list; GetPipelineExecution has
    // no times.
    let summary = runs::list(conn, spec, 50)
        .await?
        .into_iter()
        .find(|r| r.id == run_id);
    let status = exec
        .status()
        .map(|s| s.as_str().to_string())
        .unwrap_or_default();
    let run = summary.unwrap_or_else(|| PipelineRun {
        id: run_id.clone(),
        status: status.clone(),
        status_summary: exec.status_summary().map(str::to_string),
        trigger: exec
            .trigger()
            .and_then(|t| t.trigger_type())
            .map(|t| t.as_str().to_string()),
        started_ms: None,
        updated_ms: None,
        duration_ms: None,
        revisions: Vec::new(),
    });
    let revision = exec.artifact_revisions().first();
    let revision_id = revision.and_then(|r| r.revision_id()).map(str::to_string);
    let revision_summary = revision
        .and_then(|r| r.revision_summary())
        .map(str::to_string);

    // What each action did in this run.
    let mut executed: Vec<Executed> = Vec::new();
    let mut actions_unavailable = None;
    let mut token: Option<String> = None;
    loop {
        let out = cp
            .list_action_executions()
            .pipeline_name(&name)
            .filter(
                aws_sdk_codepipeline::types::ActionExecutionFilter::builder()
                    .pipeline_execution_id(&run_id)
                    .build(),
            )
            .set_next_token(token.clone())
            .send()
            .await;
        let out = match out {
            Ok(o) => o,
            Err(e) if practice_gap(conn, &e) => {
                actions_unavailable = Some(ErrorBody::new(
                    ErrorCode::PracticeUnsupported,
                    "The practice emulator does not report what each action did (ListActionExecutions), and it runs no build or deploy: its runs are marked Succeeded at once.",
                    "The run and its status are real; to watch real stages, builds and logs, use an AWS profile.",
                ));
                break;
            }
            Err(e) => return Err(conn.fail("CodePipeline", "ListActionExecutions")(e).into()),
        };
        for d in out.action_execution_details() {
            let result = d.output().and_then(|o| o.execution_result());
            executed.push(Executed {
                stage: d.stage_name().unwrap_or_default().to_string(),
                action: d.action_name().unwrap_or_default().to_string(),
                status: d
                    .status()
                    .map(|s| s.as_str().to_string())
                    .unwrap_or_default(),
                started_ms: millis(d.start_time()),
                updated_ms: millis(d.last_update_time()),
                summary: result
                    .and_then(|r| r.external_execution_summary())
                    .map(str::to_string),
                error: result
                    .and_then(|r| r.error_details())
                    .and_then(|e| e.message())
                    .map(str::to_string),
                external_id: result
                    .and_then(|r| r.external_execution_id())
                    .map(str::to_string),
                external_url: result
                    .and_then(|r| r.external_execution_url())
                    .map(str::to_string),
            });
        }
        token = out.next_token().map(str::to_string);
        if token.is_none() {
            break;
        }
    }

    // Stage states: only GetPipelineState knows a stage was stopped; it reports the latest
    // run of each stage, so it is used only where that is this run.
    let stage_states = if actions_unavailable.is_none() {
        match runs::stages(conn, spec).await {
            Ok(s) => s,
            Err(e) => {
                tracing::debug!(error = %e.message, "no stage states");
                Vec::new()
            }
        }
    } else {
        Vec::new()
    };

    let run_state = NodeState::of_run(&status);
    let mut stages = Vec::new();
    for st in declared.pipeline().map(|p| p.stages()).unwrap_or_default() {
        let mut actions = Vec::new();
        for a in st.actions() {
            let type_id = a.action_type_id();
            let mine = executed
                .iter()
                .filter(|e| e.stage == st.name() && e.action == a.name())
                .max_by_key(|e| e.started_ms.unwrap_or(0));
            let state = match (mine, &actions_unavailable) {
                (_, Some(_)) => NodeState::Unknown,
                (Some(e), None) => NodeState::of_action(&e.status),
                (None, None) => NodeState::NotStarted,
            };
            actions.push(ActionView {
                name: a.name().to_string(),
                kind: ActionKind::of(type_id.map(|t| t.category().as_str()).unwrap_or("")),
                provider: type_id
                    .map(|t| t.provider().to_string())
                    .unwrap_or_default(),
                run_order: a.run_order().unwrap_or(1),
                state,
                started_ms: mine.and_then(|e| e.started_ms),
                updated_ms: mine.and_then(|e| e.updated_ms),
                summary: mine.and_then(|e| e.summary.clone()),
                error: mine.and_then(|e| e.error.clone()),
                external_id: mine.and_then(|e| e.external_id.clone()),
                external_url: mine.and_then(|e| e.external_url.clone()),
                build: None,
            });
        }
        let reported = stage_states
            .iter()
            .find(|s| s.name == st.name() && s.run_id.as_deref() == Some(run_id.as_str()))
            .and_then(|s| s.status.as_deref())
            .map(NodeState::of_stage);
        let state = reported.unwrap_or_else(|| stage_state(&actions, run_state));
        stages.push(StageView {
            name: st.name().to_string(),
            state,
            actions,
        });
    }

    // The builds: phases for every build action that ran.
    let build_ids: Vec<String> = stages
        .iter()
        .flat_map(|s| &s.actions)
        .filter(|a| a.provider == "CodeBuild")
        .filter_map(|a| a.external_id.clone())
        .collect();
    if !build_ids.is_empty() {
        let builds = builds(conn, &build_ids).await?;
        for a in stages.iter_mut().flat_map(|s| s.actions.iter_mut()) {
            if let Some(id) = &a.external_id {
                a.build = builds.iter().find(|b| &b.id == id).cloned();
            }
        }
    }

    let failure = match stages.iter().find_map(|s| {
        s.actions
            .iter()
            .find(|a| a.state == NodeState::Failed)
            .map(|a| (s, a))
    }) {
        Some((s, a)) => Some(explain(conn, spec, s, a).await),
        None => None,
    };
    let retryable_stage = if run_state == NodeState::Failed {
        stages
            .iter()
            .find(|s| s.state == NodeState::Failed)
            .map(|s| s.name.clone())
    } else {
        None
    };
    Ok(RunView {
        pipeline: name,
        state: run_state,
        stoppable: run_state == NodeState::InProgress,
        run,
        revision: revision_id,
        revision_summary,
        stages,
        failure,
        actions_unavailable,
        retryable_stage,
    })
}

/// A stage's state from its actions when AWS did not report it for this run.
fn stage_state(actions: &[ActionView], run: NodeState) -> NodeState {
    let any = |s: NodeState| actions.iter().any(|a| a.state == s);
    if actions.iter().all(|a| a.state == NodeState::Unknown) && !actions.is_empty() {
        return NodeState::Unknown;
    }
    if any(NodeState::Failed) {
        NodeState::Failed
    } else if any(NodeState::InProgress) {
        match run {
            NodeState::Stopping => NodeState::Stopping,
            _ => NodeState::InProgress,
        }
    } else if !actions.is_empty() && actions.iter().all(|a| a.state == NodeState::Succeeded) {
        NodeState::Succeeded
    } else if any(NodeState::Abandoned) {
        NodeState::Abandoned
    } else if any(NodeState::Succeeded) {
        // Some actions ran, the rest never will: the run ended in between.
        match run {
            NodeState::Stopped | NodeState::Superseded => run,
            _ => NodeState::InProgress,
        }
    } else {
        NodeState::NotStarted
    }
}

/// The builds' phases and logs (BatchGetBuilds).
pub async fn builds(conn: &Connection, ids: &[String]) -> Result<Vec<BuildInfo>, ErrorBody> {
    let out = conn
        .codebuild()
        .batch_get_builds()
        .set_ids(Some(ids.to_vec()))
        .send()
        .await
        .map_err(conn.fail("CodeBuild", "BatchGetBuilds"))?;
    Ok(out
        .builds()
        .iter()
        .map(|b| {
            let build_ended = b
                .build_status()
                .is_some_and(|s| s.as_str() != "IN_PROGRESS");
            BuildInfo {
                id: b.id().unwrap_or_default().to_string(),
                status: b.build_status().map(|s| s.as_str().to_string()),
                current_phase: b.current_phase().map(str::to_string),
                phases: b
                    .phases()
                    .iter()
                    .map(|p| {
                        let status = p.phase_status().map(|s| s.as_str().to_string());
                        BuildPhase {
                            name: p
                                .phase_type()
                                .map(|t| t.as_str().to_string())
                                .unwrap_or_default(),
                            state: match status.as_deref() {
                                Some("SUCCEEDED") => NodeState::Succeeded,
                                Some("FAILED" | "FAULT" | "TIMED_OUT" | "CLIENT_ERROR") => {
                                    NodeState::Failed
                                }
                                Some("STOPPED") => NodeState::Stopped,
                                // COMPLETED has no status; a phase of a finished build is done.
                                Some("IN_PROGRESS") | None => {
                                    if p.end_time().is_some() || build_ended {
                                        NodeState::Succeeded
                                    } else {
                                        NodeState::InProgress
                                    }
                                }
                                Some(_) => NodeState::Unknown,
                            },
                            status,
                            duration_s: p.duration_in_seconds(),
                            message: p
                                .contexts()
                                .iter()
                                .filter_map(|c| c.message())
                                .filter(|m| !m.is_empty())
                                .map(str::to_string)
                                .next(),
                        }
                    })
                    .collect(),
                log_group: b.logs().and_then(|l| l.group_name()).map(str::to_string),
                log_stream: b.logs().and_then(|l| l.stream_name()).map(str::to_string),
                log_link: b.logs().and_then(|l| l.deep_link()).map(str::to_string),
            }
        })
        .collect())
}

/// A page of a build's log.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct LogPage {
    pub lines: Vec<BuildLogLine>,
    /// Pass back to read what came after; the same token comes back when nothing new arrived.
    pub next_token: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct BuildLogLine {
    #[ts(type = "number")]
    pub at_ms: i64,
    pub message: String,
}

/// Reads a build's log from the start (`token` None) or from where the last page ended.
/// A log that does not exist yet (the build is still provisioning) is an empty page.
pub async fn build_log(
    conn: &Connection,
    group: &str,
    stream: &str,
    token: Option<&str>,
    limit: i32,
) -> Result<LogPage, ErrorBody> {
    let out = conn
        .logs()
        .get_log_events()
        .log_group_name(group)
        .log_stream_name(stream)
        .start_from_head(true)
        .limit(limit)
        .set_next_token(token.map(str::to_string))
        .send()
        .await;
    let out = match out {
        Ok(o) => o,
        Err(e) if slipway_aws::error::code_of(&e) == Some("ResourceNotFoundException") => {
            return Ok(LogPage {
                lines: Vec::new(),
                next_token: token.map(str::to_string),
            })
        }
        Err(e) => return Err(conn.fail("CloudWatch Logs", "GetLogEvents")(e).into()),
    };
    Ok(LogPage {
        lines: out
            .events()
            .iter()
            .map(|e| BuildLogLine {
                at_ms: e.timestamp().unwrap_or(0),
                message: e.message().unwrap_or_default().trim_end().to_string(),
            })
            .collect(),
        next_token: out.next_forward_token().map(str::to_string),
    })
}

/// The last `n` lines of a build's log.
pub async fn log_tail(conn: &Connection, group: &str, stream: &str, n: i32) -> Vec<String> {
    match conn
        .logs()
        .get_log_events()
        .log_group_name(group)
        .log_stream_name(stream)
        .start_from_head(false)
        .limit(n)
        .send()
        .await
    {
        Ok(o) => o
            .events()
            .iter()
            .filter_map(|e| e.message())
            .map(|m| m.trim_end().to_string())
            .collect(),
        Err(e) => {
            tracing::debug!(error = %e, "no log tail");
            Vec::new()
        }
    }
}

fn phase_words(phase: &str) -> (&'static str, &'static str) {
    match phase {
        "PROVISIONING" | "QUEUED" | "SUBMITTED" => (
            "CodeBuild could not start the build environment.",
            "Check the build image and compute type in [pipeline.build], and the account's CodeBuild quota; privileged mode must be on for Docker (Slipway sets it).",
        ),
        "DOWNLOAD_SOURCE" => (
            "CodeBuild could not fetch the source the Source stage produced.",
            "Apply the pipeline again so the build role may read the artifact bucket.",
        ),
        "INSTALL" => (
            "A command in the buildspec's install phase failed.",
            "Read the last log lines below; the install commands are in buildspec.yml.",
        ),
        "PRE_BUILD" => (
            "The pre-build phase failed: usually the login to ECR (the build role needs ecr:GetAuthorizationToken) or the app's tests.",
            "Read the last log lines below. If the login failed, apply the pipeline again to restore the build role's policy; if a test failed, fix it and push again.",
        ),
        "BUILD" => (
            "The Docker build failed inside CodeBuild: a Dockerfile step or a test command exited with an error.",
            "Read the last log lines below, reproduce with `slipway build` on your machine (step 2), fix it and start a new run.",
        ),
        "POST_BUILD" => (
            "The image was built but pushing it to ECR or writing imagedefinitions.json failed.",
            "Read the last log lines below. A push that is denied means the build role may not push to this repository: apply the pipeline again. A tag that exists means the repository's tags are immutable and the commit was built before.",
        ),
        "UPLOAD_ARTIFACTS" => (
            "The build finished but its artifact (imagedefinitions.json) was not found.",
            "The buildspec's artifacts.files must list imagedefinitions.json and post_build must write it; `slipway pipeline buildspec --check` shows what is missing.",
        ),
        _ => (
            "The build failed.",
            "Read the last log lines below and the phase's message.",
        ),
    }
}

async fn explain(conn: &Connection, spec: &ProjectSpec, s: &StageView, a: &ActionView) -> Failure {
    let msg = a.error.clone().unwrap_or_default();
    let lower = msg.to_lowercase();
    let mut f = Failure {
        kind: FailureKind::Other,
        stage: s.name.clone(),
        action: a.name.clone(),
        title: format!("{} failed in stage {}.", a.name, s.name),
        explanation: String::new(),
        hint: String::new(),
        aws_message: a.error.clone(),
        phase: None,
        log_tail: Vec::new(),
        deploy: None,
        key: "other".into(),
        params: [("stage", &s.name), ("action", &a.name)]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect(),
    };
    if lower.contains("iam:passrole") {
        f.kind = FailureKind::PassRole;
        f.key = "pass_role".into();
        f.title = "AWS refused to let the pipeline hand a role to ECS (iam:PassRole).".into();
        f.explanation = "The pipeline's role may pass only the task's roles that Slipway created. The task definition now names another role, or the pipeline role's policy was changed.".into();
        f.hint = "Apply the pipeline again to restore the pipeline role's policy; if the task definition should use another role, add it to the service settings and apply the service first.".into();
        return f;
    }
    match a.kind {
        ActionKind::Approval => {
            f.kind = FailureKind::Approval;
            f.key = "approval".into();
            f.title = "The approval was rejected.".into();
            f.explanation = "Someone rejected the manual approval, so the deploy did not run. The service still runs the previous version.".into();
            f.hint =
                "Read the reviewer's comment; start a new run when the change is ready.".into();
        }
        ActionKind::Source => {
            f.kind = FailureKind::Source;
            f.title = "The pipeline could not read the source.".into();
            f.key = if lower.contains("branch") {
                "source_branch"
            } else if lower.contains("connection") {
                "source_connection"
            } else {
                "source_missing"
            }
            .into();
            f.explanation = if lower.contains("branch") {
                "The branch the pipeline watches does not exist in the repository (or was renamed)."
                    .into()
            } else if lower.contains("connection") {
                "The connection to GitHub is not usable: it is pending approval, or the app lost access to the repository.".into()
            } else {
                "The source object or repository the pipeline reads is missing or not readable."
                    .into()
            };
            f.hint = "Check [pipeline.source] in slipway.toml (repository and branch), then apply the pipeline again; for an S3 source, `slipway pipeline apply` uploads the folder again.".into();
        }
        ActionKind::Build | ActionKind::Test => {
            f.kind = FailureKind::BuildPhase;
            f.key = "build".into();
            let build = a.build.as_ref();
            let failed = build.and_then(|b| b.phases.iter().find(|p| p.state == NodeState::Failed));
            let phase = failed.map(|p| p.name.clone());
            let (what, todo) = phase_words(phase.as_deref().unwrap_or(""));
            f.title = match &phase {
                Some(p) => format!("The build failed in its {p} phase."),
                None => "The build failed.".into(),
            };
            f.explanation = match failed.and_then(|p| p.message.clone()) {
                Some(m) => format!("{what} CodeBuild says: {m}"),
                None => what.into(),
            };
            f.hint = todo.into();
            if let Some(p) = &phase {
                f.params.insert("phase".into(), p.clone());
            }
            if let Some(m) = failed.and_then(|p| p.message.clone()) {
                f.params.insert("message".into(), m);
            }
            f.phase = phase;
            if let Some(b) = build {
                if let (Some(g), Some(st)) = (&b.log_group, &b.log_stream) {
                    f.log_tail = log_tail(conn, g, st, 20).await;
                }
            }
        }
        ActionKind::Deploy => {
            let container = spec.app.name.clone();
            if lower.contains("does not exist in the task definition")
                || lower.contains("container")
                    && (lower.contains("not found") || lower.contains("does not match"))
            {
                f.kind = FailureKind::ContainerName;
                f.key = "container_name".into();
                f.params.insert("container".into(), container.clone());
                f.title =
                    "imagedefinitions.json names a container the task definition does not have."
                        .into();
                f.explanation = format!("The deploy action looks up each \"name\" of imagedefinitions.json in the task definition; the service's container is called {container}. This mismatch is the most common failure in the labs.");
                f.hint = format!("Write \"name\":\"{container}\" in buildspec.yml's printf line (`slipway pipeline buildspec --check` finds it), commit and run again.");
            } else {
                let facts = deploy_facts(conn, spec).await;
                let breaker = lower.contains("circuit breaker")
                    || facts.as_ref().is_some_and(|d| {
                        d.failed_reason
                            .as_deref()
                            .is_some_and(|r| r.to_lowercase().contains("circuit breaker"))
                    });
                if breaker {
                    f.kind = FailureKind::CircuitBreaker;
                    f.key = "circuit_breaker".into();
                    if let Some(td) = facts
                        .as_ref()
                        .and_then(|d| d.serving_task_definition.clone())
                    {
                        f.params.insert("serving".into(), td);
                    }
                    f.title =
                        "The new version never became healthy, so ECS rolled the service back."
                            .into();
                    f.explanation = match facts.as_ref().and_then(|d| d.serving_task_definition.clone()) {
                        Some(td) => format!("ECS started tasks of the new image; they kept stopping or failing the load balancer's health check, so the deployment circuit breaker stopped the rollout and went back to {td}. The previous version is still serving."),
                        None => "ECS started tasks of the new image; they kept stopping or failing the load balancer's health check, so the deployment circuit breaker stopped the rollout and went back to the previous version, which is still serving.".into(),
                    };
                    f.hint = "Open the service's rollout (step 4) and read why the tasks stopped: a crash at start (the app's log), a wrong port, or a health path that does not answer 200. Fix it, then start a new run.".into();
                } else {
                    f.kind = FailureKind::Deploy;
                    f.key = "deploy".into();
                    f.title = "The deploy to ECS failed.".into();
                    f.explanation = "CodePipeline could not finish the ECS deployment in time or ECS refused it.".into();
                    f.hint = "Open the service's rollout (step 4) for the tasks and events; AWS's message is below.".into();
                }
                f.deploy = facts;
            }
        }
        _ => {
            f.explanation = "The action failed; AWS's message is below.".into();
            f.hint = "Open the action's link for details.".into();
        }
    }
    f
}

/// The deployments and latest events of the project's service (DescribeServices).
async fn deploy_facts(conn: &Connection, spec: &ProjectSpec) -> Option<DeployFacts> {
    let names = crate::deploy::names(spec);
    let out = conn
        .ecs()
        .describe_services()
        .cluster(&names.cluster)
        .services(&names.service)
        .send()
        .await
        .map_err(|e| tracing::debug!(error = %e, "no deploy facts"))
        .ok()?;
    let svc = out.services().first()?;
    let short = |td: &str| td.rsplit('/').next().unwrap_or(td).to_string();
    let failed = svc
        .deployments()
        .iter()
        .find(|d| d.rollout_state().is_some_and(|s| s.as_str() == "FAILED"));
    let primary = svc
        .deployments()
        .iter()
        .find(|d| d.status() == Some("PRIMARY"));
    let rolled_back = failed.is_some()
        && primary.is_some_and(|p| p.task_definition() != failed.and_then(|f| f.task_definition()));
    Some(DeployFacts {
        failed_task_definition: failed.and_then(|d| d.task_definition()).map(short),
        failed_reason: failed
            .and_then(|d| d.rollout_state_reason())
            .map(str::to_string),
        serving_task_definition: primary.and_then(|d| d.task_definition()).map(short),
        rolled_back,
        events: svc
            .events()
            .iter()
            .take(5)
            .filter_map(|e| e.message())
            .map(str::to_string)
            .collect(),
    })
}

/// Stops a run. `abandon` stops at once (actions in progress are abandoned); otherwise the
/// actions in progress finish first.
pub async fn stop(
    conn: &Connection,
    spec: &ProjectSpec,
    run_id: &str,
    abandon: bool,
) -> Result<(), ErrorBody> {
    let name = runs::name_of(conn, spec);
    match conn
        .codepipeline()
        .stop_pipeline_execution()
        .pipeline_name(&name)
        .pipeline_execution_id(run_id)
        .abandon(abandon)
        .reason("Stopped from Slipway")
        .send()
        .await
    {
        Ok(_) => Ok(()),
        Err(e) if practice_gap(conn, &e) => Err(unsupported("StopPipelineExecution")),
        Err(e) if slipway_aws::error::code_of(&e) == Some("PipelineExecutionNotStoppableException") => {
            Err(ErrorBody::new(
                ErrorCode::InvalidInput,
                format!("The run {run_id} cannot be stopped: it has ended or is already stopping."),
                "Refresh the runs; a run that is stopping can still be abandoned (stop and abandon).",
            ))
        }
        Err(e) => Err(conn.fail("CodePipeline", "StopPipelineExecution")(e).into()),
    }
}

/// Re-runs the failed actions of a failed stage in the same run.
pub async fn retry(
    conn: &Connection,
    spec: &ProjectSpec,
    run_id: &str,
    stage: &str,
) -> Result<String, ErrorBody> {
    let name = runs::name_of(conn, spec);
    match conn
        .codepipeline()
        .retry_stage_execution()
        .pipeline_name(&name)
        .stage_name(stage)
        .pipeline_execution_id(run_id)
        .retry_mode(aws_sdk_codepipeline::types::StageRetryMode::FailedActions)
        .send()
        .await
    {
        Ok(o) => Ok(o.pipeline_execution_id().unwrap_or(run_id).to_string()),
        Err(e) if practice_gap(conn, &e) => Err(unsupported("RetryStageExecution")),
        Err(e) if slipway_aws::error::code_of(&e) == Some("StageNotRetryableException") => {
            Err(ErrorBody::new(
                ErrorCode::InvalidInput,
                format!("Stage {stage} of run {run_id} cannot be retried: it has not failed, the run has moved on, or the pipeline changed since."),
                "Start a new run instead.",
            ))
        }
        Err(e) => Err(conn.fail("CodePipeline", "RetryStageExecution")(e).into()),
    }
}

fn unsupported(op: &str) -> ErrorBody {
    ErrorBody::new(
        ErrorCode::PracticeUnsupported,
        format!("The practice emulator does not implement {op}: its runs end at once, so there is nothing to stop or retry."),
        "Use an AWS profile to stop or retry real runs.",
    )
}

/// What a run's change between two looks means for a person who is not looking (a desktop
/// notification): a run that was going on ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunMilestone {
    Succeeded {
        run: String,
    },
    /// With the failure's one-line title when the run was explained.
    Failed {
        run: String,
        why: Option<String>,
    },
    Stopped {
        run: String,
    },
}

/// The milestone between the state a run had at the previous look (`before`) and `now`; none
/// for a run first seen already ended (nothing happened while the person looked).
pub fn run_milestone(before: Option<NodeState>, now: &RunView) -> Option<RunMilestone> {
    if before != Some(NodeState::InProgress) && before != Some(NodeState::Stopping) {
        return None;
    }
    let run = now.run.id.clone();
    match now.state {
        NodeState::Succeeded => Some(RunMilestone::Succeeded { run }),
        NodeState::Failed => Some(RunMilestone::Failed {
            run,
            why: now.failure.as_ref().map(|f| f.title.clone()),
        }),
        NodeState::Stopped => Some(RunMilestone::Stopped { run }),
        _ => None,
    }
}
