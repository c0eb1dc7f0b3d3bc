//! Step 3, pushing the built image to ECR: the repository (found or created with the project's
//! settings), a registry login kept in memory and refreshed before it expires, the push with
//! per-layer progress, and the digest confirmed with DescribeImages.
//!
//! In practice mode the ECR API is the emulator and the registry is the local one: the push
//! goes to the local registry under the repository's name, and the manifest it stored is then
//! registered with PutImage (same digest), so the person sees one consistent ECR.

use bollard::Docker;
use serde::Serialize;
use slipway_aws::ecr::{self, RegistryAuth};
use slipway_aws::Connection;
use slipway_core::connection::PracticeStack;
use slipway_core::ecr::{EcrImage, Repository};
use slipway_core::spec::ProjectSpec;
use slipway_core::{ErrorBody, ErrorCode};
use slipway_docker::push::{push, PushEvent, PushRequest, PushResult, RegistryLogin};
use slipway_docker::{CancellationToken, EngineInfo};
use std::sync::Mutex;
use ts_rs::TS;

/// What a push to ECR reports, in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PushProgress {
    /// The repository is ready (created now, or found; settings converged).
    Repository {
        repository: Repository,
        created: bool,
        updated: Vec<String>,
        notes: Vec<String>,
    },
    /// A registry login was fetched (its expiry, never the password).
    LoggedIn {
        server: String,
        #[ts(type = "number | null")]
        expires_ms: Option<i64>,
    },
    /// Engine progress: layers, the digest.
    Push { event: PushEvent },
    /// Practice mode: the manifest was registered with the ECR API.
    Registered { digest: String },
    /// DescribeImages reports the pushed digest under the tag.
    Verified { image: EcrImage },
}

/// A finished push.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct PushOutcome {
    pub repository: Repository,
    pub tag: String,
    pub digest: String,
    /// The image as deployments reference it: `<repository uri>:<tag>`.
    pub image_uri: String,
    pub layers_pushed: u32,
    pub layers_existing: u32,
}

/// Logins by registry, kept until shortly before they expire.
#[derive(Default)]
pub struct LoginCache(Mutex<Option<RegistryAuth>>);

/// A login is renewed when less than this is left of it.
const RENEW_BEFORE_MS: i64 = 5 * 60 * 1000;

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

impl LoginCache {
    /// A login that is good for a while yet, fetching one when needed (or when `renew`).
    pub async fn get(&self, conn: &Connection, renew: bool) -> Result<RegistryAuth, ErrorBody> {
        if !renew {
            if let Some(a) = self.0.lock().ok().and_then(|g| g.clone()) {
                if a.expires_ms.is_none_or(|e| e - now_ms() > RENEW_BEFORE_MS) {
                    return Ok(a);
                }
            }
        }
        let fresh = ecr::registry_auth(conn).await?;
        if let Ok(mut g) = self.0.lock() {
            *g = Some(fresh.clone());
        }
        Ok(fresh)
    }
}

/// Where the bytes go, and with which login.
struct Target {
    /// `host/repo` the engine pushes to.
    repo: String,
    login: RegistryLogin,
}

fn practice_login(stack: &PracticeStack) -> Result<RegistryLogin, ErrorBody> {
    let password = std::fs::read_to_string(stack.registry_password_file()).map_err(|e| {
        ErrorBody::new(
            ErrorCode::PracticeStackDown,
            format!(
                "The practice registry's password file {} cannot be read: {e}",
                stack.registry_password_file().display()
            ),
            "Start the practice stack with `scripts/practice start`.",
        )
    })?;
    Ok(RegistryLogin {
        username: stack.registry_user.clone(),
        password: password.trim().to_string(),
        server: stack.registry.clone(),
    })
}

fn target(
    conn: &Connection,
    stack: &PracticeStack,
    repository: &Repository,
    auth: &RegistryAuth,
) -> Result<Target, ErrorBody> {
    if conn.practice {
        return Ok(Target {
            repo: format!("{}/{}", stack.registry, repository.name),
            login: practice_login(stack)?,
        });
    }
    let host = repository
        .uri
        .split_once('/')
        .map(|(h, _)| h.to_string())
        .unwrap_or_else(|| auth.server.clone());
    Ok(Target {
        repo: repository.uri.clone(),
        login: RegistryLogin {
            username: auth.username.clone(),
            password: auth.password.clone(),
            server: host,
        },
    })
}

/// The tag of a local image reference (`shop:1a2b3c4` → `1a2b3c4`).
pub fn tag_of(image: &str) -> &str {
    slipway_docker::build::split_reference(image).1
}

/// A failed push to the practice registry, said better when the registry's log (what it wrote
/// since `log_from`) shows why: the engine only reports "500 Internal Server Error".
fn practice_push_failure(
    stack: &PracticeStack,
    log_from: u64,
    image: &str,
    body: ErrorBody,
) -> ErrorBody {
    if body.code != ErrorCode::PushFailed {
        return body;
    }
    let Some(logged) = read_from(&stack.registry_log(), log_from) else {
        return body;
    };
    if !logged.contains("no space left on device") {
        return body;
    }
    let data = stack.registry_data_dir();
    ErrorBody::new(
        ErrorCode::StorageFull,
        format!(
            "The practice registry ran out of disk space while receiving {image}: its log says \"no space left on device\" for {}.",
            data.display()
        ),
        format!(
            "Free space on the disk that holds {} (`df -h {}` shows it; `docker image prune` and removing old practice images help), then push again: layers already sent are kept.",
            data.display(),
            data.display()
        ),
    )
}

/// What a file holds from byte `from` on (at most its last MiB), if it can be read.
fn read_from(path: &std::path::Path, from: u64) -> Option<String> {
    use std::io::{Read, Seek, SeekFrom};
    let mut f = std::fs::File::open(path).ok()?;
    let len = f.metadata().ok()?.len();
    let start = from.max(len.saturating_sub(1 << 20)).min(len);
    f.seek(SeekFrom::Start(start)).ok()?;
    let mut buf = Vec::new();
    f.read_to_end(&mut buf).ok()?;
    Some(String::from_utf8_lossy(&buf).into_owned())
}

/// Pushes the local `image` (e.g. `shop:1a2b3c4`) to the project's ECR repository under its tag.
#[allow(clippy::too_many_arguments)]
pub async fn push_image(
    conn: &Connection,
    docker: &Docker,
    engine: &EngineInfo,
    stack: &PracticeStack,
    logins: &LoginCache,
    spec: &ProjectSpec,
    image: &str,
    cancel: &CancellationToken,
    mut on_progress: impl FnMut(PushProgress),
) -> Result<PushOutcome, ErrorBody> {
    let repo_name = spec.image.repository_name(&spec.app.name);
    slipway_core::names::require(slipway_core::names::NameKind::EcrRepository, &repo_name)?;
    let tag = tag_of(image).to_string();
    if !slipway_docker::image::image_exists(docker, image).await? {
        return Err(slipway_docker::DockerError::ImageNotFound {
            image: image.to_string(),
        }
        .into());
    }
    let ensured = ecr::ensure_repository(conn, &repo_name, &spec.image, &spec.app.name).await?;
    let repository = ensured.repository.clone();
    on_progress(PushProgress::Repository {
        repository: ensured.repository,
        created: ensured.created,
        updated: ensured.updated,
        notes: ensured.notes,
    });
    if repository.immutable_tags {
        if let Some(existing) = ecr::image_by_tag(conn, &repo_name, &tag).await? {
            return Err(ErrorBody::new(
                ErrorCode::ImageTagExists,
                format!(
                    "The tag {tag} is already in {repo_name} (image {}), and its tags are immutable.",
                    short(&existing.digest)
                ),
                "Immutable tags mean a tag always names one build. Commit your change and build again for a new tag, or push the image that already has this tag.",
            ));
        }
    }
    let mut renewed = false;
    // What the practice registry logs from here on tells a full disk from other failures.
    let log_from = std::fs::metadata(stack.registry_log()).map_or(0, |m| m.len());
    let result: PushResult = loop {
        let auth = logins.get(conn, renewed).await?;
        on_progress(PushProgress::LoggedIn {
            server: auth.server.clone(),
            expires_ms: auth.expires_ms,
        });
        let t = target(conn, stack, &repository, &auth)?;
        let request = PushRequest {
            image,
            target_repo: &t.repo,
            tag: &tag,
            login: &t.login,
        };
        let pushed = push(docker, engine, request, cancel, |e| {
            on_progress(PushProgress::Push { event: e })
        })
        .await;
        match pushed {
            Ok(r) => break r,
            Err(slipway_docker::DockerError::Core(body))
                if body.code == ErrorCode::RegistryAuthFailed && !renewed =>
            {
                // An expired or revoked login: fetch a new one and push again once.
                renewed = true;
                on_progress(PushProgress::Push {
                    event: PushEvent::Reauthenticating {
                        reason: body.message.clone(),
                    },
                });
            }
            Err(e) => {
                let body = ErrorBody::from(e);
                return Err(if conn.practice {
                    practice_push_failure(stack, log_from, image, body)
                } else {
                    body
                });
            }
        }
    };
    if conn.practice {
        let login = practice_login(stack)?;
        let manifest =
            slipway_docker::registry::get_manifest(&login, &repository.name, &tag).await?;
        if manifest.digest != result.digest {
            return Err(mismatch(&result.digest, &manifest.digest, "the registry"));
        }
        ecr::put_image(
            conn,
            &repo_name,
            &tag,
            &manifest.body,
            &manifest.media_type,
            &manifest.digest,
        )
        .await?;
        if repository.scan_on_push {
            // ECR scans on push by itself; moto only when asked.
            ecr::start_scan(conn, &repo_name, &manifest.digest).await?;
        }
        on_progress(PushProgress::Registered {
            digest: manifest.digest,
        });
    }
    let listed = ecr::image_by_tag(conn, &repo_name, &tag)
        .await?
        .ok_or_else(|| {
            ErrorBody::new(
                ErrorCode::PushFailed,
                format!("The push finished but ECR does not list {repo_name}:{tag}."),
                "Push again; if it persists, look at the repository in the Images view.",
            )
        })?;
    if listed.digest != result.digest {
        return Err(mismatch(&result.digest, &listed.digest, "ECR"));
    }
    on_progress(PushProgress::Verified {
        image: listed.clone(),
    });
    let layers_existing = result
        .layers
        .values()
        .filter(|s| !matches!(s, slipway_docker::push::LayerState::Pushed))
        .count() as u32;
    Ok(PushOutcome {
        image_uri: format!("{}:{tag}", repository.uri),
        repository,
        tag,
        digest: result.digest,
        layers_pushed: result.layers.len() as u32 - layers_existing,
        layers_existing,
    })
}

fn short(digest: &str) -> &str {
    let d = digest.trim_start_matches("sha256:");
    &d[..d.len().min(12)]
}

fn mismatch(pushed: &str, seen: &str, by: &str) -> ErrorBody {
    ErrorBody::new(
        ErrorCode::PushFailed,
        format!(
            "The engine pushed {} but {by} reports {} for the same tag.",
            short(pushed),
            short(seen)
        ),
        "Something else pushed the same tag at the same time; push again and check the Images view.",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tag_comes_from_the_local_reference() {
        assert_eq!(tag_of("shop:1a2b3c4"), "1a2b3c4");
        assert_eq!(tag_of("shop"), "latest");
        assert_eq!(tag_of("127.0.0.1:5050/shop:v1"), "v1");
    }
}
