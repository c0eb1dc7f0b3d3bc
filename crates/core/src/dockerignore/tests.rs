use super::*;

fn rules(text: &str) -> DockerIgnore {
    DockerIgnore::parse(text).unwrap()
}

#[test]
fn cleans_paths_like_go() {
    assert_eq!(clean_path("a//b/./c/.."), "a/b");
    assert_eq!(clean_path("/../x"), "/x");
    assert_eq!(clean_path("../x"), "../x");
    assert_eq!(clean_path("./"), ".");
    assert_eq!(clean_path("dir/"), "dir");
}

#[test]
fn docker_documentation_examples() {
    let r = rules("# comment\n*/temp*\n*/*/temp*\ntemp?\n");
    assert!(r.is_excluded("somedir/temporary.txt"));
    assert!(r.is_excluded("somedir/temp"));
    assert!(r.is_excluded("somedir/subdir/temporary.txt"));
    assert!(r.is_excluded("tempa"));
    assert!(!r.is_excluded("temp"), "temp? needs one more character");
    assert!(!r.is_excluded("temporary.txt"), "*/temp* needs a folder");
    assert!(!r.is_excluded("# comment"));
}

#[test]
fn a_leading_slash_anchors_nothing_more_than_no_slash() {
    let r = rules("/build\nnode_modules\n");
    assert!(r.is_excluded("build"));
    assert!(
        r.is_excluded("build/out.js"),
        "a matching parent folder excludes what is inside"
    );
    assert!(r.is_excluded("node_modules/left-pad/index.js"));
    assert!(
        !r.is_excluded("src/build"),
        "patterns are relative to the context root"
    );
    assert!(!r.is_excluded("src/node_modules/x"));
}

#[test]
fn double_star_crosses_folders() {
    let r = rules("**/*.go\n**/secret\nlogs/**\n");
    assert!(r.is_excluded("main.go"));
    assert!(r.is_excluded("cmd/app/main.go"));
    assert!(r.is_excluded("secret"));
    assert!(r.is_excluded("a/b/secret"));
    assert!(r.is_excluded("logs/2026/11/app.log"));
    assert!(!r.is_excluded("main.gox"));
    assert!(!r.is_excluded("logsx/a"));
}

#[test]
fn exceptions_re_include_and_the_last_match_wins() {
    let r = rules("*.md\n!README*.md\nREADME-secret.md\n");
    assert!(r.is_excluded("CHANGELOG.md"));
    assert!(!r.is_excluded("README.md"));
    assert!(r.is_excluded("README-secret.md"));
}

#[test]
fn an_exception_inside_an_excluded_folder_re_includes_that_file() {
    let r = rules("docs\n!docs/keep.txt\n");
    assert!(r.is_excluded("docs/other.txt"));
    assert!(!r.is_excluded("docs/keep.txt"));
    assert!(r.has_exclusions());
}

#[test]
fn the_dockerfile_and_dockerignore_are_always_sent() {
    let r = DockerIgnore::for_build("*\n", "Dockerfile").unwrap();
    assert!(r.is_excluded("app.py"));
    assert!(!r.is_excluded("Dockerfile"));
    assert!(!r.is_excluded(".dockerignore"));
    let r = DockerIgnore::for_build("docker\n", "docker/prod.Dockerfile").unwrap();
    assert!(!r.is_excluded("docker/prod.Dockerfile"));
    assert!(r.is_excluded("docker/dev.Dockerfile"));
}

#[test]
fn character_classes_question_marks_and_escapes() {
    let r = rules("file[0-9].txt\nv?.log\nweird\\*name\n");
    assert!(r.is_excluded("file7.txt"));
    assert!(!r.is_excluded("filex.txt"));
    assert!(r.is_excluded("v1.log"));
    assert!(!r.is_excluded("v/.log"), "? never matches a slash");
    assert!(r.is_excluded("weird*name"));
    assert!(!r.is_excluded("weirdXname"));
}

#[test]
fn regex_metacharacters_are_literal() {
    let r = rules("a+b(c).txt\n$HOME\n");
    assert!(r.is_excluded("a+b(c).txt"));
    assert!(!r.is_excluded("aab(c).txt"));
    assert!(r.is_excluded("$HOME"));
}

#[test]
fn malformed_lines_name_the_line_and_the_fix() {
    for (text, line) in [("ok\n[abc\n", 2), ("!\n", 1), ("a\\", 1)] {
        let err = DockerIgnore::parse(text).unwrap_err();
        assert_eq!(err.code, ErrorCode::InvalidInput);
        assert!(
            err.message.contains(&format!("line {line}")),
            "{text:?}: {}",
            err.message
        );
    }
}

#[test]
fn the_context_root_itself_is_never_excluded() {
    assert!(!rules("*\n**\n.\n").is_excluded("."));
}

proptest::proptest! {
    #[test]
    fn never_panics_on_arbitrary_files_and_paths(text in "[a-z*?!\\[\\]/\\\\.#\\n -]{0,80}", path in "[a-z*?/.]{0,30}") {
        if let Ok(r) = DockerIgnore::parse(&text) {
            let _ = r.is_excluded(&path);
        }
    }

    #[test]
    fn a_later_exception_for_the_exact_path_always_re_includes_it(name in "[a-z]{1,8}(/[a-z]{1,8}){0,2}") {
        let r = DockerIgnore::parse(&format!("*\n**\n!{name}\n")).unwrap();
        proptest::prop_assert!(!r.is_excluded(&name));
    }
}
