//! The Docker adapter against the local engine, building on the locally imported practice
//! base image (no registry can be reached to pull one).

use slipway_core::build::BuildEvent;
use slipway_core::ErrorCode;
use slipway_docker::build::{build, BuildRequest};
use slipway_docker::container::{
    remove_managed, run_to_completion, smoke_test, start_local, stop_and_remove, RunRequest,
};
use slipway_docker::image::{image_exists, inspect_layers, remove_image};
use slipway_docker::{CancellationToken, DockerError};
use std::path::Path;
use std::time::{Duration, Instant};

const BASE: &str = "slipway/base:practice";

async fn engine() -> bollard::Docker {
    let (docker, info) = slipway_docker::connect()
        .await
        .expect("a Docker engine (scripts/practice start starts one)");
    assert!(!info.version.is_empty());
    assert!(
        image_exists(&docker, BASE).await.unwrap(),
        "run scripts/practice start to build the base image"
    );
    docker
}

fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, body) in files {
        let p = dir.path().join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, body).unwrap();
    }
    dir
}

fn request(dir: &Path, tag: &str) -> BuildRequest {
    BuildRequest {
        context_dir: dir.to_path_buf(),
        dockerfile: "Dockerfile".into(),
        tags: vec![tag.to_string()],
        ..Default::default()
    }
}

fn unique(name: &str) -> String {
    format!(
        "slipway-test/{name}:{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .subsec_nanos()
    )
}

#[tokio::test]
async fn builds_with_step_rows_cache_hits_and_extra_tags_then_runs() {
    let docker = engine().await;
    let dir = project(&[
        ("hello.txt", "hello from slipway\n"),
        (
            "Dockerfile",
            "FROM slipway/base:practice\n\n# the file\nCOPY hello.txt /srv/hello.txt\nUSER app\nCMD [\"cat\", \"/srv/hello.txt\"]\n",
        ),
    ]);
    let tag = unique("hello");
    let latest = format!("{}:latest", tag.split(':').next().unwrap());
    let mut req = request(dir.path(), &tag);
    req.tags.push(latest.clone());
    let mut events = Vec::new();
    let built = build(&docker, &req, &CancellationToken::new(), |e| events.push(e))
        .await
        .unwrap();
    assert!(built.id.starts_with("sha256:"), "{}", built.id);
    assert_eq!(built.total_steps, 4);
    assert_eq!(built.platform, "linux/amd64");
    let rows: Vec<(u32, Option<u32>)> = events
        .iter()
        .filter_map(|e| match e {
            BuildEvent::StepStarted { index, line, .. } => Some((*index, *line)),
            _ => None,
        })
        .collect();
    assert_eq!(
        rows,
        vec![(1, Some(1)), (2, Some(4)), (3, Some(5)), (4, Some(6))]
    );
    assert!(matches!(events.first(), Some(BuildEvent::Plan { .. })));
    assert!(events.iter().any(|e| matches!(
        e,
        BuildEvent::Context {
            done: true,
            files: 2,
            ..
        }
    )));
    assert!(matches!(events.last(), Some(BuildEvent::Built { .. })));
    assert!(image_exists(&docker, &latest).await.unwrap(), "extra tag");

    // The same build again comes from the cache, step by step.
    let mut again = Vec::new();
    let rebuilt = build(&docker, &req, &CancellationToken::new(), |e| again.push(e))
        .await
        .unwrap();
    assert_eq!(rebuilt.id, built.id);
    assert_eq!(
        rebuilt.cached_steps, 3,
        "COPY, USER and CMD come from the cache"
    );

    let out = run_to_completion(&docker, &tag, None).await.unwrap();
    assert_eq!(out.exit_code, 0);
    assert_eq!(out.stdout, "hello from slipway\n");
    let failing = run_to_completion(
        &docker,
        &tag,
        Some(vec![
            "sh".into(),
            "-c".into(),
            "echo oops >&2; exit 3".into(),
        ]),
    )
    .await
    .unwrap();
    assert_eq!(failing.exit_code, 3);
    assert_eq!(failing.stderr, "oops\n");

    let report = inspect_layers(&docker, &tag, Some(BASE)).await.unwrap();
    let copy = report
        .layers
        .iter()
        .find(|l| l.instruction.starts_with("COPY"))
        .expect("a COPY layer");
    assert_eq!(copy.size, 19, "the layer holds hello.txt");
    assert!(!copy.from_base);
    assert!(
        report.layers[0].from_base,
        "the base image's layer comes first"
    );
    assert!(report.layers.iter().any(|l| l.instruction == "USER app"));

    remove_image(&docker, &latest).await.unwrap();
    remove_image(&docker, &tag).await.unwrap();
    assert!(!image_exists(&docker, &tag).await.unwrap());
}

#[tokio::test]
async fn a_failing_step_points_at_its_dockerfile_line() {
    let docker = engine().await;
    let dir = project(&[(
        "Dockerfile",
        "FROM slipway/base:practice\nWORKDIR /app\nRUN echo starting && \\\n    exit 7\nCMD [\"true\"]\n",
    )]);
    let mut events = Vec::new();
    let err = build(
        &docker,
        &request(dir.path(), &unique("broken")),
        &CancellationToken::new(),
        |e| events.push(e),
    )
    .await
    .unwrap_err();
    let body = slipway_core::ErrorBody::from(&err);
    assert_eq!(body.code, ErrorCode::BuildFailed);
    assert!(body.message.contains("line 3"), "{}", body.message);
    assert!(
        body.message.contains("non-zero code: 7"),
        "{}",
        body.message
    );
    assert!(events.iter().any(|e| matches!(
        e,
        BuildEvent::Failed {
            step: Some(3),
            line: Some(3),
            ..
        }
    )));
    assert!(events
        .iter()
        .any(|e| matches!(e, BuildEvent::Log { step: Some(3), text } if text == "starting")));
}

#[tokio::test]
async fn a_base_image_that_is_not_here_cannot_be_pulled_and_says_so() {
    let docker = engine().await;
    let dir = project(&[(
        "Dockerfile",
        "FROM slipway-test/not-here:1.0\nCMD [\"true\"]\n",
    )]);
    let mut warnings = Vec::new();
    let err = build(
        &docker,
        &request(dir.path(), &unique("nobase")),
        &CancellationToken::new(),
        |e| {
            if let BuildEvent::Warning { message } = e {
                warnings.push(message)
            }
        },
    )
    .await
    .unwrap_err();
    let body = slipway_core::ErrorBody::from(&err);
    assert_eq!(body.code, ErrorCode::ImageNotFound, "{}", body.message);
    assert!(
        body.message.contains("slipway-test/not-here:1.0"),
        "{}",
        body.message
    );
    assert!(body.message.contains("line 1"), "{}", body.message);
    assert!(warnings[0].contains("not on this machine"), "{warnings:?}");
}

#[tokio::test]
async fn no_dockerfile_and_an_unparsable_one_are_clear_errors() {
    let docker = engine().await;
    let dir = project(&[("app.py", "print(1)\n")]);
    let err = build(
        &docker,
        &request(dir.path(), "x:1"),
        &CancellationToken::new(),
        |_| {},
    )
    .await
    .unwrap_err();
    assert!(
        matches!(err, DockerError::DockerfileMissing { .. }),
        "{err:?}"
    );
    std::fs::write(dir.path().join("Dockerfile"), "FROM\n").unwrap();
    let err = build(
        &docker,
        &request(dir.path(), "x:1"),
        &CancellationToken::new(),
        |_| {},
    )
    .await
    .unwrap_err();
    assert_eq!(
        slipway_core::ErrorBody::from(err).code,
        ErrorCode::DockerfileInvalid
    );
    let err = build(
        &docker,
        &request(Path::new("/no/such/project"), "x:1"),
        &CancellationToken::new(),
        |_| {},
    )
    .await
    .unwrap_err();
    assert!(
        matches!(err, DockerError::DockerfileMissing { .. }),
        "{err:?}"
    );
}

#[tokio::test]
async fn cancel_stops_a_running_step_in_the_engine() {
    let docker = engine().await;
    let marker = format!("slipway-cancel-{}", std::process::id());
    let dir = project(&[(
        "Dockerfile",
        &format!("FROM slipway/base:practice\nRUN echo {marker} && sleep 60\n"),
    )]);
    let cancel = CancellationToken::new();
    let trigger = cancel.clone();
    let started = Instant::now();
    let err = build(
        &docker,
        &request(dir.path(), &unique("cancel")),
        &cancel,
        move |e| {
            if matches!(&e, BuildEvent::Log { text, .. } if text.contains("slipway-cancel")) {
                trigger.cancel();
            }
        },
    )
    .await
    .unwrap_err();
    assert!(matches!(err, DockerError::Cancelled), "{err:?}");
    assert!(started.elapsed() < Duration::from_secs(30));
    // The engine kills the step's container once the client has gone.
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let running = std::process::Command::new("docker")
            .args(["ps", "--no-trunc", "--format", "{{.Command}}"])
            .output()
            .unwrap();
        if !String::from_utf8_lossy(&running.stdout).contains(&marker) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the step's container still runs after cancel"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

#[tokio::test]
async fn the_streamed_context_honors_dockerignore_and_keeps_empty_folders() {
    let docker = engine().await;
    let dir = project(&[
        ("node_modules/pkg/index.js", "x"),
        ("secret.txt", "do not ship"),
        ("app.txt", "ship me"),
        (".dockerignore", "secret.txt\nnode_modules\n"),
        (
            "Dockerfile",
            "FROM slipway/base:practice\nCOPY . /ctx\nRUN test -d /ctx/empty && test -f /ctx/app.txt && test ! -e /ctx/secret.txt && test ! -e /ctx/node_modules\n",
        ),
    ]);
    std::fs::create_dir_all(dir.path().join("empty")).unwrap();
    let tag = unique("ctx");
    let built = build(
        &docker,
        &request(dir.path(), &tag),
        &CancellationToken::new(),
        |_| {},
    )
    .await;
    let _ = remove_image(&docker, &tag).await;
    built.expect("COPY saw the empty folder and not the ignored files");
}

/// A tiny web app on busybox's httpd: /health answers 200.
async fn web_image(docker: &bollard::Docker) -> String {
    let dir = project(&[
        ("www/health", "ok\n"),
        ("www/index.html", "<h1>hi</h1>\n"),
        (
            "Dockerfile",
            "FROM slipway/base:practice\nCOPY www /www\nUSER app\nEXPOSE 8080\nCMD [\"httpd\", \"-f\", \"-p\", \"8080\", \"-h\", \"/www\"]\n",
        ),
    ]);
    let tag = unique("web");
    build(
        docker,
        &request(dir.path(), &tag),
        &CancellationToken::new(),
        |_| {},
    )
    .await
    .unwrap();
    tag
}

#[tokio::test]
async fn runs_locally_on_loopback_and_passes_the_smoke_test() {
    let docker = engine().await;
    let image = web_image(&docker).await;
    let project = format!("smoke{}", std::process::id());
    let c = start_local(
        &docker,
        &RunRequest {
            image: image.clone(),
            project: project.clone(),
            container_port: 8080,
            host_port: None,
            env: vec![],
        },
    )
    .await
    .unwrap();
    assert!(c.url.starts_with("http://127.0.0.1:"));
    let mut attempts = 0;
    let result = smoke_test(
        &docker,
        &c,
        "/health",
        Duration::from_secs(20),
        &CancellationToken::new(),
        |_, _| attempts += 1,
    )
    .await
    .unwrap();
    assert!(result.passed, "{result:?}");
    assert_eq!(result.response.as_ref().unwrap().status, 200);
    assert_eq!(result.response.as_ref().unwrap().body, "ok\n");

    // A path the app does not serve fails with the reason, not a hang.
    let missing = smoke_test(
        &docker,
        &c,
        "/nope",
        Duration::from_secs(2),
        &CancellationToken::new(),
        |_, _| {},
    )
    .await
    .unwrap();
    assert!(!missing.passed);
    assert!(missing.failure.unwrap().contains("404"));

    // The same host port cannot be used twice.
    let err = start_local(
        &docker,
        &RunRequest {
            image: image.clone(),
            project: format!("{project}b"),
            container_port: 8080,
            host_port: Some(c.host_port),
            env: vec![],
        },
    )
    .await
    .unwrap_err();
    assert_eq!(
        slipway_core::ErrorBody::from(err).code,
        ErrorCode::PortInUse
    );

    assert_eq!(remove_managed(&docker, Some(&project)).await.unwrap(), 1);
    stop_and_remove(&docker, &c.id).await.unwrap();
    remove_image(&docker, &image).await.unwrap();
}

#[tokio::test]
async fn a_container_that_exits_fails_the_smoke_test_with_its_last_lines() {
    let docker = engine().await;
    let dir = project(&[(
        "Dockerfile",
        "FROM slipway/base:practice\nCMD [\"sh\", \"-c\", \"echo ModuleNotFoundError: flask >&2; exit 1\"]\n",
    )]);
    let tag = unique("crash");
    build(
        &docker,
        &request(dir.path(), &tag),
        &CancellationToken::new(),
        |_| {},
    )
    .await
    .unwrap();
    let project = format!("crash{}", std::process::id());
    let c = start_local(
        &docker,
        &RunRequest {
            image: tag.clone(),
            project: project.clone(),
            container_port: 8080,
            host_port: None,
            env: vec![],
        },
    )
    .await
    .unwrap();
    let err = smoke_test(
        &docker,
        &c,
        "/health",
        Duration::from_secs(20),
        &CancellationToken::new(),
        |_, _| {},
    )
    .await
    .unwrap_err();
    let body = slipway_core::ErrorBody::from(&err);
    assert_eq!(body.code, ErrorCode::ContainerExited);
    assert!(
        body.message.contains("ModuleNotFoundError"),
        "{}",
        body.message
    );
    remove_managed(&docker, Some(&project)).await.unwrap();
    remove_image(&docker, &tag).await.unwrap();
}

#[tokio::test]
async fn a_missing_image_cannot_be_run() {
    let docker = engine().await;
    let err = start_local(
        &docker,
        &RunRequest {
            image: "slipway-test/never-built:1".into(),
            project: "never".into(),
            container_port: 80,
            host_port: None,
            env: vec![],
        },
    )
    .await
    .unwrap_err();
    assert_eq!(
        slipway_core::ErrorBody::from(err).code,
        ErrorCode::ImageNotFound
    );
}
