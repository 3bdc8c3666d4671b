FROM --platform=$BUILDPLATFORM debian:bookworm AS fetch
RUN apt-get update && apt-get install -y curl
RUN curl -fsSLo /tmp/tool.tgz "https://example.com/tool-linux-$(uname -m).tgz" && tar -xzf /tmp/tool.tgz -C /opt

FROM debian:bookworm-slim
COPY --from=fetch /opt/tool /opt/tool
