FROM debian:12-slim AS base
RUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u8
FROM base AS unused
RUN apt-get update
FROM base
RUN --mount=type=cache,target=/var/lib/apt/lists,sharing=locked apt-get update && apt-get install -y --no-install-recommends git=1:2.39.5-0+deb12u1
RUN apt-get install -y --no-install-recommends make=4.3-4.1
RUN apt update && rm -rf /tmp/cache
RUN aptitude update
RUN apt-get update && apt-get install -y --no-install-recommends jq=1.6-2.1 && rm -r -f /var/lib/apt/lists
USER 10001
