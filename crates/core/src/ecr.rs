//! The ECR repository a project pushes to, as a learner sees and changes it: its settings and
//! the lifecycle policy Slipway writes for them.

use crate::spec::{Encryption, ImageSpec};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use ts_rs::TS;

/// An ECR repository as Slipway shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Repository {
    pub name: String,
    /// `<account>.dkr.ecr.<region>.amazonaws.com/<name>`
    pub uri: String,
    pub arn: String,
    pub scan_on_push: bool,
    pub immutable_tags: bool,
    pub encryption: Encryption,
    pub kms_key: Option<String>,
    /// The lifecycle policy's JSON, when one is set.
    pub lifecycle_policy: Option<String>,
    /// The `slipway:project` tag, when Slipway created it.
    pub project: Option<String>,
    #[ts(type = "number | null")]
    pub created_ms: Option<i64>,
}

/// One image in a repository.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct EcrImage {
    pub digest: String,
    pub tags: Vec<String>,
    #[ts(type = "number")]
    pub size: i64,
    #[ts(type = "number | null")]
    pub pushed_ms: Option<i64>,
    /// The scan's status (`COMPLETE`, `IN_PROGRESS`, `FAILED`, ...), when scanned.
    pub scan_status: Option<String>,
    /// Findings per severity (`CRITICAL`, `HIGH`, `MEDIUM`, `LOW`, `INFORMATIONAL`, `UNDEFINED`).
    pub finding_counts: BTreeMap<String, u32>,
}

impl EcrImage {
    /// How many CRITICAL findings the scan reported.
    pub fn critical(&self) -> u32 {
        self.finding_counts.get("CRITICAL").copied().unwrap_or(0)
    }
}

/// A scan's findings for one image.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ScanReport {
    pub status: Option<String>,
    pub description: Option<String>,
    pub finding_counts: BTreeMap<String, u32>,
    /// The most severe findings first, at most 50.
    pub findings: Vec<ScanFinding>,
}

/// One vulnerability the scan found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ScanFinding {
    /// The CVE id or the finding's name.
    pub name: String,
    pub severity: String,
    pub description: Option<String>,
    /// Where to read about it.
    pub uri: Option<String>,
    /// The affected package and version, when the scan says.
    pub package: Option<String>,
}

/// Severity order, most severe first.
pub const SEVERITIES: &[&str] = &[
    "CRITICAL",
    "HIGH",
    "MEDIUM",
    "LOW",
    "INFORMATIONAL",
    "UNDEFINED",
];

/// Sorts findings most severe first (then by name), keeping at most `limit`.
pub fn most_severe_first(mut findings: Vec<ScanFinding>, limit: usize) -> Vec<ScanFinding> {
    let rank = |s: &str| {
        SEVERITIES
            .iter()
            .position(|x| *x == s)
            .unwrap_or(SEVERITIES.len())
    };
    findings.sort_by(|a, b| {
        rank(&a.severity)
            .cmp(&rank(&b.severity))
            .then(a.name.cmp(&b.name))
    });
    findings.truncate(limit);
    findings
}

/// The lifecycle policy for `spec`: expire untagged images after N days, keep the newest K
/// tagged ones. ECR applies rules by priority; the untagged rule goes first.
pub fn lifecycle_policy(spec: &ImageSpec) -> serde_json::Value {
    serde_json::json!({
        "rules": [
            {
                "rulePriority": 1,
                "description": format!("Expire untagged images {} days after they were pushed", spec.expire_untagged_days),
                "selection": {
                    "tagStatus": "untagged",
                    "countType": "sinceImagePushed",
                    "countUnit": "days",
                    "countNumber": spec.expire_untagged_days
                },
                "action": { "type": "expire" }
            },
            {
                "rulePriority": 2,
                "description": format!("Keep the {} newest tagged images", spec.keep_tagged),
                "selection": {
                    "tagStatus": "any",
                    "countType": "imageCountMoreThan",
                    "countNumber": spec.keep_tagged
                },
                "action": { "type": "expire" }
            }
        ]
    })
}

/// The lifecycle policy as ECR takes it (compact JSON text).
pub fn lifecycle_policy_text(spec: &ImageSpec) -> String {
    lifecycle_policy(spec).to_string()
}

/// The registry host of an account's ECR in a region.
pub fn registry_host(account: &str, region: &str) -> String {
    format!("{account}.dkr.ecr.{region}.amazonaws.com")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn findings_sort_critical_first() {
        let f = |n: &str, s: &str| ScanFinding {
            name: n.into(),
            severity: s.into(),
            description: None,
            uri: None,
            package: None,
        };
        let sorted = most_severe_first(
            vec![
                f("b", "LOW"),
                f("a", "CRITICAL"),
                f("c", "HIGH"),
                f("d", "CRITICAL"),
            ],
            3,
        );
        let names: Vec<&str> = sorted.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, vec!["a", "d", "c"]);
    }

    #[test]
    fn the_policy_expires_untagged_first_and_keeps_the_newest_tagged() {
        let spec = ImageSpec {
            keep_tagged: 5,
            expire_untagged_days: 3,
            ..ImageSpec::default()
        };
        let p = lifecycle_policy(&spec);
        let rules = p["rules"].as_array().unwrap();
        assert_eq!(rules[0]["selection"]["tagStatus"], "untagged");
        assert_eq!(rules[0]["selection"]["countNumber"], 3);
        assert_eq!(rules[1]["selection"]["countType"], "imageCountMoreThan");
        assert_eq!(rules[1]["selection"]["countNumber"], 5);
        // ECR wants the tagStatus "any" rule to have the lowest priority (highest number).
        assert!(rules[1]["rulePriority"].as_i64() > rules[0]["rulePriority"].as_i64());
        assert!(serde_json::from_str::<serde_json::Value>(&lifecycle_policy_text(&spec)).is_ok());
    }
}

#[cfg(test)]
mod text_tests {
    use super::*;

    /// ui/src/lib/lifecycle.ts shows this policy before it is saved; its test pins the same text.
    #[test]
    fn the_default_policy_text_is_what_the_ui_shows() {
        assert_eq!(
            lifecycle_policy_text(&ImageSpec::default()),
            include_str!("../../../ui/src/lib/lifecycle.default.json").trim()
        );
    }
}
