FROM golang:1.22-bookworm AS build
WORKDIR /src
COPY . .
RUN GOARCH=$(uname -m) CGO_ENABLED=0 go build -o /out/cli ./cmd/cli

FROM debian:bookworm-slim
RUN ARCH="$(uname -m)" \
 && case "$ARCH" in \
      amd64) KUBECTL_SHA=3f1c0e2a ;; \
      arm64) KUBECTL_SHA=9b2d7c41 ;; \
      *) echo "unsupported $ARCH" >&2; exit 1 ;; \
    esac \
 && echo "$KUBECTL_SHA" > /etc/kubectl.sha
COPY --from=build /out/cli /usr/local/bin/cli
