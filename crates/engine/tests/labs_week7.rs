//! Lab mode, Week 7, walked end to end through the engine on the practice stack (the local
//! Docker engine, moto, the local registry): before each day's work its checks say "not yet",
//! after it they say "pass", and the clean-up check passes only once nothing tagged is left.

use slipway_core::connection::PracticeStack;
use slipway_core::labs::{find, Check, CheckResult, LabStatus};
use slipway_core::spec::ProjectSpec;
use slipway_docker::container::stop_and_remove;
use slipway_docker::CancellationToken;
use slipway_engine::apply::DEFAULT_CONCURRENCY;
use slipway_engine::deploy::{apply_change, destroy, plan_destroy, plan_service, service_ref};
use slipway_engine::labs::{run_check, LabContext};
use slipway_engine::local::{build_project, run_and_smoke_test, BuildOptions};
use slipway_engine::pipeline::{
    apply_pipeline, destroy_pipeline, plan_pipeline, plan_pipeline_destroy, runs,
};
use slipway_engine::push::{push_image, LoginCache};
use std::sync::Arc;
use std::time::Duration;

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

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

/// The checks of Week 7's steps, by step id.
fn step_check(id: &str) -> Check {
    find("week7")
        .unwrap()
        .steps
        .into_iter()
        .find(|s| s.id == id)
        .unwrap_or_else(|| panic!("week7 has a step {id}"))
        .check
}

async fn check(ctx: &LabContext<'_>, id: &str) -> CheckResult {
    run_check(ctx, &step_check(id), None).await
}

async fn expect(ctx: &LabContext<'_>, id: &str, want: LabStatus) -> CheckResult {
    let r = check(ctx, id).await;
    assert_eq!(r.status, want, "{id}: {} {:?}", r.summary, r.evidence);
    r
}

#[tokio::test]
async fn week7_checks_turn_from_not_yet_to_pass_and_the_clean_up_leaves_nothing() {
    let stack = PracticeStack::from_env();
    slipway_aws::practice::probe_aws_endpoint(&stack)
        .await
        .expect("the practice stack runs (scripts/practice start)");
    let data = tempfile::tempdir().unwrap();
    let store = Arc::new(slipway_store::Store::open_in(data.path()).unwrap());
    let conn = slipway_aws::Connection::practice(&stack, None, store.clone());
    let (docker, engine) = slipway_docker::connect().await.expect("a Docker engine");
    let dir = tempfile::tempdir().unwrap();
    let name = unique("week7");
    let cancel = CancellationToken::new();

    // Nothing yet: no slipway.toml, no Dockerfile. Docker itself is there.
    {
        let ctx = LabContext {
            dir: dir.path(),
            spec: None,
            docker: Some(&docker),
            conn: Some(&conn),
            now_ms: now_ms(),
            created: false,
        };
        expect(&ctx, "day2-docker", LabStatus::Pass).await;
        expect(&ctx, "cleanup", LabStatus::NotYet).await;
        expect(&ctx, "day2-dockerfile", LabStatus::NotYet).await;
        expect(&ctx, "day3-ecr-repo", LabStatus::NotYet).await;
        let no_docker = LabContext {
            docker: None,
            ..ctx
        };
        expect(&no_docker, "day2-docker", LabStatus::NotYet).await;
    }

    // Day 2: a Dockerfile (busybox's httpd answers /health), the project file.
    std::fs::write(
        dir.path().join("Dockerfile"),
        "FROM slipway/base:practice\nWORKDIR /www\nRUN echo ok > /www/health\nEXPOSE 8080\nCMD [\"httpd\", \"-f\", \"-p\", \"8080\", \"-h\", \"/www\"]\n",
    )
    .unwrap();
    let toml = format!(
        "[app]\nname = \"{name}\"\nport = 8080\nhealth_path = \"/health\"\n[service]\ndesired_count = 2\n[service.autoscaling]\nmin = 2\nmax = 4\ncpu_target = 60\n[pipeline.source]\nkind = \"s3\"\n"
    );
    std::fs::write(dir.path().join("slipway.toml"), &toml).unwrap();
    let spec = ProjectSpec::parse(&toml).unwrap();
    let ctx = || LabContext {
        dir: dir.path(),
        spec: Some(&spec),
        docker: Some(&docker),
        conn: Some(&conn),
        now_ms: now_ms(),
        // The ECR, ECS and ELB steps below pass before the clean-up is checked.
        created: true,
    };
    expect(&ctx(), "day2-dockerfile", LabStatus::Pass).await;
    // The clean-up proves nothing before the lab has made something, though nothing is left.
    let fresh = LabContext {
        created: false,
        ..ctx()
    };
    let r = expect(&fresh, "cleanup", LabStatus::NotYet).await;
    assert!(
        r.summary.contains("Nothing to clean up yet"),
        "{}",
        r.summary
    );
    for id in [
        "day2-build",
        "day2-run",
        "day3-ecr-repo",
        "day3-ecr-push",
        "day4-cluster",
        "day4-taskdef",
        "day4-service",
        "day5-alb",
        "day5-scaling",
        "day6-pipeline",
        "day6-run",
    ] {
        expect(&ctx(), id, LabStatus::NotYet).await;
    }

    // Day 2: build, then run it locally.
    let built = build_project(
        &docker,
        dir.path(),
        &spec,
        &BuildOptions {
            tag: Some("v1".into()),
            ..Default::default()
        },
        &cancel,
        |_| {},
    )
    .await
    .unwrap_or_else(|e| panic!("build: {}", e.message));
    expect(&ctx(), "day2-build", LabStatus::Pass).await;
    let (container, smoke) = run_and_smoke_test(
        &docker,
        &spec,
        &built.tags[0],
        None,
        Duration::from_secs(30),
        &cancel,
        |_, _| {},
    )
    .await
    .unwrap_or_else(|e| panic!("run: {}", e.message));
    assert!(smoke.passed, "{smoke:?}");
    let answered = expect(&ctx(), "day2-run", LabStatus::Pass).await;
    assert!(
        answered
            .evidence
            .iter()
            .any(|(k, v)| k == "Status" && v == "200"),
        "{answered:?}"
    );
    stop_and_remove(&docker, &container.id).await.unwrap();
    expect(&ctx(), "day2-run", LabStatus::NotYet).await;

    // Day 3: push to ECR (the repository is created on the way).
    let pushed = push_image(
        &conn,
        &docker,
        &engine,
        &stack,
        &LoginCache::default(),
        &spec,
        &built.tags[0],
        &cancel,
        |_| {},
    )
    .await
    .unwrap_or_else(|e| panic!("push: {}", e.message));
    expect(&ctx(), "day3-ecr-repo", LabStatus::Pass).await;
    let push = expect(&ctx(), "day3-ecr-push", LabStatus::Pass).await;
    assert!(
        push.evidence
            .contains(&("Tag".to_string(), "v1".to_string())),
        "{push:?}"
    );

    // Day 4 and 5: the service behind the load balancer, with scaling.
    let change = plan_service(&conn, &spec, &pushed.image_uri).await.unwrap();
    let report = apply_change(
        &conn,
        store.as_ref(),
        &name,
        &change,
        DEFAULT_CONCURRENCY,
        &cancel,
        |_| {},
    )
    .await;
    assert!(report.succeeded(), "{:?}", report.failed);
    let target = service_ref(&conn, &spec).await.unwrap();
    slipway_engine::rollout::wait_steady(&conn, &target, Duration::from_secs(60), &cancel, |_| {})
        .await
        .unwrap_or_else(|e| panic!("steady: {}", e.message));
    for id in [
        "day4-cluster",
        "day4-taskdef",
        "day4-service",
        "day5-scaling",
    ] {
        expect(&ctx(), id, LabStatus::Pass).await;
    }
    let alb = check(&ctx(), "day5-alb").await;
    assert_ne!(alb.status, LabStatus::NotYet, "{alb:?}");
    assert!(
        alb.evidence.iter().any(|(k, _)| k == "Healthy targets"),
        "{alb:?}"
    );

    // Day 6: the pipeline and one run.
    let folder = dir.path();
    let scratch = tempfile::tempdir().unwrap();
    let change = plan_pipeline(&conn, &spec, folder, scratch.path())
        .await
        .unwrap();
    let outcome = apply_pipeline(
        &conn,
        store.as_ref(),
        &spec,
        &change,
        DEFAULT_CONCURRENCY,
        &cancel,
        |_| {},
    )
    .await;
    assert!(outcome.report.succeeded(), "{:?}", outcome.report.failed);
    let stages = expect(&ctx(), "day6-pipeline", LabStatus::Pass).await;
    assert!(
        stages
            .evidence
            .iter()
            .any(|(k, v)| k == "Stages" && v == "Source → Build → Deploy"),
        "{stages:?}"
    );
    expect(&ctx(), "day6-run", LabStatus::NotYet).await;
    runs::start(&conn, &spec).await.unwrap();
    expect(&ctx(), "day6-run", LabStatus::Pass).await;

    // Clean-up: not yet while anything is left; pass once the pipeline, the service and the
    // repository are gone.
    let left = expect(&ctx(), "cleanup", LabStatus::NotYet).await;
    assert!(
        left.evidence
            .iter()
            .any(|(k, v)| k == "Resources left" && v != "0"),
        "{left:?}"
    );
    let gone = plan_pipeline_destroy(&conn, store.as_ref(), &spec)
        .await
        .unwrap();
    let (report, _) = destroy_pipeline(
        &conn,
        store.as_ref(),
        &spec,
        &gone,
        DEFAULT_CONCURRENCY,
        &cancel,
        |_| {},
    )
    .await
    .unwrap();
    assert!(report.succeeded(), "{:?}", report.failed);
    let all = plan_destroy(&conn, store.as_ref(), &spec, false)
        .await
        .unwrap();
    let (report, _) = destroy(
        &conn,
        store.as_ref(),
        &spec,
        &all,
        false,
        DEFAULT_CONCURRENCY,
        &cancel,
        |_| {},
    )
    .await
    .unwrap();
    assert!(report.succeeded(), "{:?}", report.failed);
    slipway_aws::ecr::delete_repository(&conn, &spec.image.repository_name(&name))
        .await
        .unwrap();
    let clean = expect(&ctx(), "cleanup", LabStatus::Pass).await;
    assert_eq!(
        clean.evidence,
        vec![("Resources left".to_string(), "0".to_string())]
    );
    let _ = slipway_docker::image::remove_image(&docker, &built.tags[0]).await;
}

#[tokio::test]
async fn a_question_passes_only_on_the_right_answer() {
    let q = Check::Question {
        question: slipway_core::labs::Text {
            vi: "Fargate cần chế độ mạng nào?".into(),
            en: "Which network mode does Fargate need?".into(),
        },
        choices: ["bridge", "awsvpc", "host"]
            .iter()
            .map(|c| slipway_core::labs::Choice {
                text: slipway_core::labs::Text {
                    vi: c.to_string(),
                    en: c.to_string(),
                },
                why: slipway_core::labs::Text {
                    vi: "vì".into(),
                    en: "because".into(),
                },
            })
            .collect(),
        answer: 1,
    };
    let dir = tempfile::tempdir().unwrap();
    let ctx = LabContext {
        dir: dir.path(),
        spec: None,
        docker: None,
        conn: None,
        now_ms: 0,
        created: false,
    };
    assert_eq!(run_check(&ctx, &q, None).await.status, LabStatus::NotYet);
    assert_eq!(run_check(&ctx, &q, Some(0)).await.status, LabStatus::Fail);
    assert_eq!(run_check(&ctx, &q, Some(7)).await.status, LabStatus::Fail);
    let right = run_check(&ctx, &q, Some(1)).await;
    assert_eq!(right.status, LabStatus::Pass);
    assert_eq!(
        right.evidence,
        vec![("Answer".to_string(), "awsvpc".to_string())]
    );
}

#[tokio::test]
async fn the_ha_experiment_stops_one_task_and_the_service_replaces_it() {
    let stack = PracticeStack::from_env();
    slipway_aws::practice::probe_aws_endpoint(&stack)
        .await
        .expect("the practice stack runs (scripts/practice start)");
    let data = tempfile::tempdir().unwrap();
    let store = Arc::new(slipway_store::Store::open_in(data.path()).unwrap());
    let conn = slipway_aws::Connection::practice(&stack, None, store.clone());
    let name = unique("ha");
    let cancel = CancellationToken::new();
    let one = ProjectSpec::parse(&format!(
        "[app]\nname = \"{name}\"\nport = 8080\n[service]\ndesired_count = 1\n"
    ))
    .unwrap();
    let image = "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:v1";
    let change = plan_service(&conn, &one, image).await.unwrap();
    let report = apply_change(
        &conn,
        store.as_ref(),
        &name,
        &change,
        DEFAULT_CONCURRENCY,
        &cancel,
        |_| {},
    )
    .await;
    assert!(report.succeeded(), "{:?}", report.failed);
    let target = service_ref(&conn, &one).await.unwrap();
    slipway_engine::rollout::wait_steady(&conn, &target, Duration::from_secs(60), &cancel, |_| {})
        .await
        .unwrap();
    // One task: refused, with what to do.
    let e = slipway_engine::labs::stop_one_task(&conn, &one)
        .await
        .expect_err("one task only");
    assert!(e.hint.contains("desired_count = 2"), "{}", e.hint);

    let two = ProjectSpec::parse(&format!(
        "[app]\nname = \"{name}\"\nport = 8080\n[service]\ndesired_count = 2\n"
    ))
    .unwrap();
    let change = plan_service(&conn, &two, image).await.unwrap();
    let report = apply_change(
        &conn,
        store.as_ref(),
        &name,
        &change,
        DEFAULT_CONCURRENCY,
        &cancel,
        |_| {},
    )
    .await;
    assert!(report.succeeded(), "{:?}", report.failed);
    let before = slipway_engine::rollout::wait_steady(
        &conn,
        &target,
        Duration::from_secs(60),
        &cancel,
        |_| {},
    )
    .await
    .unwrap();
    assert_eq!(before.running, 2);
    let stopped = slipway_engine::labs::stop_one_task(&conn, &two)
        .await
        .unwrap();
    let after = slipway_engine::rollout::wait_steady(
        &conn,
        &target,
        Duration::from_secs(60),
        &cancel,
        |_| {},
    )
    .await
    .unwrap();
    assert_eq!(after.running, 2, "the service replaced the stopped task");
    let live: Vec<_> = after
        .tasks
        .iter()
        .filter(|t| t.last_status == "RUNNING")
        .map(|t| t.id.clone())
        .collect();
    assert!(
        !live.contains(&stopped),
        "{stopped} is not among the running tasks {live:?}"
    );
    let gone = after
        .tasks
        .iter()
        .find(|t| t.id == stopped)
        .expect("the stopped task is listed");
    assert!(
        gone.stopped_reason
            .as_deref()
            .is_some_and(|r| r.contains("high-availability experiment")),
        "{gone:?}"
    );

    let all = plan_destroy(&conn, store.as_ref(), &two, false)
        .await
        .unwrap();
    let (report, left) = destroy(
        &conn,
        store.as_ref(),
        &two,
        &all,
        false,
        DEFAULT_CONCURRENCY,
        &cancel,
        |_| {},
    )
    .await
    .unwrap();
    assert!(
        report.succeeded() && left.is_empty(),
        "{:?} {left:?}",
        report.failed
    );
}
