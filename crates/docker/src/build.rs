//! Building images through the Engine API (the classic builder's /build), with every step,
//! cache hit and log line reported as a `BuildEvent`, and a cancel that really stops the build.

use crate::tarstream::stream_context;
use crate::DockerError;
use bollard::query_parameters::{BuildImageOptionsBuilder, TagImageOptionsBuilder};
use bollard::Docker;
use futures_util::StreamExt;
use slipway_core::build::{BuildEvent, BuildLogParser};
use slipway_core::dockerfile::{base_images, instruction_lines};
use std::collections::HashMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};
use tokio_util::sync::CancellationToken;

/// What to build.
#[derive(Debug, Clone, Default)]
pub struct BuildRequest {
    /// The context folder.
    pub context_dir: PathBuf,
    /// The Dockerfile, relative to the context folder.
    pub dockerfile: String,
    /// Every tag the image gets; the first is the one the engine builds.
    pub tags: Vec<String>,
    /// `linux/amd64` or `linux/arm64`; `None` builds for the engine's own platform.
    pub platform: Option<String>,
    pub labels: HashMap<String, String>,
    pub build_args: HashMap<String, String>,
    pub no_cache: bool,
}

/// A finished build.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
pub struct BuiltImage {
    /// `sha256:...`
    pub id: String,
    pub tags: Vec<String>,
    pub cached_steps: u32,
    pub total_steps: u32,
    #[ts(type = "number")]
    pub duration_ms: i64,
    /// The image's platform as the engine reports it, e.g. `linux/amd64`.
    pub platform: String,
    #[ts(type = "number")]
    pub size: i64,
}

/// How often context-upload progress is reported while the engine reads it.
const PROGRESS_EVERY: Duration = Duration::from_millis(200);

/// How long the engine may take to answer /build. It answers only once it has read and unpacked
/// the whole context, which for a large one takes minutes: the connection's own timeout (10 s)
/// would end such a build. Cancelling still stops it at any moment.
const BUILD_ANSWER_TIMEOUT: Duration = Duration::from_secs(60 * 60);

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// Maps `linux/arm64/v8` and friends to what an image's inspect reports.
fn normalize_platform(p: &str) -> String {
    let mut parts = p.split('/');
    let os = parts.next().unwrap_or("linux");
    let arch = match parts.next().unwrap_or("") {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        other => other,
    };
    format!("{os}/{arch}")
}

/// Builds the image, reporting progress through `on_event`. Cancelling `cancel` closes the
/// connection, which makes the engine stop the build (and kill the step's container).
pub async fn build(
    docker: &Docker,
    req: &BuildRequest,
    cancel: &CancellationToken,
    mut on_event: impl FnMut(BuildEvent),
) -> Result<BuiltImage, DockerError> {
    let started = Instant::now();
    let primary = req
        .tags
        .first()
        .cloned()
        .ok_or_else(|| DockerError::Core(invalid_tag("", "no tag was given")))?;
    for tag in &req.tags {
        validate_reference(tag)?;
    }
    let dockerfile_path = req.context_dir.join(&req.dockerfile);
    let text = match std::fs::read_to_string(&dockerfile_path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(DockerError::DockerfileMissing {
                path: dockerfile_path.display().to_string(),
            })
        }
        Err(source) => {
            return Err(DockerError::Context {
                path: dockerfile_path.display().to_string(),
                source,
            })
        }
    };
    let steps = instruction_lines(&text)?;
    let bases = base_images(&text)?;
    on_event(BuildEvent::Plan {
        steps: steps.clone(),
        tags: req.tags.clone(),
        platform: req.platform.clone(),
    });
    for base in &bases {
        if !base.image.contains('$') && !crate::image::image_exists(docker, &base.image).await? {
            on_event(BuildEvent::Warning {
                message: format!(
                    "The base image {} (line {}) is not on this machine; the engine will try to pull it.",
                    base.image, base.line
                ),
            });
        }
    }

    let (context, progress) = stream_context(&req.context_dir, &req.dockerfile)?;
    let mut options = BuildImageOptionsBuilder::default()
        .dockerfile(&req.dockerfile)
        .t(&primary)
        .rm(true)
        .forcerm(true)
        .nocache(req.no_cache)
        .labels(&req.labels)
        .buildargs(&req.build_args);
    if let Some(p) = &req.platform {
        options = options.platform(p);
    }
    let patient = docker.clone().with_timeout(BUILD_ANSWER_TIMEOUT);
    let mut stream = patient.build_image(
        options.build(),
        None,
        Some(bollard::body_try_stream(context)),
    );
    let mut parser = BuildLogParser::new(steps);
    let mut image_id = None;
    let mut context_done = false;
    let mut ticker = tokio::time::interval(PROGRESS_EVERY);
    loop {
        let item = tokio::select! {
            biased;
            _ = cancel.cancelled() => {
                drop(stream);
                return Err(DockerError::Cancelled);
            }
            _ = ticker.tick(), if !context_done => {
                on_event(BuildEvent::Context { files: progress.files(), bytes: progress.bytes_sent(), done: false });
                continue;
            }
            item = stream.next() => item,
        };
        let Some(item) = item else { break };
        if !context_done {
            context_done = true;
            on_event(BuildEvent::Context {
                files: progress.files(),
                bytes: progress.bytes_sent(),
                done: true,
            });
            if let Some(summary) = progress.summary().filter(|s| s.large) {
                let top: Vec<String> = summary
                    .biggest
                    .iter()
                    .take(3)
                    .map(|f| format!("{} ({} MB)", f.folder, f.bytes / 1_000_000))
                    .collect();
                on_event(BuildEvent::Warning {
                    message: format!(
                        "The build context is large: {} files, {} MB. Biggest: {}.{}",
                        summary.files,
                        summary.bytes / 1_000_000,
                        top.join(", "),
                        if summary.suggested_ignores.is_empty() {
                            String::new()
                        } else {
                            format!(
                                " Add to .dockerignore: {}.",
                                summary.suggested_ignores.join(", ")
                            )
                        }
                    ),
                });
            }
        }
        let info = match item {
            Ok(info) => info,
            Err(bollard::errors::Error::DockerStreamError { error }) => {
                let event = parser.failure(&error);
                on_event(event);
                return Err(classify_failure(&error, &parser, &bases, &req.dockerfile));
            }
            // The answer had started: an error now means the connection broke under it.
            Err(e) => return Err(lost_or_refused(e, "build")),
        };
        if let Some(text) = info.stream {
            // Engines that report no aux id (some Docker-compatible ones) still end with this.
            if image_id.is_none() {
                image_id = successfully_built(&text);
            }
            for event in parser.feed(&text, now_ms()) {
                on_event(event);
            }
        }
        if let (Some(status), Some(id)) = (info.status, info.id) {
            // Pull progress of a base image the engine is fetching.
            on_event(BuildEvent::Log {
                step: parser.current_step(),
                text: format!("{id}: {status}"),
            });
        }
        if let Some(id) = info.aux.and_then(|a| a.id) {
            image_id = Some(id);
        }
    }
    // The engine reports the image's id (aux) before "Successfully tagged"; an answer that ends
    // without it was cut short (the engine stopped), whatever an old image of that tag says.
    let Some(image_id) = image_id else {
        return Err(DockerError::EngineLost {
            during: "build",
            detail: "its answer ended before it reported an image".into(),
        });
    };
    let inspect = docker
        .inspect_image(&primary)
        .await
        .map_err(|e| lost_or_refused(e, "build"))?;
    let id = image_id;
    for extra in req.tags.iter().skip(1) {
        let (repo, tag) = split_reference(extra);
        docker
            .tag_image(
                &id,
                Some(
                    TagImageOptionsBuilder::default()
                        .repo(repo)
                        .tag(tag)
                        .build(),
                ),
            )
            .await
            .map_err(DockerError::Engine)?;
    }
    let platform = format!(
        "{}/{}",
        inspect.os.clone().unwrap_or_else(|| "linux".into()),
        inspect.architecture.clone().unwrap_or_default()
    );
    if let Some(wanted) = &req.platform {
        if normalize_platform(wanted) != platform {
            on_event(BuildEvent::Warning {
                message: format!(
                    "You asked for {wanted}, but the engine produced a {platform} image: this engine cannot build for another architecture (it needs BuildKit with QEMU emulation). Fargate would fail to start it on {wanted}."
                ),
            });
        }
    }
    let duration_ms = started.elapsed().as_millis() as i64;
    on_event(BuildEvent::Built {
        image_id: id.clone(),
        tags: req.tags.clone(),
        cached_steps: parser.cached_steps(),
        total_steps: parser.total_steps(),
        duration_ms,
    });
    Ok(BuiltImage {
        id,
        tags: req.tags.clone(),
        cached_steps: parser.cached_steps(),
        total_steps: parser.total_steps(),
        duration_ms,
        platform,
        size: inspect.size.unwrap_or(0),
    })
}

/// A failed step, or a base image the engine could not pull.
/// The image id of a classic builder's "Successfully built 6309e022f02c" line, if `text` has it.
fn successfully_built(text: &str) -> Option<String> {
    text.lines()
        .find_map(|l| l.trim().strip_prefix("Successfully built "))
        .map(str::trim)
        .filter(|id| !id.is_empty() && id.chars().all(|c| c.is_ascii_hexdigit()))
        .map(str::to_string)
}

/// An error after the engine began answering: its own refusal stays one; a broken connection
/// (the engine crashed or restarted) is said as such.
fn lost_or_refused(e: bollard::errors::Error, during: &'static str) -> DockerError {
    use bollard::errors::Error as B;
    match e {
        B::DockerResponseServerError { .. } | B::DockerStreamError { .. } => DockerError::Engine(e),
        other => DockerError::EngineLost {
            during,
            detail: other.to_string(),
        },
    }
}

fn classify_failure(
    message: &str,
    parser: &BuildLogParser,
    bases: &[slipway_core::dockerfile::BaseImage],
    dockerfile: &str,
) -> DockerError {
    let lower = message.to_ascii_lowercase();
    let pull_failed = [
        "pull access denied",
        "manifest unknown",
        "not found: manifest",
        "no such host",
        "failed to resolve",
        "connection refused",
        "i/o timeout",
        "repository does not exist",
        "network is unreachable",
        "tls handshake timeout",
    ]
    .iter()
    .any(|needle| lower.contains(needle));
    // A pull fails on a FROM step, before any RUN.
    let on_from = parser
        .current_line()
        .is_some_and(|l| bases.iter().any(|b| b.line == l))
        || parser.current_step().is_none();
    if pull_failed && on_from {
        let base = bases
            .iter()
            .find(|b| Some(b.line) == parser.current_line())
            .or(bases.first());
        return DockerError::BaseImageMissing {
            image: base.map(|b| b.image.clone()).unwrap_or_default(),
            line: base.map(|b| b.line),
            detail: message.trim().to_string(),
        };
    }
    DockerError::BuildFailed {
        message: message.trim().to_string(),
        step: parser.current_step(),
        line: parser.current_line(),
        dockerfile: dockerfile.to_string(),
    }
}

/// `repo/name:tag` → (`repo/name`, `tag`); a reference without a tag gets `latest`.
pub fn split_reference(reference: &str) -> (&str, &str) {
    let name_end = reference.rfind('/').map(|i| i + 1).unwrap_or(0);
    match reference[name_end..].rfind(':') {
        Some(i) => (&reference[..name_end + i], &reference[name_end + i + 1..]),
        None => (reference, "latest"),
    }
}

fn invalid_tag(reference: &str, why: &str) -> slipway_core::ErrorBody {
    slipway_core::ErrorBody::new(
        slipway_core::ErrorCode::InvalidInput,
        format!("'{reference}' is not a valid image name: {why}"),
        "Use lowercase letters, digits and . _ - / in the name, and a tag of letters, digits, . _ - (at most 128), e.g. shop-api:1a2b3c4.",
    )
}

/// Checks an image reference the way the engine will, so the person hears why before a build.
pub fn validate_reference(reference: &str) -> Result<(), DockerError> {
    let (name, tag) = split_reference(reference);
    if name.is_empty() {
        return Err(invalid_tag(reference, "the name is empty").into());
    }
    // A registry host may carry a port and upper case; the path must be lowercase.
    let path = match name.split_once('/') {
        Some((host, rest)) if host.contains('.') || host.contains(':') || host == "localhost" => {
            rest
        }
        _ => name,
    };
    let path_ok = !path.is_empty()
        && path.split('/').all(|c| {
            !c.is_empty()
                && c.chars()
                    .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || "._-".contains(ch))
                && c.starts_with(|ch: char| ch.is_ascii_alphanumeric())
                && c.ends_with(|ch: char| ch.is_ascii_alphanumeric())
        });
    if !path_ok {
        return Err(invalid_tag(
            reference,
            "the repository must be lowercase letters, digits and separators (. _ -)",
        )
        .into());
    }
    let tag_ok = !tag.is_empty()
        && tag.len() <= 128
        && tag.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
        && tag
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c));
    if !tag_ok {
        return Err(invalid_tag(reference, "the tag must be 1-128 letters, digits, . _ -").into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_successfully_built_line_names_the_image() {
        assert_eq!(
            successfully_built("Successfully built 6309e022f02c\n").as_deref(),
            Some("6309e022f02c")
        );
        assert_eq!(successfully_built("Step 2/3 : RUN make\n"), None);
        assert_eq!(successfully_built("Successfully built \n"), None);
        assert_eq!(successfully_built("Successfully built not-an-id\n"), None);
    }

    #[test]
    fn references_split_at_the_last_colon_after_the_last_slash() {
        assert_eq!(split_reference("shop:1"), ("shop", "1"));
        assert_eq!(
            split_reference("127.0.0.1:5050/shop"),
            ("127.0.0.1:5050/shop", "latest")
        );
        assert_eq!(
            split_reference("127.0.0.1:5050/team/shop:abc"),
            ("127.0.0.1:5050/team/shop", "abc")
        );
    }

    #[test]
    fn bad_references_are_refused_with_the_rule() {
        for bad in ["Shop:1", "shop:", "shop:-x", "shop//a:1", "shop:a b", ":1"] {
            let err = validate_reference(bad).unwrap_err();
            let body = slipway_core::ErrorBody::from(err);
            assert_eq!(body.code, slipway_core::ErrorCode::InvalidInput, "{bad}");
            assert!(body.message.contains(bad), "{}", body.message);
        }
        for good in [
            "shop:1a2b3c4",
            "123456789012.dkr.ecr.us-east-1.amazonaws.com/shop-api:latest",
            "127.0.0.1:5050/shop_api:v1.2",
        ] {
            validate_reference(good).unwrap();
        }
    }

    #[test]
    fn platforms_compare_by_os_and_architecture() {
        assert_eq!(normalize_platform("linux/arm64/v8"), "linux/arm64");
        assert_eq!(normalize_platform("linux/x86_64"), "linux/amd64");
    }
}
