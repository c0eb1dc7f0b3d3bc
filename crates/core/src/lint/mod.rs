//! The Dockerfile linter: hadolint's rules that matter most to learners, with the same ids and
//! meaning (checked against hadolint itself in tests), on the parse-dockerfile parser.

mod fix;
mod fixes;
mod rules;
pub mod shell;

pub use fix::{apply_fix, Fix, TextEdit};

use crate::dockerfile::LineIndex;
use crate::ErrorBody;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// How much a finding matters (hadolint's levels).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Error,
    Warning,
    Info,
    Style,
}

/// One lint finding, tied to a line of the Dockerfile (1-based).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Finding {
    /// The rule id, e.g. `DL3007` (hadolint's) or `SW1001` (Slipway's own).
    pub rule: String,
    pub severity: Severity,
    pub line: u32,
    pub message: String,
    /// A safe one-click change that makes the finding go away, when there is one.
    pub fix: Option<Fix>,
}

/// Every rule id the linter can emit: hadolint's, then Slipway's own.
pub const RULE_IDS: &[&str] = &[
    "DL3000", "DL3002", "DL3003", "DL3004", "DL3006", "DL3007", "DL3008", "DL3009", "DL3013",
    "DL3015", "DL3020", "DL3025", "DL3042", "DL3059", "DL4006", "SW1001", "SW1002", "SW1003",
    "SW1004",
];

/// A rule's one-line summary in English, for tools that list the rules (SARIF).
pub fn rule_summary(rule: &str) -> Option<&'static str> {
    Some(match rule {
        "DL3000" => "Use an absolute WORKDIR",
        "DL3002" => "The last USER should not be root",
        "DL3003" => "Use WORKDIR to switch to a directory",
        "DL3004" => "Do not use sudo",
        "DL3006" => "Always tag the version of an image explicitly",
        "DL3007" => "Do not use the latest tag",
        "DL3008" => "Pin versions in apt-get install",
        "DL3009" => "Delete the apt lists after installing something",
        "DL3013" => "Pin versions in pip install",
        "DL3015" => "Avoid additional packages with --no-install-recommends",
        "DL3020" => "Use COPY instead of ADD for files and folders",
        "DL3025" => "Use JSON form for CMD and ENTRYPOINT",
        "DL3042" => "Use pip install --no-cache-dir",
        "DL3059" => "Merge consecutive RUN instructions",
        "DL4006" => "Set -o pipefail before a RUN with a pipe",
        "SW1001" => "EXPOSE the port the service sends traffic to",
        "SW1002" => "Run the final stage as a non-root USER",
        "SW1003" => "Do not bake secrets into ENV or ARG",
        "SW1004" => "Build the final stage for the service's platform",
        _ => return None,
    })
}

/// What the project says, for Slipway's own checks (port, platform).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LintOptions {
    /// The port the service sends traffic to (slipway.toml `app.port`).
    pub port: Option<u16>,
    /// The platform the image is built for, e.g. `linux/amd64` (Fargate's default) or `linux/arm64`.
    pub platform: Option<String>,
}

/// Parses and lints a Dockerfile with hadolint's rules only, findings sorted by line then rule.
pub fn lint(text: &str) -> Result<Vec<Finding>, ErrorBody> {
    lint_with(text, None)
}

/// Lints with hadolint's rules and, given the project's options, Slipway's own checks (SW*).
/// Findings that can be fixed safely carry the fix.
pub fn lint_with(text: &str, options: Option<&LintOptions>) -> Result<Vec<Finding>, ErrorBody> {
    let file = crate::dockerfile::parse(text)?;
    let mut findings = findings_in(&file, text, options);
    fixes::attach(text, &file, options, &mut findings);
    Ok(findings)
}

/// The findings of a parsed file, without fixes, sorted by line then rule.
fn findings_in(
    file: &parse_dockerfile::Dockerfile<'_>,
    text: &str,
    options: Option<&LintOptions>,
) -> Vec<Finding> {
    let lines = LineIndex::new(text);
    let mut findings = rules::check(file, &lines);
    if let Some(options) = options {
        findings.extend(rules::slipway_checks(file, &lines, options));
    }
    findings.sort_by(|a, b| a.line.cmp(&b.line).then_with(|| a.rule.cmp(&b.rule)));
    findings
}

#[cfg(test)]
mod tests;
