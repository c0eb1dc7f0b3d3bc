//! The AWS adapters against moto over real HTTP (the practice stack must be running:
//! `scripts/practice start`; the test command starts it).

use slipway_aws::connection::Connection;
use slipway_core::connection::PracticeStack;
use slipway_core::journal::{CallOutcome, MemoryJournal};
use std::sync::Arc;

async fn practice() -> (Connection, Arc<MemoryJournal>) {
    let stack = PracticeStack::from_env();
    if let Err(e) = slipway_aws::practice::probe_aws_endpoint(&stack).await {
        panic!("the practice stack is not running ({e}); start it with scripts/practice start");
    }
    let journal = Arc::new(MemoryJournal::default());
    (Connection::practice(&stack, None, journal.clone()), journal)
}

fn unique(prefix: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    format!("{prefix}-{}-{nanos}", std::process::id())
}

#[tokio::test]
async fn sts_reports_the_practice_account_and_the_call_is_journaled() {
    let (conn, journal) = practice().await;
    let id = conn.identity().await.unwrap();
    assert_eq!(
        id.account.len(),
        12,
        "an AWS account id has 12 digits: {}",
        id.account
    );
    assert!(id.arn.starts_with("arn:aws:"), "{}", id.arn);
    let calls = journal.records();
    let call = calls
        .iter()
        .find(|c| c.operation == "GetCallerIdentity")
        .expect("journaled");
    assert_eq!(call.service, "STS");
    assert_eq!(call.outcome, CallOutcome::Ok);
    assert_eq!(call.http_status, Some(200));
    assert_eq!(call.profile, "practice");
}

#[tokio::test]
async fn default_vpc_has_subnets_in_at_least_two_zones() {
    let (conn, _) = practice().await;
    let net = slipway_aws::ec2::default_network(&conn).await.unwrap();
    assert!(net.vpc_id.starts_with("vpc-"), "{}", net.vpc_id);
    assert!(net.zone_count() >= 2, "an ALB needs two zones: {net:?}");
    assert!(net
        .subnets
        .iter()
        .all(|s| s.availability_zone.starts_with("us-east-1")));
}

#[tokio::test]
async fn ecs_cluster_round_trip_is_idempotent_and_tagged() {
    let (conn, journal) = practice().await;
    let name = unique("slipway-test");
    let first = slipway_aws::ecs::ensure_cluster(&conn, &name, "shop-api")
        .await
        .unwrap();
    let second = slipway_aws::ecs::ensure_cluster(&conn, &name, "shop-api")
        .await
        .unwrap();
    assert_eq!(
        first.arn, second.arn,
        "find-or-create must not create twice"
    );
    assert_eq!(first.status, "ACTIVE");
    assert_eq!(first.project.as_deref(), Some("shop-api"));
    let creates = journal
        .records()
        .iter()
        .filter(|c| c.operation == "CreateCluster")
        .count();
    assert_eq!(creates, 1);
    let create = journal
        .records()
        .into_iter()
        .find(|c| c.operation == "CreateCluster")
        .unwrap();
    assert!(
        create.params.as_deref().unwrap_or("").contains(&name),
        "params are journaled: {:?}",
        create.params
    );
    assert!(slipway_aws::ecs::delete_cluster(&conn, &name)
        .await
        .unwrap());
    assert!(slipway_aws::ecs::find_cluster(&conn, &name)
        .await
        .unwrap()
        .is_none());
    assert!(
        !slipway_aws::ecs::delete_cluster(&conn, &name)
            .await
            .unwrap(),
        "deleting twice is a no-op"
    );
}

#[tokio::test]
async fn a_failed_call_is_journaled_with_its_error_code() {
    let (conn, journal) = practice().await;
    let err = conn
        .ecs()
        .delete_cluster()
        .cluster(unique("missing"))
        .send()
        .await;
    assert!(err.is_err());
    let call = journal
        .records()
        .into_iter()
        .find(|c| c.operation == "DeleteCluster")
        .expect("journaled");
    assert_eq!(call.outcome, CallOutcome::ServiceError);
    assert!(
        call.error_code
            .as_deref()
            .is_some_and(|c| c.contains("ClusterNotFound")),
        "{:?}",
        call.error_code
    );
}

#[tokio::test]
async fn an_unreachable_endpoint_is_practice_stack_down_not_a_hang() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let stack = PracticeStack {
        aws_endpoint: format!("http://127.0.0.1:{port}"),
        ..PracticeStack::from_env()
    };
    let journal = Arc::new(MemoryJournal::default());
    let conn = Connection::practice(&stack, None, journal.clone());
    let started = std::time::Instant::now();
    let body = slipway_core::ErrorBody::from(conn.identity().await.unwrap_err());
    assert_eq!(body.code, slipway_core::ErrorCode::PracticeStackDown);
    assert!(started.elapsed() < std::time::Duration::from_secs(20));
    assert_eq!(journal.records()[0].outcome, CallOutcome::Unreachable);
}
