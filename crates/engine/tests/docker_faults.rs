//! Docker faults (issue 9): the engine killed in the middle of a build and of a push, and the
//! practice registry's disk full. Each is said plainly (what happened, what to do), nothing is
//! reported as done, and the next try, once the engine is back, succeeds.
//!
//! The engine faults use a private dockerd (its own data root, socket and network bridge, no
//! iptables) so killing it cannot disturb the practice engine. Its bridge must be its own:
//! a dockerd started with `--bridge none` deletes docker0, the practice engine's bridge; the disk
//! runs out on a 24 MiB tmpfs under a private registry. Both need root (CI and this machine run
//! as root) and Debian's docker.io and docker-registry, which scripts/setup installs.

#[path = "support/noise.rs"]
mod noise;

use noise::noise;
use slipway_core::build::BuildEvent;
use slipway_core::connection::PracticeStack;
use slipway_core::spec::ProjectSpec;
use slipway_core::{ErrorBody, ErrorCode};
use slipway_docker::build::{build, BuildRequest};
use slipway_docker::push::{push, PushEvent, PushRequest, RegistryLogin};
use slipway_docker::CancellationToken;
use slipway_engine::push::{push_image, LoginCache};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

const BASE: &str = "slipway/base:practice";

/// A dockerd of our own: started, killed (SIGKILL, as a crash) and started again on the same
/// data root; stopped and cleaned up when dropped.
struct PrivateEngine {
    dir: tempfile::TempDir,
    child: Option<Child>,
    bridge: String,
}

/// A bridge for one private engine (Linux names are at most 15 characters).
fn make_bridge(n: u32) -> String {
    let name = format!("slipf{n}");
    let _ = Command::new("ip").args(["link", "del", &name]).status();
    let ok = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "ip link add {name} type bridge && ip addr add 10.213.{}.1/24 dev {name} && ip link set {name} up",
            n % 250
        ))
        .status()
        .unwrap()
        .success();
    assert!(ok, "making the bridge {name} needs root");
    name
}

impl PrivateEngine {
    fn socket(&self) -> PathBuf {
        self.dir.path().join("d.sock")
    }

    fn endpoint(&self) -> String {
        format!("unix://{}", self.socket().display())
    }

    async fn start(n: u32) -> Self {
        let dir = tempfile::Builder::new()
            .prefix("slipway-dockerd-")
            .tempdir()
            .unwrap();
        let bridge = make_bridge(n);
        let mut engine = PrivateEngine {
            dir,
            child: None,
            bridge,
        };
        engine.launch().await;
        // The practice base image, from the practice engine (no registry can be reached).
        let status = Command::new("sh")
            .arg("-c")
            .arg(format!(
                "docker save {BASE} | docker -H {} load -q",
                engine.endpoint()
            ))
            .stdout(Stdio::null())
            .status()
            .unwrap();
        assert!(status.success(), "loading {BASE} into the private engine");
        engine
    }

    async fn launch(&mut self) {
        let d = self.dir.path();
        // A crash leaves the pid file behind; a supervisor would clear it too.
        let _ = std::fs::remove_file(d.join("dockerd.pid"));
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(d.join("dockerd.log"))
            .unwrap();
        let child = Command::new("dockerd")
            .args(["--data-root", &d.join("root").display().to_string()])
            .args(["--exec-root", &d.join("exec").display().to_string()])
            .args(["--pidfile", &d.join("dockerd.pid").display().to_string()])
            .args(["--host", &self.endpoint()])
            .args([
                "--bridge",
                &self.bridge,
                "--iptables=false",
                "--ip6tables=false",
            ])
            .arg("--ip-masq=false")
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("dockerd (Debian's docker.io; scripts/setup installs it)");
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(60);
        while slipway_docker::engine::connect_to_any(&[self.endpoint()])
            .await
            .is_err()
        {
            assert!(
                Instant::now() < deadline,
                "the private dockerd did not answer in 60 s: {}",
                std::fs::read_to_string(d.join("dockerd.log")).unwrap_or_default()
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// Kills dockerd as a crash would, and its managed containerd with it, as systemd does
    /// when it restarts a failed docker.service (the containers' shims live on).
    fn crash(&mut self) {
        if let Some(mut c) = self.child.take() {
            c.kill().unwrap();
            c.wait().unwrap();
        }
        let pidfile = self.dir.path().join("exec/containerd/containerd.pid");
        if let Ok(pid) = std::fs::read_to_string(&pidfile) {
            let _ = Command::new("kill").args(["-KILL", pid.trim()]).status();
        }
        // Orphaned by dockerd, the dead containerd may stay a zombie where nothing reaps
        // orphans (a container's init); its pid file would make the next dockerd wait for it.
        let _ = std::fs::remove_file(pidfile);
    }
}

impl Drop for PrivateEngine {
    fn drop(&mut self) {
        if let Some(c) = self.child.take() {
            let _ = Command::new("kill")
                .args(["-TERM", &c.id().to_string()])
                .status();
            let mut c = c;
            let deadline = Instant::now() + Duration::from_secs(20);
            while c.try_wait().ok().flatten().is_none() && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(100));
            }
            let _ = c.kill();
            let _ = c.wait();
        }
        // Its managed containerd and the shims of containers a crash left running (their
        // command lines name the private folder), then any mount left under the data root.
        let containerd = self.dir.path().join("exec/containerd/containerd.pid");
        if let Ok(pid) = std::fs::read_to_string(containerd) {
            let _ = Command::new("kill").arg(pid.trim()).status();
        }
        let _ = Command::new("pkill")
            .args(["-KILL", "-f"])
            .arg(format!("containerd.*{}", self.dir.path().display()))
            .status();
        let _ = Command::new("sh")
            .arg("-c")
            .arg(format!(
                "grep -o ' {0}[^ ]*' /proc/mounts | sort -r | xargs -r -n1 umount -l",
                self.dir.path().display()
            ))
            .status();
        let _ = Command::new("ip")
            .args(["link", "del", &self.bridge])
            .status();
    }
}

/// Whether the practice engine's bridge is there (a private engine must leave it alone).
fn docker0() -> bool {
    std::path::Path::new("/sys/class/net/docker0").exists()
}

fn context(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, body) in files {
        std::fs::write(dir.path().join(path), body).unwrap();
    }
    dir
}

/// Waits for `f` to come true, polling, for at most `secs`.
async fn eventually(secs: u64, what: &str, mut f: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(secs);
    while !f() {
        assert!(Instant::now() < deadline, "{what} within {secs} s");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn an_engine_killed_mid_build_is_said_and_the_next_build_recovers() {
    let had_docker0 = docker0();
    let mut engine = PrivateEngine::start(1).await;
    let (docker, _) = slipway_docker::engine::connect_to_any(&[engine.endpoint()])
        .await
        .unwrap();
    let dir = context(&[(
        "Dockerfile",
        "FROM slipway/base:practice\nRUN echo first > /first\nARG PAUSE=0\nRUN sleep $PAUSE\n",
    )]);
    let tag = "slipway-test/engine-crash:1".to_string();
    let mut req = BuildRequest {
        context_dir: dir.path().to_path_buf(),
        dockerfile: "Dockerfile".into(),
        tags: vec![tag.clone()],
        ..Default::default()
    };
    req.build_args.insert("PAUSE".into(), "60".into());
    let sleeping = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let seen = sleeping.clone();
    let started = Instant::now();
    let cancel = CancellationToken::new();
    let building = build(&docker, &req, &cancel, move |e| {
        if let BuildEvent::StepStarted { instruction, .. } = &e {
            if instruction.contains("sleep") {
                seen.store(true, std::sync::atomic::Ordering::SeqCst);
            }
        }
    });
    let crash = async {
        eventually(60, "the build reaches its sleep", || {
            sleeping.load(std::sync::atomic::Ordering::SeqCst)
        })
        .await;
        engine.crash();
    };
    let (result, ()) = tokio::join!(building, crash);
    let err = result.expect_err("a build whose engine died cannot succeed");
    let body = ErrorBody::from(err);
    println!(
        "mid-build crash, after {:?}: {} | {}",
        started.elapsed(),
        body.message,
        body.hint
    );
    assert!(
        started.elapsed() < Duration::from_secs(50),
        "said at once, not after the sleep"
    );
    assert_eq!(body.code, ErrorCode::DockerUnreachable);
    assert!(
        body.message.contains("stopped answering during the build"),
        "{}",
        body.message
    );
    assert!(body.hint.contains("build again"), "{}", body.hint);

    // While it is down, the next call says no engine answers.
    let down = slipway_docker::engine::connect_to_any(&[engine.endpoint()])
        .await
        .expect_err("nothing answers on the socket");
    let down = ErrorBody::from(down);
    assert_eq!(down.code, ErrorCode::DockerUnreachable);
    assert!(
        down.message.contains("No Docker engine answers"),
        "{}",
        down.message
    );

    // Back up: the tag was never made, and the same build (short this time) succeeds.
    engine.launch().await;
    let (docker, _) = slipway_docker::engine::connect_to_any(&[engine.endpoint()])
        .await
        .unwrap();
    assert!(
        !slipway_docker::image::image_exists(&docker, &tag)
            .await
            .unwrap(),
        "no image was tagged by the interrupted build"
    );
    req.build_args.insert("PAUSE".into(), "0".into());
    let built = build(&docker, &req, &CancellationToken::new(), |_| {})
        .await
        .expect("the build after the engine came back");
    println!(
        "after the restart: built {} with {} of {} steps from the cache",
        built.tags[0], built.cached_steps, built.total_steps
    );
    assert_eq!(built.tags, vec![tag.clone()]);
    assert!(slipway_docker::image::image_exists(&docker, &tag)
        .await
        .unwrap());
    drop(engine);
    assert_eq!(
        docker0(),
        had_docker0,
        "the practice engine's bridge is untouched"
    );
}

#[tokio::test]
async fn an_engine_killed_mid_push_is_said_and_the_next_push_recovers() {
    let stack = PracticeStack::from_env();
    let password = std::fs::read_to_string(stack.registry_password_file())
        .expect("the practice registry runs (scripts/practice start)");
    let login = RegistryLogin {
        username: stack.registry_user.clone(),
        password: password.trim().to_string(),
        server: stack.registry.clone(),
    };
    let had_docker0 = docker0();
    let mut engine = PrivateEngine::start(2).await;
    let (docker, info) = slipway_docker::engine::connect_to_any(&[engine.endpoint()])
        .await
        .unwrap();
    // A layer big enough that the upload takes a moment: 96 MiB that do not compress.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("blob"), noise(96 << 20)).unwrap();
    std::fs::write(
        dir.path().join("Dockerfile"),
        "FROM slipway/base:practice\nCOPY blob /blob\n",
    )
    .unwrap();
    let image = "slipway-test/push-crash:1";
    let req = BuildRequest {
        context_dir: dir.path().to_path_buf(),
        dockerfile: "Dockerfile".into(),
        tags: vec![image.to_string()],
        ..Default::default()
    };
    build(&docker, &req, &CancellationToken::new(), |_| {})
        .await
        .unwrap();
    let repo = format!(
        "{}/slipway-test-push-crash-{}",
        stack.registry,
        std::process::id()
    );
    let pushing_started = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let seen = pushing_started.clone();
    let request = PushRequest {
        image,
        target_repo: &repo,
        tag: "1",
        login: &login,
    };
    let started = Instant::now();
    let cancel = CancellationToken::new();
    let pushing = push(&docker, &info, request, &cancel, move |e| {
        if let PushEvent::Layer { current, .. } = e {
            if current > 0 {
                seen.store(true, std::sync::atomic::Ordering::SeqCst);
            }
        }
    });
    let crash = async {
        eventually(60, "the upload under way", || {
            pushing_started.load(std::sync::atomic::Ordering::SeqCst)
        })
        .await;
        engine.crash();
    };
    let (result, ()) = tokio::join!(pushing, crash);
    let body = ErrorBody::from(result.expect_err("a push whose engine died cannot succeed"));
    println!(
        "mid-push crash, after {:?}: {} | {}",
        started.elapsed(),
        body.message,
        body.hint
    );
    assert_eq!(body.code, ErrorCode::DockerUnreachable);
    assert!(
        body.message.contains("stopped answering during the push"),
        "{}",
        body.message
    );
    assert!(body.hint.contains("push again"), "{}", body.hint);
    assert!(
        !body.message.contains(&login.password),
        "no password in the message"
    );

    engine.launch().await;
    let (docker, info) = slipway_docker::engine::connect_to_any(&[engine.endpoint()])
        .await
        .unwrap();
    let pushed = push(&docker, &info, request, &CancellationToken::new(), |_| {})
        .await
        .expect("the push after the engine came back");
    println!(
        "after the restart: pushed {} as {}",
        pushed.reference, pushed.digest
    );
    assert!(pushed.digest.starts_with("sha256:"));
    let manifest = slipway_docker::registry::get_manifest(
        &login,
        repo.trim_start_matches(&format!("{}/", stack.registry)),
        "1",
    )
    .await
    .expect("the registry has the image");
    assert_eq!(manifest.digest, pushed.digest);
    drop(engine);
    assert_eq!(
        docker0(),
        had_docker0,
        "the practice engine's bridge is untouched"
    );
}

/// A registry of our own on a small tmpfs, with the practice script's basic auth, laid out as a
/// practice stack (state folder, password file, registry log) so push_image reads it as one.
struct SmallRegistry {
    state: tempfile::TempDir,
    child: Child,
    stack: PracticeStack,
}

impl SmallRegistry {
    async fn start(size_mib: u32) -> Self {
        let state = tempfile::Builder::new()
            .prefix("slipway-small-registry-")
            .tempdir()
            .unwrap();
        let reg = state.path().join("registry");
        let data = reg.join("data");
        std::fs::create_dir_all(&data).unwrap();
        std::fs::create_dir_all(state.path().join("logs")).unwrap();
        let mounted = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size_mib}m"), "tmpfs"])
            .arg(&data)
            .status()
            .unwrap();
        assert!(mounted.success(), "mounting a tmpfs needs root");
        let password = "small-registry-password";
        std::fs::write(reg.join("password"), password).unwrap();
        let htpasswd = Command::new("htpasswd")
            .args(["-Bbn", "slipway", password])
            .output()
            .expect("htpasswd (apache2-utils; scripts/setup installs it)");
        std::fs::write(reg.join("htpasswd"), htpasswd.stdout).unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        std::fs::write(
            reg.join("config.yml"),
            format!(
                "version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: {}\n  delete:\n    enabled: true\nhttp:\n  addr: 127.0.0.1:{port}\nauth:\n  htpasswd:\n    realm: slipway\n    path: {}\n",
                data.display(),
                reg.join("htpasswd").display()
            ),
        )
        .unwrap();
        let log = std::fs::File::create(state.path().join("logs/registry.log")).unwrap();
        let child = Command::new("docker-registry")
            .arg("serve")
            .arg(reg.join("config.yml"))
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .expect("docker-registry (Debian's; scripts/setup installs it)");
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "the small registry did not answer"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let mut stack = PracticeStack::from_env();
        stack.registry = format!("127.0.0.1:{port}");
        stack.state_dir = state.path().to_path_buf();
        SmallRegistry {
            state,
            child,
            stack,
        }
    }
}

impl Drop for SmallRegistry {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = Command::new("umount")
            .arg(self.state.path().join("registry/data"))
            .status();
    }
}

#[tokio::test]
async fn a_full_registry_disk_is_said_in_practice_mode() {
    let registry = SmallRegistry::start(24).await;
    let stack = &registry.stack;
    slipway_aws::practice::probe_aws_endpoint(stack)
        .await
        .expect("the practice stack runs (scripts/practice start)");
    let store_dir = tempfile::tempdir().unwrap();
    let store = Arc::new(slipway_store::Store::open_in(store_dir.path()).unwrap());
    let conn = slipway_aws::Connection::practice(stack, None, store);
    let (docker, info) = slipway_docker::connect().await.unwrap();

    // An image with a 48 MiB layer that does not compress, for a 24 MiB disk.
    let dir = tempfile::tempdir().unwrap();
    let name = format!("diskfull-{}", std::process::id());
    std::fs::write(dir.path().join("blob"), noise(48 << 20)).unwrap();
    std::fs::write(
        dir.path().join("Dockerfile"),
        "FROM slipway/base:practice\nCOPY blob /blob\n",
    )
    .unwrap();
    let spec = ProjectSpec::parse(&format!("[app]\nname = \"{name}\"\nport = 8080\n")).unwrap();
    let image = format!("slipway-test/{name}:1");
    let req = BuildRequest {
        context_dir: dir.path().to_path_buf(),
        dockerfile: "Dockerfile".into(),
        tags: vec![image.clone()],
        ..Default::default()
    };
    build(&docker, &req, &CancellationToken::new(), |_| {})
        .await
        .unwrap();
    let started = Instant::now();
    let err = push_image(
        &conn,
        &docker,
        &info,
        stack,
        &LoginCache::default(),
        &spec,
        &image,
        &CancellationToken::new(),
        |_| {},
    )
    .await
    .expect_err("48 MiB cannot fit on 24 MiB");
    println!(
        "disk full, after {:?} (the engine retries the upload 5 times): {} | {}",
        started.elapsed(),
        err.message,
        err.hint
    );
    assert_eq!(err.code, ErrorCode::StorageFull, "{}", err.message);
    assert!(
        err.message.contains("ran out of disk space"),
        "{}",
        err.message
    );
    assert!(err.hint.contains("df -h"), "{}", err.hint);
    assert!(!err.message.contains("small-registry-password"));
    // Nothing was registered in ECR as pushed.
    let listed = slipway_aws::ecr::image_by_tag(&conn, &spec.image.repository_name(&name), "1")
        .await
        .unwrap();
    assert!(
        listed.is_none(),
        "ECR lists no image for a push that failed"
    );
    let _ = slipway_docker::image::remove_image(&docker, &image).await;
    let repo_name = spec.image.repository_name(&name);
    let _ = conn
        .ecr()
        .delete_repository()
        .repository_name(&repo_name)
        .force(true)
        .send()
        .await;
}
