# syntax=docker/dockerfile:1
# check=skip=UndefinedVar;error=true
FROM --platform=linux/amd64 debian:bookworm-slim AS tools
RUN apt-get update && apt-get install -y --no-install-recommends curl ca-certificates

FROM alpine:3.20
RUN echo "built for ${TARGETARCH:-unknown}" > /etc/build-arch
COPY --from=tools /usr/bin/curl /usr/local/bin/curl
