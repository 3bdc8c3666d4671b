FROM gcr.io/distroless/base-debian12
COPY dist/myapp_linux_amd64_v1/myapp /usr/bin/myapp
ENTRYPOINT ["/usr/bin/myapp"]
