# The frontend is plain JavaScript: built once, on amd64, and copied into every image.
FROM --platform=linux/amd64 node:20-bookworm AS frontend
WORKDIR /web
COPY web/package.json web/package-lock.json ./
RUN npm ci
COPY web/ ./
RUN npm run build

FROM --platform=linux/amd64 alpine:3.20 AS certs
RUN apk add --no-cache ca-certificates tzdata

FROM --platform=$BUILDPLATFORM golang:1.22 AS build
ARG TARGETOS TARGETARCH
WORKDIR /src
COPY . .
RUN CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH go build -o /out/app .

FROM scratch
COPY --from=certs /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/
COPY --from=certs /usr/share/zoneinfo /usr/share/zoneinfo
COPY --from=frontend /web/dist/assets /srv/assets
COPY --from=frontend /web/dist/index.html /srv/index.html
COPY --from=build /out/app /app
ENTRYPOINT ["/app"]
