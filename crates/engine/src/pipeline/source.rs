//! The S3 source: the project folder as a zip, honouring `.gitignore` (git's rules, nested
//! files included) and the app folder's `.dockerignore` (Docker's rules), without `.git`. The
//! archive is deterministic (sorted entries, fixed times and modes), so its SHA-256 changes only
//! when the content does and a plan can tell whether there is anything new to upload.

use slipway_core::buildspec::generate as generate_buildspec;
use slipway_core::dockerignore::DockerIgnore;
use slipway_core::gitignore::{GitIgnore, GitIgnoreStack};
use slipway_core::plan::pipeline::SourceArchive;
use slipway_core::spec::{ProjectSpec, BUILDSPEC_FILE};
use slipway_core::{ErrorBody, ErrorCode};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// An archive larger than this is refused (CodePipeline's S3 source reads at most 5 GB, and a
/// context this big is almost always a folder that should be ignored).
pub const MAX_SOURCE_BYTES: u64 = 512 * 1024 * 1024;

fn io_error(path: &Path, e: std::io::Error) -> ErrorBody {
    ErrorBody::new(
        ErrorCode::PathNotFound,
        format!("Cannot read {}: {e}", path.display()),
        "Check that the project folder and its files are readable.",
    )
}

/// One file the archive holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    /// Slash path inside the archive.
    pub path: String,
    pub full: PathBuf,
    pub executable: bool,
    pub size: u64,
}

/// The files of the project folder the S3 source uploads, sorted by path.
pub fn source_files(dir: &Path, spec: &ProjectSpec) -> Result<Vec<SourceFile>, ErrorBody> {
    let app = spec.app.path.trim_matches('/').trim_start_matches("./");
    let app = if app == "." { "" } else { app };
    let ignore_path = dir.join(app).join(".dockerignore");
    let docker = match std::fs::read_to_string(&ignore_path) {
        Ok(t) => DockerIgnore::for_build(&t, &spec.app.dockerfile)?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => DockerIgnore::default(),
        Err(e) => return Err(io_error(&ignore_path, e)),
    };
    let mut out = Vec::new();
    let mut total = 0u64;
    walk(
        dir,
        "",
        &GitIgnoreStack::default(),
        app,
        &docker,
        &mut out,
        &mut total,
    )?;
    out.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(out)
}

/// The path relative to the app folder, when `path` is inside it.
fn in_app<'a>(path: &'a str, app: &str) -> Option<&'a str> {
    if app.is_empty() {
        Some(path)
    } else {
        path.strip_prefix(app)?.strip_prefix('/')
    }
}

fn walk(
    root: &Path,
    rel: &str,
    parent: &GitIgnoreStack,
    app: &str,
    docker: &DockerIgnore,
    out: &mut Vec<SourceFile>,
    total: &mut u64,
) -> Result<(), ErrorBody> {
    let here = if rel.is_empty() {
        root.to_path_buf()
    } else {
        root.join(rel)
    };
    let mut git = parent.clone();
    let gi = here.join(".gitignore");
    match std::fs::read_to_string(&gi) {
        Ok(t) => git.push(GitIgnore::parse(rel, &t)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(io_error(&gi, e)),
    }
    let mut entries: Vec<(String, PathBuf)> = Vec::new();
    for entry in std::fs::read_dir(&here).map_err(|e| io_error(&here, e))? {
        let entry = entry.map_err(|e| io_error(&here, e))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        entries.push((name, entry.path()));
    }
    entries.sort();
    for (name, full) in entries {
        if name == ".git" {
            continue;
        }
        let path = if rel.is_empty() {
            name.clone()
        } else {
            format!("{rel}/{name}")
        };
        let link = std::fs::symlink_metadata(&full).map_err(|e| io_error(&full, e))?;
        // A link to a folder could loop; a link to a file is archived as the file.
        let meta = match std::fs::metadata(&full) {
            Ok(m) => m,
            Err(_) => continue,
        };
        let is_dir = meta.is_dir();
        if is_dir && link.file_type().is_symlink() {
            continue;
        }
        if git.is_ignored(&path, is_dir) {
            continue;
        }
        let docker_excluded = in_app(&path, app).is_some_and(|p| docker.is_excluded(p));
        if is_dir {
            // An excluded folder is entered only when a `!` line might take something back.
            if !docker_excluded || docker.has_exclusions() {
                walk(root, &path, &git, app, docker, out, total)?;
            }
            continue;
        }
        if docker_excluded || !meta.is_file() {
            continue;
        }
        *total += meta.len();
        if *total > MAX_SOURCE_BYTES {
            return Err(ErrorBody::new(
                ErrorCode::InvalidInput,
                format!(
                    "The project folder holds more than {} MB to upload (reached at {path}).",
                    MAX_SOURCE_BYTES / 1024 / 1024
                ),
                "Add the big folders (node_modules, target, data, build output) to .gitignore or .dockerignore; `slipway context ls` shows what a build sends.",
            ));
        }
        #[cfg(unix)]
        let executable = {
            use std::os::unix::fs::PermissionsExt;
            meta.permissions().mode() & 0o111 != 0
        };
        #[cfg(not(unix))]
        let executable = false;
        out.push(SourceFile {
            path,
            full,
            executable,
            size: meta.len(),
        });
    }
    Ok(())
}

/// Zips the project's source into `into` (a folder for Slipway's scratch files) and returns
/// the archive. When the project has no buildspec.yml, Slipway's is added at the root.
pub fn zip_source(dir: &Path, spec: &ProjectSpec, into: &Path) -> Result<SourceArchive, ErrorBody> {
    use sha2::Digest;
    let files = source_files(dir, spec)?;
    std::fs::create_dir_all(into).map_err(|e| io_error(into, e))?;
    let scratch = into.join(format!("{}-{}.zip.part", spec.app.name, std::process::id()));
    let write_err = |e: &dyn std::fmt::Display| {
        ErrorBody::new(
            ErrorCode::Internal,
            format!("Cannot write the source archive {}: {e}", scratch.display()),
            "Check that the temporary folder is writable and the disk is not full.",
        )
    };
    let file = std::fs::File::create(&scratch).map_err(|e| write_err(&e))?;
    let mut zip = zip::ZipWriter::new(file);
    let options = |exec: bool| {
        zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .last_modified_time(zip::DateTime::default())
            .unix_permissions(if exec { 0o755 } else { 0o644 })
    };
    let has_buildspec = files.iter().any(|f| f.path == BUILDSPEC_FILE);
    let mut entries: Vec<(String, Option<&SourceFile>)> =
        files.iter().map(|f| (f.path.clone(), Some(f))).collect();
    if !has_buildspec {
        entries.push((BUILDSPEC_FILE.to_string(), None));
        entries.sort_by(|a, b| a.0.cmp(&b.0));
    }
    let generated = generate_buildspec(spec);
    let mut buf = Vec::new();
    for (path, f) in entries {
        zip.start_file(path.as_str(), options(f.is_some_and(|f| f.executable)))
            .map_err(|e| write_err(&e))?;
        match f {
            Some(f) => {
                buf.clear();
                std::fs::File::open(&f.full)
                    .and_then(|mut r| r.read_to_end(&mut buf))
                    .map_err(|e| io_error(&f.full, e))?;
                zip.write_all(&buf).map_err(|e| write_err(&e))?;
            }
            None => zip
                .write_all(generated.as_bytes())
                .map_err(|e| write_err(&e))?,
        }
    }
    zip.finish().map_err(|e| write_err(&e))?;
    let mut hasher = sha2::Sha256::new();
    let mut reader = std::fs::File::open(&scratch).map_err(|e| io_error(&scratch, e))?;
    let bytes = std::io::copy(&mut reader, &mut hasher).map_err(|e| io_error(&scratch, e))?;
    let sha256: String = hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let path = into.join(format!("{}-{}.zip", spec.app.name, &sha256[..16]));
    std::fs::rename(&scratch, &path).map_err(|e| write_err(&e))?;
    Ok(SourceArchive {
        file: path.display().to_string(),
        sha256,
        bytes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (path, text) in files {
            let p = dir.path().join(path);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        }
        dir
    }

    fn spec(extra: &str) -> ProjectSpec {
        ProjectSpec::parse(&format!(
            "[app]\nname = \"shop\"\nport = 8080\n{extra}[pipeline.source]\nkind = \"s3\"\n"
        ))
        .unwrap()
    }

    fn paths(dir: &Path, s: &ProjectSpec) -> Vec<String> {
        source_files(dir, s)
            .unwrap()
            .into_iter()
            .map(|f| f.path)
            .collect()
    }

    #[test]
    fn gitignore_and_dockerignore_both_leave_files_out() {
        let dir = project(&[
            ("Dockerfile", "FROM x"),
            ("slipway.toml", ""),
            (".gitignore", "node_modules/\n*.log\n"),
            (".dockerignore", "secrets\n"),
            ("src/app.js", "x"),
            ("src/debug.log", "x"),
            ("node_modules/a/index.js", "x"),
            ("web/node_modules/b.js", "x"),
            ("secrets/key", "x"),
            (".git/HEAD", "ref"),
            ("docs/.gitignore", "draft.md\n"),
            ("docs/draft.md", "x"),
            ("docs/final.md", "x"),
        ]);
        assert_eq!(
            paths(dir.path(), &spec("")),
            vec![
                ".dockerignore",
                ".gitignore",
                "Dockerfile",
                "docs/.gitignore",
                "docs/final.md",
                "slipway.toml",
                "src/app.js"
            ]
        );
    }

    #[test]
    fn the_dockerignore_of_a_subfolder_app_applies_inside_it_only() {
        let dir = project(&[
            ("slipway.toml", ""),
            ("tmp/notes", "x"),
            ("api/Dockerfile", "FROM x"),
            ("api/.dockerignore", "tmp\n"),
            ("api/tmp/cache", "x"),
            ("api/main.go", "x"),
        ]);
        assert_eq!(
            paths(dir.path(), &spec("path = \"api\"\n")),
            vec![
                "api/.dockerignore",
                "api/Dockerfile",
                "api/main.go",
                "slipway.toml",
                "tmp/notes"
            ]
        );
    }

    #[test]
    fn the_archive_is_deterministic_and_carries_a_buildspec() {
        let dir = project(&[("Dockerfile", "FROM x"), ("app.py", "print(1)")]);
        let out = tempfile::tempdir().unwrap();
        let a = zip_source(dir.path(), &spec(""), out.path()).unwrap();
        std::thread::sleep(std::time::Duration::from_millis(1100));
        std::fs::write(dir.path().join("app.py"), "print(1)").unwrap();
        let b = zip_source(dir.path(), &spec(""), out.path()).unwrap();
        assert_eq!(
            a.sha256, b.sha256,
            "a touched file with the same content changes nothing"
        );
        std::fs::write(dir.path().join("app.py"), "print(2)").unwrap();
        let c = zip_source(dir.path(), &spec(""), out.path()).unwrap();
        assert_ne!(a.sha256, c.sha256);

        let mut z = zip::ZipArchive::new(std::fs::File::open(&c.file).unwrap()).unwrap();
        let names: Vec<String> = (0..z.len())
            .map(|i| z.by_index(i).unwrap().name().unwrap().into_owned())
            .collect();
        assert_eq!(names, vec!["Dockerfile", "app.py", "buildspec.yml"]);
        let mut text = String::new();
        z.by_name("buildspec.yml")
            .unwrap()
            .read_to_string(&mut text)
            .unwrap();
        slipway_core::buildspec::check(&text, "shop").unwrap();
    }
}
