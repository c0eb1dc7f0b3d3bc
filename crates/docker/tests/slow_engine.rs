//! The build against a fake engine that, like the classic builder, answers `/build` only after
//! it has read the whole context and taken its time unpacking it.

use slipway_docker::build::{build, BuildRequest};
use slipway_docker::CancellationToken;
use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::net::{UnixListener, UnixStream};
use std::time::Duration;

/// Reads one request (head and body, chunked or not); `None` when the client hung up.
fn read_request(reader: &mut BufReader<UnixStream>) -> Option<String> {
    let mut head = String::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        if line == "\r\n" {
            break;
        }
        head.push_str(&line);
    }
    let lower = head.to_ascii_lowercase();
    if lower.contains("transfer-encoding: chunked") {
        loop {
            let mut size = String::new();
            reader.read_line(&mut size).ok()?;
            let size = usize::from_str_radix(size.trim(), 16).ok()?;
            let mut chunk = vec![0; size + 2];
            reader.read_exact(&mut chunk).ok()?;
            if size == 0 {
                break;
            }
        }
    } else if let Some(len) = lower
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse::<usize>().ok())
    {
        let mut body = vec![0; len];
        reader.read_exact(&mut body).ok()?;
    }
    Some(head)
}

fn respond(stream: &mut UnixStream, body: &str) {
    let _ = write!(
        stream,
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
}

/// Serves image inspects at once and builds after `unpack`, on a socket in `dir`.
fn slow_engine(dir: &std::path::Path, unpack: Duration) -> std::path::PathBuf {
    let path = dir.join("engine.sock");
    let listener = UnixListener::bind(&path).unwrap();
    std::thread::spawn(move || {
        for conn in listener.incoming() {
            let Ok(mut stream) = conn else { return };
            std::thread::spawn(move || {
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                while let Some(head) = read_request(&mut reader) {
                    if head.starts_with("POST") && head.contains("/build") {
                        std::thread::sleep(unpack);
                        respond(
                            &mut stream,
                            "{\"stream\":\"Step 1/1 : FROM slipway/base:practice\\n\"}\n{\"aux\":{\"ID\":\"sha256:built\"}}\n",
                        );
                    } else {
                        respond(
                            &mut stream,
                            r#"{"Id":"sha256:built","Os":"linux","Architecture":"amd64","Size":1}"#,
                        );
                    }
                }
            });
        }
    });
    path
}

#[tokio::test]
async fn a_context_the_engine_takes_longer_to_unpack_than_the_client_timeout_still_builds() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("Dockerfile"),
        "FROM slipway/base:practice\n",
    )
    .unwrap();
    let engine_dir = tempfile::tempdir().unwrap();
    let socket = slow_engine(engine_dir.path(), Duration::from_millis(2500));
    // Every request of this client must answer within 1 s, as connect()'s own do within 10 s.
    let docker = bollard::Docker::connect_with_unix(
        socket.to_str().unwrap(),
        1,
        bollard::API_DEFAULT_VERSION,
    )
    .unwrap();
    let request = BuildRequest {
        context_dir: dir.path().to_path_buf(),
        dockerfile: "Dockerfile".into(),
        tags: vec!["slipway-test/slow:1".into()],
        ..Default::default()
    };
    let built = build(&docker, &request, &CancellationToken::new(), |_| {})
        .await
        .expect("the build waits for the engine to unpack the context");
    assert_eq!(built.id, "sha256:built");
}
