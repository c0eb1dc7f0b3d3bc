//! Step 3 against the practice stack: moto as the ECR API, the local registry (basic auth) as
//! ECR's registry endpoint, and an image built by the step-2 engine.

#[path = "support/noise.rs"]
mod noise;

use noise::noise;
use slipway_core::build::BuildEvent;
use slipway_core::connection::PracticeStack;
use slipway_core::ecr::lifecycle_policy;
use slipway_core::spec::{Encryption, ProjectSpec};
use slipway_core::ErrorCode;
use slipway_docker::push::{LayerState, PushEvent};
use slipway_docker::CancellationToken;
use slipway_engine::local::{build_project, BuildOptions};
use slipway_engine::push::{push_image, LoginCache, PushProgress};
use std::sync::Arc;

fn unique(prefix: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    format!("{prefix}-{}-{nanos}", std::process::id())
}

struct World {
    conn: slipway_aws::Connection,
    docker: bollard::Docker,
    engine: slipway_docker::EngineInfo,
    stack: PracticeStack,
    store: Arc<slipway_store::Store>,
    store_dir: tempfile::TempDir,
}

async fn world() -> World {
    let stack = PracticeStack::from_env();
    slipway_aws::practice::probe_aws_endpoint(&stack)
        .await
        .expect("the practice stack runs (scripts/practice start)");
    let store_dir = tempfile::tempdir().unwrap();
    let store = Arc::new(slipway_store::Store::open_in(store_dir.path()).unwrap());
    let conn = slipway_aws::Connection::practice(&stack, None, store.clone());
    let (docker, engine) = slipway_docker::connect().await.unwrap();
    World {
        conn,
        docker,
        engine,
        stack,
        store,
        store_dir,
    }
}

/// A project whose image has a few layers of its own on the practice base image; the first one
/// is 8 MB of noise.
fn project(dir: &std::path::Path, name: &str, extra: &str) -> ProjectSpec {
    std::fs::write(dir.join("a.txt"), noise(8 * 1024 * 1024)).unwrap();
    std::fs::write(dir.join("b.txt"), extra).unwrap();
    std::fs::write(
        dir.join("Dockerfile"),
        "FROM slipway/base:practice\nCOPY a.txt /srv/a.txt\nCOPY b.txt /srv/b.txt\nUSER app\nCMD [\"cat\", \"/srv/a.txt\"]\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("slipway.toml"),
        format!("[app]\nname = \"{name}\"\nport = 8080\n"),
    )
    .unwrap();
    ProjectSpec::parse(&std::fs::read_to_string(dir.join("slipway.toml")).unwrap()).unwrap()
}

async fn build(w: &World, dir: &std::path::Path, spec: &ProjectSpec, tag: &str) -> String {
    let built = build_project(
        &w.docker,
        dir,
        spec,
        &BuildOptions {
            tag: Some(tag.into()),
            ..Default::default()
        },
        &CancellationToken::new(),
        |_: BuildEvent| {},
    )
    .await
    .unwrap();
    built.tags[0].clone()
}

#[tokio::test]
async fn pushes_with_layer_progress_and_ecr_reports_the_registrys_digest() {
    let w = world().await;
    let dir = tempfile::tempdir().unwrap();
    let name = unique("shop");
    let spec = project(dir.path(), &name, "first\n");
    let image = build(&w, dir.path(), &spec, "v1").await;
    let logins = LoginCache::default();
    let mut events = Vec::new();
    let outcome = push_image(
        &w.conn,
        &w.docker,
        &w.engine,
        &w.stack,
        &logins,
        &spec,
        &image,
        &CancellationToken::new(),
        |p| events.push(p),
    )
    .await
    .unwrap();

    // The repository was created with a learner's defaults and the project tag.
    let repo = match &events[0] {
        PushProgress::Repository {
            repository,
            created: true,
            ..
        } => repository.clone(),
        other => panic!("first event {other:?}"),
    };
    assert!(repo.scan_on_push);
    assert!(repo.immutable_tags);
    assert_eq!(repo.encryption, Encryption::Aes256);
    assert_eq!(repo.project.as_deref(), Some(name.as_str()));
    let policy: serde_json::Value =
        serde_json::from_str(repo.lifecycle_policy.as_deref().unwrap()).unwrap();
    assert_eq!(policy, lifecycle_policy(&spec.image));

    // Every layer went through its states; the bytes of the biggest one were counted.
    let layer_states: Vec<(String, LayerState)> = events
        .iter()
        .filter_map(|e| match e {
            PushProgress::Push {
                event: PushEvent::Layer { id, state, .. },
            } => Some((id.clone(), *state)),
            _ => None,
        })
        .collect();
    assert!(layer_states
        .iter()
        .any(|(_, s)| *s == LayerState::Preparing));
    assert!(layer_states.iter().any(|(_, s)| *s == LayerState::Pushed));
    assert!(events.iter().any(|e| matches!(e, PushProgress::Push { event: PushEvent::Layer { state: LayerState::Pushing, current, total: Some(t), .. } } if *current > 0 && *t >= *current)));
    // The base layer and the small COPY layer may already be in the registry (mounted from
    // another repository: the registry keeps its data); the 8 MB layer is new every run.
    assert_eq!(
        outcome.layers_pushed + outcome.layers_existing,
        3,
        "{outcome:?}"
    );
    assert!(outcome.layers_pushed >= 1, "{outcome:?}");

    // One digest everywhere: the engine's, the registry's and ECR's.
    let login = slipway_docker::push::RegistryLogin {
        username: w.stack.registry_user.clone(),
        password: std::fs::read_to_string(w.stack.registry_password_file())
            .unwrap()
            .trim()
            .into(),
        server: w.stack.registry.clone(),
    };
    let manifest = slipway_docker::registry::get_manifest(&login, &name, "v1")
        .await
        .unwrap();
    assert_eq!(manifest.digest, outcome.digest);
    let listed = slipway_aws::ecr::image_by_tag(&w.conn, &name, "v1")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(listed.digest, outcome.digest);
    assert!(matches!(events.last(), Some(PushProgress::Verified { .. })));
    assert!(outcome.image_uri.ends_with(&format!("/{name}:v1")));
    assert!(outcome.image_uri.contains(".dkr.ecr."));

    // The same tag again: the repository's tags are immutable.
    let err = push_image(
        &w.conn,
        &w.docker,
        &w.engine,
        &w.stack,
        &logins,
        &spec,
        &image,
        &CancellationToken::new(),
        |_| {},
    )
    .await
    .unwrap_err();
    assert_eq!(err.code, ErrorCode::ImageTagExists);
    assert!(err.message.contains("immutable"), "{}", err.message);

    // A new build shares its lower layers: the registry already has them.
    std::fs::write(dir.path().join("b.txt"), unique("second")).unwrap();
    let image2 = build(&w, dir.path(), &spec, "v2").await;
    let mut events2 = Vec::new();
    let second = push_image(
        &w.conn,
        &w.docker,
        &w.engine,
        &w.stack,
        &logins,
        &spec,
        &image2,
        &CancellationToken::new(),
        |p| events2.push(p),
    )
    .await
    .unwrap();
    assert!(matches!(
        &events2[0],
        PushProgress::Repository { created: false, .. }
    ));
    assert_eq!(
        second.layers_existing, 2,
        "base and a.txt layers already there"
    );
    assert_eq!(second.layers_pushed, 1);
    let images = slipway_aws::ecr::list_images(&w.conn, &name).await.unwrap();
    assert_eq!(images.len(), 2);
    // Scan on push is on by default: each pushed image was scanned, as ECR does on push.
    for img in &images {
        assert_eq!(img.scan_status.as_deref(), Some("COMPLETE"), "{img:?}");
    }

    // Secrets: neither the registry password nor the ECR token is in the store or journal.
    let token = slipway_aws::ecr::registry_auth(&w.conn).await.unwrap();
    let db = std::fs::read(w.store_dir.path().join(slipway_store::STORE_FILE)).unwrap();
    let wal = std::fs::read(
        w.store_dir
            .path()
            .join(format!("{}-wal", slipway_store::STORE_FILE)),
    )
    .unwrap_or_default();
    for secret in [login.password.as_str(), token.password.as_str()] {
        assert!(secret.len() >= 8);
        for bytes in [&db, &wal] {
            assert!(
                !bytes
                    .windows(secret.len())
                    .any(|win| win == secret.as_bytes()),
                "a secret reached the store"
            );
        }
    }
    let calls = w.store.recent_calls(500).unwrap();
    assert!(calls.iter().any(|c| c.operation == "GetAuthorizationToken"));
    assert!(calls.iter().any(|c| c.operation == "PutImage"));

    slipway_aws::ecr::delete_repository(&w.conn, &name)
        .await
        .unwrap();
    for t in [&image, &image2] {
        let _ = slipway_docker::image::remove_image(&w.docker, t).await;
    }
}

#[tokio::test]
async fn bad_input_fails_before_anything_is_created() {
    let w = world().await;
    let dir = tempfile::tempdir().unwrap();
    let mut spec = project(dir.path(), "fine", "x\n");
    let logins = LoginCache::default();

    spec.image.repository = Some("Bad Repo".into());
    let err = push_image(
        &w.conn,
        &w.docker,
        &w.engine,
        &w.stack,
        &logins,
        &spec,
        "fine:1",
        &CancellationToken::new(),
        |_| {},
    )
    .await
    .unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidInput);
    assert!(
        err.message.contains("ECR repository name"),
        "{}",
        err.message
    );

    spec.image.repository = Some(unique("never"));
    let err = push_image(
        &w.conn,
        &w.docker,
        &w.engine,
        &w.stack,
        &logins,
        &spec,
        "slipway-test/never-built:1",
        &CancellationToken::new(),
        |_| {},
    )
    .await
    .unwrap_err();
    assert_eq!(err.code, ErrorCode::ImageNotFound);
    assert!(w
        .store
        .recent_calls(100)
        .unwrap()
        .iter()
        .all(|c| c.operation != "CreateRepository"));
}

#[tokio::test]
async fn a_registry_that_refuses_the_login_is_a_clear_error_without_the_password() {
    let w = world().await;
    let dir = tempfile::tempdir().unwrap();
    let name = unique("refused");
    let spec = project(dir.path(), &name, "y\n");
    let image = build(&w, dir.path(), &spec, "v1").await;
    // The same stack with a wrong password in its password file.
    let state = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(state.path().join("registry")).unwrap();
    std::fs::write(
        state.path().join("registry/password"),
        "wrong-password-123\n",
    )
    .unwrap();
    let stack = PracticeStack {
        state_dir: state.path().to_path_buf(),
        ..w.stack.clone()
    };
    let err = push_image(
        &w.conn,
        &w.docker,
        &w.engine,
        &stack,
        &LoginCache::default(),
        &spec,
        &image,
        &CancellationToken::new(),
        |_| {},
    )
    .await
    .unwrap_err();
    assert_eq!(err.code, ErrorCode::RegistryAuthFailed, "{}", err.message);
    assert!(!err.message.contains("wrong-password-123"));
    assert!(!err.hint.is_empty());
    slipway_aws::ecr::delete_repository(&w.conn, &name)
        .await
        .unwrap();
    let _ = slipway_docker::image::remove_image(&w.docker, &image).await;
}
