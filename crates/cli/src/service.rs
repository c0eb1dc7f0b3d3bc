//! `slipway plan`, `apply`, `destroy` and `status`: step 4 on a terminal. Nothing is created or
//! deleted before the person confirms (`--yes` confirms up front, for scripts).

use crate::local::{emit, resolve_dir};
use crate::output;
use crate::registry::connection;
use crate::Outcome;
use slipway_core::plan::{Action, Plan};
use slipway_core::spec::ProjectSpec;
use slipway_core::ErrorBody;
use slipway_docker::CancellationToken;
use slipway_engine::apply::ApplyEvent;
use slipway_engine::deploy::{self, DeployEvent, PlannedChange};
use std::io::{BufRead, IsTerminal, Write};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

/// What step-4 commands share.
pub struct Ctx {
    pub json: bool,
    pub request: slipway_aws::ConnectRequest,
    pub store: Arc<slipway_store::Store>,
}

fn mark(a: Action) -> &'static str {
    match a {
        Action::Create => "+",
        Action::Update => "~",
        Action::Replace => "±",
        Action::Delete => "-",
        Action::Keep => " ",
        Action::Read => "=",
    }
}

pub(crate) fn print_plan(plan: &Plan, cost: Option<&slipway_core::cost::CostEstimate>) {
    for s in &plan.steps {
        if s.action == Action::Keep {
            continue;
        }
        println!(
            "{} {:<22} {:<36} {}",
            mark(s.action),
            s.kind.label(),
            s.name,
            s.reason
        );
        for c in &s.changes {
            println!(
                "      {}: {} → {}",
                c.field,
                c.from.as_deref().unwrap_or("(none)"),
                c.to.as_deref().unwrap_or("(known after apply)")
            );
        }
        if !s.calls.is_empty() {
            println!("      calls: {}", s.calls.join(", "));
        }
    }
    let kept = plan.count(Action::Keep);
    println!(
        "\n{} to create, {} to update, {} to replace, {} to delete, {kept} unchanged; critical path {} steps.",
        plan.count(Action::Create),
        plan.count(Action::Update),
        plan.count(Action::Replace),
        plan.count(Action::Delete),
        plan.critical_path
    );
    if let Some(c) = cost {
        println!(
            "While it runs this costs about ${:.3}/hour, ${:.2}/day, ${:.2}/month ({}{}).",
            c.hourly,
            c.daily,
            c.monthly,
            c.region,
            if c.region_priced {
                ""
            } else {
                ", us-east-1 prices"
            }
        );
        for l in &c.lines {
            println!("      {:<34} ${:.5}/h  {}", l.item, l.hourly, l.detail);
        }
    }
}

pub(crate) async fn load(
    ctx: &Ctx,
    dir: &Path,
) -> Result<(ProjectSpec, slipway_aws::Connection), (ErrorBody, Outcome)> {
    let dir = resolve_dir(dir).map_err(|e| (e, Outcome::BadInput))?;
    let spec = slipway_engine::project::load_spec(&dir).map_err(|e| (e, Outcome::BadInput))?;
    let conn = connection(&ctx.request, ctx.store.clone())
        .await
        .map_err(|e| (e, Outcome::Environment))?;
    Ok((spec, conn))
}

async fn planned(
    ctx: &Ctx,
    dir: &Path,
    image: Option<&str>,
) -> Result<(ProjectSpec, slipway_aws::Connection, PlannedChange), (ErrorBody, Outcome)> {
    let (spec, conn) = load(ctx, dir).await?;
    let image = deploy::resolve_image(&conn, &spec, image)
        .await
        .map_err(|e| (e, Outcome::Failed))?;
    let change = deploy::plan_service(&conn, &spec, &image)
        .await
        .map_err(|e| (e, Outcome::Failed))?;
    Ok((spec, conn, change))
}

/// `slipway plan`.
pub async fn plan(ctx: &Ctx, dir: &Path, image: Option<String>) -> Outcome {
    let (spec, conn, change) = match planned(ctx, dir, image.as_deref()).await {
        Ok(x) => x,
        Err((e, o)) => return output::error(ctx.json, &e, o),
    };
    let cost = slipway_core::cost::service_cost(&spec, &conn.region);
    if ctx.json {
        emit(&serde_json::json!({"plan": change.plan, "cost": cost}));
    } else {
        print_plan(&change.plan, Some(&cost));
    }
    Outcome::Success
}

/// Asks on the terminal; scripts must pass `--yes`.
pub(crate) fn confirm(question: &str) -> Result<bool, ErrorBody> {
    if !std::io::stdin().is_terminal() {
        return Err(ErrorBody::new(
            slipway_core::ErrorCode::InvalidInput,
            "Nothing was changed: there is no terminal to confirm on.",
            "Read the plan (`slipway plan`), then run again with --yes.",
        ));
    }
    print!("{question} [y/N] ");
    let _ = std::io::stdout().flush();
    let mut line = String::new();
    let _ = std::io::stdin().lock().read_line(&mut line);
    Ok(matches!(line.trim(), "y" | "Y" | "yes"))
}

pub(crate) fn print_apply_event(e: &ApplyEvent) {
    match e {
        ApplyEvent::StepStarted { key, action } => println!(
            "  … {key} ({})",
            slipway_engine::apply::action_name(*action)
        ),
        ApplyEvent::StepDone {
            key,
            duration_ms,
            id,
            ..
        } => println!("  ✓ {key} in {:.1} s  {id}", *duration_ms as f64 / 1000.0),
        ApplyEvent::StepFailed { key, error } => {
            eprintln!("  ✗ {key}: {}\n      hint: {}", error.message, error.hint)
        }
        ApplyEvent::StepSkipped { key, reason } => println!("  - {key} skipped: {reason}"),
    }
}

/// `slipway apply`.
#[allow(clippy::too_many_arguments)]
pub async fn apply(
    ctx: &Ctx,
    dir: &Path,
    image: Option<String>,
    yes: bool,
    concurrency: usize,
    wait: bool,
    timeout: u64,
) -> Outcome {
    let (spec, conn, change) = match planned(ctx, dir, image.as_deref()).await {
        Ok(x) => x,
        Err((e, o)) => return output::error(ctx.json, &e, o),
    };
    if !ctx.json {
        print_plan(
            &change.plan,
            Some(&slipway_core::cost::service_cost(&spec, &conn.region)),
        );
    }
    if change.plan.is_noop() && !wait {
        if ctx.json {
            emit(&serde_json::json!({"kind": "noop"}));
        } else {
            println!("Nothing to change.");
        }
        return Outcome::Success;
    }
    if !yes && !change.plan.is_noop() {
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
    let outcome = deploy::deploy(
        &conn,
        ctx.store.as_ref(),
        &spec,
        &change,
        concurrency,
        wait.then(|| Duration::from_secs(timeout)),
        &cancel,
        |e| {
            if json {
                emit(&serde_json::to_value(&e).unwrap_or_default());
                return;
            }
            match &e {
                DeployEvent::Apply { event } => print_apply_event(event),
                DeployEvent::Rollout { update } => {
                    if let Some(n) = &update.note {
                        println!("  [{:>5.1} s] {n}", update.elapsed_ms as f64 / 1000.0);
                    }
                }
            }
        },
    )
    .await;
    if json {
        emit(&serde_json::json!({"kind": "done", "outcome": outcome}));
    }
    if let Some(f) = &outcome.report.failed {
        if !json {
            eprintln!("\nThe apply stopped at {}. Run `slipway apply` again: finished steps are kept and it picks up where it stopped.", f.key);
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
        if let Some(url) = &outcome.url {
            println!("\nThe service is at {url}");
        }
        println!(
            "It costs about ${:.2} a day while it runs.",
            outcome.cost.daily
        );
    }
    match &outcome.rollout_error {
        Some(e) => {
            if !json {
                eprintln!("error[{}]: {}\n  hint: {}", e.code, e.message, e.hint);
            }
            Outcome::Failed
        }
        None => Outcome::Success,
    }
}

/// `slipway destroy`.
pub async fn destroy(
    ctx: &Ctx,
    dir: &Path,
    yes: bool,
    keep_logs: bool,
    keep_repository: bool,
    concurrency: usize,
) -> Outcome {
    let (spec, conn) = match load(ctx, dir).await {
        Ok(x) => x,
        Err((e, o)) => return output::error(ctx.json, &e, o),
    };
    let change = match deploy::plan_destroy(&conn, ctx.store.as_ref(), &spec, keep_logs).await {
        Ok(c) => c,
        Err(e) => return output::error(ctx.json, &e, Outcome::Failed),
    };
    let repo = spec.image.repository_name(&spec.app.name);
    if !ctx.json {
        if change.plan.steps.is_empty() {
            println!(
                "Nothing of {} exists in {} ({}).",
                spec.app.name, conn.region, conn.profile
            );
        } else {
            print_plan(&change.plan, None);
        }
        if !keep_repository {
            println!("- ECR repository {repo} and its images (keep it with --keep-repository)");
        }
    }
    if !yes {
        match confirm("Delete all of this?") {
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
    let result = deploy::destroy(
        &conn,
        ctx.store.as_ref(),
        &spec,
        &change,
        keep_logs,
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
    let (report, mut left) = match result {
        Ok(r) => r,
        Err(e) => return output::error(ctx.json, &e, Outcome::Failed),
    };
    if !keep_repository && report.succeeded() {
        match slipway_aws::ecr::delete_repository(&conn, &repo).await {
            Ok(_) => {}
            Err(e) => left.push(format!("{repo} ({})", ErrorBody::from(e).message)),
        }
    }
    if json {
        emit(&serde_json::json!({"kind": "done", "report": report, "left": left}));
    } else if left.is_empty() {
        println!("\nDone: nothing of {} is left (checked by name, by the slipway:project tag and in the run log).", spec.app.name);
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

/// `slipway status`: the service's deployments, tasks and targets now.
pub async fn status(ctx: &Ctx, dir: &Path) -> Outcome {
    let (spec, conn) = match load(ctx, dir).await {
        Ok(x) => x,
        Err((e, o)) => return output::error(ctx.json, &e, o),
    };
    let target = match deploy::service_ref(&conn, &spec).await {
        Ok(t) => t,
        Err(e) => return output::error(ctx.json, &e, Outcome::Failed),
    };
    let health = match slipway_engine::rollout::look(&conn, &target).await {
        Ok(h) => h,
        Err(e) => return output::error(ctx.json, &e, Outcome::Failed),
    };
    if ctx.json {
        emit(&serde_json::to_value(&health).unwrap_or_default());
        return Outcome::Success;
    }
    if health.status == "MISSING" {
        println!(
            "{} is not deployed in {} ({}).",
            spec.app.name, conn.region, conn.profile
        );
        return Outcome::Success;
    }
    print_health(&health, target.target_group.is_some());
    let diagnoses = slipway_core::diagnose::diagnose_service(
        &health,
        &slipway_core::diagnose::Expectations::of(&spec),
    );
    print_diagnoses(&diagnoses);
    Outcome::Success
}

/// The service's state as a block of lines.
pub fn print_health(health: &slipway_core::health::ServiceHealth, has_lb: bool) {
    println!(
        "{}  {}: {} of {} running, {} pending, {} healthy targets{}",
        health.service,
        health.status,
        health.running,
        health.desired,
        health.pending,
        health.healthy_targets(),
        if health.is_steady(has_lb) {
            " (steady)"
        } else {
            ""
        }
    );
    for d in &health.deployments {
        println!(
            "  deployment {} {:<8} {:<12} rev {:<3} {}/{} running",
            d.id,
            d.status,
            d.rollout_state.as_deref().unwrap_or("-"),
            slipway_core::health::revision_of(&d.task_definition)
                .map(|r| r.to_string())
                .unwrap_or_default(),
            d.running,
            d.desired
        );
    }
    for t in health.tasks.iter().take(20) {
        println!(
            "  task {} {:<10} {:<15} rev {}{}",
            &t.id[..t.id.len().min(12)],
            t.last_status,
            t.private_ip.as_deref().unwrap_or("-"),
            slipway_core::health::revision_of(&t.task_definition)
                .map(|r| r.to_string())
                .unwrap_or_default(),
            t.stopped_reason
                .as_deref()
                .map(|r| format!("  stopped: {r}"))
                .unwrap_or_default()
        );
    }
    for e in health.events.iter().take(5) {
        println!("  event: {}", e.message);
    }
}

/// What is wrong, explained: title, explanation, evidence, fix.
pub fn print_diagnoses(diagnoses: &[slipway_core::diagnose::Diagnosis]) {
    for d in diagnoses {
        println!();
        println!(
            "{} {}",
            match d.level {
                slipway_core::diagnose::DiagnosisLevel::Error => "PROBLEM:",
                slipway_core::diagnose::DiagnosisLevel::Warning => "WARNING:",
            },
            d.title
        );
        println!("  {}", d.explanation);
        for e in &d.evidence {
            println!("  - {}: {}", e.label, e.value);
        }
        println!("  Fix: {}", d.fix);
    }
}

/// `slipway watch`: the service's state, looked at again and again within the call budget
/// (fast while it moves, slow when steady), with what is wrong explained; Ctrl-C stops.
pub async fn watch(ctx: &Ctx, dir: &Path) -> Outcome {
    let (spec, conn) = match load(ctx, dir).await {
        Ok(x) => x,
        Err((e, o)) => return output::error(ctx.json, &e, o),
    };
    let target = match deploy::service_ref(&conn, &spec).await {
        Ok(t) => t,
        Err(e) => return output::error(ctx.json, &e, Outcome::Failed),
    };
    let want = slipway_core::diagnose::Expectations::of(&spec);
    let cancel = slipway_docker::CancellationToken::new();
    crate::local::cancel_on_ctrl_c(&cancel);
    let (_visible, rx) = tokio::sync::watch::channel(true);
    let json = ctx.json;
    let mut last: Option<(slipway_core::health::ServiceHealth, usize)> = None;
    let has_lb = target.target_group.is_some();
    slipway_engine::monitor::watch_service(
        &conn,
        &target,
        &want,
        rx,
        &cancel,
        |u| {
            if json {
                emit(&serde_json::json!({"kind": "update", "update": u}));
                return;
            }
            let now = time::OffsetDateTime::now_utc();
            let stamp = format!("{:02}:{:02}:{:02}", now.hour(), now.minute(), now.second());
            if let Some(e) = &u.error {
                println!("[{stamp}] look failed: {} {}", e.message, e.hint);
            }
            let Some(h) = &u.health else { return };
            let mut key = h.clone();
            key.observed_ms = 0;
            let changed = last
                .as_ref()
                .is_none_or(|(l, n)| *l != key || *n != u.diagnoses.len());
            if changed {
                println!(
                    "\n[{stamp}] {:?}, {} AWS calls in the last minute",
                    u.activity, u.calls_last_minute
                );
                print_health(h, has_lb);
                print_diagnoses(&u.diagnoses);
                last = Some((key, u.diagnoses.len()));
            } else {
                println!(
                    "[{stamp}] no change ({:?}; next look in {} s; {} calls/min)",
                    u.activity,
                    u.next_look_ms.unwrap_or(0) / 1000,
                    u.calls_last_minute
                );
            }
        },
        |m| {
            if json {
                emit(&serde_json::json!({"kind": "milestone", "milestone": m}));
            } else {
                match m {
                    slipway_engine::monitor::Milestone::RolloutCompleted { task_definition } => {
                        println!("\n*** Rollout complete: {task_definition} is serving.")
                    }
                    slipway_engine::monitor::Milestone::RolledBack { failed, serving } => {
                        println!("\n*** Rolled back: {failed} failed, {serving} is serving.")
                    }
                }
            }
        },
    )
    .await;
    Outcome::Success
}
