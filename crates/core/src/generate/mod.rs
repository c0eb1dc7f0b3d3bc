//! Dockerfile generation: from a [`Detection`] and what the person confirmed (port, health path,
//! platform) to a Dockerfile and a .dockerignore a senior engineer would sign, with one note per
//! choice that is not obvious. One template per stack, each in its own file.

mod dockerfile;
mod dockerignore;
mod go;
mod java;
mod node;
mod python;
mod rust;
mod web;

/// The base images the templates use, with the tags they pin: what a lint fix offers for the
/// same image left untagged or at `latest` (known to build with these templates).
pub(crate) const PINNED_BASES: &[&str] = &[
    python::BASE,
    node::BASE,
    go::BUILD,
    java::MAVEN,
    java::GRADLE,
    java::RUNTIME,
    rust::BUILD,
    rust::RUNTIME,
    web::NGINX,
];

#[cfg(test)]
mod tests;

use crate::stack::{Detection, StackKind};
use crate::{ErrorBody, ErrorCode};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Platforms Fargate runs.
pub const PLATFORMS: &[&str] = &["linux/amd64", "linux/arm64"];

/// What the person confirmed in the UI.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct GenerateOptions {
    /// The port the app listens on and the load balancer sends traffic to.
    pub port: u16,
    /// The path that answers 200 when the app is healthy, e.g. `/health`.
    pub health_path: String,
    /// `linux/amd64` or `linux/arm64`; `None` means the builder's own.
    pub platform: Option<String>,
}

/// The generated files and why they look the way they do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct GeneratedFiles {
    pub dockerfile: String,
    pub dockerignore: String,
    /// One line each: a choice the files make, or something the person should check.
    pub notes: Vec<String>,
}

/// What every template reads: the detection, the confirmed options, and the notes so far.
pub(crate) struct Context<'a> {
    pub d: &'a Detection,
    pub port: u16,
    pub health_path: &'a str,
    pub notes: Vec<String>,
}

impl Context<'_> {
    pub(crate) fn note(&mut self, text: impl Into<String>) {
        self.notes.push(text.into());
    }

    /// Whether `file` is one of the app's dependency manifests.
    pub(crate) fn has_manifest(&self, file: &str) -> bool {
        self.d.manifests.iter().any(|m| m == file)
    }
}

/// Writes the Dockerfile and .dockerignore for `detection` with the confirmed `options`.
pub fn generate(
    detection: &Detection,
    options: &GenerateOptions,
) -> Result<GeneratedFiles, ErrorBody> {
    validate(options)?;
    let mut cx = Context {
        d: detection,
        port: options.port,
        health_path: &options.health_path,
        notes: Vec::new(),
    };
    let dockerfile = match detection.stack {
        StackKind::Python => python::dockerfile(&mut cx),
        StackKind::Node => node::dockerfile(&mut cx),
        StackKind::Go => go::dockerfile(&mut cx),
        StackKind::Java => java::dockerfile(&mut cx),
        StackKind::Rust => rust::dockerfile(&mut cx),
        StackKind::Static => web::dockerfile(&mut cx),
        StackKind::Unknown => {
            return Err(ErrorBody::new(
                ErrorCode::InvalidInput,
                "Slipway cannot write a Dockerfile for this folder: it did not recognise the app's language",
                "Choose the folder that holds the app's package.json, requirements.txt, go.mod, pom.xml, build.gradle, Cargo.toml or index.html, or write the Dockerfile yourself and Slipway will lint it.",
            ))
        }
    };
    common_notes(&mut cx, options);
    Ok(GeneratedFiles {
        dockerfile,
        dockerignore: dockerignore::dockerignore(detection),
        notes: cx.notes,
    })
}

fn validate(options: &GenerateOptions) -> Result<(), ErrorBody> {
    if options.port == 0 {
        return Err(ErrorBody::new(
            ErrorCode::InvalidInput,
            "Port 0 cannot be reached",
            "Enter the port your app listens on (1-65535).",
        ));
    }
    let path = options.health_path.as_str();
    // The path is written into HEALTHCHECK commands: only characters a URL path needs.
    let safe = path.starts_with('/')
        && path.len() <= 256
        && path
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-._~/?=&%:@+!,;".contains(c));
    if !safe {
        return Err(ErrorBody::new(
            ErrorCode::InvalidInput,
            format!("'{path}' is not a usable health check path"),
            "Use a path that starts with '/' and has no spaces or quotes, such as /health.",
        ));
    }
    if let Some(p) = options.platform.as_deref() {
        if !PLATFORMS.contains(&p) {
            return Err(ErrorBody::new(
                ErrorCode::InvalidInput,
                format!("'{p}' is not a platform Fargate runs"),
                "Choose linux/amd64 or linux/arm64.",
            ));
        }
    }
    Ok(())
}

fn common_notes(cx: &mut Context, options: &GenerateOptions) {
    let d = cx.d;
    if let (Some(found), Some(evidence)) = (d.port, d.port_evidence.as_ref()) {
        if found != cx.port && d.port_env.is_none() {
            let at = evidence
                .line
                .map(|l| format!("{}:{l}", evidence.file))
                .unwrap_or_else(|| evidence.file.clone());
            cx.note(format!(
                "The code listens on {found} ({at}) but you chose {}: change the code or the port, or the health checks will fail.",
                cx.port
            ));
        }
    }
    if let Some(platform) = options.platform.as_deref() {
        cx.note(format!(
            "Build with --platform {platform} and give the ECS task the same CPU architecture; the FROM lines stay platform-neutral."
        ));
    }
    if d.has_dockerfile {
        cx.note("The folder already has a Dockerfile: review the differences before replacing it.");
    }
    if d.has_dockerignore {
        cx.note(
            "The folder already has a .dockerignore: review the differences before replacing it.",
        );
    }
}

/// Major and minor of a version as a project writes it (`>=18.2`, `^3.11`, `1.22.1`, `17`).
pub(crate) fn major_minor(version: &str) -> Option<(u32, u32)> {
    let start = version.find(|c: char| c.is_ascii_digit())?;
    let mut parts = version[start..]
        .split(|c: char| !c.is_ascii_digit())
        .filter(|p| !p.is_empty());
    let major = parts.next()?.parse().ok()?;
    let minor = parts.next().and_then(|p| p.parse().ok()).unwrap_or(0);
    Some((major, minor))
}
