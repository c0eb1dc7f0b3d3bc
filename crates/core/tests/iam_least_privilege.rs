//! Every IAM policy Slipway generates is least privilege: each statement's actions and
//! resources are listed (and printed), no action is a wildcard (`*`, `ecs:*`, `s3:Get*`), and
//! no resource is `*` unless every action in the statement is one AWS authorizes only on `*`.

use serde_json::Value;
use slipway_core::plan::pipeline::{pipeline_resources, PipelineContext, SourceArchive};
use slipway_core::plan::service::{service_resources, ServiceContext};
use slipway_core::plan::Desired;
use slipway_core::spec::ProjectSpec;

/// Actions with no resource-level permissions (AWS's Service Authorization Reference lists no
/// resource type for them), so `Resource: "*"` is required, with why Slipway needs each.
const ONLY_ON_STAR: &[(&str, &str)] = &[
    (
        "ecr:GetAuthorizationToken",
        "the registry login token is account-wide",
    ),
    (
        "ecs:RegisterTaskDefinition",
        "the deploy action registers the new revision",
    ),
    (
        "ecs:DescribeTaskDefinition",
        "the deploy action reads the current revision",
    ),
    (
        "ecs:ListTasks",
        "authorized on container instances, which Fargate has none of",
    ),
    (
        "ecs:DescribeTasks",
        "the deploy action follows the new tasks, whose ARNs do not exist before",
    ),
];

fn specs() -> Vec<(&'static str, ProjectSpec)> {
    let base = "[app]\nname = \"shop\"\nport = 8080\n";
    [
        ("service", String::new()),
        (
            "service with secrets and a task role",
            "[service]\ntask_role = true\n[service.secrets]\nDB_PASSWORD = \"arn:aws:secretsmanager:us-east-1:123456789012:secret:shop-db-AbCdEf\"\nAPI_KEY = \"arn:aws:ssm:us-east-1:123456789012:parameter/shop/api-key\"\n".to_string(),
        ),
        ("s3 pipeline", "[pipeline.source]\nkind = \"s3\"\n".to_string()),
        (
            "github pipeline with approval and smoke test",
            "[pipeline.source]\nkind = \"github\"\nconnection = \"octo\"\nrepository = \"octo/shop\"\n[pipeline.deploy]\napproval = true\nsmoke_test = true\n".to_string(),
        ),
        (
            "codecommit pipeline",
            "[pipeline.source]\nkind = \"codecommit\"\nrepository = \"shop\"\n".to_string(),
        ),
    ]
    .into_iter()
    .map(|(what, extra)| {
        let spec = ProjectSpec::parse(&format!("{base}{extra}"))
            .unwrap_or_else(|e| panic!("{what}: {e:?}"));
        (what, spec)
    })
    .collect()
}

fn resources(spec: &ProjectSpec) -> Vec<Desired> {
    let mut all = service_resources(
        spec,
        &ServiceContext {
            region: "us-east-1".into(),
            image: "123456789012.dkr.ecr.us-east-1.amazonaws.com/shop:abc1234".into(),
        },
    );
    all.extend(pipeline_resources(
        spec,
        &PipelineContext {
            region: "us-east-1".into(),
            account: "123456789012".into(),
            service_url: Some("http://shop-1.us-east-1.elb.amazonaws.com".into()),
            source_archive: Some(SourceArchive {
                file: "/tmp/shop.zip".into(),
                sha256: "ab".repeat(32),
                bytes: 10,
            }),
        },
    ));
    all
}

fn strings(v: &Value) -> Vec<String> {
    match v {
        Value::String(s) => vec![s.clone()],
        Value::Array(a) => a
            .iter()
            .filter_map(|x| x.as_str().map(str::to_string))
            .collect(),
        _ => Vec::new(),
    }
}

/// What is wrong with one statement, by the rules above (each resource is printed as read).
fn problems_in(s: &Value, at: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let actions = strings(&s["Action"]);
    let resources = strings(&s["Resource"]);
    if actions.is_empty() || resources.is_empty() {
        problems.push(format!("{at}: no action or no resource: {s}"));
    }
    for a in &actions {
        if a.contains('*') {
            problems.push(format!("{at}: wildcard action {a}"));
        }
        if !a.contains(':') {
            problems.push(format!("{at}: {a} is not service:Action"));
        }
    }
    for r in &resources {
        println!("{at:<70} {:<60} {r}", actions.join(","));
        if r == "*" {
            let unscoped: Vec<&String> = actions
                .iter()
                .filter(|a| !ONLY_ON_STAR.iter().any(|(x, _)| x == a))
                .collect();
            if !unscoped.is_empty() {
                problems.push(format!("{at}: Resource * for {unscoped:?}"));
            }
        } else if !r.starts_with("arn:") && !r.starts_with("${") {
            problems.push(format!("{at}: resource {r} is not an ARN"));
        } else if r.ends_with(":*") && r.matches(':').count() < 5 {
            problems.push(format!("{at}: resource {r} spans a whole service"));
        }
    }
    problems
}

#[test]
fn generated_policies_name_every_action_and_scope_every_resource() {
    let mut statements = 0;
    let mut actions_seen = std::collections::BTreeSet::new();
    let mut problems = Vec::new();
    for (what, spec) in specs() {
        for d in resources(&spec) {
            let Some(policy) = d.props.get("inline_policy").filter(|p| !p.is_null()) else {
                continue;
            };
            let stmts = policy["Statement"].as_array().cloned().unwrap_or_default();
            assert!(
                !stmts.is_empty(),
                "{what}/{}: an inline policy without statements",
                d.key
            );
            for s in stmts {
                statements += 1;
                let sid = s["Sid"].as_str().unwrap_or("?").to_string();
                let at = format!("{what}/{}/{sid}", d.key);
                assert_eq!(s["Effect"], "Allow", "{at}");
                assert!(
                    s.get("NotAction").is_none() && s.get("NotResource").is_none(),
                    "{at}"
                );
                for a in strings(&s["Action"]) {
                    actions_seen.insert(a);
                }
                problems.extend(problems_in(&s, &at));
            }
        }
    }
    println!(
        "{statements} statements, {} distinct actions, {} allowed only on *",
        actions_seen.len(),
        ONLY_ON_STAR.len()
    );
    assert!(
        statements >= 15,
        "the specs produce the policies: {statements}"
    );
    assert!(
        problems.is_empty(),
        "not least privilege:\n{}",
        problems.join("\n")
    );
}

#[test]
fn the_rules_catch_what_they_are_for() {
    let found = |s: Value| problems_in(&s, "t");
    assert_eq!(
        found(serde_json::json!({"Action": ["s3:*"], "Resource": ["*"]})).len(),
        2,
        "a wildcard action and * for it"
    );
    assert_eq!(
        found(serde_json::json!({"Action": "*", "Resource": "arn:aws:s3:::b"})).len(),
        2
    );
    assert_eq!(
        found(serde_json::json!({"Action": ["ecr:GetAuthorizationToken", "ecr:PutImage"], "Resource": "*"})).len(),
        1,
        "PutImage has no reason to be on *"
    );
    assert_eq!(
        found(serde_json::json!({"Action": ["s3:GetObject"], "Resource": "arn:aws:s3:*"})).len(),
        1
    );
    assert!(
        found(serde_json::json!({"Action": ["ecr:GetAuthorizationToken"], "Resource": ["*"]}))
            .is_empty()
    );
    assert!(found(serde_json::json!({"Action": ["s3:GetObject"], "Resource": ["arn:aws:s3:::shop-artifacts/*"]})).is_empty());
}
