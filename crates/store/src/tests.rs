use super::*;
use slipway_core::settings::{Language, Theme};

fn project(path: &str, at: i64) -> ProjectSummary {
    ProjectSummary {
        path: path.into(),
        name: path.rsplit('/').next().unwrap().into(),
        last_opened_ms: at,
        has_spec: false,
    }
}

#[test]
fn a_new_store_is_at_the_latest_schema_and_reopening_keeps_data() {
    let dir = tempfile::tempdir().unwrap();
    {
        let store = Store::open_in(dir.path()).unwrap();
        assert_eq!(store.schema_version().unwrap(), migrations::SCHEMA_VERSION);
        store.touch_project(&project("/home/lan/shop", 1)).unwrap();
    }
    let again = Store::open_in(dir.path()).unwrap();
    assert_eq!(again.recent_projects(10).unwrap().len(), 1);
}

#[test]
fn a_store_from_a_newer_slipway_is_refused_with_a_hint() {
    let dir = tempfile::tempdir().unwrap();
    {
        let c = rusqlite::Connection::open(dir.path().join(STORE_FILE)).unwrap();
        c.pragma_update(None, "user_version", 999).unwrap();
    }
    let err = Store::open_in(dir.path()).unwrap_err();
    assert!(matches!(err, StoreError::TooNew { found: 999, .. }));
    assert!(ErrorBody::from(&err).hint.contains("Update Slipway"));
}

#[test]
fn recent_projects_are_newest_first_and_reopening_moves_one_up() {
    let store = Store::open_in_memory().unwrap();
    store.touch_project(&project("/p/a", 1)).unwrap();
    store.touch_project(&project("/p/b", 2)).unwrap();
    store.touch_project(&project("/p/a", 3)).unwrap();
    let names: Vec<_> = store
        .recent_projects(10)
        .unwrap()
        .into_iter()
        .map(|p| p.name)
        .collect();
    assert_eq!(names, ["a", "b"]);
    assert!(store.forget_project("/p/a").unwrap());
    assert!(!store.forget_project("/p/a").unwrap());
    assert_eq!(store.recent_projects(10).unwrap().len(), 1);
}

#[test]
fn settings_default_then_persist() {
    let store = Store::open_in_memory().unwrap();
    assert_eq!(store.settings().unwrap(), Settings::default());
    let s = Settings {
        language: Language::Vi,
        theme: Theme::Dark,
        profile: "lab".into(),
        region: Some("ap-southeast-1".into()),
    };
    store.save_settings(&s).unwrap();
    assert_eq!(store.settings().unwrap(), s);
}

#[test]
fn journal_keeps_calls_in_order_with_their_outcome() {
    let store = Store::open_in_memory().unwrap();
    for (i, outcome) in [CallOutcome::Ok, CallOutcome::ServiceError]
        .into_iter()
        .enumerate()
    {
        store.record(CallRecord {
            profile: "practice".into(),
            service: "ECS".into(),
            operation: format!("Op{i}"),
            params: Some("{\"cluster\":\"x\"}".into()),
            started_ms: i as i64,
            duration_ms: 5,
            outcome,
            http_status: Some(200),
            error_code: None,
            request_id: None,
        });
    }
    let calls = store.recent_calls(10).unwrap();
    assert_eq!(calls.len(), 2);
    assert_eq!(calls[0].operation, "Op1");
    assert_eq!(calls[0].outcome, CallOutcome::ServiceError);
    assert_eq!(calls[1].outcome, CallOutcome::Ok);
}

#[test]
fn runs_keep_a_row_before_and_after_each_step_and_owned_resources_until_released() {
    use slipway_core::journal::{OwnedResource, RunLog};
    let store = Store::open_in_memory().unwrap();
    let run = store.begin_run("shop", "apply");
    store.step_started(run, "alb", "create");
    assert_eq!(store.run_steps(run).unwrap()[0].status, "started");
    store.step_finished(run, "alb", "done", Some("arn:alb"), None);
    let steps = store.run_steps(run).unwrap();
    assert_eq!(steps[0].status, "done");
    assert_eq!(steps[0].resource_id.as_deref(), Some("arn:alb"));
    assert!(steps[0].finished_ms.is_some());
    store.end_run(run, "done");
    assert_eq!(store.runs_of("shop", 5).unwrap()[0].status, "done");

    let r = OwnedResource {
        project: "shop".into(),
        profile: "practice".into(),
        region: "us-east-1".into(),
        kind: "load_balancer".into(),
        key: "alb".into(),
        name: "shop".into(),
        id: "arn:alb".into(),
    };
    store.owned(&r);
    store.owned(&r);
    assert_eq!(
        store.owned_by("shop", "practice", "us-east-1"),
        vec![r.clone()]
    );
    assert!(store.owned_by("shop", "practice", "eu-west-1").is_empty());
    let newer = OwnedResource {
        id: "arn:alb:2".into(),
        ..r.clone()
    };
    store.owned(&newer);
    assert_eq!(
        store.owned_by("shop", "practice", "us-east-1"),
        vec![newer.clone()],
        "one per key"
    );
    store.released("shop", "practice", "us-east-1", "arn:alb:2");
    assert!(store.owned_by("shop", "practice", "us-east-1").is_empty());
}

#[test]
fn lab_checks_keep_the_latest_result_per_step_and_project_and_survive_reopening() {
    use slipway_core::labs::{CheckResult, LabStatus};
    let dir = tempfile::tempdir().unwrap();
    {
        let store = Store::open_in(dir.path()).unwrap();
        let not_yet = CheckResult::new(LabStatus::NotYet, "There is no repository shop yet.", 1);
        store
            .save_lab_check("/p/shop", "week7", "day3-ecr-repo", &not_yet)
            .unwrap();
        let pass = CheckResult::new(LabStatus::Pass, "The repository exists.", 2)
            .with("Repository", "1.dkr.ecr.us-east-1.amazonaws.com/shop");
        store
            .save_lab_check("/p/shop", "week7", "day3-ecr-repo", &pass)
            .unwrap();
        store
            .save_lab_check("/p/other", "week7", "day3-ecr-repo", &not_yet)
            .unwrap();
    }
    let store = Store::open_in(dir.path()).unwrap();
    let got = store.lab_checks("/p/shop", "week7").unwrap();
    assert_eq!(got.len(), 1, "one row per step: the latest");
    assert_eq!(got[0].0, "day3-ecr-repo");
    assert_eq!(got[0].1.status, LabStatus::Pass);
    assert_eq!(got[0].1.at_ms, 2);
    assert_eq!(
        got[0].1.evidence,
        vec![(
            "Repository".to_string(),
            "1.dkr.ecr.us-east-1.amazonaws.com/shop".to_string()
        )]
    );
    assert_eq!(
        store.lab_checks("/p/other", "week7").unwrap()[0].1.status,
        LabStatus::NotYet
    );
    assert!(store
        .lab_checks("/p/shop", "ecs-workshop")
        .unwrap()
        .is_empty());
}
