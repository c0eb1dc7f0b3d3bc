//! The build context: which files of a folder are sent to the engine, by `.dockerignore`.

use crate::DockerError;
use slipway_core::dockerignore::DockerIgnore;
use std::path::Path;

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
    DockerIgnore::for_build(&text, dockerfile).map_err(DockerError::Ignore)
}

/// One thing the context sends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContextEntry {
    /// Slash path relative to the context folder.
    pub path: String,
    pub is_dir: bool,
}

/// The files (and symlinks) the context sends, as sorted slash paths relative to `dir`.
pub fn list_context(dir: &Path, dockerfile: &str) -> Result<Vec<String>, DockerError> {
    Ok(context_entries(dir, dockerfile)?
        .into_iter()
        .filter(|e| !e.is_dir)
        .map(|e| e.path)
        .collect())
}

/// Every entry the context sends (folders too, so empty ones survive), sorted by path.
pub fn context_entries(dir: &Path, dockerfile: &str) -> Result<Vec<ContextEntry>, DockerError> {
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
    let mut out = Vec::new();
    walk(dir, "", &rules, &mut out)?;
    out.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(out)
}

fn walk(
    root: &Path,
    rel: &str,
    rules: &DockerIgnore,
    out: &mut Vec<ContextEntry>,
) -> Result<(), DockerError> {
    let here = if rel.is_empty() {
        root.to_path_buf()
    } else {
        root.join(rel)
    };
    let entries = std::fs::read_dir(&here).map_err(|source| DockerError::Context {
        path: here.display().to_string(),
        source,
    })?;
    for entry in entries {
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
        let excluded = rules.is_excluded(&path);
        if kind.is_dir() {
            // An excluded folder is skipped whole unless a `!` pattern might re-include
            // something inside it.
            if !excluded {
                out.push(ContextEntry {
                    path: path.clone(),
                    is_dir: true,
                });
            }
            if !excluded || rules.has_exclusions() {
                walk(root, &path, rules, out)?;
            }
        } else if !excluded {
            out.push(ContextEntry {
                path,
                is_dir: false,
            });
        }
    }
    Ok(())
}
