FROM gcr.io/distroless/base-debian12
ARG TARGETPLATFORM
COPY $TARGETPLATFORM/myapp /usr/bin/myapp
ENTRYPOINT ["/usr/bin/myapp"]
