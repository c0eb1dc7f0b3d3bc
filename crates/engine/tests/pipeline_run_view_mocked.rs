//! Runs the practice emulator cannot produce, played through the real SDK clients with
//! aws-smithy-mocks, shaped like AWS's answers (names, ids, messages): a run that succeeds
//! (seen twice: while its build is in the BUILD phase, then done), one that fails in Build, and
//! one that fails in Deploy when the ECS circuit breaker rolls the service back. What is
//! asserted is the view the Pipeline step draws: each stage's and action's state, the build's
//! phases, the failure's explanation and evidence, and what can be done (stop, retry).

use aws_sdk_cloudwatchlogs::operation::get_log_events::GetLogEventsOutput;
use aws_sdk_cloudwatchlogs::types::OutputLogEvent;
use aws_sdk_codebuild::operation::batch_get_builds::BatchGetBuildsOutput;
use aws_sdk_codebuild::types::{
    Build, BuildPhase, BuildPhaseType, LogsLocation, PhaseContext, StatusType,
};
use aws_sdk_codepipeline::operation::get_pipeline::GetPipelineOutput;
use aws_sdk_codepipeline::operation::get_pipeline_execution::GetPipelineExecutionOutput;
use aws_sdk_codepipeline::operation::get_pipeline_state::GetPipelineStateOutput;
use aws_sdk_codepipeline::operation::list_action_executions::ListActionExecutionsOutput;
use aws_sdk_codepipeline::operation::list_pipeline_executions::ListPipelineExecutionsOutput;
use aws_sdk_codepipeline::types::{
    ActionCategory, ActionDeclaration, ActionExecutionDetail, ActionExecutionOutput,
    ActionExecutionResult, ActionExecutionStatus, ActionOwner, ActionTypeId, ArtifactRevision,
    ErrorDetails, ExecutionTrigger, PipelineDeclaration, PipelineExecution,
    PipelineExecutionStatus, PipelineExecutionSummary, StageDeclaration, StageExecution,
    StageExecutionStatus, StageState, TriggerType,
};
use aws_sdk_ecs::operation::describe_services::DescribeServicesOutput;
use aws_sdk_ecs::types::{Deployment, DeploymentRolloutState, Service, ServiceEvent};
use aws_smithy_mocks::{mock, MockResponseInterceptor, Rule, RuleMode};
use aws_smithy_runtime_api::client::interceptors::SharedInterceptor;
use aws_smithy_types::DateTime;
use slipway_core::journal::MemoryJournal;
use slipway_core::spec::ProjectSpec;
use slipway_engine::pipeline::view::{self, ActionKind, FailureKind, NodeState, RunView};
use std::sync::Arc;

const RUN: &str = "7d3b8f2e-5a41-4c1e-9f0a-2b6c8d4e1a90";
const BUILD_ID: &str = "shop-build:5c3e1a52-8d7f-4b19-a6e2-0f4d9c7b3e81";
const T0: i64 = 1_795_000_000;

fn connection(rules: &[&Rule]) -> slipway_aws::Connection {
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

fn spec() -> ProjectSpec {
    ProjectSpec::parse("[app]\nname = \"shop\"\nport = 8080\n[pipeline.source]\nkind = \"s3\"\n")
        .unwrap()
}

fn action(name: &str, category: ActionCategory, provider: &str) -> ActionDeclaration {
    ActionDeclaration::builder()
        .name(name)
        .run_order(1)
        .action_type_id(
            ActionTypeId::builder()
                .category(category)
                .owner(ActionOwner::Aws)
                .provider(provider)
                .version("1")
                .build()
                .unwrap(),
        )
        .build()
        .unwrap()
}

/// The pipeline Slipway declares for an S3 source: Source → Build → Deploy.
fn declaration() -> Rule {
    mock!(aws_sdk_codepipeline::Client::get_pipeline)
        .sequence()
        .output(|| {
            let stage = |name: &str, a: ActionDeclaration| {
                StageDeclaration::builder()
                    .name(name)
                    .actions(a)
                    .build()
                    .unwrap()
            };
            GetPipelineOutput::builder()
                .pipeline(
                    PipelineDeclaration::builder()
                        .name("shop")
                        .role_arn("arn:aws:iam::123456789012:role/shop-pipeline")
                        .stages(stage(
                            "Source",
                            action("Source", ActionCategory::Source, "S3"),
                        ))
                        .stages(stage(
                            "Build",
                            action("Build", ActionCategory::Build, "CodeBuild"),
                        ))
                        .stages(stage(
                            "Deploy",
                            action("Deploy", ActionCategory::Deploy, "ECS"),
                        ))
                        .build()
                        .unwrap(),
                )
                .build()
        })
        .repeatedly()
        .build()
}

fn execution(status: PipelineExecutionStatus) -> Rule {
    let s = status.clone();
    let get = mock!(aws_sdk_codepipeline::Client::get_pipeline_execution)
        .sequence()
        .output(move || {
            GetPipelineExecutionOutput::builder()
                .pipeline_execution(
                    PipelineExecution::builder()
                        .pipeline_name("shop")
                        .pipeline_execution_id(RUN)
                        .status(s.clone())
                        .artifact_revisions(
                            ArtifactRevision::builder()
                                .name("SourceArtifact")
                                .revision_id("3sL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY")
                                .revision_summary("source/shop.zip uploaded by slipway")
                                .build(),
                        )
                        .trigger(
                            ExecutionTrigger::builder()
                                .trigger_type(TriggerType::StartPipelineExecution)
                                .build(),
                        )
                        .build(),
                )
                .build()
        })
        .repeatedly()
        .build();
    let _ = status;
    get
}

fn listed(status: PipelineExecutionStatus, end: Option<i64>) -> Rule {
    mock!(aws_sdk_codepipeline::Client::list_pipeline_executions)
        .sequence()
        .output(move || {
            let mut s = PipelineExecutionSummary::builder()
                .pipeline_execution_id(RUN)
                .status(status.clone())
                .start_time(DateTime::from_secs(T0))
                .trigger(
                    ExecutionTrigger::builder()
                        .trigger_type(TriggerType::StartPipelineExecution)
                        .build(),
                );
            s = s.last_update_time(DateTime::from_secs(end.unwrap_or(T0 + 95)));
            ListPipelineExecutionsOutput::builder()
                .pipeline_execution_summaries(s.build())
                .build()
        })
        .repeatedly()
        .build()
}

#[derive(Clone)]
struct Did {
    stage: &'static str,
    action: &'static str,
    status: ActionExecutionStatus,
    start: i64,
    end: i64,
    external_id: Option<&'static str>,
    error: Option<&'static str>,
}

fn detail(d: &Did) -> ActionExecutionDetail {
    let mut result = ActionExecutionResult::builder();
    if let Some(id) = d.external_id {
        result = result.external_execution_id(id).external_execution_url(format!(
            "https://console.aws.amazon.com/codebuild/home?region=ap-southeast-1#/builds/{id}/view/new"
        ));
    }
    if let Some(e) = d.error {
        result = result.error_details(ErrorDetails::builder().code("JobFailed").message(e).build());
    }
    ActionExecutionDetail::builder()
        .pipeline_execution_id(RUN)
        .action_execution_id(format!("{}-{}", d.stage, d.start))
        .pipeline_version(1)
        .stage_name(d.stage)
        .action_name(d.action)
        .start_time(DateTime::from_secs(d.start))
        .last_update_time(DateTime::from_secs(d.end))
        .status(d.status.clone())
        .output(
            ActionExecutionOutput::builder()
                .execution_result(result.build())
                .build(),
        )
        .build()
}

/// ListActionExecutions answers, one per poll (newest first, as AWS lists them).
fn actions(polls: Vec<Vec<Did>>) -> Rule {
    let mut seq = mock!(aws_sdk_codepipeline::Client::list_action_executions).sequence();
    for poll in polls {
        seq = seq.output(move || {
            let mut out = ListActionExecutionsOutput::builder();
            for d in poll.iter().rev() {
                out = out.action_execution_details(detail(d));
            }
            out.build()
        });
    }
    seq.build()
}

/// GetPipelineState: the latest execution of each stage (this run's).
fn state(stages: Vec<(&'static str, Option<StageExecutionStatus>)>) -> Rule {
    mock!(aws_sdk_codepipeline::Client::get_pipeline_state)
        .sequence()
        .output(move || {
            let mut out = GetPipelineStateOutput::builder().pipeline_name("shop");
            for (name, status) in &stages {
                let mut st = StageState::builder().stage_name(*name);
                if let Some(s) = status {
                    st = st.latest_execution(
                        StageExecution::builder()
                            .pipeline_execution_id(RUN)
                            .status(s.clone())
                            .build()
                            .unwrap(),
                    );
                }
                out = out.stage_states(st.build());
            }
            out.build()
        })
        .repeatedly()
        .build()
}

fn phase(
    t: BuildPhaseType,
    status: Option<StatusType>,
    secs: i64,
    message: Option<&str>,
) -> BuildPhase {
    let mut p = BuildPhase::builder()
        .phase_type(t)
        .start_time(DateTime::from_secs(T0 + 5))
        .duration_in_seconds(secs);
    if let Some(s) = status {
        p = p
            .phase_status(s)
            .end_time(DateTime::from_secs(T0 + 5 + secs));
    }
    if let Some(m) = message {
        p = p.contexts(
            PhaseContext::builder()
                .status_code("COMMAND_EXECUTION_ERROR")
                .message(m)
                .build(),
        );
    }
    p.build()
}

fn build_of(status: StatusType, current: &str, phases: Vec<BuildPhase>) -> Build {
    Build::builder()
        .id(BUILD_ID)
        .project_name("shop-build")
        .build_status(status)
        .current_phase(current)
        .set_phases(Some(phases))
        .logs(
            LogsLocation::builder()
                .group_name("/aws/codebuild/shop-build")
                .stream_name("5c3e1a52-8d7f-4b19-a6e2-0f4d9c7b3e81")
                .deep_link("https://console.aws.amazon.com/cloudwatch/home?region=ap-southeast-1#logEvent:group=/aws/codebuild/shop-build;stream=5c3e1a52-8d7f-4b19-a6e2-0f4d9c7b3e81")
                .build(),
        )
        .build()
}

fn builds(polls: Vec<Build>) -> Rule {
    let mut seq = mock!(aws_sdk_codebuild::Client::batch_get_builds).sequence();
    for b in polls {
        seq = seq.output(move || BatchGetBuildsOutput::builder().builds(b.clone()).build());
    }
    seq.build()
}

fn ok_phases_until_build() -> Vec<BuildPhase> {
    use BuildPhaseType as P;
    vec![
        phase(P::Submitted, Some(StatusType::Succeeded), 0, None),
        phase(P::Queued, Some(StatusType::Succeeded), 1, None),
        phase(P::Provisioning, Some(StatusType::Succeeded), 14, None),
        phase(P::DownloadSource, Some(StatusType::Succeeded), 2, None),
        phase(P::Install, Some(StatusType::Succeeded), 0, None),
        phase(P::PreBuild, Some(StatusType::Succeeded), 6, None),
    ]
}

fn stage_states(v: &RunView) -> Vec<(&str, NodeState)> {
    v.stages
        .iter()
        .map(|s| (s.name.as_str(), s.state))
        .collect()
}

#[tokio::test]
async fn a_run_that_succeeds_is_drawn_in_progress_then_done() {
    use BuildPhaseType as P;
    let source = Did {
        stage: "Source",
        action: "Source",
        status: ActionExecutionStatus::Succeeded,
        start: T0,
        end: T0 + 3,
        external_id: None,
        error: None,
    };
    let build_running = Did {
        stage: "Build",
        action: "Build",
        status: ActionExecutionStatus::InProgress,
        start: T0 + 4,
        end: T0 + 40,
        external_id: Some(BUILD_ID),
        error: None,
    };
    let build_done = Did {
        status: ActionExecutionStatus::Succeeded,
        end: T0 + 70,
        ..build_running.clone()
    };
    let deploy_done = Did {
        stage: "Deploy",
        action: "Deploy",
        status: ActionExecutionStatus::Succeeded,
        start: T0 + 71,
        end: T0 + 95,
        external_id: None,
        error: None,
    };
    let mut running_phases = ok_phases_until_build();
    running_phases.push(phase(P::Build, None, 0, None));
    let mut done_phases = ok_phases_until_build();
    done_phases.extend([
        phase(P::Build, Some(StatusType::Succeeded), 31, None),
        phase(P::PostBuild, Some(StatusType::Succeeded), 12, None),
        phase(P::UploadArtifacts, Some(StatusType::Succeeded), 1, None),
        phase(P::Finalizing, Some(StatusType::Succeeded), 2, None),
        phase(P::Completed, None, 0, None),
    ]);

    // First poll: the build is running.
    let decl = declaration();
    let exec = execution(PipelineExecutionStatus::InProgress);
    let list = listed(PipelineExecutionStatus::InProgress, None);
    let acts = actions(vec![vec![source.clone(), build_running]]);
    let st = state(vec![
        ("Source", Some(StageExecutionStatus::Succeeded)),
        ("Build", Some(StageExecutionStatus::InProgress)),
        ("Deploy", None),
    ]);
    let b = builds(vec![build_of(
        StatusType::InProgress,
        "BUILD",
        running_phases,
    )]);
    let conn = connection(&[&decl, &exec, &list, &acts, &st, &b]);
    let v = view::run_view(&conn, &spec(), Some(RUN)).await.unwrap();
    assert_eq!(v.state, NodeState::InProgress);
    assert!(v.stoppable, "a run in progress can be stopped");
    assert_eq!(v.retryable_stage, None);
    assert_eq!(
        stage_states(&v),
        vec![
            ("Source", NodeState::Succeeded),
            ("Build", NodeState::InProgress),
            ("Deploy", NodeState::NotStarted)
        ]
    );
    let build = v.stages[1].actions[0]
        .build
        .as_ref()
        .expect("the build's phases");
    assert_eq!(build.current_phase.as_deref(), Some("BUILD"));
    let last = build.phases.last().unwrap();
    assert_eq!(
        (last.name.as_str(), last.state),
        ("BUILD", NodeState::InProgress)
    );
    assert_eq!(v.stages[1].actions[0].kind, ActionKind::Build);
    assert_eq!(v.failure, None);
    assert_eq!(
        v.revision_summary.as_deref(),
        Some("source/shop.zip uploaded by slipway")
    );

    // Second poll: everything succeeded.
    let exec = execution(PipelineExecutionStatus::Succeeded);
    let list = listed(PipelineExecutionStatus::Succeeded, Some(T0 + 95));
    let acts = actions(vec![vec![source, build_done, deploy_done]]);
    let st = state(vec![
        ("Source", Some(StageExecutionStatus::Succeeded)),
        ("Build", Some(StageExecutionStatus::Succeeded)),
        ("Deploy", Some(StageExecutionStatus::Succeeded)),
    ]);
    let b = builds(vec![build_of(
        StatusType::Succeeded,
        "COMPLETED",
        done_phases,
    )]);
    let conn = connection(&[&decl, &exec, &list, &acts, &st, &b]);
    let v = view::run_view(&conn, &spec(), Some(RUN)).await.unwrap();
    assert_eq!(v.state, NodeState::Succeeded);
    // The look before saw it in progress: that is worth a notification; a run first seen done is not.
    assert_eq!(
        view::run_milestone(Some(NodeState::InProgress), &v),
        Some(view::RunMilestone::Succeeded { run: RUN.into() })
    );
    assert_eq!(view::run_milestone(None, &v), None);
    assert_eq!(view::run_milestone(Some(NodeState::Succeeded), &v), None);
    assert!(!v.stoppable);
    assert_eq!(v.run.duration_ms, Some(95_000));
    assert!(v.stages.iter().all(|s| s.state == NodeState::Succeeded));
    let build = v.stages[1].actions[0].build.as_ref().unwrap();
    assert!(
        build.phases.iter().all(|p| p.state == NodeState::Succeeded),
        "{:?}",
        build.phases
    );
    assert_eq!(
        build
            .phases
            .iter()
            .find(|p| p.name == "BUILD")
            .unwrap()
            .duration_s,
        Some(31)
    );
    assert_eq!(v.failure, None);
}

#[tokio::test]
async fn a_run_that_fails_in_build_names_the_phase_and_shows_the_last_log_lines() {
    use BuildPhaseType as P;
    let msg = "Error while executing command: docker build -t $REPOSITORY_URI:$IMAGE_TAG .. Reason: exit status 1";
    let source = Did {
        stage: "Source",
        action: "Source",
        status: ActionExecutionStatus::Succeeded,
        start: T0,
        end: T0 + 3,
        external_id: None,
        error: None,
    };
    let build = Did {
        stage: "Build",
        action: "Build",
        status: ActionExecutionStatus::Failed,
        start: T0 + 4,
        end: T0 + 48,
        external_id: Some(BUILD_ID),
        error: Some("Build terminated with state: FAILED. Phase: BUILD, Code: COMMAND_EXECUTION_ERROR, Message: Error while executing command: docker build -t $REPOSITORY_URI:$IMAGE_TAG .. Reason: exit status 1"),
    };
    let mut phases = ok_phases_until_build();
    phases.extend([
        phase(P::Build, Some(StatusType::Failed), 19, Some(msg)),
        phase(P::PostBuild, Some(StatusType::Succeeded), 0, None),
        phase(
            P::UploadArtifacts,
            Some(StatusType::Failed),
            0,
            Some("CLIENT_ERROR: no matching artifact paths found"),
        ),
        phase(P::Finalizing, Some(StatusType::Succeeded), 2, None),
        phase(P::Completed, None, 0, None),
    ]);
    let tail = mock!(aws_sdk_cloudwatchlogs::Client::get_log_events)
        .match_requests(|r| r.start_from_head() == Some(false))
        .then_output(|| {
            let lines = [
                "#8 [builder 4/6] RUN npm ci",
                "#8 2.913 npm ERR! code ERESOLVE",
                "#8 2.915 npm ERR! ERESOLVE could not resolve",
                "#8 ERROR: process \"/bin/sh -c npm ci\" did not complete successfully: exit code: 1",
                "[Container] 2026/11/23 08:14:41.552133 Command did not exit successfully docker build -t $REPOSITORY_URI:$IMAGE_TAG . exit status 1",
                "[Container] 2026/11/23 08:14:41.556218 Phase complete: BUILD State: FAILED",
            ];
            let mut out = GetLogEventsOutput::builder();
            for (i, l) in lines.iter().enumerate() {
                out = out.events(
                    OutputLogEvent::builder()
                        .timestamp((T0 + 40 + i as i64) * 1000)
                        .message(format!("{l}\n"))
                        .build(),
                );
            }
            out.build()
        });
    let decl = declaration();
    let exec = execution(PipelineExecutionStatus::Failed);
    let list = listed(PipelineExecutionStatus::Failed, Some(T0 + 48));
    let acts = actions(vec![vec![source, build]]);
    let st = state(vec![
        ("Source", Some(StageExecutionStatus::Succeeded)),
        ("Build", Some(StageExecutionStatus::Failed)),
        ("Deploy", None),
    ]);
    let b = builds(vec![build_of(StatusType::Failed, "COMPLETED", phases)]);
    let conn = connection(&[&decl, &exec, &list, &acts, &st, &b, &tail]);
    let v = view::run_view(&conn, &spec(), Some(RUN)).await.unwrap();
    assert_eq!(v.state, NodeState::Failed);
    assert_eq!(
        stage_states(&v),
        vec![
            ("Source", NodeState::Succeeded),
            ("Build", NodeState::Failed),
            ("Deploy", NodeState::NotStarted)
        ]
    );
    assert_eq!(v.retryable_stage.as_deref(), Some("Build"));
    assert_eq!(
        view::run_milestone(Some(NodeState::InProgress), &v),
        Some(view::RunMilestone::Failed {
            run: RUN.into(),
            why: Some("The build failed in its BUILD phase.".into())
        })
    );
    let f = v.failure.expect("the failure is explained");
    assert_eq!(f.kind, FailureKind::BuildPhase);
    assert_eq!(
        f.phase.as_deref(),
        Some("BUILD"),
        "the first failed phase, not a later one"
    );
    assert_eq!(f.title, "The build failed in its BUILD phase.");
    // What the UI translates: the key and the values its texts name.
    assert_eq!(f.key, "build");
    assert_eq!(f.params.get("phase").map(String::as_str), Some("BUILD"));
    assert_eq!(f.params.get("stage").map(String::as_str), Some("Build"));
    assert!(
        f.params
            .get("message")
            .is_some_and(|m| m.contains("docker build")),
        "{:?}",
        f.params
    );
    assert!(f.explanation.contains("docker build"), "{}", f.explanation);
    assert!(f.hint.contains("slipway build"), "{}", f.hint);
    assert_eq!(f.log_tail.len(), 6);
    assert!(f.log_tail[1].contains("ERESOLVE"));
    assert!(!f.log_tail[0].ends_with('\n'), "lines are trimmed");
    assert!(f.aws_message.unwrap().contains("COMMAND_EXECUTION_ERROR"));
}

#[tokio::test]
async fn a_run_that_fails_in_deploy_explains_the_circuit_breaker_rollback() {
    let ok = |stage: &'static str, start: i64, id: Option<&'static str>| Did {
        stage,
        action: stage,
        status: ActionExecutionStatus::Succeeded,
        start,
        end: start + 60,
        external_id: id,
        error: None,
    };
    let deploy = Did {
        stage: "Deploy",
        action: "Deploy",
        status: ActionExecutionStatus::Failed,
        start: T0 + 130,
        end: T0 + 730,
        external_id: Some("ecs-svc/4217835162349817731"),
        error: Some("Deployment ecs-svc/4217835162349817731 failed: ECS Deployment Circuit Breaker was triggered"),
    };
    let mut done = ok_phases_until_build();
    done.push(phase(
        BuildPhaseType::Build,
        Some(StatusType::Succeeded),
        31,
        None,
    ));
    let services = mock!(aws_sdk_ecs::Client::describe_services).then_output(|| {
        DescribeServicesOutput::builder()
            .services(
                Service::builder()
                    .service_name("shop")
                    .deployments(
                        Deployment::builder()
                            .id("ecs-svc/1180342255021904210")
                            .status("PRIMARY")
                            .task_definition("arn:aws:ecs:ap-southeast-1:123456789012:task-definition/shop:6")
                            .rollout_state(DeploymentRolloutState::InProgress)
                            .rollout_state_reason("ECS deployment circuit breaker: rolling back to deploymentId ecs-svc/8790561326004876501.")
                            .build(),
                    )
                    .deployments(
                        Deployment::builder()
                            .id("ecs-svc/4217835162349817731")
                            .status("ACTIVE")
                            .task_definition("arn:aws:ecs:ap-southeast-1:123456789012:task-definition/shop:7")
                            .rollout_state(DeploymentRolloutState::Failed)
                            .rollout_state_reason("ECS deployment circuit breaker: tasks failed to start.")
                            .failed_tasks(3)
                            .build(),
                    )
                    .events(ServiceEvent::builder().id("e3").message("(service shop) rolling back to deployment ecs-svc/8790561326004876501.").build())
                    .events(ServiceEvent::builder().id("e2").message("(service shop) deployment ecs-svc/4217835162349817731 deployment failed: tasks failed to start.").build())
                    .events(ServiceEvent::builder().id("e1").message("(service shop) has started 1 tasks: (task 0d1e0f4c1b6a4d7e9f1c2b3a4d5e6f70).").build())
                    .build(),
            )
            .build()
    });
    let decl = declaration();
    let exec = execution(PipelineExecutionStatus::Failed);
    let list = listed(PipelineExecutionStatus::Failed, Some(T0 + 730));
    let acts = actions(vec![vec![
        ok("Source", T0, None),
        ok("Build", T0 + 4, Some(BUILD_ID)),
        deploy,
    ]]);
    let st = state(vec![
        ("Source", Some(StageExecutionStatus::Succeeded)),
        ("Build", Some(StageExecutionStatus::Succeeded)),
        ("Deploy", Some(StageExecutionStatus::Failed)),
    ]);
    let b = builds(vec![build_of(StatusType::Succeeded, "COMPLETED", done)]);
    let conn = connection(&[&decl, &exec, &list, &acts, &st, &b, &services]);
    let v = view::run_view(&conn, &spec(), Some(RUN)).await.unwrap();
    assert_eq!(
        stage_states(&v),
        vec![
            ("Source", NodeState::Succeeded),
            ("Build", NodeState::Succeeded),
            ("Deploy", NodeState::Failed)
        ]
    );
    assert_eq!(v.retryable_stage.as_deref(), Some("Deploy"));
    assert_eq!(v.run.duration_ms, Some(730_000));
    let deploy = &v.stages[2].actions[0];
    assert_eq!(
        (deploy.kind, deploy.provider.as_str()),
        (ActionKind::Deploy, "ECS")
    );
    assert_eq!(deploy.build, None, "an ECS action has no build");
    let f = v.failure.expect("the failure is explained");
    assert_eq!(f.kind, FailureKind::CircuitBreaker);
    assert_eq!(f.key, "circuit_breaker");
    assert_eq!(f.params.get("serving").map(String::as_str), Some("shop:6"));
    assert_eq!((f.stage.as_str(), f.action.as_str()), ("Deploy", "Deploy"));
    assert!(
        f.explanation.contains("went back to shop:6"),
        "{}",
        f.explanation
    );
    assert!(f.explanation.contains("still serving"));
    let facts = f.deploy.expect("the deployments are shown");
    assert!(facts.rolled_back);
    assert_eq!(facts.failed_task_definition.as_deref(), Some("shop:7"));
    assert_eq!(facts.serving_task_definition.as_deref(), Some("shop:6"));
    assert_eq!(
        facts.failed_reason.as_deref(),
        Some("ECS deployment circuit breaker: tasks failed to start.")
    );
    assert_eq!(facts.events.len(), 3);
    assert!(f.log_tail.is_empty());
}

#[tokio::test]
async fn a_deploy_that_names_another_container_is_explained_as_the_mismatch() {
    let ok = |stage: &'static str| Did {
        stage,
        action: stage,
        status: ActionExecutionStatus::Succeeded,
        start: T0,
        end: T0 + 60,
        external_id: None,
        error: None,
    };
    let deploy = Did {
        stage: "Deploy",
        action: "Deploy",
        status: ActionExecutionStatus::Failed,
        start: T0 + 61,
        end: T0 + 62,
        external_id: None,
        error: Some("Invalid action configuration: The AWS ECS container web does not exist in the task definition."),
    };
    let decl = declaration();
    let exec = execution(PipelineExecutionStatus::Failed);
    let list = listed(PipelineExecutionStatus::Failed, Some(T0 + 62));
    let acts = actions(vec![vec![ok("Source"), ok("Build"), deploy]]);
    let st = state(vec![("Source", None), ("Build", None), ("Deploy", None)]);
    let conn = connection(&[&decl, &exec, &list, &acts, &st]);
    let v = view::run_view(&conn, &spec(), Some(RUN)).await.unwrap();
    let f = v.failure.unwrap();
    assert_eq!(f.kind, FailureKind::ContainerName);
    assert_eq!(f.key, "container_name");
    assert_eq!(f.params.get("container").map(String::as_str), Some("shop"));
    assert!(f.hint.contains("\"name\":\"shop\""), "{}", f.hint);
    // No stage state for this run from AWS: derived from the actions.
    assert_eq!(v.stages[2].state, NodeState::Failed);
    assert_eq!(v.stages[0].state, NodeState::Succeeded);
}
