use super::*;
use crate::stack::{Evidence, Framework, PackageManager, Server};

fn detection(stack: StackKind) -> Detection {
    serde_json::from_value(serde_json::json!({
        "stack": stack, "framework": null, "server": null, "runtime_version": null,
        "package_manager": null, "lockfile": null, "manifests": [], "entry": null,
        "start_command": [], "build_command": [], "build_output": null, "port": null,
        "port_evidence": null, "port_env": null, "health_path": null, "health_evidence": null,
        "has_dockerfile": false, "has_dockerignore": false, "evidence": [], "questions": [],
        "warnings": []
    }))
    .expect("a detection")
}

fn options(port: u16, health: &str) -> GenerateOptions {
    GenerateOptions {
        port,
        health_path: health.into(),
        platform: None,
    }
}

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

fn clean_lint(text: &str, port: u16) {
    let opts = crate::lint::LintOptions {
        port: Some(port),
        platform: None,
    };
    let findings = crate::lint::lint_with(text, Some(&opts)).expect("parses");
    let bad: Vec<_> = findings
        .iter()
        .filter(|f| {
            matches!(
                f.severity,
                crate::lint::Severity::Error | crate::lint::Severity::Warning
            )
        })
        .collect();
    assert!(bad.is_empty(), "{bad:?}\n{text}");
}

#[test]
fn unknown_stacks_are_refused_with_a_hint() {
    let err = generate(&detection(StackKind::Unknown), &options(8080, "/")).unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidInput);
    assert!(err.hint.contains("write the Dockerfile yourself"));
}

#[test]
fn port_zero_bad_health_paths_and_unknown_platforms_are_refused() {
    let d = detection(StackKind::Static);
    assert!(generate(&d, &options(0, "/")).is_err());
    for path in ["health", "/he alth", "/x'); import os #", "/\"", "/a\\b"] {
        let err = generate(&d, &options(80, path)).unwrap_err();
        assert_eq!(err.code, ErrorCode::InvalidInput, "{path}");
    }
    let mut o = options(8080, "/");
    o.platform = Some("windows/amd64".into());
    assert!(generate(&d, &o)
        .unwrap_err()
        .message
        .contains("windows/amd64"));
    o.platform = Some("linux/arm64".into());
    let out = generate(&d, &o).expect("arm64 is fine");
    assert!(out
        .notes
        .iter()
        .any(|n| n.contains("--platform linux/arm64")));
    assert!(
        !out.dockerfile.contains("--platform"),
        "FROM stays platform-neutral (DL3029)"
    );
}

#[test]
fn python_without_gunicorn_runs_the_script_and_recommends_gunicorn() {
    let mut d = detection(StackKind::Python);
    d.framework = Some(Framework::Flask);
    d.manifests = strings(&["requirements.txt"]);
    d.start_command = strings(&["python", "app.py"]);
    d.entry = Some("app:app".into());
    let out = generate(&d, &options(5000, "/health")).expect("generates");
    assert!(
        out.dockerfile.contains("CMD [\"python\", \"app.py\"]"),
        "{}",
        out.dockerfile
    );
    assert!(out.notes.iter().any(|n| n.contains("gunicorn")));
    clean_lint(&out.dockerfile, 5000);
}

#[test]
fn poetry_pipenv_and_pep621_install_before_the_sources() {
    for (pm, manifests, expect) in [
        (
            PackageManager::Poetry,
            vec!["pyproject.toml", "poetry.lock"],
            "COPY pyproject.toml poetry.lock ./",
        ),
        (
            PackageManager::Pipenv,
            vec!["Pipfile", "Pipfile.lock"],
            "pipenv install --system --deploy",
        ),
        (PackageManager::Pip, vec!["pyproject.toml"], "tomllib"),
    ] {
        let mut d = detection(StackKind::Python);
        d.framework = Some(Framework::Fastapi);
        d.server = Some(Server::Uvicorn);
        d.package_manager = Some(pm);
        d.manifests = strings(&manifests);
        d.entry = Some("main:app".into());
        d.start_command = strings(&["uvicorn", "main:app"]);
        let out = generate(&d, &options(8000, "/healthz")).expect("generates");
        let text = &out.dockerfile;
        assert!(text.contains(expect), "{pm:?}: {text}");
        let install = text.find("\nRUN ").expect("an install");
        assert!(install < text.find("COPY . .").expect("sources"), "{text}");
        assert!(text.contains("\"--port\", \"8000\""), "{text}");
        clean_lint(text, 8000);
    }
}

#[test]
fn node_without_a_lockfile_uses_npm_install_and_says_why() {
    let mut d = detection(StackKind::Node);
    d.package_manager = Some(PackageManager::Npm);
    d.manifests = strings(&["package.json"]);
    d.start_command = strings(&["npm", "start"]);
    let out = generate(&d, &options(3000, "/")).expect("generates");
    assert!(
        out.dockerfile.contains("RUN npm install --omit=dev"),
        "{}",
        out.dockerfile
    );
    assert!(out.notes.iter().any(|n| n.contains("no package-lock.json")));
    assert!(out.notes.iter().any(|n| n.contains("npm start")));
    clean_lint(&out.dockerfile, 3000);
}

#[test]
fn node_apps_with_a_build_script_are_built_then_pruned() {
    let mut d = detection(StackKind::Node);
    d.framework = Some(Framework::Nestjs);
    d.package_manager = Some(PackageManager::Npm);
    d.lockfile = Some("package-lock.json".into());
    d.manifests = strings(&["package.json", "package-lock.json"]);
    d.build_command = strings(&["npm", "run", "build"]);
    d.start_command = strings(&["node", "dist/main"]);
    let out = generate(&d, &options(3000, "/health")).expect("generates");
    let text = &out.dockerfile;
    assert!(text.contains("AS build"), "{text}");
    assert!(
        text.contains("RUN npm ci --no-audit"),
        "the build stage keeps dev dependencies: {text}"
    );
    assert!(
        text.contains("npm run build && npm prune --omit=dev"),
        "{text}"
    );
    assert!(text.contains("COPY --from=build /app ./"), "{text}");
    assert!(!out.dockerignore.lines().any(|l| l == "dist") || !d.build_command.is_empty());
    clean_lint(text, 3000);
}

#[test]
fn node_apps_that_run_from_dist_without_a_build_keep_dist_in_the_context() {
    let mut d = detection(StackKind::Node);
    d.manifests = strings(&["package.json"]);
    d.start_command = strings(&["node", "dist/server.js"]);
    let out = generate(&d, &options(3000, "/")).expect("generates");
    assert!(
        !out.dockerignore.lines().any(|l| l == "dist"),
        "{}",
        out.dockerignore
    );
    d.build_command = strings(&["npm", "run", "build"]);
    let out = generate(&d, &options(3000, "/")).expect("generates");
    assert!(
        out.dockerignore.lines().any(|l| l == "dist"),
        "{}",
        out.dockerignore
    );
}

#[test]
fn yarn_and_pnpm_use_their_own_frozen_installs() {
    for (pm, lock, expect) in [
        (
            PackageManager::Yarn,
            "yarn.lock",
            "yarn install --frozen-lockfile --production && yarn cache clean",
        ),
        (
            PackageManager::Pnpm,
            "pnpm-lock.yaml",
            "pnpm install --frozen-lockfile --prod",
        ),
    ] {
        let mut d = detection(StackKind::Node);
        d.package_manager = Some(pm);
        d.lockfile = Some(lock.into());
        d.manifests = strings(&["package.json", lock]);
        d.start_command = strings(&["node", "server.js"]);
        let out = generate(&d, &options(3000, "/")).expect("generates");
        assert!(out.dockerfile.contains(expect), "{}", out.dockerfile);
        assert!(out
            .dockerfile
            .contains(&format!("COPY package.json {lock} ./")));
        clean_lint(&out.dockerfile, 3000);
    }
}

#[test]
fn a_port_that_differs_from_the_code_is_a_note_unless_the_app_reads_port() {
    let mut d = detection(StackKind::Go);
    d.entry = Some(".".into());
    d.port = Some(8080);
    d.port_evidence = Some(Evidence {
        file: "main.go".into(),
        line: Some(7),
        text: "http.ListenAndServe(\":8080\", nil)".into(),
        why: String::new(),
    });
    let out = generate(&d, &options(9000, "/")).expect("generates");
    assert!(
        out.notes
            .iter()
            .any(|n| n.contains("listens on 8080 (main.go:7)")),
        "{:?}",
        out.notes
    );
    d.port_env = Some("PORT".into());
    let out = generate(&d, &options(9000, "/")).expect("generates");
    assert!(!out.notes.iter().any(|n| n.contains("main.go:7")));
    assert!(out.dockerfile.contains("ENV PORT=9000"));
}

#[test]
fn newer_toolchains_than_the_images_are_called_out() {
    let mut go = detection(StackKind::Go);
    go.runtime_version = Some("1.24".into());
    let notes = generate(&go, &options(8080, "/")).expect("go").notes;
    assert!(
        notes
            .iter()
            .any(|n| n.contains("raise the golang tag to 1.24")),
        "{notes:?}"
    );

    let mut rust = detection(StackKind::Rust);
    rust.entry = Some("svc".into());
    rust.runtime_version = Some("1.85".into());
    let notes = generate(&rust, &options(8080, "/")).expect("rust").notes;
    assert!(notes.iter().any(|n| n.contains("Rust 1.85")), "{notes:?}");

    let mut java = detection(StackKind::Java);
    java.framework = Some(Framework::SpringBoot);
    java.runtime_version = Some("23".into());
    let notes = generate(&java, &options(8080, "/")).expect("java").notes;
    assert!(notes.iter().any(|n| n.contains("Java 23")), "{notes:?}");
}

#[test]
fn rust_with_a_lockfile_builds_locked_and_rocket_gets_its_address() {
    let mut d = detection(StackKind::Rust);
    d.framework = Some(Framework::Rocket);
    d.entry = Some("svc".into());
    d.manifests = strings(&["Cargo.toml", "Cargo.lock"]);
    let out = generate(&d, &options(8000, "/")).expect("generates");
    let text = &out.dockerfile;
    assert!(text.contains("COPY Cargo.toml Cargo.lock ./"), "{text}");
    assert!(text.contains("cargo build --release --locked"), "{text}");
    assert!(text.contains("ROCKET_ADDRESS=0.0.0.0"), "{text}");
    assert!(text.contains("COPY --from=build /src/target/release/svc /usr/local/bin/svc"));
    clean_lint(text, 8000);
}

#[test]
fn gradle_builds_the_boot_jar_without_the_plain_one() {
    let mut d = detection(StackKind::Java);
    d.framework = Some(Framework::SpringBoot);
    d.package_manager = Some(PackageManager::Gradle);
    d.manifests = strings(&["build.gradle.kts", "settings.gradle.kts"]);
    d.port_env = Some("SERVER_PORT".into());
    let out = generate(&d, &options(8080, "/actuator/health")).expect("generates");
    let text = &out.dockerfile;
    assert!(
        text.starts_with("FROM gradle:8.10-jdk21 AS build"),
        "{text}"
    );
    assert!(text.contains("COPY build.gradle.kts settings.gradle.kts ./"));
    assert!(text.contains("bootJar -x test && rm -f build/libs/*-plain.jar"));
    assert!(text.contains("ENV SERVER_PORT=8080"));
    clean_lint(text, 8080);
}

#[test]
fn static_sites_on_another_port_rewrite_nginx_listen() {
    let d = detection(StackKind::Static);
    let out = generate(&d, &options(9000, "/")).expect("generates");
    assert!(out
        .dockerfile
        .contains("RUN sed -i -e 's/8080/9000/g' /etc/nginx/conf.d/default.conf"));
    assert!(out.dockerfile.contains("EXPOSE 9000"));
    clean_lint(&out.dockerfile, 9000);
}

#[test]
fn existing_docker_files_are_mentioned_in_the_notes() {
    let mut d = detection(StackKind::Static);
    d.has_dockerfile = true;
    d.has_dockerignore = true;
    let notes = generate(&d, &options(8080, "/")).expect("generates").notes;
    assert!(notes.iter().any(|n| n.contains("already has a Dockerfile")));
    assert!(notes
        .iter()
        .any(|n| n.contains("already has a .dockerignore")));
}

#[test]
fn the_dockerignore_keeps_secrets_out_but_the_env_example_in() {
    let text = generate(&detection(StackKind::Python), &options(8000, "/"))
        .expect("generates")
        .dockerignore;
    let ignore = crate::dockerignore::DockerIgnore::parse(&text).expect("valid .dockerignore");
    for excluded in [
        ".git/config",
        ".env",
        "config/.env",
        ".env.production",
        "certs/server.key",
        "tls.pem",
        "pkg/__pycache__/m.cpython-312.pyc",
        "app.pyc",
        ".venv/bin/python",
        "venv/lib/x.py",
        "Dockerfile",
    ] {
        assert!(ignore.is_excluded(excluded), "{excluded} is sent:\n{text}");
    }
    for kept in [
        ".env.example",
        "app.py",
        "requirements.txt",
        "pkg/models.py",
    ] {
        assert!(!ignore.is_excluded(kept), "{kept} is left out:\n{text}");
    }
    assert!(
        text.lines().filter(|l| l.starts_with('#')).count() >= 5,
        "every group has a comment"
    );
}

#[test]
fn version_numbers_are_read_as_projects_write_them() {
    assert_eq!(major_minor(">=18.2"), Some((18, 2)));
    assert_eq!(major_minor("^3.11"), Some((3, 11)));
    assert_eq!(major_minor("1.22.1"), Some((1, 22)));
    assert_eq!(major_minor("17"), Some((17, 0)));
    assert_eq!(major_minor("lts"), None);
}
