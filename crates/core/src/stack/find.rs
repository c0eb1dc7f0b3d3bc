//! Finding a pattern in source text and turning the hit into evidence with a line number.

use super::folder::Folder;
use super::Evidence;
use regex::Regex;

/// How many source files of one language a single search reads at most.
pub(crate) const MAX_SOURCE_FILES: usize = 300;

/// One match: where it is and what it captured.
#[derive(Debug, Clone)]
pub(crate) struct Hit {
    pub file: String,
    pub line: u32,
    /// The whole line, trimmed and cut to 200 characters.
    pub text: String,
    /// Capture group 1, or the whole match when the pattern has no group.
    pub capture: String,
}

impl Hit {
    /// This hit as evidence, with the sentence that says what it means.
    pub(crate) fn evidence(&self, why: impl Into<String>) -> Evidence {
        Evidence {
            file: self.file.clone(),
            line: Some(self.line),
            text: self.text.clone(),
            why: why.into(),
        }
    }

    /// The capture as a port number, when it is one (1-65535).
    pub(crate) fn port(&self) -> Option<u16> {
        self.capture.parse::<u16>().ok().filter(|p| *p != 0)
    }
}

/// The 1-based line that holds byte `offset` of `text`.
pub(crate) fn line_at(text: &str, offset: usize) -> u32 {
    text[..offset.min(text.len())].matches('\n').count() as u32 + 1
}

/// The trimmed text of line `line` (1-based), cut to 200 characters.
pub(crate) fn line_text(text: &str, line: u32) -> String {
    let raw = text
        .lines()
        .nth(line.saturating_sub(1) as usize)
        .unwrap_or("");
    raw.trim().chars().take(200).collect()
}

fn is_comment(line: &str) -> bool {
    let t = line.trim_start();
    t.starts_with("//") || t.starts_with('#') || t.starts_with("/*") || t.starts_with('*')
}

/// The first match of `re` in `text` that is not on a comment line.
pub(crate) fn in_text(file: &str, text: &str, re: &Regex) -> Option<Hit> {
    for caps in re.captures_iter(text) {
        let m = caps.get(1).or_else(|| caps.get(0))?;
        let line = line_at(text, m.start());
        let full = text.lines().nth(line as usize - 1).unwrap_or("");
        if is_comment(full) {
            continue;
        }
        return Some(Hit {
            file: file.to_string(),
            line,
            text: line_text(text, line),
            capture: m.as_str().to_string(),
        });
    }
    None
}

/// Every non-comment match of `re` in `text`.
pub(crate) fn all_in_text(file: &str, text: &str, re: &Regex) -> Vec<Hit> {
    let mut out = Vec::new();
    for caps in re.captures_iter(text) {
        let Some(m) = caps.get(1).or_else(|| caps.get(0)) else {
            continue;
        };
        let line = line_at(text, m.start());
        let full = text.lines().nth(line as usize - 1).unwrap_or("");
        if is_comment(full) {
            continue;
        }
        out.push(Hit {
            file: file.to_string(),
            line,
            text: line_text(text, line),
            capture: m.as_str().to_string(),
        });
    }
    out
}

/// The first line of `text` that contains `needle`, as evidence.
pub(crate) fn line_with(file: &str, text: &str, needle: &str, why: &str) -> Evidence {
    let line = text.find(needle).map(|offset| line_at(text, offset));
    Evidence {
        file: file.to_string(),
        line,
        text: line
            .map(|l| line_text(text, l))
            .unwrap_or_else(|| needle.to_string()),
        why: why.to_string(),
    }
}

/// Evidence that is a whole file (no line).
pub(crate) fn file_evidence(file: &str, why: &str) -> Evidence {
    Evidence {
        file: file.to_string(),
        line: None,
        text: file.to_string(),
        why: why.to_string(),
    }
}

/// Whether a path is a test (its routes and ports are not the app's).
pub(crate) fn is_test_path(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    path.split('/').any(|part| {
        matches!(
            part,
            "test" | "tests" | "__tests__" | "spec" | "e2e" | "testdata" | "fixtures"
        )
    }) || name.contains(".test.")
        || name.contains(".spec.")
        || name.contains("_test.")
        || name.starts_with("test_")
}

/// Source files read for a search, most likely ones first: the ones named in `first`, then
/// the rest of `files` (tests left out), at most [`MAX_SOURCE_FILES`].
pub(crate) fn sources<'a>(
    folder: &'a Folder,
    first: &[&'a str],
    files: Vec<&'a str>,
) -> Vec<(&'a str, String)> {
    let mut order: Vec<&str> = first.iter().copied().filter(|f| folder.has(f)).collect();
    for f in files {
        if !order.contains(&f) && !is_test_path(f) {
            order.push(f);
        }
    }
    order
        .into_iter()
        .take(MAX_SOURCE_FILES)
        .filter_map(|f| folder.read(f).map(|t| (f, t)))
        .collect()
}

/// Tries each pattern in order over every source; the first pattern that hits anywhere wins.
pub(crate) fn first_of(sources: &[(&str, String)], patterns: &[&Regex]) -> Option<Hit> {
    patterns
        .iter()
        .find_map(|re| sources.iter().find_map(|(f, t)| in_text(f, t, re)))
}

/// Compiles a pattern written in this crate (never user input).
pub(crate) fn re(pattern: &str) -> Regex {
    Regex::new(pattern).unwrap_or_else(|e| panic!("built-in pattern {pattern:?}: {e}"))
}
