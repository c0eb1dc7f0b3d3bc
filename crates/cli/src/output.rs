//! What the CLI prints: text for people, JSON for scripts.

use crate::Outcome;
use slipway_core::connection::ProfileSummary;
use slipway_core::doctor::{CheckStatus, DoctorCheck, DoctorReport};
use slipway_core::ErrorBody;

fn mark(status: CheckStatus) -> &'static str {
    match status {
        CheckStatus::Ok => "ok  ",
        CheckStatus::Warn => "warn",
        CheckStatus::Fail => "FAIL",
        CheckStatus::Skipped => "skip",
    }
}

/// One doctor check as a line (and, when it failed, its message and fix).
pub fn check_line(c: &DoctorCheck) {
    let detail = c.detail.as_deref().unwrap_or("");
    println!("[{}] {:<22} {detail}", mark(c.status), c.id);
    if let Some(e) = &c.error {
        println!("       {}", e.message);
        println!("       fix: {}", e.hint);
    }
}

/// The doctor's closing line, or the whole report as JSON.
pub fn doctor_summary(json: bool, report: &DoctorReport) {
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(report).unwrap_or_else(|_| "{}".into())
        );
        return;
    }
    let failed = report.failures().count();
    if failed == 0 {
        println!("\nAll checks passed for profile '{}'.", report.profile);
    } else {
        let names: Vec<_> = report.failures().map(|c| c.id.as_str()).collect();
        println!(
            "\n{failed} check(s) failed for profile '{}': {}",
            report.profile,
            names.join(", ")
        );
    }
}

/// The profile list.
pub fn profiles(json: bool, profiles: &[ProfileSummary]) {
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(profiles).unwrap_or_else(|_| "[]".into())
        );
        return;
    }
    for p in profiles {
        let kind = serde_json::to_value(p.kind)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        println!(
            "{:<24} {:<12} {}",
            p.name,
            kind,
            p.region.as_deref().unwrap_or("-")
        );
    }
}

/// Reports an error (stderr as text, or stdout as `{"error": ...}`) and returns the outcome.
pub fn error(json: bool, e: &ErrorBody, outcome: Outcome) -> Outcome {
    if json {
        println!("{}", serde_json::json!({ "error": e }));
    } else {
        eprintln!("error[{}]: {}\n  hint: {}", e.code, e.message, e.hint);
    }
    outcome
}

/// A list of strings: one per line, or a JSON array.
pub fn lines(json: bool, items: &[String]) {
    if json {
        println!(
            "{}",
            serde_json::to_string(items).unwrap_or_else(|_| "[]".into())
        );
    } else {
        for i in items {
            println!("{i}");
        }
    }
}

/// How `slipway lint` prints its findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LintFormat {
    Text,
    Json,
    Sarif,
}

/// Lint findings as text (`file:line rule severity: message`), JSON, or SARIF 2.1.0.
pub fn findings(format: LintFormat, file: &str, findings: &[slipway_core::lint::Finding]) {
    match format {
        LintFormat::Text => {
            for f in findings {
                let sev = serde_json::to_value(f.severity)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default();
                println!("{file}:{} {} {sev}: {}", f.line, f.rule, f.message);
            }
        }
        LintFormat::Json => println!(
            "{}",
            serde_json::to_string_pretty(findings).unwrap_or_else(|_| "[]".into())
        ),
        LintFormat::Sarif => println!(
            "{}",
            serde_json::to_string_pretty(&sarif(file, findings)).unwrap_or_default()
        ),
    }
}

/// SARIF 2.1.0: every rule the linter has, the findings, and each fix as replacements of lines.
fn sarif(file: &str, findings: &[slipway_core::lint::Finding]) -> serde_json::Value {
    use slipway_core::lint::{rule_summary, Severity, RULE_IDS};
    let rules: Vec<serde_json::Value> = RULE_IDS
        .iter()
        .map(|id| {
            serde_json::json!({
                "id": id,
                "shortDescription": { "text": rule_summary(id).unwrap_or(id) }
            })
        })
        .collect();
    let results: Vec<serde_json::Value> = findings
        .iter()
        .map(|f| {
            let level = match f.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                _ => "note",
            };
            let mut result = serde_json::json!({
                "ruleId": f.rule,
                "level": level,
                "message": { "text": f.message },
                "locations": [{ "physicalLocation": { "artifactLocation": { "uri": file }, "region": { "startLine": f.line } } }]
            });
            if let Some(index) = RULE_IDS.iter().position(|id| *id == f.rule) {
                result["ruleIndex"] = index.into();
            }
            if let Some(fix) = &f.fix {
                result["fixes"] = serde_json::json!([{
                    "description": { "text": fix.title },
                    "artifactChanges": [{
                        "artifactLocation": { "uri": file },
                        "replacements": fix.edits.iter().map(sarif_replacement).collect::<Vec<_>>()
                    }]
                }]);
            }
            result
        })
        .collect();
    serde_json::json!({
        "version": "2.1.0",
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "runs": [{ "tool": { "driver": { "name": "slipway", "rules": rules } }, "results": results }]
    })
}

/// A whole-line edit as a SARIF replacement. A region of whole lines leaves their line breaks
/// alone, so a replacement's text has none at its end; an insertion is an empty region at the
/// start of its line and brings its own line break, and so does a deletion's region.
fn sarif_replacement(edit: &slipway_core::lint::TextEdit) -> serde_json::Value {
    let (start, end) = (edit.start_line, edit.end_line);
    if end < start || edit.replacement.is_empty() {
        let inserted = if edit.replacement.is_empty() {
            String::new()
        } else {
            format!("{}\n", edit.replacement)
        };
        serde_json::json!({
            "deletedRegion": { "startLine": start, "startColumn": 1, "endLine": end + 1, "endColumn": 1 },
            "insertedContent": { "text": inserted }
        })
    } else {
        serde_json::json!({
            "deletedRegion": { "startLine": start, "endLine": end },
            "insertedContent": { "text": edit.replacement }
        })
    }
}
