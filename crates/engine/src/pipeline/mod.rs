//! Step 5 as operations: the pipeline is more resources in the same spec → observe → plan →
//! apply → destroy mechanism as the service (`deploy`), plus what only a pipeline has: the S3
//! source's archive, the buildspec check before anything is created, a GitHub connection that
//! waits for the person's approval, and starting and listing runs.

pub mod runs;
pub mod source;
pub mod view;

use crate::apply::{ApplyEvent, ApplyReport};
use crate::deploy::{apply_change, destroy_plan, observe_all, tagged_leftovers, PlannedChange};
use slipway_aws::Connection;
use slipway_core::buildspec::{check as check_buildspec, container_name};
use slipway_core::journal::RunLog;
use slipway_core::plan::pipeline::{
    every_possible_pipeline_resource, pipeline_resources, PipelineContext, PipelineNames,
};
use slipway_core::plan::service::{service_resources, ServiceContext, ServiceNames};
use slipway_core::plan::{plan, Action, Desired, Observed, ResourceKind};
use slipway_core::spec::{PipelineSpec, ProjectSpec, SourceSpec, BUILDSPEC_FILE};
use slipway_core::{ErrorBody, ErrorCode};
use slipway_docker::CancellationToken;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Where Slipway keeps source archives between a plan and its apply.
pub fn scratch_dir() -> PathBuf {
    std::env::temp_dir().join("slipway-sources")
}

/// The spec's pipeline section, or what to add when there is none.
pub fn pipeline_of(spec: &ProjectSpec) -> Result<&PipelineSpec, ErrorBody> {
    spec.pipeline.as_ref().ok_or_else(|| {
        ErrorBody::new(
            ErrorCode::SpecInvalid,
            "slipway.toml has no [pipeline] section, so there is no pipeline to plan.",
            "Add one, for example:\n[pipeline.source]\nkind = \"s3\"\n(or kind = \"github\" with connection, repository and branch).",
        )
    })
}

async fn account(conn: &Connection) -> Result<String, ErrorBody> {
    Ok(conn.identity().await.map_err(ErrorBody::from)?.account)
}

/// Checks buildspec.yml in the project folder, if there is one; a git source needs one there
/// (committed), an S3 source gets Slipway's in its archive when there is none.
pub fn check_project_buildspec(dir: &Path, spec: &ProjectSpec) -> Result<(), ErrorBody> {
    let path = dir.join(BUILDSPEC_FILE);
    match std::fs::read_to_string(&path) {
        Ok(text) => check_buildspec(&text, &container_name(spec)).map(|_| ()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => match spec.pipeline.as_ref().map(|p| &p.source) {
            Some(SourceSpec::S3 { .. }) | None => Ok(()),
            Some(_) => Err(ErrorBody::new(
                ErrorCode::BuildspecInvalid,
                format!("{} has no {BUILDSPEC_FILE}: CodeBuild would have nothing to run.", dir.display()),
                "Write it with `slipway pipeline buildspec --write`, then commit and push it to the branch the pipeline builds.",
            )),
        },
        Err(e) => Err(ErrorBody::new(
            ErrorCode::PathNotFound,
            format!("Cannot read {}: {e}", path.display()),
            "Check that the file is readable.",
        )),
    }
}

/// The step-4 service the pipeline deploys to, found by name; `None` when it is not deployed.
/// Also returns its URL (the load balancer), for the smoke test.
async fn find_service(
    conn: &Connection,
    spec: &ProjectSpec,
) -> Result<(Option<Observed>, Option<String>), ErrorBody> {
    let ctx = ServiceContext {
        region: conn.region.clone(),
        image: String::new(),
    };
    let wanted: Vec<Desired> = service_resources(spec, &ctx)
        .into_iter()
        .filter(|d| matches!(d.key.as_str(), "alb" | "cluster" | "service"))
        .collect();
    let found = observe_all(conn, &wanted).await?;
    let url = found
        .get("alb")
        .and_then(|o| o.outputs.get("dns_name"))
        .and_then(|d| d.as_str())
        .map(|d| crate::deploy::service_url(spec, d));
    Ok((found.get("service").cloned(), url))
}

/// Plans the project's pipeline against what exists: what to create, change, keep or remove.
/// For an S3 source the project folder is zipped now (into `scratch`), so the plan knows
/// whether there is new code to upload.
pub async fn plan_pipeline(
    conn: &Connection,
    spec: &ProjectSpec,
    dir: &Path,
    scratch: &Path,
) -> Result<PlannedChange, ErrorBody> {
    if let Some(p) = spec.problems().first() {
        return Err(ErrorBody::new(
            ErrorCode::SpecInvalid,
            format!("slipway.toml: {}: {}", p.field, p.message),
            format!("Correct {} in slipway.toml.", p.field),
        ));
    }
    let p = pipeline_of(spec)?;
    if conn.practice && matches!(p.source, SourceSpec::Github { .. }) {
        return Err(ErrorBody::new(
            ErrorCode::PracticeUnsupported,
            "The practice emulator has no CodeConnections API, so a GitHub source cannot be wired in practice mode.",
            "Use [pipeline.source] kind = \"s3\" to practise (Slipway uploads the folder), or connect a real AWS profile for GitHub.",
        ));
    }
    check_project_buildspec(dir, spec)?;
    let (service, service_url) = find_service(conn, spec).await?;
    if service.is_none() {
        let n = ServiceNames::for_app(&spec.app.name);
        return Err(ErrorBody::new(
            ErrorCode::ServiceNotDeployed,
            format!(
                "The pipeline deploys to the ECS service {} in cluster {}, which does not exist in {} ({}).",
                n.service, n.cluster, conn.region, conn.profile
            ),
            "Deploy the service first (step 4: `slipway apply`), then plan the pipeline.",
        ));
    }
    let archive = match p.source {
        SourceSpec::S3 { .. } => Some(source::zip_source(dir, spec, scratch)?),
        _ => None,
    };
    let ctx = PipelineContext {
        region: conn.region.clone(),
        account: account(conn).await?,
        service_url,
        source_archive: archive,
    };
    let wanted = pipeline_resources(spec, &ctx);
    let universe = every_possible_pipeline_resource(spec, &ctx);
    let mut observed = observe_all(conn, &universe).await?;
    let project = &spec.app.name;
    let wanted_keys: Vec<&str> = wanted.iter().map(|w| w.key.as_str()).collect();
    let leftovers: Vec<Observed> = universe
        .iter()
        .rev()
        .filter(|u| !wanted_keys.contains(&u.key.as_str()))
        .filter_map(|u| observed.get(&u.key))
        .filter(|o| o.owned_by(project))
        .cloned()
        .collect();
    let planned = plan(project, &wanted, &observed, &leftovers);
    let mut desired: BTreeMap<String, Desired> =
        wanted.into_iter().map(|d| (d.key.clone(), d)).collect();
    for l in &leftovers {
        if let Some(u) = universe.iter().find(|u| u.key == l.key) {
            desired.entry(l.key.clone()).or_insert_with(|| u.clone());
        }
    }
    observed.retain(|k, _| desired.contains_key(k));
    Ok(PlannedChange {
        plan: planned,
        desired,
        observed,
    })
}

/// The pipeline's resources to look for when destroying (no archive is made).
pub(crate) async fn destroy_universe(
    conn: &Connection,
    spec: &ProjectSpec,
) -> Result<Vec<Desired>, ErrorBody> {
    let ctx = PipelineContext {
        region: conn.region.clone(),
        account: account(conn).await?,
        service_url: None,
        source_archive: None,
    };
    Ok(every_possible_pipeline_resource(spec, &ctx))
}

/// What pipeline destroy will remove (the service stays).
pub async fn plan_pipeline_destroy(
    conn: &Connection,
    log: &dyn RunLog,
    spec: &ProjectSpec,
) -> Result<PlannedChange, ErrorBody> {
    let universe = destroy_universe(conn, spec).await?;
    destroy_plan(conn, log, spec, &universe, false).await
}

/// A GitHub connection that is not usable yet, explained: `None` when there is none or it is
/// AVAILABLE.
pub fn connection_notice(conn: &Connection, connection: Option<&Observed>) -> Option<ErrorBody> {
    let c = connection?;
    let status = c
        .outputs
        .get("status")
        .and_then(|s| s.as_str())
        .unwrap_or("UNKNOWN");
    if status == "AVAILABLE" {
        return None;
    }
    let link = format!(
        "https://console.aws.amazon.com/codesuite/settings/connections?region={}",
        conn.region
    );
    Some(if status == "PENDING" {
        ErrorBody::new(
            ErrorCode::ConnectionPending,
            format!("The GitHub connection {} is waiting for your approval (PENDING): until then the pipeline cannot read the repository.", c.name),
            format!("Open {link}, choose {}, then \"Update pending connection\" and install or pick the AWS Connector for GitHub app. AWS offers no API for this one step; run `slipway pipeline status` afterwards to check it is AVAILABLE.", c.name),
        )
    } else {
        ErrorBody::new(
            ErrorCode::ConnectionPending,
            format!("The GitHub connection {} is {status}: the pipeline cannot read the repository.", c.name),
            format!("Open {link} and look at {}: a connection in ERROR must be deleted and created again (`slipway pipeline destroy`, then apply).", c.name),
        )
    })
}

/// The end of a pipeline apply.
#[derive(Debug, Clone, PartialEq, serde::Serialize, ts_rs::TS)]
pub struct PipelineOutcome {
    pub report: ApplyReport,
    /// A run Slipway started because new source was uploaded to an existing pipeline.
    pub started_run: Option<String>,
    /// The GitHub connection still needs the person (approve it in the console).
    pub connection: Option<ErrorBody>,
    pub cost: slipway_core::cost::CostEstimate,
}

/// Applies a planned pipeline change. When the S3 source's archive changed and the pipeline
/// already existed, a run is started (the S3 source does not poll; a new pipeline starts its
/// first run by itself on AWS).
pub async fn apply_pipeline(
    conn: &Connection,
    log: &dyn RunLog,
    spec: &ProjectSpec,
    change: &PlannedChange,
    concurrency: usize,
    cancel: &CancellationToken,
    on_event: impl FnMut(ApplyEvent),
) -> PipelineOutcome {
    let project = spec.app.name.clone();
    let report = apply_change(conn, log, &project, change, concurrency, cancel, on_event).await;
    let cost = slipway_core::cost::pipeline_cost_for(spec, &conn.region);
    let mut outcome = PipelineOutcome {
        report,
        started_run: None,
        connection: None,
        cost,
    };
    if !outcome.report.succeeded() {
        return outcome;
    }
    let source_changed = change
        .plan
        .step("source")
        .is_some_and(|s| matches!(s.action, Action::Create | Action::Update));
    let pipeline_existed = change
        .plan
        .step("pipeline")
        .is_some_and(|s| matches!(s.action, Action::Keep | Action::Update));
    if source_changed && pipeline_existed {
        match runs::start(conn, spec).await {
            Ok(id) => outcome.started_run = Some(id),
            Err(e) => tracing::warn!(error = %e.message, "could not start a run after the upload"),
        }
    }
    if let Some(want) = change.desired.get("connection") {
        if let Ok(Some(c)) = slipway_aws::resources::observe(conn, want, None).await {
            outcome.connection = connection_notice(conn, Some(&c));
        }
    }
    outcome
}

/// Destroys what `plan_pipeline_destroy` found, then looks again; returns the report and what
/// of the pipeline is left (by name, or still tagged).
#[allow(clippy::too_many_arguments)]
pub async fn destroy_pipeline(
    conn: &Connection,
    log: &dyn RunLog,
    spec: &ProjectSpec,
    change: &PlannedChange,
    concurrency: usize,
    cancel: &CancellationToken,
    on_event: impl FnMut(ApplyEvent),
) -> Result<(ApplyReport, Vec<String>), ErrorBody> {
    let project = spec.app.name.clone();
    let ctx = crate::apply::ApplyContext {
        conn,
        log,
        project: &project,
        concurrency,
    };
    let report = crate::apply::apply(
        &ctx,
        "destroy",
        &change.plan,
        &change.desired,
        &change.observed,
        cancel,
        on_event,
    )
    .await;
    let again = plan_pipeline_destroy(conn, log, spec).await?;
    let mut left: Vec<String> = again.observed.values().map(|o| o.id.clone()).collect();
    let n = PipelineNames::for_app(&project, &account(conn).await?, &conn.region);
    for arn in tagged_leftovers(conn, &project).await? {
        let pipelines = arn.contains(&n.bucket)
            || arn.contains(&n.build_log_group)
            || arn.contains(&n.smoke_log_group)
            || arn.contains(":codebuild:")
            || arn.contains(":codepipeline:")
            || arn.contains(":codeconnections:")
            || arn.contains(":codestar-connections:");
        if pipelines
            && !left
                .iter()
                .any(|l| arn.starts_with(l.as_str()) || l == &arn)
        {
            left.push(arn);
        }
    }
    Ok((report, left))
}

/// The kinds the pipeline adds to the graph (for the UI's grouping and the tests).
pub const PIPELINE_KINDS: &[ResourceKind] = &[
    ResourceKind::Bucket,
    ResourceKind::SourceObject,
    ResourceKind::SourceConnection,
    ResourceKind::BuildProject,
    ResourceKind::Pipeline,
];

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn connection(status: &str) -> Observed {
        Observed {
            key: "connection".into(),
            kind: ResourceKind::SourceConnection,
            name: "octo".into(),
            id: "arn:aws:codeconnections:eu-west-1:1:connection/x".into(),
            props: json!({"provider": "GitHub"}),
            outputs: BTreeMap::from([("status".to_string(), json!(status))]),
            tags: BTreeMap::new(),
        }
    }

    fn conn() -> Connection {
        Connection::practice(
            &slipway_core::connection::PracticeStack::from_env(),
            Some("eu-west-1".into()),
            std::sync::Arc::new(slipway_core::journal::MemoryJournal::default()),
        )
    }

    #[test]
    fn a_pending_connection_says_where_to_approve_it() {
        let e = connection_notice(&conn(), Some(&connection("PENDING"))).unwrap();
        assert_eq!(e.code, ErrorCode::ConnectionPending);
        assert!(
            e.message.contains("octo") && e.message.contains("PENDING"),
            "{}",
            e.message
        );
        assert!(
            e.hint.contains("connections?region=eu-west-1"),
            "{}",
            e.hint
        );
        assert!(e.hint.contains("Update pending connection"), "{}", e.hint);
        let e = connection_notice(&conn(), Some(&connection("ERROR"))).unwrap();
        assert!(e.hint.contains("created again"), "{}", e.hint);
        assert_eq!(
            connection_notice(&conn(), Some(&connection("AVAILABLE"))),
            None
        );
        assert_eq!(connection_notice(&conn(), None), None);
    }

    #[test]
    fn a_git_source_needs_its_buildspec_in_the_folder_and_an_s3_source_does_not() {
        let dir = tempfile::tempdir().unwrap();
        let spec = |source: &str| {
            ProjectSpec::parse(&format!(
                "[app]\nname = \"shop\"\nport = 8080\n[pipeline.source]\n{source}"
            ))
            .unwrap()
        };
        check_project_buildspec(dir.path(), &spec("kind = \"s3\"\n")).unwrap();
        let err = check_project_buildspec(
            dir.path(),
            &spec("kind = \"codecommit\"\nrepository = \"shop\"\n"),
        )
        .unwrap_err();
        assert_eq!(err.code, ErrorCode::BuildspecInvalid);
        assert!(err.hint.contains("--write"), "{}", err.hint);
    }
}
