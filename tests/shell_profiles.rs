//! The profile picker's command with the person's AWS config files (its own test binary:
//! it points AWS_CONFIG_FILE at a temporary file for the whole process).

mod common;

use common::{app, invoke};
use serde_json::json;

#[test]
fn profiles_then_a_broken_config_then_an_unknown_profile() {
    let home = tempfile::tempdir().unwrap();
    let config = home.path().join("config");
    std::fs::write(&config, "[profile lab]\nregion = ap-southeast-1\naws_access_key_id = AKIDEXAMPLE\naws_secret_access_key = notreal\n").unwrap();
    // Set once, before any thread of this test binary reads the environment.
    std::env::set_var("AWS_CONFIG_FILE", &config);
    std::env::set_var(
        "AWS_SHARED_CREDENTIALS_FILE",
        home.path().join("credentials"),
    );
    let (_app, w) = app(&home.path().join("data"));

    let list = invoke(&w, "list_profiles", json!({})).unwrap();
    assert_eq!(list[0]["name"], "practice");
    assert_eq!(
        list[1],
        json!({"name": "lab", "kind": "static_keys", "region": "ap-southeast-1"})
    );

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
