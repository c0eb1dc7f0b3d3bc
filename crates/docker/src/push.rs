//! Pushing an image to a registry with per-layer progress. bollard's push drops the layer id
//! and the final digest from the engine's messages, so this speaks to the Engine API's push
//! endpoint directly (same socket, same API version) and reads every field. Credentials go to
//! the engine in the X-Registry-Auth header only, in memory; they are never logged and are
//! scrubbed from any error text.

use crate::engine::EngineInfo;
use crate::DockerError;
use base64::Engine as _;
use bollard::query_parameters::TagImageOptionsBuilder;
use bollard::Docker;
use http_body_util::{BodyExt, Empty};
use hyper::body::Bytes;
use serde::{Deserialize, Serialize};
use slipway_core::redact::scrub;
use slipway_core::{ErrorBody, ErrorCode};
use std::collections::BTreeMap;
use tokio_util::sync::CancellationToken;
use ts_rs::TS;

/// A registry login, held in memory only. `Debug` never shows the password.
#[derive(Clone)]
pub struct RegistryLogin {
    pub username: String,
    pub password: String,
    /// The registry host, e.g. `123456789012.dkr.ecr.us-east-1.amazonaws.com` or `127.0.0.1:5050`.
    pub server: String,
}

impl std::fmt::Debug for RegistryLogin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RegistryLogin")
            .field("username", &self.username)
            .field("password", &"***")
            .field("server", &self.server)
            .finish()
    }
}

impl RegistryLogin {
    /// The X-Registry-Auth header value: base64url of the JSON the engine expects.
    fn header(&self) -> String {
        let json = serde_json::json!({
            "username": self.username,
            "password": self.password,
            "serveraddress": self.server,
        });
        base64::engine::general_purpose::URL_SAFE.encode(json.to_string())
    }
}

/// Where a layer is in the push.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum LayerState {
    Preparing,
    Waiting,
    Pushing,
    Pushed,
    /// The registry already had it: nothing was sent.
    AlreadyExists,
    /// The registry copied it from another repository it holds.
    Mounted,
    Retrying,
}

impl LayerState {
    fn from_status(status: &str) -> Option<Self> {
        Some(match status {
            "Preparing" => Self::Preparing,
            "Waiting" => Self::Waiting,
            "Pushing" => Self::Pushing,
            "Pushed" => Self::Pushed,
            "Layer already exists" => Self::AlreadyExists,
            s if s.starts_with("Mounted from") => Self::Mounted,
            s if s.starts_with("Retrying") => Self::Retrying,
            _ => return None,
        })
    }

    /// Whether the layer is done (sent or not needed).
    pub fn is_done(self) -> bool {
        matches!(self, Self::Pushed | Self::AlreadyExists | Self::Mounted)
    }
}

/// What a push reports as it goes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PushEvent {
    /// The push starts: the image, where it goes.
    Started { image: String, target: String },
    /// A layer changed state or sent more bytes.
    Layer {
        id: String,
        state: LayerState,
        #[ts(type = "number")]
        current: u64,
        #[ts(type = "number | null")]
        total: Option<u64>,
    },
    /// The registry accepted the manifest.
    Pushed {
        tag: String,
        digest: String,
        #[ts(type = "number")]
        size: u64,
    },
    /// The login expired or was refused and a new one is being fetched.
    Reauthenticating { reason: String },
}

/// A finished push.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct PushResult {
    /// `repo:tag` as pushed.
    pub reference: String,
    pub digest: String,
    #[ts(type = "number")]
    pub manifest_size: u64,
    /// Layers, by id, in the state they ended in.
    pub layers: BTreeMap<String, LayerState>,
}

/// One line of the engine's push stream.
#[derive(Debug, Deserialize, Default)]
struct EngineMessage {
    status: Option<String>,
    id: Option<String>,
    #[serde(rename = "progressDetail")]
    progress_detail: Option<Progress>,
    #[serde(rename = "errorDetail")]
    error_detail: Option<ErrorDetail>,
    error: Option<String>,
    aux: Option<Aux>,
}

#[derive(Debug, Deserialize, Default)]
struct Progress {
    current: Option<u64>,
    total: Option<u64>,
}

#[derive(Debug, Deserialize)]
struct ErrorDetail {
    message: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Aux {
    #[serde(rename = "Tag")]
    tag: Option<String>,
    #[serde(rename = "Digest")]
    digest: Option<String>,
    #[serde(rename = "Size")]
    size: Option<u64>,
}

/// Why a push failed, in the person's terms.
pub fn push_failure(message: &str, target: &str, login: &RegistryLogin) -> ErrorBody {
    let clean = scrub(message.trim(), &[&login.password]);
    let lower = clean.to_ascii_lowercase();
    if lower.contains("authorization token has expired") {
        return ErrorBody::new(
            ErrorCode::RegistryAuthFailed,
            format!("The registry login for {} expired: {clean}", login.server),
            "ECR logins last 12 hours; push again and Slipway fetches a new one.",
        );
    }
    if lower.contains("unauthorized")
        || lower.contains("authentication required")
        || lower.contains("no basic auth credentials")
        || lower.contains("denied")
    {
        return ErrorBody::new(
            ErrorCode::RegistryAuthFailed,
            format!("The registry {} refused the login: {clean}", login.server),
            "Check that the profile may push to this repository (ecr:InitiateLayerUpload, ecr:UploadLayerPart, ecr:CompleteLayerUpload, ecr:PutImage), and that the repository exists in this account and region.",
        );
    }
    if lower.contains("no space left on device") || lower.contains("disk quota") {
        return ErrorBody::new(
            ErrorCode::StorageFull,
            format!("The registry ran out of space while receiving {target}: {clean}"),
            "Free space where the registry keeps its data (practice: ~/.local/state/slipway/practice/registry), then push again; layers already sent are kept.",
        );
    }
    if lower.contains("tag invalid")
        || lower.contains("already exists") && lower.contains("immutable")
    {
        return ErrorBody::new(
            ErrorCode::ImageTagExists,
            format!("The registry refused the tag: {clean}"),
            "The repository's tags are immutable: build again to get a new tag (commit your change for a new git SHA).",
        );
    }
    ErrorBody::new(
        ErrorCode::PushFailed,
        format!("Pushing {target} failed: {clean}"),
        "Push again: layers that were sent are kept, so the retry resumes. If it keeps failing, check the network to the registry.",
    )
}

/// What to push where.
#[derive(Debug, Clone, Copy)]
pub struct PushRequest<'a> {
    /// The local image, e.g. `shop:1a2b3c4`.
    pub image: &'a str,
    /// The repository it goes to, with its registry host.
    pub target_repo: &'a str,
    pub tag: &'a str,
    pub login: &'a RegistryLogin,
}

/// Tags the image as `target_repo:tag` and pushes it, reporting each layer. Cancelling closes
/// the connection, which stops the push in the engine (the registry discards partial uploads).
pub async fn push(
    docker: &Docker,
    engine: &EngineInfo,
    req: PushRequest<'_>,
    cancel: &CancellationToken,
    mut on_event: impl FnMut(PushEvent),
) -> Result<PushResult, DockerError> {
    let PushRequest {
        image,
        target_repo,
        tag,
        login,
    } = req;
    match docker
        .tag_image(
            image,
            Some(
                TagImageOptionsBuilder::default()
                    .repo(target_repo)
                    .tag(tag)
                    .build(),
            ),
        )
        .await
    {
        Ok(()) => {}
        Err(bollard::errors::Error::DockerResponseServerError {
            status_code: 404, ..
        }) => {
            return Err(DockerError::ImageNotFound {
                image: image.to_string(),
            })
        }
        Err(e) => return Err(DockerError::Engine(e)),
    }
    let reference = format!("{target_repo}:{tag}");
    on_event(PushEvent::Started {
        image: image.to_string(),
        target: reference.clone(),
    });
    let path = format!(
        "/v{}/images/{}/push?tag={}",
        engine.api_version,
        percent_encode(target_repo),
        percent_encode(tag)
    );
    let mut body = open_stream(engine, &path, &login.header()).await?;
    let mut layers: BTreeMap<String, LayerState> = BTreeMap::new();
    let mut digest: Option<(String, u64)> = None;
    let mut pending = Vec::<u8>::new();
    loop {
        let frame = tokio::select! {
            biased;
            _ = cancel.cancelled() => return Err(DockerError::Cancelled),
            f = body.frame() => f,
        };
        let Some(frame) = frame else { break };
        // The answer had started: an error reading it means the connection broke under it.
        let frame = frame.map_err(|e| DockerError::EngineLost {
            during: "push",
            detail: scrub(&e.to_string(), &[&login.password]),
        })?;
        let Some(data) = frame.data_ref() else {
            continue;
        };
        pending.extend_from_slice(data);
        while let Some(nl) = pending.iter().position(|b| *b == b'\n') {
            let line: Vec<u8> = pending.drain(..=nl).collect();
            let Ok(msg) = serde_json::from_slice::<EngineMessage>(&line) else {
                continue;
            };
            if let Some(err) = msg.error_detail.and_then(|d| d.message).or(msg.error) {
                return Err(DockerError::Core(push_failure(&err, &reference, login)));
            }
            if let Some(aux) = msg.aux {
                if let Some(d) = aux.digest {
                    let size = aux.size.unwrap_or(0);
                    on_event(PushEvent::Pushed {
                        tag: aux.tag.unwrap_or_else(|| tag.to_string()),
                        digest: d.clone(),
                        size,
                    });
                    digest = Some((d, size));
                }
                continue;
            }
            if let (Some(id), Some(status)) = (msg.id, msg.status.as_deref()) {
                if let Some(state) = LayerState::from_status(status) {
                    let p = msg.progress_detail.unwrap_or_default();
                    layers.insert(id.clone(), state);
                    on_event(PushEvent::Layer {
                        id,
                        state,
                        current: p.current.unwrap_or(0),
                        total: p.total.filter(|t| *t > 0),
                    });
                }
            }
        }
    }
    // The engine reports the digest last; an answer that ends without it was cut short.
    let (digest, manifest_size) = digest.ok_or_else(|| DockerError::EngineLost {
        during: "push",
        detail: "its answer ended before it reported the image's digest".into(),
    })?;
    Ok(PushResult {
        reference,
        digest,
        manifest_size,
        layers,
    })
}

fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/:".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

type EngineBody = hyper::body::Incoming;

/// POSTs to the engine over its socket (unix or tcp) and returns the streaming body.
async fn open_stream(
    engine: &EngineInfo,
    path: &str,
    auth: &str,
) -> Result<EngineBody, DockerError> {
    let failed = |detail: String| DockerError::Unreachable {
        tried: format!("{} ({detail})", engine.endpoint),
        source: None,
    };
    let req = hyper::Request::post(path)
        .header(hyper::header::HOST, "docker")
        .header("X-Registry-Auth", auth)
        .header(hyper::header::CONTENT_TYPE, "application/json")
        .body(Empty::<Bytes>::new())
        .map_err(|e| failed(e.to_string()))?;
    let resp = if let Some(sock) = engine.endpoint.strip_prefix("unix://") {
        let stream = tokio::net::UnixStream::connect(sock)
            .await
            .map_err(|e| failed(e.to_string()))?;
        send(hyper_util::rt::TokioIo::new(stream), req).await
    } else {
        let addr = engine
            .endpoint
            .trim_start_matches("tcp://")
            .trim_start_matches("http://")
            .trim_end_matches('/');
        let stream = tokio::net::TcpStream::connect(addr)
            .await
            .map_err(|e| failed(e.to_string()))?;
        send(hyper_util::rt::TokioIo::new(stream), req).await
    }
    .map_err(|e| failed(e.to_string()))?;
    let status = resp.status().as_u16();
    if status >= 400 {
        let bytes = resp
            .into_body()
            .collect()
            .await
            .map(|b| b.to_bytes())
            .unwrap_or_default();
        let message = serde_json::from_slice::<serde_json::Value>(&bytes)
            .ok()
            .and_then(|v| v["message"].as_str().map(str::to_string))
            .unwrap_or_else(|| String::from_utf8_lossy(&bytes).into_owned());
        return Err(DockerError::Engine(
            bollard::errors::Error::DockerResponseServerError {
                status_code: status,
                message,
            },
        ));
    }
    Ok(resp.into_body())
}

async fn send<T>(
    io: T,
    req: hyper::Request<Empty<Bytes>>,
) -> Result<hyper::Response<EngineBody>, hyper::Error>
where
    T: hyper::rt::Read + hyper::rt::Write + Unpin + Send + 'static,
{
    let (mut sender, conn) = hyper::client::conn::http1::handshake(io).await?;
    tokio::spawn(async move {
        let _ = conn.await;
    });
    sender.send_request(req).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn login() -> RegistryLogin {
        RegistryLogin {
            username: "AWS".into(),
            password: "s3cr3t-token-value".into(),
            server: "123.dkr.ecr.us-east-1.amazonaws.com".into(),
        }
    }

    #[test]
    fn the_auth_header_is_base64url_json_the_engine_understands() {
        let h = login().header();
        assert!(!h.contains("s3cr3t"), "the header is encoded, not plain");
        let json = base64::engine::general_purpose::URL_SAFE.decode(h).unwrap();
        let v: serde_json::Value = serde_json::from_slice(&json).unwrap();
        assert_eq!(v["username"], "AWS");
        assert_eq!(v["serveraddress"], "123.dkr.ecr.us-east-1.amazonaws.com");
    }

    #[test]
    fn debug_never_shows_the_password() {
        let shown = format!("{:?}", login());
        assert!(!shown.contains("s3cr3t"), "{shown}");
    }

    #[test]
    fn engine_statuses_map_to_layer_states() {
        assert_eq!(
            LayerState::from_status("Layer already exists"),
            Some(LayerState::AlreadyExists)
        );
        assert_eq!(
            LayerState::from_status("Mounted from library/x"),
            Some(LayerState::Mounted)
        );
        assert_eq!(
            LayerState::from_status("Retrying in 5 seconds"),
            Some(LayerState::Retrying)
        );
        assert_eq!(
            LayerState::from_status("The push refers to repository [x]"),
            None
        );
    }

    #[test]
    fn failures_are_explained_and_never_carry_the_password() {
        let l = login();
        let e = push_failure(
            "denied: Your authorization token has expired. Reauthenticate and try again.",
            "x:1",
            &l,
        );
        assert_eq!(e.code, ErrorCode::RegistryAuthFailed);
        assert!(e.message.contains("expired"));
        let e = push_failure(
            "unauthorized: authentication required for s3cr3t-token-value",
            "x:1",
            &l,
        );
        assert_eq!(e.code, ErrorCode::RegistryAuthFailed);
        assert!(!e.message.contains("s3cr3t"), "{}", e.message);
        let e = push_failure(
            "write /var/lib/registry/x: no space left on device",
            "x:1",
            &l,
        );
        assert_eq!(e.code, ErrorCode::StorageFull);
        let e = push_failure("tag invalid: The image tag '1' already exists in the 'x' repository and cannot be overwritten because the repository is immutable.", "x:1", &l);
        assert_eq!(e.code, ErrorCode::ImageTagExists);
        let e = push_failure("connection reset by peer", "x:1", &l);
        assert_eq!(e.code, ErrorCode::PushFailed);
    }
}
