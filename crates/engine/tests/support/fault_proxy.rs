//! A fault-injecting HTTP proxy for tests: it listens on 127.0.0.1, forwards each request of
//! the AWS SDK to the emulator, and with a seeded probability answers instead with what AWS
//! and networks do on a bad day: throttling (400 ThrottlingException, 429), 500 and 503, a
//! slow answer, a connection dropped before the request reached the service, or after it
//! (the request took effect; the answer is lost). Error bodies follow each service's protocol
//! (awsJson, query/EC2, S3's REST-XML), so the SDK parses and retries them as it would AWS's.
//!
//! One request per client connection: the proxy answers `Connection: close`, so the SDK opens
//! a new connection per call and a dropped one never poisons a pooled connection.

#![allow(dead_code)]

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

/// What the proxy can do instead of a plain forward.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Fault {
    Throttle400,
    Throttle429,
    Error500,
    Error503,
    Slow,
    DropBefore,
    DropAfter,
}

pub const ALL: [Fault; 7] = [
    Fault::Throttle400,
    Fault::Throttle429,
    Fault::Error500,
    Fault::Error503,
    Fault::Slow,
    Fault::DropBefore,
    Fault::DropAfter,
];

/// splitmix64: small, seedable, good enough to pick faults.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

struct State {
    rng: Rng,
    /// Probability that a request gets a fault, 0..1.
    rate: f64,
    /// Added to every answer that is forwarded (AWS's round trip, for the latency benchmark).
    latency: Duration,
    injected: Vec<(Fault, String)>,
}

/// A running proxy; dropped, it stops accepting.
pub struct FaultProxy {
    pub url: String,
    state: Arc<Mutex<State>>,
    requests: Arc<AtomicU64>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl FaultProxy {
    /// Starts a proxy to `upstream` (`127.0.0.1:4566`) injecting faults at `rate` from `seed`.
    pub async fn start(upstream: &str, rate: f64, seed: u64) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let state = Arc::new(Mutex::new(State {
            rng: Rng(seed),
            rate,
            latency: Duration::ZERO,
            injected: Vec::new(),
        }));
        let requests = Arc::new(AtomicU64::new(0));
        let upstream = upstream.to_string();
        let (st, count) = (state.clone(), requests.clone());
        let task = tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let (st, count, upstream) = (st.clone(), count.clone(), upstream.clone());
                tokio::spawn(async move {
                    let _ = serve(client, &upstream, &st, &count).await;
                });
            }
        });
        FaultProxy {
            url,
            state,
            requests,
            task,
        }
    }

    pub fn set_rate(&self, rate: f64) {
        self.state.lock().unwrap().rate = rate;
    }

    /// Delays every forwarded answer by `latency`.
    #[allow(dead_code)] // used by the latency benchmark, not the fault matrix
    pub fn set_latency(&self, latency: Duration) {
        self.state.lock().unwrap().latency = latency;
    }

    pub fn requests(&self) -> u64 {
        self.requests.load(Ordering::SeqCst)
    }

    /// The faults injected so far, with the operation each hit.
    pub fn injected(&self) -> Vec<(Fault, String)> {
        self.state.lock().unwrap().injected.clone()
    }
}

/// One HTTP request, raw.
struct Request {
    head: String,
    body: Vec<u8>,
}

impl Request {
    fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().skip(1).find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.trim().eq_ignore_ascii_case(name).then(|| v.trim())
        })
    }

    /// The operation, for the record: `X-Amz-Target`'s, the query's `Action`, or the path.
    fn operation(&self) -> String {
        if let Some(t) = self.header("x-amz-target") {
            return t.rsplit('.').next().unwrap_or(t).to_string();
        }
        let body = String::from_utf8_lossy(&self.body);
        if let Some(a) = body.split('&').find_map(|kv| kv.strip_prefix("Action=")) {
            return a.to_string();
        }
        self.head
            .lines()
            .next()
            .unwrap_or_default()
            .split(' ')
            .take(2)
            .collect::<Vec<_>>()
            .join(" ")
    }
}

async fn read_request(r: &mut BufReader<TcpStream>) -> std::io::Result<Option<Request>> {
    let mut head = String::new();
    loop {
        let mut line = String::new();
        if r.read_line(&mut line).await? == 0 {
            return Ok(None);
        }
        head.push_str(&line);
        if line == "\r\n" {
            break;
        }
    }
    let req = Request {
        head,
        body: Vec::new(),
    };
    let chunked = req
        .header("transfer-encoding")
        .is_some_and(|v| v.eq_ignore_ascii_case("chunked"));
    let mut body = Vec::new();
    if chunked {
        // Kept as chunks on the wire: forwarded byte for byte.
        loop {
            let mut size_line = String::new();
            r.read_line(&mut size_line).await?;
            body.extend_from_slice(size_line.as_bytes());
            let size = usize::from_str_radix(size_line.trim().split(';').next().unwrap_or("0"), 16)
                .unwrap_or(0);
            if size == 0 {
                // Trailers until the blank line.
                loop {
                    let mut t = String::new();
                    r.read_line(&mut t).await?;
                    body.extend_from_slice(t.as_bytes());
                    if t == "\r\n" || t.is_empty() {
                        break;
                    }
                }
                break;
            }
            let mut chunk = vec![0; size + 2];
            r.read_exact(&mut chunk).await?;
            body.extend_from_slice(&chunk);
        }
    } else if let Some(n) = req
        .header("content-length")
        .and_then(|v| v.parse::<usize>().ok())
    {
        body = vec![0; n];
        r.read_exact(&mut body).await?;
    }
    Ok(Some(Request { body, ..req }))
}

/// The request's head with `Connection: close` toward the emulator.
fn closing(head: &str) -> String {
    let mut out = String::new();
    for (i, l) in head.split("\r\n").enumerate() {
        if l.is_empty() {
            continue;
        }
        if i > 0 && l.to_ascii_lowercase().starts_with("connection:") {
            continue;
        }
        out.push_str(l);
        out.push_str("\r\n");
    }
    out.push_str("Connection: close\r\n\r\n");
    out
}

/// Forwards `req` to the emulator and returns its whole answer (read to the close).
async fn forward(upstream: &str, req: &Request) -> std::io::Result<Vec<u8>> {
    let mut up = TcpStream::connect(upstream).await?;
    up.write_all(closing(&req.head).as_bytes()).await?;
    up.write_all(&req.body).await?;
    let mut answer = Vec::new();
    up.read_to_end(&mut answer).await?;
    Ok(answer)
}

/// The answer with `Connection: close` (the client opens a new connection next time).
fn close_after(answer: &[u8]) -> Vec<u8> {
    let Some(end) = answer.windows(4).position(|w| w == b"\r\n\r\n") else {
        return answer.to_vec();
    };
    let head = String::from_utf8_lossy(&answer[..end + 4]).to_string();
    let mut out = closing(&head).into_bytes();
    out.extend_from_slice(&answer[end + 4..]);
    out
}

/// An error answer in the request's protocol.
fn error_answer(req: &Request, fault: Fault) -> Vec<u8> {
    let status = match fault {
        Fault::Throttle400 => "400 Bad Request",
        Fault::Throttle429 => "429 Too Many Requests",
        Fault::Error500 => "500 Internal Server Error",
        _ => "503 Service Unavailable",
    };
    let throttled = matches!(fault, Fault::Throttle400 | Fault::Throttle429);
    let body_text = String::from_utf8_lossy(&req.body).to_string();
    let (content_type, body) = if req.header("x-amz-target").is_some() {
        let kind = match fault {
            Fault::Error500 => "InternalFailure",
            Fault::Error503 => "ServiceUnavailable",
            _ => "ThrottlingException",
        };
        (
            "application/x-amz-json-1.1",
            format!(r#"{{"__type":"{kind}","message":"Rate exceeded"}}"#),
        )
    } else if body_text.contains("Version=2016-11-15") {
        // EC2's query protocol has its own error shape.
        let code = if throttled {
            "RequestLimitExceeded"
        } else {
            "InternalError"
        };
        (
            "text/xml",
            format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Errors><Error><Code>{code}</Code><Message>Request limit exceeded.</Message></Error></Errors><RequestID>fault-proxy</RequestID></Response>"),
        )
    } else if body_text.contains("Action=") {
        let code = match fault {
            Fault::Error500 => "InternalFailure",
            Fault::Error503 => "ServiceUnavailable",
            _ => "Throttling",
        };
        (
            "text/xml",
            format!("<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>Rate exceeded</Message></Error><RequestId>fault-proxy</RequestId></ErrorResponse>"),
        )
    } else {
        // S3 (REST-XML): throttling is 503 SlowDown.
        let code = if throttled {
            "SlowDown"
        } else {
            "InternalError"
        };
        (
            "application/xml",
            format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>{code}</Code><Message>Please reduce your request rate.</Message><RequestId>fault-proxy</RequestId></Error>"),
        )
    };
    // S3 answers throttling with 503 SlowDown.
    let s3 = req.header("x-amz-target").is_none() && !body_text.contains("Action=");
    let status = if s3 && throttled {
        "503 Service Unavailable"
    } else {
        status
    };
    format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nx-amzn-RequestId: fault-proxy\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

async fn serve(
    client: TcpStream,
    upstream: &str,
    state: &Mutex<State>,
    count: &AtomicU64,
) -> std::io::Result<()> {
    let mut reader = BufReader::new(client);
    let Some(req) = read_request(&mut reader).await? else {
        return Ok(());
    };
    count.fetch_add(1, Ordering::SeqCst);
    let (fault, delay_ms, latency) = {
        let mut s = state.lock().unwrap();
        let hit = s.rng.unit() < s.rate;
        let pick = (s.rng.next() % ALL.len() as u64) as usize;
        let delay = 200 + s.rng.next() % 1300;
        let fault = hit.then_some(ALL[pick]);
        if let Some(f) = fault {
            s.injected.push((f, req.operation()));
        }
        (fault, delay, s.latency)
    };
    let mut client = reader.into_inner();
    match fault {
        None | Some(Fault::Slow) => {
            if fault.is_some() {
                tokio::time::sleep(Duration::from_millis(delay_ms)).await;
            }
            if !latency.is_zero() {
                tokio::time::sleep(latency).await;
            }
            let answer = forward(upstream, &req).await?;
            client.write_all(&close_after(&answer)).await?;
        }
        Some(Fault::DropBefore) => {
            // Nothing reaches the service; the connection just ends.
            drop(client);
        }
        Some(Fault::DropAfter) => {
            // The service did it; the answer never arrives.
            let _ = forward(upstream, &req).await;
            drop(client);
        }
        Some(f) => {
            client.write_all(&error_answer(&req, f)).await?;
        }
    }
    Ok(())
}
