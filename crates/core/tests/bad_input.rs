//! The bad-input corpus: malformed inputs for every entry point the domain parses or checks
//! (slipway.toml, Dockerfiles, .dockerignore, resource names, ports and sizes, buildspec.yml,
//! project paths). Each one must be refused with an error that says what is wrong (a code, a
//! message naming the place) and what to do (a hint): never a panic, never silently accepted.
//! The atomic writer is checked to leave no half-written file when it cannot finish.

use slipway_core::names::{require, NameKind};
use slipway_core::spec::ProjectSpec;
use slipway_core::ErrorBody;
use std::panic::{catch_unwind, AssertUnwindSafe};

/// One input and the entry point that must refuse it.
struct Case {
    entry: &'static str,
    input: String,
}

const APP: &str = "[app]\nname = \"shop\"\nport = 8080\n";

fn spec_cases() -> Vec<String> {
    let mut v: Vec<String> = [
        "",
        "[app",
        "[app]\nname = shop",
        "[app]\nname = \"shop\"\nport = \"8080\"\n",
        "[app]\nname = \"shop\"\nport = 0\n",
        "[app]\nname = \"shop\"\nport = 65536\n",
        "[app]\nname = \"shop\"\nport = -1\n",
        "[app]\nname = \"shop\"\nport = 8080.5\n",
        "[app]\nname = \"\"\nport = 8080\n",
        "[app]\nname = \"Shop App\"\nport = 8080\n",
        "[app]\nname = \"-shop\"\nport = 8080\n",
        "[app]\nname = \"shop_\"\nport = 8080\n",
        "[app]\nname = \"ứng-dụng\"\nport = 8080\n",
        "[app]\nname = \"a-very-long-application-name-that-does-not-fit-aws-limits\"\nport = 8080\n",
        "[app]\nname = \"shop/api\"\nport = 8080\n",
        "[app]\nname = \"shop\"\n",
        "[app]\nport = 8080\n",
        "name = \"shop\"\nport = 8080\n",
        "[app]\nname = \"shop\"\nport = 8080\nhealth_path = \"health\"\n",
        "[app]\nname = \"shop\"\nport = 8080\nhealth_path = \"/he alth\"\n",
        "[app]\nname = \"shop\"\nport = 8080\nhealth_path = \"\"\n",
        "[app]\nname = \"shop\"\nport = 8080\nunknown = 1\n",
        "[app]\nname = \"shop\"\nport = 8080\n[app]\nname = \"again\"\n",
        "[app]\nname = \"shop\"\nport = 8080\nname = \"twice\"\n",
        "[app]\nname = \"shop\"\nport = 8080\n[servce]\ndesired_count = 1\n",
        "\u{0}",
        "[app]\nname = \"sh\u{0}op\"\nport = 8080\n",
        "[[app]]\nname = \"shop\"\n",
        "app = 3",
        "[app]\nname = [\"shop\"]\nport = 8080\n",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for extra in [
        "[service]\ndesired_count = -1\n",
        "[service]\ndesired_count = 100000\n",
        "[service]\ndesired_count = \"two\"\n",
        "[service]\ncpu = 300\n",
        "[service]\ncpu = 256\nmemory = 8192\n",
        "[service]\ncpu = 4096\nmemory = 512\n",
        "[service]\ncpu = 0\n",
        "[service]\nmemory = -512\n",
        "[service]\nmin_healthy_percent = 150\n",
        "[service]\nmax_percent = 50\n",
        "[service]\nmin_healthy_percent = 100\nmax_percent = 100\n",
        "[service]\ngrace_period_seconds = -5\n",
        "[service]\nlog_retention_days = 4\n",
        "[service]\nlog_retention_days = 0\n",
        "[service]\ncertificate_arn = \"not-an-arn\"\n",
        "[service]\ncertificate_arn = \"arn:aws:iam::123:server-certificate/x\"\n",
        "[service.environment]\n\"1BAD\" = \"x\"\n",
        "[service.environment]\n\"HAS SPACE\" = \"x\"\n",
        "[service.secrets]\nDB = \"password123\"\n",
        "[service.secrets]\nDB = \"arn:aws:s3:::bucket/key\"\n",
        "[service.environment]\nDB = \"x\"\n[service.secrets]\nDB = \"arn:aws:ssm:us-east-1:123456789012:parameter/db\"\n",
        "[service.autoscaling]\nmin = 4\nmax = 2\ncpu_target = 60\n",
        "[service.autoscaling]\nmin = 1\nmax = 2\ncpu_target = 5\n",
        "[service.autoscaling]\nmin = 1\nmax = 2\ncpu_target = 95\n",
        "[service.autoscaling]\nmin = 0\nmax = 0\ncpu_target = 60\n",
        "[service.health_check]\npath = \"nope\"\n",
        "[service.health_check]\ninterval_seconds = 1\n",
        "[service.health_check]\nhealthy_threshold = 50\n",
        "[image]\nplatform = \"windows/amd64\"\n",
        "[image]\nplatform = \"linux/s390x\"\n",
        "[image]\nrepository = \"UPPER\"\n",
        "[image]\nrepository = \"bad//repo\"\n",
        "[image]\nkeep_last = 0\n",
        "[image]\ntag_policy = \"random\"\n",
        "[network]\nsubnets = [\"subnet-1\"]\n",
        "[network]\nsubnets = [\"sg-123\", \"sg-456\"]\n",
        "[network]\nvpc = \"vpc-\"\n",
        "[network]\nassign_public_ip = \"yes\"\n",
        "[pipeline.source]\nkind = \"svn\"\n",
        "[pipeline.source]\nkind = \"github\"\n",
        "[pipeline.source]\nkind = \"github\"\nconnection = \"c\"\nrepository = \"no-slash\"\n",
        "[pipeline.source]\nkind = \"github\"\nconnection = \"c\"\nrepository = \"a/b/c\"\n",
        "[pipeline.source]\nkind = \"codecommit\"\n",
        "[pipeline.source]\nkind = \"s3\"\n[pipeline.build]\ncompute = \"HUGE\"\n",
        "[pipeline.source]\nkind = \"s3\"\n[pipeline.build]\ntimeout_minutes = 0\n",
        "[pipeline.source]\nkind = \"s3\"\n[pipeline.build]\ntimeout_minutes = 10000\n",
        "[pipeline.source]\nkind = \"s3\"\n[pipeline.deploy]\nstrategy = \"blue_green\"\n",
        "[pipeline]\nsource = \"s3\"\n",
    ] {
        v.push(format!("{APP}{extra}"));
    }
    v
}

fn dockerfile_cases() -> Vec<String> {
    [
        "",
        "   \n\n",
        "# only a comment\n",
        "RUN echo hi\n",
        "CMD [\"node\", \"server.js\"]\n",
        "FROM\n",
        "FROM node:22 AS\n",
        "FROM node:22 AS 1bad\n",
        "FORM node:22\n",
        "FROM node:22\nRUNN npm ci\n",
        "FROM node:22\nEXPOSE http\n",
        "FROM node:22\nEXPOSE 99999\n",
        "FROM node:22\nEXPOSE -1\n",
        "FROM node:22\nCOPY\n",
        "FROM node:22\nCOPY onlyone\n",
        "FROM node:22\nADD\n",
        "FROM node:22\nENV\n",
        "FROM node:22\nENV =value\n",
        "FROM node:22\nWORKDIR\n",
        "FROM node:22\nUSER\n",
        "FROM node:22\nHEALTHCHECK --interval=abc CMD true\n",
        "FROM node:22\nHEALTHCHECK\n",
        "FROM node:22\nRUN <<EOF\necho never closed\n",
        "FROM node:22\nCOPY --from= a b\n",
        "FROM node:22\nONBUILD\n",
        "FROM node:22\nONBUILD ONBUILD RUN x\n",
        "FROM node:22\nSTOPSIGNAL\n",
        "FROM node:22\nSHELL sh -c\n",
        "FROM node:22\nARG\n",
        "FROM node:22\nLABEL\n",
        "FROM node:22\nMAINTAINER\n",
        "FROM node:22\nVOLUME\n",
        "FROM \u{0}\n",
        "\u{feff}\u{feff}FROM\n",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

fn dockerignore_cases() -> Vec<String> {
    [
        "[",
        "[a-",
        "*.[ch",
        "src/[",
        "[]",
        "\\",
        "foo\\",
        "**\\",
        "a[b",
        "[z-a]",
        "node_modules/[",
        "!",
        "![",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

fn name_cases() -> Vec<(NameKind, String)> {
    let long = "a".repeat(300);
    let mut v = Vec::new();
    for kind in [
        NameKind::EcrRepository,
        NameKind::EcsCluster,
        NameKind::EcsService,
        NameKind::TaskFamily,
        NameKind::LoadBalancer,
        NameKind::TargetGroup,
        NameKind::IamRole,
        NameKind::CodeBuildProject,
        NameKind::Pipeline,
    ] {
        for n in [
            "",
            " ",
            "has space",
            "emoji🙂",
            "tab\tname",
            "new\nline",
            long.as_str(),
        ] {
            v.push((kind, n.to_string()));
        }
    }
    v.push((NameKind::EcrRepository, "UPPER".into()));
    v.push((NameKind::EcrRepository, "-lead".into()));
    v.push((NameKind::LoadBalancer, "-lead".into()));
    v.push((NameKind::LoadBalancer, "internal-shop".into()));
    v.push((NameKind::TargetGroup, "trail-".into()));
    v
}

fn buildspec_cases() -> Vec<String> {
    [
        "",
        "version: 0.2\n",
        "version: [\n",
        "phases: {build: {commands: [docker build .]}}\n",
        "version: 0.2\nphases:\n  build:\n    commands:\n      - docker build -t x .\n",
        "version: 0.2\nphases:\n  build:\n    commands: docker push\n",
        "version: 0.1\nphases:\n  build:\n    commands:\n      - docker push x\nartifacts:\n  files: [imagedefinitions.json]\n",
        "version: 0.2\nphases: 3\n",
        "version: 0.2\nphases:\n  build:\n    commands:\n      - docker push x\n",
        "version: 0.2\nphases:\n  build:\n    commands:\n      - docker push x\n      - printf '[{\"name\":\"other\",\"imageUri\":\"%s\"}]' $URI > imagedefinitions.json\nartifacts:\n  files: [imagedefinitions.json]\n",
        "\t- tabs are not yaml\n",
        ": :\n",
        "version: 0.2\n\u{0}\n",
        "- just\n- a list\n",
        "version: 0.2\nphases:\n  build:\n    commands:\n      - docker push x\nartifacts: {}\n",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

fn fargate_cases() -> Vec<(u32, u32)> {
    vec![
        (0, 0),
        (128, 512),
        (256, 256),
        (256, 4096),
        (512, 512),
        (1024, 1024),
        (2048, 2048),
        (4096, 4096),
        (8192, 8192),
        (16384, 16384),
        (300, 1024),
        (256, 513),
        (1024, 31000),
        (4096, 32768),
        (u32::MAX, u32::MAX),
    ]
}

fn clear(e: &ErrorBody) -> Result<(), String> {
    if e.message.trim().len() < 8 {
        return Err(format!("message too short: {e:?}"));
    }
    if e.hint.trim().is_empty() {
        return Err(format!("no hint: {e:?}"));
    }
    Ok(())
}

#[test]
fn every_malformed_input_is_refused_clearly_without_a_panic() {
    let mut cases = Vec::new();
    for s in spec_cases() {
        cases.push(Case {
            entry: "slipway.toml",
            input: s,
        });
    }
    for s in dockerfile_cases() {
        cases.push(Case {
            entry: "Dockerfile",
            input: s,
        });
    }
    for s in dockerignore_cases() {
        cases.push(Case {
            entry: ".dockerignore",
            input: s,
        });
    }
    for s in buildspec_cases() {
        cases.push(Case {
            entry: "buildspec.yml",
            input: s,
        });
    }
    let names = name_cases();
    let sizes = fargate_cases();
    let paths = [
        "".to_string(),
        "   ".to_string(),
        "/definitely/not/here".to_string(),
        "/etc/hostname".to_string(),
        "relative/folder".to_string(),
        "/tmp/\u{0}bad".to_string(),
    ];

    let mut problems = Vec::new();
    let mut by_entry: std::collections::BTreeMap<&str, usize> = Default::default();
    for c in &cases {
        *by_entry.entry(c.entry).or_default() += 1;
        let input = c.input.clone();
        let entry = c.entry;
        let outcome = catch_unwind(AssertUnwindSafe(|| -> Result<(), String> {
            match entry {
                "slipway.toml" => match ProjectSpec::parse(&input) {
                    Ok(_) => Err("accepted".into()),
                    Err(e) => clear(&e),
                },
                "Dockerfile" => match slipway_core::lint::lint(&input) {
                    Err(e) => clear(&e),
                    // The linter reports a broken Dockerfile as an error finding with its line.
                    Ok(f) => f
                        .iter()
                        .find(|f| f.severity == slipway_core::lint::Severity::Error)
                        .map(|f| {
                            if f.message.len() >= 8 {
                                Ok(())
                            } else {
                                Err(format!("terse finding {f:?}"))
                            }
                        })
                        .unwrap_or_else(|| Err(format!("no error found: {f:?}"))),
                },
                ".dockerignore" => match slipway_core::dockerignore::DockerIgnore::parse(&input) {
                    Ok(_) => Err("accepted".into()),
                    Err(e) => clear(&e),
                },
                "buildspec.yml" => match slipway_core::buildspec::check(&input, "shop") {
                    Ok(_) => Err("accepted".into()),
                    Err(e) => clear(&e),
                },
                _ => unreachable!(),
            }
        }));
        match outcome {
            Err(_) => problems.push(format!("{entry}: PANIC on {:?}", c.input)),
            Ok(Err(why)) => problems.push(format!("{entry}: {why} for {:?}", c.input)),
            Ok(Ok(())) => {}
        }
    }
    for (kind, name) in &names {
        *by_entry.entry("names").or_default() += 1;
        match catch_unwind(|| require(*kind, name)) {
            Err(_) => problems.push(format!("names: PANIC on {kind:?} {name:?}")),
            Ok(Ok(())) => problems.push(format!("names: {kind:?} accepted {name:?}")),
            Ok(Err(e)) => {
                if let Err(w) = clear(&e) {
                    problems.push(format!("names: {w}"));
                }
            }
        }
    }
    for (cpu, memory) in &sizes {
        *by_entry.entry("cpu/memory").or_default() += 1;
        match catch_unwind(|| slipway_core::fargate::check_size(*cpu, *memory)) {
            Err(_) => problems.push(format!("cpu/memory: PANIC on {cpu}/{memory}")),
            Ok(Ok(())) => problems.push(format!("cpu/memory: accepted {cpu}/{memory}")),
            Ok(Err(m)) if m.len() < 8 => problems.push(format!("cpu/memory: terse {m:?}")),
            Ok(Err(_)) => {}
        }
    }
    for p in &paths {
        *by_entry.entry("project path").or_default() += 1;
        match catch_unwind(|| slipway_core::project::resolve_project_dir(p)) {
            Err(_) => problems.push(format!("path: PANIC on {p:?}")),
            Ok(Ok(d)) => problems.push(format!("path: accepted {p:?} as {}", d.display())),
            Ok(Err(e)) => {
                if let Err(w) = clear(&e) {
                    problems.push(format!("path: {w}"));
                }
            }
        }
    }
    let total: usize = by_entry.values().sum();
    println!(
        "bad-input corpus: {total} inputs {by_entry:?}, {} problems",
        problems.len()
    );
    assert!(total >= 200, "the corpus has {total} inputs");
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn an_atomic_write_that_cannot_finish_leaves_the_old_file_and_no_temp_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("slipway.toml");
    std::fs::write(&file, "old").unwrap();
    // The target is a directory where a file should be: the rename fails.
    let blocked = dir.path().join("blocked");
    std::fs::create_dir(&blocked).unwrap();
    std::fs::write(blocked.join("inside"), "x").unwrap();
    assert!(slipway_core::atomic::write_atomic(&blocked, b"new").is_err());
    slipway_core::atomic::write_atomic(&file, b"new").unwrap();
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "new");
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    let mut names = names;
    names.sort();
    assert_eq!(
        names,
        vec!["blocked", "slipway.toml"],
        "no temp file left behind"
    );
}
