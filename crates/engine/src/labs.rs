//! Lab mode's checks: each reads the learner's real state (the Docker engine, the project's
//! files, ECR, ECS, ELB, Application Auto Scaling, CodePipeline, the tagging API) and says pass,
//! fail or not yet, with the facts it read. Nothing here creates or changes anything.

use bollard::Docker;
use slipway_aws::Connection;
use slipway_core::labs::{Check, CheckResult, LabStatus};
use slipway_core::lint::Severity;
use slipway_core::spec::ProjectSpec;
use slipway_core::{ErrorBody, ErrorCode};
use std::path::Path;

/// What a check may read. A check that needs something absent says so as its result (not yet /
/// fail with the reason), so a lab page can be checked top to bottom without errors.
pub struct LabContext<'a> {
    pub dir: &'a Path,
    pub spec: Option<&'a ProjectSpec>,
    pub docker: Option<&'a Docker>,
    pub conn: Option<&'a Connection>,
    pub now_ms: i64,
    /// The lab has created something (`Lab::created_something`): the clean-up passes only then,
    /// so it proves something was removed rather than that nothing was ever made.
    pub created: bool,
}

/// Runs one step's check. `answer` is the learner's choice for a question.
pub async fn run_check(ctx: &LabContext<'_>, check: &Check, answer: Option<u32>) -> CheckResult {
    let now = ctx.now_ms;
    let res = match check {
        Check::DockerEngine => docker_engine(ctx).await,
        Check::DockerfileClean => dockerfile_clean(ctx),
        Check::Question {
            choices,
            answer: right,
            ..
        } => Ok(match answer {
            None => CheckResult::new(LabStatus::NotYet, "Pick an answer.", now),
            Some(a) if a == *right => CheckResult::new(LabStatus::Pass, "Right.", now)
                .with("Answer", choices[a as usize].text.en.clone()),
            Some(a) if (a as usize) < choices.len() => CheckResult::new(
                LabStatus::Fail,
                "Not this one: read why and try again.",
                now,
            )
            .with("Answer", choices[a as usize].text.en.clone()),
            Some(a) => CheckResult::new(
                LabStatus::Fail,
                format!("There is no answer {a}: pick one of the {}.", choices.len()),
                now,
            ),
        }),
        other => match (ctx.spec, other) {
            (None, _) => Ok(CheckResult::new(
                LabStatus::NotYet,
                "The project has no slipway.toml yet: set it up in the Dockerfile step first.",
                now,
            )),
            (Some(spec), Check::ImageBuilt) => image_built(ctx, spec).await,
            (Some(spec), Check::ContainerAnswers) => container_answers(ctx, spec).await,
            (Some(spec), c) => match ctx.conn {
                None => Ok(CheckResult::new(
                    LabStatus::NotYet,
                    "Not connected to AWS: connect (or use practice mode) to check this step.",
                    now,
                )),
                Some(conn) => aws_check(conn, spec, ctx, c).await,
            },
        },
    };
    res.unwrap_or_else(|e| {
        // The check could not read what it needs: that is a fail with the reason, not a crash.
        CheckResult::new(LabStatus::Fail, e.message.clone(), now).with("Error", e.code.as_str())
    })
}

async fn docker_engine(ctx: &LabContext<'_>) -> Result<CheckResult, ErrorBody> {
    let Some(d) = ctx.docker else {
        return Ok(CheckResult::new(
            LabStatus::NotYet,
            "No Docker engine answers: install Docker and start it.",
            ctx.now_ms,
        ));
    };
    let v = d
        .version()
        .await
        .map_err(|e| ErrorBody::from(slipway_docker::DockerError::Engine(e)))?;
    Ok(
        CheckResult::new(LabStatus::Pass, "The Docker engine answers.", ctx.now_ms)
            .with("Engine", v.version.unwrap_or_default())
            .with("API", v.api_version.unwrap_or_default()),
    )
}

fn dockerfile_clean(ctx: &LabContext<'_>) -> Result<CheckResult, ErrorBody> {
    let path = ctx.dir.join("Dockerfile");
    let Ok(text) = std::fs::read_to_string(&path) else {
        return Ok(CheckResult::new(
            LabStatus::NotYet,
            "The project has no Dockerfile yet.",
            ctx.now_ms,
        ));
    };
    let findings = slipway_core::lint::lint(&text)?;
    let errors: Vec<_> = findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .collect();
    let warnings = findings
        .iter()
        .filter(|f| f.severity == Severity::Warning)
        .count();
    let r = if errors.is_empty() {
        CheckResult::new(
            LabStatus::Pass,
            "The Dockerfile lints without errors.",
            ctx.now_ms,
        )
    } else {
        CheckResult::new(
            LabStatus::Fail,
            format!(
                "The linter finds {} error(s) in the Dockerfile.",
                errors.len()
            ),
            ctx.now_ms,
        )
    };
    let mut r = r
        .with("Errors", errors.len().to_string())
        .with("Warnings", warnings.to_string());
    for e in errors.iter().take(3) {
        r = r.with(&e.rule, format!("line {}: {}", e.line, e.message));
    }
    Ok(r)
}

async fn image_built(ctx: &LabContext<'_>, spec: &ProjectSpec) -> Result<CheckResult, ErrorBody> {
    let Some(d) = ctx.docker else {
        return Ok(CheckResult::new(
            LabStatus::NotYet,
            "No Docker engine answers.",
            ctx.now_ms,
        ));
    };
    let builds = crate::local::local_builds(d, spec).await?;
    Ok(match builds.first() {
        None => CheckResult::new(
            LabStatus::NotYet,
            format!("No image of {} is built yet.", spec.app.name),
            ctx.now_ms,
        ),
        Some(b) => CheckResult::new(LabStatus::Pass, "The image is built.", ctx.now_ms)
            .with("Image", b.reference.clone())
            .with("Size", format!("{:.1} MB", b.size as f64 / 1e6))
            .with("Builds", builds.len().to_string()),
    })
}

async fn container_answers(
    ctx: &LabContext<'_>,
    spec: &ProjectSpec,
) -> Result<CheckResult, ErrorBody> {
    let Some(d) = ctx.docker else {
        return Ok(CheckResult::new(
            LabStatus::NotYet,
            "No Docker engine answers.",
            ctx.now_ms,
        ));
    };
    let Some(url) = crate::experiments::local_app_url(d, spec).await? else {
        return Ok(CheckResult::new(
            LabStatus::NotYet,
            "No container of the project is running: run it locally in step 2.",
            ctx.now_ms,
        ));
    };
    Ok(
        match slipway_docker::probe::get(&url, std::time::Duration::from_secs(3)).await {
            Ok(r) if r.status < 400 => {
                CheckResult::new(LabStatus::Pass, "The container answers.", ctx.now_ms)
                    .with("URL", url)
                    .with("Status", r.status.to_string())
                    .with("Latency", format!("{} ms", r.latency_ms))
            }
            Ok(r) => CheckResult::new(
                LabStatus::Fail,
                format!("The container answers {} on its health path.", r.status),
                ctx.now_ms,
            )
            .with("URL", url),
            Err(e) => CheckResult::new(
                LabStatus::Fail,
                format!("The container runs but does not answer: {e}"),
                ctx.now_ms,
            )
            .with("URL", url),
        },
    )
}

fn not_yet(what: impl Into<String>, now: i64) -> CheckResult {
    CheckResult::new(LabStatus::NotYet, what, now)
}

async fn aws_check(
    conn: &Connection,
    spec: &ProjectSpec,
    ctx: &LabContext<'_>,
    check: &Check,
) -> Result<CheckResult, ErrorBody> {
    let now = ctx.now_ms;
    let names = crate::deploy::names(spec);
    let repo_name = spec.image.repository_name(&spec.app.name);
    match check {
        Check::EcrRepository => Ok(
            match slipway_aws::ecr::find_repository(conn, &repo_name).await? {
                None => not_yet(format!("There is no repository {repo_name} yet."), now),
                Some(r) => {
                    let status = if r.scan_on_push {
                        LabStatus::Pass
                    } else {
                        LabStatus::Fail
                    };
                    let summary = if r.scan_on_push {
                        "The repository exists and scans images on push."
                    } else {
                        "The repository exists but does not scan on push: turn scan on push on."
                    };
                    CheckResult::new(status, summary, now)
                        .with("Repository", r.uri)
                        .with("Scan on push", r.scan_on_push.to_string())
                        .with("Encryption", format!("{:?}", r.encryption))
                }
            },
        ),
        Check::ImagePushed => {
            if slipway_aws::ecr::find_repository(conn, &repo_name)
                .await?
                .is_none()
            {
                return Ok(not_yet(
                    format!("There is no repository {repo_name} yet."),
                    now,
                ));
            }
            let local = match ctx.docker {
                Some(d) => crate::local::local_builds(d, spec).await?,
                None => Vec::new(),
            };
            let images = slipway_aws::ecr::list_images(conn, &repo_name).await?;
            let Some(newest) = local.first() else {
                return Ok(match images.first() {
                    Some(i) => CheckResult::new(
                        LabStatus::Pass,
                        "The repository has an image (no local build to compare it with).",
                        now,
                    )
                    .with("Tags", i.tags.join(", "))
                    .with("Digest", i.digest.clone()),
                    None => not_yet("The repository has no image yet.", now),
                });
            };
            Ok(match images.iter().find(|i| i.tags.contains(&newest.tag)) {
                Some(i) => CheckResult::new(
                    LabStatus::Pass,
                    "Your newest build's tag is in the repository.",
                    now,
                )
                .with("Tag", newest.tag.clone())
                .with("Digest", i.digest.clone())
                .with("Images in the repository", images.len().to_string()),
                None => not_yet(
                    format!(
                        "The tag {} of your newest build is not in the repository yet: push it.",
                        newest.tag
                    ),
                    now,
                )
                .with("Images in the repository", images.len().to_string()),
            })
        }
        Check::ClusterActive => Ok(
            match slipway_aws::ecs::find_cluster(conn, &names.cluster).await? {
                Some(c) if c.status == "ACTIVE" => {
                    CheckResult::new(LabStatus::Pass, "The cluster is ACTIVE.", now)
                        .with("Cluster", c.name)
                        .with("Services", c.active_services.to_string())
                        .with("Running tasks", c.running_tasks.to_string())
                }
                Some(c) => {
                    not_yet(format!("The cluster is {}.", c.status), now).with("Cluster", c.name)
                }
                None => not_yet(format!("There is no cluster {} yet.", names.cluster), now),
            },
        ),
        Check::TaskDefinitionFargate => {
            let out = conn
                .ecs()
                .describe_task_definition()
                .task_definition(&names.family)
                .send()
                .await;
            let Ok(out) = out else {
                return Ok(not_yet(
                    format!("No task definition {} is registered yet.", names.family),
                    now,
                ));
            };
            let Some(td) = out.task_definition() else {
                return Ok(not_yet("No task definition yet.", now));
            };
            let fargate = td
                .requires_compatibilities()
                .iter()
                .any(|c| c.as_str() == "FARGATE");
            let awsvpc = td.network_mode().map(|m| m.as_str()) == Some("awsvpc");
            let status = if fargate && awsvpc {
                LabStatus::Pass
            } else {
                LabStatus::Fail
            };
            Ok(CheckResult::new(
                status,
                if status == LabStatus::Pass {
                    "The task definition is for FARGATE with awsvpc networking."
                } else {
                    "The task definition is not set for FARGATE with awsvpc networking."
                },
                now,
            )
            .with(
                "Task definition",
                format!("{}:{}", td.family().unwrap_or_default(), td.revision()),
            )
            .with("Compatibilities", if fargate { "FARGATE" } else { "EC2" })
            .with(
                "Network mode",
                td.network_mode().map(|m| m.as_str()).unwrap_or("bridge"),
            )
            .with(
                "CPU / memory",
                format!(
                    "{} / {}",
                    td.cpu().unwrap_or("?"),
                    td.memory().unwrap_or("?")
                ),
            ))
        }
        Check::ServiceSteady | Check::TargetsHealthy { .. } => {
            let target = crate::deploy::service_ref(conn, spec).await?;
            let h = crate::rollout::look(conn, &target).await?;
            if h.status == "MISSING" {
                return Ok(not_yet(
                    format!("There is no service {} yet.", names.service),
                    now,
                ));
            }
            let rollout = h
                .primary()
                .and_then(|p| p.rollout_state.clone())
                .unwrap_or_default();
            if let Check::TargetsHealthy { min_zones } = check {
                let healthy: Vec<_> = h.targets.iter().filter(|t| t.state == "healthy").collect();
                let mut zones: Vec<String> = h
                    .tasks
                    .iter()
                    .filter(|t| {
                        t.private_ip
                            .as_ref()
                            .is_some_and(|ip| healthy.iter().any(|x| &x.id == ip))
                    })
                    .filter_map(|t| t.availability_zone.clone())
                    .collect();
                zones.sort();
                zones.dedup();
                let ok = !healthy.is_empty() && zones.len() as u32 >= *min_zones;
                let status = if ok {
                    LabStatus::Pass
                } else if h.targets.is_empty() {
                    LabStatus::NotYet
                } else {
                    LabStatus::Fail
                };
                return Ok(CheckResult::new(
                    status,
                    if ok {
                        format!("Healthy targets in {} zones.", zones.len())
                    } else {
                        format!(
                            "Healthy targets in {} zone(s); the lab asks for {min_zones}.",
                            zones.len()
                        )
                    },
                    now,
                )
                .with(
                    "Healthy targets",
                    format!("{} of {}", healthy.len(), h.targets.len()),
                )
                .with("Zones", zones.join(", ")));
            }
            let ok = h.running >= h.desired
                && h.desired > 0
                && rollout != "IN_PROGRESS"
                && rollout != "FAILED";
            let status = if ok {
                LabStatus::Pass
            } else if rollout == "FAILED" {
                LabStatus::Fail
            } else {
                LabStatus::NotYet
            };
            Ok(CheckResult::new(
                status,
                if ok {
                    "The service runs all its tasks and its rollout completed."
                } else {
                    "The service does not run all its tasks yet."
                },
                now,
            )
            .with("Tasks running", format!("{} of {}", h.running, h.desired))
            .with(
                "Rollout",
                if rollout.is_empty() {
                    "—".into()
                } else {
                    rollout
                },
            ))
        }
        Check::ScalingPolicy => {
            let out = conn
                .autoscaling()
                .describe_scaling_policies()
                .service_namespace(aws_sdk_applicationautoscaling::types::ServiceNamespace::Ecs)
                .resource_id(format!("service/{}/{}", names.cluster, names.service))
                .send()
                .await
                .map_err(conn.fail("Application Auto Scaling", "DescribeScalingPolicies"))?;
            Ok(match out.scaling_policies().first() {
                Some(p) => {
                    CheckResult::new(LabStatus::Pass, "The service has a scaling policy.", now)
                        .with("Policy", p.policy_name())
                        .with("Type", p.policy_type().as_str())
                        .with(
                            "Target",
                            p.target_tracking_scaling_policy_configuration()
                                .map(|c| format!("{}", c.target_value()))
                                .unwrap_or_default(),
                        )
                }
                None => not_yet(
                    "The service has no scaling policy: turn on [service.scaling].",
                    now,
                ),
            })
        }
        Check::RollingUpdate { min_healthy } => {
            let out = conn
                .ecs()
                .describe_services()
                .cluster(&names.cluster)
                .services(&names.service)
                .send()
                .await
                .map_err(conn.fail("ECS", "DescribeServices"))?;
            let Some(svc) = out
                .services()
                .iter()
                .find(|s| s.status() != Some("INACTIVE"))
            else {
                return Ok(not_yet(
                    format!("There is no service {} yet.", names.service),
                    now,
                ));
            };
            let dc = svc.deployment_configuration();
            let min = dc.and_then(|d| d.minimum_healthy_percent()).unwrap_or(100);
            let max = dc.and_then(|d| d.maximum_percent()).unwrap_or(200);
            let breaker = dc.and_then(|d| d.deployment_circuit_breaker());
            let rollback = breaker.is_some_and(|b| b.enable() && b.rollback());
            let ok = min as u32 >= *min_healthy && max > 100 && rollback;
            Ok(CheckResult::new(
                if ok { LabStatus::Pass } else { LabStatus::Fail },
                if ok {
                    "Rolling updates keep the service up and roll back on failure."
                } else {
                    "The rolling-update bounds or the circuit breaker are not as the lab asks."
                },
                now,
            )
            .with("minimumHealthyPercent", min.to_string())
            .with("maximumPercent", max.to_string())
            .with("Circuit breaker rollback", rollback.to_string()))
        }
        Check::PipelineStages { approval } => {
            let name = crate::pipeline::runs::name_of(conn, spec);
            let out = conn.codepipeline().get_pipeline().name(&name).send().await;
            let Ok(out) = out else {
                return Ok(not_yet(format!("There is no pipeline {name} yet."), now));
            };
            let stages: Vec<String> = out
                .pipeline()
                .map(|p| p.stages().iter().map(|s| s.name().to_string()).collect())
                .unwrap_or_default();
            let has = |s: &str| stages.iter().any(|x| x == s);
            let ok = has("Source")
                && has("Build")
                && has("Deploy")
                && (!approval || has("Approve") || has("Approval"));
            Ok(CheckResult::new(
                if ok { LabStatus::Pass } else { LabStatus::Fail },
                if ok {
                    "The pipeline has the stages the lab asks for."
                } else if *approval {
                    "The pipeline lacks a stage: the lab asks for Source, Build, an approval and Deploy."
                } else {
                    "The pipeline lacks a stage: the lab asks for Source, Build and Deploy."
                },
                now,
            )
            .with("Pipeline", name)
            .with("Stages", stages.join(" → ")))
        }
        Check::PipelineRunSucceeded => {
            let runs = match crate::pipeline::runs::list(conn, spec, 5).await {
                Ok(r) => r,
                Err(e) if e.code == ErrorCode::InvalidInput => {
                    return Ok(not_yet("There is no pipeline yet.", now))
                }
                Err(e) => return Err(e),
            };
            Ok(match runs.first() {
                None => not_yet("The pipeline has not run yet: start a run.", now),
                Some(r) => {
                    let status = match r.status.as_str() {
                        "Succeeded" => LabStatus::Pass,
                        "InProgress" | "Stopping" => LabStatus::NotYet,
                        _ => LabStatus::Fail,
                    };
                    CheckResult::new(status, format!("The latest run is {}.", r.status), now)
                        .with("Run", r.id.clone())
                        .with("Status", r.status.clone())
                }
            })
        }
        Check::NothingLeft => {
            if !ctx.created {
                return Ok(not_yet(
                    "Nothing to clean up yet: this step counts once the lab has created something in AWS (an earlier step has passed).",
                    now,
                ));
            }
            let left = crate::deploy::tagged_leftovers(conn, &spec.app.name).await?;
            Ok(if left.is_empty() {
                CheckResult::new(
                    LabStatus::Pass,
                    "Nothing tagged with the project is left.",
                    now,
                )
                .with("Resources left", "0")
            } else {
                let mut r = not_yet(
                    format!(
                        "{} resource(s) tagged with the project are still there: destroy them.",
                        left.len()
                    ),
                    now,
                )
                .with("Resources left", left.len().to_string());
                for arn in left.iter().take(5) {
                    r = r.with("Left", arn.clone());
                }
                r
            })
        }
        Check::DockerEngine
        | Check::DockerfileClean
        | Check::ImageBuilt
        | Check::ContainerAnswers
        | Check::Question { .. } => Err(ErrorBody::new(
            ErrorCode::Internal,
            "a local check was routed to AWS",
            "",
        )),
    }
}

/// The high-availability experiment: stops one running task of the service (the oldest), so the
/// learner can watch the service replace it on the health map. Returns the stopped task's id.
/// Refused when the service runs fewer than two tasks (stopping its only task is an outage,
/// not an experiment).
pub async fn stop_one_task(conn: &Connection, spec: &ProjectSpec) -> Result<String, ErrorBody> {
    let target = crate::deploy::service_ref(conn, spec).await?;
    let h = crate::rollout::look(conn, &target).await?;
    let mut running: Vec<_> = h
        .tasks
        .iter()
        .filter(|t| t.last_status == "RUNNING" && t.desired_status == "RUNNING")
        .collect();
    if running.len() < 2 {
        return Err(ErrorBody::new(
            ErrorCode::InvalidInput,
            format!(
                "The service runs {} task(s): stopping one would take the app down, which is not what the experiment shows.",
                running.len()
            ),
            "Set [service] desired_count = 2 or more in slipway.toml and apply, then try again.",
        ));
    }
    running.sort_by_key(|t| t.started_ms);
    let task = running[0];
    conn.ecs()
        .stop_task()
        .cluster(&target.cluster)
        .task(&task.arn)
        .reason("Slipway lab: high-availability experiment (one task stopped on purpose)")
        .send()
        .await
        .map_err(conn.fail("ECS", "StopTask"))?;
    Ok(task.id.clone())
}
