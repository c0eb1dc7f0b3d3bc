//! Line diffs between a person's file and the one Slipway proposes, shown before anything is
//! overwritten: as rows for the UI ([`diff_lines`]) and as a unified diff for the CLI ([`unified`]).

use serde::{Deserialize, Serialize};
use similar::{ChangeTag, TextDiff};
use ts_rs::TS;

/// Whether a line is in both texts, only the new one, or only the old one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum DiffKind {
    Same,
    Added,
    Removed,
}

/// One line of a diff, with its 1-based number in the old and/or the new text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DiffLine {
    pub kind: DiffKind,
    pub old_line: Option<u32>,
    pub new_line: Option<u32>,
    /// The line without its line ending.
    pub text: String,
}

/// Every line of `old` and `new` in order, each marked same, added or removed.
pub fn diff_lines(old: &str, new: &str) -> Vec<DiffLine> {
    let diff = TextDiff::from_lines(old, new);
    diff.iter_all_changes()
        .map(|change| DiffLine {
            kind: match change.tag() {
                ChangeTag::Equal => DiffKind::Same,
                ChangeTag::Insert => DiffKind::Added,
                ChangeTag::Delete => DiffKind::Removed,
            },
            old_line: change.old_index().map(|i| i as u32 + 1),
            new_line: change.new_index().map(|i| i as u32 + 1),
            text: change
                .value()
                .trim_end_matches('\n')
                .trim_end_matches('\r')
                .to_string(),
        })
        .collect()
}

/// A unified diff (`--- current` / `+++ proposed`, hunks with `context` lines around each
/// change); empty when the texts are equal.
pub fn unified(old: &str, new: &str, context: usize) -> String {
    if old == new {
        return String::new();
    }
    TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(context)
        .header("current", "proposed")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(rows: &[DiffLine]) -> Vec<(DiffKind, Option<u32>, Option<u32>, &str)> {
        rows.iter()
            .map(|r| (r.kind, r.old_line, r.new_line, r.text.as_str()))
            .collect()
    }

    #[test]
    fn a_changed_line_is_a_removal_then_an_addition_with_both_numberings() {
        let rows = diff_lines("FROM a\nEXPOSE 80\nCMD x\n", "FROM a\nEXPOSE 8080\nCMD x\n");
        assert_eq!(
            kinds(&rows),
            [
                (DiffKind::Same, Some(1), Some(1), "FROM a"),
                (DiffKind::Removed, Some(2), None, "EXPOSE 80"),
                (DiffKind::Added, None, Some(2), "EXPOSE 8080"),
                (DiffKind::Same, Some(3), Some(3), "CMD x"),
            ]
        );
    }

    #[test]
    fn diffing_against_nothing_adds_every_line() {
        let rows = diff_lines("", "a\nb");
        assert_eq!(
            kinds(&rows),
            [
                (DiffKind::Added, None, Some(1), "a"),
                (DiffKind::Added, None, Some(2), "b"),
            ]
        );
        assert!(diff_lines("same\n", "same\n")
            .iter()
            .all(|r| r.kind == DiffKind::Same));
    }

    #[test]
    fn crlf_line_endings_do_not_leak_into_the_text() {
        let rows = diff_lines("a\r\nb\r\n", "a\r\nc\r\n");
        assert_eq!(rows[0].text, "a");
        assert_eq!(rows[1].text, "b");
        assert_eq!(rows[2].text, "c");
    }

    #[test]
    fn unified_diff_has_headers_hunks_and_context() {
        let old = "1\n2\n3\n4\n5\n6\n7\n8\n";
        let new = "1\n2\n3\n4\nfive\n6\n7\n8\n";
        let text = unified(old, new, 1);
        assert_eq!(
            text,
            "--- current\n+++ proposed\n@@ -4,3 +4,3 @@\n 4\n-5\n+five\n 6\n"
        );
    }

    #[test]
    fn unified_diff_of_equal_texts_is_empty() {
        assert_eq!(unified("a\nb\n", "a\nb\n", 3), "");
    }

    #[test]
    fn a_missing_final_newline_is_marked_in_the_unified_diff() {
        let text = unified("a\nb", "a\nc", 3);
        assert!(text.contains("-b\n"), "{text}");
        assert!(text.contains("+c"), "{text}");
        assert!(text.contains("No newline at end of file"), "{text}");
    }

    proptest::proptest! {
        #[test]
        fn rows_always_rebuild_both_texts_with_increasing_numbers(
            old in proptest::collection::vec("[a-c]{0,2}", 0..12),
            new in proptest::collection::vec("[a-c]{0,2}", 0..12),
        ) {
            let old: String = old.iter().map(|l| format!("{l}\n")).collect();
            let new: String = new.iter().map(|l| format!("{l}\n")).collect();
            let rows = diff_lines(&old, &new);
            let side = |keep: DiffKind| -> String {
                rows.iter()
                    .filter(|r| r.kind == DiffKind::Same || r.kind == keep)
                    .map(|r| format!("{}\n", r.text))
                    .collect()
            };
            proptest::prop_assert_eq!(side(DiffKind::Removed), old);
            proptest::prop_assert_eq!(side(DiffKind::Added), new);
            let olds: Vec<u32> = rows.iter().filter_map(|r| r.old_line).collect();
            let news: Vec<u32> = rows.iter().filter_map(|r| r.new_line).collect();
            proptest::prop_assert!(olds.iter().enumerate().all(|(i, n)| *n == i as u32 + 1));
            proptest::prop_assert!(news.iter().enumerate().all(|(i, n)| *n == i as u32 + 1));
        }
    }

    #[test]
    fn rows_rebuild_both_texts() {
        let old = "FROM x\nRUN a\nRUN b\nCMD [\"a\"]\n";
        let new = "FROM y\nRUN a\nUSER 1\nRUN b\n";
        let rows = diff_lines(old, new);
        let side = |keep: DiffKind| -> String {
            rows.iter()
                .filter(|r| r.kind == DiffKind::Same || r.kind == keep)
                .map(|r| format!("{}\n", r.text))
                .collect()
        };
        assert_eq!(side(DiffKind::Removed), old);
        assert_eq!(side(DiffKind::Added), new);
    }
}
