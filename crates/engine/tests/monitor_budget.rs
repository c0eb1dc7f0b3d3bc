//! Watching within a budget: a steady service watched for ten (virtual) minutes costs no more
//! than `STEADY_CALLS_PER_MINUTE` calls a minute; a hidden window costs nothing; a rollout is
//! looked at faster. Played with aws-smithy-mocks through the real SDK clients (the calls are
//! counted by the connection's journal), on tokio's paused clock.

use aws_sdk_ecs::operation::describe_services::DescribeServicesOutput;
use aws_sdk_ecs::operation::describe_tasks::DescribeTasksOutput;
use aws_sdk_ecs::operation::list_tasks::ListTasksOutput;
use aws_sdk_ecs::types::{Container, Deployment, DeploymentRolloutState, Service, Task};
use aws_sdk_elasticloadbalancingv2::operation::describe_target_health::DescribeTargetHealthOutput;
use aws_sdk_elasticloadbalancingv2::types::{
    TargetDescription, TargetHealth, TargetHealthDescription, TargetHealthStateEnum,
};
use aws_smithy_mocks::{mock, MockResponseInterceptor, Rule, RuleMode};
use aws_smithy_runtime_api::client::interceptors::SharedInterceptor;
use slipway_core::diagnose::Expectations;
use slipway_core::journal::MemoryJournal;
use slipway_core::watch::{Activity, STEADY_CALLS_PER_MINUTE};
use slipway_docker::CancellationToken;
use slipway_engine::monitor::{watch_service, MonitorUpdate};
use slipway_engine::rollout::ServiceRef;
use std::sync::{Arc, Mutex};
use std::time::Duration;

const TD: &str = "arn:aws:ecs:ap-southeast-1:123456789012:task-definition/shop:6";
const TG: &str =
    "arn:aws:elasticloadbalancing:ap-southeast-1:123456789012:targetgroup/shop-tg/6d0ecf831eec9f09";

fn connection(rules: Vec<Rule>, journal: Arc<MemoryJournal>) -> slipway_aws::Connection {
    let mut interceptor = MockResponseInterceptor::new().rule_mode(RuleMode::MatchAny);
    for r in &rules {
        interceptor = interceptor.with_rule(r);
    }
    let sdk = aws_config::SdkConfig::builder()
        .behavior_version(aws_config::BehaviorVersion::latest())
        .region(aws_config::Region::new("ap-southeast-1"))
        .credentials_provider(
            aws_credential_types::provider::SharedCredentialsProvider::new(
                aws_credential_types::Credentials::new(
                    "AKIATEST",
                    "not-a-secret",
                    None,
                    None,
                    "test",
                ),
            ),
        )
        .http_client(aws_smithy_mocks::create_mock_http_client())
        .sleep_impl(aws_smithy_async::rt::sleep::SharedAsyncSleep::new(
            aws_smithy_async::rt::sleep::TokioSleep::new(),
        ))
        .build();
    slipway_aws::Connection::with_interceptor(
        "lab",
        sdk,
        SharedInterceptor::new(interceptor),
        journal,
    )
}

/// A service with two running tasks behind two healthy targets; `rolling` adds a second
/// deployment in progress.
fn service_rules(rolling: bool) -> Vec<Rule> {
    let services = mock!(aws_sdk_ecs::Client::describe_services)
        .sequence()
        .output(move || {
            let d = |id: &str, status: &str, state: DeploymentRolloutState| {
                Deployment::builder()
                    .id(id)
                    .status(status)
                    .task_definition(TD)
                    .rollout_state(state)
                    .desired_count(2)
                    .running_count(2)
                    .pending_count(0)
                    .build()
            };
            let mut s = Service::builder()
                .service_name("shop")
                .status("ACTIVE")
                .desired_count(2)
                .running_count(2)
                .pending_count(0)
                .task_definition(TD)
                .deployments(d(
                    "ecs-svc/1",
                    "PRIMARY",
                    if rolling {
                        DeploymentRolloutState::InProgress
                    } else {
                        DeploymentRolloutState::Completed
                    },
                ));
            if rolling {
                s = s.deployments(d("ecs-svc/0", "ACTIVE", DeploymentRolloutState::Completed));
            }
            DescribeServicesOutput::builder()
                .services(s.build())
                .build()
        })
        .repeatedly()
        .build();
    let tasks: Vec<Task> = ["a1", "b2"]
        .iter()
        .map(|id| {
            Task::builder()
                .task_arn(format!(
                    "arn:aws:ecs:ap-southeast-1:123456789012:task/shop/{id}"
                ))
                .task_definition_arn(TD)
                .last_status("RUNNING")
                .desired_status("RUNNING")
                .containers(
                    Container::builder()
                        .name("shop")
                        .last_status("RUNNING")
                        .build(),
                )
                .build()
        })
        .collect();
    let arns: Vec<String> = tasks
        .iter()
        .filter_map(|t| t.task_arn().map(str::to_string))
        .collect();
    let list = mock!(aws_sdk_ecs::Client::list_tasks)
        .match_requests(|r| r.desired_status().map(|s| s.as_str()) != Some("STOPPED"))
        .sequence()
        .output(move || {
            ListTasksOutput::builder()
                .set_task_arns(Some(arns.clone()))
                .build()
        })
        .repeatedly()
        .build();
    let list_stopped = mock!(aws_sdk_ecs::Client::list_tasks)
        .sequence()
        .output(|| ListTasksOutput::builder().build())
        .repeatedly()
        .build();
    let describe = mock!(aws_sdk_ecs::Client::describe_tasks)
        .sequence()
        .output(move || {
            DescribeTasksOutput::builder()
                .set_tasks(Some(tasks.clone()))
                .build()
        })
        .repeatedly()
        .build();
    let targets = mock!(aws_sdk_elasticloadbalancingv2::Client::describe_target_health)
        .sequence()
        .output(|| {
            let t = |ip: &str| {
                TargetHealthDescription::builder()
                    .target(TargetDescription::builder().id(ip).port(8080).build())
                    .target_health(
                        TargetHealth::builder()
                            .state(TargetHealthStateEnum::Healthy)
                            .build(),
                    )
                    .build()
            };
            DescribeTargetHealthOutput::builder()
                .target_health_descriptions(t("10.0.1.5"))
                .target_health_descriptions(t("10.0.2.7"))
                .build()
        })
        .repeatedly()
        .build();
    vec![services, list, list_stopped, describe, targets]
}

fn want() -> Expectations {
    Expectations {
        port: 8080,
        health_path: "/health".into(),
        matcher: "200".into(),
        grace_period_seconds: 60,
        assign_public_ip: true,
        has_load_balancer: true,
    }
}

/// Watches for `minutes` of virtual time; returns the calls made and the updates seen.
async fn watch_for(rolling: bool, visible: bool, minutes: u64) -> (usize, Vec<MonitorUpdate>) {
    let journal = Arc::new(MemoryJournal::default());
    let conn = connection(service_rules(rolling), journal.clone());
    let target = ServiceRef {
        cluster: "shop".into(),
        service: "shop".into(),
        target_group: Some(TG.into()),
    };
    let (_tx, rx) = tokio::sync::watch::channel(visible);
    let cancel = CancellationToken::new();
    let updates = Arc::new(Mutex::new(Vec::new()));
    let seen = updates.clone();
    let stop = cancel.clone();
    let watcher = async {
        watch_service(
            &conn,
            &target,
            &want(),
            rx,
            &cancel,
            |u| seen.lock().unwrap().push(u),
            |_| {},
        )
        .await;
    };
    let timer = async move {
        tokio::time::sleep(Duration::from_secs(minutes * 60)).await;
        stop.cancel();
    };
    tokio::join!(watcher, timer);
    let calls = journal.records().len();
    let u = updates.lock().unwrap().clone();
    (calls, u)
}

#[tokio::test(start_paused = true)]
async fn a_steady_service_is_watched_within_the_budget() {
    let minutes = 10;
    let (calls, updates) = watch_for(false, true, minutes).await;
    let per_minute = calls as f64 / minutes as f64;
    println!("steady: {calls} calls in {minutes} min = {per_minute:.1}/min (budget {STEADY_CALLS_PER_MINUTE})");
    assert!(
        per_minute <= f64::from(STEADY_CALLS_PER_MINUTE),
        "{per_minute} calls a minute"
    );
    assert!(calls >= 5 * 10, "it did keep looking: {calls}");
    let last = updates.last().unwrap();
    assert_eq!(last.activity, Activity::Steady);
    assert!(last.diagnoses.is_empty());
    assert_eq!(last.health.as_ref().unwrap().running, 2);
    assert_eq!(last.next_look_ms, Some(30_000));
}

#[tokio::test(start_paused = true)]
async fn a_rollout_is_watched_faster() {
    let (calls, updates) = watch_for(true, true, 2).await;
    assert_eq!(updates.last().unwrap().activity, Activity::Moving);
    assert_eq!(updates.last().unwrap().next_look_ms, Some(5_000));
    assert!(
        calls as f64 / 2.0 > f64::from(STEADY_CALLS_PER_MINUTE),
        "{calls} calls in 2 min"
    );
}

#[tokio::test(start_paused = true)]
async fn a_hidden_window_makes_no_call() {
    let (calls, updates) = watch_for(false, false, 10).await;
    assert_eq!(calls, 0);
    assert_eq!(updates.len(), 1, "one update saying it is paused");
    assert_eq!(updates[0].activity, Activity::Hidden);
    assert_eq!(updates[0].next_look_ms, None);
}

/// The peer of the watching-cost benchmark (issue 10): a naive poller that describes everything
/// the health map shows (the service, its running and stopped tasks, the tasks, the target
/// group's health) every 2 s, through the same clients and answers, for `minutes` of virtual
/// time. Returns the calls it made.
async fn naive_poll_for(rolling: bool, minutes: u64) -> usize {
    let journal = Arc::new(MemoryJournal::default());
    let conn = connection(service_rules(rolling), journal.clone());
    let (ecs, elb) = (conn.ecs(), conn.elbv2());
    let end = tokio::time::Instant::now() + Duration::from_secs(minutes * 60);
    while tokio::time::Instant::now() < end {
        let service = ecs
            .describe_services()
            .cluster("shop")
            .services("shop")
            .send()
            .await
            .unwrap();
        assert_eq!(service.services().len(), 1);
        let running = ecs
            .list_tasks()
            .cluster("shop")
            .service_name("shop")
            .send()
            .await
            .unwrap();
        ecs.list_tasks()
            .cluster("shop")
            .service_name("shop")
            .desired_status(aws_sdk_ecs::types::DesiredStatus::Stopped)
            .send()
            .await
            .unwrap();
        let tasks = ecs
            .describe_tasks()
            .cluster("shop")
            .set_tasks(Some(running.task_arns().to_vec()))
            .send()
            .await
            .unwrap();
        assert_eq!(tasks.tasks().len(), 2);
        elb.describe_target_health()
            .target_group_arn(TG)
            .send()
            .await
            .unwrap();
        tokio::time::sleep(Duration::from_secs(2)).await;
    }
    journal.records().len()
}

/// Watching cost, ours vs the naive poller, over the same virtual minutes (scripts/bench prints
/// this table; the counts are exact, so the ratio is asserted here too).
#[tokio::test(start_paused = true)]
async fn watching_cost_against_a_naive_poller() {
    let minutes = 10;
    let (steady, _) = watch_for(false, true, minutes).await;
    let (rolling, _) = watch_for(true, true, minutes).await;
    let (hidden, _) = watch_for(false, false, minutes).await;
    let naive_steady = naive_poll_for(false, minutes).await;
    let naive_rolling = naive_poll_for(true, minutes).await;
    let per_min = |n: usize| n as f64 / minutes as f64;
    println!("watching cost over {minutes} virtual minutes (calls a minute; peer: every 2 s, describe everything the map shows)");
    println!(
        "  {:<26} {:>8} {:>8} {:>7}",
        "", "Slipway", "naive", "ratio"
    );
    for (what, ours, peer) in [
        ("steady service", steady, naive_steady),
        ("rollout under way", rolling, naive_rolling),
        ("window hidden (steady)", hidden, naive_steady),
    ] {
        println!(
            "  {what:<26} {:>8.1} {:>8.1} {:>6.2}x",
            per_min(ours),
            per_min(peer),
            ours as f64 / peer as f64
        );
    }
    assert!(
        naive_steady >= 5 * 30 * minutes as usize - 5,
        "the peer looked every 2 s: {naive_steady}"
    );
    assert!(
        (steady as f64) <= 0.2 * naive_steady as f64,
        "steady watching should cost at most 0.2x the naive poller: {steady} vs {naive_steady}"
    );
    assert!(rolling > steady, "a rollout is looked at more often");
    assert_eq!(hidden, 0);
}
