//! A fix the linter offers for a finding, as whole-line edits, and applying one to the text.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A change that makes a finding go away without changing what the Dockerfile means beyond it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Fix {
    /// What the fix does, short and imperative: "Use COPY instead of ADD".
    pub title: String,
    /// Edits of distinct lines, each against the original text (line numbers before any edit).
    pub edits: Vec<TextEdit>,
}

/// New text for whole lines of the file.
///
/// Replaces lines `start_line..=end_line` (1-based, inclusive) with `replacement`. With
/// `end_line == start_line - 1` no line is replaced: the replacement is inserted before
/// `start_line` (`start_line` may be one past the last line to append at the end).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct TextEdit {
    pub start_line: u32,
    /// Inclusive; `start_line - 1` for an insertion.
    pub end_line: u32,
    /// The new lines, separated by `\n`, without a final line break; empty deletes the lines.
    pub replacement: String,
}

impl TextEdit {
    /// Inserts `text` (one or more lines) before `line`.
    pub fn insert_before(line: u32, text: impl Into<String>) -> Self {
        TextEdit {
            start_line: line,
            end_line: line.saturating_sub(1),
            replacement: text.into(),
        }
    }
}

/// Applies a fix's edits from the bottom up, so each edit's line numbers stay those of the
/// original text. The file keeps its line endings (`\r\n` or `\n`, new lines get the file's
/// first one) and its final newline or lack of one. An edit outside the file is skipped.
pub fn apply_fix(text: &str, fix: &Fix) -> String {
    let mut lines: Vec<(String, &str)> = text
        .split_inclusive('\n')
        .map(|l| match l.strip_suffix("\r\n") {
            Some(content) => (content.to_string(), "\r\n"),
            None => match l.strip_suffix('\n') {
                Some(content) => (content.to_string(), "\n"),
                None => (l.to_string(), ""),
            },
        })
        .collect();
    let eol = lines
        .iter()
        .map(|(_, e)| *e)
        .find(|e| !e.is_empty())
        .unwrap_or("\n");
    let mut edits: Vec<&TextEdit> = fix.edits.iter().collect();
    edits.sort_by_key(|e| std::cmp::Reverse((e.start_line, e.end_line)));
    for edit in edits {
        let (start, end) = (edit.start_line as usize, edit.end_line as usize);
        if start == 0 || end + 1 < start || end > lines.len() {
            continue;
        }
        let at_end = end == lines.len();
        // Whether the file ends without a line break, which the edit must not change.
        let open_end = lines.last().is_some_and(|(_, e)| e.is_empty());
        let mut new: Vec<(String, &str)> = if edit.replacement.is_empty() {
            Vec::new()
        } else {
            edit.replacement
                .split('\n')
                .map(|l| (l.strip_suffix('\r').unwrap_or(l).to_string(), eol))
                .collect()
        };
        if at_end && open_end {
            if let Some(last) = new.last_mut() {
                last.1 = "";
                // Appending after an unterminated last line: that line now needs a break.
                if end + 1 == start {
                    if let Some(prev) = lines.last_mut() {
                        prev.1 = eol;
                    }
                }
            }
        }
        let removed_last = at_end && end >= start;
        lines.splice(start - 1..end, new);
        if removed_last && open_end && lines.len() == start - 1 {
            if let Some(prev) = lines.last_mut() {
                prev.1 = "";
            }
        }
    }
    lines
        .into_iter()
        .flat_map(|(l, e)| [l, e.to_string()])
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fix(edits: Vec<TextEdit>) -> Fix {
        Fix {
            title: "t".into(),
            edits,
        }
    }

    fn replace(start: u32, end: u32, text: &str) -> TextEdit {
        TextEdit {
            start_line: start,
            end_line: end,
            replacement: text.into(),
        }
    }

    #[test]
    fn replaces_whole_lines_and_keeps_the_final_newline() {
        let text = "FROM a\nADD x /x\nCMD y\n";
        let out = apply_fix(text, &fix(vec![replace(2, 2, "COPY x /x")]));
        assert_eq!(out, "FROM a\nCOPY x /x\nCMD y\n");
    }

    #[test]
    fn an_insertion_goes_before_its_line() {
        let text = "FROM a\nCMD y\n";
        let out = apply_fix(text, &fix(vec![TextEdit::insert_before(2, "USER 10001")]));
        assert_eq!(out, "FROM a\nUSER 10001\nCMD y\n");
        let out = apply_fix(text, &fix(vec![TextEdit::insert_before(3, "USER 10001")]));
        assert_eq!(
            out, "FROM a\nCMD y\nUSER 10001\n",
            "one past the end appends"
        );
    }

    #[test]
    fn crlf_files_stay_crlf() {
        let text = "FROM a\r\nRUN a \\\r\n  && b\r\nCMD y\r\n";
        let out = apply_fix(
            text,
            &fix(vec![
                replace(2, 3, "RUN a \\\n  && b && c"),
                TextEdit::insert_before(4, "USER 1"),
            ]),
        );
        assert_eq!(
            out,
            "FROM a\r\nRUN a \\\r\n  && b && c\r\nUSER 1\r\nCMD y\r\n"
        );
    }

    #[test]
    fn a_file_without_a_final_newline_keeps_lacking_one() {
        let text = "FROM a\nCMD y";
        assert_eq!(
            apply_fix(text, &fix(vec![replace(2, 2, "CMD [\"y\"]")])),
            "FROM a\nCMD [\"y\"]"
        );
        assert_eq!(
            apply_fix(text, &fix(vec![TextEdit::insert_before(3, "USER 1")])),
            "FROM a\nCMD y\nUSER 1"
        );
        assert_eq!(
            apply_fix(text, &fix(vec![replace(2, 2, "")])),
            "FROM a",
            "deleting the last line"
        );
    }

    #[test]
    fn edits_apply_bottom_up_against_the_original_line_numbers() {
        let text = "a\nb\nc\nd\n";
        let out = apply_fix(
            text,
            &fix(vec![
                TextEdit::insert_before(2, "a2\na3"),
                replace(3, 3, ""),
                replace(4, 4, "D"),
            ]),
        );
        assert_eq!(out, "a\na2\na3\nb\nD\n");
    }

    #[test]
    fn edits_outside_the_file_are_skipped() {
        let text = "a\nb\n";
        let out = apply_fix(
            text,
            &fix(vec![
                replace(0, 0, "x"),
                replace(5, 5, "x"),
                replace(2, 0, "x"),
            ]),
        );
        assert_eq!(out, text);
    }
}
