FROM --platform=linux/amd64 golang:1.21-bookworm AS builder
WORKDIR /app
COPY . .
RUN go build -o /bin/api ./cmd/api

FROM debian:bookworm-slim
COPY --from=builder /bin/api /bin/api
ENTRYPOINT ["/bin/api"]
