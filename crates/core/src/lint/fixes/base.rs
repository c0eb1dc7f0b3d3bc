//! What is known for sure about a few official base images: which ones have bash, which ones
//! start as root. Anything else is unknown, and unknown means no fix.

/// An official Docker Library image's name and tag (`python:3.12-slim` → `python`,
/// `3.12-slim`), with the registry prefixes that mean the same image. None for anything else.
fn official(reference: &str) -> Option<(&str, &str)> {
    let reference = reference.split('@').next().unwrap_or(reference);
    let path = [
        "docker.io/library/",
        "index.docker.io/library/",
        "registry-1.docker.io/library/",
        "public.ecr.aws/docker/library/",
        "library/",
    ]
    .iter()
    .find_map(|prefix| reference.strip_prefix(prefix))
    .unwrap_or(reference);
    if path.contains('/') || path.contains('$') {
        return None;
    }
    Some(path.split_once(':').unwrap_or((path, "latest")))
}

/// The variants of an official image that are not Debian or Ubuntu.
fn other_os_tag(tag: &str) -> bool {
    [
        "alpine",
        "windows",
        "nanoserver",
        "servercore",
        "ubi",
        "oracle",
    ]
    .iter()
    .any(|os| tag.contains(os))
}

/// Debian or Ubuntu underneath, so `/bin/bash` exists: debian, ubuntu, and the language images
/// whose default variants are built on Debian (not their alpine or Windows variants).
pub(super) fn has_bash(reference: &str) -> bool {
    let Some((name, tag)) = official(reference) else {
        return false;
    };
    match name {
        "debian" | "ubuntu" | "buildpack-deps" => true,
        "python" | "node" | "golang" | "ruby" | "rust" | "php" | "perl" => !other_os_tag(tag),
        _ => false,
    }
}

/// Official images that run as root unless a Dockerfile says otherwise.
pub(super) fn starts_as_root(reference: &str) -> bool {
    let Some((name, tag)) = official(reference) else {
        return false;
    };
    [
        "debian",
        "ubuntu",
        "alpine",
        "buildpack-deps",
        "python",
        "node",
        "golang",
        "ruby",
        "rust",
        "php",
        "perl",
        "amazonlinux",
        "fedora",
        "rockylinux",
        "almalinux",
        "eclipse-temurin",
        "amazoncorretto",
    ]
    .contains(&name)
        && !tag.contains("windows")
        && !tag.contains("nanoserver")
        && !tag.contains("servercore")
}

/// DL3006 / DL3007: an untagged or `latest` base image that Slipway's templates also use gets
/// the tag they pin. Not for a variable, a digest, an earlier stage's name or another image.
pub(super) fn pin_like_templates(doc: &super::Doc<'_, '_>, at: usize) -> Option<super::Fix> {
    let Some(parse_dockerfile::Instruction::From(from)) = doc.ins(at) else {
        return None;
    };
    let image = from.image.value.as_ref();
    if image.contains('$') || image.contains('@') {
        return None;
    }
    let earlier_stage = doc.file.instructions[..at].iter().any(|i| {
        matches!(i, parse_dockerfile::Instruction::From(f)
            if f.as_.as_ref().is_some_and(|(_, n)| n.value.eq_ignore_ascii_case(image)))
    });
    if earlier_stage {
        return None;
    }
    let (name, tag) = match image.rsplit_once(':') {
        Some((n, t)) if !t.contains('/') => (n, Some(t)),
        _ => (image, None),
    };
    if tag.is_some_and(|t| t != "latest") {
        return None;
    }
    let short = name.strip_prefix("docker.io/").unwrap_or(name);
    let short = short.strip_prefix("library/").unwrap_or(short);
    let pinned = crate::generate::PINNED_BASES
        .iter()
        .find(|p| p.rsplit_once(':').map(|(n, _)| n) == Some(short))?;
    Some(super::Fix {
        title: format!("Use {pinned}"),
        edits: doc.splice(vec![(from.image.span.clone(), (*pinned).to_string())]),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debian_based_language_images_have_bash_but_alpine_ones_do_not() {
        for yes in [
            "debian:12-slim",
            "ubuntu:24.04",
            "python:3.12-slim-bookworm",
            "node:22-bookworm-slim",
            "golang:1.23",
            "docker.io/library/python:3.12",
            "public.ecr.aws/docker/library/node:20",
            "python@sha256:00",
        ] {
            assert!(has_bash(yes), "{yes}");
        }
        for no in [
            "alpine:3.20",
            "python:3.12-alpine",
            "node:20-alpine3.20",
            "golang:1.23-windowsservercore",
            "gcr.io/distroless/python3",
            "registry.example.com/team/python:3",
            "myorg/ubuntu:24.04",
            "$BASE",
            "nginx:1.27",
        ] {
            assert!(!has_bash(no), "{no}");
        }
    }

    #[test]
    fn only_known_official_images_are_assumed_to_start_as_root() {
        assert!(starts_as_root("alpine:3.20"));
        assert!(starts_as_root("node:20-alpine"));
        assert!(!starts_as_root("gitpod/workspace-full"));
        assert!(!starts_as_root("sonarqube:10"));
    }
}
