//! Stack detection and Dockerfile generation on the fixture apps in tests/apps: each app is
//! detected as expected (with evidence lines), and every generated Dockerfile is clean under
//! Slipway's linter and hadolint, exposes the port, runs as non-root, uses exec form, and copies
//! its dependency manifests before its sources.

use slipway_core::generate::{generate, GenerateOptions, GeneratedFiles};
use slipway_core::lint::{lint_with, LintOptions, Severity};
use slipway_core::stack::{detect, Detection, Framework, QuestionTopic, Server, StackKind};
use slipway_core::ErrorCode;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn apps() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/apps")
}

/// What detection must find in one fixture app; lines are 1-based.
struct Expected {
    app: &'static str,
    stack: StackKind,
    framework: Option<Framework>,
    port: Option<(u16, &'static str, Option<u32>)>,
    health: Option<(&'static str, &'static str, Option<u32>)>,
}

const EXPECTED: &[Expected] = &[
    Expected {
        app: "flask-app",
        stack: StackKind::Python,
        framework: Some(Framework::Flask),
        port: Some((5000, "app.py", Some(28))),
        health: Some(("/health", "app.py", Some(22))),
    },
    Expected {
        app: "node-app",
        stack: StackKind::Node,
        framework: None,
        port: Some((3000, "server.js", Some(5))),
        health: Some(("/health", "server.js", Some(17))),
    },
    Expected {
        app: "fastapi-app",
        stack: StackKind::Python,
        framework: Some(Framework::Fastapi),
        port: Some((8000, "main.py", Some(22))),
        health: Some(("/healthz", "main.py", Some(16))),
    },
    Expected {
        app: "django-app",
        stack: StackKind::Python,
        framework: Some(Framework::Django),
        port: None,
        health: Some(("/health/", "mysite/urls.py", Some(15))),
    },
    Expected {
        app: "go-app",
        stack: StackKind::Go,
        framework: None,
        port: Some((8080, "main.go", Some(15))),
        health: Some(("/healthz", "main.go", Some(21))),
    },
    Expected {
        app: "spring-app",
        stack: StackKind::Java,
        framework: Some(Framework::SpringBoot),
        port: Some((8081, "src/main/resources/application.properties", Some(2))),
        health: Some(("/actuator/health", "pom.xml", Some(26))),
    },
    Expected {
        app: "rust-app",
        stack: StackKind::Rust,
        framework: Some(Framework::Axum),
        port: Some((3000, "src/main.rs", Some(11))),
        health: Some(("/health", "src/main.rs", Some(10))),
    },
    Expected {
        app: "static-site",
        stack: StackKind::Static,
        framework: None,
        port: Some((8080, "index.html", None)),
        health: Some(("/", "index.html", None)),
    },
    Expected {
        app: "vite-spa",
        stack: StackKind::Static,
        framework: Some(Framework::Vite),
        port: Some((8080, "index.html", None)),
        health: Some(("/", "index.html", None)),
    },
];

fn detected(app: &str) -> Detection {
    detect(&apps().join(app)).unwrap_or_else(|e| panic!("{app}: {e:?}"))
}

/// The options a person would confirm: what was detected, or the suggested answer.
fn confirmed(d: &Detection) -> GenerateOptions {
    let suggested = |topic: QuestionTopic| {
        d.questions
            .iter()
            .find(|q| q.topic == topic)
            .and_then(|q| q.suggestion.clone())
    };
    GenerateOptions {
        port: d
            .port
            .or_else(|| suggested(QuestionTopic::Port).and_then(|p| p.parse().ok()))
            .expect("a port or a suggested one"),
        health_path: d
            .health_path
            .clone()
            .or_else(|| suggested(QuestionTopic::HealthPath))
            .expect("a health path or a suggested one"),
        platform: None,
    }
}

fn generated(app: &str) -> (Detection, GenerateOptions, GeneratedFiles) {
    let d = detected(app);
    let options = confirmed(&d);
    let files = generate(&d, &options).unwrap_or_else(|e| panic!("{app}: {e:?}"));
    (d, options, files)
}

/// A Dockerfile's instructions: continuation lines joined, comments and blank lines dropped.
fn instructions(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut current = String::new();
    for line in text.lines() {
        let t = line.trim();
        if current.is_empty() && (t.is_empty() || t.starts_with('#')) {
            continue;
        }
        match t.strip_suffix('\\') {
            Some(head) => {
                current.push_str(head.trim_end());
                current.push(' ');
            }
            None => {
                current.push_str(t);
                let (keyword, args) = current.split_once(' ').unwrap_or((&current, ""));
                out.push((keyword.to_ascii_uppercase(), args.trim().to_string()));
                current.clear();
            }
        }
    }
    out
}

/// The instructions of the last stage.
fn final_stage(text: &str) -> Vec<(String, String)> {
    let all = instructions(text);
    let start = all.iter().rposition(|(k, _)| k == "FROM").expect("a FROM");
    all[start..].to_vec()
}

fn hadolint() -> PathBuf {
    let venv = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.venv/bin/hadolint");
    if venv.exists() {
        venv
    } else {
        PathBuf::from("hadolint")
    }
}

#[test]
fn each_fixture_app_is_detected_with_its_stack_framework_port_and_health_path() {
    for e in EXPECTED {
        let d = detected(e.app);
        assert_eq!(d.stack, e.stack, "{}", e.app);
        assert_eq!(d.framework, e.framework, "{}", e.app);
        assert!(
            !d.evidence.is_empty(),
            "{}: no evidence for the stack",
            e.app
        );
        assert!(d.warnings.is_empty(), "{}: {:?}", e.app, d.warnings);
        match e.port {
            Some((port, file, line)) => {
                assert_eq!(d.port, Some(port), "{}", e.app);
                let ev = d.port_evidence.as_ref().expect("port evidence");
                assert_eq!(
                    (ev.file.as_str(), ev.line),
                    (file, line),
                    "{}: {ev:?}",
                    e.app
                );
            }
            None => {
                assert_eq!(d.port, None, "{}", e.app);
                assert!(d.questions.iter().any(|q| q.topic == QuestionTopic::Port));
            }
        }
        match e.health {
            Some((path, file, line)) => {
                assert_eq!(d.health_path.as_deref(), Some(path), "{}", e.app);
                let ev = d.health_evidence.as_ref().expect("health evidence");
                assert_eq!(
                    (ev.file.as_str(), ev.line),
                    (file, line),
                    "{}: {ev:?}",
                    e.app
                );
            }
            None => assert_eq!(d.health_path, None, "{}", e.app),
        }
        assert!(
            !d.questions
                .iter()
                .any(|q| q.topic == QuestionTopic::EntryPoint),
            "{}: the entry point was found",
            e.app
        );
    }
}

#[test]
fn python_apps_name_their_server_and_entry_module() {
    let flask = detected("flask-app");
    assert_eq!(flask.server, Some(Server::Gunicorn));
    assert_eq!(flask.entry.as_deref(), Some("app:app"));
    assert_eq!(flask.port_env.as_deref(), Some("PORT"));
    assert_eq!(flask.manifests, ["requirements.txt"]);
    let fastapi = detected("fastapi-app");
    assert_eq!(fastapi.server, Some(Server::Uvicorn));
    assert_eq!(fastapi.start_command, ["uvicorn", "main:app"]);
    let django = detected("django-app");
    assert_eq!(django.entry.as_deref(), Some("mysite.wsgi:application"));
    let port = django
        .questions
        .iter()
        .find(|q| q.topic == QuestionTopic::Port)
        .expect("asks for the port");
    assert_eq!(port.suggestion.as_deref(), Some("8000"));
}

#[test]
fn node_go_java_and_rust_apps_name_what_starts() {
    let node = detected("node-app");
    assert_eq!(node.start_command, ["node", "server.js"]);
    assert_eq!(node.lockfile.as_deref(), Some("package-lock.json"));
    assert_eq!(node.runtime_version.as_deref(), Some(">=18"));
    let go = detected("go-app");
    assert_eq!(go.entry.as_deref(), Some("."));
    assert_eq!(go.runtime_version.as_deref(), Some("1.22"));
    assert_eq!(go.manifests, ["go.mod"]);
    let spring = detected("spring-app");
    assert_eq!(spring.runtime_version.as_deref(), Some("17"));
    assert_eq!(
        spring.build_output.as_deref(),
        Some("target/demo-0.0.1-SNAPSHOT.jar")
    );
    let rust = detected("rust-app");
    assert_eq!(rust.entry.as_deref(), Some("rust-app"));
    let spa = detected("vite-spa");
    assert_eq!(spa.build_command, ["npm", "run", "build"]);
    assert_eq!(spa.build_output.as_deref(), Some("dist"));
}

#[test]
fn an_empty_folder_is_unknown_and_asks_for_stack_port_and_health_path() {
    let dir = tempfile::tempdir().expect("temp dir");
    let d = detect(dir.path()).expect("an empty folder is not an error");
    assert_eq!(d.stack, StackKind::Unknown);
    let topics: Vec<_> = d.questions.iter().map(|q| q.topic).collect();
    assert_eq!(
        topics,
        [
            QuestionTopic::Stack,
            QuestionTopic::Port,
            QuestionTopic::HealthPath
        ]
    );
    assert!(d.questions[0].prompt.contains("package.json"));
    let err = generate(
        &d,
        &GenerateOptions {
            port: 8080,
            health_path: "/".into(),
            platform: None,
        },
    )
    .unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidInput);
}

#[test]
fn generated_dockerfiles_have_no_lint_error_or_warning() {
    for e in EXPECTED {
        let (_, options, files) = generated(e.app);
        let serious = slipway_serious(&files.dockerfile, options.port);
        assert!(
            serious.is_empty(),
            "{}: {serious:#?}\n{}",
            e.app,
            files.dockerfile
        );
    }
}

/// hadolint's error and warning findings on `text`, one line each.
fn hadolint_serious(text: &str) -> Vec<String> {
    let tool = hadolint();
    let mut child = Command::new(&tool)
        .args(["--no-fail", "--format", "json", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap_or_else(|err| {
            panic!(
                "cannot run hadolint at {} ({err}); run scripts/setup",
                tool.display()
            )
        });
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().expect("stdin");
        stdin.write_all(text.as_bytes()).expect("write to hadolint");
    }
    let out = child.wait_with_output().expect("hadolint output");
    let findings: Vec<serde_json::Value> =
        serde_json::from_slice(&out.stdout).expect("hadolint JSON");
    findings
        .iter()
        .filter(|f| f["level"] == "error" || f["level"] == "warning")
        .map(|f| format!("{} line {}: {}", f["code"], f["line"], f["message"]))
        .collect()
}

/// Slipway's own error and warning findings on `text`, for a service on `port`.
fn slipway_serious(text: &str, port: u16) -> Vec<String> {
    lint_with(
        text,
        Some(&LintOptions {
            port: Some(port),
            platform: None,
        }),
    )
    .unwrap_or_else(|err| panic!("{err:?}\n{text}"))
    .into_iter()
    .filter(|f| matches!(f.severity, Severity::Error | Severity::Warning))
    .map(|f| format!("{} line {}: {}", f.rule, f.line, f.message))
    .collect()
}

#[test]
fn generated_dockerfiles_have_no_hadolint_error_or_warning() {
    for e in EXPECTED {
        let (_, _, files) = generated(e.app);
        let serious = hadolint_serious(&files.dockerfile);
        assert!(
            serious.is_empty(),
            "{}: {serious:#?}\n{}",
            e.app,
            files.dockerfile
        );
    }
}

/// A detection built by hand, for the template branches the fixture apps do not reach.
fn variant(stack: StackKind, edit: impl FnOnce(&mut Detection)) -> Detection {
    let mut d = detected("static-site");
    d.stack = stack;
    d.framework = None;
    d.entry = None;
    d.start_command.clear();
    d.port = None;
    d.port_evidence = None;
    edit(&mut d);
    d
}

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

#[test]
fn every_template_branch_is_clean_under_both_linters() {
    use slipway_core::stack::PackageManager;
    let variants: Vec<(&str, Detection)> = vec![
        (
            "poetry",
            variant(StackKind::Python, |d| {
                d.package_manager = Some(PackageManager::Poetry);
                d.manifests = strings(&["pyproject.toml", "poetry.lock"]);
                d.framework = Some(Framework::Fastapi);
                d.server = Some(Server::Uvicorn);
                d.entry = Some("main:app".into());
            }),
        ),
        (
            "pipenv without a lock",
            variant(StackKind::Python, |d| {
                d.package_manager = Some(PackageManager::Pipenv);
                d.manifests = strings(&["Pipfile"]);
                d.server = Some(Server::Waitress);
                d.entry = Some("app:app".into());
            }),
        ),
        (
            "pep 621",
            variant(StackKind::Python, |d| {
                d.package_manager = Some(PackageManager::Pip);
                d.manifests = strings(&["pyproject.toml"]);
                d.framework = Some(Framework::Flask);
                d.start_command = strings(&["python", "app.py"]);
            }),
        ),
        (
            "python with nothing known",
            variant(StackKind::Python, |_| {}),
        ),
        (
            "nest with a build",
            variant(StackKind::Node, |d| {
                d.package_manager = Some(PackageManager::Npm);
                d.lockfile = Some("package-lock.json".into());
                d.manifests = strings(&["package.json", "package-lock.json"]);
                d.build_command = strings(&["npm", "run", "build"]);
                d.start_command = strings(&["node", "dist/main"]);
            }),
        ),
        (
            "yarn",
            variant(StackKind::Node, |d| {
                d.package_manager = Some(PackageManager::Yarn);
                d.lockfile = Some("yarn.lock".into());
                d.manifests = strings(&["package.json", "yarn.lock"]);
                d.start_command = strings(&["npm", "start"]);
            }),
        ),
        (
            "pnpm",
            variant(StackKind::Node, |d| {
                d.package_manager = Some(PackageManager::Pnpm);
                d.lockfile = Some("pnpm-lock.yaml".into());
                d.manifests = strings(&["package.json", "pnpm-lock.yaml"]);
            }),
        ),
        (
            "go with go.sum in cmd/",
            variant(StackKind::Go, |d| {
                d.manifests = strings(&["go.mod", "go.sum"]);
                d.entry = Some("./cmd/api".into());
                d.start_command = strings(&["/api"]);
            }),
        ),
        (
            "gradle spring",
            variant(StackKind::Java, |d| {
                d.package_manager = Some(PackageManager::Gradle);
                d.framework = Some(Framework::SpringBoot);
                d.manifests = strings(&["build.gradle", "settings.gradle"]);
            }),
        ),
        (
            "maven without a jar name",
            variant(StackKind::Java, |d| {
                d.package_manager = Some(PackageManager::Maven);
                d.manifests = strings(&["pom.xml"]);
            }),
        ),
        (
            "rocket with a lockfile",
            variant(StackKind::Rust, |d| {
                d.framework = Some(Framework::Rocket);
                d.manifests = strings(&["Cargo.toml", "Cargo.lock"]);
                d.entry = Some("svc".into());
            }),
        ),
        (
            "spa with a lockfile",
            variant(StackKind::Static, |d| {
                d.package_manager = Some(PackageManager::Npm);
                d.lockfile = Some("package-lock.json".into());
                d.manifests = strings(&["package.json", "package-lock.json"]);
                d.build_command = strings(&["npm", "run", "build"]);
                d.build_output = Some("build".into());
            }),
        ),
    ];
    for (name, d) in variants {
        for port in [8080, 9000] {
            let options = GenerateOptions {
                port,
                health_path: "/healthz".into(),
                platform: Some("linux/arm64".into()),
            };
            let files = generate(&d, &options).unwrap_or_else(|e| panic!("{name}: {e:?}"));
            let text = &files.dockerfile;
            let ours = slipway_serious(text, port);
            assert!(ours.is_empty(), "{name} on {port}: {ours:#?}\n{text}");
            let theirs = hadolint_serious(text);
            assert!(theirs.is_empty(), "{name} on {port}: {theirs:#?}\n{text}");
            assert!(text.contains(&format!("EXPOSE {port}")), "{name}: {text}");
        }
    }
}

#[test]
fn generated_dockerfiles_expose_the_port_run_as_non_root_and_use_exec_form() {
    for e in EXPECTED {
        let (_, options, files) = generated(e.app);
        let last = final_stage(&files.dockerfile);
        let exposed: Vec<&str> = last
            .iter()
            .filter(|(k, _)| k == "EXPOSE")
            .map(|(_, a)| a.as_str())
            .collect();
        assert_eq!(exposed, [options.port.to_string()], "{}", e.app);
        let user = last
            .iter()
            .rev()
            .find(|(k, _)| k == "USER")
            .map(|(_, a)| a.split(':').next().unwrap_or("").to_string())
            .unwrap_or_else(|| panic!("{}: no USER in the final stage", e.app));
        assert!(user != "root" && user != "0", "{}: USER {user}", e.app);
        let cmd = last
            .iter()
            .rev()
            .find(|(k, _)| k == "CMD")
            .unwrap_or_else(|| panic!("{}: no CMD", e.app));
        let args: Vec<String> = serde_json::from_str(&cmd.1)
            .unwrap_or_else(|err| panic!("{}: CMD {} is not exec form: {err}", e.app, cmd.1));
        assert!(!args.is_empty(), "{}", e.app);
        if let Some(health) = last.iter().find(|(k, _)| k == "HEALTHCHECK") {
            let url = format!("http://127.0.0.1:{}{}", options.port, options.health_path);
            assert!(
                health.1.contains(&url),
                "{}: {} has no {url}",
                e.app,
                health.1
            );
        }
    }
}

#[test]
fn manifests_are_copied_before_the_sources() {
    for e in EXPECTED {
        let (d, _, files) = generated(e.app);
        let all = instructions(&files.dockerfile);
        let sources = all
            .iter()
            .position(|(k, a)| k == "COPY" && a.starts_with(". "))
            .unwrap_or_else(|| panic!("{}: no COPY of the sources", e.app));
        for manifest in &d.manifests {
            let copied = all
                .iter()
                .position(|(k, a)| k == "COPY" && a.split_whitespace().any(|w| w == manifest))
                .unwrap_or_else(|| panic!("{}: {manifest} is never copied", e.app));
            assert!(
                copied < sources,
                "{}: {manifest} is copied after the sources\n{}",
                e.app,
                files.dockerfile
            );
        }
    }
}

#[test]
fn base_images_are_the_pinned_ones() {
    let froms = |app: &str| -> Vec<String> {
        instructions(&generated(app).2.dockerfile)
            .into_iter()
            .filter(|(k, _)| k == "FROM")
            .map(|(_, a)| a.split_whitespace().next().unwrap_or("").to_string())
            .collect()
    };
    assert_eq!(froms("flask-app"), ["python:3.12-slim-bookworm"]);
    assert_eq!(froms("node-app"), ["node:22-bookworm-slim"]);
    assert_eq!(
        froms("go-app"),
        [
            "golang:1.23-bookworm",
            "gcr.io/distroless/static-debian12:nonroot"
        ]
    );
    assert_eq!(
        froms("spring-app"),
        [
            "maven:3.9-eclipse-temurin-21",
            "eclipse-temurin:21-jre-jammy"
        ]
    );
    assert_eq!(
        froms("rust-app"),
        ["rust:1.83-slim-bookworm", "debian:bookworm-slim"]
    );
    assert_eq!(
        froms("static-site"),
        ["nginxinc/nginx-unprivileged:1.27-alpine"]
    );
    assert_eq!(
        froms("vite-spa"),
        [
            "node:22-bookworm-slim",
            "nginxinc/nginx-unprivileged:1.27-alpine"
        ]
    );
}

#[test]
fn flask_app_runs_under_gunicorn_with_a_python_healthcheck() {
    let (_, _, files) = generated("flask-app");
    let text = &files.dockerfile;
    for needle in [
        "PYTHONDONTWRITEBYTECODE=1",
        "PYTHONUNBUFFERED=1",
        "RUN pip install --no-cache-dir -r requirements.txt",
        "USER 10001",
        "urllib.request.urlopen('http://127.0.0.1:5000/health'",
        r#"CMD ["gunicorn", "--bind", "0.0.0.0:5000", "--workers", "2", "--access-logfile", "-", "app:app"]"#,
    ] {
        assert!(text.contains(needle), "missing {needle}:\n{text}");
    }
    assert!(!files.notes.is_empty());
}

#[test]
fn fastapi_runs_uvicorn_and_django_runs_gunicorn_on_its_wsgi_module() {
    let fastapi = generated("fastapi-app").2.dockerfile;
    assert!(
        fastapi.contains(r#"CMD ["uvicorn", "main:app", "--host", "0.0.0.0", "--port", "8000"]"#),
        "{fastapi}"
    );
    let (_, _, django) = generated("django-app");
    assert!(
        django
            .dockerfile
            .contains(r#""0.0.0.0:8000", "--workers", "2", "--access-logfile", "-", "mysite.wsgi:application"]"#),
        "{}",
        django.dockerfile
    );
    assert!(django.notes.iter().any(|n| n.contains("ALLOWED_HOSTS")));
}

#[test]
fn node_app_installs_production_dependencies_and_runs_node_as_the_node_user() {
    let (_, _, files) = generated("node-app");
    let text = &files.dockerfile;
    for needle in [
        "NODE_ENV=production",
        "COPY package.json package-lock.json ./",
        "RUN npm ci --omit=dev",
        "USER node",
        "require('http').get('http://127.0.0.1:3000/health'",
        r#"CMD ["node", "server.js"]"#,
    ] {
        assert!(text.contains(needle), "missing {needle}:\n{text}");
    }
    assert!(
        !text.contains("AS build"),
        "no build script, no build stage"
    );
    let ignore = &files.dockerignore;
    assert!(ignore.lines().any(|l| l == "**/node_modules"), "{ignore}");
}

#[test]
fn compiled_stacks_build_in_a_separate_stage_and_explain_the_missing_healthcheck() {
    for app in ["go-app", "spring-app", "rust-app"] {
        let (_, _, files) = generated(app);
        assert_eq!(
            instructions(&files.dockerfile)
                .iter()
                .filter(|(k, _)| k == "FROM")
                .count(),
            2,
            "{app}"
        );
        assert!(!files.dockerfile.contains("HEALTHCHECK"), "{app}");
        assert!(
            files.notes.iter().any(|n| n.contains("No HEALTHCHECK")),
            "{app}: {:?}",
            files.notes
        );
    }
    let spring = generated("spring-app").2.dockerfile;
    assert!(spring.contains("ENV SERVER_PORT=8081"), "{spring}");
    assert!(spring.contains("cp target/demo-0.0.1-SNAPSHOT.jar /out/app.jar"));
}

#[test]
fn the_spa_is_built_with_node_and_served_by_nginx() {
    let (_, _, files) = generated("vite-spa");
    let text = &files.dockerfile;
    assert!(text.contains("RUN npm run build"), "{text}");
    assert!(text.contains("COPY --from=build /src/dist /usr/share/nginx/html"));
    assert!(text.contains("try_files $uri $uri/ /index.html;"));
    assert!(files.dockerignore.lines().any(|l| l == "dist"));
    let site = generated("static-site").2.dockerfile;
    assert!(site.contains("COPY . /usr/share/nginx/html/"), "{site}");
}

#[test]
fn generation_is_deterministic() {
    for e in EXPECTED {
        assert_eq!(generated(e.app).2, generated(e.app).2, "{}", e.app);
    }
}
