//! The fault matrix: apply (the service, then the pipeline) and destroy through a proxy that
//! injects throttling, 500/503, slow answers and dropped connections (before and after the
//! request took effect) at 5%, 15% and 30% of the calls, over many seeds. Each run must either
//! converge or stop with a clear error; a second apply with faults off must converge; destroy
//! (with faults, then again without if needed) must reach zero. Counted by reading the emulator
//! directly, not through Slipway: duplicates (more of a resource than a clean run makes) and
//! orphans after destroy must both be 0.
//!
//! `SLIPWAY_FAULT_SEEDS` (default 20) sets the seeds per rate; `SLIPWAY_FAULT_RATES` (default
//! `0.05,0.15,0.30`) the rates.

#[path = "support/fault_proxy.rs"]
mod fault_proxy;

use fault_proxy::{Fault, FaultProxy};
use slipway_core::connection::PracticeStack;
use slipway_core::spec::ProjectSpec;
use slipway_docker::CancellationToken;
use slipway_engine::deploy::{apply_change, destroy, plan_destroy, plan_service, tagged_leftovers};
use slipway_engine::pipeline::{apply_pipeline, plan_pipeline};
use std::collections::BTreeMap;
use std::sync::Arc;

const IMAGE: &str = "123456789012.dkr.ecr.us-east-1.amazonaws.com/faults:v1";
/// Runs in flight at once (each has its own project and proxy).
const PARALLEL: usize = 4;

fn spec(name: &str) -> ProjectSpec {
    ProjectSpec::parse(&format!(
        "[app]\nname = \"{name}\"\nport = 8080\nhealth_path = \"/health\"\n[service]\ndesired_count = 1\n[pipeline.source]\nkind = \"s3\"\n"
    ))
    .unwrap()
}

fn folder() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("Dockerfile"),
        "FROM slipway/base:practice\nCOPY app.py /app.py\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("app.py"), "print('hello')\n").unwrap();
    dir
}

/// Apply as a person does: the service, then the pipeline. The error, in words, when it stops.
async fn apply_all(
    conn: &slipway_aws::Connection,
    store: &slipway_store::Store,
    s: &ProjectSpec,
    dir: &std::path::Path,
) -> Result<(), String> {
    let cancel = CancellationToken::new();
    let scratch = tempfile::tempdir().unwrap();
    let change = plan_service(conn, s, IMAGE)
        .await
        .map_err(|e| format!("plan: {} ({})", e.message, e.hint))?;
    let report = apply_change(conn, store, &s.app.name, &change, 2, &cancel, |_| {}).await;
    if let Some(f) = report.failed {
        return Err(format!("apply {}: {}", f.key, f.error.message));
    }
    let change = plan_pipeline(conn, s, dir, scratch.path())
        .await
        .map_err(|e| format!("pipeline plan: {}", e.message))?;
    let out = apply_pipeline(conn, store, s, &change, 2, &cancel, |_| {}).await;
    if let Some(f) = out.report.failed {
        return Err(format!("pipeline apply {}: {}", f.key, f.error.message));
    }
    Ok(())
}

async fn destroy_all(
    conn: &slipway_aws::Connection,
    store: &slipway_store::Store,
    s: &ProjectSpec,
) -> Result<Vec<String>, String> {
    let plan = plan_destroy(conn, store, s, false)
        .await
        .map_err(|e| format!("destroy plan: {}", e.message))?;
    let (report, left) = destroy(
        conn,
        store,
        s,
        &plan,
        false,
        2,
        &CancellationToken::new(),
        |_| {},
    )
    .await
    .map_err(|e| format!("destroy: {}", e.message))?;
    if let Some(f) = report.failed {
        return Err(format!("destroy {}: {}", f.key, f.error.message));
    }
    Ok(left)
}

/// What the emulator holds for project `name`, by kind, read directly (no proxy, no Slipway
/// logic): the numbers a duplicate or an orphan would change.
async fn inventory(direct: &slipway_aws::Connection, name: &str) -> BTreeMap<&'static str, usize> {
    let mut m = BTreeMap::new();
    let sgs = direct
        .ec2()
        .describe_security_groups()
        .send()
        .await
        .unwrap();
    m.insert(
        "security groups",
        sgs.security_groups()
            .iter()
            .filter(|g| {
                g.group_name()
                    .is_some_and(|n| n == format!("{name}-alb") || n == format!("{name}-tasks"))
            })
            .count(),
    );
    let lbs = direct
        .elbv2()
        .describe_load_balancers()
        .send()
        .await
        .unwrap();
    m.insert(
        "load balancers",
        lbs.load_balancers()
            .iter()
            .filter(|l| l.load_balancer_name() == Some(name))
            .count(),
    );
    let tgs = direct
        .elbv2()
        .describe_target_groups()
        .send()
        .await
        .unwrap();
    m.insert(
        "target groups",
        tgs.target_groups()
            .iter()
            .filter(|t| t.target_group_name().is_some_and(|n| n.starts_with(name)))
            .count(),
    );
    let tds = direct
        .ecs()
        .list_task_definitions()
        .family_prefix(name)
        .status(aws_sdk_ecs::types::TaskDefinitionStatus::Active)
        .send()
        .await
        .unwrap();
    m.insert("task definitions", tds.task_definition_arns().len());
    let clusters = direct
        .ecs()
        .describe_clusters()
        .clusters(name)
        .send()
        .await
        .unwrap();
    let active = clusters
        .clusters()
        .iter()
        .filter(|c| c.status() == Some("ACTIVE"))
        .count();
    m.insert("clusters", active);
    let services = if active > 0 {
        let s = direct
            .ecs()
            .describe_services()
            .cluster(name)
            .services(name)
            .send()
            .await
            .unwrap();
        s.services()
            .iter()
            .filter(|s| s.status() == Some("ACTIVE"))
            .count()
    } else {
        0
    };
    m.insert("services", services);
    let logs = direct.logs().describe_log_groups().send().await.unwrap();
    m.insert(
        "log groups",
        logs.log_groups()
            .iter()
            .filter(|g| g.log_group_name().is_some_and(|n| n.contains(name)))
            .count(),
    );
    let roles = direct
        .iam()
        .list_roles()
        .max_items(1000)
        .send()
        .await
        .unwrap();
    m.insert(
        "roles",
        roles
            .roles()
            .iter()
            .filter(|r| r.role_name().contains(name))
            .count(),
    );
    let pipelines = direct.codepipeline().list_pipelines().send().await.unwrap();
    m.insert(
        "pipelines",
        pipelines
            .pipelines()
            .iter()
            .filter(|p| p.name().is_some_and(|n| n.contains(name)))
            .count(),
    );
    let projects = direct.codebuild().list_projects().send().await.unwrap();
    m.insert(
        "build projects",
        projects
            .projects()
            .iter()
            .filter(|p| p.contains(name))
            .count(),
    );
    let buckets = direct.s3().list_buckets().send().await.unwrap();
    m.insert(
        "buckets",
        buckets
            .buckets()
            .iter()
            .filter(|b| b.name().is_some_and(|n| n.contains(name)))
            .count(),
    );
    m
}

#[derive(Debug, Default)]
struct Outcome {
    first: bool,
    resumed: bool,
    duplicates: usize,
    orphans: usize,
    faults: usize,
    calls: u64,
    unclear: Vec<String>,
    notes: Vec<String>,
}

/// Counts of `have` above `want`, by kind.
fn excess(have: &BTreeMap<&'static str, usize>, want: &BTreeMap<&'static str, usize>) -> usize {
    have.iter()
        .map(|(k, n)| n.saturating_sub(*want.get(k).unwrap_or(&0)))
        .sum()
}

/// A clear error says what failed in words: not empty, not a panic, not a bare debug dump.
fn clear(e: &str) -> bool {
    e.len() > 12 && !e.contains("panicked") && !e.contains("DispatchFailure {")
}

async fn run_case(
    upstream: &str,
    rate: f64,
    seed: u64,
    baseline: &BTreeMap<&'static str, usize>,
    tag: &str,
) -> Outcome {
    let name = format!("flt{}{tag}", std::process::id() % 10_000);
    let s = spec(&name);
    let dir = folder();
    let data = tempfile::tempdir().unwrap();
    let store = Arc::new(slipway_store::Store::open_in(data.path()).unwrap());
    let proxy = FaultProxy::start(upstream, rate, seed).await;
    let stack = PracticeStack {
        aws_endpoint: proxy.url.clone(),
        ..PracticeStack::from_env()
    };
    let conn = slipway_aws::Connection::practice(&stack, None, store.clone());
    let direct = slipway_aws::Connection::practice(
        &PracticeStack::from_env(),
        None,
        Arc::new(slipway_core::journal::MemoryJournal::default()),
    );
    let mut o = Outcome::default();

    match apply_all(&conn, &store, &s, dir.path()).await {
        Ok(()) => o.first = true,
        Err(e) => {
            if !clear(&e) {
                o.unclear.push(e.clone());
            }
            o.notes.push(e);
        }
    }
    // Faults off: the second apply converges.
    proxy.set_rate(0.0);
    match apply_all(&conn, &store, &s, dir.path()).await {
        Ok(()) => o.resumed = true,
        Err(e) => o.notes.push(format!("resume: {e}")),
    }
    let after_apply = inventory(&direct, &name).await;
    o.duplicates = excess(&after_apply, baseline);
    if o.duplicates > 0 {
        o.notes.push(format!("after apply: {after_apply:?}"));
    }
    // Destroy with the same faults; when it stops, again without.
    proxy.set_rate(rate);
    let first = destroy_all(&conn, &store, &s).await;
    proxy.set_rate(0.0);
    let left = match first {
        Ok(left) if left.is_empty() => left,
        other => {
            if let Err(e) = &other {
                if !clear(e) {
                    o.unclear.push(e.clone());
                }
            }
            destroy_all(&conn, &store, &s)
                .await
                .unwrap_or_else(|e| vec![e])
        }
    };
    let after_destroy = inventory(&direct, &name).await;
    let tagged = tagged_leftovers(&direct, &name).await.unwrap_or_default();
    o.orphans = after_destroy.values().sum::<usize>() + tagged.len() + left.len();
    if o.orphans > 0 {
        o.notes.push(format!(
            "after destroy: {after_destroy:?} tagged {tagged:?} left {left:?}"
        ));
    }
    o.faults = proxy.injected().len();
    o.calls = proxy.requests();
    o
}

fn env_list<T: std::str::FromStr>(key: &str, default: &str) -> Vec<T> {
    std::env::var(key)
        .ok()
        .filter(|v| !v.trim().is_empty())
        .unwrap_or_else(|| default.to_string())
        .split(',')
        .filter_map(|v| v.trim().parse().ok())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn apply_and_destroy_converge_under_injected_faults() {
    let stack = PracticeStack::from_env();
    slipway_aws::practice::probe_aws_endpoint(&stack)
        .await
        .expect("the practice stack runs (scripts/practice start)");
    let upstream = stack
        .aws_endpoint
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_string();
    let seeds: u64 = env_list::<u64>("SLIPWAY_FAULT_SEEDS", "20")[0];
    let rates: Vec<f64> = env_list("SLIPWAY_FAULT_RATES", "0.05,0.15,0.30");

    // A clean run: what one project holds once applied (the yardstick for duplicates).
    let clean = run_case(&upstream, 0.0, 0, &BTreeMap::new(), "base").await;
    assert!(
        clean.first && clean.resumed,
        "a clean run converges: {:?}",
        clean.notes
    );
    assert_eq!(
        clean.orphans, 0,
        "a clean destroy leaves nothing: {:?}",
        clean.notes
    );
    let baseline = {
        // Re-apply to read the inventory of a converged project, then destroy it.
        let name = format!("flt{}base", std::process::id() % 10_000);
        let s = spec(&name);
        let dir = folder();
        let data = tempfile::tempdir().unwrap();
        let store = Arc::new(slipway_store::Store::open_in(data.path()).unwrap());
        let conn = slipway_aws::Connection::practice(&stack, None, store.clone());
        apply_all(&conn, &store, &s, dir.path()).await.unwrap();
        let inv = inventory(&conn, &name).await;
        assert!(destroy_all(&conn, &store, &s).await.unwrap().is_empty());
        inv
    };
    assert!(
        baseline.values().all(|n| *n >= 1),
        "a converged project has one of each kind at least: {baseline:?}"
    );

    let cases: Vec<(f64, u64)> = rates
        .iter()
        .flat_map(|r| (1..=seeds).map(move |seed| (*r, seed)))
        .collect();
    let mut results: Vec<((f64, u64), Outcome)> = Vec::new();
    for batch in cases.chunks(PARALLEL) {
        let runs = batch.iter().map(|&(rate, seed)| {
            let (upstream, baseline) = (upstream.clone(), baseline.clone());
            async move {
                let tag = format!("r{}s{seed}", (rate * 100.0).round() as u32);
                (
                    (rate, seed),
                    run_case(&upstream, rate, seed, &baseline, &tag).await,
                )
            }
        });
        results.extend(futures_util::future::join_all(runs).await);
    }

    println!(
        "fault matrix ({seeds} seeds per rate; faults: {:?})",
        fault_proxy::ALL
    );
    println!(
        "{:>6} {:>5} {:>12} {:>10} {:>10} {:>8} {:>8} {:>7}",
        "rate", "runs", "first time", "on resume", "duplicates", "orphans", "faults", "calls"
    );
    let mut failures = Vec::new();
    for rate in &rates {
        let of: Vec<&Outcome> = results
            .iter()
            .filter(|((r, _), _)| r == rate)
            .map(|(_, o)| o)
            .collect();
        println!(
            "{:>5.0}% {:>5} {:>12} {:>10} {:>10} {:>8} {:>8} {:>7}",
            rate * 100.0,
            of.len(),
            of.iter().filter(|o| o.first).count(),
            of.iter().filter(|o| o.resumed).count(),
            of.iter().map(|o| o.duplicates).sum::<usize>(),
            of.iter().map(|o| o.orphans).sum::<usize>(),
            of.iter().map(|o| o.faults).sum::<usize>(),
            of.iter().map(|o| o.calls).sum::<u64>(),
        );
    }
    let mut kinds: BTreeMap<String, usize> = BTreeMap::new();
    for ((rate, seed), o) in &results {
        if !o.resumed || o.duplicates > 0 || o.orphans > 0 || !o.unclear.is_empty() {
            failures.push(format!(
                "rate {rate} seed {seed}: {:?} unclear {:?}",
                o.notes, o.unclear
            ));
        }
        for n in &o.notes {
            let kind = n.split(':').take(2).collect::<Vec<_>>().join(":");
            *kinds.entry(kind).or_default() += 1;
        }
    }
    println!("where runs stopped first time: {kinds:?}");
    let _ = Fault::Slow;
    assert!(
        failures.is_empty(),
        "{} runs failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
