//! Crash and resume: `slipway apply` and `slipway destroy` are killed with SIGKILL at 30 points
//! each: after every call that changes something in AWS, and after reads spread between them
//! (found by a probe run's journal), then run again.
//! Apply must converge to the same service with no duplicate resource; destroy must reach
//! zero; and the journal must show every call of the killed run that completed.

use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

const IMAGE: &str = "123456789012.dkr.ecr.us-east-1.amazonaws.com/crash:v1";
const WORKERS: usize = 4;

fn slipway(dir: &Path, data: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_slipway"));
    cmd.args(args)
        .arg(dir)
        .env("SLIPWAY_DATA_DIR", data)
        .env("SLIPWAY_PROFILE", "practice")
        .env(
            "SLIPWAY_PRACTICE_DIR",
            slipway_core::connection::PracticeStack::from_env().state_dir,
        )
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    cmd
}

/// The journal's calls, oldest first, read straight from the SQLite file (read-only, so the
/// watcher never takes a write lock the process under test needs).
fn journal(data: &Path) -> Vec<String> {
    let path = data.join("slipway.sqlite3");
    let Ok(conn) =
        rusqlite::Connection::open_with_flags(&path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
    else {
        return Vec::new();
    };
    let Ok(mut stmt) = conn.prepare("SELECT operation FROM journal ORDER BY id") else {
        return Vec::new();
    };
    stmt.query_map([], |r| r.get::<_, String>(0))
        .map(|rows| rows.filter_map(Result::ok).collect())
        .unwrap_or_default()
}

fn changes_something(operation: &str) -> bool {
    !["Describe", "Get", "List"]
        .iter()
        .any(|p| operation.starts_with(p))
}

struct Project {
    name: String,
    dir: tempfile::TempDir,
    data: tempfile::TempDir,
}

impl Project {
    fn new(tag: &str) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let data = tempfile::tempdir().unwrap();
        let name = format!("crash{}{tag}", std::process::id() % 100_000);
        std::fs::write(
            dir.path().join("slipway.toml"),
            format!("[app]\nname = \"{name}\"\nport = 8080\nhealth_path = \"/health\"\n"),
        )
        .unwrap();
        Project { name, dir, data }
    }

    fn cmd(&self, args: &[&str]) -> Command {
        slipway(self.dir.path(), self.data.path(), args)
    }

    fn run(&self, what: &str, args: &[&str]) -> std::process::Output {
        let out = self.cmd(args).stdout(Stdio::piped()).output().unwrap();
        assert!(
            out.status.success(),
            "{}: {what} failed: {}",
            self.name,
            String::from_utf8_lossy(&out.stderr)
        );
        out
    }

    fn apply(&self, what: &str) {
        self.run(what, &apply_args());
    }

    /// Destroys and returns what destroy says is left (it checks by name, tag and run log).
    fn destroy(&self, what: &str) -> serde_json::Value {
        let out = self.run(what, &["--json", "destroy", "--yes"]);
        let last = String::from_utf8_lossy(&out.stdout)
            .lines()
            .last()
            .unwrap_or_default()
            .to_string();
        let v: serde_json::Value = serde_json::from_str(&last).unwrap_or_default();
        v["left"].clone()
    }

    /// Runs `args` and kills the process with SIGKILL once `after` more calls are in the
    /// journal. Returns whether it was still running (really killed mid-way).
    fn killed_after(&self, args: &[&str], after: usize) -> bool {
        let start = journal(self.data.path()).len();
        let mut child = self.cmd(args).spawn().expect("slipway runs");
        let deadline = Instant::now() + Duration::from_secs(90);
        loop {
            if let Ok(Some(_)) = child.try_wait() {
                return false;
            }
            if journal(self.data.path()).len() >= start + after {
                // SIGKILL: no destructor, no cleanup, like a crash or a power cut.
                let _ = child.kill();
                let _ = child.wait();
                return true;
            }
            assert!(
                Instant::now() < deadline,
                "{} neither finished nor reached {after} calls",
                args[0]
            );
            std::thread::sleep(Duration::from_millis(1));
        }
    }

    fn assert_plan_is_empty(&self, after: &str) {
        let out = self.run("plan", &["--json", "plan", "--image", IMAGE]);
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let changing: Vec<&str> = v["plan"]["steps"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|s| !matches!(s["action"].as_str(), Some("keep") | Some("read")))
            .map(|s| s["key"].as_str().unwrap())
            .collect();
        assert!(
            changing.is_empty(),
            "{after}: the plan still changes {changing:?}"
        );
    }

    /// Counts the named resources in the emulator with the Python SDK (not through Slipway).
    fn count_in_aws(&self) -> serde_json::Value {
        let n = &self.name;
        moto(&format!(
            r#"{{
 "security groups": len(ec2.describe_security_groups(Filters=[{{'Name': 'group-name', 'Values': ['{n}-alb', '{n}-tasks']}}])['SecurityGroups']),
 "load balancers": len([l for l in elb.describe_load_balancers()['LoadBalancers'] if l['LoadBalancerName'] == '{n}']),
 "target groups": len([t for t in elb.describe_target_groups()['TargetGroups'] if t['TargetGroupName'].startswith('{n}-')]),
 "task definitions": len(ecs.list_task_definitions(familyPrefix='{n}')['taskDefinitionArns']),
 "clusters": len([c for c in ecs.describe_clusters(clusters=['{n}'])['clusters'] if c['status'] == 'ACTIVE']),
 "services": len([s for s in ecs.describe_services(cluster='{n}', services=['{n}'])['services'] if s['status'] == 'ACTIVE']) if [c for c in ecs.describe_clusters(clusters=['{n}'])['clusters'] if c['status'] == 'ACTIVE'] else 0,
 "log groups": len([g for g in logs.describe_log_groups(logGroupNamePrefix='/ecs/{n}')['logGroups'] if g['logGroupName'] == '/ecs/{n}']),
 "roles": len([r for r in iam.list_roles()['Roles'] if r['RoleName'].startswith('{n}-')]),
}}"#
        ))
    }
}

fn apply_args() -> Vec<&'static str> {
    vec![
        "apply",
        "--yes",
        "--no-wait",
        "--concurrency",
        "2",
        "--image",
        IMAGE,
    ]
}

fn moto(expr: &str) -> serde_json::Value {
    let endpoint = slipway_core::connection::PracticeStack::from_env().aws_endpoint;
    let script = format!(
        "import boto3, json\n\
         def c(s): return boto3.client(s, endpoint_url='{endpoint}', region_name='us-east-1', aws_access_key_id='x', aws_secret_access_key='x')\n\
         ec2, elb, ecs, logs, iam = c('ec2'), c('elbv2'), c('ecs'), c('logs'), c('iam')\n\
         print(json.dumps({expr}))"
    );
    let python = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.venv/bin/python");
    let out = Command::new(python)
        .arg("-c")
        .arg(script)
        .output()
        .expect("the .venv's python");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn expect_counts(found: &serde_json::Value, each: u64, after: &str) {
    for (what, n) in found.as_object().unwrap() {
        // Two security groups (the ALB's and the tasks'); one of everything else (the
        // optional task role is off in this spec, so the execution role is the only role).
        let want = if what == "security groups" {
            2 * each
        } else {
            each
        };
        assert_eq!(
            n.as_u64(),
            Some(want),
            "{after}: {what} = {n} (all: {found})"
        );
    }
}

/// Runs `work` over `items` on a few threads; the emulator serves them concurrently.
fn in_parallel<T: Sync>(items: &[T], work: impl Fn(&T) + Sync) {
    let next = Mutex::new(0usize);
    std::thread::scope(|s| {
        for _ in 0..WORKERS {
            s.spawn(|| loop {
                let i = {
                    let mut n = next.lock().unwrap();
                    *n += 1;
                    *n - 1
                };
                let Some(item) = items.get(i) else { return };
                work(item);
            });
        }
    });
}

/// Kill points per command (issue 9 asks for 30 of apply and 30 of destroy).
const POINTS: usize = 30;

/// Where to kill a run whose probe made `calls`: after every call that changes something, then
/// after reads spread evenly between them, up to `want` points (1-based counts of calls made).
fn kill_points(calls: &[String], want: usize) -> Vec<usize> {
    let mut points: Vec<usize> = (1..=calls.len())
        .filter(|&n| changes_something(&calls[n - 1]))
        .collect();
    let reads: Vec<usize> = (1..=calls.len())
        .filter(|&n| !changes_something(&calls[n - 1]))
        .collect();
    let room = want.saturating_sub(points.len()).min(reads.len());
    for k in 0..room {
        points.push(reads[k * reads.len() / room]);
    }
    points.truncate(want);
    points.sort_unstable();
    points
}

#[test]
fn apply_and_destroy_killed_at_every_change_resume_without_duplicates_or_orphans() {
    let stack = slipway_core::connection::PracticeStack::from_env();
    let port = stack.aws_endpoint.rsplit(':').next().unwrap().to_string();
    assert!(
        std::net::TcpStream::connect(format!("127.0.0.1:{port}")).is_ok(),
        "the practice stack must run (scripts/practice start)"
    );

    // A probe run finds where apply and destroy change something: the kill points.
    let probe = Project::new("p");
    probe.apply("the probe apply");
    let applied = journal(probe.data.path());
    let left = probe.destroy("the probe destroy");
    assert_eq!(left, serde_json::json!([]), "the probe destroy left {left}");
    let all = journal(probe.data.path());
    let apply_points = kill_points(&applied, POINTS);
    let destroy_points = kill_points(&all[applied.len()..], POINTS);
    let changing = |calls: &[String]| calls.iter().filter(|op| changes_something(op)).count();
    assert!(
        changing(&applied) >= 10 && changing(&all[applied.len()..]) >= 8,
        "apply changes {} times, destroy {}: {applied:?}",
        changing(&applied),
        changing(&all[applied.len()..])
    );
    assert_eq!(
        (apply_points.len(), destroy_points.len()),
        (POINTS, POINTS),
        "{POINTS} kill points each (apply made {} calls, destroy {})",
        applied.len(),
        all.len() - applied.len()
    );

    let killed = Mutex::new(Vec::new());
    // Apply killed after its Nth call (whatever else was in flight is cut off too).
    let apply_cases: Vec<(usize, usize)> = apply_points.iter().copied().enumerate().collect();
    in_parallel(&apply_cases, |&(i, after)| {
        let p = Project::new(&format!("a{i}"));
        let at = format!("apply killed after call {after}");
        let was = p.killed_after(&apply_args(), after);
        killed.lock().unwrap().push(was);
        let before_resume = journal(p.data.path()).len();
        assert!(before_resume >= after, "{at}: the journal lost calls");
        p.apply(&format!("{at}, resumed"));
        p.assert_plan_is_empty(&at);
        expect_counts(&p.count_in_aws(), 1, &at);
        let left = p.destroy(&at);
        assert_eq!(left, serde_json::json!([]), "{at}: destroy left {left}");
        expect_counts(&p.count_in_aws(), 0, &format!("{at}, destroyed"));
    });
    // Destroy killed after its Nth call, then run again.
    let destroy_cases: Vec<(usize, usize)> = destroy_points.iter().copied().enumerate().collect();
    in_parallel(&destroy_cases, |&(i, after)| {
        let p = Project::new(&format!("d{i}"));
        let at = format!("destroy killed after call {after}");
        p.apply(&format!("{at}: the apply"));
        let was = p.killed_after(&["--json", "destroy", "--yes"], after);
        killed.lock().unwrap().push(was);
        let left = p.destroy(&format!("{at}, resumed"));
        assert_eq!(left, serde_json::json!([]), "{at}: destroy left {left}");
        expect_counts(&p.count_in_aws(), 0, &at);
    });

    let killed = killed.into_inner().unwrap();
    let really = killed.iter().filter(|k| **k).count();
    println!(
        "crash points: {} in apply ({} after a change), {} in destroy ({} after a change); {really} of {} runs really killed mid-way",
        apply_points.len(),
        apply_points.iter().filter(|&&n| changes_something(&applied[n - 1])).count(),
        destroy_points.len(),
        destroy_points
            .iter()
            .filter(|&&n| changes_something(&all[applied.len() + n - 1]))
            .count(),
        killed.len()
    );
    assert!(
        really * 10 >= killed.len() * 8,
        "most runs must really have been killed mid-way: {really} of {}",
        killed.len()
    );
}
