//! Walking a plan: independent steps run at the same time (bounded), each step is journaled
//! before and after, a failure or a cancel stops new steps and lets the running ones finish.
//! Every step is idempotent, so running the same plan again after a crash converges.

use futures_util::stream::{FuturesUnordered, StreamExt};
use serde::Serialize;
use slipway_aws::{AwsError, Connection};
use slipway_core::journal::{OwnedResource, RunLog};
use slipway_core::plan::{resource::resolve, Action, Desired, Observed, Outputs, Plan};
use slipway_core::{ErrorBody, ErrorCode};
use slipway_docker::CancellationToken;
use std::collections::{BTreeMap, BTreeSet};
use std::future::Future;
use std::pin::Pin;
use std::time::Instant;
use ts_rs::TS;

/// How many steps run at once by default.
pub const DEFAULT_CONCURRENCY: usize = 4;

/// What an apply reports as it goes.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ApplyEvent {
    /// A step started its first AWS call.
    StepStarted { key: String, action: Action },
    /// A step finished.
    StepDone {
        key: String,
        action: Action,
        id: String,
        #[ts(type = "number")]
        duration_ms: u64,
    },
    /// A step failed; the apply stops starting new ones.
    StepFailed { key: String, error: ErrorBody },
    /// A step was not run (a step it needs failed, or the apply was cancelled).
    StepSkipped { key: String, reason: String },
}

/// The step that stopped an apply, and why.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct StepFailure {
    pub key: String,
    pub error: ErrorBody,
}

/// The end of an apply.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ApplyReport {
    #[ts(type = "number")]
    pub run_id: i64,
    /// Keys of the steps that finished.
    pub done: Vec<String>,
    pub failed: Option<StepFailure>,
    pub cancelled: bool,
    #[ts(type = "number")]
    pub duration_ms: u64,
}

impl ApplyReport {
    /// Whether every step finished.
    pub fn succeeded(&self) -> bool {
        self.failed.is_none() && !self.cancelled
    }
}

/// Where an apply runs, and what it writes to.
pub struct ApplyContext<'a> {
    pub conn: &'a Connection,
    pub log: &'a dyn RunLog,
    pub project: &'a str,
    pub concurrency: usize,
}

type StepFuture<'a> = Pin<
    Box<dyn Future<Output = (String, Result<Option<Observed>, AwsError>, Instant)> + Send + 'a>,
>;

/// Runs the plan's changing steps in dependency order; `desired` and `observed` are what the
/// plan was made from (by key).
pub async fn apply(
    ctx: &ApplyContext<'_>,
    kind: &str,
    plan: &Plan,
    desired: &BTreeMap<String, Desired>,
    observed: &BTreeMap<String, Observed>,
    cancel: &CancellationToken,
    mut on_event: impl FnMut(ApplyEvent),
) -> ApplyReport {
    let started = Instant::now();
    let run_id = ctx.log.begin_run(ctx.project, kind);
    let mut outputs: Outputs = Outputs::new();
    let mut finished: BTreeSet<String> = BTreeSet::new();
    let mut done: Vec<String> = Vec::new();
    let mut failed: Option<StepFailure> = None;
    let mut cancelled = false;
    // Steps that change nothing complete at once: their outputs are what exists.
    for step in &plan.steps {
        if !step.action.changes() && step.action != Action::Read {
            if let Some(o) = observed.get(&step.key) {
                outputs.insert(step.key.clone(), o.outputs.clone());
            }
            finished.insert(step.key.clone());
        }
    }
    let mut pending: Vec<&slipway_core::plan::PlanStep> = plan
        .steps
        .iter()
        .filter(|s| !finished.contains(&s.key))
        .collect();
    let mut running: FuturesUnordered<StepFuture<'_>> = FuturesUnordered::new();
    let mut in_flight: BTreeMap<String, Action> = BTreeMap::new();
    let concurrency = ctx.concurrency.max(1);
    loop {
        if !cancelled && cancel.is_cancelled() {
            cancelled = true;
        }
        // Start every ready step while there is room (none after a failure or a cancel).
        if failed.is_none() && !cancelled {
            let mut i = 0;
            while i < pending.len() && running.len() < concurrency {
                let step = pending[i];
                let ready = step
                    .deps
                    .iter()
                    .all(|d| finished.contains(d) || !plan.steps.iter().any(|s| &s.key == d));
                if !ready {
                    i += 1;
                    continue;
                }
                pending.remove(i);
                let Some(want) = desired.get(&step.key).cloned().or_else(|| {
                    // A deletion of something no longer wanted: rebuild its identity.
                    observed.get(&step.key).map(|o| Desired {
                        key: o.key.clone(),
                        kind: o.kind,
                        name: o.name.clone(),
                        props: o.props.clone(),
                        deps: Vec::new(),
                        purpose: String::new(),
                        data: false,
                    })
                }) else {
                    continue;
                };
                let current = observed.get(&step.key).cloned();
                let props = resolve(&want.props, &outputs);
                let action = step.action;
                ctx.log.step_started(run_id, &step.key, action_name(action));
                on_event(ApplyEvent::StepStarted {
                    key: step.key.clone(),
                    action,
                });
                in_flight.insert(step.key.clone(), action);
                let conn = ctx.conn;
                let project = ctx.project.to_string();
                running.push(Box::pin(async move {
                    let t0 = Instant::now();
                    let result = run_step(conn, &want, props, current, action, &project).await;
                    (want.key.clone(), result, t0)
                }));
            }
        }
        let Some((key, result, t0)) = (tokio::select! {
            biased;
            _ = cancel.cancelled(), if !cancelled && !running.is_empty() => {
                cancelled = true;
                continue;
            }
            next = running.next(), if !running.is_empty() => next,
            else => None,
        }) else {
            break;
        };
        let action = in_flight.remove(&key).unwrap_or(Action::Keep);
        match result {
            Ok(obs) => {
                let id = obs.as_ref().map(|o| o.id.clone()).unwrap_or_default();
                ctx.log.step_finished(run_id, &key, "done", Some(&id), None);
                match (&obs, action) {
                    (Some(o), Action::Create | Action::Replace | Action::Update) => {
                        ctx.log.owned(&OwnedResource {
                            project: ctx.project.to_string(),
                            profile: ctx.conn.profile.clone(),
                            region: ctx.conn.region.clone(),
                            kind: kind_name(o.kind),
                            key: key.clone(),
                            name: o.name.clone(),
                            id: o.id.clone(),
                        });
                    }
                    (_, Action::Delete) => {
                        if let Some(o) = observed.get(&key) {
                            ctx.log.released(
                                ctx.project,
                                &ctx.conn.profile,
                                &ctx.conn.region,
                                &o.id,
                            );
                        }
                    }
                    _ => {}
                }
                if let Some(o) = obs {
                    outputs.insert(key.clone(), o.outputs);
                }
                finished.insert(key.clone());
                done.push(key.clone());
                on_event(ApplyEvent::StepDone {
                    key,
                    action,
                    id,
                    duration_ms: t0.elapsed().as_millis() as u64,
                });
            }
            Err(e) => {
                let body = ErrorBody::from(e);
                ctx.log
                    .step_finished(run_id, &key, "failed", None, Some(&body.message));
                on_event(ApplyEvent::StepFailed {
                    key: key.clone(),
                    error: body.clone(),
                });
                if failed.is_none() {
                    failed = Some(StepFailure { key, error: body });
                }
            }
        }
    }
    for step in pending {
        let reason = if cancelled {
            "the apply was cancelled".to_string()
        } else {
            match &failed {
                Some(f) => format!("{} failed first", f.key),
                None => "a step it needs did not finish".to_string(),
            }
        };
        on_event(ApplyEvent::StepSkipped {
            key: step.key.clone(),
            reason,
        });
    }
    let status = if failed.is_some() {
        "failed"
    } else if cancelled {
        "cancelled"
    } else {
        "done"
    };
    ctx.log.end_run(run_id, status);
    ApplyReport {
        run_id,
        done,
        failed,
        cancelled,
        duration_ms: started.elapsed().as_millis() as u64,
    }
}

/// One step against AWS.
async fn run_step(
    conn: &Connection,
    want: &Desired,
    props: Result<serde_json::Value, slipway_core::plan::resource::Unknown>,
    current: Option<Observed>,
    action: Action,
    project: &str,
) -> Result<Option<Observed>, AwsError> {
    let resolved = |props: Result<serde_json::Value, slipway_core::plan::resource::Unknown>| {
        props.map_err(|u| AwsError::Call {
            service: "Slipway",
            operation: "Apply",
            code: "UnresolvedReference".into(),
            detail: format!("{} needs {}, which is not there yet", want.key, u.0),
        })
    };
    match action {
        Action::Keep => Ok(current),
        Action::Read => slipway_aws::resources::observe(conn, want, None)
            .await
            .and_then(|o| {
                o.map(Some).ok_or(AwsError::NoDefaultVpc {
                    region: conn.region.clone(),
                })
            }),
        Action::Create => {
            let props = resolved(props)?;
            slipway_aws::resources::create(conn, want, &props, project)
                .await
                .map(Some)
        }
        Action::Update => {
            let props = resolved(props)?;
            match &current {
                Some(c) => slipway_aws::resources::update(conn, want, &props, c, project)
                    .await
                    .map(Some),
                None => slipway_aws::resources::create(conn, want, &props, project)
                    .await
                    .map(Some),
            }
        }
        Action::Replace => {
            let props = resolved(props)?;
            if let Some(c) = &current {
                slipway_aws::resources::delete(conn, c).await?;
            }
            slipway_aws::resources::create(conn, want, &props, project)
                .await
                .map(Some)
        }
        Action::Delete => {
            if let Some(c) = &current {
                slipway_aws::resources::delete(conn, c).await?;
            }
            Ok(None)
        }
    }
}

/// The action as the run log writes it.
pub fn action_name(a: Action) -> &'static str {
    match a {
        Action::Create => "create",
        Action::Update => "update",
        Action::Replace => "replace",
        Action::Delete => "delete",
        Action::Keep => "keep",
        Action::Read => "read",
    }
}

/// The resource kind as the run log writes it.
pub fn kind_name(k: slipway_core::plan::ResourceKind) -> String {
    serde_json::to_value(k)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// An error for a plan that cannot be applied as it stands.
pub fn refuse(message: impl Into<String>, hint: impl Into<String>) -> ErrorBody {
    ErrorBody::new(ErrorCode::InvalidInput, message, hint)
}
