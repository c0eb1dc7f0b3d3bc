//! A plain HTTP GET with a deadline, for smoke tests and availability probes. It reports what
//! answered (status, the start of the body, latency) or why nothing did.

use http_body_util::{BodyExt, Empty};
use hyper::body::Bytes;
use serde::Serialize;
use std::time::{Duration, Instant};
use ts_rs::TS;

/// At most this much of a body is kept.
const BODY_LIMIT: usize = 4096;

/// One answer from a server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ProbeResponse {
    pub status: u16,
    /// The start of the body (at most 4 KiB), as text.
    pub body: String,
    pub latency_ms: u32,
    /// The `X-App-Version` header, when the app reports which version answered.
    pub version: Option<String>,
}

/// Why a probe got no answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProbeError {
    #[error("'{0}' is not an http:// URL with a host and port")]
    BadUrl(String),
    #[error("connection refused or reset: {0}")]
    Connect(String),
    #[error("no answer within {0} ms")]
    Timeout(u64),
    #[error("the answer was not valid HTTP: {0}")]
    Protocol(String),
}

/// Splits `http://host:port/path?q` into (`host:port`, `/path?q`).
pub fn split_url(url: &str) -> Result<(String, String), ProbeError> {
    let rest = url
        .strip_prefix("http://")
        .ok_or_else(|| ProbeError::BadUrl(url.into()))?;
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    if authority.is_empty() {
        return Err(ProbeError::BadUrl(url.into()));
    }
    let authority = if authority.contains(':') {
        authority.to_string()
    } else {
        format!("{authority}:80")
    };
    Ok((authority, path.to_string()))
}

/// GETs `url` (plain HTTP/1.1), waiting at most `timeout` for the whole answer.
pub async fn get(url: &str, timeout: Duration) -> Result<ProbeResponse, ProbeError> {
    let (authority, path) = split_url(url)?;
    let started = Instant::now();
    let work = async {
        let stream = tokio::net::TcpStream::connect(&authority)
            .await
            .map_err(|e| ProbeError::Connect(e.to_string()))?;
        let io = hyper_util::rt::TokioIo::new(stream);
        let (mut sender, conn) = hyper::client::conn::http1::handshake(io)
            .await
            .map_err(|e| ProbeError::Protocol(e.to_string()))?;
        tokio::spawn(async move {
            let _ = conn.await;
        });
        let req = hyper::Request::get(path)
            .header(hyper::header::HOST, authority.as_str())
            .header(hyper::header::USER_AGENT, "slipway-probe")
            .header(hyper::header::CONNECTION, "close")
            .body(Empty::<Bytes>::new())
            .map_err(|e| ProbeError::BadUrl(e.to_string()))?;
        let resp = sender
            .send_request(req)
            .await
            .map_err(|e| ProbeError::Connect(e.to_string()))?;
        let status = resp.status().as_u16();
        let version = resp
            .headers()
            .get("x-app-version")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let mut body = Vec::new();
        let mut incoming = resp.into_body();
        while let Some(frame) = incoming.frame().await {
            let frame = frame.map_err(|e| ProbeError::Protocol(e.to_string()))?;
            if let Some(data) = frame.data_ref() {
                let room = BODY_LIMIT.saturating_sub(body.len());
                body.extend_from_slice(&data[..data.len().min(room)]);
                if body.len() >= BODY_LIMIT {
                    break;
                }
            }
        }
        Ok(ProbeResponse {
            status,
            body: String::from_utf8_lossy(&body).into_owned(),
            latency_ms: u32::try_from(started.elapsed().as_millis()).unwrap_or(u32::MAX),
            version,
        })
    };
    tokio::time::timeout(timeout, work)
        .await
        .map_err(|_| ProbeError::Timeout(timeout.as_millis() as u64))?
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    #[test]
    fn urls_split_into_authority_and_path() {
        assert_eq!(
            split_url("http://127.0.0.1:8080/health?x=1").unwrap(),
            ("127.0.0.1:8080".into(), "/health?x=1".into())
        );
        assert_eq!(
            split_url("http://example.com").unwrap(),
            ("example.com:80".into(), "/".into())
        );
        assert!(split_url("https://x").is_err());
        assert!(split_url("http:///x").is_err());
    }

    async fn one_shot_server(answer: &'static [u8]) -> u16 {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        tokio::spawn(async move {
            if let Ok((mut s, _)) = listener.accept().await {
                let mut buf = [0u8; 1024];
                let _ = s.read(&mut buf).await;
                let _ = s.write_all(answer).await;
            }
        });
        port
    }

    #[tokio::test]
    async fn reads_status_body_and_version() {
        let port = one_shot_server(
            b"HTTP/1.1 200 OK\r\nContent-Length: 11\r\nX-App-Version: 2\r\nConnection: close\r\n\r\n{\"ok\":true}",
        )
        .await;
        let r = get(
            &format!("http://127.0.0.1:{port}/health"),
            Duration::from_secs(2),
        )
        .await
        .unwrap();
        assert_eq!(r.status, 200);
        assert_eq!(r.body, "{\"ok\":true}");
        assert_eq!(r.version.as_deref(), Some("2"));
    }

    #[tokio::test]
    async fn nobody_listening_is_a_connect_error_and_silence_a_timeout() {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let err = get(&format!("http://127.0.0.1:{port}/"), Duration::from_secs(2))
            .await
            .unwrap_err();
        assert!(matches!(err, ProbeError::Connect(_)), "{err:?}");

        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let _keep = tokio::spawn(async move {
            let (_s, _) = listener.accept().await.unwrap();
            tokio::time::sleep(Duration::from_secs(5)).await;
        });
        let err = get(
            &format!("http://127.0.0.1:{port}/"),
            Duration::from_millis(200),
        )
        .await
        .unwrap_err();
        assert_eq!(err, ProbeError::Timeout(200));
    }
}
