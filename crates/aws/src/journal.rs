//! The one place every AWS call passes through on its way out: an SDK interceptor that records
//! service, operation, redacted parameters, duration and outcome in the journal.

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::context::{
    BeforeSerializationInterceptorContextRef, BeforeTransmitInterceptorContextRef,
    FinalizerInterceptorContextRef,
};
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::{ConfigBag, Storable, StoreReplace};
use slipway_core::journal::{CallJournal, CallOutcome, CallRecord};
use slipway_core::redact::redact_body;
use std::sync::Arc;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

/// Parameters longer than this are cut in the journal (a task definition can be large).
const MAX_PARAMS_CHARS: usize = 16 * 1024;

/// Counts a connection's calls: the calls of the last minute (the UI shows calls per minute)
/// and a budget that, once spent, refuses further calls instead of letting a loop run away.
#[derive(Debug, Default)]
pub struct CallMeter {
    /// When each call of the last minute started (oldest first).
    recent: std::sync::Mutex<std::collections::VecDeque<Instant>>,
    total: std::sync::atomic::AtomicU64,
    /// Calls allowed in all; `None` is no limit.
    budget: std::sync::Mutex<Option<u64>>,
}

/// What a meter says about its connection's calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CallRate {
    pub last_minute: u32,
    pub total: u64,
}

impl CallMeter {
    /// Sets (or lifts) the budget, counted from the calls made so far.
    pub fn set_budget(&self, calls: Option<u64>) {
        let total = self.total.load(std::sync::atomic::Ordering::Relaxed);
        if let Ok(mut b) = self.budget.lock() {
            *b = calls.map(|c| total + c);
        }
    }

    /// Counts a call about to start; false when the budget is spent.
    fn admit(&self) -> bool {
        let total = self.total.load(std::sync::atomic::Ordering::Relaxed);
        if let Ok(b) = self.budget.lock() {
            if b.is_some_and(|limit| total >= limit) {
                return false;
            }
        }
        self.total
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        if let Ok(mut r) = self.recent.lock() {
            let now = Instant::now();
            r.push_back(now);
            while r
                .front()
                .is_some_and(|t| now.duration_since(*t).as_secs() >= 60)
            {
                r.pop_front();
            }
        }
        true
    }

    /// Calls in the last minute and in all.
    pub fn rate(&self) -> CallRate {
        let now = Instant::now();
        let last_minute = self
            .recent
            .lock()
            .map(|r| {
                r.iter()
                    .filter(|t| now.duration_since(**t).as_secs() < 60)
                    .count() as u32
            })
            .unwrap_or(0);
        CallRate {
            last_minute,
            total: self.total.load(std::sync::atomic::Ordering::Relaxed),
        }
    }
}

/// The message a call gets when the budget is spent (matched by `error::classify`).
pub const BUDGET_SPENT: &str = "Slipway's request budget for this operation is spent";

/// Records every call of the client it is attached to, and holds it to the call budget.
#[derive(Debug, Clone)]
pub struct JournalInterceptor {
    profile: String,
    journal: Arc<dyn CallJournal>,
    meter: Arc<CallMeter>,
}

impl JournalInterceptor {
    /// An interceptor recording calls made with `profile` into `journal`, counted by `meter`.
    pub fn new(profile: String, journal: Arc<dyn CallJournal>, meter: Arc<CallMeter>) -> Self {
        Self {
            profile,
            journal,
            meter,
        }
    }
}

#[derive(Debug, Clone)]
struct CallStart {
    at: Instant,
    wall_ms: i64,
}

impl Storable for CallStart {
    type Storer = StoreReplace<Self>;
}

/// The redacted request body, captured before it is sent (afterwards the body is consumed).
#[derive(Debug, Clone)]
struct CallParams(String);

impl Storable for CallParams {
    type Storer = StoreReplace<Self>;
}

impl Intercept for JournalInterceptor {
    fn name(&self) -> &'static str {
        "SlipwayJournal"
    }

    fn read_before_execution(
        &self,
        _ctx: &BeforeSerializationInterceptorContextRef<'_>,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if !self.meter.admit() {
            return Err(BUDGET_SPENT.into());
        }
        let wall_ms = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_millis() as i64)
            .unwrap_or(0);
        cfg.interceptor_state().store_put(CallStart {
            at: Instant::now(),
            wall_ms,
        });
        Ok(())
    }

    fn read_before_transmit(
        &self,
        ctx: &BeforeTransmitInterceptorContextRef<'_>,
        _rc: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if let Some(bytes) = ctx.request().body().bytes().filter(|b| !b.is_empty()) {
            cfg.interceptor_state()
                .store_put(CallParams(truncate(redact_body(&String::from_utf8_lossy(
                    bytes,
                )))));
        }
        Ok(())
    }

    fn read_after_execution(
        &self,
        ctx: &FinalizerInterceptorContextRef<'_>,
        _rc: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let (service, operation) = cfg
            .load::<Metadata>()
            .map(|m| (m.service().to_string(), m.name().to_string()))
            .unwrap_or_else(|| ("unknown".into(), "unknown".into()));
        let (started_ms, duration_ms) = cfg
            .load::<CallStart>()
            .map(|s| {
                (
                    s.wall_ms,
                    u32::try_from(s.at.elapsed().as_millis()).unwrap_or(u32::MAX),
                )
            })
            .unwrap_or((0, 0));
        let params = cfg.load::<CallParams>().map(|p| p.0.clone());
        let response = ctx.response();
        let http_status = response.map(|r| r.status().as_u16());
        let request_id = response.and_then(|r| {
            r.headers()
                .get("x-amzn-requestid")
                .or_else(|| r.headers().get("x-amz-request-id"))
                .map(str::to_string)
        });
        let (outcome, error_code) = match ctx.output_or_error() {
            Some(Ok(_)) => (CallOutcome::Ok, None),
            Some(Err(e)) if e.is_operation_error() || e.is_response_error() => {
                (CallOutcome::ServiceError, response.and_then(error_code_of))
            }
            Some(Err(e)) if e.is_connector_error() || e.is_timeout_error() => {
                (CallOutcome::Unreachable, None)
            }
            Some(Err(_)) | None => (CallOutcome::ClientError, None),
        };
        self.journal.record(CallRecord {
            profile: self.profile.clone(),
            service,
            operation,
            params,
            started_ms,
            duration_ms,
            outcome,
            http_status,
            error_code,
            request_id,
        });
        Ok(())
    }
}

fn truncate(mut s: String) -> String {
    if s.len() > MAX_PARAMS_CHARS {
        let mut cut = MAX_PARAMS_CHARS;
        while !s.is_char_boundary(cut) {
            cut -= 1;
        }
        s.truncate(cut);
        s.push('…');
    }
    s
}

/// The AWS error code of a failed response, whatever the protocol: the JSON protocols' header or
/// `__type`, or the query/XML protocols' `<Code>`.
fn error_code_of(resp: &aws_smithy_runtime_api::http::Response) -> Option<String> {
    if let Some(t) = resp.headers().get("x-amzn-errortype") {
        return Some(t.split(':').next().unwrap_or(t).to_string());
    }
    let body = String::from_utf8_lossy(resp.body().bytes()?);
    if let Some(start) = body.find("<Code>") {
        let rest = &body[start + 6..];
        return rest.find("</Code>").map(|end| rest[..end].to_string());
    }
    let v: serde_json::Value = serde_json::from_str(&body).ok()?;
    v.get("__type")
        .and_then(|t| t.as_str())
        .map(|t| t.rsplit('#').next().unwrap_or(t).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_meter_counts_calls_and_refuses_past_the_budget() {
        let m = CallMeter::default();
        assert!(m.admit() && m.admit());
        assert_eq!(
            m.rate(),
            CallRate {
                last_minute: 2,
                total: 2
            }
        );
        m.set_budget(Some(1));
        assert!(m.admit());
        assert!(!m.admit(), "the budget of one more call is spent");
        assert_eq!(m.rate().total, 3);
        m.set_budget(None);
        assert!(m.admit());
    }
}
