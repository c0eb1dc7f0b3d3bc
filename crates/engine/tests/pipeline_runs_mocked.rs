//! What the emulator cannot produce, played with aws-smithy-mocks through the real SDK client:
//! a run that failed in Build (stage and action states from GetPipelineState, with the CodeBuild
//! build id and AWS's message), as `slipway pipeline status` reports it.

use aws_sdk_codepipeline::operation::get_pipeline_state::GetPipelineStateOutput;
use aws_sdk_codepipeline::operation::list_pipeline_executions::ListPipelineExecutionsOutput;
use aws_sdk_codepipeline::types::{
    ActionExecution, ActionExecutionStatus, ActionState, ErrorDetails, ExecutionTrigger,
    PipelineExecutionStatus, PipelineExecutionSummary, SourceRevision, StageExecution,
    StageExecutionStatus, StageState, TriggerType,
};
use aws_smithy_mocks::{mock, MockResponseInterceptor, Rule, RuleMode};
use aws_smithy_runtime_api::client::interceptors::SharedInterceptor;
use aws_smithy_types::DateTime;
use slipway_core::journal::MemoryJournal;
use slipway_core::spec::ProjectSpec;
use slipway_engine::pipeline::runs;
use std::sync::Arc;

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

fn stage(name: &str, status: StageExecutionStatus, action: ActionState) -> StageState {
    StageState::builder()
        .stage_name(name)
        .latest_execution(
            StageExecution::builder()
                .pipeline_execution_id("run-2")
                .status(status)
                .build()
                .unwrap(),
        )
        .action_states(action)
        .build()
}

#[tokio::test]
async fn a_run_that_failed_in_build_reports_the_stage_the_build_and_the_message() {
    let list = mock!(aws_sdk_codepipeline::Client::list_pipeline_executions).then_output(|| {
        ListPipelineExecutionsOutput::builder()
            .pipeline_execution_summaries(
                PipelineExecutionSummary::builder()
                    .pipeline_execution_id("run-2")
                    .status(PipelineExecutionStatus::Failed)
                    .start_time(DateTime::from_secs(1_795_000_000))
                    .last_update_time(DateTime::from_secs(1_795_000_200))
                    .trigger(
                        ExecutionTrigger::builder()
                            .trigger_type(TriggerType::StartPipelineExecution)
                            .build(),
                    )
                    .source_revisions(
                        SourceRevision::builder()
                            .action_name("Source")
                            .revision_id("v2-s3-version")
                            .build()
                            .unwrap(),
                    )
                    .build(),
            )
            .pipeline_execution_summaries(
                PipelineExecutionSummary::builder()
                    .pipeline_execution_id("run-1")
                    .status(PipelineExecutionStatus::InProgress)
                    .start_time(DateTime::from_secs(1_794_999_000))
                    .build(),
            )
            .build()
    });
    let state = mock!(aws_sdk_codepipeline::Client::get_pipeline_state).then_output(|| {
        GetPipelineStateOutput::builder()
            .pipeline_name("shop")
            .stage_states(stage(
                "Source",
                StageExecutionStatus::Succeeded,
                ActionState::builder()
                    .action_name("Source")
                    .latest_execution(ActionExecution::builder().status(ActionExecutionStatus::Succeeded).build())
                    .build(),
            ))
            .stage_states(stage(
                "Build",
                StageExecutionStatus::Failed,
                ActionState::builder()
                    .action_name("Build")
                    .latest_execution(
                        ActionExecution::builder()
                            .status(ActionExecutionStatus::Failed)
                            .external_execution_id("shop-build:4f1c")
                            .error_details(
                                ErrorDetails::builder()
                                    .code("JobFailed")
                                    .message("Error while executing command: docker push. Reason: exit status 1")
                                    .build(),
                            )
                            .build(),
                    )
                    .build(),
            ))
            .stage_states(
                StageState::builder()
                    .stage_name("Deploy")
                    .action_states(ActionState::builder().action_name("Deploy").build())
                    .build(),
            )
            .build()
    });
    let conn = connection(&[&list, &state]);
    let status = runs::status(&conn, &spec()).await.unwrap();
    assert_eq!(status.runs.len(), 2);
    let failed = &status.runs[0];
    assert_eq!(failed.status, "Failed");
    assert_eq!(failed.duration_ms, Some(200_000));
    assert_eq!(failed.trigger.as_deref(), Some("StartPipelineExecution"));
    assert_eq!(failed.revisions, vec!["v2-s3-version"]);
    assert_eq!(
        status.runs[1].duration_ms, None,
        "a run in progress has no duration yet"
    );
    let names: Vec<(&str, Option<&str>)> = status
        .stages
        .iter()
        .map(|s| (s.name.as_str(), s.status.as_deref()))
        .collect();
    assert_eq!(
        names,
        vec![
            ("Source", Some("Succeeded")),
            ("Build", Some("Failed")),
            ("Deploy", None)
        ]
    );
    let build = &status.stages[1].actions[0];
    assert_eq!(build.external_id.as_deref(), Some("shop-build:4f1c"));
    assert!(build.error.as_deref().unwrap().contains("docker push"));
    assert_eq!(status.stages_unavailable, None);
}
