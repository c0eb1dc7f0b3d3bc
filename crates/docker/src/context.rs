//! The build context: which files of a folder are sent to the engine, by `.dockerignore`.
//! The walk is lazy (a stack of folder listings), so memory follows the tree's depth and width,
//! not the number of files: a 200,000-file context costs what a 5,000-file one does.

use crate::DockerError;
use serde::Serialize;
use slipway_core::dockerignore::DockerIgnore;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use ts_rs::TS;

/// The rules for a context folder: its `.dockerignore` (if any) plus the always-sent files.
pub fn ignore_rules(dir: &Path, dockerfile: &str) -> Result<DockerIgnore, DockerError> {
    let path = dir.join(".dockerignore");
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(source) => {
            return Err(DockerError::Context {
                path: path.display().to_string(),
                source,
            })
        }
    };
    DockerIgnore::for_build(&text, dockerfile).map_err(DockerError::Core)
}

/// One thing the context sends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContextEntry {
    /// Slash path relative to the context folder.
    pub path: String,
    pub is_dir: bool,
    /// Bytes of a regular file (0 for folders and links).
    pub size: u64,
}

/// Walks a context folder lazily, yielding what `.dockerignore` lets through. Within a folder,
/// entries come in name order; folders come before their contents.
pub struct ContextWalker {
    root: PathBuf,
    rules: DockerIgnore,
    /// Folders still to list, each with the slash path of its entries' parent.
    pending: Vec<String>,
    /// The entries of the folder being listed, reversed so `pop` yields them in order.
    listing: Vec<(String, std::fs::FileType, u64)>,
}

impl ContextWalker {
    /// A walker over `dir` with its `.dockerignore`; fails when `dir` is not a readable folder.
    pub fn new(dir: &Path, dockerfile: &str) -> Result<Self, DockerError> {
        let meta = std::fs::metadata(dir).map_err(|source| DockerError::Context {
            path: dir.display().to_string(),
            source,
        })?;
        if !meta.is_dir() {
            return Err(DockerError::Context {
                path: dir.display().to_string(),
                source: std::io::Error::new(std::io::ErrorKind::InvalidInput, "not a folder"),
            });
        }
        let rules = ignore_rules(dir, dockerfile)?;
        Ok(Self {
            root: dir.to_path_buf(),
            rules,
            pending: vec![String::new()],
            listing: Vec::new(),
        })
    }

    /// The folder the walk starts from.
    pub fn root(&self) -> &Path {
        &self.root
    }

    fn list(&mut self, rel: &str) -> Result<(), DockerError> {
        let here = if rel.is_empty() {
            self.root.clone()
        } else {
            self.root.join(rel)
        };
        let err = |source| DockerError::Context {
            path: here.display().to_string(),
            source,
        };
        let mut entries = Vec::new();
        for entry in std::fs::read_dir(&here).map_err(err)? {
            let entry = entry.map_err(|source| DockerError::Context {
                path: here.display().to_string(),
                source,
            })?;
            let name = entry.file_name().to_string_lossy().into_owned();
            let path = if rel.is_empty() {
                name
            } else {
                format!("{rel}/{name}")
            };
            let kind = entry.file_type().map_err(|source| DockerError::Context {
                path: path.clone(),
                source,
            })?;
            let size = if kind.is_file() {
                entry.metadata().map(|m| m.len()).unwrap_or(0)
            } else {
                0
            };
            entries.push((path, kind, size));
        }
        entries.sort_by(|a, b| b.0.cmp(&a.0));
        self.listing = entries;
        Ok(())
    }
}

impl Iterator for ContextWalker {
    type Item = Result<ContextEntry, DockerError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some((path, kind, size)) = self.listing.pop() {
                let excluded = self.rules.is_excluded(&path);
                if kind.is_dir() {
                    // An excluded folder is skipped whole unless a `!` pattern might re-include
                    // something inside it.
                    if !excluded || self.rules.has_exclusions() {
                        // Listed after the current folder's remaining entries are done.
                        self.pending.push(path.clone());
                    }
                    if !excluded {
                        return Some(Ok(ContextEntry {
                            path,
                            is_dir: true,
                            size: 0,
                        }));
                    }
                } else if !excluded {
                    return Some(Ok(ContextEntry {
                        path,
                        is_dir: false,
                        size,
                    }));
                }
                continue;
            }
            let next = self.pending.pop()?;
            if let Err(e) = self.list(&next) {
                return Some(Err(e));
            }
        }
    }
}

/// The files (and symlinks) the context sends, as sorted slash paths relative to `dir`.
pub fn list_context(dir: &Path, dockerfile: &str) -> Result<Vec<String>, DockerError> {
    let mut files = Vec::new();
    for entry in ContextWalker::new(dir, dockerfile)? {
        let entry = entry?;
        if !entry.is_dir {
            files.push(entry.path);
        }
    }
    files.sort();
    Ok(files)
}

/// What a context weighs, and what to do when it is heavy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ContextSummary {
    #[ts(type = "number")]
    pub files: u64,
    #[ts(type = "number")]
    pub bytes: u64,
    /// The heaviest top-level folders (and loose files, as "."), heaviest first, at most 5.
    pub biggest: Vec<FolderWeight>,
    /// Whether the context is big enough to slow every build down.
    pub large: bool,
    /// `.dockerignore` lines that would drop folders builds rarely need (node_modules, .git ...).
    pub suggested_ignores: Vec<String>,
}

/// One top-level folder's share of the context.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct FolderWeight {
    pub folder: String,
    #[ts(type = "number")]
    pub files: u64,
    #[ts(type = "number")]
    pub bytes: u64,
}

/// A context is "large" from this many bytes ...
pub const LARGE_CONTEXT_BYTES: u64 = 200 * 1024 * 1024;
/// ... or this many files.
pub const LARGE_CONTEXT_FILES: u64 = 20_000;

/// Folders that builds rarely need and contexts often carry by accident.
const USUAL_SUSPECTS: &[&str] = &[
    "node_modules",
    ".git",
    "target",
    "dist",
    "build",
    ".venv",
    "venv",
    "__pycache__",
    ".next",
    ".cache",
    "coverage",
];

/// Adds up a context while it is walked; `summary` reports it.
#[derive(Debug, Default)]
pub struct ContextTally {
    files: u64,
    bytes: u64,
    by_top: HashMap<String, (u64, u64)>,
}

impl ContextTally {
    /// Counts one entry.
    pub fn add(&mut self, entry: &ContextEntry) {
        if entry.is_dir {
            return;
        }
        self.files += 1;
        self.bytes += entry.size;
        let top = match entry.path.split_once('/') {
            Some((top, _)) => top.to_string(),
            None => ".".to_string(),
        };
        let slot = self.by_top.entry(top).or_default();
        slot.0 += 1;
        slot.1 += entry.size;
    }

    /// Files counted so far.
    pub fn files(&self) -> u64 {
        self.files
    }

    /// Bytes counted so far.
    pub fn bytes(&self) -> u64 {
        self.bytes
    }

    /// The summary of what was counted.
    pub fn summary(&self) -> ContextSummary {
        let mut biggest: Vec<FolderWeight> = self
            .by_top
            .iter()
            .map(|(folder, (files, bytes))| FolderWeight {
                folder: folder.clone(),
                files: *files,
                bytes: *bytes,
            })
            .collect();
        biggest.sort_by(|a, b| b.bytes.cmp(&a.bytes).then(a.folder.cmp(&b.folder)));
        biggest.truncate(5);
        let mut suggested_ignores: Vec<String> = self
            .by_top
            .keys()
            .filter(|k| USUAL_SUSPECTS.contains(&k.as_str()))
            .map(|k| k.to_string())
            .collect();
        suggested_ignores.sort();
        ContextSummary {
            files: self.files,
            bytes: self.bytes,
            biggest,
            large: self.bytes >= LARGE_CONTEXT_BYTES || self.files >= LARGE_CONTEXT_FILES,
            suggested_ignores,
        }
    }
}

/// Walks the context once (metadata only, no file is read) and says what it weighs.
pub fn summarize_context(dir: &Path, dockerfile: &str) -> Result<ContextSummary, DockerError> {
    let mut tally = ContextTally::default();
    for entry in ContextWalker::new(dir, dockerfile)? {
        tally.add(&entry?);
    }
    Ok(tally.summary())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(files: &[(&str, usize)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (path, size) in files {
            let p = dir.path().join(path);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, vec![b'x'; *size]).unwrap();
        }
        dir
    }

    #[test]
    fn the_walk_yields_folders_before_their_contents_and_applies_ignores() {
        let dir = tree(&[
            ("Dockerfile", 10),
            ("src/a.py", 1),
            ("src/deep/b.py", 1),
            ("node_modules/x/index.js", 1),
            (".dockerignore", 0),
        ]);
        std::fs::write(dir.path().join(".dockerignore"), "node_modules\n").unwrap();
        let entries: Vec<ContextEntry> = ContextWalker::new(dir.path(), "Dockerfile")
            .unwrap()
            .map(Result::unwrap)
            .collect();
        let paths: Vec<&str> = entries.iter().map(|e| e.path.as_str()).collect();
        assert!(!paths.iter().any(|p| p.starts_with("node_modules")));
        let pos = |p: &str| paths.iter().position(|x| *x == p).unwrap();
        assert!(pos("src") < pos("src/a.py"));
        assert!(pos("src/deep") < pos("src/deep/b.py"));
        assert_eq!(
            list_context(dir.path(), "Dockerfile").unwrap(),
            vec![".dockerignore", "Dockerfile", "src/a.py", "src/deep/b.py"]
        );
    }

    #[test]
    fn a_heavy_context_names_its_biggest_folders_and_suggests_ignores() {
        let mut files: Vec<(String, usize)> = (0..30)
            .map(|i| (format!("node_modules/pkg{i}/index.js"), 1000))
            .collect();
        files.push(("app.py".into(), 10));
        files.push((".git/objects/ab".into(), 5000));
        let refs: Vec<(&str, usize)> = files.iter().map(|(p, s)| (p.as_str(), *s)).collect();
        let dir = tree(&refs);
        let s = summarize_context(dir.path(), "Dockerfile").unwrap();
        assert_eq!(s.files, 32);
        assert_eq!(s.bytes, 30 * 1000 + 10 + 5000);
        assert_eq!(s.biggest[0].folder, "node_modules");
        assert_eq!(s.biggest[0].bytes, 30_000);
        assert_eq!(s.suggested_ignores, vec![".git", "node_modules"]);
        assert!(!s.large);
    }

    #[test]
    fn a_missing_folder_is_a_clear_error() {
        let err = ContextWalker::new(Path::new("/no/such/folder"), "Dockerfile")
            .err()
            .unwrap();
        let body = slipway_core::ErrorBody::from(err);
        assert_eq!(body.code, slipway_core::ErrorCode::PathNotFound);
    }
}
