//! `buildspec.yml`: what CodeBuild runs for every change. Slipway writes one (ECR login, docker
//! build, a tag from the commit, push, `imagedefinitions.json` for the ECS deploy action) and
//! checks one a person edited: valid YAML (with the line of a mistake), the phases and the
//! artifact the pipeline needs, and the container name the deploy looks for — a name that
//! differs from the task definition's is the most common reason a pipeline's deploy fails.

use crate::plan::service::ServiceNames;
use crate::spec::ProjectSpec;
use crate::{ErrorBody, ErrorCode};
use serde::Serialize;
use serde_yaml::Value;
use ts_rs::TS;

/// The file the build writes for the ECS deploy action.
pub const IMAGE_DEFINITIONS: &str = "imagedefinitions.json";

/// The container the task definition runs, which `imagedefinitions.json` must name.
pub fn container_name(spec: &ProjectSpec) -> String {
    ServiceNames::for_app(&spec.app.name).container
}

/// A path inside the source as a slash path (`.` joins nothing).
fn join(dir: &str, file: &str) -> String {
    let dir = dir.trim_end_matches('/');
    if dir.is_empty() || dir == "." {
        file.to_string()
    } else {
        format!("{dir}/{file}")
    }
}

/// A YAML scalar: plain when that reads back as the same string, else single-quoted.
fn scalar(s: &str) -> String {
    let special_start =
        s.starts_with(|c: char| "-?:,[]{}#&*!|>'\"%@`".contains(c) || c.is_whitespace());
    let ambiguous = matches!(
        s.to_ascii_lowercase().as_str(),
        "" | "~" | "null" | "true" | "false" | "yes" | "no" | "on" | "off"
    ) || s.parse::<f64>().is_ok();
    if special_start
        || ambiguous
        || s.contains(": ")
        || s.contains(" #")
        || s.ends_with(':')
        || s.ends_with(char::is_whitespace)
        || s.contains(['\n', '\t'])
    {
        format!("'{}'", s.replace('\'', "''"))
    } else {
        s.to_string()
    }
}

/// The buildspec Slipway writes for the spec. `REPOSITORY_URI` comes from the CodeBuild
/// project's environment (Slipway sets it), so the file names no account and holds no secret.
pub fn generate(spec: &ProjectSpec) -> String {
    let container = container_name(spec);
    let dockerfile = join(&spec.app.path, &spec.app.dockerfile);
    let context = if spec.app.path.trim_end_matches('/').is_empty() {
        ".".to_string()
    } else {
        spec.app.path.trim_end_matches('/').to_string()
    };
    let tests: Vec<String> = spec
        .pipeline
        .as_ref()
        .map(|p| p.build.test_commands.clone())
        .unwrap_or_default();
    let mut out = String::new();
    out.push_str(&format!(
        "# buildspec.yml for {app}, written by Slipway (`slipway pipeline buildspec`).\n\
         # CodeBuild runs it on every change: log in to ECR, build the image, tag it with the\n\
         # commit, push it, and write {IMAGE_DEFINITIONS} for the ECS deploy action.\n\
         # REPOSITORY_URI is set on the CodeBuild project by Slipway. CONTAINER_NAME must stay the\n\
         # task definition's container name ({container}), or the deploy cannot find it.\n\
         version: 0.2\n\n",
        app = spec.app.name
    ));
    out.push_str("env:\n  variables:\n");
    for (k, v) in [
        ("CONTAINER_NAME", container.as_str()),
        ("DOCKERFILE", dockerfile.as_str()),
        ("BUILD_CONTEXT", context.as_str()),
        ("PLATFORM", spec.image.platform.as_str()),
    ] {
        out.push_str(&format!("    {k}: {}\n", scalar(v)));
    }
    out.push_str("\nphases:\n");
    let phase = |out: &mut String, name: &str, abort: bool, commands: &[String]| {
        out.push_str(&format!("  {name}:\n"));
        if abort {
            out.push_str("    on-failure: ABORT\n");
        }
        out.push_str("    commands:\n");
        for c in commands {
            out.push_str(&format!("      - {}\n", scalar(c)));
        }
    };
    phase(
        &mut out,
        "pre_build",
        true,
        &[
            r#"echo "Logging in to ${REPOSITORY_URI%%/*}""#.to_string(),
            r#"aws ecr get-login-password --region "$AWS_DEFAULT_REGION" | docker login --username AWS --password-stdin "${REPOSITORY_URI%%/*}""#.to_string(),
            r#"COMMIT=$(echo "$CODEBUILD_RESOLVED_SOURCE_VERSION" | tr -dc 'A-Za-z0-9' | cut -c 1-7)"#.to_string(),
            r#"IMAGE_TAG="${COMMIT:-build-$CODEBUILD_BUILD_NUMBER}""#.to_string(),
            r#"echo "This build is tagged $IMAGE_TAG""#.to_string(),
        ],
    );
    let mut build: Vec<String> = tests;
    build.push(
        r#"docker build --platform "$PLATFORM" -f "$DOCKERFILE" -t "$REPOSITORY_URI:$IMAGE_TAG" "$BUILD_CONTEXT""#
            .to_string(),
    );
    phase(&mut out, "build", true, &build);
    phase(
        &mut out,
        "post_build",
        false,
        &[
            // An immutable repository refuses the same tag twice: a re-run of a commit that was
            // already pushed deploys the image that is there.
            r#"if aws ecr describe-images --repository-name "${REPOSITORY_URI#*/}" --image-ids imageTag="$IMAGE_TAG" > /dev/null 2>&1; then echo "$IMAGE_TAG is already in ECR"; else docker push "$REPOSITORY_URI:$IMAGE_TAG"; fi"#.to_string(),
            format!(
                r#"printf '[{{"name":"%s","imageUri":"%s"}}]' "$CONTAINER_NAME" "$REPOSITORY_URI:$IMAGE_TAG" > {IMAGE_DEFINITIONS}"#
            ),
            format!("cat {IMAGE_DEFINITIONS}"),
        ],
    );
    out.push_str(&format!(
        "\nartifacts:\n  files:\n    - {IMAGE_DEFINITIONS}\n"
    ));
    out
}

/// What a buildspec that passed the check does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct BuildspecSummary {
    /// The phases it has, in CodeBuild's order.
    pub phases: Vec<String>,
    /// The container `imagedefinitions.json` names, when the file says it plainly.
    pub container: Option<String>,
    /// How many commands it runs.
    pub commands: u32,
}

const PHASES: &[&str] = &["install", "pre_build", "build", "post_build"];

fn invalid(message: String, hint: &str) -> ErrorBody {
    ErrorBody::new(ErrorCode::BuildspecInvalid, message, hint)
}

/// The 1-based line of the first line of `text` containing every needle.
fn line_of(text: &str, needles: &[&str]) -> Option<usize> {
    text.lines()
        .position(|l| !l.trim_start().starts_with('#') && needles.iter().all(|n| l.contains(n)))
        .map(|i| i + 1)
}

fn at_line(line: Option<usize>) -> String {
    line.map(|l| format!(" (line {l})")).unwrap_or_default()
}

/// Resolves `$VAR` / `${VAR}` from the buildspec's `env.variables`; `None` when it is another
/// kind of expression (an environment variable set elsewhere, a command substitution).
fn resolve_var(word: &str, vars: &serde_yaml::Mapping) -> Option<String> {
    let name = word
        .strip_prefix("${")
        .and_then(|w| w.strip_suffix('}'))
        .or_else(|| word.strip_prefix('$'))?;
    if !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return None;
    }
    vars.get(Value::String(name.to_string()))
        .and_then(|v| match v {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        })
}

/// Splits a shell command into words, honouring single and double quotes (no expansion).
fn words(command: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quote: Option<char> = None;
    let mut any = false;
    for c in command.chars() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => cur.push(c),
            None if c == '\'' || c == '"' => {
                quote = Some(c);
                any = true;
            }
            None if c.is_whitespace() => {
                if any || !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                    any = false;
                }
            }
            None => cur.push(c),
        }
    }
    if any || !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// The container name a command writing imagedefinitions.json puts in it: `Ok(Some)` when it
/// can be read, `Ok(None)` when it comes from outside the file.
fn written_name(command: &str, vars: &serde_yaml::Mapping) -> Option<String> {
    static NAME: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r#"["']?name["']?\s*:\s*["']([^"']*)["']"#).expect("valid regex")
    });
    let w = words(command);
    let value = if let Some(at) = w.iter().position(|x| x == "printf") {
        let format = w.get(at + 1)?;
        let caps = NAME.captures(format)?;
        let raw = caps.get(1)?.as_str();
        if raw == "%s" {
            let before = &format[..caps.get(1)?.start()];
            let slot = before.matches("%s").count();
            w.get(at + 2 + slot)?.clone()
        } else {
            raw.to_string()
        }
    } else {
        NAME.captures(command)?.get(1)?.as_str().to_string()
    };
    if value.contains('$') {
        resolve_var(value.trim(), vars)
    } else {
        Some(value)
    }
}

fn commands_of(phase: &Value) -> Vec<String> {
    phase
        .get("commands")
        .and_then(Value::as_sequence)
        .map(|s| {
            s.iter()
                .filter_map(|c| match c {
                    Value::String(s) => Some(s.clone()),
                    Value::Number(n) => Some(n.to_string()),
                    Value::Bool(b) => Some(b.to_string()),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Checks a buildspec (as a person may have edited it) for what the pipeline needs; `container`
/// is the task definition's container name.
pub fn check(text: &str, container: &str) -> Result<BuildspecSummary, ErrorBody> {
    let doc: Value = serde_yaml::from_str(text).map_err(|e| {
        let (line, col) = e
            .location()
            .map(|l| (l.line(), l.column()))
            .unwrap_or((0, 0));
        let what = e.to_string();
        let what = what.split(" at line ").next().unwrap_or(&what).to_string();
        invalid(
            if line > 0 {
                format!("buildspec.yml is not valid YAML at line {line}, column {col}: {what}")
            } else {
                format!("buildspec.yml is not valid YAML: {what}")
            },
            "Fix that line (YAML indents with spaces, never tabs, and a list item starts with '- '), or write Slipway's again with `slipway pipeline buildspec --force`.",
        )
    })?;
    let Some(map) = doc.as_mapping() else {
        return Err(invalid(
            "buildspec.yml must be a YAML mapping with version, phases and artifacts".into(),
            "Start from Slipway's with `slipway pipeline buildspec --force`.",
        ));
    };
    let version = match map.get("version") {
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::String(s)) => s.clone(),
        _ => String::new(),
    };
    if version != "0.2" {
        return Err(invalid(
            format!(
                "buildspec.yml has version '{version}'{}; CodeBuild's current format is 0.2",
                at_line(line_of(text, &["version"]))
            ),
            "Set `version: 0.2` on the first line (0.2 runs every command of a build in one shell, which the tag variable needs).",
        ));
    }
    let Some(phases) = map.get("phases").and_then(Value::as_mapping) else {
        return Err(invalid(
            "buildspec.yml has no phases: CodeBuild would run nothing".into(),
            "Add a `phases:` section with pre_build (ECR login), build (docker build) and post_build (push and imagedefinitions.json), or regenerate it with `slipway pipeline buildspec --force`.",
        ));
    };
    let mut names = Vec::new();
    let mut all: Vec<String> = Vec::new();
    for key in phases.keys() {
        let name = key.as_str().unwrap_or_default().to_string();
        if !PHASES.contains(&name.as_str()) {
            return Err(invalid(
                format!(
                    "buildspec.yml has a phase '{name}'{}; CodeBuild knows only install, pre_build, build and post_build",
                    at_line(line_of(text, &[&format!("{name}:")]))
                ),
                "Rename the phase or move its commands into one of those four.",
            ));
        }
    }
    for name in PHASES {
        if let Some(p) = phases.get(*name) {
            names.push(name.to_string());
            all.extend(commands_of(p));
        }
    }
    if !all
        .iter()
        .any(|c| c.contains("docker build") || c.contains("buildx build"))
    {
        return Err(invalid(
            "buildspec.yml never runs `docker build`: no image would be made".into(),
            "Add the docker build command to the build phase (see `slipway pipeline buildspec`).",
        ));
    }
    if !all
        .iter()
        .any(|c| c.contains("docker push") || c.contains("--push"))
    {
        return Err(invalid(
            "buildspec.yml never runs `docker push`: the deploy would ask ECS for an image that is not in ECR".into(),
            "Push the image in post_build: docker push \"$REPOSITORY_URI:$IMAGE_TAG\".",
        ));
    }
    let files: Vec<String> = map
        .get("artifacts")
        .and_then(|a| a.get("files"))
        .map(|f| match f {
            Value::Sequence(s) => s
                .iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect(),
            Value::String(s) => vec![s.clone()],
            _ => Vec::new(),
        })
        .unwrap_or_default();
    let declared = files.iter().any(|f| {
        let f = f.trim_start_matches("./");
        f == IMAGE_DEFINITIONS || f == "*" || f == "**/*" || f == "*.json"
    });
    if !declared {
        return Err(invalid(
            format!(
                "buildspec.yml does not declare {IMAGE_DEFINITIONS} as an artifact{}: the deploy stage would receive nothing",
                at_line(line_of(text, &["artifacts"]))
            ),
            "End the file with:\nartifacts:\n  files:\n    - imagedefinitions.json",
        ));
    }
    let Some(writer) = all
        .iter()
        .find(|c| c.contains(IMAGE_DEFINITIONS) && c.contains('>'))
    else {
        return Err(invalid(
            format!("buildspec.yml never writes {IMAGE_DEFINITIONS}: the ECS deploy action needs it to know the new image"),
            "Add to post_build: printf '[{\"name\":\"%s\",\"imageUri\":\"%s\"}]' \"$CONTAINER_NAME\" \"$REPOSITORY_URI:$IMAGE_TAG\" > imagedefinitions.json",
        ));
    };
    let empty = serde_yaml::Mapping::new();
    let vars = map
        .get("env")
        .and_then(|e| e.get("variables"))
        .and_then(Value::as_mapping)
        .unwrap_or(&empty);
    let written = written_name(writer, vars);
    if let Some(name) = &written {
        if name != container {
            let line = line_of(text, &["CONTAINER_NAME:"])
                .filter(|_| writer.contains("CONTAINER_NAME"))
                .or_else(|| line_of(text, &[IMAGE_DEFINITIONS, ">"]));
            return Err(ErrorBody::new(
                ErrorCode::ContainerNameMismatch,
                format!(
                    "{IMAGE_DEFINITIONS} would name the container '{name}'{}, but the task definition's container is '{container}': the ECS deploy action would fail to find it",
                    at_line(line)
                ),
                format!("Change '{name}' to '{container}' in buildspec.yml (the container is named after the app in slipway.toml)."),
            ));
        }
    }
    Ok(BuildspecSummary {
        phases: names,
        container: written,
        commands: all.len() as u32,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(extra: &str) -> ProjectSpec {
        ProjectSpec::parse(&format!(
            "[app]\nname = \"shop\"\nport = 8080\n{extra}[pipeline.source]\nkind = \"s3\"\n"
        ))
        .unwrap()
    }

    fn commands(doc: &Value, phase: &str) -> Vec<String> {
        commands_of(&doc["phases"][phase])
    }

    #[test]
    fn the_generated_buildspec_parses_and_does_every_step() {
        let s = spec("");
        let text = generate(&s);
        let doc: Value = serde_yaml::from_str(&text).unwrap();
        assert_eq!(doc["version"].as_f64(), Some(0.2));
        assert_eq!(doc["env"]["variables"]["CONTAINER_NAME"], "shop");
        let pre = commands(&doc, "pre_build");
        assert!(pre[1].contains("aws ecr get-login-password"), "{pre:?}");
        assert!(pre[1].contains("docker login --username AWS --password-stdin"));
        assert!(pre
            .iter()
            .any(|c| c.contains("$CODEBUILD_RESOLVED_SOURCE_VERSION") && c.contains("cut -c 1-7")));
        let build = commands(&doc, "build");
        assert_eq!(
            build,
            vec![
                r#"docker build --platform "$PLATFORM" -f "$DOCKERFILE" -t "$REPOSITORY_URI:$IMAGE_TAG" "$BUILD_CONTEXT""#
            ]
        );
        let post = commands(&doc, "post_build");
        assert!(post[0].contains("docker push \"$REPOSITORY_URI:$IMAGE_TAG\""));
        assert_eq!(
            post[1],
            r#"printf '[{"name":"%s","imageUri":"%s"}]' "$CONTAINER_NAME" "$REPOSITORY_URI:$IMAGE_TAG" > imagedefinitions.json"#
        );
        assert_eq!(doc["artifacts"]["files"][0], IMAGE_DEFINITIONS);
        assert_eq!(doc["phases"]["build"]["on-failure"], "ABORT");
        let summary = check(&text, &container_name(&s)).unwrap();
        assert_eq!(summary.container.as_deref(), Some("shop"));
        assert_eq!(summary.phases, vec!["pre_build", "build", "post_build"]);
    }

    #[test]
    fn the_container_is_the_one_the_task_definition_runs() {
        let s = spec("");
        let graph = crate::plan::service::service_resources(
            &s,
            &crate::plan::service::ServiceContext {
                region: "us-east-1".into(),
                image: "x:1".into(),
            },
        );
        let td = graph.iter().find(|d| d.key == "taskdef").unwrap();
        assert_eq!(td.props["container"]["name"], container_name(&s));
        let svc = graph.iter().find(|d| d.key == "service").unwrap();
        assert_eq!(svc.props["container_name"], container_name(&s));
    }

    #[test]
    fn test_commands_run_before_the_image_is_built_and_odd_ones_stay_intact() {
        let s = spec("")
            .pipeline
            .map(|mut p| {
                p.build.test_commands = vec![
                    "npm test".into(),
                    "echo 'done: #1' && true".into(),
                    "- weird".into(),
                    "yes".into(),
                ];
                let mut s = spec("");
                s.pipeline = Some(p);
                s
            })
            .unwrap();
        let doc: Value = serde_yaml::from_str(&generate(&s)).unwrap();
        let build = commands(&doc, "build");
        assert_eq!(
            &build[..4],
            &["npm test", "echo 'done: #1' && true", "- weird", "yes"]
        );
        assert!(build[4].starts_with("docker build"));
    }

    #[test]
    fn a_subfolder_app_builds_its_own_context_for_its_platform() {
        let s = spec("path = \"services/api\"\ndockerfile = \"Dockerfile.prod\"\n[image]\nplatform = \"linux/arm64\"\n");
        let doc: Value = serde_yaml::from_str(&generate(&s)).unwrap();
        let vars = &doc["env"]["variables"];
        assert_eq!(vars["DOCKERFILE"], "services/api/Dockerfile.prod");
        assert_eq!(vars["BUILD_CONTEXT"], "services/api");
        assert_eq!(vars["PLATFORM"], "linux/arm64");
    }

    #[test]
    fn invalid_yaml_is_reported_with_its_line() {
        let text = generate(&spec("")).replace("  build:\n", "  build:\n\t  oops: [\n");
        let err = check(&text, "shop").unwrap_err();
        assert_eq!(err.code, ErrorCode::BuildspecInvalid);
        let line = text.lines().position(|l| l.contains("oops")).unwrap() + 1;
        assert!(
            err.message.contains(&format!("line {line}")),
            "{} (expected line {line})",
            err.message
        );
    }

    #[test]
    fn missing_phases_push_or_artifact_are_each_named() {
        let err = check(
            "version: 0.2\nartifacts:\n  files: [imagedefinitions.json]\n",
            "shop",
        )
        .unwrap_err();
        assert!(err.message.contains("no phases"), "{}", err.message);

        let text = generate(&spec(""));
        let no_artifacts = text.split("\nartifacts:").next().unwrap().to_string();
        let err = check(&no_artifacts, "shop").unwrap_err();
        assert!(err.message.contains("artifact"), "{}", err.message);

        let no_push = text.replace("docker push", "echo skip");
        let err = check(&no_push, "shop").unwrap_err();
        assert!(err.message.contains("docker push"), "{}", err.message);

        let no_defs = text.replace("> imagedefinitions.json\n", "> /dev/null\n");
        let err = check(&no_defs, "shop").unwrap_err();
        assert!(err.message.contains("never writes"), "{}", err.message);

        let old = text.replace("version: 0.2", "version: 0.1");
        let err = check(&old, "shop").unwrap_err();
        assert!(err.message.contains("0.2"), "{}", err.message);

        let err = check(&text.replace("  post_build:", "  deploy:"), "shop").unwrap_err();
        assert!(err.message.contains("'deploy'"), "{}", err.message);
    }

    #[test]
    fn a_container_name_that_does_not_match_is_its_own_error_with_the_line() {
        let text = generate(&spec("")).replace("CONTAINER_NAME: shop", "CONTAINER_NAME: web");
        let err = check(&text, "shop").unwrap_err();
        assert_eq!(err.code, ErrorCode::ContainerNameMismatch);
        let line = text
            .lines()
            .position(|l| l.contains("CONTAINER_NAME: web"))
            .unwrap()
            + 1;
        assert!(
            err.message.contains(&format!("line {line}")),
            "{}",
            err.message
        );
        assert!(err.message.contains("'web'") && err.message.contains("'shop'"));
        assert!(err.hint.contains("'shop'"));

        // A literal name written by hand is read too.
        let literal = "version: 0.2\nphases:\n  build:\n    commands:\n      - docker build -t $REPOSITORY_URI:latest .\n      - docker push $REPOSITORY_URI:latest\n      - 'echo ''[{\"name\": \"api\", \"imageUri\": \"x\"}]'' > imagedefinitions.json'\nartifacts:\n  files:\n    - imagedefinitions.json\n";
        let err = check(literal, "shop").unwrap_err();
        assert_eq!(err.code, ErrorCode::ContainerNameMismatch);
        assert!(err.message.contains("line 7"), "{}", err.message);
        assert_eq!(
            check(&literal.replace("api", "shop"), "shop")
                .unwrap()
                .container
                .as_deref(),
            Some("shop")
        );
    }

    #[test]
    fn a_name_set_outside_the_file_is_not_guessed() {
        let text = generate(&spec("")).replace("    CONTAINER_NAME: shop\n", "");
        let summary = check(&text, "shop").unwrap();
        assert_eq!(summary.container, None);
    }

    #[test]
    fn check_never_panics_on_odd_documents() {
        for text in [
            "",
            "[]",
            "version: [1]",
            "phases: 3",
            "version: 0.2\nphases:\n  build: 5\n",
            "\u{0}",
        ] {
            let _ = check(text, "shop");
        }
    }
}
