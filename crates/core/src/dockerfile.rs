//! Facts about a Dockerfile that several features share: its instructions in build order with
//! their lines (the classic builder's "Step N/M" is the N-th of these), its stages and ports.

use crate::{ErrorBody, ErrorCode};
use parse_dockerfile::Instruction;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// One instruction as the builder runs it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct InstructionLine {
    /// The keyword in upper case: FROM, RUN, COPY, ...
    pub keyword: String,
    /// The 1-based line the instruction starts on.
    pub line: u32,
}

/// Parses a Dockerfile, mapping the parser's error to one a person can act on, and refuses
/// what Docker's builder would refuse before running anything (see `check_arguments`).
pub fn parse(text: &str) -> Result<parse_dockerfile::Dockerfile<'_>, ErrorBody> {
    let file = parse_dockerfile::parse(text).map_err(|e| {
        ErrorBody::new(
            ErrorCode::DockerfileInvalid,
            format!(
                "The Dockerfile cannot be parsed: {}",
                crate::error::clip(&e.to_string(), 300)
            ),
            "Fix the instruction named above; every line must start with an instruction such as FROM, RUN or COPY.",
        )
    })?;
    check_arguments(text)?;
    Ok(file)
}

/// The logical lines of a Dockerfile (continuations joined, comments and heredoc bodies
/// skipped), each with the line it starts on.
fn logical_lines(text: &str) -> Vec<(u32, String)> {
    let mut out = Vec::new();
    let mut current: Option<(u32, String)> = None;
    let mut heredoc: Option<String> = None;
    for (i, raw) in text.lines().enumerate() {
        let n = i as u32 + 1;
        if let Some(end) = &heredoc {
            if raw.trim() == end {
                heredoc = None;
            }
            continue;
        }
        let line = raw.trim_end();
        if current.is_none() && (line.trim_start().starts_with('#') || line.trim().is_empty()) {
            continue;
        }
        let (body, more) = match line.strip_suffix('\\') {
            Some(b) => (b, true),
            None => (line, false),
        };
        let entry = current.get_or_insert((n, String::new()));
        entry.1.push_str(body);
        entry.1.push(' ');
        if !more {
            let (start, joined) = current.take().unwrap_or_default();
            if let Some(pos) = joined.find("<<") {
                let word: String = joined[pos + 2..]
                    .trim_start_matches('-')
                    .trim_matches(|c| c == '"' || c == '\'')
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                if !word.is_empty() {
                    heredoc = Some(word);
                }
            }
            out.push((start, joined.trim().to_string()));
        }
    }
    if let Some((start, joined)) = current {
        out.push((start, joined.trim().to_string()));
    }
    out
}

/// A Go duration as Docker's flags take it: `30s`, `1m30s`, `500ms`, `1h`.
fn is_duration(v: &str) -> bool {
    let mut rest = v;
    if rest.is_empty() {
        return false;
    }
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        if digits == 0 {
            return false;
        }
        rest = &rest[digits..];
        let unit = ["ns", "us", "µs", "ms", "s", "m", "h"]
            .iter()
            .find(|u| rest.starts_with(*u));
        match unit {
            Some(u) => rest = &rest[u.len()..],
            None => return false,
        }
    }
    true
}

/// What Docker's builder refuses in an instruction's arguments before it runs anything: a
/// stage name that is not one, a port that is not a port, a blank ENV name, a HEALTHCHECK
/// duration that is not a duration, an empty `--from`, a control character in an image.
fn check_arguments(text: &str) -> Result<(), ErrorBody> {
    let bad = |line: u32, what: String, hint: &str| {
        Err(ErrorBody::new(
            ErrorCode::DockerfileInvalid,
            format!("Dockerfile line {line}: {}", crate::error::clip(&what, 300)),
            hint,
        ))
    };
    for (line, l) in logical_lines(text) {
        let mut words = l.split_whitespace();
        let keyword = words.next().unwrap_or_default().to_ascii_uppercase();
        let args: Vec<&str> = words.collect();
        let variable = |w: &str| w.contains('$');
        match keyword.as_str() {
            "FROM" => {
                if let Some(image) = args.iter().find(|a| !a.starts_with("--")) {
                    if image.chars().any(char::is_control) {
                        return bad(
                            line,
                            format!("{image:?} is not an image reference."),
                            "Name the base image as name:tag, e.g. node:22-alpine.",
                        );
                    }
                }
                if let Some(i) = args.iter().position(|a| a.eq_ignore_ascii_case("AS")) {
                    let name = args.get(i + 1).copied().unwrap_or_default();
                    let ok = name.starts_with(|c: char| c.is_ascii_alphabetic())
                        && name
                            .chars()
                            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c));
                    if !ok && !variable(name) {
                        return bad(line, format!("{name:?} is not a stage name: it must start with a letter and have only letters, digits, -, _ and ."), "Name the stage like `AS build`.");
                    }
                }
            }
            "EXPOSE" => {
                for a in &args {
                    if variable(a) {
                        continue;
                    }
                    let (ports, proto) = a.split_once('/').unwrap_or((a, "tcp"));
                    let valid_port =
                        |p: &str| p.parse::<u32>().is_ok_and(|n| (1..=65535).contains(&n));
                    let ports_ok = match ports.split_once('-') {
                        Some((lo, hi)) => valid_port(lo) && valid_port(hi),
                        None => valid_port(ports),
                    };
                    if !ports_ok
                        || !["tcp", "udp", "sctp"].contains(&proto.to_ascii_lowercase().as_str())
                    {
                        return bad(line, format!("EXPOSE {a} is not a port: a number 1–65535, optionally /tcp or /udp."), "Write the port the app listens on, e.g. EXPOSE 8080.");
                    }
                }
            }
            "ENV" if args.first().is_some_and(|a| a.starts_with('=')) => {
                return bad(
                    line,
                    "ENV has a value without a name.".into(),
                    "Write ENV NAME=value.",
                );
            }
            "HEALTHCHECK" => {
                for a in args.iter().take_while(|a| a.starts_with("--")) {
                    let (flag, value) = a.split_once('=').unwrap_or((a, ""));
                    let duration = [
                        "--interval",
                        "--timeout",
                        "--start-period",
                        "--start-interval",
                    ];
                    if duration.contains(&flag) && !variable(value) && !is_duration(value) {
                        return bad(
                            line,
                            format!("{flag}={value} is not a duration."),
                            "Use a duration such as 30s, 1m30s or 500ms.",
                        );
                    }
                    if flag == "--retries" && value.parse::<u32>().is_err() {
                        return bad(
                            line,
                            format!("--retries={value} is not a number."),
                            "Use a whole number, e.g. --retries=3.",
                        );
                    }
                }
            }
            "COPY" | "ADD" if args.iter().any(|a| *a == "--from=" || *a == "--from") => {
                return bad(
                    line,
                    format!("{keyword} --from has no stage or image."),
                    "Name the stage to copy from, e.g. COPY --from=build /app /app.",
                );
            }
            _ => {}
        }
    }
    Ok(())
}

/// Every instruction, in the order the classic builder numbers its steps.
pub fn instruction_lines(text: &str) -> Result<Vec<InstructionLine>, ErrorBody> {
    let file = parse(text)?;
    let index = LineIndex::new(text);
    Ok(file
        .instructions
        .iter()
        .map(|ins| {
            let (keyword, start) = keyword_and_start(ins);
            InstructionLine {
                keyword: keyword.into(),
                line: index.line_of(start),
            }
        })
        .collect())
}

/// The keyword and byte offset of an instruction (the parser keeps the span private).
pub(crate) fn keyword_and_start(ins: &Instruction<'_>) -> (&'static str, usize) {
    match ins {
        Instruction::Add(i) => ("ADD", i.add.span.start),
        Instruction::Arg(i) => ("ARG", i.arg.span.start),
        Instruction::Cmd(i) => ("CMD", i.cmd.span.start),
        Instruction::Copy(i) => ("COPY", i.copy.span.start),
        Instruction::Entrypoint(i) => ("ENTRYPOINT", i.entrypoint.span.start),
        Instruction::Env(i) => ("ENV", i.env.span.start),
        Instruction::Expose(i) => ("EXPOSE", i.expose.span.start),
        Instruction::From(i) => ("FROM", i.from.span.start),
        Instruction::Healthcheck(i) => ("HEALTHCHECK", i.healthcheck.span.start),
        Instruction::Label(i) => ("LABEL", i.label.span.start),
        Instruction::Maintainer(i) => ("MAINTAINER", i.maintainer.span.start),
        Instruction::Onbuild(i) => ("ONBUILD", i.onbuild.span.start),
        Instruction::Run(i) => ("RUN", i.run.span.start),
        Instruction::Shell(i) => ("SHELL", i.shell.span.start),
        Instruction::Stopsignal(i) => ("STOPSIGNAL", i.stopsignal.span.start),
        Instruction::User(i) => ("USER", i.user.span.start),
        Instruction::Volume(i) => ("VOLUME", i.volume.span.start),
        Instruction::Workdir(i) => ("WORKDIR", i.workdir.span.start),
        _ => ("UNKNOWN", 0),
    }
}

/// The ports the final stage EXPOSEs, in order (`8080/tcp` counts as 8080).
pub fn exposed_ports(text: &str) -> Result<Vec<u16>, ErrorBody> {
    let file = parse(text)?;
    let last_from = file
        .instructions
        .iter()
        .rposition(|i| matches!(i, Instruction::From(_)))
        .unwrap_or(0);
    let mut ports = Vec::new();
    for ins in &file.instructions[last_from..] {
        if let Instruction::Expose(e) = ins {
            for arg in &e.arguments {
                let v = arg.value.as_ref();
                if let Ok(p) = v.split('/').next().unwrap_or("").parse::<u16>() {
                    ports.push(p);
                }
            }
        }
    }
    Ok(ports)
}

/// A FROM line's image, with stage names and `$ARG`s resolved where the file says how.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct BaseImage {
    /// The image reference, e.g. `python:3.12-slim-bookworm`.
    pub image: String,
    pub line: u32,
}

/// The images the build starts from (FROMs that name an earlier stage or `scratch` are left
/// out; an `$ARG` is replaced by its default from a global ARG; one without a default is kept
/// as written).
pub fn base_images(text: &str) -> Result<Vec<BaseImage>, ErrorBody> {
    let file = parse(text)?;
    let index = LineIndex::new(text);
    let mut defaults: Vec<(String, String)> = Vec::new();
    let mut stages: Vec<String> = Vec::new();
    let mut out = Vec::new();
    let mut seen_from = false;
    for ins in &file.instructions {
        match ins {
            Instruction::Arg(a) if !seen_from => {
                let v = a.arguments.value.as_ref();
                if let Some((k, d)) = v.split_once('=') {
                    defaults.push((k.trim().to_string(), d.trim().trim_matches('"').to_string()));
                }
            }
            Instruction::From(from) => {
                seen_from = true;
                let mut image = from.image.value.to_string();
                for (k, v) in &defaults {
                    image = image
                        .replace(&format!("${{{k}}}"), v)
                        .replace(&format!("${k}"), v);
                }
                let lower = image.to_ascii_lowercase();
                if lower != "scratch" && !stages.contains(&lower) {
                    out.push(BaseImage {
                        image,
                        line: index.line_of(from.from.span.start),
                    });
                }
                if let Some((_, alias)) = &from.as_ {
                    stages.push(alias.value.to_ascii_lowercase());
                }
            }
            _ => {}
        }
    }
    Ok(out)
}

/// Maps byte offsets to 1-based line numbers.
pub(crate) struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub(crate) fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Self { starts }
    }

    pub(crate) fn line_of(&self, offset: usize) -> u32 {
        (self.starts.partition_point(|s| *s <= offset)) as u32
    }

    /// The byte offset where a 1-based line starts.
    pub(crate) fn start_of(&self, line: u32) -> Option<usize> {
        self.starts.get((line as usize).checked_sub(1)?).copied()
    }

    /// How many lines there are (a final newline does not open another one).
    pub(crate) fn count(&self, text: &str) -> u32 {
        let n = self.starts.len() as u32;
        if text.is_empty() || text.ends_with('\n') {
            n - 1
        } else {
            n
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_docker_accepts_passes_the_argument_checks() {
        let ok = "FROM node:22 AS build-stage\nARG PORT=8080\nEXPOSE 8080/udp 3000-3005 $PORT\nENV A=1 B=2\nHEALTHCHECK --interval=1m30s --timeout=500ms --retries=3 CMD true\nRUN <<EOF\nEXPOSE not-a-port\nENV =inside-a-heredoc\nEOF\nRUN echo a \\\n  && echo b\nCOPY --from=build-stage /a /b\n";
        check_arguments(ok).unwrap();
        let e = check_arguments("FROM node:22\nRUN echo \\\n  ok\nEXPOSE 80 http\n").unwrap_err();
        assert!(
            e.message.starts_with("Dockerfile line 4: EXPOSE http"),
            "{e:?}"
        );
        assert!(is_duration("1h2m3.5s") && !is_duration("abc") && !is_duration("10"));
    }

    const MULTI: &str = "# syntax=docker/dockerfile:1\nARG BASE=python:3.12-slim\nFROM $BASE AS build\n\n# deps first\nWORKDIR /app\nRUN echo a && \\\n    echo b\nFROM build\nEXPOSE 8080/tcp 9090\nCMD [\"python\"]\n";

    #[test]
    fn instructions_are_numbered_like_the_builders_steps() {
        let lines = instruction_lines(MULTI).unwrap();
        let got: Vec<(&str, u32)> = lines.iter().map(|l| (l.keyword.as_str(), l.line)).collect();
        assert_eq!(
            got,
            vec![
                ("ARG", 2),
                ("FROM", 3),
                ("WORKDIR", 6),
                ("RUN", 7),
                ("FROM", 9),
                ("EXPOSE", 10),
                ("CMD", 11)
            ]
        );
    }

    #[test]
    fn exposed_ports_come_from_the_final_stage() {
        assert_eq!(exposed_ports(MULTI).unwrap(), vec![8080, 9090]);
        assert_eq!(
            exposed_ports("FROM a\nEXPOSE 1\nFROM b\n").unwrap(),
            Vec::<u16>::new()
        );
    }

    #[test]
    fn base_images_resolve_arg_defaults_and_skip_stages() {
        let text = "ARG PY=3.12\nFROM python:${PY}-slim AS build\nFROM build AS test\nFROM scratch\nFROM gcr.io/distroless/static:nonroot\n";
        let got: Vec<(String, u32)> = base_images(text)
            .unwrap()
            .into_iter()
            .map(|b| (b.image, b.line))
            .collect();
        assert_eq!(
            got,
            vec![
                ("python:3.12-slim".to_string(), 2),
                ("gcr.io/distroless/static:nonroot".to_string(), 5)
            ]
        );
    }

    #[test]
    fn an_unparsable_file_is_a_clear_error() {
        let err = instruction_lines("FROM\n").unwrap_err();
        assert_eq!(err.code, ErrorCode::DockerfileInvalid);
    }
}
