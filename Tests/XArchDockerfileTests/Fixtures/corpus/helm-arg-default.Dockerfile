FROM alpine:3.20
ARG HELM_VERSION=3.15.0
ARG ARCH=amd64
RUN wget -qO- https://get.helm.sh/helm-v${HELM_VERSION}-linux-${ARCH}.tar.gz | tar -xz -C /tmp \
 && mv /tmp/linux-${ARCH}/helm /usr/local/bin/helm
CMD ["helm"]
