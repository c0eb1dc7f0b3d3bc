//! Step 1's commands through real IPC on Tauri's mock runtime: the generate preview, writes that
//! never replace a person's file unseen, the editor's save guard, and lint.

mod common;

use common::{app, invoke};
use serde_json::json;

fn node_project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("package.json"),
        r#"{"name":"shop","scripts":{"start":"node server.js"}}"#,
    )
    .unwrap();
    std::fs::write(
        dir.path().join("server.js"),
        "require('http').createServer((q, s) => s.end('ok')).listen(process.env.PORT || 3000);\n",
    )
    .unwrap();
    dir
}

#[test]
fn the_generate_preview_writes_only_what_was_confirmed() {
    let data = tempfile::tempdir().unwrap();
    let (_app, w) = app(data.path());
    let project = node_project();
    let path = project.path().display().to_string();
    let detection = invoke(&w, "detect_stack", json!({"path": path})).unwrap();
    assert_eq!(detection["stack"], "node");
    assert_eq!(detection["port"], 3000);

    let form = json!({"name": "shop", "port": null, "health_path": "", "platform": "linux/arm64"});
    let plan = invoke(&w, "plan_init", json!({"path": path, "form": form})).unwrap();
    let names: Vec<&str> = plan["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, vec!["Dockerfile", ".dockerignore", "slipway.toml"]);
    assert!(plan["files"][0]["proposed"]
        .as_str()
        .unwrap()
        .contains("EXPOSE 3000"));

    let written = invoke(
        &w,
        "write_init",
        json!({"path": path, "form": form, "files": ["Dockerfile", "slipway.toml"], "overwrite": []}),
    )
    .unwrap();
    assert_eq!(written, json!(["Dockerfile", "slipway.toml"]));
    assert!(
        !project.path().join(".dockerignore").exists(),
        "not confirmed, not written"
    );
    let spec = invoke(&w, "load_spec", json!({"path": path})).unwrap();
    assert_eq!(spec["image"]["platform"], "linux/arm64");

    std::fs::write(project.path().join("Dockerfile"), "FROM mine\n").unwrap();
    let err = invoke(
        &w,
        "write_init",
        json!({"path": path, "form": form, "files": ["Dockerfile"], "overwrite": []}),
    )
    .unwrap_err();
    assert_eq!(err["code"], "would_overwrite");
    assert_eq!(
        std::fs::read_to_string(project.path().join("Dockerfile")).unwrap(),
        "FROM mine\n"
    );
}

#[test]
fn the_editor_does_not_save_over_a_change_made_elsewhere() {
    let data = tempfile::tempdir().unwrap();
    let (_app, w) = app(data.path());
    let project = node_project();
    let path = project.path().display().to_string();
    assert_eq!(
        invoke(
            &w,
            "read_project_file",
            json!({"path": path, "name": "Dockerfile"})
        )
        .unwrap(),
        serde_json::Value::Null
    );
    invoke(
        &w,
        "save_project_file",
        json!({"path": path, "name": "Dockerfile", "text": "FROM a\n", "expected": null}),
    )
    .unwrap();
    std::fs::write(project.path().join("Dockerfile"), "FROM b\n").unwrap();
    let err = invoke(
        &w,
        "save_project_file",
        json!({"path": path, "name": "Dockerfile", "text": "FROM c\n", "expected": "FROM a\n"}),
    )
    .unwrap_err();
    assert_eq!(err["code"], "would_overwrite");
    assert_eq!(
        std::fs::read_to_string(project.path().join("Dockerfile")).unwrap(),
        "FROM b\n"
    );
    let err = invoke(
        &w,
        "save_project_file",
        json!({"path": path, "name": "../escape", "text": "x", "expected": null}),
    )
    .unwrap_err();
    assert_eq!(err["code"], "invalid_input");
}

#[test]
fn lint_runs_over_ipc_with_the_services_port() {
    let data = tempfile::tempdir().unwrap();
    let (_app, w) = app(data.path());
    let findings = invoke(
        &w,
        "lint_dockerfile",
        json!({"text": "FROM python:latest\nEXPOSE 80\nCMD python app.py\n", "port": 8080, "platform": null}),
    )
    .unwrap();
    let rules: Vec<&str> = findings
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    for rule in ["DL3007", "SW1001", "DL3025", "SW1002"] {
        assert!(rules.contains(&rule), "{rule} missing from {rules:?}");
    }
    let err = invoke(
        &w,
        "lint_dockerfile",
        json!({"text": "FROM\n", "port": null, "platform": null}),
    )
    .unwrap_err();
    assert_eq!(err["code"], "dockerfile_invalid");
}

#[test]
fn a_spec_that_does_not_validate_is_not_saved() {
    let data = tempfile::tempdir().unwrap();
    let (_app, w) = app(data.path());
    let project = node_project();
    let path = project.path().display().to_string();
    let bad = json!({"app": {"name": "Bad Name", "path": ".", "dockerfile": "Dockerfile", "port": 80, "health_path": "/"}, "aws": {"profile": null, "region": null}, "image": {"platform": "linux/amd64", "tag_policy": "git_sha"}});
    let err = invoke(&w, "save_spec", json!({"path": path, "spec": bad})).unwrap_err();
    assert_eq!(err["code"], "spec_invalid");
    assert!(!project.path().join("slipway.toml").exists());
    assert_eq!(
        invoke(&w, "cancel_operation", json!({"operation": "nothing-runs"})).unwrap(),
        false
    );
}
