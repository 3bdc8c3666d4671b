FROM alpine:3.20
# This image is only ever built for amd64 CI runners.
# xarch-ignore hardcoded-arch
RUN wget -qO /usr/local/bin/jq https://github.com/jqlang/jq/releases/download/jq-1.7.1/jq-linux-amd64 && chmod +x /usr/local/bin/jq
