//! A bounded view of an app folder: the file list (a few levels deep, a few thousand entries,
//! dependency and build folders skipped) and size-capped reads.

use crate::{ErrorBody, ErrorCode};
use std::cell::{Cell, RefCell};
use std::collections::BTreeSet;
use std::io::Read;
use std::path::{Path, PathBuf};

/// No single file bigger than this is read.
pub(crate) const MAX_FILE_BYTES: u64 = 1024 * 1024;
/// All reads of one detection together stop here.
const READ_BUDGET_BYTES: u64 = 24 * 1024 * 1024;
/// Folders below the app folder that are walked (the app folder itself is depth 0).
const MAX_DEPTH: usize = 4;
/// Entries (files and folders) looked at before the walk stops.
const MAX_ENTRIES: usize = 5000;
/// Folders that hold dependencies, build output or tool state, never the app's own code.
const SKIPPED: &[&str] = &[
    "node_modules",
    ".git",
    "target",
    "venv",
    ".venv",
    "env",
    "__pycache__",
    "dist",
    "build",
    "out",
    ".next",
    ".nuxt",
    ".svelte-kit",
    ".gradle",
    ".mvn",
    ".idea",
    ".vscode",
    ".tox",
    ".mypy_cache",
    ".pytest_cache",
    ".ruff_cache",
    "vendor",
    "coverage",
    "bin",
    "obj",
];

/// The files of an app folder, as paths relative to it with `/` separators.
pub(crate) struct Folder {
    root: PathBuf,
    files: Vec<String>,
    dirs: BTreeSet<String>,
    read_left: Cell<u64>,
    warnings: RefCell<Vec<String>>,
}

impl Folder {
    /// Walks `root` breadth-first within the bounds above.
    pub(crate) fn scan(root: &Path) -> Result<Self, ErrorBody> {
        let mut files = Vec::new();
        let mut dirs = BTreeSet::new();
        let mut warnings = Vec::new();
        let mut seen = 0usize;
        let mut queue = std::collections::VecDeque::from([(String::new(), 0usize)]);
        while let Some((rel, depth)) = queue.pop_front() {
            let path = if rel.is_empty() {
                root.to_path_buf()
            } else {
                root.join(&rel)
            };
            let entries = match std::fs::read_dir(&path) {
                Ok(entries) => entries,
                Err(e) if rel.is_empty() => {
                    return Err(ErrorBody::new(
                        ErrorCode::PathNotFound,
                        format!("Cannot list the app folder '{}': {e}", root.display()),
                        "Check that you can read the folder, or choose another one.",
                    ))
                }
                Err(_) => {
                    warnings.push(format!("Slipway could not list {rel}/ and skipped it."));
                    continue;
                }
            };
            let mut names: Vec<(String, bool)> = Vec::new();
            for entry in entries.flatten() {
                seen += 1;
                if seen > MAX_ENTRIES {
                    break;
                }
                let Ok(kind) = entry.file_type() else {
                    continue;
                };
                let name = entry.file_name().to_string_lossy().into_owned();
                // Symlinks are listed as files (reads follow them, bounded) but never walked.
                names.push((name, kind.is_dir()));
            }
            names.sort();
            for (name, is_dir) in names {
                let child = if rel.is_empty() {
                    name.clone()
                } else {
                    format!("{rel}/{name}")
                };
                if is_dir {
                    dirs.insert(child.clone());
                    if depth < MAX_DEPTH && !SKIPPED.contains(&name.as_str()) {
                        queue.push_back((child, depth + 1));
                    }
                } else {
                    files.push(child);
                }
            }
            if seen > MAX_ENTRIES {
                warnings.push(format!(
                    "The folder has more than {MAX_ENTRIES} entries; Slipway looked at the first {MAX_ENTRIES} only."
                ));
                break;
            }
        }
        files.sort();
        Ok(Self {
            root: root.to_path_buf(),
            files,
            dirs,
            read_left: Cell::new(READ_BUDGET_BYTES),
            warnings: RefCell::new(warnings),
        })
    }

    /// Whether the file `rel` was found.
    pub(crate) fn has(&self, rel: &str) -> bool {
        self.files.binary_search_by(|f| f.as_str().cmp(rel)).is_ok()
    }

    /// Whether the folder `rel` exists (walked or skipped).
    pub(crate) fn has_dir(&self, rel: &str) -> bool {
        self.dirs.contains(rel)
    }

    /// Every file found, shallow ones first, then by name.
    pub(crate) fn files(&self) -> impl Iterator<Item = &str> {
        let mut all: Vec<&str> = self.files.iter().map(String::as_str).collect();
        all.sort_by_key(|f| (f.matches('/').count(), *f));
        all.into_iter()
    }

    /// Files whose name ends with one of `suffixes`, shallow ones first.
    pub(crate) fn with_suffix<'a>(&'a self, suffixes: &'a [&'a str]) -> Vec<&'a str> {
        self.files()
            .filter(|f| suffixes.iter().any(|s| f.ends_with(s)))
            .collect()
    }

    /// Reads a file as text: `None` when it is missing, over 1 MiB (with a warning), or the
    /// read budget is spent. Bytes that are not UTF-8 are replaced.
    pub(crate) fn read(&self, rel: &str) -> Option<String> {
        if !self.has(rel) {
            return None;
        }
        let path = self.root.join(rel);
        let meta = std::fs::metadata(&path).ok()?;
        if !meta.is_file() {
            return None;
        }
        if meta.len() > MAX_FILE_BYTES {
            self.warn(format!(
                "{rel} is larger than 1 MiB; Slipway did not read it."
            ));
            return None;
        }
        let left = self.read_left.get();
        if left == 0 {
            return None;
        }
        let mut bytes = Vec::new();
        let file = std::fs::File::open(&path).ok()?;
        // take() also bounds files whose size changed since metadata() or that lie about it.
        file.take(MAX_FILE_BYTES.min(left))
            .read_to_end(&mut bytes)
            .ok()?;
        self.read_left.set(left - bytes.len() as u64);
        Some(String::from_utf8_lossy(&bytes).into_owned())
    }

    /// Adds a warning for the person.
    pub(crate) fn warn(&self, message: String) {
        let mut warnings = self.warnings.borrow_mut();
        if !warnings.contains(&message) {
            warnings.push(message);
        }
    }

    /// The warnings collected while scanning and reading.
    pub(crate) fn take_warnings(&self) -> Vec<String> {
        self.warnings.take()
    }
}
