//! CodePipeline: the V2 pipeline, its declaration read and written in the JSON shape of
//! `slipway_core::plan::pipeline` (stages of actions with their type, configuration and
//! artifacts), so the planner compares what exists with what is wanted.

use super::{observed, s, TAG};
use crate::{AwsError, Connection};
use aws_sdk_codepipeline::types::{
    ActionCategory, ActionDeclaration, ActionOwner, ActionTypeId, ArtifactStore, ArtifactStoreType,
    ExecutionMode, InputArtifact, OutputArtifact, PipelineDeclaration, PipelineType,
    StageDeclaration, Tag,
};
use serde_json::{json, Map, Value};
use slipway_core::plan::{Desired, Observed, ResourceKind};
use std::collections::{BTreeMap, HashMap};

fn build_err(
    op: &'static str,
) -> impl Fn(aws_smithy_types::error::operation::BuildError) -> AwsError {
    move |e| AwsError::Call {
        service: "CodePipeline",
        operation: op,
        code: "InvalidRequest".into(),
        detail: e.to_string(),
    }
}

fn action_json(a: &ActionDeclaration) -> Value {
    let t = a.action_type_id();
    let configuration: Map<String, Value> = a
        .configuration()
        .map(|c| {
            let mut pairs: Vec<(&String, &String)> = c.iter().collect();
            pairs.sort();
            pairs
                .into_iter()
                .map(|(k, v)| (k.clone(), Value::String(v.clone())))
                .collect()
        })
        .unwrap_or_default();
    let mut out = json!({
        "name": a.name(),
        "category": t.map(|t| t.category().as_str()),
        "owner": t.map(|t| t.owner().as_str()),
        "provider": t.map(|t| t.provider()),
        "version": t.map(|t| t.version()),
        "run_order": a.run_order().unwrap_or(1),
        "configuration": configuration,
        "input_artifacts": a.input_artifacts().iter().map(|i| i.name()).collect::<Vec<_>>(),
        "output_artifacts": a.output_artifacts().iter().map(|o| o.name()).collect::<Vec<_>>(),
    });
    if !a.commands().is_empty() {
        out["commands"] = json!(a.commands());
    }
    out
}

/// The declaration in the planner's shape.
pub fn declaration_json(p: &PipelineDeclaration) -> Value {
    let stages: Vec<Value> = p
        .stages()
        .iter()
        .map(|st| {
            json!({
                "name": st.name(),
                "actions": st.actions().iter().map(action_json).collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({
        "role": p.role_arn(),
        "pipeline_type": p.pipeline_type().map(|t| t.as_str()),
        "execution_mode": p.execution_mode().map(|m| m.as_str()),
        "artifact_bucket": p.artifact_store().map(|a| a.location()),
        "stages": stages,
    })
}

fn strs(v: &Value, key: &str) -> Vec<String> {
    v.get(key)
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// The SDK declaration of `props` (references resolved).
pub fn declaration(
    name: &str,
    props: &Value,
    op: &'static str,
) -> Result<PipelineDeclaration, AwsError> {
    let mut stages = Vec::new();
    for st in props
        .get("stages")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let mut actions = Vec::new();
        for a in st
            .get("actions")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let type_id = ActionTypeId::builder()
                .category(ActionCategory::from(s(a, "category")))
                .owner(ActionOwner::from(s(a, "owner")))
                .provider(s(a, "provider"))
                .version(s(a, "version"))
                .build()
                .map_err(build_err(op))?;
            let configuration: HashMap<String, String> = a
                .get("configuration")
                .and_then(Value::as_object)
                .map(|m| {
                    m.iter()
                        .map(|(k, v)| {
                            (
                                k.clone(),
                                v.as_str()
                                    .map(str::to_string)
                                    .unwrap_or_else(|| v.to_string()),
                            )
                        })
                        .collect()
                })
                .unwrap_or_default();
            let mut inputs = Vec::new();
            for i in strs(a, "input_artifacts") {
                inputs.push(
                    InputArtifact::builder()
                        .name(i)
                        .build()
                        .map_err(build_err(op))?,
                );
            }
            let mut outputs = Vec::new();
            for o in strs(a, "output_artifacts") {
                outputs.push(
                    OutputArtifact::builder()
                        .name(o)
                        .build()
                        .map_err(build_err(op))?,
                );
            }
            let commands = strs(a, "commands");
            actions.push(
                ActionDeclaration::builder()
                    .name(s(a, "name"))
                    .action_type_id(type_id)
                    .run_order(a.get("run_order").and_then(Value::as_i64).unwrap_or(1) as i32)
                    .set_configuration((!configuration.is_empty()).then_some(configuration))
                    .set_input_artifacts(Some(inputs))
                    .set_output_artifacts(Some(outputs))
                    .set_commands((!commands.is_empty()).then_some(commands))
                    .build()
                    .map_err(build_err(op))?,
            );
        }
        stages.push(
            StageDeclaration::builder()
                .name(s(st, "name"))
                .set_actions(Some(actions))
                .build()
                .map_err(build_err(op))?,
        );
    }
    PipelineDeclaration::builder()
        .name(name)
        .role_arn(s(props, "role"))
        .pipeline_type(PipelineType::from(s(props, "pipeline_type")))
        .execution_mode(ExecutionMode::from(s(props, "execution_mode")))
        .artifact_store(
            ArtifactStore::builder()
                .r#type(ArtifactStoreType::S3)
                .location(s(props, "artifact_bucket"))
                .build()
                .map_err(build_err(op))?,
        )
        .set_stages(Some(stages))
        .build()
        .map_err(build_err(op))
}

/// The pipeline by name.
pub async fn observe(conn: &Connection, want: &Desired) -> Result<Option<Observed>, AwsError> {
    let cp = conn.codepipeline();
    let out = match cp.get_pipeline().name(&want.name).send().await {
        Ok(o) => o,
        Err(e) if crate::error::code_of(&e) == Some("PipelineNotFoundException") => {
            return Ok(None)
        }
        Err(e) => return Err(conn.fail("CodePipeline", "GetPipeline")(e)),
    };
    let Some(p) = out.pipeline() else {
        return Ok(None);
    };
    let arn = out
        .metadata()
        .and_then(|m| m.pipeline_arn())
        .map(str::to_string)
        .unwrap_or_else(|| {
            format!(
                "arn:{}:codepipeline:{}:{}",
                slipway_core::plan::pipeline::partition(&conn.region),
                conn.region,
                want.name
            )
        });
    let tags: BTreeMap<String, String> =
        match cp.list_tags_for_resource().resource_arn(&arn).send().await {
            Ok(t) => t
                .tags()
                .iter()
                .map(|t| (t.key().to_string(), t.value().to_string()))
                .collect(),
            Err(_) => BTreeMap::new(),
        };
    Ok(Some(observed(
        &want.key,
        ResourceKind::Pipeline,
        &want.name,
        &arn,
        declaration_json(p),
        &[("version", json!(p.version()))],
        tags,
    )))
}

/// Creates the pipeline, tagged with the project. (On AWS, creating a pipeline starts its first
/// run.)
pub async fn create(
    conn: &Connection,
    want: &Desired,
    props: &Value,
    project: &str,
) -> Result<Observed, AwsError> {
    let tag = Tag::builder()
        .key(TAG)
        .value(project)
        .build()
        .map_err(build_err("CreatePipeline"))?;
    let tag = &tag;
    super::codebuild::while_role_settles(conn, || async move {
        match conn
            .codepipeline()
            .create_pipeline()
            .pipeline(declaration(&want.name, props, "CreatePipeline")?)
            .tags(tag.clone())
            .send()
            .await
        {
            Ok(_) => Ok(()),
            Err(e) if crate::error::code_of(&e) == Some("PipelineNameInUseException") => Ok(()),
            Err(e) => Err(conn.fail("CodePipeline", "CreatePipeline")(e)),
        }
    })
    .await?;
    observe(conn, want)
        .await?
        .ok_or_else(|| vanished(&want.name))
}

/// Writes the declaration (CodePipeline bumps its version).
pub async fn update(
    conn: &Connection,
    want: &Desired,
    props: &Value,
) -> Result<Observed, AwsError> {
    super::codebuild::while_role_settles(conn, || async move {
        conn.codepipeline()
            .update_pipeline()
            .pipeline(declaration(&want.name, props, "UpdatePipeline")?)
            .send()
            .await
            .map(|_| ())
            .map_err(conn.fail("CodePipeline", "UpdatePipeline"))
    })
    .await?;
    observe(conn, want)
        .await?
        .ok_or_else(|| vanished(&want.name))
}

/// Deletes the pipeline (CodePipeline answers success for one already gone).
pub async fn delete(conn: &Connection, current: &Observed) -> Result<(), AwsError> {
    match conn
        .codepipeline()
        .delete_pipeline()
        .name(&current.name)
        .send()
        .await
    {
        Ok(_) => Ok(()),
        Err(e) if crate::error::code_of(&e) == Some("PipelineNotFoundException") => Ok(()),
        Err(e) => Err(conn.fail("CodePipeline", "DeletePipeline")(e)),
    }
}

fn vanished(name: &str) -> AwsError {
    AwsError::Call {
        service: "CodePipeline",
        operation: "GetPipeline",
        code: "PipelineNotFoundException".into(),
        detail: format!("{name} vanished right after it was changed"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_declaration_reads_back_as_the_json_it_was_made_from() {
        let props = json!({
            "role": "arn:aws:iam::1:role/p",
            "pipeline_type": "V2",
            "execution_mode": "QUEUED",
            "artifact_bucket": "b",
            "stages": [
                {"name": "Source", "actions": [{"name": "Source", "category": "Source", "owner": "AWS", "provider": "S3", "version": "1", "run_order": 1,
                    "configuration": {"PollForSourceChanges": "false", "S3Bucket": "b", "S3ObjectKey": "k.zip"}, "input_artifacts": [], "output_artifacts": ["SourceCode"]}]},
                {"name": "Deploy", "actions": [
                    {"name": "Deploy", "category": "Deploy", "owner": "AWS", "provider": "ECS", "version": "1", "run_order": 1,
                        "configuration": {"ClusterName": "c", "ServiceName": "s"}, "input_artifacts": ["SourceCode"], "output_artifacts": []},
                    {"name": "SmokeTest", "category": "Compute", "owner": "AWS", "provider": "Commands", "version": "1", "run_order": 2,
                        "configuration": {}, "input_artifacts": ["SourceCode"], "output_artifacts": [], "commands": ["curl x"]}
                ]}
            ]
        });
        let d = declaration("p", &props, "CreatePipeline").unwrap();
        assert_eq!(d.pipeline_type(), Some(&PipelineType::V2));
        assert_eq!(declaration_json(&d), props);
    }
}
