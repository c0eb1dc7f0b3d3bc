//! Secrets never leak: a whole practice-mode flow through the real CLI (build, push, apply,
//! pipeline, status, lab report and commands, destroy) with debug logging on, then every byte
//! it left behind is scanned for the secrets it handled: the AWS secret key and session token, the ECR login
//! token and the password inside it, the registry's password. Scanned: each command's stdout
//! and stderr (where the CLI's log goes), the data folder (the SQLite store and its journal,
//! WAL included), and the project folder (the exported report). Zero hits.

use std::path::{Path, PathBuf};
use std::process::Command;

fn slipway(data: &Path, args: &[&str]) -> (bool, Vec<u8>) {
    let out = Command::new(env!("CARGO_BIN_EXE_slipway"))
        .args(args)
        .env("SLIPWAY_DATA_DIR", data)
        .env("SLIPWAY_PROFILE", "practice")
        // Everything a person could ask for, the SDK's own wire-level tracing included.
        .env(
            "SLIPWAY_LOG",
            "trace,aws_smithy_runtime=trace,aws_sigv4=trace",
        )
        .env(
            "SLIPWAY_PRACTICE_DIR",
            slipway_core::connection::PracticeStack::from_env().state_dir,
        )
        .output()
        .expect("slipway runs");
    let mut all = out.stdout.clone();
    all.extend_from_slice(&out.stderr);
    if !out.status.success() {
        eprintln!(
            "slipway {args:?} failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    (out.status.success(), all)
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(rd) = std::fs::read_dir(dir) else {
        return out;
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(files_under(&p));
        } else {
            out.push(p);
        }
    }
    out
}

fn python(expr: &str) -> String {
    let endpoint = slipway_core::connection::PracticeStack::from_env().aws_endpoint;
    let script = format!(
        "import boto3, base64\n\
         ecr = boto3.client('ecr', endpoint_url='{endpoint}', region_name='us-east-1', aws_access_key_id='x', aws_secret_access_key='x')\n\
         print({expr})"
    );
    let py = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.venv/bin/python");
    let out = Command::new(py)
        .arg("-c")
        .arg(script)
        .output()
        .expect("the .venv's python");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

#[test]
fn no_secret_reaches_output_logs_store_journal_or_exports() {
    let stack = slipway_core::connection::PracticeStack::from_env();
    let password = std::fs::read_to_string(stack.registry_password_file())
        .expect("the practice stack runs (scripts/practice start)")
        .trim()
        .to_string();
    assert!(password.len() >= 12, "a real registry password");
    let token =
        python("ecr.get_authorization_token()['authorizationData'][0]['authorizationToken']");
    let decoded = python(&format!(
        "base64.b64decode('{token}').decode().split(':', 1)[1]"
    ));
    let secrets = [
        (
            "AWS secret key",
            "practice-secret-not-valid-on-aws".to_string(),
        ),
        (
            "AWS session token",
            slipway_aws::Connection::PRACTICE_SESSION_TOKEN.to_string(),
        ),
        ("ECR token", token.clone()),
        ("ECR password", decoded),
        ("registry password", password),
    ];

    let data = tempfile::tempdir().unwrap();
    let project = tempfile::tempdir().unwrap();
    let dir = project.path();
    let name = format!("leak{}", std::process::id() % 100_000);
    std::fs::write(
        dir.join("Dockerfile"),
        "FROM slipway/base:practice\nWORKDIR /www\nRUN echo ok > /www/health\nEXPOSE 8080\nCMD [\"httpd\", \"-f\", \"-p\", \"8080\", \"-h\", \"/www\"]\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("slipway.toml"),
        format!("[app]\nname = \"{name}\"\nport = 8080\nhealth_path = \"/health\"\n[service]\ndesired_count = 1\n[pipeline.source]\nkind = \"s3\"\n"),
    )
    .unwrap();
    let d = dir.to_str().unwrap();
    let report = dir.join("worklog.md");
    let steps: Vec<Vec<&str>> = vec![
        vec!["build", d, "--tag", "v1"],
        vec!["push", d],
        vec!["apply", d, "--yes", "--no-wait"],
        vec!["pipeline", "apply", d, "--yes"],
        vec!["status", d],
        vec!["lab", "check", "week7", d],
        vec!["lab", "report", "week7", d, "-o", report.to_str().unwrap()],
        vec!["lab", "commands", "--all"],
        vec!["destroy", d, "--yes"],
    ];
    let mut outputs: Vec<(String, Vec<u8>)> = Vec::new();
    let mut failed = Vec::new();
    for args in &steps {
        let (ok, out) = slipway(data.path(), args);
        // `lab check` exits 1 when a step fails (the pipeline has not run): not a leak.
        if !ok && args[0] != "lab" {
            failed.push(args.join(" "));
        }
        outputs.push((format!("output of slipway {}", args.join(" ")), out));
    }
    assert!(failed.is_empty(), "the flow must run: {failed:?}");
    assert!(report.exists(), "the lab report was exported");
    // Push logged in to the registry: the flow really handled the password.
    let push_out = String::from_utf8_lossy(&outputs[1].1).to_string();
    assert!(push_out.contains("Logged in to"), "{push_out}");

    for f in files_under(data.path()).into_iter().chain(files_under(dir)) {
        let bytes = std::fs::read(&f).unwrap_or_default();
        outputs.push((f.display().to_string(), bytes));
    }
    let scanned: usize = outputs.iter().map(|(_, b)| b.len()).sum();
    let mut hits = Vec::new();
    for (what, secret) in &secrets {
        for (place, bytes) in &outputs {
            if bytes.windows(secret.len()).any(|w| w == secret.as_bytes()) {
                hits.push(format!("{what} in {place}"));
            }
        }
    }
    println!(
        "scanned {} places, {} bytes, for {} secrets: {} hits",
        outputs.len(),
        scanned,
        secrets.len(),
        hits.len()
    );
    assert!(hits.is_empty(), "secrets leaked: {hits:?}");
}
