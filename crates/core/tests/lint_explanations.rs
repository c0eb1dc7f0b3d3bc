//! The learner-facing explanations of the lint rules (ui/src/lib/i18n/lint.{en,vi}.json): one
//! for every rule the linter can report, in both languages, each with a title, a why and a how.

use serde_json::{Map, Value};
use slipway_core::lint::{lint_with, LintOptions, RULE_IDS};
use std::path::Path;

fn explanations(lang: &str) -> Map<String, Value> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(format!("../../ui/src/lib/i18n/lint.{lang}.json"));
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    match serde_json::from_str(&text) {
        Ok(Value::Object(map)) => map,
        other => panic!("{} is not a JSON object: {other:?}", path.display()),
    }
}

#[test]
fn every_rule_is_explained_in_english_and_vietnamese() {
    let (en, vi) = (explanations("en"), explanations("vi"));
    let keys = |m: &Map<String, Value>| m.keys().cloned().collect::<Vec<_>>();
    assert_eq!(
        keys(&en),
        keys(&vi),
        "lint.en.json and lint.vi.json have different rules"
    );
    let mut ids: Vec<String> = RULE_IDS.iter().map(|s| s.to_string()).collect();
    ids.sort();
    let mut explained = keys(&en);
    explained.sort();
    assert_eq!(
        explained, ids,
        "the explained rules are not the linter's RULE_IDS"
    );
    let mut problems = Vec::new();
    for (lang, map) in [("en", &en), ("vi", &vi)] {
        for id in RULE_IDS {
            let entry = &map[*id];
            let fields: Vec<&String> = entry
                .as_object()
                .map(|o| o.keys().collect())
                .unwrap_or_default();
            if fields != ["how", "title", "why"] && fields != ["title", "why", "how"] {
                problems.push(format!(
                    "{lang} {id}: fields {fields:?}, want title, why, how"
                ));
            }
            for field in ["title", "why", "how"] {
                let text = entry[field].as_str().unwrap_or("").trim();
                if text.is_empty() {
                    problems.push(format!("{lang} {id}: no {field}"));
                }
                // svelte-i18n reads { } as placeholders and < > as markup.
                if text.contains(['{', '}', '<', '>']) {
                    problems.push(format!("{lang} {id}: {field} has {{ }} or < >"));
                }
            }
            if entry["title"].as_str().unwrap_or("").contains('\n') {
                problems.push(format!("{lang} {id}: the title is more than one line"));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_vietnamese_explanations_are_really_vietnamese() {
    let (en, vi) = (explanations("en"), explanations("vi"));
    let marks = "ăâđêôơưáàảãạấầẩẫậắằẳẵặéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ";
    for id in RULE_IDS {
        for field in ["title", "why"] {
            let (e, v) = (
                en[*id][field].as_str().unwrap_or(""),
                vi[*id][field].as_str().unwrap_or(""),
            );
            assert_ne!(e, v, "{id} {field} is not translated");
            assert!(
                v.to_lowercase().chars().any(|c| marks.contains(c)),
                "{id} {field} has no Vietnamese diacritics: {v}"
            );
        }
    }
}

#[test]
fn every_rule_the_linter_reports_is_in_rule_ids() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/dockerfiles");
    let options = LintOptions {
        port: Some(8080),
        platform: Some("linux/amd64".into()),
    };
    let mut seen = std::collections::BTreeSet::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        for f in lint_with(&text, Some(&options)).unwrap() {
            assert!(
                RULE_IDS.contains(&f.rule.as_str()),
                "{} is not in RULE_IDS",
                f.rule
            );
            seen.insert(f.rule);
        }
    }
    assert!(seen.len() >= 15, "the corpus reports only {seen:?}");
}
