//! The Monitor's charts from CloudWatch on realistic answers played through the real SDK
//! clients (aws-smithy-mocks): the load balancer is found from the target group, all five
//! metrics are asked in one GetMetricData with the right dimensions, a second page is
//! followed, and the series come out in chart order, sorted, clipped to the hour.

use aws_sdk_cloudwatch::operation::get_metric_data::GetMetricDataOutput;
use aws_sdk_cloudwatch::types::{MetricDataResult, StatusCode};
use aws_sdk_elasticloadbalancingv2::operation::describe_target_groups::DescribeTargetGroupsOutput;
use aws_sdk_elasticloadbalancingv2::types::TargetGroup;
use aws_smithy_mocks::{mock, MockResponseInterceptor, Rule, RuleMode};
use aws_smithy_runtime_api::client::interceptors::SharedInterceptor;
use aws_smithy_types::DateTime;
use slipway_core::journal::MemoryJournal;
use slipway_core::metrics::MissingReason;
use slipway_engine::monitor::{service_metrics, METRICS_WINDOW_MS};
use slipway_engine::rollout::ServiceRef;
use std::sync::{Arc, Mutex};

const LB: &str =
    "arn:aws:elasticloadbalancing:ap-southeast-1:123456789012:loadbalancer/app/shop/50dc6c495c0c9188";
const TG: &str =
    "arn:aws:elasticloadbalancing:ap-southeast-1:123456789012:targetgroup/shop-tg/6d0ecf831eec9f09";
/// 2026-11-23 09:30:20 UTC: the window ends at 09:30:00.
const NOW_MS: i64 = 1_795_426_220_000;
const END_MS: i64 = 1_795_426_200_000;

fn connection(rules: &[Rule]) -> slipway_aws::Connection {
    let mut interceptor = MockResponseInterceptor::new().rule_mode(RuleMode::MatchAny);
    for r in rules {
        interceptor = interceptor.with_rule(r);
    }
    let sdk = aws_config::SdkConfig::builder()
        .behavior_version(aws_config::BehaviorVersion::latest())
        .region(aws_config::Region::new("ap-southeast-1"))
        .credentials_provider(
            aws_credential_types::provider::SharedCredentialsProvider::new(
                aws_credential_types::Credentials::new(
                    "AKIATEST",
                    "not-a-secret",
                    None,
                    None,
                    "test",
                ),
            ),
        )
        .http_client(aws_smithy_mocks::create_mock_http_client())
        .build();
    slipway_aws::Connection::with_interceptor(
        "lab",
        sdk,
        SharedInterceptor::new(interceptor),
        Arc::new(MemoryJournal::default()),
    )
}

/// A minute's timestamp `m` minutes before the window's end.
fn minute(m: i64) -> DateTime {
    DateTime::from_millis(END_MS - m * 60_000)
}

fn result(id: &str, points: &[(i64, f64)], status: StatusCode) -> MetricDataResult {
    MetricDataResult::builder()
        .id(id)
        .label(id)
        .status_code(status)
        .set_timestamps(Some(points.iter().map(|(m, _)| minute(*m)).collect()))
        .set_values(Some(points.iter().map(|(_, v)| *v).collect()))
        .build()
}

#[tokio::test]
async fn five_charts_from_one_paged_get_metric_data() {
    let asked = Arc::new(Mutex::new(Vec::new()));
    let seen = asked.clone();
    let groups = mock!(aws_sdk_elasticloadbalancingv2::Client::describe_target_groups)
        .match_requests(|r| r.target_group_arns() == [TG.to_string()])
        .then_output(|| {
            DescribeTargetGroupsOutput::builder()
                .target_groups(
                    TargetGroup::builder()
                        .target_group_arn(TG)
                        .target_group_name("shop-tg")
                        .load_balancer_arns(LB)
                        .build(),
                )
                .build()
        });
    let page1 = mock!(aws_sdk_cloudwatch::Client::get_metric_data)
        .match_requests(move |r| {
            seen.lock().unwrap().push(r.clone());
            r.next_token().is_none()
        })
        .then_output(|| {
            GetMetricDataOutput::builder()
                .metric_data_results(result(
                    "cpu",
                    &[(3, 41.5), (2, 38.25), (1, 12.0)],
                    StatusCode::PartialData,
                ))
                .metric_data_results(result(
                    "memory",
                    &[(2, 22.0), (1, 23.5)],
                    StatusCode::Complete,
                ))
                .metric_data_results(result(
                    "requests",
                    &[(1, 120.0), (2, 95.0)],
                    StatusCode::Complete,
                ))
                .metric_data_results(result("http_5xx", &[], StatusCode::Complete))
                .metric_data_results(result(
                    "latency",
                    &[(1, 0.042), (70, 9.9)],
                    StatusCode::Complete,
                ))
                .next_token("page-2")
                .build()
        });
    let page2 = mock!(aws_sdk_cloudwatch::Client::get_metric_data)
        .match_requests(|r| r.next_token() == Some("page-2"))
        .then_output(|| {
            GetMetricDataOutput::builder()
                .metric_data_results(result("cpu", &[(5, 55.0), (4, 47.0)], StatusCode::Complete))
                .build()
        });
    let conn = connection(&[groups, page1, page2]);
    let target = ServiceRef {
        cluster: "shop".into(),
        service: "shop".into(),
        target_group: Some(TG.into()),
    };
    let m = service_metrics(&conn, &target, NOW_MS)
        .await
        .expect("metrics");

    // The request: one hour ending on the whole minute, five queries with their dimensions.
    let requests = asked.lock().unwrap().clone();
    assert_eq!(requests.len(), 2, "the second page was asked for");
    let r = &requests[0];
    assert_eq!(r.end_time().unwrap().to_millis().unwrap(), END_MS);
    assert_eq!(
        r.start_time().unwrap().to_millis().unwrap(),
        END_MS - METRICS_WINDOW_MS
    );
    let ids: Vec<_> = r
        .metric_data_queries()
        .iter()
        .map(|q| q.id().unwrap_or_default())
        .collect();
    assert_eq!(ids, ["cpu", "memory", "requests", "http_5xx", "latency"]);
    let latency = r.metric_data_queries()[4].metric_stat().unwrap();
    assert_eq!(latency.stat(), Some("p95"));
    assert_eq!(latency.period(), Some(60));
    let dims: Vec<_> = latency
        .metric()
        .unwrap()
        .dimensions()
        .iter()
        .map(|d| (d.name().unwrap_or_default(), d.value().unwrap_or_default()))
        .collect();
    assert_eq!(
        dims,
        [
            ("TargetGroup", "targetgroup/shop-tg/6d0ecf831eec9f09"),
            ("LoadBalancer", "app/shop/50dc6c495c0c9188")
        ]
    );
    let cpu_dims: Vec<_> = r.metric_data_queries()[0]
        .metric_stat()
        .unwrap()
        .metric()
        .unwrap()
        .dimensions()
        .iter()
        .map(|d| (d.name().unwrap_or_default(), d.value().unwrap_or_default()))
        .collect();
    assert_eq!(cpu_dims, [("ClusterName", "shop"), ("ServiceName", "shop")]);

    // The answer: pages merged, sorted by time, the point outside the hour dropped.
    let ids: Vec<_> = m.series.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, ["cpu", "memory", "requests", "latency"]);
    let cpu = &m.series[0];
    assert_eq!(cpu.values, [55.0, 47.0, 41.5, 38.25, 12.0]);
    assert!(cpu.times_ms.windows(2).all(|w| w[0] < w[1]));
    assert_eq!(cpu.metric, "AWS/ECS CPUUtilization");
    assert_eq!(m.series[2].values, [95.0, 120.0]);
    assert_eq!(
        m.series[3].values,
        [0.042],
        "the point 70 minutes back is outside the hour"
    );
    assert_eq!(m.series[3].unit, "Seconds");
    assert_eq!(m.missing, [("http_5xx".to_string(), MissingReason::NoData)]);
}

#[tokio::test]
async fn a_service_without_a_load_balancer_gets_the_ecs_charts_only() {
    let asked = Arc::new(Mutex::new(Vec::new()));
    let seen = asked.clone();
    let data = mock!(aws_sdk_cloudwatch::Client::get_metric_data)
        .match_requests(move |r| {
            seen.lock().unwrap().push(r.metric_data_queries().len());
            true
        })
        .then_output(|| {
            GetMetricDataOutput::builder()
                .metric_data_results(result("cpu", &[(1, 3.0)], StatusCode::Complete))
                .metric_data_results(result("memory", &[(1, 9.0)], StatusCode::Complete))
                .build()
        });
    let conn = connection(&[data]);
    let target = ServiceRef {
        cluster: "shop".into(),
        service: "worker".into(),
        target_group: None,
    };
    let m = service_metrics(&conn, &target, NOW_MS)
        .await
        .expect("metrics");
    assert_eq!(
        *asked.lock().unwrap(),
        [2],
        "no DescribeTargetGroups, two queries"
    );
    assert_eq!(m.series.len(), 2);
    assert!(m
        .missing
        .iter()
        .all(|(_, why)| *why == MissingReason::NoLoadBalancer));
    assert_eq!(m.missing.len(), 3);
}

#[tokio::test]
async fn access_denied_says_which_call_and_what_to_grant() {
    let denied = mock!(aws_sdk_cloudwatch::Client::get_metric_data).then_error(|| {
        aws_sdk_cloudwatch::operation::get_metric_data::GetMetricDataError::generic(
            aws_smithy_types::error::ErrorMetadata::builder()
                .code("AccessDenied")
                .message("User: arn:aws:iam::123456789012:user/learner is not authorized to perform: cloudwatch:GetMetricData")
                .build(),
        )
    });
    let conn = connection(&[denied]);
    let target = ServiceRef {
        cluster: "shop".into(),
        service: "worker".into(),
        target_group: None,
    };
    let e = service_metrics(&conn, &target, NOW_MS)
        .await
        .expect_err("denied");
    let text = format!("{} {}", e.message, e.hint);
    assert!(text.contains("GetMetricData"), "{text}");
    assert!(!text.contains("not-a-secret"));
}
