# syntax=docker/dockerfile:1
FROM --platform=$BUILDPLATFORM ubuntu:22.04 AS deps
RUN <<EOF
set -e
ARCH=$(dpkg --print-architecture)
apt-get download libssl3:${ARCH}
EOF
FROM ubuntu:22.04
COPY --from=deps /*.deb /tmp/
