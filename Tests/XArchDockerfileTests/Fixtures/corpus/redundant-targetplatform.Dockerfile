FROM --platform=$TARGETPLATFORM alpine:3.20 AS base
RUN apk add --no-cache bash

FROM --platform=${TARGETPLATFORM} base
CMD ["bash"]
