//! Fixes inside RUN scripts. Every edit of a script is read back the way the shell would read
//! it, and offered only when the shell would see exactly the intended commands.

use super::super::rules::is_pip_install;
use super::super::shell::{commands, SimpleCommand};
use super::{base, Change, Doc, Fix, TextEdit};
use parse_dockerfile::{Command, Instruction};
use std::ops::Range;

/// A shell-form RUN's script (no heredocs): its text and where it is in the file.
struct Script<'a> {
    raw: &'a str,
    span: Range<usize>,
}

fn script_of<'a>(doc: &Doc<'_, 'a>, at: usize) -> Option<Script<'a>> {
    let Some(Instruction::Run(run)) = doc.ins(at) else {
        return None;
    };
    let Command::Shell(shell) = &run.arguments else {
        return None;
    };
    if !run.here_docs.is_empty() {
        return None;
    }
    Some(Script {
        raw: doc.text.get(shell.span.clone())?,
        span: shell.span.clone(),
    })
}

/// The script as the shell receives it: Docker removes each escaped line break, and the
/// comment and empty lines inside the instruction.
fn as_the_shell_sees_it(raw: &str, escape: char) -> String {
    let mut out = String::new();
    for (i, line) in raw.split('\n').enumerate() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if i > 0 && (line.trim().is_empty() || line.trim_start().starts_with('#')) {
            continue;
        }
        match line.trim_end().strip_suffix(escape) {
            Some(joined) => out.push_str(joined),
            None => {
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    out
}

fn words(cmds: &[SimpleCommand]) -> Vec<Vec<String>> {
    cmds.iter().map(|c| c.words.clone()).collect()
}

fn shell_words(raw: &str, escape: char) -> Vec<Vec<String>> {
    words(&commands(&as_the_shell_sees_it(raw, escape)))
}

/// The script's commands, with word positions in the raw text, when reading the raw text gives
/// the same commands as the shell gets (a comment line inside the instruction can split them
/// differently; no fix then).
fn agreed_commands(raw: &str, escape: char) -> Option<Vec<SimpleCommand>> {
    let cmds = commands(raw);
    (words(&cmds) == shell_words(raw, escape)).then_some(cmds)
}

/// Applies changes (offsets in the script) and returns the edits when the shell would read the
/// new script as `expected`.
fn edit_script(
    doc: &Doc<'_, '_>,
    script: &Script<'_>,
    mut changes: Vec<Change>,
    expected: &[Vec<String>],
) -> Option<Vec<TextEdit>> {
    changes.sort_by_key(|(r, _)| r.start);
    let mut new = String::new();
    let mut at = 0;
    for (range, text) in &changes {
        new.push_str(script.raw.get(at..range.start)?);
        new.push_str(text);
        at = range.end;
    }
    new.push_str(script.raw.get(at..)?);
    if shell_words(&new, doc.escape) != expected {
        return None;
    }
    let shifted = changes
        .into_iter()
        .map(|(r, t)| (r.start + script.span.start..r.end + script.span.start, t))
        .collect();
    Some(doc.splice(shifted))
}

/// Whether ` && more` can follow the script: it does not end in an operator, an open group or
/// a keyword that wants more.
fn can_append(raw: &str, escape: char) -> bool {
    let joined = as_the_shell_sees_it(raw, escape);
    let joined = joined.trim_end();
    let Some(last) = joined.chars().last() else {
        return false;
    };
    let last_word = joined.split_whitespace().last().unwrap_or("");
    !"&|;\\(".contains(last)
        && last != escape
        && ![
            "then", "do", "else", "elif", "in", "if", "while", "until", "case", "!", "{",
        ]
        .contains(&last_word)
}

/// The user the instruction runs as is root: the stage's last USER says so, or there is none
/// and the stage starts from an official image known to start as root.
fn runs_as_root(doc: &Doc<'_, '_>, at: usize) -> bool {
    let Some(mut stage) = doc.stage_of(at) else {
        return false;
    };
    let mut upto = at;
    loop {
        let s = &doc.stages[stage];
        let last_user = doc.file.instructions[s.from..upto]
            .iter()
            .rev()
            .find_map(|i| match i {
                Instruction::User(u) => Some(u.arguments.value.as_ref()),
                _ => None,
            });
        if let Some(user) = last_user {
            let who = user.trim().split(':').next().unwrap_or("");
            return who == "root" || who == "0";
        }
        match s.parent {
            Some(p) => {
                stage = p;
                upto = doc.stages[p].end;
            }
            None => return s.base.as_deref().is_some_and(base::starts_as_root),
        }
    }
}

/// DL3004: drops `sudo` in front of commands where the build already runs as root, so sudo
/// changed nothing (or failed for lack of it). Not for `sudo -u ...` or any sudo option.
pub(super) fn drop_sudo(doc: &Doc<'_, '_>, at: usize) -> Option<Fix> {
    let script = script_of(doc, at)?;
    if !runs_as_root(doc, at) {
        return None;
    }
    let cmds = agreed_commands(script.raw, doc.escape)?;
    let mut expected = words(&cmds);
    let mut changes = Vec::new();
    for (i, c) in cmds.iter().enumerate() {
        if c.name() != Some("sudo") {
            continue;
        }
        let k = c.assignments();
        if c.words.get(k + 1)?.starts_with('-') {
            return None;
        }
        changes.push((c.spans[k].start..c.spans[k + 1].start, String::new()));
        expected[i].remove(k);
    }
    if changes.is_empty() {
        return None;
    }
    Some(Fix {
        title: "Remove sudo: the build already runs as root".into(),
        edits: edit_script(doc, &script, changes, &expected)?,
    })
}

/// Inserts `flag` after word `word` of command `cmd`.
fn insert_flag(
    cmds: &[SimpleCommand],
    cmd: usize,
    word: usize,
    flag: &str,
    changes: &mut Vec<Change>,
    expected: &mut [Vec<String>],
) -> Option<()> {
    let end = cmds.get(cmd)?.spans.get(word)?.end;
    changes.push((end..end, format!(" {flag}")));
    expected.get_mut(cmd)?.insert(word + 1, flag.to_string());
    Some(())
}

/// DL3015: `--no-install-recommends` right after each `apt-get install` that lacks it.
pub(super) fn no_install_recommends(doc: &Doc<'_, '_>, at: usize) -> Option<Fix> {
    let script = script_of(doc, at)?;
    let cmds = agreed_commands(script.raw, doc.escape)?;
    let mut expected = words(&cmds);
    let mut changes = Vec::new();
    for (i, c) in cmds.iter().enumerate() {
        if !c.is("apt-get", "install") || c.args().iter().any(|a| a == "--no-install-recommends") {
            continue;
        }
        let install = c.args().iter().position(|a| !a.starts_with('-'))?;
        let word = c.assignments() + 1 + install;
        insert_flag(
            &cmds,
            i,
            word,
            "--no-install-recommends",
            &mut changes,
            &mut expected,
        )?;
    }
    if changes.is_empty() {
        return None;
    }
    Some(Fix {
        title: "Add --no-install-recommends to apt-get install".into(),
        edits: edit_script(doc, &script, changes, &expected)?,
    })
}

/// DL3042: `--no-cache-dir` right after each `pip install` that lacks it. Only where `install`
/// follows pip's own options directly (`pip install`, `python -m pip install`).
pub(super) fn pip_no_cache_dir(doc: &Doc<'_, '_>, at: usize) -> Option<Fix> {
    let script = script_of(doc, at)?;
    let cmds = agreed_commands(script.raw, doc.escape)?;
    let mut expected = words(&cmds);
    let mut changes = Vec::new();
    for (i, c) in cmds.iter().enumerate() {
        if !is_pip_install(c) || c.args().iter().any(|a| a == "--no-cache-dir") {
            continue;
        }
        let args = c.args();
        let install = args.iter().position(|a| a == "install")?;
        let plain_prefix = args[..install].iter().enumerate().all(|(j, a)| {
            a.starts_with('-') || (j > 0 && args[j - 1] == "-m" && a.starts_with("pip"))
        });
        if !plain_prefix {
            return None;
        }
        let word = c.assignments() + 1 + install;
        insert_flag(
            &cmds,
            i,
            word,
            "--no-cache-dir",
            &mut changes,
            &mut expected,
        )?;
    }
    if changes.is_empty() {
        return None;
    }
    Some(Fix {
        title: "Add --no-cache-dir to pip install".into(),
        edits: edit_script(doc, &script, changes, &expected)?,
    })
}

fn is_apt(c: &SimpleCommand) -> bool {
    matches!(c.name(), Some("apt" | "apt-get" | "aptitude" | "apt-cache"))
}

fn apt_action(c: &SimpleCommand) -> Option<&str> {
    c.args()
        .iter()
        .find(|a| !a.starts_with('-'))
        .map(String::as_str)
}

/// Whether a RUN reads the apt lists an earlier RUN left: an apt command before any update.
fn reads_earlier_apt_lists(cmds: &[SimpleCommand]) -> bool {
    for c in cmds.iter().filter(|c| is_apt(c)) {
        match apt_action(c) {
            Some("update") => return false,
            Some("clean" | "autoclean" | "autoremove" | "remove" | "purge") => {}
            _ => return true,
        }
    }
    false
}

/// The commands of any RUN, whatever its form.
fn run_commands(ins: &Instruction<'_>) -> Vec<SimpleCommand> {
    let Instruction::Run(run) = ins else {
        return Vec::new();
    };
    if !run.here_docs.is_empty() {
        let all: Vec<&str> = run.here_docs.iter().map(|h| h.value.as_ref()).collect();
        return commands(&all.join("\n"));
    }
    match &run.arguments {
        Command::Shell(s) => commands(s.value),
        Command::Exec(e) => vec![SimpleCommand {
            words: e.value.iter().map(|w| w.value.to_string()).collect(),
            spans: Vec::new(),
            piped: false,
        }],
        _ => Vec::new(),
    }
}

/// DL3009: ` && rm -rf /var/lib/apt/lists/*` at the end of the RUN, when the RUN installs
/// after its update and no later RUN of the stage (or a stage built on it) reads these lists.
pub(super) fn remove_apt_lists(doc: &Doc<'_, '_>, at: usize) -> Option<Fix> {
    let script = script_of(doc, at)?;
    let cmds = agreed_commands(script.raw, doc.escape)?;
    let last_update = cmds
        .iter()
        .rposition(|c| is_apt(c) && c.args().iter().any(|a| a == "update"))?;
    let installs_after = cmds[last_update + 1..].iter().any(|c| {
        is_apt(c)
            && matches!(
                apt_action(c),
                Some("install" | "upgrade" | "dist-upgrade" | "full-upgrade")
            )
    });
    let stage = doc.stage_of(at)?;
    let read_later = doc
        .file
        .instructions
        .iter()
        .enumerate()
        .skip(at + 1)
        .filter(|(i, _)| doc.stage_of(*i).is_some_and(|s| doc.builds_on(s, stage)))
        .any(|(_, ins)| reads_earlier_apt_lists(&run_commands(ins)));
    if !installs_after || read_later || !can_append(script.raw, doc.escape) {
        return None;
    }
    let mut expected = words(&cmds);
    expected.push(vec![
        "rm".into(),
        "-rf".into(),
        "/var/lib/apt/lists/*".into(),
    ]);
    let end = script.raw.len();
    let changes = vec![(end..end, " && rm -rf /var/lib/apt/lists/*".to_string())];
    Some(Fix {
        title: "Delete the apt lists at the end of this RUN".into(),
        edits: edit_script(doc, &script, changes, &expected)?,
    })
}

/// DL3059: this RUN joins the one above as ` && \` and a continuation line. Only when nothing
/// but blank lines separates them (a comment would end up inside the command).
pub(super) fn merge_with_previous_run(doc: &Doc<'_, '_>, at: usize) -> Option<Fix> {
    let second = script_of(doc, at)?;
    let first = script_of(doc, at.checked_sub(1)?)?;
    let (c1, c2) = (
        agreed_commands(first.raw, doc.escape)?,
        agreed_commands(second.raw, doc.escape)?,
    );
    let top = doc.first_line(at - 1);
    let first_end = doc.last_line(&first.span);
    let second_end = doc.last_line(&second.span);
    let gap_is_blank =
        (first_end + 1..doc.first_line(at)).all(|l| doc.line_text(l).trim().is_empty());
    if !gap_is_blank || !can_append(first.raw, doc.escape) {
        return None;
    }
    let joint = format!(" && {}\n{}    ", doc.escape, doc.indent(top));
    let mut expected = words(&c1);
    expected.extend(words(&c2));
    let merged = format!("{}{joint}{}", first.raw, second.raw);
    if shell_words(&merged, doc.escape) != expected {
        return None;
    }
    let replacement = format!(
        "{}{joint}{}",
        doc.text.get(doc.line_start(top)..first.span.end)?,
        doc.text.get(second.span.start..doc.line_end(second_end))?
    );
    Some(Fix {
        title: "Merge this RUN into the one above".into(),
        edits: vec![TextEdit {
            start_line: top,
            end_line: second_end,
            replacement: replacement.replace("\r\n", "\n"),
        }],
    })
}

/// DL4006: `SHELL ["/bin/bash", "-o", "pipefail", "-c"]` before the RUN, only where the stage
/// starts from an image known to have bash (Debian or Ubuntu underneath).
pub(super) fn pipefail_shell(doc: &Doc<'_, '_>, at: usize) -> Option<Fix> {
    let Some(Instruction::Run(_)) = doc.ins(at) else {
        return None;
    };
    let base = doc.stages.get(doc.stage_of(at)?)?.base.as_deref()?;
    if !base::has_bash(base) {
        return None;
    }
    let line = doc.first_line(at);
    Some(Fix {
        title: "Set SHELL to bash with pipefail before this RUN".into(),
        edits: vec![TextEdit::insert_before(
            line,
            format!(
                "{}SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]",
                doc.indent(line)
            ),
        )],
    })
}
