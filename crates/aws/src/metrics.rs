//! The service's charts from CloudWatch: one GetMetricData call (paged when CloudWatch says
//! so) for every metric of `slipway_core::metrics::queries`, plus one DescribeTargetGroups to
//! learn the load balancer behind the service's target group.

use crate::{AwsError, Connection};
use aws_sdk_cloudwatch::types::{Dimension, Metric, MetricDataQuery, MetricStat, ScanBy};
use aws_smithy_types::DateTime;
use slipway_core::metrics::{MetricQuery, ServiceMetrics};

/// At most this many pages (500 points each per metric) for one window: an hour at one minute
/// is 60 points a metric, so more pages only come from a misbehaving endpoint.
const PAGES: usize = 10;

/// The load balancer in front of `target_group`, if any.
pub async fn load_balancer_of(
    conn: &Connection,
    target_group: &str,
) -> Result<Option<String>, AwsError> {
    let out = conn
        .elbv2()
        .describe_target_groups()
        .target_group_arns(target_group)
        .send()
        .await
        .map_err(conn.fail("Elastic Load Balancing", "DescribeTargetGroups"))?;
    Ok(out
        .target_groups()
        .first()
        .and_then(|t| t.load_balancer_arns().first().cloned()))
}

/// The charts `asked` (from `slipway_core::metrics::queries`) from `from_ms` to `to_ms` at
/// `period_s` resolution.
pub async fn service_metrics(
    conn: &Connection,
    asked: &[MetricQuery],
    from_ms: i64,
    to_ms: i64,
    period_s: i32,
) -> Result<ServiceMetrics, AwsError> {
    let mut request = conn
        .cloudwatch()
        .get_metric_data()
        .start_time(DateTime::from_millis(from_ms))
        .end_time(DateTime::from_millis(to_ms))
        .scan_by(ScanBy::TimestampAscending);
    for q in asked {
        let mut metric = Metric::builder()
            .namespace(q.namespace)
            .metric_name(q.metric);
        for (name, value) in &q.dimensions {
            metric = metric.dimensions(Dimension::builder().name(*name).value(value).build());
        }
        request = request.metric_data_queries(
            MetricDataQuery::builder()
                .id(q.id)
                .return_data(true)
                .metric_stat(
                    MetricStat::builder()
                        .metric(metric.build())
                        .period(period_s)
                        .stat(q.stat)
                        .build(),
                )
                .build(),
        );
    }
    let mut answers = Vec::new();
    let mut token: Option<String> = None;
    for _ in 0..PAGES {
        let out = request
            .clone()
            .set_next_token(token.take())
            .send()
            .await
            .map_err(conn.fail("CloudWatch", "GetMetricData"))?;
        for r in out.metric_data_results() {
            answers.push((
                r.id().unwrap_or_default().to_string(),
                r.timestamps()
                    .iter()
                    .filter_map(|t| t.to_millis().ok())
                    .collect(),
                r.values().to_vec(),
            ));
        }
        match out.next_token() {
            Some(t) if !t.is_empty() => token = Some(t.to_string()),
            _ => break,
        }
    }
    Ok(ServiceMetrics::assemble(
        from_ms, to_ms, period_s, asked, answers,
    ))
}
