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

/// Parses a Dockerfile, mapping the parser's error to one a person can act on.
pub fn parse(text: &str) -> Result<parse_dockerfile::Dockerfile<'_>, ErrorBody> {
    parse_dockerfile::parse(text).map_err(|e| {
        ErrorBody::new(
            ErrorCode::DockerfileInvalid,
            format!("The Dockerfile cannot be parsed: {e}"),
            "Fix the instruction named above; every line must start with an instruction such as FROM, RUN or COPY.",
        )
    })
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
