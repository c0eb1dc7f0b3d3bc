//! The diagnosis rules on realistic AWS answers: each case is what DescribeServices,
//! ListTasks/DescribeTasks and DescribeTargetHealth return for one broken service (played with
//! aws-smithy-mocks through the real SDK clients and the real `rollout::look`), and the test
//! asserts the diagnosis code and the evidence it shows.

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
use slipway_core::diagnose::{diagnose_service, Diagnosis, DiagnosisCode, Expectations};
use slipway_core::journal::MemoryJournal;
use slipway_engine::rollout::{look, ServiceRef};
use std::sync::Arc;

const TD6: &str = "arn:aws:ecs:ap-southeast-1:123456789012:task-definition/shop:6";
const TD7: &str = "arn:aws:ecs:ap-southeast-1:123456789012:task-definition/shop:7";
const TG: &str =
    "arn:aws:elasticloadbalancing:ap-southeast-1:123456789012:targetgroup/shop-tg/6d0ecf831eec9f09";

fn connection(rules: &[Rule]) -> slipway_aws::Connection {
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
        .build();
    slipway_aws::Connection::with_interceptor(
        "lab",
        sdk,
        SharedInterceptor::new(interceptor),
        Arc::new(MemoryJournal::default()),
    )
}

fn at(secs: i64) -> DateTime {
    DateTime::from_secs(1_795_000_000 + secs)
}

fn deployment(
    id: &str,
    status: &str,
    td: &str,
    state: DeploymentRolloutState,
    reason: &str,
    failed: i32,
) -> Deployment {
    Deployment::builder()
        .id(id)
        .status(status)
        .task_definition(td)
        .rollout_state(state)
        .rollout_state_reason(reason)
        .desired_count(2)
        .running_count(if status == "PRIMARY" { 2 } else { 0 })
        .pending_count(0)
        .failed_tasks(failed)
        .created_at(at(0))
        .updated_at(at(60))
        .build()
}

fn in_progress() -> Vec<Deployment> {
    vec![deployment(
        "ecs-svc/1180342255021904210",
        "PRIMARY",
        TD7,
        DeploymentRolloutState::InProgress,
        "ECS deployment ecs-svc/1180342255021904210 in progress.",
        2,
    )]
}

/// A stopped task: task id, stopped reason, stop code, the container's exit code and its reason.
type Stopped = (
    &'static str,
    &'static str,
    TaskStopCode,
    Option<i32>,
    Option<&'static str>,
);
/// A registered target: IP, port, state and (reason, description) when it is not healthy.
type Target = (
    &'static str,
    i32,
    TargetHealthStateEnum,
    Option<(TargetHealthReasonEnum, &'static str)>,
);

struct Case {
    deployments: Vec<Deployment>,
    events: Vec<&'static str>,
    stopped: Vec<Stopped>,
    targets: Vec<Target>,
}

fn rules(c: Case) -> Vec<Rule> {
    let deployments = c.deployments.clone();
    let events = c.events.clone();
    let services = mock!(aws_sdk_ecs::Client::describe_services)
        .sequence()
        .output(move || {
            let mut s = Service::builder()
                .service_name("shop")
                .cluster_arn("arn:aws:ecs:ap-southeast-1:123456789012:cluster/shop")
                .status("ACTIVE")
                .desired_count(2)
                .running_count(0)
                .pending_count(0)
                .task_definition(TD7)
                .set_deployments(Some(deployments.clone()));
            for (i, e) in events.iter().enumerate() {
                s = s.events(
                    ServiceEvent::builder()
                        .id(format!("e{i}"))
                        .created_at(at(100 - i as i64))
                        .message(*e)
                        .build(),
                );
            }
            DescribeServicesOutput::builder()
                .services(s.build())
                .build()
        })
        .repeatedly()
        .build();
    let tasks: Vec<Task> = c
        .stopped
        .iter()
        .map(|(id, reason, code, exit, creason)| {
            let mut ct = Container::builder().name("shop").last_status("STOPPED");
            if let Some(x) = exit {
                ct = ct.exit_code(*x);
            }
            if let Some(r) = creason {
                ct = ct.reason(*r);
            }
            Task::builder()
                .task_arn(format!(
                    "arn:aws:ecs:ap-southeast-1:123456789012:task/shop/{id}"
                ))
                .task_definition_arn(TD7)
                .last_status("STOPPED")
                .desired_status("STOPPED")
                .group("service:shop")
                .availability_zone("ap-southeast-1a")
                .started_by("ecs-svc/1180342255021904210")
                .started_at(at(10))
                .stopped_at(at(75))
                .stopped_reason(*reason)
                .stop_code(code.clone())
                .containers(ct.build())
                .build()
        })
        .collect();
    let arns: Vec<String> = tasks
        .iter()
        .filter_map(|t| t.task_arn().map(str::to_string))
        .collect();
    let list = mock!(aws_sdk_ecs::Client::list_tasks)
        .match_requests(|r| r.desired_status().map(|s| s.as_str()) == Some("STOPPED"))
        .sequence()
        .output(move || {
            ListTasksOutput::builder()
                .set_task_arns(Some(arns.clone()))
                .build()
        })
        .repeatedly()
        .build();
    let list_running = mock!(aws_sdk_ecs::Client::list_tasks)
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
    let targets = c.targets.clone();
    let health = mock!(aws_sdk_elasticloadbalancingv2::Client::describe_target_health)
        .sequence()
        .output(move || {
            let mut b = DescribeTargetHealthOutput::builder();
            for (ip, port, state, reason) in &targets {
                let mut h = TargetHealth::builder().state(state.clone());
                if let Some((r, d)) = reason {
                    h = h.reason(r.clone()).description(*d);
                }
                b = b.target_health_descriptions(
                    TargetHealthDescription::builder()
                        .target(TargetDescription::builder().id(*ip).port(*port).build())
                        .target_health(h.build())
                        .build(),
                );
            }
            b.build()
        })
        .repeatedly()
        .build();
    vec![services, list, list_running, describe, health]
}

fn want() -> Expectations {
    Expectations {
        port: 8080,
        health_path: "/health".into(),
        matcher: "200".into(),
        grace_period_seconds: 30,
        assign_public_ip: false,
        has_load_balancer: true,
    }
}

async fn diagnose(c: Case, w: Expectations) -> Vec<Diagnosis> {
    let conn = connection(&rules(c));
    let target = ServiceRef {
        cluster: "shop".into(),
        service: "shop".into(),
        target_group: Some(TG.into()),
    };
    let h = look(&conn, &target).await.expect("the service is read");
    diagnose_service(&h, &w)
}

fn codes(d: &[Diagnosis]) -> Vec<DiagnosisCode> {
    d.iter().map(|d| d.code).collect()
}

const ELB_FAILED: &str = "Task failed ELB health checks in (target-group arn:aws:elasticloadbalancing:ap-southeast-1:123456789012:targetgroup/shop-tg/6d0ecf831eec9f09)";

#[tokio::test]
async fn pull_without_a_route_to_ecr() {
    let d = diagnose(Case {
        deployments: in_progress(),
        events: vec!["(service shop) has started 2 tasks: (task 0d1e0f4c) (task 9a8b7c6d)."],
        stopped: vec![("0d1e0f4c", "CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref 123456789012.dkr.ecr.ap-southeast-1.amazonaws.com/shop:1.4.0: failed to do request: Head \"https://123456789012.dkr.ecr.ap-southeast-1.amazonaws.com/v2/shop/manifests/1.4.0\": dial tcp 13.250.10.5:443: i/o timeout", TaskStopCode::TaskFailedToStart, None, None)],
        targets: vec![],
    }, want()).await;
    assert_eq!(codes(&d), vec![DiagnosisCode::PullNoRoute]);
    assert!(d[0].evidence[0].value.contains("i/o timeout"));
    assert_eq!(d[0].tasks, vec!["0d1e0f4c"]);
}

#[tokio::test]
async fn pull_refused_to_the_execution_role() {
    let d = diagnose(Case {
        deployments: in_progress(),
        events: vec![],
        stopped: vec![("1a2b", "CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref 123456789012.dkr.ecr.ap-southeast-1.amazonaws.com/shop:1.4.0: pulling from host 123456789012.dkr.ecr.ap-southeast-1.amazonaws.com failed with status code [manifests 1.4.0]: 403 Forbidden", TaskStopCode::TaskFailedToStart, None, None)],
        targets: vec![],
    }, want()).await;
    assert_eq!(codes(&d), vec![DiagnosisCode::PullAccessDenied]);
}

#[tokio::test]
async fn pull_of_a_tag_that_does_not_exist() {
    let d = diagnose(Case {
        deployments: in_progress(),
        events: vec![],
        stopped: vec![("3c4d", "CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref 123456789012.dkr.ecr.ap-southeast-1.amazonaws.com/shop:2.0.0: 123456789012.dkr.ecr.ap-southeast-1.amazonaws.com/shop:2.0.0: not found", TaskStopCode::TaskFailedToStart, None, None)],
        targets: vec![],
    }, want()).await;
    assert_eq!(codes(&d), vec![DiagnosisCode::PullImageMissing]);
    assert_eq!(d[0].params["image"], "shop:2.0.0");
}

#[tokio::test]
async fn essential_container_exited() {
    let d = diagnose(
        Case {
            deployments: in_progress(),
            events: vec![],
            stopped: vec![(
                "5e6f",
                "Essential container in task exited",
                TaskStopCode::EssentialContainerExited,
                Some(1),
                None,
            )],
            targets: vec![],
        },
        want(),
    )
    .await;
    assert_eq!(codes(&d), vec![DiagnosisCode::ContainerExited]);
    assert!(
        d[0].evidence
            .iter()
            .any(|e| e.value == "shop exited with 1"),
        "{:?}",
        d[0].evidence
    );
}

#[tokio::test]
async fn health_path_answering_404() {
    let d = diagnose(
        Case {
            deployments: in_progress(),
            events: vec![],
            stopped: vec![(
                "7a8b",
                ELB_FAILED,
                TaskStopCode::ServiceSchedulerInitiated,
                Some(137),
                None,
            )],
            targets: vec![(
                "10.0.1.18",
                8080,
                TargetHealthStateEnum::Unhealthy,
                Some((
                    TargetHealthReasonEnum::ResponseCodeMismatch,
                    "Health checks failed with these codes: [404]",
                )),
            )],
        },
        want(),
    )
    .await;
    assert_eq!(codes(&d), vec![DiagnosisCode::HealthPathMismatch]);
    assert_eq!(d[0].params["codes"], "404");
    assert!(d[0]
        .evidence
        .iter()
        .any(|e| e.value.contains("Target.ResponseCodeMismatch")));
}

#[tokio::test]
async fn health_checks_timing_out_on_another_port() {
    let d = diagnose(
        Case {
            deployments: in_progress(),
            events: vec![],
            stopped: vec![(
                "9c0d",
                ELB_FAILED,
                TaskStopCode::ServiceSchedulerInitiated,
                None,
                None,
            )],
            targets: vec![(
                "10.0.1.19",
                3000,
                TargetHealthStateEnum::Unhealthy,
                Some((TargetHealthReasonEnum::Timeout, "Request timed out")),
            )],
        },
        want(),
    )
    .await;
    assert_eq!(codes(&d), vec![DiagnosisCode::HealthPortUnreachable]);
    assert_eq!(d[0].params["port"], "3000");
}

#[tokio::test]
async fn slow_start_against_a_short_grace_period() {
    let d = diagnose(
        Case {
            deployments: in_progress(),
            events: vec!["(service shop) has started 2 tasks: (task 1e2f) (task 3a4b)."],
            stopped: vec![(
                "1e2f",
                ELB_FAILED,
                TaskStopCode::ServiceSchedulerInitiated,
                None,
                None,
            )],
            targets: vec![(
                "10.0.1.20",
                8080,
                TargetHealthStateEnum::Unhealthy,
                Some((
                    TargetHealthReasonEnum::FailedHealthChecks,
                    "Health checks failed",
                )),
            )],
        },
        want(),
    )
    .await;
    assert_eq!(codes(&d), vec![DiagnosisCode::SlowStart]);
}

#[tokio::test]
async fn circuit_breaker_rollback() {
    let d = diagnose(Case {
        deployments: vec![
            deployment("ecs-svc/8790561326004876501", "PRIMARY", TD6, DeploymentRolloutState::InProgress, "ECS deployment circuit breaker: rolling back to deploymentId ecs-svc/8790561326004876501.", 0),
            deployment("ecs-svc/4217835162349817731", "ACTIVE", TD7, DeploymentRolloutState::Failed, "ECS deployment circuit breaker: tasks failed to start.", 3),
        ],
        events: vec![
            "(service shop) rolling back to deployment ecs-svc/8790561326004876501.",
            "(service shop) deployment ecs-svc/4217835162349817731 deployment failed: tasks failed to start.",
        ],
        stopped: vec![("5a6b", "Essential container in task exited", TaskStopCode::EssentialContainerExited, Some(1), None)],
        targets: vec![],
    }, want()).await;
    assert_eq!(
        codes(&d),
        vec![
            DiagnosisCode::CircuitBreaker,
            DiagnosisCode::ContainerExited
        ]
    );
    assert_eq!(d[0].params["failed"], "shop:7");
    assert_eq!(d[0].params["serving"], "shop:6");
}

#[tokio::test]
async fn no_free_addresses_in_the_subnets() {
    let d = diagnose(Case {
        deployments: in_progress(),
        events: vec!["(service shop) failed to launch a task with (error ENI provisioning failed: InsufficientFreeAddressesInSubnet: There are not enough free addresses in subnet 'subnet-0a1b2c3d' to satisfy the requested number of instances.)."],
        stopped: vec![],
        targets: vec![],
    }, want()).await;
    assert_eq!(codes(&d), vec![DiagnosisCode::NoAddresses]);
    assert!(d[0].evidence[0].label == "service event");
}
