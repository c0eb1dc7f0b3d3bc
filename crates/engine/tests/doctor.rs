//! The doctor against the running practice stack, and against one that is stopped.

use slipway_aws::connection::ConnectRequest;
use slipway_core::connection::PracticeStack;
use slipway_core::doctor::CheckStatus;
use slipway_core::journal::MemoryJournal;
use slipway_core::ErrorCode;
use slipway_engine::doctor::{run_doctor, CHECK_IDS};
use std::sync::Arc;

fn practice() -> ConnectRequest {
    ConnectRequest {
        profile: "practice".into(),
        region: None,
    }
}

#[tokio::test]
async fn every_check_passes_on_the_running_practice_stack_and_streams_out() {
    let mut streamed = Vec::new();
    let report = run_doctor(
        &practice(),
        &PracticeStack::from_env(),
        Arc::new(MemoryJournal::default()),
        |c| streamed.push(c.id.clone()),
    )
    .await;
    let failures: Vec<_> = report
        .failures()
        .map(|c| format!("{}: {:?}", c.id, c.error))
        .collect();
    assert!(report.ok, "failures: {failures:?}");
    assert_eq!(
        report
            .checks
            .iter()
            .map(|c| c.id.as_str())
            .collect::<Vec<_>>(),
        CHECK_IDS
    );
    assert!(report.checks.iter().all(|c| c.status == CheckStatus::Ok));
    streamed.sort();
    let mut ids: Vec<String> = CHECK_IDS.iter().map(|s| s.to_string()).collect();
    ids.sort();
    assert_eq!(streamed, ids, "each check is streamed exactly once");
}

#[tokio::test]
async fn a_stopped_practice_stack_fails_with_how_to_start_it() {
    let dead = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let dir = std::env::temp_dir().join("slipway-no-stack");
    let stack = PracticeStack {
        aws_endpoint: format!("http://127.0.0.1:{dead}"),
        registry: format!("127.0.0.1:{dead}"),
        registry_user: "slipway".into(),
        state_dir: dir,
    };
    let report = run_doctor(
        &practice(),
        &stack,
        Arc::new(MemoryJournal::default()),
        |_| {},
    )
    .await;
    assert!(!report.ok);
    let failed: Vec<_> = report.failures().map(|c| c.id.as_str()).collect();
    for id in [
        "practice.aws_endpoint",
        "practice.registry",
        "aws.credentials",
    ] {
        assert!(failed.contains(&id), "{id} should fail: {failed:?}");
    }
    for c in report.failures() {
        let e = c.error.as_ref().unwrap();
        assert_eq!(e.code, ErrorCode::PracticeStackDown, "{}", c.id);
        assert!(
            e.hint.contains("scripts/practice start"),
            "{}: {}",
            c.id,
            e.hint
        );
    }
}
