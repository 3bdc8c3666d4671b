FROM --platform=$BUILDPLATFORM tonistiigi/xx:1.4 AS xx
FROM --platform=$BUILDPLATFORM rust:1.78-bookworm AS build
COPY --from=xx / /
ARG TARGETPLATFORM
RUN xx-apt-get install -y gcc libc6-dev
WORKDIR /src
COPY . .
RUN xx-cargo build --release && xx-verify ./target/$(xx-cargo --print-target-triple)/release/app \
 && cp ./target/$(xx-cargo --print-target-triple)/release/app /app

FROM debian:bookworm-slim
COPY --from=build /app /usr/local/bin/app
CMD ["app"]
