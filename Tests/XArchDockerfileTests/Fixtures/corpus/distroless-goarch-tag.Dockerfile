ARG GOARCH=amd64
ARG GO_VERSION=1.22

FROM --platform=$BUILDPLATFORM golang:${GO_VERSION} AS build
ARG TARGETOS TARGETARCH
WORKDIR /src
COPY . .
RUN CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH go build -trimpath -o /out/controller ./cmd/controller

FROM gcr.io/distroless/static-debian12:latest-${GOARCH}
COPY --from=build /out/controller /controller
USER 65532:65532
ENTRYPOINT ["/controller"]
