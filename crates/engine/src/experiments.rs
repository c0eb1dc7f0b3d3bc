//! The labs' experiments on the learner's service, each bounded and explained: a load test
//! against the service's URL (auto scaling), a deliberately broken deployment (the circuit
//! breaker rolls it back). Stopping one task (high availability) is `labs::stop_one_task`.

use crate::rollout::ServiceRef;
use serde::Serialize;
use slipway_aws::Connection;
use slipway_core::spec::ProjectSpec;
use slipway_core::{ErrorBody, ErrorCode};
use slipway_docker::CancellationToken;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};
use ts_rs::TS;

/// The most requests one load test sends.
pub const MAX_REQUESTS: u32 = 5_000;
/// The most requests in flight at once.
pub const MAX_CONCURRENCY: u32 = 20;
/// A load test stops after this long whatever is left.
pub const MAX_DURATION: Duration = Duration::from_secs(60);
/// One request waits at most this long for its answer.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(5);
/// How often progress is reported.
const SAMPLE_EVERY: Duration = Duration::from_millis(500);

/// The load test's progress, about every half second.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct LoadSample {
    /// Milliseconds since the test started.
    #[ts(type = "number")]
    pub at_ms: u64,
    /// Requests answered or failed so far.
    pub sent: u32,
    pub ok: u32,
    pub failed: u32,
    /// Requests finished in the last second.
    pub rps: f64,
    /// The 95th percentile latency of the answers so far.
    pub p95_ms: Option<u32>,
}

/// How many requests ended with one status (none: no answer: refused, reset, timed out).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct StatusCount {
    pub status: Option<u16>,
    pub count: u32,
}

/// The load test's result.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct LoadReport {
    pub url: String,
    pub sent: u32,
    /// Answers with a 2xx or 3xx status.
    pub ok: u32,
    pub failed: u32,
    /// By status, the most frequent first.
    pub statuses: Vec<StatusCount>,
    pub p50_ms: Option<u32>,
    pub p95_ms: Option<u32>,
    pub max_ms: Option<u32>,
    #[ts(type = "number")]
    pub duration_ms: u64,
    /// Requests per second over the whole test.
    pub rps: f64,
    pub samples: Vec<LoadSample>,
    /// Cancelled, or stopped by the time limit before every request was sent.
    pub stopped_early: bool,
}

/// One finished request.
#[derive(Debug, Clone, Copy)]
struct Outcome {
    at_ms: u64,
    status: Option<u16>,
    latency_ms: Option<u32>,
}

fn good(status: Option<u16>) -> bool {
    status.is_some_and(|c| (200..400).contains(&c))
}

fn percentile(sorted: &[u32], p: usize) -> Option<u32> {
    (!sorted.is_empty()).then(|| sorted[((sorted.len() * p).div_ceil(100)).saturating_sub(1)])
}

fn sample(outcomes: &[Outcome], at_ms: u64) -> LoadSample {
    let ok = outcomes.iter().filter(|o| good(o.status)).count() as u32;
    let recent = outcomes
        .iter()
        .filter(|o| o.at_ms + 1000 > at_ms && o.at_ms <= at_ms)
        .count();
    let mut lat: Vec<u32> = outcomes
        .iter()
        .filter(|o| good(o.status))
        .filter_map(|o| o.latency_ms)
        .collect();
    lat.sort_unstable();
    LoadSample {
        at_ms,
        sent: outcomes.len() as u32,
        ok,
        failed: outcomes.len() as u32 - ok,
        // The first second is shorter than a second.
        rps: recent as f64 * 1000.0 / (at_ms.clamp(1, 1000) as f64),
        p95_ms: percentile(&lat, 95),
    }
}

fn report(
    url: &str,
    outcomes: &[Outcome],
    samples: Vec<LoadSample>,
    duration_ms: u64,
    stopped_early: bool,
) -> LoadReport {
    let ok = outcomes.iter().filter(|o| good(o.status)).count() as u32;
    let mut lat: Vec<u32> = outcomes
        .iter()
        .filter(|o| good(o.status))
        .filter_map(|o| o.latency_ms)
        .collect();
    lat.sort_unstable();
    let mut statuses: Vec<StatusCount> = Vec::new();
    for o in outcomes {
        match statuses.iter_mut().find(|s| s.status == o.status) {
            Some(s) => s.count += 1,
            None => statuses.push(StatusCount {
                status: o.status,
                count: 1,
            }),
        }
    }
    statuses.sort_by(|a, b| b.count.cmp(&a.count).then(a.status.cmp(&b.status)));
    LoadReport {
        url: url.to_string(),
        sent: outcomes.len() as u32,
        ok,
        failed: outcomes.len() as u32 - ok,
        statuses,
        p50_ms: percentile(&lat, 50),
        p95_ms: percentile(&lat, 95),
        max_ms: lat.last().copied(),
        duration_ms,
        rps: if duration_ms == 0 {
            0.0
        } else {
            outcomes.len() as f64 * 1000.0 / duration_ms as f64
        },
        samples,
        stopped_early,
    }
}

/// Refuses a load test outside the bounds, with what to ask for instead.
pub fn check_load_bounds(url: &str, requests: u32, concurrency: u32) -> Result<(), ErrorBody> {
    if slipway_docker::probe::split_url(url).is_err() {
        return Err(ErrorBody::new(
            ErrorCode::InvalidInput,
            format!("{url:?} is not an http:// URL with a host."),
            "Use the service's URL as the Service step shows it (http://…).",
        ));
    }
    if !(1..=MAX_REQUESTS).contains(&requests) {
        return Err(ErrorBody::new(
            ErrorCode::InvalidInput,
            format!("{requests} requests is outside 1–{MAX_REQUESTS}."),
            format!("Ask for at most {MAX_REQUESTS} requests: enough to see scaling start, bounded so the test cannot run away."),
        ));
    }
    if !(1..=MAX_CONCURRENCY).contains(&concurrency) {
        return Err(ErrorBody::new(
            ErrorCode::InvalidInput,
            format!("{concurrency} at once is outside 1–{MAX_CONCURRENCY}."),
            format!("Ask for 1 to {MAX_CONCURRENCY} requests at once."),
        ));
    }
    Ok(())
}

/// Sends `requests` GETs to `url`, `concurrency` at a time, until all are sent, `cancel`, or
/// `MAX_DURATION`; reports progress about every half second.
pub async fn load_test(
    url: &str,
    requests: u32,
    concurrency: u32,
    cancel: &CancellationToken,
    mut on_sample: impl FnMut(&LoadSample),
) -> Result<LoadReport, ErrorBody> {
    check_load_bounds(url, requests, concurrency)?;
    let started = Instant::now();
    let next = AtomicU32::new(0);
    let outcomes: Mutex<Vec<Outcome>> = Mutex::new(Vec::with_capacity(requests as usize));
    let done = tokio::sync::Notify::new();
    let worker = || async {
        loop {
            if cancel.is_cancelled() || started.elapsed() >= MAX_DURATION {
                return;
            }
            if next.fetch_add(1, Ordering::Relaxed) >= requests {
                return;
            }
            let r = tokio::select! {
                _ = cancel.cancelled() => return,
                r = slipway_docker::probe::get(url, REQUEST_TIMEOUT) => r,
            };
            let at_ms = started.elapsed().as_millis() as u64;
            let o = match r {
                Ok(r) => Outcome {
                    at_ms,
                    status: Some(r.status),
                    latency_ms: Some(r.latency_ms),
                },
                Err(_) => Outcome {
                    at_ms,
                    status: None,
                    latency_ms: None,
                },
            };
            if let Ok(mut v) = outcomes.lock() {
                v.push(o);
            }
        }
    };
    let workers = async {
        futures_util::future::join_all((0..concurrency).map(|_| worker())).await;
        done.notify_one();
    };
    let mut samples = Vec::new();
    let sampler = async {
        let mut tick = tokio::time::interval(SAMPLE_EVERY);
        tick.tick().await;
        loop {
            tokio::select! {
                _ = tick.tick() => {}
                _ = done.notified() => return,
            }
            let at = started.elapsed().as_millis() as u64;
            let s = outcomes.lock().map(|v| sample(&v, at)).ok();
            if let Some(s) = s {
                on_sample(&s);
                samples.push(s);
            }
        }
    };
    tokio::join!(workers, sampler);
    let duration_ms = started.elapsed().as_millis() as u64;
    let all = outcomes.into_inner().unwrap_or_default();
    let last = sample(&all, duration_ms);
    on_sample(&last);
    samples.push(last);
    let stopped_early = (all.len() as u32) < requests;
    Ok(report(url, &all, samples, duration_ms, stopped_early))
}

/// Where a load test goes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct LoadTarget {
    /// The URL to load; none when nothing answers yet.
    pub url: Option<String>,
    /// The app the learner runs on this machine (practice mode), not the service.
    pub local: bool,
    /// What the learner should know about this target.
    pub note: Option<String>,
}

/// The URL of the project's container running on this machine (step 2), at its health path.
pub async fn local_app_url(
    docker: &bollard::Docker,
    spec: &ProjectSpec,
) -> Result<Option<String>, ErrorBody> {
    use bollard::query_parameters::ListContainersOptionsBuilder;
    use std::collections::HashMap;
    let label = format!(
        "{}={}",
        slipway_docker::container::PROJECT_LABEL,
        spec.app.name
    );
    let opts = ListContainersOptionsBuilder::default()
        .filters(&HashMap::from([("label", vec![label])]))
        .build();
    let running = docker
        .list_containers(Some(opts))
        .await
        .map_err(|e| ErrorBody::from(slipway_docker::DockerError::Engine(e)))?;
    let port = running.iter().find_map(|c| {
        c.ports.as_ref()?.iter().find_map(|p| {
            (p.private_port == spec.app.port)
                .then_some(p.public_port)
                .flatten()
        })
    });
    Ok(port.map(|p| format!("http://127.0.0.1:{p}{}", spec.app.health_path)))
}

/// The load balancer's URL, when the service has one.
pub async fn service_url(
    conn: &Connection,
    spec: &ProjectSpec,
) -> Result<Option<String>, ErrorBody> {
    let n = crate::deploy::names(spec);
    let out = conn
        .elbv2()
        .describe_load_balancers()
        .names(&n.alb)
        .send()
        .await;
    match out {
        Ok(o) => Ok(o
            .load_balancers()
            .first()
            .and_then(|lb| lb.dns_name())
            .map(|d| crate::deploy::service_url(spec, d))),
        Err(e) => {
            let e = conn.fail("ELBv2", "DescribeLoadBalancers")(e);
            if e.to_string().contains("LoadBalancerNotFound") {
                Ok(None)
            } else {
                Err(e.into())
            }
        }
    }
}

/// What a load test of this project should target: the service's URL with an AWS account; in
/// practice mode the load balancer is not real, so the app running on this machine.
pub async fn load_target(
    conn: &Connection,
    docker: Option<&bollard::Docker>,
    spec: &ProjectSpec,
) -> Result<LoadTarget, ErrorBody> {
    if !conn.practice {
        let url = service_url(conn, spec).await?;
        let note = url.is_none().then(|| {
            "The service has no load balancer yet: apply the service (step 4) first.".to_string()
        });
        return Ok(LoadTarget {
            url,
            local: false,
            note,
        });
    }
    let local = match docker {
        Some(d) => local_app_url(d, spec).await?,
        None => None,
    };
    Ok(LoadTarget {
        note: Some(match &local {
            Some(_) => "Practice mode: the load balancer is not real, so the test loads the app you run on this machine (step 2). Auto scaling cannot be watched here: the emulator has no CloudWatch alarms to drive it. With an AWS profile, the test loads the service's URL and the desired count rises on the health map.".into(),
            None => "Practice mode: the load balancer is not real, and no container of the project runs on this machine. Run it locally in step 2, then load it here.".into(),
        }),
        url: local,
        local: true,
    })
}

/// Refuses a load-test URL that is neither the project's service nor an app on this machine: a
/// load test is never pointed at someone else's server.
pub fn check_load_url(url: &str, service: Option<&str>) -> Result<(), ErrorBody> {
    let (authority, _) = slipway_docker::probe::split_url(url).map_err(|_| {
        ErrorBody::new(
            ErrorCode::InvalidInput,
            format!("{url:?} is not an http:// URL with a host."),
            "Use the service's URL as the Service step shows it (http://…).",
        )
    })?;
    let host = authority
        .rsplit_once(':')
        .map_or(authority.as_str(), |(h, _)| h);
    let loopback = matches!(host, "127.0.0.1" | "localhost" | "[::1]");
    let own = service
        .and_then(|s| slipway_docker::probe::split_url(s).ok())
        .is_some_and(|(a, _)| a == authority);
    if loopback || own {
        Ok(())
    } else {
        Err(ErrorBody::new(
            ErrorCode::InvalidInput,
            format!("{host} is neither this project's load balancer nor this machine."),
            "A load test only targets your own service's URL (step 4) or an app you run locally.",
        ))
    }
}

/// What the bad deployment did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct BadDeploy {
    /// The revision that cannot start (`family:revision`).
    pub broken_task_definition: String,
    /// The image it names, which does not exist.
    pub image: String,
    /// The revision serving until now, the one the circuit breaker goes back to.
    pub serving_task_definition: String,
    /// How many tasks must fail before the circuit breaker acts.
    pub failure_threshold: u32,
}

/// ECS's circuit breaker acts after this many failed tasks: half the desired count, at least 3
/// and at most 200.
pub fn failure_threshold(desired: i32) -> u32 {
    (desired.max(0) as u32).div_ceil(2).clamp(3, 200)
}

fn short_td(arn: &str) -> String {
    arn.rsplit('/').next().unwrap_or(arn).to_string()
}

/// `repo:tag` → `repo:<broken>`; a digest reference loses its digest.
pub fn broken_image(image: &str, tag: &str) -> String {
    let base = image.split('@').next().unwrap_or(image);
    let slash = base.rfind('/').map_or(0, |i| i + 1);
    let repo = match base[slash..].rfind(':') {
        Some(i) => &base[..slash + i],
        None => base,
    };
    format!("{repo}:{tag}")
}

/// The bad-deploy experiment: registers a copy of the service's task definition whose image
/// tag does not exist and deploys it, so the learner watches ECS fail to pull it and the
/// circuit breaker roll back to the revision serving now. Refused while a rollout is going, or
/// when the circuit breaker is off (ECS would then retry for hours).
pub async fn bad_deploy(
    conn: &Connection,
    target: &ServiceRef,
    spec: &ProjectSpec,
    now_s: u64,
) -> Result<BadDeploy, ErrorBody> {
    let ecs = conn.ecs();
    let out = ecs
        .describe_services()
        .cluster(&target.cluster)
        .services(&target.service)
        .send()
        .await
        .map_err(conn.fail("ECS", "DescribeServices"))?;
    let svc = out
        .services()
        .iter()
        .find(|s| s.status() == Some("ACTIVE"))
        .ok_or_else(|| {
            ErrorBody::new(
                ErrorCode::ServiceNotDeployed,
                format!("The service {} is not deployed.", target.service),
                "Apply the service (step 4) first; the experiment breaks a running service on purpose.",
            )
        })?;
    let breaker = svc
        .deployment_configuration()
        .and_then(|d| d.deployment_circuit_breaker())
        .map(|b| b.enable() && b.rollback());
    // The emulator does not keep deploymentConfiguration: in practice mode, what slipway.toml
    // applied is what the practice scheduler plays.
    let on = match breaker {
        Some(on) => on,
        None => conn.practice && spec.service.circuit_breaker,
    };
    if !on {
        return Err(ErrorBody::new(
            ErrorCode::InvalidInput,
            "The service's deployment circuit breaker is off: ECS would keep retrying the broken revision instead of rolling back.",
            "Set [service] circuit_breaker = true in slipway.toml and apply, then run the experiment.",
        ));
    }
    let h = crate::rollout::look(conn, target).await?;
    let busy = h
        .deployments
        .iter()
        .any(|d| d.status == "PRIMARY" && d.rollout_state.as_deref() == Some("IN_PROGRESS"))
        || h.deployments
            .iter()
            .filter(|d| d.status != "INACTIVE")
            .count()
            > 1;
    if busy {
        return Err(ErrorBody::new(
            ErrorCode::InvalidInput,
            "A deployment of the service is still rolling out.",
            "Wait until the health map shows the rollout completed, then run the experiment.",
        ));
    }
    let serving = svc.task_definition().unwrap_or_default().to_string();
    let td_out = ecs
        .describe_task_definition()
        .task_definition(&serving)
        .include(aws_sdk_ecs::types::TaskDefinitionField::Tags)
        .send()
        .await
        .map_err(conn.fail("ECS", "DescribeTaskDefinition"))?;
    let td = td_out.task_definition().ok_or_else(|| {
        ErrorBody::new(
            ErrorCode::AwsCallFailed,
            format!("ECS did not describe the task definition {serving}."),
            "Apply the service again, then retry.",
        )
    })?;
    let tag = format!("slipway-broken-{now_s}");
    let app = crate::deploy::names(spec).container;
    let defs = td.container_definitions();
    // The app's container, else the first essential one.
    let pick = defs
        .iter()
        .position(|c| c.name() == Some(app.as_str()))
        .or_else(|| defs.iter().position(|c| c.essential().unwrap_or(true)));
    let mut image = String::new();
    let containers: Vec<_> = defs
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let mut c = c.clone();
            if Some(i) == pick {
                image = broken_image(c.image().unwrap_or_default(), &tag);
                c.image = Some(image.clone());
            }
            c
        })
        .collect();
    if image.is_empty() {
        return Err(ErrorBody::new(
            ErrorCode::InvalidInput,
            "The task definition has no essential container to break.",
            "Apply the service from slipway.toml, then retry.",
        ));
    }
    let mut tags = td_out.tags().to_vec();
    tags.push(
        aws_sdk_ecs::types::Tag::builder()
            .key("slipway:experiment")
            .value("bad-deploy")
            .build(),
    );
    let registered = ecs
        .register_task_definition()
        .family(td.family().unwrap_or(&spec.app.name))
        .set_container_definitions(Some(containers))
        .set_cpu(td.cpu().map(str::to_string))
        .set_memory(td.memory().map(str::to_string))
        .set_network_mode(td.network_mode().cloned())
        .set_requires_compatibilities(Some(td.requires_compatibilities().to_vec()))
        .set_execution_role_arn(td.execution_role_arn().map(str::to_string))
        .set_task_role_arn(td.task_role_arn().map(str::to_string))
        .set_runtime_platform(td.runtime_platform().cloned())
        .set_volumes(Some(td.volumes().to_vec()))
        .set_tags(Some(tags))
        .send()
        .await
        .map_err(conn.fail("ECS", "RegisterTaskDefinition"))?;
    let broken = registered
        .task_definition()
        .and_then(|t| t.task_definition_arn())
        .unwrap_or_default()
        .to_string();
    ecs.update_service()
        .cluster(&target.cluster)
        .service(&target.service)
        .task_definition(&broken)
        .send()
        .await
        .map_err(conn.fail("ECS", "UpdateService"))?;
    Ok(BadDeploy {
        broken_task_definition: short_td(&broken),
        image,
        serving_task_definition: short_td(&serving),
        failure_threshold: failure_threshold(svc.desired_count()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn o(at_ms: u64, status: Option<u16>, latency: u32) -> Outcome {
        Outcome {
            at_ms,
            status,
            latency_ms: status.map(|_| latency),
        }
    }

    #[test]
    fn the_report_counts_statuses_percentiles_and_rate() {
        let mut v: Vec<Outcome> = (1..=95).map(|i| o(i * 10, Some(200), i as u32)).collect();
        v.extend((0..3).map(|i| o(960 + i, Some(503), 1)));
        v.extend((0..2).map(|i| o(980 + i, None, 0)));
        let r = report("http://127.0.0.1:1/", &v, Vec::new(), 2_000, false);
        assert_eq!((r.sent, r.ok, r.failed), (100, 95, 5));
        assert_eq!(
            r.statuses,
            vec![
                StatusCount {
                    status: Some(200),
                    count: 95
                },
                StatusCount {
                    status: Some(503),
                    count: 3
                },
                StatusCount {
                    status: None,
                    count: 2
                },
            ]
        );
        // Latencies of the good answers only: 1..=95 ms.
        assert_eq!(
            (r.p50_ms, r.p95_ms, r.max_ms),
            (Some(48), Some(91), Some(95))
        );
        assert!((r.rps - 50.0).abs() < 1e-9);
    }

    #[test]
    fn a_sample_counts_the_last_second() {
        let v: Vec<Outcome> = (0..30).map(|i| o(i * 100, Some(200), 5)).collect();
        let s = sample(&v, 2_950);
        assert_eq!(s.sent, 30);
        // Finished in (1950, 2950]: 2000..=2900, 10 of them.
        assert!((s.rps - 10.0).abs() < 1e-9, "{s:?}");
        let first = sample(&v[..3], 250);
        assert!(
            (first.rps - 12.0).abs() < 1e-9,
            "3 in the first 250 ms: {first:?}"
        );
    }

    #[test]
    fn bounds_and_targets_are_refused_with_what_to_do() {
        assert!(check_load_bounds("http://127.0.0.1:8080/", 500, 10).is_ok());
        let e = check_load_bounds("http://127.0.0.1:8080/", 50_000, 10).unwrap_err();
        assert!(e.message.contains("outside 1–5000"), "{e:?}");
        assert!(check_load_bounds("http://127.0.0.1:8080/", 10, 0).is_err());
        assert!(check_load_bounds("ftp://x", 10, 1).is_err());
        assert!(check_load_url("http://127.0.0.1:8080/health", None).is_ok());
        assert!(check_load_url("http://localhost:3000/", None).is_ok());
        let alb = "http://shop-alb-123.us-east-1.elb.amazonaws.com";
        assert!(check_load_url(
            "http://shop-alb-123.us-east-1.elb.amazonaws.com/health",
            Some(alb)
        )
        .is_ok());
        let e = check_load_url("http://example.com/", Some(alb)).unwrap_err();
        assert!(e.message.contains("example.com is neither"), "{e:?}");
    }

    #[test]
    fn the_broken_image_keeps_the_repository() {
        assert_eq!(
            broken_image(
                "123.dkr.ecr.us-east-1.amazonaws.com/shop:abc1234",
                "slipway-broken-1"
            ),
            "123.dkr.ecr.us-east-1.amazonaws.com/shop:slipway-broken-1"
        );
        assert_eq!(
            broken_image("127.0.0.1:5050/shop@sha256:0e1a", "b"),
            "127.0.0.1:5050/shop:b"
        );
        assert_eq!(
            broken_image("127.0.0.1:5050/shop", "b"),
            "127.0.0.1:5050/shop:b"
        );
        assert_eq!(failure_threshold(1), 3);
        assert_eq!(failure_threshold(10), 5);
        assert_eq!(failure_threshold(1000), 200);
    }

    /// A loopback HTTP server answering every request after `delay`, counting them.
    async fn server(delay: Duration) -> (String, std::sync::Arc<AtomicU32>) {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let count = std::sync::Arc::new(AtomicU32::new(0));
        let seen = count.clone();
        tokio::spawn(async move {
            loop {
                let Ok((mut s, _)) = listener.accept().await else {
                    return;
                };
                let seen = seen.clone();
                tokio::spawn(async move {
                    let mut buf = [0u8; 1024];
                    let _ = s.read(&mut buf).await;
                    tokio::time::sleep(delay).await;
                    seen.fetch_add(1, Ordering::SeqCst);
                    let _ = s
                        .write_all(
                            b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok",
                        )
                        .await;
                });
            }
        });
        (format!("http://{addr}/health"), count)
    }

    #[tokio::test]
    async fn a_load_test_sends_exactly_what_was_asked() {
        let (url, count) = server(Duration::from_millis(2)).await;
        let mut streamed = 0;
        let r = load_test(&url, 200, 8, &CancellationToken::new(), |_| streamed += 1)
            .await
            .unwrap();
        assert_eq!((r.sent, r.ok, r.failed), (200, 200, 0), "{r:?}");
        assert_eq!(
            count.load(Ordering::SeqCst),
            200,
            "the server saw each request once"
        );
        assert_eq!(
            r.statuses,
            vec![StatusCount {
                status: Some(200),
                count: 200
            }]
        );
        assert!(!r.stopped_early);
        assert_eq!(streamed, r.samples.len());
        let last = r.samples.last().unwrap();
        assert_eq!((last.sent, last.ok), (200, 200));
        assert!(r.p95_ms.is_some() && r.rps > 0.0);
    }

    #[tokio::test]
    async fn a_load_test_stops_when_cancelled_and_says_so() {
        let (url, _) = server(Duration::from_millis(50)).await;
        let cancel = CancellationToken::new();
        let stop = cancel.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(400)).await;
            stop.cancel();
        });
        let started = Instant::now();
        let r = load_test(&url, 5_000, 4, &cancel, |_| {}).await.unwrap();
        assert!(
            started.elapsed() < Duration::from_secs(3),
            "stopped promptly"
        );
        assert!(r.stopped_early && r.sent < 5_000, "{} sent", r.sent);
        // Nothing answered refused: a closed port counts as failed, without a status.
        let r = load_test(
            "http://127.0.0.1:9/",
            3,
            1,
            &CancellationToken::new(),
            |_| {},
        )
        .await
        .unwrap();
        assert_eq!((r.sent, r.failed), (3, 3));
        assert_eq!(
            r.statuses,
            vec![StatusCount {
                status: None,
                count: 3
            }]
        );
    }
}
