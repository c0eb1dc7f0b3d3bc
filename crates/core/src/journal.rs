//! The journal of AWS calls: every call Slipway makes is recorded with its redacted parameters,
//! so a person can see (and later repeat by hand) exactly what was done on their account.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// How one call ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum CallOutcome {
    Ok,
    /// AWS answered with an error (the code is in `error_code`).
    ServiceError,
    /// The call never got an answer: connection refused, timeout, DNS.
    Unreachable,
    /// Anything else: the SDK failed before or after the call.
    ClientError,
}

/// One AWS API call, as recorded in the journal. Parameters are redacted before they get here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CallRecord {
    /// The profile the call was made with (`practice` in practice mode).
    pub profile: String,
    /// The service, as the SDK names it (e.g. `STS`, `ECS`, `EC2`).
    pub service: String,
    /// The operation (e.g. `GetCallerIdentity`).
    pub operation: String,
    /// The request's parameters as sent, with every secret replaced by `***`.
    pub params: Option<String>,
    /// Milliseconds since the Unix epoch when the call started.
    #[ts(type = "number")]
    pub started_ms: i64,
    pub duration_ms: u32,
    pub outcome: CallOutcome,
    pub http_status: Option<u16>,
    /// The AWS error code (e.g. `ThrottlingException`) when AWS answered with one.
    pub error_code: Option<String>,
    pub request_id: Option<String>,
}

/// Where call records go. The store implements it; tests collect into a Vec.
pub trait CallJournal: Send + Sync + std::fmt::Debug {
    /// Records one finished call. Must not block for long: it runs on the SDK's task.
    fn record(&self, call: CallRecord);
}

/// A journal that keeps records in memory, for tests and for the CLI's `--json` report.
#[derive(Debug, Default)]
pub struct MemoryJournal(std::sync::Mutex<Vec<CallRecord>>);

impl MemoryJournal {
    /// A copy of everything recorded so far.
    pub fn records(&self) -> Vec<CallRecord> {
        self.0.lock().map(|v| v.clone()).unwrap_or_default()
    }
}

impl CallJournal for MemoryJournal {
    fn record(&self, call: CallRecord) {
        if let Ok(mut v) = self.0.lock() {
            v.push(call);
        }
    }
}

/// One step of an apply or destroy, as the run log keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct StepRecord {
    #[ts(type = "number")]
    pub run_id: i64,
    pub key: String,
    /// `create`, `update`, `delete` ...
    pub action: String,
    /// `started`, `done`, `failed`, `skipped`.
    pub status: String,
    /// The resource's id once known.
    pub resource_id: Option<String>,
    pub error: Option<String>,
    #[ts(type = "number")]
    pub started_ms: i64,
    #[ts(type = "number | null")]
    pub finished_ms: Option<i64>,
}

/// One apply or destroy of a project.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct RunSummary {
    #[ts(type = "number")]
    pub id: i64,
    /// `apply`, `destroy`.
    pub kind: String,
    /// `running`, `done`, `failed`, `cancelled`.
    pub status: String,
    #[ts(type = "number")]
    pub started_ms: i64,
    #[ts(type = "number | null")]
    pub finished_ms: Option<i64>,
}

/// A resource the project owns, as the run log remembers it (for destroy, after a crash).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct OwnedResource {
    pub project: String,
    pub profile: String,
    pub region: String,
    /// The resource kind as the engine names it (`load_balancer`, ...).
    pub kind: String,
    /// The key in the project's graph (`alb`, `sg-tasks`, ...).
    pub key: String,
    pub name: String,
    /// The AWS identifier (ARN, id).
    pub id: String,
}

/// Where applies and destroys write what they do: a row before each step and after it, and the
/// resources the project owns. The store implements it; tests use `MemoryRunLog`.
pub trait RunLog: Send + Sync + std::fmt::Debug {
    /// Opens a run (`apply`, `destroy`) of a project; returns its id.
    fn begin_run(&self, project: &str, kind: &str) -> i64;
    /// Closes a run with its outcome (`done`, `failed`, `cancelled`).
    fn end_run(&self, run_id: i64, status: &str);
    /// Before a step's first AWS call.
    fn step_started(&self, run_id: i64, key: &str, action: &str);
    /// After a step's last AWS call.
    fn step_finished(
        &self,
        run_id: i64,
        key: &str,
        status: &str,
        resource_id: Option<&str>,
        error: Option<&str>,
    );
    /// A resource now exists and belongs to the project.
    fn owned(&self, resource: &OwnedResource);
    /// A resource of the project is gone.
    fn released(&self, project: &str, profile: &str, region: &str, id: &str);
    /// The resources the log believes the project still owns.
    fn owned_by(&self, project: &str, profile: &str, region: &str) -> Vec<OwnedResource>;
}

/// A run log in memory, for tests.
#[derive(Debug, Default)]
pub struct MemoryRunLog {
    inner: std::sync::Mutex<MemoryRunLogInner>,
}

#[derive(Debug, Default)]
struct MemoryRunLogInner {
    runs: Vec<(String, String, String)>,
    steps: Vec<StepRecord>,
    owned: Vec<OwnedResource>,
}

impl MemoryRunLog {
    /// Every step row, in order.
    pub fn steps(&self) -> Vec<StepRecord> {
        self.inner
            .lock()
            .map(|i| i.steps.clone())
            .unwrap_or_default()
    }
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

impl RunLog for MemoryRunLog {
    fn begin_run(&self, project: &str, kind: &str) -> i64 {
        let mut i = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        i.runs.push((project.into(), kind.into(), "running".into()));
        i.runs.len() as i64
    }
    fn end_run(&self, run_id: i64, status: &str) {
        let mut i = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(r) = i.runs.get_mut((run_id - 1).max(0) as usize) {
            r.2 = status.into();
        }
    }
    fn step_started(&self, run_id: i64, key: &str, action: &str) {
        let mut i = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        i.steps.push(StepRecord {
            run_id,
            key: key.into(),
            action: action.into(),
            status: "started".into(),
            resource_id: None,
            error: None,
            started_ms: now_ms(),
            finished_ms: None,
        });
    }
    fn step_finished(
        &self,
        run_id: i64,
        key: &str,
        status: &str,
        resource_id: Option<&str>,
        error: Option<&str>,
    ) {
        let mut i = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(s) = i
            .steps
            .iter_mut()
            .rev()
            .find(|s| s.run_id == run_id && s.key == key && s.status == "started")
        {
            s.status = status.into();
            s.resource_id = resource_id.map(str::to_string);
            s.error = error.map(str::to_string);
            s.finished_ms = Some(now_ms());
        }
    }
    fn owned(&self, resource: &OwnedResource) {
        let mut i = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        i.owned.retain(|r| {
            let same_place = r.project == resource.project
                && r.profile == resource.profile
                && r.region == resource.region;
            !(same_place && (r.id == resource.id || r.key == resource.key))
        });
        i.owned.push(resource.clone());
    }
    fn released(&self, _project: &str, profile: &str, region: &str, id: &str) {
        let mut i = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        i.owned
            .retain(|r| !(r.id == id && r.profile == profile && r.region == region));
    }
    fn owned_by(&self, project: &str, profile: &str, region: &str) -> Vec<OwnedResource> {
        let i = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        i.owned
            .iter()
            .filter(|r| r.project == project && r.profile == profile && r.region == region)
            .cloned()
            .collect()
    }
}

/// Milliseconds since the epoch as `YYYY-MM-DD HH:MM UTC` (reports, worklogs).
pub fn utc_minute(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let (y, m, d) = civil(secs.div_euclid(86_400));
    let t = secs.rem_euclid(86_400);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02} UTC",
        t / 3600,
        t % 3600 / 60
    )
}

/// Days since 1970-01-01 → (year, month, day) in the proleptic Gregorian calendar.
fn civil(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

#[cfg(test)]
mod utc_tests {
    #[test]
    fn utc_minutes() {
        assert_eq!(super::civil(0), (1970, 1, 1));
        assert_eq!(super::civil(11_016), (2000, 2, 29));
        assert_eq!(super::utc_minute(1_795_426_220_000), "2026-11-23 09:30 UTC");
        assert_eq!(super::utc_minute(0), "1970-01-01 00:00 UTC");
    }
}
