//! Fixes that rewrite one instruction's form: ADD to COPY (DL3020), shell form to JSON (DL3025).

use super::{Doc, Fix};
use parse_dockerfile::{Command, Instruction, Source};

/// DL3020: `ADD` of local files becomes `COPY`, which does the same without ADD's extras. Not
/// when a source is a variable (it may hold a URL) or a git address, or ADD has a flag COPY lacks.
pub(super) fn add_to_copy(doc: &Doc<'_, '_>, at: usize) -> Option<Fix> {
    let Some(Instruction::Add(add)) = doc.ins(at) else {
        return None;
    };
    let plain_paths = add.src.iter().all(|s| match s {
        Source::Path(p) => {
            let v = p.value.as_ref();
            !v.contains('$')
                && !v
                    .split_once('@')
                    .is_some_and(|(_, host)| host.contains(':'))
        }
        _ => false,
    });
    let copy_flags = add.options.iter().all(|f| {
        matches!(
            f.name.value.as_ref(),
            "chown" | "chmod" | "link" | "exclude"
        )
    });
    if !plain_paths || !copy_flags {
        return None;
    }
    let keyword = &doc.text[add.add.span.clone()];
    let copy = if keyword.chars().all(|c| c.is_ascii_lowercase()) {
        "copy"
    } else {
        "COPY"
    };
    Some(Fix {
        title: "Use COPY instead of ADD".into(),
        edits: doc.splice(vec![(add.add.span.clone(), copy.into())]),
    })
}

/// Words a shell would read as they are: letters, digits and `-_./:=,@%+`.
fn plain_word(w: &str) -> bool {
    !w.is_empty()
        && w.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:=,@%+".contains(c))
}

/// Shell builtins and keywords: without a shell they are not programs (or not the same ones).
const SHELL_ONLY: &[&str] = &[
    ".", ":", "[", "alias", "bg", "break", "cd", "command", "continue", "eval", "exit", "export",
    "false", "fg", "getopts", "hash", "jobs", "kill", "let", "local", "printf", "pwd", "read",
    "readonly", "return", "set", "shift", "source", "test", "times", "trap", "true", "type",
    "ulimit", "umask", "unalias", "unset", "wait", "if", "then", "else", "elif", "fi", "case",
    "esac", "for", "while", "until", "do", "done", "function", "select", "time",
];

/// DL3025: a shell-form CMD or ENTRYPOINT becomes JSON, when the shell did nothing for it (no
/// pipes, `&&`, variables, redirections, quotes, globs, builtins; a leading `exec` is dropped,
/// as it only made the shell step aside). Not for a CMD in a stage with an ENTRYPOINT (the
/// CMD is its arguments, `sh -c` included), nor for an ENTRYPOINT with a CMD in its stage or a
/// stage built on it (in JSON form it would start receiving that CMD as arguments).
pub(super) fn json_command(doc: &Doc<'_, '_>, at: usize) -> Option<Fix> {
    let (keyword, args, is_entrypoint) = match doc.ins(at)? {
        Instruction::Cmd(c) => ("CMD", &c.arguments, false),
        Instruction::Entrypoint(e) => ("ENTRYPOINT", &e.arguments, true),
        _ => return None,
    };
    let Command::Shell(shell) = args else {
        return None;
    };
    let mut words: Vec<&str> = shell
        .value
        .split([' ', '\t'])
        .filter(|w| !w.is_empty())
        .collect();
    if words.first() == Some(&"exec") {
        words.remove(0);
    }
    let first = *words.first()?;
    if !words.iter().all(|w| plain_word(w)) || first.contains('=') || SHELL_ONLY.contains(&first) {
        return None;
    }
    let stage = doc.stage_of(at)?;
    let conflicting = |ins: &Instruction<'_>| {
        if is_entrypoint {
            matches!(ins, Instruction::Cmd(_))
        } else {
            matches!(ins, Instruction::Entrypoint(_))
        }
    };
    let related = doc.stages.iter().enumerate().filter(|(i, _)| {
        if is_entrypoint {
            doc.builds_on(*i, stage)
        } else {
            doc.builds_on(stage, *i)
        }
    });
    for (_, s) in related {
        if doc.file.instructions[s.from..s.end].iter().any(conflicting) {
            return None;
        }
    }
    let json = words
        .iter()
        .map(|w| format!("\"{w}\""))
        .collect::<Vec<_>>()
        .join(", ");
    Some(Fix {
        title: format!("Write {keyword} in JSON form"),
        edits: doc.splice(vec![(shell.span.clone(), format!("[{json}]"))]),
    })
}
