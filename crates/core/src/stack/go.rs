//! Go: go.mod (module, go version, web framework), the main package, the port from
//! `ListenAndServe(":8080", ..)` or a `PORT` default, and the health route.

use super::find::{file_evidence, first_of, in_text, line_with, re, sources};
use super::folder::Folder;
use super::{health, Detection, Framework, PackageManager, StackKind};
use regex::Regex;
use std::sync::LazyLock;

static GO_VERSION: LazyLock<Regex> = LazyLock::new(|| re(r"(?m)^go\s+(\d+\.\d+(?:\.\d+)?)\s*$"));
static MODULE: LazyLock<Regex> = LazyLock::new(|| re(r"(?m)^module\s+(\S+)"));
static PACKAGE_MAIN: LazyLock<Regex> = LazyLock::new(|| re(r"(?m)^package\s+main\b"));
static READS_PORT_ENV: LazyLock<Regex> =
    LazyLock::new(|| re(r#"os\.(?:Getenv|LookupEnv)\(\s*"PORT"\s*\)"#));
static PORT_DEFAULT: LazyLock<Regex> =
    LazyLock::new(|| re(r#"(?i)\bport\w*\s*(?::=|=)\s*"(?::)?(\d{2,5})""#));
static ADDR_LITERAL: LazyLock<Regex> =
    LazyLock::new(|| re(r#""(?:0\.0\.0\.0|localhost|127\.0\.0\.1|\[::\])?:(\d{2,5})""#));

const FRAMEWORKS: &[(&str, Framework)] = &[
    ("github.com/gin-gonic/gin", Framework::Gin),
    ("github.com/labstack/echo", Framework::Echo),
    ("github.com/gofiber/fiber", Framework::Fiber),
    ("github.com/go-chi/chi", Framework::Chi),
];

/// Whether the folder is a Go module.
pub(crate) fn applies(folder: &Folder) -> bool {
    folder.has("go.mod")
}

/// Reads go.mod and the sources.
pub(crate) fn detect(folder: &Folder, d: &mut Detection) {
    d.stack = StackKind::Go;
    d.package_manager = Some(PackageManager::Go);
    d.manifests.push("go.mod".into());
    if folder.has("go.sum") {
        d.manifests.push("go.sum".into());
        d.lockfile = Some("go.sum".into());
    }
    let gomod = folder.read("go.mod").unwrap_or_default();
    match in_text("go.mod", &gomod, &MODULE) {
        Some(hit) => d
            .evidence
            .push(hit.evidence(format!("go.mod declares the module {}", hit.capture))),
        None => d
            .evidence
            .push(file_evidence("go.mod", "A go.mod makes this a Go module")),
    }
    if let Some(hit) = in_text("go.mod", &gomod, &GO_VERSION) {
        d.runtime_version = Some(hit.capture);
    }
    if let Some((path, framework)) = FRAMEWORKS.iter().find(|(p, _)| gomod.contains(p)) {
        d.framework = Some(*framework);
        d.evidence.push(line_with(
            "go.mod",
            &gomod,
            path,
            &format!("go.mod requires {path}"),
        ));
    }
    if gomod.contains("github.com/mattn/go-sqlite3") {
        d.warnings.push("go.mod requires github.com/mattn/go-sqlite3, which needs cgo: a static (CGO_ENABLED=0) build will not include it.".into());
    }

    let mut files = folder.with_suffix(&[".go"]);
    files.retain(|f| !f.ends_with("_test.go"));
    let code = sources(folder, &["main.go"], files);
    main_package(&code, d);

    if code.iter().any(|(_, t)| READS_PORT_ENV.is_match(t)) {
        d.port_env = Some("PORT".into());
    }
    let patterns: [&Regex; 2] = if d.port_env.is_some() {
        [&PORT_DEFAULT, &ADDR_LITERAL]
    } else {
        [&ADDR_LITERAL, &PORT_DEFAULT]
    };
    if let Some(hit) = first_of(&code, &patterns) {
        if let Some(port) = hit.port() {
            d.set_port(port, hit.evidence(format!("The app listens on {port}")));
            if hit.text.contains("\"127.0.0.1:") || hit.text.contains("\"localhost:") {
                d.warnings.push(format!("{} line {}: the app listens on 127.0.0.1 only, which the load balancer cannot reach; listen on \":{port}\".", hit.file, hit.line));
            }
        }
    }
    health::detect(&code, d);
}

/// The package to build: the root when it is `package main`, else the one `cmd/<name>`.
fn main_package(code: &[(&str, String)], d: &mut Detection) {
    let mains: Vec<&str> = code
        .iter()
        .filter(|(_, t)| PACKAGE_MAIN.is_match(t))
        .map(|(f, _)| *f)
        .collect();
    let mut dirs: Vec<String> = mains
        .iter()
        .map(|f| {
            f.rsplit_once('/')
                .map(|(dir, _)| format!("./{dir}"))
                .unwrap_or_else(|| ".".into())
        })
        .collect();
    dirs.sort_by_key(|d| (d != ".", d.clone()));
    dirs.dedup();
    let Some(first) = dirs.first().cloned() else {
        return;
    };
    if first != "." && dirs.len() > 1 {
        d.warnings.push(format!(
            "The module has {} main packages ({}); Slipway builds {first}. Change the go build line if another one is the server.",
            dirs.len(),
            dirs.join(", ")
        ));
    }
    let name = first
        .rsplit('/')
        .next()
        .filter(|n| *n != ".")
        .unwrap_or("app")
        .to_string();
    d.entry = Some(first);
    d.start_command = vec![format!("/{name}")];
}
