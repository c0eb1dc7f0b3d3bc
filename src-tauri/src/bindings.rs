//! The TypeScript bindings: every type that crosses IPC and a typed wrapper per command,
//! generated from the Rust types with ts-rs. `ui/src/lib/bindings.ts` is this module's output;
//! a test fails when the committed file is stale (`scripts/gen-bindings` rewrites it).

use crate::commands::app::AppInfo;
use crate::commands::build::BuildForm;
use crate::commands::dockerfile::InitForm;
use crate::commands::labs::StepCheck;
use crate::commands::monitor::MonitorEvent;
use crate::commands::pipeline::{BuildspecInfo, PipelineDestroyOutcome, PipelinePlan};
use crate::commands::service::{DestroyOutcome, DestroyPlan, ServicePlan};
use slipway_core::awscli::CliCommand;
use slipway_core::build::BuildEvent;
use slipway_core::buildspec::BuildspecSummary;
use slipway_core::connection::{ConnectionInfo, ProfileKind, ProfileSummary};
use slipway_core::cost::{CostEstimate, CostLine};
use slipway_core::diagnose::{Diagnosis, DiagnosisCode, DiagnosisLevel, EvidenceItem};
use slipway_core::dockerfile::InstructionLine;
use slipway_core::doctor::{CheckGroup, CheckStatus, DoctorCheck, DoctorReport};
use slipway_core::ecr::{EcrImage, Repository, ScanFinding, ScanReport};
use slipway_core::generate::GenerateOptions;
use slipway_core::health::{
    ContainerInfo, DeploymentInfo, ServiceEvent, ServiceHealth, TargetInfo, TaskInfo,
};
use slipway_core::labs::{
    Check, CheckResult, Choice, Concept, Experiment, Lab, LabKind, LabStatus, LabStep, Text,
};
use slipway_core::lint::{Finding, Fix, Severity, TextEdit};
use slipway_core::metrics::{MetricSeries, MissingReason, ServiceMetrics};
use slipway_core::plan::{Action, FieldChange, Plan, PlanStep, ResourceKind};
use slipway_core::project::ProjectSummary;
use slipway_core::settings::{Language, Settings, Theme};
use slipway_core::spec::Encryption;
use slipway_core::spec::{
    AppSpec, AutoscalingSpec, AwsSpec, BuildSettings, ComputeType, DeploySettings, DeployStrategy,
    HealthCheckSpec, ImageSpec, NetworkSpec, PipelineSpec, ProjectSpec, ServiceSpec, SourceSpec,
    TagPolicy,
};
use slipway_core::stack::{
    Detection, Evidence, Framework, PackageManager, Question, QuestionTopic, Server, StackKind,
};
use slipway_core::textdiff::{DiffKind, DiffLine};
use slipway_core::watch::Activity;
use slipway_core::{ErrorBody, ErrorCode};
use slipway_docker::build::BuiltImage;
use slipway_docker::container::{LocalContainer, LogLine, SmokeTest};
use slipway_docker::context::{ContextSummary, FolderWeight};
use slipway_docker::image::{ImageReport, Layer};
use slipway_docker::probe::ProbeResponse;
use slipway_docker::push::{LayerState, PushEvent};
use slipway_engine::apply::{ApplyEvent, ApplyReport, StepFailure};
use slipway_engine::deploy::{DeployEvent, DeployOutcome};
use slipway_engine::experiments::{BadDeploy, LoadReport, LoadSample, LoadTarget, StatusCount};
use slipway_engine::local::{LocalBuild, RunEvent};
use slipway_engine::monitor::{DowntimeReport, Milestone, MonitorUpdate, ProbeSample};
use slipway_engine::pipeline::runs::PipelineRun;
use slipway_engine::pipeline::view::{
    ActionKind, ActionView, BuildInfo, BuildLogLine, BuildPhase, DeployFacts, Failure, FailureKind,
    LogPage, NodeState, RunView, StageView,
};
use slipway_engine::pipeline::PipelineOutcome;
use slipway_engine::project::{InitPlan, ProposedFile};
use slipway_engine::push::{PushOutcome, PushProgress};
use slipway_engine::rollout::RolloutUpdate;
use ts_rs::{Config, TS};

/// Where the generated file lives, relative to the repository root.
pub const BINDINGS_PATH: &str = "ui/src/lib/bindings.ts";

/// One command's TypeScript signature.
pub struct CommandSig {
    pub name: &'static str,
    pub args: Vec<(&'static str, String)>,
    pub returns: String,
}

fn sig(name: &'static str, args: Vec<(&'static str, String)>, returns: String) -> CommandSig {
    CommandSig {
        name,
        args,
        returns,
    }
}

fn list<T: TS>(cfg: &Config) -> String {
    format!("Array<{}>", T::name(cfg))
}

/// Every command with its argument and return types, in the order of `COMMAND_NAMES`.
pub fn command_sigs(cfg: &Config) -> Vec<CommandSig> {
    vec![
        sig("app_info", vec![], AppInfo::name(cfg)),
        sig("get_settings", vec![], Settings::name(cfg)),
        sig(
            "save_settings",
            vec![("settings", Settings::name(cfg))],
            Settings::name(cfg),
        ),
        sig("list_profiles", vec![], list::<ProfileSummary>(cfg)),
        sig(
            "connect",
            vec![
                ("profile", String::name(cfg)),
                ("region", Option::<String>::name(cfg)),
            ],
            ConnectionInfo::name(cfg),
        ),
        sig("current_connection", vec![], ConnectionInfo::name(cfg)),
        sig(
            "run_doctor",
            vec![("on_check", format!("Channel<{}>", DoctorCheck::name(cfg)))],
            DoctorReport::name(cfg),
        ),
        sig("recent_projects", vec![], list::<ProjectSummary>(cfg)),
        sig(
            "open_project",
            vec![("path", String::name(cfg))],
            ProjectSummary::name(cfg),
        ),
        sig(
            "forget_project",
            vec![("path", String::name(cfg))],
            "null".into(),
        ),
        sig(
            "detect_stack",
            vec![("path", String::name(cfg))],
            Detection::name(cfg),
        ),
        sig(
            "plan_init",
            vec![("path", String::name(cfg)), ("form", InitForm::name(cfg))],
            InitPlan::name(cfg),
        ),
        sig(
            "write_init",
            vec![
                ("path", String::name(cfg)),
                ("form", InitForm::name(cfg)),
                ("files", list::<String>(cfg)),
                ("overwrite", list::<String>(cfg)),
            ],
            list::<String>(cfg),
        ),
        sig(
            "read_project_file",
            vec![("path", String::name(cfg)), ("name", String::name(cfg))],
            Option::<String>::name(cfg),
        ),
        sig(
            "save_project_file",
            vec![
                ("path", String::name(cfg)),
                ("name", String::name(cfg)),
                ("text", String::name(cfg)),
                ("expected", Option::<String>::name(cfg)),
            ],
            "null".into(),
        ),
        sig(
            "lint_dockerfile",
            vec![
                ("text", String::name(cfg)),
                ("port", Option::<u16>::name(cfg)),
                ("platform", Option::<String>::name(cfg)),
            ],
            list::<Finding>(cfg),
        ),
        sig(
            "load_spec",
            vec![("path", String::name(cfg))],
            ProjectSpec::name(cfg),
        ),
        sig(
            "save_spec",
            vec![
                ("path", String::name(cfg)),
                ("spec", ProjectSpec::name(cfg)),
            ],
            ProjectSpec::name(cfg),
        ),
        sig(
            "build_image",
            vec![
                ("path", String::name(cfg)),
                ("form", BuildForm::name(cfg)),
                ("operation", String::name(cfg)),
                ("on_event", format!("Channel<{}>", BuildEvent::name(cfg))),
            ],
            BuiltImage::name(cfg),
        ),
        sig(
            "cancel_operation",
            vec![("operation", String::name(cfg))],
            bool::name(cfg),
        ),
        sig(
            "context_summary",
            vec![("path", String::name(cfg))],
            ContextSummary::name(cfg),
        ),
        sig(
            "image_layers",
            vec![
                ("path", String::name(cfg)),
                ("image", Option::<String>::name(cfg)),
            ],
            ImageReport::name(cfg),
        ),
        sig(
            "run_local",
            vec![
                ("path", String::name(cfg)),
                ("image", Option::<String>::name(cfg)),
                ("host_port", Option::<u16>::name(cfg)),
                ("operation", String::name(cfg)),
                ("on_event", format!("Channel<{}>", RunEvent::name(cfg))),
            ],
            LocalContainer::name(cfg),
        ),
        sig(
            "stop_local",
            vec![("path", String::name(cfg))],
            bool::name(cfg),
        ),
        sig(
            "ecr_repository",
            vec![("path", String::name(cfg))],
            Option::<Repository>::name(cfg),
        ),
        sig("list_repositories", vec![], list::<Repository>(cfg)),
        sig(
            "local_builds",
            vec![("path", String::name(cfg))],
            list::<LocalBuild>(cfg),
        ),
        sig(
            "push_image",
            vec![
                ("path", String::name(cfg)),
                ("image", Option::<String>::name(cfg)),
                ("operation", String::name(cfg)),
                ("on_event", format!("Channel<{}>", PushProgress::name(cfg))),
            ],
            PushOutcome::name(cfg),
        ),
        sig(
            "list_images",
            vec![("path", String::name(cfg))],
            list::<EcrImage>(cfg),
        ),
        sig(
            "scan_report",
            vec![("path", String::name(cfg)), ("digest", String::name(cfg))],
            ScanReport::name(cfg),
        ),
        sig(
            "plan_service",
            vec![
                ("path", String::name(cfg)),
                ("image", Option::<String>::name(cfg)),
            ],
            ServicePlan::name(cfg),
        ),
        sig(
            "apply_service",
            vec![
                ("path", String::name(cfg)),
                ("image", String::name(cfg)),
                ("expected", Plan::name(cfg)),
                ("operation", String::name(cfg)),
                ("on_event", format!("Channel<{}>", DeployEvent::name(cfg))),
            ],
            DeployOutcome::name(cfg),
        ),
        sig(
            "service_health",
            vec![("path", String::name(cfg))],
            ServiceHealth::name(cfg),
        ),
        sig(
            "plan_destroy",
            vec![("path", String::name(cfg)), ("keep_logs", bool::name(cfg))],
            DestroyPlan::name(cfg),
        ),
        sig(
            "destroy_service",
            vec![
                ("path", String::name(cfg)),
                ("keep_logs", bool::name(cfg)),
                ("keep_repository", bool::name(cfg)),
                ("operation", String::name(cfg)),
                ("on_event", format!("Channel<{}>", ApplyEvent::name(cfg))),
            ],
            DestroyOutcome::name(cfg),
        ),
        sig(
            "pipeline_buildspec",
            vec![("path", String::name(cfg))],
            BuildspecInfo::name(cfg),
        ),
        sig(
            "check_buildspec",
            vec![("path", String::name(cfg)), ("text", String::name(cfg))],
            BuildspecSummary::name(cfg),
        ),
        sig(
            "plan_pipeline",
            vec![("path", String::name(cfg))],
            PipelinePlan::name(cfg),
        ),
        sig(
            "apply_pipeline",
            vec![
                ("path", String::name(cfg)),
                ("expected", Plan::name(cfg)),
                ("operation", String::name(cfg)),
                ("on_event", format!("Channel<{}>", ApplyEvent::name(cfg))),
            ],
            PipelineOutcome::name(cfg),
        ),
        sig(
            "plan_pipeline_destroy",
            vec![("path", String::name(cfg))],
            Plan::name(cfg),
        ),
        sig(
            "destroy_pipeline",
            vec![
                ("path", String::name(cfg)),
                ("operation", String::name(cfg)),
                ("on_event", format!("Channel<{}>", ApplyEvent::name(cfg))),
            ],
            PipelineDestroyOutcome::name(cfg),
        ),
        sig(
            "pipeline_runs",
            vec![("path", String::name(cfg))],
            list::<PipelineRun>(cfg),
        ),
        sig(
            "start_pipeline_run",
            vec![("path", String::name(cfg))],
            String::name(cfg),
        ),
        sig(
            "pipeline_run",
            vec![
                ("path", String::name(cfg)),
                ("run", Option::<String>::name(cfg)),
            ],
            RunView::name(cfg),
        ),
        sig(
            "stop_pipeline_run",
            vec![
                ("path", String::name(cfg)),
                ("run", String::name(cfg)),
                ("abandon", bool::name(cfg)),
            ],
            "null".to_string(),
        ),
        sig(
            "retry_pipeline_stage",
            vec![
                ("path", String::name(cfg)),
                ("run", String::name(cfg)),
                ("stage", String::name(cfg)),
            ],
            String::name(cfg),
        ),
        sig(
            "build_log",
            vec![
                ("group", String::name(cfg)),
                ("stream", String::name(cfg)),
                ("token", Option::<String>::name(cfg)),
            ],
            LogPage::name(cfg),
        ),
        sig(
            "watch_service",
            vec![
                ("path", String::name(cfg)),
                ("operation", String::name(cfg)),
                ("on_event", format!("Channel<{}>", MonitorEvent::name(cfg))),
            ],
            "null".to_string(),
        ),
        sig(
            "set_window_visible",
            vec![("visible", bool::name(cfg))],
            "null".to_string(),
        ),
        sig(
            "zero_downtime_check",
            vec![
                ("path", String::name(cfg)),
                ("url", String::name(cfg)),
                ("rate", u32::name(cfg)),
                ("operation", String::name(cfg)),
                ("on_sample", format!("Channel<{}>", ProbeSample::name(cfg))),
            ],
            DowntimeReport::name(cfg),
        ),
        sig(
            "service_metrics",
            vec![("path", String::name(cfg))],
            ServiceMetrics::name(cfg),
        ),
        sig("list_labs", vec![], format!("Array<{}>", Lab::name(cfg))),
        sig(
            "lab_progress",
            vec![("path", String::name(cfg)), ("lab", String::name(cfg))],
            format!("Array<{}>", StepCheck::name(cfg)),
        ),
        sig(
            "check_lab_step",
            vec![
                ("path", String::name(cfg)),
                ("lab", String::name(cfg)),
                ("step", String::name(cfg)),
                ("answer", Option::<u32>::name(cfg)),
            ],
            CheckResult::name(cfg),
        ),
        sig(
            "aws_cli_history",
            vec![("limit", u32::name(cfg))],
            format!("Array<{}>", CliCommand::name(cfg)),
        ),
        sig(
            "stop_one_task",
            vec![("path", String::name(cfg))],
            String::name(cfg),
        ),
        sig(
            "experiment_target",
            vec![("path", String::name(cfg))],
            LoadTarget::name(cfg),
        ),
        sig(
            "load_test",
            vec![
                ("path", String::name(cfg)),
                ("url", String::name(cfg)),
                ("requests", u32::name(cfg)),
                ("concurrency", u32::name(cfg)),
                ("operation", String::name(cfg)),
                ("on_sample", format!("Channel<{}>", LoadSample::name(cfg))),
            ],
            LoadReport::name(cfg),
        ),
        sig(
            "bad_deploy",
            vec![("path", String::name(cfg))],
            BadDeploy::name(cfg),
        ),
        sig(
            "export_lab_report",
            vec![
                ("path", String::name(cfg)),
                ("lab", String::name(cfg)),
                ("lang", String::name(cfg)),
            ],
            String::name(cfg),
        ),
    ]
}

/// Declarations of every type that crosses IPC, dependencies first.
pub fn type_decls(cfg: &Config) -> Vec<String> {
    vec![
        ErrorCode::decl(cfg),
        ErrorBody::decl(cfg),
        Language::decl(cfg),
        Theme::decl(cfg),
        Settings::decl(cfg),
        ProfileKind::decl(cfg),
        ProfileSummary::decl(cfg),
        ConnectionInfo::decl(cfg),
        CheckGroup::decl(cfg),
        CheckStatus::decl(cfg),
        DoctorCheck::decl(cfg),
        DoctorReport::decl(cfg),
        ProjectSummary::decl(cfg),
        AppInfo::decl(cfg),
        StackKind::decl(cfg),
        Framework::decl(cfg),
        Server::decl(cfg),
        PackageManager::decl(cfg),
        Evidence::decl(cfg),
        QuestionTopic::decl(cfg),
        Question::decl(cfg),
        Detection::decl(cfg),
        GenerateOptions::decl(cfg),
        DiffKind::decl(cfg),
        DiffLine::decl(cfg),
        ProposedFile::decl(cfg),
        InitPlan::decl(cfg),
        InitForm::decl(cfg),
        Severity::decl(cfg),
        TextEdit::decl(cfg),
        Fix::decl(cfg),
        Finding::decl(cfg),
        TagPolicy::decl(cfg),
        AppSpec::decl(cfg),
        AwsSpec::decl(cfg),
        ImageSpec::decl(cfg),
        HealthCheckSpec::decl(cfg),
        AutoscalingSpec::decl(cfg),
        ServiceSpec::decl(cfg),
        NetworkSpec::decl(cfg),
        SourceSpec::decl(cfg),
        ComputeType::decl(cfg),
        BuildSettings::decl(cfg),
        DeployStrategy::decl(cfg),
        DeploySettings::decl(cfg),
        PipelineSpec::decl(cfg),
        ProjectSpec::decl(cfg),
        InstructionLine::decl(cfg),
        BuildEvent::decl(cfg),
        BuildForm::decl(cfg),
        BuiltImage::decl(cfg),
        FolderWeight::decl(cfg),
        ContextSummary::decl(cfg),
        Layer::decl(cfg),
        ImageReport::decl(cfg),
        ProbeResponse::decl(cfg),
        LogLine::decl(cfg),
        LocalContainer::decl(cfg),
        SmokeTest::decl(cfg),
        RunEvent::decl(cfg),
        Encryption::decl(cfg),
        Repository::decl(cfg),
        EcrImage::decl(cfg),
        ScanFinding::decl(cfg),
        ScanReport::decl(cfg),
        LocalBuild::decl(cfg),
        LayerState::decl(cfg),
        PushEvent::decl(cfg),
        PushProgress::decl(cfg),
        PushOutcome::decl(cfg),
        ResourceKind::decl(cfg),
        Action::decl(cfg),
        FieldChange::decl(cfg),
        PlanStep::decl(cfg),
        Plan::decl(cfg),
        CostLine::decl(cfg),
        CostEstimate::decl(cfg),
        ServicePlan::decl(cfg),
        DeploymentInfo::decl(cfg),
        ContainerInfo::decl(cfg),
        TaskInfo::decl(cfg),
        TargetInfo::decl(cfg),
        ServiceEvent::decl(cfg),
        ServiceHealth::decl(cfg),
        RolloutUpdate::decl(cfg),
        ApplyEvent::decl(cfg),
        StepFailure::decl(cfg),
        ApplyReport::decl(cfg),
        DeployEvent::decl(cfg),
        DeployOutcome::decl(cfg),
        DestroyPlan::decl(cfg),
        DestroyOutcome::decl(cfg),
        BuildspecSummary::decl(cfg),
        BuildspecInfo::decl(cfg),
        PipelinePlan::decl(cfg),
        PipelineOutcome::decl(cfg),
        PipelineDestroyOutcome::decl(cfg),
        PipelineRun::decl(cfg),
        NodeState::decl(cfg),
        ActionKind::decl(cfg),
        BuildPhase::decl(cfg),
        BuildInfo::decl(cfg),
        ActionView::decl(cfg),
        StageView::decl(cfg),
        FailureKind::decl(cfg),
        DeployFacts::decl(cfg),
        Failure::decl(cfg),
        RunView::decl(cfg),
        BuildLogLine::decl(cfg),
        LogPage::decl(cfg),
        DiagnosisCode::decl(cfg),
        DiagnosisLevel::decl(cfg),
        EvidenceItem::decl(cfg),
        Diagnosis::decl(cfg),
        Activity::decl(cfg),
        MonitorUpdate::decl(cfg),
        Milestone::decl(cfg),
        MonitorEvent::decl(cfg),
        ProbeSample::decl(cfg),
        DowntimeReport::decl(cfg),
        MetricSeries::decl(cfg),
        MissingReason::decl(cfg),
        ServiceMetrics::decl(cfg),
        Text::decl(cfg),
        LabKind::decl(cfg),
        Choice::decl(cfg),
        Check::decl(cfg),
        LabStep::decl(cfg),
        Concept::decl(cfg),
        Lab::decl(cfg),
        LabStatus::decl(cfg),
        CheckResult::decl(cfg),
        StepCheck::decl(cfg),
        CliCommand::decl(cfg),
        Experiment::decl(cfg),
        LoadTarget::decl(cfg),
        LoadSample::decl(cfg),
        StatusCount::decl(cfg),
        LoadReport::decl(cfg),
        BadDeploy::decl(cfg),
    ]
}

/// A Rust argument's name as the UI passes it (Tauri names command arguments in camelCase).
pub fn camel(snake: &str) -> String {
    let mut out = String::new();
    let mut upper = false;
    for c in snake.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// The whole bindings file.
pub fn render() -> String {
    let cfg = Config::new().with_large_int("number");
    let mut out = String::from(
        "// Generated by Slipway from its Rust types (src-tauri/src/bindings.rs, ts-rs). Do not edit:\n\
         // run `scripts/gen-bindings` after changing a command or a type that crosses IPC.\n\
         /* eslint-disable */\n\
         import { invoke, Channel } from \"@tauri-apps/api/core\";\n\n",
    );
    for decl in type_decls(&cfg) {
        out.push_str("export ");
        out.push_str(decl.trim());
        out.push_str("\n\n");
    }
    out.push_str("/** Every command rejects with an ErrorBody. */\n");
    for c in command_sigs(&cfg) {
        let params = c
            .args
            .iter()
            .map(|(n, t)| format!("{}: {t}", camel(n)))
            .collect::<Vec<_>>()
            .join(", ");
        let payload = if c.args.is_empty() {
            String::new()
        } else {
            format!(
                ", {{ {} }}",
                c.args
                    .iter()
                    .map(|(n, _)| camel(n))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        out.push_str(&format!(
            "export function {}({params}): Promise<{}> {{ return invoke(\"{}\"{payload}); }}\n",
            camel(c.name),
            c.returns,
            c.name
        ));
    }
    out.push_str("export { Channel };\n");
    out
}
