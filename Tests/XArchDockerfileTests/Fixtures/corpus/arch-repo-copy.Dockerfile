FROM amd64/busybox:1.36 AS bb
FROM alpine:3.20
COPY --from=amd64/busybox:1.36 /bin/busybox /bin/busybox-static
