//! Static sites on `nginxinc/nginx-unprivileged:1.27-alpine` (non-root, port 8080, the image's
//! own nginx configuration); single-page apps are built first in `node:22-bookworm-slim`.

use super::dockerfile::{exec_form, healthcheck, local_url, Dockerfile};
use super::node;
use super::Context;

pub(super) const NGINX: &str = "nginxinc/nginx-unprivileged:1.27-alpine";
/// The port the image's default configuration listens on.
const NGINX_PORT: u16 = 8080;
const CONF: &str = "/etc/nginx/conf.d/default.conf";
const HTML: &str = "/usr/share/nginx/html";

/// The static-site Dockerfile.
pub(super) fn dockerfile(cx: &mut Context) -> String {
    let d = cx.d;
    let port = cx.port;
    let spa = !d.build_command.is_empty();
    let mut f = Dockerfile::default();
    if spa {
        f.comment("Build stage: the single-page app compiled to static files.")
            .line(format!("FROM {} AS build", node::BASE))
            .line("WORKDIR /src");
        node::copy_manifests(cx, &mut f);
        let install = node::install_command(cx, false);
        f.line(format!("RUN {install}"))
            .line("COPY . .")
            .line(format!("RUN {}", d.build_command.join(" ")))
            .blank();
    }
    f.line(format!("FROM {NGINX}"));
    // Changes to the image's own nginx configuration, made in one layer.
    let mut edits: Vec<(String, String)> = Vec::new();
    if port != NGINX_PORT {
        edits.push((
            format!("listen on {port} instead of the image's {NGINX_PORT}"),
            format!("s/{NGINX_PORT}/{port}/g"),
        ));
        cx.note(format!("nginx-unprivileged listens on {NGINX_PORT}; the Dockerfile rewrites its configuration to listen on {port}."));
    }
    if spa {
        edits.push((
            "client-side routes: a path with no file behind it gets index.html".into(),
            "s|index  index.html index.htm;|index  index.html index.htm; try_files $uri $uri/ /index.html;|".into(),
        ));
    }
    if !edits.is_empty() {
        let why: Vec<&str> = edits.iter().map(|(w, _)| w.as_str()).collect();
        let exprs: Vec<String> = edits.iter().map(|(_, e)| format!("-e '{e}'")).collect();
        f.comment(&format!("nginx: {}.", why.join("; ")))
            .line(format!("RUN sed -i {} {CONF}", exprs.join(" ")));
    }
    if spa {
        let output = d.build_output.clone().unwrap_or_else(|| "dist".into());
        f.line(format!("COPY --from=build /src/{output} {HTML}"));
        cx.note(format!(
            "Multi-stage: the app is built with Node ({}) and only {output}/ is served by nginx.",
            d.build_command.join(" ")
        ));
    } else {
        f.line(format!("COPY . {HTML}/"));
        cx.note("The folder is served as it is by nginx; .dockerignore keeps Git, secrets and the Docker files out.");
    }
    f.comment("The image's unprivileged nginx user.")
        .line("USER 101")
        .line(format!("EXPOSE {port}"));
    healthcheck(
        &mut f,
        &["wget", "-q", "--spider", &local_url(port, cx.health_path)],
    );
    f.line(format!(
        "CMD {}",
        exec_form(&["nginx", "-g", "daemon off;"])
    ));
    cx.note("nginx-unprivileged runs as uid 101, not root, with the image's own configuration; the HEALTHCHECK uses its busybox wget.");
    f.finish()
}
