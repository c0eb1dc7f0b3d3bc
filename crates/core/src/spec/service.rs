//! The `[service]` and `[network]` sections: how the app runs on Fargate behind a load
//! balancer, and where.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use ts_rs::TS;

/// How the service runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields, default)]
pub struct ServiceSpec {
    /// CPU units (1024 = 1 vCPU): 256, 512, 1024, 2048, 4096, 8192, 16384.
    pub cpu: u32,
    /// Memory in MiB; Fargate accepts only some sizes per CPU size.
    pub memory: u32,
    /// How many copies of the app run.
    pub desired_count: u32,
    /// During a deployment, at least this share of `desired_count` keeps running (0-100).
    pub min_healthy_percent: u32,
    /// During a deployment, at most this share may run, old and new together (100-200+).
    pub max_percent: u32,
    /// Seconds new tasks get before failing health checks count against them.
    pub grace_period_seconds: u32,
    /// Stop a deployment whose tasks keep failing, and roll back to the last good one.
    pub circuit_breaker: bool,
    /// Days the app's logs are kept.
    pub log_retention_days: u32,
    /// Give the app its own IAM role (for calling AWS from the app).
    pub task_role: bool,
    /// An ACM certificate: the load balancer then serves HTTPS on 443 and redirects 80 to it.
    pub certificate_arn: Option<String>,
    /// Environment variables of the container.
    pub environment: BTreeMap<String, String>,
    /// Secrets by name: the ARN of a Secrets Manager secret or SSM parameter.
    pub secrets: BTreeMap<String, String>,
    pub health_check: HealthCheckSpec,
    /// Target-tracking auto scaling on CPU, when set.
    pub autoscaling: Option<AutoscalingSpec>,
}

impl Default for ServiceSpec {
    fn default() -> Self {
        Self {
            cpu: 256,
            memory: 512,
            desired_count: 2,
            min_healthy_percent: 100,
            max_percent: 200,
            grace_period_seconds: 60,
            circuit_breaker: true,
            log_retention_days: 14,
            task_role: false,
            certificate_arn: None,
            environment: BTreeMap::new(),
            secrets: BTreeMap::new(),
            health_check: HealthCheckSpec::default(),
            autoscaling: None,
        }
    }
}

/// The load balancer's health check of each task.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields, default)]
pub struct HealthCheckSpec {
    pub interval_seconds: u32,
    pub timeout_seconds: u32,
    pub healthy_threshold: u32,
    pub unhealthy_threshold: u32,
    /// The HTTP codes that count as healthy, e.g. `200-399`.
    pub matcher: String,
}

impl Default for HealthCheckSpec {
    fn default() -> Self {
        Self {
            interval_seconds: 15,
            timeout_seconds: 5,
            healthy_threshold: 2,
            unhealthy_threshold: 3,
            matcher: "200-399".into(),
        }
    }
}

/// Target tracking on average CPU.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields)]
pub struct AutoscalingSpec {
    pub min: u32,
    pub max: u32,
    /// The average CPU utilization (percent) to hold.
    pub cpu_target: u32,
}

/// Where the service runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(deny_unknown_fields, default)]
pub struct NetworkSpec {
    /// A VPC id; the region's default VPC when unset.
    pub vpc_id: Option<String>,
    /// Subnets (at least two, in different zones); the VPC's default subnets when empty.
    pub subnets: Vec<String>,
    /// Give tasks public IPs (needed in public subnets without a NAT gateway to reach ECR).
    pub assign_public_ip: bool,
}

impl Default for NetworkSpec {
    fn default() -> Self {
        Self {
            vpc_id: None,
            subnets: Vec::new(),
            assign_public_ip: true,
        }
    }
}

/// Everything wrong with the service and network sections, as (field, message).
pub fn problems(service: &ServiceSpec, network: &NetworkSpec) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut bad = |f: &str, m: String| out.push((f.to_string(), m));
    if let Err(m) = crate::fargate::check_size(service.cpu, service.memory) {
        bad("service.memory", m);
    }
    if service.desired_count > 1000 {
        bad("service.desired_count", "at most 1000 tasks".into());
    }
    if service.min_healthy_percent > 100 {
        bad("service.min_healthy_percent", "must be 0 to 100".into());
    }
    if service.max_percent < 100 || service.max_percent > 400 {
        bad("service.max_percent", "must be 100 to 400".into());
    }
    if service.max_percent == 100 && service.min_healthy_percent == 100 {
        bad(
            "service.max_percent",
            "with min_healthy_percent = 100 and max_percent = 100 a deployment can neither stop an old task nor start a new one; raise max_percent (e.g. 200) or lower min_healthy_percent".into(),
        );
    }
    if service.grace_period_seconds > 2_147_483 {
        bad("service.grace_period_seconds", "too long".into());
    }
    const RETENTION: &[u32] = &[
        1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557,
        2922, 3288, 3653,
    ];
    if !RETENTION.contains(&service.log_retention_days) {
        bad(
            "service.log_retention_days",
            format!(
                "CloudWatch keeps logs for one of {} days",
                RETENTION
                    .iter()
                    .map(u32::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        );
    }
    if let Some(arn) = &service.certificate_arn {
        if !arn.starts_with("arn:aws") || !arn.contains(":acm:") {
            bad("service.certificate_arn", format!("'{arn}' is not an ACM certificate ARN (arn:aws:acm:REGION:ACCOUNT:certificate/ID)"));
        }
    }
    for (k, _) in service.environment.iter().chain(service.secrets.iter()) {
        if k.is_empty()
            || !k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            || k.starts_with(|c: char| c.is_ascii_digit())
        {
            bad("service.environment", format!("'{k}' is not an environment variable name (letters, digits, _; not starting with a digit)"));
        }
    }
    for k in service.secrets.keys() {
        if service.environment.contains_key(k) {
            bad("service.secrets", format!("{k} is both an environment variable and a secret: the container would get one of them, and which one is not up to you"));
        }
    }
    for (k, v) in &service.secrets {
        if !(v.starts_with("arn:aws") && (v.contains(":secretsmanager:") || v.contains(":ssm:"))) {
            bad(
                "service.secrets",
                format!(
                    "{k}: '{v}' must be the ARN of a Secrets Manager secret or an SSM parameter"
                ),
            );
        }
    }
    let hc = &service.health_check;
    if !(5..=300).contains(&hc.interval_seconds) {
        bad(
            "service.health_check.interval_seconds",
            "must be 5 to 300".into(),
        );
    }
    if !(2..=120).contains(&hc.timeout_seconds) || hc.timeout_seconds >= hc.interval_seconds {
        bad(
            "service.health_check.timeout_seconds",
            "must be 2 to 120 and less than the interval".into(),
        );
    }
    if !(2..=10).contains(&hc.healthy_threshold) || !(2..=10).contains(&hc.unhealthy_threshold) {
        bad("service.health_check", "thresholds must be 2 to 10".into());
    }
    let matcher_ok = hc.matcher.split([',', '-']).all(|c| {
        c.trim()
            .parse::<u16>()
            .is_ok_and(|n| (200..500).contains(&n))
    });
    if !matcher_ok {
        bad(
            "service.health_check.matcher",
            format!(
                "'{}' must be HTTP codes 200-499 like 200, 200-399 or 200,302",
                hc.matcher
            ),
        );
    }
    if let Some(a) = &service.autoscaling {
        if a.min > a.max || a.max == 0 || a.max > 1000 {
            bad(
                "service.autoscaling",
                "min must be at most max, and max 1 to 1000".into(),
            );
        }
        if !(10..=90).contains(&a.cpu_target) {
            bad(
                "service.autoscaling.cpu_target",
                "a CPU target of 10 to 90 percent".into(),
            );
        }
    }
    if let Some(v) = &network.vpc_id {
        if !v.starts_with("vpc-") {
            bad("network.vpc_id", format!("'{v}' is not a VPC id (vpc-...)"));
        }
    }
    if !network.subnets.is_empty() {
        if network.subnets.len() < 2 {
            bad(
                "network.subnets",
                "a load balancer needs at least two subnets in different availability zones".into(),
            );
        }
        if let Some(s) = network.subnets.iter().find(|s| !s.starts_with("subnet-")) {
            bad(
                "network.subnets",
                format!("'{s}' is not a subnet id (subnet-...)"),
            );
        }
        if network.vpc_id.is_none() {
            bad("network.vpc_id", "set the VPC the subnets belong to".into());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(s: &ServiceSpec, n: &NetworkSpec) -> Vec<String> {
        problems(s, n).into_iter().map(|(f, _)| f).collect()
    }

    #[test]
    fn the_defaults_are_valid() {
        assert!(problems(&ServiceSpec::default(), &NetworkSpec::default()).is_empty());
    }

    #[test]
    fn bad_sizes_and_deployment_settings_are_named() {
        let s = ServiceSpec {
            cpu: 256,
            memory: 4096,
            min_healthy_percent: 100,
            max_percent: 100,
            log_retention_days: 10,
            ..Default::default()
        };
        let f = fields(&s, &NetworkSpec::default());
        assert!(f.contains(&"service.memory".to_string()));
        assert!(f.contains(&"service.max_percent".to_string()));
        assert!(f.contains(&"service.log_retention_days".to_string()));
    }

    #[test]
    fn secrets_must_be_arns_and_subnets_come_in_pairs() {
        let mut s = ServiceSpec::default();
        s.secrets.insert("DB_PASSWORD".into(), "hunter2".into());
        let n = NetworkSpec {
            vpc_id: None,
            subnets: vec!["subnet-1".into()],
            assign_public_ip: true,
        };
        let f = fields(&s, &n);
        assert!(f.contains(&"service.secrets".to_string()));
        assert!(f.contains(&"network.subnets".to_string()));
        assert!(f.contains(&"network.vpc_id".to_string()));
    }

    #[test]
    fn matcher_and_health_timing_are_checked() {
        let mut s = ServiceSpec::default();
        s.health_check.matcher = "ok".into();
        s.health_check.timeout_seconds = 30;
        s.health_check.interval_seconds = 10;
        let f = fields(&s, &NetworkSpec::default());
        assert!(f.contains(&"service.health_check.matcher".to_string()));
        assert!(f.contains(&"service.health_check.timeout_seconds".to_string()));
    }
}
