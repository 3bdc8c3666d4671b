FROM --platform=$BUILDPLATFORM golang:1.22 AS build
WORKDIR /src
COPY . .
RUN GOOS=linux GOARCH=amd64 go build -o /out/app-amd64 . \
 && GOOS=linux GOARCH=arm64 go build -o /out/app-arm64 .

FROM alpine:3.20
ARG TARGETARCH
COPY --from=build /out/app-${TARGETARCH} /usr/local/bin/app
ENTRYPOINT ["app"]
