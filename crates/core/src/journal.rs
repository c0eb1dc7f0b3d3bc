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
