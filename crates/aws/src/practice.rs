//! Probes of the local practice stack: the AWS emulator and the registry standing in for ECR's
//! registry endpoint. Both listen on loopback only; plain HTTP/1.1 is enough to ask them.

use crate::AwsError;
use slipway_core::connection::PracticeStack;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const PROBE_TIMEOUT: Duration = Duration::from_secs(3);

/// Sends `GET path` to `host:port` and returns the HTTP status code.
async fn http_status(
    host_port: &str,
    path: &str,
    authorization: Option<&str>,
) -> std::io::Result<u16> {
    let fut = async {
        let mut stream = tokio::net::TcpStream::connect(host_port).await?;
        let mut req = format!("GET {path} HTTP/1.1\r\nHost: {host_port}\r\nConnection: close\r\nUser-Agent: slipway-doctor\r\n");
        if let Some(a) = authorization {
            req.push_str(&format!("Authorization: {a}\r\n"));
        }
        req.push_str("\r\n");
        stream.write_all(req.as_bytes()).await?;
        let mut head = [0u8; 64];
        let mut read = 0;
        while read < 12 {
            let n = stream.read(&mut head[read..]).await?;
            if n == 0 {
                break;
            }
            read += n;
        }
        let line = String::from_utf8_lossy(&head[..read]);
        line.split_whitespace()
            .nth(1)
            .and_then(|c| c.parse::<u16>().ok())
            .ok_or_else(|| {
                std::io::Error::new(std::io::ErrorKind::InvalidData, "not an HTTP answer")
            })
    };
    tokio::time::timeout(PROBE_TIMEOUT, fut)
        .await
        .map_err(|_| std::io::Error::new(std::io::ErrorKind::TimedOut, "no answer within 3 s"))?
}

fn host_port(endpoint: &str) -> &str {
    endpoint
        .trim_start_matches("http://")
        .trim_start_matches("https://")
        .trim_end_matches('/')
}

/// Checks that the AWS emulator answers; returns what answered.
pub async fn probe_aws_endpoint(stack: &PracticeStack) -> Result<String, AwsError> {
    let hp = host_port(&stack.aws_endpoint);
    match http_status(hp, "/moto-api/", None).await {
        Ok(200) => Ok(format!("moto at {}", stack.aws_endpoint)),
        Ok(code) => Err(AwsError::Unreachable {
            endpoint: stack.aws_endpoint.clone(),
            detail: format!("something answers with HTTP {code}, but it is not the practice AWS emulator (moto)"),
            practice: true,
        }),
        Err(e) => Err(AwsError::Unreachable { endpoint: stack.aws_endpoint.clone(), detail: e.to_string(), practice: true }),
    }
}

/// Checks that the registry answers, demands a login, and accepts the practice credentials.
pub async fn probe_registry(stack: &PracticeStack) -> Result<String, AwsError> {
    let endpoint = format!("http://{}", stack.registry);
    let down = |detail: String| AwsError::Unreachable {
        endpoint: endpoint.clone(),
        detail,
        practice: true,
    };
    let password = std::fs::read_to_string(stack.registry_password_file()).map_err(|e| {
        down(format!(
            "the registry password file {} cannot be read ({e})",
            stack.registry_password_file().display()
        ))
    })?;
    let token =
        aws_smithy_types::base64::encode(format!("{}:{}", stack.registry_user, password.trim()));
    match http_status(&stack.registry, "/v2/", None).await {
        Ok(401) => {}
        Ok(code) => {
            return Err(down(format!(
            "the registry answered HTTP {code} without credentials; it must require a login (401)"
        )))
        }
        Err(e) => return Err(down(e.to_string())),
    }
    match http_status(&stack.registry, "/v2/", Some(&format!("Basic {token}"))).await {
        Ok(200) => Ok(format!("registry at {} (basic auth)", stack.registry)),
        Ok(code) => Err(down(format!(
            "the registry refused the practice login with HTTP {code}"
        ))),
        Err(e) => Err(down(e.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stack_at(aws: &str, registry: &str, dir: &std::path::Path) -> PracticeStack {
        PracticeStack {
            aws_endpoint: aws.into(),
            registry: registry.into(),
            registry_user: "slipway".into(),
            state_dir: dir.into(),
        }
    }

    #[tokio::test]
    async fn a_stopped_stack_is_reported_with_how_to_start_it() {
        // Bind then drop to get a port nobody listens on.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let dir = tempfile::tempdir().unwrap();
        let stack = stack_at(
            &format!("http://127.0.0.1:{port}"),
            &format!("127.0.0.1:{port}"),
            dir.path(),
        );
        let body = slipway_core::ErrorBody::from(probe_aws_endpoint(&stack).await.unwrap_err());
        assert_eq!(body.code, slipway_core::ErrorCode::PracticeStackDown);
        assert!(
            body.hint.contains("scripts/practice start"),
            "{}",
            body.hint
        );
        assert!(body.message.contains(&port.to_string()));
        let body = slipway_core::ErrorBody::from(probe_registry(&stack).await.unwrap_err());
        assert_eq!(body.code, slipway_core::ErrorCode::PracticeStackDown);
    }

    #[tokio::test]
    async fn something_else_on_the_port_is_not_mistaken_for_moto() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            if let Ok((mut s, _)) = listener.accept().await {
                let mut buf = [0u8; 512];
                let _ = s.read(&mut buf).await;
                let _ = s
                    .write_all(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
                    .await;
            }
        });
        let dir = tempfile::tempdir().unwrap();
        let err = probe_aws_endpoint(&stack_at(
            &format!("http://{addr}"),
            "127.0.0.1:1",
            dir.path(),
        ))
        .await
        .unwrap_err();
        assert!(err.to_string().contains("404"), "{err}");
    }
}
