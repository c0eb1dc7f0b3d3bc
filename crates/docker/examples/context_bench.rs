//! The build-context benchmark's Slipway side (`scripts/bench` runs it): one pass over a
//! context through the same code the app uses, then one JSON line with the wall time, what was
//! sent and the process's peak memory.
//!
//!   context_bench build DIR [TAG]   `build::build` through bollard: walk, tar, send, engine builds
//!   context_bench pack DIR          `stream_context` drained into nothing: walk and tar only
//!
//! The Dockerfile is `DIR/Dockerfile`.

use futures_util::StreamExt;
use slipway_docker::build::{build, BuildRequest};
use slipway_docker::tarstream::stream_context;
use slipway_docker::CancellationToken;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

const USAGE: &str = "usage: context_bench build DIR [TAG] | context_bench pack DIR";

/// The process's peak resident memory in KiB (VmHWM), as `/usr/bin/time -f %M` reports it.
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

async fn pack(dir: PathBuf) -> Result<serde_json::Value, String> {
    let started = Instant::now();
    let (mut stream, progress) = stream_context(&dir, "Dockerfile").map_err(|e| format!("{e}"))?;
    let mut tar_bytes = 0u64;
    while let Some(chunk) = stream.next().await {
        tar_bytes += chunk.map_err(|e| format!("{e}"))?.len() as u64;
    }
    Ok(serde_json::json!({
        "mode": "pack",
        "seconds": started.elapsed().as_secs_f64(),
        "files": progress.files(),
        "tar_bytes": tar_bytes,
    }))
}

async fn build_once(dir: PathBuf, tag: String) -> Result<serde_json::Value, String> {
    let started = Instant::now();
    let (docker, _) = slipway_docker::connect()
        .await
        .map_err(|e| format!("{e}"))?;
    let request = BuildRequest {
        context_dir: dir,
        dockerfile: "Dockerfile".into(),
        tags: vec![tag],
        ..BuildRequest::default()
    };
    let mut sent = (0u64, 0u64);
    let built = build(&docker, &request, &CancellationToken::new(), |event| {
        if let slipway_core::build::BuildEvent::Context {
            files,
            bytes,
            done: true,
        } = event
        {
            sent = (files, bytes);
        }
    })
    .await
    .map_err(|e| format!("{e}"))?;
    Ok(serde_json::json!({
        "mode": "build",
        "seconds": started.elapsed().as_secs_f64(),
        "files": sent.0,
        "tar_bytes": sent.1,
        "image": built.id,
    }))
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("context_bench: no async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = match args.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        ["pack", dir] => runtime.block_on(pack(dir.into())),
        ["build", dir] => runtime.block_on(build_once(dir.into(), "slipway-bench/ctx:ours".into())),
        ["build", dir, tag] => runtime.block_on(build_once(dir.into(), tag.into())),
        _ => Err(USAGE.to_string()),
    };
    match result {
        Ok(mut line) => {
            line["peak_rss_kib"] = serde_json::json!(peak_rss_kib());
            println!("{line}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("context_bench: {e}");
            ExitCode::FAILURE
        }
    }
}
