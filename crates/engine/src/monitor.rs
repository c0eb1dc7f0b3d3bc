//! Watching a service: look, diagnose, report, wait (adaptively, within the call budget of
//! `slipway_core::watch`), again — until cancelled. The desktop app and `slipway watch` both run
//! this loop. Also the zero-downtime check: probing the service URL at a bounded rate while a
//! rollout runs, recording which version answered and how fast.

use crate::rollout::{self, ServiceRef};
use serde::Serialize;
use slipway_aws::Connection;
use slipway_core::diagnose::{diagnose_service, Diagnosis, Expectations};
use slipway_core::health::ServiceHealth;
use slipway_core::watch::{activity_of, next_wait, Activity};
use slipway_core::ErrorBody;
use slipway_docker::CancellationToken;
use std::time::{Duration, Instant};
use tokio::sync::watch;
use ts_rs::TS;

/// One look at the service, with what is wrong and what the watching costs.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct MonitorUpdate {
    /// The latest good look (kept when a later look fails).
    pub health: Option<ServiceHealth>,
    pub diagnoses: Vec<Diagnosis>,
    pub activity: Activity,
    /// AWS calls this connection made in the last minute.
    pub calls_last_minute: u32,
    /// When the next look comes (milliseconds from now); none while hidden.
    #[ts(type = "number | null")]
    pub next_look_ms: Option<u64>,
    /// Why the last look failed, when it did.
    pub error: Option<ErrorBody>,
}

/// What a transition between two looks means for a person who is not looking (a desktop
/// notification): `None` when nothing worth interrupting happened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Milestone {
    RolloutCompleted { task_definition: String },
    RolledBack { failed: String, serving: String },
}

fn short(td: &str) -> String {
    td.rsplit('/').next().unwrap_or(td).to_string()
}

/// The milestone between `before` and `now`, if any.
pub fn milestone(before: &ServiceHealth, now: &ServiceHealth) -> Option<Milestone> {
    let failed_now = now.failed_deployment().map(|d| d.id.clone());
    let failed_before = before.failed_deployment().map(|d| d.id.clone());
    if failed_now.is_some() && failed_now != failed_before {
        let f = now.failed_deployment()?;
        return Some(Milestone::RolledBack {
            failed: short(&f.task_definition),
            serving: now
                .primary()
                .map(|p| short(&p.task_definition))
                .unwrap_or_default(),
        });
    }
    let was_moving = activity_of(before) == Activity::Moving;
    if was_moving && now.is_steady(!now.targets.is_empty()) && now.failed_deployment().is_none() {
        return Some(Milestone::RolloutCompleted {
            task_definition: short(&now.task_definition),
        });
    }
    None
}

fn throttled(e: &ErrorBody) -> bool {
    let m = e.message.to_lowercase();
    m.contains("throttl") || m.contains("rate exceeded") || m.contains("too many requests")
}

/// Watches until `cancel`: each look is reported through `on_update`, milestones through
/// `on_milestone`. `visible` false pauses the looks (no calls) until it turns true again.
pub async fn watch_service(
    conn: &Connection,
    target: &ServiceRef,
    want: &Expectations,
    mut visible: watch::Receiver<bool>,
    cancel: &CancellationToken,
    mut on_update: impl FnMut(MonitorUpdate),
    mut on_milestone: impl FnMut(Milestone),
) {
    let mut last: Option<ServiceHealth> = None;
    let mut throttled_streak = 0u32;
    loop {
        if cancel.is_cancelled() {
            return;
        }
        if !*visible.borrow() {
            on_update(MonitorUpdate {
                health: last.clone(),
                diagnoses: last
                    .as_ref()
                    .map(|h| diagnose_service(h, want))
                    .unwrap_or_default(),
                activity: Activity::Hidden,
                calls_last_minute: conn.meter().rate().last_minute,
                next_look_ms: None,
                error: None,
            });
            tokio::select! {
                _ = cancel.cancelled() => return,
                changed = visible.changed() => if changed.is_err() { return },
            }
            continue;
        }
        let looked = rollout::look(conn, target).await;
        let (activity, error) = match looked {
            Ok(h) => {
                throttled_streak = 0;
                if let Err(e) = rollout::schedule(conn, target, &h).await {
                    tracing::debug!(error = %e.message, "practice scheduler");
                }
                if let Some(before) = &last {
                    if let Some(m) = milestone(before, &h) {
                        on_milestone(m);
                    }
                }
                let a = activity_of(&h);
                last = Some(h);
                (a, None)
            }
            Err(e) => {
                if throttled(&e) {
                    throttled_streak += 1;
                }
                (
                    last.as_ref().map(activity_of).unwrap_or(Activity::Moving),
                    Some(e),
                )
            }
        };
        let wait = next_wait(activity, throttled_streak).unwrap_or(slipway_core::watch::SLOW);
        on_update(MonitorUpdate {
            diagnoses: last
                .as_ref()
                .map(|h| diagnose_service(h, want))
                .unwrap_or_default(),
            health: last.clone(),
            activity,
            calls_last_minute: conn.meter().rate().last_minute,
            next_look_ms: Some(wait.as_millis() as u64),
            error,
        });
        tokio::select! {
            _ = cancel.cancelled() => return,
            _ = tokio::time::sleep(wait) => {}
            changed = visible.changed() => if changed.is_err() { return },
        }
    }
}

/// One probe of the service URL during a rollout.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ProbeSample {
    /// Milliseconds since the check started.
    #[ts(type = "number")]
    pub at_ms: u64,
    /// The HTTP status; none when nothing answered.
    pub status: Option<u16>,
    pub latency_ms: Option<u32>,
    /// The version that answered (`X-App-Version`), when the app reports one.
    pub version: Option<String>,
    pub error: Option<String>,
}

/// The zero-downtime check's result.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct DowntimeReport {
    pub samples: Vec<ProbeSample>,
    pub ok: u32,
    pub failed: u32,
    /// `ok / (ok + failed)`, 0..1.
    pub success_rate: f64,
    #[ts(type = "number | null")]
    pub p95_latency_ms: Option<u32>,
    /// The versions that answered, in the order they first did.
    pub versions: Vec<String>,
    /// The longest run of failed probes, in milliseconds (0 = no downtime seen).
    #[ts(type = "number")]
    pub longest_outage_ms: u64,
}

impl DowntimeReport {
    pub fn of(samples: Vec<ProbeSample>) -> Self {
        let good = |s: &ProbeSample| s.status.is_some_and(|c| (200..400).contains(&c));
        let ok = samples.iter().filter(|s| good(s)).count() as u32;
        let failed = samples.len() as u32 - ok;
        let mut lat: Vec<u32> = samples
            .iter()
            .filter(|s| good(s))
            .filter_map(|s| s.latency_ms)
            .collect();
        lat.sort_unstable();
        let p95 =
            (!lat.is_empty()).then(|| lat[((lat.len() * 95).div_ceil(100)).saturating_sub(1)]);
        let mut versions: Vec<String> = Vec::new();
        for v in samples.iter().filter_map(|s| s.version.clone()) {
            if !versions.contains(&v) {
                versions.push(v);
            }
        }
        let mut longest = 0;
        let mut since: Option<u64> = None;
        for s in &samples {
            match (good(s), since) {
                (false, None) => since = Some(s.at_ms),
                (true, Some(t)) => {
                    longest = longest.max(s.at_ms - t);
                    since = None;
                }
                _ => {}
            }
        }
        if let (Some(t), Some(last)) = (since, samples.last()) {
            longest = longest.max(last.at_ms - t);
        }
        Self {
            ok,
            failed,
            success_rate: if samples.is_empty() {
                0.0
            } else {
                f64::from(ok) / samples.len() as f64
            },
            p95_latency_ms: p95,
            versions,
            longest_outage_ms: longest,
            samples,
        }
    }
}

/// The most probes a second the check sends, whatever is asked.
pub const MAX_PROBES_PER_SECOND: u32 = 10;
/// The most probes one check sends.
pub const MAX_PROBES: usize = 3_600;

/// Probes `url` every `1 / rate` seconds (rate capped at `MAX_PROBES_PER_SECOND`) until
/// `cancel` or `MAX_PROBES`, reporting each sample as it comes.
pub async fn zero_downtime_check(
    url: &str,
    rate_per_second: u32,
    cancel: &CancellationToken,
    mut on_sample: impl FnMut(&ProbeSample),
) -> DowntimeReport {
    let rate = rate_per_second.clamp(1, MAX_PROBES_PER_SECOND);
    let period = Duration::from_millis(1000 / u64::from(rate));
    let started = Instant::now();
    let mut ticker = tokio::time::interval(period);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut samples = Vec::new();
    while samples.len() < MAX_PROBES {
        tokio::select! {
            _ = cancel.cancelled() => break,
            _ = ticker.tick() => {}
        }
        let at_ms = started.elapsed().as_millis() as u64;
        let s = match slipway_docker::probe::get(url, period.max(Duration::from_millis(500))).await
        {
            Ok(r) => ProbeSample {
                at_ms,
                status: Some(r.status),
                latency_ms: Some(r.latency_ms),
                version: r.version,
                error: None,
            },
            Err(e) => ProbeSample {
                at_ms,
                status: None,
                latency_ms: None,
                version: None,
                error: Some(e.to_string()),
            },
        };
        on_sample(&s);
        samples.push(s);
    }
    DowntimeReport::of(samples)
}

/// The chart window: the last hour at one-minute resolution (CloudWatch keeps one-minute data
/// for 15 days; ECS and ALB publish at one minute).
pub const METRICS_WINDOW_MS: i64 = 60 * 60 * 1000;
pub const METRICS_PERIOD_S: i32 = 60;

/// The service's charts over the hour before `now_ms`: CPU and memory (AWS/ECS), and when it
/// has a load balancer, requests, 5xx and p95 response time (AWS/ApplicationELB). Two calls:
/// DescribeTargetGroups (for the load balancer) and GetMetricData. In practice mode none: the
/// emulator cannot answer CloudWatch's RPC v2 CBOR protocol, and the charts say so.
pub async fn service_metrics(
    conn: &Connection,
    target: &ServiceRef,
    now_ms: i64,
) -> Result<slipway_core::metrics::ServiceMetrics, ErrorBody> {
    let to = now_ms - now_ms.rem_euclid(60_000);
    if conn.practice {
        return Ok(slipway_core::metrics::ServiceMetrics::practice(
            to - METRICS_WINDOW_MS,
            to,
            METRICS_PERIOD_S,
        ));
    }
    let load_balancer = match &target.target_group {
        Some(tg) => slipway_aws::metrics::load_balancer_of(conn, tg).await?,
        None => None,
    };
    // Whole minutes (above), so a refresh within the same minute asks for the same points.
    let asked = slipway_core::metrics::queries(
        &target.cluster,
        &target.service,
        load_balancer.as_deref(),
        target.target_group.as_deref(),
    );
    Ok(slipway_aws::metrics::service_metrics(
        conn,
        &asked,
        to - METRICS_WINDOW_MS,
        to,
        METRICS_PERIOD_S,
    )
    .await?)
}
