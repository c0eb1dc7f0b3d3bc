//! The zero-downtime check against a loopback server that plays a rollout: version 1 answers,
//! then nothing listens for a moment (the outage a bad rollout causes), then version 2. The
//! check must see both versions in order, count the failed probes, measure the outage, and
//! keep to its rate. Bounded: 10 probes a second for about 2.5 s, on 127.0.0.1 only.

use slipway_docker::CancellationToken;
use slipway_engine::monitor::{zero_downtime_check, MAX_PROBES_PER_SECOND};
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

async fn serve(listener: TcpListener, version: Arc<AtomicU8>, stop: CancellationToken) {
    loop {
        let (mut sock, _) = tokio::select! {
            _ = stop.cancelled() => return,
            a = listener.accept() => match a { Ok(a) => a, Err(_) => return },
        };
        let v = version.load(Ordering::SeqCst);
        tokio::spawn(async move {
            let mut buf = [0u8; 1024];
            let _ = sock.read(&mut buf).await;
            let body = format!("{{\"version\":\"{v}\"}}");
            let resp = format!(
                "HTTP/1.1 200 OK\r\nX-App-Version: {v}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = sock.write_all(resp.as_bytes()).await;
        });
    }
}

#[tokio::test]
async fn a_rollout_with_an_outage_is_measured() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let url = format!("http://{addr}/health");
    let version = Arc::new(AtomicU8::new(1));
    let stop_v1 = CancellationToken::new();
    let server = tokio::spawn(serve(listener, version.clone(), stop_v1.clone()));

    let cancel = CancellationToken::new();
    let check = {
        let cancel = cancel.clone();
        let url = url.clone();
        tokio::spawn(async move { zero_downtime_check(&url, 50, &cancel, |_| {}).await })
    };
    tokio::time::sleep(Duration::from_millis(800)).await;
    // The outage: nothing listens on the port.
    stop_v1.cancel();
    server.await.unwrap();
    tokio::time::sleep(Duration::from_millis(600)).await;
    // Version 2 comes up on the same port.
    version.store(2, Ordering::SeqCst);
    let listener = TcpListener::bind(addr).await.unwrap();
    let stop_v2 = CancellationToken::new();
    let server = tokio::spawn(serve(listener, version.clone(), stop_v2.clone()));
    tokio::time::sleep(Duration::from_millis(1000)).await;
    cancel.cancel();
    let report = check.await.unwrap();
    stop_v2.cancel();
    server.await.unwrap();

    println!(
        "{} probes: {} ok, {} failed, success {:.2}, longest outage {} ms, p95 {:?} ms, versions {:?}",
        report.samples.len(), report.ok, report.failed, report.success_rate,
        report.longest_outage_ms, report.p95_latency_ms, report.versions
    );
    assert_eq!(report.versions, vec!["1", "2"], "both versions, in order");
    assert!(report.failed >= 3, "the outage was seen: {}", report.failed);
    assert!(report.ok >= 10);
    assert!(
        (400..=1200).contains(&report.longest_outage_ms),
        "the outage lasted about 600 ms: {}",
        report.longest_outage_ms
    );
    assert!(report.success_rate < 1.0 && report.success_rate > 0.5);
    // The rate asked (50/s) is capped: about 2.4 s at 10/s.
    let max = (2.6 * f64::from(MAX_PROBES_PER_SECOND)).ceil() as usize + 2;
    assert!(
        report.samples.len() <= max,
        "{} probes > {max}",
        report.samples.len()
    );
    let v1_last = report
        .samples
        .iter()
        .rposition(|s| s.version.as_deref() == Some("1"))
        .unwrap();
    let v2_first = report
        .samples
        .iter()
        .position(|s| s.version.as_deref() == Some("2"))
        .unwrap();
    assert!(v1_last < v2_first);
    assert!(report.samples[v1_last + 1..v2_first]
        .iter()
        .all(|s| s.status.is_none() && s.error.is_some()));
}
