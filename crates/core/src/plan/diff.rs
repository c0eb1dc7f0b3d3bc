//! Planning: what is wanted against what exists, as steps a person reads before anything
//! changes. Each step says what it does, why, and the AWS calls it will make.

use super::resource::{resolve, Desired, Observed, Outputs, ResourceKind};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use ts_rs::TS;

/// What a step does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Create,
    Update,
    /// Delete and create again: a property changed that AWS cannot change in place.
    Replace,
    Delete,
    /// Already as wanted.
    Keep,
    /// Looked up only (the default VPC).
    Read,
}

impl Action {
    /// Whether the step changes anything in the account.
    pub fn changes(self) -> bool {
        matches!(
            self,
            Action::Create | Action::Update | Action::Replace | Action::Delete
        )
    }
}

/// One property that differs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct FieldChange {
    /// Dotted path, e.g. `container.image`.
    pub field: String,
    pub from: Option<String>,
    /// `None` when it is only known after apply.
    pub to: Option<String>,
}

/// One step of a plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct PlanStep {
    pub key: String,
    pub kind: ResourceKind,
    pub name: String,
    pub action: Action,
    /// Why this action, in a sentence.
    pub reason: String,
    /// What the resource is for.
    pub purpose: String,
    pub changes: Vec<FieldChange>,
    /// The AWS API calls the step makes, e.g. `elasticloadbalancing:CreateLoadBalancer`.
    pub calls: Vec<String>,
    pub deps: Vec<String>,
    /// The existing resource's id, when there is one.
    pub id: Option<String>,
}

/// A plan: the steps in dependency order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Plan {
    pub project: String,
    pub steps: Vec<PlanStep>,
    /// The longest chain of dependent changing steps (what bounds an apply's wall time).
    pub critical_path: u32,
}

impl Plan {
    /// How many steps do each action.
    pub fn count(&self, action: Action) -> usize {
        self.steps.iter().filter(|s| s.action == action).count()
    }

    /// Whether applying would change nothing.
    pub fn is_noop(&self) -> bool {
        !self.steps.iter().any(|s| s.action.changes())
    }

    /// The step with `key`.
    pub fn step(&self, key: &str) -> Option<&PlanStep> {
        self.steps.iter().find(|s| s.key == key)
    }
}

/// The AWS calls a step of `kind` makes for `action` (shown in the plan, and the basis of the
/// permissions a person needs).
pub fn calls(kind: ResourceKind, action: Action) -> Vec<String> {
    use Action::*;
    use ResourceKind::*;
    let list: &[&str] = match (kind, action) {
        (_, Keep) => &[],
        (Network, _) => &["ec2:DescribeVpcs", "ec2:DescribeSubnets"],
        (SecurityGroup, Create) => &[
            "ec2:CreateSecurityGroup",
            "ec2:AuthorizeSecurityGroupIngress",
        ],
        (SecurityGroup, Update) => &[
            "ec2:AuthorizeSecurityGroupIngress",
            "ec2:RevokeSecurityGroupIngress",
        ],
        (SecurityGroup, Delete) => &["ec2:DeleteSecurityGroup"],
        (LoadBalancer, Create) => &["elasticloadbalancing:CreateLoadBalancer"],
        (LoadBalancer, Update) => &[
            "elasticloadbalancing:SetSubnets",
            "elasticloadbalancing:SetSecurityGroups",
        ],
        (LoadBalancer, Delete) => &["elasticloadbalancing:DeleteLoadBalancer"],
        (TargetGroup, Create) => &[
            "elasticloadbalancing:CreateTargetGroup",
            "elasticloadbalancing:ModifyTargetGroupAttributes",
        ],
        (TargetGroup, Update) => &[
            "elasticloadbalancing:ModifyTargetGroup",
            "elasticloadbalancing:ModifyTargetGroupAttributes",
        ],
        (TargetGroup, Delete) => &["elasticloadbalancing:DeleteTargetGroup"],
        (Listener, Create) => &["elasticloadbalancing:CreateListener"],
        (Listener, Update) => &["elasticloadbalancing:ModifyListener"],
        (Listener, Delete) => &["elasticloadbalancing:DeleteListener"],
        (Role, Create) => &[
            "iam:CreateRole",
            "iam:AttachRolePolicy",
            "iam:PutRolePolicy",
        ],
        (Role, Update) => &[
            "iam:AttachRolePolicy",
            "iam:DetachRolePolicy",
            "iam:PutRolePolicy",
            "iam:DeleteRolePolicy",
        ],
        (Role, Delete) => &[
            "iam:DetachRolePolicy",
            "iam:DeleteRolePolicy",
            "iam:DeleteRole",
        ],
        (LogGroup, Create) => &["logs:CreateLogGroup", "logs:PutRetentionPolicy"],
        (LogGroup, Update) => &["logs:PutRetentionPolicy"],
        (LogGroup, Delete) => &["logs:DeleteLogGroup"],
        (Cluster, Create) => &["ecs:CreateCluster"],
        (Cluster, Update) => &["ecs:UpdateCluster"],
        (Cluster, Delete) => &["ecs:DeleteCluster"],
        (TaskDefinition, Create | Update) => &["ecs:RegisterTaskDefinition", "iam:PassRole"],
        (TaskDefinition, Delete) => &["ecs:DeregisterTaskDefinition"],
        (Service, Create) => &["ecs:CreateService"],
        (Service, Update) => &["ecs:UpdateService"],
        (Service, Delete) => &["ecs:UpdateService", "ecs:DeleteService"],
        (ScalableTarget, Create | Update) => &["application-autoscaling:RegisterScalableTarget"],
        (ScalableTarget, Delete) => &["application-autoscaling:DeregisterScalableTarget"],
        (ScalingPolicy, Create | Update) => &["application-autoscaling:PutScalingPolicy"],
        (ScalingPolicy, Delete) => &["application-autoscaling:DeleteScalingPolicy"],
        (Bucket, Create) => &[
            "s3:CreateBucket",
            "s3:PutBucketVersioning",
            "s3:PutEncryptionConfiguration",
            "s3:PutPublicAccessBlock",
            "s3:PutBucketTagging",
        ],
        (Bucket, Update) => &[
            "s3:PutBucketVersioning",
            "s3:PutEncryptionConfiguration",
            "s3:PutPublicAccessBlock",
        ],
        (Bucket, Delete) => &[
            "s3:ListBucketVersions",
            "s3:DeleteObjectVersion",
            "s3:DeleteBucket",
        ],
        (BuildProject, Create) => &["codebuild:CreateProject", "iam:PassRole"],
        (BuildProject, Update) => &["codebuild:UpdateProject", "iam:PassRole"],
        (BuildProject, Delete) => &["codebuild:DeleteProject"],
        (Pipeline, Create) => &["codepipeline:CreatePipeline", "iam:PassRole"],
        (Pipeline, Update) => &["codepipeline:UpdatePipeline", "iam:PassRole"],
        (Pipeline, Delete) => &["codepipeline:DeletePipeline"],
        (SourceConnection, Create) => &["codeconnections:CreateConnection"],
        (SourceConnection, Delete) => &["codeconnections:DeleteConnection"],
        (SourceObject, Create | Update) => &["s3:PutObject"],
        (SourceObject, Delete) => &["s3:DeleteObject"],
        (_, Replace) => return [calls(kind, Delete), calls(kind, Create)].concat(),
        _ => &[],
    };
    list.iter().map(|s| s.to_string()).collect()
}

fn show(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => "none".into(),
        other => other.to_string(),
    }
}

/// The properties of `want` that differ in `have`. Only fields `want` names are compared, and
/// a field the observer left out of `have` (AWS did not report it) is not compared.
pub fn compare(want: &Value, have: &Value, prefix: &str, out: &mut Vec<FieldChange>) {
    match (want, have) {
        (Value::Object(w), Value::Object(h)) => {
            for (k, wv) in w {
                let path = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                if let Some(hv) = h.get(k) {
                    compare(wv, hv, &path, out);
                }
            }
        }
        (w, h) if w == h => {}
        (Value::Null, Value::Array(a)) if a.is_empty() => {}
        (Value::Array(a), Value::Null) if a.is_empty() => {}
        (w, h) => out.push(FieldChange {
            field: prefix.to_string(),
            from: if h.is_null() { None } else { Some(show(h)) },
            to: Some(show(w)),
        }),
    }
}

/// Puts keys in dependency order (stable: the input order among equals). Unknown deps are
/// ignored; a cycle leaves its members at the end in input order.
pub fn topological(keys: &[(String, Vec<String>)]) -> Vec<String> {
    let known: BTreeSet<&str> = keys.iter().map(|(k, _)| k.as_str()).collect();
    let mut done: BTreeSet<String> = BTreeSet::new();
    let mut order = Vec::new();
    loop {
        let before = order.len();
        for (k, deps) in keys {
            if done.contains(k) {
                continue;
            }
            if deps
                .iter()
                .filter(|d| known.contains(d.as_str()))
                .all(|d| done.contains(d))
            {
                done.insert(k.clone());
                order.push(k.clone());
            }
        }
        if order.len() == keys.len() {
            return order;
        }
        if order.len() == before {
            for (k, _) in keys {
                if !done.contains(k) {
                    order.push(k.clone());
                }
            }
            return order;
        }
    }
}

/// The longest chain of changing steps, each depending on the one before.
pub fn critical_path(steps: &[PlanStep]) -> u32 {
    let mut depth: BTreeMap<&str, u32> = BTreeMap::new();
    for s in steps {
        let below = s
            .deps
            .iter()
            .filter_map(|d| depth.get(d.as_str()))
            .max()
            .copied()
            .unwrap_or(0);
        let here = below + u32::from(s.action.changes());
        depth.insert(&s.key, here);
    }
    depth.values().max().copied().unwrap_or(0)
}

/// Plans `desired` against `observed` (by key). Owned resources that exist but are no longer
/// wanted (`leftovers`) become Delete steps, after everything that depends on them.
pub fn plan(
    project: &str,
    desired: &[Desired],
    observed: &BTreeMap<String, Observed>,
    leftovers: &[Observed],
) -> Plan {
    // Outputs that are certain: resources that exist and stay (kept, read or updated in place).
    let mut outputs: Outputs = Outputs::new();
    let mut steps = Vec::new();
    for want in desired {
        let have = observed.get(&want.key);
        let deps = want.deps.clone();
        let (action, reason, changes) = match (have, want.data) {
            (Some(h), true) => {
                outputs.insert(want.key.clone(), h.outputs.clone());
                (Action::Read, format!("uses {}", h.name), Vec::new())
            }
            (None, true) => (
                Action::Read,
                "looked up when applied".to_string(),
                Vec::new(),
            ),
            (None, false) => (
                Action::Create,
                format!("no {} named {} exists yet", want.kind.label(), want.name),
                Vec::new(),
            ),
            (Some(h), false) => {
                let mut changes = Vec::new();
                match resolve(&want.props, &outputs) {
                    Ok(resolved) => compare(&resolved, &h.props, "", &mut changes),
                    Err(_) => {
                        // Compare what is known; the rest depends on a resource being (re)made.
                        let mut partial = Vec::new();
                        if let Value::Object(map) = &want.props {
                            for (k, v) in map {
                                match resolve(v, &outputs) {
                                    Ok(rv) => compare(
                                        &rv,
                                        h.props.get(k).unwrap_or(&Value::Null),
                                        k,
                                        &mut partial,
                                    ),
                                    Err(_) => partial.push(FieldChange {
                                        field: k.clone(),
                                        from: h.props.get(k).filter(|v| !v.is_null()).map(show),
                                        to: None,
                                    }),
                                }
                            }
                        }
                        changes = partial;
                    }
                }
                if changes.is_empty() {
                    outputs.insert(want.key.clone(), h.outputs.clone());
                    (Action::Keep, "already as wanted".to_string(), changes)
                } else if changes.iter().any(|c| {
                    want.kind
                        .replace_on()
                        .iter()
                        .any(|f| c.field == *f || c.field.starts_with(&format!("{f}.")))
                }) {
                    let fields: Vec<&str> = changes.iter().map(|c| c.field.as_str()).collect();
                    (
                        Action::Replace,
                        format!("{} cannot change in place", fields.join(", ")),
                        changes,
                    )
                } else {
                    let fields: Vec<&str> = changes.iter().map(|c| c.field.as_str()).collect();
                    let reason = if want.kind == ResourceKind::TaskDefinition {
                        format!("{} changed: registers a new revision", fields.join(", "))
                    } else if want.kind == ResourceKind::Service {
                        format!("{} changed: updates the service (a rolling deployment when the task definition changes)", fields.join(", "))
                    } else {
                        format!("{} changed", fields.join(", "))
                    };
                    // A task definition revision gets a new ARN: dependents see it as unknown.
                    if want.kind != ResourceKind::TaskDefinition {
                        outputs.insert(want.key.clone(), h.outputs.clone());
                    }
                    (Action::Update, reason, changes)
                }
            }
        };
        steps.push(PlanStep {
            key: want.key.clone(),
            kind: want.kind,
            name: want.name.clone(),
            action,
            reason,
            purpose: want.purpose.clone(),
            changes,
            calls: calls(want.kind, action),
            deps,
            id: have.map(|h| h.id.clone()),
        });
    }
    // Deletions go after the steps that might still use them; their own order is reversed
    // creation order (dependents first), which the caller gives as `leftovers`.
    let mut previous: Option<String> = None;
    for left in leftovers {
        let deps: Vec<String> = previous.iter().cloned().collect();
        steps.push(PlanStep {
            key: left.key.clone(),
            kind: left.kind,
            name: left.name.clone(),
            action: Action::Delete,
            reason: "belongs to the project but is no longer in the spec".into(),
            purpose: String::new(),
            changes: Vec::new(),
            calls: calls(left.kind, Action::Delete),
            deps,
            id: Some(left.id.clone()),
        });
        previous = Some(left.key.clone());
    }
    let critical_path = critical_path(&steps);
    Plan {
        project: project.to_string(),
        steps,
        critical_path,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::service::{service_resources, ServiceContext};
    use crate::spec::ProjectSpec;
    use serde_json::json;

    fn spec() -> ProjectSpec {
        ProjectSpec::parse("[app]\nname = \"shop\"\nport = 8080\nhealth_path = \"/health\"\n")
            .unwrap()
    }

    fn ctx(tag: &str) -> ServiceContext {
        ServiceContext {
            region: "us-east-1".into(),
            image: format!("1.dkr.ecr.us-east-1.amazonaws.com/shop:{tag}"),
        }
    }

    /// What AWS would hold after applying `desired` (outputs made up, props resolved).
    fn world(desired: &[Desired]) -> BTreeMap<String, Observed> {
        let mut outputs = Outputs::new();
        let mut out = BTreeMap::new();
        for d in desired {
            let mut o: BTreeMap<String, Value> = BTreeMap::new();
            if d.kind == ResourceKind::Network {
                o.insert("vpc_id".into(), json!("vpc-1"));
                o.insert("subnets".into(), json!(["subnet-a", "subnet-b"]));
            }
            o.insert("arn".into(), json!(format!("arn:{}", d.key)));
            o.insert("id".into(), json!(format!("id-{}", d.key)));
            o.insert("name".into(), json!(d.name));
            outputs.insert(d.key.clone(), o.clone());
            let props = resolve(&d.props, &outputs).unwrap();
            out.insert(
                d.key.clone(),
                Observed {
                    key: d.key.clone(),
                    kind: d.kind,
                    name: d.name.clone(),
                    id: format!("id-{}", d.key),
                    props,
                    outputs: o,
                    tags: BTreeMap::new(),
                },
            );
        }
        out
    }

    #[test]
    fn nothing_exists_so_everything_is_created_and_the_path_is_the_deepest_chain() {
        let d = service_resources(&spec(), &ctx("v1"));
        let p = plan("shop", &d, &BTreeMap::new(), &[]);
        assert_eq!(p.count(Action::Create), d.len() - 1);
        assert_eq!(p.step("network").unwrap().action, Action::Read);
        // sg-alb → sg-tasks → service, alb → listener → service, role → taskdef → service:
        assert_eq!(p.critical_path, 4, "sg-alb, alb, listener-http, service");
        assert!(p
            .step("alb")
            .unwrap()
            .calls
            .contains(&"elasticloadbalancing:CreateLoadBalancer".to_string()));
    }

    #[test]
    fn applying_again_is_a_no_op() {
        let d = service_resources(&spec(), &ctx("v1"));
        let p = plan("shop", &d, &world(&d), &[]);
        assert!(
            p.is_noop(),
            "{:#?}",
            p.steps
                .iter()
                .filter(|s| s.action.changes())
                .collect::<Vec<_>>()
        );
    }

    #[test]
    fn a_new_image_tag_changes_only_the_task_definition_and_the_service() {
        let before = service_resources(&spec(), &ctx("v1"));
        let after = service_resources(&spec(), &ctx("v2"));
        let p = plan("shop", &after, &world(&before), &[]);
        let changing: Vec<(&str, Action)> = p
            .steps
            .iter()
            .filter(|s| s.action.changes())
            .map(|s| (s.key.as_str(), s.action))
            .collect();
        assert_eq!(
            changing,
            vec![("taskdef", Action::Update), ("service", Action::Update)]
        );
        let td = p.step("taskdef").unwrap();
        assert_eq!(td.changes[0].field, "container.image");
        assert_eq!(
            td.changes[0].to.as_deref(),
            Some("1.dkr.ecr.us-east-1.amazonaws.com/shop:v2")
        );
        assert!(td.reason.contains("new revision"));
        let svc = p.step("service").unwrap();
        assert_eq!(svc.changes[0].field, "task_definition");
        assert_eq!(svc.changes[0].to, None, "known after apply");
    }

    #[test]
    fn desired_count_alone_updates_only_the_service() {
        let before = service_resources(&spec(), &ctx("v1"));
        let mut s = spec();
        s.service.desired_count = 4;
        let after = service_resources(&s, &ctx("v1"));
        let p = plan("shop", &after, &world(&before), &[]);
        let changing: Vec<&str> = p
            .steps
            .iter()
            .filter(|s| s.action.changes())
            .map(|s| s.key.as_str())
            .collect();
        assert_eq!(changing, vec!["service"]);
        assert_eq!(p.step("service").unwrap().changes[0].field, "desired_count");
        assert_eq!(p.critical_path, 1);
    }

    #[test]
    fn a_new_container_port_replaces_the_target_group() {
        let before = service_resources(&spec(), &ctx("v1"));
        let mut s = spec();
        s.app.port = 9090;
        let after = service_resources(&s, &ctx("v1"));
        let p = plan("shop", &after, &world(&before), &[]);
        assert_eq!(p.step("tg").unwrap().action, Action::Replace);
        assert_eq!(p.step("sg-tasks").unwrap().action, Action::Update);
        assert_eq!(
            p.step("listener-http").unwrap().action,
            Action::Update,
            "forwards to the new target group"
        );
    }

    #[test]
    fn leftovers_are_deleted_last() {
        let d = service_resources(&spec(), &ctx("v1"));
        let w = world(&d);
        let extra = Observed {
            key: "scaling-policy".into(),
            kind: ResourceKind::ScalingPolicy,
            name: "shop-cpu".into(),
            id: "arn:policy".into(),
            props: json!({}),
            outputs: BTreeMap::new(),
            tags: BTreeMap::new(),
        };
        let p = plan("shop", &d, &w, std::slice::from_ref(&extra));
        let last = p.steps.last().unwrap();
        assert_eq!(
            (last.key.as_str(), last.action),
            ("scaling-policy", Action::Delete)
        );
        assert!(last
            .calls
            .contains(&"application-autoscaling:DeleteScalingPolicy".to_string()));
    }

    #[test]
    fn a_field_aws_did_not_report_is_not_a_change_but_a_reported_null_is() {
        let mut out = Vec::new();
        compare(&json!({"a": 1, "b": true}), &json!({"a": 1}), "", &mut out);
        assert!(out.is_empty());
        compare(&json!({"b": true}), &json!({"b": null}), "", &mut out);
        assert_eq!(out[0].field, "b");
    }

    #[test]
    fn topological_order_puts_dependencies_first() {
        let keys = vec![
            ("c".to_string(), vec!["b".to_string()]),
            ("b".to_string(), vec!["a".to_string()]),
            ("a".to_string(), vec![]),
        ];
        assert_eq!(topological(&keys), vec!["a", "b", "c"]);
    }
}
