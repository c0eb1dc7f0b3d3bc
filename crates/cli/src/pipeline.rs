//! `slipway pipeline plan|apply|destroy|buildspec|run|status`: step 5 on a terminal. Like the
//! service commands, nothing changes in AWS before the person confirms (`--yes` for scripts),
//! and buildspec.yml is never replaced without `--force`.

use crate::local::{emit, resolve_dir};
use crate::output;
use crate::service::{confirm, load, print_apply_event, print_plan, Ctx};
use crate::Outcome;
use slipway_core::buildspec::{check as check_buildspec, container_name, generate};
use slipway_core::spec::BUILDSPEC_FILE;
use slipway_core::{ErrorBody, ErrorCode};
use slipway_docker::CancellationToken;
use slipway_engine::pipeline::{self as engine, runs, view};
use std::path::Path;

/// `slipway pipeline plan`.
pub async fn plan(ctx: &Ctx, dir: &Path) -> Outcome {
    let (spec, conn) = match load(ctx, dir).await {
        Ok(x) => x,
        Err((e, o)) => return output::error(ctx.json, &e, o),
    };
    let dir = match resolve_dir(dir) {
        Ok(d) => d,
        Err(e) => return output::error(ctx.json, &e, Outcome::BadInput),
    };
    let change = match engine::plan_pipeline(&conn, &spec, &dir, &engine::scratch_dir()).await {
        Ok(c) => c,
        Err(e) => return output::error(ctx.json, &e, Outcome::Failed),
    };
    let cost = slipway_core::cost::pipeline_cost_for(&spec, &conn.region);
    let connection = engine::connection_notice(&conn, change.observed.get("connection"));
    if ctx.json {
        emit(&serde_json::json!({"plan": change.plan, "cost": cost, "connection": connection}));
    } else {
        print_plan(&change.plan, Some(&cost));
        if let Some(n) = &connection {
            println!("\nNote: {}\n  {}", n.message, n.hint);
        }
    }
    Outcome::Success
}

/// `slipway pipeline apply`.
pub async fn apply(ctx: &Ctx, dir: &Path, yes: bool, concurrency: usize) -> Outcome {
    let (spec, conn) = match load(ctx, dir).await {
        Ok(x) => x,
        Err((e, o)) => return output::error(ctx.json, &e, o),
    };
    let dir = match resolve_dir(dir) {
        Ok(d) => d,
        Err(e) => return output::error(ctx.json, &e, Outcome::BadInput),
    };
    let change = match engine::plan_pipeline(&conn, &spec, &dir, &engine::scratch_dir()).await {
        Ok(c) => c,
        Err(e) => return output::error(ctx.json, &e, Outcome::Failed),
    };
    let cost = slipway_core::cost::pipeline_cost_for(&spec, &conn.region);
    if !ctx.json {
        print_plan(&change.plan, Some(&cost));
    }
    if change.plan.is_noop() {
        let connection = engine::connection_notice(&conn, change.observed.get("connection"));
        if ctx.json {
            emit(&serde_json::json!({"kind": "noop", "connection": connection}));
        } else {
            println!("Nothing to change.");
            if let Some(n) = &connection {
                println!("\nNote: {}\n  {}", n.message, n.hint);
            }
        }
        return Outcome::Success;
    }
    if !yes {
        match confirm("Apply these changes?") {
            Ok(true) => {}
            Ok(false) => {
                println!("Nothing was changed.");
                return Outcome::Success;
            }
            Err(e) => return output::error(ctx.json, &e, Outcome::BadInput),
        }
    }
    let cancel = CancellationToken::new();
    crate::local::cancel_on_ctrl_c(&cancel);
    let json = ctx.json;
    let outcome = engine::apply_pipeline(
        &conn,
        ctx.store.as_ref(),
        &spec,
        &change,
        concurrency,
        &cancel,
        |e| {
            if json {
                emit(&serde_json::json!({"phase": "apply", "event": e}));
            } else {
                print_apply_event(&e);
            }
        },
    )
    .await;
    if json {
        emit(&serde_json::json!({"kind": "done", "outcome": outcome}));
    }
    if let Some(f) = &outcome.report.failed {
        if !json {
            eprintln!("\nThe apply stopped at {}. Run `slipway pipeline apply` again: finished steps are kept and it picks up where it stopped.", f.key);
        }
        return Outcome::Failed;
    }
    if outcome.report.cancelled {
        if !json {
            println!("Cancelled; what was created is kept. Apply again to finish, or destroy.");
        }
        return Outcome::Failed;
    }
    if !json {
        println!("\nThe pipeline {} is in place.", spec.app.name);
        if let Some(id) = &outcome.started_run {
            println!(
                "New source was uploaded: run {id} started (`slipway pipeline status` follows it)."
            );
        }
        if let Some(n) = &outcome.connection {
            println!("\nNext step: {}\n  {}", n.message, n.hint);
        }
        println!(
            "With about {} runs a month it costs about ${:.2} a month.",
            slipway_core::cost::ASSUMED_RUNS_PER_MONTH,
            outcome.cost.monthly
        );
    }
    Outcome::Success
}

/// `slipway pipeline destroy`: the pipeline's resources; the service stays.
pub async fn destroy(ctx: &Ctx, dir: &Path, yes: bool, concurrency: usize) -> Outcome {
    let (spec, conn) = match load(ctx, dir).await {
        Ok(x) => x,
        Err((e, o)) => return output::error(ctx.json, &e, o),
    };
    let change = match engine::plan_pipeline_destroy(&conn, ctx.store.as_ref(), &spec).await {
        Ok(c) => c,
        Err(e) => return output::error(ctx.json, &e, Outcome::Failed),
    };
    if !ctx.json {
        if change.plan.steps.is_empty() {
            println!(
                "No pipeline of {} exists in {} ({}).",
                spec.app.name, conn.region, conn.profile
            );
        } else {
            print_plan(&change.plan, None);
            println!("The service stays; `slipway destroy` removes both.");
        }
    }
    if change.plan.steps.is_empty() {
        if ctx.json {
            emit(&serde_json::json!({"kind": "done", "left": Vec::<String>::new()}));
        }
        return Outcome::Success;
    }
    if !yes {
        match confirm(
            "Delete the pipeline, its build project, roles and bucket (with every file in it)?",
        ) {
            Ok(true) => {}
            Ok(false) => {
                println!("Nothing was deleted.");
                return Outcome::Success;
            }
            Err(e) => return output::error(ctx.json, &e, Outcome::BadInput),
        }
    }
    let cancel = CancellationToken::new();
    crate::local::cancel_on_ctrl_c(&cancel);
    let json = ctx.json;
    let result = engine::destroy_pipeline(
        &conn,
        ctx.store.as_ref(),
        &spec,
        &change,
        concurrency,
        &cancel,
        |e| {
            if json {
                emit(&serde_json::to_value(&e).unwrap_or_default());
            } else {
                print_apply_event(&e);
            }
        },
    )
    .await;
    let (report, left) = match result {
        Ok(r) => r,
        Err(e) => return output::error(ctx.json, &e, Outcome::Failed),
    };
    if json {
        emit(&serde_json::json!({"kind": "done", "report": report, "left": left}));
    } else if left.is_empty() {
        println!(
            "\nDone: nothing of the pipeline of {} is left.",
            spec.app.name
        );
    } else {
        eprintln!(
            "\n{} resource(s) are still there:\n  {}",
            left.len(),
            left.join("\n  ")
        );
    }
    if report.succeeded() && left.is_empty() {
        Outcome::Success
    } else {
        Outcome::Failed
    }
}

/// `slipway pipeline buildspec`: prints the buildspec Slipway writes; with `--write`, writes it
/// to the project (never over a different file without `--force`); with `--check`, checks the
/// project's own.
pub fn buildspec(json: bool, dir: &Path, write: bool, force: bool, check: bool) -> Outcome {
    let dir = match resolve_dir(dir) {
        Ok(d) => d,
        Err(e) => return output::error(json, &e, Outcome::BadInput),
    };
    let spec = match slipway_engine::project::load_spec(&dir) {
        Ok(s) => s,
        Err(e) => return output::error(json, &e, Outcome::BadInput),
    };
    let path = dir.join(BUILDSPEC_FILE);
    let current = std::fs::read_to_string(&path).ok();
    if check {
        let Some(text) = current else {
            return output::error(
                json,
                &ErrorBody::new(
                    ErrorCode::PathNotFound,
                    format!("{} has no {BUILDSPEC_FILE}.", dir.display()),
                    "Write Slipway's with `slipway pipeline buildspec --write`.",
                ),
                Outcome::BadInput,
            );
        };
        return match check_buildspec(&text, &container_name(&spec)) {
            Ok(summary) => {
                if json {
                    emit(&serde_json::json!({"ok": true, "summary": summary}));
                } else {
                    println!(
                        "{BUILDSPEC_FILE} is fine: phases {}, {} commands, container {}.",
                        summary.phases.join(", "),
                        summary.commands,
                        summary
                            .container
                            .as_deref()
                            .unwrap_or("(set outside the file, not checked)")
                    );
                }
                Outcome::Success
            }
            Err(e) => output::error(json, &e, Outcome::Failed),
        };
    }
    let text = generate(&spec);
    if !write {
        if json {
            emit(&serde_json::json!({"path": path.display().to_string(), "text": text}));
        } else {
            print!("{text}");
        }
        return Outcome::Success;
    }
    if let Some(existing) = &current {
        if *existing == text {
            if json {
                emit(&serde_json::json!({"written": false, "path": path.display().to_string()}));
            } else {
                println!("{} is already Slipway's buildspec.", path.display());
            }
            return Outcome::Success;
        }
        if !force {
            return output::error(
                json,
                &ErrorBody::new(
                    ErrorCode::WouldOverwrite,
                    format!("{} exists and differs from the one Slipway writes (it may hold your edits).", path.display()),
                    "Compare with `slipway pipeline buildspec` (prints it), check yours with `--check`, or replace it with --write --force.",
                ),
                Outcome::BadInput,
            );
        }
    }
    match slipway_engine::project::write_project_file(&dir, BUILDSPEC_FILE, &text) {
        Ok(()) => {
            if json {
                emit(&serde_json::json!({"written": true, "path": path.display().to_string()}));
            } else {
                println!("Wrote {}.", path.display());
            }
            Outcome::Success
        }
        Err(e) => output::error(json, &e, Outcome::Failed),
    }
}

/// `slipway pipeline run`: starts a run.
pub async fn run(ctx: &Ctx, dir: &Path) -> Outcome {
    let (spec, conn) = match load(ctx, dir).await {
        Ok(x) => x,
        Err((e, o)) => return output::error(ctx.json, &e, o),
    };
    match runs::start(&conn, &spec).await {
        Ok(id) => {
            if ctx.json {
                emit(&serde_json::json!({"run": id}));
            } else {
                println!(
                    "Started run {id} of {} (`slipway pipeline status` follows it).",
                    spec.app.name
                );
            }
            Outcome::Success
        }
        Err(e) => output::error(ctx.json, &e, Outcome::Failed),
    }
}

fn seconds(ms: Option<i64>) -> String {
    ms.map(|m| format!("{:.0} s", m as f64 / 1000.0))
        .unwrap_or_else(|| "-".into())
}

/// `slipway pipeline status`: the latest runs and one run drawn (stages, actions, build
/// phases, the failure explained).
pub async fn status(ctx: &Ctx, dir: &Path, run: Option<&str>) -> Outcome {
    let (spec, conn) = match load(ctx, dir).await {
        Ok(x) => x,
        Err((e, o)) => return output::error(ctx.json, &e, o),
    };
    let runs = match runs::list(&conn, &spec, 10).await {
        Ok(s) => s,
        Err(e) => return output::error(ctx.json, &e, Outcome::Failed),
    };
    let pipeline = spec.app.name.clone();
    let shown = if runs.is_empty() && run.is_none() {
        None
    } else {
        match view::run_view(&conn, &spec, run).await {
            Ok(v) => Some(v),
            Err(e) => return output::error(ctx.json, &e, Outcome::Failed),
        }
    };
    if ctx.json {
        emit(&serde_json::json!({"pipeline": pipeline, "runs": runs, "run": shown}));
        return Outcome::Success;
    }
    if runs.is_empty() {
        println!("The pipeline {pipeline} has not run yet (`slipway pipeline run`).");
    }
    for r in &runs {
        println!(
            "  {}  {:<11} {:<24} {:>7}  {}",
            r.id,
            r.status,
            r.trigger.as_deref().unwrap_or("-"),
            seconds(r.duration_ms),
            r.status_summary.as_deref().unwrap_or("")
        );
    }
    let Some(v) = shown else {
        return Outcome::Success;
    };
    println!();
    println!("Run {} ({:?}):", v.run.id, v.state);
    if let Some(rev) = &v.revision {
        println!(
            "  revision {rev}{}",
            v.revision_summary
                .as_deref()
                .map(|s| format!(" ({s})"))
                .unwrap_or_default()
        );
    }
    for st in &v.stages {
        println!("  {:<10} {:?}", st.name, st.state);
        for a in &st.actions {
            let took = match (a.started_ms, a.updated_ms) {
                (Some(s), Some(u)) if a.state.ended() => seconds(Some(u - s)),
                _ => String::new(),
            };
            println!(
                "    {:<12} {:<11} {:>7}  {}",
                a.name,
                format!("{:?}", a.state),
                took,
                a.summary.as_deref().unwrap_or("")
            );
            if let Some(b) = &a.build {
                let phases: Vec<String> = b
                    .phases
                    .iter()
                    .filter(|p| p.name != "COMPLETED")
                    .map(|p| match p.state {
                        view::NodeState::Failed => format!("{} FAILED", p.name),
                        view::NodeState::InProgress => format!("{} ...", p.name),
                        _ => p.name.clone(),
                    })
                    .collect();
                println!("      phases: {}", phases.join(" > "));
            }
        }
    }
    if let Some(e) = &v.actions_unavailable {
        println!("  ({} {})", e.message, e.hint);
    }
    if let Some(f) = &v.failure {
        println!();
        println!("What went wrong: {}", f.title);
        println!("  {}", f.explanation);
        if let Some(d) = &f.deploy {
            if let Some(r) = &d.failed_reason {
                println!("  ECS: {r}");
            }
        }
        for l in &f.log_tail {
            println!("  | {l}");
        }
        if let Some(m) = &f.aws_message {
            println!("  AWS says: {m}");
        }
        println!("What to do: {}", f.hint);
        if let Some(stage) = &v.retryable_stage {
            println!("  (`slipway pipeline retry` re-runs the failed actions of stage {stage}.)");
        }
    }
    Outcome::Success
}

/// The build of a run (the latest unless `run`): its log group and stream.
async fn build_of(
    conn: &slipway_aws::Connection,
    spec: &slipway_core::spec::ProjectSpec,
    run: Option<&str>,
) -> Result<(view::RunView, Option<view::BuildInfo>), ErrorBody> {
    let v = view::run_view(conn, spec, run).await?;
    let b = v
        .stages
        .iter()
        .flat_map(|s| &s.actions)
        .find_map(|a| a.build.clone());
    Ok((v, b))
}

/// `slipway pipeline logs`: the build's log, and with --follow the new lines until it ends.
pub async fn logs(ctx: &Ctx, dir: &Path, run: Option<&str>, follow: bool) -> Outcome {
    let (spec, conn) = match load(ctx, dir).await {
        Ok(x) => x,
        Err((e, o)) => return output::error(ctx.json, &e, o),
    };
    let (v, build) = match build_of(&conn, &spec, run).await {
        Ok(x) => x,
        Err(e) => return output::error(ctx.json, &e, Outcome::Failed),
    };
    let Some(build) = build else {
        let e = match &v.actions_unavailable {
            Some(e) => e.clone(),
            None => ErrorBody::new(
                ErrorCode::InvalidInput,
                format!("Run {} has no build yet (its Build stage has not started).", v.run.id),
                "Wait for the Source stage, then try again; `slipway pipeline status` shows where the run is.",
            ),
        };
        return output::error(ctx.json, &e, Outcome::Failed);
    };
    let (Some(group), Some(stream)) = (build.log_group.clone(), build.log_stream.clone()) else {
        let e = ErrorBody::new(
            ErrorCode::InvalidInput,
            format!(
                "The build {} has no log yet (it is {}).",
                build.id,
                build.current_phase.as_deref().unwrap_or("starting")
            ),
            "Try again in a few seconds.",
        );
        return output::error(ctx.json, &e, Outcome::Failed);
    };
    let mut token: Option<String> = None;
    loop {
        let page = match view::build_log(&conn, &group, &stream, token.as_deref(), 1000).await {
            Ok(p) => p,
            Err(e) => return output::error(ctx.json, &e, Outcome::Failed),
        };
        for l in &page.lines {
            if ctx.json {
                emit(&serde_json::to_value(l).unwrap_or_default());
            } else {
                println!("{}", l.message);
            }
        }
        let same = page.next_token == token;
        token = page.next_token;
        if !page.lines.is_empty() && !same {
            continue;
        }
        if !follow {
            break;
        }
        match view::builds(&conn, std::slice::from_ref(&build.id)).await {
            Ok(b)
                if b.first()
                    .is_some_and(|b| b.status.as_deref() != Some("IN_PROGRESS")) =>
            {
                // One more read for the lines written as it ended.
                if let Ok(p) = view::build_log(&conn, &group, &stream, token.as_deref(), 1000).await
                {
                    for l in &p.lines {
                        println!("{}", l.message);
                    }
                }
                break;
            }
            Ok(_) => {}
            Err(e) => return output::error(ctx.json, &e, Outcome::Failed),
        }
        tokio::time::sleep(std::time::Duration::from_secs(3)).await;
    }
    Outcome::Success
}

async fn run_id(
    conn: &slipway_aws::Connection,
    spec: &slipway_core::spec::ProjectSpec,
    run: Option<&str>,
) -> Result<String, ErrorBody> {
    if let Some(r) = run {
        return Ok(r.to_string());
    }
    runs::list(conn, spec, 1)
        .await?
        .into_iter()
        .next()
        .map(|r| r.id)
        .ok_or_else(|| {
            ErrorBody::new(
                ErrorCode::InvalidInput,
                format!("The pipeline {} has not run yet.", spec.app.name),
                "Start a run with `slipway pipeline run`.",
            )
        })
}

/// `slipway pipeline stop`.
pub async fn stop(ctx: &Ctx, dir: &Path, run: Option<&str>, abandon: bool) -> Outcome {
    let (spec, conn) = match load(ctx, dir).await {
        Ok(x) => x,
        Err((e, o)) => return output::error(ctx.json, &e, o),
    };
    let id = match run_id(&conn, &spec, run).await {
        Ok(id) => id,
        Err(e) => return output::error(ctx.json, &e, Outcome::Failed),
    };
    match view::stop(&conn, &spec, &id, abandon).await {
        Ok(()) => {
            if ctx.json {
                emit(&serde_json::json!({"stopped": id, "abandon": abandon}));
            } else if abandon {
                println!("Stopped run {id}; the actions in progress were abandoned.");
            } else {
                println!("Stopping run {id}: the actions in progress finish first.");
            }
            Outcome::Success
        }
        Err(e) => output::error(ctx.json, &e, Outcome::Failed),
    }
}

/// `slipway pipeline retry`: re-runs the failed actions of the run's failed stage.
pub async fn retry(ctx: &Ctx, dir: &Path, run: Option<&str>) -> Outcome {
    let (spec, conn) = match load(ctx, dir).await {
        Ok(x) => x,
        Err((e, o)) => return output::error(ctx.json, &e, o),
    };
    let v = match view::run_view(&conn, &spec, run).await {
        Ok(v) => v,
        Err(e) => return output::error(ctx.json, &e, Outcome::Failed),
    };
    let Some(stage) = v.retryable_stage.clone() else {
        let e = ErrorBody::new(
            ErrorCode::InvalidInput,
            format!(
                "Run {} has no failed stage to retry (it is {:?}).",
                v.run.id, v.state
            ),
            "Retry applies to a failed run; start a new one with `slipway pipeline run`.",
        );
        return output::error(ctx.json, &e, Outcome::Failed);
    };
    match view::retry(&conn, &spec, &v.run.id, &stage).await {
        Ok(id) => {
            if ctx.json {
                emit(&serde_json::json!({"retried": stage, "run": id}));
            } else {
                println!("Retrying stage {stage} of run {id}.");
            }
            Outcome::Success
        }
        Err(e) => output::error(ctx.json, &e, Outcome::Failed),
    }
}
