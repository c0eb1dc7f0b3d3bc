//! Rust: Cargo.toml (package and binary names, web framework, edition), and the port from
//! `bind("0.0.0.0:8080")`, `SocketAddr::from(([0, 0, 0, 0], 3000))` or a `PORT` default.

use super::find::{file_evidence, first_of, line_with, re, sources};
use super::folder::Folder;
use super::{health, Detection, Evidence, Framework, PackageManager, StackKind};
use regex::Regex;
use std::sync::LazyLock;

static ADDR_LITERAL: LazyLock<Regex> =
    LazyLock::new(|| re(r#""(?:0\.0\.0\.0|127\.0\.0\.1|localhost|\[::\])?:(\d{2,5})""#));
static SOCKET_ADDR: LazyLock<Regex> = LazyLock::new(|| {
    re(r"SocketAddr(?:V4)?::(?:from|new)\(\s*\(?\s*\[[^\]]*\]\s*,\s*(\d{2,5})\s*\)")
});
static TUPLE_BIND: LazyLock<Regex> =
    LazyLock::new(|| re(r#"\(\s*"(?:0\.0\.0\.0|127\.0\.0\.1|localhost|::)"\s*,\s*(\d{2,5})\s*\)"#));
static READS_PORT_ENV: LazyLock<Regex> = LazyLock::new(|| re(r#"env::var\(\s*"PORT"\s*\)"#));
static PORT_DEFAULT: LazyLock<Regex> =
    LazyLock::new(|| re(r#"env::var\(\s*"PORT"\s*\)[^;]*?\b(\d{2,5})\b"#));

const FRAMEWORKS: &[(&str, Framework)] = &[
    ("axum", Framework::Axum),
    ("actix-web", Framework::ActixWeb),
    ("rocket", Framework::Rocket),
    ("warp", Framework::Warp),
];

/// Whether the folder is a Cargo package.
pub(crate) fn applies(folder: &Folder) -> bool {
    folder.has("Cargo.toml")
}

/// Reads Cargo.toml and the sources.
pub(crate) fn detect(folder: &Folder, d: &mut Detection) {
    d.stack = StackKind::Rust;
    d.package_manager = Some(PackageManager::Cargo);
    d.manifests.push("Cargo.toml".into());
    if folder.has("Cargo.lock") {
        d.manifests.push("Cargo.lock".into());
        d.lockfile = Some("Cargo.lock".into());
    }
    let text = folder.read("Cargo.toml").unwrap_or_default();
    d.evidence.push(file_evidence(
        "Cargo.toml",
        "A Cargo.toml makes this a Rust package",
    ));
    match toml::from_str::<toml::Table>(&text) {
        Ok(doc) => manifest(&doc, &text, d),
        Err(e) => d.warnings.push(format!(
            "Cargo.toml cannot be parsed ({}); Slipway detected what it could from the sources.",
            e.message()
        )),
    }
    let code = sources(folder, &["src/main.rs"], folder.with_suffix(&[".rs"]));
    if code.iter().any(|(_, t)| READS_PORT_ENV.is_match(t)) {
        d.port_env = Some("PORT".into());
    }
    let patterns: Vec<&Regex> = if d.port_env.is_some() {
        vec![&PORT_DEFAULT, &ADDR_LITERAL, &SOCKET_ADDR, &TUPLE_BIND]
    } else {
        vec![&ADDR_LITERAL, &SOCKET_ADDR, &TUPLE_BIND]
    };
    if let Some(hit) = first_of(&code, &patterns) {
        if let Some(port) = hit.port() {
            d.set_port(port, hit.evidence(format!("The app listens on {port}")));
            if hit.text.contains("127.0.0.1")
                || hit.text.contains("localhost")
                || hit.text.contains("[127, 0, 0, 1]")
            {
                d.warnings.push(format!("{} line {}: the app listens on 127.0.0.1 only, which the load balancer cannot reach; bind 0.0.0.0.", hit.file, hit.line));
            }
        }
    }
    if d.framework == Some(Framework::Rocket) {
        d.port_env = Some("ROCKET_PORT".into());
        let evidence = line_with(
            "Cargo.toml",
            &text,
            "rocket",
            "Rocket listens on 8000 unless ROCKET_PORT is set",
        );
        d.set_port(8000, evidence);
    }
    health::detect(&code, d);
}

fn manifest(doc: &toml::Table, text: &str, d: &mut Detection) {
    let package = doc.get("package").and_then(|p| p.as_table());
    if package.is_none() && doc.contains_key("workspace") {
        d.warnings.push("Cargo.toml is a workspace without a package; open the folder of the server's own crate, or edit the generated Dockerfile's build line.".into());
    }
    let name = package.and_then(|p| p.get("name")).and_then(|v| v.as_str());
    let bins: Vec<&str> = doc
        .get("bin")
        .and_then(|b| b.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|b| b.get("name").and_then(|n| n.as_str()))
                .collect()
        })
        .unwrap_or_default();
    if bins.len() > 1 {
        d.warnings.push(format!(
            "Cargo.toml has {} binaries ({}); Slipway runs {}.",
            bins.len(),
            bins.join(", "),
            bins[0]
        ));
    }
    if let Some(bin) = bins.first().copied().or(name) {
        d.entry = Some(bin.to_string());
        d.start_command = vec![format!("/usr/local/bin/{bin}")];
    }
    if let Some(p) = package {
        let rust_version = p.get("rust-version").and_then(|v| v.as_str());
        d.runtime_version = rust_version.map(str::to_string);
        if p.get("edition").and_then(|v| v.as_str()) == Some("2024") {
            d.runtime_version.get_or_insert_with(|| "1.85".into());
        }
    }
    let deps = doc.get("dependencies").and_then(|v| v.as_table());
    if let Some((dep, framework)) = FRAMEWORKS
        .iter()
        .find(|(n, _)| deps.is_some_and(|t| t.contains_key(*n)))
    {
        d.framework = Some(*framework);
        let line = text
            .lines()
            .position(|l| l.trim_start().starts_with(dep))
            .map(|i| i as u32 + 1);
        d.evidence.push(Evidence {
            file: "Cargo.toml".into(),
            line,
            text: line
                .map(|l| super::find::line_text(text, l))
                .unwrap_or_else(|| dep.to_string()),
            why: format!("Cargo.toml depends on {dep}"),
        });
    }
}
