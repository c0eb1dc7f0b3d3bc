//! The `slipway` binary as a script would use it: exit codes and `--json` output.

use serde_json::Value;
use std::process::Command;

struct Home {
    dir: tempfile::TempDir,
}

impl Home {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join(".aws")).unwrap();
        Home { dir }
    }

    fn with_config(self, config: &str) -> Self {
        std::fs::write(self.dir.path().join(".aws/config"), config).unwrap();
        self
    }

    fn slipway(&self, args: &[&str]) -> (i32, Value, String) {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_slipway"));
        cmd.args(args)
            .env("HOME", self.dir.path())
            .env("SLIPWAY_DATA_DIR", self.dir.path().join("data"));
        for (k, _) in std::env::vars() {
            if k.starts_with("AWS_") || k == "SLIPWAY_PROFILE" {
                cmd.env_remove(k);
            }
        }
        // The practice stack's state (registry password) lives under the real HOME.
        cmd.env(
            "SLIPWAY_PRACTICE_DIR",
            slipway_core::connection::PracticeStack::from_env().state_dir,
        );
        let out = cmd.output().expect("slipway runs");
        let stdout = String::from_utf8_lossy(&out.stdout).to_string();
        let json = serde_json::from_str(&stdout).unwrap_or(Value::Null);
        (
            out.status.code().unwrap_or(-1),
            json,
            String::from_utf8_lossy(&out.stderr).to_string(),
        )
    }
}

fn check<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("no check {id} in {report}"))
}

#[test]
fn doctor_on_the_practice_stack_exits_zero_with_every_check_ok() {
    let (code, report, stderr) =
        Home::new().slipway(&["doctor", "--profile", "practice", "--json"]);
    assert_eq!(code, 0, "report: {report}\nstderr: {stderr}");
    assert_eq!(report["ok"], true);
    for group in ["docker", "aws", "practice"] {
        let in_group: Vec<_> = report["checks"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["group"] == group)
            .collect();
        assert!(!in_group.is_empty(), "no {group} check");
        assert!(
            in_group.iter().all(|c| c["status"] == "ok"),
            "{group}: {in_group:?}"
        );
    }
}

#[test]
fn doctor_with_the_practice_stack_down_exits_one_and_says_how_to_start_it() {
    let dead = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
        .to_string();
    let home = Home::new();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_slipway"));
    cmd.args(["doctor", "--json"])
        .env("HOME", home.dir.path())
        .env("SLIPWAY_DATA_DIR", home.dir.path().join("data"))
        .env("SLIPWAY_MOTO_PORT", &dead)
        .env("SLIPWAY_REGISTRY_PORT", &dead)
        .env("SLIPWAY_PRACTICE_DIR", home.dir.path().join("no-stack"));
    let out = cmd.output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    for id in ["practice.aws_endpoint", "practice.registry"] {
        let c = check(&report, id);
        assert_eq!(c["status"], "fail");
        assert_eq!(c["error"]["code"], "practice_stack_down");
        assert!(c["error"]["hint"]
            .as_str()
            .unwrap()
            .contains("scripts/practice start"));
        assert!(c["error"]["message"].as_str().unwrap().contains(&dead));
    }

    let text = Command::new(env!("CARGO_BIN_EXE_slipway"))
        .args(["doctor"])
        .env("HOME", home.dir.path())
        .env("SLIPWAY_DATA_DIR", home.dir.path().join("data"))
        .env("SLIPWAY_MOTO_PORT", &dead)
        .env("SLIPWAY_REGISTRY_PORT", &dead)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&text.stdout);
    assert!(
        stdout.contains("FAIL") && stdout.contains("fix: Start the practice stack"),
        "{stdout}"
    );
}

#[test]
fn a_malformed_aws_config_is_named_with_a_fix() {
    let home = Home::new().with_config("region = us-east-1\n[profile lab\naws_access_key_id\n");
    let (code, report, _) = home.slipway(&["doctor", "--profile", "lab", "--json"]);
    assert_eq!(code, 1);
    let c = check(&report, "aws.profile");
    assert_eq!(c["error"]["code"], "aws_config_invalid");
    assert!(c["error"]["hint"]
        .as_str()
        .unwrap()
        .contains("~/.aws/config"));
    assert_eq!(check(&report, "aws.credentials")["status"], "skipped");

    let (code, out, _) = home.slipway(&["profiles", "--json"]);
    assert_eq!(code, 3);
    assert_eq!(out["error"]["code"], "aws_config_invalid");
}

#[test]
fn an_unknown_profile_lists_the_ones_that_exist() {
    let home = Home::new().with_config("[profile lab]\nregion = ap-southeast-1\n");
    let (code, report, _) = home.slipway(&["doctor", "--profile", "nope", "--json"]);
    assert_eq!(code, 1);
    let e = &check(&report, "aws.profile")["error"];
    assert_eq!(e["code"], "aws_profile_not_found");
    assert!(e["hint"].as_str().unwrap().contains("lab"), "{e}");
    assert!(e["hint"].as_str().unwrap().contains("practice"), "{e}");
}

#[test]
fn an_sso_profile_without_a_login_says_to_run_aws_sso_login() {
    let home = Home::new().with_config(
        "[profile corp]\nsso_session = corp\nsso_account_id = 111122223333\nsso_role_name = Admin\nregion = ap-southeast-1\n\n[sso-session corp]\nsso_start_url = https://example.awsapps.com/start\nsso_region = ap-southeast-1\n",
    );
    let (code, report, _) = home.slipway(&["doctor", "--profile", "corp", "--json"]);
    assert_eq!(code, 1);
    assert_eq!(check(&report, "aws.profile")["status"], "ok");
    let e = &check(&report, "aws.credentials")["error"];
    assert_eq!(e["code"], "aws_sso_login_required", "{report}");
    assert!(e["hint"]
        .as_str()
        .unwrap()
        .contains("aws sso login --profile corp"));
}

#[test]
fn a_profile_without_a_region_asks_for_one() {
    let home = Home::new().with_config(
        "[profile bare]\naws_access_key_id = AKIDEXAMPLE\naws_secret_access_key = notreal\n",
    );
    let (code, report, _) = home.slipway(&["doctor", "--profile", "bare", "--json"]);
    assert_eq!(code, 1);
    assert_eq!(
        check(&report, "aws.region")["error"]["code"],
        "aws_region_missing"
    );
}

#[test]
fn an_unreachable_docker_socket_is_reported_with_a_hint() {
    let home = Home::new();
    let out = Command::new(env!("CARGO_BIN_EXE_slipway"))
        .args(["doctor", "--json"])
        .env("HOME", home.dir.path())
        .env("SLIPWAY_DATA_DIR", home.dir.path().join("data"))
        .env("DOCKER_HOST", "unix:///nonexistent/docker.sock")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let e = &check(&report, "docker.engine")["error"];
    assert_eq!(e["code"], "docker_unreachable");
    assert!(e["message"]
        .as_str()
        .unwrap()
        .contains("/nonexistent/docker.sock"));
    assert!(e["hint"].as_str().unwrap().contains("DOCKER_HOST"));
}

#[test]
fn bad_usage_exits_two() {
    let (code, _, stderr) = Home::new().slipway(&["doctor", "--region"]);
    assert_eq!(code, 2, "{stderr}");
}

#[test]
fn profiles_lists_practice_first() {
    let home = Home::new().with_config("[profile lab]\nregion = ap-southeast-1\n");
    let (code, list, _) = home.slipway(&["profiles", "--json"]);
    assert_eq!(code, 0);
    assert_eq!(list[0]["name"], "practice");
    assert_eq!(list[1]["name"], "lab");
    assert_eq!(list[1]["region"], "ap-southeast-1");
}

#[test]
fn context_ls_prints_what_would_be_sent_sorted() {
    let home = Home::new();
    let ctx = home.dir.path().join("app");
    std::fs::create_dir_all(ctx.join("node_modules/x")).unwrap();
    for f in ["b.txt", "a.txt", "node_modules/x/i.js", "Dockerfile"] {
        std::fs::write(ctx.join(f), "x").unwrap();
    }
    std::fs::write(ctx.join(".dockerignore"), "node_modules\n").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_slipway"))
        .args(["context", "ls"])
        .arg(&ctx)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        ".dockerignore\nDockerfile\na.txt\nb.txt\n"
    );

    std::fs::write(ctx.join(".dockerignore"), "[broken\n").unwrap();
    let (code, err, _) = home.slipway(&["context", "ls", ctx.to_str().unwrap(), "--json"]);
    assert_eq!(code, 2);
    assert_eq!(err["error"]["code"], "invalid_input");
    assert!(err["error"]["message"].as_str().unwrap().contains("line 1"));
}

#[test]
fn lint_prints_findings_and_fails_on_errors() {
    let home = Home::new();
    let file = home.dir.path().join("Dockerfile");
    std::fs::write(&file, "FROM ubuntu\nWORKDIR app\n").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_slipway"))
        .arg("lint")
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "DL3000 is an error");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(":1 DL3006 warning:") && text.contains(":2 DL3000 error:"),
        "{text}"
    );

    let out = Command::new(env!("CARGO_BIN_EXE_slipway"))
        .args(["lint", "--format", "sarif"])
        .arg(&file)
        .output()
        .unwrap();
    let sarif: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let dl3000 = results
        .iter()
        .find(|r| r["ruleId"] == "DL3000")
        .expect("DL3000 in SARIF");
    assert_eq!(dl3000["level"], "error");
    assert_eq!(
        dl3000["locations"][0]["physicalLocation"]["region"]["startLine"],
        2
    );
    assert!(
        results.iter().any(|r| r["ruleId"] == "SW1002"),
        "no USER: Slipway's own check"
    );
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    assert_eq!(
        rules[dl3000["ruleIndex"].as_u64().unwrap() as usize]["id"],
        "DL3000"
    );
    assert!(rules.iter().all(|r| r["shortDescription"]["text"]
        .as_str()
        .is_some_and(|t| !t.is_empty())));
    let user = results.iter().find(|r| r["ruleId"] == "SW1002").unwrap();
    let insertion = &user["fixes"][0]["artifactChanges"][0]["replacements"][0];
    assert_eq!(
        insertion["deletedRegion"],
        serde_json::json!({ "startLine": 3, "startColumn": 1, "endLine": 3, "endColumn": 1 }),
        "USER 10001 goes at the end: {user}"
    );
    assert_eq!(insertion["insertedContent"]["text"], "USER 10001\n");

    let add = home.dir.path().join("add.Dockerfile");
    std::fs::write(
        &add,
        "FROM ubuntu:24.04\nADD app.py /app/app.py\nUSER 10001\n",
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_slipway"))
        .args(["lint", "--format", "sarif"])
        .arg(&add)
        .output()
        .unwrap();
    let sarif: Value = serde_json::from_slice(&out.stdout).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let dl3020 = results
        .iter()
        .find(|r| r["ruleId"] == "DL3020")
        .expect("DL3020 in SARIF");
    let fix = &dl3020["fixes"][0];
    assert_eq!(fix["description"]["text"], "Use COPY instead of ADD");
    let change = &fix["artifactChanges"][0];
    assert!(change["artifactLocation"]["uri"]
        .as_str()
        .unwrap()
        .ends_with("add.Dockerfile"));
    assert_eq!(
        change["replacements"][0],
        serde_json::json!({
            "deletedRegion": { "startLine": 2, "endLine": 2 },
            "insertedContent": { "text": "COPY app.py /app/app.py" }
        })
    );

    let (code, err, _) = home.slipway(&["lint", "/no/such/Dockerfile", "--json"]);
    assert_eq!(code, 2);
    assert_eq!(err["error"]["code"], "path_not_found");
}

#[test]
fn export_cloudformation_writes_a_template_offline_and_asks_for_the_image_when_none_is_given() {
    let home = Home::new();
    let project = home.dir.path().join("shop");
    std::fs::create_dir_all(&project).unwrap();
    std::fs::write(
        project.join("slipway.toml"),
        "[app]\nname = \"shop-api\"\nport = 8080\n",
    )
    .unwrap();
    let file = home.dir.path().join("shop.cfn.json");
    let image = "123456789012.dkr.ecr.us-east-1.amazonaws.com/shop-api:1a2b3c4";
    let (code, out, stderr) = home.slipway(&[
        "export",
        "cloudformation",
        project.to_str().unwrap(),
        "--image",
        image,
        "--output",
        file.to_str().unwrap(),
        "--json",
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(out["written"], file.to_str().unwrap());
    let template: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(template["Parameters"]["Image"]["Default"], image);
    assert_eq!(
        template["Resources"]["Service"]["Type"],
        "AWS::ECS::Service"
    );
    assert_eq!(
        out["resources"],
        template["Resources"].as_object().unwrap().len()
    );

    // No --image: the template goes to stdout, its Image parameter without a default.
    let out = Command::new(env!("CARGO_BIN_EXE_slipway"))
        .args(["export", "cloudformation"])
        .arg(&project)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let printed: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(printed["Parameters"]["Image"].get("Default").is_none());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("Image=<repository URI>:<tag>"), "{stderr}");

    std::fs::write(
        project.join("slipway.toml"),
        "[app]\nname = \"Shop\"\nport = 0\n",
    )
    .unwrap();
    let (code, err, _) = home.slipway(&[
        "export",
        "cloudformation",
        project.to_str().unwrap(),
        "--json",
    ]);
    assert_eq!(code, 2);
    assert_eq!(err["error"]["code"], "spec_invalid");
}
