//! The rules. Each one says why it matters in its message; ids and meaning follow hadolint.

use super::shell::{commands, SimpleCommand};
use super::{Finding, LineIndex, Severity};
use parse_dockerfile::{Command, Dockerfile, Instruction};

fn finding(rule: &str, severity: Severity, line: u32, message: &str) -> Finding {
    Finding {
        rule: rule.into(),
        severity,
        line,
        message: message.into(),
        fix: None,
    }
}

fn unquote(s: &str) -> &str {
    s.trim().trim_matches('"').trim_matches('\'')
}

/// Runs every rule over the parsed file.
pub(super) fn check(file: &Dockerfile<'_>, lines: &LineIndex) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut stage_names: Vec<String> = Vec::new();
    // Per stage: the last USER (line, is root), whether SHELL set pipefail, the previous RUN.
    let mut last_user: Option<(u32, bool)> = None;
    let mut pipefail = false;
    // The previous instruction, when it was a RUN of a single command: its flags.
    let mut prev_single_run: Option<Vec<String>> = None;
    // DL3009 is reported only for the last stage and for stages a later FROM builds on, so its
    // candidates wait for the whole file: (line, the stage they are in).
    let mut apt_lists_kept: Vec<(u32, usize)> = Vec::new();
    let mut stages: Vec<StageKey> = Vec::new();
    let flush_user = |last_user: &mut Option<(u32, bool)>, out: &mut Vec<Finding>| {
        if let Some((line, true)) = last_user.take() {
            out.push(finding("DL3002", Severity::Warning, line, "Last USER should not be root: a container running as root can do far more damage if the app is compromised."));
        }
    };
    for ins in &file.instructions {
        match ins {
            Instruction::From(from) => {
                flush_user(&mut last_user, &mut out);
                pipefail = false;
                prev_single_run = None;
                let line = lines.line_of(from.from.span.start);
                let image = from.image.value.as_ref();
                check_from_image(image, &stage_names, line, &mut out);
                stages.push(StageKey::of(from));
                if let Some((_, alias)) = &from.as_ {
                    stage_names.push(alias.value.to_ascii_lowercase());
                }
                continue;
            }
            Instruction::User(user) => {
                let name = unquote(&user.arguments.value);
                let who = name.split(':').next().unwrap_or("");
                last_user = Some((
                    lines.line_of(user.user.span.start),
                    who == "root" || who == "0",
                ));
            }
            Instruction::Workdir(w) => {
                let dir = unquote(&w.arguments.value);
                let absolute =
                    dir.starts_with('/') || dir.starts_with('$') || dir.chars().nth(1) == Some(':');
                if !absolute {
                    out.push(finding(
                        "DL3000",
                        Severity::Error,
                        lines.line_of(w.workdir.span.start),
                        "Use absolute WORKDIR: a relative one depends on every WORKDIR before it.",
                    ));
                }
            }
            Instruction::Add(add) => {
                let line = lines.line_of(add.add.span.start);
                let all_local_files = add.src.iter().all(|s| match s {
                    parse_dockerfile::Source::Path(p) => {
                        let v = p.value.as_ref();
                        !(v.contains("://") || is_archive(v))
                    }
                    _ => false,
                });
                if all_local_files {
                    out.push(finding("DL3020", Severity::Error, line, "Use COPY instead of ADD for files and folders: ADD also fetches URLs and unpacks archives, which surprises readers."));
                }
            }
            Instruction::Cmd(c) => {
                if matches!(c.arguments, Command::Shell(_)) {
                    out.push(finding("DL3025", Severity::Warning, lines.line_of(c.cmd.span.start), "Use arguments JSON notation for CMD and ENTRYPOINT: in shell form the app is not PID 1 and misses the stop signal ECS sends."));
                }
            }
            Instruction::Entrypoint(e) => {
                if matches!(e.arguments, Command::Shell(_)) {
                    out.push(finding("DL3025", Severity::Warning, lines.line_of(e.entrypoint.span.start), "Use arguments JSON notation for CMD and ENTRYPOINT: in shell form the app is not PID 1 and misses the stop signal ECS sends."));
                }
            }
            Instruction::Shell(s) => {
                pipefail = s.arguments.iter().any(|a| a.value.contains("pipefail"))
                    || s.arguments.first().is_some_and(|a| {
                        ![
                            "/bin/sh",
                            "/bin/bash",
                            "sh",
                            "bash",
                            "/bin/ash",
                            "ash",
                            "/bin/zsh",
                            "zsh",
                        ]
                        .contains(&a.value.as_ref())
                    });
            }
            Instruction::Run(run) => {
                let line = lines.line_of(run.run.span.start);
                let script = if !run.here_docs.is_empty() {
                    Some(
                        run.here_docs
                            .iter()
                            .map(|h| h.value.as_ref())
                            .collect::<Vec<_>>()
                            .join("\n"),
                    )
                } else {
                    match &run.arguments {
                        Command::Shell(s) => Some(s.value.to_string()),
                        _ => None,
                    }
                };
                let cmds = script.map(|s| commands(&s)).unwrap_or_default();
                check_run(&cmds, line, pipefail, &mut out);
                if updates_apt_lists_and_keeps_them(&cmds) && !apt_lists_in_a_cache_mount(run) {
                    apt_lists_kept.push((line, stages.len().saturating_sub(1)));
                }
                let flags: Vec<String> = run
                    .options
                    .iter()
                    .map(|f| {
                        format!(
                            "{}={}",
                            f.name.value,
                            f.value.as_ref().map(|v| v.value.as_ref()).unwrap_or("")
                        )
                    })
                    .collect();
                // hadolint suggests merging only two RUNs of one command each, with the same flags.
                let single = cmds.len() == 1 && run.here_docs.is_empty();
                if single && prev_single_run.as_ref() == Some(&flags) {
                    out.push(finding("DL3059", Severity::Info, line, "Multiple consecutive RUN instructions. Consider consolidation: each RUN adds a layer."));
                }
                prev_single_run = single.then_some(flags);
                continue;
            }
            _ => {}
        }
        prev_single_run = None;
    }
    flush_user(&mut last_user, &mut out);
    for (line, stage) in apt_lists_kept {
        if stages.is_empty() || StageKey::reaches_the_image(&stages, stage) {
            out.push(finding("DL3009", Severity::Info, line, "Delete the apt-get lists after installing something (rm -rf /var/lib/apt/lists/*): they only make the image bigger."));
        }
    }
    out
}

/// What hadolint compares to tell stages apart: the FROM line's image, alias and platform.
#[derive(PartialEq, Eq)]
struct StageKey {
    image: String,
    alias: Option<String>,
    platform: Option<String>,
}

impl StageKey {
    fn of(from: &parse_dockerfile::FromInstruction<'_>) -> Self {
        StageKey {
            image: from.image.value.to_string(),
            alias: from.as_.as_ref().map(|(_, a)| a.value.to_string()),
            platform: from
                .options
                .iter()
                .find(|f| f.name.value == "platform")
                .and_then(|f| f.value.as_ref())
                .map(|v| v.value.to_string()),
        }
    }

    /// Whether a stage ends up in the image: it is the last one (or looks exactly like it, as
    /// hadolint compares), or a FROM names it (hadolint matches the alias case-sensitively).
    fn reaches_the_image(stages: &[StageKey], index: usize) -> bool {
        let (Some(stage), Some(last)) = (stages.get(index), stages.last()) else {
            return false;
        };
        stage == last
            || stage
                .alias
                .as_ref()
                .is_some_and(|alias| stages.iter().any(|s| &s.image == alias))
    }
}

/// hadolint's DL3009 trigger: an `update` of apt, apt-get or aptitude and no `rm` that looks
/// like a cleanup (it accepts any `rm -rf`, or `rm` of `/var/lib/apt/lists/*`).
fn updates_apt_lists_and_keeps_them(cmds: &[SimpleCommand]) -> bool {
    let updates = cmds.iter().any(|c| {
        matches!(c.name(), Some("apt" | "apt-get" | "aptitude"))
            && c.args().iter().any(|a| a == "update")
    });
    let cleans = cmds.iter().any(|c| {
        c.name() == Some("rm")
            && c.args()
                .iter()
                .any(|a| a == "-rf" || a == "/var/lib/apt/lists/*")
    });
    updates && !cleans
}

/// A cache or tmpfs mount over the apt lists keeps them out of the image already.
fn apt_lists_in_a_cache_mount(run: &parse_dockerfile::RunInstruction<'_>) -> bool {
    let targets: Vec<String> = run
        .options
        .iter()
        .filter(|f| f.name.value == "mount")
        .filter_map(|f| f.value.as_ref())
        .filter_map(|v| cache_or_tmpfs_target(&v.value))
        .collect();
    let has = |frag: &str| targets.iter().any(|t| t.contains(frag));
    has("/var/lib/apt/lists") || (has("/var/lib/apt") && has("/var/cache/apt"))
}

/// The target of a `--mount=type=cache|tmpfs,...` value.
fn cache_or_tmpfs_target(mount: &str) -> Option<String> {
    let mut kind = "bind";
    let mut target = None;
    for part in mount.split(',') {
        match part.split_once('=') {
            Some(("type", v)) => kind = v,
            Some(("target" | "dst" | "destination", v)) => target = Some(v.to_string()),
            _ => {}
        }
    }
    matches!(kind, "cache" | "tmpfs")
        .then_some(target)
        .flatten()
}

fn is_archive(path: &str) -> bool {
    [
        ".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tar.xz", ".txz", ".gz", ".bz2", ".xz",
        ".zip", ".tar.zst", ".zst",
    ]
    .iter()
    .any(|ext| path.ends_with(ext))
}

fn check_from_image(image: &str, stages: &[String], line: u32, out: &mut Vec<Finding>) {
    if image == "scratch" || image.starts_with('$') || stages.contains(&image.to_ascii_lowercase())
    {
        return;
    }
    if image.contains('@') {
        return;
    }
    // The tag is after the last ':' that comes after the last '/' (a registry port is not a tag).
    let last = image.rsplit('/').next().unwrap_or(image);
    match last.split_once(':') {
        None => out.push(finding("DL3006", Severity::Warning, line, "Always tag the version of an image explicitly: without a tag you get whatever `latest` is today.")),
        Some((_, "latest")) => out.push(finding("DL3007", Severity::Warning, line, "Using latest is prone to errors if the image will ever update. Pin the version explicitly to a release tag.")),
        Some(_) => {}
    }
}

fn check_run(cmds: &[SimpleCommand], line: u32, pipefail: bool, out: &mut Vec<Finding>) {
    let mut push = |rule: &str, sev: Severity, msg: &str| {
        if !out.iter().any(|f| f.rule == rule && f.line == line) {
            out.push(finding(rule, sev, line, msg));
        }
    };
    if !pipefail && cmds.iter().any(|c| c.piped) {
        push("DL4006", Severity::Warning, "Set the SHELL option -o pipefail before RUN with a pipe in it: otherwise a failing command before the pipe does not fail the build.");
    }
    for c in cmds {
        match c.name() {
            Some("cd") => push("DL3003", Severity::Warning, "Use WORKDIR to switch to a directory: a cd lasts only for this RUN."),
            Some("sudo") => push("DL3004", Severity::Error, "Do not use sudo as it leads to unpredictable behavior. Use a tool like gosu to enforce root."),
            _ => {}
        }
        if c.is("apt-get", "install") {
            let args = c.args();
            if !args.iter().any(|a| a == "--no-install-recommends") {
                push("DL3015", Severity::Info, "Avoid additional packages by specifying --no-install-recommends: they make the image bigger and slower to pull.");
            }
            // The packages come after `install`, which options may precede (`apt-get -y install`).
            let pkgs: Vec<&String> = args
                .iter()
                .skip_while(|a| *a != "install")
                .skip(1)
                .filter(|a| !a.starts_with('-'))
                .collect();
            if pkgs
                .iter()
                .any(|p| !p.contains('=') && !p.ends_with(".deb") && !p.starts_with('$'))
            {
                push("DL3008", Severity::Warning, "Pin versions in apt-get install (package=version): otherwise every build may install something different.");
            }
        }
        if is_pip_install(c) {
            let args = c.args();
            if !args.iter().any(|a| a == "--no-cache-dir") {
                push("DL3042", Severity::Warning, "Avoid use of cache directory with pip. Use `pip install --no-cache-dir <package>`: the cache only makes the image bigger.");
            }
            if pip_unpinned(args) {
                push("DL3013", Severity::Warning, "Pin versions in pip. Instead of `pip install <package>` use `pip install <package>==<version>`.");
            }
        }
    }
}

pub(super) fn is_pip_install(c: &SimpleCommand) -> bool {
    let pip = matches!(c.name(), Some("pip" | "pip3"))
        || (matches!(c.name(), Some(n) if n.starts_with("python"))
            && c.args()
                .windows(2)
                .any(|w| w[0] == "-m" && w[1].starts_with("pip")));
    pip && c.args().iter().any(|a| a == "install")
}

fn pip_unpinned(args: &[String]) -> bool {
    let mut skip_next = false;
    let mut after_install = false;
    for a in args {
        if !after_install {
            after_install = a == "install";
            continue;
        }
        if skip_next {
            skip_next = false;
            continue;
        }
        if [
            "-r",
            "--requirement",
            "-c",
            "--constraint",
            "-e",
            "--editable",
            "-i",
            "--index-url",
            "--extra-index-url",
            "-f",
            "--find-links",
            "--target",
            "-t",
            "--prefix",
            "--root",
        ]
        .contains(&a.as_str())
        {
            skip_next = true;
            continue;
        }
        if a.starts_with('-')
            || a == "."
            || a.contains('/')
            || a.ends_with(".whl")
            || a.ends_with(".tar.gz")
            || a.contains("://")
        {
            continue;
        }
        if !["==", ">=", "<=", "~=", "!=", "<", ">", "@"]
            .iter()
            .any(|op| a.contains(op))
        {
            return true;
        }
    }
    false
}

/// Slipway's own checks, the ones that bite on Fargate.
pub(super) fn slipway_checks(
    file: &Dockerfile<'_>,
    lines: &LineIndex,
    options: &super::LintOptions,
) -> Vec<Finding> {
    let mut out = Vec::new();
    let last_from = file
        .instructions
        .iter()
        .rposition(|i| matches!(i, Instruction::From(_)));
    let final_stage = last_from.map(|i| &file.instructions[i..]).unwrap_or(&[]);
    let mut exposed: Vec<(u16, u32)> = Vec::new();
    let mut has_user = false;
    for ins in final_stage {
        match ins {
            Instruction::Expose(e) => {
                for port in &e.arguments {
                    let number = port
                        .value
                        .split('/')
                        .next()
                        .and_then(|p| p.parse::<u16>().ok());
                    if let Some(n) = number {
                        exposed.push((n, lines.line_of(e.expose.span.start)));
                    }
                }
            }
            Instruction::User(_) => has_user = true,
            _ => {}
        }
    }
    if let (Some(port), Some((_, line))) = (options.port, exposed.first()) {
        if !exposed.iter().any(|(p, _)| *p == port) {
            out.push(finding("SW1001", Severity::Error, *line, &format!("EXPOSE does not include port {port}, the port slipway.toml sends traffic to: the load balancer's health checks would never reach the app.")));
        }
    }
    if !has_user {
        if let Some(Instruction::From(from)) = last_from.map(|i| &file.instructions[i]) {
            if from.image.value != "scratch" {
                out.push(finding("SW1002", Severity::Warning, lines.line_of(from.from.span.start), "No USER in the final stage: the app runs as root. Add a non-root user (USER 10001) before CMD."));
            }
        }
    }
    for ins in &file.instructions {
        let (keyword, args) = match ins {
            Instruction::Env(e) => (&e.env, e.arguments.value.as_ref()),
            Instruction::Arg(a) => (&a.arg, a.arguments.value.as_ref()),
            _ => continue,
        };
        for pair in args.split_whitespace() {
            if let Some((name, value)) = pair.split_once('=') {
                let value = unquote(value);
                if crate::redact::is_secret_key(name)
                    && !value.is_empty()
                    && !value.starts_with('$')
                {
                    out.push(finding("SW1003", Severity::Error, lines.line_of(keyword.span.start), &format!("{name} looks like a secret written into the image: anyone who can pull the image can read it. Pass it at run time (ECS secrets from Secrets Manager or SSM) instead.")));
                }
            }
        }
    }
    if let Some(wanted) = options.platform.as_deref() {
        for ins in final_stage.iter().take(1) {
            if let Instruction::From(from) = ins {
                for flag in &from.options {
                    let value = flag.value.as_ref().map(|v| v.value.as_ref()).unwrap_or("");
                    if flag.name.value == "platform" && !value.starts_with('$') && value != wanted {
                        out.push(finding("SW1004", Severity::Error, lines.line_of(from.from.span.start), &format!("The final stage is built for {value} but the service runs {wanted}: Fargate would fail to start the task with an exec format error.")));
                    }
                }
            }
        }
    }
    out
}
