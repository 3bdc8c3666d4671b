FROM alpine:3.20
COPY app /app
ENTRYPOINT ["/lib/ld-musl-x86_64.so.1", "/app"]
