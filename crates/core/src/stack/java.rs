//! Java: Maven (pom.xml) or Gradle (build.gradle, build.gradle.kts); Spring Boot listens on 8080
//! unless application.properties / application.yml sets server.port; the actuator gives
//! /actuator/health; the Java version comes from java.version, maven.compiler.release or the
//! Gradle toolchain.

use super::find::{file_evidence, in_text, line_text, line_with, re, sources, Hit};
use super::folder::Folder;
use super::{health, Detection, Framework, PackageManager, StackKind};
use regex::Regex;
use std::sync::LazyLock;

static MAVEN_JAVA: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"<(?:java\.version|maven\.compiler\.release|maven\.compiler\.source|release)>\s*(?:1\.)?(\d+)\s*<",
    )
});
static GRADLE_JAVA: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r#"(?:JavaLanguageVersion\.of\(\s*|sourceCompatibility\s*=\s*(?:JavaVersion\.VERSION_(?:1_)?|['"]))(\d+)"#,
    )
});
static PROPERTIES_PORT: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?m)^\s*server\.port\s*[=:]\s*(\S+)\s*$"));
static PLACEHOLDER: LazyLock<Regex> =
    LazyLock::new(|| re(r"^\$\{([A-Za-z_][A-Za-z0-9_.]*)(?::(\d{1,5}))?\}$"));

/// Whether the folder is a Maven or Gradle project.
pub(crate) fn applies(folder: &Folder) -> bool {
    ["pom.xml", "build.gradle", "build.gradle.kts"]
        .iter()
        .any(|f| folder.has(f))
}

/// Reads the build file, the Spring configuration and the sources.
pub(crate) fn detect(folder: &Folder, d: &mut Detection) {
    d.stack = StackKind::Java;
    let (file, text) = if folder.has("pom.xml") {
        d.package_manager = Some(PackageManager::Maven);
        d.manifests.push("pom.xml".into());
        ("pom.xml", folder.read("pom.xml").unwrap_or_default())
    } else {
        d.package_manager = Some(PackageManager::Gradle);
        let build = if folder.has("build.gradle.kts") {
            "build.gradle.kts"
        } else {
            "build.gradle"
        };
        for f in [
            build,
            "settings.gradle",
            "settings.gradle.kts",
            "gradle.properties",
        ] {
            if folder.has(f) {
                d.manifests.push(f.into());
            }
        }
        (build, folder.read(build).unwrap_or_default())
    };
    d.evidence.push(file_evidence(file, "A Java build file"));
    let version = if file == "pom.xml" {
        &MAVEN_JAVA
    } else {
        &GRADLE_JAVA
    };
    if let Some(hit) = in_text(file, &text, version) {
        d.runtime_version = Some(hit.capture);
    }
    if file == "pom.xml" {
        d.build_output = maven_jar(&text);
        if text.contains("<packaging>war</packaging>") {
            d.warnings.push("pom.xml packages a war; the generated Dockerfile runs a jar (java -jar). Package a Spring Boot jar, or use a servlet container image.".into());
        }
    }
    let needle = ["spring-boot", "org.springframework.boot"]
        .into_iter()
        .find(|n| text.contains(n));
    if let Some(needle) = needle {
        d.framework = Some(Framework::SpringBoot);
        d.evidence
            .push(line_with(file, &text, needle, "The build uses Spring Boot"));
        d.start_command = ["java", "-jar", "/app/app.jar"].map(String::from).to_vec();
        d.entry = Some("app.jar".into());
        spring_port(folder, d, file, &text, needle);
        if text.contains("spring-boot-starter-actuator") {
            let evidence = line_with(
                file,
                &text,
                "spring-boot-starter-actuator",
                "The Spring Boot actuator serves /actuator/health",
            );
            d.set_health("/actuator/health".into(), evidence);
        }
    } else {
        d.warnings.push("This is not a Spring Boot app; the generated Dockerfile runs the built jar with java -jar, which needs a Main-Class in its manifest.".into());
    }
    let files = folder.with_suffix(&[".java", ".kt"]);
    let code = sources(folder, &[], files);
    health::detect(&code, d);
}

/// `target/<finalName or artifactId-version>.jar` from the project's own coordinates (not the
/// parent's or a dependency's).
fn maven_jar(pom: &str) -> Option<String> {
    static BLOCKS: LazyLock<Regex> = LazyLock::new(|| {
        re(
            r"(?s)<(parent|dependencies|dependencyManagement|build|profiles|plugins|reporting|distributionManagement)>.*?</(?:parent|dependencies|dependencyManagement|build|profiles|plugins|reporting|distributionManagement)>",
        )
    });
    static FINAL_NAME: LazyLock<Regex> =
        LazyLock::new(|| re(r"<finalName>\s*([^<$\s]+)\s*</finalName>"));
    static ARTIFACT: LazyLock<Regex> =
        LazyLock::new(|| re(r"<artifactId>\s*([^<$\s]+)\s*</artifactId>"));
    static VERSION: LazyLock<Regex> = LazyLock::new(|| re(r"<version>\s*([^<$\s]+)\s*</version>"));
    if let Some(c) = FINAL_NAME.captures(pom) {
        return Some(format!("target/{}.jar", &c[1]));
    }
    let own = BLOCKS.replace_all(pom, "");
    let artifact = ARTIFACT.captures(&own)?;
    let version = VERSION.captures(&own)?;
    Some(format!("target/{}-{}.jar", &artifact[1], &version[1]))
}

/// server.port from application.properties or application.yml, else Spring's 8080.
fn spring_port(
    folder: &Folder,
    d: &mut Detection,
    build_file: &str,
    build_text: &str,
    needle: &str,
) {
    let dir = "src/main/resources";
    let props = format!("{dir}/application.properties");
    let found = folder
        .read(&props)
        .and_then(|t| in_text(&props, &t, &PROPERTIES_PORT))
        .or_else(|| {
            ["application.yml", "application.yaml"]
                .iter()
                .find_map(|name| {
                    let file = format!("{dir}/{name}");
                    folder.read(&file).and_then(|t| yaml_server_port(&file, &t))
                })
        });
    if let Some(hit) = found {
        let value = hit.capture.trim().trim_matches(['"', '\'']).to_string();
        if let Ok(port) = value.parse::<u16>() {
            d.set_port(port, hit.evidence(format!("server.port is {port}")));
            return;
        }
        if let Some(c) = PLACEHOLDER.captures(&value) {
            d.port_env = Some(c[1].to_string());
            if let Some(port) = c.get(2).and_then(|p| p.as_str().parse::<u16>().ok()) {
                d.set_port(
                    port,
                    hit.evidence(format!("server.port is {} or {port}", &c[1])),
                );
            }
            return;
        }
    }
    d.port_env = Some("SERVER_PORT".into());
    let evidence = line_with(
        build_file,
        build_text,
        needle,
        "Spring Boot listens on 8080 unless server.port is set",
    );
    d.set_port(8080, evidence);
}

/// `server:\n  port: 8081` (or `server.port: 8081`) in a YAML file, without a YAML parser:
/// a `port:` key indented under a top-level `server:` key.
fn yaml_server_port(file: &str, text: &str) -> Option<Hit> {
    let mut in_server = false;
    for (i, raw) in text.lines().enumerate() {
        let line = raw.split(" #").next().unwrap_or("");
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        let indented = line.starts_with([' ', '\t']);
        let t = line.trim();
        let value = if !indented {
            in_server = t == "server:";
            t.strip_prefix("server.port:")
        } else if in_server {
            t.strip_prefix("port:")
        } else {
            None
        };
        if let Some(v) = value {
            let n = i as u32 + 1;
            return Some(Hit {
                file: file.into(),
                line: n,
                text: line_text(text, n),
                capture: v.trim().to_string(),
            });
        }
    }
    None
}
