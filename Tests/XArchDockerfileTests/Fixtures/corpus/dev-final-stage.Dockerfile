FROM --platform=$BUILDPLATFORM golang:1.22 AS build
ARG TARGETOS TARGETARCH
WORKDIR /src
COPY . .
RUN CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH go build -o /out/api ./cmd/api

FROM gcr.io/distroless/static-debian12 AS release
COPY --from=build /out/api /api
ENTRYPOINT ["/api"]

# docker build --target dev -t api:dev . && docker run -it -v $PWD:/src api:dev
FROM --platform=$BUILDPLATFORM golang:1.22 AS dev
RUN go install github.com/go-delve/delve/cmd/dlv@latest && go install github.com/air-verse/air@latest
WORKDIR /src
CMD ["air"]
