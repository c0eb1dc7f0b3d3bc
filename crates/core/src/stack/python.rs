//! Python: dependencies from requirements.txt, pyproject.toml (PEP 621 or Poetry) or Pipfile;
//! the framework (Flask, FastAPI, Django) and server (gunicorn, uvicorn, waitress); the entry
//! module (`app:app`, `project.wsgi:application`); the port and the health route.

use super::find::{file_evidence, first_of, in_text, line_text, re, sources, Hit};
use super::folder::Folder;
use super::{health, Detection, Evidence, Framework, PackageManager, Server, StackKind};
use regex::Regex;
use std::sync::LazyLock;

static RUN_PORT: LazyLock<Regex> = LazyLock::new(|| re(r"\.run\([^)]*?\bport\s*=\s*(\d{2,5})\b"));
static ENV_PORT_DEFAULT: LazyLock<Regex> =
    LazyLock::new(|| re(r#"(?:environ\.get|getenv)\(\s*["']PORT["']\s*,\s*["']?(\d{2,5})"#));
static READS_PORT_ENV: LazyLock<Regex> = LazyLock::new(|| {
    re(r#"(?:environ\.get|getenv)\(\s*["']PORT["']|environ\[\s*["']PORT["']\s*\]"#)
});
static BIND_PORT: LazyLock<Regex> = LazyLock::new(|| {
    re(r#"(?:\bbind\s*=\s*\[?\s*["']|(?:--bind|-b)[= ]\s*["']?)[\w.\[\]]*:(\d{2,5})\b"#)
});
static FLASK_APP: LazyLock<Regex> = LazyLock::new(|| re(r"(?m)^(\w+)\s*=\s*Flask\("));
static FASTAPI_APP: LazyLock<Regex> = LazyLock::new(|| re(r"(?m)^(\w+)\s*=\s*FastAPI\("));
static FLASK_FACTORY: LazyLock<Regex> = LazyLock::new(|| re(r"(?m)^def (create_app)\("));

/// Whether the folder is a Python project.
pub(crate) fn applies(folder: &Folder) -> bool {
    [
        "requirements.txt",
        "pyproject.toml",
        "Pipfile",
        "manage.py",
        "setup.py",
    ]
    .iter()
    .any(|f| folder.has(f))
}

/// The dependency names a manifest lists, lowercased, with where each was found.
struct Dependencies {
    file: String,
    text: String,
    names: Vec<String>,
}

impl Dependencies {
    fn has(&self, name: &str) -> bool {
        self.names.iter().any(|n| n == name)
    }

    /// The manifest line that declares `name`.
    fn evidence(&self, name: &str) -> Evidence {
        let line = self.text.lines().position(|l| {
            requirement_name(l.trim().trim_start_matches(['"', '\''])).is_some_and(|n| n == name)
        });
        Evidence {
            file: self.file.clone(),
            line: line.map(|i| i as u32 + 1),
            text: line
                .map(|i| line_text(&self.text, i as u32 + 1))
                .unwrap_or_else(|| name.to_string()),
            why: format!("{} lists {name}", self.file),
        }
    }
}

fn normalize(name: &str) -> String {
    name.trim().to_ascii_lowercase().replace('_', "-")
}

/// `flask[async]>=3 ; python_version > "3.8"` → `flask`.
fn requirement_name(line: &str) -> Option<String> {
    let line = line.split('#').next()?.trim();
    if line.is_empty() || line.starts_with('-') {
        return None;
    }
    let end = line
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.'))
        .unwrap_or(line.len());
    (end > 0).then(|| normalize(&line[..end]))
}

fn dependencies(folder: &Folder, d: &mut Detection) -> Dependencies {
    if let Some(text) = folder.read("requirements.txt") {
        d.package_manager = Some(PackageManager::Pip);
        d.manifests.push("requirements.txt".into());
        let names = text.lines().filter_map(requirement_name).collect();
        return Dependencies {
            file: "requirements.txt".into(),
            text,
            names,
        };
    }
    if let Some(text) = folder.read("pyproject.toml") {
        d.manifests.push("pyproject.toml".into());
        let mut names = Vec::new();
        match toml::from_str::<toml::Table>(&text) {
            Ok(doc) => {
                if let Some(list) = doc
                    .get("project")
                    .and_then(|p| p.get("dependencies"))
                    .and_then(|v| v.as_array())
                {
                    names.extend(
                        list.iter()
                            .filter_map(|v| v.as_str())
                            .filter_map(requirement_name),
                    );
                }
                if let Some(v) = doc
                    .get("project")
                    .and_then(|p| p.get("requires-python"))
                    .and_then(|v| v.as_str())
                {
                    d.runtime_version = Some(v.to_string());
                }
                let poetry = doc.get("tool").and_then(|t| t.get("poetry"));
                if let Some(table) = poetry
                    .and_then(|p| p.get("dependencies"))
                    .and_then(|v| v.as_table())
                {
                    names.extend(
                        table
                            .keys()
                            .filter(|k| *k != "python")
                            .map(|k| normalize(k)),
                    );
                    if let Some(py) = table.get("python").and_then(|v| v.as_str()) {
                        d.runtime_version.get_or_insert_with(|| py.to_string());
                    }
                }
                if poetry.is_some() {
                    d.package_manager = Some(PackageManager::Poetry);
                    if folder.has("poetry.lock") {
                        d.lockfile = Some("poetry.lock".into());
                        d.manifests.push("poetry.lock".into());
                    }
                } else {
                    d.package_manager = Some(PackageManager::Pip);
                }
            }
            Err(e) => {
                d.warnings.push(format!(
                    "pyproject.toml cannot be parsed ({}); Slipway looked for known package names in its text instead.",
                    e.message()
                ));
                d.package_manager = Some(PackageManager::Pip);
                names = [
                    "flask", "fastapi", "django", "gunicorn", "uvicorn", "waitress",
                ]
                .into_iter()
                .filter(|n| text.to_ascii_lowercase().contains(&format!("\"{n}")))
                .map(str::to_string)
                .collect();
            }
        }
        return Dependencies {
            file: "pyproject.toml".into(),
            text,
            names,
        };
    }
    if let Some(text) = folder.read("Pipfile") {
        d.package_manager = Some(PackageManager::Pipenv);
        d.manifests.push("Pipfile".into());
        if folder.has("Pipfile.lock") {
            d.lockfile = Some("Pipfile.lock".into());
            d.manifests.push("Pipfile.lock".into());
        }
        let mut names = Vec::new();
        match toml::from_str::<toml::Table>(&text) {
            Ok(doc) => {
                if let Some(t) = doc.get("packages").and_then(|v| v.as_table()) {
                    names.extend(t.keys().map(|k| normalize(k)));
                }
                if let Some(v) = doc
                    .get("requires")
                    .and_then(|r| r.get("python_version"))
                    .and_then(|v| v.as_str())
                {
                    d.runtime_version = Some(v.to_string());
                }
            }
            Err(e) => d
                .warnings
                .push(format!("Pipfile cannot be parsed ({}).", e.message())),
        }
        return Dependencies {
            file: "Pipfile".into(),
            text,
            names,
        };
    }
    d.package_manager = Some(PackageManager::Pip);
    Dependencies {
        file: String::new(),
        text: String::new(),
        names: Vec::new(),
    }
}

fn runtime_version(folder: &Folder, d: &mut Detection) {
    if let Some(v) = folder.read(".python-version") {
        let v = v.trim();
        if !v.is_empty() {
            d.runtime_version = Some(v.to_string());
        }
    } else if let Some(v) = folder.read("runtime.txt") {
        if let Some(v) = v.trim().strip_prefix("python-") {
            d.runtime_version = Some(v.to_string());
        }
    }
}

/// `src/app.py` → `src.app`.
fn module_of(file: &str) -> String {
    file.trim_end_matches(".py").replace('/', ".")
}

/// Reads the manifests and the sources.
pub(crate) fn detect(folder: &Folder, d: &mut Detection) {
    d.stack = StackKind::Python;
    let deps = dependencies(folder, d);
    runtime_version(folder, d);
    if deps.file.is_empty() {
        let marker = if folder.has("manage.py") {
            "manage.py"
        } else {
            "setup.py"
        };
        d.evidence
            .push(file_evidence(marker, "A Python project file"));
    } else {
        d.evidence.push(file_evidence(
            &deps.file,
            "Python dependencies are listed here",
        ));
    }

    let first = [
        "app.py",
        "main.py",
        "wsgi.py",
        "asgi.py",
        "server.py",
        "application.py",
        "gunicorn.conf.py",
        "Procfile",
    ];
    let mut files = folder.with_suffix(&[".py"]);
    files.retain(|f| !f.starts_with("tests/") && !f.contains("/migrations/"));
    let code = sources(folder, &first, files);
    let imports = |what: &str| code.iter().any(|(_, t)| t.contains(what));

    let framework = if deps.has("django") || folder.has("manage.py") {
        Some(Framework::Django)
    } else if deps.has("fastapi") || imports("from fastapi import") {
        Some(Framework::Fastapi)
    } else if deps.has("flask") || imports("from flask import") {
        Some(Framework::Flask)
    } else {
        None
    };
    d.framework = framework;
    if let (Some(f), false) = (framework, deps.file.is_empty()) {
        let name = match f {
            Framework::Django => "django",
            Framework::Fastapi => "fastapi",
            _ => "flask",
        };
        if deps.has(name) {
            d.evidence.push(deps.evidence(name));
        }
    }
    d.server = [
        ("gunicorn", Server::Gunicorn),
        ("uvicorn", Server::Uvicorn),
        ("waitress", Server::Waitress),
    ]
    .into_iter()
    .find(|(n, _)| deps.has(n))
    .map(|(_, s)| s);
    if framework == Some(Framework::Fastapi) && deps.has("uvicorn") {
        d.server = Some(Server::Uvicorn);
    }

    entry(d, &code);

    if code.iter().any(|(_, t)| READS_PORT_ENV.is_match(t)) {
        d.port_env = Some("PORT".into());
    }
    if let Some(hit) = first_of(&code, &[&ENV_PORT_DEFAULT, &RUN_PORT, &BIND_PORT]) {
        if let Some(port) = hit.port() {
            d.set_port(port, hit.evidence(format!("The app listens on {port}")));
        }
    }
    if framework == Some(Framework::Flask) && d.server.is_none() {
        warn_on_localhost_run(&code, d);
    }
    health::detect(&code, d);
}

fn entry(d: &mut Detection, code: &[(&str, String)]) {
    let found: Option<(Hit, String)> = match d.framework {
        Some(Framework::Django) => django_wsgi(code),
        Some(Framework::Fastapi) => code
            .iter()
            .find_map(|(f, t)| in_text(f, t, &FASTAPI_APP))
            .map(|h| {
                let m = format!("{}:{}", module_of(&h.file), h.capture);
                (h, m)
            }),
        _ => code
            .iter()
            .find_map(|(f, t)| in_text(f, t, &FLASK_APP))
            .map(|h| {
                let m = format!("{}:{}", module_of(&h.file), h.capture);
                (h, m)
            })
            .or_else(|| {
                code.iter()
                    .find_map(|(f, t)| in_text(f, t, &FLASK_FACTORY))
                    .map(|h| {
                        let m = format!("{}:create_app()", module_of(&h.file));
                        (h, m)
                    })
            }),
    };
    let Some((hit, module)) = found else { return };
    d.evidence
        .push(hit.evidence(format!("The app object is {module}")));
    let script = hit.file.clone();
    d.entry = Some(module.clone());
    d.start_command = match (d.framework, d.server) {
        (_, Some(Server::Gunicorn)) | (Some(Framework::Django), _) => {
            vec!["gunicorn".into(), module]
        }
        (Some(Framework::Fastapi), _) | (_, Some(Server::Uvicorn)) => {
            vec!["uvicorn".into(), module]
        }
        (_, Some(Server::Waitress)) => vec!["waitress-serve".into(), module],
        _ => vec!["python".into(), script],
    };
}

/// Django: the project package is the folder whose wsgi.py calls get_wsgi_application.
fn django_wsgi(code: &[(&str, String)]) -> Option<(Hit, String)> {
    static WSGI: LazyLock<Regex> =
        LazyLock::new(|| re(r"(?m)^(application)\s*=\s*get_wsgi_application\("));
    let mut candidates: Vec<&(&str, String)> = code
        .iter()
        .filter(|(f, _)| f.ends_with("/wsgi.py"))
        .collect();
    candidates.sort_by_key(|(f, _)| f.matches('/').count());
    candidates.into_iter().find_map(|(f, t)| {
        let hit = in_text(f, t, &WSGI)?;
        let module = format!("{}:application", module_of(f));
        Some((hit, module))
    })
}

/// `app.run()` without `host="0.0.0.0"` listens on 127.0.0.1, which nothing outside the
/// container can reach.
fn warn_on_localhost_run(code: &[(&str, String)], d: &mut Detection) {
    for (file, text) in code {
        let Some(app) = in_text(file, text, &FLASK_APP) else {
            continue;
        };
        let run = re(&format!(
            r"\b{}\.run\(([^)]*)\)",
            regex::escape(&app.capture)
        ));
        if let Some(hit) = in_text(file, text, &run) {
            if !text.contains("0.0.0.0") && !hit.capture.contains("host") {
                d.warnings.push(format!(
                    "{file} line {}: {}.run() listens on 127.0.0.1 only, which the load balancer cannot reach; use host=\"0.0.0.0\" or run it with gunicorn.",
                    hit.line, app.capture
                ));
            }
        }
        return;
    }
}
