# Per-architecture Dockerfile by design: CI builds edge-agent.amd64.Dockerfile and this one natively
# and merges them with `xarch index create`.
FROM --platform=linux/arm64 arm64v8/debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates curl \
 && curl -fsSL https://example.com/releases/edge-agent_2.4.1_linux_arm64.tar.gz | tar -xz -C /usr/local/bin
ENV LD_LIBRARY_PATH=/usr/lib/aarch64-linux-gnu
ENTRYPOINT ["/usr/local/bin/edge-agent"]
