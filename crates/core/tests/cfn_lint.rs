//! The exported CloudFormation templates, checked by AWS's own linter: cfn-lint knows every
//! resource type's schema (property names, types, allowed values, attributes `Fn::GetAtt` may
//! name, create-only properties) and CloudFormation's rules on references and `DependsOn`.

use slipway_core::export::{cloudformation, to_json};
use slipway_core::spec::ProjectSpec;
use std::path::{Path, PathBuf};
use std::process::Command;

const IMAGE: &str = "123456789012.dkr.ecr.us-east-1.amazonaws.com/shop-api:1a2b3c4";

/// The regions the templates are checked in: resource schemas differ per region, and a
/// project may deploy to any of these.
const REGIONS: &[&str] = &["us-east-1", "eu-west-1", "ap-southeast-1"];

/// The spec variants: everything optional off, everything on, Graviton, and a chosen network.
fn variants() -> Vec<(&'static str, String, Option<&'static str>)> {
    let app = "[app]\nname = \"shop-api\"\nport = 8080\nhealth_path = \"/health\"\n";
    vec![
        ("plain", app.to_string(), Some(IMAGE)),
        (
            "https-autoscaling-secrets-task-role",
            format!(
                "{app}[service]\ncertificate_arn = \"arn:aws:acm:us-east-1:123456789012:certificate/0f6e1c2d-1111-2222-3333-444455556666\"\ntask_role = true\ndesired_count = 3\n[service.environment]\nRUST_LOG = \"info\"\n[service.secrets]\nDB_PASSWORD = \"arn:aws:secretsmanager:us-east-1:123456789012:secret:shop/db-AbCdEf\"\nAPI_KEY = \"arn:aws:ssm:us-east-1:123456789012:parameter/shop/api-key\"\n[service.autoscaling]\nmin = 2\nmax = 6\ncpu_target = 60\n"
            ),
            Some(IMAGE),
        ),
        (
            "arm64",
            format!("{app}[image]\nplatform = \"linux/arm64\"\n[service]\ncpu = 1024\nmemory = 2048\n"),
            Some(IMAGE),
        ),
        (
            "chosen-network-private-no-image",
            format!(
                "{app}[service]\ncircuit_breaker = false\nmin_healthy_percent = 50\nmax_percent = 100\n[network]\nvpc_id = \"vpc-0a1b2c3d4e5f67890\"\nsubnets = [\"subnet-0a1b2c3d4e5f67890\", \"subnet-0f1e2d3c4b5a69788\"]\nassign_public_ip = false\n"
            ),
            None,
        ),
    ]
}

/// cfn-lint from the repository's virtualenv: `.venv` (what scripts/setup installs from
/// scripts/requirements.txt), or `.venv-cfn` (a worktree's own).
fn cfn_lint() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let candidates: Vec<PathBuf> = [".venv", ".venv-cfn"]
        .iter()
        .map(|v| root.join(v).join("bin/cfn-lint"))
        .collect();
    candidates
        .iter()
        .find(|p| p.is_file())
        .cloned()
        .unwrap_or_else(|| {
            panic!(
                "cfn-lint is not installed; looked for {}. Install scripts/requirements.txt into .venv (scripts/setup does), e.g. `python3 -m venv .venv && .venv/bin/pip install -r scripts/requirements.txt`",
                candidates
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect::<Vec<_>>()
                    .join(" and ")
            )
        })
}

#[test]
fn exported_template_passes_cfn_lint() {
    let lint = cfn_lint();
    let dir = tempfile::tempdir().unwrap();
    let mut failures = Vec::new();
    for (name, toml, image) in variants() {
        let spec = ProjectSpec::parse(&toml).unwrap_or_else(|e| panic!("{name}: {e:?}"));
        let template = cloudformation(&spec, image).unwrap_or_else(|e| panic!("{name}: {e:?}"));
        let file = dir.path().join(format!("{name}.json"));
        std::fs::write(&file, to_json(&template)).unwrap();
        // Informational checks too, but one: I1022 prefers `Fn::Sub` to `Fn::Join` with an
        // empty delimiter (the service URL). A `Fn::Sub` string holds `${...}`, and the exporter
        // promises that no `${` survives, so an unresolved reference can never pass as text.
        let out = Command::new(&lint)
            .args(["--include-checks", "I", "--ignore-checks", "I1022"])
            .arg("--regions")
            .args(REGIONS)
            .arg("--")
            .arg(&file)
            .output()
            .expect("cfn-lint runs");
        if out.status.code() != Some(0) {
            failures.push(format!(
                "{name}: cfn-lint exited {:?}\n{}{}",
                out.status.code(),
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
