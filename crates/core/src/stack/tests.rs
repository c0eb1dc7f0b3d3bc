use super::*;
use std::fs;

/// A temporary app folder with the given files.
fn app(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for (path, text) in files {
        let p = dir.path().join(path);
        fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        fs::write(p, text).expect("write");
    }
    dir
}

fn detect_files(files: &[(&str, &str)]) -> Detection {
    let dir = app(files);
    detect(dir.path()).expect("detects")
}

fn topics(d: &Detection) -> Vec<QuestionTopic> {
    d.questions.iter().map(|q| q.topic).collect()
}

#[test]
fn a_missing_folder_is_path_not_found_with_a_hint() {
    let err = detect(Path::new("/no/such/slipway/folder")).unwrap_err();
    assert_eq!(err.code, ErrorCode::PathNotFound);
    assert!(!err.hint.is_empty());
}

#[test]
fn a_file_instead_of_a_folder_is_invalid_input() {
    let dir = app(&[("app.py", "print(1)\n")]);
    let err = detect(&dir.path().join("app.py")).unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidInput);
    assert!(err.message.contains("not a folder"), "{}", err.message);
}

#[test]
fn malformed_package_json_is_a_warning_and_the_code_is_still_read() {
    let d = detect_files(&[
        (
            "package.json",
            "{ \"name\": \"x\", \"scripts\": { \"start\": \"node a.js\" ",
        ),
        (
            "index.js",
            "require('http').createServer(() => {}).listen(4000);\n",
        ),
    ]);
    assert_eq!(d.stack, StackKind::Node);
    assert!(
        d.warnings
            .iter()
            .any(|w| w.contains("package.json is not valid JSON")),
        "{:?}",
        d.warnings
    );
    assert_eq!(d.start_command, ["node", "index.js"]);
    assert_eq!(d.port, Some(4000));
}

#[test]
fn malformed_pyproject_is_a_warning_and_known_names_are_still_found() {
    let d = detect_files(&[
        (
            "pyproject.toml",
            "[project\ndependencies = [\"fastapi\", \"uvicorn\"]\n",
        ),
        ("main.py", "from fastapi import FastAPI\napp = FastAPI()\n"),
    ]);
    assert_eq!(d.stack, StackKind::Python);
    assert_eq!(d.framework, Some(Framework::Fastapi));
    assert_eq!(d.server, Some(Server::Uvicorn));
    assert_eq!(d.entry.as_deref(), Some("main:app"));
    assert!(d
        .warnings
        .iter()
        .any(|w| w.contains("pyproject.toml cannot be parsed")));
}

#[test]
fn express_port_and_health_come_with_their_lines() {
    let d = detect_files(&[
        ("package.json", r#"{"scripts":{"start":"node src/index.js"},"dependencies":{"express":"^4.19.0"}}"#),
        ("package-lock.json", "{}"),
        (
            "src/index.js",
            "const express = require('express');\nconst app = express();\n// app.listen(9999)\napp.get('/api/health', (req, res) => res.json({ ok: true }));\napp.listen(8080);\n",
        ),
    ]);
    assert_eq!(d.framework, Some(Framework::Express));
    assert_eq!(d.package_manager, Some(PackageManager::Npm));
    assert_eq!(d.lockfile.as_deref(), Some("package-lock.json"));
    assert_eq!(d.manifests, ["package.json", "package-lock.json"]);
    assert_eq!(d.start_command, ["node", "src/index.js"]);
    assert_eq!(d.port, Some(8080), "the commented-out listen is skipped");
    assert_eq!(d.port_evidence.as_ref().and_then(|e| e.line), Some(5));
    assert_eq!(d.health_path.as_deref(), Some("/api/health"));
    assert_eq!(d.health_evidence.as_ref().and_then(|e| e.line), Some(4));
    assert!(d.questions.is_empty(), "{:?}", d.questions);
}

#[test]
fn fastify_object_listen_and_nullish_port_default_are_read() {
    let fastify = detect_files(&[
        ("package.json", r#"{"main":"server.js","dependencies":{"fastify":"4"}}"#),
        ("yarn.lock", ""),
        ("server.js", "const f = require('fastify')();\nf.get('/healthz', async () => 'ok');\nf.listen({ host: '0.0.0.0', port: 7000 });\n"),
    ]);
    assert_eq!(fastify.framework, Some(Framework::Fastify));
    assert_eq!(fastify.package_manager, Some(PackageManager::Yarn));
    assert_eq!(fastify.port, Some(7000));
    assert_eq!(fastify.health_path.as_deref(), Some("/healthz"));

    let nullish = detect_files(&[
        (
            "package.json",
            r#"{"scripts":{"start":"node dist/main.js","build":"tsc"},"dependencies":{"koa":"2"}}"#,
        ),
        ("pnpm-lock.yaml", ""),
        (
            "src/main.ts",
            "const PORT = Number(process.env.PORT ?? 8081);\napp.listen(PORT);\n",
        ),
    ]);
    assert_eq!(nullish.framework, Some(Framework::Koa));
    assert_eq!(nullish.package_manager, Some(PackageManager::Pnpm));
    assert_eq!(nullish.port, Some(8081));
    assert_eq!(nullish.port_env.as_deref(), Some("PORT"));
    assert_eq!(nullish.build_command, ["npm", "run", "build"]);
}

#[test]
fn a_complex_start_script_falls_back_to_npm_start() {
    let d = detect_files(&[(
        "package.json",
        r#"{"scripts":{"start":"node migrate.js && node server.js"},"dependencies":{"@nestjs/core":"10"}}"#,
    )]);
    assert_eq!(d.framework, Some(Framework::Nestjs));
    assert_eq!(d.start_command, ["npm", "start"]);
}

#[test]
fn next_apps_listen_on_3000_through_port() {
    let d = detect_files(&[(
        "package.json",
        "{\n  \"scripts\": {\"build\": \"next build\", \"start\": \"next start\"},\n  \"dependencies\": {\n    \"next\": \"14.2.0\"\n  }\n}\n",
    )]);
    assert_eq!(d.stack, StackKind::Node);
    assert_eq!(d.framework, Some(Framework::Next));
    assert_eq!(d.port, Some(3000));
    assert_eq!(d.port_evidence.as_ref().and_then(|e| e.line), Some(4));
    assert_eq!(d.build_command, ["npm", "run", "build"]);
}

#[test]
fn create_react_app_is_a_static_site_built_to_build() {
    let d = detect_files(&[
        (
            "package.json",
            r#"{"scripts":{"build":"react-scripts build"},"dependencies":{"react":"18"}}"#,
        ),
        ("build/index.html", "<html></html>"),
    ]);
    assert_eq!(d.stack, StackKind::Static);
    assert_eq!(d.framework, Some(Framework::CreateReactApp));
    assert_eq!(d.build_output.as_deref(), Some("build"));
    assert!(d.evidence.iter().any(|e| e.file == "build/"));
    assert_eq!(d.health_path.as_deref(), Some("/"));
}

#[test]
fn dependency_and_build_folders_are_never_read() {
    let d = detect_files(&[
        ("package.json", r#"{"main":"index.js"}"#),
        ("index.js", "console.log('no server here');\n"),
        (
            "node_modules/x/index.js",
            "app.listen(1234); app.get('/health')\n",
        ),
        ("dist/index.js", "app.listen(4321);\n"),
    ]);
    assert_eq!(d.port, None);
    assert_eq!(d.health_path, None);
    assert!(topics(&d).contains(&QuestionTopic::Port));
    assert!(topics(&d).contains(&QuestionTopic::HealthPath));
}

#[test]
fn files_over_one_mebibyte_are_skipped_with_a_warning() {
    let mut big = "x".repeat(folder::MAX_FILE_BYTES as usize + 10);
    big.push_str("\napp.listen(5555);\n");
    let d = detect_files(&[("package.json", r#"{"main":"big.js"}"#), ("big.js", &big)]);
    assert_eq!(d.port, None);
    assert!(
        d.warnings
            .iter()
            .any(|w| w.contains("big.js is larger than 1 MiB")),
        "{:?}",
        d.warnings
    );
}

#[test]
fn pep621_pyproject_gives_flask_with_gunicorn_and_a_factory() {
    let d = detect_files(&[
        ("pyproject.toml", "[project]\nname = \"x\"\nrequires-python = \">=3.11\"\ndependencies = [\n  \"Flask>=3\",\n  \"gunicorn\",\n]\n"),
        ("app/__init__.py", "from flask import Flask\n\ndef create_app():\n    return Flask(__name__)\n"),
        ("gunicorn.conf.py", "bind = \"0.0.0.0:8001\"\n"),
    ]);
    assert_eq!(d.framework, Some(Framework::Flask));
    assert_eq!(d.server, Some(Server::Gunicorn));
    assert_eq!(d.runtime_version.as_deref(), Some(">=3.11"));
    assert_eq!(d.entry.as_deref(), Some("app.__init__:create_app()"));
    assert_eq!(d.port, Some(8001));
    let flask = d
        .evidence
        .iter()
        .find(|e| e.text.contains("Flask>=3"))
        .expect("flask evidence");
    assert_eq!(flask.line, Some(5));
}

#[test]
fn poetry_projects_use_poetry_and_its_lockfile() {
    let d = detect_files(&[
        ("pyproject.toml", "[tool.poetry]\nname = \"x\"\n[tool.poetry.dependencies]\npython = \"^3.12\"\nfastapi = \"^0.110\"\nuvicorn = \"^0.29\"\n"),
        ("poetry.lock", ""),
        ("src/api.py", "from fastapi import FastAPI\napi = FastAPI()\n@api.get(\"/ping\")\ndef ping():\n    return 'pong'\n"),
    ]);
    assert_eq!(d.package_manager, Some(PackageManager::Poetry));
    assert_eq!(d.lockfile.as_deref(), Some("poetry.lock"));
    assert_eq!(d.manifests, ["pyproject.toml", "poetry.lock"]);
    assert_eq!(d.entry.as_deref(), Some("src.api:api"));
    assert_eq!(d.health_path.as_deref(), Some("/ping"));
    assert_eq!(d.runtime_version.as_deref(), Some("^3.12"));
}

#[test]
fn flask_run_without_host_warns_that_it_listens_on_localhost() {
    let d = detect_files(&[
        ("requirements.txt", "flask==3.0.0\n"),
        ("app.py", "from flask import Flask\napp = Flask(__name__)\nif __name__ == '__main__':\n    app.run(port=5001)\n"),
    ]);
    assert_eq!(d.start_command, ["python", "app.py"]);
    assert_eq!(d.port, Some(5001));
    assert!(
        d.warnings.iter().any(|w| w.contains("127.0.0.1")),
        "{:?}",
        d.warnings
    );
}

#[test]
fn go_gin_on_a_literal_port_in_cmd() {
    let d = detect_files(&[
        ("go.mod", "module example.com/x\n\ngo 1.21\n\nrequire github.com/gin-gonic/gin v1.9.1\n"),
        ("go.sum", ""),
        ("cmd/api/main.go", "package main\n\nfunc main() {\n\tr := gin.Default()\n\tr.GET(\"/health\", h)\n\tr.Run(\":9090\")\n}\n"),
    ]);
    assert_eq!(d.stack, StackKind::Go);
    assert_eq!(d.framework, Some(Framework::Gin));
    assert_eq!(d.runtime_version.as_deref(), Some("1.21"));
    assert_eq!(d.entry.as_deref(), Some("./cmd/api"));
    assert_eq!(d.manifests, ["go.mod", "go.sum"]);
    assert_eq!(d.port, Some(9090));
    assert_eq!(d.port_evidence.as_ref().and_then(|e| e.line), Some(6));
    assert_eq!(d.health_path.as_deref(), Some("/health"));
}

#[test]
fn spring_yaml_port_with_an_env_placeholder() {
    let d = detect_files(&[
        ("build.gradle.kts", "plugins { id(\"org.springframework.boot\") version \"3.3.0\" }\njava { toolchain { languageVersion = JavaLanguageVersion.of(21) } }\n"),
        ("settings.gradle.kts", "rootProject.name = \"x\"\n"),
        ("src/main/resources/application.yml", "spring:\n  application:\n    name: x\nserver:\n  # the port\n  port: ${PORT:9000}\n"),
    ]);
    assert_eq!(d.stack, StackKind::Java);
    assert_eq!(d.package_manager, Some(PackageManager::Gradle));
    assert_eq!(d.framework, Some(Framework::SpringBoot));
    assert_eq!(d.runtime_version.as_deref(), Some("21"));
    assert_eq!(d.port, Some(9000));
    assert_eq!(d.port_env.as_deref(), Some("PORT"));
    assert_eq!(d.port_evidence.as_ref().and_then(|e| e.line), Some(6));
    assert_eq!(d.manifests, ["build.gradle.kts", "settings.gradle.kts"]);
    assert!(
        topics(&d).contains(&QuestionTopic::HealthPath),
        "no actuator, no route"
    );
}

#[test]
fn spring_without_server_port_listens_on_8080() {
    let d = detect_files(&[(
        "pom.xml",
        "<project>\n<parent><artifactId>spring-boot-starter-parent</artifactId><version>3.3.0</version></parent>\n<artifactId>shop</artifactId>\n<version>1.2.0</version>\n<finalName>${project.artifactId}</finalName>\n</project>\n",
    )]);
    assert_eq!(d.port, Some(8080));
    assert_eq!(d.port_env.as_deref(), Some("SERVER_PORT"));
    assert_eq!(d.build_output.as_deref(), Some("target/shop-1.2.0.jar"));
}

#[test]
fn rust_bind_string_and_the_binary_name() {
    let d = detect_files(&[
        ("Cargo.toml", "[package]\nname = \"svc\"\nedition = \"2024\"\n\n[[bin]]\nname = \"server\"\npath = \"src/main.rs\"\n\n[dependencies]\nactix-web = \"4\"\n"),
        ("Cargo.lock", ""),
        ("src/main.rs", "HttpServer::new(app).bind((\"0.0.0.0\", 8088))?.run().await\n.route(\"/healthz\", web::get().to(h))\n"),
    ]);
    assert_eq!(d.framework, Some(Framework::ActixWeb));
    assert_eq!(d.entry.as_deref(), Some("server"));
    assert_eq!(d.runtime_version.as_deref(), Some("1.85"));
    assert_eq!(d.lockfile.as_deref(), Some("Cargo.lock"));
    assert_eq!(d.port, Some(8088));
    assert_eq!(d.health_path.as_deref(), Some("/healthz"));
}

#[test]
fn an_existing_dockerfile_expose_is_port_evidence_when_the_code_has_none() {
    let d = detect_files(&[
        ("requirements.txt", "django\n"),
        ("manage.py", ""),
        ("Dockerfile", "FROM python:3.12\n# EXPOSE 1\nEXPOSE 8000\n"),
        (".dockerignore", ".git\n"),
    ]);
    assert!(d.has_dockerfile && d.has_dockerignore);
    assert_eq!(d.port, Some(8000));
    let e = d.port_evidence.expect("evidence");
    assert_eq!((e.file.as_str(), e.line), ("Dockerfile", Some(3)));
}

#[test]
fn a_dockerfile_that_disagrees_with_the_code_is_a_warning() {
    let d = detect_files(&[
        ("go.mod", "module x\n"),
        (
            "main.go",
            "package main\nfunc main() { http.ListenAndServe(\":8080\", nil) }\n",
        ),
        ("Dockerfile", "FROM golang:1.23\nEXPOSE 3000\n"),
    ]);
    assert_eq!(d.port, Some(8080));
    assert!(
        d.warnings.iter().any(|w| w.contains("exposes 3000")),
        "{:?}",
        d.warnings
    );
}

#[test]
fn a_second_stack_in_the_folder_is_a_warning() {
    let d = detect_files(&[
        ("requirements.txt", "flask\n"),
        ("package.json", r#"{"devDependencies":{"tailwindcss":"3"}}"#),
    ]);
    assert_eq!(d.stack, StackKind::Python);
    assert!(
        d.warnings
            .iter()
            .any(|w| w.contains("also has package.json")),
        "{:?}",
        d.warnings
    );
}

#[test]
fn detection_serializes_with_snake_case_enums() {
    let d = detect_files(&[
        ("requirements.txt", "fastapi\nuvicorn\n"),
        ("main.py", "app = FastAPI()\n"),
    ]);
    let json = serde_json::to_value(&d).expect("json");
    assert_eq!(json["stack"], "python");
    assert_eq!(json["framework"], "fastapi");
    assert_eq!(json["server"], "uvicorn");
    assert_eq!(json["questions"][0]["topic"], "port");
}

#[test]
fn routes_and_ports_in_tests_are_not_the_apps() {
    let d = detect_files(&[
        ("package.json", r#"{"main":"server.js"}"#),
        (
            "server.js",
            "require('http').createServer(h).listen(process.env.PORT || 3000);\n",
        ),
        (
            "test/server.test.js",
            "request(app).get('/health'); app.listen(9999);\n",
        ),
        ("src/api.spec.ts", "it('pings', () => get('/ping'));\n"),
    ]);
    assert_eq!(d.port, Some(3000));
    assert_eq!(d.health_path, None);
}

#[test]
fn only_the_flask_apps_own_run_call_is_checked_for_its_host() {
    let d = detect_files(&[
        ("requirements.txt", "flask\n"),
        (
            "app.py",
            "import subprocess\nfrom flask import Flask\nsubprocess.run(['true'])\napp = Flask(__name__)\napp.run(host='0.0.0.0', port=5000)\n",
        ),
    ]);
    assert!(d.warnings.is_empty(), "{:?}", d.warnings);
}

#[test]
fn rust_port_from_a_bind_string_or_a_port_variable_default() {
    let literal = detect_files(&[
        (
            "Cargo.toml",
            "[package]\nname = \"w\"\n[dependencies]\nwarp = \"0.3\"\n",
        ),
        (
            "src/main.rs",
            "fn main() {\n    let l = TcpListener::bind(\"0.0.0.0:8090\").await?;\n}\n",
        ),
    ]);
    assert_eq!(literal.framework, Some(Framework::Warp));
    assert_eq!(literal.port, Some(8090));
    assert_eq!(literal.port_evidence.as_ref().and_then(|e| e.line), Some(2));

    let env = detect_files(&[
        ("Cargo.toml", "[package]\nname = \"a\"\n[dependencies]\naxum = \"0.7\"\n"),
        (
            "src/main.rs",
            "let port: u16 = std::env::var(\"PORT\")\n    .ok()\n    .and_then(|p| p.parse().ok())\n    .unwrap_or(7070);\nlet addr = SocketAddr::from(([0, 0, 0, 0], port));\n",
        ),
    ]);
    assert_eq!(env.port, Some(7070));
    assert_eq!(env.port_env.as_deref(), Some("PORT"));
    assert_eq!(env.port_evidence.as_ref().and_then(|e| e.line), Some(4));
}

#[test]
fn pipfile_apps_use_pipenv_and_waitress() {
    let d = detect_files(&[
        ("Pipfile", "[packages]\nflask = \"*\"\nwaitress = \"*\"\n\n[requires]\npython_version = \"3.12\"\n"),
        ("Pipfile.lock", "{}"),
        ("wsgi.py", "from flask import Flask\napplication = Flask(__name__)\n"),
    ]);
    assert_eq!(d.package_manager, Some(PackageManager::Pipenv));
    assert_eq!(d.manifests, ["Pipfile", "Pipfile.lock"]);
    assert_eq!(d.server, Some(Server::Waitress));
    assert_eq!(d.runtime_version.as_deref(), Some("3.12"));
    assert_eq!(d.start_command, ["waitress-serve", "wsgi:application"]);
}

#[test]
fn vue_cli_and_angular_builds_are_single_page_apps() {
    let vue = detect_files(&[(
        "package.json",
        r#"{"scripts":{"build":"vue-cli-service build"},"dependencies":{"vue":"3"}}"#,
    )]);
    assert_eq!(
        (vue.stack, vue.framework),
        (StackKind::Static, Some(Framework::VueCli))
    );
    let angular = detect_files(&[(
        "package.json",
        r#"{"scripts":{"build":"ng build"},"dependencies":{"@angular/core":"18"}}"#,
    )]);
    assert_eq!(angular.framework, Some(Framework::Angular));
    assert!(angular
        .warnings
        .iter()
        .any(|w| w.contains("dist/<project>/browser")));
}
