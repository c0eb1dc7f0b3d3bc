//! Step 4 as operations: observe what exists for a project, plan the service against its spec,
//! apply the plan, and destroy everything the project owns. The same functions serve step 5
//! (the pipeline's resources are more of the same graph).

use crate::apply::{apply, kind_name, ApplyContext, ApplyEvent, ApplyReport};
use slipway_aws::Connection;
use slipway_core::journal::RunLog;
use slipway_core::plan::service::{service_resources, ServiceContext, ServiceNames};
use slipway_core::plan::{
    plan, resource::resolve, Action, Desired, Observed, Outputs, Plan, PlanStep,
};
use slipway_core::spec::{AutoscalingSpec, ProjectSpec};
use slipway_core::{ErrorBody, ErrorCode};
use slipway_docker::CancellationToken;
use std::collections::BTreeMap;

/// A plan with what it was made from, ready to apply.
#[derive(Debug, Clone)]
pub struct PlannedChange {
    pub plan: Plan,
    pub desired: BTreeMap<String, Desired>,
    pub observed: BTreeMap<String, Observed>,
}

/// Observes each resource of `wanted` (in order, resolving locating properties as outputs
/// become known) and returns what exists, by key.
pub async fn observe_all(
    conn: &Connection,
    wanted: &[Desired],
) -> Result<BTreeMap<String, Observed>, ErrorBody> {
    let mut outputs = Outputs::new();
    let mut found = BTreeMap::new();
    for want in wanted {
        let located = resolve(&want.props, &outputs).ok();
        let partial = located.or_else(|| {
            // Resolve what can be (a listener's load balancer may be known even if its target
            // group is not).
            want.props.as_object().map(|m| {
                serde_json::Value::Object(
                    m.iter()
                        .filter_map(|(k, v)| resolve(v, &outputs).ok().map(|r| (k.clone(), r)))
                        .collect(),
                )
            })
        });
        if let Some(o) = slipway_aws::resources::observe(conn, want, partial.as_ref()).await? {
            outputs.insert(want.key.clone(), o.outputs.clone());
            found.insert(want.key.clone(), o);
        }
    }
    Ok(found)
}

/// Every resource a project's service could have (HTTPS, a task role, auto scaling all on), so
/// that ones the spec no longer wants are found and removed.
pub fn every_possible_resource(spec: &ProjectSpec, ctx: &ServiceContext) -> Vec<Desired> {
    let mut all = spec.clone();
    if all.service.certificate_arn.is_none() {
        all.service.certificate_arn = Some("arn:aws:acm:any:0:certificate/any".into());
    }
    all.service.task_role = true;
    if all.service.autoscaling.is_none() {
        all.service.autoscaling = Some(AutoscalingSpec {
            min: 1,
            max: 1,
            cpu_target: 50,
        });
    }
    service_resources(&all, ctx)
}

/// The image the service should run: the one asked for, or the newest tag in the project's
/// ECR repository.
pub async fn resolve_image(
    conn: &Connection,
    spec: &ProjectSpec,
    image: Option<&str>,
) -> Result<String, ErrorBody> {
    if let Some(i) = image.filter(|i| !i.trim().is_empty()) {
        return Ok(i.to_string());
    }
    let repo = spec.image.repository_name(&spec.app.name);
    let found = slipway_aws::ecr::find_repository(conn, &repo).await?;
    let Some(found) = found else {
        return Err(ErrorBody::new(
            ErrorCode::ImageNotFound,
            format!("There is no ECR repository {repo} yet, so there is no image to run."),
            "Push an image first (step 3, or `slipway push`).",
        ));
    };
    let images = slipway_aws::ecr::list_images(conn, &repo).await?;
    let newest = images.iter().find_map(|i| {
        i.tags
            .iter()
            .find(|t| *t != "latest")
            .or(i.tags.first())
            .cloned()
    });
    match newest {
        Some(tag) => Ok(format!("{}:{tag}", found.uri)),
        None => Err(ErrorBody::new(
            ErrorCode::ImageNotFound,
            format!("{repo} has no tagged image yet."),
            "Push an image first (step 3, or `slipway push`).",
        )),
    }
}

/// Plans the project's service: what to create, change, keep or remove.
pub async fn plan_service(
    conn: &Connection,
    spec: &ProjectSpec,
    image: &str,
) -> Result<PlannedChange, ErrorBody> {
    if let Some(p) = spec.problems().first() {
        return Err(ErrorBody::new(
            ErrorCode::SpecInvalid,
            format!("slipway.toml: {}: {}", p.field, p.message),
            format!("Correct {} in slipway.toml.", p.field),
        ));
    }
    let ctx = ServiceContext {
        region: conn.region.clone(),
        image: image.to_string(),
    };
    let wanted = service_resources(spec, &ctx);
    let universe = every_possible_resource(spec, &ctx);
    let mut observed = observe_all(conn, &universe).await?;
    let project = &spec.app.name;
    // Resources of the universe that exist, are the project's and are no longer wanted.
    let wanted_keys: Vec<&str> = wanted.iter().map(|w| w.key.as_str()).collect();
    let leftovers: Vec<Observed> = universe
        .iter()
        .rev()
        .filter(|u| !wanted_keys.contains(&u.key.as_str()))
        .filter_map(|u| observed.get(&u.key))
        .filter(|o| {
            o.owned_by(project)
                || o.kind == slipway_core::plan::ResourceKind::ScalingPolicy
                || o.kind == slipway_core::plan::ResourceKind::ScalableTarget
        })
        .cloned()
        .collect();
    let p = plan(project, &wanted, &observed, &leftovers);
    let mut desired: BTreeMap<String, Desired> =
        wanted.into_iter().map(|d| (d.key.clone(), d)).collect();
    for l in &leftovers {
        if let Some(u) = universe.iter().find(|u| u.key == l.key) {
            desired.entry(l.key.clone()).or_insert_with(|| u.clone());
        }
    }
    observed.retain(|k, _| desired.contains_key(k));
    Ok(PlannedChange {
        plan: p,
        desired,
        observed,
    })
}

/// Applies a planned change.
pub async fn apply_change(
    conn: &Connection,
    log: &dyn RunLog,
    project: &str,
    change: &PlannedChange,
    concurrency: usize,
    cancel: &CancellationToken,
    on_event: impl FnMut(ApplyEvent),
) -> ApplyReport {
    let ctx = ApplyContext {
        conn,
        log,
        project,
        concurrency,
    };
    apply(
        &ctx,
        "apply",
        &change.plan,
        &change.desired,
        &change.observed,
        cancel,
        on_event,
    )
    .await
}

/// What destroy found and will remove, dependents first: the service and, when there is one,
/// the pipeline that deploys to it.
pub async fn plan_destroy(
    conn: &Connection,
    log: &dyn RunLog,
    spec: &ProjectSpec,
    keep_logs: bool,
) -> Result<PlannedChange, ErrorBody> {
    let ctx = ServiceContext {
        region: conn.region.clone(),
        image: String::new(),
    };
    let mut universe = every_possible_resource(spec, &ctx);
    universe.extend(crate::pipeline::destroy_universe(conn, spec).await?);
    destroy_plan(conn, log, spec, &universe, keep_logs).await
}

/// The delete steps for what of `universe` exists and is the project's (its tag, or the run
/// log's memory of creating it), each after everything that depends on it.
pub(crate) async fn destroy_plan(
    conn: &Connection,
    log: &dyn RunLog,
    spec: &ProjectSpec,
    universe: &[Desired],
    keep_logs: bool,
) -> Result<PlannedChange, ErrorBody> {
    let project = &spec.app.name;
    let mut observed = observe_all(conn, universe).await?;
    // Revisions an interrupted destroy deregistered but did not delete are still the
    // project's: finish deleting them.
    for want in universe {
        if want.kind == slipway_core::plan::ResourceKind::TaskDefinition
            && !observed.contains_key(&want.key)
        {
            if let Some(o) = slipway_aws::resources::observe_deregistered_taskdef(conn, want)
                .await
                .map_err(ErrorBody::from)?
            {
                observed.insert(want.key.clone(), o);
            }
        }
    }
    let remembered = log.owned_by(project, &conn.profile, &conn.region);
    let mut steps = Vec::new();
    let mut desired = BTreeMap::new();
    let mut found = BTreeMap::new();
    for want in universe.iter().rev() {
        let Some(o) = observed.get(&want.key) else {
            continue;
        };
        if want.data {
            continue;
        }
        // Only what is the project's: its tag, or the run log's memory of creating it.
        let ours = o.owned_by(project)
            || remembered
                .iter()
                .any(|r| r.id == o.id || (r.key == o.key && r.kind == kind_name(o.kind)))
            || matches!(
                o.kind,
                slipway_core::plan::ResourceKind::ScalingPolicy
                    | slipway_core::plan::ResourceKind::ScalableTarget
                    // An object carries no tag; it is in the project's own bucket.
                    | slipway_core::plan::ResourceKind::SourceObject
            );
        if !ours {
            continue;
        }
        if keep_logs && o.kind == slipway_core::plan::ResourceKind::LogGroup {
            continue;
        }
        steps.push(PlanStep {
            key: o.key.clone(),
            kind: o.kind,
            name: o.name.clone(),
            action: Action::Delete,
            reason: "belongs to the project".into(),
            purpose: want.purpose.clone(),
            changes: Vec::new(),
            calls: slipway_core::plan::diff::calls(o.kind, Action::Delete),
            // A resource goes after everything that depends on it.
            deps: universe
                .iter()
                .filter(|u| u.deps.contains(&want.key))
                .map(|u| u.key.clone())
                .collect(),
            id: Some(o.id.clone()),
        });
        desired.insert(want.key.clone(), want.clone());
        found.insert(o.key.clone(), o.clone());
    }
    let critical_path = slipway_core::plan::diff::critical_path(&steps);
    Ok(PlannedChange {
        plan: Plan {
            project: project.clone(),
            steps,
            critical_path,
        },
        desired,
        observed: found,
    })
}

/// The names of the project's service resources (for the health map and lab checks).
pub fn names(spec: &ProjectSpec) -> ServiceNames {
    ServiceNames::for_app(&spec.app.name)
}

/// Resources that still carry the project's tag (Resource Groups Tagging API), leaving out ECS
/// clusters and services that are only INACTIVE records of deleted ones.
pub async fn tagged_leftovers(conn: &Connection, project: &str) -> Result<Vec<String>, ErrorBody> {
    let mut arns = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let out = conn
            .tagging()
            .get_resources()
            .tag_filters(
                aws_sdk_resourcegroupstagging::types::TagFilter::builder()
                    .key(slipway_core::plan::PROJECT_TAG)
                    .values(project)
                    .build(),
            )
            .set_pagination_token(token.clone())
            .send()
            .await
            .map_err(|e| ErrorBody::from(conn.fail("Tagging", "GetResources")(e)))?;
        arns.extend(
            out.resource_tag_mapping_list()
                .iter()
                .filter_map(|m| m.resource_arn().map(str::to_string)),
        );
        token = out
            .pagination_token()
            .filter(|t| !t.is_empty())
            .map(str::to_string);
        if token.is_none() {
            break;
        }
    }
    let mut left = Vec::new();
    for arn in arns {
        let alive = if arn.contains(":ecs:") && arn.contains(":cluster/") {
            let out = conn
                .ecs()
                .describe_clusters()
                .clusters(&arn)
                .send()
                .await
                .map_err(|e| ErrorBody::from(conn.fail("ECS", "DescribeClusters")(e)))?;
            out.clusters().iter().any(|c| c.status() == Some("ACTIVE"))
        } else if arn.contains(":ecs:") && arn.contains(":service/") {
            let cluster = arn.rsplit('/').nth(1).unwrap_or_default().to_string();
            match conn
                .ecs()
                .describe_services()
                .cluster(&cluster)
                .services(&arn)
                .send()
                .await
            {
                Ok(out) => out
                    .services()
                    .iter()
                    .any(|s| s.status() == Some("ACTIVE") || s.status() == Some("DRAINING")),
                Err(_) => false,
            }
        } else {
            true
        };
        if alive {
            left.push(arn);
        }
    }
    Ok(left)
}

/// What `deploy` reports: each step of the apply, then each look at the rollout.
#[derive(Debug, Clone, PartialEq, serde::Serialize, ts_rs::TS)]
#[serde(tag = "phase", rename_all = "snake_case")]
pub enum DeployEvent {
    Apply {
        event: ApplyEvent,
    },
    Rollout {
        update: crate::rollout::RolloutUpdate,
    },
}

/// The end of a deploy.
#[derive(Debug, Clone, PartialEq, serde::Serialize, ts_rs::TS)]
pub struct DeployOutcome {
    pub report: ApplyReport,
    /// Where the app answers, once the load balancer exists.
    pub url: Option<String>,
    /// The service once steady (or as last seen).
    pub health: Option<slipway_core::health::ServiceHealth>,
    /// Why the wait for steady state ended early, when it did.
    pub rollout_error: Option<ErrorBody>,
    pub cost: slipway_core::cost::CostEstimate,
}

/// The service's URL from the load balancer's DNS name (HTTPS with a certificate).
pub fn service_url(spec: &ProjectSpec, dns_name: &str) -> String {
    let scheme = if spec.service.certificate_arn.is_some() {
        "https"
    } else {
        "http"
    };
    format!("{scheme}://{dns_name}")
}

/// Applies the change and, when it succeeded and `wait` is set, waits until the service is
/// steady, reporting the rollout; returns the URL and what it costs.
#[allow(clippy::too_many_arguments)]
pub async fn deploy(
    conn: &Connection,
    log: &dyn RunLog,
    spec: &ProjectSpec,
    change: &PlannedChange,
    concurrency: usize,
    wait: Option<std::time::Duration>,
    cancel: &CancellationToken,
    mut on_event: impl FnMut(DeployEvent),
) -> DeployOutcome {
    let project = spec.app.name.clone();
    let report = apply_change(conn, log, &project, change, concurrency, cancel, |event| {
        on_event(DeployEvent::Apply { event })
    })
    .await;
    let cost = slipway_core::cost::service_cost(spec, &conn.region);
    let mut outcome = DeployOutcome {
        report,
        url: None,
        health: None,
        rollout_error: None,
        cost,
    };
    if !outcome.report.succeeded() {
        return outcome;
    }
    // What exists now: the load balancer's name and the target group to watch.
    let after = match plan_service(conn, spec, &image_of(change)).await {
        Ok(a) => a,
        Err(e) => {
            outcome.rollout_error = Some(e);
            return outcome;
        }
    };
    outcome.url = after
        .observed
        .get("alb")
        .and_then(|o| o.outputs.get("dns_name"))
        .and_then(|d| d.as_str())
        .map(|d| service_url(spec, d));
    let Some(timeout) = wait else { return outcome };
    let n = names(spec);
    let target = crate::rollout::ServiceRef {
        cluster: n.cluster,
        service: n.service,
        target_group: after.observed.get("tg").map(|o| o.id.clone()),
    };
    match crate::rollout::wait_steady(conn, &target, timeout, cancel, |u| {
        on_event(DeployEvent::Rollout { update: u.clone() })
    })
    .await
    {
        Ok(h) => outcome.health = Some(h),
        Err(e) => outcome.rollout_error = Some(e),
    }
    outcome
}

/// The image a planned change deploys.
pub fn image_of(change: &PlannedChange) -> String {
    change
        .desired
        .get("taskdef")
        .and_then(|d| d.props["container"]["image"].as_str())
        .unwrap_or_default()
        .to_string()
}

/// Destroys what `plan_destroy` found, then looks again; returns the report and what is left
/// of the project (by name, by tag, or in the run log), apart from a log group kept on purpose.
#[allow(clippy::too_many_arguments)]
pub async fn destroy(
    conn: &Connection,
    log: &dyn RunLog,
    spec: &ProjectSpec,
    change: &PlannedChange,
    keep_logs: bool,
    concurrency: usize,
    cancel: &CancellationToken,
    on_event: impl FnMut(ApplyEvent),
) -> Result<(ApplyReport, Vec<String>), ErrorBody> {
    let project = spec.app.name.clone();
    let ctx = ApplyContext {
        conn,
        log,
        project: &project,
        concurrency,
    };
    let report = apply(
        &ctx,
        "destroy",
        &change.plan,
        &change.desired,
        &change.observed,
        cancel,
        on_event,
    )
    .await;
    let again = plan_destroy(conn, log, spec, keep_logs).await?;
    let mut left: Vec<String> = again.observed.values().map(|o| o.id.clone()).collect();
    let log_group = names(spec).log_group;
    for arn in tagged_leftovers(conn, &project).await? {
        let kept = keep_logs && arn.contains(":log-group:") && arn.contains(&log_group);
        if !kept
            && !left
                .iter()
                .any(|l| arn.starts_with(l.as_str()) || l == &arn)
        {
            left.push(arn);
        }
    }
    Ok((report, left))
}

/// Where the project's service is: its cluster, its name and its target group (found by name).
pub async fn service_ref(
    conn: &Connection,
    spec: &ProjectSpec,
) -> Result<crate::rollout::ServiceRef, ErrorBody> {
    let n = names(spec);
    let tg = slipway_aws::resources::observe(
        conn,
        &Desired {
            key: "tg".into(),
            kind: slipway_core::plan::ResourceKind::TargetGroup,
            name: n.target_group.clone(),
            props: serde_json::json!({}),
            deps: Vec::new(),
            purpose: String::new(),
            data: false,
        },
        None,
    )
    .await?
    .map(|o| o.id);
    Ok(crate::rollout::ServiceRef {
        cluster: n.cluster,
        service: n.service,
        target_group: tg,
    })
}
