//! CodeBuild: the project that builds the image (privileged for Docker, the standard image,
//! source and artifacts handed over by CodePipeline, logs to its own log group).

use super::{n, observed, s, TAG};
use crate::{AwsError, Connection};
use aws_sdk_codebuild::types::{
    ArtifactsType, CloudWatchLogsConfig, ComputeType, EnvironmentType, EnvironmentVariable,
    EnvironmentVariableType, LogsConfig, LogsConfigStatusType, Project, ProjectArtifacts,
    ProjectEnvironment, ProjectSource, SourceType, Tag,
};
use serde_json::{json, Value};
use slipway_core::plan::{Desired, Observed, ResourceKind};
use std::collections::BTreeMap;

fn build_err(
    op: &'static str,
) -> impl Fn(aws_smithy_types::error::operation::BuildError) -> AwsError {
    move |e| AwsError::Call {
        service: "CodeBuild",
        operation: op,
        code: "InvalidRequest".into(),
        detail: e.to_string(),
    }
}

fn props_of(p: &Project) -> Value {
    let env = p.environment();
    let mut environment: Vec<Value> = env
        .map(|e| {
            e.environment_variables()
                .iter()
                .map(|v| json!({"name": v.name(), "value": v.value()}))
                .collect()
        })
        .unwrap_or_default();
    environment.sort_by_key(|v| v.to_string());
    json!({
        "service_role": p.service_role(),
        "image": env.map(|e| e.image()),
        "environment_type": env.map(|e| e.r#type().as_str()),
        "compute_type": env.map(|e| e.compute_type().as_str()),
        "privileged": env.and_then(|e| e.privileged_mode()).unwrap_or(false),
        "buildspec": p.source().and_then(|s| s.buildspec()),
        "log_group": p.logs_config().and_then(|l| l.cloud_watch_logs()).and_then(|c| c.group_name()),
        "timeout_minutes": p.timeout_in_minutes(),
        "environment": environment,
    })
}

/// The project by name.
pub async fn observe(conn: &Connection, want: &Desired) -> Result<Option<Observed>, AwsError> {
    let out = conn
        .codebuild()
        .batch_get_projects()
        .names(&want.name)
        .send()
        .await
        .map_err(conn.fail("CodeBuild", "BatchGetProjects"))?;
    let Some(p) = out
        .projects()
        .iter()
        .find(|p| p.name() == Some(want.name.as_str()))
    else {
        return Ok(None);
    };
    let tags: BTreeMap<String, String> = p
        .tags()
        .iter()
        .filter_map(|t| Some((t.key()?.to_string(), t.value()?.to_string())))
        .collect();
    Ok(Some(observed(
        &want.key,
        ResourceKind::BuildProject,
        &want.name,
        p.arn().unwrap_or_default(),
        props_of(p),
        &[],
        tags,
    )))
}

/// The parts of a project both CreateProject and UpdateProject take.
struct Parts {
    source: ProjectSource,
    artifacts: ProjectArtifacts,
    environment: ProjectEnvironment,
    logs: LogsConfig,
}

fn parts(want: &Desired, props: &Value, op: &'static str) -> Result<Parts, AwsError> {
    // CodePipeline hands over the source and takes the artifacts; the location is ignored by
    // AWS for this type (the emulator requires one, so the project's name is given).
    let source = ProjectSource::builder()
        .r#type(SourceType::Codepipeline)
        .location(&want.name)
        .buildspec(s(props, "buildspec"))
        .build()
        .map_err(build_err(op))?;
    let artifacts = ProjectArtifacts::builder()
        .r#type(ArtifactsType::Codepipeline)
        .location(&want.name)
        .build()
        .map_err(build_err(op))?;
    let mut env = ProjectEnvironment::builder()
        .r#type(EnvironmentType::from(s(props, "environment_type")))
        .image(s(props, "image"))
        .compute_type(ComputeType::from(s(props, "compute_type")))
        .privileged_mode(
            props
                .get("privileged")
                .and_then(Value::as_bool)
                .unwrap_or(false),
        );
    for v in props
        .get("environment")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        env = env.environment_variables(
            EnvironmentVariable::builder()
                .name(s(v, "name"))
                .value(s(v, "value"))
                .r#type(EnvironmentVariableType::Plaintext)
                .build()
                .map_err(build_err(op))?,
        );
    }
    let logs = LogsConfig::builder()
        .cloud_watch_logs(
            CloudWatchLogsConfig::builder()
                .status(LogsConfigStatusType::Enabled)
                .group_name(s(props, "log_group"))
                .build()
                .map_err(build_err(op))?,
        )
        .build();
    Ok(Parts {
        source,
        artifacts,
        environment: env.build().map_err(build_err(op))?,
        logs,
    })
}

/// Whether AWS refused because it cannot assume a role created moments ago (IAM is eventually
/// consistent: a new role takes a few seconds to be usable everywhere).
pub(crate) fn role_not_ready(e: &AwsError) -> bool {
    match e {
        AwsError::Call { code, detail, .. } => {
            matches!(
                code.as_str(),
                "InvalidInputException" | "InvalidStructureException"
            ) && (detail.contains("not authorized to perform") || detail.contains("AssumeRole"))
        }
        _ => false,
    }
}

/// Retries `f` while a new role is not usable yet (up to about a minute on AWS; the emulator
/// knows the role at once, so it never waits).
pub(crate) async fn while_role_settles<T, F, Fut>(
    conn: &Connection,
    mut f: F,
) -> Result<T, AwsError>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, AwsError>>,
{
    let mut wait = std::time::Duration::from_secs(2);
    let mut tries = 0;
    loop {
        match f().await {
            Err(e) if !conn.practice && tries < 8 && role_not_ready(&e) => {
                tries += 1;
                tokio::time::sleep(wait).await;
                wait = (wait * 2).min(std::time::Duration::from_secs(10));
            }
            other => return other,
        }
    }
}

/// Creates the project, tagged with the project.
pub async fn create(
    conn: &Connection,
    want: &Desired,
    props: &Value,
    project: &str,
) -> Result<Observed, AwsError> {
    while_role_settles(conn, || async move {
        let p = parts(want, props, "CreateProject")?;
        match conn
            .codebuild()
            .create_project()
            .name(&want.name)
            .description(want.purpose.chars().take(255).collect::<String>())
            .source(p.source)
            .artifacts(p.artifacts)
            .environment(p.environment)
            .logs_config(p.logs)
            .service_role(s(props, "service_role"))
            .timeout_in_minutes(n(props, "timeout_minutes") as i32)
            .tags(Tag::builder().key(TAG).value(project).build())
            .send()
            .await
        {
            Ok(_) => Ok(()),
            Err(e) if crate::error::code_of(&e) == Some("ResourceAlreadyExistsException") => Ok(()),
            Err(e) => Err(conn.fail("CodeBuild", "CreateProject")(e)),
        }
    })
    .await?;
    observe(conn, want)
        .await?
        .ok_or_else(|| vanished(&want.name))
}

/// Changes the project in place. The practice emulator has no UpdateProject: there the project
/// is deleted and created again (it holds nothing but its settings).
pub async fn update(
    conn: &Connection,
    want: &Desired,
    props: &Value,
    current: &Observed,
    project: &str,
) -> Result<Observed, AwsError> {
    let sent = while_role_settles(conn, || async move {
        let p = parts(want, props, "UpdateProject")?;
        conn.codebuild()
            .update_project()
            .name(&want.name)
            .source(p.source)
            .artifacts(p.artifacts)
            .environment(p.environment)
            .logs_config(p.logs)
            .service_role(s(props, "service_role"))
            .timeout_in_minutes(n(props, "timeout_minutes") as i32)
            .send()
            .await
            .map(|_| ())
            .map_err(conn.fail("CodeBuild", "UpdateProject"))
    })
    .await;
    match sent {
        Ok(()) => observe(conn, want)
            .await?
            .ok_or_else(|| vanished(&want.name)),
        Err(AwsError::Call { code, .. }) if conn.practice && code == "Unknown" => {
            tracing::warn!(
                project = %want.name,
                "the practice emulator does not implement CodeBuild UpdateProject; recreating the project"
            );
            delete(conn, current).await?;
            create(conn, want, props, project).await
        }
        Err(e) => Err(e),
    }
}

/// Deletes the project (CodeBuild answers success for one already gone).
pub async fn delete(conn: &Connection, current: &Observed) -> Result<(), AwsError> {
    match conn
        .codebuild()
        .delete_project()
        .name(&current.name)
        .send()
        .await
    {
        Ok(_) => Ok(()),
        Err(e) if crate::error::code_of(&e) == Some("ResourceNotFoundException") => Ok(()),
        Err(e) => Err(conn.fail("CodeBuild", "DeleteProject")(e)),
    }
}

fn vanished(name: &str) -> AwsError {
    AwsError::Call {
        service: "CodeBuild",
        operation: "BatchGetProjects",
        code: "ResourceNotFoundException".into(),
        detail: format!("{name} vanished right after it was changed"),
    }
}
