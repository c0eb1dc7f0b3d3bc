//! Node.js: package.json (start script, main, engines, dependencies), the lockfile, the port
//! from `listen(..)` / `process.env.PORT || 3000`, and single-page apps built with Vite, Create
//! React App, Vue CLI or Angular (those become a static site served by nginx).

use super::find::{file_evidence, first_of, line_with, re, sources};
use super::folder::Folder;
use super::{health, Detection, Framework, PackageManager, StackKind};
use regex::Regex;
use serde_json::Value;
use std::sync::LazyLock;

static ENV_PORT_DEFAULT: LazyLock<Regex> =
    LazyLock::new(|| re(r#"process\.env\.PORT\s*(?:\|\||\?\?)\s*["']?(\d{2,5})"#));
static LISTEN_NUMBER: LazyLock<Regex> = LazyLock::new(|| re(r"\.listen\(\s*(\d{2,5})\b"));
static LISTEN_OBJECT: LazyLock<Regex> =
    LazyLock::new(|| re(r"\.listen\(\s*\{[^}]*\bport\s*:\s*(\d{2,5})\b"));
static PORT_CONST: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)\b(?:const|let|var)\s+port\s*(?::\s*\w+\s*)?=\s*(\d{2,5})\b"));
static PORT_FALLBACK: LazyLock<Regex> =
    LazyLock::new(|| re(r#"\bPORT\s*(?:\|\||\?\?)\s*["']?(\d{2,5})"#));
static READS_PORT_ENV: LazyLock<Regex> =
    LazyLock::new(|| re(r#"process\.env(?:\.PORT\b|\[\s*["']PORT["']\s*\])"#));

const SOURCE_SUFFIXES: &[&str] = &[".js", ".mjs", ".cjs", ".ts", ".mts", ".cts"];

/// Whether the folder is a Node.js project.
pub(crate) fn applies(folder: &Folder) -> bool {
    folder.has("package.json")
}

/// Server frameworks, most specific first, with the package that names each.
const SERVER_FRAMEWORKS: &[(&str, Framework)] = &[
    ("next", Framework::Next),
    ("@nestjs/core", Framework::Nestjs),
    ("fastify", Framework::Fastify),
    ("@hapi/hapi", Framework::Hapi),
    ("hapi", Framework::Hapi),
    ("koa", Framework::Koa),
    ("express", Framework::Express),
];

/// Reads package.json and the sources.
pub(crate) fn detect(folder: &Folder, d: &mut Detection) {
    d.stack = StackKind::Node;
    d.evidence.push(file_evidence(
        "package.json",
        "A package.json makes this a Node.js project",
    ));
    let text = folder.read("package.json").unwrap_or_default();
    let pkg = match serde_json::from_str::<Value>(&text) {
        Ok(v) if v.is_object() => v,
        Ok(_) => {
            d.warnings.push("package.json is not a JSON object; Slipway detected what it could from the other files.".into());
            Value::Null
        }
        Err(e) => {
            d.warnings.push(format!(
                "package.json is not valid JSON (line {}, column {}: {e}); Slipway detected what it could from the other files.",
                e.line(),
                e.column()
            ));
            Value::Null
        }
    };
    lockfile(folder, d);
    let script = |name: &str| pkg["scripts"][name].as_str().map(str::to_string);
    let has_dep = |name: &str| {
        pkg["dependencies"].get(name).is_some() || pkg["devDependencies"].get(name).is_some()
    };
    if let Some(v) = pkg["engines"]["node"].as_str() {
        d.runtime_version = Some(v.to_string());
    }

    let server = SERVER_FRAMEWORKS.iter().find(|(name, _)| has_dep(name));
    if let Some((name, framework)) = server {
        d.framework = Some(*framework);
        d.evidence.push(line_with(
            "package.json",
            &text,
            &format!("\"{name}\""),
            &format!("package.json depends on {name}"),
        ));
    }
    let build = script("build");
    if server.is_none() {
        if let Some(spa) = build.as_deref().and_then(|b| spa_framework(b, &has_dep)) {
            return single_page_app(folder, d, &text, spa, build.as_deref().unwrap_or(""));
        }
    }

    if build.is_some() {
        d.build_command = cmd(&["npm", "run", "build"]);
    }
    start(folder, d, &pkg);
    if d.framework == Some(Framework::Next) {
        let evidence = line_with(
            "package.json",
            &text,
            "\"next\"",
            "next start listens on 3000 unless PORT is set",
        );
        d.port_env = Some("PORT".into());
        d.set_port(3000, evidence);
    }

    let entry = d.entry.clone();
    let first: Vec<&str> = entry.as_deref().into_iter().collect();
    let code = sources(folder, &first, folder.with_suffix(SOURCE_SUFFIXES));
    if code.iter().any(|(_, t)| READS_PORT_ENV.is_match(t)) {
        d.port_env = Some("PORT".into());
    }
    if let Some(hit) = first_of(
        &code,
        &[
            &ENV_PORT_DEFAULT,
            &LISTEN_NUMBER,
            &LISTEN_OBJECT,
            &PORT_CONST,
            &PORT_FALLBACK,
        ],
    ) {
        if let Some(port) = hit.port() {
            d.set_port(port, hit.evidence(format!("The app listens on {port}")));
        }
    }
    health::detect(&code, d);
}

fn cmd(parts: &[&str]) -> Vec<String> {
    parts.iter().map(|s| s.to_string()).collect()
}

fn lockfile(folder: &Folder, d: &mut Detection) {
    let (manager, lock) = [
        (PackageManager::Npm, "package-lock.json"),
        (PackageManager::Yarn, "yarn.lock"),
        (PackageManager::Pnpm, "pnpm-lock.yaml"),
        (PackageManager::Npm, "npm-shrinkwrap.json"),
    ]
    .into_iter()
    .find(|(_, f)| folder.has(f))
    .map(|(m, f)| (m, Some(f.to_string())))
    .unwrap_or((PackageManager::Npm, None));
    d.package_manager = Some(manager);
    d.manifests.push("package.json".into());
    if let Some(lock) = &lock {
        d.manifests.push(lock.clone());
    }
    d.lockfile = lock;
}

/// The start command: `node x.js` from scripts.start when it is that simple, else `npm start`,
/// else `node <main>`, else a usual file name.
fn start(folder: &Folder, d: &mut Detection, pkg: &Value) {
    let start_script = pkg["scripts"]["start"].as_str();
    if let Some(s) = start_script {
        if let Some(file) = plain_node_script(s) {
            d.start_command = cmd(&["node", &file]);
            d.entry = Some(file);
            return;
        }
        d.start_command = cmd(&["npm", "start"]);
        if let Some(prod) = pkg["scripts"]["start:prod"]
            .as_str()
            .and_then(plain_node_script)
        {
            d.start_command = cmd(&["node", &prod]);
            d.entry = Some(prod);
        } else {
            d.entry = pkg["main"].as_str().map(str::to_string);
        }
        return;
    }
    let main = pkg["main"].as_str().map(str::to_string).or_else(|| {
        ["server.js", "index.js", "app.js", "main.js"]
            .into_iter()
            .find(|f| folder.has(f))
            .map(str::to_string)
    });
    if let Some(main) = main {
        d.start_command = cmd(&["node", &main]);
        d.entry = Some(main);
    }
}

/// `node server.js` or `node --enable-source-maps dist/main` → the script, when the command
/// is nothing more (no `&&`, pipes, variables or a second program).
fn plain_node_script(script: &str) -> Option<String> {
    if script.contains(['&', '|', ';', '$', '>', '<', '`']) {
        return None;
    }
    let mut words = script.split_whitespace();
    if words.next()? != "node" {
        return None;
    }
    let rest: Vec<&str> = words.collect();
    match rest.as_slice() {
        [file] if !file.starts_with('-') => Some(file.to_string()),
        _ => None,
    }
}

/// The SPA tool named by the build script or the dependencies.
fn spa_framework(build: &str, has_dep: &dyn Fn(&str) -> bool) -> Option<Framework> {
    if build.contains("vite") || has_dep("vite") {
        Some(Framework::Vite)
    } else if build.contains("react-scripts") {
        Some(Framework::CreateReactApp)
    } else if build.contains("vue-cli-service") {
        Some(Framework::VueCli)
    } else if build.contains("ng build") || has_dep("@angular/core") {
        Some(Framework::Angular)
    } else {
        None
    }
}

fn single_page_app(folder: &Folder, d: &mut Detection, text: &str, spa: Framework, build: &str) {
    d.stack = StackKind::Static;
    d.framework = Some(spa);
    d.evidence.push(line_with(
        "package.json",
        text,
        "\"build\"",
        &format!("The build script ({build}) produces static files: a single-page app"),
    ));
    d.build_command = cmd(&["npm", "run", "build"]);
    let output = match spa {
        Framework::CreateReactApp => "build",
        _ => "dist",
    };
    if spa == Framework::Angular {
        d.warnings.push("Angular writes its build to dist/<project>/browser; check the path in the generated Dockerfile.".into());
    }
    if folder.has_dir(output) {
        d.evidence.push(file_evidence(
            &format!("{output}/"),
            "A previous build's output is here",
        ));
    }
    d.build_output = Some(output.into());
    d.start_command = cmd(&["nginx", "-g", "daemon off;"]);
    d.entry = Some("index.html".into());
    super::web::served_by_nginx(d);
}
