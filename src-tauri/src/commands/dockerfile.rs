//! Step 1, the Dockerfile studio: detect the stack, preview generated files with their diffs,
//! write them only as confirmed, edit and lint the Dockerfile, and the project's spec.

use serde::Deserialize;
use slipway_core::lint::{Finding, LintOptions};
use slipway_core::project::resolve_project_dir;
use slipway_core::spec::{ProjectSpec, SPEC_FILE};
use slipway_core::stack::Detection;
use slipway_core::{ErrorBody, ErrorCode};
use slipway_engine::project::{self, InitChoices, InitPlan};
use ts_rs::TS;

/// What the person chose in the generate form (each empty field: take what the code shows).
#[derive(Debug, Clone, Default, Deserialize, TS)]
pub struct InitForm {
    pub name: Option<String>,
    pub port: Option<u16>,
    pub health_path: Option<String>,
    pub platform: Option<String>,
}

impl From<InitForm> for InitChoices {
    fn from(f: InitForm) -> Self {
        let keep = |s: Option<String>| s.filter(|v| !v.trim().is_empty());
        InitChoices {
            name: keep(f.name),
            port: f.port,
            health_path: keep(f.health_path),
            platform: keep(f.platform),
        }
    }
}

#[tauri::command]
pub async fn detect_stack(path: String) -> Result<Detection, ErrorBody> {
    let dir = resolve_project_dir(&path)?;
    tauri::async_runtime::spawn_blocking(move || slipway_core::stack::detect(&dir))
        .await
        .map_err(join_error)?
}

#[tauri::command]
pub async fn plan_init(path: String, form: InitForm) -> Result<InitPlan, ErrorBody> {
    let dir = resolve_project_dir(&path)?;
    tauri::async_runtime::spawn_blocking(move || project::plan_init(&dir, &form.into()))
        .await
        .map_err(join_error)?
}

/// Writes the files the person confirmed. The plan is made again here from the same choices
/// (the UI's copy is never trusted), and a file that would replace different content is only
/// written when it is named in `overwrite`.
#[tauri::command]
pub async fn write_init(
    path: String,
    form: InitForm,
    files: Vec<String>,
    overwrite: Vec<String>,
) -> Result<Vec<String>, ErrorBody> {
    let dir = resolve_project_dir(&path)?;
    tauri::async_runtime::spawn_blocking(move || {
        let plan = project::plan_init(&dir, &form.into())?;
        project::write_init(&plan, Some(&files), &overwrite)
    })
    .await
    .map_err(join_error)?
}

/// A file of the project as text, or null when it does not exist.
#[tauri::command]
pub async fn read_project_file(path: String, name: String) -> Result<Option<String>, ErrorBody> {
    let dir = resolve_project_dir(&path)?;
    let file = inside(&dir, &name)?;
    match std::fs::read_to_string(&file) {
        Ok(t) => Ok(Some(t)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(ErrorBody::new(
            ErrorCode::PathNotFound,
            format!("Cannot read {}: {e}", file.display()),
            "Check that you can read the file.",
        )),
    }
}

/// Saves an edited file. `expected` is what the editor loaded (null for a new file): when the
/// file on disk differs from it, someone else changed it and nothing is written.
#[tauri::command]
pub async fn save_project_file(
    path: String,
    name: String,
    text: String,
    expected: Option<String>,
) -> Result<(), ErrorBody> {
    let dir = resolve_project_dir(&path)?;
    let file = inside(&dir, &name)?;
    let on_disk = std::fs::read_to_string(&file).ok();
    if on_disk != expected {
        return Err(ErrorBody::new(
            ErrorCode::WouldOverwrite,
            format!("{name} changed on disk since it was opened; nothing was saved."),
            "Reload the file to see the other change, then make yours again.",
        ));
    }
    project::write_project_file(&dir, &name, &text)
}

fn inside(dir: &std::path::Path, name: &str) -> Result<std::path::PathBuf, ErrorBody> {
    if name.is_empty()
        || std::path::Path::new(name).is_absolute()
        || name.split(['/', '\\']).any(|c| c == "..")
    {
        return Err(ErrorBody::new(
            ErrorCode::InvalidInput,
            format!("'{name}' is not a file inside the project folder."),
            "Use a relative name such as Dockerfile.",
        ));
    }
    Ok(dir.join(name))
}

#[tauri::command]
pub async fn lint_dockerfile(
    text: String,
    port: Option<u16>,
    platform: Option<String>,
) -> Result<Vec<Finding>, ErrorBody> {
    if text.len() > 1024 * 1024 {
        return Err(ErrorBody::new(
            ErrorCode::InvalidInput,
            "The Dockerfile is larger than 1 MiB.",
            "A Dockerfile this big is almost certainly the wrong file.",
        ));
    }
    slipway_core::lint::lint_with(&text, Some(&LintOptions { port, platform }))
}

#[tauri::command]
pub async fn load_spec(path: String) -> Result<ProjectSpec, ErrorBody> {
    let dir = resolve_project_dir(&path)?;
    project::load_spec(&dir)
}

/// Validates and saves slipway.toml (atomically).
#[tauri::command]
pub async fn save_spec(path: String, spec: ProjectSpec) -> Result<ProjectSpec, ErrorBody> {
    let dir = resolve_project_dir(&path)?;
    let text = spec.to_toml();
    let checked = ProjectSpec::parse(&text)?;
    project::write_project_file(&dir, SPEC_FILE, &text)?;
    Ok(checked)
}

pub(crate) fn join_error(e: impl std::fmt::Display) -> ErrorBody {
    ErrorBody::new(
        ErrorCode::Internal,
        format!("A background task failed: {e}"),
        "Try again; if it keeps failing, the log file in Settings says more.",
    )
}
