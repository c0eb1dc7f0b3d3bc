//! Go: built in `golang:1.23-bookworm` as a static binary, run on distroless as `nonroot`.

use super::dockerfile::{exec_form, Dockerfile};
use super::{major_minor, Context};

pub(super) const BUILD: &str = "golang:1.23-bookworm";
const RUNTIME: &str = "gcr.io/distroless/static-debian12:nonroot";

/// The Go Dockerfile.
pub(super) fn dockerfile(cx: &mut Context) -> String {
    let d = cx.d;
    let port = cx.port;
    let package = d.entry.clone().unwrap_or_else(|| {
        cx.note("No main package was found; the build line builds the module root: edit it if the server lives elsewhere.");
        ".".into()
    });
    let binary = d
        .start_command
        .first()
        .cloned()
        .unwrap_or_else(|| "/app".into());
    let manifests = if cx.has_manifest("go.sum") {
        "go.mod go.sum"
    } else {
        "go.mod"
    };
    let mut f = Dockerfile::default();
    f.line(format!("FROM {BUILD} AS build"))
        .line("WORKDIR /src")
        .comment("Modules first: this layer is rebuilt only when go.mod or go.sum change.")
        .line(format!("COPY {manifests} ./"))
        .line("RUN go mod download")
        .line("COPY . .")
        .comment("Static binary (no cgo), so it runs on an image with no C library.")
        .line(format!(
            "RUN CGO_ENABLED=0 go build -trimpath -ldflags=\"-s -w\" -o /out/server {package}"
        ))
        .blank();
    f.comment("Distroless: no shell or package manager to attack, and CA certificates included.")
        .line(format!("FROM {RUNTIME}"))
        .line(format!("COPY --from=build /out/server {binary}"))
        .line(format!("ENV PORT={port}"))
        .line("USER nonroot:nonroot")
        .line(format!("EXPOSE {port}"))
        .line(format!("CMD {}", exec_form(&[binary.as_str()])));
    cx.note(format!(
        "Multi-stage: the Go toolchain stays in the build stage; the image holds only the binary on {RUNTIME}."
    ));
    cx.note("No HEALTHCHECK: distroless has no shell or curl to run one; the load balancer's health check covers the task.");
    if let Some((1, minor)) = d.runtime_version.as_deref().and_then(major_minor) {
        if minor > 23 {
            cx.note(format!(
                "go.mod asks for Go 1.{minor} but the build image has 1.23, so go would download a toolchain during the build: raise the golang tag to 1.{minor}."
            ));
        }
    }
    f.finish()
}
