//! The service's charts over the last hour: CPU and memory utilization (AWS/ECS), request
//! count, 5xx responses and target response time (AWS/ApplicationELB). This module says which
//! metrics to ask CloudWatch for (one GetMetricData call for all of them) and holds what comes
//! back; the adapter in `slipway_aws::metrics` makes the call.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// One chart's line: `points` are (time, value) in time order, at `period_s` resolution.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct MetricSeries {
    /// `cpu`, `memory`, `requests`, `http_5xx` or `latency`.
    pub id: String,
    /// CloudWatch's namespace and metric name, for the tooltip ("AWS/ECS CPUUtilization").
    pub metric: String,
    /// `Average`, `Sum`, `p95`…
    pub stat: String,
    /// `Percent`, `Count` or `Seconds`.
    pub unit: String,
    /// Milliseconds since the epoch, ascending.
    #[ts(type = "number[]")]
    pub times_ms: Vec<i64>,
    pub values: Vec<f64>,
}

/// Why a chart has no line at all, for the words under it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum MissingReason {
    /// The service has no load balancer: request, 5xx and latency charts cannot exist.
    NoLoadBalancer,
    /// CloudWatch answered with no data points in the window (a new or idle service, or the
    /// practice emulator, which records no metrics by itself).
    NoData,
    /// Practice mode: the emulator (moto) does not speak CloudWatch's current wire protocol
    /// (RPC v2 CBOR, which the Rust SDK uses), so Slipway does not ask it.
    Practice,
}

/// The charts of one service for one window.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ServiceMetrics {
    #[ts(type = "number")]
    pub from_ms: i64,
    #[ts(type = "number")]
    pub to_ms: i64,
    pub period_s: i32,
    /// In chart order: cpu, memory, requests, http_5xx, latency (those that could be asked).
    pub series: Vec<MetricSeries>,
    /// Charts without a line, by id, and why.
    pub missing: Vec<(String, MissingReason)>,
}

/// One metric to ask for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetricQuery {
    pub id: &'static str,
    pub namespace: &'static str,
    pub metric: &'static str,
    pub stat: &'static str,
    pub unit: &'static str,
    /// (name, value) pairs, all of them, in CloudWatch's order.
    pub dimensions: Vec<(&'static str, String)>,
}

/// The chart order; every id the UI knows.
pub const CHARTS: [&str; 5] = ["cpu", "memory", "requests", "http_5xx", "latency"];

/// The `LoadBalancer` dimension from a load balancer's ARN:
/// `arn:aws:elasticloadbalancing:…:loadbalancer/app/shop/50dc6c495c0c9188` → `app/shop/50dc6c495c0c9188`.
pub fn load_balancer_dimension(arn: &str) -> Option<String> {
    let (_, rest) = arn.split_once(":loadbalancer/")?;
    (rest.split('/').count() == 3 && !rest.contains("//")).then(|| rest.to_string())
}

/// The `TargetGroup` dimension from a target group's ARN:
/// `arn:aws:elasticloadbalancing:…:targetgroup/shop-tg/6d0ecf831eec9f09` → `targetgroup/shop-tg/6d0ecf831eec9f09`.
pub fn target_group_dimension(arn: &str) -> Option<String> {
    let (_, rest) = arn.split_once(":targetgroup/")?;
    (rest.split('/').count() == 2 && !rest.contains("//")).then(|| format!("targetgroup/{rest}"))
}

/// What to ask CloudWatch for this service: the ECS pair always, the load-balancer three when
/// both dimensions are known (per target group, so another service behind the same load
/// balancer does not count).
pub fn queries(
    cluster: &str,
    service: &str,
    load_balancer: Option<&str>,
    target_group: Option<&str>,
) -> Vec<MetricQuery> {
    let ecs = || {
        vec![
            ("ClusterName", cluster.to_string()),
            ("ServiceName", service.to_string()),
        ]
    };
    let mut q = vec![
        MetricQuery {
            id: "cpu",
            namespace: "AWS/ECS",
            metric: "CPUUtilization",
            stat: "Average",
            unit: "Percent",
            dimensions: ecs(),
        },
        MetricQuery {
            id: "memory",
            namespace: "AWS/ECS",
            metric: "MemoryUtilization",
            stat: "Average",
            unit: "Percent",
            dimensions: ecs(),
        },
    ];
    if let (Some(lb), Some(tg)) = (
        load_balancer.and_then(load_balancer_dimension),
        target_group.and_then(target_group_dimension),
    ) {
        let elb = || vec![("TargetGroup", tg.clone()), ("LoadBalancer", lb.clone())];
        q.push(MetricQuery {
            id: "requests",
            namespace: "AWS/ApplicationELB",
            metric: "RequestCount",
            stat: "Sum",
            unit: "Count",
            dimensions: elb(),
        });
        q.push(MetricQuery {
            id: "http_5xx",
            namespace: "AWS/ApplicationELB",
            metric: "HTTPCode_Target_5XX_Count",
            stat: "Sum",
            unit: "Count",
            dimensions: elb(),
        });
        q.push(MetricQuery {
            id: "latency",
            namespace: "AWS/ApplicationELB",
            metric: "TargetResponseTime",
            stat: "p95",
            unit: "Seconds",
            dimensions: elb(),
        });
    }
    q
}

impl ServiceMetrics {
    /// Every chart empty for the practice reason, asked nothing.
    pub fn practice(from_ms: i64, to_ms: i64, period_s: i32) -> Self {
        ServiceMetrics {
            from_ms,
            to_ms,
            period_s,
            series: Vec::new(),
            missing: CHARTS
                .iter()
                .map(|id| (id.to_string(), MissingReason::Practice))
                .collect(),
        }
    }

    /// Puts CloudWatch's answers (`(id, times, values)`, in any order, possibly several pages
    /// per id) into chart order, each series sorted by time, and says why the others are empty.
    pub fn assemble(
        from_ms: i64,
        to_ms: i64,
        period_s: i32,
        asked: &[MetricQuery],
        answers: Vec<(String, Vec<i64>, Vec<f64>)>,
    ) -> Self {
        let mut series = Vec::new();
        let mut missing = Vec::new();
        for id in CHARTS {
            let Some(q) = asked.iter().find(|q| q.id == id) else {
                missing.push((id.to_string(), MissingReason::NoLoadBalancer));
                continue;
            };
            let mut points: Vec<(i64, f64)> = answers
                .iter()
                .filter(|(a, _, _)| a == id)
                .flat_map(|(_, t, v)| t.iter().copied().zip(v.iter().copied()))
                .filter(|(t, v)| *t >= from_ms && *t <= to_ms && v.is_finite())
                .collect();
            points.sort_by_key(|(t, _)| *t);
            points.dedup_by_key(|(t, _)| *t);
            if points.is_empty() {
                missing.push((id.to_string(), MissingReason::NoData));
                continue;
            }
            series.push(MetricSeries {
                id: id.to_string(),
                metric: format!("{} {}", q.namespace, q.metric),
                stat: q.stat.to_string(),
                unit: q.unit.to_string(),
                times_ms: points.iter().map(|(t, _)| *t).collect(),
                values: points.iter().map(|(_, v)| *v).collect(),
            });
        }
        ServiceMetrics {
            from_ms,
            to_ms,
            period_s,
            series,
            missing,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LB: &str =
        "arn:aws:elasticloadbalancing:ap-southeast-1:123456789012:loadbalancer/app/shop/50dc6c495c0c9188";
    const TG: &str =
        "arn:aws:elasticloadbalancing:ap-southeast-1:123456789012:targetgroup/shop-tg/6d0ecf831eec9f09";

    #[test]
    fn dimensions_come_from_the_arns() {
        assert_eq!(
            load_balancer_dimension(LB).as_deref(),
            Some("app/shop/50dc6c495c0c9188")
        );
        assert_eq!(
            target_group_dimension(TG).as_deref(),
            Some("targetgroup/shop-tg/6d0ecf831eec9f09")
        );
        assert_eq!(load_balancer_dimension(TG), None);
        assert_eq!(target_group_dimension(LB), None);
        assert_eq!(load_balancer_dimension("app/shop"), None);
        assert_eq!(
            load_balancer_dimension("arn:aws:elasticloadbalancing:r:1:loadbalancer/app//x"),
            None
        );
    }

    #[test]
    fn without_a_load_balancer_only_the_ecs_charts_are_asked() {
        let q = queries("shop", "shop", None, Some(TG));
        assert_eq!(
            q.iter().map(|q| q.id).collect::<Vec<_>>(),
            ["cpu", "memory"]
        );
        assert_eq!(
            q[0].dimensions,
            [
                ("ClusterName", "shop".to_string()),
                ("ServiceName", "shop".to_string())
            ]
        );
        let all = queries("c", "s", Some(LB), Some(TG));
        assert_eq!(all.len(), 5);
        let latency = all.iter().find(|q| q.id == "latency").unwrap();
        assert_eq!(latency.metric, "TargetResponseTime");
        assert_eq!(latency.stat, "p95");
        assert!(latency
            .dimensions
            .contains(&("LoadBalancer", "app/shop/50dc6c495c0c9188".into())));
    }

    #[test]
    fn answers_are_put_in_chart_order_sorted_and_clipped_to_the_window() {
        let asked = queries("c", "s", Some(LB), Some(TG));
        let m = ServiceMetrics::assemble(
            1_000,
            10_000,
            60,
            &asked,
            vec![
                ("requests".into(), vec![9_000, 3_000], vec![12.0, 40.0]),
                (
                    "cpu".into(),
                    vec![5_000, 2_000, 20_000],
                    vec![31.5, 12.25, 99.0],
                ),
                ("requests".into(), vec![6_000], vec![7.0]),
                ("memory".into(), vec![2_000], vec![f64::NAN]),
            ],
        );
        assert_eq!(
            m.series.iter().map(|s| s.id.as_str()).collect::<Vec<_>>(),
            ["cpu", "requests"]
        );
        assert_eq!(m.series[0].times_ms, [2_000, 5_000]);
        assert_eq!(m.series[0].values, [12.25, 31.5]);
        assert_eq!(m.series[1].times_ms, [3_000, 6_000, 9_000]);
        assert_eq!(m.series[1].unit, "Count");
        assert_eq!(
            m.missing,
            [
                ("memory".to_string(), MissingReason::NoData),
                ("http_5xx".to_string(), MissingReason::NoData),
                ("latency".to_string(), MissingReason::NoData),
            ]
        );
        let ecs_only = ServiceMetrics::assemble(0, 1, 60, &queries("c", "s", None, None), vec![]);
        assert!(ecs_only
            .missing
            .contains(&("latency".to_string(), MissingReason::NoLoadBalancer)));
    }
}
