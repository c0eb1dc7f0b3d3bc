//! The profile picker's command with the person's AWS config files (its own test binary:
//! it points AWS_CONFIG_FILE at a temporary file for the whole process).

use serde_json::{json, Value};
use tauri::test::{get_ipc_response, mock_builder, INVOKE_KEY};
use tauri::webview::InvokeRequest;

fn invoke(window: &tauri::WebviewWindow<tauri::test::MockRuntime>, cmd: &str, args: Value) -> Result<Value, Value> {
    get_ipc_response(
        window,
        InvokeRequest {
            cmd: cmd.into(),
            callback: tauri::ipc::CallbackFn(0),
            error: tauri::ipc::CallbackFn(1),
            url: "tauri://localhost".parse().unwrap(),
            body: tauri::ipc::InvokeBody::Json(args),
            headers: Default::default(),
            invoke_key: INVOKE_KEY.to_string(),
        },
    )
    .map(|body| body.deserialize::<Value>().expect("json response"))
}

#[test]
fn profiles_then_a_broken_config_then_an_unknown_profile() {
    let home = tempfile::tempdir().unwrap();
    let config = home.path().join("config");
    std::fs::write(&config, "[profile lab]\nregion = ap-southeast-1\naws_access_key_id = AKIDEXAMPLE\naws_secret_access_key = notreal\n").unwrap();
    // Set once, before any thread of this test binary reads the environment.
    std::env::set_var("AWS_CONFIG_FILE", &config);
    std::env::set_var("AWS_SHARED_CREDENTIALS_FILE", home.path().join("credentials"));
    let options = slipway_desktop::Options { data_dir: Some(home.path().join("data")), init_logging: false };
    let app = slipway_desktop::builder(mock_builder(), options).unwrap().build(tauri::generate_context!()).unwrap();
    let w = tauri::WebviewWindowBuilder::new(&app, "main", Default::default()).build().unwrap();

    let list = invoke(&w, "list_profiles", json!({})).unwrap();
    assert_eq!(list[0]["name"], "practice");
    assert_eq!(list[1], json!({"name": "lab", "kind": "static_keys", "region": "ap-southeast-1"}));

    let err = invoke(&w, "connect", json!({"profile": "nope", "region": null})).unwrap_err();
    assert_eq!(err["code"], "aws_profile_not_found");
    assert!(err["hint"].as_str().unwrap().contains("lab"));

    let err = invoke(&w, "connect", json!({"profile": "lab", "region": "moon-1"})).unwrap_err();
    assert_eq!(err["code"], "invalid_input");

    std::fs::write(&config, "[profile lab\nregion = ap-southeast-1\n").unwrap();
    let err = invoke(&w, "list_profiles", json!({})).unwrap_err();
    assert_eq!(err["code"], "aws_config_invalid");
    assert!(err["hint"].as_str().unwrap().contains("~/.aws/config"));
}
