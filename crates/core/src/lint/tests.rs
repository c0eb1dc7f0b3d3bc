use super::*;
use crate::ErrorCode;

fn rules_at(text: &str) -> Vec<(String, u32)> {
    lint(text)
        .unwrap()
        .into_iter()
        .map(|f| (f.rule, f.line))
        .collect()
}

#[test]
fn heredocs_parser_directives_and_arg_in_from_parse() {
    let text = "# syntax=docker/dockerfile:1\n# escape=`\nARG V=3.20\nFROM alpine:${V} AS base\nRUN <<EOT\ncd /tmp\nEOT\nFROM base\n";
    let found = rules_at(text);
    assert!(
        found.contains(&("DL3003".into(), 5)),
        "the heredoc's script is linted: {found:?}"
    );
}

#[test]
fn a_dockerfile_that_does_not_parse_is_a_clear_error() {
    let err = lint("FROM alpine:3\nCOPY\n").unwrap_err();
    assert_eq!(err.code, ErrorCode::DockerfileInvalid);
    assert!(err.message.contains("cannot be parsed"), "{}", err.message);
}

#[test]
fn findings_come_sorted_by_line() {
    let found = rules_at("FROM ubuntu\nWORKDIR app\nCMD run\n");
    assert_eq!(
        found,
        [
            ("DL3006".to_string(), 1),
            ("DL3000".to_string(), 2),
            ("DL3025".to_string(), 3)
        ]
    );
}

fn sw(text: &str, port: Option<u16>, platform: Option<&str>) -> Vec<(String, u32)> {
    let options = LintOptions {
        port,
        platform: platform.map(str::to_string),
    };
    lint_with(text, Some(&options))
        .unwrap()
        .into_iter()
        .filter(|f| f.rule.starts_with("SW"))
        .map(|f| (f.rule, f.line))
        .collect()
}

#[test]
fn expose_must_include_the_service_port() {
    let text = "FROM node:20-alpine\nEXPOSE 3000\nUSER node\n";
    assert_eq!(sw(text, Some(8080), None), [("SW1001".to_string(), 2)]);
    assert!(sw(text, Some(3000), None).is_empty());
    assert!(sw(
        "FROM node:20-alpine\nEXPOSE 3000/tcp 8080\nUSER node\n",
        Some(8080),
        None
    )
    .is_empty());
}

#[test]
fn a_final_stage_without_user_runs_as_root() {
    assert_eq!(
        sw("FROM golang:1.23 AS b\nUSER 1\nFROM alpine:3\n", None, None),
        [("SW1002".to_string(), 3)]
    );
    assert!(sw("FROM alpine:3\nUSER 10001\n", None, None).is_empty());
    assert!(sw("FROM scratch\nCOPY app /app\n", None, None).is_empty());
}

#[test]
fn secrets_baked_into_env_or_arg_are_errors_but_references_are_not() {
    let text = "FROM alpine:3\nENV AWS_SECRET_ACCESS_KEY=abc123 REGION=us-east-1\nARG DB_PASSWORD=hunter2\nENV API_TOKEN=$API_TOKEN\nUSER 1\n";
    assert_eq!(
        sw(text, None, None),
        [("SW1003".to_string(), 2), ("SW1003".to_string(), 3)]
    );
}

#[test]
fn the_final_stage_platform_must_match_the_service() {
    let text = "FROM --platform=linux/arm64 alpine:3\nUSER 1\n";
    assert_eq!(
        sw(text, None, Some("linux/amd64")),
        [("SW1004".to_string(), 1)]
    );
    assert!(sw(text, None, Some("linux/arm64")).is_empty());
    assert!(sw(
        "FROM --platform=$BUILDPLATFORM alpine:3\nUSER 1\n",
        None,
        Some("linux/amd64")
    )
    .is_empty());
}

#[test]
fn apt_lists_matter_only_in_stages_that_reach_the_image() {
    let text = "FROM debian:12 AS tools\nRUN apt-get update && apt-get install -y jq\nFROM debian:12 AS build\nRUN apt-get update\nFROM tools\nRUN --mount=type=cache,target=/var/lib/apt/lists apt-get update\nRUN apt-get update && rm -rf /var/lib/apt/lists/*\nRUN apt-get update\n";
    let dl3009: Vec<u32> = rules_at(text)
        .into_iter()
        .filter(|(r, _)| r == "DL3009")
        .map(|(_, l)| l)
        .collect();
    assert_eq!(
        dl3009,
        [2, 8],
        "the unused build stage and the cache mount are fine"
    );
}

#[test]
fn every_rule_id_has_a_summary_and_ids_are_unique() {
    let mut ids = RULE_IDS.to_vec();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), RULE_IDS.len());
    for id in RULE_IDS {
        assert!(rule_summary(id).is_some_and(|s| !s.is_empty()), "{id}");
    }
    assert_eq!(rule_summary("DL9999"), None);
}
