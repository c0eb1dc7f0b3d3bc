//! What a deployment costs while it runs, from a price table kept in the code.
//!
//! Prices are AWS's public on-demand list prices in USD, taken from
//! https://aws.amazon.com/fargate/pricing/, https://aws.amazon.com/elasticloadbalancing/pricing/,
//! https://aws.amazon.com/vpc/pricing/ (public IPv4), https://aws.amazon.com/cloudwatch/pricing/,
//! https://aws.amazon.com/codepipeline/pricing/ and https://aws.amazon.com/codebuild/pricing/,
//! as published in January 2025 (see `PRICES_AS_OF`). Regions not in the table use us-east-1's
//! prices and say so. Data transfer and free tiers are left out: the estimate is an upper bound
//! for a learner's small service, not a bill.

use crate::spec::ProjectSpec;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// When the table's prices were taken.
pub const PRICES_AS_OF: &str = "2025-01";

/// One region's prices.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RegionPrices {
    pub region: &'static str,
    /// Fargate, Linux/x86, per vCPU-hour and per GB-hour.
    pub vcpu_hour: f64,
    pub gb_hour: f64,
    /// Fargate, Linux/ARM (Graviton).
    pub arm_vcpu_hour: f64,
    pub arm_gb_hour: f64,
    /// Application Load Balancer, per hour and per LCU-hour.
    pub alb_hour: f64,
    pub lcu_hour: f64,
    /// CloudWatch Logs ingestion per GB.
    pub logs_gb: f64,
    /// CodeBuild general1.small (Linux) per build minute.
    pub build_minute: f64,
}

/// Public IPv4 addresses, per address-hour (every region).
pub const IPV4_HOUR: f64 = 0.005;
/// CodePipeline V2, per action-execution minute.
pub const PIPELINE_ACTION_MINUTE: f64 = 0.002;
/// S3 Standard storage per GB-month (us-east-1; close elsewhere).
pub const S3_GB_MONTH: f64 = 0.023;

const TABLE: &[RegionPrices] = &[
    RegionPrices {
        region: "us-east-1",
        vcpu_hour: 0.04048,
        gb_hour: 0.004445,
        arm_vcpu_hour: 0.03238,
        arm_gb_hour: 0.00356,
        alb_hour: 0.0225,
        lcu_hour: 0.008,
        logs_gb: 0.50,
        build_minute: 0.005,
    },
    RegionPrices {
        region: "us-west-2",
        vcpu_hour: 0.04048,
        gb_hour: 0.004445,
        arm_vcpu_hour: 0.03238,
        arm_gb_hour: 0.00356,
        alb_hour: 0.0225,
        lcu_hour: 0.008,
        logs_gb: 0.50,
        build_minute: 0.005,
    },
    RegionPrices {
        region: "eu-west-1",
        vcpu_hour: 0.04048,
        gb_hour: 0.004445,
        arm_vcpu_hour: 0.03238,
        arm_gb_hour: 0.00356,
        alb_hour: 0.0252,
        lcu_hour: 0.008,
        logs_gb: 0.57,
        build_minute: 0.005,
    },
    RegionPrices {
        region: "eu-central-1",
        vcpu_hour: 0.04656,
        gb_hour: 0.00511,
        arm_vcpu_hour: 0.03725,
        arm_gb_hour: 0.00409,
        alb_hour: 0.027,
        lcu_hour: 0.008,
        logs_gb: 0.63,
        build_minute: 0.006,
    },
    RegionPrices {
        region: "ap-southeast-1",
        vcpu_hour: 0.05056,
        gb_hour: 0.00553,
        arm_vcpu_hour: 0.04045,
        arm_gb_hour: 0.00442,
        alb_hour: 0.0252,
        lcu_hour: 0.008,
        logs_gb: 0.70,
        build_minute: 0.0066,
    },
    RegionPrices {
        region: "ap-northeast-1",
        vcpu_hour: 0.05056,
        gb_hour: 0.00553,
        arm_vcpu_hour: 0.04045,
        arm_gb_hour: 0.00442,
        alb_hour: 0.0243,
        lcu_hour: 0.008,
        logs_gb: 0.76,
        build_minute: 0.0066,
    },
];

/// The prices of `region`, and whether they are the region's own (else us-east-1's).
pub fn prices(region: &str) -> (RegionPrices, bool) {
    match TABLE.iter().find(|p| p.region == region) {
        Some(p) => (*p, true),
        None => (TABLE[0], false),
    }
}

/// One line of an estimate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct CostLine {
    /// What is paid for, e.g. "Fargate vCPU".
    pub item: String,
    /// How the number comes about, e.g. "2 tasks × 0.25 vCPU × $0.04048/h".
    pub detail: String,
    /// USD per hour.
    pub hourly: f64,
}

/// What a deployment costs while it runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct CostEstimate {
    pub region: String,
    /// Whether the table has this region's own prices (else us-east-1's are used).
    pub region_priced: bool,
    pub lines: Vec<CostLine>,
    pub hourly: f64,
    pub daily: f64,
    /// 730 hours.
    pub monthly: f64,
    /// What the estimate assumes, one sentence each.
    pub assumptions: Vec<String>,
    /// Where the prices come from and when.
    pub source: String,
}

/// Hours in a month, as AWS prices count them.
pub const HOURS_PER_MONTH: f64 = 730.0;

/// Light traffic: LCU-hours per hour an idle-to-small ALB uses.
const ASSUMED_LCU: f64 = 0.5;
/// Log volume of a small app per month, GB.
const ASSUMED_LOG_GB_MONTH: f64 = 1.0;
/// Availability zones an internet-facing ALB sits in (one public IPv4 each).
const ALB_ZONES: f64 = 2.0;

fn money(x: f64) -> String {
    if x >= 1.0 {
        format!("${x:.2}")
    } else {
        format!("${x:.5}")
    }
}

fn finish(
    region: &str,
    priced: bool,
    lines: Vec<CostLine>,
    assumptions: Vec<String>,
) -> CostEstimate {
    let hourly: f64 = lines.iter().map(|l| l.hourly).sum();
    CostEstimate {
        region: region.to_string(),
        region_priced: priced,
        lines,
        hourly,
        daily: hourly * 24.0,
        monthly: hourly * HOURS_PER_MONTH,
        assumptions,
        source: format!("AWS on-demand list prices as published in {PRICES_AS_OF} (aws.amazon.com/fargate/pricing, /elasticloadbalancing/pricing, /vpc/pricing, /cloudwatch/pricing)"),
    }
}

/// The running cost of the spec's service (Fargate tasks, the ALB, public IPv4 addresses, logs).
/// With auto scaling the task count is the desired count (it may rise to `max`).
pub fn service_cost(spec: &ProjectSpec, region: &str) -> CostEstimate {
    let (p, priced) = prices(region);
    let svc = &spec.service;
    let tasks = f64::from(svc.desired_count);
    let vcpu = f64::from(svc.cpu) / 1024.0;
    let gb = f64::from(svc.memory) / 1024.0;
    let arm = spec.image.platform.ends_with("arm64");
    let (vcpu_price, gb_price, arch) = if arm {
        (p.arm_vcpu_hour, p.arm_gb_hour, "ARM")
    } else {
        (p.vcpu_hour, p.gb_hour, "x86")
    };
    let mut lines = vec![
        CostLine {
            item: format!("Fargate vCPU ({arch})"),
            detail: format!("{tasks} tasks × {vcpu} vCPU × {}/h", money(vcpu_price)),
            hourly: tasks * vcpu * vcpu_price,
        },
        CostLine {
            item: format!("Fargate memory ({arch})"),
            detail: format!("{tasks} tasks × {gb} GB × {}/h", money(gb_price)),
            hourly: tasks * gb * gb_price,
        },
        CostLine {
            item: "Application Load Balancer".into(),
            detail: format!("{}/h", money(p.alb_hour)),
            hourly: p.alb_hour,
        },
        CostLine {
            item: "Load balancer capacity (LCU)".into(),
            detail: format!("about {ASSUMED_LCU} LCU × {}/h", money(p.lcu_hour)),
            hourly: ASSUMED_LCU * p.lcu_hour,
        },
    ];
    let task_ips = if spec.network.assign_public_ip {
        tasks
    } else {
        0.0
    };
    lines.push(CostLine {
        item: "Public IPv4 addresses".into(),
        detail: format!(
            "{} (load balancer) + {} (tasks) × {}/h",
            ALB_ZONES,
            task_ips,
            money(IPV4_HOUR)
        ),
        hourly: (ALB_ZONES + task_ips) * IPV4_HOUR,
    });
    lines.push(CostLine {
        item: "CloudWatch Logs ingestion".into(),
        detail: format!(
            "about {ASSUMED_LOG_GB_MONTH} GB/month × {}/GB",
            money(p.logs_gb)
        ),
        hourly: ASSUMED_LOG_GB_MONTH * p.logs_gb / HOURS_PER_MONTH,
    });
    let mut assumptions = vec![
        format!("Light traffic: about {ASSUMED_LCU} load balancer capacity units per hour and {ASSUMED_LOG_GB_MONTH} GB of logs a month."),
        "Data transfer and the free tier are not counted.".to_string(),
    ];
    if let Some(a) = &svc.autoscaling {
        assumptions.push(format!(
            "Auto scaling may run up to {} tasks: then the Fargate lines grow in proportion.",
            a.max
        ));
    }
    if !priced {
        assumptions.push(format!(
            "{region} is not in Slipway's price table; us-east-1's prices are shown."
        ));
    }
    finish(region, priced, lines, assumptions)
}

/// The cost of running the pipeline: builds and deploys per month, priced by the minute.
pub fn pipeline_cost(
    region: &str,
    runs_per_month: u32,
    build_minutes: f64,
    deploy_minutes: f64,
) -> CostEstimate {
    let (p, priced) = prices(region);
    let runs = f64::from(runs_per_month);
    let action_minutes = runs * (1.0 + build_minutes + deploy_minutes);
    let lines = vec![
        CostLine {
            item: "CodePipeline V2 action minutes".into(),
            detail: format!(
                "{runs} runs × {:.0} action minutes × {}/min, per month",
                1.0 + build_minutes + deploy_minutes,
                money(PIPELINE_ACTION_MINUTE)
            ),
            hourly: action_minutes * PIPELINE_ACTION_MINUTE / HOURS_PER_MONTH,
        },
        CostLine {
            item: "CodeBuild (general1.small)".into(),
            detail: format!(
                "{runs} builds × {build_minutes:.0} min × {}/min, per month",
                money(p.build_minute)
            ),
            hourly: runs * build_minutes * p.build_minute / HOURS_PER_MONTH,
        },
        CostLine {
            item: "S3 artifacts".into(),
            detail: format!("about 1 GB × {}/GB-month", money(S3_GB_MONTH)),
            hourly: S3_GB_MONTH / HOURS_PER_MONTH,
        },
    ];
    let mut assumptions = vec![format!(
        "{runs_per_month} runs a month, {build_minutes:.0} build minutes and {deploy_minutes:.0} deploy minutes each."
    )];
    if !priced {
        assumptions.push(format!(
            "{region} is not in Slipway's price table; us-east-1's prices are shown."
        ));
    }
    finish(region, priced, lines, assumptions)
}

/// Runs a month the pipeline estimate assumes (about three a working day).
pub const ASSUMED_RUNS_PER_MONTH: u32 = 60;
/// Minutes a small image takes to build and push on CodeBuild.
pub const ASSUMED_BUILD_MINUTES: f64 = 5.0;
/// Minutes the ECS deploy action takes for a rolling update of a small service.
pub const ASSUMED_DEPLOY_MINUTES: f64 = 4.0;

/// The spec's pipeline priced as `pipeline_cost` does, with its CodeBuild size (medium and large
/// cost 2× and 4× small) and its smoke test (about a minute more of actions and of CodeBuild
/// compute, which the Commands action runs on).
pub fn pipeline_cost_for(spec: &ProjectSpec, region: &str) -> CostEstimate {
    let (factor, smoke, approval) = spec
        .pipeline
        .as_ref()
        .map(|p| {
            (
                p.build.compute_type.price_factor(),
                p.deploy.smoke_test,
                p.deploy.approval,
            )
        })
        .unwrap_or((1.0, false, false));
    let extra = if smoke { 1.0 } else { 0.0 };
    let minutes = ASSUMED_BUILD_MINUTES + extra;
    let mut e = pipeline_cost(
        region,
        ASSUMED_RUNS_PER_MONTH,
        minutes,
        ASSUMED_DEPLOY_MINUTES + extra,
    );
    if factor != 1.0 {
        // `pipeline_cost` prices a small machine: a bigger one costs more per minute.
        let (p, _) = prices(region);
        let runs = f64::from(ASSUMED_RUNS_PER_MONTH);
        let size = spec
            .pipeline
            .as_ref()
            .map(|p| p.build.compute_type.aws_name())
            .unwrap_or_default();
        if let Some(line) = e.lines.iter_mut().find(|l| l.item.starts_with("CodeBuild")) {
            line.item = format!("CodeBuild ({size})");
            line.detail = format!(
                "{runs} builds × {minutes:.0} min × {}/min, per month",
                money(p.build_minute * factor)
            );
            line.hourly *= factor;
        }
        e.hourly = e.lines.iter().map(|l| l.hourly).sum();
        e.daily = e.hourly * 24.0;
        e.monthly = e.hourly * HOURS_PER_MONTH;
    }
    e.assumptions.push(
        "The first 100 action minutes and 100 build minutes of each month are free; not subtracted here."
            .into(),
    );
    if approval {
        e.assumptions
            .push("Time a run waits for manual approval is not counted as action minutes.".into());
    }
    e.source = format!("AWS on-demand list prices as published in {PRICES_AS_OF} (aws.amazon.com/codepipeline/pricing, /codebuild/pricing, /s3/pricing)");
    e
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(extra: &str) -> ProjectSpec {
        ProjectSpec::parse(&format!("[app]\nname = \"shop\"\nport = 8080\n{extra}")).unwrap()
    }

    #[test]
    fn two_small_tasks_behind_an_alb_cost_what_the_table_says() {
        let e = service_cost(&spec(""), "us-east-1");
        // 2 × 0.25 × 0.04048 + 2 × 0.5 × 0.004445 + 0.0225 + 0.5 × 0.008 + 4 × 0.005 + 0.5/730
        let expected = 0.02024 + 0.004445 + 0.0225 + 0.004 + 0.02 + 0.5 / 730.0;
        assert!(
            (e.hourly - expected).abs() < 1e-9,
            "{} vs {expected}",
            e.hourly
        );
        assert!((e.daily - expected * 24.0).abs() < 1e-9);
        assert!((e.monthly - expected * 730.0).abs() < 1e-6);
        assert!(e.region_priced);
        assert!(e.source.contains(PRICES_AS_OF));
    }

    #[test]
    fn arm_is_cheaper_and_private_tasks_need_no_ipv4() {
        let x86 = service_cost(&spec(""), "ap-southeast-1");
        let arm = service_cost(
            &spec("[image]\nplatform = \"linux/arm64\"\n"),
            "ap-southeast-1",
        );
        assert!(arm.hourly < x86.hourly);
        let private = service_cost(
            &spec("[network]\nassign_public_ip = false\n"),
            "ap-southeast-1",
        );
        assert!((x86.hourly - private.hourly - 2.0 * IPV4_HOUR).abs() < 1e-9);
    }

    #[test]
    fn an_unknown_region_says_it_uses_us_east_1_prices() {
        let e = service_cost(&spec(""), "sa-east-1");
        assert!(!e.region_priced);
        assert!(e.assumptions.iter().any(|a| a.contains("sa-east-1")));
    }

    #[test]
    fn pipeline_runs_are_priced_by_the_minute() {
        let e = pipeline_cost("us-east-1", 100, 4.0, 3.0);
        let monthly = 100.0 * 8.0 * PIPELINE_ACTION_MINUTE + 100.0 * 4.0 * 0.005 + S3_GB_MONTH;
        assert!(
            (e.monthly - monthly).abs() < 1e-6,
            "{} vs {monthly}",
            e.monthly
        );
    }

    #[test]
    fn a_bigger_build_machine_costs_more_per_minute_not_more_minutes() {
        let small = pipeline_cost_for(&spec("[pipeline.source]\nkind = \"s3\"\n"), "us-east-1");
        let large = pipeline_cost_for(
            &spec("[pipeline.source]\nkind = \"s3\"\n[pipeline.build]\ncompute_type = \"large\"\n"),
            "us-east-1",
        );
        let build = |e: &CostEstimate| {
            e.lines
                .iter()
                .find(|l| l.item.starts_with("CodeBuild"))
                .unwrap()
                .hourly
        };
        assert!((build(&large) - 4.0 * build(&small)).abs() < 1e-12);
        assert_eq!(
            large.lines[0], small.lines[0],
            "action minutes do not change"
        );
        assert!((large.hourly - large.lines.iter().map(|l| l.hourly).sum::<f64>()).abs() < 1e-12);
        assert!(small.source.contains("codepipeline"));
    }
}
