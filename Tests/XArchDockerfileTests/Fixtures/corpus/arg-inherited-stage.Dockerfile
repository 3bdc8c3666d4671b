FROM --platform=$BUILDPLATFORM rust:1.79-bookworm AS base
ARG TARGETPLATFORM TARGETARCH
ARG CARGO_PROFILE=release
RUN rustup target add "$(case "$TARGETARCH" in amd64) echo x86_64 ;; arm64) echo aarch64 ;; *) exit 1 ;; esac)-unknown-linux-gnu"
WORKDIR /src

FROM base AS deps
COPY Cargo.toml Cargo.lock ./
RUN echo "fetching for $TARGETPLATFORM" && cargo fetch

FROM deps AS build
COPY . .
RUN case "$TARGETARCH" in \
      amd64) TRIPLE=x86_64-unknown-linux-gnu ;; \
      arm64) TRIPLE=aarch64-unknown-linux-gnu ;; \
      *) echo "unsupported: $TARGETARCH" >&2; exit 1 ;; \
    esac \
 && cargo build --profile "$CARGO_PROFILE" --target "$TRIPLE" \
 && cp "target/$TRIPLE/$CARGO_PROFILE/app" /app

FROM gcr.io/distroless/cc-debian12
COPY --from=build /app /usr/local/bin/app
ENTRYPOINT ["/usr/local/bin/app"]
