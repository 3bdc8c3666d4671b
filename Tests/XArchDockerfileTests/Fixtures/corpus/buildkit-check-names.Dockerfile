# syntax=docker/dockerfile:1.9
# check=skip=FromPlatformFlagConstDisallowed,RedundantTargetPlatform
FROM --platform=linux/amd64 ghcr.io/example/protoc-gen:3.25 AS protos
WORKDIR /proto
COPY api/ ./api/
RUN protoc --go_out=/out api/*.proto

FROM --platform=$BUILDPLATFORM golang:1.22-bookworm AS build
ARG TARGETOS TARGETARCH
WORKDIR /src
COPY --from=protos /out ./gen
COPY . .
RUN CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH go build -o /out/server ./cmd/server

FROM --platform=$TARGETPLATFORM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/server /server
ENTRYPOINT ["/server"]
