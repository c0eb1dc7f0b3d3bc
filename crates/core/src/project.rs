//! Projects: a folder of application code the person opened in Slipway.

use crate::{ErrorBody, ErrorCode};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use ts_rs::TS;

/// A project as the picker lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ProjectSummary {
    /// Absolute, canonical path of the project folder.
    pub path: String,
    /// The folder's name, or the app name from slipway.toml when there is one.
    pub name: String,
    /// Milliseconds since the Unix epoch.
    #[ts(type = "number")]
    pub last_opened_ms: i64,
    /// Whether the folder already has a slipway.toml.
    pub has_spec: bool,
}

/// Checks that `path` is an existing folder and returns its canonical form.
pub fn resolve_project_dir(path: &str) -> Result<PathBuf, ErrorBody> {
    let trimmed = path.trim();
    if trimmed.is_empty() {
        return Err(ErrorBody::new(
            ErrorCode::InvalidInput,
            "No folder was given",
            "Choose the folder that holds your application's code.",
        ));
    }
    let p = Path::new(trimmed);
    if !p.is_absolute() {
        return Err(ErrorBody::new(
            ErrorCode::InvalidInput,
            format!(
                "'{}' is not an absolute path",
                crate::error::clip(trimmed, 200)
            ),
            "Pick the folder with the Open button, or give its full path.",
        ));
    }
    let canonical = p.canonicalize().map_err(|e| {
        ErrorBody::new(
            ErrorCode::PathNotFound,
            format!("Cannot open '{}': {e}", crate::error::clip(trimmed, 200)),
            "Check that the folder exists and that you can read it.",
        )
    })?;
    if !canonical.is_dir() {
        return Err(ErrorBody::new(
            ErrorCode::InvalidInput,
            format!("'{}' is a file, not a folder", canonical.display()),
            "Open the folder that contains the file instead.",
        ));
    }
    Ok(canonical)
}

/// The display name for a project folder: its last path component.
pub fn folder_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opens_an_existing_folder_canonically() {
        let dir = std::env::temp_dir();
        let resolved = resolve_project_dir(dir.to_str().unwrap()).unwrap();
        assert!(resolved.is_absolute() && resolved.is_dir());
    }

    #[test]
    fn refuses_empty_relative_missing_and_file_paths_with_codes() {
        assert_eq!(
            resolve_project_dir("  ").unwrap_err().code,
            ErrorCode::InvalidInput
        );
        assert_eq!(
            resolve_project_dir("relative/dir").unwrap_err().code,
            ErrorCode::InvalidInput
        );
        let missing = resolve_project_dir("/definitely/not/here/slipway").unwrap_err();
        assert_eq!(missing.code, ErrorCode::PathNotFound);
        assert!(missing.message.contains("/definitely/not/here/slipway"));
        let file = std::env::current_exe().unwrap();
        assert_eq!(
            resolve_project_dir(file.to_str().unwrap())
                .unwrap_err()
                .code,
            ErrorCode::InvalidInput
        );
    }

    #[test]
    fn folder_name_is_the_last_component() {
        assert_eq!(folder_name(Path::new("/home/lan/shop-api")), "shop-api");
        assert_eq!(folder_name(Path::new("/")), "/");
    }
}
