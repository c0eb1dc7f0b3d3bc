//! The Docker adapter against the local engine, building on the locally imported practice
//! base image (no registry can be reached to pull one).

use slipway_docker::container::run_to_completion;
use slipway_docker::image::{build_image, image_exists, remove_image, BuildEvent};

#[tokio::test]
async fn builds_and_runs_a_tiny_image_through_the_engine_api() {
    let (docker, info) = slipway_docker::connect()
        .await
        .expect("a Docker engine (scripts/practice start starts one)");
    assert!(!info.version.is_empty());
    assert!(
        image_exists(&docker, "slipway/base:practice")
            .await
            .unwrap(),
        "run scripts/practice start to build the base image"
    );

    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("hello.txt"), "hello from slipway\n").unwrap();
    std::fs::write(
        dir.path().join("Dockerfile"),
        "FROM slipway/base:practice\nCOPY hello.txt /srv/hello.txt\nUSER app\nCMD [\"cat\", \"/srv/hello.txt\"]\n",
    )
    .unwrap();
    let tag = format!("slipway-test/hello:{}", std::process::id());
    let mut lines = Vec::new();
    let mut built = None;
    let id = build_image(&docker, dir.path(), "Dockerfile", &tag, |e| match e {
        BuildEvent::Line(l) => lines.push(l),
        BuildEvent::Built(id) => built = Some(id),
    })
    .await
    .unwrap();
    assert!(id.starts_with("sha256:"), "{id}");
    assert_eq!(built.as_deref(), Some(id.as_str()));
    assert!(
        lines.iter().any(|l| l.contains("COPY hello.txt")),
        "build steps are streamed: {lines:?}"
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

    remove_image(&docker, &tag).await.unwrap();
    assert!(!image_exists(&docker, &tag).await.unwrap());
}

#[tokio::test]
async fn a_broken_dockerfile_fails_with_the_engines_reason() {
    let (docker, _) = slipway_docker::connect().await.expect("a Docker engine");
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("Dockerfile"),
        "FROM slipway/base:practice\nRUN exit 7\n",
    )
    .unwrap();
    let err = build_image(
        &docker,
        dir.path(),
        "Dockerfile",
        "slipway-test/broken:1",
        |_| {},
    )
    .await
    .unwrap_err();
    let body = slipway_core::ErrorBody::from(&err);
    assert_eq!(body.code, slipway_core::ErrorCode::DockerFailed);
    assert!(
        body.message.contains("exit 7") || body.message.contains("non-zero code: 7"),
        "{}",
        body.message
    );
}

#[tokio::test]
async fn the_streamed_context_honors_dockerignore_and_keeps_empty_folders() {
    let (docker, _) = slipway_docker::connect().await.expect("a Docker engine");
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("empty")).unwrap();
    std::fs::create_dir_all(dir.path().join("node_modules/pkg")).unwrap();
    std::fs::write(dir.path().join("node_modules/pkg/index.js"), "x").unwrap();
    std::fs::write(dir.path().join("secret.txt"), "do not ship").unwrap();
    std::fs::write(dir.path().join("app.txt"), "ship me").unwrap();
    std::fs::write(
        dir.path().join(".dockerignore"),
        "secret.txt\nnode_modules\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("Dockerfile"),
        "FROM slipway/base:practice\nCOPY . /ctx\nRUN test -d /ctx/empty && test -f /ctx/app.txt && test ! -e /ctx/secret.txt && test ! -e /ctx/node_modules\n",
    )
    .unwrap();
    let tag = format!("slipway-test/ctx:{}", std::process::id());
    let built = build_image(&docker, dir.path(), "Dockerfile", &tag, |_| {}).await;
    let _ = remove_image(&docker, &tag).await;
    built.expect("COPY saw the empty folder and not the ignored files");
}
