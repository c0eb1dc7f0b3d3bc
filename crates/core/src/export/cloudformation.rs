//! The service as a CloudFormation template. Each resource of the graph is translated by kind
//! (property by property, as the aws crate's providers send them to the AWS APIs), its
//! `${key.attr}` references become `Ref` and `Fn::GetAtt` of the referenced resource's logical
//! id, and the network, which Slipway looks up instead of creating, becomes parameters.
//!
//! Naming: the cluster, service, task family and log group keep the graph's names (people type
//! them: `aws logs tail /ecs/shop-api`). Security groups, load balancer, target group and roles
//! get names from CloudFormation: CloudFormation cannot replace a resource with a fixed name
//! (and a target group is replaced when the app's port changes, a security group when the VPC
//! does), and IAM role names are account-wide, so fixed ones would also stop the stack from
//! being deployed in a second region. Unnamed roles need only `CAPABILITY_IAM`.

use crate::plan::resource::{Desired, ResourceKind, PROJECT_TAG};
use crate::plan::service::{service_resources, ServiceContext};
use crate::spec::ProjectSpec;
use crate::{ErrorBody, ErrorCode};
use serde_json::{json, Map, Value};
use std::collections::BTreeSet;

/// The parameter that holds the container image.
pub const IMAGE_PARAMETER: &str = "Image";
/// The parameter that holds the VPC.
pub const VPC_PARAMETER: &str = "VpcId";
/// The parameter that holds the subnets.
pub const SUBNETS_PARAMETER: &str = "Subnets";

/// What only the stack knows enters the graph as references of its own, so one translation
/// handles them: the image (a parameter) and the region (the stack's).
const IMAGE_REF: &str = "${parameter.image}";
const REGION_REF: &str = "${stack.region}";

/// The awslogs stream prefix the engine's task definitions use (crates/aws, ecs.rs).
const LOG_STREAM_PREFIX: &str = "ecs";
/// The cooldowns the engine's scaling policy uses (crates/aws, autoscaling.rs).
const SCALING_COOLDOWN_SECONDS: u32 = 60;
/// The inline policy name the engine writes on a role (crates/aws, iam.rs).
const INLINE_POLICY_NAME: &str = "slipway";

/// The project's service as a CloudFormation template. With `image`, the `Image` parameter
/// defaults to it; without, whoever deploys the stack must give one.
pub fn cloudformation(spec: &ProjectSpec, image: Option<&str>) -> Result<Value, ErrorBody> {
    if let Some(image) = image {
        check_image(image)?;
    }
    let ctx = ServiceContext {
        region: REGION_REF.into(),
        image: IMAGE_REF.into(),
    };
    from_graph(&service_resources(spec, &ctx), &spec.app.name, image)
}

/// The logical id of a graph key: readable CamelCase, the same in every export.
pub fn logical_id(key: &str) -> String {
    let known = match key {
        "sg-alb" => "AlbSecurityGroup",
        "sg-tasks" => "TaskSecurityGroup",
        "alb" => "LoadBalancer",
        "tg" => "TargetGroup",
        "listener-http" => "HttpListener",
        "listener-https" => "HttpsListener",
        "role-exec" => "ExecutionRole",
        "role-task" => "TaskRole",
        "logs" => "LogGroup",
        "cluster" => "Cluster",
        "taskdef" => "TaskDefinition",
        "service" => "Service",
        "scaling-target" => "ScalableTarget",
        "scaling-policy" => "ScalingPolicy",
        other => {
            // A key added to the graph later: its words, capitalized.
            return other
                .split(|c: char| !c.is_ascii_alphanumeric())
                .filter(|w| !w.is_empty())
                .map(|w| {
                    let mut chars = w.chars();
                    chars
                        .next()
                        .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
                        .unwrap_or_default()
                })
                .collect();
        }
    };
    known.to_string()
}

/// The template for a graph (`cloudformation` builds the graph; tests hand-make odd ones).
pub(crate) fn from_graph(
    graph: &[Desired],
    app: &str,
    image: Option<&str>,
) -> Result<Value, ErrorBody> {
    let mut parameters = Map::new();
    let mut image_parameter = json!({
        "Type": "String",
        "MinLength": 1,
        "Description": "The container image the service runs: <repository URI>:<tag>, as `slipway push` printed it.",
    });
    if let Some(image) = image {
        image_parameter["Default"] = json!(image);
    }
    parameters.insert(IMAGE_PARAMETER.into(), image_parameter);

    let mut resources = Map::new();
    for want in graph {
        if want.data {
            network_parameters(want, &mut parameters)?;
            continue;
        }
        let id = logical_id(&want.key);
        if parameters.contains_key(&id) || resources.contains_key(&id) {
            return Err(internal(format!(
                "two parts of the template would be called {id} (graph key `{}`)",
                want.key
            )));
        }
        let (kind, properties) = properties(want, graph, app)?;
        let properties = intrinsics(&properties, graph, &want.key)?;
        let mut resource = json!({ "Type": kind, "Properties": properties });
        if want.kind == ResourceKind::LogGroup {
            // Said out loud, as the engine's destroy does by default: the logs go with the
            // stack. Retained, the group (its name is fixed) would make the next stack with
            // this app fail to create it.
            resource["DeletionPolicy"] = json!("Delete");
            resource["UpdateReplacePolicy"] = json!("Delete");
        }
        let depends_on = depends_on(want, graph, &properties);
        if !depends_on.is_empty() {
            resource["DependsOn"] = json!(depends_on);
        }
        resources.insert(id, resource);
    }

    let template = json!({
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": format!(
            "{app}: a container service on ECS Fargate behind an Application Load Balancer. Exported by Slipway from slipway.toml (edit that file and export again rather than this template). Deploy with: aws cloudformation deploy --capabilities CAPABILITY_IAM"
        ),
        "Parameters": parameters,
        "Resources": resources,
        "Outputs": outputs(graph)?,
    });
    if let Some(s) = unresolved(&template) {
        return Err(internal(format!(
            "the template would keep the unresolved reference `{s}`"
        )));
    }
    Ok(template)
}

fn check_image(image: &str) -> Result<(), ErrorBody> {
    if image.is_empty()
        || image.contains("${")
        || image.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        return Err(ErrorBody::new(
            ErrorCode::InvalidInput,
            format!("'{image}' is not an image reference"),
            "Give the image as <repository URI>:<tag>, e.g. 123456789012.dkr.ecr.us-east-1.amazonaws.com/shop-api:1a2b3c4 (`slipway images` lists them).",
        ));
    }
    Ok(())
}

fn internal(message: String) -> ErrorBody {
    ErrorBody::new(
        ErrorCode::Internal,
        format!("The CloudFormation export failed: {message}."),
        "This is a bug in Slipway's exporter; please report it with your slipway.toml.",
    )
}

/// The VPC and subnets, which Slipway looks up, as parameters; the spec's choice is the default.
fn network_parameters(
    want: &Desired,
    parameters: &mut Map<String, Value>,
) -> Result<(), ErrorBody> {
    if want.kind != ResourceKind::Network {
        return Err(internal(format!(
            "{} `{}` is looked up, and only the network can be a parameter",
            want.kind.label(),
            want.key
        )));
    }
    let mut vpc = json!({
        "Type": "AWS::EC2::VPC::Id",
        "Description": "The VPC the service runs in (network.vpc_id in slipway.toml; Slipway itself uses the region's default VPC when that is unset).",
    });
    if let Some(v) = optional(want, "vpc_id") {
        vpc["Default"] = v;
    }
    let mut subnets = json!({
        "Type": "List<AWS::EC2::Subnet::Id>",
        "Description": "Two or more subnets of that VPC in different availability zones, for the load balancer and the tasks (network.subnets in slipway.toml). Public subnets, unless network.assign_public_ip is false and the subnets reach ECR through a NAT gateway or VPC endpoints.",
    });
    let chosen: Vec<String> = optional(want, "subnets")
        .and_then(|v| v.as_array().cloned())
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    if !chosen.is_empty() {
        subnets["Default"] = json!(chosen.join(","));
    }
    parameters.insert(VPC_PARAMETER.into(), vpc);
    parameters.insert(SUBNETS_PARAMETER.into(), subnets);
    Ok(())
}

/// A property of a graph resource by dotted path; the graph always sets the ones asked for,
/// so a missing one is a bug, not a default.
fn field(want: &Desired, path: &str) -> Result<Value, ErrorBody> {
    optional(want, path).ok_or_else(|| {
        internal(format!(
            "{} `{}` has no `{path}` in the graph",
            want.kind.label(),
            want.key
        ))
    })
}

/// A property that may be unset (missing or null).
fn optional(want: &Desired, path: &str) -> Option<Value> {
    let mut v = &want.props;
    for part in path.split('.') {
        v = v.get(part)?;
    }
    (!v.is_null()).then(|| v.clone())
}

/// A number CloudFormation wants as a string (task CPU and memory, attribute values).
fn text(v: Value) -> Value {
    match v {
        Value::Number(n) => Value::String(n.to_string()),
        other => other,
    }
}

fn tags(app: &str) -> Value {
    json!([{ "Key": PROJECT_TAG, "Value": app }])
}

/// The resource type and properties of one graph resource, references still as `${key.attr}`.
fn properties(
    want: &Desired,
    graph: &[Desired],
    app: &str,
) -> Result<(&'static str, Value), ErrorBody> {
    let f = |path: &str| field(want, path);
    Ok(match want.kind {
        ResourceKind::SecurityGroup => {
            let rules = f("ingress")?;
            let mut ingress = Vec::new();
            for rule in rules.as_array().into_iter().flatten() {
                let port = rule.get("port").cloned().unwrap_or(Value::Null);
                let mut r = json!({ "IpProtocol": "tcp", "FromPort": port, "ToPort": port });
                if let Some(cidr) = rule.get("cidr") {
                    r["CidrIp"] = cidr.clone();
                } else if let Some(source) = rule.get("source") {
                    r["SourceSecurityGroupId"] = source.clone();
                } else {
                    return Err(internal(format!(
                        "an ingress rule of `{}` has neither a CIDR nor a source group",
                        want.key
                    )));
                }
                if port.is_null() {
                    return Err(internal(format!(
                        "an ingress rule of `{}` has no port",
                        want.key
                    )));
                }
                ingress.push(r);
            }
            let mut tags = tags(app);
            // As the engine does: the console lists groups by their Name tag.
            tags.as_array_mut()
                .expect("tags are a list")
                .push(json!({ "Key": "Name", "Value": want.name }));
            (
                "AWS::EC2::SecurityGroup",
                json!({
                    "GroupDescription": f("description")?,
                    "VpcId": f("vpc_id")?,
                    "SecurityGroupIngress": ingress,
                    "Tags": tags,
                }),
            )
        }
        ResourceKind::LoadBalancer => (
            "AWS::ElasticLoadBalancingV2::LoadBalancer",
            json!({
                "Type": "application",
                "Scheme": f("scheme")?,
                "IpAddressType": "ipv4",
                "Subnets": f("subnets")?,
                "SecurityGroups": f("security_groups")?,
                "Tags": tags(app),
            }),
        ),
        ResourceKind::TargetGroup => (
            "AWS::ElasticLoadBalancingV2::TargetGroup",
            json!({
                "Port": f("port")?,
                "Protocol": f("protocol")?,
                "VpcId": f("vpc_id")?,
                "TargetType": f("target_type")?,
                "HealthCheckEnabled": true,
                "HealthCheckProtocol": "HTTP",
                "HealthCheckPath": f("health_check.path")?,
                "HealthCheckIntervalSeconds": f("health_check.interval_seconds")?,
                "HealthCheckTimeoutSeconds": f("health_check.timeout_seconds")?,
                "HealthyThresholdCount": f("health_check.healthy_threshold")?,
                "UnhealthyThresholdCount": f("health_check.unhealthy_threshold")?,
                "Matcher": { "HttpCode": f("health_check.matcher")? },
                "TargetGroupAttributes": [{
                    "Key": "deregistration_delay.timeout_seconds",
                    "Value": text(f("deregistration_delay_seconds")?),
                }],
                "Tags": tags(app),
            }),
        ),
        ResourceKind::Listener => {
            let action = match f("action.type")?.as_str() {
                Some("redirect") => json!({
                    "Type": "redirect",
                    "RedirectConfig": {
                        "Protocol": "HTTPS",
                        "Port": text(f("action.port")?),
                        "StatusCode": "HTTP_301",
                    },
                }),
                Some("forward") => json!({
                    "Type": "forward",
                    "TargetGroupArn": f("action.target_group")?,
                }),
                other => {
                    return Err(internal(format!(
                        "listener `{}` has an action of type {other:?}",
                        want.key
                    )))
                }
            };
            let mut props = json!({
                "LoadBalancerArn": f("load_balancer")?,
                "Port": f("port")?,
                "Protocol": f("protocol")?,
                "DefaultActions": [action],
                "Tags": tags(app),
            });
            if let Some(cert) = optional(want, "certificate_arn") {
                props["Certificates"] = json!([{ "CertificateArn": cert }]);
            }
            ("AWS::ElasticLoadBalancingV2::Listener", props)
        }
        ResourceKind::Role => {
            let mut props = json!({
                "AssumeRolePolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [{
                        "Effect": "Allow",
                        "Principal": { "Service": f("trust")? },
                        "Action": "sts:AssumeRole",
                    }],
                },
                "Description": want.purpose.chars().take(1000).collect::<String>(),
                "Tags": tags(app),
            });
            let managed = f("managed_policies")?;
            if managed.as_array().is_some_and(|a| !a.is_empty()) {
                props["ManagedPolicyArns"] = managed;
            }
            if let Some(inline) = optional(want, "inline_policy") {
                props["Policies"] =
                    json!([{ "PolicyName": INLINE_POLICY_NAME, "PolicyDocument": inline }]);
            }
            ("AWS::IAM::Role", props)
        }
        ResourceKind::LogGroup => (
            "AWS::Logs::LogGroup",
            json!({
                "LogGroupName": want.name,
                "RetentionInDays": f("retention_days")?,
                "Tags": tags(app),
            }),
        ),
        ResourceKind::Cluster => (
            "AWS::ECS::Cluster",
            json!({ "ClusterName": want.name, "Tags": tags(app) }),
        ),
        ResourceKind::TaskDefinition => {
            let pairs = |path: &str, from: &str, to: &str| -> Result<Vec<Value>, ErrorBody> {
                let list = f(path)?;
                let mut out = Vec::new();
                for item in list.as_array().into_iter().flatten() {
                    out.push(json!({
                        "Name": item.get("name").cloned().unwrap_or(Value::Null),
                        to: item.get(from).cloned().unwrap_or(Value::Null),
                    }));
                }
                Ok(out)
            };
            let environment = pairs("container.environment", "value", "Value")?;
            let secrets = pairs("container.secrets", "value_from", "ValueFrom")?;
            let mut container = json!({
                "Name": f("container.name")?,
                "Image": f("container.image")?,
                "Essential": true,
                "PortMappings": [{ "ContainerPort": f("container.port")?, "Protocol": "tcp" }],
                "LogConfiguration": {
                    "LogDriver": "awslogs",
                    "Options": {
                        "awslogs-group": f("container.log_group")?,
                        "awslogs-region": f("container.log_region")?,
                        "awslogs-stream-prefix": LOG_STREAM_PREFIX,
                    },
                },
            });
            if !environment.is_empty() {
                container["Environment"] = json!(environment);
            }
            if !secrets.is_empty() {
                container["Secrets"] = json!(secrets);
            }
            let mut props = json!({
                "Family": want.name,
                "Cpu": text(f("cpu")?),
                "Memory": text(f("memory")?),
                "NetworkMode": "awsvpc",
                "RequiresCompatibilities": ["FARGATE"],
                "RuntimePlatform": {
                    "CpuArchitecture": f("cpu_architecture")?,
                    "OperatingSystemFamily": "LINUX",
                },
                "ExecutionRoleArn": f("execution_role")?,
                "ContainerDefinitions": [container],
                "Tags": tags(app),
            });
            if let Some(role) = optional(want, "task_role") {
                props["TaskRoleArn"] = role;
            }
            ("AWS::ECS::TaskDefinition", props)
        }
        ResourceKind::Service => {
            let breaker = f("circuit_breaker")?;
            let public = f("assign_public_ip")?.as_bool().unwrap_or(false);
            (
                "AWS::ECS::Service",
                json!({
                    "ServiceName": want.name,
                    "Cluster": f("cluster")?,
                    "TaskDefinition": f("task_definition")?,
                    "LaunchType": f("launch_type")?,
                    "DesiredCount": f("desired_count")?,
                    "DeploymentConfiguration": {
                        "MinimumHealthyPercent": f("min_healthy_percent")?,
                        "MaximumPercent": f("max_percent")?,
                        "DeploymentCircuitBreaker": { "Enable": breaker, "Rollback": breaker },
                    },
                    "HealthCheckGracePeriodSeconds": f("grace_period_seconds")?,
                    "NetworkConfiguration": {
                        "AwsvpcConfiguration": {
                            "Subnets": f("subnets")?,
                            "SecurityGroups": f("security_groups")?,
                            "AssignPublicIp": if public { "ENABLED" } else { "DISABLED" },
                        },
                    },
                    "LoadBalancers": [{
                        "TargetGroupArn": f("target_group")?,
                        "ContainerName": f("container_name")?,
                        "ContainerPort": f("container_port")?,
                    }],
                    "EnableECSManagedTags": true,
                    "PropagateTags": "SERVICE",
                    "Tags": tags(app),
                }),
            )
        }
        ResourceKind::ScalableTarget => (
            "AWS::ApplicationAutoScaling::ScalableTarget",
            // No RoleARN: Application Auto Scaling then uses its service-linked role for ECS
            // (creating it on first use), as the engine's RegisterScalableTarget call does.
            json!({
                "ServiceNamespace": "ecs",
                "ScalableDimension": "ecs:service:DesiredCount",
                "ResourceId": want.name,
                "MinCapacity": f("min")?,
                "MaxCapacity": f("max")?,
                "Tags": tags(app),
            }),
        ),
        ResourceKind::ScalingPolicy => {
            // The graph names the target as a dependency; CloudFormation names it by reference.
            let target = want
                .deps
                .iter()
                .find(|k| {
                    graph
                        .iter()
                        .any(|d| &d.key == *k && d.kind == ResourceKind::ScalableTarget)
                })
                .ok_or_else(|| {
                    internal(format!(
                        "scaling policy `{}` has no scalable target",
                        want.key
                    ))
                })?;
            (
                "AWS::ApplicationAutoScaling::ScalingPolicy",
                json!({
                    "PolicyName": want.name,
                    "PolicyType": "TargetTrackingScaling",
                    "ScalingTargetId": format!("${{{target}.id}}"),
                    "TargetTrackingScalingPolicyConfiguration": {
                        "TargetValue": f("cpu_target")?,
                        "PredefinedMetricSpecification": {
                            "PredefinedMetricType": "ECSServiceAverageCPUUtilization",
                        },
                        "ScaleInCooldown": SCALING_COOLDOWN_SECONDS,
                        "ScaleOutCooldown": SCALING_COOLDOWN_SECONDS,
                    },
                }),
            )
        }
        other => {
            return Err(internal(format!(
                "{} `{}` has no CloudFormation translation yet",
                other.label(),
                want.key
            )))
        }
    })
}

/// The outputs: where the app answers, and the names to operate it by.
fn outputs(graph: &[Desired]) -> Result<Value, ErrorBody> {
    let key_of = |kind: ResourceKind| {
        graph
            .iter()
            .find(|d| d.kind == kind)
            .map(|d| d.key.as_str())
            .ok_or_else(|| internal(format!("the graph has no {}", kind.label())))
    };
    let https = graph
        .iter()
        .any(|d| d.kind == ResourceKind::Listener && optional(d, "certificate_arn").is_some());
    let (scheme, url_note) = if https {
        ("https", " Its certificate names your domain, not this address: point the domain (a CNAME or alias record) at the load balancer.")
    } else {
        ("http", "")
    };
    let outputs = json!({
        "ServiceUrl": {
            "Description": format!("Where the app answers: the load balancer's address.{url_note}"),
            "Value": format!("{scheme}://${{{}.dns_name}}", key_of(ResourceKind::LoadBalancer)?),
        },
        "ClusterName": {
            "Description": "The ECS cluster.",
            "Value": format!("${{{}.name}}", key_of(ResourceKind::Cluster)?),
        },
        "ServiceName": {
            "Description": "The ECS service, to scale it, redeploy it or read its events.",
            "Value": format!("${{{}.name}}", key_of(ResourceKind::Service)?),
        },
    });
    intrinsics(&outputs, graph, "outputs")
}

/// `DependsOn`: the graph's dependencies that no reference already implies (CloudFormation
/// orders referenced resources itself, and cfn-lint flags a `DependsOn` that repeats one).
fn depends_on(want: &Desired, graph: &[Desired], properties: &Value) -> Vec<String> {
    let mut referenced = BTreeSet::new();
    referenced_ids(properties, &mut referenced);
    want.deps
        .iter()
        .filter(|k| graph.iter().any(|d| &d.key == *k && !d.data))
        .map(|k| logical_id(k))
        .filter(|id| !referenced.contains(id))
        .collect()
}

fn referenced_ids(v: &Value, out: &mut BTreeSet<String>) {
    match v {
        Value::Object(map) => {
            if let Some(Value::String(id)) = map.get("Ref") {
                out.insert(id.clone());
            }
            if let Some(id) = map
                .get("Fn::GetAtt")
                .and_then(|a| a.get(0))
                .and_then(Value::as_str)
            {
                out.insert(id.to_string());
            }
            map.values().for_each(|x| referenced_ids(x, out));
        }
        Value::Array(items) => items.iter().for_each(|x| referenced_ids(x, out)),
        _ => {}
    }
}

/// Replaces every `${key.attr}` in `v` with the intrinsic function CloudFormation resolves it
/// with: a whole-string reference becomes the function itself, one inside text an `Fn::Join`.
/// `owner` names the resource, for errors.
pub(crate) fn intrinsics(v: &Value, graph: &[Desired], owner: &str) -> Result<Value, ErrorBody> {
    match v {
        Value::String(s) if s.contains("${") => string_intrinsic(s, graph, owner),
        Value::Array(items) => items
            .iter()
            .map(|x| intrinsics(x, graph, owner))
            .collect::<Result<Vec<_>, _>>()
            .map(Value::Array),
        Value::Object(map) => {
            let mut out = Map::new();
            for (k, x) in map {
                out.insert(k.clone(), intrinsics(x, graph, owner)?);
            }
            Ok(Value::Object(out))
        }
        other => Ok(other.clone()),
    }
}

fn string_intrinsic(s: &str, graph: &[Desired], owner: &str) -> Result<Value, ErrorBody> {
    let mut parts: Vec<Value> = Vec::new();
    let mut rest = s;
    while let Some(start) = rest.find("${") {
        let after = &rest[start + 2..];
        let end = after.find('}').ok_or_else(|| unknown(rest, owner))?;
        if start > 0 {
            parts.push(json!(&rest[..start]));
        }
        let (function, is_list) = reference(&after[..end], graph, owner)?;
        if is_list && s != format!("${{{}}}", &after[..end]) {
            return Err(internal(format!(
                "`{s}` in `{owner}` puts a list inside text"
            )));
        }
        parts.push(function);
        rest = &after[end + 1..];
    }
    if !rest.is_empty() {
        parts.push(json!(rest));
    }
    Ok(if parts.len() == 1 && !parts[0].is_string() {
        parts.remove(0)
    } else {
        json!({ "Fn::Join": ["", parts] })
    })
}

fn unknown(reference: &str, owner: &str) -> ErrorBody {
    ErrorBody::new(
        ErrorCode::InvalidInput,
        format!("`{reference}` in `{owner}` refers to nothing Slipway creates, so the template cannot express it"),
        "Slipway reads ${...} in slipway.toml values as a reference to one of its resources; remove it from the value (environment values included).",
    )
}

/// The intrinsic function for `key.attr`, and whether its value is a list.
fn reference(inner: &str, graph: &[Desired], owner: &str) -> Result<(Value, bool), ErrorBody> {
    let whole = format!("${{{inner}}}");
    if whole == IMAGE_REF {
        return Ok((json!({ "Ref": IMAGE_PARAMETER }), false));
    }
    if whole == REGION_REF {
        return Ok((json!({ "Ref": "AWS::Region" }), false));
    }
    let (key, attr) = inner
        .split_once('.')
        .ok_or_else(|| unknown(&whole, owner))?;
    let want = graph
        .iter()
        .find(|d| d.key == key)
        .ok_or_else(|| unknown(&whole, owner))?;
    let id = logical_id(key);
    let by_ref = json!({ "Ref": id });
    let get_att = |name: &str| json!({ "Fn::GetAtt": [id, name] });
    use ResourceKind as K;
    let function = match (want.kind, attr) {
        (K::Network, "vpc_id") => json!({ "Ref": VPC_PARAMETER }),
        (K::Network, "subnets") => return Ok((json!({ "Ref": SUBNETS_PARAMETER }), true)),
        (K::SecurityGroup, "id") => get_att("GroupId"),
        // Ref of these returns the ARN.
        (
            K::LoadBalancer | K::TargetGroup | K::Listener | K::TaskDefinition | K::Service,
            "arn",
        ) => by_ref,
        (K::LoadBalancer, "dns_name") => get_att("DNSName"),
        (K::LoadBalancer, "name") => get_att("LoadBalancerName"),
        (K::TargetGroup, "name") => get_att("TargetGroupName"),
        // Ref of these returns the name.
        (K::Role | K::LogGroup | K::Cluster, "arn") => get_att("Arn"),
        (K::Role | K::LogGroup | K::Cluster, "name") => by_ref,
        (K::Service, "name") => get_att("Name"),
        (K::ScalableTarget, "id") => by_ref,
        (kind, _) => {
            return Err(internal(format!(
                "`{whole}` in `{owner}` asks the {} for `{attr}`, which the template cannot name",
                kind.label()
            )))
        }
    };
    Ok((function, false))
}

/// The first string in `v` that still holds a reference.
fn unresolved(v: &Value) -> Option<&str> {
    match v {
        Value::String(s) if s.contains("${") => Some(s),
        Value::Array(items) => items.iter().find_map(unresolved),
        Value::Object(map) => map.values().find_map(unresolved),
        _ => None,
    }
}
