//! What the emulator cannot produce, played with aws-smithy-mocks through the real SDK clients
//! and the real engine code: a circuit-breaker rollback, tasks failing their health checks, and
//! a throttled API that the retry policy rides out.

use aws_sdk_ecs::operation::describe_services::DescribeServicesOutput;
use aws_sdk_ecs::operation::describe_tasks::DescribeTasksOutput;
use aws_sdk_ecs::operation::list_tasks::ListTasksOutput;
use aws_sdk_ecs::types::{
    Container, Deployment, DeploymentRolloutState, Service, ServiceEvent, Task, TaskStopCode,
};
use aws_sdk_elasticloadbalancingv2::operation::describe_target_health::DescribeTargetHealthOutput;
use aws_sdk_elasticloadbalancingv2::types::{
    TargetDescription, TargetHealth, TargetHealthDescription, TargetHealthReasonEnum,
    TargetHealthStateEnum,
};
use aws_smithy_mocks::{mock, MockResponseInterceptor, Rule, RuleMode};
use aws_smithy_runtime_api::client::interceptors::SharedInterceptor;
use aws_smithy_types::DateTime;
use slipway_core::journal::MemoryJournal;
use slipway_core::ErrorCode;
use slipway_docker::CancellationToken;
use slipway_engine::rollout::{wait_steady, ServiceRef};
use std::sync::Arc;
use std::time::Duration;

const CLUSTER: &str = "shop";
const TD_OLD: &str = "arn:aws:ecs:ap-southeast-1:123456789012:task-definition/shop:6";
const TD_NEW: &str = "arn:aws:ecs:ap-southeast-1:123456789012:task-definition/shop:7";
const TG: &str =
    "arn:aws:elasticloadbalancing:ap-southeast-1:123456789012:targetgroup/shop-tg/6d0ecf831eec9f09";

fn connection(rules: &[&Rule], journal: Arc<MemoryJournal>) -> slipway_aws::Connection {
    let mut interceptor = MockResponseInterceptor::new().rule_mode(RuleMode::MatchAny);
    for r in rules {
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
        .retry_config(
            aws_config::retry::RetryConfig::standard()
                .with_max_attempts(4)
                .with_initial_backoff(Duration::from_millis(5)),
        )
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

fn at(secs: i64) -> DateTime {
    DateTime::from_secs(1_795_000_000 + secs)
}

#[allow(clippy::too_many_arguments)] // a test builder mirroring the ECS Deployment fields it sets
fn deployment(
    id: &str,
    status: &str,
    td: &str,
    state: DeploymentRolloutState,
    reason: &str,
    desired: i32,
    running: i32,
    failed: i32,
) -> Deployment {
    Deployment::builder()
        .id(id)
        .status(status)
        .task_definition(td)
        .rollout_state(state)
        .rollout_state_reason(reason)
        .desired_count(desired)
        .running_count(running)
        .pending_count(desired - running)
        .failed_tasks(failed)
        .created_at(at(0))
        .updated_at(at(60))
        .build()
}

fn service(deployments: Vec<Deployment>, running: i32, events: &[&str]) -> DescribeServicesOutput {
    let mut b = Service::builder()
        .service_name("shop")
        .cluster_arn(format!(
            "arn:aws:ecs:ap-southeast-1:123456789012:cluster/{CLUSTER}"
        ))
        .status("ACTIVE")
        .desired_count(2)
        .running_count(running)
        .pending_count(0)
        .task_definition(deployments[0].task_definition().unwrap_or_default());
    for d in deployments {
        b = b.deployments(d);
    }
    for (i, e) in events.iter().enumerate() {
        b = b.events(
            ServiceEvent::builder()
                .id(format!("e{i}"))
                .created_at(at(100 - i as i64))
                .message(*e)
                .build(),
        );
    }
    DescribeServicesOutput::builder()
        .services(b.build())
        .build()
}

fn task(id: &str, td: &str, last: &str, stopped_reason: Option<&str>, exit: Option<i32>) -> Task {
    let mut b = Task::builder()
        .task_arn(format!(
            "arn:aws:ecs:ap-southeast-1:123456789012:task/{CLUSTER}/{id}"
        ))
        .task_definition_arn(td)
        .last_status(last)
        .desired_status(if last == "STOPPED" {
            "STOPPED"
        } else {
            "RUNNING"
        })
        .group("service:shop")
        .availability_zone("ap-southeast-1a")
        .started_at(at(10))
        .containers({
            let mut c = Container::builder().name("shop").last_status(last);
            if let Some(code) = exit {
                c = c.exit_code(code);
            }
            c.build()
        });
    if let Some(r) = stopped_reason {
        b = b
            .stopped_reason(r)
            .stopped_at(at(50))
            .stop_code(TaskStopCode::EssentialContainerExited);
    }
    b.build()
}

fn tasks_rules(tasks: Vec<Task>) -> (Rule, Rule) {
    let arns: Vec<String> = tasks
        .iter()
        .filter_map(|t| t.task_arn().map(str::to_string))
        .collect();
    let list = mock!(aws_sdk_ecs::Client::list_tasks).then_output(move || {
        ListTasksOutput::builder()
            .set_task_arns(Some(arns.clone()))
            .build()
    });
    let describe = mock!(aws_sdk_ecs::Client::describe_tasks).then_output(move || {
        DescribeTasksOutput::builder()
            .set_tasks(Some(tasks.clone()))
            .build()
    });
    (list, describe)
}

/// One target as the test describes it: its IP, state and optional reason.
type TargetState<'a> = (
    &'a str,
    TargetHealthStateEnum,
    Option<(TargetHealthReasonEnum, &'a str)>,
);
type OwnedTargetState = (
    String,
    TargetHealthStateEnum,
    Option<(TargetHealthReasonEnum, String)>,
);

fn targets(states: &[TargetState<'_>]) -> Rule {
    let states: Vec<OwnedTargetState> = states
        .iter()
        .map(|(ip, s, r)| {
            (
                ip.to_string(),
                s.clone(),
                r.as_ref().map(|(a, b)| (a.clone(), b.to_string())),
            )
        })
        .collect();
    mock!(aws_sdk_elasticloadbalancingv2::Client::describe_target_health).then_output(move || {
        let mut b = DescribeTargetHealthOutput::builder();
        for (ip, state, reason) in &states {
            let mut h = TargetHealth::builder().state(state.clone());
            if let Some((r, d)) = reason {
                h = h.reason(r.clone()).description(d.clone());
            }
            b = b.target_health_descriptions(
                TargetHealthDescription::builder()
                    .target(
                        TargetDescription::builder()
                            .id(ip.clone())
                            .port(8080)
                            .build(),
                    )
                    .target_health(h.build())
                    .build(),
            );
        }
        b.build()
    })
}

fn target() -> ServiceRef {
    ServiceRef {
        cluster: CLUSTER.into(),
        service: "shop".into(),
        target_group: Some(TG.into()),
    }
}

#[tokio::test]
async fn a_circuit_breaker_rollback_stops_the_wait_and_says_which_tasks_failed_and_why() {
    let services = mock!(aws_sdk_ecs::Client::describe_services).then_output(|| {
        service(
            vec![
                deployment(
                    "ecs-svc/1111",
                    "PRIMARY",
                    TD_OLD,
                    DeploymentRolloutState::Completed,
                    "ECS deployment ecs-svc/1111 completed.",
                    2,
                    2,
                    0,
                ),
                deployment(
                    "ecs-svc/2222",
                    "ACTIVE",
                    TD_NEW,
                    DeploymentRolloutState::Failed,
                    "ECS deployment circuit breaker: tasks failed to start.",
                    2,
                    0,
                    3,
                ),
            ],
            2,
            &[
                "(service shop) rolling back to deployment ecs-svc/1111.",
                "(service shop) deployment ecs-svc/2222 deployment failed: tasks failed to start.",
            ],
        )
    });
    let (list, describe) = tasks_rules(vec![
        task("old1", TD_OLD, "RUNNING", None, None),
        task("old2", TD_OLD, "RUNNING", None, None),
        task(
            "new1",
            TD_NEW,
            "STOPPED",
            Some("Essential container in task exited"),
            Some(1),
        ),
        task(
            "new2",
            TD_NEW,
            "STOPPED",
            Some("Essential container in task exited"),
            Some(1),
        ),
    ]);
    let health = targets(&[
        ("10.0.1.10", TargetHealthStateEnum::Healthy, None),
        ("10.0.2.11", TargetHealthStateEnum::Healthy, None),
    ]);
    let conn = connection(&[&services, &list, &describe, &health], Arc::default());
    let mut looks = 0;
    let err = wait_steady(
        &conn,
        &target(),
        Duration::from_secs(30),
        &CancellationToken::new(),
        |u| {
            looks += 1;
            assert_eq!(u.health.deployments.len(), 2);
        },
    )
    .await
    .unwrap_err();
    assert_eq!(
        looks, 1,
        "the first look shows the rollback; no more waiting"
    );
    assert_eq!(err.code, ErrorCode::AwsCallFailed);
    assert!(err.message.contains("rolled back"), "{}", err.message);
    assert!(
        err.message
            .contains("circuit breaker: tasks failed to start"),
        "{}",
        err.message
    );
    assert!(
        err.message.contains("Essential container in task exited"),
        "{}",
        err.message
    );
    assert!(err.hint.contains("health map"), "{}", err.hint);
}

#[tokio::test]
async fn tasks_failing_health_checks_keep_the_service_unsteady_and_the_timeout_names_the_reason() {
    let services = mock!(aws_sdk_ecs::Client::describe_services).then_output(|| {
        service(
            vec![deployment("ecs-svc/3333", "PRIMARY", TD_NEW, DeploymentRolloutState::InProgress, "ECS deployment ecs-svc/3333 in progress.", 2, 2, 2)],
            2,
            &["(service shop) has started 1 tasks: (task new3).", "(service shop) (port 8080) is unhealthy in (target-group shop-tg) due to (reason Health checks failed with these codes: [404])."],
        )
    });
    let (list, describe) = tasks_rules(vec![
        task("new3", TD_NEW, "RUNNING", None, None),
        task("new4", TD_NEW, "RUNNING", None, None),
        task(
            "new1",
            TD_NEW,
            "STOPPED",
            Some("Task failed ELB health checks in (target-group arn:aws:elasticloadbalancing:ap-southeast-1:123456789012:targetgroup/shop-tg/6d0ecf831eec9f09)"),
            Some(0),
        ),
    ]);
    let health = targets(&[
        (
            "10.0.1.12",
            TargetHealthStateEnum::Unhealthy,
            Some((
                TargetHealthReasonEnum::ResponseCodeMismatch,
                "Health checks failed with these codes: [404]",
            )),
        ),
        (
            "10.0.2.13",
            TargetHealthStateEnum::Unhealthy,
            Some((
                TargetHealthReasonEnum::ResponseCodeMismatch,
                "Health checks failed with these codes: [404]",
            )),
        ),
    ]);
    let conn = connection(&[&services, &list, &describe, &health], Arc::default());
    let mut last = None;
    let err = wait_steady(
        &conn,
        &target(),
        Duration::from_millis(1500),
        &CancellationToken::new(),
        |u| last = Some(u.health.clone()),
    )
    .await
    .unwrap_err();
    let h = last.unwrap();
    assert_eq!(h.healthy_targets(), 0);
    assert_eq!(
        h.targets[0].reason.as_deref(),
        Some("Target.ResponseCodeMismatch")
    );
    assert!(
        err.message.contains("did not become steady"),
        "{}",
        err.message
    );
    assert!(err.message.contains("0 healthy targets"), "{}", err.message);
    assert!(
        err.message.contains("Task failed ELB health checks"),
        "{}",
        err.message
    );
}

#[tokio::test]
async fn a_throttled_api_is_retried_with_backoff_and_the_look_succeeds() {
    use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
    use aws_smithy_types::body::SdkBody;
    let throttled = || {
        let mut r = HttpResponse::new(
            400.try_into().unwrap(),
            SdkBody::from(r#"{"__type":"ThrottlingException","message":"Rate exceeded"}"#),
        );
        r.headers_mut()
            .insert("x-amzn-errortype", "ThrottlingException");
        r.headers_mut()
            .insert("content-type", "application/x-amz-json-1.1");
        r
    };
    let services = mock!(aws_sdk_ecs::Client::describe_services)
        .sequence()
        .http_response(throttled)
        .times(2)
        .output(|| {
            service(
                vec![deployment(
                    "ecs-svc/4444",
                    "PRIMARY",
                    TD_NEW,
                    DeploymentRolloutState::Completed,
                    "done",
                    2,
                    2,
                    0,
                )],
                2,
                &[],
            )
        })
        .build();
    let (list, describe) = tasks_rules(vec![
        task("a", TD_NEW, "RUNNING", None, None),
        task("b", TD_NEW, "RUNNING", None, None),
    ]);
    let health = targets(&[
        ("10.0.1.1", TargetHealthStateEnum::Healthy, None),
        ("10.0.2.2", TargetHealthStateEnum::Healthy, None),
    ]);
    let journal = Arc::new(MemoryJournal::default());
    let conn = connection(&[&services, &list, &describe, &health], journal.clone());
    let h = wait_steady(
        &conn,
        &target(),
        Duration::from_secs(10),
        &CancellationToken::new(),
        |_| {},
    )
    .await
    .expect("two throttled answers are retried");
    assert!(h.is_steady(true));
    assert_eq!(
        services.num_calls(),
        3,
        "two throttled attempts, then the answer"
    );
    let describe_calls: Vec<_> = journal
        .records()
        .into_iter()
        .filter(|c| c.operation == "DescribeServices")
        .collect();
    assert_eq!(
        describe_calls.len(),
        1,
        "one operation in the journal, however many attempts"
    );
    assert_eq!(
        describe_calls[0].outcome,
        slipway_core::journal::CallOutcome::Ok
    );
}

#[tokio::test]
async fn a_spent_request_budget_refuses_the_call_with_a_clear_error() {
    let services = mock!(aws_sdk_ecs::Client::describe_services)
        .then_output(|| DescribeServicesOutput::builder().build());
    let conn = connection(&[&services], Arc::default());
    conn.meter().set_budget(Some(0));
    let err = slipway_aws::health::service_health(&conn, CLUSTER, "shop", None)
        .await
        .unwrap_err();
    let body = slipway_core::ErrorBody::from(err);
    assert!(body.message.contains("request budget"), "{}", body.message);
    assert_eq!(services.num_calls(), 0, "nothing was sent");
}
