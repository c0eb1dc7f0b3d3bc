//! Which findings get a fix, and what the fix is. A fix is offered only where the change keeps
//! the Dockerfile's meaning apart from what the rule asks for, and needs no guess. Before it is
//! offered, every fix is tried: the fixed text must parse, the finding must be gone and no
//! error or warning may appear.

mod base;
mod form;
mod script;
mod stage;

use super::fix::{apply_fix, Fix, TextEdit};
use super::{Finding, LintOptions, Severity};
use crate::dockerfile::{keyword_and_start, LineIndex};
use parse_dockerfile::{Dockerfile, Instruction};
use std::collections::BTreeMap;
use std::ops::Range;

/// A replacement of a byte range of the text.
pub(super) type Change = (Range<usize>, String);

/// Sets `fix` on the findings that can be fixed safely.
pub(super) fn attach<'a>(
    text: &'a str,
    file: &Dockerfile<'a>,
    options: Option<&LintOptions>,
    findings: &mut [Finding],
) {
    let doc = Doc::new(text, file);
    let before = Tally::of(findings);
    for finding in findings.iter_mut() {
        let Some(at) = doc.instruction_at(finding.line) else {
            continue;
        };
        let port = options.and_then(|o| o.port);
        let fix = match finding.rule.as_str() {
            "DL3006" | "DL3007" => base::pin_like_templates(&doc, at),
            "DL3020" => form::add_to_copy(&doc, at),
            "DL3025" => form::json_command(&doc, at),
            "DL3004" => script::drop_sudo(&doc, at),
            "DL3009" => script::remove_apt_lists(&doc, at),
            "DL3015" => script::no_install_recommends(&doc, at),
            "DL3042" => script::pip_no_cache_dir(&doc, at),
            "DL3059" => script::merge_with_previous_run(&doc, at),
            "DL4006" => script::pipefail_shell(&doc, at),
            "DL3002" => stage::user_instead_of_root(&doc, at, port),
            "SW1001" => port.and_then(|p| stage::expose_service_port(&doc, p)),
            "SW1002" => stage::non_root_user(&doc, port),
            "SW1004" => options
                .and_then(|o| o.platform.as_deref())
                .and_then(|p| stage::final_platform(&doc, at, p)),
            _ => None,
        };
        finding.fix = fix.filter(|fix| keeps_its_promise(text, fix, finding, options, &before));
    }
}

/// How many findings each rule has, in all and at error or warning level.
struct Tally(BTreeMap<String, (usize, usize)>);

impl Tally {
    fn of(findings: &[Finding]) -> Self {
        let mut counts = BTreeMap::new();
        for f in findings {
            let entry: &mut (usize, usize) = counts.entry(f.rule.clone()).or_default();
            entry.0 += 1;
            if matches!(f.severity, Severity::Error | Severity::Warning) {
                entry.1 += 1;
            }
        }
        Tally(counts)
    }

    fn get(&self, rule: &str) -> (usize, usize) {
        self.0.get(rule).copied().unwrap_or_default()
    }
}

/// The fixed text parses, has one finding fewer of the rule, and no rule has more errors or
/// warnings than before.
fn keeps_its_promise(
    text: &str,
    fix: &Fix,
    finding: &Finding,
    options: Option<&LintOptions>,
    before: &Tally,
) -> bool {
    let fixed = apply_fix(text, fix);
    let Ok(file) = crate::dockerfile::parse(&fixed) else {
        return false;
    };
    let after = Tally::of(&super::findings_in(&file, &fixed, options));
    after.get(&finding.rule).0 < before.get(&finding.rule).0
        && after
            .0
            .iter()
            .all(|(rule, (_, serious))| *serious <= before.get(rule).1)
}

/// A build stage: its FROM and what it builds on.
pub(super) struct Stage {
    /// The index of its FROM in the instructions; the stage runs to the next FROM.
    pub from: usize,
    pub end: usize,
    /// The earlier stage it builds on (`FROM build`).
    pub parent: Option<usize>,
    /// The image the stage's chain of stages starts from, `$ARG`s resolved; None when a
    /// variable is left or the chain starts from scratch.
    pub base: Option<String>,
}

/// The Dockerfile with what the fixes need to know about it.
pub(super) struct Doc<'f, 'a> {
    pub text: &'a str,
    pub file: &'f Dockerfile<'a>,
    lines: LineIndex,
    /// The escape character (`\` unless a `# escape=` directive says otherwise).
    pub escape: char,
    pub stages: Vec<Stage>,
}

impl<'f, 'a> Doc<'f, 'a> {
    fn new(text: &'a str, file: &'f Dockerfile<'a>) -> Self {
        let escape = file
            .parser_directives
            .escape
            .as_ref()
            .map_or('\\', |e| e.value.value);
        let mut doc = Doc {
            text,
            file,
            lines: LineIndex::new(text),
            escape,
            stages: Vec::new(),
        };
        doc.stages = doc.find_stages();
        doc
    }

    fn find_stages(&self) -> Vec<Stage> {
        let mut defaults: Vec<(String, String)> = Vec::new();
        let mut aliases: Vec<Option<String>> = Vec::new();
        let mut stages: Vec<Stage> = Vec::new();
        for (i, ins) in self.file.instructions.iter().enumerate() {
            match ins {
                Instruction::Arg(a) if stages.is_empty() => {
                    if let Some((k, v)) = a.arguments.value.split_once('=') {
                        defaults.push((k.trim().into(), v.trim().trim_matches('"').into()));
                    }
                }
                Instruction::From(from) => {
                    if let Some(last) = stages.last_mut() {
                        last.end = i;
                    }
                    let mut image = from.image.value.to_string();
                    for (k, v) in &defaults {
                        image = image
                            .replace(&format!("${{{k}}}"), v)
                            .replace(&format!("${k}"), v);
                    }
                    let parent = aliases
                        .iter()
                        .position(|a| a.as_deref() == Some(image.to_ascii_lowercase().as_str()));
                    let base = match parent {
                        Some(p) => stages[p].base.clone(),
                        None if image.contains('$') || image.eq_ignore_ascii_case("scratch") => {
                            None
                        }
                        None => Some(image),
                    };
                    aliases.push(from.as_.as_ref().map(|(_, a)| a.value.to_ascii_lowercase()));
                    stages.push(Stage {
                        from: i,
                        end: self.file.instructions.len(),
                        parent,
                        base,
                    });
                }
                _ => {}
            }
        }
        stages
    }

    /// The stage an instruction is in.
    pub fn stage_of(&self, at: usize) -> Option<usize> {
        self.stages.iter().rposition(|s| s.from <= at)
    }

    /// The last stage, the one the image is made of.
    pub fn final_stage(&self) -> Option<&Stage> {
        self.stages.last()
    }

    /// Whether `stage` is `ancestor` or builds on it, directly or through other stages.
    pub fn builds_on(&self, stage: usize, ancestor: usize) -> bool {
        let mut s = Some(stage);
        while let Some(i) = s {
            if i == ancestor {
                return true;
            }
            s = self.stages.get(i).and_then(|st| st.parent);
        }
        false
    }

    /// The instruction that starts on a line.
    fn instruction_at(&self, line: u32) -> Option<usize> {
        self.file
            .instructions
            .iter()
            .position(|ins| self.line_of(keyword_and_start(ins).1) == line)
    }

    pub fn ins(&self, at: usize) -> Option<&'f Instruction<'a>> {
        self.file.instructions.get(at)
    }

    /// The 1-based line of a byte offset.
    pub fn line_of(&self, offset: usize) -> u32 {
        self.lines.line_of(offset)
    }

    /// The line an instruction starts on.
    pub fn first_line(&self, at: usize) -> u32 {
        self.ins(at)
            .map_or(0, |ins| self.line_of(keyword_and_start(ins).1))
    }

    /// The last line of a span (the line of its last byte).
    pub fn last_line(&self, span: &Range<usize>) -> u32 {
        self.line_of(span.end.max(span.start + 1) - 1)
    }

    pub fn line_start(&self, line: u32) -> usize {
        self.lines.start_of(line).unwrap_or(self.text.len())
    }

    /// Where a line's text ends, before its line break.
    pub fn line_end(&self, line: u32) -> usize {
        let next = self.lines.start_of(line + 1).unwrap_or(self.text.len());
        let content = &self.text[self.line_start(line).min(next)..next];
        let content = content.strip_suffix('\n').unwrap_or(content);
        let content = content.strip_suffix('\r').unwrap_or(content);
        self.line_start(line) + content.len()
    }

    pub fn line_text(&self, line: u32) -> &'a str {
        &self.text[self.line_start(line)..self.line_end(line)]
    }

    /// The whitespace a line starts with, to indent new lines like it.
    pub fn indent(&self, line: u32) -> &'a str {
        let l = self.line_text(line);
        &l[..l.len() - l.trim_start().len()]
    }

    pub fn line_count(&self) -> u32 {
        self.lines.count(self.text)
    }

    /// Turns byte-range replacements into whole-line edits: each group of lines a change
    /// touches becomes one edit with those lines' new text.
    pub fn splice(&self, mut changes: Vec<Change>) -> Vec<TextEdit> {
        changes.sort_by_key(|(r, _)| (r.start, r.end));
        // Runs of lines the changes touch: first line, last line, the changes.
        let mut groups: Vec<(u32, u32, Vec<Change>)> = Vec::new();
        for (range, new) in changes {
            let (first, last) = (self.line_of(range.start), self.last_line(&range));
            match groups.last_mut() {
                Some(g) if first <= g.1 => {
                    g.1 = g.1.max(last);
                    g.2.push((range, new));
                }
                _ => groups.push((first, last, vec![(range, new)])),
            }
        }
        groups
            .into_iter()
            .map(|(first, last, changes)| {
                let from = self.line_start(first);
                let mut out = String::new();
                let mut at = from;
                for (range, new) in changes {
                    out.push_str(&self.text[at..range.start.max(at)]);
                    out.push_str(&new);
                    at = range.end.max(at);
                }
                out.push_str(&self.text[at..self.line_end(last).max(at)]);
                TextEdit {
                    start_line: first,
                    end_line: last,
                    replacement: out.replace("\r\n", "\n"),
                }
            })
            .collect()
    }

    /// The ports the final stage EXPOSEs that are numbers (`80/tcp` counts as 80).
    pub fn final_exposed_ports(&self) -> Vec<u16> {
        let Some(stage) = self.final_stage() else {
            return Vec::new();
        };
        self.file.instructions[stage.from..stage.end]
            .iter()
            .filter_map(|ins| match ins {
                Instruction::Expose(e) => Some(&e.arguments),
                _ => None,
            })
            .flatten()
            .filter_map(|a| a.value.split('/').next()?.parse().ok())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn promise(text: &str, rule: &str, replacement: &str) -> bool {
        let file = crate::dockerfile::parse(text).unwrap();
        let findings = super::super::findings_in(&file, text, None);
        let finding = findings.iter().find(|f| f.rule == rule).unwrap();
        let fix = Fix {
            title: "t".into(),
            edits: vec![TextEdit {
                start_line: finding.line,
                end_line: finding.line,
                replacement: replacement.into(),
            }],
        };
        keeps_its_promise(text, &fix, finding, None, &Tally::of(&findings))
    }

    #[test]
    fn a_fix_is_offered_only_if_it_removes_the_finding_and_adds_no_error_or_warning() {
        let text = "FROM alpine:3.20\nADD a /a\nUSER 1\n";
        assert!(promise(text, "DL3020", "COPY a /a"));
        assert!(!promise(text, "DL3020", "ADD a /b"), "finding still there");
        assert!(!promise(text, "DL3020", "WORKDIR a"), "adds DL3000");
        assert!(!promise(text, "DL3020", "COPY"), "does not parse");
    }
}
