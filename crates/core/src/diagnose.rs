//! The diagnosis engine: rules over what was observed of a service (its deployments, tasks,
//! targets and events) and what the project asked for (port, health path, grace period,
//! networking), each turning a bad state into a plain explanation, the evidence it rests on,
//! and the fix. A rule that does not see its evidence says nothing: no diagnosis is a guess.
//!
//! The English text is here (the CLI prints it); the UI translates by `code` with `params`
//! (the i18n files hold the same sentences in English and Vietnamese).

use crate::health::{ServiceHealth, TaskInfo};
use crate::spec::ProjectSpec;
use serde::Serialize;
use std::collections::BTreeMap;
use ts_rs::TS;

/// What a diagnosis is about; stable, the UI's i18n keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum DiagnosisCode {
    /// The task cannot reach ECR: no public IP and no NAT (or the VPC endpoints) in its subnet.
    PullNoRoute,
    /// The task execution role may not pull from ECR.
    PullAccessDenied,
    /// The image (tag) does not exist in the repository.
    PullImageMissing,
    /// The app's essential container exited.
    ContainerExited,
    /// The app answers the health path with a code the target group does not accept.
    HealthPathMismatch,
    /// The load balancer cannot reach the app on the target port (wrong port, or the app
    /// listens on 127.0.0.1).
    HealthPortUnreachable,
    /// The app takes longer to start than the grace period lets it.
    SlowStart,
    /// The circuit breaker stopped a deployment and rolled back.
    CircuitBreaker,
    /// Tasks cannot start: the subnets ran out of IP addresses, or the account out of ENIs.
    NoAddresses,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum DiagnosisLevel {
    /// The service cannot work until it is fixed.
    Error,
    /// It works, but something is wrong or about to be.
    Warning,
}

/// One fact a diagnosis rests on, as observed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct EvidenceItem {
    /// What it is: "stopped reason", "target health", "service event" ...
    pub label: String,
    pub value: String,
}

/// One problem found, explained.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct Diagnosis {
    pub code: DiagnosisCode,
    pub level: DiagnosisLevel,
    pub title: String,
    pub explanation: String,
    pub fix: String,
    pub evidence: Vec<EvidenceItem>,
    /// The values the text names (for the UI's translations).
    pub params: BTreeMap<String, String>,
    /// The tasks it concerns (ids).
    pub tasks: Vec<String>,
}

/// What the project asked for, as the rules compare it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expectations {
    pub port: u16,
    pub health_path: String,
    pub matcher: String,
    pub grace_period_seconds: u32,
    pub assign_public_ip: bool,
    pub has_load_balancer: bool,
}

impl Expectations {
    pub fn of(spec: &ProjectSpec) -> Self {
        Self {
            port: spec.app.port,
            health_path: spec.app.health_path.clone(),
            matcher: spec.service.health_check.matcher.clone(),
            grace_period_seconds: spec.service.grace_period_seconds,
            assign_public_ip: spec.network.assign_public_ip,
            has_load_balancer: true,
        }
    }
}

fn ev(label: &str, value: impl Into<String>) -> EvidenceItem {
    EvidenceItem {
        label: label.into(),
        value: value.into(),
    }
}

fn params(pairs: &[(&str, String)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect()
}

fn short_td(arn: &str) -> String {
    arn.rsplit('/').next().unwrap_or(arn).to_string()
}

/// The image a pull error names, `repo:tag`, when it can be read.
fn image_in(reason: &str) -> Option<String> {
    let start = reason.find(".amazonaws.com/")? + ".amazonaws.com/".len();
    let rest = &reason[start..];
    let end = rest
        .find(|c: char| c.is_whitespace() || c == '"' || c == ',')
        .unwrap_or(rest.len());
    let image = rest[..end].trim_end_matches(':');
    // "shop:1.0: not found" → "shop:1.0"
    let mut parts = image.splitn(3, ':');
    match (parts.next(), parts.next()) {
        (Some(repo), Some(tag)) if !tag.is_empty() => Some(format!("{repo}:{tag}")),
        (Some(repo), _) if !repo.is_empty() && !repo.starts_with("v2/") => Some(repo.to_string()),
        _ => None,
    }
}

fn pull_rule(tasks: &[&TaskInfo], want: &Expectations, out: &mut Vec<Diagnosis>) {
    let pulls: Vec<&&TaskInfo> = tasks
        .iter()
        .filter(|t| {
            t.stopped_reason.as_deref().is_some_and(|r| {
                r.contains("CannotPullContainerError")
                    || (r.contains("ResourceInitializationError")
                        && (r.contains("ecr") || r.contains("registry auth")))
            })
        })
        .collect();
    let Some(first) = pulls.first() else {
        return;
    };
    let reason = first.stopped_reason.clone().unwrap_or_default();
    let lower = reason.to_lowercase();
    let ids: Vec<String> = pulls.iter().map(|t| t.id.clone()).collect();
    let mut evidence = vec![ev("stopped reason", reason.clone())];
    if lower.contains("i/o timeout")
        || lower.contains("dial tcp")
        || lower.contains("context deadline exceeded")
    {
        evidence.push(ev(
            "assign public IP",
            if want.assign_public_ip { "on" } else { "off" },
        ));
        out.push(Diagnosis {
            code: DiagnosisCode::PullNoRoute,
            level: DiagnosisLevel::Error,
            title: "The tasks cannot reach ECR to pull the image.".into(),
            explanation: if want.assign_public_ip {
                "The connection to ECR timed out. The tasks get a public IP, so the subnet's route table probably has no route to an internet gateway (a private subnet), or a security group or network ACL blocks outbound HTTPS.".into()
            } else {
                "The connection to ECR timed out. The tasks have no public IP, so they need a NAT gateway or VPC endpoints (ecr.api, ecr.dkr, s3, logs) in their subnets to reach ECR, and there is none.".into()
            },
            fix: if want.assign_public_ip {
                "Run the tasks in public subnets (a route to an internet gateway), or add a NAT gateway; then apply again.".into()
            } else {
                "Set [network] assign_public_ip = true with public subnets (the labs' setup), or add a NAT gateway or the ECR VPC endpoints; then apply again.".into()
            },
            evidence,
            params: params(&[("public_ip", want.assign_public_ip.to_string())]),
            tasks: ids,
        });
    } else if lower.contains("accessdenied")
        || lower.contains("not authorized")
        || lower.contains("403 forbidden")
    {
        out.push(Diagnosis {
            code: DiagnosisCode::PullAccessDenied,
            level: DiagnosisLevel::Error,
            title: "The task execution role may not pull the image from ECR.".into(),
            explanation: "ECR refused the pull: the role ECS uses to start the task (the execution role) lacks ecr:GetAuthorizationToken, ecr:BatchGetImage or ecr:GetDownloadUrlForLayer, or the repository's policy denies it.".into(),
            fix: "Apply the service again: Slipway restores the execution role's AmazonECSTaskExecutionRolePolicy. If the repository is in another account, allow this role in the repository's policy.".into(),
            evidence,
            params: BTreeMap::new(),
            tasks: ids,
        });
    } else if lower.contains("not found") || lower.contains("manifest unknown") {
        let image = image_in(&reason).unwrap_or_else(|| "the image".into());
        out.push(Diagnosis {
            code: DiagnosisCode::PullImageMissing,
            level: DiagnosisLevel::Error,
            title: format!("The image {image} does not exist in ECR."),
            explanation: format!("The task definition names {image}, but the repository has no image with that tag: it was never pushed, was pushed under another tag, or the lifecycle policy expired it."),
            fix: "Push the image (step 3) and deploy the tag that step 3 reports, or pick a tag the Images view lists.".into(),
            evidence,
            params: params(&[("image", image)]),
            tasks: ids,
        });
    }
}

fn exited_rule(tasks: &[&TaskInfo], out: &mut Vec<Diagnosis>) {
    let exited: Vec<&&TaskInfo> = tasks
        .iter()
        .filter(|t| {
            t.stop_code.as_deref() == Some("EssentialContainerExited")
                || t.stopped_reason
                    .as_deref()
                    .is_some_and(|r| r.contains("Essential container in task exited"))
        })
        .collect();
    let Some(first) = exited.first() else {
        return;
    };
    let container = first
        .containers
        .iter()
        .find(|c| c.exit_code.is_some_and(|x| x != 0) || c.reason.is_some())
        .or(first.containers.first());
    let code = container.and_then(|c| c.exit_code);
    let name = container.map(|c| c.name.clone()).unwrap_or_default();
    let mut evidence = vec![ev(
        "stopped reason",
        first.stopped_reason.clone().unwrap_or_default(),
    )];
    if let Some(c) = container {
        if let Some(x) = c.exit_code {
            evidence.push(ev("exit code", format!("{} exited with {x}", c.name)));
        }
        if let Some(r) = &c.reason {
            evidence.push(ev("container reason", r.clone()));
        }
    }
    let meaning = match code {
        Some(137) => "It was killed (exit 137): usually it ran out of memory — the task's memory is too small for the app — or it did not stop in time.",
        Some(139) => "It crashed with a segmentation fault (exit 139).",
        Some(127) => "Its command was not found (exit 127): the CMD or ENTRYPOINT names a program the image does not have.",
        Some(126) => "Its command could not run (exit 126): a script without execute permission, or built for another platform.",
        Some(1) => "It exited with an error (exit 1) right after starting: usually a missing environment variable or secret, a dependency that is not installed, or an exception at start.",
        Some(0) => "It exited normally (exit 0): the command finished instead of staying up as a server.",
        _ => "It stopped on its own.",
    };
    out.push(Diagnosis {
        code: DiagnosisCode::ContainerExited,
        level: DiagnosisLevel::Error,
        title: format!("The app's container {name} keeps exiting."),
        explanation: format!("ECS stops a task when its essential container exits. {meaning}"),
        fix: "Read the container's last log lines (shown with the task); reproduce with `slipway run` on your machine, which runs the same image (step 2).".into(),
        evidence,
        params: params(&[
            ("container", name),
            ("exit_code", code.map(|c| c.to_string()).unwrap_or_default()),
        ]),
        tasks: exited.iter().map(|t| t.id.clone()).collect(),
    });
}

fn health_rules(
    h: &ServiceHealth,
    tasks: &[&TaskInfo],
    want: &Expectations,
    out: &mut Vec<Diagnosis>,
) {
    if !want.has_load_balancer {
        return;
    }
    let failed_elb: Vec<&&TaskInfo> = tasks
        .iter()
        .filter(|t| {
            t.stopped_reason
                .as_deref()
                .is_some_and(|r| r.contains("failed ELB health checks"))
        })
        .collect();
    let unhealthy: Vec<_> = h
        .targets
        .iter()
        .filter(|t| t.state == "unhealthy")
        .collect();
    let mismatch = unhealthy
        .iter()
        .find(|t| t.reason.as_deref() == Some("Target.ResponseCodeMismatch"));
    let timeout = unhealthy.iter().find(|t| {
        matches!(
            t.reason.as_deref(),
            Some("Target.Timeout" | "Target.FailedHealthChecks")
        )
    });
    let mut evidence: Vec<EvidenceItem> = failed_elb
        .iter()
        .take(1)
        .map(|t| {
            ev(
                "stopped reason",
                t.stopped_reason.clone().unwrap_or_default(),
            )
        })
        .collect();
    let ids: Vec<String> = failed_elb.iter().map(|t| t.id.clone()).collect();
    if let Some(t) = mismatch {
        evidence.push(ev(
            "target health",
            format!(
                "{}:{} {} ({})",
                t.id,
                t.port,
                t.reason.as_deref().unwrap_or(""),
                t.description.as_deref().unwrap_or("")
            ),
        ));
        let codes = t
            .description
            .as_deref()
            .and_then(|d| d.split('[').nth(1))
            .and_then(|d| d.split(']').next())
            .unwrap_or("")
            .to_string();
        out.push(Diagnosis {
            code: DiagnosisCode::HealthPathMismatch,
            level: DiagnosisLevel::Error,
            title: format!("The app answers {} with {} instead of {}.", want.health_path, if codes.is_empty() { "another code".to_string() } else { codes.clone() }, want.matcher),
            explanation: format!("The load balancer requests {} on each task and expects {}. The app is running and reachable but answers with another code (404: no such route; 301/302: a redirect, e.g. to HTTPS or a trailing slash; 500: the app fails). After enough failed checks ECS replaces the task.", want.health_path, want.matcher),
            fix: "Set [app] health_path to a route that answers 200 without a login or redirect (for example /health), or add one to the app; then apply again.".into(),
            evidence,
            params: params(&[
                ("path", want.health_path.clone()),
                ("codes", codes),
                ("matcher", want.matcher.clone()),
            ]),
            tasks: ids,
        });
        return;
    }
    if let Some(t) = timeout {
        evidence.push(ev(
            "target health",
            format!(
                "{}:{} {} ({})",
                t.id,
                t.port,
                t.reason.as_deref().unwrap_or(""),
                t.description.as_deref().unwrap_or("")
            ),
        ));
        // Started and killed within the grace period plus a few checks: the app may be slow.
        let lived: Vec<i64> = failed_elb
            .iter()
            .filter_map(|t| Some((t.stopped_ms? - t.started_ms?) / 1000))
            .collect();
        let slow = want.grace_period_seconds < 60
            && !lived.is_empty()
            && h.events.iter().any(|e| e.message.contains("has started"))
            && t.port == i32::from(want.port);
        if slow {
            out.push(Diagnosis {
                code: DiagnosisCode::SlowStart,
                level: DiagnosisLevel::Warning,
                title: "The app may need longer to start than the grace period allows.".into(),
                explanation: format!("The health checks time out on the right port ({}), and ECS counts them after a grace period of {} s. An app that takes longer to start (a JVM, migrations at start) is replaced before it is ready.", want.port, want.grace_period_seconds),
                fix: "Raise [service] grace_period_seconds (e.g. to 120) and apply again; if it still fails, check that the app listens on 0.0.0.0.".into(),
                evidence,
                params: params(&[
                    ("grace", want.grace_period_seconds.to_string()),
                    ("port", want.port.to_string()),
                ]),
                tasks: ids,
            });
        } else {
            out.push(Diagnosis {
                code: DiagnosisCode::HealthPortUnreachable,
                level: DiagnosisLevel::Error,
                title: format!("The load balancer cannot reach the app on port {}.", t.port),
                explanation: format!("The health checks to port {} time out: the app listens on another port than [app] port = {}, or only on 127.0.0.1 inside the container, or the tasks' security group does not let the load balancer in.", t.port, want.port),
                fix: "Make the app listen on 0.0.0.0 and the port in slipway.toml (EXPOSE in the Dockerfile should match: lint rule SW1001), then apply again.".into(),
                evidence,
                params: params(&[("port", t.port.to_string())]),
                tasks: ids,
            });
        }
    }
}

fn breaker_rule(h: &ServiceHealth, tasks: &[&TaskInfo], out: &mut Vec<Diagnosis>) {
    let Some(failed) = h.failed_deployment() else {
        return;
    };
    let reason = failed.rollout_reason.clone().unwrap_or_default();
    if !reason.to_lowercase().contains("circuit breaker") {
        return;
    }
    let serving = h
        .primary()
        .filter(|p| p.task_definition != failed.task_definition);
    let failed_td = short_td(&failed.task_definition);
    let serving_td = serving.map(|p| short_td(&p.task_definition));
    let of_failed: Vec<&&TaskInfo> = tasks
        .iter()
        .filter(|t| t.task_definition == failed.task_definition)
        .collect();
    let mut evidence = vec![ev(
        "deployment",
        format!("{} ({failed_td}): {reason}", failed.id),
    )];
    if let Some(t) = of_failed.first() {
        if let Some(r) = &t.stopped_reason {
            evidence.push(ev("why its tasks stopped", r.clone()));
        }
    }
    if failed.failed > 0 {
        evidence.push(ev("failed tasks", failed.failed.to_string()));
    }
    out.push(Diagnosis {
        code: DiagnosisCode::CircuitBreaker,
        level: DiagnosisLevel::Error,
        title: match &serving_td {
            Some(s) => format!("The deployment of {failed_td} failed and ECS rolled back to {s}."),
            None => format!("The deployment of {failed_td} failed and the circuit breaker stopped it."),
        },
        explanation: format!("The new tasks of {failed_td} kept failing ({} failed), so the deployment circuit breaker stopped the rollout{}. The other findings say why the tasks failed.", failed.failed, match &serving_td { Some(s) => format!(" and went back to {s}, which is still serving"), None => String::new() }),
        fix: "Fix the cause below, then deploy again (apply, or push a commit through the pipeline).".into(),
        evidence,
        params: params(&[
            ("failed", failed_td),
            ("serving", serving_td.unwrap_or_default()),
            ("count", failed.failed.to_string()),
        ]),
        tasks: of_failed.iter().map(|t| t.id.clone()).collect(),
    });
}

fn addresses_rule(h: &ServiceHealth, tasks: &[&TaskInfo], out: &mut Vec<Diagnosis>) {
    let hit = |s: &str| {
        let l = s.to_lowercase();
        l.contains("insufficientfreeaddressesinsubnet")
            || l.contains("insufficient free addresses")
            || l.contains("networkinterfacelimitexceeded")
            || l.contains("eni provisioning")
    };
    let from_events = h.events.iter().find(|e| hit(&e.message));
    let from_tasks = tasks
        .iter()
        .find(|t| t.stopped_reason.as_deref().is_some_and(hit));
    let evidence: Vec<EvidenceItem> = from_events
        .map(|e| ev("service event", e.message.clone()))
        .into_iter()
        .chain(
            from_tasks
                .and_then(|t| t.stopped_reason.clone())
                .map(|r| ev("stopped reason", r)),
        )
        .collect();
    if evidence.is_empty() {
        return;
    }
    out.push(Diagnosis {
        code: DiagnosisCode::NoAddresses,
        level: DiagnosisLevel::Error,
        title: "Tasks cannot start: no network interface or IP address is available.".into(),
        explanation: "Each Fargate task needs its own network interface with an IP address in one of the service's subnets. The subnets have no free addresses left (small subnets, or many tasks), or the account reached its network interface quota, so the tasks stay PENDING or fail to start.".into(),
        fix: "Add larger or more subnets to [network] subnets (a /24 holds 251 tasks), stop unused tasks, or ask AWS to raise the network interface quota; then apply again.".into(),
        evidence,
        params: BTreeMap::new(),
        tasks: from_tasks.map(|t| vec![t.id.clone()]).unwrap_or_default(),
    });
}

/// Everything wrong with the service that the evidence shows, the most important first.
pub fn diagnose_service(h: &ServiceHealth, want: &Expectations) -> Vec<Diagnosis> {
    let stopped = h.stopped_tasks();
    let mut out = Vec::new();
    breaker_rule(h, &stopped, &mut out);
    pull_rule(&stopped, want, &mut out);
    exited_rule(&stopped, &mut out);
    health_rules(h, &stopped, want, &mut out);
    addresses_rule(h, &stopped, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::health::{ContainerInfo, DeploymentInfo, ServiceEvent, TargetInfo};

    const TD6: &str = "arn:aws:ecs:us-east-1:123456789012:task-definition/shop:6";
    const TD7: &str = "arn:aws:ecs:us-east-1:123456789012:task-definition/shop:7";

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

    fn health() -> ServiceHealth {
        let mut h = ServiceHealth::missing("shop", "shop", 0);
        h.status = "ACTIVE".into();
        h.desired = 2;
        h.deployments = vec![DeploymentInfo {
            id: "ecs-svc/1180342255021904210".into(),
            status: "PRIMARY".into(),
            rollout_state: Some("IN_PROGRESS".into()),
            rollout_reason: Some("ECS deployment ecs-svc/1180342255021904210 in progress.".into()),
            task_definition: TD7.into(),
            desired: 2,
            running: 0,
            pending: 2,
            failed: 2,
            created_ms: Some(1_000),
            updated_ms: Some(2_000),
        }];
        h
    }

    fn stopped(
        id: &str,
        reason: &str,
        stop_code: &str,
        containers: Vec<ContainerInfo>,
    ) -> TaskInfo {
        TaskInfo {
            arn: format!("arn:aws:ecs:us-east-1:123456789012:task/shop/{id}"),
            id: id.into(),
            last_status: "STOPPED".into(),
            desired_status: "STOPPED".into(),
            health: None,
            availability_zone: Some("us-east-1a".into()),
            private_ip: Some("10.0.1.17".into()),
            task_definition: TD7.into(),
            started_by: Some("ecs-svc/1180342255021904210".into()),
            started_ms: Some(10_000),
            stopped_ms: Some(75_000),
            stopped_reason: Some(reason.into()),
            stop_code: Some(stop_code.into()),
            containers,
        }
    }

    fn container(exit: Option<i32>, reason: Option<&str>) -> ContainerInfo {
        ContainerInfo {
            name: "shop".into(),
            last_status: "STOPPED".into(),
            exit_code: exit,
            reason: reason.map(str::to_string),
            health: None,
        }
    }

    fn codes(d: &[Diagnosis]) -> Vec<DiagnosisCode> {
        d.iter().map(|d| d.code).collect()
    }

    #[test]
    fn a_healthy_service_has_no_diagnosis() {
        let mut h = health();
        h.deployments[0].rollout_state = Some("COMPLETED".into());
        h.targets = vec![TargetInfo {
            id: "10.0.1.17".into(),
            port: 8080,
            state: "healthy".into(),
            reason: None,
            description: None,
        }];
        assert!(diagnose_service(&h, &want()).is_empty());
    }

    #[test]
    fn a_pull_that_times_out_without_public_ip_is_no_route() {
        let mut h = health();
        h.tasks = vec![stopped("0d1e0f4c1b6a4d7e9f1c2b3a4d5e6f70", "CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref 123456789012.dkr.ecr.us-east-1.amazonaws.com/shop:1.4.0: failed to do request: Head \"https://123456789012.dkr.ecr.us-east-1.amazonaws.com/v2/shop/manifests/1.4.0\": dial tcp 3.227.250.42:443: i/o timeout", "TaskFailedToStart", vec![container(None, None)])];
        let d = diagnose_service(&h, &want());
        assert_eq!(codes(&d), vec![DiagnosisCode::PullNoRoute]);
        assert!(d[0].explanation.contains("NAT gateway"));
        assert!(d[0].fix.contains("assign_public_ip = true"));
        assert_eq!(d[0].evidence[1].value, "off");
        assert_eq!(d[0].tasks, vec!["0d1e0f4c1b6a4d7e9f1c2b3a4d5e6f70"]);
    }

    #[test]
    fn registry_auth_that_times_out_is_also_no_route() {
        let mut h = health();
        h.tasks = vec![stopped("a1", "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve ecr registry auth: service call has been retried 3 time(s): RequestError: send request failed caused by: Post \"https://api.ecr.us-east-1.amazonaws.com/\": dial tcp 52.46.157.212:443: i/o timeout", "TaskFailedToStart", vec![])];
        let mut w = want();
        w.assign_public_ip = true;
        let d = diagnose_service(&h, &w);
        assert_eq!(codes(&d), vec![DiagnosisCode::PullNoRoute]);
        assert!(
            d[0].explanation.contains("internet gateway"),
            "{}",
            d[0].explanation
        );
    }

    #[test]
    fn a_pull_refused_is_the_execution_role() {
        let mut h = health();
        h.tasks = vec![stopped("a2", "CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref 123456789012.dkr.ecr.us-east-1.amazonaws.com/shop:1.4.0: pulling from host 123456789012.dkr.ecr.us-east-1.amazonaws.com failed with status code [manifests 1.4.0]: 403 Forbidden", "TaskFailedToStart", vec![])];
        let d = diagnose_service(&h, &want());
        assert_eq!(codes(&d), vec![DiagnosisCode::PullAccessDenied]);
        assert!(d[0].fix.contains("AmazonECSTaskExecutionRolePolicy"));
    }

    #[test]
    fn a_missing_tag_names_the_image() {
        let mut h = health();
        h.tasks = vec![stopped("a3", "CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref 123456789012.dkr.ecr.us-east-1.amazonaws.com/shop:2.0.0: 123456789012.dkr.ecr.us-east-1.amazonaws.com/shop:2.0.0: not found", "TaskFailedToStart", vec![])];
        let d = diagnose_service(&h, &want());
        assert_eq!(codes(&d), vec![DiagnosisCode::PullImageMissing]);
        assert_eq!(d[0].params["image"], "shop:2.0.0");
        assert_eq!(d[0].title, "The image shop:2.0.0 does not exist in ECR.");
    }

    #[test]
    fn an_exiting_container_gives_its_exit_code_meaning() {
        let mut h = health();
        h.tasks = vec![
            stopped(
                "b1",
                "Essential container in task exited",
                "EssentialContainerExited",
                vec![container(Some(1), None)],
            ),
            stopped(
                "b2",
                "Essential container in task exited",
                "EssentialContainerExited",
                vec![container(Some(1), None)],
            ),
        ];
        let d = diagnose_service(&h, &want());
        assert_eq!(codes(&d), vec![DiagnosisCode::ContainerExited]);
        assert_eq!(d[0].params["exit_code"], "1");
        assert!(d[0].explanation.contains("exit 1"));
        assert_eq!(d[0].tasks.len(), 2);
        h.tasks = vec![stopped(
            "b3",
            "Essential container in task exited",
            "EssentialContainerExited",
            vec![container(
                Some(137),
                Some("OutOfMemoryError: Container killed due to memory usage"),
            )],
        )];
        let d = diagnose_service(&h, &want());
        assert!(d[0].explanation.contains("out of memory"));
        assert!(d[0]
            .evidence
            .iter()
            .any(|e| e.value.contains("OutOfMemoryError")));
    }

    #[test]
    fn a_health_path_answering_404_is_the_path() {
        let mut h = health();
        h.tasks = vec![stopped("c1", "Task failed ELB health checks in (target-group arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/shop/6d0ecf831eec9f09)", "ServiceSchedulerInitiated", vec![container(Some(137), None)])];
        h.targets = vec![TargetInfo {
            id: "10.0.1.18".into(),
            port: 8080,
            state: "unhealthy".into(),
            reason: Some("Target.ResponseCodeMismatch".into()),
            description: Some("Health checks failed with these codes: [404]".into()),
        }];
        let d = diagnose_service(&h, &want());
        assert_eq!(
            codes(&d),
            vec![DiagnosisCode::HealthPathMismatch],
            "not also an exited container"
        );
        assert_eq!(d[0].params["codes"], "404");
        assert_eq!(
            d[0].title,
            "The app answers /health with 404 instead of 200."
        );
    }

    #[test]
    fn health_checks_timing_out_on_another_port_is_the_port() {
        let mut h = health();
        h.tasks = vec![stopped("d1", "Task failed ELB health checks in (target-group arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/shop/6d0ecf831eec9f09)", "ServiceSchedulerInitiated", vec![])];
        h.targets = vec![TargetInfo {
            id: "10.0.1.19".into(),
            port: 3000,
            state: "unhealthy".into(),
            reason: Some("Target.Timeout".into()),
            description: Some("Request timed out".into()),
        }];
        let d = diagnose_service(&h, &want());
        assert_eq!(codes(&d), vec![DiagnosisCode::HealthPortUnreachable]);
        assert_eq!(d[0].params["port"], "3000");
    }

    #[test]
    fn timeouts_on_the_right_port_with_a_short_grace_period_suggest_a_slow_start() {
        let mut h = health();
        h.tasks = vec![stopped("e1", "Task failed ELB health checks in (target-group arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/shop/6d0ecf831eec9f09)", "ServiceSchedulerInitiated", vec![])];
        h.targets = vec![TargetInfo {
            id: "10.0.1.20".into(),
            port: 8080,
            state: "unhealthy".into(),
            reason: Some("Target.FailedHealthChecks".into()),
            description: Some("Health checks failed".into()),
        }];
        h.events = vec![ServiceEvent {
            id: "1".into(),
            at_ms: 9_000,
            message: "(service shop) has started 2 tasks: (task e1) (task e2).".into(),
        }];
        let d = diagnose_service(&h, &want());
        assert_eq!(codes(&d), vec![DiagnosisCode::SlowStart]);
        assert_eq!(d[0].level, DiagnosisLevel::Warning);
        assert_eq!(d[0].params["grace"], "30");
    }

    #[test]
    fn a_circuit_breaker_rollback_names_both_revisions_and_the_cause() {
        let mut h = health();
        h.deployments = vec![
            DeploymentInfo {
                id: "ecs-svc/8790561326004876501".into(),
                status: "PRIMARY".into(),
                rollout_state: Some("IN_PROGRESS".into()),
                rollout_reason: Some("ECS deployment circuit breaker: rolling back to deploymentId ecs-svc/8790561326004876501.".into()),
                task_definition: TD6.into(),
                desired: 2,
                running: 2,
                pending: 0,
                failed: 0,
                created_ms: None,
                updated_ms: None,
            },
            DeploymentInfo {
                id: "ecs-svc/4217835162349817731".into(),
                status: "ACTIVE".into(),
                rollout_state: Some("FAILED".into()),
                rollout_reason: Some("ECS deployment circuit breaker: tasks failed to start.".into()),
                task_definition: TD7.into(),
                desired: 0,
                running: 0,
                pending: 0,
                failed: 3,
                created_ms: None,
                updated_ms: None,
            },
        ];
        h.tasks = vec![stopped(
            "f1",
            "Essential container in task exited",
            "EssentialContainerExited",
            vec![container(Some(1), None)],
        )];
        let d = diagnose_service(&h, &want());
        assert_eq!(
            codes(&d),
            vec![
                DiagnosisCode::CircuitBreaker,
                DiagnosisCode::ContainerExited
            ]
        );
        assert_eq!(
            d[0].title,
            "The deployment of shop:7 failed and ECS rolled back to shop:6."
        );
        assert_eq!(d[0].params["count"], "3");
        assert!(d[0]
            .evidence
            .iter()
            .any(|e| e.value == "Essential container in task exited"));
    }

    #[test]
    fn no_free_addresses_is_read_from_the_events() {
        let mut h = health();
        h.events = vec![ServiceEvent {
            id: "2".into(),
            at_ms: 9_000,
            message: "(service shop) failed to launch a task with (error ENI provisioning failed: InsufficientFreeAddressesInSubnet: There are not enough free addresses in subnet 'subnet-0a1b2c3d' to satisfy the requested number of instances.).".into(),
        }];
        let d = diagnose_service(&h, &want());
        assert_eq!(codes(&d), vec![DiagnosisCode::NoAddresses]);
        assert!(d[0].evidence[0].value.contains("subnet-0a1b2c3d"));
    }
}
