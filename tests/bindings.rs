//! The committed TypeScript bindings must be exactly what the Rust types generate.

use slipway_desktop::bindings::{command_sigs, render, BINDINGS_PATH};
use slipway_desktop::COMMAND_NAMES;

#[test]
fn committed_bindings_match_the_rust_types() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(BINDINGS_PATH);
    let generated = render();
    if std::env::var_os("SLIPWAY_WRITE_BINDINGS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        slipway_core::atomic::write_atomic(&path, generated.as_bytes()).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "{BINDINGS_PATH} is stale: run `scripts/gen-bindings` and commit the result"
    );
}

#[test]
fn every_registered_command_has_a_typed_binding_and_no_more() {
    let cfg = ts_rs::Config::new();
    let bound: Vec<&str> = command_sigs(&cfg).iter().map(|c| c.name).collect();
    assert_eq!(bound, COMMAND_NAMES);
}

#[test]
fn every_command_has_exactly_one_permission_in_the_main_capability() {
    let cap: serde_json::Value =
        serde_json::from_str(include_str!("../src-tauri/capabilities/main.json")).unwrap();
    let perms: Vec<&str> = cap["permissions"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p.as_str())
        .collect();
    for name in COMMAND_NAMES {
        let wanted = format!("allow-{}", name.replace('_', "-"));
        assert_eq!(
            perms.iter().filter(|p| **p == wanted).count(),
            1,
            "{wanted} missing from capabilities/main.json"
        );
    }
    let extra: Vec<_> = perms
        .iter()
        .filter(|p| !p.starts_with("allow-") && **p != "dialog:allow-open")
        .collect();
    assert!(
        extra.is_empty(),
        "the main window should get nothing beyond its commands and the folder picker: {extra:?}"
    );
}
