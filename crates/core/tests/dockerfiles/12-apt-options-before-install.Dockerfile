FROM debian:12-slim
RUN apt-get update \
 && apt-get -y install --no-install-recommends git=1:2.39.5-0+deb12u1 \
 && rm -rf /var/lib/apt/lists/*
RUN apt-get update && apt-get -q -y install --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
USER 10001
