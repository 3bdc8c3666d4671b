FROM --platform=$BUILDPLATFORM golang:1.22-alpine AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 GOOS=linux GOARCH=amd64 go build -ldflags="-s -w" -o /out/worker ./cmd/worker

FROM alpine:3.20
COPY --from=build /out/worker /usr/local/bin/worker
ENTRYPOINT ["worker"]
