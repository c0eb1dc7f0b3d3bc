//! Resources as the engine sees them: what is wanted (`Desired`), what exists (`Observed`), and
//! the references between them (`${key.attr}` in a desired resource's properties).

use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;
use ts_rs::TS;

/// The tag key every resource Slipway creates carries; its value is the project name.
pub const PROJECT_TAG: &str = "slipway:project";

/// The kinds of resource the engine manages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ResourceKind {
    /// The VPC and subnets (looked up, never created).
    Network,
    SecurityGroup,
    LoadBalancer,
    TargetGroup,
    Listener,
    Role,
    LogGroup,
    Cluster,
    TaskDefinition,
    Service,
    ScalableTarget,
    ScalingPolicy,
    Bucket,
    BuildProject,
    Pipeline,
    SourceConnection,
    /// The zipped project an S3-source pipeline builds.
    SourceObject,
}

impl ResourceKind {
    /// The resource in a person's words.
    pub fn label(self) -> &'static str {
        match self {
            ResourceKind::Network => "network (VPC and subnets)",
            ResourceKind::SecurityGroup => "security group",
            ResourceKind::LoadBalancer => "load balancer",
            ResourceKind::TargetGroup => "target group",
            ResourceKind::Listener => "listener",
            ResourceKind::Role => "IAM role",
            ResourceKind::LogGroup => "log group",
            ResourceKind::Cluster => "ECS cluster",
            ResourceKind::TaskDefinition => "task definition",
            ResourceKind::Service => "ECS service",
            ResourceKind::ScalableTarget => "auto scaling target",
            ResourceKind::ScalingPolicy => "auto scaling policy",
            ResourceKind::Bucket => "S3 bucket",
            ResourceKind::BuildProject => "CodeBuild project",
            ResourceKind::Pipeline => "pipeline",
            ResourceKind::SourceConnection => "source connection",
            ResourceKind::SourceObject => "source archive",
        }
    }

    /// Properties whose change cannot be made in place: the resource is replaced.
    pub fn replace_on(self) -> &'static [&'static str] {
        match self {
            ResourceKind::SecurityGroup => &["vpc_id", "description"],
            ResourceKind::LoadBalancer => &["scheme"],
            ResourceKind::TargetGroup => &["port", "protocol", "vpc_id", "target_type"],
            ResourceKind::Listener => &["load_balancer", "port"],
            ResourceKind::Role => &["trust"],
            ResourceKind::Service => &["cluster", "launch_type"],
            ResourceKind::Bucket => &["region"],
            ResourceKind::SourceConnection => &["provider"],
            _ => &[],
        }
    }
}

/// A resource as the spec wants it.
#[derive(Debug, Clone, PartialEq)]
pub struct Desired {
    /// The resource's key in the graph, e.g. `alb`, `sg-tasks`.
    pub key: String,
    pub kind: ResourceKind,
    /// Its AWS name.
    pub name: String,
    /// What it should look like; `${key.attr}` strings refer to other resources' outputs.
    pub props: Value,
    /// Keys this one needs to exist first.
    pub deps: Vec<String>,
    /// What it is for, in a sentence.
    pub purpose: String,
    /// Looked up, never created (the default VPC).
    pub data: bool,
}

/// A resource as it exists.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Observed {
    pub key: String,
    pub kind: ResourceKind,
    pub name: String,
    /// The identifier AWS uses for it (an ARN, an id, a name).
    pub id: String,
    /// Its current properties, in the same shape as `Desired::props`.
    pub props: Value,
    /// What other resources may refer to: `arn`, `id`, `dns_name`, `subnets` ...
    pub outputs: BTreeMap<String, Value>,
    pub tags: BTreeMap<String, String>,
}

impl Observed {
    /// Whether the project's tag is on it.
    pub fn owned_by(&self, project: &str) -> bool {
        self.tags.get(PROJECT_TAG).is_some_and(|p| p == project)
    }
}

/// Outputs of resources by key, to resolve references.
pub type Outputs = BTreeMap<String, BTreeMap<String, Value>>;

/// A reference that cannot be resolved yet (its resource is still to be created).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unknown(pub String);

/// Replaces every `${key.attr}` in `props` with the output it names. A string that is exactly
/// one reference takes the output's value whatever its type (a list of subnets, a number).
pub fn resolve(props: &Value, outputs: &Outputs) -> Result<Value, Unknown> {
    match props {
        Value::String(s) => resolve_str(s, outputs),
        Value::Array(items) => items
            .iter()
            .map(|v| resolve(v, outputs))
            .collect::<Result<Vec<_>, _>>()
            .map(Value::Array),
        Value::Object(map) => {
            let mut out = serde_json::Map::new();
            for (k, v) in map {
                out.insert(k.clone(), resolve(v, outputs)?);
            }
            Ok(Value::Object(out))
        }
        other => Ok(other.clone()),
    }
}

fn lookup(reference: &str, outputs: &Outputs) -> Option<Value> {
    let (key, attr) = reference.split_once('.')?;
    outputs.get(key)?.get(attr).cloned()
}

fn resolve_str(s: &str, outputs: &Outputs) -> Result<Value, Unknown> {
    if let Some(inner) = s.strip_prefix("${").and_then(|r| r.strip_suffix('}')) {
        if !inner.contains("${") {
            return lookup(inner, outputs).ok_or_else(|| Unknown(inner.to_string()));
        }
    }
    let mut out = String::new();
    let mut rest = s;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else {
            out.push_str(&rest[start..]);
            return Ok(Value::String(out));
        };
        let reference = &after[..end];
        match lookup(reference, outputs) {
            Some(Value::String(v)) => out.push_str(&v),
            Some(v) => out.push_str(&v.to_string()),
            None => return Err(Unknown(reference.to_string())),
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Ok(Value::String(out))
}

/// The keys a value refers to.
pub fn references(props: &Value) -> Vec<String> {
    let mut out = Vec::new();
    collect_refs(props, &mut out);
    out.sort();
    out.dedup();
    out
}

fn collect_refs(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) => {
            let mut rest = s.as_str();
            while let Some(start) = rest.find("${") {
                let after = &rest[start + 2..];
                let Some(end) = after.find('}') else { break };
                if let Some((key, _)) = after[..end].split_once('.') {
                    out.push(key.to_string());
                }
                rest = &after[end + 1..];
            }
        }
        Value::Array(items) => items.iter().for_each(|i| collect_refs(i, out)),
        Value::Object(map) => map.values().for_each(|i| collect_refs(i, out)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn outputs() -> Outputs {
        let mut o = Outputs::new();
        o.insert(
            "network".into(),
            BTreeMap::from([
                ("vpc_id".into(), json!("vpc-1")),
                ("subnets".into(), json!(["subnet-a", "subnet-b"])),
            ]),
        );
        o.insert(
            "tg".into(),
            BTreeMap::from([("arn".into(), json!("arn:tg"))]),
        );
        o
    }

    #[test]
    fn whole_references_take_the_outputs_type_and_partial_ones_interpolate() {
        let props = json!({
            "subnets": "${network.subnets}",
            "vpc": "${network.vpc_id}",
            "resource": "service/${network.vpc_id}/x",
            "list": ["${tg.arn}", "plain"],
            "n": 3
        });
        let r = resolve(&props, &outputs()).unwrap();
        assert_eq!(r["subnets"], json!(["subnet-a", "subnet-b"]));
        assert_eq!(r["vpc"], "vpc-1");
        assert_eq!(r["resource"], "service/vpc-1/x");
        assert_eq!(r["list"], json!(["arn:tg", "plain"]));
        assert_eq!(r["n"], 3);
    }

    #[test]
    fn a_reference_to_a_resource_not_created_yet_is_unknown() {
        let err = resolve(&json!({"lb": "${alb.arn}"}), &outputs()).unwrap_err();
        assert_eq!(err, Unknown("alb.arn".into()));
        assert_eq!(
            references(&json!({"a": "${alb.arn}", "b": ["x/${tg.arn}/${alb.dns_name}"]})),
            vec!["alb", "tg"]
        );
    }
}
