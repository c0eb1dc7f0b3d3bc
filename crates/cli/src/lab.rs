//! `slipway lab`: the built-in labs in the terminal. `list` shows them, `check` runs a lab's
//! checks against the real state of a project (and saves them, like the app), `commands` prints
//! the AWS calls Slipway made as AWS CLI commands to repeat by hand.

use crate::local::{emit, resolve_dir};
use crate::output;
use crate::service::Ctx;
use crate::Outcome;
use slipway_core::awscli::cli_command;
use slipway_core::labs::{self, LabStatus};
use slipway_core::{ErrorBody, ErrorCode};
use slipway_engine::labs::{run_check, LabContext};
use std::path::Path;

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// The built-in lab `lab` and the resolved project folder, or the error outcome to return.
fn lab_and_dir(
    ctx: &Ctx,
    lab: &str,
    dir: &Path,
) -> Result<(labs::Lab, std::path::PathBuf), Outcome> {
    let Some(l) = labs::find(lab) else {
        return Err(output::error(
            ctx.json,
            &ErrorBody::new(
                ErrorCode::InvalidInput,
                format!("There is no lab {lab:?}."),
                "See `slipway lab list`.",
            ),
            Outcome::BadInput,
        ));
    };
    let dir = resolve_dir(dir).map_err(|e| output::error(ctx.json, &e, Outcome::BadInput))?;
    Ok((l, dir))
}

pub fn list(json: bool, lang: &str) -> Outcome {
    let labs = match labs::built_in() {
        Ok(l) => l,
        Err(e) => {
            return output::error(
                json,
                &ErrorBody::new(
                    ErrorCode::Internal,
                    e.to_string(),
                    "A built-in lab file is broken; please report it.",
                ),
                Outcome::Failed,
            )
        }
    };
    for l in &labs {
        if json {
            emit(
                &serde_json::json!({"id": l.id, "kind": l.kind, "title": l.title.get(lang), "steps": l.steps.len()}),
            );
        } else {
            println!(
                "{:<20} {:>2} steps  {}",
                l.id,
                l.steps.len(),
                l.title.get(lang)
            );
        }
    }
    Outcome::Success
}

pub async fn check(
    ctx: &Ctx,
    dir: &Path,
    lab: &str,
    step: Option<&str>,
    answer: Option<u32>,
    lang: &str,
) -> Outcome {
    let (l, dir) = match lab_and_dir(ctx, lab, dir) {
        Ok(x) => x,
        Err(o) => return o,
    };
    let steps: Vec<_> = l
        .steps
        .iter()
        .filter(|s| step.is_none_or(|id| s.id == id))
        .collect();
    if steps.is_empty() {
        return output::error(
            ctx.json,
            &ErrorBody::new(
                ErrorCode::InvalidInput,
                format!(
                    "The lab {} has no step {:?}.",
                    l.id,
                    step.unwrap_or_default()
                ),
                format!(
                    "Its steps: {}",
                    l.steps
                        .iter()
                        .map(|s| s.id.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ),
            Outcome::BadInput,
        );
    }
    let spec = slipway_engine::project::load_spec(&dir).ok();
    let docker = slipway_docker::connect().await.ok().map(|(d, _)| d);
    let conn = crate::registry::connection(&ctx.request, ctx.store.clone())
        .await
        .ok();
    let key = dir.to_string_lossy().to_string();
    let mut passes: Vec<String> = ctx
        .store
        .lab_checks(&key, &l.id)
        .unwrap_or_default()
        .into_iter()
        .filter(|(_, r)| r.status == LabStatus::Pass)
        .map(|(id, _)| id)
        .collect();
    let mut passed = 0;
    let mut failed = 0;
    for s in &steps {
        let c = LabContext {
            dir: &dir,
            spec: spec.as_ref(),
            docker: docker.as_ref(),
            conn: conn.as_ref(),
            now_ms: now_ms(),
            created: l.created_something(|id| passes.iter().any(|p| p == id)),
        };
        // A question is answered only when asked for one step with --answer.
        let r = run_check(&c, &s.check, if step.is_some() { answer } else { None }).await;
        if r.status == LabStatus::Pass {
            passes.push(s.id.clone());
        }
        if let Err(e) = ctx
            .store
            .save_lab_check(&dir.to_string_lossy(), &l.id, &s.id, &r)
        {
            tracing::warn!(error = %e, "lab progress not saved");
        }
        match r.status {
            LabStatus::Pass => passed += 1,
            LabStatus::Fail => failed += 1,
            LabStatus::NotYet => {}
        }
        if ctx.json {
            emit(&serde_json::json!({"step": s.id, "result": r}));
        } else {
            let mark = match r.status {
                LabStatus::Pass => "✔",
                LabStatus::Fail => "✖",
                LabStatus::NotYet => "·",
            };
            println!("{mark} {:<26} {}", s.id, s.title.get(lang));
            println!("    {}", r.summary);
            for (k, v) in &r.evidence {
                println!("    {k}: {v}");
            }
        }
    }
    if !ctx.json {
        println!("{passed} of {} passed, {failed} failed", steps.len());
    }
    // "Not yet" is where a learner is, not an error; a failed check is.
    if failed > 0 {
        Outcome::Failed
    } else {
        Outcome::Success
    }
}

pub fn commands(ctx: &Ctx, limit: u32, all: bool, region: &str) -> Outcome {
    let calls = match ctx.store.recent_calls(limit.saturating_mul(4)) {
        Ok(c) => c,
        Err(e) => return output::error(ctx.json, &ErrorBody::from(e), Outcome::Environment),
    };
    let mut cmds: Vec<_> = calls
        .iter()
        .map(|c| cli_command(c, region))
        .filter(|c| all || c.changes)
        .take(limit as usize)
        .collect();
    cmds.reverse();
    for c in cmds {
        if ctx.json {
            emit(&serde_json::to_value(&c).unwrap_or_default());
        } else if c.complete {
            println!("{}", c.command);
        } else {
            println!(
                "{}  # parameters shortened in the journal: complete them before running",
                c.command
            );
        }
    }
    Outcome::Success
}

/// Writes (or prints) the lab report: each step's latest saved check, in Markdown.
pub fn report(ctx: &Ctx, dir: &Path, lab: &str, lang: &str, out: Option<&Path>) -> Outcome {
    let (l, dir) = match lab_and_dir(ctx, lab, dir) {
        Ok(x) => x,
        Err(o) => return o,
    };
    let key = dir.to_string_lossy().to_string();
    let checks = match ctx.store.lab_checks(&key, &l.id) {
        Ok(c) => c,
        Err(e) => return output::error(ctx.json, &ErrorBody::from(e), Outcome::Environment),
    };
    let md = labs::report_markdown(&l, &checks, lang, &key, slipway_core::journal::utc_minute);
    match out {
        None => {
            print!("{md}");
            Outcome::Success
        }
        Some(p) => match slipway_core::atomic::write_atomic(p, md.as_bytes()) {
            Ok(()) => {
                if !ctx.json {
                    println!("wrote {}", p.display());
                }
                Outcome::Success
            }
            Err(e) => output::error(
                ctx.json,
                &ErrorBody::new(
                    ErrorCode::InvalidInput,
                    format!("Could not write {}: {e}", p.display()),
                    "Choose a folder you can write to.",
                ),
                Outcome::BadInput,
            ),
        },
    }
}

/// The project's spec and a connection, or the error outcome to return.
async fn spec_and_connection(
    ctx: &Ctx,
    dir: &Path,
) -> Result<(slipway_core::spec::ProjectSpec, slipway_aws::Connection), Outcome> {
    let dir = resolve_dir(dir).map_err(|e| output::error(ctx.json, &e, Outcome::BadInput))?;
    let spec = slipway_engine::project::load_spec(&dir)
        .map_err(|e| output::error(ctx.json, &e, Outcome::BadInput))?;
    let conn = crate::registry::connection(&ctx.request, ctx.store.clone())
        .await
        .map_err(|e| output::error(ctx.json, &e, Outcome::Environment))?;
    Ok((spec, conn))
}

/// `slipway lab experiment stop-task`.
pub async fn stop_task(ctx: &Ctx, dir: &Path) -> Outcome {
    let (spec, conn) = match spec_and_connection(ctx, dir).await {
        Ok(x) => x,
        Err(o) => return o,
    };
    match slipway_engine::labs::stop_one_task(&conn, &spec).await {
        Ok(id) => {
            if ctx.json {
                emit(&serde_json::json!({"stopped": id}));
            } else {
                println!("Stopped task {id}. Watch the service replace it: slipway watch");
            }
            Outcome::Success
        }
        Err(e) => output::error(ctx.json, &e, Outcome::Failed),
    }
}

/// `slipway lab experiment load-test`.
pub async fn load_test(
    ctx: &Ctx,
    dir: &Path,
    url: Option<String>,
    requests: u32,
    concurrency: u32,
) -> Outcome {
    use slipway_engine::experiments;
    let (spec, conn) = match spec_and_connection(ctx, dir).await {
        Ok(x) => x,
        Err(o) => return o,
    };
    let docker = slipway_docker::connect().await.ok().map(|(d, _)| d);
    let target = match experiments::load_target(&conn, docker.as_ref(), &spec).await {
        Ok(t) => t,
        Err(e) => return output::error(ctx.json, &e, Outcome::Environment),
    };
    if let (Some(note), false) = (&target.note, ctx.json) {
        eprintln!("{note}");
    }
    let Some(url) = url.or(target.url) else {
        return output::error(
            ctx.json,
            &ErrorBody::new(
                ErrorCode::InvalidInput,
                "There is no URL to load yet.",
                "Apply the service (or, in practice mode, run the app locally), or pass --url.",
            ),
            Outcome::BadInput,
        );
    };
    let own = if conn.practice {
        None
    } else {
        experiments::service_url(&conn, &spec).await.ok().flatten()
    };
    if let Err(e) = experiments::check_load_bounds(&url, requests, concurrency)
        .and_then(|_| experiments::check_load_url(&url, own.as_deref()))
    {
        return output::error(ctx.json, &e, Outcome::BadInput);
    }
    let cancel = slipway_docker::CancellationToken::new();
    crate::local::cancel_on_ctrl_c(&cancel);
    let json = ctx.json;
    let report = experiments::load_test(&url, requests, concurrency, &cancel, |s| {
        if json {
            emit(&serde_json::json!({"sample": s}));
        } else {
            eprintln!(
                "  {:>5}/{requests} sent  {:>4} failed  {:>6.1} req/s  p95 {}",
                s.sent,
                s.failed,
                s.rps,
                s.p95_ms.map_or("-".into(), |p| format!("{p} ms"))
            );
        }
    })
    .await;
    match report {
        Ok(r) => {
            if json {
                emit(&serde_json::json!({"report": r}));
            } else {
                let ms = |v: Option<u32>| v.map_or("-".into(), |v| format!("{v} ms"));
                println!(
                    "{} requests to {} in {:.1} s ({:.1}/s): {} ok, {} failed; latency p50 {}, p95 {}, max {}{}",
                    r.sent,
                    r.url,
                    r.duration_ms as f64 / 1000.0,
                    r.rps,
                    r.ok,
                    r.failed,
                    ms(r.p50_ms),
                    ms(r.p95_ms),
                    ms(r.max_ms),
                    if r.stopped_early { " (stopped early)" } else { "" }
                );
            }
            if r.failed > 0 {
                Outcome::Failed
            } else {
                Outcome::Success
            }
        }
        Err(e) => output::error(ctx.json, &e, Outcome::BadInput),
    }
}

/// `slipway lab experiment bad-deploy`.
pub async fn bad_deploy(ctx: &Ctx, dir: &Path) -> Outcome {
    let (spec, conn) = match spec_and_connection(ctx, dir).await {
        Ok(x) => x,
        Err(o) => return o,
    };
    let target = match slipway_engine::deploy::service_ref(&conn, &spec).await {
        Ok(t) => t,
        Err(e) => return output::error(ctx.json, &e, Outcome::Failed),
    };
    let now_s = (now_ms() / 1000).max(0) as u64;
    match slipway_engine::experiments::bad_deploy(&conn, &target, &spec, now_s).await {
        Ok(b) => {
            if ctx.json {
                emit(&serde_json::to_value(&b).unwrap_or_default());
            } else {
                println!(
                    "Deployed {} (image {}, which does not exist). After {} failed tasks the circuit breaker rolls back to {}.\nWatch it: slipway watch. Restore the service afterwards: slipway apply.",
                    b.broken_task_definition, b.image, b.failure_threshold, b.serving_task_definition
                );
            }
            Outcome::Success
        }
        Err(e) => output::error(ctx.json, &e, Outcome::Failed),
    }
}
