//! Step 4 against moto over real HTTP: plan → apply creates the service's resources with the
//! project tag, applying again is a no-op, a new image changes only the task definition and the
//! service, and destroy leaves nothing tagged and nothing the run log owns.

use slipway_core::journal::{MemoryJournal, RunLog};
use slipway_core::plan::{Action, ResourceKind};
use slipway_core::spec::ProjectSpec;
use slipway_docker::CancellationToken;
use slipway_engine::apply::{ApplyEvent, DEFAULT_CONCURRENCY};
use slipway_engine::deploy::{apply_change, observe_all, plan_destroy, plan_service};
use std::sync::Arc;

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

async fn practice() -> (
    slipway_aws::Connection,
    Arc<slipway_store::Store>,
    tempfile::TempDir,
) {
    let stack = slipway_core::connection::PracticeStack::from_env();
    slipway_aws::practice::probe_aws_endpoint(&stack)
        .await
        .expect("the practice stack runs (scripts/practice start)");
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(slipway_store::Store::open_in(dir.path()).unwrap());
    let conn = slipway_aws::Connection::practice(&stack, None, store.clone());
    (conn, store, dir)
}

fn spec(name: &str, extra: &str) -> ProjectSpec {
    ProjectSpec::parse(&format!(
        "[app]\nname = \"{name}\"\nport = 8080\nhealth_path = \"/health\"\n[service]\ndesired_count = 2\n{extra}"
    ))
    .unwrap()
}

const IMAGE: &str = "123456789012.dkr.ecr.us-east-1.amazonaws.com/app";

/// Resources still tagged with the project (INACTIVE ECS records do not count).
async fn tagged(conn: &slipway_aws::Connection, project: &str) -> Vec<String> {
    slipway_engine::deploy::tagged_leftovers(conn, project)
        .await
        .unwrap()
}

#[tokio::test]
async fn plan_apply_noop_update_and_destroy_to_zero() {
    let (conn, store, _dir) = practice().await;
    let name = unique("svc");
    let s = spec(
        &name,
        "[service.autoscaling]\nmin = 1\nmax = 3\ncpu_target = 60\n",
    );

    // Nothing exists: every resource is created.
    let change = plan_service(&conn, &s, &format!("{IMAGE}:v1"))
        .await
        .unwrap();
    let p = &change.plan;
    assert_eq!(
        p.count(Action::Create),
        12,
        "{:#?}",
        p.steps
            .iter()
            .map(|s| (&s.key, s.action))
            .collect::<Vec<_>>()
    );
    assert_eq!(p.count(Action::Read), 1);
    assert_eq!(p.critical_path, 6);

    let mut events = Vec::new();
    let report = apply_change(
        &conn,
        store.as_ref(),
        &name,
        &change,
        DEFAULT_CONCURRENCY,
        &CancellationToken::new(),
        |e| events.push(e),
    )
    .await;
    assert!(report.succeeded(), "{:?}", report.failed);
    assert_eq!(report.done.len(), 13);
    let started = events
        .iter()
        .filter(|e| matches!(e, ApplyEvent::StepStarted { .. }))
        .count();
    assert_eq!(started, 13);

    // Every step has a row before and after it.
    let steps = store.run_steps(report.run_id).unwrap();
    assert_eq!(steps.len(), 13);
    assert!(steps
        .iter()
        .all(|s| s.status == "done" && s.finished_ms.is_some()));

    // The project tag is on what the tagging API can see (EC2, ELB, ECS, logs).
    let arns = tagged(&conn, &name).await;
    for needle in [
        ":security-group/",
        ":loadbalancer/app/",
        ":targetgroup/",
        ":cluster/",
        ":service/",
        ":log-group:",
    ] {
        assert!(
            arns.iter().any(|a| a.contains(needle)),
            "{needle} not tagged: {arns:#?}"
        );
    }

    // Applying again changes nothing.
    let again = plan_service(&conn, &s, &format!("{IMAGE}:v1"))
        .await
        .unwrap();
    assert!(
        again.plan.is_noop(),
        "{:#?}",
        again
            .plan
            .steps
            .iter()
            .filter(|s| s.action.changes())
            .collect::<Vec<_>>()
    );

    // A new image: a new task definition revision and a service update, nothing else.
    let update = plan_service(&conn, &s, &format!("{IMAGE}:v2"))
        .await
        .unwrap();
    let changing: Vec<(&str, Action)> = update
        .plan
        .steps
        .iter()
        .filter(|s| s.action.changes())
        .map(|s| (s.key.as_str(), s.action))
        .collect();
    assert_eq!(
        changing,
        vec![("taskdef", Action::Update), ("service", Action::Update)]
    );
    let report = apply_change(
        &conn,
        store.as_ref(),
        &name,
        &update,
        DEFAULT_CONCURRENCY,
        &CancellationToken::new(),
        |_| {},
    )
    .await;
    assert!(report.succeeded(), "{:?}", report.failed);
    let after = plan_service(&conn, &s, &format!("{IMAGE}:v2"))
        .await
        .unwrap();
    assert!(after.plan.is_noop());
    let td = after.observed.get("taskdef").unwrap();
    assert_eq!(td.outputs["revision"], 2);
    assert!(
        after.observed.get("service").unwrap().props["task_definition"]
            .as_str()
            .unwrap()
            .ends_with(":2")
    );

    // Turning auto scaling off removes its policy and target.
    let no_scaling = spec(&name, "");
    let change = plan_service(&conn, &no_scaling, &format!("{IMAGE}:v2"))
        .await
        .unwrap();
    let deletes: Vec<&str> = change
        .plan
        .steps
        .iter()
        .filter(|s| s.action == Action::Delete)
        .map(|s| s.key.as_str())
        .collect();
    assert_eq!(deletes, vec!["scaling-policy", "scaling-target"]);

    // Destroy: everything goes, dependents first, and nothing is left.
    let gone = plan_destroy(&conn, store.as_ref(), &s, false)
        .await
        .unwrap();
    assert!(gone.plan.steps.iter().all(|s| s.action == Action::Delete));
    assert_eq!(gone.plan.steps.len(), 12);
    let report = slipway_engine::apply::apply(
        &slipway_engine::apply::ApplyContext {
            conn: &conn,
            log: store.as_ref(),
            project: &name,
            concurrency: DEFAULT_CONCURRENCY,
        },
        "destroy",
        &gone.plan,
        &gone.desired,
        &gone.observed,
        &CancellationToken::new(),
        |_| {},
    )
    .await;
    assert!(report.succeeded(), "{:?}", report.failed);
    let universe = slipway_engine::deploy::every_possible_resource(
        &s,
        &slipway_core::plan::service::ServiceContext {
            region: conn.region.clone(),
            image: String::new(),
        },
    );
    let left = observe_all(&conn, &universe).await.unwrap();
    let left: Vec<&str> = left
        .values()
        .filter(|o| o.kind != ResourceKind::Network)
        .map(|o| o.key.as_str())
        .collect();
    assert!(left.is_empty(), "left behind: {left:?}");
    assert!(
        tagged(&conn, &name).await.is_empty(),
        "tagged leftovers: {:?}",
        tagged(&conn, &name).await
    );
    assert!(
        store
            .owned_by(&name, &conn.profile, &conn.region)
            .is_empty(),
        "the run log still owns some"
    );
}

#[tokio::test]
async fn bad_specs_are_refused_before_any_call() {
    let (conn, _store, _dir) = practice().await;
    let journal = Arc::new(MemoryJournal::default());
    let conn = slipway_aws::Connection::practice(
        &slipway_core::connection::PracticeStack::from_env(),
        Some(conn.region.clone()),
        journal.clone(),
    );
    let mut s = spec("fine", "");
    s.service.cpu = 256;
    s.service.memory = 4096;
    let err = plan_service(&conn, &s, &format!("{IMAGE}:v1"))
        .await
        .unwrap_err();
    assert_eq!(err.code, slipway_core::ErrorCode::SpecInvalid);
    assert!(err.message.contains("512, 1024, 2048"), "{}", err.message);
    assert!(
        journal.records().is_empty(),
        "no AWS call for a spec that cannot work"
    );
}

#[tokio::test]
async fn the_practice_scheduler_brings_the_service_to_steady_and_rolls_out_a_new_image() {
    use slipway_engine::rollout::{wait_steady, ServiceRef};
    let (conn, store, _dir) = practice().await;
    let name = unique("roll");
    let s = spec(&name, "");
    let change = plan_service(&conn, &s, &format!("{IMAGE}:v1"))
        .await
        .unwrap();
    let report = apply_change(
        &conn,
        store.as_ref(),
        &name,
        &change,
        DEFAULT_CONCURRENCY,
        &CancellationToken::new(),
        |_| {},
    )
    .await;
    assert!(report.succeeded(), "{:?}", report.failed);
    let after = plan_service(&conn, &s, &format!("{IMAGE}:v1"))
        .await
        .unwrap();
    let target = ServiceRef {
        cluster: name.clone(),
        service: name.clone(),
        target_group: after.observed.get("tg").map(|o| o.id.clone()),
    };
    let mut notes = Vec::new();
    let health = wait_steady(
        &conn,
        &target,
        std::time::Duration::from_secs(60),
        &CancellationToken::new(),
        |u| {
            if let Some(n) = &u.note {
                notes.push(n.clone());
            }
        },
    )
    .await
    .unwrap();
    assert_eq!(health.running, 2);
    assert_eq!(health.healthy_targets(), 2);
    assert!(notes.len() >= 2, "the timeline shows progress: {notes:?}");

    // A new image: a rolling deployment replaces both tasks, never dropping below 2 running.
    let update = plan_service(&conn, &s, &format!("{IMAGE}:v2"))
        .await
        .unwrap();
    let report = apply_change(
        &conn,
        store.as_ref(),
        &name,
        &update,
        DEFAULT_CONCURRENCY,
        &CancellationToken::new(),
        |_| {},
    )
    .await;
    assert!(report.succeeded(), "{:?}", report.failed);
    let mut min_running = i32::MAX;
    let mut saw_two_deployments = false;
    let health = wait_steady(
        &conn,
        &target,
        std::time::Duration::from_secs(60),
        &CancellationToken::new(),
        |u| {
            min_running = min_running.min(u.health.running);
            saw_two_deployments |= u.health.deployments.len() == 2;
        },
    )
    .await
    .unwrap();
    assert!(
        saw_two_deployments,
        "old and new deployments side by side during the rollout"
    );
    assert!(
        min_running >= 2,
        "minimum healthy 100%: never fewer than 2 running ({min_running})"
    );
    assert!(health
        .tasks
        .iter()
        .filter(|t| t.last_status == "RUNNING")
        .all(|t| t.task_definition.ends_with(":2")));
    assert_eq!(health.stopped_tasks().len(), 2, "the two old tasks stopped");

    let gone = plan_destroy(&conn, store.as_ref(), &s, false)
        .await
        .unwrap();
    let report = slipway_engine::apply::apply(
        &slipway_engine::apply::ApplyContext {
            conn: &conn,
            log: store.as_ref(),
            project: &name,
            concurrency: DEFAULT_CONCURRENCY,
        },
        "destroy",
        &gone.plan,
        &gone.desired,
        &gone.observed,
        &CancellationToken::new(),
        |_| {},
    )
    .await;
    assert!(report.succeeded(), "{:?}", report.failed);
}
