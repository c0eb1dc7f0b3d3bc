//! Fixes to the final stage: the user it runs as (DL3002, SW1002), the port it exposes (SW1001)
//! and the platform it is built for (SW1004).

use super::{Doc, Fix, TextEdit};
use parse_dockerfile::Instruction;

/// The uid the fixes run the app as: numeric, so no /etc/passwd entry is needed.
const NON_ROOT_UID: &str = "10001";

/// Instructions whose effect does not depend on the current USER (COPY and ADD create files
/// as root unless `--chown` says otherwise; RUN and WORKDIR act as the user).
fn ignores_user(ins: &Instruction<'_>) -> bool {
    matches!(
        ins,
        Instruction::Cmd(_)
            | Instruction::Entrypoint(_)
            | Instruction::Expose(_)
            | Instruction::Label(_)
            | Instruction::Healthcheck(_)
            | Instruction::Stopsignal(_)
            | Instruction::Env(_)
            | Instruction::Arg(_)
            | Instruction::Maintainer(_)
            | Instruction::Volume(_)
            | Instruction::Copy(_)
            | Instruction::Add(_)
            | Instruction::Shell(_)
    )
}

/// Where a new USER goes in the final stage: after everything that runs as the user, before the
/// first CMD or ENTRYPOINT of what follows (or at the end of the file when there is none).
fn user_line(doc: &Doc<'_, '_>) -> Option<u32> {
    let stage = doc.final_stage()?;
    let tail_start = (stage.from + 1..stage.end)
        .rev()
        .take_while(|i| ignores_user(&doc.file.instructions[*i]))
        .last()
        .unwrap_or(stage.end);
    let command = (tail_start..stage.end).find(|i| {
        matches!(
            doc.file.instructions[*i],
            Instruction::Cmd(_) | Instruction::Entrypoint(_)
        )
    });
    match command {
        Some(i) => Some(doc.first_line(i)),
        None => {
            let last_text = (1..=doc.line_count())
                .rev()
                .find(|l| !doc.line_text(*l).trim().is_empty())?;
            Some(last_text + 1)
        }
    }
}

fn insert_user(doc: &Doc<'_, '_>) -> Option<TextEdit> {
    let line = user_line(doc)?;
    let indent = if line <= doc.line_count() {
        doc.indent(line)
    } else {
        ""
    };
    Some(TextEdit::insert_before(
        line,
        format!("{indent}USER {NON_ROOT_UID}"),
    ))
}

/// A port below 1024 needs root to bind (or a capability), so the app must stay root: no fix.
fn binds_a_low_port(doc: &Doc<'_, '_>, service_port: Option<u16>) -> bool {
    service_port.is_some_and(|p| p < 1024) || doc.final_exposed_ports().iter().any(|p| *p < 1024)
}

/// The user a stage ends with, through the stages it builds on: None when no USER is set.
fn stage_user(doc: &Doc<'_, '_>, stage: usize) -> Option<String> {
    let mut s = Some(stage);
    while let Some(i) = s {
        let st = doc.stages.get(i)?;
        let user = doc.file.instructions[st.from..st.end]
            .iter()
            .rev()
            .find_map(|ins| match ins {
                Instruction::User(u) => Some(u.arguments.value.to_string()),
                _ => None,
            });
        if user.is_some() {
            return user;
        }
        s = st.parent;
    }
    None
}

/// SW1002: `USER 10001` in the final stage, after the build steps, before CMD. Not when the app
/// binds a port below 1024, when the stage builds on a stage that already set a user, or when
/// the image is one that runs as its own non-root user (`:nonroot` tags).
pub(super) fn non_root_user(doc: &Doc<'_, '_>, service_port: Option<u16>) -> Option<Fix> {
    let stage = doc.final_stage()?;
    let inherited = stage.parent.and_then(|p| stage_user(doc, p)).is_some();
    let nonroot_image = stage.base.as_deref().is_some_and(|b| b.contains("nonroot"));
    if inherited || nonroot_image || binds_a_low_port(doc, service_port) {
        return None;
    }
    Some(Fix {
        title: format!(
            "Run as non-root user {NON_ROOT_UID} (a numeric uid needs no /etc/passwd entry)"
        ),
        edits: vec![insert_user(doc)?],
    })
}

/// DL3002 in the final stage: its last `USER root` becomes `USER 10001` when only instructions
/// that ignore the user follow; otherwise `USER 10001` is added after the build steps, so they
/// still run as root. Not when the app binds a port below 1024.
pub(super) fn user_instead_of_root(
    doc: &Doc<'_, '_>,
    at: usize,
    service_port: Option<u16>,
) -> Option<Fix> {
    let stage = doc.final_stage()?;
    let Some(Instruction::User(user)) = doc.ins(at) else {
        return None;
    };
    if at <= stage.from || binds_a_low_port(doc, service_port) {
        return None;
    }
    let rest_ignores_user = doc.file.instructions[at + 1..stage.end]
        .iter()
        .all(ignores_user);
    let edits = if rest_ignores_user {
        doc.splice(vec![(user.arguments.span.clone(), NON_ROOT_UID.into())])
    } else {
        vec![insert_user(doc)?]
    };
    Some(Fix {
        title: format!("Run as user {NON_ROOT_UID} instead of root"),
        edits,
    })
}

/// SW1001: EXPOSE names the service's port. A single exposed port is replaced by it (keeping
/// `/tcp`); with several, the service port is added to the first EXPOSE. Not when a port is a
/// variable or a range.
pub(super) fn expose_service_port(doc: &Doc<'_, '_>, port: u16) -> Option<Fix> {
    let stage = doc.final_stage()?;
    let args: Vec<_> = doc.file.instructions[stage.from..stage.end]
        .iter()
        .filter_map(|ins| match ins {
            Instruction::Expose(e) => Some(&e.arguments),
            _ => None,
        })
        .collect();
    let all: Vec<_> = args.iter().flat_map(|a| a.iter()).collect();
    let numbers: Option<Vec<(u16, &str)>> = all
        .iter()
        .map(|a| {
            let (number, proto) = a.value.split_once('/').unwrap_or((&a.value, ""));
            Some((number.parse().ok()?, proto))
        })
        .collect();
    let numbers = numbers?;
    match (all.as_slice(), numbers.as_slice()) {
        ([only], [(old, proto)]) => {
            let new = if proto.eq_ignore_ascii_case("tcp") {
                format!("{port}/{proto}")
            } else {
                port.to_string()
            };
            Some(Fix {
                title: format!("Expose port {port} instead of {old}"),
                edits: doc.splice(vec![(only.span.clone(), new)]),
            })
        }
        _ => {
            let last = args.first()?.last()?;
            let end = last.span.end;
            Some(Fix {
                title: format!("Also expose port {port}"),
                edits: doc.splice(vec![(end..end, format!(" {port}"))]),
            })
        }
    }
}

/// SW1004: the final FROM's `--platform` becomes the service's platform.
pub(super) fn final_platform(doc: &Doc<'_, '_>, at: usize, platform: &str) -> Option<Fix> {
    let Some(Instruction::From(from)) = doc.ins(at) else {
        return None;
    };
    let flag = from.options.iter().find(|f| f.name.value == "platform")?;
    Some(Fix {
        title: format!("Build the final stage for {platform}"),
        edits: doc.splice(vec![(flag.span(), format!("--platform={platform}"))]),
    })
}
