//! An existing Dockerfile and .dockerignore: reported, and the Dockerfile's EXPOSE used as port
//! evidence when the code itself shows none.

use super::find::{in_text, re};
use super::folder::Folder;
use super::Detection;
use regex::Regex;
use std::sync::LazyLock;

static EXPOSE: LazyLock<Regex> = LazyLock::new(|| re(r"(?im)^\s*EXPOSE\s+(\d{1,5})"));

/// Records the Docker files and, when useful, the Dockerfile's EXPOSE.
pub(crate) fn detect(folder: &Folder, d: &mut Detection) {
    d.has_dockerfile = folder.has("Dockerfile");
    d.has_dockerignore = folder.has(".dockerignore");
    if !d.has_dockerfile {
        return;
    }
    let Some(text) = folder.read("Dockerfile") else {
        return;
    };
    let Some(hit) = in_text("Dockerfile", &text, &EXPOSE) else {
        return;
    };
    let Some(exposed) = hit.port() else { return };
    match d.port {
        None => d.set_port(
            exposed,
            hit.evidence("The existing Dockerfile exposes this port"),
        ),
        Some(port) if port != exposed => d.warnings.push(format!(
            "The existing Dockerfile exposes {exposed} (Dockerfile line {}) but the code listens on {port}.",
            hit.line
        )),
        Some(_) => {}
    }
}
