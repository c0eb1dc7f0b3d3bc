//! A project folder and its spec: reading slipway.toml, and `init` (detect the stack, generate a
//! Dockerfile and .dockerignore, write the spec) without ever overwriting a person's file that
//! they have not seen the diff of.

use serde::Serialize;
use slipway_core::atomic::write_atomic;
use slipway_core::generate::{generate, GenerateOptions};
use slipway_core::spec::{AppSpec, AwsSpec, ImageSpec, ProjectSpec, SPEC_FILE};
use slipway_core::stack::{detect, Detection};
use slipway_core::textdiff::{diff_lines, DiffLine};
use slipway_core::{ErrorBody, ErrorCode};
use std::path::{Path, PathBuf};
use ts_rs::TS;

/// Reads and validates `slipway.toml` in `dir`.
pub fn load_spec(dir: &Path) -> Result<ProjectSpec, ErrorBody> {
    let path = dir.join(SPEC_FILE);
    let text = std::fs::read_to_string(&path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            ErrorBody::new(
                ErrorCode::SpecInvalid,
                format!("{} has no {SPEC_FILE} yet.", dir.display()),
                "Run `slipway init` in the folder (or open it in Slipway's Dockerfile step) to create it.",
            )
        } else {
            ErrorBody::new(
                ErrorCode::PathNotFound,
                format!("Cannot read {}: {e}", path.display()),
                "Check that the file exists and that you can read it.",
            )
        }
    })?;
    ProjectSpec::parse(&text)
}

/// What the person decides at init (each `None` is taken from what the code shows).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InitChoices {
    pub name: Option<String>,
    pub port: Option<u16>,
    pub health_path: Option<String>,
    pub platform: Option<String>,
}

/// One file init would write.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ProposedFile {
    /// The name inside the project folder: `Dockerfile`, `.dockerignore`, `slipway.toml`.
    pub name: String,
    /// What the file holds now, if it exists.
    pub current: Option<String>,
    pub proposed: String,
    /// Line by line, current against proposed (empty when the file is new).
    pub diff: Vec<DiffLine>,
    /// Whether writing it replaces different content the person has.
    pub overwrites: bool,
}

/// Everything init would do, for the person to look at before anything is written.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct InitPlan {
    pub dir: String,
    pub detection: Detection,
    pub options: GenerateOptions,
    pub files: Vec<ProposedFile>,
    /// Why the files look the way they do.
    pub notes: Vec<String>,
}

/// A name for the app from the folder: lowercase letters, digits and single hyphens.
pub fn app_name_from_folder(dir: &Path) -> String {
    let raw = dir
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let mut name = String::new();
    for c in raw.chars() {
        let c = if c.is_ascii_lowercase() || c.is_ascii_digit() {
            c
        } else {
            '-'
        };
        if c == '-' && (name.is_empty() || name.ends_with('-')) {
            continue;
        }
        name.push(c);
    }
    let mut name = name.trim_end_matches('-').to_string();
    if !name.starts_with(|c: char| c.is_ascii_lowercase()) {
        name = format!("app-{name}").trim_end_matches('-').to_string();
    }
    name.truncate(32);
    name.trim_end_matches('-').to_string()
}

fn proposed(dir: &Path, name: &str, text: String) -> ProposedFile {
    let current = std::fs::read_to_string(dir.join(name)).ok();
    let overwrites = current.as_deref().is_some_and(|c| c != text);
    let diff = match &current {
        Some(c) => diff_lines(c, &text),
        None => Vec::new(),
    };
    ProposedFile {
        name: name.to_string(),
        current,
        proposed: text,
        diff,
        overwrites,
    }
}

/// Detects the stack and prepares the files. Fails when the code does not show the port and
/// the person did not give one (the UI asks; the CLI takes `--port`).
pub fn plan_init(dir: &Path, choices: &InitChoices) -> Result<InitPlan, ErrorBody> {
    let detection = detect(dir)?;
    let port = choices.port.or(detection.port).ok_or_else(|| {
        ErrorBody::new(
            ErrorCode::InvalidInput,
            "The code does not show which port the app listens on.",
            "Give the port (the number in your app's listen/run call), e.g. `slipway init --port 8080`.",
        )
    })?;
    let health_path = choices
        .health_path
        .clone()
        .or_else(|| detection.health_path.clone())
        .unwrap_or_else(|| "/".into());
    let options = GenerateOptions {
        port,
        health_path: health_path.clone(),
        platform: choices.platform.clone(),
    };
    let generated = generate(&detection, &options)?;
    let existing_spec = load_spec(dir).ok();
    let name = choices
        .name
        .clone()
        .or_else(|| existing_spec.as_ref().map(|s| s.app.name.clone()))
        .unwrap_or_else(|| app_name_from_folder(dir));
    let mut spec = existing_spec.unwrap_or(ProjectSpec {
        app: AppSpec {
            name: name.clone(),
            path: ".".into(),
            dockerfile: "Dockerfile".into(),
            port,
            health_path: health_path.clone(),
        },
        aws: AwsSpec::default(),
        image: ImageSpec::default(),
        service: Default::default(),
        network: Default::default(),
        pipeline: None,
    });
    spec.app.name = name;
    spec.app.port = port;
    spec.app.health_path = health_path;
    if let Some(p) = &choices.platform {
        spec.image.platform = p.clone();
    }
    if let Some(first) = spec.problems().first() {
        return Err(ErrorBody::new(
            ErrorCode::InvalidInput,
            format!("{}: {}", first.field, first.message),
            "Choose another value; app names are lowercase letters, digits and hyphens.",
        ));
    }
    // An existing Dockerfile is the person's: it is only replaced when they ask.
    let files = vec![
        proposed(dir, "Dockerfile", generated.dockerfile),
        proposed(dir, ".dockerignore", generated.dockerignore),
        proposed(dir, SPEC_FILE, spec.to_toml()),
    ];
    Ok(InitPlan {
        dir: dir.display().to_string(),
        detection,
        options,
        files,
        notes: generated.notes,
    })
}

/// Writes the plan's files (atomically, each through a temporary file). A file that would
/// replace different content is written only when its name is in `overwrite`; otherwise the
/// whole write is refused before anything changes.
pub fn write_init(
    plan: &InitPlan,
    only: Option<&[String]>,
    overwrite: &[String],
) -> Result<Vec<String>, ErrorBody> {
    let dir = PathBuf::from(&plan.dir);
    let chosen: Vec<&ProposedFile> = plan
        .files
        .iter()
        .filter(|f| only.is_none_or(|names| names.iter().any(|n| n == &f.name)))
        .collect();
    if let Some(f) = chosen
        .iter()
        .find(|f| f.overwrites && !overwrite.iter().any(|n| n == &f.name))
    {
        return Err(ErrorBody::new(
            ErrorCode::WouldOverwrite,
            format!(
                "{} already exists with different content; nothing was written.",
                f.name
            ),
            format!(
                "Look at the diff first, then confirm replacing it (`slipway init --force {}`), or keep yours.",
                f.name
            ),
        ));
    }
    let mut written = Vec::new();
    for f in chosen {
        if f.current.as_deref() == Some(f.proposed.as_str()) {
            continue;
        }
        write_project_file(&dir, &f.name, &f.proposed)?;
        written.push(f.name.clone());
    }
    Ok(written)
}

/// Writes one file inside the project folder atomically; `name` must stay inside it.
pub fn write_project_file(dir: &Path, name: &str, text: &str) -> Result<(), ErrorBody> {
    if name.is_empty()
        || Path::new(name).is_absolute()
        || name.split(['/', '\\']).any(|c| c == "..")
    {
        return Err(ErrorBody::new(
            ErrorCode::InvalidInput,
            format!("'{name}' is not a file name inside the project folder."),
            "Use a relative name such as Dockerfile or docker/Dockerfile.",
        ));
    }
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| write_error(&path, e))?;
    }
    write_atomic(&path, text.as_bytes()).map_err(|e| write_error(&path, e))
}

fn write_error(path: &Path, e: std::io::Error) -> ErrorBody {
    ErrorBody::new(
        ErrorCode::PathNotFound,
        format!("Cannot write {}: {e}", path.display()),
        "Check that the folder is writable and the disk is not full; the old file was left as it was.",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node_app() -> tempfile::TempDir {
        let dir = tempfile::Builder::new()
            .prefix("Shop API_")
            .tempdir()
            .unwrap();
        std::fs::write(
            dir.path().join("package.json"),
            r#"{"name":"shop","scripts":{"start":"node server.js"}}"#,
        )
        .unwrap();
        std::fs::write(
            dir.path().join("server.js"),
            "const http = require('http');\nhttp.createServer((q, s) => s.end('ok')).listen(process.env.PORT || 3000);\n",
        )
        .unwrap();
        dir
    }

    #[test]
    fn folder_names_become_valid_app_names() {
        assert_eq!(
            app_name_from_folder(Path::new("/x/Shop API_v2")),
            "shop-api-v2"
        );
        assert_eq!(app_name_from_folder(Path::new("/x/2048")), "app-2048");
        assert_eq!(app_name_from_folder(Path::new("/x/---")), "app");
        let long =
            app_name_from_folder(Path::new("/x/a-very-long-folder-name-that-goes-on-and-on"));
        assert!(long.len() <= 32 && !long.ends_with('-'), "{long}");
    }

    #[test]
    fn init_writes_new_files_and_refuses_to_replace_a_persons_dockerfile() {
        let dir = node_app();
        let plan = plan_init(dir.path(), &InitChoices::default()).unwrap();
        assert_eq!(plan.options.port, 3000);
        let written = write_init(&plan, None, &[]).unwrap();
        assert_eq!(written, vec!["Dockerfile", ".dockerignore", SPEC_FILE]);
        let spec = load_spec(dir.path()).unwrap();
        assert_eq!(spec.app.port, 3000);
        assert!(spec.app.name.starts_with("shop-api"), "{}", spec.app.name);

        // The person edits the Dockerfile; a new init shows the diff and will not overwrite.
        std::fs::write(dir.path().join("Dockerfile"), "FROM mine\n").unwrap();
        let plan = plan_init(
            dir.path(),
            &InitChoices {
                port: Some(8080),
                ..Default::default()
            },
        )
        .unwrap();
        let df = &plan.files[0];
        assert!(df.overwrites);
        assert!(!df.diff.is_empty());
        let err = write_init(&plan, None, &[]).unwrap_err();
        assert_eq!(err.code, ErrorCode::WouldOverwrite);
        assert_eq!(
            std::fs::read_to_string(dir.path().join("Dockerfile")).unwrap(),
            "FROM mine\n",
            "nothing is written when one file is refused"
        );
        assert_eq!(load_spec(dir.path()).unwrap().app.port, 3000);
        // The spec changes too (port 3000 → 8080): both replacements must be confirmed.
        let err = write_init(&plan, None, &["Dockerfile".to_string()]).unwrap_err();
        assert!(err.message.contains(SPEC_FILE), "{}", err.message);
        write_init(
            &plan,
            None,
            &["Dockerfile".to_string(), SPEC_FILE.to_string()],
        )
        .unwrap();
        assert_eq!(load_spec(dir.path()).unwrap().app.port, 8080);
        assert!(std::fs::read_to_string(dir.path().join("Dockerfile"))
            .unwrap()
            .contains("EXPOSE 8080"));
    }

    #[test]
    fn without_a_port_in_the_code_init_asks_for_one() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("requirements.txt"), "flask\n").unwrap();
        std::fs::write(
            dir.path().join("app.py"),
            "from flask import Flask\napp = Flask(__name__)\n",
        )
        .unwrap();
        let plan = plan_init(dir.path(), &InitChoices::default());
        if let Err(err) = &plan {
            assert!(err.hint.contains("--port"), "{}", err.hint);
        }
        let plan = plan_init(
            dir.path(),
            &InitChoices {
                port: Some(5000),
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(plan.options.port, 5000);
    }

    #[test]
    fn files_outside_the_project_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        for bad in ["../x", "/etc/passwd", ""] {
            let err = write_project_file(dir.path(), bad, "x").unwrap_err();
            assert_eq!(err.code, ErrorCode::InvalidInput, "{bad}");
        }
    }
}
