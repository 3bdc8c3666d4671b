FROM alpine:arm64v8-3.20 AS runtime-base
RUN apk add --no-cache libstdc++ ca-certificates

FROM quay.io/pypa/manylinux2014_x86_64 AS wheels
COPY . /src
RUN /opt/python/cp311-cp311/bin/pip wheel /src -w /wheels

FROM runtime-base
COPY --from=wheels /wheels /wheels
CMD ["sh"]
