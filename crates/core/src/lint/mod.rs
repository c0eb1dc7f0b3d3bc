//! The Dockerfile linter: hadolint's rules that matter most to learners, with the same ids and
//! meaning (checked against hadolint itself in tests), on the parse-dockerfile parser.

mod rules;
pub mod shell;

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
pub fn lint_with(text: &str, options: Option<&LintOptions>) -> Result<Vec<Finding>, ErrorBody> {
    let file = crate::dockerfile::parse(text)?;
    let lines = LineIndex::new(text);
    let mut findings = rules::check(&file, &lines);
    if let Some(options) = options {
        findings.extend(rules::slipway_checks(&file, &lines, options));
    }
    findings.sort_by(|a, b| a.line.cmp(&b.line).then_with(|| a.rule.cmp(&b.rule)));
    Ok(findings)
}

#[cfg(test)]
mod tests;
