//! "Show me how": each AWS call Slipway made, from the journal, written as the equivalent AWS
//! CLI command so a learner can repeat it by hand. The journal keeps each request's body as
//! sent (secrets already replaced by `***`): JSON for the JSON-protocol services (ECS, ECR, Logs,
//! CodeBuild, CodePipeline…), a form for the Query ones (EC2, ELB, IAM, STS). Long bodies were
//! shortened when journaled; such a command says it is incomplete rather than guess.

use crate::journal::CallRecord;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// One call as a command line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CliCommand {
    /// `aws ecr create-repository --repository-name shop …`
    pub command: String,
    /// False when some parameters could not be written (a shortened body, a structure too
    /// deep for the shorthand): the command then needs editing before it runs.
    pub complete: bool,
    /// Whether the call changed something (not a Describe/List/Get).
    pub changes: bool,
    pub service: String,
    pub operation: String,
    #[ts(type = "number")]
    pub at_ms: i64,
}

/// The AWS CLI's name for an SDK service name.
pub fn cli_service(sdk: &str) -> String {
    match sdk {
        "Elastic Load Balancing v2" => "elbv2".into(),
        "CloudWatch Logs" => "logs".into(),
        "Application Auto Scaling" => "application-autoscaling".into(),
        "Resource Groups Tagging API" => "resourcegroupstaggingapi".into(),
        "S3" => "s3api".into(),
        other => other.to_lowercase().replace(' ', "-"),
    }
}

/// `CreateRepository` → `create-repository`, `repositoryName` → `repository-name`,
/// `ResourceARNs` → `resource-arns`, `VpcId` → `vpc-id`.
pub fn kebab(name: &str) -> String {
    // A plural acronym (ARNs, IDs) is one word.
    let name = name.replace("ARNs", "Arns").replace("IDs", "Ids");
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if c.is_uppercase() && i > 0 {
            let prev = chars[i - 1];
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_lowercase());
            if prev.is_lowercase() || prev.is_ascii_digit() || (prev.is_uppercase() && next_lower) {
                out.push('-');
            }
        }
        out.extend(c.to_lowercase());
    }
    out
}

/// Quotes a value for a POSIX shell when it needs it.
pub fn shell_quote(v: &str) -> String {
    if !v.is_empty()
        && v.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:=,@%+".contains(c))
    {
        v.to_string()
    } else {
        format!("'{}'", v.replace('\'', r"'\''"))
    }
}

/// Whether an operation only reads.
pub fn reads_only(operation: &str) -> bool {
    ["Describe", "List", "Get", "Head", "BatchGet"]
        .iter()
        .any(|p| operation.starts_with(p))
}

fn json_args(body: &str, args: &mut Vec<String>) -> bool {
    let Ok(serde_json::Value::Object(map)) = serde_json::from_str::<serde_json::Value>(body) else {
        return false;
    };
    for (k, v) in map {
        let flag = format!("--{}", kebab(&k));
        match v {
            serde_json::Value::Bool(true) => args.push(flag),
            serde_json::Value::Bool(false) => args.push(format!("--no-{}", kebab(&k))),
            serde_json::Value::Null => {}
            serde_json::Value::String(s) => args.push(format!("{flag} {}", shell_quote(&s))),
            serde_json::Value::Number(n) => args.push(format!("{flag} {n}")),
            serde_json::Value::Array(items) if items.iter().all(|i| i.is_string()) => {
                let vals: Vec<String> = items
                    .iter()
                    .filter_map(|i| i.as_str())
                    .map(shell_quote)
                    .collect();
                args.push(format!("{flag} {}", vals.join(" ")));
            }
            other => args.push(format!("{flag} {}", shell_quote(&other.to_string()))),
        }
    }
    true
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                match std::str::from_utf8(&bytes[i + 1..i + 3])
                    .ok()
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
                {
                    Some(b) => {
                        out.push(b);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A Query-protocol form as CLI arguments: scalars, `X.member.N` / `X.N` lists, and lists of
/// flat structures (`Filter.1.Name`, `Filter.1.Value.1`) in the shorthand syntax.
fn form_args(body: &str, args: &mut Vec<String>) -> bool {
    use std::collections::BTreeMap;
    let mut complete = true;
    // top-level name → index → (field → values)
    let mut order: Vec<String> = Vec::new();
    let mut scalars: BTreeMap<String, String> = BTreeMap::new();
    let mut lists: BTreeMap<String, BTreeMap<u32, BTreeMap<String, Vec<String>>>> = BTreeMap::new();
    for pair in body.split('&') {
        let Some((k, v)) = pair.split_once('=') else {
            continue;
        };
        let (k, v) = (percent_decode(k), percent_decode(v));
        if k == "Action" || k == "Version" {
            continue;
        }
        let parts: Vec<&str> = k.split('.').filter(|p| *p != "member").collect();
        let top = parts[0].to_string();
        if !order.contains(&top) {
            order.push(top.clone());
        }
        match parts.as_slice() {
            [_] => {
                scalars.insert(top, v);
            }
            [_, n] => {
                let idx = n.parse().unwrap_or(0);
                lists
                    .entry(top)
                    .or_default()
                    .entry(idx)
                    .or_default()
                    .entry(String::new())
                    .or_default()
                    .push(v);
            }
            [_, n, field] | [_, n, field, _] => {
                let idx = n.parse().unwrap_or(0);
                lists
                    .entry(top)
                    .or_default()
                    .entry(idx)
                    .or_default()
                    .entry(field.to_string())
                    .or_default()
                    .push(v);
            }
            _ => complete = false,
        }
    }
    for top in order {
        // EC2 names its filter parameter in the singular; the CLI in the plural.
        let flag = match top.as_str() {
            "Filter" => "--filters".to_string(),
            t => format!("--{}", kebab(t)),
        };
        if let Some(v) = scalars.get(&top) {
            args.push(format!("{flag} {}", shell_quote(v)));
        } else if let Some(items) = lists.get(&top) {
            let values: Vec<String> = items
                .values()
                .map(|fields| {
                    if let Some(plain) = fields.get("") {
                        shell_quote(&plain.join(","))
                    } else {
                        let parts: Vec<String> = fields
                            .iter()
                            .map(|(f, vs)| {
                                // Filter.N.Value.M → Values=a,b
                                let f = if f == "Value" { "Values" } else { f.as_str() };
                                format!("{f}={}", vs.join(","))
                            })
                            .collect();
                        shell_quote(&parts.join(","))
                    }
                })
                .collect();
            args.push(format!("{flag} {}", values.join(" ")));
        }
    }
    complete
}

/// The call as an AWS CLI command.
pub fn cli_command(call: &CallRecord, region: &str) -> CliCommand {
    let service = cli_service(&call.service);
    let mut args = vec![format!("aws {service} {}", kebab(&call.operation))];
    let complete = match call.params.as_deref().map(str::trim) {
        None | Some("") => true,
        Some(b) if b.starts_with('{') => json_args(b, &mut args),
        Some(b) if b.contains('=') && !b.starts_with('<') => form_args(b, &mut args),
        Some(_) => false,
    };
    args.push(format!("--region {region}"));
    CliCommand {
        command: args.join(" "),
        complete,
        changes: !reads_only(&call.operation),
        service: call.service.clone(),
        operation: call.operation.clone(),
        at_ms: call.started_ms,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::journal::CallOutcome;

    fn call(service: &str, operation: &str, params: &str) -> CallRecord {
        CallRecord {
            profile: "practice".into(),
            service: service.into(),
            operation: operation.into(),
            params: Some(params.into()),
            started_ms: 1,
            duration_ms: 2,
            outcome: CallOutcome::Ok,
            http_status: Some(200),
            error_code: None,
            request_id: None,
        }
    }

    #[test]
    fn names_become_the_cli_s() {
        assert_eq!(kebab("CreateRepository"), "create-repository");
        assert_eq!(kebab("repositoryName"), "repository-name");
        assert_eq!(kebab("VpcId"), "vpc-id");
        assert_eq!(kebab("ResourceARNs"), "resource-arns");
        assert_eq!(kebab("TargetGroupArn"), "target-group-arn");
        assert_eq!(kebab("GetCallerIdentity"), "get-caller-identity");
        assert_eq!(cli_service("Elastic Load Balancing v2"), "elbv2");
        assert_eq!(cli_service("ECS"), "ecs");
        assert_eq!(cli_service("CloudWatch Logs"), "logs");
    }

    #[test]
    fn a_json_call_becomes_flags() {
        let c = cli_command(
            &call(
                "ECR",
                "CreateRepository",
                r#"{"encryptionConfiguration":{"encryptionType":"AES256"},"imageScanningConfiguration":{"scanOnPush":true},"imageTagMutability":"IMMUTABLE","repositoryName":"shop"}"#,
            ),
            "ap-southeast-1",
        );
        assert_eq!(
            c.command,
            "aws ecr create-repository --encryption-configuration '{\"encryptionType\":\"AES256\"}' --image-scanning-configuration '{\"scanOnPush\":true}' --image-tag-mutability IMMUTABLE --repository-name shop --region ap-southeast-1"
        );
        assert!(c.complete && c.changes);
        let d = cli_command(
            &call(
                "ECR",
                "DeleteRepository",
                r#"{"force":true,"repositoryName":"shop"}"#,
            ),
            "us-east-1",
        );
        assert_eq!(
            d.command,
            "aws ecr delete-repository --force --repository-name shop --region us-east-1"
        );
        let r = cli_command(
            &call(
                "ECS",
                "DescribeClusters",
                r#"{"clusters":["shop"],"include":["TAGS"]}"#,
            ),
            "us-east-1",
        );
        assert_eq!(
            r.command,
            "aws ecs describe-clusters --clusters shop --include TAGS --region us-east-1"
        );
        assert!(!r.changes);
    }

    #[test]
    fn a_query_form_becomes_flags_with_lists_and_shorthand() {
        let c = cli_command(
            &call(
                "EC2",
                "CreateSecurityGroup",
                "Action=CreateSecurityGroup&Version=2016-11-15&GroupDescription=shop%20load%20balancer&GroupName=shop-alb&VpcId=vpc-1",
            ),
            "us-east-1",
        );
        assert_eq!(
            c.command,
            "aws ec2 create-security-group --group-description 'shop load balancer' --group-name shop-alb --vpc-id vpc-1 --region us-east-1"
        );
        let f = cli_command(
            &call(
                "EC2",
                "DescribeSecurityGroups",
                "Action=DescribeSecurityGroups&Version=2016-11-15&Filter.1.Name=group-name&Filter.1.Value.1=shop-alb&Filter.2.Name=vpc-id&Filter.2.Value.1=vpc-1",
            ),
            "us-east-1",
        );
        assert_eq!(
            f.command,
            "aws ec2 describe-security-groups --filters Name=group-name,Values=shop-alb Name=vpc-id,Values=vpc-1 --region us-east-1"
        );
        let l = cli_command(
            &call(
                "Elastic Load Balancing v2",
                "DescribeLoadBalancers",
                "Action=DescribeLoadBalancers&Version=2015-12-01&Names.member.1=shop",
            ),
            "us-east-1",
        );
        assert_eq!(
            l.command,
            "aws elbv2 describe-load-balancers --names shop --region us-east-1"
        );
        let arn = cli_command(
            &call("Elastic Load Balancing v2", "DeleteLoadBalancer", "Action=DeleteLoadBalancer&Version=2015-12-01&LoadBalancerArn=arn%3Aaws%3Aelasticloadbalancing%3Aus-east-1%3A1%3Aloadbalancer%2Fapp%2Fshop%2F27"),
            "us-east-1",
        );
        assert_eq!(arn.command, "aws elbv2 delete-load-balancer --load-balancer-arn arn:aws:elasticloadbalancing:us-east-1:1:loadbalancer/app/shop/27 --region us-east-1");
    }

    #[test]
    fn a_shortened_body_is_flagged_not_guessed() {
        let c = cli_command(
            &call(
                "ECS",
                "CreateService",
                r#"{"cluster":"shop","deploymentConfiguration":{"deploymentCircu"#,
            ),
            "us-east-1",
        );
        assert!(!c.complete);
        assert_eq!(c.command, "aws ecs create-service --region us-east-1");
        let q = cli_command(&call("EC2", "X", "Action=X&A.1.B.2.C.3=deep"), "us-east-1");
        assert!(!q.complete);
    }

    #[test]
    fn quoting_keeps_shell_words_whole_and_secrets_stay_redacted() {
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
        assert_eq!(shell_quote(""), "''");
        let c = cli_command(
            &call("ECR", "PutThing", r#"{"password":"***"}"#),
            "us-east-1",
        );
        assert!(c.command.contains("--password '***'"), "{}", c.command);
    }
}
