FROM --platform=linux/amd64 golang:1.22 AS build-amd64
RUN GOARCH=amd64 go build -o /out/app-amd64 ./...
FROM --platform=linux/arm64 golang:1.22 AS build-arm64
RUN GOARCH=arm64 go build -o /out/app-arm64 ./...

FROM scratch
COPY --from=build-amd64 /out/app-amd64 /app-amd64
COPY --from=build-arm64 /out/app-arm64 /app-arm64
