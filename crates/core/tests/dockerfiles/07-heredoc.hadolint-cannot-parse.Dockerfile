# syntax=docker/dockerfile:1
FROM alpine:3.20
RUN <<EOT
cd /tmp
echo hello
EOT
ADD https://example.com/file.txt /srv/file.txt
ADD vendor.tar.gz /srv/
