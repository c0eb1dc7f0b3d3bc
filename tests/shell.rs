//! The real app (commands, state, store, ACL from tauri.conf.json and the capabilities) on
//! Tauri's mock runtime: no window, no webkit, real IPC.

mod common;

use common::{app, invoke};
use serde_json::json;

#[test]
fn settings_round_trip_through_ipc_and_the_store() {
    let dir = tempfile::tempdir().unwrap();
    let (_app, w) = app(dir.path());
    let defaults = invoke(&w, "get_settings", json!({})).unwrap();
    assert_eq!(defaults["profile"], "practice");
    assert_eq!(defaults["language"], "en");
    let saved = invoke(&w, "save_settings", json!({"settings": {"language": "vi", "theme": "dark", "profile": "practice", "region": null}})).unwrap();
    assert_eq!(saved["language"], "vi");
    assert_eq!(
        invoke(&w, "get_settings", json!({})).unwrap()["theme"],
        "dark"
    );
    assert!(dir.path().join(slipway_store::STORE_FILE).is_file());
}

#[test]
fn errors_cross_ipc_as_code_message_hint() {
    let dir = tempfile::tempdir().unwrap();
    let (_app, w) = app(dir.path());
    let err = invoke(
        &w,
        "open_project",
        json!({"path": "/no/such/slipway/project"}),
    )
    .unwrap_err();
    assert_eq!(err["code"], "path_not_found");
    assert!(err["message"]
        .as_str()
        .unwrap()
        .contains("/no/such/slipway/project"));
    assert!(!err["hint"].as_str().unwrap().is_empty());
    assert_eq!(
        err.as_object().unwrap().len(),
        3,
        "exactly code, message, hint: {err}"
    );

    let err = invoke(&w, "save_settings", json!({"settings": {"language": "en", "theme": "system", "profile": "practice", "region": "mars-1"}})).unwrap_err();
    assert_eq!(err["code"], "invalid_input");
}

#[test]
fn malformed_arguments_are_rejected_without_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let (_app, w) = app(dir.path());
    for (cmd, args) in [
        ("open_project", json!({})),
        ("open_project", json!({"path": 42})),
        (
            "save_settings",
            json!({"settings": {"language": "klingon"}}),
        ),
        ("forget_project", json!({"path": null})),
        ("connect", json!({"profile": ["x"]})),
    ] {
        assert!(
            invoke(&w, cmd, args.clone()).is_err(),
            "{cmd} {args} should fail"
        );
    }
}

#[test]
fn opened_projects_are_remembered_newest_first_and_can_be_forgotten() {
    let dir = tempfile::tempdir().unwrap();
    let (_app, w) = app(dir.path());
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    std::fs::write(
        b.path().join("slipway.toml"),
        "[app]\nname = \"shop-api\"\nport = 8080\n",
    )
    .unwrap();
    invoke(&w, "open_project", json!({"path": a.path()})).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(5));
    let opened = invoke(&w, "open_project", json!({"path": b.path()})).unwrap();
    assert_eq!(
        opened["name"], "shop-api",
        "the spec's app name wins over the folder name"
    );
    assert_eq!(opened["has_spec"], true);
    let recent = invoke(&w, "recent_projects", json!({})).unwrap();
    let names: Vec<_> = recent
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(names[0], "shop-api");
    assert_eq!(names.len(), 2);
    invoke(&w, "forget_project", json!({"path": opened["path"]})).unwrap();
    assert_eq!(
        invoke(&w, "recent_projects", json!({}))
            .unwrap()
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn app_info_names_the_data_folder() {
    let dir = tempfile::tempdir().unwrap();
    let (_app, w) = app(dir.path());
    let info = invoke(&w, "app_info", json!({})).unwrap();
    assert_eq!(info["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(info["data_dir"], dir.path().display().to_string());
}
