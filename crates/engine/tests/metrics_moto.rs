//! The Monitor's charts in practice mode. moto (5.2) answers CloudWatch only in the Query and
//! JSON protocols, while the Rust SDK speaks RPC v2 CBOR to it (moto answers 404; see
//! getmoto/moto#9195). So in practice mode Slipway asks nothing and every chart says why; this
//! test holds both facts, so that the day moto learns the protocol the test says so.

use aws_sdk_cloudwatch::types::{Dimension, MetricDatum};
use slipway_core::metrics::{MissingReason, CHARTS};
use slipway_engine::monitor::service_metrics;
use slipway_engine::rollout::ServiceRef;
use std::sync::Arc;

#[tokio::test]
async fn practice_mode_asks_nothing_and_every_chart_says_why() {
    let stack = slipway_core::connection::PracticeStack::from_env();
    slipway_aws::practice::probe_aws_endpoint(&stack)
        .await
        .expect("the practice stack runs (scripts/practice start)");
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(slipway_store::Store::open_in(dir.path()).unwrap());
    let conn = slipway_aws::Connection::practice(&stack, None, store).metered_apart();
    let now_ms = 1_795_426_220_000;
    let target = ServiceRef {
        cluster: "shop".into(),
        service: "shop".into(),
        target_group: None,
    };
    let m = service_metrics(&conn, &target, now_ms)
        .await
        .expect("metrics");
    assert!(m.series.is_empty());
    assert_eq!(m.missing.len(), CHARTS.len());
    assert!(m
        .missing
        .iter()
        .all(|(_, why)| *why == MissingReason::Practice));
    assert_eq!(m.to_ms, 1_795_426_200_000, "whole minutes");
    assert_eq!(m.to_ms - m.from_ms, 3_600_000);
    assert_eq!(conn.meter().rate().last_minute, 0, "no AWS call was made");

    // The reason it asks nothing: moto does not answer the SDK's CloudWatch protocol.
    let put = conn
        .cloudwatch()
        .put_metric_data()
        .namespace("AWS/ECS")
        .metric_data(
            MetricDatum::builder()
                .metric_name("CPUUtilization")
                .dimensions(
                    Dimension::builder()
                        .name("ClusterName")
                        .value("shop")
                        .build(),
                )
                .value(1.0)
                .build(),
        )
        .send()
        .await;
    assert!(
        put.is_err(),
        "moto now answers CloudWatch over RPC v2 CBOR: practice mode can chart real points \
         (drop MissingReason::Practice and test against moto)"
    );
}
