//! Node.js on `node:22-bookworm-slim`: package.json and the lockfile before the sources,
//! production dependencies only, the image's `node` user, and `node <file>` as PID 1. Apps with
//! a build script are built in a first stage and pruned before the runtime stage.

use super::dockerfile::{exec_form, healthcheck, local_url, Dockerfile};
use super::{major_minor, Context};
use crate::stack::{Framework, PackageManager};

pub(super) const BASE: &str = "node:22-bookworm-slim";

/// The install command for the app's package manager; `production` leaves dev dependencies out.
pub(super) fn install_command(cx: &mut Context, production: bool) -> String {
    let d = cx.d;
    let omit = if production { " --omit=dev" } else { "" };
    match d.package_manager {
        Some(PackageManager::Yarn) => {
            cx.note("yarn.lock: installed with the Yarn 1 that ships in the node image; for Yarn 2+ enable corepack first.");
            let prod = if production { " --production" } else { "" };
            format!("yarn install --frozen-lockfile{prod} && yarn cache clean")
        }
        Some(PackageManager::Pnpm) => {
            cx.note(
                "pnpm-lock.yaml: pnpm comes from corepack, which downloads it during the build.",
            );
            let prod = if production { " --prod" } else { "" };
            format!("corepack enable pnpm && pnpm install --frozen-lockfile{prod}")
        }
        _ if d.lockfile.is_some() => {
            format!("npm ci{omit} --no-audit --no-fund && npm cache clean --force")
        }
        _ => {
            cx.note("There is no package-lock.json, so every build resolves versions again (npm install); commit one for repeatable images and npm ci.");
            format!("npm install{omit} --no-audit --no-fund && npm cache clean --force")
        }
    }
}

/// `COPY package.json package-lock.json ./`: the manifests that decide the dependency layer.
pub(super) fn copy_manifests(cx: &Context, f: &mut Dockerfile) {
    let files: Vec<&str> = cx.d.manifests.iter().map(String::as_str).collect();
    let files = if files.is_empty() {
        vec!["package.json"]
    } else {
        files
    };
    f.comment("Dependencies first: this layer is rebuilt only when the manifests change.")
        .line(format!("COPY {} ./", files.join(" ")));
}

/// The Node.js Dockerfile.
pub(super) fn dockerfile(cx: &mut Context) -> String {
    let d = cx.d;
    let port = cx.port;
    let mut f = Dockerfile::default();
    let built = !d.build_command.is_empty();
    if built {
        f.comment(
            "Build stage: all dependencies (the build needs dev tools), then the build, then",
        )
        .comment("the dev dependencies removed so only what runs is copied on.")
        .line(format!("FROM {BASE} AS build"))
        .line("WORKDIR /app");
        copy_manifests(cx, &mut f);
        let install = install_command(cx, false);
        f.line(format!("RUN {install}"))
            .line("COPY . .")
            .line(format!(
                "RUN {} && npm prune --omit=dev",
                d.build_command.join(" ")
            ))
            .blank();
        cx.note(format!(
            "The app is built in its own stage ({}) and dev dependencies are pruned before the runtime image.",
            d.build_command.join(" ")
        ));
    }
    f.line(format!("FROM {BASE}")).blank();
    f.comment("production: frameworks turn off dev-only behaviour; PORT: where the app listens.")
        .env(&[
            ("NODE_ENV", "production".into()),
            ("PORT", port.to_string()),
        ])
        .line("WORKDIR /app")
        .blank();
    if built {
        f.line("COPY --from=build /app ./").blank();
    } else {
        copy_manifests(cx, &mut f);
        let install = install_command(cx, true);
        f.line(format!("RUN {install}"))
            .blank()
            .line("COPY . .")
            .blank();
    }
    f.comment("The node image's unprivileged user.")
        .line("USER node")
        .blank()
        .line(format!("EXPOSE {port}"))
        .blank();
    let probe = format!(
        "require('http').get('{}', (r) => process.exit(r.statusCode < 400 ? 0 : 1)).on('error', () => process.exit(1))",
        local_url(port, cx.health_path)
    );
    f.comment("The image has no curl: node itself asks the health path.");
    healthcheck(&mut f, &["node", "-e", &probe]);
    f.blank();
    let cmd = command(cx);
    f.line(format!("CMD {}", exec_form(&cmd)));
    if d.lockfile.is_some() && d.package_manager == Some(PackageManager::Npm) {
        cx.note("npm ci installs exactly what package-lock.json pins; --omit=dev leaves test and build tools out of the image.");
    }
    cx.note("The app runs as the image's node user, not root; the HEALTHCHECK uses node because the slim image has no curl.");
    if let Some((major, _)) = d.runtime_version.as_deref().and_then(major_minor) {
        let exact = !d
            .runtime_version
            .as_deref()
            .unwrap_or("")
            .starts_with(['>', '^', '~']);
        if major > 22 || (exact && major < 22) {
            cx.note(format!(
                "package.json asks for Node {} but the image runs Node 22: check the app on 22, or change the FROM tag.",
                d.runtime_version.as_deref().unwrap_or("")
            ));
        }
    }
    f.finish()
}

fn command(cx: &mut Context) -> Vec<String> {
    let d = cx.d;
    match d.start_command.first().map(String::as_str) {
        Some("node") => d.start_command.clone(),
        Some(_) => {
            if d.framework != Some(Framework::Next) {
                cx.note("The start script is more than `node <file>`, so the CMD is npm start: npm then stands between ECS and the app; if you can, run `node <file>` directly.");
            }
            d.start_command.clone()
        }
        None => {
            cx.note("package.json has no start script or main, so the CMD runs index.js as a guess: edit it.");
            vec!["node".into(), "index.js".into()]
        }
    }
}
