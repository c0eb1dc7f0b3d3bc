//! Rust: built in `rust:1.83-slim-bookworm` (dependencies compiled against an empty main first,
//! so editing code does not rebuild them), run on `debian:bookworm-slim` as a non-root uid.

use super::dockerfile::{exec_form, Dockerfile};
use super::{major_minor, Context};
use crate::stack::Framework;

pub(super) const BUILD: &str = "rust:1.83-slim-bookworm";
pub(super) const RUNTIME: &str = "debian:bookworm-slim";

/// The Rust Dockerfile.
pub(super) fn dockerfile(cx: &mut Context) -> String {
    let d = cx.d;
    let port = cx.port;
    let bin = d.entry.clone().unwrap_or_else(|| {
        cx.note("Cargo.toml names no package or binary; the Dockerfile assumes a binary called app: edit it.");
        "app".into()
    });
    let locked = if cx.has_manifest("Cargo.lock") {
        " --locked"
    } else {
        cx.note("There is no Cargo.lock, so every build resolves versions again; commit it (binaries should) for repeatable images.");
        ""
    };
    let manifests = if locked.is_empty() {
        "Cargo.toml"
    } else {
        "Cargo.toml Cargo.lock"
    };
    let mut f = Dockerfile::default();
    f.line(format!("FROM {BUILD} AS build"))
        .line("WORKDIR /src")
        .comment("Dependencies first, compiled against an empty main (and lib): this layer is")
        .comment("rebuilt only when Cargo.toml or Cargo.lock change.")
        .line(format!("COPY {manifests} ./"))
        .line("RUN mkdir src \\")
        .line("    && echo \"fn main() {}\" > src/main.rs \\")
        .line("    && touch src/lib.rs \\")
        .line(format!("    && cargo build --release{locked} \\"))
        .line("    && rm -rf src")
        .line("COPY . .")
        .comment("Newer timestamps than the empty main, so cargo rebuilds the app's own code.")
        .line(format!(
            "RUN find src -name '*.rs' -exec touch {{}} + && cargo build --release{locked}"
        ))
        .blank();
    f.line(format!("FROM {RUNTIME}"))
        .comment("CA certificates from the build image, for outgoing HTTPS calls.")
        .line("COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt")
        .line(format!("COPY --from=build /src/target/release/{bin} /usr/local/bin/{bin}"));
    if d.framework == Some(Framework::Rocket) {
        f.env(&[
            ("ROCKET_ADDRESS", "0.0.0.0".into()),
            ("ROCKET_PORT", port.to_string()),
        ]);
    } else {
        f.line(format!("ENV PORT={port}"));
    }
    f.comment("A fixed uid that is not root; it needs no entry in /etc/passwd.")
        .line("USER 10001")
        .line(format!("EXPOSE {port}"))
        .line(format!(
            "CMD {}",
            exec_form(&[format!("/usr/local/bin/{bin}")])
        ));
    cx.note(format!("Multi-stage: the Rust toolchain stays in the build stage; the image holds the release binary on {RUNTIME}."));
    cx.note("No HEALTHCHECK: debian-slim has no curl; the load balancer's health check covers the task.");
    cx.note("The dependency-caching step assumes the usual layout (src/main.rs, optional src/lib.rs); with custom [[bin]] paths or a workspace, drop that RUN.");
    if let Some((1, minor)) = d.runtime_version.as_deref().and_then(major_minor) {
        if minor > 83 {
            cx.note(format!("The crate needs Rust 1.{minor} (rust-version or edition 2024) but the build image has 1.83: raise the rust tag."));
        }
    }
    f.finish()
}
