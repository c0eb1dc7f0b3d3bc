//! The webview's security settings, read from the files Tauri builds from: a strict CSP (no
//! eval, no inline or remote script, nothing loaded from the network), and a capability that
//! grants the main window its own commands and the folder picker only, to no remote origin.

use slipway_desktop::COMMAND_NAMES;

fn conf() -> serde_json::Value {
    serde_json::from_str(include_str!("../tauri.conf.json")).unwrap()
}

#[test]
fn the_csp_allows_no_eval_no_inline_script_and_nothing_remote() {
    let c = conf();
    let csp = c["app"]["security"]["csp"]
        .as_object()
        .expect("a CSP is set (an absent CSP allows everything)");
    let directive = |k: &str| csp.get(k).and_then(|v| v.as_str()).unwrap_or_default();
    assert_eq!(directive("default-src"), "'self'");
    assert_eq!(
        directive("script-src"),
        "'self'",
        "scripts only from the app's own assets"
    );
    assert_eq!(directive("object-src"), "'none'");
    assert_eq!(directive("base-uri"), "'none'");
    assert_eq!(directive("frame-ancestors"), "'none'");
    for (k, v) in csp {
        let v = v.as_str().unwrap_or_default();
        assert!(!v.contains("'unsafe-eval'"), "{k} allows eval: {v}");
        assert!(!v.contains("'wasm-unsafe-eval'"), "{k}: {v}");
        for source in v.split_whitespace() {
            let remote =
                source.starts_with("http:") || source.starts_with("https:") || source == "*";
            // The IPC bridge is the one http origin, and it never leaves the machine.
            assert!(
                !remote || source == "http://ipc.localhost",
                "{k} allows a remote source {source}"
            );
        }
    }
    assert!(
        !directive("script-src").contains("'unsafe-inline'"),
        "no inline script"
    );
    assert_eq!(c["app"]["security"]["freezePrototype"], true);
    // No dangerous switch is on.
    assert!(c["app"]["security"]
        .get("dangerousDisableAssetCspModification")
        .is_none());
    assert!(c["app"].get("withGlobalTauri").is_none_or(|v| v == false));
}

#[test]
fn the_capability_grants_only_the_main_window_its_commands() {
    let cap: serde_json::Value =
        serde_json::from_str(include_str!("../src-tauri/capabilities/main.json")).unwrap();
    assert_eq!(cap["windows"], serde_json::json!(["main"]));
    assert!(
        cap.get("remote").is_none(),
        "no remote origin may call commands"
    );
    assert!(cap.get("webviews").is_none());
    let perms: Vec<&str> = cap["permissions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            p.as_str()
                .expect("permissions are plain identifiers, no scopes")
        })
        .collect();
    let commands: Vec<String> = COMMAND_NAMES
        .iter()
        .map(|n| format!("allow-{}", n.replace('_', "-")))
        .collect();
    for p in &perms {
        assert!(
            commands.iter().any(|c| c == p) || *p == "dialog:allow-open",
            "{p} is granted but is not one of Slipway's commands (a stale or broader grant)"
        );
    }
    assert_eq!(
        perms.len(),
        commands.len() + 1,
        "each command once, and the folder picker"
    );
    // Only one capability file: nothing else grants anything.
    let files: Vec<_> = std::fs::read_dir(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/src-tauri/capabilities"
    ))
    .unwrap()
    .filter_map(|e| e.ok())
    .map(|e| e.file_name().to_string_lossy().to_string())
    .collect();
    assert_eq!(files, vec!["main.json".to_string()]);
}
