//! Steps 1 and 2 end to end on the real local engine: detect → generate → build → run → smoke
//! test, for the Flask and Node fixture apps. Their base images are the practice stand-ins
//! (`scripts/practice start` builds them; nothing can be pulled here).

use slipway_core::build::BuildEvent;
use slipway_docker::container::stop_and_remove;
use slipway_docker::image::remove_image;
use slipway_docker::CancellationToken;
use slipway_engine::local::{build_project, run_and_smoke_test, BuildOptions};
use slipway_engine::project::{load_spec, plan_init, write_init, InitChoices};
use std::path::Path;
use std::time::Duration;

fn copy_tree(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

fn fixture(name: &str) -> tempfile::TempDir {
    let src = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../core/tests/apps")
        .join(name);
    let dir = tempfile::Builder::new().prefix(name).tempdir().unwrap();
    copy_tree(&src, dir.path());
    dir
}

async fn detect_generate_build_run(app: &str, expected_port: u16) {
    let (docker, _) = slipway_docker::connect().await.expect("a Docker engine");
    let dir = fixture(app);
    let plan = plan_init(dir.path(), &InitChoices::default()).unwrap();
    assert_eq!(plan.options.port, expected_port, "{app}: detected port");
    write_init(&plan, None, &[]).unwrap();
    let spec = load_spec(dir.path()).unwrap();
    assert_eq!(spec.app.health_path, "/health");

    let mut steps = 0;
    let mut failed = None;
    let built = build_project(
        &docker,
        dir.path(),
        &spec,
        &BuildOptions {
            tag: Some(format!("test-{}", std::process::id())),
            ..Default::default()
        },
        &CancellationToken::new(),
        |e| match e {
            BuildEvent::StepStarted { .. } => steps += 1,
            BuildEvent::Failed { message, line, .. } => {
                failed = Some(format!("line {line:?}: {message}"))
            }
            _ => {}
        },
    )
    .await
    .unwrap_or_else(|e| panic!("{app}: build failed: {} ({failed:?})", e.message));
    assert!(
        steps >= 6,
        "{app}: every instruction is a step row ({steps})"
    );

    let (container, test) = run_and_smoke_test(
        &docker,
        &spec,
        &built.tags[0],
        None,
        Duration::from_secs(60),
        &CancellationToken::new(),
        |_, _| {},
    )
    .await
    .unwrap_or_else(|e| panic!("{app}: run failed: {}", e.message));
    assert!(test.passed, "{app}: {test:?}");
    let response = test.response.unwrap();
    assert_eq!(response.status, 200);
    assert!(response.body.contains("ok"), "{app}: {}", response.body);

    stop_and_remove(&docker, &container.id).await.unwrap();
    for tag in &built.tags {
        remove_image(&docker, tag).await.unwrap();
    }
}

#[tokio::test]
async fn a_flask_app_is_detected_generated_built_run_and_smoke_tested() {
    detect_generate_build_run("flask-app", 5000).await;
}

#[tokio::test]
async fn a_node_app_is_detected_generated_built_run_and_smoke_tested() {
    detect_generate_build_run("node-app", 3000).await;
}

#[tokio::test]
async fn a_huge_context_builds_with_a_warning_naming_the_folder_to_ignore() {
    let (docker, _) = slipway_docker::connect().await.expect("a Docker engine");
    let dir = tempfile::tempdir().unwrap();
    for i in 0..210 {
        let d = dir.path().join(format!("node_modules/pkg{i}"));
        std::fs::create_dir_all(&d).unwrap();
        for j in 0..100 {
            std::fs::write(d.join(format!("f{j}.js")), "x").unwrap();
        }
    }
    std::fs::write(
        dir.path().join("Dockerfile"),
        "FROM slipway/base:practice\nCOPY Dockerfile /Dockerfile\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("slipway.toml"),
        "[app]\nname = \"huge\"\nport = 8080\n",
    )
    .unwrap();
    let spec = load_spec(dir.path()).unwrap();
    let mut warnings = Vec::new();
    let built = build_project(
        &docker,
        dir.path(),
        &spec,
        &BuildOptions {
            tag: Some(format!("huge-{}", std::process::id())),
            ..Default::default()
        },
        &CancellationToken::new(),
        |e| {
            if let BuildEvent::Warning { message } = e {
                warnings.push(message)
            }
        },
    )
    .await
    .unwrap();
    let large = warnings
        .iter()
        .find(|w| w.contains("context is large"))
        .unwrap_or_else(|| panic!("{warnings:?}"));
    assert!(
        large.contains("21001 files") || large.contains("21002 files"),
        "{large}"
    );
    assert!(
        large.contains("Add to .dockerignore: node_modules"),
        "{large}"
    );
    for tag in &built.tags {
        remove_image(&docker, tag).await.unwrap();
    }
}
