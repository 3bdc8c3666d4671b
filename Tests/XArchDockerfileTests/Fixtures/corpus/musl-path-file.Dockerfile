FROM alpine:3.20
RUN apk add --no-cache libgcc
COPY vendor/lib/ /opt/vendor/lib/
RUN echo "/opt/vendor/lib" >> /etc/ld-musl-x86_64.path
COPY app /usr/local/bin/app
CMD ["/usr/local/bin/app"]
