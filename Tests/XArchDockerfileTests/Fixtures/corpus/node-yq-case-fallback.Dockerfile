FROM debian:bookworm-slim
ARG TARGETARCH
ARG NODE_VERSION=20.14.0
RUN case "$TARGETARCH" in \
      arm64) NODE_ARCH=arm64 ;; \
      arm) NODE_ARCH=armv7l ;; \
      *) NODE_ARCH=x64 ;; \
    esac \
 && curl -fsSL "https://nodejs.org/dist/v${NODE_VERSION}/node-v${NODE_VERSION}-linux-${NODE_ARCH}.tar.xz" | tar -xJ -C /usr/local --strip-components=1

FROM debian:bookworm-slim
ARG TARGETPLATFORM
RUN if [ "$TARGETPLATFORM" = "linux/arm64" ]; then ARCH=aarch64; else ARCH=x86_64; fi \
 && curl -fsSLo /usr/local/bin/yq "https://example.com/yq/v4/yq_linux_${ARCH}" && chmod +x /usr/local/bin/yq
