//! Java: built with Maven (`maven:3.9-eclipse-temurin-21`) or Gradle (`gradle:8.10-jdk21`),
//! run as a jar on `eclipse-temurin:21-jre-jammy` as a non-root uid.

use super::dockerfile::{exec_form, Dockerfile};
use super::{major_minor, Context};
use crate::stack::{Framework, PackageManager};

pub(super) const MAVEN: &str = "maven:3.9-eclipse-temurin-21";
pub(super) const GRADLE: &str = "gradle:8.10-jdk21";
pub(super) const RUNTIME: &str = "eclipse-temurin:21-jre-jammy";

/// The Java Dockerfile.
pub(super) fn dockerfile(cx: &mut Context) -> String {
    let d = cx.d;
    let port = cx.port;
    let spring = d.framework == Some(Framework::SpringBoot);
    let mut f = Dockerfile::default();
    if d.package_manager == Some(PackageManager::Gradle) {
        gradle(cx, &mut f, spring);
    } else {
        maven(cx, &mut f);
    }
    f.blank()
        .line(format!("FROM {RUNTIME}"))
        .line("WORKDIR /app")
        .line("COPY --from=build /out/app.jar /app/app.jar");
    let port_env = d
        .port_env
        .clone()
        .or_else(|| spring.then(|| "SERVER_PORT".into()));
    if let Some(var) = &port_env {
        f.line(format!("ENV {var}={port}"));
    }
    f.comment("A fixed uid that is not root; it needs no entry in /etc/passwd.")
        .line("USER 10001")
        .line(format!("EXPOSE {port}"))
        .comment("The heap follows the task's memory instead of the host's.")
        .line(format!(
            "CMD {}",
            exec_form(&["java", "-XX:MaxRAMPercentage=75", "-jar", "/app/app.jar"])
        ));
    cx.note(format!("Multi-stage: the JDK and build tool stay in the build stage; the image runs the jar on {RUNTIME}."));
    cx.note("No HEALTHCHECK: the JRE image has no curl; the load balancer's health check covers the task.");
    if let (true, Some(var)) = (spring, &port_env) {
        cx.note(format!(
            "Spring Boot reads its port from {var}, set to {port} in the image."
        ));
    }
    if let Some((major, minor)) = d.runtime_version.as_deref().and_then(major_minor) {
        let version = if major == 1 { minor } else { major };
        if version > 21 {
            cx.note(format!("The build targets Java {version} but the images have Java 21: change both FROM tags to a {version} JDK/JRE."));
        }
    }
    f.finish()
}

fn maven(cx: &mut Context, f: &mut Dockerfile) {
    let jar = cx.d.build_output.clone().unwrap_or_else(|| {
        cx.note("The jar's name could not be read from pom.xml; the build copies target/*.jar, which needs exactly one jar.");
        "target/*.jar".into()
    });
    f.line(format!("FROM {MAVEN} AS build"))
        .line("WORKDIR /src")
        .comment("Dependencies first: this layer is rebuilt only when pom.xml changes.")
        .line("COPY pom.xml ./")
        .line("RUN mvn -B -ntp dependency:go-offline")
        .line("COPY . .")
        .line(format!(
            "RUN mvn -B -ntp -DskipTests package && mkdir -p /out && cp {jar} /out/app.jar"
        ));
}

fn gradle(cx: &mut Context, f: &mut Dockerfile, spring: bool) {
    let manifests: Vec<&str> = cx.d.manifests.iter().map(String::as_str).collect();
    let task = if spring { "bootJar" } else { "jar" };
    f.line(format!("FROM {GRADLE} AS build"))
        .line("WORKDIR /src")
        .comment("Dependencies first: this layer is rebuilt only when the build files change.")
        .line(format!("COPY {} ./", manifests.join(" ")))
        .line("RUN gradle --no-daemon dependencies")
        .line("COPY . .")
        .comment("The -plain jar has no dependencies inside; the other one is the app.")
        .line(format!("RUN gradle --no-daemon {task} -x test && rm -f build/libs/*-plain.jar && mkdir -p /out && cp build/libs/*.jar /out/app.jar"));
    cx.note("Gradle runs from the gradle image rather than ./gradlew, so the build downloads no wrapper distribution.");
}
