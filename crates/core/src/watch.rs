//! How often to look, within a budget: fast while something moves (a rollout, a pipeline run),
//! slow when the service is steady, not at all while the window is hidden, and backing off
//! when AWS throttles. The calls one look makes are known, so the budget is a number that a
//! test checks (`STEADY_CALLS_PER_MINUTE`).

use crate::health::ServiceHealth;
use serde::Serialize;
use std::time::Duration;
use ts_rs::TS;

/// What the watched things are doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Activity {
    /// A deployment is rolling, tasks are starting or stopping, or a pipeline run is going.
    Moving,
    /// Nothing changes.
    Steady,
    /// Nobody is looking (the window is hidden or minimised).
    Hidden,
}

/// Seconds between looks while something moves.
pub const FAST: Duration = Duration::from_secs(5);
/// Seconds between looks when steady.
pub const SLOW: Duration = Duration::from_secs(30);
/// The longest wait after repeated throttling.
pub const MAX_BACKOFF: Duration = Duration::from_secs(120);
/// AWS calls one look at a service makes: DescribeServices, ListTasks (running and stopped),
/// DescribeTasks (up to 100 tasks), DescribeTargetHealth.
pub const CALLS_PER_LOOK: u32 = 5;
/// The budget when steady: one look per `SLOW`, with room for one extra DescribeTasks page.
pub const STEADY_CALLS_PER_MINUTE: u32 = 12;

/// Whether the service is moving: more than one deployment, a rollout in progress, or tasks
/// not yet where they should be.
pub fn activity_of(h: &ServiceHealth) -> Activity {
    let rolling = h.deployments.len() > 1
        || h.deployments
            .iter()
            .any(|d| d.rollout_state.as_deref() == Some("IN_PROGRESS"));
    let settling = h.pending > 0 || h.running != h.desired;
    if rolling || settling {
        Activity::Moving
    } else {
        Activity::Steady
    }
}

/// The wait before the next look; `None` while hidden (wait to be shown again).
/// `throttled` is how many looks in a row AWS throttled: the wait doubles each time.
pub fn next_wait(activity: Activity, throttled: u32) -> Option<Duration> {
    let base = match activity {
        Activity::Moving => FAST,
        Activity::Steady => SLOW,
        Activity::Hidden => return None,
    };
    if throttled == 0 {
        return Some(base);
    }
    let factor = 1u32 << throttled.min(6);
    Some((base * factor).min(MAX_BACKOFF))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::health::DeploymentInfo;

    fn steady() -> ServiceHealth {
        let mut h = ServiceHealth::missing("c", "s", 0);
        h.status = "ACTIVE".into();
        h.desired = 2;
        h.running = 2;
        h.deployments = vec![DeploymentInfo {
            id: "ecs-svc/1".into(),
            status: "PRIMARY".into(),
            rollout_state: Some("COMPLETED".into()),
            rollout_reason: None,
            task_definition: "td:1".into(),
            desired: 2,
            running: 2,
            pending: 0,
            failed: 0,
            created_ms: None,
            updated_ms: None,
        }];
        h
    }

    #[test]
    fn a_steady_service_is_looked_at_slowly_and_a_rollout_fast() {
        let mut h = steady();
        assert_eq!(activity_of(&h), Activity::Steady);
        assert_eq!(next_wait(Activity::Steady, 0), Some(SLOW));
        h.deployments[0].rollout_state = Some("IN_PROGRESS".into());
        assert_eq!(activity_of(&h), Activity::Moving);
        let mut h = steady();
        h.running = 1;
        assert_eq!(
            activity_of(&h),
            Activity::Moving,
            "a task missing is movement"
        );
        assert_eq!(next_wait(Activity::Moving, 0), Some(FAST));
    }

    #[test]
    fn hidden_pauses_and_throttling_backs_off_up_to_a_ceiling() {
        assert_eq!(next_wait(Activity::Hidden, 0), None);
        assert_eq!(next_wait(Activity::Moving, 1), Some(FAST * 2));
        assert_eq!(next_wait(Activity::Moving, 2), Some(FAST * 4));
        assert_eq!(next_wait(Activity::Steady, 3), Some(MAX_BACKOFF));
        assert_eq!(next_wait(Activity::Steady, 40), Some(MAX_BACKOFF));
    }

    #[test]
    fn the_steady_budget_covers_the_looks_it_allows() {
        let looks_per_minute = 60 / SLOW.as_secs() as u32;
        assert!(looks_per_minute * CALLS_PER_LOOK <= STEADY_CALLS_PER_MINUTE);
    }
}
