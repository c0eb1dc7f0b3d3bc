//! Stack detection: what a folder of application code is (language, framework, how it starts,
//! which port it listens on, where its health route is), read from its files and never run.
//! Everything found carries its evidence (file, line, text); what the code does not show becomes
//! a question for the person.

mod docker;
mod find;
mod folder;
mod go;
mod health;
mod java;
mod node;
mod python;
mod rust;
mod web;

#[cfg(test)]
mod tests;

use crate::{ErrorBody, ErrorCode};
use folder::Folder;
use serde::{Deserialize, Serialize};
use std::path::Path;
use ts_rs::TS;

/// The language family of an app, which picks the Dockerfile template.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum StackKind {
    Node,
    Python,
    Go,
    Java,
    Rust,
    /// Files served as they are (index.html) or a single-page app built to static files.
    Static,
    Unknown,
}

/// The web framework the app is built on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Framework {
    Express,
    Fastify,
    Koa,
    Hapi,
    Nestjs,
    Next,
    Flask,
    Fastapi,
    Django,
    SpringBoot,
    Axum,
    ActixWeb,
    Rocket,
    Warp,
    Gin,
    Echo,
    Fiber,
    Chi,
    Vite,
    CreateReactApp,
    VueCli,
    Angular,
}

/// The Python WSGI/ASGI server the app declares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Server {
    Gunicorn,
    Uvicorn,
    Waitress,
}

/// The tool that installs the app's dependencies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum PackageManager {
    Npm,
    Yarn,
    Pnpm,
    Pip,
    Poetry,
    Pipenv,
    Go,
    Maven,
    Gradle,
    Cargo,
}

/// Why Slipway believes something: a file, usually one line of it, and what that line says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Evidence {
    /// Path relative to the app folder, with `/` separators.
    pub file: String,
    /// 1-based line, when the evidence is one line of the file.
    pub line: Option<u32>,
    /// The line as written (trimmed, at most 200 characters), or the file's role.
    pub text: String,
    /// One sentence: what this tells Slipway.
    pub why: String,
}

/// What the UI must ask because the code did not show it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum QuestionTopic {
    Stack,
    Port,
    HealthPath,
    EntryPoint,
}

/// One question for the person, with Slipway's best guess as the default answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Question {
    pub topic: QuestionTopic,
    pub prompt: String,
    pub suggestion: Option<String>,
}

/// Everything Slipway learned about an app folder.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Detection {
    pub stack: StackKind,
    pub framework: Option<Framework>,
    /// The WSGI/ASGI server (Python only).
    pub server: Option<Server>,
    /// The runtime version the project asks for, as written (`>=18`, `3.11`, `1.22`, `17`).
    pub runtime_version: Option<String>,
    pub package_manager: Option<PackageManager>,
    /// The lockfile's name, when there is one (`package-lock.json`, `go.sum`, `Cargo.lock`).
    pub lockfile: Option<String>,
    /// Dependency files, copied into the image before the sources so their layer is cached.
    pub manifests: Vec<String>,
    /// What starts: a Python module (`app:app`), a script (`server.js`), a Go package
    /// (`./cmd/api`) or a binary name.
    pub entry: Option<String>,
    /// How the app starts, in exec form, without port flags (the Dockerfile adds those).
    pub start_command: Vec<String>,
    /// The build step, in exec form, when the app has one (`npm run build`).
    pub build_command: Vec<String>,
    /// What the build produces: a folder of static files (`dist`) or a jar path.
    pub build_output: Option<String>,
    pub port: Option<u16>,
    pub port_evidence: Option<Evidence>,
    /// The environment variable the app reads its port from, when it reads one.
    pub port_env: Option<String>,
    pub health_path: Option<String>,
    pub health_evidence: Option<Evidence>,
    pub has_dockerfile: bool,
    pub has_dockerignore: bool,
    /// Why this stack: the files and lines that decided it.
    pub evidence: Vec<Evidence>,
    pub questions: Vec<Question>,
    /// Things that could not be read or look wrong; detection went on without them.
    pub warnings: Vec<String>,
}

impl Detection {
    fn empty() -> Self {
        Self {
            stack: StackKind::Unknown,
            framework: None,
            server: None,
            runtime_version: None,
            package_manager: None,
            lockfile: None,
            manifests: Vec::new(),
            entry: None,
            start_command: Vec::new(),
            build_command: Vec::new(),
            build_output: None,
            port: None,
            port_evidence: None,
            port_env: None,
            health_path: None,
            health_evidence: None,
            has_dockerfile: false,
            has_dockerignore: false,
            evidence: Vec::new(),
            questions: Vec::new(),
            warnings: Vec::new(),
        }
    }

    /// Records the port with its evidence, unless an earlier, stronger clue already set it.
    fn set_port(&mut self, port: u16, evidence: Evidence) {
        if self.port.is_none() && port != 0 {
            self.port = Some(port);
            self.port_evidence = Some(evidence);
        }
    }

    /// Records the health path with its evidence, unless one is already set.
    fn set_health(&mut self, path: String, evidence: Evidence) {
        if self.health_path.is_none() {
            self.health_path = Some(path);
            self.health_evidence = Some(evidence);
        }
    }

    fn ask(&mut self, topic: QuestionTopic, prompt: &str, suggestion: Option<&str>) {
        self.questions.push(Question {
            topic,
            prompt: prompt.into(),
            suggestion: suggestion.map(str::to_string),
        });
    }
}

/// Reads the app folder at `dir` (bounded: a few levels deep, a few thousand entries, no file
/// over 1 MiB) and says what it is. A folder that is missing or not a folder is an error; a
/// malformed manifest is only a warning.
pub fn detect(dir: &Path) -> Result<Detection, ErrorBody> {
    let meta = std::fs::metadata(dir).map_err(|e| {
        ErrorBody::new(
            ErrorCode::PathNotFound,
            format!("Cannot open the app folder '{}': {e}", dir.display()),
            "Check that the folder exists and that you can read it, or choose another folder.",
        )
    })?;
    if !meta.is_dir() {
        return Err(ErrorBody::new(
            ErrorCode::InvalidInput,
            format!("'{}' is a file, not a folder", dir.display()),
            "Choose the folder that holds your application's code.",
        ));
    }
    let folder = Folder::scan(dir)?;
    let mut d = Detection::empty();

    if java::applies(&folder) {
        java::detect(&folder, &mut d);
    } else if go::applies(&folder) {
        go::detect(&folder, &mut d);
    } else if rust::applies(&folder) {
        rust::detect(&folder, &mut d);
    } else if python::applies(&folder) {
        python::detect(&folder, &mut d);
    } else if node::applies(&folder) {
        node::detect(&folder, &mut d);
    } else if web::applies(&folder) {
        web::detect(&folder, &mut d);
    }
    note_other_manifests(&folder, &mut d);
    docker::detect(&folder, &mut d);
    ask_what_is_missing(&mut d);
    d.warnings.extend(folder.take_warnings());
    Ok(d)
}

/// Manifests of another stack in the same folder are worth a warning: the choice may be wrong.
fn note_other_manifests(folder: &Folder, d: &mut Detection) {
    if d.stack == StackKind::Unknown {
        return;
    }
    let others: Vec<&str> = [
        ("pom.xml", StackKind::Java),
        ("build.gradle", StackKind::Java),
        ("build.gradle.kts", StackKind::Java),
        ("go.mod", StackKind::Go),
        ("Cargo.toml", StackKind::Rust),
        ("requirements.txt", StackKind::Python),
        ("pyproject.toml", StackKind::Python),
        ("package.json", StackKind::Node),
    ]
    .into_iter()
    .filter(|(file, kind)| {
        let same = *kind == d.stack || (*kind == StackKind::Node && d.stack == StackKind::Static);
        !same && folder.has(file)
    })
    .map(|(file, _)| file)
    .collect();
    if !others.is_empty() {
        d.warnings.push(format!(
            "This folder also has {}; Slipway treated it as a {} app. If that is wrong, choose the app's own folder.",
            others.join(", "),
            stack_name(d.stack)
        ));
    }
}

/// The stack's name in a sentence.
pub fn stack_name(stack: StackKind) -> &'static str {
    match stack {
        StackKind::Node => "Node.js",
        StackKind::Python => "Python",
        StackKind::Go => "Go",
        StackKind::Java => "Java",
        StackKind::Rust => "Rust",
        StackKind::Static => "static site",
        StackKind::Unknown => "unknown",
    }
}

/// The port a stack's usual server listens on, offered as the default answer.
fn usual_port(d: &Detection) -> Option<u16> {
    match (d.stack, d.framework) {
        (StackKind::Python, Some(Framework::Flask)) if d.server.is_none() => Some(5000),
        (StackKind::Python, _) => Some(8000),
        (StackKind::Node, _) => Some(3000),
        (StackKind::Go | StackKind::Java | StackKind::Rust | StackKind::Static, _) => Some(8080),
        (StackKind::Unknown, _) => None,
    }
}

fn ask_what_is_missing(d: &mut Detection) {
    if d.stack == StackKind::Unknown {
        d.ask(
            QuestionTopic::Stack,
            "Slipway found no package.json, requirements.txt, pyproject.toml, go.mod, pom.xml, build.gradle, Cargo.toml or index.html here. Which language is the app written in? (Or choose the folder that holds its code.)",
            None,
        );
    }
    if d.port.is_none() {
        let suggestion = usual_port(d).map(|p| p.to_string());
        d.ask(
            QuestionTopic::Port,
            "Which port does the app listen on? The code does not say.",
            suggestion.as_deref(),
        );
    }
    if d.health_path.is_none() {
        d.ask(
            QuestionTopic::HealthPath,
            "Which path answers 200 when the app is healthy? The load balancer requests it every few seconds; no /health route was found.",
            Some("/"),
        );
    }
    if d.stack != StackKind::Unknown && d.stack != StackKind::Static && d.start_command.is_empty() {
        d.ask(
            QuestionTopic::EntryPoint,
            "How does the app start? Slipway could not find its entry point.",
            None,
        );
    }
}
