//! The labs' bad-deploy experiment on the practice stack: a revision naming a tag the ECR
//! repository does not have cannot start (its tasks stop with CannotPullContainerError), the
//! circuit breaker rolls the service back to the serving revision, the diagnosis says so with
//! the evidence, an apply restores the service, and destroy leaves nothing.

use slipway_core::connection::PracticeStack;
use slipway_core::diagnose::{diagnose_service, DiagnosisCode, Expectations};
use slipway_core::spec::ProjectSpec;
use slipway_docker::CancellationToken;
use slipway_engine::apply::DEFAULT_CONCURRENCY;
use slipway_engine::deploy::{apply_change, destroy, plan_destroy, plan_service, service_ref};
use slipway_engine::experiments::bad_deploy;
use slipway_engine::rollout::{look, schedule, wait_steady};
use std::sync::Arc;
use std::time::{Duration, Instant};

fn unique(prefix: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    format!(
        "{prefix}-{}",
        (std::process::id() as u64 * 1_000_000_007 + nanos as u64) % 1_000_000
    )
}

#[tokio::test]
async fn a_bad_deploy_fails_to_pull_and_the_circuit_breaker_rolls_back() {
    let stack = PracticeStack::from_env();
    slipway_aws::practice::probe_aws_endpoint(&stack)
        .await
        .expect("the practice stack runs (scripts/practice start)");
    let data = tempfile::tempdir().unwrap();
    let store = Arc::new(slipway_store::Store::open_in(data.path()).unwrap());
    let conn = slipway_aws::Connection::practice(&stack, None, store.clone());
    let name = unique("bad");
    let cancel = CancellationToken::new();

    // The image the service runs is in ECR (the repository knows the tag v1).
    let repo = conn
        .ecr()
        .create_repository()
        .repository_name(&name)
        .send()
        .await
        .unwrap();
    let uri = repo
        .repository()
        .and_then(|r| r.repository_uri())
        .unwrap()
        .to_string();
    let manifest = r#"{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json","config":{"mediaType":"application/vnd.docker.container.image.v1+json","size":2,"digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"},"layers":[]}"#;
    conn.ecr()
        .put_image()
        .repository_name(&name)
        .image_tag("v1")
        .image_manifest(manifest)
        .send()
        .await
        .unwrap();
    let spec = ProjectSpec::parse(&format!(
        "[app]\nname = \"{name}\"\nport = 8080\n[service]\ndesired_count = 2\n"
    ))
    .unwrap();
    let image = format!("{uri}:v1");
    let apply = |spec: ProjectSpec| {
        let (conn, store, cancel, name, image) = (&conn, &store, &cancel, &name, &image);
        async move {
            let change = plan_service(conn, &spec, image).await.unwrap();
            let report = apply_change(
                conn,
                store.as_ref(),
                name,
                &change,
                DEFAULT_CONCURRENCY,
                cancel,
                |_| {},
            )
            .await;
            assert!(report.succeeded(), "{:?}", report.failed);
        }
    };
    apply(spec.clone()).await;
    let target = service_ref(&conn, &spec).await.unwrap();
    let steady = wait_steady(&conn, &target, Duration::from_secs(60), &cancel, |_| {})
        .await
        .unwrap();
    let serving = steady.task_definition.clone();

    let bad = bad_deploy(&conn, &target, &spec, 1_790_000_000)
        .await
        .unwrap();
    assert!(
        bad.image
            .ends_with(&format!("/{name}:slipway-broken-1790000000")),
        "{bad:?}"
    );
    assert_eq!(
        bad.serving_task_definition,
        serving.rsplit('/').next().unwrap()
    );
    assert_ne!(bad.broken_task_definition, bad.serving_task_definition);
    assert_eq!(bad.failure_threshold, 3);
    // A second one while this one rolls out is refused.
    let e = bad_deploy(&conn, &target, &spec, 1_790_000_001)
        .await
        .expect_err("a rollout is going");
    assert!(e.message.contains("still rolling out"), "{e:?}");

    // Watch it as the Monitor does: look, then the practice scheduler's round.
    let started = Instant::now();
    let (mut saw_pending, mut saw_pull_failure) = (false, false);
    let rolled_back = loop {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the circuit breaker did not roll back within a minute"
        );
        let h = look(&conn, &target).await.unwrap();
        let broken: Vec<_> = h
            .tasks
            .iter()
            .filter(|t| t.task_definition.ends_with(&bad.broken_task_definition))
            .collect();
        saw_pending |= broken.iter().any(|t| t.last_status == "PENDING");
        saw_pull_failure |= broken.iter().any(|t| {
            t.stopped_reason
                .as_deref()
                .is_some_and(|r| r.starts_with("CannotPullContainerError"))
        });
        // The old tasks keep serving while the new ones fail.
        let old_running = h
            .tasks
            .iter()
            .filter(|t| t.task_definition == serving && t.last_status == "RUNNING")
            .count();
        assert_eq!(old_running, 2, "the serving revision keeps its two tasks");
        if h.task_definition == serving && h.is_steady(true) && h.failed_deployment().is_some() {
            break h;
        }
        schedule(&conn, &target, &h).await.unwrap();
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert!(
        saw_pending,
        "the broken revision's tasks were PENDING while pulling"
    );
    assert!(
        saw_pull_failure,
        "they stopped with CannotPullContainerError"
    );
    let failed = rolled_back.failed_deployment().unwrap();
    assert!(failed
        .task_definition
        .ends_with(&bad.broken_task_definition));
    assert!(failed.failed >= 3, "{failed:?}");
    assert!(rolled_back.events[0]
        .message
        .contains("deployment failed: tasks failed to start"));

    // The diagnosis names the rollback and the missing image, with the evidence.
    let d = diagnose_service(&rolled_back, &Expectations::of(&spec));
    let codes: Vec<_> = d.iter().map(|d| d.code).collect();
    assert!(codes.contains(&DiagnosisCode::CircuitBreaker), "{codes:?}");
    assert!(
        codes.contains(&DiagnosisCode::PullImageMissing),
        "{codes:?}"
    );
    let breaker = d
        .iter()
        .find(|d| d.code == DiagnosisCode::CircuitBreaker)
        .unwrap();
    assert_eq!(breaker.params["failed"], bad.broken_task_definition);
    assert_eq!(breaker.params["serving"], bad.serving_task_definition);
    let pull = d
        .iter()
        .find(|d| d.code == DiagnosisCode::PullImageMissing)
        .unwrap();
    assert_eq!(
        pull.params["image"],
        format!("{name}:slipway-broken-1790000000")
    );

    // Apply restores the service from slipway.toml: a newer revision, steady, no failure shown.
    apply(spec.clone()).await;
    let restored = wait_steady(&conn, &target, Duration::from_secs(60), &cancel, |_| {})
        .await
        .unwrap();
    assert!(
        restored.failed_deployment().is_none(),
        "{:?}",
        restored.deployments
    );

    // Without the circuit breaker the experiment is refused: ECS would retry for hours.
    let off = ProjectSpec::parse(&format!(
        "[app]\nname = \"{name}\"\nport = 8080\n[service]\ndesired_count = 2\ncircuit_breaker = false\n"
    ))
    .unwrap();
    apply(off.clone()).await;
    let e = bad_deploy(&conn, &target, &off, 1_790_000_002)
        .await
        .expect_err("no circuit breaker");
    assert!(e.hint.contains("circuit_breaker = true"), "{e:?}");

    let all = plan_destroy(&conn, store.as_ref(), &off, false)
        .await
        .unwrap();
    let (report, left) = destroy(
        &conn,
        store.as_ref(),
        &off,
        &all,
        false,
        DEFAULT_CONCURRENCY,
        &cancel,
        |_| {},
    )
    .await
    .unwrap();
    assert!(report.succeeded(), "{:?}", report.failed);
    assert!(left.is_empty(), "left after destroy: {left:?}");
    let _ = conn
        .ecr()
        .delete_repository()
        .repository_name(&name)
        .force(true)
        .send()
        .await;
}
