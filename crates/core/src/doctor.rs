//! The environment doctor's model: checks, their outcome, and the fix for each failure.

use crate::ErrorBody;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Which part of the environment a check looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum CheckGroup {
    Docker,
    Aws,
    Practice,
}

/// The outcome of one check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum CheckStatus {
    Ok,
    Warn,
    Fail,
    /// Not run because a check it depends on failed, or it does not apply to this profile.
    Skipped,
}

/// One line of the doctor's report. `id` is stable (the UI translates its title from it);
/// `detail` is language-neutral data such as a version or an account id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DoctorCheck {
    pub id: String,
    pub group: CheckGroup,
    pub status: CheckStatus,
    pub detail: Option<String>,
    /// Why it failed and what to do, when status is fail or warn.
    pub error: Option<ErrorBody>,
    pub duration_ms: u32,
}

impl DoctorCheck {
    /// A passing check with its evidence.
    pub fn ok(id: &str, group: CheckGroup, detail: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            group,
            status: CheckStatus::Ok,
            detail: Some(detail.into()),
            error: None,
            duration_ms: 0,
        }
    }

    /// A failing check with the error that explains it.
    pub fn fail(id: &str, group: CheckGroup, error: ErrorBody) -> Self {
        Self {
            id: id.into(),
            group,
            status: CheckStatus::Fail,
            detail: None,
            error: Some(error),
            duration_ms: 0,
        }
    }

    /// A check that was not run, and why.
    pub fn skipped(id: &str, group: CheckGroup, why: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            group,
            status: CheckStatus::Skipped,
            detail: Some(why.into()),
            error: None,
            duration_ms: 0,
        }
    }

    /// Records how long the check took.
    pub fn timed(mut self, elapsed: std::time::Duration) -> Self {
        self.duration_ms = u32::try_from(elapsed.as_millis()).unwrap_or(u32::MAX);
        self
    }
}

/// All checks for one profile. `ok` is true when no check failed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DoctorReport {
    pub profile: String,
    pub ok: bool,
    pub checks: Vec<DoctorCheck>,
}

impl DoctorReport {
    /// Builds the report; a single failed check makes the whole report not ok.
    pub fn new(profile: impl Into<String>, checks: Vec<DoctorCheck>) -> Self {
        let ok = checks.iter().all(|c| c.status != CheckStatus::Fail);
        Self {
            profile: profile.into(),
            ok,
            checks,
        }
    }

    /// The checks that failed.
    pub fn failures(&self) -> impl Iterator<Item = &DoctorCheck> {
        self.checks.iter().filter(|c| c.status == CheckStatus::Fail)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorCode;

    #[test]
    fn one_failed_check_fails_the_report_but_warnings_and_skips_do_not() {
        let mut warn = DoctorCheck::ok("aws.region", CheckGroup::Aws, "us-east-1");
        warn.status = CheckStatus::Warn;
        let passing = vec![
            DoctorCheck::ok("docker.engine", CheckGroup::Docker, "20.10"),
            warn,
            DoctorCheck::skipped(
                "practice.registry",
                CheckGroup::Practice,
                "not a practice profile",
            ),
        ];
        assert!(DoctorReport::new("p", passing.clone()).ok);

        let mut failing = passing;
        failing.push(DoctorCheck::fail(
            "aws.credentials",
            CheckGroup::Aws,
            ErrorBody::new(
                ErrorCode::AwsCredentialsMissing,
                "no creds",
                "run aws configure",
            ),
        ));
        let report = DoctorReport::new("p", failing);
        assert!(!report.ok);
        assert_eq!(
            report.failures().map(|c| c.id.as_str()).collect::<Vec<_>>(),
            ["aws.credentials"]
        );
    }

    #[test]
    fn duration_saturates_instead_of_wrapping() {
        let c = DoctorCheck::ok("x", CheckGroup::Docker, "")
            .timed(std::time::Duration::from_secs(u64::MAX / 2));
        assert_eq!(c.duration_ms, u32::MAX);
    }
}
