//! Differential test: what `slipway context ls` says is sent must be exactly what the real
//! `docker build` (the classic builder) receives, on a tree full of .dockerignore corner cases.

use std::path::Path;
use std::process::Command;

fn write(root: &Path, rel: &str, body: &str) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, body).unwrap();
}

const TREE: &[&str] = &[
    "app.py",
    "requirements.txt",
    "README.md",
    "README-internal.md",
    "CHANGELOG.md",
    "build/out.js",
    "build/keep/me.txt",
    "src/build/ok.py",
    "src/main.go",
    "cmd/tool/main.go",
    "node_modules/left-pad/index.js",
    "src/node_modules/x.js",
    "logs/2026/app.log",
    "logsx/a.txt",
    "docs/guide.txt",
    "docs/keep.txt",
    "temp",
    "tempa",
    "dir/temporary.txt",
    "dir/sub/temp.txt",
    "file1.txt",
    "filex.txt",
    "a+b(c).txt",
    ".env",
    ".git/HEAD",
    "secret/key.pem",
    "nested/secret/key.pem",
    "weird name with spaces.txt",
    "ünïcode.txt",
];

const IGNORE: &str = "\
# what a tricky project might say
/build
!build/keep
node_modules
**/*.go
logs/**
*.md
!README*.md
README-internal.md
docs
!docs/keep.txt
temp?
*/temp*
file[0-9].txt
a+b(c).txt
.git
.env
**/secret
";

/// Lines that exclude the build files themselves: Docker still sends them (the builder needs
/// them) and then hides them from COPY; `context ls` lists what is sent.
const EXCLUDE_BUILD_FILES: &str = "Dockerfile\n.dockerignore\n";

/// Builds a tree with `ignore` as its .dockerignore and returns (ours, what COPY received).
fn compare(ignore: &str) -> (Vec<String>, Vec<String>) {
    let dir = tempfile::tempdir().unwrap();
    for rel in TREE {
        write(dir.path(), rel, rel);
    }
    std::os::unix::fs::symlink("app.py", dir.path().join("link-to-app")).unwrap();
    write(dir.path(), ".dockerignore", ignore);
    write(
        dir.path(),
        "Dockerfile",
        "FROM slipway/base:practice\nCOPY . /ctx\nRUN cd /ctx && find . \\( -type f -o -type l \\) | sed 's|^\\./|CTX:|' | sort\n",
    );

    let ours = slipway_docker::context::list_context(dir.path(), "Dockerfile").unwrap();

    let tag = format!("slipway-test/context-diff:{}", std::process::id());
    let out = Command::new("docker")
        .args(["build", "--no-cache", "--rm", "-t", &tag, "."])
        .current_dir(dir.path())
        .env("DOCKER_BUILDKIT", "0")
        .output()
        .expect("the docker CLI runs");
    let log = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "docker build failed:\n{log}");
    let _ = Command::new("docker").args(["rmi", "-f", &tag]).output();
    let mut docker: Vec<String> = log
        .lines()
        .filter_map(|l| l.trim().strip_prefix("CTX:"))
        .map(str::to_string)
        .collect();
    docker.sort();
    assert!(
        docker.len() > 10,
        "the build listed what it received: {log}"
    );
    (ours, docker)
}

#[test]
fn context_ls_matches_what_docker_build_receives() {
    let (ours, docker) = compare(IGNORE);
    assert_eq!(ours, docker, "ours (left) vs docker build (right)");
    // A few facts worth stating on their own, so a regression reads clearly.
    for sent in [
        "Dockerfile",
        ".dockerignore",
        "README.md",
        "build/keep/me.txt",
        "docs/keep.txt",
        "src/build/ok.py",
        "link-to-app",
        "temp",
    ] {
        assert!(ours.contains(&sent.to_string()), "{sent} must be sent");
    }
    for kept_out in [
        "build/out.js",
        "src/main.go",
        "cmd/tool/main.go",
        "README-internal.md",
        ".env",
        "nested/secret/key.pem",
        "tempa",
    ] {
        assert!(
            !ours.contains(&kept_out.to_string()),
            "{kept_out} must not be sent"
        );
    }
}

#[test]
fn excluded_build_files_are_still_sent_but_hidden_from_copy() {
    let (ours, docker) = compare(&format!("{IGNORE}{EXCLUDE_BUILD_FILES}"));
    assert!(
        ours.contains(&"Dockerfile".to_string()) && ours.contains(&".dockerignore".to_string())
    );
    let visible: Vec<String> = ours
        .into_iter()
        .filter(|p| p != "Dockerfile" && p != ".dockerignore")
        .collect();
    assert_eq!(
        visible, docker,
        "ours without the build files (left) vs docker build (right)"
    );
}

#[test]
fn a_broken_dockerignore_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), ".dockerignore", "ok\n[unclosed\n");
    let err = slipway_docker::context::list_context(dir.path(), "Dockerfile").unwrap_err();
    let body = slipway_core::ErrorBody::from(&err);
    assert!(body.message.contains("line 2"), "{}", body.message);
}

#[test]
fn a_missing_folder_is_a_clear_error() {
    let err =
        slipway_docker::context::list_context(Path::new("/no/such/slipway/dir"), "Dockerfile")
            .unwrap_err();
    let body = slipway_core::ErrorBody::from(&err);
    assert_eq!(body.code, slipway_core::ErrorCode::PathNotFound);
}
