//! `slipway init`, `slipway build` and `slipway run`: steps 1 and 2 on a terminal, with
//! progress for people and one JSON event per line (`--json`) for scripts.

use crate::output;
use crate::Outcome;
use slipway_core::build::BuildEvent;
use slipway_core::textdiff::DiffKind;
use slipway_core::ErrorBody;
use slipway_docker::CancellationToken;
use slipway_engine::local::{build_project, run_and_smoke_test, BuildOptions};
use slipway_engine::project::{load_spec, plan_init, write_init, InitChoices};
use std::io::Write;
use std::path::Path;
use std::time::Duration;

/// Prints one JSON object on its own line (NDJSON) and flushes, so a reader sees it at once.
pub fn emit(value: &serde_json::Value) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{value}");
    let _ = out.flush();
}

pub fn resolve_dir(dir: &Path) -> Result<std::path::PathBuf, ErrorBody> {
    let abs = std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf());
    slipway_core::project::resolve_project_dir(&abs.display().to_string())
}

/// `slipway init`: detect, generate, show what changes, write (never overwriting unseen).
pub fn init(
    json: bool,
    dir: &Path,
    choices: InitChoices,
    dry_run: bool,
    force: &[String],
) -> Outcome {
    let dir = match resolve_dir(dir) {
        Ok(d) => d,
        Err(e) => return output::error(json, &e, Outcome::BadInput),
    };
    let plan = match plan_init(&dir, &choices) {
        Ok(p) => p,
        Err(e) => return output::error(json, &e, Outcome::BadInput),
    };
    if !json {
        let d = &plan.detection;
        println!(
            "Detected: {}{}",
            slipway_core::stack::stack_name(d.stack),
            d.framework
                .map(|f| format!(
                    " ({})",
                    serde_json::to_value(f)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_string))
                        .unwrap_or_default()
                ))
                .unwrap_or_default()
        );
        println!(
            "Port {}{}, health path {}",
            plan.options.port,
            d.port_evidence
                .as_ref()
                .map(|e| format!(
                    " (from {}{})",
                    e.file,
                    e.line.map(|l| format!(":{l}")).unwrap_or_default()
                ))
                .unwrap_or_else(|| " (as given)".into()),
            plan.options.health_path
        );
        for f in &plan.files {
            let state = match (&f.current, f.overwrites) {
                (None, _) => "new",
                (Some(_), false) => "unchanged",
                (Some(_), true) => "changes",
            };
            println!("  {:<14} {state}", f.name);
            if f.overwrites {
                for line in f.diff.iter().filter(|l| l.kind != DiffKind::Same) {
                    let mark = if line.kind == DiffKind::Added {
                        '+'
                    } else {
                        '-'
                    };
                    println!("    {mark} {}", line.text);
                }
            }
        }
        for n in &plan.notes {
            println!("  note: {n}");
        }
    }
    if dry_run {
        if json {
            emit(&serde_json::json!({ "plan": plan }));
        }
        return Outcome::Success;
    }
    match write_init(&plan, None, force) {
        Ok(written) => {
            if json {
                emit(&serde_json::json!({ "plan": plan, "written": written }));
            } else if written.is_empty() {
                println!("Nothing to write: the files are up to date.");
            } else {
                println!("Wrote {}.", written.join(", "));
            }
            Outcome::Success
        }
        Err(e) => output::error(json, &e, Outcome::Failed),
    }
}

/// Cancels `token` on Ctrl-C, so a build or run stops cleanly (and its container is removed).
pub fn cancel_on_ctrl_c(token: &CancellationToken) {
    let token = token.clone();
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            token.cancel();
        }
    });
}

fn print_build_event(e: &BuildEvent) {
    match e {
        BuildEvent::Plan {
            tags,
            platform,
            steps,
        } => println!(
            "Building {} ({} steps, {})",
            tags.join(", "),
            steps.len(),
            platform.as_deref().unwrap_or("the engine's platform")
        ),
        BuildEvent::Context {
            files,
            bytes,
            done: true,
        } => println!("Sent the context: {files} files, {}", human_bytes(*bytes)),
        BuildEvent::StepStarted {
            index,
            total,
            instruction,
            line,
            ..
        } => println!(
            "[{index}/{total}] {instruction}{}",
            line.map(|l| format!("  (line {l})")).unwrap_or_default()
        ),
        BuildEvent::StepCached { .. } => println!("       cached"),
        BuildEvent::Log { text, .. } => println!("       {text}"),
        BuildEvent::Warning { message } => eprintln!("warning: {message}"),
        BuildEvent::Failed { message, line, .. } => eprintln!(
            "failed{}: {message}",
            line.map(|l| format!(" at line {l}")).unwrap_or_default()
        ),
        BuildEvent::Built {
            image_id,
            tags,
            cached_steps,
            total_steps,
            duration_ms,
        } => println!(
            "Built {} as {} in {:.1} s ({cached_steps} of {total_steps} steps cached)",
            &image_id.trim_start_matches("sha256:")[..12.min(image_id.len())],
            tags.join(", "),
            *duration_ms as f64 / 1000.0
        ),
        _ => {}
    }
}

/// `1536` → `1.5 KB`.
pub fn human_bytes(b: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KB", "MB", "GB", "TB"];
    let mut v = b as f64;
    let mut unit = 0;
    while v >= 1000.0 && unit < UNITS.len() - 1 {
        v /= 1000.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{b} B")
    } else {
        format!("{v:.1} {}", UNITS[unit])
    }
}

/// `slipway build`.
pub async fn build(json: bool, dir: &Path, options: BuildOptions) -> Outcome {
    let dir = match resolve_dir(dir) {
        Ok(d) => d,
        Err(e) => return output::error(json, &e, Outcome::BadInput),
    };
    let spec = match load_spec(&dir) {
        Ok(s) => s,
        Err(e) => return output::error(json, &e, Outcome::BadInput),
    };
    let docker = match slipway_docker::connect().await {
        Ok((d, _)) => d,
        Err(e) => return output::error(json, &ErrorBody::from(e), Outcome::Environment),
    };
    let cancel = CancellationToken::new();
    cancel_on_ctrl_c(&cancel);
    let result = build_project(&docker, &dir, &spec, &options, &cancel, |e| {
        if json {
            emit(&serde_json::to_value(&e).unwrap_or_default());
        } else {
            print_build_event(&e);
        }
    })
    .await;
    match result {
        Ok(_) => Outcome::Success,
        Err(e) => output::error(json, &e, Outcome::Failed),
    }
}

/// `slipway run`: starts the image, smoke-tests it, then follows its logs until Ctrl-C (or
/// returns at once with `--detach`). The container is removed on the way out unless detached.
pub async fn run(
    json: bool,
    dir: &Path,
    image: Option<String>,
    host_port: Option<u16>,
    timeout: Duration,
    detach: bool,
) -> Outcome {
    let dir = match resolve_dir(dir) {
        Ok(d) => d,
        Err(e) => return output::error(json, &e, Outcome::BadInput),
    };
    let spec = match load_spec(&dir) {
        Ok(s) => s,
        Err(e) => return output::error(json, &e, Outcome::BadInput),
    };
    let docker = match slipway_docker::connect().await {
        Ok((d, _)) => d,
        Err(e) => return output::error(json, &ErrorBody::from(e), Outcome::Environment),
    };
    let image = image.unwrap_or_else(|| format!("{}:latest", spec.app.name));
    let cancel = CancellationToken::new();
    cancel_on_ctrl_c(&cancel);
    let result = run_and_smoke_test(
        &docker,
        &spec,
        &image,
        host_port,
        timeout,
        &cancel,
        |n, r| {
            if json {
                emit(&serde_json::json!({"kind": "probe", "attempt": n, "status": r.ok().map(|r| r.status), "error": r.err().map(|e| e.to_string())}));
            } else if let Err(e) = r {
                if n % 4 == 1 {
                    println!("waiting for the app ({e})");
                }
            }
        },
    )
    .await;
    let (container, test) = match result {
        Ok(ok) => ok,
        Err(e) => return output::error(json, &e, Outcome::Failed),
    };
    if json {
        emit(&serde_json::json!({"kind": "started", "container": container}));
        emit(&serde_json::json!({"kind": "smoke_test", "result": test}));
    } else {
        println!("Running {} at {}", container.image, container.url);
        match &test.response {
            Some(r) if test.passed => println!(
                "Smoke test passed: GET {} → {} in {} ms: {}",
                test.url,
                r.status,
                r.latency_ms,
                r.body.lines().next().unwrap_or("")
            ),
            _ => eprintln!(
                "Smoke test FAILED: {}",
                test.failure.as_deref().unwrap_or("no answer")
            ),
        }
    }
    if detach {
        if !json {
            println!(
                "Left running as {} (stop it with `docker rm -f {}`).",
                container.name, container.name
            );
        }
        return if test.passed {
            Outcome::Success
        } else {
            Outcome::Failed
        };
    }
    if test.passed {
        if !json {
            println!("Following its logs; Ctrl-C stops and removes it.");
        }
        use futures_util::StreamExt;
        let mut logs = slipway_docker::container::follow_logs(&docker, &container.id);
        loop {
            tokio::select! {
                _ = cancel.cancelled() => break,
                line = logs.next() => match line {
                    Some(Ok(l)) if json => emit(&serde_json::json!({"kind": "log", "line": l})),
                    Some(Ok(l)) => println!("  {}", l.text),
                    _ => break,
                }
            }
        }
    }
    let _ = slipway_docker::container::stop_and_remove(&docker, &container.id).await;
    if test.passed {
        Outcome::Success
    } else {
        Outcome::Failed
    }
}
