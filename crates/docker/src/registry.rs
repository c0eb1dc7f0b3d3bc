//! A little of the registry HTTP API (distribution spec v2), spoken to the practice registry on
//! loopback: fetch a manifest exactly as stored (bytes, digest, media type), so that practice
//! mode can register the same manifest with the ECR API and every later step sees one digest.

use crate::push::RegistryLogin;
use base64::Engine as _;
use http_body_util::{BodyExt, Empty};
use hyper::body::Bytes;
use slipway_core::redact::scrub;
use slipway_core::{ErrorBody, ErrorCode};

/// A manifest as the registry holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Manifest {
    /// The exact bytes (the digest is over these).
    pub body: String,
    /// `sha256:...` as the registry reports it (Docker-Content-Digest).
    pub digest: String,
    pub media_type: String,
}

const ACCEPT: &str = "application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.list.v2+json, application/vnd.oci.image.index.v1+json";

/// GETs `/v2/<repository>/manifests/<reference>` from a plain-HTTP registry with basic auth.
pub async fn get_manifest(
    login: &RegistryLogin,
    repository: &str,
    reference: &str,
) -> Result<Manifest, ErrorBody> {
    let fail = |why: String| {
        ErrorBody::new(
            ErrorCode::PushFailed,
            format!(
                "Cannot read the manifest of {repository}:{reference} from {}: {}",
                login.server,
                scrub(&why, &[&login.password])
            ),
            "Check that the practice registry runs (`scripts/practice status`).",
        )
    };
    let stream = tokio::net::TcpStream::connect(&login.server)
        .await
        .map_err(|e| fail(e.to_string()))?;
    let (mut sender, conn) =
        hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream))
            .await
            .map_err(|e| fail(e.to_string()))?;
    tokio::spawn(async move {
        let _ = conn.await;
    });
    let basic = base64::engine::general_purpose::STANDARD
        .encode(format!("{}:{}", login.username, login.password));
    let req = hyper::Request::get(format!("/v2/{repository}/manifests/{reference}"))
        .header(hyper::header::HOST, login.server.as_str())
        .header(hyper::header::ACCEPT, ACCEPT)
        .header(hyper::header::AUTHORIZATION, format!("Basic {basic}"))
        .body(Empty::<Bytes>::new())
        .map_err(|e| fail(e.to_string()))?;
    let resp = sender
        .send_request(req)
        .await
        .map_err(|e| fail(e.to_string()))?;
    let status = resp.status().as_u16();
    let header = |name: &str| {
        resp.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let digest = header("docker-content-digest");
    let media_type = header("content-type");
    let body = resp
        .into_body()
        .collect()
        .await
        .map_err(|e| fail(e.to_string()))?
        .to_bytes();
    if status == 401 {
        return Err(ErrorBody::new(
            ErrorCode::RegistryAuthFailed,
            format!("The registry {} refused the login.", login.server),
            "The practice registry's password file may have changed: run `scripts/practice start` again.",
        ));
    }
    if status != 200 {
        return Err(fail(format!(
            "HTTP {status}: {}",
            String::from_utf8_lossy(&body)
        )));
    }
    let body = String::from_utf8(body.to_vec()).map_err(|e| fail(e.to_string()))?;
    Ok(Manifest {
        digest: digest.ok_or_else(|| fail("no Docker-Content-Digest header".into()))?,
        media_type: media_type
            .unwrap_or_else(|| "application/vnd.docker.distribution.manifest.v2+json".into()),
        body,
    })
}
