//! Redaction of secrets before anything reaches a log, the journal or the store.

use serde_json::Value;

/// What a redacted value is replaced with.
pub const REDACTED: &str = "***";

/// Whether a parameter name names a secret (keys, tokens, passwords).
pub fn is_secret_key(name: &str) -> bool {
    let n: String = name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_lowercase();
    [
        "secret",
        "password",
        "passwd",
        "token",
        "authorization",
        "credential",
        "privatekey",
        "sessionkey",
    ]
    .iter()
    .any(|needle| n.contains(needle))
}

/// Replaces, in place, every value whose key names a secret.
pub fn redact_json(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (k, v) in map.iter_mut() {
                if is_secret_key(k) && !v.is_null() {
                    *v = Value::String(REDACTED.into());
                } else {
                    redact_json(v);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(redact_json),
        _ => {}
    }
}

/// Redacts a form-encoded body (`Action=X&Password=y`), as sent by query-protocol AWS services.
pub fn redact_form(body: &str) -> String {
    body.split('&')
        .map(|pair| match pair.split_once('=') {
            Some((k, _)) if is_secret_key(k) => format!("{k}={REDACTED}"),
            _ => pair.to_string(),
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// Redacts a request body of unknown protocol: JSON when it parses, form encoding otherwise.
pub fn redact_body(body: &str) -> String {
    match serde_json::from_str::<Value>(body) {
        Ok(mut v) => {
            redact_json(&mut v);
            v.to_string()
        }
        Err(_) => redact_form(body),
    }
}

/// Removes every occurrence of the given secret values from free text (error messages, logs).
pub fn scrub(text: &str, secrets: &[&str]) -> String {
    let mut out = text.to_string();
    for s in secrets.iter().filter(|s| s.len() >= 4) {
        out = out.replace(s, REDACTED);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn redacts_nested_secret_fields_and_keeps_the_rest() {
        let mut v = json!({
            "repositoryName": "shop",
            "authorizationData": [{"authorizationToken": "QVdTOnNlY3JldA=="}],
            "Credentials": {"SecretAccessKey": "abc", "AccessKeyId": "AKIA123"},
            "nested": [{"password": "hunter2", "user": "lan"}]
        });
        redact_json(&mut v);
        assert_eq!(v["repositoryName"], "shop");
        assert_eq!(v["authorizationData"], REDACTED);
        assert_eq!(v["Credentials"], REDACTED);
        assert_eq!(v["nested"][0]["password"], REDACTED);
        assert_eq!(v["nested"][0]["user"], "lan");
    }

    #[test]
    fn redacts_form_encoded_secrets() {
        let out = redact_form("Action=AssumeRole&RoleArn=arn&SessionToken=FQoGZX&Version=2011");
        assert_eq!(
            out,
            "Action=AssumeRole&RoleArn=arn&SessionToken=***&Version=2011"
        );
    }

    #[test]
    fn body_redaction_picks_the_protocol() {
        assert!(!redact_body(r#"{"password":"p4ss"}"#).contains("p4ss"));
        assert!(!redact_body("Password=p4ss&x=1").contains("p4ss"));
    }

    #[test]
    fn scrub_removes_known_secret_values_from_text() {
        let msg = "login failed for slipway:Sup3rSecretPw at 127.0.0.1";
        assert_eq!(
            scrub(msg, &["Sup3rSecretPw"]),
            "login failed for slipway:*** at 127.0.0.1"
        );
    }
}
