//! The linter's one-click fixes: on Dockerfiles where a fix applies, the exact text it makes,
//! the finding gone, nothing worse, still a Dockerfile; where the meaning would change or need
//! a guess, no fix. And on the whole corpus, no fix ever makes things worse.

mod fix_cases;

use fix_cases::{FixCase, FIXES, NO_FIXES};
use slipway_core::lint::{apply_fix, lint_with, Finding, LintOptions, Severity};
use std::collections::BTreeMap;
use std::path::Path;

fn serious_per_rule(findings: &[Finding]) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for f in findings {
        if matches!(f.severity, Severity::Error | Severity::Warning) {
            *counts.entry(f.rule.clone()).or_default() += 1;
        }
    }
    counts
}

/// The fix's promise on one case: exact text, finding gone, no new error or warning, parses.
fn check(case: &FixCase) {
    let options = case.options();
    let before = lint_with(case.before, Some(&options)).expect("the case parses");
    let targets: Vec<&Finding> = before.iter().filter(|f| f.rule == case.rule).collect();
    assert_eq!(
        targets.len(),
        1,
        "{}: one {} finding in {before:?}",
        case.name,
        case.rule
    );
    let fix = targets[0]
        .fix
        .as_ref()
        .unwrap_or_else(|| panic!("{}: {} comes without a fix", case.name, case.rule));
    let fixed = apply_fix(case.before, fix);
    assert_eq!(fixed, case.after, "{}: {}", case.name, fix.title);
    let after = lint_with(&fixed, Some(&options)).unwrap_or_else(|e| {
        panic!(
            "{}: the fixed text does not parse: {}",
            case.name, e.message
        )
    });
    assert!(
        !after.iter().any(|f| f.rule == case.rule),
        "{}: {} still reported after the fix: {after:?}",
        case.name,
        case.rule
    );
    let (was, is) = (serious_per_rule(&before), serious_per_rule(&after));
    for (rule, n) in &is {
        assert!(
            *n <= was.get(rule).copied().unwrap_or(0),
            "{}: the fix added a {rule} finding: {after:?}",
            case.name
        );
    }
}

fn check_rule(rule: &str) {
    let cases: Vec<&FixCase> = FIXES.iter().filter(|c| c.rule == rule).collect();
    assert!(cases.len() >= 2, "{rule} needs at least two cases");
    for case in cases {
        check(case);
    }
}

#[test]
fn add_becomes_copy_for_local_files() {
    check_rule("DL3020");
}

#[test]
fn pip_install_gets_no_cache_dir() {
    check_rule("DL3042");
}

#[test]
fn apt_lists_are_deleted_on_the_last_line_of_the_run() {
    check_rule("DL3009");
}

#[test]
fn apt_get_install_gets_no_install_recommends() {
    check_rule("DL3015");
}

#[test]
fn shell_form_commands_become_json_when_no_shell_is_needed() {
    check_rule("DL3025");
}

#[test]
fn sudo_is_dropped_where_the_build_runs_as_root() {
    check_rule("DL3004");
}

#[test]
fn consecutive_runs_merge_with_a_continuation() {
    check_rule("DL3059");
}

#[test]
fn pipefail_shell_is_set_before_the_run_on_bases_with_bash() {
    check_rule("DL4006");
}

#[test]
fn expose_names_the_service_port() {
    check_rule("SW1001");
}

#[test]
fn final_stage_gets_numeric_non_root_user_before_cmd() {
    check_rule("SW1002");
}

#[test]
fn root_as_the_last_user_becomes_10001() {
    check_rule("DL3002");
}

#[test]
fn final_from_gets_the_service_platform() {
    check_rule("SW1004");
}

#[test]
fn fix_titles_are_short_imperative_sentences() {
    for case in FIXES {
        let findings = lint_with(case.before, Some(&case.options())).unwrap();
        for fix in findings.iter().filter_map(|f| f.fix.as_ref()) {
            let first = fix.title.chars().next().unwrap_or(' ');
            assert!(
                first.is_uppercase() && fix.title.len() <= 80 && !fix.title.ends_with('.'),
                "{}: {:?}",
                case.name,
                fix.title
            );
        }
    }
}

#[test]
fn no_fix_where_the_meaning_would_change_or_need_a_guess() {
    let mut wrong = Vec::new();
    for case in NO_FIXES {
        let options = LintOptions {
            port: case.port,
            platform: None,
        };
        let findings = lint_with(case.text, Some(&options)).expect("the case parses");
        let targets: Vec<&Finding> = findings.iter().filter(|f| f.rule == case.rule).collect();
        assert!(
            !targets.is_empty(),
            "{}: no {} finding in {findings:?}",
            case.why,
            case.rule
        );
        if let Some(fix) = targets.iter().find_map(|f| f.fix.as_ref()) {
            wrong.push(format!("{} ({}): offered {:?}", case.rule, case.why, fix));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn every_rule_with_a_fix_has_cases_and_every_rule_without_one_is_shown_without() {
    let fixed: std::collections::BTreeSet<&str> = FIXES.iter().map(|c| c.rule).collect();
    let unfixed: std::collections::BTreeSet<&str> = NO_FIXES.iter().map(|c| c.rule).collect();
    for rule in slipway_core::lint::RULE_IDS {
        assert!(
            fixed.contains(rule) || unfixed.contains(rule),
            "{rule} has neither a fix case nor a no-fix case"
        );
    }
}

fn corpus() -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/dockerfiles");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(".Dockerfile"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().to_string(),
                std::fs::read_to_string(&p).unwrap(),
            )
        })
        .collect()
}

/// What the property tests lint with: Slipway's own checks on, for a service on 8080, amd64.
fn service() -> LintOptions {
    LintOptions {
        port: Some(8080),
        platform: Some("linux/amd64".into()),
    }
}

fn serious_total(findings: &[Finding]) -> usize {
    serious_per_rule(findings).values().sum()
}

#[test]
fn every_fix_on_the_corpus_keeps_a_valid_file_and_never_adds_errors_or_warnings() {
    let mut offered = 0;
    for (name, text) in corpus() {
        for crlf in [false, true] {
            let text = if crlf {
                text.replace('\n', "\r\n")
            } else {
                text.clone()
            };
            let before = lint_with(&text, Some(&service())).unwrap();
            for finding in &before {
                let Some(fix) = &finding.fix else { continue };
                offered += 1;
                let fixed = apply_fix(&text, fix);
                let after = lint_with(&fixed, Some(&service())).unwrap_or_else(|e| {
                    panic!(
                        "{name} {} ({}): unparsable: {}\n{fixed}",
                        finding.rule, fix.title, e.message
                    )
                });
                assert!(
                    serious_total(&after) <= serious_total(&before),
                    "{name}: {} added errors or warnings:\n{fixed}",
                    fix.title
                );
                let count = |fs: &[Finding]| fs.iter().filter(|f| f.rule == finding.rule).count();
                assert!(
                    count(&after) < count(&before),
                    "{name}: {} left {}",
                    fix.title,
                    finding.rule
                );
                assert_eq!(fixed.contains("\r\n"), crlf, "{name}: line endings changed");
                assert_eq!(
                    fixed.ends_with('\n'),
                    text.ends_with('\n'),
                    "{name}: final newline"
                );
            }
        }
    }
    assert!(offered >= 10, "the corpus offers only {offered} fixes");
}

#[test]
fn fixing_the_corpus_one_fix_at_a_time_converges() {
    for (name, text) in corpus() {
        let mut text = text;
        let mut applied = Vec::new();
        loop {
            let findings = lint_with(&text, Some(&service())).unwrap();
            let Some(fix) = findings.iter().find_map(|f| f.fix.clone()) else {
                break;
            };
            applied.push(fix.title.clone());
            assert!(
                applied.len() <= 50,
                "{name}: fixes keep coming: {applied:?}"
            );
            text = apply_fix(&text, &fix);
        }
        let left = lint_with(&text, Some(&service())).unwrap();
        assert!(left.iter().all(|f| f.fix.is_none()), "{name}");
    }
}

/// Lines that make findings with and without fixes, and odd ones around them.
const LINES: &[&str] = &[
    "FROM debian:12-slim",
    "FROM python:3.12-alpine AS build",
    "FROM build",
    "FROM --platform=linux/arm64 node:22-bookworm-slim",
    "FROM ubuntu",
    "FROM $BASE",
    "ARG BASE=python:3.12-slim",
    "RUN apt-get update && apt-get install -y curl",
    "RUN apt-get update \\\n && apt-get -y install git \\\n # comment\n && echo done",
    "RUN apt-get install -y make",
    "RUN sudo make install",
    "RUN sudo -u app make",
    "RUN pip install flask",
    "RUN python -m pip install -r requirements.txt # deps",
    "RUN echo one",
    "RUN echo two &",
    "RUN curl -fsSL https://example.com | sh",
    "RUN --mount=type=cache,target=/root/.cache echo cached",
    "RUN <<EOT\napt-get update\nEOT",
    "RUN [\"apt-get\", \"install\", \"-y\", \"jq\"]",
    "ADD app.py /app/",
    "ADD $URL /app/",
    "CMD python app.py",
    "CMD exec node server.js | tee log",
    "ENTRYPOINT /app --flag",
    "CMD [\"--help\"]",
    "USER root",
    "USER app",
    "EXPOSE 3000",
    "EXPOSE 80 3000/tcp",
    "WORKDIR app",
    "SHELL [\"/bin/sh\", \"-c\"]",
    "ENV API_TOKEN=abc",
    "",
    "# a comment",
];

proptest::proptest! {
    #[test]
    fn generated_dockerfiles_never_make_a_fix_panic_or_break_the_file(
        picks in proptest::collection::vec(0..LINES.len(), 1..14),
        crlf in proptest::bool::ANY,
        final_newline in proptest::bool::ANY,
    ) {
        let eol = if crlf { "\r\n" } else { "\n" };
        let mut text = String::from("FROM alpine:3.20");
        for p in picks {
            text.push_str(eol);
            text.push_str(&LINES[p].replace('\n', eol));
        }
        if final_newline {
            text.push_str(eol);
        }
        let Ok(before) = lint_with(&text, Some(&service())) else { return Ok(()) };
        for finding in &before {
            let Some(fix) = &finding.fix else { continue };
            let fixed = apply_fix(&text, fix);
            let after = lint_with(&fixed, Some(&service()));
            proptest::prop_assert!(after.is_ok(), "{} made an unparsable file:\n{fixed}", fix.title);
            let after = after.unwrap_or_default();
            proptest::prop_assert!(serious_total(&after) <= serious_total(&before), "{}:\n{fixed}", fix.title);
            proptest::prop_assert_eq!(fixed.ends_with('\n'), text.ends_with('\n'));
            proptest::prop_assert_eq!(fixed.contains("\r\n"), crlf);
        }
    }
}
