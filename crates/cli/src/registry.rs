//! `slipway push` and `slipway images`: step 3 on a terminal.

use crate::local::{emit, human_bytes, resolve_dir};
use crate::output;
use crate::Outcome;
use slipway_core::ErrorBody;
use slipway_docker::push::{LayerState, PushEvent};
use slipway_docker::CancellationToken;
use slipway_engine::project::load_spec;
use slipway_engine::push::{push_image, LoginCache, PushProgress};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

/// The AWS connection for the CLI's profile and region, journaling into the store.
pub async fn connection(
    request: &slipway_aws::ConnectRequest,
    store: Arc<slipway_store::Store>,
) -> Result<slipway_aws::Connection, ErrorBody> {
    slipway_aws::Connection::open(
        request,
        &aws_types::os_shim_internal::Env::real(),
        &slipway_core::connection::PracticeStack::from_env(),
        store,
    )
    .await
    .map_err(Into::into)
}

fn short(digest: &str) -> &str {
    let d = digest.trim_start_matches("sha256:");
    &d[..d.len().min(12)]
}

/// `slipway push`: pushes a local build (default: the newest) to the project's repository.
pub async fn push(
    json: bool,
    dir: &Path,
    image: Option<String>,
    request: &slipway_aws::ConnectRequest,
    store: Arc<slipway_store::Store>,
) -> Outcome {
    let dir = match resolve_dir(dir) {
        Ok(d) => d,
        Err(e) => return output::error(json, &e, Outcome::BadInput),
    };
    let spec = match load_spec(&dir) {
        Ok(s) => s,
        Err(e) => return output::error(json, &e, Outcome::BadInput),
    };
    let (docker, engine) = match slipway_docker::connect().await {
        Ok(found) => found,
        Err(e) => return output::error(json, &ErrorBody::from(e), Outcome::Environment),
    };
    let image = match image {
        Some(i) => i,
        None => match slipway_engine::local::local_builds(&docker, &spec).await {
            Ok(builds) => match builds.into_iter().next() {
                Some(b) => b.reference,
                None => {
                    let e = ErrorBody::new(
                        slipway_core::ErrorCode::ImageNotFound,
                        format!("There is no local build of {} to push.", spec.app.name),
                        "Build it first: `slipway build`.",
                    );
                    return output::error(json, &e, Outcome::BadInput);
                }
            },
            Err(e) => return output::error(json, &e, Outcome::Environment),
        },
    };
    let conn = match connection(request, store).await {
        Ok(c) => c,
        Err(e) => return output::error(json, &e, Outcome::Environment),
    };
    let cancel = CancellationToken::new();
    crate::local::cancel_on_ctrl_c(&cancel);
    let mut layers: BTreeMap<String, (LayerState, u64, Option<u64>)> = BTreeMap::new();
    let stack = slipway_core::connection::PracticeStack::from_env();
    let result = push_image(
        &conn,
        &docker,
        &engine,
        &stack,
        &LoginCache::default(),
        &spec,
        &image,
        &cancel,
        |p| {
            if json {
                emit(&serde_json::to_value(&p).unwrap_or_default());
                return;
            }
            match &p {
                PushProgress::Repository {
                    repository,
                    created,
                    updated,
                    notes,
                } => {
                    println!(
                        "{} repository {}{}",
                        if *created { "Created" } else { "Using" },
                        repository.uri,
                        if updated.is_empty() {
                            String::new()
                        } else {
                            format!(" (updated: {})", updated.join(", "))
                        }
                    );
                    for n in notes {
                        println!("  note: {n}");
                    }
                }
                PushProgress::LoggedIn { server, .. } => println!("Logged in to {server}"),
                PushProgress::Push { event } => match event {
                    PushEvent::Started { image, target } => println!("Pushing {image} as {target}"),
                    PushEvent::Layer {
                        id,
                        state,
                        current,
                        total,
                    } => {
                        let before = layers.get(id).map(|l| l.0);
                        layers.insert(id.clone(), (*state, *current, *total));
                        if before != Some(*state) && *state != LayerState::Pushing {
                            println!(
                                "  layer {id}: {}",
                                serde_json::to_value(state)
                                    .ok()
                                    .and_then(|v| v.as_str().map(str::to_string))
                                    .unwrap_or_default()
                                    .replace('_', " ")
                            );
                        }
                    }
                    PushEvent::Pushed { digest, size, .. } => {
                        println!("Pushed: digest {digest} (manifest {size} bytes)")
                    }
                    PushEvent::Reauthenticating { reason } => {
                        println!("The login was refused ({reason}); fetching a new one")
                    }
                },
                PushProgress::Registered { digest } => {
                    println!("Registered {} with the ECR API", short(digest))
                }
                PushProgress::Verified { image } => println!(
                    "ECR lists {} as {} ({})",
                    image.tags.join(", "),
                    short(&image.digest),
                    human_bytes(image.size.max(0) as u64)
                ),
            }
        },
    )
    .await;
    match result {
        Ok(outcome) => {
            if json {
                emit(&serde_json::json!({"kind": "done", "outcome": outcome}));
            } else {
                println!(
                    "Done: {} ({} layers sent, {} already there)",
                    outcome.image_uri, outcome.layers_pushed, outcome.layers_existing
                );
            }
            Outcome::Success
        }
        Err(e) => output::error(json, &e, Outcome::Failed),
    }
}

/// `slipway images`: the repository's images with their scan results.
pub async fn images(
    json: bool,
    dir: &Path,
    request: &slipway_aws::ConnectRequest,
    store: Arc<slipway_store::Store>,
) -> Outcome {
    let dir = match resolve_dir(dir) {
        Ok(d) => d,
        Err(e) => return output::error(json, &e, Outcome::BadInput),
    };
    let spec = match load_spec(&dir) {
        Ok(s) => s,
        Err(e) => return output::error(json, &e, Outcome::BadInput),
    };
    let conn = match connection(request, store).await {
        Ok(c) => c,
        Err(e) => return output::error(json, &e, Outcome::Environment),
    };
    let name = spec.image.repository_name(&spec.app.name);
    let repo = match slipway_aws::ecr::find_repository(&conn, &name).await {
        Ok(Some(r)) => r,
        Ok(None) => {
            let e = ErrorBody::new(
                slipway_core::ErrorCode::InvalidInput,
                format!("There is no ECR repository {name} yet."),
                "Push an image first: `slipway push`.",
            );
            return output::error(json, &e, Outcome::Failed);
        }
        Err(e) => return output::error(json, &ErrorBody::from(e), Outcome::Failed),
    };
    let images = match slipway_aws::ecr::list_images(&conn, &name).await {
        Ok(i) => i,
        Err(e) => return output::error(json, &ErrorBody::from(e), Outcome::Failed),
    };
    if json {
        emit(&serde_json::json!({"repository": repo, "images": images}));
        return Outcome::Success;
    }
    println!(
        "{}  (scan on push: {}, tags: {})",
        repo.uri,
        if repo.scan_on_push { "on" } else { "off" },
        if repo.immutable_tags {
            "immutable"
        } else {
            "mutable"
        }
    );
    println!(
        "{:<24} {:<14} {:>10}  {:<12} findings",
        "TAGS", "DIGEST", "SIZE", "SCAN"
    );
    for i in &images {
        let findings: Vec<String> = i
            .finding_counts
            .iter()
            .map(|(k, v)| format!("{k}:{v}"))
            .collect();
        println!(
            "{:<24} {:<14} {:>10}  {:<12} {}",
            if i.tags.is_empty() {
                "<untagged>".to_string()
            } else {
                i.tags.join(",")
            },
            short(&i.digest),
            human_bytes(i.size.max(0) as u64),
            i.scan_status.as_deref().unwrap_or("-"),
            if findings.is_empty() {
                "-".into()
            } else {
                findings.join(" ")
            }
        );
    }
    Outcome::Success
}
