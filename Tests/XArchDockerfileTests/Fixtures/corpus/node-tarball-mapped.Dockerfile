FROM debian:bookworm-slim
ARG TARGETARCH
ENV NODE_VERSION=20.12.2
RUN case "${TARGETARCH}" in amd64) ARCH=x64 ;; arm64) ARCH=arm64 ;; *) echo "unsupported" >&2; exit 1 ;; esac \
 && curl -fsSLO https://nodejs.org/dist/v${NODE_VERSION}/node-v${NODE_VERSION}-linux-${ARCH}.tar.xz \
 && tar -xJf node-v${NODE_VERSION}-linux-${ARCH}.tar.xz -C /usr/local --strip-components=1
CMD ["node"]
