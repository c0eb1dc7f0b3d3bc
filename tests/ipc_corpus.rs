//! Bad input sent straight to the app's commands over IPC (issue 9's corpus, the IPC entry point):
//! every command with arguments gets them missing, of the wrong type, and (for text) hostile
//! values that cannot name anything real. Each call is refused with a worded error, none panics,
//! and the app still answers afterwards. Runs on Tauri's mock runtime with the real ACL.

mod common;

use common::{app, invoke};
use serde_json::{json, Value};
use slipway_desktop::bindings::{camel, command_sigs};

/// A value of the wrong type for an argument of TypeScript type `ts`.
fn wrong_type(ts: &str) -> Value {
    match ts {
        "string" => json!(12345),
        "number" | "bigint" => json!("twelve"),
        "boolean" => json!("yes"),
        t if t.starts_with("Array<") => json!({"not": "a list"}),
        t if t.starts_with("Channel<") => json!("not a channel"),
        t if t.ends_with("| null") => json!([1, 2, 3]),
        _ => json!("not an object"),
    }
}

/// A value of the right type for an argument, so that another argument is the bad one.
fn plausible(ts: &str, missing_dir: &str) -> Value {
    match ts {
        "string" => json!(missing_dir),
        "number" | "bigint" => json!(1),
        "boolean" => json!(false),
        t if t.ends_with("| null") => Value::Null,
        t if t.starts_with("Array<") => json!([]),
        _ => json!({}),
    }
}

/// Commands for which text naming nothing is a no-op (answered null or false), not an error.
const NO_OPS: &[&str] = &["forget_project", "cancel_operation"];

#[test]
fn every_command_refuses_malformed_arguments_with_a_worded_error() {
    let dir = tempfile::tempdir().unwrap();
    let (_app, w) = app(dir.path());
    let nowhere = dir.path().join("no-such-project");
    let nowhere = nowhere.to_str().unwrap();
    let cfg = ts_rs::Config::new();
    let mut cases = 0usize;
    let mut refused_by_type = 0usize;
    let mut refused_by_command = 0usize;
    let mut no_ops = 0usize;
    let mut commands = 0usize;
    for sig in command_sigs(&cfg) {
        if sig.args.is_empty() {
            continue;
        }
        commands += 1;
        let all_optional = sig.args.iter().all(|(_, t)| t.ends_with("| null"));
        let mut variants: Vec<(String, Value)> = Vec::new();
        if !all_optional {
            variants.push(("no arguments".into(), json!({})));
        }
        variants.push(("arguments as a list".into(), json!(["a", 1])));
        for (i, (name, ts)) in sig.args.iter().enumerate() {
            let mut args = serde_json::Map::new();
            for (j, (other, ots)) in sig.args.iter().enumerate() {
                let v = if i == j {
                    wrong_type(ts)
                } else {
                    plausible(ots, nowhere)
                };
                args.insert(camel(other), v);
            }
            variants.push((format!("{name} of the wrong type"), Value::Object(args)));
        }
        // Hostile text where the command takes text and nothing that needs a live channel: a
        // NUL byte and a megabyte, neither of which can name a real file, profile or resource.
        let textual = sig.args.iter().any(|(_, t)| t == "string")
            && !sig.args.iter().any(|(_, t)| t.starts_with("Channel<"));
        if textual {
            for (label, text) in [
                ("a NUL byte", format!("{nowhere}/a\0b")),
                ("a megabyte", "x".repeat(1 << 20)),
            ] {
                let mut args = serde_json::Map::new();
                for (name, ts) in &sig.args {
                    let v = if ts == "string" {
                        json!(text)
                    } else {
                        plausible(ts, nowhere)
                    };
                    args.insert(camel(name), v);
                }
                variants.push((format!("text with {label}"), Value::Object(args)));
            }
        }
        for (what, args) in variants {
            cases += 1;
            let shown = {
                let s = args.to_string();
                if s.len() > 120 {
                    format!("{}…", &s[..120])
                } else {
                    s
                }
            };
            let err = match invoke(&w, sig.name, args) {
                // Forgetting or cancelling what is not there is a no-op, not an error.
                Ok(v) if what.starts_with("text") && NO_OPS.contains(&sig.name) => {
                    assert!(
                        v.is_null() || v == json!(false),
                        "{} with {what}: {v}",
                        sig.name
                    );
                    no_ops += 1;
                    continue;
                }
                Ok(v) => panic!("{} with {what} ({shown}) succeeded: {v}", sig.name),
                Err(e) => e,
            };
            match &err {
                // Tauri's own refusal of arguments that do not deserialize.
                Value::String(s) => {
                    assert!(
                        ["invalid", "missing", "expected"]
                            .iter()
                            .any(|w| s.contains(w)),
                        "{} with {what}: {s}",
                        sig.name
                    );
                    assert!(
                        s.len() < 4096,
                        "{} with {what}: the refusal repeats the input",
                        sig.name
                    );
                    refused_by_type += 1;
                }
                // The command's own refusal: a code, a message and a hint.
                Value::Object(o) => {
                    for k in ["code", "message", "hint"] {
                        assert!(
                            o.get(k)
                                .and_then(Value::as_str)
                                .is_some_and(|s| !s.is_empty()),
                            "{} with {what}: no {k} in {err}",
                            sig.name
                        );
                    }
                    assert!(
                        o["message"].as_str().unwrap().len() < 4096,
                        "{} with {what}: the message repeats the megabyte",
                        sig.name
                    );
                    refused_by_command += 1;
                }
                other => panic!(
                    "{} with {what}: an error of no known shape: {other}",
                    sig.name
                ),
            }
        }
    }
    // Still alive and answering after all of it.
    assert!(invoke(&w, "app_info", json!({})).is_ok());
    assert!(invoke(&w, "get_settings", json!({})).is_ok());
    println!(
        "IPC corpus: {cases} malformed calls to {commands} commands, {} refused ({refused_by_type} by argument types, {refused_by_command} by the command with code, message and hint), {no_ops} harmless no-ops (forgetting or cancelling what is not there), no panic",
        cases - no_ops
    );
    assert!(cases >= 150, "{cases} cases");
}
