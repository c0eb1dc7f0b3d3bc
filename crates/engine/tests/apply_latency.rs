//! A benchmark (issue 10, run by `scripts/bench --only apply`; ignored by the test command): the
//! same first deploy applied with concurrency 1 and with the default, through a loopback proxy
//! that adds a fixed round trip to every AWS call, as AWS's own latency would. On bare moto a
//! call costs a few milliseconds and concurrency has little to win; this shows what it wins
//! when calls take as long as they do against AWS.
//!
//! `SLIPWAY_BENCH_LATENCY_MS` (default `0,50,100`) and `SLIPWAY_BENCH_RUNS` (default 3).

#[path = "support/fault_proxy.rs"]
mod fault_proxy;

use fault_proxy::FaultProxy;
use slipway_core::connection::PracticeStack;
use slipway_core::spec::ProjectSpec;
use slipway_docker::CancellationToken;
use slipway_engine::apply::DEFAULT_CONCURRENCY;
use slipway_engine::deploy::{apply_change, destroy, plan_destroy, plan_service};
use std::sync::Arc;
use std::time::{Duration, Instant};

const IMAGE: &str = "123456789012.dkr.ecr.us-east-1.amazonaws.com/latency:v1";

fn env_list(key: &str, default: &str) -> Vec<u64> {
    std::env::var(key)
        .unwrap_or_else(|_| default.into())
        .split(',')
        .filter_map(|x| x.trim().parse().ok())
        .collect()
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    let n = xs.len();
    if n % 2 == 1 {
        xs[n / 2]
    } else {
        (xs[n / 2 - 1] + xs[n / 2]) / 2.0
    }
}

/// One apply of a fresh project at `concurrency` through a proxy adding `latency`; the apply's
/// wall time (the plan before it is not counted) and its calls. Destroyed after, with no delay.
async fn one(latency: Duration, concurrency: usize, tag: &str) -> (f64, u64) {
    let name = format!("lat{}{tag}", std::process::id() % 10_000);
    let spec = ProjectSpec::parse(&format!(
        "[app]\nname = \"{name}\"\nport = 8080\nhealth_path = \"/health\"\n[service]\ndesired_count = 1\n"
    ))
    .unwrap();
    let data = tempfile::tempdir().unwrap();
    let store = Arc::new(slipway_store::Store::open_in(data.path()).unwrap());
    let upstream = PracticeStack::from_env()
        .aws_endpoint
        .trim_start_matches("http://")
        .to_string();
    let proxy = FaultProxy::start(&upstream, 0.0, 1).await;
    let stack = PracticeStack {
        aws_endpoint: proxy.url.clone(),
        ..PracticeStack::from_env()
    };
    let conn = slipway_aws::Connection::practice(&stack, None, store.clone());
    let change = plan_service(&conn, &spec, IMAGE).await.unwrap();
    proxy.set_latency(latency);
    let before = proxy.requests();
    let started = Instant::now();
    let report = apply_change(
        &conn,
        &*store,
        &name,
        &change,
        concurrency,
        &CancellationToken::new(),
        |_| {},
    )
    .await;
    let took = started.elapsed().as_secs_f64();
    assert!(report.failed.is_none(), "{name}: {:?}", report.failed);
    let calls = proxy.requests() - before;
    proxy.set_latency(Duration::ZERO);
    let plan = plan_destroy(&conn, &*store, &spec, false).await.unwrap();
    let (_, left) = destroy(
        &conn,
        &*store,
        &spec,
        &plan,
        false,
        DEFAULT_CONCURRENCY,
        &CancellationToken::new(),
        |_| {},
    )
    .await
    .unwrap();
    assert!(left.is_empty(), "{name}: destroy left {left:?}");
    (took, calls)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "a benchmark: scripts/bench --only apply runs it"]
async fn apply_concurrency_with_aws_like_latency() {
    let runs = env_list("SLIPWAY_BENCH_RUNS", "3")
        .first()
        .copied()
        .unwrap_or(3);
    let latencies = env_list("SLIPWAY_BENCH_LATENCY_MS", "0,50,100");
    println!(
        "apply with latency added to every AWS call (loopback proxy in front of moto); median of {runs} after a warm-up"
    );
    println!(
        "  {:>12} {:>10} {:>10} {:>8} {:>7}",
        "latency ms",
        "c=1 s",
        format!("c={DEFAULT_CONCURRENCY} s"),
        "speed-up",
        "calls"
    );
    for ms in latencies {
        let latency = Duration::from_millis(ms);
        let (mut one_s, mut dflt_s, mut calls) = (Vec::new(), Vec::new(), 0);
        for r in 0..=runs {
            let (a, _) = one(latency, 1, &format!("{ms}o{r}")).await;
            let (b, c) = one(latency, DEFAULT_CONCURRENCY, &format!("{ms}d{r}")).await;
            if r > 0 {
                one_s.push(a);
                dflt_s.push(b);
                calls = c;
            }
        }
        let (a, b) = (median(one_s), median(dflt_s));
        println!("  {ms:>12} {a:>10.3} {b:>10.3} {:>7.2}x {calls:>7}", a / b);
    }
}
