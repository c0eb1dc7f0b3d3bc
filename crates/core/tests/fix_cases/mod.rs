//! Dockerfiles where a fix applies, with the exact text it must produce, and ones where a
//! finding must come without a fix. Shared by lint_fixes.rs and hadolint_oracle.rs.

#![allow(dead_code)]

use slipway_core::lint::LintOptions;

/// A Dockerfile with one finding of `rule`, and the text after applying its fix.
pub struct FixCase {
    pub name: &'static str,
    pub rule: &'static str,
    pub port: Option<u16>,
    pub platform: Option<&'static str>,
    pub before: &'static str,
    pub after: &'static str,
}

impl FixCase {
    pub fn options(&self) -> LintOptions {
        LintOptions {
            port: self.port,
            platform: self.platform.map(str::to_string),
        }
    }
}

const fn case(
    name: &'static str,
    rule: &'static str,
    before: &'static str,
    after: &'static str,
) -> FixCase {
    FixCase {
        name,
        rule,
        port: None,
        platform: None,
        before,
        after,
    }
}

const fn with_port(mut c: FixCase, port: u16) -> FixCase {
    c.port = Some(port);
    c
}

pub const FIXES: &[FixCase] = &[
    // DL3006 / DL3007, for the images the templates pin
    case(
        "python:latest gets the template's tag",
        "DL3007",
        "FROM python:latest\nUSER 10001\n",
        "FROM python:3.12-slim-bookworm\nUSER 10001\n",
    ),
    case(
        "an untagged node in a named stage, with --platform",
        "DL3006",
        "FROM --platform=linux/amd64 node AS deps\nRUN echo deps\nFROM node:22-bookworm-slim\nUSER node\n",
        "FROM --platform=linux/amd64 node:22-bookworm-slim AS deps\nRUN echo deps\nFROM node:22-bookworm-slim\nUSER node\n",
    ),
    case(
        "Docker Hub's full name",
        "DL3007",
        "FROM docker.io/library/golang:latest AS build\nRUN go version\nFROM gcr.io/distroless/static-debian12:nonroot\nCOPY --from=build /go/bin /app\n",
        "FROM golang:1.23-bookworm AS build\nRUN go version\nFROM gcr.io/distroless/static-debian12:nonroot\nCOPY --from=build /go/bin /app\n",
    ),
    // DL3020
    case(
        "one local file",
        "DL3020",
        "FROM alpine:3.20\nADD app.py /app/app.py\nUSER 10001\n",
        "FROM alpine:3.20\nCOPY app.py /app/app.py\nUSER 10001\n",
    ),
    case(
        "lower-case keyword with --chown",
        "DL3020",
        "FROM alpine:3.20\nadd --chown=10001:10001 src/ /app/\nUSER 10001\n",
        "FROM alpine:3.20\ncopy --chown=10001:10001 src/ /app/\nUSER 10001\n",
    ),
    case(
        "several files in a CRLF file",
        "DL3020",
        "FROM alpine:3.20\r\nADD a.txt b.txt /srv/\r\nUSER 10001\r\n",
        "FROM alpine:3.20\r\nCOPY a.txt b.txt /srv/\r\nUSER 10001\r\n",
    ),
    // DL3042
    case(
        "pip install -r",
        "DL3042",
        "FROM python:3.12-slim\nRUN pip install -r requirements.txt\nUSER 10001\n",
        "FROM python:3.12-slim\nRUN pip install --no-cache-dir -r requirements.txt\nUSER 10001\n",
    ),
    case(
        "python -m pip and pip across continuation lines",
        "DL3042",
        "FROM python:3.12-slim\nRUN python -m pip install --upgrade pip==24.2 \\\n && pip install \\\n    flask==3.0.3\nUSER 10001\n",
        "FROM python:3.12-slim\nRUN python -m pip install --no-cache-dir --upgrade pip==24.2 \\\n && pip install --no-cache-dir \\\n    flask==3.0.3\nUSER 10001\n",
    ),
    // DL3009
    case(
        "update and install over two lines",
        "DL3009",
        "FROM debian:12-slim\nRUN apt-get update \\\n && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u8\nUSER 10001\n",
        "FROM debian:12-slim\nRUN apt-get update \\\n && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u8 && rm -rf /var/lib/apt/lists/*\nUSER 10001\n",
    ),
    case(
        "update and install on one line",
        "DL3009",
        "FROM ubuntu:24.04\nRUN apt-get update && apt-get install -y --no-install-recommends ca-certificates=20240203\nUSER 10001\n",
        "FROM ubuntu:24.04\nRUN apt-get update && apt-get install -y --no-install-recommends ca-certificates=20240203 && rm -rf /var/lib/apt/lists/*\nUSER 10001\n",
    ),
    // DL3015
    case(
        "apt-get install",
        "DL3015",
        "FROM debian:12-slim\nRUN apt-get update && apt-get install -y curl=7.88.1-10+deb12u8 && rm -rf /var/lib/apt/lists/*\nUSER 10001\n",
        "FROM debian:12-slim\nRUN apt-get update && apt-get install --no-install-recommends -y curl=7.88.1-10+deb12u8 && rm -rf /var/lib/apt/lists/*\nUSER 10001\n",
    ),
    case(
        "apt-get -y install on a continuation line",
        "DL3015",
        "FROM debian:12-slim\nRUN apt-get update \\\n && DEBIAN_FRONTEND=noninteractive apt-get -y install \\\n      git=1:2.39.5-0+deb12u1 \\\n && rm -rf /var/lib/apt/lists/*\nUSER 10001\n",
        "FROM debian:12-slim\nRUN apt-get update \\\n && DEBIAN_FRONTEND=noninteractive apt-get -y install --no-install-recommends \\\n      git=1:2.39.5-0+deb12u1 \\\n && rm -rf /var/lib/apt/lists/*\nUSER 10001\n",
    ),
    // DL3025
    case(
        "plain CMD",
        "DL3025",
        "FROM python:3.12-slim\nUSER 10001\nCMD python app.py\n",
        "FROM python:3.12-slim\nUSER 10001\nCMD [\"python\", \"app.py\"]\n",
    ),
    case(
        "CMD with exec and arguments",
        "DL3025",
        "FROM python:3.12-slim\nUSER 10001\nCMD exec gunicorn -b 0.0.0.0:8000 app:app\n",
        "FROM python:3.12-slim\nUSER 10001\nCMD [\"gunicorn\", \"-b\", \"0.0.0.0:8000\", \"app:app\"]\n",
    ),
    case(
        "ENTRYPOINT without CMD",
        "DL3025",
        "FROM alpine:3.20\nCOPY app /usr/local/bin/app\nUSER 10001\nENTRYPOINT /usr/local/bin/app --port=8080\n",
        "FROM alpine:3.20\nCOPY app /usr/local/bin/app\nUSER 10001\nENTRYPOINT [\"/usr/local/bin/app\", \"--port=8080\"]\n",
    ),
    // DL3004
    case(
        "two sudos on an official image",
        "DL3004",
        "FROM ubuntu:24.04\nRUN sudo apt-get update && sudo apt-get install -y --no-install-recommends make=4.3-4.1build2 && rm -rf /var/lib/apt/lists/*\nUSER 10001\n",
        "FROM ubuntu:24.04\nRUN apt-get update && apt-get install -y --no-install-recommends make=4.3-4.1build2 && rm -rf /var/lib/apt/lists/*\nUSER 10001\n",
    ),
    case(
        "after USER root",
        "DL3004",
        "FROM alpine:3.20\nUSER app\nUSER root\nRUN sudo mkdir /data\nUSER 10001\n",
        "FROM alpine:3.20\nUSER app\nUSER root\nRUN mkdir /data\nUSER 10001\n",
    ),
    // DL3059
    case(
        "two RUNs",
        "DL3059",
        "FROM alpine:3.20\nRUN echo one\nRUN echo two\nUSER 10001\n",
        "FROM alpine:3.20\nRUN echo one && \\\n    echo two\nUSER 10001\n",
    ),
    case(
        "same flags, a blank line between",
        "DL3059",
        "FROM alpine:3.20\nRUN --mount=type=cache,target=/root/.cache mkdir -p /app\n\nRUN --mount=type=cache,target=/root/.cache touch /app/ready\nUSER 10001\n",
        "FROM alpine:3.20\nRUN --mount=type=cache,target=/root/.cache mkdir -p /app && \\\n    touch /app/ready\nUSER 10001\n",
    ),
    // DL4006
    case(
        "Debian base",
        "DL4006",
        "FROM debian:12-slim\nRUN curl -fsSL https://example.com/key | gpg --dearmor -o /usr/share/keyrings/example.gpg\nUSER 10001\n",
        "FROM debian:12-slim\nSHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\nRUN curl -fsSL https://example.com/key | gpg --dearmor -o /usr/share/keyrings/example.gpg\nUSER 10001\n",
    ),
    case(
        "node bookworm base named by an ARG",
        "DL4006",
        "ARG BASE=node:22-bookworm-slim\nFROM ${BASE}\nWORKDIR /app\nRUN npm ls --all | tee /tmp/deps.txt\nUSER node\n",
        "ARG BASE=node:22-bookworm-slim\nFROM ${BASE}\nWORKDIR /app\nSHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\nRUN npm ls --all | tee /tmp/deps.txt\nUSER node\n",
    ),
    // SW1001
    with_port(case(
        "one port",
        "SW1001",
        "FROM node:22-bookworm-slim\nUSER node\nEXPOSE 3000\nCMD [\"node\", \"server.js\"]\n",
        "FROM node:22-bookworm-slim\nUSER node\nEXPOSE 8080\nCMD [\"node\", \"server.js\"]\n",
    ), 8080),
    with_port(case(
        "one port with /tcp",
        "SW1001",
        "FROM node:22-bookworm-slim\nUSER node\nEXPOSE 3000/tcp\nCMD [\"node\", \"server.js\"]\n",
        "FROM node:22-bookworm-slim\nUSER node\nEXPOSE 8080/tcp\nCMD [\"node\", \"server.js\"]\n",
    ), 8080),
    with_port(case(
        "several ports",
        "SW1001",
        "FROM node:22-bookworm-slim\nUSER node\nEXPOSE 3000 9090\nCMD [\"node\", \"server.js\"]\n",
        "FROM node:22-bookworm-slim\nUSER node\nEXPOSE 3000 9090 8080\nCMD [\"node\", \"server.js\"]\n",
    ), 8080),
    // SW1002
    with_port(case(
        "before CMD, after the build steps",
        "SW1002",
        "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nRUN pip install --no-cache-dir -r requirements.txt\nEXPOSE 8000\nCMD [\"python\", \"app.py\"]\n",
        "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nRUN pip install --no-cache-dir -r requirements.txt\nEXPOSE 8000\nUSER 10001\nCMD [\"python\", \"app.py\"]\n",
    ), 8000),
    case(
        "no CMD: at the end",
        "SW1002",
        "FROM alpine:3.20\nRUN echo hi\n\n",
        "FROM alpine:3.20\nRUN echo hi\nUSER 10001\n\n",
    ),
    case(
        "final stage of a multi-stage build",
        "SW1002",
        "FROM golang:1.23 AS build\nWORKDIR /src\nCOPY . .\nRUN go build -o /out/app .\nFROM alpine:3.20\nCOPY --from=build /out/app /app\nENTRYPOINT [\"/app\"]\n",
        "FROM golang:1.23 AS build\nWORKDIR /src\nCOPY . .\nRUN go build -o /out/app .\nFROM alpine:3.20\nCOPY --from=build /out/app /app\nUSER 10001\nENTRYPOINT [\"/app\"]\n",
    ),
    // DL3002
    case(
        "USER root is the last build step",
        "DL3002",
        "FROM alpine:3.20\nRUN adduser -D app\nUSER root\nCMD [\"/app\"]\n",
        "FROM alpine:3.20\nRUN adduser -D app\nUSER 10001\nCMD [\"/app\"]\n",
    ),
    case(
        "RUN after USER root keeps running as root",
        "DL3002",
        "FROM debian:12-slim\nUSER root\nRUN mkdir /data\nCMD [\"/app\"]\n",
        "FROM debian:12-slim\nUSER root\nRUN mkdir /data\nUSER 10001\nCMD [\"/app\"]\n",
    ),
    // SW1004
    FixCase {
        name: "single stage",
        rule: "SW1004",
        port: None,
        platform: Some("linux/amd64"),
        before: "FROM --platform=linux/arm64 alpine:3.20\nUSER 10001\n",
        after: "FROM --platform=linux/amd64 alpine:3.20\nUSER 10001\n",
    },
    FixCase {
        name: "final stage after a cross-compiling one",
        rule: "SW1004",
        port: None,
        platform: Some("linux/arm64"),
        before: "FROM --platform=$BUILDPLATFORM golang:1.23 AS build\nRUN go version\nFROM --platform=linux/amd64 alpine:3.20\nCOPY --from=build /go/bin /bin\nUSER 10001\n",
        after: "FROM --platform=$BUILDPLATFORM golang:1.23 AS build\nRUN go version\nFROM --platform=linux/arm64 alpine:3.20\nCOPY --from=build /go/bin /bin\nUSER 10001\n",
    },
];

/// A Dockerfile with a finding of `rule` that must come without a fix, and why.
pub struct NoFixCase {
    pub why: &'static str,
    pub rule: &'static str,
    pub port: Option<u16>,
    pub text: &'static str,
}

const fn no_fix(why: &'static str, rule: &'static str, text: &'static str) -> NoFixCase {
    NoFixCase {
        why,
        rule,
        port: None,
        text,
    }
}

pub const NO_FIXES: &[NoFixCase] = &[
    no_fix("a variable may hold a URL", "DL3020", "FROM alpine:3.20\nADD $APP_SOURCE /app/\nUSER 1\n"),
    no_fix("a pipe needs the shell", "DL3025", "FROM alpine:3.20\nUSER 1\nCMD app | tee /tmp/log\n"),
    no_fix("&& needs the shell", "DL3025", "FROM alpine:3.20\nUSER 1\nCMD cd /app && ./run\n"),
    no_fix("a variable needs the shell", "DL3025", "FROM alpine:3.20\nUSER 1\nCMD app --port $PORT\n"),
    no_fix("a redirection needs the shell", "DL3025", "FROM alpine:3.20\nUSER 1\nCMD app > /tmp/log\n"),
    no_fix("quotes need the shell", "DL3025", "FROM alpine:3.20\nUSER 1\nCMD app --name \"my app\"\n"),
    no_fix("a builtin needs the shell", "DL3025", "FROM alpine:3.20\nUSER 1\nCMD ulimit -n 4096\n"),
    no_fix("the ENTRYPOINT would start receiving the CMD", "DL3025", "FROM alpine:3.20\nUSER 1\nENTRYPOINT /app\nCMD [\"--verbose\"]\n"),
    no_fix("the CMD is the ENTRYPOINT's arguments", "DL3025", "FROM alpine:3.20\nUSER 1\nENTRYPOINT [\"/entry.sh\"]\nCMD app --verbose\n"),
    no_fix("sudo with an option does more than escalate", "DL3004", "FROM ubuntu:24.04\nRUN sudo -u nobody touch /tmp/x\nUSER 1\n"),
    no_fix("the build runs as another user", "DL3004", "FROM ubuntu:24.04\nUSER app\nRUN sudo touch /tmp/x\nUSER 1\n"),
    no_fix("an unknown image may start as a user with sudo", "DL3004", "FROM gitpod/workspace-full:2024\nRUN sudo touch /tmp/x\nUSER 1\n"),
    no_fix("a later RUN installs from these lists", "DL3009", "FROM debian:12-slim\nRUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u8\nRUN apt-get install -y --no-install-recommends git=1:2.39.5-0+deb12u1\nUSER 1\n"),
    no_fix("the RUN only updates", "DL3009", "FROM debian:12-slim\nRUN apt-get update\nUSER 1\n"),
    no_fix("a comment ends the last line", "DL3009", "FROM debian:12-slim\nRUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u8 # tools\nUSER 1\n"),
    no_fix("pip has an option with a value before install", "DL3042", "FROM python:3.12-slim\nRUN pip --proxy http://proxy:3128 install flask==3.0.3\nUSER 1\n"),
    no_fix("a comment sits between the RUNs", "DL3059", "FROM alpine:3.20\nRUN echo one\n# the second step\nRUN echo two\nUSER 1\n"),
    no_fix("a comment ends the first RUN", "DL3059", "FROM alpine:3.20\nRUN echo one # first\nRUN echo two\nUSER 1\n"),
    no_fix("alpine has no bash", "DL4006", "FROM alpine:3.20\nRUN wget -qO- https://example.com | tar x\nUSER 1\n"),
    no_fix("an unknown image may have no bash", "DL4006", "FROM registry.example.com/base:1\nRUN ls | wc -l\nUSER 1\n"),
    NoFixCase { why: "a port given by a variable may be the right one", rule: "SW1001", port: Some(8080), text: "FROM alpine:3.20\nUSER 1\nEXPOSE ${PORT} 3000\n" },
    NoFixCase { why: "port 80 needs root to bind", rule: "SW1002", port: Some(80), text: "FROM nginx:1.27\nCOPY site /usr/share/nginx/html\nEXPOSE 80\n" },
    no_fix("the final stage builds on one that set a user", "SW1002", "FROM node:22-bookworm-slim AS base\nUSER node\nFROM base\nCMD [\"node\", \"server.js\"]\n"),
    no_fix("the image already runs as its own non-root user", "SW1002", "FROM gcr.io/distroless/static-debian12:nonroot\nCOPY app /app\nCMD [\"/app\"]\n"),
    no_fix("USER root in a build stage is not the app's user", "DL3002", "FROM alpine:3.20 AS build\nUSER root\nRUN echo build\nFROM alpine:3.20\nUSER 10001\n"),
    NoFixCase { why: "port 80 needs root to bind", rule: "DL3002", port: Some(80), text: "FROM alpine:3.20\nUSER root\nCMD [\"/app\"]\n" },
    no_fix("a relative WORKDIR's meaning depends on the ones before", "DL3000", "FROM alpine:3.20\nWORKDIR app\nUSER 1\n"),
    no_fix("cd to WORKDIR would change the later steps", "DL3003", "FROM alpine:3.20\nRUN cd /tmp && echo hi\nUSER 1\n"),
    no_fix("no template pins alpine: the version is the learner's choice", "DL3006", "FROM alpine\nUSER 1\n"),
    no_fix("no template pins alpine: the version is the learner's choice", "DL3007", "FROM alpine:latest\nUSER 1\n"),
    no_fix("a private registry's python is not Docker Hub's", "DL3007", "FROM registry.example.com/python:latest\nUSER 1\n"),
    no_fix("the version to pin is the learner's choice", "DL3008", "FROM debian:12-slim\nRUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*\nUSER 1\n"),
    no_fix("the version to pin is the learner's choice", "DL3013", "FROM python:3.12-slim\nRUN pip install --no-cache-dir flask\nUSER 1\n"),
    no_fix("a secret must move out of the file, not be rewritten", "SW1003", "FROM alpine:3.20\nENV DB_PASSWORD=hunter2\nUSER 1\n"),
];
