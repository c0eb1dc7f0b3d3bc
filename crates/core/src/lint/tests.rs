use super::*;

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
    assert_eq!(err.code, ErrorCode::InvalidInput);
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
