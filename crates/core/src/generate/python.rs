//! Python on `python:3.12-slim-bookworm`: dependencies installed before the sources are copied,
//! a non-root uid, and a production server (gunicorn, or uvicorn for FastAPI) bound to 0.0.0.0.

use super::dockerfile::{exec_form, healthcheck, local_url, Dockerfile};
use super::{major_minor, Context};
use crate::stack::{Framework, PackageManager, Server};

pub(super) const BASE: &str = "python:3.12-slim-bookworm";
const POETRY: &str = "poetry==1.8.5";
const PIPENV: &str = "pipenv==2024.4.0";

/// The Python Dockerfile.
pub(super) fn dockerfile(cx: &mut Context) -> String {
    let d = cx.d;
    let port = cx.port;
    let mut f = Dockerfile::default();
    f.line(format!("FROM {BASE}")).blank();
    f.comment("No .pyc files in the image, and logs reach CloudWatch as soon as they are written.")
        .env(&[
            ("PYTHONDONTWRITEBYTECODE", "1".into()),
            ("PYTHONUNBUFFERED", "1".into()),
            ("PIP_DISABLE_PIP_VERSION_CHECK", "1".into()),
            ("PORT", port.to_string()),
        ])
        .blank();
    f.line("WORKDIR /app").blank();
    install(cx, &mut f);
    f.line("COPY . .").blank();
    f.comment("A fixed uid that is not root; it needs no entry in /etc/passwd.")
        .line("USER 10001")
        .blank();
    f.line(format!("EXPOSE {port}")).blank();
    let probe = format!(
        "import urllib.request; urllib.request.urlopen('{}', timeout=4)",
        local_url(port, cx.health_path)
    );
    f.comment("Any answer below 400 is healthy; urlopen raises (exit 1) on errors and 4xx/5xx.");
    healthcheck(&mut f, &["python", "-c", &probe]);
    f.blank();
    let cmd = command(cx);
    f.line(format!("CMD {}", exec_form(&cmd)));
    cx.note("Dependencies are installed before the code is copied, so a code change rebuilds only the last layers.");
    cx.note("The app runs as uid 10001, not root; the HEALTHCHECK uses Python's urllib because the slim image has no curl.");
    if let Some((3, minor)) = d.runtime_version.as_deref().and_then(major_minor) {
        if minor > 12
            && !d
                .runtime_version
                .as_deref()
                .unwrap_or("")
                .starts_with(['>', '~', '^'])
        {
            cx.note(format!(
                "The project asks for Python 3.{minor} but the image runs 3.12: raise the FROM tag if the code needs the newer version."
            ));
        }
    }
    f.finish()
}

/// The dependency layer: manifests first, then the install, so editing code does not reinstall.
fn install(cx: &mut Context, f: &mut Dockerfile) {
    let d = cx.d;
    if cx.has_manifest("requirements.txt") {
        f.comment("Dependencies first: this layer is rebuilt only when requirements.txt changes.")
            .line("COPY requirements.txt ./")
            .line("RUN pip install --no-cache-dir -r requirements.txt")
            .blank();
        return;
    }
    match d.package_manager {
        Some(PackageManager::Poetry) => {
            let lock = if cx.has_manifest("poetry.lock") {
                " poetry.lock"
            } else {
                ""
            };
            f.comment("Dependencies first, installed into the system interpreter (no virtualenv inside a container).")
                .line(format!("COPY pyproject.toml{lock} ./"))
                .line(format!("RUN pip install --no-cache-dir {POETRY} \\"))
                .line("    && poetry config virtualenvs.create false \\")
                .line("    && poetry install --only main --no-root --no-interaction --no-ansi \\")
                .line("    && rm -rf /root/.cache/pypoetry")
                .blank();
            cx.note(format!("Poetry ({POETRY}) installs the main dependencies only; dev groups stay out of the image."));
        }
        Some(PackageManager::Pipenv) => {
            let (files, flags) = if cx.has_manifest("Pipfile.lock") {
                ("Pipfile Pipfile.lock", "--deploy")
            } else {
                cx.note("There is no Pipfile.lock, so every build resolves versions again; commit one (pipenv lock) for repeatable images.");
                ("Pipfile", "--skip-lock")
            };
            f.comment("Dependencies first, installed into the system interpreter (no virtualenv inside a container).")
                .line(format!("COPY {files} ./"))
                .line(format!("RUN pip install --no-cache-dir {PIPENV} \\"))
                .line(format!("    && pipenv install --system {flags} \\"))
                .line("    && pip uninstall --yes pipenv")
                .blank();
        }
        _ if cx.has_manifest("pyproject.toml") => {
            f.comment("Dependencies first: the [project] dependencies of pyproject.toml, read with tomllib.")
                .line("COPY pyproject.toml ./")
                .line("RUN python -c \"import tomllib; print('\\n'.join(tomllib.load(open('pyproject.toml', 'rb')).get('project', {}).get('dependencies', [])))\" > /tmp/requirements.txt \\")
                .line("    && pip install --no-cache-dir -r /tmp/requirements.txt")
                .blank();
            cx.note("pyproject.toml's dependencies are installed before the sources; the project itself runs from /app and is not pip-installed.");
        }
        _ => {
            cx.note("No requirements.txt, pyproject.toml or Pipfile was found, so nothing is installed: add a requirements.txt listing the app's packages.");
        }
    }
}

/// The CMD: a production server bound to 0.0.0.0 on the chosen port.
fn command(cx: &mut Context) -> Vec<String> {
    let d = cx.d;
    let port = cx.port;
    let bind = format!("0.0.0.0:{port}");
    let module = d.entry.clone();
    let gunicorn = |module: &str| -> Vec<String> {
        [
            "gunicorn",
            "--bind",
            &bind,
            "--workers",
            "2",
            "--access-logfile",
            "-",
            module,
        ]
        .map(String::from)
        .to_vec()
    };
    match (d.framework, d.server, module) {
        (Some(Framework::Fastapi), _, Some(m)) | (_, Some(Server::Uvicorn), Some(m)) => {
            if d.server != Some(Server::Uvicorn) {
                cx.note("FastAPI needs an ASGI server: add uvicorn to the dependencies (the CMD runs it).");
            }
            cx.note("uvicorn serves the app on 0.0.0.0; add --workers when the task has more than one vCPU.");
            [
                "uvicorn",
                &m,
                "--host",
                "0.0.0.0",
                "--port",
                &port.to_string(),
            ]
            .map(String::from)
            .to_vec()
        }
        (Some(Framework::Django), _, Some(m)) => {
            if d.server != Some(Server::Gunicorn) {
                cx.note("Django's runserver is not for production: add gunicorn to requirements.txt (the CMD runs it).");
            }
            cx.note("Django behind a load balancer: set ALLOWED_HOSTS (the health check's Host is the task's IP), DEBUG=False, and run collectstatic if you serve static files.");
            gunicorn(&m)
        }
        (_, Some(Server::Gunicorn), Some(m)) => {
            cx.note(format!("gunicorn serves {m} with 2 workers on 0.0.0.0:{port}; raise --workers with the task's vCPUs."));
            gunicorn(&m)
        }
        (_, Some(Server::Waitress), Some(m)) => {
            vec![
                "waitress-serve".into(),
                format!("--listen=0.0.0.0:{port}"),
                m,
            ]
        }
        _ => {
            let script = d
                .start_command
                .get(1)
                .cloned()
                .filter(|_| d.start_command.first().is_some_and(|c| c == "python"));
            match script {
                Some(script) => {
                    cx.note(format!("The app runs with Flask's built-in server (python {script}); for production add gunicorn to requirements.txt and Slipway will run it instead."));
                    if d.port_env.is_none() {
                        cx.note(format!("Make sure {script} listens on 0.0.0.0:{port}: the container's port is not reachable otherwise."));
                    }
                    vec!["python".into(), script]
                }
                None => {
                    cx.note("Slipway could not find the app's entry point; the CMD runs main.py as a guess: edit it.");
                    vec!["python".into(), "main.py".into()]
                }
            }
        }
    }
}
